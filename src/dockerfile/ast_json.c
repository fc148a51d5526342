/* ast_json.c - the documented JSON form of a parsed Dockerfile and its stage
 * model (docs/formats/parse-json.md).  Strings that are not valid UTF-8 are
 * written with each bad byte replaced by U+FFFD (JSON cannot hold them). */
#include "dockerfile/ast_json.h"

#include <string.h>

#include "basic/buf.h"
#include "basic/err.h"
#include "basic/utf8.h"
#include "dockerfile/shell.h"

static json_t *jstr(const char *s, size_t n) {
        size_t i = 0, w;
        bool ok = true;

        if (!s)
                return json_null();
        while (i < n) {
                uint32_t c = hull_utf8_decode(s + i, n - i, &w);
                if ((c == HULL_RUNE_ERROR && w == 1) || c == 0) {
                        ok = false;
                        break;
                }
                i += w;
        }
        if (ok)
                return json_stringn(s, n);
        struct hull_buf b = HULL_BUF_INIT(n * 3 + 16);
        for (i = 0; i < n; i += w) {
                uint32_t c = hull_utf8_decode(s + i, n - i, &w);
                char enc[4];
                size_t k = (c == HULL_RUNE_ERROR && w == 1) ? hull_utf8_encode(HULL_RUNE_ERROR, enc) : 0;
                if (c == 0) {
                        if (hull_buf_puts(&b, "\xef\xbf\xbd"))
                                break;
                } else if (k ? hull_buf_put(&b, enc, k) : hull_buf_put(&b, s + i, w)) {
                        break;
                }
        }
        json_t *j = json_stringn(b.data ? b.data : "", b.len);
        hull_buf_release(&b);
        return j;
}

static json_t *jcstr(const char *s) {
        return s ? jstr(s, strlen(s)) : json_null();
}

/* json_object_set_new that tolerates NULL values (allocation failure) by
 * recording the failure in *bad. */
static void put(json_t *o, const char *k, json_t *v, bool *bad) {
        if (!v || json_object_set_new(o, k, v) != 0)
                *bad = true;
}

static void append(json_t *a, json_t *v, bool *bad) {
        if (!v || json_array_append_new(a, v) != 0)
                *bad = true;
}

static json_t *pos_obj(json_t *o, struct hull_pos p, bool *bad) {
        put(o, "line", json_integer(p.line), bad);
        put(o, "col", json_integer(p.col), bad);
        return o;
}

static json_t *strlist(const struct hull_df_str *v, size_t n, bool *bad) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++) {
                json_t *o = json_object();
                if (o) {
                        put(o, "value", jstr(v[i].s, v[i].len), bad);
                        pos_obj(o, v[i].pos, bad);
                }
                append(a, o, bad);
        }
        return a;
}

static json_t *shell_json(const struct hull_sh_script *sh, bool *bad) {
        json_t *o = json_object(), *cmds = json_array();
        if (!o || !cmds) {
                json_decref(o);
                json_decref(cmds);
                return NULL;
        }
        for (size_t i = 0; i < sh->ncmds; i++) {
                const struct hull_sh_cmd *c = &sh->cmds[i];
                json_t *co = json_object(), *argv = json_array(), *as = json_array();
                for (size_t k = 0; argv && k < c->argc; k++)
                        append(argv, jstr(c->argv[k].text, c->argv[k].len), bad);
                for (size_t k = 0; as && k < c->nassigns; k++)
                        append(as, jstr(c->assigns[k].text, c->assigns[k].len), bad);
                if (co) {
                        const char *name = hull_sh_cmd_name(c);
                        put(co, "name", jcstr(name), bad);
                        put(co, "argv", argv, bad);
                        put(co, "assignments", as, bad);
                        put(co, "op_after", jcstr(hull_sh_op_name(c->op_after)), bad);
                        put(co, "piped_from_prev", json_boolean(c->piped_from_prev), bad);
                        put(co, "in_substitution", json_boolean(c->in_subst), bad);
                        put(co, "depth", json_integer(c->depth), bad);
                        put(co, "offset", json_integer((json_int_t)c->off), bad);
                } else {
                        json_decref(argv);
                        json_decref(as);
                }
                append(cmds, co, bad);
        }
        put(o, "commands", cmds, bad);
        put(o, "incomplete", json_boolean(sh->incomplete), bad);
        put(o, "malformed", json_boolean(sh->malformed), bad);
        return o;
}

