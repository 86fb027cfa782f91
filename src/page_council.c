/* page_council.c - the public council pages (issue 8, item 4): the
 * directory, a council, a delegate, and "this unit before 1/7/2025".
 *
 * Every structure page takes an "as of" day, ?ngay=15/3/2024 (or
 * 2024-03-15; default today in Vietnam time): it shows the units, councils
 * and memberships in force that day.  A bad ngay answers 400 with a
 * Vietnamese explanation; a unit that did not exist, or had no council, on
 * that day answers 404 with a page that says so and where to look instead.
 * All pages are identical for every anonymous reader, so they are
 * cacheable (http_cache keys on the query string too).  SQL is literal and
 * portable; periods are half-open [valid_from, valid_to). */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "council.h"
#include "db.h"
#include "http.h"
#include "layout.h"
#include "page_council.h"
#include "page_util.h"
#include "tmpl.h"
#include "unit.h"
#include "vn.h"

/* "As of" day from ?ngay (default today).  1 given explicitly, 0 default,
 * -1 malformed (the caller answers 400). */
static int as_of(Req *r, int64_t *day)
{
    const char *s = req_query(r, "ngay");
    if (!s || !*s) {
        *day = vn_day_start(r->now);
        return 0;
    }
    return unit_parse_day(s, day) == 0 ? 1 : -1;
}

static int bad_day(Req *r)
{
    const char *s = req_query(r, "ngay");
    return reply_error(r, 400, arena_printf(r->arena,
        "Ngày \"%s\" không hợp lệ. Hãy nhập ngày theo dạng ngày/tháng/năm, ví dụ 15/3/2024.",
        page_echo(r->arena, s)));
}

/* The ?ngay= suffix links carry when the reader chose a day. */
static const char *day_query(Arena *a, int explicit_day, int64_t day, const char *sep)
{
    if (!explicit_day) return "";
    return arena_printf(a, "%sngay=%s", sep, page_date_text(a, day));
}

static const char *council_url(Arena *a, const char *slug, int explicit_day, int64_t day)
{
    return arena_printf(a, "/hoi-dong/%s%s", slug, day_query(a, explicit_day, day, "?"));
}

