/* page_supervision.c - supervisions and their recommendations followed to
 * closure (issue 10 item 4; docs/SUPERVISION.md).
 *
 * Council staff (ROUTE_COUNCIL: the council of the URL was checked against
 * the account's scope before the handler and, for a POST, before the body):
 *   GET  /quan-tri/hoi-dong/:council/giam-sat                  list + the form to plan one
 *   POST /quan-tri/hoi-dong/:council/giam-sat/moi              plan a supervision
 *   GET  /quan-tri/hoi-dong/:council/giam-sat/:id              one supervision, its recommendations
 *   POST /quan-tri/hoi-dong/:council/giam-sat/:id/kien-nghi    issue a recommendation
 *   POST /quan-tri/hoi-dong/:council/giam-sat/:id/trang-thai   findings and the supervision's status
 *   POST /quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/trang-thai  a recommendation's status
 *   POST /quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/kiem-tra    a re-check (verified or back)
 * A supervision or recommendation addressed through a council URL must
 * belong to that council, else 404.
 * Agency accounts (ROLE_AGENCY; on the per-id route the server checked
 * before the body that the recommendation is addressed to the account's
 * agency, ROUTE_AGENCY_RECOMMENDATION):
 *   GET  /quan-tri/co-quan/giam-sat                            the agency's recommendations
 *   GET  /quan-tri/co-quan/kien-nghi-giam-sat/:id              one of them
 *   POST /quan-tri/co-quan/kien-nghi-giam-sat/:id/trang-thai   acknowledge, in progress, done, partially done
 * Public:
 *   GET  /giam-sat                                             supervisions that reported, with their
 *                                                              recommendations' statuses (no personal data)
 * A refused form comes back with what was typed (400, or 409 when someone
 * changed the recommendation since the page was loaded). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "petition.h"
#include "staff.h"
#include "supervision.h"
#include "tmpl.h"
#include "unit.h"
#include "vn.h"

static const char *const SUP_STATUSES[] = {"planned", "in_field", "reported", "follow_up"};
static const char *const REC_STATUSES[] = {"issued", "acknowledged", "in_progress", "done", "partially_done", "verified"};
static const char *const KINDS[] = {"thematic", "survey", "hearing", "questioning"};

static const char *base_url(Req *r)
{
    return arena_printf(r->arena, "/quan-tri/hoi-dong/%lld", (long long)r->council_id);
}

static const char *rec_label(Req *r, const char *code)
{
    return status_label(r->db, r->arena, "recommendation", code);
}

static const char *period_text(Arena *a, int64_t from, int64_t to)
{
    return from == to ? page_date_text(a, from)
                      : arena_printf(a, "%s – %s", page_date_text(a, from), page_date_text(a, to));
}

/* A multi-line text as a list of its non-empty lines (one <p> each). */
static Val *paras(Arena *a, const char *text)
{
    Val *list = val_list(a);
    for (const char *p = text ? text : ""; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) val_push(list, val_str(a, arena_strndup(a, p, n)));
        p += n + (e ? 1 : 0);
    }
    return list;
}

/* A form day; 0 ok, -1 bad or empty. */
static int form_day(const char *s, int64_t *day)
{
    *day = 0;
    return s && *s && unit_parse_day(s, day) == 0 ? 0 : -1;
}

typedef struct Sup {
    int64_t id, council_id, body_id, starts_on, ends_on;
    const char *kind, *subject, *targets, *findings, *status, *body, *council;
} Sup;

