/* HS3002 no-hardcoded-secrets: a secret-shaped literal in the Dockerfile.
 *
 * Whatever the variable is called, some values are secrets by their shape:
 * cloud and SaaS tokens with a fixed prefix, AWS secret keys next to their
 * name, private key headers, long JWTs, passwords inside URLs
 * (lint/secretish.h has the table).  Searched: ENV, ARG and LABEL values
 * (expanded, as `KEY=value` so `AWS_SECRET_ACCESS_KEY=...` is seen with its
 * name), the whole text of each RUN (shell form and heredoc scripts; exec
 * form: each string), CMD, ENTRYPOINT and HEALTHCHECK arguments, ADD sources
 * (expanded), the inline files of RUN/COPY/ADD heredocs, and ONBUILD
 * triggers (as written).  Every stage counts.
 * In RUN text, heredocs and ADD sources, credentials in URLs (a password,
 * or a token as the URL's user: https://ghp_...@github.com) are HS3005's and
 * are not reported here; tokens elsewhere in those are.
 * One finding per secret per file: the same token met again (an ENV copying
 * an ARG, a command substitution inside a command) is reported once, where it
 * first appears; at most HULL_LINT_SEEN_MAX findings per file.  Values and spans on
 * the secret allow-list are skipped.
 * HS3001 may report the same ENV/ARG by its name: the two rules look at
 * different things and both fire. */
#include <stdio.h>
#include <string.h>

#include "dockerfile/shell.h"
#include "lint/engine.h"
#include "lint/rules/common.h"
#include "lint/secretish.h"

enum where {
        AT_POS,   /* one position for the whole text */
        AT_SHELL, /* the RUN's shell source: map the offset (hull_lint_cmd_pos) */
        AT_BODY,  /* a heredoc body starting at line `line` */
};

struct site {
        const struct hull_df_instr *in;
        const char *what; /* "RUN", "ENV DATABASE_URL", ... */
        enum where where;
        struct hull_pos pos;
        size_t skip;       /* hits starting before this offset are not reported */
        const char *whole; /* the whole value, for the allow-list (NULL: none) */
        bool cmd_urls;     /* HS3005 reports URL credentials here (RUN, heredocs, ADD) */
};

/* In commands, heredocs and ADD sources HS3005 reports credentials in URLs:
 * a password (scheme://user:password@), or a token as the user part
 * (https://ghp_...@github.com). */
static bool hs3005_covers(const struct hull_secretish_hit *h, const char *text, size_t n,
                          size_t off) {
        if (strncmp(h->id, "url-password", 12) == 0)
                return true;
        return off >= 3 && memcmp(text + off - 3, "://", 3) == 0 && off + h->len < n &&
               text[off + h->len] == '@';
}

static struct hull_pos hit_pos(const struct site *st, const char *text, size_t off) {
        struct hull_pos p = st->pos;
        if (st->where == AT_SHELL) {
                struct hull_sh_cmd at = {.off = off};
                return hull_lint_cmd_pos(st->in, &at);
        }
        if (st->where == AT_BODY) {
                for (size_t i = 0; i < off; i++)
                        p.line += text[i] == '\n';
                p.col = 1;
        }
        return p;
}

static void scan(struct hull_lint_ctx *c, struct hull_lint_seen *seen, const struct site *st,
                 const char *text, size_t n) {
        struct hull_secretish_hit h;
        size_t from = 0;
        char mask[64];

        if (!text || (st->whole && hull_lint_secret_allowed(c, st->whole)))
                return;
        while (from < n && hull_secretish_find(text + from, n - from, &h)) {
                const char *p = text + from + h.off;
                size_t off = from + h.off;

                from = off + h.len;
                if (off < st->skip || (st->cmd_urls && hs3005_covers(&h, text, n, off)) ||
                    hull_lint_config_allowed(c->cfg, p, h.len) ||
                    !hull_lint_seen_add(seen, p, h.len))
                        continue;
                if (h.mask)
                        hull_lint_mask(p, h.len, mask, sizeof(mask));
                else
                        snprintf(mask, sizeof(mask), "%.*s", (int)(h.len < 60 ? h.len : 60), p);
                hull_lint_report(c, hit_pos(st, text, off), NULL, "%s contains %s (%s)", st->what,
                                 h.description, mask);
        }
}

static void scan_kv(struct hull_lint_ctx *c, struct hull_lint_seen *seen,
                    const struct hull_df_instr *in, const char *kind, const struct hull_df_kv *kv) {
        const char *key = kv->key_x ? kv->key_x : kv->key.s;
        const char *v = kv->value_x ? kv->value_x : kv->value.s;
        size_t n = kv->value_x ? kv->value_x_len : kv->value.len, kl = strlen(key);
        char what[160], buf[4096];
        struct site st = {.in = in, .what = what, .where = AT_POS, .pos = kv->value.pos};

        if (!v)
                return;
        snprintf(what, sizeof(what), "%s %s", kind, key);
        st.whole = strlen(v) == n ? v : NULL;
        if (kl + 1 + n < sizeof(buf)) {
                /* KEY=value, so a secret's name next to it counts; report only in the value */
                memcpy(buf, key, kl);
                buf[kl] = '=';
                memcpy(buf + kl + 1, v, n);
                st.skip = kl + 1;
                scan(c, seen, &st, buf, kl + 1 + n);
        } else {
                scan(c, seen, &st, v, n);
        }
}

