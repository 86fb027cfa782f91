/* http_server.c - libmicrohttpd glue: from a connection's bytes to a
 * handler call and back.
 *
 * libmicrohttpd calls on_request several times per request:
 *   1st call: create the Req and its arena; match the route; refuse an
 *             over-long body from Content-Length at once (413 before the
 *             body is read); set up the post processor.  We do NOT answer
 *             ordinary requests here: libmicrohttpd 0.9.75 treats a reply
 *             queued in the first call as an "early response" and closes
 *             the connection after it, which defeats keep-alive.
 *   middle:   body chunks -> post processor -> r->form / temp-file uploads.
 *   last:     dispatch(): permission, CSRF, handler, then respond().
 * on_completed frees the arena (which unlinks temp files).
 * Nothing request-specific is global: the server runs a thread pool. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "auth.h"
#include "config.h"
#include "http.h"
#include "http_cache.h"
#include "http_internal.h"
#include "http_pool.h"
#include "http_server.h"
#include "staff.h"
#include "log.h"

static struct MHD_Daemon *daemon_;
void (*http_after_hook)(struct Req *r, int status);

static const char *CSP =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

static int64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- body handling ---------------------------------------------------- */

static void upload_close(void *p)
{
    ReqUploadState *u = p;
    if (u->fd >= 0) close(u->fd);
    u->fd = -1;
}

static void upload_unlink(void *p) { unlink((const char *)p); }

static const char NO_FILES_MSG[] = "Trang này không nhận tệp đính kèm.";
static const char CSRF_MSG[] =
    "Yêu cầu không hợp lệ (mã bảo vệ biểu mẫu sai hoặc đã hết hạn). "
    "Vui lòng tải lại trang và thử lại.";

/* A file part may be spooled to disk only on a route that takes uploads,
 * and only once the form's CSRF token (which the upload forms put before
 * their file inputs) has been checked against the fields seen so far.
 * Sign-in and role were settled in the first call (check_access), so by
 * here nothing unauthorised has written a byte.  0: refuse the body. */
static int upload_allowed(Req *r)
{
    ReqInternal *ri = req_internal(r);
    if (ri->upload_admitted) return 1;
    if (!ri->route || !(ri->route->flags & ROUTE_UPLOAD) || !ri->access_checked) {
        ri->body_error = 400;
        ri->body_msg = NO_FILES_MSG;
        return 0;
    }
    if (!(ri->route->flags & ROUTE_NO_CSRF) && !auth_check_csrf(r)) {
        ri->body_error = 403;
        ri->body_msg = CSRF_MSG;
        return 0;
    }
    ri->upload_admitted = 1;
    return 1;
}

/* Post-processor iterator: form fields accumulate into r->form (a value may
 * arrive in several chunks); file parts stream into a temp file capped at
 * cfg.max_upload. Returning MHD_NO stops processing (on overflow). */
static enum MHD_Result on_post_data(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *filename, const char *content_type,
                                    const char *transfer_encoding, const char *data,
                                    uint64_t off, size_t size)
{
    (void)kind, (void)content_type, (void)transfer_encoding;
    Req *r = cls;
    ReqInternal *ri = req_internal(r);
    if (!key) return MHD_YES;
    if (filename && !upload_allowed(r)) return MHD_NO;
    if (filename) {
        ReqUploadState *u = ri->cur_upload;
        if (!u || off == 0 || strcmp(u->field, key) != 0) {
            u = arena_alloc(r->arena, sizeof *u);
            u->field = arena_strdup(r->arena, key);
            u->filename = arena_strdup(r->arena, filename);
            char *path = arena_printf(r->arena, "%s/.upload-XXXXXX", ri->tmp_dir);
            u->fd = mkstemp(path);
            if (u->fd < 0) {
                log_error("upload temp file in %s: %s", ri->tmp_dir, strerror(errno));
                ri->body_error = errno == ENOSPC || errno == EDQUOT ? 503 : 500;
                return MHD_NO;
            }
            u->path = path;
            arena_on_free(r->arena, upload_unlink, path);
            arena_on_free(r->arena, upload_close, u);
            Upload *up = arena_alloc(r->arena, sizeof *up);
            up->field = u->field;
            up->filename = u->filename;
            up->path = path;
            up->next = r->uploads;
            r->uploads = up;
            u->pub = up;
            ri->cur_upload = u;
        }
        if (u->pub->size + size > cfg.max_upload) {
            r->body_too_large = 1;
            return MHD_NO;
        }
        size_t done = 0;
        while (done < size) {
            ssize_t w = write(u->fd, data + done, size - done);
            if (w < 0) {
                if (errno == EINTR) continue;
                log_error("upload write: %s", strerror(errno));
                ri->body_error = errno == ENOSPC || errno == EDQUOT ? 503 : 500;
                return MHD_NO;
            }
            done += (size_t)w;
        }
        u->pub->size += size;
        return MHD_YES;
    }
    ri->cur_upload = NULL;
    ri->form_bytes += size;
    if (ri->form_bytes > cfg.max_form) {
        r->body_too_large = 1;
        return MHD_NO;
    }
    /* Continuation of the field being received? */
    Param *p = r->form;
    if (p && off > 0 && !strcmp(p->name, key)) {
        char *v = arena_realloc(r->arena, (void *)p->value, p->len + 1, p->len + size + 1);
        memcpy(v + p->len, data, size);
        p->len += size;
        v[p->len] = 0;
        p->value = v;
        return MHD_YES;
    }
    p = arena_alloc(r->arena, sizeof *p);
    p->name = arena_strdup(r->arena, key);
    p->value = arena_strndup(r->arena, data ? data : "", size);
    p->len = size;
    p->next = r->form;
    r->form = p;
    return MHD_YES;
}

