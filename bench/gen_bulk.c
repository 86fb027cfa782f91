/* gen_bulk.c - fill a hoidong database with generated bulk content for
 * `make bench` (bench/run.sh): N published articles spread over the demo
 * categories and the last three years, each indexed for search, and M
 * approved comments on them when the comments table exists.
 *
 *   gen_bulk DB_PATH [ARTICLES [COMMENTS]]      (defaults 10000, 50000)
 *
 * The text is made from Vietnamese word lists with a fixed seed, so every
 * run builds the same database.  Everything is marked is_sample = 1 where
 * the table has that column, so `hoidong demo --remove` clears it too.
 * Rows go in through the ordinary database layer (db.h) in one
 * transaction; this is a bench tool, not part of the server. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "vn.h"

static const char *const subjects[] = {
    "Hội đồng nhân dân thành phố", "Thường trực HĐND", "Ban Kinh tế - Ngân sách",
    "Ban Văn hóa - Xã hội", "Ban Pháp chế", "Ban Đô thị", "Tổ đại biểu", "Đoàn đại biểu Quốc hội",
    "HĐND phường Hoàn Kiếm", "HĐND xã Sóc Sơn", "Ủy ban nhân dân", "Cử tri quận Ba Đình",
};
static const char *const verbs[] = {
    "giám sát", "thảo luận", "thông qua", "khảo sát", "tiếp xúc cử tri về", "chất vấn về",
    "cho ý kiến về", "kiểm tra", "tổng kết", "triển khai",
};
static const char *const objects[] = {
    "dự toán ngân sách năm 2026", "tiến độ giải ngân vốn đầu tư công", "công tác cải cách hành chính",
    "chương trình chuyển đổi số", "dự án thoát nước và xử lý nước thải", "an toàn thực phẩm",
    "chất lượng giáo dục phổ thông", "quy hoạch không gian ngầm", "xây dựng nông thôn mới",
    "bảo vệ môi trường làng nghề", "chính sách hỗ trợ người có công", "y tế cơ sở",
    "trật tự đô thị", "giao thông công cộng", "phòng cháy chữa cháy",
};
static const char *const sentences[] = {
    "Các đại biểu đã thảo luận sôi nổi, tập trung làm rõ những khó khăn, vướng mắc trong quá trình thực hiện.",
    "Báo cáo cho thấy nhiều chỉ tiêu đạt và vượt kế hoạch, song vẫn còn một số hạn chế cần khắc phục.",
    "Thường trực HĐND đề nghị các cơ quan chuyên môn khẩn trương rà soát, tháo gỡ vướng mắc về mặt bằng.",
    "Cử tri kiến nghị tăng cường kiểm tra, xử lý nghiêm các vi phạm và công khai kết quả giải quyết.",
    "Đoàn giám sát ghi nhận sự cố gắng của địa phương trong việc bố trí nguồn lực thực hiện nhiệm vụ.",
    "Kỳ họp đã biểu quyết thông qua nghị quyết với tỷ lệ tán thành cao.",
    "Đại biểu đề nghị làm rõ trách nhiệm của từng cơ quan, đơn vị liên quan.",
    "Kết quả giám sát sẽ được báo cáo tại kỳ họp thường lệ cuối năm của HĐND thành phố.",
};
static const char *const comment_texts[] = {
    "Tôi đồng tình với ý kiến của đại biểu, đề nghị sớm triển khai.",
    "Mong thành phố quan tâm hơn nữa đến vấn đề này ở khu dân cư chúng tôi.",
    "Bài viết rất hữu ích, cảm ơn ban biên tập.",
    "Đề nghị công khai tiến độ thực hiện để người dân cùng giám sát.",
    "Khu vực phường tôi vẫn còn ngập úng mỗi khi mưa lớn.",
    "Xin hỏi khi nào dự án được hoàn thành?",
};
static const char *const names[] = {
    "Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức",
    "Vũ Thị Hà", "Đặng Quốc Hùng", "Bùi Thanh Lan",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

static int gen_articles(Db *db, int n, int64_t now)
{
    int64_t cats[64];
    int ncat = 0;
    Stmt *st = db_prepare(db, "SELECT id FROM categories ORDER BY id");
    if (!st) return -1;
    while (db_step(st) == DB_ROW && ncat < 64) cats[ncat++] = db_col_int(st, 0);
    db_done(st);
    if (ncat == 0) {
        fprintf(stderr, "gen_bulk: no categories: run `hoidong demo` first\n");
        return -1;
    }
    for (int i = 0; i < n; i++) {
        Arena *a = arena_new();
        Buf title, body;
        buf_init(&title, a);
        buf_init(&body, a);
        buf_printf(&title, "%s %s %s (%d)", subjects[rnd(N_OF(subjects))], verbs[rnd(N_OF(verbs))],
                   objects[rnd(N_OF(objects))], i + 1);
        int paras = 3 + (int)rnd(4);
        for (int p = 0; p < paras; p++) {
            if (p == 2) buf_printf(&body, "## %s\n\n", objects[rnd(N_OF(objects))]);
            for (int s = 0; s < 3; s++) buf_printf(&body, "%s ", sentences[rnd(N_OF(sentences))]);
            buf_puts(&body, "\n\n");
        }
        const char *t = buf_str(&title);
        char *slug = arena_printf(a, "%s-b%d", vn_slug(a, t, 150), i + 1);
        int64_t pub = now - 3 * 86400 - (int64_t)rnd(3 * 365) * 86400 - (int64_t)rnd(86400);
        const char *summary = sentences[rnd(N_OF(sentences))];
        int rc = db_exec(db,
            "INSERT INTO articles (category_id, title, slug, summary, body, author, status,"
            " published_at, featured, created_at, updated_at, revision, is_sample)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'published', ?7, 0, ?7, ?7, 1, 1)",
            "ltttttl", cats[rnd((uint32_t)ncat)], t, slug, summary,
            buf_str(&body), names[rnd(N_OF(names))], pub);
        if (rc == DB_OK)
            rc = db_fts_put(db, "article", db_last_id(db), t, arena_printf(a, "%s\n\n%s", summary, buf_str(&body)));
        arena_free(a);
        if (rc != DB_OK) return -1;
        /* Commit in chunks: one huge transaction outgrows the page cache
         * and the search index then rereads its pending segments. */
        if ((i + 1) % 500 == 0 && (db_commit(db) != DB_OK || db_begin(db) != DB_OK)) return -1;
    }
    return 0;
}

