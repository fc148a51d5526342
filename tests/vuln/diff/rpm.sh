#!/bin/bash
# rpm.sh - differential check of `hullscan version compare rpm` against rpm.
#
# usage: tests/vuln/diff/rpm.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# The oracle is rpm's own comparison through its Python bindings
# (python3-rpm, installed with apt-get when missing, run by Debian's
# /usr/bin/python3): the EVR split as lib/rpmds.c parseEVR() does it
# (leading digits and ':' = epoch, last '-' = release), then
# rpm.labelCompare((e, v, r), (e, v, r)).  rpm has no notion of an invalid
# EVR, so validity is written here a second time, independently of
# src/vuln/version_rpm.c, from the rule that file documents (what rpmbuild
# lets into a package: an unsigned 32-bit epoch; version and release
# non-empty, of alphanumerics and "._+%{}~^", without ".."; at most 256
# bytes); a pair with an invalid side must be "error" on both sides.
# Generates N (default 100000) pairs of realistic EVRs (Red Hat, Fedora,
# SUSE, Mageia shapes) and mutations from a fixed seed, prints
# "rpm: N pairs, D disagreements" and the first 20 disagreements, and
# exits 1 on any.  Run by hand, not by `make check`.
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
        -h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "rpm.sh: unknown argument '$1'" >&2; exit 2 ;;
        esac
done
[ -x "$hullscan" ] || { echo "rpm.sh: no hullscan at '$hullscan' (build it or pass --hullscan)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$py" -c 'import rpm' 2>/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y python3-rpm >&2
fi
oracle_version=$("$py" -c 'import rpm; print(rpm.__version__)')

cat >"$work/oracle.py" <<'EOF'
# "A<TAB>B" lines in (split at the first TAB), -1/0/1/error out.
import re, sys
import rpm

FIELD = re.compile(rb"[A-Za-z0-9._+%{}~^]+\Z")

def evr(s):
    """parseEVR's split, or None when no package could carry s."""
    if len(s) > 256:
        return None
    m = re.match(rb"[0-9]*", s)
    if s[m.end():m.end() + 1] == b":":
        e, rest = s[:m.end()], s[m.end() + 1:]
        if not e or int(e) > 0xFFFFFFFF:
            return None
    else:
        e, rest = None, s
    k = rest.rfind(b"-")
    v, r = (rest, None) if k < 0 else (rest[:k], rest[k + 1:])
    for f in (v, r):
        if f is not None and (not FIELD.match(f) or b".." in f):
            return None
    dec = lambda x: None if x is None else x.decode()
    return dec(e), dec(v), dec(r)

out = []
for line in sys.stdin.buffer.read().split(b"\n")[:-1]:
    a, tab, b = line.partition(b"\t")
    ea, eb = evr(a), evr(b)
    if not tab or ea is None or eb is None:
        out.append("error")
        continue
    c = rpm.labelCompare(ea, eb)
    out.append("-1" if c < 0 else "1" if c > 0 else "0")
sys.stdout.write("\n".join(out) + ("\n" if out else ""))
EOF

# The generator: EVRs shaped like Red Hat/CentOS/Rocky (N.el8_6.2,
# module+el8.5.0+...), Fedora (fcNN), SUSE (150400.N.N, lpNNN), Mageia,
# snapshots (~rc, ^git, +git, .git<date>.<hash>), epochs, and mutations
# (characters deleted, inserted from allowed and refused sets, doubled,
# swapped; "..", empty pieces, numbers past 64 bits, leading zeros).
python3 - "$pairs" "$seed" >"$work/pairs" <<'EOF'
import random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed * 7919 + 23)

WORDS = ["a", "b", "rc", "beta", "alpha", "pre", "git", "svn", "p", "GA", "Final", "el", "fc",
         "mga", "lp", "module", "z", "Z", "dev", "snap", "post", "hotfix", "ga", "x", "aa"]
ALLOWED = list("._+~^%{}") + ["_", "~", "^", "."]
REFUSED = list("-:/@!#$&*()=,;<>?|[]\\'\" \t\r\x7f\xe9\x01") + ["..", "-", ":"]

def num():
    x = r.random()
    if x < 0.7:
        return str(r.randint(0, 20))
    if x < 0.9:
        return str(r.randint(0, 20250101))
    if x < 0.95:
        return "0" * r.randint(1, 3) + str(r.randint(0, 99))
    return str(r.randint(0, 10 ** r.randint(10, 30)))

def version():
    parts = [num() if r.random() < 0.95 else r.choice(WORDS)]
    for _ in range(r.choice([0, 1, 1, 2, 2, 2, 3])):
        parts.append(r.choice([".", ".", ".", "_", "+"]))
        parts.append(num() if r.random() < 0.8 else r.choice(WORDS) + (num() if r.random() < 0.5 else ""))
    if r.random() < 0.1:
        parts.append(r.choice(["a", "b", "p1", "rc1", "g"]))
    if r.random() < 0.2:
        parts.append(r.choice(["~rc", "~beta", "~alpha", "~", "^git", "^", "+git", "^20230101git",
                               "~pre", "~~", "^^"]) + (num() if r.random() < 0.6 else ""))
    return "".join(parts)

