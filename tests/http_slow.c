/* http_slow.c - slow and hostile clients (issue 4): the server must keep
 * answering a well-behaved client on another address while one address
 * holds 1,000 idle connections or trickles headers (slowloris); oversized
 * headers are refused and the memory they took is given back; an
 * oversized upload is refused before its body is read.
 *
 * The attacker uses raw sockets bound to 127.0.0.1; the measured client is
 * a libcurl TClient bound to 127.0.0.2 (loopback is a whole /8 on Linux).
 * Every phase is bounded in time (the whole program runs in about 10 s);
 * HOIDONG_SLOWHTTPTEST=SECONDS adds slowhttptest runs (make soak).
 * Figures (p50/p99 latency, connections held, RSS) are printed. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "t.h"
#include "tclient.h"

#define IDLE_CONNS 1000
/* The issue's target, for the production build.  The sanitizer build of
 * the same test runs 3-10x slower per request, so it checks a looser
 * bound (the attack handling is the same code). */
static int asan;   /* the server is a sanitizer build: looser time and memory margins */
/* Latency and memory bounds are figures of a quiet machine, not facts of
 * the code: in `make test` (which may run beside `make bench` or on a
 * loaded CI machine) they are printed, and only `make soak` (HOIDONG_SOAK=1,
 * scripts/soak.sh) asserts them.  What `make test` asserts is behaviour:
 * every request of the measured client answered, the right statuses, the
 * connections held or refused. */
static int soak;
#define SOAK_CHECK(c) do { if (soak) CHECK(c); else if (!(c)) \
        printf("slow: note (asserted only in make soak): %s does not hold\n", #c); } while (0)
#define P99_TARGET_MS 100.0
#define P99_LIMIT_MS (asan ? 500.0 : P99_TARGET_MS)

static TServer srv;
static char article[512];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6)) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

/* A TCP connection to the server from `src` (e.g. "127.0.0.1"), non-blocking
 * after connecting; -1 on failure. */
static int raw_connect(const char *src)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in a = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &a.sin_addr);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); return -1; }
    struct sockaddr_in d = {.sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port)};
    inet_pton(AF_INET, "127.0.0.1", &d.sin_addr);
    if (connect(fd, (struct sockaddr *)&d, sizeof d) != 0) { close(fd); return -1; }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* 1 while the server has not closed fd (no EOF/RST pending), else 0. */
static int still_open(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return 0;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return 0;
    return 1;
}

