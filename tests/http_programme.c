/* http_programme.c - programmes and progress through the real binary with
 * demo content (issue 9 items 1-2, 5):
 *   - the public list and the Đề án's page: goals, the five groups, how
 *     each figure was computed, late and at-risk flags, "as of" a day, a
 *     bad day (400), an unknown or unpublished programme (404);
 *   - a commune's editor records progress on its own task: the figure
 *     changes on the public page at once (no stale cached page), with an
 *     audit row naming the council;
 *   - refusals keep what was typed and write nothing: over 100 %, a bad
 *     date, a day before the task's start;
 *   - scope: a task of another council through one's own URL, another
 *     commune's URL, the reviewer: 403, nothing written;
 *   - the staff view of an unpublished programme. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <libxml/parser.h>
#include "arena.h"
#include "db.h"
#include "log.h"
#include "t.h"
#include "tclient.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"

static TServer srv;
static Db *db;
static int64_t city, ba_dinh, other, ward_plan, ward_done_task, ward_pct_task, city_task;

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[4][240];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a, (long long)b);
    return buf[i];
}

static const char *num(int64_t v)
{
    static char buf[4][32];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%lld", (long long)v);
    return buf[i];
}

static int64_t updates(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM programme_updates)"
                          " + (SELECT COUNT(*) FROM audit_log WHERE action = 'programme.progress')", "");
}

static TClient *signed_in(const char *user)
{
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, STAFF_PASSWORD) != 0) {
        fprintf(stderr, "http_programme: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

TEST(test_public_pages)
{
    TClient *c = tc_new(&srv);
    TResp *res = tc_get(c, "/chuong-trinh");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "href=\"/chuong-trinh/de-an-15-da-tu\"");
    CHECK_CONTAINS(res->body, "Đề án 15-ĐA/TU");
    CHECK_CONTAINS(res->body, "<progress max=\"100\"");
    res = tc_get(c, "/chuong-trinh/de-an-15-da-tu");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Mục tiêu");
    CHECK_CONTAINS(res->body, "thí điểm tổ chức mô hình chính quyền đô thị");
    CHECK_CONTAINS(res->body, "Nâng cao chất lượng công tác phối hợp giữa Thường trực HĐND và các cơ quan liên quan.");
    CHECK_CONTAINS(res->body, "Cách tính");
    CHECK_CONTAINS(res->body, "flag flag-late\">Quá hạn");
    CHECK_CONTAINS(res->body, "Chậm so với kế hoạch (dự kiến");
    CHECK_CONTAINS(res->body, "17/20 cuộc giám sát");
    CHECK_CONTAINS(res->body, "Kế hoạch của cấp dưới thực hiện");
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    char *today_page = strdup(res->body);
    /* as of the end of 2022: the early tasks only */
    res = tc_get(c, "/chuong-trinh/de-an-15-da-tu?ngay=31/12/2022");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Tiến độ đến ngày 31/12/2022");
    CHECK_NOT_CONTAINS(res->body, "17/20 cuộc giám sát");
    CHECK(strcmp(res->body, today_page) != 0);
    free(today_page);
    res = tc_get(c, "/chuong-trinh/de-an-15-da-tu?ngay=31/2/2022");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "31/2/2022&quot; không hợp lệ. Hãy nhập ngày theo dạng ngày/tháng/năm");
    res = tc_get(c, "/chuong-trinh/khong-co");
    CHECK_INT(res->status, 404);
    /* the progress feed: well-formed Atom, the figures, never who recorded them */
    res = tc_get(c, "/chuong-trinh/de-an-15-da-tu/atom");
    CHECK_INT(res->status, 200);
    char *ct = tc_header(res, "Content-Type");
    CHECK_STR(ct ? ct : "", "application/atom+xml; charset=utf-8");
    free(ct);
    xmlDocPtr doc = xmlReadMemory(res->body, (int)res->len, "feed.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    CHECK(doc != NULL);
    if (doc) xmlFreeDoc(doc);
    CHECK_CONTAINS(res->body, "<entry>");
    CHECK_CONTAINS(res->body, "2.1 Tổ chức giám sát chuyên đề theo chương trình hằng năm của HĐND Thành phố: 17/20 cuộc giám sát");
    CHECK_NOT_CONTAINS(res->body, "demo");
    res = tc_get(c, "/chuong-trinh/khong-co/atom");
    CHECK_INT(res->status, 404);
    /* the menu leads there */
    res = tc_get(c, "/");
    CHECK_CONTAINS(res->body, "href=\"/chuong-trinh\"");
    CHECK_CONTAINS(res->body, "href=\"/hoi-dong\"");
    tc_free(c);
}

