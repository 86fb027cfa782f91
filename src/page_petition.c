/* page_petition.c - voters' petitions for the council's staff (issue 10
 * item 2; docs/PETITIONS.md).
 *
 *   GET  /quan-tri/hoi-dong/:council/kien-nghi              the list: filters, search, pager; record one
 *   POST /quan-tri/hoi-dong/:council/kien-nghi/moi          record a petition (meeting, letter, the Front)
 *   GET  /quan-tri/hoi-dong/:council/kien-nghi/:id          one petition: its trail and the next steps
 *   POST /quan-tri/hoi-dong/:council/kien-nghi/:id/:action  phan-loai | chuyen | tra-loi | cong-bo | an |
 *                                                           thong-bao | gop | chuyen-ky | tai-kien-nghi |
 *                                                           xoa-thong-tin
 * Scope was settled by the server (ROUTE_COUNCIL: read for GET, write for
 * POST) before the body; a petition is only reached through the URL of its
 * own council (another council's id answers 404).  The sender's name and
 * contact are shown only to whom petition_may_see_person allows.  A
 * refused step re-renders the page with the reason and what was typed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
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

#define PER_PAGE 50

static int same(const char *a, const char *b) { return a && b && !strcmp(a, b); }

/* Options from a two-column query (value, label) with a leading "" option. */
static Val *options(Req *r, const char *sql, int64_t arg, const char *current, const char *none)
{
    Arena *a = r->arena;
    Val *l = val_list(a);
    if (none) val_push(l, page_option(a, "", none, !current || !*current));
    Stmt *st = db_prepare(r->db, sql);
    if (!st) return l;
    if (arg) db_bind_int(st, 1, arg);
    while (db_step(st) == DB_ROW) {
        const char *v = db_col_dup(st, 0, a);
        val_push(l, page_option(a, v, db_col_dup(st, 1, a), same(v, current)));
    }
    db_done(st);
    return l;
}

#define SQL_FIELDS "SELECT code, label FROM petition_fields WHERE active = 1 ORDER BY position, label"
#define SQL_AGENCIES "SELECT CAST(id AS TEXT), name FROM agencies WHERE council_id = ?1 AND active = 1 ORDER BY name"
#define SQL_SESSIONS "SELECT CAST(id AS TEXT), 'Kỳ họp thứ ' || CAST(number AS TEXT) || ' – ' || title FROM council_sessions " \
                     "WHERE council_id = ?1 ORDER BY starts_on DESC"
#define SQL_MEETINGS "SELECT CAST(m.id AS TEXT), COALESCE(b.name, 'Đại biểu') || ' – ' || m.place FROM voter_meetings m " \
                     "LEFT JOIN council_bodies b ON b.id = m.body_id WHERE m.council_id = ?1 ORDER BY m.held_on DESC, m.id DESC LIMIT 200"

static Val *level_options(Arena *a, const char *current)
{
    Val *l = val_list(a);
    val_push(l, page_option(a, "commune", "Cấp xã, phường", same(current, "commune")));
    val_push(l, page_option(a, "city", "Cấp thành phố (tỉnh)", same(current, "city")));
    val_push(l, page_option(a, "central", "Trung ương", same(current, "central")));
    return l;
}

static Val *answer_options(Arena *a, const char *current)
{
    static const char *const k[][2] = {{"resolved", "Đã giải quyết"}, {"answered_explained", "Đã trả lời, giải thích"},
                                       {"scheduled", "Có lộ trình giải quyết"}, {"not_resolvable", "Chưa thể giải quyết"}};
    Val *l = val_list(a);
    for (int i = 0; i < 4; i++) val_push(l, page_option(a, k[i][0], k[i][1], same(current, k[i][0])));
    return l;
}

static const char *channel_label(const char *c)
{
    if (same(c, "meeting")) return "Tiếp xúc cử tri";
    if (same(c, "online")) return "Gửi trực tuyến";
    if (same(c, "letter")) return "Thư, đơn";
    if (same(c, "front")) return "Tổng hợp của Mặt trận Tổ quốc";
    return c ? c : "";
}

static const char *level_label(const char *l)
{
    if (same(l, "commune")) return "Cấp xã, phường";
    if (same(l, "city")) return "Cấp thành phố";
    if (same(l, "central")) return "Trung ương";
    return "";
}

/* An excerpt of at most n characters (whole UTF-8 sequences). */
static const char *excerpt(Arena *a, const char *s, size_t n)
{
    if (!s) return "";
    size_t chars = 0, i = 0;
    while (s[i] && chars < n) {
        i++;
        while ((s[i] & 0xC0) == 0x80) i++;
        chars++;
    }
    if (!s[i]) return s;
    return arena_printf(a, "%.*s…", (int)i, s);
}

