"""Assemble the whole bill of a run in two steps:

1. ``resolve``: every bill assumption becomes a :class:`Param`, the user's value or the sourced catalog
   default with its P10-P90 range;
2. ``compute``: pure arithmetic over those values with the formulas in ``bill`` and ``run``. It works on
   floats (the point estimate) and on NumPy arrays (the Monte Carlo in ``uncertainty``), so both use the
   same formulas.

``make_bill`` does both and turns the result into priced lines with quantities, unit prices and sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from traincost.money import bill, carbon, ownership, programme
from traincost.money.owned_bill import owned_detail, owned_lines
from traincost.money.params import (  # noqa: F401 - re-exported: the bill's parameters and how they resolve
    Context,
    Param,
    PriceFacts,
    RunFacts,
    resolve,
    resolve_grid,
)
from traincost.run import realism
from traincost.run import reliability as run

DAYS_PER_YEAR = 365.25  # Julian year, the year of bill.HOURS_PER_YEAR and bill.staff_cost


@dataclass
class BillResult:
    lines: list[bill.Line]
    cost: dict[str, float]
    energy: dict[str, float]
    carbon: dict[str, Any]
    storage: dict[str, Any]
    reliability: dict[str, float]
    time: dict[str, float]
    params: dict[str, Param] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ownership: str = "cloud"
    owned_detail: dict[str, Any] | None = (
        None  # owned: fixed cost per accelerator-year, buy-for-this-run, ...
    )


def compute(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Every number of the bill from parameter values (floats or equally long arrays)."""
    n, nodes = ctx.n_gpus, ctx.nodes
    ckpt_bytes = ctx.params_count * v["checkpoint_bytes_per_param"]
    write_s = ckpt_bytes / (v["checkpoint_write_gb_s_per_node"] * 1e9 * nodes)
    busy_days = realism.paused_days(
        v["solve_days"], v["evaluation_pause_share"], v["input_stall_share"], v["batch_warmup_share"]
    )  # steady training + evaluation, input and warm-up pauses
    # Daly's checkpoint cost is the time training is blocked per checkpoint (the stall), not the I/O time
    r = run.reliability(
        busy_days, n, v["interruption_rate_per_gpu_hour"], v["checkpoint_stall_s"], v["restart_minutes"]
    )
    days = r.wall_clock_days
    hours = days * 24.0
    gpu_hours = hours * n

    e = _energy_and_carbon(v, ctx, hours)
    it_kw = e["it_kw"]
    zero = 0.0 * days
    out: dict[str, Any] = {
        "co2": e["co2"],
        "reliability": r,
        "busy_days": busy_days,
        "days": days,
        "hours": hours,
        "gpu_hours": gpu_hours,
        "it_kw": it_kw,
        "kwh": e["kwh"],
        "operational_t": e["operational_t"],
        "embodied_t": e["embodied_t"],
    }
    out.update(_storage_and_staff(v, ctx, days, ckpt_bytes, write_s))
    out.update(_hardware_usd(v, ctx, it_kw, hours, gpu_hours, zero))
    st_data, st_ckpt, staff_usd = out["storage_data_usd"], out["storage_ckpt_usd"], out["staff_usd"]
    raw = out["raw_bytes"]
    out["storage_usd"] = st_data + st_ckpt
    owned_hw = out["compute_usd"] + out["energy_usd"] + out["facility_usd"]
    unit = v["price"] if not ctx.on_prem else owned_hw / gpu_hours  # what one more accelerator-hour costs
    out.update(
        programme.compute(
            v,
            programme.MainRun(
                n,
                ctx.on_prem,
                days,
                gpu_hours,
                unit,
                out["compute_usd"],
                raw / 1e12,
                ctx.params_count * 2 / 1e9,
                ckpt_bytes / 1e9,
            ),
        )
    )
    out.update(unit_price=unit, egress_gb=ctx.params_count * 2 / 1e9 + ckpt_bytes / 1e9, n_gpus=n)
    out["total_usd"] = owned_hw + out["storage_usd"] + staff_usd + out["programme_usd"]
    return out


def _energy_and_carbon(v: dict[str, Any], ctx: Context, hours: Any) -> dict[str, Any]:
    """The cluster's average IT power, the run's energy and its operational and embodied carbon (part of
    :func:`compute`)."""
    n, acc = ctx.n_gpus, ctx.acc
    it_kw = bill.cluster_power_kw(
        n, v["tdp_w"], v["power_fraction"], acc.node_size, v["host_w_per_node"], v["network_power_share"]
    )
    kwh = bill.energy_kwh(it_kw, hours, v["pue"])
    co2 = carbon.figures(v, n, hours, kwh, v["grid_intensity"], ctx.carbon_convention)
    op_t = co2["operational_t"]
    emb_t = bill.embodied_co2_t(
        n,
        v["embodied_kg_per_accelerator"],
        acc.node_size,
        v["embodied_kg_per_node_host"],
        hours,
        v["embodied_lifetime_years"],
    )
    return {"it_kw": it_kw, "kwh": kwh, "co2": co2, "operational_t": op_t, "embodied_t": emb_t}


