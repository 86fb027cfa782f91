/* petition_public.c - the public readers of voters' petitions
 * (petition_public.h; docs/PETITIONS-PUBLIC.md).
 *
 * Every query here names its columns: the sender's name and contact are
 * never among them, so no later change to a template can show them. */
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "petition.h"
#include "petition_public.h"
#include "vn.h"

/* The columns every reader loads, in row_load's order. */
#define ROW_COLS \
    "SELECT p.id, p.text, p.status, COALESCE(f.label, ''), COALESCE(u.name, ''), c.name, COALESCE(ag.name, ''), " \
    "COALESCE(s.number, 0), COALESCE(s.kind, ''), p.received_on, COALESCE(p.forwarded_on, 0), " \
    "COALESCE(p.deadline, 0), COALESCE(p.answered_on, 0), COALESCE(p.reported_on, 0), COALESCE(p.roadmap_due, 0), " \
    "p.published, COALESCE(p.answer_kind, ''), p.answer_text, p.carried_over, p.re_raised "
#define ROW_FROM \
    " FROM petitions p JOIN councils c ON c.id = p.council_id LEFT JOIN petition_fields f ON f.id = p.field_id" \
    " LEFT JOIN units u ON u.id = p.unit_id LEFT JOIN agencies ag ON ag.id = p.agency_id" \
    " LEFT JOIN council_sessions s ON s.id = p.session_id"

/* What the public list holds: answered (any answer kind, or reported back
 * to voters) and published. */
#define LIST_WHERE \
    " WHERE p.published = 1 AND p.status IN ('resolved','answered_explained','scheduled','not_resolvable'," \
    "'reported_to_voters') AND p.answer_kind IS NOT NULL" \
    " AND (?1 = '' OR f.code = ?1) AND (?2 = 0 OR p.unit_id = ?2) AND (?3 = 0 OR p.session_id = ?3)" \
    " AND (?4 = '' OR p.text_fold LIKE ?4 ESCAPE '\\') AND (?5 = '' OR p.text_fold LIKE ?5 ESCAPE '\\')" \
    " AND (?6 = '' OR p.text_fold LIKE ?6 ESCAPE '\\') AND (?7 = '' OR p.text_fold LIKE ?7 ESCAPE '\\')" \
    " AND (?8 = '' OR p.text_fold LIKE ?8 ESCAPE '\\') AND (?9 = '' OR p.text_fold LIKE ?9 ESCAPE '\\')"

static int is_answered(const char *status)
{
    return !strcmp(status, "resolved") || !strcmp(status, "answered_explained") || !strcmp(status, "scheduled") ||
           !strcmp(status, "not_resolvable") || !strcmp(status, "reported_to_voters");
}

static const char *session_text(Arena *a, int64_t number, const char *kind)
{
    if (number <= 0) return "";
    const char *k = !strcmp(kind, "thematic") ? " (chuyên đề)" : !strcmp(kind, "extraordinary") ? " (bất thường)" : "";
    return arena_printf(a, "Kỳ họp thứ %lld%s", (long long)number, k);
}

/* One row of ROW_COLS into p; the answer only when published. */
static void row_load(Db *db, Arena *a, Stmt *st, int64_t day, PetitionPublic *p)
{
    memset(p, 0, sizeof *p);
    p->id = db_col_int(st, 0);
    p->text = db_col_dup(st, 1, a);
    p->status = db_col_dup(st, 2, a);
    p->field = db_col_dup(st, 3, a);
    p->unit = db_col_dup(st, 4, a);
    p->council = db_col_dup(st, 5, a);
    p->agency = db_col_dup(st, 6, a);
    p->session = session_text(a, db_col_int(st, 7), db_col_text(st, 8));
    p->received_on = db_col_int(st, 9);
    p->forwarded_on = db_col_int(st, 10);
    p->deadline = db_col_int(st, 11);
    p->answered_on = db_col_int(st, 12);
    p->reported_on = db_col_int(st, 13);
    int64_t roadmap = db_col_int(st, 14);
    int published = db_col_int(st, 15) == 1;
    const char *kind = db_col_dup(st, 16, a);
    const char *answer = db_col_dup(st, 17, a);
    p->carried_over = db_col_int(st, 18) != 0;
    p->re_raised = db_col_int(st, 19) != 0;
    if (!p->text) p->text = "";
    if (!p->status) p->status = "";
    p->answer_kind = p->answer_label = p->answer_text = "";
    p->overdue = petition_overdue(p->status, p->deadline, day);
    (void)db;
    if (is_answered(p->status) && kind && *kind && published) {
        p->answer_shown = 1;
        p->answer_kind = kind;
        p->answer_text = answer ? answer : "";
        p->roadmap_due = !strcmp(kind, "scheduled") ? roadmap : 0;
    } else if (is_answered(p->status)) {
        p->reported_on = 0;
    }
}

