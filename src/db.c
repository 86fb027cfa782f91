/* db.c - the engine-independent half of the database layer (see db.h).
 *
 * Everything here works the same whatever the engine: choosing a backend
 * from the path, numbered migrations, one connection per thread, the
 * varargs one-liners (db_bindf, db_exec, db_int, db_text) and the thin
 * dispatch of every db.h call to the backend's DbOps table
 * (db_backend.h).  SQLite lives in db_sqlite.c; a PostgreSQL backend goes
 * in db_pg.c, the second entry in `backends` below.
 *
 * Errors are logged once by the backend, where the SQL and the engine's
 * message are known; this file only logs what it detects itself. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_backend.h"
#include "db_schema.h"
#include "log.h"

/* Backends in order of preference; the first that accepts the path wins.
 * PostgreSQL takes postgresql:// and postgres:// URLs; SQLite accepts
 * anything that is not a URL of another engine. */
static const DbOps *const backends[] = {
    &db_pg_ops,
    &db_sqlite_ops,
    NULL,
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- migrations ---- */

static int migrations_known(void)
{
    int n = 0;
    while (db_migrations[n]) n++;
    return n;
}

/* Applied version: 0 when schema_version does not exist yet, -1 on error. */
static int read_version(Db *db)
{
    int has = db->ops->has_table(db, "schema_version");
    if (has <= 0) return has;
    return (int)db_int(db, -1, "SELECT COALESCE(MAX(version), 0) FROM schema_version", NULL);
}

/* Bring the schema to the newest version this binary knows.  Each migration
 * runs in its own BEGIN IMMEDIATE transaction and the version is re-read
 * under that writer lock, so several processes or threads opening a fresh
 * database at once apply each migration exactly once. */
static int migrate(Db *db, char *err, size_t errlen)
{
    int known = migrations_known();
    for (;;) {
        int v = read_version(db);
        if (v < 0) {
            set_err(err, errlen, "cannot read schema version: %s", db_errmsg(db));
            return -1;
        }
        if (v > known) {
            set_err(err, errlen,
                    "database schema version %d is newer than this program knows (%d); "
                    "use a newer hoidong", v, known);
            return -1;
        }
        if (v == known) break;
        if (db_begin(db) != DB_OK) {
            set_err(err, errlen, "cannot start migration: %s", db_errmsg(db));
            return -1;
        }
        if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                    NULL) != DB_OK) {
            set_err(err, errlen, "cannot create schema_version: %s", db_errmsg(db));
            db_rollback(db);
            return -1;
        }
        int now = read_version(db);
        if (now != v) {                 /* someone else migrated meanwhile: look again */
            if (db_commit(db) != DB_OK) {
                db_rollback(db);
                set_err(err, errlen, "migration: commit failed: %s", db_errmsg(db));
                return -1;
            }
            if (now < 0) {
                set_err(err, errlen, "cannot read schema version: %s", db_errmsg(db));
                return -1;
            }
            continue;
        }
        if (db->ops->exec_script(db, db_migrations[v]) != DB_OK) {
            set_err(err, errlen, "migration %d failed: %s", v + 1, db_errmsg(db));
            db_rollback(db);
            return -1;
        }
        /* One row holds the version; DELETE + INSERT is portable. */
        if (db_exec(db, "DELETE FROM schema_version", NULL) != DB_OK ||
            db_exec(db, "INSERT INTO schema_version (version) VALUES (?1)", "i", v + 1) != DB_OK ||
            db_commit(db) != DB_OK) {
            set_err(err, errlen, "migration %d: cannot record version: %s", v + 1, db_errmsg(db));
            db_rollback(db);
            return -1;
        }
        log_info("database: applied migration %d", v + 1);
    }
    if (db->ops->post_migrate && db->ops->post_migrate(db) != DB_OK) {
        set_err(err, errlen, "backend schema setup failed: %s", db_errmsg(db));
        return -1;
    }
    return 0;
}

/* ---- connections ---- */

/* Open the database at path (SQLite file today; a postgres:// URL once that
 * backend exists).  Returns a connection the caller closes with db_close,
 * or NULL with a one-line reason in err. */
