/* test_oci.c - image metadata readers (src/image/oci.c).
 *
 * Fixtures in tests/data/oci/good are written by hand after the OCI
 * image-spec examples (image-index.md, manifest.md, config.md), Docker's
 * "Image Manifest V2, Schema 2" examples and what `docker save`, Docker 25+
 * and skopeo write; tests/data/oci/bad holds one defect per file, and the
 * bad_documents table says which reader must refuse it, with which code and
 * message.  The platform tables are containerd/platforms' TestOnly and
 * TestParseSelector cases.  The last test parses real images made by
 * ../shared/tools/mkimage (and skopeo/umoci when installed); it is a TAP skip
 * when the tools are missing. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "image/oci.h"
#include "t.h"

#define DATA HULL_SRCDIR "/tests/data/oci/"

static char *slurp(const char *rel, size_t *len) {
        char path[1024], *data = NULL;
        struct hull_diag d;

        hull_diag_init(&d);
        snprintf(path, sizeof(path), "%s%s", DATA, rel);
        if (hull_read_file(path, 64u << 20, &data, len, &d) != HULL_OK) {
                printf("# cannot read %s\n", path);
                return NULL;
        }
        return data;
}

/* Make test's TAP line a skip: "ok N - test # SKIP reason". */
static void t_skip(const char *test, const char *reason) {
        static char name[256];

        snprintf(name, sizeof(name), "%s # SKIP %s", test, reason);
        for (size_t i = 0; i < t_ncases; i++)
                if (strcmp(t_cases[i].name, test) == 0)
                        t_cases[i].name = name;
}

enum reader { R_LAYOUT, R_INDEX, R_MANIFEST, R_CONFIG, R_DOCKER };

static int run_reader(enum reader r, struct hull_arena *a, const char *data, size_t len,
                      const char *name, void **ret, struct hull_diag *d) {
        switch (r) {
        case R_LAYOUT: return hull_oci_layout_parse(a, data, len, name, (const char **)ret, d);
        case R_INDEX:
                return hull_oci_index_parse(a, data, len, name, (struct hull_oci_index **)ret, d);
        case R_MANIFEST:
                return hull_oci_manifest_parse(a, data, len, name, (struct hull_oci_manifest **)ret,
                                               d);
        case R_CONFIG:
                return hull_oci_config_parse(a, data, len, name, (struct hull_oci_config **)ret, d);
        case R_DOCKER:
                return hull_docker_manifest_parse(a, data, len, name,
                                                  (struct hull_docker_manifest **)ret, d);
        }
        return -1;
}

/* Parse fixture rel with reader r into a; NULL (and a printed diag) on error. */
static void *parse_fixture(enum reader r, struct hull_arena *a, const char *rel) {
        size_t len;
        char *data = slurp(rel, &len);
        void *ret = NULL;
        struct hull_diag d;
        char msg[1200];
        int code;

        if (!data)
                return NULL;
        hull_diag_init(&d);
        code = run_reader(r, a, data, len, rel, &ret, &d);
        hull_free(data);
        if (code != HULL_OK) {
                hull_diag_format(&d, msg, sizeof(msg));
                printf("# %s: %s\n", rel, msg);
                return NULL;
        }
        return ret;
}

static int parse_string(enum reader r, const char *json, struct hull_diag *d) {
        struct hull_arena a = HULL_ARENA_INIT;
        void *ret = NULL;
        int code;

        hull_diag_init(d);
        code = run_reader(r, &a, json, strlen(json), "doc.json", &ret, d);
        hull_arena_release(&a);
        return code;
}

#define D64(c)                                                                                     \
        "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c  \
                c c c c c c c c c c c c c c c c c c c c c c c c

TEST(media_types) {
        struct hull_oci_media_type t;

        T_OK(hull_oci_media_type_lookup("application/vnd.oci.image.layer.v1.tar+zstd", &t));
        T_EQ(t.kind, HULL_OCI_KIND_LAYER);
        T_EQ(t.compression, HULL_OCI_COMPRESSION_ZSTD);
        T_TRUE(!t.docker && !t.foreign);
        T_OK(hull_oci_media_type_lookup("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
                                        &t));
        T_TRUE(t.docker && t.foreign);
        T_EQ(t.compression, HULL_OCI_COMPRESSION_GZIP);
        T_OK(hull_oci_media_type_lookup("application/vnd.oci.image.layer.nondistributable.v1.tar",
                                        &t));
        T_TRUE(t.foreign && t.compression == HULL_OCI_COMPRESSION_NONE);
        T_OK(hull_oci_media_type_lookup("application/vnd.docker.distribution.manifest.list.v2+json",
                                        &t));
        T_EQ(t.kind, HULL_OCI_KIND_INDEX);
        T_TRUE(t.docker);
        T_OK(hull_oci_media_type_lookup("application/vnd.docker.container.image.v1+json", &t));
        T_EQ(t.kind, HULL_OCI_KIND_CONFIG);
        /* Go compares media types exactly */
        T_EQ(hull_oci_media_type_lookup("application/vnd.OCI.image.layer.v1.tar", &t),
             HULL_EUNSUPPORTED);
        T_EQ(t.kind, HULL_OCI_KIND_UNKNOWN);
        T_EQ(hull_oci_media_type_lookup("application/vnd.docker.distribution.manifest.v1+prettyjws",
                                        &t),
             HULL_EUNSUPPORTED);
        T_STREQ(hull_oci_kind_to_string(HULL_OCI_KIND_MANIFEST), "manifest");
        T_STREQ(hull_oci_compression_to_string(HULL_OCI_COMPRESSION_GZIP), "gzip");
        T_TRUE(hull_oci_kind_to_string(_HULL_OCI_KIND_MAX) == NULL);
}

static int dcheck(const char *s) {
        return hull_oci_digest_check(s, strlen(s));
}

TEST(digest_grammar) {
        T_OK(dcheck(D64("a")));
        T_OK(dcheck("sha512:"
                    "401b09eab3c013d4ca54922bb802bec8fd5318192b0a75f201d8b3727429080fb337591abd3e44"
                    "453b954555b7a0812e1081c39b740293f765eae731f5a65ed1"));
        T_EQ(dcheck(D64("A")), HULL_EPARSE);      /* uppercase hex */
        T_EQ(dcheck("sha256:abc"), HULL_EPARSE);  /* short */
        T_EQ(dcheck(D64("a") "0"), HULL_EPARSE);  /* long */
        T_EQ(dcheck(D64("g")), HULL_EPARSE);      /* not hex */
        T_EQ(dcheck("sha256"), HULL_EPARSE);      /* no colon */
        T_EQ(dcheck("sha256:"), HULL_EPARSE);     /* empty encoded */
        T_EQ(dcheck(":abc"), HULL_EPARSE);        /* empty algorithm */
        T_EQ(dcheck("SHA256:abc"), HULL_EPARSE);  /* algorithm is lowercase */
        T_EQ(dcheck("sha256+:abc"), HULL_EPARSE); /* separator needs a component */
        T_EQ(dcheck("sha256:ab c"), HULL_EPARSE);
        T_EQ(dcheck("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"),
             HULL_EUNSUPPORTED);
        T_EQ(dcheck("sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564"), HULL_EUNSUPPORTED);
        T_EQ(dcheck("md5:d41d8cd98f00b204e9800998ecf8427e"), HULL_EUNSUPPORTED);
        T_EQ(hull_oci_digest_check(D64("a"), 70), HULL_EPARSE); /* length-bounded */
        T_EQ(hull_oci_digest_check(NULL, 0), HULL_EPARSE);
}

TEST(layout_file) {
        struct hull_arena a = HULL_ARENA_INIT;
        const char *v = parse_fixture(R_LAYOUT, &a, "good/oci-layout");
        T_STREQ(v, "1.0.0");
        hull_arena_release(&a);
}

TEST(index_multiarch) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = parse_fixture(R_INDEX, &a, "good/index-multiarch.json");

        T_TRUE(idx != NULL);
        if (!idx)
                return;
        T_EQ(idx->schema_version, 2);
        T_STREQ(idx->media_type, "application/vnd.oci.image.index.v1+json");
        T_TRUE(!idx->docker);
        T_EQ(idx->nmanifests, 9);
        T_EQ(idx->manifests[0].type.kind, HULL_OCI_KIND_MANIFEST);
        T_EQ(idx->manifests[0].size, 1022);
        T_STREQ(idx->manifests[0].digest,
                "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
        T_TRUE(idx->manifests[0].has_platform);
        T_STREQ(idx->manifests[0].platform.os, "linux");
        T_STREQ(idx->manifests[0].platform.architecture, "amd64");
        T_TRUE(idx->manifests[0].platform.variant == NULL);
        T_STREQ(idx->manifests[3].platform.variant, "v8");
        T_STREQ(idx->manifests[6].platform.os_version, "10.0.17763.1879");
        T_EQ(idx->manifests[6].platform.nos_features, 1);
        T_STREQ(idx->manifests[6].platform.os_features[0], "win32k");
        T_STREQ(hull_oci_annotation_get(idx->manifests[7].annotations,
                                        idx->manifests[7].nannotations,
                                        "vnd.docker.reference.type"),
                "attestation-manifest");
        /* unknown media type: kept, classified unknown */
        T_EQ(idx->manifests[8].type.kind, HULL_OCI_KIND_UNKNOWN);
        T_STREQ(idx->manifests[8].artifact_type, "application/spdx+json");
        T_TRUE(!idx->manifests[8].has_platform);
        T_EQ(idx->nannotations, 2);
        T_STREQ(idx->annotations[0].key, "org.opencontainers.image.created");
        T_STREQ(hull_oci_annotation_get(idx->annotations, idx->nannotations,
                                        "org.opencontainers.image.source"),
                "https://github.com/example/app");
        T_TRUE(hull_oci_annotation_get(idx->annotations, idx->nannotations, "nope") == NULL);
        hull_arena_release(&a);
}

