"""interact: a victim regimen with vs without perpetrator regimens (`reuptake interact`), through
ru_ddi_interaction, ru_ddi_onset_offset and the mechanisms of the simulation with the
perpetrators (ru_ddi_build), as cli/cmd_interact.c."""

from __future__ import annotations

import math
from ctypes import byref
from typing import Any, Dict, Optional

from . import _core as C
from ._lib import RuDdiOnset, RuDdiOptions, RuDdiResult, lib


def interact(victim: str, with_: C.Regimens = (), *, phenotype: C.Strings = None,
             set: C.Overrides = None, stop_after: C.Hours = None,
             kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """The victim's exposure with vs without the perpetrators (``with_``: one regimen or a
    list), as dynamics: AUC and Cmax ratios at the victim's steady state (or after a single
    victim dose given once the perpetrators are at steady state), the mechanisms acting, why
    each victim pathway is or is not inhibited (``pathways`` table), the ratios of the victim's
    metabolites (``metabolites`` table), and the time to reach 90 % of the effect and, with
    ``stop_after`` ('14d', or hours), to lose 90 % of it. Keys as the CLI's JSON."""
    if not isinstance(victim, str):
        raise TypeError("victim: expected one regimen string")
    perps = C.regimen_list(with_)
    if not perps:
        raise C.usage("no perpetrator (give with_=REGIMEN)")
    stop = C.parse_hours(stop_after, "stop_after") if stop_after is not None else math.nan
    k = C.kb_of(kb)
    parr, pkeep = C.cstr_array(C.phenotype_list(phenotype))
    oarr, okeep = C.cstr_array(C.override_list(set))
    warr, wkeep = C.cstr_array(perps)
    opt = RuDdiOptions(parr, len(pkeep), oarr, len(okeep), stop)
    v = C.enc(victim)
    res = RuDdiResult()
    on = RuDdiOnset(math.nan, math.nan, math.nan)
    err = C.new_error()
    C.check(lib.ru_ddi_interaction(k.handle, v, warr, len(wkeep), byref(opt), byref(res),
                                   byref(err)), err)
    with C.Handle(lib.ru_sim_free) as with_sim:
        C.check(lib.ru_ddi_build(k.handle, v, warr, len(wkeep), byref(opt), 1, res.shift_h,
                                 byref(with_sim.h), byref(err)), err)
        C.check(lib.ru_ddi_onset_offset(k.handle, v, warr, len(wkeep), byref(opt), byref(res),
                                        byref(on), byref(err)), err)
        mechanisms = C.mechanisms_of(with_sim)
    pathways: Dict[str, list] = {k2: [] for k2 in ("pathway", "fm", "perpetrator", "reason",
                                                   "strength", "text")}
    for i in range(res.nexplain):
        x = res.explain[i]
        pathways["pathway"].append(C.dec(x.pathway))
        pathways["fm"].append(x.fm)
        pathways["perpetrator"].append(C.dec(x.perpetrator) or None)
        pathways["reason"].append(C.dec(lib.ru_ddi_reason_name(x.reason)))
        pathways["strength"].append(x.strength)
        pathways["text"].append(C.dec(x.text))
    mets: Dict[str, list] = {"compound": [], "auc_ratio": [], "cmax_ratio": []}
    for i in range(res.nmetabolites):
        m = res.metabolites[i]
        mets["compound"].append(C.dec(m.compound))
        mets["auc_ratio"].append(m.auc_ratio)
        mets["cmax_ratio"].append(m.cmax_ratio)
    out: Dict[str, Any] = {
        "victim": C.dec(res.victim),
        "basis": ("single victim dose, perpetrators at steady state" if res.single_dose
                  else "victim at steady state"),
        "auc_ratio": res.auc_ratio,
        "cmax_ratio": res.cmax_ratio,
        "mechanisms": mechanisms,
        "pathways": C.table(pathways, numeric=("fm", "strength")),
        "metabolites": C.table(mets, numeric=("auc_ratio", "cmax_ratio")),
        "victim_exposure": {
            "without": {"auc_ng_h_per_ml": res.without.auc_ng_h_per_ml,
                        "cmax_ng_per_ml": res.without.cmax_ng_per_ml},
            "with": {"auc_ng_h_per_ml": res.with_.auc_ng_h_per_ml,
                     "cmax_ng_per_ml": res.with_.cmax_ng_per_ml}},
        "clearance_multiplier": on.clearance_multiplier,
        "time_to_90pct_effect_h": on.time_to_90pct_effect_h,
    }
    if math.isfinite(stop):
        out["stop_after_h"] = stop
        out["time_to_lose_90pct_effect_h"] = on.time_to_lose_90pct_effect_h
    return out
