/* page_report.c - review reports for council staff (issue 9 item 3;
 * docs/REPORTS.md).
 *
 * The lower level (the council of the URL is the reporting council):
 *   GET  /quan-tri/hoi-dong/:council/bao-cao                 campaigns addressed to it, those it opened
 *   GET  /quan-tri/hoi-dong/:council/bao-cao/:campaign       its report: the form, or the frozen view
 *   POST /quan-tri/hoi-dong/:council/bao-cao/:campaign/luu   save the draft; with `nop`, submit it
 *   POST /quan-tri/hoi-dong/:council/bao-cao/:campaign/phien-ban-moi  a correction after acceptance
 * The upper level (the council of the URL opened the campaign):
 *   GET  /quan-tri/hoi-dong/:council/dot-bao-cao/:campaign   the board and the aggregate with charts
 *   GET  .../dot-bao-cao/:campaign/xuat?dinh-dang=csv|xlsx|json
 *   GET  .../dot-bao-cao/:campaign/hd/:target                one council's report, with the decision form
 *   POST .../dot-bao-cao/:campaign/hd/:target/quyet-dinh     accept, or return with a comment
 *                                                            (ROUTE_REVIEW: the reviewer may post it)
 * Scope was settled by the server (ROUTE_COUNCIL); the handlers check that
 * the campaign is addressed to (or was opened by) the council of the URL. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "config.h"
#include "content.h"
#include "emulation.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "log.h"
#include "page.h"
#include "page_export.h"
#include "page_util.h"
#include "report.h"
#include "staff.h"
#include "tmpl.h"
#include "unit.h"
#include "vn.h"

#define DAY 86400
#define NOT_ADDRESSED "Đợt báo cáo này không gửi tới Hội đồng nhân dân của trang đang mở."
#define NOT_OWNER "Đợt báo cáo này không do Hội đồng nhân dân của trang đang mở tổ chức."

static const char *num_text(Arena *a, double v)
{
    Buf b;
    buf_init(&b, a);
    double r = floor(v * 10 + 0.5) / 10;
    vn_decimal(&b, r, r == floor(r) ? 0 : 1);
    return buf_str(&b);
}

typedef struct Campaign {
    int64_t id, council_id, version_id, period_from, period_to, deadline;
    const char *title, *owner_name;
} Campaign;

static int campaign_load(Req *r, int64_t id, Campaign *c)
{
    memset(c, 0, sizeof *c);
    Stmt *st = db_prepare(r->db, "SELECT p.council_id, p.version_id, p.title, p.period_from, p.period_to, p.deadline,"
                                 " c.name FROM report_campaigns p JOIN councils c ON c.id = p.council_id WHERE p.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        c->id = id;
        c->council_id = db_col_int(st, 0);
        c->version_id = db_col_int(st, 1);
        c->title = db_col_dup(st, 2, r->arena);
        c->period_from = db_col_int(st, 3);
        c->period_to = db_col_int(st, 4);
        c->deadline = db_col_int(st, 5);
        c->owner_name = db_col_dup(st, 6, r->arena);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static void campaign_ctx(Req *r, const Campaign *c, Val *ctx)
{
    Arena *a = r->arena;
    val_set_str(ctx, "campaign", c->title);
    val_set_str(ctx, "owner", c->owner_name);
    val_set_str(ctx, "period", arena_printf(a, "%s – %s", page_date_text(a, c->period_from),
                                            page_date_text(a, c->period_to - DAY)));
    val_set_str(ctx, "deadline", page_date_text(a, c->deadline));
    val_set_bool(ctx, "deadline_passed", vn_day_start(r->now) > c->deadline);
}

static Val *state_val(Req *r, const ReportState *s)
{
    Arena *a = r->arena;
    Val *m = val_map(a);
    val_set_str(m, "status", report_status_label(s->status));
    val_set_str(m, "status_class", arena_printf(a, "st-%d", s->status));
    val_set_bool(m, "late", s->late);
    val_set_bool(m, "late_submitted", s->late_submitted);
    if (s->version) val_set_int(m, "version", s->version);
    if (s->submitted_at) val_set_str(m, "submitted", page_date_text(a, s->submitted_at));
    return m;
}

/* ------------------------------------------------------------ the list */

