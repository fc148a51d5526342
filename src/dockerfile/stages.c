/* stages.c - the stage model (BuildKit dockerfile2llb's dispatch, without building).
 *
 * Scopes: the global scope holds the automatic platform ARGs and the ARGs
 * declared before the first FROM; FROM and its --platform expand there.  A
 * stage starts with the ENV of the stage it builds on (none for an image:
 * its config is not known here) and an empty ARG scope; `ARG X` takes, in
 * order, --build-arg X, its own default, or the global X.  Lookups see ENV
 * first, then ARG, as BuildKit does. */
#include "dockerfile/stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "dockerfile/shell.h"

/* Variable lists are indexed by one hash table for the whole build, keyed
 * by (list, name): list 0 is the global scope, 2*stage+1 a stage's ENV and
 * 2*stage+2 its ARGs.  Lookups and updates are O(1), so 100,000 ENVs cost
 * what 100,000 cost, not their square. */
struct vslot {
        const char *name; /* NULL: empty */
        size_t nl, list, idx;
        uint64_t h;
};

struct vindex {
        struct vslot *s;
        size_t cap, n;
};

struct scope {
        struct mctx *c;
        struct hull_df_var **env; /* NULL in the global scope */
        size_t *nenv;
        size_t env_list;
        struct hull_df_var **args;
        size_t *nargs;
        size_t args_list;
};

struct mctx {
        struct hull_df_model *m;
        struct hull_dockerfile *df;
        struct hull_arena *a;
        const struct hull_df_options *opt;
        struct hull_diag *d;
        struct hull_expand_budget budget; /* all expansions of the file together */
        struct vindex vx;
};

static uint64_t vhash(size_t list, const char *name, size_t nl) {
        uint64_t h = 1469598103934665603ULL ^ (uint64_t)list;
        for (size_t i = 0; i < nl; i++)
                h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
        return h;
}

static size_t vx_find(const struct vindex *x, size_t list, const char *name, size_t nl) {
        uint64_t h;
        if (x->cap == 0)
                return SIZE_MAX;
        h = vhash(list, name, nl);
        for (size_t i = h & (x->cap - 1);; i = (i + 1) & (x->cap - 1)) {
                const struct vslot *sl = &x->s[i];
                if (!sl->name)
                        return SIZE_MAX;
                if (sl->h == h && sl->list == list && sl->nl == nl &&
                    memcmp(sl->name, name, nl) == 0)
                        return sl->idx;
        }
}

static int vx_put(struct vindex *x, size_t list, const char *name, size_t nl, size_t idx) {
        if ((x->n + 1) * 2 > x->cap) {
                size_t ncap = x->cap ? x->cap * 2 : 64;
                struct vslot *ns = hull_calloc(ncap, sizeof(*ns));
                if (!ns)
                        return HULL_ENOMEM;
                for (size_t i = 0; i < x->cap; i++)
                        if (x->s[i].name) {
                                size_t j = x->s[i].h & (ncap - 1);
                                while (ns[j].name)
                                        j = (j + 1) & (ncap - 1);
                                ns[j] = x->s[i];
                        }
                hull_free(x->s);
                x->s = ns;
                x->cap = ncap;
        }
        uint64_t h = vhash(list, name, nl);
        size_t i = h & (x->cap - 1);
        while (x->s[i].name) {
                if (x->s[i].h == h && x->s[i].list == list && x->s[i].nl == nl &&
                    memcmp(x->s[i].name, name, nl) == 0) {
                        x->s[i].idx = idx;
                        return HULL_OK;
                }
                i = (i + 1) & (x->cap - 1);
        }
        x->s[i] = (struct vslot){name, nl, list, idx, h};
        x->n++;
        return HULL_OK;
}

/* Linear search, for lookups after the build (the index is gone by then). */
static const struct hull_df_var *find_var(const struct hull_df_var *v, size_t n, const char *name,
                                          size_t nl) {
        for (size_t i = n; i-- > 0;)
                if (strlen(v[i].name) == nl && memcmp(v[i].name, name, nl) == 0)
                        return &v[i];
        return NULL;
}

