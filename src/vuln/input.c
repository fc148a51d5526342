/* input.c - package lists, CycloneDX and SPDX JSON into packages (input.h). */
#include "vuln/input.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "basic/err.h"
#include "basic/json_read.h"
#include "basic/limits.h"
#include "vuln/db.h"
#include "vuln/purl.h"

static const char *const format_names[_HULL_VULN_INPUT_MAX] = {
        [HULL_VULN_INPUT_PACKAGES] = "package list",
        [HULL_VULN_INPUT_CYCLONEDX] = "CycloneDX",
        [HULL_VULN_INPUT_SPDX] = "SPDX",
};

const char *hull_vuln_input_format_to_string(enum hull_vuln_input_format f) {
        return f >= 0 && f < _HULL_VULN_INPUT_MAX ? format_names[f] : NULL;
}

struct ictx {
        struct hull_json_walk w;
        struct hull_vuln_input *in;
};

static const char *type_name(const json_t *j) {
        switch (json_typeof(j)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a number";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        default: return "null";
        }
}

static struct hull_vuln_package *push(struct ictx *c) {
        struct hull_vuln_input *in = c->in;

        if (in->n >= HULL_MAX_SBOM_PACKAGES) {
                hull_json_walk_fail(&c->w, HULL_ELIMIT, "more than %u packages",
                                    HULL_MAX_SBOM_PACKAGES);
                return NULL;
        }
        struct hull_vuln_package *p =
                hull_arena_push(c->w.a, (void **)&in->packages, &in->n, &in->cap, sizeof(*p));
        if (!p)
                hull_json_walk_nomem(&c->w);
        return p;
}

/* An optional string member: absent or null leaves *ret NULL. */
static int opt_str(struct ictx *c, const json_t *obj, const char *key, const char **ret) {
        const json_t *v = json_object_get(obj, key);
        size_t mark;
        int r;

        *ret = NULL;
        if (!v || json_is_null(v))
                return HULL_OK;
        mark = hull_json_walk_key(&c->w, key);
        if (!json_is_string(v))
                r = hull_json_walk_fail(&c->w, HULL_EPARSE, "expected a string, got %s",
                                        type_name(v));
        else
                r = hull_json_walk_strdup(&c->w, v, ret);
        hull_json_walk_pop(&c->w, mark);
        return r;
}

static int req_str(struct ictx *c, const json_t *obj, const char *key, const char **ret) {
        HULL_TRY(opt_str(c, obj, key, ret));
        if (!*ret || !**ret) {
                size_t mark = hull_json_walk_key(&c->w, key);
                int r = hull_json_walk_fail(&c->w, HULL_EPARSE,
                                            *ret ? "must not be empty" : "missing (required)");
                hull_json_walk_pop(&c->w, mark);
                return r;
        }
        return HULL_OK;
}

/* Remember a bad purl for the notes, with where it was. */
static void note(struct ictx *c, const char *purl, const char *why) {
        struct hull_vuln_input *in = c->in;
        char q[128];

        if (in->n_notes >= HULL_VULN_INPUT_MAX_NOTES)
                return;
        size_t n = strlen(purl);
        snprintf(q, sizeof(q), "%.*s%s", n > 100 ? 100 : (int)n, purl, n > 100 ? "..." : "");
        size_t len = strlen(c->w.path) + strlen(q) + strlen(why) + 16;
        char *s = hull_arena_alloc(c->w.a, len);
        if (!s)
                return;
        snprintf(s, len, "%s: '%s': %s", c->w.path, q, why);
        in->notes[in->n_notes++] = s;
}

/* A package from an SBOM entry's purl; *ret NULL when skipped (counted). */
static int from_purl(struct ictx *c, const char *purl, struct hull_vuln_package **ret) {
        struct hull_vuln_package pk;
        const char *why = NULL;
        int r;

        *ret = NULL;
        r = hull_vuln_package_from_purl(purl, c->w.a, &pk, &why);
        if (r == HULL_ENOMEM)
                return hull_json_walk_nomem(&c->w);
        if (r == HULL_EUNSUPPORTED) {
                c->in->unsupported++;
                return HULL_OK;
        }
        if (r != HULL_OK) {
                c->in->bad_purl++;
                note(c, purl, why ? why : "cannot be read");
                return HULL_OK;
        }
        struct hull_vuln_package *p = push(c);
        if (!p)
                return c->w.d ? c->w.d->code : HULL_ENOMEM;
        *p = pk;
        *ret = p;
        return HULL_OK;
}

/* ---- package list ---- */

