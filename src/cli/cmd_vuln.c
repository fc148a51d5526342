/* cmd_vuln.c - `hullscan vuln`: the known vulnerabilities of the packages
 * in a package list or an SBOM, from the offline OSV database.
 *
 * Steps: read INPUT (vuln/input.h) -> open the database (vuln/db.h) ->
 * match every package (vuln/match.h) and read the details of the records
 * that matched -> leave out what --ignore-unfixed, the ignore file and VEX
 * statements say to -> one report (report/vuln.c).  Exit codes as every
 * command: 0, 1 (a reported vulnerability at or above --fail-on), 2 (bad
 * usage, an input or database that cannot be used), 3 (internal). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "cli/cli.h"
#include "report/report.h"
#include "vuln/db.h"
#include "vuln/input.h"
#include "vuln/match.h"
#include "vuln/osv.h"
#include "vuln/suppress.h"

static const char *const vuln_usage[] = {
        "hullscan vuln [--db PATH] [--format FORMAT] [--fail-on SEVERITY]",
        "              [--severity SEVERITY] [--ignore-unfixed] [--ignore-file FILE]",
        "              [--vex FILE]... [-o FILE] [-q] INPUT",
        NULL,
};

static void vuln_help(const struct hull_option *opts) {
        hull_usage(stdout, vuln_usage, opts);
        printf("\n"
               "INPUT is a JSON package list (an array of {\"ecosystem\": \"Debian:11\", "
               "\"name\",\n"
               "\"version\"} with optional \"purl\", \"source\", \"source_version\" and\n"
               "\"location\"), a CycloneDX JSON SBOM or an SPDX JSON SBOM (packages from\n"
               "their purls); '-' reads standard input.  Each package is matched against\n"
               "the OSV records of its ecosystem and release in the database that\n"
               "'hullscan db import' fills (OS packages by their source package).\n"
               "\n"
               "Severities: critical, high, medium, low, and unknown (no severity in the\n"
               "record), which --severity and --fail-on rank as info.  Exit status: 0 when no\n"
               "reported vulnerability is at or above --fail-on, 1 when one is, 2 for bad\n"
               "usage or an input or database that cannot be used, 3 for an internal error.\n"
               "With --ignore-unfixed, vulnerabilities without a fixed version above the\n"
               "installed one are neither reported nor counted; suppressed ones never are.\n");
}

static enum hull_severity to_severity(enum hull_vuln_severity s) {
        switch (s) {
        case HULL_VULN_SEV_LOW: return HULL_SEV_LOW;
        case HULL_VULN_SEV_MEDIUM: return HULL_SEV_MEDIUM;
        case HULL_VULN_SEV_HIGH: return HULL_SEV_HIGH;
        case HULL_VULN_SEV_CRITICAL: return HULL_SEV_CRITICAL;
        default: return HULL_SEV_INFO;
        }
}

struct run {
        struct hull_arena a;
        struct hull_vuln_input in;
        struct hull_vuln_matches m;
        const char **notes;
        size_t nnotes, capnotes;
        struct hull_report_suppressed *sup;
        size_t nsup, capsup;
        struct hull_vuln_suppress sp; /* ignore file and VEX */
};

static int add_note(struct run *r, const char *fmt, ...) _printf_(2, 3);
static int add_note(struct run *r, const char *fmt, ...) {
        char buf[1024];
        va_list ap;
        const char **slot;

        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);
        slot = hull_arena_push(&r->a, (void **)&r->notes, &r->nnotes, &r->capnotes, sizeof(*slot));
        if (!slot || !(*slot = hull_arena_strdup(&r->a, buf)))
                return HULL_ENOMEM;
        return HULL_OK;
}

static const char *plural(size_t n, const char *one, const char *many) {
        return n == 1 ? one : many;
}

/* What the report says besides the findings: entries skipped, packages the
 * engine could not judge. */
