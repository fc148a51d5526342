/* fuzz_oci_json.c - the image metadata readers (src/image/oci.c) on
 * arbitrary bytes.  The first byte picks the reader: 0 image index, 1 image
 * manifest, 2 image config, 3 docker-archive manifest.json, 4 oci-layout,
 * 5 a platform specifier matched against a fixed list; the rest is the
 * document.  Besides never crashing, a reader must return a known code with
 * a message, and what it accepts must hold the invariants oci.h promises
 * (digests checked, sizes within limits, selections in range, history
 * mapped consistently). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
        if (!ok)
                abort();
}

/* a ".." path component ("a..b" is fine) */
static int has_dotdot(const char *p) {
        for (const char *c = p; *c;) {
                size_t l = strcspn(c, "/");
                if (l == 2 && c[0] == '.' && c[1] == '.')
                        return 1;
                c += l;
                if (*c)
                        c++;
        }
        return 0;
}

static void check_digest(const char *s) {
        check(s && hull_oci_digest_check(s, strlen(s)) == HULL_OK);
}

static void check_descriptor(const struct hull_oci_descriptor *x) {
        check(x->media_type != NULL);
        check_digest(x->digest);
        check(x->size <= HULL_MAX_BLOB_BYTES);
        if (x->type.kind == HULL_OCI_KIND_MANIFEST || x->type.kind == HULL_OCI_KIND_INDEX)
                check(x->size <= HULL_MAX_MANIFEST_BYTES);
        if (x->has_platform)
                check(x->platform.os && x->platform.architecture);
}

static void fuzz_index(struct hull_arena *a, const char *s, size_t n, struct hull_diag *d) {
        struct hull_oci_index *idx = NULL;
        struct hull_oci_platform want;
        struct hull_diag d2;
        size_t i = SIZE_MAX;
        static const char *const specs[] = {"linux/arm64", "linux/arm/v6", "windows/amd64", "386"};

        if (hull_oci_index_parse(a, s, n, "index.json", &idx, d) != HULL_OK)
                return;
        for (size_t k = 0; k < idx->nmanifests; k++)
                check_descriptor(&idx->manifests[k]);
        hull_diag_init(&d2);
        if (hull_oci_select_platform(idx, NULL, "index.json", &i, &d2) == HULL_OK)
                check(i < idx->nmanifests);
        else
                check(d2.code == HULL_ENOTFOUND && d2.msg[0]);
        for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
                hull_diag_init(&d2);
                check(hull_oci_platform_parse(a, specs[k], &want, &d2) == HULL_OK);
                if (hull_oci_select_platform(idx, &want, "index.json", &i, &d2) == HULL_OK)
                        check(i < idx->nmanifests);
        }
        hull_diag_init(&d2);
        if (hull_oci_index_find_ref(idx, NULL, "index.json", &i, &d2) == HULL_OK)
                check(i < idx->nmanifests);
        hull_diag_init(&d2);
        if (hull_oci_index_find_ref(idx, "latest", "index.json", &i, &d2) == HULL_OK)
                check(i < idx->nmanifests);
}

static void fuzz_manifest(struct hull_arena *a, const char *s, size_t n, struct hull_diag *d) {
        struct hull_oci_manifest *m = NULL;

        if (hull_oci_manifest_parse(a, s, n, "manifest", &m, d) != HULL_OK)
                return;
        check(m->schema_version == 2);
        check_descriptor(&m->config);
        check(m->config.type.kind == HULL_OCI_KIND_CONFIG &&
              m->config.size <= HULL_MAX_CONFIG_BYTES);
        for (size_t k = 0; k < m->nlayers; k++) {
                check_descriptor(&m->layers[k]);
                check(m->layers[k].type.kind == HULL_OCI_KIND_LAYER);
        }
}

static void fuzz_config(struct hull_arena *a, const char *s, size_t n, struct hull_diag *d) {
        struct hull_oci_config *c = NULL;
        size_t nonempty = 0;

        if (hull_oci_config_parse(a, s, n, "config", &c, d) != HULL_OK)
                return;
        check(c->platform.os && c->platform.os[0] && c->platform.architecture &&
              c->platform.architecture[0]);
        check(c->rootfs_type && strcmp(c->rootfs_type, "layers") == 0);
        for (size_t k = 0; k < c->ndiff_ids; k++) {
                check_digest(c->diff_ids[k]);
                if (c->layer_history[k])
                        check(c->layer_history[k]->layer == (long)k &&
                              !c->layer_history[k]->empty_layer);
        }
        for (size_t k = 0; k < c->nhistory; k++) {
                const struct hull_oci_history *h = &c->history[k];
                if (h->empty_layer) {
                        check(h->layer == -1);
                        continue;
                }
                check(h->layer == (nonempty < c->ndiff_ids ? (long)nonempty : -1));
                nonempty++;
        }
        check(c->history_mismatch == (c->nhistory > 0 && nonempty != c->ndiff_ids));
        if (c->config.healthcheck)
                check(c->config.healthcheck->ntest == 0 || c->config.healthcheck->test != NULL);
}

