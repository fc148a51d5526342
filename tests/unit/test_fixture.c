/* test_fixture.c - the test-image builder (tests/fixture/fixture.c).
 *
 * One spec with every kind of entry (files inline, from a local file, of N
 * zero bytes and from a heredoc, directories, symlinks, hard links,
 * whiteouts, an opaque directory, raw hostile names) is built in each of the
 * five shapes and read back: the outer tar or directory member by member,
 * the JSON documents through the project's own readers (image/oci.h), every
 * digest recomputed, every layer decompressed and listed with libarchive.
 * When skopeo is on PATH it must read and copy each shape too (it checks
 * digests); without it those tests are TAP skips.  The error table pins the
 * "NAME:LINE: ..." messages of bad specs. */
#include <archive.h>
#include <archive_entry.h>
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
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "fixture.h"
#include "image/oci.h"
#include "t.h"
#include "tutil.h"

/* --- TAP skips ----------------------------------------------------------- */

/* Make test's TAP line a skip: "ok N - test # SKIP reason". */
static void t_skip(const char *test, const char *reason) {
        static char names[8][256];
        static size_t used;

        if (used == ELEMENTSOF(names))
                return;
        snprintf(names[used], sizeof(names[used]), "%s # SKIP %s", test, reason);
        for (size_t i = 0; i < t_ncases; i++)
                if (strcmp(t_cases[i].name, test) == 0)
                        t_cases[i].name = names[used];
        used++;
}

/* --- reading back: members of a tar or a directory ------------------------ */

struct member {
        char *name;
        char *data;
        size_t len;
        unsigned type; /* AE_IFREG, AE_IFDIR, AE_IFLNK */
        unsigned mode;
        long uid, gid;
        char *link; /* symlink or hard link target */
        bool hard;
};

struct members {
        struct member m[64];
        size_t n;
        char *blob; /* uncompressed bytes of the tar, for layers */
        size_t bloblen;
};

static void members_free(struct members *ms) {
        for (size_t i = 0; i < ms->n; i++) {
                free(ms->m[i].name);
                free(ms->m[i].data);
                free(ms->m[i].link);
        }
        free(ms->blob);
        memset(ms, 0, sizeof(*ms));
}

/* Read a tar (any compression libarchive knows) held in memory. */
static int read_tar(const void *data, size_t len, struct members *ms) {
        struct archive *a = archive_read_new();
        struct archive_entry *ae;
        int r;

        memset(ms, 0, sizeof(*ms));
        archive_read_support_filter_all(a);
        archive_read_support_format_tar(a);
        archive_read_support_format_gnutar(a);
        if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
                archive_read_free(a);
                return -1;
        }
        while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK && ms->n < 64) {
                struct member *m = &ms->m[ms->n++];
                size_t cap = 0;

                m->name = strdup(archive_entry_pathname(ae));
                m->type = archive_entry_filetype(ae);
                m->mode = archive_entry_perm(ae);
                m->uid = (long)archive_entry_uid(ae);
                m->gid = (long)archive_entry_gid(ae);
                if (archive_entry_symlink(ae))
                        m->link = strdup(archive_entry_symlink(ae));
                if (archive_entry_hardlink(ae)) {
                        m->link = strdup(archive_entry_hardlink(ae));
                        m->hard = true;
                }
                for (;;) {
                        char buf[65536];
                        la_ssize_t k = archive_read_data(a, buf, sizeof(buf));

                        if (k <= 0)
                                break;
                        if (m->len + (size_t)k + 1 > cap) {
                                cap = (m->len + (size_t)k + 1) * 2;
                                m->data = realloc(m->data, cap);
                        }
                        memcpy(m->data + m->len, buf, (size_t)k);
                        m->len += (size_t)k;
                }
                if (!m->data)
                        m->data = calloc(1, 1);
                m->data[m->len] = '\0';
        }
        archive_read_free(a);
        return r == ARCHIVE_EOF ? 0 : -1;
}

