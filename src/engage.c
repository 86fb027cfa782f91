/* engage.c - shared machinery for reader engagement (see engage.h).
 *
 * Caps and flood limits live in two small in-memory hash tables guarded by
 * one mutex; keys are BLAKE2b hashes of (network hash or visitor id,
 * action, day), so neither table holds anything that identifies a person
 * beyond the day. Tables are cleared at the start of each local day, and
 * when full (an attack), the oldest half is dropped rather than growing.
 * With several nodes (shared.h) the same keys count in shared_counters
 * instead, so a network's cap is one cap for the whole cluster.  A
 * database error there lets the request through (logged): the caps are
 * soft limits, and the comment and petition forms keep their single-use
 * verification code. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include "config.h"
#include "engage.h"
#include "log.h"
#include "shared.h"
#include "stats.h"
#include "tuning.h"
#include "visitor.h"
#include "vn.h"

#define SLOTS 65536           /* per table; power of two */

typedef struct Slot { uint8_t key[16]; int64_t value; int used; } Slot;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static Slot caps[SLOTS], floods[SLOTS];
static int caps_used, floods_used, table_day;

static void make_key(uint8_t out[16], const uint8_t *who, size_t n, const char *action, int day)
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 16);
    crypto_generichash_update(&st, who, n);
    crypto_generichash_update(&st, (const unsigned char *)action, strlen(action) + 1);
    crypto_generichash_update(&st, (const unsigned char *)&day, sizeof day);
    crypto_generichash_final(&st, out, 16);
}

/* Find or create the slot for key (linear probing); NULL when full. */
static Slot *slot_get(Slot *t, int *used, const uint8_t key[16])
{
    uint32_t h;
    memcpy(&h, key, sizeof h);
    for (uint32_t i = 0; i < SLOTS; i++) {
        Slot *s = &t[(h + i) & (SLOTS - 1)];
        if (s->used && !memcmp(s->key, key, 16)) return s;
        if (!s->used) {
            if (*used >= SLOTS * 3 / 4) return NULL;
            s->used = 1;
            memcpy(s->key, key, 16);
            s->value = 0;
            (*used)++;
            return s;
        }
    }
    return NULL;
}

static void roll_day(int64_t now)
{
    int day = vn_day_number(now);
    if (day != table_day) {
        memset(caps, 0, sizeof caps);
        memset(floods, 0, sizeof floods);
        caps_used = floods_used = 0;
        table_day = day;
    }
}

int engage_visitor(Req *r, uint8_t id[16])
{
    const char *c = req_cookie(r, ENGAGE_COOKIE);
    if (c && visitor_cookie_verify(c, id) == 0) return 1;
    char val[VISITOR_COOKIE_SIZE];
    if (visitor_cookie_new(val, id) != 0) {
        randombytes_buf(id, 16);
        return 0;
    }
    reply_cookie(r, ENGAGE_COOKIE, val, 365LL * 86400, 0);
    return 0;
}

int engage_net_allow(Req *r, const char *action, int daily_cap)
{
    if (!tuning->net_caps) return 1;   /* test build only (make bench): see tuning.h */
    uint8_t net[VISITOR_HASH_BYTES], key[16];
    if (visitor_net_hash(req_client_ip(r), r->now, net) != 0) return 1;
    int day = vn_day_number(r->now);
    make_key(key, net, sizeof net, action, day);
    if (shared_enabled()) {
        int64_t day_end = vn_day_start(r->now) + 86400;
        int got = shared_cap_take(db_thread(), key, daily_cap, day_end);
        if (got < 0) log_warn("engage: shared cap for %s unavailable; allowed", action);
        return got != 0;
    }
    int ok = 1;
    pthread_mutex_lock(&mu);
    roll_day(r->now);
    Slot *s = slot_get(caps, &caps_used, key);
    if (!s) {
        memset(caps, 0, sizeof caps);   /* flooded with networks: start over rather than refuse all */
        caps_used = 0;
        s = slot_get(caps, &caps_used, key);
    }
    if (s->value >= daily_cap) ok = 0;
    else s->value++;
    pthread_mutex_unlock(&mu);
    return ok;
}

int engage_flood_allow(const uint8_t id[16], const char *action, int seconds, int64_t now)
{
    uint8_t key[16];
    make_key(key, id, 16, action, 0);
    if (shared_enabled()) {
        int got = shared_flood_take(db_thread(), key, now, seconds);
        if (got < 0) log_warn("engage: shared flood limit for %s unavailable; allowed", action);
        return got != 0;
    }
    int ok = 1;
    pthread_mutex_lock(&mu);
    roll_day(now);
    Slot *s = slot_get(floods, &floods_used, key);
    if (!s) {
        memset(floods, 0, sizeof floods);
        floods_used = 0;
        s = slot_get(floods, &floods_used, key);
    }
    if (s->value && now - s->value < seconds) ok = 0;
    else s->value = now;
    pthread_mutex_unlock(&mu);
    return ok;
}

void engage_reset(void)
{
    pthread_mutex_lock(&mu);
    memset(caps, 0, sizeof caps);
    memset(floods, 0, sizeof floods);
    caps_used = floods_used = 0;
    table_day = 0;
    pthread_mutex_unlock(&mu);
}

int engage_start(Db *db)
{
    return visitor_init(db);
}

void engage_after_request(Req *r, int status)
{
    if (!r->visit_page || status != 200) return;
    const char *ua = req_header(r, "User-Agent");
    if (stats_is_bot(ua)) return;
    uint8_t h[VISITOR_HASH_BYTES];
    if (visitor_day_hash(req_client_ip(r), ua ? ua : "", r->now, h) == 0)
        stats_hit(h, r->visit_article, r->now);
}

void engage_task(void *db, long long now)
{
    if (stats_flush(db, (int64_t)now) != 0) log_warn("statistics flush failed; will retry");
}
