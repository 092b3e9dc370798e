"""What the same run costs at every provider and tier (`traincost prices --gpu X --gpus N --days D`)."""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.money import market
from traincost.money.prices import every_offer
from traincost.units import parse_count, parse_duration

# presentation: with no run length given, offers are priced for a month of use
DEFAULT_DAYS = 30.0


def _num(v, field: str, default: float, integer: bool = False) -> float:
    if v is None:
        return default
    try:
        x = parse_duration(v, {"": 1.0, "d": 1.0}) if field == "days" else float(parse_count(v))
    except (TypeError, ValueError):
        x = -1.0
    if x <= 0 or (integer and x != int(x)):
        raise InputError(field, f"must be a positive {'whole ' if integer else ''}number (got {v!r})")
    return x


def run_offers(acc, gpus=None, days=None, provider: str | None = None) -> dict[str, Any]:
    """Compute cost (accelerator-hours x price; no failures, storage or staff) of `gpus` accelerators for
    `days` at every training-sized offer, spot included for reference, and the effective price."""
    n = int(_num(gpus, "gpus", float(catalog.defaults()["scenario"]["gpus"]["value"]), integer=True))
    d = _num(days, "days", DEFAULT_DAYS)
    hours = n * d * 24.0
    m = market.effective(acc, d)
    counted = (
        {(o.provider, o.tier, o.row.date) for o in m.offers}
        if m is not None and not m.estimated_from
        else set()
    )
    rows = []
    for o in every_offer(acc, include_spot=True):
        if provider and o.provider != provider.lower():
            continue
        r = o.row
        rows.append(
            {
                "provider": o.provider,
                "instance": r.instance,
                "region": r.region,
                "tier": o.tier,
                "usd_per_gpu_hour": o.value,
                "compute_usd": o.value * hours,
                "date": r.date,
                "gpus_per_node": r.accelerators_per_instance,
                "counted_in_market": (o.provider, o.tier, r.date) in counted,
                "source": r.source,
            }
        )
    rows.sort(key=lambda x: x["usd_per_gpu_hour"])
    eff = None
    if m is not None:
        eff = {
            "usd_per_gpu_hour": m.value,
            "p10": m.low,
            "p90": m.high,
            "compute_usd": m.value * hours,
            "compute_usd_p10": m.low * hours,
            "compute_usd_p90": m.high * hours,
            "source": m.source,
            "estimated_from": m.estimated_from,
        }
    return {"gpu": acc.id, "gpus": n, "days": d, "gpu_hours": hours, "offers": rows, "effective": eff}
