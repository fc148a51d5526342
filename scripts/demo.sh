#!/usr/bin/env bash
# `make demo`: show what hullscan does on examples/.  Each step prints a
# header and runs one hullscan command.  Findings are the point of the demo,
# so exit 1 (findings) and 2 (bad input) do not fail it; an internal error
# (exit >= 3) or death by a signal does.  To add a step, add one `step` line.
set -u
cd "$(dirname "$0")/.." || exit 2
hullscan=${HULLSCAN:-./build/hullscan}
status=0

# step TITLE ARGS...: print a header, run `hullscan ARGS...`, note crashes
step() {
  local title=$1 rc; shift
  printf '\n==> %s\n$ hullscan %s\n\n' "$title" "$*"
  "$hullscan" "$@"; rc=$?
  if [ $rc -ge 3 ]; then
    if [ $rc -gt 128 ]; then
      echo "demo: hullscan died of signal $((rc - 128))" >&2
    else
      echo "demo: hullscan failed with exit $rc" >&2
    fi
    status=1
  else
    printf '\n(exit %d)\n' "$rc"
  fi
}

if [ ! -x "$hullscan" ]; then
  echo "demo: $hullscan not built; run 'make' first" >&2
  exit 1
fi

step "Parse examples/Dockerfile the way BuildKit does" \
  parse --format buildkit examples/Dockerfile
step "Lint examples/Dockerfile against the container-security checklist" \
  lint examples/Dockerfile
step "The same findings as SARIF 2.1.0 for GitHub code scanning, written to build/demo.sarif" \
  lint --format sarif -o build/demo.sarif examples/Dockerfile
step "Every rule hullscan knows" \
  rules

exit $status
