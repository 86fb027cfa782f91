/* petition_report.h - what the Standing Committee reads before a session
 * (issue 10 item 5; docs/PETITIONS.md "The pre-session report").
 *
 * For a council and the session petitions were sent to ("kiến nghị cử tri
 * gửi tới kỳ họp thứ N", reported at the session after it), counted over
 * the petitions of that council with that session, merged duplicates left
 * out (the one kept stands for them; `merged` counts them):
 *   received       every petition
 *   forwarded      forwarded to an agency (forwarded_on set)
 *   not_forwarded  received or classified, not yet forwarded
 *   answered       an answer recorded; on_time when answered_on <= deadline, late otherwise
 *   open_in_time   forwarded / in progress, deadline not passed on `today`
 *   open_overdue   forwarded / in progress, deadline passed on `today`
 *   carried_over   carried over into this session from an earlier one
 *   re_raised      raised again by voters after an answer
 *   reported       results announced back to voters
 *   by kind        resolved / explained / scheduled / not resolvable
 *   median_days    median of (answered_on - forwarded_on) in days over the
 *                  answered ones (the mean of the two middle values for an
 *                  even count); has_median 0 when none is answered
 * The same counts per field and per agency, and the recommendations of the
 * council's supervisions: total, open, overdue (open past the deadline),
 * done or partially done, verified. */
#ifndef HD_PETITION_REPORT_H
#define HD_PETITION_REPORT_H
#include <stdint.h>
#include "arena.h"
#include "db.h"

typedef struct PetitionCounts {
    int64_t received, forwarded, not_forwarded, answered, on_time, late, open_in_time, open_overdue;
    int64_t carried_over, re_raised, reported, kind[4];   /* resolved, answered_explained, scheduled, not_resolvable */
    double median_days;
    int has_median;
} PetitionCounts;

typedef struct PetitionGroup {
    const char *label;
    PetitionCounts c;
} PetitionGroup;

typedef struct PetitionReport {
    const char *council, *session;   /* names for the heading */
    int64_t session_start;
    PetitionCounts total;
    int64_t merged;
    PetitionGroup *by_field, *by_agency;
    int nfield, nagency;
    int64_t rec_total, rec_open, rec_overdue, rec_done, rec_verified;
} PetitionReport;

/* Compute the report.  0, -1 on a database error, 1 when the session is not
 * one of the council's. */
int petition_report(Db *db, Arena *a, int64_t council_id, int64_t session_id, int64_t today, PetitionReport *out);
#endif
