/* tar.c - layer walker over libarchive, fed by a filter (tar.h).
 *
 * libarchive pulls through read_cb(), which hands it the filter's chunks as
 * they are (up to 1 MiB, no copy); skipping content reads through the same
 * callback because the digests need every byte anyway.  Each header becomes
 * a struct hull_entry whose strings live in two buffers of
 * HULL_MAX_PATH_BYTES + 1 bytes allocated once per walker.
 *
 * libarchive statuses: ARCHIVE_WARN keeps the entry (a warning; except
 * EILSEQ, "name can't be converted to the locale", where libarchive keeps
 * the raw bytes, which is what we want); ARCHIVE_RETRY is a damaged header,
 * already consumed, so asking again resynchronises; ARCHIVE_FATAL ends the
 * walk and is mapped to a hull_err here (filter failure, not tar, truncated). */
#include "image/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"
#include "basic/limits.h"

#define ZERO_BLOCK 65536u

static const unsigned char zero_block[ZERO_BLOCK];

struct hull_tar {
        struct hull_filter *f;
        struct archive *a;
        struct hull_diag *d;
        char *name;
        unsigned layer;
        int err;        /* sticky */
        int filter_err; /* the filter failed inside read_cb */
        bool at_end, closed, in_damage;
        uint64_t seen; /* headers read, skipped ones included */
        uint64_t last_damage_pos;
        unsigned damage_stuck;

        struct hull_entry e;
        bool have_entry;
        char *path, *link; /* HULL_MAX_PATH_BYTES + 1 each */

        /* content of the current entry */
        uint64_t data_pos, data_size;
        uint64_t hole;            /* zeros to hand out before blk */
        const unsigned char *blk; /* pending block after a hole */
        size_t blk_n;
        bool data_end;
        bool data_warned;        /* sparse map past the size, reported */
        const unsigned char *rd; /* hull_tar_read: rest of a block */
        size_t rd_n;

        struct hull_tar_stats st;
        hull_tar_warn_fn *warn_fn;
        void *warn_ud;
};

/* --- names --------------------------------------------------------------- */

int hull_tar_path_normalize(const char *in, char *out, size_t outsz, bool *ret_changed) {
        size_t len = 0, inlen = strlen(in);
        const char *p = in, *end = in + inlen;

        if (outsz == 0)
                return HULL_ELIMIT;
        while (p < end) {
                const char *slash = memchr(p, '/', (size_t)(end - p));
                const char *c_end = slash ? slash : end;
                size_t n = (size_t)(c_end - p);

                if (n == 0 || (n == 1 && p[0] == '.')) {
                        /* empty or "." component */
                } else if (n == 2 && p[0] == '.' && p[1] == '.') {
                        if (len == 0)
                                return HULL_EPARSE;
                        while (len > 0 && out[len - 1] != '/')
                                len--;
                        if (len > 0)
                                len--; /* the '/' before the dropped component */
                } else {
                        if (len + (len > 0) + n + 1 > outsz)
                                return HULL_ELIMIT;
                        if (len > 0)
                                out[len++] = '/';
                        memcpy(out + len, p, n);
                        len += n;
                }
                p = slash ? slash + 1 : end;
        }
        out[len] = '\0';
        if (ret_changed) {
                size_t cmp = inlen;
                if (cmp > 1 && in[cmp - 1] == '/')
                        cmp--;
                *ret_changed = cmp != len || memcmp(in, out, len) != 0;
        }
        return HULL_OK;
}

/* --- errors and warnings ------------------------------------------------- */

static uint64_t stream_pos(const struct hull_tar *w) {
        return hull_filter_stats(w->f)->out_bytes;
}

static void warn(struct hull_tar *w, uint64_t offset, const char *fmt, ...) _printf_(3, 4);
static void warn(struct hull_tar *w, uint64_t offset, const char *fmt, ...) {
        char msg[512];
        va_list ap;

        w->st.warnings++;
        if (!w->warn_fn)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        w->warn_fn(w->warn_ud, offset, msg);
}

static int fail(struct hull_tar *w, int code, uint64_t offset, const char *msg) {
        w->err = hull_source_diag_at(w->d, code, w->name, offset, "%s", msg);
        return w->err;
}

