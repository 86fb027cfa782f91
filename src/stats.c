/* stats.c - in-memory visit counting and periodic flush of aggregates
 * (see stats.h for what is counted, stored and lost).
 *
 * Two small open-addressing tables, both with linear probing and no
 * deletion (they are rebuilt or dropped instead):
 *  - StatsSet: 16-byte visitor keys (the first half of a keyed BLAKE2b
 *    hash, already uniformly random, so the key's first bytes are the
 *    hash) -> int64 value (1 for the day set, last-seen time for online);
 *  - StatsMap: (day, article id) pairs -> pending view counts.
 *
 * Flushing swaps the pending maps out under the mutex, writes them without
 * holding it (so page views never wait for the disk), and on failure
 * merges them back.  Views being written are remembered in `inflight`, so
 * stats_total stays exact while a flush runs.
 *
 * With several nodes (shared.h) each node still counts its own views
 * (they add up in stats_daily), but who visited today and who is online
 * must be the union over the nodes: a visitor the node has not seen
 * today, or not for STATS_SHARED_REFRESH seconds, is written to
 * shared_visitors at once (one small upsert, not per page view), and the
 * two figures are counted there. */
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <strings.h>
#include "stats.h"
#include "vn.h"
#include "log.h"
#include "shared.h"

/* --- visitor sets --- */

typedef struct StatsSlot { uint8_t k[16]; int64_t v; } StatsSlot;   /* v == 0: empty */
typedef struct StatsSet { StatsSlot *s; size_t cap, n; } StatsSet;

static size_t slot_hash(const uint8_t k[16])
{
    uint64_t h;
    memcpy(&h, k, sizeof h);
    return (size_t)h;
}

static StatsSlot *set_find(const StatsSet *t, const uint8_t k[16])
{
    size_t m = t->cap - 1;
    for (size_t i = slot_hash(k) & m;; i = (i + 1) & m) {
        if (t->s[i].v == 0 || memcmp(t->s[i].k, k, 16) == 0)
            return &t->s[i];
    }
}

static void set_init(StatsSet *t, size_t cap)
{
    t->s = calloc(cap, sizeof *t->s);
    if (!t->s)
        abort();                      /* long-lived allocation: see arena.h */
    t->cap = cap;
    t->n = 0;
}

static void set_free(StatsSet *t)
{
    free(t->s);
    t->s = NULL;
    t->cap = t->n = 0;
}

/* Copy entries with v >= keep_from into a table of cap slots. */
static void set_rebuild(StatsSet *t, size_t cap, int64_t keep_from)
{
    StatsSet nt;
    set_init(&nt, cap);
    for (size_t i = 0; i < t->cap; i++) {
        if (t->s[i].v != 0 && t->s[i].v >= keep_from) {
            *set_find(&nt, t->s[i].k) = t->s[i];
            nt.n++;
        }
    }
    set_free(t);
    *t = nt;
}

/* Insert k or raise its value to v.  1 new, 0 existed, -1 full (max). */
static int set_put(StatsSet *t, const uint8_t k[16], int64_t v, size_t max)
{
    if (!t->s)
        set_init(t, 1024);
    StatsSlot *e = set_find(t, k);
    if (e->v != 0) {
        if (v > e->v)
            e->v = v;
        return 0;
    }
    if (t->n >= max)
        return -1;
    if ((t->n + 1) * 2 > t->cap) {    /* keep load <= 1/2 */
        set_rebuild(t, t->cap * 2, INT64_MIN);
        e = set_find(t, k);
    }
    memcpy(e->k, k, 16);
    e->v = v;
    t->n++;
    return 1;
}

/* --- pending counts --- */

typedef struct StatsCount { int64_t day, article, n; } StatsCount;  /* n == 0: empty */
typedef struct StatsMap { StatsCount *s; size_t cap, n; } StatsMap;

static size_t count_hash(int64_t day, int64_t article)
{
    uint64_t x = (uint64_t)day * 0x9E3779B97F4A7C15ull ^ (uint64_t)article;
    x ^= x >> 31; x *= 0xBF58476D1CE4E5B9ull; x ^= x >> 29;
    return (size_t)x;
}

