/* unit_demo.c - the demo content loader (demo.c) against fresh migrated
 * SQLite databases in temp directories: the seed article is loaded verbatim
 * (compared with the seed page text in ../shared/seed; its absence fails) with
 * its date, byline and a real .docx attachment; there are >= 30 invented
 * articles in >= 6 categories; generated PDFs are well-formed; loading twice
 * changes nothing; a failed load writes nothing; scheduled vs published
 * follows `now`; demo_remove deletes every sample row and its files and
 * keeps the real content. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "content.h"
#include "db.h"
#include "demo.h"
#include "t.h"
#include "tclient.h"
#include "vn.h"

/* Relative to the repository root, where the tests run (the seed sits
 * beside the repository in ../shared, as the project guide lays out). */
#define SEED_FILE "../shared/seed/000_59d46f073fbb73e6.txt"

static char dir[256];
static char files_dir[300];
static Db *db;

static int64_t count(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-demo-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(files_dir, sizeof files_dir, "%s/files", dir);
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static int64_t at(const char *s)
{
    int64_t t = 0;
    if (vn_parse_datetime(s, &t) != 0) { fprintf(stderr, "bad date %s\n", s); exit(1); }
    return t;
}

/* The stored bytes of a files row. */
static char *stored(Arena *a, int64_t file_id, size_t *n)
{
    char *sha = db_text(db, a, "SELECT sha256 FROM files WHERE id = ?1", "l", file_id);
    if (!sha) return NULL;
    return tc_slurp(store_path(a, files_dir, sha), n);
}

static const char *date_of(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_date(&b, t);
    return buf_str(&b);
}

/* A memmem for the checks below. */
static int contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0) return 1;
    return 0;
}

