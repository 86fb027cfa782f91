/* page_petition_public.c - the citizens' side of voters' petitions (issue
 * 10 item 3; docs/PETITIONS-PUBLIC.md): the online form that answers with
 * a tracking code, the lookup by code, and the public list of answered,
 * published petitions with filters and search.
 *
 * Abuse handling, decided before anything is written:
 *  - the form: a single-use verification code (captcha.h, consumed by the
 *    first check whatever happens next), the `website` honeypot (filled:
 *    answered like a success with a code that was never stored), then the
 *    fields, then PETITION_FLOOD_SECONDS per visitor and PETITION_NET_CAP
 *    per network a day (engage.h), and only then petition_create.  The
 *    route is ROUTE_UPLOAD, so the server has checked the CSRF token
 *    (which the form sends first) before a byte of the attachment is
 *    spooled; its type is decided from the bytes before it is stored.
 *  - the lookup: the code travels in a POST body (never in a URL, so not
 *    in access logs or a Referer); LOOKUP_VISITOR_MAX per visitor per
 *    LOOKUP_VISITOR_WINDOW seconds and LOOKUP_NET_CAP per network a day;
 *    an unknown code and a malformed one get the very same page (404).
 * Every page here is Cache-Control: no-store except the public list and
 * the documents of published answers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "captcha.h"
#include "config.h"
#include "content.h"
#include "db.h"
#include "engage.h"
#include "http.h"
#include "http_cache.h"
#include "layout.h"
#include "page.h"
#include "page_util.h"
#include "petition.h"
#include "petition_public.h"
#include "tmpl.h"
#include "visitor.h"
#include "vn.h"

#define PETITION_FLOOD_SECONDS 60       /* one petition per visitor per minute */
#define PETITION_NET_CAP 100            /* petitions per network per day */
#define LOOKUP_NET_CAP 200              /* lookups per network per day */
#define LOOKUP_VISITOR_MAX 10           /* lookups per visitor ... */
#define LOOKUP_VISITOR_WINDOW 600       /* ... per 10 minutes */
#define PETITION_FILE_MAX (10u * 1024 * 1024)
#define PETITION_NAME_MAX 100
#define PETITION_CONTACT_MAX 200
#define PETITION_TEXT_MIN 10
#define LIST_PER_PAGE 20
#define CITY_VALUE "thanh-pho"

/* ------------------------------------------------------------- helpers */

static Val *crumbs_for(Arena *a, const char *here)
{
    Val *c = val_list(a);
    if (here) {
        val_push(c, page_crumb(a, "Kiến nghị cử tri", "/kien-nghi"));
        val_push(c, page_crumb(a, here, NULL));
    } else {
        val_push(c, page_crumb(a, "Kiến nghị cử tri", NULL));
    }
    return c;
}

/* Paragraphs of a text (blank-line or line separated) as a list of strings. */
static Val *paragraphs(Arena *a, const char *text)
{
    Val *l = val_list(a);
    const char *p = text ? text : "";
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > 0) val_push(l, val_str(a, arena_strndup(a, p, n)));
        p += n;
        if (*p == '\n') p++;
    }
    return l;
}

