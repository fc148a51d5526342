/* diag.h - error context filled by the library, printed once by the CLI.
 *
 * The library never prints: a function that fails fills the optional
 * struct hull_diag it was given (libarchive keeps the message on the handle,
 * jq's locfile keeps line and column).  The first error wins: later calls to
 * hull_diag_set() on a diag that already holds an error are ignored, so the
 * innermost, most precise message survives. */
#ifndef HULL_BASIC_DIAG_H
#define HULL_BASIC_DIAG_H

#include <stddef.h>

#include "basic/alloc.h"

struct hull_diag {
        int code;                  /* enum hull_err, HULL_OK when empty */
        int saved_errno;           /* errno at the failure, 0 if none */
        char file[512];            /* input name, "" if none */
        unsigned line, col;        /* 1-based; 0 when not applicable */
        unsigned long long offset; /* byte offset when line is 0; ~0 if none */
        char msg[512];             /* lowercase, no final full stop (git) */
};

void hull_diag_init(struct hull_diag *d);

/* Record an error; returns code so callers can `return hull_diag_set(...)`.
 * d may be NULL.  file may be NULL. */
int hull_diag_set(struct hull_diag *d, int code, const char *file, unsigned line, unsigned col,
                  const char *fmt, ...) _printf_(6, 7);

/* Same, for an OS failure: errno is saved and strerror() appended by the printer. */
int hull_diag_errno(struct hull_diag *d, int code, int saved_errno, const char *file,
                    const char *fmt, ...) _printf_(5, 6);

/* Format d as one line: "FILE:LINE:COL: error: MSG" when a line is known,
 * else "error: MSG[: strerror]". */
void hull_diag_format(const struct hull_diag *d, char *out, size_t outsz);

#endif
