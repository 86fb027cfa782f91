/* unit_council_io.c - import and export of delegates and memberships
 * (council_io.c) on the real Hanoi units: the CSV, JSON and XLSX exports;
 * round trips (export, import: every row unchanged); a dry run that lists
 * rows and writes nothing; apply and re-apply (nothing doubles); a
 * workbook written by another program (numbers and date serials); the
 * end of a mandate through a file; and the bad files of the issue: wrong
 * header, missing column, invalid UTF-8 (one bad row and nothing at all
 * is written), NFD names stored as NFC, a refused overlap, 100.000 rows
 * (streamed, bounded memory). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <jansson.h>
#include <xlsxwriter.h>

#include "buf.h"
#include "council.h"
#include "council_io.h"
#include "db.h"
#include "t.h"
#include "unit.h"
#include "unit_import.h"
#include "vn.h"

static char dir[256];
static Db *db;
static int64_t ward, council, term, standing, ban, d1, d2, today;

static int64_t day(const char *s)
{
    int64_t t = 0;
    if (unit_parse_day(s, &t) != 0) { fprintf(stderr, "bad day %s\n", s); exit(1); }
    return t;
}

static int64_t rows(void)
{
    return db_int(db, -1, "SELECT (SELECT COUNT(*) FROM persons) + (SELECT COUNT(*) FROM delegates) +"
                          " (SELECT COUNT(*) FROM delegate_modes) + (SELECT COUNT(*) FROM council_memberships) +"
                          " (SELECT COUNT(*) FROM council_changes)", "");
}

static const char *path_of(const char *name)
{
    static char p[4][400];
    static int i;
    i = (i + 1) % 4;
    snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
    return p[i];
}

static void write_file(const char *name, const char *text)
{
    FILE *f = fopen(path_of(name), "wb");
    if (!f) { perror("fopen"); exit(1); }
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-council-io-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    char err[512];
    db = db_open(t_db(path_of("t.db")), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    UnitImportStats st = {0};
    if (unit_import_files(db, "../shared/data", NULL, NULL, NULL, NULL, &st, err, sizeof err) != 0) {
        fprintf(stderr, "import: %s\n", err);
        exit(1);
    }
    today = day("1/12/2026");
    ward = db_int(db, 0, "SELECT id FROM units WHERE slug = 'phuong-ba-dinh'", "");
    CHECK_INT(council_add(db, ward, unit_dates()->reform_from, 0, &council, err, sizeof err), 0);
    CHECK_INT(council_term_add(db, council, 0, "2026–2031", day("15/3/2026"), day("15/3/2031"), 30, 0, &term,
                               err, sizeof err), 0);
    CHECK_INT(council_body_add(db, term, "standing", "Thường trực HĐND", "", 1, 0, &standing, err, sizeof err), 0);
    CHECK_INT(council_body_add(db, term, "committee", "Ban Kinh tế – Ngân sách", "kinh-te-ngan-sach", 2, 0, &ban,
                               err, sizeof err), 0);
    int64_t k1 = 0;
    CHECK_INT(council_constituency_add(db, term, 1, "Đơn vị số 1", 3, "", 0, &k1, err, sizeof err), 0);
    CHECK_INT(council_delegate_add(db, term, "Nguyễn Văn An", k1, day("15/3/2026"), 0, 0, "elected",
                                   "Biên bản kết quả bầu cử", 0, &d1, err, sizeof err), 0);
    CHECK_INT(council_delegate_add(db, term, "Trần Thị Bình", 0, day("15/3/2026"), 0, 1, "elected", "", 0, &d2,
                                   err, sizeof err), 0);
    int64_t m = 0;
    CHECK_INT(council_membership_add(db, d1, standing, "chu-tich", day("15/3/2026"), 0, "NQ 1/NQ-HĐND", 0, &m,
                                     err, sizeof err), 0);
    CHECK_INT(council_membership_add(db, d2, ban, "truong-ban", day("15/3/2026"), 0, "", 0, &m, err, sizeof err), 0);
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static int has_entry(const IoReport *r, int action, int64_t line, const char *needle)
{
    for (int i = 0; i < r->nentries; i++)
        if (r->entries[i].action == action && (line == 0 || r->entries[i].line == line)
            && strstr(r->entries[i].text, needle))
            return 1;
    return 0;
}

TEST(test_exports)
{
    Arena *a = arena_new();
    Buf b;
    buf_init(&b, a);
    CHECK_INT(council_io_csv(db, a, term, IO_DELEGATES, today, &b), 0);
    CHECK_CONTAINS(buf_str(&b), "\xEF\xBB\xBFMã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,"
                                "Hình thức,Văn bản,Lý do thôi,Văn bản thôi\r\n");
    char *line = arena_printf(a, "%lld,Nguyễn Văn An,1,15/3/2026,,Không,Bầu cử,Biên bản kết quả bầu cử,,\r\n",
                              (long long)d1);
    CHECK_CONTAINS(buf_str(&b), line);
    CHECK_CONTAINS(buf_str(&b), arena_printf(a, "%lld,Trần Thị Bình,,15/3/2026,,Có,", (long long)d2));
    buf_init(&b, a);
    CHECK_INT(council_io_csv(db, a, term, IO_MEMBERSHIPS, today, &b), 0);
    CHECK_CONTAINS(buf_str(&b), "Mã đại biểu,Họ và tên,Cơ quan,Chức danh,Từ ngày,Đến ngày,Văn bản\r\n");
    CHECK_CONTAINS(buf_str(&b), arena_printf(a, "%lld,Nguyễn Văn An,Thường trực HĐND,Chủ tịch,15/3/2026,14/3/2031,NQ 1/NQ-HĐND",
                                             (long long)d1));
    buf_init(&b, a);
    CHECK_INT(council_io_json(db, a, term, today, &b), 0);
    json_error_t je;
    json_t *j = json_loads(buf_str(&b), 0, &je);
    CHECK(j != NULL);
    if (j) {
        CHECK_INT((int64_t)json_array_size(json_object_get(j, "delegates")), 2);
        CHECK_INT((int64_t)json_array_size(json_object_get(j, "memberships")), 2);
        json_t *first = json_array_get(json_object_get(j, "delegates"), 0);
        CHECK_STR(json_string_value(json_object_get(first, "full_name")), "Nguyễn Văn An");
        CHECK_INT(json_integer_value(json_object_get(first, "constituency")), 1);
        CHECK(json_is_null(json_object_get(first, "to")));
        CHECK(json_is_false(json_object_get(first, "full_time")));
        CHECK_STR(json_string_value(json_object_get(json_object_get(j, "term"), "label")), "2026–2031");
        json_decref(j);
    }
    arena_free(a);
}

TEST(test_round_trips)
{
    Arena *a = arena_new();
    char err[256];
    IoReport rep;
    int64_t before = rows();
    CHECK_INT(council_io_xlsx(db, a, term, today, path_of("out.xlsx"), err, sizeof err), 0);
    CHECK_INT(council_io_import(db, path_of("out.xlsx"), 1, term, today, 1, &rep), 1);
    CHECK_STR(rep.fatal, "");
    CHECK_INT(rep.rows, 4);
    CHECK_INT(rep.unchanged, 4);
    CHECK_INT(rep.added + rep.changed + rep.refused, 0);
    db_commit(db);
    io_report_free(&rep);
    for (int table = IO_DELEGATES; table <= IO_MEMBERSHIPS; table++) {
        Buf b;
        buf_init(&b, a);
        CHECK_INT(council_io_csv(db, a, term, table, today, &b), 0);
        write_file("out.csv", buf_str(&b));
        CHECK_INT(council_io_import(db, path_of("out.csv"), 0, term, today, 0, &rep), 0);
        CHECK_STR(rep.fatal, "");
        CHECK_INT(rep.unchanged, 2);
        CHECK_INT(rep.added + rep.changed + rep.refused, 0);
        io_report_free(&rep);
    }
    CHECK_INT(rows(), before);
    arena_free(a);
}

TEST(test_dry_run_apply_reapply)
{
    IoReport rep;
    int64_t before = rows();
    /* an NFD name (e + combining marks) must be stored as NFC */
    write_file("new.csv", "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,Hình thức,Văn bản,"
                          "Lý do thôi,Văn bản thôi\n"
                          ",Lê Văn Cường,1,1/7/2026,,Có,Bầu bổ sung,NQ 5/NQ-HĐND,,\n"
                          ",\"Pha\xCC\xA3m Thi\xCC\xA3 Dung\",,1/7/2026,,Không,,,,\n");
    CHECK_INT(council_io_import(db, path_of("new.csv"), 0, term, today, 0, &rep), 0);
    CHECK_STR(rep.fatal, "");
    CHECK_INT(rep.added, 2);
    CHECK(has_entry(&rep, IO_ADD, 2, "Thêm đại biểu Lê Văn Cường, từ 1/7/2026, chuyên trách"));
    CHECK(has_entry(&rep, IO_ADD, 3, "Thêm đại biểu Phạm Thị Dung"));
    CHECK_INT(rows(), before);   /* a dry run writes nothing */
    io_report_free(&rep);
    CHECK_INT(council_io_import(db, path_of("new.csv"), 0, term, today, 1, &rep), 1);
    CHECK_INT(db_commit(db), DB_OK);
    io_report_free(&rep);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM persons WHERE full_name = 'Phạm Thị Dung'", ""), 1);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM council_changes c JOIN delegates d ON d.id = c.delegate_id"
                             " JOIN persons p ON p.id = d.person_id WHERE p.full_name = 'Lê Văn Cường'"
                             " AND c.kind = 'by_election' AND c.document = 'NQ 5/NQ-HĐND'", ""), 1);
    int64_t after = rows();
    /* the same file again: nothing doubles */
    CHECK_INT(council_io_import(db, path_of("new.csv"), 0, term, today, 1, &rep), 1);
    CHECK_INT(rep.unchanged, 2);
    CHECK_INT(rep.added, 0);
    CHECK_INT(db_commit(db), DB_OK);
    io_report_free(&rep);
    CHECK_INT(rows(), after);
}

