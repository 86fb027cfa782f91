/* page_admin_auth.c - the staff area's front door and its own pages:
 * sign-in and sign-out, the dashboard, user management and the audit log.
 *
 * The sign-in form is protected against login CSRF with a pre-session
 * token: the form page sets a random cookie hd_login and repeats it in a
 * hidden field; the POST must bring both, equal.  Throttling, hashing and
 * sessions live in auth.c; this file only turns outcomes into pages.
 * Every admin page sets ctx `admin` so layout.html shows the staff chrome.
 * Forms that fail validation come back with what was typed (never a
 * password) and a Vietnamese message, status 400. */
#include <stdio.h>
#include <string.h>
#include "auth.h"
#include "config.h"
#include "content.h"
#include "layout.h"
#include "log.h"
#include "page.h"
#include "staff.h"
#include "page_util.h"
#include "vn.h"

#define LOGIN_COOKIE "hd_login"
#define AUDIT_PER_PAGE 50
#define HOME_AUDIT 10

/* ---------------------------------------------------------------- helpers */

/* The ?tiep= target after sign-in, when it is a local staff path; NULL
 * otherwise (no open redirect: "//host", "/quan-tri.evil", backslashes
 * and control characters are refused). */
static const char *safe_next(const char *next)
{
    if (!next || strncmp(next, "/quan-tri", 9) != 0) return NULL;
    char c = next[9];
    if (c != 0 && c != '/' && c != '?') return NULL;
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\') return NULL;
    if (strstr(next, "//")) return NULL;
    return next;
}

static const char *login_cookie(Req *r)
{
    return req_cookie(r, cfg.secure_cookies ? "__Host-" LOGIN_COOKIE : LOGIN_COOKIE);
}

static const char *fmt_datetime(Arena *a, int64_t t)
{
    Buf b;
    buf_init(&b, a);
    vn_datetime(&b, t);
    return buf_str(&b);
}

/* Vietnamese label of an audit action code (codes from other modules
 * that are not listed here are shown as they are). */
