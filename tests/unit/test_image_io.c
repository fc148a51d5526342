/* test_image_io.c - source, filter and tar walker (src/image/{source,filter,tar}.c).
 *
 * Inputs are made at test time in a temporary directory: trees packed by the
 * system tar and compressed by gzip and zstd, and small tars written byte by
 * byte here (tb_*) for names no tar tool would produce.  Digests are checked
 * against sha256sum. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/filter.h"
#include "image/source.h"
#include "image/tar.h"
#include "t.h"
#include "tutil.h"

/* --- files -------------------------------------------------------------- */

/* Files are named relative to the temporary directory here. */
static const char *pth(const char *name) {
        return t_path("%s", name);
}

static void sha256sum(const char *name, char out[72]) {
        char cmd[600], line[200] = "";
        FILE *p;

        snprintf(cmd, sizeof(cmd), "sha256sum '%s'", pth(name));
        p = popen(cmd, "r");
        if (!p || !fgets(line, sizeof(line), p))
                line[0] = '\0';
        if (p)
                pclose(p);
        snprintf(out, 72, "sha256:%.64s", line);
}

static void write_file(const char *name, const void *data, size_t n) {
        t_write_file(pth(name), data, n);
}

static unsigned char *slurp(const char *name, size_t *ret_n) {
        return (unsigned char *)t_read_file(pth(name), ret_n);
}

/* deterministic pseudo-random bytes */
static void fill_random(unsigned char *p, size_t n, uint64_t seed) {
        uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
        for (size_t i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                p[i] = (unsigned char)x;
        }
}

/* --- tar entries (tutil.h tb_*) ------------------------------------------- */

/* An entry; names or links of 100 bytes or more get a GNU 'L'/'K' record. */
static void tb_add(struct tb *t, const char *name, char type, const char *data, size_t size,
                   const char *link) {
        if (strlen(name) >= 100) {
                tb_header(t, "././@LongLink", 'L', strlen(name) + 1, NULL, NULL);
                tb_put(t, name, strlen(name) + 1);
                tb_pad(t);
        }
        if (link && strlen(link) >= 100) {
                tb_header(t, "././@LongLink", 'K', strlen(link) + 1, NULL, NULL);
                tb_put(t, link, strlen(link) + 1);
                tb_pad(t);
        }
        tb_header(t, name, type, type == '0' ? size : 0, link,
                  &(struct tb_opts){.mode = type == '5' ? 0755 : 0644});
        if (type == '0' && size) {
                tb_put(t, data, size);
                tb_pad(t);
        }
}

/* --- walking ------------------------------------------------------------- */

struct walk {
        int r;
        struct hull_diag d;
        char list[65536];
        size_t len;
        struct hull_tar_stats st;
        struct hull_filter_stats fs;
        char din[72], dout[72];
        unsigned warns;
        char lastwarn[512];
        uint64_t content_bytes;
        double secs;
};

static void on_warn(void *ud, uint64_t offset, const char *msg) {
        struct walk *w = ud;
        w->warns++;
        snprintf(w->lastwarn, sizeof(w->lastwarn), "%llu: %s", (unsigned long long)offset, msg);
}

static const char type_char[_HULL_ENTRY_TYPE_MAX] = {
        [HULL_ENTRY_FILE] = 'F',     [HULL_ENTRY_DIR] = 'D',      [HULL_ENTRY_SYMLINK] = 'L',
        [HULL_ENTRY_HARDLINK] = 'H', [HULL_ENTRY_CHAR] = 'C',     [HULL_ENTRY_BLOCK] = 'B',
        [HULL_ENTRY_FIFO] = 'P',     [HULL_ENTRY_WHITEOUT] = 'W', [HULL_ENTRY_OPAQUE] = 'O',
};