TEST(test_end_and_membership_by_name)
{
    IoReport rep;
    char *csv = NULL;
    /* Trần Thị Bình leaves on 30/11/2026 (last day), with the decision */
    if (asprintf(&csv, "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,Hình thức,Văn bản,"
                       "Lý do thôi,Văn bản thôi\n%lld,Trần Thị Bình,,15/3/2026,30/11/2026,Có,Bầu cử,,Xin thôi,NQ 9\n",
                 (long long)d2) < 0) return;
    write_file("end.csv", csv);
    free(csv);
    CHECK_INT(council_io_import(db, path_of("end.csv"), 0, term, today, 1, &rep), 1);
    CHECK(has_entry(&rep, IO_CHANGE, 2, "thôi làm đại biểu sau ngày 30/11/2026 (Xin thôi)"));
    CHECK_INT(db_commit(db), DB_OK);
    io_report_free(&rep);
    CHECK_INT(db_int(db, -1, "SELECT valid_to FROM delegates WHERE id = ?1", "l", d2), day("1/12/2026"));
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM council_changes WHERE delegate_id = ?1 AND kind = 'resigned'"
                             " AND document = 'NQ 9'", "l", d2), 1);
    /* a membership by name (no code), diacritics and case of the body ignored */
    write_file("mem.csv", "Mã đại biểu,Họ và tên,Cơ quan,Chức danh,Từ ngày,Đến ngày,Văn bản\n"
                          ",Lê Văn Cường,ban kinh te – ngan sach,Ủy viên,2/7/2026,,\n"
                          ",Nguyễn Văn Không Có,Thường trực HĐND,Ủy viên Thường trực,2/7/2026,,\n"
                          ",Lê Văn Cường,Thường trực HĐND,Chủ tịch,2/7/2026,,\n");
    int64_t before = rows();
    CHECK_INT(council_io_import(db, path_of("mem.csv"), 0, term, today, 1, &rep), 0);   /* refused rows: not applied */
    CHECK(has_entry(&rep, IO_ADD, 2, "Ghi chức danh Ủy viên"));
    CHECK(has_entry(&rep, IO_REFUSE, 3, "Không có đại biểu tên “Nguyễn Văn Không Có”"));
    CHECK(has_entry(&rep, IO_REFUSE, 4, "đã có người giữ chức danh Chủ tịch"));
    CHECK_INT(rep.refused, 2);
    CHECK_INT(rows(), before);
    io_report_free(&rep);
}

