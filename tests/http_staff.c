/* http_staff.c - staff who work only on their own council (issue 8 item
 * 5), against the real binary with demo content:
 *   - a commune's editor lists and edits its own council only: another
 *     commune's page and forms answer 403 and write nothing, even with a
 *     valid CSRF token; the portal's own administration is closed to it;
 *   - the ids in a form must belong to the council of the URL (a term or
 *     delegate of another council: 403, nothing written);
 *   - the city office's editor reaches every commune;
 *   - a reviewer reads and never writes;
 *   - every accepted write leaves an audit row naming council and unit;
 *   - a refused write (bad date, a second Chủ tịch) answers 400 with a
 *     Vietnamese reason and the typed values, and writes nothing;
 *   - the user form creates an account for a council and refuses an
 *     unknown one with the typed values kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "db.h"
#include "log.h"
#include "t.h"
#include "tclient.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"

static TServer srv;
static Db *db;            /* the server's database, for ids and checks */
static int64_t city, ba_dinh, other, bd_term, other_term, bd_standing, bd_delegate, other_delegate, bd_unit;

static int64_t q(const char *sql, int64_t a)
{
    return db_int(db, -1, sql, "l", a);
}

static int64_t delegates_of(int64_t council)
{
    return q("SELECT COUNT(*) FROM delegates d JOIN council_terms t ON t.id = d.term_id WHERE t.council_id = ?1",
             council);
}

static int64_t writes(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM delegates) + (SELECT COUNT(*) FROM council_memberships)"
                          " + (SELECT COUNT(*) FROM council_changes) + (SELECT COUNT(*) FROM persons)"
                          " + (SELECT COUNT(*) FROM audit_log WHERE council_id IS NOT NULL)", "");
}

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[4][200];
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

static TClient *signed_in(const char *user)
{
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, STAFF_PASSWORD) != 0) {
        fprintf(stderr, "http_staff: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

TEST(test_commune_editor_own_council_only)
{
    TClient *c = signed_in("bd.bientap");
    TResp *res = tc_get(c, "/quan-tri/hoi-dong");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    CHECK_CONTAINS(res->body, "1 Hội đồng nhân dân trong phạm vi");
    CHECK_NOT_CONTAINS(res->body, "Hội đồng nhân dân thành phố Hà Nội</a>");
    /* /quan-tri sends a council's staff to their councils */
    res = tc_get(c, "/quan-tri");
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    CHECK_STR(loc ? loc : "", "/quan-tri/hoi-dong");
    free(loc);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld", ba_dinh, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, url("action=\"/quan-tri/hoi-dong/%lld/dai-bieu\"", ba_dinh, 0));
    /* another commune, and the city above: not in scope */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld", other, 0));
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "không thuộc phạm vi công việc của tài khoản bạn");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld", city, 0));
    CHECK_INT(res->status, 403);
    /* the portal's administration is the top office's */
    res = tc_get(c, "/quan-tri/bai-viet");
    CHECK_INT(res->status, 403);
    res = tc_get(c, "/quan-tri/nguoi-dung");
    CHECK_INT(res->status, 403);
    res = tc_post(c, "/quan-tri/bai-viet/luu", "csrf", c->csrf, "title", "Không được", "body", "x", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE title = 'Không được'", ""), 0);

    /* a write to another commune, with this session's valid token: 403, nothing */
    int64_t before = writes(), other_before = delegates_of(other);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", other, 0), "csrf", c->csrf, "term", num(other_term),
                  "full_name", "Người Lạ", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu/%lld/ket-thuc", other, other_delegate), "csrf", c->csrf,
                  "day", "1/8/2026", "how", "resigned", NULL);
    CHECK_INT(res->status, 403);
    /* its own council in the URL but another council's term or delegate in the form */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "csrf", c->csrf, "term", num(other_term),
                  "full_name", "Người Lạ", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu/%lld/ket-thuc", ba_dinh, other_delegate), "csrf",
                  c->csrf, "day", "1/8/2026", "how", "resigned", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuc-vu", ba_dinh, 0), "csrf", c->csrf,
                  "delegate", num(other_delegate), "body", num(bd_standing), "position", "uy-vien-thuong-truc",
                  "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    CHECK_INT(delegates_of(other), other_before);
    CHECK_INT(q("SELECT COUNT(*) FROM delegates WHERE id = ?1 AND valid_to IS NULL", other_delegate), 1);

    /* no token: 403 and nothing written, even on its own council */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "term", num(bd_term),
                  "full_name", "Không Có Mã", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);

    /* its own council: the write lands, with an audit row naming council and unit */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "csrf", c->csrf, "term", num(bd_term),
                  "full_name", "Lê Thị Bổ Sung", "from", "1/7/2026", "how", "by_election",
                  "document", "Nghị quyết 12/NQ-HĐND", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM delegates d JOIN persons p ON p.id = d.person_id"
                             " WHERE p.full_name = 'Lê Thị Bổ Sung' AND d.term_id = ?1", "l", bd_term), 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE action = 'council.delegate_add'"
                             " AND username = 'bd.bientap' AND council_id = ?1 AND unit_id = ?2"
                             " AND detail = 'Lê Thị Bổ Sung'", "ll", ba_dinh, bd_unit), 1);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld?ok=dai-bieu", ba_dinh, 0));
    CHECK_CONTAINS(res->body, "Đã thêm đại biểu.");
    CHECK_CONTAINS(res->body, "Lê Thị Bổ Sung");
    tc_free(c);
}