/* 1 found, 0 none, -1 error. */
static int sup_load(Req *r, int64_t id, Sup *s)
{
    memset(s, 0, sizeof *s);
    Stmt *st = db_prepare(r->db, "SELECT s.council_id, COALESCE(s.body_id, 0), s.starts_on, s.ends_on, s.kind, s.subject,"
                                 " s.targets, s.findings, s.status, b.name, c.name FROM supervisions s"
                                 " JOIN councils c ON c.id = s.council_id LEFT JOIN council_bodies b ON b.id = s.body_id"
                                 " WHERE s.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        Arena *a = r->arena;
        s->id = id;
        s->council_id = db_col_int(st, 0);
        s->body_id = db_col_int(st, 1);
        s->starts_on = db_col_int(st, 2);
        s->ends_on = db_col_int(st, 3);
        s->kind = db_col_dup(st, 4, a);
        s->subject = db_col_dup(st, 5, a);
        s->targets = db_col_dup(st, 6, a);
        s->findings = db_col_dup(st, 7, a);
        s->status = db_col_dup(st, 8, a);
        s->body = db_col_dup(st, 9, a);
        s->council = db_col_dup(st, 10, a);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* The supervision of args[1], which must be the URL council's: 0, or the
 * status of the error reply. */
static int sup_here(Req *r, Sup *s)
{
    int64_t id = page_arg_id(r, 1);
    int found = id > 0 ? sup_load(r, id, s) : 0;
    if (found < 0) return reply_error(r, 500, NULL);
    if (!found || s->council_id != r->council_id) return reply_error(r, 404, "Không có cuộc giám sát này.");
    return 0;
}

/* What a refused form typed, to give back on the re-rendered page. */
typedef struct Typed {
    int64_t rec_id;          /* the recommendation whose form it was, 0 = none */
    const char *error;       /* shown beside that recommendation */
    int rec_form;            /* the "issue a recommendation" form */
    int sup_form;            /* the findings / status form */
} Typed;

/* The events and checks of a recommendation into m. */
static int rec_history(Req *r, int64_t id, int show_who, Val *m)
{
    Arena *a = r->arena;
    Val *events = val_list(a), *checks = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT at, status, note, username FROM recommendation_events WHERE recommendation_id = ?1"
                                 " ORDER BY id");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *e = val_map(a);
        val_set_str(e, "when", page_datetime_text(a, db_col_int(st, 0)));
        val_set_str(e, "status", rec_label(r, db_col_text(st, 1)));
        val_set_str(e, "note", db_col_dup(st, 2, a));
        if (show_who) val_set_str(e, "who", db_col_dup(st, 3, a));
        val_push(events, e);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    st = db_prepare(r->db, "SELECT on_day, method, result, confirmed, username FROM recommendation_checks"
                           " WHERE recommendation_id = ?1 ORDER BY id");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *c = val_map(a);
        val_set_str(c, "day", page_date_text(a, db_col_int(st, 0)));
        val_set_str(c, "method", !strcmp(db_col_text(st, 1), "resupervision") ? "tái giám sát" : "tái chất vấn");
        val_set_str(c, "result", db_col_dup(st, 2, a));
        val_set_bool(c, "confirmed", db_col_int(st, 3));
        if (show_who) val_set_str(c, "who", db_col_dup(st, 4, a));
        val_push(checks, c);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(m, "events", events);
    val_set(m, "checks", checks);
    val_set_bool(m, "has_checks", val_len(checks) > 0);
    return 0;
}

/* One recommendation for a page: effective status, the moves the role may
 * make, and (typed) what a refused form sent. */
static Val *rec_val(Req *r, const Recommendation *rec, int role, int writable, const Typed *t, const char *status_action)
{
    Arena *a = r->arena;
    Val *m = val_map(a);
    val_set_int(m, "id", rec->id);
    val_set_int(m, "position", rec->position);
    val_set_str(m, "anchor", arena_printf(a, "kn-%lld", (long long)rec->id));
    val_set_str(m, "text", rec->text);
    val_set_str(m, "agency", rec->agency);
    val_set_str(m, "issued", page_date_text(a, rec->issued_on));
    val_set_str(m, "deadline", page_date_text(a, rec->deadline));
    val_set_str(m, "status", rec_label(r, rec->overdue ? "overdue" : rec->status));
    val_set_bool(m, "overdue", rec->overdue);
    if (rec->overdue) val_set_str(m, "stored_status", rec_label(r, rec->status));
    val_set_int(m, "revision", rec->revision);
    int mine = t && t->rec_id == rec->id;
    const char *want = mine ? req_form(r, "status") : NULL;
    Val *opts = val_list(a);
    for (size_t i = 0; i < sizeof REC_STATUSES / sizeof REC_STATUSES[0]; i++) {
        if (!supervision_rec_may(role, rec->status, REC_STATUSES[i])) continue;
        Val *o = val_map(a);
        val_set_str(o, "value", REC_STATUSES[i]);
        val_set_str(o, "label", rec_label(r, REC_STATUSES[i]));
        val_set_bool(o, "selected", want && !strcmp(want, REC_STATUSES[i]));
        val_push(opts, o);
    }
    val_set(m, "options", opts);
    val_set_bool(m, "can_status", writable && val_len(opts) > 0);
    val_set_bool(m, "can_check", writable && role != ROLE_AGENCY
                                     && (!strcmp(rec->status, "done") || !strcmp(rec->status, "partially_done")));
    val_set_str(m, "status_action", status_action);
    Val *typed = val_map(a);
    if (mine) {
        if (t->error) val_set_str(m, "rec_error", t->error);
        val_set_str(typed, "note", page_echo(a, req_form(r, "note")));
        val_set_str(typed, "result", page_echo(a, req_form(r, "result")));
        val_set_str(typed, "day", page_echo(a, req_form(r, "day")));
        const char *c = req_form(r, "confirmed"), *meth = req_form(r, "method");
        val_set_bool(typed, "confirmed_no", c && !strcmp(c, "0"));
        val_set_bool(typed, "follow_up", meth && !strcmp(meth, "follow_up_question"));
    }
    val_set(m, "typed", typed);
    return m;
}

/* ------------------------------------------------------------ the list */

static int list_render(Req *r, int status, const char *error, int typed)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    const char *base = base_url(r);
    Val *list = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT s.id, s.subject, s.kind, b.name, s.starts_on, s.ends_on, s.status FROM supervisions s"
                                 " LEFT JOIN council_bodies b ON b.id = s.body_id WHERE s.council_id = ?1"
                                 " ORDER BY s.starts_on DESC, s.id DESC LIMIT 500");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int64_t ids[500];
    Val *items[500];
    int n = 0, rc = DB_DONE;
    while (n < 500 && (rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        ids[n] = db_col_int(st, 0);
        val_set_str(m, "url", arena_printf(a, "%s/giam-sat/%lld", base, (long long)ids[n]));
        val_set_str(m, "subject", db_col_dup(st, 1, a));
        val_set_str(m, "kind", supervision_kind_label(db_col_text(st, 2)));
        val_set_str(m, "body", db_col_dup(st, 3, a));
        val_set_str(m, "period", period_text(a, db_col_int(st, 4), db_col_int(st, 5)));
        val_set_str(m, "status", status_label(r->db, a, "supervision", db_col_text(st, 6)));
        items[n++] = m;
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    /* recommendation counts per supervision: all, not yet verified, overdue today */
    for (int i = 0; i < n; i++) {
        Stmt *q = db_prepare(r->db, "SELECT status, deadline FROM recommendations WHERE supervision_id = ?1");
        if (!q) return reply_error(r, 500, NULL);
        db_bind_int(q, 1, ids[i]);
        int64_t all = 0, open = 0, late = 0;
        while ((rc = db_step(q)) == DB_ROW) {
            const char *code = db_col_text(q, 0);
            all++;
            open += strcmp(code, "verified") != 0;
            late += supervision_rec_overdue(code, db_col_int(q, 1), today);
        }
        db_done(q);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set_int(items[i], "recs", all);
        val_set_int(items[i], "open", open);
        val_set_int(items[i], "overdue", late);
    }
    Val *with = list;
    val_set(ctx, "supervisions", with);
    val_set_bool(ctx, "has_supervisions", val_len(with) > 0);
    val_set_bool(ctx, "can_edit", r->council_scope == STAFF_WRITE);
    val_set_str(ctx, "action", arena_printf(a, "%s/giam-sat/moi", base));
    if (error) val_set_str(ctx, "error", error);
    Val *form = val_map(a);
    static const char *const keys[] = {"subject", "targets", "from", "to"};
    for (int i = 0; i < 4; i++) val_set_str(form, keys[i], typed ? page_echo(a, req_form(r, keys[i])) : "");
    const char *kind = typed ? req_form(r, "kind") : NULL;
    Val *kopts = val_list(a);
    for (int i = 0; i < 4; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", KINDS[i]);
        val_set_str(o, "label", supervision_kind_label(KINDS[i]));
        val_set_bool(o, "selected", kind && !strcmp(kind, KINDS[i]));
        val_push(kopts, o);
    }
    val_set(form, "kinds", kopts);
    /* the bodies of the council's term today (Ban, delegate groups) */
    const char *want_body = typed ? req_form(r, "body") : NULL;
    Val *bodies = val_list(a);
    st = db_prepare(r->db, "SELECT b.id, b.name FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                           " WHERE t.council_id = ?1 AND t.starts_on <= ?2 AND (t.ends_on IS NULL OR t.ends_on > ?2)"
                           " AND b.valid_from <= ?2 AND (b.valid_to IS NULL OR b.valid_to > ?2) AND b.kind IN ('standing', 'committee')"
                           " ORDER BY b.kind DESC, b.position, b.name");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", r->council_id, today);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *o = val_map(a);
        const char *v = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
        val_set_str(o, "value", v);
        val_set_str(o, "label", db_col_dup(st, 1, a));
        val_set_bool(o, "selected", want_body && !strcmp(want_body, v));
        val_push(bodies, o);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(form, "bodies", bodies);
    val_set(ctx, "form", form);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "Hội đồng nhân dân", base));
    return reply_page(r, status, "admin_supervisions", "Giám sát và kiến nghị giám sát", ctx);
}

