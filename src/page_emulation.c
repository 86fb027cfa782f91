/* page_emulation.c - the emulation ranking (issue 9 item 4;
 * docs/EMULATION.md).
 *
 *   GET  /thi-dua                                   approved rankings (public, cached)
 *   GET  /thi-dua/:id                               one approved ranking (public, cached)
 *   GET  /quan-tri/hoi-dong/:council/thi-dua/:id    the live ranking for the organiser's staff
 *   POST /quan-tri/hoi-dong/:council/thi-dua/:id/diem       a manual score with its reason
 *   POST /quan-tri/hoi-dong/:council/thi-dua/:id/phe-duyet  approve: freeze and publish
 * The council of the URL must be the round's organiser. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "db.h"
#include "emulation.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "report.h"
#include "staff.h"
#include "tmpl.h"
#include "vn.h"

static const char *pts(Arena *a, double v)
{
    Buf b;
    buf_init(&b, a);
    double r = floor(v * 100 + 0.5) / 100;
    vn_decimal(&b, r, r == floor(r) ? 0 : r * 10 == floor(r * 10) ? 1 : 2);
    return buf_str(&b);
}

static const char *rule_text(Arena *a, const EmuCriterion *c)
{
    if (!strcmp(c->rule, "report_on_time")) return "Báo cáo được chấp nhận và nộp đúng hạn: đủ điểm; nộp muộn: một nửa; không có: 0.";
    if (!strcmp(c->rule, "report_ratio")) return arena_printf(a, "Tỷ lệ %s / %s trong báo cáo đã chấp nhận (tối đa 100%%).", c->field_a, c->field_b);
    if (!strcmp(c->rule, "report_relative")) return arena_printf(a, "%s so với đơn vị có số liệu cao nhất.", c->field_a);
    if (!strcmp(c->rule, "task_progress")) return "Tiến độ trung bình các nhiệm vụ do Hội đồng nhân dân chủ trì.";
    return "Chấm điểm có ghi lý do.";
}

static int render(Req *r, int staff, int status, const EmuTable *t, const char *error, const char *notice)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", staff);
    val_set_str(ctx, "title", t->title);
    val_set_int(ctx, "year", t->year);
    val_set_bool(ctx, "approved", t->approved);
    if (t->approved) {
        val_set_str(ctx, "approved_at", page_date_text(a, t->approved_at));
        val_set_str(ctx, "public_url", arena_printf(a, "/thi-dua/%lld", (long long)t->round_id));
    }
    char *org = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", t->council_id);
    val_set_str(ctx, "organiser", org ? org : "");
    if (error) val_set_str(ctx, "error", error);
    if (notice) val_set_str(ctx, "notice", notice);
    double max = 0;
    Val *crit = val_list(a), *manual = val_list(a);
    for (int c = 0; c < t->ncrit; c++) {
        Val *m = val_map(a);
        val_set_int(m, "n", c + 1);
        val_set_str(m, "label", t->crit[c].label);
        val_set_str(m, "points", pts(a, t->crit[c].points));
        val_set_str(m, "rule", rule_text(a, &t->crit[c]));
        val_push(crit, m);
        max += t->crit[c].points;
        if (!strcmp(t->crit[c].rule, "manual")) {
            Val *o = val_map(a);
            val_set_int(o, "value", t->crit[c].id);
            val_set_str(o, "label", t->crit[c].label);
            val_push(manual, o);
        }
    }
    val_set(ctx, "criteria", crit);
    val_set_str(ctx, "max", pts(a, max));
    Val *rows = val_list(a), *councils = val_list(a);
    int missing_rows = 0, ties = 0;
    for (int i = 0; i < t->nrows; i++) {
        const EmuRow *e = &t->rows[i];
        Val *m = val_map(a);
        val_set_int(m, "rank", e->rank);
        val_set_bool(m, "tie", (i > 0 && t->rows[i - 1].rank == e->rank) || (i + 1 < t->nrows && t->rows[i + 1].rank == e->rank));
        ties += i > 0 && t->rows[i - 1].rank == e->rank;
        val_set_str(m, "name", e->name);
        val_set_str(m, "total", pts(a, e->total));
        val_set_int(m, "missing", e->nmissing);
        missing_rows += e->nmissing > 0;
        Val *cells = val_list(a);
        for (int c = 0; c < t->ncrit; c++) {
            Val *cell = val_map(a);
            val_set_str(cell, "value", e->missing[c] ? "" : pts(a, e->score[c]));
            val_set_bool(cell, "missing", e->missing[c]);
            if (e->why && e->why[c] && *e->why[c]) val_set_str(cell, "why", e->why[c]);
            val_push(cells, cell);
        }
        val_set(m, "cells", cells);
        val_push(rows, m);
        Val *o = val_map(a);
        val_set_int(o, "value", e->council_id);
        val_set_str(o, "label", e->name);
        val_push(councils, o);
    }
    val_set(ctx, "rows", rows);
    val_set_int(ctx, "count", t->nrows);
    val_set_int(ctx, "missing_rows", missing_rows);
    val_set_int(ctx, "ties", ties);
    int can_edit = staff && !t->approved && r->council_scope == STAFF_WRITE;
    val_set_bool(ctx, "can_edit", can_edit);
    val_set_bool(ctx, "has_manual", val_len(manual) > 0);
    val_set(ctx, "manual_criteria", manual);
    val_set(ctx, "council_options", councils);
    const char *base = arena_printf(a, "/quan-tri/hoi-dong/%lld/thi-dua/%lld", (long long)t->council_id, (long long)t->round_id);
    val_set_str(ctx, "base", base);
    val_set_str(ctx, "typed_score", page_echo(a, req_form(r, "score")));
    val_set_str(ctx, "typed_reason", page_echo(a, req_form(r, "reason")));
    val_set(ctx, "crumbs", val_list(a));
    if (staff) {
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Báo cáo định kỳ",
                                                    arena_printf(a, "/quan-tri/hoi-dong/%lld/bao-cao", (long long)t->council_id)));
    } else {
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Thi đua", "/thi-dua"));
        r->cacheable = 1;
    }
    return reply_page(r, status, "emulation", t->title, ctx);
}

/* GET /thi-dua - approved rankings, newest first.  Public. */
int page_emulations(Req *r)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, "SELECT e.id, e.title, e.year, c.name, e.approved_at FROM emulation_rounds e"
                                 " JOIN councils c ON c.id = e.council_id WHERE e.status = 'approved' ORDER BY e.year DESC, e.id DESC");
    if (!st) return reply_error(r, 500, NULL);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "url", arena_printf(a, "/thi-dua/%lld", (long long)db_col_int(st, 0)));
        val_set_str(m, "title", db_col_dup(st, 1, a));
        val_set_int(m, "year", db_col_int(st, 2));
        val_set_str(m, "organiser", db_col_dup(st, 3, a));
        val_set_str(m, "approved_at", page_date_text(a, db_col_int(st, 4)));
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set(ctx, "rounds", list);
    val_set_bool(ctx, "has_rounds", val_len(list) > 0);
    r->cacheable = 1;
    return reply_page(r, 200, "emulations", "Kết quả thi đua", ctx);
}

