/* oci.c - image metadata readers (see oci.h).
 *
 * Every document goes through load(): a size check, then hull_json_read()
 * (basic/json_read.h: nesting depth and values bounded before jansson builds
 * a tree, duplicate keys rejected).  The tree is then walked with small
 * typed getters that match member names the way Go's encoding/json does
 * (member()), build the error's JSON path as they descend (struct
 * hull_json_walk) and copy every string into the caller's arena, so the tree
 * can be freed before we return.
 *
 * Platform matching reproduces containerd/platforms: normalize() is its
 * Normalize (database.go), platform_vector() its platformVector (compare.go),
 * whose order is the rank of hull_oci_platform_rank(). */
#include "image/oci.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "basic/alloc.h"
#include "basic/err.h"
#include "basic/json_read.h"
#include "basic/limits.h"
#include "basic/str.h"
#include "dockerfile/reference.h"

/* ---- small string helpers (ASCII only, no locale) ---- */

static bool is_lower_hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_alnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool all_lower_hex(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!is_lower_hex(s[i]))
                        return false;
        return true;
}

/* Quote untrusted s for a message (hull_str_quote). */
static const char *q(char *buf, size_t size, const char *s) {
        return hull_str_quote(buf, size, s, '"');
}

/* Bounded parse of a whole document; *ret is an object or an array. */
static int load(const char *data, size_t len, size_t max, const char *name, bool want_array,
                json_t **ret, struct hull_diag *d) {
        json_t *j;

        if (!data && len)
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "no data");
        if (len > max)
                return hull_diag_set(d, HULL_ELIMIT, name, 0, 0,
                                     "%s: %zu bytes, more than the limit of %zu", name, len, max);
        HULL_TRY(hull_json_read(data, len, name, HULL_MAX_JSON_DEPTH, HULL_MAX_JSON_VALUES, &j, d));
        if (want_array ? !json_is_array(j) : !json_is_object(j)) {
                json_decref(j);
                return hull_diag_set(d, HULL_EPARSE, name, 0, 0,
                                     "%s: expected a JSON %s at the top level", name,
                                     want_array ? "array" : "object");
        }
        *ret = j;
        return HULL_OK;
}

/* ---- walking the tree ---- */

static int wrong_type(struct hull_json_walk *c, const json_t *j, const char *want) {
        return hull_json_walk_fail(c, HULL_EPARSE, "expected %s, got %s", want,
                                   hull_json_type_name(j));
}

/* Does JSON member name key select the Go struct field `field` (ASCII)?
 * encoding/json folds case; beyond ASCII, Go 1.21's foldName maps U+017F
 * (long s) to S, U+212A (Kelvin) to K and U+0130/U+0131 (dotted/dotless i)
 * to I, so those spell the same field too. */
static bool go_field_match(const char *key, const char *field) {
        const unsigned char *k = (const unsigned char *)key;

        for (const char *f = field; *f; f++) {
                char fl = lower(*f);
                if (*k < 0x80) {
                        if (lower((char)*k) != fl)
                                return false;
                        k++;
                } else if (fl == 's' && k[0] == 0xc5 && k[1] == 0xbf) {
                        k += 2;
                } else if (fl == 'k' && k[0] == 0xe2 && k[1] == 0x84 && k[2] == 0xaa) {
                        k += 3;
                } else if (fl == 'i' && k[0] == 0xc4 && (k[1] == 0xb0 || k[1] == 0xb1)) {
                        k += 2;
                } else {
                        return false;
                }
        }
        return *k == '\0';
}

/* The member of obj that Go would decode into field; *ret = NULL when
 * absent or null.  Two members for one field are an error. */
static int member(struct hull_json_walk *c, json_t *obj, const char *field, json_t **ret) {
        const char *key, *found = NULL;
        json_t *v, *val = NULL;

        json_object_foreach(obj, key, v) {
                if (!go_field_match(key, field))
                        continue;
                if (found) {
                        char b1[128], b2[128];
                        return hull_json_walk_fail(
                                c, HULL_EPARSE, "members %s and %s both set field %s",
                                q(b1, sizeof(b1), found), q(b2, sizeof(b2), key), field);
                }
                found = key;
                val = v;
        }
        *ret = val && !json_is_null(val) ? val : NULL;
        return HULL_OK;
}

static int missing(struct hull_json_walk *c, const char *field) {
        return hull_json_walk_fail(c, HULL_EPARSE, "missing required field %s", field);
}

static int get_str(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                   const char **ret) {
        json_t *v;
        size_t mark;
        int r;

        HULL_TRY(member(c, obj, field, &v));
        if (!v) {
                *ret = NULL;
                return required ? missing(c, field) : HULL_OK;
        }
        mark = hull_json_walk_key(c, field);
        r = json_is_string(v) ? hull_json_walk_strdup(c, v, ret) : wrong_type(c, v, "a string");
        hull_json_walk_pop(c, mark);
        return r;
}

static int get_bool(struct hull_json_walk *c, json_t *obj, const char *field, bool *ret) {
        json_t *v;
        size_t mark;
        int r = HULL_OK;

        HULL_TRY(member(c, obj, field, &v));
        *ret = false;
        if (!v)
                return HULL_OK;
        mark = hull_json_walk_key(c, field);
        if (json_is_boolean(v))
                *ret = json_is_true(v);
        else
                r = wrong_type(c, v, "a boolean");
        hull_json_walk_pop(c, mark);
        return r;
}

/* Go int64: an integer literal (jansson rejects out-of-range ones). */
static int get_i64(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                   bool *ret_present, int64_t *ret) {
        json_t *v;
        size_t mark;
        int r = HULL_OK;

        HULL_TRY(member(c, obj, field, &v));
        *ret = 0;
        if (ret_present)
                *ret_present = v != NULL;
        if (!v)
                return required ? missing(c, field) : HULL_OK;
        mark = hull_json_walk_key(c, field);
        if (json_is_integer(v))
                *ret = (int64_t)json_integer_value(v);
        else
                r = wrong_type(c, v, "an integer");
        hull_json_walk_pop(c, mark);
        return r;
}

/* A member that must be a JSON container of type `type` (object or array). */
static int get_container(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                         json_type type, json_t **ret) {
        json_t *v;
        size_t mark;
        int r;

        HULL_TRY(member(c, obj, field, &v));
        *ret = NULL;
        if (!v)
                return required ? missing(c, field) : HULL_OK;
        if (json_typeof(v) == type) {
                *ret = v;
                return HULL_OK;
        }
        mark = hull_json_walk_key(c, field);
        r = wrong_type(c, v, type == JSON_OBJECT ? "an object" : "an array");
        hull_json_walk_pop(c, mark);
        return r;
}

static int get_obj(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                   json_t **ret) {
        return get_container(c, obj, field, required, JSON_OBJECT, ret);
}

static int get_arr(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                   json_t **ret) {
        return get_container(c, obj, field, required, JSON_ARRAY, ret);
}

