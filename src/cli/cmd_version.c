/* cmd_version.c - `hullscan version`: print hullscan's version, or compare
 * two versions in the order of a package ecosystem (vuln/version.h).
 *
 * `version compare SCHEME A B` prints -1, 0 or 1.  With only SCHEME it is a
 * filter for the differential checks (tests/vuln/diff/): "A<TAB>B" lines
 * in, one answer per line out, through plain read(2) and one output buffer
 * so that a million pairs take well under a second. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vuln/version.h"

#define VERSION_IN_BUF (1u << 20)
#define VERSION_OUT_BUF (1u << 16)

static void version_usage(FILE *f) {
        fprintf(f, "usage: hullscan version\n"
                   "       hullscan version compare SCHEME A B\n"
                   "       hullscan version compare SCHEME <PAIRS\n"
                   "\n"
                   "Without arguments, print hullscan's version.\n"
                   "\n"
                   "compare prints -1, 0 or 1 when version A sorts before, with or after B in\n"
                   "SCHEME's order (that of its package manager); an invalid version is an\n"
                   "error (exit 2).  With only SCHEME, it reads lines \"A<TAB>B\" from standard\n"
                   "input and prints one answer per line: -1, 0, 1, or error (an invalid\n"
                   "version or a line without a tab).  Versions are taken literally.\n"
                   "\n"
                   "schemes:");
        for (int s = 0; s < _HULL_VERSION_SCHEME_MAX; s++)
                fprintf(f, " %s", hull_version_scheme_to_string((enum hull_version_scheme)s));
        fprintf(f, "\n");
}

static bool is_help(const char *s) {
        return strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0;
}

/* The version as an error message shows it: control bytes escaped. */
static const char *shown(const char *v, char *buf, size_t size) {
        size_t o = 0;

        for (const unsigned char *p = (const unsigned char *)v; *p && o + 5 < size; p++) {
                if (*p < 0x20 || *p == 0x7f)
                        o += (size_t)snprintf(buf + o, size - o, "\\x%02x", *p);
                else
                        buf[o++] = (char)*p;
        }
        buf[o] = '\0';
        return buf;
}

static int compare_one(enum hull_version_scheme s, const char *a, const char *b) {
        const char *name = hull_version_scheme_to_string(s);
        char buf[4 * HULL_MAX_VERSION_BYTES + 8];
        int r;

        if (hull_version_cmp(s, a, strlen(a), b, strlen(b), &r) == 0) {
                printf("%d\n", r);
                return hull_out_close(stdout, NULL);
        }
        const char *bad = hull_version_valid(s, a, strlen(a)) ? b : a;
        if (strlen(bad) > HULL_MAX_VERSION_BYTES)
                hull_cli_error("invalid %s version: %zu bytes, longer than %u", name, strlen(bad),
                               HULL_MAX_VERSION_BYTES);
        else
                hull_cli_error("invalid %s version '%s'", name, shown(bad, buf, sizeof(buf)));
        return HULL_EXIT_USAGE;
}

struct out {
        char buf[VERSION_OUT_BUF];
        size_t n;
        bool failed;
};

static void out_flush(struct out *o) {
        size_t off = 0;

        while (off < o->n && !o->failed) {
                ssize_t w = write(STDOUT_FILENO, o->buf + off, o->n - off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w <= 0)
                        o->failed = true;
                else
                        off += (size_t)w;
        }
        o->n = 0;
}

static void out_answer(struct out *o, const char *s, size_t n) {
        if (o->n + n + 1 > sizeof(o->buf))
                out_flush(o);
        memcpy(o->buf + o->n, s, n);
        o->buf[o->n + n] = '\n';
        o->n += n + 1;
}

