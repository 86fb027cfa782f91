/* page_export.c - a table as CSV, XLSX or JSON (page_export.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "config.h"
#include "log.h"
#include "page_export.h"

int export_format_ok(const char *format)
{
    return format && (!strcmp(format, "csv") || !strcmp(format, "xlsx") || !strcmp(format, "json"));
}

int reply_table(Req *r, const char *format, const char *stem, const char *title_key, const char *title,
                const char *rows_key, const char *sheet, const ExportTable *t)
{
    Arena *a = r->arena;
    Buf b;
    buf_init(&b, a);
    if (!strcmp(format, "csv")) {
        buf_puts(&b, "\xEF\xBB\xBF");
        for (int i = 0; i < t->ncols; i++) { if (i) buf_putc(&b, ','); buf_csv(&b, t->head[i]); }
        buf_puts(&b, "\r\n");
        for (int k = 0; k < t->nrows; k++) {
            for (int i = 0; i < t->ncols; i++) { if (i) buf_putc(&b, ','); buf_csv(&b, t->rows[k][i]); }
            buf_puts(&b, "\r\n");
        }
        return reply_download(r, "text/csv; charset=utf-8", b.data, b.len, arena_printf(a, "%s.csv", stem));
    }
    if (!strcmp(format, "json")) {
        buf_puts(&b, "{\"");
        buf_json(&b, title_key);
        buf_puts(&b, "\": \"");
        buf_json(&b, title);
        buf_puts(&b, "\", \"");
        buf_json(&b, rows_key);
        buf_puts(&b, "\": [");
        for (int k = 0; k < t->nrows; k++) {
            buf_puts(&b, k ? ",\n  {" : "\n  {");
            for (int i = 0; i < t->ncols; i++) {
                if (i) buf_puts(&b, ", ");
                buf_putc(&b, '"'); buf_json(&b, t->head[i]); buf_puts(&b, "\": \"");
                buf_json(&b, t->rows[k][i]); buf_putc(&b, '"');
            }
            buf_putc(&b, '}');
        }
        buf_puts(&b, "\n]}\n");
        return reply_download(r, "application/json; charset=utf-8", b.data, b.len, arena_printf(a, "%s.json", stem));
    }
    /* libxlsxwriter writes to a file: a temp file in the store's folder. */
    char *path = arena_printf(a, "%s/.export-XXXXXX", cfg.files_dir);
    int fd = mkstemp(path);
    if (fd < 0) { log_error("export temp file: %s", strerror(errno)); return reply_error(r, 503, NULL); }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_error e = wb ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (wb) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
        lxw_format *bold = workbook_add_format(wb);
        format_set_bold(bold);
        for (int i = 0; i < t->ncols && !e; i++) e = worksheet_write_string(ws, 0, (lxw_col_t)i, t->head[i], bold);
        for (int k = 0; k < t->nrows && !e; k++)
            for (int i = 0; i < t->ncols && !e; i++)
                if (*t->rows[k][i]) e = worksheet_write_string(ws, (lxw_row_t)(k + 1), (lxw_col_t)i, t->rows[k][i], NULL);
        worksheet_freeze_panes(ws, 1, 1);
        lxw_error ce = workbook_close(wb);
        if (!e) e = ce;
    }
    FILE *f = e ? NULL : fopen(path, "rb");
    if (f) {
        char chunk[16384];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
        fclose(f);
    }
    unlink(path);
    if (e || !f) { log_error("export xlsx: %s", lxw_strerror(e)); return reply_error(r, 500, NULL); }
    return reply_download(r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.data, b.len,
                          arena_printf(a, "%s.xlsx", stem));
}
