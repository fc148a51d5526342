/* test_content.c - the content walker (src/secrets/content.c).
 *
 * Inputs are built in memory at test time (libarchive writes the zip, tar
 * and gzip files, libzstd the zstd ones), so the test needs no tools and no
 * stored blobs.  Secrets are found by one test-local rule compiled with
 * hull_secrets_compile(), so the test does not depend on the wording of the
 * built-in rules: TOKEN below, a made-up prefix and 24 random characters.
 * Every case is also fed one byte at a time (or in odd chunks for the big
 * ones) and must give the same hits and notes as the whole buffer. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zstd.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "secrets/checksum.h"
#include "secrets/content.h"
#include "secrets/engine.h"
#include "secrets/rule.h"
#include "t.h"

#define TOKEN "hulltok_Q7fZ2mK9pX4vR8sT1wY6bN3c"

static const struct hull_secret_rule test_rule = {
        .id = "test-token",
        .title = "test token",
        .severity = HULL_SEV_HIGH,
        .regex = "hulltok_[A-Za-z0-9]{24}",
        .span = 64,
};

static struct hull_secrets *rules(void) {
        static struct hull_secrets *s;
        const struct hull_secret_rule *v[] = {&test_rule};
        struct hull_diag d;

        if (!s) {
                hull_diag_init(&d);
                if (hull_secrets_compile(v, 1, NULL, 0, &s, &d) != HULL_OK) {
                        printf("# cannot compile the test rule: %s\n", d.msg);
                        exit(1);
                }
        }
        return s;
}

/* --- what a walk reports --------------------------------------------------- */

#define MAX_EVENTS 128

struct hit {
        char rule[64], secret[64], inner[512], enc[64];
        uint64_t offset;
        unsigned line, col;
        bool has_inner, has_enc;
};

struct result {
        struct hit hits[MAX_EVENTS];
        size_t nhits;
        char notes[MAX_EVENTS][768];
        size_t nnotes;
        int rc;
};

static int on_hit(void *ud, const struct hull_secret_hit *h) {
        struct result *r = ud;
        struct hit *x;

        if (r->nhits == MAX_EVENTS)
                return HULL_OK;
        x = &r->hits[r->nhits++];
        memset(x, 0, sizeof(*x));
        snprintf(x->rule, sizeof(x->rule), "%s", h->rule->id);
        snprintf(x->secret, sizeof(x->secret), "%.*s", (int)h->secret_len, h->secret);
        x->has_inner = h->inner != NULL;
        x->has_enc = h->encoding != NULL;
        snprintf(x->inner, sizeof(x->inner), "%s", h->inner ? h->inner : "(none)");
        snprintf(x->enc, sizeof(x->enc), "%s", h->encoding ? h->encoding : "(none)");
        x->offset = h->offset;
        x->line = h->line;
        x->col = h->col;
        return HULL_OK;
}

static void on_note(void *ud, const char *path, const char *inner, const char *msg) {
        struct result *r = ud;

        printf("# note: %s%s%s: %s\n", path, inner ? "!/" : "", inner ? inner : "", msg);
        if (r->nnotes < MAX_EVENTS)
                snprintf(r->notes[r->nnotes++], sizeof(r->notes[0]), "%s|%s",
                         inner ? inner : "(none)", msg);
}

static struct hull_content_walker *walker(void) {
        static struct hull_content_walker *w;

        if (!w && hull_content_walker_new(rules(), &w) != HULL_OK) {
                printf("# cannot make a walker\n");
                exit(1);
        }
        return w;
}

/* Walk data[0..n) as file `path`, in chunks of `chunk` bytes (0: one). */
static void walk(const char *path, const void *data, size_t n, size_t chunk, uint64_t max_file,
                 struct result *r) {
        struct hull_content_opts o = {
                .max_file_bytes = max_file, .hit = on_hit, .note = on_note, .ud = r};
        struct hull_content_walker *w = walker();
        const unsigned char *p = data;
        int rc;

        memset(r, 0, sizeof(*r));
        rc = hull_content_begin(w, path, chunk ? UINT64_MAX : n, &o);
        if (chunk == 0)
                chunk = n ? n : 1;
        for (size_t at = 0; rc == HULL_OK && at < n; at += chunk)
                rc = hull_content_data(w, p + at, n - at < chunk ? n - at : chunk);
        int rc2 = hull_content_end(w);
        r->rc = rc ? rc : rc2;
}

