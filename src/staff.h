/* staff.h - who may do what, on which council (issue 8 item 5;
 * docs/COUNCILS.md "Staff and scope").
 *
 * Every account works for one council's office (users.council_id; 0 = the
 * portal owner's office, the top council).  Its scope is that council and
 * every council below it (councils.parent_id), so the top office's staff
 * reach all councils and a commune's office only its own.  Within the
 * scope: admin and editor write, reviewer reads, moderator (the portal's
 * comment moderation) has no council work.  Portal administration (articles,
 * comments, accounts) belongs to the top office alone.
 * The server applies these rules to every route before the handler runs
 * (http_server.c check_access); pages use them only to show or hide. */
#ifndef HD_STAFF_H
#define HD_STAFF_H
#include <stdint.h>
#include "db.h"
#include "http.h"

enum { STAFF_NONE = 0, STAFF_READ = 1, STAFF_WRITE = 2 };

/* A route's minimum role against an account's role (enum Role). */
int role_allows(int user_role, int route_role);
/* 1 when u may pass the portal's administration routes (articles, comments, accounts). */
int staff_portal(const User *u);
/* u's scope on council_id: STAFF_NONE / READ / WRITE, -1 on a database error. */
int staff_scope(Db *db, const User *u, int64_t council_id);
/* A council named by its id or by its unit's slug (the council of that
 * unit on day).  0 when none, -1 on a database error. */
int64_t staff_council_find(Db *db, const char *id_or_slug, int64_t day);
/* Parse a decimal council id; 0 when s is not one. */
int64_t staff_council_arg(const char *s);

#endif
