#!/usr/bin/env python3
"""score.py - recall and precision of secret scanners on a gencorpus.py corpus.

    score.py LABELS.json [HULLSCAN.json] [--trivy TRIVY.json] [--per-rule]
             [--root DIR] [--json OUT] [--min-recall R] [--min-precision P]
             [--min-kind-recall K] [--max-decoy-hits N] [--quiet]

HULLSCAN.json: `hullscan secrets --show-secrets -f json DIR` output,
    {"findings": [{"rule", "file", "line", "secret": {"value", "inner",
    "encoding", ...}, ...}]} (a bare list of findings is accepted too; inner
    and encoding are also looked for at the top level of a finding).
TRIVY.json: `trivy fs --scanners secret -f json DIR` output (Results[].Target,
    Results[].Secrets[] with RuleID, StartLine, EndLine, Match).

Paths.  A finding's file is made relative to the corpus root: --root, else the
directory holding LABELS.json; a path that is not under it (hullscan run from
another directory) is matched by its longest suffix that names a labelled file
or a file under the root.  Findings in labels.json itself are dropped (with a
count): the answer key is not part of the corpus.

hullscan: a planted secret L is found when some finding F has
  - the same file, and when L has an inner member, the same inner (each
    "!/"-separated part compared without a leading "./" or "/"); when L has
    no inner, F's inner is not looked at (a .gz file's member name);
  - and F's secret value "matches" L's value or one of L.alt (the other forms
    of the same secret: the whole URL or connection string around a password,
    the escaped JSON string or base64 form of a key, "user:pass" inside a
    docker auth).  Two values match when, after removing all whitespace and
    the two-character escapes \\n and \\r (PEM blocks re-indented in YAML,
    escaped in JSON) and surrounding quotes, they are equal; or F's contains
    L's (F reports the whole line, URL or PEM block around it; L at least 6
    characters); or L's contains F's and F's is at least 8 characters and at
    least half as long (F reports a PEM body without its armour lines, or the
    user:password part of a URL: a bare "-----BEGIN RSA PRIVATE KEY-----"
    header is not half a key, so it does not count).
  Every finding matching a planted secret is a true positive (two rules
  reporting the same secret are two true positives, counted as duplicates);
  a finding whose value is only a fragment (8 characters or more) of a
  planted value in the same file is a "partial": not a false alarm (it
  points at a real secret), so it counts as a true positive for precision,
  but it finds nothing for recall, and partials are listed.  A finding
  matching no planted secret but a decoy (or a fragment of one) is a decoy
  hit; one matching only a neutral value is ignored (neither true nor false);
  anything else is a false positive.  Decoy hits are false positives too.
  recall = planted found / planted; precision = (true positives + partials)
  / (true positives + partials + false positives).

Trivy: Trivy redacts the secret in Match and has no reliable way to print it,
  so its findings are matched by place, not value: same file (Trivy never
  opens archives, gzip, UTF-16 or base64, so only labels with neither inner
  nor encoding can match) and StartLine equal to the label's line (+-0), or
  within [line, end_line] for multi-line values (Trivy's private-key rule
  reports the line after -----BEGIN).  When two labels qualify, a planted one
  wins over a decoy, then the one whose length equals a run of '*' in Match.
  No value check: a Trivy finding for a different string on a planted line
  counts as a find.

Thresholds (--min-*, --max-decoy-hits) apply to hullscan; when one is not
met the exit status is 1, after the misses, false positives and decoy hits
are printed.  Exit status 2: unusable input.
"""
import argparse
import json
import os
import re
import sys


def die(msg):
    print("score: " + msg, file=sys.stderr)
    sys.exit(2)


def load_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        die("%s: cannot read %s: %s" % (path, what, e.strerror))
    except ValueError as e:
        die("%s: %s is not JSON: %s" % (path, what, e))


ESC = re.compile(r"\s+|\\[nr]")


