/* supervision.h - supervisions (giám sát) and the recommendations they
 * issue, followed to closure (issue 10 item 4; docs/SUPERVISION.md).
 *
 * A supervision belongs to a council (optionally carried out by one of its
 * bodies, a Ban): kind thematic | survey | hearing | questioning, subject,
 * targets, dates, findings, and a status that only moves forward:
 *
 *   planned -> in_field -> reported (needs findings) -> follow_up
 *
 * A recommendation (kiến nghị giám sát) is issued, in a supervision that
 * has reported, to one agency of the same council, with a deadline on or
 * after the day it was issued.  Its life (domain.md §9):
 *
 *   issued -> acknowledged -> in_progress -> done | partially_done
 *   partially_done -> in_progress | done        (work goes on)
 *   done | partially_done -> verified            (a re-check that confirms)
 *   done | partially_done -> in_progress         (a re-check that does not)
 *
 * "overdue" is never stored: a recommendation is overdue on a day when its
 * deadline (the last day) has passed and it is still issued, acknowledged
 * or in progress (supervision_rec_overdue).  Pages show it in place of
 * the status, with the label of status_labels ('recommendation',
 * 'overdue') = "Quá hạn", so a late one reads as late wherever it appears;
 * the stored status stays what the agency last reported.
 *
 * "verified" is reached only through supervision_rec_check, which records
 * the re-check (re-supervision or follow-up questioning, tái chất vấn: its
 * day and result) in the same transaction; a check that does not confirm
 * sends the recommendation back to in_progress.  Every status change
 * writes a recommendation_events row (who, when, note) in the same
 * transaction.  An agency's account (ROLE_AGENCY) may only acknowledge,
 * report in_progress, done or partially_done, and only on its own
 * recommendations.
 *
 * Two people changing the same recommendation: writers take the revision
 * the page was loaded with and refuse with -2 (and a message naming who
 * changed it and when) when it has moved; the UPDATE is guarded by
 * `WHERE revision = ?` as well.
 *
 * Writers validate, write in one transaction (or the caller's: wtx.h) and
 * return 0, or -1 with a Vietnamese reason in err and nothing written. */
#ifndef HD_SUPERVISION_H
#define HD_SUPERVISION_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "http.h"

enum { SUPERVISION_TEXT_MAX = 20000, SUPERVISION_SUBJECT_MAX = 500 };

typedef struct SupervisionIn {
    int64_t council_id;
    int64_t body_id;            /* a body of one of the council's terms, 0 = none */
    const char *kind;           /* "thematic" | "survey" | "hearing" | "questioning" */
    const char *subject, *targets, *findings;
    int64_t starts_on, ends_on; /* days (00:00 Vietnam time), ends_on >= starts_on */
    int is_sample;
} SupervisionIn;

int supervision_create(Db *db, const SupervisionIn *in, const User *by, int64_t now, int64_t *id, char *err,
                       size_t errlen);
/* Move a supervision forward to status; findings (NULL = keep) replace the
 * stored ones first, and "reported" needs them. */
int supervision_set_status(Db *db, int64_t id, const char *status, const char *findings, const User *by, int64_t now,
                           char *err, size_t errlen);

typedef struct RecommendationIn {
    int64_t supervision_id, agency_id;
    const char *text;
    int64_t issued_on, deadline; /* days; deadline >= issued_on */
    int is_sample;
} RecommendationIn;
int supervision_rec_add(Db *db, const RecommendationIn *in, const User *by, int64_t now, int64_t *id, char *err,
                        size_t errlen);

/* Change a recommendation's status (not to "verified": see below).  note:
 * what was done, required for done and partially_done.  expect_revision:
 * the revision the form was loaded with (0 = do not check).  -2 when it
 * moved since. */
int supervision_rec_set_status(Db *db, int64_t id, const char *status, const char *note, int64_t expect_revision,
                               const User *by, int64_t now, char *err, size_t errlen);
/* Record a re-check of a done or partially done recommendation: method
 * "resupervision" | "follow_up_question", the day it took place (not after
 * today, not before the recommendation was issued), its result; confirmed
 * -> verified, else back to in_progress.  Revision as above (-2). */
int supervision_rec_check(Db *db, int64_t id, const char *method, int64_t on_day, const char *result, int confirmed,
                          int64_t expect_revision, const User *by, int64_t now, char *err, size_t errlen);

/* 1 when a recommendation with this stored status and deadline is overdue
 * on day (a day start): deadline < day and still issued, acknowledged or
 * in progress. */
int supervision_rec_overdue(const char *status, int64_t deadline, int64_t day);
/* The status to show: "overdue" when overdue on day, else status. */
const char *supervision_rec_shown(const char *status, int64_t deadline, int64_t day);
/* 1 when an account of this role may move a recommendation from `from` to
 * `to` with supervision_rec_set_status. */
int supervision_rec_may(int role, const char *from, const char *to);

/* One recommendation with what the pages need. */
typedef struct Recommendation {
    int64_t id, supervision_id, council_id, agency_id;
    int64_t issued_on, deadline, revision;
    int64_t position;           /* its number within the supervision (1, 2, ...) */
    const char *text, *status, *agency;
    int overdue;                /* on the day given to supervision_rec_get */
} Recommendation;
/* 1 found, 0 no such id, -1 database error.  Strings in a. */
int supervision_rec_get(Db *db, Arena *a, int64_t id, int64_t day, Recommendation *out);

/* Labels ("Kế hoạch", "Quá hạn", ...; status_labels) and kinds. */
const char *supervision_kind_label(const char *kind);
#endif
