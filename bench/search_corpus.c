/* search_corpus.c - the generated corpus of `make bench-search` (see
 * search_corpus.h for what it is made of and why). */
#include "search_corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"

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
static const char *doc_kinds[] = {"NQ-HĐND", "KH-HĐND", "BC-HĐND", "TTr-UBND", "QĐ-UBND"};
static const char *party_kinds[] = {"ĐA/TU", "KH/TU", "NQ/TU", "CT/TU"};
static const char *cats[CORPUS_NCATS][2] = {
    {"tin-tuc-su-kien", "Tin tức – Sự kiện"}, {"hoat-dong-hdnd", "Hoạt động HĐND"},
    {"ky-hop", "Kỳ họp"}, {"giam-sat", "Giám sát"}, {"tiep-xuc-cu-tri", "Tiếp xúc cử tri"},
    {"van-ban", "Văn bản"}, {"cac-ban-hdnd", "Các Ban HĐND"}, {"thuong-truc-hdnd", "Thường trực HĐND"},
};
#define NELEM(x) ((int)(sizeof x / sizeof x[0]))

#define MAX_PLACES 1024
static char *places[MAX_PLACES];
static int nplaces;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
unsigned corpus_rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

const char *corpus_topic(void) { return topics[corpus_rnd(NELEM(topics))]; }
const char *corpus_place(void) { return places[corpus_rnd((unsigned)nplaces)]; }

const char *corpus_doc_number(Arena *a)
{
    if (corpus_rnd(3) == 0)
        return arena_printf(a, "%u-%s", 1 + corpus_rnd(60), party_kinds[corpus_rnd(NELEM(party_kinds))]);
    return arena_printf(a, "%u/%u/%s", 1 + corpus_rnd(200), 2016 + corpus_rnd(10),
                        doc_kinds[corpus_rnd(NELEM(doc_kinds))]);
}

static void add_place(const char *name)
{
    if (nplaces >= MAX_PLACES || !*name) return;
    for (int i = 0; i < nplaces; i++)
        if (strcmp(places[i], name) == 0) return;
    places[nplaces++] = strdup(name);
}

/* The 2025 units ("code<TAB>type<TAB>name") and the FullName of every unit
 * before 2025 (read by string scan: one "FullName": "…" per line). */
static void load_places(void)
{
    char line[512];
    FILE *f = fopen("demo/hanoi-units-2025.tsv", "r");
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char *name = strrchr(line, '\t');
        if (!name) continue;
        name++;
        name[strcspn(name, "\r\n")] = '\0';
        add_place(name);
    }
    if (f) fclose(f);
    f = fopen("demo/units-hanoi_units_before_2025-07-01.json", "r");
    while (f && fgets(line, sizeof line, f)) {
        char *p = strstr(line, "\"FullName\": \"");
        if (!p) continue;
        p += strlen("\"FullName\": \"");
        char *q = strchr(p, '"');
        if (!q) continue;
        *q = '\0';
        add_place(p);
    }
    if (f) fclose(f);
    static const char *fallback[] = {"Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Sóc Sơn",
                                     "Phường Hà Đông", "Xã Đông Anh", "Phường Tây Hồ"};
    for (int i = 0; nplaces < 6 && i < NELEM(fallback); i++) add_place(fallback[i]);
}

/* ------------------------------------------------- the bigram chain
 * Tokens are the words of the demo bodies with their punctuation
 * attached ("cử", "tri,", "Hà", "Nội."); a token ending in . ! ? ends a
 * sentence.  next[i] lists every token that followed token i in the text,
 * with repetition, so drawing from it follows the text's frequencies. */

typedef struct Token {
    char *text;
    int *next;
    int nnext, capnext;
} Token;

static Token *tokens;
static int ntokens, captokens;
static int *starts, nstarts, capstarts;   /* tokens that begin a sentence */
static int *lengths, nlengths, caplengths; /* demo body lengths in words */
#define HASH_SIZE 65536
static int hash_slots[HASH_SIZE];          /* token index + 1, 0 = empty */

static void *grow(void *p, int *cap, int need, size_t elem)
{
    if (need <= *cap) return p;
    int c = *cap ? *cap * 2 : 64;
    while (c < need) c *= 2;
    void *q = realloc(p, (size_t)c * elem);
    if (!q) {
        fprintf(stderr, "search_corpus: out of memory\n");
        exit(1);
    }
    *cap = c;
    return q;
}

static int intern(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    for (uint32_t slot = h % HASH_SIZE;; slot = (slot + 1) % HASH_SIZE) {
        int k = hash_slots[slot];
        if (!k) {
            tokens = grow(tokens, &captokens, ntokens + 1, sizeof *tokens);
            Token *t = &tokens[ntokens];
            memset(t, 0, sizeof *t);
            t->text = strndup(s, n);
            hash_slots[slot] = ++ntokens;
            return ntokens - 1;
        }
        if (strlen(tokens[k - 1].text) == n && memcmp(tokens[k - 1].text, s, n) == 0) return k - 1;
    }
}

static int ends_sentence(const char *t)
{
    size_t n = strlen(t);
    return n && strchr(".!?", t[n - 1]) != NULL;
}

