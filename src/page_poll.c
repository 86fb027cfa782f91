/* page_poll.c - the public side of polls ("Bình chọn"): the list, the
 * results page and voting.  The sidebar's poll block (and its links and
 * statistics) is loaded by layout.c, below the pages.
 *
 * Voting is a plain form POST (works without JavaScript): the server has
 * already checked same-origin and the day's public form token; here the
 * visitor is recognised by the signed cookie (engage_visitor, turned into a
 * per-poll voter key, see engage_poll.h) and each network has a soft daily
 * cap (engage_net_allow) so one office or script cannot stuff the poll
 * while a shared office network can still vote.  GET pages never read or
 * set the cookie, so they stay cacheable.
 *
 * Results are labelled as indicative ("Kết quả mang tính tham khảo"): a
 * cookie can be cleared, so a determined person can vote more than once
 * within the network cap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "engage.h"
#include "engage_poll.h"
#include "http.h"
#include "http_cache.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "tmpl.h"
#include "tuning.h"
#include "vn.h"
#include "writer.h"

#define POLL_LIST_MAX 200

/* ---------------------------------------------------------------- helpers */


/* ---------------------------------------------------------------- results */

/* Render the results page of poll id with an optional notice or error.
 * 404 for unknown polls and drafts. */
static int render_poll(Req *r, int status, int64_t id, const char *notice, const char *error)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, "SELECT question, multiple, COALESCE(opens_at, 0), "
                                 "COALESCE(closes_at, 0), status, voters, created_at "
                                 "FROM polls WHERE id = ?1 AND status <> 'draft'");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500,
                           rc == DB_DONE ? "Cuộc bình chọn này không tồn tại." : NULL);
    }
    const char *question = db_col_dup(st, 0, a);
    int multiple = db_col_int(st, 1) != 0;
    int64_t opens = db_col_int(st, 2), closes = db_col_int(st, 3);
    const char *pstatus = db_col_dup(st, 4, a);
    int64_t voters = db_col_int(st, 5), created = db_col_int(st, 6);
    db_done(st);

    Val *ctx = layout_ctx(r);
    Val *p = val_map(a);
    val_set_int(p, "id", id);
    val_set_str(p, "question", question);
    val_set_bool(p, "multiple", multiple);
    val_set_int(p, "voters", voters);
    val_set_str(p, "action", arena_printf(a, "/binh-chon/%lld", (long long)id));
    if (opens > 0) val_set_str(p, "opens", page_datetime_text(a, opens));
    if (closes > 0) val_set_str(p, "closes", page_datetime_text(a, closes));
    val_set_str(p, "started", page_datetime_text(a, opens > 0 ? opens : created));
    int verdict = poll_votable(pstatus, opens, closes, r->now);
    val_set_bool(p, "votable", verdict == POLL_VOTE_OK);
    val_set_str(p, "state", verdict == POLL_VOTE_OK ? "Đang diễn ra"
                            : verdict == POLL_VOTE_NOT_OPEN ? "Chưa bắt đầu" : "Đã kết thúc");

    Val *opts = val_list(a);
    st = db_prepare(r->db, "SELECT id, label, votes FROM poll_options WHERE poll_id = ?1 "
                           "ORDER BY position, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t votes = db_col_int(st, 2);
        /* Share of voters who chose the option (for multiple-choice polls
         * the shares add up to more than 100%). */
        double pct = voters > 0 ? 100.0 * (double)votes / (double)voters : 0.0;
        Val *o = val_map(a);
        val_set_int(o, "id", db_col_int(st, 0));
        val_set_str(o, "label", db_col_dup(st, 1, a));
        val_set_int(o, "votes", votes);
        val_set_str(o, "votes_text", page_int_text(a, votes));
        Buf b;
        buf_init(&b, a);
        vn_decimal(&b, pct, 1);
        buf_putc(&b, '%');
        val_set_str(o, "percent", buf_str(&b));
        val_set_str(o, "width", arena_printf(a, "%.1f", pct));
        val_push(opts, o);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(p, "options", opts);
    val_set(ctx, "poll", p);
    if (notice) val_set_str(ctx, "notice", notice);
    if (error) val_set_str(ctx, "error", error);

    Val *crumbs = val_list(a);
    Val *c1 = val_map(a);
    val_set_str(c1, "name", "Bình chọn");
    val_set_str(c1, "url", "/binh-chon");
    val_push(crumbs, c1);
    Val *c2 = val_map(a);
    val_set_str(c2, "name", "Kết quả bình chọn");
    val_push(crumbs, c2);
    val_set(ctx, "crumbs", crumbs);
    val_set_str(ctx, "description", question);
    if (status == 200) r->visit_page = 1;
    return reply_page(r, status, "poll", "Kết quả bình chọn", ctx);
}

