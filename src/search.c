/* search.c - Vietnamese search: the query parser, highlighting on the
 * original text, and running a search with filters (see search.h).
 *
 * Why the parser builds FTS5 text itself: FTS5's query language has
 * operators (AND OR NOT NEAR, column filters, *, ^, parentheses) and a
 * syntax error aborts the statement, so user text is never passed through.
 * It is cut into tokens with the rule FTS5's unicode61 tokenizer uses
 * (letters, digits and private-use characters make words; everything else
 * separates), and each phrase is written as a double-quoted string of
 * those tokens, which FTS5 reads as plain words whatever they spell.
 *
 * Matching is on folded text (vn_fold), so diacritics and case never
 * prevent a match; words the reader typed with diacritics also build an
 * "exact" expression over the original text, and db_fts_search ranks the
 * entries that satisfy it first.  A document number such as 15-ĐA/TU is a
 * phrase of its parts ("15 da tu"): the index splits it the same way, so
 * it is found as typed, with or without diacritics.
 *
 * Snippets: FTS5's snippet() would work on the folded column and show
 * "hoi dong" where the article says "Hội đồng", so highlights are made
 * here on the original text: each word of the text is folded and compared
 * with the query's folded words; the output is escaped with buf_html and
 * only the <mark> tags are ours. */
#include <string.h>
#include <utf8proc.h>

#include "search.h"
#include "md.h"
#include "vn.h"

#define SEARCH_MAX_BYTES 4096      /* reject before any Unicode work */
#define SNIPPET_SOURCE_CHARS 20000 /* how much of a body is scanned for a snippet */
#define SNIPPET_WORDS 40
#define TOKEN_MAX_BYTES 256        /* longer words are never highlighted */

/* ----------------------------------------------------------- tokens */

/* Decode one code point at s[i] (n bytes left); returns its length (>= 1)
 * and the code point, or -1 in *cp for an invalid byte (length 1). */
static size_t next_cp(const char *s, size_t n, int32_t *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &c);
    if (k <= 0) {
        *cp = -1;
        return 1;
    }
    *cp = c;
    return (size_t)k;
}

/* ----------------------------------------------------------- parser */

typedef struct Tok {
    const char *fold, *lower;
    int has_marks;   /* lower != fold: typed with diacritics (or đ) */
} Tok;
typedef struct Group {
    int first, n;
    int quoted;
} Group;
typedef struct Parse {
    Arena *a;
    const char *s;
    Tok tok[SEARCH_MAX_WORDS];
    int ntok;
    int too_many;
    Group grp[SEARCH_MAX_WORDS];
    int ngrp;
    long tok_start;     /* byte offset of the word being read, -1 none */
    int grp_first;
    int quoted;
} Parse;

static void flush_token(Parse *p, size_t end)
{
    if (p->tok_start < 0) return;
    char *w = arena_strndup(p->a, p->s + p->tok_start, end - (size_t)p->tok_start);
    p->tok_start = -1;
    char *f = vn_fold_a(p->a, w);
    if (!f || !*f) return;                 /* only combining marks: nothing to match */
    if (p->ntok == SEARCH_MAX_WORDS) {
        p->too_many = 1;
        return;
    }
    char *l = vn_lower_a(p->a, w);
    Tok *t = &p->tok[p->ntok++];
    t->fold = f;
    t->lower = l && *l ? l : f;
    t->has_marks = strcmp(t->lower, f) != 0;
}

static void flush_group(Parse *p, size_t end)
{
    flush_token(p, end);
    if (p->ntok > p->grp_first) {
        Group *g = &p->grp[p->ngrp++];   /* never more groups than tokens */
        g->first = p->grp_first;
        g->n = p->ntok - p->grp_first;
        g->quoted = p->quoted;
    }
    p->grp_first = p->ntok;
}