static int input_notes(struct run *r) {
        const struct hull_vuln_input *in = &r->in;
        const struct hull_vuln_match_stats *st = &r->m.stats;

        if (in->no_purl)
                HULL_TRY(add_note(r, "%zu SBOM %s without a purl skipped", in->no_purl,
                                  plural(in->no_purl, "entry", "entries")));
        if (in->unsupported)
                HULL_TRY(add_note(r,
                                  "%zu %s no package ecosystem (pkg:oci, pkg:github, ...) skipped",
                                  in->unsupported,
                                  plural(in->unsupported, "purl whose type names",
                                         "purls whose types name")));
        if (in->bad_purl)
                HULL_TRY(add_note(r, "%zu %s that cannot be read skipped", in->bad_purl,
                                  plural(in->bad_purl, "purl", "purls")));
        for (size_t i = 0; i < in->n_notes; i++)
                HULL_TRY(add_note(r, "  %s", in->notes[i]));
        if (st->unknown) {
                struct hull_buf b = HULL_BUF_INIT(4096);
                for (size_t i = 0; i < st->n_unknown_ecosystems; i++)
                        (void)!hull_buf_printf(&b, "%s%s (%zu)", i ? ", " : "",
                                               *st->unknown_ecosystems[i].name
                                                       ? st->unknown_ecosystems[i].name
                                                       : "(none)",
                                               st->unknown_ecosystems[i].count);
                int e = add_note(r, "%zu %s in ecosystems hullscan cannot match, not checked: %s",
                                 st->unknown, plural(st->unknown, "package", "packages"),
                                 b.data ? b.data : "");
                hull_buf_release(&b);
                HULL_TRY(e);
        }
        if (st->invalid_version)
                HULL_TRY(add_note(r,
                                  "%zu %s a version that is invalid in %s ecosystem's order: "
                                  "matched only against versions records list exactly",
                                  st->invalid_version,
                                  plural(st->invalid_version, "package has", "packages have"),
                                  plural(st->invalid_version, "its", "their")));
        if (st->no_release)
                HULL_TRY(add_note(r,
                                  "%zu operating-system %s no release (\"Debian:12\", "
                                  "distro=debian-12): matched only against records for every "
                                  "release",
                                  st->no_release,
                                  plural(st->no_release, "package names", "packages name")));
        if (st->skipped_events)
                HULL_TRY(add_note(r,
                                  "%zu range %s with a version invalid in the ecosystem's order "
                                  "skipped while matching",
                                  st->skipped_events,
                                  plural(st->skipped_events, "event", "events")));
        if (st->damaged_rows)
                HULL_TRY(add_note(r,
                                  "%zu affected %s in the database could not be read (a damaged "
                                  "database?)",
                                  st->damaged_rows, plural(st->damaged_rows, "entry", "entries")));
        return HULL_OK;
}

static char *ecosystem_text(struct hull_arena *a, const struct hull_vuln_package *p) {
        size_t n = strlen(p->ecosystem), k = p->release ? strlen(p->release) : 0;
        char *s = hull_arena_alloc(a, n + k + 2);

        if (!s)
                return NULL;
        memcpy(s, p->ecosystem, n);
        if (p->release) {
                s[n] = ':';
                memcpy(s + n + 1, p->release, k + 1);
        } else {
                s[n] = '\0';
        }
        return s;
}

static int suppressed_add(struct run *r, const struct hull_vuln_match *m,
                          const struct hull_vuln_package *p, const char *eco,
                          const struct hull_vuln_suppression *why) {
        struct hull_report_suppressed *s =
                hull_arena_push(&r->a, (void **)&r->sup, &r->nsup, &r->capsup, sizeof(*s));

        if (!s)
                return HULL_ENOMEM;
        *s = (struct hull_report_suppressed){
                .id = m->id,
                .ecosystem = eco,
                .package = p->name,
                .version = p->version,
                .severity = hull_vuln_severity_to_string(m->severity),
                .by = why->by,
                .where = why->where,
                .reason = why->reason,
                .until = why->until,
        };
        return HULL_OK;
}

