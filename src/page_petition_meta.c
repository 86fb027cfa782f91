/* page_petition_meta.c - what petitions hang on, kept by a council's
 * office (issue 10 items 1-2): sessions, voter meetings, answering
 * agencies and their accounts.
 *
 *   GET  /quan-tri/hoi-dong/:council/tiep-xuc-cu-tri        sessions and voter meetings, forms for both
 *   POST /quan-tri/hoi-dong/:council/tiep-xuc-cu-tri/moi    record a voter meeting
 *   POST /quan-tri/hoi-dong/:council/ky-hop/moi             add a session
 *   GET  /quan-tri/hoi-dong/:council/co-quan                agencies with their figures
 *   POST /quan-tri/hoi-dong/:council/co-quan/moi            add an agency
 *   POST /quan-tri/hoi-dong/:council/co-quan/:id/tai-khoan  give an agency an account [admin]
 * Scope was settled by the server (ROUTE_COUNCIL) before the body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "content.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "petition.h"
#include "staff.h"
#include "tmpl.h"
#include "vn.h"

static int same(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static int64_t current_term(Req *r)
{
    int64_t today = vn_day_start(r->now);
    return db_int(r->db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 AND starts_on <= ?2 ORDER BY starts_on DESC "
                            "LIMIT 1", "ll", r->council_id, today);
}

static Val *head(Req *r, const char *title)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    const char *base = page_council_base(r);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    val_set_str(ctx, "base", base);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "", base));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Kiến nghị cử tri", arena_printf(a, "%s/kien-nghi", base)));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, title, NULL));
    val_set_bool(ctx, "can_edit", r->council_scope == STAFF_WRITE);
    return ctx;
}

/* ------------------------------------------------------------ meetings */