/* The list page; error and typed: the "open a campaign" form after a refusal. */
static int reports_render(Req *r, int status, const char *error, int typed, const char *notice)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    const char *base = page_council_base(r);
    Val *due = val_list(a), *opened = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT p.id, p.title, p.deadline, c.name FROM report_targets t"
                                 " JOIN report_campaigns p ON p.id = t.campaign_id JOIN councils c ON c.id = p.council_id"
                                 " WHERE t.council_id = ?1 ORDER BY p.deadline DESC, p.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int rc;
    int64_t ids[64];
    Val *items[64];
    int n = 0;
    while ((rc = db_step(st)) == DB_ROW && n < 64) {
        Val *m = val_map(a);
        ids[n] = db_col_int(st, 0);
        val_set_str(m, "title", db_col_dup(st, 1, a));
        val_set_str(m, "deadline", page_date_text(a, db_col_int(st, 2)));
        val_set_str(m, "owner", db_col_dup(st, 3, a));
        val_set_str(m, "url", arena_printf(a, "%s/bao-cao/%lld", base, (long long)ids[n]));
        val_push(due, m);
        items[n] = m;
        n++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    for (int i = 0; i < n; i++) {
        ReportState s;
        if (report_state(r->db, ids[i], r->council_id, today, &s) != 0) return reply_error(r, 500, NULL);
        val_set(items[i], "state", state_val(r, &s));
    }
    st = db_prepare(r->db, "SELECT p.id, p.title, p.deadline, (SELECT COUNT(*) FROM report_targets t WHERE t.campaign_id = p.id)"
                           " FROM report_campaigns p WHERE p.council_id = ?1 ORDER BY p.deadline DESC, p.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "title", db_col_dup(st, 1, a));
        val_set_str(m, "deadline", page_date_text(a, db_col_int(st, 2)));
        val_set_int(m, "targets", db_col_int(st, 3));
        val_set_str(m, "url", arena_printf(a, "%s/dot-bao-cao/%lld", base, (long long)db_col_int(st, 0)));
        val_push(opened, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "due", due);
    val_set_bool(ctx, "has_due", val_len(due) > 0);
    /* the form to open a campaign: the latest version of each template of this council */
    Val *tpls = val_list(a);
    const char *want = typed ? req_form(r, "version") : NULL;
    st = db_prepare(r->db, "SELECT v.id, t.name, v.version, (SELECT COUNT(*) FROM report_fields f WHERE f.version_id = v.id)"
                           " FROM report_templates t JOIN report_template_versions v ON v.template_id = t.id"
                           " WHERE t.council_id = ?1 AND v.version = (SELECT MAX(v2.version) FROM report_template_versions v2"
                           " WHERE v2.template_id = t.id) ORDER BY t.name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *id = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
        val_set_str(m, "value", id);
        val_set_str(m, "label", arena_printf(a, "%s (phiên bản %lld, %lld trường)", db_col_text(st, 1),
                                             (long long)db_col_int(st, 2), (long long)db_col_int(st, 3)));
        val_set_bool(m, "selected", want && !strcmp(want, id));
        val_push(tpls, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    int64_t below = db_int(r->db, 0, "SELECT COUNT(*) FROM councils WHERE parent_id = ?1 AND valid_from <= ?2"
                                     " AND (valid_to IS NULL OR valid_to > ?2)", "ll", r->council_id, today);
    val_set(ctx, "templates", tpls);
    val_set_bool(ctx, "can_open", r->council_scope == STAFF_WRITE && val_len(tpls) > 0 && below > 0);
    val_set_int(ctx, "below", below);
    if (error) val_set_str(ctx, "error", error);
    if (notice) val_set_str(ctx, "notice", notice);
    Val *form = val_map(a);
    static const char *const keys[] = {"title", "from", "to", "deadline"};
    for (int i = 0; i < 4; i++) val_set_str(form, keys[i], typed ? page_echo(a, req_form(r, keys[i])) : "");
    const char *kind = typed ? req_form(r, "kind") : NULL;
    static const char *const kinds[][2] = {{"half_year", "Sơ kết 6 tháng"}, {"year", "Sơ kết năm"},
                                           {"final", "Tổng kết"}, {"other", "Khác"}};
    Val *kopts = val_list(a);
    for (int i = 0; i < 4; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", kinds[i][0]);
        val_set_str(o, "label", kinds[i][1]);
        val_set_bool(o, "selected", kind && !strcmp(kind, kinds[i][0]));
        val_push(kopts, o);
    }
    val_set(form, "kinds", kopts);
    val_set(ctx, "form", form);
    val_set_str(ctx, "open_action", arena_printf(a, "%s/dot-bao-cao/mo", base));
    val_set(ctx, "opened", opened);
    val_set_bool(ctx, "has_opened", val_len(opened) > 0);
    Val *rounds = val_list(a);
    st = db_prepare(r->db, "SELECT id, title, status FROM emulation_rounds WHERE council_id = ?1 ORDER BY year DESC, id DESC");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "title", db_col_dup(st, 1, a));
        val_set_str(m, "status", !strcmp(db_col_text(st, 2), "approved") ? "đã phê duyệt" : "đang chấm");
        val_set_str(m, "url", arena_printf(a, "%s/thi-dua/%lld", base, (long long)db_col_int(st, 0)));
        val_push(rounds, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "rounds", rounds);
    val_set_bool(ctx, "has_rounds", val_len(rounds) > 0);
    /* the definition forms (templates, emulation rounds): what was typed comes back */
    val_set_bool(ctx, "can_define", r->council_scope == STAFF_WRITE && below > 0);
    val_set_str(ctx, "template_action", arena_printf(a, "%s/mau-bao-cao", base));
    val_set_str(ctx, "round_action", arena_printf(a, "%s/thi-dua/moi", base));
    Val *def = val_map(a);
    static const char *const dkeys[] = {"tpl_name", "tpl_fields", "round_title", "round_year", "round_criteria"};
    for (int i = 0; i < 5; i++) val_set_str(def, dkeys[i], typed ? page_echo(a, req_form(r, dkeys[i])) : "");
    val_set(ctx, "def", def);
    Val *camps = val_list(a);
    st = db_prepare(r->db, "SELECT id, title FROM report_campaigns WHERE council_id = ?1 ORDER BY deadline DESC, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_int(m, "value", db_col_int(st, 0));
        val_set_str(m, "label", db_col_dup(st, 1, a));
        val_push(camps, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "campaign_options", camps);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "Hội đồng nhân dân", base));
    return reply_page(r, status, "admin_reports", "Báo cáo định kỳ", ctx);
}

/* GET /quan-tri/hoi-dong/:council/bao-cao [reviewer; ROUTE_COUNCIL] */
int page_admin_reports(Req *r)
{
    const char *ok = req_query(r, "ok");
    return reports_render(r, 200, NULL, 0, !ok ? NULL : !strcmp(ok, "mo") ? "Đã mở đợt báo cáo."
                                        : !strcmp(ok, "mau") ? "Đã lưu mẫu báo cáo (phiên bản mới)." : NULL);
}


/* POST /quan-tri/hoi-dong/:council/dot-bao-cao/mo [editor; ROUTE_COUNCIL]
 * Form: csrf, title, kind, version, from, to, deadline.  Addressed to every
 * council directly below this one today. */
int page_admin_campaign_open(Req *r)
{
    Arena *a = r->arena;
    ReportCampaignIn in = {.council_id = r->council_id, .title = req_form(r, "title"), .kind = req_form(r, "kind"),
                           .version_id = req_int(r, "version", 0, 0, INT64_MAX), .now = r->now};
    if (page_form_day(req_form(r, "from"), &in.period_from) || page_form_day(req_form(r, "to"), &in.period_to)
        || page_form_day(req_form(r, "deadline"), &in.deadline))
        return reports_render(r, 400, "Ngày không hợp lệ: hãy nhập kỳ báo cáo và hạn nộp theo dạng ngày/tháng/năm, "
                                      "ví dụ 1/1/2026 – 31/12/2026, hạn 15/12/2026.", 1, NULL);
    char *title = in.title ? vn_clean(a, in.title) : NULL;
    in.title = title;
    char err[512];
    int64_t today = vn_day_start(r->now), camp = 0;
    if (db_int(r->db, 0, "SELECT COUNT(*) FROM report_campaigns WHERE council_id = ?1 AND title = ?2", "lt",
               r->council_id, title ? title : "") > 0)
        return reports_render(r, 400, "Đã có đợt báo cáo cùng tên; hãy đặt tên khác.", 1, NULL);
    if (db_begin(r->db) != DB_OK) return reports_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", 1, NULL);
    int ok = report_campaign_add(r->db, &in, &camp, err, sizeof err) == 0;
    int64_t n = 0;
    if (ok) {
        Stmt *st = db_prepare(r->db, "SELECT id FROM councils WHERE parent_id = ?1 AND valid_from <= ?2"
                                     " AND (valid_to IS NULL OR valid_to > ?2) ORDER BY id");
        ok = st != NULL;
        if (st) {
            db_bindf(st, "ll", r->council_id, today);
            int64_t ids[4096];
            while (n < 4096 && db_step(st) == DB_ROW) ids[n++] = db_col_int(st, 0);
            db_done(st);
            for (int64_t i = 0; ok && i < n; i++) ok = report_target_add(r->db, camp, ids[i], err, sizeof err) == 0;
        }
        if (ok && n == 0) { ok = 0; snprintf(err, sizeof err, "Không có Hội đồng nhân dân cấp dưới nào để gửi."); }
    }
    if (ok) ok = audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "report.campaign_open",
                               "campaign", camp, arena_printf(a, "%s (gửi %lld Hội đồng nhân dân)", title, (long long)n)) == 0;
    if (!ok || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reports_render(r, 400, ok ? "Không ghi được lúc này, vui lòng thử lại." : arena_strdup(a, err), 1, NULL);
    }
    return reply_redirect(r, arena_printf(a, "%s/dot-bao-cao/%lld", page_council_base(r), (long long)camp));
}

