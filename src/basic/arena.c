/* arena.c - chunked bump allocator. */
#include "basic/arena.h"

#include <stdint.h>
#include <string.h>

#include "basic/alloc.h"

#define CHUNK_SIZE (64 * 1024)
#define ALIGN 16

struct hull_arena_chunk {
        struct hull_arena_chunk *next;
        size_t size, used;
        _Alignas(16) unsigned char data[];
};

void hull_arena_init(struct hull_arena *a, size_t max) {
        a->head = NULL;
        a->used = 0;
        a->max = max;
}

void hull_arena_release(struct hull_arena *a) {
        struct hull_arena_chunk *c = a->head;

        while (c) {
                struct hull_arena_chunk *next = c->next;
                hull_free(c);
                c = next;
        }
        a->head = NULL;
        a->used = 0;
}

static struct hull_arena_chunk *chunk_new(size_t size) {
        struct hull_arena_chunk *c;

        if (size > SIZE_MAX - sizeof(*c))
                return NULL;
        c = hull_malloc(sizeof(*c) + size);
        if (!c)
                return NULL;
        c->size = size;
        c->used = 0;
        c->next = NULL;
        return c;
}

void *hull_arena_alloc(struct hull_arena *a, size_t n) {
        struct hull_arena_chunk *c = a->head;
        size_t need;

        if (n > SIZE_MAX - ALIGN)
                return NULL;
        need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
        if (need == 0)
                need = ALIGN;
        if (a->max && (need > a->max || a->used > a->max - need))
                return NULL;
        if (need > CHUNK_SIZE / 4) {
                /* big object: own chunk, linked behind the current one */
                struct hull_arena_chunk *big = chunk_new(need);
                if (!big)
                        return NULL;
                big->used = need;
                if (c) {
                        big->next = c->next;
                        c->next = big;
                } else {
                        a->head = big;
                }
                a->used += need;
                return big->data;
        }
        if (!c || c->size - c->used < need) {
                c = chunk_new(CHUNK_SIZE);
                if (!c)
                        return NULL;
                c->next = a->head;
                a->head = c;
        }
        void *p = c->data + c->used;
        c->used += need;
        a->used += need;
        return p;
}

void *hull_arena_alloc0(struct hull_arena *a, size_t n) {
        void *p = hull_arena_alloc(a, n);
        if (p)
                memset(p, 0, n);
        return p;
}

char *hull_arena_strndup(struct hull_arena *a, const char *s, size_t n) {
        char *p;

        if (n == SIZE_MAX)
                return NULL;
        p = hull_arena_alloc(a, n + 1);
        if (!p)
                return NULL;
        if (n)
                memcpy(p, s, n);
        p[n] = '\0';
        return p;
}

char *hull_arena_strdup(struct hull_arena *a, const char *s) {
        return hull_arena_strndup(a, s, strlen(s));
}

void *hull_arena_push(struct hull_arena *a, void **items, size_t *n, size_t *cap, size_t elem) {
        if (*n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                void *p;

                if (ncap > SIZE_MAX / elem)
                        return NULL;
                p = hull_arena_alloc(a, ncap * elem);
                if (!p)
                        return NULL;
                if (*n)
                        memcpy(p, *items, *n * elem);
                *items = p;
                *cap = ncap;
        }
        void *slot = (char *)*items + *n * elem;
        memset(slot, 0, elem);
        (*n)++;
        return slot;
}