static bool has_note(const struct result *r, const char *inner, const char *needle) {
        for (size_t i = 0; i < r->nnotes; i++) {
                size_t k = strlen(inner);
                if (strncmp(r->notes[i], inner, k) == 0 && r->notes[i][k] == '|' &&
                    strstr(r->notes[i] + k + 1, needle))
                        return true;
        }
        return false;
}

static bool has_note_any(const struct result *r, const char *needle) {
        for (size_t i = 0; i < r->nnotes; i++)
                if (strstr(r->notes[i], needle))
                        return true;
        return false;
}

static bool same(const struct result *a, const struct result *b) {
        if (a->nhits != b->nhits || a->nnotes != b->nnotes || a->rc != b->rc)
                return false;
        for (size_t i = 0; i < a->nhits; i++)
                if (memcmp(&a->hits[i], &b->hits[i], sizeof(a->hits[i])) != 0)
                        return false;
        for (size_t i = 0; i < a->nnotes; i++)
                if (strcmp(a->notes[i], b->notes[i]) != 0)
                        return false;
        return true;
}

/* Walk whole, then in `chunk`-byte pieces: both must agree. */
static void walk_both(const char *path, const void *data, size_t n, size_t chunk, uint64_t max_file,
                      struct result *r) {
        static struct result again;

        walk(path, data, n, 0, max_file, r);
        walk(path, data, n, chunk, max_file, &again);
        if (!same(r, &again))
                T_FAIL_AT("%s: fed in %zu-byte chunks, the walk differs (%zu/%zu hits, %zu/%zu "
                          "notes)",
                          path, chunk, r->nhits, again.nhits, r->nnotes, again.nnotes);
}

/* --- inputs ---------------------------------------------------------------- */

struct member {
        const char *name;
        const void *data;
        size_t len;
        size_t zeros; /* then this many zero bytes (bombs), written in pieces */
};

static la_ssize_t buf_write(struct archive *a, void *ud, const void *p, size_t n) {
        (void)a;
        return hull_buf_put(ud, p, n) == HULL_OK ? (la_ssize_t)n : -1;
}

enum fmt { F_ZIP, F_ZIP_STORED, F_TAR, F_GZIP, F_ZSTD };

/* An archive (or, for F_GZIP and F_ZSTD, the compressed bytes of one
 * member) into b. */
