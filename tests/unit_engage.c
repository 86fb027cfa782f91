/* unit_engage.c - the engine under reader engagement: verification codes
 * (captcha.c), the anonymous visitor identity (visitor.c) and visit
 * statistics (stats.c), against a fresh SQLite database in a temp
 * directory.  Time is injected through the `now` parameters; the
 * statistics are checked for exact counts, also under concurrency, and the
 * database files are scanned afterwards for any address or user agent. */
#include <gd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "captcha.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "stats.h"
#include "t.h"
#include "tuning.h"
#include "visitor.h"
#include "vn.h"

/* The verification-code peek is a test aid: on in the test build's
 * tuning only (tuning.h); these tests switch it as the test build would. */
static Tuning peek_tuning;
static void set_peek(int on)
{
    peek_tuning = tuning_production;
    peek_tuning.captcha_peek = on;
    tuning = on ? &peek_tuning : &tuning_production;
}

static char dir[256];
static char dbpath[300];
static Db *db;

/* A fixed afternoon in Vietnam (2024-05-12 14:46 local); D0 is the start
 * of that local day, so D0 + k*86400 starts later days. */
#define T_NOW ((int64_t)1715500000)
static int64_t D0;

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-engage-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
    char err[256];
    db = db_open(t_db(dbpath), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    D0 = vn_day_start(T_NOW);
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

/* ---------------- captcha ---------------- */

static const char *peek(const char *id, int64_t now, char code[CAPTCHA_LEN + 1])
{
    return captcha_peek(id, now, code) == 0 ? code : NULL;
}

TEST(captcha_codes_use_the_unambiguous_alphabet)
{
    static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    int seen[256] = {0};
    set_peek(1);
    for (int i = 0; i < 2000; i++) {
        char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
        CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
        CHECK_INT(strlen(id), 32);
        CHECK_INT(strspn(id, "0123456789abcdef"), 32);
        if (!peek(id, T_NOW, code)) { CHECK(0); break; }
        CHECK_INT(strlen(code), CAPTCHA_LEN);
        for (int k = 0; k < CAPTCHA_LEN; k++) {
            CHECK(strchr(alphabet, code[k]) != NULL);
            CHECK(strchr("0O1IL", code[k]) == NULL);
            seen[(unsigned char)code[k]]++;
        }
    }
    /* 10 000 draws from 31 characters: every one of them shows up. */
    for (const char *p = alphabet; *p; p++)
        CHECK(seen[(unsigned char)*p] > 0);
    captcha_reset();
}

TEST(captcha_single_use)
{
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
    set_peek(1);
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK(peek(id, T_NOW, code) != NULL);
    CHECK_INT(captcha_check(id, code, T_NOW + 10), 1);
    CHECK_INT(captcha_check(id, code, T_NOW + 11), 0);           /* replay */
    CHECK(peek(id, T_NOW, code) == NULL);
    CHECK_INT(captcha_check("not-an-id", "ABCDE", T_NOW), 0);
    CHECK_INT(captcha_check(NULL, "ABCDE", T_NOW), 0);
}

TEST(captcha_case_and_spaces_ignored)
{
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1], answer[32];
    set_peek(1);
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK(peek(id, T_NOW, code) != NULL);
    /* " a b c d e " in lower case */
    size_t n = 0;
    answer[n++] = ' ';
    for (int i = 0; i < CAPTCHA_LEN; i++) {
        char c = code[i];
        answer[n++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        answer[n++] = ' ';
    }
    answer[n] = '\0';
    CHECK_INT(captcha_check(id, answer, T_NOW + 1), 1);
}

TEST(captcha_wrong_answer_consumes)
{
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1], wrong[CAPTCHA_LEN + 1];
    set_peek(1);
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK(peek(id, T_NOW, code) != NULL);
    memcpy(wrong, code, sizeof wrong);
    wrong[0] = code[0] == 'A' ? 'B' : 'A';
    CHECK_INT(captcha_check(id, wrong, T_NOW + 1), 0);
    CHECK_INT(captcha_check(id, code, T_NOW + 2), 0);            /* gone */

    /* Too long / too short answers also consume. */
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK(peek(id, T_NOW, code) != NULL);
    char longer[CAPTCHA_LEN + 2];
    snprintf(longer, sizeof longer, "%sA", code);
    CHECK_INT(captcha_check(id, longer, T_NOW + 1), 0);
    CHECK_INT(captcha_check(id, code, T_NOW + 1), 0);
}