/* Decompress a layer blob (gzip, zstd or none) into ms->blob and list it. */
static int read_layer(const void *data, size_t len, struct members *ms) {
        struct archive *a = archive_read_new();
        struct archive_entry *ae;
        size_t cap = 0;
        char *out = NULL, buf[65536];
        size_t n = 0;
        la_ssize_t k;

        archive_read_support_filter_all(a);
        archive_read_support_format_raw(a);
        if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
            archive_read_next_header(a, &ae) != ARCHIVE_OK) {
                archive_read_free(a);
                return -1;
        }
        while ((k = archive_read_data(a, buf, sizeof(buf))) > 0) {
                if (n + (size_t)k > cap) {
                        cap = (n + (size_t)k) * 2;
                        out = realloc(out, cap);
                }
                memcpy(out + n, buf, (size_t)k);
                n += (size_t)k;
        }
        archive_read_free(a);
        if (k < 0 || read_tar(out, n, ms) < 0) {
                free(out);
                return -1;
        }
        ms->blob = out;
        ms->bloblen = n;
        return 0;
}

static const struct member *find(const struct members *ms, const char *name) {
        for (size_t i = 0; i < ms->n; i++)
                if (strcmp(ms->m[i].name, name) == 0)
                        return &ms->m[i];
        return NULL;
}

/* Load an OCI layout directory's files as members (names relative). */
static int read_dir(const char *dir, struct members *ms) {
        char path[1024];
        FILE *p;

        memset(ms, 0, sizeof(*ms));
        snprintf(path, sizeof(path), "cd '%s' && find . -type f | sort", dir);
        p = popen(path, "r");
        if (!p)
                return -1;
        while (ms->n < 64 && fgets(path, sizeof(path), p)) {
                struct member *m = &ms->m[ms->n];
                char full[2048];
                struct hull_diag d;

                path[strcspn(path, "\n")] = '\0';
                snprintf(full, sizeof(full), "%s/%s", dir, path + 2);
                hull_diag_init(&d);
                if (hull_read_file(full, 64u << 20, &m->data, &m->len, &d) != HULL_OK)
                        break;
                m->name = strdup(path + 2);
                m->type = AE_IFREG;
                ms->n++;
        }
        pclose(p);
        return 0;
}

/* --- the spec ------------------------------------------------------------- */

static const char spec[] =
        "# every kind of entry\n"
        "tag app:1\n"
        "tag example.com/team/tool\n"
        "config {\"User\":\"app\",\"Env\":[\"PATH=/usr/bin\",\"TOKEN=x\"],"
        "\"Healthcheck\":{\"Test\":[\"CMD\",\"/app/run\",\"-h\"],\"Retries\":3}}\n"
        "config-extra {\"author\":\"fixture test\"}\n"
        "history ARG VERSION=1\n"
        "\n"
        "layer ADD rootfs /\n"
        "dir etc\n"
        "file etc/passwd = \"root:x:0:0::/root:/bin/sh\\n\"\n"
        "file /etc/local 0600 < local.txt\n"
        "file var/zeros size 70000\n"
        "dir app 0750 1000:1000\n"
        "file app/run 0755 1000:1000 <<EOF\n"
        "#!/bin/sh\n"
        "echo \"run $1\"\n"
        "EOF\n"
        "symlink bin/sh /bin/busybox\n"
        "hardlink etc/passwd- etc/passwd\n"
        "dir tmp 1777\n"
        "history \"USER app\"\n"
        "layer \"RUN rm /etc/local\"\n"
        "whiteout etc/local\n"
        "opaque /tmp/\n"
        "rawname ../evil ../evil\n"
        "file ../evil = x\n"
        "rawname a//b \"a//b\\xff\"\n"
        "file a//b\n"
        "rawname d /abs/d\n"
        "dir d\n";

static const char local_txt[] = "from a local file\n";

static int build(enum fixture_format fmt, enum fixture_compression c, const char *out, char *err,
                 size_t errsz) {
        struct fixture_opts o = {.format = fmt, .compression = c, .basedir = t_tmp()};
        char path[512];
        FILE *fp;

        snprintf(path, sizeof(path), "%s/local.txt", t_tmp());
        fp = fopen(path, "w");
        if (!fp)
                return -1;
        fputs(local_txt, fp);
        fclose(fp);
        return fixture_build(spec, sizeof(spec) - 1, "all.spec", &o, out, err, errsz);
}

