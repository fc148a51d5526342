/* engine.c - runs the rules of rules.list over one Dockerfile's model.
 *
 * Order per file: every enabled rule's check() appends raw findings to a
 * scratch list; then severity overrides apply, and findings covered by a
 * pragma are dropped:
 *   # hullscan ignore=HS2001,HS1015     the next instruction (all its lines)
 *   # hullscan global ignore=HS1013     the whole file
 *   # hadolint ignore=DL3008            the same, through hull_lint_map_hadolint() */
#include "lint/engine.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic/err.h"

/* Lint rules (HS1xxx-HS3xxx) and image audit rules (HS4xxx, src/audit), in
 * id order: one table for `hullscan rules`, --ignore and the config. */
#define RULE(id, stem) extern const struct hull_rule hull_rule_##id;
#define OBSOLETE(id)
#include "lint/rules.list"
#include "audit/rules.list"
#undef RULE

const struct hull_rule *const hull_rules[] = {
#define RULE(id, stem) &hull_rule_##id,
#include "lint/rules.list"
#include "audit/rules.list"
#undef RULE
#undef OBSOLETE
        NULL,
};

const struct hull_rule *hull_rule_find(const char *id) {
        for (size_t i = 0; hull_rules[i]; i++)
                if (strcasecmp(hull_rules[i]->id, id) == 0)
                        return hull_rules[i];
        return NULL;
}

static void vreport(struct hull_lint_ctx *c, enum hull_severity sev, struct hull_pos pos,
                    const char *fix, const char *fmt, va_list ap) _printf_(5, 0);

void hull_lint_report(struct hull_lint_ctx *c, struct hull_pos pos, const char *fix,
                      const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, c->rule->severity, pos, fix, fmt, ap);
        va_end(ap);
}

void hull_lint_report_severity(struct hull_lint_ctx *c, enum hull_severity sev, struct hull_pos pos,
                               const char *fix, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vreport(c, sev, pos, fix, fmt, ap);
        va_end(ap);
}

static void vreport(struct hull_lint_ctx *c, enum hull_severity sev, struct hull_pos pos,
                    const char *fix, const char *fmt, va_list ap) {
        char msg[1024];

        if (c->err)
                return;
        vsnprintf(msg, sizeof(msg), fmt, ap);
        struct hull_finding f = hull_rule_finding(c->rule, sev, msg, fix);
        f.file = c->in->path;
        f.line = f.end_line = pos.line;
        f.col = pos.col;
        c->err = hull_findings_add(c->out, &f);
}

bool hull_lint_stage_is_final(const struct hull_lint_ctx *c, size_t stage) {
        size_t s = c->m->target;
        for (size_t hops = 0; s != HULL_DF_NO_STAGE && hops <= c->m->nstages; hops++) {
                if (s == stage)
                        return true;
                s = c->m->stages[s].base_stage;
        }
        return false;
}

bool hull_lint_secret_allowed(const struct hull_lint_ctx *c, const char *value) {
        return hull_lint_config_allowed(c->cfg, value, strlen(value));
}

/* ---- configuration ------------------------------------------------------- */

bool hull_lint_config_disabled(const struct hull_lint_config *cfg, const char *id) {
        for (size_t i = 0; cfg && i < cfg->ndisabled; i++)
                if (strcasecmp(cfg->disabled[i], id) == 0)
                        return true;
        return false;
}

enum hull_severity hull_lint_config_severity(const struct hull_lint_config *cfg, const char *id,
                                             enum hull_severity sev) {
        for (size_t k = 0; cfg && k < cfg->noverrides; k++)
                if (strcasecmp(cfg->overrides[k].id, id) == 0)
                        sev = cfg->overrides[k].severity;
        return sev;
}

bool hull_lint_config_allowed(const struct hull_lint_config *cfg, const char *s, size_t n) {
        for (size_t i = 0; cfg && i < cfg->nallow; i++)
                if (strlen(cfg->secret_allowlist[i]) == n &&
                    memcmp(cfg->secret_allowlist[i], s, n) == 0)
                        return true;
        return false;
}

struct hull_finding hull_rule_finding(const struct hull_rule *r, enum hull_severity sev,
                                      const char *msg, const char *fix) {
        return (struct hull_finding){
                .rule_id = r->id,
                .slug = r->slug,
                .title = r->title,
                .severity = sev,
                .message = msg,
                .fix = fix ? fix : r->fix,
        };
}

/* ---- pragmas -------------------------------------------------------------- */

/* Whether the comma-separated list holds id (case-insensitive). */
static bool list_has(const char *list, const char *id) {
        size_t l = strlen(id);
        for (const char *p = list; *p;) {
                const char *e = strchr(p, ',');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                while (n && *p == ' ') {
                        p++;
                        n--;
                }
                if (n == l && strncasecmp(p, id, l) == 0)
                        return true;
                if (!e)
                        break;
                p = e + 1;
        }
        return false;
}

const char *hull_lint_map_hadolint(const char *dl) {
        for (size_t r = 0; hull_rules[r]; r++)
                if (hull_rules[r]->hadolint && list_has(hull_rules[r]->hadolint, dl))
                        return hull_rules[r]->id;
        return NULL;
}

