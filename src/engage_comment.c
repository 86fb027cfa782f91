/* engage_comment.c - comments model (see engage_comment.h): validation,
 * the pending/approved/rejected/spam life cycle, staff replies, the public
 * list and the moderation queue.  All SQL is literal with bound values. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "buf.h"
#include "content.h"
#include "engage_comment.h"
#include "vn.h"

static const char *const comment_statuses[] = {"pending", "approved", "rejected", "spam", NULL};

static int status_known(const char *s)
{
    for (int i = 0; s && comment_statuses[i]; i++)
        if (!strcmp(s, comment_statuses[i])) return 1;
    return 0;
}

const char *comment_status_label(const char *status)
{
    if (!status) return "";
    if (!strcmp(status, "pending")) return "Chờ duyệt";
    if (!strcmp(status, "approved")) return "Đã duyệt";
    if (!strcmp(status, "rejected")) return "Từ chối";
    if (!strcmp(status, "spam")) return "Thư rác";
    return status;
}

/* A plausible e-mail address: local@domain.tld, no spaces or controls.
 * Deliberately loose: the address is only for the editorial office. */
static int email_plausible(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@')) return 0;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || !dot[1]) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == 0x7f) return 0;
    return 1;
}

int comment_validate(Arena *a, const char *name, const char *email, const char *body,
                     CommentFields *out)
{
    memset(out, 0, sizeof *out);
    const char *n = vn_clean(a, name ? name : "");
    const char *e = vn_clean(a, email ? email : "");
    const char *b = vn_clean(a, body ? body : "");
    if (!n) out->name_err = "Họ tên chứa ký tự không hợp lệ (không phải UTF-8).";
    else if (!*n) out->name_err = "Vui lòng nhập họ tên.";
    else if (vn_char_count(n) > COMMENT_NAME_MAX)
        out->name_err = "Họ tên quá dài (tối đa 100 ký tự).";
    if (!e) out->email_err = "Thư điện tử chứa ký tự không hợp lệ (không phải UTF-8).";
    else if (strlen(e) > COMMENT_EMAIL_MAX) out->email_err = "Địa chỉ thư điện tử quá dài.";
    else if (*e && !email_plausible(e))
        out->email_err = "Địa chỉ thư điện tử không đúng định dạng (ví dụ: ten@example.vn).";
    if (!b) out->body_err = "Nội dung chứa ký tự không hợp lệ (không phải UTF-8).";
    else if (!*b) out->body_err = "Vui lòng nhập nội dung bình luận.";
    else if (vn_char_count(b) < COMMENT_BODY_MIN)
        out->body_err = "Nội dung bình luận quá ngắn (ít nhất 5 ký tự).";
    else if (vn_char_count(b) > COMMENT_BODY_MAX)
        out->body_err = "Nội dung bình luận quá dài (tối đa 3.000 ký tự).";
    out->name = n ? n : "";
    out->email = e ? e : "";
    out->body = b ? b : "";
    out->links = comment_count_links(out->body);
    return out->name_err || out->email_err || out->body_err ? -1 : 0;
}

int comment_count_links(const char *text)
{
    static const char *const marks[] = {"http://", "https://", "www.", NULL};
    int n = 0;
    if (!text) return 0;
    for (const char *p = text; *p; p++) {
        for (int i = 0; marks[i]; i++) {
            size_t k = strlen(marks[i]);
            if (!strncasecmp(p, marks[i], k)) {
                /* "https://www.x" is one link, not two. */
                if (i == 2 && p - text >= 3 && !strncmp(p - 3, "://", 3)) break;
                n++;
                p += k - 1;
                break;
            }
        }
    }
    return n;
}

int comment_add(Db *db, int64_t article_id, const char *name, const char *email,
                const char *body, int64_t now, int is_sample, int64_t *out_id)
{
    if (!name || !body) return -1;
    const char *flags = comment_count_links(body) >= COMMENT_LINKS_HOLD ? "links" : "";
    if (db_begin(db) != DB_OK) return -1;
    Stmt *st = db_prepare(db,
        "INSERT INTO comments (article_id, parent_id, name, email, body, status, flags, is_staff, "
        "created_at, is_sample) "
        "SELECT id, NULL, ?2, ?3, ?4, 'pending', ?5, 0, ?6, ?7 FROM articles WHERE id = ?1");
    if (!st) goto undo;
    db_bindf(st, "lttttli", article_id, name, email ? email : "", body, flags, now,
             is_sample ? 1 : 0);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE || db_changes(db) != 1) goto undo;
    int64_t id = db_last_id(db);
    if (db_commit(db) != DB_OK) goto undo;
    if (out_id) *out_id = id;
    return 0;
