"""The installed package, outside this repository: `cmake --install BUILD --prefix TMP`, then from
another directory `python3 -c "import reuptake; print(reuptake.exposure('paroxetine:20mg:q24h'))"`
with only PYTHONPATH=TMP/lib/python3.X/dist-packages (the library is found through the path
make install records beside the package). Also: the pkg-config and dynamic-loader routes, the
error naming every place tried, and `pip install ./python` offline."""

from __future__ import annotations

import ctypes.util
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import Dict, Optional

from helpers import reuptake

BUILD = os.environ.get("REUPTAKE_BUILD_DIR", "")
SOURCE = os.environ.get("REUPTAKE_SOURCE_DIR", "")
ONE_LINER = "import reuptake; print(reuptake.exposure('paroxetine:20mg:q24h'))"


def clean_env(**extra: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REUPTAKE_LIBRARY", "LD_LIBRARY_PATH", "PYTHONPATH", "PKG_CONFIG_PATH",
                        "PKG_CONFIG_LIBDIR")}
    env.update(extra)
    return env


def run_py(code: str, cwd: str, env: Dict[str, str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, check=False, timeout=300)


class InstalledPackage(unittest.TestCase):
    prefix: Optional[str] = None
    site = ""

    @classmethod
    def setUpClass(cls) -> None:
        if not BUILD or not os.path.isdir(BUILD):
            raise unittest.SkipTest("REUPTAKE_BUILD_DIR is not set (CTest sets it)")
        cls.tmp = tempfile.mkdtemp(prefix="reuptake-install-")
        cls.prefix = os.path.join(cls.tmp, "prefix")
        subprocess.run(["cmake", "--install", BUILD, "--prefix", cls.prefix], check=True,
                       capture_output=True, timeout=300)
        sites = glob.glob(os.path.join(cls.prefix, "lib", "python3*", "dist-packages"))
        if len(sites) != 1:
            raise AssertionError(f"expected one dist-packages under {cls.prefix}: {sites}")
        cls.site = sites[0]
        cls.elsewhere = os.path.join(cls.tmp, "elsewhere")
        os.makedirs(cls.elsewhere)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy_without_install_record(self, name: str) -> str:
        """The installed package copied elsewhere without _install.py (as pip would install it)."""
        dst = os.path.join(self.tmp, name)
        shutil.copytree(os.path.join(self.site, "reuptake"), os.path.join(dst, "reuptake"))
        os.remove(os.path.join(dst, "reuptake", "_install.py"))
        return dst

    def test_one_liner_from_another_directory(self) -> None:
        p = run_py(ONE_LINER + "; print(reuptake.library_path())", self.elsewhere,
                   clean_env(PYTHONPATH=self.site))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("paroxetine", p.stdout)
        self.assertIn(os.path.realpath(self.prefix), os.path.realpath(p.stdout.split()[-1]))
        self.assertEqual(p.stderr, "")

    def test_same_numbers_as_the_build_tree(self) -> None:
        code = ("import reuptake\ne = reuptake.exposure('paroxetine:20mg:q24h')\n"
                "print(repr(float(list(e['auc_ng_h_per_ml'])[0])))")
        p = run_py(code, self.elsewhere, clean_env(PYTHONPATH=self.site))
        self.assertEqual(p.returncode, 0, p.stderr)
        here = float(list(reuptake.exposure("paroxetine:20mg:q24h")["auc_ng_h_per_ml"])[0])
        self.assertEqual(p.stdout.strip(), repr(here))

    def test_found_through_pkg_config(self) -> None:
        pkg = shutil.which("pkg-config")
        if pkg is None:
            self.skipTest("no pkg-config")
        path = self.copy_without_install_record("via-pkgconfig")
        pcdir = os.path.join(self.tmp, "pc")
        os.makedirs(pcdir, exist_ok=True)
        # the installed .pc names the configure-time prefix; point one at the temporary prefix
        with open(os.path.join(self.prefix, "lib", "pkgconfig", "reuptake.pc")) as f:
            lines = [f"prefix={self.prefix}" if ln.startswith("prefix=") else ln.rstrip("\n")
                     for ln in f]
        with open(os.path.join(pcdir, "reuptake.pc"), "w") as f:
            f.write("\n".join(lines) + "\n")
        p = run_py("import reuptake; print(reuptake.library_path())", self.elsewhere,
                   clean_env(PYTHONPATH=path, PKG_CONFIG_LIBDIR=pcdir))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.strip().startswith(self.prefix), p.stdout)

    def test_found_through_the_dynamic_loader(self) -> None:
        path = self.copy_without_install_record("via-loader")
        empty = os.path.join(self.tmp, "empty-pc")
        os.makedirs(empty, exist_ok=True)
        p = run_py(ONE_LINER, self.elsewhere,
                   clean_env(PYTHONPATH=path, PKG_CONFIG_LIBDIR=empty,
                             LD_LIBRARY_PATH=os.path.join(self.prefix, "lib")))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("paroxetine", p.stdout)

    def test_missing_library_names_every_place_tried(self) -> None:
        if ctypes.util.find_library("reuptake"):
            self.skipTest("a libreuptake is installed system-wide: the loader would find it")
        path = self.copy_without_install_record("nowhere")
        empty = os.path.join(self.tmp, "empty-pc")
        os.makedirs(empty, exist_ok=True)
        p = run_py("import reuptake", self.elsewhere,
                   clean_env(PYTHONPATH=path, PKG_CONFIG_LIBDIR=empty))
        self.assertNotEqual(p.returncode, 0)
        last = p.stderr.strip().splitlines()[-1]
        self.assertIn("LibraryNotFoundError", last)
        for part in ("next to the package", "pkg-config", "dynamic loader", "REUPTAKE_LIBRARY",
                     "make install"):
            self.assertIn(part, last)

    def test_explicit_library_that_does_not_load(self) -> None:
        p = run_py("import reuptake", self.elsewhere,
                   clean_env(PYTHONPATH=self.site, REUPTAKE_LIBRARY="/nonexistent/lib.so"))
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("REUPTAKE_LIBRARY=/nonexistent/lib.so cannot be loaded", p.stderr)

    def test_pip_install_offline(self) -> None:
        if not SOURCE:
            self.skipTest("REUPTAKE_SOURCE_DIR is not set")
        if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True,
                          check=False).returncode != 0:
            self.skipTest("no pip for this interpreter")
        src = os.path.join(self.tmp, "src")
        shutil.copytree(os.path.join(SOURCE, "python"), src,
                        ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
        target = os.path.join(self.tmp, "pip-target")
        p = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation",
                            "--no-deps", "--no-index", "--quiet", "--target", target, src],
                           capture_output=True, text=True, check=False, timeout=300,
                           env=clean_env())
        self.assertEqual(p.returncode, 0, p.stderr)
        # the library of this test's install, through the loader: pkg-config sees no .pc, so a
        # libreuptake that an earlier `make install` put in /usr/local is not the one loaded
        empty = os.path.join(self.tmp, "empty-pc")
        os.makedirs(empty, exist_ok=True)
        q = run_py(ONE_LINER, self.elsewhere,
                   clean_env(PYTHONPATH=target, PKG_CONFIG_LIBDIR=empty,
                             LD_LIBRARY_PATH=os.path.join(self.prefix, "lib")))
        self.assertEqual(q.returncode, 0, q.stderr)
        self.assertIn("paroxetine", q.stdout)


if __name__ == "__main__":
    unittest.main()
