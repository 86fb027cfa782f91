/* http_council_io.c - a council's delegates and positions out to files and
 * back in (issue 8 item 6), against the real binary with demo content:
 *   - exports: CSV (BOM, Vietnamese header), XLSX (a zip), JSON (parses,
 *     same count as the database), as attachments named after the council
 *     and never cached; a bad format is a 400 in Vietnamese;
 *   - scope: another commune's export and import answer 403, the import
 *     before its file is stored; the reviewer exports but cannot import;
 *   - a dry run shows each row and writes nothing; the confirmation writes
 *     the file once with one audit row; a second confirmation finds nothing;
 *   - a file that is not CSV/XLSX, a broken workbook, a wrong header, a
 *     refused row: 400 with the reason, nothing written, no confirmation;
 *   - an export imported back is "nothing new" (the file is the contract). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dirent.h>
#include <jansson.h>
#include <sodium.h>
#include "arena.h"
#include "db.h"
#include "log.h"
#include "t.h"
#include "tclient.h"

#define STAFF_PASSWORD "Mật-khẩu-cán-bộ-2026"

static TServer srv;
static Db *db;
static int64_t ba_dinh, other, bd_term, other_term;
static char term_first_day[32];

static int64_t writes(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM delegates) + (SELECT COUNT(*) FROM council_memberships)"
                          " + (SELECT COUNT(*) FROM council_changes) + (SELECT COUNT(*) FROM persons)"
                          " + (SELECT COUNT(*) FROM delegate_modes)"
                          " + (SELECT COUNT(*) FROM audit_log WHERE council_id IS NOT NULL)", "");
}

static const char *url(const char *fmt, int64_t a)
{
    static char buf[4][200];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], fmt, (long long)a);
    return buf[i];
}

static const char *num(int64_t v)
{
    static char buf[4][32];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%lld", (long long)v);
    return buf[i];
}

static const char *file_at(const char *name, const char *content, size_t len)
{
    static char path[4][400];
    static int i;
    i = (i + 1) % 4;
    snprintf(path[i], sizeof path[i], "%s/%s", srv.dir, name);
    FILE *f = fopen(path[i], "wb");
    if (!f || fwrite(content, 1, len, f) != len) { fprintf(stderr, "cannot write %s\n", path[i]); t_failed++; }
    if (f) fclose(f);
    return path[i];
}

/* Files in files/import/ (kept previews) and stray upload temp files. */
static int count_files(const char *sub, const char *prefix)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/files%s", srv.dir, sub);
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !strncmp(e->d_name, prefix, strlen(prefix))) n++;
    closedir(d);
    return n;
}

static TClient *signed_in(const char *user, const char *password)
{
    TClient *c = tc_new(&srv);
    if (tc_login(c, user, password) != 0) {
        fprintf(stderr, "http_council_io: login %s failed\n", user);
        t_failed++;
    }
    return c;
}

static const char DELEGATE_HEADER[] = "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,"
                                      "Hình thức,Văn bản,Lý do thôi,Văn bản thôi\n";

