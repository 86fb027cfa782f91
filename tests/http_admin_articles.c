/* http_admin_articles.c - HTTP tests of the staff article pages against the
 * real binary: an admin creates a category and a draft with an attachment;
 * the draft is invisible to the public until published, then a visitor
 * downloads the identical bytes.  Also: CSRF refusal, upload limits and
 * type checks that store nothing, hostile text stored and shown escaped (or
 * refused with the form given back), revisions on edit, scheduled articles,
 * preview, the list filters and category cycles. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "db.h"
#include "t.h"
#include "tclient.h"

#define MAX_UPLOAD 65536

static TServer srv;
static TClient *adm;    /* signed-in admin */
static TClient *pub;    /* anonymous visitor */
static Db *db;          /* the server's database, for checks */
static char pdf_path[300], big_path[300], html_path[300];
static int64_t cat_id;

static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    "% Đề án 15-ĐA/TU\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

static int64_t q1(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

/* The id at the end of a "Location: /quan-tri/bai-viet/<id>?ok=..." header. */
static int64_t location_id(TResp *res, const char *prefix)
{
    char *loc = tc_header(res, "Location");
    int64_t id = 0;
    if (loc) {
        const char *p = strstr(loc, prefix);
        if (p) id = strtoll(p + strlen(prefix), NULL, 10);
    }
    free(loc);
    return id;
}

/* Count temp files (".tmp*") anywhere under the files directory. */
static int temp_files(void)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/files", srv.dir);
    int n = 0;
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strncmp(e->d_name, ".tmp", 4)) n++;
        if (e->d_name[0] == '.') continue;
        char sub[700];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        DIR *s = opendir(sub);
        struct dirent *f;
        while (s && (f = readdir(s)))
            if (!strncmp(f->d_name, ".tmp", 4)) n++;
        if (s) closedir(s);
    }
    closedir(d);
    return n;
}

static int setup(void)
{
    char v[32];
    snprintf(v, sizeof v, "%d", MAX_UPLOAD);
    setenv("HOIDONG_MAX_UPLOAD", v, 1);
    if (ts_start(&srv, 0) != 0) return -1;
    char path[400], err[256];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return -1; }
    adm = tc_new(&srv);
    pub = tc_new(&srv);
    if (tc_login(adm, "admin", TS_ADMIN_PASSWORD) != 0) { fprintf(stderr, "login failed\n"); return -1; }
    snprintf(pdf_path, sizeof pdf_path, "%s/upload.pdf", srv.dir);
    snprintf(big_path, sizeof big_path, "%s/big.pdf", srv.dir);
    snprintf(html_path, sizeof html_path, "%s/trap.pdf", srv.dir);
    write_file(pdf_path, pdf_bytes, sizeof pdf_bytes - 1);
    /* A valid PDF padded past the limit. */
    size_t bign = MAX_UPLOAD + 20000;
    char *big = malloc(bign);
    memset(big, ' ', bign);
    memcpy(big, pdf_bytes, sizeof pdf_bytes - 1);
    write_file(big_path, big, bign);
    free(big);
    const char html[] = "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n";
    write_file(html_path, html, sizeof html - 1);
    return 0;
}

