/* engage_poll.c - polls and website links: the writes (see engage_poll.h
 * for the rules and what is stored).  Each public write opens its own
 * transaction (BEGIN IMMEDIATE, so the checks and the writes see the same
 * state) and either commits everything or rolls back; validation that
 * needs no database runs before the transaction starts. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "content.h"
#include "engage_poll.h"
#include "vn.h"

#define SECRET_KEY "poll_voter_secret"

static const char *const poll_statuses[] = {"draft", "open", "closed", "archived", NULL};

static int status_known(const char *s)
{
    for (int i = 0; s && poll_statuses[i]; i++)
        if (!strcmp(s, poll_statuses[i])) return 1;
    return 0;
}

static const char *status_label(const char *s)
{
    if (!strcmp(s, "draft")) return "nháp";
    if (!strcmp(s, "open")) return "đang mở";
    if (!strcmp(s, "closed")) return "đã đóng";
    if (!strcmp(s, "archived")) return "lưu trữ";
    return s;
}

/* Roll back and return -1 with *err set (err may be NULL for db errors). */
static int undo(Db *db, const char **errp, const char *msg)
{
    db_rollback(db);
    if (errp) *errp = msg ? msg : "Lỗi cơ sở dữ liệu, vui lòng thử lại.";
    return -1;
}

/* ------------------------------------------------------------ voter key */

/* The 32-byte secret from settings (created on first use).  0 or -1. */
static int voter_secret(Db *db, uint8_t key[32])
{
    for (int attempt = 0; attempt < 2; attempt++) {
        Stmt *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?1");
        if (!st) return -1;
        db_bind_text(st, 1, SECRET_KEY);
        int rc = db_step(st);
        int ok = -1;
        if (rc == DB_ROW) {
            const char *hex = db_col_text(st, 0);
            size_t got = 0;
            if (strlen(hex) == 64 &&
                sodium_hex2bin(key, 32, hex, 64, NULL, &got, NULL) == 0 && got == 32)
                ok = 0;
        }
        db_done(st);
        if (rc == DB_ROW) return ok;          /* malformed stored secret: refuse, never replace */
        if (rc != DB_DONE) return -1;
        /* Absent: make one.  ON CONFLICT keeps a concurrent creator's value,
         * which the second round then reads. */
        uint8_t fresh[32];
        char hexv[65];
        randombytes_buf(fresh, sizeof fresh);
        sodium_bin2hex(hexv, sizeof hexv, fresh, sizeof fresh);
        sodium_memzero(fresh, sizeof fresh);
        int wrc = db_exec(db, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                              "ON CONFLICT (key) DO NOTHING", "tt", SECRET_KEY, hexv);
        sodium_memzero(hexv, sizeof hexv);
        if (wrc != DB_OK) return -1;
    }
    return -1;
}

int poll_voter_key(Db *db, int64_t poll_id, const uint8_t visitor_id[16], char out[POLL_KEY_HEX])
{
    uint8_t key[32], h[32], pid[8];
    if (voter_secret(db, key) != 0) return -1;
    for (int i = 0; i < 8; i++) pid[i] = (uint8_t)((uint64_t)poll_id >> (8 * i));
    crypto_generichash_state st;
    crypto_generichash_init(&st, key, sizeof key, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)"hoidong-poll-voter", 18);
    crypto_generichash_update(&st, pid, sizeof pid);
    crypto_generichash_update(&st, visitor_id, 16);
    crypto_generichash_final(&st, h, sizeof h);
    sodium_memzero(key, sizeof key);
    sodium_bin2hex(out, POLL_KEY_HEX, h, sizeof h);
    return 0;
}

/* ------------------------------------------------------------ voting */

int poll_votable(const char *status, int64_t opens_at, int64_t closes_at, int64_t now)
{
    if (!status || !strcmp(status, "draft")) return POLL_VOTE_NOT_FOUND;
    if (strcmp(status, "open") != 0) return POLL_VOTE_CLOSED;
    if (closes_at > 0 && now >= closes_at) return POLL_VOTE_CLOSED;
    if (opens_at > 0 && now < opens_at) return POLL_VOTE_NOT_OPEN;
    return POLL_VOTE_OK;
}

int poll_has_voted(Db *db, int64_t poll_id, const char *voter_key)
{
    int64_t n = db_int(db, -1, "SELECT COUNT(*) FROM poll_voters WHERE poll_id = ?1 AND visitor = ?2",
                       "lt", poll_id, voter_key);
    return n < 0 ? -1 : n > 0;
}

