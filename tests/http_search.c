/* http_search.c - HTTP tests of search, feeds and discovery against the
 * real binary with demo content: /tim-kiem finds the seed article without
 * diacritics and by its document number as typed (15-ĐA/TU, 15-da/tu),
 * highlights with <mark>, filters by category, kind and dates, pages
 * through results, answers empty, over-long and invalid queries with a
 * Vietnamese message, shows HTML in the query escaped and never fails on
 * FTS5 syntax; the header carries the search box and the feed link; the
 * Atom feeds and sitemap are well-formed XML (xmllint) carrying the seed
 * article; robots.txt keeps crawlers out of /quan-tri. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "t.h"
#include "tclient.h"
#include "arena.h"
#include "content.h"
#include "db.h"

#define SEED_PATH "/bai-viet/de-an-nang-cao-nang-luc-hieu-luc-hieu-qua-hoat-dong-cua-hdnd"
#define PAGE_WORD "thuphantrangtimkiem"

static TServer srv;
static TClient *cl;
static char draft_slug[200];

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* GET a path, expecting status; returns the body (owned by the client). */
static const char *get(const char *path, long status)
{
    TResp *res = tc_get(cl, path);
    if (res->status != status) {
        fprintf(stderr, "GET %s: status %ld, expected %ld\n", path, res->status, status);
        t_cur_failed = 1;
    }
    return res->body ? res->body : "";
}

/* The results part of a search page (the sidebar also links articles). */
static const char *results(const char *body)
{
    static char buf[200000];
    const char *s = strstr(body, "class=\"search-count\"");
    const char *e = s ? strstr(s, "</main>") : NULL;
    if (!s || !e) return "";
    size_t n = (size_t)(e - s) < sizeof buf - 1 ? (size_t)(e - s) : sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* Is body well-formed XML?  Checked by xmllint (libxml2-utils). */
static int xml_ok(const char *body)
{
    char path[400], cmd[900];
    snprintf(path, sizeof path, "%s/check.xml", srv.dir);
    FILE *f = fopen(path, "w");
    if (!f) return 0;
    fputs(body, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
    int rc = system(cmd);
    if (rc != 0) fprintf(stderr, "xmllint failed (%d); is libxml2-utils installed?\n", rc);
    return rc == 0;
}

/* 25 articles sharing a made-up word (for paging) and a draft that must
 * never be found, written into the server's database. */
static int add_content(void)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    Db *db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return -1; }
    Arena *a = arena_new();
    const char *e = NULL;
    int64_t now = (int64_t)time(NULL), id = 0;
    int64_t cat = db_int(db, 0, "SELECT id FROM categories WHERE slug = 'giam-sat'", "");
    int rc = -1;
    if (cat <= 0) goto out;
    for (int i = 1; i <= 25; i++) {
        ArticleInput in = {
            .category_id = cat,
            .title = arena_printf(a, "Bài kiểm tra tìm kiếm số %02d " PAGE_WORD, i),
            .body = "Nội dung thử nghiệm.",
            .status = "published",
            .published_at = now - 100000 + i * 60,
        };
        if (article_save(db, a, &in, 0, "test", now, &id, &e) != 0) goto out;
    }
    ArticleInput d = {.category_id = cat, .title = "Bản nháp bí mật " PAGE_WORD " khongcongkhai",
                      .body = "x", .status = "draft"};
    if (article_save(db, a, &d, 0, "test", now, &id, &e) != 0) goto out;
    snprintf(draft_slug, sizeof draft_slug, "%s",
             db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id));
    rc = 0;
out:
    if (rc) fprintf(stderr, "add_content: %s\n", e ? e : "no category");
    arena_free(a);
    db_close(db);
    return rc;
}

TEST(test_folded_query_finds_seed)
{
    const char *b = get("/tim-kiem?q=hoi+dong+nhan+dan", 200);
    CHECK_CONTAINS(b, "Tìm thấy ");
    CHECK_CONTAINS(b, SEED_PATH);
    CHECK_CONTAINS(b, "<mark>Hội</mark> <mark>đồng</mark> <mark>nhân</mark> <mark>dân</mark>");
    CHECK_CONTAINS(b, "value=\"hoi dong nhan dan\"");
    /* With diacritics and in capitals too. */
    b = get("/tim-kiem?q=H%E1%BB%98I+%C4%90%E1%BB%92NG+NH%C3%82N+D%C3%82N", 200);   /* HỘI ĐỒNG NHÂN DÂN */
    CHECK_CONTAINS(b, SEED_PATH);
}

