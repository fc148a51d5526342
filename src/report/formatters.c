/* formatters.c - the formatter table, from formatters.list. */
#include <string.h>

#include "report/report.h"

#define FORMATTER(n) extern const struct hull_formatter hull_formatter_##n;
#include "report/formatters.list"
#undef FORMATTER

const struct hull_formatter *const hull_formatters[] = {
#define FORMATTER(n) &hull_formatter_##n,
#include "report/formatters.list"
#undef FORMATTER
        NULL,
};

const struct hull_formatter *hull_formatter_find(const char *name) {
        for (size_t i = 0; hull_formatters[i]; i++)
                if (strcmp(hull_formatters[i]->name, name) == 0)
                        return hull_formatters[i];
        return NULL;
}
