/* page_programme.c - programmes and their progress (issue 9 items 1-2, 5;
 * docs/PROGRAMMES.md).
 *
 *   GET  /chuong-trinh                       published programmes (public, cacheable)
 *   GET  /chuong-trinh/:slug[?ngay=D]        one programme as of a day: goals,
 *                                            the task tree with rolled-up progress,
 *                                            how each figure was computed, late and
 *                                            at-risk flags (public when published)
 *   GET  /quan-tri/hoi-dong/:council/chuong-trinh
 *                                            the council's tasks with their progress
 *                                            and the update form (reviewer reads)
 *   GET  /quan-tri/hoi-dong/:council/chuong-trinh/:id
 *                                            a programme kept by that council, in
 *                                            full even when not published
 *   POST /quan-tri/hoi-dong/:council/chuong-trinh/viec/:id/tien-do
 *                                            a progress update by the council's staff
 *
 * The server settled sign-in, role and the council's scope before these
 * handlers ran (ROUTE_COUNCIL); what is checked here is that the task
 * belongs to (is owned or co-owned by) the council of the URL. */
#include <math.h>
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
#include "programme.h"
#include "report.h"
#include "staff.h"
#include "tmpl.h"
#include "unit.h"
#include "vn.h"

static const char *pct(Arena *a, double v)
{
    Buf b;
    buf_init(&b, a);
    double r = floor(v * 10 + 0.5) / 10;
    vn_decimal(&b, r, r == floor(r) ? 0 : 1);
    buf_putc(&b, '%');
    return buf_str(&b);
}

static const char *num_text(Arena *a, double v)
{
    Buf b;
    buf_init(&b, a);
    vn_decimal(&b, v, v == floor(v) ? 0 : 1);
    return buf_str(&b);
}

static const char *kind_label(const char *k)
{
    return !strcmp(k, "scheme") ? "Đề án" : !strcmp(k, "plan") ? "Kế hoạch" : "Chương trình";
}

/* "As of" from ?ngay: 0 default (today), 1 explicit, -1 malformed. */
static int as_of(Req *r, int64_t *day)
{
    const char *s = req_query(r, "ngay");
    if (!s || !*s) { *day = vn_day_start(r->now); return 0; }
    return unit_parse_day(s, day) == 0 ? 1 : -1;
}

/* The target of a task as text: "17/20 cuộc giám sát", "Hoàn thành", "88%". */
static const char *target_text(Arena *a, const ProgTaskInfo *f, const ProgNode *v)
{
    if (f->target_kind == PT_NUMBER)
        return arena_printf(a, "%s/%s %s", f->last_day ? num_text(a, f->value) : "0", num_text(a, f->target_value),
                            f->target_unit);
    if (f->target_kind == PT_DONE) return v->progress >= 100 ? "Đã hoàn thành" : "Chưa hoàn thành";
    return pct(a, v->progress);
}

static Val *node_val(Req *r, const ProgTree *t, int i, int show_detail)
{
    Arena *a = r->arena;
    const ProgNode *v = &t->nodes[i];
    const ProgTaskInfo *f = &t->info[i];
    Val *m = val_map(a);
    val_set_int(m, "id", v->id);
    val_set_int(m, "depth", v->depth > 5 ? 5 : v->depth);
    val_set_str(m, "code", f->code);
    val_set_str(m, "title", f->title);
    val_set_str(m, "owner", f->owner);
    val_set_str(m, "from", page_date_text(a, v->starts_on));
    val_set_str(m, "due", page_date_text(a, v->due_on));
    val_set_str(m, "progress", pct(a, v->progress));
    val_set_int(m, "bar", (int64_t)floor(v->progress + 0.5));
    val_set_str(m, "expected", pct(a, v->expected));
    val_set_bool(m, "late", v->late);
    val_set_bool(m, "at_risk", v->at_risk);
    val_set_bool(m, "done", v->progress >= 100);
    val_set_bool(m, "leaf", v->nchildren == 0);
    val_set_str(m, "share", pct(a, v->share * 100));
    val_set_bool(m, "weight_given", !v->weight_implied);
    if (!v->weight_implied) val_set_str(m, "weight", num_text(a, v->weight));
    if (v->nchildren == 0) {
        val_set_str(m, "target", target_text(a, f, v));
        if (f->last_day) {
            val_set_str(m, "last_day", page_date_text(a, f->last_day));
            if (f->note && *f->note) val_set_str(m, "note", f->note);
        }
    } else if (show_detail) {
        /* how the figure was computed: each child's share and progress */
        Val *parts = val_list(a);
        Buf sum;
        buf_init(&sum, a);
        for (int c = v->first_child; c >= 0; c = t->nodes[c].next_sibling) {
            Val *p = val_map(a);
            val_set_str(p, "code", t->info[c].code);
            val_set_str(p, "title", t->info[c].title);
            val_set_str(p, "share", pct(a, t->nodes[c].share * 100));
            val_set_str(p, "progress", pct(a, t->nodes[c].progress));
            val_set_bool(p, "implied", t->nodes[c].weight_implied);
            if (!t->nodes[c].weight_implied) val_set_str(p, "weight", num_text(a, t->nodes[c].weight));
            val_push(parts, p);
            if (sum.len) buf_puts(&sum, " + ");
            buf_printf(&sum, "%s × %s", pct(a, t->nodes[c].share * 100), pct(a, t->nodes[c].progress));
        }
        val_set(m, "parts", parts);
        val_set_str(m, "formula", buf_str(&sum));
    }
    if (f->implementers > 0) val_set_int(m, "implementer_count", f->implementers);
    return m;
}