/* []string; a null element is "" as in Go.  The caller has pushed the path. */
static int strv_of(struct hull_json_walk *c, json_t *arr, const char ***ret, size_t *ret_n) {
        size_t n = json_array_size(arr), i;
        const char **v;
        json_t *e;

        *ret = NULL;
        *ret_n = 0;
        if (n == 0)
                return HULL_OK;
        v = hull_arena_alloc(c->a, n * sizeof(*v));
        if (!v)
                return hull_json_walk_nomem(c);
        json_array_foreach(arr, i, e) {
                if (json_is_null(e)) {
                        v[i] = "";
                } else if (json_is_string(e)) {
                        HULL_TRY(hull_json_walk_strdup(c, e, &v[i]));
                } else {
                        size_t mark = hull_json_walk_index(c, i);
                        int r = wrong_type(c, e, "a string");
                        hull_json_walk_pop(c, mark);
                        return r;
                }
        }
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

static int get_strv(struct hull_json_walk *c, json_t *obj, const char *field, const char ***ret,
                    size_t *ret_n, bool *ret_present) {
        json_t *v;
        size_t mark;
        int r;

        *ret = NULL;
        *ret_n = 0;
        HULL_TRY(get_arr(c, obj, field, false, &v));
        if (ret_present)
                *ret_present = v != NULL;
        if (!v)
                return HULL_OK;
        mark = hull_json_walk_key(c, field);
        r = strv_of(c, v, ret, ret_n);
        hull_json_walk_pop(c, mark);
        return r;
}

/* moby's strslice.StrSlice (Cmd, Entrypoint, Shell): an array of strings,
 * or one string meaning a one-element array. */
static int get_strslice(struct hull_json_walk *c, json_t *obj, const char *field, const char ***ret,
                        size_t *ret_n, bool *ret_present) {
        json_t *v;
        const char **one;
        size_t mark;
        int r;

        HULL_TRY(member(c, obj, field, &v));
        if (!v || !json_is_string(v))
                return get_strv(c, obj, field, ret, ret_n, ret_present);
        if (!(one = hull_arena_alloc(c->a, sizeof(*one))))
                return hull_json_walk_nomem(c);
        mark = hull_json_walk_key(c, field);
        r = hull_json_walk_strdup(c, v, &one[0]);
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        *ret = one;
        *ret_n = 1;
        if (ret_present)
                *ret_present = true;
        return HULL_OK;
}

/* map[string]string, in document order; a null value is "". */
static int get_kv(struct hull_json_walk *c, json_t *obj, const char *field,
                  struct hull_oci_annotation **ret, size_t *ret_n) {
        json_t *m, *e;
        const char *key;
        struct hull_oci_annotation *v;
        size_t n, i = 0, mark;
        int r = HULL_OK;

        *ret = NULL;
        *ret_n = 0;
        HULL_TRY(get_obj(c, obj, field, false, &m));
        if (!m || (n = json_object_size(m)) == 0)
                return HULL_OK;
        v = hull_arena_alloc(c->a, n * sizeof(*v));
        if (!v)
                return hull_json_walk_nomem(c);
        mark = hull_json_walk_key(c, field);
        json_object_foreach(m, key, e) {
                if (!(v[i].key = hull_arena_strdup(c->a, key))) {
                        r = hull_json_walk_nomem(c);
                        break;
                }
                if (json_is_null(e)) {
                        v[i].value = "";
                } else if (json_is_string(e)) {
                        if ((r = hull_json_walk_strdup(c, e, &v[i].value)))
                                break;
                } else {
                        char b[128];
                        size_t m2 = hull_json_walk_key(c, q(b, sizeof(b), key));
                        r = wrong_type(c, e, "a string");
                        hull_json_walk_pop(c, m2);
                        break;
                }
                i++;
        }
        hull_json_walk_pop(c, mark);
        if (r)
                return r;
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

/* map[string]struct{} (ExposedPorts, Volumes): the keys. */
static int get_set(struct hull_json_walk *c, json_t *obj, const char *field, const char ***ret,
                   size_t *ret_n) {
        json_t *m, *e;
        const char *key;
        const char **v;
        size_t n, i = 0, mark;
        int r = HULL_OK;

        *ret = NULL;
        *ret_n = 0;
        HULL_TRY(get_obj(c, obj, field, false, &m));
        if (!m || (n = json_object_size(m)) == 0)
                return HULL_OK;
        v = hull_arena_alloc(c->a, n * sizeof(*v));
        if (!v)
                return hull_json_walk_nomem(c);
        mark = hull_json_walk_key(c, field);
        json_object_foreach(m, key, e) {
                if (!json_is_object(e) && !json_is_null(e)) {
                        char b[128];
                        size_t m2 = hull_json_walk_key(c, q(b, sizeof(b), key));
                        r = wrong_type(c, e, "an object");
                        hull_json_walk_pop(c, m2);
                        break;
                }
                if (!(v[i++] = hull_arena_strdup(c->a, key))) {
                        r = hull_json_walk_nomem(c);
                        break;
                }
        }
        hull_json_walk_pop(c, mark);
        if (r)
                return r;
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

/* ---- media types ---- */

static const struct media_type_entry {
        const char *name;
        struct hull_oci_media_type t;
} media_types[] = {
        {"application/vnd.oci.image.index.v1+json",
         {HULL_OCI_KIND_INDEX, HULL_OCI_COMPRESSION_NONE, false, false}},
        {"application/vnd.oci.image.manifest.v1+json",
         {HULL_OCI_KIND_MANIFEST, HULL_OCI_COMPRESSION_NONE, false, false}},
        {"application/vnd.oci.image.config.v1+json",
         {HULL_OCI_KIND_CONFIG, HULL_OCI_COMPRESSION_NONE, false, false}},
        {"application/vnd.oci.image.layer.v1.tar",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_NONE, false, false}},
        {"application/vnd.oci.image.layer.v1.tar+gzip",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_GZIP, false, false}},
        {"application/vnd.oci.image.layer.v1.tar+zstd",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_ZSTD, false, false}},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_NONE, false, true}},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_GZIP, false, true}},
        {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_ZSTD, false, true}},
        {"application/vnd.docker.distribution.manifest.list.v2+json",
         {HULL_OCI_KIND_INDEX, HULL_OCI_COMPRESSION_NONE, true, false}},
        {"application/vnd.docker.distribution.manifest.v2+json",
         {HULL_OCI_KIND_MANIFEST, HULL_OCI_COMPRESSION_NONE, true, false}},
        {"application/vnd.docker.container.image.v1+json",
         {HULL_OCI_KIND_CONFIG, HULL_OCI_COMPRESSION_NONE, true, false}},
        {"application/vnd.docker.image.rootfs.diff.tar",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_NONE, true, false}},
        {"application/vnd.docker.image.rootfs.diff.tar.gzip",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_GZIP, true, false}},
        {"application/vnd.docker.image.rootfs.diff.tar.zstd",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_ZSTD, true, false}},
        {"application/vnd.docker.image.rootfs.foreign.diff.tar",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_NONE, true, true}},
        {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         {HULL_OCI_KIND_LAYER, HULL_OCI_COMPRESSION_GZIP, true, true}},
};

int hull_oci_media_type_lookup(const char *mt, struct hull_oci_media_type *ret) {
        for (size_t i = 0; mt && i < ELEMENTSOF(media_types); i++)
                if (strcmp(mt, media_types[i].name) == 0) {
                        *ret = media_types[i].t;
                        return HULL_OK;
                }
        *ret = (struct hull_oci_media_type){HULL_OCI_KIND_UNKNOWN, HULL_OCI_COMPRESSION_NONE, false,
                                            false};
        return HULL_EUNSUPPORTED;
}

static const char *const kind_table[_HULL_OCI_KIND_MAX] = {
        [HULL_OCI_KIND_UNKNOWN] = "unknown",   [HULL_OCI_KIND_INDEX] = "index",
        [HULL_OCI_KIND_MANIFEST] = "manifest", [HULL_OCI_KIND_CONFIG] = "config",
        [HULL_OCI_KIND_LAYER] = "layer",
};

const char *hull_oci_kind_to_string(enum hull_oci_kind k) {
        return k >= 0 && k < _HULL_OCI_KIND_MAX ? kind_table[k] : NULL;
}

static const char *const compression_table[_HULL_OCI_COMPRESSION_MAX] = {
        [HULL_OCI_COMPRESSION_NONE] = "none",
        [HULL_OCI_COMPRESSION_GZIP] = "gzip",
        [HULL_OCI_COMPRESSION_ZSTD] = "zstd",
};

const char *hull_oci_compression_to_string(enum hull_oci_compression c) {
        return c >= 0 && c < _HULL_OCI_COMPRESSION_MAX ? compression_table[c] : NULL;
}

/* ---- digests ---- */

int hull_oci_digest_check(const char *s, size_t n) {
        size_t colon, i;
        bool need_component = true;

        if (!s)
                return HULL_EPARSE;
        for (i = 0; i < n; i++) {
                char ch = s[i];
                if (ch == ':')
                        break;
                if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
                        need_component = false;
                } else if (ch == '+' || ch == '.' || ch == '_' || ch == '-') {
                        if (need_component)
                                return HULL_EPARSE;
                        need_component = true;
                } else {
                        return HULL_EPARSE;
                }
        }
        if (i == n || need_component)
                return HULL_EPARSE;
        colon = i;
        if (colon + 1 == n)
                return HULL_EPARSE;
        for (i = colon + 1; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '=' && s[i] != '_' && s[i] != '-')
                        return HULL_EPARSE;
        if (colon == 6 && memcmp(s, "sha256", 6) == 0)
                return n - colon - 1 == 64 && all_lower_hex(s + colon + 1, 64) ? HULL_OK
                                                                               : HULL_EPARSE;
        if (colon == 6 && memcmp(s, "sha512", 6) == 0)
                return n - colon - 1 == 128 && all_lower_hex(s + colon + 1, 128) ? HULL_OK
                                                                                 : HULL_EPARSE;
        return HULL_EUNSUPPORTED;
}

static int check_digest(struct hull_json_walk *c, const char *s) {
        char b[128];
        int r = hull_oci_digest_check(s, strlen(s));

        if (r == HULL_EUNSUPPORTED)
                return hull_json_walk_fail(
                        c, r, "unsupported digest algorithm in %s (sha256 and sha512 are)",
                        q(b, sizeof(b), s));
        if (r)
                return hull_json_walk_fail(c, r, "invalid digest %s", q(b, sizeof(b), s));
        return HULL_OK;
}

/* ---- descriptors ---- */

const char *hull_oci_annotation_get(const struct hull_oci_annotation *a, size_t n,
                                    const char *key) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(a[i].key, key) == 0)
                        return a[i].value;
        return NULL;
}

