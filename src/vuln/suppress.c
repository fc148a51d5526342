/* suppress.c - ignore files and OpenVEX statements (suppress.h). */
#include "vuln/suppress.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/fileio.h"
#include "basic/json_read.h"
#include "basic/limits.h"
#include "vuln/db.h"
#include "vuln/osv.h"

void hull_vuln_suppress_init(struct hull_vuln_suppress *s, struct hull_arena *a) {
        *s = (struct hull_vuln_suppress){.a = a};
}

static char *fmt(struct hull_arena *a, const char *f, ...) _printf_(2, 3);
static char *fmt(struct hull_arena *a, const char *f, ...) {
        char buf[1024];
        va_list ap;

        va_start(ap, f);
        vsnprintf(buf, sizeof(buf), f, ap);
        va_end(ap);
        return hull_arena_strdup(a, buf);
}

/* ---- ignore files ---- */

struct iload {
        struct hull_vuln_suppress *s;
        yaml_document_t *doc;
        const char *name;
        int64_t now;
        struct hull_diag *d;
};

static int at(struct iload *l, const yaml_node_t *n, const char *msg, const char *arg) {
        return hull_diag_set(l->d, HULL_EPARSE, l->name, (unsigned)n->start_mark.line + 1,
                             (unsigned)n->start_mark.column + 1, "%s%s%s%s", msg, arg ? " '" : "",
                             arg ? arg : "", arg ? "'" : "");
}

static const char *scalar(const yaml_node_t *n) {
        return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* "2026-06-30" (that day at 00:00 UTC) or an RFC 3339 time. */
static bool parse_expiry(const char *s, int64_t *ret) {
        struct hull_osv_time t;
        char buf[40];

        if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
                snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
                s = buf;
        }
        if (hull_osv_time_parse(s, strlen(s), &t) != HULL_OK)
                return false;
        *ret = t.sec;
        return true;
}

static int ignore_entry(struct iload *l, yaml_node_t *n) {
        struct hull_vuln_ignore_entry e = {0};
        struct hull_vuln_suppress *s = l->s;

        if (n->type != YAML_MAPPING_NODE)
                return at(l, n, "an ignore entry must be a mapping (id, package, reason, expires)",
                          NULL);
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
             p++) {
                yaml_node_t *k = yaml_document_get_node(l->doc, p->key);
                yaml_node_t *v = yaml_document_get_node(l->doc, p->value);
                const char *ks = scalar(k), *vs = scalar(v), **slot;
                if (!ks)
                        return at(l, k ? k : n, "keys must be strings", NULL);
                if (strcmp(ks, "id") == 0)
                        slot = &e.id;
                else if (strcmp(ks, "package") == 0)
                        slot = &e.package;
                else if (strcmp(ks, "reason") == 0)
                        slot = &e.reason;
                else if (strcmp(ks, "expires") == 0)
                        slot = &e.until;
                else
                        return at(l, k, "unknown key (expected id, package, reason, expires):", ks);
                if (!vs || !*vs)
                        return at(l, v ? v : k, "expected a non-empty string for", ks);
                if (!(*slot = hull_arena_strdup(s->a, vs)))
                        return HULL_ENOMEM;
        }
        if (!e.id)
                return at(l, n, "an ignore entry needs an id", NULL);
        if (!e.reason)
                return at(l, n, "an ignore entry needs a reason (why it is safe to ignore)", NULL);
        if (e.until && !parse_expiry(e.until, &e.expires))
                return at(l, n, "expires is not a date (2026-06-30) or an RFC 3339 time:", e.until);
        e.where = fmt(s->a, "%s:%zu", l->name, n->start_mark.line + 1);
        if (!e.where)
                return HULL_ENOMEM;
        e.expired = e.until && l->now >= e.expires;
        if (e.expired) {
                const char **m = hull_arena_push(s->a, (void **)&s->expired, &s->n_expired,
                                                 &s->cap_expired, sizeof(*m));
                if (!m || !(*m = fmt(s->a,
                                     "%s: the ignore entry for %s expired on %s: it no longer "
                                     "suppresses anything",
                                     e.where, e.id, e.until)))
                        return HULL_ENOMEM;
        }
        struct hull_vuln_ignore_entry *x =
                hull_arena_push(s->a, (void **)&s->ign, &s->n_ign, &s->cap_ign, sizeof(*x));
        if (!x)
                return HULL_ENOMEM;
        *x = e;
        return HULL_OK;
}

