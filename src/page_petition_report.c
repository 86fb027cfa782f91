/* page_petition_report.c - "Báo cáo kết quả giám sát việc giải quyết kiến
 * nghị cử tri" for the Standing Committee before a session (issue 10
 * item 5; the figures: petition_report.h).
 *
 *   GET /quan-tri/hoi-dong/:council/bao-cao-kien-nghi[?ky-hop=ID]       tables and SVG charts
 *   GET /quan-tri/hoi-dong/:council/bao-cao-kien-nghi/xuat?ky-hop=&dinh-dang=csv|xlsx|json
 *   GET /quan-tri/hoi-dong/:council/bao-cao-kien-nghi/in?ky-hop=        a printable document
 * Without ?ky-hop the latest session of the council that has begun (or,
 * when none has, the latest one) is shown.  No personal data is read. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_export.h"
#include "page_util.h"
#include "petition_report.h"
#include "staff.h"
#include "tmpl.h"
#include "vn.h"

static const char *days_text(Arena *a, const PetitionCounts *c)
{
    if (!c->has_median) return "";
    Buf b;
    buf_init(&b, a);
    vn_decimal(&b, c->median_days, c->median_days == (double)(int64_t)c->median_days ? 0 : 1);
    return buf_str(&b);
}

static const char *pct(Arena *a, int64_t part, int64_t whole)
{
    if (whole <= 0) return "";
    Buf b;
    buf_init(&b, a);
    vn_decimal(&b, 100.0 * (double)part / (double)whole, 1);
    buf_putc(&b, '%');
    return buf_str(&b);
}

static Val *counts_val(Arena *a, const char *label, const PetitionCounts *c)
{
    Val *m = val_map(a);
    val_set_str(m, "label", label);
    val_set_int(m, "received", c->received);
    val_set_int(m, "forwarded", c->forwarded);
    val_set_int(m, "not_forwarded", c->not_forwarded);
    val_set_int(m, "answered", c->answered);
    val_set_int(m, "on_time", c->on_time);
    val_set_int(m, "late", c->late);
    val_set_int(m, "open_in_time", c->open_in_time);
    val_set_int(m, "open_overdue", c->open_overdue);
    val_set_int(m, "carried_over", c->carried_over);
    val_set_int(m, "re_raised", c->re_raised);
    val_set_int(m, "reported", c->reported);
    val_set_str(m, "median", days_text(a, c));
    val_set_str(m, "answered_share", pct(a, c->answered, c->forwarded));
    return m;
}

/* The session of ?ky-hop (must be the council's), else the default. */
static int64_t session_of(Req *r)
{
    const char *q = req_query(r, "ky-hop");
    if (q && *q) return staff_council_arg(q);
    int64_t today = vn_day_start(r->now);
    int64_t s = db_int(r->db, 0, "SELECT id FROM council_sessions WHERE council_id = ?1 AND starts_on <= ?2 "
                                 "ORDER BY starts_on DESC LIMIT 1", "ll", r->council_id, today);
    if (s <= 0) s = db_int(r->db, 0, "SELECT id FROM council_sessions WHERE council_id = ?1 ORDER BY starts_on DESC LIMIT 1",
                           "l", r->council_id);
    return s;
}

static int load(Req *r, PetitionReport *rep, int64_t *session)
{
    *session = session_of(r);
    if (*session <= 0) return reply_error(r, 404, "Hội đồng nhân dân này chưa có kỳ họp nào.");
    int rc = petition_report(r->db, r->arena, r->council_id, *session, vn_day_start(r->now), rep);
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc > 0) return reply_error(r, 404, "Không có kỳ họp này của Hội đồng nhân dân.");
    return 0;
}

