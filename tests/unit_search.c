/* unit_search.c - Vietnamese search (search.c, db_fts_search in
 * db_sqlite.c) against a fresh database: the query parser under hostile
 * input (FTS5 operators, quotes, *, NEAR, column filters, unbalanced
 * quotes, invalid UTF-8, 10 KB) never yields an expression FTS5 rejects;
 * folded matching; ranking (exact diacritics first, title above body,
 * newest as tie-breaker); document numbers as typed; highlighting on the
 * original text; filters and pagination; and the index following edits,
 * status changes, attachment deletion and demo removal. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"
#include "db.h"
#include "db_sqlite_rank.h"
#include "demo.h"
#include "log.h"
#include "page_util.h"
#include "search.h"
#include "t.h"
#include "tmpl.h"
#include "vn.h"

#define NOW 1700000000
#define DAY 86400

static char dir[256];
static char files_dir[300];
static Db *db;
static int64_t cat_news, cat_council, cat_sub;

static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-search-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(files_dir, sizeof files_dir, "%s/files", dir);
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    db_exec(db, "INSERT INTO categories (name, slug) VALUES ('Tin tức', 'tin-tuc')", "");
    cat_news = db_last_id(db);
    db_exec(db, "INSERT INTO categories (name, slug) VALUES ('Hoạt động HĐND', 'hoat-dong')", "");
    cat_council = db_last_id(db);
    db_exec(db, "INSERT INTO categories (name, slug, parent_id) VALUES ('Các Ban', 'cac-ban', ?1)",
            "l", cat_council);
    cat_sub = db_last_id(db);
    db_exec(db, "INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
                "VALUES (1, 'admin', 'Quản trị', 'x', 'admin', 0)", "");
}

static void teardown(void)
{
    db_close(db);
    if (getenv("T_KEEP")) {
        fprintf(stderr, "kept %s\n", dir);
        return;
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

/* Publish an article; returns its id. */
static int64_t add(Arena *a, int64_t cat, const char *title, const char *summary, const char *body,
                   int64_t when)
{
    ArticleInput in = {0};
    in.category_id = cat;
    in.title = title;
    in.summary = summary;
    in.body = body;
    in.status = "published";
    in.published_at = when;
    const char *err = NULL;
    int64_t id = 0;
    if (article_save(db, a, &in, 1, "admin", when, &id, &err) != 0) {
        fprintf(stderr, "article_save: %s\n", err ? err : "?");
        return 0;
    }
    return id;
}

/* Run a query; NULL when it does not parse.  Results in a. */
static SearchResults *run(Arena *a, const char *text, const SearchOptions *opt)
{
    SearchQuery q;
    const char *err;
    if (search_parse(a, text, &q, &err) != 0) return NULL;
    SearchOptions o = {0};
    if (opt) o = *opt;
    if (!o.now) o.now = NOW + 1000 * DAY;
    SearchResults *r = arena_alloc(a, sizeof *r);
    if (search_run(db, a, &q, &o, r) != 0) return NULL;
    return r;
}

/* Position of article id among the hits (-1 absent). */
static int rank_of(const SearchResults *r, int64_t id, int is_doc)
{
    if (!r) return -1;
    for (int i = 0; i < r->n; i++)
        if (r->hits[i].id == id && r->hits[i].is_document == is_doc) return i;
    return -1;
}

/* A quoted string at *p (no quote inside); advances past it. */
static int quoted(const char **p)
{
    if (**p != '"') return 0;
    const char *q = strchr(*p + 1, '"');
    if (!q) return 0;
    *p = q + 1;
    return 1;
}

/* The expression must be exactly "{cols} : (" then items separated by
 * " AND ", each a quoted string or ("x" OR "x" *), then ")". */
static int well_formed(const char *e, const char *head)
{
    size_t h = strlen(head);
    if (strncmp(e, head, h) != 0) return 0;
    const char *p = e + h;
    int n = 0;
    for (;;) {
        if (*p == '(') {
            p++;
            const char *a = p;
            if (!quoted(&p)) return 0;
            size_t alen = (size_t)(p - a);
            if (strncmp(p, " OR ", 4) != 0) return 0;
            p += 4;
            const char *b = p;
            if (!quoted(&p) || (size_t)(p - b) != alen || strncmp(a, b, alen) != 0) return 0;
            if (strncmp(p, " *)", 3) != 0) return 0;
            p += 3;
        } else if (!quoted(&p)) {
            break;
        }
        n++;
        if (strncmp(p, " AND ", 5) == 0) p += 5;
        else break;
    }
    return n > 0 && strcmp(p, ")") == 0;
}

/* ---------------------------------------------------------- parser */

TEST(test_parse_basic)
{
    Arena *a = arena_new();
    SearchQuery q;
    const char *err = NULL;
    CHECK_INT(search_parse(a, "hoi dong nhan dan", &q, &err), 0);
    CHECK_STR(q.match, "(\"hoi\" AND \"dong\" AND \"nhan\" AND (\"dan\" OR \"dan\" *))");
    CHECK(q.exact == NULL);
    CHECK_INT(q.nwords, 4);
    CHECK_INT(q.prefix, 1);

    CHECK_INT(search_parse(a, "  Hội đồng  NHÂN dân ", &q, &err), 0);
    CHECK_STR(q.text, "Hội đồng  NHÂN dân");
    CHECK_STR(q.match, "(\"hoi\" AND \"dong\" AND \"nhan\" AND (\"dan\" OR \"dan\" *))");
    CHECK_STR(q.exact, "{title_orig body_orig} : (\"hội\" AND \"đồng\" AND \"nhân\" AND (\"dân\" OR \"dân\" *))");

    /* Only the words typed with diacritics make the exact expression. */
    CHECK_INT(search_parse(a, "hội dong", &q, &err), 0);
    CHECK_STR(q.exact, "{title_orig body_orig} : (\"hội\")");

    /* Document numbers: one index word of their parts (vn_code_word),
     * never a prefix, no exact tier; without a digit, a phrase. */
    CHECK_INT(search_parse(a, "15-ĐA/TU", &q, &err), 0);
    CHECK_STR(q.match, "(\"00b15bdabtu\")");
    CHECK(q.exact == NULL);
    CHECK_INT(search_parse(a, "23/2024/NQ-HĐND", &q, &err), 0);
    CHECK_STR(q.match, "(\"00b23d2024bnqdhdnd\")");
    CHECK_INT(search_parse(a, "nghị quyết 23/2024/NQ-HĐND", &q, &err), 0);
    CHECK_STR(q.exact, "{title_orig body_orig} : (\"nghị\" AND \"quyết\")");
    CHECK_INT(search_parse(a, "hội-đồng", &q, &err), 0);
    CHECK_STR(q.match, "(\"hoi dong\")");

    /* Quoted phrases (ASCII and typographic quotes), numbers not prefixed. */
    CHECK_INT(search_parse(a, "\"kỳ họp\" thứ 15", &q, &err), 0);
    CHECK_STR(q.match, "(\"ky hop\" AND \"thu\" AND \"15\")");
    CHECK_INT(search_parse(a, "“chính quyền đô thị”", &q, &err), 0);
    CHECK_STR(q.match, "(\"chinh quyen do thi\")");
    /* A one-letter last word is not a prefix (it would match half the index). */
    CHECK_INT(search_parse(a, "đ", &q, &err), 0);
    CHECK_STR(q.match, "(\"d\")");
    /* A complete word of five letters or more is no prefix (it cannot
     * start a longer syllable, and the index keeps prefixes up to 4
     * letters); a word that may go on still is. */
    CHECK_INT(search_parse(a, "cải cách hành chính", &q, &err), 0);
    CHECK_STR(q.match, "(\"cai\" AND \"cach\" AND \"hanh\" AND \"chinh\")");
    CHECK_INT(q.prefix, 0);
    CHECK_INT(search_parse(a, "xa doai phuong", &q, &err), 0);
    CHECK_INT(q.prefix, 0);
    static const char *still[] = {"nghie", "phuon", "chuyen", "thanh pho ha noi", "bang", "giao duc pho thon", NULL};
    for (int i = 0; still[i]; i++) {
        CHECK_INT(search_parse(a, still[i], &q, &err), 0);
        if (!q.prefix) fprintf(stderr, "  \"%s\" should end in a prefix\n", still[i]);
        CHECK_INT(q.prefix, 1);
    }
    arena_free(a);
}

