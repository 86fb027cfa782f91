/* page_export.h - one table of text cells answered as a download in the
 * format the user chose: CSV (UTF-8 with BOM for spreadsheets, formula
 * injection neutralised by buf_csv), XLSX (cells written as strings, never
 * formulas) or JSON (an object with a title and the rows as objects keyed
 * by the header).  Used by every export of council work. */
#ifndef HD_PAGE_EXPORT_H
#define HD_PAGE_EXPORT_H
#include "http.h"

typedef struct ExportTable {
    int ncols, nrows;
    const char **head;        /* ncols header cells */
    const char ***rows;       /* nrows rows of ncols cells ("" for empty) */
} ExportTable;

/* 1 when format is "csv", "xlsx" or "json". */
int export_format_ok(const char *format);
/* Reply with t as stem.csv / stem.xlsx / stem.json.  JSON: {"<title_key>":
 * title, "<rows_key>": [...]}; XLSX: one sheet named sheet, header bold and
 * frozen.  Returns the status. */
int reply_table(Req *r, const char *format, const char *stem, const char *title_key, const char *title,
                const char *rows_key, const char *sheet, const ExportTable *t);
#endif
