"""Errors: the library's status and one-line message become reuptake.InputError (the CLI's exit
2) or reuptake.InternalError (exit 1), with the same line the CLI prints; nothing is printed and
the process does not exit."""

from __future__ import annotations

import os
import tempfile
import unittest
from typing import Callable

from helpers import CLI, cli_fail, need_cli, reuptake
from reuptake import _core


def captured_fds(fn: Callable[[], object]) -> str:
    """Runs fn with file descriptors 1 and 2 redirected; returns what reached them."""
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        saved = os.dup(1), os.dup(2)
        os.dup2(tmp.fileno(), 1)
        os.dup2(tmp.fileno(), 2)
        try:
            try:
                fn()
            except reuptake.Error:
                pass
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
        tmp.seek(0)
        return tmp.read().decode()


class InputErrorsCarryTheCliLine(unittest.TestCase):
    def setUp(self) -> None:
        need_cli(self)

    def check(self, fn: Callable[[], object], cmd: str, *args: str, code: int) -> None:
        with self.assertRaises(reuptake.InputError) as ctx:
            fn()
        e = ctx.exception
        self.assertIsInstance(e, reuptake.Error)
        self.assertIsInstance(e, ValueError)
        self.assertEqual(e.code, code)
        p = cli_fail(cmd, *args)
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.strip(), f"reuptake {cmd}: {e.message}")

    def test_unknown_compound_suggests(self) -> None:
        self.check(lambda: reuptake.exposure("parox:20mg:q24h"), "exposure", "parox:20mg:q24h",
                   code=-3)

    def test_bad_regimen_names_the_part(self) -> None:
        self.check(lambda: reuptake.simulate("paroxetine:20mg:q0h"), "simulate",
                   "paroxetine:20mg:q0h", code=-8)

    def test_unknown_phenotype(self) -> None:
        self.check(lambda: reuptake.occupancy("paroxetine:20mg:q24h", phenotype="CYP2D6=XX"),
                   "occupancy", "paroxetine:20mg:q24h", "--phenotype", "CYP2D6=XX", code=-3)

    def test_unknown_override_key(self) -> None:
        self.check(lambda: reuptake.exposure("paroxetine:20mg:q24h", set="paroxetine.nope=1"),
                   "exposure", "paroxetine:20mg:q24h", "--set", "paroxetine.nope=1", code=-1)

    def test_unknown_victim_in_interact(self) -> None:
        self.check(lambda: reuptake.interact("nothing:20mg:q24h", with_="paroxetine:20mg:q24h"),
                   "interact", "nothing:20mg:q24h", "--with", "paroxetine:20mg:q24h", code=-3)

    def test_bad_solver_options(self) -> None:
        self.check(lambda: reuptake.simulate("paroxetine:20mg:q24h", solver="euler"),
                   "simulate", "paroxetine:20mg:q24h", "--solver", "euler", code=-1)
        self.check(lambda: reuptake.exposure("paroxetine:20mg:q24h", tol=2),
                   "exposure", "paroxetine:20mg:q24h", "--tol", "2", code=-1)
        self.check(lambda: reuptake.interact("desipramine:50mg", with_="paroxetine:20mg",
                                             tol=1e-13),
                   "interact", "desipramine:50mg", "--with", "paroxetine:20mg", "--tol",
                   "1e-13", code=-1)
        self.check(lambda: reuptake.interact("desipramine:50mg", with_="paroxetine:20mg",
                                             stop_after="100000h"),
                   "interact", "desipramine:50mg", "--with", "paroxetine:20mg", "--stop-after",
                   "100000h", code=-1)

    def test_unknown_drug_in_show(self) -> None:
        self.check(lambda: reuptake.drugs.show("nothing"), "drugs", "show", "nothing", code=-3)


class ErrorMapping(unittest.TestCase):
    def test_every_status_maps_by_the_library_rule(self) -> None:
        """Each code of status.h: input errors (>= -19) raise InputError, the rest
        InternalError, with ru_strerror's text when the library gave no message."""
        for code in (-1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -20, -21, -22, -23, -24, -25, -26):
            with self.subTest(code=code):
                with self.assertRaises(reuptake.Error) as ctx:
                    _core.raise_for(code)
                want = reuptake.InputError if code >= -19 else reuptake.InternalError
                self.assertIs(type(ctx.exception), want)
                self.assertTrue(ctx.exception.message)
                self.assertEqual(ctx.exception.message, ctx.exception.code_name)

    def test_a_corrupt_knowledge_base_file_is_input(self) -> None:
        """A file the user named that is not a knowledge base is bad input (RU_EDATA: the CLI's
        exit 2 with the same line); only the embedded one failing is internal (kb.c)."""
        with tempfile.NamedTemporaryFile(suffix=".sqlite") as f:
            f.write(b"SQLite format 3\0" + b"garbage" * 200)
            f.flush()
            with self.assertRaises(reuptake.InputError) as ctx:
                reuptake.KnowledgeBase(f.name)
            self.assertIn("is not a reuptake knowledge base", ctx.exception.message)
            self.assertEqual(ctx.exception.code_name, "malformed data file")
            if CLI and os.path.exists(CLI):
                p = cli_fail("drugs", "list", "--kb", f.name)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stderr.strip(), f"reuptake drugs: {ctx.exception.message}")

    def test_missing_knowledge_base_file_is_input(self) -> None:
        with self.assertRaises(reuptake.InputError) as ctx:
            reuptake.KnowledgeBase("/nonexistent/kb.sqlite")
        self.assertIn("/nonexistent/kb.sqlite", ctx.exception.message)

    def test_bad_python_arguments_are_input_errors(self) -> None:
        with self.assertRaises(reuptake.InputError):
            reuptake.simulate("paroxetine:20mg:q24h", days=0)
        with self.assertRaises(reuptake.InputError):
            reuptake.simulate("paroxetine:20mg:q24h", times=[5, 1])
        with self.assertRaises(reuptake.InputError):
            reuptake.simulate("paroxetine:20mg:q24h", step=1e-4, days=3650)
        with self.assertRaises(reuptake.InputError):
            reuptake.simulate()
        with self.assertRaises(reuptake.InputError):
            reuptake.occupancy("paroxetine:20mg:q24h", target="XYZ")
        with self.assertRaises(reuptake.InputError):
            reuptake.interact("paroxetine:20mg:q24h", with_=[])
        with self.assertRaises(reuptake.InputError):
            reuptake.validate("nope")
        with self.assertRaises(TypeError):
            reuptake.exposure(42)  # type: ignore[arg-type]

    def test_nothing_printed_and_no_exit(self) -> None:
        out = captured_fds(lambda: reuptake.exposure("parox:20mg:q24h"))
        out += captured_fds(lambda: reuptake.simulate("paroxetine:20mg:q0h"))
        out += captured_fds(lambda: reuptake.KnowledgeBase("/nonexistent/kb.sqlite"))
        self.assertEqual(out, "")

    def test_synapse_and_physiology_print_nothing(self) -> None:
        out = captured_fds(lambda: reuptake.synapse(occupancy="NET=0.9", region="nowhere"))
        out += captured_fds(lambda: reuptake.physiology(state="asleep"))
        out += captured_fds(lambda: reuptake.synapse(occupancy="NET=0.5", hours=1))
        self.assertEqual(out, "")

if __name__ == "__main__":
    unittest.main()