TEST(test_categories_admin)
{
    TResp *res = tc_post(adm, "/quan-tri/chuyen-muc/luu", "csrf", adm->csrf, "name", "Hoạt động HĐND",
                         "slug", "", "parent_id", "0", "position", "1", "description", "Tin hoạt động",
                         "in_menu", "1", NULL);
    CHECK_INT(res->status, 303);
    cat_id = db_int(db, 0, "SELECT id FROM categories WHERE slug = 'hoat-dong-hdnd'", "");
    CHECK(cat_id > 0);
    char pid[32];
    snprintf(pid, sizeof pid, "%lld", (long long)cat_id);
    res = tc_post(adm, "/quan-tri/chuyen-muc/luu", "csrf", adm->csrf, "name", "Kỳ họp", "parent_id",
                  pid, "position", "2", NULL);
    CHECK_INT(res->status, 303);
    int64_t child = db_int(db, 0, "SELECT id FROM categories WHERE slug = 'ky-hop'", "");
    CHECK(child > 0);
    res = tc_get(adm, "/quan-tri/chuyen-muc");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hoạt động HĐND");
    CHECK_CONTAINS(res->body, "— <a href=\"/chuyen-muc/ky-hop\">Kỳ họp</a>");
    CHECK_NOT_CONTAINS(res->body, "style=\"");
    /* Making the parent a child of its own child is refused, form kept. */
    char cid[32];
    snprintf(cid, sizeof cid, "%lld", (long long)child);
    res = tc_post(adm, "/quan-tri/chuyen-muc/luu", "csrf", adm->csrf, "id", pid, "name",
                  "Hoạt động HĐND (sửa)", "parent_id", cid, "position", "1", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "chuyên mục con");
    CHECK_CONTAINS(res->body, "value=\"Hoạt động HĐND (sửa)\"");
    CHECK_INT(db_int(db, -1, "SELECT COALESCE(parent_id, 0) FROM categories WHERE id = ?1", "l", cat_id), 0);
    /* An anonymous visitor cannot reach the admin pages. */
    res = tc_get(pub, "/quan-tri/chuyen-muc");
    CHECK(res->status == 303 || res->status == 403 || res->status == 302);
}

static char art_id_s[32];
static int64_t art_id;
static char art_slug[300];