/* The filter of the list, as typed (query string) and as bound values. */
typedef struct Filter { const char *status, *field, *agency, *session, *q; int64_t page; } Filter;

static void filter_read(Req *r, Filter *f)
{
    f->status = req_query(r, "trang-thai");
    f->field = req_query(r, "linh-vuc");
    f->agency = req_query(r, "co-quan");
    f->session = req_query(r, "ky-hop");
    f->q = req_query(r, "q");
    const char *pg = req_query(r, "trang");
    f->page = pg ? staff_council_arg(pg) : 1;
    if (f->page < 1) f->page = 1;
    if (f->page > 100000) f->page = 100000;
    const char **all[] = {&f->status, &f->field, &f->agency, &f->session, &f->q};
    for (int i = 0; i < 5; i++)
        if (!*all[i] || !vn_utf8_valid(*all[i], strlen(*all[i])) || strlen(*all[i]) > 200) *all[i] = "";
}

/* The search pattern: folded, LIKE wildcards escaped with '\'. */
static const char *like_pattern(Arena *a, const char *q)
{
    if (!q || !*q) return "";
    const char *folded = vn_fold_a(a, q);
    Buf b;
    buf_init(&b, a);
    buf_putc(&b, '%');
    for (const char *p = folded; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\') buf_putc(&b, '\\');
        buf_putc(&b, *p);
    }
    buf_putc(&b, '%');
    return buf_str(&b);
}

/* WHERE of the list; ?1 council, ?2 status ('' any, 'overdue'), ?3 field
 * code, ?4 agency id, ?5 session id, ?6 LIKE pattern, ?7 today. */
#define LIST_WHERE \
    " WHERE p.council_id = ?1" \
    " AND (?2 = '' OR p.status = ?2 OR (?2 = 'overdue' AND p.status IN ('forwarded','in_progress') AND p.deadline < ?7))" \
    " AND (?3 = '' OR f.code = ?3)" \
    " AND (?4 = 0 OR p.agency_id = ?4)" \
    " AND (?5 = 0 OR p.session_id = ?5)" \
    " AND (?6 = '' OR p.text_fold LIKE ?6 ESCAPE '\\' OR p.code = ?8)"

static void bind_filter(Req *r, Stmt *st, const Filter *f)
{
    char code[PETITION_CODE_SIZE];
    const char *exact = petition_code_normalise(f->q, code) == 0 ? code : "";
    db_bindf(st, "lttlltlt", r->council_id, f->status, f->field, staff_council_arg(f->agency),
             staff_council_arg(f->session), like_pattern(r->arena, f->q), vn_day_start(r->now), exact);
}

/* The form to record a petition, as typed after a refusal. */
typedef struct NewForm { const char *error; int typed; } NewForm;

