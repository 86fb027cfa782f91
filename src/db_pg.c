/* db_pg.c - the PostgreSQL backend of the database layer (db.h, db_backend.h),
 * over libpq.  Chosen by db_open() for a postgresql:// or postgres:// URL
 * (libpq's own connection URI syntax; docs/POSTGRESQL.md).
 *
 * One PgDb is one libpq connection used by one thread at a time.  What
 * the SQLite backend gets from the engine, this file provides so callers
 * see the same contract:
 *
 * - ?1..?N become $1..$N outside string literals, quoted identifiers and
 *   comments, once per statement when it is first prepared; statements
 *   are cached per connection keyed by the SQL pointer (text compared too)
 *   and prepared on the server at their first step, when the types of the
 *   bound values are known (see pg_server_prepare for why).
 * - Values travel as text (blobs as binary); rows are read as text and
 *   converted by the col_* helpers, so integers come back as int64 and
 *   booleans as 0/1 the way SQLite returns comparisons.
 * - db_begin is BEGIN plus a transaction-scoped advisory lock: SQLite's
 *   BEGIN IMMEDIATE takes the single writer lock up front, and callers
 *   rely on it (migrate() re-reads the version under it, read-then-write
 *   counters, slugs).  The lock is one cluster-wide key, so transactions
 *   opened with db_begin are serialized exactly as on SQLite, on one node
 *   or several; autocommit statements do not take it.  lock_timeout plays
 *   the part of SQLite's 5 s busy timeout.
 * - Migrations are portable SQL written for SQLite; the DDL translation
 *   (pg_translate_ddl) turns the two things PostgreSQL reads differently
 *   into their PostgreSQL meaning: `INTEGER PRIMARY KEY` (an auto-numbered
 *   64-bit rowid alias on SQLite) and the 64-bit `INTEGER` type itself.
 * - Full-text search: table search_index with two tsvector columns built
 *   from the folded and the lowercased original text, tokenized here by
 *   the same rule as search.c and FTS5's unicode61, and queries translated
 *   from the FTS5 expressions search_parse builds (pg_fts_search).
 * - backup() refuses with a pointer to pg_dump; check() is a connectivity
 *   and consistency check (invalid indexes, readable schema version).
 *
 * Errors are logged once here with the SQL (the values are bound, so the
 * SQL carries no user data) and mapped: SQLSTATE class 23 is
 * DB_CONSTRAINT, 53100 (disk full) DB_FULL, anything else DB_ERROR. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <utf8proc.h>

#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_backend.h"
#include "log.h"
#include "vn.h"

/* Type OIDs (pg_type.dat; fixed since PostgreSQL 7). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25
#define OID_FLOAT8 701

/* The key of the advisory lock that stands for SQLite's writer lock
 * ("hoidong" in ASCII, so it is recognisable in pg_locks). */
#define PG_WRITER_LOCK "6872111105100111"
#define PG_LOCK_TIMEOUT "5s"

typedef struct PgParam {
    Oid type;            /* of the bound value: OID_INT8, OID_FLOAT8, OID_TEXT, OID_BYTEA, 0 NULL */
    char *val;           /* owned copy; NULL for SQL NULL */
    int len;
    int binary;          /* blobs go in binary format */
    char num[32];        /* storage for numbers (val points here) */
} PgParam;

typedef struct PgStmt {
    Stmt base;
    char *sql;           /* copy of the caller's text, to verify cache hits */
    const char *key;     /* the caller's pointer */
    char *pgsql;         /* with $N placeholders and DDL translated */
    char name[24];       /* server-side statement name; "" for a one-off */
    int nparams;
    PgParam *params;
    /* Argument arrays for libpq, nparams each (no VLAs: -Wvla). */
    const char **vals;
    int *lens, *fmts;
    Oid *types;
    int prepared;        /* the named statement exists on the server */
    int in_use, cached;
    PGresult *res;       /* the whole result of the current execution */
    int row, nrows;      /* next row to hand out; rows in res */
    int executed;        /* res belongs to this binding */
    char **decoded;      /* per column: bytea decoded for col_blob/col_text */
    size_t *declen;      /* their lengths */
    int ndecoded;
} PgStmt;

typedef struct PgDb {
    Db base;
    PGconn *c;
    PgStmt **slots;      /* open addressing, capacity a power of two */
    size_t cap, count;
    unsigned next_name;
    int changes;         /* rows of the latest INSERT/UPDATE/DELETE */
    int inserted;        /* an INSERT succeeded: lastval() may be defined */
    char err[512];       /* the latest failure's message */
} PgDb;

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) abort();   /* out of memory: like arena/buf, no recovery */
    return p;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p) abort();
    return p;
}

static int pg_accepts(const char *path)
{
    return strncmp(path, "postgres://", 11) == 0 || strncmp(path, "postgresql://", 13) == 0;
}

/* Keep a one-line copy of msg (libpq messages end in a newline and may
 * carry DETAIL lines) as the connection's errmsg. */
static void set_errmsg(PgDb *db, const char *msg)
{
    snprintf(db->err, sizeof db->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
    size_t n = strcspn(db->err, "\n");
    db->err[n] = 0;
}

/* Map a failed result to a db.h code. */
static int map_state(const char *state)
{
    if (!state) return DB_ERROR;
    if (strncmp(state, "23", 2) == 0) return DB_CONSTRAINT;   /* integrity_constraint_violation */
    if (strcmp(state, "53100") == 0) return DB_FULL;          /* disk_full */
    return DB_ERROR;
}

/* Log one failure with the SQL (first 300 bytes) and return its code.
 * Constraint violations are ordinary outcomes callers handle (a taken
 * user name), so they are only a warning, as in db_sqlite.c. */
static int fail_res(PgDb *db, PGresult *res, const char *what, const char *sql)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    set_errmsg(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->c));
    if (!res || !*db->err) set_errmsg(db, PQerrorMessage(db->c));
    int rc = map_state(state);
    if (rc == DB_CONSTRAINT)
        log_warn("db: %s: %s [%s] in: %.300s", what, db->err, state ? state : "?", sql ? sql : "");
    else
        log_error("db: %s: %s [%s] in: %.300s", what, db->err, state ? state : "?", sql ? sql : "");
    return rc;
}

/* Run parameterless SQL (one or several ;-separated statements) through
 * the simple query protocol.  DB_OK or an error code (logged). */
static int exec_simple(PgDb *db, const char *sql)
{
    PGresult *res = PQexec(db->c, sql);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = DB_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) rc = fail_res(db, res, "exec", sql);
    PQclear(res);
    return rc;
}

/* NOTICEs ("relation already exists, skipping") are not errors; the
 * server sends them only above client_min_messages anyway. */