TEST(test_document_number_as_typed)
{
    const char *qs[] = {"/tim-kiem?q=15-%C4%90A%2FTU", "/tim-kiem?q=15-da%2Ftu", "/tim-kiem?q=15-DA-TU", NULL};
    for (int i = 0; qs[i]; i++) {
        const char *b = get(qs[i], 200);
        CHECK_CONTAINS(b, SEED_PATH);
        CHECK_CONTAINS(b, "<mark>15</mark>-<mark>ĐA</mark>/<mark>TU</mark>");
    }
    /* As a document: the attachment's download link and number. */
    const char *b = get("/tim-kiem?q=15-%C4%90A%2FTU&loai=van-ban", 200);
    CHECK_CONTAINS(b, "Văn bản · Số 15-ĐA/TU");
    CHECK_CONTAINS(b, "href=\"/tep/");
    CHECK_CONTAINS(b, "Tìm thấy 1 kết quả");
    b = results(get("/tim-kiem?q=15-%C4%90A%2FTU&loai=bai-viet", 200));
    CHECK_NOT_CONTAINS(b, "href=\"/tep/");
    CHECK_CONTAINS(b, SEED_PATH);
}

TEST(test_filters)
{
    /* The seed article is in "Hoạt động HĐND", published 12/5/2022. */
    const char *b = get("/tim-kiem?q=15-da%2Ftu&chuyen-muc=hoat-dong-hdnd", 200);
    CHECK_CONTAINS(b, "<option value=\"hoat-dong-hdnd\" selected>");
    CHECK_CONTAINS(results(b), SEED_PATH);
    b = results(get("/tim-kiem?q=15-da%2Ftu&chuyen-muc=ky-hop", 200));
    CHECK_NOT_CONTAINS(b, SEED_PATH);
    b = results(get("/tim-kiem?q=15-da%2Ftu&tu=1%2F5%2F2022&den=12%2F5%2F2022&loai=bai-viet", 200));
    CHECK_CONTAINS(b, SEED_PATH);
    b = results(get("/tim-kiem?q=15-da%2Ftu&tu=2022-05-13&loai=bai-viet", 200));
    CHECK_NOT_CONTAINS(b, SEED_PATH);
    b = results(get("/tim-kiem?q=15-da%2Ftu&den=11%2F5%2F2022&loai=bai-viet", 200));
    CHECK_NOT_CONTAINS(b, SEED_PATH);
    /* A bad date is reported and ignored. */
    b = get("/tim-kiem?q=15-da%2Ftu&tu=32%2F13%2F2022", 200);
    CHECK_CONTAINS(b, "Ngày bắt đầu không hợp lệ");
    CHECK_CONTAINS(results(b), SEED_PATH);
}

TEST(test_pagination)
{
    const char *b = get("/tim-kiem?q=" PAGE_WORD, 200);
    CHECK_CONTAINS(b, "Tìm thấy 25 kết quả");
    CHECK_INT(count_of(b, "class=\"search-hit\""), 10);
    CHECK_CONTAINS(b, "trang=2");
    CHECK_CONTAINS(b, "số 25 <mark>" PAGE_WORD "</mark>");     /* newest first */
    CHECK_NOT_CONTAINS(b, draft_slug);
    CHECK_NOT_CONTAINS(b, "khongcongkhai");
    b = get("/tim-kiem?q=" PAGE_WORD "&trang=3", 200);
    CHECK_INT(count_of(b, "class=\"search-hit\""), 5);
    CHECK_CONTAINS(b, "số 01 <mark>");
    CHECK_CONTAINS(b, "Trang 3/3");
    b = get("/tim-kiem?q=" PAGE_WORD "&trang=99", 200);   /* clamped */
    CHECK_INT(count_of(b, "class=\"search-hit\""), 5);
    b = get("/tim-kiem?q=khongcongkhai", 200);
    CHECK_CONTAINS(b, "Tìm thấy 0 kết quả");
    CHECK_CONTAINS(b, "Không tìm thấy kết quả phù hợp");
}

TEST(test_messages)
{
    const char *b = get("/tim-kiem", 200);
    CHECK_CONTAINS(b, "<form class=\"search-form\"");
    CHECK_NOT_CONTAINS(b, "Vui lòng nhập");
    b = get("/tim-kiem?q=", 200);
    CHECK_CONTAINS(b, "Vui lòng nhập từ khóa tìm kiếm.");
    b = get("/tim-kiem?q=+%2A%2A+%22%22", 200);
    CHECK_CONTAINS(b, "Vui lòng nhập từ khóa tìm kiếm.");
    char path[700] = "/tim-kiem?q=";
    for (int i = 0; i < 201; i++) strcat(path, "a");
    b = get(path, 400);
    CHECK_CONTAINS(b, "Từ khóa quá dài");
    b = get("/tim-kiem?q=a+b+c+d+e+f+g+h+i+j+k+l+m", 400);
    CHECK_CONTAINS(b, "Từ khóa quá dài");
    b = get("/tim-kiem?q=%FF%FE", 400);
    CHECK_CONTAINS(b, "ký tự không hợp lệ");
}

TEST(test_hostile_queries)
{
    const char *b = get("/tim-kiem?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E+%22x%22", 200);
    CHECK_NOT_CONTAINS(b, "<script>alert");
    CHECK_CONTAINS(b, "&lt;script&gt;alert(1)&lt;/script&gt;");
    const char *qs[] = {"NEAR(hoi+dong)", "%22unbalanced", "title%3Ahoi", "%2A", "hoi+OR+dong",
                        "-dong", "%7Btitle%7D%3A+x", "(", "%5E", "hoi%2A", NULL};
    for (int i = 0; qs[i]; i++) {
        char path[200];
        snprintf(path, sizeof path, "/tim-kiem?q=%s", qs[i]);
        TResp *res = tc_get(cl, path);
        CHECK(res->status == 200);
        CHECK(res->body && !strstr(res->body, "Mã sự cố"));
    }
}