TEST(index_docker_list_nested_and_layout) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = parse_fixture(R_INDEX, &a, "good/manifest-list-docker.json");

        T_TRUE(idx && idx->docker && idx->nmanifests == 3);
        if (idx) {
                T_TRUE(idx->manifests[1].type.docker);
                T_EQ(idx->manifests[1].type.kind, HULL_OCI_KIND_MANIFEST);
                T_STREQ(idx->manifests[1].platform.architecture, "amd64");
        }
        idx = parse_fixture(R_INDEX, &a, "good/index-nested.json");
        T_TRUE(idx && idx->nmanifests == 1 && idx->manifests[0].type.kind == HULL_OCI_KIND_INDEX);
        idx = parse_fixture(R_INDEX, &a, "good/index-layout-single.json");
        T_TRUE(idx && idx->media_type == NULL && idx->nmanifests == 1);
        if (idx)
                T_STREQ(hull_oci_annotation_get(idx->manifests[0].annotations,
                                                idx->manifests[0].nannotations,
                                                HULL_OCI_ANNOTATION_REF_NAME),
                        "latest");
        /* exactly HULL_MAX_JSON_DEPTH levels is fine; one more is not (bad/) */
        T_TRUE(parse_fixture(R_INDEX, &a, "good/index-nested-64.json") != NULL);
        hull_arena_release(&a);
}

TEST(manifests) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_manifest *m = parse_fixture(R_MANIFEST, &a, "good/manifest-oci.json");

        T_TRUE(m != NULL);
        if (m) {
                T_TRUE(!m->docker);
                T_EQ(m->config.type.kind, HULL_OCI_KIND_CONFIG);
                T_EQ(m->config.size, 7023);
                T_EQ(m->nlayers, 3);
                T_EQ(m->layers[2].size, 73109);
                T_EQ(m->layers[2].type.compression, HULL_OCI_COMPRESSION_GZIP);
                T_STREQ(hull_oci_annotation_get(m->annotations, m->nannotations,
                                                "com.example.key2"),
                        "value2");
                T_TRUE(!m->has_subject);
        }
        m = parse_fixture(R_MANIFEST, &a, "good/manifest-docker.json");
        T_TRUE(m && m->docker && m->config.type.docker && m->nlayers == 3);
        m = parse_fixture(R_MANIFEST, &a, "good/manifest-windows-foreign.json");
        T_TRUE(m && m->nlayers == 2);
        if (m) {
                T_TRUE(m->layers[0].type.foreign);
                T_EQ(m->layers[0].size, 1532707458);
                T_EQ(m->layers[0].nurls, 1);
                T_TRUE(!m->layers[1].type.foreign);
        }
        m = parse_fixture(R_MANIFEST, &a, "good/manifest-zstd-mixed.json");
        T_TRUE(m && m->nlayers == 4);
        if (m) {
                T_TRUE(strncmp(m->config.digest, "sha512:", 7) == 0);
                T_EQ(m->layers[0].type.compression, HULL_OCI_COMPRESSION_ZSTD);
                T_EQ(m->layers[1].type.compression, HULL_OCI_COMPRESSION_NONE);
                T_TRUE(m->layers[2].type.foreign);
                T_TRUE(m->layers[3].type.docker &&
                       m->layers[3].type.compression == HULL_OCI_COMPRESSION_ZSTD);
                T_TRUE(m->has_subject);
                T_EQ(m->subject.size, 7682);
        }
        hull_arena_release(&a);
}

TEST(config_docker_healthcheck_history) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_config *c =
                parse_fixture(R_CONFIG, &a, "good/config-docker-healthcheck.json");
        const struct hull_oci_exec_config *x;

        T_TRUE(c != NULL);
        if (!c)
                return;
        x = &c->config;
        T_STREQ(c->platform.architecture, "amd64");
        T_STREQ(c->platform.os, "linux");
        T_STREQ(c->created, "2024-02-01T09:30:12.123456789Z");
        T_TRUE(c->has_config);
        T_STREQ(x->user, "app:app");
        T_EQ(x->nenv, 3);
        T_STREQ(x->env[2], "API_TOKEN=ghp_0123456789abcdef0123456789abcdef0123");
        T_EQ(x->ncmd, 2);
        T_STREQ(x->cmd[1], "server.js");
        T_TRUE(x->has_entrypoint && x->nentrypoint == 1);
        T_STREQ(x->working_dir, "/srv/app");
        T_EQ(x->nexposed_ports, 3);
        T_STREQ(x->exposed_ports[0], "22/tcp"); /* document order */
        T_STREQ(x->exposed_ports[2], "53/udp");
        T_EQ(x->nvolumes, 1);
        T_STREQ(x->volumes[0], "/data");
        T_EQ(x->nlabels, 2);
        T_STREQ(hull_oci_annotation_get(x->labels, x->nlabels, "maintainer"), "ops@example.com");
        T_STREQ(x->stop_signal, "SIGQUIT");
        T_TRUE(x->args_escaped);
        T_EQ(x->non_build, 0);
        T_TRUE(x->healthcheck != NULL);
        if (x->healthcheck) {
                T_EQ(x->healthcheck->ntest, 2);
                T_STREQ(x->healthcheck->test[0], "CMD-SHELL");
                T_EQ(x->healthcheck->interval, 30000000000LL);
                T_EQ(x->healthcheck->timeout, 5000000000LL);
                T_EQ(x->healthcheck->start_period, 10000000000LL);
                T_EQ(x->healthcheck->start_interval, 2000000000LL);
                T_EQ(x->healthcheck->retries, 3);
        }
        T_STREQ(c->rootfs_type, "layers");
        T_EQ(c->ndiff_ids, 3);
        T_EQ(c->nhistory, 7);
        T_TRUE(!c->history_mismatch);
        /* non-empty history entries 0, 3, 4 made layers 0, 1, 2 */
        T_EQ(c->history[0].layer, 0);
        T_EQ(c->history[1].layer, -1);
        T_TRUE(c->history[1].empty_layer);
        T_EQ(c->history[3].layer, 1);
        T_EQ(c->history[4].layer, 2);
        T_STREQ(c->history[4].author, "ops@example.com");
        T_STREQ(c->history[2].comment, "buildkit.dockerfile.v0");
        T_TRUE(c->layer_history[0] == &c->history[0]);
        T_STREQ(c->layer_history[1]->created_by,
                "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit");
        T_STREQ(c->layer_history[2]->created_by, "COPY . /srv/app # buildkit");
        T_OK(hull_oci_config_check_layers(c, 3, "config", NULL));
        {
                struct hull_diag d;
                hull_diag_init(&d);
                T_EQ(hull_oci_config_check_layers(c, 2, "blobs/sha256/x", &d), HULL_ECORRUPT);
                T_TRUE(strstr(d.msg, "3 layers") != NULL);
        }
        hull_arena_release(&a);
}

TEST(config_spec_minimal_short_history) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_config *c = parse_fixture(R_CONFIG, &a, "good/config-oci-spec.json");

        T_TRUE(c != NULL);
        if (c) {
                T_STREQ(c->author, "Alyssa P. Hacker <alyspdev@example.com>");
                T_STREQ(c->config.user, "alice");
                T_TRUE(c->config.healthcheck == NULL);
                T_EQ(c->config.nvolumes, 2);
                T_STREQ(c->layer_history[1]->created_by, "/bin/sh -c apk add --no-cache my-app");
                T_TRUE(!c->history_mismatch);
        }
        c = parse_fixture(R_CONFIG, &a, "good/config-minimal.json");
        T_TRUE(c != NULL);
        if (c) {
                T_STREQ(c->platform.variant, "v8");
                T_TRUE(c->has_config && !c->config.has_cmd && c->config.nenv == 0);
                T_TRUE(c->config.user == NULL);
                T_TRUE(c->config.healthcheck && c->config.healthcheck->ntest == 1);
                T_EQ(c->ndiff_ids, 0);
                T_TRUE(c->layer_history == NULL && !c->history_mismatch);
        }
        c = parse_fixture(R_CONFIG, &a, "good/config-history-short.json");
        T_TRUE(c != NULL);
        if (c) {
                T_STREQ(c->config.user, "0");
                T_TRUE(c->history_mismatch);
                T_STREQ(c->layer_history[0]->created_by, "ADD rootfs.tar /");
                T_TRUE(c->layer_history[1] == NULL);
        }
        hull_arena_release(&a);
}

