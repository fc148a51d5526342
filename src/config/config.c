/* config.c - .hullscan.yaml, read with libyaml's document API.
 *
 * The file is small (HULL_MAX_SETTINGS_BYTES), so the whole YAML document is
 * loaded, then walked against the schema in config.h.  Aliases are refused
 * (no billion-laughs expansion to worry about). */
#include "config/config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "basic/err.h"
#include "basic/fileio.h"

void hull_lint_settings_init(struct hull_lint_settings *s) {
        memset(s, 0, sizeof(*s));
        hull_arena_init(&s->arena, 0);
}

void hull_lint_settings_release(struct hull_lint_settings *s) {
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
                r = at(&l, root, "the configuration must be a mapping (lint: ...)%s", NULL);
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
                        else
                                r = at(&l, k, "unknown key '%s' (expected lint)", ks);
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
