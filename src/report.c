/* report.c - review report templates, campaigns, reports and the aggregate
 * (see report.h; docs/REPORTS.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "report.h"
#include "vn.h"
#include "wtx.h"

#define DAY 86400
#define TEXT_MAX 20000

static const char *const status_codes[] = {"", "draft", "submitted", "returned", "accepted"};
static const char *const status_labels[] = {"Chưa bắt đầu", "Đang soạn", "Đã nộp, chờ xem xét", "Trả lại để sửa",
                                            "Đã chấp nhận"};

const char *report_status_label(int status)
{
    return status >= 0 && status <= RS_ACCEPTED ? status_labels[status] : "";
}

int report_status_code(const char *s)
{
    for (int i = 1; i <= RS_ACCEPTED; i++)
        if (s && !strcmp(s, status_codes[i])) return i;
    return RS_NONE;
}

static int kind_of(const char *k)
{
    return !strcmp(k, "yesno") ? RF_YESNO : !strcmp(k, "choice") ? RF_CHOICE : !strcmp(k, "text") ? RF_TEXT : RF_NUMBER;
}

static int is_ancestor_council(Db *db, int64_t upper, int64_t lower)
{
    int64_t c = lower;
    for (int hops = 0; hops < 16 && c > 0; hops++) {
        c = db_int(db, 0, "SELECT COALESCE(parent_id, 0) FROM councils WHERE id = ?1", "l", c);
        if (c == upper) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ templates */

int report_template_add(Db *db, int64_t council_id, const char *name, int sample, int64_t *id, char *err,
                        size_t errlen)
{
    if (!name || !*name) return wtx_fail(err, errlen, "Thiếu tên mẫu báo cáo.");
    int64_t have = db_int(db, 0, "SELECT id FROM report_templates WHERE council_id = ?1 AND name = ?2", "lt",
                          council_id, name);
    if (have > 0) { *id = have; return 0; }
    if (db_exec(db, "INSERT INTO report_templates (council_id, name, is_sample) VALUES (?1, ?2, ?3)", "lti",
                council_id, name, sample) != DB_OK)
        return wtx_dberr(db, err, errlen);
    *id = db_last_id(db);
    return 0;
}

static int valid_code(const char *s)
{
    if (!s || !*s || strlen(s) > 40) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return 0;
    return 1;
}

int report_template_version_add(Db *db, int64_t template_id, const ReportFieldIn *f, int n, int64_t now,
                                int64_t *version_id, char *err, size_t errlen)
{
    if (n <= 0) return wtx_fail(err, errlen, "Mẫu báo cáo cần ít nhất một trường.");
    for (int i = 0; i < n; i++) {
        if (!valid_code(f[i].code)) return wtx_fail(err, errlen, "Mã trường “%s” không hợp lệ (chữ thường, số, _).", f[i].code ? f[i].code : "");
        if (!f[i].label || !*f[i].label) return wtx_fail(err, errlen, "Trường %s thiếu tên.", f[i].code);
        const char *k = f[i].kind ? f[i].kind : "";
        if (strcmp(k, "number") && strcmp(k, "yesno") && strcmp(k, "choice") && strcmp(k, "text"))
            return wtx_fail(err, errlen, "Trường %s: loại “%s” không hợp lệ.", f[i].code, k);
        if (!strcmp(k, "choice") && (!f[i].choices || !strchr(f[i].choices, '\n')))
            return wtx_fail(err, errlen, "Trường %s: cần ít nhất hai lựa chọn.", f[i].code);
        for (int j = 0; j < i; j++)
            if (!strcmp(f[i].code, f[j].code)) return wtx_fail(err, errlen, "Mã trường %s bị trùng.", f[i].code);
    }
    int own;
    if (wtx_begin(db, &own, err, errlen)) return -1;
    int64_t next = db_int(db, 0, "SELECT COALESCE(MAX(version), 0) + 1 FROM report_template_versions WHERE template_id = ?1",
                          "l", template_id);
    int ok = db_exec(db, "INSERT INTO report_template_versions (template_id, version, created_at) VALUES (?1, ?2, ?3)",
                     "lll", template_id, next, now) == DB_OK;
    int64_t vid = ok ? db_last_id(db) : 0;
    for (int i = 0; ok && i < n; i++)
        ok = db_exec(db, "INSERT INTO report_fields (version_id, position, code, label, kind, unit, choices, prefill, required)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "litttttti", vid, i + 1, f[i].code, f[i].label,
                     f[i].kind, f[i].unit ? f[i].unit : "", f[i].choices ? f[i].choices : "",
                     f[i].prefill ? f[i].prefill : "", f[i].required) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    if (wtx_end(db, own, ok, err, errlen) != 0) return -1;
    *version_id = vid;
    return 0;
}