int hull_vuln_suppress_load_ignore_data(struct hull_vuln_suppress *s, const char *data, size_t len,
                                        const char *name, int64_t now, struct hull_diag *d) {
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_node_t *root, *list = NULL;
        int r = HULL_OK;

        if (len > HULL_MAX_VULN_IGNORE_BYTES)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0, "ignore file larger than %u bytes",
                                     HULL_MAX_VULN_IGNORE_BYTES);
        if (!yaml_parser_initialize(&parser))
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
        if (!yaml_parser_load(&parser, &doc)) {
                r = hull_diag_set(d, HULL_EPARSE, name, (unsigned)parser.problem_mark.line + 1,
                                  (unsigned)parser.problem_mark.column + 1, "invalid YAML: %s",
                                  parser.problem ? parser.problem : "syntax error");
                yaml_parser_delete(&parser);
                return r;
        }
        struct iload l = {s, &doc, name, now, d};
        root = yaml_document_get_root_node(&doc);
        if (root && root->type == YAML_MAPPING_NODE) {
                for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
                     !r && p < root->data.mapping.pairs.top; p++) {
                        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
                        const char *ks = scalar(k);
                        if (!ks || strcmp(ks, "ignore") != 0)
                                r = at(&l, k ? k : root, "unknown key (expected ignore):", ks);
                        else
                                list = yaml_document_get_node(&doc, p->value);
                }
        } else if (root) {
                r = at(&l, root, "an ignore file is a mapping with an ignore list", NULL);
        }
        if (!r && list) {
                if (list->type == YAML_SCALAR_NODE && !*scalar(list)) {
                        /* "ignore:" with nothing after it: an empty list */
                } else if (list->type != YAML_SEQUENCE_NODE) {
                        r = at(&l, list, "ignore must be a list of entries", NULL);
                } else {
                        for (yaml_node_item_t *it = list->data.sequence.items.start;
                             !r && it < list->data.sequence.items.top; it++)
                                r = ignore_entry(&l, yaml_document_get_node(&doc, *it));
                }
        }
        if (r == HULL_ENOMEM)
                r = hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        return r;
}

int hull_vuln_suppress_load_ignore(struct hull_vuln_suppress *s, const char *path, int64_t now,
                                   struct hull_diag *d) {
        _cleanup_free_ char *data = NULL;
        size_t len;

        HULL_TRY(hull_read_file(path, HULL_MAX_VULN_IGNORE_BYTES, &data, &len, d));
        return hull_vuln_suppress_load_ignore_data(s, data, len, path, now, d);
}

/* ---- OpenVEX ---- */

static const char *const status_names[_HULL_VEX_STATUS_MAX] = {
        [HULL_VEX_NOT_AFFECTED] = "not_affected",
        [HULL_VEX_AFFECTED] = "affected",
        [HULL_VEX_FIXED] = "fixed",
        [HULL_VEX_UNDER_INVESTIGATION] = "under_investigation",
};

struct vload {
        struct hull_json_walk w;
        struct hull_vuln_suppress *s;
        struct hull_vex_statement *st;
        size_t cap_ids, cap_purls;
};

static int add_id(struct vload *v, const json_t *j) {
        const char **slot;

        if (!json_is_string(j))
                return hull_json_walk_fail(&v->w, HULL_EPARSE, "expected a string");
        slot = hull_arena_push(v->w.a, (void **)&v->st->ids, &v->st->n_ids, &v->cap_ids,
                               sizeof(*slot));
        if (!slot)
                return hull_json_walk_nomem(&v->w);
        return hull_json_walk_strdup(&v->w, j, slot);
}

/* A product or subcomponent: a string, or an object with @id and
 * identifiers.purl.  Only purls are kept. */
