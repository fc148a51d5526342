/* version_rpm.c - RPM version ordering, as rpm orders EVRs.
 *
 * Reference: rpm, rpmio/rpmvercmp.c rpmvercmp() (one string), the EVR split
 * of lib/rpmds.c parseEVR() and the tuple order of python/header-py.c
 * labelCompare() (rpm.labelCompare, which the differential check asks).
 *
 * Syntax, [epoch:]version[-release]: the epoch is the leading digits before
 * a ':' (rpm keeps it as a uint32); the release follows the last '-'.
 * rpmvercmp itself accepts any string, so validity follows what rpmbuild
 * lets into a package (build/parsePreamble.c: an unsigned number for
 * Epoch; Version and Release are non-empty single tokens of alphanumerics
 * and "._+%{}~^" (rpmCharCheck), without ".."): an EVR that no package can
 * carry is invalid and never compares.
 *
 * Order (labelCompare): epochs (a missing one is 0), then versions with
 * rpmvercmp, then releases, a missing release sorting before any release.
 * rpmvercmp: skip separators (anything but alphanumerics, '~' and '^');
 * '~' sorts before everything, even the end; '^' sorts after the end but
 * before anything else; then compare one run of digits (numerically, any
 * length) or of letters (bytewise), a digit run beating a letter run;
 * when one string runs out, the longer one wins. */
#include <stdint.h>
#include <string.h>

#include "vuln/version.h"
#include "vuln/version_util.h"

struct rpm_evr {
        uint64_t epoch;
        const char *v, *r; /* r NULL: no release */
        size_t vn, rn;
};

HULL_VERSION_KEY_FITS(struct rpm_evr);

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c) {
        return is_digit(c) || is_alpha(c);
}

/* One Version or Release field as rpmbuild accepts it. */
static bool field_ok(const char *s, size_t n) {
        if (n == 0)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (!is_alnum(s[i]) && !strchr("._+%{}~^", s[i]))
                        return false;
                if (s[i] == '.' && i + 1 < n && s[i + 1] == '.')
                        return false;
        }
        return true;
}

static int rpm_parse(const char *s, size_t n, struct rpm_evr *e) {
        size_t i = 0;

        if (n > HULL_MAX_VERSION_BYTES || memchr(s, '\0', n))
                return -1;
        while (i < n && is_digit(s[i]))
                i++;
        e->epoch = 0;
        if (i < n && s[i] == ':') {
                if (i == 0)
                        return -1; /* empty epoch */
                for (size_t k = 0; k < i; k++) {
                        e->epoch = e->epoch * 10 + (uint64_t)(s[k] - '0');
                        if (e->epoch > UINT32_MAX)
                                return -1;
                }
                i++;
        } else {
                i = 0;
        }
        e->v = s + i;
        e->vn = n - i;
        e->r = NULL;
        e->rn = 0;
        const char *dash = memrchr(e->v, '-', e->vn);
        if (dash) {
                e->r = dash + 1;
                e->rn = (size_t)(s + n - e->r);
                e->vn = (size_t)(dash - e->v);
                if (!field_ok(e->r, e->rn))
                        return -1;
        }
        return field_ok(e->v, e->vn) ? 0 : -1;
}

/* rpmvercmp() on [a, a+an) and [b, b+bn). */
static int rpmvercmp(const char *a, size_t an, const char *b, size_t bn) {
        const char *ae = a + an, *be = b + bn;

        while (a < ae || b < be) {
                while (a < ae && !is_alnum(*a) && *a != '~' && *a != '^')
                        a++;
                while (b < be && !is_alnum(*b) && *b != '~' && *b != '^')
                        b++;

                bool at = a < ae && *a == '~', bt = b < be && *b == '~';
                if (at || bt) {
                        if (!at)
                                return 1;
                        if (!bt)
                                return -1;
                        a++;
                        b++;
                        continue;
                }
                bool ac = a < ae && *a == '^', bc = b < be && *b == '^';
                if (ac || bc) {
                        if (a == ae)
                                return -1;
                        if (b == be)
                                return 1;
                        if (!ac)
                                return 1;
                        if (!bc)
                                return -1;
                        a++;
                        b++;
                        continue;
                }
                if (a == ae || b == be)
                        break;

                const char *as = a, *bs = b;
                bool isnum = is_digit(*a);
                if (isnum) {
                        while (a < ae && is_digit(*a))
                                a++;
                        while (b < be && is_digit(*b))
                                b++;
                } else {
                        while (a < ae && is_alpha(*a))
                                a++;
                        while (b < be && is_alpha(*b))
                                b++;
                }
                /* b's segment is of the other kind (empty here) */
                if (b == bs)
                        return isnum ? 1 : -1;
                if (isnum) {
                        while (as < a && *as == '0')
                                as++;
                        while (bs < b && *bs == '0')
                                bs++;
                        if (a - as != b - bs)
                                return a - as > b - bs ? 1 : -1;
                }
                size_t la = (size_t)(a - as), lb = (size_t)(b - bs);
                int rc = memcmp(as, bs, la < lb ? la : lb);
                if (rc)
                        return rc < 0 ? -1 : 1;
                if (la != lb)
                        return la < lb ? -1 : 1;
        }
        if (a == ae && b == be)
                return 0;
        return a == ae ? -1 : 1;
}

static int rpm_cmp(const struct rpm_evr *ea, const struct rpm_evr *eb) {
        int r;

        if (ea->epoch != eb->epoch)
                r = ea->epoch < eb->epoch ? -1 : 1;
        else if (!(r = rpmvercmp(ea->v, ea->vn, eb->v, eb->vn))) {
                if (ea->r && eb->r)
                        r = rpmvercmp(ea->r, ea->rn, eb->r, eb->rn);
                else if (ea->r || eb->r)
                        r = ea->r ? 1 : -1;
        }
        return r;
}

int hull_version_cmp_rpm(const char *a, size_t an, const char *b, size_t bn, int *ret) {
        struct rpm_evr ea, eb;

        if (rpm_parse(a, an, &ea) < 0 || rpm_parse(b, bn, &eb) < 0)
                return -1;
        *ret = rpm_cmp(&ea, &eb);
        return 0;
}

int hull_version_key_parse_rpm(struct hull_version_key *k) {
        return rpm_parse(k->v, k->n, HULL_VERSION_KEY_AS(struct rpm_evr, k));
}

int hull_version_key_cmp_rpm(const struct hull_version_key *a, const struct hull_version_key *b) {
        return rpm_cmp(HULL_VERSION_KEY_AS(const struct rpm_evr, a),
                       HULL_VERSION_KEY_AS(const struct rpm_evr, b));
}
