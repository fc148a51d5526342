/* test_scan.c - the parallel layer scan (src/image/scan.c).
 *
 * Images are built at test time by the fixture builder (tests/fixture) in a
 * temporary directory and opened with hull_image_open(); damaged images are
 * OCI layouts whose index, manifest or config are rewritten here with
 * jansson (new blob names and digests, so that the opener still accepts
 * them and only the scan can see the damage).  Views are compared as one
 * line per view, as in test_layers.c: "path:TYPE ADDED[,CHANGED...][-DELETED]". */
#include <jansson.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "fixture.h"
#include "image/filter.h"
#include "image/image.h"
#include "image/scan.h"
#include "t.h"
#include "tutil.h"

/* --- images -------------------------------------------------------------- */

static const char *build(const char *spec, enum fixture_format f, enum fixture_compression c,
                         const char *name) {
        static char ring[16][1300];
        static int i;
        struct fixture_opts o = {.format = f, .compression = c, .basedir = t_tmp()};
        char err[768];

        i = (i + 1) % 16;
        snprintf(ring[i], sizeof(ring[i]), "%s/%s", t_tmp(), name);
        if (fixture_build(spec, strlen(spec), name, &o, ring[i], err, sizeof(err)) != 0) {
                printf("# fixture %s: %s\n", name, err);
                exit(2);
        }
        return ring[i];
}

static struct hull_image *open_img(const char *ref) {
        struct hull_image *img = NULL;
        struct hull_diag d;
        char msg[1200];

        hull_diag_init(&d);
        if (hull_image_open(&img, ref, NULL, &d) != HULL_OK) {
                hull_diag_format(&d, msg, sizeof(msg));
                printf("# open %s: %s\n", ref, msg);
                exit(2);
        }
        return img;
}

/* Scan; on failure print the diag and return NULL. */
static struct hull_scan *scan(const struct hull_image *img, const struct hull_scan_opts *o) {
        struct hull_scan *s = NULL;
        struct hull_diag d;
        char msg[1200];

        hull_diag_init(&d);
        if (hull_scan_run(img, o, &s, &d) != HULL_OK) {
                hull_diag_format(&d, msg, sizeof(msg));
                T_FAIL_AT("scan %s: %s", img->ref, msg);
                return NULL;
        }
        return s;
}

/* The scan fails with code; d gets the diag. */
static int scan_fails(const struct hull_image *img, const struct hull_scan_opts *o,
                      struct hull_diag *d) {
        struct hull_scan *s = NULL;
        int r;

        hull_diag_init(d);
        r = hull_scan_run(img, o, &s, d);
        if (r == HULL_OK) {
                hull_scan_free(s);
                return HULL_OK;
        }
        if (s)
                printf("# a failed scan returned a scan\n");
        return s ? -1 : r;
}

static char dumpbuf[1 << 17];

static const char *dump(const struct hull_scan *s, enum hull_layers_view view) {
        static const char types[] = "fdlhcbp??";
        const struct hull_layers *L = hull_scan_layers(s);
        struct hull_layers_iter it;
        const struct hull_layers_node *n;
        char path[HULL_MAX_PATH_BYTES + 1];
        size_t o = 0;

        dumpbuf[0] = '\0';
        hull_layers_iter_init(&it, L, view);
        while ((n = hull_layers_iter_next(&it)) && o < sizeof(dumpbuf) - 200) {
                hull_layers_node_path(n, path, sizeof(path));
                o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, "%s%s:%c%u", o ? " " : "",
                                      path, types[hull_layers_node_type(n)],
                                      hull_layers_node_added_in(n));
                for (size_t i = 0; i < hull_layers_node_nchanged(n); i++)
                        o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, ",%u",
                                              hull_layers_node_changed_in(n, i));
                if (!hull_layers_node_present(n))
                        o += (size_t)snprintf(dumpbuf + o, sizeof(dumpbuf) - o, "-%u",
                                              hull_layers_node_deleted_in(n));
        }
        return dumpbuf;
}

/* Everything a scan produced, as text: both views, notes, per-layer stats. */
static char *describe(const struct hull_scan *s) {
        size_t cap = 1 << 18, o = 0;
        char *out = malloc(cap);

        o += (size_t)snprintf(out + o, cap - o, "final: %s\n", dump(s, HULL_LAYERS_FINAL));
        o += (size_t)snprintf(out + o, cap - o, "all: %s\n", dump(s, HULL_LAYERS_ALL));
        for (size_t i = 0; i < hull_scan_nnotes(s) && o < cap - 1000; i++)
                o += (size_t)snprintf(out + o, cap - o, "note: %s\n", hull_scan_note(s, i));
        for (unsigned i = 0; i < hull_scan_image(s)->nlayers && o < cap - 1000; i++) {
                struct hull_scan_layer_stats ls;
                if (hull_scan_layer_stats(s, i, &ls) != HULL_OK)
                        continue;
                o += (size_t)snprintf(
                        out + o, cap - o, "layer %u: %d %llu %llu %llu %llu %d %d\n", i,
                        (int)ls.compression, (unsigned long long)ls.blob_bytes,
                        (unsigned long long)ls.tar_bytes, (unsigned long long)ls.entries,
                        (unsigned long long)ls.files_bytes, ls.blob_verified, ls.diff_id_verified);
        }
        return out;
}

static bool has_note(const struct hull_scan *s, const char *a, const char *b) {
        for (size_t i = 0; i < hull_scan_nnotes(s); i++)
                if (strstr(hull_scan_note(s, i), a) && (!b || strstr(hull_scan_note(s, i), b)))
                        return true;
        return false;
}

