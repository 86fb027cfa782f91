/* page_admin_articles.c - the staff pages for articles, attachments and
 * categories under /quan-tri (see docs/urls: the route table in
 * http_routes.c holds method, path and minimum role for each handler).
 *
 * The pages are thin: the rules (validation, slugs, revisions, audit, the
 * file store) live in content.c and store.c; a handler reads the form,
 * calls the model and either redirects (303, Post/Redirect/Get with an
 * ?ok=... notice) or re-renders the form with what the user typed and the
 * Vietnamese error, status 400.  Text a user typed is echoed back through
 * the templates' escaping; invalid UTF-8 is replaced with U+FFFD first so
 * the page we send is always valid UTF-8.
 *
 * The server checks the role and, for every POST, same-origin and the CSRF
 * token before calling these handlers; every form carries the token. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "config.h"
#include "content.h"
#include "db.h"
#include "http.h"
#include "http_cache.h"
#include "layout.h"
#include "md.h"
#include "page.h"
#include "page_util.h"
#include "tmpl.h"
#include "vn.h"

#define ADMIN_PER_PAGE 30

/* ---------------------------------------------------------------- helpers */

static const char *status_label(const char *s)
{
    if (!strcmp(s, "draft")) return "Nháp";
    if (!strcmp(s, "scheduled")) return "Hẹn giờ";
    if (!strcmp(s, "published")) return "Đã đăng";
    if (!strcmp(s, "archived")) return "Lưu trữ";
    return s;
}

static const char *const statuses[] = {"draft", "scheduled", "published", "archived", NULL};

static const char *type_label(const char *mime)
{
    if (strstr(mime, "pdf")) return "PDF";
    if (strstr(mime, "wordprocessingml")) return "DOCX";
    if (strstr(mime, "msword")) return "DOC";
    if (strstr(mime, "spreadsheetml")) return "XLSX";
    if (strstr(mime, "ms-excel")) return "XLS";
    if (strstr(mime, "opendocument.text")) return "ODT";
    if (strstr(mime, "opendocument.spreadsheet")) return "ODS";
    if (strstr(mime, "jpeg")) return "JPEG";
    if (strstr(mime, "png")) return "PNG";
    if (strstr(mime, "gif")) return "GIF";
    if (strstr(mime, "webp")) return "WebP";
    return mime;
}

/* The admin context: base + admin chrome + crumbs. */
static Val *admin_ctx(Req *r, const char *section, const char *section_url, const char *here)
{
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    r->cache_seconds = -1;
    Val *crumbs = val_list(r->arena);
    val_push(crumbs, page_crumb(r->arena, "Quản trị", "/quan-tri"));
    if (section) val_push(crumbs, page_crumb(r->arena, section, here ? section_url : NULL));
    if (here) val_push(crumbs, page_crumb(r->arena, here, NULL));
    val_set(ctx, "crumbs", crumbs);
    return ctx;
}

/* ------------------------------------------------------ category tree */

typedef struct Cat {
    int64_t id, parent, position, in_menu, articles;
    const char *name, *slug, *description;
    int depth;
    int done;
} Cat;

/* All categories in tree order (parents before children, siblings by
 * position then name), each with its depth.  *n = count.  NULL on error
 * (with *n = -1) or when empty. */