int poll_vote(Db *db, int64_t poll_id, const char *voter_key, const int64_t *option_ids, size_t n,
              int64_t now)
{
    if (!voter_key || strlen(voter_key) != POLL_KEY_HEX - 1) return POLL_VOTE_ERROR;
    /* Distinct option ids, in order (a repeated id must not count twice). */
    int64_t ids[POLL_MAX_OPTIONS];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int dup = 0;
        for (size_t j = 0; j < k; j++) dup |= ids[j] == option_ids[i];
        if (dup) continue;
        if (k == POLL_MAX_OPTIONS || option_ids[i] <= 0) return POLL_VOTE_BAD_OPTION;
        ids[k++] = option_ids[i];
    }
    if (k == 0) return POLL_VOTE_BAD_OPTION;

    if (db_begin(db) != DB_OK) return POLL_VOTE_ERROR;
    Stmt *st = db_prepare(db, "SELECT status, COALESCE(opens_at, 0), COALESCE(closes_at, 0), multiple "
                              "FROM polls WHERE id = ?1");
    if (!st) goto dberr;
    db_bind_int(st, 1, poll_id);
    int rc = db_step(st), verdict = POLL_VOTE_NOT_FOUND, multiple = 0;
    if (rc == DB_ROW) {
        verdict = poll_votable(db_col_text(st, 0), db_col_int(st, 1), db_col_int(st, 2), now);
        multiple = db_col_int(st, 3) != 0;
    }
    db_done(st);
    if (rc != DB_ROW && rc != DB_DONE) goto dberr;
    if (verdict == POLL_VOTE_OK && !multiple && k != 1) verdict = POLL_VOTE_BAD_OPTION;
    for (size_t i = 0; verdict == POLL_VOTE_OK && i < k; i++) {
        int64_t ok = db_int(db, -1, "SELECT COUNT(*) FROM poll_options WHERE id = ?1 AND poll_id = ?2",
                            "ll", ids[i], poll_id);
        if (ok < 0) goto dberr;
        if (ok == 0) verdict = POLL_VOTE_BAD_OPTION;
    }
    if (verdict == POLL_VOTE_OK) {
        int voted = poll_has_voted(db, poll_id, voter_key);
        if (voted < 0) goto dberr;
        if (voted) verdict = POLL_VOTE_ALREADY;
    }
    if (verdict != POLL_VOTE_OK) {
        db_rollback(db);
        return verdict;
    }
    if (db_exec(db, "INSERT INTO poll_voters (poll_id, visitor) VALUES (?1, ?2)", "lt",
                poll_id, voter_key) != DB_OK)
        goto dberr;
    for (size_t i = 0; i < k; i++)
        if (db_exec(db, "UPDATE poll_options SET votes = votes + 1 WHERE id = ?1 AND poll_id = ?2",
                    "ll", ids[i], poll_id) != DB_OK)
            goto dberr;
    if (db_exec(db, "UPDATE polls SET voters = voters + 1 WHERE id = ?1", "l", poll_id) != DB_OK)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    return POLL_VOTE_OK;
dberr:
    db_rollback(db);
    return POLL_VOTE_ERROR;
}

/* ------------------------------------------------------------ poll admin */

/* Split the options text into cleaned, non-empty lines.  Returns the count
 * (labels in the arena) or -1 with *err. */
