/* layers.h - the layered file-system model of an image: whiteouts, opaque
 * directories, the merged (final) view and every file any layer ever held.
 *
 * Feed it the entries of layer 0, then layer 1, ... exactly as the layer
 * walker (tar.h) yields them, closing each layer with hull_layers_end_layer();
 * then hull_layers_finish() sorts, and the model answers:
 *  - the final view, what a container sees: per path its entry (type, mode,
 *    uid/gid, size, link target) and the layer that last added or changed it;
 *  - every file ever present, each "incarnation" of a path with the layer that
 *    added it, the layers that changed it and the layer that deleted it
 *    (whiteout, opaque directory, directory replaced by a non-directory or the
 *    reverse).  A path deleted and created again has two incarnations;
 *  - lookups resolving symlinks and hard links inside the image only.
 *
 * Semantics are those of the OCI image-spec, layer.md "Applying Changesets":
 *  - an entry over an existing directory with a directory replaces the
 *    attributes ("changed"); a non-directory over a non-directory is a change
 *    too; any other combination removes the old path, its subtree included,
 *    and creates the new one (as overlayfs shows it);
 *  - ".wh.NAME" and ".wh..wh..opq" hide only what lower layers hold: entries
 *    of the same layer survive them whatever the order inside the layer;
 *    whiteout files never appear in either view; a whiteout for an absent path
 *    does nothing;
 *  - a path whose parent directories are missing gets implicit parents
 *    (HULL_LAYERS_NODE_IMPLICIT, mode 0755, root-owned), and a parent that
 *    is a non-directory (a symlink too) is replaced by one, as an overlayfs
 *    upper directory hides a lower non-directory.
 * docs/internals/layers.md has the details and the known gaps.
 *
 * Order: "sorted path order" compares paths component by component
 * (bytewise names, a parent before its children: "a", "a/b", "a-c"), which
 * is a depth-first tree walk.  In the all-files view the incarnations of one
 * path come oldest first.  The root directory is in neither iteration
 * (hull_layers_root()).
 *
 * Memory: metadata only (no content, no mtime), one arena per model, each
 * path component stored once; about 120-140 bytes per file (measured in
 * tests/unit/test_layers.c).  Entries and incarnations together are bounded
 * by HULL_MAX_IMAGE_ENTRIES, layers by HULL_MAX_IMAGE_LAYERS (HULL_ELIMIT).
 *
 * Ownership: the model owns everything it hands out (nodes, names, link
 * targets), valid until hull_layers_free(); hull_layers_add() copies what it
 * keeps from the entry.  Not thread-safe while being built; after
 * hull_layers_finish() every const function may run concurrently. */
#ifndef HULL_IMAGE_LAYERS_H
#define HULL_IMAGE_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/alloc.h"
#include "basic/diag.h"
#include "image/entry.h"

#define HULL_LAYERS_NONE UINT32_MAX /* "no layer": deleted_in of a present file */
#define HULL_LAYERS_MAX_HOPS 40u    /* symlinks + hard links followed by one lookup */

enum hull_layers_view {
        HULL_LAYERS_FINAL, /* what a container sees */
        HULL_LAYERS_ALL,   /* every incarnation of every path, deleted ones included */
};

/* hull_layers_lookup() flags.  Symlinks in the middle of a path are always
 * followed; these say what to do with the last component. */
enum {
        HULL_LAYERS_FOLLOW_SYMLINKS = 1u << 0,
        HULL_LAYERS_FOLLOW_HARDLINKS = 1u << 1,
        HULL_LAYERS_FOLLOW = HULL_LAYERS_FOLLOW_SYMLINKS | HULL_LAYERS_FOLLOW_HARDLINKS,
};

/* hull_layers_node_flags() */
enum {
        HULL_LAYERS_NODE_IMPLICIT = 1u << 0,    /* directory no entry named (implicit parent) */
        HULL_LAYERS_NODE_BROKEN_LINK = 1u << 1, /* hard link whose target was missing when added */
};

