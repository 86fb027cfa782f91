/* engage_rating.h - star ratings (1-5) of articles by anonymous readers.
 *
 * One rating per visitor per article: the row's key is (article_id,
 * visitor key), where the visitor key is a keyed BLAKE2b hash of (article
 * id, visitor cookie id) under a server secret kept in settings
 * `rating_visitor_secret`.  The table therefore never holds the cookie id,
 * and one visitor's ratings of different articles cannot be linked to each
 * other.  A second rating by the same visitor replaces the first.
 *
 * rating_totals(article_id, count, sum) is maintained in the rating's own
 * transaction, so reading an article's summary is one indexed row.
 *
 * Every write is one call with plain inputs doing ONE transaction, so a
 * group-commit writer can take it over unchanged. */
#ifndef HD_ENGAGE_RATING_H
#define HD_ENGAGE_RATING_H
#include <stdint.h>
#include "buf.h"
#include "db.h"

enum {
    RATING_KEY_HEX = 65          /* visitor key: 64 hex digits + NUL */
};

/* Outcomes of rating_put. */
enum {
    RATING_ERROR = -1,           /* database error (logged) */
    RATING_ADDED = 0,            /* first rating of this visitor for the article */
    RATING_REPLACED = 1,         /* an earlier rating was replaced */
    RATING_BAD = 2,              /* stars outside 1..5, bad key or no such article: nothing written */
};

/* The visitor key for (article, visitor id) as 64 lowercase hex digits
 * into out.  Creates the secret in settings on first use (thread-safe).
 * 0, or -1 on a database error. */
int rating_visitor_key(Db *db, int64_t article_id, const uint8_t visitor_id[16],
                       char out[RATING_KEY_HEX]);

/* Record a rating in one transaction: insert or replace the visitor's row
 * and adjust rating_totals by the difference.  is_sample marks demo data.
 * On success *count and *sum (either may be NULL) receive the article's
 * new totals.  Returns RATING_ADDED / RATING_REPLACED / RATING_BAD /
 * RATING_ERROR; on anything but the first two nothing is written. */
int rating_put(Db *db, int64_t article_id, const char *visitor_key, int stars, int64_t now,
               int is_sample, int64_t *count, int64_t *sum);

/* The article's totals (0, 0 when nobody rated).  0, or -1 on error. */
int rating_summary(Db *db, int64_t article_id, int64_t *count, int64_t *sum);

/* Average sum/count with one decimal, Vietnamese style ("4,5"), rounded
 * half up; "0" when count is 0. */
void rating_average(Buf *out, int64_t count, int64_t sum);

/* Recompute rating_totals from the ratings rows (after bulk deletes such
 * as `demo --remove`).  Runs in the caller's transaction if one is open.
 * 0, or -1 on error. */
int rating_totals_rebuild(Db *db);

#endif