static StatsCount *map_find(const StatsMap *m, int64_t day, int64_t article)
{
    size_t mask = m->cap - 1;
    for (size_t i = count_hash(day, article) & mask;; i = (i + 1) & mask) {
        StatsCount *c = &m->s[i];
        if (c->n == 0 || (c->day == day && c->article == article))
            return c;
    }
}

static void map_add(StatsMap *m, int64_t day, int64_t article, int64_t n)
{
    if (n <= 0)
        return;
    if (!m->s || (m->n + 1) * 2 > m->cap) {
        StatsMap nm = { calloc(m->cap ? m->cap * 2 : 64, sizeof(StatsCount)), m->cap ? m->cap * 2 : 64, 0 };
        if (!nm.s)
            abort();
        for (size_t i = 0; i < m->cap; i++) {
            if (m->s[i].n) {
                *map_find(&nm, m->s[i].day, m->s[i].article) = m->s[i];
                nm.n++;
            }
        }
        free(m->s);
        *m = nm;
    }
    StatsCount *c = map_find(m, day, article);
    if (c->n == 0) {
        c->day = day;
        c->article = article;
        m->n++;
    }
    c->n += n;
}

static void map_free(StatsMap *m)
{
    free(m->s);
    m->s = NULL;
    m->cap = m->n = 0;
}

static int64_t map_get(const StatsMap *m, int64_t day, int64_t article)
{
    return m->s ? map_find(m, day, article)->n : 0;
}

/* --- state --- */

static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_flush_mu = PTHREAD_MUTEX_INITIALIZER;  /* one flush at a time */

static struct {
    int day;                  /* current local day yyyymmdd; 0 before the first hit */
    StatsSet visitors;        /* today's distinct visitors */
    int visitors_dirty;       /* the set grew since the last flush */
    int visitors_full_logged;
    StatsSet online;          /* visitor -> last seen */
    int64_t online_pruned_at;
    int64_t online_cache_at;  /* stats_online answers once per second from a scan */
    int64_t online_cache;
    StatsMap views;           /* (day, 0) -> views not yet flushed */
    StatsMap article_views;   /* (day, article) -> views not yet flushed */
    StatsMap closed;          /* (day, 0) -> final visitor count of ended days, not yet flushed */
    int64_t inflight;         /* views handed to a flush that has not committed yet */
    int64_t flushed_total;    /* SUM(stats_daily.views), valid when total_loaded */
    int total_loaded;
    int64_t shared_cache_at;  /* shared mode: when the two counts below were read */
    int64_t shared_online, shared_today;
} S;

/* Move to the local day of now if it is newer, closing the current one.
 * Returns the day to count in.  Caller holds stats_mu. */
static int day_roll(int64_t now)
{
    int day = vn_day_number(now);
    if (S.day == 0) {
        S.day = day;
    } else if (day > S.day) {
        if (S.visitors.n > 0)
            map_add(&S.closed, S.day, 0, (int64_t)S.visitors.n);
        set_free(&S.visitors);        /* give a big day's memory back */
        S.visitors_dirty = 0;
        S.visitors_full_logged = 0;
        S.day = day;
    }
    return S.day;
}

static void online_prune(int64_t now)
{
    size_t cap = 1024;
    while (cap < S.online.n * 4)      /* room for the survivors at load <= 1/4 */
        cap *= 2;
    set_rebuild(&S.online, cap, now - STATS_ONLINE_WINDOW);
    S.online_pruned_at = now;
    S.online_cache_at = 0;
}

/* --- public --- */

int stats_is_bot(const char *ua)
{
    static const char *const needles[] = {
        "bot", "crawl", "spider", "slurp", "wget", "python-", "go-http-client", "libwww",
        "java/", "okhttp", "apache-httpclient", "scrapy", "axios/", "node-fetch",
        "facebookexternalhit", "mediapartners", "feedfetcher", "ia_archiver", "preview",
        "zgrab", "masscan", "nmap", "nikto", "sqlmap", "httrack", "phantomjs",
        "lighthouse", "pingdom", "uptime", NULL
    };
    if (!ua || !*ua)
        return 1;                     /* real browsers always send one */
    for (int i = 0; needles[i]; i++) {
        if (strcasestr(ua, needles[i]))
            return 1;
    }
    return 0;
}

