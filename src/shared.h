/* shared.h - what the nodes of a cluster must agree on (issue 11 item 2;
 * docs/POSTGRESQL.md "Several nodes").
 *
 * One hoidong process on SQLite keeps its verification codes, rate and
 * flood limits, visitors online and the day's hash secret in memory: it is
 * the only process, so memory is where everyone sees them.  Several nodes
 * on one PostgreSQL database must see the same ones, or a code issued by
 * node A could be replayed on node B, and a network's daily cap would be
 * multiplied by the number of nodes.  With shared mode on (a server whose
 * database is PostgreSQL), the modules that own each piece keep it in the
 * shared_* tables instead (migration 15), through the calling thread's
 * connection:
 *   captcha.c  shared_codes     (taken by DELETE: single use cluster-wide)
 *   engage.c   shared_counters  (shared_cap_take, shared_flood_take)
 *   auth.c     shared_counters  (shared_window_*: sign-in failures per address)
 *   stats.c    shared_visitors  (today's distinct visitors, online now)
 *   visitor.c  shared_keys      (shared_day_key: the day's secret)
 * and this file adds the two things that are not a table row:
 *   - the page caches of the nodes tell each other what a write changed
 *     (http_cache.c's peer hook; LISTEN/NOTIFY on channel hoidong_cache);
 *   - tasks that must run once per cluster take a lease (shared_lease).
 * Group commit is untouched: each node's writer answers only after its
 * COMMIT, and PostgreSQL serialises the writers of all nodes.
 *
 * Nothing here names a person: keys are keyed hashes of the day, rows
 * live for minutes or until the day ends, and a database crash that loses
 * them (UNLOGGED tables) loses nothing that matters: open codes must be
 * asked for again, counters start over. */
#ifndef HD_SHARED_H
#define HD_SHARED_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* On for a server whose backend can message other processes (PostgreSQL:
 * db_has_notify), or by a test. */
int shared_enabled(void);
void shared_enable(int on);
/* This process's name in leases and cache messages (16 hex digits). */
const char *shared_node(void);

/* A daily cap: count one more under key unless `cap` are counted already.
 * 1 counted, 0 at the cap, -1 database error.  expires: when the row may
 * go (the end of the day the key names). */
int shared_cap_take(Db *db, const uint8_t key[16], int64_t cap, int64_t expires);
/* A flood limit: 1 (and remember now) if the previous take of key was at
 * least `seconds` ago or never, 0 if sooner, -1 database error. */
int shared_flood_take(Db *db, const uint8_t key[16], int64_t now, int seconds);
/* A fixed window: count one under key; a window that ended starts over
 * with a new one of `window` seconds.  0 or -1. */
int shared_window_add(Db *db, const uint8_t key[16], int64_t now, int64_t window);
/* The count of key's open window (0 when none) and when it ends; -1 error. */
int64_t shared_window_count(Db *db, const uint8_t key[16], int64_t now, int64_t *ends);

/* The secret named `name` for local day `day` (yyyymmdd): the first node
 * to ask on a new day draws it at random, replacing the previous day's.
 * When another node has moved on to a later day already, that day's
 * secret and number are given (secrets only move forward).  n <= 64 bytes.
 * Returns the day of the secret, or -1. */
int shared_day_key(Db *db, const char *name, int day, uint8_t *out, size_t n);

/* Hold the lease `name` for `seconds` from now: 1 if this node holds it
 * (taken or renewed), 0 if another node does, -1 error. */
int shared_lease(Db *db, const char *name, int64_t now, int seconds);

/* Give up the lease `name` if this node holds it (a clean stop), so
 * another node takes it on its next round instead of when it lapses.
 * 1 released, 0 not held by this node, -1 error. */
int shared_lease_release(Db *db, const char *name);

/* Once per cluster (under the task lease): drop expired codes, counters
 * and leases, write each ended day's count of distinct visitors into
 * stats_daily (the greater of stored and counted) and drop that day's
 * hashes once nobody can be online under them.  Rows removed, or -1. */
int64_t shared_sweep(Db *db, int64_t now);

/* Cache messages between nodes: start the listener thread (its own
 * connection to db_path, reconnecting; after every (re)connection it
 * empties this node's cache, since messages sent meanwhile are lost) and
 * the sender thread (its own connection; sends the invalidations queued
 * since its last message as one message), and install the hook that
 * queues this node's invalidations for the others.  0, or -1 with a reason.  No-op when the backend has no
 * LISTEN/NOTIFY. */
int shared_peers_start(const char *db_path, char *err, size_t errlen);
void shared_peers_stop(void);
/* Messages applied from other nodes since start (tests, status). */
uint64_t shared_peer_messages(void);
#endif