static void answer_line(struct out *o, enum hull_version_scheme s, const char *line, size_t n) {
        const char *tab = memchr(line, '\t', n);
        int r;

        if (tab && hull_version_cmp(s, line, (size_t)(tab - line), tab + 1,
                                    n - (size_t)(tab - line) - 1, &r) == 0) {
                if (r < 0)
                        out_answer(o, "-1", 2);
                else
                        out_answer(o, r > 0 ? "1" : "0", 1);
        } else {
                out_answer(o, "error", 5);
        }
}

/* Lines longer than the input buffer cannot hold two valid versions: they
 * are answered "error" and skipped up to their newline. */
static int compare_stream(enum hull_version_scheme s) {
        _cleanup_free_ char *in = hull_malloc(VERSION_IN_BUF);
        _cleanup_free_ struct out *o = new0(struct out, 1);
        size_t have = 0;
        bool skipping = false, eof = false;

        if (!in || !o) {
                hull_cli_error("out of memory");
                return HULL_EXIT_INTERNAL;
        }
        while (!eof) {
                ssize_t got = read(STDIN_FILENO, in + have, VERSION_IN_BUF - have);
                if (got < 0 && errno == EINTR)
                        continue;
                if (got < 0) {
                        hull_cli_error("cannot read standard input: %s", strerror(errno));
                        return HULL_EXIT_USAGE;
                }
                eof = got == 0;
                have += (size_t)got;

                size_t start = 0;
                for (;;) {
                        char *nl = memchr(in + start, '\n', have - start);
                        if (!nl)
                                break;
                        if (skipping)
                                skipping = false;
                        else
                                answer_line(o, s, in + start, (size_t)(nl - in) - start);
                        start = (size_t)(nl - in) + 1;
                }
                if (eof && start < have && !skipping)
                        answer_line(o, s, in + start, have - start);
                else if (start == 0 && have == VERSION_IN_BUF) {
                        if (!skipping)
                                out_answer(o, "error", 5);
                        skipping = true;
                        start = have;
                }
                memmove(in, in + start, have - start);
                have -= start;
        }
        out_flush(o);
        if (o->failed) {
                hull_cli_error("cannot write to standard output: %s", strerror(errno));
                return HULL_EXIT_USAGE;
        }
        return HULL_EXIT_OK;
}

static int cmd_version_compare(int argc, const char **argv) {
        if (argc > 1 && is_help(argv[1])) {
                version_usage(stdout);
                return HULL_EXIT_OK;
        }
        if (argc != 2 && argc != 4) {
                hull_cli_error("'version compare' takes SCHEME and two versions, or only SCHEME "
                               "to read pairs; see 'hullscan version --help'");
                return HULL_EXIT_USAGE;
        }
        enum hull_version_scheme s = hull_version_scheme_from_string(argv[1]);
        if (s == _HULL_VERSION_SCHEME_INVALID) {
                char list[128];
                size_t o = 0;
                for (int i = 0; i < _HULL_VERSION_SCHEME_MAX && o < sizeof(list); i++)
                        o += (size_t)snprintf(
                                list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
                                hull_version_scheme_to_string((enum hull_version_scheme)i));
                hull_cli_error("unknown version scheme '%s'; schemes: %s", argv[1], list);
                return HULL_EXIT_USAGE;
        }
        if (argc == 2)
                return compare_stream(s);
        return compare_one(s, argv[2], argv[3]);
}

int cmd_version(int argc, const char **argv, struct hull_ctx *ctx) {
        (void)ctx;
        if (argc > 1 && is_help(argv[1])) {
                version_usage(stdout);
                return HULL_EXIT_OK;
        }
        if (argc > 1 && strcmp(argv[1], "compare") == 0)
                return cmd_version_compare(argc - 1, argv + 1);
        if (argc > 1) {
                hull_cli_error("unknown argument '%s' to 'version'; see 'hullscan version --help'",
                               argv[1]);
                return HULL_EXIT_USAGE;
        }
        printf("hullscan %s\n", HULL_VERSION);
        return HULL_EXIT_OK;
}
