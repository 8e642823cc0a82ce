"""simulate, exposure, occupancy and dose_response: one subject's time course, steady-state
exposure and target occupancy, as `reuptake simulate|exposure|occupancy` compute them (the
same library calls in the same order, so the numbers are identical to the CLI's JSON)."""

from __future__ import annotations

from ctypes import byref, c_double, c_int
from typing import Any, Dict, List, Mapping, Optional, Sequence, Union

from . import _core as C
from ._lib import RuExposure, RuPdDoseOptions, RuPdSummary, lib

_DISPLAY_TARGETS = "SERT,NET,DAT"  # simulate's default: the transporters (cmd_simulate.c)


# --- simulate ------------------------------------------------------------------------------------


def _dataset_times(r: C.Handle) -> List[float]:
    """A dataset subject's output rows: its observation and other records (EVID 0/2), one per
    time (ru_regimen_output_times, as cmd_simulate.c subject_times)."""
    out = C.doubles(lib.ru_regimen_count(r.h) + 1)
    return list(out[:lib.ru_regimen_output_times(r.h, out)])


def _subject(kb: C.KnowledgeBase, r: C.Handle, phenotypes: List[str], overrides: List[str],
             solver: C.Solver, grid: Dict[str, Any], targets: Optional[C.Strings],
             from_data: bool) -> Dict[str, Any]:
    """One subject's series, in the CLI's order: per compound total (and unbound where fu and
    MW exist), then per target the combined occupancy and each compound's share."""
    with C.build_sim(kb, r, phenotypes, overrides, solver) as s:
        given = any(grid[k] is not None for k in ("times", "step", "days", "hours"))
        t: List[float] = _dataset_times(r) if from_data and not given else []
        if not t:
            t = C.time_grid(grid["days"], grid["hours"], grid["step"], grid["times"], 7.0)
        nt = len(t)
        names = C.compounds_of(s)
        nc = len(names)
        times = C.doubles(nt)
        times[:nt] = t
        conc = C.doubles(nc * nt)
        err = C.new_error()
        C.check(lib.ru_sim_run(s.h, times, nt, conc, byref(err)), err)
        series: List[Dict[str, Any]] = []
        for i, name in enumerate(names):
            total = conc[i * nt:(i + 1) * nt]
            series.append({"compound": name, "quantity": "total", "unit": "ng/mL", "target": "",
                           "values": total})
            fu, mw = lib.ru_sim_compound_fu(s.h, i), lib.ru_sim_compound_mw(s.h, i)
            if fu == fu and mw == mw and abs(fu) != float("inf") and abs(mw) != float("inf"):
                series.append({"compound": name, "quantity": "unbound", "unit": "nM",
                               "target": "",
                               "values": [lib.ru_pd_unbound_nm(c, fu, mw) for c in total]})
        tlist = C.target_list(targets, _DISPLAY_TARGETS)
        occ = C.doubles(nt)
        by = C.doubles(nc * nt)
        for target in tlist:
            C.check(lib.ru_pd_occupancy_series(kb.handle, s.h, C.enc(target), conc, nt, occ, by,
                                               byref(err)), err)
            total_occ = occ[:nt]
            if targets is None and max(total_occ) <= 0.0:
                continue  # default view: only the targets some ligand binds
            series.append({"compound": "all", "quantity": "occupancy", "unit": "fraction",
                           "target": target, "values": total_occ})
            if nc > 1:
                for i, name in enumerate(names):
                    share = by[i * nt:(i + 1) * nt]
                    if max(share) <= 0.0:
                        continue
                    series.append({"compound": name, "quantity": "occupancy",
                                   "unit": "fraction", "target": target, "values": share})
        return {"time_h": t, "series": series, "mechanisms": C.mechanisms_of(s),
                "solver": C.solver_name(s)}