TEST(test_commune_records_progress)
{
    TClient *pub = tc_new(&srv);
    const char *page = "/chuong-trinh/ke-hoach-phuong-ba-dinh-2026";
    TResp *res = tc_get(pub, page);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Chưa hoàn thành");
    res = tc_get(pub, "/chuong-trinh/ke-hoach-phuong-ba-dinh-2026/atom");
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Đã gửi báo cáo sơ kết.");
    TClient *c = signed_in("bd.bientap");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh", ba_dinh, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Sơ kết năm thực hiện Đề án");
    CHECK_CONTAINS(res->body, url("action=\"/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do\"", ba_dinh,
                                  ward_done_task));
    /* the city's tasks are not this council's */
    CHECK_NOT_CONTAINS(res->body, "Bồi dưỡng nghiệp vụ cho cán bộ tham mưu");
    int64_t before = updates();
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", ba_dinh, ward_done_task),
                  "csrf", c->csrf, "day", "5/12/2026", "done", "1", "note", "Đã gửi báo cáo sơ kết.", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(updates(), before + 2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE action = 'programme.progress' AND council_id = ?1"
                             " AND object_id = ?2", "ll", ba_dinh, ward_done_task), 1);
    /* the public page shows it at once */
    res = tc_get(pub, page);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đã gửi báo cáo sơ kết.");
    res = tc_get(pub, "/chuong-trinh/ke-hoach-phuong-ba-dinh-2026/atom");
    CHECK_CONTAINS(res->body, "Đã gửi báo cáo sơ kết.");   /* the cached feed was invalidated too */
    tc_free(pub);
    tc_free(c);
}

