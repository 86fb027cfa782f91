/* fuzz_buf.c - the output escapers in src/buf.c, the only way outside text
 * reaches HTML, URLs, JSON, XML and CSV.  Every input goes through all
 * five.  Oracles: the escaped form contains none of the characters that
 * would break out of its context, and decoding it gives back the input
 * (except XML, which drops what XML 1.0 forbids, and is checked to be
 * valid UTF-8 without those characters). */
#include "fuzz.h"
#include "buf.h"
#include "vn.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;   /* buf_url writes upper-case hex only */
}

/* Decode the five entities buf_html produces; -1 on anything else. */
static int html_decode(const char *s, size_t n, Buf *out)
{
    static const struct { const char *e; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    for (size_t i = 0; i < n;) {
        if (s[i] != '&') { buf_putc(out, s[i++]); continue; }
        size_t k;
        for (k = 0; k < 5; k++) {
            size_t m = strlen(ents[k].e);
            if (i + m <= n && !memcmp(s + i, ents[k].e, m)) { buf_putc(out, ents[k].c); i += m; break; }
        }
        if (k == 5) return -1;
    }
    return 0;
}

static void put_utf8(Buf *b, unsigned cp)
{
    char e[3];
    if (cp < 0x80) { buf_putc(b, (char)cp); return; }
    if (cp < 0x800) { e[0] = (char)(0xC0 | (cp >> 6)); e[1] = (char)(0x80 | (cp & 0x3F)); buf_append(b, e, 2); return; }
    e[0] = (char)(0xE0 | (cp >> 12)); e[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); e[2] = (char)(0x80 | (cp & 0x3F));
    buf_append(b, e, 3);
}

/* Decode a JSON string body as buf_json writes it; -1 when it is not
 * valid JSON string content or would be unsafe inside <script>. */
static int json_decode(const char *s, size_t n, Buf *out)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '<' || c == '>' || c == '&' || c == '/' || c == 0x7f) return -1;
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) return -1; /* raw U+2028/9 */
        if (c != '\\') { buf_putc(out, (char)c); i++; continue; }
        if (i + 1 >= n) return -1;
        char e = s[i + 1];
        if (e == '"' || e == '\\' || e == '/') { buf_putc(out, e); i += 2; continue; }
        if (e != 'u' || i + 6 > n) return -1;
        unsigned cp = 0;
        for (int k = 0; k < 4; k++) {
            int h = hexval(s[i + 2 + k]);
            if (h < 0) return -1;
            cp = cp * 16 + (unsigned)h;
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) return -1;
        put_utf8(out, cp);
        i += 6;
    }
    return 0;
}

static void check_html(Arena *a, const char *in)
{
    Buf b, d;
    buf_init(&b, a);
    buf_init(&d, a);
    buf_html(&b, in);
    const char *o = buf_str(&b);
    FUZZ_CHECK(!strpbrk(o, "<>\"'"), "html escape left a special character: %s", o);
    FUZZ_CHECK(html_decode(o, b.len, &d) == 0, "html: stray '&' in %s", o);
    FUZZ_CHECK(!strcmp(buf_str(&d), in), "html round trip");
}

