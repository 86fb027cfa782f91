/* council.c - councils, terms, bodies, delegates and memberships with
 * their validation (see council.h).  Every check runs before any write;
 * the writes of one call share a transaction.  Overlap of [a, b) and
 * [c, d) with 0 = open: (b = 0 OR c < b) AND (d = 0 OR a < d). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "council.h"
#include "vn.h"
#include "wtx.h"

static const char *date_text(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_date(&b, t);
    return buf_str(&b);
}

static int check_period(int64_t from, int64_t to, char *err, size_t errlen)
{
    if (from <= 0) return wtx_fail(err, errlen, "Thiếu ngày bắt đầu.");
    if (to != 0 && to <= from)
        return wtx_fail(err, errlen, "Ngày kết thúc phải sau ngày bắt đầu.");
    return 0;
}

/* [from, to) inside [pfrom, pto) (0 = open). */
static int inside(int64_t from, int64_t to, int64_t pfrom, int64_t pto)
{
    if (from < pfrom) return 0;
    if (pto == 0) return 1;
    return to != 0 && to <= pto;
}

/* Clean required text; NULL when empty or invalid. */
static char *text(Arena *a, const char *s)
{
    char *c = s ? vn_clean(a, s) : NULL;
    return c && *c ? c : NULL;
}

/* ------------------------------------------------------------ councils */

int64_t council_of_unit(Db *db, int64_t unit_id, int64_t day)
{
    return db_int(db, 0, "SELECT id FROM councils WHERE unit_id = ?1 AND valid_from <= ?2"
                  " AND (valid_to IS NULL OR valid_to > ?2)", "ll", unit_id, day);
}

int council_add(Db *db, int64_t unit_id, int64_t from, int64_t to, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    Stmt *st = db_prepare(db, "SELECT u.code, u.name, u.level, u.valid_from, COALESCE(u.valid_to, 0),"
                          " COALESCE((SELECT c.id FROM councils c WHERE c.unit_id = p.id AND c.valid_from <= ?2"
                          " AND (c.valid_to IS NULL OR c.valid_to > ?2)), 0)"
                          " FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bindf(st, "ll", unit_id, from);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có đơn vị hành chính này."); goto out; }
    char *code = db_col_dup(st, 0, a), *name = db_col_dup(st, 1, a), *level = db_col_dup(st, 2, a);
    int64_t ufrom = db_col_int(st, 3), uto = db_col_int(st, 4), parent = db_col_int(st, 5);
    db_done(st);
    if (check_period(from, to, err, errlen)) goto out;
    if (!inside(from, to, ufrom, uto)) {
        wtx_fail(err, errlen, "%s không tồn tại trong suốt thời gian này (%s – %s).", name, date_text(a, ufrom),
             uto ? date_text(a, uto - 86400) : "nay");
        goto out;
    }
    int64_t have = db_int(db, 0, "SELECT id FROM councils WHERE unit_id = ?1 AND valid_from = ?2", "ll",
                          unit_id, from);
    if (have > 0) { *id = have; ret = 0; goto out; }
    if (db_int(db, -1, "SELECT COUNT(*) FROM councils WHERE unit_id = ?1 AND (?3 = 0 OR valid_from < ?3)"
               " AND (valid_to IS NULL OR valid_to > ?2)", "lll", unit_id, from, to) != 0) {
        wtx_fail(err, errlen, "%s đã có Hội đồng nhân dân trong thời gian này.", name);
        goto out;
    }
    /* "Phường Ba Đình" -> "Hội đồng nhân dân phường Ba Đình" */
    static const char *const words[] = {"Phường ", "Xã ", "Thị trấn ", "Thị xã ", "Quận ", "Huyện ",
                                        "Thành phố ", "Tỉnh ", "Đặc khu "};
    static const char *const lower[] = {"phường ", "xã ", "thị trấn ", "thị xã ", "quận ", "huyện ",
                                        "thành phố ", "tỉnh ", "đặc khu "};
    const char *cname = arena_printf(a, "Hội đồng nhân dân %s", name);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strncmp(name, words[i], strlen(words[i]))) {
            cname = arena_printf(a, "Hội đồng nhân dân %s%s", lower[i], name + strlen(words[i]));
            break;
        }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO councils (unit_code, name, level, parent_id, valid_from, valid_to, unit_id)"
                     " VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5, NULLIF(?6, 0), ?7)",
                     "tttllll", code, cname, level, parent, from, to, unit_id) == DB_OK;
    if (ok) *id = db_last_id(db);
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

