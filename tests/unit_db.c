/* unit_db.c - tests for the database layer (db.c, db_sqlite.c, db_fts.c):
 * migrations, binding round-trips, the statement cache, error mapping,
 * transactions, per-thread connections under concurrent writers, online
 * backup while writing, and the integrity check.  Every database lives in
 * a mkdtemp directory under /tmp that is removed at the end. */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "arena.h"
#include "db.h"
#include "db_schema.h"
#include "log.h"

static char tmpdir[64];

/* A fresh path in the temp directory. */
static const char *tpath(const char *name)
{
    static char p[8][256];
    static int k;
    char *s = p[k++ % 8];
    snprintf(s, 256, "%s/%s", tmpdir, name);
    return s;
}

static int nmigrations(void)
{
    int n = 0;
    while (db_migrations[n]) n++;
    return n;
}

/* The database named name: a file in the temp directory, or with
 * HOIDONG_TEST_PG its own schema on that server (t_db). */
static const char *dbpath(const char *name)
{
    return t_db(tpath(name));
}

/* 1 when the table exists, through the catalog of the backend in use. */
static int64_t has_table(Db *db, const char *name)
{
    if (t_pg())
        return db_int(db, 0, "SELECT count(*) FROM information_schema.tables"
                             " WHERE table_schema = current_schema() AND table_name = ?1", "t", name);
    return db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1", "t", name);
}

static Db *open_new(const char *name)
{
    char err[256] = "";
    Db *db = db_open(dbpath(name), 1, err, sizeof err);
    if (!db) fprintf(stderr, "open %s: %s\n", name, err);
    return db;
}

/* ---- migrations ---- */

TEST(test_migrate_fresh)
{
    Db *db = open_new("m.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_schema_version(db), nmigrations());
    CHECK(nmigrations() >= 1);
    /* Every table created by a migration exists (names read from the SQL). */
    int tables = 0;
    for (int m = 0; db_migrations[m]; m++) {
        const char *p = db_migrations[m];
        while ((p = strstr(p, "CREATE TABLE "))) {
            p += strlen("CREATE TABLE ");
            char name[64];
            size_t n = strcspn(p, " (\n");
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, p, n);
            name[n] = 0;
            int64_t have = has_table(db, name);
            if (have != 1) fprintf(stderr, "missing table %s\n", name);
            CHECK_INT(have, 1);
            tables++;
        }
    }
    CHECK(tables >= 10);
    CHECK_INT(has_table(db, "articles"), 1);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM schema_version", NULL), 1);
    Arena *a = arena_new();
    if (t_pg()) {
        /* INTEGER is 64-bit and INTEGER PRIMARY KEY numbers rows (db_pg.c's DDL translation). */
        CHECK_STR(db_text(db, a, "SELECT data_type FROM information_schema.columns WHERE table_schema ="
                                 " current_schema() AND table_name = 'articles' AND column_name = 'published_at'",
                          NULL), "bigint");
        CHECK_STR(db_text(db, a, "SELECT is_identity FROM information_schema.columns WHERE table_schema ="
                                 " current_schema() AND table_name = 'articles' AND column_name = 'id'", NULL),
                  "YES");
        CHECK_INT(has_table(db, "search_index"), 1);
        arena_free(a);
        db_close(db);
        return;
    }
    /* Session settings. */
    CHECK_STR(db_text(db, a, "PRAGMA journal_mode", NULL), "wal");
    CHECK_INT(db_int(db, -1, "PRAGMA foreign_keys", NULL), 1);
    CHECK_INT(db_int(db, -1, "PRAGMA synchronous", NULL), 2);   /* FULL */
    CHECK_INT(db_int(db, -1, "PRAGMA temp_store", NULL), 2);    /* MEMORY */
    arena_free(a);
    db_close(db);
}

TEST(test_migrate_reopen)
{
    Db *db = open_new("m.db");   /* created by test_migrate_fresh */
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_exec(db, "INSERT INTO settings (key, value) VALUES (?1, ?2)", "tt", "k", "v"), DB_OK);
    db_close(db);
    db = open_new("m.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_schema_version(db), nmigrations());
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM schema_version", NULL), 1);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = ?1", "t", "k"), "v");
    arena_free(a);
    db_close(db);
}

