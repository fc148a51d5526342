/* HS2007 other: TLS certificate or package signature verification turned off.
 *
 * Every stage (a tampered download in a builder stage ends up in what it
 * builds).  Commands, found through the shell model (shell form, `RUN <<EOF`,
 * exec form; through sudo/env wrappers and `python -m pip`):
 *   curl -k / --insecure / --proxy-insecure / --doh-insecure, also inside
 *     clusters (-fsSLk; a cluster letter after one that takes a value, as
 *     in -ok, is that value);
 *   wget --no-check-certificate, --check-certificate=off|quiet;
 *   pip/pip3/pipX.Y --trusted-host (any subcommand), pip config set
 *     *.trusted-host; uv --trusted-host / --allow-insecure-host;
 *   npm/pnpm/yarn [config] set strict-ssl false (also strict-ssl=false,
 *     yarn's enableStrictSsl), --strict-ssl=false;
 *   git -c http[.<url>].sslVerify=false, git clone -c/--config the same,
 *     git config [--global] [set] http[.<url>].sslVerify false|no|off|0;
 *   apk --allow-untrusted (not for `apk index`, nor when every package is
 *     a local .apk file and no --repository is given: nothing is
 *     downloaded);
 *   apt-get/apt/aptitude --allow-unauthenticated,
 *     --allow-insecure-repositories, -o Acquire::https[::host]::Verify-Peer
 *     or Verify-Host=false, -o APT::Get::AllowUnauthenticated=true,
 *     -o Acquire::AllowInsecureRepositories=true;
 *   yum/dnf/microdnf/tdnf --nogpgcheck (unless every package is a local
 *     .rpm file), --setopt=[repo.]sslverify=0 or gpgcheck=0;
 *   conda/mamba/micromamba config --set ssl_verify false.
 * Variables, in ENV, in ARG (ARG values are in every RUN's environment),
 * as a command's assignment prefix (X=1 git clone), after env, or in
 * export/declare: GIT_SSL_NO_VERIFY (any value: git only checks that it
 * is set), NODE_TLS_REJECT_UNAUTHORIZED=0, PYTHONHTTPSVERIFY=0,
 * PIP_TRUSTED_HOST, UV_INSECURE_HOST, GOINSECURE (non-empty),
 * NPM_CONFIG_STRICT_SSL=false (any case), CONDA_SSL_VERIFY=false.
 * Not seen: commands inside `sh -c "..."` strings, configuration files
 * written with echo or heredocs (.curlrc, apt.conf.d, pip.conf). */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

