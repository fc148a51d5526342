/* HS4007 no-hardcoded-secrets: a Git repository (.git directory) in the image.
 *
 * `COPY . /app` without a .dockerignore ships the repository: its whole
 * history (secrets committed once and removed since), remotes, and often
 * credentials in .git/config or packed refs.  Every layer counts
 * (HULL_LAYERS_ALL): a .git removed by a later layer is still in the blob
 * of the layer that added it.
 *
 * One finding per .git directory path (its latest incarnation gives the
 * place), with the number and size of the files ever under it; the tree
 * below is not searched for further .git directories (a submodule's .git
 * is a file pointing into the parent's).  A .git directory that never held
 * a file leaks nothing and is not reported; a .git regular file (a worktree
 * or submodule pointer) holds only a path and is not reported either.
 *
 * One pass: the sorted order is a depth-first walk, so the subtree of a
 * directory follows it contiguously and is summed on the way. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "basic/limits.h"

struct git_dir {
        const struct hull_layers_node *node; /* latest incarnation; NULL: none open */
        char path[HULL_MAX_PATH_BYTES + 1];
        size_t len;
        struct hull_audit_tally files; /* under it */
};

static void flush(struct hull_audit_ctx *c, struct git_dir *g) {
        char pathbuf[HULL_MAX_PATH_BYTES + 1], note[96], files[64], gone[96];
        struct hull_audit_where w;

        if (!g->node || g->files.files == 0) {
                g->node = NULL;
                return;
        }
        w = hull_audit_where_node(g->node, pathbuf, sizeof(pathbuf));
        gone[0] = '\0';
        if (g->files.deleted > 0 && !w.deleted)
                snprintf(gone, sizeof(gone), ", %llu of them deleted by later layers",
                         (unsigned long long)g->files.deleted);
        hull_audit_report(c, &w, NULL,
                          "/%s is a Git repository (%s%s): its history, remotes and any "
                          "credentials in .git/config ship with the image%s",
                          pathbuf, hull_audit_tally_str(&g->files, files, sizeof(files)), gone,
                          hull_audit_deleted_note(&w, note, sizeof(note)));
        g->node = NULL;
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_layers_iter it;
        struct git_dir *g = hull_audit_alloc0(c, sizeof(*g));
        char path[HULL_MAX_PATH_BYTES + 1];

        if (!g)
                return;
        hull_layers_iter_init(&it, c->L, HULL_LAYERS_ALL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)) && !c->err;) {
                enum hull_entry_type t = hull_layers_node_type(n);

                if (g->node) {
                        size_t len = hull_layers_node_path(n, path, sizeof(path));
                        if (len > g->len && path[g->len] == '/' &&
                            memcmp(path, g->path, g->len) == 0) {
                                if (t == HULL_ENTRY_FILE)
                                        hull_audit_tally_add(&g->files, n);
                                continue;
                        }
                        if (len == g->len && memcmp(path, g->path, len) == 0) {
                                /* a later incarnation of the same path */
                                if (t == HULL_ENTRY_DIR)
                                        g->node = n;
                                continue;
                        }
                        flush(c, g);
                }
                if (t == HULL_ENTRY_DIR && strcmp(hull_layers_node_name(n), ".git") == 0) {
                        g->node = n;
                        g->len = hull_layers_node_path(n, g->path, sizeof(g->path));
                        g->files = (struct hull_audit_tally){0};
                }
        }
        flush(c, g);
}

const struct hull_rule hull_rule_HS4007 = {
        .id = "HS4007",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_MEDIUM,
        .title = "Git repository in the image",
        .rationale = "A .git directory carries the project's whole history, including secrets "
                     "committed once and removed since, and often remote credentials; anyone "
                     "who pulls the image can read it, even when a later layer deletes it.",
        .fix = "Add .git to .dockerignore (or COPY only what the image needs) and rebuild; "
               "deleting it in a later layer does not remove it from the image",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
