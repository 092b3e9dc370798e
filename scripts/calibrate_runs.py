"""Fit the residual of whole-run realism: after the modelled effects (failures and restarts by provider
class, checkpoint stalls, evaluation pauses, input stalls, batch warm-up; run/realism.py), how much of the
performance model's best-layout throughput published runs achieve (older software, conservative layouts,
stragglers). Fitted on the published runs in src/traincost/data/runs.yaml, never on the held-out sources
(BRIEF.md); reports the leave-one-out error. Writes src/traincost/data/realization.yaml.

    python scripts/calibrate_runs.py [--dry-run]
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import yaml

from traincost.trust import validation

OUT = Path(__file__).resolve().parents[1] / "src" / "traincost" / "data" / "realization.yaml"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    checks = validation.run_published_validation(
        samples=2000, realization=1.0
    )  # modelled effects, no residual
    loo = validation.leave_one_out(checks)
    for row in loo["rows"]:
        print(
            f"{row['id']:15s} reported/predicted {row['reported'] / row['p50']:5.2f}  LOO error {row['error_p50']:+.0%}"
            f"  inside {row['inside_p10_p90']}  held out {row['held_out']}"
        )
    fit = [c for c in checks if not validation.held_out(c)]
    med, sigma = validation.residual_fit([math.log(c.reported / c.p50) for c in fit])
    doc = {
        "value": round(math.exp(-med), 3),
        "sigma": round(sigma, 3),
        "runs": len(fit),
        "leave_one_out": {
            "median_abs_error": round(loo["median_abs_error"], 3),
            "coverage_p10_p90": round(loo["coverage_p10_p90"], 3),
        },
        "source": (
            f"scripts/calibrate_runs.py: residual after the modelled whole-run effects (run/realism.py): median "
            f"and sample standard deviation of log(reported / predicted) GPU-hours (or days) over {len(fit)} published runs "
            "in data/runs.yaml (held-out sources excluded); leave-one-out error "
            f"{loo['median_abs_error']:.0%}, P10-P90 coverage {loo['coverage_p10_p90']:.0%} (`traincost validate`)"
        ),
        "meaning": "steady-state throughput = best-layout throughput x value; log-normal spread sigma",
    }
    print(doc)
    if not args.dry_run:
        OUT.write_text(yaml.safe_dump(doc, sort_keys=False, width=120), encoding="utf-8")
        print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
