/* layers.c - the layered file-system model (layers.h).
 *
 * One "dentry" per distinct path ever seen, never freed, found through a hash
 * map keyed by (parent dentry, name): a path is stored as its last component
 * plus a parent pointer, so each component text is stored once per
 * directory.  A dentry carries its current (latest) incarnation inline;
 * when a deleted path comes back, the old incarnation moves to a small
 * history record.  Invariants:
 *  - a present dentry's parent is a present directory (the root always is);
 *    so a deleted dentry's descendants are all deleted;
 *  - a directory's `kids` list holds exactly its present children (deleted
 *    ones stay in the hash map only, which keeps every walk proportional to
 *    live content);
 *  - F_PRUNED on a node whose last layer is N means "no lower-layer content
 *    remains below it": a later marker of layer N need not walk it again.
 *    Every update of the last layer clears it, so it cannot go stale.
 *
 * Deleting lower content (a whiteout, an opaque marker) is prune(): walking
 * the subtree, a node survives when it belongs to the open layer (added or
 * changed in it) or something below it does; the rest is deleted.  Applying a
 * marker when it arrives therefore equals applying it before the layer's
 * other entries, whatever their order (layer.md).
 *
 * finish() walks the tree depth first, sorting each directory's children
 * by name, which gives component-wise path order without building any
 * path; it first links the deleted dentries into their parents' lists (the
 * build is over, so the second invariant no longer matters). */
#include "image/layers.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "basic/arena.h"
#include "basic/err.h"
#include "basic/limits.h"

#define F_PUBLIC (HULL_LAYERS_NODE_IMPLICIT | HULL_LAYERS_NODE_BROKEN_LINK)
#define F_PRUNED 0x40u
#define F_HIST 0x80u /* the node is a struct hist, not a struct dentry */

#define MAX_DEPTH (HULL_MAX_PATH_BYTES / 2 + 2) /* components of a valid path, root included */

struct hull_layers_node {
        uint64_t size;
        const char *link;
        uint32_t *changed; /* NULL, or changed[0] = n and n layers, ascending */
        uint32_t mode, uid, gid;
        uint32_t added, deleted;
        uint8_t type;
        uint8_t flags;
};

struct dentry {
        struct hull_layers_node v;  /* latest incarnation; first member */
        struct dentry *parent;      /* NULL for the root */
        struct dentry *hnext;       /* hash chain */
        struct dentry *kids;        /* present children, unordered */
        struct dentry *next, *prev; /* siblings in parent->kids, while present */
        struct hist *hist;          /* older incarnations, newest first */
        uint32_t hash;
        uint16_t namelen;
        char name[];
};

struct hist {
        struct hull_layers_node v; /* first member; flags has F_HIST */
        struct dentry *owner;
        struct hist *next;
};

struct hull_layers {
        struct hull_arena arena;
        struct dentry *root;
        struct dentry **tab; /* hash buckets, power of two */
        size_t tabsize;
        uint64_t k0, k1; /* hash key */

        uint64_t ndentries; /* root excluded */
        uint64_t nhist;
        uint64_t entries;
        uint64_t max_entries;
        uint64_t broken;

        unsigned cur; /* the open layer */
        bool cur_used;
        bool finished;
        unsigned nlayers;                   /* set by finish */
        struct hull_layers_layer_stats *ls; /* slots 0..cur */
        size_t lscap;

        const struct hull_layers_node **order; /* every incarnation, sorted */
        size_t norder;
        uint64_t final_files, final_bytes;

        /* the parent directory of the previous entry (tar entries come
         * grouped by directory); any deletion clears it */
        struct dentry *cache_dir;
        size_t cache_len;
        char cache_path[HULL_MAX_PATH_BYTES + 1];
};