static bool eq_ci(const char *s, size_t n, const char *lit) {
        return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

static bool falsy(const char *v, size_t n) {
        return eq_ci(v, n, "false") || eq_ci(v, n, "0") || eq_ci(v, n, "no") || eq_ci(v, n, "off");
}

static bool truthy(const char *v, size_t n) {
        return eq_ci(v, n, "true") || eq_ci(v, n, "1") || eq_ci(v, n, "yes") || eq_ci(v, n, "on");
}

static bool ends_ci(const char *s, size_t n, const char *lit) {
        size_t l = strlen(lit);
        return n >= l && strncasecmp(s + n - l, lit, l) == 0;
}

static bool starts_ci(const char *s, size_t n, const char *lit) {
        size_t l = strlen(lit);
        return n >= l && strncasecmp(s, lit, l) == 0;
}

/* ---- variables ------------------------------------------------------------ */

static bool same(const char *s, size_t n, const char *lit) {
        return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* What setting name=value does, or NULL when harmless.  Names are
 * case-sensitive, except npm's (npm reads npm_config_* in any case). */
static const char *env_effect(const char *name, size_t nlen, const char *val, size_t vlen) {
        if (same(name, nlen, "GIT_SSL_NO_VERIFY"))
                return "makes git skip TLS certificate verification (git only checks that it is "
                       "set)";
        if (same(name, nlen, "NODE_TLS_REJECT_UNAUTHORIZED") && same(val, vlen, "0"))
                return "makes Node.js accept any TLS certificate";
        if (same(name, nlen, "PYTHONHTTPSVERIFY") && same(val, vlen, "0"))
                return "turns off Python's HTTPS certificate verification";
        if (same(name, nlen, "PIP_TRUSTED_HOST") && vlen > 0)
                return "makes pip skip TLS verification for those hosts";
        if (same(name, nlen, "UV_INSECURE_HOST") && vlen > 0)
                return "makes uv skip TLS verification for those hosts";
        if (same(name, nlen, "GOINSECURE") && vlen > 0)
                return "makes go fetch those modules without TLS verification";
        if (eq_ci(name, nlen, "NPM_CONFIG_STRICT_SSL") && falsy(val, vlen))
                return "turns off npm's TLS certificate verification";
        if (same(name, nlen, "CONDA_SSL_VERIFY") && falsy(val, vlen))
                return "turns off conda's TLS certificate verification";
        return NULL;
}

/* Check a NAME=value word (assignment prefix, env/export argument). */
static void check_assign(struct hull_lint_ctx *c, struct hull_pos pos,
                         const struct hull_sh_word *w) {
        const char *eq = memchr(w->text, '=', w->len);
        const char *e;
        size_t nlen;

        if (!eq || eq == w->text)
                return;
        nlen = (size_t)(eq - w->text);
        for (size_t i = 0; i < nlen; i++)
                if (!isalnum((unsigned char)w->text[i]) && w->text[i] != '_')
                        return;
        e = env_effect(w->text, nlen, eq + 1, w->len - nlen - 1);
        if (e)
                hull_lint_report(c, pos, NULL, "%s %s", w->text, e);
}

static void check_kvs(struct hull_lint_ctx *c, const struct hull_df_stage *s,
                      const struct hull_df_instr *in) {
        for (size_t k = 0; k < in->nkvs; k++) {
                const struct hull_df_kv *kv = &in->kvs[k];
                const char *name = kv->key_x ? kv->key_x : kv->key.s;
                const char *val = kv->value_x;
                size_t vlen = kv->value_x_len;
                const char *e;

                if (in->kind == HULL_DF_ARG) {
                        /* the value in effect: a --build-arg wins over the default */
                        for (size_t i = 0; i < s->nargs; i++)
                                if (s->args[i].instr == in && strcmp(s->args[i].name, name) == 0) {
                                        val = s->args[i].value;
                                        vlen = s->args[i].value_len;
                                }
                        if (!val)
                                continue; /* ARG X: not set */
                }
                if (!val) {
                        val = kv->value.s ? kv->value.s : "";
                        vlen = kv->value.s ? kv->value.len : 0;
                }
                e = env_effect(name, strlen(name), val, vlen);
                if (e)
                        hull_lint_report(c, kv->key.pos, NULL, "%s %s=%.*s %s",
                                         in->kind == HULL_DF_ARG ? "ARG" : "ENV", name, (int)vlen,
                                         val, e);
        }
}

/* ---- commands ------------------------------------------------------------- */

static const struct hull_sh_optspec git_opts = {
        "cC", HULL_LINT_STRV("git-dir", "work-tree", "namespace", "config-env", "super-prefix")};
static const struct hull_sh_optspec git_config_opts = {
        "f", HULL_LINT_STRV("file", "blob", "type", "default", "comment")};
static const struct hull_sh_optspec git_clone_opts = {
        "cobuj",
        HULL_LINT_STRV("config", "origin", "branch", "upload-pack", "template", "reference",
                       "reference-if-able", "depth", "separate-git-dir", "jobs", "filter",
                       "shallow-since", "shallow-exclude", "server-option", "bundle-uri")};
static const struct hull_sh_optspec plain_opts = {"", NULL};

static bool name_is_pip(const char *name) {
        if (strncmp(name, "pip", 3) != 0)
                return false;
        for (const char *p = name + 3; *p; p++)
                if (!isdigit((unsigned char)*p) && *p != '.')
                        return false;
        return true;
}

/* git's http.sslVerify / http.<url>.sslVerify key. */
static bool git_sslverify_key(const char *k, size_t n) {
        return starts_ci(k, n, "http.") && ends_ci(k, n, ".sslverify");
}

static void check_git_kv(struct hull_lint_ctx *c, struct hull_pos pos, const char *how,
                         const struct hull_sh_arg *a) {
        const char *eq = a->value ? memchr(a->value, '=', a->value_len) : NULL;
        size_t klen;
        if (!eq)
                return; /* -c key alone means true */
        klen = (size_t)(eq - a->value);
        if (git_sslverify_key(a->value, klen) &&
            (eq + 1 == a->value + a->value_len || falsy(eq + 1, a->value_len - klen - 1)))
                hull_lint_report(c, pos, NULL, "git %s %.*s turns off TLS certificate verification",
                                 how, (int)a->value_len, a->value);
}

static void check_git(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                      size_t first) {
        struct hull_sh_args it;
        struct hull_sh_arg a;
        const struct hull_sh_word *sub = NULL;

        hull_sh_args_init_spec(&it, cmd, first, &git_opts);
        while (hull_sh_args_next(&it, &a)) {
                if (a.kind == HULL_SH_ARG_OPERAND) {
                        sub = a.word;
                        break;
                }
                if (a.kind == HULL_SH_ARG_SHORT && a.opt == 'c')
                        check_git_kv(c, pos, "-c", &a);
        }
        if (!sub)
                return;
        if (hull_sh_word_is(sub, "clone")) {
                hull_sh_args_init_spec(&it, cmd, it.i, &git_clone_opts);
                while (hull_sh_args_next(&it, &a))
                        if ((a.kind == HULL_SH_ARG_SHORT && a.opt == 'c') ||
                            hull_lint_arg_long_is(&a, "config"))
                                check_git_kv(c, pos, "clone -c", &a);
        } else if (hull_sh_word_is(sub, "config")) {
                const struct hull_sh_word *ops[3];
                size_t n = 0;
                hull_sh_args_init_spec(&it, cmd, it.i, &git_config_opts);
                while (hull_sh_args_next(&it, &a) && n < 3)
                        if (a.kind == HULL_SH_ARG_OPERAND &&
                            !(n == 0 && hull_sh_word_is(a.word, "set")))
                                ops[n++] = a.word;
                if (n >= 2 && git_sslverify_key(ops[0]->text, ops[0]->len) &&
                    falsy(ops[1]->text, ops[1]->len))
                        hull_lint_report(c, pos, NULL,
                                         "git config %s %s turns off TLS certificate verification",
                                         ops[0]->text, ops[1]->text);
        }
}

static void check_curl(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                       size_t first) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init_spec(&it, cmd, first, &hull_lint_curl_opts);
        while (hull_sh_args_next(&it, &a))
                if ((a.kind == HULL_SH_ARG_SHORT && a.opt == 'k') ||
                    hull_lint_arg_long_is(&a, "insecure") ||
                    hull_lint_arg_long_is(&a, "proxy-insecure") ||
                    hull_lint_arg_long_is(&a, "doh-insecure")) {
                        hull_lint_report(c, pos, NULL, "curl %s skips TLS certificate verification",
                                         a.word->text);
                        return;
                }
}

static void check_wget(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                       size_t first) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init_spec(&it, cmd, first, &hull_lint_wget_opts);
        while (hull_sh_args_next(&it, &a))
                if (hull_lint_arg_long_is(&a, "no-check-certificate") ||
                    (hull_lint_arg_long_is(&a, "check-certificate") && a.value &&
                     (falsy(a.value, a.value_len) || eq_ci(a.value, a.value_len, "quiet")))) {
                        hull_lint_report(c, pos, NULL, "wget %s skips TLS certificate verification",
                                         a.word->text);
                        return;
                }
}

