/* content.h - the publishing model: articles, categories, the file store
 * and attachments.  Used by the admin pages, the demo loader and the
 * command line, so rules (validation, slugs, revisions, audit) live in one
 * place.  Error messages returned in *err are Vietnamese, for users. */
#ifndef HD_CONTENT_H
#define HD_CONTENT_H
#include <stdint.h>
#include <stddef.h>
#include "db.h"
#include "arena.h"

typedef struct ArticleInput {
    int64_t id;               /* 0 = new article */
    int64_t category_id;
    const char *title;        /* required, <= 300 chars */
    const char *slug;         /* NULL/"" = derive from title (vn_slug), made unique with -2, -3 ... */
    const char *summary;      /* <= 1000 chars */
    const char *body;         /* Markdown, <= 500 000 bytes */
    const char *author;       /* byline, <= 200 chars */
    const char *status;       /* "draft" | "scheduled" | "published" | "archived" */
    int64_t published_at;     /* 0 = now when publishing */
    int featured;             /* 0 no, 1 featured on the home page, 2 pinned as its lead story */
    int is_sample;
} ArticleInput;

/* Validate (valid UTF-8, NFC, lengths, category exists, status), then in one
 * transaction insert or update the article, bump its revision and write an
 * article_revisions row and an audit_log row.  Returns 0 and *out_id, or -1
 * with *err (Vietnamese, for the form; nothing written). */
int article_save(Db *db, Arena *a, const ArticleInput *in, int64_t user_id, const char *username,
                 int64_t now, int64_t *out_id, const char **err);
/* Is the article visible to the public at time now?  (published, or
 * scheduled with published_at <= now) - the SQL condition used everywhere.
 * Written with `status IN (..)` first so the planner can use the
 * (category_id, status, published_at) index as a covering index; the
 * plain OR form made SQLite scan every published article (bench/run.sh:
 * the home page took 1.2 s over 10 000 articles). */
#define ARTICLE_VISIBLE_SQL "(a.status IN ('published', 'scheduled') AND (a.status = 'published' OR a.published_at <= ?1))"

/* Change an article's status (admin "publish now" / "unpublish" / "archive").
 * status: "published" (published_at = now unless already in the past),
 * "draft" or "archived".  Audited.  0, or -1 with *err (Vietnamese). */
int article_set_status(Db *db, int64_t id, const char *status, int64_t user_id,
                       const char *username, int64_t now, const char **err);

typedef struct CategoryInput {
    int64_t id;               /* 0 = new category */
    int64_t parent_id;        /* 0 = top level */
    const char *name;         /* required, <= 200 chars */
    const char *slug;         /* NULL/"" = derive from name, made unique */
    const char *description;  /* <= 1000 chars */
    int64_t position;         /* ordering among siblings */
    int in_menu;
    int is_sample;
} CategoryInput;
/* Validate (parent exists, no cycle, slug unique) and insert/update a
 * category, audited.  Returns 0 and *out_id, or -1 with *err (nothing written). */
int category_save(Db *db, Arena *a, const CategoryInput *in, int64_t user_id,
                  const char *username, int64_t now, int64_t *out_id, const char **err);

/* Store a file's bytes content-addressed under files_dir/<aa>/<sha256>:
 * type decided by content (libmagic) and checked against the allowed list
 * (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS, JPEG, PNG, GIF, WebP); size <= max.
 * Reuses an existing files row with the same hash.  Returns the files.id, or
 * -1 with *err (Vietnamese).  Writes via a temp file + fsync + rename. */
int64_t store_put(Db *db, Arena *a, const char *files_dir, const char *src_path, size_t max,
                  const char **err);
/* Same for bytes in memory (demo content). */
int64_t store_put_mem(Db *db, Arena *a, const char *files_dir, const void *data, size_t n,
                      size_t max, const char **err);
/* Path of a stored file (in the arena). */
char *store_path(Arena *a, const char *files_dir, const char *sha256);

/* Attach a stored file to an article; filename is the original (Vietnamese)
 * name, validated (UTF-8, no '/' or control characters, <= 255 bytes).
 * Returns the attachment id or -1 with *err. */
int64_t attachment_add(Db *db, Arena *a, int64_t article_id, int64_t file_id, const char *filename,
                       const char *title, const char *doc_number, int64_t issued_at, int64_t now,
                       const char **err);

/* Remove an attachment (the stored bytes stay: other rows may share them).
 * Audited.  Returns 0 and *article_id (the article it belonged to), or -1
 * with *err. */
int attachment_delete(Db *db, int64_t id, int64_t user_id, const char *username, int64_t now,
                      int64_t *article_id, const char **err);

/* The search index's format (db_fts_put): 2 since document numbers are
 * also indexed as one word each (vn.h vn_code_words), 3 since each entry
 * carries its filter words (db_fts.c: kind, category, date).  An index of an
 * older format is rebuilt from the articles and documents, in chunks
 * (not timed; bench-search builds 645-1 525 entries a second); the format is recorded in settings only
 * when the whole index is done, so an interrupted rebuild starts again.
 * A new database records the format at creation (migrations 16 and 17).
 * Called before the server accepts requests.  0, or -1 (logged). */
#define SEARCH_INDEX_FORMAT "3"
int content_search_upgrade(Db *db);

/* Append to the audit log (who, what, when). detail is free text. */
int audit(Db *db, int64_t user_id, const char *username, int64_t now, const char *action,
          const char *object_type, int64_t object_id, const char *detail);
/* The same for council work: the row also names the council and its unit
 * (the unit of the council at the time, for the log filters). */
int audit_council(Db *db, int64_t user_id, const char *username, int64_t now, int64_t council_id,
                  const char *action, const char *object_type, int64_t object_id, const char *detail);
#endif
