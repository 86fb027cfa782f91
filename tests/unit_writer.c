/* unit_writer.c - group commit (src/writer.c): jobs from many threads are
 * all committed with their own results; a failing job is undone without
 * touching the others of its batch; model functions that open their own
 * transaction run unchanged inside the batch; without a writer the job
 * runs on the caller's connection.  The real model functions go through
 * the writer too (writer_rating_put, writer_comment_add). */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
#include "db.h"
#include "engage_comment.h"
#include "engage_rating.h"
#include "t.h"
#include "writer.h"

static char dir[64], dbpath[128];
static Db *db;

static int insert_job(Db *d, void *arg)
{
    const char *key = arg;
    return db_exec(d, "INSERT INTO settings (key, value) VALUES (?1, 'v')", "t", key) == DB_OK ? 7 : -1;
}

/* Writes, then fails: the write must disappear. */
static int failing_job(Db *d, void *arg)
{
    (void)arg;
    db_exec(d, "INSERT INTO settings (key, value) VALUES ('must-not-stay', 'v')", "");
    return -1;
}

/* Its own transaction, as the model functions do; rolls back on request. */
static int nested_job(Db *d, void *arg)
{
    int rollback = *(int *)arg;
    if (db_begin(d) != DB_OK) return -1;
    db_exec(d, "INSERT INTO settings (key, value) VALUES (?1, 'v')", "t",
            rollback ? "nested-undone" : "nested-kept");
    if (rollback) {
        db_rollback(d);
        return 2;     /* a non-negative "nothing written" outcome */
    }
    return db_commit(d) == DB_OK ? 0 : -1;
}

static int64_t count_key(const char *key)
{
    return db_int(db, -1, "SELECT COUNT(*) FROM settings WHERE key = ?1", "t", key);
}

#define THREADS 8
#define PER_THREAD 40

static void *writer_client(void *arg)
{
    int t = (int)(intptr_t)arg;
    char key[64];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(key, sizeof key, "w-%d-%d", t, i);
        if (writer_run(NULL, insert_job, key) != 7) return (void *)1;
        if (i % 10 == 0 && writer_run(NULL, failing_job, NULL) != -1) return (void *)1;
    }
    return NULL;
}

TEST(test_many_threads_all_committed)
{
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) pthread_create(&th[t], NULL, writer_client, (void *)(intptr_t)t);
    int bad = 0;
    for (int t = 0; t < THREADS; t++) {
        void *rv;
        pthread_join(th[t], &rv);
        if (rv) bad++;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM settings WHERE key LIKE 'w-%'", ""), THREADS * PER_THREAD);
    CHECK_INT(count_key("must-not-stay"), 0);
    uint64_t jobs = 0, commits = 0;
    writer_stats(&jobs, &commits);
    CHECK(jobs >= (uint64_t)THREADS * PER_THREAD);
    CHECK(commits >= 1 && commits <= jobs);
}

/* Batching, proved by counting: while a gate job holds the writer, 32
 * jobs queue up; released, they must go in one transaction (commits grow
 * by 2: the gate's batch and theirs), not one commit per job (33). */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_entered;

static int gate_job(Db *d, void *arg)
{
    (void)d, (void)arg;
    pthread_mutex_lock(&gate_mu);
    gate_entered = 1;
    pthread_cond_broadcast(&gate_cv);
    while (!gate_open) pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
    return 0;
}

static void *gate_client(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)(writer_run(NULL, gate_job, NULL) != 0);
}

static void *one_insert(void *arg)
{
    return (void *)(intptr_t)(writer_run(NULL, insert_job, arg) != 7);
}

#define QUEUED 32

