/* http_engage.c - HTTP tests of star ratings and moderated comments
 * against the real binary with demo content: rating without JavaScript
 * (303) and with JSON, a second rating replacing the first, the displayed
 * "lượt đánh giá: 2, trung bình: 4,5", vote stuffing from one network
 * capped (429); the comment happy path with the verification code read
 * through the test-mode aid, invisible until a moderator approves it;
 * wrong, expired and replayed codes (400 with everything typed given
 * back); missing, over-long and invalid UTF-8 fields; HTML in every field
 * shown escaped; the honeypot; flooding (429); moderation without CSRF
 * (403) and by an editor (403); staff replies; and the test aid itself:
 * 404 without test mode, and a server that refuses test mode on a public
 * address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include "captcha.h"
#include "t.h"
#include "tclient.h"
#include "db.h"
#include "log.h"
#include "vn.h"

#define MOD_PASSWORD "Kiểm-duyệt-thử-nghiệm-2026"
#define ED_PASSWORD "Biên-tập-thử-nghiệm-2026"
#define MODERATION_NOTICE "Cảm ơn bạn đã gửi bình luận. Bình luận sẽ được hiển thị sau khi được kiểm duyệt."

static TServer srv;
static char art1[512], art2[512], art3[512];   /* /bai-viet/<slug> of articles nobody rated */

/* ------------------------------------------------------------ helpers */

/* Paths of the first three articles linked from the home page whose page
 * shows no rating yet (the demo rates a few articles; these are others). */
static int find_articles(void)
{
    TClient *c = tc_new(&srv);
    TResp *res = tc_get(c, "/");
    char *home = strdup(res->body ? res->body : "");
    char *slots[3] = {art1, art2, art3};
    int found = 0;
    for (const char *p = home; found < 3 && (p = strstr(p, "href=\"/bai-viet/")); p++) {
        const char *s = p + 6, *e = strchr(s, '"');
        if (!e || (size_t)(e - s) >= sizeof art1) continue;
        char path[512];
        memcpy(path, s, (size_t)(e - s));
        path[e - s] = 0;
        int dup = 0;
        for (int i = 0; i < found; i++) dup |= !strcmp(slots[i], path);
        if (dup) continue;
        res = tc_get(c, path);
        if (res->status == 200 && strstr(res->body, "chưa có lượt đánh giá nào"))
            snprintf(slots[found++], sizeof art1, "%s", path);
    }
    free(home);
    tc_free(c);
    return found == 3 ? 0 : -1;
}

/* The article page's rating and comment blocks (malloc'd), or NULL. */
static char *engage_block(const char *html)
{
    const char *a = html ? strstr(html, "<section id=\"danh-gia\"") : NULL;
    const char *b = a ? strstr(a, "engage.js") : NULL;
    return b ? strndup(a, (size_t)(b - a)) : NULL;
}

static char *public_csrf(TClient *c, const char *path)
{
    TResp *res = tc_get(c, path);
    return res->status == 200 ? tc_input_value(res->body, "csrf") : NULL;
}

/* A comment form for art: fills csrf and the code id (malloc'd). */
typedef struct Form { char *csrf, *id; } Form;

static int form_get(TClient *c, const char *art, Form *f)
{
    char path[600];
    snprintf(path, sizeof path, "%s/gui-binh-luan", art);
    TResp *res = tc_get(c, path);
    if (res->status != 200) return -1;
    char *cc = tc_header(res, "Cache-Control");
    int nostore = cc && strstr(cc, "no-store");
    free(cc);
    if (!nostore) return -1;
    f->csrf = tc_input_value(res->body, "csrf");
    f->id = tc_input_value(res->body, "ma_id");
    return f->csrf && f->id && strlen(f->id) == 32 ? 0 : -1;
}

static void form_free(Form *f)
{
    free(f->csrf);
    free(f->id);
    f->csrf = f->id = NULL;
}

