#!/bin/bash
# cvss.sh - differential check of hullscan's CVSS calculator (src/vuln/cvss.c)
# against independent implementations.
#
# usage: tests/vuln/diff/cvss.sh [--vectors N] [--seed S] [--run-cvss PATH]
#
# Installs its oracles when run (test oracles only, never dependencies):
# nodejs, npm and ruby-cvss-suite from Debian when missing, then `npm
# install ae-cvss-calculator @pandatix/js-cvss` into a temporary
# directory.  For each of CVSS 3.0, 3.1 and 4.0 it scores every Base-only vector (2,592 for v3.x,
# 104,976 for v4.0) and N (default 100000) random valid vectors with
# Temporal/Threat, Environmental and Supplemental metrics (v3.x ones in
# shuffled order a quarter of the time), from a fixed seed, plus the valid
# vectors of tests/vuln/cvss.txt, whose expected scores are checked too.
# Compared: v3.x Base, Temporal and Environmental scores (each when the
# vector defines that group); v4.0 the vector's score and its CVSS-B score.
# The primary oracle is ae-cvss-calculator (its v4.0 code is FIRST's
# calculator with the 1e-6 rounding fix); for v3.x also Debian's
# ruby-cvss-suite (Ruby cvss-suite 3.1, v3.x only; vectors it refuses
# are counted apart).  @pandatix/js-cvss is reported
# alongside with its known differences (v3.x: its Roundup tests "% 1000"
# for "% 10000", MPR ignores MS, v3.0 uses v3.1's Roundup - with those
# three fixed it agrees on 60,000 random v3.x vectors; v4.0: it rounds
# x.x5 ties that float arithmetic puts a bit low downwards).
# Prints per version "cvss V: N vectors, D disagreements with ..." and the
# first disagreements; exits 1 on any disagreement with ae-cvss-calculator
# or cvss-suite, or with an expected value of cvss.txt.  Run by hand, not by `make check`
# (it needs the npm registry); run_cvss comes from `ninja -C build`.
set -euo pipefail

vectors=100000
seed=1
root=$(cd "$(dirname "$0")/../../.." && pwd)
run_cvss=$root/build/tests/run_cvss

while [ $# -gt 0 ]; do
        case $1 in
        --vectors) vectors=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --run-cvss) run_cvss=$2; shift 2 ;;
        -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "cvss.sh: unknown argument '$1'" >&2; exit 2 ;;
        esac
