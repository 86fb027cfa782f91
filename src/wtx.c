/* wtx.c - refusals and transactions of the validating writers (wtx.h). */
#include <stdarg.h>
#include <stdio.h>

#include "wtx.h"

int wtx_fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int wtx_dberr(Db *db, char *err, size_t errlen)
{
    return wtx_fail(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg(db));
}

int wtx_begin(Db *db, int *own, char *err, size_t errlen)
{
    *own = !db_in_transaction(db);
    if (*own && db_begin(db) != DB_OK) return wtx_fail(err, errlen, "Không mở được giao dịch: %s", db_errmsg(db));
    return 0;
}

int wtx_end(Db *db, int own, int ok, char *err, size_t errlen)
{
    if (!own) return ok ? 0 : -1;
    if (ok && db_commit(db) == DB_OK) return 0;
    if (ok) wtx_fail(err, errlen, "Không ghi được: %s", db_errmsg(db));
    db_rollback(db);
    return -1;
}
