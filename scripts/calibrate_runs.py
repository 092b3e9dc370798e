"""Fit the realization factor: how much of the performance model's best-layout throughput real training
runs achieve (evaluation pauses, data loading, stragglers, conservative layouts and recomputation,
older software), on the published runs in src/traincost/data/runs.yaml (built from the calibration set
published_runs.csv). Writes src/traincost/data/realization.yaml.

    python scripts/calibrate_runs.py [--dry-run]

Median of log(reported / predicted) over the runs gives the factor; the robust spread (1.4826 x MAD)
gives the log-normal sigma that the ranges use, so that P10-P90 should hold ~80% of real runs.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import yaml

from traincost.trust import validation

OUT = Path(__file__).resolve().parents[1] / "src" / "traincost" / "data" / "realization.yaml"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    checks = validation.run_published_validation(samples=200, realization=1.0)  # the planner alone
    logs = np.array([math.log(c.reported / c.point) for c in checks])
    med = float(np.median(logs))
    sigma = float(1.4826 * np.median(np.abs(logs - med)))
    for c, x in zip(checks, logs, strict=True):
        print(f"{c.id:15s} reported/predicted {math.exp(x):5.2f}")
    doc = {
        "value": round(math.exp(-med), 3),
        "sigma": round(sigma, 3),
        "runs": len(checks),
        "source": (f"scripts/calibrate_runs.py: median and 1.4826 x MAD of log(reported / predicted) GPU-hours (or days) over "
                   f"{len(checks)} published runs in data/runs.yaml (from the calibration set published_runs.csv), predicted "
                   "with the performance model's best layout"),
        "meaning": "realized throughput = best-layout throughput x value; log-normal spread sigma",
    }
    print(doc)
    if not args.dry_run:
        OUT.write_text(yaml.safe_dump(doc, sort_keys=False, width=120), encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
