/* page_admin_council.c - council work for the staff of each council's
 * office (issue 8 item 5; docs/COUNCILS.md "Staff and scope").
 *
 * Who reaches which council is not decided here: every route under
 * /quan-tri/hoi-dong/:council carries ROUTE_COUNCIL, and the server checked
 * the account's scope on that council (read for GET, write for POST)
 * before the handler, and before a POST's body was read
 * (http_server.c check_council_scope).  What a handler still checks is
 * that the rows a form names (a term, a delegate, a body) belong to the
 * council of the URL, so an id of another council posted to one's own
 * URL is refused the same way (403, nothing written).
 *
 * Every write goes through the validating writers of council.c inside one
 * transaction with its audit_council row; a refusal re-renders the page
 * with the Vietnamese reason and the form as typed. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "content.h"
#include "council.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "staff.h"
#include "tmpl.h"
#include "unit.h"
#include "vn.h"

#define NOT_THIS_COUNCIL "Dữ liệu này không thuộc Hội đồng nhân dân của trang đang mở."

/* ------------------------------------------------------------ the list */

/* GET /quan-tri/hoi-dong - the councils in force today that the account
 * may open: all of them for the portal owner's office, else its own
 * council and those below it (the same staff_scope the server applies). */
int page_admin_councils(Req *r)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Stmt *st = db_prepare(r->db,
        "SELECT c.id, c.name, c.level, COALESCE(u.kind, ''),"
        " (SELECT COUNT(*) FROM council_terms t JOIN delegates d ON d.term_id = t.id"
        "   WHERE t.council_id = c.id AND t.starts_on <= ?1 AND (t.ends_on IS NULL OR t.ends_on > ?1)"
        "   AND d.valid_from <= ?1 AND (d.valid_to IS NULL OR d.valid_to > ?1))"
        " FROM councils c LEFT JOIN units u ON u.id = c.unit_id"
        " WHERE c.valid_from <= ?1 AND (c.valid_to IS NULL OR c.valid_to > ?1)"
        " ORDER BY CASE c.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, u.name_fold, c.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, today);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0);
        int scope = staff_scope(r->db, r->user, id);
        if (scope < 0) break;
        if (scope == STAFF_NONE) continue;
        Val *c = val_map(a);
        val_set_int(c, "id", id);
        val_set_str(c, "name", db_col_dup(st, 1, a));
        val_set_str(c, "kind", unit_kind_label(db_col_text(st, 3)));
        val_set_int(c, "delegates", db_col_int(st, 4));
        val_set_str(c, "url", arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)id));
        val_set_bool(c, "can_edit", scope == STAFF_WRITE);
        val_push(list, c);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    val_set(ctx, "councils", list);
    val_set_bool(ctx, "has_councils", val_len(list) > 0);
    val_set_int(ctx, "count", val_len(list));
    val_set_str(ctx, "role_label", auth_role_label(r->user->role));
    /* reminders for the account's own council (the top one for the portal's office) */
    int64_t own = r->user->council_id > 0 ? r->user->council_id
                : db_int(r->db, 0, "SELECT id FROM councils WHERE level = 'province' AND valid_from <= ?1"
                                   " AND (valid_to IS NULL OR valid_to > ?1) ORDER BY id LIMIT 1", "l", today);
    if (own > 0 && report_reminders(r, own, ctx) != 0) return reply_error(r, 500, NULL);
    if (r->user->council_id > 0)
        val_set_str(ctx, "office", db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l",
                                           r->user->council_id));
    return reply_page(r, 200, "admin_councils", "Công việc của Hội đồng nhân dân", ctx);
}

/* ------------------------------------------------------------ one council */

/* What a form had, given back after a refusal. */
typedef struct CouncilForm {
    const char *which;        /* "delegate" | "membership" | "end" */
    const char *error;
    const char *full_name, *constituency, *from, *to, *how, *document, *delegate, *body, *position;
    int full_time;
} CouncilForm;

/* The term shown: ?khoa=ID of this council, else the one in force today,
 * else the latest.  0 when the council has no term (page.h). */
