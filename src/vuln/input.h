/* input.h - what `hullscan vuln` reads: the packages of a JSON package
 * list, a CycloneDX JSON SBOM or an SPDX JSON SBOM, as match.h's model.
 *
 * The format is told by the document's shape:
 *   an array      a package list: objects {"ecosystem": "Debian:11",
 *                 "name": "openssl", "version": "3.0.11-1~deb12u2"} with
 *                 optional "purl", "source" (source package),
 *                 "source_version" and "location" strings.  "Debian:11" is
 *                 ecosystem Debian, release 11 (split at the first ':').
 *                 Members not named here are ignored (later producers may
 *                 add some); a named one of the wrong type, or a missing
 *                 or empty ecosystem, name or version, is an error with its
 *                 JSON path ("[3].version").
 *   an object with "bomFormat": "CycloneDX"   components[] (nested
 *                 components too) with a purl; Trivy's properties
 *                 aquasecurity:trivy:SrcName/SrcVersion/SrcRelease/SrcEpoch
 *                 give the source package, aquasecurity:trivy:FilePath or
 *                 syft:location:0:path the location.
 *   an object with "spdxVersion"   packages[] with an externalRefs[] entry
 *                 of referenceType "purl" (category PACKAGE-MANAGER or
 *                 PACKAGE_MANAGER); sourceInfo "built package from: NAME
 *                 VERSION" (Syft, Trivy) gives the source package.
 * In SBOMs, packages come from purls (purl.h); an entry without a purl
 * (files, the operating system, the image itself) is skipped and counted,
 * as is a purl of a type that names no ecosystem (pkg:oci, pkg:generic) and
 * a purl that cannot be read (the first few named in notes).  CycloneDX XML
 * and SPDX tag-value are refused with a message saying so.
 *
 * Bounds: HULL_MAX_SBOM_BYTES (the caller reads at most that), and
 * hull_json_read()'s depth and value limits, HULL_MAX_SBOM_JSON_DEPTH and
 * HULL_MAX_SBOM_JSON_VALUES; more than HULL_MAX_SBOM_PACKAGES packages is
 * HULL_ELIMIT.
 *
 * Ownership: packages, notes and their strings live in the arena given;
 * the input bytes may be freed on return. */
#ifndef HULL_VULN_INPUT_H
#define HULL_VULN_INPUT_H

#include <stddef.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "vuln/match.h"

enum hull_vuln_input_format {
        HULL_VULN_INPUT_PACKAGES,
        HULL_VULN_INPUT_CYCLONEDX,
        HULL_VULN_INPUT_SPDX,
        _HULL_VULN_INPUT_MAX,
};

/* "package list", "CycloneDX", "SPDX". */
const char *hull_vuln_input_format_to_string(enum hull_vuln_input_format f);

#define HULL_VULN_INPUT_MAX_NOTES 5u

struct hull_vuln_input {
        enum hull_vuln_input_format format;
        struct hull_vuln_package *packages;
        size_t n, cap;
        size_t no_purl;     /* SBOM entries without a purl */
        size_t unsupported; /* purls of types that name no ecosystem */
        size_t bad_purl;    /* purls that cannot be read or have no version */
        const char *notes[HULL_VULN_INPUT_MAX_NOTES]; /* the first bad purls, with their path */
        size_t n_notes;
};

/* Read the document data[0..len); name is used in messages.  Errors:
 * HULL_EPARSE (not JSON, not one of the three formats, a malformed package
 * list), HULL_ELIMIT, HULL_ENOMEM; d names the input, the JSON path or the
 * line and column. */
int hull_vuln_input_parse(const char *data, size_t len, const char *name, struct hull_arena *a,
                          struct hull_vuln_input *ret, struct hull_diag *d);

#endif
