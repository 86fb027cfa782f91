/* fuzz_cookie.c - the visitor cookie check (visitor_cookie_verify), which
 * reads the hd_v cookie of every anonymous POST.  The key comes from a
 * throw-away in-memory database (visitor_init creates it there).
 * Input byte 0 selects the mode:
 *   even: the rest is a cookie value as a browser could send it; it must
 *         never verify (nobody can forge the MAC), and nothing may crash;
 *   odd:  the rest is a list of (position, byte) edits applied to a fresh
 *         valid cookie; the result verifies if and only if it is unchanged
 *         (48 bytes are exactly 64 base64 characters, so there are no
 *         spare bits a variant could hide in).
 * Also visitor_net_hash on the raw text (the address parser for caps). */
#include "fuzz.h"
#include "db.h"
#include "visitor.h"

static Db *db;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    char err[256];
    db = db_open(":memory:", 1, err, sizeof err);
    if (!db || visitor_init(db) != 0) {
        fprintf(stderr, "fuzz_cookie: cannot set up: %s\n", db ? "visitor_init" : err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t id[VISITOR_ID_BYTES];
    if (data[0] % 2 == 0) {
        char *v = fuzz_str(data + 1, size - 1);
        memset(id, 0xAA, sizeof id);
        FUZZ_CHECK(visitor_cookie_verify(v, id) == -1, "forged cookie accepted: \"%s\"", v);
        for (size_t i = 0; i < sizeof id; i++) FUZZ_CHECK(id[i] == 0xAA, "id written on failure");
        uint8_t h[VISITOR_HASH_BYTES];
        (void)visitor_net_hash(v, 1652317500, h);
        (void)visitor_day_hash(v, v, 1652317500, h);
        free(v);
        return 0;
    }
    char cookie[VISITOR_COOKIE_SIZE], orig[VISITOR_COOKIE_SIZE];
    uint8_t want[VISITOR_ID_BYTES];
    FUZZ_CHECK(visitor_cookie_new(cookie, want) == 0, "visitor_cookie_new");
    memcpy(orig, cookie, sizeof cookie);
    for (size_t i = 1; i + 1 < size; i += 2)
        cookie[data[i] % VISITOR_COOKIE_SIZE] = (char)data[i + 1];  /* may write the NUL, or move it */
    cookie[VISITOR_COOKIE_SIZE - 1] = 0;
    int same = !strcmp(cookie, orig);
    int rc = visitor_cookie_verify(cookie, id);
    FUZZ_CHECK(rc == (same ? 0 : -1), "verify %d for %s cookie \"%s\" (was \"%s\")", rc,
               same ? "an unchanged" : "a changed", cookie, orig);
    if (same) FUZZ_CHECK(!memcmp(id, want, sizeof id), "wrong id");
    /* Throw the key away: libFuzzer learns the valid cookie from the
     * comparisons above and would replay it in an even run. */
    visitor_reset();
    FUZZ_CHECK(db_exec(db, "DELETE FROM settings WHERE key = 'cookie_secret'", "") == DB_OK &&
               visitor_init(db) == 0, "new cookie key");
    return 0;
}
