/* http_engage_poll.c - HTTP tests of polls, website links and visit
 * statistics against the real binary.
 *
 * Server A (demo content): the sidebar (poll with "715 người đã bình
 * chọn", links, "Thống kê: 4.922.512", "Online:"), the results page
 * (percentages "44,5%", the indicative note), voting (303, counts exact,
 * a repeated vote refused with counts unchanged, multiple choice, invalid
 * options 400, no CSRF token 403, closed and draft polls refused), the
 * admin pages (polls, links with javascript: refused, statistics, CSV
 * export) and admin-only access (an editor gets 403).
 *
 * Server B (no demo, HOIDONG_TEST_VOTE_NET_CAP=25): statistics exactness with
 * 500 synthetic visitors x 5 page views (plus bots that must not count):
 * 500 unique, 2.500 views, online 500; then vote stuffing from one network
 * capped at 25 (429 with a Vietnamese message); finally the database, its
 * WAL and the server log must not contain the test user agents nor the
 * client address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "tclient.h"

static TServer A, B;
static TClient *admin_a;

/* ---------------------------------------------------------------- helpers */

/* Integer after the first occurrence of prefix in html; -1 if absent. */

/* Option ids of the lua_chon inputs in the first poll form of html, in order. */
static int option_ids(const char *html, const char *form_start, long long *ids, int max)
{
    const char *p = html ? strstr(html, form_start) : NULL;
    int n = 0;
    while (p && n < max && (p = strstr(p, "name=\"lua_chon\" value=\""))) {
        p += strlen("name=\"lua_chon\" value=\"");
        ids[n++] = atoll(p);
        const char *end = strstr(p, "</form>");
        const char *next = strstr(p, "name=\"lua_chon\"");
        if (!next || (end && end < next)) break;
    }
    return n;
}

static TClient *login(TServer *s, const char *user, const char *pw)
{
    TClient *c = tc_new(s);
    if (tc_login(c, user, pw) != 0) fprintf(stderr, "login %s failed\n", user);
    return c;
}

/* The public form token from a page's form. */
static char *public_csrf(TClient *c, const char *path)
{
    TResp *r = tc_get(c, path);
    return tc_input_value(r->body, "csrf");
}

static long long voters_on(TClient *c, long long poll)
{
    char path[64];
    snprintf(path, sizeof path, "/binh-chon/%lld", poll);
    TResp *r = tc_get(c, path);
    return tc_num_after(r->body, "<p class=\"poll-total\"><strong>");
}

/* ---------------------------------------------------------------- server A */

static long long demo_poll_id, demo_opts[8];
static int demo_nopts;

TEST(test_sidebar_blocks)
{
    TClient *c = tc_new(&A);
    c->user_agent = "Googlebot/2.1 (+http://www.google.com/bot.html)";   /* not counted */
    TResp *r = tc_get(c, "/");
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "<h2 id=\"sb-poll\" class=\"box-title\">Bình chọn</h2>");
    CHECK_CONTAINS(r->body, "Đánh giá của bạn về trang thông tin điện tử đoàn ĐBQH và HĐND thành phố Hà Nội");
    CHECK_CONTAINS(r->body, "715 người đã bình chọn");
    CHECK_CONTAINS(r->body, "Rất hữu ích");
    CHECK_CONTAINS(r->body, "Liên kết website");
    CHECK_CONTAINS(r->body, "href=\"https://quochoi.vn\"");
    CHECK_CONTAINS(r->body, "<dt>Thống kê:</dt><dd>4.922.512</dd>");
    CHECK_CONTAINS(r->body, "<dt>Online:</dt><dd>");
    CHECK_NOT_CONTAINS(r->body, "style=\"");
    const char *act = strstr(r->body, "action=\"/binh-chon/");
    CHECK(act != NULL);
    if (act) demo_poll_id = atoll(act + strlen("action=\"/binh-chon/"));
    demo_nopts = option_ids(r->body, "class=\"poll-form\"", demo_opts, 8);
    CHECK_INT(demo_nopts, 4);
    tc_free(c);
}

