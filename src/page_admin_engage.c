/* page_admin_engage.c - staff pages for polls, website links and visit
 * statistics under /quan-tri (administrators only; the route table holds
 * the role, the server checks it and every POST's CSRF token first).
 *
 * Polls and links are thin over engage_poll.c (validation, transactions,
 * audit); a handler reads the form, calls the model and either redirects
 * (303, ?ok=...) or shows the form again with what was typed and the
 * Vietnamese error (400).
 *
 * Statistics: the page first flushes the in-memory counters (stats_flush)
 * so what it shows is exact up to the request, then reads the aggregates
 * of the last 30 local days: a server-rendered SVG chart (geometry
 * computed here, drawn by the template with escaped numbers only, so no
 * raw output is needed) with a <title>/<desc> and the same data as a table,
 * the most-read articles, a CSV export and the starting-total form. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "content.h"
#include "db.h"
#include "engage_poll.h"
#include "http.h"
#include "http_cache.h"
#include "layout.h"
#include "log.h"
#include "page.h"
#include "page_util.h"
#include "stats.h"
#include "tmpl.h"
#include "vn.h"

#define STATS_DAYS 30
#define TOP_ARTICLES 10
#define ADMIN_POLLS_MAX 200
#define BASE_TOTAL_MAX 1000000000000000LL

/* ---------------------------------------------------------------- helpers */

/* Base context + admin chrome + crumbs Quản trị › section. */
static Val *admin_ctx(Req *r, const char *section)
{
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    r->cache_seconds = -1;
    Val *crumbs = val_list(r->arena);
    val_push(crumbs, page_crumb(r->arena, "Quản trị", "/quan-tri"));
    val_push(crumbs, page_crumb(r->arena, section, NULL));
    val_set(ctx, "crumbs", crumbs);
    return ctx;
}

/* Local date of a yyyymmdd day number: "12/5/2026" (short: "12/5"). */
static const char *day_text(Arena *a, int day, int short_form)
{
    int y = day / 10000, m = day / 100 % 100, d = day % 100;
    return short_form ? arena_printf(a, "%d/%d", d, m) : arena_printf(a, "%d/%d/%d", d, m, y);
}

/* ================================================================ polls */

static const char *poll_state(const char *status, int64_t opens, int64_t closes, int64_t now)
{
    if (!strcmp(status, "draft")) return "Nháp";
    if (!strcmp(status, "archived")) return "Lưu trữ";
    if (!strcmp(status, "closed")) return "Đã đóng";
    int v = poll_votable(status, opens, closes, now);
    if (v == POLL_VOTE_NOT_OPEN) return "Mở (chờ đến giờ bắt đầu)";
    if (v == POLL_VOTE_CLOSED) return "Mở (đã quá giờ kết thúc)";
    return "Đang mở";
}

typedef struct PollForm {
    int64_t id;
    const char *question, *options, *opens, *closes;
    int multiple;
} PollForm;

