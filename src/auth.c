/* auth.c - staff accounts: password hashing and rules, sign-in with
 * throttling, sessions and CSRF checks.
 *
 * Passwords are NFC-normalised before hashing so a password typed on a
 * keyboard that sends decomposed Vietnamese (NFD: "a" + combining marks)
 * matches the same password typed precomposed.  Hashes are Argon2id through
 * libsodium with t=3 (crypto_pwhash_OPSLIMIT_MODERATE), m=64 MiB, p=1:
 * above OWASP's minimum for Argon2id (m=19 MiB, t=2, p=1).  One hash takes
 * about 0.1 s and 64 MiB, so at most HASH_CONCURRENCY run at once (a
 * counter guarded by a mutex that is never held while hashing).
 *
 * Sessions: the browser holds a random 128-bit token (hex) in the
 * hd_session cookie; the database holds only its SHA-256, so a leaked
 * database copy cannot be replayed.  Idle expiry 30 min, absolute 12 h.
 * Each session has its own CSRF token.
 *
 * Sign-in throttling has two layers.  Per (folded) user name, in the
 * login_failures table: five free failures, then every further attempt
 * must wait base * 2^(failures-5) since the last failure (capped at 15
 * minutes; never a permanent lock; a success clears the row).  The attempt
 * is counted before the slow hash with a compare-and-set, so parallel
 * guesses cannot all pass through one open slot.  Per client address, in
 * memory only (never stored): a fixed window of failures, against
 * password spraying across many names. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "auth.h"
#include "visitor.h"
#include "config.h"
#include "content.h"
#include "log.h"
#include "shared.h"
#include "tuning.h"
#include "vn.h"

#define PW_OPSLIMIT 3ULL                     /* = crypto_pwhash_OPSLIMIT_MODERATE */
#define PW_MEMLIMIT (64UL * 1024 * 1024)     /* 64 MiB */
#define PW_MIN_CHARS 10
#define PW_MAX_BYTES 1024
#define HASH_CONCURRENCY 4

#define SESSION_COOKIE "hd_session"
#define SESSION_IDLE 1800
#define SESSION_ABSOLUTE 43200
#define SESSION_TOUCH 60                     /* update last_seen_at at most once a minute */

#define THROTTLE_FREE 5                      /* failures before delays start */
/* The first delay (60 s) and the failures allowed per address and window
 * (30) are in tuning.h: the test build shortens them. */
#define THROTTLE_CAP_S (15 * 60)
#define THROTTLE_WINDOW (24 * 3600)          /* failures older than this are forgotten */
#define USERNAME_KEY_MAX 64

#define IP_SLOTS 4096
#define IP_WINDOW 900                        /* seconds */

/* ---- one-time initialisation ---------------------------------------- */

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_ok;
static unsigned char ip_key[crypto_shorthash_KEYBYTES];
static char dummy_hash[crypto_pwhash_STRBYTES];

/* Common passwords: an open-addressing set of lowercased strings, filled
 * once and never changed (read without locks afterwards). */
static char **common_tab;
static size_t common_cap, common_n;

/* Used when john-data's list is missing, and always merged in: long
 * passwords people choose here (the john list is mostly short ones). */
