/* archive.c - index of an outer tar archive, read in place (archive.h).
 *
 * One pass over the headers: every 512-byte header block is read with one
 * pread, extension headers (pax 'x', GNU 'L'/'K') are read whole (bounded)
 * and folded into the next real header, content is skipped by arithmetic.
 * Members go into a heap array in archive order, then are sorted by
 * (name, position) and reduced to the last of each name, so lookups are a
 * binary search.  Rules follow Go's archive/tar (docker load) where tar
 * implementations differ: header-only types, the ustar prefix only with the
 * POSIX magic, a zero block ends the archive only if the next block is zero
 * or missing. */
#include "image/archive.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "basic/arena.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "basic/str.h"
#include "image/tar.h"

#define BLOCK 512u

struct hull_archive {
        struct hull_arena arena;
        char *name;
        hull_archive_pread_fn *pread;
        void *ud;
        int fd;                   /* for fd sources; -1 for other readers */
        const unsigned char *mem; /* for memory sources */
        uint64_t size;
        bool complete;
        struct hull_archive_member *members; /* heap; sorted, one per name */
        size_t n, cap;
};

const char *hull_archive_quote(char *buf, size_t size, const char *s) {
        return hull_str_quote(buf, size, s, '\'');
}

/* ---- reading ---- */

struct ctx {
        struct hull_archive *a;
        struct hull_diag *d;
};

static int fail(struct ctx *c, int code, uint64_t offset, const char *fmt, ...) _printf_(4, 5);
static int fail(struct ctx *c, int code, uint64_t offset, const char *fmt, ...) {
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_source_diag_at(c->d, code, c->a->name, offset, "%s", msg);
}

/* Exactly n bytes at off, or an error (the caller has checked the size). */
static int read_at(struct ctx *c, void *buf, size_t n, uint64_t off) {
        size_t got = 0;

        while (got < n) {
                ssize_t k = c->a->pread(c->a->ud, (char *)buf + got, n - got, off + got);
                if (k == -EINTR)
                        continue;
                if (k < 0) {
                        fail(c, HULL_EIO, off + got, "cannot read: %s", strerror((int)-k));
                        if (c->d && c->d->saved_errno == 0)
                                c->d->saved_errno = (int)-k;
                        return HULL_EIO;
                }
                if (k == 0)
                        return fail(c, HULL_ECORRUPT, off + got,
                                    "truncated: the file ends while %zu more bytes were expected",
                                    n - got);
                got += (size_t)k;
        }
        return HULL_OK;
}

/* ---- header fields ---- */

static size_t field_len(const unsigned char *f, size_t n) {
        const unsigned char *z = memchr(f, 0, n);
        return z ? (size_t)(z - f) : n;
}

/* A numeric field: octal (blanks and NULs around it), or base-256 when the
 * high bit of the first byte is set (GNU, star, Go).  Negative or past
 * INT64_MAX: false. */
static bool parse_number(const unsigned char *f, size_t n, uint64_t *ret) {
        uint64_t v = 0;
        size_t i = 0;

        if (n && (f[0] & 0x80)) {
                if (f[0] & 0x40) /* negative: two's complement with the sign bit set */
                        return false;
                v = f[0] & 0x3f;
                for (i = 1; i < n; i++) {
                        if (v >> 55)
                                return false;
                        v = (v << 8) | f[i];
                }
                if (v > (uint64_t)INT64_MAX)
                        return false;
                *ret = v;
                return true;
        }
        while (i < n && (f[i] == ' ' || f[i] == 0))
                i++;
        for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
                if (v > ((uint64_t)INT64_MAX >> 3))
                        return false;
                v = (v << 3) | (uint64_t)(f[i] - '0');
        }
        for (; i < n; i++)
                if (f[i] != ' ' && f[i] != 0)
                        return false;
        *ret = v;
        return true;
}

static bool checksum_ok(const unsigned char *h) {
        uint64_t want;
        unsigned long usum = 0;
        long ssum = 0;

        if (!parse_number(h + 148, 8, &want))
                return false;
        for (size_t i = 0; i < BLOCK; i++) {
                unsigned char b = (i >= 148 && i < 156) ? ' ' : h[i];
                usum += b;
                ssum += (signed char)b;
        }
        /* some old tars summed signed chars; Go and libarchive accept both */
        return want == usum || (ssum >= 0 && want == (uint64_t)ssum);
}