static const char *roman(Arena *a, int64_t n)
{
    static const struct { int v; const char *s; } t[] = {
        {1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"},
        {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"},
    };
    Buf b;
    buf_init(&b, a);
    for (size_t i = 0; i < sizeof t / sizeof t[0] && n > 0 && n < 4000; i++)
        while (n >= t[i].v) { buf_puts(&b, t[i].s); n -= t[i].v; }
    return buf_str(&b);
}

static const char *period_text(Arena *a, int64_t from, int64_t to)
{
    if (!to) return arena_printf(a, "từ %s", page_date_text(a, from));
    return arena_printf(a, "%s – %s", page_date_text(a, from), page_date_text(a, to - 86400));
}

static void set_day(Req *r, Val *ctx, int64_t day, int explicit_day)
{
    val_set_str(ctx, "day", page_date_text(r->arena, day));
    val_set_str(ctx, "day_input", explicit_day ? page_date_text(r->arena, day) : "");
    val_set_bool(ctx, "explicit_day", explicit_day);
}

static Val *crumbs(Arena *a, const char *name, const char *url, const char *last)
{
    Val *c = val_list(a);
    val_push(c, page_crumb(a, "Hội đồng nhân dân", last ? "/hoi-dong" : NULL));
    if (name) val_push(c, page_crumb(a, name, url));
    if (last) val_push(c, page_crumb(a, last, NULL));
    return c;
}

/* ------------------------------------------------------------ directory */

/* The councils of `level` on day, optionally one kind and a folded name
 * pattern, as list items; NULL on a database error. */
static Val *council_list(Req *r, const char *level, int64_t day, const char *kind, const char *like,
                         int explicit_day)
{
    Arena *a = r->arena;
    Stmt *st = db_prepare(r->db,
        "SELECT c.id, c.name, u.name, u.kind, u.slug, COALESCE(p.name, ''), COALESCE(p.level, '')"
        " FROM units u JOIN councils c ON c.unit_id = u.id AND c.valid_from <= ?1"
        " AND (c.valid_to IS NULL OR c.valid_to > ?1)"
        " LEFT JOIN units p ON p.id = u.parent_id"
        " WHERE u.level = ?2 AND u.valid_from <= ?1 AND (u.valid_to IS NULL OR u.valid_to > ?1)"
        " AND (?3 = '' OR u.kind = ?3) AND (?4 = '' OR u.name_fold LIKE ?4 ESCAPE '!')"
        " ORDER BY COALESCE(p.name_fold, ''), u.name_fold, u.code");
    if (!st) return NULL;
    db_bindf(st, "lttt", day, level, kind ? kind : "", like ? like : "");
    Val *list = val_list(a);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *it = val_map(a);
        val_set_int(it, "id", db_col_int(st, 0));
        val_set_str(it, "name", db_col_dup(st, 1, a));
        val_set_str(it, "unit", db_col_dup(st, 2, a));
        val_set_str(it, "kind", unit_kind_label(db_col_text(st, 3)));
        val_set_str(it, "url", council_url(a, db_col_text(st, 4), explicit_day, day));
        if (!strcmp(db_col_text(st, 6), "district")) val_set_str(it, "parent", db_col_dup(st, 5, a));
        val_push(list, it);
    }
    db_done(st);
    return rc == DB_DONE ? list : NULL;
}

/* GET /hoi-dong[?ngay=D&loai=phuong|xa|thi-tran|dac-khu&q=TEXT] - the
 * council directory on a day: the city, then (before 1/7/2025) the
 * districts, then the communes, filtered by kind and by name with or
 * without diacritics ("ba dinh" finds Phường Ba Đình).  Public, cacheable. */
int page_council_directory(Req *r)
{
    Arena *a = r->arena;
    int64_t day;
    int explicit_day = as_of(r, &day);
    if (explicit_day < 0) return bad_day(r);
    const char *kind = req_query(r, "loai");
    static const char *const kinds[] = {"phuong", "xa", "thi-tran", "dac-khu"};
    int known = 0;
    for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++) known |= !strcmp(kind, kinds[i]);
    if (kind && *kind && !known)
        return reply_error(r, 400, "Loại đơn vị không hợp lệ: chọn phường, xã, thị trấn hoặc đặc khu.");
    if (!known) kind = "";
    const char *q = req_query(r, "q");
    q = q ? vn_clean(a, q) : "";
    if (!q) return reply_error(r, 400, "Từ khóa tìm kiếm không hợp lệ.");
    if (vn_char_count(q) > 100) return reply_error(r, 400, "Từ khóa tìm kiếm quá dài (tối đa 100 ký tự).");
    const char *like = "";
    if (*q) {
        /* folded, LIKE specials escaped with '!' */
        const char *f = vn_fold_a(a, q);
        Buf b;
        buf_init(&b, a);
        buf_putc(&b, '%');
        for (const char *p = f; *p; p++) {
            if (*p == '%' || *p == '_' || *p == '!') buf_putc(&b, '!');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '%');
        like = buf_str(&b);
    }
    Val *city = council_list(r, "province", day, "", "", explicit_day);
    Val *districts = *kind ? val_list(a) : council_list(r, "district", day, "", like, explicit_day);
    Val *communes = council_list(r, "commune", day, kind, like, explicit_day);
    if (!city || !districts || !communes) return reply_error(r, 500, NULL);
    /* units of the day without a council (Hanoi's wards 2021-2025) */
    int64_t without = db_int(r->db, -1,
        "SELECT COUNT(*) FROM units u WHERE u.level = 'commune' AND u.valid_from <= ?1"
        " AND (u.valid_to IS NULL OR u.valid_to > ?1) AND (?2 = '' OR u.kind = ?2)"
        " AND NOT EXISTS (SELECT 1 FROM councils c WHERE c.unit_id = u.id AND c.valid_from <= ?1"
        " AND (c.valid_to IS NULL OR c.valid_to > ?1))", "lt", day, kind);
    if (without < 0) return reply_error(r, 500, NULL);
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    r->cacheable = 1;
    set_day(r, ctx, day, explicit_day);
    val_set_str(ctx, "q", q);
    val_set_bool(ctx, "kind_phuong", !strcmp(kind, "phuong"));
    val_set_bool(ctx, "kind_xa", !strcmp(kind, "xa"));
    val_set_bool(ctx, "kind_thi_tran", !strcmp(kind, "thi-tran"));
    val_set_bool(ctx, "filtered", *q || *kind);
    if (!*q) val_set(ctx, "city", city);
    val_set(ctx, "districts", districts);
    val_set(ctx, "communes", communes);
    val_set_int(ctx, "commune_count", (int64_t)val_len(communes));
    val_set_int(ctx, "district_count", (int64_t)val_len(districts));
    val_set_int(ctx, "without", without);
    val_set_bool(ctx, "none", val_len(communes) == 0 && val_len(districts) == 0);
    val_set(ctx, "crumbs", crumbs(a, NULL, NULL, NULL));
    val_set_str(ctx, "description", "Danh bạ Hội đồng nhân dân thành phố Hà Nội và các xã, phường.");
    val_set_str(ctx, "canonical", arena_printf(a, "%s/hoi-dong", cfg.site_url ? cfg.site_url : ""));
    return reply_page(r, 200, "council_directory", "Hội đồng nhân dân", ctx);
}

