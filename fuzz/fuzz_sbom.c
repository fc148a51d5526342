/* fuzz_sbom.c - what `hullscan vuln` reads from users, on arbitrary bytes:
 * the input reader (JSON package lists, CycloneDX and SPDX SBOMs:
 * src/vuln/input.c), package URLs (src/vuln/purl.c), and the two
 * suppression files (ignore files in YAML or JSON, OpenVEX documents:
 * src/vuln/suppress.c).
 *
 * Besides never crashing, accepted input must hold what the headers
 * promise: every package has an ecosystem, a name and a version (non-empty
 * for package lists), at most HULL_MAX_SBOM_PACKAGES of them, notes bounded;
 * a purl read back has a lowercase type and a name; a refusal names its
 * input with a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "basic/arena.h"
#include "basic/diag.h"
#include "basic/err.h"
#include "basic/limits.h"
#include "vuln/input.h"
#include "vuln/purl.h"
#include "vuln/suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok) {
        if (!ok)
                abort();
}

static void check_refusal(int code, const struct hull_diag *d) {
        check(code > 0 && code < _HULL_ERR_MAX && d->code == code && d->msg[0]);
}

static void check_input(const char *data, size_t size) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_input in;
        struct hull_diag d;
        int r;

        hull_diag_init(&d);
        r = hull_vuln_input_parse(data, size, "fuzz.json", &a, &in, &d);
        if (r == HULL_OK) {
                check(in.format >= 0 && in.format < _HULL_VULN_INPUT_MAX);
                check(in.n <= HULL_MAX_SBOM_PACKAGES && in.n_notes <= HULL_VULN_INPUT_MAX_NOTES);
                for (size_t i = 0; i < in.n; i++) {
                        const struct hull_vuln_package *p = &in.packages[i];
                        check(p->ecosystem && p->name && p->version);
                        if (in.format == HULL_VULN_INPUT_PACKAGES)
                                check(p->name[0] && p->version[0]);
                        else
                                check(p->purl != NULL);
                }
                for (size_t i = 0; i < in.n_notes; i++)
                        check(in.notes[i] != NULL);
        } else {
                check_refusal(r, &d);
                check(strcmp(d.file, "fuzz.json") == 0 || strstr(d.msg, "fuzz.json"));
        }
        hull_arena_release(&a);
}

static void check_purl(const char *s) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_package pk;
        struct hull_purl p;
        const char *why = NULL;
        int r;

        r = hull_purl_parse(s, &a, &p, &why);
        if (r == HULL_OK) {
                check(p.type && p.type[0] && p.name && p.name[0]);
                for (const char *t = p.type; *t; t++)
                        check(!(*t >= 'A' && *t <= 'Z'));
                for (size_t i = 0; i < p.n_qualifiers; i++)
                        check(p.qualifiers[i].key[0] && p.qualifiers[i].value);
        } else {
                check(why != NULL);
        }
        r = hull_vuln_package_from_purl(s, &a, &pk, &why);
        if (r == HULL_OK)
                check(pk.ecosystem && pk.name && pk.version && pk.purl == s);
        else
                check(why != NULL);
        hull_arena_release(&a);
}

static void check_suppress(const char *data, size_t size) {
        struct hull_arena a = HULL_ARENA_INIT;
        struct hull_vuln_suppress s;
        struct hull_diag d;
        int r;

        hull_vuln_suppress_init(&s, &a);
        hull_diag_init(&d);
        r = hull_vuln_suppress_load_ignore_data(&s, data, size, "fuzz.yaml", 1767225600, &d);
        if (r == HULL_OK) {
                for (size_t i = 0; i < s.n_ign; i++)
                        check(s.ign[i].id && s.ign[i].reason && s.ign[i].where);
                check(s.n_expired <= s.n_ign);
        } else {
                check_refusal(r, &d);
        }
        hull_diag_init(&d);
        r = hull_vuln_suppress_load_vex_data(&s, data, size, "fuzz.vex", &d);
        if (r == HULL_OK) {
                for (size_t i = 0; i < s.n_vex; i++)
                        check(s.vex[i].n_ids >= 1 && s.vex[i].status < _HULL_VEX_STATUS_MAX &&
                              s.vex[i].where);
        } else {
                check_refusal(r, &d);
        }
        hull_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s;

        check_input((const char *)data, size);
        check_suppress((const char *)data, size);
        /* the bytes as one purl (a C string: up to the first NUL) */
        if (size <= 2 * HULL_MAX_PURL_BYTES && (s = malloc(size + 1))) {
                memcpy(s, data, size);
                s[size] = '\0';
                check_purl(s);
                free(s);
        }
        return 0;
}
