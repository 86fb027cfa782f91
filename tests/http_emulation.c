/* http_emulation.c - the emulation ranking through the real binary with
 * demo content (issue 9 item 4):
 *   - the city's staff see the live ranking of the 126 communes: criteria,
 *     points, missing figures marked, ties sharing a rank;
 *   - a manual score needs a reason and stays within the criterion's
 *     points; an automatic criterion cannot be scored by hand; the typed
 *     values come back;
 *   - approval freezes the table (later data changes nothing) and publishes
 *     it; after it no score can change and it cannot be approved again;
 *   - the ranking is consistent: a better total never ranks lower, equal
 *     totals share a rank;
 *   - scope: a commune cannot open, score or approve the city's round. */
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
static Db *db;
static int64_t city, ba_dinh, round_id, manual, automatic;

static const char *url(const char *fmt, int64_t a, int64_t b)
{
    static char buf[6][240];
    static int i;
    i = (i + 1) % 6;
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
        fprintf(stderr, "http_emulation: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

TEST(test_live_ranking_and_manual_scores)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/bao-cao", city, 0));
    CHECK_CONTAINS(res->body, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld\"", city, round_id));
    const char *page = url("/quan-tri/hoi-dong/%lld/thi-dua/%lld", city, round_id);
    res = tc_get(c, page);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Xếp hạng 126 Hội đồng nhân dân");
    CHECK_CONTAINS(res->body, "Tỷ lệ kiến nghị cử tri đã được trả lời</strong>: 20 điểm");
    CHECK_CONTAINS(res->body, "<span class=\"meta\">thiếu</span>");
    CHECK_CONTAINS(res->body, "chưa phê duyệt");
    const char *score = url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/diem", city, round_id);
    int64_t before = db_int(db, -1, "SELECT COUNT(*) FROM emulation_manual", "");
    res = tc_post(c, score, "csrf", c->csrf, "criterion", num(manual), "council", num(ba_dinh), "score", "11",
                  "reason", "Quá điểm", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Điểm phải từ 0 đến 10");
    CHECK_CONTAINS(res->body, "Quá điểm");
    res = tc_post(c, score, "csrf", c->csrf, "criterion", num(manual), "council", num(ba_dinh), "score", "7,5",
                  "reason", "", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "cần ghi lý do");
    res = tc_post(c, score, "csrf", c->csrf, "criterion", num(automatic), "council", num(ba_dinh), "score", "5",
                  "reason", "Không được", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "chấm tự động");
    res = tc_post(c, score, "csrf", c->csrf, "criterion", num(manual), "council", num(city), "score", "5",
                  "reason", "Không thuộc", NULL);
    CHECK_INT(res->status, 400);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_manual", ""), before);
    res = tc_post(c, score, "csrf", c->csrf, "criterion", num(manual), "council", num(ba_dinh), "score", "7,5",
                  "reason", "Hoàn thành sơ kết năm sớm.", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT CAST(score * 10 AS INTEGER) FROM emulation_manual WHERE criterion_id = ?1"
                             " AND council_id = ?2", "ll", manual, ba_dinh), 75);
    res = tc_get(c, page);
    CHECK_CONTAINS(res->body, "title=\"Hoàn thành sơ kết năm sớm.\"");
    tc_free(c);
}

TEST(test_scope)
{
    TClient *c = signed_in("bd.bientap");
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld", city, round_id));
    CHECK_INT(res->status, 403);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/phe-duyet", city, round_id), "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 403);
    /* through its own URL the round is not found */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld", ba_dinh, round_id));
    CHECK_INT(res->status, 404);
    tc_free(c);
    TClient *rv = signed_in("tp.xemxet");
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld", city, round_id));
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Phê duyệt và công bố</button>");
    res = tc_post(rv, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/phe-duyet", city, round_id), "csrf", rv->csrf, NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_results", ""), 0);
    /* not published yet */
    TClient *pub = tc_new(&srv);
    res = tc_get(pub, url("/thi-dua/%lld", round_id, 0));
    CHECK_INT(res->status, 404);
    tc_free(pub);
}

TEST(test_approve_freezes_and_publishes)
{
    TClient *c = signed_in("tp.bientap");
    TResp *res = tc_post(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/phe-duyet", city, round_id), "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_results WHERE round_id = ?1", "l", round_id), 126);
    /* consistent ranks: a better total never ranks lower; equal totals share the rank */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_results a JOIN emulation_results b ON b.round_id = a.round_id"
                             " WHERE a.round_id = ?1 AND a.total > b.total AND a.rank >= b.rank", "l", round_id), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM emulation_results a JOIN emulation_results b ON b.round_id = a.round_id"
                             " WHERE a.round_id = ?1 AND a.total = b.total AND a.rank <> b.rank", "l", round_id), 0);
    CHECK_INT(db_int(db, -1, "SELECT MIN(rank) FROM emulation_results WHERE round_id = ?1", "l", round_id), 1);
    TClient *pub = tc_new(&srv);
    const char *pubpage = url("/thi-dua/%lld", round_id, 0);
    res = tc_get(pub, pubpage);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Kết quả đã được phê duyệt");
    CHECK_CONTAINS(res->body, "Hội đồng nhân dân phường Ba Đình");
    CHECK_NOT_CONTAINS(res->body, "Phê duyệt và công bố</button>");
    char *frozen = strdup(res->body);
    res = tc_get(pub, "/thi-dua");
    CHECK_CONTAINS(res->body, pubpage);
    /* later data changes nothing in the approved table */
    CHECK_INT(db_exec(db, "UPDATE report_values SET num = num + 50 WHERE field_id IN (SELECT id FROM report_fields"
                          " WHERE code = 'so_giam_sat')", ""), DB_OK);
    CHECK_INT(db_exec(db, "UPDATE settings SET value = value WHERE key = 'site_name'", ""), DB_OK);
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/diem", city, round_id), "csrf", c->csrf,
                  "criterion", num(manual), "council", num(ba_dinh), "score", "1", "reason", "Đổi sau", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "đã được phê duyệt");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/thi-dua/%lld/phe-duyet", city, round_id), "csrf", c->csrf, NULL);
    CHECK_INT(res->status, 400);
    res = tc_get(pub, pubpage);
    CHECK_INT(res->status, 200);
    CHECK_STR(res->body, frozen);
    free(frozen);
    tc_free(pub);
    tc_free(c);
}

static int setup(void)
{
    db = ts_db(&srv);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    round_id = db_int(db, 0, "SELECT id FROM emulation_rounds ORDER BY id LIMIT 1", "");
    manual = db_int(db, 0, "SELECT id FROM emulation_criteria WHERE round_id = ?1 AND rule = 'manual'", "l", round_id);
    automatic = db_int(db, 0, "SELECT id FROM emulation_criteria WHERE round_id = ?1 AND rule = 'report_ratio'", "l", round_id);
    if (city <= 0 || ba_dinh <= 0 || round_id <= 0 || manual <= 0 || automatic <= 0) {
        fprintf(stderr, "http_emulation: demo ids missing\n");
        return -1;
    }
    int rc = ts_council_staff(&srv, STAFF_PASSWORD);
    rc |= ts_clock_set(&srv, 1796443200);
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_emulation";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_emulation: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_emulation: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_live_ranking_and_manual_scores);
    RUN(test_scope);
    RUN(test_approve_freezes_and_publishes);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