/* ---- hashing: SipHash-1-3 keyed per model (untrusted names) ---------- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
        do {                                                                                       \
                v0 += v1;                                                                          \
                v1 = ROTL(v1, 13);                                                                 \
                v1 ^= v0;                                                                          \
                v0 = ROTL(v0, 32);                                                                 \
                v2 += v3;                                                                          \
                v3 = ROTL(v3, 16);                                                                 \
                v3 ^= v2;                                                                          \
                v0 += v3;                                                                          \
                v3 = ROTL(v3, 21);                                                                 \
                v3 ^= v0;                                                                          \
                v2 += v1;                                                                          \
                v1 = ROTL(v1, 17);                                                                 \
                v1 ^= v2;                                                                          \
                v2 = ROTL(v2, 32);                                                                 \
        } while (0)

static uint64_t siphash13(uint64_t k0, uint64_t k1, const unsigned char *p, size_t len) {
        uint64_t v0 = k0 ^ 0x736f6d6570736575ull, v1 = k1 ^ 0x646f72616e646f6dull;
        uint64_t v2 = k0 ^ 0x6c7967656e657261ull, v3 = k1 ^ 0x7465646279746573ull;
        uint64_t b = (uint64_t)len << 56, m;
        size_t i;

        for (i = 0; i + 8 <= len; i += 8) {
                memcpy(&m, p + i, 8);
                v3 ^= m;
                SIPROUND;
                v0 ^= m;
        }
        for (size_t j = 0; i + j < len; j++)
                b |= (uint64_t)p[i + j] << (8 * j);
        v3 ^= b;
        SIPROUND;
        v0 ^= b;
        v2 ^= 0xff;
        SIPROUND;
        SIPROUND;
        SIPROUND;
        return v0 ^ v1 ^ v2 ^ v3;
}

static uint32_t name_hash(const struct hull_layers *L, const struct dentry *parent,
                          const char *name, size_t len) {
        return (uint32_t)siphash13(L->k0 ^ (uint64_t)(uintptr_t)parent, L->k1,
                                   (const unsigned char *)name, len);
}

static struct dentry *find(const struct hull_layers *L, const struct dentry *parent,
                           const char *name, size_t len) {
        uint32_t h = name_hash(L, parent, name, len);
        struct dentry *x;

        for (x = L->tab[h & (L->tabsize - 1)]; x; x = x->hnext)
                if (x->hash == h && x->parent == parent && x->namelen == len &&
                    memcmp(x->name, name, len) == 0)
                        return x;
        return NULL;
}

/* Doubling failure is not an error: chains just get longer. */
static void maybe_grow(struct hull_layers *L) {
        size_t ns = L->tabsize * 2, i;
        struct dentry **nt;

        if (L->ndentries < L->tabsize || ns > SIZE_MAX / sizeof(*nt) || ns > (1ull << 32))
                return;
        nt = hull_calloc(ns, sizeof(*nt));
        if (!nt)
                return;
        for (i = 0; i < L->tabsize; i++) {
                struct dentry *x = L->tab[i], *next;
                for (; x; x = next) {
                        next = x->hnext;
                        x->hnext = nt[x->hash & (ns - 1)];
                        nt[x->hash & (ns - 1)] = x;
                }
        }
        hull_free(L->tab);
        L->tab = nt;
        L->tabsize = ns;
}

/* ---- small helpers ---------------------------------------------------- */

static bool present(const struct hull_layers_node *v) {
        return v->deleted == HULL_LAYERS_NONE;
}

static unsigned last_layer(const struct hull_layers_node *v) {
        return v->changed ? v->changed[v->changed[0]] : v->added;
}

static struct hull_layers_layer_stats *cur_stats(struct hull_layers *L) {
        return &L->ls[L->cur];
}

static const struct dentry *owner_of(const struct hull_layers_node *n) {
        if (n->flags & F_HIST)
                return ((const struct hist *)(const void *)n)->owner;
        return (const struct dentry *)(const void *)n;
}

static void link_live(struct dentry *x) {
        struct dentry *p = x->parent;

        x->prev = NULL;
        x->next = p->kids;
        if (p->kids)
                p->kids->prev = x;
        p->kids = x;
}

static void unlink_live(struct dentry *x) {
        if (x->prev)
                x->prev->next = x->next;
        else
                x->parent->kids = x->next;
        if (x->next)
                x->next->prev = x->prev;
        x->next = x->prev = NULL;
}

static int too_many(struct hull_layers *L, struct hull_diag *d) {
        if (L->ndentries + L->nhist < L->max_entries)
                return HULL_OK;
        return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                             "image holds more than %llu files (HULL_MAX_IMAGE_ENTRIES)",
                             (unsigned long long)L->max_entries);
}

/* Delete x and everything present below it in layer `layer`.  Iterative
 * (post-order through parent pointers), no allocation. */
static void kill(struct hull_layers *L, struct dentry *x, unsigned layer) {
        struct dentry *n = x;

        L->cache_dir = NULL;
        for (;;) {
                struct dentry *p;

                if (n->kids) {
                        n = n->kids;
                        continue;
                }
                p = n->parent;
                n->v.deleted = layer;
                n->v.flags &= (uint8_t)~F_PRUNED;
                cur_stats(L)->deleted++;
                unlink_live(n);
                if (n == x)
                        break;
                n = p;
        }
}

/* Record that layer N changed x (once per layer; nothing when x was created
 * in N).  Allocates, so it comes before any other mutation of a step. */
