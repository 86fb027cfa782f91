/* search_bench.c - `make bench-search`: latency of Vietnamese search over
 * generated corpora of several sizes, against yardsticks measured in the
 * same run.
 *
 * For each size N (default 10 000 and 1 000 000):
 * 1. Generates N articles (bench/search_corpus.c: demo-length bodies from a
 *    bigram chain over the demo articles, council phrases, 735 Hanoi place
 *    names old and new, document numbers; 90 % published, the rest drafts
 *    or archived; every tenth article carries a numbered attachment, a
 *    "document") into a fresh database, with a progress bar.  The build
 *    time and the size of the search index on disk are reported.
 *    SEARCH_BENCH_DIR=dir keeps the databases there and reuses a complete
 *    one on the next run (the 1M build takes minutes).
 * 2. Runs Q (default 1 000) varied queries (without and with diacritics,
 *    place names, document numbers as typed, quoted phrases, trailing
 *    prefixes, some with category/kind/date filters) through search_parse
 *    + search_run - exactly what GET /tim-kiem does before rendering the
 *    template (first page, 10 hits with highlighted snippets), one reader.
 * 3. Yardsticks, interleaved query by query with the search so both see the
 *    same machine: (a) the naive search a portal without an index would do,
 *    a LIKE '%word%' scan of title, summary and body of the visible
 *    articles for the query's first word as typed (over large corpora only
 *    on every (N/10 000)-th query: one scan of 1M articles takes seconds);
 *    (b) a plain SELECT count(*) FROM articles.  With several sizes, the
 *    largest size's p99 is also given as a ratio to the smallest's.
 * Usage:
 *   build/bench/search_bench [sizes [queries]]     sizes: 10000,1000000 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "content.h"
#include "db.h"
#include "db_sqlite_rank.h"
#include "log.h"
#include "search.h"
#include "search_corpus.h"
#include "vn.h"

/* ------------------------------------------------------------ queries */

typedef struct BenchQuery {
    const char *text;
    SearchOptions opt;
} BenchQuery;

/* A varied query: which kind is chosen by i so every kind is well represented. */
static BenchQuery make_query(Arena *a, int i, int64_t now, const int64_t *cat_ids)
{
    BenchQuery q;
    memset(&q, 0, sizeof q);
    q.opt.page = 1;
    q.opt.per_page = SEARCH_PER_PAGE;
    q.opt.now = now;
    const char *topic = corpus_topic();
    const char *place = corpus_place();
    switch (i % 10) {
    case 0: q.text = vn_fold_a(a, topic); break;                                /* no diacritics */
    case 1: q.text = topic; break;                                              /* with diacritics */
    case 2: q.text = vn_fold_a(a, place); break;                                /* place, folded */
    case 3: q.text = place; break;
    case 4: q.text = corpus_doc_number(a); break;                               /* 23/2024/NQ-HĐND */
    case 5: q.text = vn_fold_a(a, corpus_doc_number(a)); break;                 /* 23/2024/nq-hdnd */
    case 6: q.text = arena_printf(a, "\"%s\"", topic); break;                   /* phrase */
    case 7: {                                                                   /* typing: prefix */
        const char *f = vn_fold_a(a, topic);
        size_t n = strlen(f);
        q.text = arena_strndup(a, f, n > 6 ? n - 2 : n);
        break;
    }
    case 8: q.text = arena_printf(a, "hội đồng nhân dân %s", vn_fold_a(a, place)); break;
    default:                                                                    /* with filters */
        q.text = vn_fold_a(a, topic);
        q.opt.category_id = cat_ids[corpus_rnd(CORPUS_NCATS)];
        if (corpus_rnd(2)) q.opt.kind = corpus_rnd(2) ? "article" : "document";
        q.opt.from = now - 3 * 365 * 86400;
        q.opt.to = now - 365 * 86400;
        break;
    }
    return q;
}