TEST(test_bad_files_change_nothing)
{
    IoReport rep;
    int64_t before = rows();
    write_file("h1.csv", "Mã,Tên,Ngày\n1,A,1/7/2026\n");
    CHECK_INT(council_io_import(db, path_of("h1.csv"), 0, term, today, 1, &rep), 0);
    CHECK_CONTAINS(rep.fatal, "không phải tiêu đề của mẫu");
    io_report_free(&rep);
    write_file("h2.csv", "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,Hình thức,Văn bản,"
                         "Lý do thôi,Văn bản thôi,Ghi chú\n,X,,1/7/2026,,,,,,,\n");
    CHECK_INT(council_io_import(db, path_of("h2.csv"), 0, term, today, 1, &rep), 0);
    CHECK_CONTAINS(rep.fatal, "Cột “Ghi chú” không có trong mẫu Đại biểu");
    io_report_free(&rep);
    write_file("h3.csv", "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Chuyên trách,Hình thức,Văn bản,"
                         "Lý do thôi,Văn bản thôi\n,X,,1/7/2026,,,,,\n");
    CHECK_INT(council_io_import(db, path_of("h3.csv"), 0, term, today, 1, &rep), 0);
    CHECK_CONTAINS(rep.fatal, "Thiếu cột “Đến ngày”");
    io_report_free(&rep);
    /* a good row, then a row with invalid UTF-8 (a Latin-1 byte): row 3 refused, nothing applied */
    write_file("u.csv", "Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,Hình thức,Văn bản,"
                        "Lý do thôi,Văn bản thôi\n,Đỗ Văn Tốt,,1/7/2026,,,,,,\n,Ng\xE9,,1/7/2026,,,,,,\n"
                        ",Ngày Sai,,31/2/2026,,,,,,\n");
    CHECK_INT(council_io_import(db, path_of("u.csv"), 0, term, today, 1, &rep), 0);
    CHECK_STR(rep.fatal, "");
    CHECK(has_entry(&rep, IO_ADD, 2, "Đỗ Văn Tốt"));
    CHECK(has_entry(&rep, IO_REFUSE, 3, "UTF-8"));
    CHECK(has_entry(&rep, IO_REFUSE, 4, "“Từ ngày” không hợp lệ: “31/2/2026”"));
    io_report_free(&rep);
    /* not a workbook */
    write_file("bad.xlsx", "PK\x03\x04 this is not a zip");
    CHECK_INT(council_io_import(db, path_of("bad.xlsx"), 1, term, today, 1, &rep), 0);
    CHECK_CONTAINS(rep.fatal, "không phải bảng tính Excel");
    io_report_free(&rep);
    write_file("empty.csv", "");
    CHECK_INT(council_io_import(db, path_of("empty.csv"), 0, term, today, 1, &rep), 0);
    CHECK_CONTAINS(rep.fatal, "Tệp trống");
    io_report_free(&rep);
    CHECK_INT(rows(), before);
    CHECK_INT(db_in_transaction(db), 0);
}

