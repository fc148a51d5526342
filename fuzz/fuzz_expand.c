/* fuzz_expand.c - libFuzzer target for src/dockerfile/expand.c.
 *
 * Byte 0 picks the mode: bit 0 the escape token ('\\' or '`'), bits 1-4 the
 * HULL_EXPAND_* flags, bit 5 word (ProcessWord) or words (ProcessWords)
 * first.  The rest is the word.  Both entry points run on every input and
 * must agree: the same parse error (same message and column), or success
 * (words mode may also stop at a limit first).  Results must be
 * NUL-terminated and words non-empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "dockerfile/expand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct hull_expand_var vars[] = {
        {"A", "a", 1},
        {"B", "x y", 3},
        {"E", "", 0},
        {"P", "*a?", 3},
        {"K", "\xed\x95\x9c", 3}, /* U+D55C */
        {"BAD", "\xff\xfe\n", 3},
        {"N", "a\0b", 3},
        {"A", "last", 4},
};

static bool lookup(void *ud, const char *name, size_t len, const char **ret_val, size_t *ret_len) {
        (void)ud;
        if (len == 2 && memcmp(name, "CB", 2) == 0) {
                *ret_val = "cb";
                *ret_len = 2;
                return true;
        }
        return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        /* a per-input budget, as a Dockerfile gets: keeps hostile inputs cheap
         * and exercises the budget path */
        struct hull_expand_budget budget = {1ul << 20, 8u << 20};
        const struct hull_expand_env env = {vars, sizeof(vars) / sizeof(vars[0]), lookup, NULL,
                                            &budget};
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_expand_result res;
        struct hull_diag d1, d2;
        char **words;
        size_t *lens, n;
        const char *word;
        char esc;
        unsigned flags;
        int r1, r2;

        if (size < 1)
                return 0;
        esc = data[0] & 1 ? '`' : '\\';
        flags = (data[0] >> 1) & 15u;
        word = (const char *)data + 1;
        size--;

        hull_diag_init(&d1);
        hull_diag_init(&d2);
        if (data[0] & 32) {
                r2 = hull_expand_words(&a, word, size, esc, flags, &env, &words, &lens, &n, &d2);
                r1 = hull_expand_word(&a, word, size, esc, flags, &env, &res, &d1);
        } else {
                r1 = hull_expand_word(&a, word, size, esc, flags, &env, &res, &d1);
                r2 = hull_expand_words(&a, word, size, esc, flags, &env, &words, &lens, &n, &d2);
        }
        if (r1 == HULL_OK) {
                if (res.s[res.len] != '\0')
                        abort();
                for (size_t i = 0; i < res.nused; i++)
                        if (!res.used[i])
                                abort();
        } else if (d1.code != r1 || d1.msg[0] == '\0' || d1.col < 1 || d1.col > size + 1) {
                abort();
        }
        if (r2 == HULL_OK) {
                for (size_t i = 0; i < n; i++)
                        if (lens[i] == 0 || words[i][lens[i]] != '\0')
                                abort();
        }
        /* the two modes parse alike */
        if (r1 == HULL_EPARSE && r2 != HULL_ELIMIT &&
            (r2 != HULL_EPARSE || strcmp(d1.msg, d2.msg) != 0 || d1.col != d2.col))
                abort();
        if (r1 == HULL_OK && r2 != HULL_OK && r2 != HULL_ELIMIT)
                abort();
        if (r1 != HULL_OK && r1 != HULL_EPARSE && r1 != HULL_ELIMIT)
                abort();
        hull_arena_release(&a);
        return 0;
}
