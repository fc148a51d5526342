/* tap.h - what the TAP programs other than unit tests share (the rule
 * runners of runner.h, tests/vuln/run_versions.c, run_cvss.c): numbered
 * "ok" / "not ok" lines with their failure count, and the hex digits of the
 * \xHH escapes in their data files.
 *
 * Header-only, one per program: the counters are this program's, which
 * ends by printing the plan "1..ntest" and fails when nfail is not 0. */
#ifndef HULL_TESTS_TAP_H
#define HULL_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int ntest, nfail;

/* One TAP line, "ok N - ..." or "not ok N - ...". */
static inline void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void tap(int ok, const char *fmt, ...) {
        va_list ap;

        printf("%s %d - ", ok ? "ok" : "not ok", ++ntest);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        if (!ok)
                nfail++;
}

/* The value of hex digit c, -1 if it is none. */
static inline int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

#endif
