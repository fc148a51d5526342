/* entry.h - one file-system entry of an image layer, as the layer walker
 * (tar.h) hands it to consumers (layers.h, the audit rules, the secret
 * scanner).  Shared vocabulary of src/image; no functions.
 *
 * Paths are normalised: relative to the layer root, no leading "./" or "/",
 * no "." or ".." components, no trailing "/", '/'-separated ("etc/passwd").
 * Ownership: strings belong to the walker and are valid until its next call. */
#ifndef HULL_IMAGE_ENTRY_H
#define HULL_IMAGE_ENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hull_entry_type {
        HULL_ENTRY_FILE,
        HULL_ENTRY_DIR,
        HULL_ENTRY_SYMLINK,
        HULL_ENTRY_HARDLINK,
        HULL_ENTRY_CHAR,
        HULL_ENTRY_BLOCK,
        HULL_ENTRY_FIFO,
        HULL_ENTRY_WHITEOUT, /* ".wh.NAME": path names the deleted NAME */
        HULL_ENTRY_OPAQUE,   /* ".wh..wh..opq": path names the directory made opaque */
        _HULL_ENTRY_TYPE_MAX,
};

struct hull_entry {
        enum hull_entry_type type;
        const char *path; /* normalised, see above */
        const char *link; /* symlink target as written / hard-link target (normalised); NULL
                             otherwise */
        uint64_t size;    /* regular files: bytes of content */
        uint32_t mode;    /* permission and setuid/setgid/sticky bits (07777) */
        uint32_t uid, gid;
        int64_t mtime;
        unsigned layer;      /* index of the layer in the image, from 0 (bottom) */
        bool name_was_fixed; /* the archive's name needed normalising (e.g. "./x", "a//b") */
};

#endif
