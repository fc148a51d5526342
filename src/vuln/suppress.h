/* suppress.h - what `hullscan vuln` is told not to report: entries of an
 * ignore file, and OpenVEX statements.
 *
 * Ignore file (YAML, or JSON, which the YAML reader also reads):
 *
 *   ignore:
 *     - id: CVE-2099-1000        # a record id or one of its aliases
 *       package: libfoo          # optional: the package (or source) name
 *       reason: not reachable: we never parse untrusted input with it
 *       expires: 2026-06-30      # optional: a date (UTC) or an RFC 3339 time
 *
 * id and reason are required, strings all; other keys are errors (a typo
 * must not silently ignore nothing).  An entry suppresses a match when the
 * id is the record's id or one of its aliases and, with package, the name
 * is the package's or its source package's.  An entry whose expiry is
 * reached (the date at 00:00 UTC, or the time; HULLSCAN_NOW in tests)
 * suppresses nothing, and is listed in expired[] so the CLI can say so.
 *
 * OpenVEX (https://github.com/openvex/spec, v0.2.0 and the earlier
 * v0.0.x shapes): a JSON object whose @context starts with
 * "https://openvex.dev/ns" and whose statements[] each name a
 * vulnerability (an object with name and aliases, or a string), products
 * (objects with @id, identifiers.purl and subcomponents, or strings) and a
 * status: not_affected, affected, fixed or under_investigation.  Only
 * package URLs identify packages here: a statement applies to the
 * subcomponents' purls when it has any, else to the products' purls.  A
 * purl applies to a package when type, namespace and name are the same
 * (PyPI names compared PEP 503-normalised), its version (if any) is the
 * installed one, and each of its qualifiers is in the package's purl (a
 * package without a purl gets one made of its ecosystem, name and
 * version).  Of the statements that apply to a match (the record id or an
 * alias is the statement's vulnerability name or alias), the one with the
 * latest timestamp (its own, else the document's) wins, the later one on
 * ties; not_affected and fixed suppress, affected and under_investigation
 * do not.
 *
 * Ownership: everything lives in the arena given to hull_vuln_suppress_init. */
#ifndef HULL_VULN_SUPPRESS_H
#define HULL_VULN_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "vuln/match.h"
#include "vuln/purl.h"

struct hull_vuln_ignore_entry {
        const char *id, *package, *reason;
        const char *until; /* the expiry as written; NULL */
        int64_t expires;   /* Unix seconds; valid when until is set */
        bool expired;
        const char *where; /* "FILE:LINE" */
};

enum hull_vex_status {
        HULL_VEX_NOT_AFFECTED,
        HULL_VEX_AFFECTED,
        HULL_VEX_FIXED,
        HULL_VEX_UNDER_INVESTIGATION,
        _HULL_VEX_STATUS_MAX,
};

struct hull_vex_statement {
        const char **ids; /* the vulnerability's name and aliases */
        size_t n_ids;
        struct hull_purl *purls; /* what it applies to */
        size_t n_purls;
        enum hull_vex_status status;
        const char *justification, *impact; /* NULL */
        int64_t timestamp;                  /* 0 when neither it nor its document has one */
        size_t order;                       /* load order, for ties */
        const char *where;                  /* "FILE: statements[N]" */
};

struct hull_vuln_suppress {
        struct hull_arena *a;
        struct hull_vuln_ignore_entry *ign;
        size_t n_ign, cap_ign;
        struct hull_vex_statement *vex;
        size_t n_vex, cap_vex;
        const char **expired; /* one message per expired ignore entry */
        size_t n_expired, cap_expired;
};

/* Why a match is suppressed (or not: suppressed false). */
struct hull_vuln_suppression {
        bool suppressed;
        const char *by;     /* "ignore" or "vex" */
        const char *where;  /* the entry or statement */
        const char *reason; /* the entry's reason; VEX: "not_affected: JUSTIFICATION" */
        const char *until;  /* ignore entries with an expiry; NULL */
};

void hull_vuln_suppress_init(struct hull_vuln_suppress *s, struct hull_arena *a);

/* Read the ignore file at path (now: Unix seconds, for expiries).
 * HULL_EIO, HULL_ELIMIT (HULL_MAX_VULN_IGNORE_BYTES), HULL_EPARSE with
 * file, line and column. */
int hull_vuln_suppress_load_ignore(struct hull_vuln_suppress *s, const char *path, int64_t now,
                                   struct hull_diag *d);
int hull_vuln_suppress_load_ignore_data(struct hull_vuln_suppress *s, const char *data, size_t len,
                                        const char *name, int64_t now, struct hull_diag *d);

/* Read an OpenVEX document.  HULL_EIO, HULL_ELIMIT, HULL_EPARSE with the
 * JSON path. */
int hull_vuln_suppress_load_vex(struct hull_vuln_suppress *s, const char *path,
                                struct hull_diag *d);
int hull_vuln_suppress_load_vex_data(struct hull_vuln_suppress *s, const char *data, size_t len,
                                     const char *name, struct hull_diag *d);

/* Whether match m of package p is suppressed; *ret says by what.  Ignore
 * entries are looked at first, then VEX statements. */
bool hull_vuln_suppress_check(const struct hull_vuln_suppress *s, const struct hull_vuln_match *m,
                              const struct hull_vuln_package *p, struct hull_vuln_suppression *ret);

#endif
