#!/bin/bash
# version-diff.sh - run every differential check of the version comparators
# (tests/vuln/diff/<scheme>.sh) and print one table.
#
# usage: bench/version-diff.sh [--pairs N] [--hullscan PATH] [--seed S]
#                              [SCHEME]...
#
# Each check compares `hullscan version compare SCHEME` with its scheme's
# reference tool on N random realistic pairs (default 100000) and may
# install its oracle first (apt-get, npm); the table gives per scheme the
# pairs, the disagreements, the pairs where both versions were valid, the
# wall time and the status (ok, FAIL: disagreements, or "not run" when the
# check could not start: its output is then shown below the table).  Exit
# 1 when any scheme disagrees or could not run.  Run by hand, not by
# `make check`.
set -uo pipefail
LC_ALL=C
export LC_ALL

root=$(cd "$(dirname "$0")/.." && pwd)
args=()
schemes=()
while [ $# -gt 0 ]; do
        case $1 in
        --pairs | --hullscan | --seed) args+=("$1" "$2"); shift 2 ;;
        -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "version-diff.sh: unknown option '$1'" >&2; exit 2 ;;
        *) schemes+=("$1"); shift ;;
        esac
done
if [ ${#schemes[@]} -eq 0 ]; then
        for f in "$root"/tests/vuln/diff/*.sh; do
                s=${f##*/}
                [ "$s" = lib.sh ] && continue # sourced by the checks
                schemes+=("${s%.sh}")
        done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
rows=()
for s in "${schemes[@]}"; do
        script=$root/tests/vuln/diff/$s.sh
        if [ ! -f "$script" ]; then
                rows+=("$s|-|-|-|-|no script")
                status=1
                continue
        fi
        t0=$(date +%s%N)
        bash "$script" "${args[@]}" >"$tmp/$s.out" 2>"$tmp/$s.err"
        rc=$?
        t1=$(date +%s%N)
        secs=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f s", d / 1e9 }')
        line=$(grep -m1 -E "^$s: [0-9]+ pairs, [0-9]+ disagreements" "$tmp/$s.out" || true)
        if [ -z "$line" ]; then
                rows+=("$s|-|-|-|$secs|not run (exit $rc)")
                status=1
                continue
        fi
        n=$(sed -E 's/^[^:]+: ([0-9]+) pairs.*/\1/' <<<"$line")
        d=$(sed -E 's/.* ([0-9]+) disagreements.*/\1/' <<<"$line")
        # "N pairs both valid", or "oracle answers: -1 A, 0 B, 1 C, error E"
        v=$(grep -m1 -oE '[0-9]+ pairs both valid' "$tmp/$s.out" | cut -d' ' -f1 || true)
        e=$(grep -m1 -oE 'oracle answers:.* error [0-9]+' "$tmp/$s.out" | grep -oE '[0-9]+$' || true)
        [ -z "$v" ] && [ -n "$e" ] && v=$((n - e))
        if [ "$rc" -eq 0 ] && [ "$d" -eq 0 ]; then
                st=ok
        else
                st="FAIL (exit $rc)"
                status=1
        fi
        rows+=("$s|$n|$d|${v:--}|$secs|$st")
done

printf '%-8s %9s %14s %11s %9s  %s\n' scheme pairs disagreements "both valid" time status
for r in "${rows[@]}"; do
        IFS='|' read -r s n d v t st <<<"$r"
        printf '%-8s %9s %14s %11s %9s  %s\n' "$s" "$n" "$d" "$v" "$t" "$st"
done
for s in "${schemes[@]}"; do
        [ -f "$tmp/$s.out" ] || continue
        if ! grep -q -E "^$s: [0-9]+ pairs, 0 disagreements" "$tmp/$s.out"; then
                echo
                echo "== $s"
                head -40 "$tmp/$s.out"
                tail -20 "$tmp/$s.err"
        fi
done
exit $status
