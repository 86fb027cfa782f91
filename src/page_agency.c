/* page_agency.c - an answering agency's own pages (issue 10 item 2;
 * docs/PETITIONS.md "Agencies").
 *
 *   GET  /quan-tri/co-quan                          petitions forwarded to the account's agency
 *   GET  /quan-tri/co-quan/kien-nghi/:id            one of them (never the sender's name or contact)
 *   POST /quan-tri/co-quan/kien-nghi/:id/tiep-nhan  take it up (forwarded -> in progress)
 *   POST /quan-tri/co-quan/kien-nghi/:id/tra-loi    the answer, with an optional document
 * Role ROLE_AGENCY only; the per-petition routes carry
 * ROUTE_AGENCY_PETITION, so the server has refused (403) a petition not
 * forwarded to this agency before the handler runs and before a byte of an
 * uploaded document is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "content.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "petition.h"
#include "tmpl.h"
#include "vn.h"

static int same(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* GET /quan-tri/co-quan [agency] */
int page_agency_home(Req *r)
{
    Arena *a = r->arena;
    int64_t agency = r->user->agency_id, today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM agencies WHERE id = ?1", "l", agency);
    val_set_str(ctx, "agency", name ? name : "");
    Stmt *st = db_prepare(r->db,
        "SELECT p.id, p.code, p.text, COALESCE(p.deadline, 0), p.status, COALESCE(l.label, p.status), c.name, "
        "COALESCE(p.forwarded_on, 0) FROM petitions p JOIN councils c ON c.id = p.council_id "
        "LEFT JOIN status_labels l ON l.domain = 'petition' AND l.code = p.status "
        "WHERE p.agency_id = ?1 AND p.forwarded_on IS NOT NULL AND p.status <> 'merged' "
        "ORDER BY CASE WHEN p.status IN ('forwarded','in_progress') THEN 0 ELSE 1 END, p.deadline, p.id LIMIT 500");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, agency);
    Val *open = val_list(a), *done = val_list(a);
    int rc, overdue = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *status = db_col_text(st, 4);
        int is_open = same(status, "forwarded") || same(status, "in_progress");
        int late = petition_overdue(status, db_col_int(st, 3), today);
        overdue += late;
        val_set_str(m, "url", arena_printf(a, "/quan-tri/co-quan/kien-nghi/%lld", (long long)db_col_int(st, 0)));
        val_set_str(m, "code", db_col_dup(st, 1, a));
        const char *text = db_col_dup(st, 2, a);
        val_set_str(m, "text", strlen(text) > 400 ? arena_printf(a, "%.300s…", text) : text);
        val_set_str(m, "deadline", page_date_text(a, db_col_int(st, 3)));
        val_set_str(m, "status", db_col_dup(st, 5, a));
        val_set_str(m, "council", db_col_dup(st, 6, a));
        val_set_str(m, "forwarded", page_date_text(a, db_col_int(st, 7)));
        val_set_bool(m, "overdue", late);
        val_push(is_open ? open : done, m);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    val_set(ctx, "open", open);
    val_set(ctx, "done", done);
    val_set_bool(ctx, "has_open", val_len(open) > 0);
    val_set_bool(ctx, "has_done", val_len(done) > 0);
    val_set_int(ctx, "overdue", overdue);
    return reply_page(r, 200, "agency_petitions", "Kiến nghị cử tri chuyển tới cơ quan", ctx);
}

