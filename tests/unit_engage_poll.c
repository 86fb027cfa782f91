/* unit_engage_poll.c - the polls and links model (engage_poll.c) against a
 * fresh migrated SQLite database: poll validation, voter keys, exact vote
 * counts (also from concurrent connections), repeated votes refused with
 * counts unchanged, multiple choice, foreign/duplicate options, closed,
 * not-yet-open and draft polls, edits that keep votes, status changes with
 * audit; link URL rules (javascript: refused), save/delete/reorder; and
 * the demo's polls and statistics (715 voters, total 4.922.512, removed by
 * demo_remove). */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "engage_poll.h"
#include "log.h"
#include "stats.h"
#include "t.h"
#include "vn.h"

static char dir[256], dbpath[300];
static Db *db;

#define NOW ((int64_t)1780000000)   /* 2026-05-28, any fixed time works */

static int64_t q(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static int64_t qi(const char *sql, int64_t v)
{
    return db_int(db, -1, sql, "l", v);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-poll-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
    char err[256];
    db = db_open(t_db(dbpath), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

/* A poll created and opened now; returns its id and the option ids. */
static int64_t make_poll(const char *question, int multiple, int64_t opt[4])
{
    Arena *a = arena_new();
    PollInput in = {.question = question, .options = "Một\nHai\n  Ba  \n\nBốn\n", .multiple = multiple};
    int64_t id = 0;
    const char *err = NULL;
    if (poll_save(db, a, &in, 0, "test", NOW - 100, &id, &err) != 0) {
        fprintf(stderr, "poll_save: %s\n", err);
        arena_free(a);
        return 0;
    }
    arena_free(a);
    if (poll_set_status(db, id, "open", 0, "test", NOW - 50, &err) != 0) return 0;
    Stmt *st = db_prepare(db, "SELECT id FROM poll_options WHERE poll_id = ?1 ORDER BY position");
    db_bind_int(st, 1, id);
    for (int i = 0; i < 4 && db_step(st) == DB_ROW; i++) opt[i] = db_col_int(st, 0);
    db_done(st);
    return id;
}

static void key_of(int64_t poll, int who, char out[POLL_KEY_HEX])
{
    uint8_t vid[16] = {0};
    memcpy(vid, &who, sizeof who);
    vid[15] = 0x5a;
    if (poll_voter_key(db, poll, vid, out) != 0) out[0] = 0;
}

TEST(test_poll_save_validation)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t id = 0;
    PollInput in = {.question = "", .options = "A\nB"};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &id, &err) != 0);
    CHECK_CONTAINS(err, "câu hỏi");
    in = (PollInput){.question = "Câu hỏi?", .options = "Chỉ một"};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &id, &err) != 0);
    CHECK_CONTAINS(err, "hai phương án");
    in = (PollInput){.question = "Câu hỏi?", .options = "Có\ncó"};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &id, &err) != 0);
    CHECK_CONTAINS(err, "trùng");
    in = (PollInput){.question = "Câu hỏi?", .options = "A\nB", .opens_at = NOW, .closes_at = NOW - 1};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &id, &err) != 0);
    CHECK_CONTAINS(err, "kết thúc");
    in = (PollInput){.question = "\xff\xfe", .options = "A\nB"};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &id, &err) != 0);
    CHECK_INT(q("SELECT COUNT(*) FROM polls"), 0);
    in = (PollInput){.question = "  Câu hỏi hợp lệ?  ", .options = "A\r\nB\r\n"};
    CHECK_INT(poll_save(db, a, &in, 0, "t", NOW, &id, &err), 0);
    CHECK(id > 0);
    CHECK_INT(qi("SELECT COUNT(*) FROM polls WHERE id = ?1 AND status = 'draft' "
                 "AND question = 'Câu hỏi hợp lệ?'", id), 1);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_options WHERE poll_id = ?1", id), 2);
    CHECK_INT(qi("SELECT COUNT(*) FROM audit_log WHERE action = 'poll.create' AND object_id = ?1", id), 1);
    arena_free(a);
}

