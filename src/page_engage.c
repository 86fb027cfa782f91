/* page_engage.c - readers' star ratings and moderated comments: the
 * article page's rating and comment blocks (engage_article_ctx, called by
 * page_article), the rating POST (form or JSON), the comment form page and
 * its POST, the verification-code picture, and the moderators' queue.
 *
 * Caching design.  GET /bai-viet/:slug must be the same bytes for every
 * visitor (it is cacheable and validated by ETag), so it cannot carry a
 * per-visitor verification code, and it must not reveal whether this
 * visitor already rated or commented.  Therefore:
 *  - the article page shows the rating form (no code needed: one rating
 *    per visitor cookie, soft per-network cap) and the approved comments,
 *    plus a link to the comment form;
 *  - the comment form lives on its own page GET /bai-viet/:slug/gui-binh-luan
 *    (Cache-Control: no-store), which creates a fresh code for each
 *    render and shows it as /xac-thuc/<id> with its spoken-style text
 *    alternative; POST /bai-viet/:slug/binh-luan re-renders that page with
 *    everything the visitor typed when anything is wrong (400/429), or
 *    redirects to the article with the moderation notice (303).
 * The visitor cookie (engage_visitor) is only touched in POST handlers.
 *
 * Abuse handling: verification code (single use, expires), honeypot field
 * `website` (filled: answered like success, nothing stored), flood limit
 * of one comment per visitor per COMMENT_FLOOD_SECONDS, soft daily caps per
 * network for ratings, comments and codes, comments with two or more links
 * flagged for the moderator; every comment waits for moderation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "captcha.h"
#include "config.h"
#include "content.h"
#include "db.h"
#include "engage.h"
#include "engage_comment.h"
#include "engage_rating.h"
#include "http.h"
#include "http_cache.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "tmpl.h"
#include "tuning.h"
#include "visitor.h"
#include "vn.h"
#include "writer.h"

#define RATING_NET_CAP 200          /* ratings per network per day */
#define COMMENT_NET_CAP 300         /* comments per network per day */
#define CAPTCHA_NET_CAP 3000        /* verification codes per network per day */
#define COMMENT_FLOOD_SECONDS 15
#define QUEUE_PER_PAGE 50

/* ---------------------------------------------------------------- helpers */

/* A visible article by slug: its id and title (arena).  0, 404 or 500. */
static int article_find(Req *r, const char *slug, int64_t *id, const char **title)
{
    if (!slug || !*slug || strlen(slug) > 300) return 404;
    Stmt *st = db_prepare(r->db, "SELECT a.id, a.title FROM articles a"
                                 " WHERE a.slug = ?2 AND " ARTICLE_VISIBLE_SQL);
    if (!st) return 500;
    db_bindf(st, "lt", (int64_t)r->now, slug);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_col_int(st, 0);
        *title = db_col_dup(st, 1, r->arena);
    }
    db_done(st);
    return rc == DB_ROW ? 0 : rc == DB_DONE ? 404 : 500;
}

static const char *article_path(Arena *a, const char *slug)
{
    return arena_printf(a, "/bai-viet/%s", slug);
}

/* The request asks for JSON (the rating script). */
static int wants_json(Req *r)
{
    const char *acc = req_header(r, "Accept");
    return acc && strstr(acc, "application/json") != NULL;
}

/* The opening tag of the rating summary in templates/article_engage.html
 * (the live fragment's start; tests/http_cache.c checks they agree). */
#define RATING_SPAN_OPEN "<span id=\"rating-summary\" aria-live=\"polite\">"

/* "lượt đánh giá: 4.922, trung bình: 4,5" for count > 0. */
static const char *rating_text(Arena *a, int64_t count, int64_t sum)
{
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "lượt đánh giá: ");
    vn_int(&b, count);
    buf_puts(&b, ", trung bình: ");
    rating_average(&b, count, sum);
    return buf_str(&b);
}

