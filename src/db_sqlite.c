/* db_sqlite.c - the SQLite backend of the database layer (db.h, db_backend.h).
 *
 * One SqlDb is one sqlite3 connection used by one thread at a time, so it
 * is opened with SQLITE_OPEN_NOMUTEX; the database runs in WAL mode so
 * readers never wait for the writer.  Statements are prepared once per
 * connection and cached in a small open-addressing hash keyed by the SQL
 * text pointer (callers pass literals); the text is compared as well, so
 * a reused buffer holding different SQL can never pick up a wrong plan.
 *
 * Also here, because they are SQLite-specific: online backup with the
 * backup API, integrity and foreign-key checks, and the FTS5 search index
 * (table search_index, created after the portable migrations). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "db_backend.h"
#include "db_sqlite_rank.h"
#include "log.h"

#define BUSY_TIMEOUT_MS 5000
#define BACKUP_PAGES 256

typedef struct SqlStmt {
    Stmt base;
    sqlite3_stmt *st;
    char *sql;          /* copy of the text, to verify cache hits */
    const char *key;    /* the caller's pointer */
    int in_use;         /* between db_prepare and db_done */
    int cached;         /* 0: a one-off statement finalized by db_done */
    int rows;           /* a row was returned since the last reset */
} SqlStmt;

typedef struct SqlDb {
    Db base;
    sqlite3 *h;
    SqlStmt **slots;    /* open addressing, capacity a power of two */
    size_t cap, count;
} SqlDb;

static int sq_accepts(const char *path)
{
    return strncmp(path, "postgres://", 11) != 0 && strncmp(path, "postgresql://", 13) != 0;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) abort();   /* out of memory: like arena/buf, no recovery */
    return p;
}

/* Map an SQLite result code to the db.h codes. */
static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return DB_OK;
    case SQLITE_ROW: return DB_ROW;
    case SQLITE_DONE: return DB_DONE;
    case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
    case SQLITE_FULL: return DB_FULL;
    default: return DB_ERROR;   /* BUSY after the timeout, I/O, corruption, misuse ... */
    }
}

/* Log one failure with the SQL (first 300 bytes; the values are bound,
 * so the SQL carries no user data).  Constraint violations are ordinary
 * outcomes callers handle (a taken slug), so they are only a warning. */
static void log_fail(SqlDb *db, int rc, const char *what, const char *sql)
{
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        log_warn("db: %s: %s [%d] in: %.300s", what, sqlite3_errmsg(db->h), rc, sql ? sql : "");
    else
        log_error("db: %s: %s [%d] in: %.300s", what, sqlite3_errmsg(db->h), rc, sql ? sql : "");
}

static int exec_plain(SqlDb *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) log_fail(db, rc, "exec", sql);
    sqlite3_free(msg);
    return map_rc(rc);
}

static int journal_cb(void *arg, int ncol, char **vals, char **names)
{
    (void)names;
    if (ncol > 0 && vals[0]) snprintf(arg, 16, "%s", vals[0]);
    return 0;
}

static void sq_close(Db *d);

static Db *sq_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);   /* before any pragma: WAL switch may wait */
    SqlDb *db = xcalloc(1, sizeof *db);
    db->base.ops = &db_sqlite_ops;
    db->h = h;

    char mode[16] = "";
    char *msg = NULL;
    /* Switching a fresh file to WAL needs a lock that SQLite does not wait
     * for through the busy handler in every case, so connections opened at
     * the same moment (worker threads at start-up, tests/unit_db's
     * migration race) can get SQLITE_BUSY here: retry, bounded (~2 s). */
    for (int tries = 0;; tries++) {
        rc = sqlite3_exec(h, "PRAGMA journal_mode=WAL", journal_cb, mode, &msg);
        if ((rc & 0xff) != SQLITE_BUSY || tries >= 100) break;
        sqlite3_free(msg);
        msg = NULL;
        sqlite3_sleep(20);
    }
    if (rc == SQLITE_OK) {
        sqlite3_free(msg);
        msg = NULL;
        /* cache_size: negative = KiB, 512 KiB per connection.  The server
         * has one connection per worker thread (32 by default) plus the
         * writer's, and pages missed here come from the operating system's
         * file cache at the cost of a pread: with 8 MiB each, a search load
         * grew the server to 120 MB (bench/run.sh); with 512 KiB the whole
         * bench stays under 50 MB and searches run as fast. */
        rc = sqlite3_exec(h, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; "
                          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-512", NULL, NULL, &msg);
    }
    if (rc == SQLITE_OK && (rc = rank_register(h)) != SQLITE_OK)
        msg = sqlite3_mprintf("cannot register the search ranking function hd_bm25: %s", sqlite3_errstr(rc));
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "cannot set up %s: %s", path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sq_close(&db->base);
        return NULL;
    }
    if (strcmp(mode, "wal") != 0 && strcmp(mode, "memory") != 0)
        log_warn("db: %s: journal mode is %s, not wal", path, mode);
    return &db->base;
}

