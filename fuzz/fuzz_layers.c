/* fuzz_layers.c - libFuzzer target for the layered file-system model
 * (src/image/layers.c).
 *
 * The input is a program: each op byte picks an entry type (file, directory,
 * symlink, hard link, fifo, whiteout, opaque marker), a layer bump or a
 * lookup; the following bytes build paths from a small alphabet ("a", "b",
 * "..", ".", "", ".wh.a", ".wh..wh..opq", ...) so that invalid paths, whiteout
 * names and symlink loops are common.  Besides crashes and sanitizer reports
 * it aborts when an invariant breaks:
 *  - the model rejects exactly the entries that are not normalised or carry
 *    a ".wh." component (a flat reference model decides);
 *  - the final view equals the reference model's (a list of path strings
 *    with type, layers added/last changed, change count, implicit flag), and
 *    so does the list of every incarnation (plus the layer that deleted it);
 *  - no path of either view has a ".wh." component; every layer number is
 *    below the layer count; deletion comes after addition; both views are
 *    sorted (component order), incarnations of one path oldest first;
 *  - every final-view path looks up (no follow) and gets to its own node;
 *  - lookups terminate with OK, ENOTFOUND or ELIMIT, never return a deleted
 *    node, a symlink when following symlinks or a hard link when following
 *    hard links. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "image/layers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(e)                                                                                   \
        do {                                                                                       \
                if (!(e)) {                                                                        \
                        fprintf(stderr, "fuzz_layers: invariant broken: %s (line %d)\n", #e,       \
                                __LINE__);                                                         \
                        abort();                                                                   \
                }                                                                                  \
        } while (0)

#define MAX_INPUT 2048
#define PATH_MAX_LEN 160

/* ---- input decoding ---------------------------------------------------- */

struct in {
        const uint8_t *p;
        size_t n;
};

static unsigned byte(struct in *in) {
        if (!in->n)
                return 0;
        in->n--;
        return *in->p++;
}

static const char *const alphabet[] = {
        "a", "b", "c", "a", "b", "..", ".", "", ".wh.a", ".wh..wh..opq", "d", "a b",
};

/* A path of 0-4 components; lead: allow a leading '/' (links, lookups). */
static void make_path(struct in *in, char *out, bool lead) {
        unsigned b = byte(in), k = (b & 3) + 1, i;
        size_t o = 0;

        out[0] = '\0';
        if ((b & 0xfc) == 0xfc)
                return; /* "" */
        if (lead && (b & 0x80))
                out[o++] = '/';
        for (i = 0; i < k; i++) {
                const char *c = alphabet[byte(in) % (sizeof(alphabet) / sizeof(alphabet[0]))];
                size_t cl = strlen(c);
                if (i && o + 1 < PATH_MAX_LEN)
                        out[o++] = '/';
                if (o + cl + 1 >= PATH_MAX_LEN)
                        break;
                memcpy(out + o, c, cl);
                o += cl;
        }
        if (lead && (b & 0x40) && o + 1 < PATH_MAX_LEN)
                out[o++] = '/';
        out[o] = '\0';
}

/* ---- the reference model: a flat list of present paths ---------------- */

struct ref {
        char path[PATH_MAX_LEN];
        int type;
        unsigned added, last, nchanged, deleted;
        bool implicit;
        uint64_t seq; /* creation order */
};

static struct ref refs[4 * MAX_INPUT + 16];
static size_t nrefs;
static struct ref dead[8 * MAX_INPUT + 16]; /* deleted incarnations */
static size_t ndead;
static uint64_t ref_incarnations;
static unsigned N; /* the open layer */

static bool is_under(const char *q, const char *p) {
        size_t pl = strlen(p);
        if (pl == 0)
                return q[0] != '\0';
        return strncmp(q, p, pl) == 0 && q[pl] == '/';
}

static long ref_find(const char *p) {
        for (size_t i = 0; i < nrefs; i++)
                if (strcmp(refs[i].path, p) == 0)
                        return (long)i;
        return -1;
}

static void bury(const struct ref *r) {
        CHECK(ndead < sizeof(dead) / sizeof(dead[0]));
        dead[ndead] = *r;
        dead[ndead++].deleted = N;
}

static void ref_remove_at(size_t i) {
        bury(&refs[i]);
        refs[i] = refs[--nrefs];
}

static void ref_kill(const char *p) {
        char copy[PATH_MAX_LEN];
        size_t i = 0;

        snprintf(copy, sizeof(copy), "%s", p);
        while (i < nrefs) {
                if (strcmp(refs[i].path, copy) == 0 || is_under(refs[i].path, copy))
                        ref_remove_at(i);
                else
                        i++;
        }
}

