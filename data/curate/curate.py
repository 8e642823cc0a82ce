#!/usr/bin/env python3
"""One-off bootstrap that built data/*.csv from ../shared/data (kept for provenance).

The CSV files in data/ are the source of truth and are edited by hand afterwards; this script
documents how every row was first selected or derived. Run: python3 data/curate/curate.py SHARED OUT
"""
import csv
import math
import re
import sys
from collections import OrderedDict, defaultdict

SHARED = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
OUT = sys.argv[2] if len(sys.argv) > 2 else "data"
WEIGHT_KG = 70.0
LN2 = math.log(2.0)


def rd(name):
    with open(f"{SHARED}/{name}", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def wr(name, header, rows):
    with open(f"{OUT}/{name}", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])


def g(x):
    """Compact number formatting (4 significant digits)."""
    return f"{x:.4g}"


# ------------------------------------------------------------------------------------------
# sources
SOURCES = OrderedDict()  # key -> [citation, found_at, quality]
BY_CIT = {}


def quality_of(cit, found_at=""):
    c = cit.lower()
    if c.startswith("derived") or "(derived" in c:
        return "derived"
    if "pbpk" in c or "osp " in c or c.startswith("osp") or "model" in c and "code" in c:
        return "model"
    sec = ("via ", "mirror", "wikipedia", "reproduced", "secondary", "cited", "summar", "droracle",
           "catalogue", "pdsp ki database", "wombat", "medchemexpress", "apexbio", "as tabulated",
           "monograph", "drugbank", "mims", "blog", "psychdb", "pharmamedix", "lab ", "textbook",
           "davis's", "uptodate", "as cited", "tabulated")
    if any(s in c for s in sec):
        return "secondary"
    return "primary"


def slug(s):
    s = re.sub(r"[^a-z0-9]+", "_", s.lower()).strip("_")
    return s[:40].rstrip("_")


def make_key(cit):
    c = cit.strip()
    m = re.match(r"IUPHAR/BPS Guide to Pharmacology.*PMID (.*)$", c)
    if m:
        p = m.group(1).strip()
        return "gtopdb_" + ("nopmid" if "no PMID" in p else "pmid" + p.replace("|", "_"))
    m = re.match(r"DrugCentral <- (\S+)", c)
    if m:
        return "drugcentral_" + slug(m.group(1))
    if c.startswith("NIMH PDSP"):
        return "pdsp_agg"
    if c.startswith("Wikipedia drug-article binding-profile"):
        return "receptormap_wiki"
    m = re.search(r"([A-Z][A-Za-z\u00c0-\u017f'\-]+)[^()]*?\b((?:19|20)\d\d)\b", c)
    if m and not c.lower().startswith(("derived", "wikipedia", "english wikipedia")):
        return slug(m.group(1)) + m.group(2)
    return slug(" ".join(c.split()[:4]))


def src(cit, found_at="", quality=None, key=None):
    cit = cit.strip()
    if cit in BY_CIT:
        return BY_CIT[cit]
    k = key or make_key(cit)
    base, n = k, 1
    while k in SOURCES:
        n += 1
        k = f"{base}_{chr(ord('a') + n - 1)}"
    SOURCES[k] = [cit, found_at.strip(), quality or quality_of(cit, found_at)]
    BY_CIT[cit] = k
    return k


# fixed keys for sources referred to by name below
src("Tatsumi 1997 Eur J Pharmacol 340:249-258 (tabulated in Br J Pharmacol 2006 147 Suppl 1:S82-S88 Table 2)",
    "https://pmc.ncbi.nlm.nih.gov/articles/PMC1760736/table/tbl2", "primary", "tatsumi1997")
src("Caudle KE et al. 2020 Clin Transl Sci 13:116 'Standardizing CYP2D6 genotype to phenotype translation: "
    "consensus recommendations from CPIC and DPWG' (activity-score thresholds PM AS 0; IM 0.25-1.0; NM 1.25-2.25; UM >2.25)",
    "../shared/data/cyp_phenotype_frequencies.csv source column (thresholds as coded in github parlar/cyrius-rs src/phenotype.rs)",
    "secondary", "cpic_caudle2020")
src("reuptake knowledge-base convention (docs/knowledge-base.md): a stated modelling rule, no measured value",
    "docs/knowledge-base.md", "derived", "ru_convention")

# ------------------------------------------------------------------------------------------
# compounds
shared_comp = {r["compound"]: r for r in rd("compounds.csv")}
mw = {r["compound"]: r for r in rd("molecular_weights.csv")}
SYN = {
    "sertraline": "Zoloft;Lustral",
    "paroxetine": "Paxil;Seroxat;Pexeva;Brisdelle",
    "fluoxetine": "Prozac;Sarafem",
    "norfluoxetine": "desmethylfluoxetine;N-desmethylfluoxetine",
    "citalopram": "Celexa;Cipramil",
    "escitalopram": "Lexapro;Cipralex;S-citalopram",
    "fluvoxamine": "Luvox;Faverin",
    "duloxetine": "Cymbalta",
    "venlafaxine": "Effexor;Effexor XR",
    "desvenlafaxine": "Pristiq;Khedezla",
    "o-desmethylvenlafaxine": "ODV;O-desmethylvenlafaxine (metabolite)",
    "milnacipran": "Savella;Ixel",
    "levomilnacipran": "Fetzima",
    "atomoxetine": "Strattera;tomoxetine",
    "reboxetine": "Edronax;Vestra",
    "viloxazine": "Qelbree;Vivalan",
    "bupropion": "Wellbutrin;Zyban;Aplenzin;amfebutamone",
    "hydroxybupropion": "OH-bupropion;4-hydroxybupropion",
    "methylphenidate": "Ritalin;Concerta;Metadate;Methylin",
    "nortriptyline": "Pamelor;Aventyl;Allegron",
    "desipramine": "Norpramin;Pertofrane",
    "amitriptyline": "Elavil;Tryptizol",
    "imipramine": "Tofranil",
    "clomipramine": "Anafranil",
    "desmethylclomipramine": "norclomipramine;N-desmethylclomipramine",
    "doxepin": "Sinequan;Silenor",
    "modafinil": "Provigil;Modalert",
    "armodafinil": "Nuvigil",
    "d-amphetamine": "dextroamphetamine;dexamphetamine;dextro-amphetamine;Dexedrine;Zenzedi;Adderall;amphetamine",
}
COMPOUNDS = []
for name, syn in SYN.items():
    sname = {"d-amphetamine": "amphetamine", "o-desmethylvenlafaxine": "desvenlafaxine"}.get(name, name)
    sc = shared_comp[sname]
    kind, parent, same_as = sc["kind"], sc["parent"], ""
    notes = sc["notes"]
    if name == "o-desmethylvenlafaxine":
        kind, parent, same_as = "metabolite", "venlafaxine", "desvenlafaxine"
        notes = ("the same molecule as desvenlafaxine, formed from venlafaxine; separate entry because its "
                 "apparent PK is per venlafaxine dose (affinities read from desvenlafaxine)")
    if name == "d-amphetamine":
        notes = ("dextroamphetamine; Adderall is a 3:1 d/l mixed-salt product and 'amphetamine' resolves here "
                 "(approximation); substrate-type releaser: uptake Ki is not occupancy")
    mrow = mw["d-amphetamine" if name == "d-amphetamine" else sname]
    mkey = src(f"free-base molar mass as listed at {mrow['found_at']} (../shared/data/molecular_weights.csv)",
               mrow["found_at"], "secondary", "mw_" + slug(name))
    COMPOUNDS.append([name, sc["class"], kind, parent, same_as, mrow["mw_g_per_mol"], mkey, syn, notes])