/* ------------------------------------------------------------ one council */

/* Reply 404 for a slug with no unit on day: it existed earlier or later
 * (say when), or never. */
static int no_unit(Req *r, const char *slug, int64_t day, int explicit_day)
{
    Arena *a = r->arena;
    Unit u;
    int rc = unit_by_slug_any(r->db, a, slug, day, &u);
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc == 0) return reply_error(r, 404, "Không có đơn vị hành chính này.");
    Val *ctx = layout_ctx(r);
    set_day(r, ctx, day, explicit_day);
    val_set_str(ctx, "heading", u.name);
    val_set_str(ctx, "message", arena_printf(a, "%s không tồn tại vào ngày %s: đơn vị này có %s.", u.name,
                                             page_date_text(a, day), period_text(a, u.valid_from, u.valid_to)));
    int64_t when = u.valid_to && day >= u.valid_to ? u.valid_to - 86400 : u.valid_from;
    val_set_str(ctx, "see_url", arena_printf(a, "/hoi-dong/%s?ngay=%s", u.slug, page_date_text(a, when)));
    val_set_str(ctx, "see_text", arena_printf(a, "Xem %s ngày %s", u.name, page_date_text(a, when)));
    val_set(ctx, "crumbs", crumbs(a, u.name, NULL, NULL));
    return reply_page(r, 404, "council_none", u.name, ctx);
}

/* Reply 404 for a unit without a council on day. */
static int no_council(Req *r, const Unit *u, int64_t day, int explicit_day)
{
    Arena *a = r->arena;
    const UnitDates *d = unit_dates();
    Val *ctx = layout_ctx(r);
    set_day(r, ctx, day, explicit_day);
    val_set_str(ctx, "heading", u->name);
    const char *why = "";
    if (!strcmp(u->kind, "phuong") && day >= d->pilot_from && day < d->reform_from)
        why = " Từ 1/7/2021 đến 30/6/2025, các phường của thành phố Hà Nội không tổ chức Hội đồng nhân dân"
              " (thí điểm mô hình chính quyền đô thị theo Nghị quyết 97/2019/QH14); chỉ có Ủy ban nhân dân phường.";
    val_set_str(ctx, "message", arena_printf(a, "%s không có Hội đồng nhân dân vào ngày %s.%s", u->name,
                                             page_date_text(a, day), why));
    int64_t next = db_int(r->db, 0, "SELECT MIN(valid_from) FROM councils WHERE unit_id = ?1 AND valid_from > ?2",
                          "ll", u->id, day);
    int64_t prev = db_int(r->db, 0, "SELECT MAX(valid_to) FROM councils WHERE unit_id = ?1 AND valid_to <= ?2",
                          "ll", u->id, day);
    int64_t when = next > 0 ? next : prev > 0 ? prev - 86400 : 0;
    if (when) {
        val_set_str(ctx, "see_url", arena_printf(a, "/hoi-dong/%s?ngay=%s", u->slug, page_date_text(a, when)));
        val_set_str(ctx, "see_text", arena_printf(a, "Xem Hội đồng nhân dân ngày %s", page_date_text(a, when)));
    }
    val_set_str(ctx, "successor_note", u->valid_to ? "Đơn vị này đã được sắp xếp từ 1/7/2025." : "");
    val_set(ctx, "crumbs", crumbs(a, u->name, NULL, NULL));
    return reply_page(r, 404, "council_none", u->name, ctx);
}