static const char *const builtin_common[] = {
    "1234567890", "0123456789", "12345678910", "123456789a", "a123456789", "1234567890a",
    "0987654321", "1111111111", "1234512345", "1122334455", "1357924680", "9876543210",
    "qwertyuiop", "qwerty1234", "qwerty12345", "1qaz2wsx3edc", "1q2w3e4r5t", "1q2w3e4r5t6y",
    "zaq12wsxcde3", "asdfghjkl1", "zxcvbnm123", "password12", "password123", "password1234",
    "passw0rd123", "p@ssw0rd123", "p@ssword123", "iloveyou12", "iloveyou123", "abc1234567",
    "abcd123456", "abcd1234567", "abcdefghij", "abcdef1234", "admin12345", "admin123456",
    "administrator", "administrator1", "welcome123", "welcome1234", "letmein123", "changeme123",
    "matkhau123", "matkhau1234", "matkhau12345", "matkhaumoi", "matkhau@123", "anhyeuem123",
    "anhyeuem1234", "emyeuanh123", "iloveyou1234", "quantrivien", "quantri123", "quantri1234",
    "hoidongnhandan", "hoidong123", "hoidong2024", "hoidong2025", "hoidong2026", "vietnam123",
    "vietnam1234", "hanoi12345", "hanoi123456", "saigon1234", "123456aA@", "Aa123456789",
    "aa123456789", "123456789aa", "1234567890q", "1234567890qwe", "superman123", "football12",
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static int common_has(const char *s)
{
    if (!common_cap) return 0;
    for (size_t i = str_hash(s) & (common_cap - 1);; i = (i + 1) & (common_cap - 1)) {
        if (!common_tab[i]) return 0;
        if (!strcmp(common_tab[i], s)) return 1;
    }
}

static void common_insert(char *s)
{
    for (size_t i = str_hash(s) & (common_cap - 1);; i = (i + 1) & (common_cap - 1)) {
        if (!common_tab[i]) { common_tab[i] = s; common_n++; return; }
        if (!strcmp(common_tab[i], s)) { free(s); return; }
    }
}

/* Add one entry, lowercased (ASCII: the lists are ASCII). */
static void common_add(const char *s, size_t n)
{
    if (n == 0) return;
    if ((common_n + 1) * 2 > common_cap) {
        size_t ncap = common_cap ? common_cap * 2 : 1024;
        char **old = common_tab;
        size_t ocap = common_cap;
        common_tab = calloc(ncap, sizeof *common_tab);
        if (!common_tab) abort();
        common_cap = ncap;
        common_n = 0;
        for (size_t i = 0; i < ocap; i++)
            if (old[i]) common_insert(old[i]);
        free(old);
    }
    char *c = malloc(n + 1);
    if (!c) abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        c[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    c[n] = 0;
    common_insert(c);
}

/* The Openwall list from Debian's john-data, when installed. */
static void common_load_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (!strncmp(line, "#!comment", 9)) continue;
        common_add(line, (size_t)n);
    }
    free(line);
    fclose(f);
}

static void init_run(void)
{
    if (sodium_init() < 0) { log_error("auth: libsodium initialisation failed"); return; }
    common_load_file("/usr/share/john/password.lst");
    for (size_t i = 0; i < sizeof builtin_common / sizeof *builtin_common; i++)
        common_add(builtin_common[i], strlen(builtin_common[i]));
    randombytes_buf(ip_key, sizeof ip_key);
    /* Unknown user names are checked against this hash so they cost the
     * same time as a real account (no user-name discovery by timing). */
    unsigned char rnd[16];
    char pw[33];
    randombytes_buf(rnd, sizeof rnd);
    sodium_bin2hex(pw, sizeof pw, rnd, sizeof rnd);
    if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        log_error("auth: cannot compute a password hash (out of memory?)");
        return;
    }
    init_ok = 1;
}

static int auth_init(void)
{
    pthread_once(&init_once, init_run);
    return init_ok ? 0 : -1;
}

/* ---- small helpers ---------------------------------------------------- */

void auth_random_hex(char *out, size_t nbytes)
{
    unsigned char b[64];
    if (nbytes > sizeof b) nbytes = sizeof b;
    if (auth_init() != 0) abort();   /* randomness is not optional */
    randombytes_buf(b, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, b, nbytes);
}

int auth_token_equal(const char *a, const char *b)
{
    if (!a || !b || !*a) return 0;
    size_t n = strlen(a);
    if (strlen(b) != n) return 0;
    return sodium_memcmp(a, b, n) == 0;
}

/* SHA-256 of the session token, as stored in sessions.token_hash. */
static void token_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int is_hex(const char *s, size_t n)
{
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
    }
    return i == n;
}

int auth_username_valid(const char *s)
{
    if (!s) return 0;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n >= 3 && n <= 32;
}

int auth_role_from_name(const char *role)
{
    if (!role) return -1;
    if (!strcmp(role, "admin")) return ROLE_ADMIN;
    if (!strcmp(role, "moderator")) return ROLE_MODERATOR;
    if (!strcmp(role, "editor")) return ROLE_EDITOR;
    if (!strcmp(role, "reviewer")) return ROLE_REVIEWER;
    if (!strcmp(role, "agency")) return ROLE_AGENCY;
    return -1;
}

