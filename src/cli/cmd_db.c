/* cmd_db.c - `hullscan db`: the offline OSV vulnerability database
 * (vuln/db.h).  `db import` fills it from OSV JSON files, directories and
 * all.zip archives; `db update` downloads OSV's exports (vuln/update.h);
 * `db info` says what it holds and how old it is.
 *
 * HULLSCAN_NOW (an RFC 3339 time) pins "now" for the import's timestamp
 * and the age shown by info, so the CLI goldens are stable. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "basic/str.h"

#include "basic/buf.h"
#include "basic/json.h"
#include "basic/utf8.h"
#include "cli/cli.h"
#include "vuln/db.h"
#include "vuln/osv.h"
#include "vuln/update.h"

#define SHOWN_SKIPS 5 /* skipped records named on stderr; the rest are counted */

static const char *const db_usage[] = {
        "hullscan db import [--db PATH] PATH...",
        "hullscan db update [--db PATH] [--source URL] [--ecosystem NAME]...\n"
        "                          [--timeout SECONDS] [--retries N]",
        "hullscan db info [--db PATH] [--format table|json]",
        NULL,
};

/* The default ecosystem list, indented, wrapped before column 72. */
static void put_default_ecosystems(FILE *f) {
        const char *const *v = hull_vuln_update_default_ecosystems;
        size_t col = 0;

        for (size_t i = 0; v[i]; i++) {
                size_t len = strlen(v[i]) + (v[i + 1] ? 1 : 0);
                if (col > 0 && col + 1 + len > 72) {
                        fputc('\n', f);
                        col = 0;
                }
                col += (size_t)fprintf(f, "%s%s%s", col == 0 ? "  " : " ", v[i],
                                       v[i + 1] ? "," : "\n");
        }
}

static void db_help(void) {
        static const struct hull_option shown[] = {
                HULL_OPT_STRING(0, "db", NULL, "PATH", "the database file (default below)"),
                HULL_OPT_LIST(0, "ecosystem", NULL, "NAME",
                              "update: an OSV ecosystem to download (repeatable)"),
                HULL_OPT_STRING('f', "format", NULL, "FORMAT", "info: table (default) or json"),
                HULL_OPT_STRING(0, "retries", NULL, "N",
                                "update: tries after a failed one (4; 0 to 10)"),
                HULL_OPT_STRING(0, "source", NULL, "URL", "update: where from (default below)"),
                HULL_OPT_STRING(0, "timeout", NULL, "SECONDS",
                                "update: a stalled request fails after this (60)"),
                HULL_OPT_END(),
        };
        hull_usage(stdout, db_usage, shown);
        printf("\n"
               "import reads OSV records from JSON files, from directories (every *.json\n"
               "and *.zip below them) and from the all.zip archives OSV publishes per\n"
               "ecosystem.  A record replaces the stored one with the same id only when\n"
               "its modified time is later, so importing again changes nothing.\n"
               "Withdrawn records are kept but never matched.  Malformed records are\n"
               "skipped and counted (the first %d are named), JSON files that are not\n"
               "OSV records only counted; an unreadable path, a corrupt zip or a zip\n"
               "bomb stops the import and leaves the database as it was.  The new\n"
               "database is built beside the old one and renamed into place.\n"
               "\n"
               "update downloads OSV's per-ecosystem exports from --source: all.zip\n"
               "the first time, then only the records that modified_id.csv lists as\n"
               "newer, with conditional requests (nothing is downloaded when nothing\n"
               "changed).  Interrupted downloads are resumed; requests are tried again\n"
               "after network errors, 429 and 5xx.  All of it is committed at once, or\n"
               "nothing.  The default source is\n"
               "  %s\n"
               "Without --ecosystem, update takes the ecosystems the database holds;\n"
               "for a new database:\n",
               SHOWN_SKIPS, HULL_VULN_UPDATE_DEFAULT_SOURCE);
        put_default_ecosystems(stdout);
        printf("\n"
               "info shows the records per ecosystem, what the last import read and\n"
               "when, and where the last update came from; it warns (exit 0) when the\n"
               "last import was more than 7 days ago.\n"
               "\n"
               "The database is $XDG_CACHE_HOME/hullscan/osv.db, or\n"
               "~/.cache/hullscan/osv.db without XDG_CACHE_HOME.\n");
}