static int record_change(struct hull_layers *L, struct dentry *x, unsigned N) {
        uint32_t *c = x->v.changed, n = c ? c[0] : 0;
        size_t cap;

        if (x->v.added == N || (n && c[n] == N))
                return HULL_OK;
        /* capacity in slots (count included): 4, then powers of two */
        for (cap = 4; cap < (size_t)n + 1; cap *= 2)
                ;
        if (!c || (size_t)n + 2 > cap) {
                size_t ncap = c ? cap * 2 : 4;
                uint32_t *nc = hull_arena_alloc(&L->arena, ncap * sizeof(*nc));
                if (!nc)
                        return HULL_ENOMEM;
                if (c)
                        memcpy(nc, c, (n + 1) * sizeof(*nc));
                c = nc;
        }
        c[n + 1] = N;
        c[0] = n + 1;
        x->v.changed = c;
        x->v.flags &= (uint8_t)~F_PRUNED;
        cur_stats(L)->changed++;
        return HULL_OK;
}

/* A new incarnation: under parent as `name` (x == NULL), or of the dentry x,
 * which when still present is deleted first, subtree included (a
 * replacement).  v is the new incarnation, added and deleted already set. */
static int place(struct hull_layers *L, struct dentry *parent, struct dentry *x, const char *name,
                 size_t len, const struct hull_layers_node *v, struct dentry **ret,
                 struct hull_diag *d) {
        HULL_TRY(too_many(L, d));
        if (!x) {
                uint32_t h = name_hash(L, parent, name, len);
                size_t b;

                x = hull_arena_alloc(&L->arena, offsetof(struct dentry, name) + len + 1);
                if (!x)
                        return HULL_ENOMEM;
                memset(x, 0, offsetof(struct dentry, name));
                memcpy(x->name, name, len);
                x->name[len] = '\0';
                x->namelen = (uint16_t)len;
                x->parent = parent;
                x->hash = h;
                b = h & (L->tabsize - 1);
                x->hnext = L->tab[b];
                L->tab[b] = x;
                L->ndentries++;
                maybe_grow(L);
        } else {
                struct hist *hs = hull_arena_alloc(&L->arena, sizeof(*hs));

                if (!hs)
                        return HULL_ENOMEM;
                if (present(&x->v))
                        kill(L, x, v->added);
                hs->v = x->v;
                hs->v.flags |= F_HIST;
                hs->owner = x;
                hs->next = x->hist;
                x->hist = hs;
                L->nhist++;
        }
        x->v = *v;
        link_live(x);
        cur_stats(L)->added++;
        *ret = x;
        return HULL_OK;
}

/* The present directory `name` under parent, created (implicitly) or
 * replacing a non-directory when needed. */
static int ensure_dir(struct hull_layers *L, struct dentry *parent, const char *name, size_t len,
                      struct dentry **ret, struct hull_diag *d) {
        struct dentry *x = find(L, parent, name, len);
        struct hull_layers_node v = {
                .mode = 0755,
                .added = L->cur,
                .deleted = HULL_LAYERS_NONE,
                .type = HULL_ENTRY_DIR,
                .flags = HULL_LAYERS_NODE_IMPLICIT,
        };

        if (x && present(&x->v) && x->v.type == HULL_ENTRY_DIR) {
                *ret = x;
                return HULL_OK;
        }
        return place(L, parent, x, name, len, &v, ret, d);
}

/* Delete what lower layers hold at and below x (see the top).  Recursion
 * depth is bounded by the path depth (MAX_DEPTH). */
static int prune(struct hull_layers *L, struct dentry *x, bool *ret_survives) {
        unsigned N = L->cur;
        bool any = false;
        struct dentry *c, *next;

        if (x->v.added == N || (last_layer(&x->v) == N && (x->v.flags & F_PRUNED))) {
                *ret_survives = true;
                return HULL_OK;
        }
        for (c = x->kids; c; c = next) {
                bool s;
                next = c->next; /* prune(c) may unlink c, never its siblings */
                HULL_TRY(prune(L, c, &s));
                any |= s;
        }
        if (last_layer(&x->v) == N || any) {
                HULL_TRY(record_change(L, x, N));
                x->v.flags |= F_PRUNED;
                *ret_survives = true;
        } else {
                kill(L, x, N);
                *ret_survives = false;
        }
        return HULL_OK;
}

/* ---- path checks ------------------------------------------------------ */

static bool is_wh(const char *s, size_t len) {
        return len >= 4 && memcmp(s, ".wh.", 4) == 0;
}

/* Normalised per entry.h ("" allowed).  *ret_wh: some component starts with
 * ".wh.". */
static bool normalised(const char *p, size_t len, bool *ret_wh) {
        size_t i = 0;

        *ret_wh = false;
        if (len == 0)
                return true;
        while (i <= len) {
                const char *s = p + i, *slash = memchr(s, '/', len - i);
                size_t n = slash ? (size_t)(slash - s) : len - i;

                if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
                        return false;
                if (is_wh(s, n))
                        *ret_wh = true;
                i += n + 1;
        }
        return true;
}

/* ---- lookup ----------------------------------------------------------- */

struct frame {
        const char *s;
        size_t len, pos;
};

