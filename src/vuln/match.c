/* match.c - packages against the OSV database (match.h has the rules).
 *
 * One lookup per package name (two for Red Hat), one read per release
 * spelling of package_rows (db.h); the rows of one record come together
 * (in id order), so the ranges of every entry of a record that applies to
 * the package's release are concatenated into one item list and evaluated
 * once: OSV's IsVulnerable is "any entry, any range, or any listed
 * version", and the compact form of several entries, one after the other,
 * is exactly that union.
 *
 * A range is evaluated without sorting its events: the schema's loop over
 * sorted events leaves the state set by the last event that applies to the
 * version, so it is enough to find that greatest applicable event (version
 * order, then the tie order) in one pass.  That is also well defined for
 * Maven's non-transitive order, where a sort is not.
 *
 * Speed (bench/vuln_match.sh): every version is read once per evaluation
 * (hull_version_key: the installed one per package, each event and listed
 * version per record), listed versions are passed over by their equality
 * hints, a lookup's records are read and itemised once per run for every
 * package that makes it, and its verdicts kept per version (a list repeats
 * packages); the details come from records.info, not the record's JSON.
 * None of this changes an answer: keys compare as the strings do, a hint
 * only rules out versions that compare unequal, and the caches hold what
 * the same lookup and evaluation would give again. */
#include "vuln/match.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "vuln/cvss.h"
#include "vuln/osv.h"

/* ---- ecosystems ---- */

#define SRC HULL_VULN_ECO_SOURCE_NAMES
#define BOTH HULL_VULN_ECO_BOTH_NAMES
#define OS HULL_VULN_ECO_OS

static const struct hull_vuln_ecosystem ecosystems[] = {
        {"AlmaLinux", HULL_VERSION_RPM, SRC | OS}, {"Alpine", HULL_VERSION_APK, SRC | OS},
        {"Chainguard", HULL_VERSION_APK, 0},       {"crates.io", HULL_VERSION_SEMVER, 0},
        {"Debian", HULL_VERSION_DPKG, SRC | OS},   {"Go", HULL_VERSION_GO, 0},
        {"Maven", HULL_VERSION_MAVEN, 0},          {"npm", HULL_VERSION_SEMVER, 0},
        {"openSUSE", HULL_VERSION_RPM, SRC | OS},  {"PyPI", HULL_VERSION_PEP440, 0},
        {"Red Hat", HULL_VERSION_RPM, BOTH | OS},  {"Rocky Linux", HULL_VERSION_RPM, SRC | OS},
        {"RubyGems", HULL_VERSION_GEM, 0},         {"SUSE", HULL_VERSION_RPM, SRC | OS},
        {"Ubuntu", HULL_VERSION_DPKG, SRC | OS},   {"Wolfi", HULL_VERSION_APK, 0},
};

const struct hull_vuln_ecosystem *hull_vuln_ecosystem_find(const char *s, size_t n) {
        for (size_t i = 0; s && i < ELEMENTSOF(ecosystems); i++)
                if (strlen(ecosystems[i].name) == n && strncasecmp(ecosystems[i].name, s, n) == 0)
                        return &ecosystems[i];
        return NULL;
}

char *hull_vuln_release_canonical(const struct hull_vuln_ecosystem *e, const char *release,
                                  char *buf, size_t size) {
        size_t n = strlen(release);

        if (!size)
                return buf;
        if (e && strcmp(e->name, "Alpine") == 0) {
                /* "v3.18", "3.18" and "3.18.4" all name the branch v3.18 */
                const char *p = release[0] == 'v' ? release + 1 : release;
                const char *dot = strchr(p, '.');
                const char *end = dot ? strchr(dot + 1, '.') : NULL;
                if (p[0] >= '0' && p[0] <= '9' && dot) {
                        size_t k = end ? (size_t)(end - p) : strlen(p);
                        snprintf(buf, size, "v%.*s", (int)k, p);
                        return buf;
                }
        } else if (e && strcmp(e->name, "Ubuntu") == 0 && n > 4 &&
                   strcmp(release + n - 4, ":LTS") == 0) {
                n -= 4;
        }
        snprintf(buf, size, "%.*s", (int)n, release);
        return buf;
}

/* ---- severities ---- */

static const char *const sev_names[_HULL_VULN_SEV_MAX] = {
        [HULL_VULN_SEV_UNKNOWN] = "unknown", [HULL_VULN_SEV_NONE] = "none",
        [HULL_VULN_SEV_LOW] = "low",         [HULL_VULN_SEV_MEDIUM] = "medium",
        [HULL_VULN_SEV_HIGH] = "high",       [HULL_VULN_SEV_CRITICAL] = "critical",
};

static const char *const src_names[_HULL_VULN_SRC_MAX] = {
        [HULL_VULN_SRC_NONE] = "none",       [HULL_VULN_SRC_CVSS_V3] = "cvss_v3",
        [HULL_VULN_SRC_CVSS_V4] = "cvss_v4", [HULL_VULN_SRC_DEBIAN_URGENCY] = "debian_urgency",
        [HULL_VULN_SRC_GITHUB] = "github",   [HULL_VULN_SRC_UBUNTU] = "ubuntu",
};

const char *hull_vuln_severity_to_string(enum hull_vuln_severity s) {
        return s >= 0 && s < _HULL_VULN_SEV_MAX ? sev_names[s] : NULL;
}

const char *hull_vuln_severity_source_to_string(enum hull_vuln_severity_source s) {
        return s >= 0 && s < _HULL_VULN_SRC_MAX ? src_names[s] : NULL;
}

/* ---- evaluating ranges ---- */

/* The version being evaluated, read once per scheme it is compared in
 * (hull_version_key): a record's items are all evaluated against it, and
 * each comparison used to read both versions again. */
struct vver {
        const char *v;
        size_t len;
        unsigned made; /* bit s: key[s] is read */
        bool hinted;   /* hint is made (in the ecosystem's scheme) */
        uint64_t hint;
        struct hull_version_key key[_HULL_VERSION_SCHEME_MAX];
};

static void vver_init(struct vver *x, const char *v) {
        x->v = v;
        x->len = strlen(v);
        x->made = 0;
        x->hinted = false;
}