static json_t *node_json(const struct hull_df_node *n, const struct hull_df_instr *in, bool *bad) {
        json_t *o = json_object();
        if (!o)
                return NULL;
        put(o, "instruction", jstr(n->cmd.s, n->cmd.len), bad);
        put(o, "kind", jcstr(n->cmd_lower), bad);
        pos_obj(o, n->cmd.pos, bad);
        put(o, "start_line", json_integer(n->start_line), bad);
        put(o, "end_line", json_integer(n->end_line), bad);
        put(o, "flags", strlist(n->flags, n->nflags, bad), bad);
        put(o, "json_form", json_boolean(n->json), bad);
        put(o, "args", strlist(n->values, n->nvalues, bad), bad);
        put(o, "original", jstr(n->original.s, n->original.len), bad);
        if (n->nheredocs) {
                json_t *hs = json_array();
                for (size_t i = 0; hs && i < n->nheredocs; i++) {
                        const struct hull_df_heredoc *h = &n->heredocs[i];
                        json_t *ho = json_object();
                        if (ho) {
                                put(ho, "name", jstr(h->name.s, h->name.len), bad);
                                pos_obj(ho, h->name.pos, bad);
                                put(ho, "fd", h->fd >= 0 ? json_integer(h->fd) : json_null(), bad);
                                put(ho, "chomp", json_boolean(h->chomp), bad);
                                put(ho, "expand", json_boolean(h->expand), bad);
                                put(ho, "body_line", json_integer(h->body_line), bad);
                                put(ho, "body", jstr(h->body, h->body_len), bad);
                        }
                        append(hs, ho, bad);
                }
                put(o, "heredocs", hs, bad);
        }
        if (n->inner)
                put(o, "onbuild", node_json(n->inner, NULL, bad), bad);
        if (!in)
                return o;
        if (in->stage != (size_t)-1)
                put(o, "stage", json_integer((json_int_t)in->stage), bad);
        else
                put(o, "stage", json_null(), bad);
        if (in->nkvs) {
                json_t *kvs = json_array();
                for (size_t i = 0; kvs && i < in->nkvs; i++) {
                        const struct hull_df_kv *kv = &in->kvs[i];
                        json_t *ko = json_object();
                        if (ko) {
                                put(ko, "key", jstr(kv->key.s, kv->key.len), bad);
                                put(ko, "value", kv->value.s ? jstr(kv->value.s, kv->value.len) : json_null(),
                                    bad);
                                pos_obj(ko, kv->key.pos, bad);
                                if (kv->key_x)
                                        put(ko, "key_expanded", jcstr(kv->key_x), bad);
                                if (kv->value_x)
                                        put(ko, "value_expanded", jstr(kv->value_x, kv->value_x_len), bad);
                        }
                        append(kvs, ko, bad);
                }
                put(o, "pairs", kvs, bad);
        }
        if (in->x) {
                json_t *xs = json_array();
                for (size_t i = 0; xs && i < in->nx; i++)
                        append(xs, jstr(in->x[i], in->xlen[i]), bad);
                put(o, "expanded", xs, bad);
        }
        if (in->nflags) {
                json_t *fs = json_array();
                for (size_t i = 0; fs && i < in->nflags; i++) {
                        json_t *fo = json_object();
                        if (fo) {
                                put(fo, "name", jcstr(in->flags[i].name), bad);
                                put(fo, "value", jcstr(in->flags[i].value), bad);
                        }
                        append(fs, fo, bad);
                }
                put(o, "flags_parsed", fs, bad);
        }
        if (in->sh)
                put(o, "shell", shell_json(in->sh, bad), bad);
        return o;
}

static json_t *vars_json(const struct hull_df_var *v, size_t n, bool *bad) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < n; i++) {
                json_t *o = json_object();
                if (o) {
                        put(o, "name", jcstr(v[i].name), bad);
                        put(o, "value", v[i].value ? jstr(v[i].value, v[i].value_len) : json_null(), bad);
                        put(o, "line", v[i].instr ? json_integer(v[i].instr->node->start_line) : json_null(),
                            bad);
                }
                append(a, o, bad);
        }
        return a;
}

static json_t *ref_json(const struct hull_image_ref *r, bool *bad) {
        json_t *o = json_object();
        if (!o)
                return NULL;
        put(o, "domain", jcstr(r->domain), bad);
        put(o, "path", jcstr(r->path), bad);
        put(o, "tag", jcstr(r->tag), bad);
        put(o, "digest", jcstr(r->digest), bad);
        put(o, "tag_implied", json_boolean(r->tag_implied), bad);
        put(o, "official", json_boolean(r->official), bad);
        put(o, "normalized", jcstr(r->normalized), bad);
        put(o, "familiar", jcstr(r->familiar), bad);
        return o;
}

