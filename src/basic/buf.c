/* buf.c - struct hull_buf. */
#include "basic/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"

void hull_buf_init(struct hull_buf *b, size_t max) {
        b->data = NULL;
        b->len = b->cap = 0;
        b->max = max;
}

void hull_buf_release(struct hull_buf *b) {
        hull_free(b->data);
        b->data = NULL;
        b->len = b->cap = 0;
}

void hull_buf_reset(struct hull_buf *b) {
        b->len = 0;
        if (b->data)
                b->data[0] = '\0';
}

static int grow(struct hull_buf *b, size_t n) {
        size_t need, ncap;
        char *p;

        if (n > b->max || b->len > b->max - n)
                return HULL_ELIMIT;
        need = b->len + n + 1;
        if (need <= b->cap)
                return HULL_OK;
        ncap = b->cap ? b->cap : 64;
        while (ncap < need)
                ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
        p = hull_realloc(b->data, ncap);
        if (!p)
                return HULL_ENOMEM;
        b->data = p;
        b->cap = ncap;
        return HULL_OK;
}

int hull_buf_put(struct hull_buf *b, const void *p, size_t n) {
        int r = grow(b, n);
        if (r)
                return r;
        if (n)
                memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return HULL_OK;
}

int hull_buf_putc(struct hull_buf *b, char c) {
        return hull_buf_put(b, &c, 1);
}

int hull_buf_puts(struct hull_buf *b, const char *s) {
        return hull_buf_put(b, s, strlen(s));
}

int hull_buf_printf(struct hull_buf *b, const char *fmt, ...) {
        va_list ap;
        int n, r;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0)
                return HULL_EINTERNAL;
        r = grow(b, (size_t)n);
        if (r)
                return r;
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
        b->len += (size_t)n;
        return HULL_OK;
}

char *hull_buf_detach(struct hull_buf *b, size_t *ret_len) {
        char *p = b->data;

        if (!p)
                p = hull_strdup("");
        if (ret_len)
                *ret_len = b->len;
        b->data = NULL;
        b->len = b->cap = 0;
        return p;
}
