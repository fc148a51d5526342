/* fuzz_shell.c - the RUN-line shell model and its rule helpers on arbitrary
 * bytes.  Besides crashes and leaks it aborts on a broken invariant: an
 * unexpected error code, offsets outside the input, a text that is not
 * NUL-terminated, a pipe link that points forward, an argument iterator
 * that does not end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "dockerfile/shell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_word(const struct hull_sh_word *w, size_t len) {
        if (!w->text || w->text[w->len] != '\0' || w->off > len || w->len > w->raw_len)
                abort();
}

static void exercise(const struct hull_sh_cmd *c, size_t i, size_t len) {
        struct hull_sh_call call;
        struct hull_sh_args it;
        struct hull_sh_arg a;
        const struct hull_sh_word *ops[8];
        size_t k, n, limit = c->argc + 1, steps = 0, vlen = 0;

        if (c->off > c->end || c->end > len || c->depth > HULL_MAX_SHELL_DEPTH)
                abort();
        if (c->pipe_from != HULL_SH_NONE && (c->pipe_from >= i || !c->piped_from_prev))
                abort();
        if (!hull_sh_op_name(c->op_after))
                abort();
        if (c->argc + c->nassigns + c->nredirs == 0)
                abort();
        for (k = 0; k < c->argc; k++) {
                check_word(&c->argv[k], len);
                limit += c->argv[k].len;
        }
        for (k = 0; k < c->nassigns; k++)
                check_word(&c->assigns[k], len);
        for (k = 0; k < c->nredirs; k++) {
                const struct hull_sh_redir *r = &c->redirs[k];
                if (!r->op || r->off > len)
                        abort();
                check_word(&r->target, len);
                if (r->body && r->body_off + r->body_len > len)
                        abort();
        }

        hull_sh_cmd_resolve(c, &call);
        if (!call.name || (c->argc && call.argi >= c->argc) || (!c->argc && call.argi != 0))
                abort();
        (void)hull_sh_cmd_is(c, "apt-get");
        (void)hull_sh_has_option(c, 'y', "yes");
        (void)hull_sh_has_option(c, 0, "no-install-recommends");
        (void)hull_sh_option_value(c, 'o', "option", &vlen);
        (void)hull_sh_option_value(c, 0, "omit", NULL);
        n = hull_sh_cmd_args_nonopt(c, ops, ELEMENTSOF(ops));
        if (n > c->argc)
                abort();
        for (k = 0; k < n && k < ELEMENTSOF(ops); k++)
                if (ops[k] < c->argv || ops[k] >= c->argv + c->argc)
                        abort();
        (void)hull_sh_cmd_subcommand(c);
        hull_sh_args_init(&it, c);
        while (hull_sh_args_next(&it, &a)) {
                if (++steps > limit || !a.word)
                        abort();
                if (a.kind == HULL_SH_ARG_LONG && !a.name)
                        abort();
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_arena a;
        struct hull_sh_script sc;
        struct hull_diag d;
        int r;

        hull_arena_init(&a, 0);
        hull_diag_init(&d);
        r = hull_sh_parse(&a, (const char *)data, size, &sc, &d);
        if (r == HULL_OK) {
                if (sc.len != size || (size && memcmp(sc.src, data, size) != 0))
                        abort();
                if ((sc.incomplete || sc.malformed) != (sc.problem != NULL) ||
                    (sc.problem && sc.problem_off > size))
                        abort();
                if (sc.ncmds > HULL_MAX_SHELL_COMMANDS)
                        abort();
                for (size_t i = 0; i < sc.ncmds; i++)
                        exercise(&sc.cmds[i], i, size);
        } else if (r != HULL_ELIMIT || d.code != HULL_ELIMIT) {
                abort();
        }
        hull_arena_release(&a);
        return 0;
}