struct pragma {
        char id[16];
        unsigned from, to; /* lines covered; from 0 = whole file */
};

/* Parse "hullscan ignore=A,B" / "hadolint global ignore=DL1" from one comment. */
static size_t parse_pragma(const char *text, bool *global, char ids[][16], size_t max) {
        const char *p = text;
        bool hadolint;
        size_t n = 0;

        if (strncasecmp(p, "hullscan", 8) == 0) {
                hadolint = false;
                p += 8;
        } else if (strncasecmp(p, "hadolint", 8) == 0) {
                hadolint = true;
                p += 8;
        } else {
                return 0;
        }
        while (*p == ' ' || *p == '\t')
                p++;
        *global = false;
        if (strncasecmp(p, "global", 6) == 0 && (p[6] == ' ' || p[6] == '\t')) {
                *global = true;
                p += 6;
                while (*p == ' ' || *p == '\t')
                        p++;
        }
        if (strncasecmp(p, "ignore", 6) != 0)
                return 0;
        p += 6;
        while (*p == ' ' || *p == '\t')
                p++;
        if (*p != '=')
                return 0;
        p++;
        while (*p && n < max) {
                char id[16];
                size_t l = 0;
                while (*p == ' ' || *p == '\t' || *p == ',')
                        p++;
                while (*p && *p != ',' && *p != ' ' && *p != '\t' && l + 1 < sizeof(id))
                        id[l++] = *p++;
                id[l] = '\0';
                if (!l)
                        break;
                if (!hadolint) {
                        snprintf(ids[n++], 16, "%s", id);
                } else {
                        /* every rule that lists this hadolint id */
                        for (size_t r = 0; hull_rules[r] && n < max; r++)
                                if (hull_rules[r]->hadolint &&
                                    list_has(hull_rules[r]->hadolint, id))
                                        snprintf(ids[n++], 16, "%s", hull_rules[r]->id);
                }
                while (*p && *p != ',' && *p != ' ' && *p != '\t')
                        p++; /* rest of an over-long id */
        }
        return n;
}

static int collect_pragmas(const struct hull_dockerfile *df, struct hull_arena *a,
                           struct pragma **ret, size_t *ret_n) {
        struct pragma *v = NULL;
        size_t n = 0, cap = 0, next = 0;

        for (size_t i = 0; i < df->ncomments; i++) {
                const struct hull_df_comment *cm = &df->comments[i];
                char ids[32][16];
                bool global;
                size_t k = parse_pragma(cm->text.s, &global, ids, 32);
                unsigned line = cm->text.pos.line, from = 0, to = 0;

                if (k == 0)
                        continue;
                if (!global) {
                        /* the instruction the comment precedes or sits in */
                        while (next < df->nnodes && df->nodes[next].end_line < line)
                                next++;
                        if (next == df->nnodes)
                                continue;
                        from = df->nodes[next].start_line;
                        to = df->nodes[next].end_line;
                        if (from < line && !cm->in_continuation)
                                continue;
                }
                for (size_t j = 0; j < k; j++) {
                        struct pragma *p = hull_arena_push(a, (void **)&v, &n, &cap, sizeof(*p));
                        if (!p)
                                return HULL_ENOMEM;
                        snprintf(p->id, sizeof(p->id), "%s", ids[j]);
                        p->from = from;
                        p->to = to;
                }
        }
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

static bool ignored(const struct pragma *p, size_t n, const struct hull_finding *f) {
        for (size_t i = 0; i < n; i++) {
                if (strcasecmp(p[i].id, f->rule_id) != 0)
                        continue;
                if (p[i].from == 0 || (f->line >= p[i].from && f->line <= p[i].to))
                        return true;
        }
        return false;
}

int hull_lint_run(const struct hull_lint_input *in, const struct hull_lint_config *cfg,
                  struct hull_findings *out, struct hull_diag *d) {
        struct hull_findings raw;
        struct hull_arena a = HULL_ARENA_INIT;
        struct pragma *pragmas = NULL;
        size_t npragmas = 0;
        int r = HULL_OK;

        hull_findings_init(&raw);
        struct hull_lint_ctx c = {
                .df = in->df,
                .m = in->m,
                .in = in,
                .cfg = cfg,
                .out = &raw,
        };
        for (size_t i = 0; hull_rules[i]; i++) {
                if (!hull_rules[i]->check || hull_lint_config_disabled(cfg, hull_rules[i]->id))
                        continue;
                c.rule = hull_rules[i];
                hull_rules[i]->check(&c);
                if (c.err)
                        break;
        }
        r = c.err;
        if (!r)
                r = collect_pragmas(in->df, &a, &pragmas, &npragmas);
        for (size_t i = 0; !r && i < raw.n; i++) {
                struct hull_finding f = raw.v[i];
                if (ignored(pragmas, npragmas, &f))
                        continue;
                f.severity = hull_lint_config_severity(cfg, f.rule_id, f.severity);
                r = hull_findings_add(out, &f);
        }
        hull_findings_release(&raw);
        hull_arena_release(&a);
        if (r)
                return hull_diag_set(d, r, in->path, 0, 0, "%s", hull_strerror(r));
        return HULL_OK;
}