static void addf(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct walk *w, const char *fmt, ...) {
        va_list ap;
        if (w->len >= sizeof(w->list) - 1)
                return;
        va_start(ap, fmt);
        int n = vsnprintf(w->list + w->len, sizeof(w->list) - w->len, fmt, ap);
        va_end(ap);
        if (n > 0)
                w->len += (size_t)n < sizeof(w->list) - w->len ? (size_t)n
                                                               : sizeof(w->list) - w->len - 1;
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Walk src (consumed) through a filter and the tar walker.  The listing has
 * one line per entry: type, path, link, size, FNV-1a of the content read in
 * chunks of `chunk` bytes (0: content skipped). */
static int walk_src(struct walk *w, struct hull_source *src, const struct hull_filter_opts *o,
                    size_t chunk) {
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        const struct hull_entry *e;
        unsigned char *buf = chunk ? malloc(chunk) : NULL;
        double t0 = now();
        int r;

        r = hull_filter_new(&f, src, o, &w->d);
        if (r != HULL_OK)
                goto out;
        r = hull_tar_open(&t, f, 3, NULL, &w->d);
        if (r != HULL_OK)
                goto out;
        hull_tar_set_warning_cb(t, on_warn, w);
        while ((r = hull_tar_next(t, &e)) == HULL_OK && e) {
                uint64_t h = 0xcbf29ce484222325ULL, total = 0;
                char head[17] = "";
                T_EQ(e->layer, 3);
                if (chunk) {
                        size_t n;
                        while ((r = hull_tar_read(t, buf, chunk, &n)) == HULL_OK && n > 0) {
                                for (size_t i = 0; i < n; i++) {
                                        h = (h ^ buf[i]) * 1099511628211ULL;
                                        if (total + i < 16)
                                                head[total + i] = (char)buf[i];
                                }
                                total += n;
                        }
                        if (r != HULL_OK)
                                break;
                        if (e->type == HULL_ENTRY_FILE)
                                T_EQ(total, e->size);
                        w->content_bytes += total;
                }
                addf(w, "%c %s%s%s %llu%s", type_char[e->type], e->path, e->link ? " -> " : "",
                     e->link ? e->link : "", (unsigned long long)e->size,
                     e->name_was_fixed ? " fixed" : "");
                if (chunk && total > 0 && total <= 16)
                        addf(w, " =%s", head);
                else if (chunk && total > 16)
                        addf(w, " #%016llx", (unsigned long long)h);
                addf(w, "\n");
        }
        if (r == HULL_OK)
                r = hull_tar_close(t);
        if (r == HULL_OK) {
                uint8_t dg[32];
                if (hull_filter_digest(hull_tar_filter(t), HULL_FILTER_DIGEST_IN, dg) == HULL_OK)
                        hull_filter_digest_string(dg, w->din);
                if (hull_filter_digest(hull_tar_filter(t), HULL_FILTER_DIGEST_OUT, dg) == HULL_OK)
                        hull_filter_digest_string(dg, w->dout);
        }
out:
        if (t) {
                w->st = *hull_tar_stats(t);
                w->fs = *hull_filter_stats(hull_tar_filter(t));
        }
        hull_tar_free(t);
        free(buf);
        w->secs = now() - t0;
        w->r = r;
        return r;
}

static struct walk *walk_new(void) {
        struct walk *w = calloc(1, sizeof(*w));
        if (!w)
                exit(2);
        hull_diag_init(&w->d);
        return w;
}

static int walk_file(struct walk *w, const char *name, size_t chunk) {
        struct hull_source *s = NULL;
        int r = hull_source_open_file(&s, pth(name), &w->d);
        if (r != HULL_OK)
                return w->r = r;
        return walk_src(w, s, NULL, chunk);
}

static int walk_mem(struct walk *w, const void *p, size_t n, size_t chunk) {
        struct hull_source *s = NULL;
        int r = hull_source_new_memory(&s, p, n, "mem.tar", &w->d);
        if (r != HULL_OK)
                return w->r = r;
        return walk_src(w, s, NULL, chunk);
}

static void print_diag(const struct hull_diag *d) {
        char line[1200];
        hull_diag_format(d, line, sizeof(line));
        printf("# diag: %s\n", line);
}

/* --- fixtures ------------------------------------------------------------ */

/* tree/: a few files (one of 5 MiB, one of 3 MiB random), a symlink, a hard
 * link, an empty dir, a fifo; packed as plain.tar (names "./...") and
 * compressed; half1/half2 for multi-member inputs. */
static void make_tree(void) {
        static int done;
        unsigned char *big;

        if (done)
                return;
        done = 1;
        T_OK(t_sh(
                "mkdir -p tree/d/e tree/empty && printf hello > tree/d/a && ln -s a tree/d/link && "
                "ln tree/d/a tree/d/hard && mkfifo tree/fifo && printf 'x' > tree/d/e/x"));
        big = malloc(5u << 20);
        fill_random(big, 3u << 20, 7);
        write_file("tree/d/random", big, 3u << 20);
        memset(big, 'z', 5u << 20);
        write_file("tree/big", big, 5u << 20);
        free(big);
        T_OK(t_sh("tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@1700000000 "
                  "-C tree -cf plain.tar . && gzip -6 -c plain.tar > plain.tar.gz && "
                  "zstd -q -c plain.tar > plain.tar.zst"));
}

static const char *expected_tree = "D  0 fixed\n"
                                   "F big 5242880\n"
                                   "D d 0\n"
                                   "F d/a 5\n"
                                   "D d/e 0\n"
                                   "F d/e/x 1\n"
                                   "H d/hard -> d/a 0\n"
                                   "L d/link -> a 0\n"
                                   "F d/random 3145728\n"
                                   "D empty 0\n"
                                   "P fifo 0\n";

/* listing without content hashes and "fixed" marks (every name is "./x") */
static void strip(const char *in, char *out, size_t outsz) {
        size_t o = 0;
        for (const char *p = in; *p && o + 1 < outsz;) {
                const char *nl = strchr(p, '\n');
                size_t n = nl ? (size_t)(nl - p) : strlen(p);
                char line[1024];
                snprintf(line, sizeof(line), "%.*s", (int)n, p);
                char *h = strstr(line, " #");
                if (!h)
                        h = strstr(line, " =");
                if (h)
                        *h = '\0';
                h = strstr(line, " fixed");
                if (h && strcmp(line, "D  0 fixed") != 0)
                        *h = '\0';
                o += (size_t)snprintf(out + o, outsz - o, "%s\n", line);
                p += n + (nl ? 1 : 0);
        }
}

/* --- tests: names -------------------------------------------------------- */

TEST(path_normalize) {
        static const struct {
                const char *in, *out;
                int r;
                int changed;
        } cases[] = {
                {"etc/passwd", "etc/passwd", HULL_OK, 0},
                {"etc/", "etc", HULL_OK, 0},
                {"./etc/passwd", "etc/passwd", HULL_OK, 1},
                {"/etc/passwd", "etc/passwd", HULL_OK, 1},
                {"etc//passwd", "etc/passwd", HULL_OK, 1},
                {"//etc///passwd//", "etc/passwd", HULL_OK, 1},
                {"etc/./passwd", "etc/passwd", HULL_OK, 1},
                {"a/b/../c", "a/c", HULL_OK, 1},
                {"a/b/../../c", "c", HULL_OK, 1},
                {"a/..", "", HULL_OK, 1},
                {"./", "", HULL_OK, 1},
                {"/", "", HULL_OK, 1},
                {".", "", HULL_OK, 1},
                {"..", NULL, HULL_EPARSE, 0},
                {"../etc/passwd", NULL, HULL_EPARSE, 0},
                {"a/../../etc", NULL, HULL_EPARSE, 0},
                {"/../x", NULL, HULL_EPARSE, 0},
                {"a/.../b", "a/.../b", HULL_OK, 0},
                {"..a/b..", "..a/b..", HULL_OK, 0},
                {"\xff\xfe/x", "\xff\xfe/x", HULL_OK, 0},
        };
        char out[64];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                bool ch = false;
                int r = hull_tar_path_normalize(cases[i].in, out, sizeof(out), &ch);
                T_EQ(r, cases[i].r);
                if (r == HULL_OK && cases[i].out) {
                        T_STREQ(out, cases[i].out);
                        T_EQ(ch, cases[i].changed);
                }
        }
        T_EQ(hull_tar_path_normalize("abcdef", out, 4, NULL), HULL_ELIMIT);
        T_EQ(hull_tar_path_normalize("a/b", out, 4, NULL), HULL_OK);
        T_EQ(hull_tar_path_normalize("a/bc", out, 4, NULL), HULL_ELIMIT);
}

