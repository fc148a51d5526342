/* config.c - .hullscan.yaml, read with libyaml's document API.
 *
 * The file is small (HULL_MAX_SETTINGS_BYTES), so the whole YAML document is
 * loaded, then walked against the schema in config.h.  Aliases are refused
 * (no billion-laughs expansion to worry about).
 *
 * The secrets: section is checked as far as the engine would check it, so
 * that a mistake is reported here with its line rather than later without
 * one: user regexes and paths are compiled with PCRE2 (then freed), a regex
 * without keywords must also be one vectorscan accepts, allow-list globs are
 * compiled with the .dockerignore matcher. */
#include "config/config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <hs/hs.h>
#include <limits.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "basic/err.h"
#include "basic/fileio.h"
#include "lint/dockerignore.h"

void hull_lint_settings_init(struct hull_lint_settings *s) {
        memset(s, 0, sizeof(*s));
        hull_arena_init(&s->arena, 0);
}

void hull_lint_settings_release(struct hull_lint_settings *s) {
        /* every string and array, the secrets section's included, is in the
         * arena; the regexes compiled to check the file were freed at once */
        hull_arena_release(&s->arena);
        memset(s, 0, sizeof(*s));
}

static void sync_cfg(struct hull_lint_settings *s) {
        s->cfg.disabled = s->disabled;
        s->cfg.ndisabled = s->ndisabled;
        s->cfg.overrides = s->overrides;
        s->cfg.noverrides = s->noverrides;
        s->cfg.trusted_registries = s->trusted;
        s->cfg.ntrusted = s->ntrusted;
        s->cfg.secret_allowlist = s->allow;
        s->cfg.nallow = s->nallow;
}

static int push_str(struct hull_lint_settings *s, const char ***v, size_t *n, size_t *cap,
                    const char *str) {
        const char **slot = hull_arena_push(&s->arena, (void **)v, n, cap, sizeof(**v));
        if (!slot || !(*slot = hull_arena_strdup(&s->arena, str)))
                return HULL_ENOMEM;
        sync_cfg(s);
        return HULL_OK;
}

int hull_lint_settings_disable(struct hull_lint_settings *s, const char *id) {
        return push_str(s, &s->disabled, &s->ndisabled, &s->capdisabled, id) ? -1 : 0;
}

enum hull_severity hull_lint_settings_severity(const struct hull_lint_settings *s,
                                               const struct hull_rule *r) {
        enum hull_severity sev = r->severity;
        for (size_t i = 0; i < s->noverrides; i++)
                if (strcasecmp(s->overrides[i].id, r->id) == 0)
                        sev = s->overrides[i].severity;
        return sev;
}

/* ---- loading -------------------------------------------------------------- */

struct loader {
        struct hull_lint_settings *s;
        yaml_document_t *doc;
        const char *name;
        struct hull_diag *d;
};

static int at(struct loader *l, const yaml_node_t *n, const char *fmt, const char *arg) {
        char msg[300];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(msg, sizeof(msg), fmt, arg ? arg : "");
#pragma GCC diagnostic pop
        return hull_diag_set(l->d, HULL_EPARSE, l->name, (unsigned)n->start_mark.line + 1,
                             (unsigned)n->start_mark.column + 1, "%s", msg);
}

static const char *scalar(const yaml_node_t *n) {
        return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A list of scalars, or a single scalar. */
static int str_list(struct loader *l, yaml_node_t *n, const char *key,
                    int (*each)(struct loader *, yaml_node_t *, const char *)) {
        if (n->type == YAML_SCALAR_NODE)
                return each(l, n, scalar(n));
        if (n->type != YAML_SEQUENCE_NODE)
                return at(l, n, "'%s' must be a list", key);
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
                yaml_node_t *e = yaml_document_get_node(l->doc, *it);
                if (!e || e->type != YAML_SCALAR_NODE)
                        return at(l, e ? e : n, "'%s' entries must be strings", key);
                HULL_TRY(each(l, e, scalar(e)));
        }
        return HULL_OK;
}

