# lib.sh - what the differential checks of the version comparators share
# (sourced by tests/vuln/diff/<scheme>.sh; not a check itself).
#
# A check keeps what is its own, the oracle and the generator, and calls:
#   diff_option --NAME VAR         (before diff_init) one more option, its
#                                  value into $VAR
#   diff_init "$@"                 options --pairs N (default 100000),
#                                  --hullscan PATH, --seed S (default 1),
#                                  -h (the script's header comment); sets
#                                  $scheme (the script's name), $root,
#                                  $pairs, $seed, $hullscan and $work, a
#                                  temporary directory removed on exit
#   diff_need CHECK... -- PKG...   unless CHECK succeeds, install the
#                                  Debian packages PKG (the oracle)
#   diff_generate [PYTHON] <<'EOF' the generator, a Python program that
#                                  imports vdiff (below), into $work/pairs:
#                                  one "A<TAB>B" line a pair
#   diff_compare ORACLE...         the oracle command's answers to the
#                                  pairs (standard input to standard
#                                  output, one line each: -1, 0, 1 or
#                                  "error" when a version is invalid) into
#                                  $work/want, `hullscan version compare
#                                  $scheme`'s into $work/got
#   diff_report [--valid [--note TEXT]] [--known FILE] ORACLE
#                                  prints "SCHEME: N pairs, D disagreements",
#                                  the oracle, the first 20 disagreements
#                                  and a summary: with --valid the pairs
#                                  both valid and with an invalid version
#                                  (then "; TEXT"), else the count of each
#                                  oracle answer (bench/version-diff.sh
#                                  reads both); --known FILE is Python
#                                  defining known(pair, want, got) and NOTE:
#                                  the differences it accepts are counted
#                                  apart.  Fails on any disagreement.
# shellcheck shell=bash

pairs=100000
seed=1
scheme=$(basename "$0" .sh)
root=$(cd "$(dirname "$0")/../../.." && pwd)
hullscan=$root/build/hullscan
declare -A diff_options=()

diff_option() {
        diff_options[$1]=$2
}

diff_init() {
        while [ $# -gt 0 ]; do
                case $1 in
                --pairs) pairs=$2; shift 2 ;;
                --hullscan) hullscan=$2; shift 2 ;;
                --seed) seed=$2; shift 2 ;;
                -h | --help)
                        awk 'NR == 1 { next } !/^#/ { exit } { sub(/^# ?/, ""); print }' "$0"
                        exit 0
                        ;;
                *)
                        if [ -z "${diff_options[$1]+set}" ]; then
                                echo "$scheme.sh: unknown argument '$1'" >&2
                                exit 2
                        fi
                        printf -v "${diff_options[$1]}" %s "$2"
                        shift 2
                        ;;
                esac
        done
        [ -x "$hullscan" ] || { echo "$scheme.sh: no hullscan at '$hullscan' (build it or pass --hullscan)" >&2; exit 2; }
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        diff_write_vdiff >"$work/vdiff.py"
}

diff_need() {
        local check=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                check+=("$1")
                shift
        done
        shift
        "${check[@]}" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >&2
}

diff_generate() {
        PYTHONPATH=$work${PYTHONPATH:+:$PYTHONPATH} "${1:-python3}" - "$pairs" "$seed" >"$work/pairs"
}

diff_compare() {
        "$@" <"$work/pairs" >"$work/want"
        "$hullscan" version compare "$scheme" <"$work/pairs" >"$work/got"
}

diff_report() {
        local summary=answers note="" known=""
        while [ $# -gt 1 ]; do
                case $1 in
                --valid) summary=valid; shift ;;
                --note) note=$2; shift 2 ;;
                --known) known=$2; shift 2 ;;
                *) break ;;
                esac
        done
        python3 - "$work" "$scheme" "$1" "$summary" "$note" "$known" <<'EOF'
import sys

work, scheme, oracle, summary, note, known_file = sys.argv[1:]
pairs = open(work + "/pairs", "rb").read().split(b"\n")[:-1]
want = open(work + "/want").read().split("\n")[:-1]
got = open(work + "/got").read().split("\n")[:-1]
if not (len(pairs) == len(want) == len(got)):
    print("%s: answer counts differ: %d pairs, oracle %d, hullscan %d"
          % (scheme, len(pairs), len(want), len(got)))
    sys.exit(1)
known = {"known": lambda p, w, g: False, "NOTE": ""}
if known_file:
    exec(open(known_file).read(), known)

diff = [(p, w, g) for p, w, g in zip(pairs, want, got) if w != g]
bad = [d for d in diff if not known["known"](*d)]
also = [d for d in diff if known["known"](*d)]
print("%s: %d pairs, %d disagreements" % (scheme, len(pairs), len(bad)))
if summary == "valid":
    valid = sum(1 for w in want if w != "error")
    print("  oracle %s; %d pairs both valid, %d with an invalid version%s"
          % (oracle, valid, len(pairs) - valid, "; " + note if note else ""))
else:
    print("  oracle: " + oracle)
for p, w, g in bad[:20]:
    a, _, b = p.partition(b"\t")
    print("  %r vs %r: oracle %s, hullscan %s" % (a, b, w, g))
