"""Which assumption moves the total cost most: a one-at-a-time swing (tornado) over the bill's uncertain inputs.

Each input with a P10-P90 range is set to its low and its high value while every other input stays at its
central value; the swing is the difference in total cost. This is the standard one-way sensitivity analysis
(e.g. Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, ch. 1, "one-at-a-time"); it ranks
inputs, it does not add up to the Monte Carlo range (which draws them jointly).
"""

from __future__ import annotations

from typing import Any

from traincost.money.costing import Context, Param, compute

# What each bill parameter means to a reader of the answer (names not listed are shown as they are)
# presentation: how many cost drivers the tornado lists
TOP_DRIVERS = 5
LABELS = {
    "solve_days": "throughput (the share of the planned speed a real run reaches)",
    "price": "the price per GPU-hour",
    "interruption_rate_per_gpu_hour": "the interruption rate",
    "restart_minutes": "minutes lost per restart",
    "engineers": "team size",
    "engineer_cost_per_year": "the cost of an engineer-year",
    "server_price": "the server price",
    "lifetime_years": "the hardware lifetime",
    "utilization": "the owned cluster's utilization",
    "electricity_usd_per_kwh": "the electricity price",
    "pue": "the datacenter PUE",
    "grid_intensity": "the grid's carbon intensity",
}


def drivers(P: dict[str, Param], ctx: Context, top: int = TOP_DRIVERS) -> list[dict[str, Any]]:
    """The inputs that swing the total cost most, largest first: name, label, low/high input values and the
    total cost at each, with the input's source."""
    central = {k: p.value for k, p in P.items()}
    out = []
    for k, p in P.items():
        if p.user or p.low is None or p.high is None or p.value is None or p.low == p.high:
            continue
        lo = float(compute({**central, k: p.low}, ctx)["total_usd"])
        hi = float(compute({**central, k: p.high}, ctx)["total_usd"])
        if lo == hi:
            continue
        out.append(
            {
                "name": k,
                "label": LABELS.get(k, k.replace("_", " ")),
                "low": float(p.low),
                "high": float(p.high),
                "cost_at_low": lo,
                "cost_at_high": hi,
                "swing_usd": abs(hi - lo),
                "source": p.source,
            }
        )
    out.sort(key=lambda d: -d["swing_usd"])
    return out[:top]