/* Findings (and suppressed matches) from the matches. */
static int build(struct run *r, const char *input, bool ignore_unfixed, struct hull_findings *all) {
        for (size_t i = 0; i < r->m.n; i++) {
                const struct hull_vuln_match *m = &r->m.v[i];
                const struct hull_vuln_package *p = &r->in.packages[m->pkg];
                struct hull_vuln_suppression why;
                char msg[1024], fix[600];
                const char *eco = ecosystem_text(&r->a, p);
                if (!eco)
                        return HULL_ENOMEM;
                if (ignore_unfixed && !m->fixed)
                        continue;
                if (hull_vuln_suppress_check(&r->sp, m, p, &why))
                        HULL_TRY(suppressed_add(r, m, p, eco, &why));
                if (why.suppressed)
                        continue;
                struct hull_finding_vuln fv = {
                        .id = m->id,
                        .aliases = m->aliases,
                        .naliases = m->n_aliases,
                        .related = m->related,
                        .nrelated = m->n_related,
                        .ecosystem = eco,
                        .package = p->name,
                        .version = p->version,
                        .source = m->by_source ? p->source : NULL,
                        .purl = p->purl,
                        .location = p->location,
                        .fixed_version = m->fixed,
                        .severity = hull_vuln_severity_to_string(m->severity),
                        .score = m->score,
                        .severity_source = hull_vuln_severity_source_to_string(m->severity_source),
                        .vector = m->vector,
                        .summary = m->summary,
                        .url = m->url,
                        .modified = m->modified,
                };
                snprintf(msg, sizeof(msg), "%s %s: %s", p->name, p->version,
                         m->summary ? m->summary : m->id);
                if (m->fixed)
                        snprintf(fix, sizeof(fix), "upgrade %s to %s", p->name, m->fixed);
                struct hull_finding x = {
                        .rule_id = m->id,
                        .title = m->summary ? m->summary : m->id,
                        .severity = to_severity(m->severity),
                        .message = msg,
                        .fix = m->fixed ? fix : NULL,
                        .file = input,
                        .vuln = &fv,
                };
                HULL_TRY(hull_findings_add(all, &x));
        }
        return HULL_OK;
}

