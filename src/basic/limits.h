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

/* Generic */
#define HULL_MAX_JSON_DEPTH 64u
#define HULL_MAX_PATH_BYTES 4096u

#endif
