#!/usr/bin/env bash
# hullscan lint against Trivy's `trivy config`, same files, same run.
#   bench/lint_vs_trivy.sh [BUILD_DIR]     (repo root; needs ../shared and npm for Trivy)
# Prints: wall and CPU time of each tool over the whole real-world corpus in
# one process; per-file wall time (process start included) on one ordinary
# Dockerfile; the throughput ratio; then files flagged per checklist slug by
# each tool (bench/slug_compare.py), so every row where Trivy finds something
# hullscan does not can be looked at.
set -u
LC_ALL=C; export LC_ALL
build=${1:-build}
hullscan=$PWD/$build/hullscan
corpus=${HULLSCAN_SHARED:-../shared}/corpora/dockerfiles-real
trivy=${TRIVY:-$(scripts/peers.sh trivy 2>/dev/null)}
[ -d "$corpus" ] || { echo "corpus not found at $corpus"; exit 77; }
[ -x "$trivy" ] || { echo "trivy not available (scripts/peers.sh trivy)"; exit 77; }
out=${OUT:-$(mktemp -d)}
mapfile -t files < <(tail -n +2 "$corpus/PROVENANCE.tsv" | cut -f1 | sed "s|^|$corpus/|")

echo "== whole corpus (${#files[@]} files), one process"
/usr/bin/time -o "$out/h.time" -f "%e %U %S" "$hullscan" lint -f json -o "$out/hullscan.json" --fail-on critical "${files[@]}" 2>/dev/null
/usr/bin/time -o "$out/t.time" -f "%e %U %S" "$trivy" config --skip-check-update --quiet -f json -o "$out/trivy.json" "$corpus" >/dev/null 2>&1
read -r hw hu hs < <(tail -1 "$out/h.time")
read -r tw tu ts < <(tail -1 "$out/t.time")
awk -v hw="$hw" -v hu="$hu" -v hs="$hs" -v tw="$tw" -v tu="$tu" -v ts="$ts" 'BEGIN {
  printf "hullscan lint   %7.2f s wall  %7.2f s CPU\n", hw, hu+hs
  printf "trivy config    %7.2f s wall  %7.2f s CPU\n", tw, tu+ts
  printf "throughput ratio: hullscan is %.0fx trivy by CPU time, %.0fx by wall time\n", (tu+ts)/((hu+hs)>0.001?(hu+hs):0.001), tw/(hw>0.001?hw:0.001) }'

echo
one=$corpus/docker-library__python__3.10__alpine3.23__Dockerfile/Dockerfile
echo "== one file, process start included ($(wc -c <"$one") bytes)"
t0=$(date +%s%N); for i in $(seq 100); do "$hullscan" lint -q -o /dev/null --fail-on critical "$one"; done; t1=$(date +%s%N)
t2=$(date +%s%N); for i in $(seq 3); do "$trivy" config --skip-check-update --quiet "$(dirname "$one")" >/dev/null 2>&1; done; t3=$(date +%s%N)
awk -v h=$((t1-t0)) -v t=$((t3-t2)) 'BEGIN {
  printf "hullscan lint   %8.2f ms/file\ntrivy config    %8.2f ms/file\nratio           %8.0fx\n", h/1e6/100, t/1e6/3, (t/3)/(h/100) }'

echo
echo "== one by one, whole corpus"
t0=$(date +%s%N); for f in "${files[@]}"; do "$hullscan" lint -q -o /dev/null --fail-on critical "$f" 2>/dev/null; done; t1=$(date +%s%N)
awk -v h=$((t1-t0)) -v n=${#files[@]} 'BEGIN { printf "hullscan lint   %8.2f s for %d processes (%.2f ms/file)\n", h/1e9, n, h/1e6/n }'

echo
echo "== files flagged per checklist slug"
python3 bench/slug_compare.py "$out/hullscan.json" "$out/trivy.json" "$corpus"
echo "(reports kept in $out)"
