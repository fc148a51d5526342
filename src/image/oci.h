/* oci.h - container image metadata: the OCI image layout (oci-layout,
 * index.json), image indexes and manifests, image configs, their Docker
 * equivalents (manifest list, schema2 manifest, container config), and the
 * manifest.json of a docker-archive (`docker save`, Docker 25+, skopeo).
 *
 * Each reader takes the bytes of one document, checks them against the
 * OCI image-spec (image-index.md, manifest.md, config.md, descriptor.md) and
 * Docker's formats, and returns a model.  Input is bounded twice: a document
 * larger than HULL_MAX_MANIFEST_BYTES (HULL_MAX_CONFIG_BYTES for a config),
 * nested deeper than HULL_MAX_JSON_DEPTH or holding more than
 * HULL_MAX_JSON_VALUES values fails with HULL_ELIMIT before jansson builds a
 * tree.  Fields are matched as Go's encoding/json matches them (Docker,
 * containerd and BuildKit are Go): member names case-insensitively, null
 * meaning absent, unknown members ignored; two members naming the same
 * field ("User" and "user", or an exact duplicate) are an error rather than
 * Go's last-one-wins, so a document cannot show one value to us and
 * another to a runtime.
 *
 * Errors: HULL_EPARSE (not JSON, wrong type, missing field, bad digest, bad
 * path; for JSON syntax errors d->line, d->col and d->offset hold jansson's
 * position), HULL_ELIMIT (a limit of limits.h), HULL_EUNSUPPORTED (valid
 * but not handled: unknown media type, digest algorithm, schema version,
 * rootfs type; the message names it), HULL_ENOMEM.  Messages start with the
 * document name and the JSON path: "index.json: manifests[1].digest: ...".
 *
 * Ownership: every struct and string a reader returns lives in the arena
 * passed to it and dies with that arena; readers write *ret only on
 * success (on failure they may still have used arena bytes).  Nothing here
 * keeps a pointer to the input bytes.  The readers route jansson's
 * allocations through hull_malloc (json_set_alloc_funcs, once). */
#ifndef HULL_IMAGE_OCI_H
#define HULL_IMAGE_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"

/* Annotation keys we read. */
#define HULL_OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define HULL_OCI_ANNOTATION_IMAGE_NAME "io.containerd.image.name" /* Docker 25+ index.json */

/* ---- media types ---- */

enum hull_oci_kind {
        HULL_OCI_KIND_UNKNOWN,  /* a media type we do not know */
        HULL_OCI_KIND_INDEX,    /* OCI image index, Docker manifest list */
        HULL_OCI_KIND_MANIFEST, /* OCI image manifest, Docker schema2 manifest */
        HULL_OCI_KIND_CONFIG,   /* OCI image config, Docker container config */
        HULL_OCI_KIND_LAYER,    /* a layer tar, maybe compressed */
        _HULL_OCI_KIND_MAX,
        _HULL_OCI_KIND_INVALID = -1,
};

enum hull_oci_compression {
        HULL_OCI_COMPRESSION_NONE,
        HULL_OCI_COMPRESSION_GZIP,
        HULL_OCI_COMPRESSION_ZSTD,
        _HULL_OCI_COMPRESSION_MAX,
        _HULL_OCI_COMPRESSION_INVALID = -1,
};

struct hull_oci_media_type {
        enum hull_oci_kind kind;
        enum hull_oci_compression compression; /* layers; NONE otherwise */
        bool docker;                           /* application/vnd.docker.* */
        bool foreign; /* foreign / non-distributable layer: the blob may be absent
                       * from the image and fetched from the descriptor's urls */
};

/* Classify media type mt (exact, case-sensitive comparison, as Go does).
 * Returns HULL_OK, or HULL_EUNSUPPORTED with ret->kind = UNKNOWN. */
int hull_oci_media_type_lookup(const char *mt, struct hull_oci_media_type *ret);
const char *hull_oci_kind_to_string(enum hull_oci_kind k); /* "index", …; NULL if out of range */
const char *
hull_oci_compression_to_string(enum hull_oci_compression c); /* "none", "gzip", "zstd" */

/* ---- digests ---- */

/* Check s[0..n) against the descriptor.md grammar
 * (algorithm ":" encoded, algorithm components [a-z0-9]+ joined by [+._-],
 * encoded [a-zA-Z0-9=_-]+) and, for the registered algorithms, the encoding:
 * sha256 = 64 and sha512 = 128 lowercase hex digits.  Returns HULL_OK,
 * HULL_EPARSE, or HULL_EUNSUPPORTED for a well-formed digest of another
 * algorithm. */
