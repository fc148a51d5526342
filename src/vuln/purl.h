/* purl.h - package URLs (https://github.com/package-url/purl-spec) read
 * into their parts, and into the package model of match.h.
 *
 *   pkg:TYPE/NAMESPACE/NAME@VERSION?KEY=VALUE&...#SUBPATH
 *
 * Parsing follows the specification's "how to parse" steps: the subpath
 * after the last '#', the qualifiers after the last '?', the scheme "pkg:"
 * (any case; slashes after it are tolerated), the type up to the first
 * '/' (lowercased), the version after an '@' that follows the last '/',
 * the name as the last segment and the namespace as the segments before
 * it; every part percent-decoded.  Refused (HULL_EPARSE with a reason): no
 * "pkg:" scheme, an empty type or name, a type with other characters than
 * letters, digits, '.', '+', '-', bad percent escapes, a decoded NUL,
 * a qualifier without '=' or with an empty key.  Purls longer than
 * HULL_MAX_PURL_BYTES are refused (HULL_ELIMIT).
 *
 * The package a purl names (hull_vuln_package_from_purl):
 *   deb     debian -> Debian, ubuntu -> Ubuntu; release from the distro
 *           qualifier ("debian-11.6" -> "11", "bookworm" -> "12",
 *           "ubuntu-22.04" or "jammy" -> "22.04"); source package from the
 *           upstream qualifier ("openssl" or "openssl@3.0.11-1")
 *   apk     alpine -> Alpine (distro "alpine-3.18.4" -> "3.18.4", which
 *           matching reads as v3.18), wolfi -> Wolfi, chainguard ->
 *           Chainguard; origin from the upstream qualifier
 *   rpm     redhat -> Red Hat, rocky -> Rocky Linux ("rocky-9.2" -> "9"),
 *           almalinux -> AlmaLinux ("almalinux-9.2" -> "9"), opensuse ->
 *           openSUSE, suse/sles -> SUSE; the epoch qualifier prefixes the
 *           version ("1:"); the source RPM from the upstream qualifier
 *           ("openssl-3.0.7-16.el9.src.rpm" -> openssl).  Red Hat and SUSE
 *           releases are product streams a purl does not carry: none.
 *   npm     npm, "@scope/name";  pypi  PyPI;  maven  Maven, "group:artifact";
 *   golang  Go, "host/path/name";  gem  RubyGems;  cargo  crates.io;
 *   composer, nuget, hex, pub, hackage, cran, conan, swift: their OSV
 *           ecosystem names (Packagist, NuGet, ...), which matching counts as
 *           unknown; other namespaces of deb, apk and rpm likewise (the
 *           namespace is the ecosystem).
 * Other types (oci, docker, generic, github, ...) name no package in an
 * ecosystem: HULL_EUNSUPPORTED.  A purl without a version is HULL_EPARSE
 * for a package ("no version").
 *
 * Ownership: every string lives in the arena given. */
#ifndef HULL_VULN_PURL_H
#define HULL_VULN_PURL_H

#include <stddef.h>

#include "basic/arena.h"
#include "vuln/match.h"

#define HULL_MAX_PURL_BYTES 4096u

struct hull_purl_qualifier {
        const char *key, *value;
};

struct hull_purl {
        const char *type;       /* lowercase */
        const char *namespace_; /* decoded segments joined by '/'; NULL when none */
        const char *name;
        const char *version; /* NULL when none */
        const char *subpath; /* NULL when none */
        struct hull_purl_qualifier *qualifiers;
        size_t n_qualifiers;
};

/* Parse s.  HULL_OK, HULL_EPARSE or HULL_ELIMIT with *ret_why (a static
 * string) saying what is wrong; HULL_ENOMEM. */
int hull_purl_parse(const char *s, struct hull_arena *a, struct hull_purl *ret,
                    const char **ret_why);

/* The value of qualifier key (lowercase), or NULL. */
const char *hull_purl_qualifier(const struct hull_purl *p, const char *key);

/* Fill *ret (zeroed first; ret->purl = s) from purl s.  HULL_OK; HULL_EPARSE
 * or HULL_ELIMIT (a bad purl, or no version), HULL_EUNSUPPORTED (a type that
 * is not a package ecosystem), with *ret_why; HULL_ENOMEM. */
int hull_vuln_package_from_purl(const char *s, struct hull_arena *a, struct hull_vuln_package *ret,
                                const char **ret_why);

/* The purl of package p as parts: p->purl parsed when it has one, else one
 * made of its ecosystem, name and version (Debian -> pkg:deb/debian/NAME@V,
 * npm "@scope/x" -> pkg:npm/@scope/x@V, Maven "g:a" -> pkg:maven/g/a@V,
 * ...), without qualifiers.  HULL_OK; HULL_EUNSUPPORTED for an ecosystem
 * with no purl type here; HULL_EPARSE when p->purl cannot be read;
 * HULL_ENOMEM. */
int hull_vuln_package_purl(const struct hull_vuln_package *p, struct hull_arena *a,
                           struct hull_purl *ret);

#endif
