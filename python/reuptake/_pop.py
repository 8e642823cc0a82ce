"""population: a virtual population of a regimen (`reuptake population`) — percentile bands of
concentration and occupancy over time, target attainment, exposure by CYP2D6 phenotype — through
the pop layer (include/reuptake/pop.h) as cli/cmd_population.c, optionally on several threads:
each thread runs its own ru_pop over a whole-block shard (ru_pop_shard) and the summaries are
merged exactly (ru_pop_summary_merge: integer sums), so any thread count gives bitwise the
same numbers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_double, c_int, c_size_t,
                    c_uint64, c_void_p)
from typing import Any, Dict, List, Optional, Sequence, Union

from . import _core as C
from ._lib import RU_NAME_MAX, RU_SOURCE_MAX, RuError, lib

RU_POP_MAX_SUBJECTS = 2000000000  # pop.h
RU_POP_MAX_TARGETS = 8
RU_POP_MAX_CRITERIA = 16
RU_POP_MAX_PERCENTILES = 16


class RuPopCriterion(Structure):
    _fields_ = [("target", c_char * RU_NAME_MAX), ("threshold", c_double), ("at_least", c_int)]


class RuPopConfig(Structure):
    _fields_ = [("seed", c_uint64), ("ancestry", c_char_p), ("times_h", POINTER(c_double)),
                ("nt", c_size_t), ("targets", POINTER(c_char_p)), ("ntargets", c_size_t),
                ("criteria", POINTER(RuPopCriterion)), ("ncriteria", c_size_t),
                ("overrides", POINTER(c_char_p)), ("noverrides", c_size_t),
                ("phenotypes", POINTER(c_char_p)), ("nphenotypes", c_size_t),
                ("cv_cl", c_double), ("cv_v", c_double), ("cv_ka", c_double),
                ("force_general", c_int), ("lanes", c_size_t)]


class RuPopBandInfo(Structure):
    _fields_ = [("name", c_char_p), ("is_target", c_int), ("quantity", c_char_p),
                ("unit", c_char_p), ("resolution", c_double)]


class RuPopExposure(Structure):
    _fields_ = [("n", c_uint64), ("auc_mean", c_double), ("cavg_mean", c_double),
                ("auc_p5", c_double), ("auc_p50", c_double), ("auc_p95", c_double)]


class RuPopVariability(Structure):
    _fields_ = [("compound", c_char * RU_NAME_MAX), ("key", c_char * 32), ("cv", c_double),
                ("source", c_char * RU_SOURCE_MAX), ("sourced", c_int)]


STRUCTS = {"ru_pop_criterion": RuPopCriterion, "ru_pop_config": RuPopConfig,
           "ru_pop_band_info": RuPopBandInfo, "ru_pop_exposure": RuPopExposure,
           "ru_pop_variability": RuPopVariability}

_E = POINTER(RuError)
_P = c_void_p
# the pop.h of the hybrid solver (no fixed compound count; ru_pop_engine): population() is live
# only with that library
AVAILABLE = hasattr(lib.cdll, "ru_pop_engine")
if AVAILABLE:
    for _name, _res, _args in (
            ("ru_pop_config_init", None, [POINTER(RuPopConfig)]),
            ("ru_pop_new", c_int, [_P, _P, POINTER(RuPopConfig), POINTER(c_void_p), _E]),
            ("ru_pop_free", None, [_P]),
            ("ru_pop_ancestries", c_int, [_P, POINTER(c_char * RU_NAME_MAX), c_size_t,
                                          POINTER(c_size_t), _E]),
            ("ru_pop_nt", c_size_t, [_P]), ("ru_pop_times", POINTER(c_double), [_P]),
            ("ru_pop_ancestry", c_char_p, [_P]), ("ru_pop_engine", c_char_p, [_P]),
            ("ru_pop_compound_count", c_size_t, [_P]),
            ("ru_pop_compound_name", c_char_p, [_P, c_size_t]),
            ("ru_pop_band_count", c_size_t, [_P]),
            ("ru_pop_band", c_int, [_P, c_size_t, POINTER(RuPopBandInfo), _E]),
            ("ru_pop_criterion_count", c_size_t, [_P]),
            ("ru_pop_criterion_at", POINTER(RuPopCriterion), [_P, c_size_t]),
            ("ru_pop_criterion_parse", c_int, [c_char_p, POINTER(RuPopCriterion), _E]),
            ("ru_pop_percentiles_parse", c_int, [c_char_p, POINTER(c_double), POINTER(c_size_t),
                                                 _E]),
            ("ru_pop_phenotype_count", c_size_t, [_P]),
            ("ru_pop_phenotype_name", c_char_p, [_P, c_size_t]),
            ("ru_pop_phenotype_frequency", c_double, [_P, c_size_t]),
            ("ru_pop_cyp2c19_count", c_size_t, [_P]),
            ("ru_pop_cyp2c19_name", c_char_p, [_P, c_size_t]),
            ("ru_pop_cyp2c19_frequency", c_double, [_P, c_size_t]),
            ("ru_pop_cyp2c19_activity", c_double, [_P, c_size_t, POINTER(c_int)]),
            ("ru_pop_variability_count", c_size_t, [_P]),
            ("ru_pop_variability_at", POINTER(RuPopVariability), [_P, c_size_t]),
            ("ru_pop_window_h", c_double, [_P]),
            ("ru_pop_covariance_note", c_char_p, []), ("ru_pop_covariate_note", c_char_p, []),
            ("ru_pop_final_note", c_char_p, []),
            ("ru_pop_default_horizon_h", c_double, []),
            ("ru_pop_default_step_h", c_double, [c_double]),
            ("ru_pop_summary_new", c_int, [_P, POINTER(c_void_p), _E]),
            ("ru_pop_summary_free", None, [_P]),
            ("ru_pop_summary_subjects", c_uint64, [_P]),
            ("ru_pop_summary_merge", c_int, [_P, _P, _E]),
            ("ru_pop_summary_equal", c_int, [_P, _P]),
            ("ru_pop_run", c_int, [_P, c_uint64, c_uint64, _P, _P, _P, _P, _E]),
            ("ru_pop_band_percentile", c_double, [_P, _P, c_size_t, c_size_t, c_double]),
            ("ru_pop_attainment", c_double, [_P, _P, c_size_t, c_size_t]),
            ("ru_pop_attainment_final", c_double, [_P, _P, c_size_t]),
            ("ru_pop_exposure_by_phenotype", c_int, [_P, _P, c_size_t, c_size_t,
                                                     POINTER(RuPopExposure), _E]),
            ("ru_pop_shard", None, [c_uint64, c_int, c_int, POINTER(c_uint64),
                                    POINTER(c_uint64)])):
        lib.bind(_name, _res, _args)


def _criterion(spec: str) -> RuPopCriterion:
    """The library's one parser of TARGET>=FRACTION (ru_pop_criterion_parse), with the CLI's
    message."""
    out = RuPopCriterion()
    err = C.new_error()
    if lib.ru_pop_criterion_parse(C.enc(spec), byref(out), byref(err)) != 0:
        raise C.usage(f"--target-attainment '{spec}': {C.dec(err.message)}")
    return out


def _percentiles(pct: Sequence[float]) -> List[float]:
    """The library's one parser of the percentile list (ru_pop_percentiles_parse), each value
    written as Python prints it, with the CLI's message."""
    out = (c_double * RU_POP_MAX_PERCENTILES)()
    n = c_size_t(0)
    err = C.new_error()
    spec = ",".join(str(q) for q in pct)
    if lib.ru_pop_percentiles_parse(C.enc(spec), out, byref(n), byref(err)) != 0:
        raise C.usage(f"percentiles: {C.dec(err.message)}")
    return list(out[:n.value])


