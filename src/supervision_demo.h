/* supervision_demo.h - the supervision part of the demo content
 * (supervision_demo.c; issue 10 item 4). */
#ifndef HD_SUPERVISION_DEMO_H
#define HD_SUPERVISION_DEMO_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* One sample thematic supervision of the city council with its findings
 * and six recommendations to named agencies in several states (one
 * overdue, one verified by a re-check, one partially done), dated
 * relative to now.  After council_demo_load, inside the caller's
 * transaction or its own.  Idempotent.  0, or -1 with err. */
int supervision_demo_load(Db *db, int64_t now, char *err, size_t errlen);
/* Delete the sample supervisions with their recommendations, events and
 * checks, and the sample agencies nothing else refers to.  0 or -1. */
int supervision_demo_remove(Db *db);
#endif
