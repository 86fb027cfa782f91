/* search_bench.c - `make bench-search`: latency of Vietnamese search over a
 * generated corpus, against a yardstick measured in the same run.
 *
 * 1. Generates N (default 10 000) realistic Vietnamese articles into a
 *    fresh database in a temp directory: titles and bodies assembled from a
 *    council vocabulary (organs, activities, topics), the 126 Hanoi
 *    communes of demo/hanoi-units-2025.tsv as places, and document numbers
 *    (23/2024/NQ-HĐND, 15-ĐA/TU ...); 90 % published, the rest drafts or
 *    archived; every tenth article carries a numbered attachment (a
 *    "document").  Rows are written directly in ONE transaction with the
 *    same shape article_save/attachment_add give them (article row plus
 *    db_fts_put of title and summary + body), because article_save commits
 *    (and fsyncs) once per article.
 * 2. Runs Q (default 1 000) varied queries (without and with diacritics,
 *    place names, document numbers as typed, quoted phrases, trailing
 *    prefixes, some with category/kind/date filters) through search_parse
 *    + search_run - exactly what GET /tim-kiem does before rendering the
 *    template (first page, 10 hits with highlighted snippets).
 * 3. Yardsticks, interleaved query by query with the search so both see the
 *    same machine: (a) the naive search a portal without an index would do,
 *    a LIKE '%word%' scan of title, summary and body of the visible
 *    articles for the query's first word as typed; (b) a plain
 *    SELECT count(*) FROM articles.
 * Prints median and p99 of each and the ratios.  Usage:
 *   build/bench/search_bench [articles [queries]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "arena.h"
#include "buf.h"
#include "content.h"
#include "db.h"
#include "log.h"
#include "search.h"
#include "vn.h"

/* ----------------------------------------------------------- vocabulary */

static const char *organs[] = {
    "Thường trực HĐND Thành phố", "Ban Pháp chế HĐND Thành phố", "Ban Kinh tế - Ngân sách",
    "Ban Đô thị HĐND Thành phố", "Ban Văn hóa - Xã hội", "Tổ đại biểu HĐND Thành phố",
    "Đoàn đại biểu Quốc hội thành phố Hà Nội", "Hội đồng nhân dân Thành phố",
    "Đoàn giám sát của HĐND Thành phố", "Đại biểu HĐND Thành phố", "UBND Thành phố",
    "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố",
};
static const char *verbs[] = {
    "giám sát", "khảo sát", "làm việc về", "chất vấn về", "tiếp xúc cử tri về", "thảo luận về",
    "thông qua nghị quyết về", "cho ý kiến về", "kiểm tra việc thực hiện", "đánh giá kết quả",
    "tổ chức phiên giải trình về", "lấy ý kiến nhân dân về",
};
static const char *topics[] = {
    "dự toán ngân sách năm", "đầu tư công trung hạn", "giải phóng mặt bằng", "quỹ nhà tái định cư",
    "an toàn thực phẩm tại bếp ăn tập thể", "xử lý nước thải", "chống úng ngập cục bộ",
    "trật tự xây dựng", "chuyển đổi số trong cơ quan nhà nước", "cải cách thủ tục hành chính",
    "tiếp công dân, giải quyết khiếu nại, tố cáo", "chất lượng giáo dục phổ thông",
    "y tế cơ sở và bảo hiểm y tế", "quy hoạch phân khu đô thị", "giao thông công cộng",
    "bảo vệ môi trường làng nghề", "chính sách an sinh xã hội", "phòng cháy, chữa cháy",
    "chiếu sáng đô thị", "cấp nước sạch nông thôn", "bảo tồn di tích lịch sử", "thu hút đầu tư",
    "phát triển kinh tế tập thể", "mô hình chính quyền đô thị",
};
static const char *fillers[] = {
    "Theo báo cáo, kết quả đạt được cơ bản đáp ứng yêu cầu, song vẫn còn một số hạn chế cần khắc phục.",
    "Các đại biểu đề nghị làm rõ nguyên nhân chậm tiến độ và trách nhiệm của tập thể, cá nhân liên quan.",
    "Cử tri kiến nghị tăng cường công tác kiểm tra, xử lý nghiêm các vi phạm.",
    "Đoàn ghi nhận sự chủ động của chính quyền cơ sở trong triển khai nhiệm vụ.",
    "Kết thúc buổi làm việc, đồng chí trưởng đoàn đề nghị đơn vị tiếp thu đầy đủ các ý kiến.",
    "Hội đồng nhân dân các cấp tiếp tục đổi mới phương thức hoạt động, nâng cao chất lượng giám sát.",
    "Ngân sách bố trí cho nhiệm vụ này được sử dụng đúng mục đích, hiệu quả.",
    "Nhiều ý kiến đề xuất sửa đổi cơ chế, chính sách cho phù hợp thực tiễn.",
    "Thường trực HĐND sẽ tiếp tục theo dõi, đôn đốc việc thực hiện các kiến nghị sau giám sát.",
    "Đại diện các sở, ngành đã giải trình, làm rõ những vấn đề đại biểu quan tâm.",
};
static const char *doc_kinds[] = {"NQ-HĐND", "KH-HĐND", "BC-HĐND", "TTr-UBND", "QĐ-UBND"};
static const char *party_kinds[] = {"ĐA/TU", "KH/TU", "NQ/TU", "CT/TU"};
static const char *cats[][2] = {
    {"tin-tuc-su-kien", "Tin tức – Sự kiện"}, {"hoat-dong-hdnd", "Hoạt động HĐND"},
    {"ky-hop", "Kỳ họp"}, {"giam-sat", "Giám sát"}, {"tiep-xuc-cu-tri", "Tiếp xúc cử tri"},
    {"van-ban", "Văn bản"}, {"cac-ban-hdnd", "Các Ban HĐND"}, {"thuong-truc-hdnd", "Thường trực HĐND"},
};
#define NCATS ((int)(sizeof cats / sizeof cats[0]))
#define NELEM(x) ((int)(sizeof x / sizeof x[0]))