static int package_list(struct ictx *c, const json_t *root) {
        size_t i;
        const json_t *e;

        c->in->format = HULL_VULN_INPUT_PACKAGES;
        json_array_foreach(root, i, e) {
                size_t mark = hull_json_walk_index(&c->w, i);
                struct hull_vuln_package pk = {0};
                const char *eco, *rel;
                size_t bl;
                if (!json_is_object(e))
                        return hull_json_walk_fail(&c->w, HULL_EPARSE, "expected an object, got %s",
                                                   type_name(e));
                HULL_TRY(req_str(c, e, "ecosystem", &eco));
                HULL_TRY(req_str(c, e, "name", &pk.name));
                HULL_TRY(req_str(c, e, "version", &pk.version));
                HULL_TRY(opt_str(c, e, "purl", &pk.purl));
                HULL_TRY(opt_str(c, e, "source", &pk.source));
                HULL_TRY(opt_str(c, e, "source_version", &pk.source_version));
                HULL_TRY(opt_str(c, e, "location", &pk.location));
                hull_vuln_ecosystem_split(eco, &bl, &rel);
                pk.ecosystem = hull_arena_strndup(c->w.a, eco, bl);
                if (!pk.ecosystem)
                        return hull_json_walk_nomem(&c->w);
                pk.release = rel && *rel ? rel : NULL;
                struct hull_vuln_package *p = push(c);
                if (!p)
                        return c->w.d ? c->w.d->code : HULL_ENOMEM;
                *p = pk;
                hull_json_walk_pop(&c->w, mark);
        }
        return HULL_OK;
}

/* ---- CycloneDX ---- */

/* The value of property name in a CycloneDX properties[] array; NULL. */
static const char *property(const json_t *comp, const char *name) {
        const json_t *props = json_object_get(comp, "properties"), *p;
        size_t i;

        if (!json_is_array(props))
                return NULL;
        json_array_foreach(props, i, p) {
                const json_t *n = json_object_get(p, "name"), *v = json_object_get(p, "value");
                if (json_is_string(n) && json_is_string(v) &&
                    strcmp(json_string_value(n), name) == 0)
                        return json_string_value(v);
        }
        return NULL;
}

/* Trivy's source version: [EPOCH:]VERSION[-RELEASE]. */
static const char *trivy_source_version(struct ictx *c, const json_t *comp) {
        const char *v = property(comp, "aquasecurity:trivy:SrcVersion");
        const char *rel = property(comp, "aquasecurity:trivy:SrcRelease");
        const char *ep = property(comp, "aquasecurity:trivy:SrcEpoch");
        char buf[600];

        if (!v || !*v)
                return NULL;
        snprintf(buf, sizeof(buf), "%s%s%s%s%s", ep && *ep && strcmp(ep, "0") ? ep : "",
                 ep && *ep && strcmp(ep, "0") ? ":" : "", v, rel && *rel ? "-" : "",
                 rel && *rel ? rel : "");
        return hull_arena_strdup(c->w.a, buf);
}

static int cdx_components(struct ictx *c, const json_t *arr) {
        size_t i;
        const json_t *comp;

        if (!json_is_array(arr))
                return hull_json_walk_fail(&c->w, HULL_EPARSE, "expected an array, got %s",
                                           type_name(arr));
        json_array_foreach(arr, i, comp) {
                size_t mark = hull_json_walk_index(&c->w, i);
                struct hull_vuln_package *p;
                const char *purl, *s;
                if (!json_is_object(comp))
                        return hull_json_walk_fail(&c->w, HULL_EPARSE, "expected an object, got %s",
                                                   type_name(comp));
                HULL_TRY(opt_str(c, comp, "purl", &purl));
                if (!purl || !*purl) {
                        c->in->no_purl++;
                } else {
                        size_t pm = hull_json_walk_key(&c->w, "purl");
                        HULL_TRY(from_purl(c, purl, &p));
                        hull_json_walk_pop(&c->w, pm);
                        if (p) {
                                if ((s = property(comp, "aquasecurity:trivy:SrcName")) && *s) {
                                        p->source = hull_arena_strdup(c->w.a, s);
                                        p->source_version = trivy_source_version(c, comp);
                                }
                                if ((s = property(comp, "aquasecurity:trivy:FilePath")) ||
                                    (s = property(comp, "syft:location:0:path")))
                                        p->location = hull_arena_strdup(c->w.a, s);
                        }
                }
                const json_t *sub = json_object_get(comp, "components");
                if (sub && !json_is_null(sub)) {
                        size_t sm = hull_json_walk_key(&c->w, "components");
                        HULL_TRY(cdx_components(c, sub));
                        hull_json_walk_pop(&c->w, sm);
                }
                hull_json_walk_pop(&c->w, mark);
        }
        return HULL_OK;
}

static int cyclonedx(struct ictx *c, const json_t *root) {
        const json_t *comps = json_object_get(root, "components");
        size_t mark;
        int r;

        c->in->format = HULL_VULN_INPUT_CYCLONEDX;
        if (!comps || json_is_null(comps))
                return HULL_OK; /* an empty BOM */
        mark = hull_json_walk_key(&c->w, "components");
        r = cdx_components(c, comps);
        hull_json_walk_pop(&c->w, mark);
        return r;
}

/* ---- SPDX ---- */

