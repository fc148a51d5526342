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
#define HULL_MAX_SHELL_DEPTH 64u          /* nesting of $( ) ( ) ` ` in the shell model */
#define HULL_MAX_SHELL_COMMANDS 100000u   /* simple commands in one RUN */

/* Generic */
#define HULL_MAX_JSON_DEPTH 64u
#define HULL_MAX_PATH_BYTES 4096u

#endif
