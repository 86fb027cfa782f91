/* visitor.c - signed visitor cookies and daily keyed hashes of the client
 * address (see visitor.h for the why).
 *
 * The daily secret is created lazily by the first hash of a new local day
 * and replaced (old bytes wiped with sodium_memzero) by the first hash
 * after midnight UTC+7.  It only moves forward: a request that started a
 * moment before midnight but hashes after the rotation uses the new day's
 * secret, because the old one no longer exists anywhere. */
#include <string.h>
#include <pthread.h>
#include <arpa/inet.h>
#include <sodium.h>
#include "visitor.h"
#include "vn.h"
#include "log.h"
#include "shared.h"

#define VISITOR_RAW_BYTES (VISITOR_ID_BYTES + crypto_auth_BYTES)   /* 48 */

static pthread_mutex_t visitor_mu = PTHREAD_MUTEX_INITIALIZER;
static uint8_t visitor_cookie_key[crypto_auth_KEYBYTES];
static int visitor_have_cookie_key;
static uint8_t visitor_day_key[crypto_generichash_KEYBYTES];
static int visitor_day_key_day;                  /* yyyymmdd of visitor_day_key; 0 = none */

/* Read settings.cookie_secret into key; 1 found, 0 absent, -1 error/malformed. */
static int secret_load(Db *db, uint8_t key[crypto_auth_KEYBYTES])
{
    Stmt *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?1");
    if (!st)
        return -1;
    db_bind_text(st, 1, "cookie_secret");
    int rc = db_step(st);
    int ret = 0;
    if (rc == DB_ROW) {
        const char *hex = db_col_text(st, 0);
        size_t binlen = 0;
        const char *end = NULL;
        if (strlen(hex) == 2 * crypto_auth_KEYBYTES &&
            sodium_hex2bin(key, crypto_auth_KEYBYTES, hex, strlen(hex), NULL, &binlen, &end) == 0 &&
            binlen == crypto_auth_KEYBYTES && !*end) {
            ret = 1;
        } else {
            log_error("visitor: settings.cookie_secret is malformed (expected %d hex digits)",
                      2 * crypto_auth_KEYBYTES);
            ret = -1;
        }
    } else if (rc != DB_DONE) {
        ret = -1;
    }
    db_done(st);
    return ret;
}

int visitor_init(Db *db)
{
    uint8_t key[crypto_auth_KEYBYTES];
    if (sodium_init() < 0)
        return -1;
    int found = secret_load(db, key);
    if (found == 0) {
        char hex[2 * crypto_auth_KEYBYTES + 1];
        crypto_auth_keygen(key);
        sodium_bin2hex(hex, sizeof hex, key, sizeof key);
        /* DO NOTHING: if another process created it meanwhile, theirs wins
         * and we read it back below. */
        int rc = db_exec(db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                             "ON CONFLICT (key) DO NOTHING", "tt", "cookie_secret", hex);
        sodium_memzero(hex, sizeof hex);
        if (rc != DB_OK)
            found = -1;
        else
            found = secret_load(db, key);
        if (found == 1)
            log_info("visitor: created the cookie secret");
    }
    if (found != 1) {
        sodium_memzero(key, sizeof key);
        return -1;
    }
    pthread_mutex_lock(&visitor_mu);
    memcpy(visitor_cookie_key, key, sizeof key);
    visitor_have_cookie_key = 1;
    pthread_mutex_unlock(&visitor_mu);
    sodium_memzero(key, sizeof key);
    return 0;
}

