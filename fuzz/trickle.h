/* trickle.h - a byte source for fuzz targets that hands out 1 to 13 bytes
 * per read, so decoders see headers and frames split at every offset.
 * Header-only: each fuzz target is its own program. */
#ifndef HULL_FUZZ_TRICKLE_H
#define HULL_FUZZ_TRICKLE_H

#include <stdint.h>
#include <string.h>

#include "image/source.h"

struct trickle {
        const uint8_t *p;
        size_t n, pos;
        unsigned step;
};

static inline ssize_t trickle_read(void *ud, void *buf, size_t n) {
        struct trickle *t = ud;
        size_t k = 1 + (t->step++ * 7) % 13;
        if (k > n)
                k = n;
        if (k > t->n - t->pos)
                k = t->n - t->pos;
        memcpy(buf, t->p + t->pos, k);
        t->pos += k;
        return (ssize_t)k;
}

static const struct hull_source_ops trickle_ops = {.kind = "trickle", .read = trickle_read};

#endif
