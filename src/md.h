/* md.h - Markdown to HTML via cmark, with raw HTML disabled (CMARK_OPT_SAFE
 * semantics: raw HTML replaced by a comment, javascript:/vbscript:/data: (non-image) links dropped). */
#ifndef HD_MD_H
#define HD_MD_H
#include "buf.h"
void md_render(Buf *out, const char *markdown);
/* Plain-text excerpt (markup stripped) of at most maxchars code points, ending with "…" when cut. */
char *md_excerpt(Arena *a, const char *markdown, size_t maxchars);
#endif
