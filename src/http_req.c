/* http_req.c - the request side: creating a Req, reading its parameters,
 * headers, cookies and uploads.  Every string handed out lives in the
 * request arena.  Values are NOT validated as UTF-8 here: handlers run
 * them through vn_clean (or a typed getter) and say what is wrong. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include "config.h"
#include "tuning.h"
#include "http_internal.h"

static int64_t mono_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind, (void)key_size;
    Req *r = cls;
    Param *p = arena_alloc(r->arena, sizeof *p);
    p->name = arena_strdup(r->arena, key);
    p->value = arena_strndup(r->arena, value ? value : "", value ? value_size : 0);
    p->len = value ? value_size : 0;
    p->next = r->query;
    r->query = p;
    return MHD_YES;
}

Req *req_create(struct MHD_Connection *conn, const char *url, const char *method)
{
    Arena *a = arena_new();
    ReqInternal *ri = arena_alloc(a, sizeof *ri);
    Req *r = &ri->pub;
    r->arena = a;
    r->conn = conn;
    ri->start_us = mono_usec();
    r->now = tuning_now();
    r->is_head = !strcmp(method, "HEAD");
    r->method = r->is_head ? "GET" : arena_strdup(a, method);
    r->path = arena_strdup(a, url);       /* libmicrohttpd has already %-decoded it */
    r->content_type = "text/html; charset=utf-8";
    r->csrf = "";
    buf_init(&r->out, a);
    buf_init(&ri->raw, a);
    ri->tmp_dir = cfg.files_dir;
    unsigned char id[8];
    randombytes_buf(id, sizeof id);
    sodium_bin2hex(r->incident, sizeof r->incident, id, sizeof id);
    MHD_get_connection_values_n(conn, MHD_GET_ARGUMENT_KIND, collect_arg, r);
    return r;
}

void req_destroy(Req *r)
{
    arena_free(r->arena);
}

static const char *find_param(Param *p, const char *name)
{
    for (; p; p = p->next)
        if (!strcmp(p->name, name)) return p->value;
    return NULL;
}

const char *req_query(Req *r, const char *name) { return find_param(r->query, name); }
const char *req_form(Req *r, const char *name) { return find_param(r->form, name); }

const char *req_param(Req *r, const char *name)
{
    const char *v = find_param(r->form, name);
    return v ? v : find_param(r->query, name);
}

int64_t req_int(Req *r, const char *name, int64_t dflt, int64_t lo, int64_t hi)
{
    const char *v = req_param(r, name);
    if (!v || !*v) return dflt;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || *end || x < lo || x > hi || (v[0] != '-' && (v[0] < '0' || v[0] > '9'))) return dflt;
    return x;
}

const char *req_header(Req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(Req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const Upload *req_upload(Req *r, const char *field)
{
    for (Upload *u = r->uploads; u; u = u->next)
        if (!strcmp(u->field, field)) return u;
    return NULL;
}

const char *req_client_ip(Req *r)
{
    ReqInternal *ri = req_internal(r);
    if (ri->client_ip) return ri->client_ip;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "unknown";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
    }
    ri->client_ip = arena_strdup(r->arena, buf);
    /* Behind the configured reverse proxy, the reader is the last address
     * the proxy appended to X-Forwarded-For (earlier ones are whatever the
     * client claimed).  From anyone else the header is ignored: spoofable. */
    if (cfg.trusted_proxy && !strcmp(buf, cfg.trusted_proxy)) {
        const char *xff = req_header(r, "X-Forwarded-For");
        if (xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ') last++;
            size_t n = strcspn(last, " ");
            char cand[INET6_ADDRSTRLEN];
            unsigned char bin[16];
            if (n > 0 && n < sizeof cand) {
                memcpy(cand, last, n);
                cand[n] = 0;
                if (inet_pton(AF_INET, cand, bin) == 1 || inet_pton(AF_INET6, cand, bin) == 1)
                    ri->client_ip = arena_strdup(r->arena, cand);
            }
        }
    }
    return ri->client_ip;
}