TEST(go_field_matching) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_config *c = NULL;
        struct hull_diag d;
        /* Go matches names case-insensitively; U+017F (long s) folds to S and
         * U+212A (Kelvin) to K */
        const char *doc =
                "{\"ARCHITECTURE\":\"amd64\",\"Os\":\"linux\",\"RootFS\":{\"Type\":\"layers\","
                "\"DIFF_IDS\":[]},\"CONFIG\":{\"u\xc5\xbf"
                "er\":\"root\",\"Healthchec\xe2\x84\xaa\":"
                "{\"test\":[\"NONE\"]},\"unknown\":[1,2,{}]},\"future_field\":{\"x\":1}}";

        hull_diag_init(&d);
        T_OK(hull_oci_config_parse(&a, doc, strlen(doc), "config", &c, &d));
        if (c) {
                T_STREQ(c->config.user, "root");
                T_TRUE(c->config.healthcheck && c->config.healthcheck->ntest == 1);
        }
        /* two spellings of one field: refused, not last-one-wins */
        T_EQ(parse_string(
                     R_CONFIG,
                     "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                     "\"diff_ids\":[]},\"config\":{\"User\":\"app\",\"u\xc5\xbf"
                     "er\":\"root\"}}",
                     &d),
             HULL_EPARSE);
        T_TRUE(strstr(d.msg, "config: members") != NULL);
        /* null is absent: a required field that is null is missing */
        T_EQ(parse_string(R_CONFIG, "{\"architecture\":null,\"os\":\"linux\",\"rootfs\":{}}", &d),
             HULL_EPARSE);
        T_TRUE(strstr(d.msg, "missing required field architecture") != NULL);
        /* Docker's StrSlice: a string Cmd is a one-element array */
        T_OK(parse_string(
                R_CONFIG,
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                "\"diff_ids\":[]},\"config\":{\"Cmd\":\"nginx -g daemon\",\"Entrypoint\":null}}",
                &d));
        {
                const char *cmd_doc =
                        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                        "\"layers\",\"diff_ids\":[]},\"config\":{\"Cmd\":\"nginx -g daemon\"}}";
                c = NULL;
                T_OK(hull_oci_config_parse(&a, cmd_doc, strlen(cmd_doc), "config", &c, &d));
                T_TRUE(c && c->config.has_cmd && c->config.ncmd == 1 && !c->config.has_entrypoint);
                if (c)
                        T_STREQ(c->config.cmd[0], "nginx -g daemon");
        }
        T_EQ(parse_string(
                     R_CONFIG,
                     "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                     "\"diff_ids\":[]},\"config\":{\"Env\":\"A=1\"}}",
                     &d),
             HULL_EPARSE); /* Env is a plain []string */
        /* os.version is not os */
        T_EQ(parse_string(R_CONFIG,
                          "{\"architecture\":\"amd64\",\"os.version\":\"1\",\"rootfs\":{\"type\":"
                          "\"layers\","
                          "\"diff_ids\":[]}}",
                          &d),
             HULL_EPARSE);
        hull_arena_release(&a);
}

struct bad_case {
        const char *file;
        enum reader reader;
        int code;
        const char *msg; /* substring of the formatted diag */
};

static const struct bad_case bad_documents[] = {
        {"bad/index-size-string.json", R_INDEX, HULL_EPARSE,
         "manifests[0].size: expected an integer, got a string"},
        {"bad/index-digest-uppercase.json", R_INDEX, HULL_EPARSE,
         "manifests[0].digest: invalid digest"},
        {"bad/index-digest-short.json", R_INDEX, HULL_EPARSE, "invalid digest \"sha256:5b0bcabd"},
        {"bad/index-digest-grammar.json", R_INDEX, HULL_EPARSE, "invalid digest"},
        {"bad/index-digest-md5.json", R_INDEX, HULL_EUNSUPPORTED,
         "unsupported digest algorithm in \"md5:"},
        {"bad/index-size-huge.json", R_INDEX, HULL_EPARSE,
         "index-size-huge.json:1:200: error: too big integer"},
        {"bad/index-size-exponent.json", R_INDEX, HULL_EPARSE,
         "expected an integer, got a non-integer number"},
        {"bad/index-size-negative.json", R_INDEX, HULL_EPARSE,
         "manifests[0].size: negative size -1"},
        {"bad/index-size-over-limit.json", R_INDEX, HULL_ELIMIT,
         "more than the limit of 4194304 bytes for a manifest"},
        {"bad/index-no-media-type.json", R_INDEX, HULL_EPARSE,
         "manifests[0]: missing required field mediaType"},
        {"bad/index-platform-no-arch.json", R_INDEX, HULL_EPARSE,
         "platform: missing required field architecture"},
        {"bad/index-is-a-manifest.json", R_INDEX, HULL_EPARSE,
         "is an image manifest, not an image index"},
        {"bad/index-unknown-media-type.json", R_INDEX, HULL_EUNSUPPORTED,
         "unsupported media type \"application/vnd.example.index+json\""},
        {"bad/index-no-manifests.json", R_INDEX, HULL_EPARSE, "missing required field manifests"},
        {"bad/index-manifests-object.json", R_INDEX, HULL_EPARSE,
         "manifests: expected an array, got an object"},
        {"bad/index-truncated.json", R_INDEX, HULL_EPARSE, "index-truncated.json:3:"},
        {"bad/index-duplicate-key.json", R_INDEX, HULL_EPARSE, "duplicate object key"},
        {"bad/index-case-duplicate.json", R_INDEX, HULL_EPARSE, "both set field schemaVersion"},
        {"bad/index-top-level-array.json", R_INDEX, HULL_EPARSE,
         "expected a JSON object at the top level"},
        {"bad/index-nested-65.json", R_INDEX, HULL_ELIMIT, "JSON nested deeper than 64 levels"},
        {"bad/manifest-schema1.json", R_MANIFEST, HULL_EUNSUPPORTED,
         "unsupported schema version 1"},
        {"bad/manifest-no-config.json", R_MANIFEST, HULL_EPARSE, "missing required field config"},
        {"bad/manifest-no-layers.json", R_MANIFEST, HULL_EPARSE, "missing required field layers"},
        {"bad/manifest-unknown-layer-type.json", R_MANIFEST, HULL_EUNSUPPORTED,
         "layers[1]: unsupported layer media type "
         "\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\""},
        {"bad/manifest-helm-artifact.json", R_MANIFEST, HULL_EUNSUPPORTED,
         "config: media type \"application/vnd.cncf.helm.config.v1+json\" is not a container image "
         "config"},
        {"bad/manifest-is-a-list.json", R_MANIFEST, HULL_EPARSE,
         "is an image index, not an image manifest"},
        {"bad/manifest-config-too-big.json", R_MANIFEST, HULL_ELIMIT, "for a config"},
        {"bad/manifest-duplicate-layers.json", R_MANIFEST, HULL_EPARSE, "duplicate object key"},
        {"bad/manifest-case-duplicate-layers.json", R_MANIFEST, HULL_EPARSE,
         "members \"layers\" and \"Layers\" both set field layers"},
        {"bad/manifest-layer-not-object.json", R_MANIFEST, HULL_EPARSE,
         "layers[1]: expected a descriptor object, got an integer"},
        {"bad/manifest-schema-real.json", R_MANIFEST, HULL_EPARSE,
         "schemaVersion: expected an integer"},
        {"bad/config-user-case-duplicate.json", R_CONFIG, HULL_EPARSE, "both set field User"},
        {"bad/config-user-duplicate.json", R_CONFIG, HULL_EPARSE, "duplicate object key"},
        {"bad/config-env-string.json", R_CONFIG, HULL_EPARSE,
         "config.Env: expected an array, got a string"},
        {"bad/config-env-number.json", R_CONFIG, HULL_EPARSE,
         "config.Env[1]: expected a string, got an integer"},
        {"bad/config-no-os.json", R_CONFIG, HULL_EPARSE, "missing required field os"},
        {"bad/config-no-rootfs.json", R_CONFIG, HULL_EPARSE, "missing required field rootfs"},
        {"bad/config-rootfs-type.json", R_CONFIG, HULL_EUNSUPPORTED,
         "rootfs.type: unsupported rootfs type \"overlay\""},
        {"bad/config-bad-diff-id.json", R_CONFIG, HULL_EPARSE,
         "rootfs.diff_ids[0]: invalid digest \"sha256:xyz\""},
        {"bad/config-healthcheck-duration-string.json", R_CONFIG, HULL_EPARSE,
         "config.Healthcheck.Interval: expected an integer, got a string"},
        {"bad/config-healthcheck-duration-real.json", R_CONFIG, HULL_EPARSE,
         "Interval: expected an integer, got a non-integer number"},
        {"bad/config-exposed-port-value.json", R_CONFIG, HULL_EPARSE,
         "config.ExposedPorts.\"22/tcp\": expected an object, got a boolean"},
        {"bad/config-label-array.json", R_CONFIG, HULL_EPARSE,
         "config.Labels.\"a\": expected a string, got an array"},
        {"bad/config-history-empty-layer-string.json", R_CONFIG, HULL_EPARSE,
         "history[0].empty_layer: expected a boolean"},
        {"bad/config-invalid-utf8.json", R_CONFIG, HULL_EPARSE, "unable to decode byte 0xc3"},
        {"bad/config-nul-escape.json", R_CONFIG, HULL_EPARSE, "\\u0000 is not allowed"},
        {"bad/config-real-overflow.json", R_CONFIG, HULL_EPARSE, "real number overflow"},
        {"bad/config-nested-100.json", R_CONFIG, HULL_ELIMIT,
         "config-nested-100.json:1:119: error: JSON nested"},
        {"bad/docker-manifest-config-dotdot.json", R_DOCKER, HULL_EPARSE,
         "[0].Config: path \"../../etc/passwd\""},
        {"bad/docker-manifest-layer-dotdot.json", R_DOCKER, HULL_EPARSE,
         "[0].Layers[1]: path \"x/../../layer.tar\""},
        {"bad/docker-manifest-layer-absolute.json", R_DOCKER, HULL_EPARSE, "absolute path"},
        {"bad/docker-manifest-object.json", R_DOCKER, HULL_EPARSE,
         "expected a JSON array at the top level"},
        {"bad/docker-manifest-no-config.json", R_DOCKER, HULL_EPARSE,
         "[0]: missing required field Config"},
        {"bad/docker-manifest-tags-string.json", R_DOCKER, HULL_EPARSE,
         "RepoTags: expected an array"},
        {"bad/docker-manifest-empty-layer-path.json", R_DOCKER, HULL_EPARSE,
         "Layers[0]: empty path"},
        {"bad/layout-version-2.json", R_LAYOUT, HULL_EUNSUPPORTED,
         "unsupported image layout version \"2.0.0\""},
        {"bad/layout-version-number.json", R_LAYOUT, HULL_EPARSE,
         "imageLayoutVersion: expected a string"},
};

