/* http_supervision.c - supervisions and recommendations through the real
 * binary with demo content plus the supervision demo (issue 10 item 4):
 *   - the city's staff see the sample supervision with its overdue,
 *     verified and partially done recommendations; "overdue" follows the
 *     server's day (test clock), it is not stored;
 *   - scope: a commune's editor (and the city's reviewer, read-only) is
 *     refused (403) on the city's pages and posts before the body, nothing
 *     written; a recommendation through another council's URL is 404;
 *   - an agency account sees only its own recommendations, gets 403 for
 *     another agency's id (GET and POST), cannot set "verified";
 *   - the whole life of a recommendation through the forms: issued,
 *     acknowledged and reported done by the agency, a re-check that does
 *     not confirm, done again, a re-check that verifies;
 *   - hostile text (<script>, =HYPERLINK(...)) escaped on the staff, agency
 *     and public pages; a POST without the CSRF token is 403;
 *   - two people changing the same recommendation: the second gets 409
 *     and the page gives back what they typed, nothing of it written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "auth.h"
#include "db.h"
#include "log.h"
#include "supervision_demo.h"
#include "t.h"
#include "tclient.h"
#include "vn.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"
#define NOW 1796443200   /* 5/12/2026 12:00 +07:00 */

static TServer srv;
static Db *db;
static int64_t city, ba_dinh, sup, ag_xd, ag_tc;

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[8][240];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a, (long long)b);
    return buf[i];
}

/* An agency account signs in through the form and takes its CSRF token
 * from its recommendations page (its start page, /quan-tri/co-quan, is
 * the petition module's). */
static TClient *agency_signed_in(const char *user)
{
    TClient *c = tc_new(&srv);
    TResp *r = tc_get(c, "/quan-tri/dang-nhap");
    char *tok = r->status == 200 ? tc_input_value(r->body, "login_token") : NULL;
    if (tok) r = tc_post(c, "/quan-tri/dang-nhap", "username", user, "password", STAFF_PASSWORD, "login_token", tok, NULL);
    int ok = tok && r->status == 303;
    free(tok);
    if (ok) r = tc_get(c, "/quan-tri/co-quan/giam-sat");
    char *csrf = ok && r->status == 200 ? tc_input_value(r->body, "csrf") : NULL;
    if (!csrf) {
        fprintf(stderr, "http_supervision: agency login %s failed\n", user);
        t_failed++;
    } else {
        snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
        free(csrf);
    }
    return c;
}

static TClient *signed_in(const char *user)
{
    if (!strncmp(user, "ag.", 3)) return agency_signed_in(user);
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, STAFF_PASSWORD) != 0) {
        fprintf(stderr, "http_supervision: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

/* Everything a refused request could have written. */
static int64_t footprint(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM supervisions) + (SELECT COUNT(*) FROM recommendations)"
                          " + (SELECT COUNT(*) FROM recommendation_events) + (SELECT COUNT(*) FROM recommendation_checks)"
                          " + (SELECT COALESCE(SUM(revision), 0) FROM recommendations) + (SELECT COUNT(*) FROM agencies)", "");
}

/* The demo recommendation of agency in the given stored status. */
static int64_t rec_of(int64_t agency, const char *status)
{
    return db_int(db, 0, "SELECT id FROM recommendations WHERE supervision_id = ?1 AND agency_id = ?2 AND status = ?3"
                         " ORDER BY id LIMIT 1", "llt", sup, agency, status);
}

static const char *status_of(int64_t id)
{
    static char s[40];
    Arena *a = arena_new();
    char *v = db_text(db, a, "SELECT status FROM recommendations WHERE id = ?1", "l", id);
    snprintf(s, sizeof s, "%s", v ? v : "");
    arena_free(a);
    return s;
}