int64_t admin_council_term(Req *r, int64_t want)
{
    int64_t today = vn_day_start(r->now);
    if (want > 0 && db_int(r->db, 0, "SELECT COUNT(*) FROM council_terms WHERE id = ?1 AND council_id = ?2",
                           "ll", want, r->council_id) == 1)
        return want;
    int64_t t = db_int(r->db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 AND starts_on <= ?2"
                       " AND (ends_on IS NULL OR ends_on > ?2)", "ll", r->council_id, today);
    if (t > 0) return t;
    return db_int(r->db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 ORDER BY starts_on DESC LIMIT 1",
                  "l", r->council_id);
}

static Val *option(Arena *a, int64_t id, const char *code, const char *label, const char *selected)
{
    Val *o = val_map(a);
    const char *value = code ? code : arena_printf(a, "%lld", (long long)id);
    val_set_str(o, "value", value);
    val_set_str(o, "label", label);
    val_set_bool(o, "selected", selected && !strcmp(selected, value));
    return o;
}

/* The positions a delegate holds on day, as d.positions [{position, body}]. */
static int positions_val(Req *r, int64_t delegate, int64_t day, Val *d)
{
    Stmt *st = db_prepare(r->db,
        "SELECT cp.name, b.name FROM council_memberships m"
        " JOIN council_bodies b ON b.id = m.body_id JOIN council_positions cp ON cp.id = m.position_id"
        " WHERE m.delegate_id = ?1 AND m.valid_from <= ?2 AND (m.valid_to IS NULL OR m.valid_to > ?2)"
        " ORDER BY cp.rank, b.position");
    if (!st) return -1;
    db_bindf(st, "ll", delegate, day);
    Val *ps = val_list(r->arena);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *p = val_map(r->arena);
        val_set_str(p, "position", db_col_dup(st, 0, r->arena));
        val_set_str(p, "body", db_col_dup(st, 1, r->arena));
        val_push(ps, p);
    }
    db_done(st);
    val_set(d, "positions", ps);
    return rc == DB_DONE ? 0 : -1;
}

/* The delegates of the term with their positions on `day`. */
static int delegates_val(Req *r, int64_t term, int64_t day, const CouncilForm *f, Val *ctx)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT d.id, p.full_name, COALESCE(k.number, 0), d.valid_from, COALESCE(d.valid_to, 0),"
        " COALESCE((SELECT m.full_time FROM delegate_modes m WHERE m.delegate_id = d.id AND m.valid_from <= ?2"
        "   AND (m.valid_to IS NULL OR m.valid_to > ?2) ORDER BY m.valid_from DESC LIMIT 1), 0)"
        " FROM delegates d JOIN persons p ON p.id = d.person_id"
        " LEFT JOIN council_constituencies k ON k.id = d.constituency_id"
        " WHERE d.term_id = ?1 ORDER BY p.name_fold, d.id");
    if (!st) return -1;
    db_bindf(st, "ll", term, day);
    Val *list = val_list(a), *opts = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *d = val_map(a);
        int64_t id = db_col_int(st, 0), to = db_col_int(st, 4);
        const char *name = db_col_dup(st, 1, a);
        val_set_int(d, "id", id);
        val_set_str(d, "name", name);
        if (db_col_int(st, 2) > 0) val_set_int(d, "constituency", db_col_int(st, 2));
        val_set_str(d, "from", page_date_text(a, db_col_int(st, 3)));
        if (to) val_set_str(d, "to", page_date_text(a, to - 86400));
        int serving = db_col_int(st, 3) <= day && (to == 0 || to > day);
        val_set_bool(d, "serving", serving);
        val_set_bool(d, "full_time", serving && db_col_int(st, 5));
        val_set_str(d, "end_url", arena_printf(a, "/quan-tri/hoi-dong/%lld/dai-bieu/%lld/ket-thuc",
                                               (long long)r->council_id, (long long)id));
        if (positions_val(r, id, day, d) != 0) { rc = DB_ERROR; break; }
        val_push(list, d);
        if (!to) val_push(opts, option(a, id, NULL, name, f ? f->delegate : NULL));
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(ctx, "delegates", list);
    val_set_bool(ctx, "has_delegates", val_len(list) > 0);
    val_set_int(ctx, "delegate_count", val_len(list));
    val_set(ctx, "delegate_options", opts);
    return 0;
}

