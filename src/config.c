/* config.c - the server's configuration (see config.h for precedence and
 * docs/CONFIGURATION.md for every key).  Values are validated here so a
 * bad setting stops start-up with one clear line instead of surfacing as
 * a strange failure later. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "config.h"

Config cfg;

void config_defaults(Config *c)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    memset(c, 0, sizeof *c);
    c->listen = "127.0.0.1";
    c->port = 8080;
    c->db_path = "var/hoidong.db";
    c->files_dir = "var/files";
    c->template_dir = NULL;
    c->site_url = NULL;            /* derived from listen/port when unset */
    /* Handlers run in the worker threads (http_pool.h), where a public
     * write waits for its group commit (writer.h), so several workers let
     * several writes share one fsync.  Four per CPU, at least 8: on 2 CPUs
     * bench/run.sh gave 8 225 ratings/s with 8 workers and 8 262 with 32,
     * and 42 MB resident at most under load against 69 MB with 32 (each
     * worker that ever ran a search keeps its connection's page cache;
     * docs/PERFORMANCE.md, 10.).
     * libmicrohttpd's own threads only move bytes and answer from the
     * page cache, and never wait: one per CPU. */
    c->threads = n > 0 && 4 * n > 8 ? (int)(4 * n > 256 ? 256 : 4 * n) : 8;
    c->io_threads = n > 0 ? (int)(n > 64 ? 64 : n) : 2;
    c->secure_cookies = 0;
    c->max_upload = 20u * 1024 * 1024;
    c->max_form = 256u * 1024;
    c->conn_limit = 1024;
    c->per_ip_limit = 64;
    c->idle_timeout = 30;
    c->petition_retention_days = 1825;
}

static int parse_long(const char *v, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) return -1;
    *out = x;
    return 0;
}

/* Sizes accept a K, M or G suffix (binary). */
static int parse_size(const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (errno || end == v || v[0] == '-') return -1;
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k') mul = 1024ULL, end++;
    else if (*end == 'M' || *end == 'm') mul = 1024ULL * 1024, end++;
    else if (*end == 'G' || *end == 'g') mul = 1024ULL * 1024 * 1024, end++;
    if (*end || x == 0 || x > (1ULL << 40) / mul) return -1;
    *out = (size_t)(x * mul);
    return 0;
}

static char *keep(const char *s)
{
    char *p = strdup(s);
    if (!p) { fputs("out of memory\n", stderr); abort(); }
    return p;   /* configuration strings live for the whole process */
}

int config_set(Config *c, const char *key, const char *value, char *err, size_t errlen)
{
    long n;
    size_t z;
    if (!strcmp(key, "listen")) { c->listen = keep(value); return 0; }
    if (!strcmp(key, "port")) {
        if (parse_long(value, 1, 65535, &n)) goto bad;
        c->port = (int)n; return 0;
    }
    if (!strcmp(key, "db")) { if (!*value) goto bad; c->db_path = keep(value); return 0; }
    if (!strcmp(key, "files")) { if (!*value) goto bad; c->files_dir = keep(value); return 0; }
    if (!strcmp(key, "templates")) { c->template_dir = *value ? keep(value) : NULL; return 0; }
    if (!strcmp(key, "site_url")) {
        if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8)) goto bad;
        /* a host must follow: "http://" alone became "http:/" once its
         * trailing slash was cut (found by fuzz/fuzz_config.c) */
        const char *host = value + (value[4] == 's' ? 8 : 7);
        if (!*host || *host == '/') goto bad;
        size_t len = strlen(value);
        char *v = keep(value);
        if (len && v[len - 1] == '/') v[len - 1] = 0;
        c->site_url = v; return 0;
    }
    if (!strcmp(key, "threads")) {
        if (parse_long(value, 1, 256, &n)) goto bad;
        c->threads = (int)n; return 0;
    }
    if (!strcmp(key, "io_threads")) {
        if (parse_long(value, 1, 64, &n)) goto bad;
        c->io_threads = (int)n; return 0;
    }
    if (!strcmp(key, "secure_cookies")) {
        if (parse_long(value, 0, 1, &n)) goto bad;
        c->secure_cookies = (int)n; return 0;
    }
    if (!strcmp(key, "max_upload")) { if (parse_size(value, &z)) goto bad; c->max_upload = z; return 0; }
    if (!strcmp(key, "max_form")) { if (parse_size(value, &z)) goto bad; c->max_form = z; return 0; }
    if (!strcmp(key, "conn_limit")) {
        if (parse_long(value, 1, 1000000, &n)) goto bad;
        c->conn_limit = (int)n; return 0;
    }
    if (!strcmp(key, "per_ip_limit")) {
        if (parse_long(value, 1, 1000000, &n)) goto bad;
        c->per_ip_limit = (int)n; return 0;
    }
    if (!strcmp(key, "petition_retention_days")) {
        if (parse_long(value, 0, 36500, &n)) goto bad;
        c->petition_retention_days = (int)n; return 0;
    }
    if (!strcmp(key, "idle_timeout")) {
        if (parse_long(value, 1, 3600, &n)) goto bad;
        c->idle_timeout = (int)n; return 0;
    }
    if (!strcmp(key, "test_mode") || !strcmp(key, "net_caps")) {
        /* Former keys: test aids and weakened protections exist only in
         * the test build (tuning.h), never by configuration. */
        snprintf(err, errlen, "'%s' is not a setting of the server: test aids exist only in the "
                 "test build (build/hoidong-test, HOIDONG_TEST_* variables; see docs/CONFIGURATION.md)", key);
        return -1;
    }
    if (!strcmp(key, "trusted_proxy")) {
        unsigned char addr[16];
        if (!*value) { c->trusted_proxy = NULL; return 0; }
        if (inet_pton(AF_INET, value, addr) != 1 && inet_pton(AF_INET6, value, addr) != 1) goto bad;
        c->trusted_proxy = keep(value); return 0;
    }
    snprintf(err, errlen, "unknown setting '%s'", key);
    return -1;