static int render_polls(Req *r, int status, const PollForm *f, const char *error)
{
    Arena *a = r->arena;
    Val *ctx = admin_ctx(r, "Bình chọn");
    Stmt *st = db_prepare(r->db, "SELECT id, question, status, COALESCE(opens_at, 0), "
                                 "COALESCE(closes_at, 0), voters, multiple FROM polls "
                                 "ORDER BY id DESC LIMIT ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, ADMIN_POLLS_MAX);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0), opens = db_col_int(st, 3), closes = db_col_int(st, 4);
        const char *s = db_col_dup(st, 2, a);
        Val *p = val_map(a);
        val_set_int(p, "id", id);
        val_set_str(p, "question", db_col_dup(st, 1, a));
        val_set_str(p, "state", poll_state(s, opens, closes, r->now));
        val_set_str(p, "opens", opens > 0 ? page_datetime_text(a, opens) : "—");
        val_set_str(p, "closes", closes > 0 ? page_datetime_text(a, closes) : "—");
        val_set_int(p, "voters", db_col_int(st, 5));
        val_set_bool(p, "multiple", db_col_int(st, 6) != 0);
        val_set_str(p, "edit_url", arena_printf(a, "/quan-tri/binh-chon?id=%lld", (long long)id));
        val_set_str(p, "status_url", arena_printf(a, "/quan-tri/binh-chon/%lld/trang-thai", (long long)id));
        val_set_str(p, "public_url", arena_printf(a, "/binh-chon/%lld", (long long)id));
        val_set_bool(p, "public", strcmp(s, "draft") != 0);
        val_set_bool(p, "can_open", strcmp(s, "open") != 0);
        val_set_bool(p, "can_close", !strcmp(s, "open"));
        val_set_bool(p, "can_archive", strcmp(s, "archived") != 0);
        val_set_bool(p, "editing", f->id == id);
        val_push(list, p);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "polls", list);
    val_set_bool(ctx, "has_polls", val_len(list) > 0);
    Val *fm = val_map(a);
    if (f->id) val_set_int(fm, "id", f->id);
    val_set_str(fm, "question", page_echo(a, f->question));
    val_set_str(fm, "options", page_echo(a, f->options));
    val_set_str(fm, "opens", page_echo(a, f->opens));
    val_set_str(fm, "closes", page_echo(a, f->closes));
    val_set_bool(fm, "multiple", f->multiple);
    val_set(ctx, "f", fm);
    val_set_str(ctx, "form_heading", f->id ? "Sửa cuộc bình chọn" : "Tạo cuộc bình chọn mới");
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && !error) {
        if (!strcmp(ok, "luu")) val_set_str(ctx, "notice", "Đã lưu cuộc bình chọn.");
        else if (!strcmp(ok, "trang-thai")) val_set_str(ctx, "notice", "Đã đổi trạng thái cuộc bình chọn.");
    }
    return reply_page(r, status, "admin_polls", "Quản lý bình chọn", ctx);
}

/* GET /quan-tri/binh-chon [admin]
 * All polls with their state and voters, open/close/archive buttons, and
 * the form: ?id=N edits poll N, else it creates a new (draft) poll. */
int page_admin_polls(Req *r)
{
    Arena *a = r->arena;
    PollForm f = {0};
    int64_t id = req_int(r, "id", 0, 0, INT64_MAX);
    if (id) {
        Stmt *st = db_prepare(r->db, "SELECT question, multiple, COALESCE(opens_at, 0), "
                                     "COALESCE(closes_at, 0) FROM polls WHERE id = ?1");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, id);
        int rc = db_step(st);
        if (rc == DB_ROW) {
            f.id = id;
            f.question = db_col_dup(st, 0, a);
            f.multiple = db_col_int(st, 1) != 0;
            f.opens = page_datetime_local(a, db_col_int(st, 2));
            f.closes = page_datetime_local(a, db_col_int(st, 3));
        }
        db_done(st);
        if (rc != DB_ROW)
            return reply_error(r, rc == DB_DONE ? 404 : 500,
                               rc == DB_DONE ? "Không tìm thấy cuộc bình chọn." : NULL);
        Buf b;
        buf_init(&b, a);
        st = db_prepare(r->db, "SELECT label FROM poll_options WHERE poll_id = ?1 ORDER BY position, id");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, id);
        while ((rc = db_step(st)) == DB_ROW) {
            buf_puts(&b, db_col_text(st, 0));
            buf_putc(&b, '\n');
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        f.options = buf_str(&b);
    }
    return render_polls(r, 200, &f, NULL);
}

/* POST /quan-tri/binh-chon/luu [admin]
 * Form: id (0 = new), question, options (one per line), multiple,
 * opens_at, closes_at (datetime-local, Vietnam time; empty = none).
 * 303 to the list with ?ok=luu; errors: the form again, 400. */
