#!/usr/bin/env python3
"""The demo's figure from Python: Paxil (paroxetine) 20 mg once daily plus Strattera
(atomoxetine) 40 mg twice daily for 28 days, as `make demo` draws it with
`reuptake simulate Paxil:20mg:qd Strattera:40mg:bid --days 28 --plot build/demo.png`:
total plasma concentrations of every compound (top) and transporter occupancy (bottom), with
atomoxetine's steady-state exposure with vs without paroxetine in the title.

Usage: paroxetine_atomoxetine.py [OUTPUT.png]   (default paroxetine_atomoxetine.png)
Needs matplotlib (Debian: python3-matplotlib); without it the script says so and exits 0.
A research and teaching instrument; it gives no clinical advice.
"""

from __future__ import annotations

import sys

import reuptake

REGIMENS = ["Paxil:20mg:qd", "Strattera:40mg:bid"]


def main(argv: list) -> int:
    out = argv[1] if len(argv) > 1 else "paroxetine_atomoxetine.png"
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("paroxetine_atomoxetine.py: matplotlib is not installed (apt-get install "
              "python3-matplotlib); no figure drawn", file=sys.stderr)
        return 0
    df = reuptake.simulate(REGIMENS, days=28)
    ratio = reuptake.interact("Strattera:40mg:bid", with_="Paxil:20mg:qd")["auc_ratio"]
    w = reuptake.wide(df)
    days = [t / 24.0 for t in w["time_h"]]
    names = list(w.columns) if hasattr(w, "columns") else list(w.keys())
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 6))
    for name in names:
        if name.endswith("_ng_per_ml"):
            top.plot(days, list(w[name]), label=name[: -len("_ng_per_ml")])
        elif name.endswith("_occupancy"):
            bottom.plot(days, list(w[name]), label=name[: -len("_occupancy")])
    top.set_ylabel("total plasma concentration (ng/mL)")
    bottom.set_ylabel("occupancy (fraction)")
    bottom.set_ylim(0.0, 1.0)
    bottom.set_xlabel("time (days)")
    for ax in (top, bottom):
        ax.legend(loc="best", fontsize="small")
        ax.grid(alpha=0.3)
    fig.suptitle("Paxil 20 mg qd + Strattera 40 mg bid: atomoxetine AUC x%.2f with paroxetine"
                 % ratio)
    fig.text(0.5, 0.005, reuptake.DISCLAIMER, ha="center", va="bottom", fontsize=6, wrap=True)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    fig.savefig(out, dpi=120)
    print(f"paroxetine_atomoxetine.py: figure written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