/* The code of id through the test aid; "" when not available. */
static const char *peek(TClient *c, const char *id)
{
    static char code[16];
    char path[128];
    snprintf(path, sizeof path, "/xac-thuc/%s/thu-nghiem", id);
    TResp *res = tc_get(c, path);
    code[0] = 0;
    if (res->status == 200 && res->len < sizeof code) snprintf(code, sizeof code, "%s", res->body);
    return code;
}

static TResp *post_comment(TClient *c, const char *art, const Form *f, const char *code,
                           const char *name, const char *email, const char *body, const char *honey)
{
    char path[600];
    snprintf(path, sizeof path, "%s/binh-luan", art);
    return tc_post(c, path, "csrf", f->csrf, "ma_id", f->id, "ma_xac_thuc", code, "ho_ten", name,
                   "email", email, "noi_dung", body, "website", honey, NULL);
}

/* Number of stored comments whose body is text (read from the server's database). */
static int64_t stored(const char *text)
{
    char path[400], err[200];
    snprintf(path, sizeof path, "%s/hoidong.db", srv.dir);
    Db *db = db_open(t_db(path), 0, err, sizeof err);
    if (!db) return -1;
    int64_t n = db_int(db, -1, "SELECT COUNT(*) FROM comments WHERE body = ?1", "t", text);
    db_close(db);
    return n;
}

/* The queue id of the comment whose text appears in the moderation page, or 0. */
static long queue_id(const char *html, const char *text)
{
    const char *p = html ? strstr(html, text) : NULL;
    if (!p) return 0;
    const char *best = NULL;
    for (const char *q = html; (q = strstr(q, "id=\"bl-")) && q < p; q++) best = q;
    return best ? strtol(best + 7, NULL, 10) : 0;
}

static TClient *moderator(void)
{
    TClient *m = tc_new(&srv);
    if (tc_login(m, "mod1", MOD_PASSWORD) != 0) {
        tc_free(m);
        return NULL;
    }
    return m;
}

/* --------------------------------------------------------------- ratings */

