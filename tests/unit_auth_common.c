/* unit_auth_common.c - the password rules of OWASP ASVS 4.0.3 level 2
 * (V2.1.7: refuse the common passwords; V2.4.1/2.4.4: Argon2id with at
 * least OWASP's minimum cost), checked in-process:
 *
 *  - every one of the 3,546 passwords of Debian's john-data list
 *    (/usr/share/john/password.lst, "#!comment" lines excluded) is refused
 *    by auth_password_problem and by auth_user_add (nothing written), the
 *    long ones (>= 10 characters, which the length rule does not catch)
 *    because they are common, in any letter case;
 *  - strong passwords are accepted (the check is not "refuse everything");
 *  - the hash stored for a new user is Argon2id with parameters at or
 *    above one of OWASP's Password Storage Cheat Sheet minimums
 *    (m=47104 KiB t=1, m=19456 t=2, m=12288 t=3, m=9216 t=4, m=7168 t=5). */
#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include "auth.h"
#include "db.h"
#include "t.h"

#define JOHN "/usr/share/john/password.lst"

static char **list;
static size_t nlist;

static void load_list(void)
{
    FILE *f = fopen(JOHN, "r");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (!strncmp(line, "#!comment:", 10)) continue;
        list = realloc(list, (nlist + 1) * sizeof *list);
        list[nlist++] = strdup(line);
    }
    free(line);
    fclose(f);
}

TEST(test_list_present)
{
    CHECK(list != NULL);
    /* Debian 12's john-data 1.9.0: 3,546 passwords after the comment lines. */
    CHECK_INT(nlist, 3546);
}

TEST(test_every_common_password_refused)
{
    size_t refused = 0, long_ones = 0, long_common = 0;
    for (size_t i = 0; i < nlist; i++) {
        const char *why = auth_password_problem("bientapvien", list[i]);
        if (why) refused++;
        else fprintf(stderr, "  accepted: \"%s\"\n", list[i]);
        if (strlen(list[i]) >= 10) {
            long_ones++;
            /* Long enough for the length rule: must be refused as common,
             * also typed in capitals. */
            char up[256];
            snprintf(up, sizeof up, "%s", list[i]);
            for (char *p = up; *p; p++) *p = (char)toupper((unsigned char)*p);
            const char *why_up = auth_password_problem("bientapvien", up);
            if (why && strstr(why, "phổ biến") && why_up && strstr(why_up, "phổ biến")) long_common++;
            else fprintf(stderr, "  \"%s\": %s / %s\n", list[i], why ? why : "accepted", why_up ? why_up : "accepted");
        }
    }
    fprintf(stderr, "  %zu of %zu john-data passwords refused (%zu of %zu long ones as common)\n",
            refused, nlist, long_common, long_ones);
    CHECK_INT(refused, nlist);
    CHECK_INT(long_common, long_ones);
    CHECK(long_ones >= 40);
}

TEST(test_strong_passwords_accepted)
{
    static const char *const ok[] = {"Quản-trị-thử-nghiệm-2026", "sông Hồng chảy mãi về xuôi",
                                     "correct horse battery staple", "Kỳ họp thứ 27 tháng 12", NULL};
    for (int i = 0; ok[i]; i++) {
        const char *why = auth_password_problem("bientapvien", ok[i]);
        if (why) fprintf(stderr, "  refused \"%s\": %s\n", ok[i], why);
        CHECK(why == NULL);
    }
}

/* m (KiB), t, p of an Argon2id hash string; 0 on success. */
static int argon_params(const char *h, long *m, long *t, long *p)
{
    if (!h || strncmp(h, "$argon2id$v=19$", 15)) return -1;
    return sscanf(h + 15, "m=%ld,t=%ld,p=%ld$", m, t, p) == 3 ? 0 : -1;
}

TEST(test_user_add_refuses_and_hash_cost)
{
    char dir[] = "/tmp/unit_auth_common_XXXXXX";
    if (!mkdtemp(dir)) { CHECK(0); return; }
    char path[256], err[256];
    snprintf(path, sizeof path, "%s/t.db", dir);
    Db *db = db_open(t_db(path), 1, err, sizeof err);
    CHECK(db != NULL);
    if (!db) return;
    size_t refused = 0;
    for (size_t i = 0; i < nlist; i++) {
        const char *e = NULL;
        if (auth_user_add(db, "bientapvien", "Biên tập viên", "editor", 0, list[i], 1000, &e) != 0 && e) refused++;
        else { fprintf(stderr, "  user add accepted \"%s\"\n", list[i]); break; }
    }
    CHECK_INT(refused, nlist);
    CHECK_INT(db_int(db, -1, "SELECT COUNT(*) FROM users", ""), 0);

    const char *e = NULL;
    CHECK_INT(auth_user_add(db, "bientapvien", "Biên tập viên", "editor", 0, "sông Hồng chảy mãi về xuôi", 1000, &e), 0);
    Arena *a = arena_new();
    const char *hash = db_text(db, a, "SELECT password_hash FROM users WHERE username = ?1", "t", "bientapvien");
    long m = 0, t = 0, p = 0;
    CHECK_INT(argon_params(hash, &m, &t, &p), 0);
    fprintf(stderr, "  stored hash: Argon2id m=%ld KiB, t=%ld, p=%ld\n", m, t, p);
    int owasp = (m >= 47104 && t >= 1) || (m >= 19456 && t >= 2) || (m >= 12288 && t >= 3) ||
                (m >= 9216 && t >= 4) || (m >= 7168 && t >= 5);
    CHECK(owasp);
    CHECK(p >= 1);
    /* The salt is at least 128 bits: base64 of >= 16 bytes is >= 22 characters. */
    const char *salt = hash ? strrchr(hash, '$') : NULL;
    const char *salt_start = NULL;
    for (const char *q = hash; q && q < salt; q++) if (*q == '$') salt_start = q + 1;
    CHECK(salt && salt_start && salt - salt_start >= 22);
    arena_free(a);
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK_INT(system(cmd), 0);
}

int main(void)
{
    t_prog = "unit_auth_common";
    load_list();
    RUN(test_list_present);
    RUN(test_every_common_password_refused);
    RUN(test_strong_passwords_accepted);
    RUN(test_user_add_refuses_and_hash_cost);
    for (size_t i = 0; i < nlist; i++) free(list[i]);
    free(list);
    return t_done();
}