static Cat *cat_tree(Req *r, int *n)
{
    Arena *a = r->arena;
    *n = 0;
    int64_t total = db_int(r->db, -1, "SELECT COUNT(*) FROM categories", "");
    if (total < 0) { *n = -1; return NULL; }
    if (total == 0) return NULL;
    Cat *rows = arena_alloc(a, sizeof(Cat) * (size_t)total);
    Stmt *st = db_prepare(r->db,
        "SELECT c.id, COALESCE(c.parent_id, 0), c.name, c.slug, c.description, c.position, "
        "c.in_menu, (SELECT COUNT(*) FROM articles x WHERE x.category_id = c.id) "
        "FROM categories c ORDER BY c.position, c.name, c.id");
    if (!st) { *n = -1; return NULL; }
    int k = 0, rc;
    while (k < total && (rc = db_step(st)) == DB_ROW) {
        rows[k] = (Cat){.id = db_col_int(st, 0), .parent = db_col_int(st, 1),
                        .name = db_col_dup(st, 2, a), .slug = db_col_dup(st, 3, a),
                        .description = db_col_dup(st, 4, a), .position = db_col_int(st, 5),
                        .in_menu = db_col_int(st, 6), .articles = db_col_int(st, 7)};
        k++;
    }
    db_done(st);
    /* Depth-first walk with an explicit stack; a row whose parent is
     * missing (or part of a cycle made outside this program) is shown at
     * the top level so it can still be fixed. */
    Cat *out = arena_alloc(a, sizeof(Cat) * (size_t)k);
    int *stack = arena_alloc(a, sizeof(int) * (size_t)(k + 1));
    int m = 0;
    for (int pass = 0; pass < 2 && m < k; pass++) {
        for (int i = 0; i < k; i++) {
            if (rows[i].done) continue;
            int top_level = rows[i].parent == 0;
            if (!top_level && pass == 1) top_level = 1;
            if (!top_level) {
                int parent_exists = 0;
                for (int j = 0; j < k; j++)
                    if (rows[j].id == rows[i].parent) parent_exists = 1;
                if (parent_exists) continue;
            }
            int sp = 0;
            stack[sp++] = i;
            rows[i].depth = 0;
            while (sp > 0) {
                int c = stack[--sp];
                if (rows[c].done) continue;
                rows[c].done = 1;
                out[m++] = rows[c];
                /* push children in reverse order so they pop in order */
                for (int j = k - 1; j >= 0; j--)
                    if (!rows[j].done && rows[j].parent == rows[c].id) {
                        rows[j].depth = rows[c].depth + 1;
                        stack[sp++] = j;
                        if (sp > k) sp = k;
                    }
            }
        }
    }
    *n = m;
    return out;
}

static const char *indent_name(Arena *a, const Cat *c)
{
    if (c->depth == 0) return c->name;
    Buf b;
    buf_init(&b, a);
    for (int i = 0; i < c->depth && i < 8; i++) buf_puts(&b, "— ");
    buf_puts(&b, c->name);
    return buf_str(&b);
}

/* <option> data for a category select: {id, name, selected}. */
static Val *category_options(Req *r, int64_t selected, int64_t exclude_subtree)
{
    Val *list = val_list(r->arena);
    int n;
    Cat *cats = cat_tree(r, &n);
    int skip_depth = -1;
    for (int i = 0; i < n; i++) {
        if (skip_depth >= 0) {
            if (cats[i].depth > skip_depth) continue;
            skip_depth = -1;
        }
        if (exclude_subtree && cats[i].id == exclude_subtree) {
            skip_depth = cats[i].depth;
            continue;
        }
        Val *o = val_map(r->arena);
        val_set_int(o, "id", cats[i].id);
        val_set_str(o, "name", indent_name(r->arena, &cats[i]));
        val_set_bool(o, "selected", cats[i].id == selected);
        val_push(list, o);
    }
    return list;
}

/* ------------------------------------------------------ article list */

/* GET /quan-tri/bai-viet [editor]
 * Query: trang-thai (draft|scheduled|published|archived), chuyen-muc (id),
 * q (title search, accent-insensitive), trang (page).  Newest edits first. */
