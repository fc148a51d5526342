/* buf.h - growable byte buffer with a mandatory size limit (curl dynbuf).
 *
 * Invariants: after hull_buf_init() b->data is NULL or NUL-terminated,
 * b->len excludes that NUL, and b->len never exceeds b->max.  An adder that
 * would pass max fails with HULL_ELIMIT and leaves the buffer unchanged.
 * hull_buf_detach() hands the memory (hull_free it) to the caller. */
#ifndef HULL_BASIC_BUF_H
#define HULL_BASIC_BUF_H

#include <stddef.h>

#include "basic/alloc.h"

struct hull_buf {
        char *data;
        size_t len, cap, max;
};

#define HULL_BUF_INIT(maxbytes)                                                                    \
        { NULL, 0, 0, (maxbytes) }

void hull_buf_init(struct hull_buf *b, size_t max);
void hull_buf_release(struct hull_buf *b);
void hull_buf_reset(struct hull_buf *b); /* len = 0, memory kept */
int hull_buf_put(struct hull_buf *b, const void *p, size_t n) _warn_unused_result_;
int hull_buf_putc(struct hull_buf *b, char c) _warn_unused_result_;
int hull_buf_puts(struct hull_buf *b, const char *s) _warn_unused_result_;
int hull_buf_printf(struct hull_buf *b, const char *fmt, ...) _printf_(2, 3) _warn_unused_result_;
char *hull_buf_detach(struct hull_buf *b, size_t *ret_len);

static inline void hull_buf_releasep(struct hull_buf *b) {
        hull_buf_release(b);
}

#endif