static int add_disable(struct loader *l, yaml_node_t *n, const char *v) {
        if (!hull_rule_find(v))
                return at(l, n, "unknown rule '%s'", v);
        return push_str(l->s, &l->s->disabled, &l->s->ndisabled, &l->s->capdisabled, v);
}

static int add_trusted(struct loader *l, yaml_node_t *n, const char *v) {
        if (!*v)
                return at(l, n, "empty registry name%s", NULL);
        return push_str(l->s, &l->s->trusted, &l->s->ntrusted, &l->s->captrusted, v);
}

static int add_allow(struct loader *l, yaml_node_t *n, const char *v) {
        if (!*v)
                return at(l, n, "empty allow-secrets value%s", NULL);
        return push_str(l->s, &l->s->allow, &l->s->nallow, &l->s->capallow, v);
}

static int severity_map(struct loader *l, yaml_node_t *n) {
        if (n->type != YAML_MAPPING_NODE)
                return at(l, n, "'severity' must map rule ids to severities%s", NULL);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                const char *ks = scalar(k), *vs = scalar(v);
                if (!ks)
                        return at(l, k ? k : n, "rule ids must be strings%s", NULL);
                const struct hull_rule *r = hull_rule_find(ks);
                if (!r)
                        return at(l, k, "unknown rule '%s'", ks);
                enum hull_severity sev = hull_severity_from_string(vs);
                if (sev == _HULL_SEV_INVALID)
                        return at(l, v ? v : k,
                                  "unknown severity '%s' (expected info, low, medium, high or "
                                  "critical)",
                                  vs ? vs : "");
                struct hull_severity_override *o =
                        hull_arena_push(&l->s->arena, (void **)&l->s->overrides, &l->s->noverrides,
                                        &l->s->capoverrides, sizeof(*o));
                if (!o)
                        return HULL_ENOMEM;
                o->id = r->id;
                o->severity = sev;
                sync_cfg(l->s);
        }
        return HULL_OK;
}

static int lint_section(struct loader *l, yaml_node_t *n) {
        if (n->type != YAML_MAPPING_NODE)
                return at(l, n, "'lint' must be a mapping%s", NULL);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                const char *ks = scalar(k);
                if (!ks || !v)
                        return at(l, k ? k : n, "keys must be strings%s", NULL);
                if (strcmp(ks, "disable") == 0)
                        HULL_TRY(str_list(l, v, ks, add_disable));
                else if (strcmp(ks, "severity") == 0)
                        HULL_TRY(severity_map(l, v));
                else if (strcmp(ks, "trusted-registries") == 0)
                        HULL_TRY(str_list(l, v, ks, add_trusted));
                else if (strcmp(ks, "allow-secrets") == 0)
                        HULL_TRY(str_list(l, v, ks, add_allow));
                else
                        return at(l, k,
                                  "unknown key 'lint.%s' (expected disable, severity, "
                                  "trusted-registries, allow-secrets)",
                                  ks);
        }
        return HULL_OK;
}

/* ---- secrets: ------------------------------------------------------------------- */

#define SECRET_FIX "remove it from the file and rotate it"
#define SECRET_ID_MAX 64 /* bytes of a user rule id */

static int atf(struct loader *l, const yaml_node_t *n, const char *fmt, ...) _printf_(3, 4);

static int atf(struct loader *l, const yaml_node_t *n, const char *fmt, ...) {
        char msg[400];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_diag_set(l->d, HULL_EPARSE, l->name, (unsigned)n->start_mark.line + 1,
                             (unsigned)n->start_mark.column + 1, "%s", msg);
}

/* YAML's null: a plain "", "~" or "null". */
static bool is_null(const yaml_node_t *n) {
        const char *v = scalar(n);
        return v && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
               (!*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
                strcmp(v, "NULL") == 0);
}