/* --- OCI layout surgery -------------------------------------------------- */

static const char *blob_path(const char *dir, const char *digest) {
        return t_path("%s/blobs/sha256/%s", dir + strlen(t_tmp()) + 1, digest + 7);
}

/* Store bytes as a blob of the layout; its digest into out. */
static void put_blob(const char *dir, const void *p, size_t n, char out[72]) {
        t_sha256(p, n, out);
        t_write_file(blob_path(dir, out), p, n);
}

static json_t *load_json(const char *path) {
        json_error_t e;
        json_t *j = json_load_file(path, 0, &e);
        if (!j) {
                printf("# %s: %s\n", path, e.text);
                exit(2);
        }
        return j;
}

struct layout {
        const char *dir;
        json_t *index, *manifest, *config;
};

static void layout_load(struct layout *l, const char *dir) {
        const char *md, *cd;

        l->dir = dir;
        l->index = load_json(t_path("%s/index.json", dir + strlen(t_tmp()) + 1));
        md = json_string_value(json_object_get(
                json_array_get(json_object_get(l->index, "manifests"), 0), "digest"));
        l->manifest = load_json(blob_path(dir, md));
        cd = json_string_value(json_object_get(json_object_get(l->manifest, "config"), "digest"));
        l->config = load_json(blob_path(dir, cd));
}

/* Write config, manifest and index back, each named by its new digest. */
static void layout_save(struct layout *l) {
        char dg[72];
        char *s;
        json_t *desc;

        s = json_dumps(l->config, JSON_COMPACT);
        put_blob(l->dir, s, strlen(s), dg);
        desc = json_object_get(l->manifest, "config");
        json_object_set_new(desc, "digest", json_string(dg));
        json_object_set_new(desc, "size", json_integer((json_int_t)strlen(s)));
        free(s);
        s = json_dumps(l->manifest, JSON_COMPACT);
        put_blob(l->dir, s, strlen(s), dg);
        desc = json_array_get(json_object_get(l->index, "manifests"), 0);
        json_object_set_new(desc, "digest", json_string(dg));
        json_object_set_new(desc, "size", json_integer((json_int_t)strlen(s)));
        free(s);
        if (json_dump_file(l->index, t_path("%s/index.json", l->dir + strlen(t_tmp()) + 1),
                           JSON_COMPACT) != 0)
                exit(2);
        json_decref(l->index);
        json_decref(l->manifest);
        json_decref(l->config);
}

static json_t *layer_desc(struct layout *l, size_t i) {
        return json_array_get(json_object_get(l->manifest, "layers"), i);
}

/* Make layer i's descriptor name a blob with these bytes. */
static void set_layer_blob(struct layout *l, size_t i, const void *p, size_t n) {
        char dg[72];

        put_blob(l->dir, p, n, dg);
        json_object_set_new(layer_desc(l, i), "digest", json_string(dg));
        json_object_set_new(layer_desc(l, i), "size", json_integer((json_int_t)n));
}

static char *layer_blob(struct layout *l, size_t i, size_t *ret_n) {
        const char *dg = json_string_value(json_object_get(layer_desc(l, i), "digest"));
        const char *path = blob_path(l->dir, dg);
        char *p = t_read_file(path, ret_n);

        if (!p) {
                printf("# cannot read %s\n", path);
                exit(2);
        }
        return p;
}

static const char FAKE_DIGEST[] =
        "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/* --- specs ------------------------------------------------------------------ */

static const char SPEC_WHITEOUTS[] = "layer base\n"
                                     "dir etc\n"
                                     "file etc/passwd = \"root:x:0:0:root:/root:/bin/sh\\n\"\n"
                                     "dir app\n"
                                     "file app/.env = \"SECRET=1\\n\"\n"
                                     "file app/keep = k\n"
                                     "dir tmp\n"
                                     "file tmp/a = a\n"
                                     "dir tmp/sub\n"
                                     "file tmp/sub/b = b\n"
                                     "layer app\n"
                                     "file app/main 0755 = \"#!/bin/sh\\n\"\n"
                                     "file etc/passwd = \"root:x:0:0:root:/root:/bin/bash\\n\"\n"
                                     "symlink app/link main\n"
                                     "layer cleanup\n"
                                     "whiteout app/.env\n"
                                     "opaque tmp\n"
                                     "file tmp/c = c\n";

static const char WANT_FINAL[] =
        "app:d0 app/keep:f0 app/link:l1 app/main:f1 etc:d0 etc/passwd:f0,1 "
        "tmp:d0,2 tmp/c:f2";
static const char WANT_ALL[] = "app:d0 app/.env:f0-2 app/keep:f0 app/link:l1 app/main:f1 etc:d0 "
                               "etc/passwd:f0,1 tmp:d0,2 tmp/a:f0-2 tmp/c:f2 tmp/sub:d0-2 "
                               "tmp/sub/b:f0-2";

static const struct {
        enum fixture_format f;
        enum fixture_compression c;
        const char *name;
        enum hull_filter_kind kind; /* what the layers are */
} SHAPES[] = {
        {FIXTURE_DOCKER_CLASSIC, FIXTURE_GZIP, "docker-classic.tar", HULL_FILTER_NONE},
        {FIXTURE_DOCKER_OCI, FIXTURE_GZIP, "docker-oci.tar", HULL_FILTER_NONE},
        {FIXTURE_DOCKER_SKOPEO, FIXTURE_GZIP, "docker-skopeo.tar", HULL_FILTER_NONE},
        {FIXTURE_OCI, FIXTURE_GZIP, "oci-gzip", HULL_FILTER_GZIP},
        {FIXTURE_OCI, FIXTURE_ZSTD, "oci-zstd", HULL_FILTER_ZSTD},
        {FIXTURE_OCI, FIXTURE_NONE, "oci-none", HULL_FILTER_NONE},
        {FIXTURE_OCI_ARCHIVE, FIXTURE_GZIP, "oci-archive.tar", HULL_FILTER_GZIP},
};

