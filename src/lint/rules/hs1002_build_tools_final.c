/* HS1002 build-tools-in-final: compilers, build tools and build runs in the
 * final image.
 *
 * Only stages that end up in the final image (the target and the stages it
 * is built FROM) are checked; a builder stage that is only copied from may
 * do anything.  Reported, one finding each:
 *   - a package manager installing a build package: apt-get/apt/aptitude
 *     install, apk add, yum/dnf/microdnf/tdnf install, zypper install/in of
 *     build-essential, build-base, gcc, g++, gcc-c++, clang (and -N
 *     versions), make, cmake, autoconf, automake, libtool, pkg-config,
 *     pkgconf, golang, golang-go, go, maven, gradle, cargo, rustc, rust,
 *     node-gyp, linux-headers, any *-dev / *-devel, and the "Development
 *     Tools" group.  A package removed again later in the same RUN (apt-get
 *     remove/purge, apk del of it or of its --virtual name, yum/dnf
 *     remove/erase, zypper remove/rm) does not stay in the image and is not
 *     reported; package lists in variables ($buildDeps) are not resolved;
 *   - build commands: go build, mvn/mvnw package|install|verify, gradle/
 *     gradlew build|assemble|bootJar|shadowJar|installDist, cargo
 *     build|install, npm/yarn/pnpm [run] build*, make/gmake, gcc/cc/g++/c++/
 *     clang/clang++ (not when only asked for --version);
 *   - npm install/ci, yarn [install] and pnpm install of a whole project
 *     (no package operands, not -g) that keep devDependencies: no
 *     --omit=dev, --production, --only=prod[uction] (pnpm: --prod/-P), and
 *     NODE_ENV is not "production" at that point (ENV/ARG of the stage, an
 *     assignment before the command, `env NODE_ENV=production`, or an
 *     earlier `export NODE_ENV=production` in the same RUN; also
 *     npm_config_production=true / npm_config_omit=dev). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define MAX_OPERANDS 256

enum pm_family { PM_NONE, PM_APT, PM_APK, PM_RPM, PM_ZYPPER };

static enum pm_family pm_of(const char *name) {
        if (!strcmp(name, "apt-get") || !strcmp(name, "apt") || !strcmp(name, "aptitude"))
                return PM_APT;
        if (!strcmp(name, "apk"))
                return PM_APK;
        if (!strcmp(name, "yum") || !strcmp(name, "dnf") || !strcmp(name, "microdnf") ||
            !strcmp(name, "tdnf"))
                return PM_RPM;
        if (!strcmp(name, "zypper"))
                return PM_ZYPPER;
        return PM_NONE;
}

static bool word_in(const struct hull_sh_word *w, const char *const *list) {
        for (; *list; list++)
                if (hull_sh_word_is(w, *list))
                        return true;
        return false;
}

static bool is_install(enum pm_family f, const struct hull_sh_word *sub) {
        static const char *const apt[] = {"install", NULL}, *const apk[] = {"add", NULL},
                                 *const zyp[] = {"install", "in", NULL};
        return sub && word_in(sub, f == PM_APK ? apk : f == PM_ZYPPER ? zyp : apt);
}

static bool is_remove(enum pm_family f, const struct hull_sh_word *sub) {
        static const char *const apt[] = {"remove", "purge", NULL}, *const apk[] = {"del", NULL},
                                 *const rpm[] = {"remove", "erase", NULL},
                                 *const zyp[] = {"remove", "rm", NULL};
        return sub && word_in(sub, f == PM_APT ? apt : f == PM_APK ? apk : f == PM_RPM ? rpm : zyp);
}

/* Package name without version, arch or release: "gcc=4:12" -> "gcc". */
static void pkg_name(const struct hull_sh_word *w, char *buf, size_t n) {
        size_t l = strcspn(w->text, "=<>~:/");
        if (l >= n)
                l = n - 1;
        memcpy(buf, w->text, l);
        buf[l] = '\0';
}

static bool ends_with(const char *s, const char *sfx) {
        size_t a = strlen(s), b = strlen(sfx);
        return a > b && strcmp(s + a - b, sfx) == 0;
}

/* "gcc", "gcc-12", "g++-12" for base "gcc" / "g++". */
static bool versioned(const char *p, const char *base) {
        size_t l = strlen(base);
        if (strncmp(p, base, l) != 0)
                return false;
        if (p[l] == '\0')
                return true;
        if (p[l] != '-' || !p[l + 1])
                return false;
        for (p += l + 1; *p; p++)
                if ((*p < '0' || *p > '9') && *p != '.')
                        return false;
        return true;
}

