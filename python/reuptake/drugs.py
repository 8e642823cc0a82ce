"""The knowledge base as users see it (`reuptake drugs list|show|search`): compounds and products,
every value with its citation. ``show`` returns the same object as `reuptake drugs show NAME
--format json`: the library's JSON (ru_kb_compound_json / ru_kb_product_json) and, for a
compound, the brain exposure the occupancy model uses (ru_pd_compound_kpuu_brain)."""

from __future__ import annotations

import builtins
import json
from ctypes import POINTER, byref, c_char, c_int, c_size_t, string_at
from typing import Any, Dict, Optional

from . import _core as C
from ._lib import RuProduct, RuValue, lib

__all__ = ["list", "show", "search"]

def _json_of(fn, k: C.KnowledgeBase, name: str) -> Dict[str, Any]:
    out = POINTER(c_char)()
    err = C.new_error()
    C.check(fn(k.handle, C.enc(name), byref(out), byref(err)), err)
    try:
        return json.loads(string_at(out).decode("utf-8"))
    finally:
        lib.ru_free(out)


def _brain_exposure(k: C.KnowledgeBase, name: str) -> Dict[str, Any]:
    kp = RuValue()
    dflt = c_int(0)
    err = C.new_error()
    ok = lib.ru_pd_compound_kpuu_brain(k.handle, C.enc(name), byref(kp), byref(dflt),
                                       byref(err)) == 0
    status = ("missing" if not ok else "default" if dflt.value else
              C.dec(lib.ru_value_status_name(kp.status)))
    return {"kpuu_brain": kp.value if ok else float("nan"), "source": C.dec(kp.source) if ok else "",
            "status": status, "default": bool(dflt.value)}


def show(name: str, *, kb: Optional[C.KnowledgeBase] = None) -> Dict[str, Any]:
    """A compound or product with every value, its status and its source (`reuptake drugs show
    NAME --format json`): for a compound name, class, mw, affinities, pk (DESIGN.md keys, each
    with a ``_source``), sources (full citations) and brain_exposure; for a product its
    compounds, release model, doses and sources. A missing value is None."""
    k = C.kb_of(kb)
    if lib.ru_kb_is_product(k.handle, C.enc(name), None):
        return _json_of(lib.ru_kb_product_json, k, name)
    out = _json_of(lib.ru_kb_compound_json, k, name)
    out["brain_exposure"] = _brain_exposure(k, name)
    return out


def list(klass: Optional[str] = None, *, products: bool = False,  # noqa: A001 (CLI name)
         kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Every compound (name, class), alphabetical; ``klass`` keeps one class ('SNRI', ...).
    ``products=True`` lists the products instead (product, class, compounds, release,
    usual_dose_mg, interval_h, incomplete)."""
    k = C.kb_of(kb)
    if products:
        return _products(k, klass)
    n = lib.ru_kb_compound_count(k.handle)
    return _compounds(k, builtins.list(range(min(n, 512))), klass)


def search(text: str, *, kb: Optional[C.KnowledgeBase] = None) -> Any:
    """Compounds whose name, brand name, synonym or class contains text (case-insensitive)."""
    k = C.kb_of(kb)
    idx = (c_size_t * 512)()
    n = c_size_t(0)
    err = C.new_error()
    C.check(lib.ru_kb_search(k.handle, C.enc(text), idx, 512, byref(n), byref(err)), err)
    return _compounds(k, [idx[i] for i in range(min(n.value, 512))], None)


def _compounds(k: C.KnowledgeBase, idx, klass: Optional[str]) -> Any:
    cols: Dict[str, Any] = {"name": [], "class": []}
    for i in idx:
        c = C.dec(lib.ru_kb_compound_class(k.handle, i))
        if klass is not None and c.lower() != klass.lower():
            continue
        cols["name"].append(C.dec(lib.ru_kb_compound_name(k.handle, i)))
        cols["class"].append(c)
    return C.table(cols)


def _products(k: C.KnowledgeBase, klass: Optional[str]) -> Any:
    """As `reuptake drugs list --products` (cmd_drugs.c list_products)."""
    cols: Dict[str, Any] = {key: [] for key in ("product", "class", "compounds", "release",
                                                "usual_dose_mg", "interval_h", "incomplete")}
    rows = POINTER(RuProduct)()
    n = c_size_t(0)
    err = C.new_error()
    C.check(lib.ru_kb_products(k.handle, byref(rows), byref(n), byref(err)), err)
    try:
        for i in range(n.value):
            p = rows[i]  # read before the list is freed below
            if klass is not None and C.dec(p.drug_class).lower() != klass.lower():
                continue
            cols["product"].append(C.dec(p.name))
            cols["class"].append(C.dec(p.drug_class))
            cols["compounds"].append([C.dec(p.component[c].compound)
                                      for c in range(p.n_components)])
            cols["release"].append(C.dec(lib.ru_release_kind_name(p.release.kind)))
            cols["usual_dose_mg"].append(p.usual_dose_mg.value)
            cols["interval_h"].append(p.interval_h.value)
            cols["incomplete"].append(C.dec(p.incomplete) or None)
    finally:
        lib.ru_free(rows)
    return C.table(cols, numeric=("usual_dose_mg", "interval_h"))
