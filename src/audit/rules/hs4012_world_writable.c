/* HS4012 other: world-writable files and directories.
 *
 * A file every user may write can be changed by any process in the
 * container, whatever user it runs as: a world-writable program or
 * configuration that root later runs or reads is a privilege escalation.
 * Decided on the final view: regular files and directories with mode bit
 * 0002.  Not reported: directories with the sticky bit (/tmp's 1777: users
 * may only remove their own files), symlinks (their mode means nothing),
 * hard links (they share the mode of the file they name, judged under that
 * name), devices and FIFOs (/dev/null is 0666 by design).
 *
 * Grouped so `chmod -R 777 /app` gives one finding, not thousands:
 *  - the topmost world-writable directory is reported once, counting the
 *    world-writable entries under it (in sorted order its subtree follows it
 *    contiguously);
 *  - other world-writable files are reported once per directory holding
 *    them, at the first one, naming the others. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "basic/limits.h"

#define NAMES_SHOWN 4u /* other file names listed in a group's message */

struct ww_file {
        const struct hull_layers_node *node;
        const char *path; /* c->arena */
        size_t dir_len;   /* of the directory part of path ("" at the top: 0) */
        size_t seq;
};

static int by_dir(const void *a, const void *b) {
        const struct ww_file *x = a, *y = b;
        size_t l = x->dir_len < y->dir_len ? x->dir_len : y->dir_len;
        int r = memcmp(x->path, y->path, l);

        if (r == 0 && x->dir_len != y->dir_len)
                r = x->dir_len < y->dir_len ? -1 : 1;
        if (r == 0)
                r = x->seq < y->seq ? -1 : x->seq > y->seq;
        return r;
}

static bool same_dir(const struct ww_file *x, const struct ww_file *y) {
        return x->dir_len == y->dir_len && memcmp(x->path, y->path, x->dir_len) == 0;
}

struct cover {
        const struct hull_layers_node *node; /* NULL: none open */
        char path[HULL_MAX_PATH_BYTES + 1];
        size_t len;
        uint64_t below; /* world-writable entries under it */
};

static void flush_dir(struct hull_audit_ctx *c, struct cover *d) {
        char path[HULL_MAX_PATH_BYTES + 1], below[64];
        struct hull_audit_where w;

        if (!d->node)
                return;
        w = hull_audit_where_node(d->node, path, sizeof(path));
        below[0] = '\0';
        if (d->below > 0)
                snprintf(below, sizeof(below), ", and %llu world-writable entr%s under it",
                         (unsigned long long)d->below, d->below == 1 ? "y is" : "ies are");
        hull_audit_report(c, &w, NULL,
                          "/%s is a world-writable directory without the sticky bit (mode %04o): "
                          "any user can replace or delete the files in it%s",
                          path, (unsigned)(hull_layers_node_mode(d->node) & 07777), below);
        d->node = NULL;
}

static void report_files(struct hull_audit_ctx *c, const struct ww_file *f, size_t n) {
        char path[HULL_MAX_PATH_BYTES + 1], names[512];
        struct hull_audit_where w = hull_audit_where_node(f[0].node, path, sizeof(path));
        unsigned mode = (unsigned)(hull_layers_node_mode(f[0].node) & 07777);
        size_t len = 0;

        if (n == 1) {
                hull_audit_report(c, &w, NULL,
                                  "/%s is world-writable (mode %04o): any user in the container "
                                  "can change it",
                                  path, mode);
                return;
        }
        names[0] = '\0';
        for (size_t i = 1; i < n && i <= NAMES_SHOWN && len < sizeof(names); i++)
                len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", i > 1 ? ", " : "",
                                        f[i].path + f[i].dir_len + (f[i].dir_len > 0));
        if (n - 1 > NAMES_SHOWN && len < sizeof(names))
                snprintf(names + len, sizeof(names) - len, " and %zu more", n - 1 - NAMES_SHOWN);
        hull_audit_report(c, &w, NULL,
                          "/%s (mode %04o) and %zu more file%s in /%.*s (%s) are world-writable: "
                          "any user in the container can change them",
                          path, mode, n - 1, n == 2 ? "" : "s", (int)f[0].dir_len, f[0].path,
                          names);
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_layers_iter it;
        struct cover *d = hull_audit_alloc0(c, sizeof(*d));
        struct ww_file *files = NULL;
        size_t nfiles = 0, cap = 0, seq = 0;
        char path[HULL_MAX_PATH_BYTES + 1];

        if (!d)
                return;
        hull_layers_iter_init(&it, c->L, HULL_LAYERS_FINAL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)) && !c->err; seq++) {
                enum hull_entry_type t = hull_layers_node_type(n);
                uint32_t mode = hull_layers_node_mode(n);
                struct ww_file *f;
                const char *slash;
                size_t len;

                if ((t != HULL_ENTRY_FILE && t != HULL_ENTRY_DIR) || !(mode & 0002) ||
                    (t == HULL_ENTRY_DIR && (mode & 01000)))
                        continue;
                len = hull_layers_node_path(n, path, sizeof(path));
                if (d->node) {
                        if (len > d->len && path[d->len] == '/' &&
                            memcmp(path, d->path, d->len) == 0) {
                                d->below++;
                                continue;
                        }
                        flush_dir(c, d);
                }
                if (t == HULL_ENTRY_DIR) {
                        d->node = n;
                        d->len = len;
                        memcpy(d->path, path, len + 1);
                        d->below = 0;
                        continue;
                }
                f = hull_arena_push(c->arena, (void **)&files, &nfiles, &cap, sizeof(*f));
                if (!f || !(f->path = hull_arena_strndup(c->arena, path, len))) {
                        c->err = HULL_ENOMEM;
                        return;
                }
                f->node = n;
                slash = strrchr(f->path, '/');
                f->dir_len = slash ? (size_t)(slash - f->path) : 0;
                f->seq = seq;
        }
        flush_dir(c, d);
        if (c->err || nfiles == 0)
                return;
        qsort(files, nfiles, sizeof(*files), by_dir);
        for (size_t i = 0, j; i < nfiles; i = j) {
                for (j = i + 1; j < nfiles && same_dir(&files[i], &files[j]); j++)
                        ;
                report_files(c, files + i, j - i);
        }
}

const struct hull_rule hull_rule_HS4012 = {
        .id = "HS4012",
        .slug = "other",
        .severity = HULL_SEV_MEDIUM,
        .title = "World-writable file or directory",
        .rationale = "Any process in the container, whatever its user, can change a "
                     "world-writable file or replace the files of a world-writable directory: "
                     "a program or configuration that root runs later becomes a way to root.",
        .fix = "Remove the write bit for others (chmod o-w) in the layer that set it; give "
               "write access to the one user that needs it (chown), or use the sticky bit "
               "(1777) for shared scratch directories",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
