/* fuzz_md.c - Markdown rendering (md_render) and excerpts (md_excerpt).
 * Article bodies come from editors, whose accounts can be stolen, so the
 * rendered HTML must be safe whatever they type.  Oracles on md_render's
 * output (a real safety check, not just "no crash"):
 *  - every tag is one cmark writes for Markdown, from a fixed list, with
 *    only the attributes Markdown produces (href, src, alt, title, start,
 *    class); raw HTML from the input appears only as the "raw HTML
 *    omitted" comment, so "<script" and event handlers cannot appear;
 *  - no href/src value, after the decoding a browser does (entities,
 *    leading spaces and controls, tabs and newlines inside), starts with
 *    javascript:, vbscript: or file:, and data: only for raster images
 *    (png, gif, jpeg, webp).
 * md_excerpt: valid UTF-8, no edge spaces, at most maxchars code points
 * (the first input byte is maxchars; the rest is the Markdown).  The
 * excerpt is plain text that templates escape, so '<' typed as text may
 * stay in it. */
#include <ctype.h>
#include "fuzz.h"
#include "md.h"
#include "vn.h"

static const char *const TAGS[] = {
    "p", "em", "strong", "a", "img", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", NULL};
static const char *const ATTRS[] = {"href", "src", "alt", "title", "start", "class", NULL};

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(list[i], s, n)) return 1;
    return 0;
}

/* Decode what a browser would in an attribute value before looking at
 * the URL scheme: character references (named ones cmark writes, and
 * numeric), then drop leading C0/space and any tab/CR/LF. */
static void url_scheme_view(const char *v, size_t n, char *out, size_t outlen)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < outlen; i++) {
        unsigned c = (unsigned char)v[i];
        if (c == '&') {
            size_t j = i + 1;
            if (j < n && v[j] == '#') {
                unsigned cp = 0;
                j++;
                int hex = j < n && (v[j] == 'x' || v[j] == 'X');
                if (hex) j++;
                while (j < n && (hex ? isxdigit((unsigned char)v[j]) : isdigit((unsigned char)v[j]))) {
                    cp = cp * (hex ? 16 : 10) + (unsigned)(isdigit((unsigned char)v[j]) ? v[j] - '0' : (tolower((unsigned char)v[j]) - 'a' + 10));
                    if (cp > 0x10FFFF) cp = 0x10FFFF;
                    j++;
                }
                if (j < n && v[j] == ';') j++;
                c = cp < 0x80 ? cp : 0x80;   /* only ASCII matters for a scheme */
                i = j - 1;
            } else {
                static const struct { const char *e; char c; } ents[] = {
                    {"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"colon;", ':'},
                    {"Tab;", '\t'}, {"NewLine;", '\n'}};
                for (size_t e = 0; e < sizeof ents / sizeof ents[0]; e++) {
                    size_t m = strlen(ents[e].e);
                    if (j + m <= n && !memcmp(v + j, ents[e].e, m)) { c = (unsigned char)ents[e].c; i = j + m - 1; break; }
                }
            }
        }
        if (c == '\t' || c == '\n' || c == '\r') continue;
        if (k == 0 && c <= 0x20) continue;
        out[k++] = (char)tolower((int)c);
    }
    out[k] = 0;
}

static void check_url(const char *attr, size_t alen, const char *v, size_t n, const char *html)
{
    char u[64];
    url_scheme_view(v, n, u, sizeof u);
    FUZZ_CHECK(strncmp(u, "javascript:", 11) && strncmp(u, "vbscript:", 9) && strncmp(u, "file:", 5),
               "dangerous URL \"%.*s\" in %s", (int)n, v, html);
    if (!strncmp(u, "data:", 5)) {
        /* cmark keeps data: only for raster images (in links too: a PNG
         * cannot run script); never SVG or HTML. */
        (void)attr, (void)alen;
        int raster = !strncmp(u + 5, "image/png", 9) || !strncmp(u + 5, "image/gif", 9) ||
                     !strncmp(u + 5, "image/jpeg", 10) || !strncmp(u + 5, "image/webp", 10);
        FUZZ_CHECK(raster, "data: URL that is not a raster image: \"%.*s\"", (int)n, v);
    }
}

static void check_html(const char *h, size_t n)
{
    static const char COMMENT[] = "<!-- raw HTML omitted -->";
    FUZZ_CHECK(!fuzz_icontains(h, n, "<script"), "<script in %s", h);
    for (size_t i = 0; i < n; i++) {
        if (h[i] != '<') continue;
        if (!strncmp(h + i, COMMENT, sizeof COMMENT - 1)) { i += sizeof COMMENT - 2; continue; }
        size_t j = i + 1;
        if (h[j] == '/') j++;
        size_t ns = j;
        while (j < n && isalnum((unsigned char)h[j])) j++;
        FUZZ_CHECK(in_list(TAGS, h + ns, j - ns), "unexpected tag \"%.*s\" in %s", (int)(j - ns + 1), h + ns - 1, h);
        for (;;) {
            while (j < n && h[j] == ' ') j++;
            if (j < n && h[j] == '>') break;
            if (j + 1 < n && h[j] == '/' && h[j + 1] == '>') { j++; break; }
            size_t as = j;
            while (j < n && isalpha((unsigned char)h[j])) j++;
            FUZZ_CHECK(in_list(ATTRS, h + as, j - as), "unexpected attribute \"%.*s\" in %s", (int)(j - as + 1), h + as, h);
            FUZZ_CHECK(j + 1 < n && h[j] == '=' && h[j + 1] == '"', "attribute without quoted value in %s", h);
            size_t vs = j + 2;
            const char *q = memchr(h + vs, '"', n - vs);
            FUZZ_CHECK(q, "unterminated attribute in %s", h);
            size_t vn = (size_t)(q - (h + vs));
            FUZZ_CHECK(!memchr(h + vs, '<', vn) && !memchr(h + vs, '>', vn), "raw < or > in attribute");
            if ((j - as == 4 && !memcmp(h + as, "href", 4)) || (j - as == 3 && !memcmp(h + as, "src", 3)))
                check_url(h + as, j - as, h + vs, vn, h);
            j = vs + vn + 1;
        }
        i = j;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024) return 0;
    size_t maxchars = data[0];
    char *md = fuzz_str(data + 1, size - 1);
    Arena *a = arena_new();
    Buf out;
    buf_init(&out, a);
    md_render(&out, md);
    check_html(buf_str(&out), out.len);
    FUZZ_CHECK(vn_utf8_valid(buf_str(&out), out.len), "md_render output not valid UTF-8");

    char *ex = md_excerpt(a, md, maxchars);
    size_t exn = strlen(ex);
    FUZZ_CHECK(vn_utf8_valid(ex, exn), "excerpt not valid UTF-8");
    if (maxchars)
        FUZZ_CHECK(vn_char_count(ex) <= maxchars, "excerpt %zu code points > %zu", vn_char_count(ex), maxchars);
    FUZZ_CHECK(!exn || (ex[0] != ' ' && ex[exn - 1] != ' '), "excerpt edge space: \"%s\"", ex);
    arena_free(a);
    free(md);
    return 0;
}