/* Tasks of lower plans implementing tasks of this programme:
 * [{task_code, code, title, council, progress, url}] */
static int implementers_val(Req *r, int64_t prog, int64_t day, Val *ctx)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT up.code, i.id, i.code, i.title, c.name, p.id, p.slug, p.publish FROM programme_tasks i"
        " JOIN programme_tasks up ON up.id = i.implements_id JOIN programmes p ON p.id = i.programme_id"
        " JOIN councils c ON c.id = p.council_id WHERE up.programme_id = ?1 ORDER BY up.position, up.id, c.name, i.id");
    if (!st) return -1;
    db_bind_int(st, 1, prog);
    Val *list = val_list(a);
    int rc;
    int64_t loaded_prog = 0;
    ProgTree tree = {0};
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        int64_t tid = db_col_int(st, 1), pid = db_col_int(st, 5);
        val_set_str(m, "task_code", db_col_dup(st, 0, a));
        val_set_str(m, "code", db_col_dup(st, 2, a));
        val_set_str(m, "title", db_col_dup(st, 3, a));
        val_set_str(m, "council", db_col_dup(st, 4, a));
        if (strcmp(db_col_text(st, 7), "none") != 0)
            val_set_str(m, "url", arena_printf(a, "/chuong-trinh/%s", db_col_text(st, 6)));
        /* the implementing task's own rolled-up progress, from its own tree
         * (rows come grouped by programme often enough; reload on change) */
        if (pid != loaded_prog) {
            if (prog_tree_load(r->db, a, pid, day, &tree) != 0) { db_done(st); return -1; }
            loaded_prog = pid;
        }
        for (int k = 0; k < tree.n; k++)
            if (tree.nodes[k].id == tid) {
                val_set_str(m, "progress", pct(a, tree.nodes[k].progress));
                val_set_bool(m, "late", tree.nodes[k].late);
            }
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(ctx, "implementers", list);
    val_set_bool(ctx, "has_implementers", val_len(list) > 0);
    return 0;
}

/* The evidence files of the latest updates shown: [{name, url}] on each
 * node Val whose task's latest update has files.  One query per programme. */
static int evidence_val(Req *r, int64_t prog, const ProgTree *t, Val *const *vals)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, "SELECT uf.update_id, uf.file_id, uf.name FROM programme_update_files uf"
                                 " JOIN programme_updates u ON u.id = uf.update_id JOIN programme_tasks k ON k.id = u.task_id"
                                 " WHERE k.programme_id = ?1 ORDER BY uf.update_id, uf.name");
    if (!st) return -1;
    db_bind_int(st, 1, prog);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t uid = db_col_int(st, 0);
        for (int i = 0; i < t->n; i++) {
            if (!vals[i] || t->info[i].last_update_id != uid) continue;
            Val *list = val_get(vals[i], "evidence");
            if (!list) {
                list = val_list(a);
                val_set(vals[i], "evidence", list);
            }
            Val *f = val_map(a);
            val_set_str(f, "name", db_col_dup(st, 2, a));
            val_set_str(f, "url", arena_printf(a, "/chuong-trinh/minh-chung/%lld/%lld", (long long)uid,
                                               (long long)db_col_int(st, 1)));
            val_push(list, f);
        }
    }
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