/* --- views --------------------------------------------------------------- */

TEST(whiteouts_reach_the_final_view_in_every_shape) {
        for (size_t k = 0; k < ELEMENTSOF(SHAPES); k++) {
                const char *ref = build(SPEC_WHITEOUTS, SHAPES[k].f, SHAPES[k].c, SHAPES[k].name);
                struct hull_image *img = open_img(ref);

                for (unsigned threads = 1; threads <= 4; threads++) {
                        struct hull_scan_opts o = {.threads = threads};
                        struct hull_scan *s = scan(img, &o);
                        struct hull_scan_layer_stats ls;
                        struct hull_scan_stats st;

                        if (!s)
                                continue;
                        T_STREQ(dump(s, HULL_LAYERS_FINAL), WANT_FINAL);
                        T_STREQ(dump(s, HULL_LAYERS_ALL), WANT_ALL);
                        hull_scan_stats(s, &st);
                        T_EQ(st.threads, threads < 3 ? threads : 3); /* at most one per layer */
                        T_EQ(st.entries, 15);
                        T_EQ(hull_scan_nnotes(s), 0);
                        T_OK(hull_scan_layer_stats(s, 2, &ls));
                        T_EQ(hull_scan_layer_stats(s, 3, &ls), HULL_ENOTFOUND);
                        T_OK(hull_scan_layer_stats(s, 0, &ls));
                        /* classic docker save names no blob digest: the diff_id is the check */
                        T_EQ(ls.blob_verified, SHAPES[k].f != FIXTURE_DOCKER_CLASSIC);
                        T_TRUE(ls.diff_id_verified);
                        T_EQ(ls.compression, SHAPES[k].kind);
                        T_EQ(ls.entries, 9);
                        T_TRUE(ls.tar_bytes > 0 && ls.blob_bytes > 0);
                        hull_scan_free(s);
                }
                hull_image_free(img);
        }
}

TEST(empty_image) {
        struct hull_image img = {.ref = "hand-made", .path = "hand-made"};
        struct hull_scan *s = scan(&img, NULL);
        struct hull_scan_stats st;

        if (!s)
                return;
        T_STREQ(dump(s, HULL_LAYERS_ALL), "");
        hull_scan_stats(s, &st);
        T_EQ(st.threads, 0);
        T_EQ(st.entries, 0);
        T_TRUE(hull_scan_image(s) == &img);
        hull_scan_free(s);
        T_TRUE(hull_scan_free(NULL) == NULL);
}

/* --- visitors -------------------------------------------------------------- */

#define NLAYERS 5
#define NFILES 40
#define BIG_BYTES (3u << 20)

/* FNV-1a over a stream */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
        const unsigned char *c = p;
        for (size_t i = 0; i < n; i++)
                h = (h ^ c[i]) * 0x100000001b3ull;
        return h;
}
#define FNV0 0xcbf29ce484222325ull

struct seen {
        unsigned layer;
        char path[64];
        uint64_t size, hash;
};

struct vstate {
        atomic_int busy; /* begin..end in progress */
        struct seen cur;
        struct seen *all;
        size_t n, cap;
        bool bad;
};

struct visit {
        struct vstate w[8];
        atomic_int errors;
        unsigned threads;
        const char *fail_on; /* begin fails for this path */
        unsigned sleep_ms;   /* slow visitor: per file */
};

static bool v_want(void *ud, const struct hull_entry *e) {
        (void)ud;
        return strncmp(e->path, "skip/", 5) != 0;
}

static int v_begin(void *ud, unsigned worker, const struct hull_entry *e,
                   const struct hull_image_layer *layer, struct hull_diag *d) {
        struct visit *v = ud;
        struct vstate *w;

        if (worker >= v->threads || worker >= 8) {
                atomic_fetch_add(&v->errors, 1);
                return hull_diag_set(d, HULL_EINTERNAL, NULL, 0, 0, "bad worker %u", worker);
        }
        w = &v->w[worker];
        if (atomic_exchange(&w->busy, 1) != 0)
                atomic_fetch_add(&v->errors, 1); /* two files at once on one worker */
        if (e->type != HULL_ENTRY_FILE || layer->index != e->layer)
                atomic_fetch_add(&v->errors, 1);
        if (v->fail_on && strcmp(e->path, v->fail_on) == 0)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0, "too many secrets");
        if (v->sleep_ms) {
                struct timespec ts = {0, (long)v->sleep_ms * 1000000l};
                nanosleep(&ts, NULL);
        }
        w->cur = (struct seen){.layer = e->layer, .hash = FNV0};
        snprintf(w->cur.path, sizeof(w->cur.path), "%s", e->path);
        return HULL_OK;
}

static int v_data(void *ud, unsigned worker, const void *buf, size_t n, struct hull_diag *d) {
        struct vstate *w = &((struct visit *)ud)->w[worker];
        (void)d;
        w->cur.size += n;
        w->cur.hash = fnv(w->cur.hash, buf, n);
        return HULL_OK;
}

static int v_end(void *ud, unsigned worker, struct hull_diag *d) {
        struct visit *v = ud;
        struct vstate *w = &v->w[worker];
        (void)d;
        if (w->n == w->cap) {
                w->cap = w->cap ? w->cap * 2 : 64;
                w->all = realloc(w->all, w->cap * sizeof(*w->all));
        }
        w->all[w->n++] = w->cur;
        atomic_store(&w->busy, 0);
        return HULL_OK;
}

