/* purl.c - package URLs into parts and into packages (purl.h). */
#include "vuln/purl.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "basic/alloc.h"
#include "basic/err.h"

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* Percent-decode s[0..n) into the arena; NULL with *why on a bad escape or
 * a decoded NUL, NULL with *why NULL when out of memory. */
static char *decode(struct hull_arena *a, const char *s, size_t n, const char **why) {
        char *out = hull_arena_alloc(a, n + 1);
        size_t o = 0;

        *why = NULL;
        if (!out)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] != '%') {
                        out[o++] = s[i];
                        continue;
                }
                if (i + 2 >= n || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0) {
                        *why = "bad percent escape";
                        return NULL;
                }
                char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
                if (!c) {
                        *why = "percent escape of a NUL byte";
                        return NULL;
                }
                out[o++] = c;
                i += 2;
        }
        out[o] = '\0';
        return out;
}

static const char *memrchr_in(const char *s, size_t n, char c) {
        for (size_t i = n; i > 0; i--)
                if (s[i - 1] == c)
                        return s + i - 1;
        return NULL;
}

#define FAIL(code, msg)                                                                            \
        do {                                                                                       \
                *ret_why = (msg);                                                                  \
                return (code);                                                                     \
        } while (0)

static int qualifiers(const char *q, size_t n, struct hull_arena *a, struct hull_purl *p,
                      const char **ret_why) {
        size_t cap = 0;

        for (size_t i = 0; i < n;) {
                size_t e = i;
                while (e < n && q[e] != '&')
                        e++;
                if (e > i) {
                        const char *eq = memchr(q + i, '=', e - i);
                        struct hull_purl_qualifier *x;
                        char *key;
                        if (!eq || eq == q + i)
                                FAIL(HULL_EPARSE, "a qualifier without a key=value form");
                        x = hull_arena_push(a, (void **)&p->qualifiers, &p->n_qualifiers, &cap,
                                            sizeof(*x));
                        if (!x)
                                FAIL(HULL_ENOMEM, "out of memory");
                        key = hull_arena_strndup(a, q + i, (size_t)(eq - (q + i)));
                        if (!key)
                                FAIL(HULL_ENOMEM, "out of memory");
                        for (char *k = key; *k; k++)
                                if (*k >= 'A' && *k <= 'Z')
                                        *k = (char)(*k - 'A' + 'a');
                        x->key = key;
                        x->value = decode(a, eq + 1, (size_t)(q + e - eq - 1), ret_why);
                        if (!x->value)
                                return *ret_why ? HULL_EPARSE : HULL_ENOMEM;
                }
                i = e + 1;
        }
        return HULL_OK;
}