const char *auth_role_name(int role)
{
    switch (role) {
    case ROLE_ADMIN: return "admin";
    case ROLE_MODERATOR: return "moderator";
    case ROLE_EDITOR: return "editor";
    case ROLE_REVIEWER: return "reviewer";
    case ROLE_AGENCY: return "agency";
    default: return "";
    }
}

const char *auth_role_label(int role)
{
    switch (role) {
    case ROLE_ADMIN: return "Quản trị viên";
    case ROLE_MODERATOR: return "Kiểm duyệt viên";
    case ROLE_EDITOR: return "Biên tập viên";
    case ROLE_REVIEWER: return "Người xem xét (cấp trên)";
    case ROLE_AGENCY: return "Cơ quan giải quyết kiến nghị";
    default: return "";
    }
}

/* ---- passwords -------------------------------------------------------- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_busy;

/* Bound the memory Argon2 takes (64 MiB each); the mutex only guards the
 * counter and is released before the hash runs. */
static void gate_enter(void)
{
    pthread_mutex_lock(&gate_mu);
    while (gate_busy >= HASH_CONCURRENCY) pthread_cond_wait(&gate_cv, &gate_mu);
    gate_busy++;
    pthread_mutex_unlock(&gate_mu);
}

static void gate_leave(void)
{
    pthread_mutex_lock(&gate_mu);
    gate_busy--;
    pthread_cond_signal(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
}

int auth_hash_password(const char *password, char out[128])
{
    if (auth_init() != 0 || !password || strlen(password) > PW_MAX_BYTES) return -1;
    Arena *a = arena_new();
    char *pw = vn_nfc(a, password);
    int rc = -1;
    if (pw) {
        gate_enter();
        rc = crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPSLIMIT, PW_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
        gate_leave();
        sodium_memzero(pw, strlen(pw));
    }
    arena_free(a);
    return rc;
}

int auth_verify_password(const char *hash, const char *password)
{
    if (auth_init() != 0 || !hash || !password || strlen(password) > PW_MAX_BYTES) return 0;
    if (strlen(hash) >= crypto_pwhash_STRBYTES) return 0;
    Arena *a = arena_new();
    char *pw = vn_nfc(a, password);
    int ok = 0;
    if (pw) {
        gate_enter();
        ok = crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
        gate_leave();
        sodium_memzero(pw, strlen(pw));
    }
    arena_free(a);
    return ok;
}

const char *auth_password_problem(const char *username, const char *password)
{
    if (auth_init() != 0) return "Không kiểm tra được mật khẩu, vui lòng thử lại.";
    if (!password || !*password) return "Vui lòng nhập mật khẩu.";
    if (strlen(password) > PW_MAX_BYTES) return "Mật khẩu quá dài (tối đa 1024 byte).";
    Arena *a = arena_new();
    const char *why = NULL;
    char *pw = vn_nfc(a, password);
    if (!pw) { why = "Mật khẩu chứa ký tự không hợp lệ."; goto out; }
    if (vn_char_count(pw) < PW_MIN_CHARS) { why = "Mật khẩu phải có ít nhất 10 ký tự."; goto out; }
    char *low = vn_lower_a(a, pw);
    if (!low) low = pw;
    if (username && *username) {
        char *ul = vn_lower_a(a, username);
        if (ul && *ul && strstr(low, ul)) {
            why = "Mật khẩu không được trùng hoặc chứa tên đăng nhập.";
            goto out;
        }
    }
    if (common_has(low)) {
        why = "Mật khẩu này quá phổ biến, dễ bị đoán; vui lòng chọn mật khẩu khác.";
        goto out;
    }
    /* "aaaaaaaaaa", "ababababab": too few different characters. */
    {
        const unsigned char *p = (const unsigned char *)low;
        const unsigned char *seen[4];
        int nseen = 0;
        while (*p && nseen < 4) {
            size_t len = 1;
            while (p[len] && (p[len] & 0xC0) == 0x80) len++;
            int dup = 0;
            for (int i = 0; i < nseen; i++)
                if (!memcmp(seen[i], p, len) && (seen[i][len] == 0 || (seen[i][len] & 0xC0) != 0x80))
                    dup = 1;
            if (!dup) seen[nseen++] = p;
            p += len;
        }
        if (nseen < 4) why = "Mật khẩu quá đơn giản (lặp lại quá ít ký tự khác nhau).";
    }
out:
    if (pw) sodium_memzero(pw, strlen(pw));
    arena_free(a);
    return why;
}

/* ---- accounts --------------------------------------------------------- */

static int user_add(Db *db, const char *username, const char *display, const char *role,
                    int64_t council_id, int64_t agency_id, const char *password, int64_t now,
                    const char **err);

int auth_user_add(Db *db, const char *username, const char *display, const char *role,
                  int64_t council_id, const char *password, int64_t now, const char **err)
{
    if (auth_role_from_name(role) == ROLE_AGENCY) {
        *err = "Tài khoản của cơ quan giải quyết được tạo từ danh sách cơ quan (kèm tên cơ quan).";
        return -1;
    }
    return user_add(db, username, display, role, council_id, 0, password, now, err);
}

int auth_agency_user_add(Db *db, const char *username, const char *display, int64_t agency_id,
                         const char *password, int64_t now, const char **err)
{
    int64_t council = db_int(db, -1, "SELECT council_id FROM agencies WHERE id = ?1", "l", agency_id);
    if (council <= 0) { *err = "Không có cơ quan này."; return -1; }
    return user_add(db, username, display, "agency", council, agency_id, password, now, err);
}

static int user_add(Db *db, const char *username, const char *display, const char *role,
                    int64_t council_id, int64_t agency_id, const char *password, int64_t now,
                    const char **err)
{
    if (!auth_username_valid(username)) {
        *err = "Tên đăng nhập phải có 3–32 ký tự: chữ thường không dấu a-z, số, dấu chấm, "
               "gạch dưới hoặc gạch ngang.";
        return -1;
    }
    if (auth_role_from_name(role) < 0) { *err = "Vai trò không hợp lệ."; return -1; }
    Arena *a = arena_new();
    int rc = -1;
    char *name = display ? vn_clean(a, display) : NULL;
    if (!name || !*name) { *err = "Vui lòng nhập họ và tên."; goto out; }
    if (vn_char_count(name) > 100) { *err = "Họ và tên dài quá 100 ký tự."; goto out; }
    const char *why = auth_password_problem(username, password);
    if (why) { *err = why; goto out; }
    /* Checked first so the usual case does not log a constraint error;
     * the UNIQUE constraint still decides a race. */
    if (db_int(db, 0, "SELECT COUNT(*) FROM users WHERE username = ?1", "t", username) > 0) {
        *err = "Tên đăng nhập này đã có người dùng.";
        goto out;
    }
    char hash[crypto_pwhash_STRBYTES];
    if (auth_hash_password(password, hash) != 0) {
        *err = "Không tạo được mật khẩu (lỗi hệ thống).";
        goto out;
    }
    if (council_id > 0 && db_int(db, 0, "SELECT COUNT(*) FROM councils WHERE id = ?1", "l", council_id) != 1) {
        *err = "Không có Hội đồng nhân dân này.";
        goto out;
    }
    if (council_id > 0 && auth_role_from_name(role) == ROLE_MODERATOR) {
        *err = "Kiểm duyệt viên chỉ thuộc Văn phòng của cổng thông tin.";
        goto out;
    }
    int st = db_exec(db, "INSERT INTO users (username, display_name, password_hash, role, disabled, "
                         "created_at, council_id, agency_id) VALUES (?1, ?2, ?3, ?4, 0, ?5, NULLIF(?6, 0), NULLIF(?7, 0))",
                     "ttttlll", username, name, hash, role, now, council_id, agency_id);
    if (st == DB_CONSTRAINT) { *err = "Tên đăng nhập này đã có người dùng."; goto out; }
    if (st != DB_OK) { *err = "Lỗi cơ sở dữ liệu khi tạo người dùng."; goto out; }
    rc = 0;
out:
    arena_free(a);
    return rc;
}

int auth_user_set_password(Db *db, int64_t user_id, const char *password, const char **err)
{
    Arena *a = arena_new();
    int rc = -1;
    char *username = db_text(db, a, "SELECT username FROM users WHERE id = ?1", "l", user_id);
    if (!username) { *err = "Không tìm thấy người dùng."; goto out; }
    const char *why = auth_password_problem(username, password);
    if (why) { *err = why; goto out; }
    char hash[crypto_pwhash_STRBYTES];
    if (auth_hash_password(password, hash) != 0) {
        *err = "Không tạo được mật khẩu (lỗi hệ thống).";
        goto out;
    }
    if (db_exec(db, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "lt", user_id, hash) != DB_OK
        || db_exec(db, "DELETE FROM sessions WHERE user_id = ?1", "l", user_id) != DB_OK) {
        *err = "Lỗi cơ sở dữ liệu khi đổi mật khẩu.";
        goto out;
    }
    rc = 0;
out:
    arena_free(a);
    return rc;
}

/* ---- sessions --------------------------------------------------------- */

/* The session cookie as the browser sent it.  reply_cookie adds the
 * __Host- prefix behind TLS; accept only that form then, so a cookie
 * planted by a sibling subdomain (no prefix) is never read. */
static const char *session_cookie(Req *r)
{
    if (cfg.secure_cookies) {
        const char *v = req_cookie(r, "__Host-" SESSION_COOKIE);
        return v ? v : NULL;
    }
    return req_cookie(r, SESSION_COOKIE);
}

/* Anonymous visitors get the day's public form token (visitor.h) as their
 * CSRF token, so public forms are checked by the same code as staff ones. */
static void anonymous_csrf(Req *r)
{
    char t[33];
    r->csrf = visitor_public_token(r->now, 0, t) == 0 ? arena_strdup(r->arena, t) : "";
}

int auth_load(Req *r)
{
    r->user = NULL;
    anonymous_csrf(r);
    const char *tok = session_cookie(r);
    if (!tok || !is_hex(tok, 32)) return 0;
    char th[65];
    token_hash(tok, th);
    Stmt *st = db_prepare(r->db,
        "SELECT s.user_id, s.csrf, s.created_at, s.last_seen_at, u.username, u.display_name, "
        "u.role, u.disabled, COALESCE(u.council_id, 0), COALESCE(u.agency_id, 0) "
        "FROM sessions s JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ?1");
    if (!st) return -1;
    db_bind_text(st, 1, th);
    int rc = db_step(st);
    if (rc != DB_ROW) {
        db_done(st);
        return rc == DB_DONE ? 0 : -1;
    }
    int64_t uid = db_col_int(st, 0);
    char *csrf = db_col_dup(st, 1, r->arena);
    int64_t created = db_col_int(st, 2), seen = db_col_int(st, 3);
    char *uname = db_col_dup(st, 4, r->arena);
    char *dname = db_col_dup(st, 5, r->arena);
    int role = auth_role_from_name(db_col_text(st, 6));
    int disabled = (int)db_col_int(st, 7);
    int64_t council = db_col_int(st, 8);
    int64_t agency = db_col_int(st, 9);
    db_done(st);
    if (disabled || role < 0 || r->now - seen > SESSION_IDLE || r->now - created > SESSION_ABSOLUTE) {
        db_exec(r->db, "DELETE FROM sessions WHERE token_hash = ?1", "t", th);
        return 0;
    }
    /* A failed touch (disk full, say) must not lock staff out of reading:
     * the session stays valid, only its idle timer is not refreshed. */
    if (r->now - seen >= SESSION_TOUCH
        && db_exec(r->db, "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1", "tl", th,
                   r->now) != DB_OK)
        log_warn("session touch failed; continuing with the session as it was");
    User *u = arena_alloc(r->arena, sizeof *u);
    u->id = uid;
    u->username = uname;
    u->display_name = dname;
    u->role = role;
    u->council_id = council;
    u->agency_id = agency;
    r->user = u;
    r->csrf = csrf ? csrf : "";
    return 0;
}

/* Start a new session for user u: a token never seen before sign-in
 * (any earlier session of this browser is deleted), cookie set, r->user
 * and r->csrf filled.  0 or -1 on a database error. */
static int session_start(Req *r, int64_t uid, const char *username, const char *display, int role,
                         int64_t council)
{
    const char *old = session_cookie(r);
    char th[65];
    if (old && is_hex(old, 32)) {
        token_hash(old, th);
        db_exec(r->db, "DELETE FROM sessions WHERE token_hash = ?1", "t", th);
    }
    /* Expired sessions of everyone: cheap housekeeping at each sign-in. */
    db_exec(r->db, "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2", "ll",
            r->now - SESSION_IDLE, r->now - SESSION_ABSOLUTE);
    char tok[33], csrf[33];
    auth_random_hex(tok, 16);
    auth_random_hex(csrf, 16);
    token_hash(tok, th);
    if (db_exec(r->db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?4)",
                "tltl", th, uid, csrf, r->now) != DB_OK)
        return -1;
    reply_cookie(r, SESSION_COOKIE, tok, SESSION_ABSOLUTE, 0);
    User *u = arena_alloc(r->arena, sizeof *u);
    u->id = uid;
    u->username = arena_strdup(r->arena, username);
    u->display_name = arena_strdup(r->arena, display);
    u->role = role;
    u->council_id = council;
    u->agency_id = db_int(r->db, 0, "SELECT COALESCE(agency_id, 0) FROM users WHERE id = ?1", "l", uid);
    r->user = u;
    r->csrf = arena_strdup(r->arena, csrf);
    return 0;
}

