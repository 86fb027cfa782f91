/* http_cluster.c - two hoidong nodes on one PostgreSQL database (issue 11
 * item 4: the tests that only make sense with several nodes).  Node A is
 * started with the demo, node B beside it on the same database and file
 * store (ts_start_peer).  Under SQLite (make test) there is no second
 * node to start: every test is counted as skipped.
 *   - a verification code issued by A is accepted once on B, and the same
 *     code replayed on A is refused;
 *   - a comment approved on A leaves B's moderation queue and appears on
 *     B's article page, which B had cached: the page cache's TTL is set to
 *     ten minutes here (test build), so only A's message can explain it;
 *   - a visitor who reads pages on both nodes is online once, on either
 *     node's figures, and two visitors on two nodes are two;
 *   - killing A with SIGKILL while a client writes ratings through it
 *     loses none of the ratings A acknowledged, and B goes on serving. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "t.h"
#include "tclient.h"

static TServer A, B;
static char article[512];


static int find_article(void)
{
    TClient *c = tc_new(&A);
    TResp *res = tc_get(c, "/");
    const char *p = res->status == 200 ? strstr(res->body, "href=\"/bai-viet/") : NULL;
    const char *e = p ? strchr(p + 6, '"') : NULL;
    if (e && (size_t)(e - p - 6) < sizeof article) {
        memcpy(article, p + 6, (size_t)(e - p - 6));
        article[e - p - 6] = 0;
    }
    tc_free(c);
    return article[0] ? 0 : -1;
}

/* The comment form on `form_node` as a fresh visitor: csrf, code id and the
 * code itself (test-mode peek on `peek_node`).  0 or -1; strings malloc'd. */
static int comment_form(TClient *c, TServer *peek_node, char **csrf, char **cid, char **code)
{
    char path[600];
    *csrf = *cid = *code = NULL;
    snprintf(path, sizeof path, "%s/gui-binh-luan", article);
    TResp *res = tc_get(c, path);
    if (res->status != 200) return -1;
    *csrf = tc_input_value(res->body, "csrf");
    *cid = tc_input_value(res->body, "ma_id");
    if (!*csrf || !*cid || !**cid) return -1;
    TClient *p = tc_new(peek_node);
    snprintf(path, sizeof path, "/xac-thuc/%s/thu-nghiem", *cid);
    res = tc_get(p, path);
    if (res->status == 200) *code = strndup(res->body, strcspn(res->body, "\r\n"));
    tc_free(p);
    return *code ? 0 : -1;
}

static long post_comment(TClient *c, const char *csrf, const char *cid, const char *code, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/binh-luan", article);
    return tc_post(c, path, "csrf", csrf, "ho_ten", "Nguyễn Thị Hà", "email", "", "noi_dung", text, "website", "",
                   "ma_id", cid, "ma_xac_thuc", code, NULL)->status;
}

TEST(code_from_a_is_used_once_across_nodes)
{
    TClient *onA = tc_new(&A), *onB = tc_new(&B);
    char *csrf, *cid, *code;
    CHECK_INT(comment_form(onA, &A, &csrf, &cid, &code), 0);
    if (!code) { tc_free(onA), tc_free(onB); free(csrf), free(cid); return; }
    /* The form came from A; the visitor's next request lands on B, which
     * accepts A's code (the public form token is the day's, the same on
     * both nodes) ... */
    CHECK_INT(post_comment(onB, csrf, cid, code, "Ý kiến thứ nhất gửi qua nút B, mã do nút A cấp."), 303);
    /* ... once: replayed on A, or on B again, it is refused. */
    CHECK_INT(post_comment(onA, csrf, cid, code, "Ý kiến phát lại trên nút A."), 400);
    CHECK_INT(post_comment(onB, csrf, cid, code, "Ý kiến phát lại trên nút B."), 400);
    free(csrf), free(cid), free(code);
    tc_free(onA);
    tc_free(onB);
}

