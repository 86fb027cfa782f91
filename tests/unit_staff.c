/* unit_staff.c - who may do what on which council (staff.c): the role
 * order with the reviewer outside it, the portal's own office, and the
 * council scope walked up councils.parent_id on the real Hanoi units (city
 * office reaches every commune, a commune's office only its own, a
 * reviewer reads, a moderator has no council work), a three-level chain
 * (city > district > commune before 1/7/2025), and a parent cycle in bad
 * data that must end the walk instead of looping. */
#include <stdlib.h>
#include <unistd.h>

#include "council.h"
#include "db.h"
#include "staff.h"
#include "t.h"
#include "unit.h"
#include "unit_import.h"

static char dir[256];
static Db *db;
static int64_t city, ba_dinh, other_commune;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-staff-XXXXXX");
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
    int64_t from = unit_dates()->reform_from;
    int64_t u_city = db_int(db, 0, "SELECT id FROM units WHERE level = 'province' AND valid_from <= ?1"
                                   " AND (valid_to IS NULL OR valid_to > ?1)", "l", from);
    int64_t u_ward = db_int(db, 0, "SELECT id FROM units WHERE slug = 'phuong-ba-dinh'", "");
    int64_t u_other = db_int(db, 0, "SELECT id FROM units WHERE level = 'commune' AND slug <> 'phuong-ba-dinh'"
                                    " AND valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1)"
                                    " ORDER BY slug LIMIT 1", "l", from);
    CHECK(u_city > 0 && u_ward > 0 && u_other > 0);
    CHECK_INT(council_add(db, u_city, from, 0, &city, err, sizeof err), 0);
    CHECK_INT(council_add(db, u_ward, from, 0, &ba_dinh, err, sizeof err), 0);
    CHECK_INT(council_add(db, u_other, from, 0, &other_commune, err, sizeof err), 0);
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static User staff(int role, int64_t council)
{
    User u = {.id = 1, .role = role, .council_id = council};
    return u;
}

TEST(test_role_order)
{
    CHECK(role_allows(ROLE_NONE, ROLE_NONE));
    CHECK(!role_allows(ROLE_NONE, ROLE_REVIEWER));
    CHECK(!role_allows(ROLE_NONE, ROLE_EDITOR));
    CHECK(role_allows(ROLE_EDITOR, ROLE_EDITOR));
    CHECK(!role_allows(ROLE_EDITOR, ROLE_MODERATOR));
    CHECK(role_allows(ROLE_MODERATOR, ROLE_EDITOR));
    CHECK(role_allows(ROLE_ADMIN, ROLE_MODERATOR));
    CHECK(!role_allows(ROLE_MODERATOR, ROLE_ADMIN));
    /* Every staff role passes a reviewer route; a reviewer passes nothing else. */
    CHECK(role_allows(ROLE_EDITOR, ROLE_REVIEWER));
    CHECK(role_allows(ROLE_ADMIN, ROLE_REVIEWER));
    CHECK(role_allows(ROLE_REVIEWER, ROLE_REVIEWER));
    CHECK(!role_allows(ROLE_REVIEWER, ROLE_EDITOR));
    CHECK(!role_allows(ROLE_REVIEWER, ROLE_MODERATOR));
    CHECK(!role_allows(ROLE_REVIEWER, ROLE_ADMIN));
}

TEST(test_portal_office)
{
    User a = staff(ROLE_ADMIN, 0), e = staff(ROLE_EDITOR, 0), rv = staff(ROLE_REVIEWER, 0);
    User ce = staff(ROLE_EDITOR, ba_dinh), ca = staff(ROLE_ADMIN, ba_dinh);
    CHECK(staff_portal(&a));
    CHECK(staff_portal(&e));
    CHECK(!staff_portal(&rv));       /* a reviewer never edits the portal */
    CHECK(!staff_portal(&ce));       /* a commune's staff never edit the portal */
    CHECK(!staff_portal(&ca));
    CHECK(!staff_portal(NULL));
}

