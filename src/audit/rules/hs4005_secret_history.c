/* HS4005 no-hardcoded-secrets: a secret recorded in the image history.
 *
 * history[i].created_by keeps what each instruction was (common.h shows
 * how BuildKit and the classic builder write it), and anyone who pulls the
 * image reads it (docker history --no-trunc).  Reported, once per secret
 * value (a build argument repeats in every later RUN), at its first entry:
 *  - build arguments a RUN saw ("RUN |2 NPM_TOKEN=... /bin/sh -c ..."),
 *    ARG entries with a value ("ARG NPM_TOKEN=..."), and ENV / LABEL
 *    entries the final config no longer holds (those still there are
 *    HS4004's), when the name says secret (hull_lint_secret_name) and the
 *    value could be the secret (hull_audit_literal_secret);
 *  - in RUN scripts, literal assignments to secret names: prefixes
 *    (`TOKEN=x make`) and export / declare / readonly / local / env words,
 *    read with the shell model (dockerfile/shell.h);
 *  - anywhere else in the text, secret-shaped literals
 *    (hull_secretish_find: tokens, private key headers, JWTs, passwords in
 *    URLs), skipping allow-listed spans.
 * An entry that made a layer carries that layer (and so its diff_id). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/common.h"
#include "basic/err.h"
#include "dockerfile/shell.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

struct state {
        struct hull_audit_ctx *c;
        struct hull_lint_seen seen;
        const struct hull_audit_where *w;
        const char *instr; /* for messages: "RUN", "ADD"..., "the instruction" */
};

/* Report a named value (name secret, value literal, not reported before)
 * as "<pre><NAME><mid> (<masked value>)<post>"; true when name and value
 * are a secret, reported now or before. */
static bool named(struct state *st, const char *key, size_t kl, const char *v, size_t vn,
                  const char *pre, const char *mid, const char *post) {
        char name[256], mask[64];

        if (kl == 0 || kl >= sizeof(name))
                return false;
        memcpy(name, key, kl);
        name[kl] = '\0';
        if (!hull_lint_secret_name(name) || !hull_audit_literal_secret(st->c, v, vn))
                return false;
        if (hull_lint_seen_add(&st->seen, v, vn))
                hull_audit_report(st->c, st->w, NULL, "%s%s%s (%s)%s", pre, name, mid,
                                  hull_lint_mask(v, vn, mask, sizeof(mask)), post);
        return true;
}

/* Secret-shaped literals in s[0..n). */
static void shapes(struct state *st, const char *s, size_t n) {
        struct hull_secretish_hit h;
        size_t from = 0;
        char mask[64];

        while (from < n && hull_secretish_find(s + from, n - from, &h)) {
                const char *p = s + from + h.off;
                from += h.off + h.len;
                if (hull_lint_config_allowed(st->c->cfg, p, h.len) ||
                    !hull_lint_seen_add(&st->seen, p, h.len))
                        continue;
                if (h.mask)
                        hull_lint_mask(p, h.len, mask, sizeof(mask));
                else
                        snprintf(mask, sizeof(mask), "%.*s", (int)(h.len < 40 ? h.len : 40), p);
                hull_audit_report(st->c, st->w, NULL, "%s in the history holds %s (%s)", st->instr,
                                  h.description, mask);
        }
}

/* ENV k=v still in the final config (HS4004 reports it there). */
static bool in_config(const struct hull_audit_ctx *c, bool label, const struct hull_audit_kv *kv) {
        const struct hull_oci_exec_config *x = &c->config->config;
        if (label) {
                for (size_t i = 0; i < x->nlabels; i++)
                        if (strlen(x->labels[i].key) == kv->key_len &&
                            memcmp(x->labels[i].key, kv->key, kv->key_len) == 0 &&
                            strlen(x->labels[i].value) == kv->value_len &&
                            memcmp(x->labels[i].value, kv->value, kv->value_len) == 0)
                                return true;
                return false;
        }
        for (size_t i = 0; i < x->nenv; i++) {
                const char *e = x->env[i];
                if (strlen(e) == kv->key_len + 1 + kv->value_len &&
                    memcmp(e, kv->key, kv->key_len) == 0 && e[kv->key_len] == '=' &&
                    memcmp(e + kv->key_len + 1, kv->value, kv->value_len) == 0)
                        return true;
        }
        return false;
}