static char *rev_text(int64_t id)
{
    static char s[24];
    snprintf(s, sizeof s, "%lld", (long long)db_int(db, 0, "SELECT revision FROM recommendations WHERE id = ?1", "l", id));
    return s;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

#define DETAIL url("/quan-tri/hoi-dong/%lld/giam-sat/%lld", city, sup)
#define REC_STATUS(id) url("/quan-tri/hoi-dong/%lld/kien-nghi-giam-sat/%lld/trang-thai", city, (id))
#define REC_CHECK(id) url("/quan-tri/hoi-dong/%lld/kien-nghi-giam-sat/%lld/kiem-tra", city, (id))
#define AGENCY_STATUS(id) url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld/trang-thai", (id), 0)

TEST(test_staff_sees_the_demo)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/giam-sat", city, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "về lĩnh vực đất đai, xây dựng</a>");
    CHECK_CONTAINS(res->body, "6 kiến nghị, 5 chưa hoàn thành");
    CHECK_CONTAINS(res->body, "1 quá hạn");
    res = tc_get(c, DETAIL);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Theo dõi thực hiện");
    CHECK_CONTAINS(res->body, "Ban Đô thị");
    CHECK_INT(count(res->body, "flag flag-late\">Quá hạn</span>"), 1);
    CHECK_CONTAINS(res->body, "(cơ quan báo cáo: Đang thực hiện)");
    CHECK_CONTAINS(res->body, "<h3>Kiến nghị 6 · Sở Xây dựng</h3>");
    CHECK_CONTAINS(res->body, ">Đã kiểm tra lại</span>");
    CHECK_CONTAINS(res->body, ">Thực hiện một phần</span>");
    CHECK_CONTAINS(res->body, "tái chất vấn · đạt");
    CHECK_CONTAINS(res->body, "<p>Kết quả: 151 kiến nghị đã được giải quyết dứt điểm (70,6%)");
    /* the overdue flag follows the server's day: on the deadline itself it is not late yet */
    int64_t rid = rec_of(ag_xd, "in_progress");
    int64_t deadline = db_int(db, 0, "SELECT deadline FROM recommendations WHERE id = ?1", "l", rid);
    CHECK(rid > 0 && deadline > 0);
    CHECK_INT(ts_clock_set(&srv, deadline + 12 * 3600), 0);
    res = tc_get(c, DETAIL);
    CHECK_INT(count(res->body, "flag flag-late\">Quá hạn</span>"), 0);
    CHECK_INT(ts_clock_set(&srv, deadline + 86400 + 12 * 3600), 0);
    res = tc_get(c, DETAIL);
    CHECK_INT(count(res->body, "flag flag-late\">Quá hạn</span>"), 1);
    CHECK_INT(ts_clock_set(&srv, NOW), 0);
    CHECK_STR(status_of(rid), "in_progress");   /* never stored */
    /* the public list */
    TClient *anon = tc_new(&srv);
    res = tc_get(anon, "/giam-sat");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "về lĩnh vực đất đai, xây dựng");
    CHECK_CONTAINS(res->body, "Sở Nông nghiệp và Môi trường");
    CHECK_INT(count(res->body, "flag flag-late\">Quá hạn</span>"), 1);
    CHECK_NOT_CONTAINS(res->body, "Diễn biến");   /* no events (who did what) in public */
    tc_free(anon);
    tc_free(c);
}

TEST(test_scope)
{
    int64_t rid = rec_of(ag_xd, "issued");
    CHECK(rid > 0);
    int64_t before = footprint();
    TClient *c = signed_in("bd.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/giam-sat", city, 0));
    CHECK_INT(res->status, 403);
    res = tc_get(c, DETAIL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, REC_STATUS(rid), "csrf", c->csrf, "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "không thuộc phạm vi");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/giam-sat/moi", city, 0), "csrf", c->csrf, "subject", "Lạ", "kind", "survey",
                  "from", "1/12/2026", "to", "2/12/2026", NULL);
    CHECK_INT(res->status, 403);
    /* through its own council's URL the city's recommendation does not exist */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/kien-nghi-giam-sat/%lld/trang-thai", ba_dinh, rid), "csrf", c->csrf,
                  "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 404);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/giam-sat/%lld", ba_dinh, sup));
    CHECK_INT(res->status, 404);
    tc_free(c);
    /* the city's reviewer reads but does not write */
    TClient *rv = signed_in("tp.xemxet");
    res = tc_get(rv, DETAIL);
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Ghi kết quả kiểm tra lại");
    res = tc_post(rv, REC_STATUS(rid), "csrf", rv->csrf, "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
    /* an agency account has no council pages */
    TClient *ag = signed_in("ag.xaydung");
    res = tc_get(ag, DETAIL);
    CHECK_INT(res->status, 403);
    tc_free(ag);
    CHECK_INT(footprint(), before);
    CHECK_STR(status_of(rid), "issued");
}