def _long(subjects: List[Dict[str, Any]], with_id: bool) -> Any:
    cols: Dict[str, List[Any]] = {"time_h": [], "compound": [], "quantity": [], "unit": [],
                                  "target": [], "value": []}
    if with_id:
        cols = {"id": [], **cols}
    for sub in subjects:
        t = sub["time_h"]
        for ser in sub["series"]:
            n = len(t)
            if with_id:
                cols["id"].extend([sub["id"]] * n)
            cols["time_h"].extend(t)
            for key in ("compound", "quantity", "unit", "target"):
                cols[key].extend([ser[key]] * n)
            cols["value"].extend(ser["values"])
    attrs: Dict[str, Any] = {"mechanisms": subjects[0]["mechanisms"] if subjects else [],
                             "solver": subjects[0]["solver"] if subjects else ""}
    if with_id:
        attrs["subjects"] = {s["id"]: {"mechanisms": s["mechanisms"], "solver": s["solver"]}
                             for s in subjects}
    return C.table(cols, attrs, numeric=("time_h", "value"))


def simulate(regimens: Optional[C.Regimens] = None, *, days: C.Hours = None,
             hours: C.Hours = None, step: C.Hours = None,
             times: Optional[Sequence[Union[float, str]]] = None,
             phenotype: C.Strings = None, set: C.Overrides = None,
             targets: C.Strings = None, solver: str = "auto", tol: Optional[float] = None,
             data: Optional[str] = None, data_map: Optional[str] = None,
             id: Optional[int] = None,
             kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Time course of every compound and metabolite (`reuptake simulate`).

    Returns a tidy long table, one row per (time, series): columns time_h, compound, quantity
    ('total' ng/mL, 'unbound' nM, 'occupancy' fraction), unit, target ('' for
    concentrations; compound 'all' is the combined occupancy of every ligand) and value; a
    dataset with several subjects adds an ``id`` column. ``attrs`` holds the mechanisms acting
    and the solver. ``wide(df)`` gives the CLI's CSV layout.

    days/hours/step/times as the CLI's --days/--hours/--step/--times (numbers in days, hours,
    hours, hours; or texts with a unit such as '36h', '30min'); phenotype 'CYP2D6=PM' (or a
    list); set 'DRUG.KEY=VALUE' (or a list, or a dict); targets 'SERT,NET' or 'all' (default:
    the transporters a compound binds); solver 'auto', 'hybrid' or 'cvode' and tol the hybrid
    solver's defect tolerance (--solver, --tol); data a NONMEM-style CSV
    (with data_map as --data-map); id one subject of the dataset (--id).
    """
    k = C.kb_of(kb)
    phen, ov = C.phenotype_list(phenotype), C.override_list(set)
    force = C.Solver(solver, tol)
    grid = {"days": days, "hours": hours, "step": step,
            "times": list(times) if times is not None else None}
    with C.build_regimen(C.regimen_list(regimens), data, data_map) as r:
        ids = [lib.ru_regimen_id(r.h, i) for i in range(lib.ru_regimen_id_count(r.h))]
        subjects: List[Dict[str, Any]] = []
        err = C.new_error()
        if id is None and len(ids) <= 1:
            sub = _subject(k, r, phen, ov, force, grid, targets, data is not None)
            return _long([sub], False)
        if id is not None:
            if not lib.ru_regimen_has_id(r.h, id):
                raise C.InputError(f"--id {id}: no such subject in the dataset", -3, "not found")
            ids = [id]
        for sid in ids:
            with C.Handle(lib.ru_regimen_free) as one:
                C.check(lib.ru_regimen_subset(r.h, sid, byref(one.h), byref(err)), err)
                sub = _subject(k, one, phen, ov, force, grid, targets, data is not None)
                sub["id"] = sid
                subjects.append(sub)
        return _long(subjects, id is None)


def _series_name(compound: str, quantity: str, target: str) -> str:
    if quantity == "total":
        return f"{compound}_ng_per_ml"
    if quantity == "unbound":
        return f"{compound}_unbound_nM"
    if compound == "all":
        return f"{target}_occupancy"
    return f"{target}_occupancy_{compound}"


def wide(long: Any) -> Any:
    """The wide view of a simulate() table: one row per time, one column per series, named as
    the CLI's CSV header (``paroxetine_ng_per_ml``, ``paroxetine_unbound_nM``,
    ``SERT_occupancy``; a compound's share of a target is ``SERT_occupancy_paroxetine``).
    Several subjects keep an ``id`` column."""
    cols = {k: list(long[k]) for k in long.keys()} if not hasattr(long, "to_dict") else {
        k: list(long[k]) for k in long.columns}
    has_id = "id" in cols
    n = len(cols["time_h"])
    order: List[str] = []
    rows: Dict[Any, Dict[str, float]] = {}
    keys: List[Any] = []
    for j in range(n):
        name = _series_name(cols["compound"][j], cols["quantity"][j], cols["target"][j])
        if name not in order:
            order.append(name)
        key = (cols["id"][j] if has_id else None, cols["time_h"][j])
        if key not in rows:
            rows[key] = {}
            keys.append(key)
        rows[key][name] = cols["value"][j]
    out: Dict[str, List[Any]] = {}
    if has_id:
        out["id"] = [key[0] for key in keys]
    out["time_h"] = [key[1] for key in keys]
    for name in order:
        out[name] = [rows[key].get(name, float("nan")) for key in keys]
    return C.table(out, dict(getattr(long, "attrs", {})), numeric=["time_h", *order])


# --- exposure ------------------------------------------------------------------------------------


def exposure(regimens: Optional[C.Regimens] = None, *, phenotype: C.Strings = None,
             set: C.Overrides = None, solver: str = "auto", tol: Optional[float] = None,
             data: Optional[str] = None, data_map: Optional[str] = None,
             kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Steady-state exposure over the last dosing interval per compound (`reuptake exposure`):
    AUCtau, Cmax, Cmin, Cavg, unbound Cavg (nM), tmax and tau; AUC0-inf, Cmax and tmax after a
    single dose (steady_state False). One row per compound; solver and tol as simulate().
    attrs: mechanisms, solver (the engine used: closed-form, hybrid or cvode)."""
    sv = C.Solver(solver, tol)
    k = C.kb_of(kb)
    with C.build_regimen(C.regimen_list(regimens), data, data_map, "exposure") as r, \
            C.build_sim(k, r, C.phenotype_list(phenotype), C.override_list(set), sv) as s:
        names = C.compounds_of(s)
        e = (RuExposure * max(1, len(names)))()
        err = C.new_error()
        C.check(lib.ru_sim_exposure(s.h, e, byref(err)), err)
        rows = [e[i] for i in range(len(names))]
        cols = {"compound": names,
                "steady_state": [bool(x.steady_state) for x in rows],
                "auc_ng_h_per_ml": [x.auc_ng_h_per_ml for x in rows],
                "cmax_ng_per_ml": [x.cmax_ng_per_ml for x in rows],
                "cmin_ng_per_ml": [x.cmin_ng_per_ml for x in rows],
                "cavg_ng_per_ml": [x.cavg_ng_per_ml for x in rows],
                "unbound_cavg_nM": [x.unbound_cavg_nm for x in rows],
                "tmax_h": [x.tmax_h for x in rows],
                "tau_h": [x.tau_h for x in rows]}
        return C.table(cols, {"mechanisms": C.mechanisms_of(s), "solver": C.solver_name(s)},
                       numeric=[c for c in cols if c not in ("compound", "steady_state")])


