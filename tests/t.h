/* t.h - the unit-test framework: TEST(), T_* assertions, TAP output.
 *
 * A test file defines TEST(name) { ... } blocks and ends with T_MAIN().
 * Assertions print the expression, both values and file:line, mark the
 * test failed and continue (systemd tests.h, yara util.h).  T_ONLY=name runs
 * one test.  Output is TAP, which `meson test` reads (protocol: 'tap'). */
#ifndef HULL_TESTS_T_H
#define HULL_TESTS_T_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct t_case {
        const char *name;
        void (*fn)(void);
};

extern struct t_case t_cases[];
extern size_t t_ncases;
extern int t_failed;

#define T_MAX_CASES 512

#define TEST(n)                                                                                    \
        static void test_##n(void);                                                                \
        __attribute__((constructor)) static void t_register_##n(void) {                            \
                if (t_ncases < T_MAX_CASES)                                                        \
                        t_cases[t_ncases++] = (struct t_case){#n, test_##n};                       \
        }                                                                                          \
        static void test_##n(void)

#define T_FAIL_AT(...)                                                                             \
        do {                                                                                       \
                printf("# %s:%d: ", __FILE__, __LINE__);                                           \
                printf(__VA_ARGS__);                                                               \
                printf("\n");                                                                      \
                t_failed = 1;                                                                      \
        } while (0)

#define T_TRUE(e)                                                                                  \
        do {                                                                                       \
                if (!(e))                                                                          \
                        T_FAIL_AT("expected true: %s", #e);                                        \
        } while (0)

#define T_EQ(a, b)                                                                                 \
        do {                                                                                       \
                long long _a_ = (long long)(a), _b_ = (long long)(b);                              \
                if (_a_ != _b_)                                                                    \
                        T_FAIL_AT("%s == %s: %lld != %lld", #a, #b, _a_, _b_);                     \
        } while (0)

#define T_OK(e) T_EQ((e), 0)

#define T_STREQ(a, b)                                                                              \
        do {                                                                                       \
                const char *_a_ = (a), *_b_ = (b);                                                 \
                if (!_a_ || !_b_ || strcmp(_a_, _b_) != 0)                                         \
                        T_FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, _a_ ? _a_ : "(null)",      \
                                  _b_ ? _b_ : "(null)");                                           \
        } while (0)

#define T_MAIN()                                                                                   \
        struct t_case t_cases[T_MAX_CASES];                                                        \
        size_t t_ncases;                                                                           \
        int t_failed;                                                                              \
        int main(void) {                                                                           \
                const char *only = getenv("T_ONLY");                                               \
                int any_failed = 0;                                                                \
                size_t i, run = 0;                                                                 \
                for (i = 0; i < t_ncases; i++)                                                     \
                        if (!only || strcmp(only, t_cases[i].name) == 0)                           \
                                run++;                                                             \
                printf("1..%zu\n", run);                                                           \
                run = 0;                                                                           \
                for (i = 0; i < t_ncases; i++) {                                                   \
                        if (only && strcmp(only, t_cases[i].name) != 0)                            \
                                continue;                                                          \
                        t_failed = 0;                                                              \
                        t_cases[i].fn();                                                           \
                        printf("%s %zu - %s\n", t_failed ? "not ok" : "ok", ++run,                 \
                               t_cases[i].name);                                                   \
                        any_failed |= t_failed;                                                    \
                }                                                                                  \
                return any_failed;                                                                 \
        }

#endif