static int count_open(const int *fds, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        if (fds[i] >= 0 && still_open(fds[i])) k++;
    return k;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct Lat { int n, failed; double p50, p99, max; } Lat;

/* When set, every sample measure_gap takes is also kept here, so that a
 * long run reports one p99 over all of them (run_slowhttptest) rather
 * than the worst of many 100-sample windows (whose p99 is their
 * second-slowest request: close to the slowest of the whole run). */
static double *pooled;
static size_t pooled_n, pooled_cap;

static void pool_sample(double ms)
{
    if (pooled_n == pooled_cap) {
        pooled_cap = pooled_cap ? 2 * pooled_cap : 1024;
        pooled = realloc(pooled, pooled_cap * sizeof *pooled);
        if (!pooled) abort();
    }
    pooled[pooled_n++] = ms;
}

/* n GETs from 127.0.0.2, alternating a kept-alive connection and a fresh
 * one (so the accept path is measured too). */
static Lat measure_gap(int n, int gap_us)
{
    Lat L = {0};
    TClient *c = tc_new(&srv);
    c->ip = "127.0.0.2";
    c->quiet = 1;
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        curl_easy_setopt(c->curl, CURLOPT_FRESH_CONNECT, (long)(i & 1));
        double t0 = now_ms();
        TResp *r = tc_get(c, (i % 4) == 3 ? "/" : article);
        t[i] = now_ms() - t0;
        if (pooled) pool_sample(t[i]);
        if (r->status != 200) L.failed++;
        if (gap_us) usleep((useconds_t)gap_us);
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    L.n = n;
    L.p50 = t[n / 2];
    L.p99 = t[(n * 99) / 100 - (n >= 100 ? 1 : 0)];
    L.max = t[n - 1];
    free(t);
    tc_free(c);
    return L;
}

static Lat measure(int n) { return measure_gap(n, 0); }

static void print_lat(const char *what, Lat L)
{
    printf("slow: %-34s %d requests from 127.0.0.2: p50 %.2f ms, p99 %.2f ms (limit %.0f%s), max %.2f ms, "
           "failed %d\n", what, L.n, L.p50, L.p99, P99_LIMIT_MS, asan ? ", sanitizer build" : "", L.max, L.failed);
}

/* ---- 1,000 idle connections -------------------------------------------- */

static void idle_phase(const char *label, int expect_all_held)
{
    static int fds[IDLE_CONNS];
    int opened = 0;
    double t0 = now_ms();
    for (int i = 0; i < IDLE_CONNS; i++) {
        fds[i] = raw_connect("127.0.0.1");
        if (fds[i] >= 0) opened++;
    }
    usleep(500 * 1000);   /* let the server accept (and refuse) them all */
    int held = count_open(fds, IDLE_CONNS);
    long rss = rss_kb(srv.pid);
    printf("slow: %s: %d idle connections opened from 127.0.0.1 in %.0f ms; server holds %d, "
           "refused %d; server RSS %ld KB\n", label, opened, now_ms() - t0, held, opened - held, rss);
    CHECK_INT(opened, IDLE_CONNS);
    Lat L = measure(200);
    print_lat(label, L);
    CHECK_INT(L.failed, 0);
    SOAK_CHECK(L.p99 < P99_LIMIT_MS);
    int held_after = count_open(fds, IDLE_CONNS);
    printf("slow: %s: still held after the measurement: %d\n", label, held_after);
    if (expect_all_held) CHECK_INT(held_after, IDLE_CONNS);
    else CHECK(held_after <= 64 + 8);   /* the per-IP limit (64) refuses the rest */
    for (int i = 0; i < IDLE_CONNS; i++)
        if (fds[i] >= 0) close(fds[i]);
}

/* Default limits: per-IP 64, so one address cannot take the server. */
TEST(test_idle_default_limits)
{
    idle_phase("idle, per-IP limit 64", 0);
}

/* Limits raised so all 1,000 are really held open by the server. */
TEST(test_idle_all_held)
{
    setenv("HOIDONG_PER_IP_LIMIT", "2000", 1);
    setenv("HOIDONG_CONN_LIMIT", "1200", 1);
    int rc = ts_restart_kill(&srv);
    CHECK_INT(rc, 0);
    if (rc == 0) idle_phase("idle, per-IP limit 2000", 1);
    unsetenv("HOIDONG_PER_IP_LIMIT");
    unsetenv("HOIDONG_CONN_LIMIT");
    CHECK_INT(ts_restart_kill(&srv), 0);
}

/* ---- slowloris ------------------------------------------------------ */

#define LORIS 300
static volatile int loris_stop;
static int loris_fds[LORIS];
static int loris_bytes;

/* Every connection sends the start of a request, then one header byte per
 * connection per second, never finishing the headers. */
static void *loris_thread(void *arg)
{
    (void)arg;
    const char *start = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: loris\r\n";
    for (int i = 0; i < LORIS; i++) {
        loris_fds[i] = raw_connect("127.0.0.1");
        if (loris_fds[i] >= 0 && send(loris_fds[i], start, strlen(start), MSG_NOSIGNAL) < 0) {
            close(loris_fds[i]);
            loris_fds[i] = -1;
        }
    }
    const char *trickle = "X-a: b\r\n";
    int k = 0;
    while (!loris_stop) {
        for (int i = 0; i < LORIS; i++) {
            if (loris_fds[i] < 0) continue;
            if (send(loris_fds[i], trickle + (k % 8), 1, MSG_NOSIGNAL) != 1) {
                close(loris_fds[i]);
                loris_fds[i] = -1;
            } else {
                loris_bytes++;
            }
        }
        k++;
        for (int j = 0; j < 10 && !loris_stop; j++) usleep(100 * 1000);
    }
    return NULL;
}

TEST(test_slowloris)
{
    loris_stop = 0;
    pthread_t th;
    CHECK_INT(pthread_create(&th, NULL, loris_thread, NULL), 0);
    sleep(2);
    int held0 = count_open(loris_fds, LORIS);
    Lat L = measure_gap(300, 10000);   /* about 3 s of traffic while the trickle goes on */
    sleep(1);
    int held1 = count_open(loris_fds, LORIS);
    loris_stop = 1;
    pthread_join(th, NULL);
    printf("slow: slowloris: %d connections trickling 1 byte/s from 127.0.0.1 (%d bytes sent); "
           "server held %d then %d\n", LORIS, loris_bytes, held0, held1);
    print_lat("during slowloris", L);
    CHECK_INT(L.failed, 0);
    SOAK_CHECK(L.p99 < P99_LIMIT_MS);
    CHECK(held1 <= 64 + 8);
    for (int i = 0; i < LORIS; i++)
        if (loris_fds[i] >= 0) close(loris_fds[i]);
}

/* ---- oversized headers ------------------------------------------------ */

/* Send req on a new connection and read the reply until the server closes
 * or timeout_ms passes; returns the status (0 if none) and the time. */
static int raw_exchange(const char *req, size_t len, int timeout_ms, double *ms, char *head, size_t headlen)
{
    double t0 = now_ms();
    int fd = raw_connect("127.0.0.1");
    if (fd < 0) return 0;
    size_t off = 0;
    while (off < len && now_ms() - t0 < timeout_ms) {
        ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
        if (w > 0) { off += (size_t)w; continue; }
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT | POLLIN};
            poll(&p, 1, 50);
            if (p.revents & POLLIN) break;   /* the server answered early */
            continue;
        }
        break;   /* reset: the server refused the rest */
    }
    char buf[4096];
    size_t got = 0;
    while (now_ms() - t0 < timeout_ms) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 50) <= 0) continue;
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0) break;
        got += (size_t)n;
        buf[got] = 0;
        if (strstr(buf, "\r\n\r\n") && got >= sizeof buf - 1) break;
        if (strstr(buf, "\r\n\r\n") && !strstr(buf, "Content-Length")) break;
        char *cl = strstr(buf, "Content-Length: ");
        char *eoh = strstr(buf, "\r\n\r\n");
        if (cl && eoh && got >= (size_t)(eoh + 4 - buf) + strtoul(cl + 16, NULL, 10)) break;
    }
    buf[got] = 0;
    *ms = now_ms() - t0;
    close(fd);
    if (head) {
        char *e = strstr(buf, "\r\n");
        snprintf(head, headlen, "%.*s", e ? (int)(e - buf) : (int)got, buf);
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) status = 0;
    return status;
}