TEST(test_agency_sees_only_its_own)
{
    int64_t mine = rec_of(ag_xd, "issued"), theirs = rec_of(ag_tc, "done");
    CHECK(mine > 0 && theirs > 0);
    TClient *ag = signed_in("ag.xaydung");
    TResp *res = tc_get(ag, "/quan-tri/co-quan/giam-sat");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Rà soát quy hoạch chi tiết");          /* Sở Xây dựng's */
    CHECK_CONTAINS(res->body, "vi phạm trật tự xây dựng kéo dài");
    CHECK_NOT_CONTAINS(res->body, "Bố trí kinh phí bồi thường");       /* Sở Tài chính's */
    CHECK_NOT_CONTAINS(res->body, "Đẩy nhanh cấp giấy chứng nhận");
    CHECK_INT(count(res->body, "<article class=\"box rec\""), 2);
    res = tc_get(ag, url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld", mine, 0));
    CHECK_INT(res->status, 200);
    res = tc_get(ag, url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld", theirs, 0));
    CHECK_INT(res->status, 403);
    CHECK_NOT_CONTAINS(res->body, "Bố trí kinh phí");
    res = tc_get(ag, url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld", 99999999, 0));
    CHECK_INT(res->status, 403);   /* the same answer as not yours */
    int64_t before = footprint();
    res = tc_post(ag, AGENCY_STATUS(theirs), "csrf", ag->csrf, "revision", rev_text(theirs), "status", "in_progress",
                  "note", "x", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(footprint(), before);
    /* staff have no agency pages */
    TClient *c = signed_in("tp.bientap");
    res = tc_get(c, "/quan-tri/co-quan/giam-sat");
    CHECK_INT(res->status, 403);
    tc_free(c);
    /* the agency cannot verify its own work */
    TClient *tc = signed_in("ag.taichinh");
    res = tc_post(tc, AGENCY_STATUS(theirs), "csrf", tc->csrf, "revision", rev_text(theirs), "status", "verified",
                  "note", "Chúng tôi tự xác nhận", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Cơ quan không tự xác nhận kết quả");
    CHECK_CONTAINS(res->body, "Chúng tôi tự xác nhận");   /* typed text given back */
    CHECK_NOT_CONTAINS(res->body, "value=\"verified\"");
    CHECK_INT(footprint(), before);
    CHECK_STR(status_of(theirs), "done");
    tc_free(tc);
    tc_free(ag);
}

TEST(test_life_through_the_forms)
{
    TClient *c = signed_in("tp.bientap");
    char agency[24];
    snprintf(agency, sizeof agency, "%lld", (long long)ag_xd);
    const char *add = url("/quan-tri/hoi-dong/%lld/giam-sat/%lld/kien-nghi", city, sup);
    int64_t before = footprint();
    TResp *res = tc_post(c, add, "csrf", c->csrf, "text", "Công khai danh mục dự án chậm triển khai", "agency", agency,
                         "issued", "1/12/2026", "deadline", "30/11/2026", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Hạn thực hiện không được trước ngày ban hành");
    CHECK_CONTAINS(res->body, "Công khai danh mục dự án chậm triển khai</textarea>");
    CHECK_CONTAINS(res->body, "value=\"30/11/2026\"");
    CHECK_INT(footprint(), before);
    res = tc_post(c, add, "csrf", c->csrf, "text", "Công khai danh mục dự án chậm triển khai", "agency", agency,
                  "issued", "1/12/2026", "deadline", "31/3/2027", NULL);
    CHECK_INT(res->status, 303);
    int64_t rid = db_int(db, 0, "SELECT id FROM recommendations WHERE text = ?1", "t", "Công khai danh mục dự án chậm triển khai");
    CHECK(rid > 0);
    CHECK_STR(status_of(rid), "issued");
    /* staff cannot verify by a status change */
    res = tc_post(c, REC_STATUS(rid), "csrf", c->csrf, "revision", rev_text(rid), "status", "verified", "note", "", NULL);
    CHECK_INT(res->status, 400);
    /* the agency acknowledges, works, reports done */
    TClient *ag = signed_in("ag.xaydung");
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "acknowledged", "note",
                  "Đã tiếp nhận", NULL);
    CHECK_INT(res->status, 303);
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "done", "note", "x", NULL);
    CHECK_INT(res->status, 400);   /* not from acknowledged */
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "in_progress", "note", "", NULL);
    CHECK_INT(res->status, 303);
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "done", "note", "", NULL);
    CHECK_INT(res->status, 400);   /* done needs what was done */
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "done", "note",
                  "Đã công khai 37 dự án trên Cổng thông tin", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(rid), "done");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1 AND username = 'ag.xaydung'",
                     "l", rid), 3);
    /* a re-check that does not confirm: back to in progress */
    res = tc_post(c, REC_CHECK(rid), "csrf", c->csrf, "revision", rev_text(rid), "method", "resupervision", "day", "4/12/2026",
                  "result", "Còn 5 dự án chưa công khai", "confirmed", "0", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(rid), "in_progress");
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", rev_text(rid), "status", "done", "note",
                  "Đã công khai đủ 42 dự án", NULL);
    CHECK_INT(res->status, 303);
    /* a re-check in the future is refused, the typed result kept */
    res = tc_post(c, REC_CHECK(rid), "csrf", c->csrf, "revision", rev_text(rid), "method", "follow_up_question", "day",
                  "6/12/2026", "result", "Đạt yêu cầu", "confirmed", "1", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "không được sau hôm nay");
    CHECK_CONTAINS(res->body, "Đạt yêu cầu</textarea>");
    res = tc_post(c, REC_CHECK(rid), "csrf", c->csrf, "revision", rev_text(rid), "method", "follow_up_question", "day",
                  "5/12/2026", "result", "Đạt yêu cầu", "confirmed", "1", NULL);
    CHECK_INT(res->status, 303);
    CHECK_STR(status_of(rid), "verified");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_checks WHERE recommendation_id = ?1", "l", rid), 2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1", "l", rid), 7);
    /* the agency sees the verified one with its check, and can no longer change it */
    res = tc_get(ag, url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld", rid, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Đạt yêu cầu");
    CHECK_NOT_CONTAINS(res->body, "name=\"status\"");
    tc_free(ag);
    tc_free(c);
}