static int seen_cmp(const void *a, const void *b) {
        const struct seen *x = a, *y = b;
        if (x->layer != y->layer)
                return x->layer < y->layer ? -1 : 1;
        return strcmp(x->path, y->path);
}

/* Content of file i of layer l: distinct sizes (0 to ~6 KiB), text. */
static size_t content_of(unsigned l, unsigned i, char *buf, size_t size) {
        size_t o = 0;
        unsigned reps = (i * 37 + l * 11) % 300;

        buf[0] = '\0';
        for (unsigned r = 0; r < reps && o + 40 < size; r++)
                o += (size_t)snprintf(buf + o, size - o, "layer%u-file%u-%u ", l, i, r);
        return o;
}

static unsigned char *big_content(void) {
        static unsigned char *p;
        if (!p) {
                uint64_t x = 88172645463325252ull;
                p = malloc(BIG_BYTES);
                for (size_t i = 0; i < BIG_BYTES; i++) {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        p[i] = i % 3 ? (unsigned char)x : (unsigned char)('a' + i % 26);
                }
                t_write_file(t_path("big.bin"), p, BIG_BYTES);
        }
        return p;
}

/* NLAYERS layers of NFILES files, a 3 MiB file in layer 1, files under skip/
 * (not wanted), one path in two layers, and layer 3 deleting a layer-0 file. */
static char *visit_spec(struct seen *want, size_t *ret_nwant) {
        size_t cap = 1 << 20, o = 0, nw = 0;
        char *spec = malloc(cap), *c = malloc(8192);

        big_content();
        for (unsigned l = 0; l < NLAYERS; l++) {
                o += (size_t)snprintf(spec + o, cap - o, "layer\n");
                for (unsigned i = 0; i < NFILES; i++) {
                        size_t n = content_of(l, i, c, 8192);
                        o += (size_t)snprintf(spec + o, cap - o, "file d%u/f%u = \"%s\"\n", i % 4,
                                              i + l * 1000, c);
                        want[nw] = (struct seen){.layer = l, .size = n, .hash = fnv(FNV0, c, n)};
                        snprintf(want[nw].path, sizeof(want[nw].path), "d%u/f%u", i % 4,
                                 i + l * 1000);
                        nw++;
                }
                o += (size_t)snprintf(spec + o, cap - o, "file skip/x%u = nope\nsymlink s%u d0\n",
                                      l, l);
                o += (size_t)snprintf(spec + o, cap - o, "file same = \"layer %u\"\n", l);
                {
                        char s[32];
                        int k = snprintf(s, sizeof(s), "layer %u", l);
                        want[nw] = (struct seen){
                                .layer = l, .size = (uint64_t)k, .hash = fnv(FNV0, s, (size_t)k)};
                        snprintf(want[nw].path, sizeof(want[nw].path), "same");
                        nw++;
                }
                if (l == 1) {
                        o += (size_t)snprintf(spec + o, cap - o, "file big < big.bin\n");
                        want[nw] = (struct seen){.layer = l,
                                                 .size = BIG_BYTES,
                                                 .hash = fnv(FNV0, big_content(), BIG_BYTES)};
                        snprintf(want[nw].path, sizeof(want[nw].path), "big");
                        nw++;
                }
                if (l == 3)
                        o += (size_t)snprintf(spec + o, cap - o, "whiteout d0/f0\n");
        }
        free(c);
        qsort(want, nw, sizeof(*want), seen_cmp);
        *ret_nwant = nw;
        return spec;
}

static void check_visits(struct visit *v, const struct seen *want, size_t nwant) {
        size_t n = 0, k = 0;
        struct seen *got;

        for (unsigned w = 0; w < 8; w++)
                n += v->w[w].n;
        got = malloc((n ? n : 1) * sizeof(*got));
        for (unsigned w = 0; w < 8; w++) {
                if (v->w[w].n)
                        memcpy(got + k, v->w[w].all, v->w[w].n * sizeof(*got));
                k += v->w[w].n;
        }
        qsort(got, n, sizeof(*got), seen_cmp);
        T_EQ(n, nwant);
        for (size_t i = 0; i < n && i < nwant; i++) {
                if (seen_cmp(&got[i], &want[i]) != 0 || got[i].size != want[i].size ||
                    got[i].hash != want[i].hash) {
                        T_FAIL_AT("file %zu: got %u:%s %llu bytes, want %u:%s %llu bytes", i,
                                  got[i].layer, got[i].path, (unsigned long long)got[i].size,
                                  want[i].layer, want[i].path, (unsigned long long)want[i].size);
                        break;
                }
        }
        T_EQ(atomic_load(&v->errors), 0);
        free(got);
}

static void visit_reset(struct visit *v, unsigned threads) {
        for (unsigned w = 0; w < 8; w++)
                free(v->w[w].all);
        memset(v, 0, sizeof(*v));
        v->threads = threads;
}