/* One programme's page (public or staff). */
/* The task form of the staff view: parents, owners, kinds, typed values. */
static int task_form_val(Req *r, int64_t prog, const ProgTree *t, int typed, Val *ctx)
{
    Arena *a = r->arena;
    const char *want_parent = typed ? req_form(r, "parent") : NULL, *want_owner = typed ? req_form(r, "owner") : NULL;
    const char *want_kind = typed ? req_form(r, "target_kind") : NULL;
    Val *parents = val_list(a);
    for (int k = 0; k < t->n; k++) {
        int i = t->order[k];
        Val *o = val_map(a);
        const char *v = arena_printf(a, "%lld", (long long)t->nodes[i].id);
        val_set_str(o, "value", v);
        val_set_str(o, "label", arena_printf(a, "%s%s %s", t->nodes[i].depth ? "– " : "", t->info[i].code, t->info[i].title));
        val_set_bool(o, "selected", want_parent && !strcmp(want_parent, v));
        val_push(parents, o);
    }
    val_set(ctx, "parent_options", parents);
    Val *owners = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT id, name FROM councils WHERE (id = ?1 OR parent_id = ?1) AND valid_from <= ?2"
                                 " AND (valid_to IS NULL OR valid_to > ?2) ORDER BY id <> ?1, name");
    if (!st) return -1;
    db_bindf(st, "ll", r->council_id, vn_day_start(r->now));
    (void)prog;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *o = val_map(a);
        const char *v = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
        val_set_str(o, "value", v);
        val_set_str(o, "label", db_col_dup(st, 1, a));
        val_set_bool(o, "selected", want_owner && !strcmp(want_owner, v));
        val_push(owners, o);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    val_set(ctx, "owner_options", owners);
    static const char *const kinds[][2] = {{"percent", "Tỷ lệ hoàn thành (%)"}, {"number", "Chỉ tiêu bằng số"},
                                           {"done", "Hoàn thành / chưa"}};
    Val *ko = val_list(a);
    for (int i = 0; i < 3; i++) {
        Val *o = val_map(a);
        val_set_str(o, "value", kinds[i][0]);
        val_set_str(o, "label", kinds[i][1]);
        val_set_bool(o, "selected", want_kind && !strcmp(want_kind, kinds[i][0]));
        val_push(ko, o);
    }
    val_set(ctx, "kind_options", ko);
    Val *f = val_map(a);
    static const char *const keys[] = {"code", "title", "from", "due", "target_value", "target_unit", "weight"};
    for (int i = 0; i < 7; i++) val_set_str(f, keys[i], typed ? page_echo(a, req_form(r, keys[i])) : "");
    val_set(ctx, "task", f);
    return 0;
}

static int programme_render_ex(Req *r, int status, int64_t prog, int staff, int explicit_day, int64_t day,
                               const char *error, int typed);

static int programme_render(Req *r, int64_t prog, int staff, int explicit_day, int64_t day)
{
    return programme_render_ex(r, 200, prog, staff, explicit_day, day, NULL, 0);
}