/* ------------------------------------------------------------ one report */

/* The fields of a report (or of the campaign's template for a report not
 * started) with the stored values, the typed ones after a refusal, or the
 * platform's figures for pre-filled fields. */
static int fields_val(Req *r, int64_t version_id, int64_t report_id, int64_t council, int64_t prefill_day,
                      int typed, Val *ctx)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT f.id, f.code, f.label, f.kind, f.unit, f.choices, f.prefill, f.required, v.num, v.text,"
        " COALESCE(v.prefilled, 0), v.report_id IS NOT NULL FROM report_fields f"
        " LEFT JOIN report_values v ON v.field_id = f.id AND v.report_id = ?2 WHERE f.version_id = ?1 ORDER BY f.position");
    if (!st) return -1;
    db_bindf(st, "ll", version_id, report_id);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *code = db_col_dup(st, 1, a), *kind = db_col_dup(st, 3, a), *prefill = db_col_dup(st, 6, a);
        val_set_str(m, "code", code);
        val_set_str(m, "name", arena_printf(a, "f_%s", code));
        val_set_str(m, "label", db_col_dup(st, 2, a));
        val_set_str(m, "unit", db_col_dup(st, 4, a));
        val_set_bool(m, "required", db_col_int(st, 7));
        val_set_bool(m, "is_number", !strcmp(kind, "number"));
        val_set_bool(m, "is_yesno", !strcmp(kind, "yesno"));
        val_set_bool(m, "is_choice", !strcmp(kind, "choice"));
        val_set_bool(m, "is_text", !strcmp(kind, "text"));
        int stored = (int)db_col_int(st, 11);
        const char *value = "";
        if (typed) {
            value = page_echo(a, req_form(r, arena_printf(a, "f_%s", code)));
        } else if (stored) {
            if (!db_col_is_null(st, 8)) value = !strcmp(kind, "yesno") ? (db_col_double(st, 8) >= 1 ? "1" : "0")
                                                                      : num_text(a, db_col_double(st, 8));
            else value = db_col_dup(st, 9, a);
            if (!value) value = "";
        }
        double pv;
        int have_pre = *prefill && report_prefill(r->db, council, prefill, prefill_day, &pv) == 0;
        if (have_pre) {
            val_set_str(m, "system", num_text(a, pv));
            if (!stored && !typed) value = num_text(a, pv);
            val_set_bool(m, "prefilled", stored ? db_col_int(st, 10) : (!typed || !strcmp(value, num_text(a, pv))));
            val_set_bool(m, "changed", stored && !db_col_int(st, 10));
        }
        val_set_str(m, "value", value);
        val_set_bool(m, "yes", !strcmp(value, "1"));
        val_set_bool(m, "no", !strcmp(value, "0"));
        /* the display text for the frozen view */
        val_set_str(m, "shown", !strcmp(kind, "yesno") ? (!strcmp(value, "1") ? "Có" : !strcmp(value, "0") ? "Không" : "")
                                                      : value);
        if (!strcmp(kind, "choice")) {
            Val *opts = val_list(a);
            const char *p = db_col_text(st, 5);
            while (*p) {
                const char *e = strchr(p, '\n');
                char *c = e ? arena_strndup(a, p, (size_t)(e - p)) : arena_strdup(a, p);
                Val *o = val_map(a);
                val_set_str(o, "label", c);
                val_set_bool(o, "selected", !strcmp(c, value));
                val_push(opts, o);
                if (!e) break;
                p = e + 1;
            }
            val_set(m, "choices", opts);
        }
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(ctx, "fields", list);
    return 0;
}