/* Layer 1 and 2 as the spec says, byte for byte where it matters. */
static void check_layers(struct members *l1, struct members *l2) {
        static const char *const names1[] = {"etc/",      "etc/passwd",  "etc/local",
                                             "var/zeros", "app/",        "app/run",
                                             "bin/sh",    "etc/passwd-", "tmp/"};
        static const char *const names2[] = {"etc/.wh.local", "tmp/.wh..wh..opq", "../evil",
                                             "a//b\xff", "/abs/d"};
        const struct member *m;

        T_EQ(l1->n, ELEMENTSOF(names1));
        for (size_t i = 0; i < l1->n && i < ELEMENTSOF(names1); i++)
                T_STREQ(l1->m[i].name, names1[i]);
        T_EQ(l2->n, ELEMENTSOF(names2));
        for (size_t i = 0; i < l2->n && i < ELEMENTSOF(names2); i++)
                T_STREQ(l2->m[i].name, names2[i]);

        if ((m = find(l1, "etc/passwd"))) {
                T_STREQ(m->data, "root:x:0:0::/root:/bin/sh\n");
                T_EQ(m->mode, 0644);
                T_EQ(m->uid, 0);
        }
        if ((m = find(l1, "etc/local"))) {
                T_STREQ(m->data, local_txt);
                T_EQ(m->mode, 0600);
        }
        if ((m = find(l1, "var/zeros"))) {
                static const char z[70000];

                T_EQ(m->len, 70000);
                T_TRUE(m->len == 70000 && memcmp(m->data, z, sizeof(z)) == 0);
        }
        if ((m = find(l1, "app/"))) {
                T_EQ(m->type, AE_IFDIR);
                T_EQ(m->mode, 0750);
                T_EQ(m->uid, 1000);
                T_EQ(m->gid, 1000);
        }
        if ((m = find(l1, "app/run"))) {
                T_STREQ(m->data, "#!/bin/sh\necho \"run $1\"\n");
                T_EQ(m->mode, 0755);
        }
        if ((m = find(l1, "bin/sh"))) {
                T_EQ(m->type, AE_IFLNK);
                T_STREQ(m->link, "/bin/busybox");
        }
        if ((m = find(l1, "etc/passwd-"))) {
                T_TRUE(m->hard);
                T_STREQ(m->link, "etc/passwd");
        }
        if ((m = find(l1, "tmp/")))
                T_EQ(m->mode, 01777);
        if ((m = find(l2, "etc/.wh.local")))
                T_EQ(m->len, 0);
        if ((m = find(l2, "../evil")))
                T_STREQ(m->data, "x");
        if ((m = find(l2, "/abs/d")))
                T_EQ(m->type, AE_IFDIR);
        /* the raw headers are well-formed: every member read, end reached */
        T_TRUE(l2->bloblen % 512 == 0);
}

static void check_config(struct hull_arena *a, const struct member *cm, const char *want_digest) {
        struct hull_oci_config *c = NULL;
        struct hull_diag d;
        char hex[72];

        T_TRUE(cm != NULL);
        if (!cm)
                return;
        if (want_digest) {
                t_sha256(cm->data, cm->len, hex);
                T_STREQ(hex, want_digest);
        }
        hull_diag_init(&d);
        T_OK(hull_oci_config_parse(a, cm->data, cm->len, cm->name, &c, &d));
        if (!c)
                return;
        T_STREQ(c->platform.architecture, "amd64");
        T_STREQ(c->platform.os, "linux");
        T_STREQ(c->created, "2023-11-14T22:13:20Z");
        T_STREQ(c->author, "fixture test");
        T_STREQ(c->config.user, "app");
        T_EQ(c->config.nenv, 2);
        T_TRUE(c->config.healthcheck != NULL);
        if (c->config.healthcheck)
                T_EQ(c->config.healthcheck->retries, 3);
        T_EQ(c->ndiff_ids, 2);
        T_EQ(c->nhistory, 4);
        T_TRUE(!c->history_mismatch);
        if (c->nhistory == 4) {
                T_STREQ(c->history[0].created_by, "ARG VERSION=1");
                T_TRUE(c->history[0].empty_layer);
                T_STREQ(c->history[1].created_by, "ADD rootfs /");
                T_TRUE(!c->history[1].empty_layer);
                T_STREQ(c->history[2].created_by, "USER app");
                T_TRUE(c->history[2].empty_layer);
                T_STREQ(c->layer_history[1]->created_by, "RUN rm /etc/local");
        }
}

/* OCI layout documents (a directory or archive read as members): index by
 * ref "1", manifest, config, layers with their digests and diff_ids. */
