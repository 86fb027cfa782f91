/* engage_poll.h - the polls ("Bình chọn") and website links ("Liên kết
 * website") model: every write is one function call with plain inputs that
 * does all its writes in ONE transaction (so a later group-commit writer
 * can take them over unchanged); reads for pages are plain SQL in the page
 * files.
 *
 * A vote is recorded as: one poll_voters row (poll, voter key), +1 on each
 * chosen option's `votes` and +1 on the poll's `voters`, all in the vote's
 * transaction, so the counts shown are exact.  The voter key is a keyed
 * BLAKE2b hash of (poll id, visitor cookie id) under a server secret kept
 * in settings `poll_voter_secret`: it recognises a repeated vote from the
 * same browser, but the table cannot be linked to cookies without the
 * secret, keys of different polls cannot be linked to each other, and the
 * chosen options are not stored per voter at all (secret ballot).
 *
 * Error texts returned in *err are Vietnamese, for users. */
#ifndef HD_ENGAGE_POLL_H
#define HD_ENGAGE_POLL_H
#include <stddef.h>
#include <stdint.h>
#include "arena.h"
#include "db.h"

enum {
    POLL_MAX_OPTIONS = 20,
    POLL_QUESTION_MAX = 300,     /* characters */
    POLL_LABEL_MAX = 200,        /* characters */
    POLL_KEY_HEX = 65,           /* voter key: 64 hex digits + NUL */
    LINK_NAME_MAX = 200,         /* characters */
    LINK_URL_MAX = 2000          /* bytes */
};

/* Outcomes of poll_vote. */
enum {
    POLL_VOTE_ERROR = -1,        /* database error (logged) */
    POLL_VOTE_OK = 0,
    POLL_VOTE_NOT_FOUND = 1,     /* no such poll, or a draft */
    POLL_VOTE_NOT_OPEN = 2,      /* open, but before opens_at */
    POLL_VOTE_CLOSED = 3,        /* closed, archived or past closes_at */
    POLL_VOTE_BAD_OPTION = 4,    /* no option, an option of another poll, or several on a single-choice poll */
    POLL_VOTE_ALREADY = 5        /* this voter key already voted: nothing changed */
};

/* The voter key of visitor id (engage_visitor) for a poll, as 64 lowercase
 * hex digits into out.  Creates the secret in settings on first use.
 * 0, or -1 on a database error. */
int poll_voter_key(Db *db, int64_t poll_id, const uint8_t visitor_id[16], char out[POLL_KEY_HEX]);

/* Is the poll accepting votes at time now?  status 'open' and now within
 * [opens_at, closes_at).  Returns POLL_VOTE_OK, _NOT_FOUND, _NOT_OPEN or
 * _CLOSED (see above) for the given column values. */
int poll_votable(const char *status, int64_t opens_at, int64_t closes_at, int64_t now);

/* Record one vote in one transaction: checks the poll is votable at now,
 * the n option ids (duplicates ignored) belong to it (exactly one for a
 * single-choice poll), and that voter_key has not voted; then inserts the
 * voter and adds 1 to each option and to the poll's voters.  Returns one
 * of POLL_VOTE_* ; on anything but POLL_VOTE_OK nothing is written. */
int poll_vote(Db *db, int64_t poll_id, const char *voter_key, const int64_t *option_ids, size_t n,
              int64_t now);

/* 1 if voter_key already voted in the poll, 0 if not, -1 on error. */
int poll_has_voted(Db *db, int64_t poll_id, const char *voter_key);

typedef struct PollInput {
    int64_t id;                  /* 0 = new poll (created as a draft unless status says otherwise) */
    const char *question;        /* required, <= POLL_QUESTION_MAX chars */
    const char *options;         /* one option per line, 2..POLL_MAX_OPTIONS, each <= POLL_LABEL_MAX chars, distinct */
    int multiple;                /* 1: several options may be chosen */
    int64_t opens_at, closes_at; /* 0 = none */
    const char *status;          /* new polls only: NULL = "draft" */
    int is_sample;
} PollInput;

/* Validate and create or update a poll with its options, audited, in one
 * transaction.  On edit, option i (line i) keeps its votes; options beyond
 * the new list are removed only when nobody chose them (else an error).
 * Returns 0 and *out_id, or -1 with *err (nothing written). */
int poll_save(Db *db, Arena *a, const PollInput *in, int64_t user_id, const char *username,
              int64_t now, int64_t *out_id, const char **err);

/* Set a poll's status: "draft", "open", "closed" or "archived"; audited.
 * 0, or -1 with *err. */
int poll_set_status(Db *db, int64_t id, const char *status, int64_t user_id,
                    const char *username, int64_t now, const char **err);

/* A website link's URL is acceptable: http:// or https:// (any case) with
 * a host, no spaces or control characters, <= LINK_URL_MAX bytes.
 * 1 yes, 0 no (javascript:, data:, relative URLs ...). */
int link_url_ok(const char *url);

typedef struct LinkInput {
    int64_t id;                  /* 0 = new link (placed last) */
    const char *name;            /* required, <= LINK_NAME_MAX chars */
    const char *url;             /* link_url_ok */
    int64_t logo_file_id;        /* 0 = none / keep none */
    int is_sample;
} LinkInput;

/* Validate and create or update a link, audited.  0 and *out_id, or -1
 * with *err (nothing written). */
int link_save(Db *db, Arena *a, const LinkInput *in, int64_t user_id, const char *username,
              int64_t now, int64_t *out_id, const char **err);
/* Delete a link, audited.  0, or -1 with *err (unknown link, db error). */
int link_delete(Db *db, int64_t id, int64_t user_id, const char *username, int64_t now,
                const char **err);
/* Move a link one place up (dir < 0) or down (dir > 0) in the list; the
 * positions are renumbered 1..n in the same transaction.  Moving the first
 * up or the last down changes nothing.  0, or -1 with *err. */
int link_move(Db *db, int64_t id, int dir, int64_t user_id, const char *username, int64_t now,
              const char **err);

#endif
