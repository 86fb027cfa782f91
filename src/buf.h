/* buf.h - the one growable byte buffer type.
 *
 * A Buf either lives in an Arena (b.arena != NULL: growth takes memory
 * from the arena, nothing to free) or on the heap (arena NULL: buf_free).
 * data is always NUL-terminated so it can be used as a C string.
 * The escapers are the only way text from outside reaches HTML/XML/URLs:
 * templates call them, handlers call them for anything built by hand. */
#ifndef HD_BUF_H
#define HD_BUF_H
#include <stddef.h>
#include <stdarg.h>
#include "arena.h"

typedef struct Buf {
    char *data;   /* NUL-terminated, may be NULL when cap == 0 */
    size_t len;
    size_t cap;
    Arena *arena; /* NULL = heap */
} Buf;

void buf_init(Buf *b, Arena *a);
void buf_free(Buf *b);                       /* heap bufs only; no-op for arena bufs */
void buf_reset(Buf *b);                      /* len = 0, keeps memory */
void buf_grow(Buf *b, size_t extra);         /* ensure room for extra more bytes + NUL */
void buf_append(Buf *b, const void *p, size_t n);
void buf_puts(Buf *b, const char *s);        /* NULL appends nothing */
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
const char *buf_str(const Buf *b);           /* "" when empty, never NULL */

/* Escapers: append s escaped for the named context. NULL appends nothing. */
void buf_html(Buf *b, const char *s);        /* & < > " ' -> entities (text and quoted attributes) */
void buf_html_n(Buf *b, const char *s, size_t n);
void buf_url(Buf *b, const char *s);         /* percent-encode everything but unreserved A-Za-z0-9-._~ */
void buf_json(Buf *b, const char *s);        /* JSON string body without quotes; also escapes < > & / for safe embedding */
void buf_xml(Buf *b, const char *s);         /* like html, plus drops C0 controls invalid in XML 1.0 */
void buf_csv(Buf *b, const char *s);         /* one CSV field, quoted when needed; leading = + - @ prefixed with ' (formula injection) */

#endif
