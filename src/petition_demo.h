/* petition_demo.h - the petitions part of the demo content (petition_demo.c). */
#ifndef HD_PETITION_DEMO_H
#define HD_PETITION_DEMO_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* Sessions, agencies, voter meetings and petitions for the city and two
 * communes; after council_demo_load, inside the caller's transaction.
 * Idempotent (nothing is added when sample petitions exist). */
int petition_demo_load(Db *db, int64_t now, char *err, size_t errlen);
/* Delete the sample petitions, meetings and sessions. */
int petition_demo_remove(Db *db);
/* Delete the sample agencies nothing refers to any more (after the
 * supervision demo is removed); their accounts are disabled. */
int petition_demo_remove_agencies(Db *db);
#endif