/* which: the form a refusal concerns ("meeting" or "session"), typed back. */
static int meetings_render(Req *r, int status, const char *error, const char *which)
{
    Arena *a = r->arena;
    Val *ctx = head(r, "Tiếp xúc cử tri, kỳ họp");
    int typed_m = same(which, "meeting"), typed_s = same(which, "session");
    Val *sessions = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT s.id, s.number, s.kind, s.title, s.starts_on, s.ends_on, "
                                 "(SELECT COUNT(*) FROM petitions p WHERE p.session_id = s.id AND p.status <> 'merged') "
                                 "FROM council_sessions s WHERE s.council_id = ?1 ORDER BY s.starts_on DESC");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int rc;
    Val *sopts = val_list(a);
    val_push(sopts, page_option(a, "", "—", 0));
    const char *want_s = typed_m ? req_form(r, "session") : NULL;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *id = arena_printf(a, "%lld", (long long)db_col_int(st, 0));
        const char *label = arena_printf(a, "Kỳ họp thứ %lld – %s", (long long)db_col_int(st, 1), db_col_text(st, 3));
        val_set_str(m, "label", label);
        const char *kind = db_col_text(st, 2);
        val_set_str(m, "kind", same(kind, "regular") ? "thường lệ" : same(kind, "thematic") ? "chuyên đề" : "bất thường");
        val_set_str(m, "dates", arena_printf(a, "%s – %s", page_date_text(a, db_col_int(st, 4)), page_date_text(a, db_col_int(st, 5))));
        val_set_int(m, "petitions", db_col_int(st, 6));
        val_set_str(m, "report_url", arena_printf(a, "%s/bao-cao-kien-nghi?ky-hop=%s", page_council_base(r), id));
        val_push(sessions, m);
        val_push(sopts, page_option(a, id, label, same(want_s, id)));
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "sessions", sessions);
    val_set_bool(ctx, "has_sessions", val_len(sessions) > 0);
    Val *meetings = val_list(a);
    st = db_prepare(r->db, "SELECT m.id, m.held_on, m.place, COALESCE(b.name, ''), m.timing, COALESCE(m.attendance, -1), "
                           "m.co_organisers, COALESCE('Kỳ họp thứ ' || CAST(s.number AS TEXT), ''), "
                           "(SELECT COUNT(*) FROM petition_meetings pm WHERE pm.meeting_id = m.id), "
                           "(SELECT COUNT(*) FROM voter_meeting_delegates d WHERE d.meeting_id = m.id) "
                           "FROM voter_meetings m LEFT JOIN council_bodies b ON b.id = m.body_id "
                           "LEFT JOIN council_sessions s ON s.id = m.session_id WHERE m.council_id = ?1 "
                           "ORDER BY m.held_on DESC, m.id DESC LIMIT 300");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "day", page_date_text(a, db_col_int(st, 1)));
        val_set_str(m, "place", db_col_dup(st, 2, a));
        val_set_str(m, "body", db_col_dup(st, 3, a));
        const char *timing = db_col_text(st, 4);
        const char *session = db_col_text(st, 7);
        val_set_str(m, "when", *session ? arena_printf(a, "%s %s", same(timing, "before") ? "trước" : same(timing, "after") ? "sau" : "ngoài",
                                                      session) : "");
        int64_t att = db_col_int(st, 5);
        if (att >= 0) val_set_int(m, "attendance", att);
        val_set_bool(m, "has_attendance", att >= 0);
        val_set_str(m, "co", db_col_dup(st, 6, a));
        val_set_int(m, "petitions", db_col_int(st, 8));
        val_set_int(m, "delegates", db_col_int(st, 9));
        val_push(meetings, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "meetings", meetings);
    val_set_bool(ctx, "has_meetings", val_len(meetings) > 0);
    /* forms */
    int64_t term = current_term(r), today = vn_day_start(r->now);
    Val *groups = val_list(a), *dels = val_list(a);
    const char *want_g = typed_m ? req_form(r, "body") : NULL;
    val_push(groups, page_option(a, "", "—", 0));
    st = db_prepare(r->db, "SELECT CAST(id AS TEXT), name FROM council_bodies WHERE term_id = ?1 AND kind = 'group' "
                           "ORDER BY position, name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, term);
    while (db_step(st) == DB_ROW) {
        const char *v = db_col_dup(st, 0, a);
        val_push(groups, page_option(a, v, db_col_dup(st, 1, a), same(v, want_g)));
    }
    db_done(st);
    st = db_prepare(r->db, "SELECT CAST(d.id AS TEXT), p.full_name FROM delegates d JOIN persons p ON p.id = d.person_id "
                           "WHERE d.term_id = ?1 AND d.valid_from <= ?2 AND (d.valid_to IS NULL OR d.valid_to > ?2) "
                           "ORDER BY p.name_fold");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", term, today);
    while (db_step(st) == DB_ROW) {
        const char *v = db_col_dup(st, 0, a);
        int chosen = 0;
        if (typed_m)
            for (Param *pa = r->form; pa; pa = pa->next)
                if (!strcmp(pa->name, "delegate") && same(pa->value, v)) chosen = 1;
        val_push(dels, page_option(a, v, db_col_dup(st, 1, a), chosen));
    }
    db_done(st);
    Val *mf = val_map(a);
    val_set(mf, "groups", groups);
    val_set(mf, "delegates", dels);
    val_set(mf, "sessions", sopts);
    const char *timing = typed_m ? req_form(r, "timing") : "before";
    Val *tims = val_list(a);
    val_push(tims, page_option(a, "before", "Trước kỳ họp", same(timing, "before")));
    val_push(tims, page_option(a, "after", "Sau kỳ họp", same(timing, "after")));
    val_push(tims, page_option(a, "other", "Khác (chuyên đề)", same(timing, "other")));
    val_set(mf, "timings", tims);
    static const char *const mkeys[] = {"day", "place", "co", "attendance", "notes"};
    for (int i = 0; i < 5; i++) val_set_str(mf, mkeys[i], typed_m ? page_echo(a, req_form(r, mkeys[i])) : "");
    if (!typed_m) val_set_str(mf, "day", page_date_text(a, today));
    val_set(ctx, "mf", mf);
    Val *sf = val_map(a);
    static const char *const skeys[] = {"number", "title", "from", "to"};
    for (int i = 0; i < 4; i++) val_set_str(sf, skeys[i], typed_s ? page_echo(a, req_form(r, skeys[i])) : "");
    const char *skind = typed_s ? req_form(r, "kind") : "regular";
    Val *kinds = val_list(a);
    val_push(kinds, page_option(a, "regular", "Thường lệ", same(skind, "regular")));
    val_push(kinds, page_option(a, "thematic", "Chuyên đề", same(skind, "thematic")));
    val_push(kinds, page_option(a, "extraordinary", "Bất thường", same(skind, "extraordinary")));
    val_set(sf, "kinds", kinds);
    val_set(ctx, "sf", sf);
    if (error) {
        val_set_str(ctx, typed_s ? "session_error" : "meeting_error", error);
    }
    const char *ok = req_query(r, "ok");
    if (ok) val_set_str(ctx, "notice", same(ok, "ky-hop") ? "Đã thêm kỳ họp." : "Đã ghi nhận cuộc tiếp xúc cử tri.");
    return reply_page(r, status, "admin_meetings", "Tiếp xúc cử tri", ctx);
}