done
[ -x "$run_cvss" ] || { echo "cvss.sh: no run_cvss at '$run_cvss' (ninja -C build, or pass --run-cvss)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        apt-get install -y nodejs npm >&2
fi
if ! ruby -e 'require "cvss_suite"' 2>/dev/null; then
        apt-get install -y --no-install-recommends ruby-cvss-suite >&2
fi
(cd "$work" && npm install --silent --no-audit --no-fund --no-save ae-cvss-calculator @pandatix/js-cvss >/dev/null)
# @pandatix/js-cvss ships ES modules with extensionless imports, which node
# refuses; copy them as .mjs with the extensions spelled out.
pd=$work/node_modules/@pandatix/js-cvss/dist
for f in "$pd"/*.js; do
        sed -E "s#from '\./([a-z0-9]+)'#from './\1.mjs'#" "$f" >"${f%.js}.mjs"
done
ae_version=$(node -p "require('$work/node_modules/ae-cvss-calculator/package.json').version")
pd_version=$(node -p "require('$work/node_modules/@pandatix/js-cvss/package.json').version")

# The generator: one vector per line, "VERSION<TAB>VECTOR".
python3 - "$vectors" "$seed" "$root/tests/vuln/cvss.txt" >"$work/vectors" <<'EOF'
import itertools, random, sys

n, seed, cases = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = random.Random(seed * 7919 + 3)

V3_BASE = [("AV", "NALP"), ("AC", "LH"), ("PR", "NLH"), ("UI", "NR"), ("S", "UC"),
           ("C", "HLN"), ("I", "HLN"), ("A", "HLN")]
V3_TEMPORAL = [("E", "XHFPU"), ("RL", "XUWTO"), ("RC", "XCRU")]
V3_ENV = [("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"), ("MAV", "XNALP"), ("MAC", "XLH"),
          ("MPR", "XNLH"), ("MUI", "XNR"), ("MS", "XUC"), ("MC", "XNLH"), ("MI", "XNLH"),
          ("MA", "XNLH")]
V4_BASE = [("AV", "NALP"), ("AC", "LH"), ("AT", "NP"), ("PR", "NLH"), ("UI", "NPA"),
           ("VC", "HLN"), ("VI", "HLN"), ("VA", "HLN"), ("SC", "HLN"), ("SI", "HLN"),
           ("SA", "HLN")]
V4_THREAT = [("E", "XAPU")]
V4_ENV = [("CR", "XHML"), ("IR", "XHML"), ("AR", "XHML"), ("MAV", "XNALP"), ("MAC", "XLH"),
          ("MAT", "XNP"), ("MPR", "XNLH"), ("MUI", "XNPA"), ("MVC", "XHLN"), ("MVI", "XHLN"),
          ("MVA", "XHLN"), ("MSC", "XHLN"), ("MSI", "XSHLN"), ("MSA", "XSHLN")]
V4_SUPP = [("S", ["X", "N", "P"]), ("AU", ["X", "N", "Y"]), ("R", ["X", "A", "U", "I"]),
           ("V", ["X", "D", "C"]), ("RE", ["X", "L", "M", "H"]),
           ("U", ["X", "Clear", "Green", "Amber", "Red"])]

def pick(group, p_group, p_metric):
    if r.random() >= p_group:
        return []
    return [(m, r.choice(list(vals))) for m, vals in group if r.random() < p_metric]

out = []
for ver in ("3.0", "3.1"):
    for combo in itertools.product(*[vals for _, vals in V3_BASE]):
        out.append(ver + "\tCVSS:" + ver + "/" + "/".join(
            m + ":" + v for (m, _), v in zip(V3_BASE, combo)))
    for _ in range(n):
        ms = [(m, r.choice(vals)) for m, vals in V3_BASE]
        ms += pick(V3_TEMPORAL, 0.5, 0.6) + pick(V3_ENV, 0.6, 0.5)
        if r.random() < 0.25:
            r.shuffle(ms)
        out.append(ver + "\tCVSS:" + ver + "/" + "/".join(m + ":" + v for m, v in ms))
for combo in itertools.product(*[vals for _, vals in V4_BASE]):
    out.append("4.0\tCVSS:4.0/" + "/".join(m + ":" + v for (m, _), v in zip(V4_BASE, combo)))
for _ in range(n):
    ms = [(m, r.choice(vals)) for m, vals in V4_BASE]
    ms += pick(V4_THREAT, 0.5, 1) + pick(V4_ENV, 0.6, 0.4) + pick(V4_SUPP, 0.3, 0.5)
    out.append("4.0\tCVSS:4.0/" + "/".join(m + ":" + v for m, v in ms))
# the valid cases of tests/vuln/cvss.txt, as "case<TAB>VECTOR<TAB>SCORE RATING ..."
# ("case~" for those parsed with HULL_CVSS_ANY_ORDER)
for line in open(cases):
    f = line.split("#")[0].split() if not line.startswith("#") else []
    if not f or f[0] == "!":
        continue
    kind = "case"
    if f[0] == "~":
        f, kind = f[1:], "case~"
    if "\\x" in f[0]:
        continue
    out.append(kind + "\t" + f[0] + "\t" + " ".join(f[1:]))
sys.stdout.write("\n".join(out) + "\n")
EOF

# The oracles: per vector "ae: BASE TEMPORAL ENV | pd: BASE TEMPORAL ENV" for
# v3.x, "ae: SCORE BASEONLY SCORE-WITHOUT-EPSILON | pd: SCORE" for v4.0 ("-"
# when a tool gives no such score, "error" when it refuses the vector).
cat >"$work/oracle.mjs" <<EOF
import { createRequire } from 'module';
import * as pd from '$pd/index.mjs';
import { readFileSync } from 'fs';
const require = createRequire(import.meta.url);
const ae = require('$work/node_modules/ae-cvss-calculator');
const f = (x) => (x === undefined || x === null || Number.isNaN(x)) ? '-' : Number(x).toFixed(1);
const out = [];
for (const line of readFileSync(0, 'utf8').split('\n')) {
        if (line === '') continue;
        const vec = line.split('\t')[1];
        let a, p;
        try {
                if (vec.startsWith('CVSS:4.0/')) {
                        const s = new ae.Cvss4P0(vec).calculateScores();
                        // and without FIRST's 1e-6 before rounding, to tell the ties
                        const raw = new ae.Cvss4P0(vec);
                        raw.ROUNDING_EPSILON = 0;
                        a = f(s.overall) + ' ' + f(s.baseMetricsOnly) + ' ' + f(raw.calculateScores().overall);
                } else {
                        const C = vec.startsWith('CVSS:3.0/') ? ae.Cvss3P0 : ae.Cvss3P1;
                        const s = new C(vec).calculateScores();
                        a = f(s.base) + ' ' + f(s.temporal) + ' ' + f(s.environmental);
                }
        } catch (e) { a = 'error'; }
        try {
                if (vec.startsWith('CVSS:4.0/')) {
                        p = f(new pd.CVSS40(vec).Score());
                } else {
                        const v = vec.startsWith('CVSS:3.0/') ? new pd.CVSS30(vec) : new pd.CVSS31(vec);
                        p = f(v.BaseScore()) + ' ' + f(v.TemporalScore()) + ' ' + f(v.EnvironmentalScore());
                }
        } catch (e) { p = 'error'; }
        out.push(a + ' | ' + p);
}
process.stdout.write(out.join('\n') + '\n');
EOF
node "$work/oracle.mjs" <"$work/vectors" >"$work/oracle.out"
# cvss-suite: "BASE TEMPORAL ENV" or "invalid"
cut -f2 "$work/vectors" | ruby -e '
require "cvss_suite"
f = ->(x) { x.nil? ? "-" : format("%.1f", x) }
STDIN.each_line do |l|
  v = l.chomp
  begin
    c = CvssSuite.new(v)
    if !v.start_with?("CVSS:3.") || !c.valid?
      puts "invalid"
    else
      puts [f.(c.base_score), f.(c.temporal_score), f.(c.environmental_score)].join(" ")
    end
  rescue StandardError
    puts "invalid"
  end
end' >"$work/ruby.out"
rb_version=$(ruby -e 'require "cvss_suite"; print CvssSuite::VERSION' 2>/dev/null || echo "?")
cut -f2 "$work/vectors" | "$run_cvss" --eval >"$work/hull.out"
cut -f2 "$work/vectors" | "$run_cvss" --eval --any-order >"$work/hull-any.out"

python3 - "$work/vectors" "$work/oracle.out" "$work/hull.out" "$ae_version" "$pd_version" \
        "$work/ruby.out" "$rb_version" "$work/hull-any.out" <<'EOF'
import sys
vecs = [l.split("\t") for l in open(sys.argv[1]).read().split("\n")[:-1]]
orc = open(sys.argv[2]).read().split("\n")[:-1]
hul = open(sys.argv[3]).read().split("\n")[:-1]
ae_v, pd_v = sys.argv[4], sys.argv[5]
rby = open(sys.argv[6]).read().split("\n")[:-1]
rb_v = sys.argv[7]
hul_any = open(sys.argv[8]).read().split("\n")[:-1]
if not (len(vecs) == len(orc) == len(hul) == len(rby)):
    print(f"cvss: answer count mismatch: {len(vecs)} vectors, oracle {len(orc)}, hullscan {len(hul)}")
    sys.exit(1)

def ours(h, v4):
    """(score, base, temporal, env) as strings, or None for an error."""
    if h.startswith("error"):
        return None
    score, base, t, e = h.split()[:4]
    return score, base, t, e

stats = {}
bad_cases = []
for (ver, vec, *rest), o, h, rb, ha in zip(vecs, orc, hul, rby, hul_any):
    v4 = vec.startswith("CVSS:4.0/")
    a, p = [x.strip() for x in o.split("|")]
    got = ours(ha if ver == "case~" else h, v4)
    if ver in ("case", "case~"):
        want = rest[0].split()
        if got is None:
            bad_cases.append((vec, "refused: " + h))
            continue
        # the expected score of cvss.txt against the primary oracle
        orc_score = a.split()[0] if v4 else None
        if v4 and orc_score != want[0]:
            bad_cases.append((vec, f"cvss.txt says {want[0]}, ae-cvss-calculator {orc_score}"))
        if not v4:
            ab, at, ae_ = a.split() if a != "error" else ("error",) * 3
            oracle_score = ae_ if got[3] != "-" else at if got[2] != "-" else ab
            if oracle_score != want[0]:
                bad_cases.append((vec, f"cvss.txt says {want[0]}, ae-cvss-calculator {oracle_score}"))
        if got[0] != want[0]:
            bad_cases.append((vec, f"cvss.txt says {want[0]}, hullscan {got[0]}"))
        continue
    st = stats.setdefault(ver, {"n": 0, "ae": [], "pd": [], "err": [], "ties": 0,
                                "base_ties": 0, "pd_ties": 0, "rb": [], "rb_refused": 0})
    st["n"] += 1
    if got is None:
        st["err"].append((vec, h))
        continue
    if v4:
        af = a.split() if a != "error" else ["error"] * 3
        if af[:2] != [got[0], got[1]]:
            st["ae"].append((vec, f"ae {' '.join(af[:2])}, hullscan {got[0]} {got[1]}"))
        tie = af[2] != af[0]
        st["ties"] += tie
        st["base_ties"] += tie and vec.count("/") == 11
        if p != got[0]:
            if tie and p == af[2]:
                st["pd_ties"] += 1
            else:
                st["pd"].append((vec, f"pandatix {p}, hullscan {got[0]}"))
    else:
        mine = [got[1], got[2], got[3]]
        if rb == "invalid":
            st["rb_refused"] += 1
        for name, theirs, lst in (("ae", a, st["ae"]), ("pandatix", p, st["pd"]),
                                  ("cvss-suite", rb, st["rb"])):
            if name == "cvss-suite" and rb == "invalid":
                continue
            t = theirs.split() if theirs != "error" else ["error"] * 3
            # compare the groups the vector defines (ours is "-" otherwise)
            if any(m != "-" and m != x for m, x in zip(mine, t)):
                lst.append((vec, f"{name} {' '.join(t)}, hullscan {' '.join(mine)}"))

fail = False
for ver in ("3.0", "3.1", "4.0"):
    st = stats[ver]
    what = "score and CVSS-B" if ver == "4.0" else "base, temporal, environmental"
    print(f"cvss {ver}: {st['n']} vectors ({what}), {len(st['ae'])} disagreements with "
          f"ae-cvss-calculator {ae_v}, {len(st['err'])} refused by hullscan; "
          f"{len(st['pd']) + st['pd_ties']} differences from @pandatix/js-cvss {pd_v}")
    if ver != "4.0":
        print(f"  {len(st['rb'])} disagreements with cvss-suite {rb_v} (Debian "
              f"ruby-cvss-suite) on the {st['n'] - st['rb_refused']} vectors it accepts")
        for vec, msg in st["rb"][:10]:
            print(f"  {vec}: {msg}")
    if ver == "4.0":
        print(f"  {st['ties']} vectors ({st['base_ties']} Base-only) are x.x5 ties that float "
              f"arithmetic without FIRST's 1e-6 rounds down; {st['pd_ties']} of the pandatix "
              f"differences are such ties, {len(st['pd'])} are not")
    for vec, msg in st["err"][:10] + st["ae"][:10]:
        print(f"  {vec}: {msg}")
    for vec, msg in st["pd"][:3]:
        print(f"  (pandatix) {vec}: {msg}")
    fail = fail or st["ae"] or st["err"] or st["rb"]
ncase = sum(1 for v in vecs if v[0] in ("case", "case~"))
print(f"cvss.txt: {ncase} valid cases checked against ae-cvss-calculator, {len(bad_cases)} wrong")
for vec, msg in bad_cases[:20]:
    print(f"  {vec}: {msg}")
sys.exit(1 if fail or bad_cases else 0)
EOF