/* The string value of key: a non-empty scalar without NUL bytes (they
 * would cut it short), copied into the arena. */
static int str_value(struct loader *l, yaml_node_t *v, const char *key, const char **ret) {
        const char *vs = scalar(v);

        if (!vs)
                return atf(l, v, "'%s' must be a string", key);
        if (!*vs || is_null(v))
                return atf(l, v, "'%s' must not be empty", key);
        if (strlen(vs) != v->data.scalar.length)
                return atf(l, v, "'%s' holds a NUL byte", key);
        if (!(*ret = hull_arena_strdup(&l->s->arena, vs)))
                return HULL_ENOMEM;
        return HULL_OK;
}

static int severity_value(struct loader *l, yaml_node_t *v, enum hull_severity *ret) {
        const char *vs = scalar(v);
        enum hull_severity sev = hull_severity_from_string(vs);

        if (sev == _HULL_SEV_INVALID)
                return atf(l, v,
                           "unknown severity '%.40s' (expected info, low, medium, high or "
                           "critical)",
                           vs ? vs : "");
        *ret = sev;
        return HULL_OK;
}

/* Digits only; values past 100000 saturate (larger than any valid one). */
static bool whole_number(const char *s, unsigned *ret) {
        unsigned v = 0;

        if (!*s)
                return false;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                if (v < 100000)
                        v = v * 10 + (unsigned)(*s - '0');
        }
        *ret = v;
        return true;
}

/* A decimal number ("3", "3.5", ".5", "-1"), parsed without strtod so the
 * locale's decimal point does not matter; large values saturate. */
static bool decimal(const char *s, double *ret) {
        double v = 0, scale = 1;
        bool digits = false, point = false, neg = *s == '-';

        if (*s == '-' || *s == '+')
                s++;
        for (; *s; s++) {
                if (*s >= '0' && *s <= '9') {
                        digits = true;
                        if (point)
                                v += (*s - '0') * (scale /= 10);
                        else if (v < 1e9)
                                v = v * 10 + (*s - '0');
                } else if (*s == '.' && !point) {
                        point = true;
                } else {
                        return false;
                }
        }
        *ret = neg ? -v : v;
        return digits;
}

static bool id_well_formed(const char *id) {
        size_t n = strlen(id);

        if (n == 0 || n > SECRET_ID_MAX || id[0] == '-' || id[n - 1] == '-')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
                      id[i] == '-'))
                        return false;
        return true;
}

/* The stored id of the built-in or user secret rule named id, or NULL. */
static const char *secret_rule_id(const struct hull_secrets_settings *ss, const char *id) {
        const struct hull_secret_rule *r = hull_secret_rule_find(id);

        if (r)
                return r->id;
        for (size_t i = 0; i < ss->nrules; i++)
                if (strcmp(ss->rules[i].id, id) == 0)
                        return ss->rules[i].id;
        return NULL;
}

/* Compile re as the engine does (bytes, never UTF) to check it, then free
 * it; *ret_groups (may be NULL) gets its number of capture groups. */
static int check_pcre2(struct loader *l, yaml_node_t *n, const char *what, const char *re,
                       uint32_t *ret_groups) {
        int code;
        PCRE2_SIZE off;
        pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                      PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &code, &off, NULL);

        if (!c) {
                PCRE2_UCHAR msg[160];
                if (code == PCRE2_ERROR_HEAP_FAILED)
                        return HULL_ENOMEM;
                pcre2_get_error_message(code, msg, sizeof(msg));
                return atf(l, n, "%s does not compile (PCRE2, at offset %zu): %s", what,
                           (size_t)off, (const char *)msg);
        }
        if (ret_groups)
                (void)pcre2_pattern_info(c, PCRE2_INFO_CAPTURECOUNT, ret_groups);
        pcre2_code_free(c);
        return HULL_OK;
}