static const struct hull_df_var *lookup_list(const struct mctx *c, const struct hull_df_var *v,
                                             size_t list, const char *name, size_t nl) {
        size_t i = vx_find(&c->vx, list, name, nl);
        return i == SIZE_MAX ? NULL : &v[i];
}

static bool scope_lookup(void *ud, const char *name, size_t nl, const char **ret_val,
                         size_t *ret_len) {
        const struct scope *s = ud;
        const struct hull_df_var *v = NULL;

        if (s->env)
                v = lookup_list(s->c, *s->env, s->env_list, name, nl);
        if (!v || !v->value)
                v = lookup_list(s->c, *s->args, s->args_list, name, nl);
        if (!v || !v->value)
                return false;
        *ret_val = v->value;
        *ret_len = v->value_len;
        return true;
}

/* Set name=value in list `list` held in vars (replace in place, or append). */
static int set_var(struct mctx *c, size_t list, struct hull_df_var **vars, size_t *n, size_t *cap,
                   const char *name, const char *value, size_t vlen,
                   const struct hull_df_instr *instr) {
        size_t nl = strlen(name), i = vx_find(&c->vx, list, name, nl);

        if (i != SIZE_MAX) {
                (*vars)[i].value = value;
                (*vars)[i].value_len = vlen;
                (*vars)[i].instr = instr;
                return HULL_OK;
        }
        struct hull_df_var *v = hull_arena_push(c->a, (void **)vars, n, cap, sizeof(*v));
        if (!v)
                return HULL_ENOMEM;
        v->name = name;
        v->value = value;
        v->value_len = vlen;
        v->instr = instr;
        return vx_put(&c->vx, list, name, nl, *n - 1);
}

/* Expand one word found at pos; errors get the file position. */
static int xword(struct mctx *c, struct scope *s, const char *w, size_t len, struct hull_pos pos,
                 const char **ret, size_t *ret_len) {
        struct hull_expand_env env = {NULL, 0, scope_lookup, s, &c->budget};
        struct hull_expand_result res;
        struct hull_diag tmp;
        int r;

        hull_diag_init(&tmp);
        r = hull_expand_word(c->a, w, len, c->df->escape, 0, &env, &res, &tmp);
        if (r)
                return hull_diag_set(c->d, r, c->df->name, pos.line,
                                     pos.col + (tmp.col > 0 ? tmp.col - 1 : 0), "%s", tmp.msg);
        *ret = res.s;
        *ret_len = res.len;
        return HULL_OK;
}

/* Expand every value of in into in->x (one entry per value, or per word for
 * EXPOSE, which BuildKit splits). */
static int expand_values(struct mctx *c, struct scope *s, struct hull_df_instr *in) {
        const struct hull_df_node *node = in->node->inner ? in->node->inner : in->node;
        size_t cap = node->nvalues + 1;
        int r;

        in->x = hull_arena_alloc0(c->a, cap * sizeof(*in->x));
        in->xlen = hull_arena_alloc0(c->a, cap * sizeof(*in->xlen));
        if (!in->x || !in->xlen)
                return HULL_ENOMEM;
        for (size_t i = 0; i < node->nvalues; i++) {
                const struct hull_df_str *v = &node->values[i];
                if (node->kind == HULL_DF_FROM && i > 0)
                        break; /* "AS name" is not expanded */
                if (node->kind == HULL_DF_EXPOSE) {
                        struct hull_expand_env env = {NULL, 0, scope_lookup, s, &c->budget};
                        struct hull_diag tmp;
                        char **words;
                        size_t *lens, nw;
                        hull_diag_init(&tmp);
                        r = hull_expand_words(c->a, v->s, v->len, c->df->escape, 0, &env, &words,
                                              &lens, &nw, &tmp);
                        if (r)
                                return hull_diag_set(c->d, r, c->df->name, v->pos.line,
                                                     v->pos.col + (tmp.col > 0 ? tmp.col - 1 : 0),
                                                     "%s", tmp.msg);
                        if (in->nx + nw + 1 > cap) {
                                size_t ncap = in->nx + nw + node->nvalues + 1;
                                const char **nx = hull_arena_alloc0(c->a, ncap * sizeof(*nx));
                                size_t *nl = hull_arena_alloc0(c->a, ncap * sizeof(*nl));
                                if (!nx || !nl)
                                        return HULL_ENOMEM;
                                memcpy(nx, in->x, in->nx * sizeof(*nx));
                                memcpy(nl, in->xlen, in->nx * sizeof(*nl));
                                in->x = nx;
                                in->xlen = nl;
                                cap = ncap;
                        }
                        for (size_t k = 0; k < nw; k++) {
                                in->x[in->nx] = words[k];
                                in->xlen[in->nx++] = lens[k];
                        }
                        continue;
                }
                if ((node->kind == HULL_DF_COPY || node->kind == HULL_DF_ADD) && node->nheredocs &&
                    v->len >= 2 && memcmp(v->s, "<<", 2) == 0) {
                        in->x[in->nx] = v->s; /* a heredoc source is not expanded */
                        in->xlen[in->nx++] = v->len;
                        continue;
                }
                if ((r = xword(c, s, v->s, v->len, v->pos, &in->x[in->nx], &in->xlen[in->nx])))
                        return r;
                in->nx++;
        }
        return HULL_OK;
}

