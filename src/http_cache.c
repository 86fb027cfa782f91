/* http_cache.c - the rendered-page cache (see http_cache.h).
 *
 * A fixed hash table of chained entries plus a doubly linked LRU list,
 * all under one mutex: a lookup is a hash, a short chain walk and a
 * reference count increment, so two worker threads hardly ever wait on
 * each other.  The bodies live inside the libmicrohttpd response objects
 * (created with a free callback by http_server.c); libmicrohttpd counts
 * its own references while a response is being sent, so an entry evicted
 * here while connections still send its body stays valid until the last
 * of them finishes.  Our own count (refs) covers the gap between
 * cache_get and MHD_queue_response. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "http_cache.h"
#include "tuning.h"

#define BUCKETS 4096            /* power of two */
/* The scope table: the generation of the last invalidation of each scope.
 * Slot 0 is "sidebar", 1 "lists", the others articles (id hashed). */
#define SCOPE_SLOTS 4096
#define SLOT_SIDEBAR 0
#define SLOT_LISTS 1

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t renewed = PTHREAD_COND_INITIALIZER;   /* a key was stored or given up */
static CacheEntry *table[BUCKETS];
static CacheEntry *lru_head, *lru_tail;    /* head = most recently used */
static size_t total_bytes, nentries;
static uint64_t n_hits, n_misses;
static uint64_t generation = 1;            /* atomic; written under mu */
static uint64_t all_last;                  /* generation of the last cache_bump (mu) */
static uint64_t scope_last[SCOPE_SLOTS];   /* ... of each scope's last invalidation (mu) */
static uint64_t n_bumps, n_scoped;
static _Thread_local int declared;         /* this thread's handler named its scope */
static uint64_t render_serial;             /* atomic; test build only */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FNV-1a, 64 bit: keys are short paths, no adversarial pressure worth more
 * (a chain only ever holds keys that were rendered pages). */
