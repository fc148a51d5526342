/* match.h - packages against the OSV database: which records affect which
 * installed package, the fix to upgrade to, and how severe it is.
 *
 * The package model is what every producer of packages hands the engine
 * (a JSON package list, an SBOM, later the image catalogers): an ecosystem
 * with its release ("Debian" + "11"), the package name, the source package
 * it was built from, the installed version, a purl and where it was found.
 *
 * Matching follows the OSV schema's evaluation ("IsVulnerable", schema 1.6)
 * exactly, per affected[] entry that names the package:
 *  - ECOSYSTEM ranges are evaluated in the ecosystem's version order
 *    (hull_vuln_ecosystem_find: Debian dpkg, Alpine apk, PyPI pep440, ...),
 *    SEMVER ranges in SemVer 2.0 order (Go's own rules for Go);
 *  - the events of a range are taken in version order, ties as introduced,
 *    last_affected, fixed, limit; an introduced "0" sorts before every
 *    version; the installed version v is affected by a range when the last
 *    event that applies to it (introduced <= v, fixed <= v, last_affected
 *    < v) is an introduced one, and v is below one of the range's limits
 *    (none, or a limit containing "*", is no limit);
 *  - an event whose version is invalid in the range's order is skipped
 *    (counted), as is a range when the installed version is invalid in it;
 *  - versions[] entries are compared by version equality in the
 *    ecosystem's order (both valid), else as exact strings (the schema
 *    lets versions lists hold upstream tags of any syntax);
 *  - GIT ranges are never evaluated (commit graphs are not available
 *    offline); an entry with a GIT range matches through its versions list;
 *  - releases: a record for "Debian:11" affects only packages of Debian 11,
 *    a record for plain "Debian" every release; a package without a
 *    release is matched only against records without one (reported, as
 *    its fixes cannot be told apart).  Ubuntu records' ":LTS" suffix is
 *    not part of the release; Alpine releases are "v3.18";
 *  - names: ecosystems whose records name source packages (Debian,
 *    Ubuntu, Alpine's origin, the RPM distributions but Red Hat) are looked
 *    up under the package's source name when it has one, with its source
 *    version when given; Red Hat records name binary or source RPMs, so
 *    both are looked up; PyPI names are compared PEP 503-normalised;
 *  - withdrawn records never match (the database leaves them out).
 * A package affected by several entries of one record gets one match.
 *
 * Fixed version: among the fixed events of the matching entries' ranges
 * that are above the installed version, the smallest one that the record
 * does not itself mark affected; NULL when there is none (unfixed, or
 * only last_affected known).
 *
 * Severity, first found wins: a CVSS v4.0 vector, then a CVSS v3.x one (the
 * affected entry's severity[] before the record's), scored by our own
 * calculator (cvss.h, base score); else Debian's urgency of the matched
 * entry; else GitHub's database_specific.severity label; else an Ubuntu
 * priority; else unknown.  The source is reported.
 *
 * Ownership: matches, details and every string in them live in the arena
 * given; packages are only read.  The database handle is only read. */
#ifndef HULL_VULN_MATCH_H
#define HULL_VULN_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "vuln/db.h"
#include "vuln/version.h"

/* ---- ecosystems ---- */

#define HULL_VULN_ECO_SOURCE_NAMES 1u /* records name source packages */
#define HULL_VULN_ECO_BOTH_NAMES 2u   /* records name binary or source packages */
#define HULL_VULN_ECO_OS 4u           /* a distribution: releases matter */

struct hull_vuln_ecosystem {
        const char *name; /* OSV's spelling: "Debian", "crates.io", "Red Hat" */
        enum hull_version_scheme scheme;
        unsigned flags; /* HULL_VULN_ECO_* */
};

/* The ecosystem named s[0..n) (OSV's spelling, ASCII case ignored); NULL
 * when hullscan has no version order for it. */
const struct hull_vuln_ecosystem *hull_vuln_ecosystem_find(const char *s, size_t n);

/* The release as records spell it, into buf (size bytes, NUL-terminated):
 * Alpine "3.18", "3.18.4" and "v3.18" give "v3.18"; Ubuntu "22.04:LTS"
 * gives "22.04"; others are kept.  Returns buf. */
char *hull_vuln_release_canonical(const struct hull_vuln_ecosystem *e, const char *release,
                                  char *buf, size_t size);

/* ---- packages ---- */

struct hull_vuln_package {
        const char *ecosystem;      /* base, as given: "Debian", "PyPI" */
        const char *release;        /* "11", "v3.18"; NULL when none */
        const char *name;           /* as installed */
        const char *source;         /* source package (dpkg Source:, apk origin); NULL */
        const char *source_version; /* its version when it differs; NULL */
        const char *version;        /* installed */
        const char *purl;           /* NULL when unknown */
        const char *location;       /* where it was found (file, SBOM ref); NULL */
};

/* ---- evaluating ranges ---- */