/* GET /quan-tri/hoi-dong/:council/giam-sat [reviewer; ROUTE_COUNCIL] */
int page_admin_supervisions(Req *r)
{
    return list_render(r, 200, NULL, 0);
}

/* POST /quan-tri/hoi-dong/:council/giam-sat/moi [editor; ROUTE_COUNCIL]
 * Form: csrf, subject, kind, body, targets, from, to. */
int page_admin_supervision_add(Req *r)
{
    SupervisionIn in = {.council_id = r->council_id, .body_id = req_int(r, "body", 0, 0, INT64_MAX),
                        .kind = req_form(r, "kind"), .subject = req_form(r, "subject"), .targets = req_form(r, "targets")};
    if (form_day(req_form(r, "from"), &in.starts_on) || form_day(req_form(r, "to"), &in.ends_on))
        return list_render(r, 400, "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 1/8/2026 – 31/8/2026.", 1);
    char err[512];
    int64_t id = 0;
    if (supervision_create(r->db, &in, r->user, r->now, &id, err, sizeof err) != 0)
        return list_render(r, 400, arena_strdup(r->arena, err), 1);
    return reply_redirect(r, arena_printf(r->arena, "%s/giam-sat/%lld", base_url(r), (long long)id));
}

/* ------------------------------------------------------------ one supervision */