/* The answer's documents of a shown answer.  0 or -1. */
static int row_docs(Db *db, Arena *a, PetitionPublic *p)
{
    p->docs = NULL;
    p->ndocs = 0;
    if (!p->answer_shown) return 0;
    Stmt *st = db_prepare(db, "SELECT pf.file_id, f.size, pf.name, f.mime FROM petition_files pf JOIN files f"
                              " ON f.id = pf.file_id WHERE pf.petition_id = ?1 AND pf.kind = 'answer'"
                              " ORDER BY pf.file_id LIMIT 20");
    if (!st) return -1;
    db_bind_int(st, 1, p->id);
    PetitionDoc *d = arena_alloc(a, 20 * sizeof *d);
    int rc;
    while ((rc = db_step(st)) == DB_ROW && p->ndocs < 20) {
        PetitionDoc *x = &d[p->ndocs++];
        x->file_id = db_col_int(st, 0);
        x->size = db_col_int(st, 1);
        x->name = db_col_dup(st, 2, a);
        x->mime = db_col_dup(st, 3, a);
        if (!x->name) x->name = "";
        if (!x->mime) x->mime = "";
    }
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return -1;
    p->docs = d;
    return 0;
}

/* Labels and documents after the statement is done (each runs its own
 * query).  0 or -1. */
static int row_labels(Db *db, Arena *a, PetitionPublic *p)
{
    if (is_answered(p->status) && !p->answer_shown) p->status_label = PETITION_PUBLIC_PENDING_LABEL;
    else p->status_label = status_label(db, a, "petition", p->status);
    if (p->answer_shown) p->answer_label = status_label(db, a, "petition", p->answer_kind);
    return row_docs(db, a, p);
}

