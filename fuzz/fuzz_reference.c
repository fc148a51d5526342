/* fuzz_reference.c - libFuzzer target for hull_image_ref_parse_n().
 *
 * Besides crashes and sanitizer reports it checks invariants, aborting when
 * one breaks:
 *  - success means the normalized form parses again to the same reference
 *    (a fixed point), and the familiar form parses;
 *  - normalized = name[:tag|:latest][@digest], name = domain/path, path within
 *    255 bytes, tag within 128;
 *  - failure leaves a message and a column inside the input (or one past it);
 *  - ParseNormalizedNamed mode (HULL_IMAGE_REF_NAMED_ONLY) agrees with the
 *    default mode whenever the input is not a bare ID or digest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "dockerfile/reference.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_reference: invariant broken: %s (line %d)\n", #e,    \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

static int streq(const char *a, const char *b) {
        return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void check_ok(const struct hull_image_ref *r) {
        struct hull_arena a;
        struct hull_diag d;
        struct hull_image_ref r2;
        size_t nlen = strlen(r->normalized);

        if (r->name) {
                size_t dl = strlen(r->domain), pl = strlen(r->path), ml = strlen(r->name);

                CHECK(pl > 0 && pl <= HULL_IMAGE_REF_MAX_PATH);
                CHECK(ml == (dl ? dl + 1 : 0) + pl);
                CHECK(memcmp(r->name, r->domain, dl) == 0);
                CHECK(strcmp(r->name + ml - pl, r->path) == 0);
                CHECK(strncmp(r->normalized, r->name, ml) == 0);
                CHECK(r->tag_implied == (!r->tag && !r->digest));
                if (r->tag)
                        CHECK(strlen(r->tag) <= HULL_IMAGE_REF_MAX_TAG);
                if (r->tag_implied)
                        CHECK(strcmp(r->normalized + ml, ":latest") == 0);
                if (r->digest)
                        CHECK(nlen > strlen(r->digest) &&
                              strcmp(r->normalized + nlen - strlen(r->digest), r->digest) == 0);
        } else {
                CHECK(!r->domain && !r->path && !r->tag && r->digest && !r->tag_implied);
                CHECK(strcmp(r->normalized, r->digest) == 0);
        }

        hull_arena_init(&a, 0);
        hull_diag_init(&d);
        CHECK(hull_image_ref_parse(&a, r->normalized, &r2, &d) == HULL_OK);
        CHECK(strcmp(r2.normalized, r->normalized) == 0);
        CHECK(streq(r2.domain, r->domain) && streq(r2.path, r->path) &&
              streq(r2.digest, r->digest));
        hull_arena_release(&a);

        hull_arena_init(&a, 0);
        CHECK(hull_image_ref_parse(&a, r->familiar, &r2, NULL) == HULL_OK);
        hull_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data;
        struct hull_arena a, a2;
        struct hull_diag d, d2;
        struct hull_image_ref r, r2;
        int rc, rc2;

        if (size > 4096)
                return 0;
        hull_arena_init(&a, 0);
        hull_diag_init(&d);
        rc = hull_image_ref_parse_n(&a, s, size, 0, &r, &d);
        if (rc == HULL_OK) {
                check_ok(&r);
        } else {
                CHECK(rc == HULL_EPARSE);
                CHECK(d.code == HULL_EPARSE && d.msg[0] != '\0');
                CHECK(d.col >= 1 && d.col <= size + 1);
                CHECK(d.line == 0 && d.file[0] == '\0');
        }

        hull_arena_init(&a2, 0);
        hull_diag_init(&d2);
        rc2 = hull_image_ref_parse_n(&a2, s, size, HULL_IMAGE_REF_NAMED_ONLY, &r2, &d2);
        if (rc2 == HULL_OK) {
                CHECK(r2.name != NULL);
                check_ok(&r2);
        }
        if (rc == HULL_OK && r.name) {
                CHECK(rc2 == HULL_OK && strcmp(r.normalized, r2.normalized) == 0);
                CHECK(strcmp(r.familiar, r2.familiar) == 0 && r.scratch == r2.scratch);
        } else if (rc != HULL_OK) {
                CHECK(rc2 == rc && strcmp(d.msg, d2.msg) == 0 && d.col == d2.col);
        }
        hull_arena_release(&a2);
        hull_arena_release(&a);
        return 0;
}