static int sup_render(Req *r, int status, const Sup *s, const char *error, const char *notice, const Typed *t)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    int writable = r->council_scope == STAFF_WRITE;
    const char *base = base_url(r);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    val_set_str(ctx, "subject", s->subject);
    val_set_str(ctx, "kind", supervision_kind_label(s->kind));
    val_set_str(ctx, "body", s->body);
    val_set_str(ctx, "council", s->council);
    val_set_str(ctx, "period", period_text(a, s->starts_on, s->ends_on));
    val_set_str(ctx, "targets", s->targets);
    val_set_str(ctx, "findings", s->findings);
    val_set(ctx, "findings_paras", paras(a, s->findings));
    val_set(ctx, "targets_paras", paras(a, s->targets));
    val_set_str(ctx, "status", status_label(r->db, a, "supervision", s->status));
    if (error) val_set_str(ctx, "error", error);
    if (notice) val_set_str(ctx, "notice", notice);
    val_set_bool(ctx, "can_edit", writable);
    val_set_str(ctx, "status_action", arena_printf(a, "%s/giam-sat/%lld/trang-thai", base, (long long)s->id));
    val_set_str(ctx, "typed_findings", t && t->sup_form ? page_echo(a, req_form(r, "findings")) : s->findings);
    const char *want = t && t->sup_form ? req_form(r, "status") : s->status;
    int cur = 0;
    for (int i = 0; i < 4; i++)
        if (!strcmp(s->status, SUP_STATUSES[i])) cur = i;
    Val *sopts = val_list(a);
    for (int i = cur; i < 4; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", SUP_STATUSES[i]);
        val_set_str(o, "label", status_label(r->db, a, "supervision", SUP_STATUSES[i]));
        val_set_bool(o, "selected", want && !strcmp(want, SUP_STATUSES[i]));
        val_push(sopts, o);
    }
    val_set(ctx, "status_options", sopts);
    /* recommendations */
    Val *recs = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT id FROM recommendations WHERE supervision_id = ?1 ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, s->id);
    int64_t ids[512];
    int n = 0, rc = DB_DONE;
    while (n < 512 && (rc = db_step(st)) == DB_ROW) ids[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    for (int i = 0; i < n; i++) {
        Recommendation rec;
        if (supervision_rec_get(r->db, a, ids[i], today, &rec) != 1) return reply_error(r, 500, NULL);
        Val *m = rec_val(r, &rec, r->user ? r->user->role : ROLE_NONE, writable, t,
                         arena_printf(a, "%s/kien-nghi-giam-sat/%lld/trang-thai", base, (long long)rec.id));
        val_set_str(m, "check_action", arena_printf(a, "%s/kien-nghi-giam-sat/%lld/kiem-tra", base, (long long)rec.id));
        if (rec_history(r, rec.id, 1, m) != 0) return reply_error(r, 500, NULL);
        val_push(recs, m);
    }
    val_set(ctx, "recs", recs);
    val_set_bool(ctx, "has_recs", n > 0);
    /* the form to issue one */
    int reported = !strcmp(s->status, "reported") || !strcmp(s->status, "follow_up");
    val_set_bool(ctx, "can_add", writable && reported);
    val_set_str(ctx, "rec_action", arena_printf(a, "%s/giam-sat/%lld/kien-nghi", base, (long long)s->id));
    int rt = t && t->rec_form;
    const char *want_agency = rt ? req_form(r, "agency") : NULL;
    Val *agencies = val_list(a);
    st = db_prepare(r->db, "SELECT id, name FROM agencies WHERE council_id = ?1 AND active = 1 ORDER BY name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *o = val_map(a);
        const char *v = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
        val_set_str(o, "value", v);
        val_set_str(o, "label", db_col_dup(st, 1, a));
        val_set_bool(o, "selected", want_agency && !strcmp(want_agency, v));
        val_push(agencies, o);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "agencies", agencies);
    Val *rf = val_map(a);
    static const char *const keys[] = {"text", "agency_new", "issued", "deadline"};
    for (int i = 0; i < 4; i++) val_set_str(rf, keys[i], rt ? page_echo(a, req_form(r, keys[i])) : "");
    if (!rt) val_set_str(rf, "issued", page_date_text(a, today));
    val_set(ctx, "rec_form", rf);
    val_set(ctx, "crumbs", val_list(a));
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "Hội đồng nhân dân", base));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Giám sát", arena_printf(a, "%s/giam-sat", base)));
    return reply_page(r, status, "admin_supervision", s->subject, ctx);
}

