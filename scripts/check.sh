#!/usr/bin/env bash
# The test gate behind `make check` (and `make asan`).
#
#   scripts/check.sh          gcc build in build/ (werror), all suites; then
#                             ASan+UBSan build in build-asan/, suites
#                             unit rules parser conformance cli fuzz-replay
#                             (those of them that exist)
#   scripts/check.sh gcc      only the first run
#   scripts/check.sh asan     only the second run
#
# Counts come from each build dir's meson-logs/testlog.json (one line per
# meson test): OK/EXPECTEDFAIL = passed, FAIL/TIMEOUT/ERROR/UNEXPECTEDPASS =
# failed, SKIP = skipped, and so is any test that exited 77 (meson 1.0 calls
# that ERROR for TAP tests, e.g. the conformance scripts without ../shared).
# A build dir that fails to configure or compile counts as one failure.  The last line printed
# is always "N passed, N failed, N skipped" summed over the runs; the exit
# status is 1 when anything failed.  Assumes scripts/deps.sh has run.
set -u
cd "$(dirname "$0")/.." || exit 2

ASAN_SUITES=(unit rules parser conformance cli fuzz-replay)
# Sanitized debug code is slower; conformance timeouts are sized for build/.
ASAN_TIMEOUT_MULTIPLIER=${ASAN_TIMEOUT_MULTIPLIER:-3}

total_pass=0 total_fail=0 total_skip=0
failed_names=()

say() { printf '\n=== %s\n' "$*"; }

# setup DIR MESON-ARGS...: configure DIR unless it already has build.ninja.
setup() {
  local dir=$1; shift
  [ -f "$dir/build.ninja" ] && return 0
  if [ -f "$dir/meson-private/coredata.dat" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

# option DIR NAME: print the configured value of a meson option.
option() {
  meson introspect "$1" --buildoptions 2>/dev/null | python3 -c '
import json, sys
for o in json.load(sys.stdin):
    if o["name"] == sys.argv[1]:
        print(o["value"])' "$2"
}

# suites_present DIR WANTED...: print those of WANTED that DIR defines.
suites_present() {
  local dir=$1; shift
  meson introspect "$dir" --tests 2>/dev/null | python3 -c '
import json, sys
have = {s.split(":")[-1] for t in json.load(sys.stdin) for s in t["suite"]}
print(" ".join(s for s in sys.argv[1:] if s in have))' "$@"
}

# count LABEL DIR: add DIR's testlog.json to the totals.
count() {
  local label=$1 dir=$2 log=$2/meson-logs/testlog.json line
  if [ ! -s "$log" ]; then
    echo "check.sh: $label: meson test wrote no $log" >&2
    total_fail=$((total_fail + 1)); failed_names+=("$label: meson test")
    return
  fi
  line=$(python3 - "$log" "$label" <<'EOF'
import json, sys
passed = failed = skipped = 0
notes = []
with open(sys.argv[1]) as f:
    for raw in f:
        raw = raw.strip()
        if not raw:
            continue
        t = json.loads(raw)
        r = t.get("result")
        # meson 1.0 honours exit 77 only for exitcode tests; a TAP test that
        # prints "1..0 # SKIP" and exits 77 comes back as ERROR: a skip.
        if r == "ERROR" and t.get("returncode") == 77:
            r = "SKIP"
            notes.append("S %s: %s (exit 77: skipped)" % (sys.argv[2], t.get("name")))
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:  # FAIL TIMEOUT ERROR UNEXPECTEDPASS INTERRUPT ...
            failed += 1
            notes.append("F %s: %s (%s)" % (sys.argv[2], t.get("name"), r))
print(passed, failed, skipped)
for n in notes:
    print(n)
EOF
  ) || { total_fail=$((total_fail + 1)); failed_names+=("$label: unreadable testlog"); return; }
  local p f s
  read -r p f s <<<"$(head -1 <<<"$line")"
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
  while IFS= read -r b; do
    case $b in
      F\ *) failed_names+=("${b#F }");;
      S\ *) echo "=== ${b#S }";;
    esac
  done < <(tail -n +2 <<<"$line")
  echo "=== $label: $p passed, $f failed, $s skipped"
  [ "$f" -eq 0 ] || echo "=== $label: TAP diagnostics of the failures: $dir/meson-logs/testlog.txt"
}

# run LABEL DIR SETUP-ARGS -- MESON-TEST-ARGS
run() {
  local label=$1 dir=$2; shift 2
  local sargs=() targs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sargs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targs=("$@")
  say "$label: configure and build $dir"
  if ! setup "$dir" "${sargs[@]}"; then
    echo "check.sh: $label: meson setup $dir failed" >&2
    total_fail=$((total_fail + 1)); failed_names+=("$label: meson setup"); return
  fi
  if ! ninja -C "$dir"; then
    echo "check.sh: $label: build failed" >&2
    total_fail=$((total_fail + 1)); failed_names+=("$label: build"); return
  fi
  rm -f "$dir/meson-logs/testlog.json"
  say "$label: meson test -C $dir ${targs[*]}"
  meson test -C "$dir" --no-rebuild --print-errorlogs "${targs[@]}"
  count "$label" "$dir"
}

run_gcc() {
  # werror is the project default; make sure an older build/ did not turn it off
  if [ -f build/build.ninja ] && [ "$(option build werror)" != True ]; then
    echo "check.sh: build/ had werror off; turning it on (meson configure build -Dwerror=true)"
    meson configure build -Dwerror=true || true
  fi
  CC=gcc run "gcc" build -Dwerror=true --
}

run_asan() {
  local suites=() s args=()
  # configure first so that the suite list can be read from the build dir
  if ! CC=gcc setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
    total_fail=$((total_fail + 1)); failed_names+=("asan: meson setup"); return
  fi
  read -r -a suites <<<"$(suites_present build-asan "${ASAN_SUITES[@]}")"
  for s in "${suites[@]}"; do args+=(--suite "$s"); done
  if [ ${#suites[@]} -eq 0 ]; then
    echo "check.sh: asan: none of the suites ${ASAN_SUITES[*]} is defined" >&2
    total_fail=$((total_fail + 1)); failed_names+=("asan: no suites"); return
  fi
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run "asan+ubsan" build-asan -- -t "$ASAN_TIMEOUT_MULTIPLIER" "${args[@]}"
}

case ${1:-all} in
  all) run_gcc; run_asan;;
  gcc) run_gcc;;
  asan) run_asan;;
  *) echo "usage: scripts/check.sh [all|gcc|asan]" >&2; exit 2;;
esac

if [ ${#failed_names[@]} -gt 0 ]; then
  echo
  echo "=== failed:"
  printf '  %s\n' "${failed_names[@]}"
fi
echo
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