static const char *action_label(const char *action)
{
    static const struct { const char *code, *label; } labels[] = {
        {"login", "Đăng nhập"},
        {"logout", "Đăng xuất"},
        {"login_failed", "Đăng nhập sai"},
        {"user.create", "Tạo người dùng"},
        {"user.role", "Đổi vai trò"},
        {"user.disable", "Khóa tài khoản"},
        {"user.enable", "Mở khóa tài khoản"},
        {"user.password", "Đặt lại mật khẩu"},
        {"article.create", "Tạo bài viết"},
        {"article.update", "Sửa bài viết"},
        {"article.publish", "Xuất bản bài viết"},
        {"article.unpublish", "Gỡ xuất bản bài viết"},
        {"article.archive", "Lưu trữ bài viết"},
        {"category.create", "Tạo chuyên mục"},
        {"category.update", "Sửa chuyên mục"},
        {"attachment.add", "Thêm tệp đính kèm"},
        {"attachment.delete", "Xóa tệp đính kèm"},
        {"council.delegate_add", "Thêm đại biểu"},
        {"council.membership_add", "Ghi chức danh"},
        {"council.delegate_end", "Thôi làm đại biểu"},
        {"council.import", "Nhập dữ liệu từ tệp"},
        {"programme.progress", "Ghi tiến độ nhiệm vụ"},
        {"programme.add", "Tạo chương trình, kế hoạch"},
        {"programme.task_add", "Thêm nhiệm vụ"},
        {"report.save", "Lưu bản nháp báo cáo"},
        {"report.submit", "Nộp báo cáo"},
        {"report.return", "Trả lại báo cáo"},
        {"report.accept", "Chấp nhận báo cáo"},
        {"report.new_version", "Tạo phiên bản báo cáo mới"},
        {"report.campaign_open", "Mở đợt báo cáo"},
        {"report.template", "Lưu mẫu báo cáo"},
        {"emulation.round", "Tạo đợt thi đua"},
        {"emulation.score", "Chấm điểm thi đua"},
        {"emulation.approve", "Phê duyệt kết quả thi đua"},
        {"demo.load", "Nạp dữ liệu mẫu"},
        {"demo.remove", "Gỡ dữ liệu mẫu"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (!strcmp(labels[i].code, action)) return labels[i].label;
    return action;
}

/* One audit_log row as a template map.  Columns: at, username, action,
 * object_type, object_id, detail, the council's name (NULL for portal work). */
static Val *audit_row(Req *r, Stmt *st)
{
    Arena *a = r->arena;
    Val *e = val_map(a);
    val_set_int(e, "at", db_col_int(st, 0));
    val_set_str(e, "when", fmt_datetime(a, db_col_int(st, 0)));
    val_set_str(e, "username", db_col_dup(st, 1, a));
    char *action = db_col_dup(st, 2, a);
    val_set_str(e, "action", action);
    val_set_str(e, "action_label", action_label(action ? action : ""));
    const char *otype = db_col_text(st, 3);
    if (!db_col_is_null(st, 4))
        val_set_str(e, "object", arena_printf(a, "%s #%lld", otype, (long long)db_col_int(st, 4)));
    else
        val_set_str(e, "object", arena_strdup(a, otype));
    val_set_str(e, "detail", db_col_dup(st, 5, a));
    if (!db_col_is_null(st, 6)) val_set_str(e, "council", db_col_dup(st, 6, a));
    return e;
}

static Val *admin_ctx(Req *r)
{
    Val *ctx = layout_ctx(r);
    val_set_bool(ctx, "admin", 1);
    return ctx;
}

/* ---------------------------------------------------------------- sign-in */

/* The sign-in form with a fresh pre-session token (cookie + hidden field). */
static int login_render(Req *r, int status, const char *username, const char *next,
                        const char *error)
{
    char tok[33];
    auth_random_hex(tok, 16);
    reply_cookie(r, LOGIN_COOKIE, tok, 3600, 0);
    Val *ctx = admin_ctx(r);
    val_set_str(ctx, "login_token", arena_strdup(r->arena, tok));
    val_set_str(ctx, "username", username ? username : "");
    if (next) val_set_str(ctx, "tiep", next);
    if (error) val_set_str(ctx, "error", error);
    r->cache_seconds = -1;
    return reply_page(r, status, "login", "Đăng nhập", ctx);
}

/* GET /quan-tri/dang-nhap [?tiep=/quan-tri/...] - sign-in form.  Anyone;
 * staff already signed in go straight on. */
int page_login_form(Req *r)
{
    const char *next = safe_next(req_query(r, "tiep"));
    if (r->user) return reply_redirect(r, next ? next : "/quan-tri");
    return login_render(r, 200, "", next, NULL);
}

/* POST /quan-tri/dang-nhap - fields username, password, login_token
 * (must equal the hd_login cookie), tiep.  Anyone (ROUTE_NO_CSRF: the
 * pre-session token is its CSRF protection).  303 to the target on
 * success; the form again with 403 (wrong name/password), 429
 * (throttled) or 400 (empty fields). */
int page_login(Req *r)
{
    if (!auth_token_equal(login_cookie(r), req_form(r, "login_token")))
        return reply_error(r, 403, "Biểu mẫu đăng nhập đã hết hạn hoặc không hợp lệ. "
                                   "Vui lòng tải lại trang đăng nhập và thử lại.");
    const char *next = safe_next(req_form(r, "tiep"));
    const char *raw = req_form(r, "username");
    char *username = raw ? vn_clean(r->arena, raw) : NULL;
    if (!username) username = "";
    if (strlen(username) > 64) {   /* no account name is this long; keep the echo short */
        size_t n = 64;
        while (n > 0 && ((unsigned char)username[n] & 0xC0) == 0x80) n--;
        username[n] = 0;
    }
    const char *password = req_form(r, "password");
    if (!*username || !password || !*password)
        return login_render(r, 400, username, next, "Vui lòng nhập tên đăng nhập và mật khẩu.");

    int wait = 0;
    switch (auth_login(r, username, password, &wait)) {
    case AUTH_LOGIN_OK:
        reply_cookie(r, LOGIN_COOKIE, "", 0, 0);
        return reply_redirect(r, next ? next : "/quan-tri");
    case AUTH_LOGIN_BAD:
        return login_render(r, 403, username, next, "Tên đăng nhập hoặc mật khẩu không đúng.");
    case AUTH_LOGIN_THROTTLED:
        if (wait < 1) wait = 1;
        reply_header(r, "Retry-After", arena_printf(r->arena, "%d", wait * 60));
        return login_render(r, 429, username, next,
                            arena_printf(r->arena, "Bạn đã nhập sai quá nhiều lần, vui lòng thử "
                                                   "lại sau %d phút.", wait));
    default:
        return reply_error(r, 500, NULL);
    }
}

/* POST /quan-tri/dang-xuat - end the session.  Staff (editor+). */
int page_logout(Req *r)
{
    if (r->user)
        audit(r->db, r->user->id, r->user->username, r->now, "logout", "user", r->user->id, "");
    auth_logout(r);
    return reply_redirect(r, "/quan-tri/dang-nhap");
}

/* ---------------------------------------------------------------- dashboard */

/* GET /quan-tri - dashboard: article counts by status, the latest audit
 * entries (admins), shortcuts.  Staff (editor+). */
int page_admin_home(Req *r)
{
    /* The other councils' offices work on their council only. */
    if (r->user->role == ROLE_AGENCY) return reply_redirect(r, "/quan-tri/co-quan");
    if (!staff_portal(r->user)) return reply_redirect(r, "/quan-tri/hoi-dong");
    Arena *a = r->arena;
    Val *ctx = admin_ctx(r);
    static const struct { const char *status, *label, *key; } statuses[] = {
        {"published", "Đã xuất bản", "published"},
        {"scheduled", "Hẹn giờ đăng", "scheduled"},
        {"draft", "Bản nháp", "draft"},
        {"archived", "Lưu trữ", "archived"},
    };
    int64_t counts[4] = {0, 0, 0, 0}, total = 0;
    Stmt *st = db_prepare(r->db, "SELECT status, COUNT(*) FROM articles GROUP BY status");
    if (!st) return reply_error(r, 500, NULL);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *s = db_col_text(st, 0);
        int64_t n = db_col_int(st, 1);
        total += n;
        for (int i = 0; i < 4; i++)
            if (!strcmp(s, statuses[i].status)) counts[i] = n;
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    Val *stats = val_list(a);
    for (int i = 0; i < 4; i++) {
        Val *s = val_map(a);
        val_set_str(s, "status", statuses[i].status);
        val_set_str(s, "label", statuses[i].label);
        val_set_int(s, "count", counts[i]);
        val_set_str(s, "url", arena_printf(a, "/quan-tri/bai-viet?trang-thai=%s", statuses[i].key));
        val_push(stats, s);
    }
    val_set(ctx, "stats", stats);
    val_set_int(ctx, "total", total);

    int is_admin = r->user && r->user->role == ROLE_ADMIN;
    val_set_bool(ctx, "is_admin", is_admin);
    if (is_admin) {
        Val *entries = val_list(a);
        st = db_prepare(r->db, "SELECT l.at, l.username, l.action, l.object_type, l.object_id, l.detail, "
                               "c.name FROM audit_log l LEFT JOIN councils c ON c.id = l.council_id "
                               "ORDER BY l.id DESC LIMIT ?1");
        if (!st) return reply_error(r, 500, NULL);
        db_bind_int(st, 1, HOME_AUDIT);
        while ((rc = db_step(st)) == DB_ROW) val_push(entries, audit_row(r, st));
        db_done(st);
        if (rc != DB_DONE) return reply_error(r, 500, NULL);
        val_set(ctx, "audit", entries);
        val_set_bool(ctx, "has_audit", val_len(entries) > 0);
    }
    if (r->user) val_set_str(ctx, "role_label", auth_role_label(r->user->role));
    return reply_page(r, 200, "admin_home", "Bảng điều khiển", ctx);
}

/* ---------------------------------------------------------------- users */

/* What the create form had, to give it back after an error. */
typedef struct UserForm {
    const char *username, *display_name, *role, *council;
} UserForm;

static Val *role_options(Arena *a, const char *selected)
{
    Val *list = val_list(a);
    static const int roles[] = {ROLE_EDITOR, ROLE_MODERATOR, ROLE_ADMIN, ROLE_REVIEWER};
    for (int i = 0; i < 4; i++) {
        Val *o = val_map(a);
        const char *name = auth_role_name(roles[i]);
        val_set_str(o, "value", name);
        val_set_str(o, "label", auth_role_label(roles[i]));
        val_set_bool(o, "selected", selected && !strcmp(selected, name));
        val_push(list, o);
    }
    return list;
}

static const char *saved_message(const char *code)
{
    if (!code) return NULL;
    if (!strcmp(code, "tao")) return "Đã tạo người dùng.";
    if (!strcmp(code, "vai-tro")) return "Đã đổi vai trò.";
    if (!strcmp(code, "khoa")) return "Đã khóa tài khoản.";
    if (!strcmp(code, "mo-khoa")) return "Đã mở khóa tài khoản.";
    if (!strcmp(code, "mat-khau")) return "Đã đặt lại mật khẩu; các phiên đăng nhập của người "
                                          "dùng này đã kết thúc.";
    return NULL;
}

static int users_render(Req *r, int status, const char *error, const UserForm *form)
{
    Arena *a = r->arena;
    Val *ctx = admin_ctx(r);
    Val *users = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT u.id, u.username, u.display_name, u.role, u.disabled, "
                                 "u.last_login_at, u.created_at, c.name FROM users u "
                                 "LEFT JOIN councils c ON c.id = u.council_id ORDER BY u.username");
    if (!st) return reply_error(r, 500, NULL);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) {
        Val *u = val_map(a);
        int64_t id = db_col_int(st, 0);
        const char *role = db_col_text(st, 3);
        val_set_int(u, "id", id);
        val_set_str(u, "username", db_col_dup(st, 1, a));
        val_set_str(u, "display_name", db_col_dup(st, 2, a));
        val_set_str(u, "role", arena_strdup(a, role));
        val_set_str(u, "role_label", auth_role_label(auth_role_from_name(role)));
        val_set(u, "roles", role_options(a, role));
        val_set_bool(u, "disabled", db_col_int(st, 4) != 0);
        if (!db_col_is_null(st, 5)) val_set_str(u, "last_login", fmt_datetime(a, db_col_int(st, 5)));
        val_set_str(u, "created", fmt_datetime(a, db_col_int(st, 6)));
        val_set_bool(u, "is_self", r->user && r->user->id == id);
        val_set_str(u, "council", db_col_is_null(st, 7) ? "Văn phòng cổng (mọi hội đồng)"
                                                        : db_col_dup(st, 7, a));
        val_push(users, u);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "users", users);
    if (error) val_set_str(ctx, "error", error);
    const char *ok = saved_message(req_query(r, "xong"));
    if (ok && !error) val_set_str(ctx, "notice", ok);
    Val *nf = val_map(a);
    val_set_str(nf, "username", form && form->username ? form->username : "");
    val_set_str(nf, "display_name", form && form->display_name ? form->display_name : "");
    val_set(nf, "roles", role_options(a, form && form->role ? form->role : "editor"));
    val_set_str(nf, "council", form && form->council ? form->council : "");
    val_set(ctx, "new", nf);
    Val *crumbs = val_list(a);
    val_push(crumbs, page_crumb(a, "Quản trị", "/quan-tri"));
    val_push(crumbs, page_crumb(a, "Người dùng", NULL));
    val_set(ctx, "crumbs", crumbs);
    r->cache_seconds = -1;
    return reply_page(r, status, "admin_users", "Người dùng", ctx);
}

