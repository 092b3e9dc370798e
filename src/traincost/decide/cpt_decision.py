"""The CPT decision between candidates: cost against expected domain-loss gain and general-loss change.

Every candidate's losses are drawn with the same coefficient draws (common random numbers), so the
difference between two candidates has its own interval. Two candidates are *indistinguishable* on a loss
when the 80% interval (P10-P90) of their paired difference contains 0; a candidate is *dominated* when
another costs less (training at P50 plus serving) and is not worse on the domain loss nor on the
general-loss change (neither paired interval lies above 0 for it).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from traincost.decide import cpt
from traincost.units import PERCENTILES

# the bisection for the smallest sufficient amount stops when its bracket is within 1% (3 significant
# digits are reported)
BISECT_RATIO = 1.01

SAMPLES = cpt.DRAWS


def _inputs(entry: dict[str, Any]) -> cpt.CptInputs | None:
    q = entry.get("quality") or {}
    if q.get("kind") != "continued-pretraining":
        return None
    return cpt.CptInputs(
        float(entry["model"]["active_params"]),
        float(q["domain_tokens"]),
        float(q["replay"]),
        float(q["base_pretraining_tokens"]),
        q["domain"],
        q["schedule"],
        q.get("measured_base_domain_loss"),
    )


def samples(entry: dict[str, Any], seed: int = 0) -> dict[str, np.ndarray]:
    """The candidate's loss draws: domain loss and general-loss change (CPT), or the loss (from scratch)."""
    x = _inputs(entry)
    if x is None:  # from scratch: the Epoch law's draws; no domain, no forgetting
        P = {
            k: cpt._param(k, cpt.catalog.cpt()["coefficients"][k])
            for k in ("E", "A_ref", "alpha", "B_ref", "beta")
        }
        c = cpt.draw(P, SAMPLES, seed)
        loss = (
            c["E"]
            + cpt.size_term(c, float(entry["model"]["active_params"]))
            + cpt.data_term(c, float(entry["tokens"]))
        )
        return {"domain_loss": loss * np.ones(SAMPLES), "general_loss_change": np.zeros(SAMPLES)}
    return cpt.simulate(x, (entry.get("scenario") or {}).get("cpt_coefficients"), SAMPLES, seed)


def _interval(d: np.ndarray) -> tuple[float, float, float]:
    p10, p50, p90 = np.percentile(d, PERCENTILES)
    return float(p10), float(p50), float(p90)


def _total(entry: dict[str, Any]) -> float:
    return entry["cost"]["total_usd"] + ((entry.get("serving") or {}).get("cost_usd") or 0.0)


def decide(rows: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
    """Add `decision` to each costed candidate and return the comparison's verdict on quality."""
    ok = [r for r in rows if "cost" in r and r.get("quality")]
    draws = [samples(r, seed) for r in ok]
    for r in ok:
        q = r["quality"]
        gain = q.get("domain_gain") or None
        cost = r["ranges"]["cost_usd"]["p50"]  # training cost P50 (the bill's Monte Carlo)
        per_gain = cost / gain["p50"] if gain and gain["p50"] > 0 else None
        r["decision"] = {
            "cost_usd_p50": r["ranges"]["cost_usd"]["p50"],
            "cost_usd_p80": r["ranges"]["cost_usd"].get("p80"),
            "wall_clock_days": r["time"]["wall_clock_days"],
            "serving_usd": (r.get("serving") or {}).get("cost_usd"),
            "training_plus_serving_usd": _total(r),
            "domain_gain": gain,
            "general_loss_change": q.get("general_loss_change"),
            "cost_per_domain_gain_usd": per_gain,
            "cost_per_domain_gain_range_usd": (
                [cost / gain["p90"], cost / gain["p10"] if gain["p10"] > 0 else None]
                if gain and gain["p90"] > 0
                else None
            ),
            "dominated_by": [],
        }
    for i, (ri, si) in enumerate(zip(ok, draws, strict=True)):
        for j, (rj, sj) in enumerate(zip(ok, draws, strict=True)):
            if i == j or not _total(rj) < _total(ri):
                continue
            worse_dom = _interval(sj["domain_loss"] - si["domain_loss"])[0] > 0
            worse_gen = _interval(sj["general_loss_change"] - si["general_loss_change"])[0] > 0
            if not worse_dom and not worse_gen:
                ri["decision"]["dominated_by"].append(rj["label"])
    return _verdict(ok, draws)


def _verdict(ok: list[dict[str, Any]], draws: list[dict[str, np.ndarray]]) -> dict[str, Any]:
    if not ok:
        return {"best_expected_loss": None, "indistinguishable_loss": [], "dominated": []}
    med = [float(np.median(s["domain_loss"])) for s in draws]
    b = int(np.argmin(med))
    ties = [
        ok[j]["label"]
        for j in range(len(ok))
        if j != b and _interval(draws[b]["domain_loss"] - draws[j]["domain_loss"])[2] >= 0
    ]
    diffs = {
        ok[j]["label"]: dict(
            zip(
                ("p10", "p50", "p90"),
                _interval(draws[j]["domain_loss"] - draws[b]["domain_loss"]),
                strict=True,
            )
        )
        for j in range(len(ok))
        if j != b
    }
    return {
        "best_expected_loss": None if ties else ok[b]["label"],
        "lowest_median_loss": ok[b]["label"],
        "indistinguishable_loss": [ok[b]["label"], *ties] if ties else [],
        "loss_difference_vs_lowest": diffs,
        "dominated": [r["label"] for r in ok if r["decision"]["dominated_by"]],
        "rule": "paired P10-P90 of the loss difference (same coefficient draws for every candidate); "
        "indistinguishable when it contains 0",
    }


def tokens_for_loss(entry: dict[str, Any], target: float, seed: int = 0) -> float | None:
    """Domain tokens at which the candidate's P50 domain loss reaches `target` (bisection in log tokens);
    0 when the base model is already there, None when the law's floor for this model is above it."""
    x0 = _inputs(entry)
    if x0 is None:
        return None
    cc = (entry.get("scenario") or {}).get("cpt_coefficients")

    def med(tokens: float) -> tuple[float, float]:
        x = cpt.CptInputs(
            x0.n_params, tokens, x0.replay, x0.base_tokens, x0.domain, x0.schedule, x0.domain_loss
        )
        s = cpt.simulate(x, cc, SAMPLES, seed)
        return float(np.median(s["domain_loss"])), float(np.median(s["base_domain_loss"]))

    lo, hi = 1e6, 1e15
    at_lo, base = med(lo)
    if base <= target:
        return 0.0
    if med(hi)[0] > target:
        return None
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if med(mid)[0] <= target:
            hi = mid
        else:
            lo = mid
        if hi / lo < BISECT_RATIO:
            break
    return float(f"{hi:.3g}")
