"""Each function against the CLI's JSON for the same input: identical numbers (the JSON prints
every double so that it reads back exactly; a missing value is null there and NaN here)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import tempfile
import unittest
from typing import Any, Dict, List, Tuple

from helpers import (CLI, assert_same, cli_json, col, need_cli, nrows, plain, records, same,
                     reuptake)

PAIR = ["paroxetine:20mg:q24h", "atomoxetine:40mg:q12h"]


def series_of(df: Any) -> Tuple[List[float], List[Dict[str, Any]]]:
    """The long table regrouped as the CLI's JSON: time_h and series in order."""
    times: List[float] = []
    order: List[Tuple[str, str, str]] = []
    values: Dict[Tuple[str, str, str], List[float]] = {}
    units: Dict[Tuple[str, str, str], str] = {}
    for r in records(df):
        key = (r["compound"], r["quantity"], r["target"])
        if key not in values:
            order.append(key)
            values[key] = []
            units[key] = r["unit"]
        values[key].append(plain(r["value"]))
        if key == order[0]:
            times.append(plain(r["time_h"]))
    out = []
    for key in order:
        s: Dict[str, Any] = {"compound": key[0], "quantity": key[1], "unit": units[key],
                             "values": values[key]}
        if key[2]:
            s["target"] = key[2]
        out.append(s)
    return times, out


class SimulateMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Any, *args: str) -> None:
        js = cli_json("simulate", *args)
        times, series = series_of(py)
        assert_same(self, times, js["time_h"], "time_h")
        self.assertEqual([(s["compound"], s["quantity"], s.get("target")) for s in series],
                         [(s["compound"], s["quantity"], s.get("target")) for s in js["series"]])
        for a, b in zip(series, js["series"]):
            assert_same(self, a, b, f"series {b['compound']} {b['quantity']}")
        self.assertEqual(py.attrs["mechanisms"], js["mechanisms"])
        self.assertEqual(py.attrs["solver"], js["solver"])

    def test_interacting_pair_over_two_days(self) -> None:
        self.check(reuptake.simulate(PAIR, days=2), *PAIR, "--days", "2")

    def test_single_drug_default_week_with_phenotype_and_override(self) -> None:
        py = reuptake.simulate("atomoxetine:80mg:q24h", phenotype="CYP2D6=PM",
                               set={"atomoxetine.cl_f_l_per_h": 20.0})
        self.check(py, "atomoxetine:80mg:q24h", "--phenotype", "CYP2D6=PM", "--set",
                   "atomoxetine.cl_f_l_per_h=20.0")

    def test_given_times_and_all_targets(self) -> None:
        py = reuptake.simulate("nortriptyline:75mg:q24h", times=[0, 1.5, "2d", 100],
                               targets="all")
        self.check(py, "nortriptyline:75mg:q24h", "--times", "0,1.5,2d,100", "--targets", "all")

    def test_cvode_solver_and_step(self) -> None:
        py = reuptake.simulate("sertraline:50mg:q24h", hours=30, step=0.5, solver="cvode")
        self.check(py, "sertraline:50mg:q24h", "--hours", "30", "--step", "0.5", "--solver",
                   "cvode")

    def test_hybrid_solver_with_a_tolerance(self) -> None:
        py = reuptake.simulate(PAIR, days=1, solver="hybrid", tol=1e-6)
        self.assertEqual(py.attrs["solver"], "hybrid")
        self.check(py, *PAIR, "--days", "1", "--solver", "hybrid", "--tol", "1e-6")
        py = reuptake.simulate("sertraline:50mg:q24h", days=1, solver="hybrid")
        self.check(py, "sertraline:50mg:q24h", "--days", "1", "--solver", "hybrid")

    def test_product_names_as_people_write_them(self) -> None:
        self.check(reuptake.simulate(["Paxil:20mg:qd", "Strattera:40mg:bid"], days=3),
                   "Paxil:20mg:qd", "Strattera:40mg:bid", "--days", "3")

    def test_wide_view_is_the_cli_csv(self) -> None:
        """wide(): the CLI's CSV header, and every cell printed as the CSV prints it (%.6g time,
        %.5g total, %.4g unbound, %.3g occupancy)."""
        df = reuptake.simulate(PAIR, days=1)
        w = reuptake.wide(df)
        out = subprocess.run([CLI, "simulate", *PAIR, "--days", "1", "--format", "csv"],
                             capture_output=True, text=True, check=True).stdout
        rows = list(csv.reader(io.StringIO(out)))
        header = rows[0]
        names = list(w.columns) if hasattr(w, "columns") else list(w.keys())
        self.assertEqual([n for n in names if "_occupancy_" not in n], header)
        sig = {"time_h": 6}
        for h in header[1:]:
            sig[h] = 5 if h.endswith("_ng_per_ml") else 4 if h.endswith("_unbound_nM") else 3
        self.assertEqual(nrows(w), len(rows) - 1)
        for j, row in enumerate(rows[1:]):
            for h, cell in zip(header, row):
                self.assertEqual("%.*g" % (sig[h], col(w, h)[j]), cell, f"{h} row {j}")

    def test_dataset_subjects(self) -> None:
        """A NONMEM-style dataset with two subjects: one block per subject (id column), the
        observation records giving the output times, as the CLI's subjects array."""
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "d.csv")
            with open(path, "w") as f:
                f.write("ID,TIME,AMT,EVID,DRUG,II,ADDL\n"
                        "1,0,20,1,paroxetine,24,6\n1,2,0,0,paroxetine,0,0\n"
                        "1,30,0,0,paroxetine,0,0\n"
                        "2,0,40,1,atomoxetine,12,10\n2,4,0,0,atomoxetine,0,0\n")
            py = reuptake.simulate(data=path)
            js = cli_json("simulate", "--data", path)
            ids = col(py, "id")
            for sub in js["subjects"]:
                rows = [i for i, v in enumerate(ids) if v == sub["id"]]
                part = {k: [col(py, k)[i] for i in rows] for k in
                        ("time_h", "compound", "quantity", "unit", "target", "value")}
                table = reuptake.Table(part)
                times, series = series_of(table)
                assert_same(self, times, sub["time_h"], f"subject {sub['id']} time_h")
                for a, b in zip(series, sub["series"]):
                    assert_same(self, a, b, f"subject {sub['id']} {b['compound']}")
            one = reuptake.simulate(data=path, id=2)
            self.assertNotIn("id", list(one.columns) if hasattr(one, "columns") else one)


class ExposureMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Any, *args: str) -> None:
        js = cli_json("exposure", *args)
        rows = records(py)
        self.assertEqual(len(rows), len(js["compounds"]))
        for a, b in zip(rows, js["compounds"]):
            assert_same(self, {k: plain(v) for k, v in a.items()}, b, b["compound"])
        self.assertEqual(py.attrs["mechanisms"], js["mechanisms"])
        self.assertEqual(py.attrs["solver"], js["solver"])

    def test_steady_state_of_an_interacting_pair(self) -> None:
        self.check(reuptake.exposure(PAIR), *PAIR)

    def test_solver_choices(self) -> None:
        self.check(reuptake.exposure(PAIR, solver="cvode"), *PAIR, "--solver", "cvode")
        self.check(reuptake.exposure(PAIR, tol=1e-8), *PAIR, "--tol", "1e-8")

    def test_single_dose_and_metabolites(self) -> None:
        self.check(reuptake.exposure("bupropion:150mg"), "bupropion:150mg")

    def test_poor_metabolizer(self) -> None:
        self.check(reuptake.exposure("venlafaxine:75mg:q12h", phenotype=["CYP2D6=PM"]),
                   "venlafaxine:75mg:q12h", "--phenotype", "CYP2D6=PM")

    def test_override_list(self) -> None:
        self.check(reuptake.exposure("duloxetine:60mg:qd", set=["duloxetine.fu=0.1"]),
                   "duloxetine:60mg:qd", "--set", "duloxetine.fu=0.1")


class OccupancyMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Any, *args: str) -> None:
        js = cli_json("occupancy", *args)
        got: List[Dict[str, Any]] = []
        for r in records(py):
            r = {k: plain(v) for k, v in r.items()}
            if r["compound"] == "all":
                got.append({"target": r["target"], "mean": r["mean"], "trough": r["trough"],
                            "peak": r["peak"], "scale": r["scale"],
                            "scale_calibrated": r["scale_calibrated"], "by_compound": []})
            else:
                got[-1]["by_compound"].append({"compound": r["compound"], "mean": r["mean"],
                                               "kpuu_brain": r["kpuu_brain"],
                                               "kpuu_brain_default": r["kpuu_brain_default"]})
        assert_same(self, got, js["targets"], "targets")
        self.assertEqual(py.attrs["basis"], js["basis"])
        self.assertEqual(py.attrs.get("brain_exposure_note"), js.get("brain_exposure_note"))

    def test_steady_state_every_target(self) -> None:
        self.check(reuptake.occupancy(PAIR), *PAIR)

    def test_one_target_with_phenotype(self) -> None:
        self.check(reuptake.occupancy("atomoxetine:80mg:q24h", target="NET",
                                      phenotype="CYP2D6=PM"),
                   "atomoxetine:80mg:q24h", "--target", "NET", "--phenotype", "CYP2D6=PM")

    def test_at_a_time_after_a_single_dose(self) -> None:
        self.check(reuptake.occupancy("bupropion:150mg", at="3h"), "bupropion:150mg", "--at",
                   "3h")

    def test_measured_levels(self) -> None:
        self.check(reuptake.occupancy(conc="nortriptyline=50ng/mL,paroxetine=20nM"),
                   "--conc", "nortriptyline=50ng/mL,paroxetine=20nM")
        self.check(reuptake.occupancy(conc={"nortriptyline": 50.0}),
                   "--conc", "nortriptyline=50.0ng/mL")

    def test_solver_options(self) -> None:
        self.check(reuptake.occupancy(PAIR, target="SERT,NET", solver="cvode"), *PAIR,
                   "--target", "SERT,NET", "--solver", "cvode")
        self.check(reuptake.occupancy(PAIR, target="NET", solver="hybrid", tol=1e-7), *PAIR,
                   "--target", "NET", "--solver", "hybrid", "--tol", "1e-7")

    def test_profile(self) -> None:
        self.check(reuptake.occupancy("amitriptyline:75mg:q24h", profile=True),
                   "amitriptyline:75mg:q24h", "--profile")

    def test_dose_response_and_ed50(self) -> None:
        py = reuptake.dose_response("venlafaxine", [37.5, 75, "150mg", 225], every="24h")
        js = cli_json("occupancy", "venlafaxine", "--doses", "37.5,75,150,225", "--every", "24h")
        self.assertEqual(py.attrs["compound"], js["compound"])
        self.assertEqual(py.attrs["interval_h"], js["interval_h"])
        assert_same(self, py.attrs["ed50_mg"], js["ed50_mg"], "ed50_mg")
        got: Dict[float, Dict[str, float]] = {}
        for r in records(py):
            got.setdefault(plain(r["dose_mg"]), {})[r["target"]] = plain(r["mean"])
        assert_same(self, [{"dose_mg": d, "mean": m} for d, m in got.items()], js["doses"],
                    "doses")


class InteractMatchesCli(unittest.TestCase):
    """Every key of the CLI's interact JSON is identical, the interaction over time included
    (both read ru_ddi_time_course); the package's extra ``time_course`` is that struct whole."""

    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Dict[str, Any], *args: str) -> None:
        js = cli_json("interact", *args)
        conv = dict(py)
        course = conv.pop("time_course")
        conv["pathways"] = [{k: plain(v) for k, v in r.items()} for r in records(py["pathways"])]
        conv["metabolites"] = [{k: plain(v) for k, v in r.items()}
                               for r in records(py["metabolites"])]
        self.assertEqual(list(conv), list(js), "the CLI's keys in the CLI's order")
        assert_same(self, conv, js, "interact")
        self.assertTrue(same(py["time_to_90pct_effect_h"], course["onset_90_h"]))
        if "stop_after_h" in py:
            self.assertTrue(same(py["time_to_50pct_recovery_h"], course["recovery_50_h"]))
            self.assertTrue(same(py["time_to_90pct_recovery_h"], course["recovery_90_h"]))

    def test_time_course_is_the_library_one(self) -> None:
        py = reuptake.interact("desipramine:50mg:q24h", with_="paroxetine:20mg:q24h",
                               stop_after="14d")
        alone = reuptake.time_course("paroxetine:20mg:q24h", "desipramine:50mg:q24h",
                                     stop_after=14 * 24)
        self.assertEqual(py["time_course"], alone)
        self.assertEqual(py["stop_after_h"], 336.0)
        enzyme = reuptake.time_course("paroxetine:20mg:q24h", enzyme="CYP2D6",
                                      stop_after="14d")
        self.assertGreater(enzyme["effect"], 0.5)
        self.assertGreater(enzyme["recovery_90_h"], enzyme["recovery_50_h"])

    def test_washout_after_stopping_and_two_perpetrators(self) -> None:
        py = reuptake.interact("desipramine:50mg:q24h",
                               with_=["fluoxetine:20mg:q24h", "bupropion:150mg:q12h"],
                               stop_after="28d")
        self.check(py, "desipramine:50mg:q24h", "--with", "fluoxetine:20mg:q24h",
                   "bupropion:150mg:q12h", "--stop-after", "28d")

    def test_stop_and_the_solver_options(self) -> None:
        py = reuptake.interact("desipramine:50mg:q24h", with_="paroxetine:20mg:q24h",
                               stop_after="14d", solver="cvode")
        self.check(py, "desipramine:50mg:q24h", "--with", "paroxetine:20mg:q24h",
                   "--stop-after", "14d", "--solver", "cvode")
        py = reuptake.interact("desipramine:50mg:q24h", with_="paroxetine:20mg:q24h",
                               solver="hybrid", tol=1e-6)
        self.check(py, "desipramine:50mg:q24h", "--with", "paroxetine:20mg:q24h", "--solver",
                   "hybrid", "--tol", "1e-6")

    def test_single_victim_dose_in_a_poor_metabolizer(self) -> None:
        self.check(reuptake.interact("desipramine:50mg", with_="paroxetine:20mg:q24h",
                                     phenotype="CYP2D6=PM"),
                   "desipramine:50mg", "--with", "paroxetine:20mg:q24h", "--phenotype",
                   "CYP2D6=PM")


class ValidateMatchesCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, py: Dict[str, Any], js: Dict[str, Any]) -> None:
        conv = {"sets": [], "scaling": [{k: plain(v) for k, v in r.items()}
                                        for r in records(py["scaling"])]}
        for s in py["sets"]:
            rows = []
            for r in records(s["rows"]):
                r = {k: plain(v) for k, v in r.items()}
                # the CLI writes the held-out prediction only for rows that have one, and the
                # note only when there is one
                if r["cv_predicted"] is None:
                    del r["cv_predicted"], r["cv_error"]
                if not r["note"]:
                    del r["note"]
                rows.append(r)
            conv["sets"].append({"set": s["set"], "n": s["n"], "metrics": s["metrics"],
                                 "rows": rows})
        assert_same(self, conv, js, "validate")

    def test_each_set(self) -> None:
        for name in ("pet", "pm", "washout", "microdialysis", "physiology", "ddi"):
            with self.subTest(set=name):
                self.check(reuptake.validate(name), cli_json("validate", "--set", name))

    def test_cross_validated_pet_with_an_override(self) -> None:
        self.check(reuptake.validate("pet", cross_validate=True,
                                     set="paroxetine.fu=0.05"),
                   cli_json("validate", "--set", "pet", "--cross-validate", "--set",
                            "paroxetine.fu=0.05"))

    def test_calibrate(self) -> None:
        py = reuptake.calibrate()
        js = cli_json("validate", "--calibrate")
        got = []
        for r in records(py):
            res = []
            for e in records(r["residuals"]):
                res.append({k: plain(v) for k, v in e.items()})
            got.append({"target": r["target"], "factor": plain(r["factor"]), "rows": r["rows"],
                        "rmse_pp": plain(r["rmse_pp"]), "residuals": res})
        assert_same(self, got, js["scaling"], "scaling")


class DrugsMatchCli(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def test_show_compound_with_sources(self) -> None:
        for name in ("atomoxetine", "Paxil", "nortriptyline"):
            with self.subTest(name=name):
                py = reuptake.drugs.show(name)
                assert_same(self, py, cli_json("drugs", "show", name), name)
                self.assertTrue(py["sources"])

    def test_show_product(self) -> None:
        assert_same(self, reuptake.drugs.show("Concerta"), cli_json("drugs", "show", "Concerta"),
                    "Concerta")

    def test_list_and_search(self) -> None:
        self.assertEqual([{"name": r["name"], "class": r["class"]}
                          for r in records(reuptake.drugs.list())],
                         cli_json("drugs", "list")["compounds"])
        self.assertEqual([{"name": r["name"], "class": r["class"]}
                          for r in records(reuptake.drugs.list("SNRI"))],
                         cli_json("drugs", "list", "--class", "SNRI")["compounds"])
        self.assertEqual([{"name": r["name"], "class": r["class"]}
                          for r in records(reuptake.drugs.search("tript"))],
                         cli_json("drugs", "search", "tript")["compounds"])

    def test_list_products(self) -> None:
        rows = []
        for r in records(reuptake.drugs.list(products=True)):
            r = {k: plain(v) for k, v in r.items()}
            r["compounds"] = list(r["compounds"])
            rows.append(r)
        assert_same(self, rows, cli_json("drugs", "list", "--products")["products"], "products")


if __name__ == "__main__":
    unittest.main()
