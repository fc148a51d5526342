/* limits.h - every limit on untrusted input, in one place (yara limits.h).
 * A value read from input is checked against these before it is trusted. */
#ifndef HULL_BASIC_LIMITS_H
#define HULL_BASIC_LIMITS_H

/* Dockerfiles */
#define HULL_MAX_DOCKERFILE_BYTES (256u * 1024 * 1024) /* whole file read into memory */
#define HULL_MAX_DF_LINE_BYTES 65536u     /* BuildKit's physical-line limit, newline included */
#define HULL_MAX_DF_INSTRUCTIONS 1000000u /* instructions per file */
#define HULL_MAX_DF_HEREDOCS 64u          /* heredocs on one instruction */
#define HULL_MAX_EXPAND_DEPTH 64u         /* nesting of ${...} in one word */
#define HULL_MAX_EXPAND_BYTES (16u * 1024 * 1024) /* result of one expansion */
#define HULL_MAX_EXPAND_FILE_STEPS (1ul << 26)    /* pattern-matching steps, whole file */
#define HULL_MAX_EXPAND_FILE_BYTES                                                                 \
        (64u * 1024 * 1024)             /* expansion memory, whole file, plus 16x its size */
#define HULL_MAX_SHELL_DEPTH 64u        /* nesting of $( ) ( ) ` ` in the shell model */
#define HULL_MAX_SHELL_COMMANDS 100000u /* simple commands in one RUN */

/* .dockerignore and the build context (src/lint/dockerignore.c) */
#define HULL_MAX_DOCKERIGNORE_BYTES (4u * 1024 * 1024) /* whole ignore file */
#define HULL_MAX_DOCKERIGNORE_LINE_BYTES                                                           \
        65535u                                 /* Docker's bufio.Scanner: 64 KiB with the newline */
#define HULL_MAX_DOCKERIGNORE_PATTERNS 10000u  /* patterns in one ignore file */
#define HULL_MAX_DOCKERIGNORE_STEPS 200000000u /* matcher steps in one context walk */
#define HULL_MAX_CONTEXT_ENTRIES 200000u       /* entries examined in one context walk */
#define HULL_MAX_CONTEXT_DEPTH 128u            /* directory depth of that walk (open fds) */

/* Image metadata (src/image/oci.c): index.json, manifests and docker
 * manifest.json up to MANIFEST_BYTES, a config up to CONFIG_BYTES; JSON_VALUES
 * bounds the tree jansson builds; BLOB_BYTES is the most a layer descriptor
 * may declare (1 TiB); INDEX_NESTING bounds index -> nested index -> ... */
#define HULL_MAX_MANIFEST_BYTES (4u * 1024 * 1024)
#define HULL_MAX_CONFIG_BYTES (16u * 1024 * 1024)
#define HULL_MAX_JSON_VALUES 262144u
#define HULL_MAX_BLOB_BYTES (1ull << 40)
#define HULL_MAX_INDEX_NESTING 8u

/* Outer archives (src/image/archive.c): the docker-archive or oci-archive
 * tar is indexed header by header, never extracted.  MEMBERS counts every
 * header (pax and GNU extension headers too); INDEX_BYTES is the arena
 * budget of the index (names, link targets); PAX_BYTES bounds one pax
 * extended header, as Go's archive/tar does (docker load reads these tars);
 * LINK_HOPS bounds symlink and hard-link resolution inside the archive
 * (skopeo's <id>/layer.tar -> ../<diffid>.tar needs one). */
#define HULL_MAX_ARCHIVE_MEMBERS 262144u
#define HULL_MAX_ARCHIVE_INDEX_BYTES (64u * 1024 * 1024)
#define HULL_MAX_PAX_BYTES (1u * 1024 * 1024)
#define HULL_MAX_ARCHIVE_LINK_HOPS 16u

/* Layered file-system model (src/image/layers.c): entries fed plus files
 * ever present (incarnations, implicit parents included) in one image, and
 * layers in one image (Docker stops at 127). */
#define HULL_MAX_IMAGE_ENTRIES 20000000u
#define HULL_MAX_IMAGE_LAYERS 4096u