static int parse_platform(struct hull_json_walk *c, json_t *o, struct hull_oci_platform *p) {
        HULL_TRY(get_str(c, o, "architecture", true, &p->architecture));
        HULL_TRY(get_str(c, o, "os", true, &p->os));
        HULL_TRY(get_str(c, o, "os.version", false, &p->os_version));
        HULL_TRY(get_strv(c, o, "os.features", &p->os_features, &p->nos_features, NULL));
        HULL_TRY(get_str(c, o, "variant", false, &p->variant));
        return HULL_OK;
}

static uint64_t size_limit(enum hull_oci_kind k) {
        switch (k) {
        case HULL_OCI_KIND_INDEX:
        case HULL_OCI_KIND_MANIFEST: return HULL_MAX_MANIFEST_BYTES;
        case HULL_OCI_KIND_CONFIG: return HULL_MAX_CONFIG_BYTES;
        default: return HULL_MAX_BLOB_BYTES;
        }
}

/* A descriptor object; the caller has pushed its path. */
static int parse_descriptor(struct hull_json_walk *c, json_t *o, struct hull_oci_descriptor *ret) {
        json_t *plat;
        int64_t size;
        size_t mark;
        int r;

        memset(ret, 0, sizeof(*ret));
        if (!json_is_object(o))
                return wrong_type(c, o, "a descriptor object");
        HULL_TRY(get_str(c, o, "mediaType", true, &ret->media_type));
        (void)hull_oci_media_type_lookup(ret->media_type, &ret->type);
        HULL_TRY(get_str(c, o, "digest", true, &ret->digest));
        mark = hull_json_walk_key(c, "digest");
        r = check_digest(c, ret->digest);
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        HULL_TRY(get_i64(c, o, "size", true, NULL, &size));
        mark = hull_json_walk_key(c, "size");
        if (size < 0)
                r = hull_json_walk_fail(c, HULL_EPARSE, "negative size %" PRId64, size);
        else if ((uint64_t)size > size_limit(ret->type.kind))
                r = hull_json_walk_fail(c, HULL_ELIMIT,
                                        "size %" PRId64 " is more than the limit of %" PRIu64
                                        " bytes for a %s",
                                        size, size_limit(ret->type.kind),
                                        ret->type.kind == HULL_OCI_KIND_UNKNOWN
                                                ? "blob"
                                                : hull_oci_kind_to_string(ret->type.kind));
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        ret->size = (uint64_t)size;
        HULL_TRY(get_strv(c, o, "urls", &ret->urls, &ret->nurls, NULL));
        HULL_TRY(get_kv(c, o, "annotations", &ret->annotations, &ret->nannotations));
        HULL_TRY(get_str(c, o, "artifactType", false, &ret->artifact_type));
        HULL_TRY(get_obj(c, o, "platform", false, &plat));
        if (plat) {
                mark = hull_json_walk_key(c, "platform");
                r = parse_platform(c, plat, &ret->platform);
                hull_json_walk_pop(c, mark);
                HULL_TRY(r);
                ret->has_platform = true;
        }
        return HULL_OK;
}

static int get_descriptor(struct hull_json_walk *c, json_t *obj, const char *field, bool required,
                          struct hull_oci_descriptor *ret, bool *ret_present) {
        json_t *v;
        size_t mark;
        int r;

        HULL_TRY(member(c, obj, field, &v));
        if (ret_present)
                *ret_present = v != NULL;
        if (!v)
                return required ? missing(c, field) : HULL_OK;
        mark = hull_json_walk_key(c, field);
        r = parse_descriptor(c, v, ret);
        hull_json_walk_pop(c, mark);
        return r;
}

/* schemaVersion: required, 2. */
static int check_schema_version(struct hull_json_walk *c, json_t *root, int *ret) {
        int64_t v;
        size_t mark;
        int r = HULL_OK;

        HULL_TRY(get_i64(c, root, "schemaVersion", true, NULL, &v));
        mark = hull_json_walk_key(c, "schemaVersion");
        if (v != 2)
                r = hull_json_walk_fail(c, HULL_EUNSUPPORTED,
                                        "unsupported schema version %" PRId64 " (2 is)", v);
        hull_json_walk_pop(c, mark);
        *ret = 2;
        return r;
}

/* The document's own mediaType: absent, or of kind want. */
static int check_own_media_type(struct hull_json_walk *c, json_t *root, enum hull_oci_kind want,
                                const char **ret, bool *ret_docker) {
        struct hull_oci_media_type t;
        char b[160];
        size_t mark;
        int r = HULL_OK;

        HULL_TRY(get_str(c, root, "mediaType", false, ret));
        *ret_docker = false;
        if (!*ret)
                return HULL_OK;
        mark = hull_json_walk_key(c, "mediaType");
        if (hull_oci_media_type_lookup(*ret, &t) != HULL_OK)
                r = hull_json_walk_fail(c, HULL_EUNSUPPORTED, "unsupported media type %s",
                                        q(b, sizeof(b), *ret));
        else if (t.kind != want)
                r = hull_json_walk_fail(c, HULL_EPARSE,
                                        "media type %s is an image %s, not an image %s",
                                        q(b, sizeof(b), *ret), hull_oci_kind_to_string(t.kind),
                                        hull_oci_kind_to_string(want));
        hull_json_walk_pop(c, mark);
        *ret_docker = t.docker;
        return r;
}

/* ---- oci-layout ---- */

int hull_oci_layout_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                          const char **ret_version, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_json_walk c;
        const char *v;
        size_t mark;

        hull_json_walk_init(&c, a, name, d);
        HULL_TRY(load(data, len, HULL_MAX_MANIFEST_BYTES, c.name, false, &root, d));
        HULL_TRY(get_str(&c, root, "imageLayoutVersion", true, &v));
        if (strncmp(v, "1.", 2) != 0) {
                char b[128];
                int r;
                mark = hull_json_walk_key(&c, "imageLayoutVersion");
                r = hull_json_walk_fail(&c, HULL_EUNSUPPORTED,
                                        "unsupported image layout version %s (1.x is)",
                                        q(b, sizeof(b), v));
                hull_json_walk_pop(&c, mark);
                return r;
        }
        *ret_version = v;
        return HULL_OK;
}

/* ---- index ---- */

static int parse_descriptor_array(struct hull_json_walk *c, json_t *arr, const char *field,
                                  struct hull_oci_descriptor **ret, size_t *ret_n) {
        size_t n = json_array_size(arr), i, mark = hull_json_walk_key(c, field);
        struct hull_oci_descriptor *v = NULL;
        json_t *e;
        int r = HULL_OK;

        if (n && !(v = hull_arena_alloc(c->a, n * sizeof(*v))))
                r = hull_json_walk_nomem(c);
        json_array_foreach(arr, i, e) {
                size_t m2;
                if (r)
                        break;
                m2 = hull_json_walk_index(c, i);
                r = parse_descriptor(c, e, &v[i]);
                hull_json_walk_pop(c, m2);
        }
        hull_json_walk_pop(c, mark);
        if (r)
                return r;
        *ret = v;
        *ret_n = n;
        return HULL_OK;
}

int hull_oci_index_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                         struct hull_oci_index **ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_oci_index *idx;
        struct hull_json_walk c;
        json_t *arr;

        hull_json_walk_init(&c, a, name, d);
        HULL_TRY(load(data, len, HULL_MAX_MANIFEST_BYTES, c.name, false, &root, d));
        if (!(idx = hull_arena_alloc0(a, sizeof(*idx))))
                return hull_json_walk_nomem(&c);
        HULL_TRY(check_schema_version(&c, root, &idx->schema_version));
        HULL_TRY(check_own_media_type(&c, root, HULL_OCI_KIND_INDEX, &idx->media_type,
                                      &idx->docker));
        HULL_TRY(get_arr(&c, root, "manifests", true, &arr));
        HULL_TRY(parse_descriptor_array(&c, arr, "manifests", &idx->manifests, &idx->nmanifests));
        HULL_TRY(get_kv(&c, root, "annotations", &idx->annotations, &idx->nannotations));
        *ret = idx;
        return HULL_OK;
}

/* ---- manifest ---- */