/* NULL when s is no scheme. */
static const struct hull_version_key *vver_key(struct vver *x, enum hull_version_scheme s) {
        if (s < 0 || s >= _HULL_VERSION_SCHEME_MAX)
                return NULL;
        if (!(x->made & (1u << s))) {
                hull_version_key_init(&x->key[s], s, x->v, x->len);
                x->made |= 1u << s;
        }
        return &x->key[s];
}

static bool vver_valid(struct vver *x, enum hull_version_scheme s) {
        const struct hull_version_key *k = vver_key(x, s);

        return k && k->valid;
}

/* The items of one evaluation; each is read as a version at most once, in
 * the order it is compared in (its range's, or the ecosystem's for a
 * listed version: always the same one for an item).  An item's len is
 * strlen(value) (a value is compared as the C string it is). */
struct items {
        enum hull_version_scheme eco;
        const struct hull_vuln_ranges_item *it;
        size_t n;
        struct hull_version_key *key; /* n of them */
        uint32_t *made;               /* key[i] is read when made[i] == gen */
        uint32_t gen;                 /* of this evaluation: never 0 */
        const uint64_t *hint;         /* per listed version, its equality hint; NULL */
};

static const struct hull_version_key *item_key(struct items *x, size_t i,
                                               enum hull_version_scheme s) {
        if (x->made[i] != x->gen) {
                hull_version_key_init(&x->key[i], s, x->it[i].value, x->it[i].len);
                x->made[i] = x->gen;
        }
        return &x->key[i];
}

static bool is_event(enum hull_vuln_tag t) {
        return t == HULL_VULN_TAG_INTRODUCED || t == HULL_VULN_TAG_FIXED ||
               t == HULL_VULN_TAG_LAST_AFFECTED || t == HULL_VULN_TAG_LIMIT;
}

static bool is_range(enum hull_vuln_tag t) {
        return t == HULL_VULN_TAG_RANGE_ECOSYSTEM || t == HULL_VULN_TAG_RANGE_SEMVER ||
               t == HULL_VULN_TAG_RANGE_GIT;
}

/* The order a range's events are in: SEMVER ranges are SemVer 2.0 (Go's
 * comparator for Go, which is SemVer with Go's "v" and pseudo-versions). */
static enum hull_version_scheme range_scheme(enum hull_version_scheme eco, enum hull_vuln_tag t) {
        if (t == HULL_VULN_TAG_RANGE_SEMVER)
                return eco == HULL_VERSION_GO ? HULL_VERSION_GO : HULL_VERSION_SEMVER;
        return eco;
}

/* Tie order of events at one version: introduced, last_affected, fixed, limit. */
static int tie_rank(enum hull_vuln_tag t) {
        switch (t) {
        case HULL_VULN_TAG_INTRODUCED: return 0;
        case HULL_VULN_TAG_LAST_AFFECTED: return 1;
        case HULL_VULN_TAG_FIXED: return 2;
        default: return 3;
        }
}

static bool is_zero(const struct hull_vuln_ranges_item *e) {
        return e->tag == HULL_VULN_TAG_INTRODUCED && strcmp(e->value, "0") == 0;
}

/* Whether event a comes after event b in the sorted event list. */
static bool later(struct items *x, enum hull_version_scheme s, size_t a, size_t b) {
        bool za = is_zero(&x->it[a]), zb = is_zero(&x->it[b]);
        int c = 0;

        if (za || zb)
                c = za && zb ? 0 : (za ? -1 : 1);
        else if (hull_version_key_cmp(item_key(x, a, s), item_key(x, b, s), &c) != 0)
                return false;
        if (c)
                return c > 0;
        return tie_rank(x->it[a].tag) > tie_rank(x->it[b].tag);
}

struct counts {
        unsigned skipped, unevaluated;
};

/* One ECOSYSTEM or SEMVER range: events x->it[b..e), version v valid in s. */
static bool range_affects(struct items *x, enum hull_version_scheme s, size_t b, size_t e,
                          struct vver *v, struct counts *cnt) {
        const struct hull_version_key *vk = vver_key(v, s);
        size_t best = SIZE_MAX;
        bool limited = false, below = false;
        int c = 0;

        for (size_t i = b; i < e; i++) {
                const struct hull_vuln_ranges_item *ev = &x->it[i];
                bool applies, zero = is_zero(ev);
                if (ev->tag == HULL_VULN_TAG_LIMIT && strchr(ev->value, '*')) {
                        limited = below = true; /* "*" is infinity */
                        continue;
                }
                /* v is valid in s: a comparison fails only on an invalid event */
                if (!zero && hull_version_key_cmp(vk, item_key(x, i, s), &c) != 0) {
                        cnt->skipped++;
                        continue;
                }
                if (ev->tag == HULL_VULN_TAG_LIMIT) {
                        limited = true;
                        below |= c < 0;
                        continue;
                }
                if (zero)
                        applies = true;
                else if (ev->tag == HULL_VULN_TAG_LAST_AFFECTED)
                        applies = c > 0;
                else
                        applies = c >= 0;
                if (applies && (best == SIZE_MAX || later(x, s, i, best)))
                        best = i;
        }
        if (limited && !below)
                return false;
        return best != SIZE_MAX && x->it[best].tag == HULL_VULN_TAG_INTRODUCED;
}

/* Listed version i equals v: in the ecosystem's order when both are
 * valid, else as strings (the same bytes are equal either way).  Versions
 * lists run to hundreds of entries, so their hints go first. */
static bool version_equal(struct items *x, size_t i, struct vver *v) {
        int c;

        if (x->hint) {
                if (!v->hinted) {
                        v->hint = hull_version_eq_hint(x->eco, v->v, v->len);
                        v->hinted = true;
                }
                if (x->hint[i] && v->hint && x->hint[i] != v->hint)
                        return false;
        }
        if (x->it[i].len == v->len && memcmp(x->it[i].value, v->v, v->len) == 0)
                return true;
        if (vver_valid(v, x->eco) &&
            hull_version_key_cmp(item_key(x, i, x->eco), vver_key(v, x->eco), &c) == 0)
                return c == 0;
        return false;
}

/* IsVulnerable over the items; *in_versions says whether a listed version
 * matched.  Items must be well formed (checked by the caller). */
