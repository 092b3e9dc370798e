"""The Monte Carlo over a bill's uncertain parameters (split out of costing.py): every uncertain input is
drawn jointly and the same formulas (costing.compute) run on the arrays."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from traincost.run.feasibility import never_finishes
from traincost.units import PERCENTILES, Z90

# Monte Carlo draws of the bill (default): a decile from 10,000 draws has a standard error of 0.3
# percentage points of probability (sqrt(0.1 x 0.9 / 10,000))
MC_SAMPLES = 10_000
# the budget percentile reported by default: the median
MEDIAN_PERCENTILE = 50.0
# share of draws that must finish for a P90 to exist (the P90 needs 90% of the draws)
MIN_FINISHED_SHARE = 0.9
# presentation: the cost histogram spans the 1st-99th percentile of the draws in 30 bins
HISTOGRAM_CLIP = (1, 99)
HISTOGRAM_BINS = 30  # presentation
# the budget a buyer with some risk appetite sets (P80), reported next to the P10/P50/P90
BUDGET_PERCENTILE = 80


def sample(P: dict[str, Any], n: int, rng: np.random.Generator) -> dict[str, Any]:
    """Draw `n` values of every parameter. A parameter with a range (low, value, high) follows a split
    log-normal whose P10, P50 and P90 are exactly low, value and high (a split normal when a bound is 0);
    user-given values and parameters without a range stay fixed. Draws are independent."""
    out: dict[str, Any] = {}
    for k, p in P.items():
        if (
            p.user
            or p.low is None
            or p.high is None
            or p.value is None
            or not (p.low <= p.value <= p.high)
            or p.low == p.high
        ):
            out[k] = p.value
            continue
        u = rng.standard_normal(n)
        if p.low > 0 and p.value > 0:
            s_lo, s_hi = math.log(p.value / p.low) / Z90, math.log(p.high / p.value) / Z90
            out[k] = p.value * np.exp(np.where(u < 0, u * s_lo, u * s_hi))
        else:
            s_lo, s_hi = (p.value - p.low) / Z90, (p.high - p.value) / Z90
            out[k] = np.maximum(p.value + np.where(u < 0, u * s_lo, u * s_hi), 0.0)
    return out


def ranges(
    P: dict[str, Any], ctx, n: int = MC_SAMPLES, seed: int = 0, percentile: float = MEDIAN_PERCENTILE
) -> dict[str, Any]:
    """P10/P50/P90 of the headline figures from `n` joint draws of every uncertain parameter (seeded,
    reproducible). The point estimate evaluates each input at its central value; the P50 is the median of
    the outputs, which differs where the model is non-linear (failures, fixed costs)."""
    from traincost.money.costing import compute  # deferred: import cycle with money.costing

    rng = np.random.default_rng(seed)
    with np.errstate(
        over="ignore", invalid="ignore", divide="ignore"
    ):  # draws that never finish: checked below
        o = compute(sample(P, n, rng), ctx)

    def q(x) -> dict[str, float]:
        x = np.broadcast_to(np.asarray(x, dtype=float), (n,))
        p10, p50, p90 = np.percentile(x, PERCENTILES)
        return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}

    varied = [
        k for k, p in P.items() if not p.user and p.low is not None and p.high is not None and p.low != p.high
    ]
    cost = np.broadcast_to(np.asarray(o["total_usd"], dtype=float), (n,))
    finite = np.isfinite(cost)
    if (
        finite.mean() < MIN_FINISHED_SHARE
    ):  # the P90 needs 90% of the draws to finish: interruptions outpace checkpoint + restart
        rate = P["interruption_rate_per_gpu_hour"].value if "interruption_rate_per_gpu_hour" in P else 0.0
        mtbf_h = 1.0 / (rate * ctx.n_gpus) if rate > 0 else float("inf")
        raise never_finishes("interruption_rate", ctx.n_gpus, float(rate), mtbf_h, share=1 - finite.mean())
    lo, hi = np.percentile(cost[finite], HISTOGRAM_CLIP)
    counts, edges = np.histogram(
        np.clip(cost, lo, hi), bins=HISTOGRAM_BINS, range=(lo, hi if hi > lo else lo + 1)
    )
    return {
        "cost_histogram": {"edges": [float(x) for x in edges], "counts": [int(c) for c in counts]},
        "gpu_hours": q(o["gpu_hours"]),
        "wall_clock_days": q(o["days"]),
        "cost_usd": {**q(o["total_usd"]), "p80": float(np.percentile(cost, BUDGET_PERCENTILE))},
        "energy_kwh": q(o["kwh"]),
        "co2_t": q(o["operational_t"] + o["embodied_t"]),
        "samples": n,
        "seed": seed,
        "varied": varied,
        "at_percentile": {
            "percentile": percentile,
            **{
                k: float(np.percentile(np.broadcast_to(np.asarray(o[src], dtype=float), (n,)), percentile))
                for k, src in (
                    ("cost_usd", "total_usd"),
                    ("wall_clock_days", "days"),
                    ("gpu_hours", "gpu_hours"),
                )
            },
        },
        "method": "Monte Carlo: each uncertain input drawn from a split log-normal with its catalog P10/P50/P90 "
        "(low/value/high), independently; throughput from the performance model's validation error.",
    }
