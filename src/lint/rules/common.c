/* common.c - helpers shared by lint rules. */
#include "lint/rules/common.h"

#include <string.h>

bool hull_lint_user_is_root(const char *user) {
        size_t n;
        if (!user)
                return true;
        n = strcspn(user, ":");
        if (n == 4 && strncmp(user, "root", 4) == 0)
                return true;
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (user[i] != '0')
                        return false;
        return true;
}

const struct hull_df_stage *hull_lint_root_stage(const struct hull_lint_ctx *c, const struct hull_df_stage *s) {
        for (size_t hops = 0; s && s->base_stage != HULL_DF_NO_STAGE && hops <= c->m->nstages; hops++)
                s = &c->m->stages[s->base_stage];
        return s;
}

bool hull_lint_base_is_nonroot(const struct hull_lint_ctx *c, const struct hull_df_stage *s) {
        const struct hull_df_stage *r = hull_lint_root_stage(c, s);
        if (!r || !r->base_ref_ok)
                return false;
        if (r->ref.tag && strstr(r->ref.tag, "nonroot"))
                return true;
        return r->ref.domain && strcmp(r->ref.domain, "cgr.dev") == 0;
}

struct hull_pos hull_lint_cmd_pos(const struct hull_df_instr *run, const struct hull_sh_cmd *cmd) {
        const struct hull_df_node *n = run->node->inner ? run->node->inner : run->node;
        struct hull_pos p = n->cmd.pos;

        if (!cmd || !run->sh || n->nvalues == 0)
                return p;
        /* shell text is the RUN value (columns map through its position) or a heredoc body */
        if (n->nheredocs && run->sh->src && n->heredocs[0].body &&
            run->sh->len == n->heredocs[0].body_len &&
            memcmp(run->sh->src, n->heredocs[0].body, run->sh->len) == 0) {
                unsigned line = n->heredocs[0].body_line;
                for (size_t i = 0; i < cmd->off && i < run->sh->len; i++)
                        line += run->sh->src[i] == '\n';
                return (struct hull_pos){line, 1};
        }
        /* a shell-form RUN's value is its argument text: map through the line's segments */
        if (cmd->off <= n->values[0].len)
                return hull_df_node_pos(n, n->args_off + cmd->off);
        return n->values[0].pos;
}
