/* HS4010 minimal-packages: debugging and network tools in the final image.
 *
 * Download tools, raw network clients, scanners, sniffers, debuggers,
 * tracers, editors and remote shells are what an intruder with a shell in
 * the container reaches for first; a service needs none of them to run.
 * Decided on the final view: a program named curl, wget, nc (also nc.openbsd,
 * nc.traditional), ncat, netcat, nmap, tcpdump, gdb, strace, ltrace, vim
 * (also vim.basic, vim.tiny), vi, telnet, ssh or sshd directly in usr/bin,
 * usr/local/bin, bin, usr/sbin, usr/local/sbin or sbin.  Links are followed
 * inside the image; a dangling one is not reported, and the names of one
 * file (vi and vim -> vim.basic) are one finding.
 *
 * Not reported:
 *  - busybox applets (a link to bin/busybox, or to a file named busybox):
 *    Alpine's wget, nc and vi are busybox itself, which also provides the
 *    shell; removing them means removing busybox, and the base image is
 *    HS1001's question;
 *  - a tool the image's own configuration runs: its name (or path) as a
 *    word of the Healthcheck test, the Entrypoint or the Cmd
 *    (`HEALTHCHECK CMD curl -f ...` needs curl; an SSH server image runs
 *    sshd, which HS4013 judges by its exposed port). */
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/limits.h"

static const char *const dirs[] = {
        "usr/bin", "usr/local/bin", "bin", "usr/sbin", "usr/local/sbin", "sbin", NULL,
};

static const struct hull_audit_program_name names[] = {
        {"curl", "a network download tool", HULL_AUDIT_SUFFIX_NONE},
        {"wget", "a network download tool", HULL_AUDIT_SUFFIX_NONE},
        {"nc", "a raw network client (netcat)", HULL_AUDIT_SUFFIX_DOT},
        {"ncat", "a raw network client (netcat)", HULL_AUDIT_SUFFIX_NONE},
        {"netcat", "a raw network client (netcat)", HULL_AUDIT_SUFFIX_NONE},
        {"nmap", "a network scanner", HULL_AUDIT_SUFFIX_NONE},
        {"tcpdump", "a packet sniffer", HULL_AUDIT_SUFFIX_NONE},
        {"gdb", "a debugger", HULL_AUDIT_SUFFIX_NONE},
        {"strace", "a system-call tracer", HULL_AUDIT_SUFFIX_NONE},
        {"ltrace", "a library-call tracer", HULL_AUDIT_SUFFIX_NONE},
        {"vim", "a text editor", HULL_AUDIT_SUFFIX_DOT},
        {"vi", "a text editor", HULL_AUDIT_SUFFIX_NONE},
        {"telnet", "a telnet client", HULL_AUDIT_SUFFIX_NONE},
        {"ssh", "an SSH client", HULL_AUDIT_SUFFIX_NONE},
        {"sshd", "an SSH server", HULL_AUDIT_SUFFIX_NONE},
};

/* name (a base name) is a word of s, alone or as the last component of a
 * path: "curl", "/usr/bin/curl -f x || exit 1".  Words split at blanks and
 * shell operators. */
static bool word_in(const char *s, const char *name) {
        size_t nl = strlen(name);

        for (const char *p = s; *p;) {
                size_t l = strcspn(p, " \t\n;|&()`'\"");
                const char *w = p, *slash;
                size_t wl = l;

                if (wl > 0 && (slash = memrchr(w, '/', wl))) {
                        wl -= (size_t)(slash + 1 - w);
                        w = slash + 1;
                }
                if (wl == nl && memcmp(w, name, nl) == 0)
                        return true;
                p += l;
                if (*p)
                        p++;
        }
        return false;
}

static bool words_in(const char *const *v, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (v[i] && word_in(v[i], name))
                        return true;
        return false;
}

/* The image's healthcheck, entrypoint or cmd runs a program named name. */
static bool config_runs(const struct hull_audit_ctx *c, const char *name) {
        const struct hull_oci_exec_config *x;

        if (!c->config || !c->config->has_config)
                return false;
        x = &c->config->config;
        if (x->healthcheck && x->healthcheck->ntest > 1 &&
            words_in(x->healthcheck->test + 1, x->healthcheck->ntest - 1, name))
                return true;
        return words_in(x->entrypoint, x->nentrypoint, name) || words_in(x->cmd, x->ncmd, name);
}

/* A tool the image's own entrypoint, command or health check runs is the
 * service's, not a leftover. */
static void on_program(struct hull_audit_ctx *c, const struct hull_audit_program *p, void *ud) {
        if (config_runs(c, hull_layers_node_name(p->node)) ||
            config_runs(c, hull_layers_node_name(p->target)) || config_runs(c, p->name->name))
                return;
        hull_audit_program_report(c, p, ud);
}

static void audit(struct hull_audit_ctx *c) {
        (void)hull_audit_programs(c, dirs, names, ELEMENTSOF(names), true, on_program, NULL);
}

const struct hull_rule hull_rule_HS4010 = {
        .id = "HS4010",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "Debugging or network tool in the final image",
        .rationale = "Download tools, netcat, scanners, debuggers and editors help an intruder "
                     "who gets a shell in the container far more than they help the service.",
        .fix = "Do not install the tool in the final stage (use a debug image or an ephemeral "
               "debug container, e.g. kubectl debug), or remove it in the RUN that used it",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
