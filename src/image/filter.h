/* filter.h - streaming decompression of a layer blob, with its digests.
 *
 * A filter pulls from a source (source.h) in 256 KiB reads and hands out the
 * decompressed stream in chunks of up to 1 MiB that point into its own
 * buffer (hull_filter_next: no copy, no per-byte callback), or copies into the
 * caller's buffer (hull_filter_read).  The compression is decided by the
 * first bytes (containerd's DetectCompression): 1f 8b = gzip (isa-l), 28 b5
 * 2f fd = zstd (libzstd), anything else = plain; bzip2 and xz are recognised
 * and refused (HULL_EUNSUPPORTED).  An expected media type may be given; when
 * the bytes disagree with it the bytes win and a warning is counted.
 *
 * gzip headers are parsed with isal_read_gzip_header into a struct kept for
 * the member (isal_inflate's own parse loses the flags of a header split
 * across reads).  Like gunzip, gzip input may hold several members
 * (concatenated .gz files); trailing zero bytes after the last member are
 * ignored, other trailing garbage is ignored with a warning.  zstd input may hold several frames
 * (and skippable frames).  While streaming, SHA-256 is computed over every
 * byte read from the source (the blob digest of the manifest) and over every
 * byte handed out (the diff_id of the config); both are final once the end
 * of the stream has been reached (hull_filter_drain gets there).  Each side
 * can be turned off (opts): SHA-256 runs at about 2 GB/s here, so the output
 * hash costs about half as much as inflating; the blob digest alone already
 * pins the content, the diff_id is a consistency check of the config.  With
 * opts.async_out_digest the output hash runs on a thread of its own (a ring
 * of three output buffers), so a layer takes about the inflate time when a
 * core is free.  For plain
 * input the two digests are one hash and both are available if either is
 * asked for.
 *
 * Limits (basic/limits.h): decompressed bytes per layer
 * (HULL_MAX_LAYER_BYTES), and, once the output passes
 * HULL_DECOMPRESSION_RATIO_GRACE bytes, output / consumed input at most
 * HULL_MAX_DECOMPRESSION_RATIO: past either, HULL_ELIMIT (a decompression
 * bomb stops after a few MiB with bounded memory).  zstd frames needing a
 * window above 2^HULL_MAX_ZSTD_WINDOW_LOG are HULL_ELIMIT too.  Damaged or
 * truncated compressed data is HULL_ECORRUPT.  Every error names the source
 * and gives the offset in the compressed input in d->offset and the message.
 * Errors are sticky.
 *
 * Ownership: hull_filter_new() consumes the source (also on failure); the
 * filter owns it and frees it in hull_filter_free().  Chunks returned by
 * hull_filter_next() belong to the filter and stay valid until its next call. */
#ifndef HULL_IMAGE_FILTER_H
#define HULL_IMAGE_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "image/source.h"

enum hull_filter_kind {
        HULL_FILTER_NONE, /* plain bytes */
        HULL_FILTER_GZIP,
        HULL_FILTER_ZSTD,
        _HULL_FILTER_KIND_MAX,
        _HULL_FILTER_KIND_INVALID = -1,
};

/* "none", "gzip", "zstd"; NULL when out of range. */
const char *hull_filter_kind_to_string(enum hull_filter_kind k);

/* Compression named by an OCI or Docker layer media type
 * ("application/vnd.oci.image.layer.v1.tar+gzip",
 * "application/vnd.docker.image.rootfs.diff.tar.gzip", "...tar+zstd", "...tar",
 * the non-distributable variants); _HULL_FILTER_KIND_INVALID for anything else. */
enum hull_filter_kind hull_filter_kind_from_media_type(const char *media_type);

/* What a filter computes; which = HULL_FILTER_DIGEST_{IN,OUT}. */
enum hull_filter_digest {
        HULL_FILTER_DIGEST_IN,  /* of the bytes read from the source: the blob digest */
        HULL_FILTER_DIGEST_OUT, /* of the decompressed bytes: the diff_id */
};

struct hull_filter_opts {
        const char *media_type; /* expected, or NULL */
        uint64_t max_bytes;     /* decompressed; 0 = HULL_MAX_LAYER_BYTES */
        uint64_t max_ratio;     /* 0 = HULL_MAX_DECOMPRESSION_RATIO */
        bool no_in_digest;      /* skip SHA-256 of the compressed blob */
        bool no_out_digest;     /* skip SHA-256 of the output (diff_id); both: --skip-verify */
        bool async_out_digest;  /* hash the output on a thread of its own (gzip, zstd): the
                                 * same CPU, less wall time when a core is free; costs a
                                 * thread and 2 MiB more per filter */
};

struct hull_filter_stats {
        enum hull_filter_kind kind; /* valid after the first read */
        uint64_t in_bytes;          /* read from the source */
        uint64_t out_bytes;         /* handed out */
        uint64_t members;           /* gzip members / zstd frames completed */
        uint64_t trailing_bytes;    /* ignored after the last member (zeros or garbage) */
        unsigned warnings;          /* type mismatch, trailing garbage */
        bool type_mismatch;         /* bytes disagreed with opts.media_type */
        bool eof;                   /* the end of the stream was reached */
};

struct hull_filter;

/* opts may be NULL (defaults).  d is kept and filled on failures; pass the
 * same diag as to the source.  Nothing is read before the first next/read. */
int hull_filter_new(struct hull_filter **ret, struct hull_source *src,
                    const struct hull_filter_opts *opts, struct hull_diag *d);

/* Next chunk of decompressed bytes: *ret_buf and *ret_n point into the filter
 * (valid until the next call); *ret_n == 0 at the end.  Returns HULL_OK or an
 * error (HULL_ECORRUPT, HULL_ELIMIT, HULL_EIO, HULL_EUNSUPPORTED, HULL_ENOMEM). */
int hull_filter_next(struct hull_filter *f, const void **ret_buf, size_t *ret_n);

/* Copy up to n decompressed bytes into buf; *ret_n == 0 only at the end. */
int hull_filter_read(struct hull_filter *f, void *buf, size_t n, size_t *ret_n);

/* Read and discard up to the end of the stream, so both digests cover it. */
int hull_filter_drain(struct hull_filter *f);

/* The 32-byte SHA-256 of one side.  HULL_EINVAL before the end of the stream
 * or when that digest was turned off. */
int hull_filter_digest(const struct hull_filter *f, enum hull_filter_digest which, uint8_t ret[32]);

/* Compare one side with "sha256:<64 lowercase hex>" (a manifest digest or a
 * diff_id).  HULL_OK on a match; HULL_ECORRUPT naming the source, both
 * digests and which side on a mismatch; HULL_EUNSUPPORTED for another
 * algorithm; HULL_EPARSE for a malformed expectation; HULL_EINVAL as above. */
int hull_filter_check_digest(struct hull_filter *f, enum hull_filter_digest which,
                             const char *expected);

/* Format a digest as "sha256:<hex>" (72 bytes with the NUL). */
void hull_filter_digest_string(const uint8_t digest[32], char ret[72]);

const struct hull_filter_stats *hull_filter_stats(const struct hull_filter *f);
const char *hull_filter_name(const struct hull_filter *f);
struct hull_diag *hull_filter_diag(const struct hull_filter *f);
/* The last warning, "" if none (e.g. "trailing garbage after gzip member 2"). */
const char *hull_filter_last_warning(const struct hull_filter *f);

/* Accepts NULL; returns NULL.  Frees the source too. */
struct hull_filter *hull_filter_free(struct hull_filter *f);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_filter *, hull_filter_free)

#endif