TEST(test_exports)
{
    TClient *c = signed_in("bd.bientap", STAFF_PASSWORD);
    Arena *a = arena_new();
    char *name = db_text(db, a, "SELECT p.full_name FROM delegates d JOIN persons p ON p.id = d.person_id"
                                   " WHERE d.term_id = ?1 ORDER BY d.id LIMIT 1", "l", bd_term);
    CHECK(name != NULL);
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=csv&loai=dai-bieu", ba_dinh));
    CHECK_INT(res->status, 200);
    char *h = tc_header(res, "Content-Type");
    CHECK_STR(h ? h : "", "text/csv; charset=utf-8");
    free(h);
    h = tc_header(res, "Content-Disposition");
    CHECK_CONTAINS(h ? h : "", "attachment; filename=\"phuong-ba-dinh-");
    CHECK_CONTAINS(h ? h : "", "-dai-bieu.csv\"");
    free(h);
    h = tc_header(res, "Cache-Control");
    CHECK_CONTAINS(h ? h : "", "no-store");
    free(h);
    CHECK(res->len > 3 && !memcmp(res->body, "\xEF\xBB\xBFMã đại biểu,Họ và tên,", 3 + strlen("Mã đại biểu,Họ và tên,")));
    if (name) CHECK_CONTAINS(res->body, name);
    arena_free(a);

    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=xlsx", ba_dinh));
    CHECK_INT(res->status, 200);
    h = tc_header(res, "Content-Type");
    CHECK_STR(h ? h : "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    free(h);
    CHECK(res->len > 1000 && !memcmp(res->body, "PK\x03\x04", 4));

    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=json", ba_dinh));
    CHECK_INT(res->status, 200);
    json_error_t je;
    json_t *j = json_loads(res->body, 0, &je);
    CHECK(j != NULL);
    if (j) {
        CHECK_INT((int64_t)json_array_size(json_object_get(j, "delegates")),
                  db_int(db, -1, "SELECT COUNT(*) FROM delegates WHERE term_id = ?1", "l", bd_term));
        CHECK_INT((int64_t)json_array_size(json_object_get(j, "memberships")),
                  db_int(db, -1, "SELECT COUNT(*) FROM council_memberships m JOIN delegates d ON d.id = m.delegate_id"
                                 " WHERE d.term_id = ?1", "l", bd_term));
        json_decref(j);
    }
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=pdf", ba_dinh));
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Định dạng xuất không hợp lệ");
    /* another commune's list: not in scope */
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=csv", other));
    CHECK_INT(res->status, 403);
    CHECK_NOT_CONTAINS(res->body, "Mã đại biểu,");
    tc_free(c);
    /* anonymous: sent to sign in */
    TClient *anon = tc_new(&srv);
    res = tc_get(anon, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=csv", ba_dinh));
    CHECK_INT(res->status, 303);
    tc_free(anon);
}

TEST(test_scope_before_the_file)
{
    char csv[512];
    snprintf(csv, sizeof csv, "%s,Người Ngoài Phạm Vi,,%s,,,,,,\n", DELEGATE_HEADER, term_first_day);
    const char *path = file_at("scope.csv", csv, strlen(csv));
    int64_t before = writes();
    TClient *c = signed_in("bd.bientap", STAFF_PASSWORD);
    /* another commune's URL (with its own term): refused before the body, no file kept */
    TResp *res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", other), "csrf", c->csrf,
                                   "term", num(other_term), "@file", path, "dai-bieu.csv", NULL);
    CHECK_INT(res->status, 403);
    /* its own URL but another council's term */
    res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", c->csrf,
                            "term", num(other_term), "@file", path, "dai-bieu.csv", NULL);
    CHECK_INT(res->status, 403);
    CHECK_CONTAINS(res->body, "không thuộc Hội đồng nhân dân của trang đang mở");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/nhap/xac-nhan", other), "csrf", c->csrf, "term", num(other_term),
                  "tep", "0123456789abcdef0123456789abcdef", "kieu", "csv", NULL);
    CHECK_INT(res->status, 403);
    tc_free(c);
    /* the reviewer reads and exports, never imports */
    TClient *rv = signed_in("tp.xemxet", STAFF_PASSWORD);
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=csv&loai=chuc-danh", ba_dinh));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Mã đại biểu,Họ và tên,Cơ quan,Chức danh,Từ ngày,Đến ngày,Văn bản");
    res = tc_get(rv, url("/quan-tri/hoi-dong/%lld", ba_dinh));
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "dinh-dang=xlsx");
    CHECK_NOT_CONTAINS(res->body, "/nhap\"");
    res = tc_post_multipart(rv, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", rv->csrf,
                            "term", num(bd_term), "@file", path, "dai-bieu.csv", NULL);
    CHECK_INT(res->status, 403);
    tc_free(rv);
    CHECK_INT(writes(), before);
    CHECK_INT(count_files("/import", ""), 0);
    CHECK_INT(count_files("", ".upload-"), 0);
}

