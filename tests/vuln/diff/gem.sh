#!/bin/bash
# gem.sh - differential check of `hullscan version compare gem` against
# RubyGems' Gem::Version.
#
# usage: tests/vuln/diff/gem.sh [--pairs N] [--hullscan PATH] [--seed S]
#
# Installs its oracle when missing: Debian's ruby (RubyGems comes with it).
# Generates N (default 100000) pairs of realistic gem versions and
# mutations of them from a fixed seed, asks Gem::Version.correct? and
# Gem::Version#<=> and hullscan's batch mode for every pair, prints
# "gem: N pairs, D disagreements" and the first 20 disagreements, and exits
# 1 on any.  A pair's answer is -1, 0, 1, or "error" when either version is
# invalid (not correct?, or over hullscan's 256 bytes: Ruby has no limit).
# Run by hand, not by `make check`.
set -euo pipefail

pairs=100000
seed=1
root=$(cd "$(dirname "$0")/../../.." && pwd)
hullscan=$root/build/hullscan

while [ $# -gt 0 ]; do
        case $1 in
        --pairs) pairs=$2; shift 2 ;;
        --hullscan) hullscan=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "gem.sh: unknown argument '$1'" >&2; exit 2 ;;
        esac
done
[ -x "$hullscan" ] || { echo "gem.sh: no hullscan at '$hullscan' (build it or pass --hullscan)" >&2; exit 2; }

command -v ruby >/dev/null || apt-get install -y ruby >&2
oracle_version="$(ruby -e 'print "ruby #{RUBY_VERSION}, RubyGems #{Gem::VERSION}"')"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The generator: rubygems.org shapes (numbers, .pre/.rc/.beta segments,
# letters glued to digits, '-' prereleases, trailing zeros, leading zeros,
# long numbers, case, white space around) and mutations (characters
# deleted, inserted, doubled, swapped; pieces truncated; invalid bytes).
python3 - "$pairs" "$seed" >"$work/pairs" <<'EOF'
import random, sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed * 7919 + 11)

WORDS = ["pre", "rc", "beta", "alpha", "a", "b", "dev", "java", "RC", "Beta", "PRE", "A", "B",
         "z", "Z", "aa", "ab", "preview", "racecar", "x", "snapshot", "final", "p"]
BIG = ["18446744073709551615", "18446744073709551616", "123456789012345678901234567890",
       "0000000000000000000000001", "00", "000", "007", "2147483648", "9223372036854775808"]
WS = [" ", "  ", "\v", "\f", "\r", "\x00", "\u00a0"]

def num():
    x = r.random()
    if x < 0.6:
        return str(r.randint(0, 12))
    if x < 0.85:
        return str(r.randint(0, 500))
    if x < 0.92:
        return r.choice(BIG)
    return "0" + str(r.randint(0, 30))

def word():
    return r.choice(WORDS)

def alnum():
    x = r.random()
    if x < 0.5:
        return num()
    if x < 0.75:
        return word()
    if x < 0.9:
        return word() + num()
    return "".join(r.choice("abzAB019") for _ in range(r.randint(1, 5)))

def version():
    v = ".".join(num() for _ in range(r.randint(1, 4)))
    x = r.random()
    if x < 0.35:
        v += "".join("." + alnum() for _ in range(r.randint(1, 3)))
    elif x < 0.5:
        v += "-" + ".".join(r.choice([alnum(), alnum() + "-" + alnum(), "-"])
                            for _ in range(r.randint(1, 3)))
    if r.random() < 0.05:
        v = r.choice(WS[:5]) + v
    if r.random() < 0.05:
        v += r.choice(WS[:5])
    if r.random() < 0.01:
        v = r.choice(["", " ", "  ", "0", "\v"])
    return v

def related(v):
    """A version near v: trailing zeros, other last segment, a prerelease."""
    x = r.random()
    core = v.strip().split("-")[0]
    if x < 0.2:
        return v.strip() + r.choice([".0", ".0.0", ".a", ".pre", ".0.a.0", "-0", ".1"])
    if x < 0.35:
        return core
    if x < 0.5:
        i = v.rfind(".")
        return v[:i + 1] + alnum() if i >= 0 else num()
    if x < 0.6:
        return v.upper() if r.random() < 0.5 else v.lower()
    if x < 0.7:
        return v.replace("-", ".pre.") if "-" in v else v.replace(".", "-", 1)
    return v

def mutate(v):
    if not v:
        return v
    i = r.randrange(len(v))
    x = r.random()
    if x < 0.25:
        return v[:i] + v[i + 1:]
    if x < 0.5:
        return v[:i] + r.choice(".-.-_+~abAB019 v") + v[i:]
    if x < 0.65:
        return v[:i] + v[i] + v[i:]
    if x < 0.75 and i + 1 < len(v):
        return v[:i] + v[i + 1] + v[i] + v[i + 2:]
    if x < 0.85:
        return v[:i]
    if x < 0.95:
        return v[:i] + r.choice(WS + ["\u00e9", "\u0663", "\x7f"]) + v[i:]
    return v + "." + "1" * r.randint(240, 260)

def clean(v):
    return v.replace("\t", "").replace("\n", "")

out = []
for _ in range(n):
    a = version()
    x = r.random()
    b = related(a) if x < 0.5 else a if x < 0.55 else version()
    if r.random() < 0.1:
        a = mutate(a)
    if r.random() < 0.1:
        b = mutate(b)
    out.append(clean(a) + "\t" + clean(b) + "\n")
sys.stdout.buffer.write("".join(out).encode("utf-8"))
EOF

# The oracle, on bytes (a non-ASCII byte makes a version not correct?).
cat >"$work/oracle.rb" <<'EOF'
out = []
STDIN.binmode
STDIN.each_line do |line|
  a, b = line.chomp("\n").split("\t", 2)
  b ||= ""
  if a.bytesize > 256 || b.bytesize > 256 || !Gem::Version.correct?(a) || !Gem::Version.correct?(b)
    out << "error"
  else
    out << (Gem::Version.new(a) <=> Gem::Version.new(b)).to_s
  end
end
puts out
EOF
ruby "$work/oracle.rb" <"$work/pairs" >"$work/oracle.out"
"$hullscan" version compare gem <"$work/pairs" >"$work/hull.out"

python3 - "$work/pairs" "$work/oracle.out" "$work/hull.out" "gem" "Gem::Version ($oracle_version)" <<'EOF'
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
