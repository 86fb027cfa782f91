/* visitor.h - the anonymous visitor identity, without personal data.
 *
 * Two independent tools:
 *  - a signed random cookie value (16 random bytes + crypto_auth tag,
 *    base64url), to recognise a browser across days (e.g. "already rated
 *    this article").  The key is the server secret `cookie_secret` in the
 *    settings table, created at first start by visitor_init.
 *  - keyed hashes of the client address (and user agent) for statistics
 *    and soft per-network caps.  The key is a DAILY secret kept in memory
 *    only; it rotates at midnight Asia/Ho_Chi_Minh (UTC+7) and the old one
 *    is wiped, so yesterday's hashes cannot be linked to today's nor
 *    recomputed from an address later, even by the operator.
 * Nothing here writes an IP address or user agent anywhere.  All functions
 * are thread-safe. */
#ifndef HD_VISITOR_H
#define HD_VISITOR_H
#include <stdint.h>
#include "db.h"

enum {
    VISITOR_ID_BYTES = 16,
    VISITOR_COOKIE_SIZE = 65,   /* 64 base64url characters + NUL */
    VISITOR_HASH_BYTES = 32
};

/* Load the cookie key from settings `cookie_secret` (hex), creating it on
 * first start.  Call once at start-up, before serving.  0, or -1 on a
 * database error or a malformed stored secret (logged). */
int visitor_init(Db *db);

/* New cookie value (NUL-terminated) in out; the random id is written to
 * id when id is not NULL.  0, or -1 before visitor_init. */
int visitor_cookie_new(char out[VISITOR_COOKIE_SIZE], uint8_t id[VISITOR_ID_BYTES]);

/* Check a cookie value received from a browser; on success copy its id
 * into id.  0 valid; -1 malformed, tampered, NULL, or before visitor_init. */
int visitor_cookie_verify(const char *value, uint8_t id[VISITOR_ID_BYTES]);

/* Keyed BLAKE2b of (ip, user_agent) under the secret of the local day
 * containing now (a request's r->now).  Stable within a Vietnam day,
 * unrelated across days.  NULL user_agent hashes as "".  0, or -1 when ip
 * is NULL or libsodium fails. */
int visitor_day_hash(const char *ip, const char *user_agent, int64_t now,
                     uint8_t out[VISITOR_HASH_BYTES]);

/* Keyed hash of the client's network under the same daily secret: the /24
 * of an IPv4 address (also IPv4-mapped IPv6), the /48 of an IPv6 address,
 * for per-network caps (comments, captcha requests).  0, or -1 when ip is
 * not a numeric address. */
/* The day's keyed hash of (what, value), e.g. ("login-ip", address):
 * a key for counters that several nodes share (shared.h).  0 or -1. */
int visitor_keyed_hash(const char *what, const char *value, int64_t now, uint8_t out[VISITOR_HASH_BYTES]);
int visitor_net_hash(const char *ip, int64_t now, uint8_t out[VISITOR_HASH_BYTES]);

/* Public form token for anonymous visitors' POST forms (ratings, comments,
 * votes): hex HMAC of the local day number under the cookie key, the same
 * for every visitor that day, so pages that carry it stay cacheable.  With
 * the same-origin check it stops cross-site form posts; abuse by scripts is
 * handled by caps and the verification code, not by this token.
 * days_ago 0 = today, 1 = yesterday (accepted too, around midnight).
 * 0, or -1 before visitor_init. */
int visitor_public_token(int64_t now, int days_ago, char out[33]);

/* Wipe the keys (shutdown, tests).  visitor_init must be called again
 * before cookies can be made. */
void visitor_reset(void);

#endif