static Val *petition_val(Arena *a, const PetitionPublic *p)
{
    Val *v = val_map(a);
    val_set_int(v, "id", p->id);
    val_set(v, "text", paragraphs(a, p->text));
    val_set_str(v, "status", p->status);
    val_set_str(v, "status_label", p->status_label);
    val_set_str(v, "field", p->field);
    val_set_str(v, "unit", p->unit);
    val_set_str(v, "council", p->council);
    val_set_str(v, "agency", p->agency);
    val_set_str(v, "session", p->session);
    if (p->received_on > 0) val_set_str(v, "received_on", page_date_text(a, p->received_on));
    if (p->forwarded_on > 0) val_set_str(v, "forwarded_on", page_date_text(a, p->forwarded_on));
    if (p->deadline > 0) val_set_str(v, "deadline", page_date_text(a, p->deadline));
    if (p->answered_on > 0) val_set_str(v, "answered_on", page_date_text(a, p->answered_on));
    if (p->reported_on > 0) val_set_str(v, "reported_on", page_date_text(a, p->reported_on));
    val_set_bool(v, "answer_shown", p->answer_shown);
    if (p->answer_shown) {
        val_set_str(v, "answer_label", p->answer_label);
        val_set(v, "answer_text", paragraphs(a, p->answer_text));
        if (p->roadmap_due > 0) val_set_str(v, "roadmap_due", page_date_text(a, p->roadmap_due));
        Val *docs = val_list(a);
        for (size_t i = 0; i < p->ndocs; i++) {
            Val *d = val_map(a);
            val_set_str(d, "name", p->docs[i].name);
            val_set_str(d, "type", layout_type_label(p->docs[i].mime));
            val_set_str(d, "size", page_size_text(a, p->docs[i].size));
            Buf u;
            buf_init(&u, a);
            buf_printf(&u, "/kien-nghi/tra-loi/%lld/%lld", (long long)p->id, (long long)p->docs[i].file_id);
            val_set_str(d, "url", buf_str(&u));
            val_push(docs, d);
        }
        val_set(v, "docs", docs);
        val_set_bool(v, "has_docs", p->ndocs > 0);
    }
    val_set_bool(v, "overdue", p->overdue);
    val_set_bool(v, "carried_over", p->carried_over);
    val_set_bool(v, "re_raised", p->re_raised);
    val_set_bool(v, "merged", p->merged);
    return v;
}

/* -------------------------------------------------------------- the form */

typedef struct PetitionForm {
    const char *name, *contact, *place, *text;     /* as typed (echo-safe) */
    const char *name_err, *contact_err, *place_err, *text_err, *file_err, *code_err;
    const char *message;
} PetitionForm;

/* Render the form with a fresh verification code and what was typed. */
static int form_render(Req *r, int status, const PetitionForm *f)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_str(ctx, "name", f->name ? f->name : "");
    val_set_str(ctx, "contact", f->contact ? f->contact : "");
    val_set_str(ctx, "text", f->text ? f->text : "");
    if (f->name_err) val_set_str(ctx, "name_err", f->name_err);
    if (f->contact_err) val_set_str(ctx, "contact_err", f->contact_err);
    if (f->place_err) val_set_str(ctx, "place_err", f->place_err);
    if (f->text_err) val_set_str(ctx, "text_err", f->text_err);
    if (f->file_err) val_set_str(ctx, "file_err", f->file_err);
    if (f->code_err) val_set_str(ctx, "code_err", f->code_err);
    if (f->message) val_set_str(ctx, "message", f->message);
    val_set_int(ctx, "name_max", PETITION_NAME_MAX);
    val_set_int(ctx, "contact_max", PETITION_CONTACT_MAX);
    val_set_int(ctx, "text_min", PETITION_TEXT_MIN);
    val_set_int(ctx, "text_max", PETITION_TEXT_MAX);
    val_set_str(ctx, "file_max", page_size_text(a, PETITION_FILE_MAX));

    int64_t city = 0;
    const char *city_name = NULL;
    PetitionOption *units = NULL;
    size_t n = 0;
    if (petition_public_places(r->db, a, vn_day_start(r->now), &city, &city_name, &units, &n) != 0)
        return reply_error(r, 500, NULL);
    const char *sel = f->place ? f->place : "";
    val_set_str(ctx, "city_value", CITY_VALUE);
    val_set_str(ctx, "city_name", city_name ? city_name : "Hội đồng nhân dân thành phố");
    val_set_bool(ctx, "city_selected", !strcmp(sel, CITY_VALUE));
    Val *list = val_list(a);
    for (size_t i = 0; i < n; i++) {
        const char *value = arena_printf(a, "%lld", (long long)units[i].id);
        val_push(list, page_option(a, value, units[i].label, !strcmp(sel, value)));
    }
    val_set(ctx, "places", list);

    if (!page_captcha_ctx(r, ctx) && status == 200) status = 429;
    val_set(ctx, "crumbs", crumbs_for(a, "Gửi kiến nghị"));
    val_set_str(ctx, "description", "Gửi ý kiến, kiến nghị tới Hội đồng nhân dân");
    r->cache_seconds = -1;   /* a fresh code per render: never cached */
    return reply_page(r, status, "petition_form", "Gửi kiến nghị tới Hội đồng nhân dân", ctx);
}

