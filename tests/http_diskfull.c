/* http_diskfull.c - what the server does when its disk fills up (issue 4,
 * durability): a write answers 503 with a clear Vietnamese message, reads
 * keep working, nothing half-written is left, and writes succeed again as
 * soon as space returns.
 *
 * The disk is real: the test server's directory (database, WAL, file
 * store, log) is moved onto a small tmpfs mounted for the test, and a
 * filler file takes the free space until writes fail with ENOSPC.  Needs
 * root (mount); without it the test is counted as skipped (never as passed).
 * The tmpfs is unmounted at exit even when a check fails. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include "db.h"
#include "t.h"
#include "tclient.h"

#define FULL_MSG "Hệ thống tạm thời không thể lưu dữ liệu"

static TServer srv;
static TClient *adm, *pub;
static char mnt[256];        /* the mounted directory (= srv.dir) while mounted */
static char filler[400];
static char cat_id[32];

/* Stop the server cleanly (SIGTERM, wait); leaves srv.pid = 0. */
static void stop_server(void)
{
    if (srv.pid <= 0) return;
    kill(srv.pid, SIGTERM);
    for (int i = 0; i < 200; i++) {
        if (waitpid(srv.pid, NULL, WNOHANG) == srv.pid) { srv.pid = 0; return; }
        usleep(50 * 1000);
    }
    kill(srv.pid, SIGKILL);
    waitpid(srv.pid, NULL, 0);
    srv.pid = 0;
}

static void unmount_now(void)
{
    if (!mnt[0]) return;
    stop_server();
    if (umount2(mnt, MNT_DETACH) != 0) fprintf(stderr, "umount %s: %s\n", mnt, strerror(errno));
    mnt[0] = 0;
}

static void show_log_tail(void)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "tail -n 15 '%s/server.log' >&2", srv.dir);
    if (system(cmd) != 0) {}
}

/* Bytes used under dir (du -sk), -1 on error. */
static long long used_kb(const char *dir)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "du -sk '%s'", dir);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    long long kb = -1;
    if (fscanf(p, "%lld", &kb) != 1) kb = -1;
    pclose(p);
    return kb;
}

static long long avail_kb(const char *dir)
{
    struct statvfs v;
    if (statvfs(dir, &v) != 0) return -1;
    return (long long)v.f_bavail * (long long)v.f_frsize / 1024;
}

/* Fill the file system holding path until write() fails with ENOSPC.
 * Returns the bytes written, -1 if some other error stopped it. */
static long long fill_disk(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    long long total = 0;
    for (size_t chunk = sizeof block; chunk >= 1; chunk /= 16) {
        for (;;) {
            ssize_t w = write(fd, block, chunk);
            if (w > 0) { total += w; continue; }
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && errno != ENOSPC) { close(fd); return -1; }
            break;
        }
    }
    close(fd);
    return total;
}

/* Move the started server's directory onto a fresh tmpfs with `spare_kb`
 * of room beyond what it holds now, and restart the server there. */
static int move_to_tmpfs(long long spare_kb)
{
    stop_server();
    long long kb = used_kb(srv.dir);
    if (kb < 0) return -1;
    char stash[] = "/tmp/hdfull-stash-XXXXXX";
    if (!mkdtemp(stash)) return -1;
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/'", srv.dir, stash);
    if (system(cmd) != 0) return -1;
    char opts[64];
    snprintf(opts, sizeof opts, "size=%lldk,mode=0700", kb + spare_kb);
    if (mount("tmpfs", srv.dir, "tmpfs", 0, opts) != 0) {
        fprintf(stderr, "mount tmpfs on %s: %s\n", srv.dir, strerror(errno));
        return -1;
    }
    snprintf(mnt, sizeof mnt, "%s", srv.dir);
    atexit(unmount_now);
    snprintf(cmd, sizeof cmd, "cp -a '%s/.' '%s/' && rm -rf '%s'", stash, srv.dir, stash);
    if (system(cmd) != 0) return -1;
    printf("diskfull: server directory on a tmpfs of %lld KB (%lld KB used)\n", kb + spare_kb, kb);
    return ts_restart_kill(&srv);   /* pid is 0: just starts it again */
}

static int64_t count_title(const char *title)
{
    char path[400], err[256];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    Db *db = db_open(path, 0, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return -1; }
    int64_t n = db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE title = ?1", "t", title);
    db_close(db);
    return n;
}

static TResp *save_article(const char *title, const char *body)
{
    return tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", title, "slug", "",
                   "category_id", cat_id, "summary", "Tóm tắt", "body", body, "author", "Tổ thử nghiệm",
                   "status", "published", "published_at", "", NULL);
}

/* A body big enough that its WAL frames cannot fit in a partly used page. */
static char *big_body(size_t n)
{
    char *b = malloc(n + 1);
    const char *w = "Nội dung thử nghiệm khi ổ đĩa đầy. ";
    size_t wl = strlen(w), i = 0;
    while (i + wl < n) { memcpy(b + i, w, wl); i += wl; }
    b[i] = 0;
    return b;
}

static char article_path[512];

