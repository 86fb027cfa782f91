/* tmpl.c - the template engine: a small mustache that escapes by default.
 *
 * Every page view renders two or more templates, so the work is split:
 * tmpl_load() reads each template once (the embedded copy from
 * embedded_files[], or an override from a directory), and compiles it into
 * a flat array of ops: literal text, a variable with its filter, a
 * (possibly inverted) section carrying the index just past its body, and a
 * partial carrying the index of the template it includes.  Names are split
 * into dotted segments at compile time, each with a precomputed hash, so a
 * lookup at render time is a walk over a short map list comparing one
 * integer per entry.  Rendering allocates nothing except output growth; the
 * context stack is a chain of frames on the C stack.  After loading, the
 * template set is only read, which makes tmpl_render thread-safe.
 *
 * The Val tree is what handlers hand to templates: maps keep insertion
 * order as a linked list (maps are small: a dozen keys), lists are arrays
 * grown in the arena, strings and keys are borrowed, never copied. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "log.h"
#include "tmpl.h"
#include "vn.h"

/* ---- Val tree ---------------------------------------------------------- */

typedef struct MapEnt {
    const char *key;
    uint32_t hash;
    uint32_t klen;
    Val *v;
    struct MapEnt *next;
} MapEnt;

struct Val {
    ValType type;
    Arena *arena; /* lists and maps grow in it */
    union {
        const char *s;
        int64_t i;
        double d;
        struct { MapEnt *head, *tail; } map;
        struct { Val **items; uint32_t n, cap; } list;
    } u;
};

/* FNV-1a: cheap, and good enough to reject almost every non-matching key
 * with one integer compare. */
static uint32_t key_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static Val *val_new(Arena *a, ValType t)
{
    Val *v = arena_alloc(a, sizeof *v);
    v->type = t;
    v->arena = a;
    return v;
}

/* val_map, val_list, val_str, ...: a new value in arena a (never NULL;
 * the arena aborts on out-of-memory).  Strings are borrowed. */
Val *val_map(Arena *a) { return val_new(a, VAL_MAP); }
Val *val_list(Arena *a) { return val_new(a, VAL_LIST); }

Val *val_str(Arena *a, const char *s)
{
    Val *v = val_new(a, s ? VAL_STR : VAL_NULL);
    v->u.s = s;
    return v;
}

Val *val_int(Arena *a, int64_t i)
{
    Val *v = val_new(a, VAL_INT);
    v->u.i = i;
    return v;
}

Val *val_bool(Arena *a, int b)
{
    Val *v = val_new(a, VAL_BOOL);
    v->u.i = b != 0;
    return v;
}

Val *val_double(Arena *a, double d)
{
    Val *v = val_new(a, VAL_DOUBLE);
    v->u.d = d;
    return v;
}

static MapEnt *map_find(const Val *map, const char *key, size_t klen, uint32_t h)
{
    for (MapEnt *e = map->u.map.head; e; e = e->next)
        if (e->hash == h && e->klen == klen && memcmp(e->key, key, klen) == 0) return e;
    return NULL;
}

/* Set key in map (replacing an existing entry in place, so the order of
 * first insertion is kept).  key is borrowed.  Returns map; a NULL or
 * non-map `map` is returned unchanged. */
Val *val_set(Val *map, const char *key, Val *v)
{
    if (!map || map->type != VAL_MAP || !key) return map;
    size_t klen = strlen(key);
    uint32_t h = key_hash(key, klen);
    MapEnt *e = map_find(map, key, klen, h);
    if (e) {
        e->v = v;
        return map;
    }
    e = arena_alloc(map->arena, sizeof *e);
    e->key = key;
    e->hash = h;
    e->klen = (uint32_t)klen;
    e->v = v;
    if (map->u.map.tail) map->u.map.tail->next = e;
    else map->u.map.head = e;
    map->u.map.tail = e;
    return map;
}

Val *val_set_str(Val *map, const char *key, const char *s)
{
    if (!map || map->type != VAL_MAP) return map;
    return val_set(map, key, val_str(map->arena, s));
}

Val *val_set_int(Val *map, const char *key, int64_t i)
{
    if (!map || map->type != VAL_MAP) return map;
    return val_set(map, key, val_int(map->arena, i));
}

Val *val_set_bool(Val *map, const char *key, int b)
{
    if (!map || map->type != VAL_MAP) return map;
    return val_set(map, key, val_bool(map->arena, b));
}