TEST(test_parse_errors)
{
    Arena *a = arena_new();
    SearchQuery q;
    const char *err = NULL;
    const char *empties[] = {"", "   ", "\t\n", "***", "\"\"", "()", "- / :", "“”", NULL};
    for (int i = 0; empties[i]; i++) {
        err = NULL;
        CHECK_INT(search_parse(a, empties[i], &q, &err), -1);
        CHECK_STR(err, SEARCH_ERR_EMPTY);
    }
    CHECK_INT(search_parse(a, NULL, &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_EMPTY);
    CHECK_INT(search_parse(a, "hội \xff\xfe đồng", &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_INVALID);
    CHECK_INT(search_parse(a, "a\xc0\xaf", &q, &err), -1);   /* overlong '/' */
    CHECK_STR(err, SEARCH_ERR_INVALID);

    /* 200 code points pass, 201 do not; 12 words pass, 13 do not. */
    Buf b;
    buf_init(&b, a);
    for (int i = 0; i < 200; i++) buf_puts(&b, "đ");
    CHECK_INT(search_parse(a, buf_str(&b), &q, &err), 0);
    buf_puts(&b, "đ");
    CHECK_INT(search_parse(a, buf_str(&b), &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_LONG);
    CHECK_INT(search_parse(a, "a b c d e f g h i j k l", &q, &err), 0);
    CHECK_INT(search_parse(a, "a b c d e f g h i j k l m", &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_LONG);
    CHECK_INT(search_parse(a, "1-2-3-4-5-6-7-8-9-10-11-12-13", &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_LONG);
    /* 10 KB */
    buf_reset(&b);
    for (int i = 0; i < 10240; i++) buf_putc(&b, i % 7 ? 'x' : ' ');
    CHECK_INT(search_parse(a, buf_str(&b), &q, &err), -1);
    CHECK_STR(err, SEARCH_ERR_LONG);
    arena_free(a);
}

/* Every accepted query runs in FTS5 without error, and is built only of
 * quoted tokens. */
static int check_runs(Arena *a, const char *text)
{
    SearchQuery q;
    const char *err;
    if (search_parse(a, text, &q, &err) != 0) return err != NULL;
    if (!well_formed(q.match, "(")) {
        fprintf(stderr, "bad match for [%s]: %s\n", text, q.match);
        return 0;
    }
    if (q.exact && !well_formed(q.exact, "{title_orig body_orig} : (")) {
        fprintf(stderr, "bad exact for [%s]: %s\n", text, q.exact);
        return 0;
    }
    /* The FTS5 text itself (SQLite); on PostgreSQL search_run below is
     * the check: db_pg.c translates the same text into a tsquery. */
    int64_t n = t_pg() ? 0 : db_int(db, -1, "SELECT count(*) FROM search_index WHERE search_index MATCH ?1",
                                    "t", q.match);
    if (n < 0) {
        fprintf(stderr, "FTS5 rejected [%s]: %s\n", text, q.match);
        return 0;
    }
    if (q.exact && !t_pg() &&
        db_int(db, -1, "SELECT count(*) FROM search_index WHERE search_index MATCH ?1", "t",
               q.exact) < 0) {
        fprintf(stderr, "FTS5 rejected exact [%s]: %s\n", text, q.exact);
        return 0;
    }
    SearchResults r;
    SearchOptions o = {.now = NOW};
    return search_run(db, a, &q, &o, &r) == 0;
}

TEST(test_parse_hostile)
{
    Arena *a = arena_new();
    const char *hostile[] = {
        "hội AND đồng", "a OR b", "NOT x", "x NOT y", "NEAR(a b, 2)", "NEAR", "title:hội",
        "{title body}: x", "body : x", "- x", "^hoi", "hoi*", "* hoi", "\"unbalanced", "a\"b\"c\"",
        "\"\"\"\"", "(a OR b) AND c", "a + b", "col:\"x\"", "'single'", "a\\\"b", "\"NEAR(\"",
        "x:y:z", "{", "}", "[a]", "a'b", "AND", "OR", "NOT", "hoi ~ dong", "%_%", "\\", "\"*\"",
        "“hội đồng", "nhân dân”", "15-ĐA/TU*", "ĐA/TU\"", "<script>alert(1)</script>",
        "'; DROP TABLE articles; --", "ℌ𝔬𝔦 ½ ﬁ", "e\xcc\x81", "\xcc\x81\xcc\x81", "中文 测试",
        "\xef\xbc\x82x\xef\xbc\x82", "a\u00a0b", "कः ः", "😀 hội", "\xe2\x80\x8b", "ǅ ǆ", NULL};
    for (int i = 0; hostile[i]; i++) CHECK(check_runs(a, hostile[i]));
    /* Random strings over an alphabet rich in syntax. */
    static const char *alpha[] = {"\"", "*", "(", ")", ":", "{", "}", "^", "+", "-", " ", " ",
                                  "AND", "OR", "NOT", "NEAR", "a", "đ", "Hội", "15", "/", "“",
                                  "”", ",", "title", "body", "\t", "'"};
    unsigned seed = 12345;
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        Buf b;
        buf_init(&b, a);
        int len = (int)(seed % 20) + 1;
        for (int j = 0; j < len; j++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&b, alpha[(seed >> 16) % (sizeof alpha / sizeof alpha[0])]);
        }
        if (!check_runs(a, buf_str(&b))) bad++;
        if (i % 200 == 199) {
            arena_free(a);
            a = arena_new();
        }
    }
    CHECK_INT(bad, 0);
    arena_free(a);
}

/* ---------------------------------------------------------- matching */

static int64_t a_hdnd, a_hoi, a_title, a_body, a_num, a_scatter;

TEST(test_folded_matching)
{
    Arena *a = arena_new();
    a_hdnd = add(a, cat_council, "Kỳ họp thứ mười lăm của Hội đồng nhân dân Thành phố",
                 "Tóm tắt kỳ họp.", "Các đại biểu thảo luận về **ngân sách**.", NOW - 50 * DAY);
    CHECK(a_hdnd > 0);
    const char *qs[] = {"hoi dong nhan dan", "HỘI ĐỒNG NHÂN DÂN", "Hội đồng nhân dân",
                        "hoi dong nhan da", "HOI DONG", "ky hop thu muoi lam", "kỳ họp", NULL};
    for (int i = 0; qs[i]; i++) {
        SearchResults *r = run(a, qs[i], NULL);
        CHECK(r != NULL);
        if (!r) continue;
        if (rank_of(r, a_hdnd, 0) < 0) fprintf(stderr, "not found by [%s]\n", qs[i]);
        CHECK(rank_of(r, a_hdnd, 0) >= 0);
    }
    /* d matches đ, in both directions of typing. */
    CHECK(rank_of(run(a, "dong", NULL), a_hdnd, 0) >= 0);
    CHECK(rank_of(run(a, "Đồng", NULL), a_hdnd, 0) >= 0);
    /* Markdown body is searched too; a word that is not there finds nothing. */
    CHECK(rank_of(run(a, "ngan sach", NULL), a_hdnd, 0) >= 0);
    SearchResults *r = run(a, "khongcotu", NULL);
    CHECK(r && r->total == 0 && r->n == 0 && r->pages == 1);
    /* Phrases need the words together. */
    CHECK(rank_of(run(a, "\"nhan dan hoi dong\"", NULL), a_hdnd, 0) < 0);
    CHECK(rank_of(run(a, "\"hoi dong nhan dan\"", NULL), a_hdnd, 0) >= 0);
    arena_free(a);
}

TEST(test_ranking)
{
    Arena *a = arena_new();
    /* Same shape, newer, but "Hỏi đông" folds like "Hội đồng". */
    a_hoi = add(a, cat_news, "Hỏi đông về dự án cầu", "", "Bài viết thử nghiệm.", NOW - 10 * DAY);
    int64_t hoi_old = add(a, cat_news, "Hội đồng về dự án cầu", "", "Bài viết thử nghiệm.",
                          NOW - 20 * DAY);
    SearchResults *r = run(a, "hội đồng dự án cầu", NULL);
    CHECK(r != NULL);
    CHECK(rank_of(r, hoi_old, 0) >= 0 && rank_of(r, a_hoi, 0) >= 0);
    CHECK(rank_of(r, hoi_old, 0) < rank_of(r, a_hoi, 0));
    if (r && rank_of(r, hoi_old, 0) >= 0) CHECK_INT(r->hits[rank_of(r, hoi_old, 0)].exact, 1);
    if (r && rank_of(r, a_hoi, 0) >= 0) CHECK_INT(r->hits[rank_of(r, a_hoi, 0)].exact, 0);
    /* The other spelling typed: the other one first. */
    r = run(a, "hỏi đông dự án cầu", NULL);
    CHECK(r && rank_of(r, a_hoi, 0) >= 0 && rank_of(r, a_hoi, 0) < rank_of(r, hoi_old, 0));
    /* Typed without diacritics: no exact tier, the newer first (tie-breaker). */
    r = run(a, "hoi dong du an cau", NULL);
    CHECK(r && rank_of(r, a_hoi, 0) >= 0 && rank_of(r, a_hoi, 0) < rank_of(r, hoi_old, 0));
    /* Uppercase text still counts as exact. */
    int64_t upper = add(a, cat_news, "HỘI ĐỒNG XÉT DUYỆT cầu vượt", "", "Khác.", NOW - 30 * DAY);
    r = run(a, "hội đồng xét duyệt", NULL);
    CHECK(r && rank_of(r, upper, 0) == 0 && r->hits[0].exact == 1);

    /* The trailing prefix ranks the complete word first: "dan" finds dân
     * before Đảng even when the Đảng article is newer. */
    int64_t w_dan = add(a, cat_news, "Tiếng nói của người dân phố cổ Hà Nội ngày xưa", "", "Khác.", NOW - 90 * DAY);
    int64_t w_dang = add(a, cat_news, "Tiếng nói của người Đảng viên phố cổ", "", "Khác.", NOW - 1 * DAY);
    r = run(a, "tieng noi pho co dan", NULL);
    CHECK(r && rank_of(r, w_dan, 0) >= 0 && rank_of(r, w_dang, 0) >= 0);
    CHECK(r && rank_of(r, w_dan, 0) < rank_of(r, w_dang, 0));

    /* Title above body, even when the body match is newer. */
    a_title = add(a, cat_news, "Quyết toán ngân khố thủ đô", "", "Nội dung khác hẳn.", NOW - 40 * DAY);
    a_body = add(a, cat_news, "Một bài khác", "",
                 "Báo cáo nói về quyết toán ngân khố thủ đô trong năm.", NOW - 5 * DAY);
    r = run(a, "quyet toan ngan kho", NULL);
    CHECK(r && rank_of(r, a_title, 0) >= 0 && rank_of(r, a_body, 0) >= 0);
    CHECK(r && rank_of(r, a_title, 0) < rank_of(r, a_body, 0));
    arena_free(a);
}

TEST(test_doc_numbers)
{
    Arena *a = arena_new();
    const char *err = NULL;
    a_num = add(a, cat_council, "Quán triệt Đề án", "",
                "Đề án số 15-ĐA/TU của Thành ủy và Nghị quyết 23/2024/NQ-HĐND.", NOW - 60 * DAY);
    a_scatter = add(a, cat_council, "Tu bổ đình làng", "",
                    "Năm 15 hộ dân, đa số đồng ý; tu sửa xong.", NOW - 3 * DAY);
    const char *qs[] = {"15-ĐA/TU", "15-da/tu", "15-DA-TU", "15-đa/tu", "23/2024/NQ-HĐND",
                        "23/2024/nq-hdnd", "(23/2024/NQ-HĐND)", "theo 7/KH-HĐND", "7/kh-hdnd", NULL};
    /* A number glued to the text around it is found too. */
    int64_t glued = add(a, cat_council, "Triển khai kế hoạch", "", "Theo Kế hoạch số 7/KH-HĐND,ngày 2/1 và (15-ĐA/TU).",
                        NOW - 70 * DAY);
    int64_t near = add(a, cat_council, "Năm 2024", "", "Nghị quyết 24/2024/NQ-HĐND và 23 điểm 2024 NQ HĐND.",
                       NOW - 71 * DAY);
    for (int i = 0; qs[i]; i++) {
        SearchResults *r = run(a, qs[i], NULL);
        CHECK(r != NULL);
        int want = strstr(qs[i], "7/") ? 0 : 1;   /* 7/KH-HĐND: only the glued article */
        if (want && rank_of(r, a_num, 0) < 0) fprintf(stderr, "[%s] not found\n", qs[i]);
        if (!strchr(qs[i], '7')) CHECK(rank_of(r, a_num, 0) >= 0);
        if (!want) CHECK(rank_of(r, glued, 0) >= 0);
        if (strstr(qs[i], "15")) CHECK(rank_of(r, glued, 0) >= 0);
        CHECK(rank_of(r, a_scatter, 0) < 0);
        CHECK(rank_of(r, near, 0) < 0);   /* other number, or the parts apart */
    }
    /* No typed word reaches the code words as a prefix ("dn", doanh
     * nghiệp, must not find every entry with a document number). */
    CHECK(rank_of(run(a, "dn", NULL), a_num, 0) < 0);
    CHECK(rank_of(run(a, "ho tro dn", NULL), glued, 0) < 0);
    /* A document (attachment with a number) is found as a document. */
    int64_t f = store_put_mem(db, a, files_dir, pdf_bytes, sizeof pdf_bytes - 1, 1 << 20, &err);
    CHECK(f > 0);
    int64_t at = attachment_add(db, a, a_num, f, "Nghị quyết 41.pdf", "Nghị quyết về kế hoạch đầu tư",
                                "41/2023/NQ-HĐND", NOW - 61 * DAY, NOW, &err);
    CHECK(at > 0);
    SearchResults *r = run(a, "41/2023/NQ-HĐND", NULL);
    CHECK(r && rank_of(r, at, 1) == 0);
    if (r && r->n > 0) {
        CHECK_STR(r->hits[0].doc_number, "41/2023/NQ-HĐND");
        CHECK_CONTAINS(r->hits[0].url, "/tep/");
        CHECK_CONTAINS(r->hits[0].snippet_html, "<mark>41</mark>/<mark>2023</mark>/<mark>NQ</mark>-<mark>HĐND</mark>");
        CHECK_INT(r->hits[0].date, NOW - 61 * DAY);
    }
    SearchOptions o = {.kind = "article"};
    CHECK(rank_of(run(a, "ke hoach dau tu", &o), at, 1) < 0);
    o.kind = "document";
    r = run(a, "ke hoach dau tu", &o);
    CHECK(r && rank_of(r, at, 1) == 0 && r->total == 1);
    /* Deleting the attachment removes the document from search. */
    int64_t owner = 0;
    CHECK_INT(attachment_delete(db, at, 1, "admin", NOW, &owner, &err), 0);
    CHECK(rank_of(run(a, "41/2023/NQ-HĐND", NULL), at, 1) < 0);
    arena_free(a);
}

TEST(test_highlight)
{
    Arena *a = arena_new();
    SearchQuery q;
    const char *err;
    CHECK_INT(search_parse(a, "hoi dong", &q, &err), 0);
    Buf b;
    buf_init(&b, a);
    search_highlight(&b, "Hội đồng nhân dân <b>\"Hội\"</b> & hội đông.", &q, 0);
    CHECK_STR(buf_str(&b), "<mark>Hội</mark> <mark>đồng</mark> nhân dân &lt;b&gt;&quot;<mark>Hội</mark>"
                           "&quot;&lt;/b&gt; &amp; <mark>hội</mark> <mark>đông</mark>.");
    /* Prefix words highlight their completions. */
    CHECK_INT(search_parse(a, "nhân d", &q, &err), 0);   /* "d" too short: whole word */
    buf_reset(&b);
    search_highlight(&b, "nhân dân d", &q, 0);
    CHECK_STR(buf_str(&b), "<mark>nhân</mark> dân <mark>d</mark>");
    CHECK_INT(search_parse(a, "nhân dâ", &q, &err), 0);
    buf_reset(&b);
    search_highlight(&b, "nhân dân", &q, 0);
    CHECK_STR(buf_str(&b), "<mark>nhân</mark> <mark>dân</mark>");
    /* A window around the match in a long text, with ellipses. */
    Buf t;
    buf_init(&t, a);
    for (int i = 0; i < 200; i++) buf_printf(&t, "từ%d ", i);
    buf_puts(&t, "giám sát ");
    for (int i = 0; i < 200; i++) buf_printf(&t, "chữ%d ", i);
    CHECK_INT(search_parse(a, "giam sat", &q, &err), 0);
    buf_reset(&b);
    search_highlight(&b, buf_str(&t), &q, 20);
    CHECK_CONTAINS(buf_str(&b), "<mark>giám</mark> <mark>sát</mark>");
    CHECK(strncmp(buf_str(&b), "… ", strlen("… ")) == 0);
    CHECK(b.len > 7 && strcmp(buf_str(&b) + b.len - strlen(" …"), " …") == 0);
    CHECK(vn_char_count(buf_str(&b)) < 200);
    /* No match: the beginning. */
    CHECK_INT(search_parse(a, "khong co", &q, &err), 0);
    buf_reset(&b);
    search_highlight(&b, buf_str(&t), &q, 10);
    CHECK(strncmp(buf_str(&b), "từ0 từ1", strlen("từ0 từ1")) == 0);
    CHECK_NOT_CONTAINS(buf_str(&b), "<mark>");
    /* Invalid bytes in stored text do not break the output. */
    buf_reset(&b);
    CHECK_INT(search_parse(a, "ab", &q, &err), 0);
    search_highlight(&b, "ab \xff<", &q, 0);
    CHECK_CONTAINS(buf_str(&b), "<mark>ab</mark>");
    CHECK_CONTAINS(buf_str(&b), "&lt;");
    arena_free(a);
}

TEST(test_filters_and_pages)
{
    Arena *a = arena_new();
    int64_t ids[25];
    for (int i = 0; i < 25; i++) {
        char t[100];
        snprintf(t, sizeof t, "Tiếp xúc cử tri phường số %d", i + 1);
        ids[i] = add(a, i % 2 ? cat_sub : cat_news, t, "", "Cử tri kiến nghị.", NOW - (i + 100) * DAY);
        CHECK(ids[i] > 0);
    }
    SearchOptions o = {.page = 1, .per_page = 10};
    SearchResults *r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->total == 25 && r->pages == 3 && r->n == 10);
    /* All of equal relevance: newest first. */
    CHECK(r && r->n > 1 && r->hits[0].id == ids[0] && r->hits[1].id == ids[1]);
    o.page = 3;
    r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->n == 5 && r->page == 3 && r->hits[4].id == ids[24]);
    o.page = 99;   /* clamped to the last page */
    r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->n == 5 && r->page == 3 && r->total == 25);
    /* Category with its sub-categories. */
    o.page = 1;
    o.category_id = cat_council;
    r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->total == 12);
    o.category_id = cat_news;
    r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->total == 13);
    /* Date range [from, to). */
    o.category_id = 0;
    o.from = NOW - 104 * DAY;
    o.to = NOW - 100 * DAY;
    r = run(a, "tiep xuc cu tri", &o);
    CHECK(r && r->total == 4);
    arena_free(a);
}

