/* instructions.c - BuildKit's instruction checks (frontend/dockerfile/instructions).
 *
 * Flags are declared per instruction in one table, as BuildKit's BFlags do:
 * a boolean accepts no value, true or false; a string needs "=value"; a
 * list may repeat.  Messages follow BuildKit's wording. */
#include "dockerfile/instructions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "basic/err.h"

enum ftype { F_BOOL, F_STRING, F_LIST };

struct fdecl {
        enum hull_df_kind kind;
        const char *name;
        enum ftype type;
};

/* Every flag BuildKit's stable and labs syntaxes accept. */
static const struct fdecl flag_decls[] = {
        {HULL_DF_ADD, "checksum", F_STRING},
        {HULL_DF_ADD, "chmod", F_STRING},
        {HULL_DF_ADD, "chown", F_STRING},
        {HULL_DF_ADD, "exclude", F_LIST},
        {HULL_DF_ADD, "keep-git-dir", F_BOOL},
        {HULL_DF_ADD, "link", F_BOOL},
        {HULL_DF_ADD, "unpack", F_BOOL},
        {HULL_DF_COPY, "chmod", F_STRING},
        {HULL_DF_COPY, "chown", F_STRING},
        {HULL_DF_COPY, "exclude", F_LIST},
        {HULL_DF_COPY, "from", F_STRING},
        {HULL_DF_COPY, "link", F_BOOL},
        {HULL_DF_COPY, "parents", F_BOOL},
        {HULL_DF_FROM, "platform", F_STRING},
        {HULL_DF_HEALTHCHECK, "interval", F_STRING},
        {HULL_DF_HEALTHCHECK, "retries", F_STRING},
        {HULL_DF_HEALTHCHECK, "start-interval", F_STRING},
        {HULL_DF_HEALTHCHECK, "start-period", F_STRING},
        {HULL_DF_HEALTHCHECK, "timeout", F_STRING},
        {HULL_DF_RUN, "device", F_LIST},
        {HULL_DF_RUN, "mount", F_LIST},
        {HULL_DF_RUN, "network", F_STRING},
        {HULL_DF_RUN, "security", F_STRING},
};

static const struct fdecl *find_decl(enum hull_df_kind k, const char *name, size_t nl) {
        for (size_t i = 0; i < ELEMENTSOF(flag_decls); i++)
                if (flag_decls[i].kind == k && strlen(flag_decls[i].name) == nl &&
                    memcmp(flag_decls[i].name, name, nl) == 0)
                        return &flag_decls[i];
        return NULL;
}

static int ierr(struct hull_dockerfile *df, struct hull_diag *d, struct hull_pos pos,
                const char *fmt, const char *a, const char *b) _printf_(4, 0);
static int ierr(struct hull_dockerfile *df, struct hull_diag *d, struct hull_pos pos,
                const char *fmt, const char *a, const char *b) {
        char msg[400];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(msg, sizeof(msg), fmt, a ? a : "", b ? b : "");
#pragma GCC diagnostic pop
        return hull_diag_set(d, HULL_EPARSE, df->name, pos.line, pos.col, "%s", msg);
}

static void upper(char *dst, size_t n, const char *s) {
        size_t i;
        for (i = 0; i + 1 < n && s[i]; i++)
                dst[i] = (char)toupper((unsigned char)s[i]);
        dst[i] = '\0';
}

const char *hull_df_instr_flag(const struct hull_df_instr *in, const char *name,
                               bool *ret_present) {
        const char *v = NULL;
        bool present = false;

        for (size_t i = 0; i < in->nflags; i++)
                if (strcmp(in->flags[i].name, name) == 0) {
                        present = true;
                        v = in->flags[i].value;
                }
        if (ret_present)
                *ret_present = present;
        return v;
}

