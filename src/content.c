/* content.c - the publishing model: articles, categories, attachments and
 * the audit log.
 *
 * Every way content changes (admin pages, demo loader, command line) goes
 * through these functions, so the rules live in one place: text is valid
 * UTF-8 in NFC with bounded length, slugs are derived from Vietnamese titles
 * and made unique, every article save writes a revision row, and every
 * change is audited.  Validation happens before anything is written; the
 * writes of one change happen in one transaction, so an error leaves the
 * database as it was.  Error messages are Vietnamese, shown to users as is. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "log.h"
#include "vn.h"

#define ERR_DB "Lỗi cơ sở dữ liệu, chưa lưu được. Vui lòng thử lại sau."

/* Clean one text field (vn_clean: UTF-8, NFC, no control characters,
 * trimmed) and check its length in code points.  NULL input is "".
 * Returns the cleaned text, or NULL with *err. */
static const char *clean_field(Arena *a, const char *s, size_t maxchars, const char *label,
                               int required, const char **err)
{
    if (!s) s = "";
    char *c = vn_clean(a, s);
    if (!c) {
        *err = arena_printf(a, "%s chứa ký tự không hợp lệ (không phải văn bản UTF-8).", label);
        return NULL;
    }
    if (required && !*c) {
        *err = arena_printf(a, "Vui lòng nhập %s.", vn_lower_a(a, label));
        return NULL;
    }
    if (vn_char_count(c) > maxchars) {
        Buf b;
        buf_init(&b, a);
        buf_printf(&b, "%s quá dài (tối đa ", label);
        vn_int(&b, (int64_t)maxchars);
        buf_puts(&b, " ký tự).");
        *err = buf_str(&b);
        return NULL;
    }
    return c;
}

/* An explicit slug as typed: cleaned and reduced to [a-z0-9-] (vn_slug),
 * so "Kỳ họp thứ 5" becomes "ky-hop-thu-5".  NULL with *err on bad UTF-8. */
static const char *clean_slug(Arena *a, const char *s, const char **err)
{
    const char *c = clean_field(a, s, 200, "Đường dẫn (slug)", 0, err);
    if (!c) return NULL;
    if (!*c) return "";
    return vn_slug(a, c, 120);
}

/* First of base, base-2, base-3 ... not used by another row.  sql is a
 * literal "SELECT COUNT(*) FROM t WHERE slug = ?1 AND id <> ?2".  NULL on
 * a database error. */
static const char *slug_unique(Db *db, Arena *a, const char *sql, const char *base, int64_t id)
{
    const char *s = base;
    for (int n = 2; n < 10000; n++) {
        int64_t used = db_int(db, -1, sql, "tl", s, id);
        if (used < 0) return NULL;
        if (used == 0) return s;
        s = arena_printf(a, "%s-%d", base, n);
    }
    return NULL;
}

static const char sql_article_slug_used[] =
    "SELECT COUNT(*) FROM articles WHERE slug = ?1 AND id <> ?2";
static const char sql_category_slug_used[] =
    "SELECT COUNT(*) FROM categories WHERE slug = ?1 AND id <> ?2";

static int status_valid(const char *s)
{
    return strcmp(s, "draft") == 0 || strcmp(s, "scheduled") == 0 ||
           strcmp(s, "published") == 0 || strcmp(s, "archived") == 0;
}