/* Drop separators and "." components; pop exhausted frames. */
static void skip(struct frame *fr, size_t *nfr) {
        while (*nfr) {
                struct frame *f = &fr[*nfr - 1];

                while (f->pos < f->len) {
                        if (f->s[f->pos] == '/')
                                f->pos++;
                        else if (f->s[f->pos] == '.' &&
                                 (f->pos + 1 == f->len || f->s[f->pos + 1] == '/'))
                                f->pos++;
                        else
                                break;
                }
                if (f->pos < f->len)
                        return;
                (*nfr)--;
        }
}

/* Resolve in the current state; *hops counts links followed so far (shared
 * with the hard-link loop of the caller).  Messages name `shown`. */
static int resolve(const struct hull_layers *L, const char *path, size_t len, unsigned flags,
                   unsigned *hops, struct dentry **ret, const char *shown, struct hull_diag *d) {
        struct frame fr[HULL_LAYERS_MAX_HOPS + 2];
        size_t nfr = 1;
        struct dentry *dir = L->root;

        fr[0] = (struct frame){path, len, 0};
        skip(fr, &nfr);
        while (nfr) {
                struct frame *f = &fr[nfr - 1];
                const char *name = f->s + f->pos, *slash = memchr(name, '/', f->len - f->pos);
                size_t n = slash ? (size_t)(slash - name) : f->len - f->pos;
                struct dentry *x;
                bool last;

                f->pos += n;
                skip(fr, &nfr);
                last = nfr == 0;
                if (n == 2 && name[0] == '.' && name[1] == '.') {
                        if (dir->parent)
                                dir = dir->parent;
                        continue;
                }
                x = find(L, dir, name, n);
                if (!x || !present(&x->v))
                        return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0,
                                             "'%s': no such file in the image", shown);
                if (x->v.type == HULL_ENTRY_SYMLINK &&
                    (!last || (flags & HULL_LAYERS_FOLLOW_SYMLINKS))) {
                        const char *t = x->v.link;
                        size_t tl = strlen(t);

                        if (++*hops > HULL_LAYERS_MAX_HOPS)
                                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                                                     "'%s': too many levels of symbolic links",
                                                     shown);
                        if (tl == 0)
                                return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0,
                                                     "'%s': empty symbolic link", shown);
                        if (t[0] == '/')
                                dir = L->root;
                        /* at most one frame per hop plus the first: fits */
                        fr[nfr++] = (struct frame){t, tl, 0};
                        skip(fr, &nfr);
                        continue;
                }
                if (x->v.type == HULL_ENTRY_DIR) {
                        dir = x;
                        continue;
                }
                if (!last)
                        return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0, "'%s': not a directory",
                                             shown);
                *ret = x;
                return HULL_OK;
        }
        *ret = dir;
        return HULL_OK;
}

int hull_layers_lookup(const struct hull_layers *L, const char *path, unsigned flags,
                       const struct hull_layers_node **ret_node, struct hull_diag *d) {
        struct dentry *x;
        unsigned hops = 0;
        size_t len;

        if (!L || !path || !ret_node)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "hull_layers_lookup: NULL argument");
        len = strnlen(path, HULL_MAX_PATH_BYTES + 1);
        if (len > HULL_MAX_PATH_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0, "path longer than %u bytes",
                                     HULL_MAX_PATH_BYTES);
        HULL_TRY(resolve(L, path, len, flags, &hops, &x, path, d));
        while (x->v.type == HULL_ENTRY_HARDLINK && (flags & HULL_LAYERS_FOLLOW_HARDLINKS)) {
                const char *t = x->v.link;
                struct dentry *y;
                int r;

                if (++hops > HULL_LAYERS_MAX_HOPS)
                        return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                                             "'%s': too many levels of links", path);
                r = resolve(L, t, strlen(t), flags & HULL_LAYERS_FOLLOW_SYMLINKS, &hops, &y, t,
                            NULL);
                if (r == HULL_ELIMIT)
                        return hull_diag_set(d, r, NULL, 0, 0, "'%s': too many levels of links",
                                             path);
                if (r != HULL_OK)
                        return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0,
                                             "'%s': hard link to missing '%s'", path, t);
                if (y->v.type == HULL_ENTRY_DIR)
                        return hull_diag_set(d, HULL_ENOTFOUND, NULL, 0, 0,
                                             "'%s': hard link to directory '%s'", path, t);
                x = y;
        }
        *ret_node = &x->v;
        return HULL_OK;
}

int hull_layers_get(const struct hull_layers *L, const char *path,
                    const struct hull_layers_node **ret_node) {
        struct dentry *x;
        size_t len, i = 0;
        bool wh;

        if (!L || !path || !ret_node)
                return HULL_EINVAL;
        len = strnlen(path, HULL_MAX_PATH_BYTES + 1);
        if (len > HULL_MAX_PATH_BYTES || !normalised(path, len, &wh))
                return HULL_EINVAL;
        x = L->root;
        while (i < len) {
                const char *s = path + i, *slash = memchr(s, '/', len - i);
                size_t n = slash ? (size_t)(slash - s) : len - i;

                x = find(L, x, s, n);
                if (!x)
                        return HULL_ENOTFOUND;
                i += n + 1;
        }
        *ret_node = &x->v;
        return HULL_OK;
}

