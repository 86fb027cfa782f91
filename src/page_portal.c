/* page_portal.c - the public portal: home page, category lists, articles
 * (and their print view), the document list, attachment downloads, the
 * embedded static assets and the health check.  The context every page
 * starts from (site name, menu, user, sidebar), the document rows and the
 * site's URL shapes are in layout.c, below the pages.
 *
 * Visibility: the public sees an article only when ARTICLE_VISIBLE_SQL holds
 * (published, or scheduled and due) with ?1 bound to r->now; everything else
 * answers 404 exactly as an unknown slug does, so drafts cannot be probed.
 * Handlers build a Val tree and let the templates escape; nothing here
 * writes HTML except md_render's output for article bodies. */
#include <string.h>
#include <stdio.h>
#include "page.h"
#include "page_util.h"
#include "layout.h"
#include "http.h"
#include "db.h"
#include "tmpl.h"
#include "vn.h"
#include "md.h"
#include "content.h"
#include "config.h"

#define PER_PAGE 20
#define HOME_FEATURED 5
#define HOME_PER_CATEGORY 5
#define RELATED_COUNT 5

/* ---------------------------------------------------------------- helpers */

/* PDFs and images open in the browser; office documents are downloaded. */
static int mime_inline(const char *mime)
{
    return mime && (strcmp(mime, "application/pdf") == 0 || strncmp(mime, "image/", 6) == 0);
}

/* Page number from ?trang=N, clamped to [1, pages] (pages >= 1). */
static int64_t page_number(Req *r, int64_t pages)
{
    int64_t p = req_int(r, "trang", 1, 1, 1000000000);
    if (p > pages) p = pages;
    return p;
}

static int64_t page_count(int64_t total)
{
    int64_t pages = (total + PER_PAGE - 1) / PER_PAGE;
    return pages < 1 ? 1 : pages;
}

/* The columns every article list reads, in this order, and the joins they
 * need.  The cover picture is shown through the article's attachment that
 * holds the cover file (files are only served via attachments). */
#define ART_COLS \
    "a.id, a.title, a.slug, a.summary, COALESCE(a.published_at, a.created_at), a.author, " \
    "c.name, c.slug, cv.id, cv.filename, a.body"
#define ART_FROM \
    " FROM articles a JOIN categories c ON c.id = a.category_id" \
    " LEFT JOIN attachments cv ON cv.id = (SELECT MIN(x.id) FROM attachments x" \
    " WHERE x.article_id = a.id AND x.file_id = a.cover_file_id)"

/* Ids of the newest visible articles matching `cond` (SQL on alias a),
 * LIMIT lim OFFSET off.  Picked from the (category_id, status,
 * published_at) index alone, then the caller joins the full rows of just
 * these: ordering every matching row with its body made the home page
 * take over a second with 10 000 articles (bench/run.sh).  Visible
 * articles always have published_at (content.c sets it when publishing
 * and scheduling requires it), so it equals COALESCE(published_at,
 * created_at) here. */
#define LATEST_IDS(cond, lim, off) \
    "SELECT a.id FROM articles a WHERE " ARTICLE_VISIBLE_SQL cond \
    " ORDER BY a.published_at DESC, a.id DESC LIMIT " lim " OFFSET " off

/* One article list item {id, title, url, summary, published_at, date,
 * author, category_name, category_url, cover_url?} from a row of ART_COLS.
 * The summary falls back to an excerpt of the body. */
static Val *article_item(Req *r, Stmt *st)
{
    Arena *a = r->arena;
    Val *it = val_map(a);
    int64_t t = db_col_int(st, 4);
    char *slug = db_col_dup(st, 2, a);
    char *summary = db_col_dup(st, 3, a);
    if (!summary || !*summary) summary = md_excerpt(a, db_col_text(st, 10), 220);
    val_set_int(it, "id", db_col_int(st, 0));
    val_set_str(it, "title", db_col_dup(st, 1, a));
    val_set_str(it, "url", layout_article_url(a, slug));
    val_set_str(it, "summary", summary ? summary : "");
    val_set_int(it, "published_at", t);
    val_set_str(it, "date", page_date_text(a, t));
    val_set_str(it, "author", db_col_dup(st, 5, a));
    val_set_str(it, "category_name", db_col_dup(st, 6, a));
    val_set_str(it, "category_url", layout_category_url(a, db_col_text(st, 7)));
    if (!db_col_is_null(st, 8))
        val_set_str(it, "cover_url", layout_attachment_url(a, db_col_int(st, 8), db_col_text(st, 9)));
    else
        val_set_str(it, "cover_url", "");
    return it;
}