static int split_options(Arena *a, const char *text, const char *labels[POLL_MAX_OPTIONS],
                         const char **err)
{
    char *clean = text ? vn_clean(a, text) : arena_strdup(a, "");
    if (!clean) { *err = "Các phương án chứa ký tự không hợp lệ."; return -1; }
    int n = 0;
    char *save = NULL;
    for (char *line = strtok_r(clean, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *l = vn_clean(a, line);     /* trims spaces and tabs around the line */
        if (!l || !*l) continue;
        if (n == POLL_MAX_OPTIONS) { *err = "Tối đa 20 phương án."; return -1; }
        if (vn_char_count(l) > POLL_LABEL_MAX) {
            *err = "Mỗi phương án dài tối đa 200 ký tự.";
            return -1;
        }
        const char *fl = vn_lower_a(a, l);
        for (int j = 0; j < n; j++)
            if (!strcmp(vn_lower_a(a, labels[j]), fl)) { *err = "Các phương án không được trùng nhau."; return -1; }
        labels[n++] = l;
    }
    if (n < 2) { *err = "Cần ít nhất hai phương án (mỗi dòng một phương án)."; return -1; }
    return n;
}

int poll_save(Db *db, Arena *a, const PollInput *in, int64_t user_id, const char *username,
              int64_t now, int64_t *out_id, const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    const char *q = in->question ? vn_clean(a, in->question) : "";
    if (!q) { *err = "Câu hỏi chứa ký tự không hợp lệ."; return -1; }
    if (!*q) { *err = "Vui lòng nhập câu hỏi."; return -1; }
    if (vn_char_count(q) > POLL_QUESTION_MAX) { *err = "Câu hỏi dài tối đa 300 ký tự."; return -1; }
    const char *labels[POLL_MAX_OPTIONS];
    int n = split_options(a, in->options, labels, err);
    if (n < 0) return -1;
    if (in->opens_at < 0 || in->closes_at < 0) { *err = "Thời gian không hợp lệ."; return -1; }
    if (in->opens_at > 0 && in->closes_at > 0 && in->closes_at <= in->opens_at) {
        *err = "Thời gian kết thúc phải sau thời gian bắt đầu.";
        return -1;
    }
    const char *status = in->status ? in->status : "draft";
    if (!status_known(status)) { *err = "Trạng thái không hợp lệ."; return -1; }

    if (db_begin(db) != DB_OK) return undo(db, err, NULL);
    int64_t id = in->id;
    if (id == 0) {
        Stmt *st = db_prepare(db,
            "INSERT INTO polls (question, multiple, opens_at, closes_at, status, voters, created_at, "
            "updated_at, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?6, ?7)");
        if (!st) return undo(db, err, NULL);
        db_bindf(st, "tinntli", q, in->multiple ? 1 : 0, status, now, in->is_sample ? 1 : 0);
        if (in->opens_at > 0) db_bind_int(st, 3, in->opens_at);
        if (in->closes_at > 0) db_bind_int(st, 4, in->closes_at);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) return undo(db, err, NULL);
        id = db_last_id(db);
        for (int i = 0; i < n; i++)
            if (db_exec(db, "INSERT INTO poll_options (poll_id, label, position, votes) VALUES (?1, ?2, ?3, 0)",
                        "lti", id, labels[i], i + 1) != DB_OK)
                return undo(db, err, NULL);
    } else {
        int64_t exists = db_int(db, -1, "SELECT COUNT(*) FROM polls WHERE id = ?1", "l", id);
        if (exists < 0) return undo(db, err, NULL);
        if (exists == 0) return undo(db, err, "Không tìm thấy cuộc bình chọn.");
        Stmt *st = db_prepare(db, "UPDATE polls SET question = ?2, multiple = ?3, opens_at = ?4, "
                                  "closes_at = ?5, updated_at = ?6 WHERE id = ?1");
        if (!st) return undo(db, err, NULL);
        db_bindf(st, "ltinnl", id, q, in->multiple ? 1 : 0, now);
        if (in->opens_at > 0) db_bind_int(st, 4, in->opens_at);
        if (in->closes_at > 0) db_bind_int(st, 5, in->closes_at);
        int rc = db_step(st);
        db_done(st);
        if (rc != DB_DONE) return undo(db, err, NULL);
        /* Existing options in order: line i replaces the label of the i-th. */
        int64_t old[POLL_MAX_OPTIONS * 2], votes[POLL_MAX_OPTIONS * 2];
        int k = 0;
        Stmt *os = db_prepare(db, "SELECT id, votes FROM poll_options WHERE poll_id = ?1 ORDER BY position, id");
        if (!os) return undo(db, err, NULL);
        db_bind_int(os, 1, id);
        while ((rc = db_step(os)) == DB_ROW && k < POLL_MAX_OPTIONS * 2) {
            old[k] = db_col_int(os, 0);
            votes[k++] = db_col_int(os, 1);
        }
        db_done(os);
        if (rc != DB_ROW && rc != DB_DONE) return undo(db, err, NULL);
        for (int i = n; i < k; i++)
            if (votes[i] > 0)
                return undo(db, err, "Không thể bỏ bớt phương án đã có người chọn; "
                                     "hãy giữ đủ số dòng phương án như trước.");
        for (int i = 0; i < n; i++) {
            int wrc = i < k
                ? db_exec(db, "UPDATE poll_options SET label = ?2, position = ?3 WHERE id = ?1",
                          "lti", old[i], labels[i], i + 1)
                : db_exec(db, "INSERT INTO poll_options (poll_id, label, position, votes) VALUES (?1, ?2, ?3, 0)",
                          "lti", id, labels[i], i + 1);
            if (wrc != DB_OK) return undo(db, err, NULL);
        }
        for (int i = n; i < k; i++)
            if (db_exec(db, "DELETE FROM poll_options WHERE id = ?1", "l", old[i]) != DB_OK)
                return undo(db, err, NULL);
    }
    if (audit(db, user_id, username, now, in->id ? "poll.update" : "poll.create", "poll", id,
              arena_printf(a, "%s (%d phương án)", q, n)) != 0)
        return undo(db, err, NULL);
    if (db_commit(db) != DB_OK) return undo(db, err, NULL);
    if (out_id) *out_id = id;
    return 0;
}

