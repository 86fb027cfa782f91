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
/* Create a user; 0 or -1 with *err. role: "admin" | "editor" | "moderator" |
 * "reviewer"; council_id: the council whose office the account works for,
 * 0 = the portal owner's office (staff.h). */
int auth_user_add(Db *db, const char *username, const char *display, const char *role,
                  int64_t council_id, const char *password, int64_t now, const char **err);
/* An answering agency's account (role 'agency', issue 10): it works for
 * the agency's council and sees only what is forwarded to agency_id. */
int auth_agency_user_add(Db *db, const char *username, const char *display, int64_t agency_id,
                         const char *password, int64_t now, const char **err);
int auth_role_from_name(const char *role);  /* enum Role, or -1 */

/* --- Added by the accounts engineer (auth.c) --- */
/* Sign in with throttling: checks the per-address and per-name limits,
 * verifies the password (always spending the hashing time), and on
 * success starts a fresh session (cookie set, r->user and r->csrf filled)
 * and writes the audit log.  *wait_minutes is set when throttled. */
enum { AUTH_LOGIN_ERROR = -1, AUTH_LOGIN_OK = 0, AUTH_LOGIN_BAD = 1, AUTH_LOGIN_THROTTLED = 2 };
int auth_login(Req *r, const char *username, const char *password, int *wait_minutes);
/* End the current session (row deleted, cookie cleared). */
void auth_logout(Req *r);
/* Set a user's password (rules checked) and end all their sessions. 0 or -1 with *err. */
int auth_user_set_password(Db *db, int64_t user_id, const char *password, const char **err);
int auth_username_valid(const char *s);           /* [a-z0-9._-]{3,32} */
const char *auth_role_name(int role);             /* "admin" ..., "" if unknown */
const char *auth_role_label(int role);            /* "Quản trị viên" ..., "" if unknown */
/* nbytes (<= 64) random bytes as lowercase hex into out (2*nbytes+1 bytes). */
void auth_random_hex(char *out, size_t nbytes);
/* Constant-time equality of two tokens; 0 when either is NULL or a is empty. */
int auth_token_equal(const char *a, const char *b);
#endif
