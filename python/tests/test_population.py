"""population() against the CLI's JSON for the same input (identical numbers), on a
10,000-subject population; the same numbers on one or several threads; input errors."""

from __future__ import annotations

import unittest
from typing import Any, Dict, List

from helpers import assert_same, cli_fail, cli_json, need_cli, plain, records, reuptake
from reuptake import _pop


def as_cli_json(py: Dict[str, Any]) -> Dict[str, Any]:
    """The package's result rearranged into the CLI's JSON layout."""
    out = {k: v for k, v in py.items() if k not in ("bands", "attainment", "attainment_final",
                                                    "by_phenotype", "variability", "cyp2c19")}
    out["time_h"] = [plain(x) for x in py["time_h"]]
    bands: List[Dict[str, Any]] = []
    for r in records(py["bands"]):
        if not bands or bands[-1]["_name"] != r["band"]:
            kind = "target" if r["is_target"] else "compound"
            bands.append({"_name": r["band"], kind: r["band"], "quantity": r["quantity"],
                          "unit": r["unit"],
                          ("resolution_abs" if r["is_target"] else "resolution_rel"):
                              plain(r["resolution"]),
                          "percentiles": {}})
        for key, v in r.items():
            if key.startswith("p") and key[1:].replace(".", "").isdigit():
                bands[-1]["percentiles"].setdefault(key[1:], []).append(plain(v))
    for b in bands:
        del b["_name"]
    out["bands"] = bands
    att: List[Dict[str, Any]] = []
    finals = records(py["attainment_final"])
    for r in records(py["attainment"]):
        if not att or (att[-1]["target"], att[-1]["comparison"], att[-1]["threshold"]) != (
                r["target"], r["comparison"], plain(r["threshold"])):
            att.append({"target": r["target"], "comparison": r["comparison"],
                        "threshold": plain(r["threshold"]), "probability": []})
        att[-1]["probability"].append(plain(r["probability"]))
    for a, f in zip(att, finals):
        a["final"] = plain(f["final"])
    out["attainment"] = att
    out["by_phenotype"] = [dict({k: plain(v) for k, v in r.items()}, auc_unit="ng*h/mL",
                                cavg_unit="ng/mL") for r in records(py["by_phenotype"])]
    out["variability"] = [{k: plain(v) for k, v in r.items()}
                          for r in records(py["variability"])]
    out["cyp2c19"] = [{k: plain(v) for k, v in r.items()} for r in records(py["cyp2c19"])]
    return out


@unittest.skipUnless(_pop.AVAILABLE, "the loaded libreuptake predates the hybrid population API")
class PopulationMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def test_ten_thousand_subjects(self) -> None:
        py = reuptake.population("atomoxetine:40mg:q12h", subjects=10000, seed=7)
        js = cli_json("population", "atomoxetine:40mg:q12h", "--subjects", "10000", "--seed",
                      "7")
        self.assertEqual(py["subjects"], 10000)
        assert_same(self, as_cli_json(py), js, "population")

    def test_options_and_a_nonlinear_regimen(self) -> None:
        args = ["paroxetine:20mg:q24h", "--subjects", "200", "--ancestry", "east_asian",
                "--percentiles", "10,50,90", "--target-attainment", "SERT>=0.8",
                "--target-attainment", "NET<=0.2", "--days", "10", "--targets", "SERT,NET"]
        py = reuptake.population("paroxetine:20mg:q24h", subjects=200, ancestry="east_asian",
                                 percentiles=[10, 50, 90],
                                 target_attainment=["SERT>=0.8", "NET<=0.2"], days=10,
                                 targets="SERT,NET")
        assert_same(self, as_cli_json(py), cli_json("population", *args), "population")

    def test_threads_give_bitwise_the_same_numbers(self) -> None:
        one = reuptake.population("atomoxetine:40mg:q12h", subjects=5000, seed=3)
        two = reuptake.population("atomoxetine:40mg:q12h", subjects=5000, seed=3, threads=2)
        self.assertEqual(repr(as_cli_json(one)), repr(as_cli_json(two)))

    def test_input_errors_carry_the_cli_line(self) -> None:
        for kwargs, args in (
                ({"subjects": 0}, ["--subjects", "0"]),
                ({"subjects": 10, "phenotype": "CYP2D6=PM"},
                 ["--subjects", "10", "--phenotype", "CYP2D6=PM"]),
                ({"subjects": 10, "ancestry": "atlantean"},
                 ["--subjects", "10", "--ancestry", "atlantean"])):
            with self.subTest(args=args):
                with self.assertRaises(reuptake.InputError) as ctx:
                    reuptake.population("atomoxetine:40mg:q12h", **kwargs)
                p = cli_fail("population", "atomoxetine:40mg:q12h", *args)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stderr.strip(),
                                 f"reuptake population: {ctx.exception.message}")

    def test_ancestries(self) -> None:
        self.assertEqual(reuptake.ancestries(),
                         cli_json("population", "--list-ancestries")["ancestries"])


if __name__ == "__main__":
    unittest.main()