undo:
    db_rollback(db);
    return -1;
}

int comment_reply(Db *db, Arena *a, int64_t parent_id, const char *body, int64_t user_id,
                  const char *username, const char *display_name, int64_t now,
                  int64_t *out_id, const char **err)
{
    const char *b = vn_clean(a, body ? body : "");
    if (!b) { *err = "Nội dung chứa ký tự không hợp lệ (không phải UTF-8)."; return -1; }
    if (!*b) { *err = "Vui lòng nhập nội dung trả lời."; return -1; }
    if (vn_char_count(b) > COMMENT_BODY_MAX) {
        *err = "Nội dung trả lời quá dài (tối đa 3.000 ký tự).";
        return -1;
    }
    *err = "Lỗi cơ sở dữ liệu, vui lòng thử lại.";
    if (db_begin(db) != DB_OK) return -1;
    /* The thread root: the comment itself, or the comment it answers. */
    int64_t root = db_int(db, -1, "SELECT COALESCE(parent_id, id) FROM comments WHERE id = ?1",
                          "l", parent_id);
    if (root <= 0) {
        if (root == -1) *err = "Không tìm thấy bình luận cần trả lời.";
        goto undo;
    }
    Stmt *st = db_prepare(db, "SELECT article_id, status FROM comments WHERE id = ?1");
    if (!st) goto undo;
    db_bind_int(st, 1, root);
    int64_t article = 0;
    char *status = NULL;
    if (db_step(st) == DB_ROW) {
        article = db_col_int(st, 0);
        status = db_col_dup(st, 1, a);
    }
    db_done(st);
    if (!status) { *err = "Không tìm thấy bình luận cần trả lời."; goto undo; }
    if (strcmp(status, "pending") && strcmp(status, "approved")) {
        *err = "Chỉ trả lời được bình luận đang chờ duyệt hoặc đã duyệt.";
        goto undo;
    }
    if (!strcmp(status, "pending")) {
        if (db_exec(db, "UPDATE comments SET status = 'approved', moderated_by = NULLIF(?2, 0), "
                        "moderated_at = ?3 WHERE id = ?1", "lll",
                    root, user_id > 0 ? user_id : 0, now) != DB_OK)
            goto undo;
        if (audit(db, user_id, username, now, "comment.approved", "comment", root,
                  "Duyệt khi trả lời") != 0)
            goto undo;
    }
    st = db_prepare(db,
        "INSERT INTO comments (article_id, parent_id, name, email, body, status, flags, is_staff, "
        "created_at, moderated_by, moderated_at, is_sample) "
        "VALUES (?1, ?2, ?3, '', ?4, 'approved', '', 1, ?5, NULLIF(?6, 0), ?5, 0)");
    if (!st) goto undo;
    db_bindf(st, "llttll", article, root,
             display_name && *display_name ? display_name : (username ? username : "Ban biên tập"),
             b, now, user_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) goto undo;
    int64_t id = db_last_id(db);
    if (audit(db, user_id, username, now, "comment.reply", "comment", id,
              arena_printf(a, "Trả lời bình luận #%lld", (long long)root)) != 0)
        goto undo;
    if (db_commit(db) != DB_OK) goto undo;
    if (out_id) *out_id = id;
    *err = NULL;
    return 0;
undo:
    db_rollback(db);
    return -1;
}

int comment_moderate(Db *db, const int64_t *ids, size_t n, const char *status, int64_t user_id,
                     const char *username, int64_t now)
{
    if (!status_known(status)) return -1;
    if (db_begin(db) != DB_OK) return -1;
    int changed = 0;
    char action[32];
    snprintf(action, sizeof action, "comment.%s", status);
    for (size_t i = 0; i < n; i++) {
        if (db_exec(db, "UPDATE comments SET status = ?2, moderated_by = NULLIF(?3, 0), moderated_at = ?4 "
                        "WHERE id = ?1 AND status <> ?2",
                    "ltll", ids[i], status, user_id, now) != DB_OK)
            goto undo;
        if (db_changes(db) == 1) {
            changed++;
            if (audit(db, user_id, username, now, action, "comment", ids[i],
                      comment_status_label(status)) != 0)
                goto undo;
        }
    }
    if (db_commit(db) != DB_OK) goto undo;
    return changed;
undo:
    db_rollback(db);
    return -1;
}

