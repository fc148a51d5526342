/* test_match.c - matching packages against OSV records (src/vuln/match.c).
 *
 * First the range semantics, table-driven on hull_vuln_eval(): every event
 * kind, the tie order, last_affected, limits (and "*"), versions lists
 * (equality in the ecosystem's order, exact strings otherwise), GIT
 * ranges, events invalid in their order, the fixed version chosen.  Then
 * the whole engine on a database imported from tests/data/osv/match
 * (hand-written records): releases, source names, Alpine origins, Red Hat's
 * two names, withdrawn records, unknown ecosystems, the severity chosen and
 * its source, aliases with CVEs first. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "t.h"
#include "tutil.h"
#include "vuln/db.h"
#include "vuln/match.h"
#include "vuln/purl.h"
#include "vuln/version.h"

#define DATA HULL_SRCDIR "/tests/data/osv/match"
#define NOW 1767225600 /* 2026-01-01T00:00:00Z */

/* ---- hull_vuln_eval, table-driven ---- */

/* Items from a spec: "E", "S", "G" start a range; "i=V", "f=V", "l=V",
 * "m=V" are events; "v=V" a versions[] entry.  Space-separated. */
static size_t items(const char *spec, struct hull_vuln_ranges_item *out, size_t max, char *store) {
        size_t n = 0;
        char *s = strcpy(store, spec);

        for (char *tok = strtok(s, " "); tok && n < max; tok = strtok(NULL, " ")) {
                struct hull_vuln_ranges_item *it = &out[n++];
                it->value = tok[1] == '=' ? tok + 2 : "";
                it->len = strlen(it->value);
                switch (tok[0]) {
                case 'E': it->tag = HULL_VULN_TAG_RANGE_ECOSYSTEM; break;
                case 'S': it->tag = HULL_VULN_TAG_RANGE_SEMVER; break;
                case 'G': it->tag = HULL_VULN_TAG_RANGE_GIT; break;
                case 'i': it->tag = HULL_VULN_TAG_INTRODUCED; break;
                case 'f': it->tag = HULL_VULN_TAG_FIXED; break;
                case 'l': it->tag = HULL_VULN_TAG_LAST_AFFECTED; break;
                case 'm': it->tag = HULL_VULN_TAG_LIMIT; break;
                case 'v': it->tag = HULL_VULN_TAG_VERSION; break;
                default: it->tag = (enum hull_vuln_tag)'?';
                }
        }
        return n;
}

struct eval_case {
        enum hull_version_scheme scheme;
        const char *spec, *version;
        bool affected;
        const char *fixed; /* expected fix, NULL for none */
        unsigned skipped, unevaluated;
};

#define DPKG HULL_VERSION_DPKG
#define SEMVER HULL_VERSION_SEMVER
#define PEP440 HULL_VERSION_PEP440
#define GO HULL_VERSION_GO
#define APK HULL_VERSION_APK
#define RPM HULL_VERSION_RPM
#define MAVEN HULL_VERSION_MAVEN
#define GEM HULL_VERSION_GEM

