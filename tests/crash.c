/* crash.c - crash safety and backup under load (issue 4, durability).
 *
 *   crash [--kills N] [--seconds S] [--writers W] [--no-backup]
 *
 * Writer threads (each its own libcurl TClient) perform writes with unique
 * keys and record a key ONLY when the server acknowledged it (303/200):
 *   - admin edits: create an article whose title carries the key, and edit
 *     one's own earlier article to a new keyed title (each save is one
 *     revision row);
 *   - public writes, when the routes exist: star ratings (each by a fresh
 *     visitor from its own /24 loopback network) and comments (fresh
 *     visitor, verification code read through the test-mode peek), the
 *     comment text carrying the key.
 * Meanwhile the server is killed with SIGKILL at random moments and
 * restarted, N times in about S seconds; the last kill is not followed by
 * a restart.  Then, with no server running, the database is opened and
 * every acknowledged key must be there exactly once, the tables must agree
 * with each other, and `hoidong check` (integrity + foreign keys) must say
 * ok.
 *
 * Backup phase: the server runs again under the same write load while
 * `hoidong backup FILE` copies the database; the copy must pass `hoidong
 * check`, hold every write acknowledged before the backup began, and,
 * served by a second server instance, answer the smoke tests.
 *
 * Prints figures (kills, acknowledged and refused writes, restart times)
 * and "crash: N passed, M failed". */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "db.h"
#include "t.h"
#include "tclient.h"

enum { K_CREATE, K_EDIT, K_RATING, K_COMMENT, K_KINDS };
static const char *const kind_name[K_KINDS] = {"article creations", "article edits", "ratings", "comments"};

typedef struct Ack {
    char key[40];
    int kind;
    int64_t article_id;   /* creations/edits: the article; ratings: the rated article */
    int stars;
} Ack;

typedef struct Writer {
    int no;
    pthread_t th;
    TClient *adm;
    Ack *acks;
    size_t nacks, cap;
    long attempts[K_KINDS], acked[K_KINDS], transport_err, refused;
    long refused_status[6];   /* by hundreds: 4xx, 5xx ... */
    int64_t rate_article;     /* the article visitors rate (the seed article) */
    unsigned seed;
    pthread_mutex_t mu;       /* guards nacks while the backup phase snapshots it */
} Writer;

static TServer srv;
static atomic_int stop_writers;
static char cat_id[32], seed_path[512];
static int have_rating, have_comment;
static int opt_kills = 5, opt_seconds = 20, opt_writers = 4, opt_backup = 1;
static int kills_done;
static double restart_ms_total, restart_ms_max;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void add_ack(Writer *w, const char *key, int kind, int64_t article, int stars)
{
    pthread_mutex_lock(&w->mu);
    if (w->nacks == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->acks = realloc(w->acks, w->cap * sizeof *w->acks);
    }
    Ack *a = &w->acks[w->nacks++];
    snprintf(a->key, sizeof a->key, "%s", key);
    a->kind = kind;
    a->article_id = article;
    a->stars = stars;
    pthread_mutex_unlock(&w->mu);
    w->acked[kind]++;
}

static void note_refusal(Writer *w, long status)
{
    if (status == 0) { w->transport_err++; usleep(20 * 1000); return; }   /* server down */
    w->refused++;
    if (status / 100 < 6) w->refused_status[status / 100]++;
}

/* The article id from a Location "/quan-tri/bai-viet/<id>?ok=1". */
static int64_t location_id(TResp *res)
{
    char *loc = tc_header(res, "Location");
    int64_t id = 0;
    const char *p = loc ? strstr(loc, "/bai-viet/") : NULL;
    if (p) id = strtoll(p + 10, NULL, 10);
    free(loc);
    return id;
}