static bool affects(struct items *x, struct vver *v, bool *in_versions, struct counts *cnt) {
        const struct hull_vuln_ranges_item *it = x->it;
        size_t n = x->n;
        bool hit = false;

        *in_versions = false;
        for (size_t i = 0; i < n && !hit; i++)
                if (it[i].tag == HULL_VULN_TAG_VERSION && version_equal(x, i, v))
                        *in_versions = hit = true;
        for (size_t i = 0; i < n;) {
                enum hull_vuln_tag t = it[i].tag;
                size_t k = i + 1;
                if (!is_range(t)) {
                        i++;
                        continue;
                }
                while (k < n && is_event(it[k].tag))
                        k++;
                if (t != HULL_VULN_TAG_RANGE_GIT) {
                        enum hull_version_scheme s = range_scheme(x->eco, t);
                        if (!vver_valid(v, s))
                                cnt->unevaluated++;
                        else if (!hit && range_affects(x, s, i + 1, k, v, cnt))
                                hit = true;
                }
                i = k;
        }
        return hit;
}

/* The smallest fixed event above v whose version the items do not mark
 * affected; NULL when none. */
static const char *smallest_fix(struct items *x, struct vver *v) {
        struct vver va, vb, *lower = v, *cand = &va;
        struct counts scratch = {0};

        /* each round moves lower up to the smallest fix above it: at most n rounds */
        for (size_t round = 0; round <= x->n; round++) {
                enum hull_vuln_tag rt = HULL_VULN_TAG_RANGE_ECOSYSTEM;
                size_t best = SIZE_MAX;
                bool in_versions;
                int c;
                for (size_t i = 0; i < x->n; i++) {
                        const struct hull_version_key *fk;
                        enum hull_version_scheme s;
                        if (is_range(x->it[i].tag))
                                rt = x->it[i].tag;
                        if (x->it[i].tag != HULL_VULN_TAG_FIXED || rt == HULL_VULN_TAG_RANGE_GIT)
                                continue;
                        s = range_scheme(x->eco, rt);
                        fk = item_key(x, i, s);
                        /* in the first round lower is v: one comparison does */
                        if (hull_version_key_cmp(fk, vver_key(lower, s), &c) != 0 || c <= 0 ||
                            (lower != v &&
                             (hull_version_key_cmp(fk, vver_key(v, s), &c) != 0 || c <= 0)))
                                continue;
                        if (best == SIZE_MAX ||
                            (hull_version_key_cmp(fk, vver_key(cand, s), &c) == 0 && c < 0)) {
                                best = i;
                                vver_init(cand, x->it[i].value);
                        }
                }
                if (best == SIZE_MAX)
                        return NULL;
                if (!affects(x, cand, &in_versions, &scratch))
                        return x->it[best].value;
                /* the candidate is the new lower bound; the old one is free */
                struct vver *free_vv = lower == v ? (cand == &va ? &vb : &va) : lower;
                lower = cand;
                cand = free_vv;
        }
        return NULL;
}

static int eval(struct items *x, struct vver *v, struct hull_vuln_verdict *ret) {
        struct hull_vuln_verdict out = {0};
        struct counts cnt = {0};
        bool in_range = false;

        /* events belong to the range before them; versions end an entry */
        for (size_t i = 0; i < x->n; i++) {
                if (is_range(x->it[i].tag))
                        in_range = true;
                else if (x->it[i].tag == HULL_VULN_TAG_VERSION)
                        in_range = false;
                else if (!is_event(x->it[i].tag) || !in_range)
                        return HULL_ECORRUPT;
        }
        out.affected = affects(x, v, &out.in_versions, &cnt);
        if (out.affected)
                out.fixed = smallest_fix(x, v);
        out.skipped = cnt.skipped;
        out.unevaluated = cnt.unevaluated;
        *ret = out;
        return HULL_OK;
}

int hull_vuln_eval(enum hull_version_scheme scheme, const struct hull_vuln_ranges_item *items,
                   size_t n, const char *v, struct hull_vuln_verdict *ret) {
        struct hull_vuln_ranges_item *copy = new (struct hull_vuln_ranges_item, n ? n : 1);
        struct items x = {.eco = scheme, .it = copy, .n = n, .gen = 1};
        struct vver vv;
        int r = HULL_ENOMEM;

        x.key = new (struct hull_version_key, n ? n : 1);
        x.made = new0(uint32_t, n ? n : 1);
        if (copy && x.key && x.made) {
                for (size_t i = 0; i < n; i++) {
                        copy[i] = items[i];
                        copy[i].len = strlen(items[i].value);
                }
                vver_init(&vv, v);
                r = eval(&x, &vv, ret);
        }
        hull_free(copy);
        hull_free(x.key);
        hull_free(x.made);
        return r;
}

/* ---- string maps ---- */

/* Open addressing from a byte string to a pointer; keys and values are
 * the caller's (they must outlive the map). */
struct smap {
        struct smap_slot {
                const char *k;
                size_t kn;
                uint64_t h;
                void *v;
        } * slot;
        size_t mask, n;
};

static uint64_t hash_bytes(const char *s, size_t n) {
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
        return h;
}

static void smap_release(struct smap *m) {
        hull_free(m->slot);
        *m = (struct smap){0};
}

static struct smap_slot *smap_find(const struct smap *m, const char *k, size_t kn, uint64_t h) {
        if (!m->slot)
                return NULL;
        for (size_t i = h & m->mask;; i = (i + 1) & m->mask) {
                struct smap_slot *s = &m->slot[i];
                if (!s->k)
                        return s;
                if (s->h == h && s->kn == kn && memcmp(s->k, k, kn) == 0)
                        return s;
        }
}

static void *smap_get(const struct smap *m, const char *k, size_t kn, uint64_t h) {
        struct smap_slot *s = smap_find(m, k, kn, h);

        return s && s->k ? s->v : NULL;
}

/* k[0..kn) must not be in m yet. */
static int smap_put(struct smap *m, const char *k, size_t kn, uint64_t h, void *v) {
        if (2 * (m->n + 1) > (m->slot ? m->mask + 1 : 0)) {
                size_t size = m->slot ? 2 * (m->mask + 1) : 64;
                struct smap grown = {.slot = hull_calloc(size, sizeof(*grown.slot)),
                                     .mask = size - 1};
                if (!grown.slot)
                        return HULL_ENOMEM;
                for (size_t i = 0; m->slot && i <= m->mask; i++)
                        if (m->slot[i].k)
                                *smap_find(&grown, m->slot[i].k, m->slot[i].kn, m->slot[i].h) =
                                        m->slot[i];
                grown.n = m->n;
                hull_free(m->slot);
                *m = grown;
        }
        *smap_find(m, k, kn, h) = (struct smap_slot){.k = k, .kn = kn, .h = h, .v = v};
        m->n++;
        return HULL_OK;
}