# --- occupancy -----------------------------------------------------------------------------------

_BRAIN_NOTE = ("a compound marked kpuu_brain_default has no brain-exposure evidence: the "
               "stated default Kp,uu,brain was used")


def _summaries(rows: Any, n: int, only_bound: bool, basis: str) -> Any:
    """Summaries as a long table: per target one row 'all' (mean, trough, peak, scale) then one
    row per binding compound (its share: mean, the Kp,uu,brain used and whether it is the
    stated default). Frees the shares."""
    cols: Dict[str, List[Any]] = {k: [] for k in (
        "target", "compound", "mean", "trough", "peak", "kpuu_brain", "kpuu_brain_default",
        "scale", "scale_calibrated")}
    nan = float("nan")
    any_default = False
    try:
        for k in range(n):
            row = rows[k]
            if only_bound and row.nshares == 0:
                continue
            target = C.dec(row.target)

            def add(compound: str, mean: float, trough: float, peak: float, kp: float,
                    dflt: Optional[bool]) -> None:
                for key, v in (("target", target), ("compound", compound), ("mean", mean),
                               ("trough", trough), ("peak", peak), ("kpuu_brain", kp),
                               ("kpuu_brain_default", dflt), ("scale", row.scale),
                               ("scale_calibrated", bool(row.scale_calibrated))):
                    cols[key].append(v)

            add("all", row.mean, row.trough, row.peak, nan, None)
            for i in range(row.nshares):
                sh = row.shares[i]
                any_default = any_default or bool(sh.kpuu_is_default)
                add(C.dec(sh.compound), sh.mean, nan, nan, sh.kpuu_brain,
                    bool(sh.kpuu_is_default))
    finally:
        lib.ru_pd_summary_free(rows, n)
    attrs: Dict[str, Any] = {"basis": basis}
    if any_default:
        attrs["brain_exposure_note"] = _BRAIN_NOTE
    return C.table(cols, attrs, numeric=("mean", "trough", "peak", "kpuu_brain", "scale"))


