/* fuzz_walk.c - libFuzzer target for the tar + whiteout walker feeding the
 * layered model: the path every layer of an image takes in a scan
 * (filter -> tar walker -> hull_layers_add), minus threads.
 *
 * The input is split into layers at each "\xffLYR" separator (at most 8);
 * each part is decompressed as detected (gzip, zstd, plain; 4 MiB cap),
 * walked, and every entry applied to one model, layer after layer; then the
 * model is finished and both views are walked and every final path looked up.
 * Besides crashes and sanitizer reports it aborts when:
 *  - the walker hands the model an entry it calls a caller error
 *    (HULL_EINVAL): the walker's output must always be acceptable input;
 *  - an error comes back without a message in the diag;
 *  - a final-view path does not look up (without following links) to a node,
 *    or a lookup with links followed ends in anything but OK, ENOTFOUND or
 *    ELIMIT. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/filter.h"
#include "image/layers.h"
#include "image/source.h"
#include "image/tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_walk: invariant broken: %s (line %d)\n", #e,         \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define MAX_LAYERS 8u
static const uint8_t sep[4] = {0xff, 'L', 'Y', 'R'};

/* Walk one layer's bytes into L.  Returns false when the model must not be
 * fed any more (a limit or out of memory). */
static bool walk_layer(struct hull_layers *L, unsigned layer, const uint8_t *p, size_t n) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        struct hull_filter_opts o = {.max_bytes = 4u << 20};
        const struct hull_entry *e;
        int r;

        hull_diag_init(&d);
        if (hull_source_new_memory(&s, p, n, "layer", &d) != HULL_OK)
                return false;
        if (hull_filter_new(&f, s, &o, &d) != HULL_OK)
                return false;
        if ((r = hull_tar_open(&t, f, layer, "layer", &d)) != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                return true; /* an unreadable layer: the scan would stop; go on here */
        }
        while ((r = hull_tar_next(t, &e)) == HULL_OK && e) {
                struct hull_diag ad;
                hull_diag_init(&ad);
                r = hull_layers_add(L, e, &ad);
                CHECK(r != HULL_EINVAL);
                if (r == HULL_ELIMIT || r == HULL_ENOMEM) {
                        hull_tar_free(t);
                        return false;
                }
        }
        if (r != HULL_OK)
                CHECK(d.code == r && d.msg[0]);
        else
                (void)hull_tar_close(t);
        hull_tar_free(t);
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_layers *L = NULL;
        struct hull_diag d;
        struct hull_layers_iter it;
        static char path[HULL_MAX_PATH_BYTES + 1];
        unsigned layer = 0;
        size_t start = 0;
        bool go = true;

        if (hull_layers_new(&L) != HULL_OK)
                return 0;
        hull_layers_set_max_entries(L, 20000);
        hull_diag_init(&d);
        while (go && start <= size && layer < MAX_LAYERS) {
                const uint8_t *hit = NULL;
                size_t end = size;
                for (size_t i = start; i + sizeof(sep) <= size; i++)
                        if (memcmp(data + i, sep, sizeof(sep)) == 0) {
                                hit = data + i;
                                break;
                        }
                if (hit)
                        end = (size_t)(hit - data);
                go = walk_layer(L, layer, data + start, end - start);
                if (go && hull_layers_end_layer(L, layer, &d) != HULL_OK)
                        go = false;
                layer++;
                if (!hit)
                        break;
                start = end + sizeof(sep);
        }
        if (hull_layers_finish(L, &d) != HULL_OK) {
                hull_layers_free(L);
                return 0;
        }
        hull_layers_iter_init(&it, L, HULL_LAYERS_FINAL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it));) {
                const struct hull_layers_node *got = NULL;
                struct hull_diag ld;
                int r;
                hull_layers_node_path(n, path, sizeof(path));
                hull_diag_init(&ld);
                CHECK(hull_layers_lookup(L, path, 0, &got, &ld) == HULL_OK && got == n);
                r = hull_layers_lookup(L, path, HULL_LAYERS_FOLLOW, &got, &ld);
                CHECK(r == HULL_OK || r == HULL_ENOTFOUND || r == HULL_ELIMIT);
        }
        hull_layers_iter_init(&it, L, HULL_LAYERS_ALL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it));)
                CHECK(hull_layers_node_added_in(n) < layer || layer == 0);
        hull_layers_free(L);
        return 0;
}