void stats_hit(const uint8_t vhash[32], int64_t article_id, int64_t now)
{
    if (!vhash)
        return;
    pthread_mutex_lock(&stats_mu);
    int day = day_roll(now);
    map_add(&S.views, day, 0, 1);
    if (article_id > 0)
        map_add(&S.article_views, day, article_id, 1);
    int r = set_put(&S.visitors, vhash, 1, STATS_MAX_VISITORS);
    if (r == 1) {
        S.visitors_dirty = 1;
    } else if (r < 0 && !S.visitors_full_logged) {
        S.visitors_full_logged = 1;
        log_warn("stats: more than %d visitors today; further visitors are not told apart",
                 STATS_MAX_VISITORS);
    }
    if (now - S.online_pruned_at >= 60 ||
        (S.online.n >= STATS_MAX_ONLINE && now != S.online_pruned_at))
        online_prune(now);
    int shared = shared_enabled();
    int64_t seen_before = shared && S.online.s ? set_find(&S.online, vhash)->v : 0;   /* one node: not needed */
    if (set_put(&S.online, vhash, now, STATS_MAX_ONLINE) == 1)
        S.online_cache_at = 0;
    int push = shared && (r == 1 || seen_before == 0 || now - seen_before >= STATS_SHARED_REFRESH);
    pthread_mutex_unlock(&stats_mu);
    if (push) {
        Db *db = db_thread();
        if (!db || db_exec(db, "INSERT INTO shared_visitors (day, vhash, last_seen) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (day, vhash) DO UPDATE SET last_seen = excluded.last_seen "
                               "WHERE shared_visitors.last_seen < excluded.last_seen",
                           "lbl", (int64_t)day, vhash, (size_t)16, now) != DB_OK)
            log_warn("stats: a visitor could not be recorded in shared_visitors");
        pthread_mutex_lock(&stats_mu);
        S.shared_cache_at = 0;
        pthread_mutex_unlock(&stats_mu);
    }
}

/* The union over the nodes (shared mode): visitors online, or today's.
 * Answers once per second from the table, like the local scan. */
static int64_t shared_count(int64_t now, int today)
{
    pthread_mutex_lock(&stats_mu);
    if (S.shared_cache_at == now) {
        int64_t n = today ? S.shared_today : S.shared_online;
        pthread_mutex_unlock(&stats_mu);
        return n;
    }
    pthread_mutex_unlock(&stats_mu);
    Db *db = db_thread();
    int64_t on = db ? db_int(db, -1, "SELECT count(*) FROM shared_visitors WHERE last_seen >= ?1", "l",
                             now - STATS_ONLINE_WINDOW) : -1;
    int64_t td = db ? db_int(db, -1, "SELECT count(*) FROM shared_visitors WHERE day = ?1", "l",
                             (int64_t)vn_day_number(now)) : -1;
    if (on < 0 || td < 0) return 0;
    pthread_mutex_lock(&stats_mu);
    S.shared_online = on;
    S.shared_today = td;
    S.shared_cache_at = now;
    pthread_mutex_unlock(&stats_mu);
    return today ? td : on;
}

int64_t stats_online(int64_t now)
{
    if (shared_enabled())
        return shared_count(now, 0);
    pthread_mutex_lock(&stats_mu);
    if (now - S.online_pruned_at >= 10)
        online_prune(now);
    if (S.online_cache_at != now) {
        int64_t n = 0;
        for (size_t i = 0; i < S.online.cap; i++) {
            if (S.online.s[i].v != 0 && now - S.online.s[i].v <= STATS_ONLINE_WINDOW)
                n++;
        }
        S.online_cache = n;
        S.online_cache_at = now;
    }
    int64_t n = S.online_cache;
    pthread_mutex_unlock(&stats_mu);
    return n;
}

int64_t stats_today_visitors(int64_t now)
{
    if (shared_enabled())
        return shared_count(now, 1);
    pthread_mutex_lock(&stats_mu);
    day_roll(now);
    int64_t n = (int64_t)S.visitors.n;
    pthread_mutex_unlock(&stats_mu);
    return n;
}