static bool is_help(const char *s) {
        return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

bool hull_cli_now(int64_t *ret) {
        const char *env = getenv("HULLSCAN_NOW");
        struct hull_osv_time t;

        if (!env || !*env) {
                *ret = (int64_t)time(NULL);
                return true;
        }
        if (hull_osv_time_parse(env, strlen(env), &t) != HULL_OK) {
                hull_cli_error("HULLSCAN_NOW is not an RFC 3339 time: '%s'", env);
                return false;
        }
        *ret = t.sec;
        return true;
}

char *hull_cli_db_path(const char *opt) {
        struct hull_diag d;
        char *p = NULL;

        if (opt) {
                if (!*opt) {
                        hull_cli_error("--db needs a path");
                        return NULL;
                }
                p = hull_strdup(opt);
                if (!p)
                        hull_cli_error("out of memory");
                return p;
        }
        hull_diag_init(&d);
        if (hull_vuln_db_default_path(&p, &d) != HULL_OK) {
                hull_cli_diag(&d, NULL, 0);
                return NULL;
        }
        return p;
}

/* Print s with terminal controls escaped (input names can hold anything). */
static void put_safe(FILE *f, const char *s) {
        struct hull_buf b = HULL_BUF_INIT(1 << 16);

        if (hull_buf_put_terminal(&b, s, strlen(s)) == HULL_OK && b.data)
                fputs(b.data, f);
        hull_buf_release(&b);
}

struct skips {
        uint64_t seen;
};

static void on_skip(void *ud, const struct hull_diag *d) {
        struct skips *s = ud;
        char line[1200];

        /* stray JSON (a directory's metadata) is only counted */
        if (d->code == HULL_ENOTFOUND || s->seen++ >= SHOWN_SKIPS)
                return;
        if (d->line > 0)
                snprintf(line, sizeof(line), "%s:%u:%u: %s", d->file, d->line, d->col, d->msg);
        else if (d->saved_errno)
                snprintf(line, sizeof(line), "%s: %s", d->msg, strerror(d->saved_errno));
        else
                snprintf(line, sizeof(line), "%s", d->msg);
        fputs("hullscan: warning: skipped: ", stderr);
        put_safe(stderr, line);
        fputc('\n', stderr);
}

static int db_import(int argc, const char **argv) {
        const char *db_opt = NULL;
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "db", &db_opt, "PATH", "the database file"),
                HULL_OPT_END(),
        };
        _cleanup_free_ const char **args = NULL;
        _cleanup_free_ char *path = NULL;
        struct hull_vuln_import_stats st;
        struct skips skips = {0};
        struct hull_diag d;
        int nargs = 0, r;
        int64_t now;

        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                db_help();
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR)
                return HULL_EXIT_USAGE;
        if (nargs == 0) {
                hull_cli_error("'db import' needs at least one PATH (an OSV JSON file, a "
                               "directory or an all.zip)");
                return HULL_EXIT_USAGE;
        }
        if (!hull_cli_now(&now) || !(path = hull_cli_db_path(db_opt)))
                return HULL_EXIT_USAGE;
        hull_diag_init(&d);
        r = hull_vuln_db_import(path, args, (size_t)nargs, now, on_skip, &skips, &st, &d);
        if (skips.seen > SHOWN_SKIPS)
                hull_cli_warning("%llu more malformed records skipped (not shown)",
                                 (unsigned long long)(skips.seen - SHOWN_SKIPS));
        if (r != HULL_OK) {
                int rc = hull_cli_diag(&d, NULL, 0);
                fprintf(stderr, "hullscan: nothing imported; the database is unchanged\n");
                return rc;
        }
        printf("imported %llu files into '", (unsigned long long)st.files);
        put_safe(stdout, path);
        printf("': %llu added, %llu updated, %llu unchanged, %llu skipped (malformed), %llu "
               "ignored (not OSV records); %llu withdrawn\n",
               (unsigned long long)st.added, (unsigned long long)st.updated,
               (unsigned long long)st.unchanged, (unsigned long long)st.skipped,
               (unsigned long long)st.ignored, (unsigned long long)st.withdrawn);
        return hull_out_close(stdout, NULL);
}

/* ---- update ---- */

