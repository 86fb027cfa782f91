/* http.h - the request a handler receives and the ways it replies.
 *
 * Flow (see docs/ARCHITECTURE.md): libmicrohttpd calls http_server.c's
 * access handler; the first call creates a Req with its own Arena, later
 * calls feed the body through the post processor (form fields into
 * r->form, file parts streamed into capped temp files as Uploads); the
 * last call looks up the route (http_routes.c), checks permission and, for
 * state-changing methods, same-origin and the CSRF token, then calls the
 * handler.  The handler fills r->out (usually via reply_page) and returns
 * the HTTP status.  http_server.c adds headers (security, ETag, gzip),
 * queues the response and frees the arena when the request completes. */
#ifndef HD_HTTP_H
#define HD_HTTP_H
#include <stdint.h>
#include <stddef.h>
#include "arena.h"
#include "buf.h"
#include "db.h"
#include "tmpl.h"

struct MHD_Connection;

typedef struct Param {
    const char *name;
    const char *value;        /* NUL-terminated; may contain invalid UTF-8 (validate!) */
    size_t len;
    struct Param *next;
} Param;

typedef struct Upload {
    const char *field;        /* form field name */
    const char *filename;     /* original file name as sent (unvalidated) */
    const char *path;         /* temp file, unlinked when the request ends */
    size_t size;
    struct Upload *next;
} Upload;

/* Editor < moderator < admin is an order (a route's role is a minimum);
 * the reviewer stands apart: it reads council work of its council and of
 * the councils below, and passes no other route (role_allows, staff.h). */
enum Role { ROLE_NONE = 0, ROLE_EDITOR = 1, ROLE_MODERATOR = 2, ROLE_ADMIN = 3, ROLE_REVIEWER = 4,
            /* an answering agency's account (issue 10): passes only ROLE_AGENCY routes and
             * sees only the petitions and recommendations forwarded to users.agency_id */
            ROLE_AGENCY = 5 };

typedef struct User {
    int64_t id;
    const char *username;
    const char *display_name;
    int role;                 /* enum Role */
    int64_t council_id;       /* the council whose office the account works for; 0 = the portal owner's (top) */
    int64_t agency_id;        /* ROLE_AGENCY: the agency it answers for (agencies.id); else 0 */
} User;

typedef struct ReplyHeader { const char *name, *value; struct ReplyHeader *next; } ReplyHeader;

typedef struct Req {
    Arena *arena;
    struct MHD_Connection *conn;
    const char *method;       /* "GET", "POST", ... (HEAD is served as GET with is_head) */
    int is_head;
    const char *path;         /* decoded path, no query string */
    const char *args[4];      /* captures of ":name" / "*" segments of the route pattern */
    int nargs;
    Param *query;             /* decoded query string */
    Param *form;              /* decoded urlencoded / multipart fields */
    Upload *uploads;
    int body_too_large;       /* set when the body exceeded the limit (request answered 413) */
    Db *db;                   /* this thread's connection */
    int64_t now;              /* unix seconds at request start */
    User *user;               /* signed-in staff member, or NULL */
    int64_t council_id;       /* ROUTE_COUNCIL: the council of the URL, already checked against the scope */
    int council_scope;        /* ROUTE_COUNCIL: STAFF_READ or STAFF_WRITE (staff.h) */
    const char *csrf;         /* CSRF token to embed in forms ("" when anonymous) */
    char incident[17];        /* random id shown on 500 pages and logged */

    /* reply */
    Buf out;                  /* body */
    const char *content_type; /* default "text/html; charset=utf-8" */
    ReplyHeader *headers;
    int cache_seconds;        /* >0: public Cache-Control max-age; 0: no-cache (default); -1: no-store */
    const char *file_path;    /* reply_file: body comes from this file instead of out */
    const char *file_disposition;
    int file_inline;
    int no_log;               /* keep out of the access log (healthz) */
    int visit_page;           /* the handler wants this counted as a page view (stats) */
    int64_t visit_article;    /* ... of this article id (0 = none) */
    /* A live fragment of the page (http_cache.h, cache_live_update): the
     * text between live_open and the next live_close, once in the page, is
     * article live_article's rating summary; 0 = none. */
    int64_t live_article;
    const char *live_open, *live_close;
    int cacheable;            /* public page: http_cache may keep this reply for anonymous GETs
                               * (the page must not depend on cookies or the visitor) */
} Req;

