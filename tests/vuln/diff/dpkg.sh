#!/bin/bash
# dpkg.sh - differential check of `hullscan version compare dpkg` against
# dpkg itself.
#
# usage: tests/vuln/diff/dpkg.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# The oracle is dpkg's own code: a small program linked with libdpkg
# (libdpkg-dev, installed with apt-get when missing) calling parseversion()
# and dpkg_version_compare(), the functions behind dpkg --compare-versions.
# A version that parseversion() rejects or warns about is "error" (dpkg
# --compare-versions only warns about a non-digit start or a bad character;
# we count those as invalid, as src/vuln/version_dpkg.c documents).  The
# first 500 pairs are also put to `dpkg --compare-versions` itself (any
# message on its standard error = invalid) to show the oracle is dpkg.
# Generates N (default 100000) pairs of realistic Debian versions and
# mutations from a fixed seed, prints "dpkg: N pairs, D disagreements"
# and the first 20 disagreements, and exits 1 on any.  A pair's answer is
# -1, 0, 1, or "error" when either version is invalid.  Run by hand, not by
# `make check`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
diff_init "$@"

diff_need pkg-config --exists libdpkg -- libdpkg-dev
oracle_version=$(dpkg-query -W -f '${Version}' libdpkg-dev)

cat >"$work/oracle.c" <<'EOF'
/* "A<TAB>B" lines in (split at the first TAB), -1/0/1/error out. */
#define LIBDPKG_VOLATILE_API 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dpkg/dpkg.h>
#include <dpkg/dpkg-db.h>
#include <dpkg/version.h>

static int parse(struct dpkg_version *v, const char *s) {
        struct dpkg_error err = {0};
        int r = parseversion(v, s, &err);
        int bad = r < 0 || err.type != DPKG_MSG_NONE;
        dpkg_error_destroy(&err);
        return bad ? -1 : 0;
}

int main(void) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;

        dpkg_program_init("dpkg-oracle");
        while ((n = getline(&line, &cap, stdin)) > 0) {
                struct dpkg_version a, b;
                if (line[n - 1] == '\n')
                        line[--n] = 0;
                char *tab = strchr(line, '\t');
                if (!tab || (size_t)n != strlen(line)) {
                        puts("error");
                        continue;
                }
                *tab = 0;
                if (parse(&a, line) < 0 || parse(&b, tab + 1) < 0) {
                        puts("error");
                        continue;
                }
                int r = dpkg_version_compare(&a, &b);
                puts(r < 0 ? "-1" : r > 0 ? "1" : "0");
        }
        free(line);
        return 0;
}
EOF
cc -O2 -o "$work/oracle" "$work/oracle.c" $(pkg-config --cflags --libs libdpkg)

# The generator: Debian-shaped versions (epochs, upstream numbers and
# letters, ~rc/~beta, +dfsg/+ds/+really, revisions with ubuntu/deb/bpo/b
# suffixes, versions with ':' and '-' inside upstream) and mutations
# (characters deleted, inserted from valid and invalid sets, doubled,
# swapped; numbers lengthened past 64 bits, leading zeros, blanks).
diff_generate <<'EOF'
import vdiff
from vdiff import append, cut, delete, insert, repeat, swap

r = vdiff.rng(11)

WORDS = ["a", "b", "c", "rc", "beta", "alpha", "pre", "git", "svn", "dfsg", "ds", "really",
         "ubuntu", "deb", "bpo", "build", "nmu", "b", "p", "z", "Z", "GA", "OOo", "orig",
         "lts", "esm", "fips", "jammy", "focal", "xenial", "repack", "cvs", "hg", "snapshot"]
SEPS = [".", "+", "~", "-", ":", ".", ".", "+", "~"]
BAD = list("!#@$%&/|\\<>()[]{};,_=*^'\" \t\r\n\x00\x7f\xe9") + ["\x01"]

def num():
    x = r.random()
    if x < 0.7:
        return str(r.randint(0, 20))
    if x < 0.9:
        return str(r.randint(0, 20250101))
    if x < 0.95:
        return "0" * r.randint(1, 3) + str(r.randint(0, 99))
    return str(r.randint(0, 10 ** r.randint(10, 30)))