/* ---- matching ---- */

/* One record as a lookup (ecosystem, release, name) finds it: the ranges
 * of its rows that apply to the release, concatenated and read into items
 * once for every package of the list that makes the same lookup. */
struct crec {
        const char *id;      /* as the rows were grouped (cut as before) */
        int64_t rid;         /* of its first row */
        const char *urgency; /* of the first row that has one, cut to 63 bytes; NULL */
        struct hull_vuln_ranges_item *items;
        size_t n;
        bool damaged;       /* the ranges cannot be read */
        bool hinted;        /* hint_record() ran */
        uint64_t *hint;     /* hull_version_eq_hint() of its listed versions; NULL */
        const char *out_id; /* copies in the caller's arena, made on the first match */
        const char *out_urgency;
};

/* The verdicts of one lookup for one version (packages of a list repeat:
 * a lock file's package at one version, an SBOM of several images). */
struct cresult {
        struct cmatch {
                struct crec *rec;
                const char *fixed; /* in the caller's arena; NULL */
        } * v;
        size_t n, cap;
        size_t skipped, damaged;
};

struct centry {
        struct crec *recs;
        size_t n, cap;
        struct smap results; /* version -> struct cresult */
};

struct mchunk {
        struct mchunk *next;
        size_t n;
        struct hull_vuln_match v[448]; /* about 60 KiB */
};

struct mctx {
        struct hull_vuln_db *db;
        struct hull_arena *a; /* the caller's: matches */
        struct hull_arena c;  /* the caches' */
        struct hull_diag *d;
        struct hull_vuln_matches *out;
        const struct hull_vuln_ecosystem *eco;
        size_t pkg;                 /* package index */
        struct hull_vuln_match *pk; /* the package's matches (heap) */
        size_t pk_n, pk_cap;
        struct mchunk *head, *tail; /* the matches of the packages before */
        size_t total;
        const char *release; /* canonical; NULL */
        struct vver version; /* compared */
        bool by_source;
        struct smap lookups;           /* lookup key -> struct centry */
        struct hull_buf key;           /* a lookup key being built */
        struct hull_version_key *keys; /* for eval: items' keys */
        uint32_t *made;                /* generations (struct items) */
        uint32_t gen;
        size_t keys_cap;
        struct hull_vuln_ranges_item *scratch; /* a record's items being read */
        size_t scratch_cap;
        /* the record being gathered from the rows of a lookup */
        struct centry *ce;
        bool open;
        char id[HULL_MAX_OSV_ID_BYTES + 1];
        char urgency[64];
        bool has_urgency;
        int64_t rid;
        struct hull_buf blob;
        int err;
};