TEST(test_header_box_and_feed_link)
{
    const char *b = get("/", 200);
    CHECK_CONTAINS(b, "<form class=\"site-search\" action=\"/tim-kiem\" method=\"get\" role=\"search\"");
    CHECK_CONTAINS(b, "<label for=\"site-search-q\"");
    CHECK_CONTAINS(b, "name=\"q\"");
    CHECK_CONTAINS(b, "<link rel=\"alternate\" type=\"application/atom+xml\"");
    CHECK_CONTAINS(b, "href=\"/tin-moi.atom\"");
    b = get("/chuyen-muc/ky-hop", 200);
    CHECK_CONTAINS(b, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Tin mới – Kỳ họp\" "
                      "href=\"/chuyen-muc/ky-hop/atom\">");
    /* Open Graph and canonical on the seed article. */
    b = get(SEED_PATH "-cac-cap-thanh-pho-ha-noi-giai-doan-2021-2026", 200);
    CHECK_CONTAINS(b, "<link rel=\"canonical\"");
    CHECK_CONTAINS(b, "<meta property=\"og:site_name\"");
    CHECK_CONTAINS(b, "<meta property=\"og:locale\" content=\"vi_VN\">");
    CHECK_CONTAINS(b, "<meta property=\"og:type\" content=\"article\">");
}

TEST(test_feeds)
{
    TResp *res = tc_get(cl, "/tin-moi.atom");
    CHECK_INT(res->status, 200);
    char *ct = tc_header(res, "Content-Type");
    CHECK(ct && strstr(ct, "application/atom+xml"));
    free(ct);
    const char *b = res->body ? res->body : "";
    CHECK(xml_ok(b));
    CHECK_CONTAINS(b, "<feed xmlns=\"http://www.w3.org/2005/Atom\"");
    CHECK_INT(count_of(b, "<entry>"), 20);
    CHECK_CONTAINS(b, "<id>tag:");
    CHECK_CONTAINS(b, "+07:00</updated>");
    CHECK_NOT_CONTAINS(b, "khongcongkhai");
    /* Per category: the seed article leads "Hoạt động HĐND" (its newest). */
    res = tc_get(cl, "/chuyen-muc/hoat-dong-hdnd/atom");
    CHECK_INT(res->status, 200);
    b = res->body ? res->body : "";
    CHECK(xml_ok(b));
    CHECK_CONTAINS(b, "Đề án nâng cao năng lực, hiệu lực, hiệu quả hoạt động của HĐND các cấp");
    CHECK_CONTAINS(b, SEED_PATH);
    CHECK_CONTAINS(b, "<published>2022-05-12T16:30:00+07:00</published>");
    CHECK_CONTAINS(b, "<link rel=\"alternate\" type=\"text/html\"");
    CHECK_CONTAINS(b, "<summary type=\"text\">");
    res = tc_get(cl, "/chuyen-muc/ky-hop/atom");
    CHECK_INT(res->status, 200);
    CHECK(res->body && !strstr(res->body, SEED_PATH));
    CHECK(res->body && xml_ok(res->body));
    res = tc_get(cl, "/chuyen-muc/khong-co-chuyen-muc-nay/atom");
    CHECK_INT(res->status, 404);
}

TEST(test_sitemap_and_robots)
{
    TResp *res = tc_get(cl, "/sitemap.xml");
    CHECK_INT(res->status, 200);
    const char *b = res->body ? res->body : "";
    CHECK(xml_ok(b));
    CHECK_CONTAINS(b, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
    CHECK_CONTAINS(b, SEED_PATH);
    CHECK_CONTAINS(b, "/chuyen-muc/hoat-dong-hdnd</loc>");
    CHECK_CONTAINS(b, "<lastmod>");
    CHECK_NOT_CONTAINS(b, draft_slug);
    res = tc_get(cl, "/robots.txt");
    CHECK_INT(res->status, 200);
    b = res->body ? res->body : "";
    CHECK_CONTAINS(b, "User-agent: *\n");
    CHECK_CONTAINS(b, "Disallow: /quan-tri\n");
    CHECK_CONTAINS(b, "/sitemap.xml\n");
    CHECK_CONTAINS(b, "Sitemap: http");
}

int main(void)
{
    t_prog = "http_search";
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "cannot start server\n");
        t_failed++;
        return t_done();
    }
    cl = tc_new(&srv);
    if (add_content() != 0) t_failed++;
    RUN(test_folded_query_finds_seed);
    RUN(test_document_number_as_typed);
    RUN(test_filters);
    RUN(test_pagination);
    RUN(test_messages);
    RUN(test_hostile_queries);
    RUN(test_header_box_and_feed_link);
    RUN(test_feeds);
    RUN(test_sitemap_and_robots);
    tc_free(cl);
    ts_stop(&srv);
    return t_done();
}
