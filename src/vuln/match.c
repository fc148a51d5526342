/* match.c - packages against the OSV database (match.h has the rules).
 *
 * One indexed lookup per package name (two for Red Hat); the rows of one
 * record come together (the lookup orders them by id), so the ranges of
 * every entry of a record that applies to the package's release are
 * concatenated into one item list and evaluated once: OSV's IsVulnerable
 * is "any entry, any range, or any listed version", and the compact form
 * of several entries, one after the other, is exactly that union.
 *
 * A range is evaluated without sorting its events: the schema's loop over
 * sorted events leaves the state set by the last event that applies to the
 * version, so it is enough to find that greatest applicable event (version
 * order, then the tie order) in one pass.  That is also well defined for
 * Maven's non-transitive order, where a sort is not. */
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

static int vcmp(enum hull_version_scheme s, const char *a, const char *b, int *ret) {
        return hull_version_cmp(s, a, strlen(a), b, strlen(b), ret);
}

/* The version being evaluated, with its validity per scheme worked out at
 * most once: a record's items are evaluated against one version, and the
 * validity check (a full comparison with itself: two parses) used to run
 * once per record and again per range. */
struct vver {
        const char *v;
        size_t len;
        signed char valid[_HULL_VERSION_SCHEME_MAX]; /* -1 not known yet */
};

static void vver_init(struct vver *x, const char *v) {
        x->v = v;
        x->len = strlen(v);
        memset(x->valid, -1, sizeof(x->valid));
}

static bool vver_valid(struct vver *x, enum hull_version_scheme s) {
        if (s < 0 || s >= _HULL_VERSION_SCHEME_MAX)
                return false;
        if (x->valid[s] < 0)
                x->valid[s] = hull_version_valid(s, x->v, x->len);
        return x->valid[s];
}

/* vcmp(s, x, b) without measuring x again */
static int vvcmp(enum hull_version_scheme s, const struct vver *x, const char *b, int *ret) {
        return hull_version_cmp(s, x->v, x->len, b, strlen(b), ret);
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
static bool later(enum hull_version_scheme s, const struct hull_vuln_ranges_item *a,
                  const struct hull_vuln_ranges_item *b) {
        bool za = is_zero(a), zb = is_zero(b);
        int c = 0;

        if (za || zb)
                c = za && zb ? 0 : (za ? -1 : 1);
        else if (vcmp(s, a->value, b->value, &c) != 0)
                return false;
        if (c)
                return c > 0;
        return tie_rank(a->tag) > tie_rank(b->tag);
}

struct counts {
        unsigned skipped, unevaluated;
};

/* One ECOSYSTEM or SEMVER range: events ev[0..n), version v valid in s. */
static bool range_affects(enum hull_version_scheme s, const struct hull_vuln_ranges_item *ev,
                          size_t n, const struct vver *v, struct counts *cnt) {
        const struct hull_vuln_ranges_item *best = NULL;
        bool limited = false, below = false;
        int c;

        for (size_t i = 0; i < n; i++) {
                const struct hull_vuln_ranges_item *e = &ev[i];
                bool applies;
                if (e->tag == HULL_VULN_TAG_LIMIT && strchr(e->value, '*')) {
                        limited = below = true; /* "*" is infinity */
                        continue;
                }
                /* v is valid in s: a comparison fails only on an invalid event */
                if (!is_zero(e) && vvcmp(s, v, e->value, &c) != 0) {
                        cnt->skipped++;
                        continue;
                }
                if (e->tag == HULL_VULN_TAG_LIMIT) {
                        limited = true;
                        below |= c < 0;
                        continue;
                }
                if (is_zero(e))
                        applies = true;
                else if (e->tag == HULL_VULN_TAG_LAST_AFFECTED)
                        applies = c > 0;
                else
                        applies = c >= 0;
                if (applies && (!best || later(s, e, best)))
                        best = e;
        }
        if (limited && !below)
                return false;
        return best && best->tag == HULL_VULN_TAG_INTRODUCED;
}

static bool version_equal(enum hull_version_scheme s, const char *listed, const char *v,
                          bool v_valid) {
        int c;

        if (v_valid && vcmp(s, listed, v, &c) == 0)
                return c == 0;
        return strcmp(listed, v) == 0;
}

/* IsVulnerable over the items; *in_versions says whether a listed version
 * matched.  Items must be well formed (checked by the caller). */
static bool affects(enum hull_version_scheme eco, const struct hull_vuln_ranges_item *it, size_t n,
                    struct vver *v, bool *in_versions, struct counts *cnt) {
        bool hit = false;

        *in_versions = false;
        for (size_t i = 0; i < n; i++)
                if (it[i].tag == HULL_VULN_TAG_VERSION &&
                    version_equal(eco, it[i].value, v->v, vver_valid(v, eco)))
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
                        enum hull_version_scheme s = range_scheme(eco, t);
                        if (!vver_valid(v, s))
                                cnt->unevaluated++;
                        else if (!hit && range_affects(s, it + i + 1, k - i - 1, v, cnt))
                                hit = true;
                }
                i = k;
        }
        return hit;
}

