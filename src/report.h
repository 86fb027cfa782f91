/* report.h - periodic review reports: templates as data, campaigns opened
 * by an upper council for the councils below it, each council's report
 * through draft -> submitted -> returned | accepted, every version kept,
 * and the aggregate across councils (issue 9 item 3; docs/REPORTS.md).
 *
 * Writers validate first and write inside one transaction (the caller's
 * when one is open); on a refusal they return -1 with a Vietnamese reason
 * in err and write nothing.  report_save returns -2 when the draft was
 * saved by someone else since the form was loaded (its revision moved). */
#ifndef HD_REPORT_H
#define HD_REPORT_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

enum { RS_NONE = 0, RS_DRAFT = 1, RS_SUBMITTED = 2, RS_RETURNED = 3, RS_ACCEPTED = 4 };
enum { RF_NUMBER = 0, RF_YESNO = 1, RF_CHOICE = 2, RF_TEXT = 3 };

const char *report_status_label(int status);   /* "Chưa bắt đầu", "Đang soạn", ... */
int report_status_code(const char *s);

typedef struct ReportFieldIn {
    const char *code, *label, *kind, *unit;
    const char *choices;      /* choice: one per line */
    const char *prefill;      /* "" or seats | delegates | full_time | full_time_share | vacancies */
    int required;
} ReportFieldIn;

int report_template_add(Db *db, int64_t council_id, const char *name, int sample, int64_t *id, char *err,
                        size_t errlen);
/* The next version of a template with these fields (codes unique). */
int report_template_version_add(Db *db, int64_t template_id, const ReportFieldIn *fields, int n, int64_t now,
                                int64_t *version_id, char *err, size_t errlen);

typedef struct ReportCampaignIn {
    int64_t council_id, version_id;
    const char *title, *kind;          /* half_year | year | final | other */
    int64_t period_from, period_to;    /* period_to: its last day */
    int64_t deadline;                  /* the last day to submit */
    int64_t now;
    int sample;
} ReportCampaignIn;
int report_campaign_add(Db *db, const ReportCampaignIn *in, int64_t *id, char *err, size_t errlen);
/* Address the campaign to a council below the one that opened it. */
int report_target_add(Db *db, int64_t campaign_id, int64_t council_id, char *err, size_t errlen);

/* The latest version of council's report in a campaign. */
typedef struct ReportState {
    int64_t id;               /* 0: not started */
    int version, status;
    int64_t revision, template_version_id, submitted_at, decided_at, updated_at;
    int late;                 /* the deadline passed and it is neither submitted nor accepted */
    int late_submitted;       /* submitted after the deadline */
} ReportState;
int report_state(Db *db, int64_t campaign_id, int64_t council_id, int64_t today, ReportState *out);

/* A figure the platform knows about council on day (prefill codes). 0 and
 * *out, 1 unknown code, -1 database error. */
int report_prefill(Db *db, int64_t council_id, const char *code, int64_t day, double *out);

/* The form's text for each field code (NULL = left empty). */
typedef struct ReportValueIn {
    const char *code, *text;
} ReportValueIn;

/* Save the council's draft (creating version 1, pre-filled, when none) and,
 * with submit, submit it (every required field filled).  expect_revision:
 * the revision the form was loaded with (0 for a report not started). */
int report_save(Db *db, int64_t campaign_id, int64_t council_id, const ReportValueIn *vals, int n,
                int64_t expect_revision, int submit, const char *user, int64_t now, int64_t *report_id,
                char *err, size_t errlen);
/* Accept or return (comment required) a submitted report. */
int report_decide(Db *db, int64_t report_id, int accept, const char *comment, const char *user, int64_t now,
                  char *err, size_t errlen);
/* After acceptance: the next version as a draft with the accepted values. */
int report_new_version(Db *db, int64_t campaign_id, int64_t council_id, const char *user, int64_t now,
                       int64_t *report_id, char *err, size_t errlen);

/* A number typed the Vietnamese way ("4.922.512", "4,5") or plainly
 * ("4922512", "4.5").  0 ok, -1 not a number. */
int report_parse_number(const char *s, double *out);

/* The aggregate of one field across the latest versions of the reports
 * counted (accepted, and submitted when asked). */
typedef struct ReportAgg {
    const char *code, *label, *unit;
    int kind;
    int n;                    /* reports with a value */
    double sum, min, max;
    int yes, no;
    int nchoices;
    const char **choices;
    int *counts;
} ReportAgg;
int report_aggregate(Db *db, Arena *a, int64_t campaign_id, int with_submitted, ReportAgg **out, int *n);

#endif
