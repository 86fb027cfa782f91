/* petition_report.c - the pre-session report's figures (petition_report.h). */
#include <stdlib.h>
#include <string.h>

#include "petition.h"
#include "petition_report.h"

#define DAY 86400

/* Per-group accumulator: counts and the answer times for the median. */
typedef struct Acc {
    const char *label;
    PetitionCounts c;
    int64_t *days;
    int ndays, cap;
} Acc;

static int cmp64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return a < b ? -1 : a > b;
}

static void add(Arena *ar, Acc *g, const char *status, int64_t forwarded, int64_t deadline, int64_t answered,
                const char *kind, int carried, int re_raised, int64_t reported, int64_t today)
{
    PetitionCounts *c = &g->c;
    c->received++;
    if (forwarded) c->forwarded++;
    else c->not_forwarded++;
    if (answered) {
        c->answered++;
        if (deadline && answered > deadline) c->late++;
        else c->on_time++;
        static const char *const kinds[] = {"resolved", "answered_explained", "scheduled", "not_resolvable"};
        for (int i = 0; i < 4; i++)
            if (kind && !strcmp(kind, kinds[i])) c->kind[i]++;
        if (forwarded) {
            if (g->ndays == g->cap) {
                int cap = g->cap ? g->cap * 2 : 16;
                int64_t *d = arena_alloc(ar, (size_t)cap * sizeof *d);
                if (g->ndays) memcpy(d, g->days, (size_t)g->ndays * sizeof *d);
                g->days = d;
                g->cap = cap;
            }
            g->days[g->ndays++] = (answered - forwarded) / DAY;
        }
    } else if (!strcmp(status, "forwarded") || !strcmp(status, "in_progress")) {
        if (petition_overdue(status, deadline, today)) c->open_overdue++;
        else c->open_in_time++;
    }
    if (carried) c->carried_over++;
    if (re_raised) c->re_raised++;
    if (reported) c->reported++;
}

static void finish(Acc *g)
{
    if (!g->ndays) return;
    qsort(g->days, (size_t)g->ndays, sizeof *g->days, cmp64);
    int n = g->ndays;
    g->c.median_days = n % 2 ? (double)g->days[n / 2] : (g->days[n / 2 - 1] + g->days[n / 2]) / 2.0;
    g->c.has_median = 1;
}

/* The group called label in list (linear: a council has tens of fields and agencies). */
static Acc *group(Arena *a, Acc **list, int *n, int *cap, const char *label)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*list)[i].label, label)) return &(*list)[i];
    if (*n == *cap) {
        int nc = *cap ? *cap * 2 : 16;
        Acc *l = arena_alloc(a, (size_t)nc * sizeof *l);
        if (*n) memcpy(l, *list, (size_t)*n * sizeof *l);
        *list = l;
        *cap = nc;
    }
    Acc *g = &(*list)[(*n)++];
    memset(g, 0, sizeof *g);
    g->label = arena_strdup(a, label);
    return g;
}

static PetitionGroup *groups_out(Arena *a, Acc *l, int n)
{
    PetitionGroup *out = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *out);
    for (int i = 0; i < n; i++) {
        finish(&l[i]);
        out[i].label = l[i].label;
        out[i].c = l[i].c;
    }
    return out;
}

int petition_report(Db *db, Arena *a, int64_t council_id, int64_t session_id, int64_t today, PetitionReport *out)
{
    memset(out, 0, sizeof *out);
    Stmt *st = db_prepare(db, "SELECT c.name, 'Kỳ họp thứ ' || CAST(s.number AS TEXT) || ' – ' || s.title, s.starts_on "
                              "FROM council_sessions s JOIN councils c ON c.id = s.council_id WHERE s.id = ?1 AND s.council_id = ?2");
    if (!st) return -1;
    db_bindf(st, "ll", session_id, council_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->council = db_col_dup(st, 0, a);
        out->session = db_col_dup(st, 1, a);
        out->session_start = db_col_int(st, 2);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? 1 : -1;
    st = db_prepare(db, "SELECT p.status, COALESCE(p.forwarded_on, 0), COALESCE(p.deadline, 0), COALESCE(p.answered_on, 0), "
                        "COALESCE(p.answer_kind, ''), p.carried_over, p.re_raised, COALESCE(p.reported_on, 0), "
                        "COALESCE(f.label, 'Chưa phân loại'), COALESCE(g.name, 'Chưa chuyển cơ quan') "
                        "FROM petitions p LEFT JOIN petition_fields f ON f.id = p.field_id "
                        "LEFT JOIN agencies g ON g.id = p.agency_id AND p.forwarded_on IS NOT NULL "
                        "WHERE p.council_id = ?1 AND p.session_id = ?2 ORDER BY p.id");
    if (!st) return -1;
    db_bindf(st, "ll", council_id, session_id);
    Acc total = {0};
    Acc *fields = NULL, *agencies = NULL;
    int nf = 0, cf = 0, na = 0, ca = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *status = db_col_text(st, 0);
        if (!strcmp(status, "merged")) { out->merged++; continue; }
        int64_t fwd = db_col_int(st, 1), dl = db_col_int(st, 2), ans = db_col_int(st, 3), rep = db_col_int(st, 7);
        const char *kind = db_col_text(st, 4);
        int carried = (int)db_col_int(st, 5), again = (int)db_col_int(st, 6);
        Acc *gf = group(a, &fields, &nf, &cf, db_col_text(st, 8));
        Acc *ga = group(a, &agencies, &na, &ca, db_col_text(st, 9));
        Acc *all[] = {&total, gf, ga};
        for (int i = 0; i < 3; i++) add(a, all[i], status, fwd, dl, ans, kind, carried, again, rep, today);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    finish(&total);
    out->total = total.c;
    out->by_field = groups_out(a, fields, nf);
    out->nfield = nf;
    out->by_agency = groups_out(a, agencies, na);
    out->nagency = na;
    st = db_prepare(db, "SELECT r.status, r.deadline FROM recommendations r JOIN supervisions s ON s.id = r.supervision_id "
                        "WHERE s.council_id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *s = db_col_text(st, 0);
        int64_t dl = db_col_int(st, 1);
        out->rec_total++;
        if (!strcmp(s, "verified")) out->rec_verified++;
        else if (!strcmp(s, "done") || !strcmp(s, "partially_done")) out->rec_done++;
        else {
            out->rec_open++;
            if (dl < today) out->rec_overdue++;
        }
    }
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}
