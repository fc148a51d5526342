/* HS1011 minimal-packages: debugging and network tools in the final image.
 *
 * Download tools, editors, raw network clients, scanners, SSH servers,
 * debuggers and tracers are what an attacker who gets a shell in the
 * container reaches for first, and a service needs none of them to run.
 * They are reported when a package of the table below is installed by
 * apt-get/apt/aptitude install, apk add, yum/dnf/dnf5/microdnf/tdnf install
 * or zypper install/in in a stage that ends up in the final image, one
 * finding per tool and install command.  Package operands may be literal
 * (versions and architectures cut: curl=7.88.1-10, curl:amd64, curl-7.61.1,
 * curl@edge) or one variable ($PKGS, split on blanks) set by ARG or ENV.
 *
 * Not reported: a tool removed again later in the same stage or in a later
 * stage of the final image (apt-get remove/purge/autoremove, apk del, also
 * of the --virtual name it was added under, yum/dnf remove/erase, zypper
 * remove/rm, and the official images' `apt-mark auto '.*'` (or
 * `apt-mark showmanual | xargs apt-mark auto`, or `apt-mark auto <pkg>`)
 * followed by `apt-get purge --auto-remove` / `apt-get autoremove`); a tool whose program the final
 * image's HEALTHCHECK, CMD or ENTRYPOINT runs (`HEALTHCHECK CMD curl -f ...` needs curl); tools in
 * builder stages that are only copied from. */
#include <string.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

enum { APT = 1u, APK = 2u, RPM = 4u, ANY = APT | APK | RPM };

/* The tools: package name, what it is (for the message), the program it
 * provides (for the HEALTHCHECK/CMD/ENTRYPOINT exemption), package managers
 * whose package of that name is the tool. */
static const struct tool {
        const char *pkg;
        const char *what;
        const char *bin;
        unsigned pms;
} tools[] = {
        {"curl", "a network download tool", "curl", ANY},
        {"wget", "a network download tool", "wget", ANY},
        {"wget2", "a network download tool", "wget2", ANY},
        {"vim", "a text editor", "vim", ANY},
        {"vim-tiny", "a text editor", "vi", ANY},
        {"vim-nox", "a text editor", "vim", ANY},
        {"vim-minimal", "a text editor", "vi", ANY},
        {"vim-enhanced", "a text editor", "vim", ANY},
        {"neovim", "a text editor", "nvim", ANY},
        {"nvi", "a text editor", "vi", ANY},
        {"nano", "a text editor", "nano", ANY},
        {"emacs", "a text editor", "emacs", ANY},
        {"emacs-nox", "a text editor", "emacs", ANY},
        {"netcat", "a raw network client (netcat)", "nc", ANY},
        {"netcat-openbsd", "a raw network client (netcat)", "nc", ANY},
        {"netcat-traditional", "a raw network client (netcat)", "nc", ANY},
        {"nc", "a raw network client (netcat)", "nc", ANY},
        {"ncat", "a raw network client (netcat)", "ncat", ANY},
        {"nmap-ncat", "a raw network client (netcat)", "nc", ANY},
        {"socat", "a raw network relay", "socat", ANY},
        {"nmap", "a network scanner", "nmap", ANY},
        {"telnet", "a telnet client", "telnet", ANY},
        {"inetutils-telnet", "a telnet client", "telnet", ANY},
        {"openssh-server", "an SSH server", "sshd", ANY},
        {"openssh", "OpenSSH with its server", "sshd", APK}, /* elsewhere: common files only */
        {"dropbear", "an SSH server", "dropbear", ANY},
        {"gdb", "a debugger", "gdb", ANY},
        {"strace", "a system-call tracer", "strace", ANY},
        {"ltrace", "a library-call tracer", "ltrace", ANY},
        {"tcpdump", "a packet sniffer", "tcpdump", ANY},
        {"iputils-ping", "a network diagnostic tool (ping)", "ping", ANY},
        {"inetutils-ping", "a network diagnostic tool (ping)", "ping", ANY},
        {"iputils", "a network diagnostic tool (ping)", "ping", ANY},
};

struct pm {
        const char *const *names;
        const char *const *installs;
        const char *const *removes;
        unsigned kind;
};

