/* codes.c - verification codes for the comment-POST bench (bench/run.sh).
 *
 *   codes PORT FORM_PATH COUNT OUT_FILE [WORKERS]
 *
 * Each comment needs a fresh single-use code.  A code is made when the
 * comment form is rendered (GET FORM_PATH, field ma_id); a server in test
 * mode on loopback tells its value at /xac-thuc/<id>/thu-nghiem.  WORKERS
 * processes (default 4), each over one keep-alive connection to
 * 127.0.0.1:PORT, collect COUNT "id code" lines into OUT_FILE.  Bounded:
 * every read waits at most 5 s; a worker stops at its first failure.
 * Exits 0 when at least one code was collected. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESP_MAX (512 * 1024)

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* GET path over fd; the body (NUL-terminated) into buf.  Status or -1. */
static int get(int fd, const char *path, char *buf, size_t cap, char **body)
{
    char req[1024];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hoidong-bench\r\n\r\n", path);
    if (n <= 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n) return -1;
    size_t len = 0;
    char *hend = NULL;
    long clen = -1;
    for (;;) {
        if (len + 1 >= cap) return -1;
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r <= 0) return -1;
        len += (size_t)r;
        buf[len] = 0;
        if (!hend && (hend = strstr(buf, "\r\n\r\n"))) {
            for (char *p = buf; p < hend; p = strstr(p, "\r\n") + 2)
                if (!strncasecmp(p, "Content-Length:", 15)) clen = strtol(p + 15, NULL, 10);
            if (clen < 0) return -1;
        }
        if (hend && len >= (size_t)(hend + 4 - buf) + (size_t)clen) break;
    }
    *body = hend + 4;
    (*body)[clen] = 0;
    return atoi(buf + 9);
}

static int worker(int port, const char *form, int count, const char *out)
{
    FILE *f = fopen(out, "w");
    int fd = dial(port);
    char *buf = malloc(RESP_MAX), *body;
    int made = 0;
    while (f && fd >= 0 && buf && made < count) {
        if (get(fd, form, buf, RESP_MAX, &body) != 200) break;
        char *p = strstr(body, "name=\"ma_id\" value=\"");
        if (!p) break;
        char id[64];
        if (sscanf(p + 20, "%63[0-9a-f]", id) != 1) break;
        char peek[128];
        snprintf(peek, sizeof peek, "/xac-thuc/%s/thu-nghiem", id);
        if (get(fd, peek, buf, RESP_MAX, &body) != 200) break;
        char code[16];
        if (sscanf(body, "%15s", code) != 1) break;
        fprintf(f, "%s %s\n", id, code);
        made++;
    }
    if (f) fclose(f);
    if (fd >= 0) close(fd);
    free(buf);
    return made > 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: codes PORT FORM_PATH COUNT OUT_FILE [WORKERS]\n");
        return 2;
    }
    int port = atoi(argv[1]), count = atoi(argv[3]);
    int workers = argc > 5 ? atoi(argv[5]) : 4;
    if (port <= 0 || count <= 0 || workers <= 0 || workers > 32) return 2;
    char part[4096];
    for (int w = 0; w < workers; w++) {
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            snprintf(part, sizeof part, "%s.%d", argv[4], w);
            _exit(worker(port, argv[2], (count + workers - 1) / workers, part));
        }
    }
    int ok = 0;
    for (int w = 0; w < workers; w++) {
        int st;
        wait(&st);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0) ok = 1;
    }
    FILE *out = fopen(argv[4], "w");
    if (!out) return 1;
    char line[256];
    for (int w = 0; w < workers; w++) {
        snprintf(part, sizeof part, "%s.%d", argv[4], w);
        FILE *in = fopen(part, "r");
        if (!in) continue;
        while (fgets(line, sizeof line, in)) fputs(line, out);
        fclose(in);
        unlink(part);
    }
    fclose(out);
    return ok ? 0 : 1;
}
