/* server.h - the `serve` command's lifecycle: load templates, migrate the
 * database, start HTTP and the background tasks, wait for a stop signal. */
#ifndef HD_SERVER_H
#define HD_SERVER_H
#include <stddef.h>
int server_run(char *err, size_t errlen);   /* returns after SIGINT/SIGTERM; 0 or -1 with err */
/* Background tasks run every few seconds on their own thread with their own
 * database connection; register before server_run. */
typedef void (*ServerTask)(void *db, long long now);
void server_add_task(ServerTask fn);
/* A task that one node of a cluster runs (the one holding the task lease,
 * shared.h); on SQLite, the only process runs it. */
void server_add_cluster_task(ServerTask fn);
#endif
