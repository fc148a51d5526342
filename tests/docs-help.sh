#!/usr/bin/env bash
# Docs are tested (git t0450): for every command in `hullscan --help`,
# docs/cli/hullscan-<cmd>.md exists and its first ```text block is exactly
# what `hullscan <cmd> --help` prints.  TAP output; run from the repo root.
set -u
hullscan=${1:-./build/hullscan}
mapfile -t cmds < <("$hullscan" --help | awk '/^commands:/{on=1;next} on&&/^    [a-z]/{print $1} on&&/^$/{on=0}')
echo "1..$(( ${#cmds[@]} + 1 ))"
n=0; bad=0
for c in "${cmds[@]}"; do
  n=$((n+1)); doc=docs/cli/hullscan-$c.md
  if [ ! -f "$doc" ]; then echo "not ok $n - $c: $doc missing"; bad=1; continue; fi
  want=$(awk '/^```text$/{on=1;next} on&&/^```$/{exit} on{print}' "$doc")
  got=$("$hullscan" "$c" --help)
  if [ "$want" = "$got" ]; then echo "ok $n - $c --help matches $doc"
  else echo "not ok $n - $c --help differs from $doc"; diff <(echo "$want") <(echo "$got") | sed 's/^/# /'; bad=1; fi
done
# the rule table in docs/rules/README.md is what `hullscan rules -f markdown` prints
n=$((n+1))
want=$(awk '/<!-- rules-table -->/{on=1;next} /<!-- \/rules-table -->/{on=0} on' docs/rules/README.md)
got=$("$hullscan" rules --format markdown)
if [ "$want" = "$got" ]; then echo "ok $n - docs/rules/README.md table matches hullscan rules"
else echo "not ok $n - docs/rules/README.md table differs from hullscan rules --format markdown"; bad=1; fi
exit $bad
