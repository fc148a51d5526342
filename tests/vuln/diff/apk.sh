#!/bin/bash
# apk.sh - differential check of `hullscan version compare apk` against the
# apk-tools 3 version rules.
#
# usage: tests/vuln/diff/apk.sh [--pairs N] [--hullscan PATH] [--seed S]
#                               [--corpus DIR]
#
# Debian 12 packages no apk-tools (apt-cache has no apk-tools, and
# Alpine's apk-tools 3 is not on the machine), so the oracle is a second,
# independent implementation in Python written from apk-tools 3's rules
# (src/version.c: digit{.digit}...{letter}{_suf{#}}...{~hash}{-r#}; no code
# taken from apk-tools).  Before it is trusted it must pass every vector of
# apk-tools' own test/version.data files in shared/corpora/apk-versions
# (--corpus, default ../shared/corpora/apk-versions beside the checkout),
# fuzzy matches included; without the corpus the check stops (exit 2).
# Versions longer than 256 bytes are invalid on both sides.  Generates N
# (default 100000) pairs of realistic Alpine versions (Alpine and Wolfi
# shapes) and mutations from a fixed seed, prints "apk: N pairs, D
# disagreements" and the first 20 disagreements, and exits 1 on any.  A
# pair's answer is -1, 0, 1, or "error" when either version is invalid.
# Run by hand, not by `make check`.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
corpus=$root/../shared/corpora/apk-versions
diff_option --corpus corpus
diff_init "$@"
[ -d "$corpus" ] || { echo "apk.sh: no apk version corpus at '$corpus' (pass --corpus): cannot verify the oracle" >&2; exit 2; }

cat >"$work/oracle.py" <<'PYEOF'
# apk-tools 3 version order, written from its documented rules as a second,
# independent implementation.  "A<TAB>B" lines in, -1/0/1/error out;
# --selftest DIR checks it against apk-tools' test/version.data files.
import os, re, sys

PRE = ['alpha', 'beta', 'pre', 'rc']
POST = ['cvs', 'svn', 'git', 'hg', 'p']
SUFFIX_RANK = {s: i - len(PRE) for i, s in enumerate(PRE)}       # < 0
SUFFIX_RANK.update({s: i + 1 for i, s in enumerate(POST)})        # > 0
# token kinds, in the order they may follow each other
INITIAL, DIGIT, LETTER, SUFFIX, SUFFIX_NO, HASH, REVISION, END = range(8)
M64 = (1 << 64) - 1
NUM = re.compile(r'[0-9]+')
LOW = re.compile(r'[a-z]*')
HEX = re.compile(r'[0-9a-f]+')

def tokens(s):
    """[(kind, key)] or None when s is not a valid version."""
    m = NUM.match(s)
    if not m or len(s) > 256:
        return None
    out = [(INITIAL, int(m.group()) & M64)]
    i = m.end()
    while i < len(s):
        last, c = out[-1][0], s[i]
        if 'a' <= c <= 'z' and last <= DIGIT:
            out.append((LETTER, c)); i += 1
        elif c == '.' and last <= DIGIT:
            m = NUM.match(s, i + 1)
            if not m:
                return None
            out.append((DIGIT, m.group())); i = m.end()
        elif '0' <= c <= '9' and last == SUFFIX:
            m = NUM.match(s, i)
            out.append((SUFFIX_NO, int(m.group()) & M64)); i = m.end()
        elif c == '_' and last <= SUFFIX_NO:
            m = LOW.match(s, i + 1)
            if m.group() not in SUFFIX_RANK:
                return None
            out.append((SUFFIX, SUFFIX_RANK[m.group()])); i = m.end()
        elif c == '~' and last < HASH:
            m = HEX.match(s, i + 1)
            if not m:
                return None
            out.append((HASH, m.group())); i = m.end()
        elif s.startswith('-r', i) and last < REVISION:
            m = NUM.match(s, i + 2)
            if not m:
                return None
            out.append((REVISION, int(m.group()) & M64)); i = m.end()
        else:
            return None
    return out

