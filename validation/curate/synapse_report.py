#!/usr/bin/env python3
"""Fills the generated sections of docs/synapse.md (parameters, calibration, validation tables)
from the reuptake binary: `synapse --params`, `physiology --params` and
`validate --set microdialysis,firing,physiology --cross-validate` (JSON).
Usage: python3 validation/curate/synapse_report.py BUILD/reuptake [validate.json]"""
import json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOC = os.path.join(ROOT, "docs", "synapse.md")

def run(binary, *args):
    return json.loads(subprocess.check_output([binary] + list(args) + ["--format", "json"]))

def fmt(x, d=3):
    if x is None:
        return "-"
    if isinstance(x, float):
        return ("%%.%dg" % d) % x
    return str(x)

def params_table(binary):
    out = ["| domain | name | value | unit | status | citation |", "|---|---|---|---|---|---|"]
    for cmd in ("synapse", "physiology"):
        for p in run(binary, cmd, "--params")["parameters"]:
            cit = p["citation"].split(" (found at:")[0].replace("|", "/")
            out.append("| %s | `%s` | %s | %s | %s | %s |" % (p["domain"], p["name"], fmt(p["value"], 4),
                       p["unit"], p["status"], cit[:220] + ("..." if len(cit) > 220 else "")))
    return "\n".join(out)

def rows_table(rows, cal):
    out = ["| id | scenario | observed | predicted | cross-validated | error | hit | note |",
           "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if bool(r["calibration"]) != cal:
            continue
        note = r.get("note", "")
        if note.startswith("left out"):
            continue
        obs = fmt(r["observed"]) if r["observed"] is not None else (
            "%s-%s" % (fmt(r["observed_low"]), fmt(r["observed_high"])) if r["observed_low"] is not None or r["observed_high"] is not None else "direction")
        cv = fmt(r["cv_predicted"], 4) if r.get("cv_predicted") is not None and "direction only" not in note else ""
        if r["predicted"] is None:
            hit = ""
        elif "direction only" in note:
            hit = "direction " + ("right" if r["right_direction"] else "wrong")
        else:
            hit = "yes" if r.get("within_1.5x") else "no"
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (r["id"], r["scenario"].replace("|", "/"), obs,
                   fmt(r["predicted"]), cv, fmt(r["error"]), hit, note.replace("|", "/")[:120]))
    return "\n".join(out)

def left_out(rows):
    out = ["| id | reason |", "|---|---|"]
    for r in rows:
        if r.get("note", "").startswith("left out"):
            out.append("| %s | %s |" % (r["id"], r["note"][len("left out: "):].replace("|", "/")))
    return "\n".join(out)

def main():
    binary = sys.argv[1]
    val = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else run(binary, "validate", "--set", "microdialysis,firing,physiology", "--cross-validate")
    doc = open(DOC).read()
    parts = []
    metrics = ["| set | rows | predicted | within tolerance (predictions) | cross-validated | calibration rows in-sample | calibration rows cross-validated | direction-only right |",
               "|---|---|---|---|---|---|---|---|"]
    for s in val["sets"]:
        m = s["metrics"]
        cvm = m.get("cv", {})
        def mm(k):
            v = cvm.get(k[3:]) if k.startswith("cv_") else m.get(k)
            return "-" if v is None else "%.0f%%" % (100 * v)
        npred = sum(1 for r in s["rows"] if r["predicted"] is not None and not r["calibration"])
        metrics.append("| %s | %d | %d | %s | %s | %s | %s | %s |" % (s["set"], s["n"], npred, mm("within_tolerance"), mm("cv_within_tolerance"),
                       mm("calibration_within_tolerance"), mm("cv_calibration_within_tolerance"), mm("direction_only_right")))
    parts.append("\n".join(metrics))
    folds = ["| set | study left out | rows | refitted without it | note |", "|---|---|---|---|---|"]
    for s in val["sets"]:
        for f in s["metrics"].get("cv", {}).get("folds", []):
            folds.append("| %s | %s | %d | %s | %s |" % (s["set"], f["left_out"], f["rows"],
                         ", ".join("%s=%.4g" % (k, v) for k, v in f["fitted"].items() if v is not None),
                         f.get("note", "").replace("|", "/")))
    parts.append("Folds that change the fit (every other study's fold is the all-rows fit, the knowledge base):\n\n" + "\n".join(folds))
    for s in val["sets"]:
        parts.append("### %s: predictions\n\n%s\n\n### %s: left out, with the reason\n\n%s" % (
            s["set"], rows_table(s["rows"], False), s["set"], left_out(s["rows"])))
    calib = []
    for s in val["sets"]:
        calib.append("#### %s calibration rows\n\n%s" % (s["set"], rows_table(s["rows"], True)))
    def put(marker, text):
        nonlocal doc
        start = "<!-- %s -->" % marker
        end = "<!-- /%s -->" % marker
        if end in doc:
            i = doc.index(start)
            j = doc.index(end) + len(end)
            doc = doc[:i] + start + "\n" + text + "\n" + end + doc[j:]
        else:
            doc = doc.replace(start, start + "\n" + text + "\n" + end)
    put("PARAMS", params_table(binary))
    put("CALIBRATION", "\n\n".join(calib))
    put("VALIDATION", "\n\n".join(parts))
    open(DOC, "w").write(doc)

if __name__ == "__main__":
    main()
