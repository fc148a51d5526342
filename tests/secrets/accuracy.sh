#!/usr/bin/env bash
# Secret-scanner accuracy on small labeled corpora (tests/secrets/gencorpus.py):
# one fixed seed (synthetic private keys: byte-for-byte reproducible) and one
# random seed (real keys from openssl/ssh-keygen/gpg when installed), 5 MB
# each.  hullscan must reach recall >= 0.97 and precision >= 0.97 overall,
# recall >= 0.9 on every kind, and report no decoy.  On failure the misses,
# false positives and decoy hits are printed (score.py).  TAP; run from the
# repo root:  tests/secrets/accuracy.sh [HULLSCAN]
#   SECRETS_SEED=N  use N as the "random" seed (reproduce a failure)
#   SECRETS_SIZE=MB corpus size (default 5)
set -u
LC_ALL=C; export LC_ALL
hullscan=$(readlink -f "${1:-./build/hullscan}")
here=$(cd "$(dirname "$0")" && pwd)
size=${SECRETS_SIZE:-5}
fixed=20240301
seed=${SECRETS_SEED:-$(( (RANDOM << 15 | RANDOM) % 1000000000 ))}
if ! command -v python3 >/dev/null 2>&1; then echo "1..0 # SKIP python3 not available"; exit 0; fi
tmp=$(mktemp -d); trap 'rm -rf -- "$tmp"' EXIT
echo "1..6"
echo "# random seed $seed (reproduce: SECRETS_SEED=$seed $0 $hullscan)"
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=1; echo "not ok $n - $1"; }
diag() { sed 's/^/# /'; }

# 1: the generator's fixed-seed corpus has what the issue asks for
if python3 "$here/gencorpus.py" --seed $fixed --size "$size" --no-tools --out "$tmp/fixed" \
    >"$tmp/gen.out" 2>&1 &&
  python3 - "$tmp/fixed/labels.json" >"$tmp/chk.out" 2>&1 <<'EOF'
import json, sys, zlib
d = json.load(open(sys.argv[1]))
L = d["labels"]
planted = [e for e in L if "kind" in e]
decoys = [e for e in L if e.get("decoy")]
kinds = {e["kind"] for e in planted}
encs = {e["encoding"] for e in planted}
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def b62(n):
    s = ""
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s.rjust(6, "0")
def crc_ok(t):
    return b62(zlib.crc32(t[4:34].encode())) == t[34:40]
errs = []
if len(kinds) < 60: errs.append("%d kinds < 60" % len(kinds))
if len(decoys) < 50: errs.append("%d decoys < 50" % len(decoys))
for want in ("base64", "gzip", "utf-16le", "utf-16be", "binary", "zip", "tar.gz", "tar.gz+zip"):
    if want not in encs: errs.append("no planted secret with encoding " + want)
for e in planted:
    v = e["value"]
    if e["kind"] in ("github-pat", "github-oauth", "npm-token") and len(v) == 40 and not crc_ok(v):
        errs.append("planted %s with a bad checksum: %s" % (e["kind"], v))
for e in decoys:
    v = e["value"]
    if "wrong CRC32" in e["why"] and crc_ok(v):
        errs.append("decoy with a valid checksum: " + v)
print("\n".join(errs) if errs else "%d planted, %d kinds, %d decoys" % (len(planted), len(kinds), len(decoys)))
sys.exit(1 if errs else 0)
EOF
then ok "gencorpus seed $fixed: $(cat "$tmp/chk.out")"
else notok "gencorpus seed $fixed"; cat "$tmp/gen.out" "$tmp/chk.out" 2>/dev/null | tail -20 | diag; fi

# 2-3: score.py scores a perfect report as perfect and counts decoy hits
if [ -f "$tmp/fixed/labels.json" ]; then
  python3 - "$tmp/fixed/labels.json" "$tmp" <<'EOF'
import json, sys, os
L = json.load(open(sys.argv[1]))["labels"]
root = os.path.dirname(sys.argv[1])
def f(e, v):
    return {"rule": "x", "file": os.path.join(root, e["file"]), "line": e.get("line"),
            "secret": {"value": v, "inner": e.get("inner"), "encoding": e.get("encoding")}}
