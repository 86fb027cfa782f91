/* main.c - the hoidong command: option parsing and the subcommands.
 *
 *   hoidong [global options] COMMAND [command options]
 *
 * Global options (also from a config file and HOIDONG_* variables, see
 * config.h) select the database and files.  Each command has --help.
 * Errors print one line on stderr and exit non-zero. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "auth.h"
#include "staff.h"
#include "config.h"
#include "db.h"
#include "demo.h"
#include "http_server.h"
#include "log.h"
#include "migrate.h"
#include "server.h"
#include "testaids.h"
#include "tmpl.h"
#include "tuning.h"
#include "unit_import.h"
#include "vn.h"

#define HOIDONG_VERSION "0.1.0"

static const char *usage_main =
    "Usage: hoidong [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "The People's Council portal server.\n"
    "\n"
    "Commands:\n"
    "  serve          serve the portal over HTTP\n"
    "  init           create the database and the first administrator\n"
    "  demo           load demo content (--remove deletes sample content)\n"
    "  user           manage staff accounts: add, passwd, list, disable, enable\n"
    "  units import   load administrative units and their history (Hanoi; any province)\n"
    "  backup FILE    write a consistent copy of the database (safe while serving)\n"
    "  check          check the database's integrity\n"
    "  optimize       merge the search index after a bulk load (safe while serving)\n"
    "  migrate        copy a SQLite site's data into an empty PostgreSQL database\n"
    "  version        print the version\n"
    "\n"
    "Options (before or after the command):\n"
    "  -c, --config FILE   read settings from FILE (key = value lines)\n"
    "  --db PATH           database file (default var/hoidong.db; env HOIDONG_DB)\n"
    "  --files DIR         attachment store (default var/files; env HOIDONG_FILES)\n"
    "  -h, --help          help; `hoidong COMMAND --help` for a command\n";

static const char *usage_serve =
    "Usage: hoidong serve [--listen ADDR] [--port N] [--threads N] [--templates DIR]\n"
    "                     [--site-url URL] [--db PATH] [--files DIR] [-c FILE]\n"
    "Serve the portal. Defaults: 127.0.0.1:8080, 4 worker threads per CPU (at least 8).\n"
    "Stops cleanly on SIGINT or SIGTERM. See docs/CONFIGURATION.md for all settings.\n";
static const char *usage_init =
    "Usage: hoidong init [--admin-password-file FILE]\n"
    "Create the database (applying migrations) and, if there is no user yet, the\n"
    "administrator 'admin' with the password in HOIDONG_ADMIN_PASSWORD or a random\n"
    "one, printed once (and written to FILE, mode 0600, when given).\n";
static const char *usage_demo =
    "Usage: hoidong demo [--remove]\n"
    "Load the demo content (the Đề án 15-ĐA/TU article with its attachment and about\n"
    "thirty sample articles). With --remove, delete everything marked as sample content.\n";
static const char *usage_user =
    "Usage: hoidong user add USERNAME ROLE [DISPLAY NAME] [--council ID|SLUG | --agency ID]\n"
    "                                   (password read from stdin or HOIDONG_PASSWORD)\n"
    "       hoidong user passwd USERNAME                    (same)\n"
    "       hoidong user list\n"
    "       hoidong user disable USERNAME | enable USERNAME\n"
    "ROLE is admin, editor, moderator, reviewer or agency (an answering agency's\n"
    "account: --agency names the agencies.id; it sees only what is forwarded to\n"
    "that agency).  --council: the council whose\n"
    "office the account works for (its id, or the slug of its unit as in\n"
    "/hoi-dong/SLUG); without it, the portal owner's office, which reaches all.\n";
static const char *usage_backup =
    "Usage: hoidong backup FILE\n"
    "Write a consistent copy of the database to FILE while the server may be running.\n"
    "Attachments live in the files directory: copy it too (see docs/BACKUP.md).\n";
static const char *usage_units =
    "Usage: hoidong units import [--data DIR]\n"
    "       hoidong units import --national FILE [--province CODE|all]\n"
    "Load administrative units into the database, idempotently (running it again\n"
    "changes nothing).  Without --national: Hanoi from DIR (default ../shared/data):\n"
    "the city and its 126 units from 1/7/2025, the 30 former districts and 526 former\n"
    "communes until 30/6/2025, and the succession map of resolution 1656/NQ-UBTVQH15.\n"
    "With --national: the post-reform units of one province (default 01) or of all\n"
    "34 from the national file (vn_units_2026-07-25_full.json).  See docs/COUNCILS.md.\n";
static const char *usage_check =
    "Usage: hoidong check\nRun the database integrity and foreign-key checks. Exit 0 when all is well.\n";

static const char *usage_optimize =
    "Usage: hoidong optimize\n"
    "Merge the search index's segments into one.  Each import or bulk load leaves\n"
    "segments that every search reads; merging them makes searches of a large site\n"
    "faster (1 000 000 articles: p99 107 -> 75 ms; docs/PERFORMANCE.md).  The merge\n"
    "runs in short write transactions, so the site may keep serving; at 1 000 000\n"
    "articles it takes a few minutes.  The server merges by itself after it rebuilds\n"
    "the index; run this after a large import of articles.\n"
    "Exit 0 when done (also when there was nothing to merge).\n";

static const char *usage_migrate =
    "Usage: hoidong migrate --from sqlite:FILE --to postgresql://USER@HOST/DBNAME\n"
    "Copy every table of the SQLite database FILE into an empty PostgreSQL database.\n"
    "FILE may be in use by a running site: the copy is read from an online snapshot\n"
    "(a temp file next to FILE or in $TMPDIR, removed afterwards).  FILE must be at\n"
    "this hoidong's schema version (`hoidong --db FILE init` upgrades it).  The target\n"
    "is brought to the current schema and must hold no content; the copy is one\n"
    "transaction (an error leaves the target as it was) and ends with every table's\n"
    "row count compared: exit 0 when all are equal, 1 otherwise.  The search index is\n"
    "rebuilt on the target.  Attachments stay in the files directory: serve the\n"
    "PostgreSQL site with the same --files directory.  See docs/POSTGRESQL.md.\n";

static int die(const char *fmt, const char *a)
{
    fprintf(stderr, "hoidong: ");
    fprintf(stderr, fmt, a);
    fputc('\n', stderr);
    return 2;
}

static int want_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    return 0;
}

static Db *open_db_or_die(int migrate)
{
    char err[512];
    Db *db = db_open(cfg.db_path, migrate, err, sizeof err);
    if (!db) fprintf(stderr, "hoidong: %s\n", err);
    return db;
}

static int mkdirs(const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) return -1;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0750) && errno != EEXIST) return -1;
        *p = '/';
    }
    return (mkdir(tmp, 0750) && errno != EEXIST) ? -1 : 0;
}

static int ensure_dirs(void)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", cfg.db_path);
    char *slash = strrchr(dir, '/');
    /* A database URL (postgresql://...) names no directory to create. */
    if (slash && slash != dir && !strstr(dir, "://")) {
        *slash = 0;
        if (mkdirs(dir)) return die("cannot create directory %s", dir);
    }
    if (mkdirs(cfg.files_dir)) return die("cannot create directory %s", cfg.files_dir);
    return 0;
}

