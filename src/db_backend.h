/* db_backend.h - the private contract between db.c and a database backend.
 *
 * db.c holds everything that does not depend on the engine (the varargs
 * helpers, migrations, per-thread connections) and reaches the engine only
 * through a DbOps table.  A backend (db_sqlite.c today, a libpq one later)
 * defines its own connection and statement structs that begin with the
 * common `struct Db` / `struct Stmt` below, so db.c can find the ops table
 * from any handle.  Backends are chosen by db_open() from the path: the
 * first entry of the list in db.c whose accepts() says yes.
 *
 * SQL arrives with ?1..?N placeholders; a PostgreSQL backend rewrites them
 * to $1..$N when preparing (outside string literals) and keeps its own
 * statement cache keyed the same way (by the SQL pointer).
 *
 * Conventions for ops: return DB_OK / DB_ROW / DB_DONE or a negative DB_*
 * code; a backend logs its own failures (once, with the SQL) so db.c never
 * logs a second line for the same error.  Only db.c and backends include
 * this header. */
#ifndef HD_DB_BACKEND_H
#define HD_DB_BACKEND_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

typedef struct DbOps DbOps;

/* The common head of every backend connection / statement. */
struct Db {
    const DbOps *ops;
    int last_error;     /* db_last_error(): set by db.c, cleared by db_clear_error() */
};
struct Stmt {
    Db *db;
};

struct DbOps {
    const char *name;                   /* "sqlite", "postgres" */
    int (*accepts)(const char *path);   /* 1 if this backend handles path/URL */
    /* Connect and apply session settings; NULL with a reason in err. */
    Db *(*open)(const char *path, char *err, size_t errlen);
    void (*close)(Db *db);
    /* Run several ;-separated statements without parameters (migrations). */
    int (*exec_script)(Db *db, const char *sql);
    int (*has_table)(Db *db, const char *name);   /* 1 yes, 0 no, -1 error */
    /* Called after the portable migrations, for backend-specific schema
     * (FTS tables); takes its own transaction if it changes anything and
     * must be cheap when there is nothing to do.  May be NULL. */
    int (*post_migrate)(Db *db);

    Stmt *(*prepare)(Db *db, const char *sql);
    void (*done)(Stmt *st);
    int (*bind_int)(Stmt *st, int i, int64_t v);
    int (*bind_double)(Stmt *st, int i, double v);
    int (*bind_text)(Stmt *st, int i, const char *s);    /* s != NULL */
    int (*bind_blob)(Stmt *st, int i, const void *p, size_t n);
    int (*bind_null)(Stmt *st, int i);
    int (*step)(Stmt *st);
    int64_t (*col_int)(Stmt *st, int col);
    double (*col_double)(Stmt *st, int col);
    const char *(*col_text)(Stmt *st, int col, size_t *len); /* NULL for SQL NULL */
    const void *(*col_blob)(Stmt *st, int col, size_t *n);
    int (*col_is_null)(Stmt *st, int col);
    int (*col_count)(Stmt *st);
    const char *(*col_name)(Stmt *st, int col);

    int64_t (*last_id)(Db *db);
    int (*changes)(Db *db);
    int (*begin)(Db *db);
    int (*commit)(Db *db);
    int (*rollback)(Db *db);
    int (*in_transaction)(Db *db);
    const char *(*errmsg)(Db *db);

    int (*backup)(Db *db, const char *dest_path, char *err, size_t errlen);
    int (*check)(Db *db, char *msg, size_t msglen);
    /* Full-text index; title/body arrive both original and folded, tags
     * are the entry's filter words (db_fts.c: kind, category, date cells)
     * for a backend that filters through its index (SQLite), else ignored. */
    int (*fts_put)(Db *db, const char *kind, int64_t id, const char *title, const char *body,
                   const char *ftitle, const char *fbody, const char *tags);
    int (*fts_delete)(Db *db, const char *kind, int64_t id);
    /* Replace only the entry's tags (its article moved or got a date);
     * NULL where fts_put ignores tags. */
    int (*fts_retag)(Db *db, const char *kind, int64_t id, const char *tags);
    /* db_fts_search (db.h); may be NULL (then search answers an error). */
    int (*fts_search)(Db *db, const char *match, const char *exact, const DbFtsFilter *f,
                      DbFtsHit *hits, int64_t *total);
    /* db_fts_optimize (db.h); NULL where the index needs no tidying. */
    int64_t (*fts_optimize)(Db *db, void (*progress)(void *ctx, int64_t steps), void *ctx);
    /* Messages between the processes on one database (db_notify and
     * friends in db.h); NULL where the backend has no such thing (SQLite:
     * one process, nothing to tell). */
    int (*listen)(Db *db, const char *channel);
    int (*notify)(Db *db, const char *channel, const char *payload);
    int (*wait_notify)(Db *db, int timeout_ms, char *payload, size_t n);
    /* db_col_type (db.h): the runtime type of a column of the current row. */
    int (*col_type)(Stmt *st, int col);
    /* db_reset_ids (db.h): move the table's id generators past its rows;
     * may be NULL (nothing to do, as on SQLite). */
    int (*reset_ids)(Db *db, const char *table);
};

/* db_fts.c: the part of an FTS5 expression that applies f's kind,
 * category and date range through the tags column (see db_fts_put):
 * "" when f has none of them, NULL on a database error (logged).  The
 * caller still checks the filter exactly; this only lets the index skip
 * the entries that cannot pass. */
const char *db_fts_filter_match(Db *db, Arena *a, const DbFtsFilter *f);

extern const DbOps db_sqlite_ops;
extern const DbOps db_pg_ops;      /* db_pg.c: postgresql:// and postgres:// URLs */

#endif
