"""interact and time_course: a victim regimen with vs without perpetrator regimens (`reuptake
interact`) through ru_ddi_interaction and the mechanisms of the simulation with the perpetrators
(ru_ddi_build), as cli/cmd_interact.c; the interaction over time (onset, and recovery after a
stop) through the library's ru_ddi_time_course."""

from __future__ import annotations

import math
from ctypes import byref
from typing import Any, Dict, Optional

from . import _core as C
from ._lib import RuDdiCourse, RuDdiOptions, RuDdiResult, lib


def _course_dict(c: RuDdiCourse) -> Dict[str, float]:
    return {"effect": c.effect, "onset_90_h": c.onset_90_h, "stop_h": c.stop_h,
            "recovery_50_h": c.recovery_50_h, "recovery_90_h": c.recovery_90_h,
            "horizon_h": c.horizon_h}


def _options(phenotype: C.Strings, set: C.Overrides, stop_after: C.Hours, solver: str,
             tol: Optional[float]):
    """ru_ddi_options as cli/cmd_interact.c fills them (--stop-after in [0, 87600] h, --solver,
    --tol; 0 tolerance: the library's default). The second value keeps the strings alive."""
    sv = C.Solver(solver, tol)
    stop = math.nan
    if stop_after is not None:
        stop = C.parse_hours(stop_after, "--stop-after")
        if not 0.0 <= stop <= 87600.0:  # the CLI's option table
            raise C.usage(f"--stop-after: {stop_after} is outside [0, 87600] h")
    parr, pkeep = C.cstr_array(C.phenotype_list(phenotype))
    oarr, okeep = C.cstr_array(C.override_list(set))
    return (RuDdiOptions(parr, len(pkeep), oarr, len(okeep), stop, sv.code, sv.tol),
            (parr, pkeep, oarr, okeep))


def time_course(with_: C.Regimens, victim: Optional[str] = None, *,
                enzyme: Optional[str] = None, phenotype: C.Strings = None,
                set: C.Overrides = None, stop_after: C.Hours = None, solver: str = "auto",
                tol: Optional[float] = None,
                kb: Optional[C.KnowledgeBase] = None) -> Dict[str, float]:
    """The interaction over time (ru_ddi_time_course): the lost fraction of the victim's
    intrinsic clearance (or, with ``enzyme`` such as 'CYP2D6', of that liver enzyme's, with no
    victim needed) while the perpetrators ``with_`` are given from time 0 and, with
    ``stop_after``, after they stop. Returns effect (at the stop or at steady state, 0..1),
    onset_90_h, stop_h, recovery_50_h and recovery_90_h (from the stop), horizon_h; NaN where it
    does not apply (an effect under 1 % has no onset). solver and tol as interact()."""
    perps = C.regimen_list(with_)
    if not perps:
        raise C.usage("no perpetrator (give with_=REGIMEN)")
    if victim is None and enzyme is None:
        raise C.usage("time_course: give a victim regimen or an enzyme")
    k = C.kb_of(kb)
    opt, keep = _options(phenotype, set, stop_after, solver, tol)
    warr, wkeep = C.cstr_array(perps)
    out = RuDdiCourse()
    err = C.new_error()
    C.check(lib.ru_ddi_time_course(k.handle, C.enc(victim) if victim is not None else None,
                                   warr, len(wkeep), byref(opt),
                                   C.enc(enzyme) if enzyme is not None else None, byref(out),
                                   byref(err)), err)
    return _course_dict(out)


def interact(victim: str, with_: C.Regimens = (), *, phenotype: C.Strings = None,
             set: C.Overrides = None, stop_after: C.Hours = None, solver: str = "auto",
             tol: Optional[float] = None,
             kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """The victim's exposure with vs without the perpetrators (``with_``: one regimen or a
    list), as dynamics: AUC and Cmax ratios at the victim's steady state (or after a single
    victim dose given once the perpetrators are at steady state), the mechanisms acting, why
    each victim pathway is or is not inhibited (``pathways`` table), the ratios of the victim's
    metabolites (``metabolites`` table), and the interaction over time from the library's
    ru_ddi_time_course: ``time_to_90pct_effect_h`` (from the first dose) and, with
    ``stop_after`` ('14d', or hours), ``stop_after_h``, ``time_to_50pct_recovery_h`` and
    ``time_to_90pct_recovery_h`` (from the stop); ``clearance_multiplier`` is 1 - its effect.
    The keys are the CLI's JSON keys, plus ``time_course`` (the whole ru_ddi_course, see
    time_course()). solver 'auto', 'hybrid' or 'cvode' and tol as simulate() (--solver,
    --tol)."""
    if not isinstance(victim, str):
        raise TypeError("victim: expected one regimen string")
    perps = C.regimen_list(with_)
    if not perps:
        raise C.usage("no perpetrator (give with_=REGIMEN)")
    k = C.kb_of(kb)
    opt, keep = _options(phenotype, set, stop_after, solver, tol)
    warr, wkeep = C.cstr_array(perps)
    v = C.enc(victim)
    res = RuDdiResult()
    course = RuDdiCourse()
    err = C.new_error()
    C.check(lib.ru_ddi_interaction(k.handle, v, warr, len(wkeep), byref(opt), byref(res),
                                   byref(err)), err)
    with C.Handle(lib.ru_sim_free) as with_sim:
        C.check(lib.ru_ddi_build(k.handle, v, warr, len(wkeep), byref(opt), 1, res.shift_h,
                                 byref(with_sim.h), byref(err)), err)
        mechanisms = C.mechanisms_of(with_sim)
    C.check(lib.ru_ddi_time_course(k.handle, v, warr, len(wkeep), byref(opt), None,
                                   byref(course), byref(err)), err)
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
        # as cli/cmd_interact.c: the remaining fraction of intrinsic clearance
        "clearance_multiplier": 1.0 - course.effect,
        "time_to_90pct_effect_h": course.onset_90_h,
    }
    if math.isfinite(opt.stop_after_h):  # the CLI writes these only with --stop-after
        out["stop_after_h"] = opt.stop_after_h
        out["time_to_50pct_recovery_h"] = course.recovery_50_h
        out["time_to_90pct_recovery_h"] = course.recovery_90_h
    out.update({
        "mechanisms": mechanisms,
        "pathways": C.table(pathways, numeric=("fm", "strength")),
        "metabolites": C.table(mets, numeric=("auc_ratio", "cmax_ratio")),
        "victim_exposure": {
            "without": {"auc_ng_h_per_ml": res.without.auc_ng_h_per_ml,
                        "cmax_ng_per_ml": res.without.cmax_ng_per_ml},
            "with": {"auc_ng_h_per_ml": res.with_.auc_ng_h_per_ml,
                     "cmax_ng_per_ml": res.with_.cmax_ng_per_ml}},
        "time_course": _course_dict(course),
    })
    return out
