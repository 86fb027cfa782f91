/* migrate.c - `hoidong migrate`: a SQLite site's data into an empty
 * PostgreSQL database (see migrate.h, docs/POSTGRESQL.md).
 *
 * 1. The source file is opened where the site runs and must be at this
 *    binary's schema version; an online snapshot of it (db_backup, one
 *    read transaction, the site keeps writing) goes into a temp file next
 *    to it (or in $TMPDIR) and everything is read from that snapshot.
 * 2. The target is opened with migrations.  Tables a fresh migration
 *    fills (seed rows: council positions, petition fields, status labels)
 *    may hold exactly those rows; every other copied table must be empty.
 * 3. One transaction on the target: the seed rows are replaced by the
 *    source's, every table is copied in foreign-key order, every column,
 *    each value bound with the type SQLite stored; identity sequences are
 *    moved past the copied ids (db_reset_ids); the search index is rebuilt
 *    through db_fts_put from the source index's original text.
 * 4. Row counts of every table (and of the index) are compared.
 *
 * The source is SQLite by definition, so its catalogue is read here with
 * SQLite's own tables (sqlite_master, pragma_table_info,
 * pragma_foreign_key_list); table and column names are checked to be
 * plain identifiers before they are put into the few statements built
 * per table.  Values are always bound. */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_schema.h"
#include "log.h"
#include "migrate.h"
#include "vn.h"

#define MAX_TABLES 512
#define REDRAW_ROWS 500

typedef struct Col {
    const char *name;
    const char *decl;      /* declared type, as written */
    int blob_ok;           /* declared BLOB or untyped: blobs stay blobs */
} Col;

typedef struct Table {
    const char *name;
    Col *cols;
    int ncols;
    int no_rowid;          /* WITHOUT ROWID: no ORDER BY rowid */
    const char **deps;     /* tables its foreign keys reference */
    int ndeps;
    const char *select_sql, *insert_sql, *count_sql, *delete_sql;
    int64_t src_rows, dst_rows, seed_rows;
    int placed;
} Table;

typedef struct Mig {
    Arena *a;
    Db *src, *snap, *dst, *fresh;
    Table *t;              /* in copy order once sorted */
    int n;
    char snap_path[4096];
    char *err;
    size_t errlen;
    FILE *progress;
    int tty;
} Mig;

volatile sig_atomic_t migrate_interrupted;

static int fail(Mig *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Mig *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->err, m->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Lower-case letters, digits and '_' only: safe between double quotes. */
static int plain_ident(const char *s)
{
    if (!s || !*s || strlen(s) > 63) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) return 0;
    return 1;
}

static int known_version(void)
{
    int n = 0;
    while (db_migrations[n]) n++;
    return n;
}

static int is_postgres_url(const char *s)
{
    return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* The scheme of a URL-ish argument for an error message (never the rest:
 * it may hold a password). */
static const char *scheme_of(Arena *a, const char *s)
{
    const char *c = strchr(s, ':');
    if (!c || c == s || c - s > 20) return "(none)";
    return arena_strndup(a, s, (size_t)(c - s));
}

static void remove_snapshot(Mig *m)
{
    if (!m->snap_path[0]) return;
    static const char *const sfx[] = { "", "-wal", "-shm", "-journal", ".tmp" };
    char p[4200];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(p, sizeof p, "%s%s", m->snap_path, sfx[i]);
        unlink(p);
    }
    m->snap_path[0] = 0;
}

/* A temp file name next to the source, or in $TMPDIR when its directory
 * is not writable. */
static void snapshot_name(Mig *m, const char *file)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", file);
    const char *d = dirname(dir);
    if (access(d, W_OK) != 0) {
        d = getenv("TMPDIR");
        if (!d || !*d) d = "/tmp";
    }
    snprintf(m->snap_path, sizeof m->snap_path, "%s/.hoidong-migrate-%ld.db", d, (long)getpid());
}

/* ---- the source's catalogue ---- */