static Val *comment_val(Arena *a, const Comment *c)
{
    Val *v = val_map(a);
    val_set_int(v, "id", c->id);
    val_set_str(v, "name", c->name ? c->name : "");
    val_set_str(v, "body", c->body ? c->body : "");
    val_set_int(v, "created_at", c->created_at);
    val_set_bool(v, "is_staff", c->is_staff);
    return v;
}

/* ------------------------------------------------- article page blocks */

int engage_article_ctx(Req *r, Val *ctx, int64_t article_id, const char *slug)
{
    Arena *a = r->arena;
    Val *e = val_map(a);
    const char *url = article_path(a, slug);
    val_set_str(e, "rate_url", arena_printf(a, "%s/danh-gia", url));
    val_set_str(e, "comment_url", arena_printf(a, "%s/gui-binh-luan", url));

    int64_t count = 0, sum = 0;
    if (rating_summary(r->db, article_id, &count, &sum) != 0) return -1;
    Val *rating = val_map(a);
    val_set_bool(rating, "has", count > 0);
    val_set_int(rating, "count", count);
    Buf avg;
    buf_init(&avg, a);
    rating_average(&avg, count, sum);
    val_set_str(rating, "average", buf_str(&avg));
    val_set_str(rating, "text", rating_text(a, count, sum));
    val_set(e, "rating", rating);
    /* The summary's span (article_engage.html) is the page's live
     * fragment: a rating puts its new text in the cached page. */
    r->live_article = article_id;
    r->live_open = RATING_SPAN_OPEN;
    r->live_close = "</span>";

    Comment *list = NULL;
    size_t n = 0;
    if (comment_list_public(r->db, a, article_id, &list, &n) != 0) return -1;
    /* The list comes thread by thread (root, then its replies). */
    Val *threads = val_list(a), *thread = NULL, *replies = NULL;
    for (size_t i = 0; i < n; i++) {
        Val *v = comment_val(a, &list[i]);
        if (list[i].parent_id) {
            if (!replies) continue;   /* orphan reply: cannot happen with the list's order */
            val_push(replies, v);
            val_set_bool(thread, "has_replies", 1);
            continue;
        }
        thread = v;
        replies = val_list(a);
        val_set(v, "replies", replies);
        val_set_bool(v, "has_replies", 0);
        val_push(threads, v);
    }
    val_set(e, "comments", threads);
    val_set_bool(e, "has_comments", val_len(threads) > 0);
    val_set_int(e, "comment_count", (int64_t)n);

    /* Notices after Post/Redirect/Get: part of the URL, so still the same
     * page for everyone who asks for that URL. */
    const char *dg = req_query(r, "dg"), *bl = req_query(r, "bl");
    val_set_bool(e, "rated_notice", dg && !strcmp(dg, "1"));
    val_set_bool(e, "comment_notice", bl && !strcmp(bl, "1"));
    val_set(ctx, "engage", e);
    return 0;
}

/* ------------------------------------------------------------- ratings */

/* Error answer for the rating POST: JSON for the script, a page otherwise. */
static int rating_fail(Req *r, int status, const char *msg)
{
    if (wants_json(r)) {
        Buf b;
        buf_init(&b, r->arena);
        buf_puts(&b, "{\"error\":\"");
        buf_json(&b, msg);
        buf_puts(&b, "\"}");
        r->cache_seconds = -1;
        return reply_text(r, status, "application/json; charset=utf-8", buf_str(&b));
    }
    return reply_error(r, status, msg);
}

/* After a rating's COMMIT, in the writer thread (writer_run_after): the
 * cached pages of the article show the new summary at once, escaped as
 * the template escapes {{rating.text}}, without being rendered again. */
static void rating_committed(int64_t article_id, int64_t count, int64_t sum)
{
    Arena *a = arena_new();
    Buf b;
    buf_init(&b, a);
    if (count > 0) buf_html(&b, rating_text(a, count, sum));
    else buf_puts(&b, "chưa có lượt đánh giá nào");
    cache_live_update(article_id, b.data ? b.data : "", b.len);
    arena_free(a);
}