def sign(x, y):
    return (x > y) - (x < y)

def key_cmp(kind, x, y):
    if kind == DIGIT:
        # Gentoo's rule: a leading zero on either side compares as text
        if x[0] == '0' or y[0] == '0':
            return sign(x, y)
        return sign(int(x) & M64, int(y) & M64)
    return sign(x, y)

def rank(tok):
    """How a side sorts when the sides' next tokens are of different kinds
    (None: the version ended): a pre-release suffix lowest, then the end,
    then kinds that come later in a version before earlier ones."""
    if tok is None:
        return 1
    if tok[0] == SUFFIX and tok[1] < 0:
        return 0
    return 1 + END - tok[0]

def compare(a, b, fuzzy=False):
    for x, y in zip(a + [None], b + [None]):
        if x is None or y is None or x[0] != y[0]:
            if fuzzy and y is None:
                return 0
            return sign(rank(x), rank(y))
        r = key_cmp(x[0], x[1], y[1])
        if r:
            return r
    return 0

def selftest(d):
    n = bad = 0
    for name in sorted(os.listdir(d)):
        if not name.endswith('.data'):
            continue
        for no, line in enumerate(open(os.path.join(d, name)), 1):
            f = line.split('#')[0].split()
            if not f:
                continue
            n += 1
            if len(f) == 1:
                v = f[0]
                ok = (tokens(v[1:]) is None) if v.startswith('!') else (tokens(v) is not None)
            else:
                a, op, b = f
                neg = op.startswith('!')
                op = op.lstrip('!')
                ta, tb = tokens(a), tokens(b)
                if ta is None or tb is None:
                    # apk-tools compares invalid strings; this oracle
                    # refuses them, as hullscan does (only legacy lines)
                    n -= 1
                    continue
                r = compare(ta, tb, '~' in op)
                allowed = {'<': -1, '=': 0, '>': 1}
                res = {allowed[c] for c in op if c in allowed} | ({0} if '~' in op else set())
                ok = (r in res) != neg
            if not ok:
                bad += 1
                print('selftest: %s:%d: %s' % (name, no, line.rstrip()), file=sys.stderr)
    print('apk oracle selftest: %d vectors, %d failures' % (n, bad), file=sys.stderr)
    return bad == 0

def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--selftest':
        sys.exit(0 if selftest(sys.argv[2]) else 1)
    sep = sys.argv[1] if len(sys.argv) > 1 else '\t'
    out = []
    for line in sys.stdin.buffer.read().decode('latin-1').split('\n')[:-1]:
        a, s, b = line.partition(sep)
        ta, tb = tokens(a), tokens(b)
        if not s or ta is None or tb is None:
            out.append('error')
        else:
            out.append(str(compare(ta, tb)))
    sys.stdout.write('\n'.join(out) + ('\n' if out else ''))

if __name__ == '__main__':
    main()
PYEOF
python3 "$work/oracle.py" --selftest "$corpus"

# The generator: Alpine/Wolfi-shaped versions (dotted numbers, a letter,
# _alpha.._rc and _cvs.._p suffixes with numbers, chains of suffixes,
# ~hash, -rN, dates, leading zeros, numbers past 64 bits) and mutations
# (characters deleted, inserted from valid and invalid sets, doubled,
# swapped; suffix names misspelt, pieces truncated).
diff_generate <<'PYEOF'
import vdiff
from vdiff import cut, delete, insert, repeat, swap

r = vdiff.rng(37)

SUFFIXES = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"]
BADSUF = ["post", "dev", "a", "r", "pr", "gi", "alph", "RC", "P", "", "rc_", "patch"]
BAD = list("-+:/@!#$&*()=,;<>?|[]\\'\" \tAZ\r\x7f\xe9\x01") + ["-r", "~", "_", ".", ".."]