static int council_render(Req *r, int status, const CouncilForm *f, const char *notice)
{
    Arena *a = r->arena;
    int64_t day = vn_day_start(r->now);
    int64_t term = admin_council_term(r, req_int(r, "khoa", 0, 0, INT64_MAX));
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    val_set_int(ctx, "council_id", r->council_id);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    char *slug = db_text(r->db, a, "SELECT u.slug FROM councils c JOIN units u ON u.id = c.unit_id WHERE c.id = ?1",
                         "l", r->council_id);
    if (slug) val_set_str(ctx, "public_url", arena_printf(a, "/hoi-dong/%s", slug));
    val_set_bool(ctx, "can_edit", r->council_scope == STAFF_WRITE);
    val_set_str(ctx, "base", arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)r->council_id));
    if (notice) val_set_str(ctx, "notice", notice);

    /* Terms, for the selector. */
    Val *terms = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT id, label, starts_on, COALESCE(ends_on, 0), seats FROM council_terms"
                                 " WHERE council_id = ?1 ORDER BY starts_on DESC");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *t = val_map(a);
        int64_t id = db_col_int(st, 0);
        val_set_int(t, "id", id);
        val_set_str(t, "label", db_col_dup(st, 1, a));
        val_set_bool(t, "current", id == term);
        if (id == term) {
            val_set_str(ctx, "term_label", db_col_dup(st, 1, a));
            val_set_int(ctx, "term_id", id);
            val_set_int(ctx, "seats", db_col_int(st, 4));
        }
        val_push(terms, t);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "terms", terms);
    val_set_bool(ctx, "many_terms", val_len(terms) > 1);

    if (term > 0) {
        if (delegates_val(r, term, day, f, ctx) != 0) return reply_error(r, 500, NULL);
        Val *bodies = val_list(a);
        st = db_prepare(r->db, "SELECT id, name FROM council_bodies WHERE term_id = ?1"
                               " ORDER BY CASE kind WHEN 'standing' THEN 0 WHEN 'committee' THEN 1"
                               " WHEN 'group' THEN 2 ELSE 3 END, position, id");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, term);
        while ((rc = db_step(st)) == DB_ROW)
            val_push(bodies, option(a, db_col_int(st, 0), NULL, db_col_dup(st, 1, a), f ? f->body : NULL));
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set(ctx, "body_options", bodies);
        Val *positions = val_list(a);
        st = db_prepare(r->db, "SELECT code, name, body_kind FROM council_positions"
                               " ORDER BY CASE body_kind WHEN 'standing' THEN 0 WHEN 'committee' THEN 1"
                               " WHEN 'group' THEN 2 ELSE 3 END, rank");
        if (!st) return reply_error(r, 500, NULL);
        while ((rc = db_step(st)) == DB_ROW) {
            const char *code = db_col_dup(st, 0, a);
            val_push(positions, option(a, 0, code, db_col_dup(st, 1, a), f ? f->position : NULL));
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set(ctx, "position_options", positions);
    }
    if (f) {
        Val *fv = val_map(a);
        val_set_str(fv, "full_name", page_echo(a, f->full_name));
        val_set_str(fv, "constituency", page_echo(a, f->constituency));
        val_set_str(fv, "from", page_echo(a, f->from));
        val_set_str(fv, "to", page_echo(a, f->to));
        val_set_str(fv, "document", page_echo(a, f->document));
        val_set_bool(fv, "full_time", f->full_time);
        val_set_bool(fv, "by_election", f->how && !strcmp(f->how, "by_election"));
        val_set(ctx, f->which, fv);
        val_set_str(ctx, arena_printf(a, "%s_error", f->which), f->error);
        val_set_str(ctx, "error", f->error);
    }
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    return reply_page(r, status, "admin_council", name ? name : "Hội đồng nhân dân", ctx);
}

