/* db_sqlite_rank.c - hd_bm25: Okapi BM25 as FTS5's built-in bm25(), with
 * one difference that keeps search fast on large sites.
 *
 * bm25() weighs each phrase of the query by its inverse document
 * frequency, log((N - n + 0.5) / (n + 0.5)), and finds n, the number of
 * entries holding the phrase, by walking the phrase's whole entry list once
 * per query.  For the words every council article contains ("hội đồng",
 * "nhân dân", "giám sát") n is close to N, so at 1 000 000 articles that
 * walk alone is millions of steps per query (about 8 ms per 20 000
 * entries here), whatever the ranking pool (db_sqlite.c) limits.
 * hd_bm25 walks at most RANK_DF_CAP entries of a phrase.  When the list
 * is longer, n is estimated from how far into the table the walk got:
 * entries are spread over the rowids [lo, hi] the caller gives (the
 * table's ids), so if the RANK_DF_CAP-th entry has rowid r, the phrase
 * holds about RANK_DF_CAP * (hi - lo + 1) / (r - lo + 1) of them.  Below
 * the cap the score is bm25()'s to the last bit (same k1 = 1.2, b = 0.75,
 * column weights, IDF floor of 1e-6; unit_search checks it), so small
 * sites rank exactly as before; above it only the estimate differs, and
 * an IDF is a logarithm, so a 10 % error in n moves it by about 0.1.  The
 * measured effect on the ten best is in docs/PERFORMANCE.md (make
 * bench-search).
 *
 * Use: hd_bm25(table, lo, hi, w0, w1, ...), then a weight per column like
 * bm25(); lower (more negative) is better. */
#include "db_sqlite_rank.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

/* The part of FTS5's extension interface used here.  Debian's
 * libsqlite3-dev ships no fts5.h, so the two tables of function pointers
 * are declared from their documented layout (sqlite.org/fts5.html section
 * 7: fts5_api version 2, Fts5ExtensionApi version 2 or later, unchanged
 * since SQLite 3.9); the slots not used here are kept as plain pointers so
 * the used ones sit at their documented places.  rank_register checks
 * both version numbers before anything is called. */
typedef struct FtsCtx FtsCtx;
typedef struct FtsExt FtsExt;
struct FtsExt {
    int version;
    void *user_data, *column_count;
    int (*row_count)(FtsCtx *, sqlite3_int64 *rows);
    int (*column_total_size)(FtsCtx *, int col, sqlite3_int64 *tokens);
    void *tokenize;
    int (*phrase_count)(FtsCtx *);
    void *phrase_size;
    int (*inst_count)(FtsCtx *, int *n);
    int (*inst)(FtsCtx *, int i, int *phrase, int *col, int *off);
    sqlite3_int64 (*rowid)(FtsCtx *);
    void *column_text;
    int (*column_size)(FtsCtx *, int col, int *tokens);
    int (*query_phrase)(FtsCtx *, int phrase, void *arg, int (*cb)(const FtsExt *, FtsCtx *, void *));
    int (*set_auxdata)(FtsCtx *, void *data, void (*destroy)(void *));
    void *(*get_auxdata)(FtsCtx *, int clear);
};
typedef void (*FtsFunction)(const FtsExt *, FtsCtx *, sqlite3_context *, int, sqlite3_value **);
typedef struct FtsApi FtsApi;
struct FtsApi {
    int version;
    void *create_tokenizer, *find_tokenizer;
    int (*create_function)(FtsApi *, const char *name, void *arg, FtsFunction fn, void (*destroy)(void *));
};

#define K1 1.2
#define B 0.75

typedef struct RankData {
    int nphrase;
    sqlite3_int64 rows, lo, hi;
    double avgdl;    /* mean tokens per entry over all columns */
    double *freq;    /* per phrase, this row's weighted count (scratch) */
    double idf[];    /* per phrase; < 0 until a row holds the phrase */
} RankData;

typedef struct PhraseCount {
    int64_t hits;
    sqlite3_int64 last;   /* rowid of the RANK_DF_CAP-th entry */
} PhraseCount;

static int count_cb(const FtsExt *api, FtsCtx *ctx, void *arg)
{
    PhraseCount *c = arg;
    if (++c->hits < RANK_DF_CAP) return SQLITE_OK;
    c->last = api->rowid(ctx);
    return SQLITE_DONE;
}