TEST(visitors_get_every_file_once) {
        static struct seen want[NLAYERS * (NFILES + 2) + 1];
        size_t nwant;
        char *spec = visit_spec(want, &nwant);
        const char *refs[2] = {build(spec, FIXTURE_OCI, FIXTURE_GZIP, "visit-oci"),
                               build(spec, FIXTURE_DOCKER_CLASSIC, FIXTURE_GZIP, "visit.tar")};
        struct visit v = {0};

        for (size_t r = 0; r < 2; r++) {
                struct hull_image *img = open_img(refs[r]);
                for (unsigned threads = 1; threads <= NLAYERS; threads++) {
                        struct hull_scan_visitor vis = {.name = "check",
                                                        .ud = &v,
                                                        .want = v_want,
                                                        .begin = v_begin,
                                                        .data = v_data,
                                                        .end = v_end};
                        struct hull_scan_opts o = {
                                .threads = threads, .visitors = &vis, .nvisitors = 1};
                        struct hull_scan_stats st;
                        struct hull_scan *s;

                        visit_reset(&v, threads);
                        s = scan(img, &o);
                        if (!s)
                                continue;
                        check_visits(&v, want, nwant);
                        hull_scan_stats(s, &st);
                        T_EQ(st.visited_files, nwant);
                        T_EQ(st.skipped_large, 0);
                        /* deleted in layer 3, still visited from layer 0 */
                        {
                                const struct hull_layers_node *n;
                                T_OK(hull_layers_get(hull_scan_layers(s), "d0/f0", &n));
                                T_EQ(hull_layers_node_deleted_in(n), 3);
                        }
                        hull_scan_free(s);
                }
                hull_image_free(img);
        }
        visit_reset(&v, 0);
        free(spec);
}

TEST(two_visitors_and_no_visitors) {
        static struct seen want[NLAYERS * (NFILES + 2) + 1];
        size_t nwant;
        char *spec = visit_spec(want, &nwant);
        struct hull_image *img = open_img(build(spec, FIXTURE_OCI, FIXTURE_ZSTD, "visit2"));
        struct visit a = {0}, b = {0};
        struct hull_scan_visitor vis[2] = {
                {.name = "a",
                 .ud = &a,
                 .want = v_want,
                 .begin = v_begin,
                 .data = v_data,
                 .end = v_end},
                {.name = "b", .ud = &b, .begin = v_begin, .data = v_data, .end = v_end},
        };
        struct hull_scan_opts o = {.threads = 3, .visitors = vis, .nvisitors = 2};
        struct hull_scan *s;
        size_t nb = 0;

        a.threads = b.threads = 3;
        s = scan(img, &o);
        check_visits(&a, want, nwant);
        for (unsigned w = 0; w < 8; w++)
                nb += b.w[w].n;
        T_EQ(nb, nwant + NLAYERS); /* b has no want(): skip/ files too */
        hull_scan_free(s);

        o.visitors = NULL;
        o.nvisitors = 0;
        s = scan(img, &o);
        if (s) {
                struct hull_scan_stats st;
                hull_scan_stats(s, &st);
                T_EQ(st.visited_files, 0);
                T_EQ(st.tar_bytes > BIG_BYTES, 1);
        }
        hull_scan_free(s);
        visit_reset(&a, 0);
        visit_reset(&b, 0);
        hull_image_free(img);
        free(spec);
}

TEST(large_files_are_skipped_with_a_note) {
        struct hull_image *img = open_img(build("layer\n"
                                                "file small = \"0123456789\"\n"
                                                "file usr/lib/big.so size 3000\n"
                                                "file exact size 1000\n",
                                                FIXTURE_OCI, FIXTURE_GZIP, "large"));
        struct visit v = {0};
        struct hull_scan_visitor vis = {
                .name = "check", .ud = &v, .begin = v_begin, .data = v_data, .end = v_end};
        struct hull_scan_opts o = {.visitors = &vis, .nvisitors = 1, .max_file_bytes = 1000};
        struct hull_scan_stats st;
        struct hull_scan *s;

        v.threads = 8;
        s = scan(img, &o);
        if (s) {
                hull_scan_stats(s, &st);
                T_EQ(st.visited_files, 2);
                T_EQ(st.skipped_large, 1);
                T_EQ(hull_scan_nnotes(s), 1);
                T_TRUE(has_note(s, "layer 0 (sha256:",
                                "usr/lib/big.so: 3000 bytes, larger than "
                                "the 1000 bytes limit"));
                T_EQ(v.w[0].n, 2);
        }
        hull_scan_free(s);
        visit_reset(&v, 0);
        hull_image_free(img);
}

TEST(visitor_failure_stops_the_scan) {
        static struct seen want[NLAYERS * (NFILES + 2) + 1];
        size_t nwant;
        char *spec = visit_spec(want, &nwant);
        struct hull_image *img = open_img(build(spec, FIXTURE_OCI, FIXTURE_GZIP, "visit-fail"));
        struct visit v = {0};
        struct hull_scan_visitor vis = {
                .name = "secrets", .ud = &v, .begin = v_begin, .data = v_data, .end = v_end};
        struct hull_scan_opts o = {.threads = 2, .visitors = &vis, .nvisitors = 1};
        struct hull_diag d;

        v.threads = 2;
        v.fail_on = "d1/f3005";
        T_EQ(scan_fails(img, &o, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "layer 3: secrets: d1/f3005: too many secrets") != NULL);
        T_TRUE(strstr(d.file, "blobs/sha256/") != NULL);
        visit_reset(&v, 0);
        hull_image_free(img);
        free(spec);
}

/* --- capture --------------------------------------------------------------- */

static bool cap_etc(void *ud, const char *path, uint64_t size) {
        (void)size;
        atomic_fetch_add((atomic_int *)ud, 1);
        return strncmp(path, "etc/", 4) == 0 || strcmp(path, "huge1") == 0 ||
               strcmp(path, "huge2") == 0;
}

