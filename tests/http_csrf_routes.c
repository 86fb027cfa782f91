/* http_csrf_routes.c - every route in the route table, enumerated from
 * `routes[]` itself (so a route added later is checked without editing
 * this file), against the real server:
 *
 *  - every POST route refuses (403) a request without a CSRF token, with a
 *    wrong token, and with the right token but a foreign Origin (or a
 *    foreign Referer and no Origin) - for a signed-in administrator and
 *    for an anonymous visitor holding the day's public form token;
 *    ROUTE_NO_CSRF routes (the sign-in form) refuse a request without
 *    their own pre-session token and one from a foreign origin;
 *  - the right token from the same origin is NOT refused as a forgery
 *    (positive control: the check discriminates, it does not refuse all);
 *  - every GET route (signed in and anonymous), the error pages and the
 *    POST refusals carry the security headers: a Content-Security-Policy
 *    without 'unsafe-inline' / 'unsafe-eval' and with frame-ancestors,
 *    X-Frame-Options, X-Content-Type-Options: nosniff, a Referrer-Policy
 *    that does not leak full URLs, and a charset on text responses; staff
 *    pages are not stored by caches.
 *
 * Route patterns are filled with plausible values: ":slug" from a real
 * link on the home page with the same prefix (the seed article, a
 * category), ":id" = 1, other captures "1", "*" = "site.css". */
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#include <curl/curl.h>

#include "http.h"
#include "tclient.h"
#include "t.h"

static TServer S;
static TClient *admin, *anon;
static char *home_html;
static char *public_token;   /* the anonymous form token from a public page, or NULL */

#define FOREIGN "https://evil.example"
#define CSRF_MSG "mã bảo vệ biểu mẫu"

/* A real value for ":slug" in a pattern like "/bai-viet/:slug...": the
 * first href="<prefix><slug>" on the home page.  malloc'd. */
static char *real_slug(const char *prefix)
{
    char needle[256];
    snprintf(needle, sizeof needle, "href=\"%s", prefix);
    const char *p = home_html ? strstr(home_html, needle) : NULL;
    if (!p) return strdup("khong-co");
    p += strlen(needle);
    size_t n = strcspn(p, "\"/?#");
    return strndup(p, n);
}

/* The concrete path for a route pattern (malloc'd). */
static char *fill(const char *pat)
{
    char out[1024];
    size_t o = 0;
    for (const char *p = pat; *p && o < sizeof out - 300;) {
        if (*p == '*') { o += (size_t)snprintf(out + o, sizeof out - o, "site.css"); p++; continue; }
        if (*p != ':') { out[o++] = *p++; continue; }
        const char *name = ++p;
        while (*p && *p != '/' && *p != '.') p++;
        size_t nl = (size_t)(p - name);
        if (nl == 4 && !strncmp(name, "slug", 4)) {
            char prefix[512];
            snprintf(prefix, sizeof prefix, "%.*s", (int)o, out);
            char *s = real_slug(prefix);
            o += (size_t)snprintf(out + o, sizeof out - o, "%s", s);
            free(s);
        } else if (nl == 4 && !strncmp(name, "name", 4)) {
            o += (size_t)snprintf(out + o, sizeof out - o, "tep.docx");
        } else {
            o += (size_t)snprintf(out + o, sizeof out - o, "1");
        }
    }
    out[o] = 0;
    return strdup(out);
}

/* urlencoded "csrf=<tok>&x=1" (malloc'd); tok NULL = no csrf field. */
static char *form_body(TClient *c, const char *tok)
{
    char buf[512];
    if (!tok) return strdup("x=1");
    char *e = curl_easy_escape(c->curl, tok, 0);
    snprintf(buf, sizeof buf, "csrf=%s&x=1", e);
    curl_free(e);
    return strdup(buf);
}

/* POST path with the given token (NULL: none) and Origin/Referer header
 * lines (NULL: neither). */
static TResp *post(TClient *c, const char *path, const char *tok, const char *origin_line)
{
    char *body = form_body(c, tok);
    const char *hdrs[] = {origin_line, NULL};
    TResp *r = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body),
                           origin_line ? hdrs : NULL);
    free(body);
    return r;
}

static int has_csrf_refusal(TResp *r)
{
    return r->status == 403 && r->body && strstr(r->body, CSRF_MSG) != NULL;
}

