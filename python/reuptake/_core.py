"""Plumbing shared by the package's functions: status checks that raise reuptake.Error, the
knowledge-base handle, argument normalisation (regimens, phenotypes, --set overrides, times),
building a regimen and a subject simulation exactly as the CLI does (cli/simargs.c), and tables
(pandas DataFrame when pandas is installed, else a reuptake.Table of numpy arrays or lists).

Nothing here computes a model number: every value comes from a library call.
"""

from __future__ import annotations

import ctypes
import math
import threading
from ctypes import byref, c_char_p, c_double, c_void_p
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._errors import Error, InputError, InternalError
from ._lib import SOLVERS, RuError, lib

try:  # optional: plain lists without it
    import numpy as _np
except ImportError:  # pragma: no cover - exercised by the no-numpy test run
    _np = None
try:  # optional: reuptake.Table (a dict of columns) without it
    import pandas as _pd
except ImportError:  # pragma: no cover
    _pd = None

RU_UNIT_MASS, RU_UNIT_TIME, RU_UNIT_CONC = 1, 2, 3  # units.h ru_unit_kind
RU_EINVAL, RU_EPARSE, RU_ENOMEM = -1, -2, -20       # status.h

Regimens = Union[str, Sequence[str]]
Strings = Union[None, str, Sequence[str]]
Overrides = Union[None, str, Sequence[str], Mapping[str, Any]]
Hours = Union[None, float, int, str]

# --- errors ------------------------------------------------------------------------------------


def new_error() -> RuError:
    return RuError()


def raise_for(status: int, err: Optional[RuError] = None) -> None:
    """Raises the Error subclass of a failed status with the library's one-line message."""
    if status == 0:
        return
    msg = err.message.decode("utf-8", "replace") if err is not None else ""
    if not msg:
        msg = (lib.ru_strerror(status) or b"error").decode()
    name = (lib.ru_strerror(status) or b"").decode()
    cls = InputError if lib.ru_status_is_input_error(status) else InternalError
    raise cls(msg, status, name)


def check(status: int, err: Optional[RuError] = None) -> None:
    raise_for(status, err)


def usage(message: str) -> InputError:
    """An input error found before any library call (the CLI's usage errors, exit 2)."""
    return InputError(message, RU_EINVAL, "invalid argument")


def enc(text: str) -> bytes:
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    if "\0" in text:
        raise usage(f"'{text!r}': NUL character in text")
    return text.encode("utf-8")


def dec(raw: Optional[bytes]) -> str:
    return raw.decode("utf-8", "replace") if raw else ""


def cstr_array(items: Sequence[str]) -> Tuple[Any, List[bytes]]:
    """A const char *const * for the library (keep the second value alive during the call)."""
    keep = [enc(s) for s in items]
    arr = (c_char_p * max(1, len(keep)))(*keep)
    return arr, keep


# --- the knowledge base ------------------------------------------------------------------------


class KnowledgeBase:
    """A read-only knowledge-base handle: the one embedded in the library (path None) or an
    SQLite file built by ru_kb_import, plus user compounds (``compounds``: a CSV as
    ``reuptake --compounds``). One handle may serve calls on several threads at once (kb.h:
    every query prepares its own statement on a connection SQLite serializes); user compounds
    are loaded here, before the handle is shared."""

    def __init__(self, path: Optional[str] = None, compounds: Optional[str] = None) -> None:
        self._h = c_void_p()
        err = new_error()
        check(lib.ru_kb_open(enc(path) if path is not None else None, byref(self._h),
                             byref(err)), err)
        if compounds is not None:
            st = lib.ru_kb_load_user(self._h, enc(compounds), byref(err))
            if st != 0:
                lib.ru_kb_free(self._h)
                self._h = c_void_p()
                raise_for(st, err)

    @property
    def handle(self) -> c_void_p:
        if not self._h:
            raise InternalError("knowledge base is closed", -26, "internal error")
        return self._h

    def close(self) -> None:
        """Frees the handle (only once no call is using it)."""
        if self._h:
            lib.ru_kb_free(self._h)
            self._h = c_void_p()

    def __del__(self) -> None:  # pragma: no cover - interpreter shutdown order varies
        try:
            self.close()
        except Exception:
            pass

    def __enter__(self) -> "KnowledgeBase":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


_default_kb: Optional[KnowledgeBase] = None
_default_lock = threading.Lock()


def default_kb() -> KnowledgeBase:
    """The embedded knowledge base, opened once (thread-safe) and shared by every call."""
    global _default_kb
    with _default_lock:
        if _default_kb is None:
            _default_kb = KnowledgeBase()
        return _default_kb


def kb_of(kb: Optional[KnowledgeBase]) -> KnowledgeBase:
    return kb if kb is not None else default_kb()


# --- arguments ---------------------------------------------------------------------------------


def as_list(value: Strings, what: str) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out = list(value)
    for v in out:
        if not isinstance(v, str):
            raise TypeError(f"{what}: expected strings, got {type(v).__name__}")
    return out


def regimen_list(regimens: Optional[Regimens]) -> List[str]:
    return as_list(regimens, "regimens")


