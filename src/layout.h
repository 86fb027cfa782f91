/* layout.h - what every page of the site shares, below the pages: the
 * layout's template context (site name and contact data, menu, signed-in
 * user, CSRF token, dates, the sidebar blocks) and the pieces of it that
 * pages reuse (the menu with another active item, the document rows of
 * the sidebar and of /van-ban, the site's URL shapes).
 *
 * It sits under the pages and under the reply layer: reply_page and
 * reply_error (http_reply.c) build error pages from layout_ctx, so nothing
 * here may call a page_* module (docs/ARCHITECTURE.md, "Layers";
 * scripts/check-layers.sh enforces it).  Everything returned lives in the
 * request arena. */
#ifndef HD_LAYOUT_H
#define HD_LAYOUT_H
#include <stdint.h>
#include "http.h"

/* The context every page starts from: site_name, site_subtitle,
 * site_address/phone/email, menu, user, csrf, year, now, today, path, and
 * `sidebar` = {docs, has_docs: the latest documents; poll, links, stats:
 * the engagement blocks} (sidebar.html renders each block when present;
 * staff pages under /quan-tri get no engagement blocks).  Pages extend the
 * map.  A database failure, or no database (r->db NULL), leaves the
 * database-derived parts empty, so error pages still render. */
Val *layout_ctx(Req *r);

/* Menu: "Trang chủ" then the top-level categories shown in the menu, by
 * position.  active_slug marks the current category (NULL: decided from
 * the path).  A list of {name, url, active}; only "Trang chủ" without a
 * database or on a database error. */
Val *layout_menu(Req *r, const char *active_slug);

/* Documents ("văn bản"): attachments of visible articles that carry a
 * document number or belong to the van-ban category (or a child of it),
 * newest first.  layout_documents returns rows {id, number, title,
 * filename, issued_at, date, article_title, article_url, url, type, size}
 * of that list (limit rows from offset), or NULL on a database error;
 * layout_document_count returns how many there are, or -1. */
Val *layout_documents(Req *r, int64_t limit, int64_t offset);
int64_t layout_document_count(Req *r);

/* The site's URL shapes, as arena strings: /bai-viet/<slug>,
 * /chuyen-muc/<slug>, /tep/<id>/<percent-encoded file name>. */
const char *layout_article_url(Arena *a, const char *slug);
const char *layout_category_url(Arena *a, const char *slug);
const char *layout_attachment_url(Arena *a, int64_t id, const char *filename);
/* Short label a reader recognises for a MIME type ("PDF", "Word (DOCX)");
 * "Tệp" for anything else.  A static string. */
const char *layout_type_label(const char *mime);
#endif
