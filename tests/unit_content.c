/* unit_content.c - the publishing model (content.c) and the file store
 * (store.c) against a fresh SQLite database in a temp directory:
 * validation errors leave nothing written, slugs from Vietnamese titles are
 * unique, edits add revisions, status changes and categories are checked,
 * and the store decides type by content, deduplicates and enforces size. */
#include <dirent.h>
#include <gd.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "content.h"
#include "db.h"
#include "log.h"
#include "t.h"
#include "vn.h"

static char dir[256];
static char files_dir[300];
static Db *db;
static int64_t cat_id;

static int64_t count(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-content-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(files_dir, sizeof files_dir, "%s/files", dir);
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    db_exec(db, "INSERT INTO categories (name, slug) VALUES ('Tin tức - Sự kiện', 'tin-tuc-su-kien')", "");
    cat_id = db_last_id(db);
    /* user 1 edits everything below (articles.created_by and friends reference it) */
    db_exec(db, "INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
                "VALUES (1, 'admin', 'Quản trị', 'x', 'admin', 0)", "");
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static ArticleInput base_input(const char *title)
{
    ArticleInput in = {0};
    in.category_id = cat_id;
    in.title = title;
    in.summary = "Tóm tắt";
    in.body = "Nội dung **bài viết**.";
    in.author = "Phóng viên";
    in.status = "draft";
    return in;
}

/* Every validation error: -1, a Vietnamese message, and nothing written. */
TEST(test_validation_writes_nothing)
{
    Arena *a = arena_new();
    const char *err;
    int64_t id = 0;
    char longtitle[700];
    memset(longtitle, 0, sizeof longtitle);
    for (int i = 0; i < 301; i++) strcat(longtitle, "đ");   /* 301 code points */
    static char bigbody[500100];
    memset(bigbody, 'x', sizeof bigbody - 1);
    bigbody[sizeof bigbody - 1] = 0;

    struct { ArticleInput in; const char *msg; } cases[6];
    cases[0].in = base_input("   "); cases[0].msg = "Vui lòng nhập tiêu đề";
    cases[1].in = base_input("Tiêu đề \xff\xfe hỏng"); cases[1].msg = "UTF-8";
    cases[2].in = base_input(longtitle); cases[2].msg = "tối đa 300 ký tự";
    cases[3].in = base_input("Bài viết"); cases[3].in.category_id = 9999; cases[3].msg = "chuyên mục";
    cases[4].in = base_input("Bài viết"); cases[4].in.status = "deleted"; cases[4].msg = "Trạng thái";
    cases[5].in = base_input("Bài viết"); cases[5].in.status = "scheduled"; cases[5].msg = "hẹn giờ";
    for (int i = 0; i < 6; i++) {
        err = NULL;
        CHECK_INT(article_save(db, a, &cases[i].in, 1, "admin", 1000, &id, &err), -1);
        CHECK(err != NULL);
        CHECK_CONTAINS(err, cases[i].msg);
    }
    ArticleInput big = base_input("Bài dài");
    big.body = bigbody;
    CHECK_INT(article_save(db, a, &big, 1, "admin", 1000, &id, &err), -1);
    CHECK_CONTAINS(err, "Nội dung quá dài");
    ArticleInput badsum = base_input("Bài viết");
    badsum.summary = "abc\xc0\xaf";   /* overlong '/' */
    CHECK_INT(article_save(db, a, &badsum, 1, "admin", 1000, &id, &err), -1);
    CHECK_CONTAINS(err, "Tóm tắt");
    CHECK_INT(count("SELECT COUNT(*) FROM articles"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM article_revisions"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM audit_log"), 0);
    arena_free(a);
}

TEST(test_slugs_unique)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t ids[3];
    for (int i = 0; i < 3; i++) {
        ArticleInput in = base_input("Kỳ họp thứ 5 HĐND thành phố Hà Nội khóa XVI");
        CHECK_INT(article_save(db, a, &in, 1, "admin", 1000 + i, &ids[i], &err), 0);
    }
    CHECK_STR(db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", ids[0]),
              "ky-hop-thu-5-hdnd-thanh-pho-ha-noi-khoa-xvi");
    CHECK_STR(db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", ids[1]),
              "ky-hop-thu-5-hdnd-thanh-pho-ha-noi-khoa-xvi-2");
    CHECK_STR(db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", ids[2]),
              "ky-hop-thu-5-hdnd-thanh-pho-ha-noi-khoa-xvi-3");
    /* An explicit slug that is taken is refused, not silently changed. */
    ArticleInput dup = base_input("Bài khác");
    dup.slug = "ky-hop-thu-5-hdnd-thanh-pho-ha-noi-khoa-xvi";
    int64_t before = count("SELECT COUNT(*) FROM articles");
    CHECK_INT(article_save(db, a, &dup, 1, "admin", 2000, NULL, &err), -1);
    CHECK_CONTAINS(err, "đã được dùng");
    CHECK_INT(count("SELECT COUNT(*) FROM articles"), before);
    /* An explicit slug with diacritics is reduced to a clean one. */
    ArticleInput ex = base_input("Bài khác");
    ex.slug = "Đề án 15-ĐA/TU";
    int64_t exid = 0;
    CHECK_INT(article_save(db, a, &ex, 1, "admin", 2000, &exid, &err), 0);
    CHECK_STR(db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", exid), "de-an-15-da-tu");
    arena_free(a);
}

TEST(test_revisions_and_nfc)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t id = 0;
    /* "Hội đồng" with combining marks (NFD) must be stored as NFC. */
    ArticleInput in = base_input("Ho\xcc\x82\xcc\xa3i \xc4\x91o\xcc\x82\xcc\x80ng nhân dân");
    CHECK_INT(article_save(db, a, &in, 1, "admin", 5000, &id, &err), 0);
    CHECK_STR(db_text(db, a, "SELECT title FROM articles WHERE id = ?1", "l", id), "Hội đồng nhân dân");
    CHECK_INT(db_int(db, 0, "SELECT revision FROM articles WHERE id = ?1", "l", id), 1);
    char *slug1 = db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id);

    ArticleInput ed = base_input("Hội đồng nhân dân thành phố");
    ed.id = id;
    ed.body = "Nội dung đã sửa";
    ed.status = "published";
    CHECK_INT(article_save(db, a, &ed, 1, "admin", 6000, NULL, &err), 0);
    CHECK_INT(db_int(db, 0, "SELECT revision FROM articles WHERE id = ?1", "l", id), 2);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM article_revisions WHERE article_id = ?1", "l", id), 2);
    CHECK_STR(db_text(db, a, "SELECT body FROM article_revisions WHERE article_id = ?1 AND revision = 1",
                      "l", id), "Nội dung **bài viết**.");
    CHECK_STR(db_text(db, a, "SELECT body FROM article_revisions WHERE article_id = ?1 AND revision = 2",
                      "l", id), "Nội dung đã sửa");
    /* The URL does not change when the title does; publishing sets the date. */
    CHECK_STR(db_text(db, a, "SELECT slug FROM articles WHERE id = ?1", "l", id), slug1);
    CHECK_INT(db_int(db, 0, "SELECT published_at FROM articles WHERE id = ?1", "l", id), 6000);
    /* A later edit keeps the original publication date. */
    ed.body = "Lần sửa thứ ba";
    CHECK_INT(article_save(db, a, &ed, 1, "admin", 7000, NULL, &err), 0);
    CHECK_INT(db_int(db, 0, "SELECT published_at FROM articles WHERE id = ?1", "l", id), 6000);
    CHECK_INT(db_int(db, 0, "SELECT revision FROM articles WHERE id = ?1", "l", id), 3);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'article' AND object_id = ?1",
                     "l", id), 3);
    /* Editing an article that does not exist. */
    ed.id = 987654;
    CHECK_INT(article_save(db, a, &ed, 1, "admin", 7000, NULL, &err), -1);
    CHECK_CONTAINS(err, "Không tìm thấy");

    /* Status changes. */
    CHECK_INT(article_set_status(db, id, "archived", 1, "admin", 8000, &err), 0);
    CHECK_STR(db_text(db, a, "SELECT status FROM articles WHERE id = ?1", "l", id), "archived");
    CHECK_INT(article_set_status(db, id, "published", 1, "admin", 9000, &err), 0);
    CHECK_INT(db_int(db, 0, "SELECT published_at FROM articles WHERE id = ?1", "l", id), 6000);
    CHECK_INT(article_set_status(db, id, "bogus", 1, "admin", 9000, &err), -1);
    CHECK_INT(article_set_status(db, 424242, "draft", 1, "admin", 9000, &err), -1);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM audit_log WHERE action = 'article.publish'", ""), 1);
    arena_free(a);
}

