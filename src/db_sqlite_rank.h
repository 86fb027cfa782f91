/* db_sqlite_rank.h - hd_bm25, the search ranking function of the SQLite
 * backend (an FTS5 auxiliary function; see db_sqlite_rank.c). */
#ifndef HD_DB_SQLITE_RANK_H
#define HD_DB_SQLITE_RANK_H
#include <sqlite3.h>

/* How many entries of one search phrase are counted for its weight; past
 * this many the number is estimated (db_sqlite_rank.c says how and why). */
#define RANK_DF_CAP 2000

/* Register hd_bm25 on connection h; SQLITE_OK or an SQLite error code. */
int rank_register(sqlite3 *h);

#endif