TEST(test_votable_rules)
{
    CHECK_INT(poll_votable("open", 0, 0, NOW), POLL_VOTE_OK);
    CHECK_INT(poll_votable("open", NOW - 1, NOW + 1, NOW), POLL_VOTE_OK);
    CHECK_INT(poll_votable("open", NOW + 1, 0, NOW), POLL_VOTE_NOT_OPEN);
    CHECK_INT(poll_votable("open", 0, NOW, NOW), POLL_VOTE_CLOSED);
    CHECK_INT(poll_votable("closed", 0, 0, NOW), POLL_VOTE_CLOSED);
    CHECK_INT(poll_votable("archived", 0, 0, NOW), POLL_VOTE_CLOSED);
    CHECK_INT(poll_votable("draft", 0, 0, NOW), POLL_VOTE_NOT_FOUND);
}

TEST(test_voter_key)
{
    char k1[POLL_KEY_HEX], k2[POLL_KEY_HEX], k3[POLL_KEY_HEX], k4[POLL_KEY_HEX];
    key_of(1, 1, k1);
    key_of(1, 1, k2);
    key_of(2, 1, k3);
    key_of(1, 2, k4);
    CHECK_INT(strlen(k1), 64);
    CHECK_STR(k1, k2);                       /* stable */
    CHECK(strcmp(k1, k3) != 0);              /* per poll: not linkable across polls */
    CHECK(strcmp(k1, k4) != 0);              /* per visitor */
    CHECK_INT(q("SELECT COUNT(*) FROM settings WHERE key = 'poll_voter_secret' AND length(value) = 64"), 1);
}

TEST(test_vote_counts_exactly_and_repeat_refused)
{
    int64_t o[4] = {0};
    int64_t id = make_poll("Bạn thấy trang thế nào?", 0, o);
    CHECK(id > 0);
    char k[POLL_KEY_HEX];
    int expect[4] = {0};
    for (int v = 0; v < 97; v++) {
        key_of(id, v, k);
        int which = (v * 7) % 4;
        CHECK_INT(poll_vote(db, id, k, &o[which], 1, NOW), POLL_VOTE_OK);
        expect[which]++;
    }
    for (int i = 0; i < 4; i++)
        CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[i]), expect[i]);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 97);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_voters WHERE poll_id = ?1", id), 97);
    /* The same visitor again, even for another option: refused, nothing changes. */
    key_of(id, 5, k);
    CHECK_INT(poll_has_voted(db, id, k), 1);
    CHECK_INT(poll_vote(db, id, k, &o[3], 1, NOW), POLL_VOTE_ALREADY);
    for (int i = 0; i < 4; i++)
        CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[i]), expect[i]);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 97);
    key_of(id, 1000, k);
    CHECK_INT(poll_has_voted(db, id, k), 0);
}

TEST(test_single_choice_options)
{
    int64_t o[4] = {0}, p[4] = {0};
    int64_t id = make_poll("Một lựa chọn", 0, o);
    int64_t other = make_poll("Câu hỏi khác", 0, p);
    char k[POLL_KEY_HEX];
    key_of(id, 1, k);
    int64_t two[2] = {o[0], o[1]};
    CHECK_INT(poll_vote(db, id, k, two, 2, NOW), POLL_VOTE_BAD_OPTION);
    CHECK_INT(poll_vote(db, id, k, &p[0], 1, NOW), POLL_VOTE_BAD_OPTION);   /* another poll's option */
    int64_t bogus = 999999;
    CHECK_INT(poll_vote(db, id, k, &bogus, 1, NOW), POLL_VOTE_BAD_OPTION);
    CHECK_INT(poll_vote(db, id, k, NULL, 0, NOW), POLL_VOTE_BAD_OPTION);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 0);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_voters WHERE poll_id = ?1", id), 0);
    CHECK_INT(qi("SELECT SUM(votes) FROM poll_options WHERE poll_id = ?1", id), 0);
    /* The same option twice is one choice. */
    int64_t same[2] = {o[2], o[2]};
    CHECK_INT(poll_vote(db, id, k, same, 2, NOW), POLL_VOTE_OK);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[2]), 1);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", other), 0);
}

TEST(test_multiple_choice)
{
    int64_t o[4] = {0};
    int64_t id = make_poll("Nhiều lựa chọn", 1, o);
    char k[POLL_KEY_HEX];
    int64_t pick[3] = {o[0], o[2], o[3]};
    key_of(id, 1, k);
    CHECK_INT(poll_vote(db, id, k, pick, 3, NOW), POLL_VOTE_OK);
    key_of(id, 2, k);
    CHECK_INT(poll_vote(db, id, k, pick, 1, NOW), POLL_VOTE_OK);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 2);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[0]), 2);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[1]), 0);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[2]), 1);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[3]), 1);
    /* One foreign id spoils the whole ballot. */
    int64_t mixed[2] = {o[1], 424242};
    key_of(id, 3, k);
    CHECK_INT(poll_vote(db, id, k, mixed, 2, NOW), POLL_VOTE_BAD_OPTION);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[1]), 0);
}