/* A double-quoted FTS5 string of the tokens' fold or lower forms. */
static void put_phrase(Buf *b, const Parse *p, const Group *g, int lower)
{
    buf_putc(b, '"');
    for (int i = 0; i < g->n; i++) {
        const Tok *t = &p->tok[g->first + i];
        if (i) buf_putc(b, ' ');
        for (const char *c = lower ? t->lower : t->fold; *c; c++) {
            if (*c == '"') buf_putc(b, '"');   /* cannot occur (not a word character); safe anyway */
            buf_putc(b, *c);
        }
    }
    buf_putc(b, '"');
}

/* One group: its phrase, or for the trailing prefix ("whole OR prefix"):
 * ("dan" OR "dan" *), so an entry with the complete word matches both
 * phrases and bm25 ranks it above one with only a longer word (dân before
 * Đảng, danh), which a bare prefix could not tell apart. */
static void put_group(Buf *b, const Parse *p, const Group *g, int lower, int prefix)
{
    if (!prefix) {
        put_phrase(b, p, g, lower);
        return;
    }
    buf_putc(b, '(');
    put_phrase(b, p, g, lower);
    buf_puts(b, " OR ");
    put_phrase(b, p, g, lower);
    buf_puts(b, " *)");
}

/* Does folded word f end in a final that no longer syllable continues:
 * m, p, t, ng, nh, ch (n can still become ng or nh, c become ch, a vowel
 * take a final)?  Then "thanh", "phuong", "chinh" are complete words. */
static int ends_complete(const char *f)
{
    size_t n = strlen(f);
    if (n < 2) return 0;
    char last = f[n - 1], before = f[n - 2];
    return last == 'm' || last == 'p' || last == 't' || (last == 'g' && before == 'n') ||
           (last == 'h' && (before == 'n' || before == 'c'));
}

/* Is the last group a prefix: a bare single word of two or more
 * characters that is not a number (numbers are matched whole), and not a
 * complete syllable of five letters or more.  Why the last rule: the
 * index keeps prefixes of up to 4 letters (db_sqlite.c, prefix = '2 3 4');
 * a longer prefix makes FTS5 merge the entry lists of every word that
 * starts with it, which for "phuong" * over 1 000 000 articles took
 * 100-150 ms (make bench-search), while a word such as "phuong" or
 * "chinh" cannot start a longer syllable anyway.  Short words and words
 * that may go on ("nghie", "phuon", "chuyen") stay prefixes. */
static int last_is_prefix(const Parse *p)
{
    if (p->ngrp == 0) return 0;
    const Group *g = &p->grp[p->ngrp - 1];
    if (g->quoted || g->n != 1) return 0;
    const char *f = p->tok[g->first].fold;
    if (vn_char_count(f) < 2) return 0;
    if (vn_char_count(f) >= 5 && ends_complete(f)) return 0;
    for (const char *c = f; *c; c++)
        if (*c < '0' || *c > '9') return 1;
    return 0;
}