static void check_pip(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                      const char *name) {
        const struct hull_sh_word *ops[3];
        size_t len, n;
        const char *v = hull_sh_option_value(cmd, 0, "trusted-host", &len);

        if (v) {
                hull_lint_report(c, pos, NULL,
                                 "%s --trusted-host %.*s skips TLS verification for that host",
                                 name, (int)len, v);
                return;
        }
        n = hull_sh_cmd_args_nonopt(cmd, ops, 3);
        if (n >= 3 && hull_sh_word_is(ops[0], "config") && hull_sh_word_is(ops[1], "set") &&
            ends_ci(ops[2]->text, ops[2]->len, ".trusted-host"))
                hull_lint_report(c, pos, NULL,
                                 "%s config set %s skips TLS verification for those hosts", name,
                                 ops[2]->text);
}

static void check_uv(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                     size_t first) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init_spec(&it, cmd, first, &plain_opts);
        while (hull_sh_args_next(&it, &a))
                if (hull_lint_arg_long_is(&a, "trusted-host") ||
                    hull_lint_arg_long_is(&a, "allow-insecure-host")) {
                        hull_lint_report(c, pos, NULL, "uv %s skips TLS verification for a host",
                                         a.word->text);
                        return;
                }
}

/* npm's strict-ssl (yarn 2+: enableStrictSsl), compared without case, - and _. */
static bool strict_ssl_key(const char *k, size_t n) {
        char buf[32];
        size_t l = 0;
        for (size_t i = 0; i < n && l < sizeof(buf) - 1; i++)
                if (k[i] != '-' && k[i] != '_')
                        buf[l++] = (char)tolower((unsigned char)k[i]);
        buf[l] = '\0';
        return strcmp(buf, "strictssl") == 0 || strcmp(buf, "enablestrictssl") == 0;
}