static void sq_close(Db *d)
{
    SqlDb *db = (SqlDb *)d;
    for (size_t i = 0; i < db->cap; i++) {
        SqlStmt *s = db->slots[i];
        if (!s) continue;
        if (s->in_use)   /* a missing db_done: it kept a read snapshot open */
            log_warn("db: statement never released with db_done: %.300s", s->sql);
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
    }
    free(db->slots);
    if (sqlite3_close(db->h) != SQLITE_OK)   /* only if a one-off statement leaked */
        log_error("db: close: %s", sqlite3_errmsg(db->h));
    free(db);
}

static int sq_exec_script(Db *d, const char *sql)
{
    return exec_plain((SqlDb *)d, sql);
}

static int sq_has_table(Db *d, const char *name)
{
    SqlDb *db = (SqlDb *)d;
    static const char sql[] = "SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        log_fail(db, rc, "prepare", sql);
        return -1;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    int res = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
    if (res < 0) log_fail(db, rc, "step", sql);
    sqlite3_finalize(st);
    return res;
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

static void cache_grow(SqlDb *db)
{
    size_t ncap = db->cap ? db->cap * 2 : 64;
    SqlStmt **ns = xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < db->cap; i++) {
        SqlStmt *s = db->slots[i];
        if (!s) continue;
        size_t j = slot_of(s->key, ncap);
        while (ns[j]) j = (j + 1) & (ncap - 1);
        ns[j] = s;
    }
    free(db->slots);
    db->slots = ns;
    db->cap = ncap;
}

static SqlStmt *compile(SqlDb *db, const char *sql, unsigned flags)
{
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, flags, &st, &tail);
    if (rc != SQLITE_OK) {
        log_fail(db, rc, "prepare", sql);
        return NULL;
    }
    if (!st) {
        log_error("db: prepare: empty SQL");
        return NULL;
    }
    while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';' || *tail == '\r'))
        tail++;
    if (tail && *tail) {   /* only the first statement would run: a bug in the caller */
        log_error("db: prepare: more than one statement in: %.300s", sql);
        sqlite3_finalize(st);
        return NULL;
    }
    SqlStmt *s = xcalloc(1, sizeof *s);
    s->base.db = &db->base;
    s->st = st;
    s->key = sql;
    return s;
}

/* The slot holding key, or NULL. */
static SqlStmt **cache_find(SqlDb *db, const char *key)
{
    if (!db->cap) return NULL;
    for (size_t j = slot_of(key, db->cap); db->slots[j]; j = (j + 1) & (db->cap - 1))
        if (db->slots[j]->key == key) return &db->slots[j];
    return NULL;
}

static Stmt *sq_prepare(Db *d, const char *sql)
{
    SqlDb *db = (SqlDb *)d;
    SqlStmt **slot = cache_find(db, sql);
    if (slot) {
        SqlStmt *s = *slot;
        if (s->in_use) {
            /* The same SQL is still being stepped (nested use): hand out
             * a one-off statement that db_done finalizes. */
            SqlStmt *once = compile(db, sql, 0);
            if (once) once->in_use = 1;
            return once ? &once->base : NULL;
        }
        if (strcmp(s->sql, sql) != 0) {
            /* Same address, different text: the caller reused a buffer.
             * Recompile in place so the entry matches its key again. */
            SqlStmt *n = compile(db, sql, SQLITE_PREPARE_PERSISTENT);
            if (!n) return NULL;
            char *copy = strdup(sql);
            if (!copy) abort();
            sqlite3_finalize(s->st);
            free(s->sql);
            s->st = n->st;
            s->sql = copy;
            free(n);
        }
        s->in_use = 1;
        return &s->base;
    }
    SqlStmt *s = compile(db, sql, SQLITE_PREPARE_PERSISTENT);
    if (!s) return NULL;
    s->sql = strdup(sql);
    if (!s->sql) abort();
    s->cached = 1;
    s->in_use = 1;
    if ((db->count + 1) * 2 > db->cap) cache_grow(db);
    size_t j = slot_of(sql, db->cap);
    while (db->slots[j]) j = (j + 1) & (db->cap - 1);
    db->slots[j] = s;
    db->count++;
    return &s->base;
}

static void sq_done(Stmt *st)
{
    SqlStmt *s = (SqlStmt *)st;
    if (!s->cached) {
        sqlite3_finalize(s->st);
        free(s);
        return;
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = 0;
    s->rows = 0;
}

/* ---- binding ---- */

static int bind_rc(SqlStmt *s, int rc, int i)
{
    if (rc == SQLITE_OK) return DB_OK;
    SqlDb *db = (SqlDb *)s->base.db;
    log_error("db: bind %d: %s [%d] in: %.300s", i, sqlite3_errmsg(db->h), rc, sqlite3_sql(s->st));
    return DB_ERROR;
}

static int sq_bind_int(Stmt *st, int i, int64_t v)
{
    SqlStmt *s = (SqlStmt *)st;
    return bind_rc(s, sqlite3_bind_int64(s->st, i, v), i);
}

static int sq_bind_double(Stmt *st, int i, double v)
{
    SqlStmt *s = (SqlStmt *)st;
    return bind_rc(s, sqlite3_bind_double(s->st, i, v), i);
}

static int sq_bind_text(Stmt *st, int i, const char *v)
{
    SqlStmt *s = (SqlStmt *)st;
    return bind_rc(s, sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT), i);
}

