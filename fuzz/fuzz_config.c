/* fuzz_config.c - .hullscan.yaml reader on arbitrary bytes: never crash, and
 * every error names a line.  What the reader accepts must hold what it
 * promises: known rule ids only, and a secrets allow-list that compiles. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/err.h"
#include "config/config.h"
#include "secrets/allow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_secrets(const struct hull_secrets_settings *ss) {
        struct hull_secrets_allow *a = NULL;
        int r;

        for (size_t i = 0; i < ss->nrules; i++)
                if (hull_secret_rule_find(ss->rules[i].id) || !ss->rules[i].title ||
                    !ss->rules[i].regex || ss->rules[i].min_entropy < 0 ||
                    ss->rules[i].min_entropy > 8)
                        abort();
        for (size_t i = 0; i < ss->nallow; i++)
                if (!ss->allow[i].reason ||
                    (!ss->allow[i].value && !ss->allow[i].regex && !ss->allow[i].path))
                        abort();
        r = hull_secrets_allow_new(ss, ".hullscan.yaml", &a, NULL);
        if (r != HULL_OK && r != HULL_ENOMEM)
                abort(); /* the reader let through an entry that does not compile */
        if (a && ss->nallow)
                (void)hull_secrets_allow_match(a, ss->allow[0].rule, "testdata/a/b.txt",
                                               ss->allow[0].value ? ss->allow[0].value : "x",
                                               ss->allow[0].value ? strlen(ss->allow[0].value) : 1,
                                               NULL);
        hull_secrets_allow_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct hull_lint_settings s;
        struct hull_diag d;
        int r;

        hull_lint_settings_init(&s);
        hull_diag_init(&d);
        r = hull_config_load_data(&s, (const char *)data, size, ".hullscan.yaml", &d);
        if (r == HULL_EPARSE && d.line == 0)
                abort();
        for (size_t i = 0; r == HULL_OK && i < s.cfg.ndisabled; i++)
                if (!hull_rule_find(s.cfg.disabled[i]))
                        abort(); /* only known rules are accepted */
        if (r == HULL_OK)
                check_secrets(&s.secrets);
        hull_lint_settings_release(&s);
        return 0;
}
