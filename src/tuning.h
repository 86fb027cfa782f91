/* tuning.h - the protection settings that tests and benchmarks need to
 * weaken, and the clock.
 *
 * The shipped server (build/hoidong) always runs with the production
 * values below: no configuration line, command-line option or environment
 * variable reaches them.  Only the test build (build/hoidong-test: main.c
 * compiled with -DHOIDONG_TEST_AIDS and linked with src/testaids.c, see
 * the Makefile) installs a different Tuning at start-up, from
 * HOIDONG_TEST_* variables; the test suite and make bench run that binary.
 * Unit tests, which link the library directly, point `tuning` at their own
 * struct.  So a test aid cannot be switched on in production by a stray
 * variable or config line behind a reverse proxy: the code that would read
 * it is not in the binary (tests/http_testaids.c checks both builds). */
#ifndef HD_TUNING_H
#define HD_TUNING_H
#include <stdint.h>

typedef struct Tuning {
    int captcha_peek;             /* serve GET /xac-thuc/:id/thu-nghiem (the code as text) */
    int captcha_ttl;              /* seconds a verification code stays valid */
    int64_t login_throttle_base_ms; /* first sign-in delay after the free failures */
    int login_ip_limit;           /* failed sign-ins per address per window */
    int vote_net_cap;             /* poll votes per network per day */
    int net_caps;                 /* 1: per-network daily caps on anonymous writes */
    int64_t cache_ttl_ms;         /* freshness of a cached page (CACHE_TTL_MS) */
    int64_t (*clock)(void);       /* wall clock, unix seconds */
    const char *build;            /* NULL in production; "test" in hoidong-test */
} Tuning;

/* The values in force; points at tuning_production unless a test build
 * or a unit test replaced it before the server started. */
extern const Tuning *tuning;
extern const Tuning tuning_production;

/* Unix seconds by tuning->clock: every request's r->now and the
 * background tasks take the time from here, so tests can move it. */
int64_t tuning_now(void);
#endif