int hull_oci_digest_check(const char *s, size_t n);

/* ---- descriptors ---- */

struct hull_oci_annotation {
        const char *key, *value;
};

/* Value of key in an annotation (or label) list; NULL when absent. */
const char *hull_oci_annotation_get(const struct hull_oci_annotation *a, size_t n, const char *key);

struct hull_oci_platform {
        const char *os;           /* "linux" */
        const char *architecture; /* "amd64", "arm64" */
        const char *variant;      /* "v8"; NULL when absent */
        const char *os_version;   /* "10.0.17763.1879"; NULL when absent */
        const char **os_features; /* "win32k" */
        size_t nos_features;
};

struct hull_oci_descriptor {
        const char *media_type;          /* as written */
        struct hull_oci_media_type type; /* its classification (kind UNKNOWN if unknown) */
        const char *digest;              /* checked with hull_oci_digest_check */
        uint64_t size;                   /* bytes; <= the limit for its kind */
        const char **urls;
        size_t nurls;
        struct hull_oci_annotation *annotations;
        size_t nannotations;
        const char *artifact_type; /* NULL when absent */
        bool has_platform;
        struct hull_oci_platform platform; /* valid when has_platform */
};

/* ---- OCI image layout: the oci-layout file ---- */

/* {"imageLayoutVersion": "1.0.0"}: *ret_version points into a.  A version
 * whose major is not 1 is HULL_EUNSUPPORTED. */
int hull_oci_layout_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                          const char **ret_version, struct hull_diag *d);

/* ---- image index / Docker manifest list (index.json, nested indexes) ---- */

struct hull_oci_index {
        int schema_version;                    /* 2 */
        const char *media_type;                /* NULL when absent (allowed for OCI) */
        bool docker;                           /* a Docker manifest list */
        struct hull_oci_descriptor *manifests; /* in document order; entries of unknown
                                                * media type are kept (the spec says
                                                * ignore them) and never selected */
        size_t nmanifests;
        struct hull_oci_annotation *annotations;
        size_t nannotations;
};

/* Parse an image index or Docker manifest list (at most HULL_MAX_MANIFEST_BYTES).
 * Every entry needs mediaType, digest and size; a manifest or index entry
 * may declare at most HULL_MAX_MANIFEST_BYTES, a config entry
 * HULL_MAX_CONFIG_BYTES, anything else HULL_MAX_BLOB_BYTES (else HULL_ELIMIT).
 * A nested index is just an entry of kind INDEX: the caller reads that blob
 * and parses it again, at most HULL_MAX_INDEX_NESTING levels deep. */
int hull_oci_index_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                         struct hull_oci_index **ret, struct hull_diag *d);

/* ---- image manifest / Docker schema2 manifest ---- */

struct hull_oci_manifest {
        int schema_version;                 /* 2 */
        const char *media_type;             /* NULL when absent */
        bool docker;                        /* a Docker schema2 manifest */
        struct hull_oci_descriptor config;  /* kind CONFIG */
        struct hull_oci_descriptor *layers; /* kind LAYER, base layer first */
        size_t nlayers;
        struct hull_oci_annotation *annotations;
        size_t nannotations;
        const char *artifact_type; /* NULL when absent */
        bool has_subject;
        struct hull_oci_descriptor subject; /* valid when has_subject */
};

/* Parse an image manifest.  A config descriptor that is not an image config
 * (an OCI artifact) or a layer of another media type is HULL_EUNSUPPORTED
 * naming the type; a Docker schema1 manifest (schemaVersion 1) too. */
int hull_oci_manifest_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                            struct hull_oci_manifest **ret, struct hull_diag *d);

/* ---- image config ---- */

struct hull_oci_healthcheck {
        const char **test; /* ["CMD", …], ["CMD-SHELL", cmd], ["NONE"]; empty = inherit */
        size_t ntest;
        int64_t interval, timeout, start_period, start_interval; /* nanoseconds; 0 = default */
        int64_t retries;                                         /* 0 = default */
};

