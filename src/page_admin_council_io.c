/* page_admin_council_io.c - a council's delegates and positions out to a
 * file and back in (issue 8 item 6; docs/COUNCILS.md "Import and export").
 *
 * The routes carry ROUTE_COUNCIL like every council page: the server has
 * settled sign-in, role, the council's scope and (for the POSTs) the CSRF
 * token before a byte of the body was stored.  What is left here:
 *
 *   export   GET  .../xuat?dinh-dang=csv|xlsx|json&loai=dai-bieu|chuc-danh&khoa=TERM
 *            reviewer or editor in scope; a download, never cached.
 *   preview  POST .../nhap (multipart: term, file)  editor in scope.
 *            The file is read row by row inside a transaction that is
 *            always rolled back (council_io_import, apply = 0) and the
 *            report is shown.  A file with no refused row is kept under
 *            files_dir/import/ with an unguessable name, and the page
 *            offers to apply it.
 *   apply    POST .../nhap/xac-nhan (term, tep, kieu)  editor in scope.
 *            The kept file is read again, for real: rows are re-checked
 *            against the database as it is now, and the whole file goes
 *            in with one audit row and one COMMIT, or nothing does.
 *
 * A kept file names its council, so a name from one council's preview
 * posted to another council's URL finds nothing.  Kept files older than a
 * day are removed at the next preview. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "content.h"
#include "council_io.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "log.h"
#include "page.h"
#include "page_util.h"
#include "staff.h"
#include "tmpl.h"
#include "vn.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define STAGE_MAX_AGE (24 * 3600)

/* ------------------------------------------------------------ export */

/* "phuong-ba-dinh-2026-2031" for the download's name. */
static const char *file_stem(Req *r, int64_t term)
{
    Arena *a = r->arena;
    char *slug = db_text(r->db, a, "SELECT u.slug FROM councils c JOIN units u ON u.id = c.unit_id WHERE c.id = ?1",
                         "l", r->council_id);
    char *label = db_text(r->db, a, "SELECT label FROM council_terms WHERE id = ?1", "l", term);
    const char *l = label ? vn_slug(a, label, 40) : "";
    return arena_printf(a, "%s%s%s", slug && *slug ? slug : "hoi-dong", *l ? "-" : "", l);
}

/* Read a small generated file into a buffer; 0, or -1 with errno. */
static int slurp(Arena *a, const char *path, Buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    buf_init(out, a);
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(out, chunk, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? -1 : 0;
}

/* GET /quan-tri/hoi-dong/:council/xuat [reviewer, editor; ROUTE_COUNCIL] */
int page_admin_council_export(Req *r)
{
    Arena *a = r->arena;
    const char *format = req_query(r, "dinh-dang");
    const char *kind = req_query(r, "loai");
    if (!format) format = "csv";
    if (!kind) kind = "dai-bieu";
    int table = !strcmp(kind, "dai-bieu") ? IO_DELEGATES : !strcmp(kind, "chuc-danh") ? IO_MEMBERSHIPS : 0;
    if (!table || (strcmp(format, "csv") && strcmp(format, "xlsx") && strcmp(format, "json")))
        return reply_error(r, 400, "Định dạng xuất không hợp lệ: chọn CSV, Excel (XLSX) hoặc JSON; "
                                   "bảng Đại biểu hoặc Chức danh.");
    int64_t term = admin_council_term(r, req_int(r, "khoa", 0, 0, INT64_MAX));
    if (term <= 0) return reply_error(r, 404, "Hội đồng nhân dân này chưa có nhiệm kỳ nào.");
    int64_t today = vn_day_start(r->now);
    const char *stem = file_stem(r, term);
    Buf b;
    buf_init(&b, a);
    if (!strcmp(format, "csv")) {
        if (council_io_csv(r->db, a, term, table, today, &b) != 0) return reply_error(r, 500, NULL);
        return reply_download(r, "text/csv; charset=utf-8", b.data, b.len,
                              arena_printf(a, "%s-%s.csv", stem, kind));
    }
    if (!strcmp(format, "json")) {
        if (council_io_json(r->db, a, term, today, &b) != 0) return reply_error(r, 500, NULL);
        return reply_download(r, "application/json; charset=utf-8", b.data, b.len,
                              arena_printf(a, "%s.json", stem));
    }
    /* A workbook is written to a file by libxlsxwriter; it is small (one
     * row per delegate or position), so it is read back and sent from memory. */
    char *path = arena_printf(a, "%s/.export-XXXXXX", cfg.files_dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        log_error("export temp file in %s: %s", cfg.files_dir, strerror(errno));
        return reply_error(r, 503, "Không tạo được tệp xuất lúc này, vui lòng thử lại.");
    }
    close(fd);
    char err[512];
    int rc = council_io_xlsx(r->db, a, term, today, path, err, sizeof err);
    if (rc == 0) rc = slurp(a, path, &b);
    unlink(path);
    if (rc != 0) {
        log_error("export xlsx of term %lld: %s", (long long)term, err);
        return reply_error(r, 500, NULL);
    }
    return reply_download(r, XLSX_TYPE, b.data, b.len, arena_printf(a, "%s.xlsx", stem));
}

/* ------------------------------------------------------------ import */

static const char *stage_dir(Arena *a)
{
    return arena_printf(a, "%s/import", cfg.files_dir);
}

/* Kept previews older than a day: the person did not confirm. */
static void stage_sweep(Arena *a)
{
    const char *dir = stage_dir(a);
    DIR *d = opendir(dir);
    if (!d) return;
    time_t limit = time(NULL) - STAGE_MAX_AGE;   /* the file system's clock: these are its mtimes */
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char *p = arena_printf(a, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_mtime < limit) unlink(p);
    }
    closedir(d);
}