static const char *notice_of(Req *r)
{
    const char *ok = req_query(r, "ok");
    if (!ok) return NULL;
    if (!strcmp(ok, "kien-nghi")) return "Đã ban hành kiến nghị.";
    if (!strcmp(ok, "trang-thai")) return "Đã cập nhật.";
    if (!strcmp(ok, "kiem-tra")) return "Đã ghi kết quả kiểm tra lại.";
    return NULL;
}

/* GET /quan-tri/hoi-dong/:council/giam-sat/:id [reviewer; ROUTE_COUNCIL] */
int page_admin_supervision(Req *r)
{
    Sup s;
    int st = sup_here(r, &s);
    if (st) return st;
    return sup_render(r, 200, &s, NULL, notice_of(r), NULL);
}

static int back_to(Req *r, int64_t sup, const char *ok, int64_t rec)
{
    return reply_redirect(r, rec ? arena_printf(r->arena, "%s/giam-sat/%lld?ok=%s#kn-%lld", base_url(r), (long long)sup, ok,
                                                (long long)rec)
                                 : arena_printf(r->arena, "%s/giam-sat/%lld?ok=%s", base_url(r), (long long)sup, ok));
}

/* POST /quan-tri/hoi-dong/:council/giam-sat/:id/trang-thai [editor; ROUTE_COUNCIL]
 * Form: csrf, status, findings (absent: kept). */