/* Every version of council's report in the campaign, newest first. */
static int versions_val(Req *r, int64_t campaign, int64_t council, Val *ctx)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, "SELECT version, status, COALESCE(submitted_at, 0), COALESCE(decided_at, 0), decided_by,"
                                 " review_comment FROM reports WHERE campaign_id = ?1 AND council_id = ?2 ORDER BY version DESC");
    if (!st) return -1;
    db_bindf(st, "ll", campaign, council);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_int(m, "version", db_col_int(st, 0));
        val_set_str(m, "status", report_status_label(report_status_code(db_col_text(st, 1))));
        if (db_col_int(st, 2)) val_set_str(m, "submitted", page_datetime_text(a, db_col_int(st, 2)));
        if (db_col_int(st, 3)) val_set_str(m, "decided", page_datetime_text(a, db_col_int(st, 3)));
        val_set_str(m, "decided_by", db_col_dup(st, 4, a));
        const char *c = db_col_dup(st, 5, a);
        if (c && *c) val_set_str(m, "comment", c);
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(ctx, "versions", list);
    val_set_bool(ctx, "many_versions", val_len(list) > 1);
    return 0;
}

/* The report page of council `target` in campaign c: editable for its own
 * staff (own = 1), the review view for the upper level (own = 0). */
static int report_render(Req *r, int status, const Campaign *c, int64_t target, int own, const char *error,
                         const char *notice, int typed, int64_t typed_revision)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    ReportState s;
    if (report_state(r->db, c->id, target, today, &s) != 0) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    campaign_ctx(r, c, ctx);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", target);
    val_set_str(ctx, "name", name ? name : "");
    val_set(ctx, "state", state_val(r, &s));
    int editable = own && r->council_scope == STAFF_WRITE && (s.status == RS_NONE || s.status == RS_DRAFT
                                                               || s.status == RS_RETURNED);
    val_set_bool(ctx, "editable", editable);
    val_set_bool(ctx, "can_new_version", own && r->council_scope == STAFF_WRITE && s.status == RS_ACCEPTED);
    val_set_bool(ctx, "can_decide", !own && s.status == RS_SUBMITTED);
    val_set_bool(ctx, "frozen", s.status == RS_ACCEPTED);
    val_set_int(ctx, "revision", typed ? typed_revision : s.revision);
    if (error) val_set_str(ctx, "error", error);
    if (notice) val_set_str(ctx, "notice", notice);
    const char *base = page_council_base(r);
    val_set_str(ctx, "action", arena_printf(a, "%s/bao-cao/%lld", base, (long long)c->id));
    val_set_str(ctx, "decide_action", arena_printf(a, "%s/dot-bao-cao/%lld/hd/%lld/quyet-dinh", base, (long long)c->id,
                                                   (long long)target));
    if (typed) {
        val_set_str(ctx, "typed_comment", page_echo(a, req_form(r, "y-kien")));
    }
    int64_t pday = c->period_to - DAY < today ? c->period_to - DAY : today;
    if (fields_val(r, s.id ? s.template_version_id : c->version_id, s.id, target, pday, typed, ctx) != 0
        || versions_val(r, c->id, target, ctx) != 0)
        return reply_error(r, 500, NULL);
    char *comment = s.id ? db_text(r->db, a, "SELECT review_comment FROM reports WHERE id = ?1", "l", s.id) : NULL;
    if (comment && *comment && s.status == RS_RETURNED) val_set_str(ctx, "returned_comment", comment);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    if (own) val_push(val_get(ctx, "crumbs"), page_crumb(a, "Báo cáo định kỳ", arena_printf(a, "%s/bao-cao", base)));
    else val_push(val_get(ctx, "crumbs"), page_crumb(a, c->title, arena_printf(a, "%s/dot-bao-cao/%lld", base, (long long)c->id)));
    return reply_page(r, status, "admin_report", c->title, ctx);
}

static int own_campaign(Req *r, Campaign *c)
{
    int64_t id = page_arg_id(r, 1);
    int found = id > 0 ? campaign_load(r, id, c) : 0;
    if (found < 0) return reply_error(r, 500, NULL);
    if (!found || db_int(r->db, 0, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1 AND council_id = ?2", "ll",
                         id, r->council_id) != 1)
        return reply_error(r, found ? 403 : 404, found ? NOT_ADDRESSED : "Không có đợt báo cáo này.");
    return 0;
}

/* GET /quan-tri/hoi-dong/:council/bao-cao/:campaign [reviewer; ROUTE_COUNCIL] */
int page_admin_report(Req *r)
{
    Campaign c;
    int st = own_campaign(r, &c);
    if (st) return st;
    const char *ok = req_query(r, "ok");
    const char *notice = !ok ? NULL : !strcmp(ok, "luu") ? "Đã lưu bản nháp." : !strcmp(ok, "nop") ? "Đã nộp báo cáo."
                       : !strcmp(ok, "phien-ban") ? "Đã tạo phiên bản mới từ báo cáo đã được chấp nhận." : NULL;
    return report_render(r, 200, &c, r->council_id, 1, NULL, notice, 0, 0);
}

/* POST /quan-tri/hoi-dong/:council/bao-cao/:campaign/luu [editor; ROUTE_COUNCIL]
 * Form: csrf, revision, f_<code> per field, nop (submit). */
