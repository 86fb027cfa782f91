/* wtx.h - what every validating writer (council.c, programme.c, report.c,
 * emulation.c) does the same way: a refusal is -1 with a Vietnamese reason
 * in err, and the writes of one call share a transaction, their own unless
 * the caller holds one (then the caller commits or rolls back). */
#ifndef HD_WTX_H
#define HD_WTX_H
#include <stddef.h>
#include "db.h"

/* Format the reason into err (when given); returns -1. */
int wtx_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "Lỗi cơ sở dữ liệu: <engine message>"; returns -1. */
int wtx_dberr(Db *db, char *err, size_t errlen);
/* Begin unless the caller holds a transaction (*own says which). 0 or -1. */
int wtx_begin(Db *db, int *own, char *err, size_t errlen);
/* ok: commit when ours (-1 and err if the commit fails); else roll back
 * when ours.  With the caller's transaction: 0 if ok, else -1. */
int wtx_end(Db *db, int own, int ok, char *err, size_t errlen);
#endif
