/* captcha.h - verification codes for reader comments (and anything else
 * an anonymous visitor submits).
 *
 * A code is 5 characters from an alphabet without look-alikes (no 0, O,
 * 1, I, L), held in memory only, keyed by a random 128-bit id written as
 * 32 lowercase hex characters.  The page puts the id in a hidden field and
 * shows /…/<id>.png (captcha_png); the visitor types the code; the
 * handler calls captcha_check, which consumes the entry whatever the
 * answer (single use: replaying a solved id fails, and a wrong guess costs
 * a new code).  Codes expire after CAPTCHA_TTL seconds (the test build's
 * HOIDONG_TEST_CAPTCHA_TTL shortens it: tuning.h).
 *
 * The table holds CAPTCHA_CAPACITY codes, each charged to the requester's
 * network (the visitor_net_hash key of the daily caps: IPv4 /24, IPv6
 * /48).  So that a few networks cannot push out everyone else's codes:
 *  - a network holds at most CAPTCHA_NET_SHARE live codes; past that its
 *    own oldest code is replaced, whatever room is left;
 *  - a full table first drops expired codes (consumed ones are gone at
 *    once), then the oldest code of the network holding the most codes,
 *    or the requester's own oldest when it holds as many as that one.
 * A network therefore never loses a code to a network holding fewer or as
 * many codes as itself.  The share is off when tuning->net_caps is 0 (the
 * test build for make bench, where every request is from loopback).  The
 * server also caps captcha_new per network per day (page_engage.c).
 *
 * Accessible alternative: captcha_text_challenge spells the SAME code in
 * Vietnamese words ("Các ký tự: A, bảy, K, …"), so a screen-reader user
 * answers in the same field and the server has one verification path.
 * Like any text alternative it is machine-readable; the codes are a speed
 * bump, moderation and per-network caps do the rest.
 *
 * Every function that depends on time takes `now` (unix seconds) so tests
 * can inject it.  All functions are thread-safe. */
#ifndef HD_CAPTCHA_H
#define HD_CAPTCHA_H
#include <stddef.h>
#include <stdint.h>
#include "buf.h"

enum {
    CAPTCHA_LEN = 5,            /* characters in a code */
    CAPTCHA_ID_SIZE = 33,       /* 32 hex characters + NUL */
    CAPTCHA_TTL = 300,          /* seconds a code stays valid */
    CAPTCHA_CAPACITY = 20000,   /* codes held at once */
    /* Live codes one network may hold: 1/16 of the table, 1,250.  A code
     * lives 5 minutes, so that is one new comment form every 0.24 s from
     * one /24 - far above the busiest honest office or mobile-carrier NAT
     * behind one /24 - and it takes at least 16 networks at full speed to
     * fill the table at all; once full, those networks evict each other. */
    CAPTCHA_NET_SHARE = CAPTCHA_CAPACITY / 16,
    CAPTCHA_WIDTH = 150,        /* PNG size in pixels */
    CAPTCHA_HEIGHT = 50
};

/* Make a new code valid until now + CAPTCHA_TTL for the requester's
 * network and write its id (32 hex characters, NUL-terminated) into id.
 * net/net_len is the network key (visitor_net_hash of the client address;
 * NULL or 0 bytes: one shared "unknown network").  Returns 0, or -1 if
 * libsodium cannot be initialised. */
int captcha_new(char id[CAPTCHA_ID_SIZE], const void *net, size_t net_len, int64_t now);

/* Render the code of id as a PNG (CAPTCHA_WIDTH x CAPTCHA_HEIGHT) appended
 * to out.  The same id always renders the same picture (noise derived from
 * the id with a process secret), so reloading gives no extra samples.
 * Does not consume the code.  Returns 0; -1 when the id is unknown or
 * expired, or the font cannot be loaded (logged). */
int captcha_png(const char *id, int64_t now, Buf *out);

/* Vietnamese spoken-style text of the code of id appended to out, e.g.
 * "Mã xác nhận gồm 5 ký tự. Các ký tự: A, bảy, K, M, ba." (digits as
 * words, letters as capitals).  Does not consume.  0, or -1 when unknown
 * or expired. */
int captcha_text_challenge(const char *id, int64_t now, Buf *out);

/* Check answer for id: case-insensitive, spaces ignored.  The entry is
 * removed on any check (right, wrong, expired).  Returns 1 when correct
 * and not expired, 0 otherwise (including unknown id, NULL arguments). */
int captcha_check(const char *id, const char *answer, int64_t now);

/* Test aid: copy the code of id into out (NUL-terminated) ONLY when
 * tuning->captcha_peek is set (the test build's HOIDONG_TEST_MODE=1).  Does not consume.  0, or -1 when test mode is off
 * or the id is unknown/expired. */
int captcha_peek(const char *id, int64_t now, char out[CAPTCHA_LEN + 1]);

/* 1 when listen_addr is a loopback address (127.0.0.0/8 or ::1, optionally
 * in [brackets]), else 0 (host names such as "localhost" and wildcard
 * addresses included).  The test build refuses to start with the peek on
 * unless this returns 1 for cfg.listen. */
int captcha_test_mode_allowed(const char *listen_addr);

/* Drop every code and release the font cache (shutdown, tests). */
void captcha_reset(void);

#endif
