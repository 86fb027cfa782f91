/* unit_vn.c - tests for Vietnamese text handling: UTF-8 validation, NFC,
 * folding (every vowel with every tone, NFC and NFD, both cases), slugs,
 * number formats and UTC+7 dates (checked against gmtime_r as an
 * independent oracle). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <utf8proc.h>

#include "vn.h"
#include "t.h"

static Arena *A;

/* Append code point cp as UTF-8 to s (test-local encoder). */
static void put_cp(char *s, uint32_t cp)
{
    size_t n = strlen(s);
    if (cp < 0x80) {
        s[n++] = (char)cp;
    } else if (cp < 0x800) {
        s[n++] = (char)(0xC0 | (cp >> 6));
        s[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        s[n++] = (char)(0xE0 | (cp >> 12));
        s[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[n++] = (char)(0x80 | (cp & 0x3F));
    }
    s[n] = 0;
}

static const char *fold(const char *s)
{
    return vn_fold_a(A, s);
}

TEST(test_utf8_valid)
{
    const char *ok[] = {"", "abc", "Hội đồng nhân dân", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
                        "\xef\xbf\xbd", "\xed\x9f\xbf", "\xee\x80\x80"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        CHECK(vn_utf8_valid(ok[i], strlen(ok[i])));
    const char *bad[] = {
        "\xc0\xaf",         /* overlong '/' */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong 3-byte */
        "\xf0\x80\x80\xaf", /* overlong 4-byte */
        "\xed\xa0\x80",     /* surrogate D800 */
        "\xed\xbf\xbf",     /* surrogate DFFF */
        "\xf4\x90\x80\x80", /* > U+10FFFF */
        "\xf5\x80\x80\x80", "\xff", "\x80", "a\xbf" "b",
        "\xe1\xbb",         /* truncated */
        "\xe1\xbb" "a",     /* bad continuation */
        "\xc3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (vn_utf8_valid(bad[i], strlen(bad[i])))
            fprintf(stderr, "accepted bad[%zu]\n", i);
        CHECK(!vn_utf8_valid(bad[i], strlen(bad[i])));
        CHECK(vn_nfc(A, bad[i]) == NULL);
        CHECK(vn_clean(A, bad[i]) == NULL);
    }
    CHECK(!vn_utf8_valid("ab\0cd", 5)); /* embedded NUL */
    CHECK(vn_utf8_valid("ab\0cd", 2));
    CHECK(!vn_utf8_valid("\xe1\xbb\x87", 2)); /* sequence cut by n */
    CHECK(vn_nfc(A, NULL) == NULL);
}

TEST(test_nfc_clean)
{
    /* "ệ" NFD (e + circumflex + dot below, either mark order) -> U+1EC7 */
    CHECK_STR(vn_nfc(A, "e\xcc\x82\xcc\xa3"), "ệ");
    CHECK_STR(vn_nfc(A, "e\xcc\xa3\xcc\x82"), "ệ");
    CHECK_STR(vn_nfc(A, "Vie\xcc\xa3\xcc\x82t Nam"), "Việt Nam");
    CHECK_STR(vn_nfc(A, "plain"), "plain");
    CHECK_STR(vn_clean(A, "  \r\n Xin cha\xcc\x80o\r\nba\x01n\x7f\t!\xc2\x85 \n\xc2\xa0"),
              "Xin chào\nban\t!");
    CHECK_STR(vn_clean(A, "\xef\xbb\xbfTi\xe1\xba\xbfng  "), "Tiếng");
    CHECK_STR(vn_clean(A, "   "), "");
    CHECK_STR(vn_clean(A, "a\rb"), "ab");
    CHECK_STR(vn_clean(A, "dòng 1\r\n\r\ndòng 2"), "dòng 1\n\ndòng 2");
    CHECK(vn_clean(A, NULL) == NULL);
    CHECK_INT(vn_char_count("Hội đồng"), 8);
    CHECK_INT(vn_char_count(""), 0);
    CHECK_INT(vn_char_count("\xf0\x9f\x98\x80x"), 2);
}

/* The twelve Vietnamese vowel letters (lower, upper) and their ASCII base. */
static const struct {
    uint32_t lo, up;
    char base;
} VOWELS[] = {
    {'a', 'A', 'a'},       {0x103, 0x102, 'a'}, {0xE2, 0xC2, 'a'}, {'e', 'E', 'e'},
    {0xEA, 0xCA, 'e'},     {'i', 'I', 'i'},     {'o', 'O', 'o'},   {0xF4, 0xD4, 'o'},
    {0x1A1, 0x1A0, 'o'},   {'u', 'U', 'u'},     {0x1B0, 0x1AF, 'u'}, {'y', 'Y', 'y'},
};
/* no tone, huyền, sắc, hỏi, ngã, nặng */
static const uint32_t TONES[] = {0, 0x300, 0x301, 0x309, 0x303, 0x323};

TEST(test_fold_all_vowels)
{
    int checked = 0;
    for (size_t v = 0; v < sizeof VOWELS / sizeof *VOWELS; v++) {
        for (size_t t = 0; t < sizeof TONES / sizeof *TONES; t++) {
            for (int upper = 0; upper < 2; upper++) {
                char nfd[16] = "";
                put_cp(nfd, upper ? VOWELS[v].up : VOWELS[v].lo);
                if (TONES[t])
                    put_cp(nfd, TONES[t]);
                char *nfc = vn_nfc(A, nfd);
                CHECK(nfc != NULL);
                if (!nfc)
                    continue;
                CHECK_INT(vn_char_count(nfc), 1); /* every pair has a precomposed form */
                char want[2] = {VOWELS[v].base, 0};
                const char *f1 = fold(nfc), *f2 = fold(nfd);
                if (strcmp(f1, want) || strcmp(f2, want))
                    fprintf(stderr, "vowel %zu tone %zu upper %d: %s -> %s / %s\n", v, t, upper,
                            nfc, f1, f2);
                CHECK_STR(f1, want);
                CHECK_STR(f2, want);
                /* lowercasing the uppercase form gives the lowercase form */
                if (upper) {
                    char lo[16] = "";
                    put_cp(lo, VOWELS[v].lo);
                    if (TONES[t])
                        put_cp(lo, TONES[t]);
                    CHECK_STR(vn_lower_a(A, nfc), vn_nfc(A, lo));
                    CHECK_STR(vn_lower_a(A, nfd), vn_nfc(A, lo));
                }
                checked++;
            }
        }
    }
    CHECK_INT(checked, 12 * 6 * 2);

    const char *lower = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";
    const char *upper = "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";
    /* a: 5 + ă 6 + â 6, e: 5 + ê 6, i 5, o: 5 + ô 6 + ơ 6, u: 5 + ư 6, y 5, đ */
    char want[80] = "";
    static const struct { char c; int n; } runs[] = {
        {'a', 17}, {'e', 11}, {'i', 5}, {'o', 17}, {'u', 11}, {'y', 5}, {'d', 1}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++)
        memset(want + strlen(want), runs[i].c, (size_t)runs[i].n);
    /* count check so the expectation cannot drift from the input */
    CHECK_INT(strlen(want), vn_char_count(lower));
    CHECK_STR(fold(lower), want);
    CHECK_STR(fold(upper), want);
    CHECK_STR(vn_lower_a(A, upper), lower);
    /* the NFD form of the whole set folds the same */
    utf8proc_uint8_t *nfd = utf8proc_NFD((const utf8proc_uint8_t *)upper);
    CHECK(nfd && strlen((char *)nfd) > strlen(upper));
    CHECK_STR(fold((const char *)nfd), want);
    CHECK_STR(vn_nfc(A, (const char *)nfd), upper);
    free(nfd);
}

TEST(test_fold_misc)
{
    CHECK_STR(fold("Hội đồng Nhân Dân"), "hoi dong nhan dan");
    CHECK_STR(fold("ĐẠI HỘI ĐẢNG"), "dai hoi dang");
    CHECK_STR(fold("Nghị quyết số 15/2022/NQ-HĐND!"), "nghi quyet so 15/2022/nq-hdnd!");
    CHECK_STR(fold("Crème Brûlée Ñandú"), "creme brulee nandu");
    CHECK_STR(fold("Straße"), "strasse");
    CHECK_STR(fold("ΑΘΗΝΑ Москва"), "αθηνα москва");
    CHECK_STR(fold("北京 😀"), "北京 😀");
    CHECK_STR(fold(""), "");
    CHECK_STR(fold(NULL), "");
    CHECK_STR(fold("a\xff" "b"), "ab"); /* invalid bytes skipped */
    Buf b;
    buf_init(&b, A);
    buf_puts(&b, "x:");
    vn_fold(&b, "Ư");
    CHECK_STR(buf_str(&b), "x:u");
    CHECK_STR(vn_lower_a(A, "HỘI ĐỒNG ABC"), "hội đồng abc");
    CHECK_STR(vn_lower_a(A, "HO\xcc\xa3\xcc\x82I"), "hội"); /* NFD input */
    CHECK(vn_lower_a(A, NULL) == NULL);
}

TEST(test_slug)
{
    CHECK_STR(vn_slug(A, "Đề án 15-ĐA/TU", 80), "de-an-15-da-tu");
    CHECK_STR(vn_slug(A, "  Kỳ họp thứ 7, HĐND TP. Hà Nội khóa XVI!  ", 0),
              "ky-hop-thu-7-hdnd-tp-ha-noi-khoa-xvi");
    CHECK_STR(vn_slug(A, "---", 80), "bai-viet");
    CHECK_STR(vn_slug(A, "", 80), "bai-viet");
    CHECK_STR(vn_slug(A, NULL, 80), "bai-viet");
    CHECK_STR(vn_slug(A, "北京", 80), "bai-viet");
    /* length cut at a '-' boundary */
    CHECK_STR(vn_slug(A, "Hội đồng nhân dân thành phố", 12), "hoi-dong");
    CHECK_STR(vn_slug(A, "Hội đồng nhân dân thành phố", 8), "hoi-dong");
    CHECK_STR(vn_slug(A, "Hội đồng nhân dân thành phố", 9), "hoi-dong");
    CHECK_STR(vn_slug(A, "Hội đồng nhân dân thành phố", 7), "hoi");
    CHECK_STR(vn_slug(A, "abcdefghijkl mn", 5), "abcde"); /* one long word: hard cut */
    const char *s = vn_slug(A, "Báo cáo kết quả giám sát việc thực hiện các nghị quyết của "
                               "Hội đồng nhân dân về phát triển kinh tế xã hội năm 2022", 60);
    CHECK(strlen(s) <= 60 && strlen(s) > 40);
    CHECK(s[strlen(s) - 1] != '-');
    for (const char *p = s; *p; p++)
        CHECK((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
}

static const char *fmt_int(int64_t v)
{
    Buf b;
    buf_init(&b, A);
    vn_int(&b, v);
    return buf_str(&b);
}

static const char *fmt_dec(double v, int places)
{
    Buf b;
    buf_init(&b, A);
    vn_decimal(&b, v, places);
    return buf_str(&b);
}

TEST(test_numbers)
{
    CHECK_STR(fmt_int(0), "0");
    CHECK_STR(fmt_int(999), "999");
    CHECK_STR(fmt_int(1000), "1.000");
    CHECK_STR(fmt_int(-1000), "-1.000");
    CHECK_STR(fmt_int(-999), "-999");
    CHECK_STR(fmt_int(-1234), "-1.234");
    CHECK_STR(fmt_int(4922512), "4.922.512");
    CHECK_STR(fmt_int(100000), "100.000");
    CHECK_STR(fmt_int(INT64_MAX), "9.223.372.036.854.775.807");
    CHECK_STR(fmt_int(INT64_MIN), "-9.223.372.036.854.775.808");

    CHECK_STR(fmt_dec(4.5, 1), "4,5");
    CHECK_STR(fmt_dec(4.5, 2), "4,50");
    CHECK_STR(fmt_dec(4.25, 0), "4");
    CHECK_STR(fmt_dec(4.75, 0), "5");
    CHECK_STR(fmt_dec(0.125, 2), "0,12"); /* exact binary tie: half-even */
    CHECK_STR(fmt_dec(0.13, 1), "0,1");
    CHECK_STR(fmt_dec(1.96, 1), "2,0");
    CHECK_STR(fmt_dec(999.96, 1), "1.000,0");
    CHECK_STR(fmt_dec(1234567.891, 2), "1.234.567,89");
    CHECK_STR(fmt_dec(-1234.5, 1), "-1.234,5");
    CHECK_STR(fmt_dec(-0.04, 1), "0,0"); /* no "-0,0" */
    CHECK_STR(fmt_dec(-0.06, 1), "-0,1");
    CHECK_STR(fmt_dec(0, 2), "0,00");
    CHECK_STR(fmt_dec(NAN, 1), "NaN");
}

static const char *fmt_t(void (*fn)(Buf *, int64_t), int64_t t)
{
    Buf b;
    buf_init(&b, A);
    fn(&b, t);
    return buf_str(&b);
}

TEST(test_dates)
{
    const int64_t t = 1652317500; /* 2022-05-12T01:05:00Z = 08:05 in Hanoi */
    CHECK_STR(fmt_t(vn_date, t), "12/5/2022");
    CHECK_STR(fmt_t(vn_datetime, t), "12/5/2022 08:05");
    CHECK_STR(fmt_t(vn_weekday_date, t), "Thứ Năm, 12/5/2022");
    CHECK_STR(fmt_t(vn_iso8601, t), "2022-05-12T08:05:00+07:00");
    CHECK_INT(vn_day_number(t), 20220512);
    /* midnight in Hanoi is 17:00 UTC the day before */
    const int64_t mid = 1652288400; /* 2022-05-11T17:00:00Z */
    CHECK_INT(vn_day_start(t), mid);
    CHECK_INT(vn_day_start(mid), mid);
    CHECK_INT(vn_day_start(mid - 1), mid - 86400);
    CHECK_STR(fmt_t(vn_datetime, mid), "12/5/2022 00:00");
    CHECK_STR(fmt_t(vn_datetime, mid - 1), "11/5/2022 23:59");
    CHECK_INT(vn_day_number(mid - 1), 20220511);
    CHECK_STR(fmt_t(vn_weekday_date, mid - 1), "Thứ Tư, 11/5/2022");
    CHECK_STR(fmt_t(vn_weekday_date, mid + 3 * 86400), "Chủ Nhật, 15/5/2022");
    /* leap day */
    const int64_t leap = 1709139600; /* 2024-02-28T17:00:00Z = 29/2/2024 00:00 */
    CHECK_STR(fmt_t(vn_date, leap), "29/2/2024");
    CHECK_STR(fmt_t(vn_date, leap + 86400), "1/3/2024");
    /* before 1970 and the epoch itself */
    CHECK_STR(fmt_t(vn_datetime, 0), "1/1/1970 07:00");
    CHECK_STR(fmt_t(vn_datetime, -7 * 3600 - 1), "31/12/1969 23:59");
    CHECK_STR(fmt_t(vn_iso8601, -7 * 3600 - 1), "1969-12-31T23:59:59+07:00");
    CHECK_INT(vn_day_start(-1), -7 * 3600);

    /* compare with gmtime_r on t + 7 h over a long span */
    static const char *const wd[7] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư",
                                      "Thứ Năm", "Thứ Sáu", "Thứ Bảy"};
    int bad = 0;
    for (int64_t x = -2208988800LL; x < 4102444800LL; x += 86400 * 3 + 3607 * 5 + 13) {
        time_t lt = (time_t)(x + 7 * 3600);
        struct tm tm;
        gmtime_r(&lt, &tm);
        char want[96];
        snprintf(want, sizeof want, "%s, %d/%d/%d", wd[tm.tm_wday], tm.tm_mday, tm.tm_mon + 1,
                 tm.tm_year + 1900);
        if (strcmp(fmt_t(vn_weekday_date, x), want) != 0 ||
            vn_day_number(x) != (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday ||
            vn_day_start(x) != x - (tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec)) {
            if (bad++ < 3)
                fprintf(stderr, "mismatch at %lld: %s vs %s\n", (long long)x,
                        fmt_t(vn_weekday_date, x), want);
        }
    }
    CHECK_INT(bad, 0);
}

static int64_t parse(const char *s)
{
    int64_t t = -999;
    if (vn_parse_datetime(s, &t) != 0)
        return -999;
    return t;
}

TEST(test_parse)
{
    const int64_t t = 1652317500, mid = 1652288400;
    CHECK_INT(parse("12/5/2022"), mid);
    CHECK_INT(parse("12/05/2022"), mid);
    CHECK_INT(parse("2022-05-12"), mid);
    CHECK_INT(parse("12/5/2022 08:05"), t);
    CHECK_INT(parse("12/05/2022 8:05"), t);
    CHECK_INT(parse("2022-05-12 08:05"), t);
    CHECK_INT(parse("2022-05-12T08:05"), t);
    CHECK_INT(parse("2022-05-12T08:05:00"), t);
    CHECK_INT(parse("  12/5/2022  08:05 "), t);
    CHECK_INT(parse("29/2/2024"), 1709139600);
    CHECK_INT(parse("29/2/2000"), 951757200);
    CHECK_INT(parse("1/1/1970 07:00"), 0);
    CHECK_INT(parse("31/12/2022 23:59"), 1672505940);
    const char *bad[] = {"", "   ", "29/2/2023", "29/2/1900", "31/4/2022", "0/5/2022", "32/1/2022",
                         "1/13/2022", "1/0/2022", "12/5/22", "12-5-2022", "2022/05/12",
                         "2022-5-12T", "12/5/2022 24:00", "12/5/2022 23:60", "12/5/2022 8",
                         "12/5/2022 08:5", "12/5/2022x", "12/5/2022T08:05", "2022-05-12 08:05:61",
                         "123/5/2022", "12/5/20222", "abc", "12/5/2022 08:05 x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (parse(bad[i]) != -999)
            fprintf(stderr, "accepted \"%s\"\n", bad[i]);
        CHECK_INT(parse(bad[i]), -999);
    }
    int64_t dummy;
    CHECK_INT(vn_parse_datetime(NULL, &dummy), -1);

    /* round trips: datetime and date output parse back */
    int bad_rt = 0;
    for (int64_t x = 0; x < 4102444800LL; x += 86400 * 5 + 3600 * 7 + 60 * 11) {
        int64_t back;
        if (vn_parse_datetime(fmt_t(vn_datetime, x), &back) != 0 || back != x - x % 60)
            bad_rt++;
        if (vn_parse_datetime(fmt_t(vn_date, x), &back) != 0 || back != vn_day_start(x))
            bad_rt++;
    }
    CHECK_INT(bad_rt, 0);
}

/* Codes (vn_code_word / vn_code_words): one index word per document
 * number, different for different numbers, none without a digit. */
static void test_codes(void)
{
    Arena *a = arena_new();
    const char *w1[] = {"1", "12"}, *w2[] = {"11", "2"}, *w3[] = {"hoi", "dong"};
    const char *c1 = vn_code_word(a, w1, 2), *c2 = vn_code_word(a, w2, 2);
    CHECK_STR(c1, "00a1b12");
    CHECK_STR(c2, "00b11a2");
    CHECK(vn_code_word(a, w3, 2) == NULL);
    CHECK(vn_code_word(a, w1, 1) == NULL);
    const char *longw[] = {"1", "abcdefghijklmnopqrstuvwxyz0"};   /* 27 bytes */
    CHECK(vn_code_word(a, longw, 2) == NULL);
    Buf b;
    buf_init(&b, a);
    vn_code_words(&b, a, "Nghị quyết số 23/2024/NQ-HĐND, “15-ĐA/TU” và hội-đồng ngày 12/5/2022.");
    CHECK_STR(buf_str(&b), " 00b23d2024bnqdhdnd 00b15bdabtu 00b12a5d2022");
    buf_init(&b, a);
    vn_code_words(&b, a, "số 7/KH-HĐND,ngày");
    CHECK_STR(buf_str(&b), " 00a7bkhdhdnd 00a7bkhdhdnddngay");
    arena_free(a);
}

int main(void)
{
    t_prog = "unit_vn";
    A = arena_new();
    RUN(test_utf8_valid);
    RUN(test_nfc_clean);
    RUN(test_fold_all_vowels);
    RUN(test_fold_misc);
    RUN(test_slug);
    RUN(test_numbers);
    RUN(test_dates);
    RUN(test_parse);
    RUN(test_codes);
    arena_free(A);
    return t_done();
}
