/* programme.h - programmes (Đề án, kế hoạch) carried out as trees of tasks
 * with dated progress, and the roll-up of that progress (issue 9 items
 * 1-2; docs/PROGRAMMES.md).
 *
 * A programme is kept by one council's office (programmes.council_id).
 * Its goals are text; its tasks nest to any depth.  Progress is recorded
 * on leaves only (a percentage, a measured value against a number target,
 * or done / not done); a parent's progress is computed here, never
 * stored: the weighted mean of its children, weights normalised among
 * siblings, a missing weight counting as the mean of the weights given
 * among those siblings (so as an ordinary share, never zero and never a
 * sum); all missing = equal shares.
 *
 * Flags, for any node on the day asked: late = its due day has passed and
 * it is not at 100 %; at risk = not late, started, and more than
 * PROG_RISK_POINTS percentage points behind the straight line from its
 * start (0 %) to the end of its due day (100 %).
 *
 * Writers validate first and write in one transaction (or inside the
 * caller's); on a refusal they return -1 with a Vietnamese reason in err
 * and write nothing.  Days: unix seconds of 00:00 Vietnam time; due_on is
 * the last day (inclusive). */
#ifndef HD_PROGRAMME_H
#define HD_PROGRAMME_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

#define PROG_RISK_POINTS 20.0

enum { PT_PERCENT = 0, PT_NUMBER = 1, PT_DONE = 2 };

/* One node of a loaded tree.  The loader fills the inputs; prog_rollup
 * fills the outputs. */
typedef struct ProgNode {
    /* inputs */
    int64_t id;
    int parent;               /* index of the parent, -1 for a top-level node */
    double weight;            /* > 0 as given, 0 = not given */
    int64_t starts_on, due_on;
    int has_own;              /* a leaf with at least one update on or before the day */
    double own;               /* that update as a percentage 0..100 */
    /* outputs */
    int depth;
    int nchildren;
    int first_child, next_sibling;   /* -1 = none; children keep the input order */
    double eff_weight;        /* the weight used (given, or the siblings' mean, or 1) */
    double share;             /* eff_weight normalised among siblings, 0..1 */
    double progress;          /* 0..100 */
    double expected;          /* the straight line on the day, 0..100 */
    int late, at_risk;
    int weight_implied;       /* 1 when eff_weight was not given */
} ProgNode;

/* Compute depth, children, shares, progress and flags for nodes[0..n) on
 * `today`.  *total: the programme's progress (its top-level nodes under
 * the same rule).  -1 when the parents do not form a tree (a cycle). */
int prog_rollup(ProgNode *nodes, int n, int64_t today, double *total);

/* A programme's tree as of `day`, with what the pages show.  nodes[i]
 * and info[i] describe the same task; order[] is the display order
 * (depth first, by position). */
typedef struct ProgTaskInfo {
    const char *code, *title, *owner, *target_unit, *note;
    int64_t owner_council_id, implements_id;
    int target_kind;
    double target_value, value;   /* value: the latest measured value (number targets) */
    int64_t last_day;             /* day of the latest update, 0 none */
    int64_t last_update_id;       /* that update's id (its evidence files), 0 none */
    int64_t implementers;         /* tasks of lower plans that implement this one */
} ProgTaskInfo;

typedef struct ProgTree {
    int n;
    ProgNode *nodes;
    ProgTaskInfo *info;
    int *order;
    double total;
} ProgTree;

/* 0, or -1 on a database error or a broken tree (logged). */
int prog_tree_load(Db *db, Arena *a, int64_t programme_id, int64_t day, ProgTree *out);

/* ------------------------------------------------------------ writers */

typedef struct ProgrammeIn {
    int64_t council_id;
    const char *kind;         /* scheme | plan | programme */
    const char *number, *issuer, *title, *slug, *summary;
    const char *publish;      /* none | groups | full */
    int64_t issued_on, starts_on, ends_on;   /* ends_on: the last day */
    int sample;
} ProgrammeIn;
int programme_add(Db *db, const ProgrammeIn *in, int64_t *id, char *err, size_t errlen);
int programme_goal_add(Db *db, int64_t programme_id, int position, const char *text, int sample,
                       char *err, size_t errlen);

typedef struct ProgTaskIn {
    int64_t programme_id, parent_id;          /* parent 0 = top level */
    int position;
    const char *code, *title;
    int64_t owner_council_id, owner_body_id;  /* body 0 = the council as a whole */
    int64_t starts_on, due_on;
    const char *target_kind;                  /* percent | number | done (NULL = percent) */
    double target_value;                      /* number: > 0 */
    const char *target_unit;
    int has_weight;
    double weight;                            /* when has_weight: > 0, finite */
    int64_t implements_id;                    /* 0 = none */
    int sample;
} ProgTaskIn;
int prog_task_add(Db *db, const ProgTaskIn *in, int64_t *id, char *err, size_t errlen);
/* Co-owner: another council (and optionally one of its bodies). */
int prog_task_owner_add(Db *db, int64_t task_id, int64_t council_id, int64_t body_id, int sample,
                        char *err, size_t errlen);
/* Move a task under new_parent (0 = top level); a cycle is refused. */
int prog_task_move(Db *db, int64_t task_id, int64_t new_parent, char *err, size_t errlen);

/* A progress update on a leaf task by council_id's staff.  percent for
 * percent targets (0..100), value for number targets (>= 0), done (0/1)
 * for done targets: the caller passes what the form had (has_* flags).
 * The day may not be before the task's start nor after today. */
typedef struct ProgUpdateIn {
    int64_t task_id, council_id, user_id;
    const char *username, *note;
    int64_t day, today, now;
    int has_percent, has_value, done;
    double percent, value;
    int sample;
} ProgUpdateIn;
int prog_update_add(Db *db, const ProgUpdateIn *in, int64_t *id, char *err, size_t errlen);

/* 1 when council_id owns or co-owns the task, 0 not, -1 error. */
int prog_task_owned_by(Db *db, int64_t task_id, int64_t council_id);

#endif