/* Train on one body line; returns its word count.  prev carries the
 * previous token across lines of a paragraph (-1: a sentence starts). */
static int train_line(char *line, int *prev)
{
    /* Markdown markers at the start of a line: headings, list items, quotes. */
    char *p = line;
    while (*p == '#' || *p == '-' || *p == '*' || *p == '>' || *p == ' ' || (*p >= '0' && *p <= '9' && p[1] == '.'))
        p += (*p >= '0' && *p <= '9') ? 2 : 1;
    if (*p == '|' || *p == '!' || *p == '\0') { *prev = -1; return 0; }   /* tables, images, blank */
    int words = 0;
    for (char *tok = strtok(p, " \t\r\n"); tok; tok = strtok(NULL, " \t\r\n")) {
        /* Drop emphasis and link syntax; skip addresses. */
        char clean[256];
        size_t k = 0;
        for (const char *c = tok; *c && k + 1 < sizeof clean; c++)
            if (!strchr("*_`[]()", *c)) clean[k++] = *c;
        clean[k] = '\0';
        if (k == 0 || strstr(clean, "http") || strstr(clean, "://")) continue;
        int id = intern(clean, k);
        words++;
        if (*prev < 0) {
            starts = grow(starts, &capstarts, nstarts + 1, sizeof *starts);
            starts[nstarts++] = id;
        } else {
            Token *t = &tokens[*prev];
            t->next = grow(t->next, &t->capnext, t->nnext + 1, sizeof *t->next);
            t->next[t->nnext++] = id;
        }
        *prev = ends_sentence(clean) ? -1 : id;
    }
    return words;
}

/* demo/articles.txt: records start with "====", then headers, a blank
 * line, and the Markdown body. */
static int load_chain(void)
{
    FILE *f = fopen("demo/articles.txt", "r");
    if (!f) {
        perror("search_corpus: demo/articles.txt (run from the repository root)");
        return -1;
    }
    char line[8192];
    int in_body = 0, in_record = 0, prev = -1, words = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "====", 4) == 0 && (line[4] == '\n' || line[4] == '\0')) {
            if (in_body && words > 0) {
                lengths = grow(lengths, &caplengths, nlengths + 1, sizeof *lengths);
                lengths[nlengths++] = words;
            }
            in_record = 1;
            in_body = 0;
            words = 0;
            prev = -1;
            continue;
        }
        if (!in_record) continue;
        if (!in_body) {
            if (line[0] == '\n' || line[0] == '\r') in_body = 1;
            continue;
        }
        if (line[0] == '\n') { prev = -1; continue; }
        words += train_line(line, &prev);
    }
    if (in_body && words > 0) {
        lengths = grow(lengths, &caplengths, nlengths + 1, sizeof *lengths);
        lengths[nlengths++] = words;
    }
    fclose(f);
    if (nstarts == 0 || nlengths == 0) {
        fprintf(stderr, "search_corpus: no article bodies found in demo/articles.txt\n");
        return -1;
    }
    return 0;
}

int corpus_load(void)
{
    load_places();
    return load_chain();
}

void corpus_free(void)
{
    for (int i = 0; i < nplaces; i++) free(places[i]);
    nplaces = 0;
    for (int i = 0; i < ntokens; i++) {
        free(tokens[i].text);
        free(tokens[i].next);
    }
    free(tokens);
    free(starts);
    free(lengths);
    tokens = NULL;
    starts = lengths = NULL;
    ntokens = captokens = nstarts = capstarts = nlengths = caplengths = 0;
    memset(hash_slots, 0, sizeof hash_slots);
}

/* One sentence from the chain into body; returns its word count. */
static int chain_sentence(Buf *body)
{
    int id = starts[corpus_rnd((unsigned)nstarts)], words = 0;
    for (;;) {
        const Token *t = &tokens[id];
        buf_puts(body, t->text);
        words++;
        if (ends_sentence(t->text)) break;
        if (t->nnext == 0 || words >= 45) {
            buf_puts(body, ".");
            break;
        }
        buf_putc(body, ' ');
        id = t->next[corpus_rnd((unsigned)t->nnext)];
    }
    buf_putc(body, ' ');
    return words;
}

/* ------------------------------------------------------------- corpus */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void progress_bar(int done, int n, double t0)
{
    double el = (now_ms() - t0) / 1000.0, rate = el > 0 ? done / el : 0;
    int width = 30, full = n ? (int)((int64_t)done * width / n) : width;
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < full ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\rgenerating [%s] %3d%% %d/%d articles, %.0f/s, %.0f s left   ", bar,
            n ? (int)((int64_t)done * 100 / n) : 100, done, n, rate,
            rate > 0 ? (n - done) / rate : 0.0);
    if (done == n) fputc('\n', stderr);
}

