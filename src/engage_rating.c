/* engage_rating.c - star ratings model (see engage_rating.h).
 *
 * The secret behind visitor keys is read from settings on every call (one
 * indexed row) rather than cached, so a process that opens several
 * databases (tests, tools) never mixes them up; it is created on first use
 * with INSERT .. ON CONFLICT DO NOTHING, so two threads racing to create it
 * end up with the same stored value. */
#include <sodium.h>
#include <string.h>
#include "engage_rating.h"
#include "log.h"

#define SECRET_KEY "rating_visitor_secret"
#define SECRET_BYTES 32

/* Load (creating when absent) the secret into key.  0 or -1. */
static int secret_load(Db *db, uint8_t key[SECRET_BYTES])
{
    for (int attempt = 0; attempt < 2; attempt++) {
        Arena *a = arena_new();
        char *hex = db_text(db, a, "SELECT value FROM settings WHERE key = ?1", "t", SECRET_KEY);
        if (hex) {
            size_t n = 0;
            int ok = strlen(hex) == 2 * SECRET_BYTES &&
                     sodium_hex2bin(key, SECRET_BYTES, hex, strlen(hex), NULL, &n, NULL) == 0 &&
                     n == SECRET_BYTES;
            arena_free(a);
            if (!ok) log_error("ratings: settings.%s is malformed", SECRET_KEY);
            return ok ? 0 : -1;
        }
        arena_free(a);
        if (attempt) break;
        uint8_t fresh[SECRET_BYTES];
        char fhex[2 * SECRET_BYTES + 1];
        randombytes_buf(fresh, sizeof fresh);
        sodium_bin2hex(fhex, sizeof fhex, fresh, sizeof fresh);
        int rc = db_exec(db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                             "ON CONFLICT (key) DO NOTHING", "tt", SECRET_KEY, fhex);
        sodium_memzero(fresh, sizeof fresh);
        sodium_memzero(fhex, sizeof fhex);
        if (rc != DB_OK) return -1;
    }
    return -1;
}

int rating_visitor_key(Db *db, int64_t article_id, const uint8_t visitor_id[16],
                       char out[RATING_KEY_HEX])
{
    uint8_t key[SECRET_BYTES], h[32];
    if (sodium_init() < 0 || secret_load(db, key) != 0) return -1;
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, sizeof key, sizeof h);
    uint8_t aid[8];
    for (int i = 0; i < 8; i++) aid[i] = (uint8_t)((uint64_t)article_id >> (8 * i));
    crypto_generichash_update(&st, aid, sizeof aid);
    crypto_generichash_update(&st, visitor_id, 16);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, RATING_KEY_HEX, h, sizeof h);
    sodium_memzero(key, sizeof key);
    return 0;
}

int rating_put(Db *db, int64_t article_id, const char *visitor_key, int stars, int64_t now,
               int is_sample, int64_t *count, int64_t *sum)
{
    if (stars < 1 || stars > 5 || !visitor_key || !*visitor_key || strlen(visitor_key) > 128 ||
        article_id <= 0)
        return RATING_BAD;
    if (db_begin(db) != DB_OK) return RATING_ERROR;
    int result = RATING_ERROR;
    /* Few statements: on PostgreSQL each is a round trip made by the one
     * writer thread, so they bound the durable ratings per second
     * (docs/POSTGRESQL.md "Speed").  One look-up for the article and the
     * visitor's earlier rating; the totals come back from their update. */
    int64_t exists = -1, old = 0;
    Stmt *st = db_prepare(db, "SELECT (SELECT COUNT(*) FROM articles WHERE id = ?1), "
                              "(SELECT stars FROM ratings WHERE article_id = ?1 AND visitor = ?2)");
    if (!st) goto undo;
    db_bindf(st, "lt", article_id, visitor_key);
    if (db_step(st) == DB_ROW) {
        exists = db_col_int(st, 0);
        old = db_col_is_null(st, 1) ? 0 : db_col_int(st, 1);
    }
    db_done(st);
    if (exists < 0) goto undo;
    if (exists == 0) { result = RATING_BAD; goto undo; }
    const char *totals_sql;
    if (old > 0) {
        if (db_exec(db, "UPDATE ratings SET stars = ?3, updated_at = ?4 "
                        "WHERE article_id = ?1 AND visitor = ?2",
                    "ltil", article_id, visitor_key, stars, now) != DB_OK)
            goto undo;
        totals_sql = "UPDATE rating_totals SET sum = sum + ?2 WHERE article_id = ?1 RETURNING count, sum";
        result = RATING_REPLACED;
    } else {
        if (db_exec(db, "INSERT INTO ratings (article_id, visitor, stars, created_at, updated_at, "
                        "is_sample) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
                    "ltili", article_id, visitor_key, stars, now, is_sample ? 1 : 0) != DB_OK)
            goto undo;
        totals_sql = "INSERT INTO rating_totals (article_id, count, sum) VALUES (?1, 1, ?2) "
                     "ON CONFLICT (article_id) DO UPDATE SET count = rating_totals.count + 1, "
                     "sum = rating_totals.sum + excluded.sum RETURNING count, sum";
        result = RATING_ADDED;
    }
    st = db_prepare(db, totals_sql);
    if (!st) { result = RATING_ERROR; goto undo; }
    db_bindf(st, "ll", article_id, old > 0 ? (int64_t)stars - old : (int64_t)stars);
    int trc = db_step(st);
    int64_t c = trc == DB_ROW ? db_col_int(st, 0) : 0, sm = trc == DB_ROW ? db_col_int(st, 1) : 0;
    db_done(st);
    if (trc != DB_ROW) { result = RATING_ERROR; goto undo; }
    if (count) *count = c;
    if (sum) *sum = sm;
    if (db_commit(db) != DB_OK) { result = RATING_ERROR; goto undo; }
    return result;
undo:
    db_rollback(db);
    return result;
}

int rating_summary(Db *db, int64_t article_id, int64_t *count, int64_t *sum)
{
    *count = 0;
    *sum = 0;
    Stmt *st = db_prepare(db, "SELECT count, sum FROM rating_totals WHERE article_id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, article_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *count = db_col_int(st, 0);
        *sum = db_col_int(st, 1);
    }
    db_done(st);
    return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

void rating_average(Buf *out, int64_t count, int64_t sum)
{
    if (count <= 0 || sum < 0) {
        buf_puts(out, "0");
        return;
    }
    /* Tenths, rounded half up, in integers: no binary-fraction surprises. */
    int64_t tenths = (sum * 10 * 2 + count) / (2 * count);
    buf_printf(out, "%lld,%lld", (long long)(tenths / 10), (long long)(tenths % 10));
}

int rating_totals_rebuild(Db *db)
{
    if (db_exec(db, "DELETE FROM rating_totals", "") != DB_OK) return -1;
    return db_exec(db, "INSERT INTO rating_totals (article_id, count, sum) "
                       "SELECT article_id, COUNT(*), SUM(stars) FROM ratings GROUP BY article_id",
                   "") == DB_OK ? 0 : -1;
}
