/* http_petition.c - voters' petitions through the real binary with demo
 * content (issue 10 items 1, 2, 5):
 *   - the city's editor records a petition (hostile text in every field),
 *     classifies it, is refused a deadline before the forwarding day (the
 *     typed dates given back, nothing written), forwards it;
 *   - the agency's account sees it in its list without the sender's name
 *     or contact, takes it up and answers it with a document; a second
 *     answer is refused; another agency's account gets 403 for it on GET
 *     and on a POST with a file part, and nothing is stored for that file;
 *     an agency account passes no staff route;
 *   - the staff publish the answer and report it to voters; the trail
 *     shows every step and who did it;
 *   - personal data: the sender's name is shown to the city's editor, not
 *     to the reviewer, not to the agency, and never in the report export;
 *   - scope: a ward's staff cannot open the city's petitions (403), nor
 *     one through the ward's own URL (404); CSRF missing: 403, nothing
 *     written;
 *   - the pre-session report: the page, the print view, CSV (formula
 *     cells neutralised), XLSX (strings, never formulas) and JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <zip.h>

#include "db.h"
#include "t.h"
#include "tclient.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"
#define HOSTILE "<script>alert(1)</script>\"><img src=x onerror=1>"
#define FORMULA "=HYPERLINK(\"http://x\")"

static TServer srv;
static Db *db;
static int64_t city, ward, agency_a, agency_b, petition;

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[8][260];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a, (long long)b);
    return buf[i];
}

static TClient *signed_in(const char *user)
{
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, STAFF_PASSWORD) != 0) {
        fprintf(stderr, "http_petition: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

static int64_t writes(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM petitions) + (SELECT COUNT(*) FROM petition_events) + "
                          "(SELECT COALESCE(SUM(revision), 0) FROM petitions) + (SELECT COUNT(*) FROM petition_files) + "
                          "(SELECT COUNT(*) FROM files)", "");
}

static const char *status_of(int64_t id)
{
    static char s[40];
    Arena *a = arena_new();
    char *v = db_text(db, a, "SELECT status FROM petitions WHERE id = ?1", "l", id);
    snprintf(s, sizeof s, "%s", v ? v : "");
    arena_free(a);
    return s;
}

TEST(test_record_classify_forward)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/kien-nghi", city, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Ghi nhận kiến nghị");
    int64_t before = writes();
    /* CSRF missing: refused before the handler, nothing written */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/moi", city, 0), "text", "Không có mã CSRF", "channel", "letter",
                  "received", "1/12/2026", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    /* a bad date: the form comes back as typed */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/moi", city, 0), "csrf", c->csrf, "text", "Kiến nghị " HOSTILE,
                  "channel", "letter", "received", "32/13/2026", "place", FORMULA, "sender_name", "Đỗ Văn Riêngtư",
                  "sender_contact", "0988 111 222", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Ngày tiếp nhận không hợp lệ");
    CHECK_CONTAINS(res->body, "32/13/2026");
    CHECK_CONTAINS(res->body, "Đỗ Văn Riêngtư");
    CHECK(!strstr(res->body, "<script>alert(1)"));
    CHECK_INT(writes(), before);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/moi", city, 0), "csrf", c->csrf, "text", "Kiến nghị " HOSTILE,
                  "channel", "letter", "received", "1/12/2026", "place", FORMULA, "sender_name", "Đỗ Văn Riêngtư",
                  "sender_contact", "0988 111 222", NULL);
    CHECK_INT(res->status, 303);
    petition = db_int(db, 0, "SELECT id FROM petitions WHERE sender_name = 'Đỗ Văn Riêngtư'", "");
    CHECK(petition > 0);
    const char *page = url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld", city, petition);
    res = tc_get(c, page);
    CHECK_INT(res->status, 200);
    CHECK(!strstr(res->body, "<script>alert(1)"));
    CHECK(!strstr(res->body, "<img src=x"));
    CHECK_CONTAINS(res->body, "&lt;script&gt;");
    CHECK_CONTAINS(res->body, "Đỗ Văn Riêngtư");   /* the council's own editor sees the sender */
    /* classify, then a deadline before the forwarding day */
    char agency_s[24];
    snprintf(agency_s, sizeof agency_s, "%lld", (long long)agency_a);
    char action[300];
    snprintf(action, sizeof action, "%s/phan-loai", page);
    res = tc_post(c, action, "csrf", c->csrf, "field", "giao-thong", "level", "city", "agency", agency_s, NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(petition), "classified");
    before = writes();
    snprintf(action, sizeof action, "%s/chuyen", page);
    res = tc_post(c, action, "csrf", c->csrf, "agency", agency_s, "day", "2/12/2026", "deadline", "1/12/2026", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "không được trước ngày chuyển");
    CHECK_CONTAINS(res->body, "value=\"1/12/2026\"");
    CHECK_INT(writes(), before);
    res = tc_post(c, action, "csrf", c->csrf, "agency", agency_s, "day", "2/12/2026", "deadline", "2/2/2027", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(petition), "forwarded");
    /* unknown action, and the reviewer cannot write */
    snprintf(action, sizeof action, "%s/xoa-het", page);
    res = tc_post(c, action, "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 404);
    tc_free(c);
    TClient *rv = signed_in("tp.xemxet");
    res = tc_get(rv, page);
    CHECK_INT(res->status, 200);
    CHECK(!strstr(res->body, "Riêngtư"));   /* the reviewer does not see personal data */
    CHECK(!strstr(res->body, "0988 111 222"));
    snprintf(action, sizeof action, "%s/cong-bo", page);
    res = tc_post(rv, action, "csrf", rv->csrf, NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
}

TEST(test_scope)
{
    TClient *c = signed_in("bd.bientap");
    int64_t before = writes();
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld", city, petition));
    CHECK_INT(res->status, 403);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld", ward, petition));
    CHECK_INT(res->status, 404);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld/cong-bo", ward, petition), "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 404);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi/moi", city, 0), "csrf", c->csrf, "text", "x", "channel",
                  "letter", "received", "1/12/2026", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    tc_free(c);
}