TEST(test_closed_draft_and_timed_polls)
{
    int64_t o[4] = {0};
    int64_t id = make_poll("Sẽ đóng", 0, o);
    char k[POLL_KEY_HEX];
    key_of(id, 1, k);
    const char *err = NULL;
    CHECK_INT(poll_set_status(db, id, "closed", 0, "t", NOW, &err), 0);
    CHECK_INT(poll_vote(db, id, k, &o[0], 1, NOW), POLL_VOTE_CLOSED);
    CHECK_INT(poll_set_status(db, id, "archived", 0, "t", NOW, &err), 0);
    CHECK_INT(poll_vote(db, id, k, &o[0], 1, NOW), POLL_VOTE_CLOSED);
    CHECK_INT(poll_set_status(db, id, "draft", 0, "t", NOW, &err), 0);
    CHECK_INT(poll_vote(db, id, k, &o[0], 1, NOW), POLL_VOTE_NOT_FOUND);
    CHECK_INT(poll_vote(db, 987654, k, &o[0], 1, NOW), POLL_VOTE_NOT_FOUND);
    CHECK(poll_set_status(db, id, "bogus", 0, "t", NOW, &err) != 0);
    CHECK(poll_set_status(db, 987654, "open", 0, "t", NOW, &err) != 0);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 0);
    CHECK(qi("SELECT COUNT(*) FROM audit_log WHERE action = 'poll.status' AND object_id = ?1", id) >= 4);

    /* Timed: before opens_at, inside, after closes_at. */
    Arena *a = arena_new();
    PollInput in = {.question = "Có hẹn giờ", .options = "X\nY", .opens_at = NOW + 100,
                    .closes_at = NOW + 200, .status = "open"};
    int64_t t = 0;
    CHECK_INT(poll_save(db, a, &in, 0, "t", NOW, &t, &err), 0);
    int64_t x = qi("SELECT MIN(id) FROM poll_options WHERE poll_id = ?1", t);
    key_of(t, 1, k);
    CHECK_INT(poll_vote(db, t, k, &x, 1, NOW + 99), POLL_VOTE_NOT_OPEN);
    CHECK_INT(poll_vote(db, t, k, &x, 1, NOW + 200), POLL_VOTE_CLOSED);
    CHECK_INT(poll_vote(db, t, k, &x, 1, NOW + 150), POLL_VOTE_OK);
    /* Re-opening after the end time has passed is refused with a reason. */
    CHECK(poll_set_status(db, t, "open", 0, "t", NOW + 300, &err) != 0);
    CHECK_CONTAINS(err, "kết thúc");
    arena_free(a);
}

TEST(test_edit_keeps_votes)
{
    int64_t o[4] = {0};
    int64_t id = make_poll("Sửa sau khi có phiếu", 0, o);
    char k[POLL_KEY_HEX];
    key_of(id, 1, k);
    CHECK_INT(poll_vote(db, id, k, &o[1], 1, NOW), POLL_VOTE_OK);
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t out = 0;
    PollInput in = {.id = id, .question = "Đã sửa", .options = "Một\nHai (sửa)\nBa\nBốn\nNăm"};
    CHECK_INT(poll_save(db, a, &in, 0, "t", NOW, &out, &err), 0);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[1]), 1);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_options WHERE poll_id = ?1", id), 5);
    /* Dropping the voted second option is refused; dropping unvoted ones works. */
    in.options = "Một\nHai";
    CHECK_INT(poll_save(db, a, &in, 0, "t", NOW, &out, &err), 0);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_options WHERE poll_id = ?1", id), 2);
    int64_t o2 = make_poll("Thêm", 0, o);
    key_of(o2, 1, k);
    CHECK_INT(poll_vote(db, o2, k, &o[3], 1, NOW), POLL_VOTE_OK);
    in = (PollInput){.id = o2, .question = "Thêm", .options = "Một\nHai\nBa"};
    CHECK(poll_save(db, a, &in, 0, "t", NOW, &out, &err) != 0);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_options WHERE poll_id = ?1", o2), 4);
    CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[3]), 1);
    arena_free(a);
}

/* Concurrent voters on separate connections: every vote counted once. */
typedef struct VoteJob { int64_t poll, opt; int from, n, ok; } VoteJob;