/* Run a prepared article-list statement to the end, collecting items.
 * Returns the list (possibly empty), or NULL on a database error. */
static Val *article_list(Req *r, Stmt *st)
{
    Val *list = val_list(r->arena);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) val_push(list, article_item(r, st));
    db_done(st);
    return rc == DB_DONE ? list : NULL;
}

/* ------------------------------------------------------------- pages */

/* GET / - home: featured articles, then the latest articles of every
 * top-level menu category (its sub-categories included).  Public. */
int page_home(Req *r)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "is_home", 1);
    val_set_str(ctx, "description", val_as_str(val_get(ctx, "site_name")));
    val_set_str(ctx, "canonical", arena_printf(a, "%s/", cfg.site_url ? cfg.site_url : ""));
    r->visit_page = 1;
    r->cacheable = 1;       /* same for every anonymous reader: http_cache may keep it */

    /* Featured: the first is the lead story (large, with cover), the
     * others a short list beside it. */
    Stmt *st = db_prepare(r->db, "SELECT " ART_COLS ART_FROM
        " WHERE a.id IN (SELECT f.id FROM articles f WHERE f.featured >= 1)"   /* partial index */
        " AND " ARTICLE_VISIBLE_SQL
        " ORDER BY a.featured DESC, COALESCE(a.published_at, a.created_at) DESC, a.id DESC LIMIT ?2");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "li", (int64_t)r->now, HOME_FEATURED);
    Val *rest = val_list(a);
    int rc, first = 1;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *it = article_item(r, st);
        if (first) val_set(ctx, "lead", it);
        else val_push(rest, it);
        first = 0;
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "featured", rest);
    val_set_bool(ctx, "has_featured", val_len(rest) > 0);

    /* Per top-level category: the latest few of its subtree. */
    Val *sections = val_list(a);
    Stmt *cs = db_prepare(r->db,
        "SELECT id, name, slug FROM categories WHERE in_menu = 1 AND parent_id IS NULL"
        " ORDER BY position, id");
    if (!cs) return reply_error(r, 500, NULL);
    typedef struct { int64_t id; const char *name, *slug; } Cat;
    Cat cats[64];
    int ncat = 0;
    while ((rc = db_step(cs)) == DB_ROW && ncat < 64) {
        cats[ncat].id = db_col_int(cs, 0);
        cats[ncat].name = db_col_dup(cs, 1, a);
        cats[ncat].slug = db_col_dup(cs, 2, a);
        ncat++;
    }
    db_done(cs);
    for (int i = 0; i < ncat; i++) {
        Stmt *as = db_prepare(r->db,
            "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?2"
            " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id)"
            " SELECT " ART_COLS ART_FROM
            " WHERE a.id IN (" LATEST_IDS(" AND a.category_id IN (SELECT id FROM sub)", "?3", "0") ")"
            " ORDER BY a.published_at DESC, a.id DESC");
        if (!as) return reply_error(r, 500, NULL);
        db_bindf(as, "lli", (int64_t)r->now, (int64_t)cats[i].id, HOME_PER_CATEGORY);
        /* The newest with its summary, the others as headlines. */
        Val *sec = val_map(a), *items = val_list(a);
        int n = 0;
        while ((rc = db_step(as)) == DB_ROW) {
            Val *it = article_item(r, as);
            if (n++ == 0) val_set(sec, "top", it);
            else val_push(items, it);
        }
        db_done(as);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        if (n == 0) continue;
        val_set_str(sec, "name", cats[i].name);
        val_set_str(sec, "slug", cats[i].slug);
        val_set_str(sec, "url", layout_category_url(a, cats[i].slug));
        val_set(sec, "articles", items);
        val_set_bool(sec, "has_more", val_len(items) > 0);
        val_push(sections, sec);
    }
    val_set(ctx, "sections", sections);
    val_set_bool(ctx, "empty", val_len(sections) == 0 && !val_get(ctx, "lead"));
    return reply_page(r, 200, "home", NULL, ctx);
}