/* What hull_vuln_eval() found for one version against the items of the
 * compact form (db.h), one affected entry's or several concatenated. */
struct hull_vuln_verdict {
        bool affected;
        bool in_versions;     /* affected through a versions[] entry */
        const char *fixed;    /* see above; points into the items; NULL */
        unsigned skipped;     /* events skipped: invalid version in their order */
        unsigned unevaluated; /* ECOSYSTEM/SEMVER ranges skipped: v invalid in their order */
};

/* Evaluate version v (valid or not) of an ecosystem ordered by scheme
 * against items[0..n).  Returns HULL_OK, HULL_ECORRUPT when the items are
 * not a sequence the compact form can hold (an event before any range), or
 * HULL_ENOMEM.
 * Maven note: ComparableVersion is not transitive (version.h); "smallest"
 * and "last" are then taken pairwise in item order, as OSV tools do. */
int hull_vuln_eval(enum hull_version_scheme scheme, const struct hull_vuln_ranges_item *items,
                   size_t n, const char *v, struct hull_vuln_verdict *ret);

/* ---- matching ---- */

enum hull_vuln_severity {
        HULL_VULN_SEV_UNKNOWN,
        HULL_VULN_SEV_NONE, /* CVSS 0.0 */
        HULL_VULN_SEV_LOW,
        HULL_VULN_SEV_MEDIUM,
        HULL_VULN_SEV_HIGH,
        HULL_VULN_SEV_CRITICAL,
        _HULL_VULN_SEV_MAX,
};

enum hull_vuln_severity_source {
        HULL_VULN_SRC_NONE,
        HULL_VULN_SRC_CVSS_V3,
        HULL_VULN_SRC_CVSS_V4,
        HULL_VULN_SRC_DEBIAN_URGENCY,
        HULL_VULN_SRC_GITHUB,
        HULL_VULN_SRC_UBUNTU,
        _HULL_VULN_SRC_MAX,
};

/* "unknown", "none", "low", "medium", "high", "critical". */
const char *hull_vuln_severity_to_string(enum hull_vuln_severity s);
/* "none", "cvss_v3", "cvss_v4", "debian_urgency", "github", "ubuntu". */
const char *hull_vuln_severity_source_to_string(enum hull_vuln_severity_source s);

struct hull_vuln_match {
        size_t pkg;          /* index of the package */
        const char *id;      /* the record */
        int64_t record;      /* its row in the database, for the details; 0 unknown */
        const char *fixed;   /* smallest fix above the installed version; NULL */
        bool by_source;      /* found under the source package name */
        const char *urgency; /* Debian urgency of the matched entry; NULL */
        /* details (hull_vuln_match_details) */
        const char **aliases; /* CVE ids first, then the others, each sorted */
        size_t n_aliases;
        const char **related; /* related[] then upstream[] */
        size_t n_related;
        const char *summary;  /* summary, else the first line of details; NULL */
        const char *url;      /* an ADVISORY reference, else WEB, else the first; NULL */
        const char *modified; /* canonical RFC 3339 */
        enum hull_vuln_severity severity;
        enum hull_vuln_severity_source severity_source;
        int score;          /* CVSS base score in tenths; -1 without CVSS */
        const char *vector; /* the CVSS vector or the label used; NULL */
};

struct hull_vuln_name_count {
        const char *name;
        size_t count;
};

struct hull_vuln_match_stats {
        size_t packages;                                 /* given */
        size_t matched_packages;                         /* with at least one match */
        size_t unknown;                                  /* in an ecosystem hullscan cannot order */
        struct hull_vuln_name_count *unknown_ecosystems; /* those ecosystems, sorted */
        size_t n_unknown_ecosystems;
        size_t invalid_version; /* version invalid in the ecosystem's order */
        size_t no_release;      /* OS packages without a release */
        size_t skipped_events;  /* events skipped in matched packages' records */
        size_t damaged_rows;    /* affected rows whose ranges could not be read */
        size_t lookups;         /* database lookups made */
};

struct hull_vuln_matches {
        struct hull_vuln_match *v;
        size_t n, cap;
        struct hull_vuln_match_stats stats;
};

/* Match pkgs[0..n) against db.  On success *ret holds the matches in
 * package order, then record id order, without details.  A package the
 * engine cannot judge (unknown ecosystem, invalid version) is counted in
 * the stats, never an error.  Errors: HULL_ENOMEM, HULL_EDB (d says). */
int hull_vuln_match(struct hull_vuln_db *db, const struct hull_vuln_package *pkgs, size_t n,
                    struct hull_arena *a, struct hull_vuln_matches *ret, struct hull_diag *d);

/* Fill the details of every match (aliases, summary, url, severity) from
 * the stored records, each record read once.  A stored record that cannot
 * be read is an error (HULL_ECORRUPT: the database is damaged). */
int hull_vuln_match_details(struct hull_vuln_db *db, const struct hull_vuln_package *pkgs,
                            struct hull_vuln_matches *m, struct hull_arena *a, struct hull_diag *d);

#endif