static bool all_zero(const unsigned char *h) {
        for (size_t i = 0; i < BLOCK; i++)
                if (h[i])
                        return false;
        return true;
}

/* ---- pending extension headers ---- */

struct pending {
        char *path, *linkpath; /* heap, NUL-terminated; NULL when absent */
        bool has_size, sparse;
        uint64_t size;
        uint64_t first_offset; /* of the first extension header; UINT64_MAX if none */
};

static void pending_clear(struct pending *p) {
        hull_free(p->path);
        hull_free(p->linkpath);
        *p = (struct pending){.first_offset = UINT64_MAX};
}

static int set_str(struct ctx *c, char **dst, const char *s, size_t n, uint64_t off,
                   const char *what) {
        char *v;

        if (n > HULL_MAX_PATH_BYTES)
                return fail(c, HULL_ELIMIT, off, "%s longer than %u bytes", what,
                            HULL_MAX_PATH_BYTES);
        if (memchr(s, 0, n))
                return fail(c, HULL_ECORRUPT, off, "%s holds a NUL byte", what);
        if (!(v = hull_strndup(s, n)))
                return fail(c, HULL_ENOMEM, off, "out of memory");
        hull_free(*dst);
        *dst = v;
        return HULL_OK;
}

/* pax records: "LEN KEY=VALUE\n", LEN counting the whole record. */
static int parse_pax(struct ctx *c, const char *p, size_t n, uint64_t off, struct pending *pd) {
        size_t pos = 0;

        while (pos < n) {
                size_t len = 0, i = pos, klen;
                const char *rec = p + pos, *eq, *val;

                if (p[i] == 0) { /* NUL padding after the records (seen in the wild) */
                        for (; i < n; i++)
                                if (p[i])
                                        goto bad;
                        break;
                }
                for (; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
                        if (len > n)
                                goto bad;
                        len = len * 10 + (size_t)(p[i] - '0');
                }
                if (i == pos || i >= n || p[i] != ' ' || len <= i - pos + 1 || len > n - pos ||
                    p[pos + len - 1] != '\n')
                        goto bad;
                rec = p + i + 1;
                eq = memchr(rec, '=', (size_t)(p + pos + len - 1 - rec));
                if (!eq || eq == rec)
                        goto bad;
                klen = (size_t)(eq - rec);
                val = eq + 1;
                size_t vlen = (size_t)(p + pos + len - 1 - val);
                if (klen == 4 && memcmp(rec, "path", 4) == 0) {
                        if (vlen)
                                HULL_TRY(set_str(c, &pd->path, val, vlen, off, "pax path"));
                } else if (klen == 8 && memcmp(rec, "linkpath", 8) == 0) {
                        if (vlen)
                                HULL_TRY(set_str(c, &pd->linkpath, val, vlen, off, "pax linkpath"));
                } else if (klen == 4 && memcmp(rec, "size", 4) == 0) {
                        uint64_t v = 0;
                        if (vlen == 0 || vlen > 19)
                                goto bad_size;
                        for (size_t k = 0; k < vlen; k++) {
                                if (val[k] < '0' || val[k] > '9')
                                        goto bad_size;
                                v = v * 10 + (uint64_t)(val[k] - '0');
                        }
                        if (v > (uint64_t)INT64_MAX)
                                goto bad_size;
                        pd->has_size = true;
                        pd->size = v;
                } else if (klen > 11 && memcmp(rec, "GNU.sparse.", 11) == 0) {
                        pd->sparse = true;
                }
                pos += len;
        }
        return HULL_OK;
bad:
        return fail(c, HULL_ECORRUPT, off, "malformed pax record at byte %zu of the pax header",
                    pos);
bad_size:
        return fail(c, HULL_ECORRUPT, off, "malformed pax size record");
}

/* ---- building the index ---- */

static int add_member(struct ctx *c, const struct hull_archive_member *m) {
        struct hull_archive *a = c->a;

        if (a->n == a->cap) {
                size_t cap = a->cap ? a->cap * 2 : 64;
                struct hull_archive_member *p;
                if (cap > SIZE_MAX / sizeof(*p) ||
                    !(p = hull_realloc(a->members, cap * sizeof(*p))))
                        return fail(c, HULL_ENOMEM, m->header_offset, "out of memory");
                a->members = p;
                a->cap = cap;
        }
        a->members[a->n++] = *m;
        return HULL_OK;
}

