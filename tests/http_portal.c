/* http_portal.c - HTTP tests of the public portal against the real binary
 * with demo content: home, the seed article (title, byline, date,
 * attachment), the exact bytes of a download, Range, Content-Disposition,
 * category pagination (articles added through the publishing API into the
 * server's database), visibility (drafts and future scheduled articles
 * answer 404), error pages, static assets, HEAD, /healthz, print view and
 * the document list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "t.h"
#include "tclient.h"
#include "arena.h"
#include "buf.h"
#include "content.h"
#include "db.h"
#include "vn.h"

#define SEED_TITLE "Đề án nâng cao năng lực, hiệu lực, hiệu quả hoạt động của HĐND các cấp " \
                   "thành phố Hà Nội giai đoạn 2021-2026"

static TServer srv;
static TClient *cl;
static char seed_url[512];     /* /bai-viet/<slug> */
static char attach_url[1024];  /* /tep/<id>/<name> as linked from the article */

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* Copy the value of the first href="PREFIX..." in html into out. */
static int find_href(const char *html, const char *prefix, char *out, size_t outlen)
{
    char pat[256];
    snprintf(pat, sizeof pat, "href=\"%s", prefix);
    const char *p = html ? strstr(html, pat) : NULL;
    if (!p) return -1;
    p += 6;
    const char *e = strchr(p, '"');
    if (!e || (size_t)(e - p) >= outlen) return -1;
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = 0;
    return 0;
}

TEST(test_home_lists_seed_article)
{
    TResp *res = tc_get(cl, "/");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<html lang=\"vi\">");
    CHECK_CONTAINS(res->body, "href=\"#noi-dung\"");
    CHECK_CONTAINS(res->body, "Trang thông tin điện tử");
    CHECK_CONTAINS(res->body, "Tin nổi bật");
    /* The seed article is pinned (featured = 2) as the lead story, ahead
     * of newer featured news. */
    char lead[600];
    snprintf(lead, sizeof lead, "class=\"lead-title\"><a href=\"%s\"", seed_url);
    CHECK_CONTAINS(res->body, lead);
    CHECK_CONTAINS(res->body, "15-ĐA/TU");
    CHECK_CONTAINS(res->body, "Số 12 Lê Lai, phường Hoàn Kiếm, Hà Nội");
    CHECK_CONTAINS(res->body, "href=\"/chuyen-muc/");
    CHECK_CONTAINS(res->body, "Văn bản mới");
    CHECK_NOT_CONTAINS(res->body, "style=\"");
    CHECK_NOT_CONTAINS(res->body, "<script");
}

TEST(test_article_page)
{
    TResp *res = tc_get(cl, seed_url);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<h1 id=\"article-title\" class=\"article-title\">Đề án nâng cao năng lực");
    CHECK_CONTAINS(res->body, "Nguyễn Hợp");
    CHECK_CONTAINS(res->body, ">12/5/2022</time>");
    CHECK_CONTAINS(res->body, "Xin mời xem Đề án tại file đính kèm");
    CHECK_CONTAINS(res->body, "File đính kèm:");
    CHECK_CONTAINS(res->body, "<meta property=\"og:type\" content=\"article\">");
    CHECK_CONTAINS(res->body, "<link rel=\"canonical\" href=\"http");
    CHECK_CONTAINS(res->body, "<meta property=\"og:url\" content=\"http");
    char canon[600];
    snprintf(canon, sizeof canon, "%s\">", seed_url);
    CHECK_CONTAINS(res->body, canon);
    CHECK_CONTAINS(res->body, "href=\"/\">Trang chủ</a>");     /* breadcrumb */
    CHECK_CONTAINS(res->body, "aria-current=\"page\">Đề án nâng cao");
    char print[600];
    snprintf(print, sizeof print, "href=\"%s/in\"", seed_url);
    CHECK_CONTAINS(res->body, print);
    CHECK(find_href(res->body, "/tep/", attach_url, sizeof attach_url) == 0);
    CHECK_NOT_CONTAINS(res->body, "style=\"");
}

