/* tar.h - the layer walker: the entries of one uncompressed tar stream, as
 * struct hull_entry (entry.h), read by libarchive from a filter (filter.h).
 *
 * libarchive gets only its tar reader (ustar, pax, GNU, v7; plus its "empty"
 * reader so that a 0-byte layer is an empty layer) and no decompression: the
 * filter feeds it plain tar through archive_read_open2() callbacks, chunk by
 * chunk, without copies.
 *
 * What the walker does to entries (the layer model applies them later):
 *  - names are normalised (entry.h): "./", leading "/", "//" and "."
 *    components go, ".." components are resolved; a name whose ".." would
 *    leave the root is skipped with a warning, never followed.  The layer
 *    root itself ("./", "/") is a DIR entry with path "".  name_was_fixed
 *    tells that the name needed this (a trailing "/" alone does not count).
 *  - ".wh.NAME" is HULL_ENTRY_WHITEOUT with path "DIR/NAME";
 *    ".wh..wh..opq" is HULL_ENTRY_OPAQUE with path "DIR"; other ".wh..wh."
 *    names and everything under a top-level ".wh..wh.*" directory (AUFS
 *    metadata: .wh..wh.plnk, .wh..wh.orph) are skipped silently, as Docker
 *    does (AUFS hard links into .wh..wh.plnk are not resolved).
 *  - libarchive's own rules apply first: a regular file whose name ends in
 *    "/" is a directory.
 *  - hard links: link is the normalised target (a target escaping the root:
 *    skipped with a warning); symlinks: link is the target as written.
 *  - names are bytes: invalid UTF-8 is kept as it is.  Duplicates pass.
 *  - skipped with a warning: names or link targets longer than
 *    HULL_MAX_PATH_BYTES, sockets and unknown types, non-directories named
 *    like the root.  More than HULL_MAX_LAYER_ENTRIES entries: HULL_ELIMIT.
 *  - a damaged header (bad checksum) is a warning; libarchive resynchronises
 *    on the next valid header 512 bytes at a time and the walk goes on.
 *    A stream that ends without an end-of-archive marker, exactly between
 *    entries, is a warning too (Go's archive/tar and GNU tar accept it).
 *  - fatal: a stream ending inside a header or content (HULL_ECORRUPT), an
 *    input that is not tar at all (HULL_EPARSE), a failing filter (its code).
 *
 * Errors fill the diag given to hull_tar_open() with the layer name and the
 * offset in the uncompressed tar stream (filter errors: in the compressed
 * blob, see filter.h); they are sticky.  Warnings go to an optional callback
 * and are counted.
 *
 * Ownership: hull_tar_open() consumes the filter (also on failure).  The
 * entry and its strings belong to the walker and are valid until the next
 * hull_tar_next() (or free); content blocks until the next read call. */
#ifndef HULL_IMAGE_TAR_H
#define HULL_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "image/entry.h"
#include "image/filter.h"

struct hull_tar;

struct hull_tar_stats {
        uint64_t entries;  /* handed out by hull_tar_next */
        uint64_t skipped;  /* escaping, too long, unknown type, AUFS metadata */
        uint64_t damaged;  /* runs of damaged headers skipped */
        unsigned warnings; /* every warning, including the above that warn */
};

/* Warning sink: offset in the uncompressed stream, msg lowercase without a
 * final full stop.  Called from inside hull_tar_next/read. */
typedef void hull_tar_warn_fn(void *ud, uint64_t offset, const char *msg);

/* Walk the tar stream of filter f, which belongs to layer index `layer`
 * (copied into every entry).  name is used in messages; NULL = the source's
 * name.  d is kept and filled on failures. */
int hull_tar_open(struct hull_tar **ret, struct hull_filter *f, unsigned layer, const char *name,
                  struct hull_diag *d);

void hull_tar_set_warning_cb(struct hull_tar *w, hull_tar_warn_fn *fn, void *ud);

/* Next entry: *ret points to it, or is NULL at the end of the archive.
 * Unread content of the previous entry is skipped (decompressed, hashed,
 * not copied).  Returns HULL_OK or an error (see above). */
int hull_tar_next(struct hull_tar *w, const struct hull_entry **ret);

/* Content of the current entry, copied: up to n bytes, *ret_n < n only at
 * the end of the content (0 when nothing is left).  A regular file's content
 * is exactly e->size bytes: holes of sparse files read as zeros, and a
 * sparse map reaching past the size is cut (with a warning); other entry
 * types have no content. */
int hull_tar_read(struct hull_tar *w, void *buf, size_t n, size_t *ret_n);

/* Content without a copy: *ret_buf and *ret_n are the next block (pointing into
 * the filter's buffer or a static zero block), *ret_n == 0 at the end. */
int hull_tar_read_block(struct hull_tar *w, const void **ret_buf, size_t *ret_n);

/* Finish the layer: read the rest of the compressed stream (what follows the
 * end-of-archive marker or entries not walked), so that the filter's digests
 * are complete; then hull_filter_check_digest(hull_tar_filter(w), ...).
 * next/read fail with HULL_EINVAL afterwards. */
int hull_tar_close(struct hull_tar *w);

/* The filter (owned by the walker): digests, compression stats. */
struct hull_filter *hull_tar_filter(const struct hull_tar *w);
const struct hull_tar_stats *hull_tar_stats(const struct hull_tar *w);

/* Accepts NULL; returns NULL.  Frees the filter and its source too. */
struct hull_tar *hull_tar_free(struct hull_tar *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_tar *, hull_tar_free)

/* Normalise an archive name as described above into out (outsz bytes,
 * NUL-terminated; "" is the root).  *ret_changed (may be NULL): the result
 * differs from in minus one trailing '/'.  Returns HULL_OK, HULL_EPARSE when
 * a ".." component leaves the root, HULL_ELIMIT when out is too small. */
int hull_tar_path_normalize(const char *in, char *out, size_t outsz, bool *ret_changed);

#endif