static void do_create(Writer *w, long seq)
{
    char key[40], title[128];
    snprintf(key, sizeof key, "K%d-%ld-%04x", w->no, seq, rand_r(&w->seed) & 0xffff);
    snprintf(title, sizeof title, "Bền vững %s: bài kiểm tra ghi khi máy chủ bị tắt", key);
    w->attempts[K_CREATE]++;
    TResp *res = tc_post(w->adm, "/quan-tri/bai-viet/luu", "csrf", w->adm->csrf, "title", title, "slug", "",
                         "category_id", cat_id, "summary", "Kiểm tra độ bền dữ liệu.",
                         "body", "Nội dung **kiểm tra** độ bền.", "author", "Tổ kiểm thử", "status", "published",
                         "published_at", "", NULL);
    int64_t id = res->status == 303 ? location_id(res) : 0;
    if (res->status == 303 && id > 0) add_ack(w, key, K_CREATE, id, 0);
    else note_refusal(w, res->status);
}

/* Edit one of this writer's acknowledged articles to a new keyed title. */
static void do_edit(Writer *w, long seq)
{
    int64_t id = 0;
    pthread_mutex_lock(&w->mu);
    for (size_t i = w->nacks; i-- > 0;)
        if (w->acks[i].kind == K_CREATE) { id = w->acks[i].article_id; break; }
    pthread_mutex_unlock(&w->mu);
    if (!id) { do_create(w, seq); return; }
    char key[40], title[128], ids[32];
    snprintf(key, sizeof key, "E%d-%ld-%04x", w->no, seq, rand_r(&w->seed) & 0xffff);
    snprintf(title, sizeof title, "Bền vững %s: bài đã sửa", key);
    snprintf(ids, sizeof ids, "%lld", (long long)id);
    w->attempts[K_EDIT]++;
    TResp *res = tc_post(w->adm, "/quan-tri/bai-viet/luu", "csrf", w->adm->csrf, "id", ids, "title", title,
                         "slug", "", "category_id", cat_id, "summary", "Đã sửa.", "body", "Nội dung đã sửa.",
                         "author", "Tổ kiểm thử", "status", "published", "published_at", "", NULL);
    if (res->status == 303) add_ack(w, key, K_EDIT, id, 0);
    else note_refusal(w, res->status);
}

/* A fresh visitor from its own /24 (per-network caps stay out of the way). */
static TClient *fresh_visitor(Writer *w, long seq, char *ipbuf, size_t iplen)
{
    TClient *c = tc_new(&srv);
    snprintf(ipbuf, iplen, "127.%d.%ld.%ld", 10 + w->no, (seq / 200) % 250 + 1, seq % 200 + 2);
    c->ip = ipbuf;
    c->quiet = 1;
    return c;
}

/* A star rating of the seed article by a new visitor (no cookie yet). */
static void do_rating(Writer *w, long seq)
{
    char ip[32], stars[4], path[600];
    TClient *c = fresh_visitor(w, seq, ip, sizeof ip);
    int s = 1 + (int)(rand_r(&w->seed) % 5);
    snprintf(stars, sizeof stars, "%d", s);
    w->attempts[K_RATING]++;
    TResp *res = tc_get(c, seed_path);   /* the public form token is on the page */
    char *csrf = res->status == 200 ? tc_input_value(res->body, "csrf") : NULL;
    if (!csrf) { note_refusal(w, res->status); tc_free(c); return; }
    snprintf(path, sizeof path, "%s/danh-gia", seed_path);
    res = tc_post(c, path, "csrf", csrf, "sao", stars, NULL);
    free(csrf);
    if (res->status == 303 || res->status == 200) {
        char key[40];
        snprintf(key, sizeof key, "R%d-%ld", w->no, seq);
        add_ack(w, key, K_RATING, 0, s);
    } else {
        note_refusal(w, res->status);
    }
    tc_free(c);
}

/* A comment by a new visitor: the form page gives the token and a code id,
 * the test-mode peek the code; the text carries the key. */