/* POST /bai-viet/:slug/danh-gia - rate the article: field `sao` (1-5),
 * csrf.  One rating per visitor (cookie hd_v) and article; a new rating
 * replaces the visitor's earlier one.  Soft cap RATING_NET_CAP per network
 * per day (429).  Without JavaScript: 303 to the article #danh-gia with a
 * notice; with `Accept: application/json`: {"count":N,"average":"4,5",
 * "text":"lượt đánh giá: N, trung bình: 4,5"}.  Public. */
int page_rating(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    int64_t id = 0;
    const char *title = NULL;
    int rc = article_find(r, slug, &id, &title);
    if (rc == 404) return rating_fail(r, 404, "Bài viết này không tồn tại hoặc chưa được đăng.");
    if (rc) return rating_fail(r, 500, "Hệ thống gặp sự cố, vui lòng thử lại sau.");
    int64_t stars = req_int(r, "sao", 0, 1, 5);
    if (stars < 1) return rating_fail(r, 400, "Vui lòng chọn số sao từ 1 đến 5.");
    if (!engage_net_allow(r, "rating", RATING_NET_CAP))
        return rating_fail(r, 429, "Mạng của bạn đã gửi quá nhiều lượt đánh giá trong hôm nay. "
                                   "Vui lòng thử lại vào ngày mai.");
    uint8_t visitor[16];
    engage_visitor(r, visitor);
    char key[RATING_KEY_HEX];
    int64_t count = 0, sum = 0;
    if (rating_visitor_key(r->db, id, visitor, key) != 0 ||
        (rc = writer_rating_put(r->db, id, key, (int)stars, r->now, 0, &count, &sum, rating_committed)) < 0)
        return rating_fail(r, 500, "Hệ thống gặp sự cố, vui lòng thử lại sau.");   /* group commit */
    if (rc == RATING_BAD) return rating_fail(r, 400, "Vui lòng chọn số sao từ 1 đến 5.");
    /* Committed: rating_committed has already invalidated this article's
     * pages and put the new summary in the cached ones. */
    cache_unchanged();
    if (wants_json(r)) {
        Buf b;
        buf_init(&b, r->arena);
        buf_printf(&b, "{\"count\":%lld,\"average\":\"", (long long)count);
        rating_average(&b, count, sum);
        buf_puts(&b, "\",\"text\":\"");
        buf_json(&b, rating_text(r->arena, count, sum));
        buf_puts(&b, "\",\"message\":\"");
        buf_json(&b, rc == RATING_REPLACED ? "Đã cập nhật đánh giá của bạn." : "Cảm ơn bạn đã đánh giá.");
        buf_puts(&b, "\"}");
        r->cache_seconds = -1;
        return reply_text(r, 200, "application/json; charset=utf-8", buf_str(&b));
    }
    return reply_redirect(r, arena_printf(r->arena, "%s?dg=1#danh-gia", article_path(r->arena, slug)));
}

/* ------------------------------------------------------------- comments */

typedef struct CommentView {
    const char *name, *email, *body;          /* as typed (echo-safe) */
    const char *name_err, *email_err, *body_err, *code_err;
    const char *message;                      /* summary at the top, or NULL */
} CommentView;

/* Render the comment form page for the article with a fresh verification
 * code (when the network's cap allows) and the visitor's text v. */