Val *val_set_double(Val *map, const char *key, double d)
{
    if (!map || map->type != VAL_MAP) return map;
    return val_set(map, key, val_double(map->arena, d));
}

/* Append v to list (NULL items are skipped); returns the list. */
Val *val_push(Val *list, Val *v)
{
    if (!list || list->type != VAL_LIST || !v) return list;
    if (list->u.list.n == list->u.list.cap) {
        uint32_t ncap = list->u.list.cap ? list->u.list.cap * 2 : 8;
        list->u.list.items = arena_realloc(list->arena, list->u.list.items,
                                           list->u.list.cap * sizeof(Val *),
                                           ncap * sizeof(Val *));
        list->u.list.cap = ncap;
    }
    list->u.list.items[list->u.list.n++] = v;
    return list;
}

/* The value under key, or NULL when absent or map is not a map. */
Val *val_get(const Val *map, const char *key)
{
    if (!map || map->type != VAL_MAP || !key) return NULL;
    size_t klen = strlen(key);
    MapEnt *e = map_find(map, key, klen, key_hash(key, klen));
    return e ? e->v : NULL;
}

ValType val_type(const Val *v) { return v ? v->type : VAL_NULL; }

const char *val_as_str(const Val *v) { return v && v->type == VAL_STR ? v->u.s : NULL; }

int64_t val_as_int(const Val *v)
{
    return v && (v->type == VAL_INT || v->type == VAL_BOOL) ? v->u.i : 0;
}

size_t val_len(const Val *v) { return v && v->type == VAL_LIST ? v->u.list.n : 0; }

/* ---- compiled templates ------------------------------------------------ */

enum { OP_TEXT, OP_VAR, OP_SECTION, OP_INVERTED, OP_PARTIAL };
enum { F_HTML, F_RAW, F_URL, F_JSON, F_NUM, F_DATE, F_DATETIME, F_ISO };

static const struct { const char *name; int f; } filters[] = {
    {"url", F_URL},   {"json", F_JSON},         {"num", F_NUM},
    {"date", F_DATE}, {"datetime", F_DATETIME}, {"iso", F_ISO},
};

/* One segment of a dotted name; points into the template's source copy. */
typedef struct Seg {
    const char *s;
    uint32_t len;
    uint32_t hash;
} Seg;

typedef struct Op {
    uint8_t kind;
    uint8_t filter;
    uint16_t nseg;  /* 0 = "." (the current value) */
    uint32_t seg;   /* first segment in Tmpl.segs */
    uint32_t arg;   /* TEXT: length; SECTION/INVERTED: index after body; PARTIAL: template index */
    const char *text;
} Op;

typedef struct Tmpl {
    char *name;  /* "layout" */
    char *file;  /* "templates/layout.html" or the override path, for messages */
    char *src;   /* owned copy of the source; ops and segs point into it */
    size_t srclen;
    Op *ops;
    size_t nops, capops;
    Seg *segs;
    size_t nsegs, capsegs;
} Tmpl;

typedef struct TmplSet {
    Tmpl *t;
    size_t n, cap;
} TmplSet;

/* The loaded set: written by tmpl_load/tmpl_unload only, read by renders. */
static TmplSet g_set;