static void *vote_thread(void *p)
{
    VoteJob *j = p;
    char err[128];
    Db *c = db_open(t_db(dbpath), 0, err, sizeof err);
    if (!c) return NULL;
    for (int i = 0; i < j->n; i++) {
        uint8_t vid[16] = {0};
        int who = j->from + i;
        memcpy(vid, &who, sizeof who);
        char k[POLL_KEY_HEX];
        if (poll_voter_key(c, j->poll, vid, k) == 0 && poll_vote(c, j->poll, k, &j->opt, 1, NOW) == POLL_VOTE_OK)
            j->ok++;
    }
    /* and everyone tries a second time */
    for (int i = 0; i < j->n; i++) {
        uint8_t vid[16] = {0};
        int who = j->from + i;
        memcpy(vid, &who, sizeof who);
        char k[POLL_KEY_HEX];
        if (poll_voter_key(c, j->poll, vid, k) == 0 && poll_vote(c, j->poll, k, &j->opt, 1, NOW) == POLL_VOTE_OK)
            j->ok++;
    }
    db_close(c);
    return NULL;
}

TEST(test_concurrent_votes_exact)
{
    int64_t o[4] = {0};
    int64_t id = make_poll("Đồng thời", 0, o);
    pthread_t th[4];
    VoteJob jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (VoteJob){id, o[i], 100000 + i * 1000, 60, 0};
        pthread_create(&th[i], NULL, vote_thread, &jobs[i]);
    }
    int ok = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ok += jobs[i].ok;
    }
    CHECK_INT(ok, 240);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 240);
    CHECK_INT(qi("SELECT SUM(votes) FROM poll_options WHERE poll_id = ?1", id), 240);
    for (int i = 0; i < 4; i++) CHECK_INT(qi("SELECT votes FROM poll_options WHERE id = ?1", o[i]), 60);
}

TEST(test_link_urls)
{
    CHECK(link_url_ok("https://quochoi.vn"));
    CHECK(link_url_ok("http://example.org/a?b=c#d"));
    CHECK(link_url_ok("HTTPS://CHINHPHU.VN/"));
    CHECK(!link_url_ok("javascript:alert(1)"));
    CHECK(!link_url_ok("JavaScript://%0aalert(1)"));
    CHECK(!link_url_ok("data:text/html,<script>"));
    CHECK(!link_url_ok("//evil.example"));
    CHECK(!link_url_ok("/bai-viet/x"));
    CHECK(!link_url_ok("https://"));
    CHECK(!link_url_ok("https:///path"));
    CHECK(!link_url_ok("https://a b.vn"));
    CHECK(!link_url_ok("https://a.vn/\"onmouseover=x"));
    CHECK(!link_url_ok("https://a.vn/\x01"));
    CHECK(!link_url_ok(""));
    CHECK(!link_url_ok(NULL));
}