TEST(test_jobs_batched_into_one_commit)
{
    uint64_t jobs0, commits0, jobs1, commits1;
    writer_stats(&jobs0, &commits0);
    pthread_t g, th[QUEUED];
    pthread_create(&g, NULL, gate_client, NULL);
    pthread_mutex_lock(&gate_mu);
    while (!gate_entered) pthread_cond_wait(&gate_cv, &gate_mu);   /* the writer is inside the gate */
    pthread_mutex_unlock(&gate_mu);
    static char keys[QUEUED][32];
    for (int i = 0; i < QUEUED; i++) {
        snprintf(keys[i], sizeof keys[i], "batch-%d", i);
        pthread_create(&th[i], NULL, one_insert, keys[i]);
    }
    /* Wait (bounded) until all are queued behind the gate: a condition,
     * not a time; 5,000 x 1 ms at most. */
    for (int i = 0; i < 5000 && writer_queued() < QUEUED; i++) usleep(1000);
    CHECK_INT(writer_queued(), QUEUED);
    pthread_mutex_lock(&gate_mu);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    int bad = 0;
    void *rv;
    pthread_join(g, &rv);
    bad += rv != NULL;
    for (int i = 0; i < QUEUED; i++) {
        pthread_join(th[i], &rv);
        bad += rv != NULL;
    }
    CHECK_INT(bad, 0);
    writer_stats(&jobs1, &commits1);
    CHECK_INT(jobs1 - jobs0, QUEUED + 1);
    CHECK_INT(commits1 - commits0, 2);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM settings WHERE key LIKE 'batch-%'", ""), QUEUED);
}

TEST(test_nested_transactions)
{
    int no = 0, yes = 1;
    CHECK_INT(writer_run(NULL, nested_job, &no), 0);
    CHECK_INT(writer_run(NULL, nested_job, &yes), 2);
    CHECK_INT(count_key("nested-kept"), 1);
    CHECK_INT(count_key("nested-undone"), 0);
}

TEST(test_model_functions_through_writer)
{
    int64_t art = db_int(db, 0, "SELECT id FROM articles ORDER BY id LIMIT 1", "");
    CHECK(art > 0);
    int64_t count = 0, sum = 0, cid = 0;
    CHECK_INT(writer_rating_put(db, art, "aa11", 4, 1000, 0, &count, &sum, NULL), RATING_ADDED);
    CHECK_INT(count, 1);
    CHECK_INT(sum, 4);
    CHECK_INT(writer_rating_put(db, art, "aa11", 2, 1001, 0, &count, &sum, NULL), RATING_REPLACED);
    CHECK_INT(sum, 2);
    CHECK_INT(writer_rating_put(db, art, "aa11", 9, 1002, 0, &count, &sum, NULL), RATING_BAD);
    CHECK_INT(writer_comment_add(db, art, "Bạn đọc", "", "Ý kiến qua bộ ghi gộp.", 1003, 0, &cid), 0);
    CHECK(cid > 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM comments WHERE id = ?1 AND status = 'pending'", "l", cid), 1);
}

TEST(test_without_writer_runs_directly)
{
    writer_stop();
    CHECK_INT(writer_run(db, insert_job, "direct"), 7);
    CHECK_INT(count_key("direct"), 1);
    CHECK_INT(writer_run(db, insert_job, "direct"), -1);   /* the key exists: constraint */
}

int main(void)
{
    t_prog = "unit_writer";
    snprintf(dir, sizeof dir, "/tmp/hd-unit-writer-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }
    snprintf(dbpath, sizeof dbpath, "%s/w.db", dir);
    char err[256];
    db = db_open(t_db(dbpath), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); return 1; }
    db_exec(db, "INSERT INTO categories (id, name, slug) VALUES (1, 'C', 'c')", "");
    db_exec(db, "INSERT INTO articles (id, category_id, title, slug, status, created_at, updated_at)"
                " VALUES (1, 1, 'A', 'a', 'published', 1, 1)", "");
    if (writer_start(t_db(dbpath), err, sizeof err) != 0) { fprintf(stderr, "writer_start: %s\n", err); return 1; }
    RUN(test_many_threads_all_committed);
    RUN(test_jobs_batched_into_one_commit);
    RUN(test_nested_transactions);
    RUN(test_model_functions_through_writer);
    RUN(test_without_writer_runs_directly);
    writer_stop();
    db_close(db);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return t_done();
}