TEST(test_results_page)
{
    TClient *c = tc_new(&A);
    char path[64];
    snprintf(path, sizeof path, "/binh-chon/%lld", demo_poll_id);
    TResp *r = tc_get(c, path);
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "715</strong> người đã bình chọn");
    CHECK_CONTAINS(r->body, "<strong>44,5%</strong> (318 phiếu)");
    CHECK_CONTAINS(r->body, "<strong>6,6%</strong> (47 phiếu)");
    CHECK_CONTAINS(r->body, "width=\"44.5\"");
    CHECK_CONTAINS(r->body, "Kết quả mang tính tham khảo");
    CHECK_CONTAINS(r->body, "Tham gia bình chọn");
    CHECK_NOT_CONTAINS(r->body, "style=\"");
    CHECK_INT(tc_get(c, "/binh-chon/999999")->status, 404);
    CHECK_INT(tc_get(c, "/binh-chon/abc")->status, 404);
    r = tc_get(c, "/binh-chon");
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "Đánh giá của bạn về trang thông tin điện tử");
    CHECK_CONTAINS(r->body, "Bạn quan tâm nhất đến những nội dung nào");   /* the closed one */
    CHECK_CONTAINS(r->body, "Đã kết thúc");
    tc_free(c);
}

TEST(test_vote_once)
{
    TClient *c = tc_new(&A);
    char path[64], opt[32], opt2[32];
    snprintf(path, sizeof path, "/binh-chon/%lld", demo_poll_id);
    snprintf(opt, sizeof opt, "%lld", demo_opts[1]);
    snprintf(opt2, sizeof opt2, "%lld", demo_opts[2]);
    char *csrf = public_csrf(c, path);
    CHECK(csrf != NULL);
    TResp *r = tc_post(c, path, "lua_chon", opt, "csrf", csrf ? csrf : "", NULL);
    CHECK_INT(r->status, 303);
    char *loc = tc_header(r, "Location");
    char want[80];
    snprintf(want, sizeof want, "/binh-chon/%lld?ok=1", demo_poll_id);
    CHECK(loc && strstr(loc, want));
    free(loc);
    char *cookie = tc_header(r, "Set-Cookie");
    CHECK(cookie && strstr(cookie, "hd_v="));
    free(cookie);
    snprintf(want, sizeof want, "/binh-chon/%lld?ok=1", demo_poll_id);
    r = tc_get(c, want);
    CHECK_CONTAINS(r->body, "Cảm ơn bạn đã tham gia bình chọn.");
    CHECK_CONTAINS(r->body, "716</strong> người đã bình chọn");
    CHECK_CONTAINS(r->body, "(242 phiếu)");       /* "Hữu ích": 241 + 1 */
    /* Again from the same browser, another option: refused, nothing changes. */
    r = tc_post(c, path, "lua_chon", opt2, "csrf", csrf ? csrf : "", NULL);
    CHECK_INT(r->status, 409);
    CHECK_CONTAINS(r->body, "Bạn đã bình chọn cho câu hỏi này.");
    CHECK_CONTAINS(r->body, "716</strong> người đã bình chọn");
    CHECK_CONTAINS(r->body, "(109 phiếu)");       /* "Bình thường" unchanged */
    CHECK_INT(voters_on(c, demo_poll_id), 716);
    free(csrf);
    tc_free(c);
}

