/* council_io.c - import and export of delegates and memberships (see
 * council_io.h).  Three parts: the exports (CSV with buf_csv, JSON with
 * buf_json, XLSX with libxlsxwriter), two row readers (CSV over stdio,
 * XLSX sheets over libzip + libxml2's streaming reader), and the import
 * that maps each row onto the council.c writers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "council.h"
#include "council_io.h"
#include "unit.h"
#include "vn.h"

const char *const io_delegate_columns[] = {
    "Mã đại biểu", "Họ và tên", "Đơn vị bầu cử số", "Từ ngày", "Đến ngày", "Chuyên trách",
    "Hình thức", "Văn bản", "Lý do thôi", "Văn bản thôi", NULL};
const char *const io_membership_columns[] = {
    "Mã đại biểu", "Họ và tên", "Cơ quan", "Chức danh", "Từ ngày", "Đến ngày", "Văn bản", NULL};
enum { D_ID, D_NAME, D_CONS, D_FROM, D_TO, D_FULL, D_HOW, D_DOC, D_END, D_ENDDOC, D_N };
enum { M_ID, M_NAME, M_BODY, M_POS, M_FROM, M_TO, M_DOC, M_N };

static const char *const sheet_names[] = {NULL, "Đại biểu", "Chức danh"};

/* Limits of one cell and one row: a longer one is refused, not stored. */
enum { CELL_MAX = 4096, COLS_MAX = 64 };
/* A workbook's shared strings are held in memory; past this it is refused. */
#define SST_MAX_BYTES (64u << 20)
#define DAY 86400

static const struct { const char *code, *label; } how_labels[] = {
    {"elected", "Bầu cử"}, {"by_election", "Bầu bổ sung"}, {"relieved", "Miễn nhiệm"},
    {"recalled", "Bãi nhiệm"}, {"resigned", "Xin thôi"}, {"ended", "Khác"},
};

static const char *how_label(const char *code)
{
    for (size_t i = 0; i < sizeof how_labels / sizeof *how_labels; i++)
        if (!strcmp(how_labels[i].code, code)) return how_labels[i].label;
    return code;
}

static const char *date_or_empty(Arena *a, int64_t t)
{
    if (!t) return "";
    Buf b;
    buf_init(&b, a);
    vn_date(&b, t);
    return buf_str(&b);
}

/* ------------------------------------------------------------ export */

/* One exported row as cells; `open` periods have an empty "Đến ngày". */
typedef int (*RowFn)(void *ctx, int table, const char *const *cells, int n);

/* Mode day: today, clamped into the delegate's period. */
static const char DELEGATES_SQL[] =
    "SELECT d.id, p.full_name, COALESCE(k.number, 0), d.valid_from, COALESCE(d.valid_to, 0),"
    " COALESCE(t.ends_on, 0),"
    " COALESCE((SELECT m.full_time FROM delegate_modes m WHERE m.delegate_id = d.id AND m.valid_from <="
    "   CASE WHEN ?2 < d.valid_from THEN d.valid_from WHEN d.valid_to IS NOT NULL AND d.valid_to <= ?2"
    "   THEN d.valid_to - 86400 ELSE ?2 END ORDER BY m.valid_from DESC LIMIT 1), 0),"
    " COALESCE((SELECT c.kind FROM council_changes c WHERE c.delegate_id = d.id AND c.membership_id IS NULL"
    "   AND c.kind IN ('elected', 'by_election') ORDER BY c.happened_on, c.id LIMIT 1), 'elected'),"
    " COALESCE((SELECT c.document FROM council_changes c WHERE c.delegate_id = d.id AND c.membership_id IS NULL"
    "   AND c.kind IN ('elected', 'by_election') ORDER BY c.happened_on, c.id LIMIT 1), ''),"
    " COALESCE((SELECT c.kind FROM council_changes c WHERE c.delegate_id = d.id"
    "   AND c.kind IN ('relieved', 'recalled', 'resigned', 'ended') ORDER BY c.happened_on DESC, c.id DESC LIMIT 1), ''),"
    " COALESCE((SELECT c.document FROM council_changes c WHERE c.delegate_id = d.id"
    "   AND c.kind IN ('relieved', 'recalled', 'resigned', 'ended') ORDER BY c.happened_on DESC, c.id DESC LIMIT 1), '')"
    " FROM delegates d JOIN persons p ON p.id = d.person_id JOIN council_terms t ON t.id = d.term_id"
    " LEFT JOIN council_constituencies k ON k.id = d.constituency_id"
    " WHERE d.term_id = ?1 ORDER BY d.id";

static const char MEMBERSHIPS_SQL[] =
    "SELECT m.delegate_id, p.full_name, b.name, cp.name, m.valid_from, COALESCE(m.valid_to, 0),"
    " COALESCE((SELECT c.document FROM council_changes c WHERE c.membership_id = m.id ORDER BY c.id LIMIT 1), '')"
    " FROM council_memberships m JOIN delegates d ON d.id = m.delegate_id JOIN persons p ON p.id = d.person_id"
    " JOIN council_bodies b ON b.id = m.body_id JOIN council_positions cp ON cp.id = m.position_id"
    " WHERE d.term_id = ?1 ORDER BY b.position, b.id, cp.rank, m.valid_from, m.id";

static int export_rows(Db *db, int64_t term, int table, int64_t today, RowFn fn, void *ctx)
{
    Arena *a = arena_new();
    int rc, ret = 0;
    Stmt *st = db_prepare(db, table == IO_DELEGATES ? DELEGATES_SQL : MEMBERSHIPS_SQL);
    if (!st) { arena_free(a); return -1; }
    db_bindf(st, table == IO_DELEGATES ? "ll" : "l", term, today);
    while ((rc = db_step(st)) == DB_ROW) {
        const char *c[D_N];
        if (table == IO_DELEGATES) {
            int64_t to = db_col_int(st, 4), tend = db_col_int(st, 5);
            int open = to == 0 || to == tend;
            c[D_ID] = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
            c[D_NAME] = db_col_dup(st, 1, a);
            c[D_CONS] = db_col_int(st, 2) ? arena_printf(a, "%lld", (long long)db_col_int(st, 2)) : "";
            c[D_FROM] = date_or_empty(a, db_col_int(st, 3));
            c[D_TO] = open ? "" : date_or_empty(a, to - DAY);
            c[D_FULL] = db_col_int(st, 6) ? "Có" : "Không";
            c[D_HOW] = how_label(db_col_text(st, 7));
            c[D_HOW] = arena_strdup(a, c[D_HOW]);
            c[D_DOC] = db_col_dup(st, 8, a);
            c[D_END] = open ? "" : arena_strdup(a, how_label(db_col_text(st, 9)));
            c[D_ENDDOC] = open ? "" : db_col_dup(st, 10, a);
        } else {
            c[M_ID] = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
            c[M_NAME] = db_col_dup(st, 1, a);
            c[M_BODY] = db_col_dup(st, 2, a);
            c[M_POS] = db_col_dup(st, 3, a);
            c[M_FROM] = date_or_empty(a, db_col_int(st, 4));
            c[M_TO] = db_col_int(st, 5) ? date_or_empty(a, db_col_int(st, 5) - DAY) : "";
            c[M_DOC] = db_col_dup(st, 6, a);
        }
        if (fn(ctx, table, c, table == IO_DELEGATES ? D_N : M_N) != 0) { ret = -1; break; }
        arena_free(a);
        a = arena_new();
    }
    db_done(st);
    arena_free(a);
    return rc == DB_DONE ? ret : -1;
}