/* The smallest fixed event above v whose version the items do not mark
 * affected; NULL when none. */
static const char *smallest_fix(enum hull_version_scheme eco,
                                const struct hull_vuln_ranges_item *it, size_t n, const char *v) {
        const char *lower = v;
        struct vver bv;
        struct counts scratch = {0};

        /* each round moves lower up to the smallest fix above it: at most n rounds */
        for (size_t round = 0; round <= n; round++) {
                const char *best = NULL;
                enum hull_vuln_tag rt = HULL_VULN_TAG_RANGE_ECOSYSTEM;
                bool in_versions;
                int c;
                for (size_t i = 0; i < n; i++) {
                        enum hull_version_scheme s;
                        if (is_range(it[i].tag))
                                rt = it[i].tag;
                        if (it[i].tag != HULL_VULN_TAG_FIXED || rt == HULL_VULN_TAG_RANGE_GIT)
                                continue;
                        s = range_scheme(eco, rt);
                        /* in the first round lower is v: one comparison does */
                        if (vcmp(s, it[i].value, lower, &c) != 0 || c <= 0 ||
                            (lower != v && (vcmp(s, it[i].value, v, &c) != 0 || c <= 0)))
                                continue;
                        if (!best || (vcmp(s, it[i].value, best, &c) == 0 && c < 0))
                                best = it[i].value;
                }
                if (!best)
                        return NULL;
                vver_init(&bv, best);
                if (!affects(eco, it, n, &bv, &in_versions, &scratch))
                        return best;
                lower = best;
        }
        return NULL;
}

static int eval(enum hull_version_scheme scheme, const struct hull_vuln_ranges_item *items,
                size_t n, struct vver *v, struct hull_vuln_verdict *ret) {
        struct hull_vuln_verdict out = {0};
        struct counts cnt = {0};
        bool in_range = false;

        /* events belong to the range before them; versions end an entry */
        for (size_t i = 0; i < n; i++) {
                if (is_range(items[i].tag))
                        in_range = true;
                else if (items[i].tag == HULL_VULN_TAG_VERSION)
                        in_range = false;
                else if (!is_event(items[i].tag) || !in_range)
                        return HULL_ECORRUPT;
        }
        out.affected = affects(scheme, items, n, v, &out.in_versions, &cnt);
        if (out.affected)
                out.fixed = smallest_fix(scheme, items, n, v->v);
        out.skipped = cnt.skipped;
        out.unevaluated = cnt.unevaluated;
        *ret = out;
        return HULL_OK;
}

int hull_vuln_eval(enum hull_version_scheme scheme, const struct hull_vuln_ranges_item *items,
                   size_t n, const char *v, struct hull_vuln_verdict *ret) {
        struct vver x;

        vver_init(&x, v);
        return eval(scheme, items, n, &x, ret);
}

/* ---- matching ---- */