static void quiet_notice(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static void pg_close(Db *d);

static Db *pg_open(const char *path, char *err, size_t errlen)
{
    PGconn *c = PQconnectdb(path);
    if (!c) {
        snprintf(err, errlen, "cannot connect to PostgreSQL: out of memory");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        /* The message never contains the password (libpq redacts URIs). */
        char msg[400];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c));
        msg[strcspn(msg, "\n")] = 0;
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", msg);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    PgDb *db = xcalloc(1, sizeof *db);
    db->base.ops = &db_pg_ops;
    db->c = c;
    /* Session settings: UTF-8 text both ways; the lock wait of SQLite's
     * busy timeout; times are bound as unix seconds, so the time zone
     * only matters for the server's own log.  plan_cache_mode: a cached
     * statement is planned again for each execution (it is still parsed
     * once).  The generic plan PostgreSQL would otherwise settle on after
     * five runs is costed with the statistics of that moment: a bulk
     * import that starts on empty tables kept a sequential scan for the
     * per-row lookup by folded name and took minutes for 100,000 rows
     * (tests/unit_council_io.c) instead of seconds.  Planning these short
     * statements costs less than the round trip. */
    if (exec_simple(db, "SET client_encoding = 'UTF8'; SET client_min_messages = warning; "
                        "SET lock_timeout = '" PG_LOCK_TIMEOUT "'; SET TimeZone = 'UTC'; "
                        "SET plan_cache_mode = force_custom_plan") != DB_OK) {
        snprintf(err, errlen, "cannot set up the PostgreSQL session: %s", db->err);
        pg_close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void stmt_clear_result(PgStmt *s)
{
    PQclear(s->res);
    s->res = NULL;
    s->row = s->nrows = 0;
    s->executed = 0;
    for (int i = 0; i < s->ndecoded; i++) PQfreemem(s->decoded[i]);
    free(s->decoded);
    free(s->declen);
    s->decoded = NULL;
    s->declen = NULL;
    s->ndecoded = 0;
}

static void stmt_clear_params(PgStmt *s)
{
    for (int i = 0; i < s->nparams; i++) {
        PgParam *p = &s->params[i];
        if (p->val && p->val != p->num) free(p->val);
        memset(p, 0, sizeof *p);
    }
}

static void stmt_free(PgStmt *s)
{
    stmt_clear_result(s);
    stmt_clear_params(s);
    free(s->params);
    free(s->vals);
    free(s->lens);
    free(s->fmts);
    free(s->types);
    free(s->pgsql);
    free(s->sql);
    free(s);
}

static void pg_close(Db *d)
{
    PgDb *db = (PgDb *)d;
    for (size_t i = 0; i < db->cap; i++) {
        PgStmt *s = db->slots[i];
        if (!s) continue;
        if (s->in_use) log_warn("db: statement never released with db_done: %.300s", s->sql);
        stmt_free(s);
    }
    free(db->slots);
    PQfinish(db->c);   /* the server drops the prepared statements with the session */
    free(db);
}

/* ---- SQL translation ---- */

/* Skip a quoted run starting at s[0] (' or "), doubled quotes inside;
 * returns the position after the closing quote (or the end). */
static const char *skip_quoted(const char *s)
{
    char q = *s++;
    for (; *s; s++) {
        if (*s == q) {
            if (s[1] == q) { s++; continue; }
            return s + 1;
        }
    }
    return s;
}

/* Skip a comment at s (-- or / *); returns s unchanged when none starts here. */
static const char *skip_comment(const char *s)
{
    if (s[0] == '-' && s[1] == '-') {
        while (*s && *s != '\n') s++;
        return s;
    }
    if (s[0] == '/' && s[1] == '*') {
        const char *e = strstr(s + 2, "*/");
        return e ? e + 2 : s + strlen(s);
    }
    return s;
}

static int is_ident_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Does word (upper case) start at s as a whole word, case-insensitively? */
static int word_at(const char *start, const char *s, const char *word)
{
    if (s > start && is_ident_char(s[-1])) return 0;
    size_t n = strlen(word);
    if (strncasecmp(s, word, n) != 0) return 0;
    return !is_ident_char(s[n]);
}

/* After whitespace, does the word follow? Returns its end or NULL. */
static const char *word_after(const char *s, const char *word)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
    size_t n = strlen(word);
    if (strncasecmp(s, word, n) != 0 || is_ident_char(s[n])) return NULL;
    return s + n;
}

/* The DDL translation, applied to migrations (exec_script) and to
 * CREATE/ALTER TABLE statements prepared directly.  Outside literals,
 * identifiers in double quotes and comments:
 *   INTEGER PRIMARY KEY -> BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY
 *     (SQLite: an alias of the 64-bit rowid, numbered when no value is
 *     given; BY DEFAULT still accepts the explicit values several tables
 *     give it, such as stats_daily.day or rating_totals.article_id);
 *   INTEGER -> BIGINT (SQLite integers are 64-bit; unix seconds and sizes
 *     must not stop at 2^31);
 *   BLOB -> BYTEA, REAL -> DOUBLE PRECISION (their SQLite meaning).
 * Everything else the shipped migrations use is accepted by PostgreSQL as
 * written (docs/POSTGRESQL.md lists what was checked).  Returns a malloc'd
 * string. */
static char *pg_translate_ddl(const char *sql)
{
    Buf b;
    Arena *a = arena_new();
    buf_init(&b, a);
    const char *s = sql;
    while (*s) {
        const char *e;
        if (*s == '\'' || *s == '"') {
            e = skip_quoted(s);
            buf_append(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if ((e = skip_comment(s)) != s) {
            buf_append(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if (word_at(sql, s, "INTEGER")) {
            const char *p = word_after(s + 7, "PRIMARY");
            const char *k = p ? word_after(p, "KEY") : NULL;
            if (k) {
                buf_puts(&b, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
                s = k;
            } else {
                buf_puts(&b, "BIGINT");
                s += 7;
            }
            continue;
        }
        /* Tables named shared_* hold what the nodes of a cluster share
         * for minutes (verification codes, rate counters, visitors online;
         * db_schema.c migration 15): UNLOGGED, so their writes skip the
         * WAL and a commit touching only them does not wait for the disk.
         * PostgreSQL empties them after a crash, which loses nothing that
         * matters (src/shared.h). */
        const char *tb = word_at(sql, s, "CREATE") ? word_after(s + 6, "TABLE") : NULL;
        if (tb) {
            const char *id = tb;
            while (*id == ' ' || *id == '\n' || *id == '\t') id++;
            if (!strncmp(id, "shared_", 7)) {
                buf_puts(&b, "CREATE UNLOGGED TABLE");
                s = tb;
                continue;
            }
        }
        if (word_at(sql, s, "BLOB")) {
            buf_puts(&b, "BYTEA");
            s += 4;
            continue;
        }
        if (word_at(sql, s, "REAL")) {
            buf_puts(&b, "DOUBLE PRECISION");
            s += 4;
            continue;
        }
        buf_putc(&b, *s++);
    }
    char *out = xstrdup(buf_str(&b));
    arena_free(a);
    return out;
}

/* Is this statement DDL that the translation applies to? */
static int is_table_ddl(const char *sql)
{
    const char *s = sql;
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') s++;
    const char *p = word_after(s, "CREATE");
    if (!p) p = word_after(s, "ALTER");
    if (!p) return 0;
    const char *q = word_after(p, "TABLE");
    if (!q) q = word_after(p, "TEMP");
    if (!q) q = word_after(p, "TEMPORARY");
    return q != NULL;
}

/* Rewrite ?N (and a bare ?, numbered after the highest so far, as SQLite
 * does) to $N outside literals, quoted identifiers and comments.  Sets
 * *nparams to the highest number.  Returns a malloc'd string, or NULL
 * for a number out of range (logged). */
static char *pg_rewrite_params(const char *sql, int *nparams)
{
    Buf b;
    Arena *a = arena_new();
    buf_init(&b, a);
    int maxn = 0;
    const char *s = sql;
    while (*s) {
        const char *e;
        if (*s == '\'' || *s == '"') {
            e = skip_quoted(s);
            buf_append(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if ((e = skip_comment(s)) != s) {
            buf_append(&b, s, (size_t)(e - s));
            s = e;
            continue;
        }
        if (*s == '?') {
            s++;
            long n;
            if (isdigit((unsigned char)*s)) {
                char *end;
                n = strtol(s, &end, 10);
                s = end;
            } else {
                n = maxn + 1;
            }
            if (n < 1 || n > 32766) {
                log_error("db: parameter number out of range in: %.300s", sql);
                arena_free(a);
                return NULL;
            }
            if (n > maxn) maxn = (int)n;
            buf_printf(&b, "$%ld", n);
            continue;
        }
        buf_putc(&b, *s++);
    }
    char *out = xstrdup(buf_str(&b));
    arena_free(a);
    *nparams = maxn;
    return out;
}

static int pg_exec_script(Db *d, const char *sql)
{
    char *t = pg_translate_ddl(sql);
    int rc = exec_simple((PgDb *)d, t);
    free(t);
    return rc;
}

/* ---- statement cache ---- */

static size_t slot_of(const char *key, size_t cap)
{
    uint64_t h = (uint64_t)(uintptr_t)key;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return (size_t)h & (cap - 1);
}

static void cache_grow(PgDb *db)
{
    size_t ncap = db->cap ? db->cap * 2 : 64;
    PgStmt **ns = xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < db->cap; i++) {
        PgStmt *s = db->slots[i];
        if (!s) continue;
        size_t j = slot_of(s->key, ncap);
        while (ns[j]) j = (j + 1) & (ncap - 1);
        ns[j] = s;
    }
    free(db->slots);
    db->slots = ns;
    db->cap = ncap;
}

static PgStmt **cache_find(PgDb *db, const char *key)
{
    if (!db->cap) return NULL;
    for (size_t j = slot_of(key, db->cap); db->slots[j]; j = (j + 1) & (db->cap - 1))
        if (db->slots[j]->key == key) return &db->slots[j];
    return NULL;
}

/* A statement for sql, translated but not yet on the server (that
 * happens at the first step).  NULL on error (logged). */
static PgStmt *compile(PgDb *db, const char *sql)
{
    if (!*sql) {
        log_error("db: prepare: empty SQL");
        return NULL;
    }
    int n = 0;
    char *pgsql;
    if (is_table_ddl(sql)) {
        char *t = pg_translate_ddl(sql);
        pgsql = pg_rewrite_params(t, &n);
        free(t);
    } else {
        pgsql = pg_rewrite_params(sql, &n);
    }
    if (!pgsql) return NULL;
    PgStmt *s = xcalloc(1, sizeof *s);
    s->base.db = &db->base;
    s->sql = xstrdup(sql);
    s->key = sql;
    s->pgsql = pgsql;
    s->nparams = n;
    size_t m = n ? (size_t)n : 1;
    s->params = xcalloc(m, sizeof *s->params);
    s->vals = xcalloc(m, sizeof *s->vals);
    s->lens = xcalloc(m, sizeof *s->lens);
    s->fmts = xcalloc(m, sizeof *s->fmts);
    s->types = xcalloc(m, sizeof *s->types);
    return s;
}

/* Forget the server-side statement (the text changed under the same key). */
static void deallocate(PgDb *db, PgStmt *s)
{
    if (!s->prepared) return;
    /* Names are generated here ("hd" and a number): no quoting needed. */
    char sql[64];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
    PQclear(PQexec(db->c, sql));
    s->prepared = 0;
}

static Stmt *pg_prepare(Db *d, const char *sql)
{
    PgDb *db = (PgDb *)d;
    PgStmt **slot = cache_find(db, sql);
    if (slot) {
        PgStmt *s = *slot;
        if (s->in_use) {
            /* The same SQL is still being stepped (nested use): a one-off
             * statement, run unnamed and freed by db_done. */
            PgStmt *once = compile(db, sql);
            if (once) once->in_use = 1;
            return once ? &once->base : NULL;
        }
        if (strcmp(s->sql, sql) != 0) {
            /* Same address, different text: the caller reused a buffer. */
            PgStmt *n = compile(db, sql);
            if (!n) return NULL;
            deallocate(db, s);
            n->cached = 1;
            snprintf(n->name, sizeof n->name, "%s", s->name);
            stmt_free(s);
            *slot = n;
            s = n;
        }
        s->in_use = 1;
        return &s->base;
    }
    PgStmt *s = compile(db, sql);
    if (!s) return NULL;
    s->cached = 1;
    s->in_use = 1;
    snprintf(s->name, sizeof s->name, "hd%u", ++db->next_name);
    if ((db->count + 1) * 2 > db->cap) cache_grow(db);
    size_t j = slot_of(sql, db->cap);
    while (db->slots[j]) j = (j + 1) & (db->cap - 1);
    db->slots[j] = s;
    db->count++;
    return &s->base;
}

static void pg_done(Stmt *st)
{
    PgStmt *s = (PgStmt *)st;
    if (!s->cached) {
        stmt_free(s);
        return;
    }
    stmt_clear_result(s);
    stmt_clear_params(s);
    s->in_use = 0;
}

/* ---- binding ---- */

static PgParam *param(PgStmt *s, int i)
{
    if (i < 1 || i > s->nparams) {
        log_error("db: bind %d: no such parameter in: %.300s", i, s->sql);
        return NULL;
    }
    /* A new binding after a complete run starts the statement over, as
     * sqlite3_reset would have to (the callers always db_done first). */
    if (s->executed) stmt_clear_result(s);
    PgParam *p = &s->params[i - 1];
    if (p->val && p->val != p->num) free(p->val);
    memset(p, 0, sizeof *p);
    return p;
}

static int pg_bind_int(Stmt *st, int i, int64_t v)
{
    PgParam *p = param((PgStmt *)st, i);
    if (!p) return DB_ERROR;
    p->type = OID_INT8;
    p->len = snprintf(p->num, sizeof p->num, "%lld", (long long)v);
    p->val = p->num;
    return DB_OK;
}

static int pg_bind_double(Stmt *st, int i, double v)
{
    PgParam *p = param((PgStmt *)st, i);
    if (!p) return DB_ERROR;
    p->type = OID_FLOAT8;
    p->len = snprintf(p->num, sizeof p->num, "%.17g", v);
    p->val = p->num;
    return DB_OK;
}

static int pg_bind_text(Stmt *st, int i, const char *v)
{
    PgParam *p = param((PgStmt *)st, i);
    if (!p) return DB_ERROR;
    p->type = OID_TEXT;
    p->val = xstrdup(v);
    p->len = (int)strlen(v);
    return DB_OK;
}

static int pg_bind_blob(Stmt *st, int i, const void *data, size_t n)
{
    PgParam *p = param((PgStmt *)st, i);
    if (!p) return DB_ERROR;
    if (n > 0x3fffffff) {
        log_error("db: bind %d: blob of %zu bytes is too large", i, n);
        return DB_ERROR;
    }
    p->type = OID_BYTEA;
    p->val = malloc(n ? n : 1);
    if (!p->val) abort();
    if (n) memcpy(p->val, data, n);
    p->len = (int)n;
    p->binary = 1;
    return DB_OK;
}

static int pg_bind_null(Stmt *st, int i)
{
    PgParam *p = param((PgStmt *)st, i);
    if (!p) return DB_ERROR;
    return DB_OK;   /* type 0, val NULL */
}

/* ---- stepping ---- */

/* Is a failed prepare worth another try with other parameter types?
 * 42P18 indeterminate_datatype ("could not determine data type of
 * parameter $1", e.g. `?1 IS NULL`), 42883 undefined_function (an
 * operator for the chosen types does not exist), 42725 ambiguous, 42804
 * datatype_mismatch; 42P08 ambiguous_parameter, which is what PostgreSQL 15
 * answers for `?1 IS NULL OR status = ?1` with ?1 left to infer. */
static int retry_state(const char *state)
{
    return state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0 ||
                     strcmp(state, "42883") == 0 ||
                     strcmp(state, "42725") == 0 || strcmp(state, "42804") == 0);
}

/* Prepare the named statement on the server.  SQLite is dynamically
 * typed: a value bound with db_bind_text may meet an integer column, a
 * NULL may stand alone in `?1 IS NULL`.  PostgreSQL decides each
 * parameter's type once, when the statement is prepared, so the first
 * preparation waits for the first bindings and tries, in order:
 *   1. integers as bigint, doubles as float8, blobs as bytea, text and
 *      NULL left for the server to infer from their context (so '5'
 *      compared with an integer column works as on SQLite);
 *   2. text as text and a NULL as text too (a parameter whose context
 *      says nothing, such as `?1 IS NULL` or `COALESCE(?1, ?2)`);
 *   3. every parameter inferred by the server.
 * The first that the server accepts is kept for the life of the
 * connection.  Inside a transaction a failed attempt would abort it, so
 * the attempts run under a savepoint there (only on a statement's first
 * preparation per connection). */
static int pg_server_prepare(PgDb *db, PgStmt *s)
{
    int n = s->nparams;
    int in_tx = PQtransactionStatus(db->c) == PQTRANS_INTRANS;
    int guarded = 0;
    int rc = DB_ERROR;
    for (int attempt = 0; attempt < 3; attempt++) {
        if (attempt > 0 && n == 0) break;
        if (in_tx && !guarded) {
            if (exec_simple(db, "SAVEPOINT hd_prepare") != DB_OK) return DB_ERROR;
            guarded = 1;
        }
        for (int i = 0; i < n; i++) {
            Oid t = s->params[i].type;
            s->types[i] = attempt == 0 ? ((t == OID_TEXT || t == 0) ? 0 : t)
                        : attempt == 1 ? (t == 0 ? OID_TEXT : t) : 0;
        }
        PGresult *res = PQprepare(db->c, s->name, s->pgsql, n, n ? s->types : NULL);
        if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
            PQclear(res);
            rc = DB_OK;
            break;
        }
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        if (attempt < 2 && n > 0 && retry_state(state)) {
            PQclear(res);
            if (guarded && exec_simple(db, "ROLLBACK TO SAVEPOINT hd_prepare") != DB_OK) return DB_ERROR;
            continue;
        }
        rc = fail_res(db, res, "prepare", s->sql);
        PQclear(res);
        break;
    }
    if (guarded) {
        /* After a failure the savepoint undoes it, so the transaction goes
         * on as SQLite's would after a failed prepare. */
        if (rc != DB_OK) exec_simple(db, "ROLLBACK TO SAVEPOINT hd_prepare");
        if (exec_simple(db, "RELEASE SAVEPOINT hd_prepare") != DB_OK && rc == DB_OK) rc = DB_ERROR;
    }
    if (rc == DB_OK) s->prepared = 1;
    return rc;
}

/* Does the command tag say INSERT/UPDATE/DELETE/MERGE (the statements
 * sqlite3_changes counts)? */
static int is_change_tag(const char *tag)
{
    return strncmp(tag, "INSERT", 6) == 0 || strncmp(tag, "UPDATE", 6) == 0 ||
           strncmp(tag, "DELETE", 6) == 0 || strncmp(tag, "MERGE", 5) == 0;
}

/* Execute the statement with its bindings; the whole result is kept in
 * s->res and handed out row by row. */
static int execute(PgDb *db, PgStmt *s)
{
    int n = s->nparams;
    const char **vals = s->vals;
    int *lens = s->lens, *fmts = s->fmts;
    for (int i = 0; i < n; i++) {
        vals[i] = s->params[i].val;
        lens[i] = s->params[i].len;
        fmts[i] = s->params[i].binary;
    }
    PGresult *res;
    if (s->cached) {
        if (!s->prepared) {
            int rc = pg_server_prepare(db, s);
            if (rc != DB_OK) return rc;
        }
        res = PQexecPrepared(db->c, s->name, n, vals, lens, fmts, 0);
    } else {
        /* One-off (nested use of a cached SQL): unnamed, typed like attempt 1. */
        for (int i = 0; i < n; i++) {
            Oid t = s->params[i].type;
            s->types[i] = (t == OID_TEXT || t == 0) ? 0 : t;
        }
        res = PQexecParams(db->c, s->pgsql, n, n ? s->types : NULL, vals, lens, fmts, 0);
    }
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        int rc = fail_res(db, res, "step", s->sql);
        PQclear(res);
        return rc;
    }
    const char *tag = PQcmdStatus(res);
    if (is_change_tag(tag)) {
        db->changes = atoi(PQcmdTuples(res));
        if (strncmp(tag, "INSERT", 6) == 0 && db->changes > 0) db->inserted = 1;
    }
    s->res = res;
    s->executed = 1;
    s->row = 0;
    s->nrows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    s->ndecoded = PQnfields(res);
    s->decoded = s->ndecoded ? xcalloc((size_t)s->ndecoded, sizeof *s->decoded) : NULL;
    s->declen = s->ndecoded ? xcalloc((size_t)s->ndecoded, sizeof *s->declen) : NULL;
    return DB_OK;
}

/* The current row is s->row - 1 once a row was handed out. */
static int pg_step(Stmt *st)
{
    PgStmt *s = (PgStmt *)st;
    PgDb *db = (PgDb *)s->base.db;
    if (!s->executed) {
        int rc = execute(db, s);
        if (rc != DB_OK) return rc;
    }
    for (int i = 0; i < s->ndecoded; i++) {   /* decoded blobs live until the next step */
        PQfreemem(s->decoded[i]);
        s->decoded[i] = NULL;
    }
    if (s->row < s->nrows) {
        s->row++;
        return DB_ROW;
    }
    s->row = s->nrows + 1;   /* past the end: columns read as NULL */
    return DB_DONE;
}

/* ---- columns ---- */

/* The row being read, or -1 when there is none (no step, or done). */
static int cur_row(PgStmt *s, int col)
{
    if (!s->res || s->row < 1 || s->row > s->nrows) return -1;
    if (col < 0 || col >= PQnfields(s->res)) return -1;
    return s->row - 1;
}

static int pg_col_is_null(Stmt *st, int col)
{
    PgStmt *s = (PgStmt *)st;
    int r = cur_row(s, col);
    return r < 0 || PQgetisnull(s->res, r, col);
}

static int64_t pg_col_int(Stmt *st, int col)
{
    PgStmt *s = (PgStmt *)st;
    int r = cur_row(s, col);
    if (r < 0 || PQgetisnull(s->res, r, col)) return 0;
    const char *v = PQgetvalue(s->res, r, col);
    Oid t = PQftype(s->res, col);
    if (t == OID_BOOL) return v[0] == 't';
    /* numeric (SUM of bigint), floats: truncate like SQLite's CAST. */
    if (strpbrk(v, ".eE")) return (int64_t)strtod(v, NULL);
    return strtoll(v, NULL, 10);
}

static double pg_col_double(Stmt *st, int col)
{
    PgStmt *s = (PgStmt *)st;
    int r = cur_row(s, col);
    if (r < 0 || PQgetisnull(s->res, r, col)) return 0;
    const char *v = PQgetvalue(s->res, r, col);
    if (PQftype(s->res, col) == OID_BOOL) return v[0] == 't';
    return strtod(v, NULL);
}

/* bytea arrives in its hex text form; decode it once per row (the copy
 * lives until the next step, like SQLite's column pointers). */
static const char *decoded_bytea(PgStmt *s, int r, int col, size_t *len)
{
    if (!s->decoded[col]) {
        size_t n = 0;
        unsigned char *p = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, r, col), &n);
        if (!p) abort();   /* out of memory */
        s->decoded[col] = (char *)p;
        s->declen[col] = n;
    }
    *len = s->declen[col];
    return s->decoded[col];
}

static const char *pg_col_text(Stmt *st, int col, size_t *len)
{
    PgStmt *s = (PgStmt *)st;
    *len = 0;
    int r = cur_row(s, col);
    if (r < 0 || PQgetisnull(s->res, r, col)) return NULL;
    if (PQftype(s->res, col) == OID_BYTEA) return decoded_bytea(s, r, col, len);
    *len = (size_t)PQgetlength(s->res, r, col);
    return PQgetvalue(s->res, r, col);
}

static const void *pg_col_blob(Stmt *st, int col, size_t *n)
{
    const char *p = pg_col_text(st, col, n);
    return p;
}

static int pg_col_count(Stmt *st)
{
    PgStmt *s = (PgStmt *)st;
    return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(Stmt *st, int col)
{
    PgStmt *s = (PgStmt *)st;
    const char *n = s->res ? PQfname(s->res, col) : NULL;
    return n ? n : "";
}

/* ---- connection-level ---- */

/* The id of the latest INSERT: lastval(), the value the latest nextval()
 * of this session produced, which for an INSERT into a table with an
 * identity column (every INTEGER PRIMARY KEY) is the new row's id.  Unlike
 * sqlite3_last_insert_rowid an INSERT into a table without identity
 * (settings) does not change it, and an INSERT .. ON CONFLICT DO UPDATE
 * that updated still consumed a number; callers read it right after their
 * INSERT of a new row, where both agree.  0 before any INSERT. */
static int64_t pg_last_id(Db *d)
{
    PgDb *db = (PgDb *)d;
    if (!db->inserted) return 0;
    return db_int(d, 0, "SELECT lastval()", NULL);
}

static int pg_changes(Db *d)
{
    return ((PgDb *)d)->changes;
}

static int pg_begin(Db *d)
{
    PgDb *db = (PgDb *)d;
    if (PQtransactionStatus(db->c) != PQTRANS_IDLE) {
        set_errmsg(db, "cannot start a transaction within a transaction");
        log_error("db: begin: %s", db->err);
        return DB_ERROR;
    }
    int rc = exec_simple(db, "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")");
    if (rc != DB_OK && PQtransactionStatus(db->c) != PQTRANS_IDLE) exec_simple(db, "ROLLBACK");
    return rc;
}

/* COMMIT of a transaction that had failed answers ROLLBACK instead of an
 * error: report it as the failure it is. */
static int pg_commit(Db *d)
{
    PgDb *db = (PgDb *)d;
    if (PQtransactionStatus(db->c) == PQTRANS_IDLE) {   /* PostgreSQL only warns; SQLite fails */
        set_errmsg(db, "cannot commit - no transaction is active");
        log_error("db: commit: %s", db->err);
        return DB_ERROR;
    }
    PGresult *res = PQexec(db->c, "COMMIT");
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = DB_OK;
    if (s != PGRES_COMMAND_OK) {
        rc = fail_res(db, res, "commit", "COMMIT");
    } else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        set_errmsg(db, "the transaction had failed and was rolled back");
        log_error("db: commit: %s", db->err);
        rc = DB_ERROR;
    }
    PQclear(res);
    return rc;
}

static int pg_rollback(Db *d)
{
    PgDb *db = (PgDb *)d;
    if (PQtransactionStatus(db->c) == PQTRANS_IDLE) return DB_OK;
    return exec_simple(db, "ROLLBACK");
}

/* In a transaction, also one that failed and waits for its ROLLBACK. */
static int pg_in_transaction(Db *d)
{
    PGTransactionStatusType t = PQtransactionStatus(((PgDb *)d)->c);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static const char *pg_errmsg(Db *d)
{
    PgDb *db = (PgDb *)d;
    if (db->err[0]) return db->err;
    set_errmsg(db, PQerrorMessage(db->c));
    return db->err;
}

static int pg_has_table(Db *d, const char *name)
{
    static const char sql[] =
        "SELECT 1 FROM pg_catalog.pg_class c WHERE c.relname = ?1"
        " AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_catalog.pg_table_is_visible(c.oid)";
    Stmt *st = pg_prepare(d, sql);
    if (!st) return -1;
    if (pg_bind_text(st, 1, name) != DB_OK) {
        pg_done(st);
        return -1;
    }
    int rc = pg_step(st);
    pg_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* ---- backup and check ---- */

/* A consistent copy of a PostgreSQL database is the server's business:
 * pg_dump (a snapshot while serving) or a base backup with WAL archiving
 * (point-in-time recovery).  Copying table by table here would be neither
 * faster nor safer, so this answers with what to run instead. */
static int pg_backup(Db *d, const char *dest, char *err, size_t errlen)
{
    (void)d;
    (void)dest;
    snprintf(err, errlen, "backup: the database is PostgreSQL; use pg_dump (for example "
                          "`pg_dump -Fc -f FILE URL`) or the server's base backups, see docs/POSTGRESQL.md");
    log_error("db: %s", err);
    return -1;
}

/* The server enforces constraints and checksums pages itself; what can go
 * wrong from hoidong's side is a lost connection, a schema it cannot read
 * and an index left invalid (an interrupted CREATE INDEX CONCURRENTLY). */
static int pg_check(Db *d, char *msg, size_t msglen)
{
    PgDb *db = (PgDb *)d;
    snprintf(msg, msglen, "ok");
    if (PQstatus(db->c) != CONNECTION_OK) {
        snprintf(msg, msglen, "connection lost: %s", pg_errmsg(d));
        return -1;
    }
    if (db_int(d, -1, "SELECT 1", NULL) != 1) {
        snprintf(msg, msglen, "the server does not answer: %s", pg_errmsg(d));
        return -1;
    }
    if (pg_has_table(d, "schema_version") == 1 &&
        db_int(d, -1, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL) < 0) {
        snprintf(msg, msglen, "cannot read schema_version: %s", pg_errmsg(d));
        return -1;
    }
    Arena *a = arena_new();
    char *bad = db_text(d, a, "SELECT c.relname FROM pg_catalog.pg_index i"
                              " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
                              " WHERE NOT i.indisvalid AND pg_catalog.pg_table_is_visible(c.oid)"
                              " ORDER BY 1 LIMIT 1", NULL);
    int res = 0;
    if (bad) {
        snprintf(msg, msglen, "index %s is invalid (rebuild it with REINDEX)", bad);
        res = -1;
    }
    arena_free(a);
    return res;
}

/* ---- full-text search ---- */

/* Table search_index, created after the portable migrations:
 *   rid          ref * 4 + kind code (article 0, document 1), the key, as
 *                the rowid of the SQLite index: "newest" is rid order there
 *                and here, so both rank the same pool;
 *   kind, ref    "article"/"document" and the row's id;
 *   title, body, title_orig, body_orig   the folded and the original text
 *                (kept like FTS5 keeps them; nothing reads them to match);
 *   tsv          the folded words, title weighted A and body D;
 *   tsv_orig     the original words lowercased, with their diacritics.
 * Words are cut here, not by PostgreSQL's parser: search.c (and FTS5's
 * unicode61) split at every character that is not a letter, digit,
 * private-use character or mark, so "15-da/tu" is three words; the default
 * text-search parser would read it as a hyphenated word and a file path.
 * The tsvectors are built by to_tsvector('simple', ...) over the words
 * joined by spaces, which the parser then takes one by one; 'simple'
 * neither stems nor drops stop words, like unicode61. */
#define PG_FTS_CREATE \
    "CREATE TABLE search_index (" \
    " rid BIGINT PRIMARY KEY, kind TEXT NOT NULL, ref BIGINT NOT NULL," \
    " title TEXT NOT NULL DEFAULT '', body TEXT NOT NULL DEFAULT ''," \
    " title_orig TEXT NOT NULL DEFAULT '', body_orig TEXT NOT NULL DEFAULT ''," \
    " tsv tsvector NOT NULL, tsv_orig tsvector NOT NULL);" \
    "CREATE INDEX search_index_tsv ON search_index USING gin (tsv);" \
    "CREATE INDEX search_index_tsv_orig ON search_index USING gin (tsv_orig);"

static int pg_post_migrate(Db *d)
{
    PgDb *db = (PgDb *)d;
    int has = pg_has_table(d, "search_index");
    if (has < 0) return DB_ERROR;
    if (has) return DB_OK;              /* common case: nothing to do, no lock */
    int rc = pg_begin(d);
    if (rc != DB_OK) return rc;
    has = pg_has_table(d, "search_index");   /* re-check under the writer lock */
    if (has < 0) rc = DB_ERROR;
    else if (!has) rc = exec_simple(db, PG_FTS_CREATE);
    if (rc == DB_OK) rc = pg_commit(d);
    if (rc != DB_OK) pg_rollback(d);
    return rc;
}

static int64_t fts_rid(const char *kind, int64_t ref)
{
    int code = strcmp(kind, "article") == 0 ? 0 : strcmp(kind, "document") == 0 ? 1 : -1;
    if (code < 0 || ref < 0 || ref > (INT64_MAX >> 3)) {
        log_error("db: search index: unknown kind \"%.40s\" or bad id %lld", kind, (long long)ref);
        return -1;
    }
    return ref * 4 + code;
}

/* PostgreSQL ignores words longer than this (with a notice). */
#define PG_MAX_WORD 2046

/* Append the words of s (already lowercase) to b, separated by one space.
 * Invalid bytes separate words. */
static void put_words(Buf *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    int in_word = 0;
    size_t start = 0;
    while (i <= n) {
        utf8proc_int32_t cp = -1;
        utf8proc_ssize_t k = 1;
        if (i < n) {
            k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (k <= 0) { cp = -1; k = 1; }
        }
        int w = i < n && vn_is_word_cp(cp);
        if (w && !in_word) { start = i; in_word = 1; }
        if (!w && in_word) {
            if (i - start <= PG_MAX_WORD) {
                if (b->len) buf_putc(b, ' ');
                buf_append(b, s + start, i - start);
            }
            in_word = 0;
        }
        i += (size_t)k;
    }
}

static const char *words_a(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b, a);
    put_words(&b, s ? s : "");
    return buf_str(&b);
}

static int pg_fts_delete(Db *d, const char *kind, int64_t id)
{
    int64_t rid = fts_rid(kind, id);
    if (rid < 0) return DB_ERROR;
    return db_exec(d, "DELETE FROM search_index WHERE rid = ?1", "l", rid);
}

/* Replace the entry: one upsert; ?8..?11 are the word lists. */
static int pg_fts_put(Db *d, const char *kind, int64_t id, const char *title, const char *body,
                      const char *ftitle, const char *fbody, const char *tags)
{
    (void)tags;        /* the filters are plain conditions here; the planner joins them */
    int64_t rid = fts_rid(kind, id);
    if (rid < 0) return DB_ERROR;
    Arena *a = arena_new();
    const char *wt = words_a(a, ftitle), *wb = words_a(a, fbody);
    const char *lt = vn_lower_a(a, title), *lb = vn_lower_a(a, body);
    const char *ot = words_a(a, lt ? lt : ""), *ob = words_a(a, lb ? lb : "");
    int rc = db_exec(d,
        "INSERT INTO search_index (rid, kind, ref, title, body, title_orig, body_orig, tsv, tsv_orig)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
        " setweight(to_tsvector('simple', ?8::text), 'A') || to_tsvector('simple', ?9::text),"
        " setweight(to_tsvector('simple', ?10::text), 'A') || to_tsvector('simple', ?11::text))"
        " ON CONFLICT (rid) DO UPDATE SET kind = EXCLUDED.kind, ref = EXCLUDED.ref,"
        " title = EXCLUDED.title, body = EXCLUDED.body, title_orig = EXCLUDED.title_orig,"
        " body_orig = EXCLUDED.body_orig, tsv = EXCLUDED.tsv, tsv_orig = EXCLUDED.tsv_orig",
        "ltltttttttt", rid, kind, id, ftitle, fbody, title, body, wt, wb, ot, ob);
    arena_free(a);
    return rc;
}

/* Translate an FTS5 expression built by search_parse into tsquery text:
 *   {cols} : ( G AND G ... )   groups joined with &;
 *   "a b c"                    a phrase: 'a' <-> 'b' <-> 'c';
 *   ( "x" OR "x" * )           the trailing prefix: ( 'x' | 'x':* ).
 * Anything else (a column filter, parentheses, OR, AND) is copied as its
 * tsquery counterpart; words are only ever taken from inside the double
 * quotes search.c wrote, split again by the index's word rule so a quoted
 * string can never carry tsquery syntax.  NULL when the expression holds
 * no word.  prefix_only: only the word of the trailing prefix, whole (no
 * :*), for the rank's second term; NULL when there is no prefix. */
static const char *fts_to_tsquery(Arena *a, const char *e, int prefix_only)
{
    Buf b;
    buf_init(&b, a);
    int words = 0;
    const char *s = e;
    /* Skip a leading column filter "{...} :". */
    if (*s == '{') {
        const char *c = strchr(s, '}');
        if (c) {
            s = c + 1;
            while (*s == ' ') s++;
            if (*s == ':') s++;
        }
    }
    while (*s) {
        if (*s == '"') {
            const char *q = s + 1;
            Buf raw;
            buf_init(&raw, a);
            for (; *q; q++) {
                if (*q == '"') {
                    if (q[1] == '"') { buf_putc(&raw, '"'); q++; continue; }
                    break;
                }
                buf_putc(&raw, *q);
            }
            s = *q ? q + 1 : q;
            const char *w = words_a(a, buf_str(&raw));
            int prefix = 0;
            const char *t = s;
            while (*t == ' ') t++;
            if (*t == '*') { prefix = 1; s = t + 1; }
            if (!*w) return NULL;   /* cannot happen: search.c writes words only */
            if (prefix_only) {
                if (!prefix || strchr(w, ' ')) continue;
                buf_reset(&b);
                buf_printf(&b, "'%s'", w);   /* word characters only: nothing to escape */
                return buf_str(&b);
            }
            buf_putc(&b, '(');
            for (const char *p = w; *p;) {
                size_t n = strcspn(p, " ");
                buf_putc(&b, '\'');
                for (size_t i = 0; i < n; i++) {
                    if (p[i] == '\'' || p[i] == '\\') buf_putc(&b, '\\');
                    buf_putc(&b, p[i]);
                }
                buf_putc(&b, '\'');
                words++;
                p += n;
                if (*p == ' ') {
                    p++;
                    buf_puts(&b, " <-> ");
                } else if (prefix) {
                    buf_puts(&b, ":*");
                }
            }
            buf_putc(&b, ')');
            continue;
        }
        if (strncmp(s, "AND", 3) == 0 && !is_ident_char(s[3])) { buf_puts(&b, "&"); s += 3; continue; }
        if (strncmp(s, "OR", 2) == 0 && !is_ident_char(s[2])) { buf_puts(&b, "|"); s += 2; continue; }
        if (*s == '(' || *s == ')' || *s == ' ') { buf_putc(&b, *s++); continue; }
        s++;   /* nothing else is written by search_parse */
    }
    if (prefix_only) return NULL;
    return words ? buf_str(&b) : NULL;
}

/* The search (db.h db_fts_search), with the ranking pool of the SQLite
 * backend (db_sqlite.c explains it; here too the rank reads each hit's
 * tsvector, so ranking thousands of hits of a broad query is what costs).
 * ?1 now, ?2 match tsquery, ?3 kind ('' = all), ?4 category (0 = all),
 * ?5 from, ?6 to (0 = open), ?7 limit, ?8 offset, ?9 exact tsquery,
 * ?10 and ?11 the rid range [lo, hi), ?12 the word of the trailing
 * prefix as a whole word (NULL when there is none).  Rank: ts_rank with weights {D 0.1,
 * C 0, B 0, A 1.0}, i.e. title ten times body as bm25's 10/1, normalised
 * by 1 + log(length) (bm25 normalises by length too), once for the match
 * and once for ?12.  The second term is what FTS5 gets from the group
 * ("dan" OR "dan" *): an entry with the complete word matches both
 * phrases and bm25 ranks it above one with only a longer word (dân before
 * Đảng); ts_rank scores a prefix hit like a whole one (and an AND of
 * all-matching terms saturates), so the whole word is ranked on its own
 * and added. */
#define PG_FTS_POOL 250
#define PG_SUB \
    "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?4" \
    " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) "
#define PG_DATE "COALESCE(t.issued_at, a.published_at, a.created_at)"
#define PG_ISDOC "(s.rid % 4 = 1)"
#define PG_FROM \
    " FROM search_index s" \
    " LEFT JOIN attachments t ON " PG_ISDOC " AND t.id = s.ref" \
    " JOIN articles a ON a.id = (CASE WHEN " PG_ISDOC " THEN t.article_id ELSE s.ref END)" \
    " WHERE s.tsv @@ ?2::tsquery AND s.rid % 4 < 2" \
    " AND s.rid >= ?10 AND s.rid < ?11" \
    " AND (a.status = 'published' OR (a.status = 'scheduled' AND a.published_at <= ?1))" \
    " AND (?3::text = '' OR (?3::text = 'document') = " PG_ISDOC ")" \
    " AND (?4 = 0 OR a.category_id IN (SELECT id FROM sub))" \
    " AND (?5 = 0 OR " PG_DATE " >= ?5) AND (?6 = 0 OR " PG_DATE " < ?6)"
#define PG_EXACT "(s.tsv_orig @@ ?9::tsquery)"
#define PG_SELECT(exact) \
    PG_SUB "SELECT " PG_ISDOC ", s.ref, a.id, " exact " AS ex, " PG_DATE " AS dt" PG_FROM \
    " ORDER BY ex DESC, ts_rank('{0.1, 0, 0, 1.0}', s.tsv, ?2::tsquery, 1)" \
    " + COALESCE(ts_rank('{0.1, 0, 0, 1.0}', s.tsv, ?12::tsquery, 1), 0) DESC, dt DESC, s.rid DESC" \
    " LIMIT ?7 OFFSET ?8"
#define PG_SELECT_OLD(exact) \
    PG_SUB "SELECT " PG_ISDOC ", s.ref, a.id, " exact ", " PG_DATE PG_FROM \
    " ORDER BY s.rid DESC LIMIT ?7 OFFSET ?8"

static const char sql_pg_exact[] = PG_SELECT(PG_EXACT);
static const char sql_pg_plain[] = PG_SELECT("false");
static const char sql_pg_old_exact[] = PG_SELECT_OLD(PG_EXACT);
static const char sql_pg_old_plain[] = PG_SELECT_OLD("false");
/* ?7 is how many hits to walk (NULL: all). */
static const char sql_pg_pool[] = PG_SUB "SELECT s.rid" PG_FROM " ORDER BY s.rid DESC LIMIT ?7";

static int fts_bind(Stmt *st, const char *match, const char *exact, const DbFtsFilter *f,
                    int64_t lo, int64_t hi, int page, int with_exact)
{
    if (db_bindf(st, "lttlll", f->now, match, f->kind ? f->kind : "", f->category_id, f->from,
                 f->to) != 0)
        return -1;
    if (db_bind_int(st, 10, lo) != 0 || db_bind_int(st, 11, hi) != 0) return -1;
    if (page && (db_bind_int(st, 7, f->limit) != 0 || db_bind_int(st, 8, f->offset) != 0)) return -1;
    if (with_exact && db_bind_text(st, 9, exact) != 0) return -1;
    return 0;
}

/* Run one page statement; ranked statements take whole as ?12 (NULL: no
 * trailing prefix). */
static int fts_page(Db *d, const char *sql, int ranked, const char *match, const char *whole,
                    const char *exact, const DbFtsFilter *g, int64_t lo, int64_t hi, DbFtsHit *hits,
                    int *n)
{
    int with_exact = exact != NULL;
    Stmt *st = db_prepare(d, sql);
    if (!st) return -1;
    if (fts_bind(st, match, exact, g, lo, hi, 1, with_exact) != 0 ||
        (ranked && db_bind_text(st, 12, whole) != 0)) {
        db_done(st);
        return -1;
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (*n >= g->limit) continue;
        DbFtsHit *h = &hits[*n];
        h->is_document = (int)db_col_int(st, 0);
        h->ref = db_col_int(st, 1);
        h->article_id = db_col_int(st, 2);
        h->exact = db_col_int(st, 3) != 0;
        h->date = db_col_int(st, 4);
        (*n)++;
    }
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

static int pg_fts_search(Db *d, const char *match_e, const char *exact_e, const DbFtsFilter *f,
                         DbFtsHit *hits, int64_t *total)
{
    *total = 0;
    if (f->limit == 0) return 0;
    Arena *a = arena_new();
    const char *match = fts_to_tsquery(a, match_e, 0);
    const char *whole = fts_to_tsquery(a, match_e, 1);
    const char *exact = exact_e && *exact_e ? fts_to_tsquery(a, exact_e, 0) : NULL;
    int result = -1;
    if (!match) {   /* no word: nothing can match (search_parse never sends this) */
        result = 0;
        goto out;
    }
    int64_t bound = 0, seen = 0;
    int64_t walk = f->count_cap > 0 ? (f->count_cap + 1 > PG_FTS_POOL ? f->count_cap + 1 : PG_FTS_POOL) : -1;
    Stmt *st = db_prepare(d, sql_pg_pool);
    if (!st) goto out;
    if (fts_bind(st, match, NULL, f, 0, INT64_MAX, 0, 0) != 0 ||
        (walk < 0 ? db_bind_null(st, 7) : db_bind_int(st, 7, walk)) != 0) {
        db_done(st);
        goto out;
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW)
        if (++seen == PG_FTS_POOL) bound = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE) goto out;
    int64_t pool = seen >= PG_FTS_POOL ? PG_FTS_POOL : -1;
    if (pool < 0) bound = 0;

    int n = 0;
    if (pool < 0 || f->offset < pool) {
        DbFtsFilter g = *f;
        if (pool >= 0 && g.offset + g.limit > pool) g.limit = (int)(pool - g.offset);
        if (fts_page(d, exact ? sql_pg_exact : sql_pg_plain, 1, match, whole, exact, &g, bound,
                     INT64_MAX, hits, &n) != 0)
            goto out;
    }
    if (pool >= 0 && n < f->limit) {
        DbFtsFilter g = *f;
        g.offset = f->offset > pool ? f->offset - pool : 0;
        g.limit = f->limit - n;
        int m = 0;
        if (fts_page(d, exact ? sql_pg_old_exact : sql_pg_old_plain, 0, match, NULL, exact, &g, 0,
                     bound, hits + n, &m) != 0)
            goto out;
        n += m;
    }
    *total = seen;
    result = n;
out:
    arena_free(a);
    return result;
}

/* ---- LISTEN / NOTIFY (db.h "Messages between the server processes") ---- */

static int channel_ok(const char *ch)
{
    if (!ch || !*ch || strlen(ch) > 63) return 0;
    for (const char *p = ch; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_')) return 0;
    return 1;
}

static int pg_listen(Db *d, const char *channel)
{
    PgDb *db = (PgDb *)d;
    if (!channel_ok(channel)) return DB_ERROR;
    char sql[96];
    snprintf(sql, sizeof sql, "LISTEN %s", channel);
    return exec_simple(db, sql);
}

static int pg_notify(Db *d, const char *channel, const char *payload)
{
    PgDb *db = (PgDb *)d;
    if (!channel_ok(channel)) return DB_ERROR;
    const char *vals[2] = {channel, payload};
    PGresult *res = PQexecParams(db->c, "SELECT pg_notify($1, $2)", 2, NULL, vals, NULL, NULL, 0);
    int rc = res && PQresultStatus(res) == PGRES_TUPLES_OK ? DB_OK : fail_res(db, res, "notify", channel);
    PQclear(res);
    return rc;
}

static int take_notify(PgDb *db, char *payload, size_t n)
{
    PGnotify *m = PQnotifies(db->c);
    if (!m) return 0;
    if (payload && n) snprintf(payload, n, "%s", m->extra ? m->extra : "");
    PQfreemem(m);
    return 1;
}

static int pg_wait_notify(Db *d, int timeout_ms, char *payload, size_t n)
{
    PgDb *db = (PgDb *)d;
    if (take_notify(db, payload, n)) return 1;
    int fd = PQsocket(db->c);
    if (fd < 0 || PQstatus(db->c) != CONNECTION_OK) return -1;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0) return errno == EINTR ? 0 : -1;
    if (r == 0) return 0;
    if (!PQconsumeInput(db->c) || PQstatus(db->c) != CONNECTION_OK) return -1;
    return take_notify(db, payload, n);
}

/* ---- copying (hoidong migrate) ---- */

/* The DB_T_* class of a column of the current row, from its type. */
static int pg_col_type(Stmt *st, int col)
{
    PgStmt *s = (PgStmt *)st;
    int r = cur_row(s, col);
    if (r < 0 || PQgetisnull(s->res, r, col)) return DB_T_NULL;
    switch (PQftype(s->res, col)) {
    case OID_BOOL: case 20: case 21: case 23: case 26:   /* bool, int8, int2, int4, oid */
        return DB_T_INT;
    case 700: case OID_FLOAT8: case 1700:                 /* float4, float8, numeric */
        return DB_T_REAL;
    case OID_BYTEA:
        return DB_T_BLOB;
    default:
        return DB_T_TEXT;
    }
}

/* Rows copied with their ids leave an identity column's sequence at its
 * start: the next INSERT would collide with id 1.  For each identity
 * column of table, setval() to MAX + 1 (1 when empty), not yet used.
 * The identifiers are quoted by libpq; nothing else is spliced. */
static int pg_reset_ids(Db *d, const char *table)
{
    PgDb *db = (PgDb *)d;
    static const char cols_sql[] =
        "SELECT a.attname FROM pg_catalog.pg_attribute a"
        " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " WHERE c.relname = $1 AND pg_catalog.pg_table_is_visible(c.oid)"
        " AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> ''";
    const char *vals[2] = { table, NULL };
    PGresult *cols = PQexecParams(db->c, cols_sql, 1, NULL, vals, NULL, NULL, 0);
    if (!cols || PQresultStatus(cols) != PGRES_TUPLES_OK) {
        int rc = fail_res(db, cols, "reset ids", cols_sql);
        PQclear(cols);
        return rc;
    }
    int rc = DB_OK;
    char *qt = PQescapeIdentifier(db->c, table, strlen(table));
    for (int i = 0; qt && rc == DB_OK && i < PQntuples(cols); i++) {
        const char *col = PQgetvalue(cols, i, 0);
        char *qc = PQescapeIdentifier(db->c, col, strlen(col));
        if (!qc) { rc = DB_ERROR; break; }
        Buf b;
        buf_init(&b, NULL);
        buf_printf(&b, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence($1, $2),"
                       " COALESCE(MAX(%s), 0) + 1, false) FROM %s", qc, qt);
        const char *args[2] = { qt, col };
        PGresult *res = PQexecParams(db->c, buf_str(&b), 2, NULL, args, NULL, NULL, 0);
        if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) rc = fail_res(db, res, "reset ids", buf_str(&b));
        PQclear(res);
        buf_free(&b);
        PQfreemem(qc);
    }
    if (!qt) rc = fail_res(db, NULL, "reset ids", table);
    PQfreemem(qt);
    PQclear(cols);
    return rc;
}

const DbOps db_pg_ops = {
    .name = "postgres",
    .accepts = pg_accepts,
    .open = pg_open,
    .close = pg_close,
    .exec_script = pg_exec_script,
    .has_table = pg_has_table,
    .post_migrate = pg_post_migrate,
    .prepare = pg_prepare,
    .done = pg_done,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_is_null = pg_col_is_null,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .last_id = pg_last_id,
    .changes = pg_changes,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .errmsg = pg_errmsg,
    .backup = pg_backup,
    .check = pg_check,
    .fts_put = pg_fts_put,
    .fts_delete = pg_fts_delete,
    .fts_search = pg_fts_search,
    .listen = pg_listen,
    .notify = pg_notify,
    .wait_notify = pg_wait_notify,
    .col_type = pg_col_type,
    .reset_ids = pg_reset_ids,
};