TEST(test_refusals_keep_the_form)
{
    TClient *c = signed_in("bd.bientap");
    int64_t before = writes();
    TResp *res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "csrf", c->csrf,
                         "term", num(bd_term), "full_name", "Phạm Văn Ngày Sai", "from", "31/2/2026",
                         "document", "Tờ trình số 7", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Ngày bắt đầu không hợp lệ");
    CHECK_CONTAINS(res->body, "value=\"Phạm Văn Ngày Sai\"");
    CHECK_CONTAINS(res->body, "value=\"31/2/2026\"");
    CHECK_CONTAINS(res->body, "value=\"Tờ trình số 7\"");
    /* a second Chủ tịch of the Standing Committee at the same time */
    int64_t chair = db_int(db, -1, "SELECT COUNT(*) FROM council_memberships m JOIN council_positions p"
                                   " ON p.id = m.position_id WHERE m.body_id = ?1 AND p.code = 'chu-tich'"
                                   " AND m.valid_to IS NULL", "l", bd_standing);
    CHECK_INT(chair, 1);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/chuc-vu", ba_dinh, 0), "csrf", c->csrf,
                  "delegate", num(bd_delegate), "body", num(bd_standing), "position", "chu-tich",
                  "from", "2/7/2026", "document", "Nghị quyết bầu", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "trong thời gian này");
    CHECK_CONTAINS(res->body, "value=\"2/7/2026\"");
    CHECK_CONTAINS(res->body, "value=\"Nghị quyết bầu\"");
    CHECK_CONTAINS(res->body, url("<option value=\"%lld\" selected>", bd_delegate, 0));
    /* an end date that is not a date */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu/%lld/ket-thuc", ba_dinh, bd_delegate), "csrf",
                  c->csrf, "day", "hôm qua", "how", "resigned", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Ngày thôi làm đại biểu không hợp lệ");
    CHECK_INT(writes(), before);
    tc_free(c);
}

TEST(test_city_editor_reaches_communes)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, "/quan-tri/hoi-dong");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "127 Hội đồng nhân dân trong phạm vi");
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld", other, 0));
    CHECK_INT(res->status, 200);
    int64_t n = delegates_of(other);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", other, 0), "csrf", c->csrf, "term", num(other_term),
                  "full_name", "Đỗ Văn Cấp Trên", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(delegates_of(other), n + 1);
    /* still no portal administration for a council's office */
    res = tc_get(c, "/quan-tri/binh-chon");
    CHECK_INT(res->status, 403);
    tc_free(c);
}

TEST(test_reviewer_reads_only)
{
    TClient *c = signed_in("tp.xemxet");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld", ba_dinh, 0));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    CHECK_NOT_CONTAINS(res->body, "/dai-bieu\" class=\"form\"");
    CHECK_NOT_CONTAINS(res->body, "name=\"full_name\"");
    int64_t before = writes();
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "csrf", c->csrf, "term", num(bd_term),
                  "full_name", "Người Xem Xét", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/dai-bieu/%lld/ket-thuc", ba_dinh, bd_delegate), "csrf",
                  c->csrf, "day", "1/8/2026", "how", "resigned", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    res = tc_get(c, "/quan-tri/bai-viet");
    CHECK_INT(res->status, 403);
    tc_free(c);
}

TEST(test_unknown_council_and_anonymous)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, "/quan-tri/hoi-dong/999999");
    CHECK_INT(res->status, 404);
    CHECK_CONTAINS(res->body, "Không có Hội đồng nhân dân này.");
    res = tc_get(c, "/quan-tri/hoi-dong/phuong-ba-dinh");
    CHECK_INT(res->status, 404);
    res = tc_get(c, "/quan-tri/hoi-dong/0");
    CHECK_INT(res->status, 404);
    tc_free(c);
    TClient *anon = tc_new(&srv);
    res = tc_get(anon, url("/quan-tri/hoi-dong/%lld", ba_dinh, 0));
    CHECK_INT(res->status, 303);
    int64_t before = writes();
    res = tc_post(anon, url("/quan-tri/hoi-dong/%lld/dai-bieu", ba_dinh, 0), "term", num(bd_term),
                  "full_name", "Vô Danh", "from", "1/7/2026", NULL);
    CHECK_INT(res->status, 403);
    CHECK_INT(writes(), before);
    tc_free(anon);
}