static const struct pm pms[] = {
        {(const char *const[]){"apt-get", "apt", "aptitude", NULL},
         (const char *const[]){"install", NULL},
         (const char *const[]){"remove", "purge", "autoremove", NULL}, APT},
        {(const char *const[]){"apk", NULL}, (const char *const[]){"add", NULL},
         (const char *const[]){"del", NULL}, APK},
        {(const char *const[]){"yum", "dnf", "dnf5", "microdnf", "tdnf", NULL},
         (const char *const[]){"install", "reinstall", NULL},
         (const char *const[]){"remove", "erase", "autoremove", NULL}, RPM},
        {(const char *const[]){"zypper", NULL}, (const char *const[]){"install", "in", NULL},
         (const char *const[]){"remove", "rm", NULL}, RPM},
};

/* Length of the package name in token t[0..n): versions, architectures and
 * repository tags cut (curl=7.1, curl:amd64, curl>8, curl~8, curl@edge). */
static size_t name_len(const char *t, size_t n) {
        size_t i = 0;
        while (i < n && !strchr("=<>~@:", t[i]))
                i++;
        return i;
}

/* Token t[0..n) names package pkg: exactly, or as an RPM name-version (curl-7.61.1). */
static bool names_pkg(const char *t, size_t n, const char *pkg) {
        size_t pl = strlen(pkg);
        n = name_len(t, n);
        if (n < pl || memcmp(t, pkg, pl) != 0)
                return false;
        return n == pl || (t[pl] == '-' && pl + 1 < n && t[pl + 1] >= '0' && t[pl + 1] <= '9');
}

/* Calls fn on each package token of cmd's operands after the subcommand;
 * a word that is one variable is expanded and split on blanks.  Stops when
 * fn returns true, and returns true then. */
typedef bool (*pkg_fn)(void *ud, const char *t, size_t n, const struct hull_sh_word *w);

static bool each_pkg(const struct hull_df_stage *s, const struct hull_df_instr *run,
                     const struct hull_sh_cmd *cmd, pkg_fn fn, void *ud) {
        const struct hull_sh_word *ops[64];
        size_t nops = hull_sh_cmd_args_nonopt(cmd, ops, 64);

        for (size_t i = 1; i < nops && i < 64; i++) {
                const struct hull_sh_word *w = ops[i];
                size_t vl;
                const char *v = hull_lint_word_var_value(s, run, w, &vl);
                if (!v) {
                        if (!memchr(w->text, '$', w->len) && fn(ud, w->text, w->len, w))
                                return true;
                        continue;
                }
                for (size_t p = 0; p < vl;) {
                        size_t e;
                        while (p < vl && strchr(" \t\n", v[p]))
                                p++;
                        for (e = p; e < vl && !strchr(" \t\n", v[e]); e++)
                                ;
                        if (e > p && fn(ud, v + p, e - p, w))
                                return true;
                        p = e;
                }
        }
        return false;
}

static const struct pm *pm_of(const struct hull_sh_cmd *cmd, bool install) {
        for (size_t i = 0; i < sizeof(pms) / sizeof(pms[0]); i++)
                if (hull_lint_cmd_sub_in(cmd, pms[i].names,
                                         install ? pms[i].installs : pms[i].removes))
                        return &pms[i];
        return NULL;
}

/* ---- removal -------------------------------------------------------------- */

struct removal {
        const char *pkg; /* the installed token, name cut by name_len */
        size_t pkg_len;
        const char *virt; /* apk --virtual name of the install, or NULL */
        size_t virt_len;
};

static bool removes_it(void *ud, const char *t, size_t n, const struct hull_sh_word *w) {
        const struct removal *r = ud;
        (void)w;
        n = name_len(t, n);
        return (n == r->pkg_len && memcmp(t, r->pkg, n) == 0) ||
               (r->virt && n == r->virt_len && memcmp(t, r->virt, n) == 0);
}

static const char *const apt_mark[] = {"apt-mark", NULL};
static const char *const apt_auto[] = {"auto", "markauto", NULL};
static const char *const apt_autoremove[] = {"autoremove", "auto-remove", NULL};
static const char *const apt_remove[] = {"purge", "remove", NULL};