/* The filters go through the index's filter words (db_fts.c: kind,
 * category, decade/year/month cells in UTC, clamped to 1900..2199) and are
 * then checked on the rows: every filter gives exactly the entries a plain
 * check of the rows gives.  Dates sit on the cells' edges (the last and
 * first second of a month, year, decade, the clamps); ranges start and end
 * on and beside them.  Then an article moved to another category, and a
 * draft published with no date, take their documents' words along. */
typedef struct FilterRow {
    int64_t ref;
    int doc, visible;
    int64_t cat, date;
} FilterRow;

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

/* Every hit of "phuongloc" under f equals the rows' check; 0 or -1. */
static int filter_agrees(const SearchQuery *q, const DbFtsFilter *f, const FilterRow *rows, int n,
                         DbFtsHit *hits)
{
    int want = 0;
    for (int i = 0; i < n; i++) {
        const FilterRow *r = &rows[i];
        int cat_ok = f->category_id == 0 || r->cat == f->category_id ||
                     (f->category_id == cat_council && r->cat == cat_sub);
        int kind_ok = !f->kind || !*f->kind || (strcmp(f->kind, "document") == 0) == r->doc;
        want += r->visible && cat_ok && kind_ok && (!f->from || r->date >= f->from) && (!f->to || r->date < f->to);
    }
    int64_t total = -1;
    int got = db_fts_search(db, q->match, NULL, f, hits, &total);
    int bad = got != want || total != want;
    for (int k = 0; k < got && !bad; k++) {
        int found = 0;
        for (int i = 0; i < n && !found; i++) {
            const FilterRow *r = &rows[i];
            if (r->ref != hits[k].ref || r->doc != hits[k].is_document) continue;
            int cat_ok = f->category_id == 0 || r->cat == f->category_id ||
                         (f->category_id == cat_council && r->cat == cat_sub);
            found = r->visible && cat_ok && (!f->from || r->date >= f->from) && (!f->to || r->date < f->to);
        }
        bad = !found;
    }
    if (bad)
        fprintf(stderr, "  kind %s category %lld [%lld, %lld): %d hits (total %lld), want %d\n",
                f->kind ? f->kind : "-", (long long)f->category_id, (long long)f->from, (long long)f->to, got,
                (long long)total, want);
    return bad ? -1 : 0;
}