int hull_oci_manifest_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                            struct hull_oci_manifest **ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_oci_manifest *m;
        struct hull_json_walk c;
        json_t *arr;
        char b[160];
        size_t mark;
        int r = HULL_OK;

        hull_json_walk_init(&c, a, name, d);
        HULL_TRY(load(data, len, HULL_MAX_MANIFEST_BYTES, c.name, false, &root, d));
        if (!(m = hull_arena_alloc0(a, sizeof(*m))))
                return hull_json_walk_nomem(&c);
        HULL_TRY(check_schema_version(&c, root, &m->schema_version));
        HULL_TRY(
                check_own_media_type(&c, root, HULL_OCI_KIND_MANIFEST, &m->media_type, &m->docker));
        HULL_TRY(get_descriptor(&c, root, "config", true, &m->config, NULL));
        if (m->config.type.kind != HULL_OCI_KIND_CONFIG) {
                mark = hull_json_walk_key(&c, "config");
                r = hull_json_walk_fail(
                        &c, HULL_EUNSUPPORTED,
                        "media type %s is not a container image config (an OCI artifact?)",
                        q(b, sizeof(b), m->config.media_type));
                hull_json_walk_pop(&c, mark);
                return r;
        }
        HULL_TRY(get_arr(&c, root, "layers", true, &arr));
        HULL_TRY(parse_descriptor_array(&c, arr, "layers", &m->layers, &m->nlayers));
        for (size_t i = 0; i < m->nlayers; i++)
                if (m->layers[i].type.kind != HULL_OCI_KIND_LAYER) {
                        mark = hull_json_walk_key(&c, "layers");
                        hull_json_walk_index(&c, i);
                        r = hull_json_walk_fail(&c, HULL_EUNSUPPORTED,
                                                "unsupported layer media type %s",
                                                q(b, sizeof(b), m->layers[i].media_type));
                        hull_json_walk_pop(&c, mark);
                        return r;
                }
        HULL_TRY(get_kv(&c, root, "annotations", &m->annotations, &m->nannotations));
        HULL_TRY(get_str(&c, root, "artifactType", false, &m->artifact_type));
        HULL_TRY(get_descriptor(&c, root, "subject", false, &m->subject, &m->has_subject));
        *ret = m;
        return HULL_OK;
}

/* ---- config ---- */

static int parse_healthcheck(struct hull_json_walk *c, json_t *o,
                             const struct hull_oci_healthcheck **ret) {
        struct hull_oci_healthcheck *h = hull_arena_alloc0(c->a, sizeof(*h));

        if (!h)
                return hull_json_walk_nomem(c);
        HULL_TRY(get_strv(c, o, "Test", &h->test, &h->ntest, NULL));
        HULL_TRY(get_i64(c, o, "Interval", false, NULL, &h->interval));
        HULL_TRY(get_i64(c, o, "Timeout", false, NULL, &h->timeout));
        HULL_TRY(get_i64(c, o, "StartPeriod", false, NULL, &h->start_period));
        HULL_TRY(get_i64(c, o, "StartInterval", false, NULL, &h->start_interval));
        HULL_TRY(get_i64(c, o, "Retries", false, NULL, &h->retries));
        *ret = h;
        return HULL_OK;
}

static int parse_exec_config(struct hull_json_walk *c, json_t *o, struct hull_oci_exec_config *x) {
        json_t *hc;

        HULL_TRY(get_str(c, o, "User", false, &x->user));
        HULL_TRY(get_strv(c, o, "Env", &x->env, &x->nenv, NULL));
        HULL_TRY(get_strslice(c, o, "Entrypoint", &x->entrypoint, &x->nentrypoint,
                              &x->has_entrypoint));
        HULL_TRY(get_strslice(c, o, "Cmd", &x->cmd, &x->ncmd, &x->has_cmd));
        HULL_TRY(get_str(c, o, "WorkingDir", false, &x->working_dir));
        HULL_TRY(get_set(c, o, "ExposedPorts", &x->exposed_ports, &x->nexposed_ports));
        HULL_TRY(get_set(c, o, "Volumes", &x->volumes, &x->nvolumes));
        HULL_TRY(get_kv(c, o, "Labels", &x->labels, &x->nlabels));
        HULL_TRY(get_obj(c, o, "Healthcheck", false, &hc));
        if (hc) {
                size_t mark = hull_json_walk_key(c, "Healthcheck");
                int r = parse_healthcheck(c, hc, &x->healthcheck);
                hull_json_walk_pop(c, mark);
                HULL_TRY(r);
        }
        HULL_TRY(get_str(c, o, "StopSignal", false, &x->stop_signal));
        HULL_TRY(get_strslice(c, o, "Shell", &x->shell, &x->nshell, NULL));
        HULL_TRY(get_strv(c, o, "OnBuild", &x->on_build, &x->non_build, NULL));
        HULL_TRY(get_bool(c, o, "ArgsEscaped", &x->args_escaped));
        return HULL_OK;
}

static int parse_history(struct hull_json_walk *c, json_t *arr, struct hull_oci_config *cfg) {
        size_t n = json_array_size(arr), i;
        json_t *e;

        if (n == 0)
                return HULL_OK;
        if (!(cfg->history = hull_arena_alloc0(c->a, n * sizeof(*cfg->history))))
                return hull_json_walk_nomem(c);
        json_array_foreach(arr, i, e) {
                struct hull_oci_history *h = &cfg->history[i];
                size_t mark = hull_json_walk_index(c, i);
                int r;
                if (!json_is_object(e)) {
                        r = wrong_type(c, e, "an object");
                } else if (!(r = get_str(c, e, "created", false, &h->created)) &&
                           !(r = get_str(c, e, "created_by", false, &h->created_by)) &&
                           !(r = get_str(c, e, "author", false, &h->author)) &&
                           !(r = get_str(c, e, "comment", false, &h->comment))) {
                        r = get_bool(c, e, "empty_layer", &h->empty_layer);
                }
                hull_json_walk_pop(c, mark);
                HULL_TRY(r);
                h->layer = -1;
        }
        cfg->nhistory = n;
        return HULL_OK;
}

/* docker history: the i-th non-empty entry made the i-th layer. */
static void map_history(struct hull_oci_config *cfg) {
        size_t k = 0;

        for (size_t i = 0; i < cfg->nhistory; i++) {
                struct hull_oci_history *h = &cfg->history[i];
                if (h->empty_layer)
                        continue;
                if (k < cfg->ndiff_ids) {
                        h->layer = (long)k;
                        cfg->layer_history[k] = h;
                }
                k++;
        }
        cfg->history_mismatch = cfg->nhistory > 0 && k != cfg->ndiff_ids;
}

int hull_oci_config_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                          struct hull_oci_config **ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_oci_config *cfg;
        json_t *o, *rootfs, *arr;
        struct hull_json_walk c;
        size_t mark;
        int r;

        hull_json_walk_init(&c, a, name, d);
        HULL_TRY(load(data, len, HULL_MAX_CONFIG_BYTES, c.name, false, &root, d));
        if (!(cfg = hull_arena_alloc0(a, sizeof(*cfg))))
                return hull_json_walk_nomem(&c);
        HULL_TRY(parse_platform(&c, root, &cfg->platform));
        if (!cfg->platform.architecture[0])
                return hull_json_walk_fail(&c, HULL_EPARSE, "empty architecture");
        if (!cfg->platform.os[0])
                return hull_json_walk_fail(&c, HULL_EPARSE, "empty os");
        HULL_TRY(get_str(&c, root, "created", false, &cfg->created));
        HULL_TRY(get_str(&c, root, "author", false, &cfg->author));
        HULL_TRY(get_obj(&c, root, "config", false, &o));
        if (o) {
                mark = hull_json_walk_key(&c, "config");
                r = parse_exec_config(&c, o, &cfg->config);
                hull_json_walk_pop(&c, mark);
                HULL_TRY(r);
                cfg->has_config = true;
        }

        HULL_TRY(get_obj(&c, root, "rootfs", true, &rootfs));
        mark = hull_json_walk_key(&c, "rootfs");
        r = get_str(&c, rootfs, "type", true, &cfg->rootfs_type);
        if (!r && strcmp(cfg->rootfs_type, "layers") != 0) {
                char b[128];
                size_t m2 = hull_json_walk_key(&c, "type");
                r = hull_json_walk_fail(&c, HULL_EUNSUPPORTED,
                                        "unsupported rootfs type %s (\"layers\" is)",
                                        q(b, sizeof(b), cfg->rootfs_type));
                hull_json_walk_pop(&c, m2);
        }
        if (!r)
                r = get_arr(&c, rootfs, "diff_ids", true, &arr);
        if (!r) {
                size_t m2 = hull_json_walk_key(&c, "diff_ids");
                r = strv_of(&c, arr, &cfg->diff_ids, &cfg->ndiff_ids);
                for (size_t i = 0; !r && i < cfg->ndiff_ids; i++) {
                        size_t m3 = hull_json_walk_index(&c, i);
                        r = check_digest(&c, cfg->diff_ids[i]);
                        hull_json_walk_pop(&c, m3);
                }
                hull_json_walk_pop(&c, m2);
        }
        hull_json_walk_pop(&c, mark);
        HULL_TRY(r);

        HULL_TRY(get_arr(&c, root, "history", false, &arr));
        if (arr) {
                mark = hull_json_walk_key(&c, "history");
                r = parse_history(&c, arr, cfg);
                hull_json_walk_pop(&c, mark);
                HULL_TRY(r);
        }
        if (cfg->ndiff_ids && !(cfg->layer_history = hull_arena_alloc0(
                                        a, cfg->ndiff_ids * sizeof(*cfg->layer_history))))
                return hull_json_walk_nomem(&c);
        map_history(cfg);
        *ret = cfg;
        return HULL_OK;
}

int hull_oci_config_check_layers(const struct hull_oci_config *c, size_t nlayers, const char *name,
                                 struct hull_diag *d) {
        if (c->ndiff_ids == nlayers)
                return HULL_OK;
        return hull_diag_set(d, HULL_ECORRUPT, name, 0, 0,
                             "%s: the config lists %zu layers (rootfs.diff_ids), the manifest %zu",
                             name ? name : "config", c->ndiff_ids, nlayers);
}

