/* layout.c - the layout's shared context and the data it loads: site
 * settings, the menu, the signed-in user, and the sidebar blocks (latest
 * documents, the current poll, website links, visit statistics), plus the
 * site's URL shapes and the document rows that /van-ban lists too.
 *
 * Moved here from page_portal.c (page_base_ctx, now layout_ctx; the menu,
 * documents and URL helpers) and page_poll.c (engage_sidebar, the
 * sidebar's engagement blocks) so that the reply layer renders error pages
 * in the layout without calling a page module: this file is below every
 * page_* file and below http_reply.c, and calls neither
 * (docs/ARCHITECTURE.md, "Layers").
 *
 * Nothing is cached between requests here: every page reads the menu,
 * settings and sidebar afresh (a handful of indexed queries); http_cache
 * keeps whole anonymous pages. */
#include <string.h>
#include "layout.h"
#include "staff.h"
#include "buf.h"
#include "content.h"
#include "db.h"
#include "stats.h"
#include "tmpl.h"
#include "vn.h"

#define SIDEBAR_DOCS 5
#define SIDEBAR_LINKS 30

/* Defaults when the settings table has no value.  The contact data below is
 * SAMPLE data for the demo site (address as given for the Hanoi portal, the
 * phone and e-mail are invented): a deployment sets site_address,
 * site_phone and site_email in the settings table. */
#define DEFAULT_SITE_NAME "Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố Hà Nội"
#define DEFAULT_SITE_SUBTITLE "Trang thông tin điện tử"
#define DEFAULT_SITE_ADDRESS "Số 12 Lê Lai, phường Hoàn Kiếm, Hà Nội"
#define DEFAULT_SITE_PHONE "024 3825 0000"
#define DEFAULT_SITE_EMAIL "banbientap@hdnd-hanoi.example"

/* --------------------------------------------------------------- settings */

/* Value of a settings key copied into the arena, or dflt when absent/empty
 * or when there is no database (static files, a failed connection). */
static const char *setting(Req *r, const char *key, const char *dflt)
{
    if (!r->db) return dflt;
    char *v = db_text(r->db, r->arena, "SELECT value FROM settings WHERE key = ?1", "t", key);
    return (v && *v) ? v : dflt;
}

/* ------------------------------------------------------------------ URLs */

const char *layout_article_url(Arena *a, const char *slug)
{
    return arena_printf(a, "/bai-viet/%s", slug);
}

const char *layout_category_url(Arena *a, const char *slug)
{
    return arena_printf(a, "/chuyen-muc/%s", slug);
}

const char *layout_attachment_url(Arena *a, int64_t id, const char *filename)
{
    Buf b;
    buf_init(&b, a);
    buf_printf(&b, "/tep/%lld/", (long long)id);
    buf_url(&b, filename);
    return buf_str(&b);
}