/* A regex without keywords is run by vectorscan itself (rule.h): check it
 * there too, and let *span cover its longest match when that is bounded. */
static int check_vectorscan(struct loader *l, yaml_node_t *n, const char *re, unsigned *span) {
        hs_expr_info_t *info = NULL;
        hs_compile_error_t *err = NULL;
        hs_database_t *db = NULL;
        int r = HULL_OK;

        if (hs_expression_info(re, HS_FLAG_MULTILINE, &info, &err) != HS_SUCCESS) {
                r = atf(l, n,
                        "regex is not supported by vectorscan: %.200s (with keywords, PCRE2 "
                        "alone runs it)",
                        err ? err->message : "unknown error");
                if (err)
                        hs_free_compile_error(err);
                return r;
        }
        if (info->min_width == 0)
                r = atf(l, n, "regex matches the empty string");
        else if (info->max_width != UINT_MAX && info->max_width > HULL_SECRET_DEFAULT_SPAN)
                *span = info->max_width < HULL_SECRET_MAX_SPAN ? info->max_width
                                                               : HULL_SECRET_MAX_SPAN;
        free(info); /* vectorscan's default allocator */
        if (r != HULL_OK)
                return r;
        /* the analysis passes some patterns the compiler then refuses
         * ("Resource limit exceeded"): compile it as the engine will */
        if (hs_compile(re, HS_FLAG_MULTILINE, HS_MODE_STREAM, NULL, &db, &err) != HS_SUCCESS) {
                r = atf(l, n, "regex is not supported by vectorscan: %.200s",
                        err ? err->message : "unknown error");
                if (err)
                        hs_free_compile_error(err);
                return r;
        }
        hs_free_database(db);
        return HULL_OK;
}

/* A path glob of the allow-list: one .dockerignore pattern, evaluated once
 * because Go regexp errors only show at the first match (dockerignore.h). */
static int check_glob(struct loader *l, yaml_node_t *n, const char *glob) {
        _cleanup_(hull_dockerignore_freep) struct hull_dockerignore *ig = NULL;
        struct hull_diag gd;
        bool m;
        int r;

        hull_diag_init(&gd);
        r = hull_dockerignore_from_patterns(&glob, 1, &ig, &gd);
        if (r == HULL_OK && hull_dockerignore_count(ig) != 1)
                return atf(l, n, "path glob '%.200s' is blank", glob);
        if (r == HULL_OK && hull_dockerignore_get(ig, 0)->exclusion)
                return atf(l, n, "path glob '%.200s' cannot be an exception ('!')", glob);
        if (r == HULL_OK)
                r = hull_dockerignore_matches(ig, "x", &m, &gd);
        if (r == HULL_OK || r == HULL_ENOMEM)
                return r;
        return atf(l, n, "path glob does not compile: %s", gd.msg);
}

static int add_secret_disable(struct loader *l, yaml_node_t *n, const char *v) {
        struct hull_secrets_settings *ss = &l->s->secrets;
        const char *id = secret_rule_id(ss, v);
        const char **slot;

        if (!id)
                return atf(l, n, "unknown secret rule '%.200s'", v);
        slot = hull_arena_push(&l->s->arena, (void **)&ss->disabled, &ss->ndisabled,
                               &ss->capdisabled, sizeof(*slot));
        if (!slot)
                return HULL_ENOMEM;
        *slot = id;
        return HULL_OK;
}