/* GET /binh-chon/:id - a poll's results: per option a bar, the share
 * ("45,3%") and the votes, "N người đã bình chọn", the indicative-poll
 * note, and the voting form while the poll is open.  ?ok=1 thanks the
 * visitor after a vote.  Drafts and unknown ids: 404.  Public. */
int page_poll(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, NULL);
    const char *ok = req_query(r, "ok");
    return render_poll(r, 200, id,
                       ok && !strcmp(ok, "1") ? "Cảm ơn bạn đã tham gia bình chọn." : NULL, NULL);
}

/* POST /binh-chon/:id - vote.  Form: lua_chon (one option id, or several
 * for a multiple-choice poll), csrf (checked by the server).
 * 303 to the results with ?ok=1; 400 for a missing or foreign option;
 * 403 when the poll is closed or not yet open; 404 for unknown polls and
 * drafts; 409 (results page with a polite notice, counts unchanged) when
 * this visitor already voted; 429 when the network used its daily cap.
 * Public. */
int page_poll_vote(Req *r)
{
    int64_t id = page_arg_id(r, 0);
    if (!id) return reply_error(r, 404, NULL);
    r->cache_seconds = -1;

    /* The chosen options: every lua_chon field, each a plain number. */
    int64_t opts[POLL_MAX_OPTIONS];
    size_t n = 0;
    int bad = 0;
    for (Param *f = r->form; f; f = f->next) {
        if (strcmp(f->name, "lua_chon") != 0) continue;
        int64_t v = 0;
        const char *s = f->value;
        if (!s || !*s || strlen(s) > 18) { bad = 1; continue; }
        for (; *s; s++) {
            if (*s < '0' || *s > '9') { bad = 1; break; }
            v = v * 10 + (*s - '0');
        }
        if (*s || v <= 0) { bad = 1; continue; }
        if (n == POLL_MAX_OPTIONS) { bad = 1; break; }
        opts[n++] = v;
    }

    /* Whether the poll exists and is open, before anything is counted. */
    Stmt *st = db_prepare(r->db, "SELECT status, COALESCE(opens_at, 0), COALESCE(closes_at, 0) "
                                 "FROM polls WHERE id = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    int rc = db_step(st), verdict = POLL_VOTE_NOT_FOUND;
    if (rc == DB_ROW)
        verdict = poll_votable(db_col_text(st, 0), db_col_int(st, 1), db_col_int(st, 2), r->now);
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return reply_error(r, 500, NULL);
    if (verdict == POLL_VOTE_NOT_FOUND) return reply_error(r, 404, "Cuộc bình chọn này không tồn tại.");
    if (verdict == POLL_VOTE_CLOSED)
        return render_poll(r, 403, id, NULL, "Cuộc bình chọn này đã kết thúc, không nhận thêm ý kiến.");
    if (verdict == POLL_VOTE_NOT_OPEN)
        return render_poll(r, 403, id, NULL, "Cuộc bình chọn này chưa bắt đầu.");
    if (bad || n == 0)
        return render_poll(r, 400, id, NULL, "Vui lòng chọn phương án hợp lệ trước khi gửi bình chọn.");

    uint8_t vid[16];
    engage_visitor(r, vid);
    char key[POLL_KEY_HEX];
    if (poll_voter_key(r->db, id, vid, key) != 0) return reply_error(r, 500, NULL);
    int voted = poll_has_voted(r->db, id, key);
    if (voted < 0) return reply_error(r, 500, NULL);
    if (voted) return render_poll(r, 409, id, "Bạn đã bình chọn cho câu hỏi này.", NULL);
    if (!engage_net_allow(r, "vote", tuning->vote_net_cap))
        return reply_error(r, 429, "Hôm nay mạng của bạn đã gửi quá nhiều lượt bình chọn. "
                                   "Vui lòng thử lại vào ngày mai.");

    switch (writer_poll_vote(r->db, id, key, opts, n, r->now)) {   /* group commit */
    case POLL_VOTE_OK:
        cache_invalidate("sidebar");   /* the voter count every sidebar shows */
        return reply_redirect(r, arena_printf(r->arena, "/binh-chon/%lld?ok=1", (long long)id));
    case POLL_VOTE_ALREADY:
        return render_poll(r, 409, id, "Bạn đã bình chọn cho câu hỏi này.", NULL);
    case POLL_VOTE_BAD_OPTION:
        return render_poll(r, 400, id, NULL, "Vui lòng chọn phương án hợp lệ trước khi gửi bình chọn.");
    case POLL_VOTE_NOT_OPEN:
        return render_poll(r, 403, id, NULL, "Cuộc bình chọn này chưa bắt đầu.");
    case POLL_VOTE_CLOSED:
        return render_poll(r, 403, id, NULL, "Cuộc bình chọn này đã kết thúc, không nhận thêm ý kiến.");
    case POLL_VOTE_NOT_FOUND:
        return reply_error(r, 404, "Cuộc bình chọn này không tồn tại.");
    default:
        return reply_error(r, 500, NULL);
    }
}

/* GET /binh-chon - every poll that is or was public (open, closed,
 * archived; not drafts), newest first, with its state and voter count.
 * Public. */
int page_polls(Req *r)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db, "SELECT id, question, status, COALESCE(opens_at, 0), "
                                 "COALESCE(closes_at, 0), voters, created_at FROM polls "
                                 "WHERE status <> 'draft' "
                                 "ORDER BY COALESCE(opens_at, created_at) DESC, id DESC LIMIT ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, POLL_LIST_MAX);
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t id = db_col_int(st, 0), opens = db_col_int(st, 3), closes = db_col_int(st, 4);
        int verdict = poll_votable(db_col_text(st, 2), opens, closes, r->now);
        Val *p = val_map(a);
        val_set_str(p, "question", db_col_dup(st, 1, a));
        val_set_str(p, "url", arena_printf(a, "/binh-chon/%lld", (long long)id));
        val_set_int(p, "voters", db_col_int(st, 5));
        val_set_str(p, "started", page_datetime_text(a, opens > 0 ? opens : db_col_int(st, 6)));
        if (closes > 0) val_set_str(p, "closes", page_datetime_text(a, closes));
        val_set_bool(p, "votable", verdict == POLL_VOTE_OK);
        val_set_str(p, "state", verdict == POLL_VOTE_OK ? "Đang diễn ra"
                                : verdict == POLL_VOTE_NOT_OPEN ? "Chưa bắt đầu"
                                : !strcmp(db_col_text(st, 2), "archived") ? "Lưu trữ" : "Đã kết thúc");
        val_push(list, p);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    val_set(ctx, "polls", list);
    val_set_bool(ctx, "has_polls", val_len(list) > 0);
    Val *crumbs = val_list(a);
    Val *c1 = val_map(a);
    val_set_str(c1, "name", "Bình chọn");
    val_push(crumbs, c1);
    val_set(ctx, "crumbs", crumbs);
    r->visit_page = 1;
    return reply_page(r, 200, "polls", "Bình chọn", ctx);
}