TEST(test_migrate_newer_refused)
{
    Db *db = open_new("newer.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_exec(db, "UPDATE schema_version SET version = ?1", "i", nmigrations() + 1), DB_OK);
    db_close(db);
    char err[256] = "";
    db = db_open(dbpath("newer.db"), 1, err, sizeof err);
    CHECK(db == NULL);
    CHECK_CONTAINS(err, "newer");
    db_close(db);
    /* Without migrate the file still opens (tools may inspect it). */
    db = db_open(dbpath("newer.db"), 0, err, sizeof err);
    CHECK(db != NULL);
    if (db) CHECK_INT(db_schema_version(db), nmigrations() + 1);
    db_close(db);
}

TEST(test_open_errors)
{
    char err[256] = "";
    Db *db = db_open("postgres://localhost/hoidong", 1, err, sizeof err);
    CHECK(db == NULL);
    CHECK_CONTAINS(err, "PostgreSQL");
    err[0] = 0;
    db = db_open("/nonexistent-dir/x/y.db", 1, err, sizeof err);
    CHECK(db == NULL);
    CHECK(err[0] != 0);
    CHECK(db_open("/nonexistent-dir/x/y.db", 1, NULL, 0) == NULL);   /* reason logged instead */
    CHECK(db_open("", 1, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "path");
}

/* Threads opening a fresh database at once each see it fully migrated. */
struct mig_arg { int ok; int version; };
static void *mig_thread(void *p)
{
    struct mig_arg *m = p;
    char err[256];
    Db *db = db_open(dbpath("race.db"), 1, err, sizeof err);
    m->ok = db != NULL;
    if (!db) fprintf(stderr, "race open: %s\n", err);
    m->version = db ? db_schema_version(db) : -1;
    db_close(db);
    return NULL;
}

TEST(test_migrate_concurrent)
{
    pthread_t th[4];
    struct mig_arg m[4] = { { 0, 0 } };
    dbpath("race.db");   /* with PostgreSQL: the empty schema exists before the race */
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, mig_thread, &m[i]);
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        CHECK(m[i].ok);
        CHECK_INT(m[i].version, nmigrations());
    }
    Db *db = open_new("race.db");
    CHECK(db != NULL);
    if (db) CHECK_INT(db_int(db, -1, "SELECT count(*) FROM schema_version", NULL), 1);
    db_close(db);
}

/* ---- binding and columns ---- */

