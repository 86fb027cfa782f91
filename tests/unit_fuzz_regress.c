/* unit_fuzz_regress.c - regression tests for the bugs the fuzzers in
 * fuzz/ found, so they stay fixed in the normal and the sanitizer build
 * even without clang (the inputs are also in fuzz/corpus/ as seeds):
 *  - libsodium 1.0.18 decodes any byte 0x80-0xFF as '_' in URL-safe
 *    base64, so a visitor cookie with such a byte in place of '_' verified
 *    (fuzz_cookie);
 *  - vn_date and friends overflowed (signed) on times near INT64_MAX
 *    (fuzz_vn);
 *  - {{date:x}} on a NaN or huge double converted it to int64 (undefined
 *    behaviour) (fuzz_tmpl);
 *  - site_url = http:// was accepted and became "http:/" (fuzz_config);
 *  - a 30-37 byte upload starting like a ZIP entry named "mimetype" was
 *    read past its end by the OpenDocument check (fuzz_upload; the ASan
 *    build of this test catches a relapse). */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include "t.h"
#include "config.h"
#include "content.h"
#include "db.h"
#include "tmpl.h"
#include "visitor.h"
#include "vn.h"

TEST(test_cookie_high_bytes)
{
    char err[256];
    Db *db = db_open(":memory:", 1, err, sizeof err);
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(visitor_init(db), 0);
    char c[VISITOR_COOKIE_SIZE];
    uint8_t id[VISITOR_ID_BYTES];
    int tried = 0;
    /* A fresh cookie holds a '_' or '-' about every other time. */
    for (int k = 0; k < 200 && tried < 20; k++) {
        CHECK_INT(visitor_cookie_new(c, id), 0);
        for (int i = 0; c[i]; i++) {
            if (c[i] != '_' && c[i] != '-') continue;
            char save = c[i];
            for (int b = 0x80; b <= 0xFF; b += 0x1F) {
                c[i] = (char)b;
                CHECK_INT(visitor_cookie_verify(c, id), -1);
            }
            c[i] = save;
            CHECK_INT(visitor_cookie_verify(c, id), 0);
            tried++;
        }
    }
    CHECK(tried > 0);
    visitor_reset();
    db_close(db);
}

TEST(test_extreme_times)
{
    Arena *a = arena_new();
    Buf b;
    buf_init(&b, a);
    int64_t v[] = {INT64_MAX, INT64_MIN, INT64_MAX - 100, INT64_MIN + 100};
    for (int i = 0; i < 4; i++) {
        vn_date(&b, v[i]);
        vn_datetime(&b, v[i]);
        vn_weekday_date(&b, v[i]);
        vn_iso8601(&b, v[i]);
        (void)vn_day_number(v[i]);
        int64_t ds = vn_day_start(v[i]);
        CHECK(v[i] > 0 ? ds > 0 : ds < 0);
    }
    CHECK(b.len > 0);
    arena_free(a);
}

TEST(test_date_filter_on_wild_doubles)
{
    Arena *a = arena_new();
    Val *ctx = val_map(a);
    val_set_double(ctx, "nan", NAN);
    val_set_double(ctx, "inf", INFINITY);
    val_set_double(ctx, "huge", 1e300);
    val_set_double(ctx, "ok", 1652317500.0);
    Buf out;
    buf_init(&out, a);
    char err[128];
    CHECK_INT(tmpl_render_string(&out, "[{{date:nan}}|{{iso:inf}}|{{datetime:huge}}|{{date:ok}}]",
                                 ctx, err, sizeof err), 0);
    CHECK_STR(buf_str(&out), "[|||12/5/2022]");
    arena_free(a);
}

TEST(test_site_url_needs_host)
{
    Config c;
    char err[256];
    config_defaults(&c);
    CHECK_INT(config_set(&c, "site_url", "http://", err, sizeof err), -1);
    CHECK_INT(config_set(&c, "site_url", "https://", err, sizeof err), -1);
    CHECK(c.site_url == NULL);
}

TEST(test_short_zip_upload)
{
    char err[256], dir[] = "/tmp/unit_fuzz_regress_XXXXXX";
    Db *db = db_open(":memory:", 1, err, sizeof err);
    CHECK(db != NULL && mkdtemp(dir) != NULL);
    if (!db) return;
    static const unsigned char head[34] = {'P', 'K', 3, 4, [26] = 8, [30] = 'm', 'i', 'm', 'e'};
    unsigned char *d = malloc(sizeof head);   /* exact size: ASan sees a read past the end */
    memcpy(d, head, sizeof head);
    Arena *a = arena_new();
    const char *msg = NULL;
    CHECK_INT(store_put_mem(db, a, dir, d, sizeof head, 0, &msg), -1);
    CHECK(msg != NULL);
    free(d);
    arena_free(a);
    db_close(db);
    rmdir(dir);
}

int main(void)
{
    t_prog = "unit_fuzz_regress";
    RUN(test_cookie_high_bytes);
    RUN(test_extreme_times);
    RUN(test_date_filter_on_wild_doubles);
    RUN(test_site_url_needs_host);
    RUN(test_short_zip_upload);
    return t_done();
}