def phenotype_list(phenotype: Strings) -> List[str]:
    """'CYP2D6=PM', a comma list 'CYP2D6=PM,CYP2C19=IM' (as the CLI's --phenotype), or a list."""
    out: List[str] = []
    for p in as_list(phenotype, "phenotype"):
        out.extend(tok for tok in p.split(",") if tok)
    return out


def override_list(overrides: Overrides) -> List[str]:
    """'DRUG.KEY=VALUE' strings as --set, or a mapping {'DRUG.KEY': value}. Numbers are written
    with repr (the shortest text that reads back as the same double)."""
    if overrides is None:
        return []
    if isinstance(overrides, Mapping):
        out = []
        for k, v in overrides.items():
            if isinstance(v, float) and not math.isfinite(v):
                raise usage(f"--set {k}: value must be finite")
            out.append(f"{k}={v!r}" if isinstance(v, float) else f"{k}={v}")
        return out
    return as_list(overrides, "set")


def parse_hours(value: Union[float, int, str], what: str, default_unit: str = "h") -> float:
    """A duration in hours: a number (in default_unit) or a text with a unit ('2d', '30min')."""
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected a number or a duration text")
    if isinstance(value, (int, float)):
        v = float(value)
        if not math.isfinite(v):
            raise usage(f"{what}: '{value}' is not a finite number")
        if default_unit == "d":
            v *= 24.0
        return v
    if isinstance(value, str):
        out = c_double()
        err = new_error()
        check(lib.ru_units_parse(RU_UNIT_TIME, enc(value), enc(default_unit), 0.0, byref(out),
                                 byref(err)), err)
        return out.value
    raise TypeError(f"{what}: expected a number or a duration text, got {type(value).__name__}")


def in_range(v: float, lo: float, hi: float, what: str, shown: Any) -> float:
    if not (lo <= v <= hi):
        raise usage(f"{what}: {shown} is outside [{lo:g}, {hi:g}]")
    return v


def time_grid(days: Hours, hours: Hours, step: Hours, times: Optional[Iterable[Any]],
              default_days: float) -> List[float]:
    """Output times (h), as the CLI chooses them (cli/simargs.c simargs_times): the given
    times, or 0..horizon every step (horizon from hours/days, default default_days; step by
    default the library's, ru_sim_default_step_h)."""
    if times is not None:
        out: List[float] = []
        for t in times:
            v = parse_hours(t, "times")
            if v < 0.0:
                raise usage(f"times: {t} is negative")
            if out and v < out[-1]:
                raise usage(f"times must be ascending ('{t}')")
            out.append(v)
        if not out:
            raise usage("times: no times given")
        return out
    horizon = default_days * 24.0
    if days is not None:
        horizon = in_range(parse_hours(days, "days", "d"), 1e-6 * 24.0, 3650.0 * 24.0, "days",
                           days)
    if hours is not None:
        horizon = in_range(parse_hours(hours, "hours"), 1e-6, 87600.0, "hours", hours)
    if step is not None:
        st = in_range(parse_hours(step, "step"), 1e-4, 8760.0, "step", step)
    else:
        st = lib.ru_sim_default_step_h(horizon)
    count = math.floor(horizon / st + 1e-9) + 1.0
    if count > 5e6:
        raise usage(f"step {st:g} h over {horizon:g} h gives {count:.0f} points "
                    "(at most 5 million)")
    return [float(j) * st for j in range(int(count))]


# --- regimens and simulations -----------------------------------------------------------------


class Handle:
    """Owns one library object and frees it with its _free function (context manager)."""

    def __init__(self, free) -> None:
        self.h = c_void_p()
        self._free = free

    def __enter__(self) -> "Handle":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.h:
            self._free(self.h)
            self.h = c_void_p()


def build_regimen(regimens: List[str], data: Optional[str] = None,
                  data_map: Optional[str] = None, command: str = "simulate") -> Handle:
    """A regimen from grammar strings and/or a NONMEM-style dataset (the CLI's order)."""
    if not regimens and data is None:
        raise usage(f"no regimen given (e.g. reuptake.{command}('paroxetine:20mg:q24h'))")
    if data_map is not None and data is None:
        raise usage("data_map needs data=FILE")
    r = Handle(lib.ru_regimen_free)
    err = new_error()
    try:
        check(lib.ru_regimen_new(byref(r.h), byref(err)), err)
        for spec in regimens:
            check(lib.ru_regimen_parse(r.h, enc(spec), byref(err)), err)
        if data_map is not None:
            check(lib.ru_regimen_set_data_map(r.h, enc(data_map), byref(err)), err)
        if data is not None:
            check(lib.ru_regimen_read_dataset(r.h, enc(str(data)), byref(err)), err)
    except BaseException:
        r.close()
        raise
    return r


def regimen_warnings(r: Handle) -> List[str]:
    return [dec(lib.ru_regimen_warning(r.h, i)) for i in range(lib.ru_regimen_warning_count(r.h))]