TEST(test_filter_words)
{
    Arena *a = arena_new();
    const int64_t d[] = {
        utc(1850, 6, 1, 0, 0, 0), utc(1899, 12, 31, 23, 59, 59), utc(1900, 1, 1, 0, 0, 0),
        utc(1969, 12, 31, 23, 59, 59), utc(1970, 1, 1, 0, 0, 0), utc(1999, 12, 31, 23, 59, 59),
        utc(2000, 1, 1, 0, 0, 0), utc(2009, 12, 31, 23, 59, 59), utc(2010, 1, 1, 0, 0, 0),
        utc(2019, 6, 15, 12, 0, 0), utc(2020, 1, 1, 0, 0, 0), utc(2023, 12, 31, 23, 59, 59),
        utc(2024, 1, 1, 0, 0, 0), utc(2024, 2, 29, 17, 0, 0), utc(2024, 5, 31, 23, 59, 59),
        utc(2024, 6, 1, 0, 0, 0), utc(2025, 6, 30, 16, 59, 59), utc(2025, 7, 1, 0, 0, 0),
        utc(2199, 12, 31, 23, 59, 59), utc(2200, 1, 1, 0, 0, 0), utc(2300, 1, 1, 0, 0, 0),
    };
    enum { ND = sizeof d / sizeof d[0], NA = 210 };
    const int64_t cats[3] = {cat_news, cat_council, cat_sub};
    FilterRow *rows = arena_alloc(a, 2 * NA * sizeof *rows);
    int n = 0;
    CHECK_INT(db_exec(db, "INSERT INTO files (sha256, size, mime, created_at) VALUES ('loc', 1, 'application/pdf', 0)",
                      NULL), DB_OK);
    int64_t file = db_last_id(db);
    CHECK_INT(db_begin(db), DB_OK);
    for (int i = 0; i < NA; i++) {
        int64_t date = d[(i * 7) % ND], cat = cats[i % 3];
        int draft = i % 13 == 5, undated = i % 17 == 3;
        Stmt *st = db_prepare(db, "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
                                  "published_at, featured, created_at, updated_at, revision, is_sample) "
                                  "VALUES (?1, ?2, ?3, '', 'x', 'PV', ?4, ?5, 0, ?6, ?6, 1, 0)");
        CHECK(st != NULL);
        if (!st) break;
        db_bindf(st, "lttt", cat, arena_printf(a, "Phuongloc %d", i), arena_printf(a, "loc-%d", i),
                 draft ? "draft" : "published");
        if (undated) db_bind_null(st, 5);
        else db_bind_int(st, 5, date);
        db_bind_int(st, 6, date);
        CHECK_INT(db_step(st), DB_DONE);
        db_done(st);
        int64_t id = db_last_id(db);
        CHECK_INT(db_fts_put(db, "article", id, arena_printf(a, "Phuongloc %d", i), "x"), DB_OK);
        rows[n++] = (FilterRow){id, 0, !draft, cat, date};
        if (i % 4 == 0) {
            int64_t issued = i % 8 == 0 ? 0 : d[(i * 5 + 3) % ND];
            st = db_prepare(db, "INSERT INTO attachments (article_id, file_id, filename, title, doc_number, "
                                "issued_at, position, created_at) VALUES (?1, ?2, 'vb.pdf', ?3, '1/NQ', ?4, 1, 0)");
            CHECK(st != NULL);
            if (!st) break;
            db_bindf(st, "llt", id, file, arena_printf(a, "Phuongloc văn bản %d", i));
            if (issued) db_bind_int(st, 4, issued);
            else db_bind_null(st, 4);
            CHECK_INT(db_step(st), DB_DONE);
            db_done(st);
            int64_t att = db_last_id(db);
            CHECK_INT(db_fts_put(db, "document", att, arena_printf(a, "Phuongloc văn bản %d", i), "1/NQ vb.pdf"),
                      DB_OK);
            rows[n++] = (FilterRow){att, 1, !draft, cat, issued ? issued : date};
        }
    }
    CHECK_INT(db_commit(db), DB_OK);

    SearchQuery q;
    const char *err;
    CHECK_INT(search_parse(a, "phuongloc", &q, &err), 0);
    DbFtsHit *hits = arena_alloc(a, 2 * NA * sizeof *hits);
    const char *kinds[] = {NULL, "article", "document"};
    const int64_t fcats[] = {0, cat_news, cat_council, cat_sub, 999999};
    const int64_t ranges[][2] = {
        {0, 0}, {0, d[2]}, {d[2], 0}, {d[6], d[12]}, {d[12], d[15]}, {d[12] + 1, d[15] - 1}, {d[13], d[14]},
        {d[1], d[2]}, {d[0], d[1] + 1}, {d[18], 0}, {d[19], d[20] + 1}, {d[15], d[12]}, {d[16], d[17]},
        {d[16] + 1, d[17] + 1}, {d[3], d[4] + 1}, {d[5], d[8]}, {d[9] - 1, d[10] + 1}, {0, d[19]},
        {d[0] - 1, d[20] + 1}, {d[13] - 25200, d[13] + 3600},
    };
    int checked = 0, failed = 0;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        for (size_t c = 0; c < sizeof fcats / sizeof fcats[0]; c++)
            for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
                DbFtsFilter f = {.kind = kinds[k], .category_id = fcats[c], .from = ranges[r][0],
                                 .to = ranges[r][1], .now = NOW, .limit = 2 * NA};
                failed += filter_agrees(&q, &f, rows, n, hits) != 0;
                checked++;
            }
    CHECK_INT(failed, 0);
    CHECK_INT(checked, 300);

    /* Moving an article whose document is dated by the article to the
     * council's sub-category: its document follows under every filter. */
    int m = -1;
    for (int i = 0; i + 1 < n && m < 0; i++)
        if (!rows[i].doc && rows[i + 1].doc && rows[i].visible && rows[i + 1].date == rows[i].date &&
            rows[i].cat != cat_sub && rows[i].date > 0 && rows[i].date < utc(2100, 1, 1, 0, 0, 0))
            m = i;
    CHECK(m >= 0);
    if (m < 0) {
        arena_free(a);
        return;
    }
    ArticleInput in = {0};
    in.id = rows[m].ref;
    in.category_id = cat_sub;
    in.title = "Phuongloc moved";
    in.body = "x";
    in.status = "published";
    in.published_at = rows[m].date;
    err = NULL;
    int saved = article_save(db, a, &in, 1, "admin", NOW, NULL, &err);
    if (saved != 0) fprintf(stderr, "  article_save: %s\n", err ? err : "?");
    CHECK_INT(saved, 0);
    rows[m].cat = rows[m + 1].cat = cat_sub;
    for (size_t c = 0; c < sizeof fcats / sizeof fcats[0]; c++) {
        DbFtsFilter f = {.kind = "document", .category_id = fcats[c], .now = NOW, .limit = 2 * NA};
        CHECK_INT(filter_agrees(&q, &f, rows, n, hits), 0);
    }
    /* Back to a draft with no date; publishing it now dates it and its
     * undated document now. */
    CHECK_INT(db_exec(db, "UPDATE articles SET status = 'draft', published_at = NULL WHERE id = ?1", "l",
                      rows[m].ref), DB_OK);
    rows[m].visible = rows[m + 1].visible = 0;
    DbFtsFilter now_f = {.kind = "document", .from = NOW - 1, .to = NOW + 1, .now = NOW, .limit = 2 * NA};
    CHECK_INT(filter_agrees(&q, &now_f, rows, n, hits), 0);
    CHECK_INT(article_set_status(db, rows[m].ref, "published", 1, "admin", NOW, &err), 0);
    rows[m].visible = rows[m + 1].visible = 1;
    rows[m].date = rows[m + 1].date = NOW;
    CHECK_INT(filter_agrees(&q, &now_f, rows, n, hits), 0);
    now_f.kind = NULL;
    CHECK_INT(filter_agrees(&q, &now_f, rows, n, hits), 0);
    arena_free(a);
}