TEST(test_refusals_keep_the_form)
{
    TClient *c = signed_in("bd.bientap");
    const char *action = url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", ba_dinh, ward_pct_task);
    int64_t before = updates();
    TResp *res = tc_post(c, action, "csrf", c->csrf, "day", "1/12/2026", "percent", "120", "note", "Ghi chú gõ vào", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Tỷ lệ hoàn thành phải từ 0 đến 100%");
    CHECK_CONTAINS(res->body, "value=\"120\"");
    CHECK_CONTAINS(res->body, "Ghi chú gõ vào");
    res = tc_post(c, action, "csrf", c->csrf, "day", "31/2/2026", "percent", "50", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Ngày cập nhật không hợp lệ");
    CHECK_CONTAINS(res->body, "value=\"31/2/2026\"");
    res = tc_post(c, action, "csrf", c->csrf, "day", "1/1/2026", "percent", "50", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "trước ngày bắt đầu của nhiệm vụ");
    res = tc_post(c, action, "csrf", c->csrf, "day", "1/12/2026", "percent", "năm mươi", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "phải là một số");
    /* "62,5" the Vietnamese way is accepted */
    res = tc_post(c, action, "csrf", c->csrf, "day", "1/12/2026", "percent", "62,5", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(updates(), before + 2);
    CHECK_INT(db_int(db, -1, "SELECT CAST(percent * 10 AS INTEGER) FROM programme_updates WHERE task_id = ?1"
                             " ORDER BY id DESC LIMIT 1", "l", ward_pct_task), 625);
    tc_free(c);
}

TEST(test_evidence_file)
{
    TClient *c = signed_in("bd.bientap");
    const char *action = url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", ba_dinh, ward_pct_task);
    char pdf[400], bad[400];
    snprintf(pdf, sizeof pdf, "%s/bien-ban.pdf", srv.dir);
    snprintf(bad, sizeof bad, "%s/chuong-trinh.sh", srv.dir);
    FILE *f = fopen(pdf, "wb");
    if (f) { fputs("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", f); fclose(f); }
    f = fopen(bad, "wb");
    if (f) { fputs("#!/bin/sh\necho khong\n", f); fclose(f); }
    int64_t before = updates();
    /* a type the store refuses: the update is rolled back with it */
    TResp *res = tc_post_multipart(c, action, "csrf", c->csrf, "day", "2/12/2026", "percent", "70",
                                   "note", "Kèm tệp sai", "@file", bad, "chuong-trinh.sh", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Kèm tệp sai");
    CHECK_INT(updates(), before);
    res = tc_post_multipart(c, action, "csrf", c->csrf, "day", "2/12/2026", "percent", "70",
                            "note", "Biên bản tiếp xúc cử tri", "@file", pdf, "Biên bản TXCT.pdf", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(updates(), before + 2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM programme_update_files", ""), 1);
    TClient *pub = tc_new(&srv);
    res = tc_get(pub, "/chuong-trinh/ke-hoach-phuong-ba-dinh-2026");
    CHECK_CONTAINS(res->body, "Minh chứng: <a href=\"/chuong-trinh/minh-chung/");
    CHECK_CONTAINS(res->body, "Biên bản TXCT.pdf</a>");
    char *href = strstr(res->body, "/chuong-trinh/minh-chung/");
    char link[128] = "";
    if (href) { size_t n = strcspn(href, "\""); snprintf(link, sizeof link, "%.*s", (int)n, href); }
    res = tc_get(pub, link);
    CHECK_INT(res->status, 200);
    char *ct = tc_header(res, "Content-Type");
    CHECK_CONTAINS(ct ? ct : "", "application/pdf");
    free(ct);
    CHECK_CONTAINS(res->body, "%PDF-1.4");
    res = tc_get(pub, "/chuong-trinh/minh-chung/999999/1");
    CHECK_INT(res->status, 404);
    tc_free(pub);
    tc_free(c);
}

TEST(test_create_programme_and_tasks)
{
    TClient *c = signed_in("bd.bientap");
    const char *add = url("/quan-tri/hoi-dong/%lld/chuong-trinh/moi", ba_dinh, 0);
    int64_t before = db_int(db, -1, "SELECT COUNT(*) FROM programmes", "");
    TResp *res = tc_post(c, add, "csrf", c->csrf, "kind", "plan", "number", "20/KH-HĐND", "title", "Kế hoạch giám sát 2027",
                         "from", "1/1/2027", "to", "31/2/2027", "publish", "full", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Thời gian thực hiện cần nhập");
    CHECK_CONTAINS(res->body, "value=\"Kế hoạch giám sát 2027\"");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM programmes", ""), before);
    res = tc_post(c, add, "csrf", c->csrf, "kind", "plan", "number", "20/KH-HĐND", "title", "Kế hoạch giám sát 2027",
                  "from", "1/1/2027", "to", "31/12/2027", "publish", "full", NULL);
    CHECK_INT(res->status, 303);
    int64_t prog = db_int(db, 0, "SELECT id FROM programmes WHERE title = 'Kế hoạch giám sát 2027'", "");
    CHECK(prog > 0);
    CHECK_INT(db_int(db, -1, "SELECT council_id FROM programmes WHERE id = ?1", "l", prog), ba_dinh);
    const char *task = url("/quan-tri/hoi-dong/%lld/chuong-trinh/%lld/viec", ba_dinh, prog);
    /* a zero weight, a date outside the programme: refused with the typed values */
    res = tc_post(c, task, "csrf", c->csrf, "parent", "0", "code", "1", "title", "Giám sát đất đai", "owner", num(ba_dinh),
                  "from", "1/2/2027", "due", "30/6/2027", "target_kind", "number", "target_value", "2",
                  "target_unit", "cuộc", "weight", "0", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Trọng số phải là số lớn hơn 0");
    CHECK_CONTAINS(res->body, "value=\"Giám sát đất đai\"");
    res = tc_post(c, task, "csrf", c->csrf, "parent", "0", "code", "1", "title", "Giám sát đất đai", "owner", num(ba_dinh),
                  "from", "1/2/2026", "due", "30/6/2027", "target_kind", "percent", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "phải nằm trong thời gian thực hiện chương trình");
    /* another commune as owner: not below this one */
    res = tc_post(c, task, "csrf", c->csrf, "parent", "0", "title", "Sai chủ trì", "owner", num(other),
                  "from", "1/2/2027", "due", "30/6/2027", NULL);
    CHECK_INT(res->status, 400);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM programme_tasks WHERE programme_id = ?1", "l", prog), 0);
    res = tc_post(c, task, "csrf", c->csrf, "parent", "0", "code", "1", "title", "Giám sát đất đai", "owner", num(ba_dinh),
                  "from", "1/2/2027", "due", "30/6/2027", "target_kind", "number", "target_value", "2",
                  "target_unit", "cuộc", "weight", "2", NULL);
    CHECK_INT(res->status, 303);
    int64_t t1 = db_int(db, 0, "SELECT id FROM programme_tasks WHERE programme_id = ?1", "l", prog);
    res = tc_post(c, task, "csrf", c->csrf, "parent", num(t1), "code", "1.1", "title", "Khảo sát thực địa", "owner", num(ba_dinh),
                  "from", "1/2/2027", "due", "31/3/2027", "target_kind", "done", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT parent_id FROM programme_tasks WHERE code = '1.1' AND programme_id = ?1", "l", prog), t1);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/%lld", ba_dinh, prog));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Khảo sát thực địa");
    /* a task in another council's programme through this URL */
    int64_t de_an = db_int(db, 0, "SELECT id FROM programmes WHERE slug = 'de-an-15-da-tu'", "");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/%lld/viec", ba_dinh, de_an), "csrf", c->csrf, "title", "X",
                  "owner", num(ba_dinh), "from", "1/2/2026", "due", "30/6/2026", NULL);
    CHECK_INT(res->status, 404);
    tc_free(c);
}

TEST(test_scope)
{
    int64_t before = updates();
    TClient *c = signed_in("bd.bientap");
    /* the city's task through its own URL */
    TResp *res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", ba_dinh, city_task),
                         "csrf", c->csrf, "day", "1/12/2026", "value", "900", NULL);
    CHECK_INT(res->status, 403);
    /* through the city's URL, and another commune's */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", city, city_task),
                  "csrf", c->csrf, "day", "1/12/2026", "value", "900", NULL);
    CHECK_INT(res->status, 403);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh", other, 0));
    CHECK_INT(res->status, 403);
    tc_free(c);
    /* the reviewer reads, never writes */
    TClient *rv = signed_in("tp.xemxet");
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/chuong-trinh", city, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Bồi dưỡng nghiệp vụ cho cán bộ tham mưu");
    CHECK_NOT_CONTAINS(res->body, "Ghi tiến độ</button>");
    res = tc_post(rv, url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", city, city_task),
                  "csrf", rv->csrf, "day", "1/12/2026", "value", "900", NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
    /* anonymous */
    TClient *anon = tc_new(&srv);
    res = tc_post(anon, url("/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do", ba_dinh, ward_done_task),
                  "day", "1/12/2026", "done", "1", NULL);
    CHECK_INT(res->status, 403);
    tc_free(anon);
    CHECK_INT(updates(), before);
}

TEST(test_unpublished)
{
    CHECK_INT(db_exec(db, "UPDATE programmes SET publish = 'none' WHERE id = ?1", "l", ward_plan), DB_OK);
    TClient *pub = tc_new(&srv);
    TResp *res = tc_get(pub, "/chuong-trinh/ke-hoach-phuong-ba-dinh-2026?ngay=1/12/2026");
    CHECK_INT(res->status, 404);
    res = tc_get(pub, "/chuong-trinh");
    CHECK_NOT_CONTAINS(res->body, "ke-hoach-phuong-ba-dinh-2026");
    tc_free(pub);
    TClient *c = signed_in("bd.bientap");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/%lld", ba_dinh, ward_plan));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "chưa công khai");
    CHECK_CONTAINS(res->body, "Giám sát chuyên đề của HĐND phường năm 2026");
    /* another council's programme through this URL: not found */
    int64_t de_an = db_int(db, 0, "SELECT id FROM programmes WHERE slug = 'de-an-15-da-tu'", "");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/chuong-trinh/%lld", ba_dinh, de_an));
    CHECK_INT(res->status, 404);
    tc_free(c);
    CHECK_INT(db_exec(db, "UPDATE programmes SET publish = 'full' WHERE id = ?1", "l", ward_plan), DB_OK);
}

static int setup(void)
{
    db = ts_db(&srv);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1"
                      " AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    other = db_int(db, 0, cur, "t", "phuong-ngoc-ha");
    ward_plan = db_int(db, 0, "SELECT id FROM programmes WHERE slug = 'ke-hoach-phuong-ba-dinh-2026'", "");
    ward_done_task = db_int(db, 0, "SELECT id FROM programme_tasks WHERE programme_id = ?1 AND code = '4'", "l", ward_plan);
    ward_pct_task = db_int(db, 0, "SELECT id FROM programme_tasks WHERE programme_id = ?1 AND code = '3'", "l", ward_plan);
    city_task = db_int(db, 0, "SELECT t.id FROM programme_tasks t JOIN programmes p ON p.id = t.programme_id"
                              " WHERE p.slug = 'de-an-15-da-tu' AND t.code = '4.1'", "");
    if (city <= 0 || ba_dinh <= 0 || other <= 0 || ward_plan <= 0 || ward_done_task <= 0 || ward_pct_task <= 0
        || city_task <= 0) {
        fprintf(stderr, "http_programme: demo ids missing\n");
        return -1;
    }
    int rc = ts_council_staff(&srv, STAFF_PASSWORD);
    /* the demo's days: a fixed clock so the flags do not drift with the calendar */
    rc |= ts_clock_set(&srv, 1796443200);   /* 5/12/2026 12:00 +07:00 */
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_programme";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_programme: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_programme: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_public_pages);
    RUN(test_commune_records_progress);
    RUN(test_refusals_keep_the_form);
    RUN(test_evidence_file);
    RUN(test_create_programme_and_tasks);
    RUN(test_scope);
    RUN(test_unpublished);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
