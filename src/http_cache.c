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
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "http_cache.h"
#include "tuning.h"
#include <zlib.h>

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

static void live_free(CacheLive *lv);

static void entry_free(CacheEntry *e)
{
    if (e->live) live_free(e->live);
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

/* Past its lifetime and nobody is rendering its replacement (mutex held). */
static int expired_unclaimed(const CacheEntry *e, int64_t now)
{
    return now - e->born_ms > tuning->cache_ttl_ms &&
           (e->refresh_ms == 0 || now - e->refresh_ms > tuning->cache_ttl_ms);
}

/* A reference for the caller, most recently used (mutex held). */
static void entry_hit(CacheEntry *e)
{
    e->refs++;
    lru_unlink(e);
    lru_push_front(e);
    n_hits++;
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
    if (e && expired_unclaimed(e, now)) {
        e->refresh_ms = now;  /* this caller renders the replacement; others get this one */
        e = NULL;
    }
    if (e) entry_hit(e);
    else n_misses++;
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
    if (e && (!entry_current(e) || expired_unclaimed(e, now))) e = NULL;
    if (e) entry_hit(e);
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

/* ---- live fragments (http_cache.h) ------------------------------------ */

struct CacheLive {
    int64_t article;
    char *pre, *post;                 /* the identity body around the fragment */
    size_t pre_len, post_len;
    unsigned char *zpre, *zpost;      /* raw deflate: pre ends on a sync flush, post is final */
    size_t zpre_len, zpost_len;
    uLong crc_pre, crc_post;
};

static void live_free(CacheLive *lv)
{
    free(lv->pre);
    free(lv->post);
    free(lv->zpre);
    free(lv->zpost);
    free(lv);
}

/* Raw deflate of data: a sync flush at the end (more blocks follow) or
 * the final block.  malloc'd, NULL on failure. */
static unsigned char *deflate_part(const char *data, size_t len, int final, size_t *outlen)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    size_t cap = deflateBound(&z, (uLong)len) + 16;
    unsigned char *out = malloc(cap);
    if (!out) abort();
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int rc = deflate(&z, final ? Z_FINISH : Z_SYNC_FLUSH);
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    if (final ? rc != Z_STREAM_END : rc != Z_OK) {
        free(out);
        return NULL;
    }
    return out;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* The gzip body of pre + frag + post: header, zpre, frag as one stored
 * block (byte-aligned after the sync flush), zpost, CRC-32 and size. */
static unsigned char *live_gzip(const CacheLive *lv, const char *frag, size_t flen, size_t *outlen)
{
    if (flen > 65535) return NULL;
    size_t n = 10 + lv->zpre_len + 5 + flen + lv->zpost_len + 8;
    unsigned char *out = malloc(n), *p = out;
    if (!out) abort();
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
    memcpy(p, header, 10);
    p += 10;
    memcpy(p, lv->zpre, lv->zpre_len);
    p += lv->zpre_len;
    *p++ = 0;                                   /* BFINAL 0, BTYPE 00 (stored) */
    *p++ = (unsigned char)flen;
    *p++ = (unsigned char)(flen >> 8);
    *p++ = (unsigned char)~flen;
    *p++ = (unsigned char)(~flen >> 8);
    memcpy(p, frag, flen);
    p += flen;
    memcpy(p, lv->zpost, lv->zpost_len);
    p += lv->zpost_len;
    uLong crc = crc32_combine(lv->crc_pre, crc32(0, (const Bytef *)frag, (uInt)flen), (z_off_t)flen);
    crc = crc32_combine(crc, lv->crc_post, (z_off_t)lv->post_len);
    put_le32(p, (uint32_t)crc);
    put_le32(p + 4, (uint32_t)(lv->pre_len + flen + lv->post_len));
    *outlen = n;
    return out;
}

CacheLive *cache_live_make(int64_t article_id, const char *body, size_t len, size_t off, size_t flen,
                           unsigned char **gz, size_t *gzlen)
{
    *gz = NULL;
    *gzlen = 0;
    if (article_id <= 0 || off > len || flen > len - off || flen > 65535) return NULL;
    CacheLive *lv = calloc(1, sizeof *lv);
    if (!lv) abort();
    lv->article = article_id;
    lv->pre_len = off;
    lv->post_len = len - off - flen;
    lv->pre = malloc(lv->pre_len + 1);
    lv->post = malloc(lv->post_len + 1);
    if (!lv->pre || !lv->post) abort();
    memcpy(lv->pre, body, lv->pre_len);
    memcpy(lv->post, body + off + flen, lv->post_len);
    lv->zpre = deflate_part(lv->pre, lv->pre_len, 0, &lv->zpre_len);
    lv->zpost = deflate_part(lv->post, lv->post_len, 1, &lv->zpost_len);
    if (!lv->zpre || !lv->zpost) {
        live_free(lv);
        return NULL;
    }
    lv->crc_pre = crc32(0, (const Bytef *)lv->pre, (uInt)lv->pre_len);
    lv->crc_post = crc32(0, (const Bytef *)lv->post, (uInt)lv->post_len);
    *gz = live_gzip(lv, body + off, flen, gzlen);
    return lv;
}

void cache_live_attach(CacheEntry *e, CacheLive *live)
{
    if (!live) return;
    pthread_mutex_lock(&mu);
    if (e->dead || e->live) {
        pthread_mutex_unlock(&mu);
        live_free(live);
        return;
    }
    e->live = live;
    size_t extra = live->pre_len + live->post_len + live->zpre_len + live->zpost_len;
    e->bytes += extra;
    total_bytes += extra;
    pthread_mutex_unlock(&mu);
}

/* libmicrohttpd iterator: copy a response's headers except those the new
 * body changes. */
static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    if (strcasecmp(key, "ETag") != 0 && strcasecmp(key, "X-Hoidong-Render") != 0)
        MHD_add_response_header(cls, key, value);
    return MHD_YES;
}

static struct MHD_Response *live_response(struct MHD_Response *like, unsigned char *body, size_t len,
                                          const char *etag, const char *serial)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, body, free);
    if (!resp) abort();
    MHD_get_response_headers(like, copy_header, resp);
    MHD_add_response_header(resp, "ETag", etag);
    if (serial) MHD_add_response_header(resp, "X-Hoidong-Render", serial);
    return resp;
}