TEST(test_categories)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t p = 0, c = 0, g = 0;
    CategoryInput in = {.name = "Hoạt động HĐND", .in_menu = 1, .position = 1};
    CHECK_INT(category_save(db, a, &in, 1, "admin", 100, &p, &err), 0);
    CHECK_STR(db_text(db, a, "SELECT slug FROM categories WHERE id = ?1", "l", p), "hoat-dong-hdnd");
    CategoryInput child = {.name = "Kỳ họp", .parent_id = p};
    CHECK_INT(category_save(db, a, &child, 1, "admin", 100, &c, &err), 0);
    CategoryInput grand = {.name = "Kỳ họp thứ 5", .parent_id = c};
    CHECK_INT(category_save(db, a, &grand, 1, "admin", 100, &g, &err), 0);
    /* p under its grandchild would be a cycle; p under itself too. */
    CategoryInput cyc = {.id = p, .name = "Hoạt động HĐND", .parent_id = g};
    CHECK_INT(category_save(db, a, &cyc, 1, "admin", 100, NULL, &err), -1);
    CHECK_CONTAINS(err, "chuyên mục con");
    cyc.parent_id = p;
    CHECK_INT(category_save(db, a, &cyc, 1, "admin", 100, NULL, &err), -1);
    CHECK_INT(db_int(db, -1, "SELECT COALESCE(parent_id, 0) FROM categories WHERE id = ?1", "l", p), 0);
    /* Duplicate name: derived slug gets -2; explicit duplicate is refused. */
    int64_t d = 0;
    CategoryInput dup = {.name = "Hoạt động HĐND"};
    CHECK_INT(category_save(db, a, &dup, 1, "admin", 100, &d, &err), 0);
    CHECK_STR(db_text(db, a, "SELECT slug FROM categories WHERE id = ?1", "l", d), "hoat-dong-hdnd-2");
    CategoryInput dup2 = {.name = "Khác", .slug = "hoat-dong-hdnd"};
    CHECK_INT(category_save(db, a, &dup2, 1, "admin", 100, NULL, &err), -1);
    CategoryInput empty = {.name = ""};
    CHECK_INT(category_save(db, a, &empty, 1, "admin", 100, NULL, &err), -1);
    CHECK_CONTAINS(err, "Vui lòng nhập tên chuyên mục");
    arena_free(a);
}