/* `apt-mark auto '.*'`, `apt-mark auto <pkg>`, or `apt-mark showmanual |
 * xargs apt-mark auto`: the package becomes removable by an autoremove. */
static bool marks_auto(const struct hull_df_stage *s, const struct hull_df_instr *run,
                       const struct hull_sh_cmd *cmd, struct removal *r) {
        const struct hull_sh_word *ops[2];
        struct hull_sh_call call;
        size_t n;

        if (!hull_lint_cmd_sub_in(cmd, apt_mark, apt_auto))
                return false;
        n = hull_sh_cmd_args_nonopt(cmd, ops, 2);
        hull_sh_cmd_resolve(cmd, &call);
        if (n == 1)
                return (call.wrappers & HULL_SH_WRAP_XARGS) != 0;
        for (size_t i = 1; i < n && i < ELEMENTSOF(ops); i++)
                if (hull_sh_word_is(ops[i], ".*") || hull_sh_word_is(ops[i], "*") ||
                    hull_sh_word_is(ops[i], "~i"))
                        return true;
        return each_pkg(s, run, cmd, removes_it, r);
}

/* apt-get autoremove, or purge/remove with --auto-remove / --autoremove. */
static bool autoremoves(const struct hull_sh_cmd *cmd) {
        return hull_lint_cmd_sub_in(cmd, pms[0].names, apt_autoremove) ||
               (hull_lint_cmd_sub_in(cmd, pms[0].names, apt_remove) &&
                (hull_sh_has_option(cmd, 0, "auto-remove") ||
                 hull_sh_has_option(cmd, 0, "autoremove")));
}

/* Per check: which RUNs (by index in the model) hold any command that can
 * remove a package (a remove/purge/del, an autoremove, apt-mark auto).  Only
 * those are searched for a removal, so checking is linear in the file, not
 * quadratic (a file of 100,000 RUNs installing tools stays fast). */
static bool *may_remove;

static bool run_may_remove(const struct hull_lint_ctx *c, const struct hull_df_instr *run) {
        return !may_remove || may_remove[run - c->m->instrs];
}

static bool run_removes(const struct hull_df_stage *s, const struct hull_df_instr *run, size_t from,
                        struct removal *r, bool *marked) {
        for (size_t k = from; run->sh && k < run->sh->ncmds; k++) {
                const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
                if (pm_of(cmd, false) && each_pkg(s, run, cmd, removes_it, r))
                        return true;
                if (*marked && autoremoves(cmd))
                        return true;
                *marked |= marks_auto(s, run, cmd, r);
        }
        return false;
}

/* The package is removed after command k of run: later in that RUN, in a
 * later RUN of the stage, or in a later stage of the final image. */
static bool removed_later(struct hull_lint_ctx *c, size_t si, const struct hull_df_instr *run,
                          size_t k, struct removal *r) {
        const struct hull_df_stage *s = &c->m->stages[si];
        bool after = false, marked = false;

        if (run_may_remove(c, run) && run_removes(s, run, k + 1, r, &marked))
                return true;
        for (size_t i = 0; i < s->ninstrs; i++) {
                if (s->instrs[i] == run)
                        after = true;
                else if (after && s->instrs[i]->kind == HULL_DF_RUN &&
                         run_may_remove(c, s->instrs[i]) &&
                         run_removes(s, s->instrs[i], 0, r, &marked))
                        return true;
        }
        for (size_t sj = si + 1; sj < c->m->nstages; sj++) {
                const struct hull_df_stage *t = &c->m->stages[sj];
                if (!hull_lint_stage_is_final(c, sj))
                        continue;
                for (size_t i = 0; i < t->ninstrs; i++)
                        if (t->instrs[i]->kind == HULL_DF_RUN && run_may_remove(c, t->instrs[i]) &&
                            run_removes(t, t->instrs[i], 0, r, &marked))
                                return true;
        }
        return false;
}

/* ---- the final image runs the tool ---------------------------------------- */