static void check_npm(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                      size_t first, const char *name) {
        struct hull_sh_args it;
        struct hull_sh_arg a;
        const struct hull_sh_word *ops[4];
        size_t n = 0, k;

        hull_sh_args_init_spec(&it, cmd, first, &plain_opts);
        while (hull_sh_args_next(&it, &a)) {
                if (a.kind == HULL_SH_ARG_LONG && a.value && strict_ssl_key(a.name, a.name_len) &&
                    falsy(a.value, a.value_len)) {
                        hull_lint_report(c, pos, NULL,
                                         "%s %s turns off TLS certificate verification", name,
                                         a.word->text);
                        return;
                }
                if (a.kind == HULL_SH_ARG_OPERAND && n < 4)
                        ops[n++] = a.word;
        }
        k = n > 0 && (hull_sh_word_is(ops[0], "config") || hull_sh_word_is(ops[0], "c")) ? 1 : 0;
        if (k >= n || !hull_sh_word_is(ops[k], "set") || k + 1 >= n)
                return;
        k++;
        const char *key = ops[k]->text, *eq = memchr(key, '=', ops[k]->len);
        if (eq ? strict_ssl_key(key, (size_t)(eq - key)) &&
                            falsy(eq + 1, ops[k]->len - (size_t)(eq - key) - 1)
               : k + 1 < n && strict_ssl_key(key, ops[k]->len) &&
                            falsy(ops[k + 1]->text, ops[k + 1]->len))
                hull_lint_report(c, pos, NULL,
                                 "%s config set %s%s%s turns off TLS certificate verification",
                                 name, key, eq ? "" : " ", eq ? "" : ops[k + 1]->text);
}

/* apt's -o KEY=VALUE: what it turns off, or NULL. */
static const char *apt_option_effect(const char *v, size_t n) {
        const char *eq = memchr(v, '=', n);
        size_t kl, vl;
        if (!eq)
                return NULL;
        kl = (size_t)(eq - v);
        vl = n - kl - 1;
        if (starts_ci(v, kl, "Acquire::https::") &&
            (ends_ci(v, kl, "::Verify-Peer") || ends_ci(v, kl, "::Verify-Host")) &&
            falsy(eq + 1, vl))
                return "turns off TLS certificate verification";
        if ((eq_ci(v, kl, "APT::Get::AllowUnauthenticated") ||
             eq_ci(v, kl, "Acquire::AllowInsecureRepositories") ||
             eq_ci(v, kl, "Acquire::AllowDowngradeToInsecureRepositories")) &&
            truthy(eq + 1, vl))
                return "lets apt use unsigned repositories and packages";
        return NULL;
}