static int list_render(Req *r, int status, const NewForm *nf)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    const char *base = page_council_base(r);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set_str(ctx, "name", name ? name : "");
    val_set_str(ctx, "base", base);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Hội đồng nhân dân", "/quan-tri/hoi-dong"));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "", base));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Kiến nghị cử tri", NULL));
    Filter f;
    filter_read(r, &f);
    int64_t today = vn_day_start(r->now);
    /* counts by status, for the tabs */
    Val *tabs = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT l.code, l.label, (SELECT COUNT(*) FROM petitions p WHERE p.council_id = ?1 AND "
                                 "p.status = l.code) FROM status_labels l WHERE l.domain = 'petition' ORDER BY l.position");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, r->council_id);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        const char *code = db_col_dup(st, 0, a);
        val_set_str(m, "label", db_col_dup(st, 1, a));
        val_set_int(m, "count", db_col_int(st, 2));
        val_set_str(m, "url", arena_printf(a, "%s/kien-nghi?trang-thai=%s", base, code));
        val_set_bool(m, "current", same(code, f.status));
        val_push(tabs, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    int64_t overdue = db_int(r->db, 0, "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND status IN "
                                       "('forwarded','in_progress') AND deadline < ?2", "ll", r->council_id, today);
    val_set(ctx, "tabs", tabs);
    val_set_int(ctx, "overdue", overdue);
    val_set_str(ctx, "overdue_url", arena_printf(a, "%s/kien-nghi?trang-thai=overdue", base));
    /* the filter form */
    Val *filter = val_map(a);
    val_set_str(filter, "q", page_echo(a, f.q));
    val_set(filter, "fields", options(r, SQL_FIELDS, 0, f.field, "Mọi lĩnh vực"));
    val_set(filter, "agencies", options(r, SQL_AGENCIES, r->council_id, f.agency, "Mọi cơ quan"));
    val_set(filter, "sessions", options(r, SQL_SESSIONS, r->council_id, f.session, "Mọi kỳ họp"));
    val_set_str(filter, "status", page_echo(a, f.status));
    val_set(ctx, "filter", filter);
    /* the rows */
    st = db_prepare(r->db, "SELECT COUNT(*) FROM petitions p LEFT JOIN petition_fields f ON f.id = p.field_id" LIST_WHERE);
    if (!st) return reply_error(r, 500, NULL);
    bind_filter(r, st, &f);
    int64_t total = db_step(st) == DB_ROW ? db_col_int(st, 0) : 0;
    db_done(st);
    st = db_prepare(r->db, "SELECT p.id, p.code, p.received_on, p.text, COALESCE(f.label, ''), COALESCE(g.name, ''), "
                           "p.status, COALESCE(l.label, p.status), COALESCE(p.deadline, 0), p.carried_over, p.re_raised, "
                           "p.channel FROM petitions p LEFT JOIN petition_fields f ON f.id = p.field_id "
                           "LEFT JOIN agencies g ON g.id = p.agency_id LEFT JOIN status_labels l ON l.domain = 'petition' "
                           "AND l.code = p.status" LIST_WHERE " ORDER BY p.received_on DESC, p.id DESC LIMIT ?9 OFFSET ?10");
    if (!st) return reply_error(r, 500, NULL);
    bind_filter(r, st, &f);
    db_bind_int(st, 9, PER_PAGE);
    db_bind_int(st, 10, (f.page - 1) * PER_PAGE);
    Val *rows = val_list(a);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "url", arena_printf(a, "%s/kien-nghi/%lld", base, (long long)db_col_int(st, 0)));
        val_set_str(m, "code", db_col_dup(st, 1, a));
        val_set_str(m, "received", page_date_text(a, db_col_int(st, 2)));
        val_set_str(m, "text", excerpt(a, db_col_dup(st, 3, a), 160));
        val_set_str(m, "field", db_col_dup(st, 4, a));
        val_set_str(m, "agency", db_col_dup(st, 5, a));
        val_set_str(m, "status", db_col_dup(st, 7, a));
        val_set_bool(m, "overdue", petition_overdue(db_col_text(st, 6), db_col_int(st, 8), today));
        val_set_bool(m, "carried_over", db_col_int(st, 9) != 0);
        val_set_bool(m, "re_raised", db_col_int(st, 10) != 0);
        val_set_str(m, "channel", channel_label(db_col_text(st, 11)));
        val_push(rows, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "rows", rows);
    val_set_bool(ctx, "has_rows", val_len(rows) > 0);
    val_set_int(ctx, "total", total);
    Buf q;
    buf_init(&q, a);
    buf_printf(&q, "%s/kien-nghi?trang-thai=", base);
    buf_url(&q, f.status);
    buf_puts(&q, "&linh-vuc=");
    buf_url(&q, f.field);
    buf_puts(&q, "&co-quan=");
    buf_url(&q, f.agency);
    buf_puts(&q, "&ky-hop=");
    buf_url(&q, f.session);
    buf_puts(&q, "&q=");
    buf_url(&q, f.q);
    Val *pager = page_pager(a, buf_str(&q), f.page, (total + PER_PAGE - 1) / PER_PAGE);
    if (pager) val_set(ctx, "pager", pager);
    /* the form to record one */
    int typed = nf && nf->typed;
    val_set_bool(ctx, "can_edit", r->council_scope == STAFF_WRITE);
    Val *form = val_map(a);
    static const char *const keys[] = {"text", "place", "received", "sender_name", "sender_contact"};
    for (int i = 0; i < 5; i++) val_set_str(form, keys[i], typed ? page_echo(a, req_form(r, keys[i])) : "");
    if (!typed) val_set_str(form, "received", page_date_text(a, today));
    const char *ch = typed ? req_form(r, "channel") : "meeting";
    Val *chs = val_list(a);
    static const char *const chv[] = {"meeting", "letter", "front"};
    for (int i = 0; i < 3; i++) val_push(chs, page_option(a, chv[i], channel_label(chv[i]), same(ch, chv[i])));
    val_set(form, "channels", chs);
    val_set(form, "fields", options(r, SQL_FIELDS, 0, typed ? req_form(r, "field") : NULL, "Chưa phân loại"));
    val_set(form, "meetings", options(r, SQL_MEETINGS, r->council_id, typed ? req_form(r, "meeting") : NULL, "—"));
    val_set(form, "sessions", options(r, SQL_SESSIONS, r->council_id, typed ? req_form(r, "session") : NULL, "Chưa xác định"));
    val_set(ctx, "form", form);
    if (nf && nf->error) val_set_str(ctx, "error", nf->error);
    const char *ok = req_query(r, "ok");
    if (same(ok, "moi")) val_set_str(ctx, "notice", "Đã ghi nhận kiến nghị.");
    return reply_page(r, status, "admin_petitions", "Kiến nghị cử tri", ctx);
}

