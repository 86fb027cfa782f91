/* unit_captcha.c - the verification-code table under pressure (captcha.c):
 * many networks flooding it, one network past its share, expired codes,
 * equally heavy networks, and concurrent use.  No HTTP: the network keys
 * are made-up byte strings, as visitor_net_hash values would be, and time
 * is injected through `now`.  The code-level behaviour (single use,
 * expiry, wrong answers, alphabet, pictures) is in unit_engage.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captcha.h"
#include "log.h"
#include "t.h"
#include "tuning.h"

#define T_NOW ((int64_t)1715500000)

/* Production protections with the peek on (the test build's setting), or
 * with the per-network caps off as `make bench` runs. */
static Tuning test_tuning;
static void set_tuning(int net_caps)
{
    test_tuning = tuning_production;
    test_tuning.captcha_peek = 1;
    test_tuning.net_caps = net_caps;
    tuning = &test_tuning;
}

/* A new code for network `kind`-i at now into id; 0 or -1. */
static int new_code(char id[CAPTCHA_ID_SIZE], const char *kind, int i, int64_t now)
{
    char net[48];
    int n = snprintf(net, sizeof net, "%s-%d", kind, i);
    return captcha_new(id, net, (size_t)n, now);
}

/* 1 when id holds a live code at now (without consuming it). */
static int alive(const char *id, int64_t now)
{
    char code[CAPTCHA_LEN + 1];
    return captcha_peek(id, now, code) == 0;
}

/* Answer id with its own code: 1 when accepted. */
static int answer(const char *id, int64_t now)
{
    char code[CAPTCHA_LEN + 1];
    if (captcha_peek(id, now, code) != 0) return 0;
    return captcha_check(id, code, now);
}

enum { FLOOD = 2 * CAPTCHA_CAPACITY, ATTACKERS = 30, HONEST = 20, PER_HONEST = 3 };
static char flood_ids[FLOOD][CAPTCHA_ID_SIZE];
static char honest_ids[HONEST * PER_HONEST][CAPTCHA_ID_SIZE];

/* (a) Readers on 20 networks hold codes; then 30 networks create twice the
 * table's size between them.  Every reader's code still works, and no
 * attacker network keeps more than its share. */
TEST(flood_from_many_networks_keeps_honest_codes)
{
    set_tuning(1);
    captcha_reset();
    for (int h = 0; h < HONEST; h++)
        for (int k = 0; k < PER_HONEST; k++)
            CHECK_INT(new_code(honest_ids[h * PER_HONEST + k], "reader", h, T_NOW), 0);
    for (int i = 0; i < FLOOD; i++)
        CHECK_INT(new_code(flood_ids[i], "attacker", i % ATTACKERS, T_NOW + 1 + i / 1000), 0);
    int64_t t = T_NOW + 60;
    int lost = 0;
    for (int i = 0; i < HONEST * PER_HONEST; i++)
        lost += !alive(honest_ids[i], t);
    CHECK_INT(lost, 0);
    int kept[ATTACKERS] = {0}, total = 0;
    for (int i = 0; i < FLOOD; i++)
        if (alive(flood_ids[i], t)) { kept[i % ATTACKERS]++; total++; }
    for (int a = 0; a < ATTACKERS; a++)
        CHECK(kept[a] <= CAPTCHA_NET_SHARE);
    CHECK_INT(total + HONEST * PER_HONEST, CAPTCHA_CAPACITY);   /* the table stays full */
    CHECK(alive(flood_ids[FLOOD - 1], t));                      /* the newest code is there */
    /* (d) The codes that survived behave as before: single use, and a
     * wrong answer spends the code. */
    CHECK_INT(answer(honest_ids[0], t), 1);
    CHECK_INT(answer(honest_ids[0], t), 0);
    CHECK_INT(captcha_check(honest_ids[1], "?????", t), 0);
    CHECK(!alive(honest_ids[1], t));
    CHECK_INT(answer(honest_ids[2], t), 1);
    captcha_reset();
}

/* (b) One network past its share replaces its own oldest codes, even with
 * room left in the table; the other network keeps all of its codes. */
TEST(network_past_its_share_evicts_only_its_own)
{
    enum { EXTRA = 10, OTHER = 5 };
    static char mine[CAPTCHA_NET_SHARE + EXTRA][CAPTCHA_ID_SIZE];
    char other[OTHER][CAPTCHA_ID_SIZE];
    set_tuning(1);
    captcha_reset();
    for (int i = 0; i < OTHER; i++)
        CHECK_INT(new_code(other[i], "other", 0, T_NOW), 0);
    for (int i = 0; i < CAPTCHA_NET_SHARE + EXTRA; i++)
        CHECK_INT(new_code(mine[i], "busy", 0, T_NOW + 1), 0);
    int gone = 0, live = 0;
    for (int i = 0; i < EXTRA; i++)
        gone += !alive(mine[i], T_NOW + 2);
    for (int i = EXTRA; i < CAPTCHA_NET_SHARE + EXTRA; i++)
        live += alive(mine[i], T_NOW + 2);
    CHECK_INT(gone, EXTRA);                      /* its oldest went */
    CHECK_INT(live, CAPTCHA_NET_SHARE);          /* exactly its share stays */
    for (int i = 0; i < OTHER; i++)
        CHECK(alive(other[i], T_NOW + 2));
    captcha_reset();
}

/* (c) A full table gives up its expired codes before any live one: light
 * networks' codes expire, heavy networks' codes are still live; a
 * newcomer's codes take the expired slots and every live code stays. */
