/* programme_demo.h - the programme part of the demo content (programme_demo.c). */
#ifndef HD_PROGRAMME_DEMO_H
#define HD_PROGRAMME_DEMO_H
#include <stddef.h>
#include "db.h"

/* Đề án 15-ĐA/TU (real: goals and groups) with sample tasks and progress,
 * and a sample commune plan; after council_demo_load, inside the caller's
 * transaction.  Idempotent.  0, or -1 with a message. */
int programme_demo_load(Db *db, char *err, size_t errlen);
/* Delete the sample rows; runs before council_demo_remove (sample tasks may
 * name sample bodies).  Inside the caller's transaction. */
int programme_demo_remove(Db *db);
#endif
