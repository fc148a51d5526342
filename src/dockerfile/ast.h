/* ast.h - the Dockerfile syntax tree, exactly as BuildKit's parser builds it.
 *
 * hull_df_parse() (parser.h) reads a file the way BuildKit's
 * frontend/dockerfile/parser does (see docs/internals/dockerfile.md and the
 * conformance corpus): directives, continuations, flags, argument shapes,
 * heredocs.  Every instruction, flag and value keeps its 1-based line and
 * byte column in the source file.
 *
 * Ownership: every string and array here lives in the struct hull_dockerfile's
 * arena and dies with hull_dockerfile_free().  Strings are NUL-terminated and
 * also carry a length, because a Dockerfile may contain NUL bytes. */
#ifndef HULL_DOCKERFILE_AST_H
#define HULL_DOCKERFILE_AST_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/arena.h"

struct hull_pos {
        unsigned line; /* 1-based; 0 = unknown */
        unsigned col;  /* 1-based byte column */
};

/* A string taken from the file, with where it starts. */
struct hull_df_str {
        const char *s;
        size_t len;
        struct hull_pos pos;
};

enum hull_df_kind {
        HULL_DF_ADD,
        HULL_DF_ARG,
        HULL_DF_CMD,
        HULL_DF_COPY,
        HULL_DF_ENTRYPOINT,
        HULL_DF_ENV,
        HULL_DF_EXPOSE,
        HULL_DF_FROM,
        HULL_DF_HEALTHCHECK,
        HULL_DF_LABEL,
        HULL_DF_MAINTAINER,
        HULL_DF_ONBUILD,
        HULL_DF_RUN,
        HULL_DF_SHELL,
        HULL_DF_STOPSIGNAL,
        HULL_DF_USER,
        HULL_DF_VOLUME,
        HULL_DF_WORKDIR,
        HULL_DF_UNKNOWN, /* any other word: BuildKit's parser accepts it */
        _HULL_DF_KIND_MAX,
};

/* Lowercase instruction name ("from"), or NULL for HULL_DF_UNKNOWN. */
const char *hull_df_kind_name(enum hull_df_kind k);

struct hull_df_heredoc {
        struct hull_df_str name; /* terminator word, quotes removed; pos = the marker */
        const char *body;        /* raw body lines, each with its "\n"; tabs stripped for <<- */
        size_t body_len;
        unsigned body_line; /* line of the first body line */
        int fd;             /* leading digits of the marker (2<<EOF), -1 if none */
        bool chomp;         /* <<- */
        bool expand;        /* delimiter unquoted: $vars in the body expand */
};

/* Where a piece of a logical line came from: bytes from off on were read at
 * line:col (continuation lines are joined, so one logical line has several). */
struct hull_df_seg {
        size_t off;
        unsigned line, col;
};

struct hull_df_node {
        enum hull_df_kind kind;
        struct hull_df_str cmd;    /* command word as written */
        const char *cmd_lower;     /* lowercased (what the dump prints) */
        struct hull_df_str *flags; /* "--name=value" words, quotes and escapes removed */
        size_t nflags;
        struct hull_df_str *values; /* BuildKit's value list (section 5.2 of FORMAT.md) */
        size_t nvalues;
        bool json;                      /* arguments were in JSON (exec) form */
        bool legacy_kv;                 /* ENV/LABEL "key value" form (last value is "") */
        struct hull_df_str args;        /* argument text after the flags, trimmed */
        size_t args_off;                /* offset of args.s in the logical line (original) */
        const struct hull_df_seg *segs; /* offset -> source position map of the logical line */
        size_t nsegs;
        struct hull_df_str original;   /* the whole logical line (continuations joined) */
        unsigned start_line, end_line; /* end includes heredoc terminator lines */
        struct hull_df_node *inner;    /* ONBUILD's instruction, else NULL */
        struct hull_df_heredoc *heredocs;
        size_t nheredocs;
};

/* Source position of byte off of node's logical line (node->original). */
struct hull_pos hull_df_node_pos(const struct hull_df_node *node, size_t off);

/* A parser directive (# syntax=, # escape=, # check=). */
struct hull_df_directive {
        const char *name; /* lowercased */
        struct hull_df_str value;
};

/* A comment line (outside heredoc bodies): text after '#', trimmed.  Kept
 * for pragmas such as "# hullscan ignore=HS1001". */
struct hull_df_comment {
        struct hull_df_str text;
        bool in_continuation; /* inside an instruction's continuation lines */
};

/* Things BuildKit accepts but warns about (e.g. an empty continuation line). */
struct hull_df_warning {
        struct hull_pos pos;
        const char *msg;
};

struct hull_dockerfile {
        struct hull_arena arena; /* owns everything below */
        const char *name;        /* file name used in messages */
        char escape;             /* '\\' or '`' */
        struct hull_df_node *nodes;
        size_t nnodes;
        struct hull_df_directive *directives;
        size_t ndirectives;
        struct hull_df_warning *warnings;
        size_t nwarnings;
        struct hull_df_comment *comments;
        size_t ncomments;
        unsigned start_line, end_line; /* first instruction's start, last one's end */
        bool had_bom, had_crlf;
};

#endif