/* Read one line (a password) from stdin or the named environment variable. */
static char *read_secret(const char *env)
{
    static char line[1024];
    const char *v = getenv(env);
    if (v) { snprintf(line, sizeof line, "%s", v); return line; }
    if (isatty(0)) fputs("Mật khẩu (password): ", stderr);
    if (!fgets(line, sizeof line, stdin)) return NULL;
    line[strcspn(line, "\r\n")] = 0;
    return line;
}

static int cmd_init(int argc, char **argv)
{
    const char *pwfile = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--admin-password-file") && i + 1 < argc) pwfile = argv[++i];
        else return die("init: unknown option '%s' (see hoidong init --help)", argv[i]);
    }
    if (ensure_dirs()) return 2;
    Db *db = open_db_or_die(1);
    if (!db) return 1;
    int rc = 0;
    if (db_int(db, 0, "SELECT count(*) FROM users", "") == 0) {
        char pw[64];
        const char *env = getenv("HOIDONG_ADMIN_PASSWORD");
        if (env) snprintf(pw, sizeof pw, "%s", env);
        else {
            static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
            for (int i = 0; i < 20; i++) pw[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
            pw[20] = 0;
        }
        const char *err = NULL;
        if (auth_user_add(db, "admin", "Quản trị viên", "admin", 0, pw, tuning_now(), &err)) {
            fprintf(stderr, "hoidong: cannot create the administrator: %s\n", err ? err : "database error");
            rc = 1;
        } else {
            printf("Created administrator 'admin' with password: %s\n", pw);
            if (pwfile) {
                FILE *f = fopen(pwfile, "w");
                if (!f) { rc = die("cannot write %s", pwfile); }
                else { chmod(pwfile, 0600); fprintf(f, "%s\n", pw); fclose(f); }
            }
        }
        sodium_memzero(pw, sizeof pw);
    } else {
        printf("Database %s is ready (users exist; nothing created).\n", cfg.db_path);
    }
    db_close(db);
    return rc;
}

