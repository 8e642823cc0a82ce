"""The commands whose library layer was being changed on another branch when this package was
written: synapse and physiology (synapse.h, physio.h on branch `synapse`). Each raises
NotImplementedError naming why, so no second copy of their logic (still in cli/) is made here;
they are filled in once those headers land on main."""

from __future__ import annotations

from typing import Any


def synapse(*args: Any, **kwargs: Any) -> Any:
    """Extracellular NE/DA/5-HT per region (`reuptake synapse`): not yet available."""
    raise NotImplementedError(
        "reuptake.synapse: waits for the synapse layer's new API (include/reuptake/synapse.h, "
        "physio.h on branch 'synapse', not merged into main when this package was built); use "
        "the CLI `reuptake synapse` meanwhile")


def physiology(*args: Any, **kwargs: Any) -> Any:
    """Plasma NE and heart rate (`reuptake physiology`): not yet available."""
    raise NotImplementedError(
        "reuptake.physiology: waits for the physiology layer's new API (include/reuptake/physio.h "
        "on branch 'synapse', not merged into main when this package was built); use the CLI "
        "`reuptake physiology` meanwhile")