struct mctx {
        struct hull_vuln_db *db;
        struct hull_arena *a;
        struct hull_diag *d;
        struct hull_vuln_matches *out;
        const struct hull_vuln_ecosystem *eco;
        size_t pkg, first;   /* package index; its first match in out */
        const char *release; /* canonical; NULL */
        struct vver version; /* compared */
        bool by_source;
        /* the record being gathered */
        bool open;
        char id[HULL_MAX_OSV_ID_BYTES + 1];
        char urgency[64];
        bool has_urgency;
        struct hull_buf blob;
        struct hull_vuln_ranges_item *items;
        size_t cap;
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

/* Evaluate the gathered record; append a match when it affects the package. */
static int flush(struct mctx *c) {
        struct hull_vuln_ranges_iter it;
        struct hull_vuln_verdict v;
        size_t n = 0;
        int r;

        if (!c->open)
                return HULL_OK;
        c->open = false;
        hull_vuln_ranges_init(&it, c->blob.data, c->blob.len);
        for (;;) {
                struct hull_vuln_ranges_item item;
                r = hull_vuln_ranges_next(&it, &item);
                if (r == 0)
                        break;
                if (r < 0) {
                        c->out->stats.damaged_rows++;
                        return HULL_OK;
                }
                if (n == c->cap) {
                        size_t ncap = c->cap ? c->cap * 2 : 64;
                        void *p = hull_realloc(c->items, ncap * sizeof(*c->items));
                        if (!p)
                                return oom(c);
                        c->items = p;
                        c->cap = ncap;
                }
                c->items[n++] = item;
        }
        if (eval(c->eco->scheme, c->items, n, &c->version, &v) != HULL_OK) {
                c->out->stats.damaged_rows++;
                return HULL_OK;
        }
        c->out->stats.skipped_events += v.skipped;
        if (!v.affected)
                return HULL_OK;
        /* Red Hat's second lookup can find a record again */
        for (size_t i = c->first; i < c->out->n; i++)
                if (strcmp(c->out->v[i].id, c->id) == 0)
                        return HULL_OK;
        struct hull_vuln_match *m =
                hull_arena_push(c->a, (void **)&c->out->v, &c->out->n, &c->out->cap, sizeof(*m));
        if (!m)
                return oom(c);
        m->pkg = c->pkg;
        m->by_source = c->by_source;
        m->id = hull_arena_strdup(c->a, c->id);
        m->fixed = v.fixed ? hull_arena_strdup(c->a, v.fixed) : NULL;
        m->urgency = c->has_urgency ? hull_arena_strdup(c->a, c->urgency) : NULL;
        m->score = -1;
        if (!m->id || (v.fixed && !m->fixed) || (c->has_urgency && !m->urgency))
                return oom(c);
        return HULL_OK;
}

static int on_row(void *ud, const struct hull_vuln_db_affected *row) {
        struct mctx *c = ud;

        if (c->open && strcmp(c->id, row->id) != 0 && flush(c) != HULL_OK)
                return c->err;
        if (!release_applies(c, row->release))
                return HULL_OK;
        if (!c->open) {
                snprintf(c->id, sizeof(c->id), "%s", row->id);
                hull_buf_reset(&c->blob);
                c->has_urgency = false;
                c->open = true;
        }
        if (row->urgency && !c->has_urgency) {
                snprintf(c->urgency, sizeof(c->urgency), "%s", row->urgency);
                c->has_urgency = true;
        }
        if (row->ranges_len && hull_buf_put(&c->blob, row->ranges, row->ranges_len) != HULL_OK)
                return oom(c);
        return HULL_OK;
}

static int lookup(struct mctx *c, const char *name) {
        int r;

        c->out->stats.lookups++;
        /* rows of other releases are left in the database (release_applies
         * still has the last word) */
        r = hull_vuln_db_lookup_release(c->db, c->eco->name, c->release, name, on_row, c, c->d);
        if (r == HULL_OK)
                r = flush(c);
        c->open = false;
        return r;
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
        size_t ucap = 0;
        int r = HULL_OK;

        hull_buf_init(&c.blob, SIZE_MAX / 2);
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
                c.first = out.n;
                c.release = p->release && *p->release
                                    ? hull_vuln_release_canonical(e, p->release, rel, sizeof(rel))
                                    : NULL;
                c.by_source = src && strcmp(p->source, name) != 0;
                r = lookup(&c, src ? p->source : name);
                if (r == HULL_OK && (e->flags & BOTH) && src && strcmp(p->source, name) != 0) {
                        c.by_source = false;
                        r = lookup(&c, name);
                }
                if (out.n > c.first)
                        out.stats.matched_packages++;
        }
        hull_buf_release(&c.blob);
        hull_free(c.items);
        if (r != HULL_OK)
                return r;
        if (out.stats.n_unknown_ecosystems > 1)
                qsort(out.stats.unknown_ecosystems, out.stats.n_unknown_ecosystems,
                      sizeof(*out.stats.unknown_ecosystems), name_count_cmp);
        *ret = out;
        return HULL_OK;
}

