/* http_server.h - start and stop the HTTP server (libmicrohttpd). */
#ifndef HD_HTTP_SERVER_H
#define HD_HTTP_SERVER_H
#include <stddef.h>
/* Start listening per cfg (config.h).  0, or -1 with a reason in err. */
int http_start(char *err, size_t errlen);
/* Stop accepting, finish in-flight requests, stop the threads. */
void http_stop(void);
/* Called once per request after the handler with the final status and the
 * body size; hooks for statistics (set by the engagement code). */
struct Req;
extern void (*http_after_hook)(struct Req *r, int status);
#endif
