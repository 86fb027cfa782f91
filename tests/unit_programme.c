/* unit_programme.c - programmes, task trees, progress and the roll-up
 * (programme.c; issue 9 items 1-2):
 *   - the roll-up: weighted mean at any depth, weights normalised among
 *     siblings, a missing weight as the siblings' mean (never zero, never
 *     a sum), all missing = equal shares; number and done targets;
 *   - flags: late (due passed, not 100 %), at risk (behind the straight
 *     line by more than PROG_RISK_POINTS), neither;
 *   - a cycle in the parents is refused by the roll-up and by the move;
 *   - bad input refused with a Vietnamese reason and nothing written: a
 *     weight of zero, negative or not a number; dates in the wrong order or
 *     outside the programme; a parent of another programme; progress over
 *     100 %, a day before the task's start or after today, an update on a
 *     parent; a link to a plan that is not above;
 *   - the loaded tree: display order, the latest update on or before the
 *     day asked ("as of"), the demo's Đề án with its five real groups. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "programme.h"
#include "t.h"
#include "vn.h"

#define DAY 86400

static char dir[200];
static Db *db;
static int64_t city, ward, other_ward, today;

static int64_t day(const char *iso)
{
    int64_t t = 0;
    vn_parse_datetime(iso, &t);
    return t;
}

static int near(double a, double b)
{
    return fabs(a - b) < 1e-9;
}

static int64_t rows(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM programmes) + (SELECT COUNT(*) FROM programme_tasks)"
                          " + (SELECT COUNT(*) FROM programme_updates) + (SELECT COUNT(*) FROM programme_goals)", "");
}

TEST(test_rollup_weights)
{
    /* 0: root A (children 1,2,3: weights 2, missing, 4 -> missing = 3; shares 2/9, 3/9, 4/9)
     * 4: root B, a leaf with no update; roots without weights: equal */
    ProgNode n[5];
    memset(n, 0, sizeof n);
    int64_t s = day("2026-01-01"), d = day("2026-12-31");
    for (int i = 0; i < 5; i++) n[i].starts_on = s, n[i].due_on = d, n[i].id = i + 1;
    n[0].parent = -1;
    n[1].parent = 0, n[1].weight = 2, n[1].has_own = 1, n[1].own = 90;
    n[2].parent = 0, n[2].has_own = 1, n[2].own = 30;
    n[3].parent = 0, n[3].weight = 4, n[3].has_own = 1, n[3].own = 0;
    n[4].parent = -1;
    double total = -1;
    CHECK_INT(prog_rollup(n, 5, day("2026-06-01"), &total), 0);
    CHECK(near(n[2].eff_weight, 3));
    CHECK_INT(n[2].weight_implied, 1);
    CHECK_INT(n[1].weight_implied, 0);
    CHECK(near(n[1].share, 2.0 / 9) && near(n[2].share, 3.0 / 9) && near(n[3].share, 4.0 / 9));
    CHECK(near(n[0].progress, (2 * 90 + 3 * 30 + 4 * 0) / 9.0));
    CHECK(near(n[4].progress, 0));
    CHECK(near(n[0].share, 0.5) && near(n[4].share, 0.5));
    CHECK(near(total, n[0].progress / 2));
    CHECK_INT(n[0].nchildren, 3);
    CHECK_INT(n[3].depth, 1);
    /* all missing: equal shares */
    n[1].weight = n[3].weight = 0;
    CHECK_INT(prog_rollup(n, 5, day("2026-06-01"), &total), 0);
    CHECK(near(n[1].share, 1.0 / 3) && near(n[0].progress, 40));
}

TEST(test_rollup_depth_and_cycle)
{
    /* a chain of five levels: the leaf's 50 % reaches the top unchanged */
    ProgNode n[5];
    memset(n, 0, sizeof n);
    for (int i = 0; i < 5; i++) {
        n[i].parent = i - 1;
        n[i].starts_on = day("2026-01-01");
        n[i].due_on = day("2026-12-31");
    }
    n[4].has_own = 1, n[4].own = 50;
    double total;
    CHECK_INT(prog_rollup(n, 5, day("2026-03-01"), &total), 0);
    CHECK(near(n[0].progress, 50) && near(total, 50));
    CHECK_INT(n[4].depth, 4);
    /* 1 -> 2 -> 3 -> 1: not a tree */
    n[1].parent = 3;
    CHECK_INT(prog_rollup(n, 5, day("2026-03-01"), &total), -1);
    n[1].parent = 1;
    CHECK_INT(prog_rollup(n, 5, day("2026-03-01"), &total), -1);
}