TEST(test_links_crud_and_order)
{
    Arena *a = arena_new();
    const char *err = NULL;
    int64_t id[3] = {0};
    const char *names[3] = {"Quốc hội", "Chính phủ", "Thành phố Hà Nội"};
    const char *urls[3] = {"https://quochoi.vn", "https://chinhphu.vn", "https://hanoi.gov.vn"};
    for (int i = 0; i < 3; i++) {
        LinkInput in = {.name = names[i], .url = urls[i]};
        CHECK_INT(link_save(db, a, &in, 0, "t", NOW, &id[i], &err), 0);
    }
    LinkInput bad = {.name = "Xấu", .url = "javascript:alert(1)"};
    int64_t none = 0;
    CHECK(link_save(db, a, &bad, 0, "t", NOW, &none, &err) != 0);
    CHECK_CONTAINS(err, "http");
    bad = (LinkInput){.name = "  ", .url = "https://a.vn"};
    CHECK(link_save(db, a, &bad, 0, "t", NOW, &none, &err) != 0);
    CHECK_INT(q("SELECT COUNT(*) FROM links"), 3);
    /* Order: as created; move the last up twice -> first. */
    CHECK_INT(link_move(db, id[2], -1, 0, "t", NOW, &err), 0);
    CHECK_INT(link_move(db, id[2], -1, 0, "t", NOW, &err), 0);
    CHECK_INT(link_move(db, id[2], -1, 0, "t", NOW, &err), 0);   /* already first: no change */
    CHECK_INT(q("SELECT id FROM links ORDER BY position, id LIMIT 1"), id[2]);
    CHECK_INT(link_move(db, id[0], 1, 0, "t", NOW, &err), 0);
    char order[64];
    Stmt *st = db_prepare(db, "SELECT id FROM links ORDER BY position, id");
    order[0] = 0;
    while (db_step(st) == DB_ROW) {
        size_t n = strlen(order);
        snprintf(order + n, sizeof order - n, "%lld,", (long long)db_col_int(st, 0));
    }
    db_done(st);
    char want[64];
    snprintf(want, sizeof want, "%lld,%lld,%lld,", (long long)id[2], (long long)id[1], (long long)id[0]);
    CHECK_STR(order, want);
    /* Edit and delete. */
    LinkInput ed = {.id = id[1], .name = "Chính phủ Việt Nam", .url = "https://chinhphu.vn/"};
    CHECK_INT(link_save(db, a, &ed, 0, "t", NOW, &none, &err), 0);
    CHECK_INT(qi("SELECT COUNT(*) FROM links WHERE id = ?1 AND name = 'Chính phủ Việt Nam'", id[1]), 1);
    CHECK_INT(link_delete(db, id[1], 0, "t", NOW, &err), 0);
    CHECK(link_delete(db, id[1], 0, "t", NOW, &err) != 0);
    CHECK(link_move(db, id[1], 1, 0, "t", NOW, &err) != 0);
    CHECK_INT(q("SELECT COUNT(*) FROM links"), 2);
    CHECK(q("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'link.%'") >= 6);
    arena_free(a);
}

TEST(test_demo_polls_links_stats)
{
    stats_reset();
    char err[256];
    char files[320];
    snprintf(files, sizeof files, "%s/files", dir);
    int64_t now = NOW;
    int64_t polls_before = q("SELECT COUNT(*) FROM polls");
    CHECK_INT(db_exec(db, "DELETE FROM links", ""), DB_OK);   /* the demo fills an empty block only */
    CHECK_INT(demo_load(db, files, now, err, sizeof err), 0);
    int64_t id = q("SELECT id FROM polls WHERE question = 'Đánh giá của bạn về trang thông tin điện tử "
                   "đoàn ĐBQH và HĐND thành phố Hà Nội' AND status = 'open'");
    CHECK(id > 0);
    CHECK_INT(qi("SELECT voters FROM polls WHERE id = ?1", id), 715);
    CHECK_INT(qi("SELECT COUNT(*) FROM poll_voters WHERE poll_id = ?1", id), 715);
    CHECK_INT(qi("SELECT SUM(votes) FROM poll_options WHERE poll_id = ?1", id), 715);
    CHECK_INT(q("SELECT COUNT(*) FROM polls WHERE is_sample = 1 AND status = 'closed'"), 1);
    CHECK(q("SELECT COUNT(*) FROM links WHERE url LIKE 'https://%'") >= 5);
    CHECK_INT(q("SELECT COUNT(*) FROM stats_daily"), 60);
    CHECK_INT(stats_total(db), 4922512);
    /* Removal: sample polls and the invented history go; links stay. */
    CHECK_INT(demo_remove(db, files, err, sizeof err), 0);
    CHECK_INT(q("SELECT COUNT(*) FROM polls"), polls_before);
    CHECK_INT(q("SELECT COUNT(*) FROM polls WHERE is_sample = 1"), 0);
    CHECK_INT(q("SELECT COUNT(*) FROM stats_daily"), 0);
    CHECK_INT(q("SELECT COUNT(*) FROM settings WHERE key IN ('stats_base_total', 'demo_stats')"), 0);
    CHECK(q("SELECT COUNT(*) FROM links") >= 5);
    stats_reset();
}

int main(void)
{
    t_prog = "unit_engage_poll";
    log_quiet = 1;
    if (sodium_init() < 0) return 1;
    setup();
    RUN(test_poll_save_validation);
    RUN(test_votable_rules);
    RUN(test_voter_key);
    RUN(test_vote_counts_exactly_and_repeat_refused);
    RUN(test_single_choice_options);
    RUN(test_multiple_choice);
    RUN(test_closed_draft_and_timed_polls);
    RUN(test_edit_keeps_votes);
    RUN(test_concurrent_votes_exact);
    RUN(test_link_urls);
    RUN(test_links_crud_and_order);
    RUN(test_demo_polls_links_stats);
    teardown();
    return t_done();
}
