/* tutil.h - helpers for unit tests that work with files: one temporary
 * directory per test program (removed at exit), paths in it, shell commands
 * run in it, whole files written and read, SHA-256 digests, and tb_*, a
 * tiny tar writer for archives no tar tool would produce.
 *
 * Header-only (static inline), included after t.h.  What a test cannot run
 * without (a temporary directory, a file it writes) ends the program with
 * status 2 and a TAP comment; what a test checks (reading a file back,
 * a command's status) is returned. */
#ifndef HULL_TESTS_TUTIL_H
#define HULL_TESTS_TUTIL_H

#include <errno.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char t_tmpdir_[256];

static inline int t_rm_one_(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
        (void)st;
        (void)flag;
        (void)ftw;
        return remove(p);
}

static inline void t_tmp_cleanup_(void) {
        if (t_tmpdir_[0])
                (void)nftw(t_tmpdir_, t_rm_one_, 16, FTW_DEPTH | FTW_PHYS);
}

/* The temporary directory, /tmp/hull-<program>-XXXXXX, made on first use. */
static inline const char *t_tmp(void) {
        if (!t_tmpdir_[0]) {
                snprintf(t_tmpdir_, sizeof(t_tmpdir_), "/tmp/hull-%s-XXXXXX",
                         program_invocation_short_name);
                if (!mkdtemp(t_tmpdir_)) {
                        printf("# mkdtemp %s: %s\n", t_tmpdir_, strerror(errno));
                        exit(2);
                }
                atexit(t_tmp_cleanup_);
        }
        return t_tmpdir_;
}

/* A path under t_tmp(), printf-style; from a ring of 16, enough for the
 * paths one test holds at once. */
static inline const char *t_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline const char *t_path(const char *fmt, ...) {
        static char buf[16][1300];
        static int i;
        char rel[900];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(rel, sizeof(rel), fmt, ap);
        va_end(ap);
        i = (i + 1) % 16;
        snprintf(buf[i], sizeof(buf[i]), "%s/%s", t_tmp(), rel);
        return buf[i];
}

/* Run a shell command (printf-style) in t_tmp(); its system() status.  A
 * failing command is printed as a TAP comment. */
static inline int t_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int t_sh(const char *fmt, ...) {
        char cmd[8192];
        int n;
        va_list ap;

        n = snprintf(cmd, sizeof(cmd), "cd '%s' && { ", t_tmp());
        va_start(ap, fmt);
        n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
        va_end(ap);
        snprintf(cmd + n, sizeof(cmd) - (size_t)n, "; }");
        n = system(cmd);
        if (n != 0)
                printf("# command failed (%d): %s\n", n, cmd);
        return n;
}

/* prog is on PATH. */
static inline bool t_have(const char *prog) {
        char cmd[256];

        snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", prog);
        return system(cmd) == 0;
}

/* Create or replace the file at path with data[0..n). */
static inline void t_write_file(const char *path, const void *data, size_t n) {
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(data, 1, n, f) != n || fclose(f) != 0) {
                printf("# cannot write %s\n", path);
                exit(2);
        }
}

/* The whole file at path, NUL-terminated, malloc'd (free it); *ret_n its
 * size.  NULL when it cannot be read. */
static inline char *t_read_file(const char *path, size_t *ret_n) {
        FILE *f = fopen(path, "rb");
        char *p = NULL;
        size_t n = 0, cap = 0, k;

        if (!f)
                return NULL;
        do {
                if (n + 65536 > cap) {
                        cap = (n + 65536) * 2;
                        p = realloc(p, cap + 1);
                        if (!p)
                                exit(2);
                }
                k = fread(p + n, 1, cap - n, f);
                n += k;
        } while (k > 0);
        if (ferror(f)) {
                fclose(f);
                free(p);
                return NULL;
        }
        fclose(f);
        p[n] = '\0';
        *ret_n = n;
        return p;
}

/* "sha256:<64 hex digits>" of data[0..n) into out. */
static inline void t_sha256(const void *data, size_t n, char out[72]) {
        unsigned char d[EVP_MAX_MD_SIZE];
        unsigned len = 0;

        EVP_Digest(data, n, d, &len, EVP_sha256(), NULL);
        memcpy(out, "sha256:", 7);
        for (int i = 0; i < 32; i++)
                snprintf(out + 7 + 2 * i, 3, "%02x", d[i]);
}

/* ---- a tiny tar writer: headers written byte by byte ---------------------- */

struct tb {
        unsigned char *p; /* malloc'd (free it) */
        size_t n, cap;
};

static inline void tb_put(struct tb *t, const void *d, size_t n) {
        if (t->n + n > t->cap) {
                t->cap = (t->n + n) * 2 + 4096;
                t->p = realloc(t->p, t->cap);
                if (!t->p)
                        exit(2);
        }
        memcpy(t->p + t->n, d, n);
        t->n += n;
}

/* Zeros up to the next 512-byte block. */
static inline void tb_pad(struct tb *t) {
        static const unsigned char z[512];
        if (t->n % 512)
                tb_put(t, z, 512 - t->n % 512);
}

/* How tb_header() departs from a plain GNU header. */
struct tb_opts {
        unsigned mode;      /* 0: 0644 */
        const char *prefix; /* POSIX ustar prefix (POSIX magic) */
        bool base256;       /* size in base-256 */
        bool bad_sum;       /* a checksum off by one */
};

/* One header block: name and link cut at 100 bytes, uid/gid 0, mtime
 * 1700000000, GNU magic unless o->prefix; o may be NULL. */
static inline void tb_header(struct tb *t, const char *name, char type, uint64_t size,
                             const char *link, const struct tb_opts *o) {
        unsigned char h[512];
        unsigned sum = 0;

        memset(h, 0, sizeof(h));
        memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
        snprintf((char *)h + 100, 8, "%07o", (o && o->mode ? o->mode : 0644u) & 07777u);
        snprintf((char *)h + 108, 8, "%07o", 0u);
        snprintf((char *)h + 116, 8, "%07o", 0u);
        if (o && o->base256) {
                h[124] = 0x80;
                for (int i = 0; i < 8; i++)
                        h[135 - i] = (unsigned char)(size >> (8 * i));
        } else {
                char num[24];
                snprintf(num, sizeof(num), "%011llo", (unsigned long long)size & 077777777777ull);
                memcpy(h + 124, num, 12);
        }
        snprintf((char *)h + 136, 12, "%011o", 1700000000u);
        h[156] = (unsigned char)type;
        if (link)
                memcpy(h + 157, link, strlen(link) < 100 ? strlen(link) : 100);
        if (o && o->prefix) {
                memcpy(h + 257,
                       "ustar\0"
                       "00",
                       8);
                memcpy(h + 345, o->prefix, strlen(o->prefix));
        } else {
                memcpy(h + 257, "ustar  ", 8); /* GNU magic + version */
        }
        memset(h + 148, ' ', 8);
        for (int i = 0; i < 512; i++)
                sum += h[i];
        if (o && o->bad_sum)
                sum++;
        snprintf((char *)h + 148, 8, "%06o", sum);
        h[155] = ' ';
        tb_put(t, h, 512);
}

/* The end-of-archive marker: two zero blocks. */
static inline void tb_end(struct tb *t) {
        static const unsigned char z[1024];
        tb_put(t, z, sizeof(z));
}

#endif