static int csv_row(void *ctx, int table, const char *const *cells, int n)
{
    (void)table;
    Buf *out = ctx;
    for (int i = 0; i < n; i++) {
        if (i) buf_putc(out, ',');
        buf_csv(out, cells[i]);
    }
    buf_puts(out, "\r\n");
    return 0;
}

int council_io_csv(Db *db, Arena *a, int64_t term_id, int table, int64_t today, Buf *out)
{
    (void)a;
    const char *const *cols = table == IO_DELEGATES ? io_delegate_columns : io_membership_columns;
    buf_puts(out, "\xEF\xBB\xBF");   /* so that spreadsheet programs read UTF-8 */
    int n = 0;
    while (cols[n]) n++;
    csv_row(out, table, cols, n);
    return export_rows(db, term_id, table, today, csv_row, out);
}

static int json_row(void *ctx, int table, const char *const *cells, int n)
{
    Buf *out = ctx;
    const char *const *cols = table == IO_DELEGATES ? io_delegate_columns : io_membership_columns;
    static const char *const dkeys[] = {"id", "full_name", "constituency", "from", "to", "full_time", "how",
                                        "document", "end_how", "end_document"};
    static const char *const mkeys[] = {"delegate_id", "full_name", "body", "position", "from", "to", "document"};
    (void)cols;
    const char *const *keys = table == IO_DELEGATES ? dkeys : mkeys;
    if (out->len && out->data[out->len - 1] == '}') buf_putc(out, ',');
    buf_puts(out, "\n    {");
    for (int i = 0; i < n; i++) {
        if (i) buf_puts(out, ", ");
        buf_printf(out, "\"%s\": ", keys[i]);
        int numeric = i == 0 || (table == IO_DELEGATES && i == D_CONS && *cells[i]);
        if (numeric) buf_puts(out, cells[i]);
        else if (table == IO_DELEGATES && i == D_FULL) buf_puts(out, strcmp(cells[i], "Có") ? "false" : "true");
        else if (!*cells[i] && i == (table == IO_DELEGATES ? D_TO : M_TO)) buf_puts(out, "null");
        else if (!*cells[i] && table == IO_DELEGATES && i == D_CONS) buf_puts(out, "null");
        else { buf_putc(out, '"'); buf_json(out, cells[i]); buf_putc(out, '"'); }
    }
    buf_putc(out, '}');
    return 0;
}