static enum hull_archive_type type_of(char t) {
        switch (t) {
        case '0':
        case '\0':
        case '7': return HULL_ARCHIVE_FILE;
        case '1': return HULL_ARCHIVE_HARDLINK;
        case '2': return HULL_ARCHIVE_SYMLINK;
        case '5': return HULL_ARCHIVE_DIR;
        default: return HULL_ARCHIVE_OTHER;
        }
}

/* Go's isHeaderOnlyType: these carry no content whatever their size says. */
static bool header_only(char t) {
        return t == '1' || t == '2' || t == '3' || t == '4' || t == '5' || t == '6';
}

static int store_str(struct ctx *c, const char *s, uint64_t off, const char **ret) {
        if (!(*ret = hull_arena_strdup(&c->a->arena, s)))
                return fail(c, HULL_ELIMIT, off, "archive index larger than %u bytes",
                            HULL_MAX_ARCHIVE_INDEX_BYTES);
        return HULL_OK;
}

/* Record the real header h at off, with the pending extensions. */
static int record(struct ctx *c, const unsigned char *h, uint64_t off, uint64_t content,
                  uint64_t size, struct pending *pd) {
        char raw[HULL_MAX_PATH_BYTES + 160], norm[HULL_MAX_PATH_BYTES + 1];
        struct hull_archive_member m = {0};
        char t = (char)h[156];
        bool ends_slash;
        size_t n;
        int r;

        if (pd->path) {
                snprintf(raw, sizeof(raw), "%s", pd->path);
        } else {
                size_t nl = field_len(h, 100), pl = 0;
                if (memcmp(h + 257, "ustar\0", 6) == 0)
                        pl = field_len(h + 345, 155);
                if (pl)
                        snprintf(raw, sizeof(raw), "%.*s/%.*s", (int)pl, (const char *)h + 345,
                                 (int)nl, (const char *)h);
                else
                        snprintf(raw, sizeof(raw), "%.*s", (int)nl, (const char *)h);
        }
        n = strlen(raw);
        ends_slash = n > 0 && raw[n - 1] == '/';
        r = hull_tar_path_normalize(raw, norm, sizeof(norm), NULL);
        if (r == HULL_EPARSE || (r == HULL_OK && norm[0] == '\0'))
                return HULL_OK; /* leaves the root, or is the root: nothing can name it */
        if (r != HULL_OK)
                return fail(c, HULL_ELIMIT, off, "member name longer than %u bytes",
                            HULL_MAX_PATH_BYTES);
        m.typeflag = t;
        m.type = type_of(t);
        if (m.type == HULL_ARCHIVE_FILE && ends_slash)
                m.type = HULL_ARCHIVE_DIR;
        if (pd->sparse || t == 'S')
                m.type = HULL_ARCHIVE_OTHER;
        m.header_offset = pd->first_offset != UINT64_MAX ? pd->first_offset : off;
        m.offset = content;
        m.size = (m.type == HULL_ARCHIVE_FILE || m.type == HULL_ARCHIVE_OTHER) ? size : 0;
        HULL_TRY(store_str(c, norm, off, &m.name));
        if (m.type == HULL_ARCHIVE_SYMLINK || m.type == HULL_ARCHIVE_HARDLINK) {
                if (pd->linkpath) {
                        HULL_TRY(store_str(c, pd->linkpath, off, &m.link));
                } else {
                        char lk[101];
                        snprintf(lk, sizeof(lk), "%.*s", (int)field_len(h + 157, 100),
                                 (const char *)h + 157);
                        HULL_TRY(store_str(c, lk, off, &m.link));
                }
        }
        return add_member(c, &m);
}

static int cmp_member(const void *x, const void *y) {
        const struct hull_archive_member *a = x, *b = y;
        int r = strcmp(a->name, b->name);
        if (r)
                return r;
        return a->header_offset < b->header_offset ? -1 : a->header_offset > b->header_offset;
}

