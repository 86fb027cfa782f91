/* page_util.c - see page_util.h.  Kept apart from any one page group
 * because the admin, portal, engagement and search pages all need them. */
#include <string.h>
#include <time.h>
#include <utf8proc.h>
#include "page_util.h"
#include "unit.h"
#include "vn.h"

int64_t page_arg_id(Req *r, int i)
{
    const char *s = i < r->nargs ? r->args[i] : NULL;
    if (!s || !*s || strlen(s) > 18) return 0;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

const char *page_echo(Arena *a, const char *s)
{
    if (!s) return "";
    size_t n = strlen(s);
    if (vn_utf8_valid(s, n)) return s;
    Buf b;
    buf_init(&b, a);
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (n > 0) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, (utf8proc_ssize_t)n, &cp);
        if (k <= 0) {
            buf_puts(&b, "\xEF\xBF\xBD");
            p++;
            n--;
        } else {
            buf_append(&b, p, (size_t)k);
            p += k;
            n -= (size_t)k;
        }
    }
    return buf_str(&b);
}

const char *page_int_text(Arena *a, int64_t v)
{
    Buf b;
    buf_init(&b, a);
    vn_int(&b, v);
    return buf_str(&b);
}

const char *page_date_text(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_date(&b, t);
    return buf_str(&b);
}

const char *page_datetime_text(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_datetime(&b, t);
    return buf_str(&b);
}

const char *page_size_text(Arena *a, int64_t n)
{
    Buf b;
    buf_init(&b, a);
    vn_size(&b, n);
    return buf_str(&b);
}

const char *page_datetime_local(Arena *a, int64_t t)
{
    if (t <= 0) return "";
    time_t lt = (time_t)(t + 7 * 3600);   /* Vietnam: UTC+7, no DST */
    struct tm tm;
    gmtime_r(&lt, &tm);
    char s[32];
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M", &tm);
    return arena_strdup(a, s);
}

int page_parse_when(Arena *a, const char *s, int64_t *t)
{
    *t = 0;
    if (!s) return 0;
    char *c = vn_clean(a, s);
    if (!c) return -1;
    if (!*c) return 0;
    for (char *p = c; *p; p++)
        if (*p == 'T') *p = ' ';
    return vn_parse_datetime(c, t);
}

Val *page_crumb(Arena *a, const char *name, const char *url)
{
    Val *c = val_map(a);
    val_set_str(c, "name", name);
    if (url) val_set_str(c, "url", url);
    return c;
}

const char *page_url(Arena *a, const char *base, int64_t n)
{
    if (n <= 1) return base;
    return arena_printf(a, "%s%ctrang=%lld", base, strchr(base, '?') ? '&' : '?', (long long)n);
}

Val *page_pager(Arena *a, const char *base, int64_t page, int64_t pages)
{
    return page_pager_open(a, base, page, pages, 0);
}

Val *page_pager_open(Arena *a, const char *base, int64_t page, int64_t pages, int more)
{
    if (pages <= 1 && !more) return NULL;
    Val *p = val_map(a);
    val_set_int(p, "page", page);
    val_set_int(p, "pages", pages);
    val_set_bool(p, "more", more);
    if (page > 1) val_set_str(p, "prev_url", page_url(a, base, page - 1));
    if (page < pages || more) val_set_str(p, "next_url", page_url(a, base, page + 1));
    Val *items = val_list(a);
    int64_t last = 0;
    for (int64_t n = 1; n <= pages; n++) {
        if (n != 1 && n != pages && (n < page - 2 || n > page + 2)) continue;
        if (last && n > last + 1) {
            Val *gap = val_map(a);
            val_set_bool(gap, "gap", 1);
            val_push(items, gap);
        }
        Val *it = val_map(a);
        val_set_int(it, "num", n);
        val_set_str(it, "url", page_url(a, base, n));
        val_set_bool(it, "current", n == page);
        val_push(items, it);
        last = n;
    }
    if (more) {
        Val *gap = val_map(a);
        val_set_bool(gap, "gap", 1);
        val_push(items, gap);
    }
    val_set(p, "items", items);
    return p;
}

int page_form_day(const char *s, int64_t *day)
{
    *day = 0;
    if (!s || !*s) return 1;
    return unit_parse_day(s, day) == 0 ? 0 : -1;
}

const char *page_upload_name(const Upload *up, const char *fallback, int *bad)
{
    *bad = 0;
    if (!up || up->size == 0) return NULL;
    const char *name = up->filename ? up->filename : "";
    for (const char *p = name; *p; p++)
        if (*p == '/' || *p == '\\') name = p + 1;
    if (!*name) return fallback;
    int wrong = !vn_utf8_valid(name, strlen(name)) || strlen(name) > 255;
    for (const unsigned char *p = (const unsigned char *)name; !wrong && *p; p++) wrong = *p < 0x20 || *p == 0x7f;
    if (wrong) { *bad = 1; return NULL; }
    return name;
}

const char *page_bar_svg(Arena *a, const char *title, const char *const *labels, const int *values, int n)
{
    int max = 1;
    for (int i = 0; i < n; i++) if (values[i] > max) max = values[i];
    Buf b;
    buf_init(&b, a);
    int h = 26 * n + 8;
    buf_printf(&b, "<svg class=\"chart\" viewBox=\"0 0 480 %d\" width=\"100%%\" role=\"img\" aria-label=\"", h);
    buf_xml(&b, title);
    buf_puts(&b, "\">");
    for (int i = 0; i < n; i++) {
        int y = 4 + 26 * i, w = (int)(260.0 * values[i] / max + 0.5);
        buf_printf(&b, "<text x=\"0\" y=\"%d\" font-size=\"13\">", y + 16);
        buf_xml(&b, labels[i]);
        buf_printf(&b, "</text><rect x=\"170\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#8a1c1c\"></rect>"
                       "<text x=\"%d\" y=\"%d\" font-size=\"13\">%d</text>", y + 3, w > 0 ? w : 1, 176 + w, y + 16, values[i]);
    }
    buf_puts(&b, "</svg>");
    return buf_str(&b);
}

Val *page_option(Arena *a, const char *value, const char *label, int selected)
{
    Val *o = val_map(a);
    val_set_str(o, "value", value);
    val_set_str(o, "label", label);
    val_set_bool(o, "selected", selected);
    return o;
}

const char *page_council_base(Req *r)
{
    return arena_printf(r->arena, "/quan-tri/hoi-dong/%lld", (long long)r->council_id);
}