int council_io_json(Db *db, Arena *a, int64_t term_id, int64_t today, Buf *out)
{
    Stmt *st = db_prepare(db, "SELECT c.id, c.name, t.label, t.starts_on, COALESCE(t.ends_on, 0)"
                              " FROM council_terms t JOIN councils c ON c.id = t.council_id WHERE t.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, term_id);
    if (db_step(st) != DB_ROW) { db_done(st); return -1; }
    buf_printf(out, "{\n  \"council\": {\"id\": %lld, \"name\": \"", (long long)db_col_int(st, 0));
    buf_json(out, db_col_text(st, 1));
    buf_printf(out, "\"},\n  \"term\": {\"id\": %lld, \"label\": \"", (long long)term_id);
    buf_json(out, db_col_text(st, 2));
    buf_printf(out, "\", \"from\": \"%s\", \"to\": ", date_or_empty(a, db_col_int(st, 3)));
    if (db_col_int(st, 4)) buf_printf(out, "\"%s\"", date_or_empty(a, db_col_int(st, 4) - DAY));
    else buf_puts(out, "null");
    db_done(st);
    buf_puts(out, "},\n  \"delegates\": [");
    size_t mark = out->len;
    if (export_rows(db, term_id, IO_DELEGATES, today, json_row, out) != 0) return -1;
    buf_puts(out, out->len > mark ? "\n  ],\n  \"memberships\": [" : "],\n  \"memberships\": [");
    mark = out->len;
    if (export_rows(db, term_id, IO_MEMBERSHIPS, today, json_row, out) != 0) return -1;
    buf_puts(out, out->len > mark ? "\n  ]\n}\n" : "]\n}\n");
    return 0;
}

typedef struct XlsxOut {
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_error err;
} XlsxOut;

static int xlsx_row(void *ctx, int table, const char *const *cells, int n)
{
    (void)table;
    XlsxOut *x = ctx;
    for (int i = 0; i < n && !x->err; i++)
        if (*cells[i]) x->err = worksheet_write_string(x->ws, x->row, (lxw_col_t)i, cells[i], NULL);
    x->row++;
    return x->err ? -1 : 0;
}

int council_io_xlsx(Db *db, Arena *a, int64_t term_id, int64_t today, const char *path, char *err,
                    size_t errlen)
{
    (void)a;
    lxw_workbook *wb = workbook_new(path);
    if (!wb) { snprintf(err, errlen, "cannot create workbook %s", path); return -1; }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    int ret = 0;
    for (int table = IO_DELEGATES; table <= IO_MEMBERSHIPS && ret == 0; table++) {
        XlsxOut x = {.ws = workbook_add_worksheet(wb, sheet_names[table])};
        if (!x.ws) { ret = -1; break; }
        const char *const *cols = table == IO_DELEGATES ? io_delegate_columns : io_membership_columns;
        for (int i = 0; cols[i]; i++) {
            worksheet_write_string(x.ws, 0, (lxw_col_t)i, cols[i], head);
            worksheet_set_column(x.ws, (lxw_col_t)i, (lxw_col_t)i, i == 1 || i == 2 ? 28 : 16, NULL);
        }
        worksheet_freeze_panes(x.ws, 1, 0);
        x.row = 1;
        if (export_rows(db, term_id, table, today, xlsx_row, &x) != 0) ret = -1;
    }
    lxw_error e = workbook_close(wb);
    if (ret == 0 && e != LXW_NO_ERROR) {
        snprintf(err, errlen, "workbook: %s", lxw_strerror(e));
        ret = -1;
    } else if (ret != 0) {
        snprintf(err, errlen, "export query failed");
    }
    return ret;
}

/* ------------------------------------------------------------ readers */

typedef struct Row {
    int64_t line;
    int n;                    /* cells present (trailing empties may be missing) */
    char *cell[COLS_MAX];     /* arena strings; NULL = empty */
    const char *problem;      /* a fault of this row (too long, too many cells, not UTF-8) */
} Row;

typedef struct CsvIn {
    FILE *f;
    char delim;
    int64_t line;             /* physical line of the next character */
    int started;
} CsvIn;

/* Next CSV record (RFC 4180, quotes may span lines).  1 row, 0 end. */
static int csv_next(CsvIn *in, Arena *a, Row *row)
{
    memset(row, 0, sizeof *row);
    if (!in->started) {   /* skip a UTF-8 byte order mark */
        in->started = 1;
        in->line = 1;
        unsigned char bom[3];
        if (fread(bom, 1, 3, in->f) != 3 || memcmp(bom, "\xEF\xBB\xBF", 3) != 0) rewind(in->f);
    }
    row->line = in->line;
    Buf cell;
    buf_init(&cell, a);
    int quoted = 0, any = 0, c, toolong = 0;
    for (;;) {
        c = getc(in->f);
        if (c == EOF) {
            if (!any && cell.len == 0 && row->n == 0) return 0;
            break;
        }
        any = 1;
        if (quoted) {
            if (c == '"') {
                int d = getc(in->f);
                if (d == '"') { if (cell.len < CELL_MAX) buf_putc(&cell, '"'); else toolong = 1; continue; }
                quoted = 0;
                if (d != EOF) ungetc(d, in->f);
                continue;
            }
            if (c == '\n') in->line++;
            if (cell.len < CELL_MAX) buf_putc(&cell, (char)c); else toolong = 1;
            continue;
        }
        if (c == '"' && cell.len == 0) { quoted = 1; continue; }
        if (c == '\r') continue;
        if (c == in->delim || c == '\n') {
            if (row->n < COLS_MAX) row->cell[row->n++] = cell.len ? arena_strdup(a, buf_str(&cell)) : NULL;
            else if (cell.len) row->problem = "Dòng có quá nhiều cột.";
            buf_init(&cell, a);
            if (c == '\n') { in->line++; return 1; }
            continue;
        }
        if (cell.len < CELL_MAX) buf_putc(&cell, (char)c); else toolong = 1;
    }
    if (row->n < COLS_MAX) row->cell[row->n++] = cell.len ? arena_strdup(a, buf_str(&cell)) : NULL;
    if (toolong) row->problem = "Có ô dài quá 4.096 byte.";
    return 1;
}

/* The shared strings and one sheet of a workbook, read as a stream. */
typedef struct XlsxIn {
    zip_t *zip;
    zip_file_t *zf;
    xmlTextReaderPtr rd;
    char **sst;
    size_t nsst;
    int64_t last_line;
} XlsxIn;

static int zip_read_cb(void *ctx, char *buf, int len)
{
    zip_int64_t n = zip_fread((zip_file_t *)ctx, buf, (zip_uint64_t)len);
    return n < 0 ? -1 : (int)n;
}

static int zip_close_cb(void *ctx)
{
    (void)ctx;
    return 0;
}

/* A streaming XML reader over one entry of the zip.  No network, no
 * entity expansion, no DTD: the file comes from a stranger. */
static xmlTextReaderPtr open_entry(zip_t *zip, const char *name, zip_file_t **zf)
{
    *zf = zip_fopen(zip, name, 0);
    if (!*zf) return NULL;
    xmlTextReaderPtr rd = xmlReaderForIO(zip_read_cb, zip_close_cb, *zf, name, "UTF-8", XML_PARSE_NONET);
    if (!rd) { zip_fclose(*zf); *zf = NULL; }
    return rd;
}

static void close_entry(xmlTextReaderPtr rd, zip_file_t *zf)
{
    if (rd) xmlFreeTextReader(rd);
    if (zf) zip_fclose(zf);
}

static const char *lname(xmlTextReaderPtr rd)
{
    const xmlChar *n = xmlTextReaderConstLocalName(rd);
    return n ? (const char *)n : "";
}

/* Text inside the current element (its text and CDATA children, skipping
 * phonetic runs), appended to b; the reader ends on the element's end. */
static void element_text(xmlTextReaderPtr rd, Buf *b, size_t cap)
{
    if (xmlTextReaderIsEmptyElement(rd)) return;
    int depth = xmlTextReaderDepth(rd), skip = 0;
    while (xmlTextReaderRead(rd) == 1) {
        int type = xmlTextReaderNodeType(rd);
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(rd) == depth) return;
        if (type == XML_READER_TYPE_ELEMENT && !strcmp(lname(rd), "rPh") && !xmlTextReaderIsEmptyElement(rd))
            skip = xmlTextReaderDepth(rd);
        else if (type == XML_READER_TYPE_END_ELEMENT && skip && xmlTextReaderDepth(rd) == skip)
            skip = 0;
        else if (!skip && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA
                           || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE)) {
            const char *v = (const char *)xmlTextReaderConstValue(rd);
            if (v && b->len + strlen(v) <= cap) buf_puts(b, v);
        }
    }
}