if also:
    print("  also %d documented differences (%s), e.g.:" % (len(also), known["NOTE"]))
    for p, w, g in also[:3]:
        a, _, b = p.partition(b"\t")
        print("    %r vs %r: oracle %s, hullscan %s" % (a, b, w, g))
if summary != "valid":
    print("  oracle answers: " + ", ".join("%s %d" % (k, want.count(k))
                                           for k in ("-1", "0", "1", "error")))
sys.exit(1 if bad else 0)
EOF
}

# The generators' scaffolding, imported as vdiff.  Draw for draw what each
# generator did on its own before, so a seed still gives the same pairs.
diff_write_vdiff() {
        cat <<'EOF'
"""Pair generators' scaffolding (tests/vuln/diff/lib.sh).

A generator calls rng(SALT) first (the salt keeps the schemes' random
streams apart), defines its versions and mutations with the generator it
returns, and ends with swapped_pairs() or related_pairs()."""
import random
import sys

n, seed = int(sys.argv[1]), int(sys.argv[2])
r = None  # rng() sets it


def rng(salt):
    global r
    r = random.Random(seed * 7919 + salt)
    return r


def write(lines, encoding):
    sys.stdout.buffer.write("".join(line + "\n" for line in lines).encode(encoding))


def swapped_pairs(version, mutate, clean, near=None):
    """A: a version, mutated 3 times in 10.  B, by one draw x: near(A) for
    the first (limit, near) of near with x < limit (default: mutate(A)
    below 0.5), else A below 0.6, else another version mutated 3 times in
    10.  clean() both; a TAB left in A becomes a space (the batch format
    splits at A's first TAB).  The sides swap half the time.  Written as
    Latin-1: a character is a byte."""
    out = []
    for _ in range(n):
        a = version()
        if r.random() < 0.3:
            a = mutate(a)
        x = r.random()
        for limit, f in near or [(0.5, mutate)]:
            if x < limit:
                b = f(a)
                break
        else:
            if x < 0.6:
                b = a
            else:
                b = version()
                if r.random() < 0.3:
                    b = mutate(b)
        a, b = clean(a).replace("\t", " "), clean(b)
        if r.random() < 0.5:
            a, b = b.replace("\t", " "), a
        out.append(a + "\t" + b)
    write(out, "latin-1")


def related_pairs(version, related, mutate, clean, related_below=0.5, same_below=0.55,
                  mutate_p=0.08):
    """A: a version.  B, by one draw x: related(A) below related_below, A
    below same_below, else another version.  Then each side is mutated
    with probability mutate_p, and clean()ed.  Written as UTF-8."""
    out = []
    for _ in range(n):
        a = version()
        x = r.random()
        b = related(a) if x < related_below else a if x < same_below else version()
        if r.random() < mutate_p:
            a = mutate(a)
        if r.random() < mutate_p:
            b = mutate(b)
        out.append(clean(a) + "\t" + clean(b))
    write(out, "utf-8")


def typo(v, chars, cuts=(0.25, 0.5, 0.65, 0.8, 1.0), beyond=None):
    """One slip at a random place i, by one draw x against cuts: the
    character deleted, one of chars inserted, the character doubled, it
    and the next swapped (at the last place: cut instead), the rest cut
    off; past the last cut, beyond(v, i, x)."""
    if not v:
        return v
    i = r.randrange(len(v))
    x = r.random()
    if x < cuts[0]:
        return v[:i] + v[i + 1:]
    if x < cuts[1]:
        return v[:i] + r.choice(chars) + v[i:]
    if x < cuts[2]:
        return v[:i] + v[i] + v[i:]
    if x < cuts[3] and i + 1 < len(v):
        return v[:i] + v[i + 1] + v[i] + v[i + 2:]
    if x < cuts[4]:
        return v[:i]
    return beyond(v, i, x)


def edits(s, table):
    """One to three edits (1 in 5 two, 1 in 5 three).  Each draws x and a
    place i in 0..len(s), then applies the first edit(s, i) of table's
    (limit, edit) with x < limit that does not decline (returns None)."""
    for _ in range(r.choice([1, 1, 1, 2, 3])):
        x = r.random()
        i = r.randint(0, len(s))
        for limit, edit in table:
            if x < limit:
                t = edit(s, i)
                if t is not None:
                    s = t
                    break
    return s


# edits for table: a character deleted (anywhere), one of chars inserted at
# i, two neighbours swapped (anywhere), 1 to 4 characters repeated at i,
# the rest cut off at i, one of tails appended
def delete(s, i):
    if not s:
        return None
    j = r.randrange(len(s))
    return s[:j] + s[j + 1:]


def insert(chars):
    return lambda s, i: s[:i] + r.choice(chars) + s[i:]


def swap(s, i):
    if len(s) <= 1:
        return None
    j = r.randrange(len(s) - 1)
    return s[:j] + s[j + 1] + s[j] + s[j + 2:]


def repeat(s, i):
    return s[:i] + s[i:i + r.randint(1, 4)] + s[i:]


def cut(s, i):
    return s[:i]


def append(tails):
    return lambda s, i: s + r.choice(tails)
EOF
}