def norm(v):
    v = ESC.sub("", v or "")
    while len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'`":
        v = v[1:-1]
    return v


def fragment(found, planted):
    a, b = norm(found), norm(planted)
    return len(a) >= 8 and a in b


def vmatch(found, planted):
    a, b = norm(found), norm(planted)
    if not a or not b:
        return False
    if a == b:
        return True
    if len(b) >= 6 and b in a:
        return True
    return len(a) >= 8 and 2 * len(a) >= len(b) and a in b


def norm_inner(s):
    if not s:
        return None
    return "!/".join(p.lstrip("/").removeprefix("./") for p in s.split("!/"))


class Paths:
    """Finding paths -> paths relative to the corpus root."""

    def __init__(self, root, label_files):
        self.root = os.path.abspath(root)
        self.known = set(label_files)

    def rel(self, path):
        if not path:
            return ""
        ab = os.path.abspath(path)
        r = os.path.relpath(ab, self.root)
        if not r.startswith(".." + os.sep) and r != "..":
            return r.replace(os.sep, "/")
        parts = path.replace("\\", "/").split("/")
        for i in range(len(parts)):
            cand = "/".join(parts[i:])
            if cand in self.known or os.path.lexists(os.path.join(self.root, cand)):
                return cand
        return path


# ---------------------------------------------------------------- hullscan


def hull_findings(data):
    fs = data.get("findings") if isinstance(data, dict) else data
    if not isinstance(fs, list):
        die("hullscan report has no \"findings\" list")
    out = []
    for f in fs:
        if not isinstance(f, dict):
            continue
        sec = f.get("secret") if isinstance(f.get("secret"), dict) else {}
        out.append({"rule": f.get("rule") or f.get("rule_id") or f.get("id") or "?",
                    "file": f.get("file") or f.get("path") or "",
                    "line": f.get("line"),
                    "value": sec.get("value", f.get("value")),
                    "inner": sec.get("inner", f.get("inner")),
                    "encoding": sec.get("encoding", f.get("encoding"))})
    return out