static void fill(Req *r, Val *ctx, const PetitionReport *rep, int64_t session)
{
    Arena *a = r->arena;
    const PetitionCounts *t = &rep->total;
    val_set_str(ctx, "council", rep->council);
    val_set_str(ctx, "session", rep->session);
    val_set_str(ctx, "today", page_date_text(a, vn_day_start(r->now)));
    val_set(ctx, "total", counts_val(a, "Tổng số", t));
    val_set_int(ctx, "merged", rep->merged);
    val_set_int(ctx, "kind_resolved", t->kind[0]);
    val_set_int(ctx, "kind_explained", t->kind[1]);
    val_set_int(ctx, "kind_scheduled", t->kind[2]);
    val_set_int(ctx, "kind_not_resolvable", t->kind[3]);
    Val *fields = val_list(a), *agencies = val_list(a);
    for (int i = 0; i < rep->nfield; i++) val_push(fields, counts_val(a, rep->by_field[i].label, &rep->by_field[i].c));
    for (int i = 0; i < rep->nagency; i++) val_push(agencies, counts_val(a, rep->by_agency[i].label, &rep->by_agency[i].c));
    val_set(ctx, "by_field", fields);
    val_set(ctx, "by_agency", agencies);
    val_set_int(ctx, "rec_total", rep->rec_total);
    val_set_int(ctx, "rec_open", rep->rec_open);
    val_set_int(ctx, "rec_overdue", rep->rec_overdue);
    val_set_int(ctx, "rec_done", rep->rec_done);
    val_set_int(ctx, "rec_verified", rep->rec_verified);
    /* charts: where the petitions stand, and how many per field */
    const char *labels[] = {"Trả lời đúng hạn", "Trả lời quá hạn", "Đang giải quyết, còn hạn", "Quá hạn, chưa trả lời",
                            "Chưa chuyển cơ quan"};
    int values[] = {(int)t->on_time, (int)t->late, (int)t->open_in_time, (int)t->open_overdue, (int)t->not_forwarded};
    val_set_str(ctx, "status_chart", page_bar_svg(a, "Tình hình giải quyết kiến nghị", labels, values, 5));
    if (rep->nfield > 0) {
        const char **fl = arena_alloc(a, (size_t)rep->nfield * sizeof *fl);
        int *fv = arena_alloc(a, (size_t)rep->nfield * sizeof *fv);
        for (int i = 0; i < rep->nfield; i++) fl[i] = rep->by_field[i].label, fv[i] = (int)rep->by_field[i].c.received;
        val_set_str(ctx, "field_chart", page_bar_svg(a, "Kiến nghị theo lĩnh vực", fl, fv, rep->nfield));
    }
    const char *q = arena_printf(a, "%s/bao-cao-kien-nghi", page_council_base(r));
    val_set_str(ctx, "export_csv", arena_printf(a, "%s/xuat?ky-hop=%lld&dinh-dang=csv", q, (long long)session));
    val_set_str(ctx, "export_xlsx", arena_printf(a, "%s/xuat?ky-hop=%lld&dinh-dang=xlsx", q, (long long)session));
    val_set_str(ctx, "export_json", arena_printf(a, "%s/xuat?ky-hop=%lld&dinh-dang=json", q, (long long)session));
    val_set_str(ctx, "print_url", arena_printf(a, "%s/in?ky-hop=%lld", q, (long long)session));
    Val *sessions = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT id, 'Kỳ họp thứ ' || CAST(number AS TEXT) || ' – ' || title FROM council_sessions "
                                 "WHERE council_id = ?1 ORDER BY starts_on DESC");
    if (st) {
        db_bind_int(st, 1, r->council_id);
        while (db_step(st) == DB_ROW) {
            Val *o = val_map(a);
            val_set_str(o, "value", arena_printf(a, "%lld", (long long)db_col_int(st, 0)));
            val_set_str(o, "label", db_col_dup(st, 1, a));
            val_set_bool(o, "selected", db_col_int(st, 0) == session);
            val_push(sessions, o);
        }
        db_done(st);
    }
    val_set(ctx, "sessions", sessions);
    val_set_str(ctx, "base", page_council_base(r));
}