static void check_layout(const struct members *ms, enum hull_oci_compression comp, bool docker) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_oci_index *idx = NULL;
        struct hull_oci_manifest *m = NULL;
        struct hull_oci_config *c = NULL;
        const struct member *im = find(ms, "index.json"), *lm = find(ms, "oci-layout"), *x;
        const char *version;
        struct hull_diag d;
        char name[128], hex[72];
        size_t i;

        hull_diag_init(&d);
        T_TRUE(im && lm);
        if (!im || !lm)
                return;
        T_OK(hull_oci_layout_parse(&a, lm->data, lm->len, "oci-layout", &version, &d));
        T_OK(hull_oci_index_parse(&a, im->data, im->len, "index.json", &idx, &d));
        if (!idx)
                goto out;
        T_EQ(idx->nmanifests, 2);
        T_OK(hull_oci_index_find_ref(idx, "1", "index.json", &i, &d));
        T_OK(hull_oci_index_find_ref(idx, "docker.io/library/app:1", "index.json", &i, &d));
        T_OK(hull_oci_index_find_ref(idx, "example.com/team/tool:latest", "index.json", &i, &d));
        T_EQ(idx->manifests[0].has_platform, !docker);
        snprintf(name, sizeof(name), "blobs/sha256/%s", idx->manifests[i].digest + 7);
        x = find(ms, name);
        T_TRUE(x != NULL);
        if (!x)
                goto out;
        t_sha256(x->data, x->len, hex);
        T_STREQ(hex, idx->manifests[i].digest);
        T_EQ(x->len, idx->manifests[i].size);
        T_OK(hull_oci_manifest_parse(&a, x->data, x->len, name, &m, &d));
        if (!m)
                goto out;
        T_EQ(m->nlayers, 2);
        snprintf(name, sizeof(name), "blobs/sha256/%s", m->config.digest + 7);
        check_config(&a, find(ms, name), m->config.digest);
        x = find(ms, name);
        if (x)
                hull_oci_config_parse(&a, x->data, x->len, name, &c, &d);
        if (!c || m->nlayers != 2)
                goto out;
        {
                struct members layers[2];

                for (i = 0; i < 2; i++) {
                        T_EQ(m->layers[i].type.compression, comp);
                        snprintf(name, sizeof(name), "blobs/sha256/%s", m->layers[i].digest + 7);
                        x = find(ms, name);
                        T_TRUE(x != NULL);
                        memset(&layers[i], 0, sizeof(layers[i]));
                        if (!x)
                                continue;
                        t_sha256(x->data, x->len, hex);
                        T_STREQ(hex, m->layers[i].digest);
                        T_EQ(x->len, m->layers[i].size);
                        T_OK(read_layer(x->data, x->len, &layers[i]));
                        t_sha256(layers[i].blob, layers[i].bloblen, hex);
                        T_STREQ(hex, c->diff_ids[i]);
                }
                check_layers(&layers[0], &layers[1]);
                members_free(&layers[0]);
                members_free(&layers[1]);
        }
out:
        if (d.code) {
                char msg[1024];

                hull_diag_format(&d, msg, sizeof(msg));
                printf("# %s\n", msg);
        }
        hull_arena_release(&a);
}

static int read_file_members(const char *path, struct members *ms) {
        struct hull_diag d;
        char *data;
        size_t len;
        int r;

        hull_diag_init(&d);
        if (hull_read_file(path, 256u << 20, &data, &len, &d) != HULL_OK)
                return -1;
        r = read_tar(data, len, ms);
        hull_free(data);
        return r;
}

