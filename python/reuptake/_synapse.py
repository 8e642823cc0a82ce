"""synapse and physiology: extracellular NE, DA and 5-HT by brain region with source-nucleus
firing (`reuptake synapse`), and plasma noradrenaline, sympathetic drive and heart rate by
physiological state (`reuptake physiology`), through the public synapse.h and physio.h API in
the order cli/cmd_synapse.c and cli/cmd_physiology.c call it, so the numbers are the CLI's.

The model is the library's, and so are the rules the commands' arguments follow: what a NAME=x
assignment names and how a releaser combines (ru_synapse_hold), the genotypes
(ru_synapse_genotype_expression), the tolerance kept when only one is given
(ru_synapse_get_tolerances), and physiology's drug effect from held inputs, a repeated regimen or
a single dose (ru_physio_evaluate). What this module holds is the argument conventions of the
package (texts, lists or mappings) and the CLI's texts for the same result."""

from __future__ import annotations

import math
from ctypes import byref, c_char, c_double, c_int, c_size_t, c_void_p
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _core as C
from ._lib import RuModelParam, RuPhysioOutcome, RuPhysioValues, lib

NIN = 16                # synapse.h RU_SYN_NINPUTS
NTRANSPORTERS = 3       # RU_SYN_NTRANSPORTERS: NET, DAT, SERT are inputs 0..2
NANALYTES = 3           # RU_SYN_NANALYTES (and nuclei)
NRECEPTORS = 6          # RU_SYN_NRECEPTORS
SOMA_RECEPTOR = (0, 1, 2)  # ru_syn_receptor of LC, VTA, DRN somatodendritic autoreceptors
# ru_syn_hold_kind of each assignment option
_HOLD = {"--occupancy": 0, "--releaser": 1, "--antagonist": 2, "--agonist": 3,
         "--expression": 4}
PHYS_SINGLE_DOSE = 3  # RU_PHYSIO_SINGLE_DOSE

Assignments = Union[None, str, Sequence[str], Mapping[str, Any]]

_REFERENCE = ("fold of the wild-type drug-free steady state (computed); with an expression "
              "scenario the run starts from that genotype's own steady state (fold_at_time_0)")
_PHYS_NOTES = ("one-compartment plasma NE (Vd = CL*t1/2/ln2); NET block lowers clearance "
               "(uptake-1) and changes spillover through two separate paths: peripheral (less "
               "reuptake: more spillover per release) and central (sympathetic drive = LC firing "
               "of the synapse model); heart rate from cardiac junctional NE; null where no "
               "sourced value exists")


# --- names -------------------------------------------------------------------------------------


def _input_parse(name: str) -> Optional[int]:
    t = c_int(0)
    return t.value if lib.ru_synapse_input_parse(C.enc(name), byref(t), None) == 0 else None


def _input_name(t: int) -> str:
    return C.dec(lib.ru_synapse_input_name(t))


def _number(opt: str, text: Any, lo: float, hi: float) -> float:
    """A value as cli_parse_double reads it: a number, in [lo, hi]."""
    if isinstance(text, bool):
        raise TypeError(f"{opt}: expected a number")
    if isinstance(text, (int, float)):
        v, shown = float(text), repr(text)
    elif isinstance(text, str):
        out = c_double()
        if lib.ru_units_parse_double(C.enc(text), byref(out)) != 0:
            raise C.usage(f"{opt}: '{text}' is not a number")
        v, shown = out.value, text
    else:
        raise TypeError(f"{opt}: expected a number, got {type(text).__name__}")
    if not (lo <= v <= hi):  # NaN fails too
        raise C.usage(f"{opt}: {shown} is outside [{lo:g}, {hi:g}]")
    return v