TEST(bad_documents) {
        for (size_t i = 0; i < ELEMENTSOF(bad_documents); i++) {
                const struct bad_case *b = &bad_documents[i];
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_diag d;
                char msg[1200];
                void *ret = NULL;
                size_t len;
                char *data = slurp(b->file, &len);
                int code;

                if (!data) {
                        t_failed = 1;
                        continue;
                }
                hull_diag_init(&d);
                code = run_reader(b->reader, &a, data, len, b->file + 4, &ret, &d);
                hull_diag_format(&d, msg, sizeof(msg));
                if (code != b->code || d.code != b->code || !strstr(msg, b->msg) || ret != NULL) {
                        printf("# %s: got %s (%d) \"%s\", want %s \"%s\"\n", b->file,
                               hull_strerror(code), code, msg, hull_strerror(b->code), b->msg);
                        t_failed = 1;
                }
                hull_free(data);
                hull_arena_release(&a);
        }
}

TEST(every_bad_fixture_is_listed) {
        /* a new file in bad/ must get a row above */
        FILE *p = popen("ls " DATA "bad", "r");
        char line[512];

        T_TRUE(p != NULL);
        if (!p)
                return;
        while (fgets(line, sizeof(line), p)) {
                bool found = false;
                line[strcspn(line, "\n")] = '\0';
                for (size_t i = 0; i < ELEMENTSOF(bad_documents) && !found; i++)
                        found = strcmp(bad_documents[i].file + 4, line) == 0;
                if (!found) {
                        printf("# bad/%s has no row in bad_documents\n", line);
                        t_failed = 1;
                }
        }
        pclose(p);
}

TEST(syntax_error_positions) {
        struct hull_diag d;

        /* jansson's line, column and byte offset reach the diag */
        T_EQ(parse_string(R_INDEX, "{\"schemaVersion\": 2,\n  \"manifests\": [,]}", &d),
             HULL_EPARSE);
        T_EQ(d.line, 2);
        T_EQ(d.col, 17);
        T_EQ(d.offset, 38); /* jansson: just past the bad token */
        T_STREQ(d.file, "doc.json");
        T_EQ(parse_string(R_CONFIG, "{\"a\":1,\n\"a\":2}", &d), HULL_EPARSE);
        T_EQ(d.line, 2);
        T_TRUE(strstr(d.msg, "duplicate object key") != NULL);
        T_EQ(parse_string(R_INDEX, "", &d), HULL_EPARSE);
        T_EQ(parse_string(R_INDEX, "{} trailing", &d), HULL_EPARSE);
        T_TRUE(strstr(d.msg, "end of file expected") != NULL);
        /* the depth pre-scan reports where the 65th level opens */
        {
                char doc[200] = "{\"x\":\n";
                size_t n = strlen(doc);
                for (int i = 0; i < 70; i++)
                        doc[n++] = '[';
                doc[n] = '\0';
                T_EQ(parse_string(R_INDEX, doc, &d), HULL_ELIMIT);
                T_EQ(d.line, 2);
                T_EQ(d.col, 64);
                T_EQ(d.offset, 6 + 63);
        }
        /* brackets inside strings do not count */
        {
                struct hull_buf b = HULL_BUF_INIT(1 << 20);
                T_OK(hull_buf_puts(
                        &b, "{\"schemaVersion\":2,\"manifests\":[],\"annotations\":{\"x\":\""));
                for (int i = 0; i < 200; i++)
                        T_OK(hull_buf_puts(&b, "[{\\\"\\\\"));
                T_OK(hull_buf_puts(&b, "\"}}"));
                T_OK(parse_string(R_INDEX, b.data, &d));
                hull_buf_release(&b);
        }
}

TEST(size_and_value_limits) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_buf b = HULL_BUF_INIT(HULL_MAX_CONFIG_BYTES + 16);
        struct hull_oci_config *c = NULL;
        struct hull_oci_index *idx = NULL;
        struct hull_diag d;

        /* one byte over the document limit, refused before parsing */
        char *big = hull_malloc(HULL_MAX_CONFIG_BYTES + 1);
        T_TRUE(big != NULL);
        if (big) {
                memset(big, ' ', HULL_MAX_CONFIG_BYTES + 1);
                hull_diag_init(&d);
                T_EQ(hull_oci_config_parse(&a, big, HULL_MAX_CONFIG_BYTES + 1, "cfg", &c, &d),
                     HULL_ELIMIT);
                T_EQ(hull_oci_index_parse(&a, big, HULL_MAX_MANIFEST_BYTES + 1, "index.json", &idx,
                                          &d),
                     HULL_ELIMIT);
                hull_free(big);
        }
        /* a wide flat array: too many values for jansson's tree */
        T_OK(hull_buf_puts(&b, "{\"schemaVersion\":2,\"manifests\":[],\"x\":["));
        for (unsigned i = 0; i < HULL_MAX_JSON_VALUES; i++)
                T_OK(hull_buf_puts(&b, "0,"));
        T_OK(hull_buf_puts(&b, "0]}"));
        hull_diag_init(&d);
        T_EQ(hull_oci_index_parse(&a, b.data, b.len, "index.json", &idx, &d), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "JSON values") != NULL);
        hull_buf_release(&b);
        /* the arena budget bounds the model */
        {
                struct hull_arena small;
                size_t len;
                char *data = slurp("good/config-docker-healthcheck.json", &len);
                hull_arena_init(&small, 512);
                hull_diag_init(&d);
                T_EQ(hull_oci_config_parse(&small, data, len, "cfg", &c, &d), HULL_ENOMEM);
                hull_arena_release(&small);
                hull_free(data);
        }
        hull_arena_release(&a);
}

TEST(allocation_failures) {
        /* every allocation (ours and jansson's) fails in turn: an error, never a crash or leak */
        static const struct {
                const char *file;
                enum reader r;
        } docs[] = {
                {"good/index-multiarch.json", R_INDEX},
                {"good/manifest-zstd-mixed.json", R_MANIFEST},
                {"good/config-docker-healthcheck.json", R_CONFIG},
                {"good/docker25-manifest.json", R_DOCKER},
        };
        for (size_t k = 0; k < ELEMENTSOF(docs); k++) {
                size_t len;
                char *data = slurp(docs[k].file, &len);
                bool succeeded = false;
                if (!data) {
                        t_failed = 1;
                        continue;
                }
                for (unsigned long i = 1; i < 2000 && !succeeded; i++) {
                        struct hull_arena a = HULL_ARENA_INIT;
                        struct hull_diag d;
                        void *ret = NULL;
                        int r;
                        hull_diag_init(&d);
                        hull_alloc_fail_after(i);
                        r = run_reader(docs[k].r, &a, data, len, docs[k].file, &ret, &d);
                        hull_alloc_fail_after(0);
                        if (r != HULL_OK && r != HULL_ENOMEM) {
                                printf("# %s, allocation %lu failing: %s\n", docs[k].file, i,
                                       d.msg);
                                t_failed = 1;
                        }
                        succeeded = r == HULL_OK;
                        hull_arena_release(&a);
                }
                T_TRUE(succeeded);
                hull_free(data);
        }
}

/* ---- platforms ---- */