int page_admin_poll_save(Req *r)
{
    PollForm f = {
        .id = req_int(r, "id", 0, 0, INT64_MAX),
        .question = req_form(r, "question"), .options = req_form(r, "options"),
        .opens = req_form(r, "opens_at"), .closes = req_form(r, "closes_at"),
        .multiple = req_form(r, "multiple") != NULL,
    };
    PollInput in = {.id = f.id, .question = f.question, .options = f.options, .multiple = f.multiple};
    if (page_parse_when(r->arena, f.opens, &in.opens_at) != 0)
        return render_polls(r, 400, &f, "Thời gian bắt đầu không hợp lệ (ví dụ 12/5/2026 08:00).");
    if (page_parse_when(r->arena, f.closes, &in.closes_at) != 0)
        return render_polls(r, 400, &f, "Thời gian kết thúc không hợp lệ (ví dụ 12/5/2026 08:00).");
    const char *err = NULL;
    if (poll_save(r->db, r->arena, &in, r->user ? r->user->id : 0, r->user ? r->user->username : NULL,
                  r->now, NULL, &err) != 0) {
        if (err && !strcmp(err, "Không tìm thấy cuộc bình chọn.")) return reply_error(r, 404, err);
        return render_polls(r, 400, &f, err);
    }
    cache_invalidate("sidebar");   /* the current poll is a sidebar block */
    return reply_redirect(r, "/quan-tri/binh-chon?ok=luu");
}

/* POST /quan-tri/binh-chon/:id/trang-thai [admin]
 * Form: trang_thai = open | closed | archived | draft.
 * 303 to the list with ?ok=trang-thai; unknown poll 404; refused 400. */
int page_admin_poll_status(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, NULL);
    const char *s = req_form(r, "trang_thai");
    const char *err = NULL;
    if (poll_set_status(r->db, id, s ? s : "", r->user ? r->user->id : 0,
                        r->user ? r->user->username : NULL, r->now, &err) != 0) {
        if (err && !strcmp(err, "Không tìm thấy cuộc bình chọn.")) return reply_error(r, 404, err);
        PollForm f = {0};
        return render_polls(r, 400, &f, err);
    }
    cache_invalidate("sidebar");   /* the current poll is a sidebar block */
    return reply_redirect(r, "/quan-tri/binh-chon?ok=trang-thai");
}

/* ================================================================ links */

typedef struct LinkForm {
    int64_t id;
    const char *name, *url;
} LinkForm;

static int render_links(Req *r, int status, const LinkForm *f, const char *error)
{
    Arena *a = r->arena;
    Val *ctx = admin_ctx(r, "Liên kết website");
    Stmt *st = db_prepare(r->db, "SELECT id, name, url FROM links ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        Val *l = val_map(a);
        val_set_int(l, "id", id);
        val_set_str(l, "name", db_col_dup(st, 1, a));
        val_set_str(l, "url", db_col_dup(st, 2, a));
        val_set_str(l, "edit_url", arena_printf(a, "/quan-tri/lien-ket?id=%lld", (long long)id));
        val_set_str(l, "delete_url", arena_printf(a, "/quan-tri/lien-ket/%lld/xoa", (long long)id));
        val_set_str(l, "move_url", arena_printf(a, "/quan-tri/lien-ket/%lld/di-chuyen", (long long)id));
        val_set_bool(l, "editing", f->id == id);
        val_push(list, l);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    size_t n = val_len(list);
    val_set(ctx, "links", list);
    val_set_bool(ctx, "has_links", n > 0);
    Val *fm = val_map(a);
    if (f->id) val_set_int(fm, "id", f->id);
    val_set_str(fm, "name", page_echo(a, f->name));
    val_set_str(fm, "url", page_echo(a, f->url));
    val_set(ctx, "f", fm);
    val_set_str(ctx, "form_heading", f->id ? "Sửa liên kết" : "Thêm liên kết");
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && !error) {
        if (!strcmp(ok, "luu")) val_set_str(ctx, "notice", "Đã lưu liên kết.");
        else if (!strcmp(ok, "xoa")) val_set_str(ctx, "notice", "Đã xoá liên kết.");
        else if (!strcmp(ok, "di-chuyen")) val_set_str(ctx, "notice", "Đã đổi thứ tự liên kết.");
    }
    return reply_page(r, status, "admin_links", "Liên kết website", ctx);
}

/* GET /quan-tri/lien-ket [admin]
 * The links in display order with up/down/delete buttons and the form;
 * ?id=N edits link N. */
int page_admin_links(Req *r)
{
    LinkForm f = {0};
    int64_t id = req_int(r, "id", 0, 0, INT64_MAX);
    if (id) {
        Stmt *st = db_prepare(r->db, "SELECT name, url FROM links WHERE id = ?1");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, id);
        int rc = db_step(st);
        if (rc == DB_ROW) f = (LinkForm){id, db_col_dup(st, 0, r->arena), db_col_dup(st, 1, r->arena)};
        db_done(st);
        if (rc != DB_ROW)
            return reply_error(r, rc == DB_DONE ? 404 : 500, rc == DB_DONE ? "Không tìm thấy liên kết." : NULL);
    }
    return render_links(r, 200, &f, NULL);
}