def _pairs(opt: str, spec: Assignments) -> List[Tuple[str, Any]]:
    """NAME=VALUE pairs from 'A=x,B=y' (or a list of such texts) or a mapping."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        return [(str(k), v) for k, v in spec.items()]
    out: List[Tuple[str, Any]] = []
    for text in C.as_list(spec, opt):
        for tok in (t for t in text.split(",") if t):
            if "=" not in tok:
                raise C.usage(f"{opt}: '{tok}' is not NAME=VALUE")
            name, value = tok.split("=", 1)
            out.append((name, value))
    return out


def _assign(opt: str, spec: Assignments, vals: Any) -> None:
    """Occupancies (or expression scales) into the C array vals, each by the library's rule
    (ru_synapse_hold: the name's input(s); a releaser combines at its transporters), checked as
    cmd_synapse.c parse_assignments checks them: the name, then the value."""
    kind = _HOLD[opt]
    err = C.new_error()
    for name, value in _pairs(opt, spec):
        inputs = (c_int * 2)()
        if lib.ru_synapse_hold_target(kind, C.enc(name), inputs, byref(err)) != 0:
            raise C.usage(f"{opt}: {C.dec(err.message)}")
        v = _number(opt, value, 0.0, lib.ru_synapse_hold_max(kind))
        C.check(lib.ru_synapse_hold(kind, C.enc(name), v, vals, byref(err)), err)


def _params(spec: Assignments, command: str) -> List[Tuple[str, float]]:
    """--param NAME=VALUE overrides (a text each, a list, or a mapping), as cmd_synapse.c
    parse_param / cmd_physiology.c parse_opts read them: one assignment per text."""
    usage = ("--param: expected NAME=VALUE (see --params)" +
             (", at most 32" if command == "synapse" else ""))
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        pairs = [(str(k), v) for k, v in spec.items()]
    else:
        pairs = []
        for text in C.as_list(spec, "param"):
            if "=" not in text:
                raise C.usage(usage)
            pairs.append(tuple(text.split("=", 1)))  # type: ignore[arg-type]
    if len(pairs) > 32:  # MAX_PARAM_OVERRIDES of both commands
        raise C.usage(usage)
    out = []
    for name, value in pairs:
        v = _number("--param", value, -1e300, 1e300)
        if not name or len(name) >= 128:
            raise C.usage("--param: bad name" if command == "synapse" else usage)
        out.append((name, v))
    return out


# --- synapse -----------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float:
    """a / b as C computes it, NaN where C gives an infinity or NaN (the CLI's JSON null)."""
    if b == 0.0 or not math.isfinite(a) or not math.isfinite(b):
        return math.nan if b == 0.0 or math.isnan(a) or math.isnan(b) else a / b
    return a / b


def _grid_or_default(days: C.Hours, hours: C.Hours, step: C.Hours,
                     times: Optional[Sequence[Any]], default_days: float) -> List[float]:
    return C.time_grid(days, hours, step, list(times) if times is not None else None,
                       default_days)


def _tolerance(name: str, v: Optional[float], lo: float, hi: float) -> float:
    return math.nan if v is None else _number(name, v, lo, hi)


def synapse(regimens: Optional[C.Regimens] = None, *, occupancy: Assignments = None,
            releaser: Assignments = None, antagonist: Assignments = None,
            agonist: Assignments = None, expression: Assignments = None,
            genotype: Optional[str] = None, region: str = "pfc", param: Assignments = None,
            rtol: Optional[float] = None, atol: Optional[float] = None,
            days: C.Hours = None, hours: C.Hours = None, step: C.Hours = None,
            times: Optional[Sequence[Union[float, str]]] = None,
            phenotype: C.Strings = None, set: C.Overrides = None, solver: str = "auto",
            tol: Optional[float] = None, data: Optional[str] = None,
            data_map: Optional[str] = None,
            kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """Extracellular NE, DA and 5-HT in a brain region as fold of the drug-free baseline, with
    LC, VTA and dorsal raphe firing (`reuptake synapse`), under held inputs or a regimen's
    occupancy time course (ru_synapse_set_inputs_from_sim; held inputs are combined into it).

    Held inputs, as the CLI's options ('NAME=x,NAME=y', a list of such, or a dict), applied in
    this order: ``occupancy`` (NET, DAT, SERT, alpha2, D2, 5-HT1A, 5-HT1B, alpha1, 5-HT2C),
    ``releaser`` (d-amphetamine, l-amphetamine, or a transporter), ``antagonist`` (idazoxan,
    WAY-100635, ... or a receptor), ``agonist`` (clonidine, 8-OH-DPAT, ... or a receptor).
    ``expression`` (NET, DAT, SERT: fold of wild type) or ``genotype`` ('SERT+/-', 'SERT-/-',
    'DAT-overexpression'); ``region`` 'pfc', 'striatum' or 'hippocampus'; ``param`` overrides
    model parameters by KB name (see synapse_params()); rtol/atol the integration tolerances.
    Time grid as simulate() (default 3 h); phenotype, set, solver, tol, data, data_map shape the
    regimen's simulation.

    Returns the CLI's JSON keys: region, time_h, ``series`` (a long table time_h, quantity
    ('fold_of_baseline' of NE/DA/5-HT, 'firing_hz' and 'firing_fold' of LC/VTA/DRN), name,
    unit, value), final, fold_at_time_0, firing (per nucleus: transmitter, baseline_hz,
    final_hz, final_fold, final_autoreceptor_sensitivity, final_soma_fold),
    final_receptor_sensitivity, inputs (held, expression, genotype), reference."""
    held = (c_double * NIN)()
    given = False
    for opt, spec in (("--occupancy", occupancy), ("--releaser", releaser),
                      ("--antagonist", antagonist), ("--agonist", agonist)):
        if spec is not None:
            given = True
            _assign(opt, spec, held)
    expr = (c_double * NTRANSPORTERS)(*([1.0] * NTRANSPORTERS))
    _assign("--expression", expression, expr)
    params = _params(param, "synapse")
    rt = _tolerance("--rtol", rtol, 1e-14, 1e-2)
    at = _tolerance("--atol", atol, 1e-16, 1.0)
    sv = C.Solver(solver, tol)
    regs = C.regimen_list(regimens)
    from_regimen = bool(regs) or data is not None
    if not from_regimen and not given and genotype is None:
        raise C.usage("give a REGIMEN or --occupancy NET=0.9[,SERT=...] (see --help)")
    k = C.kb_of(kb)
    err = C.new_error()
    with C.Handle(lib.ru_synapse_free) as s:
        C.check(lib.ru_synapse_new(k.handle, byref(s.h), byref(err)), err)
        if genotype is not None and lib.ru_synapse_genotype_expression(
                s.h, C.enc(genotype), expr, byref(err)) != 0:
            raise C.usage(f"--genotype: {C.dec(err.message)}")
        r = c_size_t(0)
        C.check(lib.ru_synapse_region_find(s.h, C.enc(region), byref(r), byref(err)), err)
        for t in range(NTRANSPORTERS):
            C.check(lib.ru_synapse_set_expression(s.h, t, expr[t], byref(err)), err)
        for name, v in params:
            C.check(lib.ru_synapse_set_param(s.h, C.enc(name), v, byref(err)), err)
        if math.isfinite(rt) or math.isfinite(at):
            r0, a0 = c_double(), c_double()  # one given: the other keeps the library's
            lib.ru_synapse_get_tolerances(s.h, byref(r0), byref(a0))
            C.check(lib.ru_synapse_set_tolerances(s.h, rt if math.isfinite(rt) else r0.value,
                                                  at if math.isfinite(at) else a0.value,
                                                  byref(err)), err)
        t_list = _grid_or_default(days, hours, step, times,
                                  lib.ru_synapse_acute_h() / 24.0)
        nt = len(t_list)
        tc = C.doubles(nt)
        tc[:nt] = t_list
        held_c = held
        if from_regimen:
            with C.build_regimen(regs, data, data_map, "synapse") as reg, \
                    C.build_sim(k, reg, C.phenotype_list(phenotype), C.override_list(set),
                                sv) as sim:
                st = lib.ru_synapse_set_inputs_from_sim(s.h, k.handle, sim.h, tc, nt, held_c,
                                                        byref(err))
        else:
            st = lib.ru_synapse_set_inputs_constant(s.h, held_c, byref(err))
        C.check(st, err)
        C.check(lib.ru_synapse_run(s.h, tc, nt, byref(err)), err)
        return _synapse_result(s.h, r.value, list(held), list(expr), genotype, from_regimen)


def _synapse_result(s: c_void_p, r: int, held: List[float], expr: List[float],
                    genotype: Optional[str], from_regimen: bool) -> Dict[str, Any]:
    """cmd_synapse.c emit_json's content, the time courses as one long table."""
    nt = lib.ru_synapse_result_count(s)
    t = [lib.ru_synapse_result_time(s, j) for j in range(nt)]
    cols: Dict[str, List[Any]] = {"time_h": [], "quantity": [], "name": [], "unit": [],
                                  "value": []}

    def add(quantity: str, name: str, unit: str, values: List[float]) -> None:
        cols["time_h"].extend(t)
        cols["quantity"].extend([quantity] * nt)
        cols["name"].extend([name] * nt)
        cols["unit"].extend([unit] * nt)
        cols["value"].extend(values)

    final: Dict[str, float] = {}
    basal: Dict[str, float] = {}
    for a in range(NANALYTES):
        name = C.dec(lib.ru_synapse_analyte_name(a))
        fold = [lib.ru_synapse_fold(s, j, r, a) for j in range(nt)]
        add("fold_of_baseline", name, "fold", fold)
        final[name] = fold[-1]
        basal[name] = fold[0]
    firing: Dict[str, Dict[str, Any]] = {}
    for n in range(NANALYTES):
        nucleus = C.dec(lib.ru_synapse_nucleus_name(n))
        hz = [lib.ru_synapse_firing_hz(s, j, n) for j in range(nt)]
        fold = [lib.ru_synapse_firing_fold(s, j, n) for j in range(nt)]
        add("firing_hz", nucleus, "Hz", hz)
        add("firing_fold", nucleus, "fold", fold)
        firing[nucleus] = {
            "transmitter": C.dec(lib.ru_synapse_analyte_name(n)),
            # as the CLI reports it: the rate at time 0 over its fold of the baseline
            "baseline_hz": _ratio(lib.ru_synapse_firing_hz(s, 0, n),
                                  lib.ru_synapse_firing_fold(s, 0, n)),
            "final_hz": hz[-1], "final_fold": fold[-1],
            "final_autoreceptor_sensitivity":
                lib.ru_synapse_sensitivity(s, nt - 1, SOMA_RECEPTOR[n], 0),
            "final_soma_fold": lib.ru_synapse_soma_fold(s, nt - 1, n)}
    sens = {C.dec(lib.ru_synapse_receptor_name(q)): lib.ru_synapse_sensitivity(s, nt - 1, q, r)
            for q in range(NRECEPTORS)}
    inputs: Dict[str, Any] = {
        "occupancy_input": ("regimen (PD occupancy time course)" if from_regimen
                            else "held from time 0"),
        "held": {_input_name(i): held[i] for i in range(NIN)},
        "expression": {_input_name(i): expr[i] for i in range(NTRANSPORTERS)}}
    if genotype is not None:
        inputs["genotype"] = genotype
    return {"region": C.dec(lib.ru_synapse_region_name(s, r)), "time_h": C.to_array(t),
            "series": C.table(cols, numeric=("time_h", "value")), "final": final,
            "firing": firing, "final_receptor_sensitivity": sens, "fold_at_time_0": basal,
            "inputs": inputs, "reference": _REFERENCE}


# --- the parameter tables ------------------------------------------------------------------------


def _param_table(k: C.KnowledgeBase, h: c_void_p, count: Any, at: Any) -> Any:
    """A model's parameters with status and resolved citation (ru_model_param_citation, as
    cli/model_params.c)."""
    cols: Dict[str, List[Any]] = {c: [] for c in ("domain", "name", "value", "unit", "status",
                                                  "source", "citation", "meaning", "optional")}
    for i in range(count(h)):
        p = RuModelParam()
        if at(h, i, byref(p), None) != 0:
            continue
        buf = (c_char * 1024)()
        lib.ru_model_param_citation(k.handle, byref(p), buf, 1024)
        for key, v in (("domain", C.dec(p.domain)), ("name", C.dec(p.name)),
                       ("value", p.value.value), ("unit", C.dec(p.unit)),
                       ("status", C.dec(lib.ru_value_status_name(p.value.status))),
                       ("source", C.dec(p.value.source)), ("citation", C.dec(buf.value)),
                       ("meaning", C.dec(p.meaning)),
                       ("optional", bool(p.optional))):
            cols[key].append(v)
    return C.table(cols, numeric=("value",))


def synapse_params(*, kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Every synapse-model parameter with its value, unit, status, source key, full citation and
    meaning (`reuptake synapse --params`); ``optional``: the mechanism is off when missing."""
    k = C.kb_of(kb)
    err = C.new_error()
    with C.Handle(lib.ru_synapse_free) as s:
        C.check(lib.ru_synapse_new(k.handle, byref(s.h), byref(err)), err)
        return _param_table(k, s.h, lib.ru_synapse_param_count, lib.ru_synapse_param_at)


def physiology_params(*, kb: Optional[C.KnowledgeBase] = None) -> Any:
    """The physiology parameters, as synapse_params() (`reuptake physiology --params`)."""
    k = C.kb_of(kb)
    err = C.new_error()
    with C.Handle(lib.ru_physio_free) as p:
        C.check(lib.ru_physio_new(k.handle, byref(p.h), byref(err)), err)
        return _param_table(k, p.h, lib.ru_physio_param_count, lib.ru_physio_param_at)


# --- physiology ----------------------------------------------------------------------------------


def _values(v: RuPhysioValues) -> Dict[str, float]:
    return {"plasma_ne_pg_per_ml": v.plasma_ne_pg_per_ml, "half_life_min": v.half_life_min,
            "spillover_ug_per_min": v.spillover_ug_per_min,
            "clearance_l_per_min": v.clearance_l_per_min, "heart_rate_bpm": v.heart_rate_bpm,
            "sympathetic_drive_fold": v.sympathetic_drive_fold,
            "cardiac_ne_fold": v.cardiac_ne_fold}


def _net_occupancy(occupancy: Union[None, float, str, Mapping[str, Any]]) -> Optional[float]:
    """cmd_physiology.c parse_net: 'NET=x' (or {'NET': x}, or x); other targets do not act on
    plasma NE and are refused."""
    if occupancy is None:
        return None
    if isinstance(occupancy, (int, float)) and not isinstance(occupancy, bool):
        return _number("--occupancy", occupancy, 0.0, 1.0)
    if isinstance(occupancy, Mapping):
        items = list(occupancy.items())
        if len(items) != 1:
            raise C.usage("--occupancy: expected NET=x")
        name, value = str(items[0][0]), items[0][1]
    elif isinstance(occupancy, str):
        if "=" not in occupancy or occupancy.startswith("=") or occupancy.index("=") >= 32:
            raise C.usage("--occupancy: expected NET=x")
        name, value = occupancy.split("=", 1)
    else:
        raise TypeError("occupancy: expected 'NET=x', {'NET': x} or a number")
    if _input_parse(name) != 0:  # RU_SYN_NET
        raise C.usage(f"--occupancy: only NET acts on plasma NE kinetics (got '{name}')")
    return _number("--occupancy", value, 0.0, 1.0)


def physiology(regimens: Optional[C.Regimens] = None, *, state: str = "rest_supine",
               occupancy: Union[None, float, str, Mapping[str, Any]] = None,
               param: Assignments = None, phenotype: C.Strings = None,
               set: C.Overrides = None, solver: str = "auto", tol: Optional[float] = None,
               data: Optional[str] = None, data_map: Optional[str] = None,
               kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """Plasma noradrenaline (spillover, clearance, half-life), sympathetic drive and heart rate
    in a physiological ``state`` (rest_supine, seated, standing, tilt, exercise_submax,
    exercise_max, mental_stress, public_speaking, cold_pressor, hypoglycemia), without and with
    NET blockade (`reuptake physiology`): held (``occupancy`` 'NET=0.5', {'NET': 0.5} or 0.5), a
    repeated regimen (mean steady-state inputs over the last dosing interval) or a single dose
    (its 24 h time course, reported at the time of peak NET occupancy). ``param`` overrides
    physiology parameters (physiology_params()).

    Returns the CLI's JSON keys: the with-drug values (plasma_ne_pg_per_ml, half_life_min,
    spillover_ug_per_min, clearance_l_per_min, heart_rate_bpm, sympathetic_drive_fold,
    cardiac_ne_fold), state, net_occupancy, occupancy_input, baseline (the same values without
    drug), plasma_ne_fold, volume_l, clearance_change_sourced, state_source, notes; a single dose
    adds time_of_peak_h and ``time_course`` (a table: time_h, net_occupancy,
    plasma_ne_pg_per_ml, heart_rate_bpm). NaN where no sourced value exists."""
    occ = _net_occupancy(occupancy)
    params = _params(param, "physiology")
    sv = C.Solver(solver, tol)
    err = C.new_error()
    idx = c_size_t(0)
    C.check(lib.ru_physio_state_find(C.enc(state), byref(idx), byref(err)), err)
    k = C.kb_of(kb)
    regs = C.regimen_list(regimens)
    from_regimen = bool(regs) or data is not None
    with C.Handle(lib.ru_physio_free) as p:
        C.check(lib.ru_physio_new(k.handle, byref(p.h), byref(err)), err)
        for name, v in params:
            C.check(lib.ru_physio_set_param(p.h, C.enc(name), v, byref(err)), err)
        held = (c_double * NIN)()
        held[0] = occ if occ is not None else 0.0  # RU_SYN_NET
        res = RuPhysioOutcome()
        if from_regimen:
            with C.build_regimen(regs, data, data_map, "physiology") as reg, \
                    C.build_sim(k, reg, C.phenotype_list(phenotype), C.override_list(set),
                                sv) as sim:
                C.check(lib.ru_physio_evaluate(p.h, k.handle, idx.value, sim.h, held,
                                               byref(res), byref(err)), err)
        else:
            C.check(lib.ru_physio_evaluate(p.h, k.handle, idx.value, None,
                                           held if occ is not None else None, byref(res),
                                           byref(err)), err)
        try:
            out: Dict[str, Any] = _values(res.with_drug)
            out.update({
                "state": C.dec(lib.ru_physio_state_name(idx.value)),
                "net_occupancy": res.drug.net_occupancy,
                "occupancy_input": C.dec(lib.ru_physio_input_text(res.input)),
                "baseline": _values(res.baseline),
                # the library's fold; NaN where it is not finite (the CLI's JSON null)
                "plasma_ne_fold": (res.plasma_ne_fold if math.isfinite(res.plasma_ne_fold)
                                   else math.nan),
                "volume_l": res.with_drug.volume_l,
                "clearance_change_sourced": res.with_drug.clearance_status != 0,  # MISSING
            })
            if res.input == PHYS_SINGLE_DOSE:
                m = res.ncourse
                course = {"time_h": res.course_time_h[:m],
                          "net_occupancy": res.course_net_occupancy[:m],
                          "plasma_ne_pg_per_ml": res.course_plasma_ne_pg_per_ml[:m],
                          "heart_rate_bpm": res.course_heart_rate_bpm[:m]}
                out["time_of_peak_h"] = res.time_of_peak_h
                out["time_course"] = C.table(course, numeric=list(course))
        finally:
            lib.ru_physio_outcome_clear(byref(res))
        src = lib.ru_physio_state_source(p.h, idx.value)
        out["state_source"] = C.dec(src) if src else "missing"
        out["notes"] = _PHYS_NOTES
        return out