/* GET /kien-nghi/gui - the online petition form with a new verification
 * code (no-store).  Public. */
int page_petition_form(Req *r)
{
    PetitionForm f = {0};
    return form_render(r, 200, &f);
}

/* A phone number (9-15 digits with + . - ( ) and spaces) or an e-mail
 * address (one @, a dot in the domain, no spaces). */
static int contact_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (at) {
        if (at == s || strchr(at + 1, '@') || strpbrk(s, " \t<>\"") ) return 0;
        const char *dot = strrchr(at + 1, '.');
        return dot && dot > at + 1 && dot[1] != 0;
    }
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9') digits++;
        else if (!strchr("+.-() ", *p)) return 0;
    }
    return digits >= 9 && digits <= 15;
}

/* The sent page: the tracking code, which the citizen must keep. */
static int sent_render(Req *r, const char *code, const char *council, int has_file)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    val_set_str(ctx, "code", code);
    val_set_str(ctx, "council", council ? council : "");
    val_set_str(ctx, "received_on", page_date_text(a, vn_day_start(r->now)));
    val_set_bool(ctx, "has_file", has_file);
    val_set(ctx, "crumbs", crumbs_for(a, "Đã gửi kiến nghị"));
    r->cache_seconds = -1;
    return reply_page(r, 200, "petition_sent", "Đã gửi kiến nghị", ctx);
}

/* POST /kien-nghi/gui (multipart; ROUTE_UPLOAD) - send a petition online.
 * Fields: csrf (first), ho_ten (required, <= 100 characters), lien_he
 * (optional phone or e-mail, never shown in public), don_vi (a commune's
 * unit id, or "thanh-pho" for the city council), noi_dung (10..5000
 * characters), tep (optional PDF, JPEG or PNG up to 10 MB), ma_id +
 * ma_xac_thuc (verification code), website (honeypot), ma_moi (new code,
 * keeps the text).  200 with the tracking code; 400 (bad field, wrong or
 * replayed code, refused file), 413 (too large), 429 (flood, network cap)
 * with the form and everything typed but the code; nothing stored then.
 * Public. */