typedef int (*Handler)(Req *r);

/* Request data.  All returned strings live in the request arena. */
const char *req_query(Req *r, const char *name);     /* NULL if absent */
const char *req_form(Req *r, const char *name);      /* NULL if absent */
const char *req_param(Req *r, const char *name);     /* form, then query */
/* Integer parameter: dflt when absent or not a plain decimal in [lo, hi]. */
int64_t req_int(Req *r, const char *name, int64_t dflt, int64_t lo, int64_t hi);
const char *req_header(Req *r, const char *name);
const char *req_cookie(Req *r, const char *name);
const Upload *req_upload(Req *r, const char *field);
/* Client address as text, for in-memory rate limiting and visit hashing ONLY:
 * never store or log it. */
const char *req_client_ip(Req *r);

/* Replies.  Each returns the status to return from the handler. */
void reply_header(Req *r, const char *name, const char *value);
/* Set a cookie.  Secure cookies use the __Host- prefix and Secure when the
 * server is behind TLS (config); SameSite=Lax, HttpOnly unless js_visible. */
void reply_cookie(Req *r, const char *name, const char *value, int64_t max_age, int js_visible);
int reply_redirect(Req *r, const char *location);   /* 303 See Other */
/* Render template `tmpl` inside the layout.  ctx may be NULL (then
 * layout_ctx, layout.h: the context pages start from); the layout gets
 * title, the menu, breadcrumbs (ctx key "crumbs": list of {name,url}) and
 * the sidebar.  Returns status (or 500 on a template error). */
int reply_page(Req *r, int status, const char *tmpl, const char *title, Val *ctx);
/* Vietnamese error page for 400/403/404/405/413/429/500/503 with message
 * (NULL = the standard text for the status).  500 shows r->incident. */
int reply_error(Req *r, int status, const char *message);
int reply_text(Req *r, int status, const char *content_type, const char *body);
/* Serve a file (Range, ETag from the content hash when etag != NULL).
 * download_name: original file name for Content-Disposition (UTF-8, RFC 6266
 * filename*), NULL for none; inline: inline vs attachment. */
int reply_file(Req *r, const char *path, const char *content_type, const char *etag,
               const char *download_name, int inline_disp);
/* A generated file (an export) from memory, as an attachment named
 * download_name; never cached. */
int reply_download(Req *r, const char *content_type, const void *data, size_t len, const char *download_name);

/* Routes (http_routes.c). */
typedef struct Route {
    const char *method;       /* "GET" (also answers HEAD) or "POST" */
    const char *pattern;      /* e.g. "/bai-viet/:slug", or "/static/" + "*" */
    Handler handler;
    int role;                 /* minimum enum Role (role_allows); ROLE_NONE = public, ROLE_REVIEWER = any staff */
    int flags;                /* ROUTE_* */
} Route;
enum { ROUTE_NO_CSRF = 1,     /* POST that carries its own protection (sign-in form uses a pre-session token) */
       ROUTE_UPLOAD = 2,      /* accepts multipart file uploads (larger body limit) */
       ROUTE_NO_DB = 4,       /* served without a database connection or session (embedded static files) */
       ROUTE_COUNCIL = 8,     /* council work: args[0] is a council id, checked against the account's scope
                                 (read for GET, write for POST) before the body; r->council_id set */
       ROUTE_ANY_OFFICE = 16, /* open to the staff of every council's office, not only the portal owner's */
       ROUTE_REVIEW = 32,     /* with ROUTE_COUNCIL: a review decision (accept, return) that READ scope on the
                                 URL's council suffices for, so the reviewer role of the level above may POST it */
       ROUTE_ANY_ACCOUNT = 64,/* any signed-in account, agency accounts included (sign-out, the home that
                                 sends each account to its own start page) */
       ROUTE_AGENCY_PETITION = 128,       /* ROLE_AGENCY: args[0] is a petition forwarded to the account's agency */
       ROUTE_AGENCY_RECOMMENDATION = 256  /* ROLE_AGENCY: args[0] is a recommendation addressed to its agency */
};
extern const Route routes[];  /* terminated by {NULL} */
/* Find the route for method+path; fills r->args.  Returns it, or NULL with
 * *status 404 (no path) or 405 (path exists, other method). */
const Route *route_match(Req *r, const char *method, const char *path, int *status);

#endif