static void fuzz_docker(struct hull_arena *a, const char *s, size_t n, struct hull_diag *d) {
        struct hull_docker_manifest *m = NULL;
        struct hull_diag d2;
        size_t i;

        if (hull_docker_manifest_parse(a, s, n, "manifest.json", &m, d) != HULL_OK)
                return;
        for (size_t k = 0; k < m->nimages; k++) {
                const struct hull_docker_image *img = &m->images[k];
                check(img->config && img->config[0] && img->config[0] != '/' &&
                      !has_dotdot(img->config));
                if (img->config_digest)
                        check_digest(img->config_digest);
                for (size_t l = 0; l < img->nlayers; l++) {
                        check(img->layers[l].path[0] && img->layers[l].path[0] != '/');
                        check(!has_dotdot(img->layers[l].path));
                        if (img->layers[l].form == HULL_DOCKER_LAYER_BLOB ||
                            img->layers[l].form == HULL_DOCKER_LAYER_DIFFID)
                                check_digest(img->layers[l].digest);
                }
                for (size_t t = 0; t < img->nrepo_tags && t < 4; t++) {
                        hull_diag_init(&d2);
                        check(hull_docker_manifest_select(m, img->repo_tags[t], NULL, &i, &d2) ==
                              HULL_OK);
                        check(i < m->nimages);
                }
        }
        hull_diag_init(&d2);
        if (hull_docker_manifest_select(m, NULL, NULL, &i, &d2) == HULL_OK)
                check(i < m->nimages && m->nimages == 1);
        hull_diag_init(&d2);
        if (hull_docker_manifest_select(m, "@1", NULL, &i, &d2) == HULL_OK)
                check(i < m->nimages); /* 1, unless an image is tagged "@1" */
}

static void fuzz_platform(struct hull_arena *a, const char *s, size_t n) {
        static const struct hull_oci_platform have[] = {
                {.os = "linux", .architecture = "amd64"},
                {.os = "linux", .architecture = "arm64", .variant = "v8"},
                {.os = "linux", .architecture = "arm", .variant = "v5"},
                {.os = "Linux", .architecture = "AArch64", .variant = "v9.0"},
                {.os = "", .architecture = "x86_64", .variant = "v3"},
        };
        struct hull_oci_platform want;
        struct hull_diag d;
        char *spec = hull_arena_strndup(a, s, n);
        char buf[300];

        if (!spec || strlen(spec) != n)
                return;
        hull_diag_init(&d);
        if (hull_oci_platform_parse(a, spec, &want, &d) != HULL_OK) {
                check(d.code == HULL_EINVAL || d.code == HULL_ENOMEM);
                return;
        }
        hull_oci_platform_format(&want, buf, sizeof(buf));
        check(hull_oci_platform_rank(&want, &want) == 0 || strlen(want.architecture) >= 64 ||
              strlen(want.os) >= 64 || (want.variant && strlen(want.variant) >= 64));
        for (size_t k = 0; k < sizeof(have) / sizeof(have[0]); k++) {
                int r = hull_oci_platform_rank(&want, &have[k]);
                check(r >= -1 && r < 128); /* VECTOR_MAX */
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_arena a;
        struct hull_diag d;
        const char *s;
        size_t n;
        int before;

        if (size < 1)
                return 0;
        s = (const char *)data + 1;
        n = size - 1;
        hull_arena_init(&a, 256u << 20);
        hull_diag_init(&d);
        switch (data[0] % 6) {
        case 0: fuzz_index(&a, s, n, &d); break;
        case 1: fuzz_manifest(&a, s, n, &d); break;
        case 2: fuzz_config(&a, s, n, &d); break;
        case 3: fuzz_docker(&a, s, n, &d); break;
        case 4: {
                const char *v = NULL;
                if (hull_oci_layout_parse(&a, s, n, "oci-layout", &v, &d) == HULL_OK)
                        check(v && strncmp(v, "1.", 2) == 0);
                break;
        }
        default: fuzz_platform(&a, s, n); break;
        }
        /* a failure always says which class and why */
        before = d.code;
        check(before == HULL_OK || before == HULL_EPARSE || before == HULL_ELIMIT ||
              before == HULL_EUNSUPPORTED || before == HULL_ENOMEM);
        if (before != HULL_OK)
                check(d.msg[0] != '\0' && d.file[0] != '\0');
        hull_arena_release(&a);
        return 0;
}