TEST(test_rollup_flags)
{
    ProgNode n[3];
    memset(n, 0, sizeof n);
    for (int i = 0; i < 3; i++) n[i].parent = -1, n[i].starts_on = day("2026-01-01"), n[i].due_on = day("2026-12-31");
    n[0].has_own = 1, n[0].own = 10;    /* on 1/7 the line is at ~49.6 %: at risk */
    n[1].has_own = 1, n[1].own = 40;    /* within 20 points: fine */
    n[2].due_on = day("2026-06-30");    /* due passed, nothing done: late */
    double total;
    CHECK_INT(prog_rollup(n, 3, day("2026-07-01"), &total), 0);
    CHECK_INT(n[0].at_risk, 1);
    CHECK_INT(n[0].late, 0);
    CHECK_INT(n[1].at_risk, 0);
    CHECK_INT(n[2].late, 1);
    CHECK_INT(n[2].at_risk, 0);
    CHECK(n[0].expected > 49 && n[0].expected < 50);
    /* the due day itself is still on time; the day after is late */
    CHECK_INT(prog_rollup(n, 3, day("2026-06-30"), &total), 0);
    CHECK_INT(n[2].late, 0);
    /* done is never late */
    n[2].has_own = 1, n[2].own = 100;
    CHECK_INT(prog_rollup(n, 3, day("2026-09-01"), &total), 0);
    CHECK_INT(n[2].late, 0);
}

static int64_t new_programme(int64_t council, const char *slug)
{
    ProgrammeIn p = {.council_id = council, .kind = "plan", .title = "Kế hoạch thử", .slug = slug, .publish = "full",
                     .starts_on = day("2026-01-01"), .ends_on = day("2026-12-31")};
    int64_t id = 0;
    char err[512];
    CHECK_INT(programme_add(db, &p, &id, err, sizeof err), 0);
    return id;
}

static int add(int64_t prog, int64_t parent, const char *title, const char *kind, double target, int has_w, double w,
               int64_t *id, char *err, size_t errlen)
{
    ProgTaskIn in = {.programme_id = prog, .parent_id = parent, .title = title, .owner_council_id = ward,
                     .starts_on = day("2026-02-01"), .due_on = day("2026-11-30"), .target_kind = kind,
                     .target_value = target, .target_unit = "cuộc", .has_weight = has_w, .weight = w};
    return prog_task_add(db, &in, id, err, errlen);
}