TEST(media_types) {
        T_EQ(hull_filter_kind_from_media_type("application/vnd.oci.image.layer.v1.tar+gzip"),
             HULL_FILTER_GZIP);
        T_EQ(hull_filter_kind_from_media_type("application/vnd.oci.image.layer.v1.tar+zstd"),
             HULL_FILTER_ZSTD);
        T_EQ(hull_filter_kind_from_media_type("application/vnd.oci.image.layer.v1.tar"),
             HULL_FILTER_NONE);
        T_EQ(hull_filter_kind_from_media_type(
                     "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"),
             HULL_FILTER_GZIP);
        T_EQ(hull_filter_kind_from_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip"),
             HULL_FILTER_GZIP);
        T_EQ(hull_filter_kind_from_media_type(
                     "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
             HULL_FILTER_GZIP);
        T_EQ(hull_filter_kind_from_media_type("application/vnd.oci.image.layer.v1.tar+bzip2"),
             _HULL_FILTER_KIND_INVALID);
        T_EQ(hull_filter_kind_from_media_type("application/json"), _HULL_FILTER_KIND_INVALID);
        T_EQ(hull_filter_kind_from_media_type(NULL), _HULL_FILTER_KIND_INVALID);
        T_STREQ(hull_filter_kind_to_string(HULL_FILTER_ZSTD), "zstd");
        T_TRUE(hull_filter_kind_to_string(_HULL_FILTER_KIND_MAX) == NULL);
}

/* --- tests: compression and digests -------------------------------------- */

static void check_tree(const char *file, enum hull_filter_kind kind, const char *blob_of,
                       size_t chunk) {
        struct walk *w = walk_new();
        char want_in[72], want_out[72], got[65536];

        make_tree();
        sha256sum(blob_of, want_in);
        sha256sum("plain.tar", want_out);
        T_OK(walk_file(w, file, chunk));
        if (w->r)
                print_diag(&w->d);
        strip(w->list, got, sizeof(got));
        T_STREQ(got, expected_tree);
        T_EQ(w->fs.kind, kind);
        T_STREQ(w->din, want_in);
        T_STREQ(w->dout, want_out);
        T_EQ(w->warns, 0);
        T_EQ(w->st.warnings, 0);
        T_EQ(w->content_bytes, chunk ? 5 + 1 + (3u << 20) + (5u << 20) : 0);
        T_TRUE(w->fs.eof);
        free(w);
}

TEST(plain_tar) {
        check_tree("plain.tar", HULL_FILTER_NONE, "plain.tar", 4096);
}

TEST(gzip_tar) {
        check_tree("plain.tar.gz", HULL_FILTER_GZIP, "plain.tar.gz", 1000);
}

TEST(zstd_tar) {
        check_tree("plain.tar.zst", HULL_FILTER_ZSTD, "plain.tar.zst", 65536);
}

TEST(skip_content) {
        /* content not read: skipped by the walker, digests still complete */
        check_tree("plain.tar.gz", HULL_FILTER_GZIP, "plain.tar.gz", 0);
}

TEST(same_content_every_codec) {
        struct walk *a = walk_new(), *b = walk_new(), *c = walk_new();
        make_tree();
        T_OK(walk_file(a, "plain.tar", 777));
        T_OK(walk_file(b, "plain.tar.gz", 4096));
        T_OK(walk_file(c, "plain.tar.zst", 1 << 20));
        T_STREQ(a->list, b->list);
        T_STREQ(a->list, c->list);
        T_STREQ(a->dout, b->dout);
        T_STREQ(a->dout, c->dout);
        free(a), free(b), free(c);
}

TEST(multi_member_gzip) {
        struct walk *w = walk_new(), *z = walk_new();
        char want_in[72], want_out[72], got[65536];

        make_tree();
        /* split inside an entry's content: members do not align with tar blocks */
        T_OK(t_sh("head -c 3000001 plain.tar > h1 && tail -c +3000002 plain.tar > h2 && "
                  "{ gzip -c h1; gzip -1 -c h2; } > multi.gz && "
                  "{ zstd -q -c h1; zstd -q -c h2; } > multi.zst"));
        sha256sum("multi.gz", want_in);
        sha256sum("plain.tar", want_out);
        T_OK(walk_file(w, "multi.gz", 4096));
        strip(w->list, got, sizeof(got));
        T_STREQ(got, expected_tree);
        T_EQ(w->fs.members, 2);
        T_STREQ(w->din, want_in);
        T_STREQ(w->dout, want_out);
        T_EQ(w->warns + w->fs.warnings, 0);

        sha256sum("multi.zst", want_in);
        T_OK(walk_file(z, "multi.zst", 4096));
        strip(z->list, got, sizeof(got));
        T_STREQ(got, expected_tree);
        T_EQ(z->fs.members, 2);
        T_STREQ(z->din, want_in);
        T_STREQ(z->dout, want_out);
        free(w), free(z);
}

TEST(gzip_trailing_data) {
        struct walk *w = walk_new(), *g = walk_new();
        char want_in[72];

        make_tree();
        T_OK(t_sh("{ cat plain.tar.gz; head -c 3000 /dev/zero; } > tz.gz && "
                  "{ cat plain.tar.gz; printf 'garbage!'; } > tg.gz"));
        sha256sum("tz.gz", want_in);
        T_OK(walk_file(w, "tz.gz", 0));
        T_STREQ(w->din, want_in); /* the blob digest covers the zeros */
        T_EQ(w->fs.trailing_bytes, 3000);
        T_EQ(w->fs.warnings, 0);

        sha256sum("tg.gz", want_in);
        T_OK(walk_file(g, "tg.gz", 0));
        T_STREQ(g->din, want_in);
        T_EQ(g->fs.trailing_bytes, 8);
        T_EQ(g->fs.warnings, 1);
        free(w), free(g);
}

TEST(check_digest) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        char in[72], out[72], bad[72];

        make_tree();
        sha256sum("plain.tar.gz", in);
        sha256sum("plain.tar", out);
        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth("plain.tar.gz"), &d));
        T_OK(hull_filter_new(&f, s, NULL, &d));
        T_EQ(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, in), HULL_EINVAL); /* not yet */
        hull_diag_init(&d);
        T_OK(hull_filter_drain(f));
        T_OK(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, in));
        T_OK(hull_filter_check_digest(f, HULL_FILTER_DIGEST_OUT, out));
        memcpy(bad, out, sizeof(bad));
        bad[10] = bad[10] == '0' ? '1' : '0';
        T_EQ(hull_filter_check_digest(f, HULL_FILTER_DIGEST_OUT, bad), HULL_ECORRUPT);
        T_TRUE(strstr(d.msg, "diff_id") != NULL);
        T_TRUE(strstr(d.file, "plain.tar.gz") != NULL);
        hull_diag_init(&d);
        T_EQ(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, "sha512:abcd"), HULL_EUNSUPPORTED);
        T_EQ(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, "sha256:ABCD"), HULL_EPARSE);
        T_EQ(hull_filter_check_digest(f, HULL_FILTER_DIGEST_IN, "nocolon"), HULL_EPARSE);
        hull_filter_free(f);
}