/* Map a libarchive failure (r < ARCHIVE_WARN) to a hull_err. */
static int archive_fail(struct hull_tar *w, const char *during) {
        const char *s = archive_error_string(w->a);
        struct hull_diag *fd = hull_filter_diag(w->f);
        char msg[400];

        if (!s)
                s = "unknown error";
        if (w->filter_err != HULL_OK) {
                if (w->d && fd && fd != w->d && w->d->code == HULL_OK && fd->code != HULL_OK)
                        *w->d = *fd;
                w->err = w->filter_err;
                return w->err;
        }
        if (archive_errno(w->a) == ENOMEM)
                return fail(w, HULL_ENOMEM, stream_pos(w), "out of memory");
        if (w->seen == 0 && strstr(s, "Unrecognized archive format")) {
                w->err = hull_source_diag_at(w->d, HULL_EPARSE, w->name, 0, "not a tar archive");
                return w->err;
        }
        if (hull_filter_stats(w->f)->eof)
                snprintf(msg, sizeof(msg), "truncated tar archive while reading %s (%s)", during,
                         s);
        else
                snprintf(msg, sizeof(msg), "damaged tar archive while reading %s (%s)", during, s);
        return fail(w, HULL_ECORRUPT, stream_pos(w), msg);
}

/* --- libarchive client callback ------------------------------------------ */

static la_ssize_t read_cb(struct archive *a, void *ud, const void **buf) {
        struct hull_tar *w = ud;
        size_t n = 0;
        int r = hull_filter_next(w->f, buf, &n);

        if (r != HULL_OK) {
                w->filter_err = r;
                archive_set_error(a, EIO, "layer stream failed: %s", hull_strerror(r));
                return -1;
        }
        return (la_ssize_t)n;
}

/* --- API ----------------------------------------------------------------- */

int hull_tar_open(struct hull_tar **ret, struct hull_filter *f, unsigned layer, const char *name,
                  struct hull_diag *d) {
        struct hull_tar *w;
        int r;

        if (!ret || !f) {
                hull_filter_free(f);
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "invalid tar arguments");
        }
        if (!name)
                name = hull_filter_name(f);
        w = new0(struct hull_tar, 1);
        if (!w) {
                r = hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
                hull_filter_free(f);
                return r;
        }
        w->f = f;
        w->d = d;
        w->layer = layer;
        w->name = hull_strdup(name);
        w->path = hull_malloc(HULL_MAX_PATH_BYTES + 1);
        w->link = hull_malloc(HULL_MAX_PATH_BYTES + 1);
        w->a = archive_read_new();
        if (!w->name || !w->path || !w->link || !w->a) {
                hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
                hull_tar_free(w);
                return HULL_ENOMEM;
        }
        if (archive_read_support_format_tar(w->a) != ARCHIVE_OK ||
            archive_read_support_format_empty(w->a) != ARCHIVE_OK) {
                hull_diag_set(d, HULL_EINTERNAL, name, 0, 0, "libarchive: %s",
                              archive_error_string(w->a) ? archive_error_string(w->a)
                                                         : "setup failed");
                hull_tar_free(w);
                return HULL_EINTERNAL;
        }
        /* libarchive reads ahead here to pick the format */
        if (archive_read_open2(w->a, w, NULL, read_cb, NULL, NULL) != ARCHIVE_OK) {
                r = archive_fail(w, "the first header");
                hull_tar_free(w);
                return r;
        }
        *ret = w;
        return HULL_OK;
}

void hull_tar_set_warning_cb(struct hull_tar *w, hull_tar_warn_fn *fn, void *ud) {
        w->warn_fn = fn;
        w->warn_ud = ud;
}

/* Fill w->e from libarchive's entry.  Returns HULL_OK (deliver),
 * 1 (skip: counted and, when it deserves one, warned) or an error. */
