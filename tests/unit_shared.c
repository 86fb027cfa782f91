/* unit_shared.c - the state several nodes share (shared.c; issue 11
 * item 2), run on the test database with shared mode switched on: on
 * SQLite here, on PostgreSQL under make test-pg (the tables are the same;
 * only LISTEN/NOTIFY needs PostgreSQL and is skipped, counted, on SQLite).
 * A second node is played by writing the rows another node would write.
 *   - caps, flood limits and sign-in windows count in one table;
 *   - the day's secret: the same for every caller of a day, replaced by a
 *     later day and never brought back by a node whose clock is behind;
 *   - the task lease: held by one node until it lapses;
 *   - verification codes: single use through the table, a network past its
 *     share replaces only its own codes, the picture is the same wherever
 *     it is drawn;
 *   - visitors online and today are the union of what the nodes recorded;
 *   - the sweep drops what expired and writes an ended day's visitors;
 *   - the page cache tells its peers each invalidation, and applies
 *     theirs without telling them back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "buf.h"
#include "captcha.h"
#include "db.h"
#include "http_cache.h"
#include "log.h"
#include "shared.h"
#include "stats.h"
#include "t.h"
#include "tuning.h"
#include "visitor.h"
#include "vn.h"

#define T_NOW ((int64_t)1796544000)   /* 2026-12-07 09:00 UTC, 16:00 in Hà Nội */

static Db *db;
static char dir[200];
static const char *db_url;

static void key_of(uint8_t k[16], const char *s)
{
    memset(k, 0, 16);
    memcpy(k, s, strlen(s) < 16 ? strlen(s) : 16);
}

TEST(cap_counts_to_its_limit_per_key)
{
    uint8_t a[16], b[16];
    key_of(a, "net-a|comment");
    key_of(b, "net-b|comment");
    for (int i = 0; i < 3; i++) CHECK_INT(shared_cap_take(db, a, 3, T_NOW + 3600), 1);
    CHECK_INT(shared_cap_take(db, a, 3, T_NOW + 3600), 0);
    CHECK_INT(shared_cap_take(db, a, 3, T_NOW + 3600), 0);
    CHECK_INT(shared_cap_take(db, b, 3, T_NOW + 3600), 1);   /* another network: its own count */
    CHECK_INT(db_int(db, -1, "SELECT value FROM shared_counters WHERE key = ?1", "b", a, (size_t)16), 3);
    CHECK_INT(shared_cap_take(db, b, 0, T_NOW + 3600), 0);   /* a cap of 0 refuses */
}

TEST(flood_limit_remembers_the_last_take)
{
    uint8_t k[16];
    key_of(k, "visitor-1|rate");
    CHECK_INT(shared_flood_take(db, k, T_NOW, 60), 1);
    CHECK_INT(shared_flood_take(db, k, T_NOW + 30, 60), 0);
    CHECK_INT(shared_flood_take(db, k, T_NOW + 59, 60), 0);
    CHECK_INT(shared_flood_take(db, k, T_NOW + 60, 60), 1);
    CHECK_INT(shared_flood_take(db, k, T_NOW + 61, 60), 0);   /* counted from the second take */
}

TEST(sign_in_window_counts_and_starts_over)
{
    uint8_t k[16];
    int64_t ends = 0;
    key_of(k, "login-ip|1.2.3.4");
    CHECK_INT(shared_window_count(db, k, T_NOW, &ends), 0);
    for (int i = 0; i < 4; i++) CHECK_INT(shared_window_add(db, k, T_NOW + i, 900), 0);
    CHECK_INT(shared_window_count(db, k, T_NOW + 10, &ends), 4);
    CHECK_INT(ends, T_NOW + 900);                            /* from the first failure, not the last */
    CHECK_INT(shared_window_count(db, k, T_NOW + 900, &ends), 0);
    CHECK_INT(shared_window_add(db, k, T_NOW + 1000, 900), 0);
    CHECK_INT(shared_window_count(db, k, T_NOW + 1000, &ends), 1);
    CHECK_INT(ends, T_NOW + 1900);
}

