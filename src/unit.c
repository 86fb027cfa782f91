/* unit.c - administrative units: the reform dates, "as of" days, name
 * normalisation and lookups (see unit.h).  SQL is portable: every date
 * comparison is on integers, periods are half-open. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "unit.h"
#include "vn.h"

static UnitDates dates;
static pthread_once_t dates_once = PTHREAD_ONCE_INIT;

static int64_t day_of(const char *iso)
{
    int64_t t = 0;
    if (vn_parse_datetime(iso, &t) != 0) abort();   /* constants below: cannot happen */
    return t;
}

static void dates_init(void)
{
    dates.city_from = day_of("2008-08-01");
    dates.former_from = day_of("2016-01-01");
    dates.pilot_from = day_of("2021-07-01");
    dates.reform_decided = day_of("2025-06-16");
    dates.reform_from = day_of("2025-07-01");
}

const UnitDates *unit_dates(void)
{
    pthread_once(&dates_once, dates_init);
    return &dates;
}

int unit_parse_day(const char *s, int64_t *day)
{
    if (!s || !*s || strlen(s) > 10) return -1;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '/' || *p == '-')) return -1;
    int64_t t;
    if (vn_parse_datetime(s, &t) != 0) return -1;
    /* 1/1/1945 .. 31/12/2100 */
    if (t < day_of("1945-01-01") || t > day_of("2100-12-31")) return -1;
    *day = vn_day_start(t);
    return 0;
}

/* ------------------------------------------------------------ names */

static int is_tone(utf8proc_int32_t c)
{
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

static int is_letter(utf8proc_int32_t c)
{
    utf8proc_category_t k = utf8proc_category(c);
    return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
           (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

static int lower_ascii(utf8proc_int32_t c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

char *unit_name_norm(Arena *a, const char *s)
{
    if (!s || !vn_utf8_valid(s, strlen(s))) return NULL;
    utf8proc_int32_t *cp = NULL;
    /* NFD: every tone mark becomes its own code point after its vowel. */
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)s, 0, NULL, 0,
                                            UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    if (n < 0) return NULL;
    cp = arena_alloc(a, ((size_t)n + 1) * sizeof *cp);
    n = utf8proc_decompose((const utf8proc_uint8_t *)s, 0, cp, n,
                           UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE);
    if (n < 0) return NULL;
    /* Word-final "o a|e <tone>" and "u y <tone>" (not after q): move the
     * tone onto the first vowel.  Only when both vowels carry no other mark. */
    for (utf8proc_ssize_t i = 2; i < n; i++) {
        if (!is_tone(cp[i])) continue;
        if (i + 1 < n && is_letter(cp[i + 1])) continue;   /* not word-final */
        utf8proc_int32_t v1 = lower_ascii(cp[i - 2]), v2 = lower_ascii(cp[i - 1]);
        int pair = (v1 == 'o' && (v2 == 'a' || v2 == 'e')) || (v1 == 'u' && v2 == 'y');
        if (!pair) continue;
        if (v1 == 'u' && i >= 3 && lower_ascii(cp[i - 3]) == 'q') continue;   /* quý */
        if (i >= 3 && is_tone(cp[i - 3])) continue;
        utf8proc_int32_t tone = cp[i], second = cp[i - 1];
        cp[i] = second;
        cp[i - 1] = tone;
    }
    /* back to UTF-8, collapsing whitespace */
    Buf b;
    buf_init(&b, a);
    int space = 0, started = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        utf8proc_int32_t c = cp[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0) { space = 1; continue; }
        if (space && started) buf_putc(&b, ' ');
        space = 0;
        started = 1;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
        buf_append(&b, (const char *)enc, (size_t)k);
    }
    return vn_nfc(a, buf_str(&b));
}

/* ------------------------------------------------------------ lookups */

#define UNIT_COLS \
    "u.id, u.code, u.level, u.kind, u.name, u.short_name, u.slug, COALESCE(u.parent_id, 0), " \
    "COALESCE(p.name, ''), u.valid_from, COALESCE(u.valid_to, 0)"
#define UNIT_FROM " FROM units u LEFT JOIN units p ON p.id = u.parent_id"

static void unit_row(Stmt *st, Arena *a, Unit *u)
{
    u->id = db_col_int(st, 0);
    u->code = db_col_dup(st, 1, a);
    u->level = db_col_dup(st, 2, a);
    u->kind = db_col_dup(st, 3, a);
    u->name = db_col_dup(st, 4, a);
    u->short_name = db_col_dup(st, 5, a);
    u->slug = db_col_dup(st, 6, a);
    u->parent_id = db_col_int(st, 7);
    u->parent_name = db_col_dup(st, 8, a);
    u->valid_from = db_col_int(st, 9);
    u->valid_to = db_col_int(st, 10);
}

static int unit_one(Stmt *st, Arena *a, Unit *u)
{
    int rc = db_step(st);
    if (rc == DB_ROW) unit_row(st, a, u);
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int unit_by_slug(Db *db, Arena *a, const char *slug, int64_t day, Unit *u)
{
    Stmt *st = db_prepare(db, "SELECT " UNIT_COLS UNIT_FROM
        " WHERE u.slug = ?1 AND u.valid_from <= ?2 AND (u.valid_to IS NULL OR u.valid_to > ?2)"
        " ORDER BY u.valid_from DESC LIMIT 1");
    if (!st) return -1;
    db_bindf(st, "tl", slug, day);
    return unit_one(st, a, u);
}

int unit_by_slug_any(Db *db, Arena *a, const char *slug, int64_t day, Unit *u)
{
    /* the latest that started before day, else the earliest after it */
    Stmt *st = db_prepare(db, "SELECT " UNIT_COLS UNIT_FROM
        " WHERE u.slug = ?1 ORDER BY CASE WHEN u.valid_from <= ?2 THEN 0 ELSE 1 END,"
        " CASE WHEN u.valid_from <= ?2 THEN -u.valid_from ELSE u.valid_from END LIMIT 1");
    if (!st) return -1;
    db_bindf(st, "tl", slug, day);
    return unit_one(st, a, u);
}

int unit_by_id(Db *db, Arena *a, int64_t id, Unit *u)
{
    Stmt *st = db_prepare(db, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    return unit_one(st, a, u);
}

const char *unit_kind_label(const char *kind)
{
    static const struct { const char *kind, *label; } k[] = {
        {"thanh-pho-tw", "Thành phố trực thuộc trung ương"}, {"tinh", "Tỉnh"},
        {"quan", "Quận"}, {"huyen", "Huyện"}, {"thi-xa", "Thị xã"}, {"thanh-pho", "Thành phố"},
        {"phuong", "Phường"}, {"xa", "Xã"}, {"thi-tran", "Thị trấn"}, {"dac-khu", "Đặc khu"},
    };
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (kind && !strcmp(kind, k[i].kind)) return k[i].label;
    return "";
}