int page_petition_post(Req *r)
{
    Arena *a = r->arena;
    const char *name = req_form(r, "ho_ten"), *contact = req_form(r, "lien_he");
    const char *place = req_form(r, "don_vi"), *text = req_form(r, "noi_dung");
    const char *honey = req_form(r, "website");
    const char *cid = req_form(r, "ma_id"), *code = req_form(r, "ma_xac_thuc");
    cache_unchanged();   /* a new petition is on no public page until it is answered and published */
    PetitionForm f = {page_echo(a, name), page_echo(a, contact), page_echo(a, place), page_echo(a, text),
                      NULL, NULL, NULL, NULL, NULL, NULL, NULL};

    /* Single use: whatever happens next, this code is spent. */
    int code_ok = captcha_check(cid, code, r->now);
    if (req_form(r, "ma_moi")) return form_render(r, 200, &f);

    /* A filled honeypot is a robot: answer like a success (the same page,
     * a code that was never stored), store nothing. */
    if (honey && *honey) {
        char fake[PETITION_CODE_SIZE];
        petition_new_code(fake);
        int64_t to = 0, u = place && !strcmp(place, CITY_VALUE) ? 0 : place ? strtoll(place, NULL, 10) : -1;
        char *cn = u >= 0 && petition_public_route(r->db, u, vn_day_start(r->now), &to) == 0
                       ? db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", to) : NULL;
        const Upload *hu = req_upload(r, "tep");
        return sent_render(r, arena_strdup(a, fake), cn, hu && hu->size > 0);
    }
    if (r->body_too_large) {
        f.file_err = arena_printf(a, "Tệp đính kèm quá lớn (tối đa %s).", page_size_text(a, PETITION_FILE_MAX));
        f.message = "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới.";
        return form_render(r, 413, &f);
    }

    /* The fields. */
    int bad = 0;
    char *nm = name && vn_utf8_valid(name, strlen(name)) ? vn_clean(a, name) : NULL;
    if (!nm || !*nm) { f.name_err = "Vui lòng nhập họ và tên."; bad = 1; }
    else if (vn_char_count(nm) > PETITION_NAME_MAX) { f.name_err = "Họ và tên dài quá 100 ký tự."; bad = 1; }
    char *ct = contact && vn_utf8_valid(contact, strlen(contact)) ? vn_clean(a, contact) : NULL;
    if (contact && *contact && !ct) { f.contact_err = "Thông tin liên hệ không hợp lệ."; bad = 1; }
    else if (ct && *ct && (vn_char_count(ct) > PETITION_CONTACT_MAX || !contact_ok(ct))) {
        f.contact_err = "Vui lòng nhập số điện thoại (9 đến 15 chữ số) hoặc địa chỉ thư điện tử, hoặc để trống.";
        bad = 1;
    }
    int64_t unit = -1, council = 0;
    if (place && !strcmp(place, CITY_VALUE)) unit = 0;
    else if (place && *place) {
        char *end = NULL;
        long long v = strtoll(place, &end, 10);
        if (*end == 0 && v > 0) unit = v;
    }
    int64_t today = vn_day_start(r->now);
    if (unit < 0 || petition_public_route(r->db, unit, today, &council) != 0) {
        f.place_err = "Vui lòng chọn phường, xã nơi có nội dung kiến nghị, hoặc chọn cấp thành phố.";
        bad = 1;
    }
    char *tx = text && vn_utf8_valid(text, strlen(text)) ? vn_clean(a, text) : NULL;
    size_t tlen = tx ? vn_char_count(tx) : 0;
    if (!tx || !*tx) { f.text_err = "Vui lòng nhập nội dung kiến nghị."; bad = 1; }
    else if (tlen < PETITION_TEXT_MIN) { f.text_err = "Nội dung kiến nghị quá ngắn (ít nhất 10 ký tự)."; bad = 1; }
    else if (tlen > PETITION_TEXT_MAX) { f.text_err = "Nội dung kiến nghị dài quá 5.000 ký tự."; bad = 1; }
    const Upload *up = req_upload(r, "tep");
    const char *fname = NULL, *ftype = NULL;
    if (up && up->size > 0) {
        int bad_name = 0;
        fname = page_upload_name(up, "tep-dinh-kem", &bad_name);
        if (!fname) { f.file_err = "Tên tệp đính kèm không hợp lệ."; bad = 1; }
        else if (up->size > PETITION_FILE_MAX || up->size > cfg.max_upload) {
            f.file_err = arena_printf(a, "Tệp đính kèm quá lớn (tối đa %s).", page_size_text(a, PETITION_FILE_MAX));
            bad = 1;
        } else if (!(ftype = petition_public_file_type(up->path))) {
            f.file_err = "Tệp đính kèm phải là PDF hoặc ảnh JPEG, PNG.";
            bad = 1;
        }
    }
    if (bad || !code_ok) {
        if (!code_ok) f.code_err = "Mã xác thực không đúng. Mã chỉ dùng được một lần và có hiệu lực trong 5 phút; vui lòng nhập mã mới.";
        f.message = bad && !code_ok ? "Mã xác thực không đúng. Vui lòng kiểm tra lại các ô được đánh dấu bên dưới."
                    : bad ? "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới." : "Mã xác thực không đúng.";
        return form_render(r, 400, &f);
    }

    /* The limits, before anything is written. */
    uint8_t visitor[16];
    engage_visitor(r, visitor);
    if (!engage_flood_allow(visitor, "petition_send", PETITION_FLOOD_SECONDS, r->now)) {
        f.message = "Bạn vừa gửi một kiến nghị. Vui lòng đợi một phút rồi gửi tiếp; nội dung đã nhập vẫn còn dưới đây.";
        return form_render(r, 429, &f);
    }
    if (!engage_net_allow(r, "petition_send", PETITION_NET_CAP)) {
        f.message = "Mạng của bạn đã gửi quá nhiều kiến nghị trong hôm nay. Vui lòng thử lại vào ngày mai.";
        return form_render(r, 429, &f);
    }

    /* Write: the petition and its attachment in one transaction. */
    PetitionIn in = {.council_id = council, .text = tx, .unit_id = unit, .channel = "online",
                     .received_on = today, .sender_name = nm, .sender_contact = ct && *ct ? ct : NULL};
    char err[300], tcode[PETITION_CODE_SIZE];
    int64_t pid = 0;
    if (db_begin(r->db) != DB_OK) return reply_error(r, 503, "Hệ thống đang bận, vui lòng thử lại sau ít phút.");
    if (petition_create(r->db, &in, NULL, r->now, &pid, tcode, err, sizeof err) != 0) {
        db_rollback(r->db);
        f.message = arena_strdup(a, err);
        return form_render(r, 400, &f);
    }
    if (fname) {
        const char *serr = NULL;
        int64_t file_id = store_put(r->db, a, cfg.files_dir, up->path, PETITION_FILE_MAX, &serr);
        if (file_id < 0 || petition_add_file(r->db, pid, file_id, fname, "sender") != 0) {
            db_rollback(r->db);
            f.file_err = serr ? serr : "Không lưu được tệp đính kèm, vui lòng thử lại.";
            f.message = "Vui lòng kiểm tra lại các ô được đánh dấu bên dưới.";
            return form_render(r, 400, &f);
        }
    }
    if (db_commit(r->db) != DB_OK) {
        db_rollback(r->db);
        return reply_error(r, 503, "Hệ thống đang bận, vui lòng thử lại sau ít phút.");
    }
    char *cname = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", council);
    return sent_render(r, arena_strdup(a, tcode), cname, fname != NULL);
}

