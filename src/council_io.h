/* council_io.h - delegates and memberships of one term out to CSV, XLSX and
 * JSON, and back in from CSV or XLSX with a dry run (issue 8 item 6;
 * docs/COUNCILS.md "Import and export").
 *
 * Two tables, each with a Vietnamese header row that is the contract of
 * the file (io_delegate_columns, io_membership_columns):
 *   Đại biểu   one row per delegate of the term (Mã đại biểu = delegates.id)
 *   Chức danh  one row per position held in a body
 * A CSV file holds one table (its header says which); a workbook holds
 * both as sheets named like the tables.  The JSON export holds both.
 *
 * Import reads row by row (a CSV streams through stdio, a sheet streams
 * through libxml2's reader fed by libzip), so memory stays bounded
 * whatever the number of rows.  Every row goes through the council.c
 * writers inside ONE transaction; the report lists what each row would
 * add, change or why it is refused (row number, Vietnamese reason).  A dry
 * run always rolls back; an applied run commits only when no row is
 * refused and the file itself is sound: a bad file changes nothing. */
#ifndef HD_COUNCIL_IO_H
#define HD_COUNCIL_IO_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "buf.h"
#include "db.h"

enum { IO_DELEGATES = 1, IO_MEMBERSHIPS = 2 };
enum { IO_ADD = 1, IO_CHANGE = 2, IO_REFUSE = 3 };
/* Entries kept for the report (counts are always complete). */
enum { IO_REPORT_MAX = 2000 };

typedef struct IoEntry {
    int table;                /* IO_DELEGATES / IO_MEMBERSHIPS */
    int64_t line;             /* row number in the file or sheet (header = 1) */
    int action;               /* IO_ADD / IO_CHANGE / IO_REFUSE */
    char text[480];           /* Vietnamese: what it does, or why it is refused */
} IoEntry;

typedef struct IoReport {
    int64_t rows, added, changed, unchanged, refused;
    IoEntry *entries;         /* heap, at most IO_REPORT_MAX; io_report_free */
    int nentries;
    char fatal[512];          /* a fault of the whole file (header, format); "" if none */
} IoReport;

void io_report_free(IoReport *rep);

/* The header cells of each table, in export order (NULL-terminated). */
extern const char *const io_delegate_columns[];
extern const char *const io_membership_columns[];

/* Exports of term_id; today decides the "Chuyên trách" of serving
 * delegates.  0 or -1 (database error; err set). */
int council_io_csv(Db *db, Arena *a, int64_t term_id, int table, int64_t today, Buf *out);
int council_io_json(Db *db, Arena *a, int64_t term_id, int64_t today, Buf *out);
int council_io_xlsx(Db *db, Arena *a, int64_t term_id, int64_t today, const char *path,
                    char *err, size_t errlen);

/* Import the file at path (xlsx: 1 for a workbook, 0 for CSV) into
 * term_id.  apply = 0: dry run, always rolled back, returns 0.  apply = 1:
 * when the file is sound and no row is refused, returns 1 with the
 * transaction STILL OPEN so the caller adds its audit row and commits;
 * otherwise rolls back and returns 0.  -1 on a database error (rolled
 * back; rep->fatal says so).  today: the day a mode change takes effect. */
int council_io_import(Db *db, const char *path, int xlsx, int64_t term_id, int64_t today, int apply,
                      IoReport *rep);

#endif