TEST(captcha_expires)
{
    char a[CAPTCHA_ID_SIZE], b[CAPTCHA_ID_SIZE], ca[CAPTCHA_LEN + 1], cb[CAPTCHA_LEN + 1];
    set_peek(1);
    CHECK_INT(captcha_new(a, "n", 1, T_NOW), 0);
    CHECK_INT(captcha_new(b, "n", 1, T_NOW), 0);
    CHECK(peek(a, T_NOW, ca) != NULL);
    CHECK(peek(b, T_NOW, cb) != NULL);
    CHECK_INT(captcha_check(a, ca, T_NOW + CAPTCHA_TTL - 1), 1);   /* just in time */
    CHECK_INT(captcha_check(b, cb, T_NOW + CAPTCHA_TTL), 0);       /* 5 minutes: expired */
    CHECK_INT(captcha_check(b, cb, T_NOW), 0);                     /* and removed */

    /* Expired codes neither render nor read out. */
    Buf out;
    buf_init(&out, NULL);
    CHECK_INT(captcha_new(a, "n", 1, T_NOW), 0);
    CHECK_INT(captcha_png(a, T_NOW + CAPTCHA_TTL + 1, &out), -1);
    CHECK_INT(captcha_text_challenge(a, T_NOW, &out), -1);        /* removed by the failed render */
    CHECK_INT(out.len, 0);
    buf_free(&out);
}

TEST(captcha_peek_only_in_test_mode)
{
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    set_peek(0);
    CHECK_INT(captcha_peek(id, T_NOW, code), -1);
    set_peek(1);
    CHECK_INT(captcha_peek(id, T_NOW, code), 0);
    set_peek(0);
}

TEST(captcha_test_mode_gate_loopback_only)
{
    CHECK_INT(captcha_test_mode_allowed("127.0.0.1"), 1);
    CHECK_INT(captcha_test_mode_allowed("127.45.6.7"), 1);
    CHECK_INT(captcha_test_mode_allowed("::1"), 1);
    CHECK_INT(captcha_test_mode_allowed("[::1]"), 1);
    CHECK_INT(captcha_test_mode_allowed("0.0.0.0"), 0);
    CHECK_INT(captcha_test_mode_allowed("::"), 0);
    CHECK_INT(captcha_test_mode_allowed(""), 0);
    CHECK_INT(captcha_test_mode_allowed(NULL), 0);
    CHECK_INT(captcha_test_mode_allowed("localhost"), 0);
    CHECK_INT(captcha_test_mode_allowed("128.0.0.1"), 0);
    CHECK_INT(captcha_test_mode_allowed("192.168.1.10"), 0);
    CHECK_INT(captcha_test_mode_allowed("10.127.0.1"), 0);
    CHECK_INT(captcha_test_mode_allowed("::2"), 0);
    CHECK_INT(captcha_test_mode_allowed("2001:db8::1"), 0);
    CHECK_INT(captcha_test_mode_allowed("127.0.0.1.evil.example"), 0);
}

TEST(captcha_png_renders_and_decodes)
{
    char id[CAPTCHA_ID_SIZE], id2[CAPTCHA_ID_SIZE];
    Buf a, b, c;
    buf_init(&a, NULL);
    buf_init(&b, NULL);
    buf_init(&c, NULL);
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK_INT(captcha_new(id2, "n", 1, T_NOW), 0);
    CHECK_INT(captcha_png(id, T_NOW, &a), 0);
    CHECK(a.len > 200);
    CHECK(a.len >= 8 && memcmp(a.data, "\x89PNG\r\n\x1a\n", 8) == 0);
    gdImagePtr im = gdImageCreateFromPngPtr((int)a.len, a.data);
    CHECK(im != NULL);
    if (im) {
        CHECK_INT(gdImageSX(im), CAPTCHA_WIDTH);
        CHECK_INT(gdImageSY(im), CAPTCHA_HEIGHT);
        /* The glyphs are dark on a light background: there must be a fair
         * number of dark pixels, and most of the picture stays light. */
        int dark = 0, light = 0;
        for (int y = 0; y < gdImageSY(im); y++) {
            for (int x = 0; x < gdImageSX(im); x++) {
                int p = gdImageGetTrueColorPixel(im, x, y);
                int lum = (gdTrueColorGetRed(p) + gdTrueColorGetGreen(p) + gdTrueColorGetBlue(p)) / 3;
                if (lum < 110) dark++;
                if (lum > 200) light++;
            }
        }
        CHECK(dark > 300);
        CHECK(light > CAPTCHA_WIDTH * CAPTCHA_HEIGHT / 2);
        gdImageDestroy(im);
    }
    /* Same id, same picture; another id, another picture.  Rendering does
     * not consume the code. */
    CHECK_INT(captcha_png(id, T_NOW + 5, &b), 0);
    CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
    CHECK_INT(captcha_png(id2, T_NOW, &c), 0);
    CHECK(!(a.len == c.len && memcmp(a.data, c.data, a.len) == 0));
    set_peek(1);
    char code[CAPTCHA_LEN + 1];
    CHECK(peek(id, T_NOW, code) != NULL);
    CHECK_INT(captcha_check(id, code, T_NOW + 6), 1);
    buf_reset(&a);
    CHECK_INT(captcha_png(id, T_NOW, &a), -1);                   /* consumed */
    CHECK_INT(captcha_png("00112233445566778899aabbccddeeff", T_NOW, &a), -1);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
}

