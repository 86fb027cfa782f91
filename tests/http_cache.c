/* http_cache.c - the rendered-page cache seen from outside (src/http_cache.c,
 * http_server.c): a repeated anonymous GET answers the same bytes and ETag,
 * 304 on If-None-Match, a gzip variant with its own ETag; every accepted
 * write shows at once on the next GET (a reader's rating, an editor's new
 * article), refused POSTs do not empty the cache, and a signed-in staff
 * member never gets (nor leaves) a cached page. */
#include <stdlib.h>
#include <string.h>
#include "t.h"
#include "tclient.h"

#define SEED_SLUG "de-an-nang-cao-nang-luc-hieu-luc-hieu-qua-hoat-dong-cua-hdnd-cac-cap-thanh-pho-ha-noi-giai-doan-2021-2026"
#define SEED_URL "/bai-viet/" SEED_SLUG

static TServer srv;

/* The number N in "lượt đánh giá: N" of an article page, -1 when absent. */
static long rating_count(const char *html)
{
    const char *p = html ? strstr(html, "lượt đánh giá: ") : NULL;
    if (!p) return html && strstr(html, "chưa có lượt đánh giá nào") ? 0 : -1;
    p += strlen("lượt đánh giá: ");
    long n = 0;
    for (; *p && *p != ','; p++)
        if (*p >= '0' && *p <= '9') n = n * 10 + (*p - '0');
    return n;
}

TEST(test_repeat_is_identical)
{
    TClient *c = tc_new(&srv);
    TResp *res = tc_get(c, SEED_URL);
    CHECK_INT(res->status, 200);
    char *body1 = strdup(res->body);
    char *etag1 = tc_header(res, "ETag");
    res = tc_get(c, SEED_URL);
    CHECK_INT(res->status, 200);
    CHECK_STR(res->body, body1);
    char *etag2 = tc_header(res, "ETag");
    CHECK(etag1 != NULL);
    CHECK_STR(etag2, etag1);
    char *cc = tc_header(res, "Cache-Control");
    CHECK_STR(cc, "no-cache");
    char *csp = tc_header(res, "Content-Security-Policy");
    CHECK(csp != NULL);
    if (etag1) {
        char inm[128];
        snprintf(inm, sizeof inm, "If-None-Match: %s", etag1);
        const char *h[] = {inm, NULL};
        res = tc_get_h(c, SEED_URL, h);
        CHECK_INT(res->status, 304);
        CHECK_INT(res->len, 0);
    }
    const char *gz[] = {"Accept-Encoding: gzip", NULL};
    res = tc_get_h(c, SEED_URL, gz);
    CHECK_INT(res->status, 200);
    char *enc = tc_header(res, "Content-Encoding");
    CHECK_STR(enc, "gzip");
    char *etag3 = tc_header(res, "ETag");
    CHECK(etag3 && strstr(etag3, "-gz\""));
    CHECK(res->len > 0 && res->len < strlen(body1));
    free(body1), free(etag1), free(etag2), free(etag3), free(enc), free(cc), free(csp);
    tc_free(c);
}

TEST(test_rating_shows_at_once)
{
    TClient *c = tc_new(&srv);
    TResp *res = tc_get(c, SEED_URL);
    CHECK_INT(res->status, 200);
    long before = rating_count(res->body);
    CHECK(before >= 0);
    char *csrf = tc_input_value(res->body, "csrf");
    CHECK(csrf != NULL);
    res = tc_get(c, SEED_URL);   /* now certainly from the cache */
    CHECK_INT(rating_count(res->body), before);
    res = tc_post(c, SEED_URL "/danh-gia", "csrf", csrf ? csrf : "", "sao", "5", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, SEED_URL);
    CHECK_INT(res->status, 200);
    CHECK_INT(rating_count(res->body), before + 1);
    /* A refused POST (bad token) changes nothing and keeps the page cached:
     * the answer is still the same bytes. */
    char *body = strdup(res->body);
    res = tc_post(c, SEED_URL "/danh-gia", "csrf", "0000", "sao", "5", NULL);
    CHECK_INT(res->status, 403);
    res = tc_get(c, SEED_URL);
    CHECK_STR(res->body, body);
    free(body);
    free(csrf);
    tc_free(c);
}

TEST(test_new_article_shows_at_once)
{
    TClient *anon = tc_new(&srv), *adm = tc_new(&srv);
    TResp *res = tc_get(anon, "/");
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Phiên chất vấn về bộ đệm trang");
    CHECK_INT(tc_login(adm, "admin", TS_ADMIN_PASSWORD), 0);
    res = tc_get(adm, "/quan-tri/bai-viet/moi");
    CHECK_INT(res->status, 200);
    /* The form's first category option is enough for this test. */
    const char *opt = strstr(res->body, "<option value=\"");
    char catid[24] = "1";
    if (opt) sscanf(opt + 15, "%23[0-9]", catid);
    res = tc_post(adm, "/quan-tri/bai-viet/luu", "csrf", adm->csrf, "title", "Phiên chất vấn về bộ đệm trang",
                  "slug", "", "category_id", catid, "summary", "Tóm tắt", "body", "Nội dung.",
                  "author", "Ban biên tập", "status", "published", "published_at", "", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(anon, "/");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Phiên chất vấn về bộ đệm trang");
    tc_free(anon);
    tc_free(adm);
}

TEST(test_staff_pages_are_their_own)
{
    /* Public pages look the same for staff, except the form token: a
     * signed-in member's pages carry their session's token, the public's
     * the day's public one. */
    TClient *anon = tc_new(&srv), *adm = tc_new(&srv);
    CHECK_INT(tc_login(adm, "admin", TS_ADMIN_PASSWORD), 0);
    TResp *res = tc_get(anon, "/van-ban");     /* cached for the public */
    CHECK_INT(res->status, 200);
    char *pub = tc_input_value(res->body, "csrf");
    CHECK(pub != NULL);
    res = tc_get(adm, "/van-ban");             /* staff: rendered for them */
    CHECK_INT(res->status, 200);
    char *staff = tc_input_value(res->body, "csrf");
    CHECK_STR(staff, adm->csrf);
    CHECK(pub && staff && strcmp(pub, staff) != 0);
    char *cc = tc_header(res, "Cache-Control");
    CHECK_STR(cc, "no-store");
    res = tc_get(anon, "/van-ban");            /* and never handed to the public */
    char *pub2 = tc_input_value(res->body, "csrf");
    CHECK_STR(pub2, pub);
    free(cc), free(pub), free(pub2), free(staff);
    tc_free(anon);
    tc_free(adm);
}

int main(void)
{
    t_prog = "http_cache";
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "cannot start the server\n");
        return 1;
    }
    RUN(test_repeat_is_identical);
    RUN(test_rating_shows_at_once);
    RUN(test_new_article_shows_at_once);
    RUN(test_staff_pages_are_their_own);
    ts_stop(&srv);
    return t_done();
}
