"""synapse(), physiology() and their parameter tables against the CLI's JSON for the same input
(identical numbers), and their input errors against the CLI's stderr line."""

from __future__ import annotations

import unittest
from typing import Any, Dict, List

from helpers import assert_same, cli_fail, cli_json, need_cli, plain, records, reuptake


def synapse_as_cli(py: Dict[str, Any]) -> Dict[str, Any]:
    """synapse()'s result in the CLI's JSON layout (the long series table back into arrays)."""
    out = {k: v for k, v in py.items() if k != "series"}
    out["time_h"] = [plain(x) for x in py["time_h"]]
    by: Dict[tuple, List[Any]] = {}
    for r in records(py["series"]):
        by.setdefault((r["quantity"], r["name"]), []).append(plain(r["value"]))
    out["series"] = [{"analyte": a, "fold_of_baseline": by[("fold_of_baseline", a)]}
                     for a in ("NE", "DA", "5-HT")]
    firing = {}
    for n, f in py["firing"].items():
        firing[n] = dict(f, hz=by[("firing_hz", n)], fold=by[("firing_fold", n)])
    out["firing"] = firing
    return out


class SynapseMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Dict[str, Any], *args: str) -> None:
        js = cli_json("synapse", *args)
        self.assertEqual(js.pop("parameters"), "reuptake synapse --params")
        assert_same(self, synapse_as_cli(py), js, "synapse")

    def test_held_net_occupancy(self) -> None:
        self.check(reuptake.synapse(occupancy="NET=0.9"), "--occupancy", "NET=0.9")

    def test_receptor_ligands_region_and_grid(self) -> None:
        py = reuptake.synapse(occupancy={"NET": 0.8, "SERT": 0.5},
                              antagonist="idazoxan=0.5", agonist=["5-HT1A=0.3", "clonidine=0.2"],
                              region="striatum", hours=6, step=1)
        self.check(py, "--occupancy", "NET=0.8,SERT=0.5", "--antagonist", "idazoxan=0.5",
                   "--agonist", "5-HT1A=0.3", "--agonist", "clonidine=0.2", "--region",
                   "striatum", "--hours", "6", "--step", "1")

    def test_releaser_beside_a_blocker(self) -> None:
        py = reuptake.synapse(occupancy="DAT=0.2", releaser="d-amphetamine=0.6", hours=2)
        self.assertGreater(py["inputs"]["held"]["DAT-releaser"], 0.0)
        self.check(py, "--occupancy", "DAT=0.2", "--releaser", "d-amphetamine=0.6", "--hours",
                   "2")

    def test_genotype_expression_parameters_and_tolerances(self) -> None:
        py = reuptake.synapse(genotype="SERT+/-", expression="NET=0.5",
                              param={"alpha2.gain_soma": 0.5}, rtol=1e-8, atol=1e-10,
                              times=[0, 1, "3h"])
        self.check(py, "--genotype", "SERT+/-", "--expression", "NET=0.5", "--param",
                   "alpha2.gain_soma=0.5", "--rtol", "1e-8", "--atol", "1e-10", "--times",
                   "0,1,3h")

    def test_one_tolerance_keeps_the_library_default_of_the_other(self) -> None:
        py = reuptake.synapse(occupancy="NET=0.9", rtol=1e-6, genotype="SERT-KO", hours=1)
        self.check(py, "--occupancy", "NET=0.9", "--rtol", "1e-6", "--genotype", "SERT-KO",
                   "--hours", "1")

    def test_a_regimen_with_the_solver_options(self) -> None:
        py = reuptake.synapse("atomoxetine:40mg:q12h", days=2, step=2, phenotype="CYP2D6=PM",
                              occupancy="SERT=0.1", solver="hybrid", tol=1e-6)
        self.assertEqual(py["inputs"]["occupancy_input"], "regimen (PD occupancy time course)")
        self.check(py, "atomoxetine:40mg:q12h", "--days", "2", "--step", "2", "--phenotype",
                   "CYP2D6=PM", "--occupancy", "SERT=0.1", "--solver", "hybrid", "--tol",
                   "1e-6")

    def test_parameter_tables(self) -> None:
        for fn, cmd in ((reuptake.synapse_params, "synapse"),
                        (reuptake.physiology_params, "physiology")):
            with self.subTest(cmd=cmd):
                rows = [{k: plain(v) for k, v in r.items()} for r in records(fn())]
                assert_same(self, rows, cli_json(cmd, "--params")["parameters"], cmd)


class PhysiologyMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Dict[str, Any], *args: str) -> None:
        js = cli_json("physiology", *args)
        self.assertEqual(js.pop("parameters"), "reuptake physiology --params")
        conv = dict(py)
        if "time_course" in py:
            conv["time_course"] = {k: [plain(v) for v in py["time_course"][k]]
                                   for k in ("time_h", "net_occupancy", "plasma_ne_pg_per_ml",
                                             "heart_rate_bpm")}
        assert_same(self, conv, js, "physiology")

    def test_no_drug(self) -> None:
        self.check(reuptake.physiology())

    def test_held_occupancy_in_a_state(self) -> None:
        self.check(reuptake.physiology(state="standing", occupancy="NET=0.5"), "--state",
                   "standing", "--occupancy", "NET=0.5")
        self.check(reuptake.physiology(state="exercise", occupancy=0.7,
                                       param="physio.hr_gain_bpm=20"),
                   "--state", "exercise", "--occupancy", "NET=0.7", "--param",
                   "physio.hr_gain_bpm=20")

    def test_repeated_regimen(self) -> None:
        py = reuptake.physiology("atomoxetine:40mg:q12h")
        self.assertTrue(py["occupancy_input"].startswith("regimen"))
        self.check(py, "atomoxetine:40mg:q12h")

    def test_single_dose_time_course(self) -> None:
        py = reuptake.physiology("atomoxetine:40mg", phenotype="CYP2D6=PM", solver="cvode")
        self.assertIn("time_of_peak_h", py)
        self.check(py, "atomoxetine:40mg", "--phenotype", "CYP2D6=PM", "--solver", "cvode")


class InputErrorsCarryTheCliLine(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def test_each(self) -> None:
        cases = [
            (lambda: reuptake.synapse(), ["synapse"]),
            (lambda: reuptake.synapse(occupancy="XYZ=0.2"), ["synapse", "--occupancy", "XYZ=0.2"]),
            (lambda: reuptake.synapse(occupancy="NET"), ["synapse", "--occupancy", "NET"]),
            (lambda: reuptake.synapse(occupancy="NET=2"), ["synapse", "--occupancy", "NET=2"]),
            (lambda: reuptake.synapse(occupancy="NET=abc"),
             ["synapse", "--occupancy", "NET=abc"]),
            (lambda: reuptake.synapse(antagonist="clonidine=0.5"),
             ["synapse", "--antagonist", "clonidine=0.5"]),
            (lambda: reuptake.synapse(agonist="alpha1=0.5"),
             ["synapse", "--agonist", "alpha1=0.5"]),
            (lambda: reuptake.synapse(releaser="DAT-releaser=0.5"),
             ["synapse", "--releaser", "DAT-releaser=0.5"]),
            (lambda: reuptake.synapse(occupancy="NET=0.5", region="cerebellum"),
             ["synapse", "--occupancy", "NET=0.5", "--region", "cerebellum"]),
            (lambda: reuptake.synapse(occupancy="NET=0.5", param="nope=1"),
             ["synapse", "--occupancy", "NET=0.5", "--param", "nope=1"]),
            (lambda: reuptake.synapse(genotype="SERT++"), ["synapse", "--genotype", "SERT++"]),
            (lambda: reuptake.synapse(occupancy="NET=0.5", param="nope"),
             ["synapse", "--occupancy", "NET=0.5", "--param", "nope"]),
            (lambda: reuptake.synapse(agonist="5-HT2C=0.3"),
             ["synapse", "--agonist", "5-HT2C=0.3"]),
            (lambda: reuptake.physiology(state="asleep"), ["physiology", "--state", "asleep"]),
            (lambda: reuptake.physiology(param="a=1,b=2"), ["physiology", "--param", "a=1,b=2"]),
            (lambda: reuptake.physiology(param="a"), ["physiology", "--param", "a"]),
            (lambda: reuptake.physiology(occupancy="SERT=0.5"),
             ["physiology", "--occupancy", "SERT=0.5"]),
        ]
        for fn, args in cases:
            with self.subTest(args=args):
                with self.assertRaises(reuptake.InputError) as ctx:
                    fn()
                p = cli_fail(*args)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stderr.strip(),
                                 f"reuptake {args[0]}: {ctx.exception.message}")


if __name__ == "__main__":
    unittest.main()