static bool build_pkg(const char *p) {
        static const char *const exact[] = {
                "build-essential", "build-base", "gcc-c++",   "make",       "cmake",
                "autoconf",        "automake",   "libtool",   "pkg-config", "pkgconf",
                "pkgconfig",       "golang",     "golang-go", "go",         "maven",
                "gradle",          "cargo",      "rustc",     "rust",       "node-gyp",
                "linux-headers",   NULL};
        for (const char *const *e = exact; *e; e++)
                if (!strcmp(p, *e))
                        return true;
        return versioned(p, "gcc") || versioned(p, "g++") || versioned(p, "clang") ||
               ends_with(p, "-dev") || ends_with(p, "-devel");
}

static bool dev_group(const char *p) {
        if (*p == '@')
                p++;
        return !strcasecmp(p, "development tools") || !strcasecmp(p, "development-tools") ||
               !strcasecmp(p, "development");
}

static bool apt_marked_auto(const struct hull_sh_script *sh) {
        for (size_t j = 0; j < sh->ncmds; j++) {
                const struct hull_sh_word *sub = hull_sh_cmd_subcommand(&sh->cmds[j]);
                if (hull_sh_cmd_is(&sh->cmds[j], "apt-mark") && sub && hull_sh_word_is(sub, "auto"))
                        return true;
        }
        return false;
}

/* Whether cmd removes packages installed before it: pkg (or, when pkg is
 * NULL, any build package or apk virtual ".name"), the --virtual name virt,
 * or packages in bulk: a list in a variable ($buildDeps), or apt's
 * --auto-remove / autoremove after `apt-mark auto` (the docker-library
 * idiom).  want limits it to one package manager family (PM_NONE: any). */
static bool removes(const struct hull_sh_script *sh, const struct hull_sh_cmd *cmd,
                    enum pm_family want, const char *pkg, const char *virt, size_t virt_len) {
        enum pm_family f = pm_of(hull_sh_cmd_name(cmd));
        const struct hull_sh_word *ops[MAX_OPERANDS];
        size_t n;

        if (f == PM_NONE || (want != PM_NONE && f != want))
                return false;
        n = hull_sh_cmd_args_nonopt(cmd, ops, MAX_OPERANDS);
        if (n > MAX_OPERANDS)
                n = MAX_OPERANDS;
        if (n == 0)
                return false;
        if (f == PM_APT &&
            (hull_sh_word_is(ops[0], "autoremove") ||
             (is_remove(f, ops[0]) && (hull_sh_has_option(cmd, '\0', "auto-remove") ||
                                       hull_sh_has_option(cmd, '\0', "autoremove")))) &&
            apt_marked_auto(sh))
                return true;
        if (!is_remove(f, ops[0]))
                return false;
        for (size_t k = 1; k < n; k++) {
                char name[128];
                if (ops[k]->has_expansion ||
                    (virt && ops[k]->len == virt_len && !memcmp(ops[k]->text, virt, virt_len)))
                        return true;
                pkg_name(ops[k], name, sizeof(name));
                if (pkg ? !strcmp(name, pkg) : (build_pkg(name) || name[0] == '.'))
                        return true;
        }
        return false;
}

/* Whether a command after command i of the script removes (see removes()). */
static bool removed_later(const struct hull_sh_script *sh, size_t i, enum pm_family f,
                          const char *pkg, const char *virt, size_t virt_len) {
        for (size_t j = i + 1; j < sh->ncmds; j++)
                if (removes(sh, &sh->cmds[j], f, pkg, virt, virt_len))
                        return true;
        return false;
}

static void check_install(struct hull_lint_ctx *c, const char *stage,
                          const struct hull_df_instr *run, size_t i) {
        const struct hull_sh_script *sh = run->sh;
        const struct hull_sh_cmd *cmd = &sh->cmds[i];
        const char *pm = hull_sh_cmd_name(cmd);
        enum pm_family f = pm_of(pm);
        const struct hull_sh_word *ops[MAX_OPERANDS];
        const char *virt = NULL;
        size_t n, first = 1, virt_len = 0;
        bool group = false;

        if (f == PM_NONE)
                return;
        n = hull_sh_cmd_args_nonopt(cmd, ops, MAX_OPERANDS);
        if (n > MAX_OPERANDS)
                n = MAX_OPERANDS;
        if (n == 0)
                return;
        if (f == PM_RPM &&
            (hull_sh_word_is(ops[0], "groupinstall") ||
             (n > 1 && hull_sh_word_is(ops[0], "group") && hull_sh_word_is(ops[1], "install")))) {
                group = true;
                first = hull_sh_word_is(ops[0], "group") ? 2 : 1;
        } else if (!is_install(f, ops[0])) {
                return;
        }
        if (f == PM_APK)
                virt = hull_sh_option_value(cmd, 't', "virtual", &virt_len);
        for (size_t k = first; k < n; k++) {
                char name[128];
                if (ops[k]->has_expansion)
                        continue;
                if (group || (f == PM_RPM && ops[k]->text[0] == '@')) {
                        if (dev_group(ops[k]->text))
                                hull_lint_report(c, hull_lint_word_pos(run, ops[k]), NULL,
                                                 "%s installs the '%s' group of compilers in %s",
                                                 pm, ops[k]->text, stage);
                        continue;
                }
                pkg_name(ops[k], name, sizeof(name));
                if (!build_pkg(name) || removed_later(sh, i, f, name, virt, virt_len))
                        continue;
                hull_lint_report(c, hull_lint_word_pos(run, ops[k]), NULL,
                                 "%s installs build package '%s' in %s", pm, name, stage);
        }
}

