#!/usr/bin/env python3
"""Builds the synapse-layer validation tables of validation/ from the published rows.

Inputs: ../shared/validation/synapse_round2/{microdialysis,firing,human_physiology}.csv (read
as published; their text columns are copied unchanged), the seven acute rows of the earlier
validation/microdialysis.csv, and rows read from primary studies by the synapse engineer
(Invernizzi 2001, Parini 2005, Esler 1981 and 1991, Schroeder 2002, Szabo & Blier 2001 and the
shared ../shared/data/synapse_params.csv). To each row this script adds the machine-readable
columns the runner needs (src/validation/synapse_rows.c):

  doses     COMPOUND:AMOUNT:ROUTE[;...]  amounts in mg/kg (ug/kg), mg/kg/d for infusions,
            uM for local (reverse-dialysis) perfusion; routes iv, ip, sc, po, infusion, local;
            human rows: a reuptake regimen (DRUG:DOSE...) per item
  schedule  single | daily (injections) | infusion (minipump)
  days      treatment length (0 = acute)
  sample    peak (maximum within 6 h of the last dose) | end | <h>h (hours after the last
            dose) | iv (10 min after an i.v. dose, the firing-ED50 protocol)
  held      inputs held systemically in model terms (NET=0.9), for rows stated as occupancy
  region    model region, nucleus (LC, VTA, DRN, raphe) or physiological state
  measure   NE | DA | 5-HT | firing_fold | rate_hz | desens_ratio_3_21 | agonist_ec50_fold |
            plasma_ne_pg_per_ml | plasma_ne_fold | plasma_ne_change_pg_per_ml |
            ne_spillover_fold | ne_clearance_fold | heart_rate_bpm | msna_fold |
            cardiac_spillover_fold
  direction +1 / -1 / 0 for rows that give only a direction (scored for direction only)
  include   1 = run; 0 = left out, the reason in exclude_reason
and which rows are calibration (validation/calibration_synapse.csv: the only rows any synapse
or physiology parameter is fitted on or read from). Nothing here looks at a prediction.
Run from the repository root: python3 validation/curate/synapse_sets.py
"""
import csv, os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = next(p for p in (os.path.join(ROOT, "..", "shared"), os.path.join(ROOT, "..", "..", "shared"))
              if os.path.isdir(p))
R2 = os.path.join(SHARED, "validation", "synapse_round2")
OUT = os.path.join(ROOT, "validation")
COLS = ["id", "kind", "study", "species", "drug", "dose_route", "doses", "schedule", "days",
        "sample", "held", "region", "measure", "observed", "observed_low", "observed_high",
        "direction", "include", "exclude_reason", "source", "found_at", "notes"]

