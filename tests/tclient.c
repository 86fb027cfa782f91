/* tclient.c - see tclient.h.  The server under test is the real binary
 * ($HOIDONG_BIN, default build/hoidong) started with its own temp
 * directory, so tests never share state. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "db.h"
#include "t.h"
#include "tclient.h"

static const char *bin(void)
{
    const char *b = getenv("HOIDONG_BIN");
    return b ? b : "build/hoidong";
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &l)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* The server's database: the file in its directory, or under make test-pg
 * a schema of the throw-away PostgreSQL named after that file (t_db). */
static const char *db_of(TServer *s)
{
    if (!s->db[0]) {
        char path[512];
        snprintf(path, sizeof path, "%s/hoidong.db", s->dir);
        snprintf(s->db, sizeof s->db, "%s", t_db(path));
    }
    return s->db;
}

static int run_cmd(TServer *s, char **out, const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "HOIDONG_ADMIN_PASSWORD='%s' '%s' --db '%s' --files '%s/files' %s 2>&1",
             TS_ADMIN_PASSWORD, bin(), db_of(s), s->dir, args);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 1024) { cap *= 2; buf = realloc(buf, cap); }
    }
    if (buf) buf[len] = 0;
    int st = pclose(p);
    if (out) *out = buf; else free(buf);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ts_cmd(TServer *s, char **out, const char *args) { return run_cmd(s, out, args); }

static int spawn_once(TServer *s);

/* The port came from free_port(), but another process on the machine (a
 * second test suite, say) can take it before the server binds it: then
 * the server says "cannot listen" and exits, and we try another port. */
static int spawn(TServer *s)
{
    for (int attempt = 0;; attempt++) {
        int rc = spawn_once(s);
        if (rc == 0 || s->pid != 0 || attempt == 4) return rc;
        char log[512];
        snprintf(log, sizeof log, "%s/server.log", s->dir);
        if (!tc_file_has(log, "cannot listen")) return rc;
        int port = free_port();
        if (port < 0) return rc;
        fprintf(stderr, "tclient: port %d was taken before the server bound it; trying %d\n", s->port, port);
        s->port = port;
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
        if (truncate(log, 0) != 0) { /* the next attempt appends */ }
    }
}

static int spawn_once(TServer *s)
{
    char port[16], log[512];
    snprintf(port, sizeof port, "%d", s->port);
    snprintf(log, sizeof log, "%s/server.log", s->dir);
    const char *db = db_of(s);   /* before fork: t_db may take a lock */
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); close(fd); }
        char files[512];
        snprintf(files, sizeof files, "%s/files", s->dir);
        char clock[512];
        snprintf(clock, sizeof clock, "%s/clock", s->dir);
        setenv("HOIDONG_TEST_MODE", "1", 0);
        setenv("HOIDONG_TEST_CLOCK_FILE", clock, 1);   /* ts_clock_set; absent = real time */
        if (!getenv("HOIDONG_THREADS")) setenv("HOIDONG_THREADS", "2", 1);
        execl(bin(), bin(), "--db", db, "--files", files, "serve", "--listen", "127.0.0.1",
              "--port", port, (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    /* Wait up to 10 s for /healthz. */
    TClient *c = tc_new(s);
    c->quiet = 1;   /* connection refused is expected until it listens */
    for (int i = 0; i < 200; i++) {
        TResp *r = tc_get(c, "/healthz");
        if (r && r->status == 200) { tc_free(c); return 0; }
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) { s->pid = 0; break; }
        usleep(50 * 1000);
    }
    tc_free(c);
    fprintf(stderr, "tclient: server did not start; see %s\n", log);
    return -1;
}

/* A fresh TServer: its temp directory, a free port, its base URL. */
static int prepare(TServer *s)
{
    static int curl_ready;
    if (!curl_ready) { curl_global_init(CURL_GLOBAL_DEFAULT); curl_ready = 1; }
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/hdtest-XXXXXX");
    if (!mkdtemp(s->dir)) return -1;
    s->port = free_port();
    if (s->port < 0) return -1;
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    return 0;
}