int hull_purl_parse(const char *s, struct hull_arena *a, struct hull_purl *ret,
                    const char **ret_why) {
        struct hull_purl p = {0};
        size_t n = strlen(s), tl;
        const char *hash, *q, *rest, *at, *slash, *end;
        int r;

        *ret_why = NULL;
        if (n > HULL_MAX_PURL_BYTES)
                FAIL(HULL_ELIMIT, "longer than 4096 bytes");
        hash = memchr(s, '#', n);
        if (hash) {
                const char *sp = hash + 1, *se = s + n;
                while (sp < se && *sp == '/')
                        sp++;
                while (se > sp && se[-1] == '/')
                        se--;
                if (se > sp && !(p.subpath = decode(a, sp, (size_t)(se - sp), ret_why)))
                        return *ret_why ? HULL_EPARSE : HULL_ENOMEM;
                n = (size_t)(hash - s);
        }
        q = memchr(s, '?', n);
        if (q) {
                r = qualifiers(q + 1, n - (size_t)(q - s) - 1, a, &p, ret_why);
                if (r)
                        return r;
                n = (size_t)(q - s);
        }
        if (n < 4 || strncasecmp(s, "pkg:", 4) != 0)
                FAIL(HULL_EPARSE, "no pkg: scheme");
        rest = s + 4;
        end = s + n;
        while (rest < end && *rest == '/')
                rest++;
        slash = memchr(rest, '/', (size_t)(end - rest));
        if (!slash || slash == rest)
                FAIL(HULL_EPARSE, "no type");
        tl = (size_t)(slash - rest);
        char *type = hull_arena_strndup(a, rest, tl);
        if (!type)
                FAIL(HULL_ENOMEM, "out of memory");
        for (char *t = type; *t; t++) {
                if (*t >= 'A' && *t <= 'Z')
                        *t = (char)(*t - 'A' + 'a');
                else if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '.' ||
                           *t == '+' || *t == '-'))
                        FAIL(HULL_EPARSE, "bad character in the type");
        }
        p.type = type;
        rest = slash + 1;
        while (end > rest && end[-1] == '/')
                end--;
        /* the version: after an '@' that follows the last '/' */
        slash = memrchr_in(rest, (size_t)(end - rest), '/');
        at = memrchr_in(slash ? slash + 1 : rest, (size_t)(end - (slash ? slash + 1 : rest)), '@');
        if (at) {
                if (at + 1 < end &&
                    !(p.version = decode(a, at + 1, (size_t)(end - at - 1), ret_why)))
                        return *ret_why ? HULL_EPARSE : HULL_ENOMEM;
                end = at;
        }
        slash = memrchr_in(rest, (size_t)(end - rest), '/');
        const char *name = slash ? slash + 1 : rest;
        if (name == end)
                FAIL(HULL_EPARSE, "no name");
        if (!(p.name = decode(a, name, (size_t)(end - name), ret_why)))
                return *ret_why ? HULL_EPARSE : HULL_ENOMEM;
        if (slash) {
                /* namespace segments, each decoded, empty ones dropped */
                char *ns = hull_arena_alloc(a, (size_t)(slash - rest) + 1);
                size_t o = 0;
                if (!ns)
                        FAIL(HULL_ENOMEM, "out of memory");
                for (const char *seg = rest; seg < slash;) {
                        const char *se = memchr(seg, '/', (size_t)(slash - seg));
                        if (!se)
                                se = slash;
                        if (se > seg) {
                                char *d = decode(a, seg, (size_t)(se - seg), ret_why);
                                if (!d)
                                        return *ret_why ? HULL_EPARSE : HULL_ENOMEM;
                                if (o)
                                        ns[o++] = '/';
                                memcpy(ns + o, d, strlen(d));
                                o += strlen(d);
                        }
                        seg = se + 1;
                }
                ns[o] = '\0';
                p.namespace_ = o ? ns : NULL;
        }
        *ret = p;
        return HULL_OK;
}

const char *hull_purl_qualifier(const struct hull_purl *p, const char *key) {
        for (size_t i = 0; i < p->n_qualifiers; i++)
                if (strcmp(p->qualifiers[i].key, key) == 0)
                        return p->qualifiers[i].value;
        return NULL;
}

/* ---- purls to packages ---- */

static const struct {
        const char *codename, *release;
} codenames[] = {
        /* Debian (distro-info-data) */
        {"jessie", "8"},
        {"stretch", "9"},
        {"buster", "10"},
        {"bullseye", "11"},
        {"bookworm", "12"},
        {"trixie", "13"},
        {"forky", "14"},
        /* Ubuntu */
        {"xenial", "16.04"},
        {"bionic", "18.04"},
        {"focal", "20.04"},
        {"jammy", "22.04"},
        {"noble", "24.04"},
};

/* The release in a distro qualifier: "debian-11.6" -> "11" (major only
 * when major_only), "ubuntu-22.04" -> "22.04", a codename -> its number. */