static char *places[200];
static int nplaces;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Place names from demo/hanoi-units-2025.tsv ("code<TAB>type<TAB>name"). */
static void load_places(void)
{
    FILE *f = fopen("demo/hanoi-units-2025.tsv", "r");
    char line[512];
    while (f && nplaces < NELEM(places) && fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *name = strrchr(line, '\t');
        if (!name) continue;
        name++;
        name[strcspn(name, "\r\n")] = '\0';
        if (*name) places[nplaces++] = strdup(name);
    }
    if (f) fclose(f);
    static const char *fallback[] = {"Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Sóc Sơn",
                                     "Phường Hà Đông", "Xã Đông Anh", "Phường Tây Hồ"};
    for (int i = 0; nplaces < 6 && i < NELEM(fallback); i++) places[nplaces++] = strdup(fallback[i]);
}

static const char *doc_number(Arena *a)
{
    if (rnd(3) == 0)
        return arena_printf(a, "%u-%s", 1 + rnd(60), party_kinds[rnd(NELEM(party_kinds))]);
    return arena_printf(a, "%u/%u/%s", 1 + rnd(80), 2020 + rnd(6), doc_kinds[rnd(NELEM(doc_kinds))]);
}

/* ------------------------------------------------------------- corpus */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int generate(Db *db, int n, int64_t now, int64_t *cat_ids)
{
    if (db_begin(db) != DB_OK) return -1;
    for (int c = 0; c < NCATS; c++) {
        if (db_exec(db, "INSERT INTO categories (name, slug, position, in_menu) VALUES (?1, ?2, ?3, 1)",
                    "tti", cats[c][1], cats[c][0], c) != DB_OK)
            goto fail;
        cat_ids[c] = db_last_id(db);
    }
    if (db_exec(db, "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, 100, "
                    "'application/pdf', ?2)", "tl", "0000bench", now) != DB_OK)
        goto fail;
    int64_t file_id = db_last_id(db);
    for (int i = 0; i < n; i++) {
        Arena *a = arena_new();
        const char *place = places[rnd((unsigned)nplaces)];
        const char *topic = topics[rnd(NELEM(topics))];
        const char *organ = organs[rnd(NELEM(organs))];
        const char *title;
        switch (rnd(4)) {
        case 0: title = arena_printf(a, "%s %s %s tại %s", organ, verbs[rnd(NELEM(verbs))], topic, place); break;
        case 1: title = arena_printf(a, "Kỳ họp thứ %u HĐND %s: %s", 1 + rnd(25), place, topic); break;
        case 2: title = arena_printf(a, "Cử tri %s kiến nghị về %s", place, topic); break;
        default: title = arena_printf(a, "%s %s %s", organ, verbs[rnd(NELEM(verbs))], topic); break;
        }
        const char *summary = arena_printf(a, "Ngày %u/%u/%u, %s đã %s %s trên địa bàn %s.",
                                           1 + rnd(28), 1 + rnd(12), 2020 + rnd(6), organ,
                                           verbs[rnd(NELEM(verbs))], topic, place);
        Buf body;
        buf_init(&body, a);
        int sentences = 8 + (int)rnd(14);
        for (int s = 0; s < sentences; s++) {
            switch (rnd(5)) {
            case 0:
                buf_printf(&body, "Thực hiện Nghị quyết số %s, %s tập trung vào %s. ", doc_number(a),
                           organs[rnd(NELEM(organs))], topics[rnd(NELEM(topics))]);
                break;
            case 1:
                buf_printf(&body, "Tại %s, cử tri quan tâm đến %s. ", places[rnd((unsigned)nplaces)],
                           topics[rnd(NELEM(topics))]);
                break;
            default:
                buf_printf(&body, "%s ", fillers[rnd(NELEM(fillers))]);
                break;
            }
            if (s % 4 == 3) buf_puts(&body, "\n\n");
        }
        unsigned r = rnd(100);
        const char *status = r < 90 ? "published" : r < 95 ? "draft" : "archived";
        int64_t pub = now - (int64_t)rnd(5 * 365) * 86400 - rnd(86400);
        int64_t cat = cat_ids[rnd(NCATS)];
        if (db_exec(db,
                "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
                "published_at, featured, created_at, updated_at, revision, is_sample) "
                "VALUES (?1, ?2, ?3, ?4, ?5, 'Phóng viên', ?6, ?7, 0, ?7, ?7, 1, 1)",
                "ltttttl", cat, title, arena_printf(a, "bai-%d", i), summary, buf_str(&body),
                status, pub) != DB_OK)
            goto fail_a;
        int64_t id = db_last_id(db);
        if (db_fts_put(db, "article", id, title, arena_printf(a, "%s\n\n%s", summary, buf_str(&body))) != DB_OK)
            goto fail_a;
        if (i % 10 == 0) {
            const char *num = doc_number(a);
            const char *dt = arena_printf(a, "Văn bản về %s", topic);
            const char *fn = arena_printf(a, "van-ban-%d.pdf", i);
            if (db_exec(db, "INSERT INTO attachments (article_id, file_id, filename, title, doc_number, "
                            "issued_at, position, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?6)",
                        "lltttl", id, file_id, fn, dt, num, pub) != DB_OK)
                goto fail_a;
            if (db_fts_put(db, "document", db_last_id(db), dt, arena_printf(a, "%s %s", num, fn)) != DB_OK)
                goto fail_a;
        }
        arena_free(a);
        continue;
    fail_a:
        arena_free(a);
        goto fail;
    }
    return db_commit(db) == DB_OK ? 0 : -1;
fail:
    db_rollback(db);
    return -1;
}

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
    const char *topic = topics[rnd(NELEM(topics))];
    const char *place = places[rnd((unsigned)nplaces)];
    switch (i % 10) {
    case 0: q.text = vn_fold_a(a, topic); break;                                /* no diacritics */
    case 1: q.text = topic; break;                                              /* with diacritics */
    case 2: q.text = vn_fold_a(a, place); break;                                /* place, folded */
    case 3: q.text = place; break;
    case 4: q.text = doc_number(a); break;                                      /* 23/2024/NQ-HĐND */
    case 5: q.text = vn_fold_a(a, doc_number(a)); break;                        /* 23/2024/nq-hdnd */
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
        q.opt.category_id = cat_ids[rnd(NCATS)];
        if (rnd(2)) q.opt.kind = rnd(2) ? "article" : "document";
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

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 10000;
    int nq = argc > 2 ? atoi(argv[2]) : 1000;
    if (n < 1 || nq < 1) {
        fprintf(stderr, "usage: search_bench [articles [queries]]\n");
        return 2;
    }
    log_quiet = 1;
    load_places();
    char dir[] = "/tmp/hd-search-bench-XXXXXX";
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    char path[256], err[256], cmd[300];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    Db *db = db_open(path, 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    int64_t now = (int64_t)time(NULL), cat_ids[NCATS];

    double t0 = now_ms();
    if (generate(db, n, now, cat_ids) != 0) { fprintf(stderr, "generate failed: %s\n", db_errmsg(db)); return 1; }
    double gen_ms = now_ms() - t0;
    int64_t visible = db_int(db, 0, "SELECT count(*) FROM articles a WHERE " ARTICLE_VISIBLE_SQL, "l", now);
    int64_t docs = db_int(db, 0, "SELECT count(*) FROM attachments", "");
    int64_t pages = db_int(db, 0, "PRAGMA page_count", ""), psize = db_int(db, 0, "PRAGMA page_size", "");

    /* Warm-up (caches, statement preparation), then the measured run. */
    double *ts = calloc((size_t)nq, sizeof *ts), *tl = calloc((size_t)nq, sizeof *tl),
           *tc = calloc((size_t)nq, sizeof *tc), *tx = calloc((size_t)nq, sizeof *tx);
    int with_hits = 0, errors = 0;
    int64_t total_hits = 0;
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
            int64_t like = like_scan(db, a, q.text, now);
            double s2 = now_ms();
            int64_t cnt = db_int(db, -1, "SELECT count(*) FROM articles", "");
            double s3 = now_ms();
            /* The index query alone (no detail rows, no snippets). */
            if (ok) {
                DbFtsFilter f = {.kind = q.opt.kind, .category_id = q.opt.category_id,
                                 .from = q.opt.from, .to = q.opt.to, .now = now, .limit = SEARCH_PER_PAGE};
                DbFtsHit hits[SEARCH_PER_PAGE];
                int64_t tot;
                db_fts_search(db, sq.match, sq.exact, &f, hits, &tot);
            }
            double s4 = now_ms();
            if (pass == 1) {
                ts[i] = s1 - s0;
                tl[i] = s2 - s1;
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
    double kmed[10] = {0};
    for (int k = 0; k < 10; k++) {
        double v[2000];
        int m = 0;
        for (int i = k; i < nq && m < 2000; i += 10) v[m++] = ts[i];
        kmed[k] = m ? pct(v, m, 0.5) : 0;
    }
    double s_med = pct(ts, nq, 0.5), s_p99 = pct(ts, nq, 0.99);
    double l_med = pct(tl, nq, 0.5), l_p99 = pct(tl, nq, 0.99);
    double c_med = pct(tc, nq, 0.5), c_p99 = pct(tc, nq, 0.99);
    double x_med = pct(tx, nq, 0.5), x_p99 = pct(tx, nq, 0.99);

    printf("search bench: SQLite %s, %d articles (%lld visible, %lld documents), "
           "generated in %.1f s, database %.1f MB\n",
           sqlite3_libversion(), n, (long long)visible, (long long)docs, gen_ms / 1000.0,
           (double)(pages * psize) / (1024.0 * 1024.0));
    printf("queries: %d (%d with results, mean %.0f matches, %d errors): folded and diacritic "
           "words, places, document numbers, phrases, prefixes, filters\n",
           nq, with_hits, nq ? (double)total_hits / nq : 0.0, errors);
    printf("%-58s %10s %10s\n", "", "median ms", "p99 ms");
    printf("%-58s %10.3f %10.3f\n", "search (search_parse + search_run, page 1, snippets)", s_med, s_p99);
    printf("%-58s %10.3f %10.3f\n", "  of which the index query (db_fts_search) alone", x_med, x_p99);
    printf("%-58s %10.3f %10.3f\n", "yardstick A: LIKE '%word%' scan of title/summary/body", l_med, l_p99);
    printf("%-58s %10.3f %10.3f\n", "yardstick B: SELECT count(*) FROM articles", c_med, c_p99);
    for (int k = 0; k < 10; k++) printf("  search median, %-40s %8.3f ms\n", kinds[k], kmed[k]);
    printf("ratio search / LIKE scan: median %.2f, p99 %.2f\n", s_med / l_med, s_p99 / l_p99);
    printf("ratio search / count(*): median %.1f, p99 %.1f\n", c_med > 0 ? s_med / c_med : 0.0,
           c_p99 > 0 ? s_p99 / c_p99 : 0.0);
    free(ts);
    free(tl);
    free(tc);
    free(tx);
    db_close(db);
    for (int i = 0; i < nplaces; i++) free(places[i]);
    if (getenv("SEARCH_BENCH_KEEP")) {
        fprintf(stderr, "database kept in %s\n", dir);
        return errors ? 1 : 0;
    }
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup of %s failed\n", dir);
    return errors ? 1 : 0;
}