/* NODE_ENV=production (or npm's own production setting) for cmd i. */
static bool production_env(const struct hull_df_stage *s, const struct hull_df_instr *run,
                           size_t i) {
        static const char *const assigns[] = {
                "NODE_ENV=production", "npm_config_production=true", "NPM_CONFIG_PRODUCTION=true",
                "npm_config_omit=dev", "NPM_CONFIG_OMIT=dev",        NULL};
        static const char *const vars[][2] = {{"NODE_ENV", "production"},
                                              {"npm_config_production", "true"},
                                              {"NPM_CONFIG_PRODUCTION", "true"},
                                              {"npm_config_omit", "dev"},
                                              {"NPM_CONFIG_OMIT", "dev"}};
        const struct hull_sh_script *sh = run->sh;
        const struct hull_sh_cmd *cmd = &sh->cmds[i];
        struct hull_sh_call call;

        for (size_t k = 0; k < sizeof(vars) / sizeof(vars[0]); k++) {
                const struct hull_df_var *v = hull_lint_var_at(s, run, vars[k][0]);
                if (v && v->value && v->value_len == strlen(vars[k][1]) &&
                    !memcmp(v->value, vars[k][1], v->value_len))
                        return true;
        }
        for (size_t k = 0; k < cmd->nassigns; k++)
                if (word_in(&cmd->assigns[k], assigns))
                        return true;
        hull_sh_cmd_resolve(cmd, &call);
        for (size_t k = 0; k < call.argi && k < cmd->argc; k++) /* env NODE_ENV=production npm ci */
                if (word_in(&cmd->argv[k], assigns))
                        return true;
        for (size_t j = 0; j < i; j++) {
                const struct hull_sh_cmd *e = &sh->cmds[j];
                if (!hull_sh_cmd_is(e, "export"))
                        continue;
                for (size_t k = 1; k < e->argc; k++)
                        if (word_in(&e->argv[k], assigns))
                                return true;
        }
        return false;
}

/* Whether a whole-project install of a node package manager skips devDependencies. */
static bool node_prod(const struct hull_sh_cmd *cmd, const char *tool, bool *ret_partial) {
        struct hull_sh_args it;
        struct hull_sh_arg a;
        size_t operands = 0;
        bool pnpm = !strcmp(tool, "pnpm");

        *ret_partial = false;
        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a)) {
                if (a.kind == HULL_SH_ARG_OPERAND) {
                        operands++;
                        continue;
                }
                if (a.kind == HULL_SH_ARG_SHORT) {
                        if (a.opt == 'g' || (pnpm && a.opt == 'P'))
                                return true;
                        continue;
                }
#define IS(s) (a.name_len == strlen(s) && !strncmp(a.name, s, a.name_len))
#define VAL(s) (a.value && a.value_len == strlen(s) && !strncmp(a.value, s, a.value_len))
                if (IS("global") || ((IS("production") || IS("prod")) && !VAL("false")) ||
                    (IS("omit") && VAL("dev")) ||
                    (IS("only") && (VAL("prod") || VAL("production"))) ||
                    (IS("location") && VAL("global")))
                        return true;
#undef IS
#undef VAL
        }
        /* operands beyond the subcommand name packages: not the whole project */
        *ret_partial =
                operands > (strcmp(tool, "yarn") == 0 && !hull_sh_cmd_subcommand(cmd) ? 0u : 1u);
        return false;
}

static bool starts(const struct hull_sh_word *w, const char *p) {
        return w && !strncmp(w->text, p, strlen(p));
}

