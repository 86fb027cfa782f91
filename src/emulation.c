/* emulation.c - criteria, scores, ranking and its freezing (see emulation.h;
 * docs/EMULATION.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "emulation.h"
#include "programme.h"
#include "vn.h"
#include "wtx.h"

static int round_open(Db *db, int64_t round_id)
{
    return db_int(db, 0, "SELECT COUNT(*) FROM emulation_rounds WHERE id = ?1 AND status = 'open'", "l", round_id) == 1;
}

int emu_round_add(Db *db, int64_t council_id, int year, const char *title, int64_t campaign_id, int sample,
                  int64_t *id, char *err, size_t errlen)
{
    if (!title || !*title) return wtx_fail(err, errlen, "Thiếu tên đợt thi đua.");
    if (year < 2000 || year > 2100) return wtx_fail(err, errlen, "Năm thi đua không hợp lệ.");
    if (campaign_id && db_int(db, 0, "SELECT COUNT(*) FROM report_campaigns WHERE id = ?1 AND council_id = ?2", "ll",
                              campaign_id, council_id) != 1)
        return wtx_fail(err, errlen, "Đợt báo cáo không do Hội đồng nhân dân tổ chức thi đua mở.");
    int64_t have = db_int(db, 0, "SELECT id FROM emulation_rounds WHERE council_id = ?1 AND year = ?2 AND title = ?3",
                          "lit", council_id, year, title);
    if (have > 0) { *id = have; return 0; }
    Stmt *st = db_prepare(db, "INSERT INTO emulation_rounds (council_id, year, title, campaign_id, is_sample) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, council_id);
    db_bind_int(st, 2, year);
    db_bind_text(st, 3, title);
    if (campaign_id) db_bind_int(st, 4, campaign_id); else db_bind_null(st, 4);
    db_bind_int(st, 5, sample);
    int ok = db_step(st) == DB_DONE;
    db_done(st);
    if (!ok) return wtx_dberr(db, err, errlen);
    *id = db_last_id(db);
    return 0;
}

int emu_criterion_add(Db *db, int64_t round_id, int position, const char *label, double points, const char *rule,
                      const char *field_a, const char *field_b, char *err, size_t errlen)
{
    if (!round_open(db, round_id)) return wtx_fail(err, errlen, "Đợt thi đua đã được phê duyệt: không đổi được tiêu chí.");
    if (!label || !*label) return wtx_fail(err, errlen, "Thiếu tên tiêu chí.");
    if (!(isfinite(points) && points > 0)) return wtx_fail(err, errlen, "Số điểm của tiêu chí phải lớn hơn 0.");
    const char *a = field_a ? field_a : "", *b = field_b ? field_b : "";
    int report = !strncmp(rule ? rule : "", "report_", 7);
    if (!rule || (strcmp(rule, "report_on_time") && strcmp(rule, "report_ratio") && strcmp(rule, "report_relative")
                  && strcmp(rule, "task_progress") && strcmp(rule, "manual")))
        return wtx_fail(err, errlen, "Cách chấm “%s” không hợp lệ.", rule ? rule : "");
    if (report && !db_int(db, 0, "SELECT COALESCE(campaign_id, 0) FROM emulation_rounds WHERE id = ?1", "l", round_id))
        return wtx_fail(err, errlen, "Tiêu chí lấy từ báo cáo cần đợt thi đua gắn với một đợt báo cáo.");
    if ((!strcmp(rule, "report_ratio") && (!*a || !*b)) || (!strcmp(rule, "report_relative") && !*a))
        return wtx_fail(err, errlen, "Tiêu chí “%s” cần mã trường số liệu của báo cáo.", label);
    if (db_int(db, 0, "SELECT COUNT(*) FROM emulation_criteria WHERE round_id = ?1 AND label = ?2", "lt", round_id, label) > 0)
        return 0;
    if (db_exec(db, "INSERT INTO emulation_criteria (round_id, position, label, points, rule, field_a, field_b)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "litdttt", round_id, position, label, points, rule, a, b) != DB_OK)
        return wtx_dberr(db, err, errlen);
    return 0;
}

/* The councils a round ranks: those directly below its organiser today. */
static const char COUNCILS_SQL[] =
    "SELECT c.id, c.name FROM councils c WHERE c.parent_id = ?1 AND c.valid_from <= ?2"
    " AND (c.valid_to IS NULL OR c.valid_to > ?2) ORDER BY c.name, c.id";