TEST(test_download_exact_bytes)
{
    if (!attach_url[0]) { CHECK(!"no attachment link"); return; }
    TResp *res = tc_get(cl, attach_url);
    CHECK_INT(res->status, 200);
    CHECK(res->len > 100);
    char *etag = tc_header(res, "ETag");
    char *disp = tc_header(res, "Content-Disposition");
    CHECK(etag != NULL);
    CHECK(disp != NULL);
    if (disp) {
        CHECK_CONTAINS(disp, "filename*=UTF-8''");
        CHECK_CONTAINS(disp, "%"); /* the Vietnamese name, percent-encoded UTF-8 */
        /* The name in the header is the one in the link. */
        const char *name = strrchr(attach_url, '/') + 1;
        CHECK_CONTAINS(disp, name);
    }
    if (etag) {
        /* ETag is the content hash; the stored file is files/<aa>/<sha256>. */
        char sha[65] = "";
        const char *q = etag[0] == '"' ? etag + 1 : etag;
        if (strlen(q) >= 64) memcpy(sha, q, 64);
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)res->body, res->len);
        char hex[65];
        sodium_bin2hex(hex, sizeof hex, h, sizeof h);
        CHECK_STR(hex, sha);
        char path[512];
        snprintf(path, sizeof path, "%s/files/%.2s/%s", srv.dir, sha, sha);
        size_t n = 0;
        char *stored = tc_slurp(path, &n);
        CHECK(stored != NULL);
        CHECK_INT(n, res->len);
        CHECK(stored && n == res->len && memcmp(stored, res->body, n) == 0);
        free(stored);
    }
    free(etag);
    free(disp);
}

TEST(test_download_range)
{
    if (!attach_url[0]) { CHECK(!"no attachment link"); return; }
    TResp *full = tc_get(cl, attach_url);
    size_t n = full->len;
    char *whole = malloc(n);
    memcpy(whole, full->body, n);
    const char *h[] = {"Range: bytes=10-29", NULL};
    TResp *res = tc_get_h(cl, attach_url, h);
    CHECK_INT(res->status, 206);
    CHECK_INT(res->len, 20);
    CHECK(res->len == 20 && memcmp(res->body, whole + 10, 20) == 0);
    char *cr = tc_header(res, "Content-Range");
    char want[64];
    snprintf(want, sizeof want, "bytes 10-29/%zu", n);
    CHECK_STR(cr, want);
    free(cr);
    free(whole);
}

TEST(test_unknown_is_404)
{
    TResp *res = tc_get(cl, "/bai-viet/khong-co-bai-nay");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "<html lang=\"vi\">");
    CHECK_CONTAINS(res->body, "Không tìm thấy");
    CHECK_CONTAINS(res->body, "Lỗi 404");
    res = tc_get(cl, "/chuyen-muc/khong-co-chuyen-muc");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "Chuyên mục này không tồn tại");
    res = tc_get(cl, "/tep/999999/x.pdf");
    CHECK_INT(res->status, 404);
    res = tc_get(cl, "/tep/abc/x.pdf");
    CHECK_INT(res->status, 404);
}

/* Content added through the publishing API into the running server's
 * database: 23 articles in a new category and 2 in its child, plus a draft
 * and a future scheduled one that must stay invisible. */
static int64_t draft_attachment;
static char draft_slug[200], future_slug[200];