static int secret_severity_map(struct loader *l, yaml_node_t *n) {
        struct hull_secrets_settings *ss = &l->s->secrets;

        if (n->type != YAML_MAPPING_NODE)
                return atf(l, n, "'secrets.severity' must map rule ids to severities");
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                const char *ks = scalar(k), *id;
                struct hull_secret_severity *o;
                enum hull_severity sev = HULL_SEV_HIGH;

                if (!ks || !v)
                        return atf(l, k ? k : n, "rule ids must be strings");
                if (!(id = secret_rule_id(ss, ks)))
                        return atf(l, k, "unknown secret rule '%.200s'", ks);
                for (size_t i = 0; i < ss->nseverity; i++)
                        if (ss->severity[i].id == id)
                                return atf(l, k, "duplicate severity for '%.200s'", ks);
                HULL_TRY(severity_value(l, v, &sev));
                o = hull_arena_push(&l->s->arena, (void **)&ss->severity, &ss->nseverity,
                                    &ss->capseverity, sizeof(*o));
                if (!o)
                        return HULL_ENOMEM;
                o->id = id;
                o->severity = sev;
        }
        return HULL_OK;
}

/* The keys of a mapping entry, each at most once: vals[i] gets the value
 * node of keys[i] (NULL when absent). */
static int entry_keys(struct loader *l, yaml_node_t *n, const char *const *keys, size_t nkeys,
                      const char *section, const char *expected, yaml_node_t **vals) {
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                const char *ks = scalar(k);
                size_t i = 0;

                if (!ks || !v)
                        return atf(l, k ? k : n, "keys must be strings");
                while (i < nkeys && strcmp(keys[i], ks) != 0)
                        i++;
                if (i == nkeys)
                        return atf(l, k, "unknown key '%s.%.100s' (expected %s)", section, ks,
                                   expected);
                if (vals[i])
                        return atf(l, k, "duplicate key '%s.%s'", section, ks);
                vals[i] = v;
        }
        return HULL_OK;
}

static int add_keyword(struct loader *l, yaml_node_t *e, const char ***kw, size_t *n, size_t *cap) {
        const char **slot;

        if (e->type != YAML_SCALAR_NODE)
                return atf(l, e, "'secrets.rules.keywords' entries must be strings");
        slot = hull_arena_push(&l->s->arena, (void **)kw, n, cap, sizeof(*slot));
        if (!slot)
                return HULL_ENOMEM;
        return str_value(l, e, "secrets.rules.keywords", slot);
}

/* A list of keywords (or one), as a NULL-terminated array. */
static int keywords_value(struct loader *l, yaml_node_t *v, const char *const **ret) {
        const char **kw = NULL, **end;
        size_t n = 0, cap = 0;

        if (v->type == YAML_SCALAR_NODE) {
                HULL_TRY(add_keyword(l, v, &kw, &n, &cap));
        } else if (v->type == YAML_SEQUENCE_NODE) {
                for (yaml_node_item_t *it = v->data.sequence.items.start;
                     it < v->data.sequence.items.top; it++) {
                        yaml_node_t *e = yaml_document_get_node(l->doc, *it);
                        if (!e)
                                return atf(l, v,
                                           "'secrets.rules.keywords' entries must be "
                                           "strings");
                        HULL_TRY(add_keyword(l, e, &kw, &n, &cap));
                }
        } else {
                return atf(l, v, "'secrets.rules.keywords' must be a list");
        }
        if (n == 0)
                return atf(l, v, "'secrets.rules.keywords' is empty");
        end = hull_arena_push(&l->s->arena, (void **)&kw, &n, &cap, sizeof(*end));
        if (!end)
                return HULL_ENOMEM;
        *end = NULL;
        *ret = kw;
        return HULL_OK;
}

enum { R_ID, R_TITLE, R_REGEX, R_KEYWORDS, R_GROUP, R_SEVERITY, R_ENTROPY, R_PATH, _R_MAX };
static const char *const rule_keys[_R_MAX] = {
        [R_ID] = "id",
        [R_TITLE] = "title",
        [R_REGEX] = "regex",
        [R_KEYWORDS] = "keywords",
        [R_GROUP] = "secret-group",
        [R_SEVERITY] = "severity",
        [R_ENTROPY] = "entropy",
        [R_PATH] = "path",
};