/* The kept file of council + token + kind; NULL when the token is not
 * 32 lowercase hex digits or the kind is neither csv nor xlsx. */
static const char *stage_path(Req *r, const char *token, const char *kind)
{
    if (!token || strlen(token) != 32 || strspn(token, "0123456789abcdef") != 32) return NULL;
    if (!kind || (strcmp(kind, "csv") && strcmp(kind, "xlsx"))) return NULL;
    return arena_printf(r->arena, "%s/%lld-%s.%s", stage_dir(r->arena), (long long)r->council_id, token, kind);
}

/* csv or xlsx from the name the browser sent and the first bytes; NULL
 * and *why when the file is neither. */
static const char *file_kind(const Upload *up, const char **why)
{
    const char *name = up->filename ? up->filename : "";
    const char *dot = strrchr(name, '.');
    int by_name = dot && !strcasecmp(dot, ".xlsx") ? 2 : dot && !strcasecmp(dot, ".csv") ? 1 : 0;
    unsigned char head[4] = {0};
    FILE *f = fopen(up->path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) fclose(f);
    int zip = n == 4 && !memcmp(head, "PK\x03\x04", 4);
    if (by_name == 0) {
        *why = "Chỉ nhận tệp CSV (.csv) hoặc Excel (.xlsx). Tệp Excel cũ (.xls) hãy lưu lại dạng .xlsx.";
        return NULL;
    }
    if (by_name == 2 && !zip) { *why = "Tệp có đuôi .xlsx nhưng không phải bảng tính Excel."; return NULL; }
    if (by_name == 1 && zip) { *why = "Tệp có đuôi .csv nhưng là một tệp nén (có thể là bảng tính Excel: hãy đổi đuôi thành .xlsx)."; return NULL; }
    return by_name == 2 ? "xlsx" : "csv";
}

static const char *table_label(int table)
{
    return table == IO_DELEGATES ? "Đại biểu" : "Chức danh";
}

static const char *action_label(int action)
{
    return action == IO_ADD ? "Thêm" : action == IO_CHANGE ? "Sửa" : "Không nhận";
}

/* The report page.  apply_token: the kept file to confirm, or NULL. */
static int import_render(Req *r, int status, int64_t term, const IoReport *rep, const char *error,
                         const char *apply_token, const char *kind, int applied_nothing)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    val_set_str(ctx, "base", arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)r->council_id));
    val_set_int(ctx, "term_id", term);
    char *label = term > 0 ? db_text(r->db, a, "SELECT label FROM council_terms WHERE id = ?1", "l", term) : NULL;
    if (label) val_set_str(ctx, "term_label", label);
    if (error) val_set_str(ctx, "error", error);
    if (rep) {
        val_set_bool(ctx, "report", 1);
        val_set_int(ctx, "rows", rep->rows);
        val_set_int(ctx, "added", rep->added);
        val_set_int(ctx, "changed", rep->changed);
        val_set_int(ctx, "unchanged", rep->unchanged);
        val_set_int(ctx, "refused", rep->refused);
        if (rep->fatal[0]) val_set_str(ctx, "fatal", rep->fatal);
        Val *list = val_list(a);
        for (int i = 0; i < rep->nentries; i++) {
            const IoEntry *e = &rep->entries[i];
            Val *v = val_map(a);
            val_set_str(v, "table", table_label(e->table));
            val_set_int(v, "line", e->line);
            val_set_str(v, "action", action_label(e->action));
            val_set_bool(v, "refused", e->action == IO_REFUSE);
            val_set_str(v, "text", arena_strdup(a, e->text));
            val_push(list, v);
        }
        val_set(ctx, "entries", list);
        val_set_bool(ctx, "has_entries", rep->nentries > 0);
        int64_t total = rep->added + rep->changed + rep->refused;
        val_set_bool(ctx, "truncated", total > rep->nentries);
        val_set_int(ctx, "shown", rep->nentries);
        val_set_bool(ctx, "nothing_new", !rep->fatal[0] && rep->refused == 0 && rep->added + rep->changed == 0);
    }
    val_set_bool(ctx, "applied_nothing", applied_nothing);
    if (apply_token) {
        val_set_str(ctx, "token", apply_token);
        val_set_str(ctx, "kind", kind);
    }
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "Hội đồng nhân dân",
                                                arena_printf(a, "/quan-tri/hoi-dong/%lld", (long long)r->council_id)));
    return reply_page(r, status, "admin_council_import", "Nhập dữ liệu đại biểu từ tệp", ctx);
}