int page_admin_report_save(Req *r)
{
    Campaign c;
    int st = own_campaign(r, &c);
    if (st) return st;
    Arena *a = r->arena;
    int64_t revision = req_int(r, "revision", -1, 0, INT64_MAX);
    if (revision < 0) return report_render(r, 400, &c, r->council_id, 1, "Biểu mẫu thiếu số phiên bản lưu; hãy tải lại trang.", NULL, 1, 0);
    int submit = req_form(r, "nop") != NULL;
    /* the form's values for the fields of the version being edited */
    ReportState s;
    if (report_state(r->db, c.id, r->council_id, vn_day_start(r->now), &s) != 0) return reply_error(r, 500, NULL);
    int64_t tv = s.id ? s.template_version_id : c.version_id;
    int n = (int)db_int(r->db, 0, "SELECT COUNT(*) FROM report_fields WHERE version_id = ?1", "l", tv);
    ReportValueIn *v = arena_alloc(a, (size_t)(n > 0 ? n : 1) * sizeof *v);
    Stmt *q = db_prepare(r->db, "SELECT code FROM report_fields WHERE version_id = ?1 ORDER BY position");
    if (!q) return reply_error(r, 500, NULL);
    db_bind_int(q, 1, tv);
    int k = 0;
    while (k < n && db_step(q) == DB_ROW) {
        v[k].code = db_col_dup(q, 0, a);
        v[k].text = req_form(r, arena_printf(a, "f_%s", v[k].code));
        k++;
    }
    db_done(q);
    char err[768];
    if (db_begin(r->db) != DB_OK) return report_render(r, 503, &c, r->council_id, 1, "Không ghi được lúc này, vui lòng thử lại.", NULL, 1, revision);
    int64_t rid = 0;
    int rc = report_save(r->db, c.id, r->council_id, v, k, revision, submit, r->user->username, r->now, &rid, err, sizeof err);
    if (rc != 0) {
        db_rollback(r->db);
        return report_render(r, rc == -2 ? 409 : 400, &c, r->council_id, 1, arena_strdup(a, err), NULL, 1, revision);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, submit ? "report.submit" : "report.save",
                      "report", rid, c.title) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return report_render(r, 503, &c, r->council_id, 1, "Không ghi được lúc này, vui lòng thử lại.", NULL, 1, revision);
    }
    return reply_redirect(r, arena_printf(a, "%s/bao-cao/%lld?ok=%s", page_council_base(r), (long long)c.id, submit ? "nop" : "luu"));
}

/* POST /quan-tri/hoi-dong/:council/bao-cao/:campaign/phien-ban-moi [editor; ROUTE_COUNCIL] */
int page_admin_report_new_version(Req *r)
{
    Campaign c;
    int st = own_campaign(r, &c);
    if (st) return st;
    char err[512];
    int64_t rid = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (report_new_version(r->db, c.id, r->council_id, r->user->username, r->now, &rid, err, sizeof err) != 0) {
        db_rollback(r->db);
        return report_render(r, 400, &c, r->council_id, 1, arena_strdup(r->arena, err), NULL, 0, 0);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "report.new_version", "report", rid,
                      c.title) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/bao-cao/%lld?ok=phien-ban", page_council_base(r), (long long)c.id));
}

/* ------------------------------------------------------------ the upper level */

static int owned_campaign(Req *r, Campaign *c)
{
    int64_t id = page_arg_id(r, 1);
    int found = id > 0 ? campaign_load(r, id, c) : 0;
    if (found < 0) return reply_error(r, 500, NULL);
    if (!found) return reply_error(r, 404, "Không có đợt báo cáo này.");
    if (c->council_id != r->council_id) return reply_error(r, 403, NOT_OWNER);
    return 0;
}