TEST(test_agency_answers)
{
    TClient *b = signed_in("ag.b");
    int64_t before = writes();
    const char *mine = url("/quan-tri/co-quan/kien-nghi/%lld", petition, 0);
    /* another agency: 403 for the page and for a POST carrying a file; nothing stored */
    TResp *res = tc_get(b, mine);
    CHECK_INT(res->status, 403);
    char pdf[300];
    snprintf(pdf, sizeof pdf, "%s/tra-loi.pdf", srv.dir);
    FILE *f = fopen(pdf, "wb");
    fputs("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", f);
    fclose(f);
    res = tc_post_multipart(b, url("/quan-tri/co-quan/kien-nghi/%lld/tra-loi", petition, 0), "csrf", b->csrf, "kind", "resolved",
                            "text", "Không phải của tôi", "day", "3/12/2026", "@file", pdf, "tra-loi.pdf", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    /* an agency passes no staff route, and its home sends it to its own list */
    res = tc_get(b, "/quan-tri/hoi-dong");
    CHECK_INT(res->status, 403);
    res = tc_get(b, url("/quan-tri/hoi-dong/%lld/kien-nghi", city, 0));
    CHECK_INT(res->status, 403);
    res = tc_get(b, "/quan-tri/bai-viet");
    CHECK_INT(res->status, 403);
    res = tc_get(b, "/quan-tri");
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    CHECK(loc && strstr(loc, "/quan-tri/co-quan"));
    free(loc);
    tc_free(b);
    /* the agency it was forwarded to */
    TClient *a = signed_in("ag.a");
    res = tc_get(a, "/quan-tri/co-quan");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Kiến nghị cử tri chuyển tới");
    CHECK(!strstr(res->body, "Riêngtư"));
    res = tc_get(a, mine);
    CHECK_INT(res->status, 200);
    CHECK(!strstr(res->body, "Riêngtư"));
    CHECK(!strstr(res->body, "0988 111 222"));
    CHECK(!strstr(res->body, "<script>alert(1)"));
    res = tc_post(a, url("/quan-tri/co-quan/kien-nghi/%lld/tiep-nhan", petition, 0), "csrf", a->csrf, NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(petition), "in_progress");
    /* a refused answer keeps what was typed */
    before = writes();
    res = tc_post_multipart(a, url("/quan-tri/co-quan/kien-nghi/%lld/tra-loi", petition, 0), "csrf", a->csrf, "kind", "scheduled",
                            "text", "Đưa vào kế hoạch sửa chữa năm 2027", "day", "3/12/2026", "roadmap", "", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "ngày dự kiến hoàn thành");
    CHECK_CONTAINS(res->body, "Đưa vào kế hoạch sửa chữa năm 2027");
    CHECK_INT(writes(), before);
    res = tc_post_multipart(a, url("/quan-tri/co-quan/kien-nghi/%lld/tra-loi", petition, 0), "csrf", a->csrf, "kind", "resolved",
                            "text", "Đã sửa xong " HOSTILE, "day", "3/12/2026", "@file", pdf, "Văn bản trả lời.pdf", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(petition), "resolved");
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM petition_files WHERE petition_id = ?1 AND kind = 'answer'", "l", petition), 1);
    before = writes();
    res = tc_post_multipart(a, url("/quan-tri/co-quan/kien-nghi/%lld/tra-loi", petition, 0), "csrf", a->csrf, "kind",
                            "answered_explained", "text", "Lần hai", "day", "4/12/2026", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "không trả lời lần hai");
    CHECK_INT(writes(), before);
    /* the agency cannot publish: staff routes are closed to it */
    res = tc_post(a, url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld/cong-bo", city, petition), "csrf", a->csrf, NULL);
    CHECK_INT(res->status, 403);
    tc_free(a);
}

TEST(test_publish_and_trail)
{
    TClient *c = signed_in("tp.bientap");
    const char *page = url("/quan-tri/hoi-dong/%lld/kien-nghi/%lld", city, petition);
    char action[300];
    snprintf(action, sizeof action, "%s/cong-bo", page);
    TResp *res = tc_post(c, action, "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 303);
    snprintf(action, sizeof action, "%s/thong-bao", page);
    res = tc_post(c, action, "csrf", c->csrf, "day", "5/12/2026", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(petition), "reported_to_voters");
    res = tc_get(c, page);
    CHECK_INT(res->status, 200);
    static const char *const steps[] = {"Tiếp nhận", "Phân loại", "Chuyển cơ quan giải quyết", "Cơ quan tiếp nhận", "Trả lời",
                                        "Công bố công khai", "Thông báo tới cử tri", "ag.a", "tp.bientap"};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) CHECK_CONTAINS(res->body, steps[i]);
    CHECK_CONTAINS(res->body, "Văn bản trả lời.pdf");
    /* erase the sender's data on request; the name is gone from the page */
    snprintf(action, sizeof action, "%s/xoa-thong-tin", page);
    res = tc_post(c, action, "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, page);
    CHECK(!strstr(res->body, "Riêngtư"));
    CHECK_CONTAINS(res->body, "đã được xóa");
    tc_free(c);
    /* nor is it in the server's log (access lines, audit, errors) */
    char log[400];
    snprintf(log, sizeof log, "%s/server.log", srv.dir);
    CHECK_INT(tc_file_has(log, "access POST"), 1);   /* the log is the one written */
    CHECK_INT(tc_file_has(log, "Riêngtư"), 0);
    CHECK_INT(tc_file_has(log, "0988 111 222"), 0);
    CHECK_INT(tc_file_has(log, "0988+111+222"), 0);
}

/* 1 when the zip at path has member containing needle, 0 not, -1 unreadable. */
static int zip_member_has(const char *path, const char *member, const char *needle)
{
    int err = 0;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    if (!z) return -1;
    zip_file_t *f = zip_fopen(z, member, 0);
    if (!f) { zip_close(z); return -1; }
    char *buf = malloc(1 << 20);
    zip_int64_t n = zip_fread(f, buf, (1 << 20) - 1);
    zip_fclose(f);
    zip_close(z);
    if (n < 0) { free(buf); return -1; }
    buf[n] = 0;
    int has = strstr(buf, needle) != NULL;
    free(buf);
    return has;
}

TEST(test_report_exports)
{
    /* an agency whose name is a formula, with a petition forwarded to it */
    char err[300];
    int64_t s = db_int(db, 0, "SELECT id FROM council_sessions WHERE council_id = ?1 AND number = 2", "l", city);
    CHECK(s > 0);
    CHECK_INT(db_exec(db, "INSERT INTO agencies (council_id, name, level) VALUES (?1, ?2, 'city')", "lt", city, FORMULA), DB_OK);
    int64_t g = db_int(db, 0, "SELECT id FROM agencies WHERE name = ?1", "t", FORMULA);
    CHECK_INT(db_exec(db, "UPDATE petitions SET agency_id = ?1 WHERE id = (SELECT MIN(id) FROM petitions WHERE council_id = ?2 AND "
                          "session_id = ?3 AND forwarded_on IS NOT NULL)", "lll", g, city, s), DB_OK);
    (void)err;
    TClient *c = signed_in("tp.xemxet");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi?ky-hop=%lld", city, s));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Báo cáo kết quả giám sát việc giải quyết kiến nghị cử tri");
    CHECK_CONTAINS(res->body, "<svg class=\"chart\"");
    CHECK_CONTAINS(res->body, "Theo cơ quan giải quyết");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi/in?ky-hop=%lld", city, s));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "print.css");
    /* the received count on the page equals the database's */
    int64_t received = db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND session_id = ?2 AND status <> 'merged'",
                              "ll", city, s);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi/xuat?ky-hop=%lld&dinh-dang=csv", city, s));
    CHECK_INT(res->status, 200);
    char want[64];
    snprintf(want, sizeof want, "Tổng,Tổng số,%lld,", (long long)received);
    CHECK_CONTAINS(res->body, want);
    CHECK_CONTAINS(res->body, "'=HYPERLINK");
    CHECK(!strstr(res->body, "\n=HYPERLINK") && !strstr(res->body, ",=HYPERLINK") && !strstr(res->body, ",\"=HYPERLINK"));
    CHECK(!strstr(res->body, "Riêngtư"));
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi/xuat?ky-hop=%lld&dinh-dang=json", city, s));
    CHECK_INT(res->status, 200);
    json_error_t je;
    json_t *j = json_loads(res->body, 0, &je);
    CHECK(j != NULL);
    if (j) {
        json_t *rows = json_object_get(j, "rows");
        CHECK(json_is_array(rows) && json_array_size(rows) > 2);
        const char *got = json_string_value(json_object_get(json_array_get(rows, 0), "Tiếp nhận"));
        char n[24];
        snprintf(n, sizeof n, "%lld", (long long)received);
        CHECK(got && !strcmp(got, n));
        json_decref(j);
    }
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi/xuat?ky-hop=%lld&dinh-dang=xlsx", city, s));
    CHECK_INT(res->status, 200);
    char path[300];
    snprintf(path, sizeof path, "%s/report.xlsx", srv.dir);
    FILE *f = fopen(path, "wb");
    if (f) { fwrite(res->body, 1, res->len, f); fclose(f); }
    CHECK_INT(zip_member_has(path, "xl/sharedStrings.xml", "=HYPERLINK"), 1);   /* the text is there ... */
    CHECK_INT(zip_member_has(path, "xl/worksheets/sheet1.xml", "<f>"), 0);      /* ... never as a formula */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi/xuat?ky-hop=%lld&dinh-dang=exe", city, s));
    CHECK_INT(res->status, 400);
    /* the city's reviewer reads the ward's work, but a city session is not the ward's */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi?ky-hop=%lld", ward, s));
    CHECK_INT(res->status, 404);
    tc_free(c);
    TClient *w = signed_in("bd.bientap");
    res = tc_get(w, url("/quan-tri/hoi-dong/%lld/bao-cao-kien-nghi?ky-hop=%lld", city, s));
    CHECK_INT(res->status, 403);   /* the ward's staff do not read the city's */
    tc_free(w);
}

TEST(test_meetings_and_agencies_pages)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/tiep-xuc-cu-tri", city, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Tổ đại biểu số 1");
    int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM voter_meetings", "");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/tiep-xuc-cu-tri/moi", city, 0), "csrf", c->csrf, "timing", "before",
                  "day", "1/12/2026", "place", HOSTILE, "attendance", "nhiều", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Số cử tri tham dự");
    CHECK(!strstr(res->body, "<script>alert(1)"));
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/tiep-xuc-cu-tri/moi", city, 0), "csrf", c->csrf, "timing", "before",
                  "day", "1/12/2026", "place", "Nhà văn hóa tổ dân phố 5", "attendance", "120", NULL);
    CHECK_INT(res->status, 400);   /* no delegate group or delegate named */
    CHECK_CONTAINS(res->body, "tổ đại biểu hoặc đại biểu");
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM voter_meetings", ""), before);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/co-quan", city, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Sở Xây dựng");
    CHECK(!strstr(res->body, "Tạo tài khoản"));   /* an editor, not an admin */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/co-quan/%lld/tai-khoan", city, agency_a), "csrf", c->csrf, "username",
                  "ag.moi", "display", "Cơ quan mới", "password", STAFF_PASSWORD, NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM users WHERE username = 'ag.moi'", ""), 0);
    tc_free(c);
}