/* settings.stats_base_total as a number; 0 when absent or malformed, -1 on error. */
static int64_t base_total(Db *db)
{
    Stmt *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?1");
    if (!st)
        return -1;
    db_bind_text(st, 1, "stats_base_total");
    int64_t v = 0;
    int rc = db_step(st);
    if (rc == DB_ROW) {
        char *end;
        const char *s = db_col_text(st, 0);
        long long x = strtoll(s, &end, 10);
        if (end != s && *end == '\0' && x > 0)
            v = x;
    } else if (rc != DB_DONE) {
        v = -1;
    }
    db_done(st);
    return v;
}

int64_t stats_total(Db *db)
{
    int64_t base = base_total(db);
    if (base < 0)
        return -1;
    pthread_mutex_lock(&stats_mu);
    int loaded = S.total_loaded;
    pthread_mutex_unlock(&stats_mu);
    if (!loaded) {
        /* Load the stored sum once, with no flush running, so it matches
         * exactly what later flushes add to flushed_total. */
        pthread_mutex_lock(&stats_flush_mu);
        int64_t sum = db_int(db, -1, "SELECT COALESCE(SUM(views), 0) FROM stats_daily", NULL);
        if (sum >= 0) {
            pthread_mutex_lock(&stats_mu);
            if (!S.total_loaded) {
                S.flushed_total = sum;
                S.total_loaded = 1;
            }
            pthread_mutex_unlock(&stats_mu);
        }
        pthread_mutex_unlock(&stats_flush_mu);
        if (sum < 0)
            return -1;
    }
    pthread_mutex_lock(&stats_mu);
    int64_t total = base + S.flushed_total + S.inflight;
    for (size_t i = 0; i < S.views.cap; i++)
        total += S.views.s[i].n;
    pthread_mutex_unlock(&stats_mu);
    return total;
}

int64_t stats_article_total(Db *db, int64_t article_id)
{
    int64_t stored = db_int(db, -1, "SELECT COALESCE(SUM(views), 0) FROM stats_article_daily "
                                    "WHERE article_id = ?1", "l", article_id);
    if (stored < 0)
        return -1;
    pthread_mutex_lock(&stats_mu);
    for (size_t i = 0; i < S.article_views.cap; i++) {
        if (S.article_views.s[i].n && S.article_views.s[i].article == article_id)
            stored += S.article_views.s[i].n;
    }
    pthread_mutex_unlock(&stats_mu);
    return stored;
}

/* One stats_daily row to write. */
typedef struct StatsDayRow { int64_t day, views, visitors; } StatsDayRow;

static int flush_write(Db *db, const StatsDayRow *rows, size_t nrows, const StatsMap *art)
{
    if (db_begin(db) != DB_OK)
        return -1;
    for (size_t i = 0; i < nrows; i++) {
        /* visitors: the greater of stored and counted, see stats.h.  The
         * existing row is named by its table (PostgreSQL rejects the bare
         * column as ambiguous next to excluded). */
        if (db_exec(db, "INSERT INTO stats_daily (day, views, visitors) VALUES (?1, ?2, ?3) "
                        "ON CONFLICT (day) DO UPDATE SET "
                        "views = stats_daily.views + excluded.views, "
                        "visitors = CASE WHEN excluded.visitors > stats_daily.visitors "
                        "THEN excluded.visitors ELSE stats_daily.visitors END",
                    "lll", rows[i].day, rows[i].views, rows[i].visitors) != DB_OK)
            goto fail;
    }
    for (size_t i = 0; i < art->cap; i++) {
        const StatsCount *c = &art->s[i];
        if (!c->n)
            continue;
        if (db_exec(db, "INSERT INTO stats_article_daily (day, article_id, views) "
                        "VALUES (?1, ?2, ?3) ON CONFLICT (day, article_id) DO UPDATE SET "
                        "views = stats_article_daily.views + excluded.views",
                    "lll", c->day, c->article, c->n) != DB_OK)
            goto fail;
    }
    if (db_commit(db) != DB_OK)
        goto fail;
    return 0;
fail:
    db_rollback(db);
    return -1;
}