static int one_article(Db *db, int i, int64_t now, const int64_t *cat_ids, int64_t file_id)
{
    Arena *a = arena_new();
    const char *place = corpus_place();
    const char *topic = corpus_topic();
    const char *organ = organs[corpus_rnd(NELEM(organs))];
    const char *title;
    switch (corpus_rnd(4)) {
    case 0: title = arena_printf(a, "%s %s %s tại %s", organ, verbs[corpus_rnd(NELEM(verbs))], topic, place); break;
    case 1: title = arena_printf(a, "Kỳ họp thứ %u HĐND %s: %s", 1 + corpus_rnd(25), place, topic); break;
    case 2: title = arena_printf(a, "Cử tri %s kiến nghị về %s", place, topic); break;
    default: title = arena_printf(a, "%s %s %s", organ, verbs[corpus_rnd(NELEM(verbs))], topic); break;
    }
    const char *summary = arena_printf(a, "Ngày %u/%u/%u, %s đã %s %s trên địa bàn %s.",
                                       1 + corpus_rnd(28), 1 + corpus_rnd(12), 2020 + corpus_rnd(6), organ,
                                       verbs[corpus_rnd(NELEM(verbs))], topic, place);
    /* As long as a demo article, give or take 30 %. */
    int target = lengths[corpus_rnd((unsigned)nlengths)];
    target = target * (70 + (int)corpus_rnd(61)) / 100;
    if (target < 40) target = 40;
    Buf body;
    buf_init(&body, a);
    int words = 0, s = 0;
    while (words < target) {
        unsigned r = corpus_rnd(10);
        if (r == 0) {
            buf_printf(&body, "Thực hiện Nghị quyết số %s, %s tập trung vào %s. ", corpus_doc_number(a),
                       organs[corpus_rnd(NELEM(organs))], corpus_topic());
            words += 14;
        } else if (r == 1) {
            buf_printf(&body, "Tại %s, cử tri quan tâm đến %s. ", corpus_place(), corpus_topic());
            words += 10;
        } else {
            words += chain_sentence(&body);
        }
        if (++s % 4 == 0) buf_puts(&body, "\n\n");
    }
    unsigned r = corpus_rnd(100);
    const char *status = r < 90 ? "published" : r < 95 ? "draft" : "archived";
    int64_t pub = now - (int64_t)corpus_rnd(10 * 365) * 86400 - corpus_rnd(86400);
    int64_t cat = cat_ids[corpus_rnd(CORPUS_NCATS)];
    int rc = db_exec(db,
        "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
        "published_at, featured, created_at, updated_at, revision, is_sample) "
        "VALUES (?1, ?2, ?3, ?4, ?5, 'Phóng viên', ?6, ?7, 0, ?7, ?7, 1, 1)",
        "ltttttl", cat, title, arena_printf(a, "bai-%d", i), summary, buf_str(&body), status, pub);
    int64_t id = db_last_id(db);
    if (rc == DB_OK)
        rc = db_fts_put(db, "article", id, title, arena_printf(a, "%s\n\n%s", summary, buf_str(&body)));
    if (rc == DB_OK && i % 10 == 0) {
        const char *num = corpus_doc_number(a);
        const char *dt = arena_printf(a, "Văn bản về %s", topic);
        const char *fn = arena_printf(a, "van-ban-%d.pdf", i);
        rc = db_exec(db, "INSERT INTO attachments (article_id, file_id, filename, title, doc_number, "
                         "issued_at, position, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?6)",
                     "lltttl", id, file_id, fn, dt, num, pub);
        if (rc == DB_OK) rc = db_fts_put(db, "document", db_last_id(db), dt, arena_printf(a, "%s %s", num, fn));
    }
    arena_free(a);
    return rc == DB_OK ? 0 : -1;
}

/* Articles are written directly, in transactions of `chunk`, with the
 * same rows article_save/attachment_add give them (article row plus
 * db_fts_put of title and summary + body): article_save commits (and
 * fsyncs) once per article. */
int corpus_generate(Db *db, int n, int64_t now, int64_t *cat_ids, int progress)
{
    const int chunk = 10000;
    int show = progress || isatty(2);
    if (db_begin(db) != DB_OK) goto fail;
    for (int c = 0; c < CORPUS_NCATS; c++) {
        if (db_exec(db, "INSERT INTO categories (name, slug, position, in_menu) VALUES (?1, ?2, ?3, 1)",
                    "tti", cats[c][1], cats[c][0], c) != DB_OK)
            goto fail_tx;
        cat_ids[c] = db_last_id(db);
    }
    if (db_exec(db, "INSERT INTO files (sha256, size, mime, created_at) VALUES (?1, 100, "
                    "'application/pdf', ?2)", "tl", "0000bench", now) != DB_OK)
        goto fail_tx;
    int64_t file_id = db_last_id(db);
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        if (one_article(db, i, now, cat_ids, file_id) != 0) goto fail_tx;
        if ((i + 1) % chunk == 0 || i + 1 == n) {
            if (db_commit(db) != DB_OK) goto fail;
            if (show) progress_bar(i + 1, n, t0);
            if (i + 1 < n && db_begin(db) != DB_OK) goto fail;
        }
    }
    return 0;
fail_tx:
    fprintf(stderr, "\nsearch_corpus: %s\n", db_errmsg(db));
    db_rollback(db);
    return -1;
fail:
    fprintf(stderr, "\nsearch_corpus: %s\n", db_errmsg(db));
    return -1;
}