static void do_comment(Writer *w, long seq)
{
    char ip[32], path[600], key[40], body[200];
    TClient *c = fresh_visitor(w, seq, ip, sizeof ip);
    w->attempts[K_COMMENT]++;
    snprintf(path, sizeof path, "%s/gui-binh-luan", seed_path);
    TResp *res = tc_get(c, path);
    long st = res->status;
    char *csrf = st == 200 ? tc_input_value(res->body, "csrf") : NULL;
    char *cid = st == 200 ? tc_input_value(res->body, "ma_id") : NULL;
    char *code = NULL;
    if (cid && *cid) {
        char peek[256];
        snprintf(peek, sizeof peek, "/xac-thuc/%s/thu-nghiem", cid);
        TResp *p = tc_get(c, peek);
        st = p->status;
        if (p->status == 200) code = strndup(p->body, strcspn(p->body, "\r\n"));
    }
    if (!csrf || !cid || !code) {
        note_refusal(w, st == 200 ? 400 : st);
        free(csrf), free(cid), free(code);
        tc_free(c);
        return;
    }
    snprintf(key, sizeof key, "C%d-%ld-%04x", w->no, seq, rand_r(&w->seed) & 0xffff);
    snprintf(body, sizeof body, "Ý kiến kiểm tra độ bền %s: cảm ơn Hội đồng.", key);
    snprintf(path, sizeof path, "%s/binh-luan", seed_path);
    res = tc_post(c, path, "csrf", csrf, "ho_ten", "Người kiểm thử", "email", "", "noi_dung", body,
                  "website", "", "ma_id", cid, "ma_xac_thuc", code, NULL);
    if (res->status == 303) add_ack(w, key, K_COMMENT, 0, 0);
    else note_refusal(w, res->status);
    free(csrf), free(cid), free(code);
    tc_free(c);
}

static void *writer_main(void *arg)
{
    Writer *w = arg;
    for (long seq = 0; !atomic_load(&stop_writers); seq++) {
        int r = (int)(rand_r(&w->seed) % 10);
        if (have_comment && r == 0) do_comment(w, seq);
        else if (have_rating && r <= 2) do_rating(w, seq);
        else if (r <= 6) do_create(w, seq);
        else do_edit(w, seq);
    }
    return NULL;
}

static Writer *writers;

static int start_writers(void)
{
    atomic_store(&stop_writers, 0);
    for (int i = 0; i < opt_writers; i++)
        if (pthread_create(&writers[i].th, NULL, writer_main, &writers[i]) != 0) return -1;
    return 0;
}

static void stop_all_writers(void)
{
    atomic_store(&stop_writers, 1);
    for (int i = 0; i < opt_writers; i++) pthread_join(writers[i].th, NULL);
}

/* ---- verification ------------------------------------------------------ */

typedef struct Verdict { long checked, missing, duplicated, wrong; } Verdict;

/* Stored keys, read in one scan per table and sorted (a LIKE per key
 * would scan the table for each of the soak run's ~10^5 keys). */
typedef struct Stored { char key[40]; int64_t article_id; int revision; } Stored;

static int cmp_stored(const void *a, const void *b)
{
    return strcmp(((const Stored *)a)->key, ((const Stored *)b)->key);
}

/* Rows of sql (text column 0 starting with prefix, then the key up to ':';
 * optional int columns 1 and 2) into a sorted array; *n its length. */
static Stored *load_keys(Db *db, const char *sql, const char *prefix, size_t *n)
{
    size_t cap = 1024, len = 0;
    Stored *v = malloc(cap * sizeof *v);
    Stmt *st = db_prepare(db, sql);
    size_t pl = strlen(prefix);
    while (st && db_step(st) == DB_ROW) {
        const char *t = db_col_text(st, 0);
        if (strncmp(t, prefix, pl) != 0) continue;
        t += pl;
        size_t kl = strcspn(t, ":");
        if (kl == 0 || kl >= sizeof v->key) continue;
        if (len == cap) v = realloc(v, (cap *= 2) * sizeof *v);
        memcpy(v[len].key, t, kl);
        v[len].key[kl] = 0;
        v[len].article_id = db_col_count(st) > 1 ? db_col_int(st, 1) : 0;
        v[len].revision = db_col_count(st) > 2 ? (int)db_col_int(st, 2) : 0;
        len++;
    }
    if (st) db_done(st);
    qsort(v, len, sizeof *v, cmp_stored);
    *n = len;
    return v;
}

/* How many stored entries have key; *first gets the first of them. */
static long find_key(Stored *v, size_t n, const char *key, Stored **first)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(v[mid].key, key) < 0) lo = mid + 1; else hi = mid;
    }
    long c = 0;
    *first = lo < n ? &v[lo] : NULL;
    while (lo + (size_t)c < n && !strcmp(v[lo + (size_t)c].key, key)) c++;
    return c;
}