TEST(captcha_text_challenge_spells_the_code)
{
    static const char *const words[10] = {
        "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"
    };
    char id[CAPTCHA_ID_SIZE], code[CAPTCHA_LEN + 1];
    Buf out, want;
    buf_init(&out, NULL);
    buf_init(&want, NULL);
    set_peek(1);
    CHECK_INT(captcha_new(id, "n", 1, T_NOW), 0);
    CHECK(peek(id, T_NOW, code) != NULL);
    CHECK_INT(captcha_text_challenge(id, T_NOW, &out), 0);
    buf_puts(&want, "Các ký tự: ");
    for (int i = 0; i < CAPTCHA_LEN; i++) {
        if (i) buf_puts(&want, ", ");
        if (code[i] >= '0' && code[i] <= '9') buf_puts(&want, words[code[i] - '0']);
        else buf_putc(&want, code[i]);
    }
    buf_putc(&want, '.');
    CHECK_CONTAINS(buf_str(&out), buf_str(&want));
    CHECK(vn_utf8_valid(out.data, out.len));
    /* The spoken form answers the same check. */
    CHECK_INT(captcha_check(id, code, T_NOW + 1), 1);
    buf_free(&out);
    buf_free(&want);
}

TEST(captcha_table_evicts_oldest)
{
    char first[CAPTCHA_ID_SIZE], second[CAPTCHA_ID_SIZE], id[CAPTCHA_ID_SIZE];
    char code[CAPTCHA_LEN + 1];
    set_peek(1);
    captcha_reset();
    /* One code per network: all equally heavy, so the oldest goes. */
    CHECK_INT(captcha_new(first, "first", 5, T_NOW), 0);
    CHECK_INT(captcha_new(second, "second", 6, T_NOW), 0);
    for (int i = 0; i < CAPTCHA_CAPACITY - 1; i++) {
        char net[16];
        int n = snprintf(net, sizeof net, "net%d", i);
        CHECK_INT(captcha_new(id, net, (size_t)n, T_NOW), 0);
    }
    CHECK(peek(first, T_NOW, code) == NULL);                     /* evicted */
    CHECK(peek(second, T_NOW, code) != NULL);
    CHECK(peek(id, T_NOW, code) != NULL);
    CHECK(peek(second, T_NOW, code) != NULL);
    CHECK_INT(captcha_check(second, code, T_NOW), 1);
    CHECK(peek(id, T_NOW, code) != NULL);
    CHECK_INT(captcha_check(id, code, T_NOW), 1);
    captcha_reset();
}

/* ---------------- visitor ---------------- */