static int programme_render_ex(Req *r, int status, int64_t prog, int staff, int explicit_day, int64_t day,
                               const char *error, int typed)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT p.kind, p.number, p.issuer, p.title, p.slug, COALESCE(p.issued_on, 0), p.starts_on, p.ends_on,"
        " p.summary, p.publish, c.name, COALESCE(u.slug, ''), p.council_id FROM programmes p"
        " JOIN councils c ON c.id = p.council_id LEFT JOIN units u ON u.id = c.unit_id WHERE p.id = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, prog);
    if (db_step(st) != DB_ROW) { db_done(st); return reply_error(r, 404, "Không tìm thấy chương trình này."); }
    Val *ctx = layout_ctx(r);
    const char *publish = db_col_dup(st, 9, a);
    const char *title = db_col_dup(st, 3, a), *slug = db_col_dup(st, 4, a);
    val_set_str(ctx, "kind", kind_label(db_col_text(st, 0)));
    val_set_str(ctx, "number", db_col_dup(st, 1, a));
    val_set_str(ctx, "issuer", db_col_dup(st, 2, a));
    val_set_str(ctx, "title", title);
    if (db_col_int(st, 5)) val_set_str(ctx, "issued", page_date_text(a, db_col_int(st, 5)));
    val_set_str(ctx, "from", page_date_text(a, db_col_int(st, 6)));
    val_set_str(ctx, "to", page_date_text(a, db_col_int(st, 7) - 86400));
    val_set_str(ctx, "summary", db_col_dup(st, 8, a));
    val_set_str(ctx, "council", db_col_dup(st, 10, a));
    if (*db_col_text(st, 11)) val_set_str(ctx, "council_url", arena_printf(a, "/hoi-dong/%s", db_col_text(st, 11)));
    int64_t council = db_col_int(st, 12);
    db_done(st);
    int detail = staff || !strcmp(publish, "full");
    if (!staff && !strcmp(publish, "none")) return reply_error(r, 404, "Không tìm thấy chương trình này.");
    val_set_bool(ctx, "admin", staff);
    val_set_bool(ctx, "detail", detail);
    val_set_bool(ctx, "unpublished", !strcmp(publish, "none"));
    val_set_str(ctx, "day", page_date_text(a, day));
    val_set_str(ctx, "day_input", explicit_day ? page_date_text(a, day) : "");
    val_set_str(ctx, "self", staff ? arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/%lld", (long long)council,
                                                  (long long)prog)
                                   : arena_printf(a, "/chuong-trinh/%s", slug));
    if (staff && strcmp(publish, "none")) val_set_str(ctx, "public_url", arena_printf(a, "/chuong-trinh/%s", slug));

    Val *goals = val_list(a);
    st = db_prepare(r->db, "SELECT text FROM programme_goals WHERE programme_id = ?1 ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, prog);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *g = val_map(a);
        val_set_str(g, "text", db_col_dup(st, 0, a));
        val_push(goals, g);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "goals", goals);
    val_set_bool(ctx, "has_goals", val_len(goals) > 0);

    ProgTree t;
    if (prog_tree_load(r->db, a, prog, day, &t) != 0) return reply_error(r, 500, NULL);
    Val *nodes = val_list(a);
    Val **vals = arena_alloc(a, (size_t)(t.n + 1) * sizeof *vals);
    int leaves = 0, done = 0, late = 0, risk = 0;
    for (int k = 0; k < t.n; k++) {
        int i = t.order[k];
        const ProgNode *v = &t.nodes[i];
        vals[i] = NULL;
        if (v->nchildren == 0) {
            leaves++;
            done += v->progress >= 100;
            late += v->late;
            risk += v->at_risk;
        }
        if (!detail && v->depth > 0) continue;
        vals[i] = node_val(r, &t, i, detail);
        val_push(nodes, vals[i]);
    }
    if (detail && evidence_val(r, prog, &t, vals) != 0) return reply_error(r, 500, NULL);
    val_set(ctx, "nodes", nodes);
    val_set_bool(ctx, "has_nodes", val_len(nodes) > 0);
    val_set_str(ctx, "total", pct(a, t.total));
    val_set_int(ctx, "total_bar", (int64_t)floor(t.total + 0.5));
    val_set_int(ctx, "leaves", leaves);
    val_set_int(ctx, "done_count", done);
    val_set_int(ctx, "late_count", late);
    val_set_int(ctx, "risk_count", risk);
    val_set_str(ctx, "risk_points", num_text(a, PROG_RISK_POINTS));
    if (detail && implementers_val(r, prog, day, ctx) != 0) return reply_error(r, 500, NULL);
    if (staff) {
        int can_edit = r->council_scope == STAFF_WRITE;
        val_set_bool(ctx, "can_edit", can_edit);
        val_set_str(ctx, "task_action", arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/%lld/viec", (long long)council,
                                                     (long long)prog));
        if (error) val_set_str(ctx, "error", error);
        const char *ok = req_query(r, "ok");
        if (ok && !strcmp(ok, "viec")) val_set_str(ctx, "notice", "Đã thêm nhiệm vụ.");
        if (ok && !strcmp(ok, "moi")) val_set_str(ctx, "notice", "Đã tạo chương trình; hãy thêm các nhiệm vụ.");
        if (can_edit && task_form_val(r, prog, &t, typed, ctx) != 0) return reply_error(r, 500, NULL);
    }
    val_set(ctx, "crumbs", val_list(a));
    if (staff) {
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Chương trình, kế hoạch",
                                                    arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh", (long long)council)));
    } else {
        val_push(val_get(ctx, "crumbs"), page_crumb(a, "Chương trình, kế hoạch", "/chuong-trinh"));
        r->cacheable = 1;
    }
    return reply_page(r, status, "programme", title, ctx);
}