static int cmd_demo(int argc, char **argv)
{
    int remove = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--remove")) remove = 1;
        else return die("demo: unknown option '%s' (see hoidong demo --help)", argv[i]);
    }
    if (ensure_dirs()) return 2;
    Db *db = open_db_or_die(1);
    if (!db) return 1;
    char err[512] = "";
    int rc = remove ? demo_remove(db, cfg.files_dir, err, sizeof err)
                    : demo_load(db, cfg.files_dir, tuning_now(), err, sizeof err);
    if (rc) fprintf(stderr, "hoidong: demo: %s\n", err[0] ? err : "failed");
    else printf(remove ? "Sample content removed.\n" : "Demo content loaded.\n");
    db_close(db);
    return rc ? 1 : 0;
}

/* A progress bar on stderr when it is a terminal. */
static void units_progress(void *ctx, size_t done, size_t total)
{
    (void)ctx;
    if (!total) return;
    int w = 40, k = (int)(done * (size_t)w / total);
    fprintf(stderr, "\r[%.*s%*s] %3d%% %zu/%zu", k, "########################################", w - k, "",
            (int)(done * 100 / total), done, total);
    if (done == total) fputc('\n', stderr);
}

static int cmd_units(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "import")) return die("units: expected 'import' (see hoidong units --help)%s", "");
    const char *dir = "../shared/data", *national = NULL, *province = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--national") && i + 1 < argc) national = argv[++i];
        else if (!strcmp(argv[i], "--province") && i + 1 < argc) province = argv[++i];
        else return die("units import: unknown option or missing value '%s'", argv[i]);
    }
    if (province && !national) return die("units import: --province needs --national FILE%s", "");
    if (ensure_dirs()) return 2;
    Db *db = open_db_or_die(1);
    if (!db) return 1;
    char err[512] = "";
    UnitImportStats st = {0};
    int rc = unit_import_files(db, dir, national, province ? province : "01",
                               isatty(2) ? units_progress : NULL, NULL, &st, err, sizeof err);
    if (rc) fprintf(stderr, "hoidong: units import: %s\n", err[0] ? err : "failed");
    else printf("Units: %d added, %d updated, %d unchanged; successions: %d added, %d updated.\n",
                st.added, st.updated, st.unchanged, st.successions_added, st.successions_updated);
    db_close(db);
    return rc ? 1 : 0;
}