TEST(test_user_form_council)
{
    TClient *c = tc_new(&srv);
    CHECK_INT(tc_login(c, "admin", TS_ADMIN_PASSWORD), 0);
    TResp *res = tc_post(c, "/quan-tri/nguoi-dung/luu", "csrf", c->csrf, "action", "create",
                         "username", "khong.co", "display_name", "Trần Văn Không", "role", "editor",
                         "council", "phuong-khong-ton-tai", "password", STAFF_PASSWORD, NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Không tìm thấy hội đồng này");
    CHECK_CONTAINS(res->body, "value=\"khong.co\"");
    CHECK_CONTAINS(res->body, "value=\"Trần Văn Không\"");
    CHECK_CONTAINS(res->body, "value=\"phuong-khong-ton-tai\"");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM users WHERE username = 'khong.co'", ""), 0);
    /* a moderator belongs to the portal's office only */
    res = tc_post(c, "/quan-tri/nguoi-dung/luu", "csrf", c->csrf, "action", "create",
                  "username", "bd.kiemduyet", "display_name", "Kiểm Duyệt", "role", "moderator",
                  "council", "phuong-ba-dinh", "password", STAFF_PASSWORD, NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Kiểm duyệt viên chỉ thuộc Văn phòng");
    res = tc_post(c, "/quan-tri/nguoi-dung/luu", "csrf", c->csrf, "action", "create",
                  "username", "bd.xemxet", "display_name", "Nguyễn Thị Xem", "role", "reviewer",
                  "council", "phuong-ba-dinh", "password", STAFF_PASSWORD, NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM users WHERE username = 'bd.xemxet' AND role = 'reviewer'"
                             " AND council_id = ?1", "l", ba_dinh), 1);
    res = tc_get(c, "/quan-tri/nguoi-dung");
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    CHECK_CONTAINS(res->body, "Người xem xét (cấp trên)");
    tc_free(c);
    /* the new account signs in and reads its council */
    TClient *rv = signed_in("bd.xemxet");
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld", ba_dinh, 0));
    CHECK_INT(res->status, 200);
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld", other, 0));
    CHECK_INT(res->status, 403);
    tc_free(rv);
}

static int setup(void)
{
    char path[400], err[200];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1"
                      " AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    other = db_int(db, 0, "SELECT c.id FROM councils c WHERE c.level = 'commune' AND c.valid_to IS NULL"
                          " AND c.id <> ?1 AND EXISTS (SELECT 1 FROM council_terms t JOIN delegates d"
                          " ON d.term_id = t.id WHERE t.council_id = c.id) ORDER BY c.id LIMIT 1", "l", ba_dinh);
    bd_unit = q("SELECT unit_id FROM councils WHERE id = ?1", ba_dinh);
    const char *term = "SELECT id FROM council_terms WHERE council_id = ?1 ORDER BY starts_on DESC LIMIT 1";
    bd_term = q(term, ba_dinh);
    other_term = q(term, other);
    bd_standing = q("SELECT id FROM council_bodies WHERE term_id = ?1 AND kind = 'standing'", bd_term);
    /* a serving delegate of Ba Đình with no position in the Standing Committee */
    bd_delegate = q("SELECT d.id FROM delegates d WHERE d.term_id = ?1 AND d.valid_to IS NULL AND NOT EXISTS"
                    " (SELECT 1 FROM council_memberships m JOIN council_bodies b ON b.id = m.body_id"
                    " WHERE m.delegate_id = d.id AND b.kind = 'standing') ORDER BY d.id LIMIT 1", bd_term);
    other_delegate = q("SELECT id FROM delegates WHERE term_id = ?1 AND valid_to IS NULL ORDER BY id LIMIT 1",
                       other_term);
    if (city <= 0 || ba_dinh <= 0 || other <= 0 || bd_term <= 0 || other_term <= 0 || bd_standing <= 0
        || bd_delegate <= 0 || other_delegate <= 0 || bd_unit <= 0) {
        fprintf(stderr, "http_staff: demo ids missing (%lld %lld %lld %lld %lld %lld %lld %lld)\n",
                (long long)city, (long long)ba_dinh, (long long)other, (long long)bd_term,
                (long long)other_term, (long long)bd_standing, (long long)bd_delegate,
                (long long)other_delegate);
        return -1;
    }
    setenv("HOIDONG_PASSWORD", STAFF_PASSWORD, 1);
    char cmd[200];
    int rc = ts_cmd(&srv, NULL, "user add bd.bientap editor 'Biên tập Ba Đình' --council phuong-ba-dinh");
    snprintf(cmd, sizeof cmd, "user add tp.bientap editor 'Biên tập Thành phố' --council %lld", (long long)city);
    rc |= ts_cmd(&srv, NULL, cmd);
    rc |= ts_cmd(&srv, NULL, "user add tp.xemxet reviewer 'Xem xét' --council thanh-pho-ha-noi");
    unsetenv("HOIDONG_PASSWORD");
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_staff";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_staff: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_staff: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_commune_editor_own_council_only);
    RUN(test_refusals_keep_the_form);
    RUN(test_city_editor_reaches_communes);
    RUN(test_reviewer_reads_only);
    RUN(test_unknown_council_and_anonymous);
    RUN(test_user_form_council);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