static int comment_form_render(Req *r, int status, const char *slug, const char *title,
                               const CommentView *v)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    const char *url = article_path(a, slug);
    val_set_str(ctx, "article_url", url);
    val_set_str(ctx, "article_title", title);
    val_set_str(ctx, "post_url", arena_printf(a, "%s/binh-luan", url));
    val_set_str(ctx, "name", v->name ? v->name : "");
    val_set_str(ctx, "email", v->email ? v->email : "");
    val_set_str(ctx, "body", v->body ? v->body : "");
    if (v->name_err) val_set_str(ctx, "name_err", v->name_err);
    if (v->email_err) val_set_str(ctx, "email_err", v->email_err);
    if (v->body_err) val_set_str(ctx, "body_err", v->body_err);
    if (v->code_err) val_set_str(ctx, "code_err", v->code_err);
    if (v->message) val_set_str(ctx, "message", v->message);
    val_set_int(ctx, "name_max", COMMENT_NAME_MAX);
    val_set_int(ctx, "body_max", COMMENT_BODY_MAX);
    val_set_int(ctx, "body_min", COMMENT_BODY_MIN);

    if (!page_captcha_ctx(r, ctx) && status == 200) status = 429;
    Val *crumbs = val_list(a);
    Val *c1 = val_map(a);
    val_set_str(c1, "name", title);
    val_set_str(c1, "url", url);
    val_push(crumbs, c1);
    Val *c2 = val_map(a);
    val_set_str(c2, "name", "Gửi ý kiến");
    val_push(crumbs, c2);
    val_set(ctx, "crumbs", crumbs);
    val_set_str(ctx, "description", "Gửi ý kiến bạn đọc về bài viết");
    r->cache_seconds = -1;    /* a fresh code per render: never cached */
    return reply_page(r, status, "comment_form", arena_printf(a, "Gửi ý kiến: %s", title), ctx);
}

/* GET /bai-viet/:slug/gui-binh-luan - the comment form for an article with
 * a new verification code.  Not cached (no-store).  Public. */
int page_comment_form(Req *r)
{
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    int64_t id = 0;
    const char *title = NULL;
    int rc = article_find(r, slug, &id, &title);
    if (rc == 404) return reply_error(r, 404, "Bài viết này không tồn tại hoặc chưa được đăng.");
    if (rc) return reply_error(r, 500, NULL);
    CommentView v = {0};
    return comment_form_render(r, 200, slug, title, &v);
}

/* POST /bai-viet/:slug/binh-luan - a reader's comment.  Fields: ho_ten
 * (required), email (optional, never shown), noi_dung (5..3000 chars),
 * ma_id + ma_xac_thuc (verification code), website (honeypot: must stay
 * empty), ma_moi (button "Lấy mã khác": re-render with a new code), csrf.
 * Outcomes: 303 to the article ?bl=1#binh-luan (stored as pending; also
 * for a filled honeypot, where nothing is stored); 400 with the form, the
 * typed text and the messages for a wrong/expired/replayed code or bad
 * fields; 429 with the form when flooding or over the network's cap.
 * Public. */
int page_comment_post(Req *r)
{
    Arena *a = r->arena;
    const char *slug = r->nargs > 0 ? r->args[0] : NULL;
    int64_t id = 0;
    const char *title = NULL;
    int rc = article_find(r, slug, &id, &title);
    if (rc == 404) return reply_error(r, 404, "Bài viết này không tồn tại hoặc chưa được đăng.");
    if (rc) return reply_error(r, 500, NULL);

    const char *name = req_form(r, "ho_ten"), *email = req_form(r, "email");
    const char *body = req_form(r, "noi_dung"), *honey = req_form(r, "website");
    const char *cid = req_form(r, "ma_id"), *code = req_form(r, "ma_xac_thuc");
    const char *done_url = arena_printf(a, "%s?bl=1#binh-luan", article_path(a, slug));
    cache_unchanged();   /* a new comment waits for moderation: no public page shows it */
    CommentView v = {page_echo(a, name), page_echo(a, email), page_echo(a, body),
                     NULL, NULL, NULL, NULL, NULL};

    /* Every code is single use: whatever happens next, this one is spent. */
    int code_ok = captcha_check(cid, code, r->now);

    if (req_form(r, "ma_moi"))
        return comment_form_render(r, 200, slug, title, &v);

    /* A filled honeypot is a robot: answer exactly like success. */
    if (honey && *honey) return reply_redirect(r, done_url);

    CommentFields f;
    int bad = comment_validate(a, name, email, body, &f) != 0;
    if (bad || !code_ok) {
        v.name_err = f.name_err;
        v.email_err = f.email_err;
        v.body_err = f.body_err;
        if (!code_ok) v.code_err = "Mã xác thực không đúng. Mã chỉ dùng được một lần và có hiệu lực trong 5 phút; vui lòng nhập mã mới.";
        v.message = bad ? "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới."
                        : "Mã xác thực không đúng.";
        if (bad && !code_ok) v.message = "Mã xác thực không đúng. Vui lòng kiểm tra lại các ô được đánh dấu bên dưới.";
        return comment_form_render(r, 400, slug, title, &v);
    }

    uint8_t visitor[16];
    engage_visitor(r, visitor);
    if (!engage_flood_allow(visitor, "comment", COMMENT_FLOOD_SECONDS, r->now)) {
        v.message = "Bạn gửi bình luận quá nhanh. Vui lòng đợi 15 giây rồi gửi lại.";
        return comment_form_render(r, 429, slug, title, &v);
    }
    if (!engage_net_allow(r, "comment", COMMENT_NET_CAP)) {
        v.message = "Mạng của bạn đã gửi quá nhiều bình luận trong hôm nay. "
                    "Vui lòng thử lại vào ngày mai.";
        return comment_form_render(r, 429, slug, title, &v);
    }
    if (writer_comment_add(r->db, id, f.name, f.email, f.body, r->now, 0, NULL) != 0)   /* group commit */
        return reply_error(r, 500, NULL);
    return reply_redirect(r, done_url);
}