#define TMPL_MAX_NEST 64    /* sections open at once in one template */
#define TMPL_MAX_PARTIAL 16 /* partial inclusion depth at render time */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("tmpl: out of memory\n", stderr);
        abort();
    }
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xrealloc(NULL, n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void tmpl_free_one(Tmpl *t)
{
    free(t->name);
    free(t->file);
    free(t->src);
    free(t->ops);
    free(t->segs);
    memset(t, 0, sizeof *t);
}

static Op *op_add(Tmpl *t, int kind)
{
    if (t->nops == t->capops) {
        t->capops = t->capops ? t->capops * 2 : 32;
        t->ops = xrealloc(t->ops, t->capops * sizeof *t->ops);
    }
    Op *op = &t->ops[t->nops++];
    memset(op, 0, sizeof *op);
    op->kind = (uint8_t)kind;
    return op;
}

static void text_add(Tmpl *t, const char *p, size_t n)
{
    if (n == 0) return;
    Op *op = op_add(t, OP_TEXT);
    op->text = p;
    op->arg = (uint32_t)n;
}

static int name_char(int c) { return isalnum(c) || c == '_' || c == '-'; }

/* Split a dotted name into segments appended to t->segs.  Returns 0, or
 * -1 when the name is malformed ("", "a..b", "a.", bad characters). */
static int name_compile(Tmpl *t, Op *op, const char *s, size_t n)
{
    op->seg = (uint32_t)t->nsegs;
    op->nseg = 0;
    if (n == 1 && s[0] == '.') return 0;
    size_t i = 0;
    while (i <= n) {
        size_t st = i;
        while (i < n && name_char((unsigned char)s[i])) i++;
        if (i == st) return -1;
        if (i < n && s[i] != '.') return -1;
        if (t->nsegs == t->capsegs) {
            t->capsegs = t->capsegs ? t->capsegs * 2 : 32;
            t->segs = xrealloc(t->segs, t->capsegs * sizeof *t->segs);
        }
        Seg *sg = &t->segs[t->nsegs++];
        sg->s = s + st;
        sg->len = (uint32_t)(i - st);
        sg->hash = key_hash(sg->s, sg->len);
        if (op->nseg == UINT16_MAX) return -1;
        op->nseg++;
        i++; /* skip '.', or step past the end */
    }
    return 0;
}

static long set_find(const TmplSet *set, const char *name, size_t n)
{
    for (size_t i = 0; i < set->n; i++)
        if (strlen(set->t[i].name) == n && memcmp(set->t[i].name, name, n) == 0) return (long)i;
    return -1;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* Compile t->src into ops.  Partials are looked up in `set` (which may be
 * NULL: then any partial is unknown).  Returns 0, or -1 with "file:line:
 * problem" in err. */
static int tmpl_compile(Tmpl *t, const TmplSet *set, char *err, size_t errlen)
{
    const char *src = t->src, *end = t->src + t->srclen;
    const char *p = src;
    int line = 1;              /* line of p */
    const char *line_at = src; /* newlines before this point are counted */
    struct { uint32_t op; const char *name; size_t len; int line; } stack[TMPL_MAX_NEST];
    int nopen = 0;

#define FAIL(...) do { \
        int n_ = snprintf(err, errlen, "%s:%d: ", t->file, line); \
        if (n_ >= 0 && (size_t)n_ < errlen) snprintf(err + n_, errlen - (size_t)n_, __VA_ARGS__); \
        return -1; } while (0)

    while (p < end) {
        const char *tag = memmem(p, (size_t)(end - p), "{{", 2);
        if (!tag) {
            text_add(t, p, (size_t)(end - p));
            break;
        }
        for (; line_at < tag; line_at++)
            if (*line_at == '\n') line++;
        const char *q = tag + 2;
        const char *close = memmem(q, (size_t)(end - q), "}}", 2);
        if (!(q < end && *q == '!')) {
            /* Only comments span lines; catching a "{{" without its "}}"
             * on the same line gives the right line number. */
            const char *nl = memchr(q, '\n', (size_t)(end - q));
            if (close && nl && nl < close) close = NULL;
        }
        if (!close) FAIL("unclosed tag \"{{\"");
        const char *after = close + 2;

        /* Tag body without surrounding whitespace. */
        const char *b = q, *e = close;
        while (b < e && isspace((unsigned char)*b)) b++;
        while (e > b && isspace((unsigned char)e[-1])) e--;
        char sigil = 0;
        if (b < e && strchr("#^/>!&", *b)) {
            sigil = *b++;
            while (b < e && isspace((unsigned char)*b)) b++;
        }

        /* Standalone: a section, inverted, close, partial or comment tag
         * alone on its line vanishes together with that line. */
        const char *text_end = tag, *next = after;
        if (sigil && sigil != '&') {
            const char *ls = tag;
            while (ls > p && is_blank(ls[-1])) ls--;
            int at_line_start = (ls == src || ls[-1] == '\n');
            if (ls == p && p != src && p[-1] != '\n') at_line_start = 0;
            const char *r = after;
            while (r < end && is_blank(*r)) r++;
            if (at_line_start) {
                if (r < end && *r == '\r' && r + 1 < end && r[1] == '\n') r++;
                if (r == end || *r == '\n') {
                    text_end = ls;
                    next = r < end ? r + 1 : r;
                }
            }
        }
        text_add(t, p, (size_t)(text_end - p));

        if (sigil == '!') {
            /* comment: nothing */
        } else if (sigil == '#' || sigil == '^') {
            if (nopen == TMPL_MAX_NEST) FAIL("sections nested too deeply");
            Op *op = op_add(t, sigil == '#' ? OP_SECTION : OP_INVERTED);
            if (name_compile(t, op, b, (size_t)(e - b)) < 0)
                FAIL("bad name \"%.*s\"", (int)(e - b), b);
            stack[nopen].op = (uint32_t)(t->nops - 1);
            stack[nopen].name = b;
            stack[nopen].len = (size_t)(e - b);
            stack[nopen].line = line;
            nopen++;
        } else if (sigil == '/') {
            if (nopen == 0) FAIL("\"{{/%.*s}}\" closes no section", (int)(e - b), b);
            nopen--;
            if (stack[nopen].len != (size_t)(e - b) || memcmp(stack[nopen].name, b, stack[nopen].len) != 0)
                FAIL("\"{{/%.*s}}\" closes \"%.*s\" opened on line %d", (int)(e - b), b,
                     (int)stack[nopen].len, stack[nopen].name, stack[nopen].line);
            t->ops[stack[nopen].op].arg = (uint32_t)t->nops;
        } else if (sigil == '>') {
            long idx = set ? set_find(set, b, (size_t)(e - b)) : -1;
            if (idx < 0) FAIL("unknown partial \"%.*s\"", (int)(e - b), b);
            Op *op = op_add(t, OP_PARTIAL);
            op->arg = (uint32_t)idx;
        } else {
            Op *op = op_add(t, OP_VAR);
            op->filter = sigil == '&' ? F_RAW : F_HTML;
            const char *colon = memchr(b, ':', (size_t)(e - b));
            if (colon && sigil != '&') {
                const char *fe = colon;
                while (fe > b && isspace((unsigned char)fe[-1])) fe--;
                size_t fl = (size_t)(fe - b);
                int found = -1;
                for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++)
                    if (strlen(filters[i].name) == fl && memcmp(filters[i].name, b, fl) == 0)
                        found = filters[i].f;
                if (found < 0) FAIL("unknown filter \"%.*s\"", (int)fl, b);
                op->filter = (uint8_t)found;
                b = colon + 1;
                while (b < e && isspace((unsigned char)*b)) b++;
            }
            if (name_compile(t, op, b, (size_t)(e - b)) < 0)
                FAIL("bad name \"%.*s\"", (int)(e - b), b);
        }
        p = next;
    }
    if (nopen) {
        line = stack[nopen - 1].line;
        FAIL("section \"%.*s\" is never closed", (int)stack[nopen - 1].len, stack[nopen - 1].name);
    }
#undef FAIL
    return 0;
}

