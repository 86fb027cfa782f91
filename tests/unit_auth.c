/* unit_auth.c - tests for staff accounts: Argon2id hashing and
 * verification (NFC vs NFD input must match), the password rules (length,
 * user name, common-password list from john-data or the built-in one,
 * too few distinct characters), user names and roles, token comparison,
 * and auth_user_add / auth_user_set_password against a fresh database. */
#include <stdlib.h>
#include <unistd.h>

#include <utf8proc.h>

#include "auth.h"
#include "db.h"
#include "log.h"
#include "t.h"

/* A Vietnamese password in NFC; its NFD form is made with utf8proc. */
#define PW_NFC "Mật khẩu Hội đồng 2026"

TEST(test_hash_verify)
{
    char h[128];
    CHECK_INT(auth_hash_password(PW_NFC, h), 0);
    /* Argon2id with m = 64 MiB, t = 3, p = 1. */
    CHECK(strncmp(h, "$argon2id$v=19$m=65536,t=3,p=1$", 31) == 0);
    CHECK_INT(auth_verify_password(h, PW_NFC), 1);
    CHECK_INT(auth_verify_password(h, "Mật khẩu Hội đồng 2027"), 0);
    CHECK_INT(auth_verify_password(h, "mật khẩu hội đồng 2026"), 0);
    CHECK_INT(auth_verify_password(h, ""), 0);
    CHECK_INT(auth_verify_password("not a hash", PW_NFC), 0);
    /* Same password twice: different salts. */
    char h2[128];
    CHECK_INT(auth_hash_password(PW_NFC, h2), 0);
    CHECK(strcmp(h, h2) != 0);
    CHECK_INT(auth_verify_password(h2, PW_NFC), 1);
}

TEST(test_nfc_nfd)
{
    char *nfd = (char *)utf8proc_NFD((const utf8proc_uint8_t *)PW_NFC);
    CHECK(nfd != NULL);
    if (!nfd) return;
    CHECK(strcmp(nfd, PW_NFC) != 0);         /* really a different byte sequence */
    CHECK(strlen(nfd) > strlen(PW_NFC));
    char h[128];
    /* Hashed in NFC, typed in NFD: matches. */
    CHECK_INT(auth_hash_password(PW_NFC, h), 0);
    CHECK_INT(auth_verify_password(h, nfd), 1);
    /* Hashed in NFD, typed in NFC: matches too. */
    CHECK_INT(auth_hash_password(nfd, h), 0);
    CHECK_INT(auth_verify_password(h, PW_NFC), 1);
    /* Invalid UTF-8 is refused, never hashed as bytes. */
    CHECK_INT(auth_hash_password("abc\xff\xfe" "defghijk", h), -1);
    CHECK_INT(auth_verify_password(h, "abc\xff\xfe" "defghijk"), 0);
    free(nfd);
}