/* GET /quan-tri/hoi-dong/:council/kien-nghi [reviewer; ROUTE_COUNCIL] */
int page_admin_petitions(Req *r)
{
    return list_render(r, 200, NULL);
}

/* POST /quan-tri/hoi-dong/:council/kien-nghi/moi [editor; ROUTE_COUNCIL]
 * Form: csrf, text, field, place, channel, meeting, session, received,
 * sender_name, sender_contact. */
int page_admin_petition_add(Req *r)
{
    NewForm nf = {NULL, 1};
    PetitionIn in = {0};
    in.council_id = r->council_id;
    in.text = req_form(r, "text");
    in.field_code = req_form(r, "field");
    in.place = req_form(r, "place");
    in.channel = req_form(r, "channel");
    in.meeting_id = staff_council_arg(req_form(r, "meeting"));
    in.session_id = staff_council_arg(req_form(r, "session"));
    in.sender_name = req_form(r, "sender_name");
    in.sender_contact = req_form(r, "sender_contact");
    if (!in.channel || same(in.channel, "online")) in.channel = "";   /* the online form is the citizens' own */
    if (page_form_day(req_form(r, "received"), &in.received_on) != 0) {
        nf.error = "Ngày tiếp nhận không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 20/11/2026.";
        return list_render(r, 400, &nf);
    }
    char err[512];
    int64_t id = 0;
    if (db_begin(r->db) != DB_OK) { nf.error = "Không ghi được lúc này, vui lòng thử lại."; return list_render(r, 503, &nf); }
    if (petition_create(r->db, &in, r->user, r->now, &id, NULL, err, sizeof err) != 0) {
        db_rollback(r->db);
        nf.error = arena_strdup(r->arena, err);
        return list_render(r, 400, &nf);
    }
    if (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id, "petition.create", "petition", id, "") != 0 ||
        db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        nf.error = "Không ghi được lúc này, vui lòng thử lại.";
        return list_render(r, 503, &nf);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/kien-nghi/%lld?ok=moi", page_council_base(r), (long long)id));
}

/* ------------------------------------------------------------ one petition */

typedef struct Pet {
    int64_t id, council_id, agency_id, session_id, forwarded_on, deadline, answered_on, roadmap_due, received_on;
    int64_t merged_into, erased_at, reported_on;
    int carried_over, re_raised, published, revision;
    const char *code, *text, *field_code, *field, *place, *channel, *level, *agency, *status, *status_label;
    const char *answer_kind, *answer_text, *answer_by, *sender_name, *sender_contact, *session, *unit;
} Pet;