static int load_sst(XlsxIn *x, Arena *a, char *err, size_t errlen)
{
    zip_file_t *zf;
    xmlTextReaderPtr rd = open_entry(x->zip, "xl/sharedStrings.xml", &zf);
    if (!rd) return 0;   /* a workbook without shared strings (inline strings only) */
    size_t cap = 0, bytes = 0;
    int rc;
    while ((rc = xmlTextReaderRead(rd)) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT || strcmp(lname(rd), "si")) continue;
        Buf b;
        buf_init(&b, a);
        element_text(rd, &b, CELL_MAX);
        bytes += b.len + 1;
        if (bytes > SST_MAX_BYTES) {
            snprintf(err, errlen, "Bảng tính có quá nhiều chữ (quá 64 MB).");
            close_entry(rd, zf);
            return -1;
        }
        if (x->nsst == cap) {
            cap = cap ? cap * 2 : 1024;
            char **n = realloc(x->sst, cap * sizeof *n);
            if (!n) { close_entry(rd, zf); snprintf(err, errlen, "Hết bộ nhớ."); return -1; }
            x->sst = n;
        }
        x->sst[x->nsst++] = arena_strdup(a, buf_str(&b));
    }
    close_entry(rd, zf);
    if (rc < 0) { snprintf(err, errlen, "Bảng tính hỏng (xl/sharedStrings.xml)."); return -1; }
    return 0;
}

/* The zip path of the sheet named `name`, or NULL. */
static char *sheet_path(zip_t *zip, Arena *a, const char *name)
{
    zip_file_t *zf;
    xmlTextReaderPtr rd = open_entry(zip, "xl/workbook.xml", &zf);
    if (!rd) return NULL;
    char *rid = NULL;
    while (!rid && xmlTextReaderRead(rd) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT || strcmp(lname(rd), "sheet")) continue;
        xmlChar *n = xmlTextReaderGetAttribute(rd, BAD_CAST "name");
        char *nfc = n ? vn_nfc(a, (const char *)n) : NULL;
        if (nfc && !strcmp(nfc, name)) {
            xmlChar *r = xmlTextReaderGetAttributeNs(
                rd, BAD_CAST "id", BAD_CAST "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
            if (r) rid = arena_strdup(a, (const char *)r);
            xmlFree(r);
        }
        xmlFree(n);
    }
    close_entry(rd, zf);
    if (!rid) return NULL;
    rd = open_entry(zip, "xl/_rels/workbook.xml.rels", &zf);
    if (!rd) return NULL;
    char *path = NULL;
    while (!path && xmlTextReaderRead(rd) == 1) {
        if (xmlTextReaderNodeType(rd) != XML_READER_TYPE_ELEMENT || strcmp(lname(rd), "Relationship")) continue;
        xmlChar *id = xmlTextReaderGetAttribute(rd, BAD_CAST "Id");
        if (id && !strcmp((const char *)id, rid)) {
            xmlChar *t = xmlTextReaderGetAttribute(rd, BAD_CAST "Target");
            if (t) path = *t == '/' ? arena_strdup(a, (const char *)t + 1) : arena_printf(a, "xl/%s", (const char *)t);
            xmlFree(t);
        }
        xmlFree(id);
    }
    close_entry(rd, zf);
    return path;
}

/* Column index of a cell reference ("C12" -> 2), -1 when unusable. */
static int ref_col(const char *ref)
{
    int col = 0, n = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++, n++) col = col * 26 + (*ref - 'A' + 1);
    return n == 0 || n > 3 ? -1 : col - 1;
}

/* Next row of the sheet.  1 row, 0 end, -1 a broken sheet. */
static int xlsx_next(XlsxIn *x, Arena *a, Row *row)
{
    memset(row, 0, sizeof *row);
    int rc;
    while ((rc = xmlTextReaderRead(x->rd)) == 1) {
        if (xmlTextReaderNodeType(x->rd) != XML_READER_TYPE_ELEMENT || strcmp(lname(x->rd), "row")) continue;
        xmlChar *r = xmlTextReaderGetAttribute(x->rd, BAD_CAST "r");
        row->line = r ? strtoll((const char *)r, NULL, 10) : x->last_line + 1;
        xmlFree(r);
        x->last_line = row->line;
        if (xmlTextReaderIsEmptyElement(x->rd)) return 1;
        int depth = xmlTextReaderDepth(x->rd), next_col = 0;
        while ((rc = xmlTextReaderRead(x->rd)) == 1) {
            int type = xmlTextReaderNodeType(x->rd);
            if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(x->rd) == depth) return 1;
            if (type != XML_READER_TYPE_ELEMENT || strcmp(lname(x->rd), "c")) continue;
            xmlChar *ref = xmlTextReaderGetAttribute(x->rd, BAD_CAST "r");
            xmlChar *t = xmlTextReaderGetAttribute(x->rd, BAD_CAST "t");
            int col = ref ? ref_col((const char *)ref) : next_col;
            char kind = t ? (!strcmp((const char *)t, "s") ? 's' : !strcmp((const char *)t, "inlineStr") ? 'i'
                                                                 : !strcmp((const char *)t, "b") ? 'b' : 'v')
                          : 'n';
            xmlFree(ref);
            xmlFree(t);
            Buf v;
            buf_init(&v, a);
            element_text(x->rd, &v, CELL_MAX + 1);
            if (v.len > CELL_MAX) row->problem = "Có ô dài quá 4.096 byte.";
            const char *val = buf_str(&v);
            if (kind == 's') {
                char *end;
                long long i = strtoll(val, &end, 10);
                val = *val && !*end && i >= 0 && (size_t)i < x->nsst ? x->sst[i] : "";
            } else if (kind == 'b') {
                val = !strcmp(val, "1") ? "Có" : "Không";
            } else if (kind == 'n' && *val) {
                /* numbers arrive as written by the program ("3", "46204"); keep a
                 * whole number without a fraction part */
                char *dot = strchr(val, '.');
                if (dot && strspn(dot + 1, "0") == strlen(dot + 1)) val = arena_strndup(a, val, (size_t)(dot - val));
            }
            if (col < 0 || col >= COLS_MAX) { if (*val) row->problem = "Dòng có quá nhiều cột."; continue; }
            if (*val) row->cell[col] = (char *)(kind == 's' ? val : arena_strdup(a, val));
            if (col + 1 > row->n) row->n = col + 1;
            next_col = col + 1;
        }
        break;
    }
    return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------ import */

typedef struct Import {
    Db *db;
    Arena *a;                 /* per row, reset after each */
    int64_t term, today, council;
    int64_t term_from, term_to;
    int from_xlsx;
    IoReport *rep;
    int col[COLS_MAX];        /* file column -> field, -1 = none */
    int ncol;
    int dbfail;
} Import;