static int user_rule(struct loader *l, yaml_node_t *n) {
        struct hull_secrets_settings *ss = &l->s->secrets;
        struct hull_secret_rule r = {.severity = HULL_SEV_HIGH, .fix = SECRET_FIX};
        struct hull_secret_rule *slot;
        yaml_node_t *v[_R_MAX] = {0};
        uint32_t groups = 0;

        if (n->type != YAML_MAPPING_NODE)
                return atf(l, n, "a secret rule must be a mapping (id, title, regex, ...)");
        HULL_TRY(entry_keys(l, n, rule_keys, _R_MAX, "secrets.rules",
                            "id, title, regex, keywords, secret-group, severity, entropy, path",
                            v));
        /* the id first: the other messages name the rule */
        if (!v[R_ID])
                return atf(l, n, "a secret rule needs an id");
        HULL_TRY(str_value(l, v[R_ID], "secrets.rules.id", &r.id));
        if (!id_well_formed(r.id))
                return atf(l, v[R_ID],
                           "secret rule id '%.100s' must be lowercase letters, digits and '-' "
                           "(at most %d)",
                           r.id, SECRET_ID_MAX);
        if (hull_secret_rule_find(r.id))
                return atf(l, v[R_ID], "secret rule id '%s' is a built-in rule's", r.id);
        for (size_t i = 0; i < ss->nrules; i++)
                if (strcmp(ss->rules[i].id, r.id) == 0)
                        return atf(l, v[R_ID], "duplicate secret rule id '%s'", r.id);
        if (!v[R_TITLE])
                return atf(l, n, "secret rule '%s' needs a title", r.id);
        HULL_TRY(str_value(l, v[R_TITLE], "secrets.rules.title", &r.title));
        if (!v[R_REGEX])
                return atf(l, n, "secret rule '%s' needs a regex", r.id);
        HULL_TRY(str_value(l, v[R_REGEX], "secrets.rules.regex", &r.regex));
        HULL_TRY(check_pcre2(l, v[R_REGEX], "regex", r.regex, &groups));
        if (v[R_KEYWORDS])
                HULL_TRY(keywords_value(l, v[R_KEYWORDS], &r.keywords));
        else
                HULL_TRY(check_vectorscan(l, v[R_REGEX], r.regex, &r.span));
        if (v[R_GROUP]) {
                const char *gs = scalar(v[R_GROUP]);
                if (!gs || !whole_number(gs, &r.secret_group))
                        return atf(l, v[R_GROUP],
                                   "'secrets.rules.secret-group' must be a whole "
                                   "number");
                if (r.secret_group > groups)
                        return atf(l, v[R_GROUP],
                                   "secret-group %u, but the regex has %u capture group%s",
                                   r.secret_group, (unsigned)groups, groups == 1 ? "" : "s");
        }
        if (v[R_SEVERITY])
                HULL_TRY(severity_value(l, v[R_SEVERITY], &r.severity));
        if (v[R_ENTROPY]) {
                const char *es = scalar(v[R_ENTROPY]);
                if (!es || !decimal(es, &r.min_entropy) || r.min_entropy < 0 || r.min_entropy > 8)
                        return atf(l, v[R_ENTROPY],
                                   "'secrets.rules.entropy' must be a number from 0 to 8 (bits "
                                   "per byte)");
        }
        if (v[R_PATH]) {
                HULL_TRY(str_value(l, v[R_PATH], "secrets.rules.path", &r.path));
                HULL_TRY(check_pcre2(l, v[R_PATH], "path", r.path, NULL));
        }
        slot = hull_arena_push(&l->s->arena, (void **)&ss->rules, &ss->nrules, &ss->caprules,
                               sizeof(*slot));
        if (!slot)
                return HULL_ENOMEM;
        *slot = r;
        return HULL_OK;
}