Db *db_open(const char *path, int do_migrate, char *err, size_t errlen)
{
    char local[256];
    int own_err = !err || !errlen;   /* nobody to hand the reason to: log it */
    if (own_err) { err = local; errlen = sizeof local; }
    err[0] = 0;
    Db *db = NULL;
    const DbOps *ops = NULL;
    if (!path || !*path) {
        set_err(err, errlen, "no database path");
        goto out;
    }
    for (int i = 0; backends[i]; i++)
        if (backends[i]->accepts(path)) { ops = backends[i]; break; }
    if (!ops) {
        set_err(err, errlen, "no database backend for this path");
        goto out;
    }
    db = ops->open(path, err, errlen);
    if (db && do_migrate && migrate(db, err, errlen) != 0) {
        ops->close(db);
        db = NULL;
    }
out:
    if (!db && own_err) log_error("db: open: %s", err);
    return db;
}

/* Close a connection: finalizes cached statements.  NULL is fine. */
void db_close(Db *db)
{
    if (db) db->ops->close(db);
}

/* Per-thread connections.  The path can change (tests use several
 * databases in one process); a generation number tells a thread that its
 * connection points at an old path. */
typedef struct ThreadDb {
    Db *db;
    int gen;
} ThreadDb;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static pthread_mutex_t path_mu = PTHREAD_MUTEX_INITIALIZER;
static char *thread_path;          /* guarded by path_mu */
static atomic_int path_gen;

static void thread_db_free(void *p)
{
    ThreadDb *td = p;
    if (!td) return;
    db_close(td->db);
    free(td);
}

static void key_init(void)
{
    if (pthread_key_create(&thread_key, thread_db_free) != 0) {
        log_error("db: pthread_key_create failed");
        abort();  /* start-up only; nothing works without it */
    }
}

/* Set the database used by db_thread().  Call at start-up (and in tests)
 * before threads use db_thread(); connections opened for an older path
 * are replaced on their next db_thread() call. */
void db_set_path(const char *path)
{
    pthread_once(&key_once, key_init);
    char *copy = path ? strdup(path) : NULL;
    if (path && !copy) abort();
    pthread_mutex_lock(&path_mu);
    free(thread_path);
    thread_path = copy;
    atomic_fetch_add(&path_gen, 1);
    pthread_mutex_unlock(&path_mu);
}

/* The calling thread's connection, opened lazily without migrating (the
 * server migrates once at start-up) and closed when the thread exits.
 * NULL (logged) when no path is set or the open fails. */
Db *db_thread(void)
{
    pthread_once(&key_once, key_init);
    ThreadDb *td = pthread_getspecific(thread_key);
    int gen = atomic_load(&path_gen);
    if (td && td->db && td->gen == gen) return td->db;
    if (!td) {
        td = calloc(1, sizeof *td);
        if (!td) abort();
        if (pthread_setspecific(thread_key, td) != 0) {
            free(td);
            log_error("db: pthread_setspecific failed");
            return NULL;
        }
    }
    db_close(td->db);
    td->db = NULL;

    pthread_mutex_lock(&path_mu);
    char *path = thread_path ? strdup(thread_path) : NULL;
    gen = atomic_load(&path_gen);
    pthread_mutex_unlock(&path_mu);
    if (!path) {
        log_error("db: db_thread() called before db_set_path()");
        return NULL;
    }
    char err[256];
    td->db = db_open(path, 0, err, sizeof err);
    td->gen = gen;
    if (!td->db) log_error("db: cannot open database: %s", err);
    free(path);
    return td->db;
}

/* Close the calling thread's connection now. */
void db_thread_close(void)
{
    pthread_once(&key_once, key_init);
    ThreadDb *td = pthread_getspecific(thread_key);
    if (!td) return;
    pthread_setspecific(thread_key, NULL);
    thread_db_free(td);
}

/* ---- statements: dispatch ---- */

/* A cached statement for sql (pass a literal), or NULL (logged). */
Stmt *db_prepare(Db *db, const char *sql)
{
    if (!db || !sql) {
        log_error("db: prepare without %s", db ? "SQL" : "a connection");
        return NULL;
    }
    return db->ops->prepare(db, sql);
}

/* Reset and clear bindings; the statement stays cached.  NULL is fine. */
void db_done(Stmt *st)
{
    if (st) st->db->ops->done(st);
}

int db_bind_int(Stmt *st, int i, int64_t v)
{
    return st ? st->db->ops->bind_int(st, i, v) : DB_ERROR;
}