/* The page of e with frag in its live span, as a new entry of generation
 * g (mutex held).  NULL when it cannot be made (e then just goes stale). */
static CacheEntry *live_rebuild(const CacheEntry *e, const char *frag, size_t flen, uint64_t g)
{
    const CacheLive *lv = e->live;
    size_t len = lv->pre_len + flen + lv->post_len, zn = 0;
    unsigned char *plain = malloc(len ? len : 1), *z = NULL;
    if (!plain) abort();
    memcpy(plain, lv->pre, lv->pre_len);
    memcpy(plain + lv->pre_len, frag, flen);
    memcpy(plain + lv->pre_len + flen, lv->post, lv->post_len);
    if (e->resp_gz) {
        z = live_gzip(lv, frag, flen, &zn);
        if (!z) {
            free(plain);
            return NULL;
        }
    }
    /* The ETags as http_server.c makes them: the identity body's hash. */
    unsigned char h[16];
    crypto_generichash(h, sizeof h, plain, len, NULL, 0);
    char hex[33], etag[48], etag_gz[48], serial[24], *ser = NULL;
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    snprintf(etag, sizeof etag, "\"%.20s\"", hex);
    snprintf(etag_gz, sizeof etag_gz, "\"%.20s-gz\"", hex);
    if (tuning->build) {   /* test build: a new body has a new serial (see cache_put) */
        snprintf(serial, sizeof serial, "%llu-live",
                 (unsigned long long)__atomic_add_fetch(&render_serial, 1, __ATOMIC_RELAXED));
        ser = serial;   /* "-live": made by cache_live_update, not by a render */
    }
    CacheEntry *ne = calloc(1, sizeof *ne);
    CacheLive *nl = calloc(1, sizeof *nl);
    char *k = malloc(e->keylen + 1);
    if (!ne || !nl || !k) abort();
    /* The sides are the same: the new entry gets its own copy, so each
     * entry frees what it holds. */
    *nl = *lv;
    nl->pre = malloc(lv->pre_len + 1);
    nl->post = malloc(lv->post_len + 1);
    nl->zpre = malloc(lv->zpre_len + 1);
    nl->zpost = malloc(lv->zpost_len + 1);
    if (!nl->pre || !nl->post || !nl->zpre || !nl->zpost) abort();
    memcpy(nl->pre, lv->pre, lv->pre_len);
    memcpy(nl->post, lv->post, lv->post_len);
    memcpy(nl->zpre, lv->zpre, lv->zpre_len);
    memcpy(nl->zpost, lv->zpost, lv->zpost_len);
    memcpy(k, e->key, e->keylen);
    k[e->keylen] = 0;
    ne->key = k;
    ne->keylen = e->keylen;
    ne->hash = e->hash;
    ne->gen = g;
    ne->scope[0] = e->scope[0];
    ne->scope[1] = e->scope[1];
    ne->visit_page = e->visit_page;
    ne->visit_article = e->visit_article;
    ne->born_ms = e->born_ms;   /* the sidebar's live figures keep their 5 s lifetime */
    ne->live = nl;
    ne->resp = live_response(e->resp, plain, len, etag, ser);
    snprintf(ne->etag, sizeof ne->etag, "%s", etag);
    if (z) {
        ne->resp_gz = live_response(e->resp_gz, z, zn, etag_gz, ser);
        snprintf(ne->etag_gz, sizeof ne->etag_gz, "%s", etag_gz);
    }
    ne->bytes = len + zn + nl->pre_len + nl->post_len + nl->zpre_len + nl->zpost_len;
    return ne;
}

