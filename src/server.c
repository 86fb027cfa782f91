/* server.c - start-up and shutdown of `hoidong serve`.
 *
 * Order matters: templates are compiled and the schema migrated before the
 * first connection is accepted, so workers never see a half-ready state.
 * Signals are blocked in every thread and taken synchronously here with
 * sigwait, so no handler runs inside a request. */
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "config.h"
#include "captcha.h"
#include "content.h"
#include "db.h"
#include "engage.h"
#include "http_server.h"
#include "log.h"
#include "petition.h"
#include "server.h"
#include "shared.h"
#include "tmpl.h"
#include "tuning.h"
#include "writer.h"

#define MAX_TASKS 8
static ServerTask tasks[MAX_TASKS];
static int task_once[MAX_TASKS];   /* run by one node of a cluster (shared.h) */
static int ntasks;
static volatile int stopping;

/* Seconds a node holds the lease on the once-per-cluster tasks: renewed
 * every ~5 s round, taken over by another node within this when it dies. */
#define TASK_LEASE_SECONDS 30

void server_add_task(ServerTask fn)
{
    if (ntasks < MAX_TASKS) task_once[ntasks] = 0, tasks[ntasks++] = fn;
}

void server_add_cluster_task(ServerTask fn)
{
    if (ntasks < MAX_TASKS) task_once[ntasks] = 1, tasks[ntasks++] = fn;
}

static void run_tasks(Db *db)
{
    long long now = (long long)tuning_now();
    int lead = 1;
    if (shared_enabled()) {
        lead = shared_lease(db, "tasks", now, TASK_LEASE_SECONDS) == 1;
    }
    for (int i = 0; i < ntasks && db; i++)
        if (lead || !task_once[i]) tasks[i](db, now);
}

static void *task_thread(void *arg)
{
    (void)arg;
    Db *db = db_thread();
    while (!stopping) {
        for (int i = 0; i < 20 && !stopping; i++) usleep(250 * 1000);   /* ~5 s, wakes to stop */
        run_tasks(db);
    }
    /* Final run so a clean stop loses nothing; then another node may
     * take the tasks over at once instead of after TASK_LEASE_SECONDS. */
    run_tasks(db);
    if (shared_enabled() && db && shared_lease_release(db, "tasks") < 0)
        log_warn("shared: the task lease could not be released; another node takes it when it lapses");
    return NULL;
}

/* Several nodes: the shared tables' housekeeping (shared_sweep), once a
 * minute on the node that holds the task lease. */
static void shared_task(void *db, long long now)
{
    static long long last;
    if (!shared_enabled() || now - last < 60) return;
    last = now;
    if (shared_sweep(db, now) < 0) log_warn("shared: the sweep of the shared tables failed; it runs again in a minute");
}

/* Every few seconds: give memory that requests freed back to the system.
 * glibc keeps freed blocks in its arenas, fragmented between live ones, so
 * a burst of searches or renders left the server 10-20 MB larger for good
 * (bench/run.sh, VmRSS sampled during the load); malloc_trim releases the
 * free pages wherever they are.  It takes a few milliseconds. */
/* Hourly: erase the personal data of petitions answered longer ago than
 * the retention period (petition.h; docs/PETITIONS.md "Personal data"). */
static void retention_task(void *db, long long now)
{
    static long long last;
    if (cfg.petition_retention_days <= 0 || now - last < 3600) return;
    last = now;
    int64_t n = petition_retention_sweep(db, now, cfg.petition_retention_days);
    if (n > 0) log_info("petitions: personal data of %lld answered petitions erased (retention %d days)", (long long)n,
                        cfg.petition_retention_days);
    else if (n < 0) log_warn("petitions: the retention sweep failed; it runs again in an hour");
}

static void trim_task(void *db, long long now)
{
    (void)db, (void)now;
    malloc_trim(0);
}

/* The shipped server ignores HOIDONG_TEST_* variables (no code reads them);
 * say so, so an operator who set one is not misled. */
static void warn_test_variables(void)
{
    extern char **environ;
    for (char **e = environ; e && *e; e++)
        if (!strncmp(*e, "HOIDONG_TEST_", 13)) {
            const char *eq = strchr(*e, '=');
            log_warn("%.*s ignored: test aids exist only in the test build", eq ? (int)(eq - *e) : 40, *e);
        }
}

int server_run(char *err, size_t errlen)
{
    static char url[128];
    if (!cfg.site_url) {
        snprintf(url, sizeof url, strchr(cfg.listen, ':') ? "http://[%s]:%d" : "http://%s:%d", cfg.listen, cfg.port);
        cfg.site_url = url;
    }
    if (tuning->captcha_peek && !captcha_test_mode_allowed(cfg.listen)) {
        snprintf(err, errlen, "HOIDONG_TEST_MODE is only allowed on a loopback address, not %s", cfg.listen);
        return -1;
    }
    /* Two malloc arenas instead of glibc's 8 per CPU: with many worker threads
     * each thread's arena kept the memory its largest request (a search)
     * had used, which doubled the resident size under load (bench/run.sh). */
    mallopt(M_ARENA_MAX, 2);
    if (tmpl_load(cfg.template_dir, err, errlen) != 0) return -1;
    Db *db = db_open(cfg.db_path, 1, err, errlen);
    if (!db) return -1;
    shared_enable(db_has_notify(db));   /* PostgreSQL: other nodes may share the database */
    if (content_search_upgrade(db) != 0) {
        db_close(db);
        snprintf(err, errlen, "cannot rebuild the search index in %s (see the log above)", cfg.db_path);
        return -1;
    }
    if (engage_start(db) != 0) {
        db_close(db);
        snprintf(err, errlen, "cannot initialise the visitor secret in %s", cfg.db_path);
        return -1;
    }
    db_close(db);
    http_after_hook = engage_after_request;
    server_add_task(engage_task);
    server_add_task(trim_task);
    server_add_cluster_task(retention_task);
    server_add_cluster_task(shared_task);
    db_set_path(cfg.db_path);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Group commit for public writes (writer.h); started with the signals
     * blocked, like every thread, so sigwait below gets them. */
    if (writer_start(cfg.db_path, err, errlen) != 0) return -1;
    /* Several nodes: listen for the others' cache invalidations before
     * the first page can be cached. */
    if (shared_enabled() && shared_peers_start(cfg.db_path, err, errlen) != 0) {
        writer_stop();
        return -1;
    }
    if (http_start(err, errlen) != 0) {
        shared_peers_stop();
        writer_stop();
        return -1;
    }
    pthread_t tid;
    int have_tasks = pthread_create(&tid, NULL, task_thread, NULL) == 0;
    log_info("serving %s on %s:%d with %d threads (database %s)%s%s", cfg.site_url, cfg.listen, cfg.port,
             cfg.threads, cfg.db_path, shared_enabled() ? "; cluster node " : "",
             shared_enabled() ? shared_node() : "");
    if (tuning->build)
        log_warn("TEST BUILD (hoidong-test): not for production%s",
                 tuning->captcha_peek ? "; verification-code peek served (loopback only)" : "");
    else
        warn_test_variables();
    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: stopping", sig);
    http_stop();
    shared_peers_stop();
    writer_stop();   /* after the last request: its queued writes are committed */
    stopping = 1;
    if (have_tasks) pthread_join(tid, NULL);
    tmpl_unload();
    return 0;
}
