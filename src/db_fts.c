/* db_fts.c - the engine-independent part of the full-text index (db.h):
 * fold title and body for matching (vn_fold: lowercase, no diacritics,
 * so "hoi dong" finds "Hội đồng") and keep each (kind, id) replacement
 * atomic; the engine-specific index (FTS5 on SQLite) is behind DbOps.
 * A file of its own so programs that never index do not link vn.c. */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_backend.h"
#include "vn.h"

/* ---- filter words ----
 *
 * Each entry carries the words of the filters a search may apply, in its
 * own index column (tags, weight 0 in the ranking): its kind (qzka article,
 * qzkd document), its article's category (qzc12) and the decade, year and
 * month of its date (qzd202, qzy2024, qzm202405).  A filtered search adds
 * them to its expression, so the index intersects the word lists instead
 * of the query walking every hit through the articles table and rejecting
 * most: at 1 000 000 articles a query for documents walked 151 372
 * hits for 4 234 of them (docs/PERFORMANCE.md section 11).  The filter is
 * still checked exactly on the rows (the time zone, the status, the exact
 * seconds); the words only have to hold every entry that can pass, never
 * fewer.
 *
 * The words start with "qz", which no Vietnamese word does, so they need
 * no column filter (one costs FTS5 a read of every word's positions) and a
 * search for a real word never meets them; someone who types "qzkd" gets
 * the documents, and "qz" as the last, prefix word matches every entry.
 *
 * Dates fall into month cells in UTC, clamped to 1900-01 .. 2199-12 (a date
 * outside falls into the first or last cell); a range [from, to) becomes the
 * cells from from's to (to - 1)'s, written with the fewest words: whole
 * decades as qzdNNN, whole years as qzyNNNN, the rest as months (at most 70
 * words for the widest range). */
#define CELL_FIRST (1900 * 12)
#define CELL_LAST (2199 * 12 + 11)
#define FILTER_MAX_CATEGORIES 64     /* a wider subtree is checked on the rows only */

/* The month cell (year * 12 + month - 1) of unix time t. */
static int date_cell(int64_t t)
{
    if (t < -2208988800LL) return CELL_FIRST;          /* before 1900-01-01 */
    if (t >= 7258118400LL) return CELL_LAST;           /* 2200-01-01 and later */
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm)) return t < 0 ? CELL_FIRST : CELL_LAST;
    int c = (tm.tm_year + 1900) * 12 + tm.tm_mon;
    return c < CELL_FIRST ? CELL_FIRST : c > CELL_LAST ? CELL_LAST : c;
}

/* The entry's tags from its row; kind alone when the row is missing.
 * NULL on a database error. */
static const char *entry_tags(Db *db, Arena *a, const char *kind, int64_t id)
{
    int doc = strcmp(kind, "document") == 0;
    Stmt *st = db_prepare(db, doc ? "SELECT a.category_id, COALESCE(t.issued_at, a.published_at, a.created_at)"
                                    " FROM attachments t JOIN articles a ON a.id = t.article_id WHERE t.id = ?1"
                                  : "SELECT category_id, COALESCE(published_at, created_at)"
                                    " FROM articles WHERE id = ?1");
    if (!st) return NULL;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    const char *tags = NULL;
    if (rc == DB_ROW) {
        int c = date_cell(db_col_int(st, 1));
        int y = c / 12, m = c % 12 + 1;
        tags = arena_printf(a, "%s qzc%lld qzd%d qzy%d qzm%d%02d", doc ? "qzkd" : "qzka",
                            (long long)db_col_int(st, 0), y / 10, y, y, m);
    } else if (rc == DB_DONE) {
        tags = doc ? "qzkd" : "qzka";
    }
    db_done(st);
    return tags;
}

/* Append the words covering cells [c0, c1] to b as "w" OR "w" ... */
static void cover_cells(Buf *b, int c0, int c1)
{
    const char *sep = "";
    while (c0 <= c1) {
        int y = c0 / 12;
        if (c0 % 120 == 0 && c0 + 119 <= c1) {
            buf_printf(b, "%s\"qzd%d\"", sep, y / 10);
            c0 += 120;
        } else if (c0 % 12 == 0 && c0 + 11 <= c1) {
            buf_printf(b, "%s\"qzy%d\"", sep, y);
            c0 += 12;
        } else {
            buf_printf(b, "%s\"qzm%d%02d\"", sep, y, c0 % 12 + 1);
            c0++;
        }
        sep = " OR ";
    }
}

const char *db_fts_filter_match(Db *db, Arena *a, const DbFtsFilter *f)
{
    Buf b;
    buf_init(&b, a);
    const char *sep = "";
    /* Documents are a few per cent of the entries: worth a word.  Articles
     * are nearly all of them, and their word would only slow the walk. */
    if (f->kind && strcmp(f->kind, "document") == 0) {
        buf_puts(&b, "\"qzkd\"");
        sep = " AND ";
    }
    if (f->category_id > 0) {
        Stmt *st = db_prepare(db, "WITH RECURSIVE sub(id) AS (SELECT id FROM categories WHERE id = ?1"
                                  " UNION SELECT k.id FROM categories k JOIN sub ON k.parent_id = sub.id)"
                                  " SELECT id FROM sub ORDER BY id LIMIT ?2");
        if (!st) return NULL;
        db_bind_int(st, 1, f->category_id);
        db_bind_int(st, 2, FILTER_MAX_CATEGORIES + 1);
        Buf c;
        buf_init(&c, a);
        int n = 0, rc;
        while ((rc = db_step(st)) == DB_ROW)
            buf_printf(&c, "%s\"qzc%lld\"", n++ ? " OR " : "", (long long)db_col_int(st, 0));
        db_done(st);
        if (rc != DB_DONE) return NULL;
        if (n == 0) {
            buf_printf(&b, "%s\"qzc%lld\"", sep, (long long)f->category_id);   /* no such category: no hit */
            sep = " AND ";
        } else if (n <= FILTER_MAX_CATEGORIES) {
            buf_printf(&b, "%s(%s)", sep, buf_str(&c));
            sep = " AND ";
        }
    }
    if (f->from || f->to) {
        int c0 = f->from ? date_cell(f->from) : CELL_FIRST;
        int c1 = f->to ? date_cell(f->to - 1) : CELL_LAST;
        if (c0 > c1) c1 = c0;          /* an empty range: the rows' check finds nothing */
        buf_printf(&b, "%s(", sep);
        cover_cells(&b, c0, c1);
        buf_putc(&b, ')');
    }
    return buf_str(&b);
}