TEST(approval_on_a_shows_on_b)
{
    const char *text = "Đề nghị niêm yết lịch tiếp xúc cử tri tại nhà văn hoá tổ dân phố.";
    TClient *v = tc_new(&A);
    char *csrf, *cid, *code;
    CHECK_INT(comment_form(v, &A, &csrf, &cid, &code), 0);
    if (!code) { tc_free(v); free(csrf), free(cid); return; }
    CHECK_INT(post_comment(v, csrf, cid, code, text), 303);
    free(csrf), free(cid), free(code);
    tc_free(v);

    TClient *modB = tc_new(&B), *modA = tc_new(&A);
    CHECK_INT(tc_login(modB, "admin", TS_ADMIN_PASSWORD), 0);
    CHECK_INT(tc_login(modA, "admin", TS_ADMIN_PASSWORD), 0);
    TResp *res = tc_get(modB, "/quan-tri/binh-luan?trang-thai=pending");
    CHECK_CONTAINS(res->body, text);
    const char *p = strstr(res->body, text);
    long id = 0;
    for (const char *q = res->body; p && (q = strstr(q, "id=\"bl-")) && q < p; q++) id = strtol(q + 7, NULL, 10);
    CHECK(id > 0);

    /* B caches the article page (a second read is the same render).  The
     * sign-ins above emptied A's cache and told B so; that message may
     * reach B only now, so read until two reads in a row are one render. */
    TClient *reader = tc_new(&B);
    int cached = 0;
    for (int i = 0; i < 100 && !cached; i++) {
        res = tc_get(reader, article);
        char *r1 = res->status == 200 ? tc_header(res, "X-Hoidong-Render") : NULL;
        res = tc_get(reader, article);
        char *r2 = res->status == 200 ? tc_header(res, "X-Hoidong-Render") : NULL;
        cached = r1 && r2 && !strcmp(r1, r2);
        free(r1), free(r2);
        if (!cached) usleep(20 * 1000);
    }
    CHECK(cached);
    CHECK_NOT_CONTAINS(res->body, text);

    char ids[32];
    snprintf(ids, sizeof ids, "%ld", id);
    res = tc_post(modA, "/quan-tri/binh-luan/xu-ly", "csrf", modA->csrf, "hanh_dong", "approved", "id", ids,
                  "trang_thai", "pending", NULL);
    CHECK_INT(res->status, 303);
    /* B's queue reads the database: gone at once. */
    res = tc_get(modB, "/quan-tri/binh-luan?trang-thai=pending");
    CHECK_NOT_CONTAINS(res->body, text);
    /* B's cached page: A's message arrives asynchronously, within
     * milliseconds; wait for it (at most 10 s, far below the 10-minute
     * TTL set for this test, so the TTL cannot be what renews the page). */
    int shown = 0;
    for (int i = 0; i < 200 && !shown; i++) {
        res = tc_get(reader, article);
        shown = res->status == 200 && strstr(res->body, text) != NULL;
        if (!shown) usleep(50 * 1000);
    }
    CHECK(shown);
    tc_free(reader);
    tc_free(modA);
    tc_free(modB);
}

TEST(a_visitor_on_both_nodes_is_online_once)
{
    TClient *one = tc_new(&A), *oneB = tc_new(&B), *two = tc_new(&B);
    one->user_agent = oneB->user_agent = "Mozilla/5.0 (cluster test) visitor-one";
    two->user_agent = "Mozilla/5.0 (cluster test) visitor-two";
    TClient *adm = tc_new(&A), *admB = tc_new(&B);
    CHECK_INT(tc_login(adm, "admin", TS_ADMIN_PASSWORD), 0);
    CHECK_INT(tc_login(admB, "admin", TS_ADMIN_PASSWORD), 0);
    /* Both nodes' clocks, injected: the figure is read once a second, so
     * each look is made on a later second. */
    int64_t t0 = (int64_t)time(NULL);
    CHECK_INT(ts_clock_set(&A, t0) | ts_clock_set(&B, t0), 0);
    long long before = tc_num_after(tc_get(adm, "/quan-tri/thong-ke")->body, "id=\"online-now\">");
    CHECK(before >= 0);
    CHECK_INT(tc_get(one, "/")->status, 200);
    CHECK_INT(tc_get(oneB, "/")->status, 200);
    CHECK_INT(tc_get(oneB, article)->status, 200);
    CHECK_INT(ts_clock_set(&A, t0 + 1) | ts_clock_set(&B, t0 + 1), 0);
    CHECK_INT(tc_num_after(tc_get(adm, "/quan-tri/thong-ke")->body, "id=\"online-now\">"), before + 1);
    CHECK_INT(tc_num_after(tc_get(admB, "/quan-tri/thong-ke")->body, "id=\"online-now\">"), before + 1);
    CHECK_INT(tc_get(two, "/")->status, 200);
    CHECK_INT(ts_clock_set(&A, t0 + 2) | ts_clock_set(&B, t0 + 2), 0);
    CHECK_INT(tc_num_after(tc_get(adm, "/quan-tri/thong-ke")->body, "id=\"online-now\">"), before + 2);
    CHECK_INT(tc_num_after(tc_get(admB, "/quan-tri/thong-ke")->body, "id=\"online-now\">"), before + 2);
    ts_clock_set(&A, 0);
    ts_clock_set(&B, 0);
    tc_free(one), tc_free(oneB), tc_free(two), tc_free(adm), tc_free(admB);
}

