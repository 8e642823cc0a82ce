"""reuptake: simulation of the brain's norepinephrine system (and 5-HT/DA) under monoamine
reuptake inhibitors, from Python. A thin layer over the installed C library libreuptake: every
number comes from the library's public API (include/reuptake.h); nothing is computed twice.

    import reuptake
    reuptake.exposure("paroxetine:20mg:q24h")
    df = reuptake.simulate(["Paxil:20mg:qd", "Strattera:40mg:bid"], days=28)
    reuptake.interact("atomoxetine:40mg:q12h", with_="paroxetine:20mg:q24h")["auc_ratio"]

Tables are pandas DataFrames when pandas is installed (else reuptake.Table: a dict of numpy
arrays or lists). Errors raise reuptake.InputError (bad input: the CLI's exit 2) or
reuptake.InternalError (exit 1), both reuptake.Error with the library's one-line message.
Calls may run on several threads at once (a simulation is a value; the knowledge base is
shared read-only). A research and teaching instrument; it gives no clinical advice.
"""

from __future__ import annotations

from ._errors import Error, InputError, InternalError, LibraryNotFoundError
from ._lib import lib as _clib
from ._core import KnowledgeBase, Table, default_kb
from ._sim import dose_response, exposure, occupancy, simulate, wide
from ._ddi import interact, time_course
from ._validate import calibrate, scaling, validate
from ._synapse import physiology, physiology_params, synapse, synapse_params
from ._pop import ancestries, population
from . import drugs

__version__ = "0.1.0"

DISCLAIMER = ("reuptake is a research and teaching instrument. It gives no clinical advice: do "
              "not use its output to choose, start, stop or dose any medicine.")


def library_version() -> str:
    """Version of the loaded libreuptake (ru_version)."""
    return (_clib.ru_version() or b"").decode()


def library_path() -> str:
    """File name of the loaded libreuptake."""
    return str(_clib.cdll._name)


if library_version().split(".")[:2] != __version__.split(".")[:2]:
    raise LibraryNotFoundError(
        f"reuptake {__version__}: the loaded libreuptake ({library_path()}) is version "
        f"{library_version()}; install the matching library (make install) or set "
        "REUPTAKE_LIBRARY")

__all__ = ["simulate", "wide", "exposure", "occupancy", "dose_response", "interact",
           "time_course", "synapse", "synapse_params", "physiology", "physiology_params",
           "population", "ancestries", "validate", "calibrate", "scaling", "drugs",
           "KnowledgeBase", "Table", "default_kb", "Error", "InputError", "InternalError",
           "LibraryNotFoundError", "library_version", "library_path", "DISCLAIMER"]