static int load_columns(Mig *m, Table *t)
{
    Stmt *st = db_prepare(m->snap, "SELECT name, type FROM pragma_table_info(?1) ORDER BY cid");
    if (!st || db_bind_text(st, 1, t->name) != DB_OK) {
        db_done(st);
        return fail(m, "cannot read the columns of %s: %s", t->name, db_errmsg(m->snap));
    }
    int cap = 16;
    t->cols = arena_alloc(m->a, sizeof *t->cols * (size_t)cap);
    while (db_step(st) == DB_ROW) {
        if (t->ncols == cap) {
            Col *n = arena_alloc(m->a, sizeof *n * (size_t)cap * 2);
            memcpy(n, t->cols, sizeof *n * (size_t)cap);
            t->cols = n;
            cap *= 2;
        }
        Col *c = &t->cols[t->ncols++];
        c->name = db_col_dup(st, 0, m->a);
        c->decl = db_col_dup(st, 1, m->a);
        if (!c->decl) c->decl = "";
        c->blob_ok = !*c->decl || strcasestr(c->decl, "BLOB") != NULL;
    }
    db_done(st);
    if (t->ncols == 0) return fail(m, "table %s has no columns", t->name);
    for (int i = 0; i < t->ncols; i++)
        if (!plain_ident(t->cols[i].name))
            return fail(m, "table %s: column name \"%s\" is not a plain identifier", t->name,
                        t->cols[i].name ? t->cols[i].name : "");
    return 0;
}

static int load_deps(Mig *m, Table *t)
{
    Stmt *st = db_prepare(m->snap, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)");
    if (!st || db_bind_text(st, 1, t->name) != DB_OK) {
        db_done(st);
        return fail(m, "cannot read the foreign keys of %s: %s", t->name, db_errmsg(m->snap));
    }
    t->deps = arena_alloc(m->a, sizeof *t->deps * 64);
    while (db_step(st) == DB_ROW && t->ndeps < 64) {
        const char *d = db_col_dup(st, 0, m->a);
        if (d && strcmp(d, t->name) != 0) t->deps[t->ndeps++] = d;
    }
    db_done(st);
    return 0;
}

/* The statements for one table, built from checked identifiers. */
static void build_sql(Mig *m, Table *t)
{
    Buf cols, params;
    buf_init(&cols, m->a);
    buf_init(&params, m->a);
    for (int i = 0; i < t->ncols; i++) {
        buf_printf(&cols, "%s\"%s\"", i ? ", " : "", t->cols[i].name);
        buf_printf(&params, "%s?%d", i ? ", " : "", i + 1);
    }
    t->select_sql = arena_printf(m->a, "SELECT %s FROM \"%s\"%s", buf_str(&cols), t->name,
                                 t->no_rowid ? "" : " ORDER BY rowid");
    t->insert_sql = arena_printf(m->a, "INSERT INTO \"%s\" (%s) VALUES (%s)", t->name, buf_str(&cols),
                                 buf_str(&params));
    t->count_sql = arena_printf(m->a, "SELECT count(*) FROM \"%s\"", t->name);
    t->delete_sql = arena_printf(m->a, "DELETE FROM \"%s\"", t->name);
}

/* Skipped: SQLite's own tables, the schema version (the target has its
 * own), FTS5 tables and their shadow tables (the index is rebuilt), and
 * shared_* (per-cluster ephemeral state). */
