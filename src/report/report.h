/* report.h - formatters: findings -> table, json, sarif, junit.
 *
 * A formatter is a const struct hull_formatter registered by one line in
 * formatters.list.  It writes the whole report for a run into a buffer:
 * findings are sorted beforehand (hull_findings_sort) so every format is
 * deterministic.  Formatters only read; rule metadata comes as plain data
 * (struct hull_report_rule) so this module does not depend on the linter. */
#ifndef HULL_REPORT_REPORT_H
#define HULL_REPORT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/buf.h"
#include "report/finding.h"

struct hull_report_rule {
        const char *id, *slug, *title, *rationale, *fix;
        enum hull_severity severity; /* default severity */
        const char *help_uri;        /* docs page */
        const char *hadolint, *trivy;
        bool image; /* an image audit rule (HS4xxx) rather than a Dockerfile rule */
};

/* hullscan image: one layer of the image scanned. */
struct hull_report_layer {
        const char *diff_id;
        const char *digest;     /* blob digest; NULL when the archive names none */
        const char *created_by; /* history instruction; NULL */
        uint64_t blob_bytes, tar_bytes;
        const char *compression; /* "gzip", "zstd", "none" */
};

/* hullscan image: what was scanned and what it is made of (facts). */
struct hull_report_image {
        const char *ref;       /* as given */
        const char *path;      /* the archive or layout directory */
        const char *transport; /* "docker-archive", "oci", "oci-archive" */
        const char *name;      /* selected tag or NULL */
        const char *const *tags;
        size_t ntags;
        const char *manifest_digest, *config_digest; /* manifest: NULL when none */
        const char *platform;                        /* "linux/amd64" */
        bool verified;                               /* false: --skip-verify */
        bool no_facts; /* the facts below were not gathered (hullscan secrets) */
        const char *os;   /* os-release PRETTY_NAME or ID VERSION_ID; NULL */
        const char *user; /* Config.User; NULL = empty */
        bool runs_as_root;
        const char *shell;           /* NULL: none */
        const char *package_manager; /* NULL: none */
        bool minimal;                /* no shell, no package manager */
        uint64_t final_bytes, final_files, tar_bytes, blob_bytes;
        const struct hull_report_layer *layers;
        size_t nlayers;
        const char *const *notes; /* skipped files, warnings */
        size_t nnotes;
        uint64_t notes_dropped;
};

/* hullscan vuln: a match that an ignore file or a VEX statement suppressed
 * (listed, never counted). */
struct hull_report_suppressed {
        const char *id;
        const char *ecosystem, *package, *version;
        const char *severity; /* as in struct hull_finding_vuln */
        const char *by;       /* "ignore" or "vex" */
        const char *where;    /* "FILE:LINE" of the ignore entry, "FILE: statements[N]" */
        const char *reason;   /* the entry's reason; VEX: status and justification */
        const char *until;    /* ignore entries: the expiry; NULL */
};

/* hullscan vuln: what was matched against what. */
struct hull_report_vuln {
        const char *input;    /* as given */
        const char *format;   /* "package list", "CycloneDX", "SPDX" */
        const char *database; /* its path */
        size_t packages;      /* packages read from the input */
        bool ignore_unfixed;  /* findings without a fixed version were left out */
        const struct hull_report_suppressed *suppressed;
        size_t nsuppressed;
        const char *const *notes; /* skipped input entries, unknown ecosystems, ... */
        size_t nnotes;
};

/* Everything a formatter may print besides the findings. */
/* hullscan secrets: what was read. */
struct hull_report_secrets {
        uint64_t files, bytes;      /* read (images: every regular file of every layer) */
        uint64_t skipped;           /* left out by --skip */
        bool context;               /* build-context mode */
        bool dockerignore;          /* a .dockerignore applied */
        uint64_t context_files, context_bytes, context_excluded;
        uint64_t baseline_ignored;  /* findings a --baseline report already had */
        uint64_t allowed;           /* findings the configuration's allow-list took */
        double seconds;
        const char *const *notes; /* skipped files, damaged archives */
        size_t nnotes;
        uint64_t notes_dropped;
};

struct hull_report_meta {
        const char *tool;                     /* "hullscan" */
        const char *version;                  /* HULL_VERSION */
        const char *command;                  /* "lint" */
        const struct hull_report_rule *rules; /* every rule that ran, sorted by id */
        size_t nrules;
        const char *const *files; /* every file scanned, as given */
        size_t nfiles;
        enum hull_severity fail_on;
        bool color;                            /* ANSI colours (table) */
        bool quiet;                            /* table: no summary when clean */
        const struct hull_report_image *image; /* hullscan image; NULL otherwise */
        const struct hull_report_vuln *vuln;   /* hullscan vuln; NULL otherwise */
        const struct hull_report_secrets *secrets; /* hullscan secrets; NULL otherwise */
};

struct hull_formatter {
        const char *name;
        const char *summary;
        int (*write)(struct hull_buf *out, const struct hull_findings *f,
                     const struct hull_report_meta *m);
};

/* The four formats of a vulnerability report (report/vuln.c); each
 * formatter hands over to its own when meta->vuln is set. */
int hull_report_vuln_table(struct hull_buf *out, const struct hull_findings *f,
                           const struct hull_report_meta *m);
int hull_report_vuln_json(struct hull_buf *out, const struct hull_findings *f,
                          const struct hull_report_meta *m);
int hull_report_vuln_sarif(struct hull_buf *out, const struct hull_findings *f,
                           const struct hull_report_meta *m);
int hull_report_vuln_junit(struct hull_buf *out, const struct hull_findings *f,
                           const struct hull_report_meta *m);

/* NULL-terminated, in formatters.list order. */
extern const struct hull_formatter *const hull_formatters[];
const struct hull_formatter *hull_formatter_find(const char *name);

#endif
