#!/usr/bin/env bash
# OSV import benchmark: `hullscan db import` of the shared OSV corpus
# (../shared/corpora/osv, about 20,000 records in six ecosystems) into a
# fresh database, then again into the same database (every record
# unchanged), then from per-ecosystem zip archives like OSV's all.zip.
# Prints wall time (best of --runs), records/s, the database size, and a
# baseline read of the same files (cat), since the machine is shared.
#
#   bash bench/osv_import.sh [--hullscan PATH] [--runs N] [CORPUS]
#
# Targets (issue 6): under 3 s and a database under 40 MB.
set -eu
LC_ALL=C; export LC_ALL
cd "$(dirname "$0")/.."
hullscan=./build/hullscan runs=3 corpus=../shared/corpora/osv
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$2; shift 2;;
    --runs) runs=$2; shift 2;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    -*) echo "usage: bench/osv_import.sh [--hullscan PATH] [--runs N] [CORPUS]" >&2; exit 2;;
    *) corpus=$1; shift;;
  esac
done
[ -d "$corpus" ] || { echo "osv_import: no corpus at $corpus" >&2; exit 2; }
[ -x "$hullscan" ] || { echo "osv_import: no $hullscan (run make)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export HULLSCAN_NOW=2026-01-01T00:00:00Z

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
# best of $runs wall times of "$@" (seconds); the command's stdout is kept in $tmp/out
best() {
  local b= t0 t1 t
  for _ in $(seq "$runs"); do
    [ -n "${prepare:-}" ] && eval "$prepare"
    t0=$(now); "$@" >"$tmp/out" 2>"$tmp/err"; t1=$(now)
    t=$(calc "$t1 - $t0")
    if [ -z "$b" ] || [ "$(calc "$t < $b")" = 1 ]; then b=$t; fi
  done
  echo "$b"
}
fmt() { printf '%.3f' "$1"; }

files=$(find "$corpus" -name '*.json' | wc -l)
bytes=$(find "$corpus" -name '*.json' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "corpus: $corpus, $files JSON files, $((bytes / 1024 / 1024)) MB"

prepare=
t_cat=$(best sh -c "find '$corpus' -name '*.json' -print0 | xargs -0 cat >/dev/null")

prepare="rm -f '$tmp/osv.db'"
t_fresh=$(best "$hullscan" db import --db "$tmp/osv.db" "$corpus")
records=$(sed -n 's/.*: \([0-9]*\) added.*/\1/p' "$tmp/out")
size=$(stat -c %s "$tmp/osv.db")

prepare=
t_again=$(best "$hullscan" db import --db "$tmp/osv.db" "$corpus")
unchanged=$(sed -n 's/.* \([0-9]*\) unchanged.*/\1/p' "$tmp/out")

# per-ecosystem archives shaped like OSV's all.zip (deflated, flat)
mkdir "$tmp/zips"
python3 - "$corpus" "$tmp/zips" <<'EOF'
import os, sys, zipfile
corpus, out = sys.argv[1], sys.argv[2]
for eco in sorted(os.listdir(corpus)):
    d = os.path.join(corpus, eco)
    if not os.path.isdir(d):
        continue
    with zipfile.ZipFile(os.path.join(out, eco + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(os.listdir(d)):
            if f.endswith(".json") and f != "SOURCE.json":
                z.write(os.path.join(d, f), f)
EOF
zbytes=$(du -cb "$tmp"/zips/*.zip | tail -1 | cut -f1)
prepare="rm -f '$tmp/zip.db'"
t_zip=$(best "$hullscan" db import --db "$tmp/zip.db" "$tmp"/zips/*.zip)
zrecords=$(sed -n 's/.*: \([0-9]*\) added.*/\1/p' "$tmp/out")

rate() { printf '%.0f' "$(calc "$1 / $2")"; }
printf '\n%-44s %9s %10s\n' "step (best of $runs)" "time s" "records/s"
printf '%-44s %9s %10s\n' "cat of every file (baseline)" "$(fmt "$t_cat")" ""
printf '%-44s %9s %10s\n' "import into a new database ($records records)" "$(fmt "$t_fresh")" "$(rate "$records" "$t_fresh")"
printf '%-44s %9s %10s\n' "import again ($unchanged unchanged)" "$(fmt "$t_again")" "$(rate "$unchanged" "$t_again")"
printf '%-44s %9s %10s\n' "import from 6 zips ($((zbytes / 1024 / 1024)) MB, $zrecords records)" "$(fmt "$t_zip")" "$(rate "$zrecords" "$t_zip")"
printf '\ndatabase: %s bytes (%.1f MB) for %s MB of JSON\n' "$size" "$(calc "$size / 1048576")" "$((bytes / 1024 / 1024))"
ok=1
[ "$(calc "$t_fresh < 3")" = 1 ] || { echo "over the 3 s target"; ok=0; }
[ "$size" -lt $((40 * 1024 * 1024)) ] || { echo "over the 40 MB target"; ok=0; }
[ $ok = 1 ] && echo "targets met: under 3 s, under 40 MB"
exit 0