static int load_tables(Mig *m)
{
    const char *names[MAX_TABLES], *sqls[MAX_TABLES];
    int n = 0;
    Stmt *st = db_prepare(m->snap, "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
    if (!st) return fail(m, "cannot read the source's tables: %s", db_errmsg(m->snap));
    while (db_step(st) == DB_ROW) {
        if (n == MAX_TABLES) {
            db_done(st);
            return fail(m, "the source has more than %d tables", MAX_TABLES);
        }
        names[n] = db_col_dup(st, 0, m->a);
        sqls[n] = db_col_dup(st, 1, m->a);
        if (!names[n]) names[n] = "";
        if (!sqls[n]) sqls[n] = "";
        n++;
    }
    db_done(st);
    m->t = arena_alloc(m->a, sizeof *m->t * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        const char *name = names[i];
        if (!strncmp(name, "sqlite_", 7) || !strcmp(name, "schema_version") || !strncmp(name, "shared_", 7))
            continue;
        if (!strncasecmp(sqls[i], "CREATE VIRTUAL TABLE", 20)) continue;
        int shadow = 0;
        for (int j = 0; j < n && !shadow; j++) {
            size_t l = strlen(names[j]);
            shadow = j != i && !strncasecmp(sqls[j], "CREATE VIRTUAL TABLE", 20) &&
                     !strncmp(name, names[j], l) && name[l] == '_';
        }
        if (shadow) continue;
        if (!plain_ident(name)) return fail(m, "table name \"%s\" is not a plain identifier", name);
        Table *t = &m->t[m->n++];
        t->name = name;
        t->no_rowid = strcasestr(sqls[i], "WITHOUT ROWID") != NULL;
        if (load_columns(m, t) || load_deps(m, t)) return -1;
        build_sql(m, t);
    }
    return 0;
}

static Table *find_table(Mig *m, const char *name)
{
    for (int i = 0; i < m->n; i++)
        if (!strcmp(m->t[i].name, name)) return &m->t[i];
    return NULL;
}

/* Order the tables so each comes after the tables it references, keeping
 * the creation order otherwise.  References inside a table (a parent_id)
 * are satisfied by copying in rowid order: a parent is created first. */
static int sort_tables(Mig *m)
{
    Table *sorted = arena_alloc(m->a, sizeof *sorted * (size_t)(m->n ? m->n : 1));
    for (int k = 0; k < m->n; k++) {
        int pick = -1;
        for (int i = 0; i < m->n && pick < 0; i++) {
            Table *t = &m->t[i];
            if (t->placed) continue;
            int ready = 1;
            for (int d = 0; d < t->ndeps && ready; d++) {
                Table *dep = find_table(m, t->deps[d]);
                if (dep && !dep->placed) ready = 0;
            }
            if (ready) pick = i;
        }
        if (pick < 0) {
            for (int i = 0; i < m->n; i++)
                if (!m->t[i].placed) return fail(m, "foreign keys form a cycle through table %s", m->t[i].name);
        }
        m->t[pick].placed = 1;
        sorted[k] = m->t[pick];
    }
    m->t = sorted;
    return 0;
}

/* ---- checks ---- */

/* fresh_target: the target had no schema before this run, so whatever
 * rows it holds now came from its own migrations.  Otherwise the seed rows
 * are counted on a freshly migrated in-memory database. */
static int check_target(Mig *m, int fresh_target)
{
    char ferr[256];
    if (!fresh_target) {
        m->fresh = db_open(":memory:", 1, ferr, sizeof ferr);
        if (!m->fresh) return fail(m, "cannot build the reference schema: %s", ferr);
    }
    for (int i = 0; i < m->n; i++) {
        Table *t = &m->t[i];
        t->src_rows = db_int(m->snap, -1, t->count_sql, NULL);
        if (t->src_rows < 0) return fail(m, "cannot count the rows of %s in the source: %s", t->name, db_errmsg(m->snap));
        t->dst_rows = db_int(m->dst, -1, t->count_sql, NULL);
        if (t->dst_rows < 0)
            return fail(m, "the target has no table %s (%s); is it this hoidong's schema?", t->name, db_errmsg(m->dst));
        t->seed_rows = m->fresh ? db_int(m->fresh, 0, t->count_sql, NULL) : t->dst_rows;
    }
    for (int i = 0; i < m->n; i++) {
        Table *t = &m->t[i];
        if (t->dst_rows == 0 || t->dst_rows == t->seed_rows) continue;
        return fail(m, "the target is not empty: table %s has %lld row%s; migrate copies only into a database "
                       "without content (a new database or schema; do not run `hoidong init` or `demo` on it "
                       "first). Nothing was written",
                    t->name, (long long)t->dst_rows, t->dst_rows == 1 ? "" : "s");
    }
    int64_t idx = db_int(m->dst, -1, "SELECT count(*) FROM search_index", NULL);
    if (idx != 0)
        return fail(m, "the target is not empty: its search index has %lld entries. Nothing was written", (long long)idx);
    return 0;
}

/* ---- copying ---- */

static void draw(Mig *m, const char *name, int64_t done, int64_t total, int final)
{
    if (!m->progress) return;
    int pct = total > 0 ? (int)(done * 100 / total) : 100;
    if (m->tty) {
        fprintf(m->progress, "\r  %-28s %9lld / %-9lld %3d%%", name, (long long)done, (long long)total, pct);
        if (final) fputc('\n', m->progress);
        fflush(m->progress);
    } else if (final) {
        fprintf(m->progress, "  %-28s %9lld / %-9lld %3d%%\n", name, (long long)done, (long long)total, pct);
    }
}

/* Bind column c of the source row to parameter c + 1 of ins. */
static int bind_value(Mig *m, Table *t, Stmt *row, Stmt *ins, int c, int64_t rowno)
{
    switch (db_col_type(row, c)) {
    case DB_T_INT: return db_bind_int(ins, c + 1, db_col_int(row, c));
    case DB_T_REAL: return db_bind_double(ins, c + 1, db_col_double(row, c));
    case DB_T_TEXT: return db_bind_text(ins, c + 1, db_col_text(row, c));
    case DB_T_BLOB: {
        size_t len = 0;
        const void *p = db_col_blob(row, c, &len);
        if (t->cols[c].blob_ok) return db_bind_blob(ins, c + 1, p ? p : "", len);
        /* A blob in a text/number column (SQLite's dynamic typing): the
         * same bytes as text when they are UTF-8, else refused. */
        if (!vn_utf8_valid(p ? p : "", len))
            return fail(m, "table %s, column %s (%s), row %lld: a BLOB that is not UTF-8 text; fix it in the "
                           "source first", t->name, t->cols[c].name, t->cols[c].decl, (long long)rowno);
        return db_bind_text(ins, c + 1, arena_strndup(m->a, p ? p : "", len));
    }
    default: return db_bind_null(ins, c + 1);
    }
}

static int copy_table(Mig *m, Table *t, int64_t *copied)
{
    Stmt *row = db_prepare(m->snap, t->select_sql);
    if (!row) return fail(m, "cannot read %s: %s", t->name, db_errmsg(m->snap));
    int64_t done = 0;
    int rc;
    draw(m, t->name, 0, t->src_rows, 0);
    while ((rc = db_step(row)) == DB_ROW) {
        Stmt *ins = db_prepare(m->dst, t->insert_sql);
        if (!ins) {
            db_done(row);
            return fail(m, "cannot prepare the insert into %s: %s", t->name, db_errmsg(m->dst));
        }
        m->err[0] = 0;
        for (int c = 0; c < t->ncols; c++) {
            if (bind_value(m, t, row, ins, c, done + 1) != DB_OK) {
                db_done(ins);
                db_done(row);
                if (!m->err[0]) fail(m, "table %s: cannot bind column %s", t->name, t->cols[c].name);
                return -1;
            }
        }
        int irc = db_step(ins);
        db_done(ins);
        if (irc != DB_DONE) {
            db_done(row);
            if (m->tty && m->progress) fputc('\n', m->progress);
            return fail(m, "copying table %s, row %lld: %s", t->name, (long long)done + 1, db_errmsg(m->dst));
        }
        done++;
        if (m->tty && done % REDRAW_ROWS == 0) draw(m, t->name, done, t->src_rows, 0);
        if (migrate_interrupted) {
            db_done(row);
            if (m->tty && m->progress) fputc('\n', m->progress);
            return fail(m, "interrupted while copying table %s; the target was rolled back", t->name);
        }
    }
    db_done(row);
    if (rc != DB_DONE) return fail(m, "reading table %s: %s", t->name, db_errmsg(m->snap));
    draw(m, t->name, done, t->src_rows, 1);
    *copied += done;
    if (db_reset_ids(m->dst, t->name) != DB_OK)
        return fail(m, "table %s: cannot move its id sequence: %s", t->name, db_errmsg(m->dst));
    return 0;
}

/* The search index from the source's entries (their original text),
 * through the target's own indexing (db_fts_put folds and stores). */
static int copy_index(Mig *m, int64_t *entries)
{
    int64_t total = db_int(m->snap, 0, "SELECT count(*) FROM search_index", NULL);
    Stmt *st = db_prepare(m->snap, "SELECT kind, ref, title_orig, body_orig FROM search_index");
    if (!st)
        return fail(m, "cannot read the source's search index (an older layout?): %s; open the source once "
                       "with this hoidong (`hoidong --db FILE init`) and try again", db_errmsg(m->snap));
    int64_t done = 0;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (db_fts_put(m->dst, db_col_text(st, 0), db_col_int(st, 1), db_col_text(st, 2), db_col_text(st, 3)) != DB_OK) {
            db_done(st);
            return fail(m, "cannot index %s %lld on the target: %s", db_col_text(st, 0), (long long)db_col_int(st, 1),
                        db_errmsg(m->dst));
        }
        done++;
        if (m->tty && done % REDRAW_ROWS == 0) draw(m, "(search index)", done, total, 0);
    }
    db_done(st);
    if (rc != DB_DONE) return fail(m, "reading the search index: %s", db_errmsg(m->snap));
    draw(m, "(search index)", done, total, 1);
    *entries = done;
    return 0;
}