TEST(filter_read_copy_api) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        size_t n, total = 0, plain_n = 0;
        unsigned char *plain, *got, buf[333];
        int r;

        make_tree();
        plain = slurp("plain.tar", &plain_n);
        got = malloc(plain_n + 1);
        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth("plain.tar.zst"), &d));
        T_OK(hull_filter_new(&f, s, NULL, &d));
        while ((r = hull_filter_read(f, buf, sizeof(buf), &n)) == HULL_OK && n > 0) {
                if (total + n > plain_n)
                        break;
                memcpy(got + total, buf, n);
                total += n;
        }
        T_OK(r);
        T_EQ(total, plain_n);
        T_TRUE(memcmp(got, plain, plain_n) == 0);
        T_EQ(hull_filter_stats(f)->out_bytes, plain_n);
        hull_filter_free(f);
        free(plain);
        free(got);
}

TEST(media_type_mismatch) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_filter_opts o = {.media_type = "application/vnd.oci.image.layer.v1.tar+zstd"};

        make_tree();
        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth("plain.tar.gz"), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        T_OK(hull_filter_drain(f));
        T_EQ(hull_filter_stats(f)->kind, HULL_FILTER_GZIP);
        T_TRUE(hull_filter_stats(f)->type_mismatch);
        T_EQ(hull_filter_stats(f)->warnings, 1);
        T_TRUE(strstr(hull_filter_last_warning(f), "zstd") != NULL);
        hull_filter_free(f);

        o.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
        T_OK(hull_source_open_file(&s, pth("plain.tar.gz"), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        T_OK(hull_filter_drain(f));
        T_TRUE(!hull_filter_stats(f)->type_mismatch);
        T_EQ(hull_filter_stats(f)->warnings, 0);
        hull_filter_free(f);
}

static int digests_with(const char *file, bool no_in, bool no_out, int *ret_in, int *ret_out) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_filter_opts o = {.no_in_digest = no_in, .no_out_digest = no_out};
        uint8_t dg[32];
        int r;

        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth(file), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        r = hull_filter_drain(f);
        *ret_in = hull_filter_digest(f, HULL_FILTER_DIGEST_IN, dg);
        *ret_out = hull_filter_digest(f, HULL_FILTER_DIGEST_OUT, dg);
        hull_filter_free(f);
        return r;
}

TEST(digest_sides) {
        int in, out;

        make_tree();
        T_OK(digests_with("plain.tar.gz", true, true, &in, &out));
        T_EQ(in, HULL_EINVAL);
        T_EQ(out, HULL_EINVAL);
        T_OK(digests_with("plain.tar.gz", false, true, &in, &out));
        T_EQ(in, HULL_OK);
        T_EQ(out, HULL_EINVAL);
        T_OK(digests_with("plain.tar.zst", true, false, &in, &out));
        T_EQ(in, HULL_EINVAL);
        T_EQ(out, HULL_OK);
        /* plain: one hash serves both sides */
        T_OK(digests_with("plain.tar", true, false, &in, &out));
        T_EQ(in, HULL_OK);
        T_EQ(out, HULL_OK);
        T_OK(digests_with("plain.tar", true, true, &in, &out));
        T_EQ(in, HULL_EINVAL);
        T_EQ(out, HULL_EINVAL);
}

TEST(unsupported_codecs) {
        struct walk *x = walk_new(), *b = walk_new();
        make_tree();
        if (system("command -v xz >/dev/null && command -v bzip2 >/dev/null") != 0) {
                printf("# xz or bzip2 not installed: skipped\n");
        } else {
                T_OK(t_sh("xz -c plain.tar > plain.tar.xz && bzip2 -c plain.tar > plain.tar.bz2"));
                T_EQ(walk_file(x, "plain.tar.xz", 0), HULL_EUNSUPPORTED);
                T_EQ(walk_file(b, "plain.tar.bz2", 0), HULL_EUNSUPPORTED);
                T_TRUE(strstr(x->d.msg, "xz") != NULL);
        }
        free(x), free(b);
}

/* --- tests: damaged compressed input ------------------------------------- */

static void check_corrupt(const char *file, const char *what) {
        struct walk *w = walk_new();
        T_EQ(walk_file(w, file, 4096), HULL_ECORRUPT);
        T_TRUE(w->d.offset != ~0ULL);
        T_TRUE(strstr(w->d.msg, what) != NULL);
        T_TRUE(strstr(w->d.file, file) != NULL);
        if (!strstr(w->d.msg, what))
                print_diag(&w->d);
        free(w);
}

TEST(truncated_gzip) {
        size_t n;
        unsigned char *p;

        make_tree();
        p = slurp("plain.tar.gz", &n);
        write_file("cut.gz", p, n - 100);
        write_file("cut2.gz", p, n / 2);
        write_file("cut3.gz", p, 5);     /* inside the gzip header */
        write_file("cut4.gz", p, n - 4); /* inside the trailer */
        free(p);
        check_corrupt("cut.gz", "truncated gzip");
        check_corrupt("cut2.gz", "truncated gzip");
        check_corrupt("cut3.gz", "truncated gzip");
        check_corrupt("cut4.gz", "truncated gzip");
        {
                struct walk *w = walk_new();
                T_EQ(walk_file(w, "cut2.gz", 0), HULL_ECORRUPT);
                T_TRUE(w->d.offset > 0 && w->d.offset <= n / 2);
                free(w);
        }
}

TEST(corrupt_gzip) {
        size_t n;
        unsigned char *p;

        make_tree();
        p = slurp("plain.tar.gz", &n);
        p[n - 6] ^= 0x40; /* CRC-32 in the trailer */
        write_file("crc.gz", p, n);
        p[n - 6] ^= 0x40;
        memset(p + n / 3, 0xff, 64); /* deflate data */
        write_file("bad.gz", p, n);
        free(p);
        check_corrupt("crc.gz", "checksum");
        check_corrupt("bad.gz", "corrupt gzip");
}