TEST(day_secret_is_shared_and_moves_forward)
{
    uint8_t k1[32], k1b[32], k2[32], back[32];
    CHECK_INT(shared_day_key(db, "t_day", 20261207, k1, sizeof k1), 20261207);
    CHECK_INT(shared_day_key(db, "t_day", 20261207, k1b, sizeof k1b), 20261207);
    CHECK(memcmp(k1, k1b, sizeof k1) == 0);                  /* a second node gets the same */
    CHECK_INT(shared_day_key(db, "t_day", 20261208, k2, sizeof k2), 20261208);
    CHECK(memcmp(k1, k2, sizeof k1) != 0);
    /* A node whose clock is still on the 7th gets the 8th's secret: the
     * 7th's is gone from the table. */
    CHECK_INT(shared_day_key(db, "t_day", 20261207, back, sizeof back), 20261208);
    CHECK(memcmp(back, k2, sizeof k2) == 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_keys WHERE name = 't_day'", NULL), 1);
}

TEST(task_lease_has_one_holder)
{
    CHECK_INT(shared_lease(db, "t_tasks", T_NOW, 30), 1);
    CHECK_INT(shared_lease(db, "t_tasks", T_NOW + 5, 30), 1);   /* renewed by its holder */
    /* Another node holds the second lease until T_NOW + 30. */
    CHECK_INT(db_exec(db, "INSERT INTO shared_leases (name, node, expires) VALUES ('t_other', 'node-b', ?1)", "l",
                      T_NOW + 30), DB_OK);
    CHECK_INT(shared_lease(db, "t_other", T_NOW, 30), 0);
    CHECK_INT(shared_lease(db, "t_other", T_NOW + 29, 30), 0);
    CHECK_INT(shared_lease(db, "t_other", T_NOW + 30, 30), 1);  /* lapsed: taken over */
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT node FROM shared_leases WHERE name = 't_other'", NULL), shared_node());
    arena_free(a);
}

TEST(a_released_lease_is_taken_at_once)
{
    CHECK_INT(shared_lease(db, "t_rel", T_NOW, 30), 1);
    /* Another node's lease is not this node's to give up. */
    CHECK_INT(db_exec(db, "INSERT INTO shared_leases (name, node, expires) VALUES ('t_rel_b', 'node-b', ?1)", "l",
                      T_NOW + 30), DB_OK);
    CHECK_INT(shared_lease_release(db, "t_rel_b"), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_leases WHERE name = 't_rel_b'", NULL), 1);
    /* A clean stop: released, and node-b takes it before it would lapse. */
    CHECK_INT(shared_lease_release(db, "t_rel"), 1);
    CHECK_INT(db_exec(db, "INSERT INTO shared_leases (name, node, expires) VALUES ('t_rel', 'node-b', ?1) "
                          "ON CONFLICT (name) DO UPDATE SET node = excluded.node, expires = excluded.expires "
                          "WHERE shared_leases.expires <= ?2", "ll", T_NOW + 31, T_NOW + 1), DB_OK);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT node FROM shared_leases WHERE name = 't_rel'", NULL), "node-b");
    arena_free(a);
    CHECK_INT(shared_lease(db, "t_rel", T_NOW + 2, 30), 0);
}

TEST(codes_live_in_the_table_and_are_used_once)
{
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
    CHECK_INT(captcha_new(id, "net-1", 5, T_NOW), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_codes", NULL) >= 1, 1);
    CHECK_INT(captcha_peek(id, T_NOW, code), 0);
    /* What another node sees: the same row. */
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT code FROM shared_codes WHERE expires > ?1 ORDER BY expires DESC LIMIT 1", "l",
                      T_NOW), code);
    Buf png1, png2;
    buf_init(&png1, a);
    buf_init(&png2, a);
    CHECK_INT(captcha_png(id, T_NOW, &png1), 0);
    CHECK_INT(captcha_png(id, T_NOW + 1, &png2), 0);
    CHECK(png1.len > 100 && png1.len == png2.len && !memcmp(png1.data, png2.data, png1.len));
    arena_free(a);
    CHECK_INT(captcha_check(id, "XXXXXX", T_NOW), 0);        /* a wrong answer uses it up too */
    CHECK_INT(captcha_check(id, code, T_NOW), 0);
    CHECK_INT(captcha_peek(id, T_NOW, code), -1);

    char id2[CAPTCHA_ID_SIZE];
    CHECK_INT(captcha_new(id2, "net-1", 5, T_NOW), 0);
    CHECK_INT(captcha_peek(id2, T_NOW, code), 0);
    CHECK_INT(captcha_check(id2, code, T_NOW + 3600), 0);    /* expired */
    CHECK_INT(captcha_new(id2, "net-1", 5, T_NOW), 0);
    CHECK_INT(captcha_peek(id2, T_NOW, code), 0);
    CHECK_INT(captcha_check(id2, code, T_NOW + 1), 1);
    CHECK_INT(captcha_check(id2, code, T_NOW + 1), 0);       /* single use */
}

TEST(network_past_its_share_replaces_its_own)
{
    char honest[CAPTCHA_ID_SIZE], id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
    CHECK_INT(captcha_new(honest, "honest", 6, T_NOW), 0);
    for (int i = 0; i < CAPTCHA_NET_SHARE + 20; i++)
        if (captcha_new(id, "flood", 5, T_NOW + i / 100) != 0) { CHECK(0); break; }
    uint8_t key[16];
    crypto_generichash(key, sizeof key, (const unsigned char *)"flood", 5, NULL, 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_codes WHERE net = ?1", "b", key, (size_t)16),
              CAPTCHA_NET_SHARE);
    CHECK_INT(captcha_peek(honest, T_NOW + 1, code), 0);     /* the other network's code is still there */
    CHECK_INT(captcha_peek(id, T_NOW + 1, code), 0);         /* and the flood's newest */
}

TEST(visitors_are_the_union_of_the_nodes)
{
    uint8_t v1[32], v2[32];
    memset(v1, 1, sizeof v1);
    memset(v2, 2, sizeof v2);
    int64_t now = T_NOW + 5000;
    int today = vn_day_number(now);
    stats_hit(v1, 0, now);
    stats_hit(v1, 0, now + 1);                               /* seen again: no new row */
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_visitors WHERE day = ?1", "l", (int64_t)today), 1);
    CHECK_INT(db_int(db, -1, "SELECT last_seen FROM shared_visitors WHERE day = ?1", "l", (int64_t)today), now);
    CHECK_INT(stats_online(now + 2), 1);
    /* Another node recorded v2, and v1 too (the same visitor there). */
    CHECK_INT(db_exec(db, "INSERT INTO shared_visitors (day, vhash, last_seen) VALUES (?1, ?2, ?3)", "lbl",
                      (int64_t)today, v2, (size_t)16, now + 2), DB_OK);
    CHECK_INT(db_exec(db, "UPDATE shared_visitors SET last_seen = ?2 WHERE vhash = ?1", "bl", v1, (size_t)16,
                      now + 3), DB_OK);
    CHECK_INT(stats_online(now + 4), 2);
    CHECK_INT(stats_today_visitors(now + 4), 2);
    stats_hit(v1, 0, now + STATS_SHARED_REFRESH + 1);       /* a minute on: recorded again */
    CHECK_INT(db_int(db, -1, "SELECT last_seen FROM shared_visitors WHERE vhash = ?1", "b", v1, (size_t)16),
              now + STATS_SHARED_REFRESH + 1);
    CHECK_INT(stats_online(now + STATS_ONLINE_WINDOW + 3), 1);   /* v2 was last seen too long ago */
    /* The flush writes the union, not this node's one visitor. */
    CHECK_INT(stats_flush(db, now + STATS_SHARED_REFRESH + 2), 0);
    CHECK_INT(db_int(db, -1, "SELECT visitors FROM stats_daily WHERE day = ?1", "l", (int64_t)today), 2);
}

TEST(sweep_drops_the_expired_and_closes_ended_days)
{
    uint8_t k[16], v[16];
    key_of(k, "sweep-me");
    memset(v, 7, sizeof v);
    CHECK_INT(db_exec(db, "INSERT INTO shared_counters (key, value, expires) VALUES (?1, 1, ?2)", "bl", k,
                      (size_t)16, T_NOW - 1), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO shared_visitors (day, vhash, last_seen) VALUES (20201231, ?1, ?2)", "bl",
                      v, (size_t)16, T_NOW - 86400 * 2), DB_OK);
    int64_t before_codes = db_int(db, -1, "SELECT count(*) FROM shared_codes", NULL);
    CHECK(shared_sweep(db, T_NOW) >= 2);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_counters WHERE key = ?1", "b", k, (size_t)16), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_visitors WHERE day = 20201231", NULL), 0);
    CHECK_INT(db_int(db, -1, "SELECT visitors FROM stats_daily WHERE day = 20201231", NULL), 1);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM shared_codes", NULL), before_codes);   /* live codes stay */
    /* A day later every code, counter and lease has expired. */
    CHECK(shared_sweep(db, T_NOW + 86400 * 2) >= before_codes);
    CHECK_INT(db_int(db, -1, "SELECT (SELECT count(*) FROM shared_codes) + (SELECT count(*) FROM shared_counters) + "
                             "(SELECT count(*) FROM shared_leases)", NULL), 0);
}