enum { A_VALUE, A_REGEX, A_PATH, A_RULE, A_REASON, _A_MAX };
static const char *const allow_keys[_A_MAX] = {
        [A_VALUE] = "value", [A_REGEX] = "regex",   [A_PATH] = "path",
        [A_RULE] = "rule",   [A_REASON] = "reason",
};

static int allow_entry(struct loader *l, yaml_node_t *n) {
        struct hull_secrets_settings *ss = &l->s->secrets;
        struct hull_secret_allow a = {.line = (unsigned)n->start_mark.line + 1};
        struct hull_secret_allow *slot;
        yaml_node_t *v[_A_MAX] = {0};

        if (n->type != YAML_MAPPING_NODE)
                return atf(l, n,
                           "an allow entry must be a mapping (value, regex, path, rule, reason)");
        HULL_TRY(entry_keys(l, n, allow_keys, _A_MAX, "secrets.allow",
                            "value, regex, path, rule, reason", v));
        if (v[A_VALUE])
                HULL_TRY(str_value(l, v[A_VALUE], "secrets.allow.value", &a.value));
        if (v[A_REGEX]) {
                HULL_TRY(str_value(l, v[A_REGEX], "secrets.allow.regex", &a.regex));
                HULL_TRY(check_pcre2(l, v[A_REGEX], "regex", a.regex, NULL));
        }
        if (v[A_PATH]) {
                HULL_TRY(str_value(l, v[A_PATH], "secrets.allow.path", &a.path));
                HULL_TRY(check_glob(l, v[A_PATH], a.path));
        }
        if (v[A_RULE]) {
                const char *rs;
                HULL_TRY(str_value(l, v[A_RULE], "secrets.allow.rule", &rs));
                if (!(a.rule = secret_rule_id(ss, rs)))
                        return atf(l, v[A_RULE], "unknown secret rule '%.200s'", rs);
        }
        if (v[A_REASON])
                HULL_TRY(str_value(l, v[A_REASON], "secrets.allow.reason", &a.reason));
        if (!a.value && !a.regex && !a.path)
                return atf(l, n, "an allow entry needs a value, a regex or a path");
        if (!a.reason)
                return atf(l, n, "an allow entry needs a reason");
        slot = hull_arena_push(&l->s->arena, (void **)&ss->allow, &ss->nallow, &ss->capallow,
                               sizeof(*slot));
        if (!slot)
                return HULL_ENOMEM;
        *slot = a;
        return HULL_OK;
}

static int each_entry(struct loader *l, yaml_node_t *n, const char *key,
                      int (*fn)(struct loader *, yaml_node_t *)) {
        if (n->type != YAML_SEQUENCE_NODE)
                return atf(l, n, "'%s' must be a list", key);
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
                yaml_node_t *e = yaml_document_get_node(l->doc, *it);
                if (!e)
                        return atf(l, n, "'%s' has an empty entry", key);
                HULL_TRY(fn(l, e));
        }
        return HULL_OK;
}

static int secrets_section(struct loader *l, yaml_node_t *n) {
        if (n->type != YAML_MAPPING_NODE)
                return atf(l, n, "'secrets' must be a mapping");
        /* two passes: the user rules first, so that disable, severity and
         * allow may name them wherever they are written */
        for (int pass = 0; pass < 2; pass++)
                for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
                     p < n->data.mapping.pairs.top; p++) {
                        yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                        yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                        const char *ks = scalar(k);

                        if (!ks || !v)
                                return atf(l, k ? k : n, "keys must be strings");
                        if (strcmp(ks, "rules") == 0) {
                                if (pass == 0)
                                        HULL_TRY(each_entry(l, v, "secrets.rules", user_rule));
                        } else if (strcmp(ks, "disable") == 0) {
                                if (pass == 1)
                                        HULL_TRY(str_list(l, v, "secrets.disable",
                                                          add_secret_disable));
                        } else if (strcmp(ks, "severity") == 0) {
                                if (pass == 1)
                                        HULL_TRY(secret_severity_map(l, v));
                        } else if (strcmp(ks, "allow") == 0) {
                                if (pass == 1)
                                        HULL_TRY(each_entry(l, v, "secrets.allow", allow_entry));
                        } else {
                                return atf(l, k,
                                           "unknown key 'secrets.%.100s' (expected disable, "
                                           "severity, rules, allow)",
                                           ks);
                        }
                }
        return HULL_OK;
}