TEST(test_workbook_from_another_program)
{
    /* numbers as numbers and a date as a date serial, as a spreadsheet program writes them */
    lxw_workbook *wb = workbook_new(path_of("other.xlsx"));
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Đại biểu");
    for (int i = 0; io_delegate_columns[i]; i++) worksheet_write_string(ws, 0, (lxw_col_t)i, io_delegate_columns[i], NULL);
    worksheet_write_string(ws, 1, 1, "Vũ Thị Số", NULL);
    worksheet_write_number(ws, 1, 2, 1, NULL);
    lxw_datetime dt = {.year = 2026, .month = 7, .day = 1};
    lxw_format *date = workbook_add_format(wb);
    format_set_num_format(date, "d/m/yyyy");
    worksheet_write_datetime(ws, 1, 3, &dt, date);
    worksheet_write_boolean(ws, 1, 5, 1, NULL);
    CHECK_INT(workbook_close(wb), LXW_NO_ERROR);
    IoReport rep;
    int64_t before = rows();
    CHECK_INT(council_io_import(db, path_of("other.xlsx"), 1, term, today, 0, &rep), 0);
    CHECK_STR(rep.fatal, "");
    CHECK(has_entry(&rep, IO_ADD, 2, "Thêm đại biểu Vũ Thị Số, từ 1/7/2026, chuyên trách"));
    CHECK_INT(rep.refused, 0);
    CHECK_INT(rows(), before);
    io_report_free(&rep);
}

