"""numpy and pandas are optional: without pandas every table is a reuptake.Table (a dict of
columns with attrs), numeric columns numpy arrays; without numpy too, plain lists. The numbers
are the same in every case."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unittest

from helpers import col, reuptake

PROBE = """
import json, sys
for m in sys.argv[1:]:
    sys.modules[m] = None  # an import of it now fails, as if not installed
import reuptake
e = reuptake.exposure(["paroxetine:20mg:q24h", "escitalopram:10mg:q24h"])
s = reuptake.simulate("paroxetine:20mg:q24h", days=1)
w = reuptake.wide(s)
i = reuptake.interact("desipramine:50mg", with_="paroxetine:20mg:q24h", phenotype="CYP2D6=PM")
y = reuptake.synapse(occupancy="NET=0.9")
f = reuptake.physiology("atomoxetine:40mg")
print(json.dumps({
    "type": type(e).__name__, "column_type": type(e["auc_ng_h_per_ml"]).__name__,
    "auc": [repr(float(x)) for x in e["auc_ng_h_per_ml"]],
    "values": [repr(float(x)) for x in s["value"]],
    "wide": sorted(w.keys() if isinstance(w, dict) else w.columns),
    "mechanisms": e.attrs["mechanisms"],
    "pathways": type(i["pathways"]).__name__, "auc_ratio": repr(i["auc_ratio"]),
    "synapse": [repr(float(x)) for x in list(y["series"]["value"]) + list(y["time_h"])],
    "physiology": [repr(float(x)) for x in f["time_course"]["plasma_ne_pg_per_ml"]]}))
"""


def probe(*blocked: str) -> dict:
    p = subprocess.run([sys.executable, "-c", PROBE, *blocked], capture_output=True, text=True,
                       check=False, env=os.environ.copy(), timeout=300)
    if p.returncode != 0:
        raise AssertionError(p.stderr)
    return json.loads(p.stdout)


class OptionalDependencies(unittest.TestCase):
    def test_same_numbers_with_and_without_pandas_and_numpy(self) -> None:
        full = probe()
        no_pandas = probe("pandas")
        bare = probe("pandas", "numpy")
        self.assertEqual(no_pandas["type"], "Table")
        self.assertEqual(bare["type"], "Table")
        self.assertEqual(bare["column_type"], "list")
        self.assertEqual(no_pandas["pathways"], "Table")
        try:
            import numpy  # noqa: F401
            self.assertEqual(no_pandas["column_type"], "ndarray")
        except ImportError:
            pass
        for key in ("auc", "values", "wide", "mechanisms", "auc_ratio", "synapse", "physiology"):
            self.assertEqual(full[key], no_pandas[key], key)
            self.assertEqual(full[key], bare[key], key)

    def test_table_rows_and_attrs(self) -> None:
        t = reuptake.Table({"a": [1.0, 2.0], "b": ["x", "y"]}, {"note": "n"})
        self.assertEqual(t.nrows, 2)
        self.assertEqual(t.attrs, {"note": "n"})
        self.assertEqual(col(t, "b"), ["x", "y"])


if __name__ == "__main__":
    unittest.main()