/* The yardstick: LIKE scan for the first word as typed. */
static int64_t like_scan(Db *db, Arena *a, const char *text, int64_t now)
{
    char word[128];
    size_t k = strcspn(text, " \"");
    const char *s = text;
    if (*s == '"') { s++; k = strcspn(s, " \""); }
    if (k >= sizeof word) k = sizeof word - 1;
    memcpy(word, s, k);
    word[k] = '\0';
    return db_int(db, -1,
        "SELECT count(*) FROM articles a WHERE " ARTICLE_VISIBLE_SQL
        " AND (a.title LIKE ?2 OR a.summary LIKE ?2 OR a.body LIKE ?2)",
        "lt", now, arena_printf(a, "%%%s%%", word));
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double pct(double *v, int n, double p)
{
    if (n <= 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

/* The effect of hd_bm25's cap on the order (db_sqlite_rank.c): the ten
 * best of all hits by FTS5's bm25() and by hd_bm25, same weights, for
 * `sample` of the queries; prints how many of the ten agree and how
 * often the two lists are the same.  Only meaningful where some word is
 * in more than RANK_DF_CAP entries. */
static void rank_effect(Db *db, int64_t now, const int64_t *cat_ids, int sample)
{
    static const char by_bm25[] =
        "SELECT rowid FROM search_index WHERE search_index MATCH ?1 "
        "ORDER BY bm25(search_index, 0.0, 0.0, 10.0, 1.0, 0.0, 0.0), rowid DESC LIMIT 10";
    static const char by_hd[] =
        "SELECT rowid FROM search_index WHERE search_index MATCH ?1 "
        "ORDER BY hd_bm25(search_index, 0, ?2, 0.0, 0.0, 10.0, 1.0, 0.0, 0.0), rowid DESC LIMIT 10";
    /* The same bounds as db_sqlite.c's FTS_ROWID_MAX. */
    int64_t hi = 4 * db_int(db, 0, "SELECT max((SELECT coalesce(max(id), 0) FROM articles), "
                                   "(SELECT coalesce(max(id), 0) FROM attachments))", "") + 3;
    int queries = 0, same = 0, agree = 0, slots = 0;
    double t_bm25 = 0, t_hd = 0;
    for (int i = 0; queries < sample && i < sample * 10; i++) {
        Arena *a = arena_new();
        BenchQuery q = make_query(a, i, now, cat_ids);
        SearchQuery sq;
        const char *e;
        if (i % 10 == 9 || search_parse(a, q.text, &sq, &e) != 0) {   /* filters: not the point here */
            arena_free(a);
            continue;
        }
        int64_t top[2][10];
        int n[2] = {0, 0};
        for (int k = 0; k < 2; k++) {
            double t0 = now_ms();
            Stmt *st = db_prepare(db, k ? by_hd : by_bm25);
            if (st && db_bind_text(st, 1, sq.match) == 0 && (!k || db_bind_int(st, 2, hi) == 0))
                while (db_step(st) == DB_ROW && n[k] < 10) top[k][n[k]++] = db_col_int(st, 0);
            if (st) db_done(st);
            *(k ? &t_hd : &t_bm25) += now_ms() - t0;
        }
        int common = 0;
        for (int x = 0; x < n[0]; x++)
            for (int y = 0; y < n[1]; y++) common += top[0][x] == top[1][y];
        int identical = n[0] == n[1];
        for (int x = 0; identical && x < n[0]; x++) identical = top[0][x] == top[1][x];
        queries++;
        same += identical;
        agree += common;
        slots += n[0];
        arena_free(a);
    }
    printf("ranking estimate (RANK_DF_CAP %d): over all hits of %d queries, the ten best by hd_bm25 "
           "and by bm25() are the same list for %d (%.0f %%), share %.1f of 10 on average; "
           "mean time %.1f ms (bm25) vs %.1f ms (hd_bm25)\n",
           RANK_DF_CAP, queries, same, queries ? 100.0 * same / queries : 0.0,
           slots ? 10.0 * agree / slots : 0.0, queries ? t_bm25 / queries : 0.0,
           queries ? t_hd / queries : 0.0);
}

/* The NSLOW slowest searches of a run, slowest first, for the report. */
#define NSLOW 6
typedef struct Slow {
    char text[160];
    double ms;
    int64_t total;
} Slow;

static void slowest_note(Slow *slow, BenchQuery q, double ms, int64_t total)
{
    int k = NSLOW;
    while (k > 0 && slow[k - 1].ms < ms) k--;
    if (k >= NSLOW) return;
    memmove(&slow[k + 1], &slow[k], (size_t)(NSLOW - 1 - k) * sizeof *slow);
    snprintf(slow[k].text, sizeof slow[k].text, "%s%s%s", q.text,
             q.opt.category_id || q.opt.from ? " [filters]" : "", q.opt.kind ? " [kind]" : "");
    slow[k].ms = ms;
    slow[k].total = total;
}

/* ------------------------------------------------------------ one size */

typedef struct SizeResult {
    int n;
    double s_med, s_p99;
} SizeResult;

/* Bytes of the tables whose name starts with prefix (dbstat), -1 unknown. */
static int64_t table_bytes(Db *db, const char *prefix)
{
    return db_int(db, -1, "SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?1 || '%'", "t", prefix);
}

/* Open (or reuse) the corpus of n articles; *gen_s is the build time, or
 * -1 when a kept database was reused.  now and cat_ids come back too. */
static Db *open_corpus(const char *dir, int n, int64_t *now, int64_t *cat_ids, double *gen_s,
                       double *merge_s, int64_t *merge_steps)
{
    char path[512], done[512], err[256];
    snprintf(path, sizeof path, "%s/bench-%d.db", dir, n);
    snprintf(done, sizeof done, "%s/bench-%d.done", dir, n);
    FILE *f = fopen(done, "r");
    long long kept_now = 0;
    if (f) {
        if (fscanf(f, "%lld", &kept_now) != 1) kept_now = 0;
        fclose(f);
    }
    if (kept_now <= 0) {
        unlink(path);
        char wal[600];
        snprintf(wal, sizeof wal, "%s-wal", path);
        unlink(wal);
    }
    Db *db = db_open(path, 1, err, sizeof err);
    if (!db) {
        fprintf(stderr, "db_open %s: %s\n", path, err);
        return NULL;
    }
    if (kept_now > 0) {
        *now = kept_now;
        *gen_s = -1;
        for (int c = 0; c < CORPUS_NCATS; c++)
            cat_ids[c] = db_int(db, 0, "SELECT id FROM categories ORDER BY position LIMIT 1 OFFSET ?1", "i", c);
        /* A database kept by an older bench may not be merged yet. */
        double m0 = now_ms();
        *merge_steps = db_fts_optimize(db, NULL, NULL);
        *merge_s = (now_ms() - m0) / 1000.0;
        return db;
    }
    *now = (int64_t)time(NULL);
    /* A throw-away database: no fsync per chunk (the rows and the index
     * are the same as with it). */
    db_exec(db, "PRAGMA synchronous = OFF", "");
    /* The server's 512 KiB page cache makes FTS5's segment merges re-read
     * every page they touch (the 1M build slowed to 450 articles/s); the
     * build gets 1 GiB, the measured queries the server's cache again. */
    db_exec(db, "PRAGMA cache_size = -1048576", "");
    double t0 = now_ms();
    if (corpus_generate(db, n, *now, cat_ids, 1) != 0) {
        db_close(db);
        return NULL;
    }
    *gen_s = (now_ms() - t0) / 1000.0;
    /* What an operator does after a bulk load (`hoidong optimize`): one
     * segment instead of one per chunk and FTS5's partial merges. */
    fprintf(stderr, "merging the search index (hoidong optimize)...\n");
    double m0 = now_ms();
    *merge_steps = db_fts_optimize(db, NULL, NULL);
    *merge_s = (now_ms() - m0) / 1000.0;
    db_exec(db, "PRAGMA cache_size = -512", "");
    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", "");
    f = fopen(done, "w");
    if (f) {
        fprintf(f, "%lld\n", (long long)*now);
        fclose(f);
    }
    return db;
}

static int run_size(const char *dir, int n, int nq, SizeResult *out)
{
    int64_t now, cat_ids[CORPUS_NCATS];
    double gen_s, merge_s = 0;
    int64_t merge_steps = 0;
    Db *db = open_corpus(dir, n, &now, cat_ids, &gen_s, &merge_s, &merge_steps);
    if (!db) return -1;
    if (merge_steps < 0) {
        fprintf(stderr, "db_fts_optimize failed on the %d-article corpus\n", n);
        db_close(db);
        return -1;
    }
    int64_t visible = db_int(db, 0, "SELECT count(*) FROM articles a WHERE " ARTICLE_VISIBLE_SQL, "l", now);
    int64_t docs = db_int(db, 0, "SELECT count(*) FROM attachments", "");
    int64_t pages = db_int(db, 0, "PRAGMA page_count", ""), psize = db_int(db, 0, "PRAGMA page_size", "");
    int64_t index_b = table_bytes(db, "search_index"), articles_b = table_bytes(db, "articles");
    int like_step = n > 10000 ? n / 10000 : 1;

    double *ts = calloc((size_t)nq, sizeof *ts), *tl = calloc((size_t)nq, sizeof *tl),
           *tc = calloc((size_t)nq, sizeof *tc), *tx = calloc((size_t)nq, sizeof *tx);
    int with_hits = 0, errors = 0, nl = 0;
    Slow slow[NSLOW] = {{{0}, 0, 0}};
    int64_t total_hits = 0;
    /* Warm-up (caches, statement preparation), then the measured run. */
    for (int pass = 0; pass < 2; pass++) {
        int count = pass == 0 ? (nq < 50 ? nq : 50) : nq;
        for (int i = 0; i < count; i++) {
            Arena *a = arena_new();
            BenchQuery q = make_query(a, i, now, cat_ids);
            double s0 = now_ms();
            SearchQuery sq;
            const char *e;
            SearchResults res;
            int ok = search_parse(a, q.text, &sq, &e) == 0 && search_run(db, a, &sq, &q.opt, &res) == 0;
            double s1 = now_ms();
            int64_t like = 0;
            if (pass == 1 && i % like_step == 0) {
                like = like_scan(db, a, q.text, now);
                tl[nl++] = now_ms() - s1;
            }
            double s2 = now_ms();
            int64_t cnt = db_int(db, -1, "SELECT count(*) FROM articles", "");
            double s3 = now_ms();
            /* The index query alone (no detail rows, no snippets), counting
             * as search_run does. */
            if (ok) {
                DbFtsFilter f = {.kind = q.opt.kind, .category_id = q.opt.category_id,
                                 .from = q.opt.from, .to = q.opt.to, .now = now,
                                 .limit = SEARCH_PER_PAGE, .count_cap = SEARCH_COUNT_CAP};
                DbFtsHit hits[SEARCH_PER_PAGE];
                int64_t tot;
                db_fts_search(db, sq.match, sq.exact, &f, hits, &tot);
            }
            double s4 = now_ms();
            if (pass == 1) {
                slowest_note(slow, q, s1 - s0, ok ? res.total : -1);
                ts[i] = s1 - s0;
                tc[i] = s3 - s2;
                tx[i] = s4 - s3;
                if (!ok || like < 0 || cnt < 0) errors++;
                if (ok && res.total > 0) with_hits++;
                if (ok) total_hits += res.total;
            }
            arena_free(a);
        }
    }
    /* Median per kind of query (i % 10, see make_query), before sorting ts. */
    static const char *kinds[10] = {"words, no diacritics", "words, diacritics", "place, folded",
                                    "place", "document number", "document number, folded",
                                    "quoted phrase", "prefix (typing)", "hội đồng nhân dân + place",
                                    "filters (category, kind, dates)"};
    double kmed[10] = {0}, kp99[10] = {0};
    double *v = calloc((size_t)nq / 10 + 1, sizeof *v);
    for (int k = 0; k < 10; k++) {
        int m = 0;
        for (int i = k; i < nq; i += 10) v[m++] = ts[i];
        kmed[k] = pct(v, m, 0.5);
        kp99[k] = pct(v, m, 0.99);
    }
    free(v);
    double s_med = pct(ts, nq, 0.5), s_p99 = pct(ts, nq, 0.99);
    double l_med = pct(tl, nl, 0.5), l_p99 = pct(tl, nl, 0.99);
    double c_med = pct(tc, nq, 0.5), c_p99 = pct(tc, nq, 0.99);
    double x_med = pct(tx, nq, 0.5), x_p99 = pct(tx, nq, 0.99);

    printf("\n== %d articles (%lld visible, %lld documents), SQLite %s\n", n, (long long)visible,
           (long long)docs, sqlite3_libversion());
    if (gen_s >= 0)
        printf("built in %.1f s (%.0f articles/s); ", gen_s, n / (gen_s > 0 ? gen_s : 1));
    else
        printf("reused the database kept in %s; ", dir);
    printf("index merged in %lld steps, %.1f s (db_fts_optimize); ", (long long)merge_steps, merge_s);
    printf("database %.1f MB, of which search index %.1f MB (%.0f bytes per article), articles %.1f MB\n",
           (double)(pages * psize) / 1048576.0, index_b / 1048576.0,
           n ? (double)index_b / n : 0.0, articles_b / 1048576.0);
    printf("queries: %d (%d with results, mean %.0f matches counted up to %d, %d errors)\n", nq,
           with_hits, nq ? (double)total_hits / nq : 0.0, SEARCH_COUNT_CAP, errors);
    printf("%-58s %10s %10s\n", "", "median ms", "p99 ms");
    printf("%-58s %10.3f %10.3f\n", "search (search_parse + search_run, page 1, snippets)", s_med, s_p99);
    printf("%-58s %10.3f %10.3f\n", "  of which the index query (db_fts_search) alone", x_med, x_p99);
    printf("%-58s %10.3f %10.3f  (%d queries)\n", "yardstick A: LIKE '%word%' scan of title/summary/body",
           l_med, l_p99, nl);
    printf("%-58s %10.3f %10.3f\n", "yardstick B: SELECT count(*) FROM articles", c_med, c_p99);
    for (int k = 0; k < 10; k++)
        printf("  search, %-40s median %8.3f  p99 %8.3f ms\n", kinds[k], kmed[k], kp99[k]);
    printf("ratio search / LIKE scan: median %.3f, p99 %.3f\n", l_med > 0 ? s_med / l_med : 0.0,
           l_p99 > 0 ? s_p99 / l_p99 : 0.0);
    printf("ratio search / count(*): median %.1f, p99 %.1f\n", c_med > 0 ? s_med / c_med : 0.0,
           c_p99 > 0 ? s_p99 / c_p99 : 0.0);
    printf("slowest queries:\n");
    for (int k = 0; k < NSLOW && slow[k].ms > 0; k++)
        printf("  %8.1f ms  %6lld matches  %s\n", slow[k].ms, (long long)slow[k].total, slow[k].text);
    rank_effect(db, now, cat_ids, n > 100000 ? 40 : 100);
    fflush(stdout);
    free(ts);
    free(tl);
    free(tc);
    free(tx);
    db_close(db);
    out->n = n;
    out->s_med = s_med;
    out->s_p99 = s_p99;
    return errors ? -1 : 0;
}

int main(int argc, char **argv)
{
    const char *sizes = argc > 1 ? argv[1] : "10000,1000000";
    int nq = argc > 2 ? atoi(argv[2]) : 1000;
    if (nq < 10) {
        fprintf(stderr, "usage: search_bench [sizes [queries]]   (sizes: 10000,1000000; queries >= 10)\n");
        return 2;
    }
    log_quiet = 1;
    if (corpus_load() != 0) return 1;
    const char *keep = getenv("SEARCH_BENCH_DIR");
    char tmp[] = "/tmp/hd-search-bench-XXXXXX";
    const char *dir = keep && *keep ? keep : mkdtemp(tmp);
    if (!dir) { perror("mkdtemp"); return 1; }
    if (keep && *keep) mkdir(keep, 0755);

    SizeResult res[8];
    int nres = 0, failed = 0;
    char *list = strdup(sizes);
    for (char *s = strtok(list, ","); s && nres < 8; s = strtok(NULL, ",")) {
        int n = atoi(s);
        if (n < 1) {
            fprintf(stderr, "search_bench: bad size \"%s\"\n", s);
            failed = 1;
            break;
        }
        if (run_size(dir, n, nq, &res[nres]) != 0) failed = 1;
        else nres++;
    }
    free(list);
    if (nres > 1)
        printf("\nscaling: %d -> %d articles: median %.2fx, p99 %.2fx\n", res[0].n, res[nres - 1].n,
               res[0].s_med > 0 ? res[nres - 1].s_med / res[0].s_med : 0.0,
               res[0].s_p99 > 0 ? res[nres - 1].s_p99 / res[0].s_p99 : 0.0);
    corpus_free();
    if (!(keep && *keep)) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", dir);
    }
    return failed;
}