static const char *distro_release(const char *distro, const char *ns, bool major_only,
                                  struct hull_arena *a) {
        size_t nl = strlen(ns), n;
        const char *v = distro;

        if (!distro || !*distro)
                return NULL;
        if (strncasecmp(v, ns, nl) == 0 && v[nl] == '-')
                v += nl + 1;
        for (size_t i = 0; i < ELEMENTSOF(codenames); i++)
                if (strcasecmp(v, codenames[i].codename) == 0)
                        return codenames[i].release;
        if (!(v[0] >= '0' && v[0] <= '9'))
                return NULL;
        n = major_only ? strcspn(v, ".") : strlen(v);
        return hull_arena_strndup(a, v, n);
}

/* "openssl-3.0.7-16.el9.src.rpm" -> "openssl" (name-version-release). */
static const char *srpm_name(const char *s, struct hull_arena *a) {
        size_t n = strlen(s);
        const char *d1, *d2;

        if (n > 8 && strcmp(s + n - 8, ".src.rpm") == 0)
                n -= 8;
        else
                return hull_arena_strdup(a, s); /* already a name */
        d1 = memrchr_in(s, n, '-');
        d2 = d1 ? memrchr_in(s, (size_t)(d1 - s), '-') : NULL;
        return d2 && d2 > s ? hull_arena_strndup(a, s, (size_t)(d2 - s)) : NULL;
}

static char *join(struct hull_arena *a, const char *x, const char *sep, const char *y) {
        size_t nx = strlen(x), ns = strlen(sep), ny = strlen(y);
        char *o = hull_arena_alloc(a, nx + ns + ny + 1);

        if (o) {
                memcpy(o, x, nx);
                memcpy(o + nx, sep, ns);
                memcpy(o + nx + ns, y, ny + 1);
        }
        return o;
}

static const struct {
        const char *type, *ecosystem;
} lang_types[] = {
        {"npm", "npm"},
        {"pypi", "PyPI"},
        {"maven", "Maven"},
        {"golang", "Go"},
        {"gem", "RubyGems"},
        {"cargo", "crates.io"},
        {"composer", "Packagist"},
        {"nuget", "NuGet"},
        {"hex", "Hex"},
        {"pub", "Pub"},
        {"hackage", "Hackage"},
        {"cran", "CRAN"},
        {"conan", "ConanCenter"},
        {"swift", "SwiftURL"},
};

static const struct {
        const char *type, *ns, *ecosystem;
        bool major_only; /* releases are major numbers ("9", "11") */
        bool has_release;
} os_types[] = {
        {"deb", "debian", "Debian", true, true},
        {"deb", "ubuntu", "Ubuntu", false, true},
        {"apk", "alpine", "Alpine", false, true},
        {"apk", "wolfi", "Wolfi", false, false},
        {"apk", "chainguard", "Chainguard", false, false},
        {"rpm", "redhat", "Red Hat", false, false},
        {"rpm", "rocky", "Rocky Linux", true, true},
        {"rpm", "almalinux", "AlmaLinux", true, true},
        {"rpm", "opensuse", "openSUSE", false, false},
        {"rpm", "suse", "SUSE", false, false},
        {"rpm", "sles", "SUSE", false, false},
};