static int pet_load(Req *r, int64_t id, Pet *p)
{
    memset(p, 0, sizeof *p);
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT p.council_id, COALESCE(p.agency_id, 0), COALESCE(p.session_id, 0), COALESCE(p.forwarded_on, 0), "
        "COALESCE(p.deadline, 0), COALESCE(p.answered_on, 0), COALESCE(p.roadmap_due, 0), p.received_on, "
        "COALESCE(p.merged_into, 0), COALESCE(p.erased_at, 0), COALESCE(p.reported_on, 0), p.carried_over, p.re_raised, "
        "p.published, p.revision, p.code, p.text, COALESCE(f.code, ''), COALESCE(f.label, ''), p.place, p.channel, "
        "COALESCE(p.level, ''), COALESCE(g.name, ''), p.status, COALESCE(l.label, p.status), COALESCE(p.answer_kind, ''), "
        "p.answer_text, p.answer_by, p.sender_name, p.sender_contact, "
        "COALESCE('Kỳ họp thứ ' || CAST(s.number AS TEXT) || ' – ' || s.title, ''), COALESCE(u.name, '') "
        "FROM petitions p LEFT JOIN petition_fields f ON f.id = p.field_id LEFT JOIN agencies g ON g.id = p.agency_id "
        "LEFT JOIN status_labels l ON l.domain = 'petition' AND l.code = p.status "
        "LEFT JOIN council_sessions s ON s.id = p.session_id LEFT JOIN units u ON u.id = p.unit_id WHERE p.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        p->id = id;
        int64_t *ints[] = {&p->council_id, &p->agency_id, &p->session_id, &p->forwarded_on, &p->deadline,
                           &p->answered_on, &p->roadmap_due, &p->received_on, &p->merged_into, &p->erased_at,
                           &p->reported_on};
        for (int i = 0; i < 11; i++) *ints[i] = db_col_int(st, i);
        p->carried_over = (int)db_col_int(st, 11);
        p->re_raised = (int)db_col_int(st, 12);
        p->published = (int)db_col_int(st, 13);
        p->revision = (int)db_col_int(st, 14);
        const char **strs[] = {&p->code, &p->text, &p->field_code, &p->field, &p->place, &p->channel, &p->level,
                               &p->agency, &p->status, &p->status_label, &p->answer_kind, &p->answer_text,
                               &p->answer_by, &p->sender_name, &p->sender_contact, &p->session, &p->unit};
        for (int i = 0; i < 17; i++) *strs[i] = db_col_dup(st, 15 + i, a);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* The petition of the URL, which must belong to the URL's council. */
static int pet_here(Req *r, Pet *p)
{
    int64_t id = page_arg_id(r, 1);
    int f = id > 0 ? pet_load(r, id, p) : 0;
    if (f < 0) return reply_error(r, 500, NULL);
    if (f == 0 || p->council_id != r->council_id)
        return reply_error(r, 404, "Không có kiến nghị này trong Hội đồng nhân dân của trang đang mở.");
    return 0;
}

/* The detail page; error and which form it concerns (its fields as typed). */
static int pet_render(Req *r, int status, const Pet *p, const char *error, const char *typed_form)
{
    Arena *a = r->arena;
    int64_t today = vn_day_start(r->now);
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    const char *base = page_council_base(r);
    const char *self = arena_printf(a, "%s/kien-nghi/%lld", base, (long long)p->id);
    char *name = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", r->council_id);
    val_set(ctx, "crumbs", val_list(a));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, name ? name : "", base));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, "Kiến nghị cử tri", arena_printf(a, "%s/kien-nghi", base)));
    val_push(val_get(ctx, "crumbs"), page_crumb(a, p->code, NULL));
    val_set_str(ctx, "self", self);
    Val *pv = val_map(a);
    val_set_str(pv, "code", p->code);
    val_set_str(pv, "text", p->text);
    val_set_str(pv, "field", p->field);
    val_set_str(pv, "place", p->place);
    val_set_str(pv, "unit", p->unit);
    val_set_str(pv, "channel", channel_label(p->channel));
    val_set_str(pv, "level", level_label(p->level));
    val_set_str(pv, "agency", p->agency);
    val_set_str(pv, "status", p->status_label);
    val_set_str(pv, "session", p->session);
    val_set_str(pv, "received", page_date_text(a, p->received_on));
    if (p->forwarded_on) val_set_str(pv, "forwarded", page_date_text(a, p->forwarded_on));
    if (p->deadline) val_set_str(pv, "deadline", page_date_text(a, p->deadline));
    if (p->answered_on) {
        val_set_str(pv, "answered", page_date_text(a, p->answered_on));
        val_set_str(pv, "answer_text", p->answer_text);
        val_set_str(pv, "answer_by", p->answer_by);
        val_set_bool(pv, "answered_late", p->deadline && p->answered_on > p->deadline);
    }
    if (p->roadmap_due) val_set_str(pv, "roadmap", page_date_text(a, p->roadmap_due));
    if (p->reported_on) val_set_str(pv, "reported", page_date_text(a, p->reported_on));
    val_set_bool(pv, "published", p->published);
    val_set_bool(pv, "overdue", petition_overdue(p->status, p->deadline, today));
    val_set_bool(pv, "carried_over", p->carried_over);
    val_set_bool(pv, "re_raised", p->re_raised);
    if (p->merged_into) {
        char *into = db_text(r->db, a, "SELECT code FROM petitions WHERE id = ?1", "l", p->merged_into);
        val_set_str(pv, "merged_into", into ? into : "");
        val_set_str(pv, "merged_url", arena_printf(a, "%s/kien-nghi/%lld", base, (long long)p->merged_into));
    }
    /* personal data: only for the council's own office */
    int see = petition_may_see_person(r->db, r->user, p->council_id);
    val_set_bool(pv, "may_see_person", see);
    val_set_bool(pv, "has_person", (p->sender_name && *p->sender_name) || (p->sender_contact && *p->sender_contact));
    if (see) {
        val_set_str(pv, "sender_name", p->sender_name ? p->sender_name : "");
        val_set_str(pv, "sender_contact", p->sender_contact ? p->sender_contact : "");
    }
    if (p->erased_at) val_set_str(pv, "erased", page_date_text(a, p->erased_at));
    val_set(ctx, "p", pv);
    /* meetings that raised it, files, the trail */
    Val *meetings = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT m.held_on, m.place, COALESCE(b.name, '') FROM petition_meetings pm JOIN voter_meetings m "
                                 "ON m.id = pm.meeting_id LEFT JOIN council_bodies b ON b.id = m.body_id "
                                 "WHERE pm.petition_id = ?1 ORDER BY m.held_on, m.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, p->id);
    while (db_step(st) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "day", page_date_text(a, db_col_int(st, 0)));
        val_set_str(m, "place", db_col_dup(st, 1, a));
        val_set_str(m, "body", db_col_dup(st, 2, a));
        val_push(meetings, m);
    }
    db_done(st);
    val_set(ctx, "meetings", meetings);
    val_set_bool(ctx, "has_meetings", val_len(meetings) > 0);
    Val *files = val_list(a);
    st = db_prepare(r->db, "SELECT file_id, name, kind FROM petition_files WHERE petition_id = ?1 ORDER BY kind, name");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, p->id);
    while (db_step(st) == DB_ROW) {
        Val *m = val_map(a);
        val_set_str(m, "name", db_col_dup(st, 1, a));
        val_set_str(m, "kind", same(db_col_text(st, 2), "answer") ? "Văn bản trả lời" : "Tệp người gửi");
        val_set_str(m, "url", arena_printf(a, "%s/tep/%lld", self, (long long)db_col_int(st, 0)));
        val_push(files, m);
    }
    db_done(st);
    val_set(ctx, "files", files);
    val_set_bool(ctx, "has_files", val_len(files) > 0);
    Val *events = val_list(a);
    st = db_prepare(r->db, "SELECT e.at, e.action, COALESCE(l.label, e.status), e.note, e.username, COALESCE(g.name, '') "
                           "FROM petition_events e LEFT JOIN status_labels l ON l.domain = 'petition' AND l.code = e.status "
                           "LEFT JOIN agencies g ON g.id = e.agency_id WHERE e.petition_id = ?1 ORDER BY e.id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, p->id);
    static const char *const actions[][2] = {
        {"received", "Tiếp nhận"}, {"classified", "Phân loại"}, {"forwarded", "Chuyển cơ quan giải quyết"},
        {"taken_up", "Cơ quan tiếp nhận"}, {"answered", "Trả lời"}, {"published", "Công bố công khai"},
        {"unpublished", "Thôi công bố"}, {"reported", "Thông báo tới cử tri"}, {"merged", "Gộp vào kiến nghị trùng"},
        {"merged_in", "Nhận kiến nghị trùng gộp vào"}, {"carried_over", "Chuyển kỳ họp sau"},
        {"re_raised", "Cử tri tiếp tục kiến nghị"}, {"erased", "Xóa thông tin cá nhân"}};
    while (db_step(st) == DB_ROW) {
        Val *m = val_map(a);
        const char *act = db_col_text(st, 1);
        const char *label = act;
        for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
            if (!strcmp(actions[i][0], act)) label = actions[i][1];
        val_set_str(m, "at", page_datetime_text(a, db_col_int(st, 0)));
        val_set_str(m, "action", arena_strdup(a, label));
        val_set_str(m, "status", db_col_dup(st, 2, a));
        val_set_str(m, "note", db_col_dup(st, 3, a));
        const char *who = db_col_text(st, 4), *agency = db_col_text(st, 5);
        val_set_str(m, "who", *agency ? arena_printf(a, "%s (%s)", who, agency) : arena_strdup(a, who));
        val_push(events, m);
    }
    db_done(st);
    val_set(ctx, "events", events);
    /* the steps that apply now */
    int write = r->council_scope == STAFF_WRITE;
    int merged = same(p->status, "merged");
    int answered = p->answered_on > 0;
    int typed_here = typed_form != NULL;
#define TYPED(form, key, dflt) (typed_here && !strcmp(typed_form, form) ? page_echo(a, req_form(r, key)) : (dflt))
    val_set_bool(ctx, "can_edit", write);
    val_set_int(ctx, "revision", p->revision);
    if (write && !merged && !answered) {
        val_set_bool(ctx, "can_classify", 1);
        val_set(ctx, "field_options", options(r, SQL_FIELDS, 0, TYPED("phan-loai", "field", p->field_code), NULL));
        val_set(ctx, "level_options", level_options(a, TYPED("phan-loai", "level", p->level)));
        const char *ag = arena_printf(a, "%lld", (long long)p->agency_id);
        val_set(ctx, "agency_options", options(r, SQL_AGENCIES, r->council_id, TYPED("phan-loai", "agency", ag), "Chưa chọn"));
    }
    if (write && (same(p->status, "classified") || same(p->status, "forwarded"))) {
        val_set_bool(ctx, "can_forward", 1);
        const char *ag = arena_printf(a, "%lld", (long long)p->agency_id);
        val_set(ctx, "forward_agencies", options(r, SQL_AGENCIES, r->council_id, TYPED("chuyen", "agency", ag), NULL));
        val_set_str(ctx, "forward_day", TYPED("chuyen", "day", page_date_text(a, today)));
        val_set_str(ctx, "forward_deadline", TYPED("chuyen", "deadline", ""));
    }
    if (write && (same(p->status, "forwarded") || same(p->status, "in_progress"))) {
        val_set_bool(ctx, "can_answer", 1);
        val_set(ctx, "answer_kinds", answer_options(a, TYPED("tra-loi", "kind", NULL)));
        val_set_str(ctx, "answer_text_typed", TYPED("tra-loi", "text", ""));
        val_set_str(ctx, "answer_day", TYPED("tra-loi", "day", page_date_text(a, today)));
        val_set_str(ctx, "answer_roadmap", TYPED("tra-loi", "roadmap", ""));
    }
    if (write && answered) {
        val_set_bool(ctx, "can_publish", !p->published);
        val_set_bool(ctx, "can_unpublish", p->published);
        val_set_bool(ctx, "can_report", !same(p->status, "reported_to_voters"));
        val_set_str(ctx, "report_day", TYPED("thong-bao", "day", page_date_text(a, today)));
    }
    if (write && !merged && !answered) {
        val_set_bool(ctx, "can_merge", 1);
        val_set_str(ctx, "merge_code", TYPED("gop", "keep", ""));
    }
    if (write && !merged && (!answered || same(p->status, "scheduled"))) {
        val_set_bool(ctx, "can_carry", 1);
        val_set(ctx, "carry_sessions", options(r, SQL_SESSIONS, r->council_id, TYPED("chuyen-ky", "session", NULL), NULL));
    }
    if (write && !merged) {
        val_set_bool(ctx, "can_re_raise", 1);
        val_set(ctx, "re_raise_meetings", options(r, SQL_MEETINGS, r->council_id, TYPED("tai-kien-nghi", "meeting", NULL), "—"));
    }
    val_set_bool(ctx, "can_erase", see && !p->erased_at && (p->sender_name || p->sender_contact));
#undef TYPED
    if (error) val_set_str(ctx, "error", error);
    const char *ok = req_query(r, "ok");
    if (ok && *ok) val_set_str(ctx, "notice", same(ok, "moi") ? "Đã ghi nhận kiến nghị." : "Đã cập nhật kiến nghị.");
    return reply_page(r, status, "admin_petition", p->code, ctx);
}

