/* demo.h - demo content for a fresh site (`hoidong demo`).
 *
 * The demo is the real article of the seed page (Đề án 15-ĐA/TU, with a
 * summary document attached) plus about forty invented articles marked
 * is_sample = 1, the portal's category structure, site settings and the
 * councils of Hanoi (the city and its 126 communes from 1 July 2025).
 * The texts live in demo/articles.txt, embedded at build time. */
#ifndef HD_DEMO_H
#define HD_DEMO_H
#include <stddef.h>
#include <stdint.h>
#include "db.h"

/* Load the demo content in one transaction; attachment bytes go to the file
 * store under files_dir.  Idempotent: when the seed article already exists
 * nothing is done and 0 is returned.  `now` decides which invented articles
 * are already published (the others are scheduled).  Returns 0, or -1 with
 * a one-line reason in err (nothing written to the database). */
int demo_load(Db *db, const char *files_dir, int64_t now, char *err, size_t errlen);

/* Delete every row marked is_sample = 1 (articles with their revisions,
 * attachments and search entries; sample categories and users), the files
 * rows (and bytes) that only those attachments used, and the demo_loaded
 * setting, in one transaction.  Real content, such as the seed article,
 * stays.  Returns 0, or -1 with a reason in err (nothing changed). */
int demo_remove(Db *db, const char *files_dir, char *err, size_t errlen);

#endif