static void sort_and_dedup(struct hull_archive *a) {
        size_t o = 0;

        if (a->n == 0)
                return;
        qsort(a->members, a->n, sizeof(*a->members), cmp_member);
        for (size_t i = 0; i < a->n; i++) {
                if (i + 1 < a->n && strcmp(a->members[i].name, a->members[i + 1].name) == 0)
                        continue; /* a later member of the same name wins */
                a->members[o++] = a->members[i];
        }
        a->n = o;
}

static const char *compressed_hint(const unsigned char *b, size_t n) {
        if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
                return "gzip: decompress it first (gunzip)";
        if (n >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd)
                return "zstd: decompress it first (unzstd)";
        if (n >= 6 && memcmp(b,
                             "\xfd"
                             "7zXZ\0",
                             6) == 0)
                return "xz: decompress it first (unxz)";
        if (n >= 3 && memcmp(b, "BZh", 3) == 0)
                return "bzip2: decompress it first (bunzip2)";
        return NULL;
}

/* Old GNU sparse headers ('S') may be followed by extension blocks, flagged
 * by byte 482 of the header and byte 504 of each block; skip them. */
static int skip_gnu_sparse(struct ctx *c, const unsigned char *h, uint64_t *pos) {
        unsigned char b[BLOCK];
        bool more = h[482] != 0;

        while (more) {
                if (c->a->size - *pos < BLOCK)
                        return fail(c, HULL_ECORRUPT, *pos,
                                    "truncated: the file ends inside a sparse header");
                HULL_TRY(read_at(c, b, BLOCK, *pos));
                *pos += BLOCK;
                more = b[504] != 0;
        }
        return HULL_OK;
}