void auth_logout(Req *r)
{
    const char *tok = session_cookie(r);
    if (tok && is_hex(tok, 32)) {
        char th[65];
        token_hash(tok, th);
        db_exec(r->db, "DELETE FROM sessions WHERE token_hash = ?1", "t", th);
    }
    reply_cookie(r, SESSION_COOKIE, "", 0, 0);
    r->user = NULL;
    anonymous_csrf(r);
}

/* ---- sign-in throttling ----------------------------------------------- */

typedef struct IpSlot {
    char ip[48];
    int64_t window_start;
    int failures;
} IpSlot;

static IpSlot ip_tab[IP_SLOTS];
static pthread_mutex_t ip_mu = PTHREAD_MUTEX_INITIALIZER;

/* Direct-mapped table keyed by a keyed hash of the address: bounded
 * memory; a collision simply forgets the older address. */
static IpSlot *ip_slot(const char *ip)
{
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)ip, strlen(ip), ip_key);
    uint32_t v;
    memcpy(&v, h, sizeof v);
    return &ip_tab[v % IP_SLOTS];
}

/* With several nodes (shared.h) the failures of an address count in
 * shared_counters under a keyed hash of the day (visitor_keyed_hash), so
 * trying every node in turn gains nothing. */
static int ip_shared_key(const char *ip, int64_t now, uint8_t key[16])
{
    uint8_t h[VISITOR_HASH_BYTES];
    if (visitor_keyed_hash("login-ip", ip, now, h) != 0) return -1;
    memcpy(key, h, 16);
    return 0;
}

