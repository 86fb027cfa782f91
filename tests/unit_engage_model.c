/* unit_engage_model.c - the ratings and comments model (engage_rating.c,
 * engage_comment.c) against a fresh SQLite database: visitor keys are
 * keyed and per article, a second rating replaces the first and the
 * totals stay exact, the average is formatted "4,5", comment validation
 * (lengths, UTF-8, e-mail), link counting and holding, the moderation
 * life cycle with audit rows, staff replies and the public order. */
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "demo.h"
#include "engage_comment.h"
#include "engage_rating.h"
#include "log.h"
#include "t.h"

static char dir[256];
static Db *db;
static int64_t art1, art2;

static int64_t count(const char *sql)
{
    return db_int(db, -1, sql, "");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/hd-unit-engage-model-XXXXXX");
    if (!mkdtemp(dir)) { perror("mkdtemp"); exit(1); }
    char path[300], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    db = db_open(t_db(path), 1, err, sizeof err);
    if (!db) { fprintf(stderr, "db_open: %s\n", err); exit(1); }
    db_exec(db, "INSERT INTO categories (name, slug) VALUES ('Tin tức', 'tin-tuc')", "");
    db_exec(db, "INSERT INTO users (id, username, display_name, password_hash, role, created_at) "
                "VALUES (7, 'mod1', 'Nguyễn Kiểm Duyệt', 'x', 'moderator', 0)", "");
    db_exec(db, "INSERT INTO articles (category_id, title, slug, status, created_at, updated_at) "
                "VALUES (1, 'Bài một', 'bai-mot', 'published', 0, 0)", "");
    art1 = db_last_id(db);
    db_exec(db, "INSERT INTO articles (category_id, title, slug, status, created_at, updated_at) "
                "VALUES (1, 'Bài hai', 'bai-hai', 'published', 0, 0)", "");
    art2 = db_last_id(db);
}