static int sq_bind_blob(Stmt *st, int i, const void *p, size_t n)
{
    SqlStmt *s = (SqlStmt *)st;
    if (n == 0)   /* a NULL pointer would bind SQL NULL; keep it an empty blob */
        return bind_rc(s, sqlite3_bind_zeroblob(s->st, i, 0), i);
    return bind_rc(s, sqlite3_bind_blob64(s->st, i, p, n, SQLITE_TRANSIENT), i);
}

static int sq_bind_null(Stmt *st, int i)
{
    SqlStmt *s = (SqlStmt *)st;
    return bind_rc(s, sqlite3_bind_null(s->st, i), i);
}

/* ---- stepping ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* The busy handler waits up to the timeout for locks, but SQLite returns
 * BUSY without calling it in a few cases (WAL recovery by another
 * connection, a stale read snapshot).  An autocommit statement that has
 * returned no rows yet can simply be restarted, so retry those within the
 * same time budget; anything else is reported. */
static int sq_step(Stmt *st)
{
    SqlStmt *s = (SqlStmt *)st;
    SqlDb *db = (SqlDb *)s->base.db;
    int64_t deadline = 0;
    int rc;
    for (;;) {
        rc = sqlite3_step(s->st);
        if (rc == SQLITE_ROW) {
            s->rows = 1;
            return DB_ROW;
        }
        if (rc == SQLITE_DONE) return DB_DONE;
        int prim = rc & 0xff;
        if ((prim == SQLITE_BUSY || prim == SQLITE_LOCKED) && !s->rows &&
            sqlite3_get_autocommit(db->h)) {
            int64_t t = now_ms();
            if (!deadline) deadline = t + BUSY_TIMEOUT_MS;
            if (t < deadline) {
                sqlite3_reset(s->st);
                sleep_ms(5);
                continue;
            }
        }
        break;
    }
    log_fail(db, rc, "step", sqlite3_sql(s->st));
    return map_rc(rc);
}

/* ---- columns ---- */

static int64_t sq_col_int(Stmt *st, int col)
{
    return sqlite3_column_int64(((SqlStmt *)st)->st, col);
}

static double sq_col_double(Stmt *st, int col)
{
    return sqlite3_column_double(((SqlStmt *)st)->st, col);
}

static const char *sq_col_text(Stmt *st, int col, size_t *len)
{
    sqlite3_stmt *s = ((SqlStmt *)st)->st;
    *len = 0;
    if (sqlite3_column_type(s, col) == SQLITE_NULL) return NULL;
    const char *t = (const char *)sqlite3_column_text(s, col);
    if (!t) return NULL;   /* out of memory converting */
    *len = (size_t)sqlite3_column_bytes(s, col);
    return t;
}

static const void *sq_col_blob(Stmt *st, int col, size_t *n)
{
    sqlite3_stmt *s = ((SqlStmt *)st)->st;
    const void *p = sqlite3_column_blob(s, col);
    *n = (size_t)sqlite3_column_bytes(s, col);
    return p;
}

static int sq_col_is_null(Stmt *st, int col)
{
    return sqlite3_column_type(((SqlStmt *)st)->st, col) == SQLITE_NULL;
}

static int sq_col_count(Stmt *st)
{
    return sqlite3_column_count(((SqlStmt *)st)->st);
}

static const char *sq_col_name(Stmt *st, int col)
{
    const char *n = sqlite3_column_name(((SqlStmt *)st)->st, col);
    return n ? n : "";
}

/* ---- connection-level ---- */

static int64_t sq_last_id(Db *d)
{
    return sqlite3_last_insert_rowid(((SqlDb *)d)->h);
}

static int sq_changes(Db *d)
{
    return sqlite3_changes(((SqlDb *)d)->h);
}

/* Transactions go through the statement cache like any other SQL. */
static int run_cached(Db *d, const char *sql)
{
    Stmt *st = sq_prepare(d, sql);
    if (!st) return DB_ERROR;
    int rc = sq_step(st);
    sq_done(st);
    return rc == DB_DONE ? DB_OK : rc;
}

static int sq_begin(Db *d)
{
    return run_cached(d, "BEGIN IMMEDIATE");
}

static int sq_commit(Db *d)
{
    return run_cached(d, "COMMIT");
}

/* SQLite may already have rolled back by itself (SQLITE_FULL, I/O error):
 * then there is nothing to do and no error to report. */
