/* unit_units.c - administrative units (unit.c, unit_import.c) against a
 * fresh migrated SQLite database: name normalisation (NFC, one tone-mark
 * placement), "as of" days, the Hanoi import from ../shared/data (counts,
 * (code, period) keys, the succession map), a second import that doubles
 * nothing, the national file, and refusals that write nothing. */
#include <stdlib.h>
#include <unistd.h>

#include "db.h"
#include "t.h"
#include "unit.h"
#include "unit_import.h"
#include "vn.h"

#define DATA "../shared/data"

static char dir[256];
static Db *db;

static int64_t count(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-units-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static int64_t day(const char *s)
{
    int64_t t = 0;
    if (unit_parse_day(s, &t) != 0) { fprintf(stderr, "bad day %s\n", s); exit(1); }
    return t;
}

TEST(test_name_norm)
{
    Arena *a = arena_new();
    CHECK_STR(unit_name_norm(a, "Phường Yên Hoà"), "Phường Yên Hòa");
    CHECK_STR(unit_name_norm(a, "Phường Yên Hòa"), "Phường Yên Hòa");
    CHECK_STR(unit_name_norm(a, "Xã Thuỵ Lâm"), "Xã Thụy Lâm");
    CHECK_STR(unit_name_norm(a, "Xã Hoà Xá"), "Xã Hòa Xá");
    CHECK_STR(unit_name_norm(a, "Khoẻ"), "Khỏe");
    CHECK_STR(unit_name_norm(a, "HOÀ"), "HÒA");
    /* untouched: "qu" is one consonant, a final consonant keeps the mark */
    CHECK_STR(unit_name_norm(a, "Phường Quý"), "Phường Quý");
    CHECK_STR(unit_name_norm(a, "Xã Hoàng Long"), "Xã Hoàng Long");
    CHECK_STR(unit_name_norm(a, "Thị trấn Trâu Quỳ"), "Thị trấn Trâu Quỳ");
    CHECK_STR(unit_name_norm(a, "Xã Vĩnh Quỳnh"), "Xã Vĩnh Quỳnh");
    CHECK_STR(unit_name_norm(a, "Huyện Hoài Đức"), "Huyện Hoài Đức");
    /* decomposed input (NFD "ờ" = o + horn + grave) comes out NFC; spaces collapse */
    CHECK_STR(unit_name_norm(a, "  Phu\xcc\x9bo\xcc\x9b\xcc\x80ng   Ba Đình "), "Phường Ba Đình");
    CHECK(unit_name_norm(a, "bad \xff") == NULL);
    arena_free(a);
}

TEST(test_parse_day)
{
    int64_t t = 0, u = 0;
    CHECK_INT(unit_parse_day("15/3/2024", &t), 0);
    CHECK_INT(unit_parse_day("2024-03-15", &u), 0);
    CHECK_INT(t, u);
    CHECK_INT(vn_day_number(t), 20240315);
    CHECK_INT(unit_parse_day("1/7/2025", &t), 0);
    CHECK_INT(t, unit_dates()->reform_from);
    static const char *const bad[] = {
        "", "abc", "32/1/2024", "29/2/2023", "15/3/24", "15/13/2024", "15/3/2024 10:00",
        "2024-3-15x", "0/1/2024", "15/3/1800", "15/3/2024'", "-1/3/2024", "15.3.2024",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t x = 7;
        CHECK_INT(unit_parse_day(bad[i], &x), -1);
        CHECK_INT(x, 7);
    }
    CHECK_INT(unit_parse_day(NULL, &t), -1);
}

static const char *const tables[] = {
    "SELECT COUNT(*) FROM units", "SELECT COUNT(*) FROM unit_successions",
    "SELECT COUNT(*) FROM units WHERE valid_to IS NULL",
};

TEST(test_import_hanoi)
{
    setup();
    char err[512] = "";
    UnitImportStats st = {0};
    CHECK_INT(unit_import_files(db, DATA, NULL, NULL, NULL, NULL, &st, err, sizeof err), 0);
    if (err[0]) fprintf(stderr, "import: %s\n", err);
    CHECK_INT(st.added, 1 + 126 + 30 + 526);
    CHECK_INT(st.successions_added, 796);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'province'"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'commune' AND valid_to IS NULL"), 126);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE kind = 'phuong' AND valid_to IS NULL"), 51);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE kind = 'xa' AND valid_to IS NULL"), 75);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'district'"), 30);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'commune' AND valid_to IS NOT NULL"), 526);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE kind = 'phuong' AND valid_to IS NOT NULL"), 160);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE kind = 'thi-tran'"), 21);
    /* every former commune went somewhere; 200 were split */
    CHECK_INT(count("SELECT COUNT(*) FROM units u WHERE u.level = 'commune' AND u.valid_to IS NOT NULL"
                    " AND NOT EXISTS (SELECT 1 FROM unit_successions s WHERE s.old_unit_id = u.id)"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM (SELECT old_unit_id FROM unit_successions GROUP BY old_unit_id"
                    " HAVING COUNT(*) > 1) x"), 200);
    CHECK_INT(count("SELECT COUNT(*) FROM unit_successions WHERE kind = 'full'"), 326);
    Arena *a = arena_new();
    /* a code reused across the reform: two units */
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE code = '00004'"), 2);
    Unit u;
    CHECK_INT(unit_by_slug(db, a, "phuong-ba-dinh", day("2/7/2025"), &u), 1);
    CHECK_STR(u.code, "00004");
    CHECK_STR(u.parent_name, "Thành phố Hà Nội");
    CHECK_INT(unit_by_slug(db, a, "phuong-ba-dinh", day("15/3/2024"), &u), 0);
    CHECK_INT(unit_by_slug_any(db, a, "phuong-ba-dinh", day("15/3/2024"), &u), 1);
    CHECK_INT(u.valid_from, unit_dates()->reform_from);
    CHECK_INT(unit_by_slug(db, a, "phuong-truc-bach", day("15/3/2024"), &u), 1);
    CHECK_STR(u.code, "00004");
    CHECK_STR(u.parent_name, "Quận Ba Đình");
    CHECK_INT(u.valid_to, unit_dates()->reform_from);
    CHECK_INT(unit_by_slug(db, a, "phuong-truc-bach", day("1/7/2025"), &u), 0);   /* half-open */
    CHECK_INT(unit_by_slug(db, a, "phuong-truc-bach", day("30/6/2025"), &u), 1);
    /* Trúc Bạch went fully into Ba Đình, by 1656/NQ-UBTVQH15 */
    CHECK_STR(db_text(db, a, "SELECT s.kind || ' ' || s.resolution || ' ' || n.name FROM unit_successions s"
                      " JOIN units o ON o.id = s.old_unit_id JOIN units n ON n.id = s.new_unit_id"
                      " WHERE o.slug = 'phuong-truc-bach'", ""),
              "full 1656/NQ-UBTVQH15 Phường Ba Đình");
    /* tone marks normalised: the source spells "Yên Hoà" */
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE name = 'Phường Yên Hòa'"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE name LIKE '%oà' OR name LIKE '%oà %'"), 0);
    CHECK_STR(db_text(db, a, "SELECT name_fold FROM units WHERE slug = 'phuong-ba-dinh'", ""),
              "phuong ba dinh");
    /* names that repeat among the former communes get the district in the slug */
    CHECK_INT(count("SELECT COUNT(*) FROM (SELECT slug FROM units GROUP BY slug, valid_from"
                    " HAVING COUNT(*) > 1) x"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE name = 'Xã Tân Minh'"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE slug = 'xa-tan-minh-thuong-tin'"), 1);
    arena_free(a);
    teardown();
}