static void ref_create(const char *p, int type, bool implicit) {
        struct ref *r = &refs[nrefs++];
        snprintf(r->path, sizeof(r->path), "%s", p);
        r->type = type;
        r->added = r->last = N;
        r->nchanged = 0;
        r->deleted = HULL_LAYERS_NONE;
        r->implicit = implicit;
        r->seq = ref_incarnations++;
}

static void ref_change(struct ref *r) {
        if (r->added != N && r->last != N) {
                r->last = N;
                r->nchanged++;
        }
}

static void ref_ensure_dir(const char *p) {
        long x = ref_find(p);

        if (p[0] == '\0')
                return;
        if (x >= 0 && refs[x].type == HULL_ENTRY_DIR)
                return;
        if (x >= 0)
                ref_kill(p);
        ref_create(p, HULL_ENTRY_DIR, true);
}

static void ref_ensure_parents(const char *p) {
        char pre[PATH_MAX_LEN];

        for (size_t i = 0; p[i]; i++)
                if (p[i] == '/') {
                        memcpy(pre, p, i);
                        pre[i] = '\0';
                        ref_ensure_dir(pre);
                }
}

/* Delete the lower content at and below p (layer.md: only lower layers). */
static void ref_prune(const char *p) {
        static bool survive[4 * MAX_INPUT + 16];
        char copy[PATH_MAX_LEN];
        size_t i, j;

        snprintf(copy, sizeof(copy), "%s", p);
        for (i = 0; i < nrefs; i++) {
                survive[i] = true;
                if (strcmp(refs[i].path, copy) != 0 && !is_under(refs[i].path, copy))
                        continue;
                survive[i] = false;
                for (j = 0; j < nrefs && !survive[i]; j++)
                        if (refs[j].last == N && (j == i || is_under(refs[j].path, refs[i].path)))
                                survive[i] = true;
        }
        for (i = 0; i < nrefs; i++)
                if (strcmp(refs[i].path, copy) == 0 || is_under(refs[i].path, copy))
                        if (survive[i])
                                ref_change(&refs[i]);
        /* remove in reverse so the swap-with-last keeps survive[] aligned */
        for (i = nrefs; i-- > 0;)
                if (!survive[i]) {
                        bury(&refs[i]);
                        refs[i] = refs[nrefs - 1];
                        survive[i] = survive[nrefs - 1];
                        nrefs--;
                }
}

/* What the model must do with the entry: -1 invalid path (EINVAL), -2
 * ".wh." component in a non-whiteout (EPARSE), -3 root non-directory
 * (EINVAL), else 0. */
static int ref_validate(int type, const char *p) {
        size_t i = 0, len = strlen(p);
        bool wh = false;

        if (len) {
                while (i <= len) {
                        const char *s = p + i, *slash = strchr(s, '/');
                        size_t n = slash ? (size_t)(slash - s) : strlen(s);
                        if (n == 0 || (n == 1 && s[0] == '.') ||
                            (n == 2 && s[0] == '.' && s[1] == '.'))
                                return -1;
                        if (n >= 4 && memcmp(s, ".wh.", 4) == 0)
                                wh = true;
                        i += n + 1;
                }
        }
        if (wh && type != HULL_ENTRY_WHITEOUT)
                return -2;
        if (len == 0 && type != HULL_ENTRY_DIR && type != HULL_ENTRY_OPAQUE &&
            type != HULL_ENTRY_WHITEOUT)
                return -3;
        return wh ? 1 : 0; /* 1: a whiteout that cannot hide anything */
}

static void ref_apply(int type, const char *p, int v) {
        long x;

        if (type == HULL_ENTRY_WHITEOUT) {
                char parent[PATH_MAX_LEN];
                const char *slash = strrchr(p, '/');
                long px;

                if (v == 1 || p[0] == '\0')
                        return;
                if (slash) {
                        memcpy(parent, p, (size_t)(slash - p));
                        parent[slash - p] = '\0';
                        px = ref_find(parent);
                        if (px < 0 || refs[px].type != HULL_ENTRY_DIR)
                                return;
                }
                if (ref_find(p) >= 0)
                        ref_prune(p);
                return;
        }
        if (type == HULL_ENTRY_OPAQUE) {
                char kids[64][PATH_MAX_LEN];
                size_t nk = 0, i;

                ref_ensure_parents(p);
                ref_ensure_dir(p);
                /* children first collected: pruning reorders the list */
                for (i = 0; i < nrefs; i++)
                        if (is_under(refs[i].path, p) &&
                            !strchr(refs[i].path + strlen(p) + (p[0] != 0), '/')) {
                                CHECK(nk < 64);
                                memcpy(kids[nk++], refs[i].path, PATH_MAX_LEN);
                        }
                for (i = 0; i < nk; i++)
                        if (ref_find(kids[i]) >= 0)
                                ref_prune(kids[i]);
                x = ref_find(p);
                if (x >= 0)
                        ref_change(&refs[x]);
                return;
        }
        if (p[0] == '\0')
                return; /* the root's own attributes: not in the views */
        ref_ensure_parents(p);
        x = ref_find(p);
        if (x >= 0 && (refs[x].type == HULL_ENTRY_DIR) == (type == HULL_ENTRY_DIR)) {
                ref_change(&refs[x]);
                refs[x].type = type;
                refs[x].implicit = false;
        } else {
                if (x >= 0)
                        ref_kill(p);
                ref_create(p, type, false);
        }
}