int ts_start(TServer *s, int demo)
{
    if (prepare(s) != 0) return -1;
    char *out = NULL;
    if (run_cmd(s, &out, "init") != 0) { fprintf(stderr, "tclient: init failed: %s\n", out ? out : ""); free(out); return -1; }
    free(out);
    if (demo && run_cmd(s, &out, "demo") != 0) { fprintf(stderr, "tclient: demo failed: %s\n", out ? out : ""); free(out); return -1; }
    if (demo) free(out);
    return spawn(s);
}

int ts_start_peer(TServer *s, const TServer *first)
{
    if (prepare(s) != 0) return -1;
    snprintf(s->db, sizeof s->db, "%s", first->db);
    /* The file store is shared, as nodes share it in production. */
    char files[300], target[300];
    snprintf(files, sizeof files, "%s/files", s->dir);
    snprintf(target, sizeof target, "%s/files", first->dir);
    if (symlink(target, files) != 0) return -1;
    return spawn(s);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void stop_pid(TServer *s, int sig)
{
    if (s->pid <= 0) return;
    kill(s->pid, sig);
    for (int i = 0; i < 100; i++) {
        if (waitpid(s->pid, NULL, WNOHANG) == s->pid) { s->pid = 0; return; }
        usleep(50 * 1000);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

void ts_stop(TServer *s)
{
    stop_pid(s, SIGTERM);
    if (s->dir[0] && !getenv("HOIDONG_KEEP_TEST_DIR")) nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    s->dir[0] = 0;
}

int ts_clock_set(TServer *s, int64_t unix_seconds)
{
    char path[512], tmp[520];
    snprintf(path, sizeof path, "%s/clock", s->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) return -1;
    int ok = unix_seconds > 0 ? fprintf(f, "%lld\n", (long long)unix_seconds) > 0 : 1;
    if (fclose(f) != 0 || !ok) return -1;
    return rename(tmp, path);   /* atomic: the server never reads half a number */
}

int64_t ts_vn_noon_today(void)
{
    int64_t now = (int64_t)time(NULL);
    return now - (now + 7 * 3600) % 86400 + 12 * 3600;
}

int ts_restart_kill(TServer *s)
{
    stop_pid(s, SIGKILL);
    return spawn(s);
}

/* ---- client ------------------------------------------------------------ */

typedef struct Grow { char *p; size_t len, cap; } Grow;

static size_t grow_write(char *data, size_t sz, size_t nm, void *ud)
{
    Grow *g = ud;
    size_t n = sz * nm;
    if (g->len + n + 1 > g->cap) {
        size_t cap = g->cap ? g->cap : 4096;
        while (cap < g->len + n + 1) cap *= 2;
        char *p = realloc(g->p, cap);
        if (!p) return 0;
        g->p = p, g->cap = cap;
    }
    memcpy(g->p + g->len, data, n);
    g->len += n;
    g->p[g->len] = 0;
    return n;
}

TClient *tc_new(TServer *s)
{
    TClient *c = calloc(1, sizeof *c);
    c->s = s;
    c->curl = curl_easy_init();
    c->user_agent = "hoidong-tests/1.0";
    curl_easy_setopt(c->curl, CURLOPT_COOKIEFILE, "");   /* in-memory cookie jar */
    return c;
}

void tc_free(TClient *c)
{
    if (!c) return;
    curl_easy_cleanup(c->curl);
    free(c->last.body);
    free(c->last.headers);
    free(c);
}

static TResp *perform(TClient *c, const char *method, const char *path, struct curl_slist *hdrs)
{
    CURL *h = c->curl;
    char url[2048];
    snprintf(url, sizeof url, "%s%s", c->s->base, path);
    Grow body = {0}, head = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, grow_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, grow_write);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &head);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    if (c->ip) {
        char iface[64];
        snprintf(iface, sizeof iface, "host!%s", c->ip);
        curl_easy_setopt(h, CURLOPT_INTERFACE, iface);
    }
    if (!strcmp(method, "HEAD")) curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    else if (!strcmp(method, "GET")) curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    CURLcode rc = curl_easy_perform(h);
    free(c->last.body);
    free(c->last.headers);
    memset(&c->last, 0, sizeof c->last);
    c->last.body = body.p ? body.p : strdup("");
    c->last.len = body.len;
    c->last.headers = head.p ? head.p : strdup("");
    if (rc != CURLE_OK) {
        c->last.status = 0;
        if (!c->quiet) fprintf(stderr, "tclient: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->last.status);
    }
    /* Reset per-request options that must not leak into the next request. */
    curl_easy_setopt(h, CURLOPT_NOBODY, 0L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
    curl_easy_setopt(h, CURLOPT_MIMEPOST, NULL);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
    return &c->last;
}

static struct curl_slist *add_headers(struct curl_slist *l, const char *const *headers)
{
    for (; headers && *headers; headers++) l = curl_slist_append(l, *headers);
    return l;
}

TResp *tc_get(TClient *c, const char *path) { return tc_get_h(c, path, NULL); }

TResp *tc_get_h(TClient *c, const char *path, const char *const *headers)
{
    struct curl_slist *l = add_headers(NULL, headers);
    TResp *r = perform(c, "GET", path, l);
    curl_slist_free_all(l);
    return r;
}

TResp *tc_head(TClient *c, const char *path) { return perform(c, "HEAD", path, NULL); }

static struct curl_slist *origin_header(TClient *c, struct curl_slist *l)
{
    char o[128];
    snprintf(o, sizeof o, "Origin: %s", c->s->base);
    return curl_slist_append(l, o);
}

TResp *tc_post(TClient *c, const char *path, ...)
{
    va_list ap;
    va_start(ap, path);
    size_t cap = 1024, len = 0;
    char *body = malloc(cap);
    body[0] = 0;
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        char *ek = curl_easy_escape(c->curl, k, 0), *ev = curl_easy_escape(c->curl, v ? v : "", 0);
        size_t need = strlen(ek) + strlen(ev) + 3;
        while (len + need >= cap) { cap *= 2; body = realloc(body, cap); }
        len += (size_t)sprintf(body + len, "%s%s=%s", len ? "&" : "", ek, ev);
        curl_free(ek);
        curl_free(ev);
    }
    va_end(ap);
    struct curl_slist *l = origin_header(c, NULL);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c->curl, CURLOPT_COPYPOSTFIELDS, body);
    TResp *r = perform(c, "POST", path, l);
    curl_slist_free_all(l);
    free(body);
    return r;
}

TResp *tc_post_multipart(TClient *c, const char *path, ...)
{
    va_list ap;
    va_start(ap, path);
    curl_mime *mime = curl_mime_init(c->curl);
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        curl_mimepart *part = curl_mime_addpart(mime);
        if (k[0] == '@') {
            const char *file = va_arg(ap, const char *), *name = va_arg(ap, const char *);
            curl_mime_name(part, k + 1);
            curl_mime_filedata(part, file);
            curl_mime_filename(part, name);
        } else {
            const char *v = va_arg(ap, const char *);
            curl_mime_name(part, k);
            curl_mime_data(part, v ? v : "", CURL_ZERO_TERMINATED);
        }
    }
    va_end(ap);
    struct curl_slist *l = origin_header(c, NULL);
    curl_easy_setopt(c->curl, CURLOPT_MIMEPOST, mime);
    TResp *r = perform(c, "POST", path, l);
    curl_slist_free_all(l);
    curl_mime_free(mime);
    return r;
}

