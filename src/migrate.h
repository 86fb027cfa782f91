/* migrate.h - copy a SQLite site's data into an empty PostgreSQL database
 * (`hoidong migrate --from sqlite:FILE --to postgresql://...`, docs/POSTGRESQL.md).
 *
 * The source is copied from an online snapshot (db_backup), so the site
 * may keep running; the target is migrated to this binary's schema, must
 * hold no content, and receives every table in one transaction: an error
 * leaves it as it was.  Afterwards every table's row count is compared.
 * Attachments are not touched: they stay in the files directory. */
#ifndef HD_MIGRATE_H
#define HD_MIGRATE_H
#include <signal.h>
#include <stdio.h>

/* from: "sqlite:FILE"; to: a postgresql:// or postgres:// URL.  Progress
 * goes to progress (redrawn with \r when tty is set, else one line per
 * table), the verification to out.  Returns 0 when every count is equal,
 * 1 when the copy committed but some count differs (listed on progress),
 * -1 on error with a one-line reason in err (nothing written to the
 * target). */
/* Set (from a signal handler: SIGINT, SIGTERM) to stop a running copy:
 * it fails as interrupted, the target is rolled back, the snapshot removed. */
extern volatile sig_atomic_t migrate_interrupted;

int migrate_run(const char *from, const char *to, FILE *progress, int tty, FILE *out,
                char *err, size_t errlen);

#endif