/* The execution parameters ("config" member of the image config). */
struct hull_oci_exec_config {
        const char *user; /* NULL when absent */
        const char **env; /* "KEY=value" as written */
        size_t nenv;
        const char **entrypoint; /* Cmd, Entrypoint and Shell may be a single string in
                                  * the JSON (Docker's StrSlice): one element here */
        size_t nentrypoint;
        bool has_entrypoint; /* present and not null (an empty array resets it) */
        const char **cmd;
        size_t ncmd;
        bool has_cmd;
        const char *working_dir;
        const char **exposed_ports; /* keys of ExposedPorts: "8080/tcp", "53/udp", "22" */
        size_t nexposed_ports;
        const char **volumes; /* keys of Volumes */
        size_t nvolumes;
        struct hull_oci_annotation *labels; /* in document order */
        size_t nlabels;
        const struct hull_oci_healthcheck *healthcheck; /* NULL when absent */
        const char *stop_signal;
        const char **shell;
        size_t nshell;
        const char **on_build;
        size_t non_build;
        bool args_escaped;
};

struct hull_oci_history {
        const char *created, *created_by, *author, *comment; /* NULL when absent */
        bool empty_layer;
        long layer; /* index in diff_ids of the layer this entry made; -1 if none */
};

struct hull_oci_config {
        struct hull_oci_platform platform; /* architecture, os (both required), variant,
                                            * os.version, os.features */
        const char *created, *author;      /* NULL when absent */
        bool has_config;                   /* "config" present and not null */
        struct hull_oci_exec_config config;
        const char *rootfs_type; /* "layers" */
        const char **diff_ids;   /* checked digests, base layer first */
        size_t ndiff_ids;
        struct hull_oci_history *history;
        size_t nhistory;
        /* Per layer (ndiff_ids entries): the history entry that created it, as
         * `docker history` pairs them (the non-empty_layer entries in order),
         * or NULL when the history runs short. */
        const struct hull_oci_history **layer_history;
        /* The history has entries but their non-empty count differs from
         * ndiff_ids (Docker refuses too many; we keep going and say so). */
        bool history_mismatch;
};

/* Parse an image config (at most HULL_MAX_CONFIG_BYTES).  rootfs.type other
 * than "layers" is HULL_EUNSUPPORTED; durations and retries are Go integers
 * (a fraction or exponent is HULL_EPARSE). */
int hull_oci_config_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                          struct hull_oci_config **ret, struct hull_diag *d);

/* HULL_ECORRUPT when a manifest (or docker-archive entry) with nlayers layers
 * cannot belong to config c: the diff_ids count differs.  name = the config. */
int hull_oci_config_check_layers(const struct hull_oci_config *c, size_t nlayers, const char *name,
                                 struct hull_diag *d);

/* ---- platforms (containerd/platforms semantics) ---- */

/* Parse a platform specifier `os|arch|os/arch[/variant]` (os may carry
 * "(os.version+feature…)") as containerd's platforms.Parse does: names are
 * lowercased and normalised (aarch64 -> arm64, x86_64 -> amd64, armhf -> arm/v7,
 * armel -> arm/v6, i386 -> 386, macos -> darwin); a lone OS gets the host's
 * architecture, a lone architecture the host's OS; "arm" means arm/v7 and
 * "os/arm64/" + nothing means v8.  Strings live in a.  HULL_EINVAL with a
 * message for a malformed specifier. */
int hull_oci_platform_parse(struct hull_arena *a, const char *spec, struct hull_oci_platform *ret,
                            struct hull_diag *d);

/* The host platform (compile-time: linux/amd64 here); static strings. */
void hull_oci_platform_host(struct hull_oci_platform *ret);

/* How well `have` (an index entry's or a config's platform) suits `want`, as
 * containerd's platforms.Only(want) orders them: 0 = the same platform after
 * normalisation, 1, 2, … = compatible fallbacks in order of preference
 * (amd64/v3 accepts amd64/v2, v1 then 386; arm64 accepts arm/v8 … arm/v5;
 * arm/v7 accepts v6, v5; arm64/v8.2 accepts v8.1, v8), -1 = unusable.
 * An empty `have` os means the host's.  os.version is not compared. */
int hull_oci_platform_rank(const struct hull_oci_platform *want,
                           const struct hull_oci_platform *have);
static inline bool hull_oci_platform_match(const struct hull_oci_platform *want,
                                           const struct hull_oci_platform *have) {
        return hull_oci_platform_rank(want, have) >= 0;
}

/* "os/arch[/variant]" as written (not normalised) into buf; returns buf. */
char *hull_oci_platform_format(const struct hull_oci_platform *p, char *buf, size_t size);

