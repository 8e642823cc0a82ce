"""Every struct the package declares with ctypes has the C compiler's size and field offsets
(tests/layout.c, built by CMake as ru_py_layout and named by REUPTAKE_LAYOUT)."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import unittest

from helpers import reuptake  # noqa: F401  (loads the library first)
from reuptake import _lib, _pop


class LayoutMatchesTheHeaders(unittest.TestCase):
    def test_sizes_and_offsets(self) -> None:
        exe = os.environ.get("REUPTAKE_LAYOUT", "")
        if not exe or not os.path.exists(exe):
            self.skipTest("REUPTAKE_LAYOUT is not set (CTest sets it to the built ru_py_layout)")
        c = json.loads(subprocess.run([exe], capture_output=True, text=True,
                                      check=True).stdout)
        structs = dict(_lib.STRUCTS)
        # the population structs are mirrored for the hybrid solver's pop.h only
        self.assertEqual("ru_pop_config" in c, _pop.AVAILABLE)
        if _pop.AVAILABLE:
            structs.update(_pop.STRUCTS)
        self.assertEqual(sorted(c), sorted(structs))
        for name, cls in structs.items():
            with self.subTest(struct=name):
                self.assertEqual(ctypes.sizeof(cls), c[name]["size"])
                fields = [f[0].rstrip("_") for f in cls._fields_]
                self.assertEqual(fields, list(c[name]["fields"]))
                for f in cls._fields_:
                    self.assertEqual(getattr(cls, f[0]).offset,
                                     c[name]["fields"][f[0].rstrip("_")], f[0])


if __name__ == "__main__":
    unittest.main()