TEST(test_draft_attachment_publish_download)
{
    char cat[32];
    snprintf(cat, sizeof cat, "%lld", (long long)cat_id);
    TResp *res = tc_get(adm, "/quan-tri/bai-viet/moi");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "name=\"csrf\"");
    CHECK_CONTAINS(res->body, "Hoạt động HĐND");
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title",
                  "Hội đồng nhân dân thành phố họp phiên bất thường", "slug", "", "category_id", cat,
                  "summary", "Tóm tắt phiên họp", "body", "Nội dung **chính**.", "author", "Nguyễn Văn A",
                  "status", "draft", "published_at", "", NULL);
    CHECK_INT(res->status, 303);
    art_id = location_id(res, "/quan-tri/bai-viet/");
    CHECK(art_id > 0);
    snprintf(art_id_s, sizeof art_id_s, "%lld", (long long)art_id);
    Arena *a = arena_new();
    char *slug = db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", art_id);
    CHECK_STR(slug, "hoi-dong-nhan-dan-thanh-pho-hop-phien-bat-thuong");
    snprintf(art_slug, sizeof art_slug, "/bai-viet/%s", slug ? slug : "x");
    char edit[100];
    snprintf(edit, sizeof edit, "/quan-tri/bai-viet/%s?ok=1", art_id_s);
    res = tc_get(adm, edit);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã lưu bài viết.");
    CHECK_CONTAINS(res->body, "Nháp");

    /* Attach a PDF under a Vietnamese name. */
    char up[100];
    snprintf(up, sizeof up, "/quan-tri/bai-viet/%s/tep", art_id_s);
    res = tc_post_multipart(adm, up, "csrf", adm->csrf, "title", "Đề án 15", "doc_number", "15-ĐA/TU",
                            "@file", pdf_path, "Đề án 15-ĐA-TU.pdf", NULL);
    CHECK_INT(res->status, 303);
    int64_t att = db_int(db, 0, "SELECT id FROM attachments WHERE article_id = ?1", "l", art_id);
    CHECK(att > 0);
    CHECK_STR(db_text(db, a, "SELECT filename FROM attachments WHERE id = ?1", "l", att), "Đề án 15-ĐA-TU.pdf");
    CHECK_STR(db_text(db, a, "SELECT f.mime FROM attachments t JOIN files f ON f.id = t.file_id WHERE t.id = ?1",
                      "l", att), "application/pdf");
    snprintf(edit, sizeof edit, "/quan-tri/bai-viet/%s", art_id_s);
    res = tc_get(adm, edit);
    CHECK_CONTAINS(res->body, "Đề án 15-ĐA-TU.pdf");
    CHECK_CONTAINS(res->body, "15-ĐA/TU");

    /* A draft and its file are invisible to the public. */
    res = tc_get(pub, art_slug);
    CHECK_INT(res->status, 404);
    char dl[100];
    snprintf(dl, sizeof dl, "/tep/%lld/x.pdf", (long long)att);
    res = tc_get(pub, dl);
    CHECK_INT(res->status, 404);

    /* Publish now. */
    char st[100];
    snprintf(st, sizeof st, "/quan-tri/bai-viet/%s/trang-thai", art_id_s);
    res = tc_post(adm, st, "csrf", adm->csrf, "status", "published", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(pub, art_slug);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân thành phố họp phiên bất thường");
    CHECK_CONTAINS(res->body, "<strong>chính</strong>");
    res = tc_get(pub, dl);
    CHECK_INT(res->status, 200);
    CHECK_INT(res->len, sizeof pdf_bytes - 1);
    CHECK(res->len == sizeof pdf_bytes - 1 && memcmp(res->body, pdf_bytes, res->len) == 0);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM audit_log WHERE action = 'article.publish' AND object_id = ?1",
                     "l", art_id), 1);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM audit_log WHERE action = 'attachment.add' AND object_id = ?1",
                     "l", art_id), 1);
    /* Uploading the same bytes again reuses the stored file. */
    int64_t files = q1("SELECT COUNT(*) FROM files");
    res = tc_post_multipart(adm, up, "csrf", adm->csrf, "@file", pdf_path, "ban-sao.pdf", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(q1("SELECT COUNT(*) FROM files"), files);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments WHERE article_id = ?1", "l", art_id), 2);
    /* ... and deleting that second attachment removes only the row. */
    int64_t att2 = db_int(db, 0, "SELECT MAX(id) FROM attachments WHERE article_id = ?1", "l", art_id);
    char del[100];
    snprintf(del, sizeof del, "/quan-tri/tep/%lld/xoa", (long long)att2);
    res = tc_post(adm, del, "csrf", adm->csrf, NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments WHERE article_id = ?1", "l", art_id), 1);
    res = tc_get(pub, dl);
    CHECK_INT(res->status, 200);
    arena_free(a);
}

TEST(test_csrf_refused)
{
    char cat[32];
    snprintf(cat, sizeof cat, "%lld", (long long)cat_id);
    int64_t before = q1("SELECT COUNT(*) FROM articles");
    TResp *res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", "khong-dung", "title", "Bài giả mạo",
                         "category_id", cat, "status", "published", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "title", "Bài không có mã", "category_id", cat, NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(q1("SELECT COUNT(*) FROM articles"), before);
    char up[100];
    snprintf(up, sizeof up, "/quan-tri/bai-viet/%s/tep", art_id_s);
    int64_t files = q1("SELECT COUNT(*) FROM attachments");
    res = tc_post_multipart(adm, up, "csrf", "sai", "@file", pdf_path, "x.pdf", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(q1("SELECT COUNT(*) FROM attachments"), files);
}

TEST(test_upload_limits)
{
    char up[100];
    snprintf(up, sizeof up, "/quan-tri/bai-viet/%s/tep", art_id_s);
    int64_t files = q1("SELECT COUNT(*) FROM files"), atts = q1("SELECT COUNT(*) FROM attachments");
    TResp *res = tc_post_multipart(adm, up, "csrf", adm->csrf, "@file", big_path, "Tệp lớn.pdf", NULL);
    CHECK_INT(res->status, 413);
    CHECK_INT(q1("SELECT COUNT(*) FROM files"), files);
    CHECK_INT(q1("SELECT COUNT(*) FROM attachments"), atts);
    CHECK_INT(temp_files(), 0);
    /* HTML renamed .pdf: refused by content. */
    res = tc_post_multipart(adm, up, "csrf", adm->csrf, "@file", html_path, "Nghị quyết.pdf", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Loại tệp không được phép");
    CHECK_INT(q1("SELECT COUNT(*) FROM files"), files);
    CHECK_INT(q1("SELECT COUNT(*) FROM attachments"), atts);
    CHECK_INT(temp_files(), 0);
    /* No file at all. */
    res = tc_post_multipart(adm, up, "csrf", adm->csrf, "title", "không có tệp", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Vui lòng chọn tệp");
}

TEST(test_hostile_text)
{
    char cat[32];
    snprintf(cat, sizeof cat, "%lld", (long long)cat_id);
    const char *title = "<script>alert(1)</script> '; DROP TABLE articles;--";
    TResp *res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", title, "category_id",
                         cat, "summary", "\"><img src=x onerror=alert(2)>", "body",
                         "Đoạn <script>alert(3)</script> và [x](javascript:alert(4))", "status", "published",
                         NULL);
    CHECK_INT(res->status, 303);
    int64_t id = location_id(res, "/quan-tri/bai-viet/");
    CHECK(id > 0);
    CHECK(q1("SELECT COUNT(*) FROM articles") >= 2);   /* the table is still there */
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT title FROM articles WHERE id = ?1", "l", id), title);
    char path[400];
    snprintf(path, sizeof path, "/bai-viet/%s",
             db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id));
    res = tc_get(pub, path);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    /* The only script element is the site's own engage.js. */
    CHECK_NOT_CONTAINS(res->body, "<script>");
    {
        int scripts = 0;
        for (const char *p = strstr(res->body, "<script"); p; p = strstr(p + 1, "<script")) {
            static const char own[] = "<script src=\"/static/engage.js\" defer></script>";
            CHECK(strncmp(p, own, sizeof own - 1) == 0);
            scripts++;
        }
        CHECK(scripts <= 1);
    }
    CHECK_NOT_CONTAINS(res->body, "<img src=x");
    CHECK_NOT_CONTAINS(res->body, "javascript:");
    char edit[100];
    snprintf(edit, sizeof edit, "/quan-tri/bai-viet/%lld", (long long)id);
    res = tc_get(adm, edit);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "value=\"&lt;script&gt;alert(1)&lt;/script&gt; &#39;; DROP TABLE");
    CHECK_NOT_CONTAINS(res->body, "<script");
    res = tc_get(adm, "/quan-tri/bai-viet");
    CHECK_NOT_CONTAINS(res->body, "<script");

    /* Invalid UTF-8 is refused with a Vietnamese message; everything typed comes back. */
    int64_t before = q1("SELECT COUNT(*) FROM articles");
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "Tiêu đề \xff\xfe hỏng",
                  "category_id", cat, "summary", "Tóm tắt tôi đã gõ", "body", "Nội dung tôi đã gõ <b>",
                  "author", "Trần Thị B", "status", "draft", "published_at", "2026-05-12T08:05",
                  "featured", "1", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "UTF-8");
    CHECK_CONTAINS(res->body, "Tóm tắt tôi đã gõ");
    CHECK_CONTAINS(res->body, "Nội dung tôi đã gõ &lt;b&gt;");
    CHECK_CONTAINS(res->body, "value=\"Trần Thị B\"");
    CHECK_CONTAINS(res->body, "value=\"2026-05-12T08:05\"");
    CHECK_CONTAINS(res->body, "Tiêu đề \xEF\xBF\xBD\xEF\xBF\xBD hỏng");
    CHECK_CONTAINS(res->body, " checked");
    CHECK_INT(q1("SELECT COUNT(*) FROM articles"), before);
    /* Missing title: the body typed is given back. */
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "  ", "category_id", cat,
                  "body", "Một đoạn dài tôi không muốn mất", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Vui lòng nhập tiêu đề");
    CHECK_CONTAINS(res->body, "Một đoạn dài tôi không muốn mất");
    /* Bad date. */
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "Bài có ngày sai", "category_id",
                  cat, "status", "scheduled", "published_at", "32/13/2026", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Thời điểm đăng không hợp lệ");
    CHECK_INT(q1("SELECT COUNT(*) FROM articles"), before);
    arena_free(a);
}