TEST(test_rating_form_and_json)
{
    TClient *a = tc_new(&srv), *b = tc_new(&srv);
    char *csrf = public_csrf(a, art1);
    CHECK(csrf != NULL);
    if (!csrf) { tc_free(a); tc_free(b); return; }
    char path[600];
    snprintf(path, sizeof path, "%s/danh-gia", art1);

    /* Without JavaScript: 303 back to the article's rating block, cookie set. */
    TResp *res = tc_post(a, path, "csrf", csrf, "sao", "5", NULL);
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    CHECK(loc && strstr(loc, art1) == loc);
    CHECK_CONTAINS(loc, "#danh-gia");
    char *cookie = tc_header(res, "Set-Cookie");
    CHECK_CONTAINS(cookie, "hd_v=");
    free(cookie);
    if (loc) {
        res = tc_get(a, loc);
        CHECK_INT(res->status, 200);
        CHECK_CONTAINS(res->body, "Cảm ơn bạn đã đánh giá bài viết.");
        CHECK_CONTAINS(res->body, "lượt đánh giá: 1, trung bình: 5,0");
    }
    free(loc);

    /* With JavaScript (JSON): the same visitor changes the rating: replaced. */
    char body[256];
    snprintf(body, sizeof body, "csrf=%s&sao=4", csrf);
    char origin[128];
    snprintf(origin, sizeof origin, "Origin: %s", srv.base);
    const char *hj[] = {"Accept: application/json", origin, NULL};
    res = tc_post_raw(a, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
    CHECK_INT(res->status, 200);
    char *ct = tc_header(res, "Content-Type");
    CHECK_CONTAINS(ct, "application/json");
    free(ct);
    CHECK_CONTAINS(res->body, "\"count\":1,");
    CHECK_CONTAINS(res->body, "\"average\":\"4,0\"");

    /* A second visitor: two ratings, average 4,5. */
    snprintf(body, sizeof body, "csrf=%s&sao=5", csrf);
    res = tc_post_raw(b, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "{\"count\":2,\"average\":\"4,5\"");
    CHECK_CONTAINS(res->body, "lượt đánh giá: 2, trung bình: 4,5");
    /* ... and again from the same visitor: still two. */
    res = tc_post_raw(b, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
    CHECK_CONTAINS(res->body, "\"count\":2,");

    res = tc_get(b, art1);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "lượt đánh giá: 2, trung bình: 4,5");
    CHECK_CONTAINS(res->body, "src=\"/static/engage.js\"");
    /* The rating and comment blocks are the same for everyone: no trace of
     * who rated (the sidebar's visit counters may move between requests). */
    TClient *fresh = tc_new(&srv);
    TResp *r2 = tc_get(fresh, art1);
    char *other = engage_block(r2->body);
    res = tc_get(b, art1);
    char *mine = engage_block(res->body);
    CHECK(other && mine && strcmp(other, mine) == 0);
    free(other);
    free(mine);
    tc_free(fresh);

    /* Bad input. */
    res = tc_post(a, path, "csrf", csrf, "sao", "6", NULL);
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Vui lòng chọn số sao từ 1 đến 5.");
    res = tc_post(a, path, "csrf", csrf, NULL);
    CHECK_INT(res->status, 400);
    res = tc_post(a, path, "csrf", csrf, "sao", "4abc", NULL);
    CHECK_INT(res->status, 400);
    res = tc_post(a, path, "sao", "1", NULL);                      /* no CSRF token */
    CHECK_INT(res->status, 403);
    res = tc_post(a, "/bai-viet/khong-co-bai-nay/danh-gia", "csrf", csrf, "sao", "3", NULL);
    CHECK_INT(res->status, 404);
    res = tc_get(a, art1);
    CHECK_CONTAINS(res->body, "lượt đánh giá: 2, trung bình: 4,5");
    free(csrf);
    tc_free(a);
    tc_free(b);
}

TEST(test_rating_stuffing_capped)
{
    char path[600], origin[128], body[256];
    snprintf(path, sizeof path, "%s/danh-gia", art2);
    snprintf(origin, sizeof origin, "Origin: %s", srv.base);
    const char *hj[] = {"Accept: application/json", origin, NULL};
    TClient *first = tc_new(&srv);
    char *csrf = public_csrf(first, art2);
    tc_free(first);
    CHECK(csrf != NULL);
    if (!csrf) return;
    snprintf(body, sizeof body, "csrf=%s&sao=5", csrf);
    /* 200 "visitors" (fresh cookie each) from one network: all counted ... */
    int ok = 0;
    for (int i = 0; i < 200; i++) {
        TClient *c = tc_new(&srv);
        c->ip = "127.0.5.1";
        TResp *res = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
        ok += res->status == 200;
        tc_free(c);
    }
    CHECK_INT(ok, 200);
    /* ... the next is refused with a Vietnamese message and nothing counted. */
    TClient *c = tc_new(&srv);
    c->ip = "127.0.5.77";                      /* same /24 */
    TResp *res = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
    CHECK_INT(res->status, 429);
    CHECK_CONTAINS(res->body, "quá nhiều lượt đánh giá");
    res = tc_post(c, path, "csrf", csrf, "sao", "1", NULL);     /* without JS: the error page */
    CHECK_INT(res->status, 429);
    CHECK_CONTAINS(res->body, "quá nhiều lượt đánh giá");
    tc_free(c);
    /* Another network still can. */
    c = tc_new(&srv);
    c->ip = "127.0.6.1";
    res = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body), hj);
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "\"count\":201,");
    tc_free(c);
    free(csrf);
}

/* -------------------------------------------------------------- comments */