def _conc_items(conc: Union[str, Mapping[str, Any]]) -> List[tuple]:
    if isinstance(conc, str):
        out = []
        for tok in conc.split(","):
            if "=" not in tok or tok.startswith("="):
                raise C.InputError(f"--conc '{tok}': expected DRUG=LEVEL with a unit, e.g. "
                                   "nortriptyline=50ng/mL (at most 16 compounds)", -2,
                                   "cannot parse input")
            name, level = tok.split("=", 1)
            out.append((name, level))
        return out
    return [(k, v if isinstance(v, str) else f"{float(v)!r}ng/mL") for k, v in conc.items()]


def _occupancy_at_levels(k: C.KnowledgeBase, conc: Union[str, Mapping[str, Any]],
                         targets: List[str], overrides: List[str]) -> Any:
    """Occupancy at given total plasma levels (ru_pd_at_levels, as cmd_occupancy.c run_conc)."""
    items = _conc_items(conc)
    if len(items) > 16:
        raise C.InputError("--conc: at most 16 compounds", -2, "cannot parse input")
    err = C.new_error()
    narr, nkeep = C.cstr_array([name for name, _ in items])
    larr, lkeep = C.cstr_array([level for _, level in items])
    oarr, okeep = C.cstr_array(overrides)
    tarr, tkeep = C.cstr_array(targets)
    rows = (RuPdSummary * len(targets))()
    C.check(lib.ru_pd_at_levels(k.handle, narr, larr, len(items), oarr, len(okeep), tarr,
                                len(targets), rows, byref(err)), err)
    return _summaries(rows, len(targets), True, "given total plasma concentrations")