/* GET /chuyen-muc/:slug?trang=N - the articles of a category and its
 * sub-categories, newest first, PER_PAGE a page (bad page numbers are
 * clamped).  Unknown slug: 404.  Public. */
int page_category(Req *r)
{
    Arena *a = r->arena;
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    if (!slug || !*slug) return reply_error(r, 404, NULL);
    Stmt *st = db_prepare(r->db,
        "SELECT c.id, c.name, c.description, p.name, p.slug FROM categories c"
        " LEFT JOIN categories p ON p.id = c.parent_id WHERE c.slug = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "t", slug);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500,
                           rc == DB_DONE ? "Chuyên mục này không tồn tại hoặc đã bị gỡ bỏ." : NULL);
    }
    int64_t cat_id = db_col_int(st, 0);
    const char *name = db_col_dup(st, 1, a);
    const char *desc = db_col_dup(st, 2, a);
    const char *parent_name = db_col_dup(st, 3, a);
    const char *parent_slug = db_col_dup(st, 4, a);
    db_done(st);

    Val *ctx = layout_ctx(r);
    const char *base = layout_category_url(a, slug);
    if (parent_slug) val_set(ctx, "menu", layout_menu(r, parent_slug));
    r->visit_page = 1;
    r->cacheable = 1;       /* same for every anonymous reader: http_cache may keep it */

    /* Sub-categories. */
    Val *subs = val_list(a);
    st = db_prepare(r->db, "SELECT name, slug FROM categories WHERE parent_id = ?1 ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "l", (int64_t)cat_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *s = val_map(a);
        val_set_str(s, "name", db_col_dup(st, 0, a));
        val_set_str(s, "url", layout_category_url(a, db_col_text(st, 1)));
        val_push(subs, s);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);

    int64_t total = db_int(r->db, -1,
        "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?2"
        " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id)"
        " SELECT COUNT(*) FROM articles a WHERE " ARTICLE_VISIBLE_SQL
        " AND a.category_id IN (SELECT id FROM sub)",
        "ll", (int64_t)r->now, (int64_t)cat_id);
    if (total < 0) return reply_error(r, 500, NULL);
    int64_t pages = page_count(total);
    int64_t page = page_number(r, pages);

    st = db_prepare(r->db,
        "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?2"
        " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id)"
        " SELECT " ART_COLS ART_FROM
        " WHERE a.id IN (" LATEST_IDS(" AND a.category_id IN (SELECT id FROM sub)", "?3", "?4") ")"
        " ORDER BY a.published_at DESC, a.id DESC");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "llll", (int64_t)r->now, (int64_t)cat_id, (int64_t)PER_PAGE,
             (int64_t)((page - 1) * PER_PAGE));
    Val *items = article_list(r, st);
    if (!items) return reply_error(r, 500, NULL);

    Val *cat = val_map(a);
    val_set_str(cat, "name", name);
    val_set_str(cat, "intro", desc ? desc : "");
    val_set_str(cat, "url", base);
    val_set(ctx, "category", cat);
    val_set(ctx, "subcategories", subs);
    val_set_bool(ctx, "has_subcategories", val_len(subs) > 0);
    val_set(ctx, "articles", items);
    val_set_bool(ctx, "has_articles", val_len(items) > 0);
    val_set_int(ctx, "total", total);
    Val *pager = page_pager(a, base, page, pages);
    if (pager) val_set(ctx, "pager", pager);

    Val *crumbs = val_list(a);
    if (parent_slug) val_push(crumbs, page_crumb(a, parent_name, layout_category_url(a, parent_slug)));
    val_push(crumbs, page_crumb(a, name, NULL));
    val_set(ctx, "crumbs", crumbs);
    if (desc && *desc) val_set_str(ctx, "description", desc);
    val_set_str(ctx, "canonical", arena_printf(a, "%s%s", cfg.site_url ? cfg.site_url : "",
                                               page_url(a, base, page)));
    /* search and feeds: the category's Atom feed (page_feeds.c), linked from the head */
    val_set_str(ctx, "feed_url", arena_printf(a, "%s/atom", base));
    val_set_str(ctx, "feed_title", arena_printf(a, "Tin mới – %s", name));
    const char *title = page > 1 ? arena_printf(a, "%s – Trang %lld", name, (long long)page) : name;
    return reply_page(r, 200, "category", title, ctx);
}

