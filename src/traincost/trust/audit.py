"""Audit a claim figure by figure: each claimed GPU-hours, days x GPUs or cost gets its own verdict.

A figure that implies accelerator-hours is judged by the MFU it needs (training FLOPs / (hours x 3600 x dense
peak); PaLM's MFU definition, Chowdhery et al. 2022, App. B) against 100% and against the best MFU published
for the generation. A cost next to GPU-hours (or days x GPUs) implies a price per GPU-hour, judged against the
dated price catalog.
"""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.money.market import effective
from traincost.units import usd


def mfu_verdict(mfu: float, best: dict[str, Any], acc_id: str, dtype: str) -> tuple[str, str]:
    if mfu > 1.0:
        return (
            "impossible",
            f"it needs {mfu:.0%} of the {acc_id}'s dense {dtype} peak; no hardware exceeds 100%",
        )
    if mfu > best["mfu"]:
        return (
            "implausible",
            f"{mfu:.0%} MFU is above the best published {best['mfu']:.0%} for {best['scope']} ({best['row']})",
        )
    return "plausible", f"{mfu:.0%} MFU is within what has been measured (best published {best['mfu']:.0%})"


def price_range(acc_id: str) -> tuple[tuple[float, str], tuple[float, str]] | None:
    """The cheapest and dearest price per accelerator-hour in the catalog for `acc_id` (any provider and
    pricing, spot included), each with where it comes from."""
    seen = []
    for p in catalog.prices():
        if p.accelerator != acc_id:
            continue
        for field, name in (
            ("on_demand", "on-demand"),
            ("reserved_1y", "1y"),
            ("reserved_3y", "3y"),
            ("spot", "spot"),
        ):
            v = getattr(p, field)
            if v:
                seen.append((float(v), f"{p.provider} {name}, {p.date}"))
    if not seen:
        return None
    return min(seen), max(seen)


def price_verdict(price: float, acc_id: str) -> tuple[str, str]:
    rng = price_range(acc_id)
    if rng is None:
        return "plausible", f"{usd(price)} per GPU-hour (no {acc_id} prices in the catalog to compare with)"
    (lo, lo_src), (hi, hi_src) = rng
    if price < lo:
        return "implausible", (
            f"it implies {usd(price)} per GPU-hour, below the cheapest {acc_id} price in the "
            f"catalog ({usd(lo)}, {lo_src})"
        )
    return "plausible", (
        f"it implies {usd(price)} per GPU-hour, within or above the catalog's {acc_id} prices "
        f"({usd(lo)} {lo_src} to {usd(hi)} {hi_src})"
    )


WORST = {"impossible": 2, "implausible": 1, "plausible": 0}


def worst(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    return max(verdicts, key=lambda v: WORST[v["verdict"]])


def judge(req, acc, dtype: str, peak: float, flops: float, best: dict[str, Any]):
    """The claimed figures of an AuditRequest, each with its verdict.

    Returns (claim, hours, verdicts): the claim as stated (with the price used or implied), the
    accelerator-hours of the first figure, and one verdict per figure: GPU-hours and days x GPUs by the MFU
    they need; a cost by the price it implies next to hours, else by the MFU of the hours it buys at the
    given (or default) price."""
    claim: dict[str, Any] = {}
    figures: list[tuple[str, float]] = []  # (figure, accelerator-hours it implies)
    if req.gpu_hours is not None:
        claim["gpu_hours"] = req.gpu_hours
        figures.append(("gpu_hours", req.gpu_hours))
    if req.days is not None:
        claim.update(days=req.days, gpus=req.gpus)
        figures.append(("days", req.days * 24 * req.gpus))
    priced: list[dict[str, Any]] = []
    if req.cost is not None:
        claim["cost_usd"] = req.cost
        if req.price is None and figures:  # cost next to hours: the price it implies
            p = req.cost / figures[0][1]
            v, why = price_verdict(p, acc.id)
            priced.append(
                {
                    "figure": "cost",
                    "price_per_gpu_hour": p,
                    "verdict": v,
                    "reason": why,
                    "price_basis": f"implied: cost / {figures[0][0].replace('_', ' ')}",
                }
            )
            claim["price_per_gpu_hour_implied"] = p
        else:
            if req.price is not None:
                price, basis = req.price, "the price you gave (--price)"
            else:
                m = effective(acc)
                if m is None:
                    raise InputError("price", f"no price for {acc.id} in the catalog; give --price")
                price = m.value
                basis = (
                    f"traincost's effective market price for {acc.id} (median of the providers' best "
                    f"training-cluster offers, P10-P90 {usd(m.low)}-{usd(m.high)}); --price changes it"
                )
            claim.update(price_per_gpu_hour=price, price_basis=basis)
            figures.append(("cost", req.cost / price))
    verdicts = []
    for fig, hours in figures:
        mfu = flops / (hours * 3600.0 * peak)
        v, why = mfu_verdict(mfu, best, acc.id, dtype)
        if fig == "cost":
            why = f"at {usd(claim['price_per_gpu_hour'])} per GPU-hour ({claim['price_basis']}) it buys {hours:,.0f} GPU-hours: {why}"
        verdicts.append({"figure": fig, "gpu_hours": hours, "mfu": mfu, "verdict": v, "reason": why})
    if req.gpu_hours is None:
        claim["gpu_hours_implied"] = figures[0][1]
    return claim, figures[0][1], verdicts + priced