static int copy_all(Mig *m, int64_t *rows, int64_t *entries)
{
    if (db_begin(m->dst) != DB_OK) return fail(m, "cannot start the transaction on the target: %s", db_errmsg(m->dst));
    /* The migration's seed rows make way for the source's (which began as
     * the same rows and may have been edited since); children first. */
    for (int i = m->n - 1; i >= 0; i--) {
        if (!m->t[i].dst_rows) continue;
        if (db_exec(m->dst, m->t[i].delete_sql, NULL) != DB_OK) {
            fail(m, "cannot clear the seed rows of %s: %s", m->t[i].name, db_errmsg(m->dst));
            goto undo;
        }
    }
    for (int i = 0; i < m->n; i++)
        if (copy_table(m, &m->t[i], rows)) goto undo;
    if (copy_index(m, entries)) goto undo;
    if (db_commit(m->dst) != DB_OK) {
        fail(m, "commit on the target failed: %s", db_errmsg(m->dst));
        goto undo;
    }
    return 0;
undo:
    db_rollback(m->dst);
    return -1;
}

/* Counts after the commit; 0 all equal, 1 some differ (listed). */
static int verify(Mig *m, int64_t entries, FILE *out)
{
    int differ = 0;
    int64_t rows = 0;
    for (int i = 0; i < m->n; i++) {
        Table *t = &m->t[i];
        int64_t s = db_int(m->snap, -1, t->count_sql, NULL), d = db_int(m->dst, -1, t->count_sql, NULL);
        rows += s;
        if (s != d || s < 0) {
            if (m->progress) fprintf(m->progress, "migrate: %s: %lld rows in the source, %lld in the target\n",
                                     t->name, (long long)s, (long long)d);
            differ++;
        }
    }
    int64_t si = db_int(m->snap, -1, "SELECT count(*) FROM search_index", NULL);
    int64_t di = db_int(m->dst, -1, "SELECT count(*) FROM search_index", NULL);
    if (si != di || di != entries) {
        if (m->progress) fprintf(m->progress, "migrate: search index: %lld entries in the source, %lld in the target\n",
                                 (long long)si, (long long)di);
        differ++;
    }
    if (differ) {
        if (m->progress) fprintf(m->progress, "migrate: %d of %d tables differ\n", differ, m->n + 1);
        return 1;
    }
    fprintf(out, "migrate: %d tables, %lld rows, every count equal\n", m->n, (long long)rows);
    fprintf(out, "migrate: search index rebuilt on the target: %lld entries\n", (long long)di);
    fprintf(out, "migrate: attachments were not copied: they stay in the files directory; "
                 "serve the PostgreSQL site with the same --files directory\n");
    return 0;
}

