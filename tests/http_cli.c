/* http_cli.c - the hoidong command line: subcommands, --help, clear
 * one-line errors with a non-zero exit for bad options and settings, user
 * management, backup and check.  Runs the real binary against a temp
 * directory (the TServer of tclient.h, started without serving where a
 * server is not needed). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "t.h"
#include "tclient.h"

static TServer s;

/* Run the binary with a raw argument string (no --db/--files added). */
static int run_raw(char **out, const char *args)
{
    char cmd[8192];
    static char bin[4096];
    if (!bin[0] && !realpath(getenv("HOIDONG_BIN") ? getenv("HOIDONG_BIN") : "build/hoidong", bin))
        return -1;
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>&1", s.dir, bin, args);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t cap = 65536, len = 0, n;
    char *buf = malloc(cap);
    while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) len += n;
    buf[len] = 0;
    int st = pclose(p);
    *out = buf;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int lines(const char *text)
{
    int n = 0;
    for (; *text; text++) n += *text == '\n';
    return n;
}

TEST(test_help_for_every_command)
{
    static const char *cmds[] = {"serve", "init", "demo", "user", "backup", "check", "optimize"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char args[64], *out = NULL;
        snprintf(args, sizeof args, "%s --help", cmds[i]);
        CHECK_INT(run_raw(&out, args), 0);
        CHECK_CONTAINS(out, "Usage: hoidong");
        free(out);
    }
    char *out = NULL;
    CHECK_INT(run_raw(&out, "--help"), 0);
    CHECK_CONTAINS(out, "backup FILE");
    free(out);
}