TEST(capture) {
        struct hull_image *img =
                open_img(build("layer\n"
                               "dir etc\n"
                               "file etc/passwd = \"root:x:0:0::/root:/bin/sh\\n\"\n"
                               "file etc/os-release = \"ID=debian\\n\"\n"
                               "file etc/dup = first\n"
                               "file etc/dup = second\n"
                               "file etc/gone = x\n"
                               "dir etc/gone\n"
                               "file etc/empty\n"
                               "file etc/toobig size 5000\n"
                               "file other = no\n"
                               "layer\n"
                               "file etc/passwd = \"root:x:0:0::/root:/bin/bash\\n\"\n"
                               "whiteout etc/os-release\n",
                               FIXTURE_OCI, FIXTURE_GZIP, "capture"));
        atomic_int calls = 0;
        struct hull_scan_opts o = {
                .threads = 2, .capture = cap_etc, .capture_ud = &calls, .capture_max = 4096};
        struct hull_scan *s = scan(img, &o);
        const struct hull_layers_node *n;
        struct hull_scan_stats st;
        const char *data;
        size_t len;

        if (!s)
                return;
        T_OK(hull_scan_capture_get(s, 0, "etc/passwd", &data, &len));
        T_STREQ(data, "root:x:0:0::/root:/bin/sh\n");
        T_EQ(len, 26);
        T_OK(hull_scan_capture_get(s, 1, "etc/passwd", &data, &len));
        T_STREQ(data, "root:x:0:0::/root:/bin/bash\n");
        T_OK(hull_layers_lookup(hull_scan_layers(s), "/etc/passwd", HULL_LAYERS_FOLLOW, &n, NULL));
        T_OK(hull_scan_capture_node(s, n, &data, &len));
        T_STREQ(data, "root:x:0:0::/root:/bin/bash\n");
        /* deleted in layer 1, still captured from layer 0 */
        T_OK(hull_layers_get(hull_scan_layers(s), "etc/os-release", &n));
        T_OK(hull_scan_capture_node(s, n, &data, &len));
        T_STREQ(data, "ID=debian\n");
        T_OK(hull_scan_capture_get(s, 0, "etc/dup", &data, &len)); /* the last one wins */
        T_STREQ(data, "second");
        T_EQ(hull_scan_capture_get(s, 0, "etc/gone", &data, &len), HULL_ENOTFOUND); /* now a dir */
        T_OK(hull_scan_capture_get(s, 0, "etc/empty", &data, &len));
        T_EQ(len, 0);
        T_STREQ(data, "");
        T_EQ(hull_scan_capture_get(s, 0, "etc/toobig", &data, &len), HULL_ENOTFOUND);
        T_TRUE(has_note(s, "layer 0 (sha256:",
                        "etc/toobig: not captured: 5000 bytes, larger "
                        "than the 4 KiB capture limit"));
        T_EQ(hull_scan_capture_get(s, 0, "other", &data, &len), HULL_ENOTFOUND);
        T_EQ(hull_scan_capture_get(s, 1, "etc/dup", &data, &len), HULL_ENOTFOUND);
        T_EQ(hull_scan_capture_get(s, 0, "/etc/passwd", &data, &len), HULL_ENOTFOUND);
        T_OK(hull_layers_get(hull_scan_layers(s), "etc", &n));
        T_EQ(hull_scan_capture_node(s, n, &data, &len), HULL_ENOTFOUND);
        hull_scan_stats(s, &st);
        T_EQ(st.captured_files, 5);
        T_EQ(st.captured_bytes, 26 + 28 + 10 + 6 + 0);
        T_EQ(atomic_load(&calls), 9);
        hull_scan_free(s);
        hull_image_free(img);
}

TEST(capture_budget) {
        /* two files of 40 MiB: the second passes HULL_MAX_CAPTURE_TOTAL (64 MiB).
         * Counter lines, not zeros, which would trip the decompression-ratio limit. */
        size_t n = 40u << 20;
        char *text = malloc(n + 16);
        struct hull_image *img;

        for (size_t o = 0, i = 0; o < n; i++)
                o += (size_t)snprintf(text + o, 16, "%08zx\n", i * 2654435761u);
        t_write_file(t_path("huge.txt"), text, n);
        free(text);
        img = open_img(build("layer\n"
                             "file huge1 < huge.txt\n"
                             "layer\n"
                             "file huge2 < huge.txt\n",
                             FIXTURE_OCI, FIXTURE_GZIP, "capture-budget"));
        atomic_int calls = 0;
        struct hull_scan_opts o = {
                .threads = 1, .capture = cap_etc, .capture_ud = &calls, .capture_max = 48u << 20};
        struct hull_scan *s = scan(img, &o);
        const char *data;
        size_t len;

        if (!s)
                return;
        T_OK(hull_scan_capture_get(s, 0, "huge1", &data, &len));
        T_EQ(len, 41943040);
        T_EQ(hull_scan_capture_get(s, 1, "huge2", &data, &len), HULL_ENOTFOUND);
        T_TRUE(has_note(s, "layer 1 (sha256:", "huge2: not captured: the 64 MiB capture budget"));
        hull_scan_free(s);
        hull_image_free(img);
}

/* --- verification ---------------------------------------------------------- */

enum damage { WRONG_DIFF_ID, WRONG_BLOB_DIGEST, TRUNCATED_GZIP, TRAILING_GARBAGE };

