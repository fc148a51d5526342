/* main.c - hullscan's entry point: global options and the command table (git.c).
 *
 * One row per subcommand; each lives in src/cli/cmd_<name>.c.  Commands
 * parse their own options with hull_parse_options() and return an exit code
 * (cli.h, docs/exit-codes.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "secrets/engine.h"

struct command {
        const char *name;
        int (*fn)(int argc, const char **argv, struct hull_ctx *ctx);
        const char *summary;
};

static const struct command commands[] = {
        {"db", cmd_db, "manage the offline OSV vulnerability database (update, import, info)"},
        {"help", cmd_help, "show help for hullscan or one command"},
        {"image", cmd_image, "audit a built image: config, every layer's files, history"},
        {"lint", cmd_lint, "check Dockerfiles against the container-security checklist"},
        {"parse", cmd_parse, "parse Dockerfiles as BuildKit does; print the syntax tree"},
        {"rules", cmd_rules, "list the rules (Dockerfile lint and image audit)"},
        {"secrets", cmd_secrets,
         "find hard-coded secrets in files, build contexts and every image layer"},
        {"version", cmd_version, "print the version; compare package versions (dpkg, rpm, ...)"},
        {"vuln", cmd_vuln,
         "known vulnerabilities of a package list or SBOM (offline OSV database)"},
};

static void main_usage(FILE *f) {
        fprintf(f, "usage: hullscan <command> [options] [args]\n"
                   "       hullscan --help | --version\n\n"
                   "hullscan checks container images and Dockerfiles before they ship.\n\n"
                   "commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                fprintf(f, "    %-10s %s\n", commands[i].name, commands[i].summary);
        fprintf(f, "\nRun 'hullscan <command> --help' for a command's options.\n"
                   "Exit codes: 0 clean, 1 findings at or above the threshold, 2 bad usage or bad "
                   "input,\n"
                   "3 internal error.\n");
}

static const struct command *find_command(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (strcmp(commands[i].name, name) == 0)
                        return &commands[i];
        return NULL;
}

int cmd_help(int argc, const char **argv, struct hull_ctx *ctx) {
        (void)ctx;
        if (argc < 2) {
                main_usage(stdout);
                return HULL_EXIT_OK;
        }
        if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
                printf("usage: hullscan help [<command>]\n");
                return HULL_EXIT_OK;
        }
        const struct command *c = find_command(argv[1]);
        if (!c) {
                hull_cli_error("unknown command '%s'; see 'hullscan --help'", argv[1]);
                return HULL_EXIT_USAGE;
        }
        const char *hargv[] = {c->name, "--help", NULL};
        return c->fn(2, hargv, ctx);
}

/* The secret engine's compiled rules are cached beside the OSV database:
 * $XDG_CACHE_HOME/hullscan/secrets, else ~/.cache/hullscan/secrets. */
static void set_secrets_cache(void) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        char dir[4096];
        int n = -1;
        if (xdg && xdg[0] == '/')
                n = snprintf(dir, sizeof(dir), "%s/hullscan/secrets", xdg);
        else if (home && home[0] == '/')
                n = snprintf(dir, sizeof(dir), "%s/.cache/hullscan/secrets", home);
        if (n > 0 && (size_t)n < sizeof(dir))
                hull_secrets_set_cache_dir(dir);
}

int main(int argc, char **argv) {
        struct hull_ctx ctx = {.prog = "hullscan"};
        const struct command *c;

        set_secrets_cache();

        if (argc < 2) {
                main_usage(stderr);
                return HULL_EXIT_USAGE;
        }
        if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
                main_usage(stdout);
                return HULL_EXIT_OK;
        }
        if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
                return cmd_version(1, (const char **)argv + 1, &ctx);
        c = find_command(argv[1]);
        if (!c) {
                if (argv[1][0] == '-')
                        hull_cli_error("unknown option '%s'; see 'hullscan --help'", argv[1]);
                else
                        hull_cli_error("unknown command '%s'; see 'hullscan --help'", argv[1]);
                return HULL_EXIT_USAGE;
        }
        return c->fn(argc - 1, (const char **)argv + 1, &ctx);
}