/* POST /quan-tri/hoi-dong/:council/nhap [editor; ROUTE_COUNCIL | ROUTE_UPLOAD]
 * Form: csrf (before the file), term, file.  A dry run and its report. */
int page_admin_council_import(Req *r)
{
    Arena *a = r->arena;
    int64_t term = req_int(r, "term", 0, 0, INT64_MAX);
    if (!admin_council_term_here(r, term))
        return reply_error(r, 403, "Dữ liệu này không thuộc Hội đồng nhân dân của trang đang mở.");
    if (r->body_too_large) {
        Buf b;
        buf_init(&b, a);
        buf_puts(&b, "Tệp quá lớn (tối đa ");
        vn_int(&b, (int64_t)((cfg.max_upload + 1023) / 1024));
        buf_puts(&b, " KB).");
        return import_render(r, 413, term, NULL, buf_str(&b), NULL, NULL, 0);
    }
    const Upload *up = req_upload(r, "file");
    if (!up || up->size == 0) return import_render(r, 400, term, NULL, "Vui lòng chọn tệp CSV hoặc Excel để nhập.", NULL, NULL, 0);
    const char *why = NULL, *kind = file_kind(up, &why);
    if (!kind) return import_render(r, 400, term, NULL, why, NULL, NULL, 0);
    stage_sweep(a);
    IoReport rep;
    int rc = council_io_import(r->db, up->path, !strcmp(kind, "xlsx"), term, vn_day_start(r->now), 0, &rep);
    if (rc < 0) {
        io_report_free(&rep);
        return reply_error(r, 503, "Không đọc được dữ liệu lúc này, vui lòng thử lại.");
    }
    int clean = !rep.fatal[0] && rep.refused == 0;
    const char *token = NULL;
    if (clean && rep.added + rep.changed > 0) {
        /* keep the file for the confirmation: same file system as the upload, so a rename */
        unsigned char rnd[16];
        char hex[33];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
        const char *dir = stage_dir(a), *dest = stage_path(r, hex, kind);
        if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || rename(up->path, dest) != 0) {
            log_error("import: keeping %s as %s: %s", up->path, dest, strerror(errno));
            io_report_free(&rep);
            return reply_error(r, 503, "Không lưu được tệp để xác nhận lúc này, vui lòng thử lại.");
        }
        token = arena_strdup(a, hex);
    }
    int status = clean ? 200 : 400;
    int ret = import_render(r, status, term, &rep, NULL, token, kind, 0);
    io_report_free(&rep);
    return ret;
}

/* POST /quan-tri/hoi-dong/:council/nhap/xac-nhan [editor; ROUTE_COUNCIL]
 * Form: csrf, term, tep (the kept file's token), kieu (csv|xlsx). */
int page_admin_council_import_apply(Req *r)
{
    Arena *a = r->arena;
    int64_t term = req_int(r, "term", 0, 0, INT64_MAX);
    if (!admin_council_term_here(r, term))
        return reply_error(r, 403, "Dữ liệu này không thuộc Hội đồng nhân dân của trang đang mở.");
    const char *kind = req_form(r, "kieu");
    const char *path = stage_path(r, req_form(r, "tep"), kind);
    struct stat st;
    if (!path || stat(path, &st) != 0)
        return import_render(r, 400, term, NULL, "Tệp đã xem trước không còn (đã nhập, hoặc quá một ngày). "
                                                  "Hãy tải tệp lên lại.", NULL, NULL, 0);
    IoReport rep;
    int rc = council_io_import(r->db, path, !strcmp(kind, "xlsx"), term, vn_day_start(r->now), 1, &rep);
    if (rc < 0) {
        io_report_free(&rep);
        return reply_error(r, 503, "Không ghi được lúc này, vui lòng thử lại.");
    }
    if (rc == 0) {
        /* Something changed since the preview (another edit): the report
         * says which rows are now refused; nothing was written. */
        int ret = import_render(r, 400, term, &rep, "Dữ liệu đã thay đổi từ lúc xem trước: tệp chưa được nhập.",
                                NULL, NULL, 1);
        io_report_free(&rep);
        return ret;
    }
    const char *detail = arena_printf(a, "%lld thêm, %lld sửa (%lld dòng)", (long long)rep.added,
                                      (long long)rep.changed, (long long)rep.rows);
    io_report_free(&rep);
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "council.import", "term", term,
                      detail) != 0
        || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, "Không ghi được lúc này, vui lòng thử lại.");
    }
    unlink(path);
    return reply_redirect(r, arena_printf(a, "/quan-tri/hoi-dong/%lld?khoa=%lld&ok=nhap", (long long)r->council_id,
                                          (long long)term));
}