/* Send the same request on n connections at once (round robin, so the
 * server holds them all at the same time), then read each status line.
 * statuses[i] = status or 0; returns the server's RSS while they were open. */
static long parallel_exchange(const char *req, size_t len, int n, int *statuses, char *head, size_t headlen)
{
    int *fds = calloc((size_t)n, sizeof *fds);
    size_t *off = calloc((size_t)n, sizeof *off);
    for (int i = 0; i < n; i++) fds[i] = raw_connect("127.0.0.1");
    double t0 = now_ms();
    for (int busy = 1; busy && now_ms() - t0 < 5000;) {
        busy = 0;
        for (int i = 0; i < n; i++) {
            if (fds[i] < 0 || off[i] >= len) continue;
            struct pollfd p = {.fd = fds[i], .events = POLLIN};
            if (poll(&p, 1, 0) == 1) { off[i] = len; continue; }   /* answered: stop sending */
            ssize_t w = send(fds[i], req + off[i], len - off[i] > 4096 ? 4096 : len - off[i], MSG_NOSIGNAL);
            if (w > 0) off[i] += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) off[i] = len;   /* refused the rest */
            if (off[i] < len) busy = 1;
        }
    }
    long rss = rss_kb(srv.pid);
    for (int i = 0; i < n; i++) {
        statuses[i] = 0;
        if (fds[i] < 0) continue;
        char buf[512];
        size_t got = 0;
        while (got < 16 && now_ms() - t0 < 8000) {
            struct pollfd p = {.fd = fds[i], .events = POLLIN};
            if (poll(&p, 1, 50) <= 0) continue;
            ssize_t k = recv(fds[i], buf + got, sizeof buf - 1 - got, 0);
            if (k <= 0) break;
            got += (size_t)k;
        }
        buf[got] = 0;
        if (sscanf(buf, "HTTP/1.%*d %d", &statuses[i]) != 1) statuses[i] = 0;
        if (i == 0 && head) {
            char *e = strstr(buf, "\r\n");
            snprintf(head, headlen, "%.*s", e ? (int)(e - buf) : (int)got, buf);
        }
        close(fds[i]);
    }
    free(fds);
    free(off);
    return rss;
}