TEST(test_hostile_text_and_csrf)
{
    static const char script[] = "<script>alert(1)</script>";
    static const char formula[] = "=HYPERLINK(\"http://evil.example\",\"bấm\")";
    TClient *c = signed_in("tp.bientap");
    int64_t before = footprint();
    /* no token: refused, nothing written */
    TResp *res = tc_post(c, url("/quan-tri/hoi-dong/%lld/giam-sat/moi", city, 0), "subject", "Không có mã", "kind", "survey",
                         "from", "1/12/2026", "to", "2/12/2026", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/giam-sat/moi", city, 0), "csrf", "sai-ma", "subject", "Sai mã",
                  "kind", "survey", "from", "1/12/2026", "to", "2/12/2026", NULL);
    CHECK_INT(res->status, 403);
    int64_t rid = rec_of(ag_xd, "issued");
    res = tc_post(c, REC_STATUS(rid), "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 403);
    /* an agency's post without its token, or with a wrong one */
    TClient *ag = signed_in("ag.xaydung");
    res = tc_post(ag, AGENCY_STATUS(rid), "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "mã bảo vệ biểu mẫu");
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", "sai-ma", "revision", rev_text(rid), "status", "acknowledged", "note", "x", NULL);
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "mã bảo vệ biểu mẫu");
    tc_free(ag);
    CHECK_INT(footprint(), before);
    /* hostile text in every field */
    char subject[200];
    snprintf(subject, sizeof subject, "Giám sát %s %s", script, formula);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/giam-sat/moi", city, 0), "csrf", c->csrf, "subject", subject,
                  "kind", "hearing", "targets", formula, "from", "1/11/2026", "to", "2/11/2026", NULL);
    CHECK_INT(res->status, 303);
    int64_t hs = db_int(db, 0, "SELECT id FROM supervisions WHERE subject = ?1", "t", subject);
    CHECK(hs > 0);
    const char *base = url("/quan-tri/hoi-dong/%lld/giam-sat/%lld", city, hs);
    char b[240];
    snprintf(b, sizeof b, "%s/trang-thai", base);
    res = tc_post(c, b, "csrf", c->csrf, "status", "reported", "findings", script, NULL);
    CHECK_INT(res->status, 303);
    snprintf(b, sizeof b, "%s/kien-nghi", base);
    char agency_name[120];
    snprintf(agency_name, sizeof agency_name, "Sở %s", script);
    res = tc_post(c, b, "csrf", c->csrf, "text", formula, "agency_new", agency_name, "issued", "3/11/2026",
                  "deadline", "1/12/2026", NULL);
    CHECK_INT(res->status, 303);
    int64_t hr = db_int(db, 0, "SELECT id FROM recommendations WHERE supervision_id = ?1", "l", hs);
    CHECK(hr > 0);
    res = tc_post(c, REC_STATUS(hr), "csrf", c->csrf, "revision", rev_text(hr), "status", "acknowledged", "note", script, NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, base);
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "<script>alert");
    CHECK(count(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 4);   /* subject, findings, agency, event note */
    CHECK_CONTAINS(res->body, "=HYPERLINK(&quot;http://evil.example&quot;");
    CHECK_NOT_CONTAINS(res->body, "HYPERLINK(\"http");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/giam-sat", city, 0));
    CHECK_NOT_CONTAINS(res->body, "<script>alert");
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    TClient *anon = tc_new(&srv);
    res = tc_get(anon, "/giam-sat");
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "<script>alert");
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK_NOT_CONTAINS(res->body, "HYPERLINK(\"http");
    tc_free(anon);
    tc_free(c);
}

