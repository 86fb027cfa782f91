/* db.h - the database interface.
 *
 * Pages and commands talk to the database only through these functions,
 * with literal SQL and bound parameters ?1..?N (they map one-for-one to
 * PostgreSQL's $1..$N).  SQL written here must be portable between SQLite
 * and PostgreSQL: no INSERT OR REPLACE (use INSERT .. ON CONFLICT .. DO
 * UPDATE, supported by both), no datetime('now') (pass times as bound
 * unix seconds), no AUTOINCREMENT-specific tricks (use db_last_id or
 * RETURNING id).  Things that are backend-specific by nature (FTS5 search,
 * pragmas, online backup, integrity check) have their own functions here
 * and live in db_sqlite.c.
 *
 * One Db is one connection, owned by one thread at a time; each
 * libmicrohttpd worker thread has its own (db_thread()).
 *
 * Errors: a failing call logs once (with the SQL and the database's
 * message) and returns DB_ERROR / -1 / NULL; callers turn that into a 500.
 * Busy/locked is retried inside the backend up to a timeout. */
#ifndef HD_DB_H
#define HD_DB_H
#include <stdint.h>
#include <stddef.h>
#include "arena.h"

typedef struct Db Db;
typedef struct Stmt Stmt;

enum { DB_OK = 0, DB_ROW = 100, DB_DONE = 101, DB_ERROR = -1, DB_CONSTRAINT = -2, DB_FULL = -3 };

/* Open (creating if missing) the database at path, apply pragmas (WAL,
 * foreign_keys=ON, synchronous=FULL, busy timeout 5 s) and, when migrate is
 * set, apply pending migrations.  NULL on error with a one-line reason in err. */
Db *db_open(const char *path, int migrate, char *err, size_t errlen);
void db_close(Db *db);
/* The calling thread's connection to the server's database (opened lazily,
 * closed at thread exit).  db_set_path() must be called first. */
void db_set_path(const char *path);
Db *db_thread(void);
/* Close the calling thread's connection now (the main thread before exit,
 * tests); the next db_thread() opens a new one.  Safe when none is open. */
void db_thread_close(void);

/* Prepare a statement.  Statements are cached per connection keyed by the
 * SQL text pointer, so pass string literals; call db_done() when finished
 * (resets and clears bindings; never frees).  NULL on error (logged). */
Stmt *db_prepare(Db *db, const char *sql);
void db_done(Stmt *st);
/* Binding: index is 1-based.  Text is copied by the database. */
int db_bind_int(Stmt *st, int i, int64_t v);
int db_bind_double(Stmt *st, int i, double v);
int db_bind_text(Stmt *st, int i, const char *s);   /* NULL binds NULL */
int db_bind_blob(Stmt *st, int i, const void *p, size_t n);
int db_bind_null(Stmt *st, int i);
/* Bind by a type string: 'i' int, 'l' int64_t, 'd' double, 't' text (const char*, NULL ok),
 * 'b' blob (const void*, size_t), 'n' null (no argument).  Returns 0 or -1. */
int db_bindf(Stmt *st, const char *types, ...);
/* Step: DB_ROW, DB_DONE, or an error code (DB_ERROR, DB_CONSTRAINT, DB_FULL). */
int db_step(Stmt *st);
int64_t db_col_int(Stmt *st, int col);                  /* 0-based */
double db_col_double(Stmt *st, int col);
const char *db_col_text(Stmt *st, int col);             /* valid until next step/done; "" for NULL */
char *db_col_dup(Stmt *st, int col, Arena *a);          /* copy into arena; NULL for NULL */
const void *db_col_blob(Stmt *st, int col, size_t *n);
int db_col_is_null(Stmt *st, int col);
int db_col_count(Stmt *st);
const char *db_col_name(Stmt *st, int col);

/* One-liners.  db_exec: prepare, bind, step to completion.  Returns DB_OK or an error code. */
int db_exec(Db *db, const char *sql, const char *types, ...);
/* First column of the first row as int; dflt when no row or on error. */
int64_t db_int(Db *db, int64_t dflt, const char *sql, const char *types, ...);
/* First column of the first row as text copied into a; NULL when no row. */
char *db_text(Db *db, Arena *a, const char *sql, const char *types, ...);
int64_t db_last_id(Db *db);
int db_changes(Db *db);

/* Transactions: BEGIN IMMEDIATE (writer lock up front) / COMMIT / ROLLBACK. Return DB_OK or error. */
int db_begin(Db *db);
int db_commit(Db *db);
int db_rollback(Db *db);    /* DB_OK also when no transaction is open (nothing to undo) */
int db_in_transaction(Db *db);   /* 1 inside BEGIN .. COMMIT/ROLLBACK, else 0 */

/* Backend-specific services. */
int db_backup(Db *db, const char *dest_path, char *err, size_t errlen);  /* online, consistent copy */
int db_check(Db *db, char *msg, size_t msglen);   /* 0 ok; -1 with the first problem in msg */
int db_schema_version(Db *db);
const char *db_errmsg(Db *db);
/* The error code (DB_ERROR, DB_CONSTRAINT, DB_FULL) of the latest failing
 * step/begin/commit/rollback on this connection since db_clear_error(), or
 * DB_OK.  DB_FULL is sticky until cleared: once the disk was full, later
 * failures in the same request are its consequence.  The server clears it
 * before each request and turns a failed write after DB_FULL into a 503
 * ("storage full") reply. */