/* Load a visible article by slug into ctx["article"] and friends: category,
 * attachments, crumbs, canonical/og.  Returns 0, 404 or 500. */
static int article_load(Req *r, Val *ctx, const char *slug, int64_t *out_id, const char **out_title)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT a.id, a.title, a.summary, a.body, a.author, COALESCE(a.published_at, a.created_at),"
        " a.updated_at, c.id, c.name, c.slug, p.name, p.slug, cv.id, cv.filename, a.category_id"
        " FROM articles a JOIN categories c ON c.id = a.category_id"
        " LEFT JOIN categories p ON p.id = c.parent_id"
        " LEFT JOIN attachments cv ON cv.id = (SELECT MIN(x.id) FROM attachments x"
        " WHERE x.article_id = a.id AND x.file_id = a.cover_file_id)"
        " WHERE a.slug = ?2 AND " ARTICLE_VISIBLE_SQL);
    if (!st) return 500;
    db_bindf(st, "lt", (int64_t)r->now, slug);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? 404 : 500;
    }
    int64_t id = db_col_int(st, 0);
    const char *title = db_col_dup(st, 1, a);
    const char *summary = db_col_dup(st, 2, a);
    const char *body = db_col_dup(st, 3, a);
    const char *author = db_col_dup(st, 4, a);
    int64_t pub = db_col_int(st, 5);
    int64_t updated = db_col_int(st, 6);
    int64_t cat_id = db_col_int(st, 7);
    const char *cat_name = db_col_dup(st, 8, a);
    const char *cat_slug = db_col_dup(st, 9, a);
    const char *parent_name = db_col_dup(st, 10, a);
    const char *parent_slug = db_col_dup(st, 11, a);
    const char *cover = db_col_is_null(st, 12) ? NULL
                      : layout_attachment_url(a, db_col_int(st, 12), db_col_text(st, 13));
    db_done(st);

    Buf html;
    buf_init(&html, a);
    md_render(&html, body ? body : "");
    const char *url = layout_article_url(a, slug);
    const char *abs_url = arena_printf(a, "%s%s", cfg.site_url ? cfg.site_url : "", url);
    const char *desc = (summary && *summary) ? summary : md_excerpt(a, body ? body : "", 200);

    Val *art = val_map(a);
    val_set_int(art, "id", id);
    val_set_str(art, "title", title);
    val_set_str(art, "summary", summary ? summary : "");
    val_set_str(art, "author", author ? author : "");
    val_set_int(art, "published_at", pub);
    val_set_str(art, "date", page_date_text(a, pub));
    val_set_int(art, "updated_at", updated);
    val_set_str(art, "body_html", buf_str(&html));
    val_set_str(art, "url", url);
    val_set_str(art, "abs_url", abs_url);
    val_set_str(art, "print_url", arena_printf(a, "%s/in", url));
    val_set_str(art, "cover_url", cover ? cover : "");
    val_set_str(art, "category_name", cat_name);
    val_set_str(art, "category_url", layout_category_url(a, cat_slug));
    val_set(ctx, "article", art);

    /* Attachments (the cover picture is shown, not listed). */
    Val *atts = val_list(a);
    st = db_prepare(r->db,
        "SELECT at.id, at.filename, at.title, at.doc_number, f.mime, f.size"
        " FROM attachments at JOIN files f ON f.id = at.file_id"
        " JOIN articles a ON a.id = at.article_id"
        " WHERE at.article_id = ?1"
        " AND (a.cover_file_id IS NULL OR at.file_id <> a.cover_file_id)"
        " ORDER BY at.position, at.id");
    if (!st) return 500;
    db_bindf(st, "l", (int64_t)id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *f = val_map(a);
        int64_t aid = db_col_int(st, 0);
        const char *fn = db_col_dup(st, 1, a);
        val_set_int(f, "id", aid);
        val_set_str(f, "filename", fn);
        val_set_str(f, "label", db_col_dup(st, 2, a));
        val_set_str(f, "number", db_col_dup(st, 3, a));
        val_set_str(f, "type", layout_type_label(db_col_text(st, 4)));
        val_set_str(f, "size", page_size_text(a, db_col_int(st, 5)));
        val_set_str(f, "url", layout_attachment_url(a, aid, fn));
        val_push(atts, f);
    }
    db_done(st);
    if (rc != DB_DONE) return 500;
    val_set(ctx, "attachments", atts);
    val_set_bool(ctx, "has_attachments", val_len(atts) > 0);

    /* Related: the latest others of the same category. */
    st = db_prepare(r->db, "SELECT " ART_COLS ART_FROM
        " WHERE a.id IN (" LATEST_IDS(" AND a.category_id = ?2 AND a.id <> ?3", "?4", "0") ")"
        " ORDER BY a.published_at DESC, a.id DESC");
    if (!st) return 500;
    db_bindf(st, "llli", (int64_t)r->now, (int64_t)cat_id, (int64_t)id, RELATED_COUNT);
    Val *related = article_list(r, st);
    if (!related) return 500;
    val_set(ctx, "related", related);
    val_set_bool(ctx, "has_related", val_len(related) > 0);

    Val *crumbs = val_list(a);
    if (parent_slug) val_push(crumbs, page_crumb(a, parent_name, layout_category_url(a, parent_slug)));
    val_push(crumbs, page_crumb(a, cat_name, layout_category_url(a, cat_slug)));
    val_push(crumbs, page_crumb(a, title, NULL));
    val_set(ctx, "crumbs", crumbs);
    val_set(ctx, "menu", layout_menu(r, parent_slug ? parent_slug : cat_slug));

    val_set_str(ctx, "description", desc ? desc : "");
    val_set_str(ctx, "canonical", abs_url);
    Val *og = val_map(a);
    val_set_str(og, "title", title);
    val_set_str(og, "description", desc ? desc : "");
    val_set_str(og, "type", "article");
    val_set_str(og, "url", abs_url);
    if (cover) val_set_str(og, "image", arena_printf(a, "%s%s", cfg.site_url ? cfg.site_url : "", cover));
    val_set(ctx, "og", og);

    *out_id = id;
    *out_title = title;
    return 0;
}