/* A broad query: more hits than the ranking pool (250, db_sqlite.c) and
 * than SEARCH_COUNT_CAP.  Rows are written directly in one transaction
 * (article_save would commit each).  The newest hits are ranked (title
 * above body, exact diacritics first), the older ones follow newest first,
 * every hit appears once across the pages (reached by "Trang sau" past
 * the counted ones), and the count stops where the page needs it to. */
static int64_t add_raw(Arena *a, int i, const char *title, const char *body, int64_t when)
{
    if (db_exec(db, "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
                    "published_at, featured, created_at, updated_at, revision, is_sample) "
                    "VALUES (?1, ?2, ?3, '', ?4, 'PV', 'published', ?5, 0, ?5, ?5, 1, 0)",
                "lttl" "l", cat_news, title, arena_printf(a, "rong-%d", i), body, when) != DB_OK)
        return 0;
    int64_t id = db_last_id(db);
    return db_fts_put(db, "article", id, title, body) == DB_OK ? id : 0;
}

TEST(test_broad_query)
{
    Arena *a = arena_new();
    enum { N = 1100 };
    int64_t *ids = arena_alloc(a, N * sizeof *ids);
    CHECK_INT(db_begin(db), DB_OK);
    for (int i = 0; i < N; i++) {
        /* Newest last; article 1050 has the word in its title, 1060 has it
         * with diacritics only in the body, the rest folded in the body. */
        const char *title = i == 1050 ? "Rộng khắp thành phố" : arena_printf(a, "Tin số %d", i);
        const char *body = i == 1060 ? "Phong trào rộng khắp." : "Phong trào rong khap.";
        ids[i] = add_raw(a, i, title, body, NOW - (int64_t)(N - i) * 60);
        if (!ids[i]) break;
    }
    CHECK_INT(db_commit(db), DB_OK);
    SearchOptions o = {.page = 1, .per_page = 10};
    SearchResults *r = run(a, "rong khap", &o);
    CHECK(r && r->total == SEARCH_COUNT_CAP && r->total_more == 1 && r->pages == SEARCH_COUNT_CAP / 10);
    CHECK(r && r->more_pages == 1);
    CHECK(r && r->n == 10 && r->hits[0].id == ids[1050]);     /* title above body */
    r = run(a, "rộng khắp", &o);
    CHECK(r && r->n > 1 && r->hits[0].id == ids[1050] && r->hits[1].id == ids[1060]);
    CHECK(r && r->hits[0].exact && r->hits[1].exact && !r->hits[2].exact);
    /* Every hit once across pages, also across the pool's edge (page 50/51). */
    char *seen = arena_alloc(a, N);
    memset(seen, 0, N);
    int dup = 0, count = 0;
    /* Follow the next links as a reader would: each page counts to its
     * own end, so page p of a broad query knows of p pages and one more. */
    int64_t p = 1, last_page = 0;
    for (int guard = 0; p > 0 && guard < 200; guard++) {
        o.page = p;
        r = run(a, "rong khap", &o);
        if (!r || r->n != 10 || r->page != p) {
            dup++;
            break;
        }
        if (r->pages < p || (p * 10 >= SEARCH_COUNT_CAP && p < 100 && r->pages != p)) dup++;
        last_page = p;
        p = r->page < r->pages || r->more_pages ? p + 1 : 0;   /* page_pager_open's next link */
        for (int k = 0; k < r->n; k++) {
            int64_t idx = r->hits[k].id - ids[0];
            if (idx < 0 || idx >= N || seen[idx]++) dup++;
            count++;
        }
    }
    CHECK_INT(dup, 0);
    CHECK_INT(count, SEARCH_DEPTH_MAX);
    CHECK_INT(last_page, SEARCH_DEPTH_MAX / 10);
    /* Past the pool the hits are newest first: position p (0-based) is
     * article N - 1 - p, so the last counted page starts with N - 991. */
    o.page = 100;
    r = run(a, "rong khap", &o);
    CHECK(r && r->n == 10 && r->hits[0].id == ids[N - 991] && r->hits[9].id == ids[N - 1000]);
    CHECK(r && r->total == SEARCH_DEPTH_MAX && r->total_more && !r->more_pages);
    /* A page past the first count but within the hits: counted to its end. */
    o.page = 40;
    r = run(a, "rong khap", &o);
    CHECK(r && r->page == 40 && r->pages == 40 && r->total == 400 && r->more_pages);
    o.page = 500;   /* beyond the counted pages: the last one */
    r = run(a, "rong khap", &o);
    CHECK(r && r->page == 100 && r->n == 10);
    /* A narrower query is counted exactly. */
    o.page = 1;
    r = run(a, "thanh pho rong", &o);
    CHECK(r && r->total == 1 && r->total_more == 0);
    arena_free(a);
}

