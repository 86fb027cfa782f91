/* emulation.h - the annual emulation ranking (thi đua khen thưởng) of the
 * councils below an organiser (issue 9 item 4; docs/EMULATION.md).
 *
 * A round has criteria, each worth `points` and scored by a rule:
 *   report_on_time   the council's report in the round's campaign:
 *                    accepted and first submitted by the deadline = all the
 *                    points, accepted but late = half, otherwise none;
 *   report_ratio     field_a / field_b of the accepted report, capped at 1
 *                    (e.g. petitions answered / petitions received);
 *   report_relative  field_a against the best council's field_a;
 *   task_progress    the mean progress of the leaf tasks the council owns;
 *   manual           a score given by the organiser's staff, with a reason.
 * A figure the rule needs but cannot find scores 0 and is marked missing
 * (shown and counted, never silently treated as data).  Ranking: by total,
 * equal totals (to 0,01 point) share a rank (1, 2, 2, 4), listed by name.
 * Approval freezes the computed table (emulation_results) and publishes it. */
#ifndef HD_EMULATION_H
#define HD_EMULATION_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

typedef struct EmuCriterion {
    int64_t id;
    const char *label, *rule, *field_a, *field_b;
    double points;
} EmuCriterion;

typedef struct EmuRow {
    int64_t council_id;
    const char *name;
    double *score;            /* points earned per criterion */
    int *missing;             /* per criterion: the figure was not there */
    const char **why;         /* per criterion: a manual score's reason, or "" */
    double total;
    int rank, nmissing;
} EmuRow;

typedef struct EmuTable {
    int64_t round_id, council_id, campaign_id;
    int year, approved;
    const char *title, *approved_by;
    int64_t approved_at;
    int ncrit, nrows;
    EmuCriterion *crit;
    EmuRow *rows;             /* in rank order */
} EmuTable;

int emu_round_add(Db *db, int64_t council_id, int year, const char *title, int64_t campaign_id, int sample,
                  int64_t *id, char *err, size_t errlen);
int emu_criterion_add(Db *db, int64_t round_id, int position, const char *label, double points, const char *rule,
                      const char *field_a, const char *field_b, char *err, size_t errlen);
/* A manual score (0..points) with its reason, for a council of the round. */
int emu_manual_set(Db *db, int64_t criterion_id, int64_t council_id, double score, const char *reason,
                   const char *user, int64_t now, char *err, size_t errlen);
/* The table: live while the round is open, the frozen one once approved.
 * 0, or -1 on a database error / no such round. */
int emu_table(Db *db, Arena *a, int64_t round_id, int64_t today, EmuTable *t);
/* Compute, freeze and publish. */
int emu_approve(Db *db, int64_t round_id, const char *user, int64_t now, char *err, size_t errlen);

#endif
