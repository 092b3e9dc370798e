"""What an estimate adds around the bill: replay tokens, pilots, quality, serving, the answer, ownership and
the projection to a later year."""

from __future__ import annotations

import math
from typing import Any

from traincost import catalog
from traincost.decide.cpt import quality_for
from traincost.decide.cpt_fit import pilots_line
from traincost.decide.serving import serving_cost
from traincost.errors import InputError
from traincost.money import market, prices
from traincost.money.ownership import break_even_utilization
from traincost.usecases.results import Assumption


def trained_tokens(sc, tokens: float, notes: list[str]) -> float:
    """--tokens counts domain tokens; a replay share of general data comes on top and costs compute."""
    if sc.replay and sc.kind == "from-scratch":
        notes.append(
            "Replay applies to continued pre-training only; --replay is ignored for --kind from-scratch."
        )
    if not sc.replay or sc.kind == "from-scratch":
        return tokens
    trained = tokens / (1.0 - sc.replay)
    notes.append(
        f"Replay: {sc.replay:.0%} of the trained tokens are general data, so {trained:.4g} tokens are trained "
        f"for {tokens:.4g} domain tokens (trained = domain / (1 - replay))."
    )
    return trained


def quality(sc, arch, entry, domain_tokens: float, assumptions: list[Assumption]) -> dict[str, Any]:
    """Expected loss from the CPT law, recording the base-model tokens it assumed."""
    pre = entry.pretraining_tokens if entry else None
    if sc.base_tokens is None and pre and sc.kind != "from-scratch":
        assumptions.append(Assumption(field="base_tokens", value=pre, source=entry.pretraining_tokens_source))

    def note(field: str, value: Any, source: str) -> None:
        assumptions.append(Assumption(field=field, value=value, source=source))

    return quality_for(sc, arch.active_params, pre, domain_tokens, note)


def pilots(sc, priced, peak: float, mfu: float, rng_out: dict) -> dict[str, Any] | None:
    """The pilot runs' bill line (scenario `pilots:`, written by `traincost fit-cpt`), added to the total."""
    if not sc.pilots:
        return None
    hours = priced.time["gpu_hours"]
    per_hour = priced.cost["compute_usd"] / hours if hours else 0.0
    line = pilots_line(sc.pilots, peak, mfu, per_hour)
    for q in rng_out["cost_usd"]:
        rng_out["cost_usd"][q] += line["usd"]
    return line


def _serving_price(sc, s_acc, acc, train_price: float | None) -> float:
    if sc.serve_price is not None:
        return sc.serve_price
    if s_acc.id == acc.id and train_price is not None:
        return train_price
    if sc.provider is None and sc.pricing in (None, "market"):
        m = market.effective(s_acc)
        if m is None:
            raise InputError("serve_price", f"no price for {s_acc.id} in the catalog; pass --serve-price")
        return m.value
    return prices.select(s_acc, sc.provider, sc.pricing).value


def serving(sc, arch, acc, train_price: float | None, assumptions: list[Assumption]) -> dict[str, Any] | None:
    """The cost of serving the trained model (--serve), on the training accelerator unless --serve-gpu."""
    if not sc.serve:
        return None
    try:
        s_acc = catalog.resolve_accelerator(sc.serve_gpu) if sc.serve_gpu else acc
    except InputError as e:
        raise InputError("serve_gpu", e.message) from None
    price = _serving_price(sc, s_acc, acc, train_price)
    d = catalog.defaults()["serving_months"]
    months = sc.months or float(d["value"])
    if sc.months is None:
        assumptions.append(Assumption(field="months", value=months, source=d["why"]))
    return serving_cost(arch, s_acc, sc.serve, months, price).to_dict()


def projection(sc, priced, assumptions: list[Assumption]) -> dict[str, Any] | None:
    """Cost of the same run bought in a later year: compute gets cheaper with ML-hardware price-performance,
    which doubles every ~2.1 years (Epoch AI, 'Trends in GPU price-performance': ML GPUs 2.07 years, 90% CI
    1.54-3.13; data/defaults.yaml `projection`)."""
    if not sc.year:
        return None
    p = catalog.defaults()["projection"]
    base_year, doubling = int(p["base_year"]), float(p["doubling_years"])
    fast, slow = float(p["doubling_years_low"]), float(p["doubling_years_high"])
    years = sc.year - base_year
    factor = 2.0 ** (-years / doubling)
    compute = priced.cost["compute_usd"] * factor
    total = priced.cost["total_usd"] - priced.cost["compute_usd"] + compute
    assumptions.append(
        Assumption(field="price_performance_doubling_years", value=doubling, source=p["source"])
    )
    return {
        "year": sc.year,
        "base_year": base_year,
        "doubling_years": doubling,
        "factor": factor,
        "compute_usd": compute,
        "total_usd": total,
        "range_factor": [2.0 ** (-years / fast), 2.0 ** (-years / slow)]
        if years >= 0
        else [2.0 ** (-years / slow), 2.0 ** (-years / fast)],
        "note": "only compute (the accelerator-hour price or hardware) is projected; energy, storage and staff are not",
    }


def answer(rng: dict[str, Any], priced) -> dict[str, Any]:
    """The answer is the median (P50) of the Monte Carlo: half the outcomes cost less, half more. The point
    estimate (every input at its central value) sits below it because costs are convex in the uncertain
    inputs (failures, right-skewed price and throughput ranges) and is shown for reference only."""
    at = rng["at_percentile"]
    return {
        "basis": "median (P50) of the Monte Carlo",
        "cost_usd": rng["cost_usd"]["p50"],
        "wall_clock_days": rng["wall_clock_days"]["p50"],
        "gpu_hours": rng["gpu_hours"]["p50"],
        "point_estimate_usd": priced.cost["total_usd"],
        "point_estimate_note": "every input at its central value; below the median because costs grow faster than "
        "linearly with the uncertain inputs (failures, skewed price and throughput ranges)",
        "budget_percentile": at["percentile"],
        "budget_usd": at["cost_usd"],
        "days_at_percentile": at["wall_clock_days"],
    }


def ownership(own, cloud_price: float, pricing: str | None) -> dict[str, Any]:
    """Owned vs rented per useful accelerator-hour, and the utilization at which they break even."""
    d = dict(own.owned_detail or {})
    u = break_even_utilization(d["fixed_usd_per_gpu_year"], d["energy_usd_per_gpu_hour"], cloud_price)
    hours = own.time["gpu_hours"]
    owned_hw = own.cost["compute_usd"] + own.cost["energy_usd"] + own.cost["facility_usd"]
    d.update(
        cloud_usd_per_gpu_hour=cloud_price,
        cloud_pricing=pricing,
        owned_usd_per_gpu_hour=owned_hw / hours if hours else None,
        break_even_utilization=None if math.isinf(u) else u,
    )
    return d
