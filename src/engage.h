/* engage.h - what every reader-engagement feature (ratings, comments,
 * polls) shares: the anonymous visitor's id from the signed cookie, soft
 * per-network daily caps and per-visitor flood limits (all in memory,
 * keyed by hashes, never by addresses), and the server wiring of visit
 * statistics. */
#ifndef HD_ENGAGE_H
#define HD_ENGAGE_H
#include <stdint.h>
#include "http.h"

#define ENGAGE_COOKIE "hd_v"
/* The visitor id (16 bytes) from the signed cookie hd_v; when the cookie is
 * missing or forged, a new id is made and the cookie set on this reply
 * (one year).  Returns 1 if the cookie already existed, 0 if new. */
int engage_visitor(Req *r, uint8_t id[16]);
/* Soft daily cap per network (IPv4 /24, IPv6 /48 via visitor_net_hash) for
 * an action name ("rating", "vote", "comment", "captcha"): returns 1 and
 * counts when under cap, 0 when the network used its cap today. */
int engage_net_allow(Req *r, const char *action, int daily_cap);
/* Flood limit: 1 and remembers now if the visitor's previous `action` was
 * at least `seconds` ago (or never), else 0. */
int engage_flood_allow(const uint8_t id[16], const char *action, int seconds, int64_t now);
/* Forget all in-memory counters (tests, shutdown). */
void engage_reset(void);

/* Server wiring: start-up (visitor secret; 0 or -1), the per-request
 * statistics hook and the periodic flush task. */
int engage_start(Db *db);
void engage_after_request(Req *r, int status);
void engage_task(void *db, long long now);
#endif