/* ------------------------------------------------------------ campaigns */

int report_campaign_add(Db *db, const ReportCampaignIn *in, int64_t *id, char *err, size_t errlen)
{
    if (!in->title || !*in->title) return wtx_fail(err, errlen, "Thiếu tên đợt báo cáo.");
    const char *kind = in->kind ? in->kind : "other";
    if (strcmp(kind, "half_year") && strcmp(kind, "year") && strcmp(kind, "final") && strcmp(kind, "other"))
        return wtx_fail(err, errlen, "Loại đợt báo cáo không hợp lệ.");
    if (in->period_from <= 0 || in->period_to < in->period_from) return wtx_fail(err, errlen, "Kỳ báo cáo không hợp lệ.");
    if (in->deadline < in->period_from) return wtx_fail(err, errlen, "Hạn nộp phải sau ngày bắt đầu kỳ báo cáo.");
    if (db_int(db, 0, "SELECT COUNT(*) FROM report_template_versions v JOIN report_templates t ON t.id = v.template_id"
                      " WHERE v.id = ?1 AND t.council_id = ?2", "ll", in->version_id, in->council_id) != 1)
        return wtx_fail(err, errlen, "Mẫu báo cáo không thuộc Hội đồng nhân dân mở đợt báo cáo.");
    int64_t have = db_int(db, 0, "SELECT id FROM report_campaigns WHERE council_id = ?1 AND title = ?2", "lt",
                          in->council_id, in->title);
    if (have > 0) { *id = have; return 0; }
    if (db_exec(db, "INSERT INTO report_campaigns (council_id, version_id, title, kind, period_from, period_to, deadline,"
                    " opened_at, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", "llttllll" "i",
                in->council_id, in->version_id, in->title, kind, in->period_from, in->period_to + DAY, in->deadline,
                in->now, in->sample) != DB_OK)
        return wtx_dberr(db, err, errlen);
    *id = db_last_id(db);
    return 0;
}