TEST(test_load_seed_article)
{
    setup();
    Arena *a = arena_new();
    char err[256] = "";
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    CHECK_STR(err, "");

    Stmt *st = db_prepare(db, "SELECT a.id, a.title, a.author, a.body, a.summary, a.published_at, "
                              "a.featured, a.status, c.slug FROM articles a JOIN categories c ON c.id = a.category_id "
                              "WHERE a.is_sample = 0");
    CHECK(st != NULL);
    if (!st) { arena_free(a); teardown(); return; }
    CHECK_INT(db_step(st), DB_ROW);
    int64_t id = db_col_int(st, 0);
    char *title = db_col_dup(st, 1, a), *author = db_col_dup(st, 2, a), *body = db_col_dup(st, 3, a);
    char *summary = db_col_dup(st, 4, a), *cat = db_col_dup(st, 8, a), *status = db_col_dup(st, 7, a);
    int64_t pub = db_col_int(st, 5), featured = db_col_int(st, 6);
    CHECK_INT(db_step(st), DB_DONE);   /* exactly one real article */
    db_done(st);
    CHECK_STR(title, "Đề án nâng cao năng lực, hiệu lực, hiệu quả hoạt động của HĐND các cấp "
                     "thành phố Hà Nội giai đoạn 2021-2026");
    CHECK_STR(author, "Nguyễn Hợp");
    CHECK_STR(cat, "hoat-dong-hdnd");
    CHECK_STR(status, "published");
    CHECK_INT(featured, 2);   /* pinned as the home page's lead story */
    CHECK_STR(date_of(a, pub), "12/5/2022");
    CHECK_CONTAINS(summary, "Đề án số 15-ĐA/TU");
    CHECK_CONTAINS(body, "- Tăng cường sự lãnh đạo của các cấp ủy Đảng");
    CHECK_CONTAINS(body, "Xin mời xem Đề án tại file đính kèm./.");
    CHECK_NOT_CONTAINS(body, "Nguyễn Hợp");   /* the byline is the author field */
    CHECK_NOT_CONTAINS(body, "Bình chọn");    /* no page widgets */

    /* Verbatim against the seed page: first paragraph starts the body, and
     * every paragraph up to the byline is in it. */
    char *seed = tc_slurp(SEED_FILE, NULL);
    CHECK(seed != NULL);   /* missing seed: a failure, not a silent pass */
    if (seed) {
        char *end = strstr(seed, "\nNguyễn Hợp");
        CHECK(end != NULL);
        if (end) *end = '\0';
        char *first_end = strstr(seed, "\n\n");
        CHECK(first_end != NULL);
        if (first_end && body) {
            size_t n = (size_t)(first_end - seed);
            CHECK(strncmp(body, seed, n) == 0);
        }
        int paragraphs = 0;
        for (char *p = strtok(seed, "\n"); p; p = strtok(NULL, "\n")) {
            size_t n = strlen(p);
            /* trailing spaces, also no-break ones (U+00A0), are not text */
            for (;;) {
                if (n > 0 && p[n - 1] == ' ') p[--n] = '\0';
                else if (n > 1 && (unsigned char)p[n - 2] == 0xC2 && (unsigned char)p[n - 1] == 0xA0)
                    p[n -= 2] = '\0';
                else break;
            }
            if (n == 0) continue;
            paragraphs++;
            CHECK_CONTAINS(body, p);
        }
        CHECK(paragraphs >= 15);
        free(seed);
    } else {
        fprintf(stderr, "unit_demo: %s not found, verbatim comparison skipped\n", SEED_FILE);
    }

    /* The attachment: a real Word document. */
    st = db_prepare(db, "SELECT at.filename, at.doc_number, at.issued_at, at.file_id, f.mime "
                        "FROM attachments at JOIN files f ON f.id = at.file_id WHERE at.article_id = ?1");
    db_bind_int(st, 1, id);
    CHECK_INT(db_step(st), DB_ROW);
    CHECK_STR(db_col_text(st, 0), "Đề án 15-ĐA-TU (tóm tắt).docx");
    CHECK_STR(db_col_text(st, 1), "15-ĐA/TU");
    CHECK_STR(date_of(a, db_col_int(st, 2)), "12/5/2022");
    CHECK_STR(db_col_text(st, 4),
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    int64_t file_id = db_col_int(st, 3);
    CHECK_INT(db_step(st), DB_DONE);
    db_done(st);
    size_t n = 0;
    char *docx = stored(a, file_id, &n);
    CHECK(docx != NULL);
    if (docx) {
        CHECK(n > 1000 && memcmp(docx, "PK\x03\x04", 4) == 0);
        CHECK(contains(docx, n, "[Content_Types].xml"));
        CHECK(contains(docx, n, "word/document.xml"));
        free(docx);
    }
    /* Found by the search index as a document. */
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments WHERE doc_number = '15-ĐA/TU'", ""), 1);
    arena_free(a);
    teardown();
}

TEST(test_load_samples_and_structure)
{
    setup();
    Arena *a = arena_new();
    char err[256] = "";
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    CHECK(count("SELECT COUNT(*) FROM articles WHERE is_sample = 1") >= 30);
    CHECK(count("SELECT COUNT(DISTINCT category_id) FROM articles WHERE is_sample = 1") >= 6);
    CHECK(count("SELECT COUNT(*) FROM articles WHERE is_sample = 1 AND featured = 1") >= 3);
    /* dated over the term 2021-2026, every one with a title, summary, body, byline */
    CHECK(count("SELECT MIN(published_at) FROM articles") < at("2021-12-31"));
    CHECK(count("SELECT MAX(published_at) FROM articles") > at("2026-01-01"));
    CHECK_INT(count("SELECT COUNT(*) FROM articles WHERE summary = '' OR author = '' "
                    "OR length(body) < 400"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM article_revisions"), count("SELECT COUNT(*) FROM articles"));
    /* everything before `now` is published */
    CHECK_INT(count("SELECT COUNT(*) FROM articles WHERE status <> 'published'"), 0);

    /* categories: structure, not sample; menu order; two children */
    CHECK_INT(count("SELECT COUNT(*) FROM categories WHERE is_sample = 1"), 0);
    CHECK_STR(db_text(db, a, t_pg() ? "SELECT string_agg(slug, ',' ORDER BY position, id) FROM categories "
                                      "WHERE parent_id IS NULL"
                                    : "SELECT group_concat(slug, ',') FROM (SELECT slug FROM categories "
                                      "WHERE parent_id IS NULL ORDER BY position, id)", ""),
              "tin-tuc-su-kien,hoat-dong-hdnd,ky-hop,giam-sat,tiep-xuc-cu-tri,van-ban,"
              "hoat-dong-doan-dbqh");
    CHECK_STR(db_text(db, a, "SELECT name FROM categories WHERE slug = 'tin-tuc-su-kien'", ""),
              "Tin tức – Sự kiện");
    CHECK_INT(count("SELECT COUNT(*) FROM categories c JOIN categories p ON p.id = c.parent_id "
                    "WHERE p.slug = 'hoat-dong-hdnd'"), 2);

    /* Văn bản: numbered resolutions with a generated, well-formed PDF */
    CHECK(count("SELECT COUNT(*) FROM attachments at JOIN articles x ON x.id = at.article_id "
                "JOIN categories c ON c.id = x.category_id WHERE c.slug = 'van-ban' "
                "AND at.doc_number LIKE '%/NQ-HĐND' AND at.issued_at IS NOT NULL") >= 3);
    int64_t pdf_id = count("SELECT MIN(file_id) FROM attachments at JOIN files f ON f.id = at.file_id "
                           "WHERE f.mime = 'application/pdf'");
    CHECK(pdf_id > 0);
    size_t n = 0;
    char *pdf = stored(a, pdf_id, &n);
    CHECK(pdf != NULL);
    if (pdf) {
        CHECK(n > 200 && memcmp(pdf, "%PDF-1.4\n", 9) == 0);
        CHECK(n > 6 && memcmp(pdf + n - 6, "%%EOF\n", 6) == 0);
        CHECK(contains(pdf, n, "MINH HOA"));
        /* startxref points at the xref table, whose entries point at the objects */
        char *sx = strstr(pdf, "startxref\n");
        CHECK(sx != NULL);
        if (sx) {
            long xref = atol(sx + 10);
            CHECK(xref > 0 && (size_t)xref < n && strncmp(pdf + xref, "xref\n0 6\n", 9) == 0);
            for (int i = 1; i <= 5 && xref > 0 && (size_t)xref < n; i++) {
                long off = atol(pdf + xref + 9 + 20 * i);
                char want[32];
                snprintf(want, sizeof want, "%d 0 obj", i);
                CHECK(off > 0 && (size_t)off < n && strncmp(pdf + off, want, strlen(want)) == 0);
            }
        }
        free(pdf);
    }

    /* settings and councils */
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'demo_loaded'", ""), "1");
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'site_name'", ""),
              "Đoàn đại biểu Quốc hội và Hội đồng nhân dân thành phố Hà Nội");
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'site_subtitle'", ""),
              "Trang thông tin điện tử");
    CHECK_INT(count("SELECT COUNT(*) FROM councils WHERE unit_code = '01' AND level = 'province'"), 1);
    CHECK_STR(date_of(a, count("SELECT valid_from FROM councils WHERE unit_code = '01'")), "1/8/2008");
    /* the current councils (the former ones: tests/unit_council_demo.c) */
    CHECK_INT(count("SELECT COUNT(*) FROM councils WHERE level = 'commune' AND valid_to IS NULL"), 126);
    CHECK_INT(count("SELECT COUNT(*) FROM councils WHERE level = 'commune' AND valid_to IS NULL"
                    " AND name LIKE '%phường%'"), 51);
    CHECK_INT(count("SELECT COUNT(*) FROM councils k JOIN councils p ON p.id = k.parent_id "
                    "WHERE k.level = 'commune' AND k.valid_to IS NULL AND p.unit_code = '01'"), 126);
    CHECK_STR(db_text(db, a, "SELECT name FROM councils WHERE unit_code = '00004' AND valid_to IS NULL", ""),
              "Hội đồng nhân dân phường Ba Đình");
    CHECK_STR(date_of(a, count("SELECT MIN(valid_from) FROM councils WHERE level = 'commune'"
                               " AND valid_to IS NULL")), "1/7/2025");
    arena_free(a);
    teardown();
}

TEST(test_load_twice_is_idempotent)
{
    setup();
    char err[256] = "";
    static const char *const tables[] = {
        "SELECT COUNT(*) FROM articles", "SELECT COUNT(*) FROM attachments",
        "SELECT COUNT(*) FROM files", "SELECT COUNT(*) FROM categories",
        "SELECT COUNT(*) FROM councils", "SELECT COUNT(*) FROM settings",
        "SELECT COUNT(*) FROM article_revisions", "SELECT COUNT(*) FROM audit_log",
    };
    int64_t before[8];
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    for (int i = 0; i < 8; i++) {
        before[i] = count(tables[i]);
        CHECK(before[i] > 0);
    }
    CHECK_INT(demo_load(db, files_dir, at("2026-11-28 12:00"), err, sizeof err), 0);
    for (int i = 0; i < 8; i++) CHECK_INT(count(tables[i]), before[i]);
    teardown();
}

/* A load that fails half-way (the file store cannot be written) leaves the
 * database as it was: one transaction. */
TEST(test_failed_load_writes_nothing)
{
    setup();
    char blocker[320], bad[400], err[256] = "";
    snprintf(blocker, sizeof blocker, "%s/not-a-dir", dir);
    FILE *f = fopen(blocker, "w");
    CHECK(f != NULL);
    if (f) fclose(f);
    snprintf(bad, sizeof bad, "%s/files", blocker);
    CHECK_INT(demo_load(db, bad, at("2026-11-27 12:00"), err, sizeof err), -1);
    CHECK(err[0] != '\0');
    CHECK_INT(count("SELECT COUNT(*) FROM articles"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM categories"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM councils"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM settings WHERE key <> 'search_index_format'"), 0);   /* migration 16's row */
    /* and a later good load works */
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    CHECK(count("SELECT COUNT(*) FROM articles") >= 31);
    teardown();
}

/* Articles dated after `now` are scheduled, the others published. */
TEST(test_future_articles_are_scheduled)
{
    setup();
    char err[256] = "";
    int64_t now = at("2024-01-01 00:00");
    CHECK_INT(demo_load(db, files_dir, now, err, sizeof err), 0);
    CHECK(count("SELECT COUNT(*) FROM articles WHERE status = 'scheduled'") > 5);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE status = 'scheduled' "
                             "AND published_at <= ?1", "l", now), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE status = 'published' "
                             "AND published_at > ?1", "l", now), 0);
    teardown();
}