static void make(enum fmt f, const struct member *m, size_t n, struct hull_buf *b) {
        static const unsigned char zero[1 << 16];
        struct archive *a = archive_write_new();

        hull_buf_init(b, 1u << 30);
        if (f == F_ZSTD) {
                struct hull_buf raw;
                hull_buf_init(&raw, 1u << 30);
                T_OK(hull_buf_put(&raw, m[0].data, m[0].len));
                for (size_t z = 0; z < m[0].zeros; z += sizeof(zero))
                        T_OK(hull_buf_put(&raw, zero, sizeof(zero)));
                size_t cap = ZSTD_compressBound(raw.len);
                char *out = hull_malloc(cap);
                size_t k = ZSTD_compress(out, cap, raw.data, raw.len, 3);
                T_TRUE(!ZSTD_isError(k));
                T_OK(hull_buf_put(b, out, k));
                hull_free(out);
                hull_buf_release(&raw);
                archive_write_free(a);
                return;
        }
        switch (f) {
        case F_ZIP:
        case F_ZIP_STORED:
                archive_write_set_format_zip(a);
                if (f == F_ZIP_STORED)
                        archive_write_set_options(a, "zip:compression=store");
                break;
        case F_TAR: archive_write_set_format_pax_restricted(a); break;
        default:
                archive_write_set_format_raw(a);
                archive_write_add_filter_gzip(a);
                break;
        }
        archive_write_set_bytes_in_last_block(a, 1);
        T_EQ(archive_write_open(a, b, NULL, buf_write, NULL), ARCHIVE_OK);
        for (size_t i = 0; i < n; i++) {
                struct archive_entry *e = archive_entry_new();
                archive_entry_set_pathname(e, m[i].name);
                archive_entry_set_filetype(e, AE_IFREG);
                archive_entry_set_perm(e, 0644);
                archive_entry_set_size(e, (la_int64_t)(m[i].len + m[i].zeros));
                T_EQ(archive_write_header(a, e), ARCHIVE_OK);
                if (m[i].len)
                        T_EQ(archive_write_data(a, m[i].data, m[i].len), (la_ssize_t)m[i].len);
                for (size_t z = 0; z < m[i].zeros; z += sizeof(zero))
                        archive_write_data(a, zero, sizeof(zero));
                archive_entry_free(e);
        }
        T_EQ(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
}

static void make1(enum fmt f, const char *name, const char *text, struct hull_buf *b) {
        struct member m = {name, text, strlen(text), 0};
        make(f, &m, 1, b);
}

/* n bytes of text that does not compress: lines of random letters */
static char *noise(size_t n, unsigned seed) {
        char *s = hull_malloc(n + 1);
        uint32_t x = seed * 2654435761u + 1;

        for (size_t i = 0; i < n; i++) {
                x = x * 1103515245u + 12345u;
                s[i] = i % 61 == 60 ? '\n' : (char)('a' + (x >> 16) % 26);
        }
        s[n] = '\0';
        return s;
}

static const char *const text = "# settings\nname = demo\napi_key = " TOKEN "\n";

/* --- tests ----------------------------------------------------------------- */

TEST(plain) {
        struct result r;

        walk_both("etc/app.conf", text, strlen(text), 1, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].secret, TOKEN);
        T_TRUE(!r.hits[0].has_inner && !r.hits[0].has_enc);
        T_EQ(r.hits[0].line, 3);
        T_EQ(r.hits[0].col, 11);
        T_EQ(r.nnotes, 0);

        walk_both("empty", "", 0, 1, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_EQ(r.nhits + r.nnotes, 0);
}

TEST(gzip_file) {
        struct hull_buf gz;
        struct result r;

        make1(F_GZIP, "app.conf", text, &gz);
        walk_both("app.conf.gz", gz.data, gz.len, 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].secret, TOKEN);
        T_TRUE(!r.hits[0].has_inner);
        T_STREQ(r.hits[0].enc, "gzip");
        T_EQ(r.hits[0].line, 3);
        T_EQ(r.nnotes, 0);
        hull_buf_release(&gz);
}

TEST(zstd_file) {
        struct hull_buf zs;
        struct result r;

        make1(F_ZSTD, "app.conf", text, &zs);
        walk_both("app.conf.zst", zs.data, zs.len, 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].enc, "zstd");
        T_EQ(r.nnotes, 0);
        hull_buf_release(&zs);
}

/* a jar inside a zip inside a tar.gz, member names with "./" and '/' */
TEST(nested) {
        struct hull_buf jar, zip, tar, tgz;
        struct result r;
        static const char readme[] = "nothing here\n";

        make1(F_ZIP, "config/application.yml", text, &jar);
        struct member zm[] = {{"README", readme, sizeof(readme) - 1, 0},
                              {"/lib/app.jar", jar.data, jar.len, 0}};
        make(F_ZIP, zm, 2, &zip);
        struct member tm[] = {{"./opt/bundle.zip", zip.data, zip.len, 0},
                              {"./etc/app.conf", text, strlen(text), 0}};
        make(F_TAR, tm, 2, &tar);
        struct member gm = {"x.tar", tar.data, tar.len, 0};
        make(F_GZIP, &gm, 1, &tgz);

        walk_both("x.tar.gz", tgz.data, tgz.len, 1, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_EQ(r.nhits, 2);
        T_STREQ(r.hits[0].inner, "opt/bundle.zip!/lib/app.jar!/config/application.yml");
        T_TRUE(!r.hits[0].has_enc);
        T_EQ(r.hits[0].line, 3);
        T_STREQ(r.hits[1].inner, "etc/app.conf");
        T_EQ(r.nnotes, 0);

        /* the same zip as a member of a zip at the top: inner starts there */
        walk_both("bundle.zip", zip.data, zip.len, 7, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].inner, "lib/app.jar!/config/application.yml");

        /* too big to unpack at the top: scanned as plain bytes, with a note */
        walk("x.tar", tar.data, tar.len, 0, 1024, &r);
        T_EQ(r.nhits, 1); /* the plain member; the zip's content is deflated */
        T_TRUE(!r.hits[0].has_inner);
        T_TRUE(has_note(&r, "(none)", "over the 1 KiB limit"));
        walk("x.tar", tar.data, tar.len, 100, 1024, &r); /* size unknown: found while reading */
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "(none)", "over the 1 KiB limit"));

        hull_buf_release(&jar);
        hull_buf_release(&zip);
        hull_buf_release(&tar);
        hull_buf_release(&tgz);
}

