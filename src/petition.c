/* petition.c - voters' petitions, voter meetings, agencies, sessions
 * (petition.h; docs/PETITIONS.md). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "log.h"
#include "petition.h"
#include "vn.h"
#include "wtx.h"

#define PLACE_MAX 300
#define NAME_MAX_CHARS 100
#define CONTACT_MAX 200

static const char CODE_ALPHABET[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";   /* Crockford base32 */

void petition_new_code(char code[PETITION_CODE_SIZE])
{
    unsigned char rnd[10];   /* 80 bits = 16 base32 characters */
    randombytes_buf(rnd, sizeof rnd);
    char digits[16];
    for (int i = 0; i < 16; i++) {
        int bit = i * 5, v = 0;
        for (int k = 0; k < 5; k++, bit++) v = v << 1 | ((rnd[bit / 8] >> (7 - bit % 8)) & 1);
        digits[i] = CODE_ALPHABET[v];
    }
    snprintf(code, PETITION_CODE_SIZE, "KN-%.4s-%.4s-%.4s-%.4s", digits, digits + 4, digits + 8, digits + 12);
    sodium_memzero(rnd, sizeof rnd);
}

int petition_code_normalise(const char *in, char code[PETITION_CODE_SIZE])
{
    if (!in) return -1;
    char digits[17];
    int n = 0;
    const char *p = in;
    while (*p == ' ' || *p == '\t') p++;
    if ((p[0] == 'K' || p[0] == 'k') && (p[1] == 'N' || p[1] == 'n')) p += 2;
    for (; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '\t' || c == '.') continue;
        if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
        /* Crockford's reading rule: O is 0, I and L are 1. */
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (!strchr(CODE_ALPHABET, c) || c == 0) return -1;
        if (n == 16) return -1;
        digits[n++] = c;
    }
    if (n != 16) return -1;
    snprintf(code, PETITION_CODE_SIZE, "KN-%.4s-%.4s-%.4s-%.4s", digits, digits + 4, digits + 8, digits + 12);
    return 0;
}

/* Cleaned text (NFC, trimmed), NULL when empty or absent. */
static char *clean(Arena *a, const char *s)
{
    if (!s || !vn_utf8_valid(s, strlen(s))) return NULL;
    char *c = vn_clean(a, s);
    return c && *c ? c : NULL;
}

/* Like clean(), but keeps line breaks (multi-paragraph texts): NFC,
 * trimmed at both ends, no control characters other than newline. */
static char *clean_long(Arena *a, const char *s)
{
    if (!s || !vn_utf8_valid(s, strlen(s))) return NULL;
    char *n = vn_nfc(a, s);
    if (!n) return NULL;
    Buf b;
    buf_init(&b, a);
    for (const char *p = n; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '\r') continue;
        if (c < 0x20 && c != '\n' && c != '\t') continue;
        buf_putc(&b, (char)c);
    }
    char *t = (char *)buf_str(&b);
    while (*t == ' ' || *t == '\n' || *t == '\t') t++;
    size_t len = strlen(t);
    while (len && (t[len - 1] == ' ' || t[len - 1] == '\n' || t[len - 1] == '\t')) t[--len] = 0;
    return *t ? t : NULL;
}

static const char *who(const User *by) { return by && by->username ? by->username : ""; }

int petition_event(Db *db, int64_t petition_id, int64_t now, const char *action, const char *status,
                   const char *note, const User *by)
{
    int st = db_exec(db, "INSERT INTO petition_events (petition_id, at, action, status, note, user_id, username, "
                         "agency_id) VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7, NULLIF(?8, 0))",
                     "lltttltl", petition_id, now, action, status, note ? note : "", by ? by->id : 0,
                     who(by), by ? by->agency_id : 0);
    return st == DB_OK ? 0 : -1;
}

const char *status_label(Db *db, Arena *a, const char *domain, const char *code)
{
    char *l = db_text(db, a, "SELECT label FROM status_labels WHERE domain = ?1 AND code = ?2", "tt", domain, code);
    return l ? l : arena_strdup(a, code ? code : "");
}

static int field_id_of(Db *db, const char *code, int64_t *id)
{
    *id = 0;
    if (!code || !*code) return 0;
    *id = db_int(db, 0, "SELECT id FROM petition_fields WHERE code = ?1 AND active = 1", "t", code);
    return *id > 0 ? 0 : -1;
}

static int valid_channel(const char *c)
{
    return c && (!strcmp(c, "meeting") || !strcmp(c, "online") || !strcmp(c, "letter") || !strcmp(c, "front"));
}

static int valid_level(const char *l)
{
    return l && (!strcmp(l, "central") || !strcmp(l, "city") || !strcmp(l, "commune"));
}

