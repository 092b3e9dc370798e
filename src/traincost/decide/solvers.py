"""Solvers for one candidate: the smallest cluster that meets a deadline, the most tokens a budget buys, the
fewest domain tokens that reach a target loss."""

from __future__ import annotations

import math
from typing import Any

from traincost import catalog
from traincost.decide.cpt_decision import tokens_for_loss
from traincost.errors import InputError
from traincost.schema import Scenario
from traincost.usecases.estimate import estimate
from traincost.usecases.results import Estimate

MAX_GPUS = 65536  # 2^16: the deadline search's largest cluster, above the largest published training runs
# algorithm settings: Monte Carlo draws per step of a search (P50 settles to ~2%), and for a quick probe run
SEARCH_SAMPLES = 2000
PROBE_SAMPLES = 200  # the from-scratch comparison and the target-loss probe need the median only
MIN_BUDGET_TOKENS = 1e8  # the budget search's smallest run: 100M tokens
BISECTION_STEPS = 40  # the budget bisection's step cap (2^-40 of the log range)
BISECTION_RATIO = 1.01  # the budget bisection stops within 1% in tokens


def solve_deadline(sc: Scenario, days: float) -> tuple[Estimate | None, int | None]:
    """Smallest cluster, in whole nodes, whose wall-clock time (failures included) at --budget-percentile
    (default 50: the median, the answer traincost gives) meets the
    deadline. Doubling search, then bisection on the node count."""
    gpu = sc.gpu or catalog.defaults()["scenario"]["gpu"]["value"]
    extra = catalog.load_hardware_file(sc.hardware_file) if sc.hardware_file else None
    node = catalog.resolve_accelerator(gpu, extra).node_size

    def days_at(nodes: int) -> tuple[float, Estimate | None]:
        try:
            r = estimate(sc, gpus=nodes * node, samples=sc.samples or SEARCH_SAMPLES)
        except InputError:
            return math.inf, None
        return r.ranges["at_percentile"]["wall_clock_days"], r  # at --budget-percentile (default: the median)

    hi, r_hi = 1, None
    while hi * node <= MAX_GPUS:
        d, r = days_at(hi)
        if d <= days:
            r_hi = r
            break
        hi *= 2
    if r_hi is None:
        return None, None
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        d, r = days_at(mid)
        if d <= days:
            hi, r_hi = mid, r
        else:
            lo = mid
    return r_hi, hi * node  # the estimate that met the deadline (the same draws as the search)


def solve_budget(sc: Scenario, budget: float) -> tuple[Estimate | None, float | None]:
    """Most training tokens whose total cost at --budget-percentile (default 50: the median) stays within the
    budget (bisection in log space; the same seeded samples at every step, so the cost is smooth in tokens)."""
    lo, hi = MIN_BUDGET_TOKENS, 1e15

    def cost(tokens: float) -> float:  # at --budget-percentile (default: the median), not the point estimate
        return estimate(sc, tokens=tokens, samples=sc.samples or SEARCH_SAMPLES).ranges["at_percentile"][
            "cost_usd"
        ]

    if cost(lo) > budget:
        return None, None
    for _ in range(BISECTION_STEPS):
        mid = math.sqrt(lo * hi)
        if cost(mid) <= budget:
            lo = mid
        else:
            hi = mid
        if hi / lo < BISECTION_RATIO:
            break
    tokens = float(f"{lo:.3g}")
    return estimate(sc, tokens=tokens, samples=sc.samples or SEARCH_SAMPLES), tokens


def solve_target_loss(sc: Scenario, target: float) -> tuple[Estimate | None, dict[str, Any]]:
    """Fewest domain tokens whose P50 domain loss reaches the target (CPT law), and their cost."""
    probe = estimate(sc, samples=PROBE_SAMPLES)
    t = tokens_for_loss(probe.to_dict(), target, sc.seed or 0)
    if t is None:
        return None, {
            "target_loss": target,
            "feasible": False,
            "error": "the CPT law's floor for this model is above the target (or it is not a CPT run)",
        }
    if t == 0:
        return None, {
            "target_loss": target,
            "feasible": True,
            "tokens": 0.0,
            "error": "the base model already reaches the target: no CPT needed",
        }
    return estimate(sc, tokens=t), {"target_loss": target, "tokens": t, "feasible": True}