/* hoidong optimize (db_fts_optimize): entries written in separate
 * transactions lie in separate segments; the merge takes steps, then has
 * nothing left to do, and every search finds what it found before. */
TEST(test_optimize_merges_segments)
{
    Arena *a = arena_new();
    /* FTS5 merges by itself once 4 segments pile up on a level; without
     * that the 12 transactions below leave 12 segments to merge. */
    if (!t_pg())
        CHECK_INT(db_exec(db, "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 0)", ""), DB_OK);
    int64_t ids[12];
    for (int i = 0; i < 12; i++) {
        CHECK_INT(db_begin(db), DB_OK);
        ids[i] = add_raw(a, 5000 + i, arena_printf(a, "Gộp chỉ mục số %d", i), "Ghép phân đoạn tìm kiếm.",
                         NOW - (int64_t)(12 - i) * 60);
        CHECK_INT(db_commit(db), DB_OK);
    }
    SearchResults *before = run(a, "ghep phan doan", NULL);
    CHECK(before && before->n == 10 && before->total == 12);
    int64_t steps = db_fts_optimize(db, NULL, NULL);
    if (t_pg()) CHECK_INT(steps, 0);      /* a GIN index has no segments to merge */
    else CHECK(steps > 0);
    CHECK_INT(db_fts_optimize(db, NULL, NULL), 0);
    SearchResults *after = run(a, "ghep phan doan", NULL);
    CHECK(after && after->n == before->n && after->total == before->total);
    for (int k = 0; after && before && k < after->n && k < before->n; k++)
        CHECK(after->hits[k].id == before->hits[k].id);
    CHECK(rank_of(run(a, "gop chi muc so 7", NULL), ids[7], 0) == 0);
    if (!t_pg())
        CHECK_INT(db_exec(db, "INSERT INTO search_index (search_index, rank) VALUES ('automerge', 4)", ""), DB_OK);
    arena_free(a);
}

