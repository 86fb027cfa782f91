/* unit_cache.c - the rendered-page cache (src/http_cache.c): hits,
 * invalidation by generation, renders that raced a write, the byte cap
 * with LRU eviction, and entries that stay valid while a reader holds
 * them after they left the table (ASan checks the memory), and scoped
 * invalidation (one article, the lists, the sidebar, unknown = all). */
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "http_cache.h"
#include "t.h"

static struct MHD_Response *resp(const char *text)
{
    return MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
}

static CacheEntry *put(const char *key, uint64_t gen, size_t bytes)
{
    return cache_put(key, strlen(key), gen, resp("plain"), resp("gz"), "\"e1\"", "\"e1-gz\"", bytes, 1, 7);
}

TEST(test_hit_after_put)
{
    cache_clear();
    CHECK(cache_get("/a", 2) == NULL);
    CacheEntry *e = put("/a", cache_generation(), 100);
    CHECK(e != NULL);
    cache_release(e);
    CacheEntry *h = cache_get("/a", 2);
    CHECK(h != NULL);
    if (h) {
        CHECK_STR(h->etag, "\"e1\"");
        CHECK_STR(h->etag_gz, "\"e1-gz\"");
        CHECK_INT(h->visit_page, 1);
        CHECK_INT(h->visit_article, 7);
        CHECK(h->resp != NULL && h->resp_gz != NULL);
        cache_release(h);
    }
    /* Keys are exact: a prefix or a longer key is another page. */
    CHECK(cache_get("/", 1) == NULL);
    CHECK(cache_get("/ab", 3) == NULL);
    CacheStats st;
    cache_stats(&st);
    CHECK_INT(st.hits, 1);
    CHECK_INT(st.entries, 1);
    CHECK_INT(st.bytes, 100);
}

TEST(test_bump_invalidates)
{
    cache_clear();
    cache_release(put("/b", cache_generation(), 10));
    CacheEntry *h = cache_get("/b", 2);
    CHECK(h != NULL);
    cache_release(h);
    cache_bump();
    CHECK(cache_get("/b", 2) == NULL);   /* never served; this caller renders */
    cache_release(cache_put("/b", 2, cache_generation(), resp("new"), NULL, "\"e2\"", "", 10, 1, 7));
    h = cache_get("/b", 2);
    CHECK(h != NULL);
    if (h) CHECK_STR(h->etag, "\"e2\"");
    cache_release(h);
    CacheStats st;
    cache_stats(&st);
    CHECK_INT(st.entries, 1);     /* the stale entry was replaced */
}

TEST(test_render_that_raced_a_write_is_not_kept)
{
    cache_clear();
    uint64_t gen = cache_generation();   /* read before "rendering" */
    cache_bump();                        /* a write commits meanwhile */
    CacheEntry *e = put("/c", gen, 10);
    CHECK(e != NULL);                    /* the caller can still answer from it */
    if (e) CHECK_STR(e->etag, "\"e1\"");
    cache_release(e);
    CHECK(cache_get("/c", 2) == NULL);
}

TEST(test_replacing_a_key)
{
    cache_clear();
    cache_release(put("/d", cache_generation(), 10));
    CacheEntry *e = cache_put("/d", 2, cache_generation(), resp("new"), NULL, "\"e2\"", "", 20, 0, 0);
    cache_release(e);
    CacheEntry *h = cache_get("/d", 2);
    CHECK(h != NULL);
    if (h) {
        CHECK_STR(h->etag, "\"e2\"");
        CHECK(h->resp_gz == NULL);
        cache_release(h);
    }
    CacheStats st;
    cache_stats(&st);
    CHECK_INT(st.entries, 1);
    CHECK_INT(st.bytes, 20);
}

TEST(test_byte_cap_evicts_least_recently_used)
{
    cache_clear();
    size_t each = CACHE_MAX_BYTES / 8;
    char key[32];
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "/p%d", i);
        cache_release(put(key, cache_generation(), each));
    }
    /* Touch /p0 so /p1 is now the least recently used. */
    CacheEntry *h = cache_get("/p0", 3);
    CHECK(h != NULL);
    cache_release(h);
    cache_release(put("/p8", cache_generation(), each));
    CacheStats st;
    cache_stats(&st);
    CHECK(st.bytes <= CACHE_MAX_BYTES);
    CHECK_INT(st.entries, 8);
    CHECK(cache_get("/p1", 3) == NULL);
    h = cache_get("/p0", 3);
    CHECK(h != NULL);
    cache_release(h);
    h = cache_get("/p8", 3);
    CHECK(h != NULL);
    cache_release(h);
    /* Larger than a quarter of the cache: answered, never kept. */
    CacheEntry *big = put("/big", cache_generation(), CACHE_MAX_BYTES / 2);
    CHECK(big != NULL);
    cache_release(big);
    CHECK(cache_get("/big", 4) == NULL);
}

TEST(test_held_entry_outlives_removal)
{
    cache_clear();
    cache_release(put("/e", cache_generation(), 10));
    CacheEntry *h = cache_get("/e", 2);
    CHECK(h != NULL);
    cache_bump();
    CHECK(cache_get("/e", 2) == NULL);   /* removed from the table ... */
    cache_clear();
    if (h) {
        CHECK_STR(h->etag, "\"e1\"");    /* ... but still ours until released */
        CHECK_INT(h->visit_article, 7);
        cache_release(h);
    }
}

