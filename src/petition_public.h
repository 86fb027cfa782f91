/* petition_public.h - what the public may read about voters' petitions
 * (issue 10 item 3; docs/PETITIONS-PUBLIC.md): the lookup by tracking
 * code, the list of answered and published petitions with its filters and
 * its diacritic-insensitive search, the places a citizen may address an
 * online petition to, and the type check of the attachment a citizen
 * sends with it.
 *
 * What these readers never return: the sender's name and contact (they
 * are not even selected), the tracking code of any petition but the one
 * looked up (the list shows none: a code is the key to its petition),
 * the sender's attachment, and, unless the answer is published
 * (published = 1), the answer's text, kind, roadmap date and documents: an answered but unpublished petition shows
 * the neutral status PETITION_PUBLIC_PENDING_LABEL instead of a label that
 * would give its kind away.
 *
 * All strings returned live in the caller's arena. */
#ifndef HD_PETITION_PUBLIC_H
#define HD_PETITION_PUBLIC_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

#define PETITION_PUBLIC_PENDING_LABEL "Đã có kết quả trả lời, đang chờ công bố"
enum { PETITION_PUBLIC_MAX_WORDS = 6,     /* search words used (the rest ignored) */
       PETITION_PUBLIC_QUERY_MAX = 200 }; /* bytes of a search query */

/* A document of a published answer (petition_files kind 'answer'). */
typedef struct PetitionDoc { int64_t file_id, size; const char *name, *mime; } PetitionDoc;

typedef struct PetitionPublic {
    int64_t id;
    const char *text;            /* the petition's text */
    const char *status;          /* status code (petition.h) */
    const char *status_label;    /* as the public sees it (masked when unpublished) */
    const char *field;           /* field label, "" when not classified */
    const char *unit;            /* the ward or commune concerned, "" none */
    const char *council;         /* the council it was addressed to */
    const char *agency;          /* the agency it was forwarded to, "" none */
    const char *session;         /* "Kỳ họp thứ 5 (chuyên đề)", "" none */
    int64_t received_on, forwarded_on, deadline, answered_on, reported_on;
    int answer_shown;            /* 1: answered and published: the three below are set */
    const char *answer_kind, *answer_label, *answer_text;
    int64_t roadmap_due;         /* scheduled answers, when shown; else 0 */
    int overdue, carried_over, re_raised;
    int merged;                  /* lookup: the code's petition was merged into this one */
    PetitionDoc *docs;           /* the answer's documents, only when answer_shown */
    size_t ndocs;
} PetitionPublic;

/* The petition with this tracking code (as typed: petition_code_normalise
 * is applied), followed through merges to the one it was merged into, as
 * of day (for the overdue flag).  1 found, 0 none (unknown or malformed:
 * the same work is done for both), -1 database error. */
int petition_public_lookup(Db *db, Arena *a, const char *code, int64_t day, PetitionPublic *out);

typedef struct PetitionFilter {
    const char *field;           /* petition_fields.code, NULL/"" = all */
    int64_t unit_id;             /* 0 = all */
    int64_t session_id;          /* 0 = all */
    const char *q;               /* search text as typed, NULL/"" = none */
    int64_t limit, offset;
} PetitionFilter;

/* Answered and published petitions matching f, newest answer first, and
 * how many match in all.  The search folds q (vn_fold_a: no diacritics,
 * đ -> d, lower case) and requires every word (up to
 * PETITION_PUBLIC_MAX_WORDS) as a substring of text_fold; % and _ in q
 * are literal.  0, or -1 on a database error. */
int petition_public_list(Db *db, Arena *a, const PetitionFilter *f, int64_t day, PetitionPublic **out,
                         size_t *n, int64_t *total);

/* The answer document file_id of petition_id, only when that petition's
 * answer is published and the file is one of its 'answer' files (never
 * the sender's attachment): 1 (sha256, mime, name set), 0 not, -1 error. */
int petition_public_answer_file(Db *db, Arena *a, int64_t petition_id, int64_t file_id, const char **sha256,
                                const char **mime, const char **name);

/* The LIKE pattern for one folded word: "%word%" with \, % and _ escaped
 * by a backslash (the queries say ESCAPE '\').  Arena string. */
char *petition_public_like(Arena *a, const char *word);

/* A choice for a filter or the form's select: id or code, label. */
typedef struct PetitionOption { int64_t id; const char *code, *label; } PetitionOption;
/* Fields (active, in their order), units and sessions that published
 * petitions mention.  0 or -1. */
int petition_public_fields(Db *db, Arena *a, PetitionOption **out, size_t *n);
int petition_public_units_used(Db *db, Arena *a, PetitionOption **out, size_t *n);
int petition_public_sessions_used(Db *db, Arena *a, PetitionOption **out, size_t *n);

/* Where an online petition may go on day: the top council (the city) and
 * the commune-level units under its unit, by name.  *city_id / *city_name
 * describe the top council (0 / NULL when there is none).  0 or -1. */
int petition_public_places(Db *db, Arena *a, int64_t day, int64_t *city_id, const char **city_name,
                           PetitionOption **out, size_t *n);
/* The council an online petition about unit_id goes to on day: the
 * commune's council, or the top council when unit_id is 0 (the city level)
 * or the commune has no council then.  *council_id set; 0, or -1 when
 * unit_id is not one of petition_public_places' units (or on an error). */
int petition_public_route(Db *db, int64_t unit_id, int64_t day, int64_t *council_id);

/* The type of the file at path decided from its bytes (libmagic), for the
 * citizen's attachment: "application/pdf", "image/jpeg" or "image/png",
 * or NULL for anything else (and when the bytes cannot be read). */
const char *petition_public_file_type(const char *path);

#endif