/* The pager of a search counted only so far (page_pager_open): on its
 * last counted page it still links to the next one, says "Trang N" without
 * a last page it does not know, and marks the rest with a gap. */
static const char *render_pager(Arena *a, int64_t page, int64_t pages, int more)
{
    Val *ctx = val_map(a);
    Val *p = page_pager_open(a, "/tim-kiem?q=rong", page, pages, more);
    if (p) val_set(ctx, "pager", p);
    Buf b;
    buf_init(&b, a);
    if (tmpl_render(&b, "pager", ctx) != 0) return "";
    return buf_str(&b);
}

TEST(test_open_pager)
{
    Arena *a = arena_new();
    char err[256];
    CHECK_INT(tmpl_load(NULL, err, sizeof err), 0);
    const char *open = render_pager(a, 25, 25, 1);
    CHECK(strstr(open, "Trang 25</p>") != NULL);
    CHECK(strstr(open, "/tim-kiem?q=rong&amp;trang=26\" rel=\"next\"") != NULL);
    CHECK(strstr(open, "class=\"gap\"") != NULL);
    const char *closed = render_pager(a, 25, 25, 0);
    CHECK(strstr(closed, "Trang 25/25</p>") != NULL);
    CHECK(strstr(closed, "rel=\"next\"") == NULL);
    CHECK(strstr(closed, "rel=\"prev\"") != NULL);
    /* One counted page and more: still a pager. */
    CHECK(strstr(render_pager(a, 1, 1, 1), "trang=2\" rel=\"next\"") != NULL);
    CHECK(strstr(render_pager(a, 1, 1, 0), "pager") == NULL);
    tmpl_unload();
    arena_free(a);
}

TEST(test_index_follows_changes)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t id = add(a, cat_news, "Giám sát môi trường làng nghề", "", "Nội dung đầu.", NOW - DAY);
    CHECK(rank_of(run(a, "lang nghe", NULL), id, 0) >= 0);
    /* Edit: the old words go, the new ones come. */
    ArticleInput in = {0};
    in.id = id;
    in.category_id = cat_news;
    in.title = "Khảo sát chợ đầu mối";
    in.body = "Nội dung mới.";
    in.status = "published";
    CHECK_INT(article_save(db, a, &in, 1, "admin", NOW, NULL, &err), 0);
    CHECK(rank_of(run(a, "lang nghe", NULL), id, 0) < 0);
    CHECK(rank_of(run(a, "cho dau moi", NULL), id, 0) >= 0);
    /* Archived and draft disappear; publishing brings it back. */
    CHECK_INT(article_set_status(db, id, "archived", 1, "admin", NOW, &err), 0);
    CHECK(rank_of(run(a, "cho dau moi", NULL), id, 0) < 0);
    CHECK_INT(article_set_status(db, id, "draft", 1, "admin", NOW, &err), 0);
    CHECK(rank_of(run(a, "cho dau moi", NULL), id, 0) < 0);
    CHECK_INT(article_set_status(db, id, "published", 1, "admin", NOW, &err), 0);
    CHECK(rank_of(run(a, "cho dau moi", NULL), id, 0) >= 0);
    /* Scheduled for later: hidden until due. */
    in.status = "scheduled";
    in.published_at = NOW + 10 * DAY;
    CHECK_INT(article_save(db, a, &in, 1, "admin", NOW, NULL, &err), 0);
    SearchOptions o = {.now = NOW};
    CHECK(rank_of(run(a, "cho dau moi", &o), id, 0) < 0);
    o.now = NOW + 11 * DAY;
    CHECK(rank_of(run(a, "cho dau moi", &o), id, 0) >= 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index WHERE kind = 'article' AND ref = ?1",
                     "l", id), 1);
    arena_free(a);
}

TEST(test_demo_remove)
{
    Arena *a = arena_new();
    char err[256];
    CHECK_INT(demo_load(db, files_dir, NOW + 1000 * DAY, err, sizeof err), 0);
    SearchResults *r = run(a, "hoi dong nhan dan", NULL);
    CHECK(r && r->total > 5);
    int64_t seed = db_int(db, 0, "SELECT id FROM articles WHERE is_sample = 0 AND title LIKE 'Đề án%'", "");
    CHECK(seed > 0);
    r = run(a, "15-ĐA/TU", NULL);
    CHECK(r && r->n > 0);
    int64_t before = db_int(db, -1, "SELECT count(*) FROM search_index", "");
    CHECK_INT(demo_remove(db, files_dir, err, sizeof err), 0);
    int64_t after = db_int(db, -1, "SELECT count(*) FROM search_index", "");
    CHECK(after < before);
    /* Nothing of a removed sample article is found; the seed article stays. */
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index s WHERE s.kind = 'article'"
                             " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.ref)", ""), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index s WHERE s.kind = 'document'"
                             " AND NOT EXISTS (SELECT 1 FROM attachments t WHERE t.id = s.ref)", ""), 0);
    r = run(a, "15-ĐA/TU", NULL);
    CHECK(r && rank_of(r, seed, 0) >= 0);
    arena_free(a);
}

/* An index in the first layout (originals unindexed, automatic rowids) is
 * rebuilt on open and keeps its entries. */
TEST(test_old_layout_upgraded)
{
    if (t_pg()) {   /* an FTS5 layout: PostgreSQL's index has had one layout */
        T_SKIP(test_old_layout_upgraded, "SQLite index layout only");
        return;
    }
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/old.db", dir);
    Db *d = db_open(t_db(path), 1, err, sizeof err);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(db_exec(d, "DROP TABLE search_index", ""), DB_OK);
    CHECK_INT(db_exec(d, "CREATE VIRTUAL TABLE search_index USING fts5(kind UNINDEXED, ref UNINDEXED, "
                         "title, body, title_orig UNINDEXED, body_orig UNINDEXED, "
                         "tokenize = 'unicode61 remove_diacritics 2')", ""), DB_OK);
    CHECK_INT(db_exec(d, "INSERT INTO search_index (kind, ref, title, body, title_orig, body_orig) "
                         "VALUES ('article', 5, 'hoi dong', '', 'Hội đồng', '')", ""), DB_OK);
    db_close(d);
    d = db_open(t_db(path), 1, err, sizeof err);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(db_int(d, -1, "SELECT rowid FROM search_index WHERE search_index MATCH ?1", "t",
                     "{title_orig} : \"hội\""), 20);
    CHECK_INT(db_fts_delete(d, "article", 5), DB_OK);
    CHECK_INT(db_int(d, -1, "SELECT count(*) FROM search_index", ""), 0);
    db_close(d);
}

