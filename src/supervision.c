/* supervision.c - supervisions and their recommendations followed to
 * closure (see supervision.h; docs/SUPERVISION.md). */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "petition.h"
#include "supervision.h"
#include "vn.h"
#include "wtx.h"

/* Single-line text: valid UTF-8, NFC, trimmed; NULL when empty. */
static char *clean(Arena *a, const char *s)
{
    if (!s || !vn_utf8_valid(s, strlen(s))) return NULL;
    char *c = vn_clean(a, s);
    return c && *c ? c : NULL;
}

static const char *who(const User *by) { return by && by->username ? by->username : ""; }

static const char *status_label_of(Db *db, Arena *a, const char *code)
{
    return status_label(db, a, "recommendation", code);
}

static const char *const sup_statuses[] = {"planned", "in_field", "reported", "follow_up"};

static int sup_rank(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (s && !strcmp(s, sup_statuses[i])) return i;
    return -1;
}

const char *supervision_kind_label(const char *kind)
{
    if (!kind) return "";
    if (!strcmp(kind, "thematic")) return "Giám sát chuyên đề";
    if (!strcmp(kind, "survey")) return "Khảo sát";
    if (!strcmp(kind, "hearing")) return "Phiên giải trình";
    if (!strcmp(kind, "questioning")) return "Chất vấn";
    return kind;
}

static int valid_kind(const char *k)
{
    return k && (!strcmp(k, "thematic") || !strcmp(k, "survey") || !strcmp(k, "hearing") || !strcmp(k, "questioning"));
}

/* ------------------------------------------------------------ supervisions */