static int cmd_user(int argc, char **argv)
{
    if (argc < 2) { fputs(usage_user, stderr); return 2; }
    const char *sub = argv[1];
    Db *db = open_db_or_die(1);
    if (!db) return 1;
    int rc = 0;
    int64_t now = tuning_now();
    if (!strcmp(sub, "list") && argc == 2) {
        Stmt *st = db_prepare(db, "SELECT u.username, u.display_name, u.role, u.disabled, "
                                  "COALESCE(c.id || ' ' || c.name, 'portal office') FROM users u "
                                  "LEFT JOIN councils c ON c.id = u.council_id ORDER BY u.username");
        if (!st) rc = 1;
        while (st && db_step(st) == DB_ROW)
            printf("%-20s %-10s %-8s %s [%s]\n", db_col_text(st, 0), db_col_text(st, 2),
                   db_col_int(st, 3) ? "disabled" : "active", db_col_text(st, 1), db_col_text(st, 4));
        if (st) db_done(st);
    } else if (!strcmp(sub, "add") && argc >= 4 && argc <= 7) {
        const char *council_arg = NULL, *agency_arg = NULL;
        if (argc >= 6 && !strcmp(argv[argc - 2], "--council")) {
            council_arg = argv[argc - 1];
            argc -= 2;
        } else if (argc >= 6 && !strcmp(argv[argc - 2], "--agency")) {
            agency_arg = argv[argc - 1];
            argc -= 2;
        }
        if (argc != 4 && argc != 5) { db_close(db); fputs(usage_user, stderr); return 2; }
        if (auth_role_from_name(argv[3]) < 0) { db_close(db); return die("user add: unknown role '%s' (admin, editor, moderator, reviewer, agency)", argv[3]); }
        if ((auth_role_from_name(argv[3]) == ROLE_AGENCY) != (agency_arg != NULL)) {
            db_close(db);
            return die("user add: the role agency goes with --agency ID (and --agency only with it)%s", "");
        }
        int64_t council = 0;
        if (council_arg) {
            council = staff_council_find(db, council_arg, vn_day_start(now));
            if (council <= 0) { db_close(db); return die("user add: no council '%s' (a council id, or a unit slug with a council today)", council_arg); }
        }
        char *pw = read_secret("HOIDONG_PASSWORD");
        const char *err = NULL;
        int added = !pw ? -1
                    : agency_arg ? auth_agency_user_add(db, argv[2], argc == 5 ? argv[4] : argv[2], staff_council_arg(agency_arg),
                                                        pw, now, &err)
                                 : auth_user_add(db, argv[2], argc == 5 ? argv[4] : argv[2], argv[3], council, pw, now, &err);
        if (added) {
            fprintf(stderr, "hoidong: user add: %s\n", err ? err : "no password given");
            rc = 1;
        } else printf("User %s added.\n", argv[2]);
    } else if (!strcmp(sub, "passwd") && argc == 3) {
        char *pw = read_secret("HOIDONG_PASSWORD");
        const char *problem = pw ? auth_password_problem(argv[2], pw) : "no password given";
        char hash[128];
        if (problem) { fprintf(stderr, "hoidong: user passwd: %s\n", problem); rc = 1; }
        else if (auth_hash_password(pw, hash) != 0) { fprintf(stderr, "hoidong: hashing failed\n"); rc = 1; }
        else if (db_exec(db, "UPDATE users SET password_hash = ?1 WHERE username = ?2", "tt", hash, argv[2]) != DB_OK || db_changes(db) != 1) {
            fprintf(stderr, "hoidong: user passwd: no user '%s'\n", argv[2]); rc = 1;
        } else {
            db_exec(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)", "t", argv[2]);
            printf("Password changed; the user's sessions were ended.\n");
        }
    } else if ((!strcmp(sub, "disable") || !strcmp(sub, "enable")) && argc == 3) {
        int dis = !strcmp(sub, "disable");
        if (db_exec(db, "UPDATE users SET disabled = ?1 WHERE username = ?2", "it", dis, argv[2]) != DB_OK || db_changes(db) != 1) {
            fprintf(stderr, "hoidong: user %s: no user '%s'\n", sub, argv[2]); rc = 1;
        } else {
            if (dis) db_exec(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?1)", "t", argv[2]);
            printf("User %s %sd.\n", argv[2], sub);
        }
    } else {
        fputs(usage_user, stderr);
        rc = 2;
    }
    db_close(db);
    return rc;
}

static int cmd_backup(int argc, char **argv)
{
    if (argc != 2) { fputs(usage_backup, stderr); return 2; }
    Db *db = open_db_or_die(0);
    if (!db) return 1;
    char err[512];
    int rc = db_backup(db, argv[1], err, sizeof err);
    if (rc) fprintf(stderr, "hoidong: backup: %s\n", err);
    else printf("Backup written to %s\n", argv[1]);
    db_close(db);
    return rc ? 1 : 0;
}

static int cmd_check(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) { fputs(usage_check, stderr); return 2; }
    Db *db = open_db_or_die(0);
    if (!db) return 1;
    char msg[512];
    int rc = db_check(db, msg, sizeof msg);
    if (rc) fprintf(stderr, "hoidong: check: %s\n", msg);
    else printf("ok (schema version %d)\n", db_schema_version(db));
    db_close(db);
    return rc ? 1 : 0;
}

static void optimize_progress(void *ctx, int64_t steps)
{
    (void)ctx;
    fprintf(stderr, "\rmerging the search index: %lld steps", (long long)steps);
}

static int cmd_optimize(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) { fputs(usage_optimize, stderr); return 2; }
    Db *db = open_db_or_die(0);
    if (!db) return 1;
    int64_t steps = db_fts_optimize(db, isatty(2) ? optimize_progress : NULL, NULL);
    if (steps > 0 && isatty(2)) fputc('\n', stderr);
    if (steps < 0) fprintf(stderr, "hoidong: optimize: %s\n", db_errmsg(db));
    else if (steps == 0) printf("The search index was already merged.\n");
    else printf("Search index merged in %lld steps.\n", (long long)steps);
    db_close(db);
    return steps < 0 ? 1 : 0;
}

static void migrate_on_signal(int sig)
{
    (void)sig;
    migrate_interrupted = 1;
}