int db_bind_double(Stmt *st, int i, double v)
{
    return st ? st->db->ops->bind_double(st, i, v) : DB_ERROR;
}

int db_bind_text(Stmt *st, int i, const char *s)
{
    if (!st) return DB_ERROR;
    return s ? st->db->ops->bind_text(st, i, s) : st->db->ops->bind_null(st, i);
}

int db_bind_blob(Stmt *st, int i, const void *p, size_t n)
{
    return st ? st->db->ops->bind_blob(st, i, p, n) : DB_ERROR;
}

int db_bind_null(Stmt *st, int i)
{
    return st ? st->db->ops->bind_null(st, i) : DB_ERROR;
}

/* Bind parameters 1..N from ap by the type letters in types (NULL or ""
 * binds nothing). */
static int bind_va(Stmt *st, const char *types, va_list ap)
{
    if (!types) return DB_OK;
    for (int i = 0; types[i]; i++) {
        int idx = i + 1, rc;
        switch (types[i]) {
        case 'i': rc = db_bind_int(st, idx, va_arg(ap, int)); break;
        case 'l': rc = db_bind_int(st, idx, va_arg(ap, int64_t)); break;
        case 'd': rc = db_bind_double(st, idx, va_arg(ap, double)); break;
        case 't': rc = db_bind_text(st, idx, va_arg(ap, const char *)); break;
        case 'b': {
            const void *p = va_arg(ap, const void *);
            size_t n = va_arg(ap, size_t);
            rc = db_bind_blob(st, idx, p, n);
            break;
        }
        case 'n': rc = db_bind_null(st, idx); break;
        default:
            log_error("db: bad bind type '%c' in \"%s\"", types[i], types);
            return DB_ERROR;
        }
        if (rc != DB_OK) return DB_ERROR;
    }
    return DB_OK;
}

/* Bind by type string (see db.h).  0 or -1 (logged). */
int db_bindf(Stmt *st, const char *types, ...)
{
    if (!st) return DB_ERROR;
    va_list ap;
    va_start(ap, types);
    int rc = bind_va(st, types, ap);
    va_end(ap);
    return rc;
}

/* Remember a failure for db_last_error(); returns rc unchanged. */
static int note_rc(Db *db, int rc)
{
    if (rc < 0 && db && db->last_error != DB_FULL) db->last_error = rc;
    return rc;
}

int db_step(Stmt *st)
{
    return st ? note_rc(st->db, st->db->ops->step(st)) : DB_ERROR;
}

int64_t db_col_int(Stmt *st, int col)
{
    return st->db->ops->col_int(st, col);
}

double db_col_double(Stmt *st, int col)
{
    return st->db->ops->col_double(st, col);
}

const char *db_col_text(Stmt *st, int col)
{
    size_t n;
    const char *s = st->db->ops->col_text(st, col, &n);
    return s ? s : "";
}

/* Copy a text column into a (NULL for SQL NULL). */
char *db_col_dup(Stmt *st, int col, Arena *a)
{
    size_t n;
    const char *s = st->db->ops->col_text(st, col, &n);
    return s ? arena_strndup(a, s, n) : NULL;
}

const void *db_col_blob(Stmt *st, int col, size_t *n)
{
    size_t dummy;
    return st->db->ops->col_blob(st, col, n ? n : &dummy);
}

int db_col_is_null(Stmt *st, int col)
{
    return st->db->ops->col_is_null(st, col);
}

int db_col_count(Stmt *st)
{
    return st->db->ops->col_count(st);
}

const char *db_col_name(Stmt *st, int col)
{
    return st->db->ops->col_name(st, col);
}

/* ---- one-liners ---- */

/* Prepare sql and bind the varargs; NULL on error (statement released). */
static Stmt *prepare_va(Db *db, const char *sql, const char *types, va_list ap)
{
    Stmt *st = db_prepare(db, sql);
    if (!st) return NULL;
    if (bind_va(st, types, ap) != DB_OK) {
        db_done(st);
        return NULL;
    }
    return st;
}

/* Run sql to completion (rows are skipped).  DB_OK or an error code. */
int db_exec(Db *db, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    Stmt *st = prepare_va(db, sql, types, ap);
    va_end(ap);
    if (!st) return DB_ERROR;
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {}
    db_done(st);
    return rc == DB_DONE ? DB_OK : rc;
}

