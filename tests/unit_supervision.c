/* unit_supervision.c - supervisions and recommendations (supervision.c;
 * issue 10 item 4): every recommendation move legal or refused (with
 * nothing written on a refusal), "verified" only through a re-check, a
 * re-check that does not confirm, the deadline before the issue day, the
 * overdue rule on injected days, the events, the revision conflict, the
 * supervision's own forward-only status, and the demo's states. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "log.h"
#include "petition.h"
#include "supervision.h"
#include "supervision_demo.h"
#include "t.h"
#include "vn.h"

#define DAY 86400

static Db *db;
static char dir[200];
static int64_t city, ward, sup, agency, agency2;
static const User staff = {.id = 1, .username = "tp.bientap", .display_name = "x", .role = ROLE_EDITOR};
static User agent = {.id = 2, .username = "so.xaydung", .display_name = "y", .role = ROLE_AGENCY};

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

/* Everything a refused call could have written. */
static int64_t footprint(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM recommendations) + (SELECT COUNT(*) FROM recommendation_events)"
                          " + (SELECT COUNT(*) FROM recommendation_checks) + (SELECT COALESCE(SUM(revision), 0) FROM recommendations)"
                          " + (SELECT COUNT(*) FROM supervisions)", "");
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

static int64_t revision_of(int64_t id)
{
    return db_int(db, -1, "SELECT revision FROM recommendations WHERE id = ?1", "l", id);
}

static int64_t new_rec(const char *deadline)
{
    char err[512];
    RecommendationIn in = {.supervision_id = sup, .agency_id = agency, .text = "Kiến nghị thử", .issued_on = day("2026-09-01"),
                           .deadline = day(deadline)};
    int64_t id = 0;
    if (supervision_rec_add(db, &in, &staff, day("2026-09-01 10:00"), &id, err, sizeof err) != 0)
        fprintf(stderr, "new_rec: %s\n", err);
    return id;
}

/* Move id through the given statuses as who (all must succeed). */
static int walk(int64_t id, const User *who, const char *const *to, int n)
{
    char err[512];
    for (int i = 0; i < n; i++)
        if (supervision_rec_set_status(db, id, to[i], "Đã làm", 0, who, day("2026-10-01 09:00") + i * 60, err, sizeof err) != 0) {
            fprintf(stderr, "walk to %s: %s\n", to[i], err);
            return -1;
        }
    return 0;
}