static void on_update_event(void *ud, const struct hull_vuln_update_event *ev) {
        const struct hull_vuln_update_ecosystem *e = ev->stats;
        char line[1600];

        (void)ud;
        switch (ev->kind) {
        case HULL_VULN_UPDATE_EV_RETRY:
                snprintf(line, sizeof(line), "GET '%s': %s; trying again in %u.%u s (try %u of %u)",
                         ev->url, ev->message, ev->delay_ms / 1000, ev->delay_ms % 1000 / 100,
                         ev->attempt + 1, ev->attempts);
                break;
        case HULL_VULN_UPDATE_EV_RESUME:
                snprintf(line, sizeof(line), "resuming '%s' at byte %llu", ev->url,
                         (unsigned long long)ev->offset);
                break;
        case HULL_VULN_UPDATE_EV_RESTART:
                snprintf(line, sizeof(line), "'%s': %s; downloading it again from the start",
                         ev->url, ev->message);
                break;
        case HULL_VULN_UPDATE_EV_WARNING: snprintf(line, sizeof(line), "%s", ev->message); break;
        case HULL_VULN_UPDATE_EV_ECOSYSTEM: {
                const struct hull_vuln_import_stats *s = &e->import;
                put_safe(stdout, e->name);
                switch (e->method) {
                case HULL_VULN_UPDATE_UNCHANGED: printf(": up to date\n"); break;
                case HULL_VULN_UPDATE_MISSING:
                        printf(": not published by the source, skipped\n");
                        break;
                case HULL_VULN_UPDATE_INCREMENTAL:
                case HULL_VULN_UPDATE_FULL:
                        if (e->method == HULL_VULN_UPDATE_FULL)
                                printf(": all.zip%s", e->resumed ? " (resumed)" : "");
                        else
                                printf(": modified_id.csv");
                        if (e->fetched)
                                printf(" + %llu record%s fetched", (unsigned long long)e->fetched,
                                       e->fetched == 1 ? "" : "s");
                        if (e->gone)
                                printf(" (%llu gone)", (unsigned long long)e->gone);
                        printf(": %llu added, %llu updated, %llu unchanged, %llu skipped\n",
                               (unsigned long long)s->added, (unsigned long long)s->updated,
                               (unsigned long long)s->unchanged, (unsigned long long)s->skipped);
                        break;
                }
                fflush(stdout);
                return;
        }
        default: return;
        }
        fputs(ev->kind == HULL_VULN_UPDATE_EV_RESUME ? "hullscan: " : "hullscan: warning: ",
              stderr);
        put_safe(stderr, line);
        fputc('\n', stderr);
}

/* Plain HTTP to anything but this machine deserves a word: the records
 * decide what is reported vulnerable. */
static bool loopback_http(const char *url) {
        static const char *const ok[] = {"http://127.0.0.1", "http://localhost", "http://[::1]"};

        for (size_t i = 0; i < ELEMENTSOF(ok); i++) {
                size_t n = strlen(ok[i]);
                if (strncmp(url, ok[i], n) == 0 &&
                    (url[n] == '\0' || url[n] == ':' || url[n] == '/'))
                        return true;
        }
        return false;
}

/* A decimal number in [lo, hi]. */
static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *ret) {
        char *end;
        long v;

        if (*s < '0' || *s > '9')
                return false;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < (long)lo || v > (long)hi)
                return false;
        *ret = (unsigned)v;
        return true;
}

