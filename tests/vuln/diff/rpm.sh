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
. "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
diff_init "$@"

diff_need "$py" -c 'import rpm' -- python3-rpm
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
diff_generate <<'EOF'
import vdiff
from vdiff import append, cut, delete, insert, repeat, swap

r = vdiff.rng(23)

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

def dots(s, i):
    return s.replace(".", r.choice(["_", "+", "~", "^", ".."]), 1)

def mutate(s):
    return vdiff.edits(s, [(0.2, delete), (0.35, insert(ALLOWED)), (0.45, insert(REFUSED)),
                           (0.6, insert("0123456789")), (0.7, insert("abcxyzABCZ")),
                           (0.8, swap), (0.85, repeat), (0.9, cut),
                           (0.95, append(["~", "^", "-", ":", "-0", "-1", ".0", "_1", "~rc1",
                                          "^git1", "."])),
                           (1, dots)])

def clean(s):
    # the batch format splits lines at '\n' and A at its first TAB
    return s.replace("\n", "").replace("\x00", "")

vdiff.swapped_pairs(evr, mutate, clean)
EOF

diff_compare "$py" "$work/oracle.py"
diff_report --valid "python3-rpm $oracle_version labelCompare"