/* GET /chuong-trinh - the published programmes with their progress today. */
int page_programmes(Req *r)
{
    Arena *a = r->arena;
    int64_t day = vn_day_start(r->now);
    Stmt *st = db_prepare(r->db,
        "SELECT p.id, p.kind, p.number, p.title, p.slug, p.starts_on, p.ends_on, c.name FROM programmes p"
        " JOIN councils c ON c.id = p.council_id WHERE p.publish <> 'none'"
        " ORDER BY CASE c.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, p.starts_on DESC, p.id");
    if (!st) return reply_error(r, 500, NULL);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        int64_t id = db_col_int(st, 0);
        val_set_str(m, "kind", kind_label(db_col_text(st, 1)));
        val_set_str(m, "number", db_col_dup(st, 2, a));
        val_set_str(m, "title", db_col_dup(st, 3, a));
        val_set_str(m, "url", arena_printf(a, "/chuong-trinh/%s", db_col_text(st, 4)));
        val_set_str(m, "from", page_date_text(a, db_col_int(st, 5)));
        val_set_str(m, "to", page_date_text(a, db_col_int(st, 6) - 86400));
        val_set_str(m, "council", db_col_dup(st, 7, a));
        ProgTree t;
        if (prog_tree_load(r->db, a, id, day, &t) != 0) { rc = DB_ERROR; break; }
        int late = 0;
        for (int i = 0; i < t.n; i++) late += t.nodes[i].nchildren == 0 && t.nodes[i].late;
        val_set_str(m, "progress", pct(a, t.total));
        val_set_int(m, "bar", (int64_t)floor(t.total + 0.5));
        val_set_int(m, "late", late);
        val_push(list, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set(ctx, "programmes", list);
    val_set_bool(ctx, "has_programmes", val_len(list) > 0);
    val_set_str(ctx, "day", page_date_text(a, day));
    r->cacheable = 1;
    return reply_page(r, 200, "programmes", "Chương trình, kế hoạch", ctx);
}

/* GET /chuong-trinh/:slug[?ngay=D] */
int page_programme(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : "";
    int64_t prog = db_int(r->db, 0, "SELECT id FROM programmes WHERE slug = ?1 AND publish <> 'none'", "t", slug);
    if (prog <= 0) return reply_error(r, 404, "Không tìm thấy chương trình này.");
    int64_t day;
    int explicit_day = as_of(r, &day);
    if (explicit_day < 0)
        return reply_error(r, 400, arena_printf(r->arena, "Ngày \"%s\" không hợp lệ. Hãy nhập ngày theo dạng "
                                                          "ngày/tháng/năm, ví dụ 31/12/2025.",
                                                page_echo(r->arena, req_query(r, "ngay"))));
    return programme_render(r, prog, 0, explicit_day, day);
}

/* GET /quan-tri/hoi-dong/:council/chuong-trinh/:id [reviewer; ROUTE_COUNCIL] */
int page_admin_programme(Req *r)
{
    int64_t prog = page_arg_id(r, 1);
    if (prog <= 0 || db_int(r->db, 0, "SELECT council_id FROM programmes WHERE id = ?1", "l", prog) != r->council_id)
        return reply_error(r, 404, "Không tìm thấy chương trình này của Hội đồng nhân dân.");
    int64_t day;
    int explicit_day = as_of(r, &day);
    if (explicit_day < 0) return reply_error(r, 400, "Ngày không hợp lệ. Hãy nhập ngày theo dạng ngày/tháng/năm.");
    return programme_render(r, prog, 1, explicit_day, day);
}

/* ------------------------------------------------------------ staff: tasks */

/* What the update form had, given back after a refusal. */
typedef struct UpdateForm {
    int64_t task;
    const char *day, *percent, *value, *note, *error;
    int done;
    int programme_typed;      /* the "create a programme" form is given back */
} UpdateForm;

static int tasks_render(Req *r, int status, const UpdateForm *f, const char *notice)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    val_set_bool(ctx, "can_edit", r->council_scope == STAFF_WRITE);
    val_set_str(ctx, "base", arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)r->council_id));
    val_set_str(ctx, "today", page_date_text(a, today));
    if (notice) val_set_str(ctx, "notice", notice);
    if (f && f->error) val_set_str(ctx, "error", f->error);
    Val *pf = val_map(a);
    static const char *const pkeys[] = {"number", "issuer", "title", "from", "to"};
    for (int i = 0; i < 5; i++)
        val_set_str(pf, pkeys[i], f && f->programme_typed ? page_echo(a, req_form(r, pkeys[i])) : "");
    val_set(ctx, "prog", pf);

    /* programmes kept by this council */
    Val *kept = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT id, kind, number, title FROM programmes WHERE council_id = ?1 ORDER BY starts_on DESC, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "kind", kind_label(db_col_text(st, 1)));
        val_set_str(m, "number", db_col_dup(st, 2, a));
        val_set_str(m, "title", db_col_dup(st, 3, a));
        val_set_str(m, "url", arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/%lld", (long long)r->council_id,
                                           (long long)db_col_int(st, 0)));
        val_push(kept, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "kept", kept);
    val_set_bool(ctx, "has_kept", val_len(kept) > 0);

    /* the leaves this council owns or co-owns, by programme, with today's figures */
    st = db_prepare(r->db,
        "SELECT DISTINCT t.programme_id FROM programme_tasks t WHERE (t.owner_council_id = ?1 OR EXISTS"
        " (SELECT 1 FROM programme_task_owners o WHERE o.task_id = t.id AND o.council_id = ?1))"
        " AND NOT EXISTS (SELECT 1 FROM programme_tasks c WHERE c.parent_id = t.id) ORDER BY t.programme_id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int64_t progs[256];
    int np = 0;
    while ((rc = db_step(st)) == DB_ROW && np < 256) progs[np++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return reply_error(r, 500, NULL);
    Val *groups = val_list(a);
    int ntasks = 0;
    for (int p = 0; p < np; p++) {
        ProgTree t;
        if (prog_tree_load(r->db, a, progs[p], today, &t) != 0) return reply_error(r, 500, NULL);
        Val *g = val_map(a);
        val_set_str(g, "programme", db_text(r->db, a, "SELECT title FROM programmes WHERE id = ?1", "l", progs[p]));
        Val *tasks = val_list(a);
        for (int k = 0; k < t.n; k++) {
            int i = t.order[k];
            if (t.nodes[i].nchildren) continue;
            if (prog_task_owned_by(r->db, t.nodes[i].id, r->council_id) != 1) continue;
            Val *m = node_val(r, &t, i, 0);
            const ProgTaskInfo *info = &t.info[i];
            val_set_bool(m, "is_percent", info->target_kind == PT_PERCENT);
            val_set_bool(m, "is_number", info->target_kind == PT_NUMBER);
            val_set_bool(m, "is_done", info->target_kind == PT_DONE);
            val_set_str(m, "unit", info->target_unit);
            val_set_str(m, "action", arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/viec/%lld/tien-do",
                                                  (long long)r->council_id, (long long)t.nodes[i].id));
            Val *form = val_map(a);
            int mine = f && f->task == t.nodes[i].id;
            val_set_str(form, "day", mine ? page_echo(a, f->day) : page_date_text(a, today));
            val_set_str(form, "percent", mine ? page_echo(a, f->percent) : "");
            val_set_str(form, "value", mine ? page_echo(a, f->value) : "");
            val_set_str(form, "note", mine ? page_echo(a, f->note) : "");
            val_set_bool(form, "done", mine ? f->done : t.nodes[i].progress >= 100);
            val_set(m, "form", form);
            if (mine && f->error) val_set_str(m, "error", f->error);
            val_push(tasks, m);
            ntasks++;
        }
        val_set(g, "tasks", tasks);
        if (val_len(tasks) > 0) val_push(groups, g);
    }
    val_set(ctx, "groups", groups);
    val_set_bool(ctx, "has_tasks", ntasks > 0);
    val_set_int(ctx, "task_count", ntasks);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "Hội đồng nhân dân",
                                                arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)r->council_id)));
    return reply_page(r, status, "admin_programme_tasks", "Nhiệm vụ và tiến độ", ctx);
}