TEST(test_dry_run_then_apply)
{
    char csv[1024];
    snprintf(csv, sizeof csv, "%s,Lê Văn Nhập,,%s,,Có,Bầu cử,Biên bản bầu cử,,\n,Phạm Thị Tệp,,%s,,,,,,\n",
             DELEGATE_HEADER, term_first_day, term_first_day);
    const char *path = file_at("moi.csv", csv, strlen(csv));
    int64_t before = writes();
    TClient *c = signed_in("bd.bientap", STAFF_PASSWORD);
    TResp *res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", c->csrf,
                                   "term", num(bd_term), "@file", path, "dai-bieu.csv", NULL);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Kết quả đọc thử (chưa ghi gì)");
    CHECK_CONTAINS(res->body, "Thêm đại biểu Lê Văn Nhập");
    CHECK_CONTAINS(res->body, "chuyên trách");
    CHECK_CONTAINS(res->body, "Thêm đại biểu Phạm Thị Tệp");
    CHECK_CONTAINS(res->body, "2 thêm mới");
    CHECK_INT(writes(), before);
    CHECK_INT(count_files("/import", ""), 1);
    char *tok = tc_input_value(res->body, "tep");
    char *kind = tc_input_value(res->body, "kieu");
    CHECK(tok && strlen(tok) == 32);
    CHECK_STR(kind ? kind : "", "csv");
    /* a made-up or malformed token finds nothing */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/nhap/xac-nhan", ba_dinh), "csrf", c->csrf, "term", num(bd_term),
                  "tep", "ffffffffffffffffffffffffffffffff", "kieu", "csv", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Tệp đã xem trước không còn");
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/nhap/xac-nhan", ba_dinh), "csrf", c->csrf, "term", num(bd_term),
                  "tep", "../../hoidong.db", "kieu", "csv", NULL);
    CHECK_INT(res->status, 400);
    CHECK_INT(writes(), before);
    /* the confirmation writes both, with one audit row */
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/nhap/xac-nhan", ba_dinh), "csrf", c->csrf, "term", num(bd_term),
                  "tep", tok ? tok : "", "kieu", kind ? kind : "", NULL);
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    CHECK_CONTAINS(loc ? loc : "", "ok=nhap");
    free(loc);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM delegates d JOIN persons p ON p.id = d.person_id"
                             " WHERE d.term_id = ?1 AND p.full_name IN ('Lê Văn Nhập', 'Phạm Thị Tệp')", "l", bd_term), 2);
    CHECK_INT(db_int(db, -1, "SELECT m.full_time FROM delegate_modes m JOIN delegates d ON d.id = m.delegate_id"
                             " JOIN persons p ON p.id = d.person_id WHERE p.full_name = 'Lê Văn Nhập'", ""), 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM audit_log WHERE action = 'council.import' AND council_id = ?1",
                     "l", ba_dinh), 1);
    CHECK_INT(count_files("/import", ""), 0);
    res = tc_get(c, url("/quan-tri/hoi-dong/%lld?ok=nhap", ba_dinh));
    CHECK_CONTAINS(res->body, "Đã nhập dữ liệu từ tệp.");
    CHECK_CONTAINS(res->body, "Lê Văn Nhập");
    /* the same confirmation again: the kept file is gone, nothing doubles */
    int64_t after = writes();
    res = tc_post(c, url("/quan-tri/hoi-dong/%lld/nhap/xac-nhan", ba_dinh), "csrf", c->csrf, "term", num(bd_term),
                  "tep", tok ? tok : "", "kieu", kind ? kind : "", NULL);
    CHECK_INT(res->status, 400);
    CHECK_INT(writes(), after);
    /* and the same file uploaded again is nothing new: no confirmation offered */
    res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", c->csrf,
                            "term", num(bd_term), "@file", path, "dai-bieu.csv", NULL);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Tệp không có gì mới");
    CHECK_NOT_CONTAINS(res->body, "name=\"tep\"");
    CHECK_INT(count_files("/import", ""), 0);
    free(tok), free(kind);
    tc_free(c);
}

TEST(test_bad_files_change_nothing)
{
    int64_t before = writes();
    TClient *c = signed_in("bd.bientap", STAFF_PASSWORD);
    const char *up = url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh);
    const char *txt = file_at("danh-sach.txt", "Họ và tên\nAi đó\n", strlen("Họ và tên\nAi đó\n"));
    TResp *res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), "@file", txt, "danh-sach.txt", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx)");
    const char *notzip = file_at("gia.xlsx", "Mã đại biểu,Họ và tên\n", strlen("Mã đại biểu,Họ và tên\n"));
    res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), "@file", notzip, "gia.xlsx", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "không phải bảng tính Excel");
    static const char not_zip[] = "PK\x03\x04 not really a zip";
    const char *broken = file_at("hong.xlsx", not_zip, sizeof not_zip - 1);
    res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), "@file", broken, "hong.xlsx", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Không có dữ liệu nào được ghi.");
    /* a header that misses a column */
    const char *head = "Họ và tên,Từ ngày\nAi Đó,1/7/2026\n";
    res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), "@file", file_at("thieu.csv", head, strlen(head)),
                            "thieu.csv", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Không có dữ liệu nào được ghi.");
    CHECK_NOT_CONTAINS(res->body, "name=\"tep\"");
    /* one good row and one refused: the reason by row, and no confirmation */
    char csv[1024];
    snprintf(csv, sizeof csv, "%s,Người Hợp Lệ,,%s,,,,,,\n,Ngày Sai,,31/2/2026,,,,,,\n", DELEGATE_HEADER, term_first_day);
    res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), "@file", file_at("mot-loi.csv", csv, strlen(csv)),
                            "mot-loi.csv", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Có 1 dòng không nhận được");
    CHECK_CONTAINS(res->body, "“Từ ngày” không hợp lệ: “31/2/2026”");
    CHECK_CONTAINS(res->body, "row-refused");
    CHECK_NOT_CONTAINS(res->body, "name=\"tep\"");
    /* no file at all */
    res = tc_post_multipart(c, up, "csrf", c->csrf, "term", num(bd_term), NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Vui lòng chọn tệp CSV hoặc Excel để nhập.");
    CHECK_INT(writes(), before);
    CHECK_INT(count_files("/import", ""), 0);
    tc_free(c);
}

