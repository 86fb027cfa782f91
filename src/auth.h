/* auth.h - staff accounts, passwords, sessions and CSRF.
 * Passwords: NFC-normalised, then Argon2id (libsodium crypto_pwhash_str,
 * OPSLIMIT_MODERATE/MEMLIMIT_INTERACTIVE or stronger, >= OWASP minimum).
 * Sessions: 128-bit random token in a cookie, stored as its SHA-256 hash;
 * idle expiry 30 min, absolute 12 h.  CSRF token per session. */
#ifndef HD_AUTH_H
#define HD_AUTH_H
#include <stdint.h>
#include "http.h"

/* Called by the server for every request before the handler: reads the
 * session cookie, sets r->user and r->csrf (or leaves NULL / ""). 0 or -1 on db error. */
int auth_load(Req *r);
/* Called for POST/PUT/DELETE before the handler of a route without
 * ROUTE_NO_CSRF: checks Origin/Referer same-origin and the "csrf" form
 * field (or X-CSRF-Token header) against the session's.  1 ok, 0 refuse (403). */
int auth_check_csrf(Req *r);
/* Password hashing (also used by the `user` subcommand). Returns 0 or -1. */
int auth_hash_password(const char *password, char out[128]);
int auth_verify_password(const char *hash, const char *password);   /* 1 match */
/* Refuse weak passwords: < 10 chars, common (built-in list), equal to user name.
 * Returns NULL if fine, else a Vietnamese reason. */
const char *auth_password_problem(const char *username, const char *password);
/* Create a user; 0 or -1 with *err. role: "admin" | "editor" | "moderator". */
int auth_user_add(Db *db, const char *username, const char *display, const char *role,
                  const char *password, int64_t now, const char **err);
int auth_role_from_name(const char *role);  /* enum Role, or -1 */
#endif