TEST(test_password_rules)
{
    CHECK(auth_password_problem("nguyenvana", "Quản-trị-thử-nghiệm-2026") == NULL);
    CHECK(auth_password_problem("nguyenvana", "sông Hồng chảy mãi") == NULL);
    CHECK(auth_password_problem(NULL, "ba con mèo đen 77") == NULL);
    /* Length counts characters, not bytes: 9 Vietnamese letters are too few. */
    CHECK_CONTAINS(auth_password_problem("bientap", "ắằẳẵặấầẩ1"), "10 ký tự");
    CHECK(auth_password_problem("bientap", "ắằẳẵặấầẩ12") == NULL);
    CHECK_CONTAINS(auth_password_problem("bientap", "Ab3$xyz"), "10 ký tự");
    CHECK_CONTAINS(auth_password_problem("bientap", ""), "nhập mật khẩu");
    CHECK(auth_password_problem("bientap", NULL) != NULL);
    /* User name: equal or contained, any case. */
    CHECK_CONTAINS(auth_password_problem("bientap.vien", "bientap.vien"), "tên đăng nhập");
    CHECK_CONTAINS(auth_password_problem("bientap.vien", "BienTap.Vien2026"), "tên đăng nhập");
    CHECK_CONTAINS(auth_password_problem("ngoc", "xin chào ngoc ơi"), "tên đăng nhập");
    /* Common passwords, any case. */
    CHECK_CONTAINS(auth_password_problem("bientap", "1234567890"), "phổ biến");
    CHECK_CONTAINS(auth_password_problem("bientap", "QWERTYUIOP"), "phổ biến");
    CHECK_CONTAINS(auth_password_problem("bientap", "matkhau123"), "phổ biến");
    /* Too few distinct characters. */
    CHECK_CONTAINS(auth_password_problem("bientap", "aaaaaaaaaaaa"), "quá đơn giản");
    CHECK_CONTAINS(auth_password_problem("bientap", "ababababcabc"), "quá đơn giản");
    CHECK(auth_password_problem("bientap", "ababababcabd") == NULL);
    CHECK(auth_password_problem("bientap", "ăâăâăâăâđêđê") == NULL);
    CHECK(auth_password_problem("bientap", "invalid\xff utf8 text") != NULL);
}

/* Entries of john-data's list (when installed) are refused even when they
 * are not in the built-in list. */
TEST(test_common_list_file)
{
    if (access("/usr/share/john/password.lst", R_OK) != 0) {
        fprintf(stderr, "  (john-data not installed: file part skipped)\n");
        return;
    }
    CHECK_CONTAINS(auth_password_problem("bientap", "basketball"), "phổ biến");
    CHECK_CONTAINS(auth_password_problem("bientap", "Thunderbird"), "phổ biến");
    CHECK_CONTAINS(auth_password_problem("bientap", "winniethepooh"), "phổ biến");
    /* The list's "#!comment" lines are not passwords. */
    CHECK(auth_password_problem("bientap", "#!comment: This list has been compiled") == NULL);
}

TEST(test_names_roles_tokens)
{
    CHECK_INT(auth_username_valid("admin"), 1);
    CHECK_INT(auth_username_valid("nguyen.van-a_2"), 1);
    CHECK_INT(auth_username_valid("ab"), 0);
    CHECK_INT(auth_username_valid("abcdefghijklmnopqrstuvwxyz0123456"), 0); /* 33 */
    CHECK_INT(auth_username_valid("abcdefghijklmnopqrstuvwxyz012345"), 1);  /* 32 */
    CHECK_INT(auth_username_valid("Admin"), 0);
    CHECK_INT(auth_username_valid("nguyễn"), 0);
    CHECK_INT(auth_username_valid("a b c"), 0);
    CHECK_INT(auth_username_valid(NULL), 0);
    CHECK_INT(auth_role_from_name("admin"), ROLE_ADMIN);
    CHECK_INT(auth_role_from_name("moderator"), ROLE_MODERATOR);
    CHECK_INT(auth_role_from_name("editor"), ROLE_EDITOR);
    CHECK_INT(auth_role_from_name("root"), -1);
    CHECK_INT(auth_role_from_name(NULL), -1);
    CHECK_STR(auth_role_name(ROLE_MODERATOR), "moderator");
    CHECK_STR(auth_role_label(ROLE_ADMIN), "Quản trị viên");
    char a[33], b[33];
    auth_random_hex(a, 16);
    auth_random_hex(b, 16);
    CHECK_INT(strlen(a), 32);
    CHECK(strspn(a, "0123456789abcdef") == 32);
    CHECK(strcmp(a, b) != 0);
    CHECK_INT(auth_token_equal(a, a), 1);
    CHECK_INT(auth_token_equal(a, b), 0);
    CHECK_INT(auth_token_equal(a, "abc"), 0);
    CHECK_INT(auth_token_equal("", ""), 0);
    CHECK_INT(auth_token_equal(a, NULL), 0);
    CHECK_INT(auth_token_equal(NULL, a), 0);
}