TEST(test_scope_city_and_communes)
{
    User top = staff(ROLE_EDITOR, 0), city_ed = staff(ROLE_EDITOR, city);
    User ward_ed = staff(ROLE_EDITOR, ba_dinh), ward_admin = staff(ROLE_ADMIN, ba_dinh);
    User city_rv = staff(ROLE_REVIEWER, city), ward_rv = staff(ROLE_REVIEWER, ba_dinh);
    User mod = staff(ROLE_MODERATOR, 0);
    CHECK_INT(staff_scope(db, &top, ba_dinh), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &top, city), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &city_ed, city), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &city_ed, ba_dinh), STAFF_WRITE);       /* the level below */
    CHECK_INT(staff_scope(db, &city_ed, other_commune), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &ward_ed, ba_dinh), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &ward_admin, ba_dinh), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &ward_ed, other_commune), STAFF_NONE);  /* a sibling */
    CHECK_INT(staff_scope(db, &ward_ed, city), STAFF_NONE);           /* the level above */
    CHECK_INT(staff_scope(db, &ward_admin, city), STAFF_NONE);
    CHECK_INT(staff_scope(db, &city_rv, ba_dinh), STAFF_READ);
    CHECK_INT(staff_scope(db, &city_rv, city), STAFF_READ);
    CHECK_INT(staff_scope(db, &ward_rv, ba_dinh), STAFF_READ);
    CHECK_INT(staff_scope(db, &ward_rv, other_commune), STAFF_NONE);
    CHECK_INT(staff_scope(db, &mod, ba_dinh), STAFF_NONE);
    CHECK_INT(staff_scope(db, &top, 0), STAFF_NONE);
    CHECK_INT(staff_scope(db, &top, -5), STAFF_NONE);
    CHECK_INT(staff_scope(db, NULL, ba_dinh), STAFF_NONE);
    /* Unknown council: nothing, not an error. */
    CHECK_INT(staff_scope(db, &city_ed, 999999), STAFF_NONE);
}

TEST(test_scope_three_levels_and_cycle)
{
    /* A chain as before 1/7/2025 (province > district > commune), written
     * directly: staff_scope reads only councils.parent_id. */
    CHECK_INT(db_exec(db, "INSERT INTO councils (id, unit_code, name, level, parent_id, valid_from, unit_id)"
                          " VALUES (9001, 'X1', 'Tỉnh thử', 'province', NULL, 0, NULL),"
                          " (9002, 'X2', 'Huyện thử', 'district', 9001, 0, NULL),"
                          " (9003, 'X3', 'Xã thử', 'commune', 9002, 0, NULL),"
                          " (9004, 'X4', 'Xã khác', 'commune', 9001, 0, NULL)", ""), DB_OK);
    User prov = staff(ROLE_EDITOR, 9001), dist = staff(ROLE_EDITOR, 9002), comm = staff(ROLE_EDITOR, 9003);
    CHECK_INT(staff_scope(db, &prov, 9003), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &dist, 9003), STAFF_WRITE);
    CHECK_INT(staff_scope(db, &dist, 9004), STAFF_NONE);
    CHECK_INT(staff_scope(db, &dist, 9001), STAFF_NONE);
    CHECK_INT(staff_scope(db, &comm, 9002), STAFF_NONE);
    /* Bad data: 9001's parent is 9003, a cycle.  The walk must stop and
     * answer NONE for an account outside the cycle. */
    CHECK_INT(db_exec(db, "UPDATE councils SET parent_id = 9003 WHERE id = 9001", ""), DB_OK);
    User outside = staff(ROLE_EDITOR, ba_dinh);
    CHECK_INT(staff_scope(db, &outside, 9003), STAFF_NONE);
    CHECK_INT(staff_scope(db, &dist, 9003), STAFF_WRITE);
}

TEST(test_council_find)
{
    int64_t today = unit_dates()->reform_from + 86400 * 30;
    CHECK_INT(staff_council_find(db, "phuong-ba-dinh", today), ba_dinh);
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%lld", (long long)ba_dinh);
    CHECK_INT(staff_council_find(db, idtext, today), ba_dinh);
    CHECK_INT(staff_council_find(db, "khong-co-don-vi-nay", today), 0);
    CHECK_INT(staff_council_find(db, "999999", today), 0);
    CHECK_INT(staff_council_arg("12"), 12);
    CHECK_INT(staff_council_arg("012"), 0);
    CHECK_INT(staff_council_arg("12a"), 0);
    CHECK_INT(staff_council_arg(""), 0);
    CHECK_INT(staff_council_arg(NULL), 0);
    CHECK_INT(staff_council_arg("9999999999999999999"), 0);
}

int main(void)
{
    t_prog = "unit_staff";
    setup();
    RUN(test_role_order);
    RUN(test_portal_office);
    RUN(test_scope_city_and_communes);
    RUN(test_scope_three_levels_and_cycle);
    RUN(test_council_find);
    teardown();
    return t_done();
}
