/* fuzz_filter.c - libFuzzer target for the layer decompressor
 * (src/image/filter.c): arbitrary bytes, compression auto-detected (gzip
 * with several members and trailing data, zstd frames, plain).
 *
 * Limits are lowered (4 MiB of output) so bombs stay cheap.  Besides
 * crashes and sanitizer reports it checks, aborting when one breaks:
 *  - a failure leaves its code and a message in the diag, with an offset
 *    inside the input, and is sticky;
 *  - on success every input byte was read, the input digest is the SHA-256
 *    of the input, plain input comes out unchanged, and reading the same
 *    input again through hull_filter_read in odd-sized pieces gives the same
 *    bytes (same output digest and size), as does a pass that computes the
 *    output digest alone from a source handing out 1 to 13 bytes per read
 *    (headers and frames split everywhere). */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "image/filter.h"
#include "image/source.h"
#include "trickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_filter: invariant broken: %s (line %d)\n", #e,       \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define MAX_OUT (4u << 20)

static int run(const uint8_t *data, size_t size, size_t piece, bool no_in, uint8_t out_digest[32],
               uint64_t *ret_out, enum hull_filter_kind *ret_kind) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        /* the diff_id-only runs hash the output on the hasher thread */
        struct hull_filter_opts o = {
                .max_bytes = MAX_OUT, .no_in_digest = no_in, .async_out_digest = no_in};
        static unsigned char buf[70000];
        uint8_t in_digest[32], want[32];
        int r;

        struct trickle tr = {data, size, 0, 0};

        hull_diag_init(&d);
        if (no_in) { /* the third pass also trickles */
                if (hull_source_new(&s, &trickle_ops, &tr, "fuzz", size, &d) != HULL_OK)
                        return -1;
        } else if (hull_source_new_memory(&s, data, size, "fuzz", &d) != HULL_OK) {
                return -1;
        }
        if (hull_filter_new(&f, s, &o, &d) != HULL_OK)
                return -1;
        if (piece == 0) {
                r = hull_filter_drain(f);
        } else {
                size_t n;
                uint64_t total = 0;
                while ((r = hull_filter_read(f, buf, piece, &n)) == HULL_OK && n > 0) {
                        CHECK(n <= piece);
                        total += n;
                }
                if (r == HULL_OK)
                        CHECK(total == hull_filter_stats(f)->out_bytes);
        }
        const struct hull_filter_stats *st = hull_filter_stats(f);
        if (r != HULL_OK) {
                CHECK(d.code == r);
                CHECK(d.msg[0] != '\0');
                CHECK(r == HULL_ECORRUPT || r == HULL_ELIMIT || r == HULL_EUNSUPPORTED ||
                      r == HULL_ENOMEM);
                CHECK(d.offset == ~0ULL || d.offset <= size);
                CHECK(hull_filter_drain(f) == r); /* sticky */
                CHECK(st->out_bytes <= MAX_OUT);
        } else {
                CHECK(st->eof);
                CHECK(st->in_bytes == size);
                CHECK(st->out_bytes <= MAX_OUT);
                CHECK(hull_filter_digest(f, HULL_FILTER_DIGEST_OUT, out_digest) == HULL_OK);
                if (no_in && st->kind != HULL_FILTER_NONE) {
                        CHECK(hull_filter_digest(f, HULL_FILTER_DIGEST_IN, in_digest) ==
                              HULL_EINVAL);
                        *ret_out = st->out_bytes;
                        *ret_kind = st->kind;
                        hull_filter_free(f);
                        return r;
                }
                CHECK(hull_filter_digest(f, HULL_FILTER_DIGEST_IN, in_digest) == HULL_OK);
                unsigned int wl = 0;
                CHECK(EVP_Digest(data, size, want, &wl, EVP_sha256(), NULL) == 1);
                CHECK(memcmp(want, in_digest, 32) == 0);
                if (st->kind == HULL_FILTER_NONE) {
                        CHECK(st->out_bytes == size);
                        CHECK(memcmp(in_digest, out_digest, 32) == 0);
                }
                *ret_out = st->out_bytes;
                *ret_kind = st->kind;
        }
        hull_filter_free(f);
        return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint8_t d1[32], d2[32];
        uint64_t n1 = 0, n2 = 0;
        enum hull_filter_kind k1 = HULL_FILTER_NONE, k2 = HULL_FILTER_NONE;
        int r1, r2;

        r1 = run(data, size, 0, false, d1, &n1, &k1);
        if (r1 != HULL_OK)
                return 0;
        r2 = run(data, size, 1 + size % 4093, false, d2, &n2, &k2);
        CHECK(r2 == HULL_OK);
        CHECK(n1 == n2 && k1 == k2);
        CHECK(memcmp(d1, d2, 32) == 0);
        r2 = run(data, size, 0, true, d2, &n2, &k2); /* the diff_id alone, async, trickled */
        CHECK(r2 == HULL_OK);
        CHECK(n1 == n2 && k1 == k2);
        CHECK(memcmp(d1, d2, 32) == 0);
        return 0;
}