int page_admin_supervision_status(Req *r)
{
    Sup s;
    int st = sup_here(r, &s);
    if (st) return st;
    char err[512];
    Typed t = {.sup_form = 1};
    if (supervision_set_status(r->db, s.id, req_form(r, "status"), req_form(r, "findings"), r->user, r->now, err,
                               sizeof err) != 0)
        return sup_render(r, 400, &s, arena_strdup(r->arena, err), NULL, &t);
    return back_to(r, s.id, "trang-thai", 0);
}

/* POST /quan-tri/hoi-dong/:council/giam-sat/:id/kien-nghi [editor; ROUTE_COUNCIL]
 * Form: csrf, text, agency (id) or agency_new (a name: found or created),
 * issued, deadline. */
int page_admin_supervision_rec_add(Req *r)
{
    Sup s;
    int st = sup_here(r, &s);
    if (st) return st;
    Arena *a = r->arena;
    Typed t = {.rec_form = 1};
    RecommendationIn in = {.supervision_id = s.id, .agency_id = req_int(r, "agency", 0, 0, INT64_MAX),
                           .text = req_form(r, "text")};
    if (form_day(req_form(r, "issued"), &in.issued_on) || form_day(req_form(r, "deadline"), &in.deadline))
        return sup_render(r, 400, &s, "Ngày không hợp lệ: hãy nhập ngày ban hành và hạn thực hiện theo dạng ngày/tháng/năm, "
                                      "ví dụ 1/9/2026 và 31/12/2026.", NULL, &t);
    const char *fresh = req_form(r, "agency_new");
    char *fname = fresh ? vn_clean(a, fresh) : NULL;
    char err[512];
    if (db_begin(r->db) != DB_OK) return sup_render(r, 503, &s, "Không ghi được lúc này, vui lòng thử lại.", NULL, &t);
    int ok = 1;
    if (fname && *fname) {
        int64_t have = db_int(r->db, 0, "SELECT id FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", r->council_id, fname);
        if (have > 0) in.agency_id = have;
        else {
            const char *level = db_int(r->db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1 AND parent_id IS NULL", "l",
                                       r->council_id) ? "city" : "commune";
            ok = agency_create(r->db, r->council_id, fname, level, 0, &in.agency_id, err, sizeof err) == 0;
        }
    }
    int64_t id = 0;
    if (ok) ok = supervision_rec_add(r->db, &in, r->user, r->now, &id, err, sizeof err) == 0;
    if (!ok || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return sup_render(r, 400, &s, ok ? "Không ghi được lúc này, vui lòng thử lại." : arena_strdup(a, err), NULL, &t);
    }
    return back_to(r, s.id, "kien-nghi", id);
}

/* The recommendation of args[1] through the URL council: 1 found (rec and
 * its supervision filled), else the status of the error reply. */
static int rec_here(Req *r, Recommendation *rec, Sup *s)
{
    int64_t id = page_arg_id(r, 1);
    int found = id > 0 ? supervision_rec_get(r->db, r->arena, id, vn_day_start(r->now), rec) : 0;
    if (found < 0) return reply_error(r, 500, NULL);
    if (!found || rec->council_id != r->council_id) return reply_error(r, 404, "Không có kiến nghị giám sát này.");
    if (sup_load(r, rec->supervision_id, s) != 1) return reply_error(r, 500, NULL);
    return 1;
}

/* POST /quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/trang-thai [editor; ROUTE_COUNCIL]
 * Form: csrf, revision, status, note. */