TEST(test_comment_happy_path_and_moderation)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, art3, &f), 0);
    if (!f.id) { tc_free(c); return; }
    /* The picture of the code. */
    char path[128];
    snprintf(path, sizeof path, "/xac-thuc/%s", f.id);
    TResp *res = tc_get(c, path);
    CHECK_INT(res->status, 200);
    CHECK(res->len > 8 && !memcmp(res->body, "\x89PNG", 4));
    char *cc = tc_header(res, "Cache-Control");
    CHECK_CONTAINS(cc, "no-store");
    free(cc);
    res = tc_get(c, "/xac-thuc/00000000000000000000000000000000");
    CHECK_INT(res->status, 404);

    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    CHECK_INT(strlen(code), 5);
    for (char *p = code; *p; p++) if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);  /* case-insensitive */
    const char *text = "Đề nghị công khai lịch tiếp công dân của đại biểu.\nXin cảm ơn!";
    res = post_comment(c, art3, &f, code, "Trần Văn Bình", "binh.tv@example.vn", text, "");
    CHECK_INT(res->status, 303);
    char *loc = tc_header(res, "Location");
    CHECK_CONTAINS(loc, "bl=1");
    CHECK_CONTAINS(loc, "#binh-luan");
    if (loc) {
        res = tc_get(c, loc);
        CHECK_INT(res->status, 200);
        CHECK_CONTAINS(res->body, MODERATION_NOTICE);
        CHECK_NOT_CONTAINS(res->body, "Đề nghị công khai lịch tiếp công dân");
    }
    free(loc);
    CHECK_INT(stored(text), 1);
    form_free(&f);

    /* A moderator finds it in the queue (e-mail not shown) and approves it. */
    TClient *m = moderator();
    CHECK(m != NULL);
    if (!m) { tc_free(c); return; }
    res = tc_get(m, "/quan-tri");
    CHECK_CONTAINS(res->body, "href=\"/quan-tri/binh-luan\"");
    res = tc_get(m, "/quan-tri/binh-luan");
    CHECK_INT(res->status, 200);
    CHECK_CONTAINS(res->body, "Trần Văn Bình");
    CHECK_NOT_CONTAINS(res->body, "binh.tv@example.vn");
    long id = queue_id(res->body, "Đề nghị công khai lịch tiếp công dân");
    CHECK(id > 0);
    char ids[32];
    snprintf(ids, sizeof ids, "%ld", id);
    res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "csrf", m->csrf, "hanh_dong", "approved",
                  "id", ids, "trang_thai", "pending", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, art3);
    CHECK_CONTAINS(res->body, "Trần Văn Bình");
    CHECK_CONTAINS(res->body, "Đề nghị công khai lịch tiếp công dân của đại biểu.\nXin cảm ơn!");
    CHECK_NOT_CONTAINS(res->body, "binh.tv@example.vn");

    /* A staff reply appears nested under it. */
    char rpath[128];
    snprintf(rpath, sizeof rpath, "/quan-tri/binh-luan/%ld/tra-loi", id);
    res = tc_post(m, rpath, "csrf", m->csrf, "noi_dung", "Lịch tiếp công dân được đăng hằng tháng.", NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, art3);
    const char *p1 = strstr(res->body, "Đề nghị công khai lịch");
    const char *p2 = strstr(res->body, "Lịch tiếp công dân được đăng hằng tháng.");
    CHECK(p1 && p2 && p1 < p2);
    CHECK_CONTAINS(res->body, "Ban biên tập trả lời");

    /* Bulk: reject two pending demo comments at once; audited. */
    res = tc_get(m, "/quan-tri/binh-luan?trang-thai=pending");
    long a = queue_id(res->body, "Vũ Đức Thắng"), b = queue_id(res->body, "Ngô Thanh Bình");
    CHECK(a > 0 && b > 0);
    char sa[32], sb[32];
    snprintf(sa, sizeof sa, "%ld", a);
    snprintf(sb, sizeof sb, "%ld", b);
    res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "csrf", m->csrf, "hanh_dong", "rejected",
                  "id", sa, "id", sb, "trang_thai", "pending", NULL);
    CHECK_INT(res->status, 303);
    loc = tc_header(res, "Location");
    CHECK_CONTAINS(loc, "xong=2");
    free(loc);
    res = tc_get(m, "/quan-tri/binh-luan?trang-thai=rejected");
    CHECK_CONTAINS(res->body, "Vũ Đức Thắng");
    CHECK_CONTAINS(res->body, "Ngô Thanh Bình");
    /* the links-flagged demo comment is marked for the moderator */
    res = tc_get(m, "/quan-tri/binh-luan?trang-thai=pending");
    CHECK_CONTAINS(res->body, "Có từ 2 liên kết trở lên");
    tc_free(m);
    tc_free(c);
}