TEST(test_oversized_headers)
{
    /* Warm up, then the baseline. */
    Lat w = measure(50);
    (void)w;
    usleep(300 * 1000);
    long before = rss_kb(srv.pid);
    size_t hsz = 100 * 1024;
    char *req = malloc(hsz + 256);
    int n = sprintf(req, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ");
    memset(req + n, 'a', hsz);
    n += (int)hsz;
    n += sprintf(req + n, "\r\n\r\n");
    /* One at a time, stopping as soon as the answer is readable: the status
     * line must be 431.  (A client that goes on sending after the answer gets
     * a reset, as the server closes with unread bytes; that is TCP, not us.) */
    int seq431 = 0;
    char head0[256] = "";
    for (int i = 0; i < 20; i++) {
        double ms;
        if (raw_exchange(req, (size_t)n, 3000, &ms, i ? NULL : head0, sizeof head0) == 431) seq431++;
    }
    printf("slow: 100 KB header, 20 one after another: \"%s\", 431 for %d\n", head0, seq431);
    CHECK_INT(seq431, 20);
    enum { PAR = 60 };
    int st[PAR], counts[3] = {0};
    char head[256] = "";
    double t0 = now_ms();
    long during = 0;
    for (int round = 0; round < 3; round++) {
        long r = parallel_exchange(req, (size_t)n, PAR, st, round ? NULL : head, sizeof head);
        if (r > during) during = r;
        for (int i = 0; i < PAR; i++) counts[st[i] == 431 ? 0 : st[i] == 0 ? 1 : 2]++;
    }
    double ms = now_ms() - t0;
    /* Many header lines that add up past the limit, each small. */
    char *req2 = malloc(200 * 1024);
    int m = sprintf(req2, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (int i = 0; i < 3000; i++) m += sprintf(req2 + m, "X-H%d: %s\r\n", i, "vvvvvvvvvvvvvvvvvvvvvvvv");
    m += sprintf(req2 + m, "\r\n");
    double ms2;
    char head2[256] = "";
    int st2 = raw_exchange(req2, (size_t)m, 3000, &ms2, head2, sizeof head2);
    free(req);
    free(req2);
    usleep(500 * 1000);
    long after = rss_kb(srv.pid);
    printf("slow: 100 KB header, 3 rounds of %d at once: \"%s\"; 431: %d, reset before the reply was read: %d, "
           "other: %d; %.0f ms\n",
           PAR, head, counts[0], counts[1], counts[2], ms);
    printf("slow: 3000 header lines (~110 KB): \"%s\" in %.0f ms\n", head2, ms2);
    printf("slow: server RSS before %ld KB, with %d oversized requests open %ld KB, after %ld KB (%+ld KB)\n",
           before, PAR, during, after, after - before);
    CHECK(counts[0] > 0);
    CHECK_INT(counts[2], 0);
    CHECK_INT(st2, 431);
    long margin = asan ? 64 * 1024 : 4 * 1024;
    CHECK(before > 0);
    SOAK_CHECK(after - before < margin);
    /* Still serving. */
    Lat L = measure(20);
    CHECK_INT(L.failed, 0);
}

/* ---- oversized upload ---------------------------------------------------- */

TEST(test_oversized_upload)
{
    char req[512];
    /* An upload route (limit cfg.max_upload) and a form route (cfg.max_form);
     * headers only, no body: the answer must come without waiting for it
     * (had the server waited, raw_exchange would time out with no status).
     * Anonymous on the upload route: who may post is decided first, so it
     * is a 403 before the size is even looked at; the sign-in form is open
     * to anyone, so there it is the 413. */
    const int expect[] = {403, 413};
    const char *paths[] = {"/quan-tri/bai-viet/1/tep", "/quan-tri/dang-nhap"};
    const char *ctypes[] = {"multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded"};
    for (int i = 0; i < 2; i++) {
        int n = snprintf(req, sizeof req,
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: %s\r\nContent-Type: %s\r\n"
                         "Content-Length: 10737418240\r\n\r\n", paths[i], srv.base, ctypes[i]);
        double ms;
        char head[256] = "";
        int st = raw_exchange(req, (size_t)n, 5000, &ms, head, sizeof head);
        printf("slow: POST %s with Content-Length 10 GB, no body: \"%s\" in %.1f ms\n", paths[i], head, ms);
        CHECK_INT(st, expect[i]);
    }
}

/* ---- slowhttptest (make soak only) -------------------------------------
 * HOIDONG_SLOWHTTPTEST=SECONDS runs Debian's slowhttptest in its four modes
 * (slow headers, slow body, slow read, range) for SECONDS each from
 * 127.0.0.1 with 1,000 connections, while the 127.0.0.2 client measures. */
static int run_slowhttptest(const char *mode, int secs, Lat *out)
{
    char url[640], len[16], log[64];
    snprintf(url, sizeof url, "%s%s", srv.base, !strcmp(mode, "-B") ? "/quan-tri/dang-nhap" : article);
    snprintf(len, sizeof len, "%d", secs);
    snprintf(log, sizeof log, "/tmp/hd-slowhttptest-%d.log", (int)getpid());
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr)) _exit(126);
        if (!strcmp(mode, "-X"))
            execlp("slowhttptest", "slowhttptest", "-X", "-c", "1000", "-r", "200", "-l", len, "-u", url,
                   "-k", "3", "-n", "5", "-w", "10", "-y", "20", "-z", "32", "-p", "3", (char *)NULL);
        else if (!strcmp(mode, "-R"))
            execlp("slowhttptest", "slowhttptest", "-R", "-c", "1000", "-r", "200", "-l", len, "-u", url,
                   "-a", "10", "-b", "3000", "-p", "3", (char *)NULL);
        else
            execlp("slowhttptest", "slowhttptest", mode, "-c", "1000", "-r", "200", "-i", "10", "-x", "24",
                   "-s", "8192", "-l", len, "-u", url, "-p", "3", (char *)NULL);
        _exit(127);
    }
    sleep(3);   /* let it open its connections */
    Lat all = {0};
    int st = 0;
    pooled_n = 0;
    pool_sample(0);            /* allocates the pool (and is dropped below) */
    pooled_n = 0;
    while (waitpid(pid, &st, WNOHANG) == 0) {
        Lat L = measure_gap(100, 20000);
        all.failed += L.failed;
    }
    /* One p50 and p99 over every sample of the mode. */
    if (pooled_n) {
        qsort(pooled, pooled_n, sizeof *pooled, cmp_double);
        all.n = (int)pooled_n;
        all.p50 = pooled[pooled_n / 2];
        all.p99 = pooled[(pooled_n * 99) / 100 - (pooled_n >= 100 ? 1 : 0)];
        all.max = pooled[pooled_n - 1];
    }
    free(pooled);
    pooled = NULL;
    pooled_n = pooled_cap = 0;
    *out = all;
    char tail[300];
    snprintf(tail, sizeof tail, "grep -E 'service available|closed|pending|connected' '%s' | tail -n 4 | sed 's/^/slow:   /'", log);
    if (system(tail) != 0) {}
    unlink(log);
    return WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -1 : 0;
}