/* ---- platforms ---- */

#if defined(__x86_64__)
#define HOST_ARCH "amd64"
#define HOST_VARIANT NULL
#elif defined(__aarch64__)
#define HOST_ARCH "arm64"
#define HOST_VARIANT "v8"
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH >= 8
#define HOST_ARCH "arm"
#define HOST_VARIANT "v8"
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH == 6
#define HOST_ARCH "arm"
#define HOST_VARIANT "v6"
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH == 5
#define HOST_ARCH "arm"
#define HOST_VARIANT "v5"
#elif defined(__arm__)
#define HOST_ARCH "arm"
#define HOST_VARIANT "v7"
#elif defined(__i386__)
#define HOST_ARCH "386"
#define HOST_VARIANT NULL
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define HOST_ARCH "ppc64le"
#define HOST_VARIANT NULL
#elif defined(__s390x__)
#define HOST_ARCH "s390x"
#define HOST_VARIANT NULL
#elif defined(__riscv) && __riscv_xlen == 64
#define HOST_ARCH "riscv64"
#define HOST_VARIANT NULL
#elif defined(__loongarch64)
#define HOST_ARCH "loong64"
#define HOST_VARIANT NULL
#else
#define HOST_ARCH "unknown"
#define HOST_VARIANT NULL
#endif

#if defined(__linux__)
#define HOST_OS "linux"
#elif defined(__FreeBSD__)
#define HOST_OS "freebsd"
#elif defined(__APPLE__)
#define HOST_OS "darwin"
#else
#define HOST_OS "unknown"
#endif

static const char *host_variant(void) {
        const char *v = HOST_VARIANT;
        return v ? v : "";
}

void hull_oci_platform_host(struct hull_oci_platform *ret) {
        memset(ret, 0, sizeof(*ret));
        ret->os = HOST_OS;
        ret->architecture = HOST_ARCH;
        ret->variant = HOST_VARIANT;
}

#define PF_FIELD 64 /* longer names never match (no real one comes close) */

/* Copy into one of the PF_FIELD-byte buffers below. */
static void fcopy(char *dst, const char *src) {
        snprintf(dst, PF_FIELD, "%s", src);
}

/* A normalised platform in fixed buffers. */
struct npf {
        char os[PF_FIELD], arch[PF_FIELD], variant[PF_FIELD];
};

static bool lower_copy(char *dst, const char *src) {
        size_t n = src ? strlen(src) : 0;

        if (n >= PF_FIELD)
                return false;
        for (size_t i = 0; i < n; i++)
                dst[i] = lower(src[i]);
        dst[n] = '\0';
        return true;
}

static bool digits_only(const char *s) {
        if (!*s)
                return false;
        for (; *s; s++)
                if (*s < '0' || *s > '9')
                        return false;
        return true;
}

/* strconv.Atoi(strings.TrimPrefix(s, "v")) for one or two digits; -1 otherwise.
 * Real variants are v1-v4, v5-v8, v8.x, v9.x; capping at 99 keeps the
 * fallback vector below VECTOR_MAX (a "v100" gets no fallbacks). */
static int variant_number(const char *s, size_t n) {
        int v = 0;

        if (n && s[0] == 'v') {
                s++;
                n--;
        }
        if (n == 0 || n > 2)
                return -1;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -1;
                v = v * 10 + (s[i] - '0');
        }
        return v;
}

/* containerd's normalizeArch (lowercased arch and variant). */
static void normalize_arch(char *arch, char *variant) {
        if (strcmp(arch, "i386") == 0) {
                fcopy(arch, "386");
                variant[0] = '\0';
        } else if (strcmp(arch, "x86_64") == 0 || strcmp(arch, "x86-64") == 0 ||
                   strcmp(arch, "amd64") == 0) {
                fcopy(arch, "amd64");
                if (strcmp(variant, "v1") == 0)
                        variant[0] = '\0';
        } else if (strcmp(arch, "aarch64") == 0 || strcmp(arch, "arm64") == 0) {
                size_t n = strlen(variant);
                fcopy(arch, "arm64");
                /* "vN.0" is "vN" (containerd's TestOnly: arm64/v9 matches v9.0) */
                if (n >= 4 && strcmp(variant + n - 2, ".0") == 0)
                        variant[n - 2] = '\0';
                if (strcmp(variant, "8") == 0 || strcmp(variant, "v8") == 0)
                        variant[0] = '\0';
        } else if (strcmp(arch, "armhf") == 0) {
                fcopy(arch, "arm");
                fcopy(variant, "v7");
        } else if (strcmp(arch, "armel") == 0) {
                fcopy(arch, "arm");
                fcopy(variant, "v6");
        } else if (strcmp(arch, "arm") == 0) {
                if (variant[0] == '\0' || strcmp(variant, "7") == 0) {
                        fcopy(variant, "v7");
                } else if (strcmp(variant, "5") == 0 || strcmp(variant, "6") == 0 ||
                           strcmp(variant, "8") == 0) {
                        variant[2] = '\0';
                        variant[1] = variant[0];
                        variant[0] = 'v';
                }
        }
}

static bool normalize(const struct hull_oci_platform *p, struct npf *out) {
        if (!lower_copy(out->os, p->os) || !lower_copy(out->arch, p->architecture) ||
            !lower_copy(out->variant, p->variant))
                return false;
        if (!out->os[0])
                fcopy(out->os, HOST_OS);
        else if (strcmp(out->os, "macos") == 0)
                fcopy(out->os, "darwin");
        normalize_arch(out->arch, out->variant);
        return true;
}

#define VECTOR_MAX 128 /* amd64/v99: 99 variants and 386 */

struct pvec {
        struct npf v[VECTOR_MAX];
        size_t n;
};

static void pvec_add(struct pvec *pv, const struct npf *base, const char *arch,
                     const char *variant) {
        struct npf *p;

        if (pv->n >= VECTOR_MAX)
                return;
        p = &pv->v[pv->n++];
        fcopy(p->os, base->os);
        snprintf(p->arch, sizeof(p->arch), "%s", arch);
        snprintf(p->variant, sizeof(p->variant), "%s", variant);
        normalize_arch(p->arch, p->variant); /* NewMatcher normalises each entry */
}

