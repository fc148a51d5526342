/* source.h - where the bytes of a blob come from: a read callback over a file
 * descriptor (optionally a window of it: a layer inside a docker-save tar),
 * over memory, or over anything a caller plugs in (a registry HTTP body).
 *
 * A source is a sequential stream with a position.  The built-in fd source
 * reads with pread(2) at its own position, so many sources can share one fd
 * and be read from several threads at once (one source per thread); a pipe
 * (no seek) falls back to read(2) and then must start at offset 0.
 *
 * Invariants: hull_source_offset() is the number of bytes delivered so far;
 * when the size is known, a source never delivers more than it, and an end of
 * data before it is HULL_ECORRUPT ("truncated").  Errors are sticky: after a
 * failure every read returns the same code.  Failures fill the diag given at
 * creation (name + byte offset in the message and in d->offset).
 *
 * Ownership: a source owns its name copy and whatever its ops own (the fd
 * when take_fd is set, never the memory of a memory source); the caller owns
 * the source until it hands it to hull_filter_new(), which consumes it. */
#ifndef HULL_IMAGE_SOURCE_H
#define HULL_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "basic/alloc.h"
#include "basic/diag.h"

#define HULL_SOURCE_SIZE_UNKNOWN UINT64_MAX

/* A source implementation (the vtable; libarchive's client callbacks).
 * read: copy up to n (> 0) bytes into buf; return the count (> 0), 0 at the
 *   end of the data, or -errno on failure (-EIO, -ECONNRESET, ...; a registry
 *   source maps its transport errors to errno values).  Short reads are fine.
 * close: release ud; may be NULL.  Called once, by hull_source_free(). */
struct hull_source_ops {
        const char *kind; /* "file", "memory", ... for messages */
        ssize_t (*read)(void *ud, void *buf, size_t n);
        void (*close)(void *ud);
};

struct hull_source;

/* Wrap a caller's implementation.  size is the expected total or
 * HULL_SOURCE_SIZE_UNKNOWN (an HTTP body with Content-Length knows it).
 * ud belongs to the source from here on, even on failure (ops->close runs). */
int hull_source_new(struct hull_source **ret, const struct hull_source_ops *ops, void *ud,
                    const char *name, uint64_t size, struct hull_diag *d);

/* Bytes [offset, offset + length) of fd; length HULL_SOURCE_SIZE_UNKNOWN
 * means up to the end of the file.  take_fd: close fd in hull_source_free()
 * (and on failure here).  name is used in messages ("img.tar:blobs/sha256/ab"). */
int hull_source_new_fd(struct hull_source **ret, int fd, uint64_t offset, uint64_t length,
                       bool take_fd, const char *name, struct hull_diag *d);

/* The whole file at path (opened O_RDONLY|O_CLOEXEC, owned by the source). */
int hull_source_open_file(struct hull_source **ret, const char *path, struct hull_diag *d);

/* len bytes at data, which must outlive the source (not copied, not freed). */
int hull_source_new_memory(struct hull_source **ret, const void *data, size_t len, const char *name,
                           struct hull_diag *d);

/* Read up to n bytes; *ret_n = 0 means the end of the data.  Returns HULL_OK,
 * HULL_EIO (OS failure) or HULL_ECORRUPT (ended before its known size). */
int hull_source_read(struct hull_source *s, void *buf, size_t n, size_t *ret_n);

const char *hull_source_name(const struct hull_source *s);
uint64_t hull_source_offset(const struct hull_source *s);
uint64_t hull_source_size(const struct hull_source *s); /* HULL_SOURCE_SIZE_UNKNOWN if unknown */
struct hull_diag *hull_source_diag(const struct hull_source *s);

/* Accepts NULL; returns NULL. */
struct hull_source *hull_source_free(struct hull_source *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_source *, hull_source_free)

/* Shared by source, filter and tar: record an error (see hull_diag_set) and,
 * when this call is the one that filled d, the byte offset.  Returns code. */
int hull_source_diag_at(struct hull_diag *d, int code, const char *name, uint64_t offset,
                        const char *fmt, ...) _printf_(5, 6);

#endif
