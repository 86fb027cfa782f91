/* programme.c - programmes, their task trees, progress updates and the
 * roll-up (see programme.h; docs/PROGRAMMES.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "programme.h"
#include "vn.h"
#include "wtx.h"

#define DAY 86400
#define TITLE_MAX 500
#define NOTE_MAX 4000

static char *text(Arena *a, const char *s)
{
    char *c = s ? vn_clean(a, s) : NULL;
    return c && *c ? c : NULL;
}

static const char *date_text(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_date(&b, t);
    return buf_str(&b);
}

/* ------------------------------------------------------------ roll-up */

int prog_rollup(ProgNode *nodes, int n, int64_t today, double *total)
{
    if (total) *total = 0;
    if (n <= 0) return 0;
    int *last = malloc((size_t)n * sizeof *last);
    int *stack = malloc((size_t)n * sizeof *stack);
    int *post = malloc((size_t)n * sizeof *post);
    if (!last || !stack || !post) { free(last), free(stack), free(post); return -1; }
    for (int i = 0; i < n; i++) {
        nodes[i].first_child = nodes[i].next_sibling = -1;
        nodes[i].nchildren = 0;
        last[i] = -1;
    }
    /* children in input order, and the top level as a virtual root's children */
    int root_first = -1, root_last = -1, nroots = 0;
    for (int i = 0; i < n; i++) {
        int p = nodes[i].parent;
        if (p >= n || p == i) { free(last), free(stack), free(post); return -1; }
        if (p < 0) {
            if (root_last < 0) root_first = i; else nodes[root_last].next_sibling = i;
            root_last = i;
            nroots++;
        } else {
            if (last[p] < 0) nodes[p].first_child = i; else nodes[last[p]].next_sibling = i;
            last[p] = i;
            nodes[p].nchildren++;
        }
    }
    /* depth-first from the top level; a node not reached sits on a cycle */
    int sp = 0, np = 0;
    for (int r = root_first; r >= 0; r = nodes[r].next_sibling) {
        nodes[r].depth = 0;
        stack[sp++] = r;
    }
    while (sp > 0) {
        int v = stack[--sp];
        post[np++] = v;
        for (int c = nodes[v].first_child; c >= 0; c = nodes[c].next_sibling) {
            nodes[c].depth = nodes[v].depth + 1;
            stack[sp++] = c;
        }
    }
    free(stack);
    free(last);
    if (np != n) { free(post); return -1; }
    /* Children before parents: post[] lists parents before children, so walk it backwards. */
    for (int k = np - 1; k >= 0; k--) {
        ProgNode *v = &nodes[post[k]];
        if (v->nchildren == 0) {
            v->progress = v->has_own ? v->own : 0;
        } else {
            double given = 0, sum = 0, acc = 0;
            int ngiven = 0;
            for (int c = v->first_child; c >= 0; c = nodes[c].next_sibling)
                if (nodes[c].weight > 0) { given += nodes[c].weight; ngiven++; }
            double implied = ngiven ? given / ngiven : 1.0;
            for (int c = v->first_child; c >= 0; c = nodes[c].next_sibling) {
                nodes[c].weight_implied = !(nodes[c].weight > 0);
                nodes[c].eff_weight = nodes[c].weight > 0 ? nodes[c].weight : implied;
                sum += nodes[c].eff_weight;
            }
            for (int c = v->first_child; c >= 0; c = nodes[c].next_sibling) {
                nodes[c].share = nodes[c].eff_weight / sum;
                acc += nodes[c].share * nodes[c].progress;
            }
            v->progress = acc > 100 ? 100 : acc;
        }
    }
    free(post);
    /* the programme: its top-level nodes under the same rule */
    double given = 0, sum = 0, acc = 0;
    int ngiven = 0;
    for (int r = root_first; r >= 0; r = nodes[r].next_sibling)
        if (nodes[r].weight > 0) { given += nodes[r].weight; ngiven++; }
    double implied = ngiven ? given / ngiven : 1.0;
    for (int r = root_first; r >= 0; r = nodes[r].next_sibling) {
        nodes[r].weight_implied = !(nodes[r].weight > 0);
        nodes[r].eff_weight = nodes[r].weight > 0 ? nodes[r].weight : implied;
        sum += nodes[r].eff_weight;
    }
    for (int r = root_first; r >= 0; r = nodes[r].next_sibling) {
        nodes[r].share = nodes[r].eff_weight / sum;
        acc += nodes[r].share * nodes[r].progress;
    }
    if (total) *total = nroots ? (acc > 100 ? 100 : acc) : 0;
    /* flags on the day */
    for (int i = 0; i < n; i++) {
        ProgNode *v = &nodes[i];
        int64_t end = v->due_on + DAY;
        double span = (double)(end - v->starts_on);
        double line = today <= v->starts_on ? 0 : today >= end ? 100 : 100.0 * (double)(today - v->starts_on) / span;
        v->expected = line;
        v->late = today >= end && v->progress < 100;
        v->at_risk = !v->late && today > v->starts_on && v->progress + PROG_RISK_POINTS < line;
    }
    return 0;
}