static char told[8][48];
static int ntold;
static void record(const char *scope)
{
    if (ntold < 8) snprintf(told[ntold++], sizeof told[0], "%s", scope);
}

TEST(cache_tells_its_peers_and_applies_theirs)
{
    cache_peer_hook = record;
    ntold = 0;
    cache_invalidate_article(42);
    cache_invalidate("sidebar");
    cache_invalidate("no-such-scope");
    cache_bump();
    uint64_t g = cache_generation();
    cache_invalidate_from_peer("article:7");   /* applied here, never told back */
    cache_peer_hook = NULL;
    CHECK_INT(ntold, 4);
    CHECK_STR(told[0], "article:42");
    CHECK_STR(told[1], "sidebar");
    CHECK_STR(told[2], "all");
    CHECK_STR(told[3], "all");
    CHECK(cache_generation() > g);
}

TEST(one_process_has_nobody_to_tell)
{
    CHECK_INT(db_notify(db, "hoidong_test", "x"), DB_OK);   /* SQLite: nothing to do, no error */
    CHECK_INT(db_listen(db, "hoidong_test"), DB_ERROR);
    CHECK_INT(db_has_notify(db), 0);
}

TEST(listen_notify_between_connections)
{
    char err[256], msg[64];
    Db *b = db_open(db_url, 0, err, sizeof err);
    CHECK(b != NULL);
    if (!b) return;
    CHECK_INT(db_listen(b, "hoidong_test"), DB_OK);
    CHECK_INT(db_wait_notify(b, 0, msg, sizeof msg), 0);
    /* Inside a transaction the message waits for the COMMIT; a rollback drops it. */
    CHECK_INT(db_begin(db), DB_OK);
    CHECK_INT(db_notify(db, "hoidong_test", "rolled back"), DB_OK);
    CHECK_INT(db_rollback(db), DB_OK);
    CHECK_INT(db_notify(db, "hoidong_test", "node-a article:5"), DB_OK);
    int got = 0;
    for (int i = 0; i < 50 && got == 0; i++) got = db_wait_notify(b, 100, msg, sizeof msg);
    CHECK_INT(got, 1);
    CHECK_STR(msg, "node-a article:5");
    CHECK_INT(db_wait_notify(b, 50, msg, sizeof msg), 0);
    CHECK_INT(db_listen(b, "Bad-Channel;"), DB_ERROR);
    db_close(b);
}