/* Security headers every response must carry. Reports with the path. */
static void check_headers(TResp *r, const char *what)
{
    char *csp = tc_header(r, "Content-Security-Policy");
    char *xfo = tc_header(r, "X-Frame-Options");
    char *nos = tc_header(r, "X-Content-Type-Options");
    char *ref = tc_header(r, "Referrer-Policy");
    char *ct = tc_header(r, "Content-Type");
    int ok = 1;
    if (!csp || strstr(csp, "unsafe-inline") || strstr(csp, "unsafe-eval") ||
        !strstr(csp, "frame-ancestors") || !strstr(csp, "default-src") || !strstr(csp, "object-src 'none'"))
        ok = 0, fprintf(stderr, "  %s: bad or missing CSP: %s\n", what, csp ? csp : "(none)");
    if (!xfo || (strcasecmp(xfo, "DENY") && strcasecmp(xfo, "SAMEORIGIN")))
        ok = 0, fprintf(stderr, "  %s: X-Frame-Options: %s\n", what, xfo ? xfo : "(none)");
    if (!nos || strcasecmp(nos, "nosniff")) ok = 0, fprintf(stderr, "  %s: X-Content-Type-Options missing\n", what);
    static const char *const good_ref[] = {"no-referrer", "same-origin", "strict-origin",
                                           "strict-origin-when-cross-origin", NULL};
    int ref_ok = 0;
    for (int i = 0; ref && good_ref[i]; i++) ref_ok |= !strcasecmp(ref, good_ref[i]);
    if (!ref_ok) ok = 0, fprintf(stderr, "  %s: Referrer-Policy: %s\n", what, ref ? ref : "(none)");
    if (r->len > 0 && (!ct || (!strncasecmp(ct, "text/", 5) && !strcasestr(ct, "charset="))))
        ok = 0, fprintf(stderr, "  %s: Content-Type without charset: %s\n", what, ct ? ct : "(none)");
    CHECK(ok);
    free(csp), free(xfo), free(nos), free(ref), free(ct);
}

TEST(setup)
{
    CHECK_INT(ts_start(&S, 1), 0);
    admin = tc_new(&S);
    anon = tc_new(&S);
    CHECK_INT(tc_login(admin, "admin", TS_ADMIN_PASSWORD), 0);
    CHECK(admin->csrf[0] != 0);
    TResp *r = tc_get(anon, "/");
    CHECK_INT(r->status, 200);
    home_html = strdup(r->body);
    /* The day's public form token, from any public page that has a form. */
    char *slug = real_slug("/bai-viet/");
    char path[512];
    snprintf(path, sizeof path, "/bai-viet/%s", slug);
    free(slug);
    const char *pages[] = {path, "/", NULL};
    for (int i = 0; pages[i] && !public_token; i++) {
        r = tc_get(anon, pages[i]);
        char *t = tc_input_value(r->body, "csrf");
        if (t && *t) public_token = t; else free(t);
    }
}

/* Every POST route: no token, wrong token, foreign Origin, foreign Referer. */
TEST(post_routes_refuse_forgeries)
{
    int n = 0;
    char origin_ok[128], referer_ok[160];
    snprintf(origin_ok, sizeof origin_ok, "Origin: %s", S.base);
    snprintf(referer_ok, sizeof referer_ok, "Referer: %s/", S.base);
    for (const Route *rt = routes; rt->method; rt++) {
        if (strcmp(rt->method, "POST")) continue;
        char *path = fill(rt->pattern);
        n++;
        if (rt->flags & ROUTE_NO_CSRF) {
            /* Own protection (pre-session token): nothing, or a foreign origin, is refused. */
            TResp *r = post(anon, path, NULL, origin_ok);
            if (r->status != 403) fprintf(stderr, "  %s (no token): %ld\n", path, r->status);
            CHECK_INT(r->status, 403);
            check_headers(r, path);
            r = post(anon, path, "0123456789abcdef0123456789abcdef", "Origin: " FOREIGN);
            CHECK_INT(r->status, 403);
            /* The genuine pre-session token and the right password, but posted
             * from a foreign origin (login CSRF): refused too. */
            TClient *c = tc_new(&S);
            r = tc_get(c, "/quan-tri/dang-nhap");
            char *lt = tc_input_value(r->body, "login_token");
            char *eu = curl_easy_escape(c->curl, TS_ADMIN_PASSWORD, 0);
            char *et = curl_easy_escape(c->curl, lt ? lt : "", 0);
            char body[512];
            snprintf(body, sizeof body, "username=admin&password=%s&login_token=%s", eu, et);
            const char *fh[] = {"Origin: " FOREIGN, NULL};
            r = tc_post_raw(c, path, "application/x-www-form-urlencoded", body, strlen(body), fh);
            if (r->status != 403) fprintf(stderr, "  POST %s: right token and password from a foreign Origin: %ld\n", path, r->status);
            CHECK_INT(r->status, 403);
            curl_free(eu), curl_free(et), free(lt);
            tc_free(c);
            free(path);
            continue;
        }
        struct { TClient *c; const char *tok, *hdr, *what; } cases[] = {
            {admin, NULL, origin_ok, "staff, no token"},
            {admin, "0000000000000000000000000000000000", origin_ok, "staff, wrong token"},
            {admin, admin->csrf, "Origin: " FOREIGN, "staff, foreign Origin"},
            {admin, admin->csrf, "Referer: " FOREIGN "/page", "staff, foreign Referer"},
            {admin, admin->csrf, "Origin: null", "staff, Origin null"},
            {anon, NULL, origin_ok, "anonymous, no token"},
            {anon, "0000000000000000000000000000000000", origin_ok, "anonymous, wrong token"},
            {anon, public_token, "Origin: " FOREIGN, "anonymous, foreign Origin"},
            {anon, public_token, "Referer: " FOREIGN "/", "anonymous, foreign Referer"},
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            if (cases[i].c == anon && !cases[i].tok && i > 6) continue;   /* no public token on any page */
            TResp *r = post(cases[i].c, path, cases[i].tok, cases[i].hdr);
            if (r->status != 403) fprintf(stderr, "  POST %s (%s): %ld, expected 403\n", path, cases[i].what, r->status);
            CHECK_INT(r->status, 403);
            /* A signed-in staff member with enough rights is refused by the CSRF check itself
             * (an agency's route refuses every staff account by role first; its own tests,
             * e.g. http_supervision, check the token with an agency account). */
            if (cases[i].c == admin && rt->role != ROLE_AGENCY && !has_csrf_refusal(r))
                { fprintf(stderr, "  POST %s (%s): refused, but not as a forgery\n", path, cases[i].what); CHECK(0); }
            if (i == 0) check_headers(r, path);
        }
        free(path);
    }
    fprintf(stderr, "  (%d POST routes checked)\n", n);
    CHECK(n >= 8);
}

