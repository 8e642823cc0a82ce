"""validate and calibrate: published outcomes, observed vs predicted with their sources, summary
metrics, and the fitted in-vitro -> in-vivo scaling (`reuptake validate [--calibrate]`), through
ru_validate_run / ru_validate_calibrate as cli/cmd_validate.c."""

from __future__ import annotations

from ctypes import POINTER, byref, c_size_t
from typing import Any, Dict, List, Optional

from . import _core as C
from ._lib import RuCalibration, RuValidateOptions, RuValue, RuVset, lib

SETS = ("pet", "ddi", "pm", "washout", "microdialysis", "physiology")  # cmd_validate.c
_MAX_CAL = 16  # validate.h RU_VALIDATE_MAX_PARAMS, as the CLI sizes it


def _options(set: C.Overrides, cross_validate: bool):
    arr, keep = C.cstr_array(C.override_list(set))
    return RuValidateOptions(arr, len(keep), 1 if cross_validate else 0), (arr, keep)


def _rows(v: RuVset) -> Any:
    keys = ("id", "calibration", "scenario", "quantity", "unit", "observed", "observed_low",
            "observed_high", "predicted", "error", "right_direction", "within_1.5x",
            "cv_predicted",
            "cv_error", "source", "note")
    cols: Dict[str, List[Any]] = {k: [] for k in keys}
    for i in range(v.nrows):
        r = v.rows[i]
        for k, val in (("id", C.dec(r.id)), ("calibration", bool(r.calibration)),
                       ("scenario", C.dec(r.what)), ("quantity", C.dec(r.quantity)),
                       ("unit", C.dec(r.unit)), ("observed", r.observed),
                       ("observed_low", r.observed_low), ("observed_high", r.observed_high),
                       ("predicted", r.predicted), ("error", r.error),
                       ("right_direction", bool(r.right_direction)),
                       ("within_1.5x", bool(r.within_1_5x)),
                       ("cv_predicted", r.cv_predicted), ("cv_error", r.cv_error),
                       ("source", C.dec(r.source)), ("note", C.dec(r.note))):
            cols[k].append(val)
    return C.table(cols, numeric=("observed", "observed_low", "observed_high", "predicted",
                                  "error", "cv_predicted", "cv_error"))


def _set_dict(v: RuVset) -> Dict[str, Any]:
    metrics: Dict[str, Any] = {C.dec(v.metrics[q].name): v.metrics[q].value
                               for q in range(v.nmetrics)}
    if v.cross_validated or v.cv_note:
        cv: Dict[str, Any] = {C.dec(v.cv[q].name): v.cv[q].value for q in range(v.ncv)}
        if v.cv_note:
            cv["note"] = C.dec(v.cv_note)
        folds = []
        for g in range(v.nfolds):
            f = v.folds[g]
            fold: Dict[str, Any] = {"left_out": C.dec(f.study), "rows": int(f.nrows),
                                    "fitted": {C.dec(f.param[p].value): f.value[p]
                                               for p in range(f.nparams)}}
            if f.note:
                fold["note"] = C.dec(f.note)
            folds.append(fold)
        cv["folds"] = folds
        metrics["cv"] = cv
    return {"set": C.dec(v.set), "n": int(v.nrows), "metrics": metrics, "rows": _rows(v)}


def validate(name: Optional[str] = None, *, data: Optional[str] = None,
             cross_validate: bool = False, set: C.Overrides = None,
             kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """Every published row of one validation set (``name``: 'pet', 'ddi', 'pm', 'washout',
    'microdialysis', 'physiology'; None: all), predicted vs observed with its source, and the
    summary metrics (`reuptake validate --set NAME`). ``data`` runs another table of the same
    columns (needs ``name``); ``cross_validate`` adds the leave-one-study-out refit
    (metrics['cv']); ``set`` are DRUG.KEY=VALUE overrides for every row. Returns
    {'sets': [{'set', 'n', 'metrics', 'rows' (table)}], 'scaling': table of the fitted factors
    in force (target, factor, source)}."""
    if name is not None and name not in SETS:
        raise C.usage(f"validation set '{name}': expected one of {', '.join(SETS)}")
    if data is not None and name is None:
        raise C.usage("data needs name= to say which kind of table it is")
    k = C.kb_of(kb)
    opt, keep = _options(set, cross_validate)
    sets = []
    for s in SETS:
        if name is not None and s != name:
            continue
        out = POINTER(RuVset)()
        err = C.new_error()
        C.check(lib.ru_validate_run(k.handle, C.enc(s),
                                    C.enc(str(data)) if data is not None else None, byref(opt),
                                    byref(out), byref(err)), err)
        try:
            sets.append(_set_dict(out.contents))
        finally:
            lib.ru_vset_free(out)
    return {"sets": sets, "scaling": scaling(kb=k)}


def scaling(kb: Optional[C.KnowledgeBase] = None) -> Any:
    """The in-vitro -> in-vivo Ki scaling factors in force (calibrated targets only): target,
    factor, source (the calibration rows it was fitted on)."""
    k = C.kb_of(kb)
    cols: Dict[str, List[Any]] = {"target": [], "factor": [], "source": []}
    for t in C.known_targets():
        f = RuValue()
        err = C.new_error()
        if lib.ru_kb_scaling(k.handle, C.enc(t), byref(f), byref(err)) != 0 or f.status == 0:
            continue
        cols["target"].append(t)
        cols["factor"].append(f.value)
        cols["source"].append(C.dec(f.source))
    return C.table(cols, numeric=("factor",))


def calibrate(*, data: Optional[str] = None, set: C.Overrides = None,
              kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Refits the scaling factor of each target family on the calibration_pet rows only
    (`reuptake validate --calibrate`): one row per target with factor, rows used, rmse_pp and
    ``residuals`` (a table per target: id, used, observed_pct, observed_low, observed_high,
    predicted_pct, residual_pp, note)."""
    k = C.kb_of(kb)
    opt, keep = _options(set, False)
    cal = (RuCalibration * _MAX_CAL)()
    n = c_size_t(0)
    err = C.new_error()
    C.check(lib.ru_validate_calibrate(k.handle, C.enc(str(data)) if data is not None else None,
                                      byref(opt), cal, _MAX_CAL, byref(n), byref(err)), err)
    cols: Dict[str, List[Any]] = {"target": [], "factor": [], "rows": [], "rmse_pp": [],
                                  "residuals": []}
    try:
        for i in range(n.value):
            c = cal[i]
            res: Dict[str, List[Any]] = {k2: [] for k2 in (
                "id", "used", "observed_pct", "observed_low", "observed_high", "predicted_pct",
                "residual_pp", "note")}
            for e in range(c.nentries):
                r = c.entries[e]
                for k2, val in (("id", C.dec(r.id)), ("used", bool(r.used)),
                                ("observed_pct", r.observed_pct),
                                ("observed_low", r.observed_low),
                                ("observed_high", r.observed_high),
                                ("predicted_pct", r.predicted_pct),
                                ("residual_pp", r.residual_pp), ("note", C.dec(r.note))):
                    res[k2].append(val)
            cols["target"].append(C.dec(c.target))
            cols["factor"].append(c.factor)
            cols["rows"].append(C.dec(c.rows))
            cols["rmse_pp"].append(c.rmse_pp)
            cols["residuals"].append(C.table(res, numeric=(
                "observed_pct", "observed_low", "observed_high", "predicted_pct",
                "residual_pp")))
    finally:
        lib.ru_calibration_free(cal, n.value)
    return C.table(cols, numeric=("factor", "rmse_pp"))
