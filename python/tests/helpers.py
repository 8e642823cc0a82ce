"""Shared by the Python tests: the CLI built beside the library (REUPTAKE_CLI, set by CTest),
its JSON for the same input, and columns of a result whatever its table type (pandas DataFrame
or reuptake.Table)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import unittest
from typing import Any, List

import reuptake

CLI = os.environ.get("REUPTAKE_CLI", "")


def need_cli(case: unittest.TestCase) -> None:
    if not CLI or not os.path.exists(CLI):
        case.skipTest("REUPTAKE_CLI is not set (CTest sets it to the built reuptake binary)")


def cli_json(*args: str) -> Any:
    """`reuptake ARGS --format json` parsed (exit 0 required). The CLI's top-level
    ``disclaimer`` (every JSON result carries it) is checked to be reuptake.DISCLAIMER and
    removed: the package states it once, as reuptake.DISCLAIMER, not in every result."""
    out = subprocess.run([CLI, *args, "--format", "json"], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise AssertionError(f"reuptake {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    js = json.loads(out.stdout)
    if isinstance(js, dict) and "disclaimer" in js:
        if js.pop("disclaimer") != reuptake.DISCLAIMER:
            raise AssertionError("the CLI's disclaimer differs from reuptake.DISCLAIMER")
    return js


def cli_fail(*args: str) -> "subprocess.CompletedProcess[str]":
    """`reuptake ARGS` expected to fail: the completed process (returncode, stderr)."""
    return subprocess.run([CLI, *args, "--format", "json"], capture_output=True, text=True,
                          check=False)


def col(table: Any, name: str) -> List[Any]:
    """One column as a list (DataFrame or Table)."""
    return list(table[name])


def nrows(table: Any) -> int:
    return len(table) if hasattr(table, "columns") else table.nrows


DBL_EPSILON = 2.220446049250313e-16
INT_MAX, INT_MIN = 2147483647, -2147483648


def cjson_text(v: Any) -> str:
    """A number as the CLI's JSON prints it (cJSON 1.7 print_number): null when not finite;
    an integral value within int as %d; else %1.15g when that reads back within
    max(|a|,|b|) * DBL_EPSILON, otherwise %1.17g (which reads back exactly)."""
    if v is None:
        return "null"
    d = float(v)
    if math.isnan(d) or math.isinf(d):
        return "null"
    iv = INT_MAX if d >= INT_MAX else INT_MIN if d <= INT_MIN else int(d)
    if d == float(iv):
        return "%d" % iv
    text = "%1.15g" % d
    test = float(text)
    if not abs(test - d) <= max(abs(test), abs(d)) * DBL_EPSILON:
        text = "%1.17g" % d
    return text


def same(a: Any, b: Any) -> bool:
    """Identical numbers as the CLI prints them: the Python value printed by cJSON's rule is
    the CLI's text (JSON null stands for a missing value, NaN in Python)."""
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return cjson_text(a) == cjson_text(b)


def assert_same(case: unittest.TestCase, a: Any, b: Any, where: str) -> None:
    """a (from Python) equals b (from the CLI's JSON) exactly, recursing into dicts/lists."""
    if isinstance(b, dict):
        case.assertIsInstance(a, dict, where)
        case.assertEqual(sorted(a.keys()), sorted(b.keys()), where)
        for k in b:
            assert_same(case, a[k], b[k], f"{where}.{k}")
    elif isinstance(b, list) and not (a is not None and hasattr(a, "columns")):
        a = list(a)
        case.assertEqual(len(a), len(b), where)
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(case, x, y, f"{where}[{i}]")
    else:
        if isinstance(a, bool) or isinstance(b, bool):
            case.assertEqual(bool(a), bool(b), where)
        elif hasattr(a, "item"):  # numpy scalar
            case.assertTrue(same(a.item(), b), f"{where}: {a!r} != {b!r}")
        else:
            case.assertTrue(same(a, b), f"{where}: {a!r} != {b!r}")


def records(table: Any) -> List[dict]:
    """Rows of a table as dicts (column order kept)."""
    names = list(table.columns) if hasattr(table, "columns") else list(table.keys())
    cols = [col(table, n) for n in names]
    return [dict(zip(names, vals)) for vals in zip(*cols)]


def plain(v: Any) -> Any:
    """numpy scalars and pandas missing values as plain Python (None for NaN)."""
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


__all__ = ["reuptake", "CLI", "need_cli", "cli_json", "cli_fail", "col", "nrows", "same",
           "assert_same", "records", "plain", "cjson_text"]