static char *fmt_parsed(struct hull_arena *a, const char *spec, char *buf, size_t size) {
        struct hull_oci_platform p;
        struct hull_diag d;

        hull_diag_init(&d);
        if (hull_oci_platform_parse(a, spec, &p, &d) != HULL_OK) {
                snprintf(buf, size, "error");
                return buf;
        }
        return hull_oci_platform_format(&p, buf, size);
}

TEST(platform_parse) {
        /* containerd/platforms TestParseSelector, on a linux/amd64 host */
        static const char *const cases[][2] = {
                {"linux/amd64", "linux/amd64"},
                {"Linux/AMD64", "linux/amd64"},
                {"linux/x86_64", "linux/amd64"},
                {"linux/x86-64", "linux/amd64"},
                {"linux/amd64/v2", "linux/amd64/v2"},
                {"linux/amd64/v1", "linux/amd64"},
                {"linux/i386", "linux/386"},
                {"linux/aarch64", "linux/arm64"},
                {"linux/arm64", "linux/arm64"},
                {"linux/arm64/v8", "linux/arm64/v8"},
                {"linux/arm64/8", "linux/arm64/v8"},
                {"linux/aarch64/v8", "linux/arm64/v8"},
                {"linux/arm64/v8.2", "linux/arm64/v8.2"},
                {"linux/arm", "linux/arm"},
                {"linux/arm/v7", "linux/arm/v7"},
                {"linux/arm/7", "linux/arm/v7"},
                {"linux/arm/v6", "linux/arm/v6"},
                {"linux/arm/6", "linux/arm/v6"},
                {"linux/armhf", "linux/arm"},
                {"linux/armel", "linux/arm/v6"},
                {"macos/arm64", "darwin/arm64"},
                {"windows/amd64", "windows/amd64"},
                {"linux", "linux/"
                          "amd64"},
                {"windows", "windows/amd64"},
                {"arm64", "linux/arm64"},
                {"aarch64", "linux/arm64"},
                {"armhf", "linux/arm"},
                {"armel", "linux/arm/v6"},
                {"amd64", "linux/amd64"},
                {"s390x", "linux/s390x"},
                {"linux/s390x", "linux/s390x"},
                {"linux/riscv64", "linux/riscv64"},
                {"windows(10.0.17763)/amd64", "windows/amd64"},
                {"unknownos/amd64", "unknownos/amd64"}, /* two parts: not checked */
                {"foobar", "error"},                    /* neither OS nor architecture */
                {"linux/amd64/v2/extra", "error"},
                {"linux/*", "error"},
                {"", "error"},
                {"/amd64", "error"},
                {"linux/", "error"},
                {"linux/amd 64", "error"},
                {"linux(/amd64", "error"},
        };
        struct hull_arena a = HULL_ARENA_INIT;
        char buf[200];

        {
                struct hull_oci_platform host;
                hull_oci_platform_host(&host);
                if (strcmp(hull_oci_platform_format(&host, buf, sizeof(buf)), "linux/amd64") != 0) {
                        t_skip("platform_parse", "the table assumes a linux/amd64 host");
                        return;
                }
        }
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                fmt_parsed(&a, cases[i][0], buf, sizeof(buf));
                if (strcmp(buf, cases[i][1]) != 0) {
                        printf("# parse(\"%s\") = %s, want %s\n", cases[i][0], buf, cases[i][1]);
                        t_failed = 1;
                }
        }
        {
                struct hull_oci_platform p;
                struct hull_diag d;
                hull_diag_init(&d);
                T_OK(hull_oci_platform_parse(&a, "windows(10.0.17763+win32k+abc)/amd64", &p, &d));
                T_STREQ(p.os_version, "10.0.17763");
                T_EQ(p.nos_features, 2);
                T_STREQ(p.os_features[1], "win32k");
                hull_diag_init(&d);
                T_EQ(hull_oci_platform_parse(&a, "linux/*", &p, &d), HULL_EINVAL);
                T_TRUE(strstr(d.msg, "wildcards") != NULL);
        }
        hull_arena_release(&a);
}

/* containerd's TestOnly: for each wanted platform, the platforms Only()
 * accepts and those it refuses. */