static int oom(struct mctx *c) {
        return c->err = hull_diag_set(c->d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
}

static bool release_applies(struct mctx *c, const char *rel) {
        char buf[256];

        if (!rel)
                return true;
        if (!c->release)
                return false;
        if (strcmp(rel, c->release) == 0)
                return true;
        /* only Alpine and Ubuntu releases have other spellings */
        if (c->eco->name[0] != 'A' && c->eco->name[0] != 'U')
                return false;
        return strcmp(hull_vuln_release_canonical(c->eco, rel, buf, sizeof(buf)), c->release) == 0;
}

/* Keep the gathered record in the lookup's entry: its ranges read into
 * items (a blob that cannot be read makes a damaged record). */
static int close_record(struct mctx *c) {
        struct hull_vuln_ranges_iter it;
        struct crec *r;
        size_t n = 0;
        int k;

        if (!c->open)
                return HULL_OK;
        c->open = false;
        r = hull_arena_push(&c->c, (void **)&c->ce->recs, &c->ce->n, &c->ce->cap, sizeof(*r));
        if (r)
                r->rid = c->rid;
        if (!r || !(r->id = hull_arena_strdup(&c->c, c->id)) ||
            (c->has_urgency && !(r->urgency = hull_arena_strdup(&c->c, c->urgency))))
                return oom(c);
        /* items pointing into a copy of the blob, read into the scratch
         * list and then copied */
        char *blob = hull_arena_alloc(&c->c, c->blob.len + 1);
        if (!blob)
                return oom(c);
        if (c->blob.len)
                memcpy(blob, c->blob.data, c->blob.len);
        hull_vuln_ranges_init(&it, blob, c->blob.len);
        for (;;) {
                if (n == c->scratch_cap) {
                        size_t cap = c->scratch_cap ? 2 * c->scratch_cap : 256;
                        void *p = hull_realloc(c->scratch, cap * sizeof(*c->scratch));
                        if (!p)
                                return oom(c);
                        c->scratch = p;
                        c->scratch_cap = cap;
                }
                k = hull_vuln_ranges_next(&it, &c->scratch[n]);
                if (k <= 0)
                        break;
                n++;
        }
        if (k < 0) {
                r->damaged = true;
                return HULL_OK;
        }
        r->items = hull_arena_alloc(&c->c, (n ? n : 1) * sizeof(*r->items));
        if (!r->items)
                return oom(c);
        if (n)
                memcpy(r->items, c->scratch, n * sizeof(*r->items));
        for (size_t i = 0; i < n; i++) /* a damaged blob may hold a NUL */
                r->items[i].len = strlen(r->items[i].value);
        r->n = n;
        return HULL_OK;
}

/* The hints of a record's listed versions, the first time it is
 * evaluated: each evaluation then compares most of them as numbers. */
static int hint_record(struct mctx *c, struct crec *r) {
        size_t nv = 0;

        r->hinted = true;
        for (size_t i = 0; i < r->n; i++)
                nv += r->items[i].tag == HULL_VULN_TAG_VERSION;
        if (nv < 4) /* not worth it */
                return HULL_OK;
        r->hint = hull_arena_alloc(&c->c, r->n * sizeof(*r->hint));
        if (!r->hint)
                return oom(c);
        for (size_t i = 0; i < r->n; i++)
                r->hint[i] = r->items[i].tag == HULL_VULN_TAG_VERSION
                                     ? hull_version_eq_hint(c->eco->scheme, r->items[i].value,
                                                            r->items[i].len)
                                     : 0;
        return HULL_OK;
}

/* s into buf, cut to size - 1 bytes (what snprintf "%s" did here) */
static void copy_cut(char *buf, size_t size, const char *s) {
        size_t n = strnlen(s, size - 1);

        memcpy(buf, s, n);
        buf[n] = '\0';
}

/* Rows come in (id, idx) order: a record's rows that apply to the release
 * are gathered, and kept when the next record starts. */
static int on_row(void *ud, const struct hull_vuln_db_affected *row) {
        struct mctx *c = ud;

        if (c->open && strcmp(c->id, row->id) != 0 && close_record(c) != HULL_OK)
                return c->err;
        if (!release_applies(c, row->release))
                return HULL_OK;
        if (!c->open) {
                copy_cut(c->id, sizeof(c->id), row->id);
                c->rid = row->rid;
                hull_buf_reset(&c->blob);
                c->has_urgency = false;
                c->open = true;
        }
        if (row->urgency && !c->has_urgency) {
                copy_cut(c->urgency, sizeof(c->urgency), row->urgency);
                c->has_urgency = true;
        }
        if (row->ranges_len && hull_buf_put(&c->blob, row->ranges, row->ranges_len) != HULL_OK)
                return oom(c);
        return HULL_OK;
}

/* The entry of lookup (ecosystem, release, name), read from the database
 * the first time. */
static int get_entry(struct mctx *c, const char *name, struct centry **ret) {
        char sbuf[256];
        size_t n = strlen(name);
        _cleanup_free_ char *heap = n < sizeof(sbuf) ? NULL : hull_malloc(n + 1);
        char *norm = heap ? heap : sbuf;
        struct centry *ce = NULL;
        int r;

        if (n >= sizeof(sbuf) && !heap)
                return oom(c);
        /* the database normalises names too: one entry per spelling it folds */
        n = hull_vuln_name_normalize(c->eco->name, name, n, norm);
        hull_buf_reset(&c->key);
        if (hull_buf_puts(&c->key, c->eco->name) != HULL_OK || hull_buf_putc(&c->key, '\0') ||
            hull_buf_putc(&c->key, c->release ? 'r' : '-') ||
            (c->release && hull_buf_puts(&c->key, c->release)) || hull_buf_putc(&c->key, '\0') ||
            hull_buf_put(&c->key, norm, n))
                return oom(c);
        uint64_t h = hash_bytes(c->key.data, c->key.len);
        ce = smap_get(&c->lookups, c->key.data, c->key.len, h);
        if (ce) {
                *ret = ce;
                return HULL_OK;
        }
        char *k = hull_arena_alloc(&c->c, c->key.len);
        ce = hull_arena_alloc0(&c->c, sizeof(*ce));
        if (!k || !ce)
                return oom(c);
        memcpy(k, c->key.data, c->key.len);
        c->ce = ce;
        c->open = false;
        r = hull_vuln_db_lookup_match(c->db, c->eco->name, c->release, name, on_row, c, c->d);
        if (r == HULL_OK)
                r = close_record(c);
        c->open = false;
        if (r != HULL_OK)
                return r;
        if (smap_put(&c->lookups, k, c->key.len, h, ce) != HULL_OK)
                return oom(c);
        *ret = ce;
        return HULL_OK;
}

/* A new generation for the items' keys; the flags are cleared when the
 * counter wraps, so a stale flag never passes for a fresh one. */
static uint32_t next_gen(struct mctx *c) {
        if (++c->gen == 0) {
                memset(c->made, 0, c->keys_cap * sizeof(*c->made));
                c->gen = 1;
        }
        return c->gen;
}

/* The verdicts of entry ce for the package's version, evaluated the first
 * time: each record's items against the version, in record order. */
static int get_result(struct mctx *c, struct centry *ce, struct cresult **ret) {
        const char *v = c->version.v;
        size_t vn = c->version.len;
        uint64_t h = hash_bytes(v, vn);
        struct cresult *res = smap_get(&ce->results, v, vn, h);
        char *k;

        if (res) {
                *ret = res;
                return HULL_OK;
        }
        res = hull_arena_alloc0(&c->c, sizeof(*res));
        k = hull_arena_strndup(&c->c, v, vn);
        if (!res || !k)
                return oom(c);
        for (size_t i = 0; i < ce->n; i++) {
                struct crec *rec = &ce->recs[i];
                struct hull_vuln_verdict vd;
                if (rec->damaged) {
                        res->damaged++;
                        continue;
                }
                if (rec->n > c->keys_cap) {
                        size_t cap = rec->n > 2 * c->keys_cap ? rec->n : 2 * c->keys_cap;
                        hull_free(c->keys);
                        hull_free(c->made);
                        c->keys = new (struct hull_version_key, cap);
                        c->made = new0(uint32_t, cap);
                        c->gen = 0;
                        c->keys_cap = c->keys && c->made ? cap : 0;
                        if (!c->keys_cap)
                                return oom(c);
                }
                if (!rec->hinted)
                        HULL_TRY(hint_record(c, rec));
                struct items x = {.eco = c->eco->scheme,
                                  .it = rec->items,
                                  .n = rec->n,
                                  .key = c->keys,
                                  .made = c->made,
                                  .gen = next_gen(c),
                                  .hint = rec->hint};
                if (eval(&x, &c->version, &vd) != HULL_OK) {
                        res->damaged++;
                        continue;
                }
                res->skipped += vd.skipped;
                if (!vd.affected)
                        continue;
                struct cmatch *m =
                        hull_arena_push(&c->c, (void **)&res->v, &res->n, &res->cap, sizeof(*m));
                if (!m)
                        return oom(c);
                m->rec = rec;
                if (vd.fixed && !(m->fixed = hull_arena_strdup(c->a, vd.fixed)))
                        return oom(c);
        }
        if (smap_put(&ce->results, k, vn, h, res) != HULL_OK)
                return oom(c);
        *ret = res;
        return HULL_OK;
}

/* A match at the end of the package's, which then go to the chunks (at
 * the end, all of them into one array of the caller's arena: no array
 * doubling and copying while 100,000 matches pile up). */
static struct hull_vuln_match *push_match(struct mctx *c) {
        if (c->pk_n == c->pk_cap) {
                size_t cap = c->pk_cap ? 2 * c->pk_cap : 64;
                void *p = hull_realloc(c->pk, cap * sizeof(*c->pk));
                if (!p)
                        return NULL;
                c->pk = p;
                c->pk_cap = cap;
        }
        return &c->pk[c->pk_n++];
}

static int keep_package_matches(struct mctx *c) {
        for (size_t i = 0; i < c->pk_n;) {
                struct mchunk *k = c->tail;
                if (!k || k->n == ELEMENTSOF(k->v)) {
                        k = hull_arena_alloc(&c->c, sizeof(*k));
                        if (!k)
                                return oom(c);
                        k->next = NULL;
                        k->n = 0;
                        *(c->tail ? &c->tail->next : &c->head) = k;
                        c->tail = k;
                }
                size_t n = c->pk_n - i < ELEMENTSOF(k->v) - k->n ? c->pk_n - i
                                                                 : ELEMENTSOF(k->v) - k->n;
                memcpy(&k->v[k->n], &c->pk[i], n * sizeof(*k->v));
                k->n += n;
                i += n;
        }
        c->total += c->pk_n;
        c->pk_n = 0;
        return HULL_OK;
}

/* second: the package's second lookup (Red Hat), which can find a record
 * the first found; within one lookup a record comes once (rows are grouped
 * by id, in id order), so only the match before can repeat it. */
static int lookup(struct mctx *c, const char *name, bool second) {
        struct centry *ce = NULL;
        struct cresult *res = NULL;
        size_t start = c->pk_n;

        c->out->stats.lookups++;
        HULL_TRY(get_entry(c, name, &ce));
        HULL_TRY(get_result(c, ce, &res));
        c->out->stats.skipped_events += res->skipped;
        c->out->stats.damaged_rows += res->damaged;
        for (size_t k = 0; k < res->n; k++) {
                struct crec *rec = res->v[k].rec;
                bool seen = false;
                for (size_t i = second ? 0 : (c->pk_n > start ? c->pk_n - 1 : c->pk_n);
                     i < c->pk_n && !seen; i++)
                        seen = strcmp(c->pk[i].id, rec->id) == 0;
                if (seen)
                        continue;
                if ((!rec->out_id && !(rec->out_id = hull_arena_strdup(c->a, rec->id))) ||
                    (rec->urgency && !rec->out_urgency &&
                     !(rec->out_urgency = hull_arena_strdup(c->a, rec->urgency))))
                        return oom(c);
                struct hull_vuln_match *m = push_match(c);
                if (!m)
                        return oom(c);
                *m = (struct hull_vuln_match){
                        .pkg = c->pkg,
                        .by_source = c->by_source,
                        .id = rec->out_id,
                        .record = rec->rid,
                        .fixed = res->v[k].fixed,
                        .urgency = rec->out_urgency,
                        .score = -1,
                };
        }
        return HULL_OK;
}

static void lookups_release(struct mctx *c) {
        for (size_t i = 0; c->lookups.slot && i <= c->lookups.mask; i++)
                if (c->lookups.slot[i].k)
                        smap_release(&((struct centry *)c->lookups.slot[i].v)->results);
        smap_release(&c->lookups);
        hull_buf_release(&c->key);
        hull_buf_release(&c->blob);
        hull_free(c->keys);
        hull_free(c->made);
        hull_free(c->scratch);
        hull_free(c->pk);
        hull_arena_release(&c->c);
}

static int count_unknown(struct hull_vuln_matches *m, struct hull_arena *a, const char *eco,
                         size_t *cap) {
        struct hull_vuln_match_stats *st = &m->stats;
        struct hull_vuln_name_count *e;

        st->unknown++;
        for (size_t i = 0; i < st->n_unknown_ecosystems; i++)
                if (strcmp(st->unknown_ecosystems[i].name, eco) == 0) {
                        st->unknown_ecosystems[i].count++;
                        return HULL_OK;
                }
        e = hull_arena_push(a, (void **)&st->unknown_ecosystems, &st->n_unknown_ecosystems, cap,
                            sizeof(*e));
        if (!e || !(e->name = hull_arena_strdup(a, eco)))
                return HULL_ENOMEM;
        e->count = 1;
        return HULL_OK;
}

static int name_count_cmp(const void *a, const void *b) {
        return strcmp(((const struct hull_vuln_name_count *)a)->name,
                      ((const struct hull_vuln_name_count *)b)->name);
}

int hull_vuln_match(struct hull_vuln_db *db, const struct hull_vuln_package *pkgs, size_t n,
                    struct hull_arena *a, struct hull_vuln_matches *ret, struct hull_diag *d) {
        struct hull_vuln_matches out = {0};
        struct mctx c = {.db = db, .a = a, .d = d, .out = &out};
        struct hull_vuln_match *v = NULL;
        size_t ucap = 0;
        int r = HULL_OK;

        hull_buf_init(&c.blob, SIZE_MAX / 2);
        hull_buf_init(&c.key, SIZE_MAX / 2);
        hull_arena_init(&c.c, 0);
        out.stats.packages = n;
        for (size_t i = 0; i < n && r == HULL_OK; i++) {
                const struct hull_vuln_package *p = &pkgs[i];
                const struct hull_vuln_ecosystem *e =
                        p->ecosystem ? hull_vuln_ecosystem_find(p->ecosystem, strlen(p->ecosystem))
                                     : NULL;
                char rel[256];
                const char *name = p->name, *version = p->version;
                bool src;

                if (!e) {
                        if (count_unknown(&out, a, p->ecosystem ? p->ecosystem : "", &ucap))
                                r = hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                        continue;
                }
                if (!name || !version)
                        continue;
                src = p->source && *p->source && (e->flags & (SRC | BOTH));
                if (src && p->source_version && *p->source_version)
                        version = p->source_version;
                /* Go's standard library and toolchain: "go1.21.0" is 1.21.0 */
                if (strcmp(e->name, "Go") == 0 &&
                    (strcmp(name, "stdlib") == 0 || strcmp(name, "toolchain") == 0) &&
                    strncmp(version, "go", 2) == 0)
                        version += 2;
                vver_init(&c.version, version);
                if (!vver_valid(&c.version, e->scheme))
                        out.stats.invalid_version++;
                if ((e->flags & OS) && !(p->release && *p->release))
                        out.stats.no_release++;
                c.eco = e;
                c.pkg = i;
                c.release = p->release && *p->release
                                    ? hull_vuln_release_canonical(e, p->release, rel, sizeof(rel))
                                    : NULL;
                c.by_source = src && strcmp(p->source, name) != 0;
                r = lookup(&c, src ? p->source : name, false);
                if (r == HULL_OK && (e->flags & BOTH) && src && strcmp(p->source, name) != 0) {
                        c.by_source = false;
                        r = lookup(&c, name, true);
                }
                if (c.pk_n)
                        out.stats.matched_packages++;
                if (r == HULL_OK)
                        r = keep_package_matches(&c);
        }
        /* the chunks into one array */
        if (r == HULL_OK && c.total) {
                v = hull_arena_alloc(a, c.total * sizeof(*v));
                if (!v)
                        r = hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                for (struct mchunk *k = c.head; v && k; k = k->next) {
                        memcpy(v + out.n, k->v, k->n * sizeof(*v));
                        out.n += k->n;
                }
        }
        lookups_release(&c);
        out.v = v;
        out.cap = out.n;
        if (r != HULL_OK)
                return r;
        if (out.stats.n_unknown_ecosystems > 1)
                qsort(out.stats.unknown_ecosystems, out.stats.n_unknown_ecosystems,
                      sizeof(*out.stats.unknown_ecosystems), name_count_cmp);
        *ret = out;
        return HULL_OK;
}

/* ---- details ---- */

/* CVSS of one severity, scored once per record. */
struct sevc {
        signed char state; /* 0 not yet, -1 not CVSS v3/v4 or unreadable, 1 read */
        bool v4;
        enum hull_vuln_severity severity;
        int score;
};

/* A record's details, read once per run (struct hull_vuln_db_record_info),
 * with what every match of it shares. */
struct rinfo {
        struct hull_vuln_db_record_info db;
        const char **aliases; /* CVE ids first, then the others */
        struct sevc *rec_c;   /* per db.severity */
        struct sevc **aff_c;  /* per db.affected[i].severity */
};

static bool is_cve(const char *s) {
        return strncmp(s, "CVE-", 4) == 0;
}

static enum hull_vuln_severity from_rating(enum hull_cvss_rating r) {
        switch (r) {
        case HULL_CVSS_RATING_NONE: return HULL_VULN_SEV_NONE;
        case HULL_CVSS_RATING_LOW: return HULL_VULN_SEV_LOW;
        case HULL_CVSS_RATING_MEDIUM: return HULL_VULN_SEV_MEDIUM;
        case HULL_CVSS_RATING_HIGH: return HULL_VULN_SEV_HIGH;
        case HULL_CVSS_RATING_CRITICAL: return HULL_VULN_SEV_CRITICAL;
        default: return HULL_VULN_SEV_UNKNOWN;
        }
}

static int get_record(struct hull_vuln_db *db, struct smap *rc, const char *id, int64_t rid,
                      struct hull_arena *a, struct rinfo **ret, struct hull_diag *d) {
        size_t n = strlen(id), k = 0;
        uint64_t h = hash_bytes(id, n);
        struct rinfo *ri = smap_get(rc, id, n, h);
        int r;

        if (ri) {
                *ret = ri;
                return HULL_OK;
        }
        ri = hull_arena_alloc0(a, sizeof(*ri));
        if (!ri)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        r = hull_vuln_db_record_info(db, id, rid, a, &ri->db, d);
        if (r == HULL_ENOTFOUND)
                r = HULL_ECORRUPT; /* the database holds what import accepted */
        if (r != HULL_OK)
                return r;
        ri->aliases = hull_arena_alloc(a, (ri->db.n_aliases + 1) * sizeof(*ri->aliases));
        ri->rec_c = hull_arena_alloc0(a, (ri->db.n_severity + 1) * sizeof(*ri->rec_c));
        ri->aff_c = hull_arena_alloc0(a, (ri->db.n_affected + 1) * sizeof(*ri->aff_c));
        if (!ri->aliases || !ri->rec_c || !ri->aff_c)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < ri->db.n_aliases; i++)
                        if (is_cve(ri->db.aliases[i]) == (pass == 0))
                                ri->aliases[k++] = ri->db.aliases[i];
        ri->aliases[k] = NULL;
        for (size_t i = 0; i < ri->db.n_affected; i++) {
                ri->aff_c[i] = hull_arena_alloc0(a, (ri->db.affected[i].n_severity + 1) *
                                                            sizeof(*ri->aff_c[i]));
                if (!ri->aff_c[i])
                        return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        }
        if (smap_put(rc, id, n, h, ri) != HULL_OK)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        *ret = ri;
        return HULL_OK;
}