/* GET /quan-tri/hoi-dong/:council/tiep-xuc-cu-tri [reviewer; ROUTE_COUNCIL] */
int page_admin_meetings(Req *r)
{
    return meetings_render(r, 200, NULL, NULL);
}

/* POST /quan-tri/hoi-dong/:council/tiep-xuc-cu-tri/moi [editor; ROUTE_COUNCIL]
 * Form: csrf, body, delegate (repeated), session, timing, day, place, co,
 * attendance, notes. */
int page_admin_meeting_add(Req *r)
{
    MeetingIn in = {0};
    in.council_id = r->council_id;
    in.body_id = staff_council_arg(req_form(r, "body"));
    in.session_id = staff_council_arg(req_form(r, "session"));
    in.timing = req_form(r, "timing");
    in.place = req_form(r, "place");
    in.co_organisers = req_form(r, "co");
    in.notes = req_form(r, "notes");
    int64_t dels[64];
    int n = 0;
    for (Param *p = r->form; p; p = p->next)
        if (!strcmp(p->name, "delegate")) {
            int64_t d = staff_council_arg(p->value);
            if (d <= 0) return meetings_render(r, 400, "Đại biểu đã chọn không hợp lệ.", "meeting");
            if (n == 64) return meetings_render(r, 400, "Chọn tối đa 64 đại biểu cho một cuộc tiếp xúc.", "meeting");
            dels[n++] = d;
        }
    in.delegates = dels;
    in.ndelegates = n;
    if (page_form_day(req_form(r, "day"), &in.held_on) != 0)
        return meetings_render(r, 400, "Ngày tiếp xúc cử tri cần nhập theo dạng ngày/tháng/năm, ví dụ 15/11/2026.", "meeting");
    const char *att = req_form(r, "attendance");
    in.attendance = -1;
    if (att && *att) {
        char *end = NULL;
        long v = strtol(att, &end, 10);
        if (!end || *end || v < 0 || v > 1000000)
            return meetings_render(r, 400, "Số cử tri tham dự phải là một số nguyên không âm.", "meeting");
        in.attendance = v;
    }
    char err[512];
    if (meeting_create(r->db, &in, r->user, r->now, NULL, err, sizeof err) != 0)
        return meetings_render(r, 400, arena_strdup(r->arena, err), "meeting");
    return reply_redirect(r, arena_printf(r->arena, "%s/tiep-xuc-cu-tri?ok=1", page_council_base(r)));
}

