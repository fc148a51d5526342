/* arena.h - bump allocator for run-scoped data (yara's arena, git's mem-pool).
 *
 * Everything allocated from an arena lives until hull_arena_release(); there
 * is no per-object free.  Chunks are 64 KiB; a request larger than a quarter
 * chunk gets a chunk of its own.  An optional byte budget (max) bounds what
 * untrusted input can make us allocate: past it allocation fails (NULL). */
#ifndef HULL_BASIC_ARENA_H
#define HULL_BASIC_ARENA_H

#include <stddef.h>

struct hull_arena_chunk;

struct hull_arena {
        struct hull_arena_chunk *head;
        size_t used; /* bytes handed out, for the budget */
        size_t max;  /* 0 = unlimited */
};

#define HULL_ARENA_INIT                                                                            \
        { NULL, 0, 0 }

void hull_arena_init(struct hull_arena *a, size_t max);
void hull_arena_release(struct hull_arena *a); /* frees all; a is reusable */

/* Aligned to 16 bytes; NULL when out of memory or budget. */
void *hull_arena_alloc(struct hull_arena *a, size_t n);
void *hull_arena_alloc0(struct hull_arena *a, size_t n);
/* Copies s[0..n) and NUL-terminates. */
char *hull_arena_strndup(struct hull_arena *a, const char *s, size_t n);
char *hull_arena_strdup(struct hull_arena *a, const char *s);
/* Grows an array held in the arena: *items has *cap slots of size elem;
 * doubles the capacity when full (old storage is abandoned to the arena).
 * Returns a pointer to the new slot (zeroed) or NULL. */
void *hull_arena_push(struct hull_arena *a, void **items, size_t *n, size_t *cap, size_t elem);

#endif