int emu_manual_set(Db *db, int64_t criterion_id, int64_t council_id, double score, const char *reason,
                   const char *user, int64_t now, char *err, size_t errlen)
{
    Stmt *st = db_prepare(db, "SELECT c.round_id, c.points, c.rule, c.label, r.council_id FROM emulation_criteria c"
                              " JOIN emulation_rounds r ON r.id = c.round_id WHERE c.id = ?1");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, criterion_id);
    if (db_step(st) != DB_ROW) { db_done(st); return wtx_fail(err, errlen, "Không có tiêu chí này."); }
    int64_t round = db_col_int(st, 0), organiser = db_col_int(st, 4);
    double points = db_col_double(st, 1);
    int manual = !strcmp(db_col_text(st, 2), "manual");
    db_done(st);
    if (!manual) return wtx_fail(err, errlen, "Tiêu chí này được chấm tự động từ số liệu, không chấm tay.");
    if (!round_open(db, round)) return wtx_fail(err, errlen, "Đợt thi đua đã được phê duyệt: kết quả không sửa được nữa.");
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1 AND parent_id = ?2", "ll", council_id, organiser) != 1)
        return wtx_fail(err, errlen, "Hội đồng nhân dân này không thuộc đợt thi đua.");
    if (!isfinite(score) || score < 0 || score > points)
        return wtx_fail(err, errlen, "Điểm phải từ 0 đến %g.", points);
    Arena *a = arena_new();
    char *why = reason ? vn_clean(a, reason) : NULL;
    int ret;
    if (!why || !*why) ret = wtx_fail(err, errlen, "Chấm điểm tay cần ghi lý do.");
    else if (db_exec(db, "DELETE FROM emulation_manual WHERE criterion_id = ?1 AND council_id = ?2", "ll", criterion_id,
                     council_id) != DB_OK
             || db_exec(db, "INSERT INTO emulation_manual (criterion_id, council_id, score, reason, given_by, given_at)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "lldttl", criterion_id, council_id, score, why,
                        user ? user : "", now) != DB_OK)
        ret = wtx_dberr(db, err, errlen);
    else ret = 0;
    arena_free(a);
    return ret;
}