/* A label to a severity; UNKNOWN for labels that say nothing. */
static enum hull_vuln_severity from_label(const char *s) {
        static const struct {
                const char *label;
                enum hull_vuln_severity sev;
        } map[] = {
                {"unimportant", HULL_VULN_SEV_LOW}, /* Debian: no security impact in Debian */
                {"negligible", HULL_VULN_SEV_LOW},  /* Ubuntu */
                {"low", HULL_VULN_SEV_LOW},
                {"moderate", HULL_VULN_SEV_MEDIUM}, /* GitHub */
                {"medium", HULL_VULN_SEV_MEDIUM},
                {"high", HULL_VULN_SEV_HIGH},
                {"important", HULL_VULN_SEV_HIGH}, /* Red Hat */
                {"critical", HULL_VULN_SEV_CRITICAL},
        };
        size_t n;

        if (!s)
                return HULL_VULN_SEV_UNKNOWN;
        /* the Debian tracker marks uncertain urgencies with '*' ("low**") */
        n = strcspn(s, "*");
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (strlen(map[i].label) == n && strncasecmp(map[i].label, s, n) == 0)
                        return map[i].sev;
        return HULL_VULN_SEV_UNKNOWN;
}

/* The severity[] lists of the affected[] entries of a record that name the
 * package in its release, then the record's own. */