int cmd_vuln(int argc, const char **argv, struct hull_ctx *ctx) {
        const char *db_opt = NULL, *ignore_file = NULL;
        struct hull_strlist vex = {0};
        bool ignore_unfixed = false;
        struct hull_cli_report rep;
        hull_cli_report_init(&rep);
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "db", &db_opt, "PATH",
                                "the OSV database (default: $XDG_CACHE_HOME/hullscan/osv.db)"),
                HULL_OPT_STRING(
                        0, "fail-on", &rep.fail_on_s, "SEVERITY",
                        "exit 1 when a reported one is at least this severe (default high)"),
                HULL_OPT_STRING('f', "format", &rep.format, "FORMAT",
                                "table (default), json, sarif, junit"),
                HULL_OPT_STRING(0, "ignore-file", &ignore_file, "FILE",
                                "suppress the vulnerabilities listed (YAML or JSON; see the docs)"),
                HULL_OPT_BOOL(0, "ignore-unfixed", &ignore_unfixed,
                              "leave out vulnerabilities without a fixed version"),
                HULL_OPT_BOOL(0, "no-color", &rep.no_color, "never colour the table"),
                HULL_OPT_STRING('o', "output", &rep.output, "FILE", "write the report to FILE"),
                HULL_OPT_BOOL('q', "quiet", &rep.quiet,
                              "print nothing when there is nothing to report"),
                HULL_OPT_STRING(0, "severity", &rep.severity_s, "SEVERITY",
                                "only report vulnerabilities at least this severe (default info)"),
                HULL_OPT_LIST(0, "vex", &vex, "FILE",
                              "OpenVEX file: not_affected and fixed statements suppress "
                              "(repeatable)"),
                HULL_OPT_END(),
        };
        _cleanup_(hull_vuln_db_closep) struct hull_vuln_db *db = NULL;
        _cleanup_free_ char *path = NULL, *data = NULL;
        const char **args = NULL;
        struct hull_findings all;
        struct hull_diag d;
        struct run r = {0};
        size_t len = 0;
        int nargs = 0, e, rc = HULL_EXIT_OK;
        int64_t now;

        (void)ctx;
        hull_findings_init(&all);
        hull_arena_init(&r.a, 0);
        hull_vuln_suppress_init(&r.sp, &r.a);
        hull_diag_init(&d);
        e = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (e == HULL_PARSE_OPT_HELP) {
                vuln_help(opts);
                goto done;
        }
        if (e == HULL_PARSE_OPT_ERROR) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        if ((rc = hull_cli_report_check(&rep)) != HULL_EXIT_OK)
                goto done;
        if (nargs != 1) {
                hull_cli_error(nargs ? "one INPUT at a time; see 'hullscan vuln --help'"
                                     : "no INPUT given (a package list or an SBOM); see "
                                       "'hullscan vuln --help'");
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        if (!hull_cli_now(&now) || !(path = hull_cli_db_path(db_opt))) {
                rc = HULL_EXIT_USAGE;
                goto done;
        }
        /* the suppressions first: a bad ignore file fails before any work */
        if (ignore_file && hull_vuln_suppress_load_ignore(&r.sp, ignore_file, now, &d) != HULL_OK) {
                rc = hull_cli_diag(&d, NULL, 0);
                goto done;
        }
        for (size_t i = 0; i < vex.n; i++)
                if (hull_vuln_suppress_load_vex(&r.sp, vex.v[i], &d) != HULL_OK) {
                        rc = hull_cli_diag(&d, NULL, 0);
                        goto done;
                }
        const char *input = strcmp(args[0], "-") == 0 ? "(standard input)" : args[0];
        if (hull_read_file(args[0], HULL_MAX_SBOM_BYTES, &data, &len, &d) != HULL_OK ||
            hull_vuln_input_parse(data, len, input, &r.a, &r.in, &d) != HULL_OK) {
                rc = hull_cli_diag(&d, data, len);
                goto done;
        }
        if (hull_vuln_db_open(path, &db, &d) != HULL_OK ||
            hull_vuln_match(db, r.in.packages, r.in.n, &r.a, &r.m, &d) != HULL_OK ||
            hull_vuln_match_details(db, r.in.packages, &r.m, &r.a, &d) != HULL_OK) {
                rc = hull_cli_diag(&d, NULL, 0);
                goto done;
        }
        if (input_notes(&r) != HULL_OK || build(&r, input, ignore_unfixed, &all) != HULL_OK) {
                hull_cli_error("out of memory");
                rc = HULL_EXIT_INTERNAL;
                goto done;
        }
        /* expired ignore entries stop suppressing, and say so */
        for (size_t i = 0; i < r.sp.n_expired; i++) {
                hull_cli_warning("%s", r.sp.expired[i]);
                if (add_note(&r, "%s", r.sp.expired[i]) != HULL_OK) {
                        rc = HULL_EXIT_INTERNAL;
                        goto done;
                }
        }
        struct hull_report_vuln rv = {
                .input = input,
                .format = hull_vuln_input_format_to_string(r.in.format),
                .database = path,
                .packages = r.in.n,
                .ignore_unfixed = ignore_unfixed,
                .suppressed = r.sup,
                .nsuppressed = r.nsup,
                .notes = r.notes,
                .nnotes = r.nnotes,
        };
        struct hull_report_meta meta = {
                .tool = "hullscan",
                .version = HULL_VERSION,
                .command = "vuln",
                .files = &input,
                .nfiles = 1,
                .vuln = &rv,
        };
        rc = hull_cli_report_emit(&rep, &all, &meta);
done:
        hull_findings_release(&all);
        hull_arena_release(&r.a);
        free(args);
        hull_strlist_release(&vex);
        return rc;
}