/* ARG, ENV, LABEL entries: KEY=value pairs. */
static void kvs(struct state *st, const struct hull_audit_hist *h) {
        struct hull_audit_kv v[HULL_AUDIT_HIST_MAX_KVS];
        bool env = strcmp(h->instr, "ENV") == 0, label = strcmp(h->instr, "LABEL") == 0;
        size_t n = hull_audit_split_kvs(h->args, h->args_len, v, ELEMENTSOF(v));
        char pre[16];

        snprintf(pre, sizeof(pre), "%s ", h->instr);
        for (size_t i = 0; i < n && i < ELEMENTSOF(v); i++) {
                if (!v[i].value || ((env || label) && in_config(st->c, label, &v[i])))
                        continue;
                if (!named(st, v[i].key, v[i].key_len, v[i].value, v[i].value_len, pre,
                           " is recorded in the history with its value",
                           env || label ? ", though the final config no longer sets it" : ""))
                        shapes(st, v[i].key, (size_t)(v[i].value + v[i].value_len - v[i].key));
        }
}

static bool assigning_builtin(const char *name) {
        static const char *const names[] = {"export",   "declare", "typeset",
                                            "readonly", "local",   "env"};
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(name, names[i]) == 0)
                        return true;
        return false;
}

/* NAME=value (or NAME+=value) in a shell word with no expansion. */
static void word_assign(struct state *st, const struct hull_sh_word *w) {
        const char *t = w->text;
        size_t kl = 0;

        if (w->has_expansion)
                return;
        while (kl < w->len &&
               (t[kl] == '_' || (t[kl] >= 'A' && t[kl] <= 'Z') || (t[kl] >= 'a' && t[kl] <= 'z') ||
                (kl > 0 && t[kl] >= '0' && t[kl] <= '9')))
                kl++;
        if (kl == 0 || kl >= w->len)
                return;
        if (t[kl] == '=')
                named(st, t, kl, t + kl + 1, w->len - kl - 1, "RUN sets ", " to a literal secret",
                      "");
        else if (t[kl] == '+' && kl + 1 < w->len && t[kl + 1] == '=')
                named(st, t, kl, t + kl + 2, w->len - kl - 2, "RUN sets ", " to a literal secret",
                      "");
}

static void script(struct state *st, const char *s, size_t n) {
        struct hull_sh_script sh;
        struct hull_arena a = HULL_ARENA_INIT;

        if (hull_sh_parse(&a, s, n, &sh, NULL) == HULL_OK)
                for (size_t k = 0; k < sh.ncmds; k++) {
                        const struct hull_sh_cmd *cmd = &sh.cmds[k];
                        for (size_t i = 0; i < cmd->nassigns; i++)
                                word_assign(st, &cmd->assigns[i]);
                        if (cmd->argc > 0 && assigning_builtin(hull_sh_cmd_name(cmd)))
                                for (size_t i = 1; i < cmd->argc; i++)
                                        word_assign(st, &cmd->argv[i]);
                }
        hull_arena_release(&a);
}

static void entry(struct hull_audit_ctx *c, const struct hull_audit_hist *h,
                  const struct hull_audit_where *w, void *ud) {
        struct state *st = ud;

        st->w = w;
        st->instr = h->instr ? h->instr : "an instruction";
        if (h->instr && (strcmp(h->instr, "ARG") == 0 || strcmp(h->instr, "ENV") == 0 ||
                         strcmp(h->instr, "LABEL") == 0)) {
                kvs(st, h);
                return;
        }
        for (size_t k = 0; k < h->nbuild_args; k++) {
                const struct hull_audit_kv *kv = &h->build_args[k];
                named(st, kv->key, kv->key_len, kv->value, kv->value_len, "the build argument ",
                      " is recorded in the history with its value", "");
        }
        if (h->instr && strcmp(h->instr, "RUN") == 0)
                script(st, h->args, h->args_len);
        shapes(st, h->text, h->len);
}

static void audit(struct hull_audit_ctx *c) {
        struct state *st = hull_audit_alloc0(c, sizeof(*st));

        if (!st)
                return;
        st->c = c;
        hull_audit_each_history(c, NULL, entry, st);
}

const struct hull_rule hull_rule_HS4005 = {
        .id = "HS4005",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_CRITICAL,
        .title = "Secret in the image history",
        .rationale = "The history records every instruction with its build arguments; anyone who "
                     "pulls the image reads them with docker history --no-trunc, even when a later "
                     "layer removed the file or variable.",
        .fix = "Rotate the secret and rebuild without it: pass secrets with docker build --secret "
               "and read them in RUN --mount=type=secret, never as ARG, ENV or a literal",
        .hadolint = NULL,
        .trivy = NULL,
        .audit = audit,
};