TEST(member_names) {
        struct hull_buf tar;
        struct result r;
        struct member m[] = {{"/abs/x\001y\tz.txt", text, strlen(text), 0},
                             {"/./x/../y", text, strlen(text), 0}};

        make(F_TAR, m, 2, &tar);
        walk("t.tar", tar.data, tar.len, 0, 0, &r);
        T_EQ(r.nhits, 2);
        T_STREQ(r.hits[0].inner, "abs/x?y?z.txt");
        T_STREQ(r.hits[1].inner, "x/../y");
        hull_buf_release(&tar);
}

/* UTF-16 with and without a byte-order mark, both byte orders */
TEST(utf16) {
        static const struct {
                bool le, bom;
        } cases[] = {{true, true}, {true, false}, {false, true}, {false, false}};

        for (size_t c = 0; c < ELEMENTSOF(cases); c++) {
                size_t n = strlen(text), k = 0;
                unsigned char *u = hull_malloc(2 * n + 2);
                struct result r;

                if (cases[c].bom) {
                        u[k++] = cases[c].le ? 0xff : 0xfe;
                        u[k++] = cases[c].le ? 0xfe : 0xff;
                }
                for (size_t i = 0; i < n; i++) {
                        u[k++] = cases[c].le ? (unsigned char)text[i] : 0;
                        u[k++] = cases[c].le ? 0 : (unsigned char)text[i];
                }
                walk_both("notes.txt", u, k, 1, 0, &r);
                T_EQ(r.nhits, 1);
                T_STREQ(r.hits[0].secret, TOKEN);
                T_STREQ(r.hits[0].enc, cases[c].le ? "utf-16le" : "utf-16be");
                T_EQ(r.hits[0].line, 3);
                T_EQ(r.hits[0].col, 11);
                walk_both("notes.txt", u, k, 3, 0, &r); /* odd chunks: pairs split */
                T_EQ(r.nhits, 1);
                hull_free(u);
        }

        /* UTF-16 inside a gzip: both encodings, outermost first */
        unsigned char u[512];
        size_t k = 0, n = strlen(text);
        struct hull_buf gz;
        struct result r;
        u[k++] = 0xff;
        u[k++] = 0xfe;
        for (size_t i = 0; i < n; i++) {
                u[k++] = (unsigned char)text[i];
                u[k++] = 0;
        }
        struct member m = {"n.txt", u, k, 0};
        make(F_GZIP, &m, 1, &gz);
        walk_both("n.txt.gz", gz.data, gz.len, 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].enc, "gzip+utf-16le");
        hull_buf_release(&gz);
}

/* printable runs inside binary content, NULs on both sides */
TEST(binary) {
        unsigned char b[8192];
        size_t n = strlen(TOKEN);
        struct result r;

        memset(b, 0, sizeof(b));
        memcpy(b, "\177ELF\2\1\1", 7);
        for (size_t i = 64; i < 4096; i += 3)
                b[i] = (unsigned char)(i * 7);
        memcpy(b + 5000, TOKEN, n);
        walk_both("usr/bin/app", b, sizeof(b), 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].secret, TOKEN);
        T_TRUE(!r.hits[0].has_enc);
        T_EQ(r.hits[0].offset, 5000);

        /* NUL-separated strings at the very start do not look like UTF-16 */
        memset(b, 0, sizeof(b));
        memcpy(b + 3, TOKEN, n);
        walk_both("blob", b, 200, 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(!r.hits[0].has_enc);
}

/* 100 MB of zeros behind the secret: deflated, then gzip'd; and nested
 * deeper than the limit */