int stats_flush(Db *db, int64_t now)
{
    StatsMap views, art, closed;
    StatsDayRow *rows = NULL;
    size_t nrows = 0;
    int rc = 0, cur_dirty;
    int64_t cur_day, cur_visitors, inflight = 0;

    pthread_mutex_lock(&stats_flush_mu);
    pthread_mutex_lock(&stats_mu);
    day_roll(now);
    views = S.views;   memset(&S.views, 0, sizeof S.views);
    art = S.article_views; memset(&S.article_views, 0, sizeof S.article_views);
    closed = S.closed; memset(&S.closed, 0, sizeof S.closed);
    cur_day = S.day;
    cur_dirty = S.visitors_dirty;
    cur_visitors = (int64_t)S.visitors.n;
    S.visitors_dirty = 0;
    for (size_t i = 0; i < views.cap; i++)
        inflight += views.s[i].n;
    S.inflight = inflight;
    pthread_mutex_unlock(&stats_mu);

    /* Several nodes: today's distinct visitors are the union in
     * shared_visitors (at least what this node saw). */
    if (shared_enabled() && cur_day) {
        int64_t u = db_int(db, -1, "SELECT count(*) FROM shared_visitors WHERE day = ?1", "l", cur_day);
        if (u > cur_visitors) cur_visitors = u;
        if (u > 0) cur_dirty = 1;
    }
    /* One row per day that has views, a closed visitor count, or a grown
     * visitor set (the current day). */
    rows = calloc(views.n + closed.n + 1, sizeof *rows);
    if (!rows)
        abort();
    for (size_t i = 0; i < views.cap; i++) {
        if (!views.s[i].n)
            continue;
        int64_t d = views.s[i].day;
        rows[nrows++] = (StatsDayRow){ d, views.s[i].n,
            d == cur_day ? cur_visitors : map_get(&closed, d, 0) };
    }
    for (size_t i = 0; i < closed.cap; i++) {
        if (closed.s[i].n && map_get(&views, closed.s[i].day, 0) == 0)
            rows[nrows++] = (StatsDayRow){ closed.s[i].day, 0, closed.s[i].n };
    }
    if (cur_dirty && cur_day && map_get(&views, cur_day, 0) == 0)
        rows[nrows++] = (StatsDayRow){ cur_day, 0, cur_visitors };

    if (nrows > 0 || art.n > 0)
        rc = flush_write(db, rows, nrows, &art);

    pthread_mutex_lock(&stats_mu);
    if (rc == 0) {
        if (S.total_loaded)
            S.flushed_total += inflight;
    } else {
        /* Keep everything for the next attempt. */
        for (size_t i = 0; i < views.cap; i++)
            if (views.s[i].n)
                map_add(&S.views, views.s[i].day, 0, views.s[i].n);
        for (size_t i = 0; i < art.cap; i++)
            if (art.s[i].n)
                map_add(&S.article_views, art.s[i].day, art.s[i].article, art.s[i].n);
        for (size_t i = 0; i < closed.cap; i++)
            if (closed.s[i].n && map_get(&S.closed, closed.s[i].day, 0) == 0)
                map_add(&S.closed, closed.s[i].day, 0, closed.s[i].n);
        if (cur_dirty)
            S.visitors_dirty = 1;
    }
    S.inflight = 0;
    pthread_mutex_unlock(&stats_mu);
    /* Several nodes: the others' views reach stats_daily by their own
     * flushes; take the stored sum again (still under stats_flush_mu, so
     * it matches what this node has handed over). */
    if (shared_enabled() && rc == 0) {
        int64_t sum = db_int(db, -1, "SELECT COALESCE(SUM(views), 0) FROM stats_daily", NULL);
        pthread_mutex_lock(&stats_mu);
        if (sum >= 0 && S.total_loaded) S.flushed_total = sum;
        pthread_mutex_unlock(&stats_mu);
    }
    pthread_mutex_unlock(&stats_flush_mu);

    free(rows);
    map_free(&views);
    map_free(&art);
    map_free(&closed);
    return rc;
}

void stats_reset(void)
{
    pthread_mutex_lock(&stats_flush_mu);
    pthread_mutex_lock(&stats_mu);
    set_free(&S.visitors);
    set_free(&S.online);
    map_free(&S.views);
    map_free(&S.article_views);
    map_free(&S.closed);
    memset(&S, 0, sizeof S);
    pthread_mutex_unlock(&stats_mu);
    pthread_mutex_unlock(&stats_flush_mu);
}