/* ------------------------------------------------------------ the lookup */

/* Render the lookup page: the form, and the petition p, or a message. */
static int lookup_render(Req *r, int status, const PetitionPublic *p, const char *code, const char *message)
{
    Arena *a = r->arena;
    Val *ctx = layout_ctx(r);
    if (p) {
        val_set(ctx, "petition", petition_val(a, p));
        val_set_str(ctx, "code", code);
    }
    if (message) val_set_str(ctx, "message", message);
    val_set(ctx, "crumbs", crumbs_for(a, "Tra cứu kiến nghị"));
    r->cache_seconds = -1;   /* never kept by a cache: the answer depends on a secret */
    return reply_page(r, status, "petition_lookup", "Tra cứu kiến nghị", ctx);
}

/* GET /kien-nghi/tra-cuu - the lookup form (no-store).  Public. */
int page_petition_lookup_form(Req *r)
{
    return lookup_render(r, 200, NULL, NULL, NULL);
}

/* One lookup more for this visitor: LOOKUP_VISITOR_MAX slots of
 * LOOKUP_VISITOR_WINDOW seconds each (engage_flood_allow remembers one
 * time per action name), so at most that many in any window.  1 or 0. */
static int lookup_visitor_allow(const uint8_t visitor[16], int64_t now)
{
    for (int i = 0; i < LOOKUP_VISITOR_MAX; i++) {
        char action[32];
        snprintf(action, sizeof action, "petition_lookup:%d", i);
        if (engage_flood_allow(visitor, action, LOOKUP_VISITOR_WINDOW, now)) return 1;
    }
    return 0;
}

