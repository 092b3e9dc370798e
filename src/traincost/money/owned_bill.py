"""The owned cluster's bill lines and summary (from money/ownership.py's arithmetic)."""

from __future__ import annotations

from typing import Any

from traincost.money import bill
from traincost.units import one_line as _short


def owned_lines(v: dict[str, Any], ctx, o: dict[str, Any]) -> list[bill.Line]:
    """The owned cluster's lines: depreciation, cost of capital, maintenance, operations, software,
    electricity and colocation (money/ownership.py)."""
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
    L = bill.Line
    return [
        L(
            "compute",
            f"depreciation, {dep_how}",
            busy,
            "cluster-years",
            own.depreciation_usd / busy,
            own.depreciation_usd,
            basis,
        ),
        L(
            "compute",
            f"cost of capital, {v['cost_of_capital']:.0%}/yr on (capex + resale) / 2",
            busy,
            "cluster-years",
            own.capital_usd / busy,
            own.capital_usd,
            _short(P_SOURCE["cost_of_capital"]),
        ),
        L(
            "compute",
            "maintenance and support",
            busy,
            "cluster-years",
            own.maintenance_usd / busy,
            own.maintenance_usd,
            f"{v['maintenance_share_per_year']:.0%} of capex per year",
        ),
        L(
            "compute",
            f"operations staff, 1 per {v['ops_gpus_per_engineer']:g} accelerators",
            busy,
            "cluster-years",
            own.ops_usd / busy,
            own.ops_usd,
            f"${v['engineer_cost_per_year']:,.0f} loaded per engineer-year; "
            + _short(P_SOURCE["ops_gpus_per_engineer"], 100),
        ),
        L(
            "compute",
            "software licences and support",
            busy,
            "cluster-years",
            own.software_usd / busy,
            own.software_usd,
            f"${v['software_usd_per_gpu_year']:,.0f} per accelerator-year",
        ),
        L(
            "energy",
            "electricity",
            o["kwh"],
            "kWh",
            v["electricity_usd_per_kwh"],
            own.energy_usd,
            f"IT {o['it_kw']:,.0f} kW average x PUE {v['pue']:.2f}, run hours only",
        ),
        L(
            "facility",
            f"datacenter ({ctx.facility})",
            busy,
            "cluster-years",
            own.facility_usd / busy,
            own.facility_usd,
            fac_desc,
        ),
    ]


P_SOURCE = {
    "cost_of_capital": "assumption: a company's weighted average cost of capital (see onprem.yaml)",
    "ops_gpus_per_engineer": "CTWatch 2006: one FTE per ~250 processors",
}


def owned_detail(v: dict[str, Any], o: dict[str, Any]) -> dict[str, Any]:
    from traincost.money import ownership

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
