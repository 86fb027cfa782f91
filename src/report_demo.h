/* report_demo.h - the review-report part of the demo content (report_demo.c). */
#ifndef HD_REPORT_DEMO_H
#define HD_REPORT_DEMO_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* A template and two campaigns to the 126 communes with seeded reports;
 * after council_demo_load, inside the caller's transaction.  Idempotent. */
int report_demo_load(Db *db, int64_t now, char *err, size_t errlen);
/* Delete the sample campaigns, their reports and the sample template. */
int report_demo_remove(Db *db);
#endif
