/* ast_json.c - the documented JSON form of a parsed Dockerfile and its stage
 * model (docs/formats/parse-json.md), streamed with basic/json.h. */
#include "dockerfile/ast_json.h"

#include <string.h>

#include "dockerfile/shell.h"

static void pos(struct hull_json *j, struct hull_pos p) {
        hull_json_kint(j, "line", p.line);
        hull_json_kint(j, "col", p.col);
}

static void strlist(struct hull_json *j, const char *key, const struct hull_df_str *v, size_t n) {
        hull_json_key(j, key);
        hull_json_arr(j);
        for (size_t i = 0; i < n; i++) {
                hull_json_obj(j);
                hull_json_kstr(j, "value", v[i].s, v[i].len);
                pos(j, v[i].pos);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
}

static void shell(struct hull_json *j, const struct hull_sh_script *sh) {
        hull_json_obj(j);
        hull_json_key(j, "commands");
        hull_json_arr(j);
        for (size_t i = 0; i < sh->ncmds; i++) {
                const struct hull_sh_cmd *c = &sh->cmds[i];
                hull_json_obj(j);
                hull_json_kcstr(j, "name", hull_sh_cmd_name(c));
                hull_json_key(j, "argv");
                hull_json_arr(j);
                for (size_t k = 0; k < c->argc; k++)
                        hull_json_str(j, c->argv[k].text, c->argv[k].len);
                hull_json_arr_end(j);
                hull_json_key(j, "assignments");
                hull_json_arr(j);
                for (size_t k = 0; k < c->nassigns; k++)
                        hull_json_str(j, c->assigns[k].text, c->assigns[k].len);
                hull_json_arr_end(j);
                hull_json_kcstr(j, "op_after", hull_sh_op_name(c->op_after));
                hull_json_kbool(j, "piped_from_prev", c->piped_from_prev);
                hull_json_kbool(j, "in_substitution", c->in_subst);
                hull_json_kint(j, "depth", c->depth);
                hull_json_kint(j, "offset", (int64_t)c->off);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
        hull_json_kbool(j, "incomplete", sh->incomplete);
        hull_json_kbool(j, "malformed", sh->malformed);
        hull_json_obj_end(j);
}

static void node(struct hull_json *j, const struct hull_df_node *n,
                 const struct hull_df_instr *in) {
        hull_json_obj(j);
        hull_json_kstr(j, "instruction", n->cmd.s, n->cmd.len);
        hull_json_kcstr(j, "kind", n->cmd_lower);
        pos(j, n->cmd.pos);
        hull_json_kint(j, "start_line", n->start_line);
        hull_json_kint(j, "end_line", n->end_line);
        strlist(j, "flags", n->flags, n->nflags);
        hull_json_kbool(j, "json_form", n->json);
        strlist(j, "args", n->values, n->nvalues);
        hull_json_kstr(j, "original", n->original.s, n->original.len);
        if (n->nheredocs) {
                hull_json_key(j, "heredocs");
                hull_json_arr(j);
                for (size_t i = 0; i < n->nheredocs; i++) {
                        const struct hull_df_heredoc *h = &n->heredocs[i];
                        hull_json_obj(j);
                        hull_json_kstr(j, "name", h->name.s, h->name.len);
                        pos(j, h->name.pos);
                        hull_json_key(j, "fd");
                        if (h->fd >= 0)
                                hull_json_int(j, h->fd);
                        else
                                hull_json_null(j);
                        hull_json_kbool(j, "chomp", h->chomp);
                        hull_json_kbool(j, "expand", h->expand);
                        hull_json_kint(j, "body_line", h->body_line);
                        hull_json_kstr(j, "body", h->body, h->body_len);
                        hull_json_obj_end(j);
                }
                hull_json_arr_end(j);
        }
        if (n->inner) {
                hull_json_key(j, "onbuild");
                node(j, n->inner, NULL);
        }
        if (in) {
                hull_json_key(j, "stage");
                if (in->stage != (size_t)-1)
                        hull_json_int(j, (int64_t)in->stage);
                else
                        hull_json_null(j);
                if (in->nflags) {
                        hull_json_key(j, "flags_parsed");
                        hull_json_arr(j);
                        for (size_t i = 0; i < in->nflags; i++) {
                                hull_json_obj(j);
                                hull_json_kcstr(j, "name", in->flags[i].name);
                                hull_json_kcstr(j, "value", in->flags[i].value);
                                hull_json_obj_end(j);
                        }
                        hull_json_arr_end(j);
                }
                if (in->nkvs) {
                        hull_json_key(j, "pairs");
                        hull_json_arr(j);
                        for (size_t i = 0; i < in->nkvs; i++) {
                                const struct hull_df_kv *kv = &in->kvs[i];
                                hull_json_obj(j);
                                hull_json_kstr(j, "key", kv->key.s, kv->key.len);
                                hull_json_kstr(j, "value", kv->value.s, kv->value.len);
                                pos(j, kv->key.pos);
                                if (kv->key_x)
                                        hull_json_kcstr(j, "key_expanded", kv->key_x);
                                if (kv->value_x)
                                        hull_json_kstr(j, "value_expanded", kv->value_x,
                                                       kv->value_x_len);
                                hull_json_obj_end(j);
                        }
                        hull_json_arr_end(j);
                }
                if (in->x) {
                        hull_json_key(j, "expanded");
                        hull_json_arr(j);
                        for (size_t i = 0; i < in->nx; i++)
                                hull_json_str(j, in->x[i], in->xlen[i]);
                        hull_json_arr_end(j);
                }
                if (in->sh) {
                        hull_json_key(j, "shell");
                        shell(j, in->sh);
                }
        }
        hull_json_obj_end(j);
}

static void vars(struct hull_json *j, const char *key, const struct hull_df_var *v, size_t n) {
        hull_json_key(j, key);
        hull_json_arr(j);
        for (size_t i = 0; i < n; i++) {
                hull_json_obj(j);
                hull_json_kcstr(j, "name", v[i].name);
                hull_json_kstr(j, "value", v[i].value, v[i].value_len);
                hull_json_key(j, "line");
                if (v[i].instr)
                        hull_json_int(j, v[i].instr->node->start_line);
                else
                        hull_json_null(j);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
}

static void stage(struct hull_json *j, const struct hull_df_model *m,
                  const struct hull_df_stage *s) {
        hull_json_obj(j);
        hull_json_kint(j, "index", (int64_t)s->index);
        hull_json_kcstr(j, "name", s->name);
        hull_json_kint(j, "line", s->from->node->start_line);
        hull_json_key(j, "base");
        hull_json_obj(j);
        hull_json_kcstr(j, "raw", s->base_raw);
        hull_json_kcstr(j, "expanded", s->base);
        hull_json_key(j, "stage");
        if (s->base_stage != HULL_DF_NO_STAGE)
                hull_json_int(j, (int64_t)s->base_stage);
        else
                hull_json_null(j);
        hull_json_kbool(j, "scratch", s->base_scratch);
        if (s->base_ref_ok) {
                const struct hull_image_ref *r = &s->ref;
                hull_json_key(j, "reference");
                hull_json_obj(j);
                hull_json_kcstr(j, "domain", r->domain);
                hull_json_kcstr(j, "path", r->path);
                hull_json_kcstr(j, "tag", r->tag);
                hull_json_kcstr(j, "digest", r->digest);
                hull_json_kbool(j, "tag_implied", r->tag_implied);
                hull_json_kbool(j, "official", r->official);
                hull_json_kcstr(j, "normalized", r->normalized);
                hull_json_kcstr(j, "familiar", r->familiar);
                hull_json_obj_end(j);
        } else if (s->base_ref_error) {
                hull_json_kcstr(j, "reference_error", s->base_ref_error);
        }
        hull_json_obj_end(j);
        hull_json_kcstr(j, "platform", s->platform);
        hull_json_key(j, "instructions");
        hull_json_arr(j);
        for (size_t i = 0; i < s->ninstrs; i++)
                hull_json_int(j, (int64_t)(s->instrs[i] - m->instrs));
        hull_json_arr_end(j);
        vars(j, "env", s->env, s->nenv);
        vars(j, "args", s->args, s->nargs);
        hull_json_kcstr(j, "user", s->user);
        hull_json_kcstr(j, "workdir", s->workdir);
        hull_json_key(j, "healthcheck_line");
        if (s->healthcheck)
                hull_json_int(j, s->healthcheck->node->start_line);
        else
                hull_json_null(j);
        hull_json_kbool(j, "final", s->index == m->target);
        hull_json_obj_end(j);
}

void hull_df_write_json(struct hull_json *j, const struct hull_dockerfile *df,
                        const struct hull_df_model *m) {
        char esc[2] = {df->escape, 0};

        hull_json_obj(j);
        hull_json_kcstr(j, "file", df->name);
        hull_json_kcstr(j, "escape", esc);
        hull_json_key(j, "directives");
        hull_json_arr(j);
        for (size_t i = 0; i < df->ndirectives; i++) {
                hull_json_obj(j);
                hull_json_kcstr(j, "name", df->directives[i].name);
                hull_json_kstr(j, "value", df->directives[i].value.s, df->directives[i].value.len);
                pos(j, df->directives[i].value.pos);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
        hull_json_kint(j, "start_line", df->start_line);
        hull_json_kint(j, "end_line", df->end_line);
        hull_json_kbool(j, "bom", df->had_bom);
        hull_json_kbool(j, "crlf", df->had_crlf);
        hull_json_key(j, "warnings");
        hull_json_arr(j);
        for (size_t i = 0; i < df->nwarnings; i++) {
                hull_json_obj(j);
                pos(j, df->warnings[i].pos);
                hull_json_kcstr(j, "message", df->warnings[i].msg);
                hull_json_obj_end(j);
        }
        hull_json_arr_end(j);
        hull_json_key(j, "instructions");
        hull_json_arr(j);
        for (size_t i = 0; i < df->nnodes; i++)
                node(j, &df->nodes[i], m ? &m->instrs[i] : NULL);
        hull_json_arr_end(j);
        if (m) {
                hull_json_kcstr(j, "platform", m->platform);
                vars(j, "global_args", m->global, m->nglobal);
                hull_json_key(j, "stages");
                hull_json_arr(j);
                for (size_t i = 0; i < m->nstages; i++)
                        stage(j, m, &m->stages[i]);
                hull_json_arr_end(j);
                hull_json_key(j, "edges");
                hull_json_arr(j);
                for (size_t i = 0; i < m->nedges; i++) {
                        hull_json_obj(j);
                        hull_json_kint(j, "from_stage", (int64_t)m->edges[i].from_stage);
                        hull_json_kint(j, "to_stage", (int64_t)m->edges[i].to_stage);
                        hull_json_kint(j, "line", m->edges[i].instr->node->start_line);
                        hull_json_kcstr(j, "kind", m->edges[i].instr->node->cmd_lower);
                        hull_json_obj_end(j);
                }
                hull_json_arr_end(j);
                hull_json_kint(j, "target", (int64_t)m->target);
        }
        hull_json_obj_end(j);
}