static void pp_destroy(void *p) { MHD_destroy_post_processor(p); }

/* ---- responses ------------------------------------------------------- */

static int accepts_gzip(Req *r)
{
    const char *ae = req_header(r, "Accept-Encoding");
    return ae && strstr(ae, "gzip") != NULL;
}

static int compressible(const char *ctype)
{
    return !strncmp(ctype, "text/", 5) || strstr(ctype, "json") || strstr(ctype, "xml") ||
           strstr(ctype, "svg") || strstr(ctype, "javascript");
}

/* gzip src into the arena; NULL if it does not get smaller. */
static char *gzip_arena(Arena *a, const char *src, size_t n, size_t *outn)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    size_t cap = deflateBound(&z, n);
    char *out = arena_alloc(a, cap);
    z.next_in = (Bytef *)src;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, Z_FINISH);
    *outn = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || *outn >= n) return NULL;
    return out;
}

static void add_common_headers(Req *r, struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", CSP);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "strict-origin-when-cross-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    if (r->cache_seconds > 0) {
        char cc[64];
        snprintf(cc, sizeof cc, "public, max-age=%d", r->cache_seconds);
        MHD_add_response_header(resp, "Cache-Control", cc);
    } else if (r->cache_seconds < 0 || r->user) {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    }
    for (ReplyHeader *h = r->headers; h; h = h->next)
        MHD_add_response_header(resp, h->name, h->value);
}

static int etag_matches(Req *r, const char *etag)
{
    const char *inm = req_header(r, "If-None-Match");
    if (!inm) return 0;
    if (!strcmp(inm, "*")) return 1;
    size_t n = strlen(etag);
    for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag)) {
        char after = p[n];
        if (after == 0 || after == ',' || after == ' ') return 1;
    }
    return 0;
}

/* File replies: Range (one range), ETag from the content hash, 304. */
static struct MHD_Response *file_response(Req *r, int *status)
{
    ReqInternal *ri = req_internal(r);
    int fd = open(r->file_path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        log_error("file reply %s: %s", r->file_path, strerror(errno));
        *status = 404;
        return NULL;
    }
    const char *etag = ri->file_etag;
    uint64_t size = (uint64_t)st.st_size, from = 0, len = size;
    if (etag && etag_matches(r, etag)) {
        close(fd);
        *status = 304;
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "ETag", etag);
        return resp;
    }
    const char *range = req_header(r, "Range");
    const char *ifrange = req_header(r, "If-Range");
    int partial = 0;
    if (range && (!ifrange || (etag && !strcmp(ifrange, etag)))) {
        /* The parsing is in http_range.c (a pure function, fuzzed). */
        int pr = http_parse_range(range, size, &from, &len);
        if (pr < 0) {
            close(fd);
            *status = 416;
            struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
            char cr[64];
            snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
            MHD_add_response_header(resp, "Content-Range", cr);
            return resp;
        }
        partial = pr == 1;
    }
    struct MHD_Response *resp = MHD_create_response_from_fd_at_offset64(len, fd, from);
    if (!resp) { close(fd); *status = 500; return NULL; }
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "Accept-Ranges", "bytes");
    if (etag) MHD_add_response_header(resp, "ETag", etag);
    if (r->file_disposition) MHD_add_response_header(resp, "Content-Disposition", r->file_disposition);
    if (partial) {
        char cr[96];
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)from,
                 (unsigned long long)(from + len - 1), (unsigned long long)size);
        MHD_add_response_header(resp, "Content-Range", cr);
        *status = 206;
    }
    return resp;
}