/* GET /quan-tri/hoi-dong/:council[?khoa=ID] */
int page_admin_council(Req *r)
{
    const char *ok = req_query(r, "ok");
    const char *notice = !ok ? NULL
                       : !strcmp(ok, "dai-bieu") ? "Đã thêm đại biểu."
                       : !strcmp(ok, "chuc-vu") ? "Đã ghi chức danh."
                       : !strcmp(ok, "ket-thuc") ? "Đã ghi việc thôi làm đại biểu."
                       : !strcmp(ok, "nhap") ? "Đã nhập dữ liệu từ tệp."
                       : NULL;
    return council_render(r, 200, NULL, notice);
}

/* A "d/m/yyyy" form date: 0 and *day, 1 when empty (and optional), -1 bad. */

/* The term/delegate/body named by a form must belong to r->council_id. */
int admin_council_term_here(Req *r, int64_t term)
{
    return db_int(r->db, 0, "SELECT COUNT(*) FROM council_terms WHERE id = ?1 AND council_id = ?2", "ll",
                  term, r->council_id) == 1;
}

static int delegate_here(Req *r, int64_t delegate)
{
    return db_int(r->db, 0, "SELECT COUNT(*) FROM delegates d JOIN council_terms t ON t.id = d.term_id"
                            " WHERE d.id = ?1 AND t.council_id = ?2", "ll", delegate, r->council_id) == 1;
}

static int body_here(Req *r, int64_t body)
{
    return db_int(r->db, 0, "SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                            " WHERE b.id = ?1 AND t.council_id = ?2", "ll", body, r->council_id) == 1;
}

/* Run a council.c writer and its audit row in one transaction. */
typedef int (*CouncilWrite)(Req *r, const void *in, int64_t *id, char *err, size_t errlen);

static int write_audited(Req *r, CouncilWrite fn, const void *in, const char *action, const char *object,
                         const char *detail, char *err, size_t errlen)
{
    if (db_begin(r->db) != DB_OK) {
        snprintf(err, errlen, "Không ghi được lúc này, vui lòng thử lại.");
        return -1;
    }
    int64_t id = 0;
    if (fn(r, in, &id, err, errlen) != 0) {
        db_rollback(r->db);
        return -1;
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, action, object, id,
                      detail) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        snprintf(err, errlen, "Không ghi được lúc này, vui lòng thử lại.");
        return -1;
    }
    return 0;
}

typedef struct DelegateIn {
    int64_t term, constituency, from;
    const CouncilForm *f;
} DelegateIn;

static int do_delegate_add(Req *r, const void *p, int64_t *id, char *err, size_t errlen)
{
    (void)r;
    const DelegateIn *in = p;
    return council_delegate_add(r->db, in->term, in->f->full_name, in->constituency, in->from, 0,
                                in->f->full_time, in->f->how, in->f->document ? in->f->document : "", 0, id,
                                err, errlen);
}

