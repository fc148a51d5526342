/* HS4008 minimal-packages: package-manager caches left in the image.
 *
 * Package indexes and downloaded packages are needed only while installing;
 * left in a layer they cost size (tens of MiB for apt lists) and date the
 * image.  Every layer counts (HULL_LAYERS_ALL): a cache removed by a later
 * RUN is still in the layer that wrote it, so only removing it in the same
 * RUN helps, and the message says so.
 *
 * The caches (a "*" component stands for any name, e.g. a user under home/):
 *   var/lib/apt/lists        apt package lists: every regular file but the
 *                            lock (partial/ and auxfiles/ are directories
 *                            and hold files only while apt runs)
 *   var/cache/apt            *.bin directly in it (pkgcache.bin,
 *                            srcpkgcache.bin) and *.deb under archives/
 *   var/cache/apk            every file (apk add without --no-cache)
 *   var/cache/yum, var/cache/dnf             every file
 *   root/.cache/pip, home/x/.cache/pip       every file
 *   root/.npm/_cacache, home/x/.npm/_cacache every file
 *   usr/local/share/.cache/yarn (yarn 1 as root), root/.cache/yarn,
 *   home/x/.cache/yarn, root/.yarn/berry/cache, home/x/.yarn/berry/cache
 * One finding per cache directory (a Debian image with 2000 list files
 * gives one), with the number of files, their size, the layers that wrote
 * them and how many later layers deleted.
 *
 * One pass: in sorted path order a directory's subtree is contiguous, so
 * the files of one cache follow each other and are summed on the way. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "basic/limits.h"

enum tail {
        T_ANY,       /* every regular file below */
        T_APT_LISTS, /* every file but "lock" directly in it */
        T_APT_CACHE, /* *.bin directly in it, *.deb under archives/ */
};

static const struct cache {
        const char *dir; /* pattern, see hull_audit_path_under() */
        enum tail tail;
        const char *what;
        const char *fix;
} caches[] = {
        {"var/lib/apt/lists", T_APT_LISTS, "apt package lists",
         "End the RUN that runs apt-get update with && rm -rf /var/lib/apt/lists/*"},
        {"var/cache/apt", T_APT_CACHE, "the apt package cache",
         "Run apt-get clean in the same RUN as apt-get install (Debian's docker-clean "
         "configuration keeps archives empty)"},
        {"var/cache/apk", T_ANY, "the apk package cache",
         "Use apk add --no-cache (or rm -rf /var/cache/apk/* in the same RUN)"},
        {"var/cache/yum", T_ANY, "the yum cache",
         "End the RUN that installs with && yum clean all"},
        {"var/cache/dnf", T_ANY, "the dnf cache",
         "End the RUN that installs with && dnf clean all"},
        {"root/.cache/pip", T_ANY, "the pip cache",
         "Use pip install --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1)"},
        {"home/*/.cache/pip", T_ANY, "the pip cache",
         "Use pip install --no-cache-dir (or ENV PIP_NO_CACHE_DIR=1)"},
        {"root/.npm/_cacache", T_ANY, "the npm cache",
         "Run npm cache clean --force in the same RUN as npm install/ci, or use a cache mount"},
        {"home/*/.npm/_cacache", T_ANY, "the npm cache",
         "Run npm cache clean --force in the same RUN as npm install/ci, or use a cache mount"},
        {"usr/local/share/.cache/yarn", T_ANY, "the yarn cache",
         "Run yarn cache clean in the same RUN as yarn install, or use a cache mount"},
        {"root/.cache/yarn", T_ANY, "the yarn cache",
         "Run yarn cache clean in the same RUN as yarn install, or use a cache mount"},
        {"home/*/.cache/yarn", T_ANY, "the yarn cache",
         "Run yarn cache clean in the same RUN as yarn install, or use a cache mount"},
        {"root/.yarn/berry/cache", T_ANY, "the yarn cache",
         "Run yarn cache clean in the same RUN as yarn install, or use a cache mount"},
        {"home/*/.yarn/berry/cache", T_ANY, "the yarn cache",
         "Run yarn cache clean in the same RUN as yarn install, or use a cache mount"},
};

/* The cache holding the file at path, with the length of its directory in
 * path; NULL when the file is in none (or is not cache content). */
