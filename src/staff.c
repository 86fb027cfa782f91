/* staff.c - roles and council scope (see staff.h). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "council.h"
#include "staff.h"
#include "unit.h"

int role_allows(int user_role, int route_role)
{
    if (route_role == ROLE_NONE) return 1;
    if (user_role == ROLE_NONE) return 0;
    /* An agency's account and the council staff never share a route. */
    if (user_role == ROLE_AGENCY || route_role == ROLE_AGENCY) return user_role == route_role;
    if (route_role == ROLE_REVIEWER) return 1;          /* any staff role */
    if (user_role == ROLE_REVIEWER) return 0;           /* reads council work only */
    return user_role >= route_role;
}

int staff_portal(const User *u)
{
    return u && u->council_id == 0 && u->role != ROLE_REVIEWER && u->role != ROLE_AGENCY;
}

/* Councils nest at most province > district > commune; a longer chain is
 * bad data, and the walk stops instead of looping on a cycle. */
enum { MAX_DEPTH = 8 };

int staff_scope(Db *db, const User *u, int64_t council_id)
{
    if (!u || council_id <= 0 || u->role == ROLE_MODERATOR || u->role == ROLE_NONE || u->role == ROLE_AGENCY)
        return STAFF_NONE;
    int power = u->role == ROLE_REVIEWER ? STAFF_READ : STAFF_WRITE;
    if (u->council_id == 0) return power;
    int64_t c = council_id;
    for (int depth = 0; depth < MAX_DEPTH && c > 0; depth++) {
        if (c == u->council_id) return power;
        Stmt *st = db_prepare(db, "SELECT COALESCE(parent_id, 0) FROM councils WHERE id = ?1");
        if (!st) return -1;
        db_bind_int(st, 1, c);
        int rc = db_step(st);
        c = rc == DB_ROW ? db_col_int(st, 0) : 0;
        db_done(st);
        if (rc != DB_ROW && rc != DB_DONE) return -1;
    }
    return STAFF_NONE;
}

int64_t staff_council_arg(const char *s)
{
    if (!s || !*s || strlen(s) > 18) return 0;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return 0;
    if (*s == '0') return 0;
    return strtoll(s, NULL, 10);
}

int64_t staff_council_find(Db *db, const char *id_or_slug, int64_t day)
{
    int64_t id = staff_council_arg(id_or_slug);
    if (id > 0) return db_int(db, 0, "SELECT id FROM councils WHERE id = ?1", "l", id);
    Arena *a = arena_new();
    Unit u;
    int rc = unit_by_slug(db, a, id_or_slug, day, &u);
    int64_t c = rc == 1 ? council_of_unit(db, u.id, day) : rc < 0 ? -1 : 0;
    arena_free(a);
    return c;
}