static int add_content(void)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    Db *db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return -1; }
    Arena *a = arena_new();
    const char *e = NULL;
    int64_t now = (int64_t)time(NULL), parent = 0, child = 0, id = 0;
    CategoryInput ci = {.name = "Chuyên mục thử phân trang", .slug = "thu-phan-trang", .in_menu = 0};
    if (category_save(db, a, &ci, 0, "test", now, &parent, &e) != 0) goto fail;
    CategoryInput cc = {.parent_id = parent, .name = "Chuyên mục con thử", .slug = "thu-con", .in_menu = 0};
    if (category_save(db, a, &cc, 0, "test", now, &child, &e) != 0) goto fail;
    for (int i = 1; i <= 25; i++) {
        ArticleInput in = {
            .category_id = i <= 23 ? parent : child,
            .title = arena_printf(a, "Bài thử phân trang số %02d", i),
            .summary = "Tóm tắt bài thử.",
            .body = "Nội dung **bài thử**.",
            .author = "Phóng viên thử",
            .status = "published",
            .published_at = now - 100000 + i * 60,
        };
        if (article_save(db, a, &in, 0, "test", now, &id, &e) != 0) goto fail;
    }
    ArticleInput d = {.category_id = parent, .title = "Bài nháp không được hiện", .body = "x",
                      .status = "draft"};
    if (article_save(db, a, &d, 0, "test", now, &id, &e) != 0) goto fail;
    snprintf(draft_slug, sizeof draft_slug, "%s",
             db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id));
    /* A file on the draft: downloading it must be refused. */
    int64_t file_id = db_int(db, -1, "SELECT MIN(id) FROM files", "");
    if (file_id > 0) {
        draft_attachment = attachment_add(db, a, id, file_id, "bí-mật.docx", "", "", 0, now, &e);
        if (draft_attachment < 0) goto fail;
    }
    ArticleInput f = {.category_id = parent, .title = "Bài hẹn giờ đăng sau", .body = "y",
                      .status = "scheduled", .published_at = now + 86400};
    if (article_save(db, a, &f, 0, "test", now, &id, &e) != 0) goto fail;
    snprintf(future_slug, sizeof future_slug, "%s",
             db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id));
    arena_free(a);
    db_close(db);
    return 0;
fail:
    fprintf(stderr, "add_content: %s\n", e ? e : "?");
    arena_free(a);
    db_close(db);
    return -1;
}

TEST(test_category_pagination)
{
    TResp *res = tc_get(cl, "/chuyen-muc/thu-phan-trang");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<h1 class=\"page-title\">Chuyên mục thử phân trang</h1>");
    CHECK_INT(count_of(res->body, "class=\"article-item\""), 20);
    CHECK_CONTAINS(res->body, "Trang 1/2");
    CHECK_CONTAINS(res->body, "href=\"/chuyen-muc/thu-phan-trang?trang=2\"");
    CHECK_CONTAINS(res->body, "Bài thử phân trang số 25");     /* child category's, newest */
    CHECK_CONTAINS(res->body, "href=\"/chuyen-muc/thu-con\""); /* sub-category link */
    CHECK_NOT_CONTAINS(res->body, "Bài thử phân trang số 05");
    CHECK_NOT_CONTAINS(res->body, "Bài nháp không được hiện");
    CHECK_NOT_CONTAINS(res->body, "Bài hẹn giờ đăng sau");

    res = tc_get(cl, "/chuyen-muc/thu-phan-trang?trang=2");
    CHECK_INT(res->status, 200);
    CHECK_INT(count_of(res->body, "class=\"article-item\""), 5);
    CHECK_CONTAINS(res->body, "Trang 2/2");
    CHECK_CONTAINS(res->body, "Bài thử phân trang số 01");
    CHECK_CONTAINS(res->body, "Bài thử phân trang số 05");
    CHECK_NOT_CONTAINS(res->body, "Bài thử phân trang số 06");

    /* Bad page numbers are clamped, not errors. */
    res = tc_get(cl, "/chuyen-muc/thu-phan-trang?trang=999");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Trang 2/2");
    res = tc_get(cl, "/chuyen-muc/thu-phan-trang?trang=abc");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Trang 1/2");
    res = tc_get(cl, "/chuyen-muc/thu-phan-trang?trang=-3");
    CHECK_CONTAINS(res->body, "Trang 1/2");

    /* The child category alone: its two articles, breadcrumb through the parent. */
    res = tc_get(cl, "/chuyen-muc/thu-con");
    CHECK_INT(res->status, 200);
    CHECK_INT(count_of(res->body, "class=\"article-item\""), 2);
    CHECK_CONTAINS(res->body, "href=\"/chuyen-muc/thu-phan-trang\">Chuyên mục thử phân trang</a>");
    CHECK_NOT_CONTAINS(res->body, "class=\"pager\"");
}

