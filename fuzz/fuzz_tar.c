/* fuzz_tar.c - libFuzzer target for the layer walker: arbitrary bytes
 * through the filter (compression auto-detected) and the tar walker
 * (src/image/tar.c), reading every entry's content, alternately by copy
 * (hull_tar_read) and zero-copy (hull_tar_read_block), then closing.
 * Odd-sized inputs come from a source handing out 1 to 13 bytes per read,
 * so libarchive sees tiny chunks and gzip/zstd headers split everywhere.
 *
 * Besides crashes and sanitizer reports it checks, aborting when one breaks:
 *  - every entry path is normalised: no leading '/', no trailing '/', no
 *    empty, "." or ".." component; "" only for the root directory and an
 *    opaque root; a whiteout names something;
 *  - symlinks and hard links have a link, hard-link targets are normalised
 *    and non-empty; no other type has one;
 *  - a regular file's content is exactly its size;
 *  - a failure leaves its code and a message in the diag and is sticky;
 *  - on success the digests are available after close. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/filter.h"
#include "image/source.h"
#include "image/tar.h"
#include "trickle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_tar: invariant broken: %s (line %d)\n", #e,          \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

static void check_normal(const char *p, bool may_be_empty) {
        size_t n = strlen(p);
        char again[HULL_MAX_PATH_BYTES + 1];
        bool changed = true;

        CHECK(n <= HULL_MAX_PATH_BYTES);
        if (n == 0) {
                CHECK(may_be_empty);
                return;
        }
        CHECK(p[0] != '/' && p[n - 1] != '/');
        CHECK(!strstr(p, "//"));
        CHECK(strcmp(p, ".") != 0 && strcmp(p, "..") != 0);
        CHECK(strncmp(p, "./", 2) != 0 && strncmp(p, "../", 3) != 0);
        CHECK(!strstr(p, "/./") && !strstr(p, "/../"));
        CHECK(!(n >= 2 && strcmp(p + n - 2, "/.") == 0));
        CHECK(!(n >= 3 && strcmp(p + n - 3, "/..") == 0));
        /* a fixed point */
        CHECK(hull_tar_path_normalize(p, again, sizeof(again), &changed) == HULL_OK);
        CHECK(!changed && strcmp(again, p) == 0);
}

static void on_warn(void *ud, uint64_t offset, const char *msg) {
        unsigned *n = ud;
        (*n)++;
        CHECK(msg && msg[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        struct hull_filter_opts o = {.max_bytes = 4u << 20};
        const struct hull_entry *e;
        static unsigned char buf[5000];
        unsigned warns = 0, i = 0;
        int r;

        struct trickle tr = {data, size, 0, 0};

        hull_diag_init(&d);
        if (size % 2 == 1) {
                if (hull_source_new(&s, &trickle_ops, &tr, "fuzz", size, &d) != HULL_OK)
                        return 0;
        } else if (hull_source_new_memory(&s, data, size, "fuzz", &d) != HULL_OK) {
                return 0;
        }
        if (hull_filter_new(&f, s, &o, &d) != HULL_OK)
                return 0;
        r = hull_tar_open(&t, f, 1, "layer", &d);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                return 0;
        }
        hull_tar_set_warning_cb(t, on_warn, &warns);
        while ((r = hull_tar_next(t, &e)) == HULL_OK && e) {
                uint64_t total = 0;
                size_t n;
                CHECK(e->layer == 1);
                CHECK(e->type >= 0 && e->type < _HULL_ENTRY_TYPE_MAX);
                check_normal(e->path, e->type == HULL_ENTRY_DIR || e->type == HULL_ENTRY_OPAQUE);
                if (e->type == HULL_ENTRY_SYMLINK) {
                        CHECK(e->link != NULL);
                        CHECK(strlen(e->link) <= HULL_MAX_PATH_BYTES);
                } else if (e->type == HULL_ENTRY_HARDLINK) {
                        CHECK(e->link != NULL && e->link[0]);
                        check_normal(e->link, false);
                } else {
                        CHECK(e->link == NULL);
                }
                if (e->type == HULL_ENTRY_WHITEOUT)
                        CHECK(e->path[0]);
                if (e->type != HULL_ENTRY_FILE)
                        CHECK(e->size == 0);
                if (i++ % 2 == 0) {
                        while ((r = hull_tar_read(t, buf, 1 + i % sizeof(buf), &n)) == HULL_OK &&
                               n > 0)
                                total += n;
                } else {
                        const void *b;
                        while ((r = hull_tar_read_block(t, &b, &n)) == HULL_OK && n > 0) {
                                CHECK(b != NULL);
                                total += n;
                        }
                }
                if (r != HULL_OK)
                        break;
                if (e->type == HULL_ENTRY_FILE)
                        CHECK(total == e->size);
        }
        if (r == HULL_OK)
                r = hull_tar_close(t);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                CHECK(hull_tar_next(t, &e) == r); /* sticky */
        } else {
                uint8_t dg[32];
                CHECK(hull_filter_digest(hull_tar_filter(t), HULL_FILTER_DIGEST_IN, dg) == HULL_OK);
                CHECK(hull_filter_digest(hull_tar_filter(t), HULL_FILTER_DIGEST_OUT, dg) ==
                      HULL_OK);
        }
        CHECK(warns == hull_tar_stats(t)->warnings);
        hull_tar_free(t);
        return 0;
}