static const struct {
        const char *want;
        const char *yes[16];
        const char *no[16];
} only_cases[] = {
        {"linux/amd64",
         {"linux/amd64", "linux/386"},
         {"linux/amd64/v2", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"}},
        {"linux/amd64/v2",
         {"linux/amd64", "linux/amd64/v1", "linux/amd64/v2", "linux/386"},
         {"linux/amd64/v3", "linux/amd64/v4", "linux/arm/v7", "linux/arm64", "windows/amd64",
          "windows/arm"}},
        {"linux/386",
         {"linux/386"},
         {"linux/amd64", "linux/arm/v7", "linux/arm64", "windows/amd64", "windows/arm"}},
        {"windows/amd64",
         {"windows/amd64", "windows(10.0.17763)/amd64"},
         {"linux/amd64", "linux/arm/v7", "linux/arm64", "windows/arm"}},
        {"linux/arm/v8",
         {"linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8"},
         {"linux/amd64", "linux/arm/v4", "linux/arm64", "windows/amd64", "windows/arm"}},
        {"linux/arm/v7",
         {"linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7"},
         {"linux/amd64", "linux/arm/v4", "linux/arm/v8", "linux/arm64", "windows/amd64",
          "windows/arm"}},
        {"linux/arm/v6",
         {"linux/arm/v5", "linux/arm/v6"},
         {"linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v7", "linux/arm/v8", "linux/arm64",
          "windows/amd64", "windows/arm"}},
        {"linux/arm/v5",
         {"linux/arm/v5"},
         {"linux/amd64", "linux/arm", "linux/arm/v4", "linux/arm/v6", "linux/arm/v7",
          "linux/arm/v8", "linux/arm64", "windows/amd64", "windows/arm"}},
        {"linux/arm/v4",
         {"linux/arm/v4"},
         {"linux/amd64", "linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7",
          "linux/arm/v8", "linux/arm64", "windows/amd64", "windows/arm"}},
        {"linux/arm64/v9",
         {"linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
          "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1", "linux/arm64/v8.2",
          "linux/arm64/v8.3", "linux/arm64/v8.4", "linux/arm64/v8.5", "linux/arm64/v9",
          "linux/arm64/v9.0"},
         {"linux/amd64", "linux/arm/v4", "windows/amd64", "windows/arm", "linux/arm64/v8.6"}},
        {"linux/arm64/v8.1",
         {"linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
          "linux/arm64", "linux/arm64/v8", "linux/arm64/v8.1"},
         {"linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "windows/amd64",
          "windows/arm"}},
        {"linux/arm64",
         {"linux/arm", "linux/arm/v5", "linux/arm/v6", "linux/arm/v7", "linux/arm/v8",
          "linux/arm64", "linux/arm64/v8"},
         {"linux/amd64", "linux/arm/v4", "linux/arm/v9", "linux/arm64/v9", "windows/amd64",
          "windows/arm"}},
};

TEST(platform_only_matrix) {
        struct hull_arena a = HULL_ARENA_INIT;

        for (size_t i = 0; i < ELEMENTSOF(only_cases); i++) {
                struct hull_oci_platform want, have;
                struct hull_diag d;
                hull_diag_init(&d);
                if (hull_oci_platform_parse(&a, only_cases[i].want, &want, &d) != HULL_OK) {
                        printf("# cannot parse %s\n", only_cases[i].want);
                        t_failed = 1;
                        continue;
                }
                for (int yes = 1; yes >= 0; yes--)
                        for (size_t j = 0; j < 16; j++) {
                                const char *s = yes ? only_cases[i].yes[j] : only_cases[i].no[j];
                                if (!s)
                                        break;
                                if (hull_oci_platform_parse(&a, s, &have, &d) != HULL_OK) {
                                        printf("# cannot parse %s\n", s);
                                        t_failed = 1;
                                        continue;
                                }
                                if (hull_oci_platform_match(&want, &have) != yes) {
                                        printf("# Only(%s).Match(%s) should be %d\n",
                                               only_cases[i].want, s, yes);
                                        t_failed = 1;
                                }
                        }
        }
        /* ranks: the exact platform first, then the fallbacks in order */
        {
                struct hull_oci_platform want = {.os = "linux", .architecture = "arm64"};
                struct hull_oci_platform v8 = {
                        .os = "linux", .architecture = "aarch64", .variant = "8"};
                struct hull_oci_platform arm7 = {.os = "linux", .architecture = "arm"};
                struct hull_oci_platform arm6 = {.os = "linux", .architecture = "armel"};
                struct hull_oci_platform noos = {.os = "", .architecture = "arm64"};
                T_EQ(hull_oci_platform_rank(&want, &v8), 0);
                T_TRUE(hull_oci_platform_rank(&want, &arm7) > 0);
                T_TRUE(hull_oci_platform_rank(&want, &arm6) > hull_oci_platform_rank(&want, &arm7));
                T_EQ(hull_oci_platform_rank(&want, &noos), 0); /* empty os = the host's */
                /* amd64/v99 still reaches 386; an absurd v100 gets no fallbacks */
                struct hull_oci_platform v99 = {
                        .os = "linux", .architecture = "amd64", .variant = "v99"};
                struct hull_oci_platform v100 = {
                        .os = "linux", .architecture = "amd64", .variant = "v100"};
                struct hull_oci_platform v2 = {
                        .os = "linux", .architecture = "amd64", .variant = "v2"};
                struct hull_oci_platform i386 = {.os = "linux", .architecture = "386"};
                T_EQ(hull_oci_platform_rank(&v99, &v2), 97);
                T_EQ(hull_oci_platform_rank(&v99, &i386), 99);
                T_EQ(hull_oci_platform_rank(&v100, &v2), -1);
                T_EQ(hull_oci_platform_rank(&v100, &v100), 0);
        }
        hull_arena_release(&a);
}

static int select_in(const char *file, const char *spec, const char **ret_digest,
                     struct hull_diag *d) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = parse_fixture(R_INDEX, &a, file);
        struct hull_oci_platform want;
        size_t i = SIZE_MAX;
        int r;

        static char digest[80];
        hull_diag_init(d);
        if (!idx) {
                hull_arena_release(&a);
                return -1;
        }
        if (spec && hull_oci_platform_parse(&a, spec, &want, d) != HULL_OK) {
                hull_arena_release(&a);
                return -2;
        }
        r = hull_oci_select_platform(idx, spec ? &want : NULL, file, &i, d);
        if (r == HULL_OK) {
                snprintf(digest, sizeof(digest), "%s", idx->manifests[i].digest);
                *ret_digest = digest;
        }
        hull_arena_release(&a);
        return r;
}

TEST(select_platform) {
        const char *dg = NULL;
        struct hull_diag d;
        const char *multi = "good/index-multiarch.json";

        T_OK(select_in(multi, NULL, &dg, &d)); /* the host: linux/amd64 */
        T_STREQ(dg, "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
        T_OK(select_in(multi, "linux/arm64", &dg, &d));
        T_STREQ(dg, "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b");
        T_OK(select_in(multi, "linux/arm64/v8", &dg, &d));
        T_STREQ(dg, "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b");
        T_OK(select_in(multi, "linux/arm", &dg, &d)); /* v7, not the v6 listed first */
        T_STREQ(dg, "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0");
        T_OK(select_in(multi, "linux/arm/v6", &dg, &d));
        T_STREQ(dg, "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f");
        T_OK(select_in(multi, "linux/arm/v8", &dg, &d)); /* best fallback: v7 */
        T_STREQ(dg, "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0");
        T_OK(select_in(multi, "386", &dg, &d));
        T_STREQ(dg, "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736");
        /* the windows entry needs win32k: containerd matches it only when asked */
        T_EQ(select_in(multi, "windows/amd64", &dg, &d), HULL_ENOTFOUND);
        T_OK(select_in(multi, "windows(+win32k)/amd64", &dg, &d));
        T_STREQ(dg, "sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1");
        T_EQ(select_in(multi, "linux/s390x", &dg, &d), HULL_ENOTFOUND);
        T_STREQ(d.msg, "good/index-multiarch.json: no image for platform linux/s390x; available: "
                       "linux/amd64, "
                       "linux/arm/v6, linux/arm/v7, linux/arm64/v8, linux/386, linux/ppc64le, "
                       "windows/amd64");
        T_EQ(select_in(multi, "linux/arm/v5", &dg, &d), HULL_ENOTFOUND);
        /* Docker manifest list: arm64 variant v8 is arm64 */
        T_OK(select_in("good/manifest-list-docker.json", "linux/aarch64", &dg, &d));
        T_STREQ(dg, "sha256:3c3a4604a545cdc127456d94e421cd355bca5b528f4a9c1905b15da2eb4a4c6b");
        T_OK(select_in("good/manifest-list-docker.json", NULL, &dg, &d));
        T_STREQ(dg, "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270");
        /* no platforms: the first image (the caller checks its config) */
        T_OK(select_in("good/index-layout-single.json", "linux/riscv64", &dg, &d));
        T_STREQ(dg, "sha256:f19dee3f0350355d011b11b4a08aac669b5d50fdf1578ca71309bd18fc33c9a4");
        T_OK(select_in("good/index-nested.json", NULL, &dg, &d));
        T_STREQ(dg, "sha256:722b4056d6f1f66ff589deefd4af9ecd455978c529ddb4ab690680c3a336e2eb");
}

TEST(find_ref_in_layout) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = parse_fixture(R_INDEX, &a, "good/index-docker25.json");
        struct hull_diag d;
        size_t i = 99;

        T_TRUE(idx != NULL);
        if (!idx)
                return;
        hull_diag_init(&d);
        T_OK(hull_oci_index_find_ref(idx, "1.2", NULL, &i, &d));
        T_EQ(i, 0);
        T_OK(hull_oci_index_find_ref(idx, "app:1.2", NULL, &i,
                                     &d)); /* io.containerd.image.name, normalised */
        T_EQ(i, 0);
        T_OK(hull_oci_index_find_ref(idx, "docker.io/library/app:1.2", NULL, &i, &d));
        T_EQ(i, 0);
        T_OK(hull_oci_index_find_ref(idx, "registry.example.com/team/worker", NULL, &i, &d));
        T_EQ(i, 1);
        T_OK(hull_oci_index_find_ref(
                idx, "@sha256:2c54429ede21fa18c9903b9f9478c4d71adc47ec7cf12ee678b54c4b7aca5d34",
                NULL, &i, &d));
        T_EQ(i, 1);
        T_EQ(hull_oci_index_find_ref(idx, NULL, "index.json", &i, &d), HULL_EINVAL);
        T_STREQ(d.msg, "index.json: 2 images; name one of: 1.2, latest");
        hull_diag_init(&d);
        T_EQ(hull_oci_index_find_ref(idx, "app:9", "index.json", &i, &d), HULL_ENOTFOUND);
        T_STREQ(d.msg, "index.json: no image named \"app:9\"; available: 1.2, latest");
        idx = parse_fixture(R_INDEX, &a, "good/index-layout-single.json");
        T_OK(hull_oci_index_find_ref(idx, NULL, NULL, &i, &d));
        T_EQ(i, 0);
        hull_arena_release(&a);
}

/* buildx / containerd write a multi-platform image into a layout as one
 * entry per platform under the same name: the name plus the platform choose */
TEST(find_ref_per_platform_entries) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = parse_fixture(R_INDEX, &a, "good/index-named-platforms.json");
        struct hull_oci_platform arm = {.os = "linux", .architecture = "arm64", .variant = "v8"};
        struct hull_diag d;
        size_t i = 99;
        bool byp = false;

        T_TRUE(idx != NULL);
        if (!idx)
                return;
        hull_diag_init(&d);
        T_EQ(hull_oci_index_find_ref(idx, "2.0", "index.json", &i, &d), HULL_EINVAL);
        hull_diag_init(&d);
        T_OK(hull_oci_index_find_ref_platform(idx, "2.0", NULL, "index.json", &i, &byp, &d));
        T_EQ(i, 1); /* the host's: amd64 */
        T_TRUE(byp);
        T_OK(hull_oci_index_find_ref_platform(idx, "2.0", &arm, "index.json", &i, &byp, &d));
        T_EQ(i, 0);
        T_OK(hull_oci_index_find_ref_platform(idx, "1.0", &arm, "index.json", &i, &byp, &d));
        T_EQ(i, 2); /* one image by that name: plain rules (the config check follows) */
        T_TRUE(!byp);
        /* no name given, entries named apart: the plain error */
        T_EQ(hull_oci_index_find_ref_platform(idx, NULL, NULL, "index.json", &i, &byp, &d),
             HULL_EINVAL);
        hull_arena_release(&a);
}

