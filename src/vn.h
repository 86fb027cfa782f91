/* vn.h - Vietnamese text: validation, NFC, folding, slugs, number and
 * date formats.  All strings are UTF-8.  Functions that produce text
 * append to a Buf or allocate in an Arena. */
#ifndef HD_VN_H
#define HD_VN_H
#include <stdint.h>
#include <stddef.h>
#include <time.h>
#include "buf.h"

int vn_utf8_valid(const char *s, size_t n);          /* 1 valid UTF-8 (no NUL, no overlongs, no surrogates), 0 not */
/* NFC-normalise s into the arena; NULL if s is not valid UTF-8. */
char *vn_nfc(Arena *a, const char *s);
/* Clean user text: valid UTF-8 required (NULL otherwise), NFC, CR LF -> LF,
 * other C0 controls except \n and \t removed, leading/trailing whitespace trimmed. */
char *vn_clean(Arena *a, const char *s);
size_t vn_char_count(const char *s);                 /* code points */

/* Fold for search/compare: NFC, lowercase, strip diacritics, đ/Đ -> d.
 * "Hội đồng Nhân Dân" -> "hoi dong nhan dan".  Non-letters kept as is. */
void vn_fold(Buf *out, const char *s);
char *vn_fold_a(Arena *a, const char *s);
/* Lowercase only (keeps diacritics), NFC. */
char *vn_lower_a(Arena *a, const char *s);

/* Word characters, spaces and double quotes as search reads them (a word
 * character is one of FTS5 unicode61's token classes L*, N*, Co, or a
 * combining mark); cp < 0 is an invalid byte. */
int vn_is_word_cp(int32_t cp);
int vn_is_space_cp(int32_t cp);
int vn_is_quote_cp(int32_t cp);

/* Codes: a run of text between spaces and double quotes whose words are
 * two or more, one of them with a digit (23/2024/NQ-HĐND, 15-ĐA/TU,
 * 12/5/2022).  Search matches a code as ONE index word built from its
 * folded words (vn_code_word), because matching it as a phrase made FTS5
 * check the positions of four common words in most entries (make
 * bench-search: 90 ms over 1 000 000 articles).
 * vn_code_word: the index word of folded words w[0..n-1], or NULL when
 * they do not make a code (fewer than two, no digit, a word over 26 bytes).
 * vn_code_words: append " " + the index word of every code in text. */
const char *vn_code_word(Arena *a, const char *const *w, int n);
void vn_code_words(Buf *out, Arena *a, const char *text);
/* URL slug: folded, [a-z0-9] runs joined by '-', at most maxlen bytes cut at a
 * '-' boundary, never empty ("bai-viet" when nothing remains).
 * "Đề án 15-ĐA/TU" -> "de-an-15-da-tu". */
char *vn_slug(Arena *a, const char *s, size_t maxlen);

/* Numbers: 4922512 -> "4.922.512", -1234 -> "-1.234". */
void vn_int(Buf *out, int64_t v);
/* Decimal with `places` digits after ',' : 4.5 -> "4,5" (places=1). */
void vn_decimal(Buf *out, double v, int places);
/* File size: 850 -> "850 B", 12698 -> "12,4 KB", 1258291 -> "1,2 MB". */
void vn_size(Buf *out, int64_t n);
/* Vietnam is UTC+7 all year (no DST since 1975); times are unix seconds. */
void vn_date(Buf *out, int64_t t);       /* "12/5/2022" (no leading zeros) */
void vn_datetime(Buf *out, int64_t t);   /* "12/5/2022 08:05" */
void vn_weekday_date(Buf *out, int64_t t);/* "Thứ Năm, 12/5/2022" */
void vn_iso8601(Buf *out, int64_t t);    /* "2022-05-12T08:05:00+07:00" */
/* Parse "12/5/2022" or "2022-05-12" [+ " HH:MM"] as local Vietnam time.
 * Returns 0 and sets *t, or -1. */
int vn_parse_datetime(const char *s, int64_t *t);
/* Start of the local (UTC+7) day containing t, and the yyyymmdd number of that day. */
int64_t vn_day_start(int64_t t);
int vn_day_number(int64_t t);            /* 20220512 */

#endif