static int sq_rollback(Db *d)
{
    if (sqlite3_get_autocommit(((SqlDb *)d)->h)) return DB_OK;
    return run_cached(d, "ROLLBACK");
}

static int sq_in_transaction(Db *d)
{
    return !sqlite3_get_autocommit(((SqlDb *)d)->h);
}

static const char *sq_errmsg(Db *d)
{
    return sqlite3_errmsg(((SqlDb *)d)->h);
}

/* ---- backup ---- */

static int fsync_path(const char *path, int dir)
{
    int fd = open(path, (dir ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static void unlink_side_files(const char *base)
{
    static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };
    char p[4096];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(p, sizeof p, "%s%s", base, sfx[i]);
        unlink(p);
    }
}

/* Copy the database into dest_path.  A fresh read-only connection holds
 * one read transaction for the whole copy, so the copy is the snapshot at
 * that moment while other connections keep writing (WAL); the pages go in
 * chunks into dest.tmp, which is fsynced and renamed over dest. */
static int sq_backup(Db *d, const char *dest, char *err, size_t errlen)
{
    SqlDb *db = (SqlDb *)d;
    const char *src_path = sqlite3_db_filename(db->h, "main");
    if (!src_path || !*src_path) {
        snprintf(err, errlen, "backup: the database has no file");
        return -1;
    }
    char tmp[4096];
    if (!dest || snprintf(tmp, sizeof tmp, "%s.tmp", dest) >= (int)sizeof tmp - 16) {
        snprintf(err, errlen, "backup: bad destination path");
        return -1;
    }
    unlink_side_files(tmp);

    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_backup *b = NULL;
    int ok = 0, rc;
    rc = sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "backup: cannot open source: %s", src ? sqlite3_errmsg(src) : sqlite3_errstr(rc));
        goto out;
    }
    sqlite3_busy_timeout(src, BUSY_TIMEOUT_MS);
    /* Reading the schema inside BEGIN starts the read transaction now. */
    rc = sqlite3_exec(src, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "backup: cannot read source: %s", sqlite3_errmsg(src));
        goto out;
    }
    rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "backup: cannot create %s: %s", tmp, dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        goto out;
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
        goto out;
    }
    int64_t deadline = now_ms() + 60000;
    for (;;) {
        rc = sqlite3_backup_step(b, BACKUP_PAGES);
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK) continue;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && now_ms() < deadline) {
            sleep_ms(20);
            continue;
        }
        snprintf(err, errlen, "backup: copy failed: %s", sqlite3_errstr(rc));
        goto out;
    }
    rc = sqlite3_backup_finish(b);
    b = NULL;
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "backup: finish failed: %s", sqlite3_errmsg(dst));
        goto out;
    }
    if (sqlite3_close(dst) != SQLITE_OK) {
        snprintf(err, errlen, "backup: close failed: %s", sqlite3_errmsg(dst));
        goto out;
    }
    dst = NULL;
    if (fsync_path(tmp, 0) != 0) {
        snprintf(err, errlen, "backup: fsync %s: %s", tmp, strerror(errno));
        goto out;
    }
    /* Leftover WAL files of an older database at dest would be replayed
     * into the copy on its first open. */
    char side[4096];
    snprintf(side, sizeof side, "%s-wal", dest);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", dest);
    unlink(side);
    if (rename(tmp, dest) != 0) {
        snprintf(err, errlen, "backup: rename to %s: %s", dest, strerror(errno));
        goto out;
    }
    char dirbuf[4096];
    snprintf(dirbuf, sizeof dirbuf, "%s", dest);
    fsync_path(dirname(dirbuf), 1);
    ok = 1;
out:
    if (b) sqlite3_backup_finish(b);
    if (dst) sqlite3_close(dst);
    if (src) {
        sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
        sqlite3_close(src);
    }
    if (!ok) {
        unlink_side_files(tmp);
        log_error("db: %s", err);
    }
    return ok ? 0 : -1;
}

/* ---- checks ---- */

