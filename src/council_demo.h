/* council_demo.h - the council part of the demo content (council_demo.c). */
#ifndef HD_COUNCIL_DEMO_H
#define HD_COUNCIL_DEMO_H
#include <stddef.h>
#include "db.h"

/* Units, councils and the sample terms, bodies and delegates, inside the
 * caller's transaction.  Idempotent.  0, or -1 with an English message. */
int council_demo_load(Db *db, char *err, size_t errlen);
/* Delete the sample council rows (terms and all under them); units and
 * councils are real structure and stay.  Inside the caller's transaction. */
int council_demo_remove(Db *db);
#endif