/* Queue the reply prepared in r (prepare_reply / prepare_cached) and let
 * go of it.  Only from within on_request, in libmicrohttpd's thread. */
static enum MHD_Result queue_ready(Req *r)
{
    ReqInternal *ri = req_internal(r);
    enum MHD_Result ret = MHD_queue_response(r->conn, ri->ready_status, ri->ready);
    if (ri->ready_owned) MHD_destroy_response(ri->ready);
    if (ri->ready_entry) cache_release(ri->ready_entry);
    ri->ready = NULL;
    ri->ready_entry = NULL;
    return ret;
}

/* A prepared reply that was never queued (the connection went away, or
 * the server stopped while a worker ran the handler). */
static void drop_ready(ReqInternal *ri)
{
    if (ri->ready && ri->ready_owned) MHD_destroy_response(ri->ready);
    if (ri->ready_entry) cache_release(ri->ready_entry);
    ri->ready = NULL;
    ri->ready_entry = NULL;
}

/* Build the reply the handler left in r, ready for queue_ready.  Any
 * thread: libmicrohttpd's response objects do not belong to a connection. */
static void prepare_reply(Req *r, int status)
{
    struct MHD_Response *resp = NULL;
    if (r->file_path && status == 200) {
        resp = file_response(r, &status);
        if (!resp) {
            r->file_path = NULL;
            buf_reset(&r->out);
            status = reply_error(r, status, NULL);
        }
    }
    if (!resp) {
        const char *body = r->out.data ? r->out.data : "";
        size_t len = r->out.len;
        int gz = 0;
        char etag[48] = "";
        if (status == 200 && len > 0) {
            /* ETag = hash of the identity body; the gzip variant gets its own tag. */
            unsigned char h[16];
            crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
            char hex[33];
            sodium_bin2hex(hex, sizeof hex, h, sizeof h);
            gz = len > 512 && compressible(r->content_type) && accepts_gzip(r);
            snprintf(etag, sizeof etag, "\"%.20s%s\"", hex, gz ? "-gz" : "");
            if (etag_matches(r, etag)) {
                status = 304;
                body = "";
                len = 0;
                gz = 0;
            } else if (gz) {
                size_t zn;
                char *z = gzip_arena(r->arena, body, len, &zn);
                if (z) {
                    body = z;
                    len = zn;
                } else {
                    gz = 0;
                    snprintf(etag, sizeof etag, "\"%.20s\"", hex);
                }
            }
        }
        resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
        if (status != 304) MHD_add_response_header(resp, "Content-Type", r->content_type);
        if (etag[0]) MHD_add_response_header(resp, "ETag", etag);
        if (gz) MHD_add_response_header(resp, "Content-Encoding", "gzip");
        if (status == 200 && compressible(r->content_type)) MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    }
    add_common_headers(r, resp);
    ReqInternal *ri = req_internal(r);
    ri->status = status;
    ri->bytes = r->file_path ? 0 : r->out.len;
    ri->ready = resp;
    ri->ready_status = (unsigned)status;
    ri->ready_owned = 1;
    ri->ready_entry = NULL;
}

/* Build and queue the reply the handler left in r (libmicrohttpd's thread). */
static enum MHD_Result respond(Req *r, int status)
{
    prepare_reply(r, status);
    return queue_ready(r);
}

/* ---- rendered-page cache (issue 4: make bench; see http_cache.h) -------
 * Anonymous GETs of pages whose handler set r->cacheable are answered from
 * ready response objects: no handler, no database, no copy of the body.
 * The key is the path plus the decoded query arguments, each with its
 * length so no two different requests can share a key.  Any request with a
 * session cookie bypasses the cache (staff see their own pages). */
#define CACHE_MAX_ARGS 16

static int page_cache_key(Req *r, Buf *key)
{
    if (strcmp(r->method, "GET") != 0 || !req_internal(r)->route) return 0;
    if (req_cookie(r, "hd_session") || req_cookie(r, "__Host-hd_session")) return 0;
    buf_init(key, r->arena);
    buf_puts(key, r->path);
    int n = 0;
    for (Param *p = r->query; p; p = p->next) {
        if (++n > CACHE_MAX_ARGS) return 0;
        buf_printf(key, "&%zu:%s=%zu:", strlen(p->name), p->name, p->len);
        buf_append(key, p->value, p->len);
    }
    return key->len <= CACHE_MAX_KEY;
}

/* The reply from a cache entry (identity or gzip by Accept-Encoding, 304
 * on a matching If-None-Match); our reference to the entry goes with it. */