/* GET /quan-tri/hoi-dong/:council/chuong-trinh [reviewer; ROUTE_COUNCIL] */
int page_admin_programme_tasks(Req *r)
{
    const char *ok = req_query(r, "ok");
    return tasks_render(r, 200, NULL, ok && !strcmp(ok, "tien-do") ? "Đã ghi tiến độ." : NULL);
}

/* A number typed the Vietnamese way or plainly (report_parse_number):
 * 0 and *out, 1 empty, -1 not a number. */
static int parse_number(const char *s, double *out)
{
    if (!s || !*s || strspn(s, " ") == strlen(s)) return 1;
    return report_parse_number(s, out);
}

/* POST /quan-tri/hoi-dong/:council/chuong-trinh/viec/:id/tien-do [editor; ROUTE_COUNCIL]
 * Form: csrf, day, percent | value | done, note. */
int page_admin_programme_update(Req *r)
{
    UpdateForm f = {.task = page_arg_id(r, 1), .day = req_form(r, "day"), .percent = req_form(r, "percent"),
                    .value = req_form(r, "value"), .note = req_form(r, "note"), .done = req_form(r, "done") != NULL};
    int owned = f.task > 0 ? prog_task_owned_by(r->db, f.task, r->council_id) : 0;
    if (owned < 0) return reply_error(r, 500, NULL);
    if (!owned) return reply_error(r, 403, "Nhiệm vụ này không do Hội đồng nhân dân của trang đang mở chủ trì hoặc phối hợp.");
    ProgUpdateIn in = {.task_id = f.task, .council_id = r->council_id, .user_id = r->user->id,
                       .username = r->user->username, .note = f.note, .today = vn_day_start(r->now), .now = r->now,
                       .done = f.done};
    if (!f.day || unit_parse_day(f.day, &in.day) != 0) {
        f.error = "Ngày cập nhật không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/11/2026.";
        return tasks_render(r, 400, &f, NULL);
    }
    int pr = parse_number(f.percent, &in.percent), vr = parse_number(f.value, &in.value);
    if (pr < 0) { f.error = "Tỷ lệ hoàn thành phải là một số, ví dụ 45 hoặc 45,5."; return tasks_render(r, 400, &f, NULL); }
    if (vr < 0) { f.error = "Kết quả đạt được phải là một số, ví dụ 12 hoặc 12,5."; return tasks_render(r, 400, &f, NULL); }
    in.has_percent = pr == 0;
    in.has_value = vr == 0;
    /* evidence (optional): one file, its name checked before anything is stored */
    if (r->body_too_large) { f.error = "Tệp minh chứng quá lớn."; return tasks_render(r, 413, &f, NULL); }
    const Upload *up = req_upload(r, "file");
    const char *fname = NULL;
    if (up && up->size > 0) {
        fname = up->filename ? up->filename : "";
        for (const char *p = fname; *p; p++)
            if (*p == '/' || *p == '\\') fname = p + 1;
        if (!*fname) fname = "minh-chung";
        int bad = !vn_utf8_valid(fname, strlen(fname)) || strlen(fname) > 255;
        for (const unsigned char *p = (const unsigned char *)fname; !bad && *p; p++) bad = *p < 0x20 || *p == 0x7f;
        if (bad) { f.error = "Tên tệp minh chứng không hợp lệ (ký tự điều khiển, không phải UTF-8, hoặc quá dài)."; return tasks_render(r, 400, &f, NULL); }
    }
    char err[512];
    if (db_begin(r->db) != DB_OK) { f.error = "Không ghi được lúc này, vui lòng thử lại."; return tasks_render(r, 503, &f, NULL); }
    int64_t id = 0;
    if (prog_update_add(r->db, &in, &id, err, sizeof err) != 0) {
        db_rollback(r->db);
        f.error = arena_strdup(r->arena, err);
        return tasks_render(r, 400, &f, NULL);
    }
    if (fname) {
        /* the bytes go to the content-addressed store (type by content, size
         * capped); a refusal rolls the update back with it */
        const char *serr = NULL;
        int64_t file_id = store_put(r->db, r->arena, cfg.files_dir, up->path, cfg.max_upload, &serr);
        if (file_id < 0 || db_exec(r->db, "INSERT INTO programme_update_files (update_id, file_id, name) VALUES (?1, ?2, ?3)",
                                   "llt", id, file_id, fname) != DB_OK) {
            db_rollback(r->db);
            f.error = serr ? arena_strdup(r->arena, serr) : "Không ghi được tệp minh chứng, vui lòng thử lại.";
            return tasks_render(r, 400, &f, NULL);
        }
    }
    char *title = db_text(r->db, r->arena, "SELECT title FROM programme_tasks WHERE id = ?1", "l", f.task);
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "programme.progress", "task",
                      f.task, title ? title : "") != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        f.error = "Không ghi được lúc này, vui lòng thử lại.";
        return tasks_render(r, 503, &f, NULL);
    }
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/hoi-dong/%lld/chuong-trinh?ok=tien-do",
                                          (long long)r->council_id));
}