static const struct eval_case eval_cases[] = {
        /* introduced / fixed: [introduced, fixed) */
        {DPKG, "E i=0 f=1.2-1", "1.1-1", true, "1.2-1", 0, 0},
        {DPKG, "E i=0 f=1.2-1", "1.2-1", false, NULL, 0, 0},
        {DPKG, "E i=0 f=1.2-1", "1.2-1+b1", false, NULL, 0, 0},
        {DPKG, "E i=0 f=1.2-1", "1.2~rc1-1", true, "1.2-1", 0, 0},
        {DPKG, "E i=1.0-1 f=2.0-1", "1.0-1", true, "2.0-1", 0, 0},
        {DPKG, "E i=1.0-1 f=2.0-1", "0.9-1", false, NULL, 0, 0},
        {DPKG, "E i=0 f=1:1.0-1", "2.0-1", true, "1:1.0-1", 0, 0}, /* the epoch wins */
        /* introduced "0" is before every version, even ones below "0" */
        {DPKG, "E i=0 f=1.0", "0~beta", true, "1.0", 0, 0},
        {PEP440, "E i=0 f=1.0", "0.0.dev1", true, "1.0", 0, 0},
        {SEMVER, "S i=0", "0.0.0-alpha", true, NULL, 0, 0},
        /* unfixed */
        {DPKG, "E i=0", "99:9.9-9", true, NULL, 0, 0},
        /* last_affected: (.., last_affected] */
        {SEMVER, "S i=1.0.0 l=1.5.0", "1.5.0", true, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 l=1.5.0", "1.5.1", false, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 l=1.5.0", "1.5.1-rc.1", false, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 l=1.5.0", "0.9.9", false, NULL, 0, 0},
        /* limit: below one of the limits; "*" is infinity */
        {SEMVER, "S i=0 m=2.0.0", "1.9.9", true, NULL, 0, 0},
        {SEMVER, "S i=0 m=2.0.0", "2.0.0", false, NULL, 0, 0},
        {SEMVER, "S i=0 m=1.0.0 m=3.0.0", "2.0.0", true, NULL, 0, 0},
        {SEMVER, "S i=0 m=1.0.0 m=3.0.0", "3.0.0", false, NULL, 0, 0},
        {SEMVER, "S i=0 m=*", "1000.0.0", true, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 f=2.0.0 m=1.5.0", "1.6.0", false, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 f=2.0.0 m=1.5.0", "1.4.0", true, "2.0.0", 0, 0},
        /* ties at one version: introduced, last_affected, fixed, limit */
        {SEMVER, "S i=1.0.0 f=1.0.0", "1.0.0", false, NULL, 0, 0},
        {SEMVER, "S f=1.0.0 i=1.0.0", "1.0.0", false, NULL, 0, 0},
        {SEMVER, "S l=1.0.0 i=1.0.0", "1.0.0", true, NULL, 0, 0},
        {SEMVER, "S i=1.0.0 m=1.0.0", "1.0.0", false, NULL, 0, 0},
        {PEP440, "E i=1.0 f=1.0.0", "1.0", false, NULL, 0, 0}, /* equal in PEP 440 */
        /* events in any order: the version order decides */
        {SEMVER, "S f=2.0.0 i=3.0.0 i=1.0.0 f=4.0.0", "1.5.0", true, "2.0.0", 0, 0},
        {SEMVER, "S f=2.0.0 i=3.0.0 i=1.0.0 f=4.0.0", "2.5.0", false, NULL, 0, 0},
        {SEMVER, "S f=2.0.0 i=3.0.0 i=1.0.0 f=4.0.0", "3.5.0", true, "4.0.0", 0, 0},
        {SEMVER, "S f=2.0.0 i=3.0.0 i=1.0.0 f=4.0.0", "4.0.0", false, NULL, 0, 0},
        /* several ranges: any one; the fix is the smallest above v */
        {SEMVER, "S i=1.0.0 f=1.0.2 S i=3.0.0 f=3.2.5", "3.1.0", true, "3.2.5", 0, 0},
        {SEMVER, "S i=0 f=1.0.5 S i=2.0.0 f=2.3.0", "0.5.0", true, "1.0.5", 0, 0},
        /* a fix the record marks affected elsewhere is passed over */
        {SEMVER, "S i=0 f=1.0.0 S i=1.0.0 f=1.1.0", "0.5.0", true, "1.1.0", 0, 0},
        {SEMVER, "S i=0 f=1.0.0 v=1.0.0", "0.5.0", true, NULL, 0, 0},
        /* versions lists: equality in the ecosystem's order */
        {PEP440, "v=1.0 v=2.0", "2.0.0", true, NULL, 0, 0},
        {PEP440, "v=1.0 v=2.0", "2.0.1", false, NULL, 0, 0},
        {PEP440, "v=1.0", "1.0+local", false, NULL, 0, 0},
        {DPKG, "v=1:2.0-1", "1:2.0-1", true, NULL, 0, 0},
        {DPKG, "v=2.0-1", "1:2.0-1", false, NULL, 0, 0},
        /* ... and exact strings when either is not a valid version */
        {PEP440, "v=not/a/version", "not/a/version", true, NULL, 0, 0},
        {PEP440, "v=not/a/version", "Not/A/Version", false, NULL, 0, 0},
        {PEP440, "E i=0 f=2.0 v=1.0", "1.0", true, "2.0", 0, 0},
        /* GIT ranges are not evaluated; their entry matches by versions */
        {PEP440, "G i=0 f=abc123", "1.0", false, NULL, 0, 0},
        {PEP440, "G i=0 f=abc123 v=1.0 v=1.1", "1.1.0", true, NULL, 0, 0},
        {PEP440, "G v=v1.2-rc", "1.2rc0", true, NULL, 0, 0}, /* both valid PEP 440 */
        /* events invalid in their order are skipped */
        {DPKG, "E i=0 f=abc", "1.0", true, NULL, 1, 0},
        {SEMVER, "S i=x.y f=2.0.0", "1.0.0", false, NULL, 1, 0},
        {SEMVER, "S i=0 f=1.x-final", "9.0.0", true, NULL, 1, 0},
        {SEMVER, "S i=0 m=bad f=2.0.0", "1.0.0", true, "2.0.0", 1, 0},
        /* an installed version invalid in a range's order: the range is not evaluated */
        {SEMVER, "S i=0", "1.0", false, NULL, 0, 1},
        {PEP440, "E i=0 f=2.0 S i=0 f=2.0.0", "1.0", true, "2.0", 0, 1},
        /* SEMVER ranges are SemVer 2.0 whatever the ecosystem (Go: Go's rules) */
        {PEP440, "S i=1.0.0 f=2.0.0", "1.5.0", true, "2.0.0", 0, 0},
        {PEP440, "S i=1.0.0-rc.1 f=2.0.0", "1.0.0-rc.2", true, "2.0.0", 0, 0},
        {GO, "S i=0 f=1.2.3", "v1.2.2", true, "1.2.3", 0, 0},
        {GO, "S i=0 f=1.2.3", "v1.2.3", false, NULL, 0, 0},
        {GO, "S i=0 f=0.0.0-20230101000000-abcdefabcdef", "v0.0.0-20221231000000-abcdefabcdef",
         true, "0.0.0-20230101000000-abcdefabcdef", 0, 0},
        {GO, "S i=0 f=2.0.0", "v2.0.0+incompatible", false, NULL, 0, 0},
        /* each ecosystem's order */
        {APK, "E i=0 f=1.2.3-r1", "1.2.3-r0", true, "1.2.3-r1", 0, 0},
        {APK, "E i=0 f=1.2.3-r1", "1.2.3_p1-r0", false, NULL, 0, 0},
        {APK, "E i=0 f=1.2.3-r1", "1.2.3_rc1-r5", true, "1.2.3-r1", 0, 0},
        {RPM, "E i=0 f=1:3.0.7-18.el9", "3.0.9-1.el9", true, "1:3.0.7-18.el9", 0, 0},
        {RPM, "E i=0 f=3.0.7-18.el9", "3.0.7-18.el9_1", false, NULL, 0, 0},
        {MAVEN, "E i=1.0 f=1.0.1", "1.0-SNAPSHOT", false, NULL, 0, 0},
        {MAVEN, "E i=1.0 f=1.0.1", "1.0.0.RELEASE", true, "1.0.1", 0, 0},
        {GEM, "E i=0 f=2.0.0", "2.0.0.rc1", true, "2.0.0", 0, 0},
        {PEP440, "E i=0 f=2.0", "2.0rc1", true, "2.0", 0, 0},
        {PEP440, "E i=0 f=2.0", "1!1.0", false, NULL, 0, 0}, /* the epoch */
};

TEST(eval_table) {
        for (size_t i = 0; i < ELEMENTSOF(eval_cases); i++) {
                const struct eval_case *c = &eval_cases[i];
                struct hull_vuln_ranges_item it[32];
                struct hull_vuln_verdict v;
                char store[512];
                size_t n = items(c->spec, it, ELEMENTSOF(it), store);
                int r = hull_vuln_eval(c->scheme, it, n, c->version, &v);

                if (r != HULL_OK) {
                        T_FAIL_AT("case %zu (%s, %s): error %d", i, c->spec, c->version, r);
                        continue;
                }
                if (v.affected != c->affected ||
                    (c->fixed ? !v.fixed || strcmp(c->fixed, v.fixed) : v.fixed != NULL) ||
                    v.skipped != c->skipped || v.unevaluated != c->unevaluated)
                        T_FAIL_AT("case %zu: %s [%s] %s: affected %d fixed %s skipped %u "
                                  "unevaluated %u; want %d %s %u %u",
                                  i, hull_version_scheme_to_string(c->scheme), c->spec, c->version,
                                  v.affected, v.fixed ? v.fixed : "-", v.skipped, v.unevaluated,
                                  c->affected, c->fixed ? c->fixed : "-", c->skipped,
                                  c->unevaluated);
        }
}

TEST(eval_in_versions_flag) {
        struct hull_vuln_ranges_item it[8];
        struct hull_vuln_verdict v;
        char store[128];
        size_t n = items("E i=0 f=1.0 v=2.0", it, 8, store);

        T_OK(hull_vuln_eval(PEP440, it, n, "2.0", &v));
        T_TRUE(v.affected && v.in_versions && !v.fixed);
        T_OK(hull_vuln_eval(PEP440, it, n, "0.5", &v));
        T_TRUE(v.affected && !v.in_versions);
        T_STREQ(v.fixed, "1.0");
}

TEST(eval_damaged_items) {
        struct hull_vuln_ranges_item it[8];
        struct hull_vuln_verdict v;
        char store[128];
        size_t n;

        n = items("i=0 f=1.0", it, 8, store); /* events before any range */
        T_EQ(hull_vuln_eval(DPKG, it, n, "1.0", &v), HULL_ECORRUPT);
        n = items("E i=0 v=1.0 f=2.0", it, 8, store); /* an event after the versions */
        T_EQ(hull_vuln_eval(DPKG, it, n, "1.0", &v), HULL_ECORRUPT);
        n = items("E i=0 ?", it, 8, store);
        T_EQ(hull_vuln_eval(DPKG, it, n, "1.0", &v), HULL_ECORRUPT);
        T_OK(hull_vuln_eval(DPKG, it, 0, "1.0", &v));
        T_TRUE(!v.affected);
}

/* ---- ecosystems and releases ---- */

TEST(ecosystems) {
        const struct hull_vuln_ecosystem *e;
        char buf[64];

        T_TRUE((e = hull_vuln_ecosystem_find("debian", 6)) && e->scheme == DPKG);
        T_STREQ(e->name, "Debian");
        T_TRUE((e = hull_vuln_ecosystem_find("crates.io", 9)) && e->scheme == SEMVER);
        T_TRUE((e = hull_vuln_ecosystem_find("Red Hat", 7)) && e->scheme == RPM &&
               (e->flags & HULL_VULN_ECO_BOTH_NAMES));
        T_TRUE((e = hull_vuln_ecosystem_find("Wolfi", 5)) && e->scheme == APK);
        T_TRUE((e = hull_vuln_ecosystem_find("Chainguard", 10)) && e->scheme == APK);
        T_TRUE((e = hull_vuln_ecosystem_find("RubyGems", 8)) && e->scheme == GEM);
        T_TRUE((e = hull_vuln_ecosystem_find("Maven", 5)) && e->scheme == MAVEN);
        T_TRUE(hull_vuln_ecosystem_find("Packagist", 9) == NULL);
        T_TRUE(hull_vuln_ecosystem_find("Debian:11", 9) == NULL);
        T_TRUE(hull_vuln_ecosystem_find(NULL, 0) == NULL);
        e = hull_vuln_ecosystem_find("Alpine", 6);
        T_STREQ(hull_vuln_release_canonical(e, "3.18", buf, sizeof(buf)), "v3.18");
        T_STREQ(hull_vuln_release_canonical(e, "3.18.4", buf, sizeof(buf)), "v3.18");
        T_STREQ(hull_vuln_release_canonical(e, "v3.18", buf, sizeof(buf)), "v3.18");
        T_STREQ(hull_vuln_release_canonical(e, "edge", buf, sizeof(buf)), "edge");
        e = hull_vuln_ecosystem_find("Ubuntu", 6);
        T_STREQ(hull_vuln_release_canonical(e, "22.04:LTS", buf, sizeof(buf)), "22.04");
        T_STREQ(hull_vuln_release_canonical(e, "Pro:18.04:LTS", buf, sizeof(buf)), "Pro:18.04");
        e = hull_vuln_ecosystem_find("Debian", 6);
        T_STREQ(hull_vuln_release_canonical(e, "11", buf, sizeof(buf)), "11");
}

/* ---- the engine on a database ---- */

static struct hull_vuln_db *db;

static struct hull_vuln_db *test_db(void) {
        const char *path = t_path("match.db");
        const char *const paths[] = {DATA};
        struct hull_vuln_import_stats st;
        struct hull_diag d;

        if (db)
                return db;
        hull_diag_init(&d);
        if (hull_vuln_db_import(path, paths, 1, NOW, NULL, NULL, &st, &d) != HULL_OK ||
            hull_vuln_db_open(path, &db, &d) != HULL_OK) {
                printf("# cannot build the test database: %s\n", d.msg);
                exit(2);
        }
        return db;
}

struct run {
        struct hull_arena a;
        struct hull_vuln_matches m;
};

static void match(struct run *r, const struct hull_vuln_package *p, size_t n) {
        struct hull_diag d;

        hull_arena_init(&r->a, 0);
        hull_diag_init(&d);
        memset(&r->m, 0, sizeof(r->m));
        if (hull_vuln_match(test_db(), p, n, &r->a, &r->m, &d) != HULL_OK ||
            hull_vuln_match_details(test_db(), p, &r->m, &r->a, &d) != HULL_OK)
                T_FAIL_AT("match: %s", d.msg);
}

/* The match of package pkg for id, or NULL. */
static const struct hull_vuln_match *find(const struct run *r, size_t pkg, const char *id) {
        for (size_t i = 0; i < r->m.n; i++)
                if (r->m.v[i].pkg == pkg && strcmp(r->m.v[i].id, id) == 0)
                        return &r->m.v[i];
        return NULL;
}

static size_t count_for(const struct run *r, size_t pkg) {
        size_t n = 0;
        for (size_t i = 0; i < r->m.n; i++)
                n += r->m.v[i].pkg == pkg;
        return n;
}

TEST(releases) {
        const struct hull_vuln_package p[] = {
                {.ecosystem = "Debian", .release = "11", .name = "libfoo", .version = "1.2-1"},
                {.ecosystem = "Debian", .release = "12", .name = "libfoo", .version = "1.2-1"},
                {.ecosystem = "Debian", .release = "13", .name = "libfoo", .version = "1.2-1"},
                {.ecosystem = "Debian", .name = "libfoo", .version = "1.2-1"},
                /* a record for plain Debian: every release, and none */
                {.ecosystem = "Debian", .release = "11", .name = "libbar", .version = "1.0-1"},
                {.ecosystem = "Debian", .release = "12", .name = "libbar", .version = "1.0-1"},
                {.ecosystem = "Debian", .name = "libbar", .version = "1.0-1"},
        };
        struct run r;
        const struct hull_vuln_match *m;

        match(&r, p, ELEMENTSOF(p));
        /* Debian 11's fix is 1.2-1+deb11u1: 1.2-1 is below it */
        T_TRUE((m = find(&r, 0, "HULLTEST-DSA-1000-1")) != NULL);
        if (m) {
                T_STREQ(m->fixed, "1.2-1+deb11u1");
                T_STREQ(m->urgency, "high");
                T_EQ(m->severity, HULL_VULN_SEV_HIGH);
                T_EQ(m->severity_source, HULL_VULN_SRC_DEBIAN_URGENCY);
                T_EQ(m->score, -1);
        }
        /* Debian 12's is 1.4-1+deb12u1, with its own urgency */
        T_TRUE((m = find(&r, 1, "HULLTEST-DSA-1000-1")) != NULL);
        if (m) {
                T_STREQ(m->fixed, "1.4-1+deb12u1");
                T_EQ(m->severity, HULL_VULN_SEV_MEDIUM);
        }
        T_EQ(count_for(&r, 2), 0);
        T_EQ(count_for(&r, 3), 0);
        T_TRUE(find(&r, 4, "HULLTEST-DEB-2000") && find(&r, 5, "HULLTEST-DEB-2000") &&
               find(&r, 6, "HULLTEST-DEB-2000"));
        T_EQ(r.m.stats.no_release, 2);
        T_EQ(r.m.stats.matched_packages, 5);
        T_EQ(r.m.stats.packages, 7);
        hull_arena_release(&r.a);
}

TEST(source_names) {
        const struct hull_vuln_package p[] = {
                /* Debian records name source packages */
                {.ecosystem = "Debian",
                 .release = "11",
                 .name = "libfoo1",
                 .source = "libfoo",
                 .version = "1.1-3"},
                {.ecosystem = "Debian", .release = "11", .name = "libfoo1", .version = "1.1-3"},
                /* the source version is compared when given (a binNMU here) */
                {.ecosystem = "Debian",
                 .release = "11",
                 .name = "libfoo-dev",
                 .source = "libfoo",
                 .source_version = "1.2-1+deb11u1",
                 .version = "1.2-1+deb11u1+b1"},
                {.ecosystem = "Debian",
                 .release = "11",
                 .name = "libfoo-dev",
                 .source = "libfoo",
                 .source_version = "1.1-1",
                 .version = "1.2-1+deb11u1+b1"},
                /* Alpine by origin */
                {.ecosystem = "Alpine",
                 .release = "v3.18",
                 .name = "quux-libs",
                 .source = "quux",
                 .version = "2.0.1-r0"},
                {.ecosystem = "Alpine", .release = "3.17.2", .name = "quux", .version = "1.9.9-r3"},
                {.ecosystem = "Alpine", .release = "3.17", .name = "quux", .version = "1.9.9-r2"},
                /* PyPI and npm name packages, not sources */
                {.ecosystem = "npm", .name = "left-padder", .source = "other", .version = "1.0.0"},
        };
        struct run r;
        const struct hull_vuln_match *m;

        match(&r, p, ELEMENTSOF(p));
        T_TRUE((m = find(&r, 0, "HULLTEST-DSA-1000-1")) && m->by_source);
        T_EQ(count_for(&r, 1), 0);
        T_EQ(count_for(&r, 2), 0);
        T_TRUE(find(&r, 3, "HULLTEST-DSA-1000-1") != NULL);
        T_TRUE((m = find(&r, 4, "HULLTEST-ALPINE-3000")) && m->by_source);
        if (m) {
                T_STREQ(m->fixed, "2.0.1-r1");
                T_EQ(m->severity, HULL_VULN_SEV_UNKNOWN);
                T_EQ(m->severity_source, HULL_VULN_SRC_NONE);
                T_STREQ(m->summary, "quux: path traversal");
                T_TRUE(m->url == NULL);
        }
        T_EQ(count_for(&r, 5), 0);
        T_TRUE((m = find(&r, 6, "HULLTEST-ALPINE-3000")) && !m->by_source);
        if (m)
                T_STREQ(m->fixed, "1.9.9-r3");
        T_TRUE((m = find(&r, 7, "HULLTEST-GHSA-5000")) && !m->by_source);
        hull_arena_release(&r.a);
}

TEST(red_hat_both_names) {
        const struct hull_vuln_package p[] = {
                {.ecosystem = "Red Hat",
                 .release = "enterprise_linux:9::baseos",
                 .name = "openssl-libs",
                 .source = "openssl",
                 .version = "1:3.0.7-16.el9"},
                {.ecosystem = "Red Hat",
                 .release = "enterprise_linux:9::baseos",
                 .name = "openssl-libs",
                 .version = "1:3.0.7-18.el9"},
                {.ecosystem = "Red Hat",
                 .release = "enterprise_linux:8::baseos",
                 .name = "openssl-libs",
                 .version = "1:1.1.1k-7.el8"},
        };
        struct run r;
        const struct hull_vuln_match *m;

        match(&r, p, ELEMENTSOF(p));
        /* found under both names, reported once */
        T_EQ(count_for(&r, 0), 1);
        T_TRUE((m = find(&r, 0, "HULLTEST-RHSA-9000")) && m->fixed &&
               strcmp(m->fixed, "1:3.0.7-18.el9") == 0);
        T_EQ(count_for(&r, 1), 0);
        T_EQ(count_for(&r, 2), 0);
        hull_arena_release(&r.a);
}

/* A list repeats packages (the same one at one version, several spellings
 * of one name): each copy gets the same matches as alone, in package order. */
TEST(repeated_packages) {
        const struct hull_vuln_package one[] = {
                {.ecosystem = "Red Hat",
                 .release = "enterprise_linux:9::baseos",
                 .name = "openssl-libs",
                 .source = "openssl",
                 .version = "1:3.0.7-16.el9"},
                {.ecosystem = "Debian", .release = "11", .name = "libfoo", .version = "1.2-1"},
        };
        struct hull_vuln_package p[12];
        struct run alone, r;

        for (size_t i = 0; i < ELEMENTSOF(p); i++)
                p[i] = one[i % 2];
        p[4].version = "1:3.0.7-18.el9"; /* the same lookup, another version */
        match(&alone, one, ELEMENTSOF(one));
        match(&r, p, ELEMENTSOF(p));
        T_TRUE(alone.m.n > 0);
        for (size_t i = 0; i < ELEMENTSOF(p); i++) {
                size_t k = 0;
                if (i == 4) {
                        T_EQ(count_for(&r, i), 0);
                        continue;
                }
                for (size_t j = 0; j < alone.m.n; j++) {
                        const struct hull_vuln_match *a = &alone.m.v[j], *m;
                        if (a->pkg != i % 2)
                                continue;
                        k++;
                        m = find(&r, i, a->id);
                        T_TRUE(m && (m->fixed == a->fixed ||
                                     (m->fixed && a->fixed && strcmp(m->fixed, a->fixed) == 0)));
                        T_TRUE(m && m->by_source == a->by_source && m->severity == a->severity &&
                               m->n_aliases == a->n_aliases);
                }
                T_EQ(count_for(&r, i), k);
        }
        for (size_t j = 1; j < r.m.n; j++)
                T_TRUE(r.m.v[j - 1].pkg <= r.m.v[j].pkg);
        hull_arena_release(&alone.a);
        hull_arena_release(&r.a);
}

/* Keys compare as the strings do; equal versions share their hint. */
TEST(version_keys) {
        static const struct {
                enum hull_version_scheme s;
                const char *a, *b;
        } pairs[] = {
                {HULL_VERSION_DPKG, "1.0", "1.0-0"},
                {HULL_VERSION_DPKG, "0:1.0", "1.0"},
                {HULL_VERSION_DPKG, "1.0a", "1.0a0"},
                {HULL_VERSION_DPKG, "1.01", "1.1"},
                {HULL_VERSION_DPKG, "1.0~rc1", "1.0"},
                {HULL_VERSION_DPKG, "a1", "1.0"},
                {HULL_VERSION_RPM, "0:1.0-1", "1.0-1"},
                {HULL_VERSION_RPM, "1.0", "1_0"},
                {HULL_VERSION_RPM, "1.0^git1", "1.0"},
                {HULL_VERSION_APK, "1.0-r0", "1.0"},
                {HULL_VERSION_APK, "18446744073709551617", "1"},
                {HULL_VERSION_APK, "1.02", "1.2"},
                {HULL_VERSION_SEMVER, "1.0.0+a.1", "1.0.0+b.2"},
                {HULL_VERSION_SEMVER, "v1.2.3", " 1.2.3 "},
                {HULL_VERSION_SEMVER, "1.0.0-9007199254740993", "1.0.0-9007199254740992"},
                {HULL_VERSION_SEMVER, "1.0.0-rc.1", "1.0.0"},
                {HULL_VERSION_PEP440, "1.0", "1.0.0"},
                {HULL_VERSION_PEP440, "1.0a1", "1.0ALPHA01"},
                {HULL_VERSION_PEP440, "1.0.post1", "1.0-1"},
                {HULL_VERSION_PEP440, "0!1.0+abc.1", "v1.0+ABC-01"},
                {HULL_VERSION_PEP440, "1.0.dev1", "1.0"},
                {HULL_VERSION_PEP440, "1.0", "not a version"},
                {HULL_VERSION_PEP440, "\342\200\20041", "41"}, /* U+2000: white space */
                {HULL_VERSION_PEP440, "\342\20041", "1"},      /* not white space */
                {HULL_VERSION_SEMVER, "\342\20011.2.3", "1.2.3"},
                {HULL_VERSION_GO, "v1", "1.0.0"},
                {HULL_VERSION_GO, "v1.2.3+incompatible", "v1.2.3"},
                {HULL_VERSION_GO, "v0.0.0-20210101000000-abcdef123456", "v0.0.0"},
                {HULL_VERSION_MAVEN, "1.0", "1.0.0"},
                {HULL_VERSION_MAVEN, "1.2.3.redhat-00001", "1.2.3-alpha"},
                {HULL_VERSION_GEM, "1.0.a", "1.a"},
                {HULL_VERSION_GEM, "1.0", "1.0.0.1"},
        };

        for (size_t i = 0; i < ELEMENTSOF(pairs); i++) {
                const char *a = pairs[i].a, *b = pairs[i].b;
                enum hull_version_scheme s = pairs[i].s;
                struct hull_version_key ka, kb;
                int c = 9, kc = 9, rc, krc;

                rc = hull_version_cmp(s, a, strlen(a), b, strlen(b), &c);
                T_EQ(hull_version_key_init(&ka, s, a, strlen(a)),
                     hull_version_valid(s, a, strlen(a)));
                T_EQ(hull_version_key_init(&kb, s, b, strlen(b)),
                     hull_version_valid(s, b, strlen(b)));
                krc = hull_version_key_cmp(&ka, &kb, &kc);
                T_EQ(krc, rc);
                T_EQ(kc, c);
                if (rc == 0 && c == 0) {
                        uint64_t ha = hull_version_eq_hint(s, a, strlen(a));
                        uint64_t hb = hull_version_eq_hint(s, b, strlen(b));
                        T_TRUE(!ha || !hb || ha == hb);
                }
        }
        /* bytes that only start like U+2000-U+200A are no white space: they
         * once were, taking the next byte along, so "\342\20041" (e2 80 '4'
         * '1') was "1", with "41"'s equality hint (found by fuzz_version) */
        T_TRUE(!hull_version_valid(HULL_VERSION_PEP440, "\342\20041", 4));
        T_TRUE(!hull_version_valid(HULL_VERSION_PEP440, "1\342\2004", 4));
        T_TRUE(!hull_version_valid(HULL_VERSION_SEMVER, "\342\20011.2.3", 8));
        T_TRUE(!hull_version_valid(HULL_VERSION_SEMVER, "1.2.3\342\2004", 8));
        T_TRUE(hull_version_valid(HULL_VERSION_PEP440, "\342\200\2121", 4));
        /* keys of two schemes do not compare */
        struct hull_version_key x, y;
        int c;
        hull_version_key_init(&x, HULL_VERSION_DPKG, "1.0", 3);
        hull_version_key_init(&y, HULL_VERSION_RPM, "1.0", 3);
        T_EQ(hull_version_key_cmp(&x, &y, &c), -1);
        T_EQ(hull_version_eq_hint(HULL_VERSION_MAVEN, "1.0", 3), 0);
        T_TRUE(hull_version_eq_hint(HULL_VERSION_PEP440, "1.0", 3) ==
               hull_version_eq_hint(HULL_VERSION_PEP440, "1", 1));
        T_TRUE(hull_version_eq_hint(HULL_VERSION_PEP440, "1.0", 3) !=
               hull_version_eq_hint(HULL_VERSION_PEP440, "1.1", 3));
}

TEST(language_ecosystems) {
        const struct hull_vuln_package p[] = {
                {.ecosystem = "PyPI", .name = "example.pkg", .version = "1.9"},
                {.ecosystem = "PyPI", .name = "EXAMPLE-PKG", .version = "2.0.1"},
                {.ecosystem = "PyPI", .name = "example_pkg", .version = "2.5"},
                {.ecosystem = "PyPI", .name = "example_pkg", .version = "3.1.0"},
                {.ecosystem = "PyPI", .name = "example_pkg", .version = "3.1.1"},
                {.ecosystem = "npm", .name = "left-padder", .version = "1.0.4"},
                {.ecosystem = "npm", .name = "left-padder", .version = "1.0.5"},
                {.ecosystem = "Go", .name = "stdlib", .version = "go1.21.4"},
                {.ecosystem = "Go", .name = "stdlib", .version = "go1.22.1"},
                {.ecosystem = "Go", .name = "example.com/mod", .version = "v1.2.2"},
                {.ecosystem = "PyPI", .name = "gitpkg", .version = "1.1.0"},
                {.ecosystem = "PyPI", .name = "gitpkg", .version = "1.2rc0"},
                {.ecosystem = "PyPI", .name = "gitpkg", .version = "1.3"},
                {.ecosystem = "npm", .name = "semverish", .version = "3.0.0"},
                {.ecosystem = "Ubuntu", .release = "22.04", .name = "libbaz", .version = "1.0-1"},
        };
        struct run r;
        const struct hull_vuln_match *m;

        match(&r, p, ELEMENTSOF(p));
        T_TRUE((m = find(&r, 0, "HULLTEST-GHSA-4000")) != NULL);
        if (m) {
                T_STREQ(m->fixed, "2.0.1");
                /* CVSS wins over GitHub's label; the base score */
                T_EQ(m->severity, HULL_VULN_SEV_MEDIUM);
                T_EQ(m->severity_source, HULL_VULN_SRC_CVSS_V3);
                T_EQ(m->score, 65);
                T_STREQ(m->vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N");
                /* no summary: the first line of details */
                T_STREQ(m->summary, "Example-Pkg leaks session tokens in debug logs.");
                T_STREQ(m->url, "https://github.example.org/advisories/HULLTEST-GHSA-4000");
                T_EQ(m->n_aliases, 1);
        }
        T_EQ(count_for(&r, 1), 0);
        /* listed in versions[]: affected, and 3.0's range has no fix */
        T_TRUE((m = find(&r, 2, "HULLTEST-GHSA-4000")) && m->fixed == NULL);
        T_TRUE((m = find(&r, 3, "HULLTEST-GHSA-4000")) && m->fixed == NULL);
        T_EQ(count_for(&r, 4), 0);
        /* CVSS v4.0 before v3.1; the withdrawn record never matches */
        T_EQ(count_for(&r, 5), 1);
        T_TRUE((m = find(&r, 5, "HULLTEST-GHSA-5000")) != NULL);
        if (m) {
                T_EQ(m->severity_source, HULL_VULN_SRC_CVSS_V4);
                T_EQ(m->severity, HULL_VULN_SEV_CRITICAL);
                T_EQ(m->score, 93);
                T_STREQ(m->fixed, "1.0.5");
        }
        T_EQ(count_for(&r, 6), 0);
        T_TRUE((m = find(&r, 7, "HULLTEST-GO-7000")) && m->fixed &&
               strcmp(m->fixed, "1.21.5") == 0);
        T_TRUE((m = find(&r, 8, "HULLTEST-GO-7000")) == NULL);
        T_TRUE((m = find(&r, 9, "HULLTEST-GO-7000")) && m->fixed && strcmp(m->fixed, "1.2.3") == 0);
        T_TRUE(find(&r, 10, "HULLTEST-OSSF-8000") != NULL);
        T_TRUE(find(&r, 11, "HULLTEST-OSSF-8000") != NULL);
        T_EQ(count_for(&r, 12), 0);
        T_TRUE((m = find(&r, 13, "HULLTEST-GHSA-10000")) && m->fixed == NULL);
        T_TRUE(r.m.stats.skipped_events >= 1);
        T_TRUE((m = find(&r, 14, "HULLTEST-USN-11000-1")) != NULL);
        if (m) {
                T_EQ(m->severity_source, HULL_VULN_SRC_UBUNTU);
                T_EQ(m->severity, HULL_VULN_SEV_MEDIUM);
                T_STREQ(m->fixed, "1.0-1ubuntu0.1");
        }
        hull_arena_release(&r.a);
}

TEST(aliases_cve_first) {
        const struct hull_vuln_package p[] = {
                {.ecosystem = "Debian", .release = "12", .name = "libfoo", .version = "1.0-1"},
        };
        struct run r;
        const struct hull_vuln_match *m;

        match(&r, p, 1);
        T_TRUE((m = find(&r, 0, "HULLTEST-DSA-1000-1")) != NULL);
        if (m) {
                T_EQ(m->n_aliases, 3);
                if (m->n_aliases == 3) {
                        T_STREQ(m->aliases[0], "CVE-2099-1001");
                        T_STREQ(m->aliases[1], "CVE-2099-1000");
                        T_STREQ(m->aliases[2], "HULLTEST-DLA-9-1");
                }
                /* ADVISORY before WEB */
                T_STREQ(m->url, "https://security.example.org/HULLTEST-DSA-1000-1");
                T_STREQ(m->modified, "2025-03-02T11:30:00Z");
        }
        hull_arena_release(&r.a);
}

TEST(unknown_and_invalid) {
        const struct hull_vuln_package p[] = {
                {.ecosystem = "Packagist", .name = "a/b", .version = "1.0"},
                {.ecosystem = "NuGet", .name = "X", .version = "1.0"},
                {.ecosystem = "Packagist", .name = "c/d", .version = "1.0"},
                {.ecosystem = "", .name = "e", .version = "1.0"},
                {.ecosystem = NULL, .name = "f", .version = "1.0"},
                {.ecosystem = "npm", .name = "left-padder", .version = "not a version"},
                {.ecosystem = "Debian", .release = "11", .name = "libfoo", .version = "junk!"},
        };
        struct run r;

        match(&r, p, ELEMENTSOF(p));
        T_EQ(r.m.n, 0);
        T_EQ(r.m.stats.unknown, 5);
        T_EQ(r.m.stats.n_unknown_ecosystems, 3);
        if (r.m.stats.n_unknown_ecosystems == 3) {
                T_STREQ(r.m.stats.unknown_ecosystems[0].name, "");
                T_STREQ(r.m.stats.unknown_ecosystems[1].name, "NuGet");
                T_STREQ(r.m.stats.unknown_ecosystems[2].name, "Packagist");
                T_EQ(r.m.stats.unknown_ecosystems[2].count, 2);
        }
        T_EQ(r.m.stats.invalid_version, 2);
        hull_arena_release(&r.a);
}

TEST(no_packages) {
        struct run r;

        match(&r, NULL, 0);
        T_EQ(r.m.n, 0);
        T_EQ(r.m.stats.packages, 0);
        hull_arena_release(&r.a);
}

TEST(names_and_sources) {
        T_STREQ(hull_vuln_severity_to_string(HULL_VULN_SEV_UNKNOWN), "unknown");
        T_STREQ(hull_vuln_severity_to_string(HULL_VULN_SEV_CRITICAL), "critical");
        T_TRUE(hull_vuln_severity_to_string(_HULL_VULN_SEV_MAX) == NULL);
        T_STREQ(hull_vuln_severity_source_to_string(HULL_VULN_SRC_CVSS_V4), "cvss_v4");
        T_STREQ(hull_vuln_severity_source_to_string(HULL_VULN_SRC_DEBIAN_URGENCY),
                "debian_urgency");
        T_TRUE(hull_vuln_severity_source_to_string(_HULL_VULN_SRC_MAX) == NULL);
}

/* ---- purls (the packages of SBOMs) ---- */

struct purl_case {
        const char *purl;
        int code;
        const char *ecosystem, *release, *name, *version, *source, *source_version;
};

static const struct purl_case purl_cases[] = {
        {"pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.4", HULL_OK, "Debian",
         "12", "libssl3", "3.0.11-1~deb12u2", NULL, NULL},
        {"pkg:deb/debian/libssl3@3.0.11-1%7Edeb12u2?upstream=openssl%403.0.11-1&distro=bookworm",
         HULL_OK, "Debian", "12", "libssl3", "3.0.11-1~deb12u2", "openssl", "3.0.11-1"},
        {"pkg:deb/ubuntu/libbaz@1.0-1?distro=ubuntu-22.04", HULL_OK, "Ubuntu", "22.04", "libbaz",
         "1.0-1", NULL, NULL},
        {"pkg:deb/ubuntu/libbaz@1.0-1?distro=jammy", HULL_OK, "Ubuntu", "22.04", "libbaz", "1.0-1",
         NULL, NULL},
        {"pkg:deb/raspbian/libbaz@1.0-1", HULL_OK, "raspbian", NULL, "libbaz", "1.0-1", NULL, NULL},
        {"pkg:apk/alpine/quux-libs@2.0.0-r4?upstream=quux&distro=alpine-3.18.4", HULL_OK, "Alpine",
         "v3.18", "quux-libs", "2.0.0-r4", "quux", NULL},
        {"pkg:apk/wolfi/glibc@2.38-r1?distro=wolfi-20230201", HULL_OK, "Wolfi", NULL, "glibc",
         "2.38-r1", NULL, NULL},
        {"pkg:rpm/rocky/openssl-libs@3.0.7-16.el9?epoch=1&upstream=openssl-3.0.7-16.el9.src.rpm"
         "&distro=rocky-9.2",
         HULL_OK, "Rocky Linux", "9", "openssl-libs", "1:3.0.7-16.el9", "openssl", NULL},
        {"pkg:rpm/redhat/bash@5.1.8-6.el9?distro=rhel-9.2", HULL_OK, "Red Hat", NULL, "bash",
         "5.1.8-6.el9", NULL, NULL},
        {"pkg:npm/%40acme/scoped@2.0.0", HULL_OK, "npm", NULL, "@acme/scoped", "2.0.0", NULL, NULL},
        {"pkg:NPM/left-padder@1.0.4#lib/index.js", HULL_OK, "npm", NULL, "left-padder", "1.0.4",
         NULL, NULL},
        {"pkg:pypi/jinja2@3.1.2", HULL_OK, "PyPI", NULL, "jinja2", "3.1.2", NULL, NULL},
        {"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", HULL_OK, "Maven", NULL,
         "org.apache.logging.log4j:log4j-core", "2.14.1", NULL, NULL},
        {"pkg:golang/github.com/foo/bar@v1.2.3", HULL_OK, "Go", NULL, "github.com/foo/bar",
         "v1.2.3", NULL, NULL},
        {"pkg:gem/rails@7.0.4", HULL_OK, "RubyGems", NULL, "rails", "7.0.4", NULL, NULL},
        {"pkg:cargo/smallvec@1.6.0", HULL_OK, "crates.io", NULL, "smallvec", "1.6.0", NULL, NULL},
        {"pkg:nuget/Newtonsoft.Json@13.0.1", HULL_OK, "NuGet", NULL, "Newtonsoft.Json", "13.0.1",
         NULL, NULL},
        {.purl = "pkg:oci/app@sha256%3A0123", .code = HULL_EUNSUPPORTED},
        {.purl = "pkg:github/acme/tool@v1.0", .code = HULL_EUNSUPPORTED},
        {.purl = "pkg:npm/nover", .code = HULL_EPARSE},
        {.purl = "npm/left-padder@1.0", .code = HULL_EPARSE},
        {.purl = "pkg:/left-padder@1.0", .code = HULL_EPARSE},
        {.purl = "pkg:npm/@1.0", .code = HULL_EPARSE},
        {.purl = "pkg:npm/a%zz@1.0", .code = HULL_EPARSE},
        {.purl = "pkg:npm/a%00b@1.0", .code = HULL_EPARSE},
        {.purl = "pkg:npm/a@1.0?arch", .code = HULL_EPARSE},
        {.purl = "pkg:deb/openssl@1.0", .code = HULL_EPARSE}, /* no distribution */
        {.purl = "pkg:n$m/x@1", .code = HULL_EPARSE},
};

TEST(purls) {
        for (size_t i = 0; i < ELEMENTSOF(purl_cases); i++) {
                const struct purl_case *c = &purl_cases[i];
                struct hull_arena a = HULL_ARENA_INIT;
                struct hull_vuln_package p;
                const char *why = NULL;
                int r = hull_vuln_package_from_purl(c->purl, &a, &p, &why);
#define SAME(x, y) ((x) ? (y) && strcmp((x), (y)) == 0 : (y) == NULL)
                if (r != c->code)
                        T_FAIL_AT("%s: code %d (%s), want %d", c->purl, r, why ? why : "", c->code);
                else if (r == HULL_OK &&
                         !(SAME(c->ecosystem, p.ecosystem) && SAME(c->release, p.release) &&
                           SAME(c->name, p.name) && SAME(c->version, p.version) &&
                           SAME(c->source, p.source) && SAME(c->source_version, p.source_version) &&
                           p.purl == c->purl))
                        T_FAIL_AT("%s: %s|%s|%s|%s|%s|%s", c->purl, p.ecosystem,
                                  p.release ? p.release : "-", p.name, p.version,
                                  p.source ? p.source : "-",
                                  p.source_version ? p.source_version : "-");
                else if (r != HULL_OK && !why)
                        T_FAIL_AT("%s: no reason given", c->purl);
#undef SAME
                hull_arena_release(&a);
        }
}

TEST(purl_parts) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_package pk = {.ecosystem = "npm", .name = "@acme/x", .version = "1.0"};
        struct hull_purl p;
        const char *why;

        T_OK(hull_purl_parse("pkg://Deb/debian//libfoo@1.0?Arch=amd64&distro=debian-12#/a/b/", &a,
                             &p, &why));
        T_STREQ(p.type, "deb");
        T_STREQ(p.namespace_, "debian");
        T_STREQ(p.name, "libfoo");
        T_STREQ(p.version, "1.0");
        T_STREQ(p.subpath, "a/b");
        T_STREQ(hull_purl_qualifier(&p, "arch"), "amd64");
        T_TRUE(hull_purl_qualifier(&p, "upstream") == NULL);
        /* a package's purl, made when it has none */
        T_OK(hull_vuln_package_purl(&pk, &a, &p));
        T_STREQ(p.type, "npm");
        T_STREQ(p.namespace_, "@acme");
        T_STREQ(p.name, "x");
        pk = (struct hull_vuln_package){.ecosystem = "Maven", .name = "g.h:art", .version = "1"};
        T_OK(hull_vuln_package_purl(&pk, &a, &p));
        T_STREQ(p.namespace_, "g.h");
        T_STREQ(p.name, "art");
        pk = (struct hull_vuln_package){.ecosystem = "Debian", .name = "libfoo", .version = "1"};
        T_OK(hull_vuln_package_purl(&pk, &a, &p));
        T_STREQ(p.type, "deb");
        T_STREQ(p.namespace_, "debian");
        pk = (struct hull_vuln_package){.ecosystem = "Bioconductor", .name = "a", .version = "1"};
        T_EQ(hull_vuln_package_purl(&pk, &a, &p), HULL_EUNSUPPORTED);
        hull_arena_release(&a);
}

static void close_db(void) {
        db = hull_vuln_db_close(db);
}

TEST(zz_close) {
        close_db();
        T_TRUE(db == NULL);
}

T_MAIN()
