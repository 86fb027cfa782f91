/* page_feeds.c - feeds and discovery: Atom feeds of the latest news (all
 * and per category), sitemap.xml and robots.txt.
 *
 * Only visible articles appear (ARTICLE_VISIBLE_SQL at r->now).  All text
 * goes through buf_xml (XML escaping that also drops the C0 controls XML
 * 1.0 forbids), so a title with "<", "&" or a stray control character
 * still yields a well-formed document.  Times are RFC 3339 with the
 * Vietnam offset (vn_iso8601: 2022-05-12T16:30:00+07:00).  Absolute URLs
 * come from cfg.site_url.
 *
 * Entry ids are tag: URIs (RFC 4151) built from the site's host, the day
 * the article was created and its numeric id, so they survive a change of
 * title, slug or category, as Atom requires of an id. */
#include <string.h>

#include "config.h"
#include "content.h"
#include "http.h"
#include "md.h"
#include "page.h"
#include "vn.h"

#define FEED_ENTRIES 20
#define SITEMAP_MAX 50000   /* the sitemaps.org limit per file */

static const char *site_url(void)
{
    return cfg.site_url ? cfg.site_url : "";
}

/* The host of site_url (no scheme, port or path) for tag: ids; "localhost"
 * when there is none. */
static const char *site_host(Arena *a)
{
    const char *u = site_url();
    const char *p = strstr(u, "://");
    p = p ? p + 3 : u;
    size_t n = strcspn(p, ":/?#");
    return n ? arena_strndup(a, p, n) : "localhost";
}

static void put_iso(Buf *b, int64_t t)
{
    vn_iso8601(b, t);
}

/* yyyy-mm-dd of a unix time in Vietnam (the tag: date). */
static void put_day(Buf *b, int64_t t)
{
    int d = vn_day_number(t);
    buf_printf(b, "%04d-%02d-%02d", d / 10000, d / 100 % 100, d % 100);
}

/* The articles of one feed: ?1 now, ?2 category id (0 = all, else the
 * category and its sub-categories), ?3 limit.  Newest first. */
static const char sql_feed[] =
    "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?2"
    " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id)"
    " SELECT a.id, a.title, a.slug, a.summary, a.body, COALESCE(a.published_at, a.created_at),"
    " a.updated_at, a.created_at, a.author, c.name, c.slug"
    " FROM articles a JOIN categories c ON c.id = a.category_id"
    " WHERE " ARTICLE_VISIBLE_SQL " AND (?2 = 0 OR a.category_id IN (SELECT id FROM sub))"
    " ORDER BY COALESCE(a.published_at, a.created_at) DESC, a.id DESC LIMIT ?3";

/* The feed around its entries (already written to e): head, self and
 * alternate links, <updated> = the newest entry (or today's start). */
static int atom_wrap(Req *r, const char *title, const char *subtitle, const char *self, const char *alt,
                     const char *site_name, int64_t newest, const Buf *e)
{
    Arena *a = r->arena;
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n<title>");
    buf_xml(&b, title);
    buf_puts(&b, "</title>\n");
    if (subtitle && *subtitle) {
        buf_puts(&b, "<subtitle>");
        buf_xml(&b, subtitle);
        buf_puts(&b, "</subtitle>\n");
    }
    buf_puts(&b, "<id>");
    buf_xml(&b, arena_printf(a, "%s%s", site_url(), self));
    buf_puts(&b, "</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    buf_xml(&b, arena_printf(a, "%s%s", site_url(), self));
    buf_puts(&b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    buf_xml(&b, arena_printf(a, "%s%s", site_url(), alt));
    buf_puts(&b, "\"/>\n<updated>");
    /* An empty feed still needs <updated>: the start of today keeps it stable. */
    put_iso(&b, newest ? newest : vn_day_start(r->now));
    buf_puts(&b, "</updated>\n<author><name>");
    buf_xml(&b, site_name);
    buf_puts(&b, "</name></author>\n<generator>hoidong</generator>\n");
    buf_append(&b, e->data ? e->data : "", e->len);
    buf_puts(&b, "</feed>\n");
    r->cache_seconds = 300;
    return reply_text(r, 200, "application/atom+xml; charset=utf-8", buf_str(&b));
}

/* Write a whole Atom feed into r->out.  title: the feed's title; self:
 * its path; alt: the HTML page it mirrors.  Returns the status. */
static int atom_reply(Req *r, const char *title, const char *subtitle, const char *self,
                      const char *alt, int64_t cat_id)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, sql_feed);
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "lli", (int64_t)r->now, cat_id, FEED_ENTRIES);
    Buf e;   /* entries, written first: the feed's <updated> is their newest time */
    buf_init(&e, a);
    const char *host = site_host(a);
    const char *site_name = db_text(r->db, a, "SELECT value FROM settings WHERE key = 'site_name'", "");
    if (!site_name || !*site_name) site_name = "Trang thông tin điện tử HĐND";
    int64_t newest = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        int64_t pub = db_col_int(st, 5);
        int64_t upd = db_col_int(st, 6);
        if (upd < pub) upd = pub;
        if (upd > newest) newest = upd;
        const char *summary = db_col_text(st, 3);
        if (!*summary) summary = md_excerpt(a, db_col_text(st, 4), 300);
        const char *url = arena_printf(a, "%s/bai-viet/%s", site_url(), db_col_text(st, 2));
        buf_puts(&e, "<entry>\n<title>");
        buf_xml(&e, db_col_text(st, 1));
        buf_puts(&e, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml(&e, url);
        buf_puts(&e, "\"/>\n<id>tag:");
        buf_xml(&e, host);
        buf_putc(&e, ',');
        put_day(&e, db_col_int(st, 7) > 0 ? db_col_int(st, 7) : pub);
        buf_printf(&e, ":bai-viet/%lld</id>\n<published>", (long long)id);
        put_iso(&e, pub);
        buf_puts(&e, "</published>\n<updated>");
        put_iso(&e, upd);
        buf_puts(&e, "</updated>\n");
        const char *author = db_col_text(st, 8);
        if (*author) {
            buf_puts(&e, "<author><name>");
            buf_xml(&e, author);
            buf_puts(&e, "</name></author>\n");
        }
        buf_puts(&e, "<category term=\"");
        buf_xml(&e, db_col_text(st, 10));
        buf_puts(&e, "\" label=\"");
        buf_xml(&e, db_col_text(st, 9));
        buf_puts(&e, "\"/>\n<summary type=\"text\">");
        buf_xml(&e, summary ? summary : "");
        buf_puts(&e, "</summary>\n</entry>\n");
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    return atom_wrap(r, title, subtitle, self, alt, site_name, newest, &e);
}

