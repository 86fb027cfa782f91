/* council_render.c - render the council pages in-process, uncached, N
 * times each, and print the time per render (issue 8: the directory and a
 * council page under 5 ms with the 127 current and 556 former councils).
 *
 *   build/bench/council_render [N] [DB]
 *
 * Without DB a fresh database in a temp directory gets `hoidong demo`
 * (units, councils, sample delegates).  Each render is the real handler
 * (page_council.c) on a request built here, with its own arena: the SQL,
 * the layout context (menu, sidebar) and the templates, without HTTP and
 * without the page cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "db.h"
#include "demo.h"
#include "http.h"
#include "page_council.h"
#include "tmpl.h"

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

/* One request: path, optional query name=value, the slug capture. */
static int render(Db *db, int (*h)(Req *), const char *path, const char *qname, const char *qvalue,
                  const char *arg, size_t *bytes)
{
    Req r;
    memset(&r, 0, sizeof r);
    r.arena = arena_new();
    r.method = "GET";
    r.path = path;
    r.db = db;
    r.now = (int64_t)time(NULL);
    r.csrf = "";
    buf_init(&r.out, r.arena);
    if (qname) {
        Param *p = arena_alloc(r.arena, sizeof *p);
        p->name = qname;
        p->value = qvalue;
        p->len = strlen(qvalue);
        r.query = p;
    }
    if (arg) { r.args[0] = arg; r.nargs = 1; }
    int status = h(&r);
    *bytes = r.out.len;
    arena_free(r.arena);
    return status;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 1) n = 1;
    char err[512] = "", dir[64] = "", path[128];
    config_defaults(&cfg);
    const char *dbpath = argc > 2 ? argv[2] : NULL;
    if (!dbpath) {
        snprintf(dir, sizeof dir, "/tmp/hd-bench-council-XXXXXX");
        if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
        snprintf(path, sizeof path, "%s/t.db", dir);
        dbpath = path;
    }
    Db *db = db_open(dbpath, 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    if (argc <= 2) {
        char files[128];
        snprintf(files, sizeof files, "%s/files", dir);
        if (demo_load(db, files, (int64_t)time(NULL), err, sizeof err) != 0) {
            fprintf(stderr, "demo: %s\n", err);
            return 1;
        }
    }
    if (tmpl_load(NULL, err, sizeof err) != 0) { fprintf(stderr, "templates: %s\n", err); return 1; }
    printf("councils: %lld current, %lld former; delegates: %lld; memberships: %lld\n",
           (long long)db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE valid_to IS NULL", ""),
           (long long)db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE valid_to IS NOT NULL", ""),
           (long long)db_int(db, 0, "SELECT COUNT(*) FROM delegates", ""),
           (long long)db_int(db, 0, "SELECT COUNT(*) FROM council_memberships", ""));
    static const struct {
        const char *label, *path, *qname, *qvalue, *arg;
        int (*h)(Req *);
    } cases[] = {
        {"directory", "/hoi-dong", NULL, NULL, NULL, page_council_directory},
        {"directory ?q=ba dinh", "/hoi-dong", "q", "ba dinh", NULL, page_council_directory},
        {"directory ?ngay=15/3/2024", "/hoi-dong", "ngay", "15/3/2024", NULL, page_council_directory},
        {"council: city (125 seats)", "/hoi-dong/thanh-pho-ha-noi", NULL, NULL, "thanh-pho-ha-noi", page_council},
        {"council: phuong Ba Dinh", "/hoi-dong/phuong-ba-dinh", NULL, NULL, "phuong-ba-dinh", page_council},
        {"before the merger", "/hoi-dong/phuong-ba-dinh/truoc-sap-nhap", NULL, NULL, "phuong-ba-dinh",
         page_council_before},
    };
    double *t = malloc((size_t)n * sizeof *t);
    int ret = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t bytes = 0;
        for (int i = 0; i < n; i++) {
            double t0 = now_ms();
            int status = render(db, cases[c].h, cases[c].path, cases[c].qname, cases[c].qvalue, cases[c].arg, &bytes);
            t[i] = now_ms() - t0;
            if (status != 200) { fprintf(stderr, "%s: status %d\n", cases[c].label, status); ret = 1; break; }
        }
        qsort(t, (size_t)n, sizeof *t, cmp);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += t[i];
        printf("%-28s %6zu bytes  median %.3f ms  p95 %.3f ms  mean %.3f ms  (%d renders)\n", cases[c].label,
               bytes, t[n / 2], t[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1], sum / n, n);
    }
    free(t);
    db_close(db);
    if (dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
    }
    return ret;
}