TEST(test_import_twice_doubles_nothing)
{
    setup();
    char err[512] = "";
    UnitImportStats st = {0};
    CHECK_INT(unit_import_files(db, DATA, NULL, NULL, NULL, NULL, &st, err, sizeof err), 0);
    int64_t before[3];
    for (int i = 0; i < 3; i++) before[i] = count(tables[i]);
    UnitImportStats again = {0};
    CHECK_INT(unit_import_files(db, DATA, NULL, NULL, NULL, NULL, &again, err, sizeof err), 0);
    for (int i = 0; i < 3; i++) CHECK_INT(count(tables[i]), before[i]);
    CHECK_INT(again.added, 0);
    CHECK_INT(again.updated, 0);
    CHECK_INT(again.unchanged, st.added);
    CHECK_INT(again.successions_added, 0);
    /* Hanoi again from the national file (other tone marks): the same rows */
    UnitImportStats nat = {0};
    CHECK_INT(unit_import_files(db, DATA, DATA "/vn_units_2026-07-25_full.json", "01", NULL, NULL, &nat,
                                err, sizeof err), 0);
    CHECK_INT(nat.added, 0);
    CHECK_INT(nat.unchanged, 127);
    for (int i = 0; i < 3; i++) CHECK_INT(count(tables[i]), before[i]);
    teardown();
}