/* GET /quan-tri/nguoi-dung [?xong=code] - list of staff accounts with
 * forms to create, change role, lock/unlock, reset password.  Admin. */
int page_admin_users(Req *r)
{
    return users_render(r, 200, NULL, NULL);
}

/* Active portal admins other than user `id` (for "never remove the last
 * admin"): a council's own admin cannot manage the portal's accounts. */
static int64_t other_admins(Db *db, int64_t id)
{
    return db_int(db, -1, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0 "
                          "AND council_id IS NULL AND id <> ?1", "l", id);
}

/* Run a checked change in one transaction: *err set and -1 when refused. */
static int user_change(Req *r, const char *action, int64_t id, const char *role, const char **err)
{
    Db *db = r->db;
    if (db_begin(db) != DB_OK) { *err = "Lỗi cơ sở dữ liệu, vui lòng thử lại."; return -1; }
    Stmt *st = db_prepare(db, "SELECT username, role, disabled, council_id IS NULL FROM users "
                              "WHERE id = ?1");
    if (!st) goto dberr;
    db_bind_int(st, 1, id);
    if (db_step(st) != DB_ROW) {
        db_done(st);
        db_rollback(db);
        *err = "Không tìm thấy người dùng.";
        return -1;
    }
    char *uname = db_col_dup(st, 0, r->arena);
    char *role_now = db_col_dup(st, 1, r->arena);
    int on_portal = (int)db_col_int(st, 3);
    int is_admin = !strcmp(db_col_text(st, 1), "admin") && on_portal;
    int disabled = (int)db_col_int(st, 2);
    db_done(st);
    int64_t others = other_admins(db, id);
    if (others < 0) goto dberr;
    const char *detail = "";
    if (!strcmp(action, "role")) {
        if (auth_role_from_name(role) < 0) { *err = "Vai trò không hợp lệ."; goto refuse; }
        /* An agency's account stays one: it has no council office to work in. */
        if (auth_role_from_name(role) == ROLE_AGENCY || (role_now && !strcmp(role_now, "agency"))) {
            *err = "Tài khoản của cơ quan giải quyết không đổi vai trò được (và không vai trò nào đổi thành nó).";
            goto refuse;
        }
        if (!on_portal && auth_role_from_name(role) == ROLE_MODERATOR) {
            *err = "Kiểm duyệt viên chỉ thuộc Văn phòng của cổng thông tin.";
            goto refuse;
        }
        if (is_admin && !disabled && strcmp(role, "admin") != 0 && others == 0) {
            *err = "Không thể bỏ quyền quản trị của quản trị viên cuối cùng.";
            goto refuse;
        }
        if (db_exec(db, "UPDATE users SET role = ?2 WHERE id = ?1", "lt", id, role) != DB_OK) goto dberr;
        detail = arena_printf(r->arena, "%s: %s", uname, role);
    } else if (!strcmp(action, "disable")) {
        if (r->user && r->user->id == id) { *err = "Bạn không thể tự khóa tài khoản của mình."; goto refuse; }
        if (is_admin && !disabled && others == 0) {
            *err = "Không thể khóa quản trị viên cuối cùng.";
            goto refuse;
        }
        if (db_exec(db, "UPDATE users SET disabled = 1 WHERE id = ?1", "l", id) != DB_OK
            || db_exec(db, "DELETE FROM sessions WHERE user_id = ?1", "l", id) != DB_OK)
            goto dberr;
        detail = uname;
    } else if (!strcmp(action, "enable")) {
        if (db_exec(db, "UPDATE users SET disabled = 0 WHERE id = ?1", "l", id) != DB_OK) goto dberr;
        detail = uname;
    }
    if (audit(db, r->user ? r->user->id : 0, r->user ? r->user->username : "", r->now,
              arena_printf(r->arena, "user.%s", action), "user", id, detail) != 0)
        goto dberr;
    if (db_commit(db) != DB_OK) goto dberr;
    return 0;
dberr:
    db_rollback(db);
    *err = "Lỗi cơ sở dữ liệu, vui lòng thử lại.";
    return -1;
refuse:
    db_rollback(db);
    return -1;
}