/* containerd's platformVector: want first, then its compatible fallbacks. */
static void platform_vector(const struct npf *want, struct pvec *pv) {
        char v[PF_FIELD];
        int n;

        pvec_add(pv, want, want->arch, want->variant);
        if (strcmp(want->arch, "amd64") == 0) {
                n = variant_number(want->variant, strlen(want->variant));
                if (n > 1)
                        for (n--; n >= 1; n--) {
                                snprintf(v, sizeof(v), "v%d", n);
                                pvec_add(pv, want, "amd64", v);
                        }
                pvec_add(pv, want, "386", "");
        } else if (strcmp(want->arch, "arm") == 0) {
                n = variant_number(want->variant, strlen(want->variant));
                if (n > 5)
                        for (n--; n >= 5; n--) {
                                snprintf(v, sizeof(v), "v%d", n);
                                pvec_add(pv, want, "arm", v);
                        }
        } else if (strcmp(want->arch, "arm64") == 0) {
                char variant[PF_FIELD];
                const char *dot;
                int major, minor = 0;

                snprintf(variant, sizeof(variant), "%s", want->variant[0] ? want->variant : "v8");
                dot = strchr(variant, '.');
                major = variant_number(variant, dot ? (size_t)(dot - variant) : strlen(variant));
                if (major >= 8) {
                        if (strlen(variant) == 4 && dot && digits_only(dot + 1))
                                minor = dot[1] - '0';
                        if (major == 9) {
                                for (int m = minor - 1; m >= 0; m--) {
                                        if (m == 0)
                                                snprintf(v, sizeof(v), "v9");
                                        else
                                                snprintf(v, sizeof(v), "v9.%d", m);
                                        pvec_add(pv, want, "arm64", v);
                                }
                                /* v9.x is compatible with v8.(x+5) */
                                minor += 5;
                                major = 8;
                                snprintf(v, sizeof(v), "v8.%d", minor);
                                pvec_add(pv, want, "arm64", v);
                        }
                        for (int m = minor - 1; m >= 0; m--) {
                                if (m == 0)
                                        snprintf(v, sizeof(v), "v%d", major);
                                else
                                        snprintf(v, sizeof(v), "v%d.%d", major, m);
                                pvec_add(pv, want, "arm64", v);
                        }
                }
                if (strncmp(variant, "v8.", 3) == 0 || strncmp(variant, "v9.", 3) == 0)
                        fcopy(variant, "v8");
                /* arm64 runs 32-bit arm: the arm vector from that variant */
                struct npf arm = *want;
                fcopy(arm.arch, "arm");
                fcopy(arm.variant, variant);
                normalize_arch(arm.arch, arm.variant);
                platform_vector(&arm, pv);
        }
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* containerd: have's os.features must be a subset of want's. */
static bool features_subset(const struct hull_oci_platform *want,
                            const struct hull_oci_platform *have) {
        for (size_t i = 0; i < have->nos_features; i++) {
                bool found = false;
                for (size_t j = 0; j < want->nos_features && !found; j++)
                        found = strcmp(have->os_features[i], want->os_features[j]) == 0;
                if (!found)
                        return false;
        }
        return true;
}

int hull_oci_platform_rank(const struct hull_oci_platform *want,
                           const struct hull_oci_platform *have) {
        struct npf w, h;
        struct pvec pv = {.n = 0};

        if (!want || !have || !normalize(want, &w) || !normalize(have, &h))
                return -1;
        if (!features_subset(want, have))
                return -1;
        platform_vector(&w, &pv);
        for (size_t i = 0; i < pv.n; i++)
                if (strcmp(pv.v[i].os, h.os) == 0 && strcmp(pv.v[i].arch, h.arch) == 0 &&
                    strcmp(pv.v[i].variant, h.variant) == 0)
                        return (int)i;
        return -1;
}

char *hull_oci_platform_format(const struct hull_oci_platform *p, char *buf, size_t size) {
        if (!size)
                return buf;
        snprintf(buf, size, "%s/%s%s%s", p->os && p->os[0] ? p->os : "unknown",
                 p->architecture && p->architecture[0] ? p->architecture : "unknown",
                 p->variant && p->variant[0] ? "/" : "", p->variant ? p->variant : "");
        return buf;
}

static bool is_known_os(const char *os) {
        static const char *const known[] = {"aix",    "android", "darwin",  "dragonfly", "freebsd",
                                            "hurd",   "illumos", "ios",     "js",        "linux",
                                            "nacl",   "netbsd",  "openbsd", "plan9",     "solaris",
                                            "wasip1", "windows", "zos"};
        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (strcmp(os, known[i]) == 0)
                        return true;
        return false;
}

static bool is_known_arch(const char *arch) {
        static const char *const known[] = {
                "386",     "amd64",    "amd64p32",  "arm",         "armbe",   "arm64",
                "arm64be", "ppc64",    "ppc64le",   "loong64",     "mips",    "mipsle",
                "mips64",  "mips64le", "mips64p32", "mips64p32le", "ppc",     "riscv",
                "riscv64", "s390",     "s390x",     "sparc",       "sparc64", "wasm"};
        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                if (strcmp(arch, known[i]) == 0)
                        return true;
        return false;
}

/* [A-Za-z0-9_.-]+ (specifierRe) for the parts after the OS. */
static bool spec_part_ok(const char *s, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!is_alnum(s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
                        return false;
        return true;
}

int hull_oci_platform_parse(struct hull_arena *a, const char *spec, struct hull_oci_platform *ret,
                            struct hull_diag *d) {
        const char *parts[4];
        size_t lens[4], nparts = 0, i;
        const char *s, *os_end, *paren;
        char b[160];
        struct npf p = {{0}, {0}, {0}};
        struct hull_oci_platform out = {0};

        if (!spec)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "no platform given");
        if (strchr(spec, '*'))
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "platform %s: wildcards are not supported",
                                     q(b, sizeof(b), spec));
        /* strings.SplitN(spec, "/", 4) */
        for (s = spec; nparts < 4;) {
                const char *slash = nparts < 3 ? strchr(s, '/') : NULL;
                parts[nparts] = s;
                lens[nparts] = slash ? (size_t)(slash - s) : strlen(s);
                nparts++;
                if (!slash)
                        break;
                s = slash + 1;
        }
        if (nparts == 4)
                return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0,
                                     "platform %s: expected os/arch[/variant]",
                                     q(b, sizeof(b), spec));
        /* <os>[(<os.version>[+<feature>]*)], os = [A-Za-z0-9_-]+ */
        paren = memchr(parts[0], '(', lens[0]);
        os_end = paren ? paren : parts[0] + lens[0];
        if (os_end == parts[0])
                goto bad;
        for (s = parts[0]; s < os_end; s++)
                if (!is_alnum(*s) && *s != '_' && *s != '-')
                        goto bad;
        if (paren) {
                const char *close = parts[0] + lens[0] - 1, *plus;
                if (*close != ')' || close <= paren)
                        goto bad;
                for (s = paren + 1; s < close; s++)
                        if (!is_alnum(*s) && !strchr("_.%-+", *s))
                                goto bad;
                plus = memchr(paren + 1, '+', (size_t)(close - paren - 1));
                if (!plus)
                        plus = close;
                if (plus > paren + 1 && !(out.os_version = hull_arena_strndup(
                                                  a, paren + 1, (size_t)(plus - paren - 1))))
                        return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                while (plus < close) {
                        const char *next = memchr(plus + 1, '+', (size_t)(close - plus - 1));
                        const char **fv;
                        if (!next)
                                next = close;
                        if (next == plus + 1)
                                goto bad;
                        fv = hull_arena_alloc(a, (out.nos_features + 1) * sizeof(*fv));
                        if (!fv)
                                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                        if (out.nos_features)
                                memcpy(fv, out.os_features, out.nos_features * sizeof(*fv));
                        if (!(fv[out.nos_features] =
                                      hull_arena_strndup(a, plus + 1, (size_t)(next - plus - 1))))
                                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
                        out.os_features = fv;
                        out.nos_features++;
                        plus = next;
                }
                if (out.nos_features > 1)
                        qsort(out.os_features, out.nos_features, sizeof(*out.os_features), cmp_str);
        }
        if ((size_t)(os_end - parts[0]) >= PF_FIELD)
                goto bad;
        for (i = 0; parts[0] + i < os_end; i++)
                p.os[i] = lower(parts[0][i]);
        if (strcmp(p.os, "macos") == 0)
                fcopy(p.os, "darwin");
        for (i = 1; i < nparts; i++)
                if (!spec_part_ok(parts[i], lens[i]) || lens[i] >= PF_FIELD)
                        goto bad;
        if (nparts > 1)
                for (i = 0; i < lens[1]; i++)
                        p.arch[i] = lower(parts[1][i]);
        if (nparts > 2)
                for (i = 0; i < lens[2]; i++)
                        p.variant[i] = lower(parts[2][i]);

        switch (nparts) {
        case 1:
                if (is_known_os(p.os)) {
                        fcopy(p.arch, HOST_ARCH);
                        /* containerd: the host's arm variant unless it is the default v7 */
                        if (strcmp(p.arch, "arm") == 0 && strcmp(host_variant(), "v7") != 0)
                                fcopy(p.variant, host_variant());
                        break;
                }
                /* not an OS: an architecture on the host's OS */
                if (paren)
                        goto bad;
                fcopy(p.arch, p.os);
                fcopy(p.os, HOST_OS);
                normalize_arch(p.arch, p.variant);
                if (strcmp(p.arch, "arm") == 0 && strcmp(p.variant, "v7") == 0)
                        p.variant[0] = '\0';
                if (!is_known_arch(p.arch))
                        return hull_diag_set(
                                d, HULL_EINVAL, NULL, 0, 0,
                                "platform %s: unknown operating system or architecture",
                                q(b, sizeof(b), spec));
                break;
        case 2:
                normalize_arch(p.arch, p.variant);
                if (strcmp(p.arch, "arm") == 0 && strcmp(p.variant, "v7") == 0)
                        p.variant[0] = '\0';
                break;
        default:
                normalize_arch(p.arch, p.variant);
                if (strcmp(p.arch, "arm64") == 0 && !p.variant[0])
                        fcopy(p.variant, "v8");
                break;
        }
        if (!(out.os = hull_arena_strdup(a, p.os)) ||
            !(out.architecture = hull_arena_strdup(a, p.arch)) ||
            (p.variant[0] && !(out.variant = hull_arena_strdup(a, p.variant))))
                return hull_diag_set(d, HULL_ENOMEM, NULL, 0, 0, "out of memory");
        *ret = out;
        return HULL_OK;
bad:
        return hull_diag_set(d, HULL_EINVAL, NULL, 0, 0, "platform %s: expected os/arch[/variant]",
                             q(b, sizeof(b), spec));
}

static bool selectable(const struct hull_oci_descriptor *m) {
        return m->type.kind == HULL_OCI_KIND_MANIFEST || m->type.kind == HULL_OCI_KIND_INDEX;
}

/* Append s to the ", "-separated list in buf (size) unless listed already;
 * when full, end it with "..." (always room for it: we stop 6 bytes early). */
static void list_add(char *buf, size_t size, const char *s) {
        size_t n = strlen(buf), sl;
        const char *p = buf;

        if (!*s)
                s = "\"\"";
        sl = strlen(s);
        if (size < 8 || (n >= 3 && strcmp(buf + n - 3, "...") == 0))
                return;
        while ((p = strstr(p, s))) {
                if ((p == buf || p[-1] == ' ') && (p[sl] == ',' || p[sl] == '\0'))
                        return;
                p += sl;
        }
        if (n + 2 + sl + 6 > size) {
                memcpy(buf + n, n ? ", ..." : "...", n ? 6 : 4);
                return;
        }
        if (n) {
                memcpy(buf + n, ", ", 2);
                n += 2;
        }
        memcpy(buf + n, s, sl + 1);
}