int page_admin_articles(Req *r)
{
    Arena *a = r->arena;
    const char *status = req_query(r, "trang-thai");
    if (status) {
        int ok = 0;
        for (int i = 0; statuses[i]; i++)
            if (!strcmp(status, statuses[i])) ok = 1;
        if (!ok) status = NULL;
    }
    int64_t cat = req_int(r, "chuyen-muc", 0, 0, INT64_MAX);
    const char *q = req_query(r, "q");
    const char *qc = q ? vn_clean(a, q) : NULL;
    const char *qfold = qc && *qc ? vn_fold_a(a, qc) : NULL;
    int64_t page = req_int(r, "trang", 1, 1, 100000);

    Stmt *st = db_prepare(r->db,
        "SELECT a.id, a.title, a.slug, a.status, a.published_at, a.updated_at, a.featured, "
        "c.name, a.author, a.revision FROM articles a JOIN categories c ON c.id = a.category_id "
        "WHERE (?1 = '' OR a.status = ?1) AND (?2 = 0 OR a.category_id = ?2) "
        "ORDER BY a.updated_at DESC, a.id DESC");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "tl", status ? status : "", cat);
    /* Title search folds both sides (so "hoi dong" finds "Hội đồng") and
     * pages in C: an admin list of a few thousand rows is cheap to scan. */
    Val *rows = val_list(a);
    int64_t total = 0, first = (page - 1) * ADMIN_PER_PAGE;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (qfold && !strstr(vn_fold_a(a, db_col_text(st, 1)), qfold)) continue;
        total++;
        if (total <= first || total > first + ADMIN_PER_PAGE) continue;
        Val *it = val_map(a);
        const char *s = db_col_dup(st, 3, a);
        val_set_int(it, "id", db_col_int(st, 0));
        val_set_str(it, "title", db_col_dup(st, 1, a));
        val_set_str(it, "url", arena_printf(a, "/quan-tri/bai-viet/%lld", (long long)db_col_int(st, 0)));
        val_set_str(it, "public_url", arena_printf(a, "/bai-viet/%s", db_col_text(st, 2)));
        val_set_str(it, "status", s);
        val_set_str(it, "status_label", status_label(s));
        int64_t pub = db_col_is_null(st, 4) ? 0 : db_col_int(st, 4);
        val_set_bool(it, "visible", !strcmp(s, "published") || (!strcmp(s, "scheduled") && pub <= r->now));
        if (pub) val_set_str(it, "published", page_datetime_text(a, pub));
        val_set_str(it, "updated", page_datetime_text(a, db_col_int(st, 5)));
        val_set_bool(it, "featured", db_col_int(st, 6) != 0);
        val_set_str(it, "category", db_col_dup(st, 7, a));
        val_set_str(it, "author", db_col_dup(st, 8, a));
        val_set_int(it, "revision", db_col_int(st, 9));
        val_push(rows, it);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);

    Val *ctx = admin_ctx(r, "Bài viết", "/quan-tri/bai-viet", NULL);
    val_set(ctx, "articles", rows);
    val_set_bool(ctx, "has_articles", val_len(rows) > 0);
    val_set_int(ctx, "total", total);
    val_set_str(ctx, "q", qc ? qc : page_echo(a, q));
    Val *sopts = val_list(a);
    for (int i = 0; statuses[i]; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", statuses[i]);
        val_set_str(o, "label", status_label(statuses[i]));
        val_set_bool(o, "selected", status && !strcmp(status, statuses[i]));
        val_push(sopts, o);
    }
    val_set(ctx, "status_options", sopts);
    val_set(ctx, "category_options", category_options(r, cat, 0));

    /* Pager: keep the filters in every page link. */
    int64_t pages = (total + ADMIN_PER_PAGE - 1) / ADMIN_PER_PAGE;
    if (pages > 1) {
        Buf base;
        buf_init(&base, a);
        buf_puts(&base, "/quan-tri/bai-viet?");
        if (status) { buf_puts(&base, "trang-thai="); buf_url(&base, status); buf_putc(&base, '&'); }
        if (cat) buf_printf(&base, "chuyen-muc=%lld&", (long long)cat);
        if (qc && *qc) { buf_puts(&base, "q="); buf_url(&base, qc); buf_putc(&base, '&'); }
        const char *b = buf_str(&base);
        Val *p = val_map(a), *items = val_list(a);
        val_set_int(p, "page", page);
        val_set_int(p, "pages", pages);
        if (page > 1) val_set_str(p, "prev_url", arena_printf(a, "%strang=%lld", b, (long long)(page - 1)));
        if (page < pages) val_set_str(p, "next_url", arena_printf(a, "%strang=%lld", b, (long long)(page + 1)));
        int gap = 0;
        for (int64_t i = 1; i <= pages; i++) {
            if (i == 1 || i == pages || (i >= page - 2 && i <= page + 2)) {
                Val *it = val_map(a);
                val_set_int(it, "num", i);
                val_set_str(it, "url", arena_printf(a, "%strang=%lld", b, (long long)i));
                val_set_bool(it, "current", i == page);
                val_push(items, it);
                gap = 0;
            } else if (!gap) {
                val_push(items, val_set_bool(val_map(a), "gap", 1));
                gap = 1;
            }
        }
        val_set(p, "items", items);
        val_set(ctx, "pager", p);
    }
    return reply_page(r, 200, "admin_articles", "Quản lý bài viết", ctx);
}

/* ------------------------------------------------------ the article form */