int report_target_add(Db *db, int64_t campaign_id, int64_t council_id, char *err, size_t errlen)
{
    int64_t owner = db_int(db, 0, "SELECT council_id FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    if (owner <= 0) return wtx_fail(err, errlen, "Không có đợt báo cáo này.");
    if (!is_ancestor_council(db, owner, council_id))
        return wtx_fail(err, errlen, "Chỉ gửi đợt báo cáo tới Hội đồng nhân dân cấp dưới.");
    if (db_int(db, 0, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1 AND council_id = ?2", "ll",
               campaign_id, council_id) > 0)
        return 0;
    if (db_exec(db, "INSERT INTO report_targets (campaign_id, council_id) VALUES (?1, ?2)", "ll", campaign_id,
                council_id) != DB_OK)
        return wtx_dberr(db, err, errlen);
    return 0;
}

/* ------------------------------------------------------------ reports */

int report_state(Db *db, int64_t campaign_id, int64_t council_id, int64_t today, ReportState *out)
{
    memset(out, 0, sizeof *out);
    int64_t deadline = db_int(db, 0, "SELECT deadline FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    Stmt *st = db_prepare(db, "SELECT id, version, status, revision, template_version_id, COALESCE(submitted_at, 0),"
                              " COALESCE(decided_at, 0), updated_at FROM reports WHERE campaign_id = ?1 AND council_id = ?2"
                              " ORDER BY version DESC LIMIT 1");
    if (!st) return -1;
    db_bindf(st, "ll", campaign_id, council_id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = db_col_int(st, 0);
        out->version = (int)db_col_int(st, 1);
        out->status = report_status_code(db_col_text(st, 2));
        out->revision = db_col_int(st, 3);
        out->template_version_id = db_col_int(st, 4);
        out->submitted_at = db_col_int(st, 5);
        out->decided_at = db_col_int(st, 6);
        out->updated_at = db_col_int(st, 7);
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) return -1;
    int in = out->status == RS_SUBMITTED || out->status == RS_ACCEPTED;
    out->late = !in && today > deadline;
    out->late_submitted = out->submitted_at && vn_day_start(out->submitted_at) > deadline;
    return 0;
}

int report_prefill(Db *db, int64_t council_id, const char *code, int64_t day, double *out)
{
    int64_t term = db_int(db, 0, "SELECT id FROM council_terms WHERE council_id = ?1 AND starts_on <= ?2"
                                 " AND (ends_on IS NULL OR ends_on > ?2) ORDER BY starts_on DESC LIMIT 1", "ll",
                          council_id, day);
    int64_t seats = term > 0 ? db_int(db, 0, "SELECT seats FROM council_terms WHERE id = ?1", "l", term) : 0;
    int64_t serving = term > 0 ? db_int(db, -1, "SELECT COUNT(*) FROM delegates WHERE term_id = ?1 AND valid_from <= ?2"
                                                " AND (valid_to IS NULL OR valid_to > ?2)", "ll", term, day) : 0;
    int64_t full = term > 0 ? db_int(db, -1, "SELECT COUNT(*) FROM delegates d WHERE d.term_id = ?1 AND d.valid_from <= ?2"
                                             " AND (d.valid_to IS NULL OR d.valid_to > ?2) AND COALESCE((SELECT m.full_time"
                                             " FROM delegate_modes m WHERE m.delegate_id = d.id AND m.valid_from <= ?2"
                                             " ORDER BY m.valid_from DESC LIMIT 1), 0) = 1", "ll", term, day) : 0;
    if (serving < 0 || full < 0) return -1;
    /* Voters' petitions and meetings (issue 10): counted from the start of
     * the term to the day, merged duplicates once. */
    int64_t term_from = term > 0 ? db_int(db, 0, "SELECT starts_on FROM council_terms WHERE id = ?1", "l", term) : day;
    static const struct { const char *code, *sql; } counted[] = {
        {"petitions_received", "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND status <> 'merged'"
                               " AND received_on >= ?2 AND received_on <= ?3"},
        {"petitions_answered", "SELECT COUNT(*) FROM petitions WHERE council_id = ?1 AND answered_on >= ?2 AND answered_on <= ?3"},
        {"voter_meetings", "SELECT COUNT(*) FROM voter_meetings WHERE council_id = ?1 AND held_on >= ?2 AND held_on <= ?3"},
    };
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
        if (!strcmp(code, counted[i].code)) {
            int64_t n = db_int(db, -1, counted[i].sql, "lll", council_id, term_from, day);
            if (n < 0) return -1;
            *out = (double)n;
            return 0;
        }
    if (!strcmp(code, "seats")) *out = (double)seats;
    else if (!strcmp(code, "delegates")) *out = (double)serving;
    else if (!strcmp(code, "full_time")) *out = (double)full;
    else if (!strcmp(code, "full_time_share")) *out = serving ? floor(1000.0 * (double)full / (double)serving + 0.5) / 10 : 0;
    else if (!strcmp(code, "vacancies")) *out = seats > serving ? (double)(seats - serving) : 0;
    else return 1;
    return 0;
}

int report_parse_number(const char *s, double *out)
{
    if (!s) return -1;
    while (*s == ' ') s++;
    char buf[64];
    size_t n = 0;
    int dots = 0, commas = 0;
    for (const char *p = s; *p && *p != ' '; p++) dots += *p == '.', commas += *p == ',';
    /* "4.922.512", "4.922.512,5" and "1.204": dots group thousands (the
     * Vietnamese way); "4,5": a decimal comma; "4.5" or "4.25" (one dot, not
     * followed by exactly three digits): a decimal point */
    int thousands_dots = dots > 1 || (dots == 1 && commas == 1);
    if (dots == 1 && !commas) {
        const char *d = strchr(s, '.');
        size_t k = 0;
        while (d[1 + k] >= '0' && d[1 + k] <= '9') k++;
        thousands_dots = k == 3 && (d[4] == 0 || d[4] == ' ' || d[4] == '%');
    }
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '%') continue;
        if (n + 1 >= sizeof buf) return -1;
        if (*p == '.' && thousands_dots) continue;
        buf[n++] = *p == ',' ? '.' : *p;
    }
    buf[n] = 0;
    if (!n || commas > 1) return -1;
    char *end;
    double v = strtod(buf, &end);
    if (end == buf || *end || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

typedef struct FieldRow {
    int64_t id;
    const char *code, *label, *unit, *choices, *prefill;
    int kind, required;
} FieldRow;

/* The fields of a template version, in order; n = -1 on error. */
static FieldRow *fields_of(Db *db, Arena *a, int64_t version_id, int *n)
{
    *n = (int)db_int(db, -1, "SELECT COUNT(*) FROM report_fields WHERE version_id = ?1", "l", version_id);
    if (*n <= 0) return NULL;
    FieldRow *f = arena_alloc(a, (size_t)*n * sizeof *f);
    Stmt *st = db_prepare(db, "SELECT id, code, label, unit, choices, prefill, kind, required FROM report_fields"
                              " WHERE version_id = ?1 ORDER BY position");
    if (!st) { *n = -1; return NULL; }
    db_bind_int(st, 1, version_id);
    int i = 0;
    while (i < *n && db_step(st) == DB_ROW) {
        f[i].id = db_col_int(st, 0);
        f[i].code = db_col_dup(st, 1, a);
        f[i].label = db_col_dup(st, 2, a);
        f[i].unit = db_col_dup(st, 3, a);
        f[i].choices = db_col_dup(st, 4, a);
        f[i].prefill = db_col_dup(st, 5, a);
        f[i].kind = kind_of(db_col_text(st, 6));
        f[i].required = (int)db_col_int(st, 7);
        i++;
    }
    db_done(st);
    if (i != *n) { *n = -1; return NULL; }
    return f;
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && !strncmp(p, v, n)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

static const char *lookup(const ReportValueIn *vals, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(vals[i].code, code)) return vals[i].text;
    return NULL;
}

int report_save(Db *db, int64_t campaign_id, int64_t council_id, const ReportValueIn *vals, int nvals,
                int64_t expect_revision, int submit, const char *user, int64_t now, int64_t *report_id,
                char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1, own = 0;
    if (db_int(db, 0, "SELECT COUNT(*) FROM report_targets WHERE campaign_id = ?1 AND council_id = ?2", "ll",
               campaign_id, council_id) != 1) {
        wtx_fail(err, errlen, "Đợt báo cáo này không gửi tới Hội đồng nhân dân này.");
        goto out;
    }
    int64_t campaign_version = db_int(db, 0, "SELECT version_id FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    int64_t period_end = db_int(db, 0, "SELECT period_to FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    ReportState s;
    if (report_state(db, campaign_id, council_id, vn_day_start(now), &s) != 0) { wtx_dberr(db, err, errlen); goto out; }
    if (s.status == RS_SUBMITTED) { wtx_fail(err, errlen, "Báo cáo đã nộp và đang chờ cấp trên xem xét: không sửa được lúc này."); goto out; }
    if (s.status == RS_ACCEPTED) {
        wtx_fail(err, errlen, "Báo cáo (phiên bản %d) đã được chấp nhận và không sửa được nữa; muốn điều chỉnh, hãy tạo phiên bản mới.", s.version);
        goto out;
    }
    if (s.id && expect_revision != s.revision) {
        char *who = db_text(db, a, "SELECT updated_by FROM reports WHERE id = ?1", "l", s.id);
        Buf when;
        buf_init(&when, a);
        vn_datetime(&when, s.updated_at);
        wtx_fail(err, errlen, "Bản nháp vừa được %s lưu lúc %s, sau khi bạn mở trang: nội dung bạn nhập chưa được ghi "
             "(vẫn còn ở dưới). Hãy mở lại trang để xem bản mới rồi nhập lại phần của bạn.",
             who && *who ? who : "người khác", buf_str(&when));
        ret = -2;
        goto out;
    }
    if (!s.id && expect_revision != 0) { wtx_fail(err, errlen, "Báo cáo không còn như lúc bạn mở trang; hãy mở lại trang."); ret = -2; goto out; }
    int64_t tv = s.id ? s.template_version_id : campaign_version;
    int nf;
    FieldRow *f = fields_of(db, a, tv, &nf);
    if (nf <= 0) { wtx_fail(err, errlen, "Mẫu báo cáo không có trường nào."); goto out; }
    /* validate every value before writing any */
    double *num = arena_alloc(a, (size_t)nf * sizeof *num);
    const char **txt = arena_alloc(a, (size_t)nf * sizeof *txt);
    int *has = arena_alloc(a, (size_t)nf * sizeof *has);
    int *pre = arena_alloc(a, (size_t)nf * sizeof *pre);
    int64_t pday = period_end - DAY < vn_day_start(now) ? period_end - DAY : vn_day_start(now);
    for (int i = 0; i < nf; i++) {
        const char *raw = lookup(vals, nvals, f[i].code);
        char *v = raw ? vn_clean(a, raw) : NULL;
        has[i] = v && *v;
        txt[i] = NULL, num[i] = 0, pre[i] = 0;
        if (!has[i]) {
            if (submit && f[i].required) { wtx_fail(err, errlen, "Chưa điền “%s” (bắt buộc khi nộp).", f[i].label); goto out; }
            continue;
        }
        if (f[i].kind == RF_NUMBER) {
            if (report_parse_number(v, &num[i]) != 0 || num[i] < 0) {
                wtx_fail(err, errlen, "“%s” phải là một số không âm, ví dụ 12 hoặc 4,5 (bạn nhập “%s”).", f[i].label, v);
                goto out;
            }
            double pv;
            if (*f[i].prefill && report_prefill(db, council_id, f[i].prefill, pday, &pv) == 0) pre[i] = fabs(pv - num[i]) < 1e-9;
        } else if (f[i].kind == RF_YESNO) {
            if (strcmp(v, "1") && strcmp(v, "0")) { wtx_fail(err, errlen, "“%s”: hãy chọn Có hoặc Không.", f[i].label); goto out; }
            num[i] = v[0] == '1';
        } else if (f[i].kind == RF_CHOICE) {
            if (!choice_ok(f[i].choices, v)) { wtx_fail(err, errlen, "“%s”: lựa chọn “%s” không có trong danh sách.", f[i].label, v); goto out; }
            txt[i] = v;
        } else {
            if (strlen(v) > TEXT_MAX) { wtx_fail(err, errlen, "“%s” quá dài (tối đa %d ký tự).", f[i].label, TEXT_MAX); goto out; }
            txt[i] = v;
        }
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = 1;
    int64_t rid = s.id;
    if (!rid) {
        ok = db_exec(db, "INSERT INTO reports (campaign_id, council_id, version, template_version_id, status, revision,"
                         " created_at, updated_at, updated_by) VALUES (?1, ?2, 1, ?3, 'draft', 1, ?4, ?4, ?5)", "llllt",
                     campaign_id, council_id, tv, now, user ? user : "") == DB_OK;
        if (ok) rid = db_last_id(db);
    } else {
        ok = db_exec(db, "UPDATE reports SET revision = revision + 1, updated_at = ?2, updated_by = ?3"
                         " WHERE id = ?1 AND revision = ?4", "lltl", rid, now, user ? user : "",
                     expect_revision) == DB_OK && db_changes(db) == 1;
    }
    if (ok) ok = db_exec(db, "DELETE FROM report_values WHERE report_id = ?1", "l", rid) == DB_OK;
    for (int i = 0; ok && i < nf; i++) {
        if (!has[i]) continue;
        Stmt *st = db_prepare(db, "INSERT INTO report_values (report_id, field_id, num, text, prefilled) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!st) { ok = 0; break; }
        db_bind_int(st, 1, rid);
        db_bind_int(st, 2, f[i].id);
        if (txt[i]) db_bind_null(st, 3); else db_bind_double(st, 3, num[i]);
        db_bind_text(st, 4, txt[i]);
        db_bind_int(st, 5, pre[i]);
        ok = db_step(st) == DB_DONE;
        db_done(st);
    }
    if (ok && submit)
        ok = db_exec(db, "UPDATE reports SET status = 'submitted', submitted_at = ?2 WHERE id = ?1", "ll", rid, now) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    ret = wtx_end(db, own, ok, err, errlen);
    if (ret == 0 && report_id) *report_id = rid;
out:
    arena_free(a);
    return ret;
}

int report_decide(Db *db, int64_t report_id, int accept, const char *comment, const char *user, int64_t now,
                  char *err, size_t errlen)
{
    Arena *a = arena_new();
    int ret = -1;
    char *st = db_text(db, a, "SELECT status FROM reports WHERE id = ?1", "l", report_id);
    char *c = comment ? vn_clean(a, comment) : NULL;
    if (!st) wtx_fail(err, errlen, "Không có báo cáo này.");
    else if (report_status_code(st) != RS_SUBMITTED)
        wtx_fail(err, errlen, "Chỉ xem xét được báo cáo đã nộp (báo cáo đang ở trạng thái “%s”).",
             report_status_label(report_status_code(st)));
    else if (!accept && (!c || !*c)) wtx_fail(err, errlen, "Trả lại báo cáo cần ghi rõ nội dung cần sửa.");
    else if (c && strlen(c) > TEXT_MAX) wtx_fail(err, errlen, "Ý kiến quá dài.");
    else if (db_exec(db, "UPDATE reports SET status = ?2, decided_at = ?3, decided_by = ?4, review_comment = ?5"
                         " WHERE id = ?1 AND status = 'submitted'", "ltltt", report_id, accept ? "accepted" : "returned",
                     now, user ? user : "", c ? c : "") != DB_OK)
        wtx_dberr(db, err, errlen);
    else if (db_changes(db) != 1) wtx_fail(err, errlen, "Báo cáo vừa được người khác xem xét.");
    else ret = 0;
    arena_free(a);
    return ret;
}

int report_new_version(Db *db, int64_t campaign_id, int64_t council_id, const char *user, int64_t now,
                       int64_t *report_id, char *err, size_t errlen)
{
    ReportState s;
    if (report_state(db, campaign_id, council_id, vn_day_start(now), &s) != 0) return wtx_dberr(db, err, errlen);
    if (s.status != RS_ACCEPTED) return wtx_fail(err, errlen, "Chỉ tạo phiên bản mới sau khi báo cáo đã được chấp nhận.");
    int own;
    if (wtx_begin(db, &own, err, errlen)) return -1;
    int64_t tv = db_int(db, 0, "SELECT version_id FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    int ok = db_exec(db, "INSERT INTO reports (campaign_id, council_id, version, template_version_id, status, revision,"
                         " created_at, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, 'draft', 1, ?5, ?5, ?6)", "llillt",
                     campaign_id, council_id, s.version + 1, tv, now, user ? user : "") == DB_OK;
    int64_t rid = ok ? db_last_id(db) : 0;
    /* the accepted values carry over, matched by field code (the campaign's
     * template may have a newer version than the accepted report's) */
    if (ok)
        ok = db_exec(db, "INSERT INTO report_values (report_id, field_id, num, text, prefilled)"
                         " SELECT ?1, nf.id, v.num, v.text, v.prefilled FROM report_values v"
                         " JOIN report_fields of ON of.id = v.field_id"
                         " JOIN report_fields nf ON nf.version_id = ?3 AND nf.code = of.code AND nf.kind = of.kind"
                         " WHERE v.report_id = ?2", "lll", rid, s.id, tv) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    if (wtx_end(db, own, ok, err, errlen) != 0) return -1;
    if (report_id) *report_id = rid;
    return 0;
}

/* ------------------------------------------------------------ aggregate */

int report_aggregate(Db *db, Arena *a, int64_t campaign_id, int with_submitted, ReportAgg **out, int *n)
{
    *out = NULL;
    *n = 0;
    int64_t tv = db_int(db, 0, "SELECT version_id FROM report_campaigns WHERE id = ?1", "l", campaign_id);
    int nf;
    FieldRow *f = fields_of(db, a, tv, &nf);
    if (nf < 0) return -1;
    if (nf == 0) return 0;
    ReportAgg *g = arena_alloc(a, (size_t)nf * sizeof *g);
    memset(g, 0, (size_t)nf * sizeof *g);
    for (int i = 0; i < nf; i++) {
        g[i].code = f[i].code, g[i].label = f[i].label, g[i].unit = f[i].unit, g[i].kind = f[i].kind;
        g[i].min = INFINITY, g[i].max = -INFINITY;
        if (f[i].kind == RF_CHOICE) {
            int k = 1;
            for (const char *p = f[i].choices; *p; p++) k += *p == '\n';
            g[i].choices = arena_alloc(a, (size_t)k * sizeof *g[i].choices);
            g[i].counts = arena_alloc(a, (size_t)k * sizeof *g[i].counts);
            const char *p = f[i].choices;
            for (int c = 0; c < k; c++) {
                const char *e = strchr(p, '\n');
                g[i].choices[c] = e ? arena_strndup(a, p, (size_t)(e - p)) : arena_strdup(a, p);
                g[i].counts[c] = 0;
                p = e ? e + 1 : p + strlen(p);
            }
            g[i].nchoices = k;
        }
    }
    /* the latest version of each council's report, counted when accepted
     * (or submitted, when asked); fields matched by code across versions */
    Stmt *st = db_prepare(db,
        "SELECT f.code, v.num, v.text FROM reports r JOIN report_values v ON v.report_id = r.id"
        " JOIN report_fields f ON f.id = v.field_id WHERE r.campaign_id = ?1"
        " AND (r.status = 'accepted' OR (?2 = 1 AND r.status = 'submitted'))"
        " AND r.version = (SELECT MAX(r2.version) FROM reports r2 WHERE r2.campaign_id = r.campaign_id"
        " AND r2.council_id = r.council_id)");
    if (!st) return -1;
    db_bindf(st, "li", campaign_id, with_submitted);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *code = db_col_text(st, 0);
        for (int i = 0; i < nf; i++) {
            if (strcmp(g[i].code, code)) continue;
            if (g[i].kind == RF_NUMBER && !db_col_is_null(st, 1)) {
                double v = db_col_double(st, 1);
                g[i].n++, g[i].sum += v;
                if (v < g[i].min) g[i].min = v;
                if (v > g[i].max) g[i].max = v;
            } else if (g[i].kind == RF_YESNO && !db_col_is_null(st, 1)) {
                g[i].n++;
                if (db_col_double(st, 1) >= 1) g[i].yes++; else g[i].no++;
            } else if (g[i].kind == RF_CHOICE) {
                const char *t = db_col_text(st, 2);
                for (int c = 0; c < g[i].nchoices; c++)
                    if (!strcmp(g[i].choices[c], t)) { g[i].counts[c]++, g[i].n++; break; }
            } else if (g[i].kind == RF_TEXT && *db_col_text(st, 2)) {
                g[i].n++;
            }
            break;
        }
    }
    db_done(st);
    if (rc != DB_DONE) return -1;
    for (int i = 0; i < nf; i++)
        if (!g[i].n) g[i].min = g[i].max = 0;
    *out = g;
    *n = nf;
    return 0;
}
