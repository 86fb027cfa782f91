/* fuzz_forms.c - the validators that read form fields typed by anyone:
 * the reader's comment (comment_validate, comment_count_links), the staff
 * sign-in name and password rules (auth_username_valid,
 * auth_password_problem).  The input is split at '\x01' bytes into up
 * to three fields (name, e-mail, body), so the fuzzer can shape each.
 * Oracles: an accepted field is valid UTF-8, cleaned (no controls but
 * LF/TAB, no edge spaces) and within its limits; a refusal comes with a
 * message; the link count is that of the cleaned body; a valid user name
 * matches [a-z0-9._-]{3,32}; a password under 10 characters (in NFC) or
 * not valid UTF-8 is refused. */
#include "fuzz.h"
#include "auth.h"
#include "engage_comment.h"
#include "vn.h"

static void check_clean(const char *s, size_t maxchars, const char *what)
{
    size_t n = strlen(s);
    FUZZ_CHECK(vn_utf8_valid(s, n), "%s not valid UTF-8", what);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t', "%s keeps control 0x%02x", what, c);
    }
    FUZZ_CHECK(!n || (s[0] != ' ' && s[n - 1] != ' ' && s[n - 1] != '\n'), "%s edge space", what);
    if (maxchars) FUZZ_CHECK(vn_char_count(s) <= maxchars, "%s too long: %zu", what, vn_char_count(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 32 * 1024) return 0;
    char *s = fuzz_str(data, size);
    char *f[3] = {s, NULL, NULL};
    char *p = strchr(s, '\x01');
    if (p) { *p = 0; f[1] = p + 1; p = strchr(f[1], '\x01'); if (p) { *p = 0; f[2] = p + 1; } }
    Arena *a = arena_new();
    CommentFields cf;
    int rc = comment_validate(a, f[0], f[1], f[2], &cf);
    FUZZ_CHECK(rc == 0 || rc == -1, "rc %d", rc);
    if (rc == 0) {
        FUZZ_CHECK(!cf.name_err && !cf.email_err && !cf.body_err, "ok with an error message");
        FUZZ_CHECK(cf.name && *cf.name && cf.body && *cf.body, "ok with an empty field");
        check_clean(cf.name, COMMENT_NAME_MAX, "name");
        check_clean(cf.body, COMMENT_BODY_MAX, "body");
        if (cf.email) {
            check_clean(cf.email, 0, "email");
            FUZZ_CHECK(strlen(cf.email) <= COMMENT_EMAIL_MAX, "email too long");
            FUZZ_CHECK(!*cf.email || strchr(cf.email, '@'), "email without @: %s", cf.email);
        }
        FUZZ_CHECK(cf.links == comment_count_links(cf.body), "link count");
    } else {
        FUZZ_CHECK(cf.name_err || cf.email_err || cf.body_err, "refused without a message");
    }
    FUZZ_CHECK(comment_count_links(s) >= 0, "negative link count");

    int uv = auth_username_valid(f[0]);
    size_t ul = strlen(f[0]);
    int want = ul >= 3 && ul <= 32 && strspn(f[0], "abcdefghijklmnopqrstuvwxyz0123456789._-") == ul;
    FUZZ_CHECK(!!uv == want, "auth_username_valid(\"%s\") = %d", f[0], uv);
    const char *pp = auth_password_problem(f[0], f[1] ? f[1] : f[0]);
    FUZZ_CHECK(!pp || *pp, "empty password message");
    if (!pp) {
        /* the rule counts the NFC form (U+0F93 is two code points in NFC) */
        char *nfc = vn_nfc(a, f[1] ? f[1] : f[0]);
        FUZZ_CHECK(nfc && vn_char_count(nfc) >= 10, "short or invalid password accepted");
    }
    arena_free(a);
    free(s);
    return 0;
}