/* POST /quan-tri/hoi-dong/:council/dai-bieu - a delegate of the term. */
int page_admin_delegate_add(Req *r)
{
    CouncilForm f = {.which = "delegate", .full_name = req_form(r, "full_name"),
                     .constituency = req_form(r, "constituency"), .from = req_form(r, "from"),
                     .how = req_form(r, "how"), .document = req_form(r, "document"),
                     .full_time = req_form(r, "full_time") != NULL};
    if (!f.how || strcmp(f.how, "by_election")) f.how = "elected";
    DelegateIn in = {.term = req_int(r, "term", 0, 0, INT64_MAX), .f = &f};
    if (!admin_council_term_here(r, in.term)) return reply_error(r, 403, NOT_THIS_COUNCIL);
    char err[512];
    if (page_form_day(f.from, &in.from) != 0) {
        f.error = "Ngày bắt đầu không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 1/7/2026.";
        return council_render(r, 400, &f, NULL);
    }
    if (f.constituency && *f.constituency) {
        int64_t number = req_int(r, "constituency", -1, 1, 100000);
        in.constituency = number > 0 ? db_int(r->db, 0, "SELECT id FROM council_constituencies WHERE term_id = ?1"
                                              " AND number = ?2", "ll", in.term, number) : 0;
        if (in.constituency <= 0) {
            f.error = "Không có đơn vị bầu cử số này trong nhiệm kỳ.";
            return council_render(r, 400, &f, NULL);
        }
    }
    const char *detail = arena_printf(r->arena, "%s", f.full_name ? f.full_name : "");
    if (write_audited(r, do_delegate_add, &in, "council.delegate_add", "delegate", detail, err, sizeof err) != 0) {
        f.error = arena_strdup(r->arena, err);
        return council_render(r, 400, &f, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld?ok=dai-bieu", (long long)r->council_id));
}

typedef struct MembershipIn {
    int64_t delegate, body, from, to;
    const CouncilForm *f;
} MembershipIn;

static int do_membership_add(Req *r, const void *p, int64_t *id, char *err, size_t errlen)
{
    const MembershipIn *in = p;
    return council_membership_add(r->db, in->delegate, in->body, in->f->position, in->from, in->to,
                                  in->f->document ? in->f->document : "", 0, id, err, errlen);
}

/* POST /quan-tri/hoi-dong/:council/chuc-vu - a position in a body. */
int page_admin_membership_add(Req *r)
{
    CouncilForm f = {.which = "membership", .delegate = req_form(r, "delegate"), .body = req_form(r, "body"),
                     .position = req_form(r, "position"), .from = req_form(r, "from"), .to = req_form(r, "to"),
                     .document = req_form(r, "document")};
    MembershipIn in = {.delegate = req_int(r, "delegate", 0, 0, INT64_MAX),
                       .body = req_int(r, "body", 0, 0, INT64_MAX), .f = &f};
    if (!delegate_here(r, in.delegate) || !body_here(r, in.body)) return reply_error(r, 403, NOT_THIS_COUNCIL);
    if (page_form_day(f.from, &in.from) != 0) {
        f.error = "Ngày bắt đầu không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 1/7/2026.";
        return council_render(r, 400, &f, NULL);
    }
    if (page_form_day(f.to, &in.to) < 0) {
        f.error = "Ngày kết thúc không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, hoặc để trống.";
        return council_render(r, 400, &f, NULL);
    }
    /* The form's "to" is the last day held; periods are half-open. */
    if (in.to) in.to += 86400;
    char err[512];
    const char *detail = arena_printf(r->arena, "%s", f.position ? f.position : "");
    if (write_audited(r, do_membership_add, &in, "council.membership_add", "membership", detail, err, sizeof err) != 0) {
        f.error = arena_strdup(r->arena, err);
        return council_render(r, 400, &f, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld?ok=chuc-vu", (long long)r->council_id));
}

typedef struct EndIn {
    int64_t delegate, day;
    const CouncilForm *f;
} EndIn;

static int do_delegate_end(Req *r, const void *p, int64_t *id, char *err, size_t errlen)
{
    const EndIn *in = p;
    *id = in->delegate;
    return council_delegate_end(r->db, in->delegate, in->day, in->f->how,
                                in->f->document ? in->f->document : "", err, errlen);
}

/* POST /quan-tri/hoi-dong/:council/dai-bieu/:id/ket-thuc - the mandate
 * ends on the given day (relieved, recalled, resigned, ended). */
int page_admin_delegate_end(Req *r)
{
    CouncilForm f = {.which = "end", .from = req_form(r, "day"), .how = req_form(r, "how"),
                     .document = req_form(r, "document"), .delegate = r->nargs > 1 ? r->args[1] : NULL};
    EndIn in = {.delegate = page_arg_id(r, 1), .f = &f};
    if (!delegate_here(r, in.delegate)) return reply_error(r, 403, NOT_THIS_COUNCIL);
    if (!f.how) f.how = "";
    if (page_form_day(f.from, &in.day) != 0) {
        f.error = "Ngày thôi làm đại biểu không hợp lệ: hãy nhập theo dạng ngày/tháng/năm.";
        return council_render(r, 400, &f, NULL);
    }
    char err[512];
    if (write_audited(r, do_delegate_end, &in, "council.delegate_end", "delegate", f.how, err, sizeof err) != 0) {
        f.error = arena_strdup(r->arena, err);
        return council_render(r, 400, &f, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld?ok=ket-thuc", (long long)r->council_id));
}