TEST(test_writers_refuse_bad_input)
{
    char err[512];
    int64_t prog = new_programme(ward, "ke-hoach-thu-1"), t = 0, t2 = 0, leaf = 0;
    int64_t before = rows();
    CHECK_INT(add(prog, 0, "Trọng số không", "percent", 0, 1, 0, &t, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Trọng số phải là số lớn hơn 0");
    CHECK_INT(add(prog, 0, "Trọng số âm", "percent", 0, 1, -2, &t, err, sizeof err), -1);
    CHECK_INT(add(prog, 0, "Trọng số NaN", "percent", 0, 1, NAN, &t, err, sizeof err), -1);
    CHECK_INT(add(prog, 0, "Chỉ tiêu số 0", "number", 0, 0, 0, &t, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Chỉ tiêu bằng số cần một giá trị lớn hơn 0");
    ProgTaskIn bad = {.programme_id = prog, .title = "Ngày ngược", .owner_council_id = ward,
                      .starts_on = day("2026-05-01"), .due_on = day("2026-04-01")};
    CHECK_INT(prog_task_add(db, &bad, &t, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Thời hạn phải từ ngày bắt đầu trở đi");
    bad.starts_on = day("2025-12-01"), bad.due_on = day("2026-03-01");
    CHECK_INT(prog_task_add(db, &bad, &t, err, sizeof err), -1);
    CHECK_CONTAINS(err, "phải nằm trong thời gian thực hiện chương trình (1/1/2026 – 31/12/2026)");
    bad.title = "";
    bad.starts_on = day("2026-02-01");
    CHECK_INT(prog_task_add(db, &bad, &t, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Thiếu tên nhiệm vụ");
    CHECK_INT(rows(), before);

    /* a tree: t (weight absent) > leaf; t2 */
    CHECK_INT(add(prog, 0, "Nhóm một", "percent", 0, 0, 0, &t, err, sizeof err), 0);
    CHECK_INT(add(prog, t, "Việc một", "number", 4, 1, 2.5, &leaf, err, sizeof err), 0);
    CHECK_INT(add(prog, leaf, "Việc con", "percent", 0, 0, 0, &t2, err, sizeof err), 0);
    /* moving t under its own grandchild closes a cycle: refused */
    CHECK_INT(prog_task_move(db, t, t2, err, sizeof err), -1);
    CHECK_CONTAINS(err, "dưới chính nó hoặc dưới một nhiệm vụ con");
    CHECK_INT(prog_task_move(db, t, t, err, sizeof err), -1);
    CHECK_INT(db_int(db, -1, "SELECT COALESCE(parent_id, 0) FROM programme_tasks WHERE id = ?1", "l", t), 0);
    /* a parent of another programme */
    int64_t prog2 = new_programme(ward, "ke-hoach-thu-2"), x = 0;
    CHECK_INT(add(prog2, t, "Sai chương trình", "percent", 0, 0, 0, &x, err, sizeof err), -1);
    CHECK_CONTAINS(err, "không thuộc chương trình này");
    CHECK_INT(prog_task_move(db, t2, 0, err, sizeof err), 0);   /* t2 to the top level: leaf is a leaf again */

    /* progress */
    ProgUpdateIn u = {.task_id = t, .council_id = ward, .username = "thu", .day = day("2026-03-01"), .today = today,
                      .now = today, .has_percent = 1, .percent = 50};
    before = rows();
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);   /* t has a child */
    CHECK_CONTAINS(err, "được tính từ 1 nhiệm vụ con");
    u.task_id = t2;
    u.percent = 100.5;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "từ 0 đến 100%");
    u.percent = NAN;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    u.percent = 40;
    u.day = day("2026-01-15");
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "trước ngày bắt đầu của nhiệm vụ (1/2/2026)");
    u.day = today + DAY;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "chưa đến");
    u.task_id = leaf, u.day = day("2026-03-01"), u.has_percent = 0;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    CHECK_CONTAINS(err, "Thiếu kết quả đạt được (cuộc)");
    u.has_value = 1, u.value = -1;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), -1);
    CHECK_INT(rows(), before);
    CHECK_INT(db_in_transaction(db), 0);
}

TEST(test_tree_load_as_of)
{
    char err[512];
    int64_t prog = new_programme(ward, "ke-hoach-thu-3"), g = 0, a = 0, b = 0, c = 0;
    CHECK_INT(add(prog, 0, "Nhóm", "percent", 0, 0, 0, &g, err, sizeof err), 0);
    CHECK_INT(add(prog, g, "Đo bằng số", "number", 4, 1, 3, &a, err, sizeof err), 0);
    CHECK_INT(add(prog, g, "Hoàn thành hay chưa", "done", 0, 1, 1, &b, err, sizeof err), 0);
    CHECK_INT(add(prog, 0, "Phần trăm", "percent", 0, 0, 0, &c, err, sizeof err), 0);
    ProgUpdateIn u = {.council_id = ward, .username = "thu", .today = today, .now = today};
    u.task_id = a, u.day = day("2026-03-01"), u.has_value = 1, u.value = 1;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), 0);
    u.day = day("2026-06-01"), u.value = 3;
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), 0);
    u = (ProgUpdateIn){.task_id = b, .council_id = ward, .day = day("2026-05-01"), .today = today, .now = today, .done = 1};
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), 0);
    u = (ProgUpdateIn){.task_id = c, .council_id = ward, .day = day("2026-04-01"), .today = today, .now = today,
                       .has_percent = 1, .percent = 20};
    CHECK_INT(prog_update_add(db, &u, NULL, err, sizeof err), 0);
    Arena *ar = arena_new();
    ProgTree t;
    CHECK_INT(prog_tree_load(db, ar, prog, day("2026-07-01"), &t), 0);
    CHECK_INT(t.n, 4);
    /* display order: Nhóm, its two children, then Phần trăm */
    CHECK_INT(t.nodes[t.order[0]].id, g);
    CHECK_INT(t.nodes[t.order[1]].id, a);
    CHECK_INT(t.nodes[t.order[2]].id, b);
    CHECK_INT(t.nodes[t.order[3]].id, c);
    int ia = t.order[1], ib = t.order[2], ig = t.order[0];
    CHECK(near(t.nodes[ia].progress, 75));             /* 3 of 4 */
    CHECK(near(t.nodes[ib].progress, 100));
    CHECK(near(t.nodes[ig].progress, 0.75 * 75 + 0.25 * 100));
    CHECK(near(t.total, (t.nodes[ig].progress + 20) / 2));
    CHECK_STR(t.info[ia].target_unit, "cuộc");
    /* as of 1/4: the first measured value (1 of 4), the done task not yet */
    CHECK_INT(prog_tree_load(db, ar, prog, day("2026-04-01"), &t), 0);
    CHECK(near(t.nodes[t.order[1]].progress, 25));
    CHECK(near(t.nodes[t.order[2]].progress, 0));
    CHECK_INT(t.info[t.order[2]].last_day, 0);
    /* as of a day before any update */
    CHECK_INT(prog_tree_load(db, ar, prog, day("2026-02-15"), &t), 0);
    CHECK(near(t.total, 0));
    arena_free(ar);
}