/* GET /chuong-trinh/minh-chung/:update/:file - an evidence file of a
 * programme published in full.  Public. */
int page_programme_evidence(Req *r)
{
    int64_t update = page_arg_id(r, 0), file = page_arg_id(r, 1);
    Stmt *st = db_prepare(r->db, "SELECT fi.sha256, fi.mime, uf.name FROM programme_update_files uf JOIN files fi ON fi.id = uf.file_id"
                                 " JOIN programme_updates u ON u.id = uf.update_id JOIN programme_tasks k ON k.id = u.task_id"
                                 " JOIN programmes p ON p.id = k.programme_id WHERE uf.update_id = ?1 AND uf.file_id = ?2"
                                 " AND p.publish = 'full'");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", update, file);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500, rc == DB_DONE ? "Không có tệp minh chứng này." : NULL);
    }
    const char *sha = db_col_dup(st, 0, r->arena), *mime = db_col_dup(st, 1, r->arena), *name = db_col_dup(st, 2, r->arena);
    db_done(st);
    return reply_file(r, store_path(r->arena, cfg.files_dir, sha), mime, sha, name, 0);
}


/* POST /quan-tri/hoi-dong/:council/chuong-trinh/:id/viec [editor; ROUTE_COUNCIL]
 * Form: csrf, parent (0 = top), code, title, owner (this council or one
 * directly below), from, due, target_kind, target_value, target_unit, weight. */