int hull_config_load_data(struct hull_lint_settings *s, const char *data, size_t len,
                          const char *name, struct hull_diag *d) {
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_node_t *root;
        int r = HULL_OK;

        if (len > HULL_MAX_SETTINGS_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0,
                                     "configuration larger than %u bytes", HULL_MAX_SETTINGS_BYTES);
        if (!yaml_parser_initialize(&parser))
                return HULL_ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
        if (!yaml_parser_load(&parser, &doc)) {
                r = hull_diag_set(d, HULL_EPARSE, name, (unsigned)parser.problem_mark.line + 1,
                                  (unsigned)parser.problem_mark.column + 1, "invalid YAML: %s",
                                  parser.problem ? parser.problem : "syntax error");
                yaml_parser_delete(&parser);
                return r;
        }
        root = yaml_document_get_root_node(&doc);
        struct loader l = {s, &doc, name, d};
        s->path = hull_arena_strdup(&s->arena, name);
        if (!root) {
                /* an empty file is a valid, empty configuration */
        } else if (root->type != YAML_MAPPING_NODE) {
                r = at(&l, root, "the configuration must be a mapping (lint: ..., secrets: ...)%s",
                       NULL);
        } else {
                for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
                     !r && p < root->data.mapping.pairs.top; p++) {
                        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
                        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
                        const char *ks = scalar(k);
                        if (!ks || !v)
                                r = at(&l, k ? k : root, "keys must be strings%s", NULL);
                        else if (strcmp(ks, "lint") == 0)
                                r = lint_section(&l, v);
                        else if (strcmp(ks, "secrets") == 0)
                                r = secrets_section(&l, v);
                        else
                                r = at(&l, k, "unknown key '%s' (expected lint, secrets)", ks);
                }
        }
        /* libyaml resolves aliases into shared nodes; we never expand them */
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        sync_cfg(s);
        return r;
}

int hull_config_load_file(struct hull_lint_settings *s, const char *path, struct hull_diag *d) {
        _cleanup_free_ char *data = NULL;
        size_t len;

        HULL_TRY(hull_read_file(path, HULL_MAX_SETTINGS_BYTES, &data, &len, d));
        return hull_config_load_data(s, data, len, path, d);
}

char *hull_config_find(const char *start_path) {
        char dir[PATH_MAX];
        struct stat st;

        if (!realpath(start_path, dir))
                return NULL;
        if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
                char *slash = strrchr(dir, '/');
                if (slash)
                        *(slash == dir ? slash + 1 : slash) = '\0';
        }
        for (;;) {
                char cand[PATH_MAX + sizeof(HULL_CONFIG_NAME) + 1];
                snprintf(cand, sizeof(cand), "%s/%s", strcmp(dir, "/") ? dir : "",
                         HULL_CONFIG_NAME);
                if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
                        /* name it relative to the current directory when under it */
                        char cwd[PATH_MAX];
                        size_t cl;
                        if (getcwd(cwd, sizeof(cwd)) && (cl = strlen(cwd)) > 1 &&
                            strncmp(cand, cwd, cl) == 0 && cand[cl] == '/')
                                return strdup(cand + cl + 1);
                        return strdup(cand);
                }
                char *slash = strrchr(dir, '/');
                if (!slash || strcmp(dir, "/") == 0)
                        return NULL;
                if (slash == dir)
                        dir[1] = '\0'; /* the root itself is next */
                else
                        *slash = '\0';
        }
}