/* Every acknowledged key among the first upto[w] acks of each writer is in
 * the database at path exactly once (and on the right article). */
static Verdict verify_keys(const char *path, const size_t *upto)
{
    Verdict v = {0};
    char err[256];
    Db *db = db_open(path, 0, err, sizeof err);
    if (!db) { fprintf(stderr, "crash: db_open %s: %s\n", path, err); v.missing = 1; return v; }
    size_t nrev = 0, ncom = 0;
    Stored *revs = load_keys(db, "SELECT title, article_id, revision FROM article_revisions WHERE title LIKE 'Bền vững %'",
                             "Bền vững ", &nrev);
    Stored *coms = have_comment ? load_keys(db, "SELECT body FROM comments WHERE body LIKE 'Ý kiến kiểm tra độ bền %'",
                                            "Ý kiến kiểm tra độ bền ", &ncom) : NULL;
    for (int i = 0; i < opt_writers; i++) {
        Writer *w = &writers[i];
        size_t n = upto ? upto[i] : w->nacks;
        for (size_t k = 0; k < n; k++) {
            Ack *a = &w->acks[k];
            Stored *hit = NULL;
            long cnt;
            int ok = 1;
            if (a->kind == K_CREATE || a->kind == K_EDIT) {
                cnt = find_key(revs, nrev, a->key, &hit);
                /* ... a revision of the article the server named; a creation is revision 1. */
                if (cnt == 1) ok = hit->article_id == a->article_id && (a->kind == K_EDIT || hit->revision == 1);
            } else if (a->kind == K_COMMENT) {
                cnt = find_key(coms, ncom, a->key, &hit);
            } else {
                continue;   /* ratings are counted per article (verify_consistency) */
            }
            v.checked++;
            if (cnt == 0) { v.missing++; if (v.missing < 5) fprintf(stderr, "crash: missing %s\n", a->key); }
            else if (cnt > 1) { v.duplicated++; fprintf(stderr, "crash: %s stored %ld times\n", a->key, cnt); }
            else if (!ok) { v.wrong++; fprintf(stderr, "crash: %s stored on the wrong article\n", a->key); }
        }
    }
    free(revs);
    free(coms);
    db_close(db);
    return v;
}

/* Cross-table invariants after the crashes. */
static void verify_consistency(const char *path)
{
    char err[256];
    Db *db = db_open(path, 0, err, sizeof err);
    CHECK(db != NULL);
    if (!db) return;
    /* Each test article's row matches its newest revision, and its revision
     * counter matches the revisions stored. */
    int64_t bad_title = db_int(db, -1,
        "SELECT COUNT(*) FROM articles a WHERE a.title LIKE 'Bền vững %' AND a.title <> "
        "(SELECT r.title FROM article_revisions r WHERE r.article_id = a.id ORDER BY r.revision DESC LIMIT 1)", "");
    int64_t bad_rev = db_int(db, -1,
        "SELECT COUNT(*) FROM articles a WHERE a.title LIKE 'Bền vững %' AND a.revision <> "
        "(SELECT MAX(r.revision) FROM article_revisions r WHERE r.article_id = a.id)", "");
    int64_t arts = db_int(db, -1, "SELECT COUNT(*) FROM articles WHERE title LIKE 'Bền vững %'", "");
    int64_t revs = db_int(db, -1, "SELECT COUNT(*) FROM article_revisions WHERE title LIKE 'Bền vững %'", "");
    printf("crash: database holds %lld test articles with %lld revisions; mismatched title %lld, revision %lld\n",
           (long long)arts, (long long)revs, (long long)bad_title, (long long)bad_rev);
    CHECK_INT(bad_title, 0);
    CHECK_INT(bad_rev, 0);
    if (have_rating) {
        /* Ratings: no acknowledged one lost, none beyond what was attempted,
         * and the per-article totals agree with the rows. */
        long acked = 0, tried = 0;
        for (int i = 0; i < opt_writers; i++) acked += writers[i].acked[K_RATING], tried += writers[i].attempts[K_RATING];
        int64_t aid = writers[0].rate_article;
        int64_t rows = db_int(db, -1, "SELECT COUNT(*) FROM ratings WHERE article_id = ?1 AND is_sample = 0", "l", aid);
        int64_t tot_ok = db_int(db, -1,
            "SELECT COUNT(*) FROM rating_totals t WHERE t.article_id = ?1 AND t.count = "
            "(SELECT COUNT(*) FROM ratings r WHERE r.article_id = t.article_id) AND t.sum = "
            "(SELECT COALESCE(SUM(stars), 0) FROM ratings r WHERE r.article_id = t.article_id)", "l", aid);
        printf("crash: ratings: %ld acknowledged, %ld attempted, %lld stored; totals consistent: %s\n", acked, tried,
               (long long)rows, tot_ok == 1 ? "yes" : "NO");
        CHECK(rows >= acked && rows <= tried);
        CHECK_INT(tot_ok, 1);
    }
    db_close(db);
}

