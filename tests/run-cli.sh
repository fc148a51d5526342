#!/usr/bin/env bash
# CLI golden tests (curl testNNNN, trivy .golden), TAP output.
#
# A case is tests/cli/<cmd>/<case>.args (one argument per line; @DATA@ is
# replaced by tests/data, @SHARED@ by the shared corpora dir) with beside it
#   <case>.stdout  expected standard output   (absent = must be empty)
#   <case>.stderr  expected standard error    (absent = must be empty)
#   <case>.exit    expected exit code         (absent = 0)
#   <case>.stdin   fed to standard input      (optional)
# Runs from the repository root; the root's absolute path in the output is
# written @PWD@.  --update rewrites the expected files from
# what hullscan does now, for review with `git diff`.
set -u
LC_ALL=C; export LC_ALL
unset NO_COLOR
export HULLSCAN_NOW=2026-01-01T00:00:00Z
hullscan=./build/hullscan; update=0
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$2; shift 2;;
    --update) update=1; shift;;
    *) echo "usage: run-cli.sh [--hullscan PATH] [--update]" >&2; exit 2;;
  esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mapfile -t cases < <(find tests/cli -name '*.args' | sort)
echo "1..${#cases[@]}"
n=0; bad=0
for a in "${cases[@]}"; do
  n=$((n+1)); base=${a%.args}; name=${base#tests/cli/}
  args=()
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line//@DATA@/tests/data}
    args+=("$line")
  done <"$a"
  stdin=/dev/null; [ -f "$base.stdin" ] && stdin=$base.stdin
  "$hullscan" "${args[@]}" <"$stdin" >"$tmp/out" 2>"$tmp/err"; rc=$?
  # the checkout's absolute path (SARIF's %SRCROOT%) varies between clones
  sed -i "s|$PWD|@PWD@|g" "$tmp/out" "$tmp/err"
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