/* ---- building --------------------------------------------------------- */

int hull_layers_new(struct hull_layers **ret) {
        struct hull_layers *L = new0(struct hull_layers, 1);
        uint64_t key[2];

        if (!L)
                return HULL_ENOMEM;
        hull_arena_init(&L->arena, 0);
        L->max_entries = HULL_MAX_IMAGE_ENTRIES;
        L->tabsize = 1024;
        L->tab = hull_calloc(L->tabsize, sizeof(*L->tab));
        L->lscap = 8;
        L->ls = hull_calloc(L->lscap, sizeof(*L->ls));
        L->root = hull_arena_alloc0(&L->arena, offsetof(struct dentry, name) + 1);
        if (!L->tab || !L->ls || !L->root) {
                hull_layers_free(L);
                return HULL_ENOMEM;
        }
        L->root->v = (struct hull_layers_node){
                .mode = 0755,
                .added = 0,
                .deleted = HULL_LAYERS_NONE,
                .type = HULL_ENTRY_DIR,
                .flags = HULL_LAYERS_NODE_IMPLICIT,
        };
        if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key)) {
                struct timespec ts;
                (void)clock_gettime(CLOCK_MONOTONIC, &ts);
                key[0] = (uint64_t)(uintptr_t)L ^ (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull;
                key[1] = (uint64_t)ts.tv_sec ^ 0x2545f4914f6cdd1dull;
        }
        L->k0 = key[0];
        L->k1 = key[1];
        *ret = L;
        return HULL_OK;
}

struct hull_layers *hull_layers_free(struct hull_layers *L) {
        if (!L)
                return NULL;
        hull_arena_release(&L->arena);
        hull_free(L->tab);
        hull_free(L->ls);
        hull_free(L->order);
        hull_free(L);
        return NULL;
}

void hull_layers_set_max_entries(struct hull_layers *L, uint64_t max) {
        L->max_entries = max ? max : HULL_MAX_IMAGE_ENTRIES;
}

/* The present directory holding path[0..dirlen) (dirlen 0: the root).
 * create: make missing or non-directory components directories; otherwise
 * *ret = NULL when there is none. */
static int parent_dir(struct hull_layers *L, const char *path, size_t dirlen, bool create,
                      struct dentry **ret, struct hull_diag *d) {
        struct dentry *x = L->root;
        size_t i = 0;

        if (dirlen == 0) {
                *ret = x;
                return HULL_OK;
        }
        if (L->cache_dir && L->cache_len == dirlen && memcmp(L->cache_path, path, dirlen) == 0) {
                *ret = L->cache_dir;
                return HULL_OK;
        }
        while (i < dirlen) {
                const char *s = path + i, *slash = memchr(s, '/', dirlen - i);
                size_t n = slash ? (size_t)(slash - s) : dirlen - i;

                if (create) {
                        HULL_TRY(ensure_dir(L, x, s, n, &x, d));
                } else {
                        x = find(L, x, s, n);
                        if (!x || !present(&x->v) || x->v.type != HULL_ENTRY_DIR) {
                                *ret = NULL;
                                return HULL_OK;
                        }
                }
                i += n + 1;
        }
        memcpy(L->cache_path, path, dirlen);
        L->cache_len = dirlen;
        L->cache_dir = x;
        *ret = x;
        return HULL_OK;
}

static int add_whiteout(struct hull_layers *L, const char *path, size_t len, size_t dirlen,
                        struct hull_diag *d) {
        struct dentry *p, *x;
        size_t nl = dirlen ? len - dirlen - 1 : len;
        bool survives;

        if (len == 0)
                return HULL_OK; /* ".wh." alone names nothing */
        HULL_TRY(parent_dir(L, path, dirlen, false, &p, d));
        if (!p)
                return HULL_OK;
        x = find(L, p, path + len - nl, nl);
        if (!x || !present(&x->v))
                return HULL_OK;
        return prune(L, x, &survives);
}

static int add_opaque(struct hull_layers *L, const char *path, size_t len, size_t dirlen,
                      struct hull_diag *d) {
        struct dentry *dir, *c, *next;

        if (len == 0) {
                dir = L->root;
        } else {
                size_t nl = dirlen ? len - dirlen - 1 : len;
                HULL_TRY(parent_dir(L, path, dirlen, true, &dir, d));
                HULL_TRY(ensure_dir(L, dir, path + len - nl, nl, &dir, d));
        }
        if (dir->v.added == L->cur || (last_layer(&dir->v) == L->cur && (dir->v.flags & F_PRUNED)))
                return HULL_OK; /* nothing lower left below it */
        for (c = dir->kids; c; c = next) {
                bool s;
                next = c->next;
                HULL_TRY(prune(L, c, &s));
        }
        HULL_TRY(record_change(L, dir, L->cur));
        dir->v.flags |= F_PRUNED;
        return HULL_OK;
}

