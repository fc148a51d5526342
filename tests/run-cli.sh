#!/usr/bin/env bash
# CLI golden tests (curl testNNNN, trivy .golden), TAP output.
#
# A case is tests/cli/<cmd>/<case>.args (one argument per line; @DATA@ is
# replaced by tests/data, @SHARED@ by the shared corpora dir, @IMAGES@ by a
# directory of test images built by build_images below, @TMP@ by a scratch
# directory shared by the cases of one run, in name order) with beside it
#   <case>.stdout  expected standard output   (absent = must be empty)
#   <case>.stderr  expected standard error    (absent = must be empty)
#   <case>.exit    expected exit code         (absent = 0)
#   <case>.stdin   fed to standard input      (optional)
# Runs from the repository root; the root's absolute path in the output is
# written @PWD@, the images directory @IMAGES@.  --update rewrites the
# expected files from what hullscan does now, for review with `git diff`;
# PREFIX arguments (e.g. image/) limit the run to the cases named so.
set -u
LC_ALL=C; export LC_ALL
unset NO_COLOR
export HULLSCAN_NOW=2026-01-01T00:00:00Z
hullscan=./build/hullscan; mkfixture=./build/tests/mkfixture; update=0; prefixes=()
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$2; shift 2;;
    --mkfixture) mkfixture=$2; shift 2;;
    --update) update=1; shift;;
    -*) echo "usage: run-cli.sh [--hullscan PATH] [--mkfixture PATH] [--update] [PREFIX]..." >&2; exit 2;;
    *) prefixes+=("$1"); shift;;
  esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT; mkdir "$tmp/scratch"

# The images of the `hullscan image` cases, built by the fixture builder
# from committed specs (deterministic: the same spec gives the same bytes),
# so no binary image is committed: demo.tar (examples/image/demo.spec,
# docker save <= 24), clean.tar (Docker 25+ archive) and multi/, an OCI
# layout shaped like `docker buildx build --platform linux/amd64,linux/arm64
# --output type=oci`: index.json names one image index listing a
# linux/amd64 and a linux/arm64/v8 manifest.
build_images() {
  local d=$tmp/images s=tests/data/image a b h
  mkdir -p "$d/multi/blobs/sha256" || return 1
  "$mkfixture" examples/image/demo.spec "$d/demo.tar" &&
    "$mkfixture" --format docker-oci "$s/clean.spec" "$d/clean.tar" &&
    "$mkfixture" --format oci "$s/multi-amd64.spec" "$tmp/amd64" &&
    "$mkfixture" --format oci --compression zstd "$s/multi-arm64.spec" "$tmp/arm64" || return 1
  cp "$tmp"/amd64/blobs/sha256/* "$tmp"/arm64/blobs/sha256/* "$d/multi/blobs/sha256/" &&
    cp "$tmp/amd64/oci-layout" "$d/multi/" || return 1
  # each index.json lists its manifest with a platform: keep the descriptors
  # without their names for the image index
  a=$(sed -n 's/.*"manifests":\[\(.*\)\]}$/\1/p' "$tmp/amd64/index.json" | sed 's/,"annotations":{[^}]*}//')
  b=$(sed -n 's/.*"manifests":\[\(.*\)\]}$/\1/p' "$tmp/arm64/index.json" | sed 's/,"annotations":{[^}]*}//')
  [ -n "$a" ] && [ -n "$b" ] || return 1
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s,%s]}' \
    "$a" "$b" >"$tmp/index" || return 1
  h=$(sha256sum <"$tmp/index" | cut -c1-64)
  cp "$tmp/index" "$d/multi/blobs/sha256/$h" || return 1
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"2.0"}}]}\n' \
    "$h" "$(stat -c %s "$tmp/index")" >"$d/multi/index.json"
}
if ! build_images >&2; then echo "Bail out! cannot build the test images with $mkfixture"; exit 1; fi
mapfile -t cases < <(find tests/cli -name '*.args' | sort)
if [ ${#prefixes[@]} -gt 0 ]; then
  keep=()
  for a in "${cases[@]}"; do
    for p in "${prefixes[@]}"; do [[ ${a#tests/cli/} == "$p"* ]] && { keep+=("$a"); break; }; done
  done
  cases=("${keep[@]}")
fi
echo "1..${#cases[@]}"
n=0; bad=0
for a in "${cases[@]}"; do
  n=$((n+1)); base=${a%.args}; name=${base#tests/cli/}
  args=()
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line//@DATA@/tests/data}
    line=${line//@IMAGES@/$tmp/images}
    line=${line//@TMP@/$tmp/scratch}
    args+=("$line")
  done <"$a"
  stdin=/dev/null; [ -f "$base.stdin" ] && stdin=$base.stdin
  "$hullscan" "${args[@]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"; rc=$?
  # the checkout's absolute path (SARIF's %SRCROOT%) varies between clones
  sed -i "s|$tmp/images|@IMAGES@|g; s|$tmp/scratch|@TMP@|g; s|$PWD|@PWD@|g" "$tmp/out" "$tmp/err"
  if [ $update -eq 1 ]; then
    if [ -s "$tmp/out" ]; then cp "$tmp/out" "$base.stdout"; else rm -f "$base.stdout"; fi
    if [ -s "$tmp/err" ]; then cp "$tmp/err" "$base.stderr"; else rm -f "$base.stderr"; fi
    if [ $rc -ne 0 ]; then echo $rc >"$base.exit"; else rm -f "$base.exit"; fi
    echo "ok $n - $name # updated"; continue
  fi
  want_rc=0; [ -f "$base.exit" ] && want_rc=$(cat "$base.exit")
  ok=1
  [ "$rc" = "$want_rc" ] || { ok=0; echo "# exit $rc, want $want_rc"; }
  for s in out err; do
    f=$base.std$s; [ -f "$f" ] || f=/dev/null
    if ! cmp -s "$f" "$tmp/$s"; then ok=0; diff "$f" "$tmp/$s" | head -20 | sed "s/^/# std$s: /"; fi
  done
  if [ $ok -eq 1 ]; then echo "ok $n - $name"; else bad=1; echo "not ok $n - $name"; fi
done
exit $bad
