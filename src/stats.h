/* stats.h - visit statistics without personal data.
 *
 * The server counts a page view with stats_hit(day hash of the visitor,
 * article id or 0, r->now) after a successful page reply, for requests
 * whose user agent is not a bot (stats_is_bot).  Counting happens in
 * memory under one mutex; stats_flush (called by a server thread every
 * STATS_FLUSH_SECONDS and at shutdown) adds the aggregates to
 * stats_daily(day, views, visitors) and stats_article_daily(day,
 * article_id, views).  Days are local Vietnam days (yyyymmdd, UTC+7).
 *
 * What is stored: counts only.  The set of today's visitor hashes and the
 * "online now" map live in memory only and are never written anywhere;
 * the hashes are keyed by a secret that is wiped at midnight (visitor.h).
 *
 * Limits, by design:
 *  - a crash loses the views counted since the last flush (at most one
 *    flush interval, 10 s); a clean shutdown should call stats_flush;
 *  - unique visitors: the day's set starts empty after a restart, so a
 *    visitor seen before and after a restart mid-day is counted once per
 *    process; the stored value is the GREATER of the stored and the
 *    in-memory count (never added), so a restart undercounts rather than
 *    overcounts;
 *  - the set is capped at STATS_MAX_VISITORS per day (memory bound against
 *    floods of made-up user agents); beyond it views still count;
 *  - a hit whose time is before the current day (a request that began a
 *    moment before midnight) counts in the current day;
 *  - "online now" is keyed by day hashes, which change at midnight, so
 *    for five minutes after midnight a visitor may count twice online.
 * All functions are thread-safe. */
#ifndef HD_STATS_H
#define HD_STATS_H
#include <stdint.h>
#include "db.h"

enum {
    STATS_ONLINE_WINDOW = 300,        /* seconds: "online now" = seen within this */
    STATS_SHARED_REFRESH = 60,        /* several nodes: re-record a visitor seen this long ago */
    STATS_FLUSH_SECONDS = 10,         /* the server's flush interval */
    STATS_MAX_VISITORS = 500000,      /* distinct visitors remembered per day */
    STATS_MAX_ONLINE = 200000         /* distinct visitors in the online map */
};

/* 1 for user agents of crawlers, scripts and empty user agents (not
 * counted), else 0.  curl and headless Chrome are NOT bots here: the test
 * suites use them. */
int stats_is_bot(const char *user_agent);

/* Count one page view by visitor vhash (visitor_day_hash) at time now;
 * article_id > 0 also counts a view of that article. */
void stats_hit(const uint8_t vhash[32], int64_t article_id, int64_t now);

/* Distinct visitors seen within the last STATS_ONLINE_WINDOW seconds. */
int64_t stats_online(int64_t now);

/* Distinct visitors of the current day so far (this process). */
int64_t stats_today_visitors(int64_t now);

/* All-time page views: settings `stats_base_total` (the operator's
 * starting offset, e.g. the old portal's counter; 0 when absent or not a
 * number) + views already in stats_daily + views not yet flushed.
 * Exact, also during a flush.  -1 on a database error. */
int64_t stats_total(Db *db);

/* Views of one article: stats_article_daily + not yet flushed.  During a
 * flush the views being written may be missed for that instant.
 * -1 on a database error. */
int64_t stats_article_total(Db *db, int64_t article_id);

/* Write the counts gathered since the last flush (one transaction) and
 * close the previous day when now is past midnight.  On failure the counts
 * are kept in memory for the next flush.  0, or -1 on a database error. */
int stats_flush(Db *db, int64_t now);

/* Forget everything in memory and free it (shutdown, tests). */
void stats_reset(void);

#endif