static int add_component(struct vload *v, const json_t *j) {
        const char *ids[2] = {NULL, NULL};
        const json_t *idf;

        if (json_is_string(j)) {
                ids[0] = json_string_value(j);
        } else if (json_is_object(j)) {
                const json_t *id = json_object_get(j, "@id");
                ids[0] = json_is_string(id) ? json_string_value(id) : NULL;
                idf = json_object_get(j, "identifiers");
                if (json_is_object(idf) && json_is_string(json_object_get(idf, "purl")))
                        ids[1] = json_string_value(json_object_get(idf, "purl"));
        } else {
                return hull_json_walk_fail(&v->w, HULL_EPARSE,
                                           "expected a string or an object (a product)");
        }
        for (int i = 0; i < 2; i++) {
                struct hull_purl p, *slot;
                const char *why;
                if (!ids[i] || strncasecmp(ids[i], "pkg:", 4) != 0)
                        continue;
                int r = hull_purl_parse(ids[i], v->w.a, &p, &why);
                if (r == HULL_ENOMEM)
                        return hull_json_walk_nomem(&v->w);
                if (r)
                        return hull_json_walk_fail(&v->w, HULL_EPARSE, "bad purl: %s", why);
                slot = hull_arena_push(v->w.a, (void **)&v->st->purls, &v->st->n_purls,
                                       &v->cap_purls, sizeof(*slot));
                if (!slot)
                        return hull_json_walk_nomem(&v->w);
                *slot = p;
        }
        return HULL_OK;
}

static int components(struct vload *v, const json_t *arr, const char *key) {
        size_t mark = hull_json_walk_key(&v->w, key), i;
        const json_t *e;

        if (!json_is_array(arr))
                return hull_json_walk_fail(&v->w, HULL_EPARSE, "expected an array");
        json_array_foreach(arr, i, e) {
                size_t m = hull_json_walk_index(&v->w, i);
                HULL_TRY(add_component(v, e));
                hull_json_walk_pop(&v->w, m);
        }
        hull_json_walk_pop(&v->w, mark);
        return HULL_OK;
}

static bool vex_time(const json_t *j, int64_t *ret) {
        struct hull_osv_time t;

        if (!json_is_string(j) ||
            hull_osv_time_parse(json_string_value(j), json_string_length(j), &t) != HULL_OK)
                return false;
        *ret = t.sec;
        return true;
}

