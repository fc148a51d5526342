#!/bin/bash
# go.sh - differential check of `hullscan version compare go` against
# golang.org/x/mod/semver (IsValid, Compare: the go command's own order).
#
# usage: tests/vuln/diff/go.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# Installs its oracle when missing: Debian's golang-go and
# golang-golang-x-mod-dev (x/mod's source under /usr/share/gocode, built
# in GOPATH mode with GO111MODULE=off: no module proxy needed).  Generates
# N (default 100000) pairs of realistic Go module versions (releases,
# shorthands, pre-releases, pseudo-versions, +incompatible) and mutations
# of them from a fixed seed, asks the oracle and hullscan's batch mode for
# every pair, prints "go: N pairs, D disagreements" and the first 20
# disagreements, and exits 1 on any.  A pair's answer is -1, 0, 1, or
# "error" when either version is invalid.  x/mod wants a leading 'v'; OSV
# writes Go versions without it, and hullscan reads a version without 'v'
# as if it had one (src/vuln/version_go.c): the oracle does the same
# before calling x/mod.  Run by hand, not by `make check`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
gopath=/usr/share/gocode
diff_init "$@"

diff_need command -v go -- golang-go golang-golang-x-mod-dev
diff_need test -f $gopath/src/golang.org/x/mod/semver/semver.go -- golang-go golang-golang-x-mod-dev
oracle_version="x/mod $(dpkg-query -W -f='${Version}' golang-golang-x-mod-dev 2>/dev/null || echo '?'), $(go version | cut -d' ' -f3)"

cat >"$work/oracle.go" <<'EOF'
// Reads "A\tB" lines; prints x/mod semver.Compare(A, B), or "error" when
// either is invalid.  A version without a leading 'v' gets one.
package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/semver"
)

func v(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, _ := strings.Cut(in.Text(), "\t")
		if len(a) > 256 || len(b) > 256 || !semver.IsValid(v(a)) || !semver.IsValid(v(b)) {
			out.WriteString("error\n")
			continue
		}
		out.WriteString(strconv.Itoa(semver.Compare(v(a), v(b))) + "\n")
	}
}
EOF
(cd "$work" && GO111MODULE=off GOPATH=$gopath GOCACHE="$work/cache" GOFLAGS= go build -o oracle oracle.go)

# The generator: module versions as the go command writes them (v1.2.3,
# pre-releases, the three pseudo-version forms, +incompatible, shorthands
# v1 and v1.2), with or without the 'v', and mutations (characters
# deleted, inserted, doubled, swapped; pieces truncated).
diff_generate <<'EOF'
import vdiff

r = vdiff.rng(2)

BIG = ["18446744073709551615", "18446744073709551616", "99999999999999999999",
       "123456789012345678901234567890", "9007199254740993", "4294967296"]
WORDS = ["alpha", "beta", "rc", "pre", "dev", "Alpha", "RC", "a", "b", "x-y", "-", "--",
         "a1", "1a", "0a", "build", "incompatible", "z", "Z", "aa", "ab"]

def num():
    x = r.random()
    if x < 0.6:
        return str(r.randint(0, 12))
    if x < 0.9:
        return str(r.randint(0, 500))
    if x < 0.95:
        return r.choice(BIG)
    if x < 0.97:
        return "0" + str(r.randint(0, 99))
    return str(r.randint(0, 10**r.randint(1, 18)))

def ident():
    x = r.random()
    if x < 0.4:
        return r.choice(WORDS)
    if x < 0.75:
        return str(r.randint(0, 30)) if r.random() < 0.85 else r.choice(BIG)
    if x < 0.77:
        return "0" + str(r.randint(0, 9))
    if x < 0.9:
        return r.choice(WORDS) + str(r.randint(0, 20))
    return "".join(r.choice("abcXYZ019-") for _ in range(r.randint(1, 6)))

def idents():
    return ".".join(ident() for _ in range(r.randint(1, 4)))

def stamp():
    return "%04d%02d%02d%02d%02d%02d" % (r.randint(2018, 2025), r.randint(1, 12), r.randint(1, 28),
                                       r.randint(0, 23), r.randint(0, 59), r.randint(0, 59))

def rev():
    return "".join(r.choice("0123456789abcdef") for _ in range(12))

def pseudo():
    x = r.random()
    maj = str(r.randint(0, 3))
    if x < 0.4:   # vX.0.0-yyyymmddhhmmss-abcdefabcdef
        return "v%s.0.0-%s-%s" % (maj, stamp(), rev())
    if x < 0.7:   # vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef
        return "v%s.%d.%d-0.%s-%s" % (maj, r.randint(0, 9), r.randint(1, 9), stamp(), rev())
    # vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef
    return "v%s.%d.%d-%s.0.%s-%s" % (maj, r.randint(0, 9), r.randint(0, 9), ident(), stamp(), rev())

def version():
    x = r.random()
    if x < 0.2:
        v = pseudo()
    else:
        v = "v" + num()
        y = r.random()
        if y < 0.08:
            pass
        elif y < 0.16:
            v += "." + num()
        else:
            v += "." + num() + "." + num()
        if r.random() < 0.3:
            v += "-" + idents()
    if r.random() < 0.1:
        v += "+incompatible" if r.random() < 0.7 else "+" + idents()
    if r.random() < 0.35:
        v = v[1:]          # OSV writes Go versions without the 'v'
    elif r.random() < 0.02:
        v = r.choice(["V", "vv", " ", "=", "v "]) + v
    return v

def related(v):
    x = r.random()
    core = v.split("-")[0].split("+")[0]
    if x < 0.25:
        return core + "-" + idents()
    if x < 0.4:
        return core
    if x < 0.5:
        return v.split("+")[0] + "+" + idents()
    if x < 0.6:
        return v[1:] if v.startswith("v") else "v" + v
    if x < 0.7:
        return core.rstrip("0").rstrip(".") if core.count(".") == 2 else core + ".0"
    return v

def mutate(v):
    return vdiff.typo(v, ".-+_~abcAB0129 vV")

def clean(v):
    return v.replace("\t", "").replace("\n", "").replace("\r", "")[:256]

vdiff.related_pairs(version, related, mutate, clean)
EOF

diff_compare "$work/oracle"
diff_report "$oracle_version"