TEST(test_invisible_articles_404)
{
    char path[300];
    snprintf(path, sizeof path, "/bai-viet/%s", draft_slug);
    CHECK(draft_slug[0] != 0);
    CHECK_INT(tc_get(cl, path)->status, 404);
    snprintf(path, sizeof path, "/bai-viet/%s/in", draft_slug);
    CHECK_INT(tc_get(cl, path)->status, 404);
    snprintf(path, sizeof path, "/bai-viet/%s", future_slug);
    CHECK(future_slug[0] != 0);
    CHECK_INT(tc_get(cl, path)->status, 404);
    if (draft_attachment > 0) {
        snprintf(path, sizeof path, "/tep/%lld/x.docx", (long long)draft_attachment);
        CHECK_INT(tc_get(cl, path)->status, 404);
    }
    /* A published one of the same batch is reachable. */
    TResp *res = tc_get(cl, "/bai-viet/bai-thu-phan-trang-so-07");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<strong>bài thử</strong>");
    CHECK_CONTAINS(res->body, "Các tin khác");
}

TEST(test_static_and_head)
{
    TResp *res = tc_get(cl, "/static/site.css");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, ".masthead");
    char *ct = tc_header(res, "Content-Type");
    char *cc = tc_header(res, "Cache-Control");
    CHECK_CONTAINS(ct, "text/css");
    CHECK_CONTAINS(cc, "max-age=604800");
    free(ct);
    free(cc);
    res = tc_get(cl, "/static/emblem.svg");
    CHECK_INT(res->status, 200);
    ct = tc_header(res, "Content-Type");
    CHECK_CONTAINS(ct, "image/svg+xml");
    free(ct);
    CHECK_INT(tc_get(cl, "/static/khong-co.css")->status, 404);
    CHECK_INT(tc_get(cl, "/static/../templates/layout.html")->status, 404);

    res = tc_head(cl, "/");
    CHECK_INT(res->status, 200);
    CHECK_INT(res->len, 0);
    res = tc_head(cl, seed_url);
    CHECK_INT(res->status, 200);
    CHECK_INT(res->len, 0);
    if (attach_url[0]) {
        res = tc_head(cl, attach_url);
        CHECK_INT(res->status, 200);
        char *cl_ = tc_header(res, "Content-Length");
        CHECK(cl_ && atol(cl_) > 100);
        free(cl_);
    }
}

TEST(test_healthz)
{
    TResp *res = tc_get(cl, "/healthz");
    CHECK_INT(res->status, 200);
    CHECK_STR(res->body, "ok\n");
}

TEST(test_print_view)
{
    char path[600];
    snprintf(path, sizeof path, "%s/in", seed_url);
    TResp *res = tc_get(cl, path);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<html lang=\"vi\">");
    CHECK_CONTAINS(res->body, "<h1>Đề án nâng cao năng lực");
    CHECK_CONTAINS(res->body, "Nguyễn Hợp");
    CHECK_CONTAINS(res->body, "Ngày đăng: 12/5/2022");
    CHECK_CONTAINS(res->body, "/static/print.css");
    CHECK_NOT_CONTAINS(res->body, "class=\"mainnav\"");
    CHECK_NOT_CONTAINS(res->body, "class=\"side-col\"");
}

TEST(test_documents)
{
    TResp *res = tc_get(cl, "/van-ban");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "<h1 class=\"page-title\">Văn bản</h1>");
    CHECK_CONTAINS(res->body, attach_url);
    CHECK_CONTAINS(res->body, seed_url);
    CHECK_NOT_CONTAINS(res->body, "bí-mật.docx");
}

int main(void)
{
    t_prog = "http_portal";
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "cannot start server\n");
        t_failed++;
        return t_done();
    }
    cl = tc_new(&srv);
    Arena *a = arena_new();
    snprintf(seed_url, sizeof seed_url, "/bai-viet/%s", vn_slug(a, SEED_TITLE, 120));
    arena_free(a);
    RUN(test_home_lists_seed_article);
    RUN(test_article_page);
    RUN(test_download_exact_bytes);
    RUN(test_download_range);
    RUN(test_unknown_is_404);
    if (add_content() != 0) t_failed++;
    RUN(test_category_pagination);
    RUN(test_invisible_articles_404);
    RUN(test_static_and_head);
    RUN(test_healthz);
    RUN(test_print_view);
    RUN(test_documents);
    tc_free(cl);
    ts_stop(&srv);
    return t_done();
}
