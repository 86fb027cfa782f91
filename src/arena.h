/* arena.h - per-request memory arena.
 *
 * Every request gets one Arena; everything a handler allocates for the
 * request (decoded parameters, copied database text, reply buffers) lives
 * in it and is released in one go when libmicrohttpd reports the request
 * complete.  Handlers therefore never free.  Allocation failure aborts the
 * process (there is no sensible recovery and it keeps call sites free of
 * NULL checks). */
#ifndef HD_ARENA_H
#define HD_ARENA_H
#include <stddef.h>

typedef struct Arena Arena;

Arena *arena_new(void);                       /* never NULL */
void arena_free(Arena *a);                    /* NULL is fine; runs cleanups */
void *arena_alloc(Arena *a, size_t n);        /* zeroed, 16-byte aligned */
void *arena_realloc(Arena *a, void *old, size_t oldn, size_t n); /* grows in place when old is the last block */
char *arena_strdup(Arena *a, const char *s);  /* NULL -> NULL */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Run fn(p) when the arena is freed (close a file, unlink a temp file). */
void arena_on_free(Arena *a, void (*fn)(void *), void *p);
size_t arena_used(const Arena *a);            /* bytes handed out, for tests */

#endif