def _storage_and_staff(
    v: dict[str, Any], ctx: Context, days: Any, ckpt_bytes: Any, write_s: Any
) -> dict[str, Any]:
    """The dataset and checkpoint storage and the staff of the run (part of :func:`compute`)."""
    raw = bill.dataset_bytes(ctx.tokens, v["bytes_per_token"])
    tok = bill.dataset_bytes(ctx.tokens, bill.token_id_bytes(ctx.vocab))
    months = days / bill.DAYS_PER_MONTH + v["evaluation_months"]
    data_gb = (raw + tok) / 1e9
    ckpt_gb = v["checkpoints_kept"] * ckpt_bytes / 1e9
    staff_days = days + (v["preparation_months"] + v["evaluation_months"]) * bill.DAYS_PER_MONTH
    return {
        "raw_bytes": raw,
        "tok_bytes": tok,
        "ckpt_bytes": ckpt_bytes,
        "write_s": write_s,
        "months": months,
        "data_gb": data_gb,
        "ckpt_gb": ckpt_gb,
        "storage_data_usd": bill.storage_cost(data_gb, months, v["storage_usd_per_gb_month"]),
        "storage_ckpt_usd": bill.storage_cost(ckpt_gb, months, v["storage_usd_per_gb_month"]),
        "staff_days": staff_days,
        "staff_usd": bill.staff_cost(v["engineers"], v["engineer_cost_per_year"], staff_days),
    }


def _hardware_usd(
    v: dict[str, Any], ctx: Context, it_kw: Any, hours: Any, gpu_hours: Any, zero: Any
) -> dict[str, Any]:
    """Compute, energy, facility, maintenance and depreciation: rented (cloud) or owned (part of :func:`compute`)."""
    n, acc = ctx.n_gpus, ctx.acc
    if not ctx.on_prem:
        return dict(
            compute_usd=bill.compute_cost(gpu_hours, v["price"]),
            energy_usd=zero,
            facility_usd=zero,
            maintenance_usd=zero,
            depreciation_usd=zero,
        )
    peak = ownership.peak_kw(n, v["tdp_w"], acc.node_size, v["host_rated_w"], v["network_power_share"])
    own = ownership.owned(v, n, acc.node_size, it_kw, peak, hours, ctx.depreciation, ctx.facility)
    return dict(
        compute_usd=own.depreciation_usd
        + own.capital_usd
        + own.maintenance_usd
        + own.ops_usd
        + own.software_usd,
        energy_usd=own.energy_usd,
        facility_usd=own.facility_usd,
        maintenance_usd=own.maintenance_usd,
        depreciation_usd=own.depreciation_usd,
        capex_usd=own.capex_usd,
        capital_usd=own.capital_usd,
        owned=own,
        peak_kw=peak,
    )


def _bill_notes(v: dict[str, Any], ctx: Context, o: dict[str, Any], required_bw: float) -> list[str]:
    notes = []
    if ctx.acc.tdp_w is None:
        notes.append(f"{ctx.acc.id} has no published TDP; energy assumes {v['tdp_w']:.0f} W per accelerator.")
    if o["write_s"] > v["checkpoint_stall_s"]:
        notes.append(
            f"A checkpoint ({o['ckpt_bytes'] / 1e12:.2f} TB) takes {o['write_s']:.0f} s at "
            f"{v['checkpoint_write_gb_s_per_node']:g} GB/s per node, above the {v['checkpoint_stall_s']:g} s target: "
            f"it needs {required_bw:,.0f} GB/s in aggregate."
        )
    return notes


def _cloud_lines(v: dict[str, Any], ctx: Context, o: dict[str, Any]) -> list[bill.Line]:
    """The rented accelerator-hours, and the energy the cloud price already includes."""
    return [
        bill.Line(
            "compute",
            f"{ctx.acc.id} accelerator-hours (with failure overhead)",
            o["gpu_hours"],
            "GPU-h",
            v["price"],
            o["compute_usd"],
            ctx.price_source,
        ),
        bill.Line(
            "energy",
            "electricity, facility and hardware",
            o["kwh"],
            "kWh",
            0.0,
            0.0,
            "included in the cloud price (not counted twice)",
        ),
    ]