/* GET /bai-viet/:slug - one article with its attachments and related
 * articles.  Not visible (draft, archived, scheduled for later) or unknown:
 * 404.  Counted as a page view of the article.  Public. */
int page_article(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    if (!slug || !*slug) return reply_error(r, 404, NULL);
    Val *ctx = layout_ctx(r);
    int64_t id = 0;
    const char *title = NULL;
    int rc = article_load(r, ctx, slug, &id, &title);
    if (rc == 404) return reply_error(r, 404, "Bài viết này không tồn tại hoặc chưa được đăng.");
    if (rc) return reply_error(r, 500, NULL);
    /* Ratings and approved comments (page_engage.c). */
    if (engage_article_ctx(r, ctx, id, slug) != 0) return reply_error(r, 500, NULL);
    r->visit_page = 1;
    r->cacheable = 1;       /* same for every anonymous reader: http_cache may keep it */
    r->visit_article = id;
    return reply_page(r, 200, "article", title, ctx);
}

/* GET /bai-viet/:slug/in - printable view of an article: its own complete
 * template (no menu, no sidebar).  Same visibility as page_article.  Public. */
int page_article_print(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    if (!slug || !*slug) return reply_error(r, 404, NULL);
    Val *ctx = layout_ctx(r);
    int64_t id = 0;
    const char *title = NULL;
    int rc = article_load(r, ctx, slug, &id, &title);
    if (rc == 404) return reply_error(r, 404, "Bài viết này không tồn tại hoặc chưa được đăng.");
    if (rc) return reply_error(r, 500, NULL);
    val_set_str(ctx, "title", title);
    if (tmpl_render(&r->out, "article_print", ctx) != 0) return reply_error(r, 500, NULL);
    r->content_type = "text/html; charset=utf-8";
    r->cacheable = 1;
    return 200;
}

/* GET /van-ban?trang=N - the document list (see layout_documents), newest first,
 * PER_PAGE a page.  Public. */