TEST(docker_archive_manifests) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_docker_manifest *m =
                parse_fixture(R_DOCKER, &a, "good/docker-save-manifest.json");
        struct hull_diag d;
        size_t i = 99;

        T_TRUE(m && m->nimages == 3);
        if (m) {
                const struct hull_docker_image *img = &m->images[0];
                T_STREQ(img->config,
                        "d29e67aaefae5094624a3c6cba1cdc088b7a7343d1bee10cd285a8f27ca2b882.json");
                T_STREQ(img->config_digest,
                        "sha256:d29e67aaefae5094624a3c6cba1cdc088b7a7343d1bee10cd285a8f27ca2b882");
                T_EQ(img->nrepo_tags, 2);
                T_EQ(img->nlayers, 2);
                T_EQ(img->layers[0].form, HULL_DOCKER_LAYER_LEGACY);
                T_TRUE(img->layers[0].digest == NULL);
                T_EQ(m->images[2].nrepo_tags, 0);
                hull_diag_init(&d);
                T_OK(hull_docker_manifest_select(m, "example/app:latest", NULL, &i, &d));
                T_EQ(i, 0);
                T_OK(hull_docker_manifest_select(m, "docker.io/example/app:1.4.2", NULL, &i, &d));
                T_EQ(i, 0);
                T_OK(hull_docker_manifest_select(m, "registry.example.com:5000/tools/debug:2", NULL,
                                                 &i, &d));
                T_EQ(i, 1);
                T_OK(hull_docker_manifest_select(m, "@2", NULL, &i, &d));
                T_EQ(i, 2);
                T_EQ(hull_docker_manifest_select(m, "@3", NULL, &i, &d), HULL_ENOTFOUND);
                hull_diag_init(&d);
                T_EQ(hull_docker_manifest_select(m, NULL, NULL, &i, &d), HULL_EINVAL);
                T_STREQ(d.msg, "manifest.json: 3 images; name one of: example/app:1.4.2, "
                               "example/app:latest, "
                               "registry.example.com:5000/tools/debug:2, @2");
                hull_diag_init(&d);
                T_EQ(hull_docker_manifest_select(m, "example/app", NULL, &i, &d),
                     HULL_OK); /* :latest implied */
                T_EQ(hull_docker_manifest_select(m, "example/app:2", NULL, &i, &d), HULL_ENOTFOUND);
                T_TRUE(strstr(d.msg, "no image tagged \"example/app:2\"") != NULL);
        }
        m = parse_fixture(R_DOCKER, &a, "good/docker25-manifest.json");
        T_TRUE(m && m->nimages == 1);
        if (m) {
                const struct hull_docker_image *img = &m->images[0];
                T_STREQ(img->config_digest,
                        "sha256:19a44daa5da703aa90238e0ea62eca92f46b6b50bfa66bebbd5a379de8c82d61");
                T_EQ(img->layers[1].form, HULL_DOCKER_LAYER_BLOB);
                T_STREQ(img->layers[1].digest,
                        "sha256:2c54429ede21fa18c9903b9f9478c4d71adc47ec7cf12ee678b54c4b7aca5d34");
                T_EQ(img->nlayer_sources, 1);
                T_STREQ(img->layer_sources[0].diff_id,
                        "sha256:4612f6d0b889cad0ed0292fae3a0b0c8a9e49aafb6c8a4f7d6a3bd8c1e4c9a41");
                T_TRUE(img->layer_sources[0].desc.type.foreign);
                T_OK(hull_docker_manifest_select(m, NULL, NULL, &i, &d));
        }
        m = parse_fixture(R_DOCKER, &a, "good/skopeo-manifest.json");
        T_TRUE(m && m->nimages == 1);
        if (m) {
                T_EQ(m->images[0].layers[0].form, HULL_DOCKER_LAYER_DIFFID);
                T_STREQ(m->images[0].layers[1].digest,
                        "sha256:af2e520718f7a704ae971fc92c2f54ac9c41d9c9ad35986de69948375d42aaed");
                T_OK(hull_docker_manifest_select(m, "localhost/app:dev", NULL, &i, &d));
        }
        {
                struct hull_docker_manifest *empty = NULL;
                hull_diag_init(&d);
                T_OK(hull_docker_manifest_parse(&a, "[]", 2, "manifest.json", &empty, &d));
                T_EQ(hull_docker_manifest_select(empty, NULL, NULL, &i, &d), HULL_ENOTFOUND);
        }
        hull_arena_release(&a);
}

TEST(candidate_lists_are_bounded) {
        /* fuzz finds: the "name one of" list overflowed its buffer when full
         * (crash-list-add-overflow) and looped on an empty tag (hang-empty-tag) */
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_buf b = HULL_BUF_INIT(1 << 20);
        struct hull_docker_manifest *m = NULL;
        struct hull_diag d;
        size_t i;
        const char *empty = "[{\"Config\":\"a.json\",\"RepoTags\":[\"x\",\"\"],\"Layers\":[]},"
                            "{\"Config\":\"b.json\",\"RepoTags\":[\"\"],\"Layers\":[]}]";

        hull_diag_init(&d);
        T_OK(hull_docker_manifest_parse(&a, empty, strlen(empty), "manifest.json", &m, &d));
        T_EQ(hull_docker_manifest_select(m, NULL, NULL, &i, &d), HULL_EINVAL);
        T_STREQ(d.msg, "manifest.json: 2 images; name one of: x, \"\"");
        /* a RepoTag spelled like "@N" is a tag first (crash-tag-looks-like-index) */
        {
                const char *at = "[{\"Config\":\"a.json\",\"RepoTags\":[\"@1\"],\"Layers\":[]},"
                                 "{\"Config\":\"b.json\",\"Layers\":[]}]";
                T_OK(hull_docker_manifest_parse(&a, at, strlen(at), "manifest.json", &m, &d));
                T_OK(hull_docker_manifest_select(m, "@1", NULL, &i, &d));
                T_EQ(i, 0);
                T_OK(hull_docker_manifest_select(m, "@0", NULL, &i, &d));
                T_EQ(i, 0);
        }
        for (int len = 1; len < 40; len++) {
                hull_buf_reset(&b);
                T_OK(hull_buf_putc(&b, '['));
                for (int k = 0; k < 30; k++)
                        T_OK(hull_buf_printf(
                                &b, "%s{\"Config\":\"c\",\"RepoTags\":[\"t%0*d\"],\"Layers\":[]}",
                                k ? "," : "", len, k));
                T_OK(hull_buf_putc(&b, ']'));
                hull_diag_init(&d);
                T_OK(hull_docker_manifest_parse(&a, b.data, b.len, "manifest.json", &m, &d));
                T_EQ(hull_docker_manifest_select(m, NULL, NULL, &i, &d), HULL_EINVAL);
                /* 30 tags of len+1 bytes and ", " overflow the 300-byte list from len 7 on */
                if (len >= 7)
                        T_TRUE(strcmp(d.msg + strlen(d.msg) - 3, "...") == 0);
                else
                        T_TRUE(strstr(d.msg, "...") == NULL);
        }
        hull_buf_release(&b);
        hull_arena_release(&a);
}

/* ---- real images made by ../shared/tools (TAP skip without them) ---- */

static int sh(const char *fmt, ...) _printf_(1, 2);
static int sh(const char *fmt, ...) {
        char cmd[4096];
        va_list ap;
        int r;

        va_start(ap, fmt);
        vsnprintf(cmd, sizeof(cmd), fmt, ap);
        va_end(ap);
        r = system(cmd);
        if (r != 0)
                printf("# command failed (%d): %s\n", r, cmd);
        return r;
}

static char *read_in(const char *dir, const char *rel, size_t *len) {
        char path[2048], *data = NULL;
        struct hull_diag d;

        hull_diag_init(&d);
        snprintf(path, sizeof(path), "%s/%s", dir, rel);
        if (hull_read_file(path, HULL_MAX_CONFIG_BYTES, &data, len, &d) != HULL_OK) {
                printf("# cannot read %s\n", path);
                return NULL;
        }
        return data;
}

/* "sha256:<hex>" -> "blobs/sha256/<hex>" */
static const char *blob_path(const char *digest, char *buf, size_t size) {
        const char *colon = strchr(digest, ':');
        snprintf(buf, size, "blobs/%.*s/%s", (int)(colon - digest), digest, colon + 1);
        return buf;
}

/* Walk an OCI layout dir: index.json (through nested indexes) -> manifest ->
 * config, checking sizes and the layer count; the config or NULL. */
static struct hull_oci_config *walk_layout(struct hull_arena *a, const char *dir, const char *ref,
                                           struct hull_oci_manifest **ret_m) {
        struct hull_oci_index *idx = NULL;
        struct hull_oci_manifest *m = NULL;
        struct hull_oci_config *c = NULL;
        struct hull_diag d;
        const char *v = NULL, *digest;
        char rel[200], *data;
        size_t len, i;
        int r;

        hull_diag_init(&d);
        if (!(data = read_in(dir, "oci-layout", &len)))
                return NULL;
        r = hull_oci_layout_parse(a, data, len, "oci-layout", &v, &d);
        hull_free(data);
        if (r || !(data = read_in(dir, "index.json", &len)))
                return NULL;
        r = hull_oci_index_parse(a, data, len, "index.json", &idx, &d);
        hull_free(data);
        if (r || hull_oci_index_find_ref(idx, ref, "index.json", &i, &d))
                goto fail;
        for (unsigned depth = 0;; depth++) {
                const struct hull_oci_descriptor *desc = &idx->manifests[i];
                if (depth > HULL_MAX_INDEX_NESTING)
                        goto fail;
                blob_path(desc->digest, rel, sizeof(rel));
                if (!(data = read_in(dir, rel, &len)))
                        return NULL;
                if (len != desc->size) {
                        hull_free(data);
                        printf("# %s: size %zu, descriptor says %llu\n", rel, len,
                               (unsigned long long)desc->size);
                        return NULL;
                }
                if (desc->type.kind == HULL_OCI_KIND_INDEX) {
                        r = hull_oci_index_parse(a, data, len, rel, &idx, &d);
                        hull_free(data);
                        if (r || hull_oci_select_platform(idx, NULL, rel, &i, &d))
                                goto fail;
                        continue;
                }
                r = hull_oci_manifest_parse(a, data, len, rel, &m, &d);
                hull_free(data);
                if (r)
                        goto fail;
                break;
        }
        digest = m->config.digest;
        blob_path(digest, rel, sizeof(rel));
        if (!(data = read_in(dir, rel, &len)))
                return NULL;
        r = hull_oci_config_parse(a, data, len, rel, &c, &d);
        hull_free(data);
        if (r || hull_oci_config_check_layers(c, m->nlayers, rel, &d))
                goto fail;
        *ret_m = m;
        return c;
fail : {
        char msg[1200];
        hull_diag_format(&d, msg, sizeof(msg));
        printf("# %s: %s\n", dir, msg);
        return NULL;
}
}