/* docker-archive shapes: manifest.json, config, layers, repositories. */
static void check_docker(const char *path, enum hull_docker_layer_form form, const char *tag) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_docker_manifest *dm = NULL;
        struct hull_oci_config *c = NULL;
        struct members ms;
        const struct member *mj, *x;
        struct hull_diag d;
        struct members layers[2];
        size_t i;
        char hex[72];

        hull_diag_init(&d);
        memset(layers, 0, sizeof(layers));
        T_OK(read_file_members(path, &ms));
        mj = find(&ms, "manifest.json");
        T_TRUE(mj != NULL);
        if (!mj)
                goto out;
        T_OK(hull_docker_manifest_parse(&a, mj->data, mj->len, "manifest.json", &dm, &d));
        if (!dm)
                goto out;
        T_OK(hull_docker_manifest_select(dm, tag, "manifest.json", &i, &d));
        T_EQ(dm->nimages, 1);
        T_EQ(dm->images[0].nrepo_tags, 2);
        T_EQ(dm->images[0].nlayers, 2);
        if (dm->images[0].nlayers != 2)
                goto out;
        x = find(&ms, dm->images[0].config);
        check_config(&a, x, dm->images[0].config_digest);
        if (!x || hull_oci_config_parse(&a, x->data, x->len, "config", &c, &d) != HULL_OK)
                goto out;
        for (i = 0; i < 2; i++) {
                const struct hull_docker_layer *l = &dm->images[0].layers[i];

                T_EQ(l->form, form);
                x = find(&ms, l->path);
                T_TRUE(x != NULL);
                if (!x)
                        continue;
                t_sha256(x->data, x->len, hex);
                T_STREQ(hex, c->diff_ids[i]);
                if (l->digest)
                        T_STREQ(l->digest, c->diff_ids[i]);
                T_OK(read_layer(x->data, x->len, &layers[i]));
        }
        check_layers(&layers[0], &layers[1]);
        /* repositories names the images; classic docker save puts it last */
        T_TRUE(find(&ms, "repositories") != NULL);
        if (form == HULL_DOCKER_LAYER_LEGACY && ms.n >= 2) {
                T_STREQ(ms.m[ms.n - 2].name, "manifest.json");
                T_STREQ(ms.m[ms.n - 1].name, "repositories");
        }
        if (form == HULL_DOCKER_LAYER_BLOB)
                check_layout(&ms, HULL_OCI_COMPRESSION_NONE, true);
        if (form == HULL_DOCKER_LAYER_DIFFID) {
                /* <id>/layer.tar symlinks to ../<diffid>.tar */
                size_t links = 0;

                for (i = 0; i < ms.n; i++) {
                        if (ms.m[i].type != AE_IFLNK)
                                continue;
                        links++;
                        T_TRUE(strncmp(ms.m[i].link, "../", 3) == 0 &&
                               find(&ms, ms.m[i].link + 3) != NULL);
                }
                T_EQ(links, 2);
        }
out:
        if (d.code) {
                char msg[1024];

                hull_diag_format(&d, msg, sizeof(msg));
                printf("# %s\n", msg);
        }
        members_free(&layers[0]);
        members_free(&layers[1]);
        members_free(&ms);
        hull_arena_release(&a);
}

static void out_path(char *buf, size_t size, const char *leaf) {
        snprintf(buf, size, "%s/%s", t_tmp(), leaf);
}

/* --- tests ---------------------------------------------------------------- */

TEST(names) {
        T_EQ(fixture_format_from_string("docker-classic"), FIXTURE_DOCKER_CLASSIC);
        T_EQ(fixture_format_from_string("docker-oci"), FIXTURE_DOCKER_OCI);
        T_EQ(fixture_format_from_string("docker-skopeo"), FIXTURE_DOCKER_SKOPEO);
        T_EQ(fixture_format_from_string("oci"), FIXTURE_OCI);
        T_EQ(fixture_format_from_string("oci-archive"), FIXTURE_OCI_ARCHIVE);
        T_EQ(fixture_format_from_string("docker"), -1);
        T_EQ(fixture_format_from_string(NULL), -1);
        T_EQ(fixture_compression_from_string("gzip"), FIXTURE_GZIP);
        T_EQ(fixture_compression_from_string("zstd"), FIXTURE_ZSTD);
        T_EQ(fixture_compression_from_string("none"), FIXTURE_NONE);
        T_EQ(fixture_compression_from_string("xz"), -1);
}

TEST(docker_classic) {
        char out[512], err[1024] = "";

        out_path(out, sizeof(out), "classic.tar");
        T_OK(build(FIXTURE_DOCKER_CLASSIC, FIXTURE_GZIP, out, err, sizeof(err)));
        if (err[0])
                printf("# %s\n", err);
        check_docker(out, HULL_DOCKER_LAYER_LEGACY, "app:1");
}

TEST(docker_oci) {
        char out[512], err[1024] = "";

        out_path(out, sizeof(out), "d25.tar");
        T_OK(build(FIXTURE_DOCKER_OCI, FIXTURE_GZIP, out, err, sizeof(err)));
        if (err[0])
                printf("# %s\n", err);
        check_docker(out, HULL_DOCKER_LAYER_BLOB, "example.com/team/tool");
}