const char *layout_type_label(const char *mime)
{
    static const struct { const char *mime, *label; } types[] = {
        {"application/pdf", "PDF"},
        {"application/msword", "Word (DOC)"},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"},
        {"application/vnd.ms-excel", "Excel (XLS)"},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"},
        {"application/vnd.oasis.opendocument.text", "ODT"},
        {"application/vnd.oasis.opendocument.spreadsheet", "ODS"},
        {"image/jpeg", "Ảnh JPEG"},
        {"image/png", "Ảnh PNG"},
        {"image/gif", "Ảnh GIF"},
        {"image/webp", "Ảnh WebP"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (mime && strcmp(mime, types[i].mime) == 0) return types[i].label;
    return "Tệp";
}

/* ------------------------------------------------------------------ menu */

Val *layout_menu(Req *r, const char *active_slug)
{
    Arena *a = r->arena;
    Val *menu = val_list(a);
    const char *path = r->path ? r->path : "";
    Val *home = val_map(a);
    val_set_str(home, "name", "Trang chủ");
    val_set_str(home, "url", "/");
    val_set_bool(home, "active", strcmp(path, "/") == 0);
    val_push(menu, home);
    if (!r->db) return menu;
    /* The document list belongs under the "van-ban" category's menu item. */
    if (!active_slug && strcmp(path, "/van-ban") == 0) active_slug = "van-ban";
    Stmt *st = db_prepare(r->db,
        "SELECT name, slug FROM categories WHERE in_menu = 1 AND parent_id IS NULL"
        " ORDER BY position, id");
    if (!st) return menu;
    while (db_step(st) == DB_ROW) {
        const char *slug = db_col_dup(st, 1, a);
        const char *url = layout_category_url(a, slug);
        int active;
        if (active_slug) {
            active = strcmp(active_slug, slug) == 0;
        } else {
            size_t n = strlen(url);
            active = strncmp(path, url, n) == 0 && (path[n] == '\0' || path[n] == '/');
        }
        Val *it = val_map(a);
        val_set_str(it, "name", db_col_dup(st, 0, a));
        val_set_str(it, "url", url);
        val_set_bool(it, "active", active);
        val_push(menu, it);
    }
    db_done(st);
    /* The councils' own pages (issue 8, 9): fixed entries after the categories. */
    static const char *const fixed[][2] = {{"Hội đồng nhân dân", "/hoi-dong"}, {"Đề án, kế hoạch", "/chuong-trinh"},
                                             {"Kiến nghị cử tri", "/kien-nghi"}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        size_t n = strlen(fixed[i][1]);
        Val *it = val_map(a);
        val_set_str(it, "name", fixed[i][0]);
        val_set_str(it, "url", fixed[i][1]);
        val_set_bool(it, "active", !active_slug && strncmp(path, fixed[i][1], n) == 0 && (path[n] == '\0' || path[n] == '/'));
        val_push(menu, it);
    }
    return menu;
}

/* ------------------------------------------------------------- documents */

/* What a document is (see layout.h): the cover picture of an article is
 * never one.
 * CROSS JOIN keeps attachments the outer loop (SQLite never reorders it):
 * without statistics the planner otherwise walked every visible article
 * to find the few with attachments (70 ms per page with 10 000 articles,
 * bench/run.sh).  Portable: PostgreSQL treats it as an ordinary join. */
#define DOC_WHERE \
    " FROM attachments at CROSS JOIN articles a" \
    " JOIN files f ON f.id = at.file_id JOIN categories c ON c.id = a.category_id" \
    " WHERE a.id = at.article_id AND " ARTICLE_VISIBLE_SQL \
    " AND (a.cover_file_id IS NULL OR at.file_id <> a.cover_file_id)" \
    " AND (at.doc_number <> '' OR c.slug = 'van-ban'" \
    " OR c.parent_id IN (SELECT p.id FROM categories p WHERE p.slug = 'van-ban'))"
#define DOC_COLS \
    "SELECT at.id, at.filename, at.title, at.doc_number," \
    " COALESCE(at.issued_at, a.published_at, a.created_at), a.title, a.slug, f.mime, f.size"
#define DOC_ORDER " ORDER BY 5 DESC, at.id DESC LIMIT ?2 OFFSET ?3"

int64_t layout_document_count(Req *r)
{
    return db_int(r->db, -1, "SELECT COUNT(*)" DOC_WHERE, "l", (int64_t)r->now);
}

Val *layout_documents(Req *r, int64_t limit, int64_t offset)
{
    Arena *a = r->arena;
    Val *list = val_list(a);
    Stmt *st = db_prepare(r->db, DOC_COLS DOC_WHERE DOC_ORDER);
    if (!st) return NULL;
    db_bindf(st, "lll", (int64_t)r->now, (int64_t)limit, (int64_t)offset);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *d = val_map(a);
        int64_t id = db_col_int(st, 0);
        const char *filename = db_col_dup(st, 1, a);
        const char *title = db_col_dup(st, 2, a);
        int64_t t = db_col_int(st, 4);
        val_set_int(d, "id", id);
        val_set_str(d, "filename", filename);
        val_set_str(d, "title", (title && *title) ? title : filename);
        val_set_str(d, "number", db_col_dup(st, 3, a));
        val_set_int(d, "issued_at", t);
        Buf date;
        buf_init(&date, a);
        vn_date(&date, t);
        val_set_str(d, "date", buf_str(&date));
        val_set_str(d, "article_title", db_col_dup(st, 5, a));
        val_set_str(d, "article_url", layout_article_url(a, db_col_text(st, 6)));
        val_set_str(d, "url", layout_attachment_url(a, id, filename));
        val_set_str(d, "type", layout_type_label(db_col_text(st, 7)));
        Buf size;
        buf_init(&size, a);
        vn_size(&size, db_col_int(st, 8));
        val_set_str(d, "size", buf_str(&size));
        val_push(list, d);
    }
    db_done(st);
    return rc == DB_DONE ? list : NULL;
}

/* --------------------------------------------------------------- sidebar */

/* The current poll: open, within its times, the newest. ?1 = now. */
#define CURRENT_POLL_SQL                                                              \
    "SELECT id, question, multiple, voters FROM polls WHERE status = 'open'"          \
    " AND (opens_at IS NULL OR opens_at <= ?1) AND (closes_at IS NULL OR closes_at > ?1)" \
    " ORDER BY COALESCE(opens_at, created_at) DESC, id DESC LIMIT 1"

/* Fill the sidebar's engagement keys: poll {id, question, action,
 * results_url, multiple, total, options [{id, label}]} when a poll is
 * current, links {items [{name, url}]} when there are links, and stats
 * {total, online}.  Three indexed queries plus the in-memory counters;
 * nothing for staff pages (no sidebar there) or without a database.
 * Database errors leave the block out (the page still renders). */
static void sidebar_engage(Req *r, Val *sidebar)
{
    if (!r->db || !sidebar) return;
    if (r->path && !strncmp(r->path, "/quan-tri", 9)) return;
    Arena *a = r->arena;

    Stmt *st = db_prepare(r->db, CURRENT_POLL_SQL);
    if (st) {
        db_bind_int(st, 1, r->now);
        if (db_step(st) == DB_ROW) {
            int64_t id = db_col_int(st, 0);
            Val *p = val_map(a);
            val_set_int(p, "id", id);
            val_set_str(p, "question", db_col_dup(st, 1, a));
            val_set_bool(p, "multiple", db_col_int(st, 2) != 0);
            val_set_int(p, "total", db_col_int(st, 3));
            val_set_str(p, "action", arena_printf(a, "/binh-chon/%lld", (long long)id));
            val_set_str(p, "results_url", arena_printf(a, "/binh-chon/%lld", (long long)id));
            db_done(st);
            Val *opts = val_list(a);
            Stmt *os = db_prepare(r->db, "SELECT id, label FROM poll_options WHERE poll_id = ?1 "
                                         "ORDER BY position, id");
            int rc = DB_ERROR;
            if (os) {
                db_bind_int(os, 1, id);
                while ((rc = db_step(os)) == DB_ROW) {
                    Val *o = val_map(a);
                    val_set_int(o, "id", db_col_int(os, 0));
                    val_set_str(o, "label", db_col_dup(os, 1, a));
                    val_push(opts, o);
                }
                db_done(os);
            }
            val_set(p, "options", opts);
            if (rc == DB_DONE && val_len(opts) > 0) val_set(sidebar, "poll", p);
        } else {
            db_done(st);
        }
    }

    st = db_prepare(r->db, "SELECT name, url FROM links ORDER BY position, id LIMIT ?1");
    if (st) {
        db_bind_int(st, 1, SIDEBAR_LINKS);
        Val *items = val_list(a);
        int rc;
        while ((rc = db_step(st)) == DB_ROW) {
            Val *l = val_map(a);
            val_set_str(l, "name", db_col_dup(st, 0, a));
            val_set_str(l, "url", db_col_dup(st, 1, a));
            val_push(items, l);
        }
        db_done(st);
        if (rc == DB_DONE && val_len(items) > 0) {
            Val *links = val_map(a);
            val_set(links, "items", items);
            val_set(sidebar, "links", links);
        }
    }

    int64_t total = stats_total(r->db);
    if (total >= 0) {
        Val *s = val_map(a);
        val_set_int(s, "total", total);
        val_set_int(s, "online", stats_online(r->now));
        val_set(sidebar, "stats", s);
    }
}

/* ------------------------------------------------------------ layout_ctx */

Val *layout_ctx(Req *r)
{
    Arena *a = r->arena;
    Val *ctx = val_map(a);
    val_set_str(ctx, "site_name", setting(r, "site_name", DEFAULT_SITE_NAME));
    val_set_str(ctx, "site_subtitle", setting(r, "site_subtitle", DEFAULT_SITE_SUBTITLE));
    val_set_str(ctx, "site_address", setting(r, "site_address", DEFAULT_SITE_ADDRESS));
    val_set_str(ctx, "site_phone", setting(r, "site_phone", DEFAULT_SITE_PHONE));
    val_set_str(ctx, "site_email", setting(r, "site_email", DEFAULT_SITE_EMAIL));
    val_set(ctx, "menu", layout_menu(r, NULL));
    if (r->user) {
        Val *u = val_map(a);
        val_set_str(u, "username", r->user->username);
        val_set_str(u, "display_name", r->user->display_name);
        int portal = staff_portal(r->user);
        val_set_bool(u, "is_admin", portal && role_allows(r->user->role, ROLE_ADMIN));
        val_set_bool(u, "is_moderator", portal && role_allows(r->user->role, ROLE_MODERATOR));
        val_set_bool(u, "is_portal", portal);
        val_set_bool(u, "is_agency", r->user->role == ROLE_AGENCY);
        val_set(ctx, "user", u);
    }
    val_set_str(ctx, "csrf", r->csrf ? r->csrf : "");
    val_set_int(ctx, "year", vn_day_number(r->now) / 10000);
    val_set_int(ctx, "now", r->now);
    Buf today;
    buf_init(&today, a);
    vn_weekday_date(&today, r->now);
    val_set_str(ctx, "today", buf_str(&today));
    val_set_str(ctx, "path", r->path ? r->path : "/");

    Val *sidebar = val_map(a);
    if (r->db) {
        Val *docs = layout_documents(r, SIDEBAR_DOCS, 0);
        if (docs && val_len(docs) > 0) {
            val_set(sidebar, "docs", docs);
            val_set_bool(sidebar, "has_docs", 1);
        }
    }
    sidebar_engage(r, sidebar);   /* poll, links, stats */
    val_set(ctx, "sidebar", sidebar);
    return ctx;
}