def ancestries(*, kb: Optional[C.KnowledgeBase] = None) -> List[str]:
    """Ancestries with CYP2D6 frequencies in the knowledge base (`population
    --list-ancestries`), alphabetical."""
    _need()
    k = C.kb_of(kb)
    names = ((c_char * RU_NAME_MAX) * 32)()
    n = c_size_t(0)
    err = C.new_error()
    C.check(lib.ru_pop_ancestries(k.handle, names, 32, byref(n), byref(err)), err)
    return [C.dec(names[i].value) for i in range(min(n.value, 32))]


def _need() -> None:
    if not AVAILABLE:
        raise NotImplementedError(
            "reuptake.population: the loaded libreuptake has the population API before the "
            "hybrid solver (no ru_pop_engine); rebuild the library from a main that has merged "
            "branch 'hybrid'")


def population(regimens: Optional[C.Regimens] = None, *, subjects: int, seed: int = 1,
               ancestry: Optional[str] = None,
               percentiles: Sequence[float] = (5.0, 50.0, 95.0),
               target_attainment: C.Strings = None, targets: C.Strings = None,
               days: C.Hours = None, hours: C.Hours = None, step: C.Hours = None,
               times: Optional[Sequence[Union[float, str]]] = None,
               phenotype: C.Strings = None, set: C.Overrides = None,
               data: Optional[str] = None, data_map: Optional[str] = None, threads: int = 1,
               kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """A virtual population of the regimen (`reuptake population`): ``subjects`` subjects with
    log-normal IIV and CYP2D6 (and CYP2C19) phenotypes drawn for ``ancestry`` from counter-based
    streams of ``seed``. Returns the CLI's JSON keys; ``bands`` is a table (band, is_target,
    quantity, unit, time_h, one column per percentile 'p5', 'p50', 'p95'), ``attainment`` a
    table (target, comparison, threshold, time_h, probability) with the end-window values in
    ``attainment_final``, ``by_phenotype``, ``variability`` and ``cyp2c19`` tables.
    target_attainment: 'SERT>=0.8' (or a list; default each banded transporter >= 0.8);
    targets: the occupancy bands (default the transporters a compound binds). Default grid:
    hourly over 28 days. ``threads`` > 1 runs shards on several threads: the same numbers."""
    _need()
    if isinstance(subjects, bool) or not isinstance(subjects, int) or not (
            1 <= subjects <= RU_POP_MAX_SUBJECTS):
        raise C.usage(f"--subjects '{subjects}': expected a whole number from 1 to "
                      f"{RU_POP_MAX_SUBJECTS}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2 ** 64:
        raise C.usage(f"--seed '{seed}': expected a whole number >= 0")
    if not isinstance(threads, int) or threads < 1:
        raise C.usage("threads: expected a whole number >= 1")
    pct = _percentiles(percentiles)
    crit = [_criterion(s) for s in C.as_list(target_attainment, "target_attainment")]
    if len(crit) > RU_POP_MAX_CRITERIA:
        raise C.usage(f"at most {RU_POP_MAX_CRITERIA} --target-attainment options")
    phen = C.phenotype_list(phenotype)
    for p in phen:
        if "CYP2D6" in p or "cyp2d6" in p:
            raise C.usage(f"--phenotype {p}: CYP2D6 is drawn per subject from --ancestry "
                          "frequencies in a population")
    ov = C.override_list(set)
    if ancestry is not None and ancestry == "":
        raise C.usage("--ancestry needs a name")
    k = C.kb_of(kb)
    # time grid: the library's default for a population (hourly, coarser for long horizons)
    default_h = lib.ru_pop_default_horizon_h()
    if step is None and times is None:
        horizon = (C.parse_hours(hours, "hours") if hours is not None else
                   (C.parse_hours(days, "days", "d") if days is not None else default_h))
        step = lib.ru_pop_default_step_h(horizon)
    t = C.time_grid(days, hours, step, list(times) if times is not None else None,
                    default_h / 24.0)
    tlist = C.target_list(targets, "all") if targets is not None else []
    if len(tlist) > RU_POP_MAX_TARGETS:
        tlist = tlist[:RU_POP_MAX_TARGETS]  # the CLI keeps the first RU_POP_MAX_TARGETS too
    tarr, tkeep = C.cstr_array(tlist)
    oarr, okeep = C.cstr_array(ov)
    parr, pkeep = C.cstr_array(phen)
    times_c = C.doubles(len(t))
    times_c[:len(t)] = t
    crit_c = (RuPopCriterion * max(1, len(crit)))(*crit)
    cfg = RuPopConfig()
    lib.ru_pop_config_init(byref(cfg))
    cfg.seed = seed
    cfg.ancestry = C.enc(ancestry) if ancestry is not None else None
    cfg.times_h, cfg.nt = times_c, len(t)
    if tlist:
        cfg.targets, cfg.ntargets = tarr, len(tlist)
    if crit:
        cfg.criteria, cfg.ncriteria = crit_c, len(crit)
    cfg.overrides, cfg.noverrides = oarr, len(okeep)
    cfg.phenotypes, cfg.nphenotypes = parr, len(pkeep)
    with C.build_regimen(C.regimen_list(regimens), data, data_map, "population") as r:
        pops = [C.Handle(lib.ru_pop_free) for _ in range(threads)]
        sums = [C.Handle(lib.ru_pop_summary_free) for _ in range(threads)]
        try:
            for p, s in zip(pops, sums):
                err = C.new_error()
                C.check(lib.ru_pop_new(k.handle, r.h, byref(cfg), byref(p.h), byref(err)), err)
                C.check(lib.ru_pop_summary_new(p.h, byref(s.h), byref(err)), err)

            def run(rank: int) -> None:
                first, count = c_uint64(0), c_uint64(0)
                lib.ru_pop_shard(subjects, rank, threads, byref(first), byref(count))
                e = C.new_error()
                C.check(lib.ru_pop_run(pops[rank].h, first, count, sums[rank].h, None, None,
                                       None, byref(e)), e)

            if threads == 1:
                run(0)
            else:
                with ThreadPoolExecutor(max_workers=threads) as pool:
                    list(pool.map(run, range(threads)))
            for s in sums[1:]:
                err = C.new_error()
                C.check(lib.ru_pop_summary_merge(sums[0].h, s.h, byref(err)), err)
            return _result(k, pops[0].h, sums[0].h, seed, pct)
        finally:
            for h in sums + pops:
                h.close()


def _result(k: C.KnowledgeBase, p: c_void_p, s: c_void_p, seed: int,
            pct: List[float]) -> Dict[str, Any]:
    nt = lib.ru_pop_nt(p)
    tp = lib.ru_pop_times(p)
    t = [tp[j] for j in range(nt)]
    keys = ["p%g" % q for q in pct]
    bands: Dict[str, List[Any]] = {c: [] for c in ("band", "is_target", "quantity", "unit",
                                                   "resolution", "time_h", *keys)}
    for b in range(lib.ru_pop_band_count(p)):
        bi = RuPopBandInfo()
        err = C.new_error()
        C.check(lib.ru_pop_band(p, b, byref(bi), byref(err)), err)
        for j in range(nt):
            bands["band"].append(C.dec(bi.name))
            bands["is_target"].append(bool(bi.is_target))
            bands["quantity"].append(C.dec(bi.quantity))
            bands["unit"].append(C.dec(bi.unit))
            bands["resolution"].append(bi.resolution)
            bands["time_h"].append(t[j])
            for q, key in zip(pct, keys):
                bands[key].append(lib.ru_pop_band_percentile(p, s, b, j, q))
    att: Dict[str, List[Any]] = {c: [] for c in ("target", "comparison", "threshold", "time_h",
                                                 "probability")}
    final: Dict[str, List[Any]] = {c: [] for c in ("target", "comparison", "threshold",
                                                   "final")}
    for c in range(lib.ru_pop_criterion_count(p)):
        cr = lib.ru_pop_criterion_at(p, c).contents
        name, cmp_ = C.dec(cr.target), ">=" if cr.at_least else "<="
        for j in range(nt):
            att["target"].append(name)
            att["comparison"].append(cmp_)
            att["threshold"].append(cr.threshold)
            att["time_h"].append(t[j])
            att["probability"].append(lib.ru_pop_attainment(p, s, c, j))
        final["target"].append(name)
        final["comparison"].append(cmp_)
        final["threshold"].append(cr.threshold)
        final["final"].append(lib.ru_pop_attainment_final(p, s, c))
    byp: Dict[str, List[Any]] = {c: [] for c in ("phenotype", "gene", "frequency", "compound",
                                                 "n", "auc_mean", "auc_p5", "auc_p50",
                                                 "auc_p95", "cavg_mean")}
    for g in range(lib.ru_pop_phenotype_count(p)):
        for i in range(lib.ru_pop_compound_count(p)):
            e = RuPopExposure()
            if lib.ru_pop_exposure_by_phenotype(p, s, g, i, byref(e), None) != 0:
                continue
            for key, val in (("phenotype", C.dec(lib.ru_pop_phenotype_name(p, g))),
                             ("gene", "CYP2D6"),
                             ("frequency", lib.ru_pop_phenotype_frequency(p, g)),
                             ("compound", C.dec(lib.ru_pop_compound_name(p, i))),
                             ("n", int(e.n)), ("auc_mean", e.auc_mean), ("auc_p5", e.auc_p5),
                             ("auc_p50", e.auc_p50), ("auc_p95", e.auc_p95),
                             ("cavg_mean", e.cavg_mean)):
                byp[key].append(val)
    var: Dict[str, List[Any]] = {c: [] for c in ("compound", "key", "cv", "source")}
    for i in range(lib.ru_pop_variability_count(p)):
        v = lib.ru_pop_variability_at(p, i).contents
        var["compound"].append(C.dec(v.compound))
        var["key"].append(C.dec(v.key))
        var["cv"].append(v.cv)
        var["source"].append(C.dec(v.source) if v.sourced else "default, not sourced")
    c19: Dict[str, List[Any]] = {c: [] for c in ("phenotype", "frequency", "activity",
                                                 "activity_unsourced_simulated_as_nm")}
    for h in range(lib.ru_pop_cyp2c19_count(p)):
        as_nm = c_int(0)
        act = lib.ru_pop_cyp2c19_activity(p, h, byref(as_nm))
        c19["phenotype"].append(C.dec(lib.ru_pop_cyp2c19_name(p, h)))
        c19["frequency"].append(lib.ru_pop_cyp2c19_frequency(p, h))
        c19["activity"].append(act)
        c19["activity_unsourced_simulated_as_nm"].append(bool(as_nm.value))
    try:
        avail = ancestries(kb=k)
    except C.Error:
        avail = []
    return {
        "subjects": int(lib.ru_pop_summary_subjects(s)),
        "seed": seed,
        "ancestry": C.dec(lib.ru_pop_ancestry(p)),
        "ancestries_available": avail,
        "cyp2c19": C.table(c19, numeric=("frequency", "activity")),
        "engine": C.dec(lib.ru_pop_engine(p)),
        "time_h": C.to_array(t),
        "bands": C.table(bands, numeric=("resolution", "time_h", *keys)),
        "attainment": C.table(att, numeric=("threshold", "time_h", "probability")),
        "attainment_final": C.table(final, numeric=("threshold", "final")),
        "attainment_final_definition": C.dec(lib.ru_pop_final_note()),
        "window_h": lib.ru_pop_window_h(p),
        "by_phenotype": C.table(byp, numeric=("frequency", "auc_mean", "auc_p5", "auc_p50",
                                              "auc_p95", "cavg_mean")),
        "variability": C.table(var, numeric=("cv",)),
        "covariance": C.dec(lib.ru_pop_covariance_note()),
        "covariates": C.dec(lib.ru_pop_covariate_note()),
    }