int page_admin_supervision_rec_status(Req *r)
{
    Recommendation rec;
    Sup s;
    int st = rec_here(r, &rec, &s);
    if (st != 1) return st;
    char err[512];
    int rc = supervision_rec_set_status(r->db, rec.id, req_form(r, "status"), req_form(r, "note"),
                                        req_int(r, "revision", 0, 0, INT64_MAX), r->user, r->now, err, sizeof err);
    if (rc != 0) {
        const char *msg = arena_strdup(r->arena, err);
        Typed t = {.rec_id = rec.id, .error = msg};
        return sup_render(r, rc == -2 ? 409 : 400, &s, msg, NULL, &t);
    }
    return back_to(r, s.id, "trang-thai", rec.id);
}

/* POST /quan-tri/hoi-dong/:council/kien-nghi-giam-sat/:id/kiem-tra [editor; ROUTE_COUNCIL]
 * Form: csrf, revision, method, day, result, confirmed (1 | 0). */
int page_admin_supervision_rec_check(Req *r)
{
    Recommendation rec;
    Sup s;
    int st = rec_here(r, &rec, &s);
    if (st != 1) return st;
    int64_t day = 0;
    Typed t = {.rec_id = rec.id};
    if (form_day(req_form(r, "day"), &day)) {
        t.error = "Ngày kiểm tra lại không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 12/5/2026.";
        return sup_render(r, 400, &s, t.error, NULL, &t);
    }
    const char *c = req_form(r, "confirmed");
    char err[512];
    int rc = supervision_rec_check(r->db, rec.id, req_form(r, "method"), day, req_form(r, "result"), c && !strcmp(c, "1"),
                                   req_int(r, "revision", 0, 0, INT64_MAX), r->user, r->now, err, sizeof err);
    if (rc != 0) {
        t.error = arena_strdup(r->arena, err);
        return sup_render(r, rc == -2 ? 409 : 400, &s, t.error, NULL, &t);
    }
    return back_to(r, s.id, "kiem-tra", rec.id);
}

/* ------------------------------------------------------------ agencies */

/* The agency's recommendations (only = one id, 0 = all of them). */
static int agency_render(Req *r, int status, const char *error, const Typed *t, int64_t only)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    int64_t agency = r->user ? r->user->agency_id : 0;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM agencies WHERE id = ?1", "l", agency);
    val_set_str(ctx, "agency", name ? name : "");
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && !strcmp(ok, "1")) val_set_str(ctx, "notice", "Đã gửi báo cáo.");
    Stmt *st = db_prepare(r->db, "SELECT r.id, s.subject, c.name FROM recommendations r JOIN supervisions s ON s.id = r.supervision_id"
                                 " JOIN councils c ON c.id = s.council_id WHERE r.agency_id = ?1 AND (?2 = 0 OR r.id = ?2)"
                                 " ORDER BY r.deadline, r.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", agency, only);
    int64_t ids[512];
    const char *subj[512], *council[512];
    int n = 0, rc = DB_DONE;
    while (n < 512 && (rc = db_step(st)) == DB_ROW) {
        ids[n] = db_col_int(st, 0);
        subj[n] = db_col_dup(st, 1, a);
        council[n] = db_col_dup(st, 2, a);
        n++;
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    Val *recs = val_list(a);
    for (int i = 0; i < n; i++) {
        Recommendation rec;
        if (supervision_rec_get(r->db, a, ids[i], today, &rec) != 1) return reply_error(r, 500, NULL);
        Val *m = rec_val(r, &rec, ROLE_AGENCY, 1, t,
                         arena_printf(a, "/quan-tri/co-quan/kien-nghi-giam-sat/%lld/trang-thai", (long long)rec.id));
        val_set_str(m, "subject", subj[i]);
        val_set_str(m, "council", council[i]);
        if (rec_history(r, rec.id, 0, m) != 0) return reply_error(r, 500, NULL);
        val_push(recs, m);
    }
    val_set(ctx, "recs", recs);
    val_set_bool(ctx, "has_recs", n > 0);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Cơ quan", "/quan-tri/co-quan"));
    return reply_page(r, status, "agency_recommendations", "Kiến nghị giám sát", ctx);
}

/* GET /quan-tri/co-quan/giam-sat [agency; ROUTE_ANY_OFFICE] */
int page_agency_recommendations(Req *r)
{
    return agency_render(r, 200, NULL, NULL, 0);
}

