/* alloc.c - allocation wrappers with optional failure injection. */
#include "basic/alloc.h"

#include <string.h>

static unsigned long fail_after; /* 0 = never fail */
static unsigned long alloc_count;
static int fail_env_read;

void hull_alloc_fail_after(unsigned long n) {
        fail_after = n;
        alloc_count = 0;
        fail_env_read = 1;
}

static int should_fail(void) {
        if (!fail_env_read) {
                const char *e = getenv("HULLSCAN_FAIL_ALLOC");
                fail_env_read = 1;
                if (e && *e)
                        fail_after = strtoul(e, NULL, 10);
        }
        if (fail_after == 0)
                return 0;
        return ++alloc_count >= fail_after;
}

void *hull_malloc(size_t n) {
        if (should_fail())
                return NULL;
        return malloc(n ? n : 1);
}

void *hull_calloc(size_t n, size_t size) {
        if (should_fail())
                return NULL;
        return calloc(n ? n : 1, size ? size : 1);
}

void *hull_realloc(void *p, size_t n) {
        if (should_fail())
                return NULL;
        return realloc(p, n ? n : 1);
}

char *hull_strndup(const char *s, size_t n) {
        char *r = hull_malloc(n + 1);
        if (!r)
                return NULL;
        memcpy(r, s, n);
        r[n] = '\0';
        return r;
}

char *hull_strdup(const char *s) {
        return hull_strndup(s, strlen(s));
}

void hull_free(void *p) {
        free(p);
}