TEST(docker_skopeo) {
        char out[512], err[1024] = "";

        out_path(out, sizeof(out), "skopeo.tar");
        T_OK(build(FIXTURE_DOCKER_SKOPEO, FIXTURE_GZIP, out, err, sizeof(err)));
        if (err[0])
                printf("# %s\n", err);
        check_docker(out, HULL_DOCKER_LAYER_DIFFID, "docker.io/library/app:1");
}

TEST(oci_dir) {
        static const struct {
                enum fixture_compression c;
                enum hull_oci_compression want;
                const char *leaf;
        } cases[] = {
                {FIXTURE_GZIP, HULL_OCI_COMPRESSION_GZIP, "oci-gzip"},
                {FIXTURE_ZSTD, HULL_OCI_COMPRESSION_ZSTD, "oci-zstd"},
                {FIXTURE_NONE, HULL_OCI_COMPRESSION_NONE, "oci-none"},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char out[512], err[1024] = "";
                struct members ms;

                out_path(out, sizeof(out), cases[i].leaf);
                T_OK(build(FIXTURE_OCI, cases[i].c, out, err, sizeof(err)));
                if (err[0])
                        printf("# %s\n", err);
                T_OK(read_dir(out, &ms));
                T_EQ(ms.n, 6); /* oci-layout, index.json, config, manifest, 2 layers */
                check_layout(&ms, cases[i].want, false);
                members_free(&ms);
        }
}

TEST(oci_archive) {
        char out[512], err[1024] = "";
        struct members ms;

        out_path(out, sizeof(out), "oci.tar");
        T_OK(build(FIXTURE_OCI_ARCHIVE, FIXTURE_ZSTD, out, err, sizeof(err)));
        if (err[0])
                printf("# %s\n", err);
        T_OK(read_file_members(out, &ms));
        T_TRUE(ms.n > 2);
        if (ms.n > 2) {
                T_STREQ(ms.m[0].name, "oci-layout");
                T_STREQ(ms.m[1].name, "index.json");
        }
        check_layout(&ms, HULL_OCI_COMPRESSION_ZSTD, false);
        members_free(&ms);
}

TEST(deterministic) {
        static const enum fixture_format fmts[] = {FIXTURE_DOCKER_CLASSIC, FIXTURE_DOCKER_OCI,
                                                   FIXTURE_DOCKER_SKOPEO, FIXTURE_OCI_ARCHIVE};

        for (size_t i = 0; i < ELEMENTSOF(fmts); i++) {
                char a[512], b[512], err[1024];

                out_path(a, sizeof(a), "det-a.tar");
                out_path(b, sizeof(b), "det-b.tar");
                T_OK(build(fmts[i], FIXTURE_GZIP, a, err, sizeof(err)));
                T_OK(build(fmts[i], FIXTURE_GZIP, b, err, sizeof(err)));
                if (t_sh("cmp -s '%s' '%s'", a, b) != 0)
                        T_FAIL_AT("format %zu: two builds differ", i);
        }
}

TEST(minimal_and_untagged) {
        static const char s[] = "layer\n";
        struct fixture_opts o = {.format = FIXTURE_DOCKER_CLASSIC};
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_docker_manifest *dm = NULL;
        struct hull_oci_config *c = NULL;
        char out[512], err[1024] = "";
        const struct member *x;
        struct members ms;
        struct hull_diag d;

        hull_diag_init(&d);
        out_path(out, sizeof(out), "min.tar");
        T_OK(fixture_build(s, sizeof(s) - 1, "min.spec", &o, out, err, sizeof(err)));
        T_OK(read_file_members(out, &ms));
        T_TRUE(find(&ms, "repositories") == NULL); /* saved by id: no names */
        x = find(&ms, "manifest.json");
        if (x && hull_docker_manifest_parse(&a, x->data, x->len, "manifest.json", &dm, &d) == 0) {
                T_EQ(dm->images[0].nrepo_tags, 0);
                x = find(&ms, dm->images[0].config);
                T_TRUE(x && hull_oci_config_parse(&a, x->data, x->len, "c", &c, &d) == 0);
                if (c) {
                        T_STREQ(c->history[0].created_by, "fixture: layer 1");
                        T_EQ(c->config.nenv, 0);
                        T_TRUE(c->has_config);
                }
        } else {
                T_TRUE(false);
        }
        members_free(&ms);
        hull_arena_release(&a);
}

