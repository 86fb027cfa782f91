/* council.h - councils (HĐND), their terms, bodies, delegates and dated
 * memberships (issue 8, items 2-3; docs/COUNCILS.md).
 *
 * A council is a row of `councils` (migration 1, evolved in 8): one
 * unit's council for one period; its id is the "council unit" that staff
 * roles will hold.  A unit may have no council in a period (Hanoi's wards
 * 1/7/2021 - 30/6/2025).  Under a council: numbered terms (khóa) with
 * dates and seats; under a term: bodies (Thường trực, Ban, Tổ đại biểu,
 * Văn phòng; the list is data), constituencies and delegates; a delegate
 * has dated modes (full-time / part-time), dated memberships (a position,
 * from the data vocabulary council_positions, in a body) and dated changes
 * with the deciding document.  Nothing is overwritten: a period is ended
 * and another started.
 *
 * Every writer validates first and writes in one transaction (or inside
 * the caller's, when one is open); on a refusal it returns -1 with a
 * Vietnamese message in err and writes nothing.  Dates: unix seconds of
 * 00:00 Vietnam time; `to` 0 = open; periods are half-open [from, to). */
#ifndef HD_COUNCIL_H
#define HD_COUNCIL_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* The council of unit_id on day (0 when none, -1 on a database error). */
int64_t council_of_unit(Db *db, int64_t unit_id, int64_t day);
/* Create the council of a unit for [from, to) unless it exists (same unit
 * and start); refuses a period outside the unit's or overlapping another
 * council of the unit.  *id set. */
int council_add(Db *db, int64_t unit_id, int64_t from, int64_t to, int64_t *id, char *err, size_t errlen);

int council_term_add(Db *db, int64_t council_id, int number, const char *label, int64_t from,
                     int64_t to, int seats, int sample, int64_t *id, char *err, size_t errlen);
/* kind: standing, committee, group, office; the body lives as long as the term. */
int council_body_add(Db *db, int64_t term_id, const char *kind, const char *name, const char *field,
                     int position, int sample, int64_t *id, char *err, size_t errlen);
int council_constituency_add(Db *db, int64_t term_id, int number, const char *name, int seats,
                             const char *area, int sample, int64_t *id, char *err, size_t errlen);
/* A delegate of a term from `from` (elected, or by_election mid-term):
 * person by name (a new person row), constituency_id 0 = none. */
int council_delegate_add(Db *db, int64_t term_id, const char *full_name, int64_t constituency_id,
                         int64_t from, int64_t to, int full_time, const char *how,
                         const char *document, int sample, int64_t *id, char *err, size_t errlen);
/* From day on, full_time (1) or part-time (0). */
int council_delegate_mode(Db *db, int64_t delegate_id, int full_time, int64_t day,
                          const char *document, char *err, size_t errlen);
/* A position (council_positions.code) in a body for [from, to). */
int council_membership_add(Db *db, int64_t delegate_id, int64_t body_id, const char *position,
                           int64_t from, int64_t to, const char *document, int sample, int64_t *id,
                           char *err, size_t errlen);
/* End a delegate's mandate on day (how: relieved, recalled, resigned,
 * ended) with its open memberships and mode. */
int council_delegate_end(Db *db, int64_t delegate_id, int64_t day, const char *how,
                         const char *document, char *err, size_t errlen);
/* End an open membership on day (the first day it no longer holds). */
int council_membership_end(Db *db, int64_t membership_id, int64_t day, char *err, size_t errlen);

#endif
