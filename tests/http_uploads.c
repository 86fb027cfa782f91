/* http_uploads.c - who may send a body is decided before a byte of it is
 * stored (issue 7, item 1).  An inotify watch on the attachment store's
 * folder records every spool file (".upload-*") the server creates, so a
 * test can prove that a refused request never wrote one, not only that
 * none is left afterwards.  A normal upload first shows the watch does see
 * spool files (otherwise every "none created" check would pass vacuously).
 *
 * Cases: an anonymous chunked multipart body with file parts to the
 * sign-in form (the attack that stored 90 MB before the 403); an anonymous
 * one to the upload route; an editor without / with a wrong CSRF token on
 * the upload route; a file part on a route that takes no uploads; a
 * chunked body over the whole-body limit made of parts each under the
 * per-file limit. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db.h"
#include "t.h"
#include "tclient.h"

#define MAX_UPLOAD 65536
#define BOUNDARY "hoidongTestBoundary7"

static TServer srv;
static TClient *adm;
static Db *db;
static int watch_fd = -1;
static char files_dir[400], pdf_path[400];
static char up_path[100];       /* /quan-tri/bai-viet/<id>/tep */
static char session_cookie[300];/* "name=value" of the admin's session */

static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

/* Spool files created since the last call (drains the inotify queue). */
static int spools_created(void)
{
    int n = 0;
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t len = read(watch_fd, buf, sizeof buf);
        if (len <= 0) break;
        for (char *p = buf; p < buf + len;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            if (ev->len && !strncmp(ev->name, ".upload-", 8)) n++;
            p += sizeof *ev + ev->len;
        }
    }
    return n;
}

/* Spool files present now. */
static int spools_left(void)
{
    int n = 0;
    DIR *d = opendir(files_dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (!strncmp(e->d_name, ".upload-", 8)) n++;
    if (d) closedir(d);
    return n;
}

/* The server frees a request (and unlinks its spool files) when the
 * connection is done, which can be a moment after the client sees the
 * close: wait for it, bounded (50 x 20 ms), instead of asserting a time. */
static int spools_left_settled(void)
{
    int n = spools_left();
    for (int i = 0; i < 50 && n > 0; i++) {
        usleep(20000);
        n = spools_left();
    }
    return n;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w, n -= (size_t)w;
    }
    return 0;
}

static int send_chunk(int fd, const char *p, size_t n)
{
    char head[32];
    int hl = snprintf(head, sizeof head, "%zx\r\n", n);
    if (send_all(fd, head, (size_t)hl) || send_all(fd, p, n) || send_all(fd, "\r\n", 2)) return -1;
    return 0;
}

/* POST a chunked multipart body: the form fields "csrf" (if csrf != NULL)
 * then `parts` file parts of `part_size` bytes each, sent in 16 KiB
 * chunks.  Returns the HTTP status, 0 if the server closed the connection
 * without an answer, -1 on a local error.  cookie may be NULL. */
static int chunked_post(const char *path, const char *cookie, const char *csrf, int parts, size_t part_size)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { close(fd); return -1; }
    char head[1024];
    int hl = snprintf(head, sizeof head,
                      "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                      "Content-Type: multipart/form-data; boundary=" BOUNDARY "\r\n"
                      "Transfer-Encoding: chunked\r\n%s%s%s\r\n",
                      path, srv.port, cookie ? "Cookie: " : "", cookie ? cookie : "", cookie ? "\r\n" : "");
    int broken = send_all(fd, head, (size_t)hl);
    char part[512];
    if (!broken && csrf) {
        int n = snprintf(part, sizeof part,
                         "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n%s\r\n", csrf);
        broken = send_chunk(fd, part, (size_t)n);
    }
    static char data[16384];
    memset(data, 'A', sizeof data);
    for (int i = 0; i < parts && !broken; i++) {
        int n = snprintf(part, sizeof part,
                         "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"file%d\"; "
                         "filename=\"tep%d.pdf\"\r\nContent-Type: application/pdf\r\n\r\n", i, i);
        broken = send_chunk(fd, part, (size_t)n);
        for (size_t sent = 0; sent < part_size && !broken; sent += sizeof data) {
            size_t k = part_size - sent < sizeof data ? part_size - sent : sizeof data;
            broken = send_chunk(fd, data, k);
        }
        if (!broken) broken = send_chunk(fd, "\r\n", 2);
    }
    if (!broken) {
        const char end[] = "--" BOUNDARY "--\r\n";
        broken = send_chunk(fd, end, sizeof end - 1) || send_all(fd, "0\r\n\r\n", 5);
    }
    /* Read the answer (bounded: 5 s without data ends it). */
    char resp[4096];
    size_t got = 0;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    while (got < sizeof resp - 1 && poll(&pfd, 1, 5000) > 0) {
        ssize_t r = recv(fd, resp + got, sizeof resp - 1 - got, 0);
        if (r <= 0) break;
        got += (size_t)r;
    }
    resp[got] = 0;
    close(fd);
    int status = 0;
    if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1) status = 0;
    return status;
}