static void prepare_cached(Req *r, CacheEntry *e)
{
    ReqInternal *ri = req_internal(r);
    int gz = e->resp_gz && accepts_gzip(r);
    const char *etag = gz ? e->etag_gz : e->etag;
    ri->bytes = e->bytes;
    if (etag[0] && etag_matches(r, etag)) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "ETag", etag);
        add_common_headers(r, resp);
        ri->status = 304;
        ri->ready = resp;
        ri->ready_status = 304;
        ri->ready_owned = 1;
        ri->ready_entry = NULL;
        cache_release(e);
    } else {
        ri->status = 200;
        ri->ready = gz ? e->resp_gz : e->resp;
        ri->ready_status = 200;
        ri->ready_owned = 0;
        ri->ready_entry = e;
    }
}

static void free_body(void *p) { free(p); }

/* A response owning a malloc'd copy of body, with the page headers. */
static struct MHD_Response *cached_response(Req *r, const char *body, size_t len, const char *etag,
                                            int gzip)
{
    char *copy = malloc(len ? len : 1);
    if (!copy) abort();   /* out of memory: as arena/buf */
    memcpy(copy, body, len);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, copy, free_body);
    if (!resp) abort();
    MHD_add_response_header(resp, "Content-Type", r->content_type);
    MHD_add_response_header(resp, "ETag", etag);
    if (gzip) MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "Vary", "Accept-Encoding");
    add_common_headers(r, resp);
    return resp;
}

/* Where the page's live fragment is: the text between r->live_open and
 * the next r->live_close, when the opening tag occurs exactly once. */
static int live_fragment(Req *r, size_t *off, size_t *flen)
{
    if (r->live_article <= 0 || !r->live_open || !r->live_close) return 0;
    const char *body = r->out.data, *end = body + r->out.len;
    size_t on = strlen(r->live_open);
    const char *open = memmem(body, r->out.len, r->live_open, on);
    if (!open || memmem(open + on, (size_t)(end - open - on), r->live_open, on)) return 0;
    const char *from = open + on;
    const char *close = memmem(from, (size_t)(end - from), r->live_close, strlen(r->live_close));
    if (!close) return 0;
    *off = (size_t)(from - body);
    *flen = (size_t)(close - from);
    return 1;
}

/* Keep the page the handler produced (identity + precompressed gzip
 * variant, ETags as respond() makes them) under key; returns the entry to
 * answer from.  The caller checked page_cache_storable. */
static CacheEntry *page_cache_store(Req *r, const Buf *key, uint64_t gen)
{
    const char *body = r->out.data;
    size_t len = r->out.len;
    unsigned char h[16];
    crypto_generichash(h, sizeof h, (const unsigned char *)body, len, NULL, 0);
    char hex[33], etag[48], etag_gz[48];
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(etag, sizeof etag, "\"%.20s\"", hex);
    snprintf(etag_gz, sizeof etag_gz, "\"%.20s-gz\"", hex);
    struct MHD_Response *plain = cached_response(r, body, len, etag, 0), *gz = NULL;
    size_t zn = 0, bytes = len, off = 0, flen = 0;
    /* A page with a live fragment is compressed in parts around it, so
     * that the writer can put a new fragment in (cache_live_update). */
    CacheLive *live = NULL;
    unsigned char *lz = NULL;
    if (len > 512 && live_fragment(r, &off, &flen))
        live = cache_live_make(r->live_article, body, len, off, flen, &lz, &zn);
    char *z = live ? (lz && zn < len ? (char *)lz : NULL)
                   : len > 512 ? gzip_arena(r->arena, body, len, &zn) : NULL;
    if (z) {
        gz = cached_response(r, z, zn, etag_gz, 1);
        bytes += zn;
    }
    free(lz);
    CacheEntry *e = cache_put(key->data, key->len, gen, plain, gz, etag, z ? etag_gz : "", bytes,
                              r->visit_page, r->visit_article);
    cache_live_attach(e, live);   /* NULL: nothing; not kept: freed */
    return e;
}

/* A reply the cache may keep: a public page's 200 made for nobody in
 * particular (no signed-in user, no cookie or other extra header). */
static int page_cache_storable(Req *r, int status)
{
    return r->cacheable && status == 200 && !r->user && !r->headers && !r->file_path &&
           r->out.len > 0 && r->cache_seconds == 0 && compressible(r->content_type);
}

/* ---- storage full (issue 4: durability) -------------------------------
 * A write that fails because the disk is full (SQLite's SQLITE_FULL, seen
 * as DB_FULL on the thread's connection, or ENOSPC while an upload is
 * spooled) is answered 503 with this message instead of a generic error,
 * whatever the handler made of the failure; reads keep working, and the
 * next write succeeds once space returns (nothing is latched). */
