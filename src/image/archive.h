/* archive.h - the index of an outer archive: the tar file that `docker save`,
 * skopeo or `skopeo copy oci-archive:` wrote, read in place.
 *
 * hull_archive_index() reads the tar headers one by one (ustar, pax extended
 * headers with path, linkpath and size, GNU long names 'L' and 'K', old GNU
 * sparse extension blocks, base-256 sizes), seeks over every member's
 * content and records where each member's bytes are.  Nothing is extracted
 * and no content is read, so indexing a 2 GB archive costs a few hundred
 * 512-byte reads.  A blob is then a window of the archive
 * (hull_archive_source), read with pread(2), so several threads can read
 * several members through one fd.
 *
 * What the index keeps:
 *  - member names normalised by hull_tar_path_normalize() ("./x" = "x",
 *    "a//b" = "a/b"); names whose ".." leaves the root and the root itself
 *    are not indexed (nothing can name them);
 *  - duplicates: the last member of a name wins, as extraction would leave it;
 *  - types as Go's archive/tar reads them (docker load is Go): links,
 *    directories, devices and FIFOs have no content whatever their size
 *    field says; a regular file whose name ends in '/' is a directory.
 *
 * Strictness (what docker load would refuse, we refuse): the first header
 * must be a valid tar header (HULL_EPARSE "not a tar archive"; gzip, zstd,
 * xz and bzip2 magic get HULL_EUNSUPPORTED with the command to decompress);
 * a later header with a bad checksum, a malformed number or pax record, a
 * member whose content runs past the end of the file, or a zero block
 * followed by a non-zero one is HULL_ECORRUPT; limits of basic/limits.h
 * (HULL_MAX_ARCHIVE_MEMBERS headers, HULL_MAX_PAX_BYTES per pax header,
 * HULL_MAX_PATH_BYTES per name, HULL_MAX_ARCHIVE_INDEX_BYTES of index) are
 * HULL_ELIMIT.  A file that ends exactly between members without the
 * end-of-archive blocks is accepted, as Go's reader accepts it;
 * hull_archive_complete() says so, for messages about missing members.
 * Every error names the archive and the header offset.
 *
 * Links: hull_archive_resolve() follows symlinks and hard links, in the
 * final name and in its directory components, within the archive only (an
 * absolute target is taken from the archive root; a target whose ".."
 * would leave it is HULL_ECORRUPT), at most HULL_MAX_ARCHIVE_LINK_HOPS hops.
 * The host file system is never consulted.
 *
 * Ownership: the index owns its members and strings (its own arena) and
 * keeps the reader given to it (an fd it does not own, or memory that must
 * outlive it).  After indexing it is read-only and thread-safe. */
#ifndef HULL_IMAGE_ARCHIVE_H
#define HULL_IMAGE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "image/image.h"
#include "image/source.h"

enum hull_archive_type {
        HULL_ARCHIVE_FILE,     /* '0', '\0', '7' */
        HULL_ARCHIVE_DIR,      /* '5', or a name ending in '/' */
        HULL_ARCHIVE_SYMLINK,  /* '2' */
        HULL_ARCHIVE_HARDLINK, /* '1' */
        HULL_ARCHIVE_OTHER,    /* devices, FIFOs, sparse files, vendor types */
        _HULL_ARCHIVE_TYPE_MAX,
        _HULL_ARCHIVE_TYPE_INVALID = -1,
};

struct hull_archive_member {
        const char *name; /* normalised, never "" */
        enum hull_archive_type type;
        char typeflag;          /* as written, for messages */
        uint64_t header_offset; /* of its first header (pax or GNU headers included) */
        uint64_t offset;        /* of its content */
        uint64_t size;          /* content bytes; 0 for every type but FILE and OTHER */
        const char *link;       /* SYMLINK: target as written; HARDLINK: target as
                                 * written (a name from the root); else NULL */
};

struct hull_archive;

/* Read n bytes at offset: return the count (short only at the end of the
 * data), or -errno. */
typedef ssize_t hull_archive_pread_fn(void *ud, void *buf, size_t n, uint64_t offset);

/* Index the archive of size bytes read through fn (ud kept for sources:
 * see hull_archive_source).  name is the archive's name in messages. */
int hull_archive_index(struct hull_archive **ret, hull_archive_pread_fn *fn, void *ud,
                       uint64_t size, const char *name, struct hull_diag *d);

/* The archive open at fd (not owned: it must stay open while the index
 * lives).  Must be a regular file. */
int hull_archive_index_fd(struct hull_archive **ret, int fd, const char *name, struct hull_diag *d);

/* len bytes at data (not copied; must outlive the index): fuzzing, tests. */
int hull_archive_index_memory(struct hull_archive **ret, const void *data, size_t len,
                              const char *name, struct hull_diag *d);

const char *hull_archive_name(const struct hull_archive *a);
/* false when the file ended between members without end-of-archive blocks. */
bool hull_archive_complete(const struct hull_archive *a);

/* The indexed members sorted by name (bytewise), one per name. */
size_t hull_archive_count(const struct hull_archive *a);
const struct hull_archive_member *hull_archive_member(const struct hull_archive *a, size_t i);

/* The member named name (normalised first; no link followed); NULL when none. */
const struct hull_archive_member *hull_archive_lookup(const struct hull_archive *a,
                                                      const char *name);

/* The regular file that path names once links are followed (see the top).
 * HULL_ENOTFOUND (no such member; nothing is written to d, so the caller
 * can say who wanted it), HULL_ECORRUPT (a link leaves the archive),
 * HULL_ELIMIT (too many hops: a loop), HULL_EUNSUPPORTED (a directory,
 * device or sparse file). */
int hull_archive_resolve(const struct hull_archive *a, const char *path,
                         const struct hull_archive_member **ret, struct hull_diag *d);

/* A source over the content of member m (a FILE of this index), named name
 * (NULL: "ARCHIVE:MEMBER").  The fd source shares the archive's fd (pread);
 * thread-safe.  The source must not outlive the index. */
int hull_archive_source(const struct hull_archive *a, const struct hull_archive_member *m,
                        const char *name, struct hull_source **ret, struct hull_diag *d);

/* Read member m whole into a new buffer (hull_free it; NUL-terminated).
 * Larger than max: HULL_ELIMIT naming what (e.g. "manifest.json"). */
int hull_archive_read(const struct hull_archive *a, const struct hull_archive_member *m, size_t max,
                      char **ret_data, size_t *ret_len, struct hull_diag *d);

/* Accepts NULL; returns NULL. */
struct hull_archive *hull_archive_free(struct hull_archive *a);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_archive *, hull_archive_free)

/* Quote untrusted s for a message into buf, in single quotes
 * (hull_str_quote: printable ASCII kept, ' and \\ escaped by a backslash,
 * other bytes as \xNN, cut after about 80 bytes); returns buf. */
const char *hull_archive_quote(char *buf, size_t size, const char *s);

/* ---- the image opener over an archive that is already indexed ---- */

/* Open the image in archive arc as hull_image_open() would with transport t
 * (HULL_IMAGE_DOCKER_ARCHIVE or HULL_IMAGE_OCI_ARCHIVE, or
 * _HULL_IMAGE_TRANSPORT_INVALID to detect it from the members) and
 * reference part refpart (the TAG / REF after the path; NULL for none).
 * The image takes arc (also on failure).  For the fuzzer and tests, which
 * index memory; hull_image_open() uses it for archive files. */
int hull_image_open_archive(struct hull_image **ret, struct hull_archive *arc,
                            enum hull_image_transport t, const char *refpart,
                            const struct hull_image_opts *opts, struct hull_diag *d);

#endif