/* POST /quan-tri/lien-ket/luu [admin]
 * Form: id (0 = new), name, url (http/https only).  303 ?ok=luu; 400 form. */
int page_admin_link_save(Req *r)
{
    LinkForm f = {req_int(r, "id", 0, 0, INT64_MAX), req_form(r, "name"), req_form(r, "url")};
    LinkInput in = {.id = f.id, .name = f.name, .url = f.url};
    const char *err = NULL;
    if (link_save(r->db, r->arena, &in, r->user ? r->user->id : 0, r->user ? r->user->username : NULL,
                  r->now, NULL, &err) != 0) {
        if (err && !strcmp(err, "Không tìm thấy liên kết.")) return reply_error(r, 404, err);
        return render_links(r, 400, &f, err);
    }
    cache_invalidate("sidebar");   /* the links are a sidebar block */
    return reply_redirect(r, "/quan-tri/lien-ket?ok=luu");
}

/* POST /quan-tri/lien-ket/:id/xoa [admin] - delete.  303 ?ok=xoa; 404. */
int page_admin_link_delete(Req *r)
{
    const char *err = NULL;
    if (link_delete(r->db, page_arg_id(r, 0), r->user ? r->user->id : 0, r->user ? r->user->username : NULL,
                    r->now, &err) != 0)
        return reply_error(r, err && !strcmp(err, "Không tìm thấy liên kết.") ? 404 : 500, err);
    cache_invalidate("sidebar");   /* the links are a sidebar block */
    return reply_redirect(r, "/quan-tri/lien-ket?ok=xoa");
}

/* POST /quan-tri/lien-ket/:id/di-chuyen [admin]
 * Form: huong = len (up) | xuong (down).  303 ?ok=di-chuyen; 400; 404. */
int page_admin_link_move(Req *r)
{
    const char *h = req_form(r, "huong");
    int dir = h && !strcmp(h, "len") ? -1 : h && !strcmp(h, "xuong") ? 1 : 0;
    if (!dir) return reply_error(r, 400, "Hướng di chuyển không hợp lệ.");
    const char *err = NULL;
    if (link_move(r->db, page_arg_id(r, 0), dir, r->user ? r->user->id : 0, r->user ? r->user->username : NULL,
                  r->now, &err) != 0)
        return reply_error(r, err && !strcmp(err, "Không tìm thấy liên kết.") ? 404 : 500, err);
    cache_invalidate("sidebar");   /* the links are a sidebar block */
    return reply_redirect(r, "/quan-tri/lien-ket?ok=di-chuyen");
}

/* ================================================================ statistics */

typedef struct DayStat { int day; int64_t views, visitors; } DayStat;

/* The last STATS_DAYS local days up to today (oldest first), zero-filled.
 * 0, or -1 on a database error. */
static int read_days(Req *r, DayStat out[STATS_DAYS])
{
    for (int i = 0; i < STATS_DAYS; i++) {
        out[i].day = vn_day_number(r->now - (int64_t)(STATS_DAYS - 1 - i) * 86400);
        out[i].views = out[i].visitors = 0;
    }
    Stmt *st = db_prepare(r->db, "SELECT day, views, visitors FROM stats_daily "
                                 "WHERE day >= ?1 AND day <= ?2 ORDER BY day");
    if (!st) return -1;
    db_bindf(st, "ii", out[0].day, out[STATS_DAYS - 1].day);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int day = (int)db_col_int(st, 0);
        for (int i = 0; i < STATS_DAYS; i++)
            if (out[i].day == day) {
                out[i].views = db_col_int(st, 1);
                out[i].visitors = db_col_int(st, 2);
            }
    }
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* The smallest 1, 2 or 5 x 10^k >= v (at least 10): the y axis top. */
static int64_t nice_ceiling(int64_t v)
{
    int64_t p = 1;
    if (v < 10) return 10;
    while (p <= v / 10) p *= 10;
    for (;;) {
        if (p >= v) return p;
        if (2 * p >= v) return 2 * p;
        if (5 * p >= v) return 5 * p;
        p *= 10;
    }
}