int search_parse(Arena *a, const char *q, SearchQuery *out, const char **err)
{
    memset(out, 0, sizeof *out);
    *err = NULL;
    out->text = "";
    if (!q) q = "";
    if (strlen(q) > SEARCH_MAX_BYTES) {
        *err = SEARCH_ERR_LONG;
        return -1;
    }
    char *c = vn_clean(a, q);
    if (!c) {
        *err = SEARCH_ERR_INVALID;
        return -1;
    }
    out->text = c;
    if (vn_char_count(c) > SEARCH_MAX_CHARS) {
        *err = SEARCH_ERR_LONG;
        return -1;
    }

    Parse *p = arena_alloc(a, sizeof *p);
    p->a = a;
    p->s = c;
    p->tok_start = -1;
    size_t n = strlen(c), i = 0;
    while (i < n) {
        int32_t cp;
        size_t k = next_cp(c + i, n - i, &cp);
        if (vn_is_quote_cp(cp)) {
            flush_group(p, i);
            p->quoted = !p->quoted;
        } else if (vn_is_space_cp(cp)) {
            if (p->quoted) flush_token(p, i);
            else flush_group(p, i);
        } else if (vn_is_word_cp(cp)) {
            if (p->tok_start < 0) p->tok_start = (long)i;
        } else {
            flush_token(p, i);            /* punctuation: a word ends, the phrase goes on */
        }
        i += k;
    }
    flush_group(p, n);
    if (p->too_many) {
        *err = SEARCH_ERR_LONG;
        return -1;
    }
    if (p->ntok == 0) {
        *err = SEARCH_ERR_EMPTY;
        return -1;
    }

    out->prefix = last_is_prefix(p);
    Buf m, e;
    buf_init(&m, a);
    buf_init(&e, a);
    /* No column filter on the folded expression: a folded word is in an
     * entry's original columns only if its folded columns hold it too
     * (folding goes character by character, prefixes included), so the
     * entries found are the same, and FTS5 does not read every word's
     * positions to check their columns: a six-word query's walk took 44 ms
     * with the filter and 6 ms without over 100 000 articles (docs/
     * PERFORMANCE.md section 11).  The ranking weighs the folded columns
     * only (db_sqlite.c). */
    buf_puts(&m, "(");
    buf_puts(&e, "{title_orig body_orig} : (");
    int nexact = 0;
    for (int g = 0; g < p->ngrp; g++) {
        const Group *gr = &p->grp[g];
        int pre = out->prefix && g == p->ngrp - 1;
        if (g) buf_puts(&m, " AND ");   /* explicit: FTS5 has no implicit AND before "(" */
        /* A code (23/2024/NQ-HĐND) is one index word (vn.h vn_code_words,
         * added by db_fts_put), and has no exact tier: its diacritics (Đ)
         * tell nothing apart. */
        const char *code = NULL;
        if (!gr->quoted) {
            const char *w[SEARCH_MAX_WORDS];
            for (int t = 0; t < gr->n; t++) w[t] = p->tok[gr->first + t].fold;
            code = vn_code_word(a, w, gr->n);
        }
        if (code) {
            buf_printf(&m, "\"%s\"", code);
            continue;
        }
        put_group(&m, p, gr, 0, pre);
        int marks = 0;
        for (int t = 0; t < gr->n; t++) marks |= p->tok[gr->first + t].has_marks;
        if (marks) {
            if (nexact++) buf_puts(&e, " AND ");
            put_group(&e, p, gr, 1, pre);
        }
    }
    buf_putc(&m, ')');
    buf_putc(&e, ')');
    out->match = buf_str(&m);
    out->exact = nexact ? buf_str(&e) : NULL;
    for (int t = 0; t < p->ntok; t++) out->words[t] = p->tok[t].fold;
    out->nwords = p->ntok;
    return 0;
}

/* -------------------------------------------------------- highlight */

typedef struct Span {
    size_t start, end;   /* bytes of one word in the text */
    int hit;
} Span;

/* Does the word text[start, end) match one of q's words (after folding)? */
static int word_hits(Buf *scratch, const char *text, size_t start, size_t end,
                     const SearchQuery *q)
{
    size_t len = end - start;
    if (len >= TOKEN_MAX_BYTES) return 0;
    char w[TOKEN_MAX_BYTES];
    memcpy(w, text + start, len);
    w[len] = '\0';
    buf_reset(scratch);
    vn_fold(scratch, w);
    const char *f = buf_str(scratch);
    for (int i = 0; i < q->nwords; i++) {
        if (strcmp(f, q->words[i]) == 0) return 1;
        if (q->prefix && i == q->nwords - 1 &&
            strncmp(f, q->words[i], strlen(q->words[i])) == 0)
            return 1;
    }
    return 0;
}

