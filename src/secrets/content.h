/* content.h - the content walker: gets a file's bytes in chunks, works out
 * what they are, and hands the secret engine every text a secret can hide in.
 * What the bytes are is decided on the first 4 KiB (all of a shorter file):
 *
 *  - text and binary files: scanned as they are, straight from the caller's
 *    buffers (secrets in binaries are printable runs; the engine's regexes
 *    never cross a non-token byte);
 *  - UTF-16 (a BOM, or at least 90% of the first 4 KiB's code units being
 *    printable ASCII with a NUL high byte): transcoded to 8-bit (non-ASCII
 *    code units become '?'), encoding "utf-16le"/"utf-16be";
 *  - gzip (1f 8b, isa-l; several members as gunzip) and zstd (28 b5 2f fd,
 *    libzstd): inflated, then walked again (a .tar.gz becomes a tar),
 *    encoding "gzip"/"zstd";
 *  - archives (zip/jar/war/apk/whl/egg/nupkg: "PK\3\4" or "PK\5\6"; tar:
 *    "ustar" at 257 or a valid v7 header checksum): every regular member
 *    walked again, inner "member" joined with '!/'
 *    ("lib/app.jar!/META-INF/x.yml").  Member names as reported lose leading
 *    '/' and "./", have control bytes replaced by '?' and are cut at 1 KiB.
 * Encodings compose outermost first ("gzip+utf-16le", and the engine's own
 * "base64" after them) and describe a member's own bytes: the members of a
 * .tar.gz carry none, a gzip'd member of a tar carries "gzip".  The engine
 * sees, for its path-filtered rules, the member's path inside its archive
 * with a compression suffix dropped (".npmrc.gz" -> ".npmrc").
 *
 * Archives and compressed files are buffered whole, then unpacked member
 * after member (never two engine streams at once); plain and UTF-16 bytes
 * stream through.  Limits, each a note, never an error:
 *  - nesting: a container HULL_CONTENT_MAX_DEPTH levels down (the top-level
 *    file is level 0) is scanned as it is, not unpacked;
 *  - size: a member with a larger size in its header is skipped; a member
 *    or a decompressed content passing max_file_bytes is cut there; a
 *    top-level archive or compressed file over it is scanned as it is;
 *  - bombs: all unpacked bytes of one top-level file at most
 *    HULL_CONTENT_MAX_EXPANDED and at most HULL_CONTENT_MAX_RATIO times the
 *    file's size (1 MiB always allowed); each gzip or zstd stream and each
 *    archive stops once its output passes 1 MiB and HULL_CONTENT_MAX_RATIO
 *    times the input it has consumed.  What was unpacked before is scanned.
 * Damaged archives and compressed streams are notes too: what was read
 * before the damage is scanned; bytes that only look like a container (no
 * valid header) are scanned as they are.  At most 64 notes per top-level
 * file, then one saying how many were left out.  Errors are only
 * HULL_ENOMEM and what the hit callback returns.
 *
 * One walker per thread; one top-level file at a time. */
#ifndef HULL_SECRETS_CONTENT_H
#define HULL_SECRETS_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "basic/diag.h"
#include "secrets/engine.h"

#define HULL_CONTENT_MAX_DEPTH 4                 /* archive in archive in ... */
#define HULL_CONTENT_MAX_EXPANDED (512ull << 20) /* per top-level file */
#define HULL_CONTENT_MAX_RATIO 200               /* expanded / compressed bytes */

struct hull_content_walker;

/* A note: something not scanned, or scanned in part, and why (inner
 * "app.jar!/big.bin", msg "80 MiB, larger than the 64 MiB limit: not
 * scanned").  path is the top-level path, inner the member (NULL for the
 * file itself); msg is lowercase, without a final full stop. */
typedef void hull_content_note_fn(void *ud, const char *path, const char *inner, const char *msg);

struct hull_content_opts {
        uint64_t max_file_bytes; /* members and buffered files; 0: 64 MiB */
        hull_secret_hit_fn *hit; /* hits carry inner and encoding */
        hull_content_note_fn *note;
        void *ud;
};

int hull_content_walker_new(const struct hull_secrets *s, struct hull_content_walker **ret);
void hull_content_walker_free(struct hull_content_walker *w);

/* One top-level file: path as reported ('/'-separated; copied), size if
 * known (UINT64_MAX: unknown, e.g. stdin).  opts is copied; NULL: defaults,
 * no callbacks.  After an error, data calls return it again until end. */
int hull_content_begin(struct hull_content_walker *w, const char *path, uint64_t size,
                       const struct hull_content_opts *opts);
int hull_content_data(struct hull_content_walker *w, const void *buf, size_t n);
/* Unpacks and scans what was buffered.  Returns the file's first error (also
 * one a data call already returned).  Always leaves the walker ready for the
 * next file, also after an error; a begin without an end abandons the file
 * (hits still pending for it are not reported). */
int hull_content_end(struct hull_content_walker *w);

/* The walker's engine scanner (for hull_secrets_path_class). */
struct hull_secrets_scanner *hull_content_scanner(struct hull_content_walker *w);

/* The engine statistics of the walker's scanner. */
void hull_content_stats(const struct hull_content_walker *w, struct hull_secrets_stats *ret);

#endif