/* Positive control: the right token from the same origin passes the check
 * (the handler then answers whatever it answers; it is not a forgery 403).
 * Referer alone (no Origin, as some browsers send) is accepted too.
 * Sign-out runs last so the session lasts. */
TEST(post_routes_accept_genuine)
{
    char origin_ok[128], referer_ok[160];
    snprintf(origin_ok, sizeof origin_ok, "Origin: %s", S.base);
    snprintf(referer_ok, sizeof referer_ok, "Referer: %s/quan-tri", S.base);
    const Route *logout = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (const Route *rt = routes; rt->method; rt++) {
            if (strcmp(rt->method, "POST") || (rt->flags & ROUTE_NO_CSRF)) continue;
            int is_logout = strstr(rt->pattern, "dang-xuat") != NULL;
            if (is_logout) logout = rt;
            if (is_logout != pass) continue;
            char *path = fill(rt->pattern);
            TResp *r = post(admin, path, admin->csrf, pass ? origin_ok : referer_ok);
            if (has_csrf_refusal(r) || r->status == 0)
                { fprintf(stderr, "  POST %s with the right token: %ld\n", path, r->status); CHECK(0); }
            if (rt->role == ROLE_NONE && public_token) {
                r = post(anon, path, public_token, origin_ok);
                if (has_csrf_refusal(r)) { fprintf(stderr, "  anonymous POST %s with the public token refused\n", path); CHECK(0); }
            }
            free(path);
        }
    }
    CHECK(logout != NULL);
}

/* Every GET route, signed in and anonymous; plus 404 and 405 pages. */
TEST(get_routes_security_headers)
{
    int n = 0;
    for (const Route *rt = routes; rt->method; rt++) {
        if (strcmp(rt->method, "GET")) continue;
        char *path = fill(rt->pattern);
        n++;
        TResp *r = tc_get(admin, path);
        if (r->status == 0 || r->status >= 500) fprintf(stderr, "  GET %s (staff): %ld\n", path, r->status);
        CHECK(r->status > 0 && r->status < 500);
        check_headers(r, path);
        if (rt->role > ROLE_NONE) {
            char *cc = tc_header(r, "Cache-Control");
            if (!cc || !strstr(cc, "no-store")) { fprintf(stderr, "  GET %s: staff page cacheable (%s)\n", path, cc ? cc : "none"); CHECK(0); }
            free(cc);
        }
        r = tc_get(anon, path);
        CHECK(r->status > 0 && r->status < 500);
        check_headers(r, path);
        /* Staff pages are never served to an anonymous visitor. */
        if (rt->role > ROLE_NONE && r->status == 200) { fprintf(stderr, "  GET %s served anonymously\n", path); CHECK(0); }
        free(path);
    }
    fprintf(stderr, "  (%d GET routes checked)\n", n);
    CHECK(n >= 10);
    TResp *r = tc_get(anon, "/khong-co-trang-nay");
    CHECK_INT(r->status, 404);
    check_headers(r, "404 page");
    r = post(anon, "/healthz", NULL, NULL);
    CHECK_INT(r->status, 405);
    check_headers(r, "405 page");
    r = tc_head(anon, "/");
    check_headers(r, "HEAD /");
}

int main(void)
{
    t_prog = "http_csrf_routes";
    RUN(setup);
    if (!t_failed) {
        RUN(post_routes_refuse_forgeries);
        RUN(get_routes_security_headers);
        RUN(post_routes_accept_genuine);
    }
    tc_free(admin);
    tc_free(anon);
    free(home_html);
    free(public_token);
    ts_stop(&S);
    return t_done();
}