static long long count_ratings(Db *db)
{
    return db_int(db, -1, "SELECT count(*) FROM ratings", NULL);
}

/* A child process rates the article through A as new visitors, one after
 * another, and writes one line per acknowledged rating to `acks`. */
static void rate_until_killed(const char *acks)
{
    FILE *f = fopen(acks, "w");
    if (!f) _exit(1);
    setvbuf(f, NULL, _IONBF, 0);
    char path[600];
    snprintf(path, sizeof path, "%s/danh-gia", article);
    for (int i = 0; i < 5000; i++) {
        TClient *c = tc_new(&A);
        char ip[32];
        snprintf(ip, sizeof ip, "127.0.%d.%d", 1 + i / 100, 1 + i % 100);   /* under the daily cap per /24 */
        c->ip = ip;
        c->quiet = 1;
        TResp *res = tc_get(c, article);
        char *csrf = res->status == 200 ? tc_input_value(res->body, "csrf") : NULL;
        long st = csrf ? tc_post(c, path, "csrf", csrf, "sao", "4", NULL)->status : 0;
        free(csrf);
        tc_free(c);
        if (st == 303 || st == 200) fprintf(f, "%d\n", i);
        else if (st == 0) break;   /* A is gone */
    }
    fclose(f);
    _exit(0);
}

TEST(killing_a_node_loses_no_acknowledged_write)
{
    struct Db *db = ts_db(&A);
    CHECK(db != NULL);
    if (!db) return;
    char acks[400];
    snprintf(acks, sizeof acks, "%s/acks", A.dir);
    long long before = count_ratings(db);
    pid_t child = fork();
    if (child == 0) rate_until_killed(acks);
    /* Let it write, then kill A mid-stream. */
    int n = 0;
    for (int i = 0; i < 400 && n < 40; i++) {
        usleep(25 * 1000);
        char *s = tc_slurp(acks, NULL);
        n = 0;
        for (const char *p = s; p && *p; p++) n += *p == '\n';
        free(s);
    }
    CHECK(n >= 40);
    kill(A.pid, SIGKILL);
    waitpid(A.pid, NULL, 0);
    A.pid = 0;
    int st;
    waitpid(child, &st, 0);
    char *s = tc_slurp(acks, NULL);
    int acked = 0;
    for (const char *p = s; p && *p; p++) acked += *p == '\n';
    free(s);
    long long after = count_ratings(db);
    /* Every acknowledged rating is stored; at most the one in flight when
     * A died is stored unacknowledged. */
    CHECK(after - before >= acked);
    CHECK(after - before <= acked + 1);
    /* B goes on: it serves and takes a rating. */
    TClient *c = tc_new(&B);
    c->ip = "127.0.200.1";
    TResp *res = tc_get(c, article);
    CHECK_INT(res->status, 200);
    char *csrf = tc_input_value(res->body, "csrf");
    char path[600];
    snprintf(path, sizeof path, "%s/danh-gia", article);
    CHECK_INT(csrf ? tc_post(c, path, "csrf", csrf, "sao", "5", NULL)->status : 0, 303);
    free(csrf);
    tc_free(c);
    CHECK_INT(count_ratings(db), after + 1);
    fprintf(stderr, "cluster: %d ratings acknowledged by A before SIGKILL, %lld stored\n", acked, after - before);
}

int main(void)
{
    t_prog = "http_cluster";
    if (!t_pg()) {
        T_SKIP(code_from_a_is_used_once_across_nodes, "several nodes need PostgreSQL (make test-pg)");
        T_SKIP(approval_on_a_shows_on_b, "several nodes need PostgreSQL (make test-pg)");
        T_SKIP(a_visitor_on_both_nodes_is_online_once, "several nodes need PostgreSQL (make test-pg)");
        T_SKIP(killing_a_node_loses_no_acknowledged_write, "several nodes need PostgreSQL (make test-pg)");
        return t_done();
    }
    setenv("HOIDONG_TEST_CACHE_TTL_MS", "600000", 1);
    if (ts_start(&A, 1) != 0 || ts_start_peer(&B, &A) != 0 || find_article() != 0) {
        fprintf(stderr, "http_cluster: cannot start two nodes\n");
        ts_stop(&B);
        ts_stop(&A);
        return 1;
    }
    RUN(code_from_a_is_used_once_across_nodes);
    RUN(approval_on_a_shows_on_b);
    RUN(a_visitor_on_both_nodes_is_online_once);
    RUN(killing_a_node_loses_no_acknowledged_write);
    ts_stop(&B);
    ts_stop(&A);
    return t_done();
}