TEST(test_hundred_thousand_rows_stream)
{
    if (t_pg()) {
        /* On PostgreSQL the per-row lookup by folded name is planned with
         * the statistics of the tables before the import (empty here), so
         * 100,000 rows in one transaction take tens of minutes; see
         * docs/POSTGRESQL.md, "Not done yet". */
        T_SKIP(test_hundred_thousand_rows_stream, "PostgreSQL: one-transaction bulk import not tuned yet");
        return;
    }
    FILE *f = fopen(path_of("big.csv"), "wb");
    if (!f) { CHECK(0); return; }
    fputs("Mã đại biểu,Họ và tên,Đơn vị bầu cử số,Từ ngày,Đến ngày,Chuyên trách,Hình thức,Văn bản,"
          "Lý do thôi,Văn bản thôi\n", f);
    for (int i = 0; i < 100000; i++)
        fprintf(f, ",Đại biểu Thử %d,,1/7/2026,,%s,Bầu bổ sung,Văn bản số %d,,\n", i, i % 4 ? "Không" : "Có", i);
    fclose(f);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long rss0 = ru.ru_maxrss;
    IoReport rep;
    int64_t before = rows();
    CHECK_INT(council_io_import(db, path_of("big.csv"), 0, term, today, 0, &rep), 0);
    CHECK_STR(rep.fatal, "");
    CHECK_INT(rep.rows, 100000);
    CHECK_INT(rep.added, 100000);
    CHECK_INT(rep.nentries, IO_REPORT_MAX);   /* the report keeps a bounded list; counts are complete */
    CHECK(has_entry(&rep, IO_ADD, 100001, "") == 0);
    CHECK(has_entry(&rep, IO_ADD, 2, "Đại biểu Thử 0"));
    io_report_free(&rep);
    getrusage(RUSAGE_SELF, &ru);
    /* the file is ~9 MB and its rows ~30 MB in SQLite's journal; the reader
     * itself must not hold them: the peak grows by far less than 64 MB */
#if defined(__SANITIZE_ADDRESS__)
    /* ASan keeps freed memory in its quarantine (256 MB by default), so the
     * peak says nothing about the reader here: counted as skipped. */
    (void)rss0;
    T_SKIP(hundred_thousand_rows_memory, "resident size is not meaningful under AddressSanitizer");
#else
    CHECK((ru.ru_maxrss - rss0) < 64 * 1024);
#endif
    CHECK_INT(rows(), before);
}

int main(void)
{
    t_prog = "unit_council_io";
    setup();
    RUN(test_exports);
    RUN(test_round_trips);
    RUN(test_dry_run_apply_reapply);
    RUN(test_end_and_membership_by_name);
    RUN(test_bad_files_change_nothing);
    RUN(test_workbook_from_another_program);
    RUN(test_hundred_thousand_rows_stream);
    teardown();
    return t_done();
}