/* Chart geometry for the template (see admin_stats.html): a 720 x 280
 * viewBox, bars for views, a line with dots for visitors, 4 y grid lines
 * labelled in Vietnamese number format, and a date label every 5 days. */
static Val *chart(Req *r, const DayStat *d)
{
    Arena *a = r->arena;
    const double W = 720, H = 280, L = 64, R = 12, T = 16, B = 40;
    const double pw = W - L - R, ph = H - T - B;
    int64_t max = 0;
    for (int i = 0; i < STATS_DAYS; i++) {
        if (d[i].views > max) max = d[i].views;
        if (d[i].visitors > max) max = d[i].visitors;
    }
    int64_t top = nice_ceiling(max);
    Val *c = val_map(a);
    val_set_str(c, "viewbox", arena_printf(a, "0 0 %.0f %.0f", W, H));
    val_set_str(c, "x0", arena_printf(a, "%.0f", L));
    val_set_str(c, "x1", arena_printf(a, "%.0f", W - R));
    val_set_str(c, "ybase", arena_printf(a, "%.0f", T + ph));
    Val *ticks = val_list(a);
    for (int k = 0; k <= 4; k++) {
        double y = T + ph - ph * k / 4.0;
        Val *t = val_map(a);
        val_set_str(t, "y", arena_printf(a, "%.1f", y));
        val_set_str(t, "ty", arena_printf(a, "%.1f", y + 4));
        val_set_str(t, "tx", arena_printf(a, "%.0f", L - 6));
        val_set_str(t, "label", page_int_text(a, top * k / 4));
        val_push(ticks, t);
    }
    val_set(c, "ticks", ticks);
    double step = pw / STATS_DAYS;
    Val *bars = val_list(a), *labels = val_list(a), *dots = val_list(a);
    Buf pts;
    buf_init(&pts, a);
    for (int i = 0; i < STATS_DAYS; i++) {
        double x = L + step * i;
        double h = ph * (double)d[i].views / (double)top;
        Val *b = val_map(a);
        val_set_str(b, "x", arena_printf(a, "%.1f", x + step * 0.15));
        val_set_str(b, "y", arena_printf(a, "%.1f", T + ph - h));
        val_set_str(b, "w", arena_printf(a, "%.1f", step * 0.7));
        val_set_str(b, "h", arena_printf(a, "%.1f", h));
        val_set_str(b, "title", arena_printf(a, "%s: %s lượt xem, %s khách", day_text(a, d[i].day, 0),
                                             page_int_text(a, d[i].views), page_int_text(a, d[i].visitors)));
        val_push(bars, b);
        double cx = x + step / 2, cy = T + ph - ph * (double)d[i].visitors / (double)top;
        buf_printf(&pts, "%s%.1f,%.1f", i ? " " : "", cx, cy);
        Val *dot = val_map(a);
        val_set_str(dot, "cx", arena_printf(a, "%.1f", cx));
        val_set_str(dot, "cy", arena_printf(a, "%.1f", cy));
        val_push(dots, dot);
        if ((STATS_DAYS - 1 - i) % 5 == 0) {
            Val *l = val_map(a);
            val_set_str(l, "x", arena_printf(a, "%.1f", cx));
            val_set_str(l, "y", arena_printf(a, "%.0f", T + ph + 18));
            val_set_str(l, "label", day_text(a, d[i].day, 1));
            val_push(labels, l);
        }
    }
    val_set(c, "bars", bars);
    val_set(c, "dots", dots);
    val_set(c, "labels", labels);
    val_set_str(c, "points", buf_str(&pts));
    return c;
}

/* The most-read articles of the period: [{title, url, views, views_text,
 * width}], NULL on a database error. */