int visitor_cookie_new(char out[VISITOR_COOKIE_SIZE], uint8_t id[VISITOR_ID_BYTES])
{
    uint8_t raw[VISITOR_RAW_BYTES];
    int rc = -1;
    randombytes_buf(raw, VISITOR_ID_BYTES);
    pthread_mutex_lock(&visitor_mu);
    if (visitor_have_cookie_key) {
        crypto_auth(raw + VISITOR_ID_BYTES, raw, VISITOR_ID_BYTES, visitor_cookie_key);
        rc = 0;
    }
    pthread_mutex_unlock(&visitor_mu);
    if (rc == 0) {
        sodium_bin2base64(out, VISITOR_COOKIE_SIZE, raw, sizeof raw,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        if (id)
            memcpy(id, raw, VISITOR_ID_BYTES);
    }
    return rc;
}

int visitor_cookie_verify(const char *value, uint8_t id[VISITOR_ID_BYTES])
{
    uint8_t raw[VISITOR_RAW_BYTES];
    size_t binlen = 0;
    const char *end = NULL;
    int rc = -1;
    if (!value || strlen(value) != VISITOR_COOKIE_SIZE - 1)
        return -1;
    /* Check the alphabet ourselves: libsodium 1.0.18's URL-safe decoder
     * reads every byte 0x80-0xFF as '_' (a signed-char slip), so without
     * this many different strings would verify as the same cookie.  Found
     * by fuzz/fuzz_cookie.c. */
    for (const char *p = value; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return -1;
    }
    if (sodium_base642bin(raw, sizeof raw, value, VISITOR_COOKIE_SIZE - 1, NULL, &binlen, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        binlen != sizeof raw || *end)
        return -1;
    pthread_mutex_lock(&visitor_mu);
    if (visitor_have_cookie_key &&
        crypto_auth_verify(raw + VISITOR_ID_BYTES, raw, VISITOR_ID_BYTES, visitor_cookie_key) == 0)
        rc = 0;
    pthread_mutex_unlock(&visitor_mu);
    if (rc == 0 && id)
        memcpy(id, raw, VISITOR_ID_BYTES);
    return rc;
}

/* Start a keyed hash under the daily secret for the local day of now,
 * rotating it first when that day is newer.  Caller holds visitor_mu. */
static int day_hash_start(crypto_generichash_state *s, int64_t now)
{
    int day = vn_day_number(now);
    if (day > visitor_day_key_day && shared_enabled()) {
        /* Several nodes: one secret for all of them, or each would count a
         * visitor (and a network's cap) once per node.  It is in the
         * database for the day only (shared.h). */
        uint8_t k[crypto_generichash_KEYBYTES];
        int got = shared_day_key(db_thread(), "visitor_day", day, k, sizeof k);
        if (got < 0) return -1;
        memcpy(visitor_day_key, k, sizeof k);
        sodium_memzero(k, sizeof k);
        visitor_day_key_day = got;
    }
    if (day > visitor_day_key_day) {
        sodium_memzero(visitor_day_key, sizeof visitor_day_key);
        randombytes_buf(visitor_day_key, sizeof visitor_day_key);
        visitor_day_key_day = day;
    }
    return crypto_generichash_init(s, visitor_day_key, sizeof visitor_day_key,
                                   VISITOR_HASH_BYTES);
}

/* The day's keyed hash of tag, a, NUL, b.  The tag keeps the kinds of
 * hash apart ('d' visitors, 'k' counters; net hashes start with 'n'); a
 * never contains NUL, so the pair is unambiguous. */
static int day_hash_pair(uint8_t tag, const char *x, const char *y, int64_t now, uint8_t out[VISITOR_HASH_BYTES])
{
    crypto_generichash_state s;
    static const uint8_t zero = 0;
    if (!x || !y || sodium_init() < 0)
        return -1;
    pthread_mutex_lock(&visitor_mu);
    int rc = day_hash_start(&s, now);
    pthread_mutex_unlock(&visitor_mu);
    if (rc != 0)
        return -1;
    crypto_generichash_update(&s, &tag, 1);
    crypto_generichash_update(&s, (const uint8_t *)x, strlen(x));
    crypto_generichash_update(&s, &zero, 1);
    crypto_generichash_update(&s, (const uint8_t *)y, strlen(y));
    crypto_generichash_final(&s, out, VISITOR_HASH_BYTES);
    sodium_memzero(&s, sizeof s);
    return 0;
}

int visitor_day_hash(const char *ip, const char *user_agent, int64_t now,
                     uint8_t out[VISITOR_HASH_BYTES])
{
    return day_hash_pair('d', ip, user_agent ? user_agent : "", now, out);
}

int visitor_keyed_hash(const char *what, const char *value, int64_t now, uint8_t out[VISITOR_HASH_BYTES])
{
    return day_hash_pair('k', what, value, now, out);
}

int visitor_net_hash(const char *ip, int64_t now, uint8_t out[VISITOR_HASH_BYTES])
{
    static const uint8_t v4mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
    uint8_t a[16], msg[8];
    size_t n;
    crypto_generichash_state s;
    if (!ip || sodium_init() < 0)
        return -1;
    msg[0] = 'n';
    if (inet_pton(AF_INET, ip, a) == 1) {
        msg[1] = 4; memcpy(msg + 2, a, 3); n = 5;            /* /24 */
    } else if (inet_pton(AF_INET6, ip, a) == 1) {
        if (memcmp(a, v4mapped, 12) == 0) {
            msg[1] = 4; memcpy(msg + 2, a + 12, 3); n = 5;   /* same network as plain IPv4 */
        } else {
            msg[1] = 6; memcpy(msg + 2, a, 6); n = 8;        /* /48 */
        }
    } else {
        return -1;
    }
    pthread_mutex_lock(&visitor_mu);
    int rc = day_hash_start(&s, now);
    pthread_mutex_unlock(&visitor_mu);
    if (rc != 0)
        return -1;
    crypto_generichash_update(&s, msg, n);
    crypto_generichash_final(&s, out, VISITOR_HASH_BYTES);
    sodium_memzero(&s, sizeof s);
    return 0;
}

void visitor_reset(void)
{
    pthread_mutex_lock(&visitor_mu);
    sodium_memzero(visitor_cookie_key, sizeof visitor_cookie_key);
    visitor_have_cookie_key = 0;
    sodium_memzero(visitor_day_key, sizeof visitor_day_key);
    visitor_day_key_day = 0;
    pthread_mutex_unlock(&visitor_mu);
}

int visitor_public_token(int64_t now, int days_ago, char out[33])
{
    uint8_t mac[crypto_auth_BYTES];
    int day = vn_day_number(now - (int64_t)days_ago * 86400);
    uint8_t msg[5] = {'p', (uint8_t)(day >> 24), (uint8_t)(day >> 16), (uint8_t)(day >> 8), (uint8_t)day};
    int rc = -1;
    pthread_mutex_lock(&visitor_mu);
    if (visitor_have_cookie_key) {
        crypto_auth(mac, msg, sizeof msg, visitor_cookie_key);
        rc = 0;
    }
    pthread_mutex_unlock(&visitor_mu);
    if (rc == 0) sodium_bin2hex(out, 33, mac, 16);
    return rc;
}
