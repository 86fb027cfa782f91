/* tuning.c - production values of the protections (see tuning.h). */
#include <time.h>
#include "captcha.h"
#include "http_cache.h"
#include "tuning.h"

static int64_t wall_clock(void) { return (int64_t)time(NULL); }

/* Defaults also documented in docs/SECURITY.md. */
const Tuning tuning_production = {
    .captcha_peek = 0,
    .captcha_ttl = CAPTCHA_TTL,
    .login_throttle_base_ms = 60000,
    .login_ip_limit = 30,
    .vote_net_cap = 300,
    .net_caps = 1,
    .cache_ttl_ms = CACHE_TTL_MS,
    .clock = wall_clock,
    .build = NULL,
};

const Tuning *tuning = &tuning_production;

int64_t tuning_now(void) { return tuning->clock(); }