int supervision_create(Db *db, const SupervisionIn *in, const User *by, int64_t now, int64_t *id, char *err,
                       size_t errlen)
{
    (void)by;
    Arena *a = arena_new();
    int rc = -1;
    char *subject = clean(a, in->subject);
    char *targets = in->targets && *in->targets ? vn_clean(a, in->targets) : "";
    char *findings = in->findings && *in->findings ? vn_clean(a, in->findings) : "";
    if (!subject) { wtx_fail(err, errlen, "Vui lòng nhập nội dung (chủ đề) giám sát."); goto out; }
    if (vn_char_count(subject) > SUPERVISION_SUBJECT_MAX) {
        wtx_fail(err, errlen, "Nội dung giám sát dài quá %d ký tự.", SUPERVISION_SUBJECT_MAX);
        goto out;
    }
    if (!targets || !findings) { wtx_fail(err, errlen, "Văn bản có ký tự không hợp lệ."); goto out; }
    if (vn_char_count(targets) > SUPERVISION_TEXT_MAX || vn_char_count(findings) > SUPERVISION_TEXT_MAX) {
        wtx_fail(err, errlen, "Văn bản dài quá %d ký tự.", SUPERVISION_TEXT_MAX);
        goto out;
    }
    if (!valid_kind(in->kind)) { wtx_fail(err, errlen, "Vui lòng chọn hình thức giám sát."); goto out; }
    if (in->starts_on <= 0 || in->ends_on <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày bắt đầu và ngày kết thúc."); goto out; }
    if (in->ends_on < in->starts_on) { wtx_fail(err, errlen, "Ngày kết thúc không được trước ngày bắt đầu."); goto out; }
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", in->council_id) != 1) {
        wtx_fail(err, errlen, "Không có Hội đồng nhân dân này.");
        goto out;
    }
    if (in->body_id > 0 && db_int(db, 0, "SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id"
                                          " WHERE b.id = ?1 AND t.council_id = ?2", "ll", in->body_id, in->council_id) != 1) {
        wtx_fail(err, errlen, "Cơ quan chủ trì không thuộc Hội đồng nhân dân này.");
        goto out;
    }
    int st = db_exec(db, "INSERT INTO supervisions (council_id, body_id, kind, subject, targets, starts_on, ends_on,"
                         " findings, status, created_at, is_sample) VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8,"
                         " 'planned', ?9, ?10)", "lltttlltll",
                     in->council_id, in->body_id, in->kind, subject, targets, in->starts_on, in->ends_on, findings, now,
                     (int64_t)in->is_sample);
    if (st != DB_OK) { wtx_dberr(db, err, errlen); goto out; }
    if (id) *id = db_last_id(db);
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int supervision_set_status(Db *db, int64_t id, const char *status, const char *findings, const User *by, int64_t now,
                           char *err, size_t errlen)
{
    (void)by, (void)now;
    Arena *a = arena_new();
    int rc = -1;
    char *cur = db_text(db, a, "SELECT status FROM supervisions WHERE id = ?1", "l", id);
    char *stored = db_text(db, a, "SELECT findings FROM supervisions WHERE id = ?1", "l", id);
    int to = sup_rank(status), from = sup_rank(cur);
    if (!cur) { wtx_fail(err, errlen, "Không có cuộc giám sát này."); goto out; }
    if (to < 0) { wtx_fail(err, errlen, "Trạng thái không hợp lệ."); goto out; }
    char *f = stored ? stored : "";
    if (findings) {
        f = *findings ? vn_clean(a, findings) : "";
        if (!f) { wtx_fail(err, errlen, "Kết quả giám sát có ký tự không hợp lệ."); goto out; }
        if (vn_char_count(f) > SUPERVISION_TEXT_MAX) {
            wtx_fail(err, errlen, "Kết quả giám sát dài quá %d ký tự.", SUPERVISION_TEXT_MAX);
            goto out;
        }
    }
    if (to < from || (to == from && !findings)) {
        wtx_fail(err, errlen, "Cuộc giám sát chỉ chuyển tiếp: kế hoạch → đang giám sát → đã có báo cáo → theo dõi thực hiện.");
        goto out;
    }
    if (to >= 2 && !*f) { wtx_fail(err, errlen, "Cần ghi kết quả (kết luận) giám sát trước khi báo cáo."); goto out; }
    if (db_exec(db, "UPDATE supervisions SET status = ?2, findings = ?3 WHERE id = ?1", "ltt", id, sup_statuses[to], f) != DB_OK) {
        wtx_dberr(db, err, errlen);
        goto out;
    }
    rc = 0;
out:
    arena_free(a);
    return rc;
}

/* ------------------------------------------------------------ recommendations */

int supervision_rec_add(Db *db, const RecommendationIn *in, const User *by, int64_t now, int64_t *id, char *err,
                        size_t errlen)
{
    Arena *a = arena_new();
    int rc = -1, own = 0;
    char *text = in->text ? vn_clean(a, in->text) : NULL;
    if (!text || !*text) { wtx_fail(err, errlen, "Vui lòng nhập nội dung kiến nghị."); goto out; }
    if (vn_char_count(text) > SUPERVISION_TEXT_MAX) {
        wtx_fail(err, errlen, "Nội dung kiến nghị dài quá %d ký tự.", SUPERVISION_TEXT_MAX);
        goto out;
    }
    int64_t council = db_int(db, 0, "SELECT council_id FROM supervisions WHERE id = ?1", "l", in->supervision_id);
    char *sst = db_text(db, a, "SELECT status FROM supervisions WHERE id = ?1", "l", in->supervision_id);
    if (council <= 0 || !sst) { wtx_fail(err, errlen, "Không có cuộc giám sát này."); goto out; }
    if (sup_rank(sst) < 2) {
        wtx_fail(err, errlen, "Kiến nghị được ban hành cùng báo cáo kết quả giám sát: hãy ghi kết quả và chuyển cuộc "
                              "giám sát sang “đã có báo cáo” trước.");
        goto out;
    }
    if (in->agency_id <= 0 || db_int(db, 0, "SELECT COUNT(*) FROM agencies WHERE id = ?1 AND council_id = ?2 AND active = 1",
                                     "ll", in->agency_id, council) != 1) {
        wtx_fail(err, errlen, "Vui lòng chọn cơ quan nhận kiến nghị (trong danh sách cơ quan của Hội đồng nhân dân này).");
        goto out;
    }
    if (in->issued_on <= 0 || in->deadline <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày ban hành và hạn thực hiện."); goto out; }
    if (in->deadline < in->issued_on) { wtx_fail(err, errlen, "Hạn thực hiện không được trước ngày ban hành kiến nghị."); goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int64_t pos = db_int(db, 0, "SELECT COUNT(*) + 1 FROM recommendations WHERE supervision_id = ?1", "l", in->supervision_id);
    int ok = db_exec(db, "INSERT INTO recommendations (supervision_id, agency_id, position, text, issued_on, deadline,"
                         " status, revision, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'issued', 1, ?7)", "lllt" "lll",
                     in->supervision_id, in->agency_id, pos, text, in->issued_on, in->deadline,
                     (int64_t)in->is_sample) == DB_OK;
    int64_t rid = ok ? db_last_id(db) : 0;
    if (ok) ok = db_exec(db, "INSERT INTO recommendation_events (recommendation_id, at, on_day, status, note, username)"
                             " VALUES (?1, ?2, ?3, 'issued', '', ?4)", "lllt", rid, now, in->issued_on, who(by)) == DB_OK;
    if (!ok) wtx_dberr(db, err, errlen);
    if (wtx_end(db, own, ok, err, errlen) != 0) goto out;
    if (id) *id = rid;
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int supervision_rec_overdue(const char *status, int64_t deadline, int64_t day)
{
    return status && deadline < day && (!strcmp(status, "issued") || !strcmp(status, "acknowledged")
                                        || !strcmp(status, "in_progress"));
}

const char *supervision_rec_shown(const char *status, int64_t deadline, int64_t day)
{
    return supervision_rec_overdue(status, deadline, day) ? "overdue" : status;
}

/* The moves supervision_rec_set_status makes (verified only by a check). */
static const struct { const char *from, *to; int agency; } moves[] = {
    {"issued", "acknowledged", 1},
    {"acknowledged", "in_progress", 1},
    {"in_progress", "done", 1},
    {"in_progress", "partially_done", 1},
    {"partially_done", "in_progress", 1},
    {"partially_done", "done", 1},
};

int supervision_rec_may(int role, const char *from, const char *to)
{
    if (!from || !to) return 0;
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
        if (!strcmp(moves[i].from, from) && !strcmp(moves[i].to, to)) return role != ROLE_AGENCY || moves[i].agency;
    return 0;
}

int supervision_rec_get(Db *db, Arena *a, int64_t id, int64_t day, Recommendation *out)
{
    memset(out, 0, sizeof *out);
    Stmt *st = db_prepare(db, "SELECT r.supervision_id, s.council_id, r.agency_id, r.issued_on, r.deadline, r.revision,"
                              " r.text, r.status, g.name, r.position FROM recommendations r JOIN supervisions s ON s.id = r.supervision_id"
                              " JOIN agencies g ON g.id = r.agency_id WHERE r.id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        out->id = id;
        out->supervision_id = db_col_int(st, 0);
        out->council_id = db_col_int(st, 1);
        out->agency_id = db_col_int(st, 2);
        out->issued_on = db_col_int(st, 3);
        out->deadline = db_col_int(st, 4);
        out->revision = db_col_int(st, 5);
        out->text = db_col_dup(st, 6, a);
        out->status = db_col_dup(st, 7, a);
        out->agency = db_col_dup(st, 8, a);
        out->position = db_col_int(st, 9);
        out->overdue = supervision_rec_overdue(out->status, out->deadline, day);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

/* The refusal for a stale page: who changed it last and when. */
static int stale(Db *db, Arena *a, int64_t id, char *err, size_t errlen)
{
    char *user = db_text(db, a, "SELECT username FROM recommendation_events WHERE recommendation_id = ?1"
                                " ORDER BY id DESC LIMIT 1", "l", id);
    int64_t at = db_int(db, 0, "SELECT at FROM recommendation_events WHERE recommendation_id = ?1 ORDER BY id DESC LIMIT 1",
                        "l", id);
    Buf when;
    buf_init(&when, a);
    vn_datetime(&when, at);
    wtx_fail(err, errlen, "Kiến nghị này vừa được %s cập nhật lúc %s, sau khi bạn mở trang: thay đổi của bạn chưa được "
                          "ghi (nội dung bạn nhập vẫn còn ở dưới). Hãy xem trạng thái mới rồi gửi lại nếu vẫn cần.",
             user && *user ? user : "người khác", buf_str(&when));
    return -2;
}

/* Update status (and bump the revision, guarded) and write the event.
 * 0, -2 when the revision moved meanwhile, -1 on a database error. */
static int move(Db *db, int64_t id, const char *status, int64_t revision, int64_t now, int64_t on_day, const char *note,
                const User *by)
{
    if (db_exec(db, "UPDATE recommendations SET status = ?2, revision = revision + 1 WHERE id = ?1 AND revision = ?3",
                "ltl", id, status, revision) != DB_OK)
        return -1;
    if (db_changes(db) != 1) return -2;
    return db_exec(db, "INSERT INTO recommendation_events (recommendation_id, at, on_day, status, note, username)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "lllttt", id, now, on_day, status, note ? note : "",
                   who(by)) == DB_OK ? 0 : -1;
}

int supervision_rec_set_status(Db *db, int64_t id, const char *status, const char *note, int64_t expect_revision,
                               const User *by, int64_t now, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int rc = -1, own = 0;
    Recommendation rec;
    int found = supervision_rec_get(db, a, id, vn_day_start(now), &rec);
    if (found < 0) { wtx_dberr(db, err, errlen); goto out; }
    if (!found) { wtx_fail(err, errlen, "Không có kiến nghị giám sát này."); goto out; }
    int role = by ? by->role : ROLE_NONE;
    if (role == ROLE_AGENCY && (!by || by->agency_id != rec.agency_id)) {
        wtx_fail(err, errlen, "Kiến nghị giám sát này không gửi tới cơ quan của bạn.");
        goto out;
    }
    if (expect_revision > 0 && expect_revision != rec.revision) { rc = stale(db, a, id, err, errlen); goto out; }
    char *n = note && *note ? vn_clean(a, note) : "";
    if (!n) { wtx_fail(err, errlen, "Ghi chú có ký tự không hợp lệ."); goto out; }
    if (vn_char_count(n) > SUPERVISION_TEXT_MAX) { wtx_fail(err, errlen, "Ghi chú dài quá %d ký tự.", SUPERVISION_TEXT_MAX); goto out; }
    if (status && !strcmp(status, "verified")) {
        wtx_fail(err, errlen, role == ROLE_AGENCY
                                  ? "Cơ quan không tự xác nhận kết quả: việc kiểm tra lại do Hội đồng nhân dân thực hiện."
                                  : "Muốn xác nhận đã kiểm tra lại, hãy ghi kết quả tái giám sát hoặc tái chất vấn.");
        goto out;
    }
    if (!supervision_rec_may(role, rec.status, status)) {
        wtx_fail(err, errlen, "Không chuyển được kiến nghị từ “%s” sang “%s”.", status_label_of(db, a, rec.status),
                 status && *status ? status_label_of(db, a, status) : "—");
        goto out;
    }
    if ((!strcmp(status, "done") || !strcmp(status, "partially_done")) && !*n) {
        wtx_fail(err, errlen, "Vui lòng ghi kết quả đã thực hiện (bắt buộc khi báo cáo đã thực hiện hoặc thực hiện một phần).");
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int moved = move(db, id, status, rec.revision, now, vn_day_start(now), n, by), ok = moved == 0;
    if (moved == -2) { wtx_end(db, own, 0, NULL, 0); rc = stale(db, a, id, err, errlen); goto out; }
    if (!ok) wtx_dberr(db, err, errlen);
    if (wtx_end(db, own, ok, err, errlen) != 0) goto out;
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int supervision_rec_check(Db *db, int64_t id, const char *method, int64_t on_day, const char *result, int confirmed,
                          int64_t expect_revision, const User *by, int64_t now, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int rc = -1, own = 0;
    Recommendation rec;
    int found = supervision_rec_get(db, a, id, vn_day_start(now), &rec);
    if (found < 0) { wtx_dberr(db, err, errlen); goto out; }
    if (!found) { wtx_fail(err, errlen, "Không có kiến nghị giám sát này."); goto out; }
    if (by && by->role == ROLE_AGENCY) {
        wtx_fail(err, errlen, "Cơ quan không tự xác nhận kết quả: việc kiểm tra lại do Hội đồng nhân dân thực hiện.");
        goto out;
    }
    if (expect_revision > 0 && expect_revision != rec.revision) { rc = stale(db, a, id, err, errlen); goto out; }
    if (!method || (strcmp(method, "resupervision") && strcmp(method, "follow_up_question"))) {
        wtx_fail(err, errlen, "Vui lòng chọn hình thức kiểm tra lại (tái giám sát hoặc tái chất vấn).");
        goto out;
    }
    char *res = result ? vn_clean(a, result) : NULL;
    if (!res || !*res) { wtx_fail(err, errlen, "Vui lòng ghi kết quả kiểm tra lại."); goto out; }
    if (vn_char_count(res) > SUPERVISION_TEXT_MAX) { wtx_fail(err, errlen, "Kết quả dài quá %d ký tự.", SUPERVISION_TEXT_MAX); goto out; }
    if (strcmp(rec.status, "done") && strcmp(rec.status, "partially_done")) {
        wtx_fail(err, errlen, "Chỉ kiểm tra lại kiến nghị đã được cơ quan báo cáo thực hiện (hoặc thực hiện một phần); "
                              "trạng thái hiện tại: “%s”.", status_label_of(db, a, rec.status));
        goto out;
    }
    if (on_day <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày kiểm tra lại."); goto out; }
    if (on_day < rec.issued_on) { wtx_fail(err, errlen, "Ngày kiểm tra lại không được trước ngày ban hành kiến nghị."); goto out; }
    if (on_day > vn_day_start(now)) { wtx_fail(err, errlen, "Ngày kiểm tra lại không được sau hôm nay."); goto out; }
    if (wtx_begin(db, &own, err, errlen)) goto out;
    int ok = db_exec(db, "INSERT INTO recommendation_checks (recommendation_id, on_day, method, result, confirmed, username, at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", "llttltl", id, on_day, method, res,
                     (int64_t)(confirmed ? 1 : 0), who(by), now) == DB_OK;
    int moved = ok ? move(db, id, confirmed ? "verified" : "in_progress", rec.revision, now, on_day, res, by) : -1;
    if (moved == -2) { wtx_end(db, own, 0, NULL, 0); rc = stale(db, a, id, err, errlen); goto out; }
    ok = moved == 0;
    if (!ok) wtx_dberr(db, err, errlen);
    if (wtx_end(db, own, ok, err, errlen) != 0) goto out;
    rc = 0;
out:
    arena_free(a);
    return rc;
}