static const char *damaged(enum damage what, const char *name) {
        const char *dir = build(SPEC_WHITEOUTS, FIXTURE_OCI, FIXTURE_GZIP, name);
        struct layout l;
        size_t n;
        char *blob;

        layout_load(&l, dir);
        switch (what) {
        case WRONG_DIFF_ID:
                json_array_set_new(json_object_get(json_object_get(l.config, "rootfs"), "diff_ids"),
                                   1, json_string(FAKE_DIGEST));
                break;
        case WRONG_BLOB_DIGEST:
                /* the same bytes under another name: only the scan can tell */
                blob = layer_blob(&l, 1, &n);
                t_write_file(blob_path(dir, FAKE_DIGEST), blob, n);
                json_object_set_new(layer_desc(&l, 1), "digest", json_string(FAKE_DIGEST));
                free(blob);
                break;
        case TRUNCATED_GZIP:
                blob = layer_blob(&l, 1, &n);
                set_layer_blob(&l, 1, blob, n / 2);
                free(blob);
                break;
        case TRAILING_GARBAGE:
                blob = layer_blob(&l, 2, &n);
                blob = realloc(blob, n + 4);
                memcpy(blob + n, "junk", 4);
                set_layer_blob(&l, 2, blob, n + 4);
                free(blob);
                break;
        }
        layout_save(&l);
        return dir;
}

TEST(wrong_diff_id_stops_the_scan) {
        struct hull_image *img = open_img(damaged(WRONG_DIFF_ID, "bad-diff-id"));
        struct hull_scan_opts o = {.threads = 2};
        struct hull_scan_layer_stats ls;
        struct hull_diag d;
        struct hull_scan *s;

        T_EQ(scan_fails(img, &o, &d), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "layer 1: digest mismatch of the uncompressed layer (diff_id): "
                             "expected sha256:0123456789abcdef") != NULL);
        T_TRUE(strstr(d.file, "blobs/sha256/") != NULL);
        o.skip_verify = true;
        s = scan(img, &o);
        if (s) {
                T_STREQ(dump(s, HULL_LAYERS_ALL), WANT_ALL);
                T_OK(hull_scan_layer_stats(s, 1, &ls));
                T_EQ(ls.blob_verified, 0);
                T_EQ(ls.diff_id_verified, 0);
        }
        hull_scan_free(s);
        hull_image_free(img);
}

TEST(wrong_blob_digest_stops_the_scan) {
        struct hull_image *img = open_img(damaged(WRONG_BLOB_DIGEST, "bad-blob"));
        struct hull_diag d;
        struct hull_scan *s;

        for (unsigned threads = 1; threads <= 3; threads++) {
                struct hull_scan_opts o = {.threads = threads};
                T_EQ(scan_fails(img, &o, &d), HULL_ECORRUPT);
                T_TRUE(strstr(d.msg, "layer 1: digest mismatch of the compressed blob: expected "
                                     "sha256:0123456789abcdef") != NULL);
                T_TRUE(strstr(d.file, "0123456789abcdef") != NULL);
        }
        s = scan(img, &(struct hull_scan_opts){.skip_verify = true});
        if (s)
                T_STREQ(dump(s, HULL_LAYERS_FINAL), WANT_FINAL);
        hull_scan_free(s);
        hull_image_free(img);
}

TEST(truncated_gzip_layer) {
        struct hull_image *img = open_img(damaged(TRUNCATED_GZIP, "truncated"));
        struct hull_diag d;

        T_EQ(scan_fails(img, &(struct hull_scan_opts){.threads = 3}, &d), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "layer 1: truncated gzip stream") != NULL);
        T_TRUE(strstr(d.file, "blobs/sha256/") != NULL);
        T_TRUE(d.offset != ~0ull);
        /* no digest can help: still corrupt */
        T_EQ(scan_fails(img, &(struct hull_scan_opts){.skip_verify = true}, &d), HULL_ECORRUPT);
        hull_image_free(img);
}

/* --- notes ----------------------------------------------------------------- */

TEST(warnings_become_notes) {
        struct hull_image *img = open_img(damaged(TRAILING_GARBAGE, "garbage"));
        struct hull_scan *s = scan(img, NULL);

        if (s) {
                T_STREQ(dump(s, HULL_LAYERS_FINAL), WANT_FINAL);
                T_EQ(hull_scan_nnotes(s), 1);
                T_TRUE(has_note(s, "layer 2 (sha256:", "trailing garbage after gzip member"));
        }
        hull_scan_free(s);
        hull_image_free(img);

        img = open_img(build("layer\n"
                             "file ok = 1\n"
                             "rawname esc ../esc\n"
                             "file esc = x\n"
                             "layer\n"
                             "file a/.wh.b/c = z\n",
                             FIXTURE_OCI, FIXTURE_GZIP, "notes"));
        s = scan(img, &(struct hull_scan_opts){.threads = 2});
        if (s) {
                T_STREQ(dump(s, HULL_LAYERS_ALL), "ok:f0");
                T_EQ(hull_scan_nnotes(s), 2);
                /* the walker's (tar offset) first, the model's (layer 1) after: layer order */
                T_TRUE(strstr(hull_scan_note(s, 0), "layer 0 (sha256:") == hull_scan_note(s, 0));
                T_TRUE(strstr(hull_scan_note(s, 0), "../esc") != NULL);
                T_TRUE(strstr(hull_scan_note(s, 0), "(tar offset 1024)") != NULL);
                T_TRUE(strstr(hull_scan_note(s, 1), "layer 1 (sha256:") == hull_scan_note(s, 1));
                T_TRUE(strstr(hull_scan_note(s, 1), ".wh.") != NULL);
                T_EQ(hull_scan_notes_dropped(s), 0);
                T_TRUE(hull_scan_note(s, 2) == NULL);
        }
        hull_scan_free(s);
        hull_image_free(img);
}

