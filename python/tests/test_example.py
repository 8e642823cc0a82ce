"""python/examples/paroxetine_atomoxetine.py draws the demo's figure when matplotlib is
installed, and says so and exits 0 when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import unittest

from helpers import reuptake  # noqa: F401  (the library loads)

SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples",
                      "paroxetine_atomoxetine.py")


class ExampleScript(unittest.TestCase):
    def run_script(self, out: str, *blocked: str) -> "subprocess.CompletedProcess[str]":
        code = ("import runpy, sys\n"
                f"for m in {list(blocked)!r}: sys.modules[m] = None\n"
                f"sys.argv = [{SCRIPT!r}, {out!r}]\n"
                f"runpy.run_path({SCRIPT!r}, run_name='__main__')\n")
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=False, timeout=300)

    def test_draws_the_figure_or_skips_cleanly(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "fig.png")
            try:
                import matplotlib  # noqa: F401
                have = True
            except ImportError:
                have = False
            p = self.run_script(out)
            self.assertEqual(p.returncode, 0, p.stderr)
            if have:
                with open(out, "rb") as f:
                    self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
            else:
                self.assertIn("matplotlib is not installed", p.stderr)

    def test_without_matplotlib(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "fig.png")
            p = self.run_script(out, "matplotlib")
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("matplotlib is not installed", p.stderr)
            self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    unittest.main()