static int convert(struct hull_tar *w, struct archive_entry *ae, uint64_t pos) {
        struct hull_entry *e = &w->e;
        const char *raw = archive_entry_pathname(ae), *hl;
        char *base;
        bool fixed = false;
        int r;

        memset(e, 0, sizeof(*e));
        if (!raw)
                raw = archive_entry_pathname_utf8(ae);
        if (!raw || !raw[0]) {
                w->st.skipped++;
                warn(w, pos, "entry without a name skipped");
                return 1;
        }
        if (strlen(raw) > HULL_MAX_PATH_BYTES) {
                w->st.skipped++;
                warn(w, pos, "entry name longer than %u bytes skipped", HULL_MAX_PATH_BYTES);
                return 1;
        }
        r = hull_tar_path_normalize(raw, w->path, HULL_MAX_PATH_BYTES + 1, &fixed);
        if (r != HULL_OK) {
                w->st.skipped++;
                warn(w, pos, "entry '%.300s' leaves the layer root: skipped", raw);
                return 1;
        }
        e->path = w->path;
        e->name_was_fixed = fixed;

        hl = archive_entry_hardlink(ae);
        if (hl) {
                e->type = HULL_ENTRY_HARDLINK;
                if (!hl[0] || strlen(hl) > HULL_MAX_PATH_BYTES ||
                    hull_tar_path_normalize(hl, w->link, HULL_MAX_PATH_BYTES + 1, NULL) !=
                            HULL_OK ||
                    !w->link[0]) {
                        w->st.skipped++;
                        warn(w, pos,
                             "hard link '%.200s' to '%.200s' leaves the layer root or is invalid: "
                             "skipped",
                             raw, hl);
                        return 1;
                }
                e->link = w->link;
        } else {
                switch (archive_entry_filetype(ae)) {
                case AE_IFREG: e->type = HULL_ENTRY_FILE; break;
                case AE_IFDIR: e->type = HULL_ENTRY_DIR; break;
                case AE_IFLNK: {
                        const char *t = archive_entry_symlink(ae);
                        if (!t)
                                t = archive_entry_symlink_utf8(ae);
                        if (!t)
                                t = "";
                        if (strlen(t) > HULL_MAX_PATH_BYTES) {
                                w->st.skipped++;
                                warn(w, pos,
                                     "symlink '%.300s' with a target longer than %u bytes skipped",
                                     raw, HULL_MAX_PATH_BYTES);
                                return 1;
                        }
                        memcpy(w->link, t, strlen(t) + 1);
                        e->type = HULL_ENTRY_SYMLINK;
                        e->link = w->link;
                        break;
                }
                case AE_IFCHR: e->type = HULL_ENTRY_CHAR; break;
                case AE_IFBLK: e->type = HULL_ENTRY_BLOCK; break;
                case AE_IFIFO: e->type = HULL_ENTRY_FIFO; break;
                default:
                        w->st.skipped++;
                        warn(w, pos, "entry '%.300s' of unsupported type %#o skipped", raw,
                             (unsigned)archive_entry_filetype(ae));
                        return 1;
                }
        }

        /* AUFS metadata at the root (.wh..wh.plnk/..., .wh..wh.orph, ...):
         * skipped with everything below it, as Docker does */
        if (strncmp(w->path, ".wh..wh.", 8) == 0 && strcmp(w->path, ".wh..wh..opq") != 0) {
                w->st.skipped++;
                return 1;
        }
        /* whiteouts: the last component of the normalised path */
        base = strrchr(w->path, '/');
        base = base ? base + 1 : w->path;
        if (strncmp(base, ".wh.", 4) == 0) {
                size_t dirlen = base == w->path ? 0 : (size_t)(base - w->path) - 1;
                char *victim = base + 4;
                if (strcmp(base, ".wh..wh..opq") == 0) {
                        w->path[dirlen] = '\0';
                        e->type = HULL_ENTRY_OPAQUE;
                } else if (strncmp(base, ".wh..wh.", 8) == 0) {
                        w->st.skipped++; /* AUFS metadata (.wh..wh.plnk, ...), as Docker */
                        return 1;
                } else if (!victim[0] || strcmp(victim, ".") == 0 || strcmp(victim, "..") == 0) {
                        w->st.skipped++;
                        warn(w, pos, "whiteout '%.300s' names nothing: skipped", raw);
                        return 1;
                } else {
                        memmove(base, victim, strlen(victim) + 1);
                        e->type = HULL_ENTRY_WHITEOUT;
                }
                e->link = NULL;
        } else if (!w->path[0] && e->type != HULL_ENTRY_DIR) {
                w->st.skipped++;
                warn(w, pos, "entry '%.300s' names the layer root but is not a directory: skipped",
                     raw);
                return 1;
        }

        e->size = e->type == HULL_ENTRY_FILE && archive_entry_size_is_set(ae) &&
                                  archive_entry_size(ae) > 0
                          ? (uint64_t)archive_entry_size(ae)
                          : 0;
        e->mode = (uint32_t)archive_entry_perm(ae) & 07777;
        {
                int64_t uid = archive_entry_uid(ae), gid = archive_entry_gid(ae);
                if (uid < 0 || uid > (int64_t)UINT32_MAX || gid < 0 || gid > (int64_t)UINT32_MAX) {
                        warn(w, pos, "entry '%.300s' has an out-of-range owner %lld:%lld", raw,
                             (long long)uid, (long long)gid);
                        uid = uid < 0 || uid > (int64_t)UINT32_MAX ? (int64_t)UINT32_MAX : uid;
                        gid = gid < 0 || gid > (int64_t)UINT32_MAX ? (int64_t)UINT32_MAX : gid;
                }
                e->uid = (uint32_t)uid;
                e->gid = (uint32_t)gid;
        }
        e->mtime = archive_entry_mtime_is_set(ae) ? (int64_t)archive_entry_mtime(ae) : 0;
        e->layer = w->layer;
        return HULL_OK;
}

