"""Owned hardware as a finance team counts it (docs/bill.md, "Owned hardware").

Per year the cluster is held, an owner pays:

* depreciation of capex less resale over the economic life, (C - S) / L (straight line), or the value lost
  to hardware progress, C·(1 - e^{-r·t}) (Epoch AI, Cottier et al. 2024);
* the cost of capital on the average book value, k·(C + S) / 2 (average-investment method);
* maintenance (a share of capex), colocation on the contracted PEAK kW, operations staff and software
  licences, whether the cluster is busy or not;
* electricity only for the hours it draws power.

A run is charged the years it occupies, t_busy = run hours / (8,766 h x utilization). The break-even
utilization is where the owned cost per useful accelerator-hour equals the cloud price:
u* = F / (8,766 x (p_cloud - e)), F the fixed cost per accelerator-year and e the energy per
accelerator-hour. "Buy for this run": buy, run, sell; capex less the resale after the run's duration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

HOURS_PER_YEAR = 8766.0  # 365.25 days x 24 h (Julian year, leap years included)
MONTHS_PER_YEAR = 12.0  # calendar: colocation is priced per kW-month
EPOCH_RATE = 0.14 * math.log(10)  # value lost per year to hardware progress (Epoch AI: 0.14 OOM/yr)


def peak_kw(n_gpus: int, tdp_w: float, node_size: int, host_rated_w: float, network_share: float) -> float:
    """Contracted (peak) IT power: accelerators at TDP, each node's rated host power, network on top."""
    nodes = math.ceil(n_gpus / node_size)
    return (n_gpus * tdp_w + nodes * host_rated_w) * (1 + network_share) / 1000.0


@dataclass(frozen=True)
class Owned:
    capex_usd: Any
    resale_usd: Any
    depreciation_usd: Any
    capital_usd: Any
    maintenance_usd: Any
    facility_usd: Any
    energy_usd: Any
    ops_usd: Any
    software_usd: Any
    busy_years: Any
    fixed_usd_per_gpu_year: Any  # everything but electricity, per accelerator-year held
    energy_usd_per_gpu_hour: Any


def owned(
    v: dict[str, Any], n_gpus: int, node_size: int, it_kw, peak, run_hours, method: str, facility: str
) -> Owned:
    """Cost of ownership charged to one run (floats or NumPy arrays in `v`)."""
    nodes = math.ceil(n_gpus / node_size)
    capex = nodes * v["server_price"] / (1.0 - v["network_capex_share"] - v["storage_capex_share"])
    life, k = v["lifetime_years"], v["cost_of_capital"]
    resale = capex * v["resale_fraction"]
    busy = run_hours / HOURS_PER_YEAR / v["utilization"]
    if method == "epoch":
        rate = v.get("hardware_progress_rate_per_year", EPOCH_RATE)
        dep_year = capex * rate  # instantaneous loss rate at purchase value; the run pays C·(1-e^{-r t})
        depreciation = -capex * np.expm1(-rate * busy)
    else:
        dep_year = (capex - resale) / life
        depreciation = dep_year * busy
    capital_year = k * (capex + resale) / 2.0
    maint_year = capex * v["maintenance_share_per_year"]
    if facility == "colo":
        fac_year = peak * v["colocation_usd_per_kw_month"] * MONTHS_PER_YEAR
    else:
        fac_year = v["facility_build_usd_per_mw"] * (peak * v["pue"] / 1000.0) / v["facility_lifetime_years"]
    ops_year = n_gpus / v["ops_gpus_per_engineer"] * v["engineer_cost_per_year"]
    sw_year = n_gpus * v["software_usd_per_gpu_year"]
    energy_per_hour = it_kw * v["pue"] * v["electricity_usd_per_kwh"]
    fixed_year = dep_year + capital_year + maint_year + fac_year + ops_year + sw_year
    return Owned(
        capex_usd=capex,
        resale_usd=resale,
        depreciation_usd=depreciation,
        capital_usd=capital_year * busy,
        maintenance_usd=maint_year * busy,
        facility_usd=fac_year * busy,
        energy_usd=energy_per_hour * run_hours,
        ops_usd=ops_year * busy,
        software_usd=sw_year * busy,
        busy_years=busy,
        fixed_usd_per_gpu_year=fixed_year / n_gpus,
        energy_usd_per_gpu_hour=energy_per_hour / n_gpus,
    )


def break_even_utilization(
    fixed_usd_per_gpu_year: float, energy_usd_per_gpu_hour: float, cloud_price: float
) -> float:
    """Utilization at which owning costs the cloud price per useful accelerator-hour; inf if never."""
    margin = cloud_price - energy_usd_per_gpu_hour
    return math.inf if margin <= 0 else fixed_usd_per_gpu_year / (HOURS_PER_YEAR * margin)


def buy_for_run(v: dict[str, Any], o: Owned, run_hours: float) -> dict[str, float]:
    """Buy the cluster for this run alone and sell it afterwards: capex less what it fetches after the
    run (hardware-progress decay x the used-market discount), plus capital, maintenance, colocation,
    operations and software for the run's duration, plus electricity."""
    t = run_hours / HOURS_PER_YEAR
    sold = o.capex_usd * (1 - v["used_market_discount"]) * math.exp(-EPOCH_RATE * t)
    per_year = lambda x: float(x) / o.busy_years * t if o.busy_years else 0.0  # noqa: E731 - a rate for t years
    capital = v["cost_of_capital"] * (o.capex_usd + sold) / 2.0 * t
    parts = {
        "capex_usd": float(o.capex_usd),
        "resale_after_run_usd": float(sold),
        "capital_usd": float(capital),
        "maintenance_usd": per_year(o.maintenance_usd),
        "facility_usd": per_year(o.facility_usd),
        "ops_usd": per_year(o.ops_usd),
        "software_usd": per_year(o.software_usd),
        "energy_usd": float(o.energy_usd),
    }
    parts["total_usd"] = (
        parts["capex_usd"]
        - sold
        + sum(v for k, v in parts.items() if k not in ("capex_usd", "resale_after_run_usd"))
    )
    return parts
