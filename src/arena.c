/* arena.c - per-request memory arena (see arena.h).
 *
 * Memory comes from a singly linked list of malloc'd blocks.  Allocations
 * are bumped from the newest block, 16-byte aligned and zeroed.  A request
 * larger than a quarter of the default block size gets a block of its own,
 * inserted behind the current one so the current block keeps serving small
 * allocations.  The arena remembers the last allocation so arena_realloc can
 * grow it in place, which makes a Buf that grows in an arena cheap.
 * Cleanups registered with arena_on_free run in reverse order of
 * registration (like destructors) before the memory goes away.
 * Out-of-memory aborts: there is no useful recovery inside a request. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16
#define ARENA_BLOCK (64 * 1024)

typedef struct Block {
    struct Block *next;
    size_t size; /* usable bytes in data */
    size_t used;
    /* keep data 16-byte aligned whatever the header size */
    _Alignas(ARENA_ALIGN) unsigned char data[];
} Block;

typedef struct Cleanup {
    struct Cleanup *next;
    void (*fn)(void *);
    void *p;
} Cleanup;

struct Arena {
    Block *head;      /* current block (bump from here) */
    Cleanup *cleanups; /* newest first */
    void *last;       /* last allocation, for in-place realloc */
    Block *last_block;
    size_t used;
};

static void arena_oom(size_t n)
{
    fprintf(stderr, "hoidong: out of memory (arena, %zu bytes)\n", n);
    abort();
}

static size_t align_up(size_t n)
{
    return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

static Block *block_new(size_t size)
{
    if (size > SIZE_MAX - sizeof(Block))
        arena_oom(size);
    Block *b = malloc(sizeof(Block) + size);
    if (!b)
        arena_oom(size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

/* Create an empty arena; the first block is allocated lazily. Never NULL. */
Arena *arena_new(void)
{
    Arena *a = calloc(1, sizeof *a);
    if (!a)
        arena_oom(sizeof *a);
    return a;
}

/* Run cleanups newest first, then release every block.  NULL is a no-op. */
void arena_free(Arena *a)
{
    if (!a)
        return;
    /* a cleanup may register another cleanup; loop until none remain */
    while (a->cleanups) {
        Cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->p);
        free(c);
    }
    Block *b = a->head;
    while (b) {
        Block *n = b->next;
        free(b);
        b = n;
    }
    free(a);
}

/* Return n zeroed bytes, 16-byte aligned, valid until arena_free.
 * n == 0 still returns a unique, valid pointer. */
void *arena_alloc(Arena *a, size_t n)
{
    if (n > SIZE_MAX - 2 * ARENA_ALIGN)
        arena_oom(n);
    size_t need = align_up(n ? n : 1);
    Block *b = a->head;
    if (!b || b->size - b->used < need) {
        if (need > ARENA_BLOCK / 4) {
            /* big allocation: own block; keep the current one in front
             * when it still has useful room */
            Block *nb = block_new(need);
            if (b && b->size - b->used >= 256) {
                nb->next = b->next;
                b->next = nb;
            } else {
                nb->next = b;
                a->head = nb;
            }
            b = nb;
        } else {
            Block *nb = block_new(ARENA_BLOCK);
            nb->next = b;
            a->head = nb;
            b = nb;
        }
    }
    void *p = b->data + b->used;
    b->used += need;
    a->used += need;
    a->last = p;
    a->last_block = b;
    memset(p, 0, need);
    return p;
}

/* Resize an allocation of oldn bytes to n bytes.  When old is the last
 * allocation and its block has room it grows in place; otherwise a new
 * allocation is made and the old bytes copied (the old space is simply
 * abandoned until arena_free).  New bytes are zeroed.  old NULL = alloc. */
void *arena_realloc(Arena *a, void *old, size_t oldn, size_t n)
{
    if (!old)
        return arena_alloc(a, n);
    if (n <= oldn)
        return old;
    if (old == a->last && a->last_block) {
        Block *b = a->last_block;
        size_t off = (size_t)((unsigned char *)old - b->data);
        size_t cur = b->used - off; /* aligned size handed out */
        if (n <= SIZE_MAX - ARENA_ALIGN) {
            size_t need = align_up(n);
            if (need <= cur) {
                memset((unsigned char *)old + oldn, 0, n - oldn);
                return old;
            }
            if (off + need <= b->size) {
                memset((unsigned char *)old + oldn, 0, need - oldn);
                b->used = off + need;
                a->used += need - cur;
                return old;
            }
        }
    }
    void *p = arena_alloc(a, n);
    memcpy(p, old, oldn);
    return p;
}

/* Copy a C string into the arena.  NULL -> NULL. */
char *arena_strdup(Arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}

/* Copy at most n bytes of s (stopping at a NUL) and terminate.  NULL -> NULL. */
char *arena_strndup(Arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* printf into a fresh arena string. */
char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof tmp) {
        memcpy(p, tmp, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}

/* Register fn(p) to run when the arena is freed; newest runs first.
 * The record is malloc'd (not arena memory) so it survives block release
 * ordering questions. */
void arena_on_free(Arena *a, void (*fn)(void *), void *p)
{
    Cleanup *c = malloc(sizeof *c);
    if (!c)
        arena_oom(sizeof *c);
    c->fn = fn;
    c->p = p;
    c->next = a->cleanups;
    a->cleanups = c;
}

/* Bytes handed out so far (aligned sizes), for tests and statistics. */
size_t arena_used(const Arena *a)
{
    return a ? a->used : 0;
}