/* GET /quan-tri/hoi-dong/:council/dot-bao-cao/:campaign [reviewer; ROUTE_COUNCIL] */
int page_admin_campaign(Req *r)
{
    Campaign c;
    int st0 = owned_campaign(r, &c);
    if (st0) return st0;
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    campaign_ctx(r, &c, ctx);
    const char *base = page_council_base(r);
    val_set_str(ctx, "export", arena_printf(a, "%s/dot-bao-cao/%lld/xuat", base, (long long)c.id));
    /* the board: every addressed council and its latest version */
    Stmt *st = db_prepare(r->db,
        "SELECT t.council_id, c.name, COALESCE(r.status, ''), COALESCE(r.version, 0), COALESCE(r.submitted_at, 0)"
        " FROM report_targets t JOIN councils c ON c.id = t.council_id LEFT JOIN reports r ON r.campaign_id = t.campaign_id"
        " AND r.council_id = t.council_id AND r.version = (SELECT MAX(r2.version) FROM reports r2"
        " WHERE r2.campaign_id = t.campaign_id AND r2.council_id = t.council_id)"
        " WHERE t.campaign_id = ?1 ORDER BY c.name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, c.id);
    const char *want = req_query(r, "trang-thai");
    Val *rows = val_list(a);
    int counts[6] = {0}, rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int s = report_status_code(db_col_text(st, 2));
        int64_t sub = db_col_int(st, 4);
        int late = s != RS_SUBMITTED && s != RS_ACCEPTED && today > c.deadline;
        counts[s]++;
        if (late) counts[5]++;
        if (want && *want && !((!strcmp(want, "qua-han") && late) || atoi(want) == s + 1)) continue;
        Val *m = val_map(a);
        val_set_str(m, "name", db_col_dup(st, 1, a));
        val_set_str(m, "status", report_status_label(s));
        val_set_str(m, "status_class", arena_printf(a, "st-%d", s));
        val_set_bool(m, "late", late);
        val_set_bool(m, "late_submitted", sub && vn_day_start(sub) > c.deadline);
        if (db_col_int(st, 3)) val_set_int(m, "version", db_col_int(st, 3));
        if (sub) val_set_str(m, "submitted", page_date_text(a, sub));
        if (s != RS_NONE && s != RS_DRAFT)
            val_set_str(m, "url", arena_printf(a, "%s/dot-bao-cao/%lld/hd/%lld", base, (long long)c.id,
                                               (long long)db_col_int(st, 0)));
        val_push(rows, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    int total = counts[0] + counts[1] + counts[2] + counts[3] + counts[4];
    val_set(ctx, "rows", rows);
    val_set_int(ctx, "total", total);
    val_set_int(ctx, "shown", val_len(rows));
    Val *sums = val_list(a);
    static const char *const filter_codes[] = {"1", "2", "3", "4", "5", "qua-han"};
    for (int i = 0; i < 6; i++) {
        Val *m = val_map(a);
        val_set_str(m, "label", i < 5 ? report_status_label(i) : "Quá hạn chưa nộp");
        val_set_int(m, "count", counts[i]);
        val_set_str(m, "url", arena_printf(a, "%s/dot-bao-cao/%lld?trang-thai=%s", base, (long long)c.id, filter_codes[i]));
        val_push(sums, m);
    }
    val_set(ctx, "counts", sums);
    const char *labels[5] = {report_status_label(0), report_status_label(1), report_status_label(2),
                             report_status_label(3), report_status_label(4)};
    val_set_str(ctx, "status_chart", page_bar_svg(a, "Trạng thái báo cáo", labels, counts, 5));
    /* the aggregate over accepted reports (and submitted ones with ?ca-da-nop=1) */
    int with_sub = req_query(r, "ca-da-nop") != NULL;
    val_set_bool(ctx, "with_submitted", with_sub);
    ReportAgg *g;
    int ng;
    if (report_aggregate(r->db, a, c.id, with_sub, &g, &ng) != 0) return reply_error(r, 500, NULL);
    Val *aggs = val_list(a);
    for (int i = 0; i < ng; i++) {
        Val *m = val_map(a);
        val_set_str(m, "label", g[i].label);
        val_set_str(m, "unit", g[i].unit);
        val_set_int(m, "n", g[i].n);
        if (g[i].kind == RF_NUMBER && g[i].n) {
            val_set_bool(m, "is_number", 1);
            val_set_str(m, "sum", num_text(a, g[i].sum));
            val_set_str(m, "mean", num_text(a, g[i].sum / g[i].n));
            val_set_str(m, "min", num_text(a, g[i].min));
            val_set_str(m, "max", num_text(a, g[i].max));
        } else if (g[i].kind == RF_YESNO) {
            const char *yn[2] = {"Có", "Không"};
            int v[2] = {g[i].yes, g[i].no};
            val_set_str(m, "chart", page_bar_svg(a, g[i].label, yn, v, 2));
        } else if (g[i].kind == RF_CHOICE) {
            val_set_str(m, "chart", page_bar_svg(a, g[i].label, g[i].choices, g[i].counts, g[i].nchoices));
        } else if (g[i].kind == RF_TEXT) {
            val_set_bool(m, "is_text", 1);
        }
        val_push(aggs, m);
    }
    val_set(ctx, "aggregate", aggs);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Báo cáo định kỳ", arena_printf(a, "%s/bao-cao", base)));
    return reply_page(r, 200, "admin_campaign", c.title, ctx);
}

/* The export table: a header and one row per addressed council. */
static int export_table(Req *r, const Campaign *c, ExportTable *t)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    int nf = (int)db_int(r->db, 0, "SELECT COUNT(*) FROM report_fields WHERE version_id = ?1", "l", c->version_id);
    const char **codes = arena_alloc(a, (size_t)(nf + 1) * sizeof *codes);
    t->ncols = 5 + nf;
    t->head = arena_alloc(a, (size_t)t->ncols * sizeof *t->head);
    t->head[0] = "Hội đồng nhân dân", t->head[1] = "Trạng thái", t->head[2] = "Phiên bản", t->head[3] = "Ngày nộp",
    t->head[4] = "Quá hạn";
    Stmt *st = db_prepare(r->db, "SELECT code, label, kind FROM report_fields WHERE version_id = ?1 ORDER BY position");
    if (!st) return -1;
    db_bind_int(st, 1, c->version_id);
    int k = 0;
    while (k < nf && db_step(st) == DB_ROW) {
        codes[k] = db_col_dup(st, 0, a);
        t->head[5 + k] = db_col_dup(st, 1, a);
        k++;
    }
    db_done(st);
    int nt = (int)db_int(r->db, 0, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1", "l", c->id);
    t->rows = arena_alloc(a, (size_t)(nt > 0 ? nt : 1) * sizeof *t->rows);
    st = db_prepare(r->db, "SELECT t.council_id, c.name FROM report_targets t JOIN councils c ON c.id = t.council_id"
                           " WHERE t.campaign_id = ?1 ORDER BY c.name");
    if (!st) return -1;
    db_bind_int(st, 1, c->id);
    int64_t *ids = arena_alloc(a, (size_t)(nt > 0 ? nt : 1) * sizeof *ids);
    t->nrows = 0;
    while (t->nrows < nt && db_step(st) == DB_ROW) {
        const char **row = arena_alloc(a, (size_t)t->ncols * sizeof *row);
        for (int i = 0; i < t->ncols; i++) row[i] = "";
        row[0] = db_col_dup(st, 1, a);
        ids[t->nrows] = db_col_int(st, 0);
        t->rows[t->nrows++] = row;
    }
    db_done(st);
    for (int i = 0; i < t->nrows; i++) {
        ReportState s;
        if (report_state(r->db, c->id, ids[i], today, &s) != 0) return -1;
        const char **row = t->rows[i];
        row[1] = report_status_label(s.status);
        row[2] = s.version ? arena_printf(a, "%d", s.version) : "";
        row[3] = s.submitted_at ? page_date_text(a, s.submitted_at) : "";
        row[4] = s.late ? "Có" : "";
        if (!s.id) continue;
        st = db_prepare(r->db, "SELECT f.code, f.kind, v.num, v.text FROM report_values v JOIN report_fields f"
                               " ON f.id = v.field_id WHERE v.report_id = ?1");
        if (!st) return -1;
        db_bind_int(st, 1, s.id);
        while (db_step(st) == DB_ROW) {
            const char *code = db_col_text(st, 0);
            for (int j = 0; j < nf; j++) {
                if (strcmp(codes[j], code)) continue;
                if (!db_col_is_null(st, 2))
                    row[5 + j] = !strcmp(db_col_text(st, 1), "yesno") ? (db_col_double(st, 2) >= 1 ? "Có" : "Không")
                                                                      : num_text(a, db_col_double(st, 2));
                else row[5 + j] = db_col_dup(st, 3, a);
                break;
            }
        }
        db_done(st);
    }
    return 0;
}

/* GET .../dot-bao-cao/:campaign/xuat?dinh-dang=csv|xlsx|json [reviewer; ROUTE_COUNCIL] */
int page_admin_campaign_export(Req *r)
{
    Campaign c;
    int st0 = owned_campaign(r, &c);
    if (st0) return st0;
    Arena *a = r->arena;
    const char *format = req_query(r, "dinh-dang");
    if (!format) format = "csv";
    if (!export_format_ok(format))
        return reply_error(r, 400, "Định dạng xuất không hợp lệ: chọn CSV, Excel (XLSX) hoặc JSON.");
    ExportTable t;
    if (export_table(r, &c, &t) != 0) return reply_error(r, 500, NULL);
    return reply_table(r, format, arena_printf(a, "bao-cao-%lld", (long long)c.id), "campaign", c.title, "reports",
                       "Báo cáo", &t);
}

static int target_of(Req *r, const Campaign *c, int64_t *target)
{
    *target = page_arg_id(r, 2);
    if (*target <= 0 || db_int(r->db, 0, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1 AND council_id = ?2",
                               "ll", c->id, *target) != 1)
        return reply_error(r, 404, "Hội đồng nhân dân này không thuộc đợt báo cáo.");
    return 0;
}

/* GET .../dot-bao-cao/:campaign/hd/:target [reviewer; ROUTE_COUNCIL] */
int page_admin_campaign_report(Req *r)
{
    Campaign c;
    int64_t target;
    int st = owned_campaign(r, &c);
    if (st || (st = target_of(r, &c, &target))) return st;
    const char *ok = req_query(r, "ok");
    const char *notice = !ok ? NULL : !strcmp(ok, "chap-nhan") ? "Đã chấp nhận báo cáo." : !strcmp(ok, "tra-lai") ? "Đã trả lại báo cáo." : NULL;
    return report_render(r, 200, &c, target, 0, NULL, notice, 0, 0);
}

/* POST .../dot-bao-cao/:campaign/hd/:target/quyet-dinh
 * [reviewer; ROUTE_COUNCIL | ROUTE_REVIEW]  Form: csrf, quyet-dinh (chap-nhan | tra-lai), y-kien. */
int page_admin_campaign_decide(Req *r)
{
    Campaign c;
    int64_t target;
    int st = owned_campaign(r, &c);
    if (st || (st = target_of(r, &c, &target))) return st;
    const char *d = req_form(r, "quyet-dinh");
    int accept = d && !strcmp(d, "chap-nhan");
    if (!d || (!accept && strcmp(d, "tra-lai")))
        return report_render(r, 400, &c, target, 0, "Hãy chọn chấp nhận hoặc trả lại báo cáo.", NULL, 1, 0);
    ReportState s;
    if (report_state(r->db, c.id, target, vn_day_start(r->now), &s) != 0) return reply_error(r, 500, NULL);
    char err[512];
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (!s.id || report_decide(r->db, s.id, accept, req_form(r, "y-kien"), r->user->username, r->now, err, sizeof err) != 0) {
        db_rollback(r->db);
        return report_render(r, 400, &c, target, 0, s.id ? arena_strdup(r->arena, err) : "Hội đồng nhân dân này chưa có báo cáo.",
                             NULL, 1, 0);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, target, accept ? "report.accept" : "report.return",
                      "report", s.id, c.title) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/dot-bao-cao/%lld/hd/%lld?ok=%s", page_council_base(r), (long long)c.id,
                                          (long long)target, accept ? "chap-nhan" : "tra-lai"));
}