TEST(test_implements_only_a_plan_above)
{
    char err[512];
    int64_t up = db_int(db, 0, "SELECT t.id FROM programme_tasks t JOIN programmes p ON p.id = t.programme_id"
                               " WHERE p.slug = 'de-an-15-da-tu' AND t.code = '5.2'", "");
    CHECK(up > 0);
    int64_t mine = new_programme(ward, "ke-hoach-thu-4"), side = new_programme(other_ward, "ke-hoach-thu-5"), t = 0, s = 0;
    ProgTaskIn in = {.programme_id = mine, .title = "Thực hiện nhiệm vụ 5.2", .owner_council_id = ward,
                     .starts_on = day("2026-02-01"), .due_on = day("2026-06-30"), .implements_id = up};
    CHECK_INT(prog_task_add(db, &in, &t, err, sizeof err), 0);
    CHECK_INT(db_int(db, -1, "SELECT implements_id FROM programme_tasks WHERE id = ?1", "l", t), up);
    /* another ward's plan is not above: refused; nor the city's task implementing a ward's */
    ProgTaskIn side_in = {.programme_id = side, .title = "Liên kết ngang", .owner_council_id = other_ward,
                          .starts_on = day("2026-02-01"), .due_on = day("2026-06-30"), .implements_id = t};
    CHECK_INT(prog_task_add(db, &side_in, &s, err, sizeof err), -1);
    CHECK_CONTAINS(err, "cấp trên");
}

TEST(test_demo_programme)
{
    int64_t de_an = db_int(db, 0, "SELECT id FROM programmes WHERE slug = 'de-an-15-da-tu'", "");
    CHECK(de_an > 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM programme_goals WHERE programme_id = ?1 AND is_sample = 0", "l", de_an), 2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM programme_tasks WHERE programme_id = ?1 AND parent_id IS NULL"
                             " AND is_sample = 0", "l", de_an), 5);
    Arena *ar = arena_new();
    CHECK_STR(db_text(db, ar, "SELECT number FROM programmes WHERE id = ?1", "l", de_an), "15-ĐA/TU");
    ProgTree t;
    CHECK_INT(prog_tree_load(db, ar, de_an, day("2026-12-05"), &t), 0);
    int late = 0, risk = 0, done = 0;
    for (int i = 0; i < t.n; i++)
        if (!t.nodes[i].nchildren) late += t.nodes[i].late, risk += t.nodes[i].at_risk, done += t.nodes[i].progress >= 100;
    CHECK(late >= 1 && risk >= 1 && done >= 1);
    CHECK(t.total > 0 && t.total < 100);
    arena_free(ar);
}

int main(void)
{
    t_prog = "unit_programme";
    snprintf(dir, sizeof dir, "/tmp/hd-unit-programme-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    int64_t now = day("2026-11-27 12:00");
    if (demo_load(db, files, now, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    today = day("2026-12-05");
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1 AND c.valid_to IS NULL";
    city = db_int(db, 0, cur, "t", "thanh-pho-ha-noi");
    ward = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    other_ward = db_int(db, 0, cur, "t", "phuong-ngoc-ha");
    if (city <= 0 || ward <= 0 || other_ward <= 0) { fprintf(stderr, "councils missing\n"); return 1; }
    RUN(test_rollup_weights);
    RUN(test_rollup_depth_and_cycle);
    RUN(test_rollup_flags);
    RUN(test_writers_refuse_bad_input);
    RUN(test_tree_load_as_of);
    RUN(test_implements_only_a_plan_above);
    RUN(test_demo_programme);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return t_done();
}
