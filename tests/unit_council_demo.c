/* unit_council_demo.c - the council part of the demo (council_demo.c):
 * 127 current and 556 former councils, no ward council in the pilot years,
 * the city's term 2026–2031 (125 seats, 3 vacancies, four Ban, a Standing
 * Committee of 9, full-time share about 25%), every commune with its
 * bodies, the real people only in their documented posts, the same content
 * on every run (seeded), and `demo --remove` taking the sample rows out
 * while the units and councils stay. */
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "t.h"
#include "unit.h"
#include "vn.h"

static int64_t count(Db *db, const char *sql)
{
    return db_int(db, -1, sql, "");
}

static Db *fresh(char *dir, size_t n)
{
    snprintf(dir, n, "/tmp/hd-unit-cdemo-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    char path[300], files[300], err[256] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    Db *db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    int64_t now = 0;
    vn_parse_datetime("2026-11-27 12:00", &now);
    if (demo_load(db, files, now, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); exit(1); }
    return db;
}

static void gone(Db *db, const char *dir)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

/* A digest of the sample content, to compare two runs. */
static char *digest(Db *db, Arena *a)
{
    return db_text(db, a, "SELECT COUNT(*) || ':' || SUM(LENGTH(p.full_name) * d.id) || ':' ||"
                   " SUM(d.valid_from % 100000 + COALESCE(d.constituency_id, 0)) FROM delegates d"
                   " JOIN persons p ON p.id = d.person_id", "");
}

#define CITY_XVII "(SELECT t.id FROM council_terms t JOIN councils c ON c.id = t.council_id" \
                  " WHERE c.unit_code = '01' AND t.number = 17)"

TEST(test_councils_and_city_term)
{
    char dir[256];
    Db *db = fresh(dir, sizeof dir);
    Arena *a = arena_new();
    CHECK_INT(count(db, "SELECT COUNT(*) FROM councils WHERE valid_to IS NULL"), 127);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM councils WHERE valid_to IS NOT NULL"), 556);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM councils WHERE unit_id IS NULL"), 0);
    /* no ward council between 1/7/2021 and 30/6/2025 */
    int64_t d2024 = 0;
    unit_parse_day("15/3/2024", &d2024);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.kind = 'phuong'"
                     " AND c.valid_from <= ?1 AND (c.valid_to IS NULL OR c.valid_to > ?1)", "l", d2024), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.kind = 'xa'"
                     " AND c.valid_from <= ?1 AND (c.valid_to IS NULL OR c.valid_to > ?1)", "l", d2024), 345);
    /* the city's khóa XVII */
    CHECK_INT(count(db, "SELECT seats FROM council_terms WHERE id = " CITY_XVII), 125);
    int64_t sitting = count(db, "SELECT COUNT(*) FROM delegates WHERE term_id = " CITY_XVII);
    CHECK_INT(sitting, 122);
    int64_t ft = count(db, "SELECT COUNT(*) FROM delegate_modes m JOIN delegates d ON d.id = m.delegate_id"
                           " WHERE d.term_id = " CITY_XVII " AND m.full_time = 1 AND m.valid_to IS NULL");
    CHECK(ft * 100 >= 24 * sitting && ft * 100 <= 28 * sitting);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM council_bodies WHERE kind = 'committee' AND term_id = " CITY_XVII), 4);
    CHECK_INT(count(db, "SELECT COUNT(DISTINCT m.delegate_id) FROM council_memberships m JOIN council_bodies b"
                        " ON b.id = m.body_id WHERE b.kind = 'standing' AND b.term_id = " CITY_XVII), 9);
    CHECK_STR(db_text(db, a, "SELECT p.full_name FROM council_memberships m JOIN council_positions x ON x.id = m.position_id"
                      " JOIN council_bodies b ON b.id = m.body_id JOIN delegates d ON d.id = m.delegate_id"
                      " JOIN persons p ON p.id = d.person_id WHERE x.code = 'chu-tich' AND b.term_id = " CITY_XVII, ""),
              "Phùng Thị Hồng Hà");
    /* the real people are only where domain.md puts them */
    CHECK_INT(count(db, "SELECT COUNT(*) FROM persons WHERE full_name IN ('Nguyễn Ngọc Tuấn', 'Trần Thế Cương',"
                        " 'Phạm Thị Thanh Mai', 'Vũ Đại Thắng')"), 3);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM persons WHERE full_name = 'Phùng Thị Hồng Hà'"), 2);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM council_memberships m JOIN delegates d ON d.id = m.delegate_id"
                        " JOIN persons p ON p.id = d.person_id WHERE p.full_name IN ('Nguyễn Ngọc Tuấn',"
                        " 'Trần Thế Cương', 'Phạm Thị Thanh Mai') AND m.body_id NOT IN"
                        " (SELECT id FROM council_bodies WHERE kind = 'standing')"), 0);
    /* every commune: a term with its two Ban, Standing Committee and groups */
    CHECK_INT(count(db, "SELECT COUNT(*) FROM councils c WHERE c.level = 'commune' AND c.valid_to IS NULL AND"
                        " (SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                        " WHERE t.council_id = c.id AND b.kind = 'committee') = 2 AND"
                        " (SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                        " WHERE t.council_id = c.id AND b.kind = 'group') >= 7"), 126);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM delegates WHERE is_sample = 0"), 0);
    arena_free(a);
    gone(db, dir);
}

TEST(test_deterministic)
{
    char d1[256], d2[256];
    Db *a1 = fresh(d1, sizeof d1), *a2 = fresh(d2, sizeof d2);
    Arena *a = arena_new();
    char *x = digest(a1, a), *y = digest(a2, a);
    CHECK(x && y && strlen(x) > 5);
    CHECK_STR(x, y);
    CHECK_STR(db_text(a1, a, "SELECT p.full_name FROM delegates d JOIN persons p ON p.id = d.person_id"
                      " ORDER BY d.id LIMIT 1 OFFSET 500", ""),
              db_text(a2, a, "SELECT p.full_name FROM delegates d JOIN persons p ON p.id = d.person_id"
                      " ORDER BY d.id LIMIT 1 OFFSET 500", ""));
    arena_free(a);
    gone(a1, d1);
    gone(a2, d2);
}

TEST(test_remove_keeps_structure)
{
    char dir[256], files[300], err[256] = "";
    Db *db = fresh(dir, sizeof dir);
    snprintf(files, sizeof files, "%s/files", dir);
    int64_t units = count(db, "SELECT COUNT(*) FROM units");
    CHECK(count(db, "SELECT COUNT(*) FROM council_memberships") > 4000);
    CHECK_INT(demo_remove(db, files, err, sizeof err), 0);
    static const char *const empty[] = {
        "SELECT COUNT(*) FROM council_terms", "SELECT COUNT(*) FROM council_bodies",
        "SELECT COUNT(*) FROM delegates", "SELECT COUNT(*) FROM persons",
        "SELECT COUNT(*) FROM council_memberships", "SELECT COUNT(*) FROM delegate_modes",
        "SELECT COUNT(*) FROM council_changes", "SELECT COUNT(*) FROM council_constituencies",
    };
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) CHECK_INT(count(db, empty[i]), 0);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM units"), units);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM councils"), 683);
    CHECK_INT(count(db, "SELECT COUNT(*) FROM council_positions"), 11);
    gone(db, dir);
}

int main(void)
{
    t_prog = "unit_council_demo";
    RUN(test_councils_and_city_term);
    RUN(test_deterministic);
    RUN(test_remove_keeps_structure);
    return t_done();
}