int hull_tar_next(struct hull_tar *w, const struct hull_entry **ret) {
        struct archive_entry *ae;

        if (w->err != HULL_OK)
                return w->err;
        if (w->closed)
                return hull_diag_set(w->d, HULL_EINVAL, w->name, 0, 0,
                                     "layer walker already closed");
        w->have_entry = false;
        w->rd_n = 0;
        if (w->at_end) {
                *ret = NULL;
                return HULL_OK;
        }
        for (;;) {
                int r = archive_read_next_header(w->a, &ae);
                int64_t hp = archive_read_header_position(w->a);
                uint64_t pos = hp >= 0 ? (uint64_t)hp : stream_pos(w);

                if (r == ARCHIVE_EOF) {
                        const struct hull_filter_stats *fs = hull_filter_stats(w->f);
                        w->at_end = true;
                        if (fs->eof && fs->out_bytes > 0 && hp >= 0 &&
                            fs->out_bytes == (uint64_t)hp)
                                warn(w, pos,
                                     "tar archive ends without an end-of-archive marker "
                                     "(truncated?)");
                        *ret = NULL;
                        return HULL_OK;
                }
                if (r == ARCHIVE_RETRY) {
                        if (!w->in_damage) {
                                w->in_damage = true;
                                w->st.damaged++;
                                warn(w, pos, "damaged tar header skipped (%s)",
                                     archive_error_string(w->a) ? archive_error_string(w->a)
                                                                : "bad header");
                        }
                        if (w->st.damaged > 0 && pos == w->last_damage_pos) {
                                if (++w->damage_stuck > 3)
                                        return fail(w, HULL_ECORRUPT, pos,
                                                    "damaged tar archive: cannot resynchronise");
                        } else {
                                w->damage_stuck = 0;
                        }
                        w->last_damage_pos = pos;
                        continue;
                }
                if (r < ARCHIVE_WARN)
                        return archive_fail(w, "a header");
                w->in_damage = false;
                if (++w->seen > HULL_MAX_LAYER_ENTRIES) {
                        char msg[128];
                        snprintf(msg, sizeof(msg), "layer has more than %u entries",
                                 HULL_MAX_LAYER_ENTRIES);
                        return fail(w, HULL_ELIMIT, pos, msg);
                }
                if (r == ARCHIVE_WARN && archive_errno(w->a) != EILSEQ)
                        warn(w, pos, "%s",
                             archive_error_string(w->a) ? archive_error_string(w->a)
                                                        : "tar header warning");
                r = convert(w, ae, pos);
                if (r == 1)
                        continue;
                if (r != HULL_OK)
                        return fail(w, r, pos, "cannot convert the entry");
                w->st.entries++;
                w->have_entry = true;
                w->data_pos = 0;
                w->data_size = w->e.size; /* only regular files have content */
                w->data_warned = false;
                w->hole = 0;
                w->blk_n = 0;
                w->data_end = false;
                *ret = &w->e;
                return HULL_OK;
        }
}

