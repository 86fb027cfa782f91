/* http_testaids.c - the test aids exist only in the test build (issue 7,
 * item 2).  Against the SHIPPED binary ($HOIDONG_SHIPPED_BIN, build/hoidong):
 * HOIDONG_TEST_MODE=1 does not serve the verification-code peek (404, and
 * the log says the variable was ignored); the former config keys test_mode
 * and net_caps stop the start with a clear message; none of the knobs'
 * names is in the binary at all, while the test build has them (so this
 * check can fail).  Against the test build: its peek answers, it refuses
 * a public listen address; and for both: a second server on a port in use
 * fails to start instead of sharing it (no SO_REUSEPORT). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "t.h"
#include "tclient.h"

static char test_bin[PATH_MAX], shipped_bin[PATH_MAX];

/* An article path from the home page: "/bai-viet/<slug>" (static). */
static const char *some_article(TClient *c)
{
    static char path[512];
    TResp *res = tc_get(c, "/");
    const char *p = res->body ? strstr(res->body, "href=\"/bai-viet/") : NULL;
    if (!p) return NULL;
    p += 6;
    const char *q = strchr(p, '"');
    if (!q || (size_t)(q - p) >= sizeof path) return NULL;
    memcpy(path, p, (size_t)(q - p));
    path[q - p] = 0;
    return path;
}

/* GET the peek for a fresh code on server s; returns its status (0: no form). */
static long peek_status(TServer *s, size_t *len)
{
    TClient *c = tc_new(s);
    const char *art = some_article(c);
    long st = 0;
    if (art) {
        char path[700];
        snprintf(path, sizeof path, "%s/gui-binh-luan", art);
        TResp *res = tc_get(c, path);
        char *id = res->status == 200 ? tc_input_value(res->body, "ma_id") : NULL;
        if (id) {
            snprintf(path, sizeof path, "/xac-thuc/%s/thu-nghiem", id);
            res = tc_get(c, path);
            st = res->status;
            *len = res->len;
            free(id);
        }
    }
    tc_free(c);
    return st;
}

/* Start a server with binary bin (the environment as set by the caller). */
static int start_with(TServer *s, const char *bin)
{
    setenv("HOIDONG_BIN", bin, 1);
    int rc = ts_start(s, 1);
    setenv("HOIDONG_BIN", test_bin, 1);
    return rc;
}

TEST(test_shipped_ignores_test_mode)
{
    TServer s;
    setenv("HOIDONG_TEST_MODE", "1", 1);
    setenv("HOIDONG_TEST_NET_CAPS", "0", 1);
    int started = start_with(&s, shipped_bin);
    unsetenv("HOIDONG_TEST_NET_CAPS");
    CHECK_INT(started, 0);
    if (started) return;
    size_t len = 0;
    CHECK_INT(peek_status(&s, &len), 404);
    char log[512];
    snprintf(log, sizeof log, "%s/server.log", s.dir);
    CHECK_INT(tc_file_has(log, "HOIDONG_TEST_MODE ignored: test aids exist only in the test build"), 1);
    CHECK_INT(tc_file_has(log, "HOIDONG_TEST_NET_CAPS ignored"), 1);
    CHECK_INT(tc_file_has(log, "TEST BUILD"), 0);
    ts_stop(&s);
}

TEST(test_test_build_peek_answers)
{
    TServer s;
    setenv("HOIDONG_TEST_MODE", "1", 1);
    int started = start_with(&s, test_bin);
    CHECK_INT(started, 0);
    if (started) return;
    size_t len = 0;
    CHECK_INT(peek_status(&s, &len), 200);
    CHECK_INT(len, 5);
    char log[512];
    snprintf(log, sizeof log, "%s/server.log", s.dir);
    CHECK_INT(tc_file_has(log, "TEST BUILD (hoidong-test): not for production"), 1);
    ts_stop(&s);
}