TEST(test_comment_wrong_code_gives_text_back)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, art3, &f), 0);
    if (!f.id) { tc_free(c); return; }
    const char *text = "Nội dung dài mà tôi không muốn gõ lại.\nDòng thứ hai.";
    TResp *res = post_comment(c, art3, &f, "ZZZZZ", "Lê Thị Hoa", "hoa@example.vn", text, "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã xác thực không đúng.");
    char *v = tc_input_value(res->body, "ho_ten");
    CHECK_STR(v, "Lê Thị Hoa");
    free(v);
    v = tc_input_value(res->body, "email");
    CHECK_STR(v, "hoa@example.vn");
    free(v);
    CHECK_CONTAINS(res->body, ">Nội dung dài mà tôi không muốn gõ lại.\nDòng thứ hai.</textarea>");
    char *newid = tc_input_value(res->body, "ma_id");
    CHECK(newid && strlen(newid) == 32 && strcmp(newid, f.id) != 0);
    free(newid);
    /* the wrong guess spent the code */
    CHECK_STR(peek(c, f.id), "");
    CHECK_INT(stored(text), 0);

    /* "Lấy mã khác": a new code, the text kept, no error. */
    form_free(&f);
    CHECK_INT(form_get(c, art3, &f), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/binh-luan", art3);
    res = tc_post(c, path, "csrf", f.csrf, "ma_id", f.id, "ma_xac_thuc", "", "ho_ten", "Lê Thị Hoa",
                  "email", "", "noi_dung", text, "website", "", "ma_moi", "1", NULL);
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "Mã xác thực không đúng");
    CHECK_CONTAINS(res->body, "Dòng thứ hai.</textarea>");
    CHECK_INT(stored(text), 0);
    form_free(&f);
    tc_free(c);
}