static int add_file(struct hull_layers *L, const struct hull_entry *e, size_t len, size_t dirlen,
                    struct hull_diag *d) {
        const char *path = e->path;
        size_t nl = dirlen ? len - dirlen - 1 : len;
        bool isdir = e->type == HULL_ENTRY_DIR;
        struct hull_layers_node v = {
                .size = e->size,
                .mode = e->mode & 07777,
                .uid = e->uid,
                .gid = e->gid,
                .added = L->cur,
                .deleted = HULL_LAYERS_NONE,
                .type = (uint8_t)e->type,
        };
        struct dentry *p, *x;

        if (e->type == HULL_ENTRY_SYMLINK || e->type == HULL_ENTRY_HARDLINK) {
                size_t ll;
                char *link;

                if (!e->link)
                        return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                             "'%s': link without a target", path);
                ll = strnlen(e->link, HULL_MAX_PATH_BYTES + 1);
                if (ll > HULL_MAX_PATH_BYTES)
                        return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                                             "'%s': link target longer than %u bytes", path,
                                             HULL_MAX_PATH_BYTES);
                if (e->type == HULL_ENTRY_HARDLINK) {
                        /* link(2) at extraction time: the target must exist now */
                        struct dentry *t;
                        unsigned hops = 0;
                        bool wh;

                        if (ll == 0 || !normalised(e->link, ll, &wh) ||
                            strcmp(e->link, path) == 0 ||
                            resolve(L, e->link, ll, 0, &hops, &t, e->link, NULL) != HULL_OK ||
                            t->v.type == HULL_ENTRY_DIR ||
                            (t->v.flags & HULL_LAYERS_NODE_BROKEN_LINK))
                                v.flags |= HULL_LAYERS_NODE_BROKEN_LINK;
                }
                link = hull_arena_strndup(&L->arena, e->link, ll);
                if (!link)
                        return HULL_ENOMEM;
                v.link = link;
        }
        if (len == 0) {
                if (!isdir)
                        return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                             "the root must be a directory");
                x = L->root;
                HULL_TRY(record_change(L, x, L->cur));
                x->v.mode = v.mode;
                x->v.uid = v.uid;
                x->v.gid = v.gid;
                x->v.flags &= (uint8_t)~HULL_LAYERS_NODE_IMPLICIT;
                return HULL_OK;
        }
        HULL_TRY(parent_dir(L, path, dirlen, true, &p, d));
        x = find(L, p, path + len - nl, nl);
        if (x && present(&x->v) && (x->v.type == HULL_ENTRY_DIR) == isdir) {
                /* a change: directory attributes, or a non-directory rewritten */
                HULL_TRY(record_change(L, x, L->cur));
                x->v.mode = v.mode;
                x->v.uid = v.uid;
                x->v.gid = v.gid;
                x->v.size = v.size;
                if (!isdir) {
                        x->v.type = v.type;
                        x->v.link = v.link;
                }
                x->v.flags = (uint8_t)((x->v.flags & F_PRUNED) | v.flags);
        } else {
                HULL_TRY(place(L, p, x, path + len - nl, nl, &v, &x, d));
        }
        if (v.flags & HULL_LAYERS_NODE_BROKEN_LINK)
                L->broken++;
        return HULL_OK;
}

int hull_layers_add(struct hull_layers *L, const struct hull_entry *e, struct hull_diag *d) {
        const char *slash;
        size_t len, dirlen;
        bool wh;

        if (!L || !e || !e->path)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "hull_layers_add: NULL argument");
        if (L->finished)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "hull_layers_add: model already finished");
        if (e->layer != L->cur)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "entry of layer %u while layer %u is open", e->layer, L->cur);
        if ((unsigned)e->type >= _HULL_ENTRY_TYPE_MAX)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "'%s': bad entry type %d", e->path,
                                     (int)e->type);
        len = strnlen(e->path, HULL_MAX_PATH_BYTES + 1);
        if (len > HULL_MAX_PATH_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0, "path longer than %u bytes",
                                     HULL_MAX_PATH_BYTES);
        if (!normalised(e->path, len, &wh))
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "'%s': path not normalised",
                                     e->path);
        if (wh && e->type != HULL_ENTRY_WHITEOUT)
                return hull_diag_set(d, HULL_EPARSE, NULL, 0, 0,
                                     "'%s': a name starting with '.wh.' is reserved for whiteouts",
                                     e->path);
        if (L->entries >= L->max_entries)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                                     "image has more than %llu entries (HULL_MAX_IMAGE_ENTRIES)",
                                     (unsigned long long)L->max_entries);
        L->entries++;
        L->cur_used = true;
        cur_stats(L)->entries++;
        slash = memrchr(e->path, '/', len);
        dirlen = slash ? (size_t)(slash - e->path) : 0;
        switch (e->type) {
        case HULL_ENTRY_WHITEOUT:
                cur_stats(L)->whiteouts++;
                /* a ".wh." component cannot exist: nothing to hide */
                return wh ? HULL_OK : add_whiteout(L, e->path, len, dirlen, d);
        case HULL_ENTRY_OPAQUE:
                cur_stats(L)->opaques++;
                return add_opaque(L, e->path, len, dirlen, d);
        case HULL_ENTRY_FILE: {
                struct hull_layers_layer_stats *s = cur_stats(L);
                s->bytes_added = e->size > UINT64_MAX - s->bytes_added ? UINT64_MAX
                                                                       : s->bytes_added + e->size;
                break;
        }
        default: break;
        }
        return add_file(L, e, len, dirlen, d);
}