static int walk(struct ctx *c) {
        struct hull_archive *a = c->a;
        _cleanup_free_ char *ext = NULL;
        struct pending pd = {.first_offset = UINT64_MAX};
        unsigned char h[BLOCK];
        uint64_t pos = 0, headers = 0;
        int r = HULL_OK;

        for (;;) {
                uint64_t off = pos, size, content, padded;
                char t;

                if (a->size - pos < BLOCK) {
                        if (pos == a->size) {
                                /* no end-of-archive blocks: Go's reader ends here too */
                                a->complete = false;
                                break;
                        }
                        if (pos == 0) {
                                const char *hint = NULL;
                                if (a->size) {
                                        if ((r = read_at(c, h, (size_t)a->size, 0)))
                                                break;
                                        hint = compressed_hint(h, (size_t)a->size);
                                }
                                r = hint ? fail(c, HULL_EUNSUPPORTED, 0, "compressed archive (%s)",
                                                hint)
                                         : fail(c, HULL_EPARSE, 0, "not a tar archive (%llu bytes)",
                                                (unsigned long long)a->size);
                                break;
                        }
                        r = fail(c, HULL_ECORRUPT, pos,
                                 "truncated: the file ends inside a tar header");
                        break;
                }
                if ((r = read_at(c, h, BLOCK, pos)))
                        break;
                if (all_zero(h)) {
                        /* end of archive when the next block is zero or missing */
                        if (a->size - pos >= 2 * BLOCK) {
                                if ((r = read_at(c, h, BLOCK, pos + BLOCK)))
                                        break;
                                if (!all_zero(h)) {
                                        r = fail(c, HULL_ECORRUPT, pos,
                                                 "a zero block inside the archive");
                                        break;
                                }
                        }
                        a->complete = true;
                        break;
                }
                if (!checksum_ok(h)) {
                        const char *hint = pos == 0 ? compressed_hint(h, BLOCK) : NULL;
                        if (hint)
                                r = fail(c, HULL_EUNSUPPORTED, 0, "compressed archive (%s)", hint);
                        else if (pos == 0)
                                r = fail(c, HULL_EPARSE, 0,
                                         "not a tar archive (no valid tar header)");
                        else
                                r = fail(c, HULL_ECORRUPT, pos,
                                         "damaged tar header (bad checksum)");
                        break;
                }
                if (++headers > HULL_MAX_ARCHIVE_MEMBERS) {
                        r = fail(c, HULL_ELIMIT, pos, "more than %u tar headers",
                                 HULL_MAX_ARCHIVE_MEMBERS);
                        break;
                }
                t = (char)h[156];
                if (!parse_number(h + 124, 12, &size)) {
                        r = fail(c, HULL_ECORRUPT, pos, "invalid size field");
                        break;
                }
                pos += BLOCK;
                if (t == 'S' && (r = skip_gnu_sparse(c, h, &pos)))
                        break;
                if (pd.has_size && t != 'x' && t != 'g' && t != 'L' && t != 'K')
                        size = pd.size;
                if (header_only(t))
                        size = 0;
                content = pos;
                if (size > a->size - pos) {
                        r = fail(c, HULL_ECORRUPT, off,
                                 "truncated: member content of %llu bytes at offset %llu runs "
                                 "past the end of the file (%llu bytes)",
                                 (unsigned long long)size, (unsigned long long)content,
                                 (unsigned long long)a->size);
                        break;
                }
                padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                /* a missing last padding is the file ending between members */
                pos = padded > a->size - pos ? a->size : pos + padded;

                if (t == 'x' || t == 'g' || t == 'L' || t == 'K') {
                        size_t max = (t == 'L' || t == 'K') ? HULL_MAX_PATH_BYTES + 1
                                                            : HULL_MAX_PAX_BYTES;
                        char *p;
                        if (size > max) {
                                r = fail(c, HULL_ELIMIT, off,
                                         "%s header of %llu bytes, larger than %zu",
                                         t == 'L'   ? "GNU long name"
                                         : t == 'K' ? "GNU long link"
                                                    : "pax",
                                         (unsigned long long)size, max);
                                break;
                        }
                        if (!(p = hull_realloc(ext, (size_t)size + 1))) {
                                r = fail(c, HULL_ENOMEM, off, "out of memory");
                                break;
                        }
                        ext = p;
                        if ((r = read_at(c, ext, (size_t)size, content)))
                                break;
                        ext[size] = '\0';
                        if (t == 'g')
                                continue; /* global pax headers do not name members */
                        if (pd.first_offset == UINT64_MAX)
                                pd.first_offset = off;
                        if (t == 'x')
                                r = parse_pax(c, ext, (size_t)size, off, &pd);
                        else if (t == 'L' && !pd.path) /* pax wins over GNU */
                                r = set_str(c, &pd.path, ext, strlen(ext), off, "GNU long name");
                        else if (t == 'K' && !pd.linkpath)
                                r = set_str(c, &pd.linkpath, ext, strlen(ext), off,
                                            "GNU long link");
                        if (r)
                                break;
                        continue;
                }
                if ((r = record(c, h, off, content, size, &pd)))
                        break;
                pending_clear(&pd);
        }
        pending_clear(&pd);
        if (r == HULL_OK)
                sort_and_dedup(a);
        return r;
}

/* A new, empty index of name over size bytes; NULL when memory is out. */
static struct hull_archive *archive_new(const char *name, uint64_t size) {
        struct hull_archive *a = new0(struct hull_archive, 1);

        if (!a || !(a->name = hull_strdup(name ? name : ""))) {
                hull_free(a);
                return NULL;
        }
        hull_arena_init(&a->arena, HULL_MAX_ARCHIVE_INDEX_BYTES);
        a->fd = -1;
        a->size = size;
        return a;
}

/* Index a (its reader set): *ret on success, a freed on failure. */
static int archive_walk(struct hull_archive **ret, struct hull_archive *a, struct hull_diag *d) {
        struct ctx c = {a, d};
        int r = walk(&c);

        if (r != HULL_OK) {
                hull_archive_free(a);
                return r;
        }
        *ret = a;
        return HULL_OK;
}

int hull_archive_index(struct hull_archive **ret, hull_archive_pread_fn *fn, void *ud,
                       uint64_t size, const char *name, struct hull_diag *d) {
        struct hull_archive *a = archive_new(name, size);

        if (!a)
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        a->pread = fn;
        a->ud = ud;
        return archive_walk(ret, a, d);
}

static ssize_t fd_pread(void *ud, void *buf, size_t n, uint64_t offset) {
        int fd = (int)(intptr_t)ud;
        ssize_t k;

        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        if (offset > (uint64_t)INT64_MAX)
                return -EINVAL;
        k = pread(fd, buf, n, (off_t)offset);
        return k < 0 ? -errno : k;
}