TEST(visitor_cookie_roundtrip_and_tampering)
{
    char c[VISITOR_COOKIE_SIZE], c2[VISITOR_COOKIE_SIZE];
    uint8_t id[VISITOR_ID_BYTES], got[VISITOR_ID_BYTES];
    visitor_reset();
    CHECK_INT(visitor_cookie_new(c, id), -1);                    /* no key yet */
    CHECK_INT(visitor_init(db), 0);
    CHECK_INT(db_int(db, 0, "SELECT length(value) FROM settings WHERE key = 'cookie_secret'", NULL), 64);

    CHECK_INT(visitor_cookie_new(c, id), 0);
    CHECK_INT(strlen(c), VISITOR_COOKIE_SIZE - 1);
    CHECK_INT(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              VISITOR_COOKIE_SIZE - 1);
    CHECK_INT(visitor_cookie_verify(c, got), 0);
    CHECK(memcmp(id, got, sizeof id) == 0);
    CHECK_INT(visitor_cookie_new(c2, NULL), 0);
    CHECK(strcmp(c, c2) != 0);

    /* Any changed character is rejected. */
    int rejected = 0;
    for (size_t i = 0; i < strlen(c); i++) {
        char t[VISITOR_COOKIE_SIZE];
        memcpy(t, c, sizeof t);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        if (visitor_cookie_verify(t, got) == -1) rejected++;
    }
    CHECK_INT(rejected, (int)strlen(c));
    char shorter[VISITOR_COOKIE_SIZE];
    memcpy(shorter, c, sizeof shorter);
    shorter[VISITOR_COOKIE_SIZE - 2] = '\0';
    CHECK_INT(visitor_cookie_verify(shorter, got), -1);
    char longer[VISITOR_COOKIE_SIZE + 4];
    snprintf(longer, sizeof longer, "%sAAAA", c);
    CHECK_INT(visitor_cookie_verify(longer, got), -1);
    CHECK_INT(visitor_cookie_verify(NULL, got), -1);
    CHECK_INT(visitor_cookie_verify("", got), -1);

    /* A restart reads the same secret: old cookies stay valid. */
    visitor_reset();
    CHECK_INT(visitor_cookie_verify(c, got), -1);
    CHECK_INT(visitor_init(db), 0);
    CHECK_INT(visitor_cookie_verify(c, got), 0);

    /* Another server's secret does not accept our cookies. */
    db_exec(db, "UPDATE settings SET value = ?1 WHERE key = 'cookie_secret'", "t",
            "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
    visitor_reset();
    CHECK_INT(visitor_init(db), 0);
    CHECK_INT(visitor_cookie_verify(c, got), -1);

    /* A damaged secret is an error, not a silent new key. */
    db_exec(db, "UPDATE settings SET value = 'xyz' WHERE key = 'cookie_secret'", NULL);
    visitor_reset();
    CHECK_INT(visitor_init(db), -1);
    db_exec(db, "DELETE FROM settings WHERE key = 'cookie_secret'", NULL);
    CHECK_INT(visitor_init(db), 0);
}

TEST(visitor_day_hash_stable_within_a_day_not_across)
{
    uint8_t a[32], b[32], c[32], d[32], e[32];
    visitor_reset();
    const char *ua = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0";
    CHECK_INT(vn_day_number(D0), vn_day_number(D0 + 86399));
    CHECK(vn_day_number(D0 + 86400) != vn_day_number(D0));
    CHECK_INT(visitor_day_hash("203.0.113.9", ua, D0 + 5, a), 0);
    CHECK_INT(visitor_day_hash("203.0.113.9", ua, D0 + 86399, b), 0);
    CHECK(memcmp(a, b, 32) == 0);
    CHECK_INT(visitor_day_hash("203.0.113.10", ua, D0 + 100, c), 0);
    CHECK(memcmp(a, c, 32) != 0);
    CHECK_INT(visitor_day_hash("203.0.113.9", "Other/1.0", D0 + 100, c), 0);
    CHECK(memcmp(a, c, 32) != 0);
    CHECK_INT(visitor_day_hash("203.0.113.9", NULL, D0 + 100, c), 0);
    CHECK_INT(visitor_day_hash("203.0.113.9", "", D0 + 100, e), 0);
    CHECK(memcmp(c, e, 32) == 0);
    CHECK_INT(visitor_day_hash(NULL, ua, D0, c), -1);
    /* Midnight UTC+7: a new secret. */
    CHECK_INT(visitor_day_hash("203.0.113.9", ua, D0 + 86400, d), 0);
    CHECK(memcmp(a, d, 32) != 0);
    CHECK_INT(visitor_day_hash("203.0.113.9", ua, D0 + 86400 + 3600, e), 0);
    CHECK(memcmp(d, e, 32) == 0);
    /* A fresh process has another secret for the same day. */
    visitor_reset();
    CHECK_INT(visitor_day_hash("203.0.113.9", ua, D0 + 86400 + 3600, e), 0);
    CHECK(memcmp(d, e, 32) != 0);
}

TEST(visitor_net_hash_groups_networks)
{
    uint8_t a[32], b[32];
    visitor_reset();
    int64_t t = D0 + 50000;
    CHECK_INT(visitor_net_hash("203.0.113.5", t, a), 0);
    CHECK_INT(visitor_net_hash("203.0.113.250", t, b), 0);
    CHECK(memcmp(a, b, 32) == 0);
    CHECK_INT(visitor_net_hash("::ffff:203.0.113.7", t, b), 0);
    CHECK(memcmp(a, b, 32) == 0);
    CHECK_INT(visitor_net_hash("203.0.114.5", t, b), 0);
    CHECK(memcmp(a, b, 32) != 0);
    CHECK_INT(visitor_net_hash("2001:db8:1:2::1", t, a), 0);
    CHECK_INT(visitor_net_hash("2001:db8:1:ffff:1:2:3:4", t, b), 0);
    CHECK(memcmp(a, b, 32) == 0);
    CHECK_INT(visitor_net_hash("2001:db8:2::1", t, b), 0);
    CHECK(memcmp(a, b, 32) != 0);
    CHECK_INT(visitor_net_hash("not an address", t, b), -1);
    CHECK_INT(visitor_net_hash(NULL, t, b), -1);
    /* Next day: unlinkable. */
    CHECK_INT(visitor_net_hash("2001:db8:1:2::1", t + 86400, b), 0);
    CHECK(memcmp(a, b, 32) != 0);
}

/* ---------------- stats ---------------- */

/* What the server does per page view. */
static void count_view(const char *ip, const char *ua, int64_t article, int64_t now)
{
    uint8_t h[32];
    if (stats_is_bot(ua))
        return;
    if (visitor_day_hash(ip, ua, now, h) == 0)
        stats_hit(h, article, now);
}

static int64_t day_views(int64_t t)
{
    return db_int(db, -1, "SELECT views FROM stats_daily WHERE day = ?1", "i", vn_day_number(t));
}

static int64_t day_visitors(int64_t t)
{
    return db_int(db, -1, "SELECT visitors FROM stats_daily WHERE day = ?1", "i", vn_day_number(t));
}

static void ip_of(char *out, size_t n, int i)
{
    snprintf(out, n, "198.18.%d.%d", i / 250, i % 250 + 1);
}

TEST(stats_bots)
{
    CHECK_INT(stats_is_bot("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"), 1);
    CHECK_INT(stats_is_bot("Mozilla/5.0 (compatible; bingbot/2.0)"), 1);
    CHECK_INT(stats_is_bot("Mozilla/5.0 (compatible; Yahoo! Slurp)"), 1);
    CHECK_INT(stats_is_bot("Baiduspider"), 1);
    CHECK_INT(stats_is_bot("coccoccrawler"), 1);
    CHECK_INT(stats_is_bot("Wget/1.21.3"), 1);
    CHECK_INT(stats_is_bot("python-requests/2.31"), 1);
    CHECK_INT(stats_is_bot("Go-http-client/1.1"), 1);
    CHECK_INT(stats_is_bot(""), 1);
    CHECK_INT(stats_is_bot(NULL), 1);
    CHECK_INT(stats_is_bot("curl/7.88.1"), 0);
    CHECK_INT(stats_is_bot("hoidong-tests/1.0"), 0);
    CHECK_INT(stats_is_bot("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                           "HeadlessChrome/120.0.0.0 Safari/537.36"), 0);
    CHECK_INT(stats_is_bot("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"), 0);
    CHECK_INT(stats_is_bot("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                           "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"), 0);

    /* Bot traffic leaves the counts alone. */
    stats_reset();
    visitor_reset();
    int64_t t = D0 + 40000;
    count_view("198.18.0.1", "Googlebot/2.1", 7, t);
    count_view("198.18.0.2", "Wget/1.21", 0, t);
    count_view("198.18.0.3", "", 0, t);
    CHECK_INT(stats_online(t), 0);
    CHECK_INT(stats_today_visitors(t), 0);
    count_view("198.18.0.4", "hoidong-tests/1.0", 7, t);
    CHECK_INT(stats_online(t), 1);
    CHECK_INT(stats_today_visitors(t), 1);
    stats_reset();
}

TEST(stats_exact_counts_and_flush)
{
    stats_reset();
    visitor_reset();
    db_exec(db, "DELETE FROM stats_daily", NULL);
    db_exec(db, "DELETE FROM stats_article_daily", NULL);
    db_exec(db, "DELETE FROM settings WHERE key = 'stats_base_total'", NULL);
    int64_t t = D0 + 30000;
    char ip[32];
    /* 500 visitors x 5 pages; pages 1..3 are articles 11..13, 4..5 are not. */
    for (int v = 0; v < 500; v++) {
        ip_of(ip, sizeof ip, v);
        for (int p = 1; p <= 5; p++)
            count_view(ip, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", p <= 3 ? 10 + p : 0,
                       t + v % 60);
    }
    CHECK_INT(stats_today_visitors(t + 60), 500);
    CHECK_INT(stats_online(t + 60), 500);
    CHECK_INT(stats_total(db), 2500);                 /* nothing flushed yet */
    CHECK_INT(stats_article_total(db, 11), 500);

    CHECK_INT(stats_flush(db, t + 60), 0);
    CHECK_INT(day_views(t), 2500);
    CHECK_INT(day_visitors(t), 500);
    CHECK_INT(db_int(db, -1, "SELECT SUM(views) FROM stats_article_daily", NULL), 1500);
    CHECK_INT(db_int(db, -1, "SELECT views FROM stats_article_daily WHERE day = ?1 AND article_id = 12",
                     "i", vn_day_number(t)), 500);
    CHECK_INT(stats_total(db), 2500);
    CHECK_INT(stats_article_total(db, 11), 500);

    /* A second flush with nothing new changes nothing. */
    CHECK_INT(stats_flush(db, t + 70), 0);
    CHECK_INT(day_views(t), 2500);
    CHECK_INT(day_visitors(t), 500);
    CHECK_INT(db_int(db, -1, "SELECT SUM(views) FROM stats_article_daily", NULL), 1500);
    CHECK_INT(stats_total(db), 2500);

    /* 5 returning and 5 new visitors: views add, visitors is the set size. */
    for (int v = 495; v < 505; v++) {
        ip_of(ip, sizeof ip, v);
        count_view(ip, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", 11, t + 100);
    }
    CHECK_INT(stats_total(db), 2510);
    CHECK_INT(stats_article_total(db, 11), 510);
    CHECK_INT(stats_flush(db, t + 110), 0);
    CHECK_INT(stats_flush(db, t + 120), 0);
    CHECK_INT(day_views(t), 2510);
    CHECK_INT(day_visitors(t), 505);
    CHECK_INT(stats_article_total(db, 11), 510);
    CHECK_INT(stats_total(db), 2510);

    /* The operator's starting offset. */
    db_exec(db, "INSERT INTO settings (key, value) VALUES ('stats_base_total', '4922512')", NULL);
    CHECK_INT(stats_total(db), 4922512 + 2510);
    db_exec(db, "UPDATE settings SET value = 'abc' WHERE key = 'stats_base_total'", NULL);
    CHECK_INT(stats_total(db), 2510);
    db_exec(db, "DELETE FROM settings WHERE key = 'stats_base_total'", NULL);

    /* A restart mid-day: the set starts empty; the stored count never goes down. */
    stats_reset();
    for (int v = 0; v < 10; v++) {
        ip_of(ip, sizeof ip, v);
        count_view(ip, "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", 0, t + 200);
    }
    CHECK_INT(stats_total(db), 2520);                 /* loads the stored sum */
    CHECK_INT(stats_flush(db, t + 210), 0);
    CHECK_INT(day_views(t), 2520);
    CHECK_INT(day_visitors(t), 505);
    CHECK_INT(stats_total(db), 2520);
    stats_reset();
}

TEST(stats_online_window)
{
    stats_reset();
    visitor_reset();
    int64_t now = D0 + 50000;
    char ip[32];
    for (int v = 0; v < 200; v++) {           /* idle for 6 minutes */
        ip_of(ip, sizeof ip, v);
        count_view(ip, "hoidong-tests/1.0", 0, now - 360);
    }
    for (int v = 200; v < 500; v++) {         /* active within 5 minutes */
        ip_of(ip, sizeof ip, v);
        count_view(ip, "hoidong-tests/1.0", 0, now - (v % 290));
    }
    CHECK_INT(stats_online(now), 300);
    CHECK_INT(stats_today_visitors(now), 500);
    /* One of the idle ones comes back. */
    ip_of(ip, sizeof ip, 3);
    count_view(ip, "hoidong-tests/1.0", 0, now);
    CHECK_INT(stats_online(now), 301);
    /* Seen 299 s ago: online now, not two seconds later. */
    ip_of(ip, sizeof ip, 700);
    count_view(ip, "hoidong-tests/1.0", 0, now - 299);
    CHECK_INT(stats_online(now), 302);
    CHECK_INT(stats_online(now + 2), 301);
    /* Ten minutes later everyone is gone but the day's count stays. */
    CHECK_INT(stats_online(now + 600), 0);
    CHECK_INT(stats_today_visitors(now + 600), 501);
    stats_reset();
}

TEST(stats_midnight_rollover)
{
    stats_reset();
    visitor_reset();
    db_exec(db, "DELETE FROM stats_daily", NULL);
    db_exec(db, "DELETE FROM stats_article_daily", NULL);
    int64_t day1 = D0 + 10 * 86400, day2 = day1 + 86400, day3 = day2 + 86400;
    char ip[32];
    for (int v = 0; v < 3; v++) {             /* 3 visitors, 2 pages each, just before midnight */
        ip_of(ip, sizeof ip, v);
        count_view(ip, "hoidong-tests/1.0", 5, day2 - 10);
        count_view(ip, "hoidong-tests/1.0", 0, day2 - 5);
    }
    for (int v = 1; v < 3; v++) {             /* 2 of them after midnight */
        ip_of(ip, sizeof ip, v);
        count_view(ip, "hoidong-tests/1.0", 5, day2 + 10);
    }
    /* A request that began before midnight but counts after the roll. */
    ip_of(ip, sizeof ip, 1);
    count_view(ip, "hoidong-tests/1.0", 0, day2 - 1);
    CHECK_INT(stats_today_visitors(day2 + 20), 2);
    CHECK_INT(stats_flush(db, day2 + 20), 0);
    CHECK_INT(day_views(day1), 6);
    CHECK_INT(day_visitors(day1), 3);
    CHECK_INT(day_views(day2), 3);
    CHECK_INT(day_visitors(day2), 2);
    CHECK_INT(db_int(db, -1, "SELECT views FROM stats_article_daily WHERE day = ?1 AND article_id = 5",
                     "i", vn_day_number(day1)), 3);
    CHECK_INT(db_int(db, -1, "SELECT views FROM stats_article_daily WHERE day = ?1 AND article_id = 5",
                     "i", vn_day_number(day2)), 2);

    /* No hit after midnight: the flush itself closes the day. */
    ip_of(ip, sizeof ip, 9);
    count_view(ip, "hoidong-tests/1.0", 0, day3 - 100);
    CHECK_INT(stats_flush(db, day3 + 5), 0);
    CHECK_INT(day_views(day2), 4);
    CHECK_INT(day_visitors(day2), 3);
    CHECK_INT(day_views(day3), -1);           /* no row for a day without views */
    CHECK_INT(stats_today_visitors(day3 + 5), 0);
    CHECK_INT(stats_total(db), 10);
    stats_reset();
}

/* Four threads hit concurrently (each its own 250 visitors x 4 pages plus
 * the same 50 shared visitors) while a fifth flushes on its own
 * connection and reads the total, as the server's flush thread would. */
typedef struct HitArg { int thread; int64_t now; } HitArg;
static volatile int hitters_done;
static int64_t flusher_bad;

static void *hitter(void *p)
{
    HitArg *a = p;
    char ip[48];
    for (int v = 0; v < 250; v++) {
        snprintf(ip, sizeof ip, "2001:db8:%d::%d", a->thread + 1, v + 1);
        for (int k = 0; k < 4; k++)
            count_view(ip, "Mozilla/5.0 Thread", 20 + k, a->now);
    }
    for (int v = 0; v < 50; v++) {
        snprintf(ip, sizeof ip, "2001:db8:ff::%d", v + 1);
        count_view(ip, "Mozilla/5.0 Thread", 0, a->now);
    }
    return NULL;
}

static void *flusher(void *p)
{
    int64_t now = *(int64_t *)p, last = 0;
    char err[256];
    Db *own = db_open(t_db(dbpath), 0, err, sizeof err);
    if (!own) { flusher_bad = 1; return NULL; }
    while (!__atomic_load_n(&hitters_done, __ATOMIC_SEQ_CST)) {
        if (stats_flush(own, now) != 0) flusher_bad = 1;
        int64_t total = stats_total(own);
        if (total < last) flusher_bad = 1;    /* never goes backwards mid-flush */
        last = total;
        usleep(200);
    }
    db_close(own);
    return NULL;
}

TEST(stats_threads_exact)
{
    stats_reset();
    visitor_reset();
    db_exec(db, "DELETE FROM stats_daily", NULL);
    db_exec(db, "DELETE FROM stats_article_daily", NULL);
    int64_t now = D0 + 60000;
    pthread_t th[4], fl;
    HitArg args[4];
    hitters_done = 0;
    flusher_bad = 0;
    pthread_create(&fl, NULL, flusher, &now);
    for (int i = 0; i < 4; i++) {
        args[i] = (HitArg){ i, now };
        pthread_create(&th[i], NULL, hitter, &args[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    __atomic_store_n(&hitters_done, 1, __ATOMIC_SEQ_CST);
    pthread_join(fl, NULL);
    CHECK_INT(flusher_bad, 0);
    CHECK_INT(stats_today_visitors(now), 4 * 250 + 50);
    CHECK_INT(stats_online(now), 4 * 250 + 50);
    CHECK_INT(stats_total(db), 4 * (250 * 4 + 50));
    CHECK_INT(stats_flush(db, now + 1), 0);
    CHECK_INT(day_views(now), 4 * (250 * 4 + 50));
    CHECK_INT(day_visitors(now), 4 * 250 + 50);
    CHECK_INT(db_int(db, -1, "SELECT SUM(views) FROM stats_article_daily", NULL), 4 * 250 * 4);
    CHECK_INT(db_int(db, -1, "SELECT views FROM stats_article_daily WHERE article_id = 23", NULL), 1000);
    stats_reset();
}

/* After all of the above, the database and its WAL hold no address, user
 * agent or visitor hash.  A canary value written on purpose proves the
 * scan reads the data. */
static int file_contains(const char *path, const void *needle, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    Buf b;
    buf_init(&b, NULL);
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, got);
    fclose(f);
    int found = b.len >= n && memmem(b.data, b.len, needle, n) != NULL;
    buf_free(&b);
    return found;
}

static int db_files_contain(const void *needle, size_t n)
{
    if (t_pg()) {
        /* PostgreSQL's files belong to the server: scan every row of every
         * table of the test's schema as text instead (live rows only). */
        char text[256];
        snprintf(text, sizeof text, "%.*s", (int)n, (const char *)needle);
        return db_int(db, 0, "SELECT count(*) FROM information_schema.tables t WHERE t.table_schema = current_schema()"
                             " AND strpos(query_to_xml(format('SELECT * FROM %I', t.table_name), true, false, '')::text,"
                             " ?1) > 0", "t", text) > 0;
    }
    char wal[320];
    snprintf(wal, sizeof wal, "%s-wal", dbpath);
    return file_contains(dbpath, needle, n) || file_contains(wal, needle, n);
}

TEST(privacy_nothing_personal_on_disk)
{
    static const char *const ips[] = { "192.0.2.177", "2001:db8:77:1::beef", NULL };
    static const char *const uas[] = { "PrivacyProbe/9.9 (unique-ua-marker-4711)",
                                       "Mozilla/5.0 ProbeBrowser-marker-0815", NULL };
    uint8_t h[32];
    stats_reset();
    visitor_reset();
    CHECK_INT(visitor_init(db), 0);
    int64_t now = D0 + 70000;
    for (int i = 0; ips[i]; i++)
        for (int k = 0; uas[k]; k++)
            count_view(ips[i], uas[k], 42, now);
    CHECK_INT(stats_today_visitors(now), 4);
    CHECK_INT(stats_flush(db, now), 0);
    db_exec(db, "INSERT INTO settings (key, value) VALUES ('privacy_canary', 'canary-7f3a9e')", NULL);
    CHECK_INT(db_files_contain("canary-7f3a9e", strlen("canary-7f3a9e")), 1);

    for (int i = 0; ips[i]; i++)
        CHECK_INT(db_files_contain(ips[i], strlen(ips[i])), 0);
    for (int k = 0; uas[k]; k++)
        CHECK_INT(db_files_contain(uas[k], strlen(uas[k])), 0);
    CHECK_INT(db_files_contain("unique-ua-marker", strlen("unique-ua-marker")), 0);
    CHECK_INT(visitor_day_hash(ips[0], uas[0], now, h), 0);
    CHECK_INT(db_files_contain(h, 16), 0);
    stats_reset();
}

int main(void)
{
    t_prog = "unit_engage";
    log_quiet = 1;
    setup();
    RUN(captcha_codes_use_the_unambiguous_alphabet);
    RUN(captcha_single_use);
    RUN(captcha_case_and_spaces_ignored);
    RUN(captcha_wrong_answer_consumes);
    RUN(captcha_expires);
    RUN(captcha_peek_only_in_test_mode);
    RUN(captcha_test_mode_gate_loopback_only);
    RUN(captcha_png_renders_and_decodes);
    RUN(captcha_text_challenge_spells_the_code);
    RUN(captcha_table_evicts_oldest);
    RUN(visitor_cookie_roundtrip_and_tampering);
    RUN(visitor_day_hash_stable_within_a_day_not_across);
    RUN(visitor_net_hash_groups_networks);
    RUN(stats_bots);
    RUN(stats_exact_counts_and_flush);
    RUN(stats_online_window);
    RUN(stats_midnight_rollover);
    RUN(stats_threads_exact);
    RUN(privacy_nothing_personal_on_disk);
    captcha_reset();
    visitor_reset();
    stats_reset();
    teardown();
    return t_done();
}
