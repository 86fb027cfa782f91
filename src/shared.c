/* shared.c - what the nodes of a cluster must agree on (see shared.h).
 *
 * Every statement here is a single autocommitted upsert, select or delete
 * on a shared_* table (UNLOGGED on PostgreSQL): no db_begin, so none of
 * them waits for the writer's advisory lock or for the disk. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "http_cache.h"
#include "log.h"
#include "shared.h"
#include "stats.h"
#include "vn.h"

#define CACHE_CHANNEL "hoidong_cache"

static int shared_on;
static char node_id[17];
static pthread_once_t node_once = PTHREAD_ONCE_INIT;

static void node_init(void)
{
    uint8_t b[8];
    if (sodium_init() < 0) {
        snprintf(node_id, sizeof node_id, "%016llx", (unsigned long long)getpid());
        return;
    }
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(node_id, sizeof node_id, b, sizeof b);
}

int shared_enabled(void) { return shared_on; }
void shared_enable(int on) { shared_on = on; }

const char *shared_node(void)
{
    pthread_once(&node_once, node_init);
    return node_id;
}

/* Step a bound statement whose UPDATE ... WHERE or INSERT decides: 1 when
 * it returned a row (it took effect), 0 when not, -1 on error. */
static int took(Stmt *st)
{
    int rc = db_step(st);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---- counters ---- */

int shared_cap_take(Db *db, const uint8_t key[16], int64_t cap, int64_t expires)
{
    if (!db) return -1;
    /* The UPDATE's WHERE leaves the row alone at the cap, and then no row
     * comes back: one statement, so two nodes cannot both take the last. */
    Stmt *st = db_prepare(db, "INSERT INTO shared_counters (key, value, expires) VALUES (?1, 1, ?2) "
                              "ON CONFLICT (key) DO UPDATE SET value = shared_counters.value + 1 "
                              "WHERE shared_counters.value < ?3 RETURNING value");
    if (!st) return -1;
    if (cap < 1) { db_done(st); return 0; }
    db_bindf(st, "bll", key, (size_t)16, expires, cap);
    return took(st);
}

int shared_flood_take(Db *db, const uint8_t key[16], int64_t now, int seconds)
{
    if (!db) return -1;
    Stmt *st = db_prepare(db, "INSERT INTO shared_counters (key, value, expires) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
                              "WHERE shared_counters.value <= ?4 RETURNING value");
    if (!st) return -1;
    db_bindf(st, "blll", key, (size_t)16, now, now + seconds, now - seconds);
    return took(st);
}

int shared_window_add(Db *db, const uint8_t key[16], int64_t now, int64_t window)
{
    if (!db) return -1;
    return db_exec(db, "INSERT INTO shared_counters (key, value, expires) VALUES (?1, 1, ?2) "
                       "ON CONFLICT (key) DO UPDATE SET "
                       "value = CASE WHEN shared_counters.expires <= ?3 THEN 1 ELSE shared_counters.value + 1 END, "
                       "expires = CASE WHEN shared_counters.expires <= ?3 THEN excluded.expires "
                       "ELSE shared_counters.expires END",
                   "bll", key, (size_t)16, now + window, now) == DB_OK ? 0 : -1;
}

int64_t shared_window_count(Db *db, const uint8_t key[16], int64_t now, int64_t *ends)
{
    if (ends) *ends = 0;
    if (!db) return -1;
    Stmt *st = db_prepare(db, "SELECT value, expires FROM shared_counters WHERE key = ?1 AND expires > ?2");
    if (!st) return -1;
    db_bindf(st, "bl", key, (size_t)16, now);
    int rc = db_step(st);
    int64_t n = 0;
    if (rc == DB_ROW) {
        n = db_col_int(st, 0);
        if (ends) *ends = db_col_int(st, 1);
    } else if (rc != DB_DONE) {
        n = -1;
    }
    db_done(st);
    return n;
}

/* ---- the day's secrets ---- */

int shared_day_key(Db *db, const char *name, int day, uint8_t *out, size_t n)
{
    uint8_t fresh[64];
    if (!db || !name || n == 0 || n > sizeof fresh || sodium_init() < 0) return -1;
    randombytes_buf(fresh, n);
    /* Only a later day replaces the row, so the old day's secret is gone
     * (overwritten) once any node has moved on, and a node whose clock is
     * behind cannot bring it back. */
    int rc = db_exec(db, "INSERT INTO shared_keys (name, day, value) VALUES (?1, ?2, ?3) "
                         "ON CONFLICT (name) DO UPDATE SET day = excluded.day, value = excluded.value "
                         "WHERE shared_keys.day < excluded.day",
                     "tlb", name, (int64_t)day, fresh, n);
    sodium_memzero(fresh, sizeof fresh);
    if (rc != DB_OK) return -1;
    Stmt *st = db_prepare(db, "SELECT day, value FROM shared_keys WHERE name = ?1");
    if (!st) return -1;
    db_bind_text(st, 1, name);
    int got = -1;
    if (db_step(st) == DB_ROW) {
        size_t len = 0;
        const void *v = db_col_blob(st, 1, &len);
        int64_t d = db_col_int(st, 0);
        if (v && len == n && d >= day) {
            memcpy(out, v, n);
            got = (int)d;
        }
    }
    db_done(st);
    if (got < 0) log_error("shared: no usable secret %s for day %d", name, day);
    return got;
}

/* ---- leases ---- */

int shared_lease(Db *db, const char *name, int64_t now, int seconds)
{
    if (!db || !name) return -1;
    Stmt *st = db_prepare(db, "INSERT INTO shared_leases (name, node, expires) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires = excluded.expires "
                              "WHERE shared_leases.expires <= ?4 OR shared_leases.node = excluded.node "
                              "RETURNING node");
    if (!st) return -1;
    db_bindf(st, "ttll", name, shared_node(), now + seconds, now);
    return took(st);
}

int shared_lease_release(Db *db, const char *name)
{
    if (!db || !name) return -1;
    if (db_exec(db, "DELETE FROM shared_leases WHERE name = ?1 AND node = ?2", "tt", name, shared_node()) != DB_OK)
        return -1;
    return db_changes(db) > 0;
}

/* ---- the sweep ---- */

int64_t shared_sweep(Db *db, int64_t now)
{
    int64_t removed = 0;
    int today = vn_day_number(now);
    static const char *const expired[] = {
        "DELETE FROM shared_codes WHERE expires <= ?1",
        "DELETE FROM shared_counters WHERE expires <= ?1",
        "DELETE FROM shared_leases WHERE expires <= ?1",
    };
    for (size_t i = 0; i < sizeof expired / sizeof *expired; i++) {
        if (db_exec(db, expired[i], "l", now) != DB_OK) return -1;
        removed += db_changes(db);
    }
    /* Ended days: their final count of distinct visitors, then their
     * hashes, once none of them can still count as online. */
    Stmt *st = db_prepare(db, "SELECT day, count(*) FROM shared_visitors WHERE day < ?1 GROUP BY day");
    if (!st) return -1;
    db_bind_int(st, 1, today);
    int64_t days[16], counts[16];
    int nd = 0, rc;
    while (nd < 16 && (rc = db_step(st)) == DB_ROW) {
        days[nd] = db_col_int(st, 0);
        counts[nd++] = db_col_int(st, 1);
    }
    db_done(st);
    for (int i = 0; i < nd; i++) {
        if (db_exec(db, "INSERT INTO stats_daily (day, views, visitors) VALUES (?1, 0, ?2) "
                        "ON CONFLICT (day) DO UPDATE SET visitors = CASE WHEN excluded.visitors > "
                        "stats_daily.visitors THEN excluded.visitors ELSE stats_daily.visitors END",
                    "ll", days[i], counts[i]) != DB_OK)
            return -1;
    }
    if (db_exec(db, "DELETE FROM shared_visitors WHERE day < ?1 AND last_seen < ?2", "ll", (int64_t)today,
                now - STATS_ONLINE_WINDOW) != DB_OK)
        return -1;
    removed += db_changes(db);
    return removed;
}

/* ---- cache messages ---- */

/* Sending: publish() (the cache's peer hook, on the request's thread,
 * after its COMMIT) only adds the scope to a small pending set; the sender
 * thread sends everything pending as one message on its own connection.
 * While one message is on its way the next writes' scopes gather, so 300
 * ratings a second on one article are a few messages, not 300 round trips
 * on the request path.  A full set becomes "all". */
#define PENDING_MAX 32
#define MSG_MAX 1024

static pthread_t peer_thread, send_thread;
static int peer_running;
static volatile int peer_stop;
static char peer_path[1024];
static uint64_t peer_messages;   /* atomic */
static pthread_mutex_t send_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t send_cv = PTHREAD_COND_INITIALIZER;
static char pending[PENDING_MAX][40];
static int npending, pending_all;

static void publish(const char *scope)
{
    if (!scope || !strcmp(scope, "all") || strlen(scope) >= sizeof pending[0]) scope = "all";
    pthread_mutex_lock(&send_mu);
    if (!strcmp(scope, "all")) {
        pending_all = 1;
    } else if (!pending_all) {
        int have = 0;
        for (int i = 0; i < npending && !have; i++) have = !strcmp(pending[i], scope);
        if (!have && npending < PENDING_MAX) snprintf(pending[npending++], sizeof pending[0], "%s", scope);
        else if (!have) pending_all = 1;
    }
    pthread_cond_signal(&send_cv);
    pthread_mutex_unlock(&send_mu);
}

/* The pending scopes as "NODE scope scope ..." (and clear them); 0 when
 * nothing is pending. */
static int take_pending(char msg[MSG_MAX])
{
    if (!pending_all && npending == 0) return 0;
    size_t n = (size_t)snprintf(msg, MSG_MAX, "%s", shared_node());
    if (pending_all) {
        snprintf(msg + n, MSG_MAX - n, " all");
    } else {
        for (int i = 0; i < npending && n < MSG_MAX; i++)
            n += (size_t)snprintf(msg + n, MSG_MAX - n, " %s", pending[i]);
    }
    npending = 0;
    pending_all = 0;
    return 1;
}

static void *send_main(void *arg)
{
    (void)arg;
    Db *db = NULL;
    char msg[MSG_MAX], err[256];
    for (;;) {
        pthread_mutex_lock(&send_mu);
        while (!peer_stop && !pending_all && npending == 0) pthread_cond_wait(&send_cv, &send_mu);
        int have = take_pending(msg);
        int stop = peer_stop;
        pthread_mutex_unlock(&send_mu);
        if (have) {
            if (!db) db = db_open(peer_path, 0, err, sizeof err);
            if (!db || db_notify(db, CACHE_CHANNEL, msg) != DB_OK) {
                log_warn("shared: could not tell the other nodes (%.80s); their caches catch up within the TTL", msg);
                if (db) db_close(db);
                db = NULL;
            }
        }
        if (stop && !have) break;
    }
    if (db) db_close(db);
    return NULL;
}

static void apply(const char *msg)
{
    const char *sp = strchr(msg, ' ');
    if (!sp) return;
    if ((size_t)(sp - msg) == strlen(shared_node()) && !strncmp(msg, shared_node(), (size_t)(sp - msg)))
        return;   /* our own, already applied */
    for (const char *p = sp; *p;) {
        while (*p == ' ') p++;
        size_t len = strcspn(p, " ");
        if (len == 0) break;
        char scope[48];
        if (len >= sizeof scope) snprintf(scope, sizeof scope, "all");
        else memcpy(scope, p, len), scope[len] = 0;
        cache_invalidate_from_peer(scope);
        p += len;
    }
    __atomic_add_fetch(&peer_messages, 1, __ATOMIC_RELAXED);
}

static void *peer_main(void *arg)
{
    (void)arg;
    int backoff_ms = 100;
    while (!peer_stop) {
        char err[256];
        Db *db = db_open(peer_path, 0, err, sizeof err);
        if (!db || db_listen(db, CACHE_CHANNEL) != DB_OK) {
            if (db) db_close(db);
            log_warn("shared: cache listener cannot connect (%s); retrying", db ? "LISTEN failed" : err);
            for (int t = 0; t < backoff_ms && !peer_stop; t += 50) usleep(50 * 1000);
            if (backoff_ms < 5000) backoff_ms *= 2;
            continue;
        }
        backoff_ms = 100;
        /* Whatever was said while nobody listened is lost: start afresh. */
        cache_invalidate_from_peer("all");
        char msg[MSG_MAX + 64];
        int rc;
        while (!peer_stop && (rc = db_wait_notify(db, 200, msg, sizeof msg)) >= 0)
            if (rc == 1) apply(msg);
        db_close(db);
        if (!peer_stop) log_warn("shared: cache listener lost its connection; reconnecting");
    }
    return NULL;
}

int shared_peers_start(const char *db_path, char *err, size_t errlen)
{
    char e[256];
    Db *probe = db_open(db_path, 0, e, sizeof e);
    if (!probe) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    int has = db_has_notify(probe);
    db_close(probe);
    if (!has) return 0;   /* one process: nobody to tell */
    snprintf(peer_path, sizeof peer_path, "%s", db_path);
    peer_stop = 0;
    if (pthread_create(&peer_thread, NULL, peer_main, NULL) != 0) {
        snprintf(err, errlen, "cannot start the cache listener thread");
        return -1;
    }
    if (pthread_create(&send_thread, NULL, send_main, NULL) != 0) {
        peer_stop = 1;
        pthread_join(peer_thread, NULL);
        snprintf(err, errlen, "cannot start the cache sender thread");
        return -1;
    }
    peer_running = 1;
    cache_peer_hook = publish;
    return 0;
}

void shared_peers_stop(void)
{
    cache_peer_hook = NULL;
    if (!peer_running) return;
    pthread_mutex_lock(&send_mu);
    peer_stop = 1;
    pthread_cond_signal(&send_cv);
    pthread_mutex_unlock(&send_mu);
    pthread_join(send_thread, NULL);   /* sends what is still pending first */
    pthread_join(peer_thread, NULL);
    peer_running = 0;
}

uint64_t shared_peer_messages(void)
{
    return __atomic_load_n(&peer_messages, __ATOMIC_RELAXED);
}