/* Pick the entry of idx for platform want (NULL = the host's), as
 * containerd's images.Manifest does: among manifest and index entries with a
 * platform, the best hull_oci_platform_rank (the first in document order on
 * a tie); failing that, the first manifest or index entry without a platform
 * (single-image layouts, nested indexes: the caller then checks the config's
 * platform with hull_oci_platform_match, or descends).  Entries of unknown
 * media type are skipped.  *ret_index is the position in idx->manifests.
 * HULL_ENOTFOUND when nothing fits; the message lists the platforms on offer. */
int hull_oci_select_platform(const struct hull_oci_index *idx, const struct hull_oci_platform *want,
                             const char *name, size_t *ret_index, struct hull_diag *d);

/* Pick the entry of an OCI layout's index.json named by ref: a digest
 * ("sha256:…", optionally with a leading '@') matches the entry's digest;
 * anything else matches the org.opencontainers.image.ref.name annotation
 * exactly, or the io.containerd.image.name annotation exactly or after
 * Docker normalisation ("app:1" = "docker.io/library/app:1").  ref NULL:
 * the only entry.  HULL_ENOTFOUND (no match; lists the names), HULL_EINVAL
 * (ref NULL or ambiguous with several entries; lists the names). */
int hull_oci_index_find_ref(const struct hull_oci_index *idx, const char *ref, const char *name,
                            size_t *ret_index, struct hull_diag *d);

/* hull_oci_index_find_ref, except when the entries ref names (ref NULL:
 * every entry, if they share one name or have none) are different images
 * that each declare a platform, the way `docker buildx` and containerd write
 * one multi-platform image into a layout entry by entry: then the best for
 * want (NULL = the host's) is chosen as hull_oci_select_platform() does and
 * *ret_by_platform is set. */
int hull_oci_index_find_ref_platform(const struct hull_oci_index *idx, const char *ref,
                                     const struct hull_oci_platform *want, const char *name,
                                     size_t *ret_index, bool *ret_by_platform, struct hull_diag *d);

/* ---- docker-archive manifest.json ---- */

enum hull_docker_layer_form {
        HULL_DOCKER_LAYER_LEGACY, /* "<id>/layer.tar" (docker save <= 24; id is no digest) */
        HULL_DOCKER_LAYER_BLOB,   /* "blobs/sha256/<hex>" (Docker 25+): digest of the file */
        HULL_DOCKER_LAYER_DIFFID, /* "<hex>.tar" (skopeo, buildah): the diff_id */
        HULL_DOCKER_LAYER_OTHER,  /* any other relative path */
        _HULL_DOCKER_LAYER_FORM_MAX,
        _HULL_DOCKER_LAYER_FORM_INVALID = -1,
};

struct hull_docker_layer {
        const char *path; /* as written; relative, no ".." component */
        enum hull_docker_layer_form form;
        const char *digest; /* "sha256:<hex>" the path names (BLOB, DIFFID); else NULL */
};

struct hull_docker_layer_source { /* LayerSources: foreign layers, by diff_id */
        const char *diff_id;
        struct hull_oci_descriptor desc;
};

struct hull_docker_image {
        const char *config;        /* path of the config file in the archive */
        const char *config_digest; /* "sha256:<hex>" when the path names it
                                    * ("<hex>.json", "blobs/sha256/<hex>"); else NULL */
        const char **repo_tags;    /* "name:tag" as written; none when saved by ID */
        size_t nrepo_tags;
        struct hull_docker_layer *layers; /* base layer first */
        size_t nlayers;
        struct hull_docker_layer_source *layer_sources;
        size_t nlayer_sources;
};

struct hull_docker_manifest {
        struct hull_docker_image *images;
        size_t nimages;
};

/* Parse a docker-archive manifest.json (a JSON array, at most
 * HULL_MAX_MANIFEST_BYTES): every item needs Config and Layers; paths must be
 * relative without ".." (HULL_EPARSE).  The `repositories` file is not read. */
int hull_docker_manifest_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                               struct hull_docker_manifest **ret, struct hull_diag *d);

/* Pick the image named tag ("app:1", or any spelling Docker normalises to
 * the same reference: "docker.io/library/app:1"; "@N" = the N-th item, from
 * 0, as skopeo's docker-archive:PATH:@N, unless a RepoTag is literally that).
 * tag NULL: the only image.
 * HULL_ENOTFOUND (no such tag; lists the tags), HULL_EINVAL (tag NULL with
 * several images; lists them). */
int hull_docker_manifest_select(const struct hull_docker_manifest *m, const char *tag,
                                const char *name, size_t *ret_index, struct hull_diag *d);

#endif
