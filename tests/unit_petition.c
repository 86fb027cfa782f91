/* unit_petition.c - voters' petitions (petition.c, petition_report.c;
 * issue 10):
 *   - tracking codes: format, 80 random bits (no repeats in 2,000),
 *     normalising what a citizen types, refusing what cannot be a code;
 *   - the writers' refusals write nothing: a deadline before the forwarding
 *     day, forwarding before classifying, an answer twice, a stale
 *     revision, a roadmap answer without its date, an answer dated before
 *     the forwarding, merging into itself or across councils;
 *   - the whole life of a petition leaves one event per step; overdue is
 *     computed from the day given (injected, never the clock);
 *   - merging keeps every voter meeting; erasure blanks the sender and
 *     leaves the name nowhere: not in the row, the search key, the trail,
 *     nor a backup taken afterwards (SQLite: secure_delete); the retention
 *     sweep erases only what is old enough;
 *   - the demo: a few hundred petitions in every state, and the
 *     pre-session report of every council and session equal to the same
 *     figures counted independently here from the raw rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "petition.h"
#include "petition_report.h"
#include "report.h"
#include "t.h"
#include "vn.h"

static Db *db;
static char dir[200];
static int64_t city, ward;
static User staff = {0, "kiemthu", "Kiểm thử", ROLE_EDITOR, 0, 0};

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return vn_day_start(t);
}

static int64_t rows(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM petitions) + (SELECT COUNT(*) FROM petition_events) + "
                          "(SELECT COALESCE(SUM(revision), 0) FROM petitions) + (SELECT COUNT(*) FROM petition_meetings)", "");
}

static int64_t new_petition(const char *text, const char *field, const char *name)
{
    PetitionIn in = {0};
    in.council_id = city;
    in.text = text;
    in.field_code = field;
    in.channel = "letter";
    in.received_on = day("2026-09-01");
    in.sender_name = name;
    in.sender_contact = name ? "0912 345 678" : NULL;
    int64_t id = 0;
    char err[300];
    if (petition_create(db, &in, &staff, day("2026-09-01") + 3600, &id, NULL, err, sizeof err) != 0) {
        fprintf(stderr, "  create: %s\n", err);
        return 0;
    }
    return id;
}

static int64_t agency(const char *name)
{
    int64_t id = db_int(db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", city, name);
    char err[300];
    if (id <= 0 && agency_create(db, city, name, "city", 0, &id, err, sizeof err) != 0) fprintf(stderr, "  agency: %s\n", err);
    return id;
}

TEST(test_codes)
{
    static char seen[2000][PETITION_CODE_SIZE];
    for (int i = 0; i < 2000; i++) {
        petition_new_code(seen[i]);
        CHECK_INT(strlen(seen[i]), 22);
        CHECK(!strncmp(seen[i], "KN-", 3));
        for (const char *p = seen[i] + 3; *p; p++) CHECK(*p == '-' || strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ", *p));
        for (int j = 0; j < i; j++) CHECK(strcmp(seen[i], seen[j]) != 0);
    }
    char code[PETITION_CODE_SIZE];
    CHECK_INT(petition_code_normalise("kn 7f3k 0a1b c9zz 4mnp", code), 0);
    CHECK_STR(code, "KN-7F3K-0A1B-C9ZZ-4MNP");
    CHECK_INT(petition_code_normalise("KN-7F3K-OA1B-C9ZZ-4MNP", code), 0);   /* O read as 0 */
    CHECK_STR(code, "KN-7F3K-0A1B-C9ZZ-4MNP");
    CHECK_INT(petition_code_normalise("7f3k0a1bc9zz4mnp", code), 0);
    static const char *const bad[] = {"", "KN-", "KN-7F3K-0A1B-C9ZZ", "KN-7F3K-0A1B-C9ZZ-4MNPX", "KN-7F3K-0A1B-C9ZZ-4MNU",
                                      "' OR 1=1 --", "KN-7F3K-0A1B-C9ZZ-4MN%"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) CHECK_INT(petition_code_normalise(bad[i], code), -1);
}