/* BuildKit's attestation manifests say unknown/unknown: not worth listing. */
static bool is_unknown_platform(const struct hull_oci_platform *p) {
        return strcmp(p->os, "unknown") == 0 && strcmp(p->architecture, "unknown") == 0;
}

/* s as is when it is plain printable ASCII, else quoted. */
static const char *plain_or_quoted(char *buf, size_t size, const char *s) {
        for (const char *p = s; *p; p++)
                if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\' || *p == ',')
                        return q(buf, size, s);
        return s;
}

int hull_oci_select_platform(const struct hull_oci_index *idx, const struct hull_oci_platform *want,
                             const char *name, size_t *ret_index, struct hull_diag *d) {
        struct hull_oci_platform host;
        size_t best = SIZE_MAX, unplatformed = SIZE_MAX;
        int best_rank = -1;
        char avail[300] = "", wbuf[200], pbuf[200], qb[220];

        if (!want) {
                hull_oci_platform_host(&host);
                want = &host;
        }
        for (size_t i = 0; i < idx->nmanifests; i++) {
                const struct hull_oci_descriptor *m = &idx->manifests[i];
                int r;
                if (!selectable(m))
                        continue;
                if (!m->has_platform) {
                        if (unplatformed == SIZE_MAX)
                                unplatformed = i;
                        continue;
                }
                r = hull_oci_platform_rank(want, &m->platform);
                if (r >= 0 && (best_rank < 0 || r < best_rank)) {
                        best_rank = r;
                        best = i;
                }
        }
        if (best == SIZE_MAX)
                best = unplatformed;
        if (best != SIZE_MAX) {
                *ret_index = best;
                return HULL_OK;
        }
        for (size_t i = 0; i < idx->nmanifests; i++)
                if (selectable(&idx->manifests[i]) && idx->manifests[i].has_platform &&
                    !is_unknown_platform(&idx->manifests[i].platform)) {
                        hull_oci_platform_format(&idx->manifests[i].platform, pbuf, sizeof(pbuf));
                        list_add(avail, sizeof(avail), plain_or_quoted(qb, sizeof(qb), pbuf));
                }
        hull_oci_platform_format(want, wbuf, sizeof(wbuf));
        return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0,
                             "%s: no image for platform %s; available: %s", name ? name : "index",
                             plain_or_quoted(qb, sizeof(qb), wbuf), avail[0] ? avail : "none");
}

/* ---- references ---- */

static bool same_reference(const char *a, const char *b) {
        struct hull_arena ar;
        struct hull_image_ref ra, rb;
        bool same = false;

        if (strcmp(a, b) == 0)
                return true;
        hull_arena_init(&ar, 64 * 1024);
        if (hull_image_ref_parse(&ar, a, &ra, NULL) == HULL_OK &&
            hull_image_ref_parse(&ar, b, &rb, NULL) == HULL_OK && ra.normalized && rb.normalized)
                same = strcmp(ra.normalized, rb.normalized) == 0;
        hull_arena_release(&ar);
        return same;
}

static bool ref_hit(const struct hull_oci_descriptor *m, const char *ref, bool is_digest) {
        const char *rn, *in;

        if (is_digest)
                return strcmp(ref, m->digest) == 0;
        rn = hull_oci_annotation_get(m->annotations, m->nannotations, HULL_OCI_ANNOTATION_REF_NAME);
        in = hull_oci_annotation_get(m->annotations, m->nannotations,
                                     HULL_OCI_ANNOTATION_IMAGE_NAME);
        return (rn && strcmp(rn, ref) == 0) || (in && same_reference(in, ref));
}

int hull_oci_index_find_ref(const struct hull_oci_index *idx, const char *ref, const char *name,
                            size_t *ret_index, struct hull_diag *d) {
        char names[300] = "", qb[160];
        size_t found = SIZE_MAX;
        bool is_digest;

        if (!name)
                name = "index.json";
        for (size_t i = 0; i < idx->nmanifests; i++) {
                const struct hull_oci_descriptor *m = &idx->manifests[i];
                const char *rn = hull_oci_annotation_get(m->annotations, m->nannotations,
                                                         HULL_OCI_ANNOTATION_REF_NAME);
                const char *in = hull_oci_annotation_get(m->annotations, m->nannotations,
                                                         HULL_OCI_ANNOTATION_IMAGE_NAME);
                list_add(names, sizeof(names),
                         plain_or_quoted(qb, sizeof(qb),
                                         rn   ? rn
                                         : in ? in
                                              : m->digest));
        }
        if (!ref) {
                if (idx->nmanifests == 1) {
                        *ret_index = 0;
                        return HULL_OK;
                }
                if (idx->nmanifests == 0)
                        return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0, "%s: no images", name);
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "%s: %zu images; name one of: %s",
                                     name, idx->nmanifests, names);
        }
        if (ref[0] == '@')
                ref++;
        is_digest = hull_oci_digest_check(ref, strlen(ref)) == HULL_OK;
        for (size_t i = 0; i < idx->nmanifests; i++) {
                if (!ref_hit(&idx->manifests[i], ref, is_digest))
                        continue;
                if (found == SIZE_MAX)
                        found = i;
                else if (strcmp(idx->manifests[i].digest, idx->manifests[found].digest) != 0)
                        return hull_diag_set(d, HULL_EINVAL, name, 0, 0,
                                             "%s: %s names several different images", name,
                                             q(qb, sizeof(qb), ref));
        }
        if (found != SIZE_MAX) {
                *ret_index = found;
                return HULL_OK;
        }
        return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0, "%s: no image named %s; available: %s",
                             name, q(qb, sizeof(qb), ref), names[0] ? names : "none");
}

static const char *entry_name(const struct hull_oci_descriptor *m) {
        const char *rn = hull_oci_annotation_get(m->annotations, m->nannotations,
                                                 HULL_OCI_ANNOTATION_REF_NAME);
        return rn ? rn
                  : hull_oci_annotation_get(m->annotations, m->nannotations,
                                            HULL_OCI_ANNOTATION_IMAGE_NAME);
}

int hull_oci_index_find_ref_platform(const struct hull_oci_index *idx, const char *ref,
                                     const struct hull_oci_platform *want, const char *name,
                                     size_t *ret_index, bool *ret_by_platform,
                                     struct hull_diag *d) {
        _cleanup_free_ size_t *pos = NULL;
        struct hull_oci_index sub;
        const char *shared = NULL, *r = ref && ref[0] == '@' ? ref + 1 : ref;
        bool is_digest = r && hull_oci_digest_check(r, strlen(r)) == HULL_OK;
        bool distinct = false, named_apart = false;
        size_t n = 0, sel;

        *ret_by_platform = false;
        if (!idx->nmanifests || !(pos = new (size_t, idx->nmanifests)))
                return hull_oci_index_find_ref(idx, ref, name, ret_index, d);
        for (size_t i = 0; i < idx->nmanifests; i++) {
                const struct hull_oci_descriptor *m = &idx->manifests[i];
                const char *nm = entry_name(m);
                if (m->type.kind != HULL_OCI_KIND_MANIFEST && m->type.kind != HULL_OCI_KIND_INDEX)
                        continue;
                if (r ? !ref_hit(m, r, is_digest) : false)
                        continue;
                if (!m->has_platform) /* not a per-platform entry: the plain rules */
                        return hull_oci_index_find_ref(idx, ref, name, ret_index, d);
                if (n && strcmp(m->digest, idx->manifests[pos[0]].digest) != 0)
                        distinct = true;
                if (!r && nm && shared && strcmp(nm, shared) != 0)
                        named_apart = true;
                if (nm)
                        shared = nm;
                pos[n++] = i;
        }
        if (n < 2 || !distinct || named_apart)
                return hull_oci_index_find_ref(idx, ref, name, ret_index, d);
        /* one name (or none), one entry per platform: choose as containerd does */
        sub = *idx;
        sub.manifests = new (struct hull_oci_descriptor, n);
        if (!sub.manifests)
                return hull_diag_set(d, HULL_ENOMEM, name, 0, 0, "out of memory");
        for (size_t k = 0; k < n; k++)
                sub.manifests[k] = idx->manifests[pos[k]];
        sub.nmanifests = n;
        int rc = hull_oci_select_platform(&sub, want, name, &sel, d);
        hull_free(sub.manifests);
        if (rc != HULL_OK)
                return rc;
        *ret_index = pos[sel];
        *ret_by_platform = true;
        return HULL_OK;
}

/* ---- docker-archive manifest.json ---- */