static int db_update(int argc, const char **argv) {
        const char *db_opt = NULL, *source = HULL_VULN_UPDATE_DEFAULT_SOURCE, *timeout = NULL,
                   *retries = NULL;
        struct hull_strlist ecos = {0};
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "db", &db_opt, "PATH", "the database file"),
                HULL_OPT_LIST(0, "ecosystem", &ecos, "NAME", "an OSV ecosystem (repeatable)"),
                HULL_OPT_STRING(0, "retries", &retries, "N", "tries after a failed one"),
                HULL_OPT_STRING(0, "source", &source, "URL", "base URL of the OSV exports"),
                HULL_OPT_STRING(0, "timeout", &timeout, "SECONDS", "stall timeout"),
                HULL_OPT_END(),
        };
        _cleanup_free_ const char **args = NULL;
        _cleanup_free_ char *path = NULL;
        struct hull_vuln_update_options o;
        struct hull_vuln_update_result res;
        struct hull_arena a = HULL_ARENA_INIT;
        struct skips skips = {0};
        struct hull_diag d;
        int nargs = 0, r, rc;
        int64_t now;

        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                hull_strlist_release(&ecos);
                db_help();
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR) {
                hull_strlist_release(&ecos);
                return HULL_EXIT_USAGE;
        }
        hull_vuln_update_options_init(&o);
        rc = HULL_EXIT_USAGE;
        if (nargs > 0) {
                hull_cli_error("'db update' takes no arguments (ecosystems go with --ecosystem)");
                goto out;
        }
        for (size_t i = 0; i < ecos.n; i++) {
                if (!hull_vuln_update_ecosystem_valid(ecos.v[i])) {
                        hull_cli_error("--ecosystem '%s': a name is 1 to 128 printable ASCII "
                                       "characters without '/' or '\\'",
                                       ecos.v[i]);
                        goto out;
                }
        }
        if (timeout && !parse_uint(timeout, 1, 3600, &o.timeout)) {
                hull_cli_error("--timeout '%s': a number of seconds from 1 to 3600", timeout);
                goto out;
        }
        if (retries && !parse_uint(retries, 0, 10, &o.retries)) {
                hull_cli_error("--retries '%s': a number from 0 to 10", retries);
                goto out;
        }
        if (!hull_cli_now(&now) || !(path = hull_cli_db_path(db_opt)))
                goto out;
        if (hull_startswith(source, "http://") && !loopback_http(source))
                hull_cli_warning("source '%s' is plain HTTP: what it sends could be altered on "
                                 "the way",
                                 source);
        o.source = source;
        o.ecosystems = ecos.v;
        o.n_ecosystems = ecos.n;
        o.now = now;
        o.on_event = on_update_event;
        o.on_skip = on_skip;
        o.ud = &skips;
        hull_diag_init(&d);
        r = hull_vuln_update(path, &o, &a, &res, &d);
        if (skips.seen > SHOWN_SKIPS)
                hull_cli_warning("%llu more malformed records skipped (not shown)",
                                 (unsigned long long)(skips.seen - SHOWN_SKIPS));
        if (r != HULL_OK) {
                rc = hull_cli_diag(&d, NULL, 0);
                fprintf(stderr, "hullscan: nothing updated; the database is unchanged\n");
                goto out;
        }
        printf("updated '");
        put_safe(stdout, path);
        printf("' from %s: %llu added, %llu updated, %llu unchanged, %llu skipped (malformed), "
               "%llu ignored (not OSV records); %llu withdrawn\n",
               res.source, (unsigned long long)res.total.added,
               (unsigned long long)res.total.updated, (unsigned long long)res.total.unchanged,
               (unsigned long long)res.total.skipped, (unsigned long long)res.total.ignored,
               (unsigned long long)res.total.withdrawn);
        rc = hull_out_close(stdout, NULL);
out:
        hull_arena_release(&a);
        hull_strlist_release(&ecos);
        return rc;
}

/* "3 days ago", "5 hours ago", "less than an hour ago", "in the future". */
static void age_text(int64_t age, char *buf, size_t size) {
        if (age < 0)
                snprintf(buf, size, "in the future");
        else if (age < 3600)
                snprintf(buf, size, "less than an hour ago");
        else if (age < 86400)
                snprintf(buf, size, "%lld hour%s ago", (long long)(age / 3600),
                         age / 3600 == 1 ? "" : "s");
        else
                snprintf(buf, size, "%lld day%s ago", (long long)(age / 86400),
                         age / 86400 == 1 ? "" : "s");
}

/* What `db update` left in meta (all NULL when it never ran). */
struct update_info {
        const char *time, *source, *ecosystems; /* ecosystems: one per line */
        struct hull_osv_time t;
};

static int load_update_info(struct hull_vuln_db *db, struct hull_arena *a, struct update_info *u,
                            struct hull_diag *d) {
        memset(u, 0, sizeof(*u));
        HULL_TRY(hull_vuln_db_meta_get(db, "update.time", a, &u->time, d));
        HULL_TRY(hull_vuln_db_meta_get(db, "update.source", a, &u->source, d));
        HULL_TRY(hull_vuln_db_meta_get(db, "update.ecosystems", a, &u->ecosystems, d));
        if (!u->time || !u->source ||
            hull_osv_time_parse(u->time, strlen(u->time), &u->t) != HULL_OK)
                u->time = NULL;
        return HULL_OK;
}