#define SEV_LISTS 32
struct sevlists {
        const struct hull_osv_severity *v[SEV_LISTS];
        struct sevc *c[SEV_LISTS];
        size_t n[SEV_LISTS];
        size_t k;
};

static bool same_name(const char *eco, const char *a, const char *b) {
        char x[512], y[512];
        size_t na = strlen(a), nb = strlen(b);

        if (strcmp(eco, "PyPI") != 0 || na >= sizeof(x) || nb >= sizeof(y))
                return strcmp(a, b) == 0;
        hull_vuln_name_normalize(eco, a, na, x);
        hull_vuln_name_normalize(eco, b, nb, y);
        return strcmp(x, y) == 0;
}

static void gather(struct sevlists *L, const struct rinfo *ri, const struct hull_vuln_ecosystem *e,
                   const char *release, const char *name) {
        const struct hull_vuln_db_record_info *r = &ri->db;

        L->k = 0;
        for (size_t i = 0; i < r->n_affected && L->k + 1 < ELEMENTSOF(L->v); i++) {
                const struct hull_vuln_db_severities *af = &r->affected[i];
                const char *rel;
                char b1[256], b2[256];
                size_t bl;
                if (!af->ecosystem || !af->n_severity)
                        continue;
                hull_vuln_ecosystem_split(af->ecosystem, &bl, &rel);
                if (bl != strlen(e->name) || strncmp(af->ecosystem, e->name, bl) != 0 ||
                    !same_name(e->name, af->name, name))
                        continue;
                if (rel && (!release ||
                            strcmp(hull_vuln_release_canonical(e, rel, b1, sizeof(b1)),
                                   hull_vuln_release_canonical(e, release, b2, sizeof(b2))) != 0))
                        continue;
                L->v[L->k] = af->severity;
                L->c[L->k] = ri->aff_c[i];
                L->n[L->k++] = af->n_severity;
        }
        L->v[L->k] = r->severity;
        L->c[L->k] = ri->rec_c;
        L->n[L->k++] = r->n_severity;
}