TEST(test_comment_replayed_code)
{
    TClient *c = tc_new(&srv), *d = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, art2, &f), 0);
    if (!f.id) { tc_free(c); tc_free(d); return; }
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    TResp *res = post_comment(c, art2, &f, code, "Phan Văn Đức", "", "Ý kiến lần đầu, hợp lệ.", "");
    CHECK_INT(res->status, 303);
    /* The same id and code again (another visitor, so no flood limit): refused. */
    res = post_comment(d, art2, &f, code, "Phan Văn Đức", "", "Ý kiến gửi lại bằng mã cũ.", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã xác thực không đúng");
    CHECK_INT(stored("Ý kiến gửi lại bằng mã cũ."), 0);
    /* No id at all, or a made-up one. */
    Form none = {f.csrf, (char *)""};
    res = post_comment(d, art2, &none, code, "Phan Văn Đức", "", "Ý kiến không có mã.", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã xác thực không đúng");
    form_free(&f);
    tc_free(c);
    tc_free(d);
}

TEST(test_comment_field_errors)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    /* Missing fields (with a right code: the fields are the problem). */
    CHECK_INT(form_get(c, art2, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    TResp *res = post_comment(c, art2, &f, code, "   ", "", "", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Vui lòng nhập họ tên.");
    CHECK_CONTAINS(res->body, "Vui lòng nhập nội dung bình luận.");
    CHECK_NOT_CONTAINS(res->body, "Mã xác thực không đúng");
    form_free(&f);

    /* Too short, bad e-mail. */
    CHECK_INT(form_get(c, art2, &f), 0);
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    res = post_comment(c, art2, &f, code, "An", "khong-phai-email", "Ừ", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "quá ngắn");
    CHECK_CONTAINS(res->body, "Địa chỉ thư điện tử không đúng định dạng");
    char *v = tc_input_value(res->body, "email");
    CHECK_STR(v, "khong-phai-email");
    free(v);
    form_free(&f);

    /* Over-long name and text: messages, and the typed text back. */
    char name[256], *body = malloc(3100 * 2 + 1);
    memset(name, 0, sizeof name);
    for (int i = 0; i < 101; i++) strcat(name, "a");
    body[0] = 0;
    for (int i = 0; i < 3001; i++) strcat(body, "ư");
    CHECK_INT(form_get(c, art2, &f), 0);
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    res = post_comment(c, art2, &f, code, name, "", body, "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Họ tên quá dài (tối đa 100 ký tự).");
    CHECK_CONTAINS(res->body, "Nội dung bình luận quá dài (tối đa 3.000 ký tự).");
    v = tc_input_value(res->body, "ho_ten");
    CHECK_STR(v, name);
    free(v);
    CHECK_CONTAINS(res->body, body);
    CHECK_INT(stored(body), 0);
    free(body);
    form_free(&f);

    /* Invalid UTF-8: refused with a message; the page we send is valid UTF-8. */
    CHECK_INT(form_get(c, art2, &f), 0);
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    res = post_comment(c, art2, &f, code, "Tên \xff\xfe hỏng", "", "Nội dung \xc3\x28 hỏng nhé", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Họ tên chứa ký tự không hợp lệ");
    CHECK_CONTAINS(res->body, "Nội dung chứa ký tự không hợp lệ");
    CHECK(vn_utf8_valid(res->body, res->len));
    CHECK_CONTAINS(res->body, "Tên \xEF\xBF\xBD\xEF\xBF\xBD hỏng");
    form_free(&f);
    tc_free(c);
}

TEST(test_comment_html_escaped_everywhere)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    const char *name = "<script>alert('ten')</script>";
    const char *email = "\"><img src=x onerror=alert(1)>";
    const char *text = "<b>đậm</b> & <script>alert(\"noi dung\")</script> xem http://a.vn";
    /* Echoed after an error: escaped. */
    CHECK_INT(form_get(c, art1, &f), 0);
    TResp *res = post_comment(c, art1, &f, "WRONG", name, email, text, "");
    CHECK_INT(res->status, 400);
    CHECK_NOT_CONTAINS(res->body, "<script>alert(");
    CHECK_NOT_CONTAINS(res->body, "<img src=x");
    CHECK_NOT_CONTAINS(res->body, "<b>đậm</b>");
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(");
    CHECK_CONTAINS(res->body, "&lt;b&gt;đậm&lt;/b&gt; &amp; ");
    CHECK_CONTAINS(res->body, "&quot;&gt;&lt;img src=x");
    form_free(&f);

    /* Stored, approved and shown: escaped on the article and in the queue, link not clickable. */
    CHECK_INT(form_get(c, art1, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    res = post_comment(c, art1, &f, code, name, "", text, "");
    CHECK_INT(res->status, 303);
    form_free(&f);
    TClient *m = moderator();
    CHECK(m != NULL);
    if (!m) { tc_free(c); return; }
    res = tc_get(m, "/quan-tri/binh-luan");
    CHECK_NOT_CONTAINS(res->body, "<script>alert(");
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(&#39;ten&#39;)&lt;/script&gt;");
    long id = queue_id(res->body, "&lt;b&gt;đậm");
    CHECK(id > 0);
    char ids[32];
    snprintf(ids, sizeof ids, "%ld", id);
    res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "csrf", m->csrf, "hanh_dong", "approved", "id", ids, NULL);
    CHECK_INT(res->status, 303);
    res = tc_get(c, art1);
    CHECK_INT(res->status, 200);
    CHECK_NOT_CONTAINS(res->body, "<script>alert(");
    CHECK_NOT_CONTAINS(res->body, "<b>đậm</b>");
    CHECK_CONTAINS(res->body, "&lt;b&gt;đậm&lt;/b&gt; &amp; &lt;script&gt;");
    CHECK_CONTAINS(res->body, "&lt;script&gt;alert(&#39;ten&#39;)&lt;/script&gt;");
    CHECK_NOT_CONTAINS(res->body, "href=\"http://a.vn");
    tc_free(m);
    tc_free(c);
}

TEST(test_comment_honeypot)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, art2, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    const char *text = "Bình luận của một rô-bốt điền mọi ô.";
    TResp *res = post_comment(c, art2, &f, code, "Rô Bốt", "", text, "http://spam.example");
    CHECK_INT(res->status, 303);                       /* looks accepted ... */
    char *loc = tc_header(res, "Location");
    CHECK_CONTAINS(loc, "bl=1#binh-luan");
    free(loc);
    CHECK_INT(stored(text), 0);                        /* ... but nothing was stored */
    form_free(&f);
    tc_free(c);
}

TEST(test_comment_flood)
{
    TClient *c = tc_new(&srv);
    Form f = {0};
    CHECK_INT(form_get(c, art2, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    TResp *res = post_comment(c, art2, &f, code, "Mai Anh", "", "Ý kiến thứ nhất của tôi.", "");
    CHECK_INT(res->status, 303);
    form_free(&f);
    CHECK_INT(form_get(c, art2, &f), 0);
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    res = post_comment(c, art2, &f, code, "Mai Anh", "", "Ý kiến thứ hai gửi ngay sau.", "");
    CHECK_INT(res->status, 429);
    CHECK_CONTAINS(res->body, "Bạn gửi bình luận quá nhanh. Vui lòng đợi 15 giây rồi gửi lại.");
    CHECK_CONTAINS(res->body, "Ý kiến thứ hai gửi ngay sau.</textarea>");
    char *v = tc_input_value(res->body, "ho_ten");
    CHECK_STR(v, "Mai Anh");
    free(v);
    CHECK_INT(stored("Ý kiến thứ hai gửi ngay sau."), 0);
    form_free(&f);
    tc_free(c);
}

/* ------------------------------------------------------------ moderation */

TEST(test_moderation_permissions)
{
    TClient *m = moderator();
    CHECK(m != NULL);
    if (!m) return;
    /* without the CSRF token */
    TResp *res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "hanh_dong", "approved", "id", "1", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(m, "/quan-tri/binh-luan/1/tra-loi", "noi_dung", "Trả lời", NULL);
    CHECK_INT(res->status, 403);
    /* bad action / nothing selected */
    res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "csrf", m->csrf, "hanh_dong", "xoa", "id", "1", NULL);
    CHECK_INT(res->status, 400);
    res = tc_post(m, "/quan-tri/binh-luan/xu-ly", "csrf", m->csrf, "hanh_dong", "spam", NULL);
    CHECK_INT(res->status, 400);
    tc_free(m);

    /* an editor cannot moderate, and has no menu entry */
    TClient *e = tc_new(&srv);
    CHECK_INT(tc_login(e, "ed1", ED_PASSWORD), 0);
    res = tc_get(e, "/quan-tri");
    CHECK_NOT_CONTAINS(res->body, "href=\"/quan-tri/binh-luan\"");
    res = tc_get(e, "/quan-tri/binh-luan");
    CHECK_INT(res->status, 403);
    res = tc_post(e, "/quan-tri/binh-luan/xu-ly", "csrf", e->csrf, "hanh_dong", "approved", "id", "1", NULL);
    CHECK_INT(res->status, 403);
    res = tc_post(e, "/quan-tri/binh-luan/1/tra-loi", "csrf", e->csrf, "noi_dung", "Trả lời", NULL);
    CHECK_INT(res->status, 403);
    tc_free(e);
    /* anonymous: not a page for the public */
    TClient *anon = tc_new(&srv);
    res = tc_get(anon, "/quan-tri/binh-luan");
    CHECK(res->status == 303 || res->status == 403 || res->status == 401);
    CHECK_NOT_CONTAINS(res->body, "Kiểm duyệt bình luận");
    tc_free(anon);
}

/* ------------------------------------------------------- test-mode aid */

TEST(test_expired_code)
{
    /* On the injected clock: the code is made at noon (Vietnam time) of
     * today and posted CAPTCHA_TTL + 1 s later, so no second boundary or
     * midnight can fall between the two requests and change the outcome. */
    TServer s2;
    int started = ts_start(&s2, 1);
    CHECK_INT(started, 0);
    if (started) return;
    int64_t now = (int64_t)time(NULL), vn_day = now - (now + 7 * 3600) % 86400;
    int64_t noon = vn_day + 12 * 3600;
    CHECK_INT(ts_clock_set(&s2, noon), 0);
    TClient *c = tc_new(&s2);
    Form f = {0};
    CHECK_INT(form_get(c, art3, &f), 0);
    char code[16];
    snprintf(code, sizeof code, "%s", peek(c, f.id));
    CHECK_INT(strlen(code), 5);
    CHECK_INT(ts_clock_set(&s2, noon + CAPTCHA_TTL + 1), 0);
    TResp *res = post_comment(c, art3, &f, code, "Đinh Văn Khoa", "", "Gửi sau khi mã đã hết hạn.", "");
    CHECK_INT(res->status, 400);
    CHECK_CONTAINS(res->body, "Mã xác thực không đúng");
    CHECK_CONTAINS(res->body, "Gửi sau khi mã đã hết hạn.</textarea>");
    form_free(&f);
    tc_free(c);
    ts_stop(&s2);
}

TEST(test_peek_needs_test_mode)
{
    TServer s3;
    setenv("HOIDONG_TEST_MODE", "0", 1);
    int started = ts_start(&s3, 1);
    unsetenv("HOIDONG_TEST_MODE");
    CHECK_INT(started, 0);
    if (started) return;
    TClient *c = tc_new(&s3);
    Form f = {0};
    CHECK_INT(form_get(c, art3, &f), 0);
    if (f.id) {
        char path[128];
        snprintf(path, sizeof path, "/xac-thuc/%s/thu-nghiem", f.id);
        TResp *res = tc_get(c, path);
        CHECK_INT(res->status, 404);
        CHECK(res->len != 5);
        snprintf(path, sizeof path, "/xac-thuc/%s", f.id);   /* the code itself is live */
        res = tc_get(c, path);
        CHECK_INT(res->status, 200);
    }
    form_free(&f);
    tc_free(c);
    ts_stop(&s3);
}

TEST(test_test_mode_refused_on_public_address)
{
    char dir[] = "/tmp/hd-engage-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    const char *bin = getenv("HOIDONG_BIN") ? getenv("HOIDONG_BIN") : "build/hoidong";
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "HOIDONG_TEST_MODE=1 timeout 10 '%s' --db '%s/h.db' --files '%s/files' serve "
             "--listen 0.0.0.0 --port 1 2>&1", bin, dir, dir);
    FILE *p = popen(cmd, "r");
    char out[4096] = "";
    size_t n = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[n] = 0;
    int st = p ? pclose(p) : -1;
    CHECK(st != 0);
    CHECK(!(WIFEXITED(st) && WEXITSTATUS(st) == 124));   /* refused, not timed out */
    CHECK_CONTAINS(out, "HOIDONG_TEST_MODE is only allowed on a loopback address");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cleanup failed\n");
}

int main(void)
{
    t_prog = "http_engage";
    log_quiet = 1;
    if (ts_start(&srv, 1) != 0) {
        fprintf(stderr, "http_engage: server did not start\n");
        return 1;
    }
    setenv("HOIDONG_PASSWORD", MOD_PASSWORD, 1);
    int rc1 = ts_cmd(&srv, NULL, "user add mod1 moderator");
    setenv("HOIDONG_PASSWORD", ED_PASSWORD, 1);
    int rc2 = ts_cmd(&srv, NULL, "user add ed1 editor");
    unsetenv("HOIDONG_PASSWORD");
    if (rc1 != 0 || rc2 != 0 || find_articles() != 0) {
        fprintf(stderr, "http_engage: setup failed (users %d %d, articles)\n", rc1, rc2);
        ts_stop(&srv);
        return 1;
    }
    RUN(test_rating_form_and_json);
    RUN(test_rating_stuffing_capped);
    RUN(test_comment_happy_path_and_moderation);
    RUN(test_comment_wrong_code_gives_text_back);
    RUN(test_comment_replayed_code);
    RUN(test_comment_field_errors);
    RUN(test_comment_html_escaped_everywhere);
    RUN(test_comment_honeypot);
    RUN(test_comment_flood);
    RUN(test_moderation_permissions);
    RUN(test_expired_code);
    RUN(test_peek_needs_test_mode);
    RUN(test_test_mode_refused_on_public_address);
    ts_stop(&srv);
    return t_done();
}