/* ------------------------------------------------------------ terms and bodies */

int council_term_add(Db *db, int64_t council_id, int number, const char *label, int64_t from,
                     int64_t to, int seats, int sample, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    const char *lab = text(a, label);
    if (!lab) { wtx_fail(err, errlen, "Thiếu tên nhiệm kỳ (ví dụ 2026–2031)."); goto out; }
    if (seats < 0 || seats > 1000) { wtx_fail(err, errlen, "Số đại biểu không hợp lệ."); goto out; }
    if (check_period(from, to, err, errlen)) goto out;
    Stmt *st = db_prepare(db, "SELECT name, valid_from, COALESCE(valid_to, 0) FROM councils WHERE id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, council_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có Hội đồng nhân dân này."); goto out; }
    char *name = db_col_dup(st, 0, a);
    int64_t cfrom = db_col_int(st, 1), cto = db_col_int(st, 2);
    db_done(st);
    /* a term may be cut short by the end of its council (the 2025 merger) */
    if (from < cfrom || (cto && from >= cto)) {
        wtx_fail(err, errlen, "Nhiệm kỳ %s bắt đầu ngoài thời gian %s tồn tại.", lab, name);
        goto out;
    }
    if (cto && (to == 0 || to > cto)) to = cto;
    int64_t have = db_int(db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 AND starts_on = ?2", "ll",
                          council_id, from);
    if (have > 0) { *id = have; ret = 0; goto out; }
    if (db_int(db, -1, "SELECT COUNT(*) FROM council_terms WHERE council_id = ?1 AND (?3 = 0 OR starts_on < ?3)"
               " AND (ends_on IS NULL OR ends_on > ?2)", "lll", council_id, from, to) != 0) {
        wtx_fail(err, errlen, "Nhiệm kỳ %s trùng thời gian với một nhiệm kỳ khác của %s.", lab, name);
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO council_terms (council_id, number, label, starts_on, ends_on, seats, is_sample)"
                     " VALUES (?1, NULLIF(?2, 0), ?3, ?4, NULLIF(?5, 0), ?6, ?7)",
                     "litllii", council_id, (int64_t)number, lab, from, to, seats, sample) == DB_OK;
    if (ok) *id = db_last_id(db);
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

/* The term period into from and to; 0, or -1 with err. */
static int term_period(Db *db, int64_t term_id, int64_t *from, int64_t *to, char *err, size_t errlen)
{
    Stmt *st = db_prepare(db, "SELECT starts_on, COALESCE(ends_on, 0) FROM council_terms WHERE id = ?1");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, term_id);
    int rc = db_step(st);
    if (rc == DB_ROW) { *from = db_col_int(st, 0); *to = db_col_int(st, 1); }
    db_done(st);
    return rc == DB_ROW ? 0 : wtx_fail(err, errlen, "Không có nhiệm kỳ này.");
}