def release():
    x = r.random()
    base = num()
    if x < 0.3:
        return base + ".el" + num() + ("_" + num() if r.random() < 0.5 else "") + ("." + num() if r.random() < 0.3 else "")
    if x < 0.4:
        return base + ".module+el8." + num() + ".0+" + num() + "+" + num()
    if x < 0.5:
        return base + ".fc" + str(r.randint(30, 42))
    if x < 0.6:
        return "150" + str(r.randint(0, 6)) + "00." + num() + "." + num()
    if x < 0.65:
        return "lp" + str(r.randint(150, 156)) + "." + num() + "." + num()
    if x < 0.7:
        return base + ".mga" + num()
    if x < 0.8:
        return base + ".git" + str(r.randint(20100101, 20251231)) + "." + "".join(r.choice("0123456789abcdef") for _ in range(7))
    if x < 0.9:
        return base
    return base + r.choice(["~", "^", ".", "_"]) + r.choice(WORDS) + num()

def evr():
    s = ""
    x = r.random()
    if x < 0.25:
        s += str(r.choice([0, 0, 1, 1, 2, 3, 5, 10, 99])) + ":"
    elif x < 0.27:
        s += r.choice(["4294967295", "4294967296", "00", "01", "", "99999999999999999999"]) + ":"
    s += version()
    if r.random() < 0.85:
        s += "-" + release()
    return s

def mutate(s):
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        x = r.random()
        i = r.randint(0, len(s))
        if x < 0.2 and s:
            j = r.randrange(len(s))
            s = s[:j] + s[j + 1:]
        elif x < 0.35:
            s = s[:i] + r.choice(ALLOWED) + s[i:]
        elif x < 0.45:
            s = s[:i] + r.choice(REFUSED) + s[i:]
        elif x < 0.6:
            s = s[:i] + r.choice("0123456789") + s[i:]
        elif x < 0.7:
            s = s[:i] + r.choice("abcxyzABCZ") + s[i:]
        elif x < 0.8 and len(s) > 1:
            j = r.randrange(len(s) - 1)
            s = s[:j] + s[j + 1] + s[j] + s[j + 2:]
        elif x < 0.85:
            s = s[:i] + s[i:i + r.randint(1, 4)] + s[i:]
        elif x < 0.9:
            s = s[:i]
        elif x < 0.95:
            s = s + r.choice(["~", "^", "-", ":", "-0", "-1", ".0", "_1", "~rc1", "^git1", "."])
        else:
            s = s.replace(".", r.choice(["_", "+", "~", "^", ".."]), 1)
    return s

def clean(s):
    # the batch format splits lines at '\n' and A at its first TAB
    return s.replace("\n", "").replace("\x00", "")

out = []
for _ in range(n):
    a = evr()
    if r.random() < 0.3:
        a = mutate(a)
    x = r.random()
    if x < 0.5:
        b = mutate(a)
    elif x < 0.6:
        b = a
    else:
        b = evr()
        if r.random() < 0.3:
            b = mutate(b)
    a, b = clean(a).replace("\t", " "), clean(b)
    if r.random() < 0.5:
        a, b = b.replace("\t", " "), a
    out.append(a + "\t" + b)
sys.stdout.buffer.write(("\n".join(out) + "\n").encode("latin-1"))
EOF

"$py" "$work/oracle.py" <"$work/pairs" >"$work/want"
"$hullscan" version compare rpm <"$work/pairs" >"$work/got"

python3 - "$work/pairs" "$work/want" "$work/got" rpm "python3-rpm $oracle_version labelCompare" <<'EOF'
import sys
pairs = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
want = open(sys.argv[2]).read().split("\n")[:-1]
got = open(sys.argv[3]).read().split("\n")[:-1]
scheme, oracle = sys.argv[4], sys.argv[5]
if not (len(pairs) == len(want) == len(got)):
    print("%s: answer counts differ: %d pairs, oracle %d, hullscan %d" % (scheme, len(pairs), len(want), len(got)))
    sys.exit(1)
bad = [i for i in range(len(pairs)) if want[i] != got[i]]
valid = sum(1 for w in want if w != "error")
print("%s: %d pairs, %d disagreements" % (scheme, len(pairs), len(bad)))
print("  oracle %s; %d pairs both valid, %d with an invalid version" % (oracle, valid, len(pairs) - valid))
for i in bad[:20]:
    a, _, b = pairs[i].partition(b"\t")
    print("  %r vs %r: oracle %s, hullscan %s" % (a, b, want[i], got[i]))
sys.exit(1 if bad else 0)
EOF
