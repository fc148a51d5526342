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
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
diff_init "$@"

diff_need $py -c 'import packaging.version' -- python3 python3-packaging
oracle_version="packaging $($py -c 'import packaging; print(packaging.__version__)'), python $($py -c 'import platform; print(platform.python_version())')"

# The generator: PyPI-style versions and mutations (characters deleted,
# inserted, doubled, swapped; pieces truncated).  A few versions carry the
# non-ASCII letters Python's case-insensitive regex lets through (U+0130,
# U+0131, U+017F, U+212A) or Unicode white space.
diff_generate $py <<'EOF'
import vdiff

r = vdiff.rng(3)

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
    return vdiff.typo(v, ".-_+!abcdeprvAB0129 ")

def clean(v):
    v = v.replace("\t", "").replace("\n", "").replace("\r", "")
    return v if len(v.encode()) <= 256 else v.encode()[:256].decode("utf-8", "ignore")

vdiff.related_pairs(version, related, mutate, clean)
EOF

cat >"$work/oracle.py" <<'EOF'
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
for line in sys.stdin.buffer.read().split(b"\n")[:-1]:
    a, b = (parse(x) for x in line.split(b"\t", 1))
    out.append("error" if a is None or b is None else str((a > b) - (a < b)))
sys.stdout.write("\n".join(out) + "\n")
EOF
diff_compare $py "$work/oracle.py"
diff_report "$oracle_version"