struct hull_layers;
struct hull_layers_node; /* one incarnation of one path */

struct hull_layers_layer_stats {
        uint64_t bytes_added; /* sum of the sizes of regular-file entries (dive's layer size) */
        uint64_t entries;     /* entries fed, whiteouts and opaque markers included */
        uint64_t added;       /* incarnations created (implicit directories included) */
        uint64_t changed;     /* existing files modified */
        uint64_t deleted;     /* incarnations ended (whiteout, opaque, replacement) */
        uint64_t whiteouts;   /* ".wh.NAME" entries */
        uint64_t opaques;     /* ".wh..wh..opq" entries */
};

struct hull_layers_stats {
        unsigned layers;       /* layers closed (plus an open one holding entries, after finish) */
        uint64_t entries;      /* entries fed */
        uint64_t paths;        /* distinct paths ever present, root excluded */
        uint64_t incarnations; /* files ever present: the size of HULL_LAYERS_ALL */
        uint64_t final_files;  /* the size of HULL_LAYERS_FINAL (after finish) */
        uint64_t final_bytes;  /* sum of the regular files' sizes in the final view */
        uint64_t broken_hardlinks; /* hard-link entries whose target was missing */
        size_t arena_bytes;        /* metadata bytes in the arena */
        size_t heap_bytes;         /* hash table, sort order, per-layer stats */
};

/* A model with no layers.  Returns HULL_OK or HULL_ENOMEM. */
int hull_layers_new(struct hull_layers **ret);

/* Accepts NULL; returns NULL. */
struct hull_layers *hull_layers_free(struct hull_layers *L);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct hull_layers *, hull_layers_free)

/* Lower the entry limit (tests, fuzzing); 0 restores HULL_MAX_IMAGE_ENTRIES. */
void hull_layers_set_max_entries(struct hull_layers *L, uint64_t max);

/* Apply one entry of the open layer (e->layer must be the open layer: 0 at
 * first, then one more after each hull_layers_end_layer()).  e->path must be
 * normalised as entry.h says; "" is the root directory.
 * Returns HULL_OK; HULL_EINVAL for a caller error (wrong layer, path not
 * normalised, root not a directory, after finish, NULL link of a link);
 * HULL_EPARSE for a non-whiteout entry with a ".wh."-prefixed component (a
 * bad entry: warn and go on, the model is unchanged); HULL_ELIMIT past
 * HULL_MAX_IMAGE_ENTRIES or a path/link over HULL_MAX_PATH_BYTES;
 * HULL_ENOMEM.  After HULL_ELIMIT or HULL_ENOMEM the model is consistent but
 * may hold part of the entry: stop feeding it.  A hard link whose target is
 * missing (or a directory) is not an error: the node is flagged
 * HULL_LAYERS_NODE_BROKEN_LINK and counted. */
int hull_layers_add(struct hull_layers *L, const struct hull_entry *e, struct hull_diag *d);

/* Close the open layer, which must be `layer`; the next one opens.  Markers
 * are applied as they arrive, restricted to lower-layer content, which is the
 * same as applying them first (layer.md); closing makes the layer's results
 * final.  Returns HULL_OK, HULL_EINVAL, HULL_ELIMIT (HULL_MAX_IMAGE_LAYERS)
 * or HULL_ENOMEM. */
int hull_layers_end_layer(struct hull_layers *L, unsigned layer, struct hull_diag *d);

/* Build the sorted orders; no more entries afterwards.  An open layer that
 * holds entries counts as the last layer.  Idempotent.  HULL_OK or
 * HULL_ENOMEM (then it may be called again). */
int hull_layers_finish(struct hull_layers *L, struct hull_diag *d);