bad:
    snprintf(err, errlen, "bad value for '%s': '%s'", key, value);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = 0;
    return s;
}

/* Parse "key = value" lines from text (see config.h).  Lines may have any
 * length; name is what messages call the source ("hoidong.conf"). */
int config_load_string(Config *c, const char *text, const char *name, char *err, size_t errlen)
{
    char msg[256];
    int lineno = 0;
    if (!name) name = "<config>";
    for (const char *p = text ? text : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = malloc(n + 1);
        if (!line) { fputs("out of memory\n", stderr); abort(); }
        memcpy(line, p, n);
        line[n] = 0;
        p += n + (nl != NULL);
        lineno++;
        char *s = trim(line);
        int rc = 0;
        if (*s && *s != '#') {
            char *eq = strchr(s, '=');
            if (!eq) {
                snprintf(err, errlen, "%s:%d: expected 'key = value'", name, lineno);
                rc = -1;
            } else {
                *eq = 0;
                if (config_set(c, trim(s), trim(eq + 1), msg, sizeof msg)) {
                    snprintf(err, errlen, "%s:%d: %s", name, lineno, msg);
                    rc = -1;
                }
            }
        }
        free(line);
        if (rc) return -1;
    }
    return 0;
}

/* Read the whole file (a configuration is small: at most 1 MiB) and parse
 * it with config_load_string. */
int config_load_file(Config *c, const char *path, char *err, size_t errlen)
{
    enum { CONFIG_MAX = 1 << 20 };
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, errlen, "%s: %s", path, strerror(errno)); return -1; }
    char *text = malloc(CONFIG_MAX + 1);
    if (!text) { fputs("out of memory\n", stderr); abort(); }
    size_t n = fread(text, 1, CONFIG_MAX + 1, f);
    int bad = ferror(f);
    fclose(f);
    int rc = -1;
    if (bad)
        snprintf(err, errlen, "%s: read error", path);
    else if (n > CONFIG_MAX)
        snprintf(err, errlen, "%s: larger than 1 MiB", path);
    else if (memchr(text, 0, n))
        snprintf(err, errlen, "%s: contains a NUL byte", path);
    else {
        text[n] = 0;
        rc = config_load_string(c, text, path, err, errlen);
    }
    free(text);
    return rc;
}

int config_load_env(Config *c, char *err, size_t errlen)
{
    static const struct { const char *env, *key; } map[] = {
        {"HOIDONG_LISTEN", "listen"},       {"HOIDONG_PORT", "port"},
        {"HOIDONG_DB", "db"},               {"HOIDONG_FILES", "files"},
        {"HOIDONG_TEMPLATES", "templates"}, {"HOIDONG_SITE_URL", "site_url"},
        {"HOIDONG_THREADS", "threads"},     {"HOIDONG_IO_THREADS", "io_threads"},     {"HOIDONG_SECURE_COOKIES", "secure_cookies"},
        {"HOIDONG_MAX_UPLOAD", "max_upload"}, {"HOIDONG_MAX_FORM", "max_form"},
        {"HOIDONG_CONN_LIMIT", "conn_limit"}, {"HOIDONG_PER_IP_LIMIT", "per_ip_limit"},
        {"HOIDONG_IDLE_TIMEOUT", "idle_timeout"}, {"HOIDONG_PETITION_RETENTION_DAYS", "petition_retention_days"}, {"HOIDONG_TRUSTED_PROXY", "trusted_proxy"},
    };
    char msg[256];
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        const char *v = getenv(map[i].env);
        if (!v) continue;
        if (config_set(c, map[i].key, v, msg, sizeof msg)) {
            snprintf(err, errlen, "%s: %s", map[i].env, msg);
            return -1;
        }
    }
    return 0;
}