static int sq_check(Db *d, char *msg, size_t msglen)
{
    SqlDb *db = (SqlDb *)d;
    sqlite3_stmt *st = NULL;
    int res = -1;
    snprintf(msg, msglen, "ok");
    int rc = sqlite3_prepare_v2(db->h, "PRAGMA integrity_check", -1, &st, NULL);
    if (rc != SQLITE_OK || (rc = sqlite3_step(st)) != SQLITE_ROW) {
        snprintf(msg, msglen, "integrity_check failed: %s", sqlite3_errmsg(db->h));
        goto out;
    }
    const char *r = (const char *)sqlite3_column_text(st, 0);
    if (!r || strcmp(r, "ok") != 0) {
        snprintf(msg, msglen, "integrity: %s", r ? r : "?");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = sqlite3_prepare_v2(db->h, "PRAGMA foreign_key_check", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        snprintf(msg, msglen, "foreign_key_check failed: %s", sqlite3_errmsg(db->h));
        goto out;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        /* columns: table, rowid, parent table, fk index */
        const char *t = (const char *)sqlite3_column_text(st, 0);
        const char *p = (const char *)sqlite3_column_text(st, 2);
        snprintf(msg, msglen, "foreign key: %s row %lld refers to a missing %s row",
                 t ? t : "?", (long long)sqlite3_column_int64(st, 1), p ? p : "?");
        goto out;
    }
    if (rc != SQLITE_DONE) {
        snprintf(msg, msglen, "foreign_key_check failed: %s", sqlite3_errmsg(db->h));
        goto out;
    }
    res = 0;
out:
    sqlite3_finalize(st);
    return res;
}

/* ---- full-text search ---- */

/* One FTS5 table, search_index:
 *   kind, ref     UNINDEXED: "article"/"document" and the row's id;
 *   title, body   folded text (vn_fold: lowercase, no diacritics, đ -> d),
 *                 what every query matches ("hoi dong" finds "Hội đồng");
 *   title_orig, body_orig  the original text, indexed too: the tokenizer
 *                 keeps diacritics (remove_diacritics 0) and folds case, so
 *                 a query typed with diacritics can rank exact matches first.
 * The rowid encodes (kind, ref) as ref * 4 + kind code, so replacing or
 * deleting one entry is a rowid lookup instead of a scan of the table
 * (kind and ref are unindexed).  prefix='2 3 4' keeps the trailing prefix
 * match of a query ("hoi dong nh", "cu tri kien nghi") cheap: without the
 * 4-letter prefix, "nghi" * merged the doclists of nghiem, nghien,
 * nghiep ... on every evaluation and bm25 read all their positions
 * (make bench: that one query took 14-17 ms, the others 2-7 ms).
 *
 * Older databases have an earlier layout (originals unindexed, automatic
 * rowids, remove_diacritics 2; or prefix='2 3'); they are rebuilt once,
 * copying the rows (10 000 articles: about 2 s). */
#define FTS_CREATE(name) \
    "CREATE VIRTUAL TABLE " name " USING fts5(" \
    "kind UNINDEXED, ref UNINDEXED, title, body, title_orig, body_orig, tags, " \
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3 4')"
#define FTS_KIND_CODE(k) "(CASE " k " WHEN 'article' THEN 0 WHEN 'document' THEN 1 ELSE 3 END)"

/* 1 when the table has the current layout, 0 when it is the old one, -1 error. */
static int fts_layout_current(SqlDb *db)
{
    static const char sql[] = "SELECT sql FROM sqlite_master WHERE name = 'search_index'";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db->h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        log_fail(db, rc, "prepare", sql);
        return -1;
    }
    rc = sqlite3_step(st);
    int res = -1;
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        res = t && strstr(t, "remove_diacritics 0") != NULL && strstr(t, "prefix = '2 3 4'") != NULL &&
              strstr(t, "body_orig, tags,") != NULL;
    } else {
        log_fail(db, rc, "step", sql);
    }
    sqlite3_finalize(st);
    return res;
}

static int sq_post_migrate(Db *d)
{
    SqlDb *db = (SqlDb *)d;
    int has = sq_has_table(d, "search_index");
    if (has < 0) return DB_ERROR;
    int cur = has ? fts_layout_current(db) : 0;
    if (cur < 0) return DB_ERROR;
    if (has && cur) return DB_OK;                  /* common case: no writer lock taken */
    int rc = sq_begin(d);
    if (rc != DB_OK) return rc;
    has = sq_has_table(d, "search_index");         /* re-check under the lock */
    cur = has > 0 ? fts_layout_current(db) : 0;
    if (has < 0 || cur < 0) {
        rc = DB_ERROR;
    } else if (!has) {
        rc = exec_plain(db, FTS_CREATE("search_index"));
    } else if (!cur) {
        /* Old layout: copy every entry into the new table under its encoded
         * rowid, without tags; forgetting the index format makes
         * content_search_upgrade re-put every entry, tags and all, before
         * the server answers (a filtered search needs them). */
        rc = exec_plain(db,
            "DROP TABLE IF EXISTS search_index_new;"
            FTS_CREATE("search_index_new") ";"
            "INSERT INTO search_index_new (rowid, kind, ref, title, body, title_orig, body_orig, tags) "
            "SELECT ref * 4 + " FTS_KIND_CODE("kind") ", kind, ref, title, body, title_orig, "
            "body_orig, '' FROM search_index;"
            "DROP TABLE search_index;"
            "ALTER TABLE search_index_new RENAME TO search_index;"
            "DELETE FROM settings WHERE key = 'search_index_format';");
        if (rc == DB_OK) log_info("db: search index rebuilt in the current layout");
    }
    if (rc == DB_OK) rc = sq_commit(d);
    if (rc != DB_OK) sq_rollback(d);
    return rc;
}