perfect = [f(e, e["value"]) for e in L if "kind" in e]
# other reported forms must match too: PEM bodies, whole URLs, re-indented keys
for e in L:
    if "kind" in e and e["value"].startswith("-----BEGIN"):
        perfect.append(f(e, "\n".join(e["value"].split("\n")[1:-1])))
json.dump({"findings": perfect}, open(os.path.join(sys.argv[2], "perfect.json"), "w"))
dec = [f(e, e["value"]) for e in L if e.get("decoy")]
json.dump({"findings": perfect + dec}, open(os.path.join(sys.argv[2], "decoys.json"), "w"))
EOF
  if python3 "$here/score.py" "$tmp/fixed/labels.json" "$tmp/perfect.json" --quiet --min-recall 1 \
      --min-precision 1 --min-kind-recall 1 --max-decoy-hits 0 >"$tmp/s1.out" 2>&1; then
    ok "score.py: a perfect report scores 1.0"
  else notok "score.py: a perfect report scores 1.0"; tail -30 "$tmp/s1.out" | diag; fi
  nd=$(python3 -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1]))["labels"] if e.get("decoy")))' "$tmp/fixed/labels.json")
  python3 "$here/score.py" "$tmp/fixed/labels.json" "$tmp/decoys.json" --quiet --json "$tmp/s2.json" >"$tmp/s2.out" 2>&1
  got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tools"]["hullscan"]["decoy_hits"])' "$tmp/s2.json" 2>/dev/null)
  if [ "$got" = "$nd" ]; then ok "score.py: $nd decoy findings are $got decoy hits"
  else notok "score.py: $nd decoy findings are ${got:-?} decoy hits"; tail -30 "$tmp/s2.out" | diag; fi
else
  notok "score.py: a perfect report scores 1.0 (no corpus)"; notok "score.py: decoy hits (no corpus)"
fi

# 4-6: hullscan on the fixed corpus and on a random one
if [ ! -x "$hullscan" ] || ! "$hullscan" secrets --help >/dev/null 2>&1; then
  for t in "seed $fixed" "seed $seed (generated)" "seed $seed"; do
    n=$((n + 1)); echo "ok $n - hullscan secrets on $t # SKIP $hullscan has no secrets command"
  done
  exit $bad
fi
skip=()
"$hullscan" secrets --help 2>&1 | grep -q -- '--skip' && skip=(--skip labels.json)
scan() { # NAME DIR: scan and score; one TAP point
  local name=$1 dir=$2 rc
  "$hullscan" secrets --show-secrets -f json "${skip[@]}" "$dir" >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
  if [ $rc -ge 2 ]; then
    notok "hullscan secrets on $name: exit status $rc"; tail -10 "$tmp/$name.err" | diag; return
  fi
  if python3 "$here/score.py" "$dir/labels.json" "$tmp/$name.json" --quiet --min-recall 0.97 \
      --min-precision 0.97 --min-kind-recall 0.9 --max-decoy-hits 0 >"$tmp/$name.score" 2>&1; then
    ok "hullscan secrets on $name: $(grep '^hullscan ' "$tmp/$name.score" |
      awk '{printf "recall %s precision %s, %s decoy hits", $4, $9, $8}')"
  else
    notok "hullscan secrets on $name"
    sed -n '/^tool /,$p' "$tmp/$name.score" | diag
    grep -E '^(kind|[a-z0-9-]+ +[0-9]+ +[0-9]+ +0\.[0-8])' "$tmp/$name.score" | diag
  fi
}
scan "seed-$fixed" "$tmp/fixed"
if python3 "$here/gencorpus.py" --seed "$seed" --size "$size" --out "$tmp/random" >"$tmp/gen2.out" 2>&1
then ok "gencorpus random seed $seed"; scan "seed-$seed" "$tmp/random"
else
  notok "gencorpus random seed $seed"; tail -20 "$tmp/gen2.out" | diag
  n=$((n + 1)); echo "not ok $n - hullscan secrets on seed $seed (no corpus)"
fi
exit $bad