/* The CVSS of s (a v3.x or v4.0 vector), read and scored the first time. */
static const struct sevc *cvss_of(const struct hull_osv_severity *s, struct sevc *c) {
        struct hull_cvss cv;
        struct hull_cvss_scores sc;

        if (c->state)
                return c;
        c->state = -1;
        if ((s->type == HULL_OSV_SEVERITY_CVSS_V3 || s->type == HULL_OSV_SEVERITY_CVSS_V4) &&
            hull_cvss_parse(s->score, strlen(s->score), HULL_CVSS_ANY_ORDER, &cv, NULL) ==
                    HULL_OK) {
                hull_cvss_score(&cv, &sc);
                c->state = 1;
                c->v4 = cv.version == HULL_CVSS_V4_0;
                c->severity = from_rating(sc.base_rating);
                c->score = sc.base;
        }
        return c;
}

static void set_severity(struct hull_vuln_match *m, const struct rinfo *ri,
                         const struct sevlists *L) {
        for (int pass = 0; pass < 2; pass++)
                for (size_t l = 0; l < L->k; l++)
                        for (size_t i = 0; i < L->n[l]; i++) {
                                const struct hull_osv_severity *s = &L->v[l][i];
                                const struct sevc *c = cvss_of(s, &L->c[l][i]);
                                /* v4.0 first, then v3.x */
                                if (c->state < 0 || (pass == 0) != c->v4)
                                        continue;
                                m->severity = c->severity;
                                m->score = c->score;
                                m->vector = s->score;
                                m->severity_source =
                                        c->v4 ? HULL_VULN_SRC_CVSS_V4 : HULL_VULN_SRC_CVSS_V3;
                                return;
                        }
        if (from_label(m->urgency) != HULL_VULN_SEV_UNKNOWN) {
                m->severity = from_label(m->urgency);
                m->severity_source = HULL_VULN_SRC_DEBIAN_URGENCY;
                m->vector = m->urgency;
                return;
        }
        if (from_label(ri->db.severity_label) != HULL_VULN_SEV_UNKNOWN) {
                m->severity = from_label(ri->db.severity_label);
                m->severity_source = HULL_VULN_SRC_GITHUB;
                m->vector = ri->db.severity_label;
                return;
        }
        for (size_t l = 0; l < L->k; l++)
                for (size_t i = 0; i < L->n[l]; i++)
                        if (L->v[l][i].type == HULL_OSV_SEVERITY_UBUNTU &&
                            from_label(L->v[l][i].score) != HULL_VULN_SEV_UNKNOWN) {
                                m->severity = from_label(L->v[l][i].score);
                                m->severity_source = HULL_VULN_SRC_UBUNTU;
                                m->vector = L->v[l][i].score;
                                return;
                        }
        m->severity = HULL_VULN_SEV_UNKNOWN;
        m->severity_source = HULL_VULN_SRC_NONE;
        m->vector = NULL;
        m->score = -1;
}

int hull_vuln_match_details(struct hull_vuln_db *db, const struct hull_vuln_package *pkgs,
                            struct hull_vuln_matches *m, struct hull_arena *a,
                            struct hull_diag *d) {
        /* the matches of one record mostly share its id string (match.c
         * gives them one copy): a record by the id's address first */
        struct {
                const char *id;
                struct rinfo *ri;
        } *seen = hull_calloc(4096, sizeof(*seen));
        struct smap rc = {0};
        int r = HULL_OK;

        if (!seen)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < m->n && r == HULL_OK; i++) {
                struct hull_vuln_match *x = &m->v[i];
                const struct hull_vuln_package *p = &pkgs[x->pkg];
                const struct hull_vuln_ecosystem *e =
                        hull_vuln_ecosystem_find(p->ecosystem, strlen(p->ecosystem));
                struct rinfo *ri = NULL;
                struct sevlists L;

                size_t slot = ((uintptr_t)x->id >> 3) & 4095;
                if (seen[slot].id == x->id) {
                        ri = seen[slot].ri;
                } else {
                        r = get_record(db, &rc, x->id, x->record, a, &ri, d);
                        if (r != HULL_OK)
                                break;
                        seen[slot].id = x->id;
                        seen[slot].ri = ri;
                }
                /* every match of a record shares its lists and strings */
                x->aliases = ri->aliases;
                x->n_aliases = ri->db.n_aliases;
                x->related = ri->db.related;
                x->n_related = ri->db.n_related;
                x->summary = ri->db.summary;
                x->url = ri->db.url;
                x->modified = ri->db.modified;
                gather(&L, ri, e, p->release, x->by_source ? p->source : p->name);
                set_severity(x, ri, &L);
        }
        smap_release(&rc);
        hull_free(seen);
        return r;
}