/* Attachments and revisions of an article, for the edit page. */
static void add_article_extras(Req *r, Val *ctx, int64_t id)
{
    Arena *a = r->arena;
    Val *atts = val_list(a);
    Stmt *st = db_prepare(r->db,
        "SELECT at.id, at.filename, at.title, at.doc_number, f.size, f.mime, at.issued_at "
        "FROM attachments at JOIN files f ON f.id = at.file_id WHERE at.article_id = ?1 "
        "ORDER BY at.position, at.id");
    if (st) {
        db_bind_int(st, 1, id);
        while (db_step(st) == DB_ROW) {
            Val *it = val_map(a);
            int64_t aid = db_col_int(st, 0);
            const char *fname = db_col_dup(st, 1, a);
            val_set_int(it, "id", aid);
            val_set_str(it, "filename", fname);
            val_set_str(it, "title", db_col_dup(st, 2, a));
            val_set_str(it, "doc_number", db_col_dup(st, 3, a));
            val_set_str(it, "size", page_size_text(a, db_col_int(st, 4)));
            val_set_str(it, "type", type_label(db_col_text(st, 5)));
            if (!db_col_is_null(st, 6)) {
                Buf b;
                buf_init(&b, a);
                vn_date(&b, db_col_int(st, 6));
                val_set_str(it, "issued", buf_str(&b));
            }
            Buf u;
            buf_init(&u, a);
            buf_printf(&u, "/tep/%lld/", (long long)aid);
            buf_url(&u, fname);
            val_set_str(it, "url", buf_str(&u));
            val_set_str(it, "delete_url", arena_printf(a, "/quan-tri/tep/%lld/xoa", (long long)aid));
            val_push(atts, it);
        }
        db_done(st);
    }
    val_set(ctx, "attachments", atts);
    val_set_bool(ctx, "has_attachments", val_len(atts) > 0);

    Val *revs = val_list(a);
    st = db_prepare(r->db,
        "SELECT v.revision, v.title, v.status, v.edited_at, COALESCE(u.display_name, '') "
        "FROM article_revisions v LEFT JOIN users u ON u.id = v.edited_by "
        "WHERE v.article_id = ?1 ORDER BY v.revision DESC LIMIT 50");
    if (st) {
        db_bind_int(st, 1, id);
        while (db_step(st) == DB_ROW) {
            Val *it = val_map(a);
            val_set_int(it, "revision", db_col_int(st, 0));
            val_set_str(it, "title", db_col_dup(st, 1, a));
            val_set_str(it, "status_label", status_label(db_col_text(st, 2)));
            val_set_str(it, "edited_at", page_datetime_text(a, db_col_int(st, 3)));
            const char *who = db_col_dup(st, 4, a);
            val_set_str(it, "editor", who && *who ? who : "hệ thống");
            val_push(revs, it);
        }
        db_done(st);
    }
    val_set(ctx, "revisions", revs);
    val_set_bool(ctx, "has_revisions", val_len(revs) > 0);
}

/* Form values as strings (what the user typed, or the stored article). */
typedef struct ArticleForm {
    int64_t id, category_id;
    const char *title, *slug, *summary, *body, *author, *status, *published_at;
    int featured;
} ArticleForm;