TEST(config_extra_overrides) {
        static const char s[] = "config-extra {\"architecture\":\"arm64\",\"variant\":\"v8\"}\n"
                                "tag x\nlayer\n";
        struct fixture_opts o = {.format = FIXTURE_OCI};
        char out[512], err[1024] = "";
        struct members ms;
        const struct member *x;

        out_path(out, sizeof(out), "arm");
        T_OK(fixture_build(s, sizeof(s) - 1, "arm.spec", &o, out, err, sizeof(err)));
        T_OK(read_dir(out, &ms));
        x = find(&ms, "index.json");
        T_TRUE(x && strstr(x->data, "\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
                                    "\"variant\":\"v8\"}"));
        T_TRUE(x && strstr(x->data, "\"org.opencontainers.image.ref.name\":\"latest\""));
        members_free(&ms);
}

static const struct {
        const char *spec;
        const char *msg; /* exact, or a prefix when it ends in '*' */
} bad[] = {
        {"layer\nbogus x\n", "t.spec:2: unknown directive 'bogus'"},
        {"layer\nfile a 0999\n", "t.spec:2: file: bad mode '0999' (octal, at most 07777)"},
        {"layer\ndir a rwx\n", "t.spec:2: dir: bad mode 'rwx' (octal, at most 07777)"},
        {"layer\nfile a 010000\n", "t.spec:2: file: bad mode '010000' (octal, at most 07777)"},
        {"layer\nfile a x:1\n",
         "t.spec:2: file: bad owner 'x:1' (UID:GID, decimal, at most 2097151)"},
        {"layer\n\nfile a <<END\nline\nEND \n",
         "t.spec:3: heredoc 'END' is not closed: no line 'END' follows"},
        {"file a = x\nlayer\n", "t.spec:1: 'file' before the first 'layer' line"},
        {"# c\nwhiteout a\n", "t.spec:2: 'whiteout' before the first 'layer' line"},
        {"layer\nfile a < no-such-file\n", "t.spec:2: cannot open '*"},
        {"layer\nfile a = \"x\n", "t.spec:2: unterminated quoted word"},
        {"layer\nfile a = \"\\q\"\n", "t.spec:2: bad escape '\\q'"},
        {"layer\nfile a = \"\\x4\"\n", "t.spec:2: bad escape: \\x needs two hex digits"},
        {"layer\nfile a = x y\n", "t.spec:2: file: unexpected 'y' after the content"},
        {"layer\nfile a size 1k\n", "t.spec:2: file: bad size '1k'*"},
        {"layer\nfile /\n", "t.spec:2: empty path '/'"},
        {"layer\nsymlink a\n", "t.spec:2: symlink: expected PATH TARGET"},
        {"config {\"User\":}\nlayer\n", "t.spec:1: config: bad JSON at column *"},
        {"config [1]\nlayer\n", "t.spec:1: config: expected a JSON object"},
        {"config-extra {\"a\":1,\"a\":2}\nlayer\n", "t.spec:1: config-extra: bad JSON*"},
        {"layer\nhistory \"\\xff\"\n", "t.spec:2: text is not valid UTF-8"},
        {"layer\nrawname a ../a\nfile b\n",
         "t.spec:3: rawname on line 2 names 'a' but the next entry is 'b'"},
        {"layer\nrawname a ../a\nlayer\n",
         "t.spec:2: rawname 'a' is not followed by its entry in the same layer"},
        {"layer\nrawname a ../a\nrawname b ../b\n",
         "t.spec:3: rawname: the one on line 2 has no entry yet"},
        {"tag x:\nlayer\n", "t.spec:1: tag: empty name or tag in 'x:'"},
        {"# nothing\n", "t.spec: no 'layer' line: an image needs at least one layer"},
        {"layer\nfile \"a\\x00b\"\n", "t.spec:2: NUL byte in path (rawname writes any other byte)"},
};

TEST(errors) {
        struct fixture_opts o = {.format = FIXTURE_OCI_ARCHIVE, .basedir = t_tmp()};
        char out[512];

        out_path(out, sizeof(out), "never.tar");
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char err[1024] = "";
                size_t len = strlen(bad[i].spec), n = strlen(bad[i].msg);
                int r;

                r = fixture_build(bad[i].spec, len, "t.spec", &o, out, err, sizeof(err));
                T_EQ(r, -1);
                if (bad[i].msg[n - 1] == '*') {
                        if (strncmp(err, bad[i].msg, n - 1) != 0)
                                T_FAIL_AT("case %zu: \"%s\" does not start with \"%.*s\"", i, err,
                                          (int)(n - 1), bad[i].msg);
                } else if (strcmp(err, bad[i].msg) != 0) {
                        T_FAIL_AT("case %zu: \"%s\" != \"%s\"", i, err, bad[i].msg);
                }
                T_TRUE(access(out, F_OK) != 0); /* nothing written on failure */
        }
}