/* POST /quan-tri/nguoi-dung/luu - field `action`:
 *   create   username, display_name, role, password
 *   role     id, role
 *   disable / enable   id
 *   password id, password
 * Admin.  303 back to the list on success; the list with 400 and the
 * message (create form refilled, never the password) on bad input. */
int page_admin_user_save(Req *r)
{
    const char *action = req_form(r, "action");
    const char *err = NULL;
    if (!action) return users_render(r, 400, "Yêu cầu không hợp lệ.", NULL);

    if (!strcmp(action, "create")) {
        UserForm f = {0};
        const char *u = req_form(r, "username");
        char *uname = u ? vn_clean(r->arena, u) : NULL;
        if (uname)   /* user names are lowercase ASCII; be lenient about capitals */
            for (char *p = uname; *p; p++)
                if (*p >= 'A' && *p <= 'Z') *p = (char)(*p + 32);
        const char *d = req_form(r, "display_name");
        f.username = uname ? uname : "";
        f.display_name = d ? vn_clean(r->arena, d) : "";
        if (!f.display_name) f.display_name = "";
        f.role = req_form(r, "role");
        /* The council: its id or its unit's slug; empty = the portal's own office. */
        const char *c = req_form(r, "council");
        f.council = c ? vn_clean(r->arena, c) : NULL;
        int64_t council_id = 0;
        if (f.council && *f.council) {
            council_id = staff_council_find(r->db, f.council, r->now);
            if (council_id < 0) return users_render(r, 500, "Lỗi cơ sở dữ liệu, vui lòng thử lại.", &f);
            if (council_id == 0)
                return users_render(r, 400, "Không tìm thấy hội đồng này: nhập mã số hội đồng hoặc "
                                            "tên rút gọn của đơn vị (ví dụ: phuong-ba-dinh).", &f);
        }
        if (auth_user_add(r->db, f.username, f.display_name, f.role ? f.role : "", council_id,
                          req_form(r, "password"), r->now, &err) != 0)
            return users_render(r, 400, err, &f);
        int64_t id = db_int(r->db, 0, "SELECT id FROM users WHERE username = ?1", "t", f.username);
        audit(r->db, r->user->id, r->user->username, r->now, "user.create", "user", id,
              arena_printf(r->arena, "%s (%s)", f.username, f.role));
        return reply_redirect(r, "/quan-tri/nguoi-dung?xong=tao");
    }

    int64_t id = req_int(r, "id", 0, 1, INT64_MAX);
    if (id <= 0) return users_render(r, 400, "Không tìm thấy người dùng.", NULL);
    if (!strcmp(action, "password")) {
        if (auth_user_set_password(r->db, id, req_form(r, "password"), &err) != 0)
            return users_render(r, 400, err, NULL);
        char *uname = db_text(r->db, r->arena, "SELECT username FROM users WHERE id = ?1", "l", id);
        audit(r->db, r->user->id, r->user->username, r->now, "user.password", "user", id,
              uname ? uname : "");
        /* Resetting one's own password ends one's own session too. */
        if (r->user->id == id) {
            auth_logout(r);
            return reply_redirect(r, "/quan-tri/dang-nhap");
        }
        return reply_redirect(r, "/quan-tri/nguoi-dung?xong=mat-khau");
    }
    const char *done = NULL;
    if (!strcmp(action, "role")) done = "vai-tro";
    else if (!strcmp(action, "disable")) done = "khoa";
    else if (!strcmp(action, "enable")) done = "mo-khoa";
    else return users_render(r, 400, "Yêu cầu không hợp lệ.", NULL);
    if (user_change(r, action, id, req_form(r, "role"), &err) != 0)
        return users_render(r, 400, err, NULL);
    return reply_redirect(r, arena_printf(r->arena, "/quan-tri/nguoi-dung?xong=%s", done));
}