/* GET /hoi-dong/:slug[?ngay=D] - a council on a day: its term, seats,
 * sitting and full-time delegates, vacancies, the Standing Committee, the
 * Ban with their members, the delegate groups and the office.  404 pages
 * for a unit that did not exist or had no council that day.  Public,
 * cacheable. */
int page_council(Req *r)
{
    Arena *a = r->arena;
    int64_t day;
    int explicit_day = as_of(r, &day);
    if (explicit_day < 0) return bad_day(r);
    Unit u;
    int rc = unit_by_slug(r->db, a, r->args[0], day, &u);
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc == 0) return no_unit(r, r->args[0], day, explicit_day);
    int64_t council = council_of_unit(r->db, u.id, day);
    if (council < 0) return reply_error(r, 500, NULL);
    if (council == 0) return no_council(r, &u, day, explicit_day);
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    r->cacheable = 1;
    set_day(r, ctx, day, explicit_day);
    char *cname = db_text(r->db, a, "SELECT name FROM councils WHERE id = ?1", "l", council);
    val_set_str(ctx, "name", cname ? cname : "");
    val_set_str(ctx, "unit", u.name);
    val_set_str(ctx, "kind", unit_kind_label(u.kind));
    val_set_str(ctx, "parent", u.parent_name);
    val_set_str(ctx, "unit_period", period_text(a, u.valid_from, u.valid_to));
    val_set_str(ctx, "slug", u.slug);
    int64_t preds = db_int(r->db, 0, "SELECT COUNT(*) FROM unit_successions WHERE new_unit_id = ?1", "l", u.id);
    if (preds > 0) {
        val_set_str(ctx, "before_url", arena_printf(a, "/hoi-dong/%s/truoc-sap-nhap", u.slug));
        val_set_int(ctx, "before_count", preds);
    }
    int64_t succs = db_int(r->db, 0, "SELECT COUNT(*) FROM unit_successions WHERE old_unit_id = ?1", "l", u.id);
    if (succs > 0) val_set_int(ctx, "after_count", succs);

    /* the term of the day */
    Stmt *st = db_prepare(r->db, "SELECT id, COALESCE(number, 0), label, starts_on, COALESCE(ends_on, 0), seats"
                          " FROM council_terms WHERE council_id = ?1 AND starts_on <= ?2"
                          " AND (ends_on IS NULL OR ends_on > ?2)");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ll", council, day);
    int64_t term = 0, seats = 0;
    if ((rc = db_step(st)) == DB_ROW) {
        term = db_col_int(st, 0);
        int64_t num = db_col_int(st, 1);
        Val *t = val_map(a);
        val_set_str(t, "label", db_col_dup(st, 2, a));
        if (num > 0) val_set_str(t, "number", roman(a, num));
        val_set_str(t, "period", period_text(a, db_col_int(st, 3), db_col_int(st, 4)));
        seats = db_col_int(st, 5);
        val_set_int(t, "seats", seats);
        val_set(ctx, "term", t);
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return reply_error(r, 500, NULL);
    if (term) {
        Val *t = val_get(ctx, "term");
        int64_t sitting = db_int(r->db, -1, "SELECT COUNT(*) FROM delegates WHERE term_id = ?1 AND valid_from <= ?2"
                                 " AND (valid_to IS NULL OR valid_to > ?2)", "ll", term, day);
        int64_t ft = db_int(r->db, -1, "SELECT COUNT(*) FROM delegates d JOIN delegate_modes m ON m.delegate_id = d.id"
                            " WHERE d.term_id = ?1 AND d.valid_from <= ?2 AND (d.valid_to IS NULL OR d.valid_to > ?2)"
                            " AND m.full_time = 1 AND m.valid_from <= ?2 AND (m.valid_to IS NULL OR m.valid_to > ?2)",
                            "ll", term, day);
        if (sitting < 0 || ft < 0) return reply_error(r, 500, NULL);
        val_set_int(t, "sitting", sitting);
        val_set_int(t, "full_time", ft);
        Buf share;
        buf_init(&share, a);
        vn_decimal(&share, sitting ? 100.0 * (double)ft / (double)sitting : 0.0, 1);
        val_set_str(t, "full_time_share", buf_str(&share));
        val_set_int(t, "vacancies", seats > sitting ? seats - sitting : 0);

        /* bodies, then every membership of the day in one pass */
        Val *groups[4] = {val_list(a), val_list(a), val_list(a), val_list(a)};
        static const char *const kinds[4] = {"standing", "committee", "group", "office"};
        st = db_prepare(r->db, "SELECT b.id, b.kind, b.name FROM council_bodies b WHERE b.term_id = ?1"
                        " AND b.valid_from <= ?2 AND (b.valid_to IS NULL OR b.valid_to > ?2) ORDER BY b.position, b.id");
        if (!st) return reply_error(r, 500, NULL);
        db_bindf(st, "ll", term, day);
        size_t nb = 0, cap = 64;
        int64_t *bid = arena_alloc(a, cap * sizeof *bid);
        Val **bmembers = arena_alloc(a, cap * sizeof *bmembers);
        while ((rc = db_step(st)) == DB_ROW) {
            if (nb == cap) {
                bid = arena_realloc(a, bid, cap * sizeof *bid, 2 * cap * sizeof *bid);
                bmembers = arena_realloc(a, bmembers, cap * sizeof *bmembers, 2 * cap * sizeof *bmembers);
                cap *= 2;
            }
            Val *b = val_map(a);
            val_set_str(b, "name", db_col_dup(st, 2, a));
            bid[nb] = db_col_int(st, 0);
            bmembers[nb] = val_list(a);
            val_set(b, "members", bmembers[nb]);
            nb++;
            for (int k = 0; k < 4; k++)
                if (!strcmp(db_col_text(st, 1), kinds[k])) val_push(groups[k], b);
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        st = db_prepare(r->db,
            "SELECT m.body_id, d.id, p.full_name, x.name,"
            " (SELECT md.full_time FROM delegate_modes md WHERE md.delegate_id = d.id AND md.valid_from <= ?2"
            "  AND (md.valid_to IS NULL OR md.valid_to > ?2))"
            " FROM council_memberships m JOIN council_bodies b ON b.id = m.body_id"
            " JOIN council_positions x ON x.id = m.position_id JOIN delegates d ON d.id = m.delegate_id"
            " JOIN persons p ON p.id = d.person_id"
            " WHERE b.term_id = ?1 AND m.valid_from <= ?2 AND (m.valid_to IS NULL OR m.valid_to > ?2)"
            " ORDER BY m.body_id, x.rank, p.name_fold, d.id");
        if (!st) return reply_error(r, 500, NULL);
        db_bindf(st, "ll", term, day);
        size_t bi = 0;
        while ((rc = db_step(st)) == DB_ROW) {
            int64_t body = db_col_int(st, 0);
            if (bi >= nb || bid[bi] != body)
                for (bi = 0; bi < nb && bid[bi] != body; bi++) {}
            if (bi >= nb) continue;
            Val *m = val_map(a);
            val_set_str(m, "url", arena_printf(a, "/dai-bieu/%lld", (long long)db_col_int(st, 1)));
            val_set_str(m, "name", db_col_dup(st, 2, a));
            val_set_str(m, "position", db_col_dup(st, 3, a));
            val_set_bool(m, "full_time", db_col_int(st, 4) == 1);
            val_push(bmembers[bi], m);
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set(ctx, "standing", groups[0]);
        val_set(ctx, "committees", groups[1]);
        val_set(ctx, "groups", groups[2]);
        val_set(ctx, "offices", groups[3]);
    }
    val_set(ctx, "crumbs", crumbs(a, cname ? cname : u.name, NULL, NULL));
    val_set_str(ctx, "description", arena_printf(a, "%s: nhiệm kỳ, Thường trực, các Ban, Tổ đại biểu và đại biểu.",
                                                 cname ? cname : u.name));
    val_set_str(ctx, "canonical", arena_printf(a, "%s/hoi-dong/%s%s", cfg.site_url ? cfg.site_url : "", u.slug,
                                               day_query(a, explicit_day, day, "?")));
    return reply_page(r, 200, "council", cname ? cname : u.name, ctx);
}

/* ------------------------------------------------------------ before the reform */

/* GET /hoi-dong/:slug/truoc-sap-nhap - the former units a current unit
 * was formed from on 1/7/2025 (full or partial, with the resolution), and
 * where each of them went.  Public, cacheable. */
int page_council_before(Req *r)
{
    Arena *a = r->arena;
    int64_t day;
    int explicit_day = as_of(r, &day);
    if (explicit_day < 0) return bad_day(r);
    const UnitDates *d = unit_dates();
    Unit u;
    int rc = unit_by_slug(r->db, a, r->args[0], day < d->reform_from ? d->reform_from : day, &u);
    if (rc < 0) return reply_error(r, 500, NULL);
    if (rc == 0) return no_unit(r, r->args[0], day, explicit_day);
    Stmt *st = db_prepare(r->db,
        "SELECT o.id, o.name, o.slug, COALESCE(p.name, ''), s.kind, s.resolution, s.decided_on, s.effective_on"
        " FROM unit_successions s JOIN units o ON o.id = s.old_unit_id LEFT JOIN units p ON p.id = o.parent_id"
        " WHERE s.new_unit_id = ?1 ORDER BY CASE s.kind WHEN 'full' THEN 0 ELSE 1 END, o.name_fold");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, u.id);
    Val *olds = val_list(a);
    int64_t oid[64];
    Val *went[64];
    size_t n = 0;
    const char *resolution = NULL;
    int64_t decided = 0, effective = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *it = val_map(a);
        int64_t last = db_col_int(st, 7) - 86400;
        val_set_str(it, "name", db_col_dup(st, 1, a));
        val_set_str(it, "district", db_col_dup(st, 3, a));
        val_set_bool(it, "full", !strcmp(db_col_text(st, 4), "full"));
        val_set_str(it, "url", arena_printf(a, "/hoi-dong/%s?ngay=%s", db_col_text(st, 2), page_date_text(a, last)));
        if (!resolution) {
            resolution = db_col_dup(st, 5, a);
            decided = db_col_int(st, 6);
            effective = db_col_int(st, 7);
        }
        if (n < 64) {
            oid[n] = db_col_int(st, 0);
            went[n] = val_list(a);
            val_set(it, "went", went[n]);
            n++;
        }
        val_push(olds, it);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    if (val_len(olds) == 0)
        return reply_error(r, 404, arena_printf(a, "%s không được hình thành từ việc sắp xếp đơn vị hành chính"
                                                " ngày 1/7/2025.", u.name));
    /* where each former unit went */
    st = db_prepare(r->db, "SELECT n.id, n.name, n.slug, s.kind FROM unit_successions s JOIN units n ON n.id = s.new_unit_id"
                    " WHERE s.old_unit_id = ?1 ORDER BY n.name_fold");
    if (!st) return reply_error(r, 500, NULL);
    for (size_t i = 0; i < n; i++) {
        db_bind_int(st, 1, oid[i]);
        while ((rc = db_step(st)) == DB_ROW) {
            Val *w = val_map(a);
            val_set_str(w, "name", db_col_dup(st, 1, a));
            val_set_str(w, "url", arena_printf(a, "/hoi-dong/%s", db_col_text(st, 2)));
            val_set_bool(w, "full", !strcmp(db_col_text(st, 3), "full"));
            val_set_bool(w, "self", db_col_int(st, 0) == u.id);
            val_push(went[i], w);
        }
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
    }
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    r->cacheable = 1;
    set_day(r, ctx, day, explicit_day);
    val_set_str(ctx, "unit", u.name);
    val_set_str(ctx, "unit_url", arena_printf(a, "/hoi-dong/%s", u.slug));
    val_set(ctx, "olds", olds);
    val_set_int(ctx, "old_count", (int64_t)val_len(olds));
    val_set_str(ctx, "resolution", resolution ? resolution : "");
    val_set_str(ctx, "decided", page_date_text(a, decided));
    val_set_str(ctx, "effective", page_date_text(a, effective));
    val_set(ctx, "crumbs", crumbs(a, u.name, arena_printf(a, "/hoi-dong/%s", u.slug), "Trước sắp xếp"));
    val_set_str(ctx, "description", arena_printf(a, "Các đơn vị hành chính hợp thành %s từ 1/7/2025.", u.name));
    return reply_page(r, 200, "council_before", arena_printf(a, "%s trước ngày 1/7/2025", u.name), ctx);
}

/* ------------------------------------------------------------ a delegate */

/* GET /dai-bieu/:id - a delegate: term and council, constituency, group,
 * positions over time, full-time / part-time over time, and the dated
 * changes with their deciding documents.  Public, cacheable. */
int page_council_delegate(Req *r)
{
    Arena *a = r->arena;
    int64_t id = page_arg_id(r, 0);
    if (id <= 0) return reply_error(r, 404, "Không có đại biểu này.");
    Stmt *st = db_prepare(r->db,
        "SELECT p.full_name, d.valid_from, COALESCE(d.valid_to, 0), t.label, COALESCE(t.number, 0), c.name, u.slug,"
        " COALESCE(k.name, ''), t.starts_on"
        " FROM delegates d JOIN persons p ON p.id = d.person_id JOIN council_terms t ON t.id = d.term_id"
        " JOIN councils c ON c.id = t.council_id JOIN units u ON u.id = c.unit_id"
        " LEFT JOIN council_constituencies k ON k.id = d.constituency_id WHERE d.id = ?1");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? reply_error(r, 404, "Không có đại biểu này.") : reply_error(r, 500, NULL);
    }
    Val *ctx = layout_ctx(r);
    r->visit_page = 1;
    r->cacheable = 1;
    const char *name = db_col_dup(st, 0, a);
    int64_t from = db_col_int(st, 1), to = db_col_int(st, 2), tstart = db_col_int(st, 8);
    int64_t num = db_col_int(st, 4);
    const char *cname = db_col_dup(st, 5, a);
    /* the council page on a day of this mandate */
    int64_t today = vn_day_start(r->now);
    int64_t on = to && today >= to ? to - 86400 : today < from ? from : today;
    const char *curl = arena_printf(a, "/hoi-dong/%s?ngay=%s", db_col_text(st, 6), page_date_text(a, on > tstart ? on : tstart));
    val_set_str(ctx, "name", name);
    val_set_str(ctx, "period", period_text(a, from, to));
    val_set_str(ctx, "term", db_col_dup(st, 3, a));
    if (num > 0) val_set_str(ctx, "term_number", roman(a, num));
    val_set_str(ctx, "council", cname);
    val_set_str(ctx, "council_url", curl);
    val_set_str(ctx, "constituency", db_col_dup(st, 7, a));
    db_done(st);
    /* modes */
    Val *modes = val_list(a);
    st = db_prepare(r->db, "SELECT full_time, valid_from, COALESCE(valid_to, 0) FROM delegate_modes"
                    " WHERE delegate_id = ?1 ORDER BY valid_from");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    int current_ft = 0;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *m = val_map(a);
        int ft = db_col_int(st, 0) == 1;
        int64_t mf = db_col_int(st, 1), mt = db_col_int(st, 2);
        val_set_str(m, "mode", ft ? "Chuyên trách" : "Không chuyên trách");
        val_set_str(m, "period", period_text(a, mf, mt));
        if (mf <= on && (!mt || mt > on)) current_ft = ft;
        val_push(modes, m);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "modes", modes);
    val_set_str(ctx, "mode", current_ft ? "Đại biểu hoạt động chuyên trách" : "Đại biểu hoạt động không chuyên trách");
    /* memberships over time */
    Val *posts = val_list(a), *bodies_now = val_list(a);
    st = db_prepare(r->db, "SELECT x.name, b.name, b.kind, m.valid_from, COALESCE(m.valid_to, 0)"
                    " FROM council_memberships m JOIN council_positions x ON x.id = m.position_id"
                    " JOIN council_bodies b ON b.id = m.body_id WHERE m.delegate_id = ?1"
                    " ORDER BY m.valid_from, x.rank, b.position");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *p = val_map(a);
        int64_t mf = db_col_int(st, 3), mt = db_col_int(st, 4);
        val_set_str(p, "position", db_col_dup(st, 0, a));
        val_set_str(p, "body", db_col_dup(st, 1, a));
        val_set_str(p, "period", period_text(a, mf, mt));
        int now = mf <= on && (!mt || mt > on) && today >= from && (!to || today < to);
        val_set_bool(p, "current", now);
        val_push(posts, p);
        if (now && !strcmp(db_col_text(st, 2), "group")) val_set_str(ctx, "group", db_col_dup(st, 1, a));
        if (now) val_push(bodies_now, p);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "posts", posts);
    val_set(ctx, "posts_now", bodies_now);
    /* changes */
    static const struct { const char *kind, *label; } labels[] = {
        {"elected", "Trúng cử / được bầu"}, {"by_election", "Trúng cử bầu bổ sung"}, {"relieved", "Miễn nhiệm"},
        {"recalled", "Bãi nhiệm"}, {"resigned", "Thôi làm đại biểu"}, {"designated", "Được chỉ định"},
        {"mode", "Thay đổi chế độ hoạt động"}, {"ended", "Kết thúc"},
    };
    Val *changes = val_list(a);
    st = db_prepare(r->db, "SELECT kind, happened_on, document, note FROM council_changes WHERE delegate_id = ?1"
                    " ORDER BY happened_on, id");
    if (!st) return reply_error(r, 500, NULL);
    db_bind_int(st, 1, id);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *c = val_map(a);
        const char *k = db_col_text(st, 0), *label = k;
        for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
            if (!strcmp(k, labels[i].kind)) label = labels[i].label;
        val_set_str(c, "kind", arena_strdup(a, label));
        val_set_str(c, "date", page_date_text(a, db_col_int(st, 1)));
        val_set_str(c, "document", db_col_dup(st, 2, a));
        val_set_str(c, "note", db_col_dup(st, 3, a));
        val_push(changes, c);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "changes", changes);
    Val *cr = val_list(a);
    val_push(cr, page_crumb(a, "Hội đồng nhân dân", "/hoi-dong"));
    val_push(cr, page_crumb(a, cname, curl));
    val_push(cr, page_crumb(a, name, NULL));
    val_set(ctx, "crumbs", cr);
    val_set_str(ctx, "description", arena_printf(a, "Đại biểu %s, %s.", name, cname));
    return reply_page(r, 200, "council_delegate", arena_printf(a, "Đại biểu %s", name), ctx);
}