NAMES = {c[0] for c in COMPOUNDS}
ALIAS = {"amphetamine": "d-amphetamine", "dexmethylphenidate": "methylphenidate"}

# ------------------------------------------------------------------------------------------
# affinities: every shared row kept; one used=1 row per (compound, model target)
MODEL_TARGET = {"SERT": "SERT", "NET": "NET", "DAT": "DAT", "H1": "H1", "M1": "M1", "mACh": "M1",
                "alpha1": "alpha1", "alpha1A": "alpha1", "5-HT2A": "5-HT2A", "5-HT2C": "5-HT2C"}
EXCLUDE_FLAGS = ("SUSPECT", "LIKELY BOUND", "LIKELY CENSORED", "CENSORED", "OUTLIER", "LOW TRUST",
                 "DISCREPANCY")


def aff_tier(r, comp):
    """Lower is better. None = never used as the model value."""
    notes, s, meas = r["notes"], r["source"], r["measure"]
    if any(f in notes for f in EXCLUDE_FLAGS) or meas == "EC50":
        return None
    if r["compound"] != comp:  # racemic amphetamine / dexmethylphenidate rows
        return None
    human = r["species"] == "human"
    binding = meas in ("Ki", "Kd")
    if s.startswith("Tatsumi"):
        return 0
    secondary = ("SECONDARY" in notes or s.startswith(("Wikipedia", "English Wikipedia", "MedChemExpress",
                                                          "Lingjaerde", "droracle"))
                 or "WOMBAT" in s or "DrugCentral <- NIMH PDSP" in s)
    if "PDSP-AGG" in notes or s.startswith("NIMH PDSP"):
        return 7
    if "RAT" in notes or r["species"] == "rat":
        return 6
    if secondary:
        return 5
    if human and binding:
        return 1 if ("IUPHAR" in s or "DrugMatrix" in s or "Owens" in s or "Bymaster" in s) else 2
    if binding:
        return 3
    return 4  # primary uptake IC50


aff_rows = rd("affinities.csv")
groups = defaultdict(list)
for i, r in enumerate(aff_rows):
    comp = ALIAS.get(r["compound"], r["compound"])
    mt = MODEL_TARGET.get(r["target"])
    if mt:
        groups[(comp, mt)].append(i)