/* ---------------------------------------------------------------- audit */

/* Link to an audit page with the current filters. */
static const char *audit_url(Arena *a, const char *user, const char *action, int64_t page)
{
    Buf b;
    buf_init(&b, a);
    buf_puts(&b, "/quan-tri/nhat-ky?trang=");
    buf_printf(&b, "%lld", (long long)page);
    if (*user) { buf_puts(&b, "&nguoi-dung="); buf_url(&b, user); }
    if (*action) { buf_puts(&b, "&hanh-dong="); buf_url(&b, action); }
    return buf_str(&b);
}

/* GET /quan-tri/nhat-ky [?nguoi-dung=NAME][&hanh-dong=ACTION][&trang=N] -
 * the audit log, newest first, AUDIT_PER_PAGE a page.  Admin. */
int page_admin_audit(Req *r)
{
    Arena *a = r->arena;
    const char *qu = req_query(r, "nguoi-dung"), *qa = req_query(r, "hanh-dong");
    char *user = qu ? vn_clean(a, qu) : NULL, *action = qa ? vn_clean(a, qa) : NULL;
    if (!user) user = "";
    if (!action) action = "";
    int64_t total = db_int(r->db, -1, "SELECT COUNT(*) FROM audit_log WHERE (?1 = '' OR username = ?1) "
                                      "AND (?2 = '' OR action = ?2)", "tt", user, action);
    if (total < 0) return reply_error(r, 500, NULL);
    int64_t pages = total > 0 ? (total + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE : 1;
    int64_t page = req_int(r, "trang", 1, 1, 1000000);
    if (page > pages) return reply_error(r, 404, NULL);

    Val *ctx = admin_ctx(r);
    Val *entries = val_list(a);
    Stmt *st = db_prepare(r->db, "SELECT l.at, l.username, l.action, l.object_type, l.object_id, l.detail, "
                                 "c.name FROM audit_log l LEFT JOIN councils c ON c.id = l.council_id "
                                 "WHERE (?1 = '' OR l.username = ?1) "
                                 "AND (?2 = '' OR l.action = ?2) ORDER BY l.id DESC LIMIT ?3 OFFSET ?4");
    if (!st) return reply_error(r, 500, NULL);
    db_bindf(st, "ttll", user, action, (int64_t)AUDIT_PER_PAGE, (page - 1) * AUDIT_PER_PAGE);
    int rc;
    while ((rc = db_step(st)) == DB_ROW) val_push(entries, audit_row(r, st));
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "entries", entries);
    val_set_bool(ctx, "has_entries", val_len(entries) > 0);
    val_set_int(ctx, "total", total);
    val_set_str(ctx, "f_user", user);

    /* The action filter offers the codes present in the log. */
    Val *actions = val_list(a);
    st = db_prepare(r->db, "SELECT DISTINCT action FROM audit_log ORDER BY action");
    if (!st) return reply_error(r, 500, NULL);
    while ((rc = db_step(st)) == DB_ROW) {
        Val *o = val_map(a);
        char *code = db_col_dup(st, 0, a);
        val_set_str(o, "value", code);
        val_set_str(o, "label", action_label(code ? code : ""));
        val_set_bool(o, "selected", code && !strcmp(code, action));
        val_push(actions, o);
    }
    db_done(st);
    if (rc != DB_DONE) return reply_error(r, 500, NULL);
    val_set(ctx, "actions", actions);

    if (pages > 1) {
        Val *pager = val_map(a);
        val_set_int(pager, "page", page);
        val_set_int(pager, "pages", pages);
        if (page > 1) val_set_str(pager, "prev_url", audit_url(a, user, action, page - 1));
        if (page < pages) val_set_str(pager, "next_url", audit_url(a, user, action, page + 1));
        val_set(ctx, "pager", pager);
    }
    Val *crumbs = val_list(a);
    val_push(crumbs, page_crumb(a, "Quản trị", "/quan-tri"));
    val_push(crumbs, page_crumb(a, "Nhật ký", NULL));
    val_set(ctx, "crumbs", crumbs);
    r->cache_seconds = -1;
    return reply_page(r, 200, "admin_audit", "Nhật ký hoạt động", ctx);
}
