/* fuzz_search.c - the search-query parser (search_parse) and the
 * highlighter (search_highlight), which take whatever a reader types.
 * Oracles:
 *  - 0 with 1..SEARCH_MAX_WORDS non-empty words, or -1 with one of the
 *    three SEARCH_ERR_* messages;
 *  - the folded expression is "(" ... ")", the exact one
 *    "{title_orig body_orig} : (" ... ")", each holding only quoted
 *    phrases (inner quotes doubled), "*", AND, OR and parentheses: nothing
 *    the user typed is FTS5 syntax (search.h's promise);
 *  - SQLite's FTS5 accepts both expressions: db_fts_search over the real
 *    schema (an in-memory database with the migrations) never fails;
 *  - the highlighted HTML holds no '<' except balanced <mark> tags. */
#include "fuzz.h"
#include "db.h"
#include "search.h"
#include "vn.h"

static Db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[256];
    db = db_open(":memory:", 1, err, sizeof err);
    if (!db) { fprintf(stderr, "fuzz_search: %s\n", err); abort(); }
    if (db_fts_put(db, "article", 1, "Hội đồng nhân dân thành phố Hà Nội",
                   "Kỳ họp thứ 12 thông qua Nghị quyết 23/2024/NQ-HĐND và Đề án 15-ĐA/TU") != 0 ||
        db_fts_put(db, "document", 2, "Nghị quyết", "\"quoted\" * AND OR NEAR ( ) : ^ -") != 0) {
        fprintf(stderr, "fuzz_search: db_fts_put failed\n");
        abort();
    }
    return 0;
}

/* Check "PREFIX(" ... ")" where the inside is made only of quoted
 * phrases (inner quotes doubled), the prefix star "*", the operators AND
 * and OR, balanced parentheses and single spaces: no bare word, so nothing
 * the user typed can be FTS5 syntax (column filters, NEAR, NOT, ^, -...). */
static void check_expr(const char *x, const char *prefix)
{
    size_t pl = strlen(prefix);
    FUZZ_CHECK(!strncmp(x, prefix, pl), "expression \"%s\" lacks \"%s\"", x, prefix);
    const char *p = x + pl;
    int depth = 1, phrases = 0;
    while (depth > 0) {
        FUZZ_CHECK(*p, "unbalanced parentheses in %s", x);
        if (*p == ' ') { p++; continue; }
        if (*p == '(') { depth++; p++; continue; }
        if (*p == ')') { depth--; p++; continue; }
        if (*p == '*') { p++; continue; }
        if (!strncmp(p, "AND ", 4)) { p += 4; continue; }
        if (!strncmp(p, "OR ", 3)) { p += 3; continue; }
        FUZZ_CHECK(*p == '"', "bare text \"%s\" in %s", p, x);
        p++;
        for (;;) {
            FUZZ_CHECK(*p, "unterminated phrase in %s", x);
            if (*p == '"') {
                if (p[1] == '"') { p += 2; continue; }
                p++;
                break;
            }
            p++;
        }
        phrases++;
    }
    FUZZ_CHECK(*p == 0, "text after the closing ')' in %s", x);
    FUZZ_CHECK(phrases >= 1, "no phrase in %s", x);
}

static void check_highlight(Arena *a, const char *text, const SearchQuery *q, size_t maxw)
{
    Buf b;
    buf_init(&b, a);
    search_highlight(&b, text, q, maxw);
    const char *h = buf_str(&b);
    int open = 0;
    for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
        if (!strncmp(p, "<mark>", 6)) { FUZZ_CHECK(!open, "nested <mark> in %s", h); open = 1; }
        else if (!strncmp(p, "</mark>", 7)) { FUZZ_CHECK(open, "stray </mark> in %s", h); open = 0; }
        else FUZZ_CHECK(0, "raw '<' in highlighted %s", h);
    }
    FUZZ_CHECK(!open, "unclosed <mark> in %s", h);
    FUZZ_CHECK(!strchr(h, '>') || strstr(h, "mark>"), "raw '>' in %s", h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *s = fuzz_str(data, size);
    Arena *a = arena_new();
    SearchQuery q;
    const char *err = (const char *)1;
    int rc = search_parse(a, s, &q, &err);
    FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
    if (rc < 0) {
        FUZZ_CHECK(err == NULL ? 0 : (!strcmp(err, SEARCH_ERR_EMPTY) || !strcmp(err, SEARCH_ERR_LONG) ||
                                      !strcmp(err, SEARCH_ERR_INVALID)), "error message");
    } else {
        FUZZ_CHECK(q.nwords >= 1 && q.nwords <= SEARCH_MAX_WORDS, "nwords %d", q.nwords);
        for (int i = 0; i < q.nwords; i++)
            FUZZ_CHECK(q.words[i] && q.words[i][0] && vn_utf8_valid(q.words[i], strlen(q.words[i])),
                       "word %d", i);
        FUZZ_CHECK(q.text && vn_utf8_valid(q.text, strlen(q.text)), "text");
        check_expr(q.match, "(");
        if (q.exact) check_expr(q.exact, "{title_orig body_orig} : (");
        DbFtsFilter f = {.now = 2000000000, .limit = 5};
        DbFtsHit hits[5];
        int64_t total = -1;
        int n = db_fts_search(db, q.match, q.exact, &f, hits, &total);
        FUZZ_CHECK(n >= 0, "FTS5 refused match=%s exact=%s", q.match, q.exact ? q.exact : "(null)");
        check_highlight(a, q.text, &q, 0);
        check_highlight(a, "Hội đồng nhân dân <b>thành phố</b> Hà Nội & \"Kỳ họp\" thứ 12: "
                           "Nghị quyết 23/2024/NQ-HĐND, Đề án 15-ĐA/TU.", &q, (size_t)(data[0] % 8));
    }
    arena_free(a);
    free(s);
    return 0;
}