static void check_cmd(struct hull_lint_ctx *c, const struct hull_df_stage *s, const char *stage,
                      const struct hull_df_instr *run, size_t i) {
        static const char *const compilers[] = {"gcc",     "cc",   "g++",   "c++", "clang",
                                                "clang++", "make", "gmake", NULL};
        static const char *const mvn_goals[] = {"package", "install", "verify", NULL};
        static const char *const gradle_tasks[] = {"build",     "assemble",    "bootJar",
                                                   "shadowJar", "installDist", NULL};
        const struct hull_sh_cmd *cmd = &run->sh->cmds[i];
        const char *name = hull_sh_cmd_name(cmd);
        const struct hull_sh_word *ops[8];
        size_t n = hull_sh_cmd_args_nonopt(cmd, ops, 8);
        const struct hull_sh_word *sub = n ? ops[0] : NULL, *hit = NULL;
        char what[96];
        bool partial;

        if (n > 8)
                n = 8;
        what[0] = '\0';
        for (const char *const *p = compilers; *p; p++)
                if (!strcmp(name, *p)) {
                        if (hull_sh_has_option(cmd, '\0', "version") ||
                            hull_sh_has_option(cmd, '\0', "help") ||
                            hull_sh_has_option(cmd, 'v', NULL) ||
                            hull_sh_has_option(cmd, '\0', "dumpversion"))
                                return;
                        snprintf(what, sizeof(what), "'%s' runs", name);
                }
        if (!strcmp(name, "go") && sub && hull_sh_word_is(sub, "build"))
                hit = sub;
        if ((!strcmp(name, "cargo") && sub &&
             (hull_sh_word_is(sub, "build") || hull_sh_word_is(sub, "install"))))
                hit = sub;
        for (size_t k = 0; k < n && !hit; k++)
                if (((!strcmp(name, "mvn") || !strcmp(name, "mvnw")) &&
                     word_in(ops[k], mvn_goals)) ||
                    ((!strcmp(name, "gradle") || !strcmp(name, "gradlew")) &&
                     word_in(ops[k], gradle_tasks)))
                        hit = ops[k];
        if (!strcmp(name, "npm") || !strcmp(name, "yarn") || !strcmp(name, "pnpm")) {
                if (hull_sh_has_option(cmd, 'v', "version") || hull_sh_has_option(cmd, 'h', "help"))
                        return; /* `yarn --version` is no install */
                if (sub && (hull_sh_word_is(sub, "run") || hull_sh_word_is(sub, "run-script")) &&
                    n > 1 && starts(ops[1], "build"))
                        snprintf(what, sizeof(what), "'%s %s %s' builds", name, sub->text,
                                 ops[1]->text);
                else if (sub && strcmp(name, "npm") != 0 && starts(sub, "build"))
                        hit = sub;
                else if ((!strcmp(name, "npm") && sub &&
                          (hull_sh_word_is(sub, "install") || hull_sh_word_is(sub, "i") ||
                           hull_sh_word_is(sub, "ci") || hull_sh_word_is(sub, "install-clean"))) ||
                         (!strcmp(name, "yarn") && (!sub || hull_sh_word_is(sub, "install"))) ||
                         (!strcmp(name, "pnpm") && sub &&
                          (hull_sh_word_is(sub, "install") || hull_sh_word_is(sub, "i")))) {
                        if (node_prod(cmd, name, &partial) || partial || production_env(s, run, i))
                                return;
                        hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL,
                                         "'%s%s%s' installs devDependencies in %s (no %s, and "
                                         "NODE_ENV is not "
                                         "production)",
                                         name, sub ? " " : "", sub ? sub->text : "", stage,
                                         !strcmp(name, "npm") ? "--omit=dev" : "--production");
                        return;
                }
        }
        if (hit)
                snprintf(what, sizeof(what), "'%s %s' builds", name, hit->text);
        if (what[0] && removed_later(run->sh, i, PM_NONE, NULL, NULL, 0))
                return; /* a build that removes its toolchain in the same RUN */
        if (what[0])
                hull_lint_report(c, hull_lint_cmd_pos(run, cmd), NULL, "%s in %s", what, stage);
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                const struct hull_df_instr *run;
                char label[80], stage[128];

                if (!hull_lint_stage_is_final(c, si))
                        continue;
                if (si == c->m->target)
                        snprintf(stage, sizeof(stage), "the final stage");
                else
                        snprintf(stage, sizeof(stage), "%s, part of the final image",
                                 hull_lint_stage_label(s, label, sizeof(label)));
                HULL_LINT_FOREACH_RUN(s, run) {
                        if (!run->sh)
                                continue;
                        for (size_t i = 0; i < run->sh->ncmds; i++) {
                                check_install(c, stage, run, i);
                                check_cmd(c, s, stage, run, i);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1002 = {
        .id = "HS1002",
        .slug = "multi-stage-build",
        .severity = HULL_SEV_MEDIUM,
        .title = "Build toolchain in the final image",
        .rationale = "Compilers, headers, build tools and devDependencies in the shipped image add "
                     "hundreds of megabytes and many packages to patch, and hand an attacker a "
                     "toolchain; they are only needed to build.",
        .fix = "Build in a separate stage (FROM ... AS build), then COPY --from=build only the "
               "artifacts into a slim final stage",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
