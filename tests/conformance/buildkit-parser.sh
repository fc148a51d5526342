#!/usr/bin/env bash
# BuildKit parser conformance (TAP): every testfiles/<case>/Dockerfile must
# dump exactly as its `result`; every testfiles-negative case must fail with
# exit 2 and a FILE:LINE error.  Skipped (TAP "1..0 # SKIP") when the corpus is absent.
set -u
LC_ALL=C; export LC_ALL
hullscan=$1
corpus=$2/corpora/buildkit-parser
if [ ! -d "$corpus/testfiles" ]; then
  echo "1..0 # SKIP shared corpus not found at $corpus"
  exit 0
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cases=("$corpus"/testfiles/*/ "$corpus"/testfiles-negative/*/)
echo "1..$(( ${#cases[@]} + 1 ))"
n=0; bad=0
for dir in "$corpus"/testfiles/*/; do
  n=$((n+1)); name=$(basename "$dir")
  if "$hullscan" parse --format buildkit "$dir/Dockerfile" >"$tmp/out" 2>"$tmp/err" &&
     cmp -s "$tmp/out" "$dir/result"; then
    echo "ok $n - $name"
  else
    bad=1; echo "not ok $n - $name"
    diff "$dir/result" "$tmp/out" | head -20 | sed 's/^/# /'
    sed 's/^/# stderr: /' "$tmp/err" | head -5
  fi
done
for dir in "$corpus"/testfiles-negative/*/; do
  n=$((n+1)); name=$(basename "$dir")
  "$hullscan" parse --format buildkit "$dir/Dockerfile" >"$tmp/out" 2>"$tmp/err"; rc=$?
  if [ $rc -eq 2 ] && grep -Eq '^.+Dockerfile:[0-9]+(:[0-9]+)?: error: ' "$tmp/err"; then
    echo "ok $n - negative $name # $(head -1 "$tmp/err")"
  else
    bad=1; echo "not ok $n - negative $name (exit $rc)"; sed 's/^/# /' "$tmp/err" | head -5
  fi
done
# line numbers (FORMAT.md section 9): root 5-31, instructions 5-5, 11-12, 17-31
n=$((n+1))
got=$("$hullscan" parse --format json "$corpus/testfile-line/Dockerfile" 2>/dev/null |
  python3 -c 'import json,sys
d=json.load(sys.stdin)["files"][0]
print(d["start_line"], d["end_line"], *["%d-%d" % (i["start_line"], i["end_line"]) for i in d["instructions"]])' 2>/dev/null)
if [ "$got" = "5 31 5-5 11-12 17-31" ]; then
  echo "ok $n - testfile-line"
else
  bad=1; echo "not ok $n - testfile-line: got '$got'"
fi
exit $bad