static void note(Import *im, int table, int64_t line, int action, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void note(Import *im, int table, int64_t line, int action, const char *fmt, ...)
{
    IoReport *rep = im->rep;
    if (action == IO_ADD) rep->added++;
    else if (action == IO_CHANGE) rep->changed++;
    else rep->refused++;
    if (rep->nentries >= IO_REPORT_MAX) return;
    IoEntry *e = &rep->entries[rep->nentries++];
    e->table = table;
    e->line = line;
    e->action = action;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->text, sizeof e->text, fmt, ap);
    va_end(ap);
}

/* Match the header row against the table's columns (any order; every
 * column required, no unknown one).  0, or -1 with rep->fatal set. */
static int read_header(Import *im, const Row *row, int table)
{
    const char *const *cols = table == IO_DELEGATES ? io_delegate_columns : io_membership_columns;
    int ncols = 0, seen[COLS_MAX] = {0};
    while (cols[ncols]) ncols++;
    im->ncol = row->n;
    for (int i = 0; i < row->n; i++) {
        im->col[i] = -1;
        const char *h = row->cell[i];
        if (!h) continue;
        char *clean = vn_clean(im->a, h);
        if (!clean) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Dòng tiêu đề không phải UTF-8 hợp lệ."); return -1; }
        const char *f = vn_fold_a(im->a, clean);
        int k = -1;
        for (int j = 0; j < ncols; j++)
            if (!strcmp(f, vn_fold_a(im->a, cols[j]))) k = j;
        if (k < 0) {
            Buf b;
            buf_init(&b, im->a);
            for (int j = 0; j < ncols; j++) { if (j) buf_puts(&b, ", "); buf_puts(&b, cols[j]); }
            snprintf(im->rep->fatal, sizeof im->rep->fatal, "Cột “%s” không có trong mẫu %s. Các cột của mẫu: %s.",
                     clean, sheet_names[table], buf_str(&b));
            return -1;
        }
        if (seen[k]++) {
            snprintf(im->rep->fatal, sizeof im->rep->fatal, "Cột “%s” có hai lần.", cols[k]);
            return -1;
        }
        im->col[i] = k;
    }
    for (int j = 0; j < ncols; j++)
        if (!seen[j]) {
            snprintf(im->rep->fatal, sizeof im->rep->fatal, "Thiếu cột “%s” (mẫu %s).", cols[j], sheet_names[table]);
            return -1;
        }
    return 0;
}

/* Which table a CSV header is: the one whose columns it names. */
static int header_table(Arena *a, const Row *row)
{
    int d = 0, m = 0;
    for (int i = 0; i < row->n; i++) {
        char *c = row->cell[i] ? vn_clean(a, row->cell[i]) : NULL;
        if (!c) continue;
        const char *f = vn_fold_a(a, c);
        for (int j = 0; io_delegate_columns[j]; j++) if (!strcmp(f, vn_fold_a(a, io_delegate_columns[j]))) d++;
        for (int j = 0; io_membership_columns[j]; j++) if (!strcmp(f, vn_fold_a(a, io_membership_columns[j]))) m++;
    }
    return d == 0 && m == 0 ? 0 : d >= m ? IO_DELEGATES : IO_MEMBERSHIPS;
}

/* The row's fields by the header's order, cleaned (NFC); a cell that is
 * not UTF-8 makes the row refused.  Our exports prefix a cell starting
 * with = + - @ by ' against formula injection: take it off again. */
static int row_fields(Import *im, const Row *row, const char **f, int nf, const char **why)
{
    for (int i = 0; i < nf; i++) f[i] = "";
    for (int i = 0; i < row->n && i < im->ncol; i++) {
        if (im->col[i] < 0 || !row->cell[i]) continue;
        char *c = vn_clean(im->a, row->cell[i]);
        if (!c) { *why = "Có ô không phải chữ UTF-8 hợp lệ (hãy lưu tệp dạng “CSV UTF-8”)."; return -1; }
        if (c[0] == '\'' && strchr("=+-@", c[1]) && c[1]) c++;
        /* trim spaces around */
        while (*c == ' ') c++;
        size_t n = strlen(c);
        while (n && c[n - 1] == ' ') c[--n] = 0;
        f[im->col[i]] = c;
    }
    return 0;
}

/* A date cell: d/m/yyyy (or yyyy-mm-dd); in a workbook also a date serial
 * number.  1 empty, 0 ok, -1 bad. */
static int cell_day(const Import *im, const char *s, int64_t *day)
{
    *day = 0;
    if (!*s) return 1;
    if (im->from_xlsx && strspn(s, "0123456789") == strlen(s) && strlen(s) == 5) {
        *day = (strtoll(s, NULL, 10) - 25569) * DAY - 7 * 3600;   /* days since 30/12/1899, Vietnam midnight */
        return 0;
    }
    return unit_parse_day(s, day) == 0 ? 0 : -1;
}

static int yes_no(Arena *a, const char *s)
{
    const char *f = vn_fold_a(a, s);
    if (!f) return -1;
    if (!*f || !strcmp(f, "khong") || !strcmp(f, "0") || !strcmp(f, "false")) return 0;
    if (!strcmp(f, "co") || !strcmp(f, "x") || !strcmp(f, "1") || !strcmp(f, "true")) return 1;
    return -1;
}

/* A code from its label or itself; NULL when neither. */
static const char *how_code(Arena *a, const char *s, int end)
{
    const char *f = vn_fold_a(a, s);
    for (size_t i = 0; i < sizeof how_labels / sizeof *how_labels; i++) {
        int is_end = i >= 2;
        if (is_end != end) continue;
        if (!strcmp(f, how_labels[i].code) || !strcmp(f, vn_fold_a(a, how_labels[i].label))) return how_labels[i].code;
    }
    return NULL;
}

static int64_t parse_id(const char *s)
{
    if (!*s) return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v <= 0 ? -1 : v;
}

/* A writer's refusal, or a database failure that ends the whole import. */
static int writer_failed(Import *im, int table, int64_t line, const char *err)
{
    if (db_last_error(im->db) != DB_OK) { im->dbfail = 1; return -1; }
    note(im, table, line, IO_REFUSE, "%s", err);
    return 0;
}