/* POST /kien-nghi/tra-cuu - look a petition up by its code (field ma,
 * csrf).  200 with status, dates, field, agency and (only when published)
 * the answer; 404 with the same page for an unknown and a malformed code;
 * 429 over LOOKUP_VISITOR_MAX per visitor in 10 minutes or LOOKUP_NET_CAP
 * per network a day.  Never the sender's name or contact.  No-store.
 * Public. */
int page_petition_lookup(Req *r)
{
    cache_unchanged();
    /* The network first: a request without the visitor cookie is a new
     * visitor each time and takes a slot in the flood table, so only what
     * the network's cap lets through may reach it. */
    if (!engage_net_allow(r, "petition_lookup", LOOKUP_NET_CAP))
        return lookup_render(r, 429, NULL, NULL, "Mạng của bạn đã tra cứu quá nhiều lần trong hôm nay. Vui lòng thử lại vào ngày mai.");
    uint8_t visitor[16];
    engage_visitor(r, visitor);
    if (!lookup_visitor_allow(visitor, r->now))
        return lookup_render(r, 429, NULL, NULL, "Bạn đã tra cứu nhiều lần trong ít phút. Vui lòng đợi 10 phút rồi thử lại.");
    const char *typed = req_form(r, "ma");
    PetitionPublic p;
    int rc = petition_public_lookup(r->db, r->arena, typed ? typed : "", vn_day_start(r->now), &p);
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc == 0)
        return lookup_render(r, 404, NULL, NULL,
                             "Không tìm thấy kiến nghị có mã này. Vui lòng kiểm tra lại mã: mã bắt đầu bằng KN và có 16 ký tự chữ, số.");
    char code[PETITION_CODE_SIZE];
    petition_code_normalise(typed, code);
    return lookup_render(r, 200, &p, arena_strdup(r->arena, code), NULL);
}

/* ------------------------------------------------------ the public list */

/* GET /kien-nghi?q=&linh-vuc=&don-vi=&ky-hop=&trang= - the answered,
 * published petitions, newest answer first, 20 a page; search without
 * diacritics; filters by field (code), unit (id) and session (id).  The
 * sender's name and contact, and tracking codes, are never shown.  Public. */