/* Render the edit form.  status 200 normally, 400 with error. */
static int render_article_form(Req *r, int status, const ArticleForm *f, const char *error,
                               const char *upload_error)
{
    Arena *a = r->arena;
    const char *heading = f->id ? "Sửa bài viết" : "Viết bài mới";
    Val *ctx = admin_ctx(r, "Bài viết", "/quan-tri/bai-viet", heading);
    val_set_str(ctx, "heading", heading);
    Val *fm = val_map(a);
    if (f->id) val_set_int(fm, "id", f->id);
    val_set_str(fm, "title", page_echo(a, f->title));
    val_set_str(fm, "slug", page_echo(a, f->slug));
    val_set_str(fm, "summary", page_echo(a, f->summary));
    val_set_str(fm, "body", page_echo(a, f->body));
    val_set_str(fm, "author", page_echo(a, f->author));
    val_set_str(fm, "published_at", page_echo(a, f->published_at));
    val_set_bool(fm, "featured", f->featured >= 1);
    val_set_bool(fm, "pinned", f->featured >= 2);
    val_set(ctx, "f", fm);
    const char *cur = f->status && *f->status ? f->status : "draft";
    Val *sopts = val_list(a);
    for (int i = 0; statuses[i]; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", statuses[i]);
        val_set_str(o, "label", status_label(statuses[i]));
        val_set_bool(o, "selected", !strcmp(cur, statuses[i]));
        val_push(sopts, o);
    }
    val_set(ctx, "status_options", sopts);
    val_set(ctx, "category_options", category_options(r, f->category_id, 0));
    if (error) val_set_str(ctx, "error", error);
    if (upload_error) val_set_str(ctx, "upload_error", upload_error);
    if (f->id) {
        add_article_extras(r, ctx, f->id);
        /* Current stored state (the status buttons act on it, not on the form). */
        Stmt *st = db_prepare(r->db,
            "SELECT a.status, a.slug, a.published_at, " ARTICLE_VISIBLE_SQL
            " FROM articles a WHERE a.id = ?2");
        if (st) {
            db_bindf(st, "ll", (int64_t)r->now, f->id);
            if (db_step(st) == DB_ROW) {
                const char *s = db_col_dup(st, 0, a);
                Val *cur_state = val_map(a);
                val_set_str(cur_state, "status_label", status_label(s));
                val_set_bool(cur_state, "is_published", !strcmp(s, "published"));
                val_set_bool(cur_state, "is_draft", !strcmp(s, "draft"));
                val_set_bool(cur_state, "is_archived", !strcmp(s, "archived"));
                if (db_col_int(st, 3))
                    val_set_str(cur_state, "public_url", arena_printf(a, "/bai-viet/%s", db_col_text(st, 1)));
                if (!db_col_is_null(st, 2))
                    val_set_str(cur_state, "published", page_datetime_text(a, db_col_int(st, 2)));
                val_set_str(cur_state, "status_url",
                            arena_printf(a, "/quan-tri/bai-viet/%lld/trang-thai", (long long)f->id));
                val_set_str(cur_state, "upload_url",
                            arena_printf(a, "/quan-tri/bai-viet/%lld/tep", (long long)f->id));
                val_set(ctx, "current", cur_state);
            }
            db_done(st);
        }
    }
    const char *ok = req_query(r, "ok");
    if (ok && !error && !upload_error) {
        const char *msg = NULL;
        if (!strcmp(ok, "1")) msg = "Đã lưu bài viết.";
        else if (!strcmp(ok, "tep")) msg = "Đã tải tệp đính kèm lên.";
        else if (!strcmp(ok, "xoa-tep")) msg = "Đã xoá tệp đính kèm.";
        else if (!strcmp(ok, "trang-thai")) msg = "Đã đổi trạng thái bài viết.";
        if (msg) val_set_str(ctx, "notice", msg);
    }
    return reply_page(r, status, "admin_article_edit", heading, ctx);
}

/* GET /quan-tri/bai-viet/moi [editor] - empty form; ?chuyen-muc=ID preselects. */
int page_admin_article_new(Req *r)
{
    ArticleForm f = {.category_id = req_int(r, "chuyen-muc", 0, 0, INT64_MAX), .status = "draft"};
    if (r->user && r->user->display_name) f.author = r->user->display_name;
    return render_article_form(r, 200, &f, NULL, NULL);
}

/* Load an article into a form; 0, or the HTTP status of the failure. */
static int load_article_form(Req *r, int64_t id, ArticleForm *f)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT category_id, title, slug, summary, body, author, status, published_at, featured "
        "FROM articles WHERE id = ?1");
    if (!st) return 500;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *f = (ArticleForm){.id = id, .category_id = db_col_int(st, 0),
                           .title = db_col_dup(st, 1, a), .slug = db_col_dup(st, 2, a),
                           .summary = db_col_dup(st, 3, a), .body = db_col_dup(st, 4, a),
                           .author = db_col_dup(st, 5, a), .status = db_col_dup(st, 6, a),
                           .published_at = db_col_is_null(st, 7) ? "" : page_datetime_local(a, db_col_int(st, 7)),
                           .featured = (int)db_col_int(st, 8)};
    }
    db_done(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? 404 : 500;
}

/* GET /quan-tri/bai-viet/:id [editor] - the edit form with attachments and
 * revision history.  ?ok=1|tep|xoa-tep|trang-thai shows a notice. */
int page_admin_article_edit(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, "Không tìm thấy bài viết.");
    ArticleForm f;
    int st = load_article_form(r, id, &f);
    if (st) return reply_error(r, st, st == 404 ? "Không tìm thấy bài viết." : NULL);
    return render_article_form(r, 200, &f, NULL, NULL);
}

/* POST /quan-tri/bai-viet/luu [editor]
 * Form: id (0/absent = new), title, slug, category_id, summary, body,
 * author, status, published_at (datetime-local, Vietnam time), featured.
 * Success: 303 to the edit page with ?ok=1.  Error: the form again with
 * everything typed and the message, 400. */