int hull_layers_end_layer(struct hull_layers *L, unsigned layer, struct hull_diag *d) {
        if (!L || L->finished || layer != L->cur)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "hull_layers_end_layer: layer %u is not the open layer",
                                     layer);
        if (L->cur + 1 >= HULL_MAX_IMAGE_LAYERS)
                return hull_diag_set(d, HULL_ELIMIT, NULL, 0, 0,
                                     "image has more than %u layers (HULL_MAX_IMAGE_LAYERS)",
                                     HULL_MAX_IMAGE_LAYERS);
        if (L->cur + 1 >= L->lscap) {
                size_t ncap = L->lscap * 2;
                struct hull_layers_layer_stats *ls = hull_realloc(L->ls, ncap * sizeof(*ls));
                if (!ls)
                        return HULL_ENOMEM;
                memset(ls + L->lscap, 0, (ncap - L->lscap) * sizeof(*ls));
                L->ls = ls;
                L->lscap = ncap;
        }
        L->cur++;
        L->cur_used = false;
        L->cache_dir = NULL;
        return HULL_OK;
}

/* ---- finish: sorted orders -------------------------------------------- */

static int cmp_name(const void *a, const void *b) {
        const struct dentry *x = *(const struct dentry *const *)a;
        const struct dentry *y = *(const struct dentry *const *)b;
        size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
        int c = memcmp(x->name, y->name, n);

        if (c)
                return c;
        return x->namelen < y->namelen ? -1 : x->namelen > y->namelen;
}

struct level {
        size_t start, end, pos; /* x's children in A[start..end) */
};

/* Push x's children, sorted, as a new level of the walk. */
static void push_kids(struct dentry **A, size_t *used, struct level *stk, size_t *sp,
                      const struct dentry *x) {
        size_t start = *used;

        for (struct dentry *c = x->kids; c; c = c->next)
                A[(*used)++] = c;
        qsort(A + start, *used - start, sizeof(*A), cmp_name);
        stk[(*sp)++] = (struct level){start, *used, start};
}

static void emit(struct hull_layers *L, struct dentry *x) {
        size_t k = 0;
        struct hist *h;
        size_t count;

        /* history is newest first; emit oldest first */
        for (h = x->hist; h; h = h->next)
                k++;
        count = k;
        for (h = x->hist; h; h = h->next)
                L->order[L->norder + --k] = &h->v;
        L->norder += count;
        L->order[L->norder++] = &x->v;
        if (present(&x->v)) {
                L->final_files++;
                if (x->v.type == HULL_ENTRY_FILE)
                        L->final_bytes += x->v.size;
        }
}