int migrate_run(const char *from, const char *to, FILE *progress, int tty, FILE *out,
                char *err, size_t errlen)
{
    Mig mm = { .err = err, .errlen = errlen, .progress = progress, .tty = tty };
    Mig *m = &mm;
    err[0] = 0;
    m->a = arena_new();
    int rc = -1;
    char oerr[512];
    if (!from || strncmp(from, "sqlite:", 7) != 0) {
        fail(m, "--from: unknown source scheme '%s'; expected sqlite:FILE", from ? scheme_of(m->a, from) : "");
        goto out;
    }
    if (!to || !is_postgres_url(to)) {
        fail(m, "--to: unknown URL scheme '%s'; expected postgresql://... (or postgres://...)",
             to ? scheme_of(m->a, to) : "");
        goto out;
    }
    const char *file = from + 7;
    if (!strncmp(file, "//", 2)) file += 2;     /* sqlite:///abs/path */
    struct stat sb;
    if (!*file) { fail(m, "--from: no file after sqlite:"); goto out; }
    if (stat(file, &sb) != 0) { fail(m, "source %s: %s", file, strerror(errno)); goto out; }
    if (!S_ISREG(sb.st_mode)) { fail(m, "source %s: not a regular file", file); goto out; }

    m->src = db_open(file, 0, oerr, sizeof oerr);
    if (!m->src) { fail(m, "source %s: %s", file, oerr); goto out; }
    int v = db_schema_version(m->src), known = known_version();
    if (v < 0) { fail(m, "source %s: cannot read its schema version: %s", file, db_errmsg(m->src)); goto out; }
    if (v < known) {
        fail(m, "source %s is at schema version %d, this hoidong at %d: upgrade it first "
                "(`hoidong --db %s init` applies the migrations and creates nothing when users exist)",
             file, v, known, file);
        goto out;
    }
    if (v > known) {
        fail(m, "source %s is at schema version %d, newer than this hoidong (%d): use the hoidong the site runs",
             file, v, known);
        goto out;
    }
    snapshot_name(m, file);
    if (db_backup(m->src, m->snap_path, oerr, sizeof oerr) != 0) {
        fail(m, "snapshot of %s into %s: %s", file, m->snap_path, oerr);
        goto out;
    }
    db_close(m->src);
    m->src = NULL;
    m->snap = db_open(m->snap_path, 0, oerr, sizeof oerr);
    if (!m->snap) { fail(m, "cannot open the snapshot %s: %s", m->snap_path, oerr); goto out; }
    if (load_tables(m) || sort_tables(m)) goto out;

    m->dst = db_open(to, 0, oerr, sizeof oerr);
    if (!m->dst) { fail(m, "target: %s", oerr); goto out; }
    int tv = db_schema_version(m->dst);
    db_close(m->dst);
    m->dst = db_open(to, 1, oerr, sizeof oerr);
    if (!m->dst) { fail(m, "target: %s", oerr); goto out; }
    if (check_target(m, tv == 0)) goto out;
    if (progress) fprintf(progress, "migrate: copying %d tables from a snapshot of %s\n", m->n, file);
    int64_t rows = 0, entries = 0;
    if (copy_all(m, &rows, &entries)) goto out;
    rc = verify(m, entries, out);
out:
    db_close(m->src);
    db_close(m->snap);
    db_close(m->dst);
    db_close(m->fresh);
    remove_snapshot(m);
    arena_free(m->a);
    return rc;
}
