/* vn.c - Vietnamese text: UTF-8 validation, NFC, folding, slugs, number
 * and date formats (see vn.h).
 *
 * Unicode work is delegated to utf8proc.  Folding sits on the search
 * indexing path, so it has an ASCII fast path and a lazily built table for
 * the Latin blocks (U+0000-U+1FFF, which covers every Vietnamese letter);
 * only rarer code points go through utf8proc per character.
 *
 * Dates never touch localtime()/TZ: Vietnam has been UTC+7 all year since
 * 1975, so local time is unix time + 7 h and calendar fields come from
 * Howard Hinnant's days-from-civil algorithms.  That keeps the code
 * thread-safe and independent of the server's time zone setting. */
#include "vn.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define VN_OFFSET (7 * 3600)

/* ---------------------------------------------------------------- UTF-8 */

/* Decode one strict UTF-8 sequence from p (at most n bytes available).
 * Returns the length and sets *cp, or 0 when the bytes are not a valid,
 * shortest-form encoding of a scalar value. */
static size_t u8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                     ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        if (v < 0x10000 || v > 0x10FFFF)
            return 0;
        *cp = v;
        return 4;
    }
    return 0;
}

static void u8_put(Buf *b, uint32_t cp)
{
    char e[4];
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        e[0] = (char)(0xC0 | (cp >> 6));
        e[1] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, e, 2);
    } else if (cp < 0x10000) {
        e[0] = (char)(0xE0 | (cp >> 12));
        e[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[2] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, e, 3);
    } else {
        e[0] = (char)(0xF0 | (cp >> 18));
        e[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        e[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        e[3] = (char)(0x80 | (cp & 0x3F));
        buf_append(b, e, 4);
    }
}

/* 1 when s[0..n) is valid UTF-8 without NUL bytes, overlong forms,
 * surrogates or code points above U+10FFFF; 0 otherwise. */
int vn_utf8_valid(const char *s, size_t n)
{
    if (!s)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] >= 0x01 && p[i] < 0x80) {
            i++;
            continue;
        }
        if (p[i] == 0)
            return 0;
        uint32_t cp;
        size_t k = u8_decode(p + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

static int is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* NFC of a valid NUL-terminated string, copied into the arena.  ASCII is
 * already NFC; everything else goes through utf8proc. */
static char *nfc_valid(Arena *a, const char *s, size_t n)
{
    if (is_ascii(s, n))
        return arena_strndup(a, s, n);
    utf8proc_uint8_t *m = utf8proc_NFC((const utf8proc_uint8_t *)s);
    if (!m) {
        fprintf(stderr, "hoidong: out of memory (utf8proc)\n");
        abort();
    }
    char *r = arena_strdup(a, (const char *)m);
    free(m);
    return r;
}

/* NFC-normalise s into the arena; NULL if s is NULL or not valid UTF-8. */
char *vn_nfc(Arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (!vn_utf8_valid(s, n))
        return NULL;
    return nfc_valid(a, s, n);
}

/* Whitespace trimmed by vn_clean: ASCII space/tab/LF, NBSP, BOM/ZWNBSP,
 * ideographic space. Returns its byte length at p, or 0. */
static size_t space_len(const unsigned char *p, size_t n)
{
    if (n >= 1 && (p[0] == ' ' || p[0] == '\t' || p[0] == '\n'))
        return 1;
    if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3;
    if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    return 0;
}

/* Clean user text (see vn.h).  Returns an arena string, NULL when s is
 * NULL or not valid UTF-8.  Also removes DEL and C1 controls, which never
 * belong in text typed by a person. */
char *vn_clean(Arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    if (!vn_utf8_valid(s, n))
        return NULL;
    Buf b;
    buf_init(&b, a);
    buf_grow(&b, n);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\r') {
            if (p[i + 1] == '\n')
                continue; /* CR LF -> LF */
            continue;     /* stray CR: a control like the others */
        }
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
            continue;
        if (c == 0xC2 && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            i++; /* C1 control U+0080..U+009F */
            continue;
        }
        buf_putc(&b, (char)c);
    }
    /* trim */
    const unsigned char *d = (const unsigned char *)buf_str(&b);
    size_t len = b.len, start = 0, k;
    while (start < len && (k = space_len(d + start, len - start)) > 0)
        start += k;
    size_t end = len;
    for (;;) {
        if (end > start && (d[end - 1] == ' ' || d[end - 1] == '\t' || d[end - 1] == '\n')) {
            end--;
        } else if (end >= start + 2 && d[end - 2] == 0xC2 && d[end - 1] == 0xA0) {
            end -= 2;
        } else if (end >= start + 3 && space_len(d + end - 3, 3) == 3) {
            end -= 3;
        } else {
            break;
        }
    }
    char *t = arena_strndup(a, (const char *)d + start, end - start);
    return nfc_valid(a, t, end - start);
}