int page_admin_article_save(Req *r)
{
    ArticleForm f = {
        .id = req_int(r, "id", 0, 0, INT64_MAX),
        .category_id = req_int(r, "category_id", 0, 0, INT64_MAX),
        .title = req_form(r, "title"), .slug = req_form(r, "slug"),
        .summary = req_form(r, "summary"), .body = req_form(r, "body"),
        .author = req_form(r, "author"), .status = req_form(r, "status"),
        .published_at = req_form(r, "published_at"),
        .featured = req_form(r, "pinned") ? 2 : req_form(r, "featured") != NULL,
    };
    if (f.id && db_int(r->db, 0, "SELECT COUNT(*) FROM articles WHERE id = ?1", "l", f.id) != 1)
        return reply_error(r, 404, "Không tìm thấy bài viết.");
    int64_t when = 0;
    if (page_parse_when(r->arena, f.published_at, &when) != 0)
        return render_article_form(r, 400, &f,
                                   "Thời điểm đăng không hợp lệ (ví dụ đúng: 12/5/2026 08:00).", NULL);
    ArticleInput in = {
        .id = f.id, .category_id = f.category_id, .title = f.title, .slug = f.slug,
        .summary = f.summary, .body = f.body, .author = f.author, .status = f.status,
        .published_at = when, .featured = f.featured,
    };
    int64_t out = 0;
    const char *err = NULL;
    if (article_save(r->db, r->arena, &in, r->user ? r->user->id : 0,
                     r->user ? r->user->username : NULL, r->now, &out, &err) != 0)
        return render_article_form(r, 400, &f, err, NULL);
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/bai-viet/%lld?ok=1", (long long)out));
}

/* POST /quan-tri/bai-viet/xem-truoc [editor]
 * Same form fields as save; renders them as the public article would look
 * (article.html inside the admin chrome).  Nothing is saved. */
int page_admin_article_preview(Req *r)
{
    cache_unchanged();   /* nothing is saved */
    Arena *a = r->arena;
    const char *title = page_echo(a, req_form(r, "title"));
    const char *summary = page_echo(a, req_form(r, "summary"));
    const char *body = page_echo(a, req_form(r, "body"));
    const char *author = page_echo(a, req_form(r, "author"));
    int64_t cat = req_int(r, "category_id", 0, 0, INT64_MAX);
    int64_t when = 0;
    if (page_parse_when(a, req_form(r, "published_at"), &when) != 0 || when <= 0) when = r->now;
    Val *ctx = admin_ctx(r, "Bài viết", "/quan-tri/bai-viet", "Xem trước");
    Val *art = val_map(a);
    val_set_str(art, "title", *title ? title : "(Chưa có tiêu đề)");
    if (*summary) val_set_str(art, "summary", summary);
    if (*author) val_set_str(art, "author", author);
    Buf html;
    buf_init(&html, a);
    md_render(&html, body);
    val_set_str(art, "body_html", buf_str(&html));
    val_set_int(art, "published_at", when);
    Buf d;
    buf_init(&d, a);
    vn_date(&d, when);
    val_set_str(art, "date", buf_str(&d));
    const char *cname = cat ? db_text(r->db, a, "SELECT name FROM categories WHERE id = ?1", "l", cat) : NULL;
    val_set_str(art, "category_name", cname ? cname : "");
    val_set_str(art, "category_url", "#");
    val_set_str(art, "print_url", "#");
    val_set(ctx, "article", art);
    return reply_page(r, 200, "admin_article_preview", "Xem trước bài viết", ctx);
}

/* POST /quan-tri/bai-viet/:id/trang-thai [editor]
 * Form: status = published (publish now) | draft (unpublish) | archived. */
int page_admin_article_status(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, "Không tìm thấy bài viết.");
    const char *err = NULL;
    if (article_set_status(r->db, id, req_form(r, "status"), r->user ? r->user->id : 0,
                           r->user ? r->user->username : NULL, r->now, &err) != 0) {
        int code = !strcmp(err, "Không tìm thấy bài viết.") ? 404
                 : !strcmp(err, "Trạng thái không hợp lệ.") ? 400 : 500;
        return reply_error(r, code, code == 500 ? NULL : err);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/bai-viet/%lld?ok=trang-thai", (long long)id));
}

/* "C:\fakepath\Đề án.pdf" -> "Đề án.pdf" */
static const char *base_name(const char *s)
{
    if (!s) return "";
    const char *b = s;
    for (const char *p = s; *p; p++)
        if (*p == '/' || *p == '\\') b = p + 1;
    return b;
}

/* POST /quan-tri/bai-viet/:id/tep [editor, multipart upload]
 * Fields: file (required), title, doc_number, issued_at (date, optional).
 * The type is decided by content (store.c); the original file name is kept
 * for the download.  Errors re-render the edit page: 400 (type, name),
 * 413 (size). */