/* "built package from: openssl 3.0.11-1~deb12u2" -> source and its version. */
static void spdx_source(struct ictx *c, struct hull_vuln_package *p, const char *info) {
        static const char prefix[] = "built package from: ";
        const char *s, *sp;

        if (!info || strncmp(info, prefix, sizeof(prefix) - 1) != 0)
                return;
        s = info + sizeof(prefix) - 1;
        sp = strchr(s, ' ');
        if (sp == s || !*s)
                return;
        p->source =
                sp ? hull_arena_strndup(c->w.a, s, (size_t)(sp - s)) : hull_arena_strdup(c->w.a, s);
        if (sp && sp[1] && !strchr(sp + 1, ' '))
                p->source_version = hull_arena_strdup(c->w.a, sp + 1);
}

static int spdx(struct ictx *c, const json_t *root) {
        const json_t *pkgs = json_object_get(root, "packages"), *pk;
        size_t i, mark;

        c->in->format = HULL_VULN_INPUT_SPDX;
        if (!pkgs || json_is_null(pkgs))
                return HULL_OK;
        mark = hull_json_walk_key(&c->w, "packages");
        if (!json_is_array(pkgs))
                return hull_json_walk_fail(&c->w, HULL_EPARSE, "expected an array, got %s",
                                           type_name(pkgs));
        json_array_foreach(pkgs, i, pk) {
                size_t pm = hull_json_walk_index(&c->w, i), k;
                const json_t *refs = json_object_get(pk, "externalRefs"), *ref;
                const char *purl = NULL, *info;
                struct hull_vuln_package *p = NULL;
                if (!json_is_object(pk))
                        return hull_json_walk_fail(&c->w, HULL_EPARSE, "expected an object, got %s",
                                                   type_name(pk));
                if (json_is_array(refs))
                        json_array_foreach(refs, k, ref) {
                                const json_t *t = json_object_get(ref, "referenceType");
                                const json_t *cat = json_object_get(ref, "referenceCategory");
                                const json_t *loc = json_object_get(ref, "referenceLocator");
                                if (!json_is_string(t) || strcmp(json_string_value(t), "purl") ||
                                    !json_is_string(loc) ||
                                    (json_is_string(cat) &&
                                     strcmp(json_string_value(cat), "PACKAGE-MANAGER") &&
                                     strcmp(json_string_value(cat), "PACKAGE_MANAGER")))
                                        continue;
                                size_t rm = hull_json_walk_key(&c->w, "externalRefs");
                                hull_json_walk_index(&c->w, k);
                                hull_json_walk_key(&c->w, "referenceLocator");
                                HULL_TRY(hull_json_walk_strdup(&c->w, loc, &purl));
                                HULL_TRY(from_purl(c, purl, &p));
                                hull_json_walk_pop(&c->w, rm);
                                break;
                        }
                if (!purl) {
                        c->in->no_purl++;
                } else if (p) {
                        HULL_TRY(opt_str(c, pk, "sourceInfo", &info));
                        spdx_source(c, p, info);
                }
                hull_json_walk_pop(&c->w, pm);
        }
        hull_json_walk_pop(&c->w, mark);
        return HULL_OK;
}

int hull_vuln_input_parse(const char *data, size_t len, const char *name, struct hull_arena *a,
                          struct hull_vuln_input *ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_vuln_input in = {0};
        struct ictx c = {.in = &in};
        const json_t *bf;
        size_t i = 0;
        int r;

        hull_json_walk_init(&c.w, a, name, d);
        if (len > HULL_MAX_SBOM_BYTES)
                return hull_json_walk_fail(&c.w, HULL_ELIMIT,
                                           "%zu bytes, more than the limit of %u", len,
                                           HULL_MAX_SBOM_BYTES);
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r'))
                i++;
        if (i == len)
                return hull_json_walk_fail(&c.w, HULL_EPARSE,
                                           "empty: expected a JSON package list, CycloneDX or "
                                           "SPDX document");
        if (data[i] == '<')
                return hull_json_walk_fail(&c.w, HULL_EPARSE,
                                           "XML is not read: give the SBOM as CycloneDX JSON");
        if (len - i >= 12 && strncmp(data + i, "SPDXVersion:", 12) == 0)
                return hull_json_walk_fail(&c.w, HULL_EPARSE,
                                           "SPDX tag-value is not read: give SPDX as JSON");
        r = hull_json_read(data, len, c.w.name, HULL_MAX_SBOM_JSON_DEPTH, HULL_MAX_SBOM_JSON_VALUES,
                           &root, d);
        if (r)
                return r;
        if (json_is_array(root))
                r = package_list(&c, root);
        else if (json_is_object(root) && json_is_string(bf = json_object_get(root, "bomFormat")) &&
                 strcmp(json_string_value(bf), "CycloneDX") == 0)
                r = cyclonedx(&c, root);
        else if (json_is_object(root) && json_object_get(root, "spdxVersion"))
                r = spdx(&c, root);
        else
                r = hull_json_walk_fail(&c.w, HULL_EPARSE,
                                        "not a package list (a JSON array), a CycloneDX SBOM "
                                        "(bomFormat \"CycloneDX\") or an SPDX SBOM (spdxVersion)");
        if (r)
                return r;
        *ret = in;
        return HULL_OK;
}
