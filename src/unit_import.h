/* unit_import.h - loading administrative units from the JSON data sets
 * (`hoidong units import`, the demo).  Formats are those of
 * ../shared/data (see its README):
 *   - national / post-reform: an array of provinces (or one province
 *     object), each {Code, Name, FullName, AdministrativeUnitShortName,
 *     Wards:[{Code, Name, FullName, AdministrativeUnitShortName}]}; units
 *     valid from 1/7/2025 (Hanoi's city row from 1/8/2008);
 *   - Hanoi pre-reform: {Code, District:[{Code, FullName, Ward:[...]}]};
 *     units valid from the nominal 1/1/2016 to 1/7/2025;
 *   - Hanoi merges: {level2s:[{level2_id, merges:[{old_id, type}]}]}: the
 *     succession map (resolution 1656/NQ-UBTVQH15 of 16/6/2025).
 * Every import is idempotent: a unit is found by (code, valid_from) and
 * updated in place, a succession by (old, new).  Each call is one
 * transaction (or part of the caller's, when one is open): on an error
 * nothing is written.  Messages are Vietnamese. */
#ifndef HD_UNIT_IMPORT_H
#define HD_UNIT_IMPORT_H
#include <stddef.h>
#include "db.h"

typedef struct UnitImportStats {
    int added, updated, unchanged;   /* units */
    int successions_added, successions_updated;
} UnitImportStats;

/* Called now and then with done <= total (records); may be NULL. */
typedef void (*UnitProgress)(void *ctx, size_t done, size_t total);

/* Post-reform units of one province (code, e.g. "01"), or of every
 * province when province is NULL or "all". */
int unit_import_current(Db *db, const char *json, size_t len, const char *province,
                        UnitProgress progress, void *pctx, UnitImportStats *stats,
                        char *err, size_t errlen);
/* Hanoi before 1/7/2025 (needs the city row: import current first). */
int unit_import_former(Db *db, const char *json, size_t len, UnitProgress progress, void *pctx,
                       UnitImportStats *stats, char *err, size_t errlen);
/* The succession map (needs both sets). */
int unit_import_merges(Db *db, const char *json, size_t len, UnitProgress progress, void *pctx,
                       UnitImportStats *stats, char *err, size_t errlen);

/* The three Hanoi files from dir (../shared/data layout: dir/hanoi/...),
 * or, for national != NULL, the post-reform units of `province` from that
 * file instead of Hanoi's.  Reads the files, then the calls above in one
 * transaction. */
int unit_import_files(Db *db, const char *dir, const char *national, const char *province,
                      UnitProgress progress, void *pctx, UnitImportStats *stats,
                      char *err, size_t errlen);

#endif