static void delegate_row(Import *im, const Row *row)
{
    const char *f[D_N], *why = NULL;
    Arena *a = im->a;
    int64_t line = row->line;
    if (row->problem) { note(im, IO_DELEGATES, line, IO_REFUSE, "%s", row->problem); return; }
    if (row_fields(im, row, f, D_N, &why) != 0) { note(im, IO_DELEGATES, line, IO_REFUSE, "%s", why); return; }
    int empty = 1;
    for (int i = 0; i < D_N; i++) if (*f[i]) empty = 0;
    if (empty) return;
    im->rep->rows++;
    int64_t id = parse_id(f[D_ID]), from, last, cons = 0;
    if (id < 0) { note(im, IO_DELEGATES, line, IO_REFUSE, "Mã đại biểu “%s” không phải số.", f[D_ID]); return; }
    if (!*f[D_NAME]) { note(im, IO_DELEGATES, line, IO_REFUSE, "Thiếu họ và tên."); return; }
    if (cell_day(im, f[D_FROM], &from) != 0) {
        note(im, IO_DELEGATES, line, IO_REFUSE, "“Từ ngày” không hợp lệ: “%s” (cần ngày/tháng/năm, ví dụ 1/7/2026).", f[D_FROM]);
        return;
    }
    if (cell_day(im, f[D_TO], &last) < 0) {
        note(im, IO_DELEGATES, line, IO_REFUSE, "“Đến ngày” không hợp lệ: “%s” (cần ngày/tháng/năm, hoặc để trống).", f[D_TO]);
        return;
    }
    int64_t to = last ? last + DAY : 0;
    int full = yes_no(a, f[D_FULL]);
    if (full < 0) { note(im, IO_DELEGATES, line, IO_REFUSE, "“Chuyên trách” phải là Có hoặc Không, không phải “%s”.", f[D_FULL]); return; }
    const char *how = *f[D_HOW] ? how_code(a, f[D_HOW], 0) : "elected";
    if (!how) { note(im, IO_DELEGATES, line, IO_REFUSE, "“Hình thức” phải là Bầu cử hoặc Bầu bổ sung, không phải “%s”.", f[D_HOW]); return; }
    const char *end_how = *f[D_END] ? how_code(a, f[D_END], 1) : "ended";
    if (!end_how) {
        note(im, IO_DELEGATES, line, IO_REFUSE, "“Lý do thôi” phải là Miễn nhiệm, Bãi nhiệm, Xin thôi hoặc Khác, không phải “%s”.", f[D_END]);
        return;
    }
    if (*f[D_CONS]) {
        int64_t number = parse_id(f[D_CONS]);
        cons = number > 0 ? db_int(im->db, 0, "SELECT id FROM council_constituencies WHERE term_id = ?1 AND number = ?2",
                                   "ll", im->term, number) : 0;
        if (cons <= 0) { note(im, IO_DELEGATES, line, IO_REFUSE, "Không có đơn vị bầu cử số “%s” trong nhiệm kỳ.", f[D_CONS]); return; }
    }
    char err[512];
    if (id == 0) {
        /* a new delegate, unless the same person already sits from the same day (a file imported twice).
         * Persons first: CROSS JOIN keeps that order on SQLite, so the name index narrows the search
         * (every delegate of a term shares its first day, which makes delegates_term useless here). */
        int64_t have = db_int(im->db, 0, "SELECT d.id FROM persons p CROSS JOIN delegates d"
                                         " WHERE d.person_id = p.id AND d.term_id = ?1 AND p.name_fold = ?2 AND d.valid_from = ?3",
                              "ltl", im->term, vn_fold_a(a, f[D_NAME]), from);
        if (have > 0) { im->rep->unchanged++; return; }
        int64_t nid = 0;
        db_clear_error(im->db);
        if (council_delegate_add(im->db, im->term, f[D_NAME], cons, from, to, full, how, f[D_DOC], 0, &nid, err,
                                 sizeof err) != 0) {
            writer_failed(im, IO_DELEGATES, line, err);
            return;
        }
        note(im, IO_DELEGATES, line, IO_ADD, "Thêm đại biểu %s, từ %s%s.", f[D_NAME], date_or_empty(a, from),
             full ? ", chuyên trách" : "");
        return;
    }
    /* an existing delegate: only the end of the mandate and the mode change through a file */
    Stmt *st = db_prepare(im->db, "SELECT p.full_name, COALESCE(d.constituency_id, 0), d.valid_from,"
                                  " COALESCE(d.valid_to, 0), COALESCE(t.ends_on, 0) FROM delegates d"
                                  " JOIN persons p ON p.id = d.person_id JOIN council_terms t ON t.id = d.term_id"
                                  " WHERE d.id = ?1 AND d.term_id = ?2");
    if (!st) { im->dbfail = 1; return; }
    db_bindf(st, "ll", id, im->term);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        note(im, IO_DELEGATES, line, IO_REFUSE, "Mã đại biểu %lld không thuộc nhiệm kỳ này của Hội đồng.", (long long)id);
        return;
    }
    char *name = db_col_dup(st, 0, a);
    int64_t dcons = db_col_int(st, 1), dfrom = db_col_int(st, 2), dto = db_col_int(st, 3), tend = db_col_int(st, 4);
    db_done(st);
    int open = dto == 0 || dto == tend;
    Buf diff;
    buf_init(&diff, a);
    if (strcmp(name, f[D_NAME])) buf_printf(&diff, "họ tên (đang có “%s”)", name);
    if (dcons != cons) buf_printf(&diff, "%sđơn vị bầu cử", diff.len ? ", " : "");
    if (dfrom != from) buf_printf(&diff, "%sngày bắt đầu (đang có %s)", diff.len ? ", " : "", date_or_empty(a, dfrom));
    if (!open && (!to || to != dto))
        buf_printf(&diff, "%sngày thôi (đang có %s)", diff.len ? ", " : "", date_or_empty(a, dto - DAY));
    if (diff.len) {
        note(im, IO_DELEGATES, line, IO_REFUSE, "Đại biểu %lld: tệp khác dữ liệu đang có ở %s; tệp nhập không sửa "
             "các trường này (hãy sửa trên trang của Hội đồng).", (long long)id, buf_str(&diff));
        return;
    }
    int changed = 0;
    /* the mode, as of today when the delegate sits today */
    int64_t mode_day = im->today < dfrom ? dfrom : (!open && dto <= im->today) ? dto - DAY : im->today;
    int cur = (int)db_int(im->db, 0, "SELECT full_time FROM delegate_modes WHERE delegate_id = ?1 AND valid_from <= ?2"
                                     " ORDER BY valid_from DESC LIMIT 1", "ll", id, mode_day);
    if (cur != full) {
        if (!open && dto <= im->today) {
            note(im, IO_DELEGATES, line, IO_REFUSE, "Đại biểu %lld đã thôi; không đổi được “Chuyên trách”.", (long long)id);
            return;
        }
        db_clear_error(im->db);
        if (council_delegate_mode(im->db, id, full, mode_day, f[D_DOC], err, sizeof err) != 0) {
            writer_failed(im, IO_DELEGATES, line, err);
            return;
        }
        note(im, IO_DELEGATES, line, IO_CHANGE, "Đại biểu %s: %s từ %s.", name, full ? "chuyên trách" : "không chuyên trách",
             date_or_empty(a, mode_day));
        changed = 1;
    }
    if (open && to) {
        db_clear_error(im->db);
        if (council_delegate_end(im->db, id, to, end_how, f[D_ENDDOC], err, sizeof err) != 0) {
            writer_failed(im, IO_DELEGATES, line, err);
            return;
        }
        note(im, IO_DELEGATES, line, IO_CHANGE, "Đại biểu %s thôi làm đại biểu sau ngày %s (%s).", name, date_or_empty(a, last),
             how_label(end_how));
        changed = 1;
    }
    if (!changed) im->rep->unchanged++;
}

