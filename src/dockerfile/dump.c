/* dump.c - BuildKit's test dump (FORMAT.md section 5.3). */
#include "dockerfile/dump.h"

#include <string.h>

#include "basic/err.h"
#include "basic/utf8.h"

/* Go's strings.TrimSpace on the assembled text: only leading/trailing
 * whitespace; our pieces never start with space, so trim the end only. */
static int dump_into(struct hull_buf *b, const struct hull_df_node *node) {
        size_t start = b->len, i;
        int r;

        HULL_TRY(hull_buf_puts(b, node->cmd_lower));
        if (node->nflags) {
                HULL_TRY(hull_buf_puts(b, " ["));
                for (i = 0; i < node->nflags; i++) {
                        if (i)
                                HULL_TRY(hull_buf_putc(b, ' '));
                        HULL_TRY(hull_go_quote(b, node->flags[i].s, node->flags[i].len));
                }
                HULL_TRY(hull_buf_putc(b, ']'));
        }
        if (node->inner) {
                HULL_TRY(hull_buf_puts(b, " ("));
                HULL_TRY(dump_into(b, node->inner));
                HULL_TRY(hull_buf_putc(b, ')'));
        }
        for (i = 0; i < node->nvalues; i++) {
                HULL_TRY(hull_buf_putc(b, ' '));
                HULL_TRY(hull_go_quote(b, node->values[i].s, node->values[i].len));
        }
        /* TrimSpace: an empty command word leaves a leading blank */
        {
                size_t lead = hull_utf8_space_prefix(b->data + start, b->len - start);
                if (lead) {
                        memmove(b->data + start, b->data + start + lead, b->len - start - lead);
                        b->len -= lead;
                        b->data[b->len] = '\0';
                }
                size_t keep = hull_utf8_trim_right(b->data + start, b->len - start);
                b->len = start + keep;
                b->data[b->len] = '\0';
        }
        r = HULL_OK;
        return r;
}

int hull_df_dump_node(struct hull_buf *b, const struct hull_df_node *node) {
        HULL_TRY(hull_buf_putc(b, '('));
        HULL_TRY(dump_into(b, node));
        return hull_buf_puts(b, ")\n");
}

int hull_df_dump(struct hull_buf *b, const struct hull_dockerfile *df) {
        for (size_t i = 0; i < df->nnodes; i++)
                HULL_TRY(hull_df_dump_node(b, &df->nodes[i]));
        return HULL_OK;
}