/* ---- rendering --------------------------------------------------------- */

/* One level of the context stack; frames live on the C stack. */
typedef struct Frame {
    const Val *v;
    const struct Frame *up;
} Frame;

typedef struct Render {
    Buf *out;
    const TmplSet *set;
    int depth; /* partial depth */
} Render;

static MapEnt *seg_find(const Val *map, const Seg *sg)
{
    for (MapEnt *e = map->u.map.head; e; e = e->next)
        if (e->hash == sg->hash && e->klen == sg->len && memcmp(e->key, sg->s, sg->len) == 0)
            return e;
    return NULL;
}

/* Resolve an op's name: the first segment up the stack (innermost first),
 * the rest by descending from there.  NULL when missing. */
static const Val *lookup(const Tmpl *t, const Op *op, const Frame *f)
{
    if (op->nseg == 0) return f ? f->v : NULL;
    const Seg *sg = &t->segs[op->seg];
    const Val *v = NULL;
    for (; f; f = f->up) {
        if (!f->v || f->v->type != VAL_MAP) continue;
        MapEnt *e = seg_find(f->v, sg);
        if (e) {
            v = e->v;
            break;
        }
    }
    for (unsigned i = 1; v && i < op->nseg; i++) {
        if (v->type != VAL_MAP) return NULL;
        MapEnt *e = seg_find(v, &sg[i]);
        v = e ? e->v : NULL;
    }
    return v;
}

static int truthy(const Val *v)
{
    if (!v) return 0;
    switch (v->type) {
    case VAL_STR: return v->u.s && v->u.s[0];
    case VAL_INT:
    case VAL_BOOL: return v->u.i != 0;
    case VAL_DOUBLE: return v->u.d != 0;
    case VAL_LIST: return v->u.list.n > 0;
    case VAL_MAP: return 1;
    default: return 0;
    }
}

/* A whole decimal integer in a string (for num/date filters given text). */
static int str_int(const char *s, int64_t *out)
{
    if (!s || !*s) return 0;
    char *endp;
    errno = 0;
    long long v = strtoll(s, &endp, 10);
    if (errno || *endp || !(isdigit((unsigned char)*s) || *s == '-')) return 0;
    *out = v;
    return 1;
}

