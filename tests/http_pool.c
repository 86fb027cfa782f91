/* http_pool.c - a handler that waits does not hold the other connections
 * (src/http_pool.c, http_server.c): with ONE libmicrohttpd thread and ONE
 * worker, a rating POST stuck behind a database lock the test holds waits
 * in the worker, while cached reads on other connections keep being
 * answered from the cache by that one libmicrohttpd thread.  Before the
 * worker pool the handler ran in libmicrohttpd's thread, and every read
 * waited with it (issue 7, item 3: reads under write load).
 *
 * SQLite only: the lock held here is SQLite's write lock.  Under
 * `make test-pg` the check is counted as skipped. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "db.h"
#include "t.h"
#include "tclient.h"

#define SEED_SLUG "de-an-nang-cao-nang-luc-hieu-luc-hieu-qua-hoat-dong-cua-hdnd-cac-cap-thanh-pho-ha-noi-giai-doan-2021-2026"
#define SEED_URL "/bai-viet/" SEED_SLUG

static TServer srv;

typedef struct {
    TClient *c;
    const char *csrf;
    int status;
    int done;
} Post;

static void *post_rating(void *arg)
{
    Post *p = arg;
    TResp *res = tc_post(p->c, SEED_URL "/danh-gia", "csrf", p->csrf, "sao", "4", NULL);
    p->status = res ? res->status : -1;
    __atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

TEST(test_waiting_write_does_not_hold_cached_reads)
{
    TClient *writer = tc_new(&srv), *reader = tc_new(&srv);
    TResp *res = tc_get(writer, SEED_URL);
    CHECK_INT(res->status, 200);
    char *csrf = tc_input_value(res->body, "csrf");
    CHECK(csrf != NULL);
    res = tc_get(reader, SEED_URL);
    res = tc_get(reader, SEED_URL);      /* certainly cached now */
    CHECK_INT(res->status, 200);
    unsigned long long serial = tc_render(res);
    CHECK(serial > 0);

    Db *db = ts_db(&srv);
    CHECK(db != NULL);
    if (!db || !csrf) return;
    CHECK_INT(db_exec(db, "BEGIN IMMEDIATE", ""), DB_OK);   /* the server's writer now waits */
    Post p = {writer, csrf, 0, 0};
    pthread_t tid;
    CHECK_INT(pthread_create(&tid, NULL, post_rating, &p), 0);
    /* Reads while the write waits (well inside the server's 5 s busy
     * timeout): each is answered, from the cache, while the POST is not. */
    int reads = 0, cached = 0, post_done_early = 0;
    for (int i = 0; i < 30; i++) {
        usleep(20000);
        res = tc_get(reader, SEED_URL);
        if (res && res->status == 200) reads++;
        if (res && tc_render(res) == serial) cached++;
        if (__atomic_load_n(&p.done, __ATOMIC_SEQ_CST)) post_done_early = 1;
    }
    CHECK_INT(db_exec(db, "ROLLBACK", ""), DB_OK);
    pthread_join(tid, NULL);
    CHECK_INT(post_done_early, 0);   /* the write really waited for the lock */
    CHECK_INT(reads, 30);
    CHECK_INT(cached, 30);
    CHECK_INT(p.status, 303);        /* and went through once the lock was gone */
    res = tc_get(reader, SEED_URL);  /* the rating shows at once */
    CHECK_INT(res->status, 200);
    CHECK(tc_render(res) != serial);
    db_close(db);
    free(csrf);
    tc_free(writer);
    tc_free(reader);
}

int main(void)
{
    t_prog = "http_pool";
    if (t_pg()) {
        T_SKIP(test_waiting_write_does_not_hold_cached_reads, "the lock held is SQLite's write lock");
        return t_done();
    }
    setenv("HOIDONG_IO_THREADS", "1", 1);
    setenv("HOIDONG_THREADS", "1", 1);
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "cannot start the server\n");
        return 1;
    }
    RUN(test_waiting_write_does_not_hold_cached_reads);
    ts_stop(&srv);
    return t_done();
}
