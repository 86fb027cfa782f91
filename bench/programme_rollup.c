/* programme_rollup.c - the progress roll-up over a five-level tree of 5,000
 * tasks (issue 9: goal under 20 ms), against a yardstick in the same run.
 *
 *   build/bench/programme_rollup [N_TASKS] [REPEAT]
 *
 * Two figures, each the median of REPEAT runs (default 5,000 tasks, 51
 * runs):
 *   rollup   prog_rollup on a tree already in memory (children, shares,
 *            weighted means, flags);
 *   load     prog_tree_load from a fresh SQLite database holding the same
 *            tree with one update per leaf: the two queries, the index, the
 *            roll-up and the display order, as the programme page does it.
 * Yardstick: qsort of N_TASKS doubles, timed in the same process, so the
 * ratio says how many sorts of that size one roll-up costs on this
 * machine, whatever the machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "db.h"
#include "demo.h"
#include "programme.h"
#include "vn.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* Parents for a five-level tree of n nodes: levels of 5, 25, 125, 625 and
 * the rest, each node under a random node of the level above. */
static void shape(int n, int *parent, int *level_start)
{
    int sizes[5] = {5, 25, 125, 625, 0};
    sizes[4] = n - 780;
    int at = 0;
    for (int l = 0; l < 5; l++) {
        level_start[l] = at;
        for (int k = 0; k < sizes[l]; k++, at++)
            parent[at] = l == 0 ? -1 : level_start[l - 1] + (int)(next() % (uint64_t)sizes[l - 1]);
    }
    level_start[5] = at;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 5000, repeat = argc > 2 ? atoi(argv[2]) : 51;
    if (n < 1000 || repeat < 1) { fprintf(stderr, "usage: programme_rollup [N_TASKS>=1000] [REPEAT]\n"); return 2; }
    int *parent = malloc((size_t)n * sizeof *parent), lv[6];
    shape(n, parent, lv);
    int64_t start = 0, due = 0, today = 0;
    vn_parse_datetime("2026-01-01", &start);
    vn_parse_datetime("2026-12-31", &due);
    vn_parse_datetime("2026-07-01", &today);

    /* in memory */
    ProgNode *nodes = calloc((size_t)n, sizeof *nodes);
    double *t_roll = malloc((size_t)repeat * sizeof *t_roll), *t_sort = malloc((size_t)repeat * sizeof *t_sort);
    double *vals = malloc((size_t)n * sizeof *vals);
    double total = 0;
    for (int r = 0; r < repeat; r++) {
        for (int i = 0; i < n; i++) {
            nodes[i] = (ProgNode){.id = i + 1, .parent = parent[i], .starts_on = start, .due_on = due,
                                  .weight = (next() % 4) ? (double)(1 + next() % 5) : 0};
            if (i >= lv[4]) nodes[i].has_own = 1, nodes[i].own = (double)(next() % 101);
            vals[i] = (double)(next() % 100000);
        }
        double t0 = now_ms();
        if (prog_rollup(nodes, n, today, &total) != 0) { fprintf(stderr, "roll-up refused the tree\n"); return 1; }
        double t1 = now_ms();
        qsort(vals, (size_t)n, sizeof *vals, cmp_double);
        double t2 = now_ms();
        t_roll[r] = t1 - t0;
        t_sort[r] = t2 - t1;
    }

    /* from the database, as the page loads it */
    char dir[] = "/tmp/hd-bench-rollup-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], files[300], err[512] = "";
    snprintf(path, sizeof path, "%s/b.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    Db *db = db_open(path, 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    if (demo_load(db, files, today, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    int64_t council = db_int(db, 0, "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id"
                                    " WHERE u.slug = 'thanh-pho-ha-noi' AND c.valid_to IS NULL", "");
    ProgrammeIn p = {.council_id = council, .kind = "plan", .title = "Kế hoạch đo tốc độ", .slug = "bench-rollup",
                     .starts_on = start, .ends_on = due};
    int64_t prog = 0;
    int64_t *ids = malloc((size_t)n * sizeof *ids);
    if (db_begin(db) != DB_OK || programme_add(db, &p, &prog, err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
    for (int i = 0; i < n; i++) {
        char title[64];
        snprintf(title, sizeof title, "Nhiệm vụ %d", i + 1);
        ProgTaskIn in = {.programme_id = prog, .parent_id = parent[i] < 0 ? 0 : ids[parent[i]], .position = i,
                         .title = title, .owner_council_id = council, .starts_on = start, .due_on = due,
                         .has_weight = nodes[i].weight > 0, .weight = nodes[i].weight};
        if (prog_task_add(db, &in, &ids[i], err, sizeof err) != 0) { fprintf(stderr, "task: %s\n", err); return 1; }
        if (i >= lv[4]) {
            ProgUpdateIn u = {.task_id = ids[i], .council_id = council, .day = today, .now = today, .has_percent = 1,
                              .percent = (double)(next() % 101)};
            if (prog_update_add(db, &u, NULL, err, sizeof err) != 0) { fprintf(stderr, "update: %s\n", err); return 1; }
        }
    }
    if (db_commit(db) != DB_OK) { fprintf(stderr, "commit\n"); return 1; }
    double *t_load = malloc((size_t)repeat * sizeof *t_load);
    for (int r = 0; r < repeat; r++) {
        Arena *a = arena_new();
        ProgTree t;
        double t0 = now_ms();
        if (prog_tree_load(db, a, prog, today, &t) != 0 || t.n != n) { fprintf(stderr, "load failed\n"); return 1; }
        t_load[r] = now_ms() - t0;
        arena_free(a);
    }
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (getenv("BENCH_KEEP")) fprintf(stderr, "kept %s\n", path);   /* to look at the queries with sqlite3 */
    else if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");

    double mr = median(t_roll, repeat), ms = median(t_sort, repeat), ml = median(t_load, repeat);
    printf("tree: %d tasks on 5 levels (%d leaves), %d runs, median\n", n, n - lv[4], repeat);
    printf("roll-up in memory       %8.3f ms   (goal < 20 ms)   %6.1f× qsort of %d doubles (%.3f ms)\n", mr,
           ms > 0 ? mr / ms : 0, n, ms);
    printf("load from SQLite + roll-up %5.3f ms   (goal < 20 ms)   %6.1f× qsort\n", ml, ms > 0 ? ml / ms : 0);
    free(parent), free(nodes), free(t_roll), free(t_sort), free(vals), free(ids), free(t_load);
    return 0;
}
