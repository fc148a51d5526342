/* tree.h - read every file under the paths given to `hullscan secrets`, in
 * parallel, handing each file's bytes to per-worker visitors.
 *
 * Roots are files or directories.  Directories are walked without following
 * symlinks (a symlink is never read: what it points to inside the tree is
 * read at its real path, what it points to outside is not the tree's); a root
 * given as a symlink is followed (the user named it).  Only regular files
 * are read; fifos, sockets and devices are skipped silently (counted in
 * stats->other; a root that is one is a note).  Paths reported
 * are the root as given joined with the relative path ("src/app/.env",
 * "./x" kept as the user wrote it).
 *
 * Skips: opts->skip globs use Docker's .dockerignore syntax and matcher.  A
 * glob without '/' matches at any depth (the base name: "node_modules",
 * "*.min.js", "build/"); one with a '/' inside, or a leading '/', is matched
 * against the path relative to its root ("src/gen", "/build").  An entry a
 * glob leaves out is not read, and a directory left out is not entered (so
 * a '!' exception re-includes only entries whose own directory is walked).
 * A root file is the user's explicit choice: --skip does not apply to it.
 * Files over max_file_bytes are skipped with a note.
 * Build-context mode (opts->context): each directory root is a Docker build
 * context; ROOT/.dockerignore is honoured exactly as BuildKit does (the set
 * of files is the one hull_dockerignore_walk of lint/dockerignore.h sends),
 * --skip applies on top, and the stats say what would be sent.  File roots
 * are read as in the normal mode.
 *
 * Reading: threads threads read (the calling thread, which also walks the
 * directories, and threads - 1 workers); each opens a file relative to its
 * directory's fd (O_NOFOLLOW), checks with fstat that it is still a regular
 * file, reads it in chunks into its own buffer and calls the visitor: begin,
 * data* (n > 0), end.  end is called after every begin that returned HULL_OK,
 * also when data or the read failed.  Files are handed out in directory
 * order, not sorted.  Unreadable files and directories, files that change
 * size while read (the bytes read are what was scanned), files or
 * directories that vanish, and I/O errors are notes; the walk goes on.  A
 * visitor error stops the walk (files in flight on other threads finish) and
 * is returned.  Limits: HULL_MAX_TREE_FILES files (then HULL_ELIMIT), paths
 * of HULL_MAX_PATH_BYTES (a longer one is a note), any depth with a bounded
 * number of fds, memory bounded by a queue of at most 4096 files. */
#ifndef HULL_SECRETS_TREE_H
#define HULL_SECRETS_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/diag.h"

#define HULL_MAX_TREE_FILES (10u * 1000 * 1000)

/* worker is 0 .. hull_tree_threads(opts) - 1 (0 is the calling thread): one
 * state per worker needs no lock.  path is valid during the call only.  Any
 * callback may be NULL. */
struct hull_tree_visitor {
        void *ud;
        /* size is the size fstat() gave on the open file; d is the worker's,
         * for the callback to fill when it fails */
        int (*begin)(void *ud, unsigned worker, const char *path, uint64_t size,
                     struct hull_diag *d);
        int (*data)(void *ud, unsigned worker, const void *buf, size_t n, struct hull_diag *d);
        int (*end)(void *ud, unsigned worker, struct hull_diag *d);
        /* a skipped or partly read file, an unreadable directory; thread-safe
         * calls are serialised by the walker (called under its lock) */
        void (*note)(void *ud, const char *path, const char *msg);
};

struct hull_tree_opts {
        unsigned threads;        /* 0: online CPUs */
        uint64_t max_file_bytes; /* 0: 64 MiB */
        const char *const *skip; /* globs; may be NULL */
        size_t nskip;
        bool context; /* build-context mode (see above) */
};

struct hull_tree_stats {
        unsigned threads;       /* threads that read */
        uint64_t files, bytes;  /* read: files begun, bytes given to data */
        uint64_t skipped_glob;  /* files and directories left out by --skip */
        uint64_t skipped_large; /* over max_file_bytes */
        uint64_t unreadable;    /* not read, a note each: no permission, I/O
                                 * error, vanished, path too long */
        uint64_t symlinks;      /* not followed */
        uint64_t other;         /* fifos, sockets, devices: not read */
        uint64_t changed;       /* read, but the size changed while read (a note) */
        /* build-context mode: what `docker build` would send (regular files,
         * their fstatat sizes), and the entries .dockerignore left out */
        uint64_t context_files, context_bytes, context_excluded;
        bool context_dockerignore; /* a .dockerignore was found and applied */
        double seconds;
};

/* The number of reading threads hull_tree_walk uses with opts (opts->threads,
 * or the online CPUs when 0; at most 256); opts may be NULL. */
unsigned hull_tree_threads(const struct hull_tree_opts *opts);

/* Walk roots[0..n), in order.  opts and v may be NULL (defaults; a walk
 * that only counts).  Errors: HULL_EIO (a root that does not exist: d names
 * it, and nothing is read; or one that cannot be opened), HULL_EPARSE (a bad
 * --skip glob: d->file "--skip", d->line its index + 1; a bad .dockerignore:
 * d names it and the line), HULL_EUNSUPPORTED (a pattern the matcher cannot
 * run), HULL_ELIMIT, HULL_ENOMEM, or a visitor's error with the diag it
 * filled.  *stats is filled in every case. */
int hull_tree_walk(const char *const *roots, size_t n, const struct hull_tree_opts *opts,
                   const struct hull_tree_visitor *v, struct hull_tree_stats *stats,
                   struct hull_diag *d);

#endif
