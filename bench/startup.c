/* startup.c - measure the start-up time of a server for `make bench`:
 * the time from exec to the first "200" answer of GET /healthz on a
 * loopback port, over several runs.
 *
 *   startup PORT RUNS PROGRAM [ARGS...]
 *
 * Each run forks, execs PROGRAM, polls 127.0.0.1:PORT every 200 µs
 * (connect; then GET /healthz over HTTP/1.0) until it answers 200, then
 * stops the server with SIGTERM and waits for it.  A run gives up after
 * 5 seconds.  Prints one line per run and "startup_ms median=.. min=..
 * max=.." on the last line; exits 1 when a run failed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* 1 when the server answered GET /healthz with 200, 0 otherwise. */
static int probe(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = 0;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        static const char req[] = "GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (write(fd, req, sizeof req - 1) == (ssize_t)(sizeof req - 1)) {
            char buf[256];
            ssize_t n = read(fd, buf, sizeof buf - 1);
            if (n > 12) {
                buf[n] = 0;
                ok = strncmp(buf + 8, " 200", 4) == 0;
            }
        }
    }
    close(fd);
    return ok;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: startup PORT RUNS PROGRAM [ARGS...]\n");
        return 2;
    }
    int port = atoi(argv[1]), runs = atoi(argv[2]);
    if (port <= 0 || runs <= 0 || runs > 100) return 2;
    double t[100];
    int failed = 0;
    for (int i = 0; i < runs; i++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            execv(argv[3], argv + 3);
            _exit(127);
        }
        double took = -1;
        while (now_ms() - t0 < 5000) {
            if (probe(port)) {
                took = now_ms() - t0;
                break;
            }
            int st;
            if (waitpid(pid, &st, WNOHANG) == pid) break;   /* died */
            struct timespec ts = {0, 200 * 1000};
            nanosleep(&ts, NULL);
        }
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        if (took < 0) {
            printf("run %d: no answer\n", i + 1);
            failed = 1;
            took = 5000;
        } else {
            printf("run %d: %.1f ms\n", i + 1, took);
        }
        t[i] = took;
    }
    qsort(t, (size_t)runs, sizeof t[0], cmp);
    printf("startup_ms median=%.1f min=%.1f max=%.1f\n", t[runs / 2], t[0], t[runs - 1]);
    return failed;
}