TResp *tc_post_raw(TClient *c, const char *path, const char *ctype, const char *body, size_t len,
                   const char *const *headers)
{
    char ct[256];
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    struct curl_slist *l = curl_slist_append(NULL, ct);
    l = add_headers(l, headers);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(c->curl, CURLOPT_COPYPOSTFIELDS, body);
    TResp *r = perform(c, "POST", path, l);
    curl_slist_free_all(l);
    return r;
}

char *tc_header(TResp *res, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = res->headers; p && *p;) {
        const char *eol = strstr(p, "\r\n");
        size_t linelen = eol ? (size_t)(eol - p) : strlen(p);
        if (linelen > n && p[n] == ':' && !strncasecmp(p, name, n)) {
            const char *v = p + n + 1;
            while (*v == ' ') v++;
            return strndup(v, linelen - (size_t)(v - p));
        }
        p += linelen;
        if (eol) p += 2;
    }
    return NULL;
}

/* Decode the few entities our templates emit. */
static char *decode_entities(const char *s, size_t n)
{
    char *out = malloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        static const struct { const char *e; char c; } ents[] = {
            {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&#x27;", '\''}};
        size_t k;
        for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
            size_t el = strlen(ents[k].e);
            if (i + el <= n && !strncmp(s + i, ents[k].e, el)) { *o++ = ents[k].c; i += el - 1; break; }
        }
        if (k == sizeof ents / sizeof ents[0]) *o++ = s[i];
    }
    *o = 0;
    return out;
}