/* Number of code points (continuation bytes are not counted). */
size_t vn_char_count(const char *s)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* ------------------------------------------------------------- folding */

#define FOLD_TAB 0x2000
#define FOLD_SLOW 0xFFFFu /* no single-code-point result: use utf8proc */
static uint16_t fold_tab[FOLD_TAB];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

/* Fold one code point with utf8proc into dst (capacity cap); returns the
 * count.  Marks vanish (STRIPMARK), letters lose their diacritics
 * (DECOMPOSE) and case (CASEFOLD); đ/Đ (which have no decomposition)
 * become d. */
static int fold_cp(uint32_t cp, utf8proc_int32_t *dst, int cap)
{
    if (cp == 0x0110 || cp == 0x0111) {
        dst[0] = 'd';
        return 1;
    }
    int bound = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char((utf8proc_int32_t)cp, dst, cap,
        UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD, &bound);
    if (n < 0 || n > cap) {
        dst[0] = (utf8proc_int32_t)cp;
        return 1;
    }
    return (int)n;
}

static void fold_init(void)
{
    for (uint32_t cp = 0; cp < FOLD_TAB; cp++) {
        utf8proc_int32_t d[8];
        int n = fold_cp(cp, d, 8);
        if (n == 0)
            fold_tab[cp] = 0; /* mark: dropped */
        else if (n == 1 && d[0] < (utf8proc_int32_t)FOLD_SLOW && d[0] != 0)
            fold_tab[cp] = (uint16_t)d[0];
        else
            fold_tab[cp] = FOLD_SLOW;
    }
    fold_tab[0] = 0;
}

/* Fold for search and comparison (see vn.h).  Works on NFC and NFD input
 * alike, since combining marks are dropped wherever they stand.  Invalid
 * UTF-8 bytes are skipped. */
void vn_fold(Buf *out, const char *s)
{
    if (!s)
        return;
    pthread_once(&fold_once, fold_init);
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    buf_grow(out, n);
    size_t i = 0;
    while (i < n) {
        /* ASCII run: lowercase in bulk */
        size_t j = i;
        while (j < n && p[j] < 0x80)
            j++;
        if (j > i) {
            buf_grow(out, j - i);
            char *o = out->data + out->len;
            for (size_t k = i; k < j; k++) {
                unsigned char c = p[k];
                o[k - i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            out->len += j - i;
            out->data[out->len] = '\0';
            i = j;
            if (i >= n)
                break;
        }
        uint32_t cp;
        size_t k = u8_decode(p + i, n - i, &cp);
        if (!k) {
            i++;
            continue;
        }
        i += k;
        if (cp < FOLD_TAB && fold_tab[cp] != FOLD_SLOW) {
            if (fold_tab[cp])
                u8_put(out, fold_tab[cp]);
            continue;
        }
        utf8proc_int32_t d[32];
        int m = fold_cp(cp, d, 32);
        for (int q = 0; q < m; q++)
            u8_put(out, (uint32_t)d[q]);
    }
}

/* vn_fold into a fresh arena string ("" for NULL or empty input). */
char *vn_fold_a(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, a);
    vn_fold(&b, s);
    return b.data ? b.data : arena_strdup(a, "");
}

/* Lowercase (diacritics kept), NFC.  Invalid UTF-8 bytes are dropped;
 * NULL in, NULL out. */
char *vn_lower_a(Arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    Buf b;
    buf_init(&b, a);
    buf_grow(&b, n);
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            unsigned char c = p[i++];
            buf_putc(&b, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
            continue;
        }
        uint32_t cp;
        size_t k = u8_decode(p + i, n - i, &cp);
        if (!k) {
            i++;
            continue;
        }
        i += k;
        u8_put(&b, (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp));
    }
    if (!b.data)
        return arena_strdup(a, "");
    return nfc_valid(a, b.data, b.len);
}

/* URL slug (see vn.h).  maxlen 0 means no limit.  Always returns a
 * non-empty arena string. */