static int cmd_migrate(int argc, char **argv)
{
    const char *from = NULL, *to = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--from") && i + 1 < argc) from = argv[++i];
        else if (!strcmp(argv[i], "--to") && i + 1 < argc) to = argv[++i];
        else return die("migrate: unknown option or missing value '%s' (see hoidong migrate --help)", argv[i]);
    }
    if (!from || !to) return die("migrate: needs --from sqlite:FILE and --to postgresql://... (see hoidong migrate --help)%s", "");
    /* Ctrl-C stops the copy between two rows: the target is rolled back
     * and the snapshot removed instead of left behind. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = migrate_on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    char err[1024];
    int rc = migrate_run(from, to, stderr, isatty(2), stdout, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "hoidong: migrate: %s\n", err);
        return 1;
    }
    return rc;
}

static int cmd_serve(int argc, char **argv)
{
    char err[512];
    for (int i = 1; i < argc; i++) {
        static const struct { const char *opt, *key; } m[] = {
            {"--listen", "listen"}, {"--port", "port"}, {"--threads", "threads"},
            {"--templates", "templates"}, {"--site-url", "site_url"},
        };
        size_t k;
        for (k = 0; k < sizeof m / sizeof m[0]; k++)
            if (!strcmp(argv[i], m[k].opt)) break;
        if (k == sizeof m / sizeof m[0] || i + 1 >= argc)
            return die("serve: unknown option or missing value '%s' (see hoidong serve --help)", argv[i]);
        if (config_set(&cfg, m[k].key, argv[++i], err, sizeof err)) return die("serve: %s", err);
    }
    if (ensure_dirs()) return 2;
    if (server_run(err, sizeof err) != 0) return die("serve: %s", err);
    return 0;
}

int main(int argc, char **argv)
{
    char err[512];
    config_defaults(&cfg);
    if (sodium_init() < 0) return die("%s", "libsodium failed to initialise");
    /* Global options may come before or after the command: pull them out first. */
    const char *config_file = getenv("HOIDONG_CONFIG");
    /* Non-global arguments are compacted in place to the front of argv
     * (no allocation, so no early return can leak). */
    char **rest = argv + 1;
    int nrest = 0;
    const char *db_opt = NULL, *files_opt = NULL;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc) config_file = argv[++i];
        else if (!strcmp(argv[i], "--db") && i + 1 < argc) db_opt = argv[++i];
        else if (!strcmp(argv[i], "--files") && i + 1 < argc) files_opt = argv[++i];
        else if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config") || !strcmp(argv[i], "--db") ||
                 !strcmp(argv[i], "--files")) return die("option %s needs a value", argv[i]);
        else rest[nrest++] = argv[i];
    }
    if (config_file && config_load_file(&cfg, config_file, err, sizeof err)) return die("%s", err);
    if (config_load_env(&cfg, err, sizeof err)) return die("%s", err);
#ifdef HOIDONG_TEST_AIDS
    if (testaids_install(err, sizeof err)) return die("%s", err);
#endif
    if (db_opt && config_set(&cfg, "db", db_opt, err, sizeof err)) return die("%s", err);
    if (files_opt && config_set(&cfg, "files", files_opt, err, sizeof err)) return die("%s", err);
    if (nrest == 0 || !strcmp(rest[0], "-h") || !strcmp(rest[0], "--help") || !strcmp(rest[0], "help")) {
        fputs(usage_main, nrest == 0 ? stderr : stdout);
        return nrest == 0 ? 2 : 0;
    }
    static const struct { const char *name; int (*fn)(int, char **); const char **usage; } cmds[] = {
        {"serve", cmd_serve, &usage_serve}, {"init", cmd_init, &usage_init},
        {"demo", cmd_demo, &usage_demo},    {"user", cmd_user, &usage_user},
        {"backup", cmd_backup, &usage_backup}, {"check", cmd_check, &usage_check},
        {"units", cmd_units, &usage_units}, {"migrate", cmd_migrate, &usage_migrate},
        {"optimize", cmd_optimize, &usage_optimize},
    };
    if (!strcmp(rest[0], "version") || !strcmp(rest[0], "--version")) {
        printf("hoidong %s%s\n", HOIDONG_VERSION, tuning->build ? " (test build: not for production)" : "");
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(rest[0], cmds[i].name)) continue;
        if (want_help(nrest, rest)) { fputs(*cmds[i].usage, stdout); return 0; }
        return cmds[i].fn(nrest, rest);
    }
    return die("unknown command '%s' (see hoidong --help)", rest[0]);
}
