/* unit_http_pool.c - the worker pool (src/http_pool.c): every job runs
 * exactly once however many threads submit; an idle pool hands a job to
 * the worker that went idle last (warm caches); stopping runs what is
 * queued, and a submission after it is refused so the caller runs it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "http_pool.h"
#include "t.h"

typedef struct {
    PoolJob job;
    int runs;
    pthread_t ran_on;
    int done;
    int hold;            /* spin until released (keeps a worker busy) */
} Counted;

static int release_all;

static void counted_run(PoolJob *job)
{
    Counted *c = (Counted *)job;
    while (c->hold && !__atomic_load_n(&release_all, __ATOMIC_SEQ_CST)) usleep(1000);
    __atomic_add_fetch(&c->runs, 1, __ATOMIC_SEQ_CST);
    c->ran_on = pthread_self();
    __atomic_store_n(&c->done, 1, __ATOMIC_SEQ_CST);
}

static void wait_done(Counted *c)
{
    for (int i = 0; i < 10000 && !__atomic_load_n(&c->done, __ATOMIC_SEQ_CST); i++) usleep(500);
}

enum { SUBMITTERS = 4, PER_SUBMITTER = 2000 };
static Counted jobs[SUBMITTERS][PER_SUBMITTER];
static int submit_failures;

static void *submitter(void *arg)
{
    Counted *mine = arg;
    for (int i = 0; i < PER_SUBMITTER; i++) {
        mine[i].job.run = counted_run;
        if (http_pool_submit(&mine[i].job) != 0) __atomic_add_fetch(&submit_failures, 1, __ATOMIC_SEQ_CST);
    }
    return NULL;
}

TEST(test_each_job_runs_once)
{
    char err[128];
    CHECK_INT(http_pool_start(4, err, sizeof err), 0);
    memset(jobs, 0, sizeof jobs);
    pthread_t t[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++) pthread_create(&t[i], NULL, submitter, jobs[i]);
    for (int i = 0; i < SUBMITTERS; i++) pthread_join(t[i], NULL);
    http_pool_stop();   /* runs everything still queued */
    CHECK_INT(submit_failures, 0);
    int wrong = 0;
    for (int i = 0; i < SUBMITTERS; i++)
        for (int j = 0; j < PER_SUBMITTER; j++)
            if (jobs[i][j].runs != 1) wrong++;
    CHECK_INT(wrong, 0);
    CHECK_INT(http_pool_queued(), 0);
}

/* Until n workers wait for a job (bounded: 10 s). */
static int wait_idle(int n)
{
    for (int i = 0; i < 20000; i++) {
        if (http_pool_idle() == n) return 1;
        usleep(500);
    }
    return 0;
}

TEST(test_last_idle_worker_takes_the_next_job)
{
    char err[128];
    CHECK_INT(http_pool_start(8, err, sizeof err), 0);
    Counted c[50];
    memset(c, 0, sizeof c);
    int same = 0, all_idle = 1;
    for (int i = 0; i < 50; i++) {
        all_idle &= wait_idle(8);   /* the last worker is back on the stack */
        c[i].job.run = counted_run;
        CHECK_INT(http_pool_submit(&c[i].job), 0);
        wait_done(&c[i]);
        if (i > 0 && pthread_equal(c[i].ran_on, c[i - 1].ran_on)) same++;
    }
    CHECK(all_idle);
    http_pool_stop();
    /* One job at a time: the worker that just finished is the last idle
     * one, so it takes every next job (a shared condition variable would
     * wake any of the eight). */
    CHECK_INT(same, 49);
}

TEST(test_stop_runs_the_queue_then_refuses)
{
    char err[128];
    CHECK_INT(http_pool_start(1, err, sizeof err), 0);
    release_all = 0;
    Counted busy = {0}, queued[10];
    memset(queued, 0, sizeof queued);
    busy.job.run = counted_run;
    busy.hold = 1;
    CHECK_INT(http_pool_submit(&busy.job), 0);
    for (int i = 0; i < 10; i++) {
        queued[i].job.run = counted_run;
        CHECK_INT(http_pool_submit(&queued[i].job), 0);
    }
    CHECK(http_pool_queued() >= 9);          /* the one worker holds the first */
    __atomic_store_n(&release_all, 1, __ATOMIC_SEQ_CST);
    http_pool_stop();
    CHECK_INT(busy.runs, 1);
    int ran = 0;
    for (int i = 0; i < 10; i++) ran += queued[i].runs;
    CHECK_INT(ran, 10);
    Counted late = {0};
    late.job.run = counted_run;
    CHECK_INT(http_pool_submit(&late.job), -1);   /* the caller runs it itself */
    CHECK_INT(late.runs, 0);
}

int main(void)
{
    t_prog = "unit_http_pool";
    RUN(test_each_job_runs_once);
    RUN(test_last_idle_worker_takes_the_next_job);
    RUN(test_stop_runs_the_queue_then_refuses);
    return t_done();
}
