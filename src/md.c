/* md.c - Markdown to HTML and plain-text excerpts, via cmark (see md.h).
 *
 * Article bodies are written in CommonMark by editors.  cmark 0.30 is safe
 * by default (we never pass CMARK_OPT_UNSAFE): raw HTML blocks and inline
 * HTML become "<!-- raw HTML omitted -->", and link/image destinations with
 * javascript:, vbscript:, file: or non-image data: schemes are emptied.
 * CMARK_OPT_SAFE is passed as well so the intent survives a library whose
 * default differs.  Invalid UTF-8 is replaced with U+FFFD.
 *
 * md_excerpt walks the AST rather than stripping tags from HTML, so no
 * markup, raw HTML or entity survives into the summary text (which the
 * template will HTML-escape like any other text). */
#include "md.h"

#include <cmark.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MD_OPTS (CMARK_OPT_SAFE | CMARK_OPT_VALIDATE_UTF8)

static void md_oom(void)
{
    fprintf(stderr, "hoidong: out of memory (cmark)\n");
    abort();
}

/* Append the HTML rendering of markdown to out.  NULL appends nothing. */
void md_render(Buf *out, const char *markdown)
{
    if (!markdown)
        return;
    char *html = cmark_markdown_to_html(markdown, strlen(markdown), MD_OPTS);
    if (!html)
        md_oom();
    buf_puts(out, html);
    free(html);
}

/* Append text to b, collapsing any run of whitespace (across node
 * boundaries too: *pending_space carries it) into one space. */
static void put_text(Buf *b, const char *s, int *pending_space)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            *pending_space = 1;
            continue;
        }
        if (*pending_space && b->len > 0)
            buf_putc(b, ' ');
        *pending_space = 0;
        buf_putc(b, (char)c);
    }
}

/* Whether a node ends a block, so its text must not run into the next. */
static int is_block(cmark_node_type t)
{
    return t >= CMARK_NODE_FIRST_BLOCK && t <= CMARK_NODE_LAST_BLOCK;
}

/* Plain-text excerpt (see md.h).  maxchars counts code points including
 * the final "…"; 0 means no limit.  When cut, the cut goes back to the last
 * space if that loses no more than a fifth of the text, so words are not
 * split.  Returns an arena string, "" for NULL/empty input. */
char *md_excerpt(Arena *a, const char *markdown, size_t maxchars)
{
    if (!markdown)
        return arena_strdup(a, "");
    cmark_node *doc = cmark_parse_document(markdown, strlen(markdown), MD_OPTS);
    if (!doc)
        md_oom();
    Buf b;
    buf_init(&b, a);
    int space = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_EXIT) {
            if (is_block(t))
                space = 1;
            continue;
        }
        switch (t) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_CODE_BLOCK:
            put_text(&b, cmark_node_get_literal(n), &space);
            if (t == CMARK_NODE_CODE_BLOCK)
                space = 1;
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
        case CMARK_NODE_THEMATIC_BREAK:
            space = 1;
            break;
        default: /* raw HTML is not text; containers just recurse */
            break;
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);

    char *s = b.data ? b.data : arena_strdup(a, "");
    if (maxchars == 0)
        return s;
    /* find the byte offset of code point number maxchars-1 (room for "…") */
    size_t count = 0, cut = 0, i;
    for (i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (count == maxchars - 1)
                cut = i;
            count++;
        }
    }
    if (count <= maxchars)
        return s;
    /* prefer a word boundary */
    size_t sp = cut;
    while (sp > 0 && s[sp] != ' ')
        sp--;
    if (sp > 0 && sp * 5 >= cut * 4)
        cut = sp;
    /* no dangling separator or punctuation before the ellipsis */
    while (cut > 0 && strchr(" ,;:-", s[cut - 1]))
        cut--;
    Buf r;
    buf_init(&r, a);
    buf_append(&r, s, cut);
    buf_puts(&r, "…");
    return r.data;
}