int poll_set_status(Db *db, int64_t id, const char *status, int64_t user_id,
                    const char *username, int64_t now, const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    if (!status_known(status)) { *err = "Trạng thái không hợp lệ."; return -1; }
    if (db_begin(db) != DB_OK) return undo(db, err, NULL);
    Stmt *st = db_prepare(db, "SELECT status, COALESCE(closes_at, 0) FROM polls WHERE id = ?1");
    if (!st) return undo(db, err, NULL);
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    char old[16] = "";
    int64_t closes = 0;
    if (rc == DB_ROW) {
        snprintf(old, sizeof old, "%s", db_col_text(st, 0));
        closes = db_col_int(st, 1);
    }
    db_done(st);
    if (rc == DB_DONE) return undo(db, err, "Không tìm thấy cuộc bình chọn.");
    if (rc != DB_ROW) return undo(db, err, NULL);
    if (!strcmp(status, "open") && closes > 0 && closes <= now)
        return undo(db, err, "Thời gian kết thúc đã qua: hãy sửa thời gian kết thúc trước khi mở lại.");
    if (db_exec(db, "UPDATE polls SET status = ?2, updated_at = ?3 WHERE id = ?1", "ltl",
                id, status, now) != DB_OK)
        return undo(db, err, NULL);
    char detail[96];
    snprintf(detail, sizeof detail, "%s → %s", status_label(old), status_label(status));
    if (audit(db, user_id, username, now, "poll.status", "poll", id, detail) != 0)
        return undo(db, err, NULL);
    if (db_commit(db) != DB_OK) return undo(db, err, NULL);
    return 0;
}

/* ------------------------------------------------------------ links */

