/* report_board.c - the campaign board and its aggregate over 126 councils
 * × 40 fields, rendered in-process and uncached (issue 9: goal < 50 ms),
 * against the council directory rendered in the same run as the yardstick.
 *
 *   build/bench/report_board [N]
 *
 * A fresh demo database gets a 40-field template (30 numbers, 5 yes/no,
 * 3 choices, 2 narratives) and a campaign to the 126 communes, every
 * report submitted and accepted.  Each render is the real handler
 * (page_report.c: the board, the status chart, the aggregate with its
 * charts; and the CSV export) on a request built here, with its own arena. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "demo.h"
#include "http.h"
#include "page.h"
#include "page_council.h"
#include "report.h"
#include "tmpl.h"
#include "vn.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int render(Db *db, int (*h)(Req *), const char *path, int64_t council, const char *arg1, size_t *bytes)
{
    Req r;
    memset(&r, 0, sizeof r);
    r.arena = arena_new();
    r.method = "GET";
    r.path = path;
    r.db = db;
    r.now = (int64_t)time(NULL);
    r.csrf = "";
    r.council_id = council;
    buf_init(&r.out, r.arena);
    if (council) {
        r.args[0] = arena_printf(r.arena, "%lld", (long long)council);
        r.args[1] = arg1;
        r.nargs = 2;
    }
    int status = h(&r);
    *bytes = r.out.len;
    arena_free(r.arena);
    return status;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    if (n < 1) n = 1;
    char err[512] = "", dir[64], path[128], files[128];
    config_defaults(&cfg);
    snprintf(dir, sizeof dir, "/tmp/hd-bench-board-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    snprintf(path, sizeof path, "%s/t.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    Db *db = db_open(path, 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    int64_t now = (int64_t)time(NULL);
    if (demo_load(db, files, now, err, sizeof err) != 0) { fprintf(stderr, "demo: %s\n", err); return 1; }
    if (tmpl_load(NULL, err, sizeof err) != 0) { fprintf(stderr, "templates: %s\n", err); return 1; }
    int64_t city = db_int(db, 0, "SELECT id FROM councils WHERE level = 'province' AND valid_to IS NULL", "");

    /* 40 fields */
    ReportFieldIn f[40];
    char codes[40][16], labels[40][64];
    for (int i = 0; i < 40; i++) {
        snprintf(codes[i], sizeof codes[i], "f%02d", i);
        snprintf(labels[i], sizeof labels[i], "Chỉ tiêu số %d", i + 1);
        f[i] = (ReportFieldIn){codes[i], labels[i], i < 30 ? "number" : i < 35 ? "yesno" : i < 38 ? "choice" : "text",
                               i < 30 ? "việc" : "", i >= 35 && i < 38 ? "Tốt\nKhá\nTrung bình\nChưa đạt" : "", "", 0};
    }
    int64_t tpl = 0, ver = 0, camp = 0;
    int64_t from = 0, to = 0;
    vn_parse_datetime("2026-01-01", &from);
    vn_parse_datetime("2026-12-31", &to);
    if (db_begin(db) != DB_OK || report_template_add(db, city, "Mẫu đo tốc độ", 0, &tpl, err, sizeof err) != 0
        || report_template_version_add(db, tpl, f, 40, now, &ver, err, sizeof err) != 0) {
        fprintf(stderr, "template: %s\n", err);
        return 1;
    }
    ReportCampaignIn in = {.council_id = city, .version_id = ver, .title = "Đợt đo tốc độ", .kind = "year",
                           .period_from = from, .period_to = to, .deadline = to, .now = now};
    if (report_campaign_add(db, &in, &camp, err, sizeof err) != 0) { fprintf(stderr, "campaign: %s\n", err); return 1; }
    Stmt *st = db_prepare(db, "SELECT id FROM councils WHERE parent_id = ?1 AND valid_to IS NULL AND level = 'commune'");
    db_bind_int(st, 1, city);
    int64_t ids[200];
    int nc = 0;
    while (nc < 200 && db_step(st) == DB_ROW) ids[nc++] = db_col_int(st, 0);
    db_done(st);
    uint64_t x = 88172645463325252ull;
    for (int c = 0; c < nc; c++) {
        if (report_target_add(db, camp, ids[c], err, sizeof err) != 0) { fprintf(stderr, "%s\n", err); return 1; }
        ReportValueIn v[40];
        char buf[40][32];
        static const char *const marks[] = {"Tốt", "Khá", "Trung bình", "Chưa đạt"};
        for (int i = 0; i < 40; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (i < 30) snprintf(buf[i], sizeof buf[i], "%d", (int)(x % 500));
            else if (i < 35) snprintf(buf[i], sizeof buf[i], "%d", (int)(x % 2));
            else if (i < 38) snprintf(buf[i], sizeof buf[i], "%s", marks[x % 4]);
            else snprintf(buf[i], sizeof buf[i], "Nội dung %d", (int)(x % 1000));
            v[i].code = codes[i];
            v[i].text = buf[i];
        }
        int64_t rid = 0;
        if (report_save(db, camp, ids[c], v, 40, 0, 1, "bench", now, &rid, err, sizeof err) != 0
            || report_decide(db, rid, 1, "", "bench", now, err, sizeof err) != 0) {
            fprintf(stderr, "report: %s\n", err);
            return 1;
        }
    }
    if (db_commit(db) != DB_OK) { fprintf(stderr, "commit\n"); return 1; }
    char campaign_arg[32];
    snprintf(campaign_arg, sizeof campaign_arg, "%lld", (long long)camp);
    printf("campaign: %d councils × 40 fields, all accepted (%lld values)\n", nc,
           (long long)db_int(db, 0, "SELECT COUNT(*) FROM report_values v JOIN reports r ON r.id = v.report_id"
                                    " WHERE r.campaign_id = ?1", "l", camp));
    static const struct { const char *label; int (*h)(Req *); int board; } cases[] = {
        {"yardstick: council directory", page_council_directory, 0},
        {"campaign board + aggregate", page_admin_campaign, 1},
        {"campaign export (CSV)", page_admin_campaign_export, 1},
    };
    double *t = malloc((size_t)n * sizeof *t), yard = 0;
    int ret = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t bytes = 0;
        for (int i = 0; i < n; i++) {
            double t0 = now_ms();
            int status = cases[c].board ? render(db, cases[c].h, "/quan-tri/hoi-dong/x/dot-bao-cao/y", city, campaign_arg, &bytes)
                                        : render(db, cases[c].h, "/hoi-dong", 0, NULL, &bytes);
            t[i] = now_ms() - t0;
            if (status != 200) { fprintf(stderr, "%s: status %d\n", cases[c].label, status); ret = 1; break; }
        }
        qsort(t, (size_t)n, sizeof *t, cmp);
        if (c == 0) yard = t[n / 2];
        printf("%-32s %7zu bytes  median %7.3f ms  p95 %7.3f ms  %5.1f× the directory%s\n", cases[c].label, bytes,
               t[n / 2], t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], yard > 0 ? t[n / 2] / yard : 0,
               c == 1 ? "  (goal < 50 ms)" : "");
    }
    free(t);
    db_close(db);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    return ret;
}