/* The petition page; error and typed after a refused answer. */
static int petition_render(Req *r, int status, const char *error, int typed)
{
    Arena *a = r->arena;
    int64_t id = page_arg_id(r, 0), today = vn_day_start(r->now);
    Stmt *st = db_prepare(r->db,
        "SELECT p.code, p.text, COALESCE(f.label, ''), p.place, COALESCE(p.deadline, 0), COALESCE(p.forwarded_on, 0), "
        "p.status, COALESCE(l.label, p.status), c.name, COALESCE(p.answered_on, 0), p.answer_text, "
        "COALESCE(p.roadmap_due, 0), p.revision, COALESCE(u.name, ''), "
        "COALESCE('Kỳ họp thứ ' || CAST(s.number AS TEXT) || ' – ' || s.title, '') "
        "FROM petitions p JOIN councils c ON c.id = p.council_id LEFT JOIN petition_fields f ON f.id = p.field_id "
        "LEFT JOIN status_labels l ON l.domain = 'petition' AND l.code = p.status LEFT JOIN units u ON u.id = p.unit_id "
        "LEFT JOIN council_sessions s ON s.id = p.session_id WHERE p.id = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        return reply_error(r, 404, "Không có kiến nghị này.");
    }
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    Val *p = val_map(a);
    const char *pstatus = db_col_dup(st, 6, a);
    val_set_str(p, "code", db_col_dup(st, 0, a));
    val_set_str(p, "text", db_col_dup(st, 1, a));
    val_set_str(p, "field", db_col_dup(st, 2, a));
    val_set_str(p, "place", db_col_dup(st, 3, a));
    int64_t deadline = db_col_int(st, 4);
    val_set_str(p, "deadline", page_date_text(a, deadline));
    val_set_str(p, "forwarded", page_date_text(a, db_col_int(st, 5)));
    val_set_str(p, "status", db_col_dup(st, 7, a));
    val_set_str(p, "council", db_col_dup(st, 8, a));
    int64_t answered = db_col_int(st, 9);
    if (answered) {
        val_set_str(p, "answered", page_date_text(a, answered));
        val_set_str(p, "answer_text", db_col_dup(st, 10, a));
        if (db_col_int(st, 11)) val_set_str(p, "roadmap", page_date_text(a, db_col_int(st, 11)));
    }
    int revision = (int)db_col_int(st, 12);
    val_set_str(p, "unit", db_col_dup(st, 13, a));
    val_set_str(p, "session", db_col_dup(st, 14, a));
    val_set_bool(p, "overdue", petition_overdue(pstatus, deadline, today));
    db_done(st);
    val_set(ctx, "p", p);
    const char *self = arena_printf(a, "/quan-tri/co-quan/kien-nghi/%lld", (long long)id);
    val_set_str(ctx, "self", self);
    val_set_bool(ctx, "can_take_up", same(pstatus, "forwarded"));
    int can_answer = same(pstatus, "forwarded") || same(pstatus, "in_progress");
    val_set_bool(ctx, "can_answer", can_answer);
    if (can_answer) {
        static const char *const k[][2] = {{"resolved", "Đã giải quyết"}, {"answered_explained", "Đã trả lời, giải thích"},
                                           {"scheduled", "Có lộ trình giải quyết"}, {"not_resolvable", "Chưa thể giải quyết"}};
        const char *kind = typed ? req_form(r, "kind") : NULL;
        Val *kinds = val_list(a);
        for (int i = 0; i < 4; i++) val_push(kinds, page_option(a, k[i][0], k[i][1], same(kind, k[i][0])));
        val_set(ctx, "kinds", kinds);
        val_set_int(ctx, "revision", typed && req_form(r, "revision") ? atoi(req_form(r, "revision")) : revision);
        val_set_str(ctx, "answer_text", typed ? page_echo(a, req_form(r, "text")) : "");
        val_set_str(ctx, "answer_day", typed ? page_echo(a, req_form(r, "day")) : page_date_text(a, today));
        val_set_str(ctx, "answer_roadmap", typed ? page_echo(a, req_form(r, "roadmap")) : "");
    }
    Val *files = val_list(a);
    st = db_prepare(r->db, "SELECT name FROM petition_files WHERE petition_id = ?1 AND kind = 'answer' ORDER BY name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    while (db_step(st) == DB_ROW) val_push(files, val_str(a, db_col_dup(st, 0, a)));
    db_done(st);
    val_set(ctx, "files", files);
    if (error) val_set_str(ctx, "error", error);
    if (req_query(r, "ok")) val_set_str(ctx, "notice", "Đã ghi nhận.");
    return reply_page(r, status, "agency_petition", "Kiến nghị cử tri", ctx);
}

/* GET /quan-tri/co-quan/kien-nghi/:id [agency; ROUTE_AGENCY_PETITION] */
int page_agency_petition(Req *r)
{
    return petition_render(r, 200, NULL, 0);
}

/* POST /quan-tri/co-quan/kien-nghi/:id/tiep-nhan [agency; ROUTE_AGENCY_PETITION] */
int page_agency_take_up(Req *r)
{
    char err[512];
    int64_t id = page_arg_id(r, 0);
    if (petition_take_up(r->db, id, r->user, r->now, err, sizeof err) != 0)
        return petition_render(r, 400, arena_strdup(r->arena, err), 0);
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/co-quan/kien-nghi/%lld?ok=1", (long long)id));
}

/* POST /quan-tri/co-quan/kien-nghi/:id/tra-loi [agency; ROUTE_AGENCY_PETITION | ROUTE_UPLOAD]
 * Form: csrf, revision, kind, text, day, roadmap, file (optional). */
int page_agency_answer(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (r->body_too_large) return petition_render(r, 413, "Tệp văn bản trả lời quá lớn.", 1);
    int64_t day = 0, roadmap = 0;
    if (page_form_day(req_form(r, "day"), &day) != 0 || page_form_day(req_form(r, "roadmap"), &roadmap) < 0)
        return petition_render(r, 400, "Ngày trả lời và ngày dự kiến hoàn thành cần nhập theo dạng ngày/tháng/năm, ví dụ 15/10/2026.", 1);
    int bad = 0;
    const Upload *up = req_upload(r, "file");
    const char *fname = page_upload_name(up, "van-ban-tra-loi", &bad);
    if (bad) return petition_render(r, 400, "Tên tệp không hợp lệ (ký tự điều khiển, không phải UTF-8, hoặc quá dài).", 1);
    char err[512];
    if (db_begin(r->db) != DB_OK) return petition_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", 1);
    const char *rev = req_form(r, "revision");
    if (petition_answer(r->db, id, req_form(r, "kind"), req_form(r, "text"), roadmap, day, rev ? atoi(rev) : 0, r->user,
                        r->now, err, sizeof err) != 0) {
        db_rollback(r->db);
        return petition_render(r, strstr(err, "người khác cập nhật") ? 409 : 400, arena_strdup(r->arena, err), 1);
    }
    if (fname) {
        /* The document goes to the content-addressed store (type by content,
         * size capped); a refused file rolls the answer back with it. */
        const char *serr = NULL;
        int64_t file = store_put(r->db, r->arena, cfg.files_dir, up->path, cfg.max_upload, &serr);
        if (file < 0 || petition_add_file(r->db, id, file, fname, "answer") != 0) {
            db_rollback(r->db);
            return petition_render(r, 400, serr ? serr : "Không ghi được tệp văn bản trả lời, vui lòng thử lại.", 1);
        }
    }
    if (db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return petition_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", 1);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/co-quan/kien-nghi/%lld?ok=1", (long long)id));
}