static Val *top_articles(Req *r, int from_day)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT s.article_id, SUM(s.views) AS v, a.title, a.slug FROM stats_article_daily s "
        "LEFT JOIN articles a ON a.id = s.article_id WHERE s.day >= ?1 "
        "GROUP BY s.article_id, a.title, a.slug ORDER BY v DESC, s.article_id LIMIT ?2");
    if (!st) return NULL;
    db_bindf(st, "ii", from_day, TOP_ARTICLES);
    Val *list = val_list(a);
    int rc;
    int64_t max = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t v = db_col_int(st, 1);
        if (v > max) max = v;
        Val *it = val_map(a);
        if (db_col_is_null(st, 2)) {
            val_set_str(it, "title", arena_printf(a, "Bài viết #%lld (đã xoá)", (long long)db_col_int(st, 0)));
        } else {
            val_set_str(it, "title", db_col_dup(st, 2, a));
            val_set_str(it, "url", arena_printf(a, "/bai-viet/%s", db_col_text(st, 3)));
        }
        val_set_int(it, "views", v);
        val_set_str(it, "views_text", page_int_text(a, v));
        val_set_str(it, "width", arena_printf(a, "%.1f", max > 0 ? 100.0 * (double)v / (double)max : 0.0));
        val_set_int(it, "rank", (int64_t)val_len(list) + 1);
        val_push(list, it);
    }
    db_done(st);
    return rc == DB_DONE ? list : NULL;
}

static int64_t base_total(Req *r)
{
    char *v = db_text(r->db, r->arena, "SELECT value FROM settings WHERE key = 'stats_base_total'", "");
    if (!v) return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    return (end != v && !*end && x > 0) ? x : 0;
}

static int render_stats(Req *r, int status, const char *base_input, const char *error)
{
    Arena *a = r->arena;
    /* Exact up to now: write what the counters hold before reading. */
    if (stats_flush(r->db, r->now) != 0) log_warn("statistics page: flush failed; showing stored data");
    DayStat d[STATS_DAYS];
    if (read_days(r, d) != 0) return reply_error(r, 500, NULL);
    Val *arts = top_articles(r, d[0].day);
    if (!arts) return reply_error(r, 500, NULL);
    int64_t total = stats_total(r->db);
    if (total < 0) return reply_error(r, 500, NULL);

    Val *ctx = admin_ctx(r, "Thống kê truy cập");
    const DayStat *today = &d[STATS_DAYS - 1];
    int64_t sum_views = 0, sum_visitors = 0;
    Val *rows = val_list(a);
    for (int i = STATS_DAYS - 1; i >= 0; i--) {
        sum_views += d[i].views;
        sum_visitors += d[i].visitors;
        Val *row = val_map(a);
        val_set_str(row, "date", day_text(a, d[i].day, 0));
        val_set_int(row, "views", d[i].views);
        val_set_int(row, "visitors", d[i].visitors);
        val_push(rows, row);
    }
    val_set(ctx, "days", rows);
    val_set_int(ctx, "today_views", today->views);
    val_set_int(ctx, "today_visitors", today->visitors);
    val_set_int(ctx, "online", stats_online(r->now));
    val_set_int(ctx, "total", total);
    val_set_int(ctx, "sum_views", sum_views);
    val_set_int(ctx, "sum_visitors", sum_visitors);
    val_set_str(ctx, "period", arena_printf(a, "%s – %s", day_text(a, d[0].day, 0), day_text(a, today->day, 0)));
    val_set(ctx, "chart", chart(r, d));
    val_set(ctx, "articles", arts);
    val_set_bool(ctx, "has_articles", val_len(arts) > 0);
    int64_t base = base_total(r);
    val_set_int(ctx, "base_total", base);
    val_set_str(ctx, "base_input", base_input ? page_echo(a, base_input) : arena_printf(a, "%lld", (long long)base));
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && !error && !strcmp(ok, "1")) val_set_str(ctx, "notice", "Đã lưu tổng lượt truy cập ban đầu.");
    return reply_page(r, status, "admin_stats", "Thống kê truy cập", ctx);
}

/* GET /quan-tri/thong-ke [admin]
 * Visits of the last 30 days (chart + table), today's figures, visitors
 * online, the all-time total, the most-read articles, the CSV links and
 * the starting-total form.  Flushes the counters first. */
int page_admin_stats(Req *r)
{
    return render_stats(r, 200, NULL, NULL);
}

/* GET /quan-tri/thong-ke.csv [admin]
 * CSV (UTF-8 with BOM so Excel reads the Vietnamese, CRLF lines) of the
 * last 30 days: Ngày, Lượt xem, Khách truy cập; with ?loai=bai-viet the
 * most-read articles instead.  Sent as an attachment. */
