/* testaids.c - test aids, linked ONLY into build/hoidong-test (and never
 * into libhoidong.a or build/hoidong; see tuning.h and the Makefile).
 *
 * Variables, all optional (unset: the production value):
 *   HOIDONG_TEST_MODE=1                 serve the verification-code peek
 *                                       (loopback listen address only)
 *   HOIDONG_TEST_CAPTCHA_TTL=S          code lifetime, 1..3600 s
 *   HOIDONG_TEST_LOGIN_THROTTLE_BASE_MS first sign-in delay, 1..3600000
 *   HOIDONG_TEST_LOGIN_IP_LIMIT=N       failures per address, 1..1000000
 *   HOIDONG_TEST_VOTE_NET_CAP=N         votes per network a day, 1..1000000
 *   HOIDONG_TEST_NET_CAPS=0             per-network daily caps off (bench)
 *   HOIDONG_TEST_CLOCK_FILE=PATH        the clock: the file holds unix
 *                                       seconds; absent or empty = real time.
 *                                       Read on every call, so a test moves
 *                                       time by rewriting the file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "testaids.h"
#include "tuning.h"

static Tuning test_tuning;
static const char *clock_file;

static int64_t file_clock(void)
{
    FILE *f = fopen(clock_file, "r");
    long long t = 0;
    if (f) {
        if (fscanf(f, "%lld", &t) != 1) t = 0;
        fclose(f);
    }
    return t > 0 ? (int64_t)t : (int64_t)time(NULL);
}

/* One variable as a number in [lo, hi]; 0 unset, 1 set, -1 bad. */
static int env_long(const char *name, long long lo, long long hi, long long *out, char *err, size_t errlen)
{
    const char *s = getenv(name);
    if (!s || !*s) return 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (*end || v < lo || v > hi) {
        snprintf(err, errlen, "%s=%s: expected a whole number from %lld to %lld", name, s, lo, hi);
        return -1;
    }
    *out = v;
    return 1;
}

int testaids_install(char *err, size_t errlen)
{
    test_tuning = tuning_production;
    test_tuning.build = "test";
    long long v;
    int rc;
#define TEST_KNOB(name, lo, hi, field)                                        \
    if ((rc = env_long(name, lo, hi, &v, err, errlen)) < 0) return -1;    \
    if (rc) test_tuning.field = (__typeof__(test_tuning.field))v;
    TEST_KNOB("HOIDONG_TEST_MODE", 0, 1, captcha_peek)
    TEST_KNOB("HOIDONG_TEST_CAPTCHA_TTL", 1, 3600, captcha_ttl)
    TEST_KNOB("HOIDONG_TEST_LOGIN_THROTTLE_BASE_MS", 1, 3600000, login_throttle_base_ms)
    TEST_KNOB("HOIDONG_TEST_LOGIN_IP_LIMIT", 1, 1000000, login_ip_limit)
    TEST_KNOB("HOIDONG_TEST_VOTE_NET_CAP", 1, 1000000, vote_net_cap)
    TEST_KNOB("HOIDONG_TEST_NET_CAPS", 0, 1, net_caps)
    TEST_KNOB("HOIDONG_TEST_CACHE_TTL_MS", 1, 3600000, cache_ttl_ms)
#undef TEST_KNOB
    const char *cf = getenv("HOIDONG_TEST_CLOCK_FILE");
    if (cf && *cf) {
        clock_file = cf;
        test_tuning.clock = file_clock;
    }
    tuning = &test_tuning;
    return 0;
}