static void check_made_config(const struct hull_oci_config *c) {
        const struct hull_oci_exec_config *x = &c->config;

        T_STREQ(c->platform.os, "linux");
        T_STREQ(c->platform.architecture, "amd64");
        T_STREQ(x->user, "65532");
        T_TRUE(x->nenv >= 1);
        T_TRUE(x->healthcheck != NULL);
        if (x->healthcheck) {
                T_EQ(x->healthcheck->ntest, 3);
                T_STREQ(x->healthcheck->test[0], "CMD");
                T_EQ(x->healthcheck->interval, 30000000000LL);
                T_EQ(x->healthcheck->retries, 4);
        }
        T_EQ(x->nexposed_ports, 1);
        T_STREQ(x->exposed_ports[0], "8080/tcp");
        T_STREQ(hull_oci_annotation_get(x->labels, x->nlabels, "org.example.team"), "sec");
        T_EQ(c->ndiff_ids, 2);
        T_TRUE(!c->history_mismatch);
        T_TRUE(c->layer_history && c->layer_history[0] && c->layer_history[1]);
        if (c->layer_history && c->layer_history[0] && c->layer_history[1]) {
                T_STREQ(c->layer_history[0]->created_by, "ADD rootfs /");
                T_STREQ(c->layer_history[1]->created_by, "COPY app /app");
        }
}

/* dir holds an extracted docker-archive: manifest.json -> the tagged image's config */
static void check_docker_archive(struct hull_arena *a, const char *dir, const char *tag,
                                 enum hull_docker_layer_form form) {
        struct hull_docker_manifest *dm = NULL;
        struct hull_oci_config *c = NULL;
        struct hull_diag d;
        char *data, msg[1200];
        size_t len, i = 0;
        int r;

        hull_diag_init(&d);
        if (!(data = read_in(dir, "manifest.json", &len))) {
                t_failed = 1;
                return;
        }
        r = hull_docker_manifest_parse(a, data, len, "manifest.json", &dm, &d);
        hull_free(data);
        if (!r)
                r = hull_docker_manifest_select(dm, tag, "manifest.json", &i, &d);
        if (!r) {
                const struct hull_docker_image *img = &dm->images[i];
                T_EQ(img->nlayers, 2);
                T_EQ(img->layers[0].form, form);
                T_TRUE(img->config_digest != NULL);
                if (!(data = read_in(dir, img->config, &len))) {
                        t_failed = 1;
                        return;
                }
                r = hull_oci_config_parse(a, data, len, img->config, &c, &d);
                hull_free(data);
                if (!r)
                        r = hull_oci_config_check_layers(c, img->nlayers, img->config, &d);
                if (!r) {
                        check_made_config(c);
                        if (form == HULL_DOCKER_LAYER_DIFFID || form == HULL_DOCKER_LAYER_BLOB)
                                T_STREQ(img->layers[1].digest, c->diff_ids[1]);
                }
        }
        if (r) {
                hull_diag_format(&d, msg, sizeof(msg));
                printf("# %s: %s\n", dir, msg);
                t_failed = 1;
        }
}

static bool have(const char *prog) {
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
        return system(cmd) == 0;
}

TEST(mkimage_images) {
        const char *shared = getenv("HULL_SHARED_DIR");
        char mk[1024], tmpl[] = "/tmp/hull-test-oci-XXXXXX", *dir;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_manifest *m = NULL;
        struct hull_oci_config *c;
        struct stat st;
        char sub[1200];

        snprintf(mk, sizeof(mk), "%s/tools/mkimage", shared ? shared : HULL_SRCDIR "/../shared");
        if (stat(mk, &st) != 0 || !(st.st_mode & S_IXUSR) || !have("python3") ||
            !have("sha256sum")) {
                t_skip("mkimage_images", "../shared/tools/mkimage not available");
                return;
        }
        if (!(dir = mkdtemp(tmpl))) {
                T_TRUE(dir != NULL);
                return;
        }
        if (sh("cd '%s' && mkdir -p l1/etc l2/app && echo root:x:0:0::/root:/bin/sh > "
               "l1/etc/passwd && "
               "echo '#!/bin/sh' > l2/app/run",
               dir) ||
            sh("cd '%s' && '%s' -q --layer l1 --history 'ADD rootfs /' --layer l2 --history 'COPY "
               "app /app' "
               "--user 65532 --env PATH=/usr/bin --env TOKEN=x --cmd '[\"/app/run\"]' "
               "--healthcheck 'CMD [\"/app/run\",\"-h\"]' --health-interval 30s --health-retries 4 "
               "--expose 8080 --label org.example.team=sec --auto-history --tag example/app:1 "
               "--oci oci --docker-archive classic.tar --oci-archive oci.tar >/dev/null",
               dir, mk) ||
            sh("cd '%s' && '%s' -q --layer l1 --history 'ADD rootfs /' --layer l2 --history 'COPY "
               "app /app' "
               "--user 65532 --env PATH=/usr/bin --healthcheck 'CMD [\"/app/run\",\"-h\"]' "
               "--health-interval 30s "
               "--health-retries 4 --expose 8080 --label org.example.team=sec --tag example/app:1 "
               "--nested-index --oci-compression zstd --oci nested "
               "--docker-archive d25.tar --docker-format oci >/dev/null",
               dir, mk) ||
            sh("cd '%s' && mkdir classic d25 && tar -xf classic.tar -C classic && tar -xf d25.tar "
               "-C d25",
               dir)) {
                T_TRUE(false);
                goto out;
        }

        /* OCI layout, found by tag, by full name and by digest */
        snprintf(sub, sizeof(sub), "%s/oci", dir);
        c = walk_layout(&a, sub, "1", &m);
        T_TRUE(c != NULL);
        if (c) {
                check_made_config(c);
                T_EQ(m->nlayers, 2);
                T_EQ(m->layers[0].type.compression, HULL_OCI_COMPRESSION_GZIP);
        }
        T_TRUE(walk_layout(&a, sub, "docker.io/example/app:1", &m) != NULL);
        /* nested index, zstd layers, no history flags */
        snprintf(sub, sizeof(sub), "%s/nested", dir);
        c = walk_layout(&a, sub, NULL, &m);
        T_TRUE(c != NULL);
        if (c) {
                T_EQ(m->layers[1].type.compression, HULL_OCI_COMPRESSION_ZSTD);
                T_STREQ(c->layer_history[1]->created_by, "COPY app /app");
        }
        /* Docker 25+ archive: an OCI layout and a manifest.json of blobs */
        snprintf(sub, sizeof(sub), "%s/d25", dir);
        T_TRUE(walk_layout(&a, sub, "1", &m) != NULL);
        check_docker_archive(&a, sub, "example/app:1", HULL_DOCKER_LAYER_BLOB);
        /* classic docker save */
        snprintf(sub, sizeof(sub), "%s/classic", dir);
        check_docker_archive(&a, sub, "example/app:1", HULL_DOCKER_LAYER_LEGACY);

        if (have("skopeo")) {
                /* skopeo's docker-archive: <diffid>.tar layers; and its OCI layout */
                if (sh("cd '%s' && skopeo --insecure-policy copy -q oci:oci:1 "
                       "docker-archive:sk.tar:example/app:1 && "
                       "skopeo --insecure-policy copy -q oci-archive:oci.tar oci:skoci:v2 && "
                       "mkdir sk && tar -xf sk.tar -C sk",
                       dir) == 0) {
                        snprintf(sub, sizeof(sub), "%s/sk", dir);
                        check_docker_archive(&a, sub, "docker.io/example/app:1",
                                             HULL_DOCKER_LAYER_DIFFID);
                        snprintf(sub, sizeof(sub), "%s/skoci", dir);
                        c = walk_layout(&a, sub, "v2", &m);
                        T_TRUE(c != NULL);
                        if (c)
                                check_made_config(c);
                } else {
                        T_TRUE(false);
                }
        } else {
                printf("# skopeo not installed: its archive forms not checked\n");
        }
        if (have("umoci")) {
                /* umoci rewrites the config through the OCI spec's Go structs */
                if (sh("cd '%s' && cp -r oci um && umoci config --image um:1 --tag 2 "
                       "--config.user=1000 "
                       "--config.env=EXTRA=1",
                       dir) == 0) {
                        snprintf(sub, sizeof(sub), "%s/um", dir);
                        c = walk_layout(&a, sub, "2", &m);
                        T_TRUE(c != NULL);
                        if (c) {
                                T_STREQ(c->config.user, "1000");
                                T_STREQ(c->config.env[c->config.nenv - 1], "EXTRA=1");
                                T_EQ(c->ndiff_ids, 2);
                        }
                } else {
                        T_TRUE(false);
                }
        } else {
                printf("# umoci not installed: its output not checked\n");
        }
out:
        (void)sh("rm -rf '%s'", dir);
        hull_arena_release(&a);
}

T_MAIN()