TEST(test_supervision_writers)
{
    char err[512];
    int64_t before = footprint();
    SupervisionIn in = {.council_id = city, .kind = "thematic", .subject = "", .starts_on = day("2026-08-01"),
                        .ends_on = day("2026-08-20")};
    int64_t id = 0;
    CHECK_INT(supervision_create(db, &in, &staff, day("2026-07-01"), &id, err, sizeof err), -1);
    CHECK_CONTAINS(err, "chủ đề");
    in.subject = "Giám sát thử";
    in.kind = "party";
    CHECK_INT(supervision_create(db, &in, &staff, day("2026-07-01"), &id, err, sizeof err), -1);
    in.kind = "survey";
    in.ends_on = day("2026-07-20");
    CHECK_INT(supervision_create(db, &in, &staff, day("2026-07-01"), &id, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Ngày kết thúc");
    in.ends_on = day("2026-08-20");
    /* a body of another council */
    in.body_id = db_int(db, 0, "SELECT b.id FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                               " WHERE t.council_id = ?1 LIMIT 1", "l", ward);
    CHECK(in.body_id > 0);
    CHECK_INT(supervision_create(db, &in, &staff, day("2026-07-01"), &id, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không thuộc");
    CHECK_INT(footprint(), before);
    in.body_id = 0;
    CHECK_INT(supervision_create(db, &in, &staff, day("2026-07-01"), &id, err, sizeof err), 0);
    /* a recommendation before the report is refused */
    RecommendationIn ri = {.supervision_id = id, .agency_id = agency, .text = "x", .issued_on = day("2026-08-25"),
                           .deadline = day("2026-09-25")};
    before = footprint();
    CHECK_INT(supervision_rec_add(db, &ri, &staff, day("2026-08-25"), NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "đã có báo cáo");
    /* forward only; reported needs findings */
    CHECK_INT(supervision_set_status(db, id, "reported", NULL, &staff, day("2026-08-21"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "kết quả");
    CHECK_INT(supervision_set_status(db, id, "in_field", NULL, &staff, day("2026-08-02"), err, sizeof err), 0);
    CHECK_INT(supervision_set_status(db, id, "planned", NULL, &staff, day("2026-08-03"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "chỉ chuyển tiếp");
    CHECK_INT(supervision_set_status(db, id, "closed", NULL, &staff, day("2026-08-03"), err, sizeof err), -1);
    CHECK_INT(supervision_set_status(db, id, "reported", "Kết luận", &staff, day("2026-08-21"), err, sizeof err), 0);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT status FROM supervisions WHERE id = ?1", "l", id), "reported");
    arena_free(a);
    CHECK_INT(footprint(), before);
    CHECK_INT(supervision_rec_add(db, &ri, &staff, day("2026-08-25"), NULL, err, sizeof err), 0);
}

TEST(test_rec_add_refusals)
{
    char err[512];
    int64_t before = footprint();
    RecommendationIn in = {.supervision_id = sup, .agency_id = agency, .text = "Kiến nghị", .issued_on = day("2026-09-10"),
                           .deadline = day("2026-09-09")};
    CHECK_INT(supervision_rec_add(db, &in, &staff, day("2026-09-10"), NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Hạn thực hiện không được trước ngày ban hành");
    in.deadline = day("2026-09-10");   /* the same day is allowed */
    in.text = "  ";
    CHECK_INT(supervision_rec_add(db, &in, &staff, day("2026-09-10"), NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "nội dung kiến nghị");
    in.text = "Kiến nghị";
    /* an agency of another council */
    int64_t foreign = 0;
    CHECK_INT(agency_create(db, ward, "Ủy ban nhân dân phường Ba Đình (thử)", "commune", 0, &foreign, err, sizeof err), 0);
    in.agency_id = foreign;
    CHECK_INT(supervision_rec_add(db, &in, &staff, day("2026-09-10"), NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cơ quan nhận kiến nghị");
    CHECK_INT(footprint(), before);
    in.agency_id = agency;
    int64_t id = 0;
    CHECK_INT(supervision_rec_add(db, &in, &staff, day("2026-09-10 08:00"), &id, err, sizeof err), 0);
    CHECK_STR(status_of(id), "issued");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1 AND status = 'issued'"
                             " AND username = 'tp.bientap'", "l", id), 1);
}

/* Every (from, to) pair through supervision_rec_set_status: what the table
 * in supervision.h says is legal succeeds, everything else is refused and
 * writes nothing. */
TEST(test_every_transition)
{
    static const char *const all[] = {"issued", "acknowledged", "in_progress", "done", "partially_done", "verified", "overdue", "bogus"};
    /* the path that reaches each from-state, for the staff account */
    static const char *const paths[][4] = {
        {NULL}, {"acknowledged", NULL}, {"acknowledged", "in_progress", NULL},
        {"acknowledged", "in_progress", "done", NULL}, {"acknowledged", "in_progress", "partially_done", NULL},
    };
    static const int plen[] = {0, 1, 2, 3, 3};
    static const char *const legal[][2] = {
        {"issued", "acknowledged"}, {"acknowledged", "in_progress"}, {"in_progress", "done"},
        {"in_progress", "partially_done"}, {"partially_done", "in_progress"}, {"partially_done", "done"},
    };
    char err[512];
    for (int f = 0; f < 5; f++) {
        for (size_t t = 0; t < sizeof all / sizeof all[0]; t++) {
            int64_t id = new_rec("2027-06-01");
            CHECK(id > 0);
            CHECK_INT(walk(id, &staff, paths[f], plen[f]), 0);
            CHECK_STR(status_of(id), all[f]);
            int want = 0;
            for (size_t k = 0; k < sizeof legal / sizeof legal[0]; k++)
                if (!strcmp(legal[k][0], all[f]) && !strcmp(legal[k][1], all[t])) want = 1;
            int64_t before = footprint(), rev = revision_of(id);
            int rc = supervision_rec_set_status(db, id, all[t], "Ghi chú", rev, &staff, day("2026-11-01 09:00"), err, sizeof err);
            if (rc != (want ? 0 : -1)) fprintf(stderr, "  %s -> %s: rc %d (%s)\n", all[f], all[t], rc, err);
            CHECK_INT(rc, want ? 0 : -1);
            if (want) {
                CHECK_STR(status_of(id), all[t]);
                CHECK_INT(revision_of(id), rev + 1);
                CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1"
                                         " AND status = ?2 AND note = 'Ghi chú'", "lt", id, all[t]), 1);
            } else {
                CHECK_INT(footprint(), before);
                CHECK_STR(status_of(id), all[f]);
            }
        }
    }
    /* from verified nothing moves */
    int64_t id = new_rec("2027-06-01");
    static const char *const to_done[] = {"acknowledged", "in_progress", "done"};
    CHECK_INT(walk(id, &staff, to_done, 3), 0);
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-02"), "Đạt", 1, 0, &staff, day("2026-11-03"), err, sizeof err), 0);
    for (size_t t = 0; t < sizeof all / sizeof all[0]; t++) {
        int64_t before = footprint();
        CHECK_INT(supervision_rec_set_status(db, id, all[t], "x", 0, &staff, day("2026-11-04"), err, sizeof err), -1);
        CHECK_INT(footprint(), before);
    }
    CHECK_STR(status_of(id), "verified");
}

TEST(test_done_needs_a_note)
{
    char err[512];
    int64_t id = new_rec("2027-06-01");
    static const char *const p[] = {"acknowledged", "in_progress"};
    CHECK_INT(walk(id, &staff, p, 2), 0);
    int64_t before = footprint();
    CHECK_INT(supervision_rec_set_status(db, id, "done", "", 0, &staff, day("2026-11-01"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "kết quả đã thực hiện");
    CHECK_INT(footprint(), before);
}

TEST(test_verified_only_by_a_check)
{
    char err[512];
    int64_t id = new_rec("2027-06-01");
    static const char *const p[] = {"acknowledged", "in_progress", "done"};
    CHECK_INT(walk(id, &staff, p, 3), 0);
    int64_t before = footprint();
    CHECK_INT(supervision_rec_set_status(db, id, "verified", "x", 0, &staff, day("2026-11-01"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "tái giám sát hoặc tái chất vấn");
    /* a check's own refusals */
    CHECK_INT(supervision_rec_check(db, id, "guess", day("2026-11-01"), "Đạt", 1, 0, &staff, day("2026-11-02"), err, sizeof err), -1);
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-01"), "", 1, 0, &staff, day("2026-11-02"), err, sizeof err), -1);
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-08-01"), "Đạt", 1, 0, &staff, day("2026-11-02"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "trước ngày ban hành");
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-05"), "Đạt", 1, 0, &staff, day("2026-11-02"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "sau hôm nay");
    agent.agency_id = agency;
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-01"), "Đạt", 1, 0, &agent, day("2026-11-02"), err, sizeof err), -1);
    CHECK_INT(footprint(), before);
    /* a check that does not confirm: back to in progress, the check kept */
    CHECK_INT(supervision_rec_check(db, id, "follow_up_question", day("2026-11-01"), "Chưa đạt: còn 12 trường hợp", 0, 0, &staff,
                                    day("2026-11-02 10:00"), err, sizeof err), 0);
    CHECK_STR(status_of(id), "in_progress");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_checks WHERE recommendation_id = ?1 AND confirmed = 0"
                             " AND method = 'follow_up_question'", "l", id), 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1 AND status = 'in_progress'"
                             " AND on_day = ?2", "ll", id, day("2026-11-01")), 1);
    /* a check on an in-progress one is refused */
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-02"), "Đạt", 1, 0, &staff, day("2026-11-02"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "Chỉ kiểm tra lại");
    /* done again, then a confirming check */
    CHECK_INT(supervision_rec_set_status(db, id, "done", "Đã xong", 0, &staff, day("2026-11-10"), err, sizeof err), 0);
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-12"), "Đạt", 1, 0, &staff, day("2026-11-12 15:00"), err, sizeof err), 0);
    CHECK_STR(status_of(id), "verified");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_checks WHERE recommendation_id = ?1", "l", id), 2);
    /* the whole trail: issued, ack, in progress, done, in progress (check), done, verified */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1", "l", id), 7);
}

TEST(test_agency_limits)
{
    char err[512];
    int64_t id = new_rec("2027-06-01");
    agent.agency_id = agency2;   /* not its agency */
    int64_t before = footprint();
    CHECK_INT(supervision_rec_set_status(db, id, "acknowledged", "", 0, &agent, day("2026-10-01"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "không gửi tới cơ quan của bạn");
    CHECK_INT(footprint(), before);
    agent.agency_id = agency;
    static const char *const p[] = {"acknowledged", "in_progress", "done"};
    CHECK_INT(walk(id, &agent, p, 3), 0);
    before = footprint();
    CHECK_INT(supervision_rec_set_status(db, id, "verified", "Tự xác nhận", 0, &agent, day("2026-11-01"), err, sizeof err), -1);
    CHECK_CONTAINS(err, "Cơ quan không tự xác nhận");
    CHECK_INT(footprint(), before);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events WHERE recommendation_id = ?1 AND username = 'so.xaydung'",
                     "l", id), 3);
}

TEST(test_overdue_rule)
{
    int64_t dl = day("2026-10-15");
    CHECK_INT(supervision_rec_overdue("in_progress", dl, day("2026-10-15")), 0);   /* the deadline is the last day */
    CHECK_INT(supervision_rec_overdue("in_progress", dl, day("2026-10-16")), 1);
    CHECK_INT(supervision_rec_overdue("issued", dl, day("2026-10-16")), 1);
    CHECK_INT(supervision_rec_overdue("acknowledged", dl, day("2026-10-16")), 1);
    CHECK_INT(supervision_rec_overdue("done", dl, day("2026-10-16")), 0);
    CHECK_INT(supervision_rec_overdue("partially_done", dl, day("2026-10-16")), 0);
    CHECK_INT(supervision_rec_overdue("verified", dl, day("2026-10-16")), 0);
    CHECK_STR(supervision_rec_shown("in_progress", dl, day("2026-10-16")), "overdue");
    CHECK_STR(supervision_rec_shown("in_progress", dl, day("2026-10-14")), "in_progress");
    /* read back through supervision_rec_get on injected days */
    int64_t id = new_rec("2026-10-15");
    Arena *a = arena_new();
    Recommendation r;
    CHECK_INT(supervision_rec_get(db, a, id, day("2026-10-15"), &r), 1);
    CHECK_INT(r.overdue, 0);
    CHECK_INT(supervision_rec_get(db, a, id, day("2026-10-16"), &r), 1);
    CHECK_INT(r.overdue, 1);
    CHECK_STR(r.status, "issued");   /* never stored */
    CHECK_STR(status_label(db, a, "recommendation", "overdue"), "Quá hạn");
    CHECK_INT(supervision_rec_get(db, a, 999999, day("2026-10-16"), &r), 0);
    arena_free(a);
}

TEST(test_revision_conflict)
{
    char err[512];
    int64_t id = new_rec("2027-06-01");
    int64_t rev = revision_of(id);   /* both people load the page at this revision */
    CHECK_INT(supervision_rec_set_status(db, id, "acknowledged", "Người thứ nhất", rev, &staff, day("2026-10-01 09:00"), err,
                                         sizeof err), 0);
    int64_t before = footprint();
    agent.agency_id = agency;
    CHECK_INT(supervision_rec_set_status(db, id, "acknowledged", "Người thứ hai", rev, &agent, day("2026-10-01 09:05"), err,
                                         sizeof err), -2);
    CHECK_CONTAINS(err, "vừa được tp.bientap cập nhật lúc 1/10/2026 09:00");
    CHECK_INT(footprint(), before);
    /* a check over a stale page too */
    static const char *const p[] = {"in_progress", "done"};
    CHECK_INT(walk(id, &staff, p, 2), 0);
    CHECK_INT(supervision_rec_check(db, id, "resupervision", day("2026-11-01"), "Đạt", 1, rev, &staff, day("2026-11-02"), err,
                                    sizeof err), -2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_checks WHERE recommendation_id = ?1", "l", id), 0);
    CHECK_STR(status_of(id), "done");
}

TEST(test_demo)
{
    int64_t s = db_int(db, 0, "SELECT id FROM supervisions WHERE is_sample = 1 AND council_id = ?1", "l", city);
    CHECK(s > 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM supervisions WHERE is_sample = 1", ""), 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendations WHERE supervision_id = ?1", "l", s), 6);
    int64_t today = day("2026-11-27");
    int overdue = 0, verified = 0, partial = 0;
    Stmt *st = db_prepare(db, "SELECT status, deadline, id FROM recommendations WHERE supervision_id = ?1");
    db_bind_int(st, 1, s);
    while (db_step(st) == DB_ROW) {
        overdue += supervision_rec_overdue(db_col_text(st, 0), db_col_int(st, 1), today);
        verified += !strcmp(db_col_text(st, 0), "verified");
        partial += !strcmp(db_col_text(st, 0), "partially_done");
    }
    db_done(st);
    CHECK_INT(overdue, 1);
    CHECK_INT(verified, 1);
    CHECK_INT(partial, 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_checks c JOIN recommendations r ON r.id = c.recommendation_id"
                             " WHERE r.supervision_id = ?1 AND c.confirmed = 1", "l", s), 1);
    /* every recommendation has its events, the first one 'issued' */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendations r WHERE r.supervision_id = ?1 AND (SELECT e.status FROM"
                             " recommendation_events e WHERE e.recommendation_id = r.id ORDER BY e.id LIMIT 1) = 'issued'", "l", s), 6);
    /* loading again changes nothing; removing takes it all (and the sample agencies) */
    char err[512];
    int64_t before = footprint();
    CHECK_INT(supervision_demo_load(db, day("2026-11-27 12:00"), err, sizeof err), 0);
    CHECK_INT(footprint(), before);
}

TEST(test_demo_remove)
{
    CHECK_INT(supervision_demo_remove(db), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM supervisions WHERE is_sample = 1", ""), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendation_events e WHERE NOT EXISTS (SELECT 1 FROM recommendations r"
                             " WHERE r.id = e.recommendation_id)", ""), 0);
    /* sample agencies nothing refers to any more are gone; those the
     * petition demo's petitions still name stay (petition_demo removes them) */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM agencies g WHERE g.is_sample = 1 AND NOT EXISTS (SELECT 1 FROM petitions p "
                             "WHERE p.agency_id = g.id) AND NOT EXISTS (SELECT 1 FROM recommendations r WHERE r.agency_id = g.id)",
                     ""), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM recommendations r JOIN supervisions s ON s.id = r.supervision_id "
                             "WHERE s.is_sample = 1", ""), 0);
    /* the test's own agency is still referenced: kept */
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM agencies WHERE id = ?1", "l", agency), 1);
}

int main(void)
{
    t_prog = "unit_supervision";
    log_quiet = 1;
    snprintf(dir, sizeof dir, "/tmp/hd-unit-superv-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    if (demo_load(db, files, day("2026-11-27 12:00"), err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    if (supervision_demo_load(db, day("2026-11-27 12:00"), err, sizeof err) != 0) {
        fprintf(stderr, "supervision demo: %s\n", err);
        return 1;
    }
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ward = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    SupervisionIn in = {.council_id = city, .kind = "thematic", .subject = "Giám sát của bài kiểm thử",
                        .starts_on = day("2026-08-01"), .ends_on = day("2026-08-20"), .findings = "Kết luận"};
    if (city <= 0 || ward <= 0 || supervision_create(db, &in, &staff, day("2026-07-01"), &sup, err, sizeof err) != 0
        || supervision_set_status(db, sup, "reported", NULL, &staff, day("2026-08-25"), err, sizeof err) != 0
        || agency_create(db, city, "Sở Thử nghiệm", "city", 0, &agency, err, sizeof err) != 0
        || agency_create(db, city, "Sở Khác", "city", 0, &agency2, err, sizeof err) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        return 1;
    }
    RUN(test_supervision_writers);
    RUN(test_rec_add_refusals);
    RUN(test_every_transition);
    RUN(test_done_needs_a_note);
    RUN(test_verified_only_by_a_check);
    RUN(test_agency_limits);
    RUN(test_overdue_rule);
    RUN(test_revision_conflict);
    RUN(test_demo);
    RUN(test_demo_remove);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
