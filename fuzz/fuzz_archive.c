/* fuzz_archive.c - libFuzzer target for the outer-tar index
 * (src/image/archive.c) and the image opener above it (src/image/image.c):
 * the input is a docker-archive or oci-archive file held in memory, indexed
 * with hull_archive_index_memory() (no temporary file), every member
 * looked up and resolved, then opened as an image (transport detected, or
 * forced by a byte of the input; --skip-verify on odd sizes, so that
 * digests do not stop the fuzzer at the first document) and every layer
 * source read.
 *
 * Besides crashes and sanitizer reports it checks, aborting when one breaks:
 *  - members are sorted, unique, normalised (a fixed point of
 *    hull_tar_path_normalize), non-empty, and their content lies inside
 *    the input; links have a target, nothing else has one;
 *  - lookup finds every member; a resolved name is a regular file whose
 *    content reads back whole;
 *  - a failure leaves its code and a message in the diag;
 *  - an opened image has as many layers as diff_ids, a config, and each
 *    layer source delivers exactly the layer's size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/archive.h"
#include "image/image.h"
#include "image/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_archive: invariant broken: %s (line %d)\n", #e,      \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

static void check_member(const struct hull_archive *a, const struct hull_archive_member *m,
                         size_t size) {
        char again[HULL_MAX_PATH_BYTES + 1];
        const struct hull_archive_member *r;
        struct hull_diag d;
        bool changed = true;
        int rc;

        CHECK(m->name && m->name[0]);
        CHECK(hull_tar_path_normalize(m->name, again, sizeof(again), &changed) == HULL_OK);
        CHECK(!changed && strcmp(again, m->name) == 0);
        CHECK(m->type >= 0 && m->type < _HULL_ARCHIVE_TYPE_MAX);
        CHECK(m->offset <= size && m->size <= size - m->offset);
        CHECK(m->header_offset < m->offset);
        CHECK((m->link != NULL) ==
              (m->type == HULL_ARCHIVE_SYMLINK || m->type == HULL_ARCHIVE_HARDLINK));
        if (m->type != HULL_ARCHIVE_FILE && m->type != HULL_ARCHIVE_OTHER)
                CHECK(m->size == 0);
        CHECK(hull_archive_lookup(a, m->name) == m);

        hull_diag_init(&d);
        rc = hull_archive_resolve(a, m->name, &r, &d);
        if (rc == HULL_OK) {
                char *buf = NULL;
                size_t n = 0;
                CHECK(r->type == HULL_ARCHIVE_FILE);
                CHECK(hull_archive_lookup(a, r->name) == r);
                if (hull_archive_read(a, r, 1u << 20, &buf, &n, &d) == HULL_OK) {
                        CHECK(n == r->size && buf[n] == '\0');
                        hull_free(buf);
                } else {
                        CHECK(d.code != HULL_OK && d.msg[0]);
                }
        } else if (rc == HULL_ENOTFOUND) {
                CHECK(d.code == HULL_OK); /* the caller words it */
        } else {
                CHECK(d.code == rc && d.msg[0]);
        }
}

static void open_image(const uint8_t *data, size_t size, struct hull_archive *a) {
        static const enum hull_image_transport ts[3] = {
                _HULL_IMAGE_TRANSPORT_INVALID,
                HULL_IMAGE_DOCKER_ARCHIVE,
                HULL_IMAGE_OCI_ARCHIVE,
        };
        struct hull_image_opts o = {.skip_verify = size % 2 == 1};
        struct hull_image *img = NULL;
        struct hull_diag d;
        int r;

        hull_diag_init(&d);
        r = hull_image_open_archive(&img, a, ts[size ? data[size / 2] % 3 : 0], NULL, &o, &d);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                return;
        }
        CHECK(img->config && img->config_digest && img->config_json);
        CHECK(img->config->ndiff_ids == img->nlayers);
        CHECK(img->verified == !o.skip_verify);
        for (size_t i = 0; i < img->nlayers; i++) {
                struct hull_source *s = NULL;
                unsigned char buf[4096];
                uint64_t total = 0;
                size_t n;

                CHECK(img->layers[i].index == i && img->layers[i].member);
                CHECK(img->layers[i].size <= size);
                hull_diag_init(&d);
                CHECK(hull_image_layer_source(img, i, &s, &d) == HULL_OK);
                while ((r = hull_source_read(s, buf, sizeof(buf), &n)) == HULL_OK && n > 0)
                        total += n;
                CHECK(r == HULL_OK && total == img->layers[i].size);
                hull_source_free(s);
        }
        hull_image_free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_archive *a = NULL;
        struct hull_diag d;
        int r;

        hull_diag_init(&d);
        r = hull_archive_index_memory(&a, data, size, "fuzz.tar", &d);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                CHECK(a == NULL);
                return 0;
        }
        for (size_t i = 0; i < hull_archive_count(a); i++) {
                const struct hull_archive_member *m = hull_archive_member(a, i);
                CHECK(m != NULL);
                if (i > 0)
                        CHECK(strcmp(hull_archive_member(a, i - 1)->name, m->name) < 0);
                check_member(a, m, size);
        }
        CHECK(hull_archive_member(a, hull_archive_count(a)) == NULL);
        open_image(data, size, a); /* consumes a */
        return 0;
}
