#!/usr/bin/env bash
# What the secret scan adds to `hullscan image`: the same image audited with
# and without it (--no-secrets), runs interleaved, best of N each.
#
#   bench/secrets_image.sh [--hullscan PATH] [-n N] [IMAGE.tar...]
#
# IMAGE.tar default: the large test image of bench/mkimages.sh
# (/work/bench-images/large.oci.tar, else bench/images/large.oci.tar).
# Prints wall and CPU seconds, peak memory, and the ratio with/without; the
# issue's target: secrets add under 20% to the image time.
set -u
LC_ALL=C; export LC_ALL
cd "$(dirname "$0")/.."
hullscan=$PWD/build/hullscan runs=3 images=()
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$(readlink -f "$2"); shift 2;;
    -n) runs=$2; shift 2;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
    -*) echo "secrets_image: unknown option $1" >&2; exit 2;;
    *) images+=("$1"); shift;;
  esac
done
if [ ${#images[@]} -eq 0 ]; then
  for i in /work/bench-images/large.oci.tar bench/images/large.oci.tar; do
    [ -f "$i" ] && { images+=("$i"); break; }
  done
fi
[ ${#images[@]} -gt 0 ] || { echo "secrets_image: no image (run bench/mkimages.sh)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "secrets_image: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), best of $runs"
for img in "${images[@]}"; do
  cat "$img" >/dev/null # warm the cache
  declare -A bw=() bc=() bm=()
  for _ in $(seq "$runs"); do
    for mode in without with; do
      opt=(); [ $mode = without ] && opt=(--no-secrets)
      /usr/bin/time -f '%e %U %S %M' -o "$tmp/t" "$hullscan" image --no-progress -q -f json \
        -o "$tmp/$mode.json" "${opt[@]}" "$img" >/dev/null 2>&1
      read -r w u s m < <(tail -1 "$tmp/t")
      if [ -z "${bw[$mode]:-}" ] || awk "BEGIN { exit !($w < ${bw[$mode]}) }"; then
        bw[$mode]=$w; bc[$mode]=$(awk "BEGIN { print $u + $s }"); bm[$mode]=$m
      fi
    done
  done
  n=$(python3 -c "import json,sys; print(sum(1 for f in json.load(open(sys.argv[1]))['findings'] if f.get('secret')))" "$tmp/with.json" 2>/dev/null)
  echo "$img"
  for mode in without with; do
    printf '  %-16s %6.2f s wall %6.2f s CPU %7.0f MB\n' "$mode secrets" "${bw[$mode]}" "${bc[$mode]}" \
      "$(awk "BEGIN { print ${bm[$mode]} / 1024 }")"
  done
  printf '  secrets add %.0f%% wall, %.0f%% CPU (%s secret findings; target < 20%% wall)\n' \
    "$(awk "BEGIN { print (${bw[with]} / ${bw[without]} - 1) * 100 }")" \
    "$(awk "BEGIN { print (${bc[with]} / ${bc[without]} - 1) * 100 }")" "$n"
done
