/* alloc.h - allocation helpers and scope-exit cleanup (systemd alloc-util.h).
 *
 * hull_malloc() and friends are the only allocation entry points of the
 * library, so that debug builds can inject failures: with
 * HULLSCAN_FAIL_ALLOC=N set, the Nth allocation (1-based) and every later one
 * fails.  new()/new0() check the multiplication for overflow.  _cleanup_(f)
 * runs f(&var) when var leaves scope; TAKE_PTR(p) hands ownership out and
 * leaves p NULL so the cleanup does nothing. */
#ifndef HULL_BASIC_ALLOC_H
#define HULL_BASIC_ALLOC_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

void *hull_malloc(size_t n);
void *hull_calloc(size_t n, size_t size);
void *hull_realloc(void *p, size_t n);
char *hull_strndup(const char *s, size_t n);
char *hull_strdup(const char *s);
void hull_free(void *p);

/* Reset the failure-injection counter (tests). n == 0 disables injection. */
void hull_alloc_fail_after(unsigned long n);

/* clang-format reads "new" as the C++ keyword and breaks the macro */
/* clang-format off */
#define new(t, n) ((t *)hull_malloc_multiply(sizeof(t), (n)))
#define new0(t, n) ((t *)hull_calloc((n), sizeof(t)))
/* clang-format on */

static inline void *hull_malloc_multiply(size_t size, size_t n) {
        if (n != 0 && size > SIZE_MAX / n)
                return NULL;
        return hull_malloc(size * n);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _warn_unused_result_ __attribute__((warn_unused_result))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))

#define TAKE_PTR(p)                                                                                \
        __extension__({                                                                            \
                __typeof__(p) _tp_ = (p);                                                          \
                (p) = NULL;                                                                        \
                _tp_;                                                                              \
        })

/* DEFINE_TRIVIAL_CLEANUP_FUNC(struct foo *, foo_free) defines foo_freep(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                                                    \
        static inline void func##p(type *p) {                                                      \
                if (*p)                                                                            \
                        func(*p);                                                                  \
        }

static inline void hull_freep(void *p) {
        hull_free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(hull_freep)

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