/* Whether a heredoc body is a shell script (no shebang, or one naming a shell). */
static bool body_is_shell(const struct hull_df_heredoc *h) {
        if (h->body_len < 2 || memcmp(h->body, "#!", 2) != 0)
                return true;
        const char *nl = memchr(h->body, '\n', h->body_len);
        size_t l = nl ? (size_t)(nl - h->body) : h->body_len;
        return memmem(h->body, l, "sh", 2) != NULL;
}

/* RUN: the shell model of the command line, or of the heredoc body when the
 * command is nothing but heredoc markers (BuildKit runs the body as the script). */
static int run_shell(struct mctx *c, struct hull_df_instr *in) {
        const struct hull_df_node *node = in->node->inner ? in->node->inner : in->node;
        const char *src;
        size_t len;

        if (node->json || node->nvalues == 0)
                return HULL_OK;
        src = node->values[0].s;
        len = node->values[0].len;
        if (node->nheredocs > 0) {
                bool only_markers = true;
                size_t i = 0;
                while (i < len) {
                        while (i < len && (src[i] == ' ' || src[i] == '\t'))
                                i++;
                        if (i < len && !(len - i >= 2 && src[i] == '<' && src[i + 1] == '<') &&
                            !(src[i] >= '0' && src[i] <= '9'))
                                only_markers = false;
                        while (i < len && src[i] != ' ' && src[i] != '\t')
                                i++;
                }
                if (only_markers) {
                        if (!body_is_shell(&node->heredocs[0]))
                                return HULL_OK;
                        src = node->heredocs[0].body;
                        len = node->heredocs[0].body_len;
                } else {
                        /* the script as sh reads it: command line, then the bodies */
                        struct hull_buf b = HULL_BUF_INIT(HULL_MAX_DOCKERFILE_BYTES);
                        int r = hull_buf_put(&b, src, len);
                        for (size_t k = 0; !r && k < node->nheredocs; k++) {
                                r = hull_buf_putc(&b, '\n');
                                if (!r)
                                        r = hull_buf_put(&b, node->heredocs[k].body,
                                                         node->heredocs[k].body_len);
                                if (!r)
                                        r = hull_buf_put(&b, node->heredocs[k].name.s,
                                                         node->heredocs[k].name.len);
                        }
                        if (!r)
                                r = hull_buf_putc(&b, '\n');
                        if (r) {
                                hull_buf_release(&b);
                                return r == HULL_ELIMIT ? HULL_OK : r;
                        }
                        src = hull_arena_strndup(c->a, b.data, b.len);
                        len = b.len;
                        hull_buf_release(&b);
                        if (!src)
                                return HULL_ENOMEM;
                }
        }
        in->sh = hull_arena_alloc0(c->a, sizeof(*in->sh));
        if (!in->sh)
                return HULL_ENOMEM;
        if (hull_sh_parse(c->a, src, len, in->sh, NULL) != HULL_OK)
                in->sh = NULL; /* too deep or too big for the model: rules see no commands */
        return HULL_OK;
}