TEST(bombs) {
        struct member m[] = {{"a.conf", text, strlen(text), 0}, {"zeros.bin", NULL, 0, 100u << 20}};
        struct member g = {"zeros", text, strlen(text), 100u << 20};
        struct hull_buf zip, gz, zs, nest, tmp;
        struct result r;
        clock_t t0 = clock();

        make(F_ZIP, m, 2, &zip);
        printf("# zip bomb: %zu bytes\n", zip.len);
        /* the member's size is in its header: skipped before inflating */
        walk("bomb.zip", zip.data, zip.len, 0, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].inner, "a.conf");
        T_TRUE(has_note(&r, "zeros.bin", "100 MiB, larger than the 64 MiB limit"));
        /* with room for it, the ratio stops it */
        walk("bomb.zip", zip.data, zip.len, 0, 256u << 20, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "zeros.bin", "decompression bomb") ||
               has_note(&r, "zeros.bin", "limit for this file"));

        make(F_GZIP, &g, 1, &gz);
        printf("# gzip bomb: %zu bytes\n", gz.len);
        walk("zeros.gz", gz.data, gz.len, 0, 256u << 20, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].enc, "gzip");
        T_TRUE(has_note(&r, "(none)", "decompression bomb"));
        make(F_ZSTD, &g, 1, &zs);
        printf("# zstd bomb: %zu bytes\n", zs.len);
        walk("zeros.zst", zs.data, zs.len, 0, 256u << 20, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "(none)", "decompression bomb") ||
               has_note(&r, "(none)", "limit for this file"));

        /* 42.zip-style: 16 copies of 16 copies of a 10 MiB member */
        struct member z10 = {"z", NULL, 0, 10u << 20};
        make(F_ZIP, &z10, 1, &nest);
        for (int level = 0; level < 2; level++) {
                struct member c[16];
                char names[16][16];
                for (int i = 0; i < 16; i++) {
                        snprintf(names[i], sizeof(names[i]), "%d.zip", i);
                        c[i] = (struct member){names[i], nest.data, nest.len, 0};
                }
                make(F_ZIP, c, 16, &tmp);
                hull_buf_release(&nest);
                nest = tmp;
        }
        printf("# 42.zip-style: %zu bytes, 2560 MiB inside\n", nest.len);
        walk("42.zip", nest.data, nest.len, 0, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_TRUE(has_note_any(&r, "limit for this file") || has_note_any(&r, "decompression bomb"));
        hull_buf_release(&nest);

        /* nesting: the secret 6 zips deep is past the limit */
        make1(F_ZIP, "deep.conf", text, &nest);
        for (int level = 0; level < 5; level++) {
                struct member c = {"in.zip", nest.data, nest.len, 0};
                make(F_ZIP, &c, 1, &tmp);
                hull_buf_release(&nest);
                nest = tmp;
        }
        walk_both("deep.zip", nest.data, nest.len, 1, 0, &r);
        T_EQ(r.nhits, 0);
        T_TRUE(has_note(&r, "in.zip!/in.zip!/in.zip!/in.zip", "nested more than 4 levels deep"));
        hull_buf_release(&nest);

        printf("# bombs took %.2f s of CPU\n", (double)(clock() - t0) / CLOCKS_PER_SEC);
        hull_buf_release(&zip);
        hull_buf_release(&gz);
        hull_buf_release(&zs);
}