/* ------------------------------------------------------------ reminders */

int report_reminders(Req *r, int64_t council, Val *ctx)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Stmt *st = db_prepare(r->db, "SELECT p.id, p.title, p.deadline FROM report_targets t JOIN report_campaigns p"
                                 " ON p.id = t.campaign_id WHERE t.council_id = ?1 AND p.deadline >= ?2 - 31 * 86400"
                                 " ORDER BY p.deadline, p.id LIMIT 20");
    if (!st) return -1;
    db_bindf(st, "ll", council, today);
    int64_t ids[20], dl[20];
    const char *titles[20];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 20) {
        ids[n] = db_col_int(st, 0);
        titles[n] = db_col_dup(st, 1, a);
        dl[n] = db_col_int(st, 2);
        n++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return -1;
    Val *list = val_list(a);
    for (int i = 0; i < n; i++) {
        ReportState s;
        if (report_state(r->db, ids[i], council, today, &s) != 0) return -1;
        if (s.status == RS_SUBMITTED || s.status == RS_ACCEPTED) continue;
        Val *m = val_map(a);
        val_set_str(m, "title", titles[i]);
        val_set_str(m, "deadline", page_date_text(a, dl[i]));
        val_set_str(m, "status", report_status_label(s.status));
        val_set_bool(m, "late", s.late);
        val_set_str(m, "url", arena_printf(a, "/quan-tri/hoi-dong/%lld/bao-cao/%lld", (long long)council, (long long)ids[i]));
        val_push(list, m);
    }
    /* reports waiting for this council's review */
    int64_t waiting = db_int(r->db, 0, "SELECT COUNT(*) FROM reports r JOIN report_campaigns p ON p.id = r.campaign_id"
                                       " WHERE p.council_id = ?1 AND r.status = 'submitted'", "l", council);
    val_set(ctx, "reminders", list);
    val_set_bool(ctx, "has_reminders", val_len(list) > 0 || waiting > 0);
    val_set_int(ctx, "waiting_review", waiting);
    val_set_str(ctx, "reports_url", arena_printf(a, "/quan-tri/hoi-dong/%lld/bao-cao", (long long)council));
    return 0;
}