int hull_layers_finish(struct hull_layers *L, struct hull_diag *d) {
        _cleanup_free_ struct dentry **A = NULL;
        _cleanup_free_ struct level *stk = NULL;
        size_t n = (size_t)L->ndentries, used = 0, sp = 0, i;

        if (L->finished)
                return HULL_OK;
        A = new (struct dentry *, n + 1);
        stk = new (struct level, MAX_DEPTH + 1);
        L->order = new (const struct hull_layers_node *, (size_t)(L->ndentries + L->nhist) + 1);
        if (!A || !stk || !L->order) {
                hull_free(L->order);
                L->order = NULL;
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* The build is over: from here on every directory lists all its
         * children, deleted ones too, and the walk sorts each list. */
        for (i = 0; i < L->tabsize; i++)
                for (struct dentry *x = L->tab[i]; x; x = x->hnext)
                        if (!present(&x->v))
                                link_live(x);
        L->norder = 0;
        L->final_files = L->final_bytes = 0;
        push_kids(A, &used, stk, &sp, L->root);
        while (sp) {
                struct level *lv = &stk[sp - 1];
                struct dentry *x;

                if (lv->pos == lv->end) {
                        used = lv->start;
                        sp--;
                        continue;
                }
                x = A[lv->pos++];
                emit(L, x);
                if (x->kids && sp <= MAX_DEPTH)
                        push_kids(A, &used, stk, &sp, x);
        }
        L->nlayers = L->cur + (L->cur_used ? 1 : 0);
        L->finished = true;
        return HULL_OK;
}

/* ---- reading ---------------------------------------------------------- */

const struct hull_layers_node *hull_layers_root(const struct hull_layers *L) {
        return &L->root->v;
}

void hull_layers_iter_init(struct hull_layers_iter *it, const struct hull_layers *L,
                           enum hull_layers_view view) {
        it->layers = L;
        it->next = 0;
        it->view = view;
}

const struct hull_layers_node *hull_layers_iter_next(struct hull_layers_iter *it) {
        const struct hull_layers *L = it->layers;

        if (!L->finished)
                return NULL;
        while (it->next < L->norder) {
                const struct hull_layers_node *n = L->order[it->next++];
                if (it->view == HULL_LAYERS_ALL || present(n))
                        return n;
        }
        return NULL;
}

int hull_layers_layer_stats(const struct hull_layers *L, unsigned layer,
                            struct hull_layers_layer_stats *ret) {
        if (layer > L->cur)
                return HULL_ENOTFOUND;
        *ret = L->ls[layer];
        return HULL_OK;
}

void hull_layers_stats(const struct hull_layers *L, struct hull_layers_stats *ret) {
        memset(ret, 0, sizeof(*ret));
        ret->layers = L->finished ? L->nlayers : L->cur;
        ret->entries = L->entries;
        ret->paths = L->ndentries;
        ret->incarnations = L->ndentries + L->nhist;
        ret->final_files = L->final_files;
        ret->final_bytes = L->final_bytes;
        ret->broken_hardlinks = L->broken;
        ret->arena_bytes = L->arena.used;
        ret->heap_bytes = sizeof(*L) + L->tabsize * sizeof(*L->tab) + L->lscap * sizeof(*L->ls) +
                          (L->order ? (L->ndentries + L->nhist + 1) * sizeof(*L->order) : 0);
}

enum hull_entry_type hull_layers_node_type(const struct hull_layers_node *n) {
        return (enum hull_entry_type)n->type;
}

uint32_t hull_layers_node_mode(const struct hull_layers_node *n) {
        return n->mode;
}

uint32_t hull_layers_node_uid(const struct hull_layers_node *n) {
        return n->uid;
}

uint32_t hull_layers_node_gid(const struct hull_layers_node *n) {
        return n->gid;
}

uint64_t hull_layers_node_size(const struct hull_layers_node *n) {
        return n->size;
}

const char *hull_layers_node_link(const struct hull_layers_node *n) {
        return n->link;
}

unsigned hull_layers_node_flags(const struct hull_layers_node *n) {
        return n->flags & F_PUBLIC;
}

const char *hull_layers_node_name(const struct hull_layers_node *n) {
        return owner_of(n)->name;
}

size_t hull_layers_node_path(const struct hull_layers_node *n, char *buf, size_t size) {
        const struct dentry *x = owner_of(n), *p;
        size_t total = 0, pos;

        for (p = x; p->parent; p = p->parent)
                total += p->namelen + (p->parent->parent ? 1 : 0);
        if (!buf || size == 0)
                return total;
        if (total >= size) {
                buf[0] = '\0';
                return total;
        }
        buf[total] = '\0';
        pos = total;
        for (p = x; p->parent; p = p->parent) {
                pos -= p->namelen;
                memcpy(buf + pos, p->name, p->namelen);
                if (p->parent->parent)
                        buf[--pos] = '/';
        }
        return total;
}

unsigned hull_layers_node_added_in(const struct hull_layers_node *n) {
        return n->added;
}

unsigned hull_layers_node_deleted_in(const struct hull_layers_node *n) {
        return n->deleted;
}

bool hull_layers_node_present(const struct hull_layers_node *n) {
        return present(n);
}

size_t hull_layers_node_nchanged(const struct hull_layers_node *n) {
        return n->changed ? n->changed[0] : 0;
}

unsigned hull_layers_node_changed_in(const struct hull_layers_node *n, size_t i) {
        return n->changed && i < n->changed[0] ? n->changed[i + 1] : HULL_LAYERS_NONE;
}

unsigned hull_layers_node_last_layer(const struct hull_layers_node *n) {
        return last_layer(n);
}

const struct hull_layers_node *hull_layers_node_prev(const struct hull_layers_node *n) {
        const struct hist *h;

        if (n->flags & F_HIST)
                h = ((const struct hist *)(const void *)n)->next;
        else
                h = ((const struct dentry *)(const void *)n)->hist;
        return h ? &h->v : NULL;
}