int db_last_error(Db *db);
void db_clear_error(Db *db);

/* Full-text search (FTS5 on SQLite).  The index holds, per document (kind, id),
 * folded title and body (see vn_fold) plus the original text, and the
 * entry's filter words (kind, category, date), read from its articles /
 * attachments row: write that row first.
 * kind: "article" / "document".  Replaces any existing entry. */
int db_fts_put(Db *db, const char *kind, int64_t id, const char *title, const char *body);
int db_fts_delete(Db *db, const char *kind, int64_t id);
/* The article's category or date changed: refresh the filter words of its
 * entry and of its documents' entries (db_fts_put does it for the entry it
 * writes, not for the documents).  DB_OK or an error code (logged). */
int db_fts_retag_article(Db *db, int64_t article_id);

/* Tidy the index after a bulk load or a rebuild.  FTS5 keeps the entries
 * of each write transaction in a segment of their own and merges them
 * only a few at a time, so a corpus written in many transactions leaves
 * many segments, and every query reads each one (1M articles: search p99
 * 107 ms before, 75 ms after; docs/PERFORMANCE.md 11).  This merges them
 * into one, step by step, each step its own short write transaction, so
 * it may run beside a serving site.  progress (may be NULL) is told the
 * steps done so far after each one.  Returns the number of steps that
 * merged something (0: already tidy, or a backend with nothing to do:
 * PostgreSQL's GIN index needs no such step), or -1 (logged). */
int64_t db_fts_optimize(Db *db, void (*progress)(void *ctx, int64_t steps), void *ctx);

/* Search the index (added for search.c; backend-specific by nature).
 * match: the query over the folded columns, exact: the same words with
 * their diacritics over the original text (NULL = no exact tier).  Both are
 * FTS5 expressions that search_parse built from quoted tokens only; a
 * PostgreSQL backend would build its tsquery from SearchQuery's words
 * instead.  Only entries of articles visible at `now` (ARTICLE_VISIBLE_SQL)
 * are returned; documents follow their article.  Order: exact-diacritic
 * matches first, then relevance (title weighted above body), then the
 * newest (a backend may rank only the newest few hundred hits of a broad
 * query and list the older ones after them, newest first).  Fills at most
 * f->limit hits (caller's array) and sets *total to the number of all
 * matches; with f->count_cap > 0 counting stops early, and *total >
 * f->count_cap then only means "more than count_cap".  Returns the number
 * of hits, or -1 (logged). */
typedef struct DbFtsFilter {
    const char *kind;         /* NULL/"" all, "article" or "document" */
    int64_t category_id;      /* 0 = all; otherwise this category and its sub-categories */
    int64_t from, to;         /* date range [from, to) in unix seconds; 0 = open */
    int64_t now;              /* visibility time */
    int64_t offset;
    int limit;
    int64_t count_cap;        /* 0: count every match; else stop counting past it */
} DbFtsFilter;
typedef struct DbFtsHit {
    int is_document;          /* 0 article, 1 document (attachment) */
    int64_t ref;              /* articles.id or attachments.id */
    int64_t article_id;       /* the article (the document's article) */
    int exact;                /* 1 when the exact (diacritic) query matched too */
    int64_t date;             /* published_at, or the document's issue date */
} DbFtsHit;
int db_fts_search(Db *db, const char *match, const char *exact, const DbFtsFilter *f,
                  DbFtsHit *hits, int64_t *total);

/* Messages between the server processes that share one database (several
 * nodes on PostgreSQL: LISTEN/NOTIFY; docs/POSTGRESQL.md "Several nodes").
 * db_notify sends payload on channel to every listener (inside a
 * transaction: at its COMMIT, never if it rolls back); on a backend with
 * no such thing (SQLite: one process) it does nothing and returns DB_OK.
 * db_listen subscribes this connection (-1 where unsupported);
 * db_wait_notify waits up to timeout_ms for one message and copies its
 * payload: 1 got one, 0 none in time, -1 the connection failed (reconnect;
 * messages sent meanwhile are lost, so treat everything as changed).
 * channel: a plain lower-case identifier. */
int db_has_notify(Db *db);
int db_listen(Db *db, const char *channel);
int db_notify(Db *db, const char *channel, const char *payload);
int db_wait_notify(Db *db, int timeout_ms, char *payload, size_t n);
/* The runtime type of column col of the current row (SQLite's storage
 * class; on PostgreSQL derived from the column's type): integers and
 * booleans DB_T_INT, floating point and numeric DB_T_REAL, bytea/BLOB
 * DB_T_BLOB, SQL NULL DB_T_NULL, anything else DB_T_TEXT.  For copying
 * rows with their stored type (hoidong migrate). */
enum { DB_T_INT = 1, DB_T_REAL = 2, DB_T_TEXT = 3, DB_T_BLOB = 4, DB_T_NULL = 5 };
int db_col_type(Stmt *st, int col);
/* After rows were inserted with explicit ids: make the next generated id
 * of every auto-numbered column of table (PostgreSQL identity columns)
 * follow the largest one present.  No-op on SQLite, whose rowid already
 * does.  table is a plain identifier.  DB_OK or an error code (logged). */
int db_reset_ids(Db *db, const char *table);

#endif
