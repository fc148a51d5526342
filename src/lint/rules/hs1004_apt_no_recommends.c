/* HS1004 minimal-packages: `apt-get install` without --no-install-recommends.
 *
 * apt installs a package's Recommends by default: `apt-get install -y curl`
 * on Debian also pulls in ca-certificates, libldap-common, publicsuffix and
 * more.  An install counts as restricted to Depends when it has
 * --no-install-recommends, --install-recommends=false, or
 * -o/--option APT::Install-Recommends=false|0|no|off (options anywhere,
 * short options clustered); when a word that is one variable ($APT_OPTS)
 * expands to one of those; or when an earlier command of the stage (or of
 * the stages it is built FROM) writes `APT::Install-Recommends "false"` into
 * an apt configuration file (echo, printf, a here-document, COPY <<EOF).
 * Only stages that end up in the final image are checked: recommends pulled
 * into a builder stage that is only copied from never ship. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static const char *const apt[] = {"apt-get", "apt", NULL};
static const char *const install[] = {"install", NULL};

/* apt's boolean "false": apt accepts no, false, without, off, disable, 0. */
static bool apt_false(const char *v, size_t n) {
        static const char *const no[] = {"false", "0", "no", "off", "without", "disable"};
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                if (strlen(no[i]) == n && strncasecmp(v, no[i], n) == 0)
                        return true;
        return false;
}

/* "APT::Install-Recommends=false" (the value of -o). */
static bool option_off(const char *v, size_t n) {
        static const char key[] = "APT::Install-Recommends=";
        size_t kl = sizeof(key) - 1;
        return n > kl && strncasecmp(v, key, kl) == 0 && apt_false(v + kl, n - kl);
}

/* Text (an apt.conf line, an expanded variable) turns recommends off:
 * "Install-Recommends" followed by quotes, '=', ':' or blanks and a false
 * value ("APT::Install-Recommends \"false\";", "...=0"), or
 * "--no-install-recommends". */
static bool text_turns_off(const char *t, size_t n) {
        static const char key[] = "install-recommends";
        size_t kl = sizeof(key) - 1;

        for (size_t i = 0; i + kl <= n; i++) {
                if (strncasecmp(t + i, key, kl) != 0)
                        continue;
                if (i >= 5 && strncmp(t + i - 5, "--no-", 5) == 0)
                        return true;
                size_t j = i + kl, e;
                while (j < n && strchr(" \t\"'=:", t[j]))
                        j++;
                for (e = j; e < n && isalnum((unsigned char)t[e]); e++)
                        ;
                if (e > j && apt_false(t + j, e - j))
                        return true;
        }
        return false;
}

static bool cmd_restricted(const struct hull_df_stage *s, const struct hull_df_instr *run,
                           const struct hull_sh_cmd *cmd) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a)) {
                if (a.kind == HULL_SH_ARG_LONG && a.name_len == 21 &&
                    strncmp(a.name, "no-install-recommends", 21) == 0)
                        return true;
                if (a.kind == HULL_SH_ARG_LONG && a.name_len == 18 &&
                    strncmp(a.name, "install-recommends", 18) == 0 && a.value &&
                    apt_false(a.value, a.value_len))
                        return true;
                if (((a.kind == HULL_SH_ARG_SHORT && a.opt == 'o') ||
                     (a.kind == HULL_SH_ARG_LONG && a.name_len == 6 &&
                      strncmp(a.name, "option", 6) == 0)) &&
                    a.value && option_off(a.value, a.value_len))
                        return true;
        }
        for (size_t i = 0; i < cmd->argc; i++) {
                size_t n;
                const char *v = hull_lint_word_var_value(s, run, &cmd->argv[i], &n);
                if (v && text_turns_off(v, n))
                        return true;
        }
        return false;
}

/* A command writes an apt configuration that turns recommends off.  An apt
 * command's own option (apt-get install --no-install-recommends, -o ...)
 * only affects that command, so apt commands never count. */