static int statement(struct vload *v, const json_t *j, size_t index, int64_t doc_ts) {
        struct hull_vex_statement st = {0};
        const json_t *vu, *status, *products, *sub;
        size_t i;

        v->st = &st;
        v->cap_ids = v->cap_purls = 0;
        if (!json_is_object(j))
                return hull_json_walk_fail(&v->w, HULL_EPARSE, "expected an object (a statement)");
        vu = json_object_get(j, "vulnerability");
        size_t mark = hull_json_walk_key(&v->w, "vulnerability");
        if (json_is_string(vu)) {
                HULL_TRY(add_id(v, vu));
        } else if (json_is_object(vu)) {
                const json_t *name = json_object_get(vu, "name"),
                             *al = json_object_get(vu, "aliases"), *e;
                if (!json_is_string(name))
                        return hull_json_walk_fail(&v->w, HULL_EPARSE, "needs a name string");
                HULL_TRY(add_id(v, name));
                if (json_is_array(al))
                        json_array_foreach(al, i, e) HULL_TRY(add_id(v, e));
        } else {
                return hull_json_walk_fail(&v->w, HULL_EPARSE,
                                           "missing (a string or an object with a name)");
        }
        hull_json_walk_pop(&v->w, mark);
        status = json_object_get(j, "status");
        st.status = _HULL_VEX_STATUS_MAX;
        for (int s = 0; json_is_string(status) && s < _HULL_VEX_STATUS_MAX; s++)
                if (strcmp(json_string_value(status), status_names[s]) == 0)
                        st.status = (enum hull_vex_status)s;
        if (st.status == _HULL_VEX_STATUS_MAX) {
                mark = hull_json_walk_key(&v->w, "status");
                return hull_json_walk_fail(&v->w, HULL_EPARSE,
                                           "expected not_affected, affected, fixed or "
                                           "under_investigation");
        }
        /* subcomponents (of the statement, v0.0.x; of its products, v0.2.0)
         * are what the statement is about; else the products themselves */
        products = json_object_get(j, "products");
        sub = json_object_get(j, "subcomponents");
        if (sub && !json_is_null(sub))
                HULL_TRY(components(v, sub, "subcomponents"));
        if (json_is_array(products)) {
                const json_t *p;
                mark = hull_json_walk_key(&v->w, "products");
                json_array_foreach(products, i, p) {
                        const json_t *ps =
                                json_is_object(p) ? json_object_get(p, "subcomponents") : NULL;
                        size_t m = hull_json_walk_index(&v->w, i);
                        if (ps && !json_is_null(ps))
                                HULL_TRY(components(v, ps, "subcomponents"));
                        hull_json_walk_pop(&v->w, m);
                }
                hull_json_walk_pop(&v->w, mark);
                if (!st.n_purls)
                        HULL_TRY(components(v, products, "products"));
        } else if (products && !json_is_null(products)) {
                mark = hull_json_walk_key(&v->w, "products");
                return hull_json_walk_fail(&v->w, HULL_EPARSE, "expected an array");
        }
        const json_t *js = json_object_get(j, "justification");
        const json_t *im = json_object_get(j, "impact_statement");
        if (json_is_string(js))
                HULL_TRY(hull_json_walk_strdup(&v->w, js, &st.justification));
        if (json_is_string(im))
                HULL_TRY(hull_json_walk_strdup(&v->w, im, &st.impact));
        if (!vex_time(json_object_get(j, "timestamp"), &st.timestamp))
                st.timestamp = doc_ts;
        st.order = v->s->n_vex;
        st.where = fmt(v->w.a, "%s: statements[%zu]", v->w.name, index);
        if (!st.where)
                return hull_json_walk_nomem(&v->w);
        struct hull_vex_statement *x = hull_arena_push(v->w.a, (void **)&v->s->vex, &v->s->n_vex,
                                                       &v->s->cap_vex, sizeof(*x));
        if (!x)
                return hull_json_walk_nomem(&v->w);
        *x = st;
        return HULL_OK;
}

int hull_vuln_suppress_load_vex_data(struct hull_vuln_suppress *s, const char *data, size_t len,
                                     const char *name, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct vload v = {.s = s};
        const json_t *ctx, *sts, *e;
        int64_t doc_ts = 0;
        size_t i, mark;

        hull_json_walk_init(&v.w, s->a, name, d);
        if (len > HULL_MAX_VEX_BYTES)
                return hull_json_walk_fail(&v.w, HULL_ELIMIT, "larger than %u bytes",
                                           HULL_MAX_VEX_BYTES);
        HULL_TRY(hull_json_read(data, len, v.w.name, HULL_MAX_SBOM_JSON_DEPTH,
                                HULL_MAX_SBOM_JSON_VALUES, &root, d));
        ctx = json_is_object(root) ? json_object_get(root, "@context") : NULL;
        if (!json_is_string(ctx) ||
            strncmp(json_string_value(ctx), "https://openvex.dev/ns", 22) != 0)
                return hull_json_walk_fail(&v.w, HULL_EPARSE,
                                           "not an OpenVEX document (@context "
                                           "https://openvex.dev/ns/...)");
        (void)vex_time(json_object_get(root, "timestamp"), &doc_ts);
        sts = json_object_get(root, "statements");
        mark = hull_json_walk_key(&v.w, "statements");
        if (!json_is_array(sts))
                return hull_json_walk_fail(&v.w, HULL_EPARSE, "expected an array of statements");
        json_array_foreach(sts, i, e) {
                size_t m = hull_json_walk_index(&v.w, i);
                HULL_TRY(statement(&v, e, i, doc_ts));
                hull_json_walk_pop(&v.w, m);
        }
        hull_json_walk_pop(&v.w, mark);
        return HULL_OK;
}

int hull_vuln_suppress_load_vex(struct hull_vuln_suppress *s, const char *path,
                                struct hull_diag *d) {
        _cleanup_free_ char *data = NULL;
        size_t len;

        HULL_TRY(hull_read_file(path, HULL_MAX_VEX_BYTES, &data, &len, d));
        return hull_vuln_suppress_load_vex_data(s, data, len, path, d);
}