void cache_live_update(int64_t article_id, const char *frag, size_t flen)
{
    if (article_id <= 0) return;
    enum { MAX_LIVE = 32 };
    CacheEntry *found[MAX_LIVE];
    int n = 0;
    int slot = (int)article_slot(article_id);
    pthread_mutex_lock(&mu);
    uint64_t before = scope_last[slot];
    uint64_t g = __atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
    scope_last[slot] = g;
    n_scoped++;
    /* The article's pages that were exact until this write: they stay
     * exact with the new fragment (nothing else of theirs changed). */
    for (CacheEntry *e = lru_head; e && n < MAX_LIVE; e = e->next)
        if (e->live && e->live->article == article_id && !e->dead && all_last <= e->gen &&
            scope_last[e->scope[0]] <= e->gen && before <= e->gen && e->scope[1] == slot)
            found[n++] = e;
    for (int i = 0; i < n; i++) {
        CacheEntry *ne = live_rebuild(found[i], frag, flen, g);
        if (!ne) continue;
        entry_remove(found[i]);
        ne->refs = 1;     /* the table's */
        CacheEntry **b = &table[ne->hash & (BUCKETS - 1)];
        ne->hnext = *b;
        *b = ne;
        lru_push_front(ne);
        total_bytes += ne->bytes;
        nentries++;
    }
    while (total_bytes > CACHE_MAX_BYTES && lru_tail && lru_tail != lru_head) entry_remove(lru_tail);
    if (n) pthread_cond_broadcast(&renewed);
    pthread_mutex_unlock(&mu);
    char scope[32];
    snprintf(scope, sizeof scope, "article:%lld", (long long)article_id);
    tell_peers(scope);
}