TEST(test_edit_creates_revision)
{
    char cat[32];
    snprintf(cat, sizeof cat, "%lld", (long long)cat_id);
    TResp *res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "id", art_id_s, "title",
                         "Hội đồng nhân dân thành phố họp phiên bất thường (cập nhật)", "slug", "",
                         "category_id", cat, "summary", "Tóm tắt mới", "body", "Nội dung đã cập nhật.",
                         "author", "Nguyễn Văn A", "status", "published", "published_at", "", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, 0, "SELECT revision FROM articles WHERE id = ?1", "l", art_id), 2);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM article_revisions WHERE article_id = ?1", "l", art_id), 2);
    res = tc_get(pub, art_slug);   /* same URL after the title changed */
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Nội dung đã cập nhật.");
    char edit[100];
    snprintf(edit, sizeof edit, "/quan-tri/bai-viet/%s", art_id_s);
    res = tc_get(adm, edit);
    CHECK_CONTAINS(res->body, "Lịch sử chỉnh sửa");
    CHECK_CONTAINS(res->body, "<td>2</td>");
    CHECK_CONTAINS(res->body, "<td>1</td>");
}

TEST(test_scheduled)
{
    char cat[32], when[32];
    snprintf(cat, sizeof cat, "%lld", (long long)cat_id);
    time_t t = time(NULL) + 2 * 86400 + 7 * 3600;   /* two days ahead, Vietnam time */
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M", &tm);
    TResp *res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "Thông báo kỳ họp sắp tới",
                         "category_id", cat, "status", "scheduled", "published_at", when, NULL);
    CHECK_INT(res->status, 303);
    int64_t id = location_id(res, "/quan-tri/bai-viet/");
    res = tc_get(pub, "/bai-viet/thong-bao-ky-hop-sap-toi");
    CHECK_INT(res->status, 404);
    /* The stored time is the typed Vietnam time. */
    int64_t stored = db_int(db, 0, "SELECT published_at FROM articles WHERE id = ?1", "l", id);
    CHECK(stored > time(NULL) + 86400);
    CHECK_INT((stored + 7 * 3600) / 60, (int64_t)t / 60);
    /* Scheduled in the past: visible. */
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "Thông báo đã đến giờ",
                  "category_id", cat, "status", "scheduled", "published_at", "2020-01-02T08:00", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(pub, "/bai-viet/thong-bao-da-den-gio");
    CHECK_INT(res->status, 200);
    res = tc_get(adm, "/quan-tri/bai-viet?trang-thai=scheduled");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Thông báo kỳ họp sắp tới");
    CHECK_CONTAINS(res->body, "Hẹn giờ");
    CHECK_NOT_CONTAINS(res->body, "phiên bất thường");
}