/* Run "bin args" through the shell, output in out; returns the exit status. */
static int run(const char *cmdline, char *out, size_t outlen)
{
    FILE *p = popen(cmdline, "r");
    size_t n = p ? fread(out, 1, outlen - 1, p) : 0;
    out[n] = 0;
    int st = p ? pclose(p) : -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(test_shipped_refuses_former_keys)
{
    char dir[] = "/tmp/hd-aids-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *keys[] = {"test_mode = 1", "net_caps = 0"};
    for (size_t i = 0; i < 2; i++) {
        char conf[300], cmd[PATH_MAX + 1200], out[4096];
        snprintf(conf, sizeof conf, "%s/hoidong.conf", dir);
        FILE *f = fopen(conf, "w");
        CHECK(f != NULL);
        if (!f) break;
        fprintf(f, "%s\n", keys[i]);
        fclose(f);
        snprintf(cmd, sizeof cmd, "timeout 10 '%s' -c '%s' --db '%s/h.db' --files '%s/files' version 2>&1",
                 shipped_bin, conf, dir, dir);
        int rc = run(cmd, out, sizeof out);
        CHECK(rc != 0 && rc != 124);
        CHECK_CONTAINS(out, "is not a setting of the server: test aids exist only in the test build");
    }
    char cmd[PATH_MAX + 200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

/* The knobs' names are in the test build's bytes and in no byte of the
 * shipped one: no code there could read them. */
TEST(test_shipped_binary_has_no_knobs)
{
    const char *names[] = {"HOIDONG_TEST_CAPTCHA_TTL", "HOIDONG_TEST_LOGIN_THROTTLE_BASE_MS",
                           "HOIDONG_TEST_LOGIN_IP_LIMIT", "HOIDONG_TEST_VOTE_NET_CAP",
                           "HOIDONG_TEST_NET_CAPS", "HOIDONG_TEST_CLOCK_FILE", "testaids_install"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int in_test = tc_file_has(test_bin, names[i]), in_shipped = tc_file_has(shipped_bin, names[i]);
        if (in_test != 1 || in_shipped != 0)
            fprintf(stderr, "  %s: test build %d, shipped %d\n", names[i], in_test, in_shipped);
        CHECK_INT(in_test, 1);
        CHECK_INT(in_shipped, 0);
    }
    char out[256];
    char cmd[PATH_MAX + 200];
    snprintf(cmd, sizeof cmd, "'%s' version", shipped_bin);
    CHECK_INT(run(cmd, out, sizeof out), 0);
    CHECK_NOT_CONTAINS(out, "test build");
    snprintf(cmd, sizeof cmd, "'%s' version", test_bin);
    CHECK_INT(run(cmd, out, sizeof out), 0);
    CHECK_CONTAINS(out, "(test build: not for production)");
}

/* A second server on a port in use must fail, whichever build. */
TEST(test_second_instance_cannot_share_port)
{
    const char *bins[] = {shipped_bin, test_bin};
    for (int i = 0; i < 2; i++) {
        TServer s;
        int started = start_with(&s, bins[i]);
        CHECK_INT(started, 0);
        if (started) continue;
        char cmd[PATH_MAX * 2 + 600], out[4096];
        snprintf(cmd, sizeof cmd, "timeout 10 '%s' --db '%s/hoidong.db' --files '%s/files' serve "
                 "--listen 127.0.0.1 --port %d 2>&1", bins[i], s.dir, s.dir, s.port);
        int rc = run(cmd, out, sizeof out);
        if (rc == 0 || rc == 124) fprintf(stderr, "  second %s on port %d: exit %d\n", bins[i], s.port, rc);
        CHECK(rc != 0 && rc != 124);   /* refused at once, neither serving nor timed out */
        CHECK_CONTAINS(out, "cannot listen on 127.0.0.1 port");
        TClient *c = tc_new(&s);       /* the first still answers */
        CHECK_INT(tc_get(c, "/healthz")->status, 200);
        tc_free(c);
        ts_stop(&s);
    }
}

int main(void)
{
    t_prog = "http_testaids";
    const char *t = getenv("HOIDONG_BIN"), *sh = getenv("HOIDONG_SHIPPED_BIN");
    if (!realpath(t ? t : "build/hoidong-test", test_bin) || !realpath(sh ? sh : "build/hoidong", shipped_bin)) {
        fprintf(stderr, "http_testaids: build/hoidong and build/hoidong-test are needed\n");
        t_failed++;
        return t_done();
    }
    setenv("HOIDONG_BIN", test_bin, 1);
    RUN(test_shipped_ignores_test_mode);
    RUN(test_test_build_peek_answers);
    RUN(test_shipped_refuses_former_keys);
    RUN(test_shipped_binary_has_no_knobs);
    RUN(test_second_instance_cannot_share_port);
    return t_done();
}