int page_admin_attachment_upload(Req *r)
{
    Arena *a = r->arena;
    int64_t id = page_arg_id(r, 0);
    ArticleForm f;
    int st = id ? load_article_form(r, id, &f) : 404;
    if (st) return reply_error(r, st, st == 404 ? "Không tìm thấy bài viết." : NULL);
    if (r->body_too_large) return reply_error(r, 413, NULL);
    const Upload *up = req_upload(r, "file");
    if (!up || up->size == 0)
        return render_article_form(r, 400, &f, NULL, "Vui lòng chọn tệp để tải lên.");
    const char *err = NULL;
    if (cfg.max_upload && up->size > cfg.max_upload) {
        Buf b;
        buf_init(&b, a);
        buf_puts(&b, "Tệp quá lớn (tối đa ");
        vn_int(&b, (int64_t)((cfg.max_upload + 1023) / 1024));
        buf_puts(&b, " KB).");
        r->cache_seconds = -1;
        return reply_error(r, 413, buf_str(&b));
    }
    /* The name is checked before storing so a refused upload stores nothing. */
    const char *fname = base_name(up->filename);
    if (!*fname) fname = "tep-dinh-kem";
    if (!vn_utf8_valid(fname, strlen(fname)))
        return render_article_form(r, 400, &f, NULL, "Tên tệp chứa ký tự không hợp lệ (không phải UTF-8).");
    for (const unsigned char *p = (const unsigned char *)fname; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return render_article_form(r, 400, &f, NULL, "Tên tệp không được chứa ký tự điều khiển.");
    int64_t issued = 0;
    if (page_parse_when(a, req_form(r, "issued_at"), &issued) != 0)
        return render_article_form(r, 400, &f, NULL, "Ngày ban hành không hợp lệ.");
    int64_t file_id = store_put(r->db, a, cfg.files_dir, up->path, cfg.max_upload, &err);
    if (file_id < 0)
        return render_article_form(r, strncmp(err, "Tệp quá lớn", strlen("Tệp quá lớn")) == 0 ? 413 : 400,
                                   &f, NULL, err);
    int64_t att = attachment_add(r->db, a, id, file_id, fname, req_form(r, "title"),
                                 req_form(r, "doc_number"), issued, r->now, &err);
    if (att < 0) return render_article_form(r, 400, &f, NULL, err);
    audit(r->db, r->user ? r->user->id : 0, r->user ? r->user->username : NULL, r->now,
          "attachment.add", "article", id, arena_printf(a, "Tải lên tệp \"%s\"", fname));
    return reply_redirect(r, arena_printf(a, "/quan-tri/bai-viet/%lld?ok=tep", (long long)id));
}

/* POST /quan-tri/tep/:id/xoa [editor] - remove an attachment from its
 * article (the stored bytes stay; other attachments may share them). */
int page_admin_attachment_delete(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, "Không tìm thấy tệp đính kèm.");
    int64_t art = 0;
    const char *err = NULL;
    if (attachment_delete(r->db, id, r->user ? r->user->id : 0, r->user ? r->user->username : NULL,
                          r->now, &art, &err) != 0) {
        int notfound = !strcmp(err, "Không tìm thấy tệp đính kèm.");
        return reply_error(r, notfound ? 404 : 500, notfound ? err : NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/bai-viet/%lld?ok=xoa-tep", (long long)art));
}

/* ------------------------------------------------------ categories */

typedef struct CategoryForm {
    int64_t id, parent_id;
    const char *name, *slug, *description, *position;
    int in_menu;
} CategoryForm;

static int render_categories(Req *r, int status, const CategoryForm *f, const char *error)
{
    Arena *a = r->arena;
    Val *ctx = admin_ctx(r, "Chuyên mục", "/quan-tri/chuyen-muc", NULL);
    int n;
    Cat *cats = cat_tree(r, &n);
    if (n < 0) return reply_error(r, 500, NULL);
    Val *list = val_list(a);
    for (int i = 0; i < n; i++) {
        Val *it = val_map(a);
        val_set_int(it, "id", cats[i].id);
        val_set_str(it, "name", cats[i].name);
        val_set_int(it, "depth", cats[i].depth);
        Buf pre;
        buf_init(&pre, a);
        for (int d = 0; d < cats[i].depth && d < 8; d++) buf_puts(&pre, "— ");
        val_set_str(it, "prefix", buf_str(&pre));
        val_set_str(it, "slug", cats[i].slug);
        val_set_int(it, "position", cats[i].position);
        val_set_bool(it, "in_menu", cats[i].in_menu != 0);
        val_set_int(it, "articles", cats[i].articles);
        val_set_str(it, "edit_url", arena_printf(a, "/quan-tri/chuyen-muc?id=%lld", (long long)cats[i].id));
        val_set_str(it, "public_url", arena_printf(a, "/chuyen-muc/%s", cats[i].slug));
        val_set_bool(it, "editing", f->id == cats[i].id);
        val_push(list, it);
    }
    val_set(ctx, "categories", list);
    val_set_bool(ctx, "has_categories", n > 0);
    Val *fm = val_map(a);
    if (f->id) val_set_int(fm, "id", f->id);
    val_set_str(fm, "name", page_echo(a, f->name));
    val_set_str(fm, "slug", page_echo(a, f->slug));
    val_set_str(fm, "description", page_echo(a, f->description));
    val_set_str(fm, "position", page_echo(a, f->position));
    val_set_bool(fm, "in_menu", f->in_menu);
    val_set(ctx, "f", fm);
    val_set_str(ctx, "form_heading", f->id ? "Sửa chuyên mục" : "Thêm chuyên mục");
    val_set(ctx, "parent_options", category_options(r, f->parent_id, f->id));
    val_set_bool(ctx, "no_parent", f->parent_id == 0);
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && !error && !strcmp(ok, "1")) val_set_str(ctx, "notice", "Đã lưu chuyên mục.");
    return reply_page(r, status, "admin_categories", "Quản lý chuyên mục", ctx);
}

/* GET /quan-tri/chuyen-muc [admin]
 * The category tree; ?id=N puts category N in the form, else the form
 * creates a new one. */
int page_admin_categories(Req *r)
{
    Arena *a = r->arena;
    CategoryForm f = {.in_menu = 1, .position = "0"};
    int64_t id = req_int(r, "id", 0, 0, INT64_MAX);
    if (id) {
        Stmt *st = db_prepare(r->db, "SELECT COALESCE(parent_id, 0), name, slug, description, "
                                     "position, in_menu FROM categories WHERE id = ?1");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, id);
        int rc = db_step(st);
        if (rc == DB_ROW)
            f = (CategoryForm){.id = id, .parent_id = db_col_int(st, 0),
                               .name = db_col_dup(st, 1, a), .slug = db_col_dup(st, 2, a),
                               .description = db_col_dup(st, 3, a),
                               .position = arena_printf(a, "%lld", (long long)db_col_int(st, 4)),
                               .in_menu = db_col_int(st, 5) != 0};
        db_done(st);
        if (rc != DB_ROW)
            return reply_error(r, rc == DB_DONE ? 404 : 500, rc == DB_DONE ? "Không tìm thấy chuyên mục." : NULL);
    }
    return render_categories(r, 200, &f, NULL);
}