static json_t *stage_json(const struct hull_df_model *m, const struct hull_df_stage *s, bool *bad) {
        json_t *o = json_object(), *base = json_object(), *instrs = json_array();
        if (!o || !base || !instrs) {
                json_decref(o);
                json_decref(base);
                json_decref(instrs);
                return NULL;
        }
        put(o, "index", json_integer((json_int_t)s->index), bad);
        put(o, "name", jcstr(s->name), bad);
        put(o, "line", json_integer(s->from->node->start_line), bad);
        put(base, "raw", jcstr(s->base_raw), bad);
        put(base, "expanded", jcstr(s->base), bad);
        put(base, "stage", s->base_stage != HULL_DF_NO_STAGE ? json_integer((json_int_t)s->base_stage)
                                                             : json_null(), bad);
        put(base, "scratch", json_boolean(s->base_scratch), bad);
        if (s->base_ref_ok)
                put(base, "reference", ref_json(&s->ref, bad), bad);
        else if (s->base_ref_error)
                put(base, "reference_error", jcstr(s->base_ref_error), bad);
        put(o, "base", base, bad);
        put(o, "platform", jcstr(s->platform), bad);
        for (size_t i = 0; i < s->ninstrs; i++)
                append(instrs, json_integer((json_int_t)(s->instrs[i] - m->instrs)), bad);
        put(o, "instructions", instrs, bad);
        put(o, "env", vars_json(s->env, s->nenv, bad), bad);
        put(o, "args", vars_json(s->args, s->nargs, bad), bad);
        put(o, "user", jcstr(s->user), bad);
        put(o, "workdir", jcstr(s->workdir), bad);
        put(o, "healthcheck_line", s->healthcheck ? json_integer(s->healthcheck->node->start_line) : json_null(),
            bad);
        put(o, "final", json_boolean(s->index == m->target), bad);
        return o;
}

json_t *hull_df_to_json(const struct hull_dockerfile *df, const struct hull_df_model *m) {
        json_t *o = json_object(), *dirs = json_array(), *warns = json_array(), *ins = json_array();
        bool bad = false;
        char esc[2] = {df->escape, 0};

        if (!o || !dirs || !warns || !ins) {
                json_decref(o);
                json_decref(dirs);
                json_decref(warns);
                json_decref(ins);
                return NULL;
        }
        put(o, "file", jcstr(df->name), &bad);
        put(o, "escape", jcstr(esc), &bad);
        for (size_t i = 0; i < df->ndirectives; i++) {
                json_t *d = json_object();
                if (d) {
                        put(d, "name", jcstr(df->directives[i].name), &bad);
                        put(d, "value", jstr(df->directives[i].value.s, df->directives[i].value.len), &bad);
                        pos_obj(d, df->directives[i].value.pos, &bad);
                }
                append(dirs, d, &bad);
        }
        put(o, "directives", dirs, &bad);
        put(o, "start_line", json_integer(df->start_line), &bad);
        put(o, "end_line", json_integer(df->end_line), &bad);
        put(o, "bom", json_boolean(df->had_bom), &bad);
        put(o, "crlf", json_boolean(df->had_crlf), &bad);
        for (size_t i = 0; i < df->nwarnings; i++) {
                json_t *w = json_object();
                if (w) {
                        pos_obj(w, df->warnings[i].pos, &bad);
                        put(w, "message", jcstr(df->warnings[i].msg), &bad);
                }
                append(warns, w, &bad);
        }
        put(o, "warnings", warns, &bad);
        for (size_t i = 0; i < df->nnodes; i++)
                append(ins, node_json(&df->nodes[i], m ? &m->instrs[i] : NULL, &bad), &bad);
        put(o, "instructions", ins, &bad);
        if (m) {
                json_t *st = json_array(), *edges = json_array();
                put(o, "platform", jcstr(m->platform), &bad);
                put(o, "global_args", vars_json(m->global, m->nglobal, &bad), &bad);
                for (size_t i = 0; st && i < m->nstages; i++)
                        append(st, stage_json(m, &m->stages[i], &bad), &bad);
                put(o, "stages", st, &bad);
                for (size_t i = 0; edges && i < m->nedges; i++) {
                        json_t *e = json_object();
                        if (e) {
                                put(e, "from_stage", json_integer((json_int_t)m->edges[i].from_stage), &bad);
                                put(e, "to_stage", json_integer((json_int_t)m->edges[i].to_stage), &bad);
                                put(e, "line", json_integer(m->edges[i].instr->node->start_line), &bad);
                                put(e, "kind", jcstr(m->edges[i].instr->node->cmd_lower), &bad);
                        }
                        append(edges, e, &bad);
                }
                put(o, "edges", edges, &bad);
                put(o, "target", json_integer((json_int_t)m->target), &bad);
        }
        if (bad) {
                json_decref(o);
                return NULL;
        }
        return o;
}
