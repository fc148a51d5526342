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

# The example image: built from examples/image/demo.spec by the project's own
# fixture builder (tests/fixture; no Docker engine needed), then audited.
printf '\n==> Build the example image build/demo-image.tar from examples/image/demo.spec\n'
printf '$ build/tests/mkfixture examples/image/demo.spec build/demo-image.tar\n'
if ! ./build/tests/mkfixture examples/image/demo.spec build/demo-image.tar; then
  echo "demo: cannot build the example image" >&2
  exit 1
fi
step "Audit the image: config, every layer's files (deleted ones too), history" \
  image build/demo-image.tar
step "Its layers and the instructions that made them" \
  image --history build/demo-image.tar
step "The image findings as SARIF, written to build/demo-image.sarif" \
  image --format sarif -o build/demo-image.sarif build/demo-image.tar

# Secrets: every file of every layer of the image (the .env a later layer
# deleted included) and its config and history; then examples/ as the build
# context `docker build examples` would send (.dockerignore applied).
step "Find hard-coded secrets in every layer of the image" \
  secrets build/demo-image.tar
step "Find secrets in examples/ as a Docker build context" \
  secrets --context examples

# Vulnerabilities: example OSV records written for the demo (examples/vuln/osv,
# not taken from any database) imported into build/demo-osv.db, then matched
# against an example package list: a fixable HIGH, an unfixed HIGH, a MEDIUM.
step "Import the example OSV records into build/demo-osv.db" \
  db import --db build/demo-osv.db examples/vuln/osv
step "Match an example package list against them" \
  vuln --db build/demo-osv.db examples/vuln/packages.json
step "The same, failing only on vulnerabilities that have a fix (CI gate)" \
  vuln --db build/demo-osv.db --ignore-unfixed --fail-on high examples/vuln/packages.json
step "Every rule hullscan knows" \
  rules

exit $status