TEST(test_two_people_same_recommendation)
{
    int64_t rid = rec_of(ag_xd, "issued");
    CHECK(rid > 0);
    TClient *c = signed_in("tp.bientap");
    TClient *ag = signed_in("ag.xaydung");
    /* both open their page at the same revision */
    TResp *res = tc_get(ag, url("/quan-tri/co-quan/kien-nghi-giam-sat/%lld", rid, 0));
    CHECK_INT(res->status, 200);
    char *seen = tc_input_value(res->body, "revision");
    CHECK(seen != NULL);
    res = tc_post(c, REC_STATUS(rid), "csrf", c->csrf, "revision", seen ? seen : "0", "status", "acknowledged",
                  "note", "Văn phòng ghi nhận thay cơ quan", NULL);
    CHECK_INT(res->status, 303);
    int64_t before = footprint();
    res = tc_post(ag, AGENCY_STATUS(rid), "csrf", ag->csrf, "revision", seen ? seen : "0", "status", "acknowledged",
                  "note", "Sở đã giao Phòng Quy hoạch <b>chủ trì</b>, hạn 15/12", NULL);
    CHECK_INT(res->status, 409);
    CHECK_CONTAINS(res->body, "vừa được tp.bientap cập nhật lúc");
    CHECK_CONTAINS(res->body, "Sở đã giao Phòng Quy hoạch &lt;b&gt;chủ trì&lt;/b&gt;, hạn 15/12</textarea>");
    CHECK_INT(footprint(), before);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1 AND note LIKE ?2", "lt",
                     rid, "Sở đã giao%"), 0);
    /* the staff side too: a stale check */
    res = tc_post(c, REC_STATUS(rid), "csrf", c->csrf, "revision", seen ? seen : "0", "status", "in_progress", "note",
                  "Ghi chú cũ", NULL);
    CHECK_INT(res->status, 409);
    CHECK_CONTAINS(res->body, "Ghi chú cũ</textarea>");
    CHECK_STR(status_of(rid), "acknowledged");
    free(seen);
    tc_free(ag);
    tc_free(c);
}

static int setup(void)
{
    db = ts_db(&srv);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    char err[512] = "";
    if (supervision_demo_load(db, NOW, err, sizeof err) != 0) {
        fprintf(stderr, "http_supervision: demo: %s\n", err);
        return -1;
    }
    sup = db_int(db, 0, "SELECT id FROM supervisions WHERE is_sample = 1 AND council_id = ?1", "l", city);
    ag_xd = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = 'Sở Xây dựng'", "l", city);
    ag_tc = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = 'Sở Tài chính'", "l", city);
    if (city <= 0 || ba_dinh <= 0 || sup <= 0 || ag_xd <= 0 || ag_tc <= 0) {
        fprintf(stderr, "http_supervision: demo ids missing\n");
        return -1;
    }
    const char *e = NULL;
    if (auth_agency_user_add(db, "ag.xaydung", "Sở Xây dựng", ag_xd, STAFF_PASSWORD, NOW, &e) != 0
        || auth_agency_user_add(db, "ag.taichinh", "Sở Tài chính", ag_tc, STAFF_PASSWORD, NOW, &e) != 0) {
        fprintf(stderr, "http_supervision: agency accounts: %s\n", e ? e : "?");
        return -1;
    }
    int rc = ts_council_staff(&srv, STAFF_PASSWORD);
    rc |= ts_clock_set(&srv, NOW);
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_supervision";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_supervision: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_supervision: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_staff_sees_the_demo);
    RUN(test_scope);
    RUN(test_agency_sees_only_its_own);
    RUN(test_life_through_the_forms);
    RUN(test_hostile_text_and_csrf);
    RUN(test_two_people_same_recommendation);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