/* damage: what was read before it is scanned */
TEST(damaged) {
        char *junk = noise(200000, 1);
        struct member m[] = {{"a.conf", text, strlen(text), 0}, {"junk.txt", junk, 200000, 0}};
        struct member g = {"log", NULL, 0, 0};
        struct hull_buf zip, gz, both;
        struct result r;

        /* a truncated gzip stream: the secret is in its first half */
        hull_buf_init(&both, 1u << 20);
        T_OK(hull_buf_puts(&both, text));
        T_OK(hull_buf_put(&both, junk, 200000));
        g.data = both.data;
        g.len = both.len;
        make(F_GZIP, &g, 1, &gz);
        walk_both("app.log.gz", gz.data, gz.len / 2, 4096, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].enc, "gzip");
        T_TRUE(has_note(&r, "(none)", "truncated"));
        /* a damaged byte in the deflate data */
        gz.data[gz.len / 2] ^= 0x55;
        gz.data[gz.len / 2 + 1] ^= 0xaa;
        walk("app.log.gz", gz.data, gz.len, 0, 0, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "(none)", "damaged gzip stream"));

        /* a zip cut in the middle of its second member (no central directory) */
        make(F_ZIP, m, 2, &zip);
        walk_both("app.zip", zip.data, zip.len / 2, 4096, 0, &r);
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].inner, "a.conf");
        T_TRUE(r.nnotes >= 1);
        /* a whole zip with its second member damaged */
        zip.data[zip.len / 2] ^= 0x55;
        zip.data[zip.len / 2 + 3] ^= 0xaa;
        walk("app.zip", zip.data, zip.len, 0, 0, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "junk.txt", "damaged member"));

        /* garbage that starts like a gzip file: scanned as it is */
        char fake[128];
        snprintf(fake, sizeof(fake), "\037\213 not really gzip %s\n", TOKEN);
        walk_both("fake.gz", fake, strlen(fake), 1, 0, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(!r.hits[0].has_enc);
        T_TRUE(has_note(&r, "(none)", "not a valid gzip stream"));

        hull_buf_release(&zip);
        hull_buf_release(&gz);
        hull_buf_release(&both);
        hull_free(junk);
}

/* a gzip'd log larger than the member limit: cut there, the rest not
 * inflated; too many notes: counted */
TEST(limits) {
        char *junk = noise(300000, 2);
        struct hull_buf gz, zip, both;
        struct member m[100];
        char names[100][16];
        struct result r;

        /* four letters: compresses about 4:1 */
        for (size_t i = 0; i < 300000; i++)
                junk[i] = junk[i] == '\n' ? '\n' : (char)('a' + junk[i] % 4);
        hull_buf_init(&both, 1u << 20);
        T_OK(hull_buf_puts(&both, text));
        T_OK(hull_buf_put(&both, junk, 300000));
        struct member g = {"app.log", both.data, both.len, 0};
        make(F_GZIP, &g, 1, &gz);
        printf("# app.log.gz: %zu bytes\n", gz.len);
        walk_both("app.log.gz", gz.data, gz.len, 4096, 128u << 10, &r);
        T_EQ(r.nhits, 1);
        T_TRUE(has_note(&r, "(none)", "larger than the 128 KiB limit: the first 128 KiB scanned"));
        T_EQ(r.nnotes, 1);

        for (int i = 0; i < 100; i++) {
                snprintf(names[i], sizeof(names[i]), "f%02d", i);
                m[i] = (struct member){names[i], NULL, 0, 64u << 10};
        }
        make(F_ZIP, m, 100, &zip);
        printf("# many.zip: %zu bytes\n", zip.len);
        walk("many.zip", zip.data, zip.len, 0, 32u << 10, &r);
        T_EQ(r.nnotes, 65);
        T_TRUE(has_note(&r, "f00", "64 KiB, larger than the 32 KiB limit: not scanned"));
        T_TRUE(has_note(&r, "(none)", "36 more notes about this file not shown"));

        hull_buf_release(&gz);
        hull_buf_release(&zip);
        hull_buf_release(&both);
        hull_free(junk);
}

/* the built-in rules: a GitHub classic token with a valid CRC-32, gzip'd
 * inside a jar inside a tar, and base64-encoded in a UTF-16 file */