/* ------------------------------------------------------------ definitions as text */

/* Split one line of a definition on '|' into at most max trimmed cells. */
static int cells_of(Arena *a, char *line, const char **cell, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        char *bar = strchr(p, '|');
        if (bar) *bar = 0;
        char *c = vn_clean(a, p);
        cell[n++] = c ? c : "";
        if (!bar) break;
        p = bar + 1;
    }
    for (int i = n; i < max; i++) cell[i] = "";
    return n;
}

/* POST /quan-tri/hoi-dong/:council/mau-bao-cao [editor; ROUTE_COUNCIL]
 * Form: tpl_name, tpl_fields: one field a line,
 *   code | label | number|yesno|choice|text | unit | choices (;) | prefill | bắt buộc
 * A name already used by this council gives the template its next version
 * (reports already begun keep the version they were filled with). */
int page_admin_template_save(Req *r)
{
    Arena *a = r->arena;
    const char *name = req_form(r, "tpl_name"), *text = req_form(r, "tpl_fields");
    char *nm = name ? vn_clean(a, name) : NULL;
    if (!nm || !*nm) return reports_render(r, 400, "Thiếu tên mẫu báo cáo.", 1, NULL);
    ReportFieldIn f[200];
    int n = 0, line_no = 0;
    char *copy = arena_strdup(a, text ? text : "");
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        line_no++;
        const char *c[7], *clean = vn_clean(a, line);
        if (!clean) return reports_render(r, 400, arena_printf(a, "Dòng %d: không phải văn bản UTF-8.", line_no), 1, NULL);
        if (!*clean) continue;
        if (n == 200) return reports_render(r, 400, "Mẫu báo cáo có quá 200 trường.", 1, NULL);
        if (cells_of(a, line, c, 7) < 3)
            return reports_render(r, 400, arena_printf(a, "Dòng %d: cần ít nhất mã | tên | loại.", line_no), 1, NULL);
        char *choices = arena_strdup(a, c[4]);
        for (char *p = choices; *p; p++) if (*p == ';') *p = '\n';
        f[n++] = (ReportFieldIn){c[0], c[1], c[2], c[3], choices, c[5], *c[6] != 0};
    }
    char err[512];
    int64_t tpl = 0, ver = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (report_template_add(r->db, r->council_id, nm, 0, &tpl, err, sizeof err) != 0
        || report_template_version_add(r->db, tpl, f, n, r->now, &ver, err, sizeof err) != 0) {
        db_rollback(r->db);
        return reports_render(r, 400, arena_strdup(a, err), 1, NULL);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "report.template", "template", tpl, nm) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(a, "%s/bao-cao?ok=mau", page_council_base(r)));
}

/* POST /quan-tri/hoi-dong/:council/thi-dua/moi [editor; ROUTE_COUNCIL]
 * Form: round_title, round_year, campaign (0 none), round_criteria: one a line,
 *   label | points | report_on_time|report_ratio|report_relative|task_progress|manual | field_a | field_b */
int page_admin_emulation_add(Req *r)
{
    Arena *a = r->arena;
    const char *title = req_form(r, "round_title");
    char *t = title ? vn_clean(a, title) : NULL;
    int64_t year = req_int(r, "round_year", 0, 2000, 2100), campaign = req_int(r, "campaign", 0, 0, INT64_MAX);
    if (year <= 0) return reports_render(r, 400, "Năm thi đua không hợp lệ (ví dụ 2026).", 1, NULL);
    if (t && *t && db_int(r->db, 0, "SELECT COUNT(*) FROM emulation_rounds WHERE council_id = ?1 AND year = ?2 AND title = ?3",
                          "llt", r->council_id, year, t) > 0)
        return reports_render(r, 400, "Đã có đợt thi đua cùng tên trong năm này.", 1, NULL);
    char err[512];
    int64_t round = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (emu_round_add(r->db, r->council_id, (int)year, t, campaign, 0, &round, err, sizeof err) != 0) goto refused;
    int line_no = 0, n = 0;
    char *copy = arena_strdup(a, req_form(r, "round_criteria") ? req_form(r, "round_criteria") : "");
    for (char *line = copy, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        line_no++;
        const char *c[5], *clean = vn_clean(a, line);
        if (!clean) { snprintf(err, sizeof err, "Dòng %d: không phải văn bản UTF-8.", line_no); goto refused; }
        if (!*clean) continue;
        double pts = 0;
        if (cells_of(a, line, c, 5) < 3 || report_parse_number(c[1], &pts) != 0) {
            snprintf(err, sizeof err, "Dòng %d: cần tên | số điểm | cách chấm.", line_no);
            goto refused;
        }
        char e2[400];
        if (emu_criterion_add(r->db, round, ++n, c[0], pts, c[2], c[3], c[4], e2, sizeof e2) != 0) {
            snprintf(err, sizeof err, "Dòng %d: %s", line_no, e2);
            goto refused;
        }
    }
    if (n == 0) { snprintf(err, sizeof err, "Đợt thi đua cần ít nhất một tiêu chí."); goto refused; }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "emulation.round", "round", round, t) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(a, "%s/thi-dua/%lld", page_council_base(r), (long long)round));
refused:
    db_rollback(r->db);
    return reports_render(r, 400, arena_strdup(a, err), 1, NULL);
}