static void membership_row(Import *im, const Row *row)
{
    const char *f[M_N], *why = NULL;
    Arena *a = im->a;
    int64_t line = row->line;
    if (row->problem) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "%s", row->problem); return; }
    if (row_fields(im, row, f, M_N, &why) != 0) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "%s", why); return; }
    int empty = 1;
    for (int i = 0; i < M_N; i++) if (*f[i]) empty = 0;
    if (empty) return;
    im->rep->rows++;
    int64_t id = parse_id(f[M_ID]), from, last;
    if (id < 0) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Mã đại biểu “%s” không phải số.", f[M_ID]); return; }
    if (cell_day(im, f[M_FROM], &from) != 0) {
        note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "“Từ ngày” không hợp lệ: “%s” (cần ngày/tháng/năm, ví dụ 1/7/2026).", f[M_FROM]);
        return;
    }
    if (cell_day(im, f[M_TO], &last) < 0) {
        note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "“Đến ngày” không hợp lệ: “%s” (cần ngày/tháng/năm, hoặc để trống).", f[M_TO]);
        return;
    }
    int64_t to = last ? last + DAY : 0;
    /* the delegate: by code, else by a name that is unique in the term */
    const char *fold = vn_fold_a(a, f[M_NAME]);
    if (id == 0) {
        if (!*f[M_NAME]) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Thiếu mã đại biểu và họ tên."); return; }
        int64_t n = db_int(im->db, -1, "SELECT COUNT(*) FROM persons p CROSS JOIN delegates d"
                                       " WHERE d.person_id = p.id AND d.term_id = ?1 AND p.name_fold = ?2", "lt", im->term, fold);
        if (n != 1) {
            note(im, IO_MEMBERSHIPS, line, IO_REFUSE, n == 0 ? "Không có đại biểu tên “%s” trong nhiệm kỳ."
                 : "Có nhiều đại biểu tên “%s”: hãy ghi mã đại biểu.", f[M_NAME]);
            return;
        }
        id = db_int(im->db, 0, "SELECT d.id FROM persons p CROSS JOIN delegates d"
                               " WHERE d.person_id = p.id AND d.term_id = ?1 AND p.name_fold = ?2", "lt", im->term, fold);
    } else {
        char *name = db_text(im->db, a, "SELECT p.full_name FROM delegates d JOIN persons p ON p.id = d.person_id"
                                        " WHERE d.id = ?1 AND d.term_id = ?2", "ll", id, im->term);
        if (!name) {
            note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Mã đại biểu %lld không thuộc nhiệm kỳ này của Hội đồng.", (long long)id);
            return;
        }
        if (*f[M_NAME] && strcmp(fold, vn_fold_a(a, name))) {
            note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Mã đại biểu %lld là %s, không phải “%s”.", (long long)id, name, f[M_NAME]);
            return;
        }
    }
    /* the body and the position, by name (diacritics and case do not matter) */
    int64_t body = 0;
    char *bkind = NULL;
    Stmt *st = db_prepare(im->db, "SELECT id, name, kind FROM council_bodies WHERE term_id = ?1");
    if (!st) { im->dbfail = 1; return; }
    db_bind_int(st, 1, im->term);
    const char *bfold = vn_fold_a(a, f[M_BODY]);
    while (db_step(st) == DB_ROW)
        if (!strcmp(bfold, vn_fold_a(a, db_col_text(st, 1)))) { body = db_col_int(st, 0); bkind = db_col_dup(st, 2, a); }
    db_done(st);
    if (!body) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Không có cơ quan “%s” trong nhiệm kỳ.", f[M_BODY]); return; }
    char *pos = NULL;
    int64_t pos_id = 0;
    st = db_prepare(im->db, "SELECT id, code, name FROM council_positions WHERE body_kind = ?1");
    if (!st) { im->dbfail = 1; return; }
    db_bind_text(st, 1, bkind);
    const char *pfold = vn_fold_a(a, f[M_POS]);
    while (db_step(st) == DB_ROW)
        if (!strcmp(pfold, db_col_text(st, 1)) || !strcmp(pfold, vn_fold_a(a, db_col_text(st, 2)))) {
            pos_id = db_col_int(st, 0);
            pos = db_col_dup(st, 1, a);
        }
    db_done(st);
    if (!pos) { note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Không có chức danh “%s” trong %s.", f[M_POS], f[M_BODY]); return; }
    char err[512];
    st = db_prepare(im->db, "SELECT id, COALESCE(valid_to, 0) FROM council_memberships WHERE delegate_id = ?1"
                            " AND body_id = ?2 AND position_id = ?3 AND valid_from = ?4");
    if (!st) { im->dbfail = 1; return; }
    db_bindf(st, "llll", id, body, pos_id, from);
    int64_t mid = 0, mto = 0;
    if (db_step(st) == DB_ROW) { mid = db_col_int(st, 0); mto = db_col_int(st, 1); }
    db_done(st);
    if (mid) {
        if (mto == to) { im->rep->unchanged++; return; }
        if (mto == 0 && to) {
            db_clear_error(im->db);
            if (council_membership_end(im->db, mid, to, err, sizeof err) != 0) { writer_failed(im, IO_MEMBERSHIPS, line, err); return; }
            note(im, IO_MEMBERSHIPS, line, IO_CHANGE, "%s thôi giữ chức danh %s, %s sau ngày %s.", f[M_NAME], f[M_POS],
                 f[M_BODY], date_or_empty(a, last));
            return;
        }
        note(im, IO_MEMBERSHIPS, line, IO_REFUSE, "Chức danh này đã ghi với ngày kết thúc %s; tệp nhập không sửa ngày "
             "kết thúc đã có.", mto ? date_or_empty(a, mto - DAY) : "(đang giữ)");
        return;
    }
    int64_t nid = 0;
    db_clear_error(im->db);
    if (council_membership_add(im->db, id, body, pos, from, to, f[M_DOC], 0, &nid, err, sizeof err) != 0) {
        writer_failed(im, IO_MEMBERSHIPS, line, err);
        return;
    }
    note(im, IO_MEMBERSHIPS, line, IO_ADD, "Ghi chức danh %s, %s cho %s từ %s.", f[M_POS], f[M_BODY],
         *f[M_NAME] ? f[M_NAME] : "đại biểu", date_or_empty(a, from));
}