TEST(nul_byte_in_spec) {
        static const char s[] = "layer\nfile a\0b\n";
        struct fixture_opts o = {.format = FIXTURE_OCI_ARCHIVE};
        char out[512], err[1024] = "";

        out_path(out, sizeof(out), "never.tar");
        T_EQ(fixture_build(s, sizeof(s) - 1, "t.spec", &o, out, err, sizeof(err)), -1);
        T_STREQ(err, "t.spec:2: NUL byte in the line (write \\x00 in a quoted word)");
}

TEST(output_errors) {
        static const char s[] = "layer\n";
        struct fixture_opts o = {.format = FIXTURE_DOCKER_OCI};
        char out[512], err[1024] = "";

        T_EQ(fixture_build(s, sizeof(s) - 1, "o.spec", &o, "/nonexistent-dir/x.tar", err,
                           sizeof(err)),
             -1);
        T_TRUE(strncmp(err, "/nonexistent-dir/x.tar: cannot create: ", 39) == 0);
        /* an OCI layout goes only into a new or empty directory */
        o.format = FIXTURE_OCI;
        out_path(out, sizeof(out), "nonempty");
        T_OK(t_sh("mkdir -p '%s' && touch '%s/x'", out, out));
        T_EQ(fixture_build(s, sizeof(s) - 1, "o.spec", &o, out, err, sizeof(err)), -1);
        T_TRUE(strstr(err, "exists and is not an empty directory") != NULL);
}

TEST(skopeo_reads_all_shapes) {
        static const struct {
                enum fixture_format fmt;
                enum fixture_compression c;
                const char *leaf, *transport, *suffix;
        } cases[] = {
                {FIXTURE_DOCKER_CLASSIC, FIXTURE_GZIP, "sk-classic.tar", "docker-archive:", ""},
                {FIXTURE_DOCKER_OCI, FIXTURE_GZIP, "sk-d25.tar", "docker-archive:", ""},
                {FIXTURE_DOCKER_SKOPEO, FIXTURE_GZIP, "sk-skopeo.tar", "docker-archive:", ""},
                {FIXTURE_OCI, FIXTURE_GZIP, "sk-oci", "oci:", ":1"},
                {FIXTURE_OCI, FIXTURE_ZSTD, "sk-oci-zstd", "oci:", ":1"},
                {FIXTURE_OCI, FIXTURE_NONE, "sk-oci-none", "oci:", ":latest"},
                {FIXTURE_OCI_ARCHIVE, FIXTURE_GZIP, "sk-oci.tar", "oci-archive:", ":1"},
        };

        if (!t_have("skopeo")) {
                t_skip("skopeo_reads_all_shapes", "skopeo not installed");
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char out[512], ref[600], err[1024] = "";

                out_path(out, sizeof(out), cases[i].leaf);
                T_OK(build(cases[i].fmt, cases[i].c, out, err, sizeof(err)));
                snprintf(ref, sizeof(ref), "%s%s%s", cases[i].transport, out, cases[i].suffix);
                /* the config must come back as written; copy checks every digest */
                if (t_sh("skopeo --insecure-policy inspect --config '%s' 2>&1 | "
                         "grep -q '\"author\": \"fixture test\"'",
                         ref) != 0)
                        T_FAIL_AT("skopeo inspect --config %s", ref);
                if (t_sh("rm -rf '%s/copy' && skopeo --insecure-policy copy -q '%s' "
                         "'oci:%s/copy:x' >/dev/null 2>&1",
                         t_tmp(), ref, t_tmp()) != 0)
                        T_FAIL_AT("skopeo copy %s", ref);
                if (cases[i].fmt == FIXTURE_OCI &&
                    t_sh("skopeo --insecure-policy inspect --raw '%s' >/dev/null 2>&1", ref) != 0)
                        T_FAIL_AT("skopeo inspect --raw %s", ref);
        }
}

T_MAIN()