int petition_create(Db *db, const PetitionIn *in, const User *by, int64_t now, int64_t *id,
                    char code_out[PETITION_CODE_SIZE], char *err, size_t errlen)
{
    Arena *a = arena_new();
    int rc = -1, own = 0;
    char *text = clean_long(a, in->text);
    char *place = clean(a, in->place);
    char *name = clean(a, in->sender_name), *contact = clean(a, in->sender_contact);
    int64_t field = 0;
    if (!text) { wtx_fail(err, errlen, "Vui lòng nhập nội dung kiến nghị."); goto out; }
    if (vn_char_count(text) > PETITION_TEXT_MAX) {
        wtx_fail(err, errlen, "Nội dung kiến nghị dài quá %d ký tự.", PETITION_TEXT_MAX);
        goto out;
    }
    if (place && vn_char_count(place) > PLACE_MAX) { wtx_fail(err, errlen, "Địa điểm dài quá %d ký tự.", PLACE_MAX); goto out; }
    if (name && vn_char_count(name) > NAME_MAX_CHARS) { wtx_fail(err, errlen, "Họ và tên dài quá %d ký tự.", NAME_MAX_CHARS); goto out; }
    if (contact && vn_char_count(contact) > CONTACT_MAX) { wtx_fail(err, errlen, "Thông tin liên hệ dài quá %d ký tự.", CONTACT_MAX); goto out; }
    if (!valid_channel(in->channel)) { wtx_fail(err, errlen, "Nguồn kiến nghị không hợp lệ."); goto out; }
    if (in->received_on <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày tiếp nhận."); goto out; }
    if (field_id_of(db, in->field_code, &field) != 0) { wtx_fail(err, errlen, "Không có lĩnh vực này."); goto out; }
    if (wtx_begin(db, &own, err, errlen) != 0) goto out;
    if (db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", in->council_id) != 1) {
        wtx_fail(err, errlen, "Không có Hội đồng nhân dân này.");
        goto undo;
    }
    if (!strcmp(in->channel, "meeting")) {
        if (in->meeting_id <= 0 ||
            db_int(db, 0, "SELECT COUNT(*) FROM voter_meetings WHERE id = ?1 AND council_id = ?2", "ll",
                   in->meeting_id, in->council_id) != 1) {
            wtx_fail(err, errlen, "Vui lòng chọn cuộc tiếp xúc cử tri đã nêu kiến nghị này.");
            goto undo;
        }
    }
    if (in->session_id > 0 &&
        db_int(db, 0, "SELECT COUNT(*) FROM council_sessions WHERE id = ?1 AND council_id = ?2", "ll",
               in->session_id, in->council_id) != 1) {
        wtx_fail(err, errlen, "Không có kỳ họp này của Hội đồng nhân dân.");
        goto undo;
    }
    if (in->unit_id > 0 && db_int(db, 0, "SELECT COUNT(*) FROM units WHERE id = ?1", "l", in->unit_id) != 1) {
        wtx_fail(err, errlen, "Không có đơn vị hành chính này.");
        goto undo;
    }
    char code[PETITION_CODE_SIZE];
    petition_new_code(code);
    int st = db_exec(db,
        "INSERT INTO petitions (council_id, code, text, text_fold, field_id, place, unit_id, channel, session_id, "
        "status, received_on, sender_name, sender_contact, created_at, is_sample) VALUES (?1, ?2, ?3, ?4, "
        "NULLIF(?5, 0), ?6, NULLIF(?7, 0), ?8, NULLIF(?9, 0), ?10, ?11, ?12, ?13, ?14, ?15)",
        "ltttltltltlttll", in->council_id, code, text, vn_fold_a(a, text), field, place ? place : "", in->unit_id,
        in->channel, in->session_id, field ? "classified" : "received", in->received_on, name, contact, now,
        (int64_t)in->is_sample);
    if (st != DB_OK) { wtx_dberr(db, err, errlen); goto undo; }
    int64_t pid = db_last_id(db);
    if (!strcmp(in->channel, "meeting") &&
        db_exec(db, "INSERT INTO petition_meetings (petition_id, meeting_id) VALUES (?1, ?2)", "ll", pid,
                in->meeting_id) != DB_OK) {
        wtx_dberr(db, err, errlen);
        goto undo;
    }
    if (petition_event(db, pid, now, "received", field ? "classified" : "received", "", by) != 0) {
        wtx_dberr(db, err, errlen);
        goto undo;
    }
    if (wtx_end(db, own, 1, err, errlen) != 0) goto out;
    if (id) *id = pid;
    if (code_out) memcpy(code_out, code, PETITION_CODE_SIZE);
    rc = 0;
    goto out;
undo:
    wtx_end(db, own, 0, err, errlen);
out:
    arena_free(a);
    return rc;
}

/* ---- the workflow ------------------------------------------------------ */

/* Load what every step checks; 1 found, 0 not, -1 error. */
typedef struct Cur {
    int64_t council_id, agency_id, forwarded_on, deadline, answered_on, received_on;
    char status[24];
    int revision;
} Cur;

static int load_cur(Db *db, int64_t id, Cur *c)
{
    Stmt *st = db_prepare(db, "SELECT council_id, COALESCE(agency_id, 0), COALESCE(forwarded_on, 0), "
                              "COALESCE(deadline, 0), COALESCE(answered_on, 0), status, revision, received_on "
                              "FROM petitions WHERE id = ?1");
    if (!st) return -1;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    if (rc == DB_ROW) {
        c->council_id = db_col_int(st, 0);
        c->agency_id = db_col_int(st, 1);
        c->forwarded_on = db_col_int(st, 2);
        c->deadline = db_col_int(st, 3);
        c->answered_on = db_col_int(st, 4);
        snprintf(c->status, sizeof c->status, "%s", db_col_text(st, 5));
        c->revision = (int)db_col_int(st, 6);
        c->received_on = db_col_int(st, 7);
    }
    db_done(st);
    return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

static int is_answer_kind(const char *k)
{
    return k && (!strcmp(k, "resolved") || !strcmp(k, "answered_explained") || !strcmp(k, "scheduled") ||
                 !strcmp(k, "not_resolvable"));
}

static int answered(const char *status)
{
    return is_answer_kind(status) || !strcmp(status, "reported_to_voters");
}

/* Begin, load and check the petition exists and is not merged away. */
static int step_begin(Db *db, int64_t id, Cur *c, int *own, char *err, size_t errlen)
{
    if (wtx_begin(db, own, err, errlen) != 0) return -1;
    int f = load_cur(db, id, c);
    if (f == 1 && strcmp(c->status, "merged") != 0) return 0;
    if (f < 0) wtx_dberr(db, err, errlen);
    else if (f == 0) wtx_fail(err, errlen, "Không có kiến nghị này.");
    else wtx_fail(err, errlen, "Kiến nghị này đã được gộp vào một kiến nghị khác.");
    wtx_end(db, *own, 0, err, errlen);
    return -1;
}

/* Write the event and finish. */
static int step_end(Db *db, int64_t id, int own, int64_t now, const char *action, const char *status,
                    const char *note, const User *by, char *err, size_t errlen)
{
    if (petition_event(db, id, now, action, status, note, by) != 0) {
        wtx_dberr(db, err, errlen);
        wtx_end(db, own, 0, err, errlen);
        return -1;
    }
    return wtx_end(db, own, 1, err, errlen);
}

static int step_fail(Db *db, int own, char *err, size_t errlen)
{
    wtx_end(db, own, 0, err, errlen);
    return -1;
}

int petition_classify(Db *db, int64_t id, const char *field_code, const char *level, int64_t agency_id,
                      const User *by, int64_t now, char *err, size_t errlen)
{
    Cur c;
    int own;
    int64_t field = 0;
    if (!field_code || !*field_code) return wtx_fail(err, errlen, "Vui lòng chọn lĩnh vực.");
    if (field_id_of(db, field_code, &field) != 0) return wtx_fail(err, errlen, "Không có lĩnh vực này.");
    if (!valid_level(level)) return wtx_fail(err, errlen, "Vui lòng chọn cấp có thẩm quyền giải quyết (Trung ương, thành phố, xã/phường).");
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (answered(c.status)) {
        wtx_fail(err, errlen, "Kiến nghị đã được trả lời; không phân loại lại được.");
        return step_fail(db, own, err, errlen);
    }
    if (agency_id > 0 && db_int(db, 0, "SELECT COUNT(*) FROM agencies WHERE id = ?1 AND active = 1", "l", agency_id) != 1) {
        wtx_fail(err, errlen, "Không có cơ quan này.");
        return step_fail(db, own, err, errlen);
    }
    /* Classifying a forwarded petition keeps its status (and agency). */
    const char *status = !strcmp(c.status, "received") ? "classified" : c.status;
    int64_t agency = c.forwarded_on ? c.agency_id : agency_id;
    if (db_exec(db, "UPDATE petitions SET field_id = ?2, level = ?3, agency_id = NULLIF(?4, 0), status = ?5, "
                    "revision = revision + 1 WHERE id = ?1", "lltlt", id, field, level, agency, status) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, "classified", status, field_code, by, err, errlen);
}

int petition_forward(Db *db, int64_t id, int64_t agency_id, int64_t forwarded_on, int64_t deadline,
                     const User *by, int64_t now, char *err, size_t errlen)
{
    Cur c;
    int own;
    if (forwarded_on <= 0) return wtx_fail(err, errlen, "Vui lòng nhập ngày chuyển.");
    if (deadline <= 0) return wtx_fail(err, errlen, "Vui lòng nhập thời hạn trả lời.");
    if (deadline < forwarded_on)
        return wtx_fail(err, errlen, "Thời hạn trả lời không được trước ngày chuyển kiến nghị.");
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (strcmp(c.status, "classified") != 0 && strcmp(c.status, "forwarded") != 0) {
        wtx_fail(err, errlen, !strcmp(c.status, "received") ? "Cần phân loại kiến nghị (lĩnh vực, cấp giải quyết) trước khi chuyển."
                                                             : "Kiến nghị đang được giải quyết hoặc đã có trả lời; không chuyển lại được.");
        return step_fail(db, own, err, errlen);
    }
    if (forwarded_on < c.received_on) {
        wtx_fail(err, errlen, "Ngày chuyển không được trước ngày tiếp nhận kiến nghị.");
        return step_fail(db, own, err, errlen);
    }
    Arena *a = arena_new();
    char *agency = db_text(db, a, "SELECT name FROM agencies WHERE id = ?1 AND active = 1", "l", agency_id);
    if (!agency) {
        arena_free(a);
        wtx_fail(err, errlen, "Vui lòng chọn cơ quan giải quyết.");
        return step_fail(db, own, err, errlen);
    }
    int ok = db_exec(db, "UPDATE petitions SET agency_id = ?2, forwarded_on = ?3, deadline = ?4, status = 'forwarded', "
                         "revision = revision + 1 WHERE id = ?1", "llll", id, agency_id, forwarded_on, deadline) == DB_OK;
    Buf note;
    buf_init(&note, a);
    buf_printf(&note, "%s; thời hạn ", agency);
    vn_date(&note, deadline);
    int rc = ok ? step_end(db, id, own, now, "forwarded", "forwarded", buf_str(&note), by, err, errlen)
                : (wtx_dberr(db, err, errlen), step_fail(db, own, err, errlen));
    arena_free(a);
    return rc;
}

int petition_take_up(Db *db, int64_t id, const User *by, int64_t now, char *err, size_t errlen)
{
    Cur c;
    int own;
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (strcmp(c.status, "forwarded") != 0) {
        wtx_fail(err, errlen, "Chỉ tiếp nhận được kiến nghị vừa được chuyển tới.");
        return step_fail(db, own, err, errlen);
    }
    if (db_exec(db, "UPDATE petitions SET status = 'in_progress', revision = revision + 1 WHERE id = ?1", "l", id) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, "taken_up", "in_progress", "", by, err, errlen);
}

int petition_answer(Db *db, int64_t id, const char *kind, const char *text, int64_t roadmap_due,
                    int64_t answered_on, int expect_revision, const User *by, int64_t now,
                    char *err, size_t errlen)
{
    Cur c;
    int own;
    if (!is_answer_kind(kind)) return wtx_fail(err, errlen, "Vui lòng chọn kết quả giải quyết.");
    Arena *a = arena_new();
    char *t = clean_long(a, text);
    int rc = -1;
    if (!t) { wtx_fail(err, errlen, "Vui lòng nhập nội dung trả lời."); goto out; }
    if (vn_char_count(t) > PETITION_ANSWER_MAX) {
        wtx_fail(err, errlen, "Nội dung trả lời dài quá %d ký tự.", PETITION_ANSWER_MAX);
        goto out;
    }
    if (answered_on <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày trả lời."); goto out; }
    if (!strcmp(kind, "scheduled") && roadmap_due <= 0) {
        wtx_fail(err, errlen, "Kiến nghị có lộ trình giải quyết cần ngày dự kiến hoàn thành.");
        goto out;
    }
    if (step_begin(db, id, &c, &own, err, errlen) != 0) goto out;
    if (answered(c.status)) {
        wtx_fail(err, errlen, "Kiến nghị này đã được trả lời; không trả lời lần hai.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    if (expect_revision > 0 && expect_revision != c.revision) {
        wtx_fail(err, errlen, "Kiến nghị vừa được người khác cập nhật. Vui lòng tải lại trang; nội dung bạn nhập vẫn còn dưới đây.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    if (strcmp(c.status, "forwarded") != 0 && strcmp(c.status, "in_progress") != 0) {
        wtx_fail(err, errlen, "Kiến nghị chưa được chuyển tới cơ quan giải quyết.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    if (answered_on < c.forwarded_on) {
        wtx_fail(err, errlen, "Ngày trả lời không được trước ngày chuyển kiến nghị.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    if (!strcmp(kind, "scheduled") && roadmap_due < answered_on) {
        wtx_fail(err, errlen, "Ngày dự kiến hoàn thành không được trước ngày trả lời.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    /* The status guard in the WHERE makes a racing second answer change nothing. */
    if (db_exec(db, "UPDATE petitions SET status = ?2, answer_kind = ?2, answer_text = ?3, answered_on = ?4, "
                    "roadmap_due = NULLIF(?5, 0), answer_by = ?6, revision = revision + 1 "
                    "WHERE id = ?1 AND status IN ('forwarded','in_progress')",
                "lttllt", id, kind, t, answered_on, !strcmp(kind, "scheduled") ? roadmap_due : 0, who(by)) != DB_OK) {
        wtx_dberr(db, err, errlen);
        step_fail(db, own, err, errlen);
        goto out;
    }
    if (db_changes(db) != 1) {
        wtx_fail(err, errlen, "Kiến nghị này đã được trả lời; không trả lời lần hai.");
        step_fail(db, own, err, errlen);
        goto out;
    }
    rc = step_end(db, id, own, now, "answered", kind, "", by, err, errlen);
out:
    arena_free(a);
    return rc;
}

int petition_add_file(Db *db, int64_t id, int64_t file_id, const char *name, const char *kind)
{
    return db_exec(db, "INSERT INTO petition_files (petition_id, file_id, name, kind) VALUES (?1, ?2, ?3, ?4)",
                   "lltt", id, file_id, name, kind) == DB_OK ? 0 : -1;
}

int petition_publish(Db *db, int64_t id, int published, const User *by, int64_t now, char *err, size_t errlen)
{
    Cur c;
    int own;
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (published && !answered(c.status)) {
        wtx_fail(err, errlen, "Chỉ công bố được kiến nghị đã có trả lời.");
        return step_fail(db, own, err, errlen);
    }
    if (db_exec(db, "UPDATE petitions SET published = ?2, revision = revision + 1 WHERE id = ?1", "ll", id,
                (int64_t)(published ? 1 : 0)) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, published ? "published" : "unpublished", c.status, "", by, err, errlen);
}

int petition_report_to_voters(Db *db, int64_t id, int64_t day, const User *by, int64_t now, char *err,
                              size_t errlen)
{
    Cur c;
    int own;
    if (day <= 0) return wtx_fail(err, errlen, "Vui lòng nhập ngày thông báo tới cử tri.");
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (!is_answer_kind(c.status)) {
        wtx_fail(err, errlen, !strcmp(c.status, "reported_to_voters") ? "Kết quả đã được thông báo tới cử tri."
                                                                       : "Kiến nghị chưa có trả lời để thông báo.");
        return step_fail(db, own, err, errlen);
    }
    if (day < c.answered_on) {
        wtx_fail(err, errlen, "Ngày thông báo không được trước ngày trả lời.");
        return step_fail(db, own, err, errlen);
    }
    if (db_exec(db, "UPDATE petitions SET status = 'reported_to_voters', reported_on = ?2, revision = revision + 1 "
                    "WHERE id = ?1", "ll", id, day) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, "reported", "reported_to_voters", "", by, err, errlen);
}

int petition_merge(Db *db, int64_t dup, int64_t keep, const User *by, int64_t now, char *err, size_t errlen)
{
    Cur c, k;
    int own;
    if (dup == keep) return wtx_fail(err, errlen, "Không gộp một kiến nghị vào chính nó.");
    if (step_begin(db, dup, &c, &own, err, errlen) != 0) return -1;
    int f = load_cur(db, keep, &k);
    if (f != 1 || !strcmp(k.status, "merged")) {
        wtx_fail(err, errlen, f < 0 ? "Lỗi cơ sở dữ liệu." : "Kiến nghị giữ lại không có hoặc đã được gộp.");
        return step_fail(db, own, err, errlen);
    }
    if (k.council_id != c.council_id) {
        wtx_fail(err, errlen, "Chỉ gộp được các kiến nghị của cùng một Hội đồng nhân dân.");
        return step_fail(db, own, err, errlen);
    }
    if (answered(c.status)) {
        wtx_fail(err, errlen, "Kiến nghị đã được trả lời; không gộp được.");
        return step_fail(db, own, err, errlen);
    }
    Arena *a = arena_new();
    char *kcode = db_text(db, a, "SELECT code FROM petitions WHERE id = ?1", "l", keep);
    char *dcode = db_text(db, a, "SELECT code FROM petitions WHERE id = ?1", "l", dup);
    int ok = db_exec(db, "INSERT INTO petition_meetings (petition_id, meeting_id) SELECT ?2, meeting_id FROM "
                         "petition_meetings m WHERE m.petition_id = ?1 AND NOT EXISTS (SELECT 1 FROM petition_meetings "
                         "x WHERE x.petition_id = ?2 AND x.meeting_id = m.meeting_id)", "ll", dup, keep) == DB_OK &&
             db_exec(db, "UPDATE petitions SET status = 'merged', merged_into = ?2, revision = revision + 1 WHERE id = ?1",
                     "ll", dup, keep) == DB_OK &&
             db_exec(db, "UPDATE petitions SET revision = revision + 1 WHERE id = ?1", "l", keep) == DB_OK &&
             petition_event(db, keep, now, "merged_in", k.status, dcode ? dcode : "", by) == 0;
    int rc = ok ? step_end(db, dup, own, now, "merged", "merged", kcode ? kcode : "", by, err, errlen)
                : (wtx_dberr(db, err, errlen), step_fail(db, own, err, errlen));
    arena_free(a);
    return rc;
}

int petition_carry_over(Db *db, int64_t id, int64_t next_session_id, const User *by, int64_t now, char *err,
                        size_t errlen)
{
    Cur c;
    int own;
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (answered(c.status) && strcmp(c.status, "scheduled") != 0) {
        wtx_fail(err, errlen, "Kiến nghị đã giải quyết xong; không cần chuyển kỳ sau.");
        return step_fail(db, own, err, errlen);
    }
    int64_t start_next = db_int(db, 0, "SELECT starts_on FROM council_sessions WHERE id = ?1 AND council_id = ?2", "ll",
                                next_session_id, c.council_id);
    int64_t start_cur = db_int(db, 0, "SELECT s.starts_on FROM council_sessions s JOIN petitions p ON p.session_id = s.id "
                                      "WHERE p.id = ?1", "l", id);
    if (start_next <= 0 || start_next <= start_cur) {
        wtx_fail(err, errlen, "Vui lòng chọn một kỳ họp sau kỳ họp hiện tại của kiến nghị.");
        return step_fail(db, own, err, errlen);
    }
    if (db_exec(db, "UPDATE petitions SET session_id = ?2, carried_over = 1, revision = revision + 1 WHERE id = ?1",
                "ll", id, next_session_id) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, "carried_over", c.status, "", by, err, errlen);
}

int petition_mark_re_raised(Db *db, int64_t id, int64_t meeting_id, const User *by, int64_t now, char *err,
                            size_t errlen)
{
    Cur c;
    int own;
    if (step_begin(db, id, &c, &own, err, errlen) != 0) return -1;
    if (meeting_id > 0 &&
        db_int(db, 0, "SELECT COUNT(*) FROM voter_meetings WHERE id = ?1 AND council_id = ?2", "ll", meeting_id,
               c.council_id) != 1) {
        wtx_fail(err, errlen, "Không có cuộc tiếp xúc cử tri này.");
        return step_fail(db, own, err, errlen);
    }
    if ((meeting_id > 0 &&
         db_exec(db, "INSERT INTO petition_meetings (petition_id, meeting_id) SELECT ?1, ?2 WHERE NOT EXISTS "
                     "(SELECT 1 FROM petition_meetings WHERE petition_id = ?1 AND meeting_id = ?2)", "ll", id,
                 meeting_id) != DB_OK) ||
        db_exec(db, "UPDATE petitions SET re_raised = 1, revision = revision + 1 WHERE id = ?1", "l", id) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    return step_end(db, id, own, now, "re_raised", c.status, "", by, err, errlen);
}

int petition_erase(Db *db, int64_t id, const char *why, const User *by, int64_t now, char *err, size_t errlen)
{
    int own;
    if (wtx_begin(db, &own, err, errlen) != 0) return -1;
    int64_t erased = db_int(db, -1, "SELECT COALESCE(erased_at, 0) FROM petitions WHERE id = ?1", "l", id);
    if (erased < 0) {
        wtx_fail(err, errlen, "Không có kiến nghị này.");
        return step_fail(db, own, err, errlen);
    }
    if (erased > 0) return wtx_end(db, own, 1, err, errlen);   /* already erased: nothing to do */
    /* The sender's files (an attachment sent with an online petition) are
     * personal data too: their links go; the content store drops unlinked
     * files in its own sweep. */
    if (db_exec(db, "UPDATE petitions SET sender_name = NULL, sender_contact = NULL, erased_at = ?2, "
                    "revision = revision + 1 WHERE id = ?1", "ll", id, now) != DB_OK ||
        db_exec(db, "DELETE FROM petition_files WHERE petition_id = ?1 AND kind = 'sender'", "l", id) != DB_OK) {
        wtx_dberr(db, err, errlen);
        return step_fail(db, own, err, errlen);
    }
    Arena *a = arena_new();
    char *status = db_text(db, a, "SELECT status FROM petitions WHERE id = ?1", "l", id);
    int rc = step_end(db, id, own, now, "erased", status ? status : "", why ? why : "", by, err, errlen);
    arena_free(a);
    return rc;
}

int64_t petition_retention_sweep(Db *db, int64_t now, int days)
{
    if (days <= 0) return 0;
    int64_t before = now - (int64_t)days * 86400;
    Stmt *st = db_prepare(db, "SELECT id FROM petitions WHERE erased_at IS NULL AND (sender_name IS NOT NULL OR "
                              "sender_contact IS NOT NULL) AND ((answered_on IS NOT NULL AND answered_on < ?1) OR "
                              "(status = 'merged' AND created_at < ?1)) ORDER BY id LIMIT 1000");
    if (!st) return -1;
    db_bind_int(st, 1, before);
    int64_t ids[1000];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < 1000) ids[n++] = db_col_int(st, 0);
    db_done(st);
    if (rc != DB_DONE && rc != DB_ROW) return -1;
    int64_t done = 0;
    char err[200];
    for (int i = 0; i < n; i++)
        if (petition_erase(db, ids[i], "hết thời hạn lưu trữ thông tin cá nhân", NULL, now, err, sizeof err) == 0) done++;
    return done;
}

int petition_may_see_person(Db *db, const User *u, int64_t council_id)
{
    if (!u || (u->role != ROLE_EDITOR && u->role != ROLE_ADMIN)) return 0;
    if (u->council_id > 0) return u->council_id == council_id;
    /* The portal owner's office is the office of the top council (the one
     * with no council above it), not of the councils below. */
    return db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1 AND parent_id IS NULL", "l", council_id) == 1;
}

int petition_overdue(const char *status, int64_t deadline, int64_t day)
{
    return status && deadline > 0 && deadline < day &&
           (!strcmp(status, "forwarded") || !strcmp(status, "in_progress"));
}

/* ---- meetings, agencies, sessions ------------------------------------- */

int meeting_create(Db *db, const MeetingIn *in, const User *by, int64_t now, int64_t *id, char *err, size_t errlen)
{
    Arena *a = arena_new();
    int rc = -1, own = 0;
    char *place = clean(a, in->place), *co = clean(a, in->co_organisers), *notes = clean_long(a, in->notes);
    if (!place) { wtx_fail(err, errlen, "Vui lòng nhập địa điểm tiếp xúc cử tri."); goto out; }
    if (vn_char_count(place) > PLACE_MAX) { wtx_fail(err, errlen, "Địa điểm dài quá %d ký tự.", PLACE_MAX); goto out; }
    if (co && vn_char_count(co) > PLACE_MAX) { wtx_fail(err, errlen, "Đơn vị phối hợp dài quá %d ký tự.", PLACE_MAX); goto out; }
    if (notes && vn_char_count(notes) > PETITION_TEXT_MAX) { wtx_fail(err, errlen, "Ghi chú dài quá %d ký tự.", PETITION_TEXT_MAX); goto out; }
    if (!in->timing || (strcmp(in->timing, "before") && strcmp(in->timing, "after") && strcmp(in->timing, "other"))) {
        wtx_fail(err, errlen, "Vui lòng chọn: trước kỳ họp, sau kỳ họp hoặc khác.");
        goto out;
    }
    if (in->held_on <= 0) { wtx_fail(err, errlen, "Vui lòng nhập ngày tiếp xúc cử tri."); goto out; }
    if (in->attendance < -1) { wtx_fail(err, errlen, "Số cử tri tham dự không hợp lệ."); goto out; }
    if (in->body_id <= 0 && in->delegate_id <= 0 && in->ndelegates == 0) {
        wtx_fail(err, errlen, "Vui lòng chọn tổ đại biểu hoặc đại biểu tiếp xúc cử tri.");
        goto out;
    }
    if (wtx_begin(db, &own, err, errlen) != 0) goto out;
    if (in->body_id > 0 &&
        db_int(db, 0, "SELECT COUNT(*) FROM council_bodies b JOIN council_terms t ON t.id = b.term_id "
                      "WHERE b.id = ?1 AND t.council_id = ?2", "ll", in->body_id, in->council_id) != 1) {
        wtx_fail(err, errlen, "Tổ đại biểu không thuộc Hội đồng nhân dân này.");
        goto undo;
    }
    if (in->session_id > 0 &&
        db_int(db, 0, "SELECT COUNT(*) FROM council_sessions WHERE id = ?1 AND council_id = ?2", "ll", in->session_id,
               in->council_id) != 1) {
        wtx_fail(err, errlen, "Không có kỳ họp này của Hội đồng nhân dân.");
        goto undo;
    }
    int64_t all[65];
    int n = 0;
    if (in->delegate_id > 0) all[n++] = in->delegate_id;
    for (int i = 0; i < in->ndelegates && n < 64; i++) all[n++] = in->delegates[i];
    for (int i = 0; i < n; i++)
        if (db_int(db, 0, "SELECT COUNT(*) FROM delegates d JOIN council_terms t ON t.id = d.term_id "
                          "WHERE d.id = ?1 AND t.council_id = ?2", "ll", all[i], in->council_id) != 1) {
            wtx_fail(err, errlen, "Đại biểu không thuộc Hội đồng nhân dân này.");
            goto undo;
        }
    if (db_exec(db, "INSERT INTO voter_meetings (council_id, body_id, delegate_id, session_id, timing, held_on, place, "
                    "unit_id, co_organisers, attendance, notes, created_at, is_sample) VALUES (?1, NULLIF(?2, 0), "
                    "NULLIF(?3, 0), NULLIF(?4, 0), ?5, ?6, ?7, NULLIF(?8, 0), ?9, NULLIF(?10, -1), ?11, ?12, ?13)",
                "lllltltltltll", in->council_id, in->body_id, in->delegate_id, in->session_id, in->timing, in->held_on,
                place, in->unit_id, co ? co : "", in->attendance, notes ? notes : "", now, (int64_t)in->is_sample) != DB_OK) {
        wtx_dberr(db, err, errlen);
        goto undo;
    }
    int64_t mid = db_last_id(db);
    for (int i = 0; i < n; i++)
        if (db_exec(db, "INSERT INTO voter_meeting_delegates (meeting_id, delegate_id) SELECT ?1, ?2 WHERE NOT EXISTS "
                        "(SELECT 1 FROM voter_meeting_delegates WHERE meeting_id = ?1 AND delegate_id = ?2)", "ll",
                    mid, all[i]) != DB_OK) {
            wtx_dberr(db, err, errlen);
            goto undo;
        }
    if (by && audit_council(db, by->id, by->username, now, in->council_id, "meeting.create", "voter_meeting", mid, place) != 0) {
        wtx_dberr(db, err, errlen);
        goto undo;
    }
    if (wtx_end(db, own, 1, err, errlen) != 0) goto out;
    if (id) *id = mid;
    rc = 0;
    goto out;
undo:
    wtx_end(db, own, 0, err, errlen);
out:
    arena_free(a);
    return rc;
}

int agency_create(Db *db, int64_t council_id, const char *name, const char *level, int is_sample, int64_t *id,
                  char *err, size_t errlen)
{
    Arena *a = arena_new();
    char *n = clean(a, name);
    int rc = -1;
    if (!n) { wtx_fail(err, errlen, "Vui lòng nhập tên cơ quan."); goto out; }
    if (vn_char_count(n) > 200) { wtx_fail(err, errlen, "Tên cơ quan dài quá 200 ký tự."); goto out; }
    if (!valid_level(level)) { wtx_fail(err, errlen, "Vui lòng chọn cấp của cơ quan."); goto out; }
    if (db_int(db, 0, "SELECT COUNT(*) FROM agencies WHERE council_id = ?1 AND name = ?2", "lt", council_id, n) > 0) {
        wtx_fail(err, errlen, "Đã có cơ quan tên này.");
        goto out;
    }
    int st = db_exec(db, "INSERT INTO agencies (council_id, name, level, is_sample) VALUES (?1, ?2, ?3, ?4)", "lttl",
                     council_id, n, level, (int64_t)is_sample);
    if (st == DB_CONSTRAINT) { wtx_fail(err, errlen, "Đã có cơ quan tên này."); goto out; }
    if (st != DB_OK) { wtx_dberr(db, err, errlen); goto out; }
    if (id) *id = db_last_id(db);
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int session_create(Db *db, int64_t council_id, int64_t term_id, int number, const char *kind, const char *title,
                   int64_t starts_on, int64_t ends_on, int is_sample, int64_t *id, char *err, size_t errlen)
{
    if (number <= 0) return wtx_fail(err, errlen, "Số thứ tự kỳ họp phải là số dương.");
    if (!kind || (strcmp(kind, "regular") && strcmp(kind, "thematic") && strcmp(kind, "extraordinary")))
        return wtx_fail(err, errlen, "Loại kỳ họp không hợp lệ.");
    if (starts_on <= 0 || ends_on < starts_on) return wtx_fail(err, errlen, "Ngày kết thúc kỳ họp không được trước ngày khai mạc.");
    int st = db_exec(db, "INSERT INTO council_sessions (council_id, term_id, number, kind, title, starts_on, ends_on, "
                         "is_sample) VALUES (?1, NULLIF(?2, 0), ?3, ?4, ?5, ?6, ?7, ?8)", "lllttlll", council_id,
                     term_id, (int64_t)number, kind, title ? title : "", starts_on, ends_on, (int64_t)is_sample);
    if (st == DB_CONSTRAINT) return wtx_fail(err, errlen, "Kỳ họp số %d đã có.", number);
    if (st != DB_OK) return wtx_dberr(db, err, errlen);
    if (id) *id = db_last_id(db);
    return 0;
}