static bool cmd_configures(const struct hull_sh_cmd *cmd) {
        const char *name = hull_sh_cmd_name(cmd);
        if (name && (strcmp(name, "apt-get") == 0 || strcmp(name, "apt") == 0 ||
                     strcmp(name, "aptitude") == 0))
                return false;
        for (size_t i = 0; i < cmd->argc; i++)
                if (text_turns_off(cmd->argv[i].text, cmd->argv[i].len))
                        return true;
        for (size_t i = 0; i < cmd->nredirs; i++)
                if (cmd->redirs[i].body &&
                    text_turns_off(cmd->redirs[i].body, cmd->redirs[i].body_len))
                        return true;
        return false;
}

static bool instr_configures(const struct hull_df_instr *in, size_t ncmds) {
        const struct hull_df_node *n = in->node->inner ? in->node->inner : in->node;

        if (in->kind == HULL_DF_RUN && in->sh) {
                for (size_t i = 0; i < ncmds && i < in->sh->ncmds; i++)
                        if (cmd_configures(&in->sh->cmds[i]))
                                return true;
                return false;
        }
        if (in->kind == HULL_DF_COPY || in->kind == HULL_DF_ADD)
                for (size_t i = 0; i < n->nheredocs; i++)
                        if (text_turns_off(n->heredocs[i].body, n->heredocs[i].body_len))
                                return true;
        return false;
}

/* Per check: for each stage, the model index of its first instruction that
 * turns recommends off (SIZE_MAX if none).  Computed once, so the check
 * stays linear however many RUNs a stage has. */
static size_t *first_conf;

/* Recommends were turned off in apt's configuration before command ci of run. */
static bool configured_before(const struct hull_lint_ctx *c, const struct hull_df_stage *s,
                              const struct hull_df_instr *run, size_t ci) {
        size_t at = (size_t)(run - c->m->instrs);

        if (instr_configures(run, ci))
                return true;
        if (!first_conf)
                return false;
        if (first_conf[s->index] < at)
                return true;
        for (size_t hops = 0; s->base_stage != HULL_DF_NO_STAGE && hops <= c->m->nstages; hops++) {
                s = &c->m->stages[s->base_stage];
                if (first_conf[s->index] != SIZE_MAX)
                        return true;
        }
        return false;
}

static void check(struct hull_lint_ctx *c) {
        first_conf = hull_calloc(c->m->nstages + 1, sizeof(*first_conf));
        for (size_t si = 0; first_conf && si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                first_conf[si] = SIZE_MAX;
                for (size_t i = 0; i < s->ninstrs; i++)
                        if (instr_configures(s->instrs[i], (size_t)-1)) {
                                first_conf[si] = (size_t)(s->instrs[i] - c->m->instrs);
                                break;
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
                                char pkgs[256];

                                if (!hull_lint_cmd_sub_in(cmd, apt, install) ||
                                    cmd_restricted(s, run, cmd) || configured_before(c, s, run, k))
                                        continue;
                                hull_lint_cmd_operands_str(cmd, 1, pkgs, sizeof(pkgs));
                                hull_lint_report(
                                        c, hull_lint_cmd_pos(run, cmd), NULL,
                                        "'%s install%s%s' runs without --no-install-recommends, so "
                                        "the packages' recommended packages are installed too",
                                        hull_sh_cmd_name(cmd), pkgs[0] ? " " : "", pkgs);
                        }
                }
        }
        hull_free(first_conf);
        first_conf = NULL;
}

const struct hull_rule hull_rule_HS1004 = {
        .id = "HS1004",
        .slug = "minimal-packages",
        .severity = HULL_SEV_LOW,
        .title = "apt-get install without --no-install-recommends",
        .rationale = "apt installs every Recommends of a package by default: packages nobody asked "
                     "for that grow the image and its attack surface.",
        .fix = "Add --no-install-recommends: apt-get install -y --no-install-recommends <packages>",
        .hadolint = "DL3015",
        .trivy = "DS029",
        .check = check,
};
