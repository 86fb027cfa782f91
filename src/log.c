/* log.c - operator log on stderr (see log.h).
 *
 * Each event is formatted into one stack buffer, "2024-05-12T01:05:00Z INFO
 * message\n", and emitted with a single write(2), so lines from different
 * worker threads never interleave.  Newlines and other control characters
 * in the message are replaced so one event is always exactly one line
 * (this also stops log forging through user-supplied text). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int log_quiet;

#define LOG_LINE 2048

static void log_emit(const char *level, const char *fmt, va_list ap)
{
    char line[LOG_LINE];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    int k = snprintf(line + n, sizeof line - n, "%s ", level);
    if (k > 0)
        n += (size_t)k;
    size_t room = sizeof line - n - 1; /* keep one byte for '\n' */
    int m = vsnprintf(line + n, room + 1, fmt, ap);
    size_t body = m < 0 ? 0 : ((size_t)m > room ? room : (size_t)m);
    for (size_t i = n; i < n + body; i++) {
        unsigned char c = (unsigned char)line[i];
        if (c < 0x20 || c == 0x7f)
            line[i] = ' ';
    }
    n += body;
    line[n++] = '\n';
    /* one write: atomic enough for lines well under PIPE_BUF-ish sizes */
    ssize_t w = write(STDERR_FILENO, line, n);
    (void)w;
}

/* Routine events; suppressed when log_quiet is set (tests). */
void log_info(const char *fmt, ...)
{
    if (log_quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    log_emit("INFO", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit("WARN", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_emit("ERROR", fmt, ap);
    va_end(ap);
}