# --- how each published round-2 row is run (id -> fields); rows not listed are left out with
# the reason in SKIP. Doses: "amphetamine" in these rat studies is taken as d-amphetamine (the
# salt form is not stated in the excerpts; doses are used as given).
MD = {
 "r3md-gob-dul-ne": ("duloxetine:5mg/kg:sc", "pfc", "NE"),
 "r3md-gob-dul-5ht": ("duloxetine:5mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-dul-da": ("duloxetine:5mg/kg:sc", "pfc", "DA"),
 "r3md-gob-flx-ne": ("fluoxetine:10mg/kg:sc", "pfc", "NE"),
 "r3md-gob-flx-5ht": ("fluoxetine:10mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-flx-da": ("fluoxetine:10mg/kg:sc", "pfc", "DA"),
 "r3md-gob-atip-da": ("atipamezole:0.16mg/kg:sc", "pfc", "DA"),
 "r3md-gob-atip-5ht": ("atipamezole:0.16mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-1pp-ne": ("1-PP:2.5mg/kg:sc", "pfc", "NE"),
 "r3md-gob-1pp-da": ("1-PP:2.5mg/kg:sc", "pfc", "DA"),
 "r3md-gob-dul+atip-5ht": ("duloxetine:5mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-dul+atip-ne": ("duloxetine:5mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "NE"),
 "r3md-gob-dul+atip-da": ("duloxetine:5mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "DA"),
 "r3md-gob-flx+atip-5ht": ("fluoxetine:10mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-flx+atip-ne": ("fluoxetine:10mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "NE"),
 "r3md-gob-flx+atip-da": ("fluoxetine:10mg/kg:sc;atipamezole:0.16mg/kg:sc", "pfc", "DA"),
 "r3md-gob-dul+1pp-5ht": ("duloxetine:5mg/kg:sc;1-PP:2.5mg/kg:sc", "pfc", "5-HT"),
 "r3md-gob-dul+1pp-ne": ("duloxetine:5mg/kg:sc;1-PP:2.5mg/kg:sc", "pfc", "NE"),
 "r3md-gob-dul+1pp-da": ("duloxetine:5mg/kg:sc;1-PP:2.5mg/kg:sc", "pfc", "DA"),
 "r3md-gob-s18616-da": ("S 18616:0.16mg/kg:sc", "pfc", "DA"),
 "r3md-eng-dul-5ht": ("duloxetine:4mg/kg:ip", "hypothalamus", "5-HT"),
 "r3md-eng-dul-ne": ("duloxetine:4mg/kg:ip", "hypothalamus", "NE"),
 "r3md-eng-dul-da": ("duloxetine:4mg/kg:ip", "hypothalamus", "DA"),
 "r3md-eng-ly-ne": ("LY206130:3mg/kg:sc", "hypothalamus", "NE"),
 "r3md-eng-ly-da": ("LY206130:3mg/kg:sc", "hypothalamus", "DA"),
 "r3md-eng-ly-5ht": ("LY206130:3mg/kg:sc", "hypothalamus", "5-HT"),
 "r3md-eng-dul+ly-5ht": ("duloxetine:4mg/kg:ip;LY206130:3mg/kg:sc", "hypothalamus", "5-HT"),
 "r3md-eng-dul+ly-ne": ("duloxetine:4mg/kg:ip;LY206130:3mg/kg:sc", "hypothalamus", "NE"),
 "r3md-eng-dul+ly-da": ("duloxetine:4mg/kg:ip;LY206130:3mg/kg:sc", "hypothalamus", "DA"),
 "r3md-flv-acute-mrn": ("fluvoxamine:30mg/kg:po", "raphe", "5-HT"),
 "r3md-flv-acute-dhpc": ("fluvoxamine:30mg/kg:po", "hippocampus", "5-HT"),
 "r3md-flv-14d-basal-dhpc": ("fluvoxamine:30mg/kg:po", "hippocampus", "5-HT", "daily", 14, "24h"),
 "r3md-flv-14d-basal-mrn": ("fluvoxamine:30mg/kg:po", "raphe", "5-HT", "daily", 14, "24h"),
 "r3md-sac-dmi-14d-basal-dhpc": ("desipramine:10mg/kg:ip", "hippocampus", "NE", "daily", 14, "24h", 1),
 "r3md-page-reb-acute-5ht": ("reboxetine:20mg/kg:ip", "pfc", "5-HT"),
 "r3md-dresh-flx": ("fluoxetine:10mg/kg:ip", "hypothalamus", "5-HT"),
 "r3md-dresh-flx+pin": ("fluoxetine:10mg/kg:ip;pindolol:5mg/kg:sc", "hypothalamus", "5-HT"),
 "r3md-dresh-flx+pininf": ("fluoxetine:10mg/kg:ip;pindolol:30mg/kg:sc", "hypothalamus", "5-HT"),
 "r3md-bel-mil-local-raphe": ("milnacipran:0uM:local", "raphe", "5-HT"),
 "r3md-bel-mil-sc60": ("milnacipran:60mg/kg:sc", "pfc", "5-HT"),
 "r3md-bel-mil-hyp": ("milnacipran:10mg/kg:sc", "hypothalamus", "5-HT"),
 "r3md-bel-mil-14d-basal": ("milnacipran:60mg/kg/d:infusion", "pfc", "5-HT", "infusion", 14, "end"),
  "r3md-amph015-pfc-ne": ("d-amphetamine:0.15mg/kg:ip", "pfc", "NE"),
 "r3md-amph015-pfc-da": ("d-amphetamine:0.15mg/kg:ip", "pfc", "DA"),
 "r3md-bd-damph-str": ("d-amphetamine:1mg/kg:ip", "striatum", "DA"),
 "r3md-bd-bup-str": ("bupropion:100mg/kg:ip", "striatum", "DA"),
 "r3md-kucz-amph05-str": ("d-amphetamine:0.5mg/kg:ip", "striatum", "DA"),
 "r3md-kucz-amph3-str": ("d-amphetamine:3mg/kg:ip", "striatum", "DA"),
 "r3md-ceg-escit-acute-0.15": ("escitalopram:0.15mg/kg:sc", "pfc", "5-HT"),
 "r3md-ceg-escit-acute-0.63": ("escitalopram:0.63mg/kg:sc", "pfc", "5-HT"),
 "r3md-ceg-escit-acute-2.5": ("escitalopram:2.5mg/kg:sc", "pfc", "5-HT"),
 "r3md-ceg-cit-2d": ("citalopram:20mg/kg/d:infusion", "pfc", "5-HT", "infusion", 2, "end"),
 "r3md-ceg-cit-13d": ("citalopram:20mg/kg/d:infusion", "pfc", "5-HT", "infusion", 13, "end"),
 "r3md-ceg-way-veh": ("WAY-100635:0.1mg/kg:sc", "pfc", "5-HT"),
 "r3md-po-reb-ne": ("reboxetine:2.5mg/kg:ip", "pfc", "NE"),
 "r3md-po-reb-da": ("reboxetine:0.5mg/kg:ip", "pfc", "DA"),
 "r3md-po-dmi-ne": ("desipramine:5mg/kg:ip", "pfc", "NE"),
 "r3md-po-dmi-da-par": ("desipramine:5mg/kg:ip", "pfc", "DA"),
 "r3md-jpet96-dmi-fc": ("desipramine:10mg/kg:ip", "pfc", "5-HT"),
 "r3md-jpet96-imi20-fc": ("imipramine:20mg/kg:ip", "pfc", "5-HT"),
 "r3md-jpet96-imi4-raphe": ("imipramine:4mg/kg:ip", "raphe", "5-HT"),
 "r3md-jpet96-imi4-fc": ("imipramine:4mg/kg:ip", "pfc", "5-HT"),
 "r3md-mouse-vlx8-5ht": ("venlafaxine:8mg/kg:ip", "pfc", "5-HT"),
 "r3md-mouse-vlx8-ne": ("venlafaxine:8mg/kg:ip", "pfc", "NE"),
 "r3md-gardier-par14d-mpfc": ("paroxetine:1mg/kg/d:infusion", "pfc", "5-HT", "infusion", 14, "20h"),
 "r3md-gardier-par14d-vhpc": ("paroxetine:1mg/kg/d:infusion", "hippocampus", "5-HT", "infusion", 14, "20h"),
 "r3md-flx10-hyp": ("fluoxetine:10mg/kg:ip", "hypothalamus", "5-HT"),
 "r3md-inv-flx14d-basal24h": ("fluoxetine:10mg/kg:ip", "pfc", "5-HT", "daily", 14, "24h", 1),
 "r3md-inv-flx14d-basal96h": ("fluoxetine:10mg/kg:ip", "pfc", "5-HT", "daily", 14, "96h"),
 "r3md-linner-reb-nac": ("reboxetine:13.5mg/kg:ip", "striatum", "DA"),
 "r3md-linner-reb-local-mpfc": ("reboxetine:333uM:local", "pfc", "DA", "single", 0, "peak", 1),
 "r3md-linner-reb-local-nac": ("reboxetine:333uM:local", "striatum", "DA", "single", 0, "peak", 1),
}
MD_SKIP = {
 "r3md-gob-atip-ne": "calibration (cal-gob-atip-ne)",
 "r3md-gob-s18616-ne": "calibration (cal-gob-s18616-ne)",
 "r3md-gob-s18616-5ht": "calibration (cal-gob-s18616-5ht)",
 "r3md-bel-mil-local-fc": "calibration (cal-mil-local-fc)",
 "r3md-schiffer-amp-str": "calibration (cal-amph-str)",
 "r3md-schiffer-mph-str": "calibration (cal-mph-str)",
 "r3md-flv-14d-challenge-dhpc": "no number for the chronic group",
 "r3md-sac-dmi-14d-challenge-dhpc": "challenge on top of chronic treatment 48 h after the last dose: direction only, not run",
 "r3md-page-reb-14d-basal-ne": "dose not in the abstract",
 "r3md-page-reb-14d-basal-da": "dose not in the abstract",
 "r3md-dazzi-footshock-ne": "stress (foot-shock) drive is not modelled",
 "r3md-dazzi-reb-21d-footshock-ne": "stress (foot-shock) drive is not modelled",
 "r3md-vehinj-pfc-ne": "handling/arousal of the injection is not modelled",
 "r3md-vehinj-pfc-da": "handling/arousal of the injection is not modelled",
 "r3md-ceg-challenge-on-infusion": "challenge on top of an infusion (baseline = infused state): not run",
 "r3md-ceg-way-2d": "WAY-100635 challenge during an escitalopram infusion: escitalopram dose per day given, but the 'of prechallenge' baseline is the infused state: not run",
 "r3md-ceg-way-13d": "as r3md-ceg-way-2d",
 "r3md-jpet96-flx-fc": "fluoxetine dose not in the excerpt",
 "r3md-jpet96-flx+dmi-fc": "fluoxetine dose not in the excerpt",
 "r3md-flx10+5htp-hyp": "5-HTP precursor loading is not modelled",
 "r3md-rutter-flx14d-dien": "challenge after chronic treatment, direction only: not run",
}
FR = {
 "r3fr-dul-drn-ed50": ("duloxetine:0.099mg/kg:iv", "DRN"),
 "r3fr-dul-lc-ed50": ("duloxetine:0.475mg/kg:iv", "LC"),
 "r3fr-beq-vlx-drn": ("venlafaxine:0.233mg/kg:iv", "DRN"),
 "r3fr-beq-par-drn": ("paroxetine:0.211mg/kg:iv", "DRN"),
 "r3fr-beq-vlx-lc": ("venlafaxine:0.727mg/kg:iv", "LC"),
 "r3fr-beq-dmi-lc": ("desipramine:0.241mg/kg:iv", "LC"),
 "r3fr-hajos-par-drn-ed50": ("paroxetine:0.243mg/kg:iv", "DRN"),
 "r3fr-cit-drn-ed50": ("citalopram:0.23mg/kg:iv", "DRN"),
 "r3fr-cit-drn-2d": ("citalopram:20mg/kg:ip", "DRN", "daily", 2, "24h", -1),
 "r3fr-cit-drn-7d": ("citalopram:20mg/kg:ip", "DRN", "daily", 7, "24h", -1),
 "r3fr-cit-drn-14d": ("citalopram:20mg/kg:ip", "DRN", "daily", 14, "24h"),
 "r3fr-ec-escit-drn-ed50": ("escitalopram:0.058mg/kg:iv", "DRN"),
 "r3fr-ec-cit-drn-ed50": ("citalopram:0.254mg/kg:iv", "DRN"),
 "r3fr-bup-drn-2d": ("bupropion:30mg/kg/d:infusion", "DRN", "infusion", 2, "end", 1),
 "r3fr-bup-drn-14d": ("bupropion:30mg/kg/d:infusion", "DRN", "infusion", 14, "end", 1),
 "r3fr-bup-lc-2d": ("bupropion:30mg/kg/d:infusion", "LC", "infusion", 2, "end", -1),
 "r3fr-bup-vta-2d": ("bupropion:30mg/kg/d:infusion", "VTA", "infusion", 2, "end"),
 "r3fr-bup-vta-14d": ("bupropion:30mg/kg/d:infusion", "VTA", "infusion", 14, "end"),
 "r3fr-arb-cit-drn": ("citalopram:0.3mg/kg:iv", "DRN", "single", 0, "iv", -1),
}
FR_SKIP = {
 "r3fr-beq-vlx-drn-nelesion": "noradrenergic lesion not modelled",
 "r3fr-beq-vlx-lc-5htlesion": "serotonergic lesion not modelled",
 "r3fr-hajos-drn-baseline": "calibration (cal-hajos-drn-rate: read as drn.rate_hz)",
 "r3fr-hajos-dpat-drn-ed50": "8-OH-DPAT is not a knowledge-base compound: no dose-to-occupancy rule for an agonist ED50",
 "r3fr-cit-drn-14d-lsd": "LSD challenge (agonist) not modelled",
 "r3fr-bup-lc-14d": "'recovered progressively' (completeness not stated): no number or direction",
 "r3fr-bup-lc-14d-clonidine": "clonidine challenge ED50 not modelled",
 "r3fr-vta-cit-acute": "calibration (cal-vta-cit)",
 "r3fr-drem-escit-vta": "dose and duration not in the excerpt",
 "r3fr-drem-cit-vta": "dose and duration not in the excerpt",
}
# human physiology: regimen, state, measure (+ optional observed override / direction)
HP = {
 "r3hp-post-sup": ("", "rest_supine", "plasma_ne_pg_per_ml"),
 "r3hp-post-stand": ("", "standing", "plasma_ne_pg_per_ml"),
 "r3hp-nt-sup": ("", "rest_supine", "plasma_ne_pg_per_ml"),
 "r3hp-nt-stand": ("", "standing", "plasma_ne_fold_vs_supine"),
 "r3hp-hypo-ne-base": ("", "rest_supine", "plasma_ne_pg_per_ml"),
 "r3hp-sprint-ne": ("", "exercise_max", "plasma_ne_pg_per_ml"),
 "r3hp-mer-ne-tilt": ("", "tilt", "plasma_ne_change_pg_per_ml"),
 "r3hp-ht-ma-ne": ("", "mental_stress", "plasma_ne_fold_vs_supine", 518.0 / 547.0),
 "r3hp-ht-ex-ne": ("", "exercise_submax", "plasma_ne_fold_vs_supine", 1151.0 / 645.0),
 "r3hp-sh-hr": ("duloxetine:30mg:q12h:for=21d", "rest_supine", "heart_rate_change_bpm", None, "", 0.0),
 "r3hp-den-reb-hr": ("reboxetine:4mg", "standing", "heart_rate_change_bpm", None, 1),
}
HP_SKIP_DEFAULT = "quantity or population not modelled"
HP_SKIP = {
 "r3hp-jacob-spill": "calibration (cal-jacob-spill: read as physio.spillover_fold.standing)",
 "r3hp-jacob-clear": "calibration (cal-jacob-clear: read as physio.clearance_fold.standing)",
 "r3hp-mer-spill-tilt": "calibration (cal-mer-spill-tilt: read as physio.spillover_fold.tilt)",
 "r3hp-speech-ne": "calibration (cal-speech: read as physio.spillover_fold.public_speaking)",
 "r3hp-hypo-ne": "calibration (cal-hypo: read as physio.spillover_fold.hypoglycemia)",
 "r3hp-mer-paf-clear": "pure autonomic failure patients not modelled",
 "r3hp-ht-ma-ne-rest": "baseline of r3hp-ht-ma-ne (hypertensive patients; run as a fold)",
 "r3hp-ht-hg-ne-rest": "isometric handgrip state not modelled",
 "r3hp-ht-hg-ne": "isometric handgrip state not modelled",
 "r3hp-ht-hg-hr": "isometric handgrip state not modelled",
 "r3hp-ht-ex-ne-rest": "baseline of r3hp-ht-ex-ne (run as a fold)",
 "r3hp-ht-ma-hr": "no mental-stress heart rate baseline in the model",
 "r3hp-ht-ex-hr": "exercise heart-rate change at another intensity than the model's state",
 "r3hp-atx-hr-em": "source is a low-trust AI summary (not primary)",
 "r3hp-atx-hr-pm-adult": "source is a low-trust AI summary (not primary)",
 "r3hp-wil-hr": "children; heart-rate model is for adults",
 "r3hp-gold-bup-ne-rest": "bupropion dose not in the abstract",
 "r3hp-gold-bup-ne-stand": "bupropion dose not in the abstract",
 "r3hp-veith-dmi-ne": "desipramine dose not in the excerpt",
 "r3hp-sh-hr-stop": "discontinuation state not modelled",
}

def md_row(r, spec):
    doses, region, measure = spec[:3]
    schedule = spec[3] if len(spec) > 3 else "single"
    days = spec[4] if len(spec) > 4 else 0
    sample = spec[5] if len(spec) > 5 else "peak"
    direction = spec[6] if len(spec) > 6 else ""
    obs = r.get("observed_fold", r.get("observed", ""))
    if direction != "":
        obs = ""
    return doses, schedule, days, sample, region, measure, obs, direction

def study_of(rid):
    p = rid.split("-")
    return "-".join(p[:2]) if len(p) > 1 else rid

def write(name, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in COLS})

def base(r, kind):
    return {"id": r["id"], "kind": kind, "study": study_of(r["id"]), "species": r.get("species", "human"),
            "drug": r.get("drug", r.get("regimen", "")), "dose_route": r.get("dose_route", ""),
            "source": r["source"], "found_at": r["found_at"], "notes": r.get("notes", "")}

def main():
    md, fr, hp = [], [], []
    # the seven earlier acute rows: their doses (atomoxetine 3 mg/kg i.p. in Bymaster 2002;
    # reboxetine 15 mg/kg i.p. as their notes say) go through the same dose rule as every row;
    # md-5 and md-6 (reboxetine alone) are the reboxetine-alone arm of the idazoxan calibration
    # study and are now calibration rows (cal-reb-fc, cal-reb-dhpc)
    doses_of = {"md-1": "atomoxetine:3mg/kg:ip", "md-2": "atomoxetine:3mg/kg:ip",
                "md-3": "atomoxetine:3mg/kg:ip", "md-4": "atomoxetine:3mg/kg:ip",
                "md-5": "reboxetine:15mg/kg:ip", "md-6": "reboxetine:15mg/kg:ip",
                "md-7": "reboxetine:15mg/kg:ip"}
    with open(os.path.join(ROOT, "validation", "curate", "microdialysis_round1.csv"), newline="") as f:
        for r in csv.DictReader(f):
            cal_row = r["id"] in ("md-5", "md-6")
            md.append({"id": r["id"], "kind": "microdialysis", "study": "bymaster2002" if "Bymaster" in r["source"] else "reb-pmc1571760",
                       "species": r["species"], "drug": r["notes"].split(";")[0], "doses": doses_of[r["id"]],
                       "schedule": "single", "days": r["days"], "sample": "peak", "region": r["region"],
                       "measure": r["analyte"], "observed": r["observed_fold"], "include": 0 if cal_row else 1,
                       "exclude_reason": "calibration (cal-reb-fc / cal-reb-dhpc)" if cal_row else "",
                       "source": r["source"], "found_at": "", "notes": r["notes"] + " [earlier table: held NET=0.9; now run from the dose]"})
    bup = ("Neuropsychopharmacology 1989;2:273 (PMID 2482026), via ../shared/data/synapse_params.csv bupropion_striatal_DA", "http://www.ncbi.nlm.nih.gov/pubmed/2482026")
    for dose, fold in ((10, 1.76), (25, 2.64), (100, 5.43)):
        md.append({"id": "bup89-%d" % dose, "kind": "microdialysis", "study": "bup1989", "species": "rat",
                   "drug": "bupropion", "dose_route": "%d mg/kg i.p." % dose, "doses": "bupropion:%dmg/kg:ip" % dose,
                   "schedule": "single", "days": 0, "sample": "peak", "region": "striatum", "measure": "DA",
                   "observed": fold, "include": 1, "source": bup[0], "found_at": bup[1],
                   "notes": "peak of the first 20 min, freely moving (+76/+164/+443%)"})
    with open(os.path.join(R2, "microdialysis.csv"), newline="") as f:
        for r in csv.DictReader(f):
            row = base(r, "microdialysis")
            row["days"] = r["duration_days"]
            if r["id"] in MD:
                doses, schedule, days, sample, region, measure, obs, direction = md_row(r, MD[r["id"]])
                row.update(doses=doses, schedule=schedule, days=days, sample=sample, region=region,
                           measure=measure, observed=obs, observed_low=r["observed_low"],
                           observed_high=r["observed_high"], direction=direction, include=1)
            else:
                row.update(region=r["region"], measure=r["analyte"], observed=r["observed_fold"],
                           observed_low=r["observed_low"], observed_high=r["observed_high"], include=0,
                           exclude_reason=MD_SKIP.get(r["id"], "direction only, no number") )
            md.append(row)
    with open(os.path.join(R2, "firing.csv"), newline="") as f:
        for r in csv.DictReader(f):
            row = base(r, "firing")
            row["days"] = r["duration_days"]
            if r["id"] in FR:
                spec = FR[r["id"]]
                doses, nucleus = spec[:2]
                schedule = spec[2] if len(spec) > 2 else "single"
                days = spec[3] if len(spec) > 3 else 0
                sample = spec[4] if len(spec) > 4 else "iv"
                direction = spec[5] if len(spec) > 5 else ""
                row.update(doses=doses, schedule=schedule, days=days, sample=sample, region=nucleus,
                           measure="firing_fold", observed="" if direction != "" else r["observed"],
                           observed_low=r["observed_low"], observed_high=r["observed_high"],
                           direction=direction, include=1)
            else:
                row.update(region=r["nucleus"], measure=r["measure"], observed=r["observed"], include=0,
                           exclude_reason=FR_SKIP.get(r["id"], "not modelled"))
            fr.append(row)
    with open(os.path.join(R2, "human_physiology.csv"), newline="") as f:
        for r in csv.DictReader(f):
            row = base(r, "physiology")
            if r["id"] in HP:
                spec = HP[r["id"]]
                obs = spec[3] if len(spec) > 3 and spec[3] is not None else r["observed"]
                direction = spec[4] if len(spec) > 4 else ""
                hi_override = spec[5] if len(spec) > 5 else None
                row.update(doses=spec[0], schedule="regimen", days=0, sample="peak" if spec[0] else "",
                           region=spec[1], measure=spec[2], observed="" if direction != "" else obs,
                           observed_low=r["observed_low"],
                           observed_high=r["observed_high"] if hi_override is None else hi_override,
                           direction=direction, include=1)
            else:
                row.update(region=r["state"], measure=r["quantity"], observed=r["observed"],
                           observed_low=r["observed_low"], observed_high=r["observed_high"], include=0,
                           exclude_reason=HP_SKIP.get(r["id"], HP_SKIP_DEFAULT))
            hp.append(row)
    # rows read from primary studies by the synapse engineer (predictions; none tunes anything)
    inv = ("Invernizzi RW, Parini S, Sacchetti G, Fracasso C, Caccia S, Annoni K, Samanin R 2001 Br J Pharmacol 132:183-188 'Chronic treatment with reboxetine by osmotic pumps facilitates its effect on extracellular noradrenaline and may desensitize alpha2-adrenoceptors in the prefrontal cortex'",
           "https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/78833375")
    for rid, days, meas, obs in [("inv01-2d-ne", 2, "NE", 2.63), ("inv01-14d-ne", 14, "NE", 5.99),
                                 ("inv01-14d-da", 14, "DA", 3.42), ("inv01-2d-5ht", 2, "5-HT", 1.0),
                                 ("inv01-14d-5ht", 14, "5-HT", 1.0)]:
        md.append({"id": rid, "kind": "microdialysis", "study": "inv01", "species": "rat", "drug": "reboxetine",
                   "dose_route": "10 mg/kg/day s.c. osmotic pump", "doses": "reboxetine:10mg/kg/d:infusion",
                   "schedule": "infusion", "days": days, "sample": "end", "region": "pfc", "measure": meas,
                   "observed": obs, "include": 1, "source": inv[0], "found_at": inv[1],
                   "notes": "% of vehicle levels -> fold (263%, 599% NE; 257%, 342% DA; 5-HT 'not modified')"})
    esler91 = ("Esler MD, Wallin G, Dorward PK, Eisenhofer G, Westerman R, Meredith I, Lambert G, Cox HS, Jennings G 1991 Am J Physiol 260:R817-R823", "http://www.pubmed.gov/2012253/")
    esler81 = ("'Effect of norepinephrine uptake blockers on norepinephrine kinetics' (desipramine 125 mg p.o.)", "https://scilit.net/publications/00ac1b3c4cd4ab51bfc1e14ec9d1126a")
    schr = ("Schroeder C et al. 2002 Circulation 105:347-353", "http://edoc.mdc-berlin.de/6291/")
    for rid, study, reg, state, meas, obs, lo, hi, src, note in [
        ("esler91-spill", "esler91", "desipramine:35mg:iv", "rest_supine", "ne_spillover_fold", "", 0.5, 0.7, esler91, "whole-body spillover -30 to -50%"),
        ("esler91-cardiac", "esler91", "desipramine:35mg:iv", "rest_supine", "cardiac_spillover_fold", 1.25, "", "", esler91, "cardiac NE spillover +25%"),
        ("esler91-msna", "esler91", "desipramine:35mg:iv", "rest_supine", "msna_fold", 0.1, "", "", esler91, "MSNA total activity -90% after desipramine 0.5 mg/kg i.v. (70 kg: 35 mg)"),
        ("esler81-plasma", "esler81", "desipramine:125mg", "rest_supine", "plasma_ne_fold", 1.0, "", "", esler81, "'leaving the plasma NE concentration unchanged'"),
        ("schroeder02-hr-tilt", "schroeder02", "reboxetine:8mg:q11h:n=2", "tilt", "heart_rate_bpm", 119, "", "", schr, "75 deg head-up tilt, 1 h after the second 8 mg dose (placebo 84)"),
    ]:
        hp.append({"id": rid, "kind": "physiology", "study": study, "species": "human", "drug": reg,
                   "doses": reg, "schedule": "regimen", "days": 0, "sample": "peak", "region": state,
                   "measure": meas, "observed": obs, "observed_low": lo, "observed_high": hi, "include": 1,
                   "source": src[0], "found_at": src[1], "notes": note})
    write("microdialysis.csv", md)
    write("firing.csv", fr)
    write("human_physiology.csv", hp)

    # calibration rows: the only rows any synapse or physiology parameter is fitted on or read from
    sp = "../shared/data/synapse_params.csv"
    gob = ("Gobert A, Rivet JM, Cistarelli L, Melon C, Millan MJ 1997 J Neurochem 69:2616-2619", "https://www.biopsychiatry.com/alp2ant.htm")
    cal = [
     dict(id="cal-gob-atip-ne", kind="microdialysis", study="r3md-gob", doses="atipamezole:0.16mg/kg:sc", region="pfc", measure="NE", observed=2.8, src=gob, notes="r3md-gob-atip-ne; +180%"),
     dict(id="cal-gob-s18616-ne", kind="microdialysis", study="r3md-gob", doses="S 18616:0.16mg/kg:sc", region="pfc", measure="NE", observed="", lo=0, hi=0.1, src=gob, notes="r3md-gob-s18616-ne; 'suppressed by 100%' read as <= 0.1 (below detection)"),
     dict(id="cal-gob-s18616-5ht", kind="microdialysis", study="r3md-gob", doses="S 18616:0.16mg/kg:sc", region="pfc", measure="5-HT", observed=0.37, src=gob, notes="r3md-gob-s18616-5ht; -63%"),
     dict(id="cal-local-dmi-hpc", kind="microdialysis", study="hpc-ne-dialysis", doses="desipramine:5uM:local", region="hippocampus", measure="NE", observed=8.0, src=("'Basic characteristics of noradrenaline release in the hippocampus ...' (rat microdialysis), via " + sp + " dialysate_NE_amount", "https://discovery.researcher.life/article/basic-characteristics-of-noradrenaline-release-in-the-hippocampus-of-intact-and-6-hydroxydopamine-lesioned-rats-as-studied-by-in-vivo-microdialysis/234b5593bc5f3ee6adb58a2596c54fe7"), notes="local desipramine 5 uM: hippocampal NE 8-fold"),
     dict(id="cal-reb-lc-2d", kind="firing", study="szabo-blier01", doses="reboxetine:10mg/kg/d:infusion", schedule="infusion", days=2, sample="end", region="LC", measure="firing_fold", observed=0.17, src=("Szabo ST, Blier P 2001 Eur J Neurosci 13:2077-2087", "http://onlinelibrary.wiley.com/doi/10.1046/j.0953-816x.2001.01583.x/abstract"), notes="2-day minipump 10 mg/kg/d: LC firing -83% (plateau of the dose series)"),
     dict(id="cal-reb-ida-fc", kind="microdialysis", study="reb-pmc1571760", doses="reboxetine:15mg/kg:ip;idazoxan:1mg/kg:sc", region="pfc", measure="NE", observed=16.8, src=("Br J Pharmacol reboxetine microdialysis (PMC1571760)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC1571760"), notes="+1580% frontal cortex (idazoxan 60 min after reboxetine)"),
     dict(id="cal-reb-ida-dhpc", kind="microdialysis", study="reb-pmc1571760", doses="reboxetine:15mg/kg:ip;idazoxan:1mg/kg:sc", region="hippocampus", measure="NE", observed=14.6, src=("Br J Pharmacol reboxetine microdialysis (PMC1571760)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC1571760"), notes="+1360% dorsal hippocampus"),
     dict(id="cal-parini-2d", kind="microdialysis", study="parini05", doses="reboxetine:10mg/kg/d:infusion", schedule="infusion", days=2, sample="end", region="hippocampus", measure="NE", observed=2.72, src=("Parini S, Renoldi G, Battaglia A, Invernizzi RW 2005 Neuropsychopharmacology 30:1048-1055", "https://docslib.org/doc/5080735/chronic-reboxetine-desensitizes-terminal-but-not-somatodendritic-a2-adrenoceptors-controlling-noradrenaline-release-in-the-rat-dorsal-hippocampus"), notes="272%"),
     dict(id="cal-parini-7d", kind="microdialysis", study="parini05", doses="reboxetine:10mg/kg/d:infusion", schedule="infusion", days=7, sample="end", region="hippocampus", measure="NE", observed=4.69, src=("Parini S et al. 2005 Neuropsychopharmacology 30:1048-1055", "https://docslib.org/doc/5080735"), notes="469%"),
     dict(id="cal-parini-14d", kind="microdialysis", study="parini05", doses="reboxetine:10mg/kg/d:infusion", schedule="infusion", days=14, sample="end", region="hippocampus", measure="NE", observed=4.37, src=("Parini S et al. 2005 Neuropsychopharmacology 30:1048-1055", "https://docslib.org/doc/5080735"), notes="437%"),
     dict(id="cal-inv01-2d-da", kind="microdialysis", study="inv01", doses="reboxetine:10mg/kg/d:infusion", schedule="infusion", days=2, sample="end", region="pfc", measure="DA", observed=2.57, src=inv, notes="257% of vehicle"),
     dict(id="cal-ahn-nac-da", kind="microdialysis", study="ahn2005", held="DAT=calibration.ahn_dat_occupancy,NET=calibration.ahn_net_occupancy", region="striatum", measure="DA", observed=3.0, src=("Biol Psychiatry 2015;77:940 review Fig 4 (PMC4377121): selective DAT inhibitor AHN 2-005 10 mg/kg", "https://pmc.ncbi.nlm.nih.gov/articles/PMC4377121/figure/F4"), notes="~+200% NAc DA; AHN's DAT and NET occupancy are fitted nuisance values (AHN is not a KB compound)"),
     dict(id="cal-ahn-pfc-ne", kind="microdialysis", study="ahn2005", held="DAT=calibration.ahn_dat_occupancy,NET=calibration.ahn_net_occupancy", region="pfc", measure="NE", observed=2.0, src=("Biol Psychiatry 2015;77:940 review Fig 4 (PMC4377121)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC4377121/figure/F4"), notes="~+100% PFC NE"),
     dict(id="cal-ahn-pfc-da", kind="microdialysis", study="ahn2005", held="DAT=calibration.ahn_dat_occupancy,NET=calibration.ahn_net_occupancy", region="pfc", measure="DA", observed=2.0, src=("Biol Psychiatry 2015;77:940 review Fig 4 (PMC4377121)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC4377121/figure/F4"), notes="~+100% PFC DA"),
     dict(id="cal-apo-vta", kind="firing", study="apo-plos2011", doses="apomorphine:1mg/kg:ip", region="VTA", measure="firing_fold", observed="", lo=0, hi=0.2, src=("PLoS One 2011;6:e16528 Fig 2", "http://journals.plos.org/plosone/article/figure?id=10.1371/journal.pone.0016528.g002"), notes="<= 20% of baseline in 9/10 putative DA neurons"),
     dict(id="cal-reb-fc", kind="microdialysis", study="reb-pmc1571760", doses="reboxetine:15mg/kg:ip", region="pfc", measure="NE", observed=3.42, src=("Br J Pharmacol reboxetine microdialysis (PMC1571760)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC1571760"), notes="+242% frontal cortex (md-5 of the earlier table)"),
     dict(id="cal-reb-dhpc", kind="microdialysis", study="reb-pmc1571760", doses="reboxetine:15mg/kg:ip", region="hippocampus", measure="NE", observed=3.40, src=("Br J Pharmacol reboxetine microdialysis (PMC1571760)", "https://pmc.ncbi.nlm.nih.gov/articles/PMC1571760"), notes="+240% dorsal hippocampus (md-6 of the earlier table)"),
     dict(id="cal-mph-str", kind="microdialysis", study="r3md-schiffer", doses="methylphenidate:5mg/kg:ip", region="striatum", measure="DA", observed=3.6, src=("Schiffer WK et al. 2006 Synapse 59:243-251", "http://47.251.13.51:8081/16385551"), notes="r3md-schiffer-mph-str: the blocker arm of the releaser calibration"),
     dict(id="cal-cit10-dhpc", kind="microdialysis", study="cit-dhpc", doses="citalopram:10mg/kg:sc", region="hippocampus", measure="5-HT", observed=3.05, src=("'Extracellular concentrations of serotonin in the dorsal hippocampus after acute and chronic treatment with citalopram', via " + sp + " citalopram_dHPC_5HT", "https://discovery.researcher.life/article/extracellular-concentrations-of-serotonin-in-the-dorsal-hippocampus-after-acute-and-chronic-treatment-with-citalopram/49f213ea617b3f36bf1c79a78c84c9b9"), notes="+205%; the 1 mg/kg row (+70%) is a prediction"),
     dict(id="cal-mil-local-fc", kind="microdialysis", study="r3md-bel", doses="milnacipran:0uM:local", region="pfc", measure="5-HT", observed=7.0, src=("Bel N, Artigas F 1999 Neuropsychopharmacology 21:745-754", "https://acnpsearch.tweb-dev.unibo.it/singlejournalindex/67754585"), notes="r3md-bel-mil-local-fc; local concentration not in the abstract: effective-dose convention"),
     dict(id="cal-lepoul-onset", kind="firing", study="lepoul95", doses="paroxetine:5mg/kg:ip", schedule="daily", days=21, sample="end", region="DRN", measure="desens_ratio_3_21", observed=40.0 / 70.0, src=("Le Poul E et al. 1995 Naunyn-Schmiedebergs Arch Pharmacol 352:141-148", "https://www.ncbi.nlm.nih.gov/pubmed/7477436"), notes="~40% of DRN neurons desensitized at day 3 vs 60-80% (70%) at day 21: (1-s(3d))/(1-s(21d))"),
     dict(id="cal-par21-ec50", kind="firing", study="par-5ht1a", doses="paroxetine:10mg/kg:po", schedule="daily", days=21, sample="end", region="DRN", measure="agonist_ec50_fold", observed=46.2 / 10.7, src=("'Contrasting effects of chronic paroxetine on 5-HT1A control of dorsal raphe cell firing and 5-HT release'", "https://scilit.net/publications/74cab7bf75b583716eb64686ef7931db"), notes="8-OH-DPAT firing EC50 10.7 -> 46.2 nM after 21 d"),
     dict(id="cal-vta-cit", kind="firing", study="r3fr-vta", doses="citalopram:1.28mg/kg:iv", sample="iv", region="VTA", measure="firing_fold", observed=0.86, src=("Br J Pharmacol 1995 (PMID 8528581)", "https://medluna.com/article/8528581"), notes="r3fr-vta-cit-acute: maximal inhibition 14% at up to 1280 ug/kg i.v."),
     dict(id="cal-amph-str", kind="microdialysis", study="r3md-schiffer", doses="d-amphetamine:2.5mg/kg:ip", region="striatum", measure="DA", observed=13.98, src=("Schiffer WK et al. 2006 Synapse 59:243-251", "http://47.251.13.51:8081/16385551"), notes="r3md-schiffer-amp-str"),
     dict(id="cal-hajos-drn-rate", kind="firing", study="r3fr-hajos", region="DRN", measure="rate_hz", observed=1.35, src=("Hajos M, Gartside SE, Sharp T 1995 Naunyn-Schmiedebergs Arch Pharmacol 351:624-629", "https://suppr.wilddata.cn/browses/detail/pubmed/7675121"), notes="r3fr-hajos-drn-baseline: read as drn.rate_hz"),
     dict(id="cal-dmi125-clearance", kind="physiology", study="esler81", doses="desipramine:125mg", sample="peak", region="rest_supine", measure="ne_clearance_fold", observed=1.08 / 1.33, src=esler81, notes="plasma NE clearance 1.33 -> 1.08 L/m2/min"),
     dict(id="cal-esler81-spill", kind="physiology", study="esler81", doses="desipramine:125mg", sample="peak", region="rest_supine", measure="ne_spillover_fold", observed=0.15 / 0.27, src=esler81, notes="spillover 0.27 -> 0.15 ug/m2/min after desipramine 125 mg p.o."),
     dict(id="cal-reb-hr-supine", kind="physiology", study="schroeder02", doses="reboxetine:8mg:q11h:n=2", sample="peak", region="rest_supine", measure="heart_rate_bpm", observed=71, src=schr, notes="placebo 65"),
     dict(id="cal-jacob-spill", kind="physiology", study="r3hp-jacob", region="standing", measure="ne_spillover_fold", observed=1.8, src=("Jacob G et al. 1998 J Appl Physiol 84:914-921", "https://moh-it.pure.elsevier.com/en/publications/effect-of-standing-on-neurohumoral-responses-and-plasma-volume-in"), notes="r3hp-jacob-spill: read as physio.spillover_fold.standing"),
     dict(id="cal-jacob-clear", kind="physiology", study="r3hp-jacob", region="standing", measure="ne_clearance_fold", observed=0.7, src=("Jacob G et al. 1998 J Appl Physiol 84:914-921", "https://moh-it.pure.elsevier.com/en/publications/effect-of-standing-on-neurohumoral-responses-and-plasma-volume-in"), notes="r3hp-jacob-clear: read as physio.clearance_fold.standing"),
     dict(id="cal-mer-spill-tilt", kind="physiology", study="r3hp-mer", region="tilt", measure="ne_spillover_fold", observed=1.24, src=("Meredith IT et al. 1992 Hypertension 19:628-633", "http://47.251.13.51:8081/1592459"), notes="r3hp-mer-spill-tilt: read as physio.spillover_fold.tilt"),
     dict(id="cal-speech", kind="physiology", study="r3hp-speech", region="public_speaking", measure="plasma_ne_fold_vs_supine", observed=1.9, src=("'Plasma level of catecholamines and lipids when speaking before an audience'", "https://scilit.com/publications/02094fabd55c142c376e3b0b47d2a382"), notes="r3hp-speech-ne: read as physio.spillover_fold.public_speaking"),
     dict(id="cal-hypo", kind="physiology", study="r3hp-hypo", region="hypoglycemia", measure="plasma_ne_fold_vs_supine", observed=590.0 / 290.0, src=("'Plasma catecholamines and blood substrate concentrations: studies in insulin induced hypoglycaemia ...'", "https://scilit.com/publications/03fa940e263b1d47a09b3bff4144a2ab"), notes="r3hp-hypo-ne / r3hp-hypo-ne-base: read as physio.spillover_fold.hypoglycemia"),
    ]
    rows = []
    for c in cal:
        src = c.pop("src")
        rows.append({"id": c["id"], "kind": c["kind"], "study": c["study"], "species": "human" if c["kind"] == "physiology" else "rat",
                     "drug": c.get("doses", ""), "doses": c.get("doses", ""), "schedule": c.get("schedule", "regimen" if c["kind"] == "physiology" else "single"),
                     "days": c.get("days", 0), "sample": c.get("sample", "iv" if ":iv" in c.get("doses", "") else ("peak" if c.get("doses") else "end")),
                     "held": c.get("held", ""), "region": c["region"], "measure": c["measure"], "observed": c["observed"],
                     "observed_low": c.get("lo", ""), "observed_high": c.get("hi", ""), "include": 1,
                     "source": src[0], "found_at": src[1], "notes": c.get("notes", "")})
    write("calibration_synapse.csv", rows)

if __name__ == "__main__":
    main()
