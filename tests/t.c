/* t.c - counters and summary for t.h, and the database a test runs on. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <libpq-fe.h>
#include "t.h"
int t_passed, t_failed, t_skipped, t_cur_failed;
const char *t_prog = "tests";

int t_done(void)
{
    if (t_skipped) printf("%s: %d passed, %d failed, %d skipped\n", t_prog, t_passed, t_failed, t_skipped);
    else printf("%s: %d passed, %d failed\n", t_prog, t_passed, t_failed);
    return t_failed ? 1 : 0;
}

int t_pg(void)
{
    const char *u = getenv("HOIDONG_TEST_PG");
    return u && *u;
}

#define T_DB_MAX 256
static struct { char *path, *url; } t_dbs[T_DB_MAX];
static int t_ndbs;
static pthread_mutex_t t_db_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *t_db_locked(const char *path);

/* See t.h.  The schema name is made of digits and letters only, so the
 * one statement built here cannot carry anything else. */
const char *t_db(const char *path)
{
    if (!t_pg()) return path;
    pthread_mutex_lock(&t_db_mu);   /* tests open databases from several threads */
    const char *url = t_db_locked(path);
    pthread_mutex_unlock(&t_db_mu);
    return url;
}

static const char *t_db_locked(const char *path)
{
    for (int i = 0; i < t_ndbs; i++)
        if (strcmp(t_dbs[i].path, path) == 0) return t_dbs[i].url;
    if (t_ndbs == T_DB_MAX) {
        fprintf(stderr, "t_db: more than %d databases in one test program\n", T_DB_MAX);
        exit(1);
    }
    const char *base = getenv("HOIDONG_TEST_PG");
    char schema[40], sql[256];
    snprintf(schema, sizeof schema, "t%ld_%d", (long)getpid(), t_ndbs + 1);
    snprintf(sql, sizeof sql, "SET client_min_messages = warning; DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", schema, schema);
    PGconn *c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "t_db: cannot connect to %s: %s", base, PQerrorMessage(c));
        exit(1);
    }
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "t_db: %s: %s", sql, PQerrorMessage(c));
        exit(1);
    }
    PQclear(r);
    PQfinish(c);
    size_t n = strlen(base) + strlen(schema) + 64;
    char *url = malloc(n);
    if (!url) abort();
    snprintf(url, n, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?', schema);
    t_dbs[t_ndbs].path = strdup(path);
    t_dbs[t_ndbs].url = url;
    if (!t_dbs[t_ndbs].path) abort();
    t_ndbs++;
    return url;
}