/* POST /quan-tri/hoi-dong/:council/ky-hop/moi [editor; ROUTE_COUNCIL]
 * Form: csrf, number, kind, title, from, to. */
int page_admin_session_add(Req *r)
{
    const char *num = req_form(r, "number");
    char *end = NULL;
    long number = num ? strtol(num, &end, 10) : 0;
    if (!num || !*num || !end || *end || number <= 0 || number > 1000)
        return meetings_render(r, 400, "Số thứ tự kỳ họp phải là một số nguyên dương.", "session");
    int64_t from = 0, to = 0;
    if (page_form_day(req_form(r, "from"), &from) != 0 || page_form_day(req_form(r, "to"), &to) != 0)
        return meetings_render(r, 400, "Ngày khai mạc và bế mạc cần nhập theo dạng ngày/tháng/năm.", "session");
    const char *title = req_form(r, "title");
    if (!title || !vn_utf8_valid(title, strlen(title)) || vn_char_count(title) > 200)
        return meetings_render(r, 400, "Tên kỳ họp không hợp lệ hoặc dài quá 200 ký tự.", "session");
    char err[512];
    char *clean = vn_clean(r->arena, title);
    if (db_begin(r->db) != DB_OK) return meetings_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "session");
    int64_t id = 0;
    if (session_create(r->db, r->council_id, current_term(r), (int)number, req_form(r, "kind"), clean ? clean : "", from, to,
                       0, &id, err, sizeof err) != 0) {
        db_rollback(r->db);
        return meetings_render(r, 400, arena_strdup(r->arena, err), "session");
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "session.create", "session", id,
                      clean ? clean : "") != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return meetings_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "session");
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/tiep-xuc-cu-tri?ok=ky-hop", page_council_base(r)));
}

/* ------------------------------------------------------------ agencies */

static int agencies_render(Req *r, int status, const char *error, const char *which, int64_t which_id)
{
    Arena *a = r->arena;
    Val *ctx = head(r, "Cơ quan giải quyết");
    int64_t today = vn_day_start(r->now);
    Stmt *st = db_prepare(r->db,
        "SELECT g.id, g.name, g.level, "
        "(SELECT COUNT(*) FROM petitions p WHERE p.agency_id = g.id AND p.forwarded_on IS NOT NULL AND p.status <> 'merged'), "
        "(SELECT COUNT(*) FROM petitions p WHERE p.agency_id = g.id AND p.answered_on IS NOT NULL), "
        "(SELECT COUNT(*) FROM petitions p WHERE p.agency_id = g.id AND p.status IN ('forwarded','in_progress') AND p.deadline < ?2), "
        "(SELECT COUNT(*) FROM users u WHERE u.agency_id = g.id AND u.disabled = 0) "
        "FROM agencies g WHERE g.council_id = ?1 ORDER BY g.name");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", r->council_id, today);
    Val *rows = val_list(a);
    int rc;
    int admin = r->council_scope == STAFF_WRITE && r->user->role == ROLE_ADMIN;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        int64_t id = db_col_int(st, 0);
        val_set_str(m, "name", db_col_dup(st, 1, a));
        const char *lv = db_col_text(st, 2);
        val_set_str(m, "level", same(lv, "central") ? "Trung ương" : same(lv, "city") ? "Cấp tỉnh, thành phố" : "Cấp xã, phường");
        val_set_int(m, "forwarded", db_col_int(st, 3));
        val_set_int(m, "answered", db_col_int(st, 4));
        val_set_int(m, "overdue", db_col_int(st, 5));
        val_set_int(m, "accounts", db_col_int(st, 6));
        val_set_str(m, "list_url", arena_printf(a, "%s/kien-nghi?co-quan=%lld", page_council_base(r), (long long)id));
        if (admin) {
            int here = same(which, "account") && which_id == id;
            val_set_str(m, "account_action", arena_printf(a, "%s/co-quan/%lld/tai-khoan", page_council_base(r), (long long)id));
            val_set_str(m, "username", here ? page_echo(a, req_form(r, "username")) : "");
            val_set_str(m, "display", here ? page_echo(a, req_form(r, "display")) : "");
            val_set_str(m, "input_id", arena_printf(a, "acc-%lld", (long long)id));
            if (here && error) val_set_str(m, "error", error);
        }
        val_push(rows, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "agencies", rows);
    val_set_bool(ctx, "has_agencies", val_len(rows) > 0);
    val_set_bool(ctx, "can_accounts", admin);
    int typed = same(which, "agency");
    Val *f = val_map(a);
    val_set_str(f, "name", typed ? page_echo(a, req_form(r, "name")) : "");
    const char *lv = typed ? req_form(r, "level") : NULL;
    Val *levels = val_list(a);
    val_push(levels, page_option(a, "commune", "Cấp xã, phường", same(lv, "commune")));
    val_push(levels, page_option(a, "city", "Cấp tỉnh, thành phố", same(lv, "city")));
    val_push(levels, page_option(a, "central", "Trung ương", same(lv, "central")));
    val_set(f, "levels", levels);
    val_set(ctx, "f", f);
    if (error && typed) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok) val_set_str(ctx, "notice", same(ok, "tai-khoan") ? "Đã tạo tài khoản cho cơ quan." : "Đã thêm cơ quan.");
    return reply_page(r, status, "admin_agencies", "Cơ quan giải quyết kiến nghị", ctx);
}

