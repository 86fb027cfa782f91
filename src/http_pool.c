/* http_pool.c - a FIFO of jobs and the threads that run them (http_pool.h).
 *
 * One mutex: a job is a few hundred microseconds to a few milliseconds of
 * handler work, so the queue's lock is never what limits the server.  Each worker opens its own database
 * connection on first use (db_thread), as the libmicrohttpd threads did. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "db.h"
#include "http_pool.h"
#include "log.h"

/* Idle workers wait on a stack, each on its own condition variable, and a
 * new job goes to the one that went idle LAST: at a low rate one or two
 * workers do all the work with warm CPU caches and a warm database
 * connection (page cache, prepared statements, the search index's pages),
 * where a shared condition variable would wake any of them, so that each
 * of the 32 connections would meet every query cold.  (Measured: one
 * searcher's p99 went from 11 ms to 212 ms with a shared condvar.) */
typedef struct Worker {
    pthread_t tid;
    pthread_cond_t cv;
    PoolJob *job;               /* handed over by http_pool_submit */
    struct Worker *next_idle;
} Worker;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static PoolJob *head, *tail;    /* jobs no idle worker could take at once */
static int queued;
static int running;             /* accepting submissions */
static Worker *workers;
static int nworkers;
static Worker *idle;            /* stack: most recently idle first */

static void *worker_main(void *arg)
{
    Worker *self = arg;
    pthread_mutex_lock(&pool_mu);
    for (;;) {
        PoolJob *job = NULL;
        if (head) {
            job = head;
            head = job->next;
            if (!head) tail = NULL;
            queued--;
        } else if (!running) {
            break;                          /* stopping and drained */
        } else {
            self->next_idle = idle;
            idle = self;
            while (!self->job && running) pthread_cond_wait(&self->cv, &pool_mu);
            job = self->job;
            self->job = NULL;
            if (!job) continue;             /* stopping: drain the queue, then end */
        }
        pthread_mutex_unlock(&pool_mu);
        job->next = NULL;
        job->run(job);
        pthread_mutex_lock(&pool_mu);
    }
    pthread_mutex_unlock(&pool_mu);
    db_thread_close();
    return NULL;
}

int http_pool_start(int n, char *err, size_t errlen)
{
    if (n < 1) n = 1;
    pthread_mutex_lock(&pool_mu);
    if (workers) {
        pthread_mutex_unlock(&pool_mu);
        snprintf(err, errlen, "worker pool already started");
        return -1;
    }
    workers = calloc((size_t)n, sizeof *workers);
    if (!workers) {
        pthread_mutex_unlock(&pool_mu);
        snprintf(err, errlen, "out of memory for %d worker threads", n);
        return -1;
    }
    for (int i = 0; i < n; i++) pthread_cond_init(&workers[i].cv, NULL);
    running = 1;
    nworkers = 0;
    pthread_mutex_unlock(&pool_mu);
    for (int i = 0; i < n; i++) {
        if (pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]) != 0) {
            snprintf(err, errlen, "cannot start worker thread %d of %d", i + 1, n);
            http_pool_stop();
            return -1;
        }
        nworkers = i + 1;
    }
    return 0;
}

int http_pool_submit(PoolJob *job)
{
    job->next = NULL;
    pthread_mutex_lock(&pool_mu);
    if (!running) {
        pthread_mutex_unlock(&pool_mu);
        return -1;
    }
    if (idle) {
        Worker *w = idle;
        idle = w->next_idle;
        w->job = job;
        pthread_cond_signal(&w->cv);
    } else {
        if (tail) tail->next = job;
        else head = job;
        tail = job;
        queued++;
    }
    pthread_mutex_unlock(&pool_mu);
    return 0;
}

void http_pool_stop(void)
{
    pthread_mutex_lock(&pool_mu);
    running = 0;
    int n = nworkers;
    for (int i = 0; i < n; i++) pthread_cond_signal(&workers[i].cv);
    pthread_mutex_unlock(&pool_mu);
    for (int i = 0; i < n; i++) pthread_join(workers[i].tid, NULL);
    pthread_mutex_lock(&pool_mu);
    if (workers)
        for (int i = 0; i < n; i++) pthread_cond_destroy(&workers[i].cv);
    free(workers);
    workers = NULL;
    nworkers = 0;
    idle = NULL;
    pthread_mutex_unlock(&pool_mu);
}

int http_pool_queued(void)
{
    pthread_mutex_lock(&pool_mu);
    int n = queued;
    pthread_mutex_unlock(&pool_mu);
    return n;
}

int http_pool_idle(void)
{
    pthread_mutex_lock(&pool_mu);
    int n = 0;
    if (running)
        for (Worker *w = idle; w; w = w->next_idle) n++;
    pthread_mutex_unlock(&pool_mu);
    return n;
}