TEST(test_remove_keeps_real_content)
{
    setup();
    Arena *a = arena_new();
    char err[256] = "";
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    /* an administrator's own value survives; a real upload sharing nothing stays */
    db_exec(db, "UPDATE settings SET value = 'lienhe@hanoi.gov.vn' WHERE key = 'site_email'", "");
    char *pdf_sha = db_text(db, a, "SELECT f.sha256 FROM files f WHERE f.mime = 'application/pdf' "
                                   "ORDER BY f.id LIMIT 1", "");
    CHECK(pdf_sha != NULL);
    const char *pdf_path = pdf_sha ? store_path(a, files_dir, pdf_sha) : "";
    struct stat sb;
    CHECK_INT(stat(pdf_path, &sb), 0);
    int64_t seed_id = count("SELECT id FROM articles WHERE is_sample = 0");
    int64_t cats = count("SELECT COUNT(*) FROM categories");
    int64_t councils = count("SELECT COUNT(*) FROM councils");

    CHECK_INT(demo_remove(db, files_dir, err, sizeof err), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM articles WHERE is_sample = 1"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM categories WHERE is_sample = 1"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM users WHERE is_sample = 1"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM articles"), 1);
    CHECK_INT(count("SELECT id FROM articles"), seed_id);
    CHECK_INT(count("SELECT COUNT(*) FROM article_revisions WHERE article_id <> "
                    "(SELECT id FROM articles)"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM attachments"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM files"), 1);   /* only the docx is left */
    CHECK_INT(count("SELECT COUNT(*) FROM files f JOIN attachments at ON at.file_id = f.id"), 1);
    CHECK(stat(pdf_path, &sb) != 0);                     /* bytes of removed files gone */
    CHECK_INT(count("SELECT COUNT(*) FROM categories"), cats);   /* structure stays */
    CHECK_INT(count("SELECT COUNT(*) FROM councils"), councils);
    CHECK_INT(count("SELECT COUNT(*) FROM settings WHERE key = 'demo_loaded'"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM settings WHERE key = 'site_phone'"), 0);
    CHECK_STR(db_text(db, a, "SELECT value FROM settings WHERE key = 'site_email'", ""),
              "lienhe@hanoi.gov.vn");
    CHECK_INT(count("SELECT COUNT(*) FROM audit_log WHERE action = 'demo.remove'"), 1);
    /* the seed article's document is still there */
    size_t n = 0;
    char *docx = stored(a, count("SELECT file_id FROM attachments"), &n);
    CHECK(docx != NULL && n > 4 && memcmp(docx, "PK", 2) == 0);
    free(docx);
    /* removing again is harmless; loading again does nothing (seed exists) */
    CHECK_INT(demo_remove(db, files_dir, err, sizeof err), 0);
    CHECK_INT(demo_load(db, files_dir, at("2026-11-27 12:00"), err, sizeof err), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM articles"), 1);
    arena_free(a);
    teardown();
}

int main(void)
{
    t_prog = "unit_demo";
    RUN(test_load_seed_article);
    RUN(test_load_samples_and_structure);
    RUN(test_load_twice_is_idempotent);
    RUN(test_failed_load_writes_nothing);
    RUN(test_future_articles_are_scheduled);
    RUN(test_remove_keeps_real_content);
    return t_done();
}