static bool instr_runs(const struct hull_df_instr *in, const char *bin) {
        const struct hull_df_node *n;
        size_t bl = strlen(bin);

        if (!in)
                return false;
        n = in->node->inner ? in->node->inner : in->node;
        for (size_t v = 0; v < n->nvalues; v++) {
                const char *t = n->values[v].s, *end = t + n->values[v].len;
                while (t < end) {
                        const char *e = t, *b;
                        while (e < end && (strchr("._/-+", *e) || (*e >= '0' && *e <= '9') ||
                                           ((*e | 0x20) >= 'a' && (*e | 0x20) <= 'z')))
                                e++;
                        for (b = e; b > t && b[-1] != '/'; b--)
                                ;
                        if ((size_t)(e - b) == bl && memcmp(b, bin, bl) == 0)
                                return true;
                        t = e < end ? e + 1 : e;
                }
        }
        return false;
}

static bool final_runs(const struct hull_lint_ctx *c, const char *bin) {
        const struct hull_df_stage *f = hull_lint_final(c);
        return instr_runs(f->healthcheck, bin) || instr_runs(f->cmd, bin) ||
               instr_runs(f->entrypoint, bin);
}

/* ---- the check ------------------------------------------------------------- */

struct scan {
        struct hull_lint_ctx *c;
        size_t si;
        const struct hull_df_instr *run;
        size_t k;
        const struct pm *pm;
        const char *virt;
        size_t virt_len;
        const struct tool *seen[16];
        size_t nseen;
};

static bool report_tool(void *ud, const char *t, size_t n, const struct hull_sh_word *w) {
        struct scan *sc = ud;
        const struct hull_sh_cmd *cmd = &sc->run->sh->cmds[sc->k];

        for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
                const struct tool *tl = &tools[i];
                struct removal r = {t, name_len(t, n), sc->virt, sc->virt_len};
                bool dup = false;

                if (!(tl->pms & sc->pm->kind) || !names_pkg(t, n, tl->pkg))
                        continue;
                for (size_t j = 0; j < sc->nseen; j++)
                        dup |= sc->seen[j] == tl;
                if (dup || final_runs(sc->c, tl->bin) ||
                    removed_later(sc->c, sc->si, sc->run, sc->k, &r))
                        return false;
                if (sc->nseen < sizeof(sc->seen) / sizeof(sc->seen[0]))
                        sc->seen[sc->nseen++] = tl;
                hull_lint_report(sc->c, hull_lint_word_pos(sc->run, w), NULL,
                                 "'%s %s' installs %s, %s, into the final image",
                                 hull_sh_cmd_name(cmd), hull_sh_cmd_subcommand(cmd)->text, tl->pkg,
                                 tl->what);
                return false;
        }
        return false;
}

static void check(struct hull_lint_ctx *c) {
        may_remove = hull_calloc(c->m->ninstrs + 1, sizeof(*may_remove));
        for (size_t i = 0; may_remove && i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                for (size_t k = 0; in->kind == HULL_DF_RUN && in->sh && k < in->sh->ncmds; k++) {
                        const struct hull_sh_cmd *cmd = &in->sh->cmds[k];
                        if (pm_of(cmd, false) || autoremoves(cmd) ||
                            hull_lint_cmd_sub_in(cmd, apt_mark, apt_auto)) {
                                may_remove[i] = true;
                                break;
                        }
                }
        }
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                HULL_LINT_FOREACH_RUN(s, run) {
                        for (size_t k = 0; run->sh && k < run->sh->ncmds; k++) {
                                const struct hull_sh_cmd *cmd = &run->sh->cmds[k];
                                struct scan sc = {c,    si, run,    k, pm_of(cmd, true),
                                                  NULL, 0,  {NULL}, 0};

                                if (!sc.pm)
                                        continue;
                                if (sc.pm->kind == APK)
                                        sc.virt = hull_sh_option_value(cmd, 't', "virtual",
                                                                       &sc.virt_len);
                                each_pkg(s, run, cmd, report_tool, &sc);
                        }
                }
        }
        hull_free(may_remove);
        may_remove = NULL;
}

const struct hull_rule hull_rule_HS1011 = {
        .id = "HS1011",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "Debugging or network tool in the final image",
        .rationale =
                "curl, wget, netcat, editors, SSH servers, debuggers and sniffers are the first "
                "things an intruder uses; a running service needs none of them.",
        .fix = "Install the tool in a builder stage only, or remove it in the same RUN once used "
               "(apt-get purge -y --auto-remove curl, apk del curl)",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