static void check_apt(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                      const char *name) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a)) {
                const char *e = NULL;
                if (hull_lint_arg_long_is(&a, "allow-unauthenticated") ||
                    hull_lint_arg_long_is(&a, "allow-insecure-repositories"))
                        e = "lets apt use unsigned repositories and packages";
                else if (a.value && ((a.kind == HULL_SH_ARG_SHORT && a.opt == 'o') ||
                                     hull_lint_arg_long_is(&a, "option")))
                        e = apt_option_effect(a.value, a.value_len);
                if (e) {
                        if (a.kind == HULL_SH_ARG_LONG && !a.value)
                                hull_lint_report(c, pos, NULL, "%s %s %s", name, a.word->text, e);
                        else
                                hull_lint_report(c, pos, NULL, "%s -o %.*s %s", name,
                                                 (int)a.value_len, a.value, e);
                        return;
                }
        }
}

/* The packages named are all local files (the operands after the
 * subcommand hold a '/', no "://", and end with ext): nothing comes from
 * the network, so there is no transfer to tamper with. */
static bool local_packages(const struct hull_sh_cmd *cmd, const char *ext) {
        const struct hull_sh_word *ops[32];
        size_t n = hull_sh_cmd_args_nonopt(cmd, ops, 32), l = strlen(ext);

        if (n < 2 || n > 32)
                return false;
        for (size_t i = 1; i < n; i++)
                if (!memchr(ops[i]->text, '/', ops[i]->len) || strstr(ops[i]->text, "://") ||
                    ops[i]->len < l || strcmp(ops[i]->text + ops[i]->len - l, ext) != 0)
                        return false;
        return true;
}

static void check_apk(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd) {
        const struct hull_sh_word *sub = hull_sh_cmd_subcommand(cmd);

        if (!hull_sh_has_option(cmd, 0, "allow-untrusted") ||
            (sub && hull_sh_word_is(sub, "index")) ||
            (!hull_sh_has_option(cmd, 'X', "repository") && local_packages(cmd, ".apk")))
                return;
        hull_lint_report(
                c, pos, NULL,
                "apk --allow-untrusted installs packages without checking their signatures");
}

static void check_dnf(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                      const char *name) {
        struct hull_sh_args it;
        struct hull_sh_arg a;

        hull_sh_args_init(&it, cmd);
        while (hull_sh_args_next(&it, &a)) {
                if ((hull_lint_arg_long_is(&a, "nogpgcheck") ||
                     hull_lint_arg_long_is(&a, "no-gpgchecks")) &&
                    !local_packages(cmd, ".rpm")) {
                        hull_lint_report(c, pos, NULL,
                                         "%s %s installs packages without checking their "
                                         "signatures",
                                         name, a.word->text);
                        return;
                }
                if (hull_lint_arg_long_is(&a, "setopt") && a.value) {
                        const char *eq = memchr(a.value, '=', a.value_len);
                        size_t kl = eq ? (size_t)(eq - a.value) : 0;
                        if (eq &&
                            (eq_ci(a.value, kl, "sslverify") ||
                             ends_ci(a.value, kl, ".sslverify") || eq_ci(a.value, kl, "gpgcheck") ||
                             ends_ci(a.value, kl, ".gpgcheck")) &&
                            falsy(eq + 1, a.value_len - kl - 1)) {
                                hull_lint_report(c, pos, NULL, "%s --setopt=%.*s turns off %s",
                                                 name, (int)a.value_len, a.value,
                                                 ends_ci(a.value, kl, "sslverify")
                                                         ? "TLS certificate verification"
                                                         : "package signature checks");
                                return;
                        }
                }
        }
}