TEST(test_bind_roundtrip)
{
    Db *db = open_new("b.db");
    CHECK(db != NULL);
    if (!db) return;
    /* Typeless columns on SQLite; PostgreSQL needs types (REAL and BLOB are
     * translated to DOUBLE PRECISION and BYTEA there). */
    CHECK_INT(db_exec(db, t_pg() ? "CREATE TABLE t (i INTEGER, l INTEGER, d REAL, s TEXT, b BLOB, n INTEGER, s2 TEXT)"
                                 : "CREATE TABLE t (i, l, d, s, b, n, s2)", NULL), DB_OK);
    const unsigned char blob[] = { 0, 1, 2, 0xff, 0, 'x' };
    CHECK_INT(db_exec(db, "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "ildtbnt",
                      INT_MIN, (int64_t)INT64_MAX, -4.5, "chữ", (const void *)blob, sizeof blob,
                      (const char *)NULL), DB_OK);
    if (!t_pg()) CHECK_INT(db_last_id(db), 1);   /* a rowid; PostgreSQL tables have none (test_last_id) */
    CHECK_INT(db_changes(db), 1);

    Stmt *st = db_prepare(db, t_pg() ? "SELECT i, l, d, s, b, n, s2, 'null', 'null', 'real' FROM t"
                                     : "SELECT i, l, d, s, b, n, s2, typeof(n), typeof(s2), typeof(d) FROM t");
    CHECK(st != NULL);
    if (!st) { db_close(db); return; }
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_INT(db_col_count(st), 10);
    CHECK_STR(db_col_name(st, 3), "s");
    CHECK_INT(db_col_int(st, 0), INT_MIN);
    CHECK(db_col_int(st, 1) == INT64_MAX);
    CHECK(db_col_double(st, 2) == -4.5);
    CHECK_STR(db_col_text(st, 3), "chữ");
    size_t n = 0;
    const void *p = db_col_blob(st, 4, &n);
    CHECK_INT(n, sizeof blob);
    CHECK(p && memcmp(p, blob, sizeof blob) == 0);
    CHECK(db_col_is_null(st, 5));
    CHECK(db_col_is_null(st, 6));
    CHECK(!db_col_is_null(st, 0));
    CHECK_STR(db_col_text(st, 5), "");          /* NULL reads as "" */
    Arena *a = arena_new();
    CHECK(db_col_dup(st, 5, a) == NULL);        /* ... and dups as NULL */
    CHECK_STR(db_col_dup(st, 3, a), "chữ");
    CHECK_STR(db_col_text(st, 7), "null");
    CHECK_STR(db_col_text(st, 8), "null");
    CHECK_STR(db_col_text(st, 9), "real");
    CHECK_INT(db_step(st), DB_DONE);
    db_done(st);

    /* The single-value binders, and an empty blob stays a blob. */
    st = db_prepare(db, "INSERT INTO t (i, l, d, s, b, n) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    CHECK(st != NULL);
    if (st) {
        CHECK_INT(db_bind_int(st, 1, 7), DB_OK);
        CHECK_INT(db_bind_int(st, 2, -((int64_t)1 << 40)), DB_OK);
        CHECK_INT(db_bind_double(st, 3, 0.25), DB_OK);
        CHECK_INT(db_bind_text(st, 4, NULL), DB_OK);
        CHECK_INT(db_bind_blob(st, 5, NULL, 0), DB_OK);
        CHECK_INT(db_bind_null(st, 6), DB_OK);
        CHECK(db_bind_int(st, 7, 1) != DB_OK);   /* out of range: an error, logged */
        CHECK_INT(db_step(st), DB_DONE);
        db_done(st);
    }
    CHECK_INT(db_int(db, 0, "SELECT i FROM t WHERE l = ?1", "l", -((int64_t)1 << 40)), 7);
    CHECK_STR(db_text(db, a, t_pg() ? "SELECT pg_typeof(b) || '/' || length(b) || '/' || (s IS NULL) FROM t WHERE i = 7"
                                    : "SELECT typeof(b) || '/' || length(b) || '/' || typeof(s) FROM t WHERE i = 7", NULL),
              t_pg() ? "bytea/0/true" : "blob/0/null");
    CHECK_STR(db_text(db, a, "SELECT d FROM t WHERE i = ?1", "i", 7), "0.25");
    CHECK(db_bindf(NULL, "i", 1) != DB_OK);
    st = db_prepare(db, "SELECT ?1");
    CHECK(db_bindf(st, "x", 1) != DB_OK);     /* unknown type letter */
    db_done(st);
    arena_free(a);
    db_close(db);
}

TEST(test_vietnamese_text)
{
    Db *db = open_new("b.db");
    CHECK(db != NULL);
    if (!db) return;
    /* NFC text, and the same word decomposed (NFD): both must come back
     * byte for byte, never normalised by the layer. */
    const char *nfc = "Hội đồng nhân dân thành phố Hà Nội – Đề án 15-ĐA/TU: “ưu tiên” ỹ ẵ";
    const char *nfd = "Ho\xcc\x9b\xcc\xa3i \xc4\x91o\xcc\x82\xcc\x80ng";
    CHECK_INT(db_exec(db, "CREATE TABLE v (id INTEGER PRIMARY KEY, s TEXT)", NULL), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO v (id, s) VALUES (1, ?1), (2, ?2)", "tt", nfc, nfd), DB_OK);
    Arena *a = arena_new();
    char *r1 = db_text(db, a, "SELECT s FROM v WHERE id = ?1", "i", 1);
    char *r2 = db_text(db, a, "SELECT s FROM v WHERE id = ?1", "i", 2);
    CHECK(r1 && strlen(r1) == strlen(nfc) && memcmp(r1, nfc, strlen(nfc)) == 0);
    CHECK(r2 && strlen(r2) == strlen(nfd) && memcmp(r2, nfd, strlen(nfd)) == 0);
    CHECK_INT(db_int(db, 0, "SELECT length(s) FROM v WHERE id = 1", NULL), 66);   /* code points */
    CHECK_INT(db_int(db, 0, "SELECT id FROM v WHERE s = ?1", "t", nfc), 1);
    arena_free(a);
    db_close(db);
}

/* db_last_id after inserts into an auto-numbered table. */
TEST(test_last_id)
{
    Db *db = open_new("b.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_exec(db, "CREATE TABLE li (id INTEGER PRIMARY KEY, s TEXT NOT NULL)", NULL), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO li (s) VALUES (?1)", "t", "một"), DB_OK);
    CHECK_INT(db_last_id(db), 1);
    CHECK_INT(db_exec(db, "INSERT INTO li (s) VALUES (?1)", "t", "hai"), DB_OK);
    CHECK_INT(db_last_id(db), 2);
    CHECK_INT(db_changes(db), 1);
    CHECK_INT(db_exec(db, "UPDATE li SET s = s || '!'", NULL), DB_OK);
    CHECK_INT(db_changes(db), 2);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM li", NULL), 2);   /* a SELECT leaves changes alone */
    CHECK_INT(db_changes(db), 2);
    db_close(db);
}

/* ---- statement cache ---- */

TEST(test_stmt_cache)
{
    Db *db = open_new("c.db");
    CHECK(db != NULL);
    if (!db) return;
    static const char q[] = "SELECT ?1 + 1";
    Stmt *a = db_prepare(db, q);
    CHECK(a != NULL);
    CHECK_INT(db_bind_int(a, 1, 41), DB_OK);
    CHECK_INT(db_step(a), DB_ROW);
    CHECK_INT(db_col_int(a, 0), 42);
    db_done(a);
    Stmt *b = db_prepare(db, q);
    CHECK(a == b);                         /* same literal -> same statement */
    /* done cleared the binding: ?1 is NULL now */
    CHECK_INT(db_step(b), DB_ROW);
    CHECK(db_col_is_null(b, 0));
    /* The same SQL again while b is still stepping: a separate statement. */
    Stmt *c = db_prepare(db, q);
    CHECK(c != NULL && c != b);
    if (c) {
        CHECK_INT(db_bind_int(c, 1, 1), DB_OK);
        CHECK_INT(db_step(c), DB_ROW);
        CHECK_INT(db_col_int(c, 0), 2);
        db_done(c);
    }
    db_done(b);
    CHECK(db_prepare(db, q) == a);
    db_done(a);
    /* Different text -> different statement; one-liners reuse too. */
    Stmt *d = db_prepare(db, "SELECT 2");
    CHECK(d != NULL && d != a);
    db_done(d);
    CHECK(db_prepare(db, "SELECT 2") == d);
    db_done(d);
    /* A buffer reused for other SQL does not pick up the old plan. */
    char buf[64];
    snprintf(buf, sizeof buf, "SELECT 10");
    CHECK_INT(db_int(db, 0, buf, NULL), 10);
    snprintf(buf, sizeof buf, "SELECT 20");
    CHECK_INT(db_int(db, 0, buf, NULL), 20);
    /* Errors: bad SQL and several statements are refused (PostgreSQL
     * prepares on the server at the first step, so it refuses there). */
    if (t_pg()) {
        Stmt *bad = db_prepare(db, "SELEC nonsense");
        CHECK(bad == NULL || db_step(bad) == DB_ERROR);
        db_done(bad);
        bad = db_prepare(db, "SELECT 1; SELECT 2");
        CHECK(bad == NULL || db_step(bad) == DB_ERROR);
        db_done(bad);
    } else {
        CHECK(db_prepare(db, "SELEC nonsense") == NULL);
        CHECK(db_prepare(db, "SELECT 1; SELECT 2") == NULL);
    }
    Stmt *e = db_prepare(db, "SELECT 1;  ");   /* a trailing ; is fine */
    CHECK(e != NULL);
    db_done(e);
    db_close(db);
}

/* ---- errors, transactions, one-liners ---- */

TEST(test_constraint)
{
    Db *db = open_new("e.db");
    CHECK(db != NULL);
    if (!db) return;
    const char *ins = "INSERT INTO users (username, display_name, password_hash, role, created_at) "
                      "VALUES (?1, ?2, 'x', ?3, 0)";
    CHECK_INT(db_exec(db, ins, "ttt", "an", "Nguyễn Văn An", "editor"), DB_OK);
    CHECK_INT(db_exec(db, ins, "ttt", "an", "Khác", "editor"), DB_CONSTRAINT);        /* UNIQUE */
    CHECK_INT(db_exec(db, ins, "ttt", "binh", "Bình", "owner"), DB_CONSTRAINT);       /* CHECK */
    CHECK_INT(db_exec(db, ins, "ttt", "chi", NULL, "editor"), DB_CONSTRAINT);         /* NOT NULL */
    CHECK_INT(db_exec(db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) "
                          "VALUES ('t', 999, 'c', 0, 0)", NULL), DB_CONSTRAINT);        /* FOREIGN KEY */
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM users", NULL), 1);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM sessions", NULL), 0);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT display_name FROM users", NULL), "Nguyễn Văn An");
    arena_free(a);
    /* Inside a transaction: the failing statement writes nothing, and the
     * caller's rollback removes the earlier one. */
    CHECK_INT(db_begin(db), DB_OK);
    CHECK_INT(db_exec(db, ins, "ttt", "dung", "Dũng", "admin"), DB_OK);
    CHECK_INT(db_exec(db, ins, "ttt", "an", "Lặp", "admin"), DB_CONSTRAINT);
    CHECK_INT(db_in_transaction(db), 1);
    CHECK_INT(db_rollback(db), DB_OK);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM users", NULL), 1);
    db_close(db);
}