static void put_double(Buf *out, double d)
{
    if (!isfinite(d)) return;
    buf_printf(out, "%.15g", d);
}

static void render_var(Buf *out, int filter, const Val *v)
{
    if (!v) return;
    int64_t i = 0;
    int have_int = 0;
    switch (v->type) {
    case VAL_INT: i = v->u.i; have_int = 1; break;
    case VAL_BOOL:
        if (filter == F_NUM) { i = v->u.i; have_int = 1; break; }
        buf_puts(out, v->u.i ? "true" : "false");
        return;
    case VAL_STR:
        if (filter >= F_NUM && str_int(v->u.s, &i)) { have_int = 1; break; }
        switch (filter) {
        case F_RAW: buf_puts(out, v->u.s); return;
        case F_URL: buf_url(out, v->u.s); return;
        case F_JSON: buf_json(out, v->u.s); return;
        default: buf_html(out, v->u.s); return; /* html, and text given to num/date */
        }
    case VAL_DOUBLE:
        if (filter == F_NUM && isfinite(v->u.d)) {
            /* Two decimals, then drop trailing zeros: 4.5 -> "4,5", 3.0 -> "3". */
            size_t at = out->len;
            vn_decimal(out, v->u.d, 2);
            if (memchr(out->data + at, ',', out->len - at)) {
                while (out->len > at && out->data[out->len - 1] == '0') out->len--;
                if (out->len > at && out->data[out->len - 1] == ',') out->len--;
                out->data[out->len] = 0;
            }
            return;
        }
        if (filter >= F_DATE) {
            /* A double outside int64's range (or NaN) cannot be converted
             * (undefined behaviour): render nothing, like any non-date.
             * Found by fuzz/fuzz_tmpl.c. */
            if (!(v->u.d > -9.2e18 && v->u.d < 9.2e18)) return;
            i = (int64_t)v->u.d;
            have_int = 1;
            break;
        }
        put_double(out, v->u.d);
        return;
    default: return; /* lists, maps, null: nothing */
    }
    if (!have_int) return;
    switch (filter) {
    case F_NUM: vn_int(out, i); break;
    case F_DATE: vn_date(out, i); break;
    case F_DATETIME: vn_datetime(out, i); break;
    case F_ISO: vn_iso8601(out, i); break;
    default: buf_printf(out, "%lld", (long long)i); break;
    }
}

static void render_ops(Render *r, const Tmpl *t, size_t from, size_t to, const Frame *f);

static void render_section(Render *r, const Tmpl *t, const Op *op, size_t body, const Frame *f)
{
    const Val *v = lookup(t, op, f);
    if (op->kind == OP_INVERTED) {
        if (!truthy(v)) render_ops(r, t, body, op->arg, f);
        return;
    }
    if (!truthy(v)) return;
    if (v->type == VAL_LIST) {
        for (uint32_t i = 0; i < v->u.list.n; i++) {
            Frame fr = {v->u.list.items[i], f};
            render_ops(r, t, body, op->arg, &fr);
        }
        return;
    }
    Frame fr = {v, f};
    render_ops(r, t, body, op->arg, &fr);
}

static void render_ops(Render *r, const Tmpl *t, size_t from, size_t to, const Frame *f)
{
    size_t i = from;
    while (i < to) {
        const Op *op = &t->ops[i];
        switch (op->kind) {
        case OP_TEXT:
            buf_append(r->out, op->text, op->arg);
            i++;
            break;
        case OP_VAR:
            render_var(r->out, op->filter, lookup(t, op, f));
            i++;
            break;
        case OP_SECTION:
        case OP_INVERTED:
            render_section(r, t, op, i + 1, f);
            i = op->arg;
            break;
        case OP_PARTIAL:
            /* Recursion is legal (a menu tree), runaway recursion is cut. */
            if (r->set && op->arg < r->set->n && r->depth < TMPL_MAX_PARTIAL) {
                const Tmpl *pt = &r->set->t[op->arg];
                r->depth++;
                render_ops(r, pt, 0, pt->nops, f);
                r->depth--;
            }
            i++;
            break;
        default:
            i++;
            break;
        }
    }
}

/* Render template `name` from the loaded set with ctx into out.
 * Returns 0, or -1 (logged) when there is no such template. */
int tmpl_render(Buf *out, const char *name, const Val *ctx)
{
    long idx = name ? set_find(&g_set, name, strlen(name)) : -1;
    if (idx < 0) {
        log_error("tmpl: no template \"%s\"", name ? name : "(null)");
        return -1;
    }
    Render r = {out, &g_set, 0};
    Frame f = {ctx, NULL};
    const Tmpl *t = &g_set.t[idx];
    render_ops(&r, t, 0, t->nops, &f);
    return 0;
}