/* Relative, non-empty, bounded, no ".." component. */
static int check_archive_path(struct hull_json_walk *c, const char *p) {
        char b[128];
        size_t n = strlen(p);

        if (n == 0)
                return hull_json_walk_fail(c, HULL_EPARSE, "empty path");
        if (n > HULL_MAX_PATH_BYTES)
                return hull_json_walk_fail(c, HULL_ELIMIT, "path longer than %u bytes",
                                           HULL_MAX_PATH_BYTES);
        if (p[0] == '/')
                return hull_json_walk_fail(c, HULL_EPARSE, "absolute path %s", q(b, sizeof(b), p));
        for (const char *s = p; *s;) {
                size_t l = strcspn(s, "/");
                if (l == 2 && s[0] == '.' && s[1] == '.')
                        return hull_json_walk_fail(c, HULL_EPARSE, "path %s leaves the archive",
                                                   q(b, sizeof(b), p));
                s += l;
                if (*s)
                        s++;
        }
        return HULL_OK;
}

/* "blobs/<alg>/<encoded>" -> "<alg>:<encoded>" when that is a good digest. */
static const char *blob_digest(struct hull_json_walk *c, const char *p) {
        const char *alg, *slash;
        char buf[256];

        if (strncmp(p, "blobs/", 6) != 0)
                return NULL;
        alg = p + 6;
        slash = strchr(alg, '/');
        if (!slash || strchr(slash + 1, '/') || strlen(alg) >= sizeof(buf))
                return NULL;
        snprintf(buf, sizeof(buf), "%.*s:%s", (int)(slash - alg), alg, slash + 1);
        if (hull_oci_digest_check(buf, strlen(buf)) != HULL_OK)
                return NULL;
        return hull_arena_strdup(c->a, buf);
}

/* "<64 hex><suffix>" -> "sha256:<hex>". */
static const char *hex_name_digest(struct hull_json_walk *c, const char *p, const char *suffix) {
        size_t sl = strlen(suffix);
        char buf[80];

        if (strlen(p) != 64 + sl || strcmp(p + 64, suffix) != 0 || !all_lower_hex(p, 64))
                return NULL;
        snprintf(buf, sizeof(buf), "sha256:%.64s", p);
        return hull_arena_strdup(c->a, buf);
}

static int parse_docker_layer(struct hull_json_walk *c, const char *p,
                              struct hull_docker_layer *l) {
        HULL_TRY(check_archive_path(c, p));
        l->path = p;
        l->digest = NULL;
        if ((l->digest = blob_digest(c, p))) {
                l->form = HULL_DOCKER_LAYER_BLOB;
        } else if ((l->digest = hex_name_digest(c, p, ".tar"))) {
                l->form = HULL_DOCKER_LAYER_DIFFID;
        } else if (strlen(p) == 64 + strlen("/layer.tar") && all_lower_hex(p, 64) &&
                   strcmp(p + 64, "/layer.tar") == 0) {
                l->form = HULL_DOCKER_LAYER_LEGACY;
        } else {
                l->form = HULL_DOCKER_LAYER_OTHER;
        }
        return HULL_OK;
}

static int parse_layer_sources(struct hull_json_walk *c, json_t *o, struct hull_docker_image *img) {
        json_t *m, *e;
        const char *key;
        size_t n, i = 0, mark;
        int r = HULL_OK;

        HULL_TRY(get_obj(c, o, "LayerSources", false, &m));
        if (!m || (n = json_object_size(m)) == 0)
                return HULL_OK;
        if (!(img->layer_sources = hull_arena_alloc0(c->a, n * sizeof(*img->layer_sources))))
                return hull_json_walk_nomem(c);
        mark = hull_json_walk_key(c, "LayerSources");
        json_object_foreach(m, key, e) {
                char b[128];
                size_t m2 = hull_json_walk_key(c, q(b, sizeof(b), key));
                r = check_digest(c, key);
                if (!r && !(img->layer_sources[i].diff_id = hull_arena_strdup(c->a, key)))
                        r = hull_json_walk_nomem(c);
                if (!r)
                        r = parse_descriptor(c, e, &img->layer_sources[i].desc);
                hull_json_walk_pop(c, m2);
                if (r)
                        break;
                i++;
        }
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        img->nlayer_sources = n;
        return HULL_OK;
}

static int parse_docker_image(struct hull_json_walk *c, json_t *o, struct hull_docker_image *img) {
        const char **layers;
        size_t nlayers, mark;
        json_t *arr;
        int r = HULL_OK;

        if (!json_is_object(o))
                return wrong_type(c, o, "an object");
        HULL_TRY(get_str(c, o, "Config", true, &img->config));
        mark = hull_json_walk_key(c, "Config");
        r = check_archive_path(c, img->config);
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        if (!(img->config_digest = blob_digest(c, img->config)))
                img->config_digest = hex_name_digest(c, img->config, ".json");
        HULL_TRY(get_strv(c, o, "RepoTags", &img->repo_tags, &img->nrepo_tags, NULL));
        HULL_TRY(get_arr(c, o, "Layers", true, &arr));
        mark = hull_json_walk_key(c, "Layers");
        r = strv_of(c, arr, &layers, &nlayers);
        if (!r && nlayers &&
            !(img->layers = hull_arena_alloc0(c->a, nlayers * sizeof(*img->layers))))
                r = hull_json_walk_nomem(c);
        for (size_t i = 0; !r && i < nlayers; i++) {
                size_t m2 = hull_json_walk_index(c, i);
                r = parse_docker_layer(c, layers[i], &img->layers[i]);
                hull_json_walk_pop(c, m2);
        }
        hull_json_walk_pop(c, mark);
        HULL_TRY(r);
        img->nlayers = nlayers;
        return parse_layer_sources(c, o, img);
}

int hull_docker_manifest_parse(struct hull_arena *a, const char *data, size_t len, const char *name,
                               struct hull_docker_manifest **ret, struct hull_diag *d) {
        _cleanup_(json_decrefp) json_t *root = NULL;
        struct hull_docker_manifest *m;
        struct hull_json_walk c;
        json_t *e;
        size_t n, i;

        hull_json_walk_init(&c, a, name, d);
        HULL_TRY(load(data, len, HULL_MAX_MANIFEST_BYTES, c.name, true, &root, d));
        if (!(m = hull_arena_alloc0(a, sizeof(*m))))
                return hull_json_walk_nomem(&c);
        n = json_array_size(root);
        if (n && !(m->images = hull_arena_alloc0(a, n * sizeof(*m->images))))
                return hull_json_walk_nomem(&c);
        json_array_foreach(root, i, e) {
                size_t mark = hull_json_walk_index(&c, i);
                int r = parse_docker_image(&c, e, &m->images[i]);
                hull_json_walk_pop(&c, mark);
                HULL_TRY(r);
        }
        m->nimages = n;
        *ret = m;
        return HULL_OK;
}

int hull_docker_manifest_select(const struct hull_docker_manifest *m, const char *tag,
                                const char *name, size_t *ret_index, struct hull_diag *d) {
        char tags[300] = "", qb[160];

        if (!name)
                name = "manifest.json";
        for (size_t i = 0; i < m->nimages; i++) {
                for (size_t j = 0; j < m->images[i].nrepo_tags; j++)
                        list_add(tags, sizeof(tags),
                                 plain_or_quoted(qb, sizeof(qb), m->images[i].repo_tags[j]));
                if (m->images[i].nrepo_tags == 0) {
                        char at[32];
                        snprintf(at, sizeof(at), "@%zu", i);
                        list_add(tags, sizeof(tags), at);
                }
        }
        if (!tag) {
                if (m->nimages == 1) {
                        *ret_index = 0;
                        return HULL_OK;
                }
                if (m->nimages == 0)
                        return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0, "%s: no images", name);
                return hull_diag_set(d, HULL_EINVAL, name, 0, 0, "%s: %zu images; name one of: %s",
                                     name, m->nimages, tags);
        }
        /* a tag as written wins, even one that looks like "@N" */
        for (size_t i = 0; i < m->nimages; i++)
                for (size_t j = 0; j < m->images[i].nrepo_tags; j++)
                        if (strcmp(m->images[i].repo_tags[j], tag) == 0) {
                                *ret_index = i;
                                return HULL_OK;
                        }
        if (tag[0] == '@' && digits_only(tag + 1) && strlen(tag + 1) < 10) {
                size_t i = (size_t)strtoul(tag + 1, NULL, 10);
                if (i < m->nimages) {
                        *ret_index = i;
                        return HULL_OK;
                }
                return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0, "%s: no image %s (%zu images)",
                                     name, tag, m->nimages);
        }
        for (size_t i = 0; i < m->nimages; i++)
                for (size_t j = 0; j < m->images[i].nrepo_tags; j++)
                        if (same_reference(m->images[i].repo_tags[j], tag)) {
                                *ret_index = i;
                                return HULL_OK;
                        }
        return hull_diag_set(d, HULL_ENOTFOUND, name, 0, 0, "%s: no image tagged %s; available: %s",
                             name, q(qb, sizeof(qb), tag), tags[0] ? tags : "none");
}