static void check_conda(struct hull_lint_ctx *c, struct hull_pos pos, const struct hull_sh_cmd *cmd,
                        size_t first, const char *name) {
        for (size_t i = first; i + 2 < cmd->argc; i++)
                if (hull_sh_word_is(&cmd->argv[i], "--set") &&
                    hull_sh_word_is(&cmd->argv[i + 1], "ssl_verify") &&
                    falsy(cmd->argv[i + 2].text, cmd->argv[i + 2].len)) {
                        hull_lint_report(c, pos, NULL,
                                         "%s config --set ssl_verify %s turns off TLS "
                                         "certificate verification",
                                         name, cmd->argv[i + 2].text);
                        return;
                }
}

static bool is_declaration(const char *name) {
        return strcmp(name, "export") == 0 || strcmp(name, "declare") == 0 ||
               strcmp(name, "typeset") == 0 || strcmp(name, "readonly") == 0 ||
               strcmp(name, "local") == 0;
}

static void on_cmd(struct hull_lint_ctx *c, const struct hull_df_instr *run,
                   const struct hull_sh_cmd *cmd, void *ud) {
        struct hull_pos pos = hull_lint_cmd_pos(run, cmd);
        const char *name;
        size_t first = hull_lint_cmd_args(cmd, &name);

        (void)ud;
        for (size_t i = 0; i < cmd->nassigns; i++)
                check_assign(c, pos, &cmd->assigns[i]);
        /* env X=1 cmd: the wrappers' assignments */
        for (size_t i = 0; i + 1 < first && i < cmd->argc; i++)
                check_assign(c, pos, &cmd->argv[i]);
        if (first >= cmd->argc && !is_declaration(name))
                return;
        if (is_declaration(name)) {
                for (size_t i = first; i < cmd->argc; i++)
                        check_assign(c, pos, &cmd->argv[i]);
        } else if (strcmp(name, "curl") == 0) {
                check_curl(c, pos, cmd, first);
        } else if (strcmp(name, "wget") == 0) {
                check_wget(c, pos, cmd, first);
        } else if (name_is_pip(name)) {
                check_pip(c, pos, cmd, name);
        } else if (strcmp(name, "uv") == 0) {
                check_uv(c, pos, cmd, first);
        } else if (strcmp(name, "npm") == 0 || strcmp(name, "pnpm") == 0 ||
                   strcmp(name, "yarn") == 0) {
                check_npm(c, pos, cmd, first, name);
        } else if (strcmp(name, "git") == 0) {
                check_git(c, pos, cmd, first);
        } else if (strcmp(name, "apk") == 0) {
                check_apk(c, pos, cmd);
        } else if (strcmp(name, "apt-get") == 0 || strcmp(name, "apt") == 0 ||
                   strcmp(name, "aptitude") == 0) {
                check_apt(c, pos, cmd, name);
        } else if (strcmp(name, "yum") == 0 || strcmp(name, "dnf") == 0 ||
                   strcmp(name, "microdnf") == 0 || strcmp(name, "tdnf") == 0) {
                check_dnf(c, pos, cmd, name);
        } else if (strcmp(name, "conda") == 0 || strcmp(name, "mamba") == 0 ||
                   strcmp(name, "micromamba") == 0) {
                check_conda(c, pos, cmd, first, name);
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t s = 0; s < c->m->nstages; s++) {
                const struct hull_df_stage *st = &c->m->stages[s];
                for (size_t i = 0; i < st->ninstrs; i++)
                        if (st->instrs[i]->kind == HULL_DF_ENV ||
                            st->instrs[i]->kind == HULL_DF_ARG)
                                check_kvs(c, st, st->instrs[i]);
                hull_lint_each_cmd(c, st, on_cmd, NULL);
        }
}

const struct hull_rule hull_rule_HS2007 = {
        .id = "HS2007",
        .slug = "other",
        .severity = HULL_SEV_HIGH,
        .title = "TLS or signature verification turned off",
        .rationale =
                "Without certificate or signature checks anyone on the network path (a proxy, a "
                "hijacked mirror) can swap what the build downloads and installs for their own "
                "code.",
        .fix = "Keep verification on: install the CA certificate the build needs (COPY it into "
               "/usr/local/share/ca-certificates and run update-ca-certificates) instead of "
               "turning checks off",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
