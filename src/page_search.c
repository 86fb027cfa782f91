/* page_search.c - the public search page (GET /tim-kiem).
 *
 * Reads the query and filters from the URL (a plain GET form, so it works
 * without JavaScript, can be bookmarked and shared), parses the query with
 * search_parse and runs it with search_run; everything shown is escaped by
 * the template except title_html/snippet_html, which search_highlight made
 * from escaped text plus <mark> tags (tests/raw_allowlist.txt).
 *
 * Parameters: q (the words), loai ("bai-viet" | "van-ban", else all),
 * chuyen-muc (category slug, sub-categories included), tu / den (dates
 * dd/mm/yyyy or yyyy-mm-dd, both days included), trang (page). */
#include <string.h>

#include "config.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "search.h"
#include "tmpl.h"
#include "vn.h"

/* Categories for the filter select: top level by position, each followed
 * by its children ({slug, name, child, selected}); *cat_id is set to the
 * id of the selected slug (0 when none or unknown). */
static Val *category_options(Req *r, const char *selected, int64_t *cat_id)
{
    Arena *a = r->arena;
    Val *list = val_list(a);
    *cat_id = 0;
    Stmt *st = db_prepare(r->db,
        "SELECT c.id, c.slug, c.name, c.parent_id IS NOT NULL FROM categories c"
        " LEFT JOIN categories p ON p.id = c.parent_id"
        " ORDER BY COALESCE(p.position, c.position), COALESCE(p.id, c.id),"
        " c.parent_id IS NOT NULL, c.position, c.id");
    if (!st) return NULL;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *o = val_map(a);
        const char *slug = db_col_dup(st, 1, a);
        int sel = selected && strcmp(selected, slug) == 0;
        if (sel) *cat_id = db_col_int(st, 0);
        val_set_str(o, "slug", slug);
        val_set_str(o, "name", db_col_dup(st, 2, a));
        val_set_bool(o, "child", db_col_int(st, 3) != 0);
        val_set_bool(o, "selected", sel);
        val_push(list, o);
    }
    db_done(st);
    return rc == DB_DONE ? list : NULL;
}

/* Parse a date filter; 0 when empty.  A bad date adds a warning and is
 * ignored (the search still runs). */
static int64_t date_param(Req *r, const char *v, const char *label, Val *warnings)
{
    if (!v || !*v) return 0;
    int64_t t;
    if (vn_parse_datetime(v, &t) != 0 || t <= 0) {
        val_push(warnings, val_str(r->arena, arena_printf(r->arena,
            "%s không hợp lệ, đã bỏ qua. Nhập ngày dạng 12/5/2022 hoặc 2022-05-12.", label)));
        return 0;
    }
    return vn_day_start(t);
}

/* The page's URL with every parameter but the page number, for the pager. */
static const char *base_url(Req *r, const char *q, const char *loai, const char *cat,
                            const char *from, const char *to)
{
    Buf b;
    buf_init(&b, r->arena);
    buf_puts(&b, "/tim-kiem?q=");
    buf_url(&b, q ? q : "");
    const char *names[] = {"loai", "chuyen-muc", "tu", "den"};
    const char *vals[] = {loai, cat, from, to};
    for (int i = 0; i < 4; i++) {
        if (!vals[i] || !*vals[i]) continue;
        buf_printf(&b, "&%s=", names[i]);
        buf_url(&b, vals[i]);
    }
    return buf_str(&b);
}

/* A request value as text safe to show again in the form: valid UTF-8
 * (else empty) and at most 400 bytes. */
static const char *form_value(Req *r, const char *name)
{
    const char *v = req_query(r, name);
    if (!v) return NULL;
    if (strlen(v) > 400 || !vn_utf8_valid(v, strlen(v))) return "";
    return v;
}

/* GET /tim-kiem?q=&loai=&chuyen-muc=&tu=&den=&trang= - search articles and
 * documents (visible ones only).  No q: the empty form.  An empty query
 * answers 200 with "Vui lòng nhập từ khóa tìm kiếm."; an over-long or
 * invalid one 400 with its message.  Public; counted as a page view. */