static const struct cache *cache_of(const char *path, size_t *ret_len) {
        /* cheap prefilter: every cache lies under one of these */
        if (strncmp(path, "var/", 4) != 0 && strncmp(path, "root/", 5) != 0 &&
            strncmp(path, "home/", 5) != 0 && strncmp(path, "usr/local/share/", 16) != 0)
                return NULL;
        for (size_t i = 0; i < ELEMENTSOF(caches); i++) {
                const struct cache *k = &caches[i];
                const char *rest;
                size_t len;

                if (!hull_audit_path_under(k->dir, path, &len) || path[len] != '/')
                        continue;
                rest = path + len + 1;
                switch (k->tail) {
                case T_ANY: break;
                case T_APT_LISTS:
                        if (strcmp(rest, "lock") == 0)
                                return NULL;
                        break;
                case T_APT_CACHE: {
                        size_t rl = strlen(rest);
                        bool bin = !strchr(rest, '/') && rl > 4 && !strcmp(rest + rl - 4, ".bin");
                        bool deb = strncmp(rest, "archives/", 9) == 0 && rl > 13 &&
                                   !strcmp(rest + rl - 4, ".deb");
                        if (!bin && !deb)
                                return NULL;
                        break;
                }
                }
                *ret_len = len;
                return k;
        }
        return NULL;
}

struct group {
        const struct cache *cache; /* NULL: none open */
        char dir[HULL_MAX_PATH_BYTES + 1];
        size_t len;
        struct hull_audit_tally files;
};

static void flush(struct hull_audit_ctx *c, struct group *g) {
        const struct hull_audit_tally *t = &g->files;
        char files[64], layers[48], note[160];
        struct hull_audit_where w = {
                .path = g->dir,
                .has_layer = true,
                .layer = t->last_layer,
        };

        if (!g->cache)
                return;
        if (t->first_layer == t->last_layer)
                snprintf(layers, sizeof(layers), "layer %u", t->last_layer);
        else
                snprintf(layers, sizeof(layers), "layers %u-%u", t->first_layer, t->last_layer);
        note[0] = '\0';
        if (t->deleted == t->files) {
                w.deleted = true;
                w.deleted_in = t->deleted_in;
                hull_audit_deleted_note(&w, note, sizeof(note));
        } else if (t->deleted > 0) {
                snprintf(note, sizeof(note),
                         "; %llu of them deleted by later layers but still in the image",
                         (unsigned long long)t->deleted);
        }
        hull_audit_report(c, &w, g->cache->fix, "/%s holds %s: %s, written by %s%s", g->dir,
                          g->cache->what, hull_audit_tally_str(t, files, sizeof(files)), layers,
                          note);
        g->cache = NULL;
}

static void audit(struct hull_audit_ctx *c) {
        struct hull_layers_iter it;
        struct group *g = hull_audit_alloc0(c, sizeof(*g));
        char path[HULL_MAX_PATH_BYTES + 1];

        if (!g)
                return;
        hull_layers_iter_init(&it, c->L, HULL_LAYERS_ALL);
        for (const struct hull_layers_node *n; (n = hull_layers_iter_next(&it)) && !c->err;) {
                const struct cache *k;
                size_t len;

                if (hull_layers_node_type(n) != HULL_ENTRY_FILE)
                        continue;
                hull_layers_node_path(n, path, sizeof(path));
                if (!(k = cache_of(path, &len)))
                        continue;
                if (g->cache && (len != g->len || memcmp(path, g->dir, len) != 0))
                        flush(c, g);
                if (!g->cache) {
                        g->cache = k;
                        g->len = len;
                        memcpy(g->dir, path, len);
                        g->dir[len] = '\0';
                        g->files = (struct hull_audit_tally){0};
                }
                hull_audit_tally_add(&g->files, n);
        }
        flush(c, g);
}

const struct hull_rule hull_rule_HS4008 = {
        .id = "HS4008",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "Package-manager cache left in the image",
        .rationale = "Package lists and downloaded packages are needed only while installing; "
                     "left in a layer they make every pull larger and keep stale indexes, and a "
                     "later RUN that deletes them does not shrink the image.",
        .fix = "Clean the package manager's cache in the same RUN that filled it",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
