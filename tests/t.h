/* t.h - the test harness: a handful of check macros and a summary line.
 * Each tests/unit_*.c and tests/http_*.c is one program: it defines
 * tests with TEST(name) and lists them in main via RUN(name); t_done()
 * prints "<program>: N passed, M failed[, K skipped]" (the runner sums these) and
 * returns the exit status. A check that fails prints file:line and the
 * values, and marks the current test failed; the test goes on. */
#ifndef HD_T_H
#define HD_T_H
#include <stdio.h>
#include <string.h>
#include <stdint.h>

extern int t_passed, t_failed, t_skipped, t_cur_failed;
extern const char *t_prog;

#define TEST(name) static void name(void)
#define RUN(name) do { t_cur_failed = 0; name(); \
        if (t_cur_failed) { t_failed++; fprintf(stderr, "FAIL %s\n", #name); } \
        else t_passed++; } while (0)
#define CHECK(c) do { if (!(c)) { t_cur_failed = 1; \
        fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); } } while (0)
#define CHECK_INT(a, b) do { long long t_a = (long long)(a), t_b = (long long)(b); if (t_a != t_b) { \
        t_cur_failed = 1; fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", \
        __FILE__, __LINE__, #a, t_a, t_b); } } while (0)
#define CHECK_STR(a, b) do { const char *t_a = (a), *t_b = (b); \
        if (!t_a || !t_b || strcmp(t_a, t_b) != 0) { t_cur_failed = 1; \
        fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
        t_a ? t_a : "(null)", t_b ? t_b : "(null)"); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *t_h = (hay), *t_n = (needle); \
        if (!t_h || !strstr(t_h, t_n)) { t_cur_failed = 1; \
        fprintf(stderr, "%s:%d: %s does not contain \"%s\"\n", __FILE__, __LINE__, #hay, t_n); } } while (0)
#define CHECK_NOT_CONTAINS(hay, needle) do { const char *t_h = (hay), *t_n = (needle); \
        if (t_h && strstr(t_h, t_n)) { t_cur_failed = 1; \
        fprintf(stderr, "%s:%d: %s contains \"%s\"\n", __FILE__, __LINE__, #hay, t_n); } } while (0)

/* A check that cannot run here (not root, say): counted as skipped in the
 * summary line ("N passed, M failed, K skipped"), never as passed. */
#define T_SKIP(name, why) do { t_skipped++; fprintf(stderr, "SKIP %s: %s\n", #name, (why)); } while (0)

int t_done(void);

/* The database a test opens for path.  By default path itself (SQLite).
 * With HOIDONG_TEST_PG set to a PostgreSQL URL (make test-pg), a fresh
 * schema on that server, created on the first call for path and named
 * after the process and a counter; the same path gives the same schema
 * again within the process (tests that reopen a database).  The returned
 * string lives until exit.  Exits on failure: the run must not fall back
 * to SQLite silently. */
const char *t_db(const char *path);
/* 1 when the tests run against PostgreSQL (HOIDONG_TEST_PG set). */
int t_pg(void);
#endif