/* GET /quan-tri/co-quan/kien-nghi-giam-sat/:id [agency; ROUTE_ANY_OFFICE |
 * ROUTE_AGENCY_RECOMMENDATION: settled by the server before the handler] */
int page_agency_rec(Req *r)
{
    return agency_render(r, 200, NULL, NULL, page_arg_id(r, 0));
}

/* POST /quan-tri/co-quan/kien-nghi-giam-sat/:id/trang-thai
 * [agency; ROUTE_ANY_OFFICE | ROUTE_AGENCY_RECOMMENDATION: args[0] is
 * addressed to the account's agency, checked before the body]
 * Form: csrf, revision, status, note. */
int page_agency_rec_status(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    char err[512];
    int rc = supervision_rec_set_status(r->db, id, req_form(r, "status"), req_form(r, "note"),
                                        req_int(r, "revision", 0, 0, INT64_MAX), r->user, r->now, err, sizeof err);
    if (rc != 0) {
        Typed t = {.rec_id = id, .error = arena_strdup(r->arena, err)};
        return agency_render(r, rc == -2 ? 409 : 400, t.error, &t, 0);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/co-quan/giam-sat?ok=1#kn-%lld", (long long)id));
}

/* ------------------------------------------------------------ public */

/* GET /giam-sat [public]: supervisions that have reported (reported,
 * follow_up) with their recommendations' effective statuses. */
int page_supervisions_public(Req *r)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    Val *list = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT s.id, c.name, s.subject, s.kind, b.name, s.starts_on, s.ends_on, s.findings"
                                 " FROM supervisions s JOIN councils c ON c.id = s.council_id"
                                 " LEFT JOIN council_bodies b ON b.id = s.body_id"
                                 " WHERE s.status IN ('reported', 'follow_up') ORDER BY s.ends_on DESC, s.id DESC LIMIT 100");
    if (!st) return reply_error(r, 500, NULL);
    int64_t ids[100];
    Val *items[100];
    int n = 0, rc = DB_DONE;
    while (n < 100 && (rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        ids[n] = db_col_int(st, 0);
        val_set_str(m, "council", db_col_dup(st, 1, a));
        val_set_str(m, "subject", db_col_dup(st, 2, a));
        val_set_str(m, "kind", supervision_kind_label(db_col_text(st, 3)));
        val_set_str(m, "body", db_col_dup(st, 4, a));
        val_set_str(m, "period", period_text(a, db_col_int(st, 5), db_col_int(st, 6)));
        val_set_str(m, "findings", db_col_dup(st, 7, a));
        val_set(m, "findings_paras", paras(a, db_col_text(st, 7)));
        items[n++] = m;
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    for (int i = 0; i < n; i++) {
        Val *recs = val_list(a);
        Stmt *q = db_prepare(r->db, "SELECT r.text, g.name, r.deadline, r.status FROM recommendations r"
                                    " JOIN agencies g ON g.id = r.agency_id WHERE r.supervision_id = ?1 ORDER BY r.position, r.id");
        if (!q) return reply_error(r, 500, NULL);
        db_bind_int(q, 1, ids[i]);
        while ((rc = db_step(q)) == DB_ROW) {
            Val *m = val_map(a);
            const char *code = db_col_text(q, 3);
            int64_t deadline = db_col_int(q, 2);
            int late = supervision_rec_overdue(code, deadline, today);
            val_set_str(m, "text", db_col_dup(q, 0, a));
            val_set_str(m, "agency", db_col_dup(q, 1, a));
            val_set_str(m, "deadline", page_date_text(a, deadline));
            val_set_str(m, "status", rec_label(r, late ? "overdue" : code));
            val_set_bool(m, "overdue", late);
            val_push(recs, m);
        }
        db_done(q);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set(items[i], "recs", recs);
        val_set_bool(items[i], "has_recs", val_len(recs) > 0);
    }
    val_set(ctx, "supervisions", list);
    val_set_bool(ctx, "has_supervisions", n > 0);
    val_set(ctx, "crumbs", val_list(a));
    r->visit_page = 1;
    return reply_page(r, 200, "supervisions", "Giám sát và kết quả thực hiện kiến nghị", ctx);
}