int page_admin_programme_task_add(Req *r)
{
    Arena *a = r->arena;
    int64_t prog = page_arg_id(r, 1);
    if (prog <= 0 || db_int(r->db, 0, "SELECT council_id FROM programmes WHERE id = ?1", "l", prog) != r->council_id)
        return reply_error(r, 404, "Không tìm thấy chương trình này của Hội đồng nhân dân.");
    int64_t day = vn_day_start(r->now);
    ProgTaskIn in = {.programme_id = prog, .parent_id = req_int(r, "parent", 0, 0, INT64_MAX), .code = req_form(r, "code"),
                     .title = req_form(r, "title"), .owner_council_id = req_int(r, "owner", 0, 0, INT64_MAX),
                     .target_kind = req_form(r, "target_kind"), .target_unit = req_form(r, "target_unit")};
    in.position = (int)db_int(r->db, 0, "SELECT COUNT(*) + 1 FROM programme_tasks WHERE programme_id = ?1", "l", prog);
    if (page_form_day(req_form(r, "from"), &in.starts_on) != 0 || page_form_day(req_form(r, "due"), &in.due_on) != 0)
        return programme_render_ex(r, 400, prog, 1, 0, day, "Ngày bắt đầu và thời hạn cần nhập theo dạng ngày/tháng/năm.", 1);
    double v = 0;
    const char *tv = req_form(r, "target_value"), *w = req_form(r, "weight");
    if (tv && *tv) {
        if (report_parse_number(tv, &v) != 0)
            return programme_render_ex(r, 400, prog, 1, 0, day, "Giá trị chỉ tiêu phải là một số.", 1);
        in.target_value = v;
    }
    if (w && *w) {
        if (report_parse_number(w, &v) != 0)
            return programme_render_ex(r, 400, prog, 1, 0, day, "Trọng số phải là một số lớn hơn 0 (để trống nếu ngang nhau).", 1);
        in.has_weight = 1, in.weight = v;
    }
    if (in.owner_council_id != r->council_id
        && db_int(r->db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1 AND parent_id = ?2", "ll", in.owner_council_id,
                  r->council_id) != 1)
        return programme_render_ex(r, 400, prog, 1, 0, day, "Chỉ giao nhiệm vụ cho Hội đồng nhân dân này hoặc cấp dưới trực tiếp.", 1);
    char err[512];
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (prog_task_add(r->db, &in, &id, err, sizeof err) != 0) {
        db_rollback(r->db);
        return programme_render_ex(r, 400, prog, 1, 0, day, arena_strdup(a, err), 1);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "programme.task_add", "task", id,
                      in.title ? in.title : "") != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/%lld?ok=viec", (long long)r->council_id,
                                          (long long)prog));
}

/* POST /quan-tri/hoi-dong/:council/chuong-trinh/moi [editor; ROUTE_COUNCIL]
 * Form: csrf, kind, number, issuer, title, from, to, publish. */
int page_admin_programme_add(Req *r)
{
    Arena *a = r->arena;
    ProgrammeIn in = {.council_id = r->council_id, .kind = req_form(r, "kind"), .number = req_form(r, "number"),
                      .issuer = req_form(r, "issuer"), .title = req_form(r, "title"), .publish = req_form(r, "publish"),
                      .summary = req_form(r, "summary")};
    UpdateForm none = {.programme_typed = 1};
    if (page_form_day(req_form(r, "from"), &in.starts_on) != 0 || page_form_day(req_form(r, "to"), &in.ends_on) != 0) {
        none.error = "Thời gian thực hiện cần nhập theo dạng ngày/tháng/năm, ví dụ 1/1/2026 – 31/12/2026.";
        return tasks_render(r, 400, &none, NULL);
    }
    in.issued_on = in.starts_on;
    char *title = in.title ? vn_clean(a, in.title) : NULL;
    if (title && *title && db_int(r->db, 0, "SELECT COUNT(*) FROM programmes WHERE slug = ?1", "t", vn_slug(a, title, 80)) > 0) {
        none.error = "Đã có chương trình cùng tên; hãy đặt tên khác.";
        return tasks_render(r, 400, &none, NULL);
    }
    char err[512];
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, NULL);
    if (programme_add(r->db, &in, &id, err, sizeof err) != 0) {
        db_rollback(r->db);
        none.error = arena_strdup(a, err);
        return tasks_render(r, 400, &none, NULL);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "programme.add", "programme", id,
                      title ? title : "") != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, NULL);
    }
    return reply_redirect(r, arena_printf(a, "/quan-tri/hoi-dong/%lld/chuong-trinh/%lld?ok=moi", (long long)r->council_id,
                                          (long long)id));
}