/* The rowid of (kind, ref); -1 for an unknown kind (logged). */
static int64_t fts_rowid(const char *kind, int64_t ref)
{
    int code = strcmp(kind, "article") == 0 ? 0 : strcmp(kind, "document") == 0 ? 1 : -1;
    if (code < 0 || ref < 0 || ref > (INT64_MAX >> 3)) {
        log_error("db: search index: unknown kind \"%.40s\" or bad id %lld", kind, (long long)ref);
        return -1;
    }
    return ref * 4 + code;
}

static int sq_fts_delete(Db *d, const char *kind, int64_t id)
{
    int64_t rowid = fts_rowid(kind, id);
    if (rowid < 0) return DB_ERROR;
    return db_exec(d, "DELETE FROM search_index WHERE rowid = ?1", "l", rowid);
}

static int sq_fts_put(Db *d, const char *kind, int64_t id, const char *title, const char *body,
                      const char *ftitle, const char *fbody, const char *tags)
{
    int64_t rowid = fts_rowid(kind, id);
    if (rowid < 0) return DB_ERROR;
    int rc = db_exec(d, "DELETE FROM search_index WHERE rowid = ?1", "l", rowid);
    if (rc != DB_OK) return rc;
    return db_exec(d, "INSERT INTO search_index (rowid, kind, ref, title, body, title_orig, body_orig, tags) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                   "ltlttttt", rowid, kind, id, ftitle, fbody, title, body, tags ? tags : "");
}

/* FTS5 rewrites the whole entry on an UPDATE; unchanged tags cost only the
 * look-up of the stored ones. */
static int sq_fts_retag(Db *d, const char *kind, int64_t id, const char *tags)
{
    int64_t rowid = fts_rowid(kind, id);
    if (rowid < 0) return DB_ERROR;
    return db_exec(d, "UPDATE search_index SET tags = ?2 WHERE rowid = ?1 AND tags IS NOT ?2", "lt", rowid,
                   tags ? tags : "");
}

/* The search (db.h db_fts_search).  ?1 now, ?2 match, ?3 kind ('' = all),
 * ?4 category (0 = all), ?5 from, ?6 to (0 = open), ?7 limit, ?8 offset,
 * ?9 exact, ?10 and ?11 the rowid range [lo, hi) the statement looks at.
 * The status condition is content.h's ARTICLE_VISIBLE_SQL,
 * spelled out (a backend does not include the publishing model).
 * Documents are joined to their article for visibility and
 * category; their date is the issue date when known.  The score is
 * hd_bm25 (db_sqlite_rank.c: bm25 that counts a word's entries up to
 * RANK_DF_CAP and estimates past it), weights: folded title 10, folded body 1 (the match is limited to those two columns by
 * the expression itself).  Kind and id come from the rowid (ref * 4 +
 * code): reading the unindexed kind/ref columns would load each matching
 * entry's whole stored text from the FTS5 content table, which made common
 * queries several times slower.  The article columns come from the narrow
 * covering index articles_visibility (migration 7; INDEXED BY because the
 * planner would otherwise seek each article row, bodies and all, by its
 * rowid).  The total is a separate count without bm25 when the page is not
 * the whole answer: counting with count(*) OVER () made SQLite materialise
 * and sort every hit instead of keeping the best LIMIT rows (a query
 * matching 9 800 articles: 37 ms with the window, 17 + 5 ms without;
 * bench/run.sh).
 *
 * The ranking pool.  bm25 reads every ranked hit's positions and document
 * size: over the ~9 000 hits of a broad query ("giam sat") that alone
 * cost 10-18 ms.  So only the FTS_POOL newest hits that pass the filters
 * are ranked: sql_fts_pool walks the hits newest first (FTS5 streams
 * them in rowid order without bm25; rowid order is id order, i.e. age) up
 * to the FTS_POOL-th, and the ranked statement is limited to rowids from
 * there up (FTS5 seeks the range itself).  Hits older than the pool follow
 * the ranked ones, newest first, so every hit is still reachable.  A query
 * with fewer hits than FTS_POOL is ranked whole, as before.  The walk goes
 * on past the pool to count the hits, up to f->count_cap when set:
 * counting the 8 000 hits of "giam sat" through the visibility join cost
 * 5 ms of its own.
 * FTS_POOL: make bench-search p99 71 ms ranking all, 23 ms with 500, 14 ms
 * with 250.  The price: a broad query's best match older than its 250
 * newest hits is listed by date, not first. */
#define FTS_POOL 250
/* The highest rowid the index can hold now (fts_rowid: id * 4 + kind), for
 * hd_bm25's estimate of how many entries hold a common word; two index
 * look-ups, evaluated once per statement. */
#define FTS_ROWID_MAX \
    "(4 * max((SELECT coalesce(max(id), 0) FROM articles), " \
    "(SELECT coalesce(max(id), 0) FROM attachments)) + 3)"
#define FTS_SUB \
    "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?4" \
    " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id) "
#define FTS_DATE "COALESCE(t.issued_at, a.published_at, a.created_at)"
#define FTS_ISDOC "(search_index.rowid % 4 = 1)"
#define FTS_REF "(search_index.rowid / 4)"
#define FTS_FROM \
    " FROM search_index" \
    " LEFT JOIN attachments t ON " FTS_ISDOC " AND t.id = " FTS_REF \
    " JOIN articles a INDEXED BY articles_visibility" \
    " ON a.id = (CASE WHEN " FTS_ISDOC " THEN t.article_id ELSE " FTS_REF " END)" \
    " WHERE search_index MATCH ?2 AND search_index.rowid % 4 < 2" \
    " AND search_index.rowid >= ?10 AND search_index.rowid < ?11" \
    " AND (a.status = 'published' OR (a.status = 'scheduled' AND a.published_at <= ?1))" \
    " AND (?3 = '' OR (?3 = 'document') = " FTS_ISDOC ")" \
    " AND (?4 = 0 OR a.category_id IN (SELECT id FROM sub))" \
    " AND (?5 = 0 OR " FTS_DATE " >= ?5) AND (?6 = 0 OR " FTS_DATE " < ?6)"
#define FTS_EXACT \
    "(search_index.rowid IN (SELECT rowid FROM search_index WHERE search_index MATCH ?9" \
    " AND rowid >= ?10 AND rowid < ?11))"
#define FTS_SELECT(exact) \
    FTS_SUB "SELECT isdoc, ref, art, ex, dt FROM (" \
    "SELECT " FTS_ISDOC " AS isdoc, " FTS_REF " AS ref, a.id AS art, " \
    exact " AS ex, " FTS_DATE " AS dt, search_index.rowid AS rid, " \
    "hd_bm25(search_index, 0, " FTS_ROWID_MAX ", 0.0, 0.0, 10.0, 1.0, 0.0, 0.0, 0.0) AS score" FTS_FROM ")" \
    " ORDER BY ex DESC, score, dt DESC, rid DESC LIMIT ?7 OFFSET ?8"
/* Hits older than the pool: newest first, streamed without ranking. */
#define FTS_SELECT_OLD(exact) \
    FTS_SUB "SELECT " FTS_ISDOC ", " FTS_REF ", a.id, " exact ", " FTS_DATE FTS_FROM \
    " ORDER BY search_index.rowid DESC LIMIT ?7 OFFSET ?8"

static const char sql_fts_exact[] = FTS_SELECT(FTS_EXACT);
static const char sql_fts_plain[] = FTS_SELECT("0");
static const char sql_fts_old_exact[] = FTS_SELECT_OLD(FTS_EXACT);
static const char sql_fts_old_plain[] = FTS_SELECT_OLD("0");
/* ?7 is how many hits to walk (-1 all). */
static const char sql_fts_pool[] =
    FTS_SUB "SELECT search_index.rowid" FTS_FROM " ORDER BY search_index.rowid DESC LIMIT ?7";

/* Bind ?1..?6 (the filter) and ?10, ?11 (the rowid range), then ?7, ?8
 * (page) and ?9 (exact) when the statement has them. */
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

/* Run one page statement over rowids [lo, hi) with limit/offset from g;
 * appends to hits[*n..]; 0 or -1. */
static int fts_page(Db *d, const char *sql, const char *match, const char *exact,
                    const DbFtsFilter *g, int64_t lo, int64_t hi, DbFtsHit *hits, int *n)
{
    int with_exact = exact && *exact;
    Stmt *st = db_prepare(d, sql);
    if (!st) return -1;
    if (fts_bind(st, match, exact, g, lo, hi, 1, with_exact) != 0) {
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

static int fts_run(Db *d, const char *match, const char *exact, int with_exact, const DbFtsFilter *f,
                   DbFtsHit *hits, int64_t *total)
{
    /* Where the pool starts: the rowid of the FTS_POOL-th newest hit, or
     * 0 (everything is ranked) when there are fewer.  The same walk counts
     * the hits, up to one past the cap: a separate count would evaluate
     * the expression once more (a trailing prefix such as "nghi" merges the
     * doclists of every word it starts, each time). */
    int64_t bound = 0, seen = 0;
    int64_t walk = f->count_cap > 0 ? (f->count_cap + 1 > FTS_POOL ? f->count_cap + 1 : FTS_POOL) : -1;
    Stmt *st = db_prepare(d, sql_fts_pool);
    if (!st) return -1;
    if (fts_bind(st, match, NULL, f, 0, INT64_MAX, 0, 0) != 0 || db_bind_int(st, 7, walk) != 0) {
        db_done(st);
        return -1;
    }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (++seen == FTS_POOL) bound = db_col_int(st, 0);
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    int64_t pool = seen >= FTS_POOL ? FTS_POOL : -1;   /* -1: all hits are ranked */
    if (pool < 0) bound = 0;

    int n = 0;
    if (pool < 0 || f->offset < pool) {
        DbFtsFilter g = *f;
        if (pool >= 0 && g.offset + g.limit > pool) g.limit = (int)(pool - g.offset);
        if (fts_page(d, with_exact ? sql_fts_exact : sql_fts_plain, match, exact, &g, bound,
                     INT64_MAX, hits, &n) != 0)
            return -1;
    }
    if (pool >= 0 && n < f->limit) {
        /* The page reaches past the pool: the older hits, newest first. */
        DbFtsFilter g = *f;
        g.offset = f->offset > pool ? f->offset - pool : 0;
        g.limit = f->limit - n;
        int m = 0;
        if (fts_page(d, with_exact ? sql_fts_old_exact : sql_fts_old_plain, match, exact, &g, 0,
                     bound, hits + n, &m) != 0)
            return -1;
        n += m;
    }
    *total = seen;            /* every hit, or one past the cap */
    return n;
}

static int sq_fts_search(Db *d, const char *match, const char *exact, const DbFtsFilter *f,
                         DbFtsHit *hits, int64_t *total)
{
    *total = 0;
    if (f->limit == 0) return 0;
    int with_exact = exact && *exact;
    /* The filters as index words (db_fts.c db_fts_filter_match): the walk
     * below then meets only entries of the right kind, category and
     * months; the statements still check every filter exactly. */
    Arena *a = arena_new();
    const char *tags = db_fts_filter_match(d, a, f);
    if (!tags) {
        arena_free(a);
        return -1;
    }
    if (*tags) match = arena_printf(a, "(%s) AND (%s)", tags, match);
    /* The exact tier's subquery lists only entries the outer statement
     * can meet (it asks "is this hit also exact?"): intersected with the
     * match, FTS5 builds a list of at most the pool's hits instead of
     * every entry that holds "hội đồng" (50 427 at 1M above the pool's
     * bound, 14 ms to collect). */
    if (with_exact) exact = arena_printf(a, "(%s) AND (%s)", match, exact);
    int n = fts_run(d, match, exact, with_exact, f, hits, total);
    arena_free(a);
    return n;
}

/* db_fts_optimize: FTS5's 'merge' command with a negative page count
 * merges segments of any level (not only where 'usermerge' of them
 * pile up) and writes about that many leaf pages per call; repeated, it
 * ends in the same single segment as 'optimize', which does everything
 * in one transaction (1M articles: 145 s holding the write lock).  A
 * step that merged nothing changes fewer than 2 rows (sqlite3_total_changes
 * before and after: the FTS5 documentation's test).  100 000 articles
 * written in 100 transactions: 128 steps, 11.3 s in all, against 10.0 s
 * for one 'optimize'. */
static int64_t sq_fts_optimize(Db *d, void (*progress)(void *ctx, int64_t steps), void *ctx)
{
    SqlDb *db = (SqlDb *)d;
    int has = sq_has_table(d, "search_index");
    if (has <= 0) return has < 0 ? -1 : 0;
    int64_t steps = 0;
    for (;;) {
        if (sq_begin(d) != DB_OK) return -1;
        int before = sqlite3_total_changes(db->h);
        int rc = exec_plain(db, "INSERT INTO search_index (search_index, rank) VALUES ('merge', -1000)");
        int merged = sqlite3_total_changes(db->h) - before >= 2;
        if (rc == DB_OK) rc = sq_commit(d);
        if (rc != DB_OK) {
            sq_rollback(d);
            return -1;
        }
        if (!merged) return steps;
        steps++;
        if (progress) progress(ctx, steps);
    }
}

/* ---- copying (hoidong migrate) ---- */

/* SQLite's storage class of the value; the DB_T_* codes use its numbers. */
static int sq_col_type(Stmt *st, int col)
{
    switch (sqlite3_column_type(((SqlStmt *)st)->st, col)) {
    case SQLITE_INTEGER: return DB_T_INT;
    case SQLITE_FLOAT: return DB_T_REAL;
    case SQLITE_BLOB: return DB_T_BLOB;
    case SQLITE_NULL: return DB_T_NULL;
    default: return DB_T_TEXT;
    }
}

const DbOps db_sqlite_ops = {
    .name = "sqlite",
    .accepts = sq_accepts,
    .open = sq_open,
    .close = sq_close,
    .exec_script = sq_exec_script,
    .has_table = sq_has_table,
    .post_migrate = sq_post_migrate,
    .prepare = sq_prepare,
    .done = sq_done,
    .bind_int = sq_bind_int,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_is_null = sq_col_is_null,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .last_id = sq_last_id,
    .changes = sq_changes,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .errmsg = sq_errmsg,
    .backup = sq_backup,
    .check = sq_check,
    .fts_put = sq_fts_put,
    .fts_retag = sq_fts_retag,
    .fts_delete = sq_fts_delete,
    .fts_search = sq_fts_search,
    .fts_optimize = sq_fts_optimize,
    .col_type = sq_col_type,
    .reset_ids = NULL,
};