/* GET /thi-dua/:id - an approved ranking.  Public; an open round is a 404. */
int page_emulation(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (id <= 0 || db_int(r->db, 0, "SELECT COUNT(*) FROM emulation_rounds WHERE id = ?1 AND status = 'approved'", "l", id) != 1)
        return reply_error(r, 404, "Không có kết quả thi đua này (hoặc chưa được phê duyệt).");
    EmuTable t;
    if (emu_table(r->db, r->arena, id, vn_day_start(r->now), &t) != 0) return reply_error(r, 500, NULL);
    return render(r, 0, 200, &t, NULL, NULL);
}

static int load_own(Req *r, EmuTable *t)
{
    int64_t id = page_arg_id(r, 1);
    if (id <= 0 || db_int(r->db, 0, "SELECT council_id FROM emulation_rounds WHERE id = ?1", "l", id) != r->council_id)
        return reply_error(r, 404, "Không có đợt thi đua này của Hội đồng nhân dân.");
    if (emu_table(r->db, r->arena, id, vn_day_start(r->now), t) != 0) return reply_error(r, 500, NULL);
    return 0;
}

/* GET /quan-tri/hoi-dong/:council/thi-dua/:id [reviewer; ROUTE_COUNCIL] */
int page_admin_emulation(Req *r)
{
    EmuTable t;
    int st = load_own(r, &t);
    if (st) return st;
    const char *ok = req_query(r, "ok");
    return render(r, 1, 200, &t, NULL, !ok ? NULL : !strcmp(ok, "diem") ? "Đã ghi điểm." : !strcmp(ok, "duyet")
                                                   ? "Đã phê duyệt và công bố kết quả thi đua." : NULL);
}

/* POST .../thi-dua/:id/diem [editor; ROUTE_COUNCIL]  Form: csrf, criterion, council, score, reason. */
int page_admin_emulation_score(Req *r)
{
    EmuTable t;
    int st = load_own(r, &t);
    if (st) return st;
    double score = 0;
    const char *s = req_form(r, "score");
    if (!s || report_parse_number(s, &score) != 0)
        return render(r, 1, 400, &t, "Điểm phải là một số, ví dụ 8 hoặc 7,5.", NULL);
    char err[512];
    int64_t criterion = req_int(r, "criterion", 0, 0, INT64_MAX), council = req_int(r, "council", 0, 0, INT64_MAX);
    if (db_int(r->db, 0, "SELECT COUNT(*) FROM emulation_criteria WHERE id = ?1 AND round_id = ?2", "ll", criterion,
               t.round_id) != 1)
        return render(r, 1, 400, &t, "Tiêu chí không thuộc đợt thi đua này.", NULL);
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (emu_manual_set(r->db, criterion, council, score, req_form(r, "reason"), r->user->username, r->now, err, sizeof err) != 0) {
        db_rollback(r->db);
        return render(r, 1, 400, &t, arena_strdup(r->arena, err), NULL);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, council, "emulation.score", "criterion", criterion,
                      s) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld/thi-dua/%lld?ok=diem", (long long)r->council_id,
                                          (long long)t.round_id));
}

/* POST .../thi-dua/:id/phe-duyet [editor; ROUTE_COUNCIL] */
int page_admin_emulation_approve(Req *r)
{
    EmuTable t;
    int st = load_own(r, &t);
    if (st) return st;
    char err[512];
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (emu_approve(r->db, t.round_id, r->user->username, r->now, err, sizeof err) != 0) {
        db_rollback(r->db);
        return render(r, 1, 400, &t, arena_strdup(r->arena, err), NULL);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "emulation.approve", "round",
                      t.round_id, t.title) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld/thi-dua/%lld?ok=duyet", (long long)r->council_id,
                                          (long long)t.round_id));
}