/* Compile src into a temporary template (partials resolve against the
 * loaded set), render it, free it.  Returns 0, or -1 with err filled. */
int tmpl_render_string(Buf *out, const char *src, const Val *ctx, char *err, size_t errlen)
{
    Tmpl t = {0};
    t.name = xstrndup("string", 6);
    t.file = xstrndup("<string>", 8);
    t.srclen = src ? strlen(src) : 0;
    t.src = xstrndup(src ? src : "", t.srclen);
    if (errlen) err[0] = 0;
    if (tmpl_compile(&t, &g_set, err, errlen) < 0) {
        tmpl_free_one(&t);
        return -1;
    }
    Render r = {out, &g_set, 0};
    Frame f = {ctx, NULL};
    render_ops(&r, &t, 0, t.nops, &f);
    tmpl_free_one(&t);
    return 0;
}

/* ---- loading ----------------------------------------------------------- */

static void set_put(TmplSet *set, const char *name, size_t nlen, const char *file,
                    const char *data, size_t len)
{
    long idx = set_find(set, name, nlen);
    Tmpl *t;
    if (idx >= 0) {
        t = &set->t[idx];
        tmpl_free_one(t);
    } else {
        if (set->n == set->cap) {
            set->cap = set->cap ? set->cap * 2 : 32;
            set->t = xrealloc(set->t, set->cap * sizeof *set->t);
        }
        t = &set->t[set->n++];
        memset(t, 0, sizeof *t);
    }
    t->name = xstrndup(name, nlen);
    t->file = xstrndup(file, strlen(file));
    t->src = xstrndup(data, len);
    t->srclen = len;
}

static void set_free(TmplSet *set)
{
    for (size_t i = 0; i < set->n; i++) tmpl_free_one(&set->t[i]);
    free(set->t);
    memset(set, 0, sizeof *set);
}

/* "templates/x.html" or "x.html" -> "x"; 0 when not a .html name. */
static size_t html_base(const char *path, const char **base)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n <= 5 || strcmp(b + n - 5, ".html") != 0) return 0;
    *base = b;
    return n - 5;
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char *d = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap = cap ? cap * 2 : 8192;
            d = xrealloc(d, cap);
        }
        size_t got = fread(d + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(d);
        return -1;
    }
    *data = d;
    *len = n;
    return 0;
}

/* Load the embedded templates, then the overrides in dir (NULL = none),
 * and compile them all.  Replaces any previous set.  Returns 0, or -1
 * with "file:line: problem" in err (the previous set, if any, is kept). */
int tmpl_load(const char *dir, char *err, size_t errlen)
{
    TmplSet set = {0};
    if (errlen) err[0] = 0;
    for (const EmbeddedFile *ef = embedded_files; ef->name; ef++) {
        const char *base;
        size_t n;
        if (strncmp(ef->name, "templates/", 10) != 0 || !(n = html_base(ef->name, &base))) continue;
        set_put(&set, base, n, ef->name, (const char *)ef->data, ef->len);
    }
    if (dir) {
        DIR *d = opendir(dir);
        if (!d) {
            snprintf(err, errlen, "%s: cannot open template directory: %s", dir, strerror(errno));
            set_free(&set);
            return -1;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
            const char *base;
            size_t n = html_base(de->d_name, &base);
            if (!n || de->d_name[0] == '.') continue;
            size_t plen = strlen(dir) + 1 + strlen(de->d_name) + 1;
            char *path = xrealloc(NULL, plen);
            snprintf(path, plen, "%s/%s", dir, de->d_name);
            char *data;
            size_t len;
            if (read_file(path, &data, &len) < 0) {
                snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
                free(path);
                closedir(d);
                set_free(&set);
                return -1;
            }
            set_put(&set, base, n, path, data, len);
            free(data);
            free(path);
        }
        closedir(d);
    }
    /* All names are known before compiling, so partials may refer to any
     * template regardless of order. */
    for (size_t i = 0; i < set.n; i++) {
        if (tmpl_compile(&set.t[i], &set, err, errlen) < 0) {
            set_free(&set);
            return -1;
        }
    }
    set_free(&g_set);
    g_set = set;
    return 0;
}

/* Free the loaded set (tests check for leaks with it). */
void tmpl_unload(void) { set_free(&g_set); }