/* GET /quan-tri/hoi-dong/:council/bao-cao-kien-nghi [reviewer; ROUTE_COUNCIL] */
int page_admin_petition_report(Req *r)
{
    PetitionReport rep;
    int64_t session;
    int st = load(r, &rep, &session);
    if (st) return st;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    fill(r, ctx, &rep, session);
    return reply_page(r, 200, "admin_petition_report", "Báo cáo kết quả giải quyết kiến nghị cử tri", ctx);
}

/* GET .../bao-cao-kien-nghi/in [reviewer; ROUTE_COUNCIL]: a document of its own (print.css). */
int page_admin_petition_report_print(Req *r)
{
    PetitionReport rep;
    int64_t session;
    int st = load(r, &rep, &session);
    if (st) return st;
    Val *ctx = layout_ctx(r);
    fill(r, ctx, &rep, session);
    val_set_str(ctx, "title", "Báo cáo kết quả giám sát việc giải quyết kiến nghị cử tri");
    r->cache_seconds = -1;
    if (tmpl_render(&r->out, "petition_report_print", ctx) != 0) return reply_error(r, 500, NULL);
    return 200;
}

static const char **row_of(Arena *a, const char *group, const char *label, const PetitionCounts *c)
{
    const char **row = arena_alloc(a, 14 * sizeof *row);
    row[0] = group;
    row[1] = label;
    int64_t v[] = {c->received, c->forwarded, c->not_forwarded, c->answered, c->on_time, c->late, c->open_in_time,
                   c->open_overdue, c->carried_over, c->re_raised, c->reported};
    for (int i = 0; i < 11; i++) row[2 + i] = arena_printf(a, "%lld", (long long)v[i]);
    row[13] = c->has_median ? arena_printf(a, "%.1f", c->median_days) : "";
    return row;
}

/* GET .../bao-cao-kien-nghi/xuat?ky-hop=&dinh-dang= [reviewer; ROUTE_COUNCIL]
 * One table: the total, then a row per field and per agency.  Numbers are
 * plain (no thousands separator) so a spreadsheet reads them as numbers. */
int page_admin_petition_report_export(Req *r)
{
    const char *format = req_query(r, "dinh-dang");
    if (!format) format = "csv";
    if (!export_format_ok(format)) return reply_error(r, 400, "Định dạng xuất không hợp lệ: chọn CSV, Excel (XLSX) hoặc JSON.");
    PetitionReport rep;
    int64_t session;
    int st = load(r, &rep, &session);
    if (st) return st;
    Arena *a = r->arena;
    static const char *head[] = {"Nhóm", "Tên", "Tiếp nhận", "Đã chuyển", "Chưa chuyển", "Đã trả lời", "Trả lời đúng hạn",
                                 "Trả lời quá hạn", "Đang giải quyết còn hạn", "Quá hạn chưa trả lời", "Chuyển từ kỳ trước",
                                 "Cử tri tiếp tục kiến nghị", "Đã thông báo cử tri", "Số ngày trả lời (trung vị)"};
    ExportTable t = {14, 0, head, NULL};
    t.rows = arena_alloc(a, (size_t)(1 + rep.nfield + rep.nagency) * sizeof *t.rows);
    t.rows[t.nrows++] = row_of(a, "Tổng", "Tổng số", &rep.total);
    for (int i = 0; i < rep.nfield; i++) t.rows[t.nrows++] = row_of(a, "Lĩnh vực", rep.by_field[i].label, &rep.by_field[i].c);
    for (int i = 0; i < rep.nagency; i++) t.rows[t.nrows++] = row_of(a, "Cơ quan", rep.by_agency[i].label, &rep.by_agency[i].c);
    return reply_table(r, format, arena_printf(a, "kien-nghi-ky-hop-%lld", (long long)session), "report",
                       arena_printf(a, "%s – %s", rep.council, rep.session), "rows", "Kiến nghị cử tri", &t);
}