/* Image layers (src/image: filter.c, tar.c) */
#define HULL_MAX_LAYER_BYTES (64ull << 30) /* decompressed bytes of one layer */
#define HULL_MAX_DECOMPRESSION_RATIO                                                               \
        1000u /* decompressed / compressed bytes (gzip tops out near 1032) */
#define HULL_DECOMPRESSION_RATIO_GRACE                                                             \
        (8u << 20)                       /* the ratio is checked once the output passes this */
#define HULL_MAX_ZSTD_WINDOW_LOG 27u     /* zstd window, 128 MiB: libzstd's own streaming default */
#define HULL_MAX_LAYER_ENTRIES 10000000u /* tar entries per layer, skipped ones included */

/* OSV vulnerability records (src/vuln/osv.c) and their import into the
 * database (src/vuln/db.c).  A record is one JSON document: bounded in
 * bytes, in values (jansson spends tens of bytes per value) and in depth
 * (the schema nests five levels; the free-form *_specific objects get the
 * rest).  An id (and each alias or related id) is short.  An import walks
 * directories to DIR_DEPTH without following symbolic links to directories
 * and reads at most IMPORT_FILES files and archive entries.  A zip archive
 * holds at most ZIP_ENTRIES entries and inflates to at most
 * ZIP_INFLATED_BYTES in all, and never past ZIP_RATIO times its size (after
 * HULL_DECOMPRESSION_RATIO_GRACE; OSV's JSON deflates 5 to 20 times, and
 * deflate itself reaches 1032): a zip bomb stops at one of these.  An
 * entry larger than RECORD_BYTES is a skipped record. */
#define HULL_MAX_OSV_RECORD_BYTES (8u * 1024 * 1024)
#define HULL_MAX_OSV_JSON_VALUES 500000u
#define HULL_MAX_OSV_JSON_DEPTH 32u
#define HULL_MAX_OSV_ID_BYTES 256u
#define HULL_MAX_OSV_DIR_DEPTH 32u
#define HULL_MAX_OSV_IMPORT_FILES 10000000u
#define HULL_MAX_OSV_ZIP_ENTRIES 2000000u
#define HULL_MAX_OSV_ZIP_INFLATED_BYTES (16ull << 30)
#define HULL_MAX_OSV_ZIP_RATIO 100u

/* `db update` (src/vuln/update.c): a downloaded all.zip (OSV's largest are
 * a few hundred MiB), a modified_id.csv (about 50 bytes a record) and one of
 * its lines, the records fetched one by one before all.zip is the cheaper
 * way, and the ecosystems of one update.  Records fetched alone are bounded
 * by HULL_MAX_OSV_RECORD_BYTES. */
#define HULL_MAX_OSV_DOWNLOAD_BYTES (4ull << 30)
#define HULL_MAX_OSV_CSV_BYTES (64u * 1024 * 1024)
#define HULL_MAX_OSV_CSV_LINE_BYTES 1024u
#define HULL_MAX_OSV_UPDATE_RECORDS 2000u
#define HULL_MAX_OSV_ECOSYSTEMS 256u

/* `hullscan vuln` inputs (src/vuln/input.c): a package list or an SBOM
 * (Syft and Trivy write a few MiB per thousand packages), the JSON tree
 * jansson builds of it, and the packages taken from it. */
#define HULL_MAX_SBOM_BYTES (256u * 1024 * 1024)
#define HULL_MAX_SBOM_JSON_DEPTH 64u
#define HULL_MAX_SBOM_JSON_VALUES 8000000u
#define HULL_MAX_SBOM_PACKAGES 1000000u
/* Its suppressions: an ignore file (YAML or JSON, written by people) and an
 * OpenVEX document (read with the SBOM's JSON limits). */
#define HULL_MAX_VULN_IGNORE_BYTES (1u * 1024 * 1024)
#define HULL_MAX_VEX_BYTES (64u * 1024 * 1024)

/* Generic */
#define HULL_MAX_JSON_DEPTH 64u
#define HULL_MAX_PATH_BYTES 4096u

#endif