int page_petitions_public(Req *r)
{
    Arena *a = r->arena;
    const char *q = req_query(r, "q"), *field = req_query(r, "linh-vuc");
    if (q && (strlen(q) > PETITION_PUBLIC_QUERY_MAX || !vn_utf8_valid(q, strlen(q)))) q = NULL;
    if (field && (strlen(field) > 60 || !vn_utf8_valid(field, strlen(field)))) field = NULL;
    PetitionFilter f = {.field = field, .unit_id = req_int(r, "don-vi", 0, 0, INT64_MAX / 2),
                        .session_id = req_int(r, "ky-hop", 0, 0, INT64_MAX / 2), .q = q, .limit = LIST_PER_PAGE};
    int64_t page = req_int(r, "trang", 1, 1, 100000);
    f.offset = (page - 1) * LIST_PER_PAGE;
    PetitionPublic *list = NULL;
    size_t n = 0;
    int64_t total = 0, today = vn_day_start(r->now);
    if (petition_public_list(r->db, a, &f, today, &list, &n, &total) != 0) return reply_error(r, 500, NULL);

    Val *ctx = layout_ctx(r);
    val_set_str(ctx, "q", q ? q : "");
    Val *items = val_list(a);
    for (size_t i = 0; i < n; i++) val_push(items, petition_val(a, &list[i]));
    val_set(ctx, "petitions", items);
    val_set_bool(ctx, "has_petitions", n > 0);
    val_set_int(ctx, "total", total);
    val_set_bool(ctx, "filtered", (q && *q) || (field && *field) || f.unit_id > 0 || f.session_id > 0);

    PetitionOption *o = NULL;
    size_t no = 0;
    Val *fl = val_list(a);
    if (petition_public_fields(r->db, a, &o, &no) != 0) return reply_error(r, 500, NULL);
    for (size_t i = 0; i < no; i++) {
        Val *v = val_map(a);
        val_set_str(v, "value", o[i].code);
        val_set_str(v, "label", o[i].label);
        val_set_bool(v, "selected", field && !strcmp(field, o[i].code));
        val_push(fl, v);
    }
    val_set(ctx, "fields", fl);
    Val *ul = val_list(a);
    if (petition_public_units_used(r->db, a, &o, &no) != 0) return reply_error(r, 500, NULL);
    for (size_t i = 0; i < no; i++) {
        Val *v = val_map(a);
        val_set_int(v, "value", o[i].id);
        val_set_str(v, "label", o[i].label);
        val_set_bool(v, "selected", f.unit_id == o[i].id);
        val_push(ul, v);
    }
    val_set(ctx, "units", ul);
    Val *sl = val_list(a);
    if (petition_public_sessions_used(r->db, a, &o, &no) != 0) return reply_error(r, 500, NULL);
    for (size_t i = 0; i < no; i++) {
        Val *v = val_map(a);
        val_set_int(v, "value", o[i].id);
        val_set_str(v, "label", o[i].label);
        val_set_bool(v, "selected", f.session_id == o[i].id);
        val_push(sl, v);
    }
    val_set(ctx, "sessions", sl);

    /* The pager keeps the filters. */
    Buf base;
    buf_init(&base, a);
    buf_puts(&base, "/kien-nghi");
    char sep = '?';
    if (q && *q) { buf_printf(&base, "%cq=", sep); buf_url(&base, q); sep = '&'; }
    if (field && *field) { buf_printf(&base, "%clinh-vuc=", sep); buf_url(&base, field); sep = '&'; }
    if (f.unit_id > 0) { buf_printf(&base, "%cdon-vi=%lld", sep, (long long)f.unit_id); sep = '&'; }
    if (f.session_id > 0) buf_printf(&base, "%cky-hop=%lld", sep, (long long)f.session_id);
    int64_t pages = (total + LIST_PER_PAGE - 1) / LIST_PER_PAGE;
    Val *pager = page_pager(a, buf_str(&base), page, pages);
    if (pager) val_set(ctx, "pager", pager);
    val_set(ctx, "crumbs", crumbs_for(a, NULL));
    val_set_str(ctx, "description", "Kết quả giải quyết, trả lời ý kiến, kiến nghị của cử tri");
    r->visit_page = 1;
    return reply_page(r, 200, "petitions_public", "Kiến nghị cử tri", ctx);
}

/* GET /kien-nghi/tra-loi/:id/:file - a document of a published answer
 * (petition_files kind 'answer'); 404 for anything else: an unpublished
 * answer, the sender's attachment, a file of another petition.  Public. */
int page_petition_answer_file(Req *r)
{
    int64_t id = page_arg_id(r, 0), file = page_arg_id(r, 1);
    const char *sha = NULL, *mime = NULL, *name = NULL;
    int rc = id > 0 && file > 0 ? petition_public_answer_file(r->db, r->arena, id, file, &sha, &mime, &name) : 0;
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc == 0) return reply_error(r, 404, "Không có văn bản trả lời này.");
    return reply_file(r, store_path(r->arena, cfg.files_dir, sha), mime, sha, name, 0);
}