/* An index of the format before codes (here: an entry missing, the
 * strongest form of "lacks the code word") is rebuilt from the articles
 * and documents once, and the format recorded. */
TEST(test_index_format_upgrade)
{
    Arena *a = arena_new();
    /* A new database starts in the current format (migration 16). */
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'search_index_format'", NULL), SEARCH_INDEX_FORMAT);
    int64_t id = add(a, cat_news, "Kế hoạch cải tạo chợ", "", "Theo Kế hoạch 88/KH-UBND về chợ dân sinh.", NOW - 9 * DAY);
    CHECK(rank_of(run(a, "88/KH-UBND", NULL), id, 0) >= 0);
    CHECK_INT(db_fts_delete(db, "article", id), DB_OK);
    CHECK(rank_of(run(a, "88/KH-UBND", NULL), id, 0) < 0);
    CHECK_INT(db_exec(db, "DELETE FROM settings WHERE key = 'search_index_format'", NULL), DB_OK);
    CHECK_INT(content_search_upgrade(db), 0);
    CHECK(rank_of(run(a, "88/KH-UBND", NULL), id, 0) >= 0);
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'search_index_format'", NULL), SEARCH_INDEX_FORMAT);
    /* Recorded: the next call rebuilds nothing. */
    CHECK_INT(db_fts_delete(db, "article", id), DB_OK);
    CHECK_INT(content_search_upgrade(db), 0);
    CHECK(rank_of(run(a, "88/KH-UBND", NULL), id, 0) < 0);
    CHECK_INT(db_exec(db, "DELETE FROM settings WHERE key = 'search_index_format'", NULL), DB_OK);
    CHECK_INT(content_search_upgrade(db), 0);
    arena_free(a);
}

/* The first column of sql's first row (?1 bound to arg) into *out; 0 or -1. */
static int query_double(Db *d, const char *sql, int64_t arg, double *out)
{
    Stmt *st = db_prepare(d, sql);
    if (!st) return -1;
    int rc = -1;
    if (!strchr(sql, '?') || db_bind_int(st, 1, arg) == 0) {
        if (db_step(st) == DB_ROW) {
            *out = db_col_double(st, 0);
            rc = 0;
        }
    }
    db_done(st);
    return rc;
}

/* hd_bm25 (db_sqlite_rank.c) is bm25() to the last bit while no phrase is
 * in more than RANK_DF_CAP entries; past the cap the number of entries is
 * estimated from the rowid the walk reached.  SQLite only. */
static void test_rank_function(void)
{
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/rank.db", dir);
    Db *d = db_open(path, 1, err, sizeof err);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(db_exec(d, "CREATE VIRTUAL TABLE r USING fts5(a, b)", ""), DB_OK);
    static const char *rows[][2] = {
        {"hoi dong nhan dan", "giam sat ngan sach hoi dong"}, {"ngan sach", "hoi dong nhan dan thanh pho"},
        {"cu tri", "kien nghi ve giam sat"}, {"giam sat giam sat", "hoi dong hoi dong hoi dong"},
        {"thanh pho ha noi", "ky hop thu muoi hai cua hoi dong nhan dan thanh pho khoa xvi"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        CHECK_INT(db_exec(d, "INSERT INTO r (a, b) VALUES (?1, ?2)", "tt", rows[i][0], rows[i][1]), DB_OK);
    static const char *queries[] = {"hoi", "hoi dong", "giam OR sat", "\"nhan dan\" thanh", "ngan*", "cu OR ky"};
    int compared = 0;
    for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
        Stmt *st = db_prepare(d, "SELECT bm25(r, 10.0, 1.0), hd_bm25(r, 1, 5, 10.0, 1.0), rowid FROM r "
                                 "WHERE r MATCH ?1 ORDER BY rowid");
        CHECK(st != NULL);
        if (!st) break;
        CHECK_INT(db_bind_text(st, 1, queries[q]), 0);
        while (db_step(st) == DB_ROW) {
            double want = db_col_double(st, 0), got = db_col_double(st, 1);
            if (want != got) {
                fprintf(stderr, "  %s row %lld: bm25 %.17g, hd_bm25 %.17g\n", queries[q],
                        (long long)db_col_int(st, 2), want, got);
                CHECK(want == got);
            }
            compared++;
        }
        db_done(st);
    }
    CHECK(compared >= 15);

    /* Past the cap: one row in four holds "chung" (every row has 2 tokens,
     * so only the IDF differs between rows' scores).  bm25() counts all
     * 2 * RANK_DF_CAP; hd_bm25 stops at RANK_DF_CAP, whose rowid is about
     * half of the table's, and estimates about 2 * RANK_DF_CAP.  Capping
     * without the estimate would give log(7) instead of log(3). */
    int64_t n = RANK_DF_CAP * 8;
    CHECK_INT(db_exec(d, "CREATE VIRTUAL TABLE c USING fts5(b)", ""), DB_OK);
    CHECK_INT(db_begin(d), DB_OK);
    for (int64_t i = 0; i < n; i++)
        CHECK_INT(db_exec(d, "INSERT INTO c (rowid, b) VALUES (?1, ?2)", "lt", i + 1,
                          i % 4 == 0 ? "chung x" : "khac x"), DB_OK);
    CHECK_INT(db_commit(d), DB_OK);
    /* One hd_bm25 per statement: FTS5 keeps one set of per-query data per
     * function, so two calls in one statement would share it. */
    double exact = 0, est = 0, capped = 0;
    CHECK_INT(query_double(d, "SELECT bm25(c) FROM c WHERE c MATCH 'chung' LIMIT 1", 0, &exact), 0);
    CHECK_INT(query_double(d, "SELECT hd_bm25(c, 1, ?1) FROM c WHERE c MATCH 'chung' LIMIT 1", n, &est), 0);
    CHECK_INT(query_double(d, "SELECT hd_bm25(c, 0, 0) FROM c WHERE c MATCH 'chung' LIMIT 1", 0, &capped), 0);
    CHECK(fabs(exact - -log(3.0)) < 1e-3);
    CHECK(fabs(est - exact) < 1e-3);
    double idf_cap = log((n - RANK_DF_CAP + 0.5) / (RANK_DF_CAP + 0.5));
    CHECK(fabs(capped - -idf_cap) < 1e-9);   /* no bounds: no estimate */
    db_close(d);
}

int main(void)
{
    t_prog = "unit_search";
    log_quiet = getenv("T_VERBOSE") == NULL;
    setup();
    RUN(test_parse_basic);
    RUN(test_parse_errors);
    RUN(test_parse_hostile);
    RUN(test_folded_matching);
    RUN(test_ranking);
    RUN(test_doc_numbers);
    RUN(test_highlight);
    RUN(test_filters_and_pages);
    RUN(test_filter_words);
    RUN(test_broad_query);
    RUN(test_open_pager);
    RUN(test_optimize_merges_segments);
    RUN(test_index_follows_changes);
    RUN(test_demo_remove);
    RUN(test_old_layout_upgraded);
    RUN(test_index_format_upgrade);
    if (t_pg())
        T_SKIP(test_rank_function, "hd_bm25 is the SQLite backend's ranking function");
    else
        RUN(test_rank_function);
    teardown();
    return t_done();
}
