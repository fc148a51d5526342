/* HS1016 dockerignore: the build context is copied wholesale with no
 * .dockerignore, or files that look like secrets would be sent with it.
 *
 * Only when the build context is known (c->in->context_dir; not for a
 * Dockerfile read from stdin).  A COPY or ADD in any stage (a builder stage
 * too: the context is sent, cached and copied all the same) copies the
 * context broadly when one of its expanded sources (instr->x; not COPY
 * --from, not URLs, not heredocs) is the context root ("." "./" "/"), a
 * directory of the context, or a wildcard that matches a directory.  The
 * ignore file is BuildKit's: <Dockerfile>.dockerignore beside the
 * Dockerfile first, else <context>/.dockerignore.  The context is walked
 * the way BuildKit's file sync walks it (src/lint/dockerignore.h) and each
 * file that would be sent and that the broad COPY picks up (under its
 * source, minus its --exclude patterns) is checked by name: .git/ .ssh/
 * .aws/ directories (named once), .env and .env.* (not .example, .sample,
 * .template, .dist), private keys (*.pem except obvious certificates, *.key,
 * *.p12, *.pfx, id_rsa*, id_dsa*, id_ecdsa*, id_ed25519* but not *.pub),
 * .npmrc .pypirc .netrc .git-credentials, kubeconfig, .kube/config,
 * .docker/config.json, *.tfstate(.backup), secrets.{yaml,yml,json,env,...}.
 * Such files: one high finding per instruction naming them.  Otherwise, no
 * ignore file at all: one medium finding per instruction.  An ignore file
 * Docker would reject (a bad pattern) or that we cannot evaluate (too
 * large, a \p class) gives no finding. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/limits.h"
#include "lint/dockerignore.h"
#include "lint/engine.h"
#include "lint/rules/common.h"

#define MAX_NAMED 10  /* files named in a message */
#define NAME_BYTES 64 /* each cut to this */

enum src_kind { SRC_ALL, SRC_DIR, SRC_GLOB };

struct src {
        const char *path; /* normalized: no leading '/', "" for the root */
        size_t len;
        size_t ncomp;  /* GLOB: number of path components */
        size_t dirlen; /* GLOB: bytes of the components before the last (with '/') */
        enum src_kind kind;
};

struct copy {
        const struct hull_df_instr *in;
        struct src *srcs;
        size_t nsrcs;
        const char *shown; /* the broad source, as expanded, for messages */
        enum src_kind shown_kind;
        struct hull_dockerignore *exclude; /* --exclude patterns, or NULL */
        bool broad;
        size_t nfound;
        char named[MAX_NAMED][NAME_BYTES];
        char last_dir[HULL_MAX_PATH_BYTES + 2]; /* last directory label recorded */
};

struct state {
        struct copy *v;
        size_t n;
};

static bool ends_with(const char *s, size_t n, const char *suffix) {
        size_t l = strlen(suffix);
        return n >= l && strncasecmp(s + n - l, suffix, l) == 0;
}

static bool starts_with(const char *s, size_t n, const char *prefix) {
        size_t l = strlen(prefix);
        return n >= l && memcmp(s, prefix, l) == 0;
}

static bool is(const char *s, size_t n, const char *word) {
        return n == strlen(word) && memcmp(s, word, n) == 0;
}