TEST(test_vote_refusals)
{
    TClient *c = tc_new(&A);
    char path[64], opt[32], opt2[32];
    snprintf(path, sizeof path, "/binh-chon/%lld", demo_poll_id);
    snprintf(opt, sizeof opt, "%lld", demo_opts[0]);
    snprintf(opt2, sizeof opt2, "%lld", demo_opts[3]);
    char *csrf = public_csrf(c, path);
    long long before = voters_on(c, demo_poll_id);
    /* No CSRF token: 403 from the server before the handler. */
    TResp *r = tc_post(c, path, "lua_chon", opt, NULL);
    CHECK_INT(r->status, 403);
    r = tc_post(c, path, "lua_chon", opt, "csrf", "sai", NULL);
    CHECK_INT(r->status, 403);
    /* Invalid options. */
    r = tc_post(c, path, "csrf", csrf, NULL);
    CHECK_INT(r->status, 400);
    CHECK_CONTAINS(r->body, "Vui lòng chọn phương án hợp lệ");
    CHECK_INT(tc_post(c, path, "lua_chon", "abc", "csrf", csrf, NULL)->status, 400);
    CHECK_INT(tc_post(c, path, "lua_chon", "999999", "csrf", csrf, NULL)->status, 400);
    CHECK_INT(tc_post(c, path, "lua_chon", "-1", "csrf", csrf, NULL)->status, 400);
    CHECK_INT(tc_post(c, path, "lua_chon", opt, "lua_chon", opt2, "csrf", csrf, NULL)->status, 400);
    CHECK_INT(tc_post(c, "/binh-chon/999999", "lua_chon", opt, "csrf", csrf, NULL)->status, 404);
    CHECK_INT(voters_on(c, demo_poll_id), before);
    /* The closed demo poll. */
    r = tc_get(c, "/binh-chon");
    const char *p = strstr(r->body, "Bạn quan tâm nhất");
    long long closed = 0;
    if (p) {
        const char *h = p;
        while (h > r->body && strncmp(h, "href=\"/binh-chon/", 17) != 0) h--;
        closed = atoll(h + 17);
    }
    CHECK(closed > 0);
    char cpath[64];
    snprintf(cpath, sizeof cpath, "/binh-chon/%lld", closed);
    TResp *cr = tc_get(c, cpath);
    /* No voting form on a closed poll; a vote posted anyway is refused. */
    CHECK_NOT_CONTAINS(cr->body, "Tham gia bình chọn");
    CHECK_CONTAINS(cr->body, "428</strong> người đã bình chọn");
    r = tc_post(c, cpath, "lua_chon", "1", "csrf", csrf, NULL);
    CHECK_INT(r->status, 403);
    CHECK_CONTAINS(r->body, "đã kết thúc");
    CHECK_INT(voters_on(c, closed), 428);
    free(csrf);
    tc_free(c);
}

