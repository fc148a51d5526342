/* image.h - open an image by reference: find its manifest, config and layer
 * blobs in a docker-archive, an OCI layout directory or an OCI archive, and
 * hand out a fresh source (source.h) per layer blob for the scan (scan.h).
 *
 * References (skopeo's transport syntax):
 *   docker-archive:PATH[:REF]    `docker save` output in its three shapes:
 *                                classic (<id>/layer.tar, manifest.json last),
 *                                Docker 25+ (an OCI layout inside, blobs/sha256,
 *                                plus manifest.json), skopeo/buildah
 *                                (<diffid>.tar, <id>/layer.tar symlinks to
 *                                them).  REF: "name:tag" or "@N" (N-th image).
 *   oci:DIR[:TAG|@DIGEST]        OCI image layout directory (oci-layout,
 *                                index.json, blobs/).
 *   oci-archive:PATH[:TAG]       the same layout as a tar file.
 *   PATH                         auto-detected: a directory with oci-layout
 *                                is oci:, a tar holding manifest.json is
 *                                docker-archive: (even when it also holds an
 *                                OCI layout: Docker 25+), a tar holding only
 *                                oci-layout + index.json is oci-archive:.
 * PATH and REF/TAG are split by existence (both may hold ':'): the whole
 * string when it names an existing file, else the longest prefix before a
 * ':' that exists (so "img.tar:ghcr.io/x/app:1" works, unlike skopeo's
 * first-':' cut); docs/internals/image-open.md has the rule in full.
 *
 * Multi-platform indexes (nested, up to HULL_MAX_INDEX_NESTING): the entry
 * for opts->platform (default: the host's) is chosen with
 * hull_oci_select_platform(); the config's platform must match it too.
 *
 * Archives are plain tar files read in place: the opener indexes the outer
 * tar's headers once (no extraction, no temporary files) and every blob is
 * then a window of the archive file (hull_source_new_fd), so layers can be
 * read in any order and by several threads at once.  Symlinks and hard links
 * inside the archive (skopeo's <id>/layer.tar) are resolved within it.
 * A compressed outer archive (`docker save | gzip`) is HULL_EUNSUPPORTED
 * with a hint to decompress it first.
 *
 * Verification at open: the manifest (when the reference names it by digest
 * or an index does) and the config are read whole and their SHA-256 checked
 * against the digest that names them (a docker-archive's config file name is
 * its digest in all shapes); a mismatch is HULL_ECORRUPT naming the blob.
 * Layer blobs are checked while they stream (scan.h).  With
 * opts->skip_verify nothing is checked (img->verified is false).
 *
 * Backends: everything above the blob level (index -> manifest -> config ->
 * layers) is written against a small blob-store interface (open a blob by
 * digest, or by path for docker-archive), so a registry backend (a later
 * issue: GET /v2/<name>/blobs/<digest>) plugs in as one more store.
 *
 * Errors (d names the archive and the member or blob): HULL_ENOTFOUND (no
 * such file, tag, platform or blob: "manifest.json: layer 3: blob
 * 'sha256:ab…' is missing from the archive"), HULL_EPARSE / HULL_ELIMIT /
 * HULL_EUNSUPPORTED from the metadata readers (oci.h), HULL_ECORRUPT
 * (digest mismatch, truncated archive, diff_id count differs from the layer
 * count), HULL_EINVAL (malformed reference), HULL_EIO, HULL_ENOMEM.
 *
 * Ownership: everything in struct hull_image lives in its arena and dies with
 * hull_image_free(); sources from hull_image_layer_source() belong to the
 * caller and may outlive nothing (free them before the image).  After open,
 * the image is read-only: hull_image_layer_source() may run in many threads. */
#ifndef HULL_IMAGE_IMAGE_H
#define HULL_IMAGE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/arena.h"
#include "basic/diag.h"
#include "image/oci.h"
#include "image/source.h"

enum hull_image_transport {
        HULL_IMAGE_DOCKER_ARCHIVE,
        HULL_IMAGE_OCI_DIR,
        HULL_IMAGE_OCI_ARCHIVE,
        _HULL_IMAGE_TRANSPORT_MAX,
        _HULL_IMAGE_TRANSPORT_INVALID = -1,
};

/* "docker-archive", "oci", "oci-archive"; NULL if out of range. */
const char *hull_image_transport_to_string(enum hull_image_transport t);

/* Which docker-archive shape (HULL_IMAGE_DOCKER_ARCHIVE only). */
enum hull_image_docker_shape {
        HULL_IMAGE_DOCKER_NONE,    /* not a docker-archive */
        HULL_IMAGE_DOCKER_CLASSIC, /* <id>/layer.tar (docker save <= 24) */
        HULL_IMAGE_DOCKER_OCI,     /* blobs/sha256/<hex> (Docker 25+) */
        HULL_IMAGE_DOCKER_SKOPEO,  /* <diffid>.tar (skopeo, buildah) */
};

struct hull_image_opts {
        const char *platform; /* "os/arch[/variant]"; NULL = the host's */
        bool skip_verify;     /* --skip-verify: no digest is checked */
};

struct hull_image_layer {
        unsigned index;         /* from 0, base layer first */
        const char *diff_id;    /* from the config: sha256 of the uncompressed tar */
        const char *digest;     /* blob digest from the manifest; NULL when the archive
                                 * names none (classic docker save: the blob is the
                                 * uncompressed tar, so diff_id is its digest) */
        const char *media_type; /* from the manifest; NULL when unknown (docker-archive
                                 * manifest.json has none: detected from the bytes) */
        uint64_t size;          /* blob bytes, from the manifest or the archive */
        const char *member;     /* where the blob is: archive member or file path */
        const struct hull_oci_history *history; /* the history entry that created
                                                 * it; NULL when the history runs short */
};

struct hull_image {
        struct hull_arena arena;
        const char *ref;  /* as given */
        const char *path; /* the archive or directory */
        enum hull_image_transport transport;
        enum hull_image_docker_shape docker_shape;
        const char *name;  /* the selected reference (tag, ref.name, digest) or NULL */
        const char **tags; /* every name the archive gives this image (RepoTags,
                            * ref.name / io.containerd.image.name annotations) */
        size_t ntags;
        const char *manifest_digest; /* NULL when the archive has no manifest blob */
        const char *config_digest;   /* "sha256:…" */
        const struct hull_oci_config *config;
        const char *config_json; /* the config's bytes (NUL-terminated), for reports */
        size_t config_json_len;
        struct hull_oci_platform platform; /* the config's */
        struct hull_image_layer *layers;
        size_t nlayers;
        uint64_t blob_bytes;             /* sum of the layer blob sizes */
        bool verified;                   /* false with opts->skip_verify */
        struct hull_image_private *priv; /* the backend (blob store, archive index) */
};

/* Open ref (see the top).  *ret is set only on success. */
int hull_image_open(struct hull_image **ret, const char *ref, const struct hull_image_opts *opts,
                    struct hull_diag *d);

/* A new source over the blob of layer i (size known).  Thread-safe.  d is
 * the diag the source will fill (one per thread). */
int hull_image_layer_source(const struct hull_image *img, size_t i, struct hull_source **ret,
                            struct hull_diag *d);

/* Accepts NULL; returns NULL. */
struct hull_image *hull_image_free(struct hull_image *img);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_image *, hull_image_free)

#endif