/* Comments (migration 3, engage_comment.h): approved, so they show on
 * article pages, spread over every article. */
static int gen_comments(Db *db, int n, int64_t now)
{
    int64_t lo = db_int(db, 0, "SELECT MIN(id) FROM articles", "");
    int64_t hi = db_int(db, 0, "SELECT MAX(id) FROM articles", "");
    if (hi < lo || hi == 0) return -1;
    for (int i = 0; i < n; i++) {
        int64_t art = lo + (int64_t)rnd((uint32_t)(hi - lo + 1));
        int64_t t = now - (int64_t)rnd(365 * 86400);
        int rc = db_exec(db,
            "INSERT INTO comments (article_id, name, body, status, created_at, is_sample)"
            " SELECT ?1, ?2, ?3, 'approved', ?4, 1 WHERE EXISTS (SELECT 1 FROM articles WHERE id = ?1)",
            "lttl", art, names[rnd(N_OF(names))], comment_texts[rnd(N_OF(comment_texts))], t);
        if (rc != DB_OK) return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: gen_bulk DB_PATH [ARTICLES [COMMENTS]]\n");
        return 2;
    }
    int narticles = argc > 2 ? atoi(argv[2]) : 10000;
    int ncomments = argc > 3 ? atoi(argv[3]) : 50000;
    char err[512];
    Db *db = db_open(argv[1], 1, err, sizeof err);
    if (!db) {
        fprintf(stderr, "gen_bulk: %s\n", err);
        return 1;
    }
    int64_t now = (int64_t)time(NULL);
    int have_comments = db_int(db, 0, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'comments'", "") > 0;
    int rc = db_begin(db);
    if (rc == DB_OK) rc = gen_articles(db, narticles, now);
    if (rc == DB_OK && have_comments) rc = gen_comments(db, ncomments, now);
    if (rc == DB_OK) rc = db_commit(db);
    if (rc != DB_OK) {
        db_rollback(db);
        fprintf(stderr, "gen_bulk: failed: %s\n", db_errmsg(db));
        db_close(db);
        return 1;
    }
    printf("gen_bulk: %d articles, %d comments%s\n", narticles, have_comments ? ncomments : 0,
           have_comments ? "" : " (no comments table yet)");
    db_close(db);
    return 0;
}