TEST(notes_are_capped) {
        size_t cap = 1 << 20, o = 0;
        char *spec = malloc(cap);
        struct hull_image *img;
        struct hull_scan *s;

        for (unsigned l = 0; l < 2; l++) {
                o += (size_t)snprintf(spec + o, cap - o, "layer\n");
                for (unsigned i = 0; i < 700; i++)
                        o += (size_t)snprintf(spec + o, cap - o, "rawname e%u ../e%u\nfile e%u\n",
                                              i, i, i);
        }
        img = open_img(build(spec, FIXTURE_OCI, FIXTURE_GZIP, "many-notes"));
        s = scan(img, &(struct hull_scan_opts){.threads = 2});
        if (s) {
                T_EQ(hull_scan_nnotes(s), HULL_SCAN_MAX_NOTES);
                T_EQ(hull_scan_notes_dropped(s), 1400 - HULL_SCAN_MAX_NOTES);
                T_TRUE(strncmp(hull_scan_note(s, 0), "layer 0 ", 8) == 0);
                T_TRUE(strncmp(hull_scan_note(s, 999), "layer 1 ", 8) == 0);
        }
        hull_scan_free(s);
        hull_image_free(img);
        free(spec);
}

/* --- threads, progress ----------------------------------------------------- */

TEST(thread_counts_give_identical_models) {
        static struct seen want[NLAYERS * (NFILES + 2) + 1];
        size_t nwant;
        char *spec = visit_spec(want, &nwant), *first = NULL;
        size_t n = strlen(spec);

        /* plus the whiteout layers, and notes from two layers */
        spec = realloc(spec, n + sizeof(SPEC_WHITEOUTS) + 200);
        snprintf(spec + n, sizeof(SPEC_WHITEOUTS) + 200, "%s%s", SPEC_WHITEOUTS,
                 "rawname esc ../esc\nfile esc = x\nlayer\nfile q/.wh.x/y = 1\n");
        struct hull_image *img = open_img(build(spec, FIXTURE_OCI, FIXTURE_GZIP, "threads"));
        for (unsigned threads = 1; threads <= 8; threads *= 2) {
                struct hull_scan *s = scan(img, &(struct hull_scan_opts){.threads = threads});
                char *d;
                if (!s)
                        continue;
                d = describe(s);
                if (!first)
                        first = d;
                else {
                        T_STREQ(d, first);
                        free(d);
                }
                hull_scan_free(s);
        }
        T_TRUE(first && strstr(first, "note: layer 7 (sha256:") && strstr(first, "note: layer 8 "));
        free(first);
        hull_image_free(img);
        free(spec);
}

/* Enough metadata for several 256 KiB log blocks per layer: blocks are
 * handed over while the layer is still being read. */
TEST(many_entries_flow_through_blocks) {
        size_t cap = 4u << 20, o = 0;
        char *spec = malloc(cap);
        struct hull_image *img;

        for (unsigned l = 0; l < 3; l++) {
                o += (size_t)snprintf(spec + o, cap - o, "layer\n%s",
                                      l == 2 ? "whiteout d0\n" : "");
                for (unsigned i = 0; i < 15000; i++)
                        o += (size_t)snprintf(spec + o, cap - o,
                                              "file d%u/an-entry-with-a-longer-name-%06u\n", l, i);
        }
        img = open_img(build(spec, FIXTURE_OCI, FIXTURE_GZIP, "many-entries"));
        for (unsigned threads = 1; threads <= 3; threads++) {
                struct hull_scan *s = scan(img, &(struct hull_scan_opts){.threads = threads});
                struct hull_layers_stats ls;
                const struct hull_layers_node *n;

                if (!s)
                        continue;
                hull_layers_stats(hull_scan_layers(s), &ls);
                T_EQ(ls.final_files, 30002);
                T_EQ(ls.incarnations, 45003);
                T_OK(hull_layers_get(hull_scan_layers(s), "d0/an-entry-with-a-longer-name-014999",
                                     &n));
                T_EQ(hull_layers_node_deleted_in(n), 2);
                T_EQ(hull_scan_nnotes(s), 0);
                hull_scan_free(s);
        }
        hull_image_free(img);
        free(spec);
}

struct prog {
        unsigned calls;
        uint64_t last_done, total;
        unsigned last_layers, nlayers;
        bool backwards;
};

static void on_progress(void *ud, uint64_t done, uint64_t total, unsigned layers_done,
                        unsigned nlayers) {
        struct prog *p = ud;
        if (done < p->last_done || layers_done < p->last_layers || done > total)
                p->backwards = true;
        p->calls++;
        p->last_done = done;
        p->total = total;
        p->last_layers = layers_done;
        p->nlayers = nlayers;
}

TEST(progress_is_reported) {
        struct hull_image *img =
                open_img(build(SPEC_WHITEOUTS, FIXTURE_OCI, FIXTURE_GZIP, "progress"));
        struct visit v = {0};
        struct hull_scan_visitor vis = {
                .name = "slow", .ud = &v, .begin = v_begin, .data = v_data, .end = v_end};
        struct prog p = {0};
        struct hull_scan_opts o = {.threads = 1,
                                   .visitors = &vis,
                                   .nvisitors = 1,
                                   .progress = on_progress,
                                   .progress_ud = &p};
        struct hull_scan *s;

        v.threads = 1;
        v.sleep_ms = 60; /* 8 files: about half a second */
        s = scan(img, &o);
        T_TRUE(p.calls >= 3);
        T_EQ(p.backwards, 0);
        T_EQ(p.last_done, img->blob_bytes);
        T_EQ(p.total, img->blob_bytes);
        T_EQ(p.last_layers, 3);
        T_EQ(p.nlayers, 3);
        hull_scan_free(s);
        visit_reset(&v, 0);
        hull_image_free(img);
}

T_MAIN()