/* GET /quan-tri/hoi-dong/:council/kien-nghi/:id [reviewer; ROUTE_COUNCIL] */
int page_admin_petition(Req *r)
{
    Pet p;
    int st = pet_here(r, &p);
    if (st) return st;
    return pet_render(r, 200, &p, NULL, NULL);
}

/* GET /quan-tri/hoi-dong/:council/kien-nghi/:id/tep/:file [reviewer; ROUTE_COUNCIL]
 * A file of the petition: the sender's (personal data: only for whom may
 * see the sender) or the agency's answer. */
int page_admin_petition_file(Req *r)
{
    Pet p;
    int st0 = pet_here(r, &p);
    if (st0) return st0;
    int64_t file = page_arg_id(r, 2);
    Stmt *st = db_prepare(r->db, "SELECT fi.sha256, fi.mime, pf.name, pf.kind FROM petition_files pf JOIN files fi "
                                 "ON fi.id = pf.file_id WHERE pf.petition_id = ?1 AND pf.file_id = ?2");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", p.id, file);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return reply_error(r, rc == DB_DONE ? 404 : 500, rc == DB_DONE ? "Không có tệp này." : NULL);
    }
    const char *sha = db_col_dup(st, 0, r->arena), *mime = db_col_dup(st, 1, r->arena), *name = db_col_dup(st, 2, r->arena);
    int sender = same(db_col_text(st, 3), "sender");
    db_done(st);
    if (sender && !petition_may_see_person(r->db, r->user, p.council_id))
        return reply_error(r, 403, "Tệp của người gửi là thông tin cá nhân, chỉ Văn phòng của Hội đồng nhân dân tiếp nhận được xem.");
    r->cache_seconds = -1;
    return reply_file(r, store_path(r->arena, cfg.files_dir, sha), mime, sha, name, 0);
}

