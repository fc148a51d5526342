/* HS1003 copy-from-stage: COPY --from / RUN --mount=from= naming the wrong thing.
 *
 * BuildKit resolves `--from=<word>` as a stage name (case-insensitive, any
 * stage of the file), else a stage index, else an image to pull.  Reported:
 *   - the stage itself, by name or index ("circular dependency detected");
 *   - a stage defined later in the file (BuildKit orders the build by the
 *     references, but the legacy builder cannot, and readers expect stages
 *     to come before their use);
 *   - an index past the last stage ("invalid stage index");
 *   - a word that is no stage but looks like one: no '/', ':', '.' or '@',
 *     not a number, not BuildKit's special "context", and either within two
 *     edits of a stage name (a typo: `builder` for `build`) or a usual stage
 *     word (build, builder, base, deps...) when no stage is close.  BuildKit
 *     would try to pull docker.io/library/<word>.  Words naming well-known
 *     images (busybox, node, nginx...) are left alone.
 * The COPY flag is taken after ARG/ENV expansion (the model expands it); a
 * RUN --mount's from= is expanded here for plain $VAR / ${VAR} references in
 * the scope of the RUN (anything more complex is skipped).  ONBUILD
 * instructions are left alone: their names belong to the downstream build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lint/engine.h"
#include "lint/rules/common.h"

#define WORD_MAX 128

static bool is_number(const char *w) {
        if (!*w)
                return false;
        for (; *w; w++)
                if (*w < '0' || *w > '9')
                        return false;
        return true;
}

static bool in_list(const char *w, const char *const *list) {
        for (; *list; list++)
                if (strcasecmp(w, *list) == 0)
                        return true;
        return false;
}

static const char *const stage_words[] = {
        "build",     "builder", "building", "base",        "deps",    "dependencies", "compile",
        "compiler",  "dev",     "develop",  "development", "prod",    "production",   "runtime",
        "release",   "test",    "tests",    "final",       "assets",  "frontend",     "backend",
        "installer", "install", "stage",    "packager",    "package", "artifacts",    "artifact",
        "modules",   "vendor",  NULL,
};

static const char *const known_images[] = {
        "busybox",  "alpine",    "node",     "nginx",   "golang", "python", "ubuntu",  "debian",
        "docker",   "composer",  "rust",     "php",     "ruby",   "caddy",  "traefik", "redis",
        "postgres", "mysql",     "mongo",    "openjdk", "maven",  "gradle", "tomcat",  "httpd",
        "centos",   "fedora",    "registry", "consul",  "vault",  "bash",   "tini",    "perl",
        "haproxy",  "memcached", "mariadb",  NULL,
};

/* Levenshtein distance, capped: returns cap + 1 when larger (or too long). */
static size_t distance(const char *a, const char *b, size_t cap) {
        size_t la = strlen(a), lb = strlen(b), row[WORD_MAX + 1];

        if (la > WORD_MAX || lb > WORD_MAX || (la > lb ? la - lb : lb - la) > cap)
                return cap + 1;
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0];
                row[0] = i;
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j];
                        size_t best = diag + ((a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1);
                        if (up + 1 < best)
                                best = up + 1;
                        if (row[j - 1] + 1 < best)
                                best = row[j - 1] + 1;
                        row[j] = best;
                        diag = up;
                }
        }
        return row[lb];
}

/* The named stage closest to w (within two edits, and fewer than half its
 * letters), or NULL. */
static const struct hull_df_stage *closest(const struct hull_df_model *m, const char *w) {
        const struct hull_df_stage *best = NULL;
        size_t bd = 3;
        for (size_t i = 0; i < m->nstages; i++) {
                const char *name = m->stages[i].name;
                size_t d;
                if (!name)
                        continue;
                d = distance(w, name, 2);
                if (d < bd && d * 2 < strlen(w)) {
                        bd = d;
                        best = &m->stages[i];
                }
        }
        return best;
}

static void judge(struct hull_lint_ctx *c, const struct hull_df_stage *s, struct hull_pos pos,
                  const char *what, const char *w) {
        const struct hull_df_model *m = c->m;
        const struct hull_df_stage *hit;
        char label[96];

        if (!w[0])
                return;
        if (hull_df_model_find_stage(m, w, s->index) != HULL_DF_NO_STAGE)
                return; /* an earlier stage: fine */
        if (is_number(w)) {
                unsigned long idx = strtoul(w, NULL, 10);
                if (idx == s->index)
                        hull_lint_report(
                                c, pos, NULL,
                                "%s=%s names this very stage: a stage cannot read from itself",
                                what, w);
                else if (idx < m->nstages)
                        hull_lint_report(
                                c, pos, NULL,
                                "%s=%s names %s, defined later (line %u); define it before "
                                "this stage",
                                what, w,
                                hull_lint_stage_label(&m->stages[idx], label, sizeof(label)),
                                m->stages[idx].from->node->cmd.pos.line);
                else
                        hull_lint_report(
                                c, pos, NULL,
                                "%s=%s: there is no stage %s (stages are numbered 0 to %zu)", what,
                                w, w, m->nstages - 1);
                return;
        }
        for (size_t i = s->index; i < m->nstages; i++) {
                const struct hull_df_stage *t = &m->stages[i];
                if (!t->name || strcasecmp(t->name, w) != 0)
                        continue;
                if (i == s->index)
                        hull_lint_report(
                                c, pos, NULL,
                                "%s=%s names this very stage: a stage cannot read from itself",
                                what, w);
                else
                        hull_lint_report(
                                c, pos, NULL,
                                "%s=%s names stage '%s', defined later (line %u); define it "
                                "before this stage",
                                what, w, t->name, t->from->node->cmd.pos.line);
                return;
        }
        if (strpbrk(w, "/:.@") || strcasecmp(w, "context") == 0 || strcasecmp(w, "scratch") == 0)
                return;
        hit = closest(m, w);
        if (hit && !in_list(w, known_images)) {
                hull_lint_report(
                        c, pos, NULL,
                        "%s=%s matches no stage, so BuildKit pulls an image '%s'; did you mean "
                        "stage '%s'?",
                        what, w, w, hit->name);
                return;
        }
        if (in_list(w, stage_words))
                hull_lint_report(c, pos, NULL,
                                 "%s=%s matches no stage, so BuildKit pulls an image '%s'; "
                                 "name the stage (FROM ... AS %s)",
                                 what, w, w, w);
}