size_t hull_df_model_find_stage(const struct hull_df_model *m, const char *word, size_t before) {
        char *end;
        unsigned long idx;

        if (!word || !*word)
                return HULL_DF_NO_STAGE;
        for (size_t i = 0; i < before && i < m->nstages; i++)
                if (m->stages[i].name && strcasecmp(m->stages[i].name, word) == 0)
                        return i;
        idx = strtoul(word, &end, 10);
        if (*end == '\0' && word[0] >= '0' && word[0] <= '9' && idx < before && idx < m->nstages)
                return idx;
        return HULL_DF_NO_STAGE;
}

const struct hull_df_var *hull_df_stage_lookup(const struct hull_df_stage *s, const char *name) {
        const struct hull_df_var *v = find_var(s->env, s->nenv, name, strlen(name));
        if (v && v->value)
                return v;
        v = find_var(s->args, s->nargs, name, strlen(name));
        return v;
}

static const struct hull_df_build_arg *build_arg(const struct hull_df_options *opt,
                                                 const char *name) {
        const struct hull_df_build_arg *hit = NULL;
        for (size_t i = 0; opt && i < opt->nbuild_args; i++)
                if (strcmp(opt->build_args[i].name, name) == 0)
                        hit = &opt->build_args[i];
        return hit;
}

/* ARG: declare each name in the scope (args list). */
static int do_arg(struct mctx *c, struct scope *s, size_t list, struct hull_df_var **args,
                  size_t *nargs, size_t *cap, struct hull_df_instr *in, bool global) {
        int r;

        for (size_t i = 0; i < in->nkvs; i++) {
                struct hull_df_kv *kv = &in->kvs[i];
                const struct hull_df_build_arg *ba = build_arg(c->opt, kv->key.s);
                const char *val = NULL;
                size_t vlen = 0;

                kv->key_x = kv->key.s;
                if (kv->value.s) {
                        if ((r = xword(c, s, kv->value.s, kv->value.len, kv->value.pos,
                                       &kv->value_x, &kv->value_x_len)))
                                return r;
                        val = kv->value_x;
                        vlen = kv->value_x_len;
                }
                if (ba && ba->value) {
                        val = ba->value;
                        vlen = strlen(val);
                } else if (!kv->value.s && !global) {
                        const struct hull_df_var *g =
                                lookup_list(c, c->m->global, 0, kv->key.s, kv->key.len);
                        if (g && g->value) {
                                val = g->value;
                                vlen = g->value_len;
                        }
                }
                if ((r = set_var(c, list, args, nargs, cap, kv->key.s, val, vlen, in)))
                        return r;
        }
        return HULL_OK;
}

static int copy_vars(struct mctx *c, struct hull_df_var **dst, size_t *n, size_t *cap,
                     const struct hull_df_var *src, size_t nsrc) {
        *dst = NULL;
        *n = *cap = 0;
        if (nsrc == 0)
                return HULL_OK;
        *dst = hull_arena_alloc(c->a, nsrc * sizeof(**dst));
        if (!*dst)
                return HULL_ENOMEM;
        memcpy(*dst, src, nsrc * sizeof(**dst));
        *n = *cap = nsrc;
        return HULL_OK;
}

static int add_edge(struct mctx *c, size_t *capedges, size_t from, size_t to,
                    const struct hull_df_instr *in) {
        struct hull_df_edge *e =
                hull_arena_push(c->a, (void **)&c->m->edges, &c->m->nedges, capedges, sizeof(*e));
        if (!e)
                return HULL_ENOMEM;
        e->from_stage = from;
        e->to_stage = to;
        e->instr = in;
        return HULL_OK;
}

/* Resolve WORKDIR relative to the previous one (path.Join semantics, simplified). */
static const char *join_workdir(struct mctx *c, const char *prev, const char *w) {
        if (!w || w[0] == '/' || !prev)
                return w && w[0] != '/' ? hull_arena_strdup(c->a, w[0] ? w : "/") : w;
        size_t pl = strlen(prev);
        char *out = hull_arena_alloc(c->a, pl + strlen(w) + 2);
        if (!out)
                return NULL;
        snprintf(out, pl + strlen(w) + 2, "%s%s%s", prev, prev[pl - 1] == '/' ? "" : "/", w);
        return out;
}