TEST(truncated_zstd) {
        size_t n;
        unsigned char *p;

        make_tree();
        p = slurp("plain.tar.zst", &n);
        write_file("cut.zst", p, n - 100);
        write_file("cut2.zst", p, n / 2);
        write_file("cut3.zst", p, 6);
        memset(p + n / 3, 0x55, 64);
        write_file("bad.zst", p, n);
        free(p);
        check_corrupt("cut.zst", "truncated zstd");
        check_corrupt("cut2.zst", "truncated zstd");
        check_corrupt("cut3.zst", "truncated zstd");
        check_corrupt("bad.zst", "zstd");
}

static long maxrss_kb(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

TEST(bomb_gzip) {
        struct walk *w = walk_new();
        long rss0 = maxrss_kb();

        /* 2 GiB of zeros: 32 gzip members of 64 MiB (gzip -6 reaches 1030:1) */
        T_OK(t_sh("head -c 64M /dev/zero | gzip -6 > z64.gz && "
                  "for i in 1 2 3 4 5 6 7 8; do cat z64.gz z64.gz z64.gz z64.gz; done > bomb.gz"));
        T_EQ(walk_file(w, "bomb.gz", 65536), HULL_ELIMIT);
        T_TRUE(strstr(w->d.msg, "decompression bomb") != NULL);
        T_TRUE(strstr(w->d.file, "bomb.gz") != NULL);
        T_TRUE(w->d.offset != ~0ULL && w->d.offset < (1u << 20));
        T_TRUE(w->fs.out_bytes < HULL_DECOMPRESSION_RATIO_GRACE + (2u << 20));
        T_TRUE(w->secs < 2.0);
        T_TRUE(maxrss_kb() - rss0 < 64 * 1024);
        print_diag(&w->d);
        free(w);
}

TEST(bomb_zstd) {
        struct walk *w = walk_new();
        long rss0 = maxrss_kb();

        T_OK(t_sh("head -c 64M /dev/zero | zstd -q -19 > z64.zst && "
                  "for i in 1 2 3 4 5 6 7 8; do cat z64.zst z64.zst z64.zst z64.zst; done > "
                  "bomb.zst"));
        T_EQ(walk_file(w, "bomb.zst", 65536), HULL_ELIMIT);
        T_TRUE(strstr(w->d.msg, "decompression bomb") != NULL);
        T_TRUE(w->fs.out_bytes < HULL_DECOMPRESSION_RATIO_GRACE + (2u << 20));
        T_TRUE(w->secs < 2.0);
        T_TRUE(maxrss_kb() - rss0 < 64 * 1024);
        free(w);
}

TEST(size_limit) {
        /* a bomb below the ratio limit (gzip -1 makes 229:1) stops at the size
         * limit; here a small one stands in for HULL_MAX_LAYER_BYTES */
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_filter_opts o = {.max_bytes = 32u << 20};
        int r;

        T_OK(t_sh("head -c 64M /dev/zero | gzip -1 > z64-1.gz"));
        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth("z64-1.gz"), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        r = hull_filter_drain(f);
        T_EQ(r, HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "exceeds the limit") != NULL);
        T_TRUE(hull_filter_stats(f)->out_bytes <= (32u << 20));
        T_EQ(hull_filter_drain(f), HULL_ELIMIT); /* sticky */
        hull_filter_free(f);

        /* plain input obeys the size limit too; a custom ratio limit applies */
        hull_diag_init(&d);
        make_tree();
        o.max_bytes = 1u << 20;
        T_OK(hull_source_open_file(&s, pth("plain.tar"), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        T_EQ(hull_filter_drain(f), HULL_ELIMIT);
        hull_filter_free(f);

        hull_diag_init(&d);
        o.max_bytes = 0;
        o.max_ratio = 100;
        T_OK(hull_source_open_file(&s, pth("z64-1.gz"), &d));
        T_OK(hull_filter_new(&f, s, &o, &d));
        T_EQ(hull_filter_drain(f), HULL_ELIMIT);
        T_TRUE(strstr(d.msg, "100:1") != NULL);
        hull_filter_free(f);
}

/* --- tests: tar entries -------------------------------------------------- */

TEST(hostile_names) {
        struct tb t = {0};
        struct walk *w = walk_new();
        char longname[5000];

        memset(longname, 'n', sizeof(longname) - 1);
        longname[sizeof(longname) - 1] = '\0';
        tb_add(&t, "./", '5', NULL, 0, NULL);
        tb_add(&t, "./etc/", '5', NULL, 0, NULL);
        tb_add(&t, "./etc//passwd", '0', "root:x:0:0\n", 11, NULL);
        tb_add(&t, "/abs/file", '0', "abs", 3, NULL);
        tb_add(&t, "../evil", '0', "evil", 4, NULL);
        tb_add(&t, "a/../../evil2", '0', "evil", 4, NULL);
        tb_add(&t, "a/./b/../c", '0', "c", 1, NULL);
        tb_add(&t, "etc/.wh.shadow", '0', NULL, 0, NULL);
        tb_add(&t, "var/cache/.wh..wh..opq", '0', NULL, 0, NULL);
        tb_add(&t, ".wh..wh..opq", '0', NULL, 0, NULL);
        tb_add(&t, ".wh.top", '0', NULL, 0, NULL);
        tb_add(&t, ".wh..wh.plnk/123", '0', NULL, 0, NULL); /* AUFS: silent skip */
        tb_add(&t, "x/.wh..wh.aufs", '0', NULL, 0, NULL);   /* AUFS: silent skip */
        tb_add(&t, "x/.wh.", '0', NULL, 0, NULL);           /* names nothing */
        tb_add(&t, "hl", '1', NULL, 0, "./etc//passwd");
        tb_add(&t, "hl-evil", '1', NULL, 0, "../../etc/shadow");
        tb_add(&t, "sl", '2', NULL, 0, "../../etc/shadow");
        tb_add(&t, "sl-abs", '2', NULL, 0, "/etc/shadow");
        tb_add(&t, "bad-\xff\xfe-utf8", '0', "u", 1, NULL);
        tb_add(&t, "dup", '0', "one", 3, NULL);
        tb_add(&t, "dup", '0', "two!", 4, NULL);
        tb_add(&t, longname, '0', "long", 4, NULL);
        tb_add(&t, "dev/null", '3', NULL, 0, NULL);
        tb_add(&t, "dev/sda", '4', NULL, 0, NULL);
        tb_add(&t, ".", '0', "root-file", 9, NULL); /* a file named like the root */
        tb_end(&t);
        T_OK(walk_mem(w, t.p, t.n, 100));
        T_STREQ(w->list, "D  0 fixed\n"
                         "D etc 0 fixed\n"
                         "F etc/passwd 11 fixed =root:x:0:0\n\n"
                         "F abs/file 3 fixed =abs\n"
                         "F a/c 1 fixed =c\n"
                         "W etc/shadow 0\n"
                         "O var/cache 0\n"
                         "O  0\n"
                         "W top 0\n"
                         "H hl -> etc/passwd 0\n"
                         "L sl -> ../../etc/shadow 0\n"
                         "L sl-abs -> /etc/shadow 0\n"
                         "F bad-\xff\xfe-utf8 1 =u\n"
                         "F dup 3 =one\n"
                         "F dup 4 =two!\n"
                         "C dev/null 0\n"
                         "B dev/sda 0\n");
        /* skipped: ../evil, a/../../evil2, two AUFS names, x/.wh., hl-evil,
         * the long name, the file named "." */
        T_EQ(w->st.skipped, 8);
        T_EQ(w->st.entries, 17);
        T_EQ(w->warns, 6); /* AUFS names are skipped silently */
        T_EQ(w->st.warnings, 6);
        free(t.p);
        free(w);
}

TEST(pax_names) {
        struct walk *w = walk_new();
        char want[256];

        /* pax headers carry UTF-8 (and here invalid UTF-8) names: kept as bytes */
        T_OK(t_sh("mkdir -p pax/d && printf a > \"pax/d/$(printf 'caf\\303\\251')\" && "
                  "printf b > \"pax/d/$(printf 'bad\\377')\" && "
                  "tar --format=pax --sort=name -C pax -cf pax.tar d"));
        T_OK(walk_file(w, "pax.tar", 16));
        snprintf(want, sizeof(want), "D d 0\nF d/bad\xff 1 =b\nF d/caf\xc3\xa9 1 =a\n");
        T_STREQ(w->list, want);
        T_EQ(w->warns, 0);
        free(w);
}

TEST(damaged_header) {
        struct tb t = {0};
        struct walk *w = walk_new();
        char big[2000];
        size_t second;

        memset(big, 'b', sizeof(big));
        tb_add(&t, "first", '0', "1", 1, NULL);
        second = t.n;
        tb_add(&t, "second", '0', big, sizeof(big), NULL);
        tb_add(&t, "third", '0', "3", 1, NULL);
        tb_end(&t);
        t.p[second + 148] ^= 0x01; /* header checksum */
        T_OK(walk_mem(w, t.p, t.n, 100));
        T_STREQ(w->list, "F first 1 =1\nF third 1 =3\n");
        T_EQ(w->st.damaged, 1);
        T_EQ(w->warns, 1);
        T_TRUE(strstr(w->lastwarn, "damaged") != NULL);
        T_TRUE(strncmp(w->lastwarn, "1024:", 5) == 0); /* the damaged header's offset */
        free(t.p);
        free(w);
}

TEST(truncated_tar) {
        struct tb t = {0};
        struct walk *w = walk_new(), *w2 = walk_new(), *w3 = walk_new();
        char big[3000];

        memset(big, 'b', sizeof(big));
        tb_add(&t, "first", '0', "1", 1, NULL);
        tb_add(&t, "second", '0', big, sizeof(big), NULL);
        tb_add(&t, "third", '0', "3", 1, NULL);
        /* inside the content of "second" */
        T_EQ(walk_mem(w, t.p, 2000, 100), HULL_ECORRUPT);
        T_TRUE(strstr(w->d.msg, "truncated tar") != NULL);
        T_EQ(w->d.offset, 2000);
        /* inside a header */
        T_EQ(walk_mem(w2, t.p, t.n - 100, 0), HULL_ECORRUPT);
        T_TRUE(strstr(w2->d.msg, "truncated tar") != NULL);
        /* exactly between entries, no end marker: a warning */
        T_OK(walk_mem(w3, t.p, t.n, 0));
        T_EQ(w3->st.entries, 3);
        T_EQ(w3->warns, 1);
        T_TRUE(strstr(w3->lastwarn, "end-of-archive") != NULL);
        free(t.p);
        free(w), free(w2), free(w3);
}

TEST(empty_and_not_tar) {
        struct walk *a = walk_new(), *b = walk_new(), *c = walk_new(), *d = walk_new(),
                    *e = walk_new();
        static const unsigned char zeros[1024];
        static const char text[] = "this is not a tar archive, just some text\n";

        T_OK(walk_mem(a, zeros, sizeof(zeros), 0)); /* two zero blocks */
        T_EQ(a->st.entries, 0);
        T_OK(walk_mem(b, "", 0, 0)); /* a 0-byte layer */
        T_EQ(b->st.entries, 0);
        T_STREQ(b->dout, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        T_OK(t_sh("mkdir -p emptydir && tar -C emptydir -cf empty.tar . && gzip -c empty.tar > "
                  "empty.tar.gz"));
        T_OK(walk_file(c, "empty.tar.gz", 0));
        T_EQ(c->st.entries, 1); /* "./" */
        T_EQ(walk_mem(d, text, sizeof(text) - 1, 0), HULL_EPARSE);
        T_TRUE(strstr(d->d.msg, "not a tar") != NULL);
        T_OK(t_sh("printf 'not a tar either' | gzip > nt.gz"));
        T_EQ(walk_file(e, "nt.gz", 0), HULL_EPARSE);
        free(a), free(b), free(c), free(d), free(e);
}

TEST(sparse_file) {
        struct walk *w = walk_new();
        struct hull_diag dd;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        const struct hull_entry *e;
        unsigned char buf[4096];
        size_t n, total = 0, nonzero = 0;

        T_OK(t_sh(
                "mkdir -p sp && truncate -s 3M sp/sparse && printf DATA | dd of=sp/sparse bs=1 "
                "seek=1500000 conv=notrunc status=none && tar --format=gnu -S -C sp -cf sparse.tar "
                "sparse"));
        hull_diag_init(&dd);
        T_OK(hull_source_open_file(&s, pth("sparse.tar"), &dd));
        T_OK(hull_filter_new(&f, s, NULL, &dd));
        T_OK(hull_tar_open(&t, f, 0, "sparse.tar", &dd));
        T_OK(hull_tar_next(t, &e));
        T_TRUE(e != NULL);
        if (e) {
                T_STREQ(e->path, "sparse");
                T_EQ(e->size, 3u << 20);
        }
        while (hull_tar_read(t, buf, sizeof(buf), &n) == HULL_OK && n > 0) {
                for (size_t i = 0; i < n; i++)
                        if (buf[i]) {
                                T_TRUE(total + i >= 1500000 && total + i < 1500004);
                                nonzero++;
                        }
                total += n;
        }
        T_EQ(total, 3u << 20);
        T_EQ(nonzero, 4);
        T_OK(hull_tar_next(t, &e));
        T_TRUE(e == NULL);
        T_OK(hull_tar_close(t));
        T_EQ(hull_tar_next(t, &e), HULL_EINVAL);
        hull_tar_free(t);
        free(w);
}

TEST(read_block_zero_copy) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct hull_tar *t = NULL;
        const struct hull_entry *e;
        const void *b;
        size_t n, blocks = 0, total = 0;

        make_tree();
        hull_diag_init(&d);
        T_OK(hull_source_open_file(&s, pth("plain.tar.gz"), &d));
        T_OK(hull_filter_new(&f, s, NULL, &d));
        T_OK(hull_tar_open(&t, f, 0, NULL, &d));
        while (hull_tar_next(t, &e) == HULL_OK && e) {
                if (strcmp(e->path, "big") != 0)
                        continue;
                while (hull_tar_read_block(t, &b, &n) == HULL_OK && n > 0) {
                        const unsigned char *p = b;
                        for (size_t i = 0; i < n; i++)
                                T_TRUE(p[i] == 'z');
                        blocks++;
                        total += n;
                }
        }
        T_EQ(total, 5u << 20);
        T_TRUE(blocks >= 5 && blocks < 64); /* filter-sized chunks, not tiny ones */
        T_OK(hull_tar_close(t));
        hull_tar_free(t);
}

/* --- tests: sources ------------------------------------------------------ */

TEST(fd_window) {
        struct walk *w = walk_new(), *w2 = walk_new();
        struct hull_source *s = NULL;
        size_t n;
        unsigned char *p;
        char want_in[72];
        int fd;

        make_tree();
        T_OK(t_sh("{ printf 'PREFIX--'; cat plain.tar.gz; printf -- '--SUFFIX'; } > window.bin"));
        p = slurp("plain.tar.gz", &n);
        free(p);
        sha256sum("plain.tar.gz", want_in);
        fd = open(pth("window.bin"), O_RDONLY | O_CLOEXEC);
        T_TRUE(fd >= 0);
        T_OK(hull_source_new_fd(&s, fd, 8, n, false, "window.bin:layer", &w->d));
        T_OK(walk_src(w, s, NULL, 4096));
        T_STREQ(w->din, want_in);
        T_EQ(w->st.entries, 11);
        /* a window past the end of the file: truncated */
        T_OK(hull_source_new_fd(&s, fd, 8, n + 1000, false, "window.bin:layer", &w2->d));
        T_EQ(walk_src(w2, s, NULL, 0), HULL_ECORRUPT);
        T_TRUE(strstr(w2->d.msg, "truncated") != NULL);
        T_EQ(w2->d.offset, n + 8);
        close(fd);
        free(w), free(w2);
}

TEST(pipe_source) {
        struct walk *w = walk_new();
        struct hull_source *s = NULL;
        struct hull_diag d;
        char want_in[72], cmd[600];
        FILE *p;

        make_tree();
        sha256sum("plain.tar.zst", want_in);
        snprintf(cmd, sizeof(cmd), "cat '%s'", pth("plain.tar.zst"));
        p = popen(cmd, "r");
        T_TRUE(p != NULL);
        if (!p)
                return;
        T_OK(hull_source_new_fd(&s, fileno(p), 0, HULL_SOURCE_SIZE_UNKNOWN, false, "pipe", &w->d));
        T_OK(walk_src(w, s, NULL, 4096));
        T_STREQ(w->din, want_in);
        pclose(p);
        p = popen("true", "r");
        hull_diag_init(&d);
        T_EQ(hull_source_new_fd(&s, fileno(p), 5, HULL_SOURCE_SIZE_UNKNOWN, false, "pipe", &d),
             HULL_EINVAL);
        pclose(p);
        free(w);
}

static ssize_t failing_read(void *ud, void *buf, size_t n) {
        int *calls = ud;
        if ((*calls)++ > 0)
                return -EIO;
        memcpy(buf, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", n < 10 ? n : 10);
        return n < 10 ? (ssize_t)n : 10;
}

static const struct hull_source_ops failing_ops = {.kind = "test", .read = failing_read};

TEST(source_errors) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        int calls = 0;
        char line[1200];

        hull_diag_init(&d);
        T_EQ(hull_source_open_file(&s, pth("does-not-exist"), &d), HULL_EIO);
        T_EQ(d.saved_errno, ENOENT);

        hull_diag_init(&d);
        T_OK(hull_source_new(&s, &failing_ops, &calls, "flaky", HULL_SOURCE_SIZE_UNKNOWN, &d));
        T_OK(hull_filter_new(&f, s, NULL, &d));
        T_EQ(hull_filter_drain(f), HULL_EIO);
        T_EQ(d.offset, 10);
        T_EQ(d.saved_errno, EIO);
        hull_diag_format(&d, line, sizeof(line));
        T_TRUE(strstr(line, "flaky: offset 10: error:") != NULL);
        T_EQ(hull_filter_drain(f), HULL_EIO);
        hull_filter_free(f);
}

/* A source handing out 1 to 7 bytes per read: headers, members and frames
 * split at every possible place. */
struct trickle {
        const unsigned char *p;
        size_t n, pos;
        unsigned step;
};

static ssize_t trickle_read(void *ud, void *buf, size_t n) {
        struct trickle *t = ud;
        size_t k = 1 + t->step++ % 7;
        if (k > n)
                k = n;
        if (k > t->n - t->pos)
                k = t->n - t->pos;
        memcpy(buf, t->p + t->pos, k);
        t->pos += k;
        return (ssize_t)k;
}

static const struct hull_source_ops trickle_ops = {.kind = "trickle", .read = trickle_read};

/* gzip member with FTEXT FHCRC FEXTRA FNAME FCOMMENT, body "stored" */
static size_t gzip_all_flags(unsigned char *out, const char *text) {
        static const unsigned char head[] = {0x1f, 0x8b, 8,   0x1f, 0,   0,   0,   0,   0,   3,
                                             4,    0,    'a', 'b',  0,   0,   'n', 'a', 'm', 'e',
                                             0,    'c',  'o', 'm',  'm', 'e', 'n', 't', 0};
        size_t n = strlen(text), o = sizeof(head);
        uint32_t crc = 0xffffffffu;

        memcpy(out, head, sizeof(head));
        /* header crc: low 16 bits of the CRC-32 of the header so far */
        for (size_t i = 0; i < o; i++) {
                crc ^= out[i];
                for (int b = 0; b < 8; b++)
                        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
        }
        crc = ~crc;
        out[o++] = (unsigned char)crc;
        out[o++] = (unsigned char)(crc >> 8);
        /* one final stored block */
        out[o++] = 1;
        out[o++] = (unsigned char)n;
        out[o++] = (unsigned char)(n >> 8);
        out[o++] = (unsigned char)~n;
        out[o++] = (unsigned char)(~n >> 8);
        memcpy(out + o, text, n);
        o += n;
        crc = 0xffffffffu;
        for (size_t i = 0; i < n; i++) {
                crc ^= (unsigned char)text[i];
                for (int b = 0; b < 8; b++)
                        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
        }
        crc = ~crc;
        for (int i = 0; i < 4; i++)
                out[o++] = (unsigned char)(crc >> (8 * i));
        for (int i = 0; i < 4; i++)
                out[o++] = (unsigned char)(n >> (8 * i));
        return o;
}

static void trickle_check(const unsigned char *p, size_t n, const char *want, size_t want_n,
                          uint64_t members) {
        struct hull_diag d;
        struct hull_source *s = NULL;
        struct hull_filter *f = NULL;
        struct trickle t = {p, n, 0, 0};
        unsigned char *got = malloc(want_n + 1);
        size_t total = 0, k;
        int r;

        hull_diag_init(&d);
        T_OK(hull_source_new(&s, &trickle_ops, &t, "trickle", n, &d));
        T_OK(hull_filter_new(&f, s, NULL, &d));
        while ((r = hull_filter_read(f, got + total, want_n + 1 - total, &k)) == HULL_OK && k > 0)
                total += k;
        T_OK(r);
        if (r)
                print_diag(&d);
        T_EQ(total, want_n);
        T_TRUE(total == want_n && memcmp(got, want, want_n) == 0);
        T_EQ(hull_filter_stats(f)->members, members);
        hull_filter_free(f);
        free(got);
}

TEST(trickle_source) {
        static const char a[] = "first member, all header flags\n";
        static const char b[] = "second member\n";
        unsigned char buf[512];
        size_t n, m, pn;
        unsigned char *p;
        char want[128];

        n = gzip_all_flags(buf, a);
        m = gzip_all_flags(buf + n, b);
        snprintf(want, sizeof(want), "%s%s", a, b);
        trickle_check(buf, n, a, strlen(a), 1);
        trickle_check(buf, n + m, want, strlen(want), 2);

        make_tree();
        T_OK(t_sh("head -c 200000 plain.tar > part.tar && gzip -c part.tar > part.tar.gz && "
                  "zstd -q -c part.tar > part.tar.zst && gzip -c part.tar >> part.tar.gz"));
        p = slurp("part.tar", &pn);
        {
                unsigned char *q, *twice = malloc(2 * pn);
                size_t qn;
                memcpy(twice, p, pn);
                memcpy(twice + pn, p, pn);
                q = slurp("part.tar.gz", &qn);
                trickle_check(q, qn, (const char *)twice, 2 * pn, 2);
                free(q);
                q = slurp("part.tar.zst", &qn);
                trickle_check(q, qn, (const char *)p, pn, 1);
                free(q);
                trickle_check(p, pn, (const char *)p, pn, 0);
                free(twice);
        }
        free(p);
}

/* --- failure injection --------------------------------------------------- */

TEST(alloc_failures) {
        struct tb t = {0};
        unsigned long n;
        int ok_seen = 0;

        tb_add(&t, "./etc/", '5', NULL, 0, NULL);
        tb_add(&t, "etc/passwd", '0', "root:x:0:0\n", 11, NULL);
        tb_add(&t, "../evil", '0', "e", 1, NULL);
        tb_end(&t);
        T_OK(t_sh("printf 'x' > fi.bin")); /* makes sure t_tmp() exists before injection */
        write_file("fi.tar", t.p, t.n);
        T_OK(t_sh("gzip -c fi.tar > fi.tar.gz && zstd -q -c fi.tar > fi.tar.zst"));
        for (int which = 0; which < 3; which++) {
                const char *file = which == 0 ? "fi.tar" : which == 1 ? "fi.tar.gz" : "fi.tar.zst";
                char path[512];
                snprintf(path, sizeof(path), "%s", pth(file));
                for (n = 1; n < 100; n++) {
                        struct walk *w = walk_new();
                        struct hull_source *s = NULL;
                        int r;
                        hull_alloc_fail_after(n);
                        r = hull_source_open_file(&s, path, &w->d);
                        if (r == HULL_OK)
                                r = walk_src(w, s, NULL, 7);
                        hull_alloc_fail_after(0);
                        if (r != HULL_OK && r != HULL_ENOMEM) {
                                T_FAIL_AT("%s: allocation %lu: unexpected %d", file, n, r);
                                print_diag(&w->d);
                        }
                        if (r == HULL_ENOMEM)
                                T_EQ(w->d.code, HULL_ENOMEM);
                        free(w);
                        if (r == HULL_OK) {
                                ok_seen++;
                                break;
                        }
                }
        }
        T_EQ(ok_seen, 3);
        free(t.p);
}

T_MAIN()