/* ---- file store ---- */

static const char pdf_bytes[] =
    "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    "2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    "trailer\n<< /Root 1 0 R >>\n%%EOF\n";

static void put16(Buf *b, unsigned v) { buf_putc(b, (char)(v & 255)); buf_putc(b, (char)(v >> 8)); }
static void put32(Buf *b, unsigned long v) { put16(b, (unsigned)(v & 0xffff)); put16(b, (unsigned)(v >> 16)); }

/* A zip archive with stored (uncompressed) entries: names[i] -> datas[i]. */
static void make_zip(Buf *z, int n, const char *const *names, const char *const *datas)
{
    unsigned long offs[8];
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), dl = strlen(datas[i]);
        unsigned long crc = crc32(0, (const unsigned char *)datas[i], (unsigned)dl);
        offs[i] = z->len;
        put32(z, 0x04034b50); put16(z, 20); put16(z, 0); put16(z, 0); put16(z, 0); put16(z, 0x21);
        put32(z, crc); put32(z, dl); put32(z, dl); put16(z, (unsigned)nl); put16(z, 0);
        buf_append(z, names[i], nl);
        buf_append(z, datas[i], dl);
    }
    size_t cd = z->len;
    for (int i = 0; i < n; i++) {
        size_t nl = strlen(names[i]), dl = strlen(datas[i]);
        unsigned long crc = crc32(0, (const unsigned char *)datas[i], (unsigned)dl);
        put32(z, 0x02014b50); put16(z, 20); put16(z, 20); put16(z, 0); put16(z, 0); put16(z, 0);
        put16(z, 0x21); put32(z, crc); put32(z, dl); put32(z, dl); put16(z, (unsigned)nl);
        put16(z, 0); put16(z, 0); put16(z, 0); put16(z, 0); put32(z, 0); put32(z, offs[i]);
        buf_append(z, names[i], nl);
    }
    size_t cdlen = z->len - cd;
    put32(z, 0x06054b50); put16(z, 0); put16(z, 0); put16(z, (unsigned)n); put16(z, (unsigned)n);
    put32(z, cdlen); put32(z, cd); put16(z, 0);
}