/* ---- checking ---- */

static bool names_vuln(const struct hull_vuln_match *m, const char *id) {
        if (strcmp(m->id, id) == 0)
                return true;
        for (size_t i = 0; i < m->n_aliases; i++)
                if (strcmp(m->aliases[i], id) == 0)
                        return true;
        return false;
}

static bool ci_type(const char *type) {
        static const char *const t[] = {"deb", "apk", "rpm", "npm", "pypi", "gem", "cargo"};
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (strcmp(type, t[i]) == 0)
                        return true;
        return false;
}

static bool same(const char *type, const char *a, const char *b) {
        char x[512], y[512];

        if (!a || !b)
                return !a && !b;
        if (strcmp(type, "pypi") == 0 && strlen(a) < sizeof(x) && strlen(b) < sizeof(y)) {
                hull_vuln_name_normalize("PyPI", a, strlen(a), x);
                hull_vuln_name_normalize("PyPI", b, strlen(b), y);
                return strcmp(x, y) == 0;
        }
        return ci_type(type) ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

static bool purl_applies(const struct hull_purl *st, const struct hull_purl *pk) {
        if (strcmp(st->type, pk->type) != 0 || !same(st->type, st->namespace_, pk->namespace_) ||
            !same(st->type, st->name, pk->name))
                return false;
        if (st->version && (!pk->version || strcmp(st->version, pk->version) != 0))
                return false;
        for (size_t i = 0; i < st->n_qualifiers; i++) {
                const char *v = hull_purl_qualifier(pk, st->qualifiers[i].key);
                if (!v || strcmp(v, st->qualifiers[i].value) != 0)
                        return false;
        }
        return true;
}

bool hull_vuln_suppress_check(const struct hull_vuln_suppress *s, const struct hull_vuln_match *m,
                              const struct hull_vuln_package *p,
                              struct hull_vuln_suppression *ret) {
        const struct hull_vex_statement *best = NULL;
        struct hull_arena scratch = HULL_ARENA_INIT;
        struct hull_purl pk;
        bool have_purl = false;

        *ret = (struct hull_vuln_suppression){0};
        for (size_t i = 0; i < s->n_ign; i++) {
                const struct hull_vuln_ignore_entry *e = &s->ign[i];
                if (e->expired || !names_vuln(m, e->id))
                        continue;
                if (e->package && strcmp(e->package, p->name) != 0 &&
                    !(p->source && strcmp(e->package, p->source) == 0))
                        continue;
                *ret = (struct hull_vuln_suppression){true, "ignore", e->where, e->reason,
                                                      e->until};
                return true;
        }
        for (size_t i = 0; i < s->n_vex; i++) {
                const struct hull_vex_statement *st = &s->vex[i];
                bool named = false, applies = false;
                for (size_t k = 0; k < st->n_ids && !named; k++)
                        named = names_vuln(m, st->ids[k]);
                if (!named)
                        continue;
                if (!have_purl) {
                        if (hull_vuln_package_purl(p, &scratch, &pk) != HULL_OK)
                                break;
                        have_purl = true;
                }
                for (size_t k = 0; k < st->n_purls && !applies; k++)
                        applies = purl_applies(&st->purls[k], &pk);
                if (applies && (!best || st->timestamp >= best->timestamp))
                        best = st;
        }
        hull_arena_release(&scratch);
        if (!best || (best->status != HULL_VEX_NOT_AFFECTED && best->status != HULL_VEX_FIXED))
                return false;
        const char *reason = status_names[best->status];
        if (best->justification || best->impact) {
                /* the arena of the statements holds the reason */
                reason = fmt(s->a, "%s: %s%s%s", status_names[best->status],
                             best->justification ? best->justification : "",
                             best->justification && best->impact ? "; " : "",
                             best->impact ? best->impact : "");
                if (!reason)
                        reason = status_names[best->status];
        }
        *ret = (struct hull_vuln_suppression){true, "vex", best->where, reason, NULL};
        return true;
}