static int info_table(struct hull_buf *b, const char *path, const struct hull_vuln_db_info *in,
                      const struct update_info *u, int64_t now) {
        char when[HULL_OSV_TIME_TEXT], age[64];

        HULL_TRY(hull_buf_puts(b, "database:  "));
        HULL_TRY(hull_buf_put_terminal(b, path, strlen(path)));
        HULL_TRY(hull_buf_printf(b, "\nschema:    %d\nrecords:   %llu (%llu withdrawn)\n",
                                 in->schema_version, (unsigned long long)in->records,
                                 (unsigned long long)in->withdrawn));
        if (in->has_import) {
                struct hull_osv_time t = {.sec = in->imported};
                age_text(now - in->imported, age, sizeof(age));
                HULL_TRY(hull_buf_puts(b, "source:    "));
                HULL_TRY(hull_buf_put_terminal(b, in->source ? in->source : "",
                                               in->source ? strlen(in->source) : 0));
                HULL_TRY(hull_buf_printf(b, "\nimported:  %s (%s)\n",
                                         hull_osv_time_format(&t, when), age));
        } else {
                HULL_TRY(hull_buf_puts(b, "imported:  never\n"));
        }
        if (u->time) {
                age_text(now - u->t.sec, age, sizeof(age));
                HULL_TRY(hull_buf_printf(b, "updated:   %s (%s) from ", u->time, age));
                HULL_TRY(hull_buf_put_terminal(b, u->source, strlen(u->source)));
                HULL_TRY(hull_buf_putc(b, '\n'));
        }
        HULL_TRY(hull_buf_printf(b, "\n%-20s %9s %9s\n", "ECOSYSTEM", "RECORDS", "WITHDRAWN"));
        for (size_t i = 0; i < in->n_ecosystems; i++) {
                const struct hull_vuln_db_ecosystem *e = &in->ecosystems[i];
                struct hull_buf nb = HULL_BUF_INIT(4096);
                int r = hull_buf_put_terminal(&nb, e->name, strlen(e->name));
                if (r == HULL_OK)
                        r = hull_buf_printf(b, "%-20s %9llu %9llu\n", nb.data ? nb.data : "",
                                            (unsigned long long)e->records,
                                            (unsigned long long)e->withdrawn);
                hull_buf_release(&nb);
                HULL_TRY(r);
        }
        return HULL_OK;
}

static int info_json(struct hull_buf *b, const char *path, const struct hull_vuln_db_info *in,
                     const struct update_info *u, int64_t now) {
        char when[HULL_OSV_TIME_TEXT];
        struct hull_json j;

        hull_json_init(&j, b, true);
        hull_json_obj(&j);
        hull_json_kcstr(&j, "database", path);
        hull_json_kint(&j, "schema_version", in->schema_version);
        hull_json_kint(&j, "records", (int64_t)in->records);
        hull_json_kint(&j, "withdrawn", (int64_t)in->withdrawn);
        hull_json_key(&j, "ecosystems");
        hull_json_arr(&j);
        for (size_t i = 0; i < in->n_ecosystems; i++) {
                hull_json_obj(&j);
                hull_json_kcstr(&j, "name", in->ecosystems[i].name);
                hull_json_kint(&j, "records", (int64_t)in->ecosystems[i].records);
                hull_json_kint(&j, "withdrawn", (int64_t)in->ecosystems[i].withdrawn);
                hull_json_obj_end(&j);
        }
        hull_json_arr_end(&j);
        hull_json_key(&j, "last_import");
        if (in->has_import) {
                struct hull_osv_time t = {.sec = in->imported};
                const struct hull_vuln_import_stats *s = &in->last;
                hull_json_obj(&j);
                hull_json_kcstr(&j, "time", hull_osv_time_format(&t, when));
                hull_json_kint(&j, "age_seconds", now - in->imported);
                hull_json_kbool(&j, "stale", now - in->imported > HULL_VULN_DB_STALE_SECONDS);
                hull_json_kcstr(&j, "source", in->source);
                hull_json_kint(&j, "files", (int64_t)s->files);
                hull_json_kint(&j, "records", (int64_t)s->records);
                hull_json_kint(&j, "added", (int64_t)s->added);
                hull_json_kint(&j, "updated", (int64_t)s->updated);
                hull_json_kint(&j, "unchanged", (int64_t)s->unchanged);
                hull_json_kint(&j, "withdrawn", (int64_t)s->withdrawn);
                hull_json_kint(&j, "skipped", (int64_t)s->skipped);
                hull_json_kint(&j, "ignored", (int64_t)s->ignored);
                hull_json_obj_end(&j);
        } else {
                hull_json_null(&j);
        }
        hull_json_key(&j, "last_update");
        if (u->time) {
                hull_json_obj(&j);
                hull_json_kcstr(&j, "time", u->time);
                hull_json_kint(&j, "age_seconds", now - u->t.sec);
                hull_json_kcstr(&j, "source", u->source);
                hull_json_key(&j, "ecosystems");
                hull_json_arr(&j);
                for (const char *p = u->ecosystems; p && *p;) {
                        const char *nl = strchr(p, '\n');
                        size_t n = nl ? (size_t)(nl - p) : strlen(p);
                        hull_json_str(&j, p, n);
                        p = nl ? nl + 1 : p + n;
                }
                hull_json_arr_end(&j);
                hull_json_obj_end(&j);
        } else {
                hull_json_null(&j);
        }
        hull_json_obj_end(&j);
        HULL_TRY(hull_json_end(&j));
        return hull_buf_putc(b, '\n');
}

