/* petition.h - voters' petitions (ý kiến, kiến nghị cử tri) followed to
 * their answer (issue 10; docs/PETITIONS.md).
 *
 * Life of a petition (statuses from ../shared/docs/domain.md §9; their
 * Vietnamese labels are rows of status_labels):
 *
 *   received -> classified (field, competent level, agency)
 *            -> forwarded (agency, forwarding day, deadline >= that day)
 *            -> in_progress (the agency took it up)
 *            -> resolved | answered_explained | scheduled (roadmap date)
 *               | not_resolvable            (the answer: once, never twice)
 *            -> reported_to_voters
 *   any open status -> merged (a duplicate: merged_into names the one kept,
 *                      which inherits every voter meeting that raised it)
 *
 * Flags: overdue (forwarded or in progress and the deadline has passed:
 * computed from the day, never stored), carried_over (to the next session,
 * set by petition_carry_over), re_raised (voters raised it again after it
 * was answered).  Every step writes a petition_events row (who, when,
 * what) in the same transaction as the change.
 *
 * Personal data: sender_name and sender_contact are only for the staff of
 * the council the petition belongs to (petition_may_see_person), never in
 * exports or public pages, and petition_erase blanks them (Decree
 * 13/2023), leaving an event that says it happened without repeating
 * them.  text_fold (the search key) is built from the text only.
 *
 * Writers validate, write in one transaction (or the caller's: wtx.h) and
 * return 0, or -1 with a Vietnamese reason in err and nothing written. */
#ifndef HD_PETITION_H
#define HD_PETITION_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"
#include "http.h"

/* Tracking code: "KN-" and four groups of four characters from Crockford's
 * base32 alphabet (no I, L, O, U): 80 random bits from libsodium, so a
 * code cannot be guessed or enumerated (at a million lookups a day it
 * takes ~10^18 years to hit one of a million codes by chance). */
enum { PETITION_CODE_SIZE = 23 };   /* "KN-XXXX-XXXX-XXXX-XXXX" + NUL */
enum { PETITION_TEXT_MAX = 5000, PETITION_ANSWER_MAX = 20000 };

typedef struct PetitionIn {
    int64_t council_id;         /* the council whose office receives it */
    const char *text;
    const char *field_code;     /* petition_fields.code, or NULL / "" (classified later) */
    const char *place;          /* the place concerned, free text */
    int64_t unit_id;            /* the ward or commune concerned, 0 = none */
    const char *channel;        /* "meeting" | "online" | "letter" | "front" */
    int64_t meeting_id;         /* channel "meeting": the voter meeting that raised it */
    int64_t session_id;         /* the session it is reported at, 0 = not yet known */
    int64_t received_on;        /* day (00:00 Vietnam time) */
    const char *sender_name;    /* personal data, NULL or "" when none */
    const char *sender_contact;
    int is_sample;
} PetitionIn;

/* Generate a fresh tracking code into code (see above). */
void petition_new_code(char code[PETITION_CODE_SIZE]);
/* Normalise what a citizen typed ("kn 7f3k-..." lower case, spaces, no
 * dashes) into the stored form; 0, or -1 when it cannot be a code. */
int petition_code_normalise(const char *in, char code[PETITION_CODE_SIZE]);

/* Record a petition.  *id and code (when given) receive the new row's. */
int petition_create(Db *db, const PetitionIn *in, const User *by, int64_t now, int64_t *id,
                    char code[PETITION_CODE_SIZE], char *err, size_t errlen);

/* Append one audit-trail row (inside the caller's transaction). */
int petition_event(Db *db, int64_t petition_id, int64_t now, const char *action, const char *status,
                   const char *note, const User *by);

/* The label of a status ("petition", "recommendation", "supervision",
 * "petition_flag"); the code itself when no label is set. */
const char *status_label(Db *db, Arena *a, const char *domain, const char *code);

/* Writers of the workflow (petition.c). */
int petition_classify(Db *db, int64_t id, const char *field_code, const char *level, int64_t agency_id,
                      const User *by, int64_t now, char *err, size_t errlen);
int petition_forward(Db *db, int64_t id, int64_t agency_id, int64_t forwarded_on, int64_t deadline,
                     const User *by, int64_t now, char *err, size_t errlen);
/* The agency takes it up (forwarded -> in_progress). */
int petition_take_up(Db *db, int64_t id, const User *by, int64_t now, char *err, size_t errlen);
/* The answer: kind "resolved" | "answered_explained" | "scheduled" (needs
 * roadmap_due) | "not_resolvable".  expect_revision (0 = do not check)
 * refuses a second answer typed over a stale page; a petition already
 * answered is refused whatever the revision. */
int petition_answer(Db *db, int64_t id, const char *kind, const char *text, int64_t roadmap_due,
                    int64_t answered_on, int expect_revision, const User *by, int64_t now,
                    char *err, size_t errlen);
/* Attach an answer document (a files row already stored). */
int petition_add_file(Db *db, int64_t id, int64_t file_id, const char *name, const char *kind);
int petition_publish(Db *db, int64_t id, int published, const User *by, int64_t now, char *err, size_t errlen);
int petition_report_to_voters(Db *db, int64_t id, int64_t day, const User *by, int64_t now, char *err,
                              size_t errlen);
/* dup into keep: dup becomes "merged", keep gains dup's voter meetings. */
int petition_merge(Db *db, int64_t dup, int64_t keep, const User *by, int64_t now, char *err, size_t errlen);
int petition_carry_over(Db *db, int64_t id, int64_t next_session_id, const User *by, int64_t now, char *err,
                        size_t errlen);
int petition_mark_re_raised(Db *db, int64_t id, int64_t meeting_id, const User *by, int64_t now, char *err,
                            size_t errlen);
/* Blank the sender's name and contact (Decree 13/2023): on request, or by
 * the retention sweep.  Idempotent. */
int petition_erase(Db *db, int64_t id, const char *why, const User *by, int64_t now, char *err, size_t errlen);
/* Erase the personal data of every petition answered (or merged) more than
 * days ago.  Returns how many were erased, or -1. */
int64_t petition_retention_sweep(Db *db, int64_t now, int days);

/* 1 when u may see the sender's name and contact of a petition of
 * council_id: an editor or admin of that very council's office (the
 * portal owner's office is the top council's).  Reviewers of the level
 * above and agencies never see them. */
int petition_may_see_person(Db *db, const User *u, int64_t council_id);
/* 1 when the petition is overdue on day (forwarded / in progress, deadline passed). */
int petition_overdue(const char *status, int64_t deadline, int64_t day);

/* Voter meetings. */
typedef struct MeetingIn {
    int64_t council_id, body_id, delegate_id, session_id, unit_id;
    const char *timing;          /* "before" | "after" | "other" */
    int64_t held_on;
    const char *place, *co_organisers, *notes;
    int64_t attendance;          /* -1 = not known */
    const int64_t *delegates;    /* delegates present */
    int ndelegates;
    int is_sample;
} MeetingIn;
int meeting_create(Db *db, const MeetingIn *in, const User *by, int64_t now, int64_t *id, char *err, size_t errlen);

/* Agencies and sessions (data kept by a council's office). */
int agency_create(Db *db, int64_t council_id, const char *name, const char *level, int is_sample, int64_t *id,
                  char *err, size_t errlen);
int session_create(Db *db, int64_t council_id, int64_t term_id, int number, const char *kind, const char *title,
                   int64_t starts_on, int64_t ends_on, int is_sample, int64_t *id, char *err, size_t errlen);

#endif
