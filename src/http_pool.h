/* http_pool.h - the worker threads that run handlers which may block.
 *
 * libmicrohttpd's own threads (one per CPU) only move bytes and answer
 * from the page cache; a request that needs its handler (a database read,
 * a write waiting for its group commit, a search) is suspended there and
 * handed to one of these workers, so a handler that waits never stalls
 * the other connections of the libmicrohttpd thread that read it (issue 7
 * item 3: reads under write load; issue 12: the cached path on few threads).
 *
 * The queue is intrusive: the caller embeds a PoolJob in its own object
 * (the request's internal state), so submitting allocates nothing. */
#ifndef HD_HTTP_POOL_H
#define HD_HTTP_POOL_H

typedef struct PoolJob {
    struct PoolJob *next;
    void (*run)(struct PoolJob *job);
} PoolJob;

/* Start n worker threads (n >= 1).  0, or -1 with err filled. */
int http_pool_start(int n, char *err, size_t errlen);

/* Queue job; a worker calls job->run(job) once.  0 when queued; -1 when the
 * pool is not running (never started, or stopping): the caller then runs
 * the job itself. */
int http_pool_submit(PoolJob *job);

/* Run every job already queued, then end the workers and wait for them.
 * Submissions from now on get -1.  Safe to call when not started. */
void http_pool_stop(void);

/* Jobs waiting for a worker now, and workers waiting for a job (for the
 * tests' eyes). */
int http_pool_queued(void);
int http_pool_idle(void);
#endif
