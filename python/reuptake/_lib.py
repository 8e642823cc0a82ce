"""Loads libreuptake and declares the part of its public C API (include/reuptake/*.h) the package
calls, with ctypes (standard library: no compiler, nothing built at import time).

Where the library is looked for, in order (the first that loads wins):
  1. the file named by the environment variable REUPTAKE_LIBRARY (when set, only that file);
  2. libreuptake.so.0 next to this package (a wheel or a copy that carries it);
  3. the installed library recorded by ``make install`` (_install.py: a path relative to this
     package, so a prefix moved with ``cmake --install --prefix DIR`` still works);
  4. ``pkg-config --variable=libdir reuptake`` (PKG_CONFIG_PATH for a non-standard prefix);
  5. the dynamic loader (LD_LIBRARY_PATH, /etc/ld.so.cache).
When none loads, LibraryNotFoundError lists what was tried and why each failed.

Struct layouts mirror the headers field for field; python/tests/test_layout.py checks every
size and offset against the C compiler's (tests/layout.c), so a header change that is not
mirrored here fails the suite instead of corrupting memory.

ctypes releases the GIL for the duration of every foreign call, so simulations started from
several Python threads run in parallel in C (the library keeps no global mutable state: a
simulation is a value; a knowledge-base handle may be shared, kb.h).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
from ctypes import (POINTER, Structure, c_char, c_char_p, c_double, c_int, c_long, c_size_t,
                    c_uint64, c_void_p)
from pathlib import Path
from typing import List, Optional, Tuple

from ._errors import LibraryNotFoundError

LIBRARY_SONAME = "libreuptake.so.0"

# --- sizes from the headers -------------------------------------------------------------------
RU_ERROR_MESSAGE_MAX = 512   # status.h
RU_NAME_MAX = 64             # kb.h
RU_SOURCE_MAX = 64           # kb.h
RU_MAX_METABOLITES = 8       # kb.h (default; the layout test checks it)
RU_DDI_MAX_EXPLAIN = 32      # ddi.h
RU_DDI_EXPLAIN_MAX = 320     # ddi.h
RU_VALIDATE_MAX_PARAMS = 16  # validate.h
RU_PD_STEADY_POINTS = 241    # pd.h
RU_PRODUCT_MAX_COMPONENTS = 4  # kb.h
RU_INCOMPLETE_MAX = 256       # kb.h
RU_PRODUCT_REASON_MAX = RU_NAME_MAX + RU_INCOMPLETE_MAX + 32  # kb.h

# --- locating the library ---------------------------------------------------------------------


def _pkg_config_libdir() -> Tuple[Optional[str], str]:
    try:
        out = subprocess.run(["pkg-config", "--variable=libdir", "reuptake"],
                             capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"pkg-config not runnable ({exc})"
    if out.returncode != 0 or not out.stdout.strip():
        return None, ("pkg-config knows no 'reuptake' (set PKG_CONFIG_PATH to "
                      "PREFIX/lib/pkgconfig)")
    return out.stdout.strip(), ""


def _candidates() -> List[Tuple[str, str]]:
    """(what, path-or-name) in the order they are tried."""
    here = Path(__file__).resolve().parent
    found: List[Tuple[str, str]] = []
    found.append(("next to the package", str(here / LIBRARY_SONAME)))
    try:
        from . import _install  # written by make install
        found.append(("the installed library (make install)",
                      str((here / _install.LIBDIR_RELATIVE / _install.LIBRARY_NAME).resolve())))
    except ImportError:
        pass
    libdir, why = _pkg_config_libdir()
    if libdir:
        found.append(("pkg-config reuptake", str(Path(libdir) / LIBRARY_SONAME)))
    else:
        found.append(("pkg-config reuptake", "!" + why))
    found.append(("the dynamic loader (LD_LIBRARY_PATH, ld.so.cache)", LIBRARY_SONAME))
    return found


def _load() -> ctypes.CDLL:
    tried = []
    env = os.environ.get("REUPTAKE_LIBRARY")
    if env:  # an explicit choice is not second-guessed: it loads or the import fails
        try:
            return ctypes.CDLL(env)
        except OSError as exc:
            raise LibraryNotFoundError(
                f"reuptake: REUPTAKE_LIBRARY={env} cannot be loaded ({exc})") from None
    for what, path in _candidates():
        if path.startswith("!"):
            tried.append(f"{what}: {path[1:]}")
            continue
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{what}: {path} does not exist")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            tried.append(f"{what}: {exc}")
    raise LibraryNotFoundError(
        "reuptake: cannot load the C library " + LIBRARY_SONAME + " (install it with "
        "`make install`, or set REUPTAKE_LIBRARY=/path/to/" + LIBRARY_SONAME + "); tried: "
        + "; ".join(tried))


# --- structs (field for field as in include/reuptake/*.h) -------------------------------------


class RuError(Structure):
    _fields_ = [("code", c_int), ("message", c_char * RU_ERROR_MESSAGE_MAX)]


class RuValue(Structure):
    _fields_ = [("value", c_double), ("source", c_char * RU_SOURCE_MAX), ("status", c_int)]


class RuEvent(Structure):
    _fields_ = [("id", c_long), ("compound", c_char * RU_NAME_MAX), ("time_h", c_double),
                ("amount_mg", c_double), ("rate_mg_per_h", c_double), ("evid", c_int),
                ("ss", c_int), ("ii_h", c_double), ("addl", c_long), ("cmt", c_int),
                ("mdv", c_int), ("has_bioav", c_int), ("bioav", c_double), ("has_lag", c_int),
                ("lag_h", c_double), ("model_rate_mg_per_h", c_double),
                ("model_dur_h", c_double)]


class RuExposure(Structure):
    _fields_ = [("auc_ng_h_per_ml", c_double), ("cmax_ng_per_ml", c_double),
                ("cmin_ng_per_ml", c_double), ("cavg_ng_per_ml", c_double),
                ("tmax_h", c_double), ("tau_h", c_double), ("unbound_cavg_nm", c_double),
                ("steady_state", c_int)]


class RuPdShare(Structure):
    _fields_ = [("compound", c_char * RU_NAME_MAX), ("mean", c_double),
                ("kpuu_brain", c_double), ("kpuu_is_default", c_int)]


class RuPdSummary(Structure):
    _fields_ = [("target", c_char * RU_NAME_MAX), ("mean", c_double), ("trough", c_double),
                ("peak", c_double), ("scale", c_double), ("scale_calibrated", c_int),
                ("nshares", c_size_t), ("shares", POINTER(RuPdShare))]


class RuPdDoseOptions(Structure):
    _fields_ = [("phenotypes", POINTER(c_char_p)), ("nphenotypes", c_size_t),
                ("overrides", POINTER(c_char_p)), ("noverrides", c_size_t)]


# ru_solver (pk.h): an enum, int-sized
RU_SOLVER_AUTO, RU_SOLVER_CVODE, RU_SOLVER_HYBRID = 0, 1, 2
SOLVERS = {"auto": RU_SOLVER_AUTO, "cvode": RU_SOLVER_CVODE, "hybrid": RU_SOLVER_HYBRID}


class RuDdiOptions(Structure):
    _fields_ = [("phenotypes", POINTER(c_char_p)), ("nphenotypes", c_size_t),
                ("overrides", POINTER(c_char_p)), ("noverrides", c_size_t),
                ("stop_after_h", c_double), ("solver", c_int), ("hybrid_tol", c_double)]


class RuDdiExplanation(Structure):
    _fields_ = [("pathway", c_char * RU_NAME_MAX), ("fm", c_double),
                ("perpetrator", c_char * RU_NAME_MAX), ("reason", c_int),
                ("strength", c_double), ("text", c_char * RU_DDI_EXPLAIN_MAX)]


class RuDdiMetabolite(Structure):
    _fields_ = [("compound", c_char * RU_NAME_MAX), ("auc_ratio", c_double),
                ("cmax_ratio", c_double)]


class RuDdiResult(Structure):
    _fields_ = [("victim", c_char * RU_NAME_MAX), ("single_dose", c_int), ("shift_h", c_double),
                ("without", RuExposure), ("with_", RuExposure), ("auc_ratio", c_double),
                ("cmax_ratio", c_double), ("nexplain", c_size_t),
                ("explain", RuDdiExplanation * RU_DDI_MAX_EXPLAIN), ("nmetabolites", c_size_t),
                ("metabolites", RuDdiMetabolite * RU_MAX_METABOLITES)]


class RuDdiCourse(Structure):
    _fields_ = [("effect", c_double), ("onset_90_h", c_double), ("stop_h", c_double),
                ("recovery_50_h", c_double), ("recovery_90_h", c_double),
                ("horizon_h", c_double)]


class RuVrow(Structure):
    _fields_ = [("id", c_char * 64), ("calibration", c_int), ("what", c_char * 256),
                ("quantity", c_char * 64), ("unit", c_char * 24), ("observed", c_double),
                ("observed_low", c_double), ("observed_high", c_double),
                ("predicted", c_double), ("error", c_double), ("within_2x", c_int),
                ("within_1_5x", c_int), ("within_1_25x", c_int), ("right_direction", c_int),
                ("source", c_char * 320), ("note", c_char * 320), ("cv_predicted", c_double),
                ("cv_error", c_double)]


class RuVmetric(Structure):
    _fields_ = [("name", c_char * 64), ("value", c_double), ("n", c_size_t)]


class RuVfold(Structure):
    _fields_ = [("study", c_char * 320), ("nrows", c_size_t), ("nparams", c_size_t),
                ("param", (c_char * 24) * RU_VALIDATE_MAX_PARAMS),
                ("value", c_double * RU_VALIDATE_MAX_PARAMS), ("note", c_char * 200)]


class RuVset(Structure):
    _fields_ = [("set", c_char * 24), ("nrows", c_size_t), ("rows", POINTER(RuVrow)),
                ("nmetrics", c_size_t), ("metrics", RuVmetric * 32),
                ("cross_validated", c_int), ("ncv", c_size_t), ("cv", RuVmetric * 32),
                ("cv_note", c_char * 256), ("nfolds", c_size_t), ("folds", POINTER(RuVfold))]


class RuValidateOptions(Structure):
    _fields_ = [("overrides", POINTER(c_char_p)), ("noverrides", c_size_t),
                ("cross_validate", c_int)]


class RuCalibrationRow(Structure):
    _fields_ = [("id", c_char * 64), ("used", c_int), ("observed_pct", c_double),
                ("observed_low", c_double), ("observed_high", c_double),
                ("predicted_pct", c_double), ("residual_pp", c_double), ("note", c_char * 320)]


class RuCalibration(Structure):
    _fields_ = [("target", c_char * 16), ("factor", c_double), ("nrows", c_size_t),
                ("rows", c_char * 1024), ("rmse_pp", c_double), ("nentries", c_size_t),
                ("entries", POINTER(RuCalibrationRow))]


class RuReleaseParams(Structure):
    _fields_ = [("kind", c_int)] + [(n, RuValue) for n in (
        "tlag_h", "ka_per_h", "k_release_per_h", "ir_fraction", "ir_duration_h", "zo_lag_h",
        "zo_duration_h", "zo_steps", "pulse2_lag_h", "weibull_td_h", "weibull_beta", "f_rel")]


class RuProductComponent(Structure):
    _fields_ = [("compound", c_char * RU_NAME_MAX), ("mg_per_label_mg", RuValue)]


class RuProduct(Structure):
    _fields_ = [("name", c_char * RU_NAME_MAX), ("drug_class", c_char * RU_NAME_MAX),
                ("n_components", c_size_t),
                ("component", RuProductComponent * RU_PRODUCT_MAX_COMPONENTS),
                ("release", RuReleaseParams), ("release_source", c_char * RU_SOURCE_MAX),
                ("usual_dose_mg", RuValue), ("low_dose_mg", RuValue), ("high_dose_mg", RuValue),
                ("interval_h", RuValue), ("incomplete", c_char * RU_PRODUCT_REASON_MAX)]


class RuModelParam(Structure):  # synapse.h
    _fields_ = [("name", c_char_p), ("domain", c_char_p), ("unit", c_char_p),
                ("meaning", c_char_p), ("value", RuValue), ("optional", c_int)]


class RuSynLigand(Structure):  # synapse.h
    _fields_ = [("name", c_char_p), ("kind", c_int), ("input", c_int), ("input2", c_int),
                ("source", c_char_p), ("note", c_char_p)]


class RuPhysioValues(Structure):  # physio.h
    _fields_ = [("plasma_ne_pg_per_ml", c_double), ("half_life_min", c_double),
                ("spillover_ug_per_min", c_double), ("clearance_l_per_min", c_double),
                ("heart_rate_bpm", c_double), ("volume_l", c_double),
                ("sympathetic_drive_fold", c_double), ("cardiac_ne_fold", c_double),
                ("spillover_status", c_int), ("clearance_status", c_int)]


class RuPhysioDrug(Structure):  # physio.h
    _fields_ = [("net_occupancy", c_double), ("central_drive_fold", c_double)]


class RuPhysioOutcome(Structure):  # physio.h
    _fields_ = [("input", c_int), ("drug", RuPhysioDrug), ("baseline", RuPhysioValues),
                ("with_drug", RuPhysioValues), ("plasma_ne_fold", c_double),
                ("time_of_peak_h", c_double), ("ncourse", c_size_t),
                ("course_time_h", POINTER(c_double)),
                ("course_net_occupancy", POINTER(c_double)),
                ("course_plasma_ne_pg_per_ml", POINTER(c_double)),
                ("course_heart_rate_bpm", POINTER(c_double))]


# Structs whose layout tests/layout.c prints (name in C -> ctypes class).
STRUCTS = {
    "ru_error": RuError, "ru_value": RuValue, "ru_event": RuEvent, "ru_exposure": RuExposure,
    "ru_pd_share": RuPdShare, "ru_pd_summary": RuPdSummary,
    "ru_pd_dose_options": RuPdDoseOptions, "ru_ddi_options": RuDdiOptions,
    "ru_ddi_explanation": RuDdiExplanation, "ru_ddi_metabolite": RuDdiMetabolite,
    "ru_ddi_result": RuDdiResult, "ru_ddi_course": RuDdiCourse, "ru_vrow": RuVrow,
    "ru_vmetric": RuVmetric, "ru_vfold": RuVfold, "ru_vset": RuVset,
    "ru_validate_options": RuValidateOptions, "ru_calibration_row": RuCalibrationRow,
    "ru_calibration": RuCalibration, "ru_release_params": RuReleaseParams,
    "ru_product_component": RuProductComponent, "ru_product": RuProduct,
    "ru_model_param": RuModelParam, "ru_syn_ligand": RuSynLigand,
    "ru_physio_values": RuPhysioValues, "ru_physio_drug": RuPhysioDrug,
    "ru_physio_outcome": RuPhysioOutcome,
}

# --- functions ---------------------------------------------------------------------------------

_P = c_void_p            # opaque handles: ru_kb*, ru_sim*, ru_regimen*, ...
_PP = POINTER(c_void_p)  # out-parameters of handles
_ERR = POINTER(RuError)
_DP = POINTER(c_double)
_SZP = POINTER(c_size_t)
_IP = POINTER(c_int)
_CPP = POINTER(c_char_p)
_STR_OUT = POINTER(POINTER(c_char))  # char ** filled by the library, freed with ru_free

_SIGNATURES = {
    # core
    "ru_version": (c_char_p, []),
    "ru_strerror": (c_char_p, [c_int]),
    "ru_status_is_input_error": (c_int, [c_int]),
    "ru_free": (None, [c_void_p]),
    "ru_units_parse": (c_int, [c_int, c_char_p, c_char_p, c_double, _DP, _ERR]),
    # kb
    "ru_kb_open": (c_int, [c_char_p, _PP, _ERR]),
    "ru_kb_free": (None, [_P]),
    "ru_kb_load_user": (c_int, [_P, c_char_p, _ERR]),
    "ru_kb_resolve": (c_int, [_P, c_char_p, c_char * RU_NAME_MAX, _ERR]),
    "ru_kb_compound_count": (c_size_t, [_P]),
    "ru_kb_compound_name": (c_char_p, [_P, c_size_t]),
    "ru_kb_compound_class": (c_char_p, [_P, c_size_t]),
    "ru_kb_search": (c_int, [_P, c_char_p, _SZP, c_size_t, _SZP, _ERR]),
    "ru_kb_compound_json": (c_int, [_P, c_char_p, _STR_OUT, _ERR]),
    "ru_kb_product_json": (c_int, [_P, c_char_p, _STR_OUT, _ERR]),
    "ru_kb_is_product": (c_int, [_P, c_char_p, c_char_p]),
    "ru_kb_product_count": (c_size_t, [_P]),
    "ru_kb_product_at": (c_int, [_P, c_size_t, c_char * RU_NAME_MAX, _ERR]),
    "ru_kb_product": (c_int, [_P, c_char_p, POINTER(RuProduct), _ERR]),
    "ru_kb_products": (c_int, [_P, POINTER(POINTER(RuProduct)), _SZP, _ERR]),
    "ru_release_kind_name": (c_char_p, [c_int]),
    "ru_kb_targets": (_CPP, []),
    "ru_kb_scaling": (c_int, [_P, c_char_p, POINTER(RuValue), _ERR]),
    # regimen
    "ru_regimen_new": (c_int, [_PP, _ERR]),
    "ru_regimen_free": (None, [_P]),
    "ru_regimen_parse": (c_int, [_P, c_char_p, _ERR]),
    "ru_regimen_read_dataset": (c_int, [_P, c_char_p, _ERR]),
    "ru_regimen_set_data_map": (c_int, [_P, c_char_p, _ERR]),
    "ru_regimen_warning_count": (c_size_t, [_P]),
    "ru_regimen_warning": (c_char_p, [_P, c_size_t]),
    "ru_regimen_id_count": (c_size_t, [_P]),
    "ru_regimen_id": (c_long, [_P, c_size_t]),
    "ru_regimen_subset": (c_int, [_P, c_long, _PP, _ERR]),
    "ru_regimen_count": (c_size_t, [_P]),
    "ru_regimen_output_times": (c_size_t, [_P, _DP]),
    "ru_regimen_event": (POINTER(RuEvent), [_P, c_size_t]),
    "ru_regimen_has_id": (c_int, [_P, c_long]),
    # pk
    "ru_sim_new": (c_int, [_P, _PP, _ERR]),
    "ru_sim_free": (None, [_P]),
    "ru_sim_add_regimen": (c_int, [_P, _P, _ERR]),
    "ru_sim_add_compound": (c_int, [_P, c_char_p, _ERR]),
    "ru_sim_set_phenotype": (c_int, [_P, c_char_p, _ERR]),
    "ru_sim_set_override": (c_int, [_P, c_char_p, _ERR]),
    "ru_sim_set_force_ode": (None, [_P, c_int]),
    "ru_sim_set_solver": (None, [_P, c_int]),
    "ru_sim_solver_name": (c_char_p, [_P]),
    "ru_sim_set_hybrid_tolerance": (c_int, [_P, c_double, _ERR]),
    "ru_sim_prepare": (c_int, [_P, _ERR]),
    "ru_sim_compound_count": (c_size_t, [_P]),
    "ru_sim_compound_name": (c_char_p, [_P, c_size_t]),
    "ru_sim_compound_mw": (c_double, [_P, c_size_t]),
    "ru_sim_compound_fu": (c_double, [_P, c_size_t]),
    "ru_sim_compound_index": (c_long, [_P, c_char_p]),
    "ru_sim_is_nonlinear": (c_int, [_P]),
    "ru_sim_mechanisms": (c_char_p, [_P]),
    "ru_sim_run": (c_int, [_P, _DP, c_size_t, _DP, _ERR]),
    "ru_sim_exposure": (c_int, [_P, POINTER(RuExposure), _ERR]),
    # pd
    "ru_pd_unbound_nm": (c_double, [c_double, c_double, c_double]),
    "ru_pd_occupancy_series": (c_int, [_P, _P, c_char_p, _DP, c_size_t, _DP, _DP, _ERR]),
    "ru_pd_summary_free": (None, [POINTER(RuPdSummary), c_size_t]),
    "ru_pd_summary_keep_engaged": (c_size_t, [POINTER(RuPdSummary), c_size_t]),
    "ru_pd_summarise": (c_int, [_P, _P, _CPP, c_size_t, _DP, c_size_t, POINTER(RuPdSummary),
                                _ERR]),
    "ru_pd_steady_state": (c_int, [_P, _P, _CPP, c_size_t, POINTER(RuPdSummary), _ERR]),
    "ru_pd_at_time": (c_int, [_P, _P, _CPP, c_size_t, c_double, POINTER(RuPdSummary), _ERR]),
    "ru_pd_compound_kpuu_brain": (c_int, [_P, c_char_p, POINTER(RuValue), _IP, _ERR]),
    "ru_pd_dose_mean": (c_int, [_P, c_char_p, c_double, c_double, c_char_p,
                                POINTER(RuPdDoseOptions), _DP, _IP, _ERR]),
    "ru_pd_ed50": (c_int, [_P, c_char_p, c_double, c_char_p, POINTER(RuPdDoseOptions), _DP,
                           _ERR]),
    "ru_pd_dose_response": (c_int, [_P, c_char_p, _DP, c_size_t, c_double, _CPP, c_size_t,
                                    POINTER(RuPdDoseOptions), _DP, POINTER(c_int), _DP, _ERR]),
    "ru_pd_at_levels": (c_int, [_P, _CPP, _CPP, c_size_t, _CPP, c_size_t, _CPP, c_size_t,
                                POINTER(RuPdSummary), _ERR]),
    # ddi
    "ru_ddi_build": (c_int, [_P, c_char_p, _CPP, c_size_t, POINTER(RuDdiOptions), c_int,
                             c_double, _PP, _ERR]),
    "ru_ddi_interaction": (c_int, [_P, c_char_p, _CPP, c_size_t, POINTER(RuDdiOptions),
                                   POINTER(RuDdiResult), _ERR]),
    "ru_ddi_time_course": (c_int, [_P, c_char_p, _CPP, c_size_t, POINTER(RuDdiOptions),
                                   c_char_p, POINTER(RuDdiCourse), _ERR]),
    "ru_ddi_reason_name": (c_char_p, [c_int]),
    "ru_sim_longest_interval_h": (c_double, [_P]),
    "ru_sim_default_step_h": (c_double, [c_double]),
    "ru_units_parse_double": (c_int, [c_char_p, _DP]),
    "ru_kb_source": (c_int, [_P, c_char_p, c_char_p, c_size_t, _ERR]),
    "ru_value_status_name": (c_char_p, [c_int]),
    # synapse
    "ru_synapse_analyte_name": (c_char_p, [c_int]),
    "ru_synapse_nucleus_name": (c_char_p, [c_int]),
    "ru_synapse_input_name": (c_char_p, [c_int]),
    "ru_synapse_receptor_name": (c_char_p, [c_int]),
    "ru_synapse_input_parse": (c_int, [c_char_p, _IP, _ERR]),
    "ru_synapse_receptor_parse": (c_int, [c_char_p, _IP, _ERR]),
    "ru_synapse_ligand_find": (POINTER(RuSynLigand), [c_char_p]),
    "ru_synapse_new": (c_int, [_P, _PP, _ERR]),
    "ru_synapse_free": (None, [_P]),
    "ru_synapse_set_tolerances": (c_int, [_P, c_double, c_double, _ERR]),
    "ru_synapse_get_tolerances": (None, [_P, _DP, _DP]),
    "ru_synapse_hold_target": (c_int, [c_int, c_char_p, _IP, _ERR]),
    "ru_synapse_hold_max": (c_double, [c_int]),
    "ru_synapse_acute_h": (c_double, []),
    "ru_synapse_hold": (c_int, [c_int, c_char_p, c_double, _DP, _ERR]),
    "ru_synapse_genotype_expression": (c_int, [_P, c_char_p, _DP, _ERR]),
    "ru_synapse_param_count": (c_size_t, [_P]),
    "ru_synapse_param_at": (c_int, [_P, c_size_t, POINTER(RuModelParam), _ERR]),
    "ru_model_param_citation": (None, [_P, POINTER(RuModelParam), c_char_p, c_size_t]),
    "ru_synapse_set_param": (c_int, [_P, c_char_p, c_double, _ERR]),
    "ru_synapse_get_param": (c_double, [_P, c_char_p]),
    "ru_synapse_region_name": (c_char_p, [_P, c_size_t]),
    "ru_synapse_region_find": (c_int, [_P, c_char_p, _SZP, _ERR]),
    "ru_synapse_set_expression": (c_int, [_P, c_int, c_double, _ERR]),
    "ru_synapse_set_inputs_constant": (c_int, [_P, _DP, _ERR]),
    "ru_synapse_set_inputs_samples": (c_int, [_P, _DP, c_size_t, _DP, _ERR]),
    "ru_synapse_combine_occupancy": (c_double, [c_double, c_double]),
    "ru_synapse_inputs_from_sim": (c_int, [_P, _P, _DP, c_size_t, _DP, _DP, _ERR]),
    "ru_synapse_set_inputs_from_sim": (c_int, [_P, _P, _P, _DP, c_size_t, _DP, _ERR]),
    "ru_synapse_steady_inputs": (c_int, [_P, _P, _DP, _DP, _ERR]),
    "ru_synapse_run": (c_int, [_P, _DP, c_size_t, _ERR]),
    "ru_synapse_result_count": (c_size_t, [_P]),
    "ru_synapse_result_time": (c_double, [_P, c_size_t]),
    "ru_synapse_fold": (c_double, [_P, c_size_t, c_size_t, c_int]),
    "ru_synapse_firing_hz": (c_double, [_P, c_size_t, c_int]),
    "ru_synapse_firing_fold": (c_double, [_P, c_size_t, c_int]),
    "ru_synapse_soma_fold": (c_double, [_P, c_size_t, c_int]),
    "ru_synapse_sensitivity": (c_double, [_P, c_size_t, c_int, c_size_t]),
    # physio
    "ru_physio_new": (c_int, [_P, _PP, _ERR]),
    "ru_physio_free": (None, [_P]),
    "ru_physio_param_count": (c_size_t, [_P]),
    "ru_physio_param_at": (c_int, [_P, c_size_t, POINTER(RuModelParam), _ERR]),
    "ru_physio_input_text": (c_char_p, [c_int]),
    "ru_physio_set_param": (c_int, [_P, c_char_p, c_double, _ERR]),
    "ru_physio_state_name": (c_char_p, [c_size_t]),
    "ru_physio_state_source": (c_char_p, [_P, c_size_t]),
    "ru_physio_state_find": (c_int, [c_char_p, _SZP, _ERR]),
    "ru_physio_steady_state": (c_int, [_P, c_size_t, POINTER(RuPhysioDrug),
                                       POINTER(RuPhysioValues), _ERR]),
    "ru_physio_drug_from_inputs": (c_int, [_P, _DP, c_double, POINTER(RuPhysioDrug), _ERR]),
    "ru_physio_drug_series": (c_int, [_P, _DP, c_size_t, _DP, POINTER(RuPhysioDrug), _ERR]),
    "ru_physio_evaluate": (c_int, [_P, _P, c_size_t, _P, _DP, POINTER(RuPhysioOutcome), _ERR]),
    "ru_physio_outcome_clear": (None, [POINTER(RuPhysioOutcome)]),
    # validate
    "ru_validate_run": (c_int, [_P, c_char_p, c_char_p, POINTER(RuValidateOptions),
                                POINTER(POINTER(RuVset)), _ERR]),
    "ru_vset_free": (None, [POINTER(RuVset)]),
    "ru_validate_calibrate": (c_int, [_P, c_char_p, POINTER(RuValidateOptions),
                                      POINTER(RuCalibration), c_size_t, _SZP, _ERR]),
    "ru_calibration_free": (None, [POINTER(RuCalibration), c_size_t]),
}


class _Lib:
    """The loaded library with typed functions as attributes."""

    def __init__(self) -> None:
        self.cdll = _load()
        for name, sig in _SIGNATURES.items():
            fn = getattr(self.cdll, name)
            fn.restype, fn.argtypes = sig[0], sig[1]
            setattr(self, name, fn)

    def bind(self, name: str, restype, argtypes) -> None:
        """Declares a further function (layers added later: synapse, physiology, population)."""
        fn = getattr(self.cdll, name)
        fn.restype, fn.argtypes = restype, argtypes
        setattr(self, name, fn)


lib = _Lib()

# Re-exported for the other modules of the package.
__all__ = ["lib", "RuError", "RuValue", "RuExposure", "RuPdShare", "RuPdSummary",
           "RuPdDoseOptions", "RuDdiOptions", "RuDdiResult", "RuDdiCourse", "RuVset", "RuVrow",
           "RuValidateOptions", "RuCalibration", "STRUCTS", "c_uint64"]