/* GET /tin-moi.atom - Atom feed of the 20 latest visible articles of every
 * category.  Public. */
int page_feed_news(Req *r)
{
    const char *name = db_text(r->db, r->arena, "SELECT value FROM settings WHERE key = 'site_name'", "");
    const char *title = arena_printf(r->arena, "Tin mới – %s", name && *name ? name : "HĐND");
    return atom_reply(r, title, "Tin tức, sự kiện mới nhất", "/tin-moi.atom", "/", 0);
}

/* GET /chuyen-muc/:slug/atom - Atom feed of the latest visible articles of
 * one category and its sub-categories.  Unknown slug: 404.  Public. */
int page_feed_category(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    if (!slug || !*slug) return reply_error(r, 404, NULL);
    Stmt *st = db_prepare(r->db, "SELECT id, name, description FROM categories WHERE slug = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_text(st, 1, slug);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500,
                           rc == DB_DONE ? "Chuyên mục này không tồn tại hoặc đã bị gỡ bỏ." : NULL);
    }
    int64_t id = db_col_int(st, 0);
    const char *name = db_col_dup(st, 1, r->arena);
    const char *desc = db_col_dup(st, 2, r->arena);
    db_done(st);
    return atom_reply(r, name, desc, arena_printf(r->arena, "/chuyen-muc/%s/atom", slug),
                      arena_printf(r->arena, "/chuyen-muc/%s", slug), id);
}

static void sitemap_url(Buf *b, const char *path, int64_t lastmod)
{
    buf_puts(b, "<url><loc>");
    buf_xml(b, site_url());
    buf_xml(b, path);
    buf_puts(b, "</loc>");
    if (lastmod > 0) {
        buf_puts(b, "<lastmod>");
        vn_iso8601(b, lastmod);
        buf_puts(b, "</lastmod>");
    }
    buf_puts(b, "</url>\n");
}

/* GET /sitemap.xml - the home page, the document list, every category and
 * every visible article with its last modification time.  Public. */
