#!/usr/bin/env bash
# Benchmarks of the Dockerfile front end; ratios against baselines measured
# in the same run, because these machines are shared and noisy.
#   bench/run.sh [BUILD_DIR]       (default: build; run from the repo root)
# 1. in-process throughput over the real-world corpus (bench_parse),
#    baseline: a memchr newline count over the same bytes;
# 2. `hullscan parse` of the whole corpus in one process and file by file,
#    baseline: `cat` of the same files, one process / one per file;
# 3. wall time of `hullscan parse` on one ordinary Dockerfile, process start
#    included, baseline: /bin/true.
set -u
LC_ALL=C; export LC_ALL
build=${1:-build}
hullscan=$build/hullscan
corpus=${HULLSCAN_SHARED:-../shared}/corpora/dockerfiles-real
if [ ! -d "$corpus" ]; then echo "bench: corpus not found at $corpus (set HULLSCAN_SHARED)"; exit 77; fi
mapfile -t files < <(tail -n +2 "$corpus/PROVENANCE.tsv" | cut -f1 | sed "s|^|$corpus/|")
bytes=$(cat "${files[@]}" | wc -c)
ms() { date +%s%N; }
echo "== 1. in-process, ${#files[@]} files, $bytes bytes"
"$build/bench/bench_parse" --rounds 5 "${files[@]}"

echo
echo "== 2. command line, whole corpus"
t0=$(ms); cat "${files[@]}" >/dev/null; t1=$(ms)
"$hullscan" parse --format json -o /dev/null "${files[@]}" 2>/dev/null; t2=$(ms)
"$hullscan" parse --format buildkit -o /dev/null "${files[@]}" 2>/dev/null; t3=$(ms)
awk -v b="$bytes" -v n="${#files[@]}" -v c=$((t1-t0)) -v j=$((t2-t1)) -v k=$((t3-t2)) 'BEGIN {
  printf "cat (baseline)        %8.1f ms\n", c/1e6
  printf "parse --format json   %8.1f ms  %7.1f MB/s  %8.0f files/s  %6.1f x baseline\n", j/1e6, b/(j/1e3), n/(j/1e9), j/c
  printf "parse --format buildkit %6.1f ms  %7.1f MB/s  %8.0f files/s  %6.1f x baseline\n", k/1e6, b/(k/1e3), n/(k/1e9), k/c }'

echo
echo "== 2b. command line, one process per file"
t0=$(ms); for f in "${files[@]}"; do cat "$f" >/dev/null; done; t1=$(ms)
for f in "${files[@]}"; do "$hullscan" parse -o /dev/null "$f" 2>/dev/null; done; t2=$(ms)
awk -v n="${#files[@]}" -v c=$((t1-t0)) -v j=$((t2-t1)) 'BEGIN {
  printf "cat per file (baseline) %6.3f ms/file\n", c/1e6/n
  printf "hullscan parse          %6.3f ms/file  %6.2f x baseline\n", j/1e6/n, j/c }'

echo
one=$corpus/docker-library__python__3.10__alpine3.23__Dockerfile/Dockerfile
[ -f "$one" ] || one=${files[0]}
echo "== 3. one ordinary Dockerfile ($(wc -c <"$one") bytes), 300 runs each"
t0=$(ms); for i in $(seq 300); do /bin/true; done; t1=$(ms)
for i in $(seq 300); do "$hullscan" parse -o /dev/null "$one"; done; t2=$(ms)
awk -v c=$((t1-t0)) -v j=$((t2-t1)) 'BEGIN {
  printf "/bin/true (baseline)  %6.3f ms/run\n", c/1e6/300
  printf "hullscan parse        %6.3f ms/run  %6.2f x baseline\n", j/1e6/300, j/c }'