int main(void)
{
    t_prog = "unit_shared";
    log_quiet = 1;
    snprintf(dir, sizeof dir, "/tmp/hd-shared-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[300], err[300];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db_url = t_db(path);
    db = db_open(db_url, 1, err, sizeof err);
    if (!db) { fprintf(stderr, "open: %s\n", err); return 1; }
    db_set_path(db_url);
    if (visitor_init(db) != 0) { fprintf(stderr, "visitor_init failed\n"); return 1; }
    static Tuning tt;
    tt = tuning_production;
    tt.captcha_peek = 1;
    tuning = &tt;
    shared_enable(1);
    RUN(cap_counts_to_its_limit_per_key);
    RUN(flood_limit_remembers_the_last_take);
    RUN(sign_in_window_counts_and_starts_over);
    RUN(day_secret_is_shared_and_moves_forward);
    RUN(task_lease_has_one_holder);
    RUN(a_released_lease_is_taken_at_once);
    RUN(codes_live_in_the_table_and_are_used_once);
    RUN(network_past_its_share_replaces_its_own);
    RUN(visitors_are_the_union_of_the_nodes);
    RUN(sweep_drops_the_expired_and_closes_ended_days);
    RUN(cache_tells_its_peers_and_applies_theirs);
    if (t_pg()) RUN(listen_notify_between_connections);
    else {
        RUN(one_process_has_nobody_to_tell);
        T_SKIP(listen_notify_between_connections, "LISTEN/NOTIFY needs PostgreSQL (make test-pg)");
    }
    shared_enable(0);
    tuning = &tuning_production;
    db_thread_close();
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) { /* leave it */ }
    return t_done();
}
