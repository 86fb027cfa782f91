/* writer.h - group commit for the public writes (ratings, comments, poll
 * votes).
 *
 * With synchronous=FULL every COMMIT waits for the disk (an fsync, a few
 * milliseconds here), so one commit per request caps public writes at a
 * few hundred a second.  Instead one writer thread with its own connection
 * takes every write queued meanwhile, runs each in its own SAVEPOINT inside
 * ONE transaction, commits once, and only then wakes the requests: each
 * answer still means "on disk", but one fsync serves the whole batch.
 *
 * A job is a model function called with plain inputs.  Model functions do
 * their own db_begin/db_commit/db_rollback; on the writer's connection
 * those become SAVEPOINT / RELEASE / ROLLBACK TO, so the functions run
 * unchanged.  A job whose function returns a negative value is undone (its
 * savepoint rolled back) without touching the others of the batch.
 *
 * Without a running writer (command line tools, unit tests) writer_run
 * calls the function directly on the caller's connection. */
#ifndef HD_WRITER_H
#define HD_WRITER_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

enum { WRITER_MAX_BATCH = 512 };   /* jobs per transaction at most */

typedef int (*WriteFn)(Db *db, void *arg);

/* Start the writer thread on its own connection to path (call after
 * migrations, before serving).  0, or -1 with a reason in err. */
int writer_start(const char *path, char *err, size_t errlen);
/* Finish the queued jobs, stop the thread, close its connection. */
void writer_stop(void);

/* Run fn(db, arg) through the writer and wait until its batch is
 * committed.  Returns fn's result; -1 when the batch could not be
 * committed (nothing of this job was written).  When the failure was a
 * full disk, caller's db_last_error() becomes DB_FULL (the server answers
 * 503).  caller: the request's connection, used directly when no writer
 * runs. */
int writer_run(Db *caller, WriteFn fn, void *arg);

/* writer_run, and once the job's batch is committed (before the caller is
 * woken), after(arg) in the writer thread: in commit order, so what after
 * publishes cannot be overtaken by an older write.  Of a batch's jobs with
 * the same after and after_key only the last one's runs (it sees what the
 * whole batch committed).  Not called when the job failed. */
typedef void (*AfterCommitFn)(void *arg);
int writer_run_after(Db *caller, WriteFn fn, void *arg, AfterCommitFn after, int64_t after_key);

/* Counters for tests and the bench: jobs run, transactions committed. */
void writer_stats(uint64_t *jobs, uint64_t *commits);
/* Jobs waiting for the writer now (not yet taken into a batch): for
 * tests that prove batching and for diagnostics. */
int writer_queued(void);

/* The public writes, routed through writer_run with the same arguments and
 * results as the model functions (engage_rating.h, engage_comment.h,
 * engage_poll.h). */
/* committed (may be NULL): called after the COMMIT with the article's
 * figures as committed, in the writer thread (writer_run_after); the page
 * layer updates the cached article pages with it (page_engage.c). */
typedef void (*RatingCommitted)(int64_t article_id, int64_t count, int64_t sum);
int writer_rating_put(Db *db, int64_t article_id, const char *visitor_key, int stars, int64_t now,
                      int is_sample, int64_t *count, int64_t *sum, RatingCommitted committed);
int writer_comment_add(Db *db, int64_t article_id, const char *name, const char *email,
                       const char *body, int64_t now, int is_sample, int64_t *out_id);
int writer_poll_vote(Db *db, int64_t poll_id, const char *voter_key, const int64_t *option_ids,
                     size_t n, int64_t now);

#endif