static const char STORAGE_FULL_MSG[] =
    "Hệ thống tạm thời không thể lưu dữ liệu vì bộ nhớ lưu trữ của máy chủ đã đầy. "
    "Nội dung bạn gửi chưa được lưu; vui lòng thử lại sau ít phút. "
    "Các trang vẫn xem được bình thường.";

static int reply_storage_full(Req *r)
{
    log_error("storage full: %s %s answered 503 [incident %s]", r->method, r->path, r->incident);
    buf_reset(&r->out);
    r->file_path = NULL;
    reply_header(r, "Retry-After", "120");
    return reply_error(r, 503, STORAGE_FULL_MSG);
}

/* --- foreign Origin on ROUTE_NO_CSRF routes (security checks, issue 4) ---
 * Such a route (the sign-in form) checks its own pre-session token, but a
 * request whose Origin header names another site is refused before it, as
 * on every other POST route: the token cookie is SameSite=Lax, and this
 * holds even where a browser does not honour that.  Same origin means
 * http(s)://<Host> or the origin of cfg.site_url. */
static int origin_foreign(Req *r)
{
    const char *o = req_header(r, "Origin");
    if (!o) return 0;                 /* non-browser client: the token decides */
    size_t on = strlen(o);
    if (cfg.site_url) {
        const char *p = strstr(cfg.site_url, "://");
        const char *slash = p ? strchr(p + 3, '/') : NULL;
        size_t n = slash ? (size_t)(slash - cfg.site_url) : strlen(cfg.site_url);
        if (on == n && !strncasecmp(o, cfg.site_url, n)) return 0;
    }
    const char *host = req_header(r, "Host");
    if (!host || !*host) return 1;
    const char *h = !strncasecmp(o, "http://", 7) ? o + 7 : !strncasecmp(o, "https://", 8) ? o + 8 : NULL;
    return !h || strcasecmp(h, host) != 0;
}

/* ROUTE_COUNCIL: the council of the URL (args[0]) must exist and lie in
 * the account's scope: read for GET (and a ROUTE_REVIEW decision), write
 * for anything else.  Settled
 * here, before the body of a POST is read. */