static uint64_t hash_key(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static unsigned article_slot(int64_t id)
{
    return 2 + (unsigned)((uint64_t)id % (SCOPE_SLOTS - 2));
}

/* A new generation for slot (or for everything when slot < 0). */
static void invalidate_slot(int slot)
{
    pthread_mutex_lock(&mu);
    uint64_t g = __atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
    if (slot < 0) {
        all_last = g;
        n_bumps++;
    } else {
        scope_last[slot] = g;
        n_scoped++;
    }
    pthread_mutex_unlock(&mu);
}

void (*cache_peer_hook)(const char *scope);

/* The slot of a scope name; -1 for "all" and anything unknown. */
static int scope_slot(const char *scope)
{
    if (scope && !strcmp(scope, "sidebar")) return SLOT_SIDEBAR;
    if (scope && !strcmp(scope, "lists")) return SLOT_LISTS;
    if (scope && !strncmp(scope, "article:", 8)) {
        char *end = NULL;
        long long id = strtoll(scope + 8, &end, 10);
        if (end != scope + 8 && !*end && id > 0) return (int)article_slot(id);
    }
    return -1;
}

/* Tell the other nodes (shared.c), after this node's own invalidation. */
static void tell_peers(const char *scope)
{
    if (cache_peer_hook) cache_peer_hook(scope);
}

void cache_bump(void)
{
    invalidate_slot(-1);
    tell_peers("all");
}

void cache_invalidate(const char *scope)
{
    declared = 1;
    int slot = scope_slot(scope);
    invalidate_slot(slot);    /* unknown scope or "all": everything */
    tell_peers(slot < 0 ? "all" : scope);
}

void cache_invalidate_article(int64_t id)
{
    declared = 1;
    invalidate_slot(id > 0 ? (int)article_slot(id) : -1);
    char scope[32];
    if (id > 0) snprintf(scope, sizeof scope, "article:%lld", (long long)id);
    tell_peers(id > 0 ? scope : "all");
}

void cache_invalidate_from_peer(const char *scope)
{
    invalidate_slot(scope_slot(scope));
}

void cache_unchanged(void)
{
    declared = 1;
}

void cache_request_begin(void)
{
    declared = 0;
}

int cache_request_declared(void)
{
    return declared;
}

uint64_t cache_generation(void)
{
    return __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
}

static void entry_free(CacheEntry *e)
{
    if (e->resp) MHD_destroy_response(e->resp);
    if (e->resp_gz) MHD_destroy_response(e->resp_gz);
    free(e->key);
    free(e);
}

static void lru_unlink(CacheEntry *e)
{
    if (e->prev) e->prev->next = e->next;
    else lru_head = e->next;
    if (e->next) e->next->prev = e->prev;
    else lru_tail = e->prev;
    e->prev = e->next = NULL;
}

static void lru_push_front(CacheEntry *e)
{
    e->prev = NULL;
    e->next = lru_head;
    if (lru_head) lru_head->prev = e;
    lru_head = e;
    if (!lru_tail) lru_tail = e;
}

/* Take e out of the table (mutex held); frees it unless someone still
 * holds a reference. */
static void entry_remove(CacheEntry *e)
{
    CacheEntry **pp = &table[e->hash & (BUCKETS - 1)];
    while (*pp && *pp != e) pp = &(*pp)->hnext;
    if (*pp) *pp = e->hnext;
    lru_unlink(e);
    total_bytes -= e->bytes;
    nentries--;
    e->dead = 1;
    if (--e->refs == 0) entry_free(e);
}

/* Whether entry e (made from reads that began at e->gen) is still exact:
 * nothing it shows was invalidated after that (mutex held). */
static int entry_current(const CacheEntry *e)
{
    return all_last <= e->gen && scope_last[e->scope[0]] <= e->gen && scope_last[e->scope[1]] <= e->gen;
}

static CacheEntry *find(uint64_t h, const char *key, size_t keylen)
{
    for (CacheEntry *e = table[h & (BUCKETS - 1)]; e; e = e->hnext)
        if (e->hash == h && e->keylen == keylen && memcmp(e->key, key, keylen) == 0) return e;
    return NULL;
}

/* Deadline (CLOCK_REALTIME, for pthread_cond_timedwait) ms from now. */
static struct timespec deadline_in(int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
    ts.tv_nsec %= 1000000000L;
    return ts;
}

CacheEntry *cache_get(const char *key, size_t keylen)
{
    uint64_t h = hash_key(key, keylen);
    int64_t now = now_ms();
    struct timespec until = {0, 0};
    int waited = 0;
    pthread_mutex_lock(&mu);
    CacheEntry *e;
    for (;;) {
        e = find(h, key, keylen);
        if (!e || entry_current(e)) break;
        /* Invalidated: never served.  The first caller renders the page
         * again (renew_ms marks it); the others wait for that render
         * instead of all rendering the same page at once after every
         * write, and render themselves only when it takes too long.  The
         * render they wait for began after the invalidation, so it shows
         * the write. */
        now = now_ms();
        if (e->renew_ms == 0 || now - e->renew_ms > CACHE_RENEW_WAIT_MS) {
            e->renew_ms = now;
            e = NULL;
            break;
        }
        if (!waited) {
            until = deadline_in(CACHE_RENEW_WAIT_MS);
            waited = 1;
        }
        if (pthread_cond_timedwait(&renewed, &mu, &until) != 0) {
            e = NULL;         /* too long: render ourselves */
            break;
        }
    }
    if (e && now - e->born_ms > tuning->cache_ttl_ms &&
        (e->refresh_ms == 0 || now - e->refresh_ms > tuning->cache_ttl_ms)) {
        e->refresh_ms = now;  /* this caller renders the replacement; others get this one */
        e = NULL;
    }
    if (e) {
        e->refs++;
        lru_unlink(e);
        lru_push_front(e);
        n_hits++;
    } else {
        n_misses++;
    }
    pthread_mutex_unlock(&mu);
    return e;
}

CacheEntry *cache_peek(const char *key, size_t keylen)
{
    uint64_t h = hash_key(key, keylen);
    int64_t now = now_ms();
    pthread_mutex_lock(&mu);
    CacheEntry *e = find(h, key, keylen);
    /* Only what cache_get would serve without waiting and without making
     * this caller the renderer: a current entry, fresh or already being
     * refreshed by someone else.  Anything else is cache_get's to decide. */
    if (e && (!entry_current(e) ||
              (now - e->born_ms > tuning->cache_ttl_ms &&
               (e->refresh_ms == 0 || now - e->refresh_ms > tuning->cache_ttl_ms))))
        e = NULL;
    if (e) {
        e->refs++;
        lru_unlink(e);
        lru_push_front(e);
        n_hits++;
    }
    pthread_mutex_unlock(&mu);
    return e;
}

void cache_abandon(const char *key, size_t keylen)
{
    uint64_t h = hash_key(key, keylen);
    pthread_mutex_lock(&mu);
    CacheEntry *e = find(h, key, keylen);
    if (e && e->renew_ms) {
        e->renew_ms = 0;      /* the next caller renders */
        pthread_cond_broadcast(&renewed);
    }
    pthread_mutex_unlock(&mu);
}

void cache_release(CacheEntry *e)
{
    if (!e) return;
    pthread_mutex_lock(&mu);
    int last = --e->refs == 0;
    pthread_mutex_unlock(&mu);
    if (last) entry_free(e);
}

CacheEntry *cache_put(const char *key, size_t keylen, uint64_t gen, struct MHD_Response *resp,
                      struct MHD_Response *resp_gz, const char *etag, const char *etag_gz,
                      size_t bytes, int visit_page, int64_t visit_article)
{
    CacheEntry *e = calloc(1, sizeof *e);
    char *k = malloc(keylen + 1);
    if (!e || !k) abort();   /* out of memory: as arena/buf */
    memcpy(k, key, keylen);
    k[keylen] = 0;
    e->key = k;
    e->keylen = keylen;
    e->hash = hash_key(key, keylen);
    e->gen = gen;
    e->resp = resp;
    e->resp_gz = resp_gz;
    snprintf(e->etag, sizeof e->etag, "%s", etag ? etag : "");
    snprintf(e->etag_gz, sizeof e->etag_gz, "%s", etag_gz ? etag_gz : "");
    e->bytes = bytes;
    e->visit_page = visit_page;
    e->visit_article = visit_article;
    e->scope[0] = SLOT_SIDEBAR;
    e->scope[1] = (uint16_t)(visit_article > 0 ? article_slot(visit_article) : SLOT_LISTS);
    e->born_ms = now_ms();
    e->refs = 1;              /* the caller's */
    if (tuning->build) {
        /* Test build: every rendered page carries its own serial, so a test
         * tells a cache hit (same serial as before) from a fresh render.
         * The shipped server never sends it. */
        char serial[24];
        snprintf(serial, sizeof serial, "%llu",
                 (unsigned long long)__atomic_add_fetch(&render_serial, 1, __ATOMIC_RELAXED));
        MHD_add_response_header(resp, "X-Hoidong-Render", serial);
        if (resp_gz) MHD_add_response_header(resp_gz, "X-Hoidong-Render", serial);
    }
    pthread_mutex_lock(&mu);
    if (!entry_current(e) || bytes > CACHE_MAX_BYTES / 4) {
        e->dead = 1;          /* private: freed by the caller's release */
        CacheEntry *stale = find(e->hash, key, keylen);
        if (stale && stale->renew_ms) {
            stale->renew_ms = 0;   /* waiters: the next one renders */
            pthread_cond_broadcast(&renewed);
        }
        pthread_mutex_unlock(&mu);
        return e;
    }
    CacheEntry *old = find(e->hash, key, keylen);
    if (old) entry_remove(old);
    e->refs++;                /* the table's */
    CacheEntry **slot = &table[e->hash & (BUCKETS - 1)];
    e->hnext = *slot;
    *slot = e;
    lru_push_front(e);
    total_bytes += bytes;
    nentries++;
    while (total_bytes > CACHE_MAX_BYTES && lru_tail && lru_tail != e) entry_remove(lru_tail);
    if (old) pthread_cond_broadcast(&renewed);
    pthread_mutex_unlock(&mu);
    return e;
}

void cache_clear(void)
{
    pthread_mutex_lock(&mu);
    while (lru_head) entry_remove(lru_head);
    n_hits = n_misses = 0;
    pthread_mutex_unlock(&mu);
}

void cache_stats(CacheStats *out)
{
    pthread_mutex_lock(&mu);
    out->hits = n_hits;
    out->misses = n_misses;
    out->entries = nentries;
    out->bytes = total_bytes;
    out->bumps = n_bumps;
    out->scoped = n_scoped;
    pthread_mutex_unlock(&mu);
    out->generation = cache_generation();
}
