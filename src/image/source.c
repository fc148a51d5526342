/* source.c - read callbacks over fds, fd windows and memory (source.h). */
#include "image/source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "basic/err.h"

struct hull_source {
        const struct hull_source_ops *ops;
        void *ud;
        char *name;
        uint64_t size;   /* expected total, HULL_SOURCE_SIZE_UNKNOWN if unknown */
        uint64_t offset; /* bytes delivered */
        int err;         /* sticky error, HULL_OK if none */
        struct hull_diag *d;
};

int hull_source_diag_at(struct hull_diag *d, int code, const char *name, uint64_t offset,
                        const char *fmt, ...) {
        char msg[sizeof(d->msg)];
        va_list ap;

        if (!d || d->code != HULL_OK)
                return code;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        hull_diag_set(d, code, name, 0, 0, "%s", msg);
        d->offset = offset;
        return code;
}

int hull_source_new(struct hull_source **ret, const struct hull_source_ops *ops, void *ud,
                    const char *name, uint64_t size, struct hull_diag *d) {
        struct hull_source *s;

        if (!ret || !ops || !ops->read) {
                if (ops && ops->close)
                        ops->close(ud);
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "invalid source");
        }
        s = new0(struct hull_source, 1);
        if (s)
                s->name = hull_strdup(name ? name : "");
        if (!s || !s->name) {
                hull_free(s);
                if (ops->close)
                        ops->close(ud);
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        }
        s->ops = ops;
        s->ud = ud;
        s->size = size;
        s->d = d;
        *ret = s;
        return HULL_OK;
}

int hull_source_read(struct hull_source *s, void *buf, size_t n, size_t *ret_n) {
        ssize_t k;

        if (s->err != HULL_OK)
                return s->err;
        if (s->size != HULL_SOURCE_SIZE_UNKNOWN && n > s->size - s->offset)
                n = (size_t)(s->size - s->offset);
        if (n == 0) {
                *ret_n = 0;
                return HULL_OK;
        }
        k = s->ops->read(s->ud, buf, n);
        if (k < 0) {
                int e = (int)-k;
                s->err = HULL_EIO;
                if (s->d && s->d->code == HULL_OK) {
                        hull_source_diag_at(s->d, HULL_EIO, s->name, s->offset,
                                            "cannot read %s source at offset %llu: %s",
                                            s->ops->kind, (unsigned long long)s->offset,
                                            strerror(e));
                        s->d->saved_errno = e;
                }
                return s->err;
        }
        if ((size_t)k > n) { /* a broken callback; never trust it with our buffer */
                s->err = hull_source_diag_at(s->d, HULL_EINTERNAL, s->name, s->offset,
                                             "%s source returned more than asked", s->ops->kind);
                return s->err;
        }
        if (k == 0 && s->size != HULL_SOURCE_SIZE_UNKNOWN && s->offset < s->size) {
                s->err = hull_source_diag_at(
                        s->d, HULL_ECORRUPT, s->name, s->offset,
                        "truncated: data ends at offset %llu, expected %llu bytes",
                        (unsigned long long)s->offset, (unsigned long long)s->size);
                return s->err;
        }
        s->offset += (uint64_t)k;
        *ret_n = (size_t)k;
        return HULL_OK;
}

const char *hull_source_name(const struct hull_source *s) {
        return s->name;
}

uint64_t hull_source_offset(const struct hull_source *s) {
        return s->offset;
}

uint64_t hull_source_size(const struct hull_source *s) {
        return s->size;
}

struct hull_diag *hull_source_diag(const struct hull_source *s) {
        return s->d;
}

struct hull_source *hull_source_free(struct hull_source *s) {
        if (!s)
                return NULL;
        if (s->ops->close)
                s->ops->close(s->ud);
        hull_free(s->name);
        hull_free(s);
        return NULL;
}

/* --- fd ------------------------------------------------------------------ */

struct fd_source {
        int fd;
        bool take_fd;
        bool stream;  /* not seekable: read(2) */
        uint64_t pos; /* next file offset (pread) */
};

static ssize_t fd_read(void *ud, void *buf, size_t n) {
        struct fd_source *f = ud;
        ssize_t k;

        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        do {
                if (f->stream)
                        k = read(f->fd, buf, n);
                else
                        k = pread(f->fd, buf, n, (off_t)f->pos);
        } while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        f->pos += (uint64_t)k;
        return k;
}

static void fd_close(void *ud) {
        struct fd_source *f = ud;

        if (f->take_fd)
                (void)close(f->fd);
        hull_free(f);
}

static const struct hull_source_ops fd_ops = {
        .kind = "file",
        .read = fd_read,
        .close = fd_close,
};

int hull_source_new_fd(struct hull_source **ret, int fd, uint64_t offset, uint64_t length,
                       bool take_fd, const char *name, struct hull_diag *d) {
        struct fd_source *f;

        if (fd < 0 || offset > (uint64_t)INT64_MAX ||
            (length != HULL_SOURCE_SIZE_UNKNOWN && length > (uint64_t)INT64_MAX - offset)) {
                if (take_fd && fd >= 0)
                        (void)close(fd);
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "invalid file window");
        }
        f = new0(struct fd_source, 1);
        if (!f) {
                if (take_fd)
                        (void)close(fd);
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        }
        f->fd = fd;
        f->take_fd = take_fd;
        f->pos = offset;
        if (lseek(fd, 0, SEEK_CUR) < 0 && errno == ESPIPE) {
                f->stream = true;
                if (offset != 0) {
                        fd_close(f);
                        return hull_diag_set(d, HULL_EINVAL, name, 0, 0,
                                             "cannot start at offset %llu of a pipe",
                                             (unsigned long long)offset);
                }
        } else {
#ifdef POSIX_FADV_SEQUENTIAL
                (void)posix_fadvise(fd, (off_t)offset,
                                    length == HULL_SOURCE_SIZE_UNKNOWN ? 0 : (off_t)length,
                                    POSIX_FADV_SEQUENTIAL);
#endif
        }
        return hull_source_new(ret, &fd_ops, f, name, length, d);
}

int hull_source_open_file(struct hull_source **ret, const char *path, struct hull_diag *d) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

        if (fd < 0)
                return hull_diag_errno(d, HULL_EIO, errno, path, "cannot open '%s'", path);
        return hull_source_new_fd(ret, fd, 0, HULL_SOURCE_SIZE_UNKNOWN, true, path, d);
}

/* --- memory -------------------------------------------------------------- */

struct mem_source {
        const unsigned char *data;
        size_t len, pos;
};

static ssize_t mem_read(void *ud, void *buf, size_t n) {
        struct mem_source *m = ud;

        if (n > m->len - m->pos)
                n = m->len - m->pos;
        if (n > SSIZE_MAX)
                n = SSIZE_MAX;
        if (n)
                memcpy(buf, m->data + m->pos, n);
        m->pos += n;
        return (ssize_t)n;
}

static void mem_close(void *ud) {
        hull_free(ud);
}

static const struct hull_source_ops mem_ops = {
        .kind = "memory",
        .read = mem_read,
        .close = mem_close,
};

int hull_source_new_memory(struct hull_source **ret, const void *data, size_t len, const char *name,
                           struct hull_diag *d) {
        struct mem_source *m;

        if (!data && len)
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "invalid memory source");
        m = new0(struct mem_source, 1);
        if (!m)
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        m->data = data;
        m->len = len;
        return hull_source_new(ret, &mem_ops, m, name, len, d);
}