/* Run every row of one table through its handler. */
typedef int (*NextFn)(void *in, Arena *a, Row *row);

static int csv_next_fn(void *in, Arena *a, Row *row) { return csv_next(in, a, row); }
static int xlsx_next_fn(void *in, Arena *a, Row *row) { return xlsx_next(in, a, row); }

static int run_table(Import *im, int table, NextFn next, void *in, int header_done)
{
    Row row;
    int rc = 0, header = header_done;
    while (!im->dbfail && (rc = next(in, im->a, &row)) == 1) {
        if (!header) {
            if (row.problem) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Dòng tiêu đề: %s", row.problem); return -1; }
            if (read_header(im, &row, table) != 0) return -1;
            header = 1;
        } else if (table == IO_DELEGATES) {
            delegate_row(im, &row);
        } else {
            membership_row(im, &row);
        }
        arena_free(im->a);
        im->a = arena_new();
    }
    if (im->dbfail) return -1;
    if (rc < 0) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Trang tính %s bị hỏng.", sheet_names[table]); return -1; }
    if (!header) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Tệp trống: không có dòng tiêu đề."); return -1; }
    return 0;
}

static int import_csv(Import *im, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Không đọc được tệp."); return -1; }
    CsvIn in = {.f = f, .delim = ','};
    /* The delimiter: ',' unless the header has ';' and no ',' (Excel in some locales). */
    char head[4096];
    size_t n = fread(head, 1, sizeof head - 1, f);
    head[n] = 0;
    char *nl = strchr(head, '\n');
    if (nl) *nl = 0;
    if (strchr(head, ';') && !strchr(head, ',')) in.delim = ';';
    rewind(f);
    Row row;
    int rc = csv_next(&in, im->a, &row), ret = -1;
    if (rc != 1) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Tệp trống."); goto out; }
    if (row.problem) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "%s", row.problem); goto out; }
    int table = header_table(im->a, &row);
    if (!table) {
        snprintf(im->rep->fatal, sizeof im->rep->fatal, "Dòng đầu của tệp không phải tiêu đề của mẫu Đại biểu hay "
                 "Chức danh. Hãy tải mẫu (tệp xuất) và giữ nguyên dòng đầu.");
        goto out;
    }
    if (read_header(im, &row, table) != 0) goto out;
    ret = run_table(im, table, csv_next_fn, &in, 1);
out:
    fclose(f);
    return ret;
}

static int import_xlsx(Import *im, const char *path)
{
    int zerr = 0, ret = -1;
    zip_t *zip = zip_open(path, ZIP_RDONLY, &zerr);
    if (!zip) {
        snprintf(im->rep->fatal, sizeof im->rep->fatal, "Tệp không phải bảng tính Excel (.xlsx) hợp lệ.");
        return -1;
    }
    Arena *keep = arena_new();   /* shared strings and sheet paths live for the whole import */
    XlsxIn x = {.zip = zip};
    if (load_sst(&x, keep, im->rep->fatal, sizeof im->rep->fatal) != 0) goto out;
    int found = 0;
    for (int table = IO_DELEGATES; table <= IO_MEMBERSHIPS; table++) {
        char *sheet = sheet_path(zip, keep, sheet_names[table]);
        if (!sheet) continue;
        found++;
        x.rd = open_entry(zip, sheet, &x.zf);
        x.last_line = 0;
        if (!x.rd) { snprintf(im->rep->fatal, sizeof im->rep->fatal, "Trang tính %s bị hỏng.", sheet_names[table]); goto out; }
        int rc = run_table(im, table, xlsx_next_fn, &x, 0);
        close_entry(x.rd, x.zf);
        x.rd = NULL;
        x.zf = NULL;
        if (rc != 0) goto out;
    }
    if (!found) {
        snprintf(im->rep->fatal, sizeof im->rep->fatal, "Bảng tính không có trang “Đại biểu” hay “Chức danh”. "
                 "Hãy dùng tệp xuất làm mẫu.");
        goto out;
    }
    ret = 0;
out:
    free(x.sst);
    arena_free(keep);
    zip_discard(zip);
    return ret;
}

void io_report_free(IoReport *rep)
{
    free(rep->entries);
    rep->entries = NULL;
    rep->nentries = 0;
}

int council_io_import(Db *db, const char *path, int xlsx, int64_t term_id, int64_t today, int apply,
                      IoReport *rep)
{
    memset(rep, 0, sizeof *rep);
    rep->entries = calloc(IO_REPORT_MAX, sizeof *rep->entries);
    if (!rep->entries) { snprintf(rep->fatal, sizeof rep->fatal, "Hết bộ nhớ."); return -1; }
    Import im = {.db = db, .a = arena_new(), .term = term_id, .today = today, .from_xlsx = xlsx, .rep = rep};
    if (db_begin(db) != DB_OK) {
        arena_free(im.a);
        snprintf(rep->fatal, sizeof rep->fatal, "Không ghi được lúc này, vui lòng thử lại.");
        return -1;
    }
    int rc = xlsx ? import_xlsx(&im, path) : import_csv(&im, path);
    arena_free(im.a);
    if (im.dbfail) {
        db_rollback(db);
        snprintf(rep->fatal, sizeof rep->fatal, "Lỗi cơ sở dữ liệu khi đọc tệp; không có gì thay đổi.");
        return -1;
    }
    if (apply && rc == 0 && !rep->fatal[0] && rep->refused == 0) return 1;   /* caller commits */
    db_rollback(db);
    return 0;
}
