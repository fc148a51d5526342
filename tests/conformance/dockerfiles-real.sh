#!/usr/bin/env bash
# Every file of the real-world corpus parses (exit 0), except the ones listed
# in dockerfiles-real.invalid, which must fail with exit 2 and a FILE:LINE
# error.  Skipped (TAP "1..0 # SKIP") when the corpus is absent.
set -u
LC_ALL=C; export LC_ALL
hullscan=$1
corpus=$2/corpora/dockerfiles-real
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$corpus" ]; then
  echo "1..0 # SKIP shared corpus not found at $corpus"
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mapfile -t files < <(tail -n +2 "$corpus/PROVENANCE.tsv" | cut -f1 | sort)
declare -A invalid=()
while read -r f _; do [ -n "$f" ] && [ "${f:0:1}" != "#" ] && invalid[$f]=1; done <"$here/dockerfiles-real.invalid"
echo "1..2"
fail=0; okc=0; errc=0
for f in "${files[@]}"; do
  "$hullscan" parse --format json -o /dev/null "$corpus/$f" 2>"$tmp/err"; rc=$?
  if [ -n "${invalid[$f]:-}" ]; then
    if [ $rc -eq 2 ] && grep -Eq ':[0-9]+(:[0-9]+)?: error: ' "$tmp/err"; then errc=$((errc+1));
    else fail=$((fail+1)); echo "# expected a FILE:LINE error (exit 2) for $f, got exit $rc"; sed 's/^/#   /' "$tmp/err" | head -3; fi
  else
    if [ $rc -eq 0 ]; then okc=$((okc+1));
    else fail=$((fail+1)); echo "# $f: exit $rc"; sed 's/^/#   /' "$tmp/err" | head -3; fi
  fi
done
if [ $fail -eq 0 ]; then echo "ok 1 - $okc files parse, $errc expected failures"; else echo "not ok 1 - $fail files misbehaved"; fi
# the same files in one process (the bench path): nothing but the expected errors
"$hullscan" parse --format json -o /dev/null $(printf "$corpus/%s " "${files[@]}") 2>"$tmp/err"; rc=$?
nerr=$(grep -c ': error: ' "$tmp/err")
if [ $rc -eq 2 ] && [ "$nerr" -eq "${#invalid[@]}" ]; then echo "ok 2 - one process: $nerr errors";
else echo "not ok 2 - one process: exit $rc, $nerr errors (want ${#invalid[@]})"; fail=1; fi
[ $fail -eq 0 ]
