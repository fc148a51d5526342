/* fuzz_config.c - .hullscan.yaml reader on arbitrary bytes: never crash, and
 * every error names a line. */
#include <stdint.h>
#include <stdlib.h>

#include "basic/err.h"
#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        hull_lint_settings_release(&s);
        return 0;
}