static void check_url(Arena *a, const char *in)
{
    Buf b, d;
    buf_init(&b, a);
    buf_init(&d, a);
    buf_url(&b, in);
    const char *o = buf_str(&b);
    for (size_t i = 0; i < b.len; i++) {
        char c = o[i];
        if (c == '%') {
            FUZZ_CHECK(i + 2 < b.len + 1 && hexval(o[i + 1]) >= 0 && hexval(o[i + 2]) >= 0,
                       "url: bad escape at %zu", i);
            buf_putc(&d, (char)(hexval(o[i + 1]) * 16 + hexval(o[i + 2])));
            i += 2;
            continue;
        }
        FUZZ_CHECK((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_' || c == '~', "url: raw 0x%02x", (unsigned char)c);
        buf_putc(&d, c);
    }
    FUZZ_CHECK(!strcmp(buf_str(&d), in), "url round trip");
}

static void check_json(Arena *a, const char *in)
{
    Buf b, d;
    buf_init(&b, a);
    buf_init(&d, a);
    buf_json(&b, in);
    FUZZ_CHECK(json_decode(buf_str(&b), b.len, &d) == 0, "json: unsafe or invalid: %s", buf_str(&b));
    FUZZ_CHECK(!strcmp(buf_str(&d), in), "json round trip");
}

static void check_xml(Arena *a, const char *in)
{
    Buf b;
    buf_init(&b, a);
    buf_xml(&b, in);
    const char *o = buf_str(&b);
    FUZZ_CHECK(vn_utf8_valid(o, b.len), "xml output is not valid UTF-8");
    FUZZ_CHECK(!strpbrk(o, "<>\"'"), "xml escape left a special character");
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)o[i];
        FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n' || c == '\r', "xml: control 0x%02x", c);
        if (c == 0xEF && i + 2 < b.len && (unsigned char)o[i + 1] == 0xBF)
            FUZZ_CHECK((unsigned char)o[i + 2] < 0xBE, "xml: U+FFFE/U+FFFF kept");
    }
    /* Text that is already valid and allowed passes unchanged (escaped). */
    if (vn_utf8_valid(in, strlen(in)) && !strstr(in, "\xEF\xBF\xBE") && !strstr(in, "\xEF\xBF\xBF")) {
        int ctl = 0;
        for (const unsigned char *p = (const unsigned char *)in; *p; p++)
            if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ctl = 1;
        if (!ctl) {
            Buf d;
            buf_init(&d, a);
            FUZZ_CHECK(html_decode(o, b.len, &d) == 0 && !strcmp(buf_str(&d), in), "xml round trip");
        }
    }
}

/* RFC 4180 reading of one field; the formula guard is part of the value. */
static void check_csv(Arena *a, const char *in)
{
    Buf b, d;
    buf_init(&b, a);
    buf_init(&d, a);
    buf_csv(&b, in);
    const char *o = buf_str(&b);
    size_t n = b.len;
    if (n && o[0] == '"') {
        FUZZ_CHECK(n >= 2 && o[n - 1] == '"', "csv: unterminated quote");
        for (size_t i = 1; i < n - 1; i++) {
            if (o[i] == '"') {
                FUZZ_CHECK(i + 1 < n - 1 && o[i + 1] == '"', "csv: lone quote inside");
                i++;
            }
            buf_putc(&d, o[i]);
        }
    } else {
        FUZZ_CHECK(!strpbrk(o, ",;\"\r\n"), "csv: unquoted separator");
        FUZZ_CHECK(!n || (o[0] != ' ' && o[n - 1] != ' '), "csv: unquoted edge space");
        buf_append(&d, o, n);
    }
    const char *v = buf_str(&d);
    FUZZ_CHECK(!strchr("=+-@\t\r", v[0]) || !v[0], "csv: formula not guarded: %s", v);
    const char *body = v;
    if (in[0] && strchr("=+-@\t\r", in[0])) {
        FUZZ_CHECK(v[0] == '\'', "csv: no apostrophe");
        body = v + 1;
    }
    FUZZ_CHECK(!strcmp(body, in), "csv round trip");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_str(data, size);
    Arena *a = arena_new();
    check_html(a, in);
    check_url(a, in);
    check_json(a, in);
    check_xml(a, in);
    check_csv(a, in);
    /* the counted variant on the raw bytes, NULs included */
    Buf b;
    buf_init(&b, a);
    buf_html_n(&b, (const char *)data, size);
    FUZZ_CHECK(!memchr(b.data ? b.data : "", '<', b.len), "html_n left '<'");
    arena_free(a);
    free(in);
    return 0;
}