int hull_archive_index_fd(struct hull_archive **ret, int fd, const char *name,
                          struct hull_diag *d) {
        struct hull_archive *a;
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return hull_diag_errno(d, HULL_EIO, errno, name, "cannot stat '%s'", name);
        if (!S_ISREG(st.st_mode))
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "%s: not a regular file", name);
        r = hull_archive_index(&a, fd_pread, (void *)(intptr_t)fd, (uint64_t)st.st_size, name, d);
        if (r)
                return r;
        a->fd = fd;
        *ret = a;
        return HULL_OK;
}

static ssize_t mem_pread(void *ud, void *buf, size_t n, uint64_t offset) {
        const struct hull_archive *a = ud;

        if (offset >= a->size)
                return 0;
        if (n > a->size - offset)
                n = (size_t)(a->size - offset);
        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        memcpy(buf, a->mem + offset, n);
        return (ssize_t)n;
}

int hull_archive_index_memory(struct hull_archive **ret, const void *data, size_t len,
                              const char *name, struct hull_diag *d) {
        struct hull_archive *a;

        if (!data && len)
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "invalid memory archive");
        if (!(a = archive_new(name, len)))
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        a->pread = mem_pread;
        a->ud = a;
        a->mem = data;
        return archive_walk(ret, a, d);
}

struct hull_archive *hull_archive_free(struct hull_archive *a) {
        if (!a)
                return NULL;
        hull_arena_release(&a->arena);
        hull_free(a->members);
        hull_free(a->name);
        hull_free(a);
        return NULL;
}

const char *hull_archive_name(const struct hull_archive *a) {
        return a->name;
}

bool hull_archive_complete(const struct hull_archive *a) {
        return a->complete;
}

size_t hull_archive_count(const struct hull_archive *a) {
        return a->n;
}

const struct hull_archive_member *hull_archive_member(const struct hull_archive *a, size_t i) {
        return i < a->n ? &a->members[i] : NULL;
}

