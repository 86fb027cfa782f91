/* buf.c - the growable byte buffer and the context escapers (see buf.h).
 *
 * A Buf grows geometrically, from its Arena when it has one (in place when
 * it was the arena's last allocation) or from the heap otherwise.  data is
 * kept NUL-terminated after every operation.
 *
 * The escapers are the choke point between untrusted text and output
 * formats: HTML text/attributes, URL components, JSON string bodies safe to
 * embed in <script>, XML 1.0 (drops characters XML cannot carry at all),
 * and CSV fields safe against spreadsheet formula injection. */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void buf_oom(size_t n)
{
    fprintf(stderr, "hoidong: out of memory (buf, %zu bytes)\n", n);
    abort();
}

/* Start empty; a is the arena to grow in, or NULL for the heap. */
void buf_init(Buf *b, Arena *a)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->arena = a;
}

/* Release heap memory; arena buffers are left for arena_free. */
void buf_free(Buf *b)
{
    if (!b->arena)
        free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_reset(Buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

/* Make room for extra bytes plus the terminating NUL. Aborts on OOM. */
void buf_grow(Buf *b, size_t extra)
{
    if (extra > SIZE_MAX / 2 - b->len - 1)
        buf_oom(extra);
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap *= 2;
    char *p;
    if (b->arena) {
        p = arena_realloc(b->arena, b->data, b->cap, ncap);
    } else {
        p = realloc(b->data, ncap);
        if (!p)
            buf_oom(ncap);
    }
    if (!b->data)
        p[0] = '\0';
    b->data = p;
    b->cap = ncap;
}

void buf_append(Buf *b, const void *p, size_t n)
{
    buf_grow(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s)
{
    if (s)
        buf_append(b, s, strlen(s));
}

void buf_putc(Buf *b, char c)
{
    buf_grow(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    buf_grow(b, 64);
    size_t room = b->cap - b->len;
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        va_end(ap2);
        return;
    }
    if ((size_t)n >= room) {
        buf_grow(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
    }
    b->len += (size_t)n;
    va_end(ap2);
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* The contents as a C string: "" when nothing was ever appended. */
const char *buf_str(const Buf *b)
{
    return b->data ? b->data : "";
}

/* HTML text and quoted attribute values: the five significant characters
 * become entities; runs of ordinary bytes are copied in one go. */
void buf_html_n(Buf *b, const char *s, size_t n)
{
    if (!s)
        return;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(b, s + start, i - start);
        buf_puts(b, rep);
        start = i + 1;
    }
    buf_append(b, s + start, n - start);
}

void buf_html(Buf *b, const char *s)
{
    if (s)
        buf_html_n(b, s, strlen(s));
}

static const char HEX[] = "0123456789ABCDEF";

/* RFC 3986 component encoding: only unreserved characters stay as is. */
void buf_url(Buf *b, const char *s)
{
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            buf_append(b, e, 3);
        }
    }
}

/* JSON string body.  Beyond what JSON requires, < > & / and U+2028/2029
 * are escaped so the result can sit inside an HTML <script> element
 * without ending it or opening a comment. */
void buf_json(Buf *b, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char c = *p;
        if (c == '"') {
            buf_append(b, "\\\"", 2);
        } else if (c == '\\') {
            buf_append(b, "\\\\", 2);
        } else if (c == '/') {
            buf_append(b, "\\/", 2);
        } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
            char e[6] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 15]};
            buf_append(b, e, 6);
        } else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
            buf_puts(b, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
            p += 3;
            continue;
        } else {
            buf_putc(b, (char)c);
        }
        p++;
    }
}

/* Decode one UTF-8 sequence at p (strict: no overlongs, no surrogates,
 * max U+10FFFF).  Returns its length and sets *cp, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *p, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if ((p[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        uint32_t v = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if ((p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
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

/* XML 1.0 text/attribute: HTML escaping, and drop what XML 1.0 forbids
 * outright (C0 controls other than TAB LF CR, U+FFFE, U+FFFF, and bytes
 * that are not valid UTF-8), since a single one makes the feed unparsable. */
void buf_xml(Buf *b, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0) {
            p++; /* invalid byte: drop */
            continue;
        }
        if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
            /* forbidden control */
        } else if (cp == 0xFFFE || cp == 0xFFFF) {
            /* forbidden noncharacters */
        } else if (n == 1) {
            buf_html_n(b, (const char *)p, 1);
        } else {
            buf_append(b, p, n);
        }
        p += n;
    }
}

/* One CSV field (RFC 4180).  A field that a spreadsheet would read as a
 * formula (leading = + - @, or TAB/CR that some programs skip) gets a
 * leading apostrophe.  Quoted when it holds a separator, quote, line break
 * or edge whitespace. */
void buf_csv(Buf *b, const char *s)
{
    if (!s)
        return;
    int prefix = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                 s[0] == '\r';
    size_t len = strlen(s);
    int quote = strpbrk(s, ",;\"\r\n") != NULL ||
                (len > 0 && (s[0] == ' ' || s[len - 1] == ' '));
    if (quote)
        buf_putc(b, '"');
    if (prefix)
        buf_putc(b, '\'');
    if (!quote) {
        buf_append(b, s, len);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            buf_append(b, s + start, i + 1 - start); /* includes the quote */
            buf_putc(b, '"');
            start = i + 1;
        }
    }
    buf_append(b, s + start, len - start);
    buf_putc(b, '"');
}