class Solver:
    """The --solver and --tol options, checked as the CLI's option table checks them: the
    engine (auto: the closed form where the system is linear, the hybrid solver where not;
    hybrid: always; cvode: CVODE BDF, the reference) and the hybrid solver's defect tolerance
    (None: the library's default)."""

    TOL_RANGE = (1e-12, 0.1)  # cli/options.c CLI_OPTS_SOLVER --tol

    def __init__(self, solver: str = "auto", tol: Optional[float] = None) -> None:
        if not isinstance(solver, str) or solver not in SOLVERS:
            raise usage(f"--solver '{solver}': expected auto, hybrid or cvode")
        self.code = SOLVERS[solver]
        self.tol = 0.0
        if tol is not None:
            if isinstance(tol, bool) or not isinstance(tol, (int, float)):
                raise TypeError(f"tol: expected a number, got {type(tol).__name__}")
            t = float(tol)
            if not math.isfinite(t):
                raise usage(f"--tol: '{tol}' is not a finite number")
            self.tol = in_range(t, self.TOL_RANGE[0], self.TOL_RANGE[1], "--tol", tol)


def build_sim(kb: KnowledgeBase, regimen: Optional[Handle], phenotypes: List[str],
              overrides: List[str], solver: Optional[Solver] = None,
              prepare: bool = True) -> Handle:
    """A subject simulation as cli/simargs.c simargs_sim builds it: regimen, phenotypes, --set
    overrides, solver and tolerance, prepared (a missing value fails here, naming it)."""
    sv = solver if solver is not None else Solver()
    s = Handle(lib.ru_sim_free)
    err = new_error()
    try:
        check(lib.ru_sim_new(kb.handle, byref(s.h), byref(err)), err)
        if regimen is not None:
            check(lib.ru_sim_add_regimen(s.h, regimen.h, byref(err)), err)
        for p in phenotypes:
            check(lib.ru_sim_set_phenotype(s.h, enc(p), byref(err)), err)
        for o in overrides:
            check(lib.ru_sim_set_override(s.h, enc(o), byref(err)), err)
        lib.ru_sim_set_solver(s.h, sv.code)
        if sv.tol > 0.0:
            check(lib.ru_sim_set_hybrid_tolerance(s.h, sv.tol, byref(err)), err)
        if prepare:
            check(lib.ru_sim_prepare(s.h, byref(err)), err)
    except BaseException:
        s.close()
        raise
    return s


def compounds_of(s: Handle) -> List[str]:
    return [dec(lib.ru_sim_compound_name(s.h, i)) for i in range(lib.ru_sim_compound_count(s.h))]


def mechanisms_of(s: Handle) -> List[str]:
    return [line for line in dec(lib.ru_sim_mechanisms(s.h)).split("\n") if line]


def solver_name(s: Handle) -> str:
    """The engine the simulation runs on: "closed-form", "hybrid" or "cvode"."""
    return dec(lib.ru_sim_solver_name(s.h))


def known_targets() -> List[str]:
    arr = lib.ru_kb_targets()
    out = []
    i = 0
    while arr[i] is not None:
        out.append(dec(arr[i]))
        i += 1
    return out


def target_list(spec: Strings, default: str) -> List[str]:
    """Target names matched case-insensitively to the known list (cli simargs_target_list);
    'all' or None (with default 'all') gives every known target."""
    known = known_targets()
    items: List[str]
    if spec is None:
        items = default.split(",") if default != "all" else ["all"]
    else:
        items = []
        for s in as_list(spec, "target"):
            items.extend(s.split(","))
    if items == ["all"]:
        return known
    out = []
    for name in items:
        match = [k for k in known if k.lower() == name.lower()]
        if not match:
            raise usage(f"target '{name}': unknown target (known: {', '.join(known)}, or all)")
        out.append(match[0])
    return out


# --- numbers and tables ------------------------------------------------------------------------


def doubles(n: int) -> Any:
    return (c_double * max(1, n))()


def to_array(values: Sequence[float]) -> Any:
    if _np is not None:
        return _np.asarray(values, dtype=float)
    return list(values)


def nan_if_none(v: Optional[float]) -> float:
    return float("nan") if v is None else v


class Table(dict):
    """A table when pandas is not installed: column name -> numpy array (numbers) or list
    (text), in order, with an ``attrs`` dict like DataFrame.attrs."""

    def __init__(self, columns: Dict[str, Any], attrs: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(columns)
        self.attrs: Dict[str, Any] = dict(attrs or {})

    @property
    def nrows(self) -> int:
        return len(next(iter(self.values()))) if self else 0


def table(columns: Dict[str, Sequence[Any]], attrs: Optional[Dict[str, Any]] = None,
          numeric: Iterable[str] = ()) -> Any:
    """A pandas DataFrame (or a Table) of the columns; numeric columns become float arrays."""
    num = set(numeric)
    cols: Dict[str, Any] = {}
    for k, v in columns.items():
        cols[k] = to_array(v) if k in num else list(v)
    if _pd is not None:
        df = _pd.DataFrame(cols, columns=list(columns.keys()))
        df.attrs.update(attrs or {})
        return df
    return Table(cols, attrs)


def have_pandas() -> bool:
    return _pd is not None


def ptr(arr: Any) -> Any:
    return ctypes.cast(arr, ctypes.POINTER(c_double))