/* A file that looks like a secret, by its base name b[0..n). */
static bool secret_file(const char *b, size_t n) {
        static const char *const names[] = {".npmrc",           ".pypirc",    ".netrc",
                                            ".git-credentials", "kubeconfig", NULL};
        static const char *const keys[] = {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", NULL};
        static const char *const env_ok[] = {".env.example", ".env.sample", ".env.template",
                                             ".env.dist", NULL};
        static const char *const exts[] = {".key", ".p12", ".pfx", ".tfstate", ".tfstate.backup",
                                           NULL};
        static const char *const certs[] = {"cert.pem", "crt.pem", "chain.pem",  "bundle.pem",
                                            "ca.pem",   "pub.pem", "public.pem", NULL};
        static const char *const data[] = {"yaml", "yml",        "json", "env", "toml", "ini",
                                           "txt",  "properties", "conf", "cfg", "xml",  NULL};

        for (size_t i = 0; names[i]; i++)
                if (is(b, n, names[i]))
                        return true;
        if (is(b, n, ".env"))
                return true;
        if (starts_with(b, n, ".env.")) {
                for (size_t i = 0; env_ok[i]; i++)
                        if (is(b, n, env_ok[i]))
                                return false;
                return true;
        }
        for (size_t i = 0; keys[i]; i++)
                if (starts_with(b, n, keys[i]))
                        return !ends_with(b, n, ".pub");
        for (size_t i = 0; exts[i]; i++)
                if (ends_with(b, n, exts[i]))
                        return true;
        if (ends_with(b, n, ".pem")) {
                for (size_t i = 0; certs[i]; i++)
                        if (ends_with(b, n, certs[i]))
                                return false;
                return true;
        }
        if (starts_with(b, n, "secrets."))
                for (size_t i = 0; data[i]; i++)
                        if (is(b + 8, n - 8, data[i]))
                                return true;
        return false;
}

/* The label under which a sent entry is reported ("config/.env", ".git/"),
 * in buf; false when the entry does not look sensitive. */
static bool sensitive(const struct hull_walk_entry *e, char *buf, size_t size) {
        const char *p = e->path, *prev = NULL;
        size_t prevlen = 0;

        for (const char *c = p; c < p + e->len;) {
                const char *end = memchr(c, '/', (size_t)(p + e->len - c));
                size_t l = end ? (size_t)(end - c) : (size_t)(p + e->len - c);
                bool last = !end;

                /* a .git, .ssh or .aws directory: the directory, once */
                if ((!last || e->type == HULL_WALK_DIR) &&
                    (is(c, l, ".git") || is(c, l, ".ssh") || is(c, l, ".aws"))) {
                        snprintf(buf, size, "%.*s/", (int)(c + l - p), p);
                        return true;
                }
                if (last && e->type == HULL_WALK_FILE) {
                        if ((prev && is(prev, prevlen, ".docker") && is(c, l, "config.json")) ||
                            (prev && is(prev, prevlen, ".kube") && is(c, l, "config")) ||
                            secret_file(c, l)) {
                                snprintf(buf, size, "%.*s", (int)e->len, p);
                                return true;
                        }
                }
                prev = c;
                prevlen = l;
                c += l + 1;
        }
        return false;
}

/* Whether src picks up path[0..n) (and the part of it below the source, for
 * --exclude); GLOB sources also learn here whether they match a directory. */
static bool picks(struct copy *cp, struct src *s, const struct hull_walk_entry *e,
                  const char **ret_rel) {
        const char *p = e->path;
        size_t n = e->len;

        switch (s->kind) {
        case SRC_ALL: *ret_rel = p; return true;
        case SRC_DIR:
                if (n > s->len && memcmp(p, s->path, s->len) == 0 && p[s->len] == '/') {
                        *ret_rel = p + s->len + 1;
                        return true;
                }
                return false;
        case SRC_GLOB: {
                size_t k = 0, i = 0;
                bool m = false;
                for (; i < n; i++)
                        if (p[i] == '/' && ++k == s->ncomp)
                                break;
                if (i == n)
                        k++;
                if (k < s->ncomp)
                        return false;
                if (hull_dockerignore_filepath_match(s->path, s->len, p, i, &m) != HULL_OK || !m)
                        return false;
                if (i == n && e->type == HULL_WALK_DIR)
                        cp->broad = true;
                *ret_rel = p + (s->dirlen <= n ? s->dirlen : n);
                return true;
        }
        }
        return false;
}

static int visit(void *ud, const struct hull_walk_entry *e) {
        struct state *st = ud;
        char label[HULL_MAX_PATH_BYTES + 2];
        bool secret = sensitive(e, label, sizeof(label));

        for (size_t i = 0; i < st->n; i++) {
                struct copy *cp = &st->v[i];
                const char *rel = NULL, *r2;
                bool picked = false;

                for (size_t j = 0; j < cp->nsrcs; j++)
                        if ((secret || cp->srcs[j].kind == SRC_GLOB) &&
                            picks(cp, &cp->srcs[j], e, &r2) && !picked) {
                                picked = true;
                                rel = r2;
                        }
                if (!picked || !secret)
                        continue;
                if (cp->exclude && *rel) {
                        struct hull_diag d;
                        bool ex = false;
                        hull_diag_init(&d);
                        if (hull_dockerignore_matches(cp->exclude, rel, &ex, &d) == HULL_OK && ex)
                                continue;
                }
                if (label[strlen(label) - 1] == '/') {
                        if (strcmp(label, cp->last_dir) == 0)
                                continue;
                        snprintf(cp->last_dir, sizeof(cp->last_dir), "%s", label);
                }
                if (cp->nfound < MAX_NAMED) {
                        char *dst = cp->named[cp->nfound];
                        size_t l = strlen(label);
                        if (l < NAME_BYTES)
                                memcpy(dst, label, l + 1);
                        else
                                snprintf(dst, NAME_BYTES, "...%s", label + l - (NAME_BYTES - 4));
                }
                cp->nfound++;
        }
        return HULL_OK;
}

static bool has_wildcard(const char *s) {
        for (; *s; s++) {
                if (*s == '\\' && s[1])
                        s++;
                else if (*s == '*' || *s == '?' || *s == '[')
                        return true;
        }
        return false;
}

/* Set up one COPY/ADD: its sources that reach into the context. */
static int add_copy(struct hull_lint_ctx *c, struct state *st, const struct hull_df_instr *in,
                    size_t *cap) {
        struct hull_arena *a = &c->df->arena;
        struct copy cp = {.in = in};
        const char *excl[64];
        size_t nexcl = 0;

        if (hull_df_instr_flag(in, "from", NULL) || in->nx < 2)
                return HULL_OK;
        cp.srcs = hull_arena_alloc0(a, (in->nx - 1) * sizeof(*cp.srcs));
        if (!cp.srcs)
                return HULL_ENOMEM;
        for (size_t i = 0; i + 1 < in->nx; i++) {
                const char *x = in->x[i];
                size_t xl = strlen(x);
                struct src *s = &cp.srcs[cp.nsrcs];
                char *norm, *clean;
                struct stat stt;

                memset(s, 0, sizeof(*s));
                if ((in->node->nheredocs && strncmp(x, "<<", 2) == 0) || strstr(x, "://") ||
                    strncmp(x, "git@", 4) == 0)
                        continue;
                /* relative to the context root: Clean("/" + x) without the '/' */
                norm = hull_arena_alloc(a, xl + 2);
                clean = hull_arena_alloc(a, xl + 3);
                if (!norm || !clean)
                        return HULL_ENOMEM;
                norm[0] = '/';
                memcpy(norm + 1, x, xl);
                s->len = hull_dockerignore_clean(norm, xl + 1, clean) - 1;
                s->path = clean + 1;
                if (s->len == 0) {
                        s->kind = SRC_ALL;
                } else if (has_wildcard(s->path)) {
                        s->kind = SRC_GLOB;
                        s->ncomp = 1;
                        for (size_t k = 0; k < s->len; k++)
                                if (s->path[k] == '/') {
                                        s->ncomp++;
                                        s->dirlen = k + 1;
                                }
                } else {
                        char full[HULL_MAX_PATH_BYTES * 2];
                        snprintf(full, sizeof(full), "%s/%s", c->in->context_dir, s->path);
                        if (lstat(full, &stt) != 0 || !S_ISDIR(stt.st_mode))
                                continue;
                        s->kind = SRC_DIR;
                }
                if ((s->kind != SRC_GLOB && !cp.broad) || !cp.shown) {
                        cp.broad |= s->kind != SRC_GLOB;
                        cp.shown = x;
                        cp.shown_kind = s->kind;
                }
                cp.nsrcs++;
        }
        if (cp.nsrcs == 0)
                return HULL_OK;
        for (size_t i = 0; i < in->nflags && nexcl < ELEMENTSOF(excl); i++)
                if (strcmp(in->flags[i].name, "exclude") == 0 && in->flags[i].value)
                        excl[nexcl++] = in->flags[i].value;
        if (nexcl) {
                struct hull_diag d;
                hull_diag_init(&d);
                int r = hull_dockerignore_from_patterns(excl, nexcl, &cp.exclude, &d);
                if (r == HULL_ENOMEM)
                        return r;
        }
        if (st->n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 8;
                struct copy *v = hull_arena_alloc(a, ncap * sizeof(*v));
                if (!v) {
                        hull_dockerignore_free(cp.exclude);
                        return HULL_ENOMEM;
                }
                if (st->n)
                        memcpy(v, st->v, st->n * sizeof(*v));
                st->v = v;
                *cap = ncap;
        }
        st->v[st->n++] = cp;
        return HULL_OK;
}

static const char *kw(const struct hull_df_instr *in) {
        return in->kind == HULL_DF_ADD ? "ADD" : "COPY";
}

static void report(struct hull_lint_ctx *c, const struct copy *cp, const char *ignore_name,
                   const struct hull_walk_stats *ws) {
        char names[MAX_NAMED * (NAME_BYTES + 2) + 32], note[128] = "";
        size_t o = 0;

        if (ws->truncated)
                snprintf(note, sizeof(note), "; the context walk stopped after %zu entries",
                         ws->entries);
        else if (ws->unreadable + ws->too_deep)
                snprintf(note, sizeof(note), "; %zu entries of the context could not be read",
                         ws->unreadable + ws->too_deep);
        if (cp->nfound) {
                for (size_t i = 0; i < cp->nfound && i < MAX_NAMED; i++)
                        o += (size_t)snprintf(names + o, sizeof(names) - o, "%s%s", i ? ", " : "",
                                              cp->named[i]);
                if (cp->nfound > MAX_NAMED)
                        snprintf(names + o, sizeof(names) - o, " and %zu more",
                                 cp->nfound - MAX_NAMED);
                if (ignore_name)
                        hull_lint_report_severity(
                                c, HULL_SEV_HIGH, cp->in->node->cmd.pos,
                                "Exclude them in .dockerignore (e.g. .git, .env, *.pem, *.key) "
                                "or copy only what the image needs",
                                "%s '%s' sends files that may hold secrets into the build: %s "
                                "(%s does not exclude them%s)",
                                kw(cp->in), cp->shown, names, ignore_name, note);
                else
                        hull_lint_report_severity(
                                c, HULL_SEV_HIGH, cp->in->node->cmd.pos,
                                "Add a .dockerignore that excludes them (e.g. .git, .env, *.pem, "
                                "*.key) or copy only what the image needs",
                                "%s '%s' sends files that may hold secrets into the build: %s "
                                "(there is no .dockerignore%s)",
                                kw(cp->in), cp->shown, names, note);
                return;
        }
        if (!ignore_name)
                hull_lint_report(c, cp->in->node->cmd.pos, NULL,
                                 "%s '%s' copies %s and there is no .dockerignore%s", kw(cp->in),
                                 cp->shown,
                                 cp->shown_kind == SRC_ALL   ? "the whole build context"
                                 : cp->shown_kind == SRC_DIR ? "a directory of the build context"
                                                             : "directories of the build context",
                                 note);
}

/* BuildKit's ignore file: <Dockerfile>.dockerignore, else <context>/.dockerignore. */
static bool find_ignore(const struct hull_lint_input *in, char *path, size_t size,
                        const char **ret_name) {
        struct stat st;

        if (in->dockerfile_dir && in->dockerfile_base) {
                snprintf(path, size, "%s/%s.dockerignore", in->dockerfile_dir, in->dockerfile_base);
                if (stat(path, &st) == 0) {
                        *ret_name = strrchr(path, '/') + 1;
                        return true;
                }
        }
        snprintf(path, size, "%s/.dockerignore", in->context_dir);
        if (stat(path, &st) == 0) {
                *ret_name = ".dockerignore";
                return true;
        }
        return false;
}

static void check(struct hull_lint_ctx *c) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct state st = {0};
        struct hull_walk_stats ws;
        struct hull_diag d;
        char ipath[HULL_MAX_PATH_BYTES * 2];
        const char *iname = NULL;
        size_t cap = 0;
        int r;

        if (!c->in->context_dir)
                return;
        for (size_t i = 0; i < c->m->ninstrs; i++) {
                const struct hull_df_instr *in = &c->m->instrs[i];
                if ((in->kind == HULL_DF_COPY || in->kind == HULL_DF_ADD) &&
                    in->stage != (size_t)-1 && (r = add_copy(c, &st, in, &cap)) != HULL_OK) {
                        c->err = r;
                        goto out;
                }
        }
        if (st.n == 0)
                goto out;

        hull_diag_init(&d);
        if (find_ignore(c->in, ipath, sizeof(ipath), &iname)) {
                _cleanup_free_ char *data = NULL;
                size_t len;
                if (hull_read_file(ipath, HULL_MAX_DOCKERIGNORE_BYTES, &data, &len, &d) !=
                            HULL_OK ||
                    hull_dockerignore_parse(data, len, ipath, &ig, &d) != HULL_OK)
                        goto out; /* docker build rejects it, or we cannot tell */
        }
        r = hull_dockerignore_walk(c->in->context_dir, ig, 0, visit, &st, &ws, &d);
        if (r == HULL_ENOMEM)
                c->err = r;
        if (r != HULL_OK)
                goto out;
        for (size_t i = 0; i < st.n; i++)
                if (st.v[i].broad)
                        report(c, &st.v[i], iname, &ws);
out:
        for (size_t i = 0; i < st.n; i++)
                hull_dockerignore_free(st.v[i].exclude);
}

const struct hull_rule hull_rule_HS1016 = {
        .id = "HS1016",
        .slug = "dockerignore",
        .severity = HULL_SEV_MEDIUM,
        .title = "Build context copied without a .dockerignore",
        .rationale = "COPY . sends the whole build context into the build: without a .dockerignore "
                     "the .git "
                     "history, .env files and keys go with it, into the build cache and often into "
                     "the image.",
        .fix = "Add a .dockerignore (e.g. .git, .env*, *.pem, *.key, node_modules) or copy only "
               "what the image "
               "needs",
        .hadolint = NULL,
        .trivy = NULL,
        .check = check,
};