/* ---- details ---- */

/* Records read once per run: open addressing on the id. */
struct rcache {
        struct {
                const char *id;
                struct hull_osv_record *rec;
        } * slot;
        size_t mask;
};

static uint64_t hash(const char *s) {
        uint64_t h = 1469598103934665603ull; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char)*s) * 1099511628211ull;
        return h;
}

static int get_record(struct hull_vuln_db *db, struct rcache *rc, const char *id,
                      struct hull_arena *a, struct hull_arena *scratch,
                      struct hull_osv_record **ret, struct hull_diag *d) {
        size_t i = hash(id) & rc->mask;
        const char *json;
        size_t len;
        int r;

        while (rc->slot[i].id) {
                if (strcmp(rc->slot[i].id, id) == 0) {
                        *ret = rc->slot[i].rec;
                        return HULL_OK;
                }
                i = (i + 1) & rc->mask;
        }
        r = hull_vuln_db_record_json(db, id, scratch, &json, &len, d);
        if (r == HULL_OK)
                r = hull_osv_parse(json, len, id, a, ret, d);
        hull_arena_release(scratch);
        if (r == HULL_EPARSE || r == HULL_ELIMIT || r == HULL_ENOTFOUND || r == HULL_EUNSUPPORTED)
                r = HULL_ECORRUPT; /* the database holds what import accepted */
        if (r != HULL_OK)
                return r;
        rc->slot[i].id = id;
        rc->slot[i].rec = *ret;
        return HULL_OK;
}

static bool is_cve(const char *s) {
        return strncmp(s, "CVE-", 4) == 0;
}

static int set_aliases(struct hull_vuln_match *m, const struct hull_osv_record *r,
                       struct hull_arena *a) {
        size_t k = 0, nr = r->n_related + r->n_upstream;

        m->aliases = hull_arena_alloc(a, (r->n_aliases + 1) * sizeof(*m->aliases));
        m->related = hull_arena_alloc(a, (nr + 1) * sizeof(*m->related));
        if (!m->aliases || !m->related)
                return HULL_ENOMEM;
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < r->n_aliases; i++)
                        if (is_cve(r->aliases[i]) == (pass == 0))
                                m->aliases[k++] = r->aliases[i];
        m->n_aliases = k;
        k = 0;
        for (size_t i = 0; i < r->n_related; i++)
                m->related[k++] = r->related[i];
        for (size_t i = 0; i < r->n_upstream; i++)
                m->related[k++] = r->upstream[i];
        m->n_related = k;
        return HULL_OK;
}

static const char *first_line(const char *s, struct hull_arena *a) {
        size_t n;

        if (!s)
                return NULL;
        while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
                s++;
        n = strcspn(s, "\r\n");
        if (n > 200) {
                /* cut at a character boundary, and say so */
                n = 200;
                while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                        n--;
                char *o = hull_arena_alloc(a, n + 4);
                if (o) {
                        memcpy(o, s, n);
                        memcpy(o + n, "...", 4);
                }
                return o;
        }
        return n ? hull_arena_strndup(a, s, n) : NULL;
}

