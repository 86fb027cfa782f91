/* db_fts.c - the engine-independent part of the full-text index (db.h):
 * fold title and body for matching (vn_fold: lowercase, no diacritics,
 * so "hoi dong" finds "Hội đồng") and keep each (kind, id) replacement
 * atomic; the engine-specific index (FTS5 on SQLite) is behind DbOps.
 * A file of its own so programs that never index do not link vn.c. */
#include <pthread.h>
#include <unistd.h>
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "db_backend.h"
#include "vn.h"

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
    if (rc == DB_OK)
        rc = db->ops->fts_put(db, kind, id, title, body, ft ? ft : "", fb ? fb : "");
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