TEST(test_writers_refuse)
{
    char err[512];
    int64_t g = agency("Sở Kiểm thử");
    int64_t id = new_petition("Đề nghị sửa đường <script>alert(1)</script> =HYPERLINK(\"x\")", NULL, NULL);
    CHECK(id > 0);
    int64_t before = rows();
    /* forwarding before classifying */
    CHECK_INT(petition_forward(db, id, g, day("2026-09-05"), day("2026-10-05"), &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "phân loại");
    CHECK_INT(petition_classify(db, id, "khong-co", "city", g, &staff, 1, err, sizeof err), -1);
    CHECK_INT(petition_classify(db, id, "giao-thong", "tinh", g, &staff, 1, err, sizeof err), -1);
    CHECK_INT(rows(), before);
    CHECK_INT(petition_classify(db, id, "giao-thong", "city", g, &staff, 1, err, sizeof err), 0);
    before = rows();
    /* a deadline before the forwarding day */
    CHECK_INT(petition_forward(db, id, g, day("2026-09-05"), day("2026-09-04"), &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không được trước ngày chuyển");
    CHECK_INT(petition_forward(db, id, 999999, day("2026-09-05"), day("2026-10-05"), &staff, 1, err, sizeof err), -1);
    CHECK_INT(petition_forward(db, id, g, day("2026-08-31"), day("2026-10-05"), &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "trước ngày tiếp nhận");
    CHECK_INT(rows(), before);
    /* answering what is not forwarded */
    CHECK_INT(petition_answer(db, id, "resolved", "Xong.", 0, day("2026-09-10"), 0, &staff, 1, err, sizeof err), -1);
    CHECK_INT(petition_forward(db, id, g, day("2026-09-05"), day("2026-10-05"), &staff, 1, err, sizeof err), 0);
    before = rows();
    CHECK_INT(petition_answer(db, id, "scheduled", "Có lộ trình.", 0, day("2026-09-10"), 0, &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "ngày dự kiến");
    CHECK_INT(petition_answer(db, id, "resolved", "Xong.", 0, day("2026-09-01"), 0, &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "trước ngày chuyển");
    CHECK_INT(petition_answer(db, id, "done", "Xong.", 0, day("2026-09-10"), 0, &staff, 1, err, sizeof err), -1);
    CHECK_INT(petition_answer(db, id, "resolved", "   ", 0, day("2026-09-10"), 0, &staff, 1, err, sizeof err), -1);
    int rev = (int)db_int(db, 0, "SELECT revision FROM petitions WHERE id = ?1", "l", id);
    CHECK_INT(petition_answer(db, id, "resolved", "Xong.", 0, day("2026-09-10"), rev - 1, &staff, 1, err, sizeof err), -1);
    CHECK_CONTAINS(err, "người khác cập nhật");
    CHECK_INT(rows(), before);
    /* the answer, then a second one */
    CHECK_INT(petition_answer(db, id, "resolved", "Đã sửa xong mặt đường.", 0, day("2026-09-10"), rev, &staff, 2, err, sizeof err), 0);
    before = rows();
    CHECK_INT(petition_answer(db, id, "answered_explained", "Lần hai.", 0, day("2026-09-11"), 0, &staff, 3, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không trả lời lần hai");
    CHECK_INT(petition_classify(db, id, "dat-dai", "city", g, &staff, 3, err, sizeof err), -1);
    CHECK_INT(petition_report_to_voters(db, id, day("2026-09-09"), &staff, 3, err, sizeof err), -1);   /* before the answer */
    CHECK_INT(petition_merge(db, id, id, &staff, 3, err, sizeof err), -1);
    CHECK_INT(rows(), before);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT answer_text FROM petitions WHERE id = ?1", "l", id), "Đã sửa xong mặt đường.");
    arena_free(a);
    /* merging across councils */
    PetitionIn in = {0};
    in.council_id = ward;
    in.text = "Kiến nghị của phường";
    in.channel = "front";
    in.received_on = day("2026-09-01");
    int64_t other = 0;
    CHECK_INT(petition_create(db, &in, &staff, 1, &other, NULL, err, sizeof err), 0);
    int64_t fresh = new_petition("Kiến nghị khác", NULL, NULL);
    before = rows();
    CHECK_INT(petition_merge(db, fresh, other, &staff, 3, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cùng một Hội đồng");
    CHECK_INT(rows(), before);
    /* bad input to create */
    in.council_id = city;
    in.channel = "meeting";   /* without a meeting */
    CHECK_INT(petition_create(db, &in, &staff, 1, NULL, NULL, err, sizeof err), -1);
    in.channel = "online";
    in.text = "\xff\xfe không phải UTF-8";
    CHECK_INT(petition_create(db, &in, &staff, 1, NULL, NULL, err, sizeof err), -1);
    CHECK_INT(rows(), before);
}

TEST(test_flow_and_trail)
{
    char err[512];
    int64_t g = agency("Sở Xây dựng");
    int64_t id = new_petition("Đề nghị lắp đèn tín hiệu giao thông", "giao-thong", NULL);
    CHECK(id > 0);
    CHECK_INT(petition_classify(db, id, "giao-thong", "city", g, &staff, 10, err, sizeof err), 0);
    CHECK_INT(petition_forward(db, id, g, day("2026-09-05"), day("2026-10-05"), &staff, 11, err, sizeof err), 0);
    Arena *a = arena_new();
    char *status = db_text(db, a, "SELECT status FROM petitions WHERE id = ?1", "l", id);
    int64_t dl = db_int(db, 0, "SELECT deadline FROM petitions WHERE id = ?1", "l", id);
    CHECK_INT(petition_overdue(status, dl, day("2026-10-05")), 0);   /* on the deadline: still in time */
    CHECK_INT(petition_overdue(status, dl, day("2026-10-06")), 1);
    User ag = {0, "ubnd.kiemthu", "Cơ quan", ROLE_AGENCY, 0, g};
    CHECK_INT(petition_take_up(db, id, &ag, 12, err, sizeof err), 0);
    CHECK_INT(petition_take_up(db, id, &ag, 12, err, sizeof err), -1);
    CHECK_INT(petition_answer(db, id, "scheduled", "Đưa vào kế hoạch năm 2027.", day("2027-06-30"), day("2026-10-01"), 0, &ag, 13,
                              err, sizeof err), 0);
    status = db_text(db, a, "SELECT status FROM petitions WHERE id = ?1", "l", id);
    CHECK_INT(petition_overdue(status, dl, day("2026-12-01")), 0);   /* answered: never overdue again */
    CHECK_INT(petition_publish(db, id, 1, &staff, 14, err, sizeof err), 0);
    CHECK_INT(petition_report_to_voters(db, id, day("2026-11-15"), &staff, 15, err, sizeof err), 0);
    CHECK_INT(petition_report_to_voters(db, id, day("2026-11-16"), &staff, 15, err, sizeof err), -1);
    /* one event per step, in order, the agency's step carrying its agency */
    static const char *const want[] = {"received", "classified", "forwarded", "taken_up", "answered", "published", "reported"};
    Stmt *st = db_prepare(db, "SELECT action, COALESCE(agency_id, 0), username FROM petition_events WHERE petition_id = ?1 ORDER BY id");
    db_bind_int(st, 1, id);
    int n = 0;
    while (db_step(st) == DB_ROW) {
        if (n < 7) CHECK_STR(db_col_text(st, 0), want[n]);
        if (n == 3 || n == 4) CHECK_INT(db_col_int(st, 1), g);
        if (n == 3) CHECK_STR(db_col_text(st, 2), "ubnd.kiemthu");
        n++;
    }
    db_done(st);
    CHECK_INT(n, 7);
    arena_free(a);
}

TEST(test_merge_keeps_meetings)
{
    char err[512];
    int64_t m1 = db_int(db, 0, "SELECT id FROM voter_meetings WHERE council_id = ?1 ORDER BY id LIMIT 1", "l", city);
    int64_t m2 = db_int(db, 0, "SELECT id FROM voter_meetings WHERE council_id = ?1 ORDER BY id DESC LIMIT 1", "l", city);
    CHECK(m1 > 0 && m2 > 0 && m1 != m2);
    PetitionIn in = {0};
    in.council_id = city;
    in.text = "Đề nghị nạo vét mương";
    in.channel = "meeting";
    in.received_on = day("2026-11-12");
    in.meeting_id = m1;
    int64_t keep = 0, dup = 0;
    CHECK_INT(petition_create(db, &in, &staff, 1, &keep, NULL, err, sizeof err), 0);
    in.meeting_id = m2;
    CHECK_INT(petition_create(db, &in, &staff, 1, &dup, NULL, err, sizeof err), 0);
    CHECK_INT(petition_merge(db, dup, keep, &staff, 2, err, sizeof err), 0);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM petition_meetings WHERE petition_id = ?1", "l", keep), 2);
    CHECK_INT(db_int(db, 0, "SELECT merged_into FROM petitions WHERE id = ?1", "l", dup), keep);
    CHECK_INT(petition_merge(db, keep, dup, &staff, 3, err, sizeof err), -1);   /* into a merged one */
    CHECK_INT(petition_classify(db, dup, "moi-truong", "city", 0, &staff, 3, err, sizeof err), -1);
}

/* 1 when the file at path contains needle. */
static int file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t n = strlen(needle), cap = 1 << 20, len = 0;
    char *buf = malloc(cap);
    size_t got;
    int found = 0;
    while ((got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) { cap *= 2; buf = realloc(buf, cap); }
    }
    fclose(f);
    for (size_t i = 0; i + n <= len && !found; i++) found = !memcmp(buf + i, needle, n);
    free(buf);
    return found;
}

TEST(test_erasure)
{
    char err[512];
    const char *name = "Trương Thị Bímật Xyzzy";
    int64_t id = new_petition("Đề nghị sửa cống thoát nước trước nhà", "moi-truong", name);
    CHECK(id > 0);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT sender_name FROM petitions WHERE id = ?1", "l", id), name);
    CHECK_INT(petition_erase(db, id, "theo yêu cầu", &staff, 100, err, sizeof err), 0);
    CHECK_INT(petition_erase(db, id, "lần hai", &staff, 101, err, sizeof err), 0);   /* idempotent, no second event */
    CHECK(db_text(db, a, "SELECT sender_name FROM petitions WHERE id = ?1", "l", id) == NULL);
    CHECK(db_text(db, a, "SELECT sender_contact FROM petitions WHERE id = ?1", "l", id) == NULL);
    CHECK_INT(db_int(db, 0, "SELECT erased_at FROM petitions WHERE id = ?1", "l", id), 100);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM petition_events WHERE petition_id = ?1 AND action = 'erased'", "l", id), 1);
    /* the name is nowhere in the database's rows: search key, trail, audit */
    const char *fold = vn_fold_a(a, "Xyzzy");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM petitions WHERE text_fold LIKE ?1 OR text LIKE ?2", "tt",
                     arena_printf(a, "%%%s%%", fold), "%Xyzzy%"), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM petition_events WHERE note LIKE '%Xyzzy%'", ""), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Xyzzy%'", ""), 0);
    if (t_pg()) {
        /* pg_dump writes live rows only; the SQLite file test below is about free pages */
        T_SKIP(test_erasure_backup, "the backup-file check is for SQLite (PostgreSQL: pg_dump dumps live rows)");
    } else {
        char copy[300];
        snprintf(copy, sizeof copy, "%s/after-erasure.db", dir);
        CHECK_INT(db_backup(db, copy, err, sizeof err), 0);
        CHECK_INT(file_has(copy, "Xyzzy"), 0);
        CHECK_INT(file_has(copy, "0912 345 678"), 0);
    }
    arena_free(a);
}

TEST(test_retention_sweep)
{
    char err[512];
    int64_t g = agency("Sở Xây dựng");
    int64_t old = new_petition("Kiến nghị cũ", "giao-thong", "Người Cũ");
    int64_t recent = new_petition("Kiến nghị mới", "giao-thong", "Người Mới");
    int64_t open = new_petition("Kiến nghị đang xử lý", "giao-thong", "Người Chờ");
    int64_t ids[] = {old, recent};
    int64_t answered_on[] = {day("2025-01-10"), day("2026-11-01")};
    for (int i = 0; i < 2; i++) {
        db_exec(db, "UPDATE petitions SET received_on = ?2 WHERE id = ?1", "ll", ids[i], answered_on[i] - 20 * 86400);
        CHECK_INT(petition_classify(db, ids[i], "giao-thong", "city", g, &staff, 1, err, sizeof err), 0);
        CHECK_INT(petition_forward(db, ids[i], g, answered_on[i] - 10 * 86400, answered_on[i], &staff, 1, err, sizeof err), 0);
        CHECK_INT(petition_answer(db, ids[i], "resolved", "Xong.", 0, answered_on[i], 0, &staff, 1, err, sizeof err), 0);
    }
    int64_t n = petition_retention_sweep(db, day("2026-12-01"), 365);
    CHECK(n >= 1);
    CHECK(db_int(db, 0, "SELECT erased_at IS NOT NULL FROM petitions WHERE id = ?1", "l", old) == 1);
    CHECK(db_int(db, 0, "SELECT erased_at IS NULL FROM petitions WHERE id = ?1", "l", recent) == 1);
    CHECK(db_int(db, 0, "SELECT erased_at IS NULL FROM petitions WHERE id = ?1", "l", open) == 1);
    CHECK_INT(petition_retention_sweep(db, day("2026-12-01"), 0), 0);   /* 0 days = retention off */
}

/* The report's figures counted again from the raw rows, another way. */
static void check_report(int64_t council, int64_t session, int64_t today)
{
    PetitionReport rep;
    Arena *a = arena_new();
    CHECK_INT(petition_report(db, a, council, session, today, &rep), 0);
    int64_t received = 0, forwarded = 0, answered = 0, on_time = 0, late = 0, overdue = 0, open = 0, merged = 0, carried = 0;
    int64_t days[2000];
    int nd = 0;
    Stmt *st = db_prepare(db, "SELECT status, forwarded_on, deadline, answered_on, carried_over FROM petitions "
                              "WHERE council_id = ?1 AND session_id = ?2");
    db_bindf(st, "ll", council, session);
    while (db_step(st) == DB_ROW) {
        const char *s = db_col_text(st, 0);
        if (!strcmp(s, "merged")) { merged++; continue; }
        received++;
        int has_fwd = !db_col_is_null(st, 1), has_ans = !db_col_is_null(st, 3);
        forwarded += has_fwd;
        carried += db_col_int(st, 4) != 0;
        if (has_ans) {
            answered++;
            if (db_col_int(st, 3) <= db_col_int(st, 2)) on_time++;
            else late++;
            if (nd < 2000) days[nd++] = (db_col_int(st, 3) - db_col_int(st, 1)) / 86400;
        } else if (has_fwd) {
            if (db_col_int(st, 2) < today) overdue++;
            else open++;
        }
    }
    db_done(st);
    CHECK_INT(rep.total.received, received);
    CHECK_INT(rep.total.forwarded, forwarded);
    CHECK_INT(rep.total.not_forwarded, received - forwarded);
    CHECK_INT(rep.total.answered, answered);
    CHECK_INT(rep.total.on_time, on_time);
    CHECK_INT(rep.total.late, late);
    CHECK_INT(rep.total.open_overdue, overdue);
    CHECK_INT(rep.total.open_in_time, open);
    CHECK_INT(rep.total.carried_over, carried);
    CHECK_INT(rep.merged, merged);
    /* the median by counting: the values with at most half below and above */
    if (nd > 0) {
        CHECK(rep.total.has_median);
        int below = 0, above = 0;
        for (int i = 0; i < nd; i++) {
            below += days[i] < rep.total.median_days;
            above += days[i] > rep.total.median_days;
        }
        CHECK(below <= nd / 2 && above <= nd / 2);
    } else {
        CHECK(!rep.total.has_median);
    }
    /* the groups add up to the total */
    int64_t sf = 0, sa = 0;
    for (int i = 0; i < rep.nfield; i++) sf += rep.by_field[i].c.received;
    for (int i = 0; i < rep.nagency; i++) sa += rep.by_agency[i].c.received;
    CHECK_INT(sf, received);
    CHECK_INT(sa, received);
    arena_free(a);
}

TEST(test_demo_and_report)
{
    int64_t n = db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE is_sample = 1", "");
    CHECK(n >= 250 && n <= 600);
    static const char *const statuses[] = {"received", "classified", "forwarded", "in_progress", "resolved",
                                           "answered_explained", "scheduled", "reported_to_voters", "merged"};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE is_sample = 1 AND status = ?1", "t", statuses[i]) == 0) {
            fprintf(stderr, "  no demo petition is %s\n", statuses[i]);
            CHECK(0);
        }
    CHECK(db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE is_sample = 1 AND carried_over = 1", "") > 0);
    CHECK(db_int(db, 0, "SELECT COUNT(*) FROM petitions WHERE is_sample = 1 AND re_raised = 1", "") > 0);
    /* every petition has its trail, starting with "received" */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM petitions p WHERE is_sample = 1 AND NOT EXISTS (SELECT 1 FROM "
                             "petition_events e WHERE e.petition_id = p.id AND e.action = 'received')", ""), 0);
    /* voter meetings before the sessions, each with delegates present */
    CHECK(db_int(db, 0, "SELECT COUNT(*) FROM voter_meetings WHERE is_sample = 1 AND timing = 'before'", "") >= 16);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM voter_meetings m WHERE is_sample = 1 AND NOT EXISTS (SELECT 1 FROM "
                             "voter_meeting_delegates d WHERE d.meeting_id = m.id)", ""), 0);
    /* the report of every council and session, on two days */
    Stmt *st = db_prepare(db, "SELECT council_id, id FROM council_sessions ORDER BY id");
    int64_t pairs[64][2];
    int np = 0;
    while (db_step(st) == DB_ROW && np < 64) pairs[np][0] = db_col_int(st, 0), pairs[np][1] = db_col_int(st, 1), np++;
    db_done(st);
    CHECK(np >= 9);
    for (int i = 0; i < np; i++) {
        check_report(pairs[i][0], pairs[i][1], day("2026-12-07"));
        check_report(pairs[i][0], pairs[i][1], day("2027-04-01"));
    }
    /* the figures pre-fill report templates: counted here over the whole table */
    double v = -1;
    CHECK_INT(report_prefill(db, ward, "petitions_received", day("2026-12-31"), &v), 0);
    CHECK_INT((int64_t)v, db_int(db, -1, "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND status <> 'merged'", "l", ward));
    CHECK(v > 0);
    CHECK_INT(report_prefill(db, ward, "petitions_answered", day("2026-12-31"), &v), 0);
    CHECK_INT((int64_t)v, db_int(db, -1, "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND answered_on IS NOT NULL", "l", ward));
    CHECK_INT(report_prefill(db, ward, "voter_meetings", day("2026-06-30"), &v), 0);
    CHECK_INT((int64_t)v, db_int(db, -1, "SELECT COUNT(*) FROM voter_meetings WHERE council_id = ?1 AND held_on <= ?2", "ll", ward,
                                 day("2026-06-30")));
    /* a session of another council is refused */
    PetitionReport rep;
    Arena *a = arena_new();
    int64_t s_city = db_int(db, 0, "SELECT id FROM council_sessions WHERE council_id = ?1 LIMIT 1", "l", city);
    CHECK_INT(petition_report(db, a, ward, s_city, day("2026-12-07"), &rep), 1);
    arena_free(a);
}

int main(void)
{
    t_prog = "unit_petition";
    snprintf(dir, sizeof dir, "/tmp/hd-unit-petition-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    if (demo_load(db, files, day("2026-12-07") + 12 * 3600, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    city = db_int(db, 0, "SELECT id FROM councils WHERE level = 'province' AND valid_to IS NULL", "");
    ward = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = 'phuong-ba-dinh'"
                         " AND c.valid_to IS NULL", "");
    RUN(test_demo_and_report);   /* first: the demo as loaded */
    RUN(test_codes);
    RUN(test_writers_refuse);
    RUN(test_flow_and_trail);
    RUN(test_merge_keeps_meetings);
    RUN(test_erasure);
    RUN(test_retention_sweep);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