int council_body_add(Db *db, int64_t term_id, const char *kind, const char *name, const char *field,
                     int position, int sample, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    int64_t from, to;
    const char *nm = text(a, name);
    if (!kind || (strcmp(kind, "standing") && strcmp(kind, "committee") && strcmp(kind, "group") &&
                  strcmp(kind, "office"))) {
        wtx_fail(err, errlen, "Loại cơ quan không hợp lệ.");
        goto out;
    }
    if (!nm) { wtx_fail(err, errlen, "Thiếu tên cơ quan."); goto out; }
    if (term_period(db, term_id, &from, &to, err, errlen)) goto out;
    int64_t have = db_int(db, 0, "SELECT id FROM council_bodies WHERE term_id = ?1 AND kind = ?2 AND name = ?3",
                          "ltt", term_id, kind, nm);
    if (have > 0) { *id = have; ret = 0; goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO council_bodies (term_id, kind, name, field, position, valid_from, valid_to, is_sample)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), ?8)",
                     "ltttilli", term_id, kind, nm, field ? field : "", position, from, to, sample) == DB_OK;
    if (ok) *id = db_last_id(db);
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int council_constituency_add(Db *db, int64_t term_id, int number, const char *name, int seats,
                             const char *area, int sample, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    int64_t from, to;
    const char *nm = text(a, name);
    if (!nm || number <= 0) { wtx_fail(err, errlen, "Đơn vị bầu cử cần số và tên."); goto out; }
    if (term_period(db, term_id, &from, &to, err, errlen)) goto out;
    int64_t have = db_int(db, 0, "SELECT id FROM council_constituencies WHERE term_id = ?1 AND number = ?2", "li",
                          term_id, number);
    if (have > 0) { *id = have; ret = 0; goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO council_constituencies (term_id, number, name, seats, area, is_sample)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "lititi", term_id, number, nm, seats,
                     area ? area : "", sample) == DB_OK;
    if (ok) *id = db_last_id(db);
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

/* ------------------------------------------------------------ delegates */

int council_delegate_add(Db *db, int64_t term_id, const char *full_name, int64_t constituency_id,
                         int64_t from, int64_t to, int full_time, const char *how,
                         const char *document, int sample, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    const char *nm = text(a, full_name);
    if (!nm || vn_char_count(nm) > 120) { wtx_fail(err, errlen, "Thiếu họ tên đại biểu (tối đa 120 ký tự)."); goto out; }
    if (!how) how = "elected";
    if (strcmp(how, "elected") && strcmp(how, "by_election")) { wtx_fail(err, errlen, "Cách trở thành đại biểu không hợp lệ."); goto out; }
    if (check_period(from, to, err, errlen)) goto out;
    /* the term, its council and the council's unit, all on `from` */
    Stmt *st = db_prepare(db,
        "SELECT t.starts_on, COALESCE(t.ends_on, 0), t.label, u.name, u.valid_from, COALESCE(u.valid_to, 0),"
        " c.valid_from, COALESCE(c.valid_to, 0)"
        " FROM council_terms t JOIN councils c ON c.id = t.council_id LEFT JOIN units u ON u.id = c.unit_id"
        " WHERE t.id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, term_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có nhiệm kỳ này."); goto out; }
    int64_t tfrom = db_col_int(st, 0), tto = db_col_int(st, 1);
    char *label = db_col_dup(st, 2, a), *uname = db_col_dup(st, 3, a);
    int has_unit = !db_col_is_null(st, 4);
    int64_t ufrom = db_col_int(st, 4), uto = db_col_int(st, 5), cfrom = db_col_int(st, 6), cto = db_col_int(st, 7);
    db_done(st);
    if (!has_unit || from < ufrom || (uto && from >= uto) || from < cfrom || (cto && from >= cto)) {
        wtx_fail(err, errlen, "%s không tồn tại (hoặc không có Hội đồng nhân dân) vào ngày %s.",
             uname ? uname : "Đơn vị", date_text(a, from));
        goto out;
    }
    if (to == 0 && (tto == 0 || from < tto)) to = tto;   /* open: until the end of the term */
    if (!inside(from, to, tfrom, tto)) {
        wtx_fail(err, errlen, "Thời gian làm đại biểu phải nằm trong nhiệm kỳ %s (%s – %s).", label,
             date_text(a, tfrom), tto ? date_text(a, tto - 86400) : "nay");
        goto out;
    }
    if (constituency_id && db_int(db, 0, "SELECT COUNT(*) FROM council_constituencies WHERE id = ?1 AND term_id = ?2",
                                  "ll", constituency_id, term_id) != 1) {
        wtx_fail(err, errlen, "Đơn vị bầu cử không thuộc nhiệm kỳ này.");
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO persons (full_name, name_fold, is_sample) VALUES (?1, ?2, ?3)", "tti",
                     nm, vn_fold_a(a, nm), sample) == DB_OK;
    int64_t person = ok ? db_last_id(db) : 0;
    ok = ok && db_exec(db, "INSERT INTO delegates (term_id, person_id, constituency_id, valid_from, valid_to, is_sample)"
                       " VALUES (?1, ?2, NULLIF(?3, 0), ?4, NULLIF(?5, 0), ?6)", "llllli",
                       term_id, person, constituency_id, from, to, sample) == DB_OK;
    int64_t did = ok ? db_last_id(db) : 0;
    ok = ok && db_exec(db, "INSERT INTO delegate_modes (delegate_id, full_time, valid_from, valid_to, is_sample)"
                       " VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5)", "lilli", did, full_time ? 1 : 0, from, to,
                       sample) == DB_OK;
    ok = ok && db_exec(db, "INSERT INTO council_changes (delegate_id, kind, happened_on, document, is_sample)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)", "ltlti", did, how, from, document ? document : "",
                       sample) == DB_OK;
    if (ok) *id = did;
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

/* A delegate's period and term into the out parameters. */
static int delegate_period(Db *db, int64_t delegate_id, int64_t *from, int64_t *to, int64_t *term,
                           char *err, size_t errlen)
{
    Stmt *st = db_prepare(db, "SELECT valid_from, COALESCE(valid_to, 0), term_id FROM delegates WHERE id = ?1");
    if (!st) return wtx_dberr(db, err, errlen);
    db_bind_int(st, 1, delegate_id);
    int rc = db_step(st);
    if (rc == DB_ROW) { *from = db_col_int(st, 0); *to = db_col_int(st, 1); *term = db_col_int(st, 2); }
    db_done(st);
    return rc == DB_ROW ? 0 : wtx_fail(err, errlen, "Không có đại biểu này.");
}

int council_delegate_mode(Db *db, int64_t delegate_id, int full_time, int64_t day,
                          const char *document, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    int64_t from, to, term;
    if (delegate_period(db, delegate_id, &from, &to, &term, err, errlen)) goto out;
    if (day <= from || (to && day >= to)) {
        wtx_fail(err, errlen, "Ngày %s nằm ngoài thời gian làm đại biểu.", date_text(a, day));
        goto out;
    }
    Stmt *st = db_prepare(db, "SELECT id, full_time, valid_from FROM delegate_modes WHERE delegate_id = ?1"
                          " AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2)");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bindf(st, "ll", delegate_id, day);
    int64_t cur = 0, cur_ft = -1, cur_from = 0;
    if (db_step(st) == DB_ROW) { cur = db_col_int(st, 0); cur_ft = db_col_int(st, 1); cur_from = db_col_int(st, 2); }
    db_done(st);
    if (cur_ft == (full_time ? 1 : 0)) { ret = 0; goto out; }   /* nothing changes */
    if (cur && cur_from == day) { wtx_fail(err, errlen, "Đã có thay đổi chế độ hoạt động vào ngày này."); goto out; }
    int64_t later = db_int(db, -1, "SELECT COUNT(*) FROM delegate_modes WHERE delegate_id = ?1 AND valid_from > ?2",
                           "ll", delegate_id, day);
    if (later != 0) { wtx_fail(err, errlen, "Đã có thay đổi chế độ hoạt động sau ngày %s.", date_text(a, day)); goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = !cur || db_exec(db, "UPDATE delegate_modes SET valid_to = ?2 WHERE id = ?1", "ll", cur, day) == DB_OK;
    int sample = (int)db_int(db, 0, "SELECT is_sample FROM delegates WHERE id = ?1", "l", delegate_id);
    ok = ok && db_exec(db, "INSERT INTO delegate_modes (delegate_id, full_time, valid_from, valid_to, is_sample)"
                       " VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5)", "lilli", delegate_id, full_time ? 1 : 0, day, to,
                       sample) == DB_OK;
    ok = ok && db_exec(db, "INSERT INTO council_changes (delegate_id, kind, happened_on, document, note, is_sample)"
                       " VALUES (?1, 'mode', ?2, ?3, ?4, ?5)", "lltti", delegate_id, day, document ? document : "",
                       full_time ? "Chuyển sang hoạt động chuyên trách" : "Chuyển sang hoạt động không chuyên trách",
                       sample) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int council_membership_add(Db *db, int64_t delegate_id, int64_t body_id, const char *position,
                           int64_t from, int64_t to, const char *document, int sample, int64_t *id,
                           char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    int64_t dfrom, dto, dterm;
    if (check_period(from, to, err, errlen)) goto out;
    if (delegate_period(db, delegate_id, &dfrom, &dto, &dterm, err, errlen)) goto out;
    Stmt *st = db_prepare(db, "SELECT b.term_id, b.kind, b.name, t.starts_on, COALESCE(t.ends_on, 0), t.label"
                          " FROM council_bodies b JOIN council_terms t ON t.id = b.term_id WHERE b.id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, body_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có cơ quan này."); goto out; }
    int64_t bterm = db_col_int(st, 0);
    char *bkind = db_col_dup(st, 1, a), *bname = db_col_dup(st, 2, a);
    int64_t tfrom = db_col_int(st, 3), tto = db_col_int(st, 4);
    char *label = db_col_dup(st, 5, a);
    db_done(st);
    st = db_prepare(db, "SELECT id, name, body_kind, single FROM council_positions WHERE code = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_text(st, 1, position);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có chức danh \"%s\".", position ? position : ""); goto out; }
    int64_t pid = db_col_int(st, 0);
    char *pname = db_col_dup(st, 1, a), *pkind = db_col_dup(st, 2, a);
    int single = (int)db_col_int(st, 3);
    db_done(st);
    if (strcmp(pkind, bkind) != 0) { wtx_fail(err, errlen, "Chức danh %s không có trong %s.", pname, bname); goto out; }
    if (bterm != dterm) { wtx_fail(err, errlen, "Đại biểu không thuộc nhiệm kỳ của %s.", bname); goto out; }
    int64_t end = dto ? dto : tto;
    if (to == 0 && (end == 0 || from < end)) to = end;   /* open: while a delegate, at most the term */
    if (!inside(from, to, tfrom, tto)) {
        wtx_fail(err, errlen, "Thời gian giữ chức danh phải nằm trong nhiệm kỳ %s (%s – %s).", label,
             date_text(a, tfrom), tto ? date_text(a, tto - 86400) : "nay");
        goto out;
    }
    if (!inside(from, to, dfrom, dto)) {
        wtx_fail(err, errlen, "Thời gian giữ chức danh phải nằm trong thời gian làm đại biểu (từ %s).", date_text(a, dfrom));
        goto out;
    }
    if (db_int(db, -1, "SELECT COUNT(*) FROM council_memberships WHERE delegate_id = ?1 AND body_id = ?2"
               " AND position_id = ?3 AND (?5 = 0 OR valid_from < ?5) AND (valid_to IS NULL OR valid_to > ?4)",
               "lllll", delegate_id, body_id, pid, from, to) != 0) {
        wtx_fail(err, errlen, "Đại biểu đã giữ chức danh %s trong %s trong thời gian này.", pname, bname);
        goto out;
    }
    if (db_int(db, -1, "SELECT COUNT(*) FROM council_memberships WHERE delegate_id = ?1 AND body_id = ?2"
               " AND (?4 = 0 OR valid_from < ?4) AND (valid_to IS NULL OR valid_to > ?3)",
               "llll", delegate_id, body_id, from, to) != 0) {
        wtx_fail(err, errlen, "Đại biểu đã có một chức danh khác trong %s trong thời gian này.", bname);
        goto out;
    }
    if (single && db_int(db, -1, "SELECT COUNT(*) FROM council_memberships WHERE body_id = ?1 AND position_id = ?2"
                         " AND (?4 = 0 OR valid_from < ?4) AND (valid_to IS NULL OR valid_to > ?3)",
                         "llll", body_id, pid, from, to) != 0) {
        wtx_fail(err, errlen, "%s đã có người giữ chức danh %s trong thời gian này.", bname, pname);
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO council_memberships (delegate_id, body_id, position_id, valid_from, valid_to, is_sample)"
                     " VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), ?6)", "llllli", delegate_id, body_id, pid, from, to,
                     sample) == DB_OK;
    int64_t mid = ok ? db_last_id(db) : 0;
    /* Ordinary membership of a body needs no decision of its own; a
     * position does (elected / designated), recorded with its document. */
    if (ok && document && *document)
        ok = db_exec(db, "INSERT INTO council_changes (delegate_id, membership_id, kind, happened_on, document, note, is_sample)"
                     " VALUES (?1, ?2, 'elected', ?3, ?4, ?5, ?6)", "llltti", delegate_id, mid, from, document,
                     arena_printf(a, "%s, %s", pname, bname), sample) == DB_OK;
    if (ok) *id = mid;
    else wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int council_delegate_end(Db *db, int64_t delegate_id, int64_t day, const char *how,
                         const char *document, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    int64_t from, to, term;
    if (!how || (strcmp(how, "relieved") && strcmp(how, "recalled") && strcmp(how, "resigned") && strcmp(how, "ended"))) {
        wtx_fail(err, errlen, "Hình thức thôi làm đại biểu không hợp lệ.");
        goto out;
    }
    if (delegate_period(db, delegate_id, &from, &to, &term, err, errlen)) goto out;
    if (day <= from || (to && day > to)) {
        wtx_fail(err, errlen, "Ngày %s phải sau ngày bắt đầu làm đại biểu (%s).", date_text(a, day), date_text(a, from));
        goto out;
    }
    if (db_int(db, -1, "SELECT COUNT(*) FROM council_memberships WHERE delegate_id = ?1 AND valid_from >= ?2",
               "ll", delegate_id, day) != 0) {
        wtx_fail(err, errlen, "Đại biểu có chức danh bắt đầu từ ngày %s trở đi.", date_text(a, day));
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int sample = (int)db_int(db, 0, "SELECT is_sample FROM delegates WHERE id = ?1", "l", delegate_id);
    int ok = db_exec(db, "UPDATE delegates SET valid_to = ?2 WHERE id = ?1", "ll", delegate_id, day) == DB_OK &&
             db_exec(db, "UPDATE council_memberships SET valid_to = ?2 WHERE delegate_id = ?1"
                         " AND (valid_to IS NULL OR valid_to > ?2)", "ll", delegate_id, day) == DB_OK &&
             db_exec(db, "UPDATE delegate_modes SET valid_to = ?2 WHERE delegate_id = ?1"
                         " AND (valid_to IS NULL OR valid_to > ?2)", "ll", delegate_id, day) == DB_OK &&
             db_exec(db, "INSERT INTO council_changes (delegate_id, kind, happened_on, document, is_sample)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)", "ltlti", delegate_id, how, day, document ? document : "",
                     sample) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}

int council_membership_end(Db *db, int64_t membership_id, int64_t day, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    Stmt *st = db_prepare(db, "SELECT valid_from, COALESCE(valid_to, 0) FROM council_memberships WHERE id = ?1");
    if (!st) { wtx_dberr(db, err, errlen); goto out; }
    db_bind_int(st, 1, membership_id);
    if (db_step(st) != DB_ROW) { db_done(st); wtx_fail(err, errlen, "Không có chức danh này."); goto out; }
    int64_t from = db_col_int(st, 0), to = db_col_int(st, 1);
    db_done(st);
    if (to) { wtx_fail(err, errlen, "Chức danh này đã kết thúc ngày %s.", date_text(a, to - 86400)); goto out; }
    if (day <= from) {
        wtx_fail(err, errlen, "Ngày kết thúc chức danh phải sau ngày bắt đầu (%s).", date_text(a, from));
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "UPDATE council_memberships SET valid_to = ?2 WHERE id = ?1", "ll", membership_id,
                     day) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
out:
    arena_free(a);
    return ret;
}
