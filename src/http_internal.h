/* http_internal.h - server-private request state (http_server.c and
 * http_req.c only; handlers see just the public Req). */
#ifndef HD_HTTP_INTERNAL_H
#define HD_HTTP_INTERNAL_H
#include "http.h"
#include "http_pool.h"

struct MHD_Response;
struct CacheEntry;

struct MHD_PostProcessor;

typedef struct ReqUploadState {
    const char *field, *filename, *path;
    int fd;
    Upload *pub;
} ReqUploadState;

typedef struct ReqInternal {
    Req pub;                      /* must be first: Req* <-> ReqInternal* */
    const Route *route;
    int route_status;
    struct MHD_PostProcessor *pp;
    ReqUploadState *cur_upload;
    size_t form_bytes;
    Buf raw;                      /* body of a non-form POST */
    int body_error;               /* status to answer because the body could not be taken */
    const char *body_msg;         /* its Vietnamese message, NULL for the generic one */
    size_t body_bytes;            /* body bytes received so far, chunked or not */
    size_t body_limit;            /* the whole-body limit of this route */
    int chunked;                  /* no Content-Length: overflow closes the connection */
    int access_checked;           /* check_access ran (first call of a POST) */
    int upload_admitted;          /* the CSRF token was checked before the first file part */
    int responded;
    int status;
    size_t bytes;
    int64_t start_us;
    const char *file_etag;
    const char *tmp_dir;
    const char *client_ip;
    /* The handler half, run by a worker (http_pool.h) while libmicrohttpd
     * keeps the connection suspended; the reply it prepares is queued when
     * the connection is resumed. */
    PoolJob job;
    int deferred;                 /* handed to a worker: the next call queues the reply */
    int cache_req;                /* an anonymous GET the page cache may answer or keep */
    Buf cache_key;
    uint64_t cache_gen;           /* the cache generation read before the handler ran */
    struct MHD_Response *ready;   /* the prepared reply, not yet queued */
    unsigned ready_status;
    int ready_owned;              /* destroy ready after queueing it (else it is the entry's) */
    struct CacheEntry *ready_entry; /* the cache entry ready belongs to: released after queueing */
} ReqInternal;

static inline ReqInternal *req_internal(Req *r) { return (ReqInternal *)r; }

Req *req_create(struct MHD_Connection *conn, const char *url, const char *method);
void req_destroy(Req *r);

/* http_range.c: parse a Range header for a representation of size bytes.
 * 1: one satisfiable range, *from and *len set (206); 0: ignore the header
 * (absent, malformed, several ranges: 200 with everything); -1: valid but
 * unsatisfiable (416). */
int http_parse_range(const char *header, uint64_t size, uint64_t *from, uint64_t *len);
#endif
