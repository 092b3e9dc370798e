"""Audit a claim figure by figure: each claimed GPU-hours, days x GPUs or cost gets its own verdict.

A figure that implies accelerator-hours is judged by the MFU it needs (training FLOPs / (hours x 3600 x dense
peak); PaLM's MFU definition, Chowdhery et al. 2022, App. B) against 100% and against the best MFU published
for the generation. A cost next to GPU-hours (or days x GPUs) implies a price per GPU-hour, judged against the
dated price catalog.
"""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.units import usd


def mfu_verdict(mfu: float, best: dict[str, Any], acc_id: str, dtype: str) -> tuple[str, str]:
    if mfu > 1.0:
        return "impossible", f"it needs {mfu:.0%} of the {acc_id}'s dense {dtype} peak; no hardware exceeds 100%"
    if mfu > best["mfu"]:
        return "implausible", f"{mfu:.0%} MFU is above the best published {best['mfu']:.0%} for {best['scope']} ({best['row']})"
    return "plausible", f"{mfu:.0%} MFU is within what has been measured (best published {best['mfu']:.0%})"


def price_range(acc_id: str) -> tuple[tuple[float, str], tuple[float, str]] | None:
    """The cheapest and dearest price per accelerator-hour in the catalog for `acc_id` (any provider and
    pricing, spot included), each with where it comes from."""
    seen = []
    for p in catalog.prices():
        if p.accelerator != acc_id:
            continue
        for field, name in (("on_demand", "on-demand"), ("reserved_1y", "1y"), ("reserved_3y", "3y"), ("spot", "spot")):
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
        return "implausible", (f"it implies {usd(price)} per GPU-hour, below the cheapest {acc_id} price in the "
                               f"catalog ({usd(lo)}, {lo_src})")
    return "plausible", (f"it implies {usd(price)} per GPU-hour, within or above the catalog's {acc_id} prices "
                         f"({usd(lo)} {lo_src} to {usd(hi)} {hi_src})")


WORST = {"impossible": 2, "implausible": 1, "plausible": 0}


def worst(verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    return max(verdicts, key=lambda v: WORST[v["verdict"]])
