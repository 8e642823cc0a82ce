"""Calls from several Python threads at once: each call builds its own simulation (a simulation
is a value) on the one shared knowledge base (kb.h: safe for concurrent queries), and ctypes
releases the GIL inside every library call, so the threads really run in C at the same time.
Every result equals the result of the same call made alone."""

from __future__ import annotations

import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List

from helpers import col, reuptake

CALLS: List[Callable[[], Any]] = [
    lambda: reuptake.exposure("paroxetine:20mg:q24h"),  # nonlinear: CVODE
    lambda: reuptake.simulate("desipramine:50mg:q24h", days=3, phenotype="CYP2D6=PM"),
    lambda: reuptake.occupancy("venlafaxine:150mg:q24h"),
    lambda: reuptake.interact("desipramine:50mg", with_="paroxetine:20mg:q24h",
                              phenotype="CYP2D6=PM"),
    lambda: reuptake.drugs.show("duloxetine"),
    lambda: reuptake.exposure("bupropion:150mg:q12h", solver="cvode"),
    lambda: reuptake.dose_response("escitalopram", [5, 10, 20], target="SERT"),
    lambda: reuptake.exposure(["paroxetine:20mg:q24h", "atomoxetine:40mg:q12h"],
                              solver="hybrid", tol=1e-6),
    lambda: reuptake.synapse("atomoxetine:40mg:q12h", days=1, step=1, occupancy="SERT=0.2"),
    lambda: reuptake.physiology("atomoxetine:40mg", state="standing"),
]


def fingerprint(result: Any) -> Any:
    """Everything numeric in a result, as plain lists, for exact comparison."""
    if isinstance(result, dict):
        return {k: fingerprint(v) for k, v in result.items()}
    if hasattr(result, "columns") or isinstance(result, reuptake.Table):
        names = list(result.columns) if hasattr(result, "columns") else list(result)
        return {n: [repr(x) for x in col(result, n)] for n in names}
    if isinstance(result, list):
        return [fingerprint(x) for x in result]
    if hasattr(result, "tolist"):  # a numpy array: every element at full precision
        return [repr(x) for x in result.tolist()]
    return repr(result)


class ThreadsAreSafe(unittest.TestCase):
    def test_concurrent_calls_equal_serial_calls(self) -> None:
        serial = [fingerprint(c()) for c in CALLS]
        jobs = CALLS * 4  # 40 calls on 6 threads, every kind running beside the others
        with ThreadPoolExecutor(max_workers=6) as pool:
            results = list(pool.map(lambda c: fingerprint(c()), jobs))
        for i, r in enumerate(results):
            self.assertEqual(r, serial[i % len(CALLS)], f"call {i % len(CALLS)}")

    def test_errors_on_threads_stay_on_their_thread(self) -> None:
        def bad() -> str:
            try:
                reuptake.exposure("parox:20mg:q24h")
            except reuptake.InputError as e:
                return e.message
            return ""

        def good() -> Any:
            return fingerprint(reuptake.exposure("sertraline:50mg:q24h"))

        want_good, want_bad = good(), bad()
        with ThreadPoolExecutor(max_workers=4) as pool:
            futs = [pool.submit(bad if i % 2 else good) for i in range(16)]
            for i, f in enumerate(futs):
                self.assertEqual(f.result(), want_bad if i % 2 else want_good)

    def test_private_knowledge_bases_on_threads(self) -> None:
        """Each thread may also open its own handle; results are the same."""
        want = fingerprint(reuptake.exposure("escitalopram:10mg:q24h"))
        out: List[Any] = []
        lock = threading.Lock()

        def run() -> None:
            with reuptake.KnowledgeBase() as kb:
                r = fingerprint(reuptake.exposure("escitalopram:10mg:q24h", kb=kb))
            with lock:
                out.append(r)

        ts = [threading.Thread(target=run) for _ in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(out, [want] * 4)

    def test_library_calls_release_the_gil(self) -> None:
        """While one thread is inside a long library call, another Python thread keeps
        running (ctypes drops the GIL for foreign calls)."""
        ticks = [0]
        done = threading.Event()

        def spin() -> None:
            while not done.is_set():
                ticks[0] += 1
                time.sleep(0)

        t = threading.Thread(target=spin)
        t.start()
        try:
            # one long library call (ru_sim_exposure of an interacting pair on CVODE)
            reuptake.exposure(["paroxetine:20mg:q24h", "atomoxetine:40mg:q12h"])
        finally:
            done.set()
            t.join()
        self.assertGreater(ticks[0], 100)


if __name__ == "__main__":
    unittest.main()
