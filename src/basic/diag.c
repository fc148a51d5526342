/* diag.c - struct hull_diag helpers. */
#include "basic/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"

void hull_diag_init(struct hull_diag *d) {
        memset(d, 0, sizeof(*d));
        d->offset = ~0ULL;
}

static void set_file(struct hull_diag *d, const char *file) {
        if (file)
                snprintf(d->file, sizeof(d->file), "%s", file);
        else
                d->file[0] = '\0';
}

int hull_diag_set(struct hull_diag *d, int code, const char *file, unsigned line, unsigned col,
                  const char *fmt, ...) {
        va_list ap;

        if (!d || d->code != HULL_OK)
                return code;
        d->code = code;
        d->saved_errno = 0;
        set_file(d, file);
        d->line = line;
        d->col = col;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
        va_end(ap);
        return code;
}

int hull_diag_errno(struct hull_diag *d, int code, int saved_errno, const char *file,
                    const char *fmt, ...) {
        va_list ap;

        if (!d || d->code != HULL_OK)
                return code;
        d->code = code;
        d->saved_errno = saved_errno;
        set_file(d, file);
        d->line = d->col = 0;
        va_start(ap, fmt);
        vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
        va_end(ap);
        return code;
}

void hull_diag_format(const struct hull_diag *d, char *out, size_t outsz) {
        const char *msg = d->msg[0] ? d->msg : hull_strerror(d->code);

        if (d->file[0] && d->line > 0 && d->col > 0)
                snprintf(out, outsz, "%s:%u:%u: error: %s", d->file, d->line, d->col, msg);
        else if (d->file[0] && d->line > 0)
                snprintf(out, outsz, "%s:%u: error: %s", d->file, d->line, msg);
        else if (d->file[0] && d->offset != ~0ULL)
                snprintf(out, outsz, "%s: offset %llu: error: %s", d->file, d->offset, msg);
        else if (d->saved_errno)
                snprintf(out, outsz, "error: %s: %s", msg, strerror(d->saved_errno));
        else
                snprintf(out, outsz, "error: %s", msg);
}