static int db_info(int argc, const char **argv) {
        const char *db_opt = NULL, *format = "table";
        const struct hull_option opts[] = {
                HULL_OPT_STRING(0, "db", &db_opt, "PATH", "the database file"),
                HULL_OPT_STRING('f', "format", &format, "FORMAT", "table (default) or json"),
                HULL_OPT_END(),
        };
        _cleanup_(hull_vuln_db_closep) struct hull_vuln_db *db = NULL;
        _cleanup_(hull_buf_releasep) struct hull_buf b = HULL_BUF_INIT(1 << 24);
        _cleanup_free_ const char **args = NULL;
        _cleanup_free_ char *path = NULL;
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_db_info info;
        struct update_info upd;
        struct hull_diag d;
        int nargs = 0, r;
        bool json;
        int64_t now;

        r = hull_parse_options(argc, argv, opts, &args, &nargs);
        if (r == HULL_PARSE_OPT_HELP) {
                db_help();
                return HULL_EXIT_OK;
        }
        if (r == HULL_PARSE_OPT_ERROR)
                return HULL_EXIT_USAGE;
        if (nargs > 0) {
                hull_cli_error("'db info' takes no arguments");
                return HULL_EXIT_USAGE;
        }
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
                hull_cli_error("unknown format '%s' (expected table or json)", format);
                return HULL_EXIT_USAGE;
        }
        json = strcmp(format, "json") == 0;
        if (!hull_cli_now(&now) || !(path = hull_cli_db_path(db_opt)))
                return HULL_EXIT_USAGE;
        hull_diag_init(&d);
        r = hull_vuln_db_open(path, &db, &d);
        if (r == HULL_OK)
                r = hull_vuln_db_info(db, &a, &info, &d);
        if (r == HULL_OK)
                r = load_update_info(db, &a, &upd, &d);
        if (r != HULL_OK) {
                hull_arena_release(&a);
                return hull_cli_diag(&d, NULL, 0);
        }
        r = json ? info_json(&b, path, &info, &upd, now) : info_table(&b, path, &info, &upd, now);
        if (r == HULL_OK && info.has_import && now - info.imported > HULL_VULN_DB_STALE_SECONDS) {
                struct hull_osv_time t = {.sec = info.imported};
                char age[64], when[HULL_OSV_TIME_TEXT];
                age_text(now - info.imported, age, sizeof(age));
                hull_cli_warning("the database was last imported %s (%s): run 'hullscan db "
                                 "update' or import fresh OSV data",
                                 age, hull_osv_time_format(&t, when));
        }
        hull_arena_release(&a);
        if (r != HULL_OK) {
                hull_cli_error("%s", hull_strerror(r));
                return hull_exit_for(r);
        }
        fwrite(b.data, 1, b.len, stdout);
        return hull_out_close(stdout, NULL);
}

int cmd_db(int argc, const char **argv, struct hull_ctx *ctx) {
        (void)ctx;
        if (argc < 2) {
                hull_cli_error("'db' needs a subcommand: import, update or info; see 'hullscan db "
                               "--help'");
                return HULL_EXIT_USAGE;
        }
        if (is_help(argv[1])) {
                db_help();
                return HULL_EXIT_OK;
        }
        if (strcmp(argv[1], "import") == 0)
                return db_import(argc - 1, argv + 1);
        if (strcmp(argv[1], "update") == 0)
                return db_update(argc - 1, argv + 1);
        if (strcmp(argv[1], "info") == 0)
                return db_info(argc - 1, argv + 1);
        hull_cli_error("unknown 'db' subcommand '%s' (expected import, update or info)", argv[1]);
        return HULL_EXIT_USAGE;
}