TEST(test_slowhttptest)
{
    int secs = atoi(getenv("HOIDONG_SLOWHTTPTEST"));
    if (secs < 5) secs = 5;
    const char *modes[] = {"-H", "-B", "-X", "-R"};
    const char *names[] = {"slow headers", "slow body", "slow read", "range"};
    for (int i = 0; i < 4; i++) {
        Lat L;
        if (run_slowhttptest(modes[i], secs, &L) != 0) {
            printf("slow: slowhttptest is not installed (apt-get install slowhttptest)\n");
            CHECK(0);
            return;
        }
        char what[64];
        snprintf(what, sizeof what, "slowhttptest %s (%s)", modes[i], names[i]);
        print_lat(what, L);
        CHECK_INT(L.failed, 0);
        SOAK_CHECK(L.p99 < P99_LIMIT_MS);
    }
}

int main(void)
{
    t_prog = "http_slow";
    soak = getenv("HOIDONG_SOAK") != NULL;
    /* 1,000 sockets here and in the server (which inherits the limit). */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < 4096) {
        rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    const char *bin = getenv("HOIDONG_BIN");
    asan = bin && strstr(bin, "asan") != NULL;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "server did not start\n");
        t_failed++;
        return t_done();
    }
    /* The seed article (first published one). */
    TClient *c = tc_new(&srv);
    TResp *r = tc_get(c, "/");
    const char *p = r->body ? strstr(r->body, "href=\"/bai-viet/") : NULL;
    if (p) {
        p += 6;
        const char *q = strchr(p, '"');
        snprintf(article, sizeof article, "%.*s", (int)(q - p), p);
    } else {
        snprintf(article, sizeof article, "/");
    }
    tc_free(c);
    double t0 = now_ms();
    RUN(test_idle_default_limits);
    RUN(test_idle_all_held);
    RUN(test_slowloris);
    RUN(test_oversized_headers);
    RUN(test_oversized_upload);
    if (getenv("HOIDONG_SLOWHTTPTEST")) RUN(test_slowhttptest);
    printf("slow: all phases in %.1f s\n", (now_ms() - t0) / 1e3);
    ts_stop(&srv);
    return t_done();
}
