/* fuzz_vn.c - Vietnamese text functions (src/vn.h).  The first input byte
 * selects the function, the rest is its input.  Oracles:
 *  0 vn_utf8_valid agrees with an independent decoder written from
 *    Unicode's table of well-formed byte sequences (Table 3-7);
 *  1 vn_clean returns valid NFC text without controls or edge spaces;
 *  2 vn_fold returns valid UTF-8 and lower-cases ASCII exactly;
 *  3 vn_slug returns [a-z0-9]+ runs joined by single '-', within maxlen;
 *  4 vn_parse_datetime: what it accepts formats back (vn_datetime) to text
 *    it parses to the same minute;
 *  5 vn_nfc is idempotent, vn_lower_a returns valid UTF-8;
 *  6 numbers and dates on any 64-bit value: vn_int parses back, the day
 *    functions agree with each other, formats never overflow. */
#include <math.h>
#include "fuzz.h"
#include "vn.h"

/* Unicode 15, Table 3-7: 1 when s[0..n) is well-formed UTF-8; NUL is
 * refused too, as vn_utf8_valid documents. */
static int ref_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0) return 0;
        if (c < 0x80) { i++; continue; }
        unsigned char lo = 0x80, hi = 0xBF;
        size_t len;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (i + len > n) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (size_t k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += len;
    }
    return 1;
}

static void t_valid(const uint8_t *d, size_t n)
{
    int got = vn_utf8_valid((const char *)d, n), want = ref_valid(d, n);
    FUZZ_CHECK(got == want, "vn_utf8_valid %d, reference %d", got, want);
}

static void t_clean(Arena *a, const char *s)
{
    char *c = vn_clean(a, s);
    int valid = vn_utf8_valid(s, strlen(s));
    FUZZ_CHECK((c != NULL) == valid, "vn_clean NULL-ness vs validity");
    if (!c) return;
    size_t n = strlen(c);
    FUZZ_CHECK(vn_utf8_valid(c, n), "vn_clean output invalid");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)c[i];
        FUZZ_CHECK(ch >= 0x20 || ch == '\n' || ch == '\t', "control 0x%02x kept", ch);
        FUZZ_CHECK(ch != 0x7F, "DEL kept");
    }
    if (n) {
        FUZZ_CHECK(c[0] != ' ' && c[0] != '\n' && c[0] != '\t', "leading space");
        FUZZ_CHECK(c[n - 1] != ' ' && c[n - 1] != '\n' && c[n - 1] != '\t', "trailing space");
    }
    char *again = vn_nfc(a, c);
    FUZZ_CHECK(again && !strcmp(again, c), "vn_clean output not NFC");
}

static void t_fold(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, a);
    vn_fold(&b, s);
    const char *o = buf_str(&b);
    FUZZ_CHECK(strlen(o) == b.len && vn_utf8_valid(o, b.len), "vn_fold output invalid UTF-8");
    int ascii = 1;
    for (const char *p = s; *p; p++) if ((unsigned char)*p >= 0x80) ascii = 0;
    if (ascii) {
        FUZZ_CHECK(b.len == strlen(s), "ASCII fold changed length");
        for (size_t i = 0; i < b.len; i++) {
            char c = s[i];
            FUZZ_CHECK(o[i] == (c >= 'A' && c <= 'Z' ? c + 32 : c), "ASCII fold at %zu", i);
        }
    }
    char *f2 = vn_fold_a(a, s);
    FUZZ_CHECK(!strcmp(f2, o), "vn_fold_a differs from vn_fold");
}

static void t_slug(Arena *a, const char *s, size_t maxlen)
{
    char *g = vn_slug(a, s, maxlen);
    size_t n = strlen(g);
    FUZZ_CHECK(n > 0, "empty slug");
    if (strcmp(g, "bai-viet") != 0 && maxlen)
        FUZZ_CHECK(n <= maxlen, "slug %zu > maxlen %zu", n, maxlen);
    FUZZ_CHECK(g[0] != '-' && g[n - 1] != '-', "slug edge '-': %s", g);
    for (size_t i = 0; i < n; i++) {
        char c = g[i];
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-', "slug char 0x%02x", (unsigned char)c);
        FUZZ_CHECK(!(c == '-' && g[i + 1] == '-'), "slug '--': %s", g);
    }
}

static void t_date(Arena *a, const char *s)
{
    int64_t t;
    if (vn_parse_datetime(s, &t) != 0) return;
    Buf b;
    buf_init(&b, a);
    vn_datetime(&b, t);
    int64_t t2;
    FUZZ_CHECK(vn_parse_datetime(buf_str(&b), &t2) == 0, "cannot parse own output %s", buf_str(&b));
    FUZZ_CHECK(t2 == t - (((t % 60) + 60) % 60), "round trip %lld -> %s -> %lld", (long long)t,
               buf_str(&b), (long long)t2);
}

static void t_nfc(Arena *a, const char *s)
{
    char *n1 = vn_nfc(a, s);
    FUZZ_CHECK((n1 != NULL) == vn_utf8_valid(s, strlen(s)), "vn_nfc NULL-ness");
    if (n1) {
        char *n2 = vn_nfc(a, n1);
        FUZZ_CHECK(n2 && !strcmp(n1, n2), "NFC not idempotent");
        FUZZ_CHECK(vn_char_count(n1) <= strlen(n1), "char count");
    }
    char *l = vn_lower_a(a, s);
    FUZZ_CHECK(l && vn_utf8_valid(l, strlen(l)), "vn_lower_a output invalid");
}

static void t_numbers(Arena *a, const uint8_t *d, size_t n)
{
    uint8_t raw[8] = {0};
    memcpy(raw, d, n < 8 ? n : 8);
    int64_t v;
    memcpy(&v, raw, 8);
    Buf b;
    buf_init(&b, a);
    vn_int(&b, v);
    /* digits without the dots read back as v */
    char digits[32];
    size_t k = 0;
    for (const char *p = buf_str(&b); *p && k < sizeof digits - 1; p++)
        if (*p != '.') digits[k++] = *p;
    digits[k] = 0;
    FUZZ_CHECK(strtoll(digits, NULL, 10) == v || (v == INT64_MIN), "vn_int %lld -> %s", (long long)v, buf_str(&b));
    buf_reset(&b);
    vn_date(&b, v);
    vn_datetime(&b, v);
    vn_weekday_date(&b, v);
    vn_iso8601(&b, v);
    int64_t ds = vn_day_start(v);
    if (v > -((int64_t)1 << 54) && v < ((int64_t)1 << 54))   /* beyond, times are clamped */
        FUZZ_CHECK(ds <= v && v - ds < 86400, "day start %lld of %lld", (long long)ds, (long long)v);
    (void)vn_day_number(v);
    double x;
    memcpy(&x, raw, 8);
    vn_decimal(&b, x, (int)(n > 8 ? d[8] % 12 : 2) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    Arena *a = arena_new();
    char *s = fuzz_str(d, n);
    switch (sel % 7) {
    case 0: t_valid(d, n); break;
    case 1: t_clean(a, s); break;
    case 2: t_fold(a, s); break;
    case 3: t_slug(a, s, (size_t)(sel / 7)); break;   /* maxlen 0..36 */
    case 4: t_date(a, s); break;
    case 5: t_nfc(a, s); break;
    case 6: t_numbers(a, d, n); break;
    }
    free(s);
    arena_free(a);
    return 0;
}