def score_hull(labels, findings, paths):
    by_file = {}
    for e in labels:
        by_file.setdefault(e["file"], []).append(e)
    res = {"tp": [], "fp": [], "decoy": [], "neutral": [], "partial": [], "answer_key": 0}
    found = {}
    redacted = 0
    for f in findings:
        f["rel"] = paths.rel(f["file"])
        if f["rel"] == "labels.json":
            res["answer_key"] += 1
            continue
        v = f["value"]
        if not isinstance(v, str) or not v:
            redacted += 1
            res["fp"].append(f)
            continue
        if v.count("*") >= max(4, len(v) // 3):
            redacted += 1
        fin = norm_inner(f["inner"])
        hit = {"planted": [], "decoy": [], "neutral": [], "partial": [], "pdecoy": []}
        for e in by_file.get(f["rel"], []):
            if e.get("inner") and norm_inner(e["inner"]) != fin:
                continue
            forms = [e["value"]] + (e.get("alt") or [])
            k = "decoy" if e.get("decoy") else "neutral" if e.get("neutral") else "planted"
            if any(vmatch(v, x) for x in forms):
                hit[k].append(e)
            elif k != "neutral" and any(fragment(v, x) for x in forms):
                hit["partial" if k == "planted" else "pdecoy"].append(e)
        if hit["planted"]:
            f["labels"] = hit["planted"]
            for e in hit["planted"]:
                found.setdefault(id(e), []).append(f)
            res["tp"].append(f)
        elif hit["decoy"] or hit["pdecoy"]:
            f["labels"] = hit["decoy"] or hit["pdecoy"]
            res["decoy"].append(f)
        elif hit["partial"]:
            f["labels"] = hit["partial"]
            res["partial"].append(f)
        elif hit["neutral"]:
            res["neutral"].append(f)
        else:
            res["fp"].append(f)
    if redacted and redacted * 2 >= len(findings):
        die("the hullscan report's secrets look redacted: run it with --show-secrets")
    res["found"] = found
    return res


# ---------------------------------------------------------------- trivy


def trivy_findings(data):
    out = []
    for r in (data.get("Results") or []) if isinstance(data, dict) else []:
        for s in r.get("Secrets") or []:
            out.append({"rule": s.get("RuleID", "?"), "file": r.get("Target", ""),
                        "line": s.get("StartLine"), "end": s.get("EndLine"),
                        "match": s.get("Match") or "", "value": None})
    return out


def score_trivy(labels, findings, paths):
    by_file = {}
    for e in labels:
        if e.get("inner") or e.get("encoding") or e.get("line") is None:
            continue
        by_file.setdefault(e["file"], []).append(e)
    res = {"tp": [], "fp": [], "decoy": [], "neutral": [], "answer_key": 0}
    found = {}
    for f in findings:
        f["rel"] = paths.rel(f["file"])
        if f["rel"] == "labels.json":
            res["answer_key"] += 1
            continue
        ln = f["line"]
        cands = [e for e in by_file.get(f["rel"], [])
                 if isinstance(ln, int) and e["line"] <= ln <= e.get("end_line", e["line"])]
        if not cands:
            res["fp"].append(f)
            continue
        stars = {len(m) for m in re.findall(r"\*+", f["match"])}

        def rank(e):
            kind = 0 if "kind" in e else 1 if e.get("decoy") else 2
            return (kind, 0 if len(e["value"]) in stars else 1)
        cands.sort(key=rank)
        e = cands[0]
        f["labels"] = [e]
        if "kind" in e:
            found.setdefault(id(e), []).append(f)
            res["tp"].append(f)
        elif e.get("decoy"):
            res["decoy"].append(f)
        else:
            res["neutral"].append(f)
    res["found"] = found
    return res


# ---------------------------------------------------------------- report


def summary(planted, res):
    nf = len(res["found"])
    tp, fp = len(res["tp"]), len(res["fp"]) + len(res["decoy"])
    part = len(res.get("partial", []))
    return {"planted": len(planted), "found": nf,
            "recall": nf / len(planted) if planted else 1.0,
            "findings": tp + part + fp + len(res["neutral"]), "true_positives": tp,
            "partials": part,
            "false_positives": fp, "decoy_hits": len(res["decoy"]),
            "neutral_hits": len(res["neutral"]),
            "duplicates": max(0, tp - nf),
            "precision": (tp + part) / (tp + part + fp) if tp + part + fp else 1.0}


def per(planted, res, key):
    out = {}
    for e in planted:
        k = key(e)
        d = out.setdefault(k, [0, 0])
        d[0] += 1
        if id(e) in res["found"]:
            d[1] += 1
    return out


def where(e):
    s = e["file"]
    if e.get("inner"):
        s += "!/" + e["inner"]
    if e.get("line"):
        s += ":%d" % e["line"]
    if e.get("encoding"):
        s += " [%s]" % e["encoding"]
    return s


def short(v, n=48):
    v = (v or "").replace("\n", "\\n")
    return v if len(v) <= n else v[:n - 3] + "..."


def fmt_finding(f):
    s = "%s %s" % (f["rule"], f["rel"])
    if f.get("inner"):
        s += "!/" + f["inner"]
    if f.get("line") is not None:
        s += ":%s" % f["line"]
    if f.get("encoding"):
        s += " [%s]" % f["encoding"]
    if f.get("value"):
        s += " " + short(f["value"])
    elif f.get("match"):
        s += " " + short(f["match"].strip(), 70)
    return s


def main():
    ap = argparse.ArgumentParser(description="score secret scanners on a gencorpus.py corpus")
    ap.add_argument("labels")
    ap.add_argument("hullscan", nargs="?")
    ap.add_argument("--trivy")
    ap.add_argument("--per-rule", action="store_true", help="findings per rule id")
    ap.add_argument("--root", help="corpus root (default: the directory of LABELS.json)")
    ap.add_argument("--json", help="write the numbers as JSON to this file")
    ap.add_argument("--min-recall", type=float)
    ap.add_argument("--min-precision", type=float)
    ap.add_argument("--min-kind-recall", type=float)
    ap.add_argument("--max-decoy-hits", type=int)
    ap.add_argument("--quiet", action="store_true", help="no lists unless a threshold fails")
    a = ap.parse_args()
    if not a.hullscan and not a.trivy:
        ap.error("give HULLSCAN.json, --trivy TRIVY.json or both")

    lab = load_json(a.labels, "labels")
    labels = lab.get("labels") if isinstance(lab, dict) else None
    if not isinstance(labels, list):
        die("%s: no \"labels\" list (not written by gencorpus.py?)" % a.labels)
    planted = [e for e in labels if "kind" in e]
    decoys = [e for e in labels if e.get("decoy")]
    paths = Paths(a.root or os.path.dirname(os.path.abspath(a.labels)),
                  {e["file"] for e in labels})
    meta = lab.get("meta", {})
    print("corpus: seed %s, %s files, %.1f MB, %d planted secrets of %d kinds, %d decoys"
          % (meta.get("seed"), meta.get("files"), (meta.get("bytes") or 0) / 1e6, len(planted),
             len({e["kind"] for e in planted}), len(decoys)))

    tools = {}
    if a.hullscan:
        tools["hullscan"] = score_hull(labels, hull_findings(load_json(a.hullscan, "hullscan report")),
                                       paths)
    if a.trivy:
        tools["trivy"] = score_trivy(labels, trivy_findings(load_json(a.trivy, "trivy report")),
                                     paths)
    names = list(tools)
    sums = {t: summary(planted, tools[t]) for t in names}

    # per kind
    kinds = {t: per(planted, tools[t], lambda e: e["kind"]) for t in names}
    hdr = "%-36s %5s" % ("kind", "n") + "".join(" %14s" % (t + " recall") for t in names)
    print("\n" + hdr)
    for k in sorted({e["kind"] for e in planted}):
        n = kinds[names[0]][k][0]
        row = "%-36s %5d" % (k, n)
        for t in names:
            f = kinds[t][k][1]
            row += " %7d %5.2f " % (f, f / n)
        print(row)
    # per encoding / container
    print("\n%-36s %5s" % ("encoding", "n") + "".join(" %14s" % (t + " recall") for t in names))
    encs = {t: per(planted, tools[t], lambda e: e.get("encoding") or "plain") for t in names}
    for k in sorted(encs[names[0]]):
        n = encs[names[0]][k][0]
        print("%-36s %5d" % (k, n) + "".join(" %7d %5.2f " % (encs[t][k][1], encs[t][k][1] / n)
                                              for t in names))

    print("\n%-10s %8s %7s %7s %9s %6s %6s %6s %9s" % ("tool", "planted", "found", "recall",
                                                       "findings", "TP", "FP", "decoy",
                                                       "precision"))
    for t in names:
        s = sums[t]
        print("%-10s %8d %7d %7.3f %9d %6d %6d %6d %9.3f" % (
            t, s["planted"], s["found"], s["recall"], s["findings"], s["true_positives"],
            s["false_positives"], s["decoy_hits"], s["precision"]))
        extra = []
        if s["duplicates"]:
            extra.append("%d duplicate findings of found secrets (counted as true positives)"
                         % s["duplicates"])
        if s["partials"]:
            extra.append("%d partial findings (a fragment of a planted secret: not false, "
                         "not a find)" % s["partials"])
        if s["neutral_hits"]:
            extra.append("%d findings on neutral values (ignored)" % s["neutral_hits"])
        if tools[t]["answer_key"]:
            extra.append("%d findings in labels.json dropped" % tools[t]["answer_key"])
        for x in extra:
            print("           " + x)
    if "trivy" in tools:
        print("           (trivy matched by file and line; see score.py's header)")

    failed = []
    if "hullscan" in tools:
        s = sums["hullscan"]
        if a.min_recall is not None and s["recall"] < a.min_recall:
            failed.append("recall %.3f < %.3f" % (s["recall"], a.min_recall))
        if a.min_precision is not None and s["precision"] < a.min_precision:
            failed.append("precision %.3f < %.3f" % (s["precision"], a.min_precision))
        if a.min_kind_recall is not None:
            for k, (n, f) in sorted(kinds["hullscan"].items()):
                if f / n < a.min_kind_recall:
                    failed.append("kind %s recall %d/%d < %.2f" % (k, f, n, a.min_kind_recall))
        if a.max_decoy_hits is not None and s["decoy_hits"] > a.max_decoy_hits:
            failed.append("%d decoy hits > %d" % (s["decoy_hits"], a.max_decoy_hits))

    show = not a.quiet or failed
    for t in names if show else []:
        r = tools[t]
        miss = [e for e in planted if id(e) not in r["found"]]
        print("\n%s: %d planted secrets missed" % (t, len(miss)))
        if t == "trivy" and "hullscan" in tools:
            continue  # too many to list; the comparison below is what matters
        for e in miss:
            print("  miss  %-30s %s  %s" % (e["kind"], where(e), short(e["value"])))
        print("%s: %d false positives (not planted, not a decoy)" % (t, len(r["fp"])))
        for f in r["fp"]:
            print("  fp    " + fmt_finding(f))
        if r.get("partial"):
            print("%s: %d partial findings" % (t, len(r["partial"])))
            for f in r["partial"]:
                print("  part  %s  (of %s)" % (fmt_finding(f), f["labels"][0]["kind"]))
        print("%s: %d decoy hits" % (t, len(r["decoy"])))
        for f in r["decoy"]:
            print("  decoy %s  (%s)" % (fmt_finding(f), f["labels"][0]["why"]))

    if "hullscan" in tools and "trivy" in tools:
        h, tv = tools["hullscan"]["found"], tools["trivy"]["found"]
        only = [e for e in planted if id(e) in tv and id(e) not in h]
        print("\nplanted secrets Trivy finds and hullscan misses: %d" % len(only))
        for e in only:
            print("  %-30s %s  %s  (trivy %s)" % (e["kind"], where(e), short(e["value"]),
                                                  tv[id(e)][0]["rule"]))

    if a.per_rule:
        for t in names:
            rules = {}
            for cls in ("tp", "fp", "decoy", "neutral", "partial"):
                for f in tools[t].get(cls, []):
                    d = rules.setdefault(f["rule"], {"tp": 0, "fp": 0, "decoy": 0, "neutral": 0,
                                                     "partial": 0, "kinds": {}})
                    d[cls] += 1
                    if cls == "tp":
                        for e in f["labels"]:
                            d["kinds"][e["kind"]] = d["kinds"].get(e["kind"], 0) + 1
            print("\n%s rules: %-34s %5s %5s %5s  kinds found" % (t, "rule", "TP", "FP", "decoy"))
            for rid in sorted(rules):
                d = rules[rid]
                ks = ", ".join("%s:%d" % kv for kv in sorted(d["kinds"].items()))
                print("  %-44s %5d %5d %5d  %s" % (rid, d["tp"] + d["partial"], d["fp"], d["decoy"],
                                                  ks))

    if a.json:
        out = {"corpus": meta, "tools": {}}
        for t in names:
            out["tools"][t] = dict(sums[t], kinds={k: {"planted": n, "found": f}
                                                   for k, (n, f) in kinds[t].items()},
                                   encodings={k: {"planted": n, "found": f}
                                              for k, (n, f) in encs[t].items()})
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
    if failed:
        print("\nFAILED: " + "; ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