TEST(test_transactions)
{
    Db *db = open_new("e.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_exec(db, "CREATE TABLE tx (n INTEGER NOT NULL)", NULL), DB_OK);
    CHECK_INT(db_in_transaction(db), 0);
    CHECK_INT(db_begin(db), DB_OK);
    CHECK_INT(db_in_transaction(db), 1);
    for (int i = 0; i < 3; i++) CHECK_INT(db_exec(db, "INSERT INTO tx (n) VALUES (?1)", "i", i), DB_OK);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM tx", NULL), 3);   /* visible inside */
    CHECK_INT(db_rollback(db), DB_OK);
    CHECK_INT(db_in_transaction(db), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM tx", NULL), 0);
    /* Another connection never sees uncommitted rows. */
    CHECK_INT(db_begin(db), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO tx (n) VALUES (?1)", "i", 5), DB_OK);
    Db *other = open_new("e.db");
    CHECK(other != NULL);
    if (other) CHECK_INT(db_int(other, -1, "SELECT count(*) FROM tx", NULL), 0);
    CHECK_INT(db_commit(db), DB_OK);
    if (other) CHECK_INT(db_int(other, -1, "SELECT count(*) FROM tx", NULL), 1);
    db_close(other);
    CHECK_INT(db_rollback(db), DB_OK);         /* nothing open: harmless */
    CHECK(db_commit(db) != DB_OK);             /* nothing open: an error */
    db_close(db);
}

TEST(test_one_liner_defaults)
{
    Db *db = open_new("e.db");
    CHECK(db != NULL);
    if (!db) return;
    Arena *a = arena_new();
    CHECK_INT(db_int(db, 77, "SELECT id FROM users WHERE username = ?1", "t", "nobody"), 77);
    CHECK_INT(db_int(db, 77, "SELECT NULL", NULL), 77);
    CHECK_INT(db_int(db, 77, "SELECT nope FROM nowhere", NULL), 77);       /* error -> dflt */
    CHECK_INT(db_int(db, 77, "SELECT ?1", "l", (int64_t)-3), -3);
    CHECK(db_text(db, a, "SELECT username FROM users WHERE id = ?1", "i", 9999) == NULL);
    CHECK(db_text(db, a, "SELECT NULL", NULL) == NULL);
    CHECK(db_text(db, a, "SELECT nope FROM nowhere", NULL) == NULL);
    CHECK_STR(db_text(db, a, "SELECT ''", NULL), "");
    CHECK_INT(db_exec(db, "SELECT nope FROM nowhere", NULL), DB_ERROR);
    CHECK_INT(db_exec(db, "SELECT 1 UNION SELECT 2", NULL), DB_OK);      /* rows are skipped */
    CHECK(db_errmsg(db) != NULL);
    arena_free(a);
    db_close(db);
}

/* ---- threads ---- */

struct writer_arg { int id; int errors; Db *db1, *db2; };

static void *writer_thread(void *p)
{
    struct writer_arg *w = p;
    Db *db = db_thread();
    w->db1 = db;
    if (!db) { w->errors = -1; return NULL; }
    for (int i = 0; i < 200; i++) {
        /* Mix autocommit statements and short explicit transactions. */
        if (i % 2) {
            if (db_begin(db) != DB_OK) { w->errors++; continue; }
            if (db_exec(db, "INSERT INTO w (thread, n) VALUES (?1, ?2)", "ii", w->id, i) != DB_OK) {
                w->errors++;
                db_rollback(db);
                continue;
            }
            if (db_commit(db) != DB_OK) { w->errors++; db_rollback(db); }
        } else if (db_exec(db, "INSERT INTO w (thread, n) VALUES (?1, ?2)", "ii", w->id, i) != DB_OK) {
            w->errors++;
        }
        /* readers alongside the writers */
        if (db_int(db, -1, "SELECT count(*) FROM w WHERE thread = ?1", "i", w->id) < 0) w->errors++;
    }
    w->db2 = db_thread();
    return NULL;   /* the key destructor closes the connection */
}

TEST(test_concurrent_writers)
{
    Db *db = open_new("w.db");
    CHECK(db != NULL);
    if (!db) return;
    CHECK_INT(db_exec(db, "CREATE TABLE w (thread INTEGER NOT NULL, n INTEGER NOT NULL, UNIQUE (thread, n))",
                      NULL), DB_OK);
    db_set_path(dbpath("w.db"));
    pthread_t th[4];
    struct writer_arg w[4];
    memset(w, 0, sizeof w);
    for (int i = 0; i < 4; i++) {
        w[i].id = i;
        pthread_create(&th[i], NULL, writer_thread, &w[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) {
        CHECK_INT(w[i].errors, 0);
        CHECK(w[i].db1 != NULL && w[i].db1 == w[i].db2);
        CHECK_INT(db_int(db, -1, "SELECT count(*) FROM w WHERE thread = ?1", "i", i), 200);
    }
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM w", NULL), 800);
    /* The main thread's own connection, and its replacement after the
     * path changes. */
    Db *m1 = db_thread();
    CHECK(m1 != NULL && m1 != db);
    CHECK(db_thread() == m1);
    if (m1) CHECK_INT(db_int(m1, -1, "SELECT count(*) FROM w", NULL), 800);
    db_set_path(dbpath("m.db"));
    Db *m2 = db_thread();
    CHECK(m2 != NULL);
    if (m2) CHECK_INT(has_table(m2, "w"), 0);
    db_thread_close();
    db_thread_close();
    db_close(db);
}

/* ---- backup and check ---- */

static atomic_int stop_writing;
static atomic_int rows_written;

static void *bg_writer(void *p)
{
    (void)p;
    char err[256];
    Db *db = db_open(dbpath("bk.db"), 0, err, sizeof err);
    if (!db) return NULL;
    static const char pad[600] = { 'x' };
    while (!atomic_load(&stop_writing)) {
        if (db_exec(db, "INSERT INTO big (tag, pad) VALUES ('late', ?1)", "b", (const void *)pad,
                    sizeof pad) == DB_OK)
            atomic_fetch_add(&rows_written, 1);
    }
    db_close(db);
    return NULL;
}

TEST(test_backup_while_writing)
{
    Db *db = open_new("bk.db");
    CHECK(db != NULL);
    if (!db) return;
    if (t_pg()) {
        /* PostgreSQL: backups are pg_dump's job; the answer says so. */
        char msg[512] = "";
        CHECK_INT(db_backup(db, tpath("copy.db"), msg, sizeof msg), -1);
        CHECK_CONTAINS(msg, "pg_dump");
        CHECK(access(tpath("copy.db"), F_OK) != 0);
        db_close(db);
        return;
    }
    CHECK_INT(db_exec(db, "CREATE TABLE big (id INTEGER PRIMARY KEY, tag TEXT NOT NULL, pad BLOB)", NULL),
              DB_OK);
    /* ~3 MB so the copy takes many 256-page steps. */
    static const char pad[1500] = { 'y' };
    CHECK_INT(db_begin(db), DB_OK);
    for (int i = 0; i < 2000; i++)
        db_exec(db, "INSERT INTO big (tag, pad) VALUES ('early', ?1)", "b", (const void *)pad, sizeof pad);
    CHECK_INT(db_commit(db), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO users (username, display_name, password_hash, role, created_at) "
                          "VALUES ('a', 'Ánh', 'x', 'admin', 0)", NULL), DB_OK);

    atomic_store(&stop_writing, 0);
    atomic_store(&rows_written, 0);
    pthread_t th;
    pthread_create(&th, NULL, bg_writer, NULL);
    while (atomic_load(&rows_written) < 20) usleep(1000);   /* writer is running */
    int64_t before = db_int(db, -1, "SELECT count(*) FROM big", NULL);
    char err[256] = "";
    int rc = db_backup(db, tpath("copy.db"), err, sizeof err);
    int during = atomic_load(&rows_written);
    atomic_store(&stop_writing, 1);
    pthread_join(th, NULL);
    CHECK_INT(rc, 0);
    if (rc) fprintf(stderr, "backup: %s\n", err);
    CHECK(access(tpath("copy.db.tmp"), F_OK) != 0);
    int64_t after = db_int(db, -1, "SELECT count(*) FROM big", NULL);

    Db *copy = db_open(tpath("copy.db"), 0, err, sizeof err);
    CHECK(copy != NULL);
    if (copy) {
        char msg[256] = "";
        CHECK_INT(db_check(copy, msg, sizeof msg), 0);
        CHECK_STR(msg, "ok");
        int64_t n = db_int(copy, -1, "SELECT count(*) FROM big", NULL);
        CHECK(n >= before);
        CHECK(n <= after);
        CHECK_INT(db_int(copy, -1, "SELECT count(*) FROM big WHERE tag = 'early'", NULL), 2000);
        CHECK_INT(db_schema_version(copy), nmigrations());
        Arena *a = arena_new();
        CHECK_STR(db_text(copy, a, "SELECT display_name FROM users WHERE username = 'a'", NULL), "Ánh");
        arena_free(a);
        db_close(copy);
    }
    CHECK(during > 0);
    /* A second backup over the first replaces it. */
    CHECK_INT(db_backup(db, tpath("copy.db"), err, sizeof err), 0);
    CHECK(db_backup(db, tpath("no-such-dir/copy.db"), err, sizeof err) != 0);
    CHECK(err[0] != 0);
    db_close(db);
}

TEST(test_check)
{
    Db *db = open_new("ck.db");
    CHECK(db != NULL);
    if (!db) return;
    char msg[256] = "";
    CHECK_INT(db_check(db, msg, sizeof msg), 0);
    CHECK_STR(msg, "ok");
    CHECK_INT(db_check(db, NULL, 0), 0);
    if (t_pg()) {   /* PostgreSQL enforces foreign keys always; nothing dangling can be written */
        db_close(db);
        return;
    }
    /* With enforcement off a dangling reference can be written; the check finds it. */
    CHECK_INT(db_exec(db, "PRAGMA foreign_keys = OFF", NULL), DB_OK);
    CHECK_INT(db_exec(db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) "
                          "VALUES ('t', 4242, 'c', 0, 0)", NULL), DB_OK);
    CHECK_INT(db_check(db, msg, sizeof msg), -1);
    CHECK_CONTAINS(msg, "sessions");
    CHECK_CONTAINS(msg, "users");
    db_close(db);
}

/* ---- full-text index ---- */

TEST(test_fts)
{
    Db *db = open_new("f.db");
    CHECK(db != NULL);
    if (!db) return;
    const char *q = t_pg() ? "SELECT ref FROM search_index WHERE tsv @@ ?1::tsquery AND kind = ?2"
                           : "SELECT ref FROM search_index WHERE search_index MATCH ?1 AND kind = ?2";
    const char *hoi = t_pg() ? "hoi <-> dong" : "hoi dong", *ky = t_pg() ? "ky <-> hop" : "ky hop";
    const char *de = t_pg() ? "de <-> an" : "de an";
    CHECK_INT(db_fts_put(db, "article", 7, "Hội đồng nhân dân thành phố", "Kỳ họp thứ mười lăm"), DB_OK);
    CHECK_INT(db_fts_put(db, "document", 8, "Đề án 15-ĐA/TU", "Phát triển"), DB_OK);
    CHECK_INT(db_int(db, 0, q, "tt", hoi, "article"), 7);
    CHECK_INT(db_int(db, 0, q, "tt", ky, "article"), 7);
    CHECK_INT(db_int(db, 0, q, "tt", de, "document"), 8);
    if (t_pg()) {   /* "15-ĐA/TU" is three words, as in FTS5 and search.c */
        CHECK_INT(db_int(db, 0, q, "tt", "15 <-> da <-> tu", "document"), 8);
        CHECK_INT(db_int(db, 0, "SELECT ref FROM search_index WHERE tsv_orig @@ ?1::tsquery", "t",
                         "'đề' <-> 'án'"), 8);
    }
    /* Replacing keeps one entry per (kind, id). */
    CHECK_INT(db_fts_put(db, "article", 7, "Tiêu đề mới", "Nội dung"), DB_OK);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index WHERE kind = 'article' AND ref = 7", NULL), 1);
    CHECK_INT(db_int(db, 0, q, "tt", hoi, "article"), 0);
    Arena *a = arena_new();
    CHECK_STR(db_text(db, a, "SELECT title_orig FROM search_index WHERE ref = 7", NULL), "Tiêu đề mới");
    arena_free(a);
    CHECK_INT(db_fts_delete(db, "article", 7), DB_OK);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index WHERE kind = 'article'", NULL), 0);
    CHECK_INT(db_int(db, -1, "SELECT count(*) FROM search_index", NULL), 1);
    db_close(db);
}

static void cleanup(void)
{
    DIR *d = opendir(tmpdir);
    if (!d) return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

int main(void)
{
    t_prog = "unit_db";
    log_quiet = 1;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/unit_db.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_migrate_fresh);
    RUN(test_migrate_reopen);
    RUN(test_migrate_newer_refused);
    RUN(test_open_errors);
    RUN(test_migrate_concurrent);
    RUN(test_bind_roundtrip);
    RUN(test_vietnamese_text);
    RUN(test_last_id);
    RUN(test_stmt_cache);
    RUN(test_constraint);
    RUN(test_transactions);
    RUN(test_one_liner_defaults);
    RUN(test_concurrent_writers);
    RUN(test_backup_while_writing);
    RUN(test_check);
    RUN(test_fts);
    cleanup();
    return t_done();
}
