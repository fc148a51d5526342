/* finding.h - what every check produces: a finding with a rule, a severity,
 * a place and a fix (hadolint's CheckFailure, trivy's DetectedMisconfiguration).
 *
 * Findings live in a struct hull_findings whose strings are allocated in its
 * arena; formatters only read them.  hull_findings_sort() orders them by
 * file, line, column, rule id and message (vulnerabilities: by package,
 * then id), so every report is deterministic. */
#ifndef HULL_REPORT_FINDING_H
#define HULL_REPORT_FINDING_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/arena.h"

enum hull_severity {
        HULL_SEV_INFO,
        HULL_SEV_LOW,
        HULL_SEV_MEDIUM,
        HULL_SEV_HIGH,
        HULL_SEV_CRITICAL,
        _HULL_SEV_MAX,
        _HULL_SEV_INVALID = -1,
};

const char *hull_severity_to_string(enum hull_severity s);   /* "high"; NULL if out of range */
enum hull_severity hull_severity_from_string(const char *s); /* case-insensitive; _INVALID */

/* hullscan vuln: a known vulnerability of one package (report/vuln.c). */
struct hull_finding_vuln {
        const char *id;             /* "GHSA-...", "DSA-5380-1" */
        const char *const *aliases; /* CVE ids first */
        size_t naliases;
        const char *const *related; /* related and upstream ids */
        size_t nrelated;
        const char *ecosystem;                /* with the release: "Debian:11" */
        const char *package;                  /* the installed package's name */
        const char *version;                  /* installed */
        const char *source;                   /* the source package matched by; NULL */
        const char *purl;                     /* NULL */
        const char *location;                 /* NULL */
        const char *fixed_version;            /* NULL: no fix known */
        const char *severity;                 /* "unknown", "none", "low", ..., "critical" */
        int score;                            /* CVSS base score in tenths; -1: none */
        const char *severity_source;          /* "cvss_v3", "cvss_v4", "debian_urgency", "github",
                                               * "ubuntu", "none" */
        const char *vector;                   /* the CVSS vector or label used; NULL */
        const char *summary, *url, *modified; /* NULL when unknown */
};

/* hullscan secrets (and secrets found by lint and image): the secret. */
struct hull_finding_secret {
        const char *value; /* redacted ("AKIA************MPLE") unless shown */
        bool redacted;
        const char *fingerprint; /* hex SHA-256 of rule, place and secret (baselines) */
        const char *inner;       /* member of a nested archive: "app.jar!/x.yml"; NULL */
        const char *encoding;    /* "base64", "gzip", "utf-16le", ...; NULL */
};

struct hull_finding {
        const char *rule_id; /* "HS2001" */
        const char *slug;    /* checklist slug: "non-root-user" */
        const char *title;   /* the rule's title */
        enum hull_severity severity;
        const char *message; /* what is wrong here, specifically */
        const char *fix;     /* one line: what to do */
        const char *file;    /* as given by the user */
        unsigned line, col;  /* 1-based; 0 = the whole file */
        unsigned end_line;
        /* Image findings (hullscan image): file is the image reference; the
         * place inside the image and its provenance.  All zero for Dockerfiles. */
        const char *image_path;  /* "etc/passwd" (normalised, no leading '/'); NULL: none */
        const char *image_field; /* "config.User", "history[3].created_by"; NULL */
        bool has_layer;
        unsigned layer;           /* index from 0 */
        const char *layer_digest; /* the layer's diff_id */
        const char *created_by;   /* the history instruction that made the layer; NULL */
        bool deleted;             /* deleted by a later layer, still in the image */
        unsigned deleted_in;
        /* hullscan vuln: rule_id is the vulnerability id, file the input;
         * NULL for every other command */
        const struct hull_finding_vuln *vuln;
        /* a secret finding: rule_id is the secret rule's id; NULL otherwise */
        const struct hull_finding_secret *secret;
};

struct hull_findings {
        struct hull_arena arena;
        struct hull_finding *v;
        size_t n, cap;
        /* strings passed again by the same pointer (a rule's id, title, fix)
         * are copied once: a direct-mapped cache of source -> copy */
        struct {
                const char *src, *copy;
        } interned[256];
};

void hull_findings_init(struct hull_findings *f);
void hull_findings_release(struct hull_findings *f);
/* Appends a copy of *x (strings copied into f's arena).  HULL_ENOMEM. */
int hull_findings_add(struct hull_findings *f, const struct hull_finding *x);
void hull_findings_sort(struct hull_findings *f);
/* Where a finding is, for one-line reports: "Dockerfile:12" for a file;
 * for an image finding its field ("config.User") or "/path" with the layer:
 * "/usr/bin/su (layer 2)", "/app/.env (layer 1, deleted in layer 3)"; a
 * secret adds the archive member and the line: "lib/app.jar!/x.yml:3",
 * "/app/.env:2 (layer 1, deleted in layer 3)".
 * Always NUL-terminated (truncated to size). */
void hull_finding_place(const struct hull_finding *x, char *buf, size_t size);

/* Number of findings at or above min. */
size_t hull_findings_count_at_least(const struct hull_findings *f, enum hull_severity min);

#endif