/* Component order: "a" < "a/b" < "a-c". */
static int path_cmp(const char *a, const char *b) {
        for (;;) {
                size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
                size_t m = la < lb ? la : lb;
                int c = memcmp(a, b, m);

                if (c)
                        return c;
                if (la != lb)
                        return la < lb ? -1 : 1;
                if (!a[la] || !b[lb])
                        return (a[la] != 0) - (b[lb] != 0);
                a += la + 1;
                b += lb + 1;
        }
}

static int ref_cmp(const void *a, const void *b) {
        const struct ref *x = a, *y = b;
        int c = path_cmp(x->path, y->path);
        return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

static bool has_wh(const char *p) {
        return strncmp(p, ".wh.", 4) == 0 || strstr(p, "/.wh.") != NULL;
}

/* ---- the target -------------------------------------------------------- */

static void check_lookup(const struct hull_layers *L, const char *p, unsigned flags) {
        const struct hull_layers_node *n = NULL;
        struct hull_diag d;
        int r;

        hull_diag_init(&d);
        r = hull_layers_lookup(L, p, flags, &n, &d);
        CHECK(r == HULL_OK || r == HULL_ENOTFOUND || r == HULL_ELIMIT);
        if (r != HULL_OK) {
                CHECK(d.code == r && d.msg[0]);
                return;
        }
        CHECK(hull_layers_node_present(n));
        CHECK(hull_layers_node_type(n) != HULL_ENTRY_WHITEOUT &&
              hull_layers_node_type(n) != HULL_ENTRY_OPAQUE);
        if (flags & HULL_LAYERS_FOLLOW_SYMLINKS)
                CHECK(hull_layers_node_type(n) != HULL_ENTRY_SYMLINK);
        if (flags & HULL_LAYERS_FOLLOW_HARDLINKS)
                CHECK(hull_layers_node_type(n) != HULL_ENTRY_HARDLINK);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const int types[] = {
                HULL_ENTRY_FILE,     HULL_ENTRY_DIR,    HULL_ENTRY_SYMLINK, HULL_ENTRY_HARDLINK,
                HULL_ENTRY_WHITEOUT, HULL_ENTRY_OPAQUE, HULL_ENTRY_FIFO,    -1 /* end layer */,
                -2 /* lookup */,     HULL_ENTRY_FILE,   HULL_ENTRY_DIR,     HULL_ENTRY_WHITEOUT,
        };
        struct in in = {data, size};
        struct hull_layers *L = NULL;
        struct hull_layers_stats st;
        struct hull_layers_iter it;
        const struct hull_layers_node *n, *prev = NULL;
        char path[PATH_MAX_LEN], link[PATH_MAX_LEN], pp[HULL_MAX_PATH_BYTES + 1];
        char prevpath[HULL_MAX_PATH_BYTES + 1];
        unsigned nlayers;
        size_t i, count;

        if (size > MAX_INPUT)
                return 0;
        nrefs = 0;
        ndead = 0;
        ref_incarnations = 0;
        N = 0;
        CHECK(hull_layers_new(&L) == HULL_OK);
        while (in.n) {
                int type = types[byte(&in) % (sizeof(types) / sizeof(types[0]))];
                struct hull_entry e = {.layer = N, .mode = 0644};
                int r, v;

                if (type == -1) {
                        CHECK(hull_layers_end_layer(L, N, NULL) == HULL_OK);
                        N++;
                        continue;
                }
                if (type == -2) {
                        make_path(&in, path, true);
                        check_lookup(L, path, byte(&in) & 3);
                        continue;
                }
                make_path(&in, path, false);
                e.type = (enum hull_entry_type)type;
                e.path = path;
                if (type == HULL_ENTRY_SYMLINK) {
                        make_path(&in, link, true);
                        e.link = link;
                } else if (type == HULL_ENTRY_HARDLINK) {
                        make_path(&in, link, false);
                        e.link = link;
                }
                v = ref_validate(type, path);
                r = hull_layers_add(L, &e, NULL);
                if (v == -1 || v == -3)
                        CHECK(r == HULL_EINVAL);
                else if (v == -2)
                        CHECK(r == HULL_EPARSE);
                else {
                        CHECK(r == HULL_OK);
                        ref_apply(type, path, v);
                }
        }
        CHECK(hull_layers_finish(L, NULL) == HULL_OK);
        hull_layers_stats(L, &st);
        nlayers = st.layers;
        CHECK(nlayers == N || nlayers == N + 1);

        /* the final view against the reference */
        qsort(refs, nrefs, sizeof(refs[0]), ref_cmp);
        CHECK(st.final_files == nrefs);
        CHECK(st.incarnations == ref_incarnations);
        hull_layers_iter_init(&it, L, HULL_LAYERS_FINAL);
        for (i = 0; (n = hull_layers_iter_next(&it)); i++) {
                const struct hull_layers_node *m;

                CHECK(i < nrefs);
                hull_layers_node_path(n, pp, sizeof(pp));
                CHECK(strcmp(pp, refs[i].path) == 0);
                CHECK((int)hull_layers_node_type(n) == refs[i].type);
                CHECK(hull_layers_node_added_in(n) == refs[i].added);
                CHECK(hull_layers_node_last_layer(n) == refs[i].last);
                CHECK(hull_layers_node_nchanged(n) == refs[i].nchanged);
                CHECK(!!(hull_layers_node_flags(n) & HULL_LAYERS_NODE_IMPLICIT) ==
                      refs[i].implicit);
                CHECK(hull_layers_node_present(n));
                CHECK(!has_wh(pp));
                CHECK(hull_layers_node_last_layer(n) < nlayers);
                CHECK(hull_layers_lookup(L, pp, 0, &m, NULL) == HULL_OK && m == n);
                CHECK(hull_layers_get(L, pp, &m) == HULL_OK && m == n);
                if (i)
                        CHECK(path_cmp(prevpath, pp) < 0);
                memcpy(prevpath, pp, sizeof(pp));
        }
        CHECK(i == nrefs);

        /* every incarnation, against the reference's present + deleted ones */
        CHECK(ndead + nrefs <= sizeof(dead) / sizeof(dead[0]));
        memcpy(dead + ndead, refs, nrefs * sizeof(refs[0]));
        ndead += nrefs;
        qsort(dead, ndead, sizeof(dead[0]), ref_cmp);
        CHECK(ndead == st.incarnations);
        hull_layers_iter_init(&it, L, HULL_LAYERS_ALL);
        for (count = 0; (n = hull_layers_iter_next(&it)); count++) {
                unsigned a = hull_layers_node_added_in(n), l = hull_layers_node_last_layer(n);
                unsigned del = hull_layers_node_deleted_in(n);

                hull_layers_node_path(n, pp, sizeof(pp));
                CHECK(count < ndead);
                CHECK(strcmp(pp, dead[count].path) == 0);
                CHECK((int)hull_layers_node_type(n) == dead[count].type);
                CHECK(a == dead[count].added && l == dead[count].last);
                CHECK(hull_layers_node_nchanged(n) == dead[count].nchanged);
                CHECK(del == dead[count].deleted);
                CHECK(!has_wh(pp));
                CHECK(a <= l && l < nlayers);
                for (size_t k = 0; k + 1 < hull_layers_node_nchanged(n); k++)
                        CHECK(hull_layers_node_changed_in(n, k) <
                              hull_layers_node_changed_in(n, k + 1));
                if (!hull_layers_node_present(n))
                        CHECK(del >= l && del < nlayers);
                if (count) {
                        int c = path_cmp(prevpath, pp);
                        CHECK(c <= 0);
                        if (c == 0) {
                                CHECK(!hull_layers_node_present(prev));
                                CHECK(hull_layers_node_deleted_in(prev) <= a);
                                CHECK(hull_layers_node_prev(n) == prev);
                        } else {
                                CHECK(hull_layers_node_prev(n) == NULL);
                        }
                }
                memcpy(prevpath, pp, sizeof(pp));
                prev = n;
        }
        CHECK(count == st.incarnations);

        /* lookups of every reference path, every flag combination, and odd ones */
        for (i = 0; i < nrefs; i++)
                for (unsigned f = 0; f < 4; f++)
                        check_lookup(L, refs[i].path, f);
        check_lookup(L, "/", 3);
        check_lookup(L, "../..", 3);
        hull_layers_free(L);
        return 0;
}