char *vn_slug(Arena *a, const char *s, size_t maxlen)
{
    Buf f;
    buf_init(&f, a);
    vn_fold(&f, s);
    const char *src = buf_str(&f);
    char *o = arena_alloc(a, f.len + 1);
    size_t len = 0;
    int sep = 0;
    for (const char *p = src; *p; p++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (sep && len > 0)
                o[len++] = '-';
            sep = 0;
            o[len++] = c;
        } else {
            sep = 1;
        }
    }
    o[len] = '\0';
    if (maxlen > 0 && len > maxlen) {
        size_t cut = maxlen;
        if (o[cut] != '-') {
            /* back up to the last word boundary; one over-long word is cut hard */
            size_t k = cut;
            while (k > 0 && o[k] != '-')
                k--;
            if (k > 0)
                cut = k;
        }
        while (cut > 0 && o[cut - 1] == '-')
            cut--;
        o[cut] = '\0';
        len = cut;
    }
    if (len == 0)
        return arena_strdup(a, "bai-viet");
    return o;
}

/* ------------------------------------------------------------- numbers */

/* Append the decimal digits of u grouped by '.' in thousands. */
static void put_grouped(Buf *out, uint64_t u)
{
    char d[32];
    int n = 0;
    do {
        d[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    for (int i = n - 1; i >= 0; i--) {
        buf_putc(out, d[i]);
        if (i > 0 && i % 3 == 0)
            buf_putc(out, '.');
    }
}

/* 4922512 -> "4.922.512"; INT64_MIN handled via unsigned magnitude. */
void vn_int(Buf *out, int64_t v)
{
    uint64_t u;
    if (v < 0) {
        buf_putc(out, '-');
        u = (uint64_t)0 - (uint64_t)v;
    } else {
        u = (uint64_t)v;
    }
    put_grouped(out, u);
}

/* v with exactly `places` (0..9) decimals, ',' as decimal mark and '.' for
 * thousands.  Rounding is printf's (round-half-even on the exact binary
 * value); a result that rounds to zero carries no minus sign. */
void vn_decimal(Buf *out, double v, int places)
{
    if (places < 0)
        places = 0;
    if (places > 9)
        places = 9;
    if (isnan(v)) {
        buf_puts(out, "NaN");
        return;
    }
    if (isinf(v)) {
        buf_puts(out, v < 0 ? "-∞" : "∞");
        return;
    }
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%.*f", places, fabs(v));
    char *dot = strchr(tmp, '.');
    size_t intlen = dot ? (size_t)(dot - tmp) : strlen(tmp);
    int nonzero = 0;
    for (const char *p = tmp; *p; p++)
        if (*p >= '1' && *p <= '9')
            nonzero = 1;
    if (v < 0 && nonzero)
        buf_putc(out, '-');
    for (size_t i = 0; i < intlen; i++) {
        buf_putc(out, tmp[i]);
        size_t left = intlen - i - 1;
        if (left > 0 && left % 3 == 0)
            buf_putc(out, '.');
    }
    if (dot) {
        buf_putc(out, ',');
        buf_puts(out, dot + 1);
    }
}

void vn_size(Buf *out, int64_t n)
{
    if (n < 1024) {
        vn_int(out, n);
        buf_puts(out, " B");
    } else if (n < 1024 * 1024) {
        vn_decimal(out, (double)n / 1024.0, 1);
        buf_puts(out, " KB");
    } else {
        vn_decimal(out, (double)n / (1024.0 * 1024.0), 1);
        buf_puts(out, " MB");
    }
}

/* --------------------------------------------------------------- dates */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

typedef struct {
    int64_t year;
    int mon, day, hour, min, sec, wday; /* wday 0 = Sunday */
} VnTime;

/* Times are clamped to +-2^55 s (a billion years) before any arithmetic,
 * so a wild value (a {{date:x}} fed any 64-bit number) cannot overflow
 * t + VN_OFFSET or the calendar maths.  Found by fuzz/fuzz_vn.c. */
#define VN_TIME_LIMIT ((int64_t)1 << 55)
static int64_t vn_clamp_time(int64_t t)
{
    return t > VN_TIME_LIMIT ? VN_TIME_LIMIT : t < -VN_TIME_LIMIT ? -VN_TIME_LIMIT : t;
}

static VnTime vn_split(int64_t t)
{
    VnTime v;
    int64_t local = vn_clamp_time(t) + VN_OFFSET;
    int64_t days = floor_div(local, 86400);
    int64_t secs = local - days * 86400;
    civil_from_days(days, &v.year, &v.mon, &v.day);
    v.hour = (int)(secs / 3600);
    v.min = (int)(secs / 60 % 60);
    v.sec = (int)(secs % 60);
    v.wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    return v;
}

/* "12/5/2022" in Vietnam time. */
void vn_date(Buf *out, int64_t t)
{
    VnTime v = vn_split(t);
    buf_printf(out, "%d/%d/%lld", v.day, v.mon, (long long)v.year);
}

/* "12/5/2022 08:05" in Vietnam time. */
void vn_datetime(Buf *out, int64_t t)
{
    VnTime v = vn_split(t);
    buf_printf(out, "%d/%d/%lld %02d:%02d", v.day, v.mon, (long long)v.year, v.hour, v.min);
}

/* "Thứ Năm, 12/5/2022" in Vietnam time. */
void vn_weekday_date(Buf *out, int64_t t)
{
    static const char *const names[7] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                          "Thứ Năm",  "Thứ Sáu", "Thứ Bảy"};
    VnTime v = vn_split(t);
    buf_printf(out, "%s, %d/%d/%lld", names[v.wday], v.day, v.mon, (long long)v.year);
}

/* "2022-05-12T08:05:00+07:00" (for <time datetime>, feeds, sitemaps). */
void vn_iso8601(Buf *out, int64_t t)
{
    VnTime v = vn_split(t);
    buf_printf(out, "%04lld-%02d-%02dT%02d:%02d:%02d+07:00", (long long)v.year, v.mon, v.day,
               v.hour, v.min, v.sec);
}

/* Read 1..maxd decimal digits at *p into *v; advances *p.  0 on success. */
static int read_num(const char **p, int mind, int maxd, int *v)
{
    int n = 0, x = 0;
    while (**p >= '0' && **p <= '9' && n < maxd) {
        x = x * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < mind || (**p >= '0' && **p <= '9'))
        return -1;
    *v = x;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

/* Parse a Vietnamese or ISO date with optional time (see vn.h), read as
 * local Vietnam time.  Accepted: "d/m/yyyy", "dd/mm/yyyy", "yyyy-mm-dd",
 * each optionally followed by " HH:MM" (or "T" for the ISO form, as sent
 * by <input type=datetime-local>, optionally with ":SS").  Surrounding
 * spaces are ignored.  Returns 0 and sets *t, or -1 on any malformed or
 * out-of-range field (31/4, 29/2 of a common year, 24:00...). */
int vn_parse_datetime(const char *s, int64_t *t)
{
    if (!s || !t)
        return -1;
    const char *p = s;
    while (*p == ' ')
        p++;
    int y, m, d, hh = 0, mi = 0, ss = 0, iso;
    const char *q = p;
    while (*q >= '0' && *q <= '9')
        q++;
    iso = (q - p == 4 && *q == '-');
    if (iso) {
        if (read_num(&p, 4, 4, &y) || *p++ != '-' || read_num(&p, 1, 2, &m) ||
            *p++ != '-' || read_num(&p, 1, 2, &d))
            return -1;
    } else {
        if (read_num(&p, 1, 2, &d) || *p++ != '/' || read_num(&p, 1, 2, &m) ||
            *p++ != '/' || read_num(&p, 4, 4, &y))
            return -1;
    }
    const char *r = p;
    if (iso && *r == 'T') {
        r++;
    } else {
        while (*r == ' ')
            r++;
    }
    if (r != p && *r != '\0') {
        p = r;
        if (read_num(&p, 1, 2, &hh) || *p++ != ':' || read_num(&p, 2, 2, &mi))
            return -1;
        if (*p == ':') {
            p++;
            if (read_num(&p, 2, 2, &ss))
                return -1;
        }
    }
    while (*p == ' ')
        p++;
    if (*p != '\0')
        return -1;
    if (y < 1000 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh > 23 ||
        mi > 59 || ss > 59)
        return -1;
    *t = days_from_civil(y, m, d) * 86400 + hh * 3600 + mi * 60 + ss - VN_OFFSET;
    return 0;
}

/* Unix time of 00:00 Vietnam time on the day containing t. */
int64_t vn_day_start(int64_t t)
{
    return floor_div(vn_clamp_time(t) + VN_OFFSET, 86400) * 86400 - VN_OFFSET;
}

/* yyyymmdd of the Vietnam-time day containing t (20220512). */
int vn_day_number(int64_t t)
{
    VnTime v = vn_split(t);
    return (int)(v.year * 10000 + v.mon * 100 + v.day);
}

/* ---- search characters and codes (vn.h) ---- */

int vn_is_word_cp(int32_t cp)
{
    if (cp < 0) return 0;
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_CO:
        return 1;
    default:
        return 0;
    }
}

int vn_is_space_cp(int32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') return 1;
    return cp >= 0x80 && utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* ASCII double quote and the typographic pair Vietnamese keyboards produce. */
int vn_is_quote_cp(int32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x201D;
}

#define CODE_MAX_WORDS 12
#define CODE_MAX_WORD_BYTES 26

/* "00", then each word after a letter giving its length (a = 1 byte ...
 * z = 26): prefix-free, so 1/12 and 11/2 make different words, and made
 * of letters and digits only, so FTS5 and PostgreSQL keep it whole.  It
 * starts with digits so that no typed prefix reaches it: search_parse
 * matches a number whole, never as a prefix, and "00b" is typed by
 * nobody, whereas a letter start such as "dn" would have made the query
 * "dn" (doanh nghiệp) match every entry with a document number. */
const char *vn_code_word(Arena *a, const char *const *w, int n)
{
    if (n < 2 || n > CODE_MAX_WORDS) return NULL;
    int digit = 0;
    size_t total = 3;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(w[i]);
        if (len == 0 || len > CODE_MAX_WORD_BYTES) return NULL;
        for (const char *c = w[i]; *c; c++) digit |= *c >= '0' && *c <= '9';
        total += len + 1;
    }
    if (!digit) return NULL;
    char *out = arena_alloc(a, total), *o = out;
    *o++ = '0';
    *o++ = '0';
    for (int i = 0; i < n; i++) {
        size_t len = strlen(w[i]);
        *o++ = (char)('a' + len - 1);
        memcpy(o, w[i], len);
        o += len;
    }
    *o = '\0';
    return out;
}

/* Runs between spaces and quotes, split into words exactly as
 * search_parse splits an unquoted group (search.c).  A run with other
 * punctuation than / - . inside ("7/KH-HĐND,ngày", "(15-ĐA/TU)") also
 * gives the code of each piece between those marks, so the number is
 * found however the text around it is glued to it. */
static void put_code(Buf *out, Arena *a, const char *const *w, int n)
{
    const char *word = vn_code_word(a, w, n);
    if (word) {
        buf_putc(out, ' ');
        buf_puts(out, word);
    }
}

void vn_code_words(Buf *out, Arena *a, const char *text)
{
    if (!text) return;
    size_t n = strlen(text), i = 0;
    const char *w[CODE_MAX_WORDS];
    int nw = 0, over = 0, piece = 0, pieces = 0;
    long start = -1;
    for (;;) {
        int32_t cp = -1;
        size_t k = 1;
        if (i < n) {
            utf8proc_int32_t c;
            utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)text + i, (utf8proc_ssize_t)(n - i), &c);
            if (r > 0) cp = c, k = (size_t)r;
        }
        int end_run = i >= n || vn_is_space_cp(cp) || vn_is_quote_cp(cp);
        if (i >= n || !vn_is_word_cp(cp)) {
            if (start >= 0) {   /* a word ends */
                if (nw < CODE_MAX_WORDS) {
                    char *f = vn_fold_a(a, arena_strndup(a, text + start, i - (size_t)start));
                    if (f && *f) w[nw++] = f;
                } else {
                    over = 1;
                }
                start = -1;
            }
            /* A mark that is not part of a number ends a piece. */
            if (!end_run && cp != '/' && cp != '-' && cp != '.' && nw > piece) {
                if (!over) put_code(out, a, w + piece, nw - piece);
                piece = nw;
                pieces++;
            }
        } else if (start < 0) {
            start = (long)i;
        }
        if (end_run) {
            if (!over) {
                if (pieces && nw > piece) put_code(out, a, w + piece, nw - piece);
                if (!(pieces == 1 && piece == nw)) put_code(out, a, w, nw);   /* else the one piece was all */
            }
            nw = piece = pieces = 0;
            over = 0;
        }
        if (i >= n) break;
        i += k;
    }
}