static size_t progress_calls, progress_last;
static void progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    progress_calls++;
    if (done > total) progress_last = (size_t)-1;
    else progress_last = done;
}

TEST(test_import_national_province)
{
    setup();
    char err[512] = "";
    UnitImportStats st = {0};
    CHECK_INT(unit_import_files(db, DATA, DATA "/vn_units_2026-07-25_full.json", "79", progress, NULL, &st,
                                err, sizeof err), 0);
    CHECK(st.added > 100);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'province'"), 1);
    CHECK(progress_calls > 0);
    CHECK_INT(progress_last, (size_t)st.added - 1);
    CHECK_INT(count("SELECT COUNT(*) FROM units WHERE level = 'commune' AND parent_id ="
                    " (SELECT id FROM units WHERE code = '79')"), st.added - 1);
    /* unknown province: a clear message, nothing written */
    err[0] = 0;
    int64_t n = count("SELECT COUNT(*) FROM units");
    CHECK_INT(unit_import_files(db, DATA, DATA "/vn_units_2026-07-25_full.json", "99", NULL, NULL, &st,
                                err, sizeof err), -1);
    CHECK_CONTAINS(err, "Không có tỉnh mã 99");
    CHECK_INT(count("SELECT COUNT(*) FROM units"), n);
    teardown();
}

TEST(test_import_refusals_write_nothing)
{
    setup();
    char err[512] = "";
    UnitImportStats st = {0};
    /* the former units need the city first */
    static const char former[] = "{\"Code\":\"01\",\"District\":[{\"Code\":\"001\",\"FullName\":\"Quận Ba Đình\","
                                 "\"Ward\":[{\"Code\":\"00001\",\"FullName\":\"Phường Phúc Xá\"}]}]}";
    CHECK_INT(unit_import_former(db, former, sizeof former - 1, NULL, NULL, &st, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Chưa có tỉnh mã 01");
    /* not JSON */
    CHECK_INT(unit_import_current(db, "[{", 2, "01", NULL, NULL, &st, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không phải JSON hợp lệ");
    /* the second ward is bad: the first is not kept either */
    static const char half[] = "{\"Code\":\"01\",\"FullName\":\"Thành phố Hà Nội\",\"Wards\":["
                               "{\"Code\":\"00004\",\"FullName\":\"Phường Ba Đình\"},"
                               "{\"Code\":\"00008\",\"FullName\":\"Khu Ngọc Hà\"}]}";
    CHECK_INT(unit_import_current(db, half, sizeof half - 1, "01", NULL, NULL, &st, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Không nhận ra loại đơn vị của \"Khu Ngọc Hà\"");
    CHECK_INT(count("SELECT COUNT(*) FROM units"), 0);
    /* a code cannot be two units on the same day */
    static const char one[] = "{\"Code\":\"01\",\"FullName\":\"Thành phố Hà Nội\",\"Wards\":["
                              "{\"Code\":\"00004\",\"FullName\":\"Phường Ba Đình\"}]}";
    CHECK_INT(unit_import_current(db, one, sizeof one - 1, "01", NULL, NULL, &st, err, sizeof err), 0);
    CHECK_INT(db_exec(db, "INSERT INTO units (code, level, kind, name, short_name, name_fold, slug, valid_from)"
                          " VALUES ('00009', 'commune', 'phuong', 'Phường X', 'X', 'phuong x', 'phuong-x', ?1)",
                      "l", unit_dates()->city_from), DB_OK);
    static const char former2[] = "{\"Code\":\"01\",\"District\":[{\"Code\":\"001\",\"FullName\":\"Quận Ba Đình\","
                                  "\"Ward\":[{\"Code\":\"00009\",\"FullName\":\"Phường Phúc Xá\"}]}]}";
    int64_t n = count("SELECT COUNT(*) FROM units");
    CHECK_INT(unit_import_former(db, former2, sizeof former2 - 1, NULL, NULL, &st, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Mã 00009");
    CHECK_INT(count("SELECT COUNT(*) FROM units"), n);
    teardown();
}

int main(void)
{
    t_prog = "unit_units";
    RUN(test_name_norm);
    RUN(test_parse_day);
    RUN(test_import_hanoi);
    RUN(test_import_twice_doubles_nothing);
    RUN(test_import_national_province);
    RUN(test_import_refusals_write_nothing);
    return t_done();
}