void search_highlight(Buf *out, const char *text, const SearchQuery *q, size_t max_words)
{
    if (!text || !*text) return;
    Arena *a = arena_new();
    Buf scratch;
    buf_init(&scratch, a);
    size_t n = strlen(text), cap = 64, ns = 0;
    Span *sp = arena_alloc(a, cap * sizeof *sp);
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t k = next_cp(text + i, n - i, &cp);
        if (!vn_is_word_cp(cp)) {
            i += k;
            continue;
        }
        size_t s = i;
        while (i < n) {
            k = next_cp(text + i, n - i, &cp);
            if (!vn_is_word_cp(cp)) break;
            i += k;
        }
        if (ns == cap) {
            sp = arena_realloc(a, sp, cap * sizeof *sp, 2 * cap * sizeof *sp);
            cap *= 2;
        }
        sp[ns].start = s;
        sp[ns].end = i;
        sp[ns].hit = q && q->nwords > 0 && word_hits(&scratch, text, s, i, q);
        ns++;
    }

    /* The window: all of it, or max_words words starting a little before
     * the first hit of the densest run of hits (the start when none). */
    size_t from = 0, to = ns;
    if (max_words > 0 && ns > max_words) {
        size_t best = 0, bestcount = 0, count = 0;
        for (size_t j = 0; j < ns; j++) {
            count += (size_t)sp[j].hit;
            if (j >= max_words) count -= (size_t)sp[j - max_words].hit;
            size_t st = j + 1 >= max_words ? j + 1 - max_words : 0;
            if (count > bestcount) {
                bestcount = count;
                best = st;
            }
        }
        if (bestcount > 0) {
            size_t first = best;
            while (!sp[first].hit) first++;
            from = first > max_words / 4 ? first - max_words / 4 : 0;
        }
        to = from + max_words < ns ? from + max_words : ns;
        if (to == ns && ns > max_words) from = ns - max_words;
    }
    size_t pos = from > 0 ? sp[from].start : 0;
    size_t stop = to < ns ? sp[to - 1].end : n;
    if (ns == 0) stop = n;
    if (from > 0) buf_puts(out, "… ");
    for (size_t j = from; j < to && ns > 0; j++) {
        if (sp[j].start > pos) buf_html_n(out, text + pos, sp[j].start - pos);
        if (sp[j].hit) buf_puts(out, "<mark>");
        buf_html_n(out, text + sp[j].start, sp[j].end - sp[j].start);
        if (sp[j].hit) buf_puts(out, "</mark>");
        pos = sp[j].end;
    }
    if (stop > pos) buf_html_n(out, text + pos, stop - pos);
    if (to < ns) buf_puts(out, " …");
    arena_free(a);
}

/* ----------------------------------------------------------- running */

static const char *hl(Arena *a, const char *text, const SearchQuery *q, size_t max_words)
{
    Buf b;
    buf_init(&b, a);
    search_highlight(&b, text, q, max_words);
    return buf_str(&b);
}

static const char *attachment_link(Arena *a, int64_t id, const char *filename)
{
    Buf b;
    buf_init(&b, a);
    buf_printf(&b, "/tep/%lld/", (long long)id);
    buf_url(&b, filename);
    return buf_str(&b);
}

/* Fill an article hit from the database; 0, or -1 (gone meanwhile or error). */
static int load_article(Db *db, Arena *a, const SearchQuery *q, SearchHit *h)
{
    Stmt *st = db_prepare(db,
        "SELECT a.title, a.slug, a.summary, a.body, c.name, c.slug"
        " FROM articles a JOIN categories c ON c.id = a.category_id WHERE a.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, h->id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return -1;
    }
    h->title = db_col_dup(st, 0, a);
    h->url = arena_printf(a, "/bai-viet/%s", db_col_text(st, 1));
    const char *summary = db_col_text(st, 2);
    const char *plain = md_excerpt(a, db_col_text(st, 3), SNIPPET_SOURCE_CHARS);
    const char *text = *summary ? arena_printf(a, "%s %s", summary, plain ? plain : "")
                                : (plain ? plain : "");
    h->category_name = db_col_dup(st, 4, a);
    h->category_url = arena_printf(a, "/chuyen-muc/%s", db_col_text(st, 5));
    db_done(st);
    h->title_html = hl(a, h->title, q, 0);
    h->snippet_html = hl(a, text, q, SNIPPET_WORDS);
    return 0;
}