def upstream():
    parts = [num()]
    for _ in range(r.choice([0, 1, 1, 2, 2, 2, 3, 4])):
        parts.append(r.choice([".", ".", ".", "+", "~", "-"]))
        parts.append(num() if r.random() < 0.7 else r.choice(WORDS) + (num() if r.random() < 0.5 else ""))
    if r.random() < 0.15:
        parts.append(r.choice(["a", "b", "p1", "rc1", "g"]))
    if r.random() < 0.25:
        parts.append(r.choice(["~rc", "~beta", "~alpha", "~pre", "~", "~~", "+dfsg", "+ds", "+git",
                               "+really", "~git", "+repack", ".orig"]) + (num() if r.random() < 0.6 else ""))
    return "".join(parts)

def revision():
    x = r.random()
    base = num()
    if x < 0.3:
        return base
    if x < 0.5:
        return base + "ubuntu" + num() + (("~" + num() + "." + num()) if r.random() < 0.3 else "")
    if x < 0.6:
        return base + "+deb" + num() + "u" + num()
    if x < 0.7:
        return base + "~bpo" + num() + "+" + num()
    if x < 0.8:
        return base + "+b" + num()
    if x < 0.9:
        return base + "." + num()
    return base + r.choice(["~", "+", "."]) + r.choice(WORDS) + num()

def version():
    s = ""
    x = r.random()
    if x < 0.2:
        s += str(r.choice([0, 1, 1, 2, 3, 5, 10, 99])) + ":"
    elif x < 0.22:
        s += r.choice(["2147483647", "2147483648", "-1", "+1", "-0", "00", "1a", "", " 1",
                       "99999999999999999999"]) + ":"
    s += upstream()
    if r.random() < 0.7:
        s += "-" + revision()
    return s

def wrap(s, i):
    return r.choice(["", " ", "\t", "  "]) + s + r.choice(["", " ", "\t"])

def mutate(s):
    return vdiff.edits(s, [(0.2, delete), (0.35, insert(SEPS)), (0.45, insert(BAD)),
                           (0.6, insert("0123456789")), (0.7, insert("abcxyzABCZ")),
                           (0.8, swap), (0.85, repeat), (0.9, wrap), (0.95, cut),
                           (1, append(["~", "-", ":", "-0", "-1", ".0", "+b1", "~rc1"]))])

def clean(s):
    # the batch format splits lines at '\n' and A at its first TAB; a NUL
    # cannot reach either tool (C strings): drop those bytes
    return s.replace("\n", "").replace("\x00", "")

vdiff.swapped_pairs(version, mutate, clean)
EOF

diff_compare "$work/oracle"

# The oracle is dpkg: the first pairs through dpkg --compare-versions
# (skipping empty versions, which the command line takes as "no version").
spot=0 spot_bad=0
while IFS= read -r line && [ $spot -lt 500 ]; do
        a=${line%%$'\t'*} b=${line#*$'\t'}
        { [ -z "$a" ] || [ -z "$b" ]; } && continue
        spot=$((spot + 1))
        if dpkg --compare-versions -- "$a" lt "$b" 2>"$work/err"; then d=-1
        elif [ -s "$work/err" ]; then d=error
        elif dpkg --compare-versions -- "$a" eq "$b" 2>/dev/null; then d=0
        else d=1
        fi
        [ -s "$work/err" ] && d=error
        o=$(printf '%s\n' "$line" | "$work/oracle")
        [ "$d" = "$o" ] || { spot_bad=$((spot_bad + 1)); printf '# dpkg --compare-versions says %s, libdpkg %s: %q\n' "$d" "$o" "$line" >&2; }
done <"$work/pairs"

diff_report --valid --note "$spot checked with dpkg --compare-versions, $spot_bad differ from the oracle" \
        "libdpkg $oracle_version"
[ "$spot_bad" -eq 0 ] || exit 1
