"""The owned cluster's bill lines and summary (from money/ownership.py's arithmetic)."""

from __future__ import annotations

from typing import Any

from traincost.money import bill, ownership
from traincost.units import one_line


def owned_lines(v: dict[str, Any], ctx, o: dict[str, Any]) -> list[bill.Line]:
    """The owned cluster's lines: depreciation, cost of capital, maintenance, operations, software,
    electricity and colocation (money/ownership.py)."""
    own = o["owned"]
    busy = own.busy_years
    basis, dep_how, fac_desc = _owned_texts(v, ctx, o)
    per_cluster_year = [  # (kind, description, USD, source) of the lines priced per cluster-year
        ("compute", f"depreciation, {dep_how}", own.depreciation_usd, basis),
        (
            "compute",
            f"cost of capital, {v['cost_of_capital']:.0%}/yr on (capex + resale) / 2",
            own.capital_usd,
            one_line(P_SOURCE["cost_of_capital"]),
        ),
        (
            "compute",
            "maintenance and support",
            own.maintenance_usd,
            f"{v['maintenance_share_per_year']:.0%} of capex per year",
        ),
        (
            "compute",
            f"operations staff, 1 per {v['ops_gpus_per_engineer']:g} accelerators",
            own.ops_usd,
            f"${v['engineer_cost_per_year']:,.0f} loaded per engineer-year; "
            + one_line(P_SOURCE["ops_gpus_per_engineer"]),
        ),
        (
            "compute",
            "software licences and support",
            own.software_usd,
            f"${v['software_usd_per_gpu_year']:,.0f} per accelerator-year",
        ),
    ]
    lines = [
        bill.Line(k, d, busy, "cluster-years", usd / busy, usd, src) for k, d, usd, src in per_cluster_year
    ]
    lines.append(
        bill.Line(
            "energy",
            "electricity",
            o["kwh"],
            "kWh",
            v["electricity_usd_per_kwh"],
            own.energy_usd,
            f"IT {o['it_kw']:,.0f} kW average x PUE {v['pue']:.2f}, run hours only",
        )
    )
    fac = own.facility_usd
    lines.append(
        bill.Line(
            "facility", f"datacenter ({ctx.facility})", busy, "cluster-years", fac / busy, fac, fac_desc
        )
    )
    return lines


def _owned_texts(v: dict[str, Any], ctx, o: dict[str, Any]) -> tuple[str, str, str]:
    """The basis of the cluster-years, how depreciation is taken and what the facility costs, in words."""
    own, util, life = o["owned"], v["utilization"], v["lifetime_years"]
    capex, busy = own.capex_usd, own.busy_years
    basis = (
        f"{busy:.3f} cluster-years: run hours / {util:.0%} utilization; capex ${capex / 1e6:,.1f}M = "
        f"{ctx.nodes} nodes x ${v['server_price']:,.0f} + network {v['network_capex_share']:.0%} and storage "
        f"{v['storage_capex_share']:.0%}"
    )
    dep_how = (
        "Epoch hardware-progress decay"
        if ctx.depreciation == "epoch"
        else f"(capex - {v['resale_fraction']:.0%} resale) / {life:g}-year economic life"
    )
    fac_desc = (
        f"${v['colocation_usd_per_kw_month']:,.0f}/kW-month on the contracted peak {o['peak_kw']:,.0f} kW"
        if ctx.facility == "colo"
        else f"build ${v['facility_build_usd_per_mw'] / 1e6:.1f}M/MW over {v['facility_lifetime_years']:g} years"
    )
    return basis, dep_how, fac_desc


P_SOURCE = {
    "cost_of_capital": "assumption: a company's weighted average cost of capital (see onprem.yaml)",
    "ops_gpus_per_engineer": "CTWatch 2006: one FTE per ~250 processors",
}


def owned_detail(v: dict[str, Any], o: dict[str, Any]) -> dict[str, Any]:
    own = o["owned"]
    return {
        "capex_usd": float(own.capex_usd),
        "resale_usd": float(own.resale_usd),
        "peak_kw": float(o["peak_kw"]),
        "utilization": float(v["utilization"]),
        "economic_life_years": float(v["lifetime_years"]),
        "cost_of_capital": float(v["cost_of_capital"]),
        "busy_years": float(own.busy_years),
        "fixed_usd_per_gpu_year": float(own.fixed_usd_per_gpu_year),
        "energy_usd_per_gpu_hour": float(own.energy_usd_per_gpu_hour),
        "buy_for_run": ownership.buy_for_run(v, own, float(o["hours"])),
    }