int page_search(Req *r)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    const char *qraw = req_query(r, "q");
    const char *loai = form_value(r, "loai");
    const char *cat = form_value(r, "chuyen-muc");
    const char *from_s = form_value(r, "tu");
    const char *to_s = form_value(r, "den");

    int64_t cat_id = 0;
    Val *cats = category_options(r, cat, &cat_id);
    if (!cats) return reply_error(r, 500, NULL);
    val_set(ctx, "categories", cats);
    const char *kind = NULL;
    if (loai && strcmp(loai, "bai-viet") == 0) kind = "article";
    else if (loai && strcmp(loai, "van-ban") == 0) kind = "document";
    else loai = "";
    val_set_bool(ctx, "kind_article", kind && strcmp(kind, "article") == 0);
    val_set_bool(ctx, "kind_document", kind && strcmp(kind, "document") == 0);
    val_set_str(ctx, "from", from_s ? from_s : "");
    val_set_str(ctx, "to", to_s ? to_s : "");
    Val *warnings = val_list(a);
    int64_t from = date_param(r, from_s, "Ngày bắt đầu", warnings);
    int64_t to = date_param(r, to_s, "Ngày kết thúc", warnings);
    if (to) to += 86400;   /* the whole last day */
    val_set(ctx, "warnings", warnings);

    Val *crumbs = val_list(a);
    Val *c = val_map(a);
    val_set_str(c, "name", "Tìm kiếm");
    val_push(crumbs, c);
    val_set(ctx, "crumbs", crumbs);
    val_set_str(ctx, "canonical", arena_printf(a, "%s/tim-kiem", cfg.site_url ? cfg.site_url : ""));

    if (!qraw) return reply_page(r, 200, "search", "Tìm kiếm", ctx);

    SearchQuery q;
    const char *err = NULL;
    if (search_parse(a, qraw, &q, &err) != 0) {
        /* Show back what can safely be shown: the cleaned text when there was one. */
        const char *shown = vn_utf8_valid(qraw, strlen(qraw)) && strlen(qraw) <= 400 ? qraw : "";
        val_set_str(ctx, "q", shown);
        val_set_str(ctx, "search_q", shown);
        val_set_str(ctx, "error", err);
        return reply_page(r, strcmp(err, SEARCH_ERR_EMPTY) == 0 ? 200 : 400, "search", "Tìm kiếm", ctx);
    }
    val_set_str(ctx, "q", q.text);
    val_set_str(ctx, "search_q", q.text);

    SearchOptions o = {
        .kind = kind, .category_id = cat_id, .from = from, .to = to,
        .page = req_int(r, "trang", 1, 1, 1000000), .per_page = SEARCH_PER_PAGE, .now = r->now,
    };
    SearchResults res;
    if (search_run(r->db, a, &q, &o, &res) != 0) return reply_error(r, 500, NULL);

    Val *list = val_list(a);
    for (int i = 0; i < res.n; i++) {
        const SearchHit *h = &res.hits[i];
        Val *it = val_map(a);
        val_set_bool(it, "is_document", h->is_document);
        val_set_str(it, "title_html", h->title_html);
        val_set_str(it, "snippet_html", h->snippet_html);
        val_set_str(it, "url", h->url);
        val_set_int(it, "date_ts", h->date);
        val_set_str(it, "date", page_date_text(a, h->date));
        val_set_str(it, "category_name", h->category_name ? h->category_name : "");
        val_set_str(it, "category_url", h->category_url ? h->category_url : "");
        if (h->is_document) {
            val_set_str(it, "doc_number", h->doc_number ? h->doc_number : "");
            val_set_str(it, "filename", h->filename ? h->filename : "");
            val_set_str(it, "article_title", h->article_title ? h->article_title : "");
            val_set_str(it, "article_url", h->article_url ? h->article_url : "");
        }
        val_push(list, it);
    }
    val_set_bool(ctx, "searched", 1);
    val_set(ctx, "results", list);
    val_set_bool(ctx, "has_results", res.n > 0);
    val_set_int(ctx, "total", res.total);
    val_set_bool(ctx, "total_more", res.total_more);
    val_set_int(ctx, "start", (res.page - 1) * SEARCH_PER_PAGE + 1);
    Val *p = page_pager_open(a, base_url(r, q.text, loai, cat, from_s, to_s), res.page, res.pages,
                             res.more_pages);
    if (p) val_set(ctx, "pager", p);
    const char *title = res.page > 1
        ? arena_printf(a, "Tìm kiếm: %s – Trang %lld", q.text, (long long)res.page)
        : arena_printf(a, "Tìm kiếm: %s", q.text);
    return reply_page(r, 200, "search", title, ctx);
}