static int write_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(p, 1, n, f);
    fclose(f);
    return w == n ? 0 : -1;
}

static int tmp_files_left(void)
{
    int found = 0;
    DIR *d = opendir(files_dir);
    if (!d) return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' && strncmp(e->d_name, ".tmp", 4) == 0) found++;
        if (strlen(e->d_name) == 2 && e->d_name[0] != '.') {
            char sub[600];
            snprintf(sub, sizeof sub, "%s/%s", files_dir, e->d_name);
            DIR *s = opendir(sub);
            struct dirent *f;
            while (s && (f = readdir(s)))
                if (strncmp(f->d_name, ".tmp", 4) == 0) found++;
            if (s) closedir(s);
        }
    }
    closedir(d);
    return found;
}

static const char *mime_of(Arena *a, int64_t id)
{
    return db_text(db, a, "SELECT mime FROM files WHERE id = ?1", "l", id);
}

TEST(test_store_accepts_by_content)
{
    Arena *a = arena_new();
    const char *err = NULL;
    /* PDF from a file named .bin: the name does not matter, the bytes do. */
    char path[400];
    snprintf(path, sizeof path, "%s/upload.bin", dir);
    CHECK_INT(write_file(path, pdf_bytes, sizeof pdf_bytes - 1), 0);
    int64_t pdf = store_put(db, a, files_dir, path, 1 << 20, &err);
    CHECK(pdf > 0);
    CHECK_STR(mime_of(a, pdf), "application/pdf");
    char *sha = db_text(db, a, "SELECT sha256 FROM files WHERE id = ?1", "l", pdf);
    CHECK(sha && strlen(sha) == 64);
    if (sha) {
        char *sp = store_path(a, files_dir, sha);
        struct stat sb;
        CHECK_INT(stat(sp, &sb), 0);
        CHECK_INT(sb.st_size, sizeof pdf_bytes - 1);
        CHECK_CONTAINS(sp, "/files/");
        CHECK(strncmp(sp + strlen(files_dir) + 1, sha, 2) == 0);
    }

    /* PNG made by libgd. */
    gdImagePtr im = gdImageCreateTrueColor(4, 3);
    gdImageFilledRectangle(im, 0, 0, 3, 2, gdTrueColor(200, 16, 46));
    int pngsize = 0;
    void *png = gdImagePngPtr(im, &pngsize);
    gdImageDestroy(im);
    int64_t pngid = store_put_mem(db, a, files_dir, png, (size_t)pngsize, 1 << 20, &err);
    gdFree(png);
    CHECK(pngid > 0);
    CHECK_STR(mime_of(a, pngid), "image/png");

    /* DOCX and XLSX built here (stored zip), ODT too. */
    const char *dn[] = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};
    const char *dd[] = {"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
                        "<?xml version=\"1.0\"?><Relationships/>",
                        "<?xml version=\"1.0\"?><w:document>Hội đồng</w:document>"};
    Buf z;
    buf_init(&z, a);
    make_zip(&z, 3, dn, dd);
    int64_t docx = store_put_mem(db, a, files_dir, z.data, z.len, 1 << 20, &err);
    CHECK(docx > 0);
    CHECK_STR(mime_of(a, docx), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    const char *xn[] = {"[Content_Types].xml", "xl/workbook.xml"};
    const char *xd[] = {"<Types/>", "<workbook/>"};
    buf_init(&z, a);
    make_zip(&z, 2, xn, xd);
    int64_t xlsx = store_put_mem(db, a, files_dir, z.data, z.len, 1 << 20, &err);
    CHECK(xlsx > 0);
    CHECK_STR(mime_of(a, xlsx), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const char *on[] = {"mimetype", "content.xml"};
    const char *od[] = {"application/vnd.oasis.opendocument.text", "<office:document-content/>"};
    buf_init(&z, a);
    make_zip(&z, 2, on, od);
    int64_t odt = store_put_mem(db, a, files_dir, z.data, z.len, 1 << 20, &err);
    CHECK(odt > 0);
    CHECK_STR(mime_of(a, odt), "application/vnd.oasis.opendocument.text");

    /* The demo DOCX (made by Word-like tooling) if present. */
    FILE *f = fopen("demo/de-an-15-DA-TU-tom-tat.docx", "rb");
    if (f) {
        fclose(f);
        int64_t demo = store_put(db, a, files_dir, "demo/de-an-15-DA-TU-tom-tat.docx", 1 << 20, &err);
        CHECK(demo > 0);
        CHECK_STR(mime_of(a, demo),
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    CHECK_INT(tmp_files_left(), 0);
    arena_free(a);
}

TEST(test_store_refuses)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t before = count("SELECT COUNT(*) FROM files");
    /* HTML renamed .pdf */
    char path[400];
    snprintf(path, sizeof path, "%s/trap.pdf", dir);
    const char html[] = "<!DOCTYPE html>\n<html><head><title>x</title></head><body>"
                        "<script>alert(1)</script></body></html>\n";
    CHECK_INT(write_file(path, html, sizeof html - 1), 0);
    CHECK_INT(store_put(db, a, files_dir, path, 1 << 20, &err), -1);
    CHECK_CONTAINS(err, "Loại tệp không được phép");
    /* An ELF executable (this very test program) renamed .pdf */
    char self[400];
    ssize_t k = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(k > 0);
    if (k > 0) {
        self[k] = 0;
        err = NULL;
        CHECK_INT(store_put(db, a, files_dir, self, 256u << 20, &err), -1);
        CHECK_CONTAINS(err, "Loại tệp không được phép");
    }
    /* A plain zip is not an Office document. */
    const char *zn[] = {"readme.txt"};
    const char *zd[] = {"xin chào"};
    Buf z;
    buf_init(&z, a);
    make_zip(&z, 1, zn, zd);
    CHECK_INT(store_put_mem(db, a, files_dir, z.data, z.len, 1 << 20, &err), -1);
    CHECK_CONTAINS(err, "Loại tệp không được phép");
    /* Plain text, empty */
    CHECK_INT(store_put_mem(db, a, files_dir, "xin chào\n", 10, 1 << 20, &err), -1);
    CHECK_INT(store_put_mem(db, a, files_dir, "", 0, 1 << 20, &err), -1);
    CHECK_CONTAINS(err, "rỗng");
    /* Over the size limit (a valid PDF). */
    CHECK_INT(store_put_mem(db, a, files_dir, pdf_bytes, sizeof pdf_bytes - 1, 100, &err), -1);
    CHECK_CONTAINS(err, "Tệp quá lớn");
    snprintf(path, sizeof path, "%s/big.pdf", dir);
    write_file(path, pdf_bytes, sizeof pdf_bytes - 1);
    CHECK_INT(store_put(db, a, files_dir, path, 100, &err), -1);
    CHECK_CONTAINS(err, "Tệp quá lớn");
    CHECK_INT(count("SELECT COUNT(*) FROM files"), before);
    CHECK_INT(tmp_files_left(), 0);
    arena_free(a);
}

TEST(test_store_dedup)
{
    Arena *a = arena_new();
    const char *err = NULL;
    char pdf2[sizeof pdf_bytes + 32];
    snprintf(pdf2, sizeof pdf2, "%s%% khác\n", pdf_bytes);
    int64_t x = store_put_mem(db, a, files_dir, pdf2, strlen(pdf2), 1 << 20, &err);
    int64_t before = count("SELECT COUNT(*) FROM files");
    char path[400];
    snprintf(path, sizeof path, "%s/copy.pdf", dir);
    write_file(path, pdf2, strlen(pdf2));
    int64_t y = store_put(db, a, files_dir, path, 1 << 20, &err);
    CHECK(x > 0);
    CHECK_INT(y, x);
    CHECK_INT(count("SELECT COUNT(*) FROM files"), before);
    /* If the bytes went missing on disk, a new upload restores them. */
    char *sha = db_text(db, a, "SELECT sha256 FROM files WHERE id = ?1", "l", x);
    if (sha) {
        char *sp = store_path(a, files_dir, sha);
        unlink(sp);
        CHECK_INT(store_put_mem(db, a, files_dir, pdf2, strlen(pdf2), 1 << 20, &err), x);
        struct stat sb;
        CHECK_INT(stat(sp, &sb), 0);
    }
    arena_free(a);
}

TEST(test_attachments)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t art = 0;
    ArticleInput in = base_input("Bài có tệp đính kèm");
    CHECK_INT(article_save(db, a, &in, 1, "admin", 100, &art, &err), 0);
    int64_t f = store_put_mem(db, a, files_dir, pdf_bytes, sizeof pdf_bytes - 1, 1 << 20, &err);
    CHECK(f > 0);
    int64_t at = attachment_add(db, a, art, f, "Đề án 15-ĐA-TU.pdf", "Đề án 15", "15-ĐA/TU", 0, 100, &err);
    CHECK(at > 0);
    CHECK_STR(db_text(db, a, "SELECT filename FROM attachments WHERE id = ?1", "l", at), "Đề án 15-ĐA-TU.pdf");
    CHECK_INT(attachment_add(db, a, art, f, "../etc/passwd", "", "", 0, 100, &err), -1);
    CHECK_INT(attachment_add(db, a, art, f, "a\x01.pdf", "", "", 0, 100, &err), -1);
    CHECK_INT(attachment_add(db, a, art, f, "bad\xff.pdf", "", "", 0, 100, &err), -1);
    CHECK_INT(attachment_add(db, a, 999999, f, "x.pdf", "", "", 0, 100, &err), -1);
    int64_t at2 = attachment_add(db, a, art, f, "Bản sao.pdf", "", "", 0, 100, &err);
    CHECK_INT(db_int(db, 0, "SELECT position FROM attachments WHERE id = ?1", "l", at2), 2);
    int64_t owner = 0;
    CHECK_INT(attachment_delete(db, at, 1, "admin", 200, &owner, &err), 0);
    CHECK_INT(owner, art);
    CHECK_INT(attachment_delete(db, at, 1, "admin", 200, &owner, &err), -1);
    CHECK_INT(db_int(db, 0, "SELECT COUNT(*) FROM attachments WHERE article_id = ?1", "l", art), 1);
    arena_free(a);
}

int main(void)
{
    t_prog = "unit_content";
    log_quiet = 1;
    setup();
    RUN(test_validation_writes_nothing);
    RUN(test_slugs_unique);
    RUN(test_revisions_and_nfc);
    RUN(test_categories);
    RUN(test_store_accepts_by_content);
    RUN(test_store_refuses);
    RUN(test_store_dedup);
    RUN(test_attachments);
    teardown();
    return t_done();
}