TEST(test_bad_input_one_line_nonzero)
{
    static const struct { const char *args, *expect; } cases[] = {
        {"frobnicate", "unknown command 'frobnicate'"},
        {"serve --port http", "bad value for 'port': 'http'"},
        {"serve --port 70000", "bad value for 'port'"},
        {"serve --bogus 1", "unknown option or missing value '--bogus'"},
        {"--db", "option --db needs a value"},
        {"init --what", "init: unknown option '--what'"},
        {"-c /nonexistent/hoidong.conf check", "/nonexistent/hoidong.conf: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        int rc = run_raw(&out, cases[i].args);
        CHECK(rc != 0);
        CHECK_CONTAINS(out, cases[i].expect);
        CHECK_INT(lines(out), 1);
        free(out);
    }
    /* A bad config file line and a bad environment setting name their source. */
    char *out = NULL;
    char conf[400];
    snprintf(conf, sizeof conf, "%s/bad.conf", s.dir);
    FILE *f = fopen(conf, "w");
    CHECK(f != NULL);
    if (f) { fputs("# comment\nport = 8080\nthreads = many\n", f); fclose(f); }
    CHECK(run_raw(&out, "-c bad.conf check") != 0);
    CHECK_CONTAINS(out, "bad.conf:3: bad value for 'threads': 'many'");
    CHECK_INT(lines(out), 1);
    free(out);
    setenv("HOIDONG_MAX_UPLOAD", "lots", 1);
    CHECK(run_raw(&out, "check") != 0);
    CHECK_CONTAINS(out, "HOIDONG_MAX_UPLOAD: bad value for 'max_upload': 'lots'");
    free(out);
    unsetenv("HOIDONG_MAX_UPLOAD");
}

TEST(test_users_backup_check)
{
    char *out = NULL;
    CHECK_INT(ts_cmd(&s, &out, "user list"), 0);
    CHECK_CONTAINS(out, "admin");
    CHECK_CONTAINS(out, "active");
    free(out);

    /* A weak password is refused with a Vietnamese reason; nothing created. */
    setenv("HOIDONG_PASSWORD", "123456789", 1);
    CHECK(ts_cmd(&s, &out, "user add bientap editor 'Biên Tập'") != 0);
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "user list"), 0);
    CHECK_NOT_CONTAINS(out, "bientap");
    free(out);

    setenv("HOIDONG_PASSWORD", "Mật-khẩu-biên-tập-2026", 1);
    CHECK_INT(ts_cmd(&s, &out, "user add bientap editor 'Biên Tập Viên'"), 0);
    free(out);
    CHECK(ts_cmd(&s, &out, "user add bientap editor") != 0);   /* duplicate */
    free(out);
    CHECK(ts_cmd(&s, &out, "user add x1 chief") != 0);
    CHECK_CONTAINS(out, "unknown role 'chief'");
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "user disable bientap"), 0);
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "user list"), 0);
    CHECK_CONTAINS(out, "disabled");
    free(out);
    CHECK(ts_cmd(&s, &out, "user disable nobody") != 0);
    CHECK_CONTAINS(out, "no user 'nobody'");
    free(out);
    setenv("HOIDONG_PASSWORD", "Mật-khẩu-mới-rất-dài-2026", 1);
    CHECK_INT(ts_cmd(&s, &out, "user passwd bientap"), 0);
    free(out);
    unsetenv("HOIDONG_PASSWORD");

    if (t_pg()) {
        /* hoidong backup copies the SQLite file; PostgreSQL is backed up
         * with pg_dump (docs/POSTGRESQL.md). */
        T_SKIP(test_users_backup_check_backup, "hoidong backup and check are for the SQLite file");
        return;
    }
    char args[600], bdir[300];
    snprintf(bdir, sizeof bdir, "%s/backup", s.dir);
    snprintf(args, sizeof args, "backup '%s.db'", bdir);
    CHECK_INT(ts_cmd(&s, &out, args), 0);
    free(out);
    snprintf(args, sizeof args, "--db '%s.db' check", bdir);
    char *o2 = NULL;
    CHECK_INT(run_raw(&o2, args), 0);
    CHECK_CONTAINS(o2, "ok (schema version");
    free(o2);
    CHECK_INT(ts_cmd(&s, &out, "check"), 0);
    free(out);
    /* A corrupt database file is reported, not crashed on. */
    snprintf(args, sizeof args, "%s/junk.db", s.dir);
    FILE *f = fopen(args, "w");
    if (f) { fputs("this is not a database, only text", f); fclose(f); }
    snprintf(args, sizeof args, "--db '%s/junk.db' check", s.dir);
    CHECK(run_raw(&o2, args) != 0);
    CHECK_INT(lines(o2), 1);
    free(o2);
}

TEST(test_demo_remove)
{
    char *out = NULL;
    CHECK_INT(ts_cmd(&s, &out, "demo"), 0);
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "demo --remove"), 0);
    CHECK_CONTAINS(out, "Sample content removed.");
    free(out);
    /* The search index merged after a bulk change, then nothing to do. */
    CHECK_INT(ts_cmd(&s, &out, "optimize"), 0);
    CHECK(strstr(out, "merged in") || strstr(out, "already merged"));
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "optimize"), 0);
    CHECK_CONTAINS(out, "The search index was already merged.");
    free(out);
    CHECK(ts_cmd(&s, &out, "optimize now") != 0);
    CHECK_CONTAINS(out, "Usage: hoidong optimize");
    free(out);
    CHECK_INT(ts_cmd(&s, &out, "check"), 0);
    free(out);
}

int main(void)
{
    t_prog = "http_cli";
    /* A temp directory with an initialised database; no server needed. */
    snprintf(s.dir, sizeof s.dir, "/tmp/hdcli-XXXXXX");
    if (!mkdtemp(s.dir)) return 1;
    char *out = NULL;
    if (ts_cmd(&s, &out, "init") != 0) { fprintf(stderr, "init failed: %s\n", out ? out : ""); return 1; }
    free(out);
    RUN(test_help_for_every_command);
    RUN(test_bad_input_one_line_nonzero);
    RUN(test_users_backup_check);
    RUN(test_demo_remove);
    ts_stop(&s);
    return t_done();
}