used_idx = {}
for (comp, mt), idx in groups.items():
    cand = [(aff_tier(aff_rows[i], comp), i) for i in idx]
    cand = [(t, i) for t, i in cand if t is not None]
    if not cand:
        continue
    best = min(t for t, _ in cand)
    cand = [i for t, i in cand if t == best]
    # prefer the exact model target over a proxy (alpha1A for alpha1, mACh for M1), Ki/Kd over IC50,
    # then the row closest to the geometric median of the tier
    exact = [i for i in cand if aff_rows[i]["target"] == mt]
    cand = exact or cand
    bind = [i for i in cand if aff_rows[i]["measure"] in ("Ki", "Kd")]
    cand = bind or cand
    logs = sorted(math.log(float(aff_rows[i]["value_nM"])) for i in cand)
    med = logs[len(logs) // 2] if len(logs) % 2 else 0.5 * (logs[len(logs) // 2 - 1] + logs[len(logs) // 2])
    pick = min(cand, key=lambda i: (abs(math.log(float(aff_rows[i]["value_nM"])) - med), i))
    used_idx[pick] = best
TIER_NAME = {0: "rule 1 Tatsumi 1997 cloned human transporter Kd",
             1: "rule 2 human binding Ki/Kd from GtoPdb/DrugMatrix/Owens/Bymaster",
             2: "rule 3 other primary human binding Ki/Kd", 3: "rule 4 primary binding, species not stated",
             4: "rule 5 primary uptake IC50", 5: "rule 6 secondary (flagged) value",
             6: "rule 7 non-human value (no human value exists)", 7: "rule 8 PDSP aggregate median (last resort)"}
AFF = []
for i, r in enumerate(aff_rows):
    comp = ALIAS.get(r["compound"], r["compound"])
    k = src(r["source"], r["found_at"])
    mt = MODEL_TARGET.get(r["target"], "")
    notes = r["notes"]
    if r["compound"] != comp:
        notes = f"[{r['compound']} row, kept under {comp}; not used] " + notes
    used = 1 if i in used_idx else 0
    if used:
        notes = f"[USED: {TIER_NAME[used_idx[i]]}] " + notes
    AFF.append([comp, r["target"], mt, r["value_nM"], r["measure"], r["species"], k, used, r["found_at"], notes])

# ------------------------------------------------------------------------------------------
# PK
pkrows = rd("pk.csv")


def S(line):
    """Source key of shared pk.csv line (1-based line number incl. header)."""
    r = pkrows[line - 2]
    return src(r["source"], r["found_at"]), r["found_at"]


PK = []


def P(comp, key, value, unit, line, status="primary", used=1, notes="", derivation=""):
    k, fa = S(line) if isinstance(line, int) else (line, SOURCES[line][1])
    if isinstance(value, float):
        value = g(value)
    PK.append([comp, key, value, unit, k, status, used, derivation, notes, fa])


def ka_from_tmax(tmax, k):
    """Solve tmax = ln(ka/k)/(ka-k) for ka > k (1-compartment first-order absorption)."""
    lo, hi = k * (1 + 1e-9), 1000.0
    f = lambda ka: math.log(ka / k) / (ka - k) - tmax
    for _ in range(200):
        mid = math.sqrt(lo * hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def D(comp, key, value, unit, first_line, derivation, used=1, notes=""):
    P(comp, key, value, unit, first_line, "derived", used, notes, derivation)


def KA(comp, tmax, cl, v, line_tmax, in_cl, in_v, note=""):
    k = cl / v
    ka = ka_from_tmax(tmax, k)
    D(comp, "ka_per_h", ka, "1/h", line_tmax,
      f"ka from tmax={g(tmax)} h ({S(line_tmax)[0]}) solving tmax=ln(ka/k)/(ka-k), k=CL/V={g(k)} 1/h "
      f"(CL/F {in_cl}; V/F {in_v})", notes=note)
    return ka


def FU(comp, bound_pct, line, note=""):
    D(comp, "fu", 1 - bound_pct / 100.0, "fraction", line,
      f"fu = 1 - bound fraction ({g(bound_pct)}% bound; {S(line)[0]})", notes=note)


def M(comp, model="1cmt", line=None, note=""):
    if line is None:
        P(comp, "model", model, "-", "ru_convention", "derived", 1,
          note or "one-compartment linear disposition with first-order absorption (DESIGN.md default)")
    else:
        P(comp, "model", model, "-", line, "primary", 1, note)


def HL(comp, hl, line, used=1, note="", status="primary"):
    P(comp, "half_life_h", hl, "h", line, status, used, note)


# --- sertraline
M("sertraline", note="1-cmt: Zhang 2024 popPK is 1-cmt; Alhadab 2020 suggests 2-cmt (no numbers)")
P("sertraline", "ka_per_h", 0.098, "1/h", 380, notes="fixed value of the DIADS-2 popPK; consistent with tmax 4.5-8.4 h")
P("sertraline", "cl_f_l_per_h", 76.1, "L/h", 378,
  notes="steady-state patient popPK typical value at AGE 22 (factor 1). USED: steady-state use is the model's purpose")
P("sertraline", "cl_f_l_per_h", 187, "L/h", 374, "derived", 0,
  notes="CONFLICT: single-dose healthy CL/F (Seralin BE); not used: about 2.5x the steady-state patient value")
P("sertraline", "v_f_l", 803, "L", 379, used=0, notes="poorly identified (trough-only data); not used")
P("sertraline", "v_f_l", 7100, "L", 375, "derived", 0, notes="single-dose Vz/F; not used (pairs with CL/F 187)")
HL("sertraline", 26.23, 375, note="Seralin BE study terminal t1/2 (in notes of the derived V/F row)", status="primary")
D("sertraline", "v_f_l", 76.1 * 26.23 / LN2, "L", 378,
  f"V/F = CL/F * t1/2 / ln2 = 76.1 L/h ({S(378)[0]}) * 26.23 h ({S(375)[0]}) / ln2",
  notes="derived so that the 1-cmt model keeps the observed terminal half-life")
FU("sertraline", 98, 24, note="label value 98% bound (20-500 ng/mL); Wikipedia 98.5% not used")

# --- paroxetine
M("paroxetine", note="1-cmt linear with CYP2D6 mechanism-based self-inhibition supplied by cyp_inhibition.csv")
P("paroxetine", "ka_per_h", 0.908, "1/h", 388)
P("paroxetine", "cl_f_l_per_h", 89, "L/h", 382, "derived", 1,
  notes=("UNINHIBITED single-dose CL/F (CYP2D6 EM, 20 mg, NCA of digitized mean profile). The model reaches the "
         "steady-state 13-21 L/h (Kim 2015, Li 2022 popPK) through paroxetine's own mechanism-based CYP2D6 "
         "inactivation (cyp_inhibition.csv), which needs fm.CYP2D6"))
P("paroxetine", "cl_f_l_per_h", 107, "L/h", 384, "derived", 0, notes="Japanese EM single dose; not used")
P("paroxetine", "cl_f_l_per_h", 21.2, "L/h", 385, "primary", 0,
  notes="steady-state popPK at 40 mg/day (autoinhibited); not used as input: the model derives it")
P("paroxetine", "cl_f_l_per_h", 13.1, "L/h", 387, "primary", 0,
  notes="steady-state popPK at 25 mg/day, age 71 (autoinhibited); not used as input")
P("paroxetine", "v_f_l", 3600, "L", 382, "derived", 1,
  notes="Vz/F from the same NCA (CL/F 89 L/h, t1/2 28 h) so that CL and V come from one profile")
P("paroxetine", "v_f_l", 1020, "L", 387, "secondary", 0, notes="fixed in Kim 2015 (17 L/kg x 60 kg from label); not used")
HL("paroxetine", 28, 382, note="single-dose terminal t1/2 of the same NCA", status="derived")
HL("paroxetine", 21, 41, used=0, note="steady state 30 mg/day (label)")
P("paroxetine", "fu", 0.05, "fraction", 35, notes="PBPK-optimised 0.04873")

# --- fluoxetine / norfluoxetine
M("fluoxetine", note="1-cmt (Han 2025 joint parent-metabolite model is 1-cmt for each)")
P("fluoxetine", "ka_per_h", 0.3, "1/h", 395)
P("fluoxetine", "cl_f_l_per_h", 3.39, "L/h", 393,
  notes="steady-state male typical value 2.91 x 1.165; chronic dosing (CYP2D6 autoinhibition already inside)")
P("fluoxetine", "cl_f_l_per_h", 25.3, "L/h", 390, "derived", 0,
  notes="CONFLICT: single-dose CL/F (Keller 2005); fluoxetine is nonlinear; not used because no fm.CYP2D6 is sourced to model the autoinhibition")
P("fluoxetine", "v_f_l", 1800, "L", 391, "derived", 0, notes="single-dose Vz/F; not used")
HL("fluoxetine", 120, 58, note="4-6 days on chronic dosing; midpoint 5 d")
D("fluoxetine", "v_f_l", 3.39 * 120 / LN2, "L", 393,
  f"V/F = CL/F * t1/2 / ln2 = 3.39 L/h ({S(393)[0]}) * 120 h (chronic t1/2 4-6 d midpoint, {S(58)[0]}) / ln2")
FU("fluoxetine", 94.5, 53, note="94-95% bound, midpoint")
M("norfluoxetine")
P("norfluoxetine", "cl_f_l_per_h", 3.24, "L/h", 394,
  notes="apparent per fluoxetine dose (formation fraction absorbed), see metabolites.csv fraction_formed 1")
HL("norfluoxetine", 134, 392, note="single-dose t1/2 130-138 h (Keller 2005), midpoint")
D("norfluoxetine", "v_f_l", 3.24 * 134 / LN2, "L", 394,
  f"V/F = CL/F * t1/2 / ln2 = 3.24 L/h ({S(394)[0]}) * 134 h ({S(392)[0]}) / ln2; apparent per fluoxetine dose")

# --- citalopram
M("citalopram", note="1-cmt (1981 study fitted 2-cmt to IV data; oral parameters 1-cmt)")
P("citalopram", "cl_f_l_per_h", 25.2, "L/h", 81, notes="0.42 L/min, systemic and apparent oral similar (F ~0.8-1)")
P("citalopram", "cl_f_l_per_h", 20, "L/h", 96, "secondary", 0, notes="label systemic 330 mL/min; not used")
P("citalopram", "v_f_l", 12 * WEIGHT_KG, "L", 78, "secondary", 1, notes="12 L/kg x 70 kg")
HL("citalopram", 35, 84, status="secondary")
KA("citalopram", 3.0, 25.2, 840, 76, S(81)[0], S(78)[0])
FU("citalopram", 80, 83, note="~80% bound")
P("citalopram", "f", 0.8, "fraction", 73, "secondary")

# --- escitalopram (2-cmt popPK)
M("escitalopram", "2cmt", 433)
P("escitalopram", "ka_per_h", 3.6, "1/h", 433)
P("escitalopram", "tlag_h", 0.93, "h", 433)
P("escitalopram", "cl_f_l_per_h", 19, "L/h", 434, notes="at mean S/R-mephenytoin ratio 0.769")
P("escitalopram", "v_f_l", 800, "L", 434, notes="V1/F (+12 L per kg above 79 kg: not applied at 70 kg)")
P("escitalopram", "vp_f_l", 470, "L", 434)
P("escitalopram", "q_f_l_per_h", 98, "L/h", 434)
P("escitalopram", "cl_f_l_per_h", 36, "L/h", 107, "secondary", 0, notes="label ~600 mL/min; not used")
P("escitalopram", "cl_f_l_per_h", 16.3, "L/h", 435, "primary", 0, notes="Chinese TDM popPK; not used")
P("escitalopram", "cl_f_l_per_h", 23.1, "L/h", 436, "primary", 0, notes="HIV/psychiatric popPK; not used")
HL("escitalopram", 30, 104, note="27 single / 33 multiple dose, midpoint")
FU("escitalopram", 56, 108)
P("escitalopram", "f", 0.8, "fraction", 106, "secondary")

# --- fluvoxamine
M("fluvoxamine")
P("fluvoxamine", "cl_f_l_per_h", 145, "L/h", 398, "derived", 1,
  notes="single 50 mg, non-smokers (NCA); fluvoxamine is nonlinear (AUC x3.2 per dose doubling) so steady-state exposure is underpredicted")
P("fluvoxamine", "cl_f_l_per_h", 171, "L/h", 399, "derived", 0, notes="CYP2D6 EM arm; not used")
HL("fluvoxamine", 15, 131, note="single dose 15-20 h; DeVane & Gill mean 15 h")
D("fluvoxamine", "v_f_l", 145 * 15 / LN2, "L", 398,
  f"V/F = CL/F * t1/2 / ln2 = 145 L/h ({S(398)[0]}) * 15 h ({S(131)[0]}) / ln2")
KA("fluvoxamine", 5.0, 145, 145 * 15 / LN2, 129, S(398)[0], "derived",
   note="tmax 2-8 h (capsules/film-coated tablets), midpoint 5 h")
FU("fluvoxamine", 77, 130)
P("fluvoxamine", "fu", 0.13, "fraction", 401, "secondary", 0, notes="Yao 2001 in vitro 0.13-0.14; not used (Claassen 0.23 = 77% bound used)")
P("fluvoxamine", "f", 0.5, "fraction", 128, "secondary")

# --- duloxetine
M("duloxetine", line=402, note="one-compartment first-order absorption (Sharma 2000)")
P("duloxetine", "cl_f_l_per_h", 114, "L/h", 402)
P("duloxetine", "v_f_l", 1943, "L", 403)
P("duloxetine", "v_f_l", 1640, "L", 140, "secondary", 0, notes="Knadler 2011 review; not used")
HL("duloxetine", 12.5, 403, note="Sharma 2000 (9.2-19.1)")
KA("duloxetine", 6.0, 114, 1943, 139, S(402)[0], S(403)[0], note="tmax ~6 h; an absorption lag of ~2 h is described but not quantified")
FU("duloxetine", 96, 141)
P("duloxetine", "f", 0.5, "fraction", 138, "secondary")

# --- venlafaxine / ODV / desvenlafaxine
M("venlafaxine")
P("venlafaxine", "cl_f_l_per_h", 1.3 * WEIGHT_KG, "L/h", 155, "secondary", 1, notes="1.3 L/h/kg x 70 kg, steady state")
P("venlafaxine", "v_f_l", 7.5 * WEIGHT_KG, "L", 154, "secondary", 1, notes="7.5 L/kg x 70 kg, oral")
HL("venlafaxine", 5, 156, status="secondary")
KA("venlafaxine", 2.0, 91, 525, 152, S(155)[0], S(154)[0], note="IR tablet tmax ~2 h")
FU("venlafaxine", 27, 153)
P("venlafaxine", "f", 0.42, "fraction", 151, "secondary")
M("o-desmethylvenlafaxine")
P("o-desmethylvenlafaxine", "cl_f_l_per_h", 0.4 * WEIGHT_KG, "L/h", 169, "secondary", 1,
  notes="0.4 L/h/kg x 70 kg; apparent per venlafaxine dose (formation fraction absorbed; metabolites.csv fraction_formed 1)")
P("o-desmethylvenlafaxine", "cl_f_l_per_h", 0.38 * WEIGHT_KG, "L/h", 172, "primary", 0, notes="young, single dose; not used")
P("o-desmethylvenlafaxine", "v_f_l", 5.7 * WEIGHT_KG, "L", 168, "secondary", 1, notes="5.7 L/kg x 70 kg, apparent per venlafaxine dose")
HL("o-desmethylvenlafaxine", 11, 170, status="secondary")
FU("o-desmethylvenlafaxine", 30, 167)
M("desvenlafaxine")
P("desvenlafaxine", "v_f_l", 3.4 * WEIGHT_KG, "L", 176, "secondary", 1, notes="3.4 L/kg x 70 kg")
HL("desvenlafaxine", 11, 177, status="secondary")
D("desvenlafaxine", "cl_f_l_per_h", LN2 * 3.4 * WEIGHT_KG / 11, "L/h", 176,
  f"CL/F = ln2 * V/F / t1/2 = ln2 * 238 L ({S(176)[0]}) / 11 h ({S(177)[0]})")
KA("desvenlafaxine", 7.5, LN2 * 238 / 11, 238, 174, "derived", S(176)[0], note="ER tablet tmax ~7.5 h")
FU("desvenlafaxine", 30, 175)
P("desvenlafaxine", "f", 0.8, "fraction", 173, "secondary")

# --- milnacipran, levomilnacipran
HL("milnacipran", 7, 185, note="6-8 h midpoint", status="secondary")
FU("milnacipran", 13, 180)
P("milnacipran", "f", 0.875, "fraction", 183, "secondary", notes="0.85-0.90 midpoint")
M("levomilnacipran")
P("levomilnacipran", "cl_f_l_per_h", 19, "L/h", 191, "derived", 1, notes="40 mg / AUCinf 2101 ng*h/mL, normal renal function")
HL("levomilnacipran", 12, 188, status="secondary")
D("levomilnacipran", "v_f_l", 19 * 12 / LN2, "L", 191,
  f"V/F = CL/F * t1/2 / ln2 = 19 L/h ({S(191)[0]}) * 12 h ({S(188)[0]}) / ln2")
KA("levomilnacipran", 7.0, 19, 19 * 12 / LN2, 187, S(191)[0], "derived", note="ER capsule tmax 6-8 h midpoint")

# --- atomoxetine
M("atomoxetine")
P("atomoxetine", "ka_per_h", 1.2, "1/h", 426, "primary", 1, notes="optimised absorption rate of the Simcyp PBPK model (tmax 1-2 h)")
P("atomoxetine", "cl_f_l_per_h", 0.35 * WEIGHT_KG, "L/h", 206, "secondary", 1, notes="0.35 L/h/kg x 70 kg, CYP2D6 EM")
P("atomoxetine", "cl_f_l_per_h", 39.03, "L/h", 428, "primary", 0, notes="pediatric popPK scaled to 70 kg; not used")
HL("atomoxetine", 5.2, 208, status="secondary", note="CYP2D6 EM")
HL("atomoxetine", 21.6, 209, used=0, status="secondary", note="CYP2D6 PM")
D("atomoxetine", "v_f_l", 24.5 * 5.2 / LN2, "L", 206,
  f"V/F = CL/F * t1/2 / ln2 = 24.5 L/h ({S(206)[0]}) * 5.2 h ({S(208)[0]}) / ln2 (EM)",
  notes="consistent with Tobin 2026 Vc/F 176 L")
FU("atomoxetine", 98, 203)
P("atomoxetine", "fu", 0.013, "fraction", 195, "secondary", 0, notes="1.3% unbound (Yu 2016); not used")
P("atomoxetine", "fm.CYP2D6", 0.876, "fraction", 426, "primary", 1,
  notes="PBPK input fm (EM); independent of calibration_pm_nm rows")
D("atomoxetine", "fm.CYP2D6", 1 - 1 / 9.84, "fraction", 430,
  f"fm = 1 - 1/ratio with PM/NM AUC ratio 9.84 (Sauer 2003; {S(430)[0]})", used=0,
  notes="not used: the PBPK value is independent of PM/NM outcome data")
P("atomoxetine", "f", 0.63, "fraction", 200, "secondary", notes="CYP2D6 EM")

# --- reboxetine
M("reboxetine")
P("reboxetine", "cl_f_l_per_h", 1.74, "L/h", 221, notes="29 mL/min")
P("reboxetine", "v_f_l", 32, "L", 222, notes="Vz/F")
HL("reboxetine", 13, 223)
KA("reboxetine", 2.0, 1.74, 32, 220, S(221)[0], S(222)[0])
P("reboxetine", "fu", 0.0295, "fraction", 224, notes="0.028-0.031 midpoint")
P("reboxetine", "f", 0.94, "fraction", 219, notes="R,R 0.919 / S,S 1.02")

# --- viloxazine (pediatric popPK scaled to 70 kg by its own allometric exponents)
M("viloxazine", line=444, note="1-compartment linear (Nasser 2021)")
P("viloxazine", "ka_per_h", 0.068, "1/h", 444, notes="ER formulation; absorption-limited terminal phase")
wt = WEIGHT_KG / 36.35
D("viloxazine", "cl_f_l_per_h", 4.72 * wt ** 0.59 + 0.87, "L/h", 444,
  f"CL/F = 4.72*(70/36.35)^0.59 + 0.87 L/h (allometric scaling of {S(444)[0]} to 70 kg)")
D("viloxazine", "v_f_l", 14.6 * wt ** 0.78, "L", 444, f"V/F = 14.6*(70/36.35)^0.78 L ({S(444)[0]})")
FU("viloxazine", 79, 230, note="76-82% bound midpoint")
HL("viloxazine", 7.02, 232, status="secondary", note="ER")

# --- bupropion / hydroxybupropion
M("bupropion", note="1-cmt approximation; Findlay 1981 and the 2019 popPK are 2-cmt without usable numbers")
P("bupropion", "cl_f_l_per_h", 129, "L/h", 406, "derived", 1,
  notes="150 mg bupropion HCl / AUCinf 1161 ng*h/mL (Hsyu 1997): per labelled (salt) dose, matching how doses are written")
P("bupropion", "cl_f_l_per_h", 221, "L/h", 407, "primary", 0, notes="Chinese XL popPK; not used")
P("bupropion", "v_f_l", 1950, "L", 241, "secondary", 1, notes="Vss/F, 150 mg single dose")
HL("bupropion", 21, 243, status="secondary")
KA("bupropion", 1.5, 129, 1950, 240, S(406)[0], S(241)[0], note="IR tmax ~1.5 h (SR 3 h, XL 5 h)")
FU("bupropion", 84, 242)
M("hydroxybupropion")
D("hydroxybupropion", "cl_f_l_per_h", 129 / 13, "L/h", 257,
  f"apparent CL = CL/F(bupropion) / AUC ratio = 129 L/h ({S(406)[0]}) / 13 ({S(257)[0]}), with fraction_formed 1",
  notes="apparent per bupropion dose; reproduces the steady-state metabolite/parent AUC ratio")
HL("hydroxybupropion", 20, 256, status="secondary")
D("hydroxybupropion", "v_f_l", 129 / 13 * 20 / LN2, "L", 257,
  f"V/F = CL/F * t1/2 / ln2 = 9.92 L/h (derived) * 20 h ({S(256)[0]}) / ln2; apparent per bupropion dose")
FU("hydroxybupropion", 77, 259)

# --- methylphenidate (d-MPH popPK, per racemic dose)
M("methylphenidate", "2cmt", 438)
P("methylphenidate", "ka_per_h", 0.418, "1/h", 439, notes="after 3 transit compartments (MTT 0.505 h) in the source; first-order only here")
P("methylphenidate", "cl_f_l_per_h", 233, "L/h", 437, notes="d-MPH per racemic dose, 70 kg, CES1 wild type")
P("methylphenidate", "v_f_l", 97.6, "L", 438, notes="Vc/F")
P("methylphenidate", "vp_f_l", 252, "L", 438)
P("methylphenidate", "q_f_l_per_h", 70.1, "L/h", 438)
P("methylphenidate", "cl_f_l_per_h", 10.1 * WEIGHT_KG, "L/h", 269, "primary", 0, notes="racemate 10.1 L/h/kg (Wargin 1983); not used")
D("methylphenidate", "fu", 0.85, "fraction", 442, "fu = 1 - 0.15 (Ritalin label PB ~15%)")
HL("methylphenidate", 2.1, 442, status="secondary")

# --- nortriptyline
M("nortriptyline")
P("nortriptyline", "cl_f_l_per_h", 60, "L/h", 412, "derived", 1, notes="systemic CL 30.6 L/h / F 0.51")
D("nortriptyline", "v_f_l", 1633 / 0.51, "L", 280, f"V/F = Vd(beta) 1633 L ({S(280)[0]}) / F 0.51 ({S(278)[0]})")
HL("nortriptyline", 25.5, 283)
KA("nortriptyline", 5.5, 60, 1633 / 0.51, 279, S(412)[0], "derived")
FU("nortriptyline", 93, 282)
P("nortriptyline", "f", 0.51, "fraction", 278)

# --- desipramine
M("desipramine")
P("desipramine", "cl_f_l_per_h", 84, "L/h", 415, "derived", 1, notes="median of 11 single-dose cohorts (EM)")
P("desipramine", "cl_f_l_per_h", 75, "L/h", 414, "derived", 0, notes="Brosen 1993 EM; not used")
HL("desipramine", 21.5, 413, status="derived", note="EM IV t1/2 21-22 h (NCA)")
D("desipramine", "v_f_l", 84 * 21.5 / LN2, "L", 415,
  f"V/F = CL/F * t1/2 / ln2 = 84 L/h ({S(415)[0]}) * 21.5 h ({S(413)[0]}) / ln2")
KA("desipramine", 6.0, 84, 84 * 21.5 / LN2, 415, S(415)[0], "derived", note="tmax 4-8.4 h over the 11 cohorts, midpoint ~6 h")
FU("desipramine", 91, 301, note="90-92% midpoint")
D("desipramine", "fm.CYP2D6", 1 - 11.2 / 54.5, "fraction", 413,
  f"fm = 1 - CL_PM/CL_EM = 1 - 11.2/54.5 (IV systemic clearances, {S(413)[0]})",
  notes="oral AUC ratios give 0.78-0.86 (1-1/ratio, Table S13)")
D("desipramine", "fm.CYP2D6", 1 - 1 / 4.55, "fraction", 417,
  f"fm = 1 - 1/ratio, PM/NM AUC ratio 4.45-4.64 ({S(417)[0]})", used=0)

# --- amitriptyline
M("amitriptyline")
P("amitriptyline", "cl_f_l_per_h", 135, "L/h", 309, "derived", 1,
  notes="CL/F at CYP2D6 AS2 derived from 2.25 L/min (PMC8175851 Table 3, shared pk_NOTES)")
P("amitriptyline", "v_f_l", 3768, "L", 309, notes="Vz/F, AS2 group")
HL("amitriptyline", 20, 317, status="secondary")
P("amitriptyline", "ka_per_h", ka_from_tmax(3.4, 135 / 3768), "1/h", 310, "derived", 1,
  derivation=f"ka from tmax=3.4 h (AS2 group, {S(310)[0]}) solving tmax=ln(ka/k)/(ka-k), k=135/3768 1/h")
FU("amitriptyline", 95.5, 316)
P("amitriptyline", "f", 0.527, "fraction", 313, "secondary")

# --- imipramine
M("imipramine")
P("imipramine", "cl_f_l_per_h", 163, "L/h", 421, "derived", 1, notes="50 mg / oral AUC 306 ng*h/mL (Abernethy 1984)")
D("imipramine", "v_f_l", 19.8 * WEIGHT_KG / 0.402, "L", 419,
  f"V/F = 19.8 L/kg x 70 kg ({S(419)[0]}) / F 0.402 ({S(420)[0]})")
HL("imipramine", 15.5, 419)
P("imipramine", "fu", 0.165, "fraction", 419, notes="unbound 16.5% (control state)")
P("imipramine", "f", 0.402, "fraction", 420)

# --- clomipramine
M("clomipramine")
P("clomipramine", "v_f_l", 14.5 * WEIGHT_KG, "L", 424, "secondary", 1, notes="12-17 L/kg midpoint x 70 kg")
HL("clomipramine", 28, 343, status="secondary", note="19-37 h midpoint")
D("clomipramine", "cl_f_l_per_h", LN2 * 14.5 * WEIGHT_KG / 28, "L/h", 424,
  f"CL/F = ln2 * V/F / t1/2 = ln2 * 1015 L ({S(424)[0]}) / 28 h ({S(343)[0]})")
KA("clomipramine", 4.83, LN2 * 1015 / 28, 1015, 425, "derived", S(424)[0], note="25 mg coated tablet tmax 4.83 h")
FU("clomipramine", 97, 342, note="96-98% midpoint")
D("clomipramine", "fm.CYP2D6", 0.5, "fraction", 349, f"fm = 1 - 1/ratio, single-dose PM/EM ~2 ({S(349)[0]})")
HL("desmethylclomipramine", 65.5, 350, status="secondary", note="54-77 h midpoint")

# --- modafinil (2-cmt popPK)
M("modafinil", "2cmt", 443)
P("modafinil", "ka_per_h", 0.755, "1/h", 443)
P("modafinil", "cl_f_l_per_h", 3.51, "L/h", 443, notes="male")
P("modafinil", "v_f_l", 7.74, "L", 443, notes="V1/F")
P("modafinil", "q_f_l_per_h", 7.02, "L/h", 443, notes="male")
P("modafinil", "vp_f_l", 35.0, "L", 443, notes="V2/F male")
P("modafinil", "cl_f_l_per_h", 3.0, "L/h", 351, "primary", 0, notes="Wong 1999 ~50 mL/min; not used")
HL("modafinil", 15, 353)
HL("armodafinil", 15, 360)

# --- d-amphetamine
M("d-amphetamine")
P("d-amphetamine", "cl_f_l_per_h", 18.4, "L/h", 447, "primary", 1,
  notes="transdermal popPK CL/F at 70 kg (CL plausible; V/F and ka of the patch model not used)")
HL("d-amphetamine", 12, 370)
D("d-amphetamine", "v_f_l", 18.4 * 12 / LN2, "L", 447,
  f"V/F = CL/F * t1/2 / ln2 = 18.4 L/h ({S(447)[0]}) * 12 h ({S(370)[0]}) / ln2")
KA("d-amphetamine", 3.0, 18.4, 18.4 * 12 / LN2, 369, S(447)[0], "derived", note="IR tablets tmax ~3 h")
FU("d-amphetamine", 27.5, 364, note="15-40% bound midpoint")

# ------------------------------------------------------------------------------------------
# metabolites
MET = []


def MT(parent, met, enzyme, frac, key, status, derivation, notes):
    MET.append([parent, met, enzyme, g(frac), key, status, derivation, notes])


MT("fluoxetine", "norfluoxetine", "", 1.0, S(394)[0], "derived",
   "fraction_formed 1 by convention: norfluoxetine CL/F of Han 2025 is apparent (formation fraction absorbed)",
   "norfluoxetine PK rows are per fluoxetine dose")
MT("venlafaxine", "o-desmethylvenlafaxine", "", 1.0, S(169)[0], "derived",
   "fraction_formed 1 by convention: ODV CL/F 0.4 L/h/kg is measured per venlafaxine dose (fraction absorbed)",
   "CYP2D6 forms ODV; no fm.CYP2D6 for venlafaxine is sourced, so the PM effect on ODV is not modelled")
MT("bupropion", "hydroxybupropion", "", 1.0, S(257)[0], "derived",
   f"fraction_formed 1; hydroxybupropion apparent CL = CL/F(bupropion)/AUC ratio 13 ({S(257)[0]})",
   "CYP2B6 pathway; reproduces the steady-state AUC ratio")
MT("amitriptyline", "nortriptyline", "", 0.88 * 60 / 135, S(423)[0], "derived",
   f"fraction_formed = AUC ratio x CLm/CLp = 0.88 ({S(423)[0]}) x 60 L/h ({S(412)[0]}) / 135 L/h ({S(309)[0]})",
   "single 75 mg AT HCl; CYP2C19 demethylation")
MT("imipramine", "desipramine", "", (152 / 306) * 84 / 163, S(421)[0], "derived",
   f"fraction_formed = AUC ratio x CLm/CLp = (152/306) ({S(421)[0]}) x 84 L/h ({S(415)[0]}) / 163 L/h",
   "single 50 mg oral imipramine; desipramine AUC may be truncated")

# ------------------------------------------------------------------------------------------
# CYP inhibition
cyp = rd("cyp_inhibition.csv")
INH = []
best = {}
for r in cyp:
    mech_txt = r["mechanism"].lower()
    par = r["parameter"]
    k = src(r["source"], r["found_at"])
    if par not in ("Ki", "KI", "kinact", "IC50"):
        INH.append([r["perpetrator"], r["enzyme"], "observation", "", "", "", k, 0,
                    f"[in-vivo read-out, not a constant] {par}={r['value']} {r['unit']}; {r['mechanism']}; {r['notes']}",
                    r["found_at"]])
        continue
    mech = "mechanism_based" if "mechanism" in mech_txt or "time-dependent" in mech_txt else "competitive"
    ki = kii = kin = ""
    val = r["value"]
    note = f"{r['mechanism']}; {r['notes']}".strip("; ")
    if par == "kinact":
        kin = g(float(val) * 60.0)
        note = f"kinact {val} 1/min x 60 = 1/h; " + note
    elif par == "KI":
        kii = val
    else:
        num = re.match(r"[~]?([0-9.]+)", val)
        ki = num.group(1) if num else ""
        if not re.fullmatch(r"[0-9.]+", val):
            note = f"value as found '{val}' ({'lower end' if '-' in val else 'first value'} kept); " + note
        if par == "IC50":
            note = "IC50 (not a Ki); " + note
    INH.append([r["perpetrator"], r["enzyme"], mech, ki, kii, kin, k, 0, note, r["found_at"]])
# used: mechanism-based rows of paroxetine; competitive: prefer dextromethorphan/bufuralol/sparteine Ki
PREF = ("dextromethorphan", "bufuralol", "sparteine")
for i, row in enumerate(INH):
    if row[2] == "mechanism_based":
        row[7] = 1
pick = {}
for i, row in enumerate(INH):
    if row[2] != "competitive" or not row[3]:
        continue
    txt = row[8].lower()
    rank = next((j for j, p in enumerate(PREF) if p in txt), 5 if "ic50" in txt else 4)
    key = (row[0], row[1])
    if key not in pick or rank < pick[key][0]:
        pick[key] = (rank, i)
for rank, i in pick.values():
    INH[i][7] = 1
    INH[i][8] = "[USED: probe rule dextromethorphan > bufuralol > sparteine > other] " + INH[i][8]
# merge the paroxetine CYP2D6 / CYP3A4 KI + kinact rows into one used row each
merged = []
mb = {}
for row in INH:
    if row[2] == "mechanism_based":
        key = (row[0], row[1])
        if key in mb:
            m = mb[key]
            m[4] = m[4] or row[4]
            m[5] = m[5] or row[5]
            if row[6] != m[6]:
                m[8] += f" | kinact source: {row[6]}"
                m[6] = m[6]
            continue
        mb[key] = row
    merged.append(row)
INH = merged

# ------------------------------------------------------------------------------------------
# enzymes, phenotypes, frequencies
ENZ = []
k51 = S(455)[0]
ENZ.append(["CYP2D6", g(LN2 / 51.0), k51, "derived",
            f"kdeg = ln2 / 51 h (hepatic CYP2D6 turnover half-life, OSP/PK-Sim default; {S(454)[0]})"])
PHEN = [
    ["CYP2D6", "PM", "0", "cpic_caudle2020", "activity score 0"],
    ["CYP2D6", "IM", "0.5", "cpic_caudle2020", "activity score 0.25-1.0; representative AS 1.0 -> 0.5"],
    ["CYP2D6", "NM", "1", "cpic_caudle2020", "activity score 1.25-2.25; reference AS 2.0 -> 1"],
    ["CYP2D6", "UM", "1.5", "cpic_caudle2020", "activity score >2.25; representative AS 3.0 -> 1.5"],
]
freq = rd("cyp_phenotype_frequencies.csv")
ANC = {"African American/Afro-Caribbean": "african_american", "American": "american",
       "Central/South Asian": "central_south_asian", "East Asian": "east_asian", "European": "european",
       "Latino": "latino", "Near Eastern": "near_eastern", "Oceanian": "oceanian",
       "Sub-Saharan African": "sub_saharan_african"}
FREQ = []
for r in freq:
    if r["gene"] != "CYP2D6" or r["population"] not in ANC:
        continue
    ph = r["phenotype"]
    if ph not in ("PM", "IM", "NM", "UM"):
        continue
    m = re.search(r"Renormalised excluding indeterminate diplotypes: ([0-9.]+)%", r["notes"])
    if not m:
        continue
    k = src(r["source"], r["found_at"], "secondary", "cpic_cyp2d6_freq_cyrius")
    FREQ.append(["CYP2D6", ANC[r["population"]], ph, g(float(m.group(1)) / 100.0), k,
                 f"renormalised excluding indeterminate diplotypes (raw {r['frequency']})"])

# ------------------------------------------------------------------------------------------
# params (synapse, physiology, variability)
syn = rd("synapse_params.csv")
phy = rd("physiology.csv")
PAR = []


def SP(domain, name, value, unit, rows, line, status="primary", notes=""):
    r = rows[line - 2]
    k = src(r["source"], r["found_at"])
    PAR.append([domain, name, value, unit, k, status, (notes + f" [shared {r['quantity']}: {r['value']} {r['unit']}]").strip(),
                r["found_at"]])


SP("synapse", "basal_da_striatum_nm", "10.2", "nM", syn, 2, notes="rat anterior striatum, no-net-flux")
SP("synapse", "basal_da_nacc_nm", "4.2", "nM", syn, 4, notes="rat nucleus accumbens")
SP("synapse", "basal_5ht_striatum_nm", "2.8", "nM", syn, 7, notes="mouse striatum, zero-net-flux")
SP("synapse", "basal_5ht_frontal_cortex_nm", "1.4", "nM", syn, 8, notes="mouse frontal cortex")
SP("synapse", "basal_da_occipital_to_mpfc_ratio", "0.5", "ratio", syn, 11, notes="rat")
SP("synapse", "dat_km_um", "0.22", "uM", syn, 14, "secondary", "rat striatum (Wu 2001 via code comment)")
SP("synapse", "dat_km_in_vivo_mouse_um", "0.32", "uM", syn, 12)
SP("synapse", "dat_vmax_um_per_s", "3.8", "uM/s", syn, 13, "secondary", "rat dorsal striatum (Wu 2001 via code comment)")
SP("synapse", "dat_vmax_model_um_per_s", "4.1", "uM/s", syn, 15, "secondary", "Dreyer 2010 model value")
SP("synapse", "sert_km_um", "0.06", "uM", syn, 26, "secondary", "model code value (primary not seen)")
SP("synapse", "uptake2_km_um", "0.17", "uM", syn, 27, "secondary", "model code value")
SP("synapse", "vmat_km_um", "0.2", "uM", syn, 29, "secondary", "model code value")
SP("synapse", "da_diffusion_cm2_per_s", "4e-06", "cm2/s", syn, 19, "secondary")
SP("synapse", "ecs_volume_fraction", "0.21", "fraction", syn, 20, "secondary")
SP("synapse", "evoked_ne_peak_lc_um", "0.31", "uM", syn, 24, notes="rat LC slices")
SP("synapse", "net_fraction_cortical_ne_uptake", "0.34", "fraction", syn, 25, notes="34% of cortical synaptosomal NE uptake")
SP("synapse", "lc_tonic_rate_low_hz", "0.1", "Hz", syn, 31)
SP("synapse", "lc_tonic_rate_high_hz", "5.0", "Hz", syn, 31)
SP("synapse", "lc_rate_active_wake_low_hz", "1", "Hz", syn, 32, notes="cat")
SP("synapse", "lc_rate_active_wake_high_hz", "2", "Hz", syn, 32, notes="cat")
SP("synapse", "drn_rate_wake_low_hz", "2", "Hz", syn, 34, notes="cat")
SP("synapse", "drn_rate_wake_high_hz", "3", "Hz", syn, 34, notes="cat")
SP("synapse", "vta_da_rate_hz", "4.25", "Hz", syn, 36, notes="rat bursting cells (LR line)")
SP("synapse", "da_intraburst_low_hz", "14", "Hz", syn, 37)
SP("synapse", "da_intraburst_high_hz", "30", "Hz", syn, 37)
SP("synapse", "ht1a_desensitization_low_d", "14", "d", syn, 42, notes="DRN firing recovery under fluoxetine 14-21 d")
SP("synapse", "ht1a_desensitization_high_d", "21", "d", syn, 42)
SP("synapse", "ht1a_desensitization_onset_d", "3", "d", syn, 43)
SP("synapse", "ht1a_ec50_naive_nm", "10.7", "nM", syn, 44, notes="8-OH-DPAT firing EC50, rat slices")
SP("synapse", "ht1a_ec50_chronic_paroxetine_nm", "46.2", "nM", syn, 44, notes="after 21 d paroxetine")
SP("physiology", "plasma_ne_half_life_min", "2.4", "min", phy, 11)
SP("physiology", "plasma_ne_clearance_l_per_min", "3.07", "L/min", phy, 12, notes="3070 mL/min")
SP("physiology", "plasma_ne_basal_spillover_ug_per_min", "0.7", "ug/min", phy, 13)
SP("physiology", "plasma_ne_threshold_hemodynamic_pg_per_ml", "1800", "pg/mL", phy, 14)
SP("physiology", "plasma_ne_resting_low_pg_per_ml", "150", "pg/mL", phy, 8)
SP("physiology", "plasma_ne_resting_high_pg_per_ml", "500", "pg/mL", phy, 8)
SP("physiology", "ne_clearance_arterial_l_per_min", "1.4", "L/min", phy, 21)
SP("physiology", "ne_clearance_venous_l_per_min", "2.5", "L/min", phy, 21)
SP("physiology", "ne_clearance_per_bsa_l_per_min_m2", "1.33", "L/min/m2", phy, 22)
SP("physiology", "ne_spillover_per_bsa_ug_per_min_m2", "0.27", "ug/min/m2", phy, 23)
SP("physiology", "ne_tracer_half_life_fast_min", "2.0", "min", phy, 24)
SP("physiology", "ne_tracer_half_life_slow_min", "34", "min", phy, 24)
SP("physiology", "ne_infusion_min_effective_ug_per_min", "7.5", "ug/min", phy, 18)


def VAR(name, cv, line, notes=""):
    k, fa = S(line)
    PAR.append(["variability", name, g(cv), "fraction", k, "primary", f"IIV as CV (from popPK) {notes}".strip(), fa])


VAR("sertraline.cl_f_l_per_h", 0.10, 378)
VAR("escitalopram.cl_f_l_per_h", 0.34, 434)
VAR("escitalopram.ka_per_h", 1.48, 433)
VAR("fluoxetine.cl_f_l_per_h", 0.316, 393)
VAR("norfluoxetine.cl_f_l_per_h", 0.209, 394)
VAR("paroxetine.cl_f_l_per_h", 0.402, 387, "(steady-state popPK, Kim 2015)")
VAR("atomoxetine.cl_f_l_per_h", 0.755, 428, "(pediatric popPK)")
VAR("modafinil.cl_f_l_per_h", 0.23, 443)
VAR("modafinil.v_f_l", 0.51, 443, "(V1)")

# ------------------------------------------------------------------------------------------
wr("sources.csv", ["key", "citation", "found_at", "quality"], [[k] + v for k, v in SOURCES.items()])
wr("compounds.csv", ["name", "class", "kind", "parent", "same_as", "mw_g_per_mol", "mw_source", "synonyms", "notes"], COMPOUNDS)
wr("affinities.csv", ["compound", "target", "model_target", "value_nm", "measure", "species", "source", "used", "found_at", "notes"], AFF)
wr("pk.csv", ["compound", "key", "value", "unit", "source", "status", "used", "derivation", "notes", "found_at"], PK)
wr("metabolites.csv", ["parent", "metabolite", "enzyme", "fraction_formed", "source", "status", "derivation", "notes"], MET)
wr("cyp_inhibition.csv", ["perpetrator", "enzyme", "mechanism", "ki_um", "ki_inact_um", "kinact_per_h", "source", "used", "notes", "found_at"], INH)
wr("enzymes.csv", ["enzyme", "kdeg_per_h", "source", "status", "notes"], ENZ)
wr("phenotypes.csv", ["gene", "phenotype", "activity", "source", "notes"], PHEN)
wr("phenotype_frequencies.csv", ["gene", "ancestry", "phenotype", "frequency", "source", "notes"], FREQ)
wr("params.csv", ["domain", "name", "value", "unit", "source", "status", "notes", "found_at"], PAR)
wr("scaling.csv", ["target", "factor", "source", "status", "notes"], [])
print(f"sources {len(SOURCES)} compounds {len(COMPOUNDS)} affinities {len(AFF)} (used {sum(r[7] for r in AFF)}) "
      f"pk {len(PK)} metabolites {len(MET)} inhibition {len(INH)} params {len(PAR)} freq {len(FREQ)}")