static void scan_values(struct hull_lint_ctx *c, struct hull_lint_seen *seen,
                        const struct hull_df_instr *in, const struct hull_df_node *n,
                        const char *what, bool cmd_urls) {
        for (size_t j = 0; j < n->nvalues; j++) {
                struct site st = {.in = in,
                                  .what = what,
                                  .where = AT_POS,
                                  .pos = n->values[j].pos,
                                  .cmd_urls = cmd_urls};
                scan(c, seen, &st, n->values[j].s, n->values[j].len);
        }
}

static void scan_heredocs(struct hull_lint_ctx *c, struct hull_lint_seen *seen,
                          const struct hull_df_instr *in, const struct hull_df_node *n,
                          const char *what) {
        for (size_t j = 0; j < n->nheredocs; j++) {
                struct site st = {.in = in,
                                  .what = what,
                                  .where = AT_BODY,
                                  .pos = {n->heredocs[j].body_line, 1},
                                  .cmd_urls = true};
                scan(c, seen, &st, n->heredocs[j].body, n->heredocs[j].body_len);
        }
}

/* The shell model of `RUN <<EOF` is the heredoc's body, already scanned. */
static bool is_heredoc_body(const struct hull_df_node *n, const char *src, size_t len) {
        for (size_t j = 0; j < n->nheredocs; j++)
                if (n->heredocs[j].body_len == len && memcmp(n->heredocs[j].body, src, len) == 0)
                        return true;
        return false;
}

static void check(struct hull_lint_ctx *c) {
        struct hull_lint_seen seen = {.n = 0};

        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                const struct hull_df_node *n = in->node;

                switch (in->kind) {
                case HULL_DF_ENV:
                case HULL_DF_ARG:
                case HULL_DF_LABEL:
                        for (size_t j = 0; j < in->nkvs; j++)
                                scan_kv(c, &seen, in,
                                        in->kind == HULL_DF_ENV   ? "ENV"
                                        : in->kind == HULL_DF_ARG ? "ARG"
                                                                  : "LABEL",
                                        &in->kvs[j]);
                        break;
                case HULL_DF_RUN:
                        /* heredoc bodies first: their lines are exact */
                        scan_heredocs(c, &seen, in, n, "RUN heredoc");
                        if (in->sh && !is_heredoc_body(n, in->sh->src, in->sh->len)) {
                                struct site st = {.in = in,
                                                  .what = "RUN",
                                                  .where = AT_SHELL,
                                                  .cmd_urls = true};
                                scan(c, &seen, &st, in->sh->src, in->sh->len);
                        } else if (!in->sh) {
                                scan_values(c, &seen, in, n, "RUN", true);
                        }
                        break;
                case HULL_DF_CMD: scan_values(c, &seen, in, n, "CMD", false); break;
                case HULL_DF_ENTRYPOINT: scan_values(c, &seen, in, n, "ENTRYPOINT", false); break;
                case HULL_DF_HEALTHCHECK: scan_values(c, &seen, in, n, "HEALTHCHECK", false); break;
                case HULL_DF_ADD:
                        for (size_t j = 0; j + 1 < in->nx; j++) {
                                struct site st = {.in = in,
                                                  .what = "ADD source",
                                                  .where = AT_POS,
                                                  .pos = j < n->nvalues ? n->values[j].pos
                                                                        : n->cmd.pos,
                                                  .cmd_urls = true};
                                scan(c, &seen, &st, in->x[j], in->xlen[j]);
                        }
                        scan_heredocs(c, &seen, in, n, "ADD heredoc");
                        break;
                case HULL_DF_COPY: scan_heredocs(c, &seen, in, n, "COPY heredoc"); break;
                case HULL_DF_ONBUILD:
                        if (!n->inner)
                                break;
                        if (in->nkvs)
                                for (size_t j = 0; j < in->nkvs; j++)
                                        scan_kv(c, &seen, in,
                                                n->inner->kind == HULL_DF_ENV   ? "ONBUILD ENV"
                                                : n->inner->kind == HULL_DF_ARG ? "ONBUILD ARG"
                                                                                : "ONBUILD LABEL",
                                                &in->kvs[j]);
                        else
                                scan_values(c, &seen, in, n->inner, "ONBUILD",
                                            n->inner->kind == HULL_DF_RUN ||
                                                    n->inner->kind == HULL_DF_ADD);
                        scan_heredocs(c, &seen, in, n->inner, "ONBUILD heredoc");
                        break;
                default: break;
                }
        }
}

const struct hull_rule hull_rule_HS3002 = {
        .id = "HS3002",
        .slug = "no-hardcoded-secrets",
        .severity = HULL_SEV_CRITICAL,
        .title = "Secret-shaped literal in the Dockerfile",
        .rationale = "A token, key or password written into the Dockerfile ends up in the image "
                     "config, the build history or a layer, and in every copy of the source.",
        .fix = "Revoke the credential; read it at build time with RUN "
               "--mount=type=secret,id=<name> "
               "and pass it to the container at run time instead",
        .hadolint = NULL,
        .trivy = "DS031",
        .check = check,
};