TEST(test_export_imports_back_as_nothing_new)
{
    TClient *c = signed_in("bd.bientap", STAFF_PASSWORD);
    const char *kinds[] = {"dai-bieu", "chuc-danh"};
    for (int i = 0; i < 2; i++) {
        char q[200];
        snprintf(q, sizeof q, "/quan-tri/hoi-dong/%lld/xuat?dinh-dang=csv&loai=%s", (long long)ba_dinh, kinds[i]);
        TResp *res = tc_get(c, q);
        CHECK_INT(res->status, 200);
        char name[64];
        snprintf(name, sizeof name, "xuat-%s.csv", kinds[i]);
        const char *path = file_at(name, res->body, res->len);
        int64_t before = writes();
        res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", c->csrf,
                                "term", num(bd_term), "@file", path, name, NULL);
        CHECK_INT(res->status, 200);
        CHECK_CONTAINS(res->body, "Tệp không có gì mới");
        CHECK_CONTAINS(res->body, " 0 thêm mới, 0 sửa");
        CHECK_INT(writes(), before);
    }
    /* the workbook too */
    TResp *res = tc_get(c, url("/quan-tri/hoi-dong/%lld/xuat?dinh-dang=xlsx", ba_dinh));
    CHECK_INT(res->status, 200);
    const char *path = file_at("xuat.xlsx", res->body, res->len);
    res = tc_post_multipart(c, url("/quan-tri/hoi-dong/%lld/nhap", ba_dinh), "csrf", c->csrf,
                            "term", num(bd_term), "@file", path, "xuat.xlsx", NULL);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Tệp không có gì mới");
    tc_free(c);
}

static int setup(void)
{
    db = ts_db(&srv);
    if (!db) return -1;
    const char *cur = "SELECT c.id FROM councils c JOIN units u ON u.id = c.unit_id WHERE u.slug = ?1"
                      " AND c.valid_to IS NULL";
    ba_dinh = db_int(db, 0, cur, "t", "phuong-ba-dinh");
    other = db_int(db, 0, "SELECT c.id FROM councils c WHERE c.level = 'commune' AND c.valid_to IS NULL"
                          " AND c.id <> ?1 AND EXISTS (SELECT 1 FROM council_terms t WHERE t.council_id = c.id)"
                          " ORDER BY c.id LIMIT 1", "l", ba_dinh);
    const char *term = "SELECT id FROM council_terms WHERE council_id = ?1 ORDER BY starts_on DESC LIMIT 1";
    bd_term = db_int(db, 0, term, "l", ba_dinh);
    other_term = db_int(db, 0, term, "l", other);
    int64_t first = db_int(db, 0, "SELECT starts_on FROM council_terms WHERE id = ?1", "l", bd_term);
    if (ba_dinh <= 0 || other <= 0 || bd_term <= 0 || other_term <= 0 || first <= 0) {
        fprintf(stderr, "http_council_io: demo ids missing\n");
        return -1;
    }
    time_t vn = (time_t)(first + 7 * 3600);
    struct tm tm;
    gmtime_r(&vn, &tm);
    snprintf(term_first_day, sizeof term_first_day, "%d/%d/%d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    int rc = ts_council_staff(&srv, STAFF_PASSWORD);
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    t_prog = "http_council_io";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_council_io: server did not start\n");
        t_failed++;
        return t_done();
    }
    if (setup() != 0) {
        fprintf(stderr, "http_council_io: setup failed\n");
        t_failed++;
        ts_stop(&srv);
        return t_done();
    }
    RUN(test_exports);
    RUN(test_scope_before_the_file);
    RUN(test_dry_run_then_apply);
    RUN(test_bad_files_change_nothing);
    RUN(test_export_imports_back_as_nothing_new);
    db_close(db);
    ts_stop(&srv);
    return t_done();
}