static int platform_args(struct mctx *c, size_t *capg) {
        const char *plat = c->opt && c->opt->platform ? c->opt->platform : "linux/amd64";
        char os[64] = "linux", arch[64] = "amd64", variant[64] = "";
        static const char *const names[] = {"BUILDPLATFORM", "BUILDOS",        "BUILDARCH",
                                            "BUILDVARIANT",  "TARGETPLATFORM", "TARGETOS",
                                            "TARGETARCH",    "TARGETVARIANT"};
        const char *vals[8];
        char *p;
        int r;

        if (sscanf(plat, "%63[^/]/%63[^/]/%63s", os, arch, variant) < 2)
                return hull_diag_set(c->d, HULL_EINVAL, NULL, 0, 0,
                                     "invalid platform '%s' (expected os/arch[/variant])", plat);
        c->m->platform = hull_arena_strdup(c->a, plat);
        /* BUILD* describe the machine running the build: this one is linux/amd64-like */
        vals[0] = "linux/amd64";
        vals[1] = "linux";
        vals[2] = "amd64";
        vals[3] = "";
        vals[4] = c->m->platform;
        vals[5] = hull_arena_strdup(c->a, os);
        vals[6] = hull_arena_strdup(c->a, arch);
        vals[7] = hull_arena_strdup(c->a, variant);
        for (size_t i = 0; i < 8; i++) {
                if (!vals[i])
                        return HULL_ENOMEM;
                if ((r = set_var(c, 0, &c->m->global, &c->m->nglobal, capg, names[i], vals[i],
                                 strlen(vals[i]), NULL)))
                        return r;
        }
        (void)p;
        return HULL_OK;
}