int link_url_ok(const char *url)
{
    if (!url) return 0;
    size_t n = strlen(url), skip;
    if (n > LINK_URL_MAX || !vn_utf8_valid(url, n)) return 0;
    if (!strncasecmp(url, "http://", 7)) skip = 7;
    else if (!strncasecmp(url, "https://", 8)) skip = 8;
    else return 0;
    const char *host = url + skip;
    if (!*host || *host == '/' || *host == '?' || *host == '#' || *host == ':' || *host == '@') return 0;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\' || *p == '`')
            return 0;
    return 1;
}

int link_save(Db *db, Arena *a, const LinkInput *in, int64_t user_id, const char *username,
              int64_t now, int64_t *out_id, const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    const char *name = in->name ? vn_clean(a, in->name) : "";
    if (!name) { *err = "Tên liên kết chứa ký tự không hợp lệ."; return -1; }
    if (!*name) { *err = "Vui lòng nhập tên liên kết."; return -1; }
    if (vn_char_count(name) > LINK_NAME_MAX) { *err = "Tên liên kết dài tối đa 200 ký tự."; return -1; }
    const char *url = in->url ? vn_clean(a, in->url) : "";
    if (!url || !link_url_ok(url)) {
        *err = "Địa chỉ liên kết phải bắt đầu bằng http:// hoặc https:// và không chứa khoảng trắng.";
        return -1;
    }
    if (db_begin(db) != DB_OK) return undo(db, err, NULL);
    if (in->logo_file_id > 0) {
        int64_t f = db_int(db, -1, "SELECT COUNT(*) FROM files WHERE id = ?1", "l", in->logo_file_id);
        if (f < 0) return undo(db, err, NULL);
        if (f == 0) return undo(db, err, "Không tìm thấy tệp biểu trưng.");
    }
    int64_t id = in->id;
    Stmt *st;
    if (id == 0) {
        st = db_prepare(db, "INSERT INTO links (name, url, logo_file_id, position, is_sample) VALUES "
                            "(?1, ?2, ?3, (SELECT COALESCE(MAX(position), 0) + 1 FROM links), ?4)");
        if (!st) return undo(db, err, NULL);
        db_bindf(st, "ttni", name, url, in->is_sample ? 1 : 0);
    } else {
        int64_t exists = db_int(db, -1, "SELECT COUNT(*) FROM links WHERE id = ?1", "l", id);
        if (exists < 0) return undo(db, err, NULL);
        if (exists == 0) return undo(db, err, "Không tìm thấy liên kết.");
        st = db_prepare(db, "UPDATE links SET name = ?2, url = ?3, "
                            "logo_file_id = COALESCE(?4, logo_file_id) WHERE id = ?1");
        if (!st) return undo(db, err, NULL);
        db_bindf(st, "lttn", id, name, url);
    }
    if (in->logo_file_id > 0) db_bind_int(st, id == 0 ? 3 : 4, in->logo_file_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) return undo(db, err, NULL);
    if (id == 0) id = db_last_id(db);
    if (audit(db, user_id, username, now, in->id ? "link.update" : "link.create", "link", id,
              arena_printf(a, "%s <%s>", name, url)) != 0)
        return undo(db, err, NULL);
    if (db_commit(db) != DB_OK) return undo(db, err, NULL);
    if (out_id) *out_id = id;
    return 0;
}

int link_delete(Db *db, int64_t id, int64_t user_id, const char *username, int64_t now,
                const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    Arena *a = arena_new();
    int ret = -1;
    if (db_begin(db) != DB_OK) { undo(db, err, NULL); goto out; }
    char *name = db_text(db, a, "SELECT name FROM links WHERE id = ?1", "l", id);
    if (!name) { undo(db, err, "Không tìm thấy liên kết."); goto out; }
    if (db_exec(db, "DELETE FROM links WHERE id = ?1", "l", id) != DB_OK ||
        audit(db, user_id, username, now, "link.delete", "link", id, name) != 0 ||
        db_commit(db) != DB_OK) {
        undo(db, err, NULL);
        goto out;
    }
    ret = 0;
out:
    arena_free(a);
    return ret;
}

int link_move(Db *db, int64_t id, int dir, int64_t user_id, const char *username, int64_t now,
              const char **err)
{
    const char *dummy;
    if (!err) err = &dummy;
    Arena *a = arena_new();
    int ret = -1;
    if (db_begin(db) != DB_OK) { undo(db, err, NULL); goto out; }
    size_t n = 0, cap = 64, at = (size_t)-1;
    int64_t *ids = arena_alloc(a, cap * sizeof *ids);
    Stmt *st = db_prepare(db, "SELECT id FROM links ORDER BY position, id");
    if (!st) { undo(db, err, NULL); goto out; }
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (n == cap) {
            ids = arena_realloc(a, ids, cap * sizeof *ids, 2 * cap * sizeof *ids);
            cap *= 2;
        }
        ids[n] = db_col_int(st, 0);
        if (ids[n] == id) at = n;
        n++;
    }
    db_done(st);
    if (rc != DB_DONE) { undo(db, err, NULL); goto out; }
    if (at == (size_t)-1) { undo(db, err, "Không tìm thấy liên kết."); goto out; }
    size_t to = dir < 0 ? (at > 0 ? at - 1 : at) : (at + 1 < n ? at + 1 : at);
    int64_t t = ids[at];
    ids[at] = ids[to];
    ids[to] = t;
    for (size_t i = 0; i < n; i++)
        if (db_exec(db, "UPDATE links SET position = ?2 WHERE id = ?1", "ll", ids[i], (int64_t)(i + 1)) != DB_OK) {
            undo(db, err, NULL);
            goto out;
        }
    if (to != at && audit(db, user_id, username, now, "link.move", "link", id,
                          dir < 0 ? "lên" : "xuống") != 0) {
        undo(db, err, NULL);
        goto out;
    }
    if (db_commit(db) != DB_OK) { undo(db, err, NULL); goto out; }
    ret = 0;
out:
    arena_free(a);
    return ret;
}
