#!/bin/bash
# pep440.sh - differential check of `hullscan version compare pep440`
# against packaging.version.Version (pypa/packaging, as pip and PyPI use).
#
# usage: tests/vuln/diff/pep440.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# Installs its oracle when missing: Debian's python3-packaging, run with
# Debian's /usr/bin/python3 (another python3 on PATH may lack it).
# Generates N (default 100000) pairs of realistic PyPI versions (epochs,
# pre/post/dev releases in every spelling and separator, local versions,
# case, white space, leading zeros) and mutations of them from a fixed
# seed, asks Version() and hullscan's batch mode for every pair, prints
# "pep440: N pairs, D disagreements" and the first 20 disagreements, and
# exits 1 on any.  A pair's answer is -1, 0, 1, or "error" when either
# version raises InvalidVersion (or is over hullscan's 256-byte limit).
# Run by hand, not by `make check`.
set -euo pipefail

pairs=100000
seed=1
root=$(cd "$(dirname "$0")/../../.." && pwd)
hullscan=$root/build/hullscan
py=/usr/bin/python3

while [ $# -gt 0 ]; do
        case $1 in
        --pairs) pairs=$2; shift 2 ;;
        --hullscan) hullscan=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "pep440.sh: unknown argument '$1'" >&2; exit 2 ;;
        esac
done
[ -x "$hullscan" ] || { echo "pep440.sh: no hullscan at '$hullscan' (build it or pass --hullscan)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! $py -c 'import packaging.version' 2>/dev/null; then
        apt-get install -y python3 python3-packaging >&2
fi
oracle_version="packaging $($py -c 'import packaging; print(packaging.__version__)'), python $($py -c 'import platform; print(platform.python_version())')"

# The generator: PyPI-style versions and mutations (characters deleted,
# inserted, doubled, swapped; pieces truncated).  A few versions carry the
# non-ASCII letters Python's case-insensitive regex lets through (U+0130,
# U+0131, U+017F, U+212A) or Unicode white space.
$py - "$pairs" "$seed" >"$work/pairs" <<'EOF'
import random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed * 7919 + 3)

PRE = ["a", "b", "c", "rc", "alpha", "beta", "pre", "preview", "A", "B", "RC", "Alpha",
       "BETA", "Pre", "PREVIEW", "C"]
POST = ["post", "rev", "r", "POST", "Rev", "R"]
SEP = ["", "", "", ".", "-", "_"]
WS = [" ", "  ", "\v", "\f", "\x1c", "\x1f", "\u00a0", "\u0085", "\u3000", "\u2028",
      "\u2009", "\ufeff", "\u180e"]
ODD = ["\u0130", "\u0131", "\u017f", "\u212a"]

def num():
    x = r.random()
    if x < 0.6:
        return str(r.randint(0, 12))
    if x < 0.85:
        return str(r.randint(0, 3000))
    if x < 0.92:
        return "0" * r.randint(1, 3) + str(r.randint(0, 20))
    return str(r.randint(0, 10**r.randint(1, 40)))

def local():
    segs = []
    for _ in range(r.randint(1, 4)):
        x = r.random()
        if x < 0.35:
            segs.append(str(r.randint(0, 100)) if r.random() < 0.8 else "0" + str(r.randint(0, 9)))
        elif x < 0.7:
            segs.append(r.choice(["ubuntu", "cpu", "cu118", "local", "abc", "ABC", "deadbeef",
                                  "g1234abc", "dev", "post", "a", "z", "1a", "a1"]))
        else:
            segs.append("".join(r.choice("abcxyzABC0129") for _ in range(r.randint(1, 6))))
    out = segs[0]
    for s in segs[1:]:
        out += r.choice(".-_") + s
    return out

def version():
    v = ""
    if r.random() < 0.1:
        v += num() + "!"
    v += ".".join(num() for _ in range(r.choice([1, 2, 2, 3, 3, 3, 4, 5])))
    if r.random() < 0.35:
        v += r.choice(SEP) + r.choice(PRE) + r.choice(SEP) + (num() if r.random() < 0.8 else "")
    if r.random() < 0.2:
        if r.random() < 0.3:
            v += "-" + num()
        else:
            v += r.choice(SEP) + r.choice(POST) + r.choice(SEP) + (num() if r.random() < 0.8 else "")
    if r.random() < 0.2:
        v += r.choice(SEP) + r.choice(["dev", "DEV", "Dev"]) + r.choice(SEP) + (num() if r.random() < 0.8 else "")
    if r.random() < 0.15:
        v += "+" + local()
    if r.random() < 0.05:
        v = r.choice(["v", "V"]) + v
    if r.random() < 0.03:
        v = r.choice(WS) + v
    if r.random() < 0.03:
        v += r.choice(WS)
    if r.random() < 0.01:
        # a letter i, s or k spelt with its non-ASCII case-insensitive match
        for a, b in (("i", "\u0130"), ("i", "\u0131"), ("s", "\u017f"), ("k", "\u212a")):
            if a in v and r.random() < 0.5:
                v = v.replace(a, b, 1)
    return v

def related(v):
    x = r.random()
    base = v.split("+")[0]
    if x < 0.2:
        return base
    if x < 0.35:
        return base + "+" + local()
    if x < 0.5:
        return base + ".0"
    if x < 0.6:
        return v.upper()
    if x < 0.7:
        return base + r.choice(SEP) + r.choice(["dev", "post", "a", "rc"]) + r.choice(["", "0", "1"])
    return v

def mutate(v):
    if not v:
        return v
    i = r.randrange(len(v))
    x = r.random()
    if x < 0.25:
        return v[:i] + v[i + 1:]
    if x < 0.5:
        return v[:i] + r.choice(".-_+!abcdeprvAB0129 ") + v[i:]
    if x < 0.65:
        return v[:i] + v[i] + v[i:]
    if x < 0.8 and i + 1 < len(v):
        return v[:i] + v[i + 1] + v[i] + v[i + 2:]
    return v[:i]

def clean(v):
    v = v.replace("\t", "").replace("\n", "").replace("\r", "")
    return v if len(v.encode()) <= 256 else v.encode()[:256].decode("utf-8", "ignore")

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
sys.stdout.buffer.write("".join(out).encode())
EOF

$py - "$work/pairs" >"$work/oracle.out" <<'EOF'
import sys
from packaging.version import Version, InvalidVersion

def parse(s):
    if len(s) > 256:                   # hullscan's HULL_MAX_VERSION_BYTES
        return None
    try:
        return Version(s.decode("utf-8", "surrogateescape"))
    except InvalidVersion:
        return None

out = []
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    a, b = (parse(x) for x in line.split(b"\t", 1))
    out.append("error" if a is None or b is None else str((a > b) - (a < b)))
sys.stdout.write("\n".join(out) + "\n")
EOF
"$hullscan" version compare pep440 <"$work/pairs" >"$work/hull.out"

python3 - "$work/pairs" "$work/oracle.out" "$work/hull.out" "pep440" "$oracle_version" <<'EOF'
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
    print(f"  {a.decode(errors='replace')!r} vs {b.decode(errors='replace')!r}: oracle {w}, hullscan {g}")
counts = {k: want.count(k) for k in ("-1", "0", "1", "error")}
print("  oracle answers: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
sys.exit(1 if bad else 0)
EOF
