/* log.h - operator log on stderr: one line per event, UTC ISO time, level.
 * Never log IP addresses, user agents, passwords, tokens or personal data. */
#ifndef HD_LOG_H
#define HD_LOG_H
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int log_quiet; /* tests set it to silence info lines */
#endif