int page_documents(Req *r)
{
    Arena *a = r->arena;
    int64_t total = layout_document_count(r);
    if (total < 0) return reply_error(r, 500, NULL);
    int64_t pages = page_count(total);
    int64_t page = page_number(r, pages);
    Val *docs = layout_documents(r, PER_PAGE, (page - 1) * PER_PAGE);
    if (!docs) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    r->cacheable = 1;       /* same for every anonymous reader: http_cache may keep it */
    val_set(ctx, "documents", docs);
    val_set_bool(ctx, "has_documents", val_len(docs) > 0);
    val_set_int(ctx, "total", total);
    Val *pager = page_pager(a, "/van-ban", page, pages);
    if (pager) val_set(ctx, "pager", pager);
    Val *crumbs = val_list(a);
    val_push(crumbs, page_crumb(a, "Văn bản", NULL));
    val_set(ctx, "crumbs", crumbs);
    val_set_str(ctx, "description", "Văn bản, đề án, nghị quyết đăng trên trang thông tin điện tử.");
    val_set_str(ctx, "canonical", arena_printf(a, "%s%s", cfg.site_url ? cfg.site_url : "",
                                               page_url(a, "/van-ban", page)));
    const char *title = page > 1 ? arena_printf(a, "Văn bản – Trang %lld", (long long)page) : "Văn bản";
    return reply_page(r, 200, "documents", title, ctx);
}

/* GET /tep/:id/:name - download an attachment (its article must be
 * visible).  The name segment is informative; the id decides.  PDFs and
 * pictures open inline, other types download; Range and ETag are handled
 * by reply_file.  Public. */
int page_attachment(Req *r)
{
    const char *ids = r->nargs > 0 ? r->args[0] : NULL;
    int64_t id = 0;
    if (!ids || !*ids || strlen(ids) > 18) return reply_error(r, 404, NULL);
    for (const char *p = ids; *p; p++) {
        if (*p < '0' || *p > '9') return reply_error(r, 404, NULL);
        id = id * 10 + (*p - '0');
    }
    Stmt *st = db_prepare(r->db,
        "SELECT f.sha256, f.mime, at.filename FROM attachments at"
        " JOIN files f ON f.id = at.file_id JOIN articles a ON a.id = at.article_id"
        " WHERE at.id = ?2 AND " ARTICLE_VISIBLE_SQL);
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", (int64_t)r->now, (int64_t)id);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500,
                           rc == DB_DONE ? "Tệp đính kèm này không tồn tại." : NULL);
    }
    const char *sha = db_col_dup(st, 0, r->arena);
    const char *mime = db_col_dup(st, 1, r->arena);
    const char *filename = db_col_dup(st, 2, r->arena);
    db_done(st);
    const char *path = store_path(r->arena, cfg.files_dir, sha);
    return reply_file(r, path, mime, sha, filename, mime_inline(mime));
}

/* Content type for an embedded static file, from its extension. */
static const char *static_type(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".js", "text/javascript; charset=utf-8"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    if (!dot) return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return NULL;
}

/* GET /static/<name> - embedded assets from static/, cached a week.  Needs no
 * database (even its 404 is plain text).  Public. */
int page_static(Req *r)
{
    const char *name = r->nargs > 0 ? r->args[0] : NULL;
    const char *type = name ? static_type(name) : NULL;
    const EmbeddedFile *f = NULL;
    if (type && !strstr(name, "..")) f = embedded_find(arena_printf(r->arena, "static/%s", name));
    if (!f) return reply_text(r, 404, "text/plain; charset=utf-8", "Không tìm thấy tệp.\n");
    buf_append(&r->out, f->data, f->len);
    r->content_type = type;
    r->cache_seconds = 86400 * 7;
    return 200;
}

/* GET /healthz - "ok" when the database answers, 503 otherwise.  Kept out
 * of the access log.  Public. */
int page_healthz(Req *r)
{
    r->no_log = 1;
    r->cache_seconds = -1;
    if (!r->db || db_int(r->db, -1, "SELECT 1", "") != 1)
        return reply_text(r, 503, "text/plain; charset=utf-8", "database unavailable\n");
    return reply_text(r, 200, "text/plain; charset=utf-8", "ok\n");
}