static int by_total(const void *x, const void *y)
{
    const EmuRow *a = x, *b = y;
    double ta = floor(a->total * 100 + 0.5), tb = floor(b->total * 100 + 0.5);
    if (ta != tb) return ta > tb ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int find_row(EmuTable *t, int64_t council)
{
    for (int i = 0; i < t->nrows; i++)
        if (t->rows[i].council_id == council) return i;
    return -1;
}

/* The latest accepted report's number for field `code`, per council. */
static int report_numbers(Db *db, EmuTable *t, const char *code, double *val, int *has)
{
    for (int i = 0; i < t->nrows; i++) has[i] = 0, val[i] = 0;
    Stmt *st = db_prepare(db,
        "SELECT r.council_id, v.num FROM reports r JOIN report_values v ON v.report_id = r.id"
        " JOIN report_fields f ON f.id = v.field_id WHERE r.campaign_id = ?1 AND r.status = 'accepted' AND f.code = ?2"
        " AND v.num IS NOT NULL AND r.version = (SELECT MAX(r2.version) FROM reports r2 WHERE r2.campaign_id = r.campaign_id"
        " AND r2.council_id = r.council_id AND r2.status = 'accepted')");
    if (!st) return -1;
    db_bindf(st, "lt", t->campaign_id, code);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int k = find_row(t, db_col_int(st, 0));
        if (k >= 0) has[k] = 1, val[k] = db_col_double(st, 1);
    }
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

static int compute(Db *db, Arena *a, EmuTable *t, int64_t today)
{
    double *va = arena_alloc(a, (size_t)(t->nrows + 1) * sizeof *va), *vb = arena_alloc(a, (size_t)(t->nrows + 1) * sizeof *vb);
    int *ha = arena_alloc(a, (size_t)(t->nrows + 1) * sizeof *ha), *hb = arena_alloc(a, (size_t)(t->nrows + 1) * sizeof *hb);
    int64_t deadline = t->campaign_id ? db_int(db, 0, "SELECT deadline FROM report_campaigns WHERE id = ?1", "l", t->campaign_id) : 0;
    for (int c = 0; c < t->ncrit; c++) {
        const EmuCriterion *k = &t->crit[c];
        if (!strcmp(k->rule, "report_on_time")) {
            Stmt *st = db_prepare(db, "SELECT council_id, MIN(submitted_at), MAX(status = 'accepted') FROM reports"
                                      " WHERE campaign_id = ?1 AND submitted_at IS NOT NULL GROUP BY council_id");
            if (!st) return -1;
            db_bind_int(st, 1, t->campaign_id);
            while (db_step(st) == DB_ROW) {
                int i = find_row(t, db_col_int(st, 0));
                if (i < 0 || !db_col_int(st, 2)) continue;
                int on_time = vn_day_start(db_col_int(st, 1)) <= deadline;
                t->rows[i].score[c] = k->points * (on_time ? 1.0 : 0.5);
            }
            db_done(st);
        } else if (!strcmp(k->rule, "report_ratio") || !strcmp(k->rule, "report_relative")) {
            if (report_numbers(db, t, k->field_a, va, ha) != 0) return -1;
            int ratio = !strcmp(k->rule, "report_ratio");
            if (ratio && report_numbers(db, t, k->field_b, vb, hb) != 0) return -1;
            double best = 0;
            for (int i = 0; i < t->nrows; i++) if (ha[i] && va[i] > best) best = va[i];
            for (int i = 0; i < t->nrows; i++) {
                double s;
                if (ratio) {
                    if (!ha[i] || !hb[i] || vb[i] <= 0) { t->rows[i].missing[c] = 1; continue; }
                    s = va[i] / vb[i];
                } else {
                    if (!ha[i]) { t->rows[i].missing[c] = 1; continue; }
                    s = best > 0 ? va[i] / best : 0;
                }
                t->rows[i].score[c] = k->points * (s > 1 ? 1 : s < 0 ? 0 : s);
            }
        } else if (!strcmp(k->rule, "task_progress")) {
            double *sum = va;
            int *cnt = ha;
            for (int i = 0; i < t->nrows; i++) sum[i] = 0, cnt[i] = 0;
            Stmt *st = db_prepare(db, "SELECT DISTINCT t.programme_id FROM programme_tasks t JOIN councils c ON c.id = t.owner_council_id"
                                      " WHERE c.parent_id = ?1");
            if (!st) return -1;
            db_bind_int(st, 1, t->council_id);
            int64_t progs[256];
            int np = 0;
            while (np < 256 && db_step(st) == DB_ROW) progs[np++] = db_col_int(st, 0);
            db_done(st);
            for (int p = 0; p < np; p++) {
                ProgTree tree;
                if (prog_tree_load(db, a, progs[p], today, &tree) != 0) return -1;
                for (int n = 0; n < tree.n; n++) {
                    if (tree.nodes[n].nchildren) continue;
                    int i = find_row(t, tree.info[n].owner_council_id);
                    if (i >= 0) sum[i] += tree.nodes[n].progress, cnt[i]++;
                }
            }
            for (int i = 0; i < t->nrows; i++) {
                if (!cnt[i]) { t->rows[i].missing[c] = 1; continue; }
                t->rows[i].score[c] = k->points * sum[i] / cnt[i] / 100.0;
            }
        } else {   /* manual */
            for (int i = 0; i < t->nrows; i++) t->rows[i].missing[c] = 1;
            Stmt *st = db_prepare(db, "SELECT council_id, score, reason FROM emulation_manual WHERE criterion_id = ?1");
            if (!st) return -1;
            db_bind_int(st, 1, k->id);
            while (db_step(st) == DB_ROW) {
                int i = find_row(t, db_col_int(st, 0));
                if (i < 0) continue;
                t->rows[i].missing[c] = 0;
                t->rows[i].score[c] = db_col_double(st, 1);
                t->rows[i].why[c] = db_col_dup(st, 2, a);
            }
            db_done(st);
        }
    }
    return 0;
}

static void rank(EmuTable *t)
{
    for (int i = 0; i < t->nrows; i++) {
        EmuRow *r = &t->rows[i];
        r->total = 0, r->nmissing = 0;
        for (int c = 0; c < t->ncrit; c++) r->total += r->score[c], r->nmissing += r->missing[c];
    }
    qsort(t->rows, (size_t)t->nrows, sizeof *t->rows, by_total);
    for (int i = 0; i < t->nrows; i++)
        t->rows[i].rank = i > 0 && floor(t->rows[i].total * 100 + 0.5) == floor(t->rows[i - 1].total * 100 + 0.5)
                              ? t->rows[i - 1].rank : i + 1;
}

int emu_table(Db *db, Arena *a, int64_t round_id, int64_t today, EmuTable *t)
{
    memset(t, 0, sizeof *t);
    Stmt *st = db_prepare(db, "SELECT council_id, year, title, COALESCE(campaign_id, 0), status = 'approved',"
                              " COALESCE(approved_at, 0), approved_by FROM emulation_rounds WHERE id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, round_id);
    if (db_step(st) != DB_ROW) { db_done(st); return -1; }
    t->round_id = round_id;
    t->council_id = db_col_int(st, 0);
    t->year = (int)db_col_int(st, 1);
    t->title = db_col_dup(st, 2, a);
    t->campaign_id = db_col_int(st, 3);
    t->approved = (int)db_col_int(st, 4);
    t->approved_at = db_col_int(st, 5);
    t->approved_by = db_col_dup(st, 6, a);
    db_done(st);
    t->ncrit = (int)db_int(db, 0, "SELECT COUNT(*) FROM emulation_criteria WHERE round_id = ?1", "l", round_id);
    t->crit = arena_alloc(a, (size_t)(t->ncrit + 1) * sizeof *t->crit);
    st = db_prepare(db, "SELECT id, label, rule, field_a, field_b, points FROM emulation_criteria WHERE round_id = ?1"
                        " ORDER BY position, id");
    if (!st) return -1;
    db_bind_int(st, 1, round_id);
    int c = 0;
    while (c < t->ncrit && db_step(st) == DB_ROW) {
        t->crit[c] = (EmuCriterion){db_col_int(st, 0), db_col_dup(st, 1, a), db_col_dup(st, 2, a), db_col_dup(st, 3, a),
                                    db_col_dup(st, 4, a), db_col_double(st, 5)};
        c++;
    }
    db_done(st);
    /* the rows: the frozen ones once approved, else the councils below today */
    if (t->approved)
        st = db_prepare(db, "SELECT e.council_id, c.name, e.scores, e.rank FROM emulation_results e JOIN councils c"
                            " ON c.id = e.council_id WHERE e.round_id = ?1 ORDER BY e.rank, c.name");
    else
        st = db_prepare(db, COUNCILS_SQL);
    if (!st) return -1;
    if (t->approved) db_bind_int(st, 1, round_id); else db_bindf(st, "ll", t->council_id, today);
    int cap = 256;
    t->rows = arena_alloc(a, (size_t)cap * sizeof *t->rows);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (t->nrows == cap) {
            t->rows = arena_realloc(a, t->rows, (size_t)cap * sizeof *t->rows, (size_t)cap * 2 * sizeof *t->rows);
            cap *= 2;
        }
        EmuRow *r = &t->rows[t->nrows++];
        memset(r, 0, sizeof *r);
        r->council_id = db_col_int(st, 0);
        r->name = db_col_dup(st, 1, a);
        r->score = arena_alloc(a, (size_t)(t->ncrit + 1) * sizeof *r->score);
        r->missing = arena_alloc(a, (size_t)(t->ncrit + 1) * sizeof *r->missing);
        r->why = arena_alloc(a, (size_t)(t->ncrit + 1) * sizeof *r->why);
        for (int k = 0; k < t->ncrit; k++) r->score[k] = 0, r->missing[k] = 0, r->why[k] = "";
        if (t->approved) {
            /* "12.5;x;3;" : points per criterion, x = missing */
            const char *p = db_col_text(st, 2);
            for (int k = 0; k < t->ncrit && *p; k++) {
                if (*p == 'x') r->missing[k] = 1; else r->score[k] = strtod(p, NULL);
                const char *semi = strchr(p, ';');
                p = semi ? semi + 1 : p + strlen(p);
            }
            r->rank = (int)db_col_int(st, 3);
        }
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    if (t->approved) {
        for (int i = 0; i < t->nrows; i++) {
            t->rows[i].total = 0;
            for (int k = 0; k < t->ncrit; k++) t->rows[i].total += t->rows[i].score[k], t->rows[i].nmissing += t->rows[i].missing[k];
        }
        return 0;
    }
    if (compute(db, a, t, today) != 0) return -1;
    rank(t);
    return 0;
}

int emu_approve(Db *db, int64_t round_id, const char *user, int64_t now, char *err, size_t errlen)
{
    if (!round_open(db, round_id)) return wtx_fail(err, errlen, "Đợt thi đua đã được phê duyệt trước đó.");
    Arena *a = arena_new();
    EmuTable t;
    int ret = -1, own = !db_in_transaction(db);
    if (emu_table(db, a, round_id, vn_day_start(now), &t) != 0) { wtx_dberr(db, err, errlen); goto out; }
    if (t.ncrit == 0 || t.nrows == 0) { wtx_fail(err, errlen, "Đợt thi đua chưa có tiêu chí hoặc không có Hội đồng nhân dân nào."); goto out; }
    if (own && db_begin(db) != DB_OK) { wtx_dberr(db, err, errlen); goto out; }
    int ok = 1;
    for (int i = 0; ok && i < t.nrows; i++) {
        Buf s;
        buf_init(&s, a);
        for (int k = 0; k < t.ncrit; k++) {
            if (t.rows[i].missing[k]) buf_puts(&s, "x;");
            else buf_printf(&s, "%.6g;", t.rows[i].score[k]);
        }
        ok = db_exec(db, "INSERT INTO emulation_results (round_id, council_id, rank, total, scores, missing)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "llidti", round_id, t.rows[i].council_id, t.rows[i].rank,
                     floor(t.rows[i].total * 100 + 0.5) / 100, buf_str(&s), t.rows[i].nmissing) == DB_OK;   /* as shown and ranked */
    }
    if (ok) ok = db_exec(db, "UPDATE emulation_rounds SET status = 'approved', approved_at = ?2, approved_by = ?3"
                             " WHERE id = ?1 AND status = 'open'", "llt", round_id, now, user ? user : "") == DB_OK
                 && db_changes(db) == 1;
    if (!ok) wtx_dberr(db, err, errlen);
    if (own) {
        if (ok && db_commit(db) == DB_OK) ret = 0;
        else db_rollback(db);
    } else {
        ret = ok ? 0 : -1;
    }
out:
    arena_free(a);
    return ret;
}