TEST(full_table_drops_expired_codes_first)
{
    enum { LIGHT = 1000, HEAVY = CAPTCHA_CAPACITY - LIGHT,
           HEAVY_NETS = HEAVY / CAPTCHA_NET_SHARE + 2 };
    static char heavy[HEAVY][CAPTCHA_ID_SIZE];
    char id[CAPTCHA_ID_SIZE];
    int64_t ttl = tuning_production.captcha_ttl;
    set_tuning(1);
    captcha_reset();
    for (int i = 0; i < LIGHT; i++)
        CHECK_INT(new_code(id, "light", i, T_NOW), 0);
    for (int i = 0; i < HEAVY; i++)
        CHECK_INT(new_code(heavy[i], "heavy", i % HEAVY_NETS, T_NOW + ttl / 2), 0);
    int64_t t = T_NOW + ttl;                     /* the light codes have just expired */
    char late[LIGHT][CAPTCHA_ID_SIZE];
    for (int i = 0; i < LIGHT; i++)
        CHECK_INT(new_code(late[i], "late", 0, t), 0);
    int lost = 0;
    for (int i = 0; i < HEAVY; i++)
        lost += !alive(heavy[i], t);
    CHECK_INT(lost, 0);
    for (int i = 0; i < LIGHT; i++)
        CHECK(alive(late[i], t));
    captcha_reset();
}

/* When the table is full and the requester holds as many codes as the
 * heaviest network, it replaces its own oldest code, not someone else's:
 * here every network holds one, and the oldest one survives. */
TEST(equally_heavy_requester_replaces_its_own)
{
    static char one[CAPTCHA_CAPACITY][CAPTCHA_ID_SIZE];
    char id[CAPTCHA_ID_SIZE];
    set_tuning(1);
    captcha_reset();
    for (int i = 0; i < CAPTCHA_CAPACITY; i++)
        CHECK_INT(new_code(one[i], "single", i, T_NOW), 0);
    CHECK_INT(new_code(id, "single", 5, T_NOW + 1), 0);
    CHECK(alive(id, T_NOW + 1));
    CHECK(!alive(one[5], T_NOW + 1));            /* its own old code went */
    CHECK(alive(one[0], T_NOW + 1));             /* the oldest in the table stayed */
    CHECK(alive(one[CAPTCHA_CAPACITY - 1], T_NOW + 1));
    /* A new network (holding none) takes the place of a heavier one. */
    CHECK_INT(new_code(id, "newcomer", 0, T_NOW + 2), 0);
    CHECK(alive(id, T_NOW + 2));
    captcha_reset();
}

/* With the per-network caps off (the test build's HOIDONG_TEST_NET_CAPS=0,
 * for make bench: every request comes from loopback) one network may fill
 * the whole table, as bench/codes needs. */
TEST(share_off_without_net_caps)
{
    static char ids[CAPTCHA_CAPACITY][CAPTCHA_ID_SIZE];
    set_tuning(0);
    captcha_reset();
    for (int i = 0; i < CAPTCHA_CAPACITY; i++)
        CHECK_INT(new_code(ids[i], "loopback", 0, T_NOW), 0);
    int live = 0;
    for (int i = 0; i < CAPTCHA_CAPACITY; i++)
        live += alive(ids[i], T_NOW + 1);
    CHECK_INT(live, CAPTCHA_CAPACITY);
    char id[CAPTCHA_ID_SIZE];
    CHECK_INT(new_code(id, "loopback", 0, T_NOW + 1), 0);   /* full: its own oldest goes */
    CHECK(!alive(ids[0], T_NOW + 1));
    CHECK(alive(ids[1], T_NOW + 1));
    set_tuning(1);
    captcha_reset();
}

/* A code without a network key (NULL) is charged to one shared "unknown"
 * network and works like any other. */
TEST(no_network_key_still_works)
{
    char id[CAPTCHA_ID_SIZE];
    set_tuning(1);
    captcha_reset();
    CHECK_INT(captcha_new(id, NULL, 0, T_NOW), 0);
    CHECK_INT(answer(id, T_NOW + 1), 1);
    captcha_reset();
}

/* Four threads create and answer codes at once, each from its own three
 * networks (4 x 3 shares fit in the table, so only a thread's own codes
 * can push out its codes); every answer to a code just made succeeds. */
enum { THREADS = 4, PER_THREAD = 20000 };
_Static_assert(THREADS * 3 * CAPTCHA_NET_SHARE <= CAPTCHA_CAPACITY, "threads' shares fit");
static void *worker(void *arg)
{
    int no = (int)(intptr_t)arg, bad = 0;
    char id[CAPTCHA_ID_SIZE];
    for (int i = 0; i < PER_THREAD; i++) {
        if (new_code(id, "thread", no * 3 + i % 3, T_NOW + i / 2000) != 0) bad++;
        if (i % 3 == 0 && !answer(id, T_NOW + i / 2000)) bad++;
    }
    return (void *)(intptr_t)bad;
}

TEST(concurrent_use)
{
    pthread_t th[THREADS];
    set_tuning(1);
    captcha_reset();
    for (int i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i);
    int bad = 0;
    for (int i = 0; i < THREADS; i++) {
        void *rv;
        pthread_join(th[i], &rv);
        bad += (int)(intptr_t)rv;
    }
    CHECK_INT(bad, 0);
    captcha_reset();
}

int main(void)
{
    t_prog = "unit_captcha";
    log_quiet = 1;
    RUN(flood_from_many_networks_keeps_honest_codes);
    RUN(network_past_its_share_evicts_only_its_own);
    RUN(full_table_drops_expired_codes_first);
    RUN(equally_heavy_requester_replaces_its_own);
    RUN(share_off_without_net_caps);
    RUN(no_network_key_still_works);
    RUN(concurrent_use);
    captcha_reset();
    tuning = &tuning_production;
    return t_done();
}