def occupancy(regimens: Optional[C.Regimens] = None, *, target: C.Strings = None,
              phenotype: C.Strings = None, set: C.Overrides = None, solver: str = "auto",
              tol: Optional[float] = None, at: C.Hours = None,
              conc: Union[None, str, Mapping[str, Any]] = None,
              profile: bool = False, data: Optional[str] = None, data_map: Optional[str] = None,
              kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Steady-state occupancy of every target over the last dosing interval (`reuptake
    occupancy`): per target the mean, trough and peak of the combined occupancy (row compound
    'all') and each binding compound's mean share with the Kp,uu,brain it used. Targets nothing
    binds are left out. ``at`` gives the occupancy at a time after the first dose instead;
    ``conc`` ('nortriptyline=50ng/mL,...' or {'nortriptyline': '50ng/mL'}; a bare number is
    ng/mL) at measured total plasma levels; ``profile`` keeps the targets engaged above 50 %
    (mean). target: 'SERT', a list, or 'all' (default); solver and tol as simulate(). attrs:
    basis (and the brain-exposure note when a default Kp,uu was used)."""
    sv = C.Solver(solver, tol)
    k = C.kb_of(kb)
    targets = C.target_list(target, "all")
    ov = C.override_list(set)
    regs = C.regimen_list(regimens)
    if conc is not None:
        if regs or data is not None:
            raise C.usage("conc takes no regimen")
        return _occupancy_at_levels(k, conc, targets, ov)
    at_h = C.parse_hours(at, "at") if at is not None else None
    with C.build_regimen(regs, data, data_map, "occupancy") as r, \
            C.build_sim(k, r, C.phenotype_list(phenotype), ov, sv) as s:
        arr, keep = C.cstr_array(targets)
        n = len(targets)
        rows = (RuPdSummary * n)()
        err = C.new_error()
        if at_h is not None:
            st = lib.ru_pd_at_time(k.handle, s.h, arr, n, at_h, rows, byref(err))
        else:
            st = lib.ru_pd_steady_state(k.handle, s.h, arr, n, rows, byref(err))
        C.check(st, err)
    basis = ("at the given time after the first dose" if at_h is not None
             else "steady state over one dosing interval")
    if profile:
        m = lib.ru_pd_summary_keep_engaged(rows, n)  # the targets engaged at the mean
        return _summaries(rows, m, False, basis)
    return _summaries(rows, n, True, basis)


def dose_response(compound: str, doses: Sequence[Union[float, str]], *,
                  every: Union[float, str] = 24.0, target: C.Strings = None,
                  phenotype: C.Strings = None, set: C.Overrides = None,
                  kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Mean steady-state occupancy at each dose (mg every ``every`` h) and the ED50 of each
    target a compound binds (`reuptake occupancy DRUG --doses ... --every ...`). Long table
    dose_mg, target, mean; attrs: compound, interval_h, ed50_mg {target: mg (NaN when 50 % is
    not reached)}."""
    k = C.kb_of(kb)
    targets = C.target_list(target, "all")
    tau = C.parse_hours(every, "every")
    if not tau > 0.0:
        raise C.usage("every must be > 0")
    mg: List[float] = []
    for d in doses:
        if isinstance(d, str):
            out = c_double()
            err = C.new_error()
            st = lib.ru_units_parse(C.RU_UNIT_MASS, C.enc(d), b"mg", 0.0, byref(out),
                                    byref(err))
            v = out.value if st == 0 else float("nan")
        else:
            v = float(d)
        if not v > 0.0 or v == float("inf"):
            raise C.usage(f"doses: bad dose '{d}' (expected e.g. 10,20,40,80 in mg)")
        mg.append(v)
    if not mg:
        raise C.usage("doses: no doses given")
    err = C.new_error()
    canon = (C.ctypes.c_char * 64)()
    C.check(lib.ru_kb_resolve(k.handle, C.enc(compound), canon, byref(err)), err)
    parr, pkeep = C.cstr_array(C.phenotype_list(phenotype))
    oarr, okeep = C.cstr_array(C.override_list(set))
    opt = RuPdDoseOptions(parr, len(pkeep), oarr, len(okeep))
    cols: Dict[str, List[Any]] = {"dose_mg": [], "target": [], "mean": []}
    tarr, tkeep = C.cstr_array(targets)
    nd, nt = len(mg), len(targets)
    mean, ed50_mg, binds = C.doubles(nd * nt), C.doubles(nt), (c_int * max(1, nt))()
    C.check(lib.ru_pd_dose_response(k.handle, canon.value, (c_double * nd)(*mg), nd, tau, tarr,
                                    nt, byref(opt), mean, binds, ed50_mg, byref(err)), err)
    ed50 = {t: ed50_mg[i] for i, t in enumerate(targets) if binds[i]}
    means = {t: mean[i * nd:(i + 1) * nd] for i, t in enumerate(targets) if binds[i]}
    for j, d in enumerate(mg):
        for t in means:
            cols["dose_mg"].append(d)
            cols["target"].append(t)
            cols["mean"].append(means[t][j])
    return C.table(cols, {"compound": C.dec(canon.value), "interval_h": tau, "ed50_mg": ed50},
                   numeric=("dose_mg", "mean"))