TEST(test_admin_polls)
{
    TClient *a = admin_a;
    TResp *r = tc_get(a, "/quan-tri/binh-chon");
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "Đánh giá của bạn về trang thông tin điện tử");
    CHECK_CONTAINS(r->body, "href=\"/quan-tri/binh-chon\"");   /* admin menu */
    /* Errors keep what was typed. */
    r = tc_post(a, "/quan-tri/binh-chon/luu", "question", "<b>Câu hỏi</b>", "options", "Chỉ một",
                "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 400);
    CHECK_CONTAINS(r->body, "hai phương án");
    CHECK_CONTAINS(r->body, "&lt;b&gt;Câu hỏi&lt;/b&gt;");
    CHECK_NOT_CONTAINS(r->body, "<b>Câu hỏi</b>");
    /* Create a multiple-choice poll: a draft, not public until opened. */
    r = tc_post(a, "/quan-tri/binh-chon/luu", "question", "Bạn muốn đọc thêm chuyên mục nào?",
                "options", "Kỳ họp\nGiám sát\nTiếp xúc cử tri", "multiple", "1", "opens_at", "",
                "closes_at", "", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    r = tc_get(a, "/quan-tri/binh-chon");
    const char *p = strstr(r->body, "Bạn muốn đọc thêm chuyên mục nào?");
    CHECK(p != NULL);
    const char *e = p ? strstr(r->body, "/quan-tri/binh-chon?id=") : NULL;
    long long id = e ? atoll(e + strlen("/quan-tri/binh-chon?id=")) : 0;   /* newest first */
    CHECK(id > 0);
    char path[80], spath[96];
    snprintf(path, sizeof path, "/binh-chon/%lld", id);
    snprintf(spath, sizeof spath, "/quan-tri/binh-chon/%lld/trang-thai", id);
    TClient *v = tc_new(&A);
    CHECK_INT(tc_get(v, path)->status, 404);              /* draft */
    r = tc_post(a, spath, "trang_thai", "open", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    /* The newest open poll is the sidebar's, with checkboxes. */
    r = tc_get(v, "/");
    CHECK_CONTAINS(r->body, "Bạn muốn đọc thêm chuyên mục nào?");
    CHECK_CONTAINS(r->body, "type=\"checkbox\" name=\"lua_chon\"");
    long long ids[8];
    int n = option_ids(r->body, "class=\"poll-form\"", ids, 8);
    CHECK_INT(n, 3);
    char *csrf = tc_input_value(r->body, "csrf");
    char o1[32], o3[32];
    snprintf(o1, sizeof o1, "%lld", ids[0]);
    snprintf(o3, sizeof o3, "%lld", n >= 3 ? ids[2] : 0);
    r = tc_post(v, path, "lua_chon", o1, "lua_chon", o3, "csrf", csrf, NULL);
    CHECK_INT(r->status, 303);
    r = tc_get(v, path);
    CHECK_CONTAINS(r->body, "1</strong> người đã bình chọn");
    CHECK_CONTAINS(r->body, "<strong>100,0%</strong> (1 phiếu)");
    CHECK_CONTAINS(r->body, "<strong>0,0%</strong> (0 phiếu)");
    /* Close it: votes refused. */
    r = tc_post(a, spath, "trang_thai", "closed", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    TClient *w = tc_new(&A);
    r = tc_post(w, path, "lua_chon", o1, "csrf", csrf, NULL);
    CHECK_INT(r->status, 403);
    /* Archive: still listed publicly. */
    CHECK_INT(tc_post(a, spath, "trang_thai", "archived", "csrf", a->csrf, NULL)->status, 303);
    r = tc_get(w, "/binh-chon");
    CHECK_CONTAINS(r->body, "Bạn muốn đọc thêm chuyên mục nào?");
    CHECK_CONTAINS(r->body, "Lưu trữ");
    CHECK_INT(tc_post(a, spath, "trang_thai", "bogus", "csrf", a->csrf, NULL)->status, 400);
    /* A status change without the token is refused. */
    CHECK_INT(tc_post(a, spath, "trang_thai", "open", NULL)->status, 403);
    r = tc_get(a, "/quan-tri/nhat-ky");
    CHECK_CONTAINS(r->body, "poll.status");
    free(csrf);
    tc_free(v);
    tc_free(w);
}

TEST(test_admin_links)
{
    TClient *a = admin_a;
    TResp *r = tc_get(a, "/quan-tri/lien-ket");
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "https://chinhphu.vn");
    r = tc_post(a, "/quan-tri/lien-ket/luu", "name", "Độc hại", "url", "javascript:alert(1)",
                "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 400);
    CHECK_CONTAINS(r->body, "http:// hoặc https://");
    CHECK_CONTAINS(r->body, "value=\"Độc hại\"");
    r = tc_post(a, "/quan-tri/lien-ket/luu", "name", "", "url", "https://a.vn", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 400);
    r = tc_post(a, "/quan-tri/lien-ket/luu", "name", "Ủy ban Trung ương MTTQ Việt Nam",
                "url", "https://mattran.org.vn", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    TClient *v = tc_new(&A);
    v->user_agent = "Googlebot/2.1";
    r = tc_get(v, "/");
    CHECK_CONTAINS(r->body, "<a href=\"https://mattran.org.vn\" rel=\"noopener\">Ủy ban Trung ương MTTQ Việt Nam</a>");
    CHECK_NOT_CONTAINS(r->body, "javascript:");
    /* It is last; move it up once: it swaps with the one before. */
    r = tc_get(a, "/quan-tri/lien-ket");
    const char *p = strstr(r->body, "https://mattran.org.vn");
    /* this row's move form follows its url cell */
    const char *mv = p ? strstr(p, "/quan-tri/lien-ket/") : NULL;
    long long id = mv ? atoll(mv + 19) : 0;
    CHECK(id > 0);
    char path[96];
    snprintf(path, sizeof path, "/quan-tri/lien-ket/%lld/di-chuyen", id);
    CHECK_INT(tc_post(a, path, "huong", "len", "csrf", a->csrf, NULL)->status, 303);
    CHECK_INT(tc_post(a, path, "huong", "ngang", "csrf", a->csrf, NULL)->status, 400);
    r = tc_get(v, "/");
    const char *x = strstr(r->body, "https://mattran.org.vn");
    const char *y = strstr(r->body, "https://hanoimoi.vn");
    CHECK(x && y && x < y);
    /* Edit, then delete. */
    char idtxt[32];
    snprintf(idtxt, sizeof idtxt, "%lld", id);
    r = tc_post(a, "/quan-tri/lien-ket/luu", "id", idtxt, "name", "Mặt trận Tổ quốc Việt Nam",
                "url", "JavaScript:alert(1)", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 400);
    r = tc_post(a, "/quan-tri/lien-ket/luu", "id", idtxt, "name", "Mặt trận Tổ quốc Việt Nam",
                "url", "https://mattran.org.vn/", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    CHECK_CONTAINS(tc_get(v, "/")->body, "Mặt trận Tổ quốc Việt Nam");
    snprintf(path, sizeof path, "/quan-tri/lien-ket/%lld/xoa", id);
    CHECK_INT(tc_post(a, path, NULL)->status, 403);           /* no token */
    CHECK_INT(tc_post(a, path, "csrf", a->csrf, NULL)->status, 303);
    CHECK_INT(tc_post(a, path, "csrf", a->csrf, NULL)->status, 404);
    CHECK_NOT_CONTAINS(tc_get(v, "/")->body, "mattran.org.vn");
    tc_free(v);
}

TEST(test_admin_stats_and_csv)
{
    TClient *a = admin_a;
    TResp *r = tc_get(a, "/quan-tri/thong-ke");
    CHECK_INT(r->status, 200);
    CHECK_CONTAINS(r->body, "<svg viewBox=\"0 0 720 280\" role=\"img\"");
    CHECK_CONTAINS(r->body, "<title id=\"chart-title\">");
    CHECK_CONTAINS(r->body, "<caption>Lượt xem và khách truy cập theo ngày");
    CHECK_CONTAINS(r->body, "Bài viết được đọc nhiều nhất");
    CHECK_CONTAINS(r->body, "href=\"/bai-viet/");
    CHECK_NOT_CONTAINS(r->body, "style=\"");
    r = tc_get(a, "/quan-tri/thong-ke.csv");
    CHECK_INT(r->status, 200);
    char *ct = tc_header(r, "Content-Type"), *cd = tc_header(r, "Content-Disposition");
    CHECK(ct && strstr(ct, "text/csv"));
    CHECK(cd && strstr(cd, "attachment") && strstr(cd, ".csv"));
    free(ct);
    free(cd);
    const char *head = "\xEF\xBB\xBF" "Ngày,Lượt xem,Khách truy cập\r\n";
    CHECK(r->len > strlen(head) && memcmp(r->body, head, strlen(head)) == 0);
    int lines = 0;
    for (const char *p = r->body; (p = strstr(p, "\r\n")); p += 2) lines++;
    CHECK_INT(lines, 31);
    r = tc_get(a, "/quan-tri/thong-ke.csv?loai=bai-viet");
    CHECK_INT(r->status, 200);
    const char *head2 = "\xEF\xBB\xBF" "Hạng,Bài viết,";
    CHECK(r->len > strlen(head2) && memcmp(r->body, head2, strlen(head2)) == 0);
    CHECK_CONTAINS(r->body, "\r\n1,");
    /* Starting total: bad input refused, a good one audited and shown. */
    r = tc_post(a, "/quan-tri/thong-ke/tong-ban-dau", "tong", "nhiều", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 400);
    r = tc_post(a, "/quan-tri/thong-ke/tong-ban-dau", "tong", "5.000.000", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    r = tc_get(a, "/quan-tri/thong-ke");
    CHECK_CONTAINS(r->body, "Hiện tại: <strong>5.000.000</strong>");
    CHECK_CONTAINS(tc_get(a, "/quan-tri/nhat-ky")->body, "stats.base_total");
}

TEST(test_admin_only)
{
    TClient *a = admin_a;
    TResp *r = tc_post(a, "/quan-tri/nguoi-dung/luu", "action", "create", "username", "bientap2",
                       "display_name", "Biên tập", "role", "editor", "password", "mùa thu Hà Nội 1945",
                       "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    TClient *e = login(&A, "bientap2", "mùa thu Hà Nội 1945");
    CHECK_INT(tc_get(e, "/quan-tri/binh-chon")->status, 403);
    CHECK_INT(tc_get(e, "/quan-tri/lien-ket")->status, 403);
    CHECK_INT(tc_get(e, "/quan-tri/thong-ke")->status, 403);
    CHECK_INT(tc_get(e, "/quan-tri/thong-ke.csv")->status, 403);
    CHECK_INT(tc_post(e, "/quan-tri/lien-ket/luu", "name", "X", "url", "https://x.vn", "csrf", e->csrf, NULL)->status, 403);
    CHECK_INT(tc_post(e, "/quan-tri/thong-ke/tong-ban-dau", "tong", "1", "csrf", e->csrf, NULL)->status, 403);
    /* Anonymous: sent to sign in or refused, never served. */
    TClient *v = tc_new(&A);
    long st = tc_get(v, "/quan-tri/thong-ke")->status;
    CHECK(st == 303 || st == 302 || st == 403);
    tc_free(e);
    tc_free(v);
}

/* ---------------------------------------------------------------- server B */

TEST(test_statistics_exact)
{
    TClient *c = tc_new(&B);
    char ua[64];
    c->user_agent = ua;
    for (int v = 0; v < 500; v++) {
        snprintf(ua, sizeof ua, "hoidong-tests/1.0 visitor-%d", v);
        for (int k = 0; k < 5; k++) {
            TResp *r = tc_get(c, k % 2 ? "/van-ban" : "/");
            if (r->status != 200) { CHECK_INT(r->status, 200); break; }
        }
    }
    /* Bots and not-found pages do not count. */
    TClient *bot = tc_new(&B);
    bot->user_agent = "Googlebot/2.1 (+http://www.google.com/bot.html)";
    for (int i = 0; i < 20; i++) CHECK_INT(tc_get(bot, "/")->status, 200);
    c->user_agent = "hoidong-tests/1.0 visitor-0";
    CHECK_INT(tc_get(c, "/khong-co-trang-nay")->status, 404);

    TClient *a = login(&B, "admin", TS_ADMIN_PASSWORD);
    TResp *r = tc_get(a, "/quan-tri/thong-ke");
    CHECK_INT(r->status, 200);
    CHECK_INT(tc_num_after(r->body, "id=\"today-views\">"), 2500);
    CHECK_INT(tc_num_after(r->body, "id=\"today-visitors\">"), 500);
    CHECK_INT(tc_num_after(r->body, "id=\"online-now\">"), 500);
    CHECK_INT(tc_num_after(r->body, "id=\"total-views\">"), 2500);
    r = tc_get(a, "/quan-tri/thong-ke.csv");
    CHECK_CONTAINS(r->body, ",2500,500\r\n");
    /* The public sidebar agrees (read by a bot, which is not counted). */
    r = tc_get(bot, "/");
    CHECK_CONTAINS(r->body, "<dt>Thống kê:</dt><dd>2.500</dd>");
    CHECK_CONTAINS(r->body, "<dt>Online:</dt><dd>500</dd>");
    tc_free(a);
    tc_free(bot);
    tc_free(c);
}

TEST(test_vote_stuffing_capped)
{
    TClient *a = login(&B, "admin", TS_ADMIN_PASSWORD);
    TResp *r = tc_post(a, "/quan-tri/binh-chon/luu", "question", "Câu hỏi thử chống gian lận",
                       "options", "Có\nKhông", "csrf", a->csrf, NULL);
    CHECK_INT(r->status, 303);
    r = tc_get(a, "/quan-tri/binh-chon");
    const char *e = strstr(r->body, "/quan-tri/binh-chon?id=");
    long long id = e ? atoll(e + strlen("/quan-tri/binh-chon?id=")) : 0;
    CHECK(id > 0);
    char spath[96], path[64];
    snprintf(spath, sizeof spath, "/quan-tri/binh-chon/%lld/trang-thai", id);
    snprintf(path, sizeof path, "/binh-chon/%lld", id);
    CHECK_INT(tc_post(a, spath, "trang_thai", "open", "csrf", a->csrf, NULL)->status, 303);
    TClient *g = tc_new(&B);
    g->user_agent = "Googlebot/2.1";
    r = tc_get(g, path);
    char *csrf = tc_input_value(r->body, "csrf");
    long long ids[4];
    CHECK_INT(option_ids(r->body, "class=\"poll-form\"", ids, 4), 2);
    char opt[32];
    snprintf(opt, sizeof opt, "%lld", ids[0]);
    /* Fresh visitors (no cookie) from one network: 25 accepted, then 429. */
    int ok = 0, refused = 0;
    for (int i = 0; i < 40; i++) {
        TClient *v = tc_new(&B);
        long st = tc_post(v, path, "lua_chon", opt, "csrf", csrf ? csrf : "", NULL)->status;
        if (st == 303) ok++;
        else if (st == 429) {
            refused++;
            if (refused == 1) CHECK_CONTAINS(v->last.body, "quá nhiều lượt bình chọn");
        }
        tc_free(v);
    }
    CHECK_INT(ok, 25);
    CHECK_INT(refused, 15);
    CHECK_INT(voters_on(g, id), 25);
    free(csrf);
    tc_free(g);
    tc_free(a);
}

TEST(test_privacy_no_agents_or_addresses_stored)
{
    if (t_pg()) {
        T_SKIP(test_privacy_no_agents_or_addresses_stored, "scans the SQLite file's bytes");
        return;
    }
    char path[400];
    const char *files[] = {"hoidong.db", "hoidong.db-wal", "server.log"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", B.dir, files[i]);
        int has = tc_file_has(path, "visitor-");
        if (has < 0 && i == 1) continue;            /* WAL may have been checkpointed away */
        CHECK_INT(has, 0);
        CHECK_INT(tc_file_has(path, "Googlebot"), 0);
        CHECK_INT(tc_file_has(path, "hoidong-tests"), 0);
        if (i < 2) CHECK_INT(tc_file_has(path, "127.0.0.1"), 0);
    }
    snprintf(path, sizeof path, "%s/hoidong.db", B.dir);
    CHECK_INT(tc_file_has(path, "SQLite format 3"), 1);     /* the scan reads the real file */
    /* ... and the real log: it holds the 2,500 visits' access lines (no
     * address, no agent), so the absence checks above are not vacuous. */
    snprintf(path, sizeof path, "%s/server.log", B.dir);
    CHECK_INT(tc_file_has(path, "access GET /van-ban 200"), 1);
}

int main(void)
{
    t_prog = "http_engage_poll";
    if (ts_start(&A, 1) != 0) { fprintf(stderr, "server A did not start\n"); return 1; }
    admin_a = login(&A, "admin", TS_ADMIN_PASSWORD);
    RUN(test_sidebar_blocks);
    RUN(test_results_page);
    RUN(test_vote_once);
    RUN(test_vote_refusals);
    RUN(test_admin_polls);
    RUN(test_admin_links);
    RUN(test_admin_stats_and_csv);
    RUN(test_admin_only);
    tc_free(admin_a);
    ts_stop(&A);

    setenv("HOIDONG_TEST_VOTE_NET_CAP", "25", 1);
    if (ts_start(&B, 0) != 0) { fprintf(stderr, "server B did not start\n"); return 1; }
    /* Day counts and daily caps: the whole run happens at noon of one day. */
    if (ts_clock_set(&B, ts_vn_noon_today()) != 0) { fprintf(stderr, "clock\n"); return 1; }
    RUN(test_statistics_exact);
    RUN(test_vote_stuffing_capped);
    RUN(test_privacy_no_agents_or_addresses_stored);
    ts_stop(&B);
    return t_done();
}