/* Read rows (id, article_id, parent_id, name, body, status, flags,
 * is_staff, created_at, moderated_at [, title, slug, moderator]) of st. */
static int read_rows(Stmt *st, Arena *a, int extra, Comment **out, size_t *n)
{
    size_t cap = 16, k = 0;
    Comment *v = arena_alloc(a, cap * sizeof *v);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        if (k == cap) {
            v = arena_realloc(a, v, cap * sizeof *v, 2 * cap * sizeof *v);
            cap *= 2;
        }
        Comment *c = &v[k++];
        memset(c, 0, sizeof *c);
        c->id = db_col_int(st, 0);
        c->article_id = db_col_int(st, 1);
        c->parent_id = db_col_int(st, 2);
        c->name = db_col_dup(st, 3, a);
        c->body = db_col_dup(st, 4, a);
        c->status = db_col_dup(st, 5, a);
        c->flags = db_col_dup(st, 6, a);
        c->is_staff = (int)db_col_int(st, 7);
        c->created_at = db_col_int(st, 8);
        c->moderated_at = db_col_int(st, 9);
        if (extra) {
            c->article_title = db_col_dup(st, 10, a);
            c->article_slug = db_col_dup(st, 11, a);
            c->moderator = db_col_dup(st, 12, a);
        }
    }
    db_done(st);
    *out = v;
    *n = k;
    return rc == DB_DONE ? 0 : -1;
}

int comment_list_public(Db *db, Arena *a, int64_t article_id, Comment **out, size_t *n)
{
    /* Order: thread root's time, then root before its replies, then time. */
    Stmt *st = db_prepare(db,
        "SELECT c.id, c.article_id, COALESCE(c.parent_id, 0), c.name, c.body, c.status, c.flags,"
        " c.is_staff, c.created_at, COALESCE(c.moderated_at, 0)"
        " FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
        " WHERE c.article_id = ?1 AND c.status = 'approved'"
        " AND (c.parent_id IS NULL OR p.status = 'approved')"
        " ORDER BY COALESCE(p.created_at, c.created_at), COALESCE(p.id, c.id),"
        " c.parent_id IS NOT NULL, c.created_at, c.id");
    if (!st) return -1;
    db_bind_int(st, 1, article_id);
    return read_rows(st, a, 0, out, n);
}

int64_t comment_article_id(Db *db, int64_t comment_id)
{
    return db_int(db, -1, "SELECT article_id FROM comments WHERE id = ?1", "l", comment_id);
}

int64_t comment_count_public(Db *db, int64_t article_id)
{
    return db_int(db, -1,
        "SELECT COUNT(*) FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"
        " WHERE c.article_id = ?1 AND c.status = 'approved'"
        " AND (c.parent_id IS NULL OR p.status = 'approved')", "l", article_id);
}

int comment_queue(Db *db, Arena *a, const char *status, int64_t limit, int64_t offset,
                  Comment **out, size_t *n, int64_t *total)
{
    if (status && !status_known(status)) status = NULL;
    *total = db_int(db, -1, "SELECT COUNT(*) FROM comments WHERE (?1 IS NULL OR status = ?1)",
                    "t", status);
    if (*total < 0) return -1;
    Stmt *st = db_prepare(db,
        "SELECT c.id, c.article_id, COALESCE(c.parent_id, 0), c.name, c.body, c.status, c.flags,"
        " c.is_staff, c.created_at, COALESCE(c.moderated_at, 0), a.title, a.slug, u.username"
        " FROM comments c JOIN articles a ON a.id = c.article_id"
        " LEFT JOIN users u ON u.id = c.moderated_by"
        " WHERE (?1 IS NULL OR c.status = ?1)"
        " ORDER BY c.created_at DESC, c.id DESC LIMIT ?2 OFFSET ?3");
    if (!st) return -1;
    db_bindf(st, "tll", status, limit, offset);
    return read_rows(st, a, 1, out, n);
}
