/* writer.c - group commit (see writer.h).
 *
 * Request threads append a Job (on their own stack) to a queue and sleep on
 * a condition variable; the writer thread takes the whole queue (up to
 * WRITER_MAX_BATCH), runs it in one BEGIN IMMEDIATE .. COMMIT and wakes
 * everyone whose job was in that batch.  While it waits for the disk, the
 * next batch gathers, so the batch size follows the load by itself.
 *
 * Nesting: the writer's connection gets a copy of its backend's operation
 * table in which begin/commit/rollback make savepoints (db_backend.h is
 * the private backend contract; only the transaction entries change).
 * The writer itself calls the original entries for the batch transaction.
 *
 * If SQLite abandons the batch transaction in the middle (disk full, I/O
 * error) every job of the batch so far is reported failed and the rest
 * continue in a new transaction. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "db_backend.h"
#include "engage_comment.h"
#include "engage_poll.h"
#include "engage_rating.h"
#include "log.h"
#include "writer.h"

typedef struct Job {
    WriteFn fn;
    void *arg;
    int result;
    int done;
    int full;                /* failed because the disk is full */
    pthread_cond_t cv;       /* its thread waits here: only finished jobs' threads wake */
    AfterCommitFn after;     /* after the batch's COMMIT, in the writer thread (or NULL) */
    int64_t after_key;       /* of a batch's jobs with the same after and key, only the last's runs */
    struct Job *next;
} Job;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_work = PTHREAD_COND_INITIALIZER;
static Job *q_head, *q_tail;
static int running, stopping;
static pthread_t writer_tid;
static Db *wdb;
static const DbOps *base_ops;
static DbOps nested_ops;
static uint64_t n_jobs, n_commits;

/* ---- savepoints in place of transactions on the writer's connection ---- */

/* Every job is one model function with one transaction (rating_put,
 * comment_add, poll_vote), and run_batch already wraps each job in its own
 * savepoint w_job: the job's BEGIN and COMMIT have nothing left to do, and
 * its ROLLBACK is a rollback to w_job (which stays open for run_batch's
 * RELEASE).  Two statements fewer per job than a nested savepoint: on
 * PostgreSQL each is a round trip of the one writer thread. */
static int nest_begin(Db *db)
{
    (void)db;
    return DB_OK;
}

static int nest_commit(Db *db)
{
    (void)db;
    return DB_OK;
}

static int nest_rollback(Db *db)
{
    if (!base_ops->in_transaction(db)) return DB_OK;   /* SQLite already undid everything */
    return db_exec(db, "ROLLBACK TO w_job", "");
}

/* ---- the batch ---------------------------------------------------------- */

/* The batch's own BEGIN/COMMIT go to the backend directly (the table's
 * entries are the savepoint versions); remember failures as db.c does, so
 * a full disk is told apart from other errors. */
static int raw_rc(int rc)
{
    if (rc < 0 && wdb->last_error != DB_FULL) wdb->last_error = rc;
    return rc;
}

static void fail_jobs(Job *from, Job *to_excl, int full)
{
    for (Job *j = from; j && j != to_excl; j = j->next) {
        j->result = -1;
        j->full = full;
    }
}

/* Run the jobs from..end in transactions; results into the jobs. */
static void run_batch(Job *batch)
{
    Job *first = batch;   /* first job of the current transaction */
    db_clear_error(wdb);
    if (raw_rc(base_ops->begin(wdb)) != DB_OK) {
        fail_jobs(batch, NULL, db_last_error(wdb) == DB_FULL);
        return;
    }
    for (Job *j = batch; j; j = j->next) {
        n_jobs++;
        if (db_exec(wdb, "SAVEPOINT w_job", "") != DB_OK) {
            j->result = -1;
            j->full = db_last_error(wdb) == DB_FULL;
        } else {
            j->result = j->fn(wdb, j->arg);
            if (base_ops->in_transaction(wdb)) {
                if (j->result < 0) db_exec(wdb, "ROLLBACK TO w_job", "");
                db_exec(wdb, "RELEASE w_job", "");
            }
        }
        if (!base_ops->in_transaction(wdb)) {
            /* The batch transaction is gone: nothing of first..j survives. */
            int full = db_last_error(wdb) == DB_FULL;
            fail_jobs(first, j->next, full);
            first = j->next;
            if (!first) return;
            db_clear_error(wdb);
            if (raw_rc(base_ops->begin(wdb)) != DB_OK) {
                fail_jobs(first, NULL, db_last_error(wdb) == DB_FULL);
                return;
            }
        }
    }
    if (raw_rc(base_ops->commit(wdb)) != DB_OK) {
        int full = db_last_error(wdb) == DB_FULL;
        base_ops->rollback(wdb);
        fail_jobs(first, NULL, full);
        log_error("writer: commit of a batch failed");
        return;
    }
    n_commits++;
}

/* The committed jobs' after-commit calls, before any of them is woken:
 * an answer means its effects are visible.  Of several jobs with the same
 * call and key (ratings of one article) only the last runs: it sees the
 * state the whole batch committed. */
static void run_after_commit(Job *batch)
{
    Job *with[WRITER_MAX_BATCH];
    int n = 0;
    for (Job *j = batch; j && n < WRITER_MAX_BATCH; j = j->next)
        if (j->after && j->result >= 0) with[n++] = j;
    for (int i = n - 1; i >= 0; i--) {
        int later = 0;
        for (int k = i + 1; k < n && !later; k++)
            later = with[k] && with[k]->after == with[i]->after && with[k]->after_key == with[i]->after_key;
        if (later) {
            with[i] = NULL;   /* a later job of the batch covers it */
            continue;
        }
        with[i]->after(with[i]->arg);
    }
}