static int setup(void)
{
    char v[32];
    snprintf(v, sizeof v, "%d", MAX_UPLOAD);
    setenv("HOIDONG_MAX_UPLOAD", v, 1);
    if (ts_start(&srv, 1) != 0) return -1;
    snprintf(files_dir, sizeof files_dir, "%s/files", srv.dir);
    watch_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch_fd < 0 || inotify_add_watch(watch_fd, files_dir, IN_CREATE) < 0) {
        perror("inotify");
        return -1;
    }
    char path[400], err[256];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return -1; }
    int64_t art = db_int(db, 0, "SELECT MIN(id) FROM articles", "");
    if (art <= 0) { fprintf(stderr, "no demo article\n"); return -1; }
    snprintf(up_path, sizeof up_path, "/quan-tri/bai-viet/%lld/tep", (long long)art);
    adm = tc_new(&srv);
    if (tc_login(adm, "admin", TS_ADMIN_PASSWORD) != 0) { fprintf(stderr, "login failed\n"); return -1; }
    /* The session cookie, for the raw-socket requests. */
    struct curl_slist *cookies = NULL;
    curl_easy_getinfo(adm->curl, CURLINFO_COOKIELIST, &cookies);
    for (struct curl_slist *c = cookies; c; c = c->next) {
        /* Netscape format: domain, flag, path, secure, expiry, name, value. */
        char *f[7] = {0};
        char *line = strdup(c->data), *save = NULL, *tok = strtok_r(line, "\t", &save);
        for (int i = 0; tok && i < 7; i++, tok = strtok_r(NULL, "\t", &save)) f[i] = tok;
        if (f[5] && f[6] && strstr(f[5], "sess")) snprintf(session_cookie, sizeof session_cookie, "%s=%s", f[5], f[6]);
        free(line);
    }
    curl_slist_free_all(cookies);
    if (!*session_cookie) { fprintf(stderr, "no session cookie\n"); return -1; }
    snprintf(pdf_path, sizeof pdf_path, "%s/upload.pdf", srv.dir);
    FILE *f = fopen(pdf_path, "wb");
    if (!f) return -1;
    fwrite(pdf_bytes, 1, sizeof pdf_bytes - 1, f);
    fclose(f);
    spools_created();
    return 0;
}

/* The watch works: a normal upload is spooled, attached, and cleaned up. */
TEST(test_editor_upload_spools_and_attaches)
{
    int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM attachments", "");
    TResp *res = tc_post_multipart(adm, up_path, "csrf", adm->csrf, "title", "Tệp thử", "@file", pdf_path,
                                   "Nghị quyết.pdf", NULL);
    CHECK_INT(res->status, 303);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments", ""), before + 1);
    CHECK(spools_created() >= 1);
    CHECK_INT(spools_left_settled(), 0);
}

/* The attack of the issue: anonymous, chunked, six file parts, sign-in form. */
TEST(test_anonymous_chunked_files_to_sign_in)
{
    int st = chunked_post("/quan-tri/dang-nhap", NULL, NULL, 6, 40000);
    CHECK(st == 400 || st == 0);
    CHECK_INT(spools_created(), 0);
    CHECK_INT(spools_left_settled(), 0);
}

TEST(test_anonymous_to_upload_route)
{
    int st = chunked_post(up_path, NULL, NULL, 2, 40000);
    CHECK_INT(st, 403);
    CHECK_INT(spools_created(), 0);
}

TEST(test_editor_without_or_with_wrong_csrf)
{
    int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM attachments", "");
    int st = chunked_post(up_path, session_cookie, NULL, 1, 40000);
    CHECK_INT(st, 403);
    CHECK_INT(spools_created(), 0);
    TResp *res = tc_post_multipart(adm, up_path, "csrf", "sai-ma", "@file", pdf_path, "x.pdf", NULL);
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "mã bảo vệ biểu mẫu");
    CHECK_INT(spools_created(), 0);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments", ""), before);
}

TEST(test_file_part_on_route_without_uploads)
{
    int64_t cats = db_int(db, 0, "SELECT COUNT(*) FROM categories", "");
    TResp *res = tc_post_multipart(adm, "/quan-tri/chuyen-muc/luu", "csrf", adm->csrf, "name", "Chuyên mục thử",
                                   "slug", "", "parent_id", "0", "position", "9", "@file", pdf_path, "x.pdf", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "không nhận tệp đính kèm");
    CHECK_INT(spools_created(), 0);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM categories", ""), cats);
}

/* Five parts of 40 kB: each under the 64 KiB per-file limit, together over
 * the whole-body limit (64 KiB + 64 KiB).  Chunked, so there is no length
 * to refuse up front: the server closes the connection and keeps nothing. */
TEST(test_chunked_body_over_whole_limit)
{
    int64_t before = db_int(db, 0, "SELECT COUNT(*) FROM attachments", "");
    int st = chunked_post(up_path, session_cookie, adm->csrf, 5, 40000);
    CHECK(st == 0 || st == 413);
    CHECK_INT(spools_left_settled(), 0);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments", ""), before);
    spools_created();
    /* The server still answers. */
    TResp *res = tc_get(adm, "/");
    CHECK_INT(res->status, 200);
}

int main(void)
{
    t_prog = "http_uploads";
    if (setup() != 0) {
        fprintf(stderr, "setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_editor_upload_spools_and_attaches);
    RUN(test_anonymous_chunked_files_to_sign_in);
    RUN(test_anonymous_to_upload_route);
    RUN(test_editor_without_or_with_wrong_csrf);
    RUN(test_file_part_on_route_without_uploads);
    RUN(test_chunked_body_over_whole_limit);
    tc_free(adm);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