/* Fill a document hit (an attachment with a number); 0 or -1. */
static int load_document(Db *db, Arena *a, const SearchQuery *q, SearchHit *h)
{
    Stmt *st = db_prepare(db,
        "SELECT t.title, t.filename, t.doc_number, a.title, a.slug, c.name, c.slug"
        " FROM attachments t JOIN articles a ON a.id = t.article_id"
        " JOIN categories c ON c.id = a.category_id WHERE t.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, h->id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return -1;
    }
    const char *title = db_col_dup(st, 0, a);
    h->filename = db_col_dup(st, 1, a);
    h->title = title && *title ? title : h->filename;
    h->doc_number = db_col_dup(st, 2, a);
    h->article_title = db_col_dup(st, 3, a);
    h->article_url = arena_printf(a, "/bai-viet/%s", db_col_text(st, 4));
    h->category_name = db_col_dup(st, 5, a);
    h->category_url = arena_printf(a, "/chuyen-muc/%s", db_col_text(st, 6));
    db_done(st);
    h->url = attachment_link(a, h->id, h->filename);
    h->title_html = hl(a, h->title, q, 0);
    h->snippet_html = hl(a, arena_printf(a, "Số ký hiệu %s · %s", h->doc_number, h->filename), q, 0);
    return 0;
}

int search_run(Db *db, Arena *a, const SearchQuery *q, const SearchOptions *o, SearchResults *res)
{
    memset(res, 0, sizeof *res);
    int per = o->per_page > 0 ? o->per_page : SEARCH_PER_PAGE;
    int64_t page = o->page > 0 ? o->page : 1;
    if (page > 1000000) page = 1000000;
    DbFtsFilter f = {
        .kind = o->kind, .category_id = o->category_id, .from = o->from, .to = o->to,
        .now = o->now, .offset = (page - 1) * per, .limit = per,
    };
    DbFtsHit *hits = arena_alloc(a, (size_t)per * sizeof *hits);
    int64_t total = 0, cap = 0;
    int n;
    /* Counting the thousands of hits of a broad query cost more than the
     * search itself, so the count goes only as far as this page needs
     * (search.h SEARCH_COUNT_CAP); the pager then offers "Trang sau"
     * without a last page, up to SEARCH_DEPTH_MAX. */
    for (int again = 0;; again = 1) {
        cap = f.offset + per;
        if (cap < SEARCH_COUNT_CAP) cap = SEARCH_COUNT_CAP;
        if (cap > SEARCH_DEPTH_MAX) cap = SEARCH_DEPTH_MAX;
        f.count_cap = cap;
        n = db_fts_search(db, q->match, q->exact, &f, hits, &total);
        if (n < 0) return -1;
        int64_t counted = total > cap ? cap : total;
        int64_t last = counted > 0 ? (counted + per - 1) / per : 1;
        if (again || total == 0 || page <= last) break;
        page = last;               /* asked past the end: show the last page */
        f.offset = (page - 1) * per;
    }
    int64_t shown = total > cap ? cap : total;
    int64_t pages = shown > 0 ? (shown + per - 1) / per : 1;
    res->total_more = total > shown;
    res->total = shown;
    res->page = page;
    res->pages = pages;
    res->more_pages = res->total_more && pages * per < SEARCH_DEPTH_MAX;
    res->hits = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof *res->hits);
    for (int i = 0; i < n; i++) {
        SearchHit *h = &res->hits[res->n];
        memset(h, 0, sizeof *h);
        h->is_document = hits[i].is_document;
        h->id = hits[i].ref;
        h->exact = hits[i].exact;
        h->date = hits[i].date;
        int rc = h->is_document ? load_document(db, a, q, h) : load_article(db, a, q, h);
        if (rc == 0) res->n++;
    }
    return 0;
}
