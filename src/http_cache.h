/* http_cache.h - the rendered-page cache for anonymous GET pages.
 *
 * A public page handler opts in with `r->cacheable = 1`; http_server.c then
 * keeps the page it produced (identity and gzip bodies, their ETags, and
 * the visit information for statistics) as ready libmicrohttpd response
 * objects, keyed by path + query, and answers the next anonymous GET of the
 * same key from memory without running the handler.  Requests carrying a
 * session cookie never use it.
 *
 * Invalidation is exact and scoped.  A write says what it changed, after
 * its COMMIT, with cache_invalidate(scope):
 *   "article:<id>"  that article's own pages (its rating, its comments);
 *   "lists"         the pages that list articles (home, categories,
 *                   documents) - today none shows live figures, but a
 *                   comment approval declares it so that a list showing
 *                   counts later stays fresh;
 *   "sidebar"       every page with the layout's sidebar (current poll and
 *                   its voter count, website links, visit totals);
 *   "all"           everything (cache_bump()).
 * An entry's scopes are derived when it is stored: every page has the
 * sidebar; a page that counts as a view of article X (Req.visit_article)
 * is "article:X", any other cached page is "lists".  A request that wrote
 * and named no scope is covered by the server: every accepted POST
 * (status < 400) whose handler called neither cache_invalidate*() nor
 * cache_unchanged() bumps everything, so a forgotten call costs speed,
 * never a stale page.
 *
 * The race rule: cache_generation() is read BEFORE the handler runs and
 * stored with the entry; every invalidation takes a new generation number
 * and records it for its scope, so an entry made from a read that started
 * before a write's invalidation is never kept nor served.  Scopes live in
 * a fixed table (articles hashed into it): two articles sharing a slot
 * only cost each other a miss.
 *
 * After an invalidation the first request for a page renders it again and
 * the others asking for the same page meanwhile wait for that render (at
 * most CACHE_RENEW_WAIT_MS) rather than each rendering it: a rated article
 * read by many is rendered once per rating, not once per reader.
 *
 * Pages also show live figures ("Online", visit totals) and time-dependent
 * content (scheduled articles going live), so entries also expire after
 * CACHE_TTL_MS; an expired entry still valid otherwise is served while ONE
 * request renders its replacement (no stampede).
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
    CACHE_MAX_KEY = 1024,                /* longer path+query: not cached */
    CACHE_RENEW_WAIT_MS = 100            /* wait at most this for another's render */
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
    uint16_t scope[2];                  /* slots in the scope table (see http_cache.c) */
    int64_t born_ms;
    size_t bytes;
    int refs, dead;
    int64_t refresh_ms;                 /* when a refresh of an expired entry began */
    int64_t renew_ms;                   /* when a render replacing an invalidated one began */
    char *key;
    size_t keylen;
    struct CacheLive *live;             /* the page's live fragment, or NULL */
} CacheEntry;

/* Invalidate every cached page (a content write committed). */
void cache_bump(void);
/* Invalidate the pages of one scope ("article:<id>", "lists", "sidebar",
 * "all"; anything else counts as "all").  Call it after the write's COMMIT,
 * from the handler that wrote; it also declares the request's scope (see
 * cache_request_declared). */
void cache_invalidate(const char *scope);
/* cache_invalidate("article:<id>"). */
void cache_invalidate_article(int64_t id);
/* Declare that this request's write changes no cached page (a comment
 * waiting for moderation, a sign-in): the server then does not bump. */
void cache_unchanged(void);
/* Several nodes (shared.c): called after each invalidation this process
 * makes, with its scope ("all" for everything), to tell the others; and
 * what a message from another node applies here (never told on). */
extern void (*cache_peer_hook)(const char *scope);
void cache_invalidate_from_peer(const char *scope);
/* Per worker thread, around one handler (http_server.c): begin clears the
 * declaration; declared says whether the handler called cache_invalidate*
 * or cache_unchanged since. */
void cache_request_begin(void);
int cache_request_declared(void);
/* The current content generation (read before running a handler). */
uint64_t cache_generation(void);

/* Look up key.  Returns a referenced entry to answer from (release it with
 * cache_release), or NULL: then the caller renders and offers the result
 * with cache_put.  An entry of an older generation is never returned; an
 * expired one of the current generation is returned to everyone except the
 * one caller chosen to refresh it. */
CacheEntry *cache_get(const char *key, size_t keylen);
/* cache_get without waiting and without side effects on a miss: the entry
 * when it can be served at once, else NULL (nothing claimed, no miss
 * counted) and the caller asks cache_get where it may wait.  For
 * libmicrohttpd's threads, which must never block. */
CacheEntry *cache_peek(const char *key, size_t keylen);
void cache_release(CacheEntry *e);
/* After a cache_get miss the caller could not offer a page for key (not
 * cacheable, an error status): callers waiting for it render themselves. */
void cache_abandon(const char *key, size_t keylen);

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

/* ---- live fragments (issue 7, item 3: reads while an article is rated)
 * An article page shows its rating summary in one small span.  Rather
 * than invalidating the page on every rating (one render of the whole
 * page per rating, and readers waiting for it), the cache keeps the page
 * cut around that span, with both sides already compressed, and the
 * writer thread, right after the rating's COMMIT and in commit order,
 * puts the new summary in: a new entry of a new generation, made from
 * the old sides and the new span, with the identity and gzip bodies and
 * ETags a render would give (the gzip body is the sides' deflate streams
 * around a stored block, with the CRCs combined).  Every other page of the
 * article is invalidated as before.
 *
 * cache_live_make cuts body (len bytes) at the fragment [off, off + flen)
 * and returns the parts for article_id, with a malloc'd gzip body of the
 * whole page made from them in *gz (*gzlen); cache_live_attach gives them
 * to a stored entry (freed if the entry was not kept). */
typedef struct CacheLive CacheLive;
CacheLive *cache_live_make(int64_t article_id, const char *body, size_t len, size_t off, size_t flen,
                           unsigned char **gz, size_t *gzlen);
void cache_live_attach(CacheEntry *e, CacheLive *live);
/* After a COMMIT that changed article_id's fragment (its rating summary,
 * frag: the HTML between the span's tags): invalidate the article's
 * pages, and replace each current one that has the live fragment with
 * the same page showing frag.  Call in commit order (the writer thread);
 * it declares nothing for the request (the handler says cache_unchanged). */
void cache_live_update(int64_t article_id, const char *frag, size_t flen);

/* Drop every entry (shutdown, tests).  Entries still referenced are freed
 * by their last cache_release. */
void cache_clear(void);

/* Counters for tests and the bench: hits, misses, stored entries, bytes. */
typedef struct CacheStats {
    uint64_t hits, misses, entries, bytes, generation;
    uint64_t bumps, scoped;            /* whole-cache and scoped invalidations */
} CacheStats;
void cache_stats(CacheStats *out);

#endif