/* Resolve path in the final view as the container would: absolute or
 * relative to the root, "." and "//" ignored, ".." stops at the root,
 * symlinks in the middle always followed (absolute targets start again at the
 * image root), the last component per flags.  Never touches the host.
 * Returns HULL_OK with *ret_node (never a symlink with FOLLOW_SYMLINKS, never
 * a hard link with FOLLOW_HARDLINKS); HULL_ENOTFOUND (missing, a
 * non-directory in the middle, an empty symlink, a hard link to a missing
 * path or a directory); HULL_ELIMIT (more than HULL_LAYERS_MAX_HOPS links, or
 * a path over HULL_MAX_PATH_BYTES); HULL_EINVAL (NULL argument).  Works
 * during the build too (the current state). */
int hull_layers_lookup(const struct hull_layers *L, const char *path, unsigned flags,
                       const struct hull_layers_node **ret_node, struct hull_diag *d);

/* The latest incarnation at exactly this normalised path, present or
 * deleted, no link resolution (hull_layers_node_prev() reaches the older
 * ones).  HULL_OK, HULL_ENOTFOUND (never present), HULL_EINVAL (NULL or not
 * normalised). */
int hull_layers_get(const struct hull_layers *L, const char *path,
                    const struct hull_layers_node **ret_node);

const struct hull_layers_node *hull_layers_root(const struct hull_layers *L);

/* Iteration in sorted path order (see the top); needs hull_layers_finish(),
 * before it the iterator is empty.  The model must not change meanwhile.
 *   struct hull_layers_iter it;
 *   hull_layers_iter_init(&it, L, HULL_LAYERS_FINAL);
 *   for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it));) ... */
struct hull_layers_iter {
        const struct hull_layers *layers;
        size_t next;
        enum hull_layers_view view;
};
void hull_layers_iter_init(struct hull_layers_iter *it, const struct hull_layers *L,
                           enum hull_layers_view view);
const struct hull_layers_node *hull_layers_iter_next(struct hull_layers_iter *it);

/* Per-layer numbers: HULL_OK, or HULL_ENOTFOUND for a layer never opened. */
int hull_layers_layer_stats(const struct hull_layers *L, unsigned layer,
                            struct hull_layers_layer_stats *ret);
void hull_layers_stats(const struct hull_layers *L, struct hull_layers_stats *ret);

/* Node accessors (n never NULL).  A symlink's link is its target as written;
 * a hard link's is the normalised target path; NULL for other types. */
enum hull_entry_type hull_layers_node_type(const struct hull_layers_node *n);
uint32_t hull_layers_node_mode(const struct hull_layers_node *n);
uint32_t hull_layers_node_uid(const struct hull_layers_node *n);
uint32_t hull_layers_node_gid(const struct hull_layers_node *n);
uint64_t hull_layers_node_size(const struct hull_layers_node *n);
const char *hull_layers_node_link(const struct hull_layers_node *n);
unsigned hull_layers_node_flags(const struct hull_layers_node *n);
/* The basename ("" for the root), NUL-terminated. */
const char *hull_layers_node_name(const struct hull_layers_node *n);
/* Write the normalised path ("etc/passwd"; "" for the root) to buf and
 * return its length; when size <= length buf gets "" (if size > 0): a buffer
 * of HULL_MAX_PATH_BYTES + 1 always fits. */
size_t hull_layers_node_path(const struct hull_layers_node *n, char *buf, size_t size);

unsigned hull_layers_node_added_in(const struct hull_layers_node *n);
/* HULL_LAYERS_NONE while present in the final view. */
unsigned hull_layers_node_deleted_in(const struct hull_layers_node *n);
bool hull_layers_node_present(const struct hull_layers_node *n);
/* The layers that changed it, ascending; the last one (or added_in when
 * none) is hull_layers_node_last_layer(). */
size_t hull_layers_node_nchanged(const struct hull_layers_node *n);
unsigned hull_layers_node_changed_in(const struct hull_layers_node *n, size_t i);
unsigned hull_layers_node_last_layer(const struct hull_layers_node *n);
/* The previous (older) incarnation of the same path, NULL if none. */
const struct hull_layers_node *hull_layers_node_prev(const struct hull_layers_node *n);

#endif
