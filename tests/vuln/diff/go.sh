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

pairs=100000
seed=1
root=$(cd "$(dirname "$0")/../../.." && pwd)
hullscan=$root/build/hullscan
gopath=/usr/share/gocode

while [ $# -gt 0 ]; do
        case $1 in
        --pairs) pairs=$2; shift 2 ;;
        --hullscan) hullscan=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "go.sh: unknown argument '$1'" >&2; exit 2 ;;
        esac
done
[ -x "$hullscan" ] || { echo "go.sh: no hullscan at '$hullscan' (build it or pass --hullscan)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v go >/dev/null || [ ! -f $gopath/src/golang.org/x/mod/semver/semver.go ]; then
        apt-get install -y golang-go golang-golang-x-mod-dev >&2
fi
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
python3 - "$pairs" "$seed" >"$work/pairs" <<'EOF'
import random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed * 7919 + 2)

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
    if not v:
        return v
    i = r.randrange(len(v))
    x = r.random()
    if x < 0.25:
        return v[:i] + v[i + 1:]
    if x < 0.5:
        return v[:i] + r.choice(".-+_~abcAB0129 vV") + v[i:]
    if x < 0.65:
        return v[:i] + v[i] + v[i:]
    if x < 0.8 and i + 1 < len(v):
        return v[:i] + v[i + 1] + v[i] + v[i + 2:]
    return v[:i]

def clean(v):
    return v.replace("\t", "").replace("\n", "").replace("\r", "")[:256]

out = []
for _ in range(n):
    a = version()
    x = r.random()
    b = related(a) if x < 0.5 else a if x < 0.55 else version()
    if r.random() < 0.08:
        a = mutate(a)
    if r.random() < 0.08:
        b = mutate(b)
    out.append(clean(a) + "\t" + clean(b) + "\n")
sys.stdout.write("".join(out))
EOF

"$work/oracle" <"$work/pairs" >"$work/oracle.out"
"$hullscan" version compare go <"$work/pairs" >"$work/hull.out"

python3 - "$work/pairs" "$work/oracle.out" "$work/hull.out" "go" "$oracle_version" <<'EOF'
import sys
pairs = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
want = open(sys.argv[2]).read().split("\n")[:-1]
got = open(sys.argv[3]).read().split("\n")[:-1]
scheme, oracle = sys.argv[4], sys.argv[5]
if len(want) != len(pairs) or len(got) != len(pairs):
    print(f"{scheme}: answer count mismatch: {len(pairs)} pairs, oracle {len(want)}, hullscan {len(got)}")
    sys.exit(1)
bad = [(p, w, g) for p, w, g in zip(pairs, want, got) if w != g]
print(f"{scheme}: {len(pairs)} pairs, {len(bad)} disagreements")
print(f"  oracle: {oracle}")
for p, w, g in bad[:20]:
    a, b = p.split(b"\t", 1)
    print(f"  {a!r} vs {b!r}: oracle {w}, hullscan {g}")
counts = {k: want.count(k) for k in ("-1", "0", "1", "error")}
print("  oracle answers: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
sys.exit(1 if bad else 0)
EOF