/* ------------------------------------------------ verification code */

/* The code id of a route capture ("<32 hex>" or "<32 hex>.png"), or NULL. */
static const char *code_id(Req *r)
{
    const char *s = r->nargs > 0 ? r->args[0] : NULL;
    if (!s) return NULL;
    size_t n = strlen(s);
    if (n == 36 && !strcmp(s + 32, ".png")) return arena_strndup(r->arena, s, 32);
    return n == 32 ? s : NULL;
}

/* GET /xac-thuc/:id - the verification code picture (PNG, no-store).
 * 404 for an unknown, used or expired id.  Public. */
int page_captcha_ctx(Req *r, Val *ctx)
{
    /* The code is charged to the client's network (the key the daily caps
     * use), so one network can only displace its own codes (captcha.h). */
    Arena *a = r->arena;
    char cid[CAPTCHA_ID_SIZE];
    uint8_t net[VISITOR_HASH_BYTES];
    size_t net_len = visitor_net_hash(req_client_ip(r), r->now, net) == 0 ? sizeof net : 0;
    if (!engage_net_allow(r, "captcha", CAPTCHA_NET_CAP) || captcha_new(cid, net, net_len, r->now) != 0) {
        val_set_bool(ctx, "captcha_unavailable", 1);
        return 0;
    }
    Buf text;
    buf_init(&text, a);
    captcha_text_challenge(cid, r->now, &text);
    val_set_str(ctx, "captcha_id", arena_strdup(a, cid));
    val_set_str(ctx, "captcha_url", arena_printf(a, "/xac-thuc/%s", cid));
    val_set_str(ctx, "captcha_text", buf_str(&text));
    return 1;
}

int page_captcha_image(Req *r)
{
    const char *cid = code_id(r);
    r->cache_seconds = -1;
    buf_reset(&r->out);
    if (!cid || captcha_png(cid, r->now, &r->out) != 0) {
        buf_reset(&r->out);
        return reply_text(r, 404, "text/plain; charset=utf-8", "Mã xác thực không tồn tại hoặc đã hết hạn.\n");
    }
    r->content_type = "image/png";
    r->file_path = NULL;
    return 200;
}

/* GET /xac-thuc/:id/thu-nghiem - TEST AID: the code as plain text, only
 * in the test build with HOIDONG_TEST_MODE=1 (loopback only, see tuning.h
 * and server.c); 404 otherwise, exactly like an unknown path.  Does not consume the code. */
int page_captcha_peek(Req *r)
{
    char code[CAPTCHA_LEN + 1];
    const char *cid = code_id(r);
    r->cache_seconds = -1;
    if (!tuning->captcha_peek || !cid || captcha_peek(cid, r->now, code) != 0)
        return reply_error(r, 404, NULL);
    return reply_text(r, 200, "text/plain; charset=utf-8", arena_strdup(r->arena, code));
}

/* ------------------------------------------------------------ moderation */