int hull_vuln_package_from_purl(const char *s, struct hull_arena *a, struct hull_vuln_package *ret,
                                const char **ret_why) {
        struct hull_vuln_package pk = {.purl = s};
        struct hull_purl p;
        const char *up;
        int r;

        r = hull_purl_parse(s, a, &p, ret_why);
        if (r)
                return r;
        if (!p.version || !*p.version)
                FAIL(HULL_EPARSE, "no version");
        pk.version = p.version;
        pk.name = p.name;
        for (size_t i = 0; i < ELEMENTSOF(lang_types); i++) {
                if (strcmp(p.type, lang_types[i].type) != 0)
                        continue;
                pk.ecosystem = lang_types[i].ecosystem;
                if (p.namespace_ && strcmp(p.type, "maven") == 0)
                        pk.name = join(a, p.namespace_, ":", p.name);
                else if (p.namespace_ && strcmp(p.type, "pypi") != 0 &&
                         strcmp(p.type, "gem") != 0 && strcmp(p.type, "cargo") != 0)
                        pk.name = join(a, p.namespace_, "/", p.name);
                if (!pk.name)
                        FAIL(HULL_ENOMEM, "out of memory");
                *ret = pk;
                return HULL_OK;
        }
        if (strcmp(p.type, "deb") != 0 && strcmp(p.type, "apk") != 0 && strcmp(p.type, "rpm") != 0)
                FAIL(HULL_EUNSUPPORTED, "not a package type of an ecosystem");
        if (!p.namespace_)
                FAIL(HULL_EPARSE, "no namespace (the distribution)");
        pk.ecosystem = p.namespace_; /* unknown distributions are counted by name */
        for (size_t i = 0; i < ELEMENTSOF(os_types); i++) {
                if (strcmp(p.type, os_types[i].type) != 0 ||
                    strcasecmp(p.namespace_, os_types[i].ns) != 0)
                        continue;
                pk.ecosystem = os_types[i].ecosystem;
                if (os_types[i].has_release)
                        pk.release = distro_release(hull_purl_qualifier(&p, "distro"),
                                                    os_types[i].ns, os_types[i].major_only, a);
                if (pk.release && strcmp(pk.ecosystem, "Alpine") == 0) {
                        /* as Alpine's records name branches: "3.18.4" is v3.18 */
                        char rel[64];
                        hull_vuln_release_canonical(hull_vuln_ecosystem_find("Alpine", 6),
                                                    pk.release, rel, sizeof(rel));
                        pk.release = hull_arena_strdup(a, rel);
                }
                break;
        }
        up = hull_purl_qualifier(&p, "upstream");
        if (up && *up) {
                if (strcmp(p.type, "rpm") == 0) {
                        pk.source = srpm_name(up, a);
                } else {
                        const char *at = strchr(up, '@');
                        pk.source = at ? hull_arena_strndup(a, up, (size_t)(at - up)) : up;
                        if (at && at[1])
                                pk.source_version = at + 1;
                }
        }
        if (strcmp(p.type, "rpm") == 0) {
                const char *epoch = hull_purl_qualifier(&p, "epoch");
                if (epoch && *epoch && strcmp(epoch, "0") != 0 && !strchr(pk.version, ':'))
                        pk.version = join(a, epoch, ":", pk.version);
        }
        if (!pk.version)
                FAIL(HULL_ENOMEM, "out of memory");
        *ret = pk;
        return HULL_OK;
}

int hull_vuln_package_purl(const struct hull_vuln_package *p, struct hull_arena *a,
                           struct hull_purl *ret) {
        struct hull_purl u = {0};
        const char *why, *split;

        if (p->purl)
                return hull_purl_parse(p->purl, a, ret, &why);
        if (!p->ecosystem || !p->name)
                return HULL_EUNSUPPORTED;
        u.name = p->name;
        u.version = p->version;
        for (size_t i = 0; i < ELEMENTSOF(os_types); i++)
                if (strcasecmp(p->ecosystem, os_types[i].ecosystem) == 0) {
                        u.type = os_types[i].type;
                        u.namespace_ = os_types[i].ns;
                        *ret = u;
                        return HULL_OK;
                }
        for (size_t i = 0; i < ELEMENTSOF(lang_types); i++) {
                if (strcasecmp(p->ecosystem, lang_types[i].ecosystem) != 0)
                        continue;
                u.type = lang_types[i].type;
                split = NULL;
                if (strcmp(u.type, "maven") == 0)
                        split = strchr(p->name, ':');
                else if (strcmp(u.type, "npm") == 0 || strcmp(u.type, "golang") == 0)
                        split = strrchr(p->name, '/');
                if (split && split > p->name && split[1]) {
                        u.namespace_ = hull_arena_strndup(a, p->name, (size_t)(split - p->name));
                        u.name = split + 1;
                        if (!u.namespace_)
                                return HULL_ENOMEM;
                }
                *ret = u;
                return HULL_OK;
        }
        return HULL_EUNSUPPORTED;
}