static int build(struct mctx *c) {
        struct hull_df_model *m = c->m;
        struct hull_dockerfile *df = c->df;
        size_t capg = 0, capstages = 0, capedges = 0;
        struct hull_df_stage *st = NULL;
        size_t capenv = 0, capargs = 0, capinstrs = 0;
        int r;

        if ((r = platform_args(c, &capg)))
                return r;
        m->instrs = hull_arena_alloc0(c->a, (df->nnodes + 1) * sizeof(*m->instrs));
        if (!m->instrs)
                return HULL_ENOMEM;
        /* BuildKit checks every instruction before dispatching any */
        for (size_t i = 0; i < df->nnodes; i++)
                if ((r = hull_df_instr_parse(df, &df->nodes[i], &m->instrs[i], c->d)))
                        return r;
        m->ninstrs = df->nnodes;

        for (size_t i = 0; i < m->ninstrs; i++) {
                struct hull_df_instr *in = &m->instrs[i];
                const struct hull_df_node *node = in->node;

                if (node->kind == HULL_DF_FROM) {
                        struct scope gs = {c, NULL, NULL, 0, &m->global, &m->nglobal, 0};
                        const char *plat;
                        size_t l;

                        st = hull_arena_push(c->a, (void **)&m->stages, &m->nstages, &capstages,
                                             sizeof(*st));
                        if (!st)
                                return HULL_ENOMEM;
                        st->index = m->nstages - 1;
                        st->from = in;
                        in->stage = st->index;
                        capenv = capargs = capinstrs = 0;
                        if (node->nvalues == 3) {
                                char *nm = hull_arena_strdup(c->a, node->values[2].s);
                                if (!nm)
                                        return HULL_ENOMEM;
                                for (char *p = nm; *p; p++)
                                        if (*p >= 'A' && *p <= 'Z')
                                                *p = (char)(*p + 32);
                                st->name = nm;
                        }
                        st->base_raw = node->values[0].s;
                        if ((r = expand_values(c, &gs, in)))
                                return r;
                        st->base = in->x[0];
                        plat = hull_df_instr_flag(in, "platform", NULL);
                        if (plat) {
                                struct hull_pos pp = in->node->cmd.pos;
                                for (size_t k = 0; k < in->nflags; k++)
                                        if (strcmp(in->flags[k].name, "platform") == 0)
                                                pp = in->flags[k].pos;
                                if ((r = xword(c, &gs, plat, strlen(plat), pp, &st->platform, &l)))
                                        return r;
                        }
                        st->base_stage = hull_df_model_find_stage(m, st->base, st->index);
                        st->user = NULL;
                        if (st->base_stage != HULL_DF_NO_STAGE) {
                                const struct hull_df_stage *b = &m->stages[st->base_stage];
                                if ((r = copy_vars(c, &st->env, &st->nenv, &capenv, b->env,
                                                   b->nenv)))
                                        return r;
                                for (size_t k = 0; k < st->nenv; k++)
                                        if ((r = vx_put(&c->vx, 2 * st->index + 1, st->env[k].name,
                                                        strlen(st->env[k].name), k)))
                                                return r;
                                st->user = b->user;
                                st->user_instr = b->user_instr;
                                st->workdir = b->workdir;
                                st->healthcheck = b->healthcheck;
                                st->cmd = b->cmd;
                                st->entrypoint = b->entrypoint;
                                st->shell = b->shell;
                                if ((r = add_edge(c, &capedges, st->base_stage, st->index, in)))
                                        return r;
                        } else if (strcmp(st->base, "scratch") == 0) {
                                st->base_scratch = true;
                        } else if (!st->base[0]) {
                                /* BuildKit refuses to build this without --build-arg; the file is
                                 * valid */
                                st->base_ref_error = "base name is blank after expansion (set it "
                                                     "with --build-arg)";
                        } else {
                                struct hull_diag tmp;
                                hull_diag_init(&tmp);
                                r = hull_image_ref_parse_n(c->a, st->base, strlen(st->base),
                                                           HULL_IMAGE_REF_NAMED_ONLY, &st->ref,
                                                           &tmp);
                                if (r == HULL_OK)
                                        st->base_ref_ok = true;
                                else if (r == HULL_ENOMEM)
                                        return r;
                                else if (!(st->base_ref_error = hull_arena_strdup(c->a, tmp.msg)))
                                        return HULL_ENOMEM;
                        }
                        continue;
                }
                if (!st) {
                        if (node->kind != HULL_DF_ARG)
                                return hull_diag_set(c->d, HULL_EPARSE, df->name,
                                                     node->cmd.pos.line, node->cmd.pos.col,
                                                     "no build stage in current context");
                        struct scope gs = {c, NULL, NULL, 0, &m->global, &m->nglobal, 0};
                        if ((r = do_arg(c, &gs, 0, &m->global, &m->nglobal, &capg, in, true)))
                                return r;
                        continue;
                }
                in->stage = st->index;
                struct hull_df_instr **slot = hull_arena_push(
                        c->a, (void **)&st->instrs, &st->ninstrs, &capinstrs, sizeof(*slot));
                if (!slot)
                        return HULL_ENOMEM;
                *slot = in;
                if (node->kind == HULL_DF_ONBUILD)
                        continue; /* runs in a later build, with that build's scope */
                struct scope s = {c,         &st->env,   &st->nenv,        2 * st->index + 1,
                                  &st->args, &st->nargs, 2 * st->index + 2};
                switch (node->kind) {
                case HULL_DF_ARG:
                        if ((r = do_arg(c, &s, 2 * st->index + 2, &st->args, &st->nargs, &capargs,
                                        in, false)))
                                return r;
                        break;
                case HULL_DF_ENV:
                case HULL_DF_LABEL:
                        for (size_t k = 0; k < in->nkvs; k++) {
                                struct hull_df_kv *kv = &in->kvs[k];
                                size_t kl;
                                if ((r = xword(c, &s, kv->key.s, kv->key.len, kv->key.pos,
                                               &kv->key_x, &kl)) ||
                                    (r = xword(c, &s, kv->value.s, kv->value.len, kv->value.pos,
                                               &kv->value_x, &kv->value_x_len)))
                                        return r;
                        }
                        /* all pairs expand against the scope before the instruction (BuildKit) */
                        for (size_t k = 0; node->kind == HULL_DF_ENV && k < in->nkvs; k++) {
                                struct hull_df_kv *kv = &in->kvs[k];
                                if ((r = set_var(c, 2 * st->index + 1, &st->env, &st->nenv, &capenv,
                                                 kv->key_x, kv->value_x, kv->value_x_len, in)))
                                        return r;
                        }
                        break;
                case HULL_DF_COPY:
                case HULL_DF_ADD: {
                        if ((r = expand_values(c, &s, in)))
                                return r;
                        for (size_t k = 0; k < in->nflags; k++) {
                                struct hull_df_flag *f = &in->flags[k];
                                if (f->value &&
                                    (!strcmp(f->name, "from") || !strcmp(f->name, "chown") ||
                                     !strcmp(f->name, "chmod"))) {
                                        size_t l;
                                        if ((r = xword(c, &s, f->value, strlen(f->value), f->pos,
                                                       &f->value, &l)))
                                                return r;
                                }
                        }
                        const char *from = hull_df_instr_flag(in, "from", NULL);
                        size_t fs = hull_df_model_find_stage(m, from, st->index);
                        if (fs != HULL_DF_NO_STAGE &&
                            (r = add_edge(c, &capedges, fs, st->index, in)))
                                return r;
                        break;
                }
                case HULL_DF_EXPOSE:
                case HULL_DF_VOLUME:
                case HULL_DF_STOPSIGNAL:
                        if ((r = expand_values(c, &s, in)))
                                return r;
                        break;
                case HULL_DF_USER:
                        if ((r = expand_values(c, &s, in)))
                                return r;
                        st->user = in->x[0];
                        st->user_instr = in;
                        break;
                case HULL_DF_WORKDIR:
                        if ((r = expand_values(c, &s, in)))
                                return r;
                        st->workdir = join_workdir(c, st->workdir, in->x[0]);
                        if (!st->workdir)
                                return HULL_ENOMEM;
                        break;
                case HULL_DF_RUN:
                        if ((r = run_shell(c, in)))
                                return r;
                        break;
                case HULL_DF_HEALTHCHECK: st->healthcheck = in; break;
                case HULL_DF_CMD: st->cmd = in; break;
                case HULL_DF_ENTRYPOINT: st->entrypoint = in; break;
                case HULL_DF_SHELL: st->shell = in; break;
                default: break;
                }
        }
        if (m->nstages == 0)
                return hull_diag_set(c->d, HULL_EPARSE, df->name, df->start_line, 1,
                                     "no build stage in current context");
        m->target = m->nstages - 1;
        if (c->opt && c->opt->target) {
                m->target = HULL_DF_NO_STAGE;
                for (size_t i = 0; i < m->nstages; i++)
                        if (m->stages[i].name && strcasecmp(m->stages[i].name, c->opt->target) == 0)
                                m->target = i;
                if (m->target == HULL_DF_NO_STAGE)
                        return hull_diag_set(c->d, HULL_ENOTFOUND, df->name, 0, 0,
                                             "target stage \"%s\" could not be found",
                                             c->opt->target);
        }
        return HULL_OK;
}

int hull_df_model_build(struct hull_dockerfile *df, const struct hull_df_options *opt,
                        struct hull_df_model **ret, struct hull_diag *d) {
        _cleanup_(hull_df_model_freep) struct hull_df_model *m = hull_calloc(1, sizeof(*m));
        struct mctx c;
        int r;

        if (!m)
                return HULL_ENOMEM;
        m->df = df;
        /* expansion work for the whole file: a few times what one hostile word
         * may take, and memory proportional to the file (limits.h) */
        size_t src_bytes = 0;
        for (size_t i = 0; i < df->nnodes; i++)
                src_bytes += df->nodes[i].original.len;
        c = (struct mctx){m,
                          df,
                          &df->arena,
                          opt,
                          d,
                          {HULL_MAX_EXPAND_FILE_STEPS, HULL_MAX_EXPAND_FILE_BYTES + 16 * src_bytes},
                          {NULL, 0, 0}};
        r = build(&c);
        hull_free(c.vx.s);
        if (r)
                return r;
        *ret = TAKE_PTR(m);
        return HULL_OK;
}

struct hull_df_model *hull_df_model_free(struct hull_df_model *m) {
        hull_free(m);
        return NULL;
}
