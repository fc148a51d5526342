#!/bin/bash
# semver.sh - differential check of `hullscan version compare semver`
# against node-semver (npm "semver", the reference for npm version order).
#
# usage: tests/vuln/diff/semver.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# Installs its oracle when missing: nodejs and npm from Debian if there is
# no node, then `npm install semver` into a temporary directory.  Generates
# N (default 100000) pairs of realistic npm versions and mutations of them
# from a fixed seed, asks semver.valid() / semver.compare() (default,
# strict options, as src/vuln/version_semver.c documents) and hullscan's
# batch mode for every pair, prints "semver: N pairs, D disagreements"
# and the first 20 disagreements, and exits 1 on any.  A pair's answer is
# -1, 0, 1, or "error" when either version is invalid.  Run by hand, not
# by `make check` (it needs the npm registry).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
diff_init "$@"

diff_need command -v node -- nodejs npm
diff_need command -v npm -- nodejs npm
(cd "$work" && npm install --silent --no-audit --no-fund --no-save semver >/dev/null)
oracle_version=$(node -p "require('$work/node_modules/semver/package.json').version")

# The generator: npm-style versions (ranges of real shapes: prereleases,
# builds, big numbers near 2^53, v/= prefixes, white space) and mutations
# (characters deleted, inserted, doubled, swapped; pieces truncated).
diff_generate <<'EOF'
import vdiff

r = vdiff.rng(1)

BIG = ["9007199254740990", "9007199254740991", "9007199254740992", "9007199254740993",
       "9007199254740999", "10000000000000000", "99999999999999999999",
       "123456789012345678901234567890", "18446744073709551615", "18446744073709551616"]
WORDS = ["alpha", "beta", "rc", "pre", "dev", "next", "canary", "snapshot", "insiders",
         "nightly", "experimental", "Alpha", "BETA", "RC", "r", "a", "b", "x-y", "-",
         "--", "a1", "1a", "0a", "a-1", "build", "SNAPSHOT", "z", "Z", "aa", "ab"]
WS = [" ", "  ", "\v", "\f", "\u00a0", "\ufeff", "\u3000", "\u2028", "\u2009", "\u1680",
      "\u0085", "\u180e"]

def num():
    x = r.random()
    if x < 0.6:
        return str(r.randint(0, 12))
    if x < 0.9:
        return str(r.randint(0, 2000))
    if x < 0.94:
        return r.choice(BIG)
    if x < 0.96:
        return "0" + str(r.randint(0, 99))
    return str(r.randint(0, 10**r.randint(1, 18)))

def ident(numeric_ok=True):
    x = r.random()
    if x < 0.4:
        return r.choice(WORDS)
    if x < 0.75 and numeric_ok:
        return str(r.randint(0, 30)) if r.random() < 0.8 else r.choice(BIG)
    if x < 0.77:
        return "0" + str(r.randint(0, 9))
    if x < 0.9:
        return r.choice(WORDS) + str(r.randint(0, 20))
    return "".join(r.choice("abcXYZ019-") for _ in range(r.randint(1, 6)))

def idents():
    return ".".join(ident() for _ in range(r.randint(1, 4)))

def version():
    v = num() + "." + num() + "." + num()
    if r.random() < 0.45:
        v += "-" + idents()
    if r.random() < 0.2:
        v += "+" + idents()
    x = r.random()
    if x < 0.1:
        v = "v" + v
    elif x < 0.115:
        v = r.choice(["=", "V", "v=", "=v", "vv"]) + v
    if r.random() < 0.03:
        v = r.choice(WS) + v
    if r.random() < 0.03:
        v = v + r.choice(WS)
    return v

def related(v):
    """A version near v: other prerelease, other build, bumped number."""
    x = r.random()
    core = v.split("-")[0].split("+")[0]
    if x < 0.3:
        return core + "-" + idents()
    if x < 0.45:
        return core
    if x < 0.6:
        return v + "+" + idents() if "+" not in v else v.split("+")[0]
    if x < 0.75:
        return v + "." + ident() if "-" in v and "+" not in v else core + "-" + ident()
    return v

def mutate(v):
    return vdiff.typo(v, ".-+_~abcAB0129 vV=*xX")

def clean(v):
    v = v.replace("\t", "").replace("\n", "").replace("\r", "")
    return v if len(v.encode()) <= 256 else v.encode()[:256].decode("utf-8", "ignore")

vdiff.related_pairs(version, related, mutate, clean)
EOF

# The oracle.  A version over 256 bytes is invalid for hullscan
# (HULL_MAX_VERSION_BYTES); node-semver counts UTF-16 units, so the bytes
# are counted here first (the generator stays under the limit anyway).
cat >"$work/oracle.js" <<EOF
const semver = require('$work/node_modules/semver');
const lines = require('fs').readFileSync(0, 'utf8').split('\n');
const out = [];
for (const line of lines) {
        if (line === '') continue;
        const t = line.indexOf('\t');
        const a = line.slice(0, t), b = line.slice(t + 1);
        if (Buffer.byteLength(a) > 256 || Buffer.byteLength(b) > 256 ||
            semver.valid(a) === null || semver.valid(b) === null)
                out.push('error');
        else
                out.push(String(semver.compare(a, b)));
}
process.stdout.write(out.join('\n') + '\n');
EOF
diff_compare node "$work/oracle.js"

# The known difference, counted apart (see version_semver.c).
cat >"$work/known.py" <<'EOF'
NOTE = ("node-semver's non-transitive stop on distinct pre-release numbers equal"
        " as doubles")
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006" \
           "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

def pre_ids(v):
    v = v.decode().strip(JS_SPACE).lstrip("v").split("+")[0]
    return v.split("-", 1)[1].split(".") if "-" in v else []

def known(p, w, g):
    """node-semver's comparePre() stops with 0 at the first two identifiers
    that differ as strings but not as doubles (see version_semver.c)."""
    if w != "0" or g not in ("-1", "1"):
        return False
    a, b = (pre_ids(x) for x in p.split(b"\t", 1))
    for x, y in zip(a, b):
        if x != y:
            return x.isdigit() and y.isdigit() and float(x) == float(y)
    return False
EOF
diff_report --known "$work/known.py" "node-semver $oracle_version"