int audit(Db *db, int64_t user_id, const char *username, int64_t now, const char *action,
          const char *object_type, int64_t object_id, const char *detail)
{
    Stmt *st = db_prepare(db,
        "INSERT INTO audit_log (at, user_id, username, action, object_type, object_id, detail) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st) return -1;
    db_bind_int(st, 1, now);
    if (user_id > 0) db_bind_int(st, 2, user_id);
    else db_bind_null(st, 2);
    db_bind_text(st, 3, username && *username ? username : "hệ thống");
    db_bind_text(st, 4, action);
    db_bind_text(st, 5, object_type);
    if (object_id > 0) db_bind_int(st, 6, object_id);
    else db_bind_null(st, 6);
    db_bind_text(st, 7, detail ? detail : "");
    int rc = db_step(st);
    db_done(st);
    return rc == DB_DONE ? 0 : -1;
}

int audit_council(Db *db, int64_t user_id, const char *username, int64_t now, int64_t council_id,
                  const char *action, const char *object_type, int64_t object_id, const char *detail)
{
    if (audit(db, user_id, username, now, action, object_type, object_id, detail) != 0) return -1;
    int rc = db_exec(db, "UPDATE audit_log SET council_id = ?2,"
                         " unit_id = (SELECT unit_id FROM councils WHERE id = ?2) WHERE id = ?1",
                     "ll", db_last_id(db), council_id);
    return rc == DB_OK ? 0 : -1;
}

/* The article's searchable text: summary then body. */
static int article_index(Db *db, Arena *a, int64_t id, const char *title, const char *summary,
                         const char *body)
{
    return db_fts_put(db, "article", id, title, arena_printf(a, "%s\n\n%s", summary, body));
}

/* A listed document's searchable text: its number and file name. */
static int document_index(Db *db, Arena *a, int64_t id, const char *title, const char *fname,
                          const char *num)
{
    return db_fts_put(db, "document", id, *title ? title : fname, arena_printf(a, "%s %s", num, fname));
}

#define REINDEX_CHUNK 500

/* Re-put one chunk of articles (docs = 0) or documents after id *last;
 * returns the rows done (0 at the end) or -1. */
static int reindex_chunk(Db *db, int docs, int64_t *last)
{
    Stmt *st = db_prepare(db, docs ? "SELECT id, COALESCE(title, ''), filename, doc_number FROM attachments "
                                     "WHERE id > ?1 AND doc_number IS NOT NULL AND doc_number <> '' "
                                     "ORDER BY id LIMIT ?2"
                                   : "SELECT id, title, COALESCE(summary, ''), COALESCE(body, '') FROM articles "
                                     "WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!st) return -1;
    db_bindf(st, "li", *last, REINDEX_CHUNK);
    Arena *a = arena_new();
    int64_t ids[REINDEX_CHUNK];
    const char *c1[REINDEX_CHUNK], *c2[REINDEX_CHUNK], *c3[REINDEX_CHUNK];
    int n = 0, rc;
    while ((rc = db_step(st)) == DB_ROW && n < REINDEX_CHUNK) {
        ids[n] = db_col_int(st, 0);
        c1[n] = arena_strdup(a, db_col_text(st, 1));
        c2[n] = arena_strdup(a, db_col_text(st, 2));
        c3[n] = arena_strdup(a, db_col_text(st, 3));
        n++;
    }
    db_done(st);
    int ok = rc == DB_DONE || rc == DB_ROW;
    if (ok && n > 0) {
        ok = db_begin(db) == DB_OK;
        for (int i = 0; ok && i < n; i++)
            ok = (docs ? document_index(db, a, ids[i], c1[i], c2[i], c3[i])
                       : article_index(db, a, ids[i], c1[i], c2[i], c3[i])) == DB_OK;
        if (ok) ok = db_commit(db) == DB_OK;
        else db_rollback(db);
        if (ok) *last = ids[n - 1];
    }
    arena_free(a);
    return ok ? n : -1;
}

int content_search_upgrade(Db *db)
{
    Arena *a = arena_new();
    const char *fmt = db_text(db, a, "SELECT value FROM settings WHERE key = 'search_index_format'", NULL);
    int current = fmt && strcmp(fmt, SEARCH_INDEX_FORMAT) == 0;
    arena_free(a);
    if (current) return 0;
    int64_t total = db_int(db, 0, "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM attachments "
                                  "WHERE doc_number IS NOT NULL AND doc_number <> '')", NULL);
    if (total > 0) log_info("search: rebuilding the index in format %s for %lld entries", SEARCH_INDEX_FORMAT,
                            (long long)total);
    int64_t done = 0;
    for (int docs = 0; docs < 2; docs++) {
        int64_t last = 0;
        int n;
        while ((n = reindex_chunk(db, docs, &last)) > 0) done += n;
        if (n < 0) {
            log_error("search: the index rebuild stopped after %lld of %lld entries: %s; it starts again at the "
                      "next start", (long long)done, (long long)total, db_errmsg(db));
            return -1;
        }
    }
    if (db_exec(db, "INSERT INTO settings (key, value) VALUES ('search_index_format', ?1) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", "t", SEARCH_INDEX_FORMAT) != DB_OK) {
        log_error("search: cannot record the index format: %s", db_errmsg(db));
        return -1;
    }
    if (total > 0) log_info("search: index rebuilt, %lld entries", (long long)done);
    /* The rebuild wrote one segment per chunk: merge them now, before the
     * first query has to read them all (db.h db_fts_optimize). */
    if (total > 0) {
        int64_t steps = db_fts_optimize(db, NULL, NULL);
        if (steps < 0) log_warn("search: merging the rebuilt index failed; `hoidong optimize` retries it");
        else log_info("search: index merged in %lld steps", (long long)steps);
    }
    return 0;
}

int article_save(Db *db, Arena *a, const ArticleInput *in, int64_t user_id, const char *username,
                 int64_t now, int64_t *out_id, const char **err)
{
    *err = NULL;
    /* 1. Validate everything before touching the database. */
    const char *title = clean_field(a, in->title, 300, "Tiêu đề", 1, err);
    if (!title) return -1;
    const char *summary = clean_field(a, in->summary, 1000, "Tóm tắt", 0, err);
    if (!summary) return -1;
    if (in->body && strlen(in->body) > 500000) {
        *err = "Nội dung quá dài (tối đa 500.000 byte).";
        return -1;
    }
    const char *body = clean_field(a, in->body, 500000, "Nội dung", 0, err);
    if (!body) return -1;
    const char *author = clean_field(a, in->author, 200, "Tác giả", 0, err);
    if (!author) return -1;
    const char *slug = clean_slug(a, in->slug, err);
    if (!slug) return -1;
    const char *status = in->status && *in->status ? in->status : "draft";
    if (!status_valid(status)) { *err = "Trạng thái không hợp lệ."; return -1; }
    if (in->category_id <= 0 ||
        db_int(db, 0, "SELECT COUNT(*) FROM categories WHERE id = ?1", "l", in->category_id) != 1) {
        *err = "Vui lòng chọn chuyên mục.";
        return -1;
    }
    if (strcmp(status, "scheduled") == 0 && in->published_at <= 0) {
        *err = "Bài hẹn giờ cần có thời điểm đăng.";
        return -1;
    }
    if (in->published_at < 0) { *err = "Thời điểm đăng không hợp lệ."; return -1; }

    /* 2. Write in one transaction (BEGIN IMMEDIATE: the slug check and the
     * insert cannot race another writer). */
    if (db_begin(db) != DB_OK) { *err = ERR_DB; return -1; }
    int64_t id = in->id, revision = 1, published_at = in->published_at;
    const char *old_slug = NULL;
    if (id > 0) {
        Stmt *st = db_prepare(db, "SELECT slug, revision, published_at FROM articles WHERE id = ?1");
        if (!st) goto dberr;
        db_bind_int(st, 1, id);
        int rc = db_step(st);
        if (rc == DB_ROW) {
            old_slug = db_col_dup(st, 0, a);
            revision = db_col_int(st, 1) + 1;
            /* An edit without a date keeps the original publication date:
             * editing must not move an article to the top of the news. */
            if (published_at == 0 && !db_col_is_null(st, 2)) published_at = db_col_int(st, 2);
        }
        db_done(st);
        if (rc != DB_ROW) {
            db_rollback(db);
            *err = rc == DB_DONE ? "Không tìm thấy bài viết." : ERR_DB;
            return -1;
        }
    }
    if (published_at == 0 && strcmp(status, "published") == 0) published_at = now;

    /* Slug: an explicit one must be free; a derived one is made unique; an
     * existing article keeps its URL unless a new slug is given. */
    if (*slug) {
        int64_t used = db_int(db, -1, sql_article_slug_used, "tl", slug, id);
        if (used < 0) goto dberr;
        if (used > 0) {
            db_rollback(db);
            *err = arena_printf(a, "Đường dẫn \"%s\" đã được dùng cho bài viết khác. "
                                   "Vui lòng chọn đường dẫn khác hoặc để trống.", slug);
            return -1;
        }
    } else if (old_slug) {
        slug = old_slug;
    } else {
        slug = slug_unique(db, a, sql_article_slug_used, vn_slug(a, title, 120), id);
        if (!slug) goto dberr;
    }

    Stmt *st;
    if (id > 0) {
        st = db_prepare(db,
            "UPDATE articles SET category_id = ?2, title = ?3, slug = ?4, summary = ?5, body = ?6, "
            "author = ?7, status = ?8, published_at = ?9, featured = ?10, updated_at = ?11, "
            "revision = ?12 WHERE id = ?1");
        if (!st) goto dberr;
        db_bindf(st, "llttttttnill", id, in->category_id, title, slug, summary, body, author,
                 status, in->featured >= 2 ? 2 : in->featured ? 1 : 0, now, revision);
    } else {
        st = db_prepare(db,
            "INSERT INTO articles (category_id, title, slug, summary, body, author, status, "
            "published_at, featured, created_at, updated_at, created_by, revision, is_sample) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, 1, ?12)");
        if (!st) goto dberr;
        db_bindf(st, "lttttttnilni", in->category_id, title, slug, summary, body, author, status,
                 in->featured >= 2 ? 2 : in->featured ? 1 : 0, now, in->is_sample ? 1 : 0);
    }
    /* Positional NULL placeholders above ('n') are replaced here: optional values. */
    if (published_at > 0) db_bind_int(st, id > 0 ? 9 : 8, published_at);
    if (id <= 0 && user_id > 0) db_bind_int(st, 11, user_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) goto dberr;
    if (id <= 0) id = db_last_id(db);

    st = db_prepare(db,
        "INSERT INTO article_revisions (article_id, revision, title, summary, body, author, "
        "status, edited_by, edited_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!st) goto dberr;
    db_bindf(st, "llttttt", id, revision, title, summary, body, author, status);
    if (user_id > 0) db_bind_int(st, 8, user_id);
    else db_bind_null(st, 8);
    db_bind_int(st, 9, now);
    rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) goto dberr;

    if (article_index(db, a, id, title, summary, body) != 0) goto dberr;
    /* Its documents' filter words hold its category and date. */
    if (db_fts_retag_article(db, id) != DB_OK) goto dberr;
    const char *detail = revision == 1 ? arena_printf(a, "Tạo bài viết \"%s\"", title)
                                       : arena_printf(a, "Sửa bài viết \"%s\" (phiên bản %lld)",
                                                      title, (long long)revision);
    if (audit(db, user_id, username, now, revision == 1 ? "article.create" : "article.update",
              "article", id, detail) != 0)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    if (out_id) *out_id = id;
    return 0;
dberr:
    db_rollback(db);
    *err = ERR_DB;
    return -1;
}

int article_set_status(Db *db, int64_t id, const char *status, int64_t user_id,
                       const char *username, int64_t now, const char **err)
{
    const char *action, *what;
    if (!status) status = "";
    if (strcmp(status, "published") == 0) { action = "article.publish"; what = "Đăng bài viết"; }
    else if (strcmp(status, "draft") == 0) { action = "article.unpublish"; what = "Gỡ bài viết về nháp"; }
    else if (strcmp(status, "archived") == 0) { action = "article.archive"; what = "Lưu trữ bài viết"; }
    else { *err = "Trạng thái không hợp lệ."; return -1; }
    if (db_begin(db) != DB_OK) { *err = ERR_DB; return -1; }
    int rc;
    if (strcmp(status, "published") == 0)
        /* "Publish now": a missing or future date becomes now; a past one
         * (re-publishing an article that was withdrawn) is kept. */
        rc = db_exec(db,
                     "UPDATE articles SET status = 'published', updated_at = ?2, published_at = "
                     "CASE WHEN published_at IS NULL OR published_at > ?2 THEN ?2 "
                     "ELSE published_at END WHERE id = ?1",
                     "ll", id, now);
    else
        rc = db_exec(db, "UPDATE articles SET status = ?2, updated_at = ?3 WHERE id = ?1", "ltl",
                     id, status, now);
    if (rc != DB_OK) goto dberr;
    if (db_changes(db) != 1) {
        db_rollback(db);
        *err = "Không tìm thấy bài viết.";
        return -1;
    }
    /* "Publish now" may have given it a date: the search filters read it. */
    if (db_fts_retag_article(db, id) != DB_OK) goto dberr;
    if (audit(db, user_id, username, now, action, "article", id, what) != 0) goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    return 0;
dberr:
    db_rollback(db);
    *err = ERR_DB;
    return -1;
}

int category_save(Db *db, Arena *a, const CategoryInput *in, int64_t user_id,
                  const char *username, int64_t now, int64_t *out_id, const char **err)
{
    *err = NULL;
    const char *name = clean_field(a, in->name, 200, "Tên chuyên mục", 1, err);
    if (!name) return -1;
    const char *desc = clean_field(a, in->description, 1000, "Mô tả", 0, err);
    if (!desc) return -1;
    const char *slug = clean_slug(a, in->slug, err);
    if (!slug) return -1;
    if (in->position < -1000000 || in->position > 1000000) {
        *err = "Thứ tự không hợp lệ.";
        return -1;
    }
    if (db_begin(db) != DB_OK) { *err = ERR_DB; return -1; }
    int64_t id = in->id;
    const char *old_slug = NULL;
    if (id > 0) {
        old_slug = db_text(db, a, "SELECT slug FROM categories WHERE id = ?1", "l", id);
        if (!old_slug) {
            db_rollback(db);
            *err = "Không tìm thấy chuyên mục.";
            return -1;
        }
    }
    if (in->parent_id > 0) {
        if (db_int(db, 0, "SELECT COUNT(*) FROM categories WHERE id = ?1", "l", in->parent_id) != 1) {
            db_rollback(db);
            *err = "Chuyên mục cha không tồn tại.";
            return -1;
        }
        /* No cycles: walking up from the new parent must never reach us. */
        int64_t cur = in->parent_id;
        for (int depth = 0; cur > 0; depth++) {
            if ((id > 0 && cur == id) || depth > 1000) {
                db_rollback(db);
                *err = "Không thể chọn chuyên mục cha là chính nó hoặc một chuyên mục con của nó.";
                return -1;
            }
            cur = db_int(db, 0, "SELECT COALESCE(parent_id, 0) FROM categories WHERE id = ?1", "l",
                         cur);
        }
    }
    if (*slug) {
        int64_t used = db_int(db, -1, sql_category_slug_used, "tl", slug, id);
        if (used < 0) goto dberr;
        if (used > 0) {
            db_rollback(db);
            *err = arena_printf(a, "Đường dẫn \"%s\" đã được dùng cho chuyên mục khác.", slug);
            return -1;
        }
    } else if (old_slug) {
        slug = old_slug;
    } else {
        slug = slug_unique(db, a, sql_category_slug_used, vn_slug(a, name, 80), id);
        if (!slug) goto dberr;
    }
    Stmt *st;
    if (id > 0) {
        st = db_prepare(db, "UPDATE categories SET parent_id = ?2, name = ?3, slug = ?4, "
                            "description = ?5, position = ?6, in_menu = ?7 WHERE id = ?1");
        if (!st) goto dberr;
        db_bindf(st, "lntttll", id, name, slug, desc, in->position, (int64_t)(in->in_menu ? 1 : 0));
    } else {
        st = db_prepare(db, "INSERT INTO categories (parent_id, name, slug, description, position, "
                            "in_menu, is_sample) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        if (!st) goto dberr;
        db_bindf(st, "ntttlli", name, slug, desc, in->position, (int64_t)(in->in_menu ? 1 : 0),
                 in->is_sample ? 1 : 0);
    }
    if (in->parent_id > 0) db_bind_int(st, id > 0 ? 2 : 1, in->parent_id);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) goto dberr;
    int created = id <= 0;
    if (created) id = db_last_id(db);
    if (audit(db, user_id, username, now, created ? "category.create" : "category.update",
              "category", id,
              arena_printf(a, "%s chuyên mục \"%s\"", created ? "Tạo" : "Sửa", name)) != 0)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    if (out_id) *out_id = id;
    return 0;
dberr:
    db_rollback(db);
    *err = ERR_DB;
    return -1;
}

/* A file name as uploaded: valid UTF-8, NFC, no path separators or control
 * characters, not empty, <= 255 bytes. NULL with *err otherwise. */
static const char *clean_filename(Arena *a, const char *s, const char **err)
{
    if (!s || !*s) { *err = "Thiếu tên tệp."; return NULL; }
    if (!vn_utf8_valid(s, strlen(s))) {
        *err = "Tên tệp chứa ký tự không hợp lệ (không phải UTF-8).";
        return NULL;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\') {
            *err = "Tên tệp không được chứa dấu / \\ hoặc ký tự điều khiển.";
            return NULL;
        }
    char *n = vn_nfc(a, s);
    if (!n) { *err = "Tên tệp chứa ký tự không hợp lệ."; return NULL; }
    if (strlen(n) > 255) { *err = "Tên tệp quá dài (tối đa 255 byte)."; return NULL; }
    if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0) { *err = "Tên tệp không hợp lệ."; return NULL; }
    return n;
}

int64_t attachment_add(Db *db, Arena *a, int64_t article_id, int64_t file_id, const char *filename,
                       const char *title, const char *doc_number, int64_t issued_at, int64_t now,
                       const char **err)
{
    *err = NULL;
    const char *fname = clean_filename(a, filename, err);
    if (!fname) return -1;
    const char *t = clean_field(a, title, 300, "Tên tài liệu", 0, err);
    if (!t) return -1;
    const char *num = clean_field(a, doc_number, 100, "Số ký hiệu", 0, err);
    if (!num) return -1;
    if (db_int(db, 0, "SELECT COUNT(*) FROM articles WHERE id = ?1", "l", article_id) != 1) {
        *err = "Không tìm thấy bài viết.";
        return -1;
    }
    if (db_int(db, 0, "SELECT COUNT(*) FROM files WHERE id = ?1", "l", file_id) != 1) {
        *err = "Không tìm thấy tệp đã lưu.";
        return -1;
    }
    if (db_begin(db) != DB_OK) { *err = ERR_DB; return -1; }
    Stmt *st = db_prepare(db,
        "INSERT INTO attachments (article_id, file_id, filename, title, doc_number, issued_at, "
        "position, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "(SELECT COALESCE(MAX(position), 0) + 1 FROM attachments WHERE article_id = ?1), ?7)");
    if (!st) goto dberr;
    db_bindf(st, "lltttnl", article_id, file_id, fname, t, num, now);
    if (issued_at > 0) db_bind_int(st, 6, issued_at);
    int rc = db_step(st);
    db_done(st);
    if (rc != DB_DONE) goto dberr;
    int64_t id = db_last_id(db);
    /* Attachments with a document number are listed documents (Văn bản):
     * index them for search under their own kind. */
    if (*num && document_index(db, a, id, t, fname, num) != 0) goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    return id;
dberr:
    db_rollback(db);
    *err = ERR_DB;
    return -1;
}

int attachment_delete(Db *db, int64_t id, int64_t user_id, const char *username, int64_t now,
                      int64_t *article_id, const char **err)
{
    Arena *a = arena_new();
    int ret = -1;
    *err = NULL;
    if (db_begin(db) != DB_OK) { *err = ERR_DB; goto out; }
    Stmt *st = db_prepare(db, "SELECT article_id, filename FROM attachments WHERE id = ?1");
    if (!st) goto dberr;
    db_bind_int(st, 1, id);
    int rc = db_step(st);
    int64_t art = rc == DB_ROW ? db_col_int(st, 0) : 0;
    char *fname = rc == DB_ROW ? db_col_dup(st, 1, a) : NULL;
    db_done(st);
    if (rc == DB_DONE) {
        db_rollback(db);
        *err = "Không tìm thấy tệp đính kèm.";
        goto out;
    }
    if (rc != DB_ROW) goto dberr;
    if (db_exec(db, "DELETE FROM attachments WHERE id = ?1", "l", id) != DB_OK) goto dberr;
    if (db_fts_delete(db, "document", id) != 0) goto dberr;
    if (audit(db, user_id, username, now, "attachment.delete", "article", art,
              arena_printf(a, "Xoá tệp đính kèm \"%s\"", fname)) != 0)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    if (article_id) *article_id = art;
    ret = 0;
    goto out;
dberr:
    db_rollback(db);
    *err = ERR_DB;
out:
    arena_free(a);
    return ret;
}
