"""(d) SciPy solve_ivp LSODA on the population problem of bench/README.md.

Usage: python3 bench_scipy.py NSUB. Doses are jumps, so each 24 h interval is one solve_ivp
call started from the post-dose state (solve_ivp has no dosing events). Prints "key value"."""
import sys
import time

import numpy as np
from scipy.integrate import solve_ivp


def main():
    nsub = int(sys.argv[1])
    rng = np.random.default_rng(1)
    sd = lambda cv: np.sqrt(np.log1p(cv * cv))
    cl = 20.0 * np.exp(rng.normal(0.0, sd(0.30), nsub))
    v = 300.0 * np.exp(rng.normal(0.0, sd(0.20), nsub))
    ka = 1.0 * np.exp(rng.normal(0.0, sd(0.30), nsub))
    nt = 673
    s1 = np.zeros(nt)
    t0 = time.perf_counter()
    for i in range(nsub):
        k = cl[i] / v[i]
        a = ka[i]

        def rhs(t, y):
            return [-a * y[0], a * y[0] - k * y[1]]

        y = np.array([0.0, 0.0])
        conc = np.empty(nt)
        for d in range(28):
            y[0] += 20.0
            te = np.arange(24 * d, 24 * d + 25, dtype=float)
            sol = solve_ivp(rhs, (te[0], te[-1]), y, method="LSODA", t_eval=te,
                            rtol=1e-8, atol=1e-12)
            conc[24 * d:24 * d + 24] = sol.y[1, :24] / v[i]
            y = sol.y[:, -1].copy()
        conc[nt - 1] = y[1] / v[i]
        s1 += conc
    el = time.perf_counter() - t0
    print("scipy_subjects", nsub)
    print("scipy_lsoda_us %.1f" % (1e6 * el / nsub))
    print("scipy_mean_conc_t672 %.6g" % (s1[-1] / nsub))


if __name__ == "__main__":
    main()