static void teardown(void)
{
    db_close(db);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

static const char *avg(int64_t c, int64_t s)
{
    static char out[32];
    Arena *a = arena_new();
    Buf b;
    buf_init(&b, a);
    rating_average(&b, c, s);
    snprintf(out, sizeof out, "%s", buf_str(&b));
    arena_free(a);
    return out;
}

TEST(test_visitor_key)
{
    uint8_t v1[16] = {1}, v2[16] = {2};
    char k1[RATING_KEY_HEX], k1b[RATING_KEY_HEX], k2[RATING_KEY_HEX], k1other[RATING_KEY_HEX];
    CHECK_INT(rating_visitor_key(db, art1, v1, k1), 0);
    CHECK_INT(rating_visitor_key(db, art1, v1, k1b), 0);
    CHECK_INT(rating_visitor_key(db, art1, v2, k2), 0);
    CHECK_INT(rating_visitor_key(db, art2, v1, k1other), 0);
    CHECK_INT(strlen(k1), 64);
    CHECK_STR(k1, k1b);                      /* stable */
    CHECK(strcmp(k1, k2) != 0);              /* per visitor */
    CHECK(strcmp(k1, k1other) != 0);         /* per article: not linkable */
    /* keyed: the secret exists and the key is not a plain hash of the id */
    CHECK_INT(count("SELECT COUNT(*) FROM settings WHERE key = 'rating_visitor_secret'"), 1);
    CHECK(strstr(k1, "0100000000") == NULL);
}

TEST(test_rating_replaces)
{
    int64_t c = -1, s = -1;
    CHECK_INT(rating_summary(db, art1, &c, &s), 0);
    CHECK_INT(c, 0);
    CHECK_INT(rating_put(db, art1, "k-a", 5, 100, 0, &c, &s), RATING_ADDED);
    CHECK_INT(c, 1);
    CHECK_INT(s, 5);
    CHECK_INT(rating_put(db, art1, "k-b", 4, 101, 0, &c, &s), RATING_ADDED);
    CHECK_INT(c, 2);
    CHECK_INT(s, 9);
    CHECK_STR(avg(c, s), "4,5");
    /* the same visitor again: replaces, never adds */
    CHECK_INT(rating_put(db, art1, "k-a", 2, 102, 0, &c, &s), RATING_REPLACED);
    CHECK_INT(c, 2);
    CHECK_INT(s, 6);
    CHECK_INT(count("SELECT COUNT(*) FROM ratings"), 2);
    CHECK_INT(db_int(db, -1, "SELECT updated_at FROM ratings WHERE visitor = 'k-a'", ""), 102);
    CHECK_INT(db_int(db, -1, "SELECT created_at FROM ratings WHERE visitor = 'k-a'", ""), 100);
    /* bad input writes nothing */
    CHECK_INT(rating_put(db, art1, "k-c", 0, 103, 0, NULL, NULL), RATING_BAD);
    CHECK_INT(rating_put(db, art1, "k-c", 6, 103, 0, NULL, NULL), RATING_BAD);
    CHECK_INT(rating_put(db, 99999, "k-c", 3, 103, 0, NULL, NULL), RATING_BAD);
    CHECK_INT(rating_put(db, art1, "", 3, 103, 0, NULL, NULL), RATING_BAD);
    CHECK_INT(count("SELECT COUNT(*) FROM ratings"), 2);
    CHECK_INT(db_in_transaction(db), 0);
    /* totals agree with the rows, also after a rebuild */
    CHECK_INT(count("SELECT sum FROM rating_totals WHERE article_id = 1"),
              count("SELECT SUM(stars) FROM ratings WHERE article_id = 1"));
    db_exec(db, "UPDATE rating_totals SET count = 99", "");
    CHECK_INT(rating_totals_rebuild(db), 0);
    CHECK_INT(rating_summary(db, art1, &c, &s), 0);
    CHECK_INT(c, 2);
    CHECK_INT(s, 6);
}

TEST(test_average_format)
{
    CHECK_STR(avg(0, 0), "0");
    CHECK_STR(avg(2, 9), "4,5");
    CHECK_STR(avg(3, 13), "4,3");     /* 4.333 */
    CHECK_STR(avg(20, 89), "4,5");    /* 4.45 rounds half up */
    CHECK_STR(avg(37, 166), "4,5");   /* 4.486 */
    CHECK_STR(avg(1, 5), "5,0");
}

TEST(test_comment_validation)
{
    Arena *a = arena_new();
    CommentFields f;
    CHECK_INT(comment_validate(a, "  Trần Văn An ", "", "Bài viết rất hữu ích.\r\nCảm ơn.", &f), 0);
    CHECK_STR(f.name, "Trần Văn An");
    CHECK_STR(f.body, "Bài viết rất hữu ích.\nCảm ơn.");
    CHECK(f.name_err == NULL && f.email_err == NULL && f.body_err == NULL);

    CHECK_INT(comment_validate(a, "", NULL, "", &f), -1);
    CHECK_CONTAINS(f.name_err, "Vui lòng nhập họ tên");
    CHECK_CONTAINS(f.body_err, "Vui lòng nhập nội dung");
    CHECK(f.email_err == NULL);

    char longname[COMMENT_NAME_MAX * 2 + 8];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_INT(comment_validate(a, longname, "a@b", "abcd", &f), -1);
    CHECK_CONTAINS(f.name_err, "quá dài");
    CHECK_CONTAINS(f.email_err, "không đúng định dạng");
    CHECK_CONTAINS(f.body_err, "quá ngắn");

    /* 100 Vietnamese letters (2 bytes each) are fine: characters, not bytes */
    Buf b;
    buf_init(&b, a);
    for (int i = 0; i < COMMENT_NAME_MAX; i++) buf_puts(&b, "ă");
    CHECK_INT(comment_validate(a, buf_str(&b), "dan@example.vn", "Năm ký tự", &f), 0);
    buf_puts(&b, "ă");
    CHECK_INT(comment_validate(a, buf_str(&b), "", "Năm ký tự", &f), -1);

    buf_reset(&b);
    for (int i = 0; i <= COMMENT_BODY_MAX; i++) buf_putc(&b, 'x');
    CHECK_INT(comment_validate(a, "An", "", buf_str(&b), &f), -1);
    CHECK_CONTAINS(f.body_err, "quá dài");

    CHECK_INT(comment_validate(a, "An\xff", "x@y.vn", "Nội dung \xc3\x28 hỏng", &f), -1);
    CHECK_CONTAINS(f.name_err, "UTF-8");
    CHECK_CONTAINS(f.body_err, "UTF-8");
    CHECK_INT(comment_validate(a, "An", "x y@z.vn", "Nội dung đủ dài", &f), -1);
    CHECK(f.email_err != NULL);
    arena_free(a);
}

TEST(test_links)
{
    CHECK_INT(comment_count_links("không có liên kết"), 0);
    CHECK_INT(comment_count_links("xem https://www.example.vn nhé"), 1);
    CHECK_INT(comment_count_links("HTTP://a.vn và www.b.vn"), 2);
    CHECK_INT(comment_count_links("http://a http://b https://c"), 3);
    CHECK_INT(comment_count_links(NULL), 0);
}

TEST(test_comment_lifecycle)
{
    int64_t c1 = 0, c2 = 0, c3 = 0, r1 = 0;
    CHECK_INT(comment_add(db, art1, "Trần An", "an@example.vn", "Bình luận thứ nhất.", 1000, 0, &c1), 0);
    CHECK_INT(comment_add(db, art1, "Lê Bình", "", "Xem http://a.vn và http://b.vn", 1001, 0, &c2), 0);
    CHECK_INT(comment_add(db, art1, "Phạm Cúc", "", "Bình luận thứ ba.", 1002, 0, &c3), 0);
    CHECK_INT(comment_add(db, 424242, "X", "", "Không có bài viết", 1003, 0, NULL), -1);
    CHECK_INT(db_in_transaction(db), 0);
    CHECK(c1 > 0 && c2 > c1 && c3 > c2);
    CHECK_INT(count("SELECT COUNT(*) FROM comments WHERE status = 'pending'"), 3);
    CHECK_INT(db_int(db, -1, "SELECT flags = 'links' FROM comments WHERE id = ?1", "l", c2), 1);
    CHECK_INT(db_int(db, -1, "SELECT flags = '' FROM comments WHERE id = ?1", "l", c1), 1);

    Arena *a = arena_new();
    Comment *list;
    size_t n = 99;
    CHECK_INT(comment_list_public(db, a, art1, &list, &n), 0);
    CHECK_INT(n, 0);                         /* nothing before moderation */
    CHECK_INT(comment_count_public(db, art1), 0);

    int64_t ids[] = {c3, c1, 999999};
    CHECK_INT(comment_moderate(db, ids, 3, "approved", 7, "mod1", 2000), 2);
    CHECK_INT(comment_moderate(db, ids, 2, "approved", 7, "mod1", 2001), 0);   /* no change */
    CHECK_INT(comment_moderate(db, &c2, 1, "bogus", 7, "mod1", 2002), -1);
    CHECK_INT(comment_moderate(db, &c2, 1, "spam", 7, "mod1", 2003), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM audit_log WHERE action = 'comment.approved'"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM audit_log WHERE action = 'comment.spam'"), 1);
    CHECK_INT(db_int(db, -1, "SELECT moderated_by FROM comments WHERE id = ?1", "l", c1), 7);

    /* staff reply to the first: nested right after it */
    const char *err = NULL;
    CHECK_INT(comment_reply(db, a, c1, "Cảm ơn ý kiến của bạn.", 7, "mod1", "Ban biên tập", 3000,
                            &r1, &err), 0);
    CHECK_INT(comment_reply(db, a, c2, "Trả lời thư rác", 7, "mod1", "Ban biên tập", 3001, NULL,
                            &err), -1);
    CHECK_CONTAINS(err, "Chỉ trả lời được");
    CHECK_INT(comment_reply(db, a, c1, "   ", 7, "mod1", "Ban biên tập", 3002, NULL, &err), -1);
    CHECK_INT(comment_reply(db, a, 55555, "Có ai không?", 7, "mod1", "Ban biên tập", 3002, NULL, &err), -1);

    int64_t r2 = 0;
    CHECK_INT(comment_reply(db, a, r1, "Bổ sung: xem mục Lịch tiếp công dân.", 7, "mod1",
                            "Ban biên tập", 3003, &r2, &err), 0);
    CHECK_INT(db_int(db, -1, "SELECT parent_id FROM comments WHERE id = ?1", "l", r2), c1);
    CHECK_INT(comment_moderate(db, &r2, 1, "rejected", 7, "mod1", 3004), 1);
    CHECK_INT(comment_list_public(db, a, art1, &list, &n), 0);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_INT(list[0].id, c1);
        CHECK_INT(list[1].id, r1);
        CHECK_INT(list[1].parent_id, c1);
        CHECK_INT(list[1].is_staff, 1);
        CHECK_STR(list[1].name, "Ban biên tập");
        CHECK_INT(list[2].id, c3);
    }
    CHECK_INT(comment_count_public(db, art1), 3);

    /* a reply to a pending comment approves it */
    int64_t c4 = 0;
    CHECK_INT(comment_add(db, art2, "Đỗ Dung", "", "Câu hỏi về lịch tiếp công dân?", 4000, 0, &c4), 0);
    CHECK_INT(comment_reply(db, a, c4, "Lịch tiếp công dân được đăng hằng tháng.", 7, "mod1",
                            "Ban biên tập", 4001, NULL, &err), 0);
    CHECK_INT(db_int(db, -1, "SELECT status = 'approved' FROM comments WHERE id = ?1", "l", c4), 1);
    CHECK_INT(comment_count_public(db, art2), 2);

    /* queue: newest first, filtered, e-mail never in the struct */
    int64_t total = 0;
    CHECK_INT(comment_queue(db, a, "spam", 10, 0, &list, &n, &total), 0);
    CHECK_INT(total, 1);
    CHECK_INT(n, 1);
    if (n == 1) {
        CHECK_STR(list[0].flags, "links");
        CHECK_STR(list[0].article_slug, "bai-mot");
        CHECK_STR(list[0].moderator, "mod1");
    }
    CHECK_INT(comment_queue(db, a, NULL, 2, 0, &list, &n, &total), 0);
    CHECK_INT(total, 7);
    CHECK_INT(n, 2);
    if (n == 2) CHECK(list[0].created_at >= list[1].created_at);
    CHECK_STR(comment_status_label("pending"), "Chờ duyệt");
    arena_free(a);
}