static const struct hull_archive_member *find(const struct hull_archive *a, const char *name) {
        size_t lo = 0, hi = a->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                int r = strcmp(a->members[mid].name, name);
                if (r == 0)
                        return &a->members[mid];
                if (r < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

const struct hull_archive_member *hull_archive_lookup(const struct hull_archive *a,
                                                      const char *name) {
        char norm[HULL_MAX_PATH_BYTES + 1];

        if (hull_tar_path_normalize(name, norm, sizeof(norm), NULL) != HULL_OK || !norm[0])
                return NULL;
        return find(a, norm);
}

/* ---- link resolution ---- */

static const char *type_name(const struct hull_archive_member *m) {
        switch (m->type) {
        case HULL_ARCHIVE_DIR: return "a directory";
        case HULL_ARCHIVE_OTHER:
                switch (m->typeflag) {
                case '3': return "a character device";
                case '4': return "a block device";
                case '6': return "a FIFO";
                case 'S': return "a sparse file";
                default:
                        return m->typeflag == '0' || m->typeflag == '\0' || m->typeflag == '7'
                                       ? "a sparse file"
                                       : "a special member";
                }
        default: return "not a regular file";
        }
}

int hull_archive_resolve(const struct hull_archive *a, const char *path,
                         const struct hull_archive_member **ret, struct hull_diag *d) {
        char cur[HULL_MAX_PATH_BYTES + 1], next[2 * HULL_MAX_PATH_BYTES + 8];
        char qa[120], qb[120], qc[120];
        unsigned hops = 0;

        if (hull_tar_path_normalize(path, cur, sizeof(cur), NULL) != HULL_OK || !cur[0])
                return HULL_ENOTFOUND;
restart:
        for (size_t i = 0;; i++) {
                const struct hull_archive_member *m;
                bool last = cur[i] == '\0';
                char save;

                if (cur[i] != '/' && !last)
                        continue;
                save = cur[i];
                cur[i] = '\0';
                m = find(a, cur);
                cur[i] = save;
                if (!m) {
                        if (last)
                                return HULL_ENOTFOUND;
                        continue; /* tars need not hold their directories */
                }
                if (m->type == HULL_ARCHIVE_SYMLINK || m->type == HULL_ARCHIVE_HARDLINK) {
                        const char *rest = cur + i;
                        size_t dl = 0;
                        int r;

                        if (++hops > HULL_MAX_ARCHIVE_LINK_HOPS)
                                return hull_diag_set(
                                        d, HULL_ELIMIT, a->name, 0, 0,
                                        "%s: resolving %s: more than %u links (a loop?)", a->name,
                                        hull_archive_quote(qa, sizeof(qa), path),
                                        HULL_MAX_ARCHIVE_LINK_HOPS);
                        if (m->type == HULL_ARCHIVE_SYMLINK && m->link[0] != '/') {
                                const char *slash = memrchr(m->name, '/', strlen(m->name));
                                dl = slash ? (size_t)(slash - m->name) : 0;
                        }
                        snprintf(next, sizeof(next), "%.*s%s%s%s", (int)dl, m->name, dl ? "/" : "",
                                 m->link, rest);
                        r = hull_tar_path_normalize(next, cur, sizeof(cur), NULL);
                        if (r == HULL_EPARSE)
                                return hull_diag_set(d, HULL_ECORRUPT, a->name, 0, 0,
                                                     "%s: %s %s -> %s leaves the archive", a->name,
                                                     m->type == HULL_ARCHIVE_SYMLINK ? "symlink"
                                                                                     : "hard link",
                                                     hull_archive_quote(qb, sizeof(qb), m->name),
                                                     hull_archive_quote(qc, sizeof(qc), m->link));
                        if (r != HULL_OK)
                                return hull_diag_set(d, HULL_ELIMIT, a->name, 0, 0,
                                                     "%s: resolving %s: name longer than %u bytes",
                                                     a->name,
                                                     hull_archive_quote(qa, sizeof(qa), path),
                                                     HULL_MAX_PATH_BYTES);
                        if (!cur[0])
                                return hull_diag_set(
                                        d, HULL_EUNSUPPORTED, a->name, 0, 0,
                                        "%s: %s resolves to the archive root, not a file", a->name,
                                        hull_archive_quote(qa, sizeof(qa), path));
                        goto restart;
                }
                if (!last) {
                        if (m->type != HULL_ARCHIVE_DIR)
                                return HULL_ENOTFOUND; /* a file used as a directory */
                        continue;
                }
                if (m->type != HULL_ARCHIVE_FILE)
                        return hull_diag_set(
                                d, HULL_EUNSUPPORTED, a->name, 0, 0, "%s: member %s is %s", a->name,
                                hull_archive_quote(qa, sizeof(qa), m->name), type_name(m));
                *ret = m;
                return HULL_OK;
        }
}

/* ---- content ---- */

int hull_archive_source(const struct hull_archive *a, const struct hull_archive_member *m,
                        const char *name, struct hull_source **ret, struct hull_diag *d) {
        char nb[HULL_MAX_PATH_BYTES + 600];

        if (!name) {
                snprintf(nb, sizeof(nb), "%s:%s", a->name, m->name);
                name = nb;
        }
        if (a->fd >= 0)
                return hull_source_new_fd(ret, a->fd, m->offset, m->size, false, name, d);
        if (a->mem)
                return hull_source_new_memory(ret, a->mem + m->offset, (size_t)m->size, name, d);
        return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "%s: archive has no byte source", a->name);
}

int hull_archive_read(const struct hull_archive *a, const struct hull_archive_member *m, size_t max,
                      char **ret_data, size_t *ret_len, struct hull_diag *d) {
        struct ctx c = {(struct hull_archive *)a, d};
        char qa[120];
        char *p;
        int r;

        if (m->size > max)
                return hull_diag_set(d, HULL_ELIMIT, a->name, 0, 0,
                                     "%s: %s: %llu bytes, larger than the %zu-byte limit", a->name,
                                     hull_archive_quote(qa, sizeof(qa), m->name),
                                     (unsigned long long)m->size, max);
        if (!(p = hull_malloc((size_t)m->size + 1)))
                return hull_diag_set(d, HULL_ENOMEM, a->name, 0, 0, "out of memory");
        if ((r = read_at(&c, p, (size_t)m->size, m->offset))) {
                hull_free(p);
                return r;
        }
        p[m->size] = '\0';
        *ret_data = p;
        *ret_len = (size_t)m->size;
        return HULL_OK;
}
