/* unit.h - administrative units and their history (issue 8, item 1).
 *
 * A unit (đơn vị hành chính) is a row of `units`, keyed by (code,
 * valid_from) because codes are reused across the 2025 reform ("00004" was
 * Phường Trúc Bạch until 30/6/2025 and is Phường Ba Đình from 1/7/2025).
 * Every period is half-open [valid_from, valid_to), dates are unix seconds
 * of 00:00 Vietnam time, valid_to NULL (0 here) = still in force.  Every
 * structure query takes an "as of" day.  The succession map says which
 * former units went into which new ones (full or partial) and by which
 * resolution.  Importing from JSON files is unit_import.c. */
#ifndef HD_UNIT_H
#define HD_UNIT_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

/* Dates of the Hanoi reform and the platform's nominal history start (the
 * source data gives no start dates for the pre-reform units; see
 * docs/COUNCILS.md).  Set by unit_dates_init(); constant afterwards. */
typedef struct UnitDates {
    int64_t city_from;      /* 1/8/2008: Hanoi in its present extent */
    int64_t former_from;    /* 1/1/2016: nominal start of the pre-reform units */
    int64_t pilot_from;     /* 1/7/2021: Hanoi wards have no HĐND (Res. 97/2019/QH14) */
    int64_t reform_decided; /* 16/6/2025: Res. 1656/NQ-UBTVQH15 */
    int64_t reform_from;    /* 1/7/2025: two-tier local government */
} UnitDates;
const UnitDates *unit_dates(void);

#define UNIT_HANOI_RESOLUTION "1656/NQ-UBTVQH15"

typedef struct Unit {
    int64_t id;
    const char *code, *level, *kind, *name, *short_name, *slug;
    int64_t parent_id;
    const char *parent_name;   /* "" when none */
    int64_t valid_from, valid_to;   /* valid_to 0 = open */
} Unit;

/* Parse an "as of" day as a visitor types it: "15/3/2024" or "2024-03-15"
 * (no time).  Sets *day to 00:00 Vietnam time.  0, or -1 when malformed or
 * out of range (years 1945..2100). */
int unit_parse_day(const char *s, int64_t *day);

/* A unit name as stored: NFC, trimmed, inner whitespace collapsed, and one
 * tone-mark placement ("Hoà" -> "Hòa", "Thuỵ" -> "Thụy": the classic rule,
 * which the laws' texts and this project use: in a final oa/oe/uy the mark
 * sits on the first vowel).  NULL when s is not valid UTF-8. */
char *unit_name_norm(Arena *a, const char *s);

/* The unit with this slug valid on day; 1 found (fills *u, strings in a),
 * 0 none, -1 database error. */
int unit_by_slug(Db *db, Arena *a, const char *slug, int64_t day, Unit *u);
/* Some unit with this slug at any date (the one nearest to day), to say
 * "did not exist yet / any more"; 1, 0 or -1 as above. */
int unit_by_slug_any(Db *db, Arena *a, const char *slug, int64_t day, Unit *u);
int unit_by_id(Db *db, Arena *a, int64_t id, Unit *u);

/* Vietnamese label of a unit kind ("phuong" -> "Phường"). */
const char *unit_kind_label(const char *kind);

#endif