def num():
    x = r.random()
    if x < 0.7:
        return str(r.randint(0, 20))
    if x < 0.9:
        return str(r.randint(0, 20250101))
    if x < 0.95:
        return "0" * r.randint(1, 3) + str(r.randint(0, 99))
    if x < 0.97:
        return str(r.choice([2**64 - 1, 2**64, 2**64 + 1, 2**65 + 3]))
    return str(r.randint(0, 10 ** r.randint(10, 30)))

def version():
    s = num()
    for _ in range(r.choice([0, 1, 1, 2, 2, 2, 3, 4])):
        s += "." + num()
    if r.random() < 0.1:
        s += r.choice("abcdefghijklmnopqrstuvwxyz")
    for _ in range(r.choice([0, 0, 0, 1, 1, 2])):
        s += "_" + r.choice(SUFFIXES) + (num() if r.random() < 0.6 else "")
    if r.random() < 0.1:
        s += "~" + "".join(r.choice("0123456789abcdef") for _ in range(r.randint(1, 12)))
    if r.random() < 0.8:
        s += "-r" + str(r.choice([0, 0, 1, 2, 3, 10, r.randint(0, 500)]))
    return s

def tail(s, i):
    return s + r.choice(["_" + r.choice(SUFFIXES + BADSUF) + r.choice(["", "1", "01"]),
                         "-r1", "~a1", "a", ".0", ".00", "_p"])

def misspell(s, i):
    for suf in SUFFIXES:
        if "_" + suf in s:
            return s.replace("_" + suf, "_" + r.choice(SUFFIXES + BADSUF), 1)
    return s

def mutate(s):
    return vdiff.edits(s, [(0.2, delete), (0.3, insert([".", "_", "~", "-r"])),
                           (0.4, insert(BAD)), (0.55, insert("0123456789")),
                           (0.65, insert("abcdefxyz")), (0.72, swap), (0.78, repeat),
                           (0.85, cut), (0.92, tail), (1, misspell)])

def tweak(s):
    """A near version that usually stays valid: a number changed, a
    component, suffix, hash or revision added, dropped or changed."""
    import re as _re
    x = r.random()
    nums = list(_re.finditer(r"[0-9]+", s))
    if x < 0.35 and nums:
        m = r.choice(nums)
        return s[:m.start()] + r.choice([num(), str(int(m.group()) + 1), "0" + m.group(), m.group().lstrip("0") or "0"]) + s[m.end():]
    if x < 0.5:
        k = s.find("_") if "_" in s else s.find("~") if "~" in s else s.find("-r") if "-r" in s else len(s)
        return s[:k] + "." + num() + s[k:]
    if x < 0.65:
        k = s.find("~") if "~" in s else s.find("-r") if "-r" in s else len(s)
        return s[:k] + "_" + r.choice(SUFFIXES) + (num() if r.random() < 0.5 else "") + s[k:]
    if x < 0.75:
        k = s.find("-r") if "-r" in s else len(s)
        return s[:k] + ("" if "~" in s else "~" + "".join(r.choice("0123456789abcdef") for _ in range(r.randint(1, 8)))) + s[k:]
    if x < 0.9:
        k = s.find("-r")
        return (s if k < 0 else s[:k]) + ("-r" + num() if r.random() < 0.8 else "")
    for suf in SUFFIXES:
        if "_" + suf in s:
            return s.replace("_" + suf, "_" + r.choice(SUFFIXES), 1)
    return s + r.choice("abcxyz") if s[-1:].isdigit() and "_" not in s and "-" not in s and "~" not in s else s

def clean(s):
    # the batch format splits lines at '\n' and A at its first TAB
    return s.replace("\n", "").replace("\x00", "")

vdiff.swapped_pairs(version, mutate, clean, near=[(0.3, tweak), (0.5, mutate)])
PYEOF

diff_compare python3 "$work/oracle.py"
diff_report --valid "independent apk-tools 3 rules in Python, corpus-checked"