/* A page of article `art` (0: a list page), stored at the current generation. */
static void put_page(const char *key, int64_t art)
{
    cache_release(cache_put(key, strlen(key), cache_generation(), resp("p"), NULL, "\"x\"", "", 10, 1, art));
}

static int cached(const char *key)
{
    CacheEntry *h = cache_get(key, strlen(key));
    cache_release(h);
    return h != NULL;
}

TEST(test_article_scope_is_one_article)
{
    cache_clear();
    put_page("/bai-viet/a", 7);
    put_page("/bai-viet/b", 8);
    put_page("/", 0);
    cache_invalidate("article:7");
    CHECK(!cached("/bai-viet/a"));
    CHECK(cached("/bai-viet/b"));
    CHECK(cached("/"));
    cache_invalidate_article(8);
    CHECK(!cached("/bai-viet/b"));
    CHECK(cached("/"));
}

TEST(test_lists_and_sidebar_scopes)
{
    cache_clear();
    put_page("/bai-viet/a", 7);
    put_page("/", 0);
    put_page("/chuyen-muc/x", 0);
    cache_invalidate("lists");
    CHECK(cached("/bai-viet/a"));
    CHECK(!cached("/"));
    CHECK(!cached("/chuyen-muc/x"));
    put_page("/", 0);
    cache_invalidate("sidebar");      /* every page shows the sidebar */
    CHECK(!cached("/bai-viet/a"));
    CHECK(!cached("/"));
}

TEST(test_unknown_scope_is_everything)
{
    const char *scopes[] = {"all", "article:", "article:x", "article:-3", "bai-viet", "", NULL};
    for (int i = 0; i < 7; i++) {
        cache_clear();
        put_page("/bai-viet/a", 7);
        put_page("/", 0);
        cache_invalidate(scopes[i]);
        CHECK(!cached("/bai-viet/a"));
        CHECK(!cached("/"));
    }
}

TEST(test_scoped_render_that_raced_a_write)
{
    cache_clear();
    uint64_t gen = cache_generation();   /* read before "rendering" */
    cache_invalidate_article(7);         /* a rating of article 7 commits meanwhile */
    cache_release(cache_put("/a7", 3, gen, resp("p"), NULL, "\"x\"", "", 10, 1, 7));
    cache_release(cache_put("/a8", 3, gen, resp("p"), NULL, "\"x\"", "", 10, 1, 8));
    CHECK(!cached("/a7"));               /* could miss the rating: not kept */
    CHECK(cached("/a8"));                /* unaffected by it: kept */
}

TEST(test_declaration_per_request)
{
    cache_request_begin();
    CHECK_INT(cache_request_declared(), 0);
    cache_bump();                        /* the server's own bump declares nothing */
    CHECK_INT(cache_request_declared(), 0);
    cache_invalidate("sidebar");
    CHECK_INT(cache_request_declared(), 1);
    cache_request_begin();
    cache_unchanged();
    CHECK_INT(cache_request_declared(), 1);
    cache_request_begin();
    cache_invalidate_article(3);
    CHECK_INT(cache_request_declared(), 1);
    cache_request_begin();
    CHECK_INT(cache_request_declared(), 0);
}

/* After an invalidation one caller renders; another asking meanwhile waits
 * for that render and gets the new page - or, should it wait too long,
 * renders itself (NULL).  It never gets the invalidated page. */
static void *second_reader(void *arg)
{
    (void)arg;
    return cache_get("/w", 2);
}

TEST(test_readers_wait_for_one_render)
{
    cache_clear();
    cache_release(put("/w", cache_generation(), 10));
    cache_invalidate_article(7);             /* put() pages are article 7 */
    CHECK(cache_get("/w", 2) == NULL);       /* we render */
    uint64_t gen = cache_generation();
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, second_reader, NULL), 0);
    struct timespec ts = {0, 5 * 1000000L};
    nanosleep(&ts, NULL);
    cache_release(cache_put("/w", 2, gen, resp("new"), NULL, "\"w2\"", "", 10, 1, 7));
    void *got = NULL;
    pthread_join(t, &got);
    CacheEntry *e = got;
    if (e) CHECK_STR(e->etag, "\"w2\"");     /* the new page, never the old */
    cache_release(e);
    /* Given up (the page could not be kept): the waiter renders itself. */
    cache_invalidate_article(7);
    CHECK(cache_get("/w", 2) == NULL);
    CHECK_INT(pthread_create(&t, NULL, second_reader, NULL), 0);
    nanosleep(&ts, NULL);
    cache_abandon("/w", 2);
    pthread_join(t, &got);
    CHECK(got == NULL);
}

int main(void)
{
    t_prog = "unit_cache";
    RUN(test_hit_after_put);
    RUN(test_bump_invalidates);
    RUN(test_render_that_raced_a_write_is_not_kept);
    RUN(test_replacing_a_key);
    RUN(test_byte_cap_evicts_least_recently_used);
    RUN(test_held_entry_outlives_removal);
    RUN(test_article_scope_is_one_article);
    RUN(test_lists_and_sidebar_scopes);
    RUN(test_unknown_scope_is_everything);
    RUN(test_scoped_render_that_raced_a_write);
    RUN(test_declaration_per_request);
    RUN(test_readers_wait_for_one_render);
    cache_clear();
    return t_done();
}