TEST(test_catalog_is_data)
{
    TClient *c = tc_new(&srv);
    CHECK_INT(tc_login(c, "admin", TS_ADMIN_PASSWORD), 0);
    TResp *res = tc_get(c, "/quan-tri/kien-nghi/danh-muc");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Giao thông");
    int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM petition_fields", "");
    res = tc_post(c, "/quan-tri/kien-nghi/danh-muc/linh-vuc", "csrf", c->csrf, "code", "Nông Nghiệp", "label", "Nông nghiệp",
                  "position", "12", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "value=\"Nông Nghiệp\"");
    res = tc_post(c, "/quan-tri/kien-nghi/danh-muc/linh-vuc", "csrf", c->csrf, "code", "giao-thong", "label", "Trùng", NULL);
    CHECK_INT(res->status, 400);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM petition_fields", ""), before);
    res = tc_post(c, "/quan-tri/kien-nghi/danh-muc/linh-vuc", "csrf", c->csrf, "code", "nong-nghiep", "label", "Nông nghiệp "
                  HOSTILE, "position", "12", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM petition_fields WHERE code = 'nong-nghiep' AND active = 1", ""), 1);
    res = tc_post(c, "/quan-tri/kien-nghi/danh-muc/nhan", "csrf", c->csrf, "domain", "petition", "code", "forwarded", "label",
                  "Đã chuyển đến cơ quan có thẩm quyền", NULL);
    CHECK_INT(res->status, 303);
    res = tc_post(c, "/quan-tri/kien-nghi/danh-muc/nhan", "csrf", c->csrf, "domain", "petition", "code", "khong-co", "label", "X", NULL);
    CHECK_INT(res->status, 400);
    tc_free(c);
    /* the new field is offered to staff, the new label shown on their list */
    TClient *e = signed_in("tp.bientap");
    res = tc_get(e, url("/quan-tri/hoi-dong/%lld/kien-nghi", city, 0));
    CHECK_CONTAINS(res->body, "Nông nghiệp &lt;script&gt;");
    CHECK_CONTAINS(res->body, "Đã chuyển đến cơ quan có thẩm quyền");
    res = tc_get(e, "/quan-tri/kien-nghi/danh-muc");   /* a council's editor does not keep the catalogue */
    CHECK_INT(res->status, 403);
    res = tc_post(e, "/quan-tri/kien-nghi/danh-muc/nhan", "csrf", e->csrf, "domain", "petition", "code", "forwarded", "label", "X", NULL);
    CHECK_INT(res->status, 403);
    tc_free(e);
}

int main(void)
{
    t_prog = "http_petition";
    if (ts_start(&srv, 1) != 0) return 1;
    db = ts_db(&srv);
    if (!db || ts_council_staff(&srv, STAFF_PASSWORD) != 0) { ts_stop(&srv); return 1; }
    city = db_int(db, 0, "SELECT id FROM councils WHERE level = 'province' AND valid_to IS NULL", "");
    ward = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = 'phuong-ba-dinh'"
                         " AND c.valid_to IS NULL", "");
    agency_a = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = 'Sở Xây dựng'", "l", city);
    agency_b = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = 'Sở Y tế'", "l", city);
    char cmd[200];
    setenv("HOIDONG_PASSWORD", STAFF_PASSWORD, 1);
    snprintf(cmd, sizeof cmd, "user add ag.a agency 'Sở Xây dựng' --agency %lld", (long long)agency_a);
    int rc = ts_cmd(&srv, NULL, cmd);
    snprintf(cmd, sizeof cmd, "user add ag.b agency 'Sở Y tế' --agency %lld", (long long)agency_b);
    rc |= ts_cmd(&srv, NULL, cmd);
    rc |= ts_cmd(&srv, NULL, "user add ag.c agency 'Không có cơ quan'") == 0;   /* refused: agency without --agency */
    unsetenv("HOIDONG_PASSWORD");
    if (city <= 0 || ward <= 0 || agency_a <= 0 || agency_b <= 0 || rc != 0) {
        fprintf(stderr, "http_petition: set-up failed (city %lld ward %lld agencies %lld %lld rc %d)\n", (long long)city,
                (long long)ward, (long long)agency_a, (long long)agency_b, rc);
        ts_stop(&srv);
        return 1;
    }
    RUN(test_record_classify_forward);
    RUN(test_scope);
    RUN(test_agency_answers);
    RUN(test_publish_and_trail);
    RUN(test_report_exports);
    RUN(test_meetings_and_agencies_pages);
    RUN(test_catalog_is_data);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