/* POST /quan-tri/hoi-dong/:council/kien-nghi/:id/:action [editor; ROUTE_COUNCIL] */
int page_admin_petition_action(Req *r)
{
    Pet p;
    int st0 = pet_here(r, &p);
    if (st0) return st0;
    const char *action = r->nargs > 2 ? r->args[2] : "";
    char err[512] = "";
    int rc = -1;
    int64_t d = 0, d2 = 0;
    const User *by = r->user;
    static const char *const known[] = {"phan-loai", "chuyen", "tra-loi", "cong-bo", "an", "thong-bao", "gop",
                                        "chuyen-ky", "tai-kien-nghi", "xoa-thong-tin"};
    int is_known = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) is_known |= same(action, known[i]);
    if (!is_known) return reply_error(r, 404, "Không có thao tác này.");
    if (same(action, "xoa-thong-tin") && !petition_may_see_person(r->db, r->user, p.council_id))
        return reply_error(r, 403, "Chỉ Văn phòng của Hội đồng nhân dân tiếp nhận kiến nghị được xóa thông tin cá nhân.");
    /* The step and its line in the portal's audit log: one transaction. */
    if (db_begin(r->db) != DB_OK) return pet_render(r, 503, &p, "Không ghi được lúc này, vui lòng thử lại.", action);
    if (same(action, "phan-loai")) {
        rc = petition_classify(r->db, p.id, req_form(r, "field"), req_form(r, "level"),
                               staff_council_arg(req_form(r, "agency")), by, r->now, err, sizeof err);
    } else if (same(action, "chuyen")) {
        if (page_form_day(req_form(r, "day"), &d) != 0 || page_form_day(req_form(r, "deadline"), &d2) != 0)
            snprintf(err, sizeof err, "Ngày chuyển và thời hạn trả lời cần nhập theo dạng ngày/tháng/năm, ví dụ 20/7/2026.");
        else
            rc = petition_forward(r->db, p.id, staff_council_arg(req_form(r, "agency")), d, d2, by, r->now, err, sizeof err);
    } else if (same(action, "tra-loi")) {
        int roadmap = page_form_day(req_form(r, "roadmap"), &d2);
        if (page_form_day(req_form(r, "day"), &d) != 0 || roadmap < 0)
            snprintf(err, sizeof err, "Ngày trả lời và ngày dự kiến hoàn thành cần nhập theo dạng ngày/tháng/năm.");
        else
            rc = petition_answer(r->db, p.id, req_form(r, "kind"), req_form(r, "text"), d2, d,
                                 atoi(req_form(r, "revision") ? req_form(r, "revision") : "0"), by, r->now, err, sizeof err);
    } else if (same(action, "cong-bo") || same(action, "an")) {
        rc = petition_publish(r->db, p.id, same(action, "cong-bo"), by, r->now, err, sizeof err);
    } else if (same(action, "thong-bao")) {
        if (page_form_day(req_form(r, "day"), &d) != 0)
            snprintf(err, sizeof err, "Ngày thông báo cần nhập theo dạng ngày/tháng/năm.");
        else
            rc = petition_report_to_voters(r->db, p.id, d, by, r->now, err, sizeof err);
    } else if (same(action, "gop")) {
        char code[PETITION_CODE_SIZE];
        int64_t keep = 0;
        if (petition_code_normalise(req_form(r, "keep"), code) == 0)
            keep = db_int(r->db, 0, "SELECT id FROM petitions WHERE code = ?1 AND council_id = ?2", "tl", code, r->council_id);
        if (keep <= 0) snprintf(err, sizeof err, "Không có kiến nghị mang mã này trong Hội đồng nhân dân.");
        else rc = petition_merge(r->db, p.id, keep, by, r->now, err, sizeof err);
    } else if (same(action, "chuyen-ky")) {
        rc = petition_carry_over(r->db, p.id, staff_council_arg(req_form(r, "session")), by, r->now, err, sizeof err);
    } else if (same(action, "tai-kien-nghi")) {
        rc = petition_mark_re_raised(r->db, p.id, staff_council_arg(req_form(r, "meeting")), by, r->now, err, sizeof err);
    } else {
        rc = petition_erase(r->db, p.id, "theo yêu cầu của người gửi", by, r->now, err, sizeof err);
    }
    if (rc == 0 && (audit_council(r->db, r->user->id, r->user->username, r->now, r->council_id,
                                  arena_printf(r->arena, "petition.%s", action), "petition", p.id, p.code) != 0 ||
                    db_commit(r->db) != DB_OK)) {
        rc = -1;
        snprintf(err, sizeof err, "Không ghi được lúc này, vui lòng thử lại.");
    }
    if (rc != 0) {
        db_rollback(r->db);
        int status = strstr(err, "người khác cập nhật") ? 409 : strstr(err, "Lỗi cơ sở dữ liệu") || strstr(err, "Không ghi được") ? 503 : 400;
        return pet_render(r, status, &p, arena_strdup(r->arena, err), action);
    }
    return reply_redirect(r, arena_printf(r->arena, "%s/kien-nghi/%lld?ok=1", page_council_base(r), (long long)p.id));
}
