/* http_cache.h - the rendered-page cache for anonymous GET pages.
 *
 * A public page handler opts in with `r->cacheable = 1`; http_server.c then
 * keeps the page it produced (identity and gzip bodies, their ETags, and
 * the visit information for statistics) as ready libmicrohttpd response
 * objects, keyed by path + query, and answers the next anonymous GET of the
 * same key from memory without running the handler.  Requests carrying a
 * session cookie never use it.
 *
 * Invalidation is exact: every entry records the content generation at
 * which its handler STARTED; cache_bump() (called after every state-changing
 * request, see http_server.c) makes all older entries misses.  Pages also
 * show live figures ("Online", visit totals) and time-dependent content
 * (scheduled articles going live), so entries also expire after
 * CACHE_TTL_MS; an expired entry of the current generation is still served
 * while ONE request renders its replacement (no stampede).
 *
 * Memory: at most CACHE_MAX_BYTES of bodies, least recently used evicted.
 * All functions are thread-safe. */
#ifndef HD_HTTP_CACHE_H
#define HD_HTTP_CACHE_H
#include <stddef.h>
#include <stdint.h>

struct MHD_Response;

enum {
    CACHE_TTL_MS = 5000,                 /* freshness of an entry */
    CACHE_MAX_BYTES = 16 * 1024 * 1024,  /* bodies (identity + gzip) held at most */
    CACHE_MAX_KEY = 1024                 /* longer path+query: not cached */
};

typedef struct CacheEntry {
    /* Read-only after cache_put; valid while the caller holds a reference. */
    struct MHD_Response *resp;           /* identity body with every header */
    struct MHD_Response *resp_gz;        /* gzip body, or NULL when it did not shrink */
    char etag[48], etag_gz[48];          /* quoted, as sent */
    int visit_page;                      /* statistics of the page (Req.visit_page) */
    int64_t visit_article;
    /* private */
    struct CacheEntry *hnext, *prev, *next;
    uint64_t hash, gen;
    int64_t born_ms;
    size_t bytes;
    int refs, dead;
    int64_t refresh_ms;                 /* when a refresh of an expired entry began */
    char *key;
    size_t keylen;
} CacheEntry;

/* Invalidate every cached page (a content write committed). */
void cache_bump(void);
/* The current content generation (read before running a handler). */
uint64_t cache_generation(void);

/* Look up key.  Returns a referenced entry to answer from (release it with
 * cache_release), or NULL: then the caller renders and offers the result
 * with cache_put.  An entry of an older generation is never returned; an
 * expired one of the current generation is returned to everyone except the
 * one caller chosen to refresh it. */
CacheEntry *cache_get(const char *key, size_t keylen);
void cache_release(CacheEntry *e);

/* Store a rendered page for key made at generation gen (the value of
 * cache_generation() before the handler ran).  Takes ownership of the
 * response objects (resp_gz may be NULL) and returns an entry holding them
 * with a reference for the caller (never NULL), so the caller answers from
 * it either way.  When the page cannot be kept (the generation moved on
 * while it was rendered, or it is larger than a quarter of the cache) the
 * entry is private and freed by the caller's cache_release. */
CacheEntry *cache_put(const char *key, size_t keylen, uint64_t gen, struct MHD_Response *resp,
                      struct MHD_Response *resp_gz, const char *etag, const char *etag_gz,
                      size_t bytes, int visit_page, int64_t visit_article);

/* Drop every entry (shutdown, tests).  Entries still referenced are freed
 * by their last cache_release. */
void cache_clear(void);

/* Counters for tests and the bench: hits, misses, stored entries, bytes. */
typedef struct CacheStats { uint64_t hits, misses, entries, bytes, generation; } CacheStats;
void cache_stats(CacheStats *out);

#endif
