/* http_proxy.c - the reader's address behind a reverse proxy: with
 * trusted_proxy set, per-network caps use the last X-Forwarded-For address
 * the proxy appended; without it the header is ignored (anyone can send it).
 * Checked through the poll's per-network daily vote cap (set to 2 here). */
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "tclient.h"

static long long poll_id, option_id;

/* Poll id, one option id and the public form token from the home page. */
static char *discover(TServer *s)
{
    TClient *c = tc_new(s);
    TResp *r = tc_get(c, "/");
    const char *act = strstr(r->body, "action=\"/binh-chon/");
    if (act) poll_id = atoll(act + strlen("action=\"/binh-chon/"));
    const char *opt = act ? strstr(act, "name=\"lua_chon\"") : NULL;
    const char *val = opt ? strstr(opt, "value=\"") : NULL;
    if (val) option_id = atoll(val + 7);
    char *csrf = tc_input_value(r->body, "csrf");
    tc_free(c);
    return csrf;
}

/* One vote by a new reader (fresh cookie jar) claiming address xff. */
static long vote(TServer *s, const char *csrf, const char *xff)
{
    TClient *c = tc_new(s);
    char path[64], body[256], origin[128], fwd[128];
    snprintf(path, sizeof path, "/binh-chon/%lld", poll_id);
    snprintf(body, sizeof body, "lua_chon=%lld&csrf=%s", option_id, csrf);
    snprintf(origin, sizeof origin, "Origin: %s", s->base);
    snprintf(fwd, sizeof fwd, "X-Forwarded-For: %s", xff);
    const char *h[] = {origin, fwd, NULL};
    long st = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body), h)->status;
    tc_free(c);
    return st;
}

TEST(test_trusted_proxy_uses_forwarded_address)
{
    TServer s;
    setenv("HOIDONG_TRUSTED_PROXY", "127.0.0.1", 1);
    setenv("HOIDONG_TEST_VOTE_NET_CAP", "2", 1);
    CHECK_INT(ts_start(&s, 1), 0);
    CHECK_INT(ts_clock_set(&s, ts_vn_noon_today()), 0);   /* a daily cap: never straddle midnight */
    char *csrf = discover(&s);
    CHECK(csrf && poll_id > 0 && option_id > 0);
    if (csrf) {
        CHECK_INT(vote(&s, csrf, "203.0.113.5"), 303);
        CHECK_INT(vote(&s, csrf, "10.1.1.1, 203.0.113.77"), 303);   /* last address counts */
        CHECK_INT(vote(&s, csrf, "203.0.113.9"), 429);              /* same /24: over the cap */
        CHECK_INT(vote(&s, csrf, "198.51.100.7"), 303);             /* another network */
        CHECK_INT(vote(&s, csrf, "203.0.113.5, 198.51.100.8"), 303);
    }
    free(csrf);
    ts_stop(&s);
    unsetenv("HOIDONG_TRUSTED_PROXY");
}

TEST(test_untrusted_header_ignored)
{
    TServer s;
    setenv("HOIDONG_TEST_VOTE_NET_CAP", "2", 1);
    CHECK_INT(ts_start(&s, 1), 0);
    CHECK_INT(ts_clock_set(&s, ts_vn_noon_today()), 0);   /* a daily cap: never straddle midnight */
    char *csrf = discover(&s);
    CHECK(csrf != NULL);
    if (csrf) {
        /* Different claimed networks, one real address: the cap still bites. */
        CHECK_INT(vote(&s, csrf, "203.0.113.5"), 303);
        CHECK_INT(vote(&s, csrf, "198.51.100.7"), 303);
        CHECK_INT(vote(&s, csrf, "192.0.2.1"), 429);
    }
    free(csrf);
    ts_stop(&s);
}

int main(void)
{
    t_prog = "http_proxy";
    RUN(test_trusted_proxy_uses_forwarded_address);
    RUN(test_untrusted_header_ignored);
    return t_done();
}