/* A phrase's IDF, from its count or the estimate past RANK_DF_CAP. */
static int phrase_idf(const FtsExt *api, FtsCtx *ctx, RankData *d, int i)
{
    PhraseCount c = {0, 0};
    int rc = api->query_phrase(ctx, i, &c, count_cb);
    double hits = (double)c.hits;
    if (c.hits >= RANK_DF_CAP && d->hi > d->lo && c.last >= d->lo) {
        hits = (double)RANK_DF_CAP * (double)(d->hi - d->lo + 1) / (double)(c.last - d->lo + 1);
        if (hits > (double)d->rows) hits = (double)d->rows;
    }
    double idf = log((d->rows - hits + 0.5) / (hits + 0.5));
    d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
    return rc;
}

/* Per statement: N and the mean entry length.  A phrase's IDF is found
 * the first time a row holds it in a weighted column: a phrase matched
 * only in a column of weight 0 (db_fts.c's filter words: "qzm202401" OR
 * "qzm202402" ...) adds nothing to any score, so its entry list is never
 * walked.  The scores are those of computing every IDF first. */
static RankData *rank_data(const FtsExt *api, FtsCtx *ctx, sqlite3_int64 lo, sqlite3_int64 hi, int *rc)
{
    RankData *d = api->get_auxdata(ctx, 0);
    if (d) return d;
    int np = api->phrase_count(ctx);
    d = sqlite3_malloc64(sizeof *d + 2 * (size_t)np * sizeof(double));
    if (!d) {
        *rc = SQLITE_NOMEM;
        return NULL;
    }
    d->nphrase = np;
    d->freq = d->idf + np;
    d->lo = lo;
    d->hi = hi;
    d->rows = 0;
    sqlite3_int64 tokens = 0;
    *rc = api->row_count(ctx, &d->rows);
    if (*rc == SQLITE_OK) *rc = api->column_total_size(ctx, -1, &tokens);
    d->avgdl = d->rows > 0 ? (double)tokens / (double)d->rows : 1.0;
    for (int i = 0; i < np; i++) d->idf[i] = -1.0;
    if (*rc == SQLITE_OK) *rc = api->set_auxdata(ctx, d, sqlite3_free);
    if (*rc != SQLITE_OK) {
        sqlite3_free(d);
        return NULL;
    }
    return d;
}

static void hd_bm25(const FtsExt *api, FtsCtx *ctx, sqlite3_context *out, int nval,
                    sqlite3_value **val)
{
    int rc = SQLITE_OK;
    if (api->version < 2) {
        sqlite3_result_error(out, "hd_bm25: FTS5 extension interface older than version 2", -1);
        return;
    }
    if (nval < 2) {
        sqlite3_result_error(out, "hd_bm25: the table's lowest and highest rowid come first", -1);
        return;
    }
    RankData *d = rank_data(api, ctx, sqlite3_value_int64(val[0]), sqlite3_value_int64(val[1]), &rc);
    nval -= 2;
    val += 2;
    if (!d) {
        sqlite3_result_error_code(out, rc);
        return;
    }
    /* Weighted count of each phrase in this row. */
    double *freq = d->freq;
    int np = d->nphrase, ninst = 0;
    for (int i = 0; i < np; i++) freq[i] = 0.0;
    rc = api->inst_count(ctx, &ninst);
    for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
        int phrase, col, off;
        rc = api->inst(ctx, i, &phrase, &col, &off);
        if (rc == SQLITE_OK && phrase >= 0 && phrase < np) freq[phrase] += col < nval ? sqlite3_value_double(val[col]) : 1.0;
    }
    int dl = 0;
    if (rc == SQLITE_OK) rc = api->column_size(ctx, -1, &dl);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(out, rc);
        return;
    }
    double score = 0.0, norm = K1 * (1.0 - B + B * (double)dl / d->avgdl);
    for (int i = 0; i < np; i++) {
        if (freq[i] == 0.0) continue;          /* adds 0 whatever the IDF */
        if (d->idf[i] < 0.0 && (rc = phrase_idf(api, ctx, d, i)) != SQLITE_OK) {
            sqlite3_result_error_code(out, rc);
            return;
        }
        score += d->idf[i] * ((freq[i] * (K1 + 1.0)) / (freq[i] + norm));
    }
    sqlite3_result_double(out, -1.0 * score);
}

int rank_register(sqlite3 *h)
{
    FtsApi *api = NULL;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK) return rc;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    if (!api || api->version < 2) return SQLITE_ERROR;
    return api->create_function(api, "hd_bm25", NULL, hd_bm25, NULL);
}