static void hoidong_check(TServer *s, const char *what)
{
    char *out = NULL;
    int rc = ts_cmd(s, &out, "check");
    printf("crash: hoidong check (%s): exit %d: %s", what, rc, out ? out : "\n");
    if (out && (!*out || out[strlen(out) - 1] != '\n')) printf("\n");
    CHECK_INT(rc, 0);
    CHECK_CONTAINS(out, "ok");
    free(out);
}

static void stop_server_sigkill(TServer *s)
{
    if (s->pid <= 0) return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

static void print_figures(const char *phase, double secs)
{
    long att[K_KINDS] = {0}, ack[K_KINDS] = {0}, terr = 0, ref = 0, r4 = 0, r5 = 0;
    for (int i = 0; i < opt_writers; i++) {
        for (int k = 0; k < K_KINDS; k++) att[k] += writers[i].attempts[k], ack[k] += writers[i].acked[k];
        terr += writers[i].transport_err, ref += writers[i].refused;
        r4 += writers[i].refused_status[4], r5 += writers[i].refused_status[5];
    }
    long total = 0;
    for (int k = 0; k < K_KINDS; k++) total += ack[k];
    printf("crash: %s: %.1f s, %d writers, acknowledged writes %ld (", phase, secs, opt_writers, total);
    for (int k = 0; k < K_KINDS; k++)
        printf("%s%s %ld/%ld", k ? ", " : "", kind_name[k], ack[k], att[k]);
    printf("); no answer (server down) %ld; refused %ld (4xx %ld, 5xx %ld)\n", terr, ref, r4, r5);
}

/* ---- phases ------------------------------------------------------------- */

TEST(test_kill_restart)
{
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    printf("crash: seed %u; %d kills over about %d s\n", seed, opt_kills, opt_seconds);
    CHECK_INT(start_writers(), 0);
    double t0 = now_ms();
    double gap = opt_seconds * 1000.0 / opt_kills;
    for (int k = 0; k < opt_kills; k++) {
        double wait = gap * 0.25 + (double)(rand_r(&seed) % 1000) / 1000.0 * gap * 1.5;
        if (wait > 0) usleep((useconds_t)(wait * 1000));
        if (k == opt_kills - 1) {   /* the last one: a crash with nobody restarting */
            stop_server_sigkill(&srv);
            kills_done++;
            break;
        }
        double r0 = now_ms();
        int rc = ts_restart_kill(&srv);
        double r = now_ms() - r0;
        kills_done++;
        restart_ms_total += r;
        if (r > restart_ms_max) restart_ms_max = r;
        CHECK_INT(rc, 0);
        if (rc != 0) {
            char cmd[400];
            snprintf(cmd, sizeof cmd, "tail -n 12 '%s/server.log' | sed 's/^/crash: server.log: /' >&2", srv.dir);
            if (system(cmd) != 0) {}
            break;
        }
    }
    usleep(300 * 1000);   /* writers see the server gone */
    stop_all_writers();
    double secs = (now_ms() - t0) / 1e3;
    printf("crash: %d kills with SIGKILL (%d restarts, restart to /healthz avg %.0f ms, max %.0f ms)\n", kills_done,
           kills_done - 1, kills_done > 1 ? restart_ms_total / (kills_done - 1) : 0.0, restart_ms_max);
    print_figures("kill phase", secs);
    char path[400];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    Verdict v = verify_keys(path, NULL);
    printf("crash: verified %ld acknowledged keys after the crashes: missing %ld, duplicated %ld, misplaced %ld\n",
           v.checked, v.missing, v.duplicated, v.wrong);
    CHECK(v.checked > 0);
    CHECK_INT(v.missing, 0);
    CHECK_INT(v.duplicated, 0);
    CHECK_INT(v.wrong, 0);
    verify_consistency(path);
    hoidong_check(&srv, "after the crashes");
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) || getsockname(fd, (struct sockaddr *)&a, &l)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

/* A free loopback port below the ephemeral range.  While the server is
 * down, clients keep connecting to its port; with a port inside the
 * ephemeral range one of them can be given that very port as its own
 * and connect to itself (TCP self-connect), and the restarted server
 * then cannot bind.  0 if none found. */
static int port_below_ephemeral(void)
{
    int lo = 32768;
    FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
    if (f) {
        if (fscanf(f, "%d", &lo) != 1) lo = 32768;
        fclose(f);
    }
    if (lo <= 11000) return 0;
    unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
    for (int i = 0; i < 200; i++) {
        int p = 10000 + (int)(rand_r(&seed) % (unsigned)(lo - 10000));
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
        if (fd >= 0) close(fd);
        if (ok) return p;
    }
    return 0;
}

TEST(test_backup_under_load)
{
    CHECK_INT(ts_restart_kill(&srv), 0);   /* pid 0: start again on the crashed files */
    if (srv.pid <= 0) return;
    for (int i = 0; i < opt_writers; i++) {
        memset(writers[i].attempts, 0, sizeof writers[i].attempts);
        memset(writers[i].acked, 0, sizeof writers[i].acked);
        memset(writers[i].refused_status, 0, sizeof writers[i].refused_status);
        writers[i].transport_err = writers[i].refused = 0;
    }
    CHECK_INT(start_writers(), 0);
    double t0 = now_ms();
    usleep(1500 * 1000);
    /* Everything acknowledged up to now must be in the copy. */
    size_t *upto = calloc((size_t)opt_writers, sizeof *upto);
    for (int i = 0; i < opt_writers; i++) {
        pthread_mutex_lock(&writers[i].mu);
        upto[i] = writers[i].nacks;
        pthread_mutex_unlock(&writers[i].mu);
    }
    TServer b;
    memset(&b, 0, sizeof b);
    snprintf(b.dir, sizeof b.dir, "/tmp/hdbackup-XXXXXX");
    CHECK(mkdtemp(b.dir) != NULL);
    char args[600], *out = NULL;
    snprintf(args, sizeof args, "backup '%s/hoidong.db'", b.dir);
    double b0 = now_ms();
    int rc = ts_cmd(&srv, &out, args);
    double bms = now_ms() - b0;
    printf("crash: hoidong backup under load: exit %d in %.0f ms: %s", rc, bms, out ? out : "\n");
    CHECK_INT(rc, 0);
    free(out);
    usleep(1000 * 1000);   /* writes go on after the copy */
    stop_all_writers();
    print_figures("backup phase", (now_ms() - t0) / 1e3);
    stop_server_sigkill(&srv);

    /* The copy: integrity, the acknowledged writes, served by a second instance. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp -a '%s/files' '%s/files' 2>/dev/null || mkdir -p '%s/files'", srv.dir, b.dir, b.dir);
    if (system(cmd) != 0) {}
    hoidong_check(&b, "the backup copy");
    char path[400];
    snprintf(path, sizeof path, "%s/hoidong.db", b.dir);
    Verdict v = verify_keys(path, upto);
    printf("crash: backup holds the %ld keys acknowledged before it began: missing %ld, duplicated %ld, misplaced %ld\n",
           v.checked, v.missing, v.duplicated, v.wrong);
    CHECK(v.checked > 0);
    CHECK_INT(v.missing, 0);
    CHECK_INT(v.duplicated, 0);
    free(upto);
    b.port = port_below_ephemeral();
    if (b.port <= 0) b.port = free_port();
    snprintf(b.base, sizeof b.base, "http://127.0.0.1:%d", b.port);
    rc = ts_restart_kill(&b);
    CHECK_INT(rc, 0);
    if (rc == 0) {
        TClient *c = tc_new(&b);
        TResp *r = tc_get(c, "/");
        long home = r->status;
        r = tc_get(c, seed_path);
        long art = r->status;
        int has_title = r->body && strstr(r->body, "<h1") != NULL;
        printf("crash: second server on the backup: home %ld, seed article %ld\n", home, art);
        CHECK_INT(home, 200);
        CHECK_INT(art, 200);
        CHECK(has_title);
        tc_free(c);
    }
    ts_stop(&b);
}

static void usage(void)
{
    fprintf(stderr, "usage: crash [--kills N] [--seconds S] [--writers W] [--no-backup]\n");
}

int main(int argc, char **argv)
{
    t_prog = "crash";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--kills") && i + 1 < argc) opt_kills = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) opt_seconds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--writers") && i + 1 < argc) opt_writers = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-backup")) opt_backup = 0;
        else { usage(); return 2; }
    }
    if (opt_kills < 1 || opt_seconds < 1 || opt_writers < 1 || opt_writers > 64) { usage(); return 2; }
    signal(SIGPIPE, SIG_IGN);
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "crash: server did not start\n");
        t_failed++;
        return t_done();
    }
    /* Move the server to a port outside the ephemeral range (see above). */
    int port = port_below_ephemeral();
    if (port > 0) {
        kill(srv.pid, SIGTERM);
        waitpid(srv.pid, NULL, 0);
        srv.pid = 0;
        srv.port = port;
        snprintf(srv.base, sizeof srv.base, "http://127.0.0.1:%d", port);
        if (ts_restart_kill(&srv) != 0) {
            fprintf(stderr, "crash: server did not start on port %d\n", port);
            t_failed++;
            return t_done();
        }
    }
    /* Set-up: a category, the seed article, which public writes exist. */
    {
        char path[400], err[256];
        snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
        Db *db = db_open(path, 0, err, sizeof err);
        Arena *a = arena_new();
        char *slug = NULL;
        int64_t seed_id = 0;
        if (db) {
            snprintf(cat_id, sizeof cat_id, "%lld", (long long)db_int(db, 0, "SELECT MIN(id) FROM categories", ""));
            slug = db_text(db, a, "SELECT slug FROM articles WHERE status = 'published' ORDER BY featured DESC, id LIMIT 1", "");
            seed_id = db_int(db, 0, "SELECT id FROM articles WHERE slug = ?1", "t", slug ? slug : "");
            db_close(db);
        }
        snprintf(seed_path, sizeof seed_path, "/bai-viet/%s", slug ? slug : "khong-co");
        arena_free(a);
        writers = calloc((size_t)opt_writers, sizeof *writers);
        for (int i = 0; i < opt_writers; i++) {
            writers[i].no = i;
            writers[i].seed = (unsigned)time(NULL) * 31u + (unsigned)i;
            writers[i].rate_article = seed_id;
            pthread_mutex_init(&writers[i].mu, NULL);
            writers[i].adm = tc_new(&srv);
            writers[i].adm->quiet = 1;
            if (tc_login(writers[i].adm, "admin", TS_ADMIN_PASSWORD) != 0) {
                fprintf(stderr, "crash: writer %d cannot sign in\n", i);
                t_failed++;
                return t_done();
            }
        }
        /* A POST without a token: 403 when the route exists, 404 when not. */
        TClient *c = tc_new(&srv);
        char p[600];
        snprintf(p, sizeof p, "%s/danh-gia", seed_path);
        have_rating = tc_post(c, p, "x", "1", NULL)->status != 404;
        snprintf(p, sizeof p, "%s/binh-luan", seed_path);
        have_comment = tc_post(c, p, "x", "1", NULL)->status != 404;
        tc_free(c);
        printf("crash: workload: article creations and edits%s%s\n", have_rating ? ", ratings" : "",
               have_comment ? ", comments" : "");
    }
    RUN(test_kill_restart);
    if (opt_backup) RUN(test_backup_under_load);
    for (int i = 0; i < opt_writers; i++) {
        tc_free(writers[i].adm);
        free(writers[i].acks);
    }
    free(writers);
    ts_stop(&srv);
    return t_done();
}