int page_admin_stats_csv(Req *r)
{
    Arena *a = r->arena;
    if (stats_flush(r->db, r->now) != 0) log_warn("statistics export: flush failed; exporting stored data");
    DayStat d[STATS_DAYS];
    if (read_days(r, d) != 0) return reply_error(r, 500, NULL);
    const char *kind = req_query(r, "loai");
    int articles = kind && !strcmp(kind, "bai-viet");
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "\xEF\xBB\xBF");
    if (articles) {
        buf_puts(&b, "Hạng,Bài viết,Lượt xem 30 ngày\r\n");
        Stmt *st = db_prepare(r->db,
            "SELECT s.article_id, SUM(s.views) AS v, a.title FROM stats_article_daily s "
            "LEFT JOIN articles a ON a.id = s.article_id WHERE s.day >= ?1 "
            "GROUP BY s.article_id, a.title ORDER BY v DESC, s.article_id LIMIT 1000");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, d[0].day);
        int rc, rank = 0;
        while ((rc = db_step(st)) == DB_ROW) {
            buf_printf(&b, "%d,", ++rank);
            if (db_col_is_null(st, 2))
                buf_csv(&b, arena_printf(a, "Bài viết #%lld (đã xoá)", (long long)db_col_int(st, 0)));
            else
                buf_csv(&b, db_col_text(st, 2));
            buf_printf(&b, ",%lld\r\n", (long long)db_col_int(st, 1));
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
    } else {
        buf_puts(&b, "Ngày,Lượt xem,Khách truy cập\r\n");
        for (int i = 0; i < STATS_DAYS; i++)
            buf_printf(&b, "%s,%lld,%lld\r\n", day_text(a, d[i].day, 0), (long long)d[i].views,
                       (long long)d[i].visitors);
    }
    r->cache_seconds = -1;
    reply_header(r, "Content-Disposition",
                 arena_printf(a, "attachment; filename=\"thong-ke-%s-%d.csv\"",
                              articles ? "bai-viet" : "truy-cap", vn_day_number(r->now)));
    return reply_text(r, 200, "text/csv; charset=utf-8", buf_str(&b));
}

/* POST /quan-tri/thong-ke/tong-ban-dau [admin]
 * Form: tong - the starting total (e.g. the old portal's counter), digits
 * with optional '.' or space grouping ("4.922.000").  Saved in settings
 * stats_base_total with an audit row (old and new value), one transaction.
 * 303 ?ok=1; 400 with the page for a bad number. */
int page_admin_stats_base(Req *r)
{
    const char *in = req_form(r, "tong");
    int64_t v = 0;
    int digits = 0, bad = !in;
    for (const char *p = in ? in : ""; *p && !bad; p++) {
        if (*p >= '0' && *p <= '9') {
            if (v > BASE_TOTAL_MAX / 10) { bad = 1; break; }
            v = v * 10 + (*p - '0');
            digits++;
        } else if (*p != '.' && *p != ' ') {
            bad = 1;
        }
    }
    if (bad || digits == 0 || v > BASE_TOTAL_MAX)
        return render_stats(r, 400, in, "Tổng ban đầu phải là một số nguyên không âm, ví dụ 4.922.000.");
    int64_t old = base_total(r);
    Db *db = r->db;
    if (db_begin(db) != DB_OK) return reply_error(r, 500, NULL);
    if (db_exec(db, "INSERT INTO settings (key, value) VALUES ('stats_base_total', ?1) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                "t", arena_printf(r->arena, "%lld", (long long)v)) != DB_OK ||
        audit(db, r->user ? r->user->id : 0, r->user ? r->user->username : NULL, r->now,
              "stats.base_total", "setting", 0,
              arena_printf(r->arena, "%s → %s", page_int_text(r->arena, old), page_int_text(r->arena, v))) != 0 ||
        db_commit(db) != DB_OK) {
        db_rollback(db);
        return reply_error(r, 500, NULL);
    }
    cache_invalidate("sidebar");   /* the visit total is a sidebar block */
    return reply_redirect(r, "/quan-tri/thong-ke?ok=1");
}