TEST(test_user_add)
{
    char dir[] = "/tmp/unit_auth_XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0); return; }
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    Db *db = db_open(t_db(path), 1, err, sizeof err);
    CHECK(db != NULL);
    if (!db) return;
    const char *e = NULL;
    CHECK_INT(auth_user_add(db, "bientap", "  Nguyễn Văn A  ", "editor", 0, "sông Hồng chảy mãi", 1000, &e), 0);
    Arena *a = arena_new();
    char *hash = db_text(db, a, "SELECT password_hash FROM users WHERE username = ?1", "t", "bientap");
    CHECK(hash && strncmp(hash, "$argon2id$", 10) == 0);
    CHECK_INT(auth_verify_password(hash, "sông Hồng chảy mãi"), 1);
    CHECK_STR(db_text(db, a, "SELECT display_name FROM users WHERE username = ?1", "t", "bientap"),
              "Nguyễn Văn A");
    CHECK_STR(db_text(db, a, "SELECT role FROM users WHERE username = ?1", "t", "bientap"), "editor");
    /* Refusals: nothing written, a Vietnamese reason. */
    e = NULL;
    CHECK_INT(auth_user_add(db, "bientap", "Người khác", "editor", 0, "một mật khẩu khác 1", 1000, &e), -1);
    CHECK_CONTAINS(e, "đã có người dùng");
    CHECK_INT(auth_user_add(db, "Bad Name", "X", "editor", 0, "một mật khẩu khác 1", 1000, &e), -1);
    CHECK_CONTAINS(e, "Tên đăng nhập");
    CHECK_INT(auth_user_add(db, "kiemduyet", "X", "root", 0, "một mật khẩu khác 1", 1000, &e), -1);
    CHECK_CONTAINS(e, "Vai trò");
    CHECK_INT(auth_user_add(db, "kiemduyet", "   ", "moderator", 0, "một mật khẩu khác 1", 1000, &e), -1);
    CHECK_CONTAINS(e, "họ và tên");
    CHECK_INT(auth_user_add(db, "kiemduyet", "Trần B", "moderator", 0, "1234567890", 1000, &e), -1);
    CHECK_CONTAINS(e, "phổ biến");
    CHECK_INT(auth_user_add(db, "kiemduyet", "Trần B", "moderator", 0, "kiemduyet-2026", 1000, &e), -1);
    CHECK_CONTAINS(e, "tên đăng nhập");
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM users", ""), 1);

    /* Password change: rules apply, the new one verifies, sessions end. */
    int64_t id = db_int(db, 0, "SELECT id FROM users WHERE username = ?1", "t", "bientap");
    CHECK_INT(db_exec(db, "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at) "
                          "VALUES ('x', ?1, 'c', 1, 1)", "l", id), DB_OK);
    CHECK_INT(auth_user_set_password(db, id, "short", &e), -1);
    CHECK_CONTAINS(e, "10 ký tự");
    CHECK_INT(auth_user_set_password(db, id, "trăng rằm tháng tám", &e), 0);
    hash = db_text(db, a, "SELECT password_hash FROM users WHERE id = ?1", "l", id);
    CHECK_INT(auth_verify_password(hash, "trăng rằm tháng tám"), 1);
    CHECK_INT(auth_verify_password(hash, "sông Hồng chảy mãi"), 0);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM sessions", ""), 0);
    CHECK_INT(auth_user_set_password(db, 999, "trăng rằm tháng tám", &e), -1);

    arena_free(a);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

int main(void)
{
    t_prog = "unit_auth";
    log_quiet = 1;
    RUN(test_hash_verify);
    RUN(test_nfc_nfd);
    RUN(test_password_rules);
    RUN(test_common_list_file);
    RUN(test_names_roles_tokens);
    RUN(test_user_add);
    return t_done();
}