int hull_tar_read_block(struct hull_tar *w, const void **ret_buf, size_t *ret_n) {
        if (w->err != HULL_OK)
                return w->err;
        if (w->closed)
                return hull_diag_set(w->d, HULL_EINVAL, w->name, 0, 0,
                                     "layer walker already closed");
        *ret_buf = zero_block;
        *ret_n = 0;
        if (!w->have_entry)
                return HULL_OK;
        for (;;) {
                const void *b;
                size_t n;
                la_int64_t off;
                int r;

                if (w->hole > 0) {
                        n = w->hole < ZERO_BLOCK ? (size_t)w->hole : ZERO_BLOCK;
                        w->hole -= n;
                        w->data_pos += n;
                        *ret_n = n;
                        return HULL_OK;
                }
                if (w->blk_n > 0) {
                        *ret_buf = w->blk;
                        *ret_n = w->blk_n;
                        w->data_pos += w->blk_n;
                        w->blk_n = 0;
                        return HULL_OK;
                }
                if (w->data_end)
                        return HULL_OK;
                if (w->data_size == 0) { /* nothing to hand out; libarchive skips the rest */
                        w->data_end = true;
                        continue;
                }
                r = archive_read_data_block(w->a, &b, &n, &off);
                if (r == ARCHIVE_EOF) {
                        w->data_end = true;
                        if (w->data_pos < w->data_size)
                                w->hole = w->data_size - w->data_pos; /* sparse tail */
                        continue;
                }
                if (r == ARCHIVE_WARN) {
                        warn(w, stream_pos(w), "%s",
                             archive_error_string(w->a) ? archive_error_string(w->a)
                                                        : "content warning");
                } else if (r != ARCHIVE_OK) {
                        return archive_fail(w, "content");
                }
                if (n == 0)
                        continue;
                if (off < 0)
                        return fail(w, HULL_ECORRUPT, stream_pos(w),
                                    "tar content at a negative offset");
                if ((uint64_t)off < w->data_pos) {
                        /* overlapping sparse map: drop what was already handed out */
                        uint64_t skip = w->data_pos - (uint64_t)off;
                        if (skip >= n)
                                continue;
                        b = (const unsigned char *)b + skip;
                        n -= (size_t)skip;
                        off = (la_int64_t)w->data_pos;
                }
                if ((uint64_t)off >= w->data_size || n > w->data_size - (uint64_t)off) {
                        /* a sparse map reaching past the size: content is exactly size bytes */
                        if (!w->data_warned) {
                                w->data_warned = true;
                                warn(w, stream_pos(w),
                                     "content of '%.300s' runs past its size: cut", w->e.path);
                        }
                        if ((uint64_t)off >= w->data_size)
                                continue;
                        n = (size_t)(w->data_size - (uint64_t)off);
                }
                w->hole = (uint64_t)off - w->data_pos;
                w->blk = b;
                w->blk_n = n;
        }
}

int hull_tar_read(struct hull_tar *w, void *buf, size_t n, size_t *ret_n) {
        size_t got = 0;

        while (got < n) {
                if (w->rd_n == 0) {
                        const void *b;
                        size_t k;
                        HULL_TRY(hull_tar_read_block(w, &b, &k));
                        if (k == 0)
                                break;
                        w->rd = b;
                        w->rd_n = k;
                }
                size_t k = w->rd_n < n - got ? w->rd_n : n - got;
                memcpy((char *)buf + got, w->rd, k);
                w->rd += k;
                w->rd_n -= k;
                got += k;
        }
        *ret_n = got;
        return HULL_OK;
}

int hull_tar_close(struct hull_tar *w) {
        int r;

        if (w->err != HULL_OK)
                return w->err;
        if (w->closed)
                return HULL_OK;
        w->closed = true;
        w->have_entry = false;
        r = hull_filter_drain(w->f);
        if (r != HULL_OK) {
                struct hull_diag *fd = hull_filter_diag(w->f);
                if (w->d && fd && fd != w->d && w->d->code == HULL_OK)
                        *w->d = *fd;
                w->err = r;
        }
        return r;
}

struct hull_filter *hull_tar_filter(const struct hull_tar *w) {
        return w->f;
}

const struct hull_tar_stats *hull_tar_stats(const struct hull_tar *w) {
        return &w->st;
}

struct hull_tar *hull_tar_free(struct hull_tar *w) {
        if (!w)
                return NULL;
        if (w->a)
                archive_read_free(w->a);
        hull_filter_free(w->f);
        hull_free(w->path);
        hull_free(w->link);
        hull_free(w->name);
        hull_free(w);
        return NULL;
}