def _bill_lines(P: dict[str, Param], v: dict[str, Any], ctx: Context, o: dict[str, Any]) -> list[bill.Line]:
    lines: list[bill.Line] = []
    lines.extend(_cloud_lines(v, ctx, o) if not ctx.on_prem else owned_lines(v, ctx, o))
    lines.append(
        bill.Line(
            "storage",
            f"dataset ({ctx.data_kind}: raw {v['bytes_per_token']:g} B/token + token ids)",
            o["data_gb"] * o["months"],
            "GB-month",
            v["storage_usd_per_gb_month"],
            o["storage_data_usd"],
            f"{ctx.storage_class} storage; {o['months']:.1f} months (run + evaluation)",
        )
    )
    lines.append(
        bill.Line(
            "storage",
            f"checkpoints ({v['checkpoints_kept']:g} kept x {o['ckpt_bytes'] / 1e12:.2f} TB)",
            o["ckpt_gb"] * o["months"],
            "GB-month",
            v["storage_usd_per_gb_month"],
            o["storage_ckpt_usd"],
            f"{v['checkpoint_bytes_per_param']:g} B/param (weights + optimizer state)",
        )
    )
    lines.append(
        bill.Line(
            "staff",
            f"{v['engineers']:g} engineers x {o['staff_days']:.0f} days (incl. preparation and evaluation)",
            v["engineers"] * o["staff_days"] / DAYS_PER_YEAR,
            "engineer-years",
            v["engineer_cost_per_year"],
            o["staff_usd"],
            "loaded cost per engineer-year; set --engineers 0 to leave staff out",
        )
    )
    lines.extend(programme.lines(v, P, o, ctx.on_prem, float(o["unit_price"])))
    return lines


def _carbon_summary(v: dict[str, Any], ctx: Context, o: dict[str, Any]) -> dict[str, Any]:
    return {
        "operational_t": o["operational_t"],
        "embodied_t": o["embodied_t"],
        "total_t": o["operational_t"] + o["embodied_t"],
        "grid_g_per_kwh": v["grid_intensity"],
        "grid_region": ctx.grid_region,
        "convention": ctx.carbon_convention,
        "market_operational_t": o["co2"]["market_operational_t"],
        "market_total_t": o["co2"]["market_operational_t"] + o["embodied_t"],
        "renewable_matched_share": v["renewable_matched_share"],
        "full_to_model_card": o["co2"]["full_to_model_card"],
        "kg_per_gpu_hour": o["operational_t"] * 1000 / o["gpu_hours"],
    }


def _reliability_summary(v: dict[str, Any], ctx: Context, o: dict[str, Any]) -> dict[str, Any]:
    r: run.Reliability = o["reliability"]
    solve_days = v["solve_days"]
    return {
        "interruptions": r.interruptions,
        "goodput": solve_days / o["days"],
        "mtbf_hours": r.mtbf_hours,
        "checkpoint_interval_min": r.checkpoint_interval_min,
        "restart_min": v["restart_minutes"],
        "extra_days": o["days"] - solve_days,
        "extra_gpu_hours": (o["days"] - solve_days) * 24.0 * ctx.n_gpus,
        "interruption_rate_per_gpu_hour": v["interruption_rate_per_gpu_hour"],
        "failure_goodput": r.goodput,
        "pause_days": o["busy_days"] - solve_days,
        "checkpoint_stall_s": v["checkpoint_stall_s"],
        **{k: v[k] for k in realism.EFFECTS},
    }


def _cost_summary(o: dict[str, Any]) -> dict[str, float]:
    cost = {k: float(o[k]) for k in ("compute_usd", "energy_usd", "facility_usd", "storage_usd")}
    cost["staff_usd"] = float(o["staff_usd"])
    cost["capital_usd"] = float(o.get("capital_usd", 0.0))
    cost["programme_usd"] = float(o["programme_usd"])
    cost["total_usd"] = float(o["total_usd"])
    return cost


def make_bill(P: dict[str, Param], ctx: Context) -> BillResult:
    """Price one run (the point estimate: every parameter at its central value)."""
    v = {k: p.value for k, p in P.items()}
    solve_days = v["solve_days"]
    o = compute(v, ctx)
    required_bw = o["ckpt_bytes"] / v["checkpoint_stall_s"] / 1e9
    return BillResult(
        lines=_bill_lines(P, v, ctx, o),
        cost=_cost_summary(o),
        energy={"kwh": o["kwh"], "it_kw": o["it_kw"], "pue": v["pue"], "power_fraction": v["power_fraction"]},
        carbon=_carbon_summary(v, ctx, o),
        storage={
            "dataset_tb": o["raw_bytes"] / 1e12,
            "tokenized_tb": o["tok_bytes"] / 1e12,
            "checkpoint_tb": o["ckpt_bytes"] / 1e12,
            "checkpoints_kept": v["checkpoints_kept"],
            "checkpoint_write_s": o["write_s"],
            "required_write_gb_s": required_bw,
            "storage_class": ctx.storage_class,
            "months": o["months"],
        },
        reliability=_reliability_summary(v, ctx, o),
        time={
            "wall_clock_days": o["days"],
            "gpu_hours": o["gpu_hours"],
            "failure_free_days": solve_days,
            "failure_free_gpu_hours": solve_days * 24.0 * ctx.n_gpus,
        },
        params=P,
        notes=_bill_notes(v, ctx, o, required_bw),
        ownership="owned" if ctx.on_prem else "cloud",
        owned_detail=owned_detail(v, o) if ctx.on_prem else None,
    )


from traincost.money.uncertainty import ranges, sample  # noqa: E402, F401 - the Monte Carlo, re-exported