int page_sitemap(Req *r)
{
    Arena *a = r->arena;
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    int64_t newest = db_int(r->db, 0,
        "SELECT MAX(CASE WHEN COALESCE(a.published_at, 0) > COALESCE(a.updated_at, 0) THEN COALESCE(a.published_at, 0) "
        "ELSE COALESCE(a.updated_at, 0) END) FROM articles a"
        " WHERE " ARTICLE_VISIBLE_SQL, "l", (int64_t)r->now);
    sitemap_url(&b, "/", newest);
    sitemap_url(&b, "/van-ban", 0);
    int n = 2, rc;
    Stmt *st = db_prepare(r->db, "SELECT slug FROM categories ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    while ((rc = db_step(st)) == DB_ROW) {
        sitemap_url(&b, arena_printf(a, "/chuyen-muc/%s", db_col_text(st, 0)), 0);
        n++;
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    st = db_prepare(r->db,
        "SELECT a.slug, CASE WHEN COALESCE(a.published_at, 0) > COALESCE(a.updated_at, 0) THEN COALESCE(a.published_at, 0) "
        "ELSE COALESCE(a.updated_at, 0) END FROM articles a"
        " WHERE " ARTICLE_VISIBLE_SQL
        " ORDER BY COALESCE(a.published_at, a.created_at) DESC, a.id DESC LIMIT ?2");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", (int64_t)r->now, (int64_t)(SITEMAP_MAX - n));
    while ((rc = db_step(st)) == DB_ROW)
        sitemap_url(&b, arena_printf(a, "/bai-viet/%s", db_col_text(st, 0)), db_col_int(st, 1));
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    buf_puts(&b, "</urlset>\n");
    r->cache_seconds = 300;
    return reply_text(r, 200, "application/xml; charset=utf-8", buf_str(&b));
}

/* GET /robots.txt - crawlers welcome everywhere except the staff area;
 * points to the sitemap.  Public. */
int page_robots(Req *r)
{
    r->cache_seconds = 3600;
    return reply_text(r, 200, "text/plain; charset=utf-8",
                      arena_printf(r->arena,
                                   "User-agent: *\n"
                                   "Disallow: /quan-tri\n"
                                   "Allow: /\n"
                                   "\n"
                                   "Sitemap: %s/sitemap.xml\n",
                                   site_url()));
}

/* GET /chuong-trinh/:slug/atom - the latest progress updates recorded on a
 * programme published in full (docs/PROGRAMMES.md).  Entries: the task, the
 * figure recorded and its note; never who recorded it.  Public. */
int page_feed_programme(Req *r)
{
    Arena *a = r->arena;
    const char *slug = r->nargs > 0 ? r->args[0] : "";
    Stmt *st = db_prepare(r->db, "SELECT id, title FROM programmes WHERE slug = ?1 AND publish = 'full'");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_text(st, 1, slug);
    if (db_step(st) != DB_ROW) { db_done(st); return reply_error(r, 404, "Không tìm thấy chương trình này."); }
    int64_t prog = db_col_int(st, 0);
    const char *ptitle = db_col_dup(st, 1, a);
    db_done(st);
    st = db_prepare(r->db,
        "SELECT u.id, u.on_day, u.created_at, u.percent IS NOT NULL, COALESCE(u.percent, 0), u.value IS NOT NULL,"
        " COALESCE(u.value, 0), u.note, t.code, t.title, t.target_kind, t.target_unit, COALESCE(t.target_value, 0), t.id"
        " FROM programme_updates u JOIN programme_tasks t ON t.id = u.task_id WHERE t.programme_id = ?1"
        " AND u.created_at <= ?2 ORDER BY u.created_at DESC, u.id DESC LIMIT ?3");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "lli", prog, (int64_t)r->now, FEED_ENTRIES);
    Buf e;
    buf_init(&e, a);
    const char *host = site_host(a);
    const char *page = arena_printf(a, "/chuong-trinh/%s", slug);
    int64_t newest = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t created = db_col_int(st, 2);
        if (created > newest) newest = created;
        Buf fig;
        buf_init(&fig, a);
        const char *kind = db_col_text(st, 10);
        if (!strcmp(kind, "done")) buf_puts(&fig, db_col_double(st, 4) >= 100 ? "đã hoàn thành" : "chưa hoàn thành");
        else if (!strcmp(kind, "number") && db_col_int(st, 5)) {
            vn_decimal(&fig, db_col_double(st, 6), 0);
            buf_putc(&fig, '/');
            vn_decimal(&fig, db_col_double(st, 12), 0);
            buf_printf(&fig, " %s", db_col_text(st, 11));
        } else {
            vn_decimal(&fig, db_col_double(st, 4), db_col_double(st, 4) == (double)(int64_t)db_col_double(st, 4) ? 0 : 1);
            buf_putc(&fig, '%');
        }
        buf_puts(&e, "<entry>\n<title>");
        buf_xml(&e, arena_printf(a, "%s %s: %s", db_col_text(st, 8), db_col_text(st, 9), buf_str(&fig)));
        buf_puts(&e, "</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
        buf_xml(&e, arena_printf(a, "%s%s#nv-%lld", site_url(), page, (long long)db_col_int(st, 13)));
        buf_puts(&e, "\"/>\n<id>tag:");
        buf_xml(&e, host);
        buf_putc(&e, ',');
        put_day(&e, created);
        buf_printf(&e, ":tien-do/%lld</id>\n<published>", (long long)db_col_int(st, 0));
        put_iso(&e, created);
        buf_puts(&e, "</published>\n<updated>");
        put_iso(&e, created);
        buf_puts(&e, "</updated>\n<summary type=\"text\">");
        Buf d;
        buf_init(&d, a);
        buf_puts(&d, "Ngày ");
        vn_date(&d, db_col_int(st, 1));
        buf_puts(&d, ": ");
        buf_puts(&d, *db_col_text(st, 7) ? db_col_text(st, 7) : buf_str(&fig));
        buf_xml(&e, buf_str(&d));
        buf_puts(&e, "</summary>\n</entry>\n");
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    const char *site_name = db_text(r->db, a, "SELECT value FROM settings WHERE key = 'site_name'", "");
    return atom_wrap(r, arena_printf(a, "Tiến độ – %s", ptitle), "Cập nhật tiến độ các nhiệm vụ",
                     arena_printf(a, "%s/atom", page), page, site_name && *site_name ? site_name : "HĐND", newest, &e);
}