static int check_council_scope(Req *r, int route_flags)
{
    int64_t id = r->nargs > 0 ? staff_council_arg(r->args[0]) : 0;
    if (id > 0 && db_int(r->db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", id) != 1) id = 0;
    if (id <= 0) return reply_error(r, 404, "Không có Hội đồng nhân dân này.");
    int scope = staff_scope(r->db, r->user, id);
    if (scope < 0) return reply_error(r, 500, NULL);
    int reads = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");
    /* A review decision is the reviewer's one write: READ scope on the
     * reviewing council (its own and those below) is enough. */
    int need = reads || (route_flags & ROUTE_REVIEW) ? STAFF_READ : STAFF_WRITE;
    if (scope < need)
        return reply_error(r, 403, scope == STAFF_NONE
                                       ? "Hội đồng nhân dân này không thuộc phạm vi công việc của tài khoản bạn."
                                       : "Tài khoản của bạn chỉ được xem, không được sửa dữ liệu của Hội đồng nhân dân này.");
    r->council_id = id;
    r->council_scope = scope;
    return 0;
}

/* ROUTE_AGENCY_PETITION / ROUTE_AGENCY_RECOMMENDATION: args[0] is a
 * petition or recommendation id that must be forwarded to the signed-in
 * agency's account.  One answer for "not yours" and "no such id", so an
 * agency cannot learn which ids exist.  Settled before the body. */
static int check_agency_own(Req *r, int route_flags)
{
    int64_t id = r->nargs > 0 ? staff_council_arg(r->args[0]) : 0;
    int64_t agency = r->user && r->user->role == ROLE_AGENCY ? r->user->agency_id : 0;
    int64_t owner = -1;
    if (id > 0 && agency > 0)
        owner = db_int(r->db, -1, route_flags & ROUTE_AGENCY_PETITION
                                      ? "SELECT agency_id FROM petitions WHERE id = ?1 AND forwarded_on IS NOT NULL "
                                        "AND status <> 'merged'"
                                      : "SELECT agency_id FROM recommendations WHERE id = ?1", "l", id);
    if (agency <= 0 || owner != agency)
        return reply_error(r, 403, route_flags & ROUTE_AGENCY_PETITION
                                       ? "Kiến nghị này không được chuyển tới cơ quan của bạn."
                                       : "Kiến nghị giám sát này không gửi tới cơ quan của bạn.");
    return 0;
}

/* Who may call this route, decided from the request line and headers
 * alone: route (404/405), database and session, role, the account's office
 * (a council's staff pass only ROUTE_COUNCIL / ROUTE_ANY_OFFICE routes),
 * the council's scope, and a foreign Origin on ROUTE_NO_CSRF routes.  For
 * a POST it runs in the FIRST call of the access handler, so a refused
 * request is answered before a byte of its body is read or stored.  0 when
 * allowed, else the status of the reply already queued in r. */
static int check_access(Req *r, const Route *rt, int route_status)
{
    ReqInternal *ri = req_internal(r);
    ri->access_checked = 1;
    if (!rt) {
        if (route_status == 405) reply_header(r, "Allow", "GET, HEAD, POST");
        return reply_error(r, route_status, NULL);
    }
    int needs_db = !(rt->flags & ROUTE_NO_DB);
    if (needs_db) {
        r->db = db_thread();
        if (!r->db) return reply_error(r, 503, NULL);
        db_clear_error(r->db);   /* storage full: judge this request's writes only */
        if (auth_load(r) != 0)   /* a session touch can fail on a full disk too */
            return db_last_error(r->db) == DB_FULL ? reply_storage_full(r) : reply_error(r, 500, NULL);
    }
    if (rt->role > ROLE_NONE) {
        if (!r->user) {
            if (!strcmp(r->method, "GET")) {
                Buf to;
                buf_init(&to, r->arena);
                buf_puts(&to, "/quan-tri/dang-nhap?tiep=");
                buf_url(&to, r->path);
                return reply_redirect(r, buf_str(&to));
            }
            return reply_error(r, 403, "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.");
        }
        if (!(rt->flags & ROUTE_ANY_ACCOUNT) && !role_allows(r->user->role, rt->role))
            return reply_error(r, 403, "Tài khoản của bạn không có quyền thực hiện thao tác này.");
        /* Portal administration belongs to the portal owner's office; the
         * other offices reach only council work and their own pages. */
        if (!(rt->flags & (ROUTE_COUNCIL | ROUTE_ANY_OFFICE | ROUTE_ANY_ACCOUNT)) && !staff_portal(r->user))
            return reply_error(r, 403, "Tài khoản của bạn thuộc Văn phòng của một Hội đồng nhân dân khác: "
                                       "trang này chỉ dành cho Văn phòng quản lý cổng thông tin.");
    }
    if (rt->flags & ROUTE_COUNCIL) {
        int st = check_council_scope(r, rt->flags);
        if (st) return st;
    }
    if (rt->flags & (ROUTE_AGENCY_PETITION | ROUTE_AGENCY_RECOMMENDATION)) {
        int st = check_agency_own(r, rt->flags);
        if (st) return st;
    }
    if (!strcmp(r->method, "POST") && (rt->flags & ROUTE_NO_CSRF) && origin_foreign(r))
        return reply_error(r, 403, "Yêu cầu không hợp lệ (gửi từ trang web khác).");
    return 0;
}

/* Run the request: access (unless the first call did it), the body's own
 * refusals, size, CSRF, handler.  Returns the status. */
static int dispatch(Req *r, const Route *rt, int route_status)
{
    ReqInternal *ri = req_internal(r);
    if (!ri->access_checked) {
        int st = check_access(r, rt, route_status);
        if (st) return st;
    } else if (r->db) {
        /* A POST's access check ran in libmicrohttpd's thread, on that
         * thread's connection; the handler runs here, on this thread's
         * own (a connection is never used by two threads at once). */
        r->db = db_thread();
        if (!r->db) return reply_error(r, 503, NULL);
        db_clear_error(r->db);
    }
    if (ri->body_error == 503) return reply_storage_full(r);   /* ENOSPC spooling an upload */
    if (ri->body_error) return reply_error(r, ri->body_error, ri->body_msg);
    if (r->body_too_large) return reply_error(r, 413, NULL);
    if (!strcmp(r->method, "POST") && !(rt->flags & ROUTE_NO_CSRF) && !auth_check_csrf(r))
        return reply_error(r, 403, CSRF_MSG);
    int status = rt->handler(r);
    /* Storage full: a handler that failed after the disk filled up (its own
     * 500, or a form re-rendered with a generic error) answers 503. */
    if (status >= 400 && r->db && db_last_error(r->db) == DB_FULL) status = reply_storage_full(r);
    return status;
}

/* A request answered from cache entry e: it still counts as a visit. */
static void cached_hit(Req *r, CacheEntry *e)
{
    r->visit_page = e->visit_page;
    r->visit_article = e->visit_article;
    if (http_after_hook) http_after_hook(r, 200);
    prepare_cached(r, e);
}

/* A GET whose client closed its end while the request waited for a
 * worker: the socket reads end-of-file.  (Data waiting there is a
 * pipelined request: the client is still there.) */
static int client_gone(Req *r)
{
    if (strcmp(r->method, "GET") != 0) return 0;
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci) return 0;
    char c;
    return recv(ci->connect_fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* The handler half of a request: dispatch, the cache's bookkeeping, the
 * reply prepared in r.  May block; runs in a worker (or, for routes that
 * need nothing, in libmicrohttpd's thread). */
static void run_handler(Req *r)
{
    ReqInternal *ri = req_internal(r);
    ri->cache_gen = cache_generation();
    if (ri->cache_req) {
        /* Here we may wait for another request's render of this page. */
        CacheEntry *e = cache_get(ri->cache_key.data, ri->cache_key.len);
        if (e) {
            cached_hit(r, e);
            return;
        }
    }
    cache_request_begin();    /* the handler may declare what its write changed */
    int status = dispatch(r, ri->route, ri->route_status);
    if (status < 100 || status > 599) {
        log_error("handler for %s returned status %d [incident %s]", r->path, status, r->incident);
        buf_reset(&r->out);
        status = reply_error(r, 500, NULL);
    }
    /* Every content write arrives as a POST.  A handler that wrote names
     * what it changed (cache_invalidate, after its commit) or that nothing
     * cached changed (cache_unchanged); an accepted POST that declared
     * neither makes every cached page stale, so a forgotten declaration
     * never serves a stale page.  Refused requests (4xx/5xx) changed
     * nothing, so a flood of them cannot empty the cache. */
    if (!strcmp(r->method, "POST") && status < 400 && !cache_request_declared()) cache_bump();
    if (http_after_hook) http_after_hook(r, status);
    if (ri->cache_req && page_cache_storable(r, status)) {
        prepare_cached(r, page_cache_store(r, &ri->cache_key, ri->cache_gen));
        return;
    }
    if (ri->cache_req) cache_abandon(ri->cache_key.data, ri->cache_key.len);
    prepare_reply(r, status);
}

/* A worker's job: run the handler, then wake the connection, whose next
 * on_request call queues the reply. */
static void run_job(PoolJob *job)
{
    ReqInternal *ri = (ReqInternal *)((char *)job - offsetof(ReqInternal, job));
    Req *r = &ri->pub;
    if (client_gone(r)) {
        /* Nobody is left to read it: a burst of readers that went away (a
         * closed tab, a benchmark's end) costs no renders while the live
         * requests queue behind them.  Only reads are skipped; a POST that
         * arrived whole is carried out. */
        ri->ready = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        ri->ready_status = 503;   /* never delivered */
        ri->ready_owned = 1;
        ri->status = 499;         /* the access log's "client closed the request" (as nginx) */
        if (ri->cache_req) cache_abandon(ri->cache_key.data, ri->cache_key.len);
    } else {
        run_handler(r);
    }
    MHD_resume_connection(r->conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)version;
    Req *r = *con_cls;
    if (!r) {
        r = req_create(conn, url, method);
        *con_cls = r;
        ReqInternal *ri = req_internal(r);
        ri->route = route_match(r, r->is_head ? "GET" : r->method, r->path, &ri->route_status);
        size_t limit = (ri->route && (ri->route->flags & ROUTE_UPLOAD)) ? cfg.max_upload + 64 * 1024 : cfg.max_form;
        ri->body_limit = limit;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        ri->chunked = !cl;
        if (!strcmp(r->method, "POST")) {
            /* Decide who may post before reading the body: a refusal is
             * answered now and the body is never read (nor stored). */
            int st = check_access(r, ri->route, ri->route_status);
            if (st) {
                ri->responded = 1;
                if (http_after_hook) http_after_hook(r, st);
                return respond(r, st);
            }
        }
        if (cl && strtoull(cl, NULL, 10) > limit) {
            /* Refuse before reading the body; the connection closes after it. */
            r->body_too_large = 1;
            int st = reply_error(r, 413, NULL);
            return respond(r, st);
        }
        if (!strcmp(r->method, "POST")) {
            struct MHD_PostProcessor *pp = MHD_create_post_processor(conn, 32 * 1024, on_post_data, r);
            if (pp) {
                ri->pp = pp;
                arena_on_free(r->arena, pp_destroy, pp);
            }
        }
        return MHD_YES;
    }
    ReqInternal *ri = req_internal(r);
    if (*upload_data_size) {
        /* One limit for the whole body, whatever its framing or parts. */
        ri->body_bytes += *upload_data_size;
        if (ri->body_bytes > ri->body_limit) {
            r->body_too_large = 1;
            if (ri->chunked) {
                /* A chunked body has no end we can wait for, and a reply
                 * cannot be queued mid-body: close the connection (spool
                 * files go with the request's arena). */
                log_warn("chunked body over %zu bytes on %s: connection closed", ri->body_limit, r->path);
                return MHD_NO;
            }
        }
        if (!r->body_too_large && !ri->body_error) {
            if (ri->pp) {
                if (MHD_post_process(ri->pp, upload_data, *upload_data_size) != MHD_YES &&
                    !r->body_too_large && !ri->body_error)
                    ri->body_error = 400;
            } else {
                if (ri->raw.len + *upload_data_size > cfg.max_form) r->body_too_large = 1;
                else buf_append(&ri->raw, upload_data, *upload_data_size);
            }
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (ri->deferred) return queue_ready(r);   /* resumed: the worker prepared the reply */
    if (ri->responded) return MHD_YES;
    ri->responded = 1;
    /* Page cache: answer an anonymous GET from memory when we can, here in
     * libmicrohttpd's thread (run_handler reads the generation before the
     * handler, so a write committed while it renders makes it stale). */
    ri->cache_req = page_cache_key(r, &ri->cache_key);
    if (ri->cache_req) {
        /* Peek, never wait: a page being rendered again after a write is
         * waited for by a worker (run_handler), not by this thread. */
        CacheEntry *e = cache_peek(ri->cache_key.data, ri->cache_key.len);
        if (e) {
            cached_hit(r, e);
            return queue_ready(r);
        }
    }
    /* Everything else may wait (database, group commit): a worker runs it
     * while the connection is suspended, so the other connections of this
     * thread go on.  Embedded static files need nothing and stay here. */
    if (ri->route && (ri->route->flags & ROUTE_NO_DB)) {
        run_handler(r);
        return queue_ready(r);
    }
    ri->deferred = 1;
    ri->job.run = run_job;
    MHD_suspend_connection(conn);
    if (http_pool_submit(&ri->job) != 0) run_job(&ri->job);   /* pool stopping: run it here */
    return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn;
    Req *r = *con_cls;
    if (!r) return;
    ReqInternal *ri = req_internal(r);
    drop_ready(ri);
    if (!r->no_log) {
        /* Access log: no IP address, no user agent, no query string. */
        log_info("access %s %s %d %zu %lldus%s", r->method, r->path, ri->status, ri->bytes,
                 (long long)(now_usec() - ri->start_us),
                 toe != MHD_REQUEST_TERMINATED_COMPLETED_OK ? " aborted" : "");
    }
    req_destroy(r);
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    log_warn("libmicrohttpd: %s", msg);
}

int http_start(char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, cfg.listen, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg.port);
        sl = sizeof *v4;
    } else if (inet_pton(AF_INET6, cfg.listen, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)cfg.port);
        sl = sizeof *v6;
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "listen address '%s' is not an IPv4 or IPv6 address", cfg.listen);
        return -1;
    }
    (void)sl;
    /* The handlers' workers first: the first request may need one. */
    if (http_pool_start(cfg.threads, err, errlen) != 0) return -1;
    daemon_ = MHD_start_daemon(
        flags, (uint16_t)cfg.port, NULL, NULL, on_request, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,   /* first, so every message uses it */
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        /* libmicrohttpd's threads only move bytes and answer from the page
         * cache (handlers run in http_pool's workers): one per CPU. */
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.io_threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg.conn_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg.per_ip_limit,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg.idle_timeout,
        /* Per-connection pool: request headers + read buffer.  16 KiB holds
         * any real browser's headers (larger get 431); libmicrohttpd zeroes
         * the whole pool between keep-alive requests, which at 64 KiB cost
         * 13% of the CPU of a cached page (perf, bench/run.sh). */
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(16 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        /* No MHD_OPTION_LISTENING_ADDRESS_REUSE: it sets SO_REUSEPORT, and
         * a second instance would then share the port silently, the
         * kernel splitting the readers between two servers.  Without it a
         * second start fails ("cannot listen"); libmicrohttpd's default
         * SO_REUSEADDR still lets a restart bind at once. */
        MHD_OPTION_END);
    if (!daemon_) {
        http_pool_stop();
        snprintf(err, errlen, "cannot listen on %s port %d (in use, or not permitted)", cfg.listen, cfg.port);
        return -1;
    }
    return 0;
}

void http_stop(void)
{
    /* The workers finish what they hold and resume those connections
     * (requests from now on run in libmicrohttpd's threads), so none is
     * left suspended when the daemon closes them all. */
    http_pool_stop();
    if (daemon_) MHD_stop_daemon(daemon_);
    daemon_ = NULL;
}