/* Expand $NAME / ${NAME} in src (len bytes) in the scope of run; false when
 * the text uses anything else (modifiers, quotes, escapes) or is too long. */
static bool expand_simple(const struct hull_lint_ctx *c, const struct hull_df_stage *s,
                          const struct hull_df_instr *run, const char *src, size_t len, char *out,
                          size_t outsz) {
        size_t o = 0;
        for (size_t i = 0; i < len;) {
                char name[WORD_MAX];
                size_t nl = 0;
                bool brace;
                const struct hull_df_var *v;

                if (src[i] == '"' || src[i] == '\'' || src[i] == c->df->escape)
                        return false;
                if (src[i] != '$') {
                        if (o + 1 >= outsz)
                                return false;
                        out[o++] = src[i++];
                        continue;
                }
                i++;
                brace = i < len && src[i] == '{';
                if (brace)
                        i++;
                while (i < len && nl + 1 < sizeof(name) &&
                       ((src[i] >= 'a' && src[i] <= 'z') || (src[i] >= 'A' && src[i] <= 'Z') ||
                        src[i] == '_' || (nl && src[i] >= '0' && src[i] <= '9')))
                        name[nl++] = src[i++];
                name[nl] = '\0';
                if (!nl || (brace && (i >= len || src[i++] != '}')))
                        return false;
                v = hull_lint_var_at(s, run, name);
                if (v && v->value) {
                        if (o + v->value_len >= outsz)
                                return false;
                        memcpy(out + o, v->value, v->value_len);
                        o += v->value_len;
                }
        }
        out[o] = '\0';
        return true;
}

/* Each from= of each --mount of a RUN. */
static void check_mounts(struct hull_lint_ctx *c, const struct hull_df_stage *s,
                         const struct hull_df_instr *in) {
        for (size_t f = 0; f < in->nflags; f++) {
                const char *p;
                if (strcmp(in->flags[f].name, "mount") != 0 || !(p = in->flags[f].value))
                        continue;
                while (*p) {
                        size_t fl = strcspn(p, ",");
                        if (fl > 5 && strncasecmp(p, "from=", 5) == 0) {
                                char w[WORD_MAX * 2];
                                if (expand_simple(c, s, in, p + 5, fl - 5, w, sizeof(w)))
                                        judge(c, s, in->flags[f].pos, "--mount from", w);
                        }
                        p += fl;
                        if (*p == ',')
                                p++;
                }
        }
}

static void check(struct hull_lint_ctx *c) {
        for (size_t si = 0; si < c->m->nstages; si++) {
                const struct hull_df_stage *s = &c->m->stages[si];
                for (size_t k = 0; k < s->ninstrs; k++) {
                        const struct hull_df_instr *in = s->instrs[k];
                        if (in->kind == HULL_DF_COPY) {
                                const char *from = hull_df_instr_flag(in, "from", NULL);
                                struct hull_pos pos = in->node->cmd.pos;
                                if (!from)
                                        continue;
                                for (size_t f = 0; f < in->nflags; f++)
                                        if (strcmp(in->flags[f].name, "from") == 0)
                                                pos = in->flags[f].pos;
                                judge(c, s, pos, "--from", from);
                        } else if (in->kind == HULL_DF_RUN) {
                                check_mounts(c, s, in);
                        }
                }
        }
}

const struct hull_rule hull_rule_HS1003 = {
        .id = "HS1003",
        .slug = "multi-stage-build",
        .severity = HULL_SEV_HIGH,
        .title = "COPY --from names no earlier stage",
        .rationale =
                "COPY --from (and RUN --mount from=) must name an earlier stage: the stage itself "
                "fails the build, and a misspelt name makes BuildKit pull an image of that name, "
                "which fails or, worse, pulls someone else's image.",
        .fix = "Point --from at an earlier stage's exact AS name (or a full image reference)",
        .hadolint = "DL3022,DL3023",
        .trivy = "DS006",
        .check = check,
};
