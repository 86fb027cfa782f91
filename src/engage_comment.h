/* engage_comment.h - readers' comments on articles and their moderation.
 *
 * Every comment a reader sends waits in status 'pending' until a moderator
 * approves it ('approved'), rejects it ('rejected') or marks it as spam
 * ('spam').  Staff replies (is_staff = 1, parent_id = the reader's
 * comment) are approved at once.  The reader's e-mail is stored for the
 * editorial office only: no function here returns it for public display
 * and nothing exports it.  Comment text is plain text: the pages escape it
 * and never turn links into anchors.
 *
 * Writes are single calls with plain inputs, each ONE transaction (a
 * group-commit writer can take them over).  Validation is separate
 * (comment_validate) so a page can answer with the typed text and a
 * message before anything is written.  Messages are Vietnamese. */
#ifndef HD_ENGAGE_COMMENT_H
#define HD_ENGAGE_COMMENT_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

enum {
    COMMENT_NAME_MAX = 100,      /* characters */
    COMMENT_EMAIL_MAX = 254,     /* bytes (RFC 5321 path limit) */
    COMMENT_BODY_MIN = 5,        /* characters */
    COMMENT_BODY_MAX = 3000,     /* characters */
    COMMENT_LINKS_HOLD = 2       /* this many links or more: flagged "links" for the moderator */
};

/* Cleaned fields (arena strings) and, per field, the Vietnamese problem or NULL. */
typedef struct CommentFields {
    const char *name, *email, *body;
    const char *name_err, *email_err, *body_err;
    int links;                   /* links counted in body */
} CommentFields;

/* Validate a reader's comment: each input must be valid UTF-8 (else a
 * message; NULL counts as empty), is NFC-normalised and trimmed
 * (vn_clean); name 1..COMMENT_NAME_MAX characters, e-mail empty or a
 * plausible address <= COMMENT_EMAIL_MAX bytes, body COMMENT_BODY_MIN..
 * COMMENT_BODY_MAX characters.  Fills *out; returns 0 when all fields are
 * fine, -1 otherwise (see the *_err fields). */
int comment_validate(Arena *a, const char *name, const char *email, const char *body,
                     CommentFields *out);

/* Number of links in text: "http://", "https://" and "www." (any case). */
int comment_count_links(const char *text);

/* Store a reader's comment (already validated) as pending, flagged
 * "links" when it has COMMENT_LINKS_HOLD or more links.  One transaction;
 * the article must exist.  0 and *out_id (may be NULL), or -1 on error. */
int comment_add(Db *db, int64_t article_id, const char *name, const char *email,
                const char *body, int64_t now, int is_sample, int64_t *out_id);

/* Staff reply to comment parent_id (a reply to a reply attaches to the
 * top-level comment): stored approved with is_staff = 1 and the staff
 * member's display name; a pending parent is approved with it (answering
 * a question publishes it).  Audited.  body must be 1..COMMENT_BODY_MAX
 * characters of valid UTF-8.  0 and *out_id, or -1 with *err (Vietnamese;
 * nothing written). */
int comment_reply(Db *db, Arena *a, int64_t parent_id, const char *body, int64_t user_id,
                  const char *username, const char *display_name, int64_t now,
                  int64_t *out_id, const char **err);

/* Set the status of the n comments ids to status ("approved", "rejected",
 * "spam" or "pending"), recording who and when, one audit row per comment
 * actually changed, all in one transaction.  Unknown ids are skipped.
 * Returns the number changed, or -1 on error / bad status (nothing written). */
int comment_moderate(Db *db, const int64_t *ids, size_t n, const char *status, int64_t user_id,
                     const char *username, int64_t now);

/* A comment as read for pages (strings in the arena). */
typedef struct Comment {
    int64_t id, article_id, parent_id;
    const char *name, *body, *status, *flags;
    int is_staff;
    int64_t created_at, moderated_at;
    const char *article_title, *article_slug;   /* comment_queue only */
    const char *moderator;                        /* comment_queue only: username or NULL */
} Comment;

/* Approved comments of an article for the public page: top-level ones
 * oldest first, each followed by its approved replies oldest first
 * (replies have parent_id != 0).  *out in the arena.  0, or -1 on error. */
int comment_list_public(Db *db, Arena *a, int64_t article_id, Comment **out, size_t *n);

/* The article a comment belongs to, 0 for an unknown comment, -1 on error
 * (the pages use it to say which cached page a moderation changed). */
int64_t comment_article_id(Db *db, int64_t comment_id);

/* Number of approved comments (replies included) of an article; -1 on error. */
int64_t comment_count_public(Db *db, int64_t article_id);

/* Moderation queue: comments with status (NULL = any), newest first,
 * limit/offset, with article title and slug.  *total gets the count for
 * the status.  0, or -1 on error. */
int comment_queue(Db *db, Arena *a, const char *status, int64_t limit, int64_t offset,
                  Comment **out, size_t *n, int64_t *total);

/* Vietnamese label of a status ("Chờ duyệt" ...); the status itself if unknown. */
const char *comment_status_label(const char *status);

#endif
