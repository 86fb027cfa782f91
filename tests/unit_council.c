/* unit_council.c - the council model (council.c) on the real Hanoi units:
 * councils, terms, bodies, delegates, dated modes and memberships, and
 * each refusal the issue lists (overlapping memberships for one position,
 * a membership outside its term, a delegate on a day the council's unit
 * did not exist, dates in the wrong order), each with a Vietnamese message
 * and nothing written. */
#include <stdlib.h>
#include <unistd.h>

#include "council.h"
#include "db.h"
#include "t.h"
#include "unit.h"
#include "unit_import.h"
#include "vn.h"

static char dir[256];
static Db *db;
static int64_t ward, council, term, standing, ban, d1, d2;

static int64_t count(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static int64_t day(const char *s)
{
    int64_t t = 0;
    if (unit_parse_day(s, &t) != 0) { fprintf(stderr, "bad day %s\n", s); exit(1); }
    return t;
}

/* Rows in every council table: a refusal must leave this unchanged. */
static int64_t rows(void)
{
    return count("SELECT (SELECT COUNT(*) FROM councils) + (SELECT COUNT(*) FROM council_terms) +"
                 " (SELECT COUNT(*) FROM council_bodies) + (SELECT COUNT(*) FROM persons) +"
                 " (SELECT COUNT(*) FROM delegates) + (SELECT COUNT(*) FROM delegate_modes) +"
                 " (SELECT COUNT(*) FROM council_memberships) + (SELECT COUNT(*) FROM council_changes)");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-council-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    char path[300], err[512];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    UnitImportStats st = {0};
    if (unit_import_files(db, "../shared/data", NULL, NULL, NULL, NULL, &st, err, sizeof err) != 0) {
        fprintf(stderr, "import: %s\n", err);
        exit(1);
    }
    ward = db_int(db, 0, "SELECT id FROM units WHERE slug = 'phuong-ba-dinh'", "");
    CHECK_INT(council_add(db, ward, unit_dates()->reform_from, 0, &council, err, sizeof err), 0);
    CHECK_INT(council_term_add(db, council, 0, "2026–2031", day("15/3/2026"), day("15/3/2031"), 30, 0, &term,
                               err, sizeof err), 0);
    CHECK_INT(council_body_add(db, term, "standing", "Thường trực HĐND", "", 1, 0, &standing, err, sizeof err), 0);
    CHECK_INT(council_body_add(db, term, "committee", "Ban Kinh tế – Ngân sách", "kinh-te-ngan-sach", 2, 0, &ban,
                               err, sizeof err), 0);
    CHECK_INT(council_delegate_add(db, term, "Nguyễn Văn An", 0, day("15/3/2026"), 0, 0, "elected",
                                   "Biên bản xác định kết quả bầu cử", 0, &d1, err, sizeof err), 0);
    CHECK_INT(council_delegate_add(db, term, "Trần Thị Bình", 0, day("15/3/2026"), 0, 1, "elected", "", 0, &d2,
                                   err, sizeof err), 0);
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

TEST(test_model_basics)
{
    setup();
    char err[512] = "";
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT name FROM councils WHERE id = ?1", "l", council),
              "Hội đồng nhân dân phường Ba Đình");
    CHECK_INT(council_of_unit(db, ward, day("1/1/2027")), council);
    CHECK_INT(council_of_unit(db, ward, day("30/6/2025")), 0);
    /* the same calls again find the rows, they do not double */
    int64_t again = 0, n = rows();
    CHECK_INT(council_add(db, ward, unit_dates()->reform_from, 0, &again, err, sizeof err), 0);
    CHECK_INT(again, council);
    CHECK_INT(council_body_add(db, term, "standing", "Thường trực HĐND", "", 1, 0, &again, err, sizeof err), 0);
    CHECK_INT(again, standing);
    CHECK_INT(rows(), n);
    /* a membership and a mode change mid-term */
    int64_t m;
    CHECK_INT(council_membership_add(db, d1, standing, "chu-tich", day("20/4/2026"), 0, "Nghị quyết 01/NQ-HĐND",
                                     0, &m, err, sizeof err), 0);
    CHECK_INT(council_delegate_mode(db, d1, 1, day("1/9/2026"), "Nghị quyết 05/NQ-HĐND", err, sizeof err), 0);
    CHECK_INT(db_int(db, -1, "SELECT full_time FROM delegate_modes WHERE delegate_id = ?1 AND valid_from <= ?2"
                     " AND (valid_to IS NULL OR valid_to > ?2)", "ll", d1, day("1/6/2026")), 0);
    CHECK_INT(db_int(db, -1, "SELECT full_time FROM delegate_modes WHERE delegate_id = ?1 AND valid_from <= ?2"
                     " AND (valid_to IS NULL OR valid_to > ?2)", "ll", d1, day("1/10/2026")), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM council_changes WHERE kind = 'mode'"), 1);
    /* relieved: the open membership ends that day too */
    CHECK_INT(council_delegate_end(db, d1, day("1/3/2028"), "relieved", "Nghị quyết 12/NQ-HĐND", err, sizeof err), 0);
    CHECK_INT(db_int(db, 0, "SELECT valid_to FROM council_memberships WHERE id = ?1", "l", m), day("1/3/2028"));
    /* and a successor from the next day is fine (single position, no overlap) */
    CHECK_INT(council_membership_add(db, d2, standing, "chu-tich", day("1/3/2028"), 0, "Nghị quyết 13/NQ-HĐND", 0,
                                     &m, err, sizeof err), 0);
    arena_free(a);
    teardown();
}

TEST(test_overlapping_memberships_refused)
{
    setup();
    char err[512] = "";
    int64_t m;
    CHECK_INT(council_membership_add(db, d1, ban, "pho-truong-ban", day("20/4/2026"), day("1/1/2028"), "", 0, &m,
                                     err, sizeof err), 0);
    int64_t n = rows();
    /* the same delegate, body and position, overlapping */
    CHECK_INT(council_membership_add(db, d1, ban, "pho-truong-ban", day("1/6/2027"), 0, "", 0, &m, err, sizeof err), -1);
    CHECK_CONTAINS(err, "đã giữ chức danh Phó Trưởng ban trong Ban Kinh tế – Ngân sách");
    /* a single-holder position held by someone else at the same time */
    CHECK_INT(council_membership_add(db, d1, ban, "truong-ban", day("1/1/2028"), 0, "", 0, &m, err, sizeof err), 0);
    n = rows();
    CHECK_INT(council_membership_add(db, d2, ban, "truong-ban", day("1/6/2029"), 0, "", 0, &m, err, sizeof err), -1);
    CHECK_CONTAINS(err, "đã có người giữ chức danh Trưởng ban");
    CHECK_INT(rows(), n);
    /* back to back is not an overlap (half-open periods) */
    CHECK_INT(council_membership_add(db, d2, ban, "pho-truong-ban", day("20/4/2026"), day("1/1/2028"), "", 0, &m,
                                     err, sizeof err), 0);
    CHECK_INT(council_membership_add(db, d2, ban, "uy-vien", day("1/1/2028"), 0, "", 0, &m, err, sizeof err), 0);
    /* a position of another kind of body */
    CHECK_INT(council_membership_add(db, d2, ban, "to-truong", day("1/1/2030"), 0, "", 0, &m, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Chức danh Tổ trưởng không có trong Ban Kinh tế – Ngân sách");
    teardown();
}

TEST(test_membership_outside_term_refused)
{
    setup();
    char err[512] = "";
    int64_t m, n = rows();
    CHECK_INT(council_membership_add(db, d1, standing, "pho-chu-tich", day("1/1/2026"), 0, "", 0, &m, err, sizeof err), -1);
    CHECK_CONTAINS(err, "phải nằm trong nhiệm kỳ 2026–2031 (15/3/2026 – 14/3/2031)");
    CHECK_INT(council_membership_add(db, d1, standing, "pho-chu-tich", day("1/1/2027"), day("1/1/2032"), "", 0, &m,
                                     err, sizeof err), -1);
    CHECK_CONTAINS(err, "phải nằm trong nhiệm kỳ");
    /* open-ended: until the end of the term */
    CHECK_INT(council_membership_add(db, d1, standing, "pho-chu-tich", day("1/1/2027"), 0, "", 0, &m, err, sizeof err), 0);
    CHECK_INT(rows(), n + 1);
    /* a delegate elected outside the term */
    int64_t d;
    n = rows();
    CHECK_INT(council_delegate_add(db, term, "Lê Văn Cường", 0, day("1/5/2031"), 0, 0, "by_election", "", 0, &d,
                                   err, sizeof err), -1);
    CHECK_CONTAINS(err, "phải nằm trong nhiệm kỳ 2026–2031");
    CHECK_INT(rows(), n);
    teardown();
}

TEST(test_delegate_unit_did_not_exist_refused)
{
    setup();
    char err[512] = "";
    /* a term starting before phường Ba Đình existed */
    int64_t t, d, n = rows();
    CHECK_INT(council_term_add(db, council, 0, "2021–2026", day("23/5/2021"), day("15/3/2026"), 30, 0, &t, err,
                               sizeof err), -1);
    CHECK_CONTAINS(err, "bắt đầu ngoài thời gian Hội đồng nhân dân phường Ba Đình tồn tại");
    /* a council for the ward before 1/7/2025: the unit did not exist */
    int64_t c;
    CHECK_INT(council_add(db, ward, day("1/1/2024"), 0, &c, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Phường Ba Đình không tồn tại");
    /* the interim term 2021-2026 from 1/7/2025, and a delegate dated before the unit */
    CHECK_INT(council_term_add(db, council, 0, "2021–2026", day("1/7/2025"), day("15/3/2026"), 30, 0, &t, err,
                               sizeof err), 0);
    n = rows();
    CHECK_INT(council_delegate_add(db, t, "Phạm Văn Dũng", 0, day("15/3/2024"), 0, 0, "elected", "", 0, &d, err,
                                   sizeof err), -1);
    CHECK_CONTAINS(err, "Phường Ba Đình không tồn tại (hoặc không có Hội đồng nhân dân) vào ngày 15/3/2024");
    CHECK_INT(rows(), n);
    /* a former ward in the pilot years had no council either */
    int64_t old_ward = db_int(db, 0, "SELECT id FROM units WHERE slug = 'phuong-truc-bach'", "");
    CHECK_INT(council_of_unit(db, old_ward, day("15/3/2024")), 0);
    teardown();
}

TEST(test_dates_in_wrong_order_refused)
{
    setup();
    char err[512] = "";
    int64_t x, n = rows();
    CHECK_INT(council_term_add(db, council, 18, "2031–2036", day("1/6/2036"), day("1/6/2031"), 30, 0, &x, err,
                               sizeof err), -1);
    CHECK_CONTAINS(err, "Ngày kết thúc phải sau ngày bắt đầu");
    CHECK_INT(council_delegate_add(db, term, "Hoàng Thị Em", 0, day("1/6/2027"), day("1/6/2027"), 0, "elected", "",
                                   0, &x, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Ngày kết thúc phải sau ngày bắt đầu");
    CHECK_INT(council_membership_add(db, d1, ban, "uy-vien", day("1/6/2028"), day("1/6/2027"), "", 0, &x, err,
                                     sizeof err), -1);
    CHECK_CONTAINS(err, "Ngày kết thúc phải sau ngày bắt đầu");
    CHECK_INT(council_delegate_end(db, d1, day("1/1/2026"), "recalled", "", err, sizeof err), -1);
    CHECK_CONTAINS(err, "phải sau ngày bắt đầu làm đại biểu");
    CHECK_INT(council_delegate_mode(db, d1, 1, day("1/1/2026"), "", err, sizeof err), -1);
    CHECK_CONTAINS(err, "nằm ngoài thời gian làm đại biểu");
    /* overlapping terms of one council */
    CHECK_INT(council_term_add(db, council, 0, "2028–2033", day("1/6/2028"), 0, 30, 0, &x, err, sizeof err), -1);
    CHECK_CONTAINS(err, "trùng thời gian");
    CHECK_INT(rows(), n);
    teardown();
}

int main(void)
{
    t_prog = "unit_council";
    RUN(test_model_basics);
    RUN(test_overlapping_memberships_refused);
    RUN(test_membership_outside_term_refused);
    RUN(test_delegate_unit_did_not_exist_refused);
    RUN(test_dates_in_wrong_order_refused);
    return t_done();
}
