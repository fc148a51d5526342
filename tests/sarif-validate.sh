#!/usr/bin/env bash
# SARIF output passes Microsoft's validator with no errors and no warnings.
# The validator comes from npm (scripts/peers.sh sarif); when it cannot be
# had (no network), the test is skipped.  TAP; run from the repo root.
set -u
hullscan=$(readlink -f "${1:-./build/hullscan}")
mkfixture=$(readlink -f "${2:-./build/tests/mkfixture}") # builds the images
v=${SARIF_MULTITOOL:-}
[ -n "$v" ] || v=$(scripts/peers.sh sarif 2>/dev/null) || v=
if [ -z "$v" ] || [ ! -x "$v" ]; then echo "1..0 # SKIP SARIF validator not available"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cases=(examples/Dockerfile tests/data/dockerfiles/multistage.Dockerfile tests/data/lint)
# `hullscan image` reports, run from $tmp so that the archive is a relative
# URI under %SRCROOT% (as in a CI workspace): the demo image, a clean one,
# and names that need percent-encoding (blank, '#', '%', invalid UTF-8)
printf '%s\n' 'tag odd:1.0' 'layer' \
  'file "app/my secrets#1 100%/.env" = "AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789ABCD"' \
  'rawname x "app/caf\xe9/id_rsa"' 'file x = "-----BEGIN OPENSSH PRIVATE KEY-----"' >"$tmp/odd.spec"
"$mkfixture" examples/image/demo.spec "$tmp/demo.tar" &&
  "$mkfixture" --format docker-oci tests/data/image/clean.spec "$tmp/clean.tar" &&
  "$mkfixture" --format oci "$tmp/odd.spec" "$tmp/odd image" ||
  { echo "Bail out! cannot build the images with $mkfixture"; exit 1; }
images=(demo.tar clean.tar "odd image")
echo "1..$(( ${#cases[@]} + 1 + ${#images[@]} + 1 + 2 ))"
n=0; bad=0
check() { # name file
  n=$((n+1))
  out=$("$v" validate "$2" 2>&1); rc=$?
  probs=$(printf '%s\n' "$out" | grep -E ': (error|warning) ' || true)
  if [ $rc -eq 0 ] && [ -z "$probs" ]; then echo "ok $n - $1"
  else bad=1; echo "not ok $n - $1"; printf '%s\n' "$out" | tail -20 | sed 's/^/# /'; fi
}
for c in "${cases[@]}"; do
  "$hullscan" lint -f sarif -o "$tmp/out.sarif" "$c" 2>/dev/null
  check "sarif of $c" "$tmp/out.sarif"
done
printf 'FROM alpine:3.20@sha256:%064d\nUSER 10001\n' 0 > "$tmp/clean.Dockerfile"
"$hullscan" lint -f sarif -o "$tmp/clean.sarif" "$tmp/clean.Dockerfile" 2>/dev/null
check "sarif with no results" "$tmp/clean.sarif"
for i in "${images[@]}"; do
  (cd "$tmp" && "$hullscan" image -f sarif -o "$i.sarif" "$i" 2>/dev/null)
  check "sarif of hullscan image $i" "$tmp/$i.sarif"
done
# `hullscan vuln`: the demo's OSV records against its package list
"$hullscan" db import --db "$tmp/osv.db" examples/vuln/osv >/dev/null 2>&1
"$hullscan" vuln --db "$tmp/osv.db" -f sarif -o "$tmp/vuln.sarif" examples/vuln/packages.json 2>/dev/null
check "sarif of hullscan vuln" "$tmp/vuln.sarif"
# `hullscan secrets`: a tree (an archive member among the results) and an image
"$hullscan" secrets -f sarif -o "$tmp/secrets.sarif" tests/data/secrets/tree 2>/dev/null
check "sarif of hullscan secrets on a tree" "$tmp/secrets.sarif"
(cd "$tmp" && "$hullscan" secrets -f sarif -o secrets-image.sarif demo.tar 2>/dev/null)
check "sarif of hullscan secrets on an image" "$tmp/secrets-image.sarif"
exit $bad