/* ------------------------------------------------------------ loading */

typedef struct IdIndex {
    int64_t id;
    int index;
} IdIndex;

static int by_id(const void *x, const void *y)
{
    const IdIndex *a = x, *b = y;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int find_index(const IdIndex *ix, int n, int64_t id)
{
    IdIndex key = {.id = id};
    const IdIndex *hit = bsearch(&key, ix, (size_t)n, sizeof *ix, by_id);
    return hit ? hit->index : -1;
}

/* A leaf's latest update as a percentage of its target. */
static double as_percent(int kind, double target, int has_percent, double percent, int has_value, double value)
{
    if (kind == PT_NUMBER) {
        if (!has_value || !(target > 0)) return has_percent ? percent : 0;
        double p = 100.0 * value / target;
        return p > 100 ? 100 : p < 0 ? 0 : p;
    }
    if (kind == PT_DONE) return has_percent && percent >= 100 ? 100 : 0;
    return has_percent ? (percent > 100 ? 100 : percent < 0 ? 0 : percent) : 0;
}

static int kind_code(const char *s)
{
    return !strcmp(s, "number") ? PT_NUMBER : !strcmp(s, "done") ? PT_DONE : PT_PERCENT;
}

int prog_tree_load(Db *db, Arena *a, int64_t programme_id, int64_t day, ProgTree *out)
{
    memset(out, 0, sizeof *out);
    int n = (int)db_int(db, -1, "SELECT COUNT(*) FROM programme_tasks WHERE programme_id = ?1", "l", programme_id);
    if (n < 0) return -1;
    if (n == 0) return 0;
    out->nodes = arena_alloc(a, (size_t)n * sizeof *out->nodes);
    out->info = arena_alloc(a, (size_t)n * sizeof *out->info);
    out->order = arena_alloc(a, (size_t)n * sizeof *out->order);
    memset(out->nodes, 0, (size_t)n * sizeof *out->nodes);
    memset(out->info, 0, (size_t)n * sizeof *out->info);
    IdIndex *ix = arena_alloc(a, (size_t)n * sizeof *ix);
    int64_t *parent_id = arena_alloc(a, (size_t)n * sizeof *parent_id);
    Stmt *st = db_prepare(db,
        "SELECT t.id, COALESCE(t.parent_id, 0), t.code, t.title, t.starts_on, t.due_on, t.target_kind,"
        " COALESCE(t.target_value, 0), t.target_unit, COALESCE(t.weight, 0), t.owner_council_id,"
        " COALESCE(b.name || ', ', '') || c.name, COALESCE(t.implements_id, 0)"
        " FROM programme_tasks t JOIN councils c ON c.id = t.owner_council_id"
        " LEFT JOIN council_bodies b ON b.id = t.owner_body_id"
        " WHERE t.programme_id = ?1 ORDER BY t.position, t.id");
    if (!st) return -1;
    db_bind_int(st, 1, programme_id);
    int i = 0, rc;
    while (i < n && (rc = db_step(st)) == DB_ROW) {
        ProgNode *v = &out->nodes[i];
        ProgTaskInfo *f = &out->info[i];
        v->id = db_col_int(st, 0);
        parent_id[i] = db_col_int(st, 1);
        f->code = db_col_dup(st, 2, a);
        f->title = db_col_dup(st, 3, a);
        v->starts_on = db_col_int(st, 4);
        v->due_on = db_col_int(st, 5);
        f->target_kind = kind_code(db_col_text(st, 6));
        f->target_value = db_col_double(st, 7);
        f->target_unit = db_col_dup(st, 8, a);
        v->weight = db_col_double(st, 9);
        f->owner_council_id = db_col_int(st, 10);
        f->owner = db_col_dup(st, 11, a);
        f->implements_id = db_col_int(st, 12);
        f->note = "";
        ix[i].id = v->id;
        ix[i].index = i;
        i++;
    }
    db_done(st);
    if (i != n) return -1;
    qsort(ix, (size_t)n, sizeof *ix, by_id);
    for (i = 0; i < n; i++) {
        out->nodes[i].parent = parent_id[i] ? find_index(ix, n, parent_id[i]) : -1;
        if (parent_id[i] && out->nodes[i].parent < 0) { log_error("programme %lld: task %lld has a parent outside it", (long long)programme_id, (long long)out->nodes[i].id); return -1; }
    }
    /* how many tasks of lower plans implement each task (few rows; a
     * correlated count per task would cost a look-up per row) */
    st = db_prepare(db, "SELECT i.implements_id, COUNT(*) FROM programme_tasks i CROSS JOIN programme_tasks t"
                        " WHERE i.implements_id IS NOT NULL AND t.id = i.implements_id AND t.programme_id = ?1"
                        " GROUP BY i.implements_id");   /* links first: CROSS JOIN keeps that order on SQLite */
    if (!st) return -1;
    db_bind_int(st, 1, programme_id);
    while ((rc = db_step(st)) == DB_ROW) {
        int k = find_index(ix, n, db_col_int(st, 0));
        if (k >= 0) out->info[k].implementers = db_col_int(st, 1);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    /* the latest update on or before the day, per task (rows come oldest first) */
    st = db_prepare(db,
        "SELECT u.task_id, u.percent IS NOT NULL, COALESCE(u.percent, 0), u.value IS NOT NULL, COALESCE(u.value, 0),"
        " u.on_day, u.note, u.id FROM programme_updates u JOIN programme_tasks t ON t.id = u.task_id"
        " WHERE t.programme_id = ?1 AND u.on_day <= ?2 ORDER BY u.task_id, u.on_day, u.id");
    if (!st) return -1;
    db_bindf(st, "ll", programme_id, day);
    while ((rc = db_step(st)) == DB_ROW) {
        int k = find_index(ix, n, db_col_int(st, 0));
        if (k < 0) continue;
        ProgNode *v = &out->nodes[k];
        ProgTaskInfo *f = &out->info[k];
        v->has_own = 1;
        v->own = as_percent(f->target_kind, f->target_value, (int)db_col_int(st, 1), db_col_double(st, 2),
                            (int)db_col_int(st, 3), db_col_double(st, 4));
        f->value = db_col_double(st, 4);
        f->last_day = db_col_int(st, 5);
        f->note = db_col_dup(st, 6, a);
        f->last_update_id = db_col_int(st, 7);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    if (prog_rollup(out->nodes, n, day, &out->total) != 0) {
        log_error("programme %lld: the task tree has a cycle", (long long)programme_id);
        return -1;
    }
    /* display order: depth first, children in position order */
    int sp = 0, k = 0;
    int *stack = arena_alloc(a, (size_t)n * sizeof *stack);
    int *kids = arena_alloc(a, (size_t)n * sizeof *kids);
    for (int r = n - 1; r >= 0; r--)
        if (out->nodes[r].parent < 0) stack[sp++] = r;
    while (sp > 0) {
        int v = stack[--sp];
        out->order[k++] = v;
        int m = 0;
        for (int c = out->nodes[v].first_child; c >= 0; c = out->nodes[c].next_sibling) kids[m++] = c;
        while (m > 0) stack[sp++] = kids[--m];
    }
    out->n = n;
    return 0;
}

/* ------------------------------------------------------------ writers */

static int is_ancestor_council(Db *db, int64_t upper, int64_t lower)
{
    int64_t c = lower;
    for (int hops = 0; hops < 16 && c > 0; hops++) {
        c = db_int(db, 0, "SELECT COALESCE(parent_id, 0) FROM councils WHERE id = ?1", "l", c);
        if (c == upper) return 1;
    }
    return 0;
}

int programme_add(Db *db, const ProgrammeIn *in, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    char *title = text(a, in->title);
    const char *kind = in->kind ? in->kind : "plan";
    const char *publish = in->publish ? in->publish : "none";
    if (!title) { wtx_fail(err, errlen, "Thiếu tên chương trình."); goto out; }
    if (strlen(title) > TITLE_MAX) { wtx_fail(err, errlen, "Tên chương trình quá dài (tối đa %d ký tự).", TITLE_MAX); goto out; }
    if (strcmp(kind, "scheme") && strcmp(kind, "plan") && strcmp(kind, "programme")) { wtx_fail(err, errlen, "Loại văn bản không hợp lệ."); goto out; }
    if (strcmp(publish, "none") && strcmp(publish, "groups") && strcmp(publish, "full")) { wtx_fail(err, errlen, "Mức công khai không hợp lệ."); goto out; }
    if (in->starts_on <= 0 || in->ends_on < in->starts_on) { wtx_fail(err, errlen, "Thời gian thực hiện không hợp lệ: ngày kết thúc phải từ ngày bắt đầu trở đi."); goto out; }
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", in->council_id) != 1) { wtx_fail(err, errlen, "Không có Hội đồng nhân dân này."); goto out; }
    const char *slug = in->slug && *in->slug ? in->slug : vn_slug(a, title, 80);
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int64_t have = db_int(db, 0, "SELECT id FROM programmes WHERE slug = ?1", "t", slug);
    if (have > 0) {
        *id = have;   /* idempotent: the demo runs twice */
        ret = wtx_end(db, own, 1, err, errlen);
        goto out;
    }
    int ok = db_exec(db, "INSERT INTO programmes (council_id, kind, number, issuer, title, slug, issued_on, starts_on,"
                         " ends_on, summary, publish, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                     "lttttt" "llltti", in->council_id, kind, in->number ? in->number : "", in->issuer ? in->issuer : "",
                     title, slug, in->issued_on, in->starts_on, in->ends_on + DAY, in->summary ? in->summary : "", publish,
                     in->sample) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    else *id = db_last_id(db);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int programme_goal_add(Db *db, int64_t programme_id, int position, const char *s, int sample, char *err,
                       size_t errlen)
{
    Arena *a = arena_new();
    char *t = text(a, s);
    int ret = -1;
    if (!t) wtx_fail(err, errlen, "Thiếu nội dung mục tiêu.");
    else if (db_int(db, 0, "SELECT COUNT(*) FROM programme_goals WHERE programme_id = ?1 AND text = ?2", "lt",
                    programme_id, t) > 0)
        ret = 0;
    else if (db_exec(db, "INSERT INTO programme_goals (programme_id, position, text, is_sample) VALUES (?1, ?2, ?3, ?4)",
                     "liti", programme_id, position, t, sample) != DB_OK)
        wtx_dberr(db, err, errlen);
    else
        ret = 0;
    arena_free(a);
    return ret;
}

int prog_task_add(Db *db, const ProgTaskIn *in, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    char *title = text(a, in->title);
    const char *kind = in->target_kind ? in->target_kind : "percent";
    if (!title) { wtx_fail(err, errlen, "Thiếu tên nhiệm vụ."); goto out; }
    if (strlen(title) > TITLE_MAX) { wtx_fail(err, errlen, "Tên nhiệm vụ quá dài (tối đa %d ký tự).", TITLE_MAX); goto out; }
    Stmt *st = db_prepare(db, "SELECT council_id, starts_on, ends_on FROM programmes WHERE id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, in->programme_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có chương trình này."); goto out; }
    int64_t pcouncil = db_col_int(st, 0), pfrom = db_col_int(st, 1), pto = db_col_int(st, 2);
    db_done(st);
    if (in->parent_id && db_int(db, 0, "SELECT COUNT(*) FROM programme_tasks WHERE id = ?1 AND programme_id = ?2", "ll",
                                in->parent_id, in->programme_id) != 1) {
        wtx_fail(err, errlen, "Nhiệm vụ cấp trên không thuộc chương trình này.");
        goto out;
    }
    if (in->starts_on <= 0 || in->due_on <= 0) { wtx_fail(err, errlen, "Thiếu ngày bắt đầu hoặc thời hạn."); goto out; }
    if (in->due_on < in->starts_on) { wtx_fail(err, errlen, "Thời hạn phải từ ngày bắt đầu trở đi."); goto out; }
    if (in->starts_on < pfrom || in->due_on >= pto) {
        wtx_fail(err, errlen, "Thời gian của nhiệm vụ phải nằm trong thời gian thực hiện chương trình (%s – %s).",
             date_text(a, pfrom), date_text(a, pto - DAY));
        goto out;
    }
    if (strcmp(kind, "percent") && strcmp(kind, "number") && strcmp(kind, "done")) { wtx_fail(err, errlen, "Loại chỉ tiêu không hợp lệ."); goto out; }
    if (!strcmp(kind, "number") && !(isfinite(in->target_value) && in->target_value > 0)) {
        wtx_fail(err, errlen, "Chỉ tiêu bằng số cần một giá trị lớn hơn 0.");
        goto out;
    }
    if (in->has_weight && !(isfinite(in->weight) && in->weight > 0)) {
        wtx_fail(err, errlen, "Trọng số phải là số lớn hơn 0 (để trống nếu các nhiệm vụ ngang nhau).");
        goto out;
    }
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", in->owner_council_id) != 1) {
        wtx_fail(err, errlen, "Không có Hội đồng nhân dân chủ trì này.");
        goto out;
    }
    if (in->owner_body_id && db_int(db, 0, "SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                                           " WHERE b.id = ?1 AND t.council_id = ?2", "ll", in->owner_body_id,
                                    in->owner_council_id) != 1) {
        wtx_fail(err, errlen, "Cơ quan chủ trì không thuộc Hội đồng nhân dân đã chọn.");
        goto out;
    }
    if (in->implements_id) {
        int64_t up = db_int(db, 0, "SELECT p.council_id FROM programme_tasks t JOIN programmes p ON p.id = t.programme_id"
                                   " WHERE t.id = ?1 AND p.id <> ?2", "ll", in->implements_id, in->programme_id);
        if (up <= 0 || !is_ancestor_council(db, up, pcouncil)) {
            wtx_fail(err, errlen, "Chỉ liên kết được với nhiệm vụ trong chương trình của Hội đồng nhân dân cấp trên.");
            goto out;
        }
    }
    char *code = in->code ? vn_clean(a, in->code) : NULL;
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int64_t have = db_int(db, 0, "SELECT id FROM programme_tasks WHERE programme_id = ?1 AND COALESCE(parent_id, 0) = ?2"
                                 " AND title = ?3", "llt", in->programme_id, in->parent_id, title);
    if (have > 0) {
        *id = have;
        ret = wtx_end(db, own, 1, err, errlen);
        goto out;
    }
    Stmt *ins = db_prepare(db, "INSERT INTO programme_tasks (programme_id, parent_id, position, code, title, owner_council_id,"
                               " owner_body_id, starts_on, due_on, target_kind, target_value, target_unit, weight,"
                               " implements_id, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    if (!ins) { wtx_dberr(db, err, errlen); wtx_end(db, own, 0, err, errlen); goto out; }
    db_bind_int(ins, 1, in->programme_id);
    if (in->parent_id) db_bind_int(ins, 2, in->parent_id); else db_bind_null(ins, 2);
    db_bind_int(ins, 3, in->position);
    db_bind_text(ins, 4, code ? code : "");
    db_bind_text(ins, 5, title);
    db_bind_int(ins, 6, in->owner_council_id);
    if (in->owner_body_id) db_bind_int(ins, 7, in->owner_body_id); else db_bind_null(ins, 7);
    db_bind_int(ins, 8, in->starts_on);
    db_bind_int(ins, 9, in->due_on);
    db_bind_text(ins, 10, kind);
    if (!strcmp(kind, "number")) db_bind_double(ins, 11, in->target_value); else db_bind_null(ins, 11);
    db_bind_text(ins, 12, in->target_unit ? in->target_unit : "");
    if (in->has_weight) db_bind_double(ins, 13, in->weight); else db_bind_null(ins, 13);
    if (in->implements_id) db_bind_int(ins, 14, in->implements_id); else db_bind_null(ins, 14);
    db_bind_int(ins, 15, in->sample);
    int ok = db_step(ins) == DB_DONE;
    db_done(ins);
    if (!ok) wtx_dberr(db, err, errlen);
    else *id = db_last_id(db);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int prog_task_owner_add(Db *db, int64_t task_id, int64_t council_id, int64_t body_id, int sample, char *err,
                        size_t errlen)
{
    if (db_int(db, 0, "SELECT COUNT(*) FROM programme_tasks WHERE id = ?1", "l", task_id) != 1)
        return wtx_fail(err, errlen, "Không có nhiệm vụ này.");
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", council_id) != 1)
        return wtx_fail(err, errlen, "Không có Hội đồng nhân dân này.");
    if (db_int(db, 0, "SELECT COUNT(*) FROM programme_task_owners WHERE task_id = ?1 AND council_id = ?2", "ll",
               task_id, council_id) > 0)
        return 0;
    Stmt *st = db_prepare(db, "INSERT INTO programme_task_owners (task_id, council_id, body_id, is_sample) VALUES (?1, ?2, ?3, ?4)");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, task_id);
    db_bind_int(st, 2, council_id);
    if (body_id) db_bind_int(st, 3, body_id); else db_bind_null(st, 3);
    db_bind_int(st, 4, sample);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    return ok ? 0 : wtx_dberr(db, err, errlen);
}

int prog_task_move(Db *db, int64_t task_id, int64_t new_parent, char *err, size_t errlen)
{
    int64_t prog = db_int(db, 0, "SELECT programme_id FROM programme_tasks WHERE id = ?1", "l", task_id);
    if (prog <= 0) return wtx_fail(err, errlen, "Không có nhiệm vụ này.");
    if (new_parent) {
        if (db_int(db, 0, "SELECT programme_id FROM programme_tasks WHERE id = ?1", "l", new_parent) != prog)
            return wtx_fail(err, errlen, "Nhiệm vụ cấp trên không thuộc chương trình này.");
        /* walk up from the new parent: meeting the task itself would close a cycle */
        int64_t c = new_parent;
        for (int hops = 0; c > 0; hops++) {
            if (c == task_id || hops > 10000)
                return wtx_fail(err, errlen, "Không thể đặt nhiệm vụ dưới chính nó hoặc dưới một nhiệm vụ con của nó.");
            c = db_int(db, 0, "SELECT COALESCE(parent_id, 0) FROM programme_tasks WHERE id = ?1", "l", c);
        }
    }
    Stmt *st = db_prepare(db, "UPDATE programme_tasks SET parent_id = ?2 WHERE id = ?1");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, task_id);
    if (new_parent) db_bind_int(st, 2, new_parent); else db_bind_null(st, 2);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    return ok ? 0 : wtx_dberr(db, err, errlen);
}

int prog_task_owned_by(Db *db, int64_t task_id, int64_t council_id)
{
    return (int)db_int(db, -1, "SELECT COUNT(*) FROM programme_tasks t WHERE t.id = ?1 AND (t.owner_council_id = ?2"
                               " OR EXISTS (SELECT 1 FROM programme_task_owners o WHERE o.task_id = t.id AND o.council_id = ?2))",
                       "ll", task_id, council_id) > 0;
}

int prog_update_add(Db *db, const ProgUpdateIn *in, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    Stmt *st = db_prepare(db, "SELECT t.starts_on, t.target_kind, COALESCE(t.target_value, 0), t.target_unit,"
                              " (SELECT COUNT(*) FROM programme_tasks c WHERE c.parent_id = t.id)"
                              " FROM programme_tasks t WHERE t.id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, in->task_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có nhiệm vụ này."); goto out; }
    int64_t start = db_col_int(st, 0);
    int kind = kind_code(db_col_text(st, 1));
    char *unit = db_col_dup(st, 3, a);
    int64_t children = db_col_int(st, 4);
    db_done(st);
    if (children > 0) {
        wtx_fail(err, errlen, "Tiến độ của nhiệm vụ này được tính từ %lld nhiệm vụ con; hãy cập nhật các nhiệm vụ con.",
             (long long)children);
        goto out;
    }
    if (in->day <= 0) { wtx_fail(err, errlen, "Thiếu ngày cập nhật."); goto out; }
    if (in->day < start) { wtx_fail(err, errlen, "Ngày cập nhật (%s) trước ngày bắt đầu của nhiệm vụ (%s).", date_text(a, in->day), date_text(a, start)); goto out; }
    if (in->today > 0 && in->day > in->today) { wtx_fail(err, errlen, "Ngày cập nhật (%s) chưa đến.", date_text(a, in->day)); goto out; }
    int has_percent = 0, has_value = 0;
    double percent = 0, value = 0;
    if (kind == PT_PERCENT) {
        if (!in->has_percent) { wtx_fail(err, errlen, "Thiếu tỷ lệ hoàn thành (%%)."); goto out; }
        if (!isfinite(in->percent) || in->percent < 0 || in->percent > 100) {
            wtx_fail(err, errlen, "Tỷ lệ hoàn thành phải từ 0 đến 100%%.");
            goto out;
        }
        has_percent = 1, percent = in->percent;
    } else if (kind == PT_NUMBER) {
        if (!in->has_value) { wtx_fail(err, errlen, "Thiếu kết quả đạt được (%s).", *unit ? unit : "số"); goto out; }
        if (!isfinite(in->value) || in->value < 0) { wtx_fail(err, errlen, "Kết quả đạt được phải là số không âm."); goto out; }
        has_value = 1, value = in->value;
    } else {
        has_percent = 1, percent = in->done ? 100 : 0;
    }
    char *note = in->note ? vn_clean(a, in->note) : NULL;
    if (note && strlen(note) > NOTE_MAX) { wtx_fail(err, errlen, "Nội dung cập nhật quá dài (tối đa %d ký tự).", NOTE_MAX); goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    Stmt *ins = db_prepare(db, "INSERT INTO programme_updates (task_id, on_day, percent, value, note, council_id, user_id,"
                               " username, created_at, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!ins) { wtx_dberr(db, err, errlen); wtx_end(db, own, 0, err, errlen); goto out; }
    db_bind_int(ins, 1, in->task_id);
    db_bind_int(ins, 2, in->day);
    if (has_percent) db_bind_double(ins, 3, percent); else db_bind_null(ins, 3);
    if (has_value) db_bind_double(ins, 4, value); else db_bind_null(ins, 4);
    db_bind_text(ins, 5, note ? note : "");
    db_bind_int(ins, 6, in->council_id);
    if (in->user_id) db_bind_int(ins, 7, in->user_id); else db_bind_null(ins, 7);
    db_bind_text(ins, 8, in->username ? in->username : "");
    db_bind_int(ins, 9, in->now);
    db_bind_int(ins, 10, in->sample);
    int ok = db_step(ins) == DB_DONE;
    db_done(ins);
    if (!ok) wtx_dberr(db, err, errlen);
    else if (id) *id = db_last_id(db);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}