/* Minutes left if this address is blocked, else 0. */
static int ip_blocked(const char *ip, int64_t now)
{
    if (shared_enabled()) {
        uint8_t key[16];
        int64_t ends = 0, n = ip_shared_key(ip, now, key) == 0 ? shared_window_count(db_thread(), key, now, &ends) : -1;
        return n >= tuning->login_ip_limit ? (int)((ends - now + 59) / 60) : 0;
    }
    int m = 0;
    pthread_mutex_lock(&ip_mu);
    IpSlot *s = ip_slot(ip);
    if (!strcmp(s->ip, ip) && now - s->window_start < IP_WINDOW && s->failures >= tuning->login_ip_limit)
        m = (int)((s->window_start + IP_WINDOW - now + 59) / 60);
    pthread_mutex_unlock(&ip_mu);
    return m;
}

static void ip_failed(const char *ip, int64_t now)
{
    if (shared_enabled()) {
        uint8_t key[16];
        if (ip_shared_key(ip, now, key) != 0 || shared_window_add(db_thread(), key, now, IP_WINDOW) != 0)
            log_warn("auth: a failed sign-in could not be counted in the shared table");
        return;
    }
    pthread_mutex_lock(&ip_mu);
    IpSlot *s = ip_slot(ip);
    if (strcmp(s->ip, ip) || now - s->window_start >= IP_WINDOW) {
        snprintf(s->ip, sizeof s->ip, "%s", ip);
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    pthread_mutex_unlock(&ip_mu);
}

/* Seconds to wait after the last failure when `failures` have happened. */
static int64_t throttle_delay(int64_t failures)
{
    if (failures < THROTTLE_FREE) return 0;
    int64_t shift = failures - THROTTLE_FREE;
    int64_t ms = tuning->login_throttle_base_ms;
    for (int64_t i = 0; i < shift && ms < (int64_t)THROTTLE_CAP_S * 1000; i++) ms *= 2;
    int64_t s = (ms + 999) / 1000;
    return s > THROTTLE_CAP_S ? THROTTLE_CAP_S : s;
}

/* Count this attempt against the name before checking the password.
 * Returns 0 (go on), 1 (throttled; *wait_minutes set) or -1 (db error). */
static int throttle_claim(Db *db, const char *key, int64_t now, int *wait_minutes)
{
    for (int tries = 0; tries < 8; tries++) {
        Stmt *st = db_prepare(db, "SELECT failures, last_failure_at FROM login_failures "
                                  "WHERE username = ?1");
        if (!st) return -1;
        db_bind_text(st, 1, key);
        int rc = db_step(st);
        int have = rc == DB_ROW;
        int64_t f0 = have ? db_col_int(st, 0) : 0, t0 = have ? db_col_int(st, 1) : 0;
        db_done(st);
        if (rc != DB_ROW && rc != DB_DONE) return -1;
        int64_t f = have && now - t0 <= THROTTLE_WINDOW ? f0 : 0;
        int64_t d = throttle_delay(f);
        if (d > 0 && now - t0 < d) {
            *wait_minutes = (int)((t0 + d - now + 59) / 60);
            return 1;
        }
        if (have)
            rc = db_exec(db, "UPDATE login_failures SET failures = ?2, last_failure_at = ?3 "
                             "WHERE username = ?1 AND failures = ?4 AND last_failure_at = ?5",
                         "tllll", key, f + 1, now, f0, t0);
        else
            rc = db_exec(db, "INSERT INTO login_failures (username, failures, last_failure_at) "
                             "VALUES (?1, 1, ?2) ON CONFLICT (username) DO NOTHING",
                         "tl", key, now);
        if (rc != DB_OK) return -1;
        if (db_changes(db) > 0) return 0;
        /* A parallel attempt for the same name changed the row: look again. */
    }
    *wait_minutes = 1;
    return 1;
}

int auth_login(Req *r, const char *username, const char *password, int *wait_minutes)
{
    *wait_minutes = 0;
    if (auth_init() != 0) return AUTH_LOGIN_ERROR;
    if (!username) username = "";
    if (!password) password = "";
    const char *ip = req_client_ip(r);
    int m = ip && *ip ? ip_blocked(ip, r->now) : 0;
    if (m > 0) { *wait_minutes = m; return AUTH_LOGIN_THROTTLED; }

    /* Names longer than any account cannot match: skip the table (so it
     * cannot be filled with junk) but still spend the hashing time. */
    int plausible = strlen(username) <= USERNAME_KEY_MAX && vn_utf8_valid(username, strlen(username));
    char *key = plausible ? vn_fold_a(r->arena, username) : NULL;
    if (key && *key) {
        int t = throttle_claim(r->db, key, r->now, wait_minutes);
        if (t < 0) return AUTH_LOGIN_ERROR;
        if (t > 0) return AUTH_LOGIN_THROTTLED;
    }

    int64_t uid = 0;
    int role = -1, disabled = 1;
    int64_t council = 0;
    char *hash = NULL, *uname = NULL, *dname = NULL;
    char *lower = plausible ? vn_lower_a(r->arena, username) : NULL;
    if (lower && auth_username_valid(lower)) {
        Stmt *st = db_prepare(r->db, "SELECT id, username, display_name, password_hash, role, disabled, "
                                     "COALESCE(council_id, 0) FROM users WHERE username = ?1");
        if (!st) return AUTH_LOGIN_ERROR;
        db_bind_text(st, 1, lower);
        int rc = db_step(st);
        if (rc == DB_ROW) {
            uid = db_col_int(st, 0);
            uname = db_col_dup(st, 1, r->arena);
            dname = db_col_dup(st, 2, r->arena);
            hash = db_col_dup(st, 3, r->arena);
            role = auth_role_from_name(db_col_text(st, 4));
            disabled = (int)db_col_int(st, 5);
            council = db_col_int(st, 6);
        }
        db_done(st);
        if (rc != DB_ROW && rc != DB_DONE) return AUTH_LOGIN_ERROR;
    }
    /* Always hash: unknown names cost the same time as real ones. */
    int ok = auth_verify_password(hash && *hash ? hash : dummy_hash, password);
    if (!hash || disabled || role < 0) ok = 0;
    if (key && *key)
        db_exec(r->db, "DELETE FROM login_failures WHERE last_failure_at < ?1", "l",
                r->now - THROTTLE_WINDOW);
    if (!ok) {
        if (ip && *ip) ip_failed(ip, r->now);
        /* Record the name as typed (bounded), never the password or address. */
        char *shown = plausible ? vn_clean(r->arena, username) : NULL;
        if (!shown) shown = "(không hợp lệ)";
        audit(r->db, uid, shown, r->now, "login_failed", "user", uid, "");
        return AUTH_LOGIN_BAD;
    }
    if (key && *key) db_exec(r->db, "DELETE FROM login_failures WHERE username = ?1", "t", key);
    /* Parameters raised since this hash was made: upgrade it now that we
     * know the password. */
    if (crypto_pwhash_str_needs_rehash(hash, PW_OPSLIMIT, PW_MEMLIMIT) != 0) {
        char nh[crypto_pwhash_STRBYTES];
        if (auth_hash_password(password, nh) == 0)
            db_exec(r->db, "UPDATE users SET password_hash = ?2 WHERE id = ?1", "lt", uid, nh);
    }
    if (session_start(r, uid, uname, dname, role, council) != 0) return AUTH_LOGIN_ERROR;
    db_exec(r->db, "UPDATE users SET last_login_at = ?2 WHERE id = ?1", "ll", uid, r->now);
    audit(r->db, uid, uname, r->now, "login", "user", uid, "");
    return AUTH_LOGIN_OK;
}

/* ---- CSRF ------------------------------------------------------------- */

/* Does s (an Origin, or the start of a Referer when prefix) name origin
 * o of length n?  For a Referer the origin must be followed by the end or
 * by '/', '?', '#' so "http://site.evil" cannot pass for "http://site". */
static int origin_is(const char *s, const char *o, size_t n, int prefix)
{
    if (n == 0 || strncasecmp(s, o, n) != 0) return 0;
    char c = s[n];
    return prefix ? (c == 0 || c == '/' || c == '?' || c == '#') : c == 0;
}

static int same_origin(Req *r)
{
    const char *origin = req_header(r, "Origin");
    const char *s = origin;
    int prefix = 0;
    if (!s) {
        s = req_header(r, "Referer");
        if (!s) return 1;   /* neither: non-browser client; the token still decides */
        prefix = 1;
    }
    if (cfg.site_url) {
        /* The origin part of site_url: scheme://host[:port], no path. */
        const char *p = strstr(cfg.site_url, "://");
        size_t n = strlen(cfg.site_url);
        if (p) {
            const char *slash = strchr(p + 3, '/');
            if (slash) n = (size_t)(slash - cfg.site_url);
        }
        if (origin_is(s, cfg.site_url, n, prefix)) return 1;
    }
    const char *host = req_header(r, "Host");
    if (host && *host && !strpbrk(host, "/@\\ \t?#")) {
        static const char *const schemes[] = {"http://", "https://"};
        for (int i = 0; i < 2; i++) {
            char o[300];
            int n = snprintf(o, sizeof o, "%s%s", schemes[i], host);
            if (n > 0 && (size_t)n < sizeof o && origin_is(s, o, (size_t)n, prefix)) return 1;
        }
    }
    return 0;
}

int auth_check_csrf(Req *r)
{
    if (!same_origin(r)) return 0;
    const char *tok = req_form(r, "csrf");
    if (!tok || !*tok) tok = req_header(r, "X-CSRF-Token");
    if (auth_token_equal(r->csrf, tok)) return 1;
    /* Anonymous: a form fetched before midnight still posts after it. */
    char y[33];
    return !r->user && visitor_public_token(r->now, 1, y) == 0 && auth_token_equal(y, tok);
}
