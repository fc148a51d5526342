#!/usr/bin/env python3
"""Files flagged per checklist slug: hullscan's JSON report against Trivy's.
usage: slug_compare.py hullscan.json trivy.json CORPUS_DIR
Trivy's Dockerfile checks (DSxxx) are mapped to our checklist slugs below;
checks with no slug count under 'other'.  Prints, per slug, files flagged by
hullscan, by Trivy, by both, and by Trivy only (listing a few)."""
import json, os, sys

TRIVY_SLUG = {
    "DS001": "pinned-versions", "DS002": "non-root-user", "DS004": "other", "DS005": "other",
    "DS006": "multi-stage-build", "DS007": "other", "DS008": "other", "DS009": "other",
    "DS010": "non-root-user", "DS011": "other", "DS012": "other", "DS013": "other",
    "DS014": "minimal-packages", "DS015": "minimal-packages", "DS016": "other", "DS017": "minimal-packages",
    "DS019": "minimal-packages", "DS020": "minimal-packages", "DS021": "minimal-packages",
    "DS022": "other", "DS023": "other", "DS024": "minimal-packages", "DS025": "minimal-packages",
    "DS026": "healthcheck", "DS027": "minimal-packages", "DS029": "minimal-packages",
    "DS030": "other", "DS031": "no-hardcoded-secrets",
}

def main():
    hs, tv, corpus = sys.argv[1], sys.argv[2], os.path.realpath(sys.argv[3])
    ours = {}
    for f in json.load(open(hs))["findings"]:
        ours.setdefault(f["checklist"], set()).add(os.path.realpath(f["file"]))
    theirs, ids = {}, {}
    for r in json.load(open(tv)).get("Results", []):
        target = os.path.realpath(os.path.join(corpus, r["Target"]))
        for m in r.get("Misconfigurations", []) or []:
            if m.get("Status", "FAIL") != "FAIL":
                continue
            slug = TRIVY_SLUG.get(m["ID"], "other")
            theirs.setdefault(slug, set()).add(target)
            ids.setdefault((slug, target), set()).add(m["ID"])
    slugs = sorted(set(ours) | set(theirs))
    print("%-22s %9s %9s %9s %11s" % ("slug", "hullscan", "trivy", "both", "trivy-only"))
    for s in slugs:
        a, b = ours.get(s, set()), theirs.get(s, set())
        print("%-22s %9d %9d %9d %11d" % (s, len(a), len(b), len(a & b), len(b - a)))
    for s in slugs:
        only = sorted(theirs.get(s, set()) - ours.get(s, set()))
        if only:
            print("\ntrivy-only for %s (%d files), first few:" % (s, len(only)))
            for t in only[:6]:
                print("  %s  %s" % (os.path.relpath(t, corpus), ",".join(sorted(ids[(s, t)]))))

main()