/* POST /quan-tri/chuyen-muc/luu [admin]
 * Form: id (0 = new), name, slug, parent_id, position, description, in_menu.
 * Success: 303 to the list with ?ok=1; error: the form again, 400. */
int page_admin_category_save(Req *r)
{
    CategoryForm f = {
        .id = req_int(r, "id", 0, 0, INT64_MAX),
        .parent_id = req_int(r, "parent_id", 0, 0, INT64_MAX),
        .name = req_form(r, "name"), .slug = req_form(r, "slug"),
        .description = req_form(r, "description"), .position = req_form(r, "position"),
        .in_menu = req_form(r, "in_menu") != NULL,
    };
    int64_t pos = 0;
    if (f.position && *f.position) {
        char *end;
        long long v = strtoll(f.position, &end, 10);
        if (*end || v < -1000000 || v > 1000000)
            return render_categories(r, 400, &f, "Thứ tự phải là một số nguyên.");
        pos = v;
    }
    CategoryInput in = {.id = f.id, .parent_id = f.parent_id, .name = f.name, .slug = f.slug,
                        .description = f.description, .position = pos, .in_menu = f.in_menu};
    const char *err = NULL;
    int64_t out = 0;
    if (category_save(r->db, r->arena, &in, r->user ? r->user->id : 0,
                      r->user ? r->user->username : NULL, r->now, &out, &err) != 0) {
        if (!strcmp(err, "Không tìm thấy chuyên mục.")) return reply_error(r, 404, err);
        return render_categories(r, 400, &f, err);
    }
    return reply_redirect(r, "/quan-tri/chuyen-muc?ok=1");
}