static const char *pick_url(const struct hull_osv_record *r) {
        for (size_t i = 0; i < r->n_references; i++)
                if (r->references[i].type == HULL_OSV_REFERENCE_ADVISORY)
                        return r->references[i].url;
        for (size_t i = 0; i < r->n_references; i++)
                if (r->references[i].type == HULL_OSV_REFERENCE_WEB)
                        return r->references[i].url;
        return r->n_references ? r->references[0].url : NULL;
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

static void gather(struct sevlists *L, const struct hull_osv_record *r,
                   const struct hull_vuln_ecosystem *e, const char *release, const char *name) {
        L->k = 0;
        for (size_t i = 0; i < r->n_affected && L->k + 1 < ELEMENTSOF(L->v); i++) {
                const struct hull_osv_affected *af = &r->affected[i];
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
                L->n[L->k++] = af->n_severity;
        }
        L->v[L->k] = r->severity;
        L->n[L->k++] = r->n_severity;
}

static void set_severity(struct hull_vuln_match *m, const struct hull_osv_record *r,
                         const struct sevlists *L) {
        for (int pass = 0; pass < 2; pass++)
                for (size_t l = 0; l < L->k; l++)
                        for (size_t i = 0; i < L->n[l]; i++) {
                                const struct hull_osv_severity *s = &L->v[l][i];
                                struct hull_cvss c;
                                struct hull_cvss_scores sc;
                                if (s->type != HULL_OSV_SEVERITY_CVSS_V3 &&
                                    s->type != HULL_OSV_SEVERITY_CVSS_V4)
                                        continue;
                                if (hull_cvss_parse(s->score, strlen(s->score), HULL_CVSS_ANY_ORDER,
                                                    &c, NULL) != HULL_OK)
                                        continue;
                                /* v4.0 first, then v3.x */
                                if ((pass == 0) != (c.version == HULL_CVSS_V4_0))
                                        continue;
                                hull_cvss_score(&c, &sc);
                                m->severity = from_rating(sc.base_rating);
                                m->score = sc.base;
                                m->vector = s->score;
                                m->severity_source = c.version == HULL_CVSS_V4_0
                                                             ? HULL_VULN_SRC_CVSS_V4
                                                             : HULL_VULN_SRC_CVSS_V3;
                                return;
                        }
        if (from_label(m->urgency) != HULL_VULN_SEV_UNKNOWN) {
                m->severity = from_label(m->urgency);
                m->severity_source = HULL_VULN_SRC_DEBIAN_URGENCY;
                m->vector = m->urgency;
                return;
        }
        if (from_label(r->severity_label) != HULL_VULN_SEV_UNKNOWN) {
                m->severity = from_label(r->severity_label);
                m->severity_source = HULL_VULN_SRC_GITHUB;
                m->vector = r->severity_label;
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
        struct hull_arena scratch = HULL_ARENA_INIT;
        struct rcache rc;
        size_t size = 16;
        int r = HULL_OK;

        while (size < m->n * 2)
                size *= 2;
        rc.slot = hull_calloc(size, sizeof(*rc.slot));
        rc.mask = size - 1;
        if (!rc.slot)
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < m->n && r == HULL_OK; i++) {
                struct hull_vuln_match *x = &m->v[i];
                const struct hull_vuln_package *p = &pkgs[x->pkg];
                const struct hull_vuln_ecosystem *e =
                        hull_vuln_ecosystem_find(p->ecosystem, strlen(p->ecosystem));
                struct hull_osv_record *rec;
                struct sevlists L;
                char tm[HULL_OSV_TIME_TEXT];

                r = get_record(db, &rc, x->id, a, &scratch, &rec, d);
                if (r != HULL_OK)
                        break;
                if (set_aliases(x, rec, a) != HULL_OK) {
                        r = hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                        break;
                }
                x->summary =
                        rec->summary && *rec->summary ? rec->summary : first_line(rec->details, a);
                x->url = pick_url(rec);
                x->modified = hull_arena_strdup(a, hull_osv_time_format(&rec->modified, tm));
                gather(&L, rec, e, p->release, x->by_source ? p->source : p->name);
                set_severity(x, rec, &L);
        }
        hull_free(rc.slot);
        hull_arena_release(&scratch);
        return r;
}