/* GET /quan-tri/hoi-dong/:council/co-quan [reviewer; ROUTE_COUNCIL] */
int page_admin_agencies(Req *r)
{
    return agencies_render(r, 200, NULL, NULL, 0);
}

/* POST /quan-tri/hoi-dong/:council/co-quan/moi [editor; ROUTE_COUNCIL] Form: csrf, name, level. */
int page_admin_agency_add(Req *r)
{
    char err[512];
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK) return agencies_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "agency", 0);
    if (agency_create(r->db, r->council_id, req_form(r, "name"), req_form(r, "level"), 0, &id, err, sizeof err) != 0) {
        db_rollback(r->db);
        return agencies_render(r, 400, arena_strdup(r->arena, err), "agency", 0);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "agency.create", "agency", id,
                      req_form(r, "name")) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return agencies_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "agency", 0);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/co-quan?ok=1", page_council_base(r)));
}

/* POST /quan-tri/hoi-dong/:council/co-quan/:id/tai-khoan [admin; ROUTE_COUNCIL]
 * Form: csrf, username, display, password.  The agency must be one of this
 * council's; the account sees only what is forwarded to that agency. */
int page_admin_agency_account(Req *r)
{
    int64_t id = page_arg_id(r, 1);
    if (id <= 0 || db_int(r->db, 0, "SELECT COUNT(*) FROM agencies WHERE id = ?1 AND council_id = ?2", "ll", id,
                          r->council_id) != 1)
        return reply_error(r, 404, "Không có cơ quan này trong Hội đồng nhân dân của trang đang mở.");
    const char *err = NULL;
    const char *username = req_form(r, "username");
    if (db_begin(r->db) != DB_OK) return agencies_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "account", id);
    if (auth_agency_user_add(r->db, username ? username : "", req_form(r, "display"), id, req_form(r, "password"),
                             r->now, &err) != 0) {
        db_rollback(r->db);
        return agencies_render(r, 400, err, "account", id);
    }
    int64_t uid = db_int(r->db, 0, "SELECT id FROM users WHERE username = ?1", "t", username);
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "agency.account", "user", uid,
                      username) != 0 || db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return agencies_render(r, 503, "Không ghi được lúc này, vui lòng thử lại.", "account", id);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/co-quan?ok=tai-khoan", page_council_base(r)));
}
