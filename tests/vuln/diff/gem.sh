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
. "$(dirname "$0")/lib.sh"
diff_init "$@"

diff_need command -v ruby -- ruby
oracle_version="$(ruby -e 'print "ruby #{RUBY_VERSION}, RubyGems #{Gem::VERSION}"')"

# The generator: rubygems.org shapes (numbers, .pre/.rc/.beta segments,
# letters glued to digits, '-' prereleases, trailing zeros, leading zeros,
# long numbers, case, white space around) and mutations (characters
# deleted, inserted, doubled, swapped; pieces truncated; invalid bytes).
diff_generate <<'EOF'
import vdiff

r = vdiff.rng(11)

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

def odd(v, i, x):
    """White space or a byte Gem::Version refuses, or a version over 256 bytes."""
    if x < 0.95:
        return v[:i] + r.choice(WS + ["\u00e9", "\u0663", "\x7f"]) + v[i:]
    return v + "." + "1" * r.randint(240, 260)

def mutate(v):
    return vdiff.typo(v, ".-.-_+~abAB019 v", (0.25, 0.5, 0.65, 0.75, 0.85), odd)

def clean(v):
    return v.replace("\t", "").replace("\n", "")

vdiff.related_pairs(version, related, mutate, clean, mutate_p=0.1)
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
diff_compare ruby "$work/oracle.rb"
diff_report "Gem::Version ($oracle_version)"