/* First column of the first row as an integer; dflt when there is no row,
 * the value is NULL, or on error (logged). */
int64_t db_int(Db *db, int64_t dflt, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    Stmt *st = prepare_va(db, sql, types, ap);
    va_end(ap);
    if (!st) return dflt;
    int64_t v = dflt;
    if (db_step(st) == DB_ROW && !db_col_is_null(st, 0)) v = db_col_int(st, 0);
    db_done(st);
    return v;
}

/* First column of the first row as text copied into a; NULL when there is
 * no row, the value is NULL, or on error (logged). */
char *db_text(Db *db, Arena *a, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    Stmt *st = prepare_va(db, sql, types, ap);
    va_end(ap);
    if (!st) return NULL;
    char *v = NULL;
    if (db_step(st) == DB_ROW) v = db_col_dup(st, 0, a);
    db_done(st);
    return v;
}

int64_t db_last_id(Db *db)
{
    return db->ops->last_id(db);
}

int db_changes(Db *db)
{
    return db->ops->changes(db);
}

/* ---- transactions ---- */

int db_begin(Db *db)
{
    return db ? note_rc(db, db->ops->begin(db)) : DB_ERROR;
}

int db_commit(Db *db)
{
    return db ? note_rc(db, db->ops->commit(db)) : DB_ERROR;
}

int db_rollback(Db *db)
{
    return db ? note_rc(db, db->ops->rollback(db)) : DB_ERROR;
}

int db_in_transaction(Db *db)
{
    return db ? db->ops->in_transaction(db) : 0;
}

/* ---- services ---- */

/* Online, consistent copy into dest_path (see the backend).  0, or -1
 * with a reason in err (also logged); err may be NULL. */
int db_backup(Db *db, const char *dest_path, char *err, size_t errlen)
{
    char local[256];
    if (!err || !errlen) { err = local; errlen = sizeof local; }
    err[0] = 0;
    if (!db || !dest_path || !*dest_path) {
        set_err(err, errlen, "backup: no %s", db ? "destination" : "database");
        return -1;
    }
    return db->ops->backup(db, dest_path, err, errlen);
}

/* Integrity and foreign-key check: 0 ("ok" in msg) or -1 with the first
 * problem in msg; msg may be NULL. */
int db_check(Db *db, char *msg, size_t msglen)
{
    char local[256];
    if (!msg || !msglen) { msg = local; msglen = sizeof local; }
    if (!db) {
        set_err(msg, msglen, "no database connection");
        return -1;
    }
    return db->ops->check(db, msg, msglen);
}

/* The applied migration number (0 for an empty database, -1 on error). */
int db_schema_version(Db *db)
{
    return read_version(db);
}

/* The engine's message for the connection's last error (owned by it). */
const char *db_errmsg(Db *db)
{
    return db ? db->ops->errmsg(db) : "no database connection";
}

/* The latest failure on this connection (see db.h); DB_OK when none. */
int db_last_error(Db *db)
{
    return db ? db->last_error : DB_ERROR;
}

void db_clear_error(Db *db)
{
    if (db) db->last_error = DB_OK;
}

/* ---- messages between processes (db.h) ---- */

int db_has_notify(Db *db)
{
    return db && db->ops->listen && db->ops->wait_notify;
}

int db_listen(Db *db, const char *channel)
{
    if (!db_has_notify(db) || !channel) return DB_ERROR;
    return db->ops->listen(db, channel);
}

int db_notify(Db *db, const char *channel, const char *payload)
{
    if (!db || !channel) return DB_ERROR;
    if (!db->ops->notify) return DB_OK;   /* one process: nobody to tell */
    return db->ops->notify(db, channel, payload ? payload : "");
}

int db_wait_notify(Db *db, int timeout_ms, char *payload, size_t n)
{
    if (!db_has_notify(db)) return -1;
    return db->ops->wait_notify(db, timeout_ms, payload, n);
}

/* ---- copying between backends (hoidong migrate) ---- */

int db_col_type(Stmt *st, int col)
{
    return st ? st->db->ops->col_type(st, col) : DB_T_NULL;
}

int db_reset_ids(Db *db, const char *table)
{
    if (!db || !table || !*table) return DB_ERROR;
    return db->ops->reset_ids ? db->ops->reset_ids(db, table) : DB_OK;
}