static int parse_flags(struct hull_dockerfile *df, const struct hull_df_node *node,
                       struct hull_df_instr *in, struct hull_diag *d) {
        in->flags = hull_arena_alloc0(&df->arena, (node->nflags + 1) * sizeof(*in->flags));
        if (!in->flags)
                return HULL_ENOMEM;
        for (size_t i = 0; i < node->nflags; i++) {
                const struct hull_df_str *f = &node->flags[i];
                const char *arg = f->s, *eq;
                size_t nl;
                const struct fdecl *decl;
                char name[128];

                if (strncmp(arg, "--", 2) != 0)
                        return ierr(df, d, f->pos, "arg should start with -- : %s", arg, NULL);
                arg += 2;
                eq = strchr(arg, '=');
                nl = eq ? (size_t)(eq - arg) : strlen(arg);
                snprintf(name, sizeof(name), "%.*s", (int)(nl > 100 ? 100 : nl), arg);
                decl = find_decl(node->kind, arg, nl);
                if (!decl)
                        return ierr(df, d, f->pos, "unknown flag: %s", name, NULL);
                for (size_t k = 0; k < in->nflags; k++)
                        if (decl->type != F_LIST && strcmp(in->flags[k].name, decl->name) == 0)
                                return ierr(df, d, f->pos, "duplicate flag specified: %s", name,
                                            NULL);
                if (decl->type == F_BOOL) {
                        if (eq && eq[1] == '\0')
                                return ierr(df, d, f->pos, "missing a value on flag: %s", name,
                                            NULL);
                        if (eq && strcasecmp(eq + 1, "true") != 0 &&
                            strcasecmp(eq + 1, "false") != 0)
                                return ierr(df, d, f->pos,
                                            "expecting boolean value for flag %s, not: %s", name,
                                            eq + 1);
                } else if (!eq) {
                        return ierr(df, d, f->pos, "missing a value on flag: %s", name, NULL);
                }
                struct hull_df_flag *out = &in->flags[in->nflags++];
                out->name = decl->name;
                out->value = eq ? eq + 1 : NULL;
                out->pos = f->pos;
        }
        return HULL_OK;
}

/* Go's time.ParseDuration, enough to validate and compare with 1ms.
 * Returns -1 on a syntax error, else the duration in nanoseconds (capped). */