static void *writer_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (!q_head && !stopping) pthread_cond_wait(&cv_work, &mu);
        if (!q_head) break;    /* stopping, nothing left */
        Job *batch = q_head, *last = q_head;
        for (int n = 1; n < WRITER_MAX_BATCH && last->next; n++) last = last->next;
        q_head = last->next;
        if (!q_head) q_tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&mu);
        run_batch(batch);
        run_after_commit(batch);
        pthread_mutex_lock(&mu);
        for (Job *j = batch, *next; j; j = next) {
            next = j->next;    /* j lives on a waiting thread's stack: read before done */
            j->done = 1;
            pthread_cond_signal(&j->cv);
        }
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int writer_start(const char *path, char *err, size_t errlen)
{
    if (running) return 0;
    wdb = db_open(path, 0, err, errlen);
    if (!wdb) return -1;
    base_ops = wdb->ops;
    nested_ops = *base_ops;
    nested_ops.begin = nest_begin;
    nested_ops.commit = nest_commit;
    nested_ops.rollback = nest_rollback;
    wdb->ops = &nested_ops;
    stopping = 0;
    if (pthread_create(&writer_tid, NULL, writer_main, NULL) != 0) {
        wdb->ops = base_ops;
        db_close(wdb);
        wdb = NULL;
        snprintf(err, errlen, "cannot start the writer thread");
        return -1;
    }
    running = 1;
    return 0;
}

void writer_stop(void)
{
    if (!running) return;
    pthread_mutex_lock(&mu);
    stopping = 1;
    pthread_cond_signal(&cv_work);
    pthread_mutex_unlock(&mu);
    pthread_join(writer_tid, NULL);
    running = 0;
    wdb->ops = base_ops;
    db_close(wdb);
    wdb = NULL;
}

int writer_run(Db *caller, WriteFn fn, void *arg)
{
    return writer_run_after(caller, fn, arg, NULL, 0);
}

int writer_run_after(Db *caller, WriteFn fn, void *arg, AfterCommitFn after, int64_t after_key)
{
    pthread_mutex_lock(&mu);
    if (!running || stopping) {
        pthread_mutex_unlock(&mu);
        int rc = fn(caller, arg);
        if (rc >= 0 && after) after(arg);
        return rc;
    }
    Job j = {.fn = fn, .arg = arg, .result = -1, .after = after, .after_key = after_key};
    pthread_cond_init(&j.cv, NULL);
    if (q_tail) q_tail->next = &j;
    else q_head = &j;
    q_tail = &j;
    pthread_cond_signal(&cv_work);
    while (!j.done) pthread_cond_wait(&j.cv, &mu);
    pthread_mutex_unlock(&mu);
    pthread_cond_destroy(&j.cv);
    if (j.full && caller) caller->last_error = DB_FULL;   /* the server answers 503 */
    return j.result;
}

void writer_stats(uint64_t *jobs, uint64_t *commits)
{
    pthread_mutex_lock(&mu);
    *jobs = n_jobs;
    *commits = n_commits;
    pthread_mutex_unlock(&mu);
}

int writer_queued(void)
{
    pthread_mutex_lock(&mu);
    int n = 0;
    for (Job *j = q_head; j; j = j->next) n++;
    pthread_mutex_unlock(&mu);
    return n;
}

/* ---- the public writes ---------------------------------------------------- */

typedef struct RatingArgs {
    int64_t article_id, now;
    const char *visitor_key;
    int stars, is_sample;
    int64_t *count, *sum;
    RatingCommitted committed;
} RatingArgs;

static void rating_after(void *p)
{
    RatingArgs *a = p;
    a->committed(a->article_id, *a->count, *a->sum);
}

static int rating_job(Db *db, void *p)
{
    RatingArgs *a = p;
    return rating_put(db, a->article_id, a->visitor_key, a->stars, a->now, a->is_sample, a->count, a->sum);
}

int writer_rating_put(Db *db, int64_t article_id, const char *visitor_key, int stars, int64_t now,
                      int is_sample, int64_t *count, int64_t *sum, RatingCommitted committed)
{
    RatingArgs a = {article_id, now, visitor_key, stars, is_sample, count, sum, committed};
    return writer_run_after(db, rating_job, &a, committed ? rating_after : NULL, article_id);
}

typedef struct CommentArgs {
    int64_t article_id, now;
    const char *name, *email, *body;
    int is_sample;
    int64_t *out_id;
} CommentArgs;

static int comment_job(Db *db, void *p)
{
    CommentArgs *a = p;
    return comment_add(db, a->article_id, a->name, a->email, a->body, a->now, a->is_sample, a->out_id);
}

int writer_comment_add(Db *db, int64_t article_id, const char *name, const char *email,
                       const char *body, int64_t now, int is_sample, int64_t *out_id)
{
    CommentArgs a = {article_id, now, name, email, body, is_sample, out_id};
    return writer_run(db, comment_job, &a);
}

typedef struct VoteArgs {
    int64_t poll_id, now;
    const char *voter_key;
    const int64_t *option_ids;
    size_t n;
} VoteArgs;

static int vote_job(Db *db, void *p)
{
    VoteArgs *a = p;
    return poll_vote(db, a->poll_id, a->voter_key, a->option_ids, a->n, a->now);
}

int writer_poll_vote(Db *db, int64_t poll_id, const char *voter_key, const int64_t *option_ids,
                     size_t n, int64_t now)
{
    VoteArgs a = {poll_id, now, voter_key, option_ids, n};
    return writer_run(db, vote_job, &a);
}