int petition_public_answer_file(Db *db, Arena *a, int64_t petition_id, int64_t file_id, const char **sha256,
                                const char **mime, const char **name)
{
    Stmt *st = db_prepare(db, "SELECT f.sha256, f.mime, pf.name FROM petition_files pf JOIN files f ON f.id = pf.file_id"
                              " JOIN petitions p ON p.id = pf.petition_id WHERE pf.petition_id = ?1 AND pf.file_id = ?2"
                              " AND pf.kind = 'answer' AND p.published = 1 AND p.answer_kind IS NOT NULL"
                              " AND p.status IN ('resolved','answered_explained','scheduled','not_resolvable',"
                              "'reported_to_voters')");
    if (!st) return -1;
    db_bindf(st, "ll", petition_id, file_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *sha256 = db_col_dup(st, 0, a);
        *mime = db_col_dup(st, 1, a);
        *name = db_col_dup(st, 2, a);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int petition_public_lookup(Db *db, Arena *a, const char *code, int64_t day, PetitionPublic *out)
{
    char norm[PETITION_CODE_SIZE];
    /* A malformed code is looked up as "", which no row has: the same
     * query runs whatever was typed. */
    if (petition_code_normalise(code, norm) != 0) norm[0] = 0;
    Stmt *st = db_prepare(db, "SELECT id, status, COALESCE(merged_into, 0) FROM petitions WHERE code = ?1");
    if (!st) return -1;
    db_bind_text(st, 1, norm);
    int rc = db_step(st);
    int64_t id = 0, next = 0;
    int merged = 0;
    if (rc == DB_ROW) {
        id = db_col_int(st, 0);
        merged = !strcmp(db_col_text(st, 1), "merged");
        next = db_col_int(st, 2);
    }
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? 0 : -1;
    /* Follow merges (a kept petition may itself be merged later), bounded. */
    for (int hops = 0; merged && next > 0 && hops < 16; hops++) {
        id = next;
        char *s = db_text(db, a, "SELECT status FROM petitions WHERE id = ?1", "l", id);
        if (!s) return -1;
        next = db_int(db, 0, "SELECT COALESCE(merged_into, 0) FROM petitions WHERE id = ?1", "l", id);
        if (strcmp(s, "merged") != 0) break;
    }
    st = db_prepare(db, ROW_COLS ROW_FROM " WHERE p.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    rc = db_step(st);
    if (rc == DB_ROW) row_load(db, a, st, day, out);
    db_done(st);
    if (rc != DB_ROW) return rc == DB_DONE ? 0 : -1;
    out->merged = merged;
    return row_labels(db, a, out) == 0 ? 1 : -1;
}

char *petition_public_like(Arena *a, const char *word)
{
    Buf b;
    buf_init(&b, a);
    buf_putc(&b, '%');
    for (const char *p = word; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return (char *)buf_str(&b);
}

/* Bind the filter's ?1..?9. */
static void bind_filter(Stmt *st, Arena *a, const PetitionFilter *f)
{
    db_bind_text(st, 1, f->field ? f->field : "");
    db_bind_int(st, 2, f->unit_id > 0 ? f->unit_id : 0);
    db_bind_int(st, 3, f->session_id > 0 ? f->session_id : 0);
    const char *words[PETITION_PUBLIC_MAX_WORDS] = {0};
    int nw = 0;
    if (f->q && *f->q) {
        char *q = vn_fold_a(a, f->q);
        for (char *save = NULL, *w = q ? strtok_r(q, " \t\r\n", &save) : NULL; w && nw < PETITION_PUBLIC_MAX_WORDS;
             w = strtok_r(NULL, " \t\r\n", &save))
            words[nw++] = petition_public_like(a, w);
    }
    for (int i = 0; i < PETITION_PUBLIC_MAX_WORDS; i++) db_bind_text(st, 4 + i, words[i] ? words[i] : "");
}

int petition_public_list(Db *db, Arena *a, const PetitionFilter *f, int64_t day, PetitionPublic **out,
                         size_t *n, int64_t *total)
{
    *out = NULL;
    *n = 0;
    *total = 0;
    Stmt *st = db_prepare(db, "SELECT COUNT(*)" ROW_FROM LIST_WHERE);
    if (!st) return -1;
    bind_filter(st, a, f);
    int rc = db_step(st);
    if (rc == DB_ROW) *total = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_ROW) return -1;
    if (*total == 0 || f->limit <= 0) return 0;
    st = db_prepare(db, ROW_COLS ROW_FROM LIST_WHERE " ORDER BY p.answered_on DESC, p.id DESC LIMIT ?10 OFFSET ?11");
    if (!st) return -1;
    bind_filter(st, a, f);
    db_bind_int(st, 10, f->limit);
    db_bind_int(st, 11, f->offset > 0 ? f->offset : 0);
    size_t cap = (size_t)(f->limit < 200 ? f->limit : 200);
    PetitionPublic *list = arena_alloc(a, cap * sizeof *list);
    while ((rc = db_step(st)) == DB_ROW && *n < cap) row_load(db, a, st, day, &list[(*n)++]);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return -1;
    for (size_t i = 0; i < *n; i++)
        if (row_labels(db, a, &list[i]) != 0) return -1;
    *out = list;
    return 0;
}

/* Options from a query of (id, code, label) rows. */
static int options(Db *db, Arena *a, const char *sql, PetitionOption **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    Stmt *st = db_prepare(db, sql);
    if (!st) return -1;
    size_t cap = 16;
    PetitionOption *o = arena_alloc(a, cap * sizeof *o);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            o = arena_realloc(a, o, cap * sizeof *o, 2 * cap * sizeof *o);
            cap *= 2;
        }
        o[*n].id = db_col_int(st, 0);
        o[*n].code = db_col_dup(st, 1, a);
        o[*n].label = db_col_dup(st, 2, a);
        if (!o[*n].code) o[*n].code = "";
        if (!o[*n].label) o[*n].label = "";
        (*n)++;
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    *out = o;
    return 0;
}

int petition_public_fields(Db *db, Arena *a, PetitionOption **out, size_t *n)
{
    return options(db, a, "SELECT id, code, label FROM petition_fields WHERE active = 1 ORDER BY position, id", out, n);
}

int petition_public_units_used(Db *db, Arena *a, PetitionOption **out, size_t *n)
{
    return options(db, a, "SELECT u.id, u.slug, u.name FROM units u WHERE u.id IN (SELECT p.unit_id FROM petitions p"
                          " WHERE p.published = 1 AND p.answer_kind IS NOT NULL AND p.unit_id IS NOT NULL)"
                          " ORDER BY u.name_fold, u.id", out, n);
}

int petition_public_sessions_used(Db *db, Arena *a, PetitionOption **out, size_t *n)
{
    if (options(db, a, "SELECT s.id, s.kind, c.name, s.number FROM council_sessions s JOIN councils c ON c.id = s.council_id"
                       " WHERE s.id IN (SELECT p.session_id FROM petitions p WHERE p.published = 1"
                       " AND p.answer_kind IS NOT NULL AND p.session_id IS NOT NULL)"
                       " ORDER BY s.starts_on DESC, s.id DESC", out, n) != 0)
        return -1;
    /* "Kỳ họp thứ 5 – Hội đồng nhân dân phường Ba Đình" */
    for (size_t i = 0; i < *n; i++) {
        int64_t num = db_int(db, 0, "SELECT number FROM council_sessions WHERE id = ?1", "l", (*out)[i].id);
        (*out)[i].label = arena_printf(a, "%s – %s", session_text(a, num, (*out)[i].code), (*out)[i].label);
    }
    return 0;
}

/* The top council valid on day and its unit; 1, 0 none, -1 error. */
static int top_council(Db *db, Arena *a, int64_t day, int64_t *id, int64_t *unit, const char **name)
{
    Stmt *st = db_prepare(db, "SELECT id, COALESCE(unit_id, 0), name FROM councils WHERE parent_id IS NULL"
                              " AND valid_from <= ?1 AND (valid_to IS NULL OR valid_to > ?1) ORDER BY id LIMIT 1");
    if (!st) return -1;
    db_bind_int(st, 1, day);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        *unit = db_col_int(st, 1);
        if (name) *name = db_col_dup(st, 2, a);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

#define PLACE_UNITS \
    "SELECT u.id, u.slug, u.name FROM units u WHERE u.level = 'commune' AND u.parent_id = ?1" \
    " AND u.valid_from <= ?2 AND (u.valid_to IS NULL OR u.valid_to > ?2)"

int petition_public_places(Db *db, Arena *a, int64_t day, int64_t *city_id, const char **city_name,
                           PetitionOption **out, size_t *n)
{
    int64_t unit = 0;
    *city_id = 0;
    *city_name = NULL;
    *out = NULL;
    *n = 0;
    int t = top_council(db, a, day, city_id, &unit, city_name);
    if (t <= 0) return t;
    Stmt *st = db_prepare(db, PLACE_UNITS " ORDER BY u.name_fold, u.id");
    if (!st) return -1;
    db_bindf(st, "ll", unit, day);
    size_t cap = 32;
    PetitionOption *o = arena_alloc(a, cap * sizeof *o);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n == cap) {
            o = arena_realloc(a, o, cap * sizeof *o, 2 * cap * sizeof *o);
            cap *= 2;
        }
        o[*n].id = db_col_int(st, 0);
        o[*n].code = db_col_dup(st, 1, a);
        o[*n].label = db_col_dup(st, 2, a);
        (*n)++;
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    *out = o;
    return 0;
}

int petition_public_route(Db *db, int64_t unit_id, int64_t day, int64_t *council_id)
{
    Arena *a = arena_new();
    int64_t top = 0, top_unit = 0;
    int rc = -1;
    if (top_council(db, a, day, &top, &top_unit, NULL) != 1) goto out;
    if (unit_id == 0) {
        *council_id = top;
        rc = 0;
        goto out;
    }
    if (db_int(db, 0, "SELECT COUNT(*) FROM (" PLACE_UNITS " AND u.id = ?3) x", "lll", top_unit, day, unit_id) != 1)
        goto out;
    int64_t c = db_int(db, -1, "SELECT id FROM councils WHERE unit_id = ?1 AND valid_from <= ?2"
                               " AND (valid_to IS NULL OR valid_to > ?2)", "ll", unit_id, day);
    if (c < 0) goto out;
    *council_id = c > 0 ? c : top;
    rc = 0;
out:
    arena_free(a);
    return rc;
}

/* ---- the attachment's type --------------------------------------------- */

/* libmagic handles are not thread-safe: one handle, loaded once, used
 * under a mutex (as store.c does for its own). */
static pthread_once_t magic_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_mu = PTHREAD_MUTEX_INITIALIZER;
static magic_t cookie;

static void magic_init(void)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!m) { log_error("petition: magic_open failed"); return; }
    if (magic_load(m, NULL) != 0) {
        log_error("petition: cannot load the libmagic database: %s", magic_error(m));
        magic_close(m);
        return;
    }
    cookie = m;
}

const char *petition_public_file_type(const char *path)
{
    static const char *const allowed[] = {"application/pdf", "image/jpeg", "image/png"};
    if (!path) return NULL;
    pthread_once(&magic_once, magic_init);
    if (!cookie) return NULL;
    const char *found = NULL;
    pthread_mutex_lock(&magic_mu);
    const char *t = magic_file(cookie, path);
    for (size_t i = 0; t && i < sizeof allowed / sizeof allowed[0]; i++)
        if (!strcmp(t, allowed[i])) found = allowed[i];
    pthread_mutex_unlock(&magic_mu);
    return found;
}