static const struct { const char *value, *label; } queue_filters[] = {
    {"pending", "Chờ duyệt"}, {"approved", "Đã duyệt"}, {"rejected", "Từ chối"},
    {"spam", "Thư rác"}, {"all", "Tất cả"},
};

/* The filter value of the request: a known status or "all" (default pending). */
static const char *queue_filter(Req *r, const char *field)
{
    const char *s = req_param(r, field);
    for (size_t i = 0; s && i < sizeof queue_filters / sizeof queue_filters[0]; i++)
        if (!strcmp(s, queue_filters[i].value)) return queue_filters[i].value;
    return "pending";
}

/* GET /quan-tri/binh-luan?trang-thai=pending|approved|rejected|spam|all&trang=N
 * - the moderation queue, newest first: article, name, text, flags; actions
 * per comment and in bulk, staff replies.  Moderators and administrators. */
int page_admin_comments(Req *r)
{
    Arena *a = r->arena;
    const char *filter = queue_filter(r, "trang-thai");
    const char *status = strcmp(filter, "all") ? filter : NULL;
    int64_t page = req_int(r, "trang", 1, 1, 1000000);
    Comment *list = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (comment_queue(r->db, a, status, QUEUE_PER_PAGE, (page - 1) * QUEUE_PER_PAGE, &list, &n,
                      &total) != 0)
        return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    val_set_str(ctx, "filter", filter);
    val_set_str(ctx, "filter_label", comment_status_label(status ? status : "all"));

    Val *tabs = val_list(a);
    for (size_t i = 0; i < sizeof queue_filters / sizeof queue_filters[0]; i++) {
        Val *t = val_map(a);
        const char *fv = queue_filters[i].value;
        val_set_str(t, "value", fv);
        val_set_str(t, "label", queue_filters[i].label);
        val_set_bool(t, "current", !strcmp(fv, filter));
        int64_t c = strcmp(fv, "all")
            ? db_int(r->db, 0, "SELECT COUNT(*) FROM comments WHERE status = ?1", "t", fv)
            : db_int(r->db, 0, "SELECT COUNT(*) FROM comments", "");
        val_set_int(t, "count", c);
        val_push(tabs, t);
    }
    val_set(ctx, "tabs", tabs);

    Val *items = val_list(a);
    for (size_t i = 0; i < n; i++) {
        const Comment *c = &list[i];
        Val *v = comment_val(a, c);
        val_set_str(v, "status", c->status);
        val_set_str(v, "status_label", comment_status_label(c->status));
        val_set_bool(v, "flag_links", c->flags && strstr(c->flags, "links") != NULL);
        val_set_int(v, "parent_id", c->parent_id);
        val_set_str(v, "article_title", c->article_title ? c->article_title : "");
        val_set_str(v, "article_url", article_path(a, c->article_slug ? c->article_slug : ""));
        val_set_str(v, "moderator", c->moderator ? c->moderator : "");
        val_set_int(v, "moderated_at", c->moderated_at);
        val_set_bool(v, "can_reply", !c->is_staff &&
                     (!strcmp(c->status, "pending") || !strcmp(c->status, "approved")));
        val_push(items, v);
    }
    val_set(ctx, "items", items);
    val_set_bool(ctx, "has_items", n > 0);
    val_set_int(ctx, "total", total);
    int64_t pages = (total + QUEUE_PER_PAGE - 1) / QUEUE_PER_PAGE;
    if (page > 1)
        val_set_str(ctx, "prev_url", arena_printf(a, "/quan-tri/binh-luan?trang-thai=%s&trang=%lld",
                                                  filter, (long long)(page - 1)));
    if (page < pages)
        val_set_str(ctx, "next_url", arena_printf(a, "/quan-tri/binh-luan?trang-thai=%s&trang=%lld",
                                                  filter, (long long)(page + 1)));
    int64_t done = req_int(r, "xong", -1, 0, 1000000);
    if (done >= 0) {
        val_set_int(ctx, "done", done);
        val_set_bool(ctx, "has_done", 1);
    }
    if (req_query(r, "tra-loi")) val_set_bool(ctx, "replied", 1);
    Val *crumbs = val_list(a);
    Val *c1 = val_map(a);
    val_set_str(c1, "name", "Quản trị");
    val_set_str(c1, "url", "/quan-tri");
    val_push(crumbs, c1);
    Val *c2 = val_map(a);
    val_set_str(c2, "name", "Bình luận");
    val_push(crumbs, c2);
    val_set(ctx, "crumbs", crumbs);
    return reply_page(r, 200, "admin_comments", "Kiểm duyệt bình luận", ctx);
}