char *tc_input_value(const char *html, const char *name)
{
    char pat[256];
    snprintf(pat, sizeof pat, "name=\"%s\"", name);
    for (const char *p = html ? strstr(html, pat) : NULL; p; p = strstr(p + 1, pat)) {
        const char *start = p;
        while (start > html && *start != '<') start--;
        const char *end = strchr(p, '>');
        if (!end || strncmp(start, "<input", 6)) continue;
        const char *v = strstr(start, "value=\"");
        if (!v || v > end) return strdup("");
        v += 7;
        const char *q = strchr(v, '"');
        if (!q) return NULL;
        return decode_entities(v, (size_t)(q - v));
    }
    return NULL;
}

int tc_login(TClient *c, const char *user, const char *password)
{
    TResp *r = tc_get(c, "/quan-tri/dang-nhap");
    if (r->status != 200) return -1;
    char *tok = tc_input_value(r->body, "login_token");
    if (!tok) return -1;
    r = tc_post(c, "/quan-tri/dang-nhap", "username", user, "password", password, "login_token", tok, NULL);
    free(tok);
    if (r->status != 303) return -1;
    r = tc_get(c, "/quan-tri");
    if (r->status == 303) {       /* a council's staff land on their councils */
        char *to = tc_header(r, "Location");
        if (!to || strncmp(to, "/quan-tri/", 10) != 0) { free(to); return -1; }
        r = tc_get(c, to);
        free(to);
    }
    if (r->status != 200) return -1;
    char *csrf = tc_input_value(r->body, "csrf");
    if (!csrf) return -1;
    snprintf(c->csrf, sizeof c->csrf, "%s", csrf);
    free(csrf);
    return 0;
}

char *tc_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *b = malloc(cap);
    while (b && (k = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            char *t = realloc(b, cap *= 2);
            if (!t) { free(b); b = NULL; }
            else b = t;
        }
    }
    fclose(f);
    if (!b) return NULL;
    b[n] = 0;
    if (len) *len = n;
    return b;
}

int tc_file_has(const char *path, const char *needle)
{
    size_t n;
    char *b = tc_slurp(path, &n);
    if (!b) return -1;
    int found = memmem(b, n, needle, strlen(needle)) != NULL;
    free(b);
    return found;
}

int ts_council_staff(TServer *s, const char *password)
{
    static const char *const accounts[] = {
        "user add bd.bientap editor 'Biên tập Ba Đình' --council phuong-ba-dinh",
        "user add bd.bientap2 editor 'Biên tập Ba Đình 2' --council phuong-ba-dinh",
        "user add tp.bientap editor 'Biên tập Thành phố' --council thanh-pho-ha-noi",
        "user add tp.xemxet reviewer 'Xem xét' --council thanh-pho-ha-noi",
    };
    setenv("HOIDONG_PASSWORD", password, 1);
    int rc = 0;
    for (size_t i = 0; i < sizeof accounts / sizeof accounts[0]; i++) rc |= ts_cmd(s, NULL, accounts[i]);
    unsetenv("HOIDONG_PASSWORD");
    return rc == 0 ? 0 : -1;
}

struct Db *ts_db(TServer *s)
{
    char err[256];
    Db *db = db_open(db_of(s), 0, err, sizeof err);
    if (!db) fprintf(stderr, "ts_db: %s\n", err);
    return db;
}

unsigned long long tc_render(TResp *res)
{
    char *h = res ? tc_header(res, "X-Hoidong-Render") : NULL;
    unsigned long long v = h ? strtoull(h, NULL, 10) : 0;
    free(h);
    return v;
}

long long tc_num_after(const char *html, const char *prefix)
{
    const char *p = html ? strstr(html, prefix) : NULL;
    if (!p) return -1;
    p += strlen(prefix);
    long long v = 0;
    int digits = 0;
    for (; *p; p++) {
        if (*p >= '0' && *p <= '9') { v = v * 10 + (*p - '0'); digits++; }
        else if (*p != '.') break;     /* Vietnamese thousands separator */
    }
    return digits ? v : -1;
}
