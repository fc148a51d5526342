/* scan.h - read every layer of an opened image once, in parallel, into the
 * layered file-system model, handing file contents to consumers on the way.
 *
 * Pipeline: nthreads workers take layers, largest blob first; each
 * runs source -> filter (decompress, both digests) -> tar walker, records the
 * layer's entries (metadata only) in a per-layer buffer and streams the
 * content of regular files to the visitors and the capture.  When a layer's
 * stream ends its digests are checked (blob digest against the manifest when
 * the image has one, diff_id against the config) unless opts->skip_verify.
 * The calling thread applies the buffered layers to the model (layers.h)
 * strictly in layer order as they complete and frees each buffer: memory is a
 * constant per worker (filter and tar buffers, a few MiB) plus per-file
 * metadata, whatever the image size.
 *
 * Stopping: the first fatal error (digest mismatch, corrupt or truncated
 * data, a limit, a visitor failing) stops every worker at its next entry and
 * hull_scan_run() returns it with d filled: for a layer, d->file names the
 * blob ("img.tar:blobs/sha256/ab…") and the message says "layer N".
 * Warnings (skipped tar entries, trailing garbage, damaged headers) are kept
 * as notes; they never stop the scan.
 *
 * Content consumers:
 *  - visitors (the secret scanner of a later issue) get every regular file
 *    of every layer of at most opts->max_file_bytes, deleted later or not,
 *    in worker threads: begin / data* / end per file, with the worker index
 *    so they can keep per-thread state.  Whether a later layer deletes the
 *    file is known only after the scan: ask hull_scan_layers() then
 *    (hull_layers_get + hull_layers_node_deleted_in on (layer, path)).
 *    Larger files are skipped for visitors and listed as notes
 *    ("layer 3: usr/lib/big.so: 300 MiB, larger than the 64 MiB limit").
 *  - the capture keeps whole small files: opts->capture(path, size) decides
 *    (in a worker thread; must be thread-safe and cheap), at most
 *    opts->capture_max bytes each and HULL_MAX_CAPTURE_TOTAL in all (a file
 *    past either is not captured and a note says so).  The audit captures
 *    /etc/passwd, os-release and credential files this way.
 *
 * Ownership: the scan owns the model, captures and notes until
 * hull_scan_free(); it keeps pointers to img (which must outlive it). */
#ifndef HULL_IMAGE_SCAN_H
#define HULL_IMAGE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "image/entry.h"
#include "image/filter.h"
#include "image/image.h"
#include "image/layers.h"

#define HULL_SCAN_MAX_FILE_BYTES (64ull << 20) /* default opts.max_file_bytes */
#define HULL_SCAN_CAPTURE_MAX (1u << 20)       /* default opts.capture_max */
#define HULL_MAX_CAPTURE_TOTAL (64u << 20)     /* all captures of one scan */
#define HULL_SCAN_MAX_NOTES 1000u              /* notes kept; the rest only counted */

/* A content consumer.  Each callback returns HULL_OK or an error that stops
 * the scan (put the details in d).  Called concurrently from several
 * workers, never twice at once with the same worker index. */
struct hull_scan_visitor {
        const char *name;
        void *ud;
        /* Optional: return false to skip this file (cheap; no content read). */
        bool (*want)(void *ud, const struct hull_entry *e);
        int (*begin)(void *ud, unsigned worker, const struct hull_entry *e,
                     const struct hull_image_layer *layer, struct hull_diag *d);
        int (*data)(void *ud, unsigned worker, const void *buf, size_t n, struct hull_diag *d);
        int (*end)(void *ud, unsigned worker, struct hull_diag *d);
};

/* Progress: bytes of layer blobs read so far (of img->blob_bytes) and layers
 * done; called from the thread running hull_scan_run() about every 100 ms
 * while it waits, and once at the end. */
typedef void hull_scan_progress_fn(void *ud, uint64_t done_bytes, uint64_t total_bytes,
                                   unsigned layers_done, unsigned nlayers);

struct hull_scan_opts {
        unsigned threads;        /* workers; 0 = online CPUs (at most the layer count) */
        bool skip_verify;        /* no digest checks (the report must say so) */
        uint64_t max_file_bytes; /* visitors and capture; 0 = HULL_SCAN_MAX_FILE_BYTES */
        const struct hull_scan_visitor *visitors;
        size_t nvisitors;
        bool (*capture)(void *ud, const char *path, uint64_t size); /* may be NULL */
        void *capture_ud;
        size_t capture_max; /* 0 = HULL_SCAN_CAPTURE_MAX */
        hull_scan_progress_fn *progress;
        void *progress_ud;
};

struct hull_scan_layer_stats {
        enum hull_filter_kind compression;
        uint64_t blob_bytes;   /* compressed bytes read */
        uint64_t tar_bytes;    /* uncompressed bytes */
        uint64_t entries;      /* tar entries */
        uint64_t files_bytes;  /* content of regular files */
        bool blob_verified;    /* blob digest checked (false: none known or skip_verify) */
        bool diff_id_verified; /* diff_id checked */
        double seconds;        /* worker time spent on the layer */
};

struct hull_scan_stats {
        unsigned threads;
        uint64_t blob_bytes, tar_bytes, entries;
        uint64_t visited_files, skipped_large;
        uint64_t captured_files, captured_bytes;
        double seconds; /* wall time of hull_scan_run */
};

struct hull_scan;

/* Scan img.  On success *ret holds the finished model (hull_layers_finish
 * done).  On failure *ret is NULL and d says why. */
int hull_scan_run(const struct hull_image *img, const struct hull_scan_opts *opts,
                  struct hull_scan **ret, struct hull_diag *d);

const struct hull_image *hull_scan_image(const struct hull_scan *s);
const struct hull_layers *hull_scan_layers(const struct hull_scan *s);
void hull_scan_stats(const struct hull_scan *s, struct hull_scan_stats *ret);
int hull_scan_layer_stats(const struct hull_scan *s, unsigned layer,
                          struct hull_scan_layer_stats *ret); /* HULL_ENOTFOUND */

/* The captured content of the incarnation of path added or last changed in
 * `layer` (normalised path, as entry.h).  HULL_OK with *ret_data (NUL-
 * terminated) and *ret_n; HULL_ENOTFOUND when not captured. */
int hull_scan_capture_get(const struct hull_scan *s, unsigned layer, const char *path,
                          const char **ret_data, size_t *ret_n);
/* Same for a node of the model (its last layer and path). */
int hull_scan_capture_node(const struct hull_scan *s, const struct hull_layers_node *n,
                           const char **ret_data, size_t *ret_n);

/* Notes (warnings and skips), in layer order: "layer 2 (sha256:ab…): ...". */
size_t hull_scan_nnotes(const struct hull_scan *s);
const char *hull_scan_note(const struct hull_scan *s, size_t i);
uint64_t hull_scan_notes_dropped(const struct hull_scan *s); /* past HULL_SCAN_MAX_NOTES */

/* Accepts NULL; returns NULL. */
struct hull_scan *hull_scan_free(struct hull_scan *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_scan *, hull_scan_free)

#endif