/* The cached pages a moderation of comments ids[0..n) changed, after its
 * commit: each one's article (its comment list and count) and the lists
 * (should a list show comment counts).  Many at once: everything. */
static void comments_changed(Req *r, const int64_t *ids, size_t n)
{
    if (n > 64) {
        cache_bump();
        cache_unchanged();   /* declared: bumped above */
        return;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t art = comment_article_id(r->db, ids[i]);
        if (art < 0) {       /* cannot tell which: everything */
            cache_bump();
            cache_unchanged();
            return;
        }
        if (art > 0) cache_invalidate_article(art);
    }
    cache_invalidate("lists");
}

/* POST /quan-tri/binh-luan/xu-ly - set the status of the selected comments:
 * hanh_dong = approved|rejected|spam|pending, one or more `id` fields,
 * trang_thai (the queue filter to return to), csrf.  Audited per comment.
 * 303 back to the queue with ?xong=N.  Moderators and administrators. */
int page_admin_comment_action(Req *r)
{
    const char *action = req_form(r, "hanh_dong");
    if (!action || (strcmp(action, "approved") && strcmp(action, "rejected") &&
                    strcmp(action, "spam") && strcmp(action, "pending")))
        return reply_error(r, 400, "Thao tác không hợp lệ.");
    size_t n = 0, cap = 16;
    int64_t *ids = arena_alloc(r->arena, cap * sizeof *ids);
    for (Param *p = r->form; p; p = p->next) {
        if (strcmp(p->name, "id")) continue;
        char *end = NULL;
        long long v = strtoll(p->value, &end, 10);
        if (!*p->value || *end || v <= 0) continue;
        if (n == cap) {
            ids = arena_realloc(r->arena, ids, cap * sizeof *ids, 2 * cap * sizeof *ids);
            cap *= 2;
        }
        ids[n++] = v;
    }
    if (n == 0) return reply_error(r, 400, "Chưa chọn bình luận nào.");
    int changed = comment_moderate(r->db, ids, n, action, r->user ? r->user->id : 0,
                                   r->user ? r->user->username : NULL, r->now);
    if (changed < 0) return reply_error(r, 500, NULL);
    comments_changed(r, ids, n);
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/binh-luan?trang-thai=%s&xong=%d",
                                          queue_filter(r, "trang_thai"), changed));
}

/* POST /quan-tri/binh-luan/:id/tra-loi - a staff reply (field noi_dung,
 * trang_thai to return to, csrf): published at once under the comment,
 * which is approved with it if it was pending.  Audited.  303 back to the
 * queue; 400 with a message on empty/too long text or a comment that
 * cannot be answered.  Moderators and administrators. */
int page_admin_comment_reply(Req *r)
{
    const char *s = r->nargs > 0 ? r->args[0] : "";
    char *end = NULL;
    long long parent = strtoll(s, &end, 10);
    if (!*s || *end || parent <= 0) return reply_error(r, 404, NULL);
    const char *err = NULL;
    if (comment_reply(r->db, r->arena, parent, req_form(r, "noi_dung"), r->user ? r->user->id : 0,
                      r->user ? r->user->username : NULL, r->user ? r->user->display_name : NULL,
                      r->now, NULL, &err) != 0)
        return reply_error(r, 400, err);
    int64_t pid = parent;
    comments_changed(r, &pid, 1);
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/binh-luan?trang-thai=%s&tra-loi=1",
                                          queue_filter(r, "trang_thai")));
}