TEST(builtin_rules) {
        static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        const struct hull_secrets *def = hull_secrets_default();
        struct hull_content_walker *w = NULL;
        struct hull_content_opts o = {.hit = on_hit, .note = on_note};
        char tok[41] = "ghp_", conf[128];
        struct hull_buf gz, jar, tar;
        struct result r;

        T_TRUE(def != NULL);
        if (!def)
                return;
        T_OK(hull_content_walker_new(def, &w));
        for (int i = 0; i < 30; i++)
                tok[4 + i] = b62[(i * 37 + 11) % 62];
        uint32_t crc = hull_crc32(0, tok + 4, 30);
        for (int i = 5; i >= 0; i--, crc /= 62)
                tok[34 + i] = b62[crc % 62];
        tok[40] = '\0';
        T_TRUE(hull_secret_base62_crc32_ok(tok, 40));
        snprintf(conf, sizeof(conf), "[auth]\ngithub_token = %s\n", tok);

        struct member g = {"settings.ini", conf, strlen(conf), 0};
        make(F_GZIP, &g, 1, &gz);
        struct member j = {"conf/settings.ini.gz", gz.data, gz.len, 0};
        make(F_ZIP, &j, 1, &jar);
        struct member t = {"app/lib/tool.jar", jar.data, jar.len, 0};
        make(F_TAR, &t, 1, &tar);

        o.ud = &r;
        memset(&r, 0, sizeof(r));
        T_OK(hull_content_begin(w, "layer.tar", tar.len, &o));
        T_OK(hull_content_data(w, tar.data, tar.len));
        T_OK(hull_content_end(w));
        T_EQ(r.nhits, 1);
        T_STREQ(r.hits[0].rule, "github-pat");
        T_STREQ(r.hits[0].secret, tok);
        T_STREQ(r.hits[0].inner, "app/lib/tool.jar!/conf/settings.ini.gz");
        T_STREQ(r.hits[0].enc, "gzip");
        T_EQ(r.hits[0].line, 2);

        /* "auth: <base64 of user:token>" in UTF-16LE with a BOM */
        static const char b64[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char plain[64], line[160], u16[400];
        size_t pn = (size_t)snprintf(plain, sizeof(plain), "deploy:%s", tok), k = 0, n = 0;
        n = (size_t)snprintf(line, sizeof(line), "registry:\n  auth: \"");
        for (size_t i = 0; i < pn; i += 3) {
                uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
                if (i + 1 < pn)
                        v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
                if (i + 2 < pn)
                        v |= (unsigned char)plain[i + 2];
                line[n++] = b64[v >> 18];
                line[n++] = b64[(v >> 12) & 63];
                line[n++] = i + 1 < pn ? b64[(v >> 6) & 63] : '=';
                line[n++] = i + 2 < pn ? b64[v & 63] : '=';
        }
        n += (size_t)snprintf(line + n, sizeof(line) - n, "\"\n");
        u16[k++] = (char)0xff;
        u16[k++] = (char)0xfe;
        for (size_t i = 0; i < n; i++) {
                u16[k++] = line[i];
                u16[k++] = 0;
        }
        memset(&r, 0, sizeof(r));
        T_OK(hull_content_begin(w, "auth.yml", k, &o));
        T_OK(hull_content_data(w, u16, k));
        T_OK(hull_content_end(w));
        T_TRUE(r.nhits >= 1);
        bool found = false;
        for (size_t i = 0; i < r.nhits; i++)
                if (strcmp(r.hits[i].rule, "github-pat") == 0) {
                        found = true;
                        T_STREQ(r.hits[i].enc, "utf-16le+base64");
                        T_TRUE(!r.hits[i].has_inner);
                }
        T_TRUE(found);

        hull_content_walker_free(w);
        hull_buf_release(&gz);
        hull_buf_release(&jar);
        hull_buf_release(&tar);
}

static int stop_hit(void *ud, const struct hull_secret_hit *h) {
        (void)h;
        ++*(int *)ud;
        return HULL_ELIMIT;
}

/* the hit callback's code stops the walk and comes back; the walker is
 * ready for the next file */
TEST(callback_error) {
        struct hull_content_walker *w = walker();
        int calls = 0;
        struct hull_content_opts o = {.hit = stop_hit, .ud = &calls};
        struct hull_buf tar;
        struct member m[] = {{"a", text, strlen(text), 0}, {"b", text, strlen(text), 0}};
        struct result r;
        int rc;

        make(F_TAR, m, 2, &tar);
        T_OK(hull_content_begin(w, "t.tar", tar.len, &o));
        rc = hull_content_data(w, tar.data, tar.len);
        if (rc == HULL_OK)
                rc = hull_content_end(w);
        else
                (void)hull_content_end(w);
        T_EQ(rc, HULL_ELIMIT);
        T_EQ(calls, 1);
        walk("etc/app.conf", text, strlen(text), 0, 0, &r);
        T_EQ(r.rc, HULL_OK);
        T_EQ(r.nhits, 1);

        /* begin without an end for the previous file */
        T_OK(hull_content_begin(w, "half", UINT64_MAX, &o));
        T_OK(hull_content_data(w, "hulltok_", 8));
        walk("etc/app.conf", text, strlen(text), 0, 0, &r);
        T_EQ(r.nhits, 1);
        T_EQ(calls, 1);
        hull_buf_release(&tar);
}

static void walk_corpus(const char *name, struct result *r) {
        char path[512], *data = NULL;
        size_t n = 0;
        struct hull_diag d;

        hull_diag_init(&d);
        snprintf(path, sizeof(path), "%s/fuzz/corpus/content/%s", HULL_SRCDIR, name);
        T_OK(hull_read_file(path, 1u << 20, &data, &n, &d));
        walk_both(name, data, n, 1, 0, r);
        hull_free(data);
}

/* What a damaged stream decodes to must not depend on the files before it
 * (found by fuzz_content): isa-l hands out bytes of its history buffer for a
 * member whose first back-reference reaches before its start (they were the
 * previous file's: a hit there); libzstd decodes a damaged frame
 * differently once an earlier frame has grown its buffers. */
TEST(decoder_state) {
        static struct result r[3];

        walk_corpus("isal-history-1.gz", &r[0]);
        walk_corpus("isal-history-2.gz", &r[1]);
        T_EQ(r[0].nhits, 1);
        T_EQ(r[1].nhits, 0);
        T_TRUE(has_note(&r[1], "(none)", "invalid deflate distance"));

        walk_corpus("zstd-state-2.zst", &r[0]);
        walk_corpus("zstd-state-1.zst", &r[1]); /* a 2 MiB window */
        walk_corpus("zstd-state-2.zst", &r[2]);
        T_TRUE(r[0].nnotes > 0);
        T_TRUE(same(&r[0], &r[2]));
}

/* every allocation failing in turn: HULL_ENOMEM or success, no crash, no
 * leak (the ASan build checks) */
TEST(alloc_failures) {
        struct hull_buf jar, zip, tar, tgz;
        struct result r;
        unsigned long n;

        make1(F_ZIP, "a.yml", text, &jar);
        struct member zm = {"lib/app.jar", jar.data, jar.len, 0};
        make(F_ZIP, &zm, 1, &zip);
        struct member tm[] = {{"b.zip", zip.data, zip.len, 0}, {"c.conf", text, strlen(text), 0}};
        make(F_TAR, tm, 2, &tar);
        struct member gm = {"x.tar", tar.data, tar.len, 0};
        make(F_GZIP, &gm, 1, &tgz);
        (void)rules();

        for (n = 1; n < 1000; n++) {
                struct hull_content_walker *w = NULL;
                struct hull_content_opts o = {.hit = on_hit, .ud = &r};
                int rc;

                memset(&r, 0, sizeof(r));
                hull_alloc_fail_after(n);
                rc = hull_content_walker_new(rules(), &w);
                if (rc == HULL_OK) {
                        rc = hull_content_begin(w, "x.tar.gz", tgz.len, &o);
                        if (rc == HULL_OK)
                                rc = hull_content_data(w, tgz.data, tgz.len);
                        int rc2 = hull_content_end(w);
                        rc = rc ? rc : rc2;
                        hull_content_walker_free(w);
                }
                hull_alloc_fail_after(0);
                if (rc != HULL_OK && rc != HULL_ENOMEM)
                        T_FAIL_AT("fail after %lu: %d", n, rc);
                if (rc == HULL_OK) {
                        T_EQ(r.nhits, 2);
                        break;
                }
        }
        printf("# succeeded with allocation %lu failing\n", n);
        T_TRUE(n < 1000);
        hull_buf_release(&jar);
        hull_buf_release(&zip);
        hull_buf_release(&tar);
        hull_buf_release(&tgz);
}

TEST(stats) {
        struct hull_secrets_stats st;
        struct result r;

        walk("a", text, strlen(text), 0, 0, &r);
        hull_content_stats(walker(), &st);
        T_TRUE(st.bytes >= strlen(text));
        T_TRUE(st.confirmed >= 1 || st.hits >= 1);
}

T_MAIN()
