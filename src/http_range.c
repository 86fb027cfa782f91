/* http_range.c - the HTTP Range request header (RFC 9110 section 14.2),
 * parsed as a pure function so it can be unit-tested and fuzzed apart
 * from the server.
 *
 * Only one byte range is served: a request for several ranges is answered
 * with the whole file (a server MAY ignore Range), which keeps us clear of
 * multipart/byteranges.  Numbers are plain decimal digits: no sign, no
 * inner spaces (sscanf("%llu") would have taken "-5" as 2^64-5).  A number
 * too large for 64 bits saturates, which gives the meaning RFC 9110 asks
 * for ("to the end", "past the end", "the whole file") without overflow. */
#include <stdint.h>
#include <strings.h>
#include "http_internal.h"

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* Read 1+ decimal digits at *p into *v (saturating at UINT64_MAX);
 * advances *p.  0, or -1 when no digit is there. */
static int read_u64(const char **p, uint64_t *v)
{
    const char *s = *p;
    uint64_t x = 0;
    if (*s < '0' || *s > '9')
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        unsigned d = (unsigned)(*s - '0');
        x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
    }
    *p = s;
    *v = x;
    return 0;
}

/* Parse `header` (the Range value) for a representation of `size` bytes.
 * Returns 1 with *from and *len set (len >= 1, from + len <= size) for one
 * satisfiable range (answer 206); 0 when the header is absent, malformed,
 * not in bytes or asks for several ranges (ignore it, answer 200 with the
 * whole file); -1 when it is a valid single range that cannot be satisfied
 * (answer 416 with "Content-Range: bytes * /size"). */
int http_parse_range(const char *header, uint64_t size, uint64_t *from, uint64_t *len)
{
    if (!header)
        return 0;
    const char *p = header;
    if (strncasecmp(p, "bytes", 5) != 0)
        return 0;
    p += 5;
    while (is_ows(*p)) p++;
    if (*p != '=')
        return 0;
    p++;
    while (is_ows(*p)) p++;
    uint64_t a = 0, b = UINT64_MAX;
    int suffix = 0;
    if (*p == '-') {
        p++;
        suffix = 1;
        if (read_u64(&p, &b) < 0)
            return 0;
    } else {
        if (read_u64(&p, &a) < 0 || *p != '-')
            return 0;
        p++;
        if (*p >= '0' && *p <= '9')
            read_u64(&p, &b);
    }
    while (is_ows(*p)) p++;
    if (*p != '\0')
        return 0;   /* several ranges, or trailing junk */
    if (suffix) {
        /* "-N": the last N bytes; an empty file or N = 0 has none. */
        if (b == 0 || size == 0)
            return -1;
        if (b > size)
            b = size;
        *from = size - b;
        *len = b;
        return 1;
    }
    if (b < a)
        return 0;   /* "5-3" is invalid, not unsatisfiable: ignore it */
    if (a >= size)
        return -1;
    if (b >= size)
        b = size - 1;
    *from = a;
    *len = b - a + 1;
    return 1;
}