/* The demo's ratings and comments: the seed article shows 37 ratings
 * averaging 4,5 and approved comments with staff replies; a few wait in
 * the queue; `demo --remove` takes every sample row away and leaves the
 * totals consistent with a real rating that stays. */
TEST(test_demo_data)
{
    char path[300], files[300], err[256];
    snprintf(path, sizeof path, "%s/demo.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    Db *d = db_open(t_db(path), 1, err, sizeof err);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(demo_load(d, files, 1800000000, err, sizeof err), 0);
    int64_t seed = db_int(d, 0, "SELECT id FROM articles WHERE is_sample = 0 ORDER BY id LIMIT 1", "");
    int64_t c = 0, s = 0;
    CHECK_INT(rating_summary(d, seed, &c, &s), 0);
    CHECK_INT(c, 37);
    CHECK_STR(avg(c, s), "4,5");
    CHECK(db_int(d, 0, "SELECT COUNT(DISTINCT article_id) FROM ratings", "") >= 3);
    CHECK(comment_count_public(d, seed) >= 4);
    CHECK(db_int(d, 0, "SELECT COUNT(*) FROM comments WHERE is_staff = 1 AND parent_id IS NOT NULL "
                       "AND status = 'approved'", "") >= 2);
    CHECK(db_int(d, 0, "SELECT COUNT(*) FROM comments WHERE status = 'pending'", "") >= 2);
    CHECK_INT(db_int(d, -1, "SELECT COUNT(*) FROM comments WHERE is_sample = 0", ""), 0);
    CHECK_INT(db_int(d, -1, "SELECT COUNT(*) FROM ratings WHERE is_sample = 0", ""), 0);
    /* a real reader's rating of the seed article survives the removal */
    CHECK_INT(rating_put(d, seed, "real-reader", 3, 1800000100, 0, &c, &s), RATING_ADDED);
    CHECK_INT(c, 38);
    CHECK_INT(demo_remove(d, files, err, sizeof err), 0);
    CHECK_INT(db_int(d, -1, "SELECT COUNT(*) FROM ratings", ""), 1);
    CHECK_INT(db_int(d, -1, "SELECT COUNT(*) FROM comments", ""), 0);
    CHECK_INT(rating_summary(d, seed, &c, &s), 0);
    CHECK_INT(c, 1);
    CHECK_INT(s, 3);
    db_close(d);
}

int main(void)
{
    t_prog = "unit_engage_model";
    log_quiet = 1;
    setup();
    RUN(test_visitor_key);
    RUN(test_rating_replaces);
    RUN(test_average_format);
    RUN(test_comment_validation);
    RUN(test_links);
    RUN(test_comment_lifecycle);
    RUN(test_demo_data);
    teardown();
    return t_done();
}
