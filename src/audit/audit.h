/* audit.h - the image audit: rules over a scanned image (config, history,
 * the layered file system, captured small files).
 *
 * An audit rule is a const struct hull_rule (lint/engine.h) whose .audit is
 * set and .check is NULL, in src/audit/rules/<id>_<slug>.c, registered by one
 * line in src/audit/rules.list (IDs HS4xxx; the same checklist as lint rules:
 * tests/audit/<ID>.test and docs/rules/<ID>.md, configure fails without
 * them).  hull_rules[] holds lint and audit rules together, so `hullscan
 * rules`, --ignore, .hullscan.yaml and the reports treat them alike.
 *
 * hull_audit_run() computes the facts (struct hull_audit_facts: OS, users,
 * shell, package manager, sizes) once, then calls every enabled rule's
 * audit(); a rule reads the model and calls hull_audit_report() with the
 * place (struct hull_audit_where) for every problem.  Provenance (layer
 * index, its diff_id, the history instruction that made it) is filled from
 * the place by the engine, so every finding can be traced to a Dockerfile
 * line.
 *
 * Ownership: findings are copied into the caller's struct hull_findings;
 * the facts live in the ctx arena and in *ret_facts' arena (caller's). */
#ifndef HULL_AUDIT_AUDIT_H
#define HULL_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "image/image.h"
#include "image/layers.h"
#include "image/scan.h"
#include "lint/engine.h"
#include "report/finding.h"

/* What the image is made of; reported as facts ("is it minimal?"), not as
 * failures. */
struct hull_audit_facts {
        const char *os_id;           /* os-release ID ("debian"); NULL when unknown */
        const char *os_version_id;   /* VERSION_ID ("12"); NULL */
        const char *os_pretty_name;  /* PRETTY_NAME; NULL */
        const char *shell;           /* first of /bin/sh, /bin/bash, /bin/ash, /bin/dash,
                                      * /usr/bin/sh, /bin/busybox present; NULL */
        const char *package_manager; /* "apt" (usr/bin/dpkg), "apk" (sbin/apk), "dnf",
                                      * "yum", "rpm", "microdnf", "zypper",
                                      * "pacman"; NULL */
        uint64_t final_bytes;        /* regular files in the final view */
        uint64_t tar_bytes;          /* uncompressed layer bytes */
        uint64_t blob_bytes;         /* compressed */
        uint64_t final_files;        /* regular files in the final view */
        unsigned nlayers;
        const char *user;  /* Config.User as written; NULL = empty */
        bool runs_as_root; /* user resolves to uid 0 (or is empty) */
        bool has_passwd;   /* /etc/passwd present in the final view */
        bool minimal;      /* no shell and no package manager */
};

/* Where a finding is.  Zero-initialised = the image as a whole. */
struct hull_audit_where {
        const char *path; /* file in the image, normalised ("etc/passwd"); NULL: none */
        const char
                *field; /* config or history field ("config.User", "history[3].created_by"); NULL */
        bool has_layer;
        unsigned layer; /* the layer that added / changed the file or ran the instruction */
        bool deleted;
        unsigned deleted_in; /* when deleted: the layer that deleted it (still in the image) */
};

/* The place of a node: path, its last layer, deleted_in. */
struct hull_audit_where hull_audit_where_node(const struct hull_layers_node *n, char *pathbuf,
                                              size_t pathsz);

struct hull_audit_ctx {
        const struct hull_rule *rule; /* the rule running */
        const struct hull_image *img;
        const struct hull_oci_config *config; /* img->config */
        const struct hull_scan *scan;
        const struct hull_layers *L; /* hull_scan_layers(scan), finished */
        const struct hull_lint_config *cfg;
        const struct hull_audit_facts *facts;
        struct hull_findings *out;
        struct hull_arena *arena; /* scratch for rules, freed after the run */
        int err;                  /* sticky: HULL_ENOMEM */
};

/* Report a problem found by c->rule at w.  fix NULL: the rule's default. */
void hull_audit_report(struct hull_audit_ctx *c, const struct hull_audit_where *w, const char *fix,
                       const char *fmt, ...) _printf_(4, 5);
void hull_audit_report_severity(struct hull_audit_ctx *c, enum hull_severity sev,
                                const struct hull_audit_where *w, const char *fix, const char *fmt,
                                ...) _printf_(5, 6);

/* What the audit wants captured by the scan (pass as hull_scan_opts.capture,
 * ud NULL): /etc/passwd, /etc/group, os-release, credential files
 * (.npmrc, .pypirc, .netrc, .git-credentials, .docker/config.json,
 * .aws/credentials, .env) up to HULL_SCAN_CAPTURE_MAX. */
bool hull_audit_capture(void *ud, const char *path, uint64_t size);

/* /etc/passwd of the final view: the uid of user name (or of a numeric
 * "1000"); HULL_OK, HULL_ENOTFOUND (no such user or no passwd). */
int hull_audit_user_uid(const struct hull_audit_ctx *c, const char *name, uint32_t *ret_uid);

/* Captured content of the file at path in the final view, links followed;
 * NULL when absent or not captured. */
const char *hull_audit_final_content(const struct hull_audit_ctx *c, const char *path,
                                     size_t *ret_n);

/* True when value is on the configured secret allow-list. */
bool hull_audit_secret_allowed(const struct hull_audit_ctx *c, const char *value);

/* Compute the facts, then run every enabled audit rule.  Findings are added
 * to out (not sorted); facts into *ret_facts (strings in fa).  Returns
 * HULL_OK or HULL_ENOMEM. */
int hull_audit_run(const struct hull_image *img, const struct hull_scan *scan,
                   const struct hull_lint_config *cfg, struct hull_findings *out,
                   struct hull_arena *fa, struct hull_audit_facts *ret_facts, struct hull_diag *d);

#endif