int db_fts_retag_article(Db *db, int64_t article_id)
{
    if (!db) return DB_ERROR;
    if (!db->ops->fts_retag) return DB_OK;
    Arena *a = arena_new();
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    Stmt *st = db_prepare(db, "SELECT id FROM attachments WHERE article_id = ?1"
                              " AND doc_number IS NOT NULL AND doc_number <> '' ORDER BY id");
    int rc = st ? DB_OK : DB_ERROR;
    if (st) {
        db_bind_int(st, 1, article_id);
        int s;
        while ((s = db_step(st)) == DB_ROW) {
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 8;
                ids = arena_realloc(a, ids, cap * sizeof *ids, nc * sizeof *ids);
                cap = nc;
            }
            ids[n++] = db_col_int(st, 0);
        }
        db_done(st);
        if (s != DB_DONE) rc = DB_ERROR;
    }
    for (size_t i = 0; rc == DB_OK && i <= n; i++) {
        const char *kind = i < n ? "document" : "article";
        int64_t id = i < n ? ids[i] : article_id;
        const char *tags = entry_tags(db, a, kind, id);
        rc = tags ? db->ops->fts_retag(db, kind, id, tags) : DB_ERROR;
    }
    arena_free(a);
    return rc;
}

/* Replace the index entry for (kind, id).  DB_OK or an error code (logged). */
int db_fts_put(Db *db, const char *kind, int64_t id, const char *title, const char *body)
{
    if (!db || !kind) return DB_ERROR;
    if (!title) title = "";
    if (!body) body = "";
    Arena *a = arena_new();
    /* The folded text, then one index word per code in it (vn.h
     * vn_code_words: "23/2024/NQ-HĐND" is also found as one word). */
    Buf ftb, fbb;
    buf_init(&ftb, a);
    buf_init(&fbb, a);
    vn_fold(&ftb, title);
    vn_code_words(&ftb, a, title);
    vn_fold(&fbb, body);
    vn_code_words(&fbb, a, body);
    const char *ft = buf_str(&ftb);
    const char *fb = buf_str(&fbb);
    int own = !db_in_transaction(db);
    int rc = own ? db_begin(db) : DB_OK;
    const char *tags = rc == DB_OK ? entry_tags(db, a, kind, id) : NULL;
    if (rc == DB_OK && !tags) rc = DB_ERROR;
    if (rc == DB_OK)
        rc = db->ops->fts_put(db, kind, id, title, body, ft ? ft : "", fb ? fb : "", tags);
    if (own) {
        if (rc == DB_OK) rc = db_commit(db);
        if (rc != DB_OK) db_rollback(db);
    }
    arena_free(a);
    return rc;
}

/* Remove the index entry for (kind, id); DB_OK also when there was none. */
int db_fts_delete(Db *db, const char *kind, int64_t id)
{
    if (!db || !kind) return DB_ERROR;
    return db->ops->fts_delete(db, kind, id);
}

/* At most one search per CPU runs at a time; the others wait their turn.
 * A search over a common word ranks thousands of entries and briefly
 * holds megabytes; with 32 worker threads all searching at once (make
 * bench: 64 readers searching) the server grew past 50 MB and every
 * search got slower, since the CPUs were shared anyway. */
static pthread_mutex_t search_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t search_cv = PTHREAD_COND_INITIALIZER;
static int search_running, search_slots;

static void search_enter(void)
{
    pthread_mutex_lock(&search_mu);
    if (!search_slots) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        search_slots = n > 0 ? (int)(n > 64 ? 64 : n) : 2;
    }
    while (search_running >= search_slots) pthread_cond_wait(&search_cv, &search_mu);
    search_running++;
    pthread_mutex_unlock(&search_mu);
}

static void search_leave(void)
{
    pthread_mutex_lock(&search_mu);
    search_running--;
    pthread_cond_signal(&search_cv);
    pthread_mutex_unlock(&search_mu);
}

/* Run a search (db.h); the engine builds and runs the query. */
int db_fts_search(Db *db, const char *match, const char *exact, const DbFtsFilter *f,
                  DbFtsHit *hits, int64_t *total)
{
    if (total) *total = 0;
    if (!db || !match || !f || !hits || !total || f->limit < 0) return -1;
    if (!db->ops->fts_search) return -1;
    search_enter();
    int n = db->ops->fts_search(db, match, exact, f, hits, total);
    search_leave();
    return n;
}

int64_t db_fts_optimize(Db *db, void (*progress)(void *ctx, int64_t steps), void *ctx)
{
    if (!db) return -1;
    if (!db->ops->fts_optimize) return 0;
    return db->ops->fts_optimize(db, progress, ctx);
}
