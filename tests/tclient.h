/* tclient.h - HTTP test support: start the real hoidong binary on a free
 * loopback port with a fresh database in a temp directory, and talk to it
 * with libcurl.  Used by tests/http_*.c.
 *
 *   TServer s;
 *   if (ts_start(&s, 1) != 0) { ...fail... }      // 1 = load demo content
 *   TClient *c = tc_new(&s);                        // own cookie jar
 *   TResp *res = tc_get(c, "/");                    // res->status, res->body
 *   tc_login(c, "admin", TS_ADMIN_PASSWORD);        // staff session; c->csrf set
 *   res = tc_post(c, "/quan-tri/...", "title", "Tiêu đề", "csrf", c->csrf, NULL);
 *   tc_free(c); ts_stop(&s);
 */
#ifndef HD_TCLIENT_H
#define HD_TCLIENT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TS_ADMIN_PASSWORD "Quản-trị-thử-nghiệm-2026"

typedef struct TServer {
    pid_t pid;
    int port;
    char dir[256];      /* temp dir: hoidong.db, files/, server.log */
    char base[64];      /* "http://127.0.0.1:PORT" */
    char db[1024];      /* its database: dir/hoidong.db, or a PostgreSQL URL under make test-pg (t_db) */
} TServer;

typedef struct TResp {
    long status;
    char *body;         /* NUL-terminated */
    size_t len;
    char *headers;      /* raw response headers, NUL-terminated */
} TResp;

typedef struct TClient {
    TServer *s;
    void *curl;
    char csrf[128];     /* after tc_login: the session's CSRF token */
    const char *user_agent; /* default "hoidong-tests/1.0" */
    const char *ip;     /* bind to this loopback address (e.g. "127.0.0.2"), NULL = default */
    int quiet;          /* do not report transport errors on stderr */
    TResp last;
} TClient;

/* Start the server (with `demo` content when demo != 0). Extra environment
 * for the server can be set with setenv() before the call. 0 or -1. */
int ts_start(TServer *s, int demo);
/* Run a hoidong subcommand against this server's database: "user list" etc.
 * Returns its exit status; output (stdout+stderr) in out (malloc, may be NULL). */
int ts_cmd(TServer *s, char **out, const char *args);
void ts_stop(TServer *s);
/* A second node of first's site: its own port, directory and log, the same
 * database and (a link to) the same file store; no init or demo.  For the
 * several-node tests on PostgreSQL.  0 or -1. */
int ts_start_peer(TServer *s, const TServer *first);
/* The server's clock (test build, HOIDONG_TEST_CLOCK_FILE): from now on
 * every request and background task sees unix_seconds as the time (0 =
 * real time again).  Effective at the next request.  0 or -1. */
int ts_clock_set(TServer *s, int64_t unix_seconds);
/* Noon of today in Asia/Ho_Chi_Minh (UTC+7, no DST), unix seconds: a
 * clock for tests that count per day, so no run crosses the site's
 * midnight (17:00 UTC) between two requests. */
int64_t ts_vn_noon_today(void);
/* Kill with SIGKILL and restart on the same port and files (crash tests). */
int ts_restart_kill(TServer *s);

/* The council tests' staff, all with `password`: bd.bientap and bd.bientap2
 * (editors of phường Ba Đình), tp.bientap (editor of the city), tp.xemxet
 * (reviewer of the city).  0 or -1. */
int ts_council_staff(TServer *s, const char *password);
/* The server's database opened beside it (ids and checks); NULL on error. */
struct Db *ts_db(TServer *s);

TClient *tc_new(TServer *s);
void tc_free(TClient *c);
/* Requests. The returned TResp is owned by the client and valid until the next request. */
TResp *tc_get(TClient *c, const char *path);
TResp *tc_head(TClient *c, const char *path);
/* Extra request headers, "Name: value" strings, NULL-terminated array (may be NULL). */
TResp *tc_get_h(TClient *c, const char *path, const char *const *headers);
/* urlencoded POST of name/value pairs, NULL-terminated. Sends Origin of the server. */
TResp *tc_post(TClient *c, const char *path, ...);
/* multipart POST: pairs as tc_post, but a name starting with '@' is a file
 * field: "@file", "/path/to/file", "filename-to-send.pdf" (three strings). */
TResp *tc_post_multipart(TClient *c, const char *path, ...);
/* Raw body POST with a given content type and extra headers. */
TResp *tc_post_raw(TClient *c, const char *path, const char *ctype, const char *body, size_t len,
                   const char *const *headers);
/* Sign in through the form; 0 on success (and c->csrf filled). */
int tc_login(TClient *c, const char *user, const char *password);
/* Value of a response header (case-insensitive), malloc'd copy or NULL. */
char *tc_header(TResp *res, const char *name);
/* Whole file into a malloc'd NUL-terminated buffer (*len set when len is
 * not NULL); NULL when unreadable. */
char *tc_slurp(const char *path, size_t *len);
/* 1 if the file's bytes contain needle, 0 if not, -1 if unreadable. */
int tc_file_has(const char *path, const char *needle);
/* Value of the first <input name="NAME" value="..."> in the body, malloc'd (HTML entities decoded) or NULL. */
char *tc_input_value(const char *html, const char *name);
/* The number written right after prefix in html ("4.922.512" -> 4922512),
 * or -1 when prefix or a number is missing. */
long long tc_num_after(const char *html, const char *prefix);
/* The render serial of a cached page (test build header X-Hoidong-Render):
 * the same serial as before means the answer came from the cache; a new
 * one means the page was made again.  0 when absent. */
unsigned long long tc_render(TResp *res);
#endif