TEST(test_full_disk)
{
    /* Before: a write works and the article page reads. */
    TResp *res = save_article("Bài trước khi ổ đĩa đầy", "Nội dung.");
    CHECK_INT(res->status, 303);
    res = tc_get(pub, article_path);
    CHECK_INT(res->status, 200);

    snprintf(filler, sizeof filler, "%s/filler.bin", srv.dir);
    long long filled = fill_disk(filler);
    CHECK(filled >= 0);
    printf("diskfull: filler took %lld KB, %lld KB left\n", filled / 1024, avail_kb(srv.dir));

    /* A write now fails with the clear message, as 503 with Retry-After. */
    char *body = big_body(40 * 1024);   /* urlencoded it stays under max_form */
    res = save_article("Bài viết khi ổ đĩa đầy", body);
    printf("diskfull: article save on a full disk -> %ld\n", res->status);
    CHECK_INT(res->status, 503);
    CHECK_CONTAINS(res->body, FULL_MSG);
    CHECK_NOT_CONTAINS(res->body, "SQLITE");
    char *ra = tc_header(res, "Retry-After");
    CHECK(ra != NULL);
    free(ra);

    /* An upload that cannot be spooled (ENOSPC) also answers 503. */
    char up_url[128], up_file[400];
    int64_t any = 0;
    {
        char path[400], err[256];
        snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
        Db *db = db_open(path, 0, err, sizeof err);
        if (db) { any = db_int(db, 0, "SELECT MIN(id) FROM articles", ""); db_close(db); }
    }
    snprintf(up_url, sizeof up_url, "/quan-tri/bai-viet/%lld/tep", (long long)any);
    snprintf(up_file, sizeof up_file, "/tmp/hdfull-upload-%d.pdf", (int)getpid());
    FILE *f = fopen(up_file, "w");
    if (f) {
        fputs("%PDF-1.4\n", f);
        for (int i = 0; i < 20000; i++) fputs("% padding padding padding\n", f);
        fclose(f);
    }
    res = tc_post_multipart(adm, up_url, "csrf", adm->csrf, "title", "Tệp khi đầy", "@file", up_file, "day.pdf", NULL);
    printf("diskfull: upload on a full disk -> %ld\n", res->status);
    CHECK_INT(res->status, 503);
    CHECK_CONTAINS(res->body, FULL_MSG);
    unlink(up_file);

    /* A reader's rating (public form) answers the same way. */
    res = tc_get(pub, article_path);
    char *csrf = res->status == 200 ? tc_input_value(res->body, "csrf") : NULL;
    char rate_url[600];
    snprintf(rate_url, sizeof rate_url, "%s/danh-gia", article_path);
    res = tc_post(pub, rate_url, "csrf", csrf ? csrf : "", "sao", "4", NULL);
    printf("diskfull: rating on a full disk -> %ld\n", res->status);
    CHECK_INT(res->status, 503);
    CHECK_CONTAINS(res->body, FULL_MSG);

    /* Reads keep working: the home page and an article. */
    res = tc_get(pub, "/");
    CHECK_INT(res->status, 200);
    res = tc_get(pub, article_path);
    CHECK_INT(res->status, 200);
    res = tc_get(pub, "/healthz");
    CHECK_INT(res->status, 200);

    /* Space returns: the same write succeeds, without a restart. */
    CHECK_INT(unlink(filler), 0);
    res = tc_post(pub, rate_url, "csrf", csrf ? csrf : "", "sao", "4", NULL);
    printf("diskfull: rating after space returned -> %ld\n", res->status);
    CHECK_INT(res->status, 303);
    free(csrf);
    res = save_article("Bài viết sau khi có lại chỗ trống", body);
    printf("diskfull: article save after space returned -> %ld\n", res->status);
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    if (loc) {
        res = tc_get(adm, loc);
        CHECK_INT(res->status, 200);
        CHECK_CONTAINS(res->body, "Bài viết sau khi có lại chỗ trống");
        free(loc);
    }
    free(body);
    if (t_cur_failed) show_log_tail();

    /* With the server stopped: nothing of the failed write, one copy of the
     * later one, and the database is intact. */
    stop_server();
    CHECK_INT(count_title("Bài viết khi ổ đĩa đầy"), 0);
    CHECK_INT(count_title("Bài viết sau khi có lại chỗ trống"), 1);
    CHECK_INT(count_title("Bài trước khi ổ đĩa đầy"), 1);
    char *out = NULL;
    CHECK_INT(ts_cmd(&srv, &out, "check"), 0);
    CHECK_CONTAINS(out, "ok");
    free(out);
}

int main(void)
{
    t_prog = "http_diskfull";
    if (geteuid() != 0) {
        /* Counted as skipped in the summary line and in make test's total. */
        T_SKIP(test_full_disk, "not root, cannot mount a tmpfs to fill (run as root to test)");
        return t_done();
    }
    if (t_pg()) {
        /* The disk that fills here is the one of the SQLite file; a full disk
         * on the PostgreSQL server is that server's own (ENOSPC there). */
        T_SKIP(test_full_disk, "fills a tmpfs under the SQLite file: not the PostgreSQL server's disk");
        return t_done();
    }
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "server did not start\n");
        t_failed++;
        return t_done();
    }
    adm = tc_new(&srv);
    pub = tc_new(&srv);
    int ok = tc_login(adm, "admin", TS_ADMIN_PASSWORD) == 0;
    /* A category for new articles and a published article to read. */
    {
        char path[400], err[256];
        snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
        Db *db = db_open(path, 0, err, sizeof err);
        Arena *a = arena_new();
        char *slug = NULL;
        if (db) {
            snprintf(cat_id, sizeof cat_id, "%lld",
                     (long long)db_int(db, 0, "SELECT MIN(id) FROM categories", ""));
            slug = db_text(db, a, "SELECT slug FROM articles WHERE status = 'published' ORDER BY id LIMIT 1", "");
            db_close(db);
        }
        snprintf(article_path, sizeof article_path, "/bai-viet/%s", slug ? slug : "khong-co");
        arena_free(a);
    }
    if (!ok || move_to_tmpfs(3 * 1024) != 0) {
        fprintf(stderr, "set-up failed (login %d)\n", ok);
        t_failed++;
    } else {
        RUN(test_full_disk);
    }
    tc_free(adm);
    tc_free(pub);
    unmount_now();
    ts_stop(&srv);
    return t_done();
}