TEST(test_list_and_preview)
{
    TResp *res = tc_get(adm, "/quan-tri/bai-viet?q=hoi+dong+nhan+dan");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân thành phố họp phiên bất thường");
    CHECK_NOT_CONTAINS(res->body, "Thông báo kỳ họp");
    CHECK_CONTAINS(res->body, "Đã đăng");
    res = tc_get(adm, "/quan-tri/bai-viet");
    CHECK_CONTAINS(res->body, "Thông báo kỳ họp sắp tới");
    CHECK_NOT_CONTAINS(res->body, "style=\"");
    int64_t before = q1("SELECT COUNT(*) FROM articles");
    res = tc_post(adm, "/quan-tri/bai-viet/xem-truoc", "csrf", adm->csrf, "title", "Bản nháp xem thử",
                  "summary", "Tóm tắt xem thử", "body", "Đoạn **đậm** <script>x</script>", NULL);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Bản xem trước");
    CHECK_CONTAINS(res->body, "Bản nháp xem thử");
    CHECK_CONTAINS(res->body, "<strong>đậm</strong>");
    CHECK_NOT_CONTAINS(res->body, "<script>x");
    CHECK_INT(q1("SELECT COUNT(*) FROM articles"), before);
    /* Not found and bad status. */
    res = tc_get(adm, "/quan-tri/bai-viet/999999");
    CHECK_INT(res->status, 404);
    char st[100];
    snprintf(st, sizeof st, "/quan-tri/bai-viet/%s/trang-thai", art_id_s);
    res = tc_post(adm, st, "csrf", adm->csrf, "status", "bogus", NULL);
    CHECK_INT(res->status, 400);
    res = tc_post(adm, st, "csrf", adm->csrf, "status", "draft", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(pub, art_slug);
    CHECK_INT(res->status, 404);
}

int main(void)
{
    t_prog = "http_admin_articles";
    if (setup() != 0) {
        fprintf(stderr, "setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_categories_admin);
    RUN(test_draft_attachment_publish_download);
    RUN(test_csrf_refused);
    RUN(test_upload_limits);
    RUN(test_hostile_text);
    RUN(test_edit_creates_revision);
    RUN(test_scheduled);
    RUN(test_list_and_preview);
    tc_free(adm);
    tc_free(pub);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