static long double parse_duration(const char *s) {
        long double total = 0;
        bool neg = false, any = false;

        if (*s == '-' || *s == '+')
                neg = *s++ == '-';
        if (strcmp(s, "0") == 0)
                return 0;
        if (!*s)
                return -1;
        while (*s) {
                long double v = 0, frac = 0, scale = 1;
                bool digits = false;
                while (isdigit((unsigned char)*s)) {
                        v = v * 10 + (*s++ - '0');
                        digits = true;
                }
                if (*s == '.') {
                        s++;
                        while (isdigit((unsigned char)*s)) {
                                frac = frac * 10 + (*s++ - '0');
                                scale *= 10;
                                digits = true;
                        }
                }
                if (!digits)
                        return -1;
                static const struct {
                        const char *u;
                        long double ns;
                } units[] = {{"ns", 1},   {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
                             {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
                size_t best = 0, bl = 0;
                for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                        size_t l = strlen(units[i].u);
                        if (strncmp(s, units[i].u, l) == 0 && l > bl) {
                                best = i;
                                bl = l;
                        }
                }
                if (bl == 0)
                        return -1;
                s += bl;
                total += (v + frac / scale) * units[best].ns;
                any = true;
        }
        if (!any)
                return -1;
        return neg ? -total : total;
}

static int check_healthcheck(struct hull_dockerfile *df, const struct hull_df_node *node,
                             struct hull_df_instr *in, struct hull_diag *d) {
        static const char *const durations[] = {"interval", "timeout", "start-period",
                                                "start-interval"};

        if (node->nvalues == 0)
                return ierr(df, d, node->cmd.pos, "HEALTHCHECK requires at least one argument",
                            NULL, NULL);
        const char *typ = node->values[0].s;
        char up[32];
        upper(up, sizeof(up), typ);
        if (strcmp(up, "NONE") == 0) {
                if (node->nvalues > 1 || in->nflags > 0)
                        return ierr(df, d, node->cmd.pos, "HEALTHCHECK NONE takes no arguments",
                                    NULL, NULL);
                return HULL_OK;
        }
        if (strcmp(up, "CMD") != 0)
                return ierr(df, d, node->values[0].pos,
                            "Unknown type \"%s\" in HEALTHCHECK (try CMD)", typ, NULL);
        if (node->nvalues < 2 || (node->nvalues == 2 && !node->json && node->values[1].len == 0))
                return ierr(df, d, node->cmd.pos, "Missing command after HEALTHCHECK CMD", NULL,
                            NULL);
        for (size_t i = 0; i < ELEMENTSOF(durations); i++) {
                const char *v = hull_df_instr_flag(in, durations[i], NULL);
                if (!v || !*v)
                        continue;
                long double ns = parse_duration(v);
                if (ns < 0 && !(ns == 0))
                        return ierr(df, d, node->cmd.pos, "time: invalid duration \"%s\" for --%s",
                                    v, durations[i]);
                if (ns != 0 && ns < 1e6)
                        return ierr(df, d, node->cmd.pos, "Interval \"%s\" cannot be less than 1ms",
                                    durations[i], NULL);
        }
        const char *retries = hull_df_instr_flag(in, "retries", NULL);
        if (retries && *retries) {
                char *end;
                long v = strtol(retries, &end, 10);
                if (*end || end == retries)
                        return ierr(df, d, node->cmd.pos,
                                    "strconv.ParseInt: parsing \"%s\": invalid syntax", retries,
                                    NULL);
                if (v < 0)
                        return ierr(df, d, node->cmd.pos, "--retries cannot be negative (%s)",
                                    retries, NULL);
        }
        return HULL_OK;
}

static bool valid_stage_name(const char *s) {
        if (!(*s >= 'a' && *s <= 'z'))
                return false;
        for (s++; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
                      *s == '_' || *s == '.'))
                        return false;
        return true;
}

static int fill_kvs(struct hull_dockerfile *df, const struct hull_df_node *node,
                    struct hull_df_instr *in) {
        size_t n;

        if (node->kind == HULL_DF_ARG) {
                in->kvs = hull_arena_alloc0(&df->arena, (node->nvalues + 1) * sizeof(*in->kvs));
                if (!in->kvs)
                        return HULL_ENOMEM;
                for (size_t i = 0; i < node->nvalues; i++) {
                        const struct hull_df_str *w = &node->values[i];
                        const char *eq = memchr(w->s, '=', w->len);
                        struct hull_df_kv *kv = &in->kvs[in->nkvs++];
                        kv->key = *w;
                        if (eq) {
                                kv->key.s =
                                        hull_arena_strndup(&df->arena, w->s, (size_t)(eq - w->s));
                                if (!kv->key.s)
                                        return HULL_ENOMEM;
                                kv->key.len = (size_t)(eq - w->s);
                                kv->value.s = eq + 1;
                                kv->value.len = w->len - kv->key.len - 1;
                                kv->value.pos = w->pos;
                                kv->value.pos.col += (unsigned)kv->key.len + 1;
                        }
                }
                return HULL_OK;
        }
        /* ENV/LABEL: triples (key, value, "=" or "") */
        n = node->nvalues / 3;
        in->kvs = hull_arena_alloc0(&df->arena, (n + 1) * sizeof(*in->kvs));
        if (!in->kvs)
                return HULL_ENOMEM;
        for (size_t i = 0; i < n; i++) {
                in->kvs[i].key = node->values[3 * i];
                in->kvs[i].value = node->values[3 * i + 1];
        }
        in->nkvs = n;
        return HULL_OK;
}

int hull_df_instr_parse(struct hull_dockerfile *df, const struct hull_df_node *outer,
                        struct hull_df_instr *in, struct hull_diag *d) {
        const struct hull_df_node *node = outer;
        char up[64];
        int r;

        memset(in, 0, sizeof(*in));
        in->node = outer;
        in->kind = outer->kind;
        in->stage = (size_t)-1;
        if (outer->kind == HULL_DF_ONBUILD) {
                if (!outer->inner)
                        return ierr(df, d, outer->cmd.pos, "ONBUILD requires at least one argument",
                                    NULL, NULL);
                if (outer->nflags)
                        return ierr(df, d, outer->flags[0].pos, "unknown flag: %s",
                                    outer->flags[0].s + 2, NULL);
                node = outer->inner;
                upper(up, sizeof(up), node->cmd.s);
                if (node->kind == HULL_DF_ONBUILD)
                        return ierr(df, d, node->cmd.pos,
                                    "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", NULL,
                                    NULL);
                if (node->kind == HULL_DF_FROM || node->kind == HULL_DF_MAINTAINER)
                        return ierr(df, d, node->cmd.pos, "%s isn't allowed as an ONBUILD trigger",
                                    up, NULL);
        }
        upper(up, sizeof(up), node->cmd.s);
        if (node->kind == HULL_DF_UNKNOWN)
                return ierr(df, d, node->cmd.pos, "unknown instruction: %s", up, NULL);
        if ((r = parse_flags(df, node, in, d)))
                return r;

        switch (node->kind) {
        case HULL_DF_FROM: {
                if (node->nvalues != 1 && node->nvalues != 3)
                        return ierr(df, d, node->cmd.pos,
                                    "FROM requires either one or three arguments", NULL, NULL);
                if (node->nvalues == 3) {
                        if (strcasecmp(node->values[1].s, "as") != 0)
                                return ierr(df, d, node->values[1].pos,
                                            "Syntax error - FROM expects 'AS' as the second "
                                            "argument, got %s",
                                            node->values[1].s, NULL);
                        char name[256];
                        snprintf(name, sizeof(name), "%s", node->values[2].s);
                        for (char *p = name; *p; p++)
                                *p = (char)tolower((unsigned char)*p);
                        if (!valid_stage_name(name))
                                return ierr(df, d, node->values[2].pos,
                                            "invalid name for build stage: \"%s\", name can't "
                                            "start with a number or contain symbols",
                                            node->values[2].s, NULL);
                }
                break;
        }
        case HULL_DF_COPY:
        case HULL_DF_ADD:
                if (node->nvalues < 2 && node->nheredocs == 0)
                        return ierr(df, d, node->cmd.pos,
                                    "%s requires at least two arguments, but only one was "
                                    "provided. Destination could not be determined",
                                    up, NULL);
                if (node->nvalues < 1)
                        return ierr(df, d, node->cmd.pos, "%s requires at least one argument", up,
                                    NULL);
                break;
        case HULL_DF_ARG:
        case HULL_DF_ENV:
        case HULL_DF_LABEL:
        case HULL_DF_EXPOSE:
        case HULL_DF_VOLUME:
        case HULL_DF_SHELL:
                if (node->nvalues == 0)
                        return ierr(df, d, node->cmd.pos, "%s requires at least one argument", up,
                                    NULL);
                if (node->kind == HULL_DF_SHELL && !node->json)
                        return ierr(df, d, node->cmd.pos,
                                    "SHELL requires the arguments to be in JSON form", NULL, NULL);
                if (node->kind == HULL_DF_ARG || node->kind == HULL_DF_ENV ||
                    node->kind == HULL_DF_LABEL)
                        if ((r = fill_kvs(df, node, in)))
                                return r;
                if (node->kind == HULL_DF_ARG)
                        for (size_t i = 0; i < in->nkvs; i++)
                                if (in->kvs[i].key.len == 0)
                                        return ierr(df, d, in->kvs[i].key.pos,
                                                    "ARG names can not be blank", NULL, NULL);
                break;
        case HULL_DF_USER:
        case HULL_DF_WORKDIR:
        case HULL_DF_STOPSIGNAL:
        case HULL_DF_MAINTAINER:
                if (node->nvalues != 1)
                        return ierr(df, d, node->cmd.pos, "%s requires exactly one argument", up,
                                    NULL);
                break;
        case HULL_DF_HEALTHCHECK:
                if ((r = check_healthcheck(df, node, in, d)))
                        return r;
                break;
        case HULL_DF_CMD:
        case HULL_DF_ENTRYPOINT:
        case HULL_DF_RUN:
        case HULL_DF_ONBUILD:
        case HULL_DF_UNKNOWN:
        case _HULL_DF_KIND_MAX: break;
        }
        return HULL_OK;
}
