"""Assemble the whole bill of a run in two steps:

1. ``resolve``: every bill assumption becomes a :class:`Param`, the user's value or the sourced catalog
   default with its P10-P90 range;
2. ``compute``: pure arithmetic over those values with the formulas in ``bill`` and ``run``. It works on
   floats (the point estimate) and on NumPy arrays (the Monte Carlo in ``uncertainty``), so both use the
   same formulas.

``make_bill`` does both and turns the result into priced lines with quantities, unit prices and sources.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.hardware.accelerator import Accelerator
from traincost.money import bill, carbon, programme
from traincost.money.owned_bill import owned_detail, owned_lines
from traincost.run import realism
from traincost.run import reliability as run
from traincost.units import one_line as _short


@dataclass(frozen=True)
class Param:
    name: str
    value: Any
    source: str
    low: float | None = None
    high: float | None = None
    user: bool = False


def _p(name: str, node: dict, user: Any = None, source: str | None = None, key: str = "value") -> Param:
    """A parameter from a catalog node {value, low, high, source}, or the user's value."""
    if user is not None:
        return Param(name, user, "user", user=True)
    v = node[key]
    if isinstance(v, dict):
        return Param(name, v["value"], source or v.get("source") or node.get("source", ""), v.get("low"), v.get("high"))
    return Param(name, v, source or node.get("source", ""), node.get("low"), node.get("high"))




@dataclass
class Context:
    """The structural (not sampled) facts of a bill."""

    acc: Accelerator
    n_gpus: int
    nodes: int
    params_count: int
    vocab: int
    tokens: float
    on_prem: bool
    facility: str
    depreciation: str
    storage_class: str
    data_kind: str
    price_source: str
    grid_region: str
    carbon_convention: str = "full"


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
    owned_detail: dict[str, Any] | None = None  # owned: fixed cost per accelerator-year, buy-for-this-run, ...


def resolve_grid(sc, acc_region: str | None) -> tuple[Param, str]:
    """Grid carbon intensity: the user's value, a grid region key, a cloud region id, the price row's
    region, or the stated default."""
    g = catalog.bill_data("grid")
    d = g["default"]
    if sc.grid_intensity is not None:
        return Param("grid_intensity", sc.grid_intensity, "user", user=True), "user value"
    key = (sc.region or acc_region or "").strip().lower()
    if key:
        found = g["regions"].get(key)
        if found is None:
            found = next((regions[key] for regions in g["cloud_regions"].values() if key in regions), None)
        if found is not None and "gco2e_per_kwh" not in found:  # a cloud region that names its grid only
            grid_row = g["regions"].get(found.get("grid", ""))
            found = ({**grid_row, "source": f"{key} -> grid '{found['grid']}': {grid_row.get('source', '')}"} if grid_row
                     else {"gco2e_per_kwh": d["value"], "source": f"{key}: grid not in the catalog, default used"})
        if found is not None:
            v = found["gco2e_per_kwh"]
            # a known region: +-25% (grid mixes vary by year and hour; the catalog rows are 2016-2023 data)
            return Param("grid_intensity", v, _short(found.get("source", "")), v * 0.75, v * 1.25, user=bool(sc.region)), key
        if sc.region:
            known = sorted(set(g["regions"]) | {k for v in g["cloud_regions"].values() for k in v})
            raise InputError("region", f"unknown region '{sc.region}'; accepted: {', '.join(known)}")
    return Param("grid_intensity", d["value"], _short(d.get("source", "")), d["low"], d["high"]), "default (US average)"


def resolve(sc, acc: Accelerator, n_gpus: int, params_count: int, vocab: int, tokens: float, solve_days: float,
            price: float | None, price_source: str, price_region: str | None, on_prem: bool,
            solve_range: tuple[float, float] | None = None, price_user: bool = False,
            price_band: tuple[float, float] | None = None) -> tuple[dict[str, Param], Context]:
    onp, rel, sto, emb, staff = (catalog.bill_data(k) for k in ("onprem", "reliability", "storage", "embodied", "staff"))
    P: dict[str, Param] = {}

    def add(p: Param) -> Any:
        P[p.name] = p
        return p.value

    lo, hi = solve_range or (None, None)
    add(Param("solve_days", solve_days, "performance model (failure-free wall-clock days)", lo, hi, user=solve_range is None))
    if not on_prem:
        lo_p, hi_p = price_band or (price * 0.80, price * 1.15)  # the market band, else a listed price's drift
        add(Param("price", price, price_source, None if price_user else lo_p, None if price_user else hi_p,
                  user=price_user))
    add(_p("checkpoint_bytes_per_param", sto["checkpoint"]["bytes_per_param"]))
    add(_p("checkpoint_write_gb_s_per_node", sto["checkpoint"]["write_bandwidth_gb_s_per_node"], sc.checkpoint_write_gb_s))
    add(_p("checkpoint_stall_s", rel["checkpoint_write_seconds"], sc.checkpoint_stall_s))
    cls = realism.interruption_class(on_prem)
    add(_p("interruption_rate_per_gpu_hour", rel["interruption_rate_by_class"][cls], sc.interruption_rate,
           source=f"{cls} cluster: " + _short(rel["interruption_rate_by_class"][cls]["source"], 300)))
    for eff in realism.EFFECTS:
        add(_p(eff, rel[eff], getattr(sc, eff, None)))
    add(_p("restart_minutes", rel["restart_minutes"], sc.restart_minutes))

    frac_node = onp["power"]["tdp_fraction"]["tpu" if acc.generation.startswith("tpu") else "gpu"]
    pf = add(_p("power_fraction", {**frac_node, "source": onp["power"]["tdp_fraction"]["source"]}, sc.power_fraction))
    host = onp["power"]["host_overhead_w_per_node"]
    rated = (host.get("by_accelerator_rated_max_w") or {}).get(acc.id)
    if sc.host_w_per_node is None:
        scale = (rated / host["value"] * pf) if rated else acc.node_size / 8.0  # per-server rating, else per 8 GPUs
        if rated:
            src = f"{acc.id} server rated host power {rated} W x {pf:g} average fraction; {_short(host.get('source', ''), 120)}"
        else:
            src = f"{_short(host.get('source', ''), 140)} (scaled to {acc.node_size} accelerators per node)"
        add(Param("host_w_per_node", host["value"] * scale, src, host["low"] * scale, host["high"] * scale))
    else:
        add(Param("host_w_per_node", sc.host_w_per_node, "user", user=True))
    add(_p("network_power_share", onp["power"]["network_switch_share"]))
    pue_node = onp["facility"]["pue"]
    add(_p("pue", {**pue_node["default" if on_prem else "hyperscale"], "source": pue_node["source"]}, sc.pue))
    tdp = acc.tdp_w
    add(Param("tdp_w", tdp or 700.0, acc.sources.get("tdp_w", "") if tdp else "assumption: 700 W (no published TDP)",
              user=True))

    grid, grid_key = resolve_grid(sc, price_region if not on_prem else None)
    add(grid)
    node = carbon.matched_share_node(catalog.bill_data("grid"), None if on_prem else sc.provider)
    add(_p("renewable_matched_share", node, sc.renewable_share))
    per_acc = emb["per_accelerator"]
    add(_p("embodied_kg_per_accelerator", per_acc["default"], sc.embodied_kg_per_gpu))
    add(_p("embodied_kg_per_node_host", emb["per_node_host"]["default"]))
    add(_p("embodied_lifetime_years", emb["lifetime_years"]))

    kind = sc.data or "english"
    add(_p("bytes_per_token", sto["bytes_per_token"][kind], sc.bytes_per_token))
    add(_p("checkpoints_kept", sto["checkpoint"]["full_checkpoints_kept"], sc.checkpoints_kept))
    cls = sc.storage_class or "object"
    price_node = sto["prices"]["defaults"]["object_store_usd_per_gb_month" if cls == "object" else "parallel_fs_usd_per_gb_month"]
    add(_p("storage_usd_per_gb_month", price_node, sc.storage_price))
    add(_p("evaluation_months", staff["evaluation_months"], sc.eval_months))
    add(_p("preparation_months", staff["preparation_months"], sc.prep_months))
    add(_p("engineers", staff["team_size"], sc.engineers))
    add(_p("engineer_cost_per_year", staff["loaded_cost_per_engineer_year_usd"], sc.engineer_cost))
    for prm in programme.params(sc, catalog.bill_data("programme"), lambda k, node, user: _p(k, node, user)):
        add(prm)

    facility, method = sc.facility or "colo", sc.depreciation or "straight-line"
    if on_prem:
        srv = onp["servers"].get(acc.id)
        if srv is None and sc.server_price is None:
            raise InputError("server_price", f"no purchase price for {acc.id} servers in the catalog; pass --server-price (USD per node)")
        if sc.server_price is None:
            node = srv["default"]["node_price_usd"]
            add(Param("server_price", node["value"], f"{_short(srv['default'].get('source', ''))} ({srv['default'].get('date', '')})",
                      node.get("low"), node.get("high")))
        else:
            add(Param("server_price", sc.server_price, "user", user=True))
        add(_p("network_capex_share", onp["cluster"]["network_share"]))
        add(_p("storage_capex_share", onp["cluster"]["storage_share"]))
        dep, own = onp["depreciation"], onp["ownership"]
        add(_p("lifetime_years", own["economic_life_years"], sc.lifetime_years))
        add(_p("resale_fraction", own["resale_fraction"], getattr(sc, "resale_fraction", None)))
        add(_p("used_market_discount", own["used_market_discount"]))
        add(_p("cost_of_capital", own["cost_of_capital"], getattr(sc, "cost_of_capital", None)))
        add(_p("ops_gpus_per_engineer", own["ops_gpus_per_engineer"], getattr(sc, "ops_gpus_per_engineer", None)))
        add(_p("software_usd_per_gpu_year", own["software_usd_per_gpu_year"], getattr(sc, "software_per_gpu_year", None)))
        rated_w = rated or (P["host_w_per_node"].value / pf)  # a server's rated host power, for the contracted peak
        add(Param("host_rated_w", rated_w, f"{acc.id} server rated host power (contracted peak); "
                  f"{_short(own['colocation_basis']['source'], 120)}", user=True))
        if method == "epoch":
            add(_p("hardware_progress_rate_per_year", dep["hardware_progress"]["rate_per_year"],
                   source=dep["hardware_progress"].get("source")))
        add(_p("utilization", {"value": 0.8, "low": 0.6, "high": 0.95,
                               "source": "assumption: share of the owned cluster's life it is busy with useful jobs"}, sc.utilization))
        fac = onp["facility"]
        add(_p("maintenance_share_per_year", fac["maintenance_share_per_year"], sc.maintenance_share))
        add(_p("electricity_usd_per_kwh", onp["electricity"]["default"], sc.electricity_price))
        if facility == "build":
            add(_p("facility_build_usd_per_mw", fac["build_cost_usd_per_mw"]))
            add(_p("facility_lifetime_years", fac["lifetime_years"]))
        else:
            add(_p("colocation_usd_per_kw_month", fac["colocation_usd_per_kw_month"]))

    ctx = Context(acc=acc, n_gpus=n_gpus, nodes=math.ceil(n_gpus / acc.node_size), params_count=params_count, vocab=vocab,
                  tokens=tokens, on_prem=on_prem, facility=facility, depreciation=method, storage_class=cls, data_kind=kind,
                  price_source=price_source, grid_region=grid_key, carbon_convention=sc.carbon_convention or "full")
    return P, ctx


def compute(v: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Every number of the bill from parameter values (floats or equally long arrays)."""
    n, nodes, acc = ctx.n_gpus, ctx.nodes, ctx.acc
    ckpt_bytes = ctx.params_count * v["checkpoint_bytes_per_param"]
    write_s = ckpt_bytes / (v["checkpoint_write_gb_s_per_node"] * 1e9 * nodes)
    busy_days = realism.paused_days(v["solve_days"], v["evaluation_pause_share"], v["input_stall_share"],
                                    v["batch_warmup_share"])  # steady training + evaluation, input and warm-up pauses
    # Daly's checkpoint cost is the time training is blocked per checkpoint (the stall), not the I/O time
    r = run.reliability(busy_days, n, v["interruption_rate_per_gpu_hour"], v["checkpoint_stall_s"], v["restart_minutes"])
    days = r.wall_clock_days
    hours = days * 24.0
    gpu_hours = hours * n

    it_kw = bill.cluster_power_kw(n, v["tdp_w"], v["power_fraction"], acc.node_size, v["host_w_per_node"], v["network_power_share"])
    kwh = bill.energy_kwh(it_kw, hours, v["pue"])
    co2 = carbon.figures(v, n, hours, kwh, v["grid_intensity"], ctx.carbon_convention)
    op_t = co2["operational_t"]
    emb_t = bill.embodied_co2_t(n, v["embodied_kg_per_accelerator"], acc.node_size, v["embodied_kg_per_node_host"], hours,
                                v["embodied_lifetime_years"])

    raw = bill.dataset_bytes(ctx.tokens, v["bytes_per_token"])
    tok = bill.dataset_bytes(ctx.tokens, bill.token_id_bytes(ctx.vocab))
    months = days / bill.DAYS_PER_MONTH + v["evaluation_months"]
    data_gb = (raw + tok) / 1e9
    ckpt_gb = v["checkpoints_kept"] * ckpt_bytes / 1e9
    st_data = bill.storage_cost(data_gb, months, v["storage_usd_per_gb_month"])
    st_ckpt = bill.storage_cost(ckpt_gb, months, v["storage_usd_per_gb_month"])
    staff_days = days + (v["preparation_months"] + v["evaluation_months"]) * bill.DAYS_PER_MONTH
    staff_usd = bill.staff_cost(v["engineers"], v["engineer_cost_per_year"], staff_days)

    zero = 0.0 * days
    out: dict[str, Any] = {
        "co2": co2, "reliability": r, "busy_days": busy_days, "days": days, "hours": hours, "gpu_hours": gpu_hours, "it_kw": it_kw, "kwh": kwh,
        "operational_t": op_t, "embodied_t": emb_t, "raw_bytes": raw, "tok_bytes": tok, "ckpt_bytes": ckpt_bytes,
        "write_s": write_s, "months": months, "data_gb": data_gb, "ckpt_gb": ckpt_gb, "storage_data_usd": st_data,
        "storage_ckpt_usd": st_ckpt, "staff_days": staff_days, "staff_usd": staff_usd,
    }
    if not ctx.on_prem:
        out.update(compute_usd=bill.compute_cost(gpu_hours, v["price"]), energy_usd=zero, facility_usd=zero,
                   maintenance_usd=zero, depreciation_usd=zero)
    else:
        from traincost.money import ownership

        peak = ownership.peak_kw(n, v["tdp_w"], acc.node_size, v["host_rated_w"], v["network_power_share"])
        own = ownership.owned(v, n, acc.node_size, it_kw, peak, hours, ctx.depreciation, ctx.facility)
        out.update(compute_usd=own.depreciation_usd + own.capital_usd + own.maintenance_usd + own.ops_usd + own.software_usd,
                   energy_usd=own.energy_usd, facility_usd=own.facility_usd, maintenance_usd=own.maintenance_usd,
                   depreciation_usd=own.depreciation_usd, capex_usd=own.capex_usd, capital_usd=own.capital_usd,
                   owned=own, peak_kw=peak)
    out["storage_usd"] = st_data + st_ckpt
    owned_hw = out["compute_usd"] + out["energy_usd"] + out["facility_usd"]
    unit = v["price"] if not ctx.on_prem else owned_hw / gpu_hours  # what one more accelerator-hour costs
    out.update(programme.compute(v, programme.MainRun(n, ctx.on_prem, days, gpu_hours, unit, out["compute_usd"], raw / 1e12,
                                                      ctx.params_count * 2 / 1e9, ckpt_bytes / 1e9)))
    out.update(unit_price=unit, egress_gb=ctx.params_count * 2 / 1e9 + ckpt_bytes / 1e9, n_gpus=n)
    out["total_usd"] = owned_hw + out["storage_usd"] + staff_usd + out["programme_usd"]
    return out


def make_bill(P: dict[str, Param], ctx: Context) -> BillResult:
    """Price one run (the point estimate: every parameter at its central value)."""
    v = {k: p.value for k, p in P.items()}
    acc, on_prem, price_source, n_gpus, solve_days = ctx.acc, ctx.on_prem, ctx.price_source, ctx.n_gpus, v["solve_days"]
    o = compute(v, ctx)
    r: run.Reliability = o["reliability"]
    notes = []
    if acc.tdp_w is None:
        notes.append(f"{acc.id} has no published TDP; energy assumes 700 W per accelerator.")
    required_bw = o["ckpt_bytes"] / v["checkpoint_stall_s"] / 1e9
    if o["write_s"] > v["checkpoint_stall_s"]:
        notes.append(f"A checkpoint ({o['ckpt_bytes'] / 1e12:.2f} TB) takes {o['write_s']:.0f} s at "
                     f"{v['checkpoint_write_gb_s_per_node']:g} GB/s per node, above the {v['checkpoint_stall_s']:g} s target: "
                     f"it needs {required_bw:,.0f} GB/s in aggregate.")

    lines: list[bill.Line] = []
    if not on_prem:
        lines.append(bill.Line("compute", f"{acc.id} accelerator-hours (with failure overhead)", o["gpu_hours"], "GPU-h",
                               v["price"], o["compute_usd"], price_source))
        lines.append(bill.Line("energy", "electricity, facility and hardware", o["kwh"], "kWh", 0.0, 0.0,
                               "included in the cloud price (not counted twice)"))
    else:
        lines.extend(owned_lines(v, ctx, o))
    lines.append(bill.Line("storage", f"dataset ({ctx.data_kind}: raw {v['bytes_per_token']:g} B/token + token ids)",
                           o["data_gb"] * o["months"], "GB-month", v["storage_usd_per_gb_month"], o["storage_data_usd"],
                           f"{ctx.storage_class} storage; {o['months']:.1f} months (run + evaluation)"))
    lines.append(bill.Line("storage", f"checkpoints ({v['checkpoints_kept']:g} kept x {o['ckpt_bytes'] / 1e12:.2f} TB)",
                           o["ckpt_gb"] * o["months"], "GB-month", v["storage_usd_per_gb_month"], o["storage_ckpt_usd"],
                           f"{v['checkpoint_bytes_per_param']:g} B/param (weights + optimizer state)"))
    lines.append(bill.Line("staff", f"{v['engineers']:g} engineers x {o['staff_days']:.0f} days (incl. preparation and evaluation)",
                           v["engineers"] * o["staff_days"] / 365.25, "engineer-years", v["engineer_cost_per_year"],
                           o["staff_usd"], "loaded cost per engineer-year; set --engineers 0 to leave staff out"))
    lines.extend(programme.lines(v, P, o, on_prem, float(o["unit_price"]), _short))

    cost = {k: float(o[k]) for k in ("compute_usd", "energy_usd", "facility_usd", "storage_usd")}
    cost["staff_usd"] = float(o["staff_usd"])
    cost["capital_usd"] = float(o.get("capital_usd", 0.0))
    cost["programme_usd"] = float(o["programme_usd"])
    cost["total_usd"] = float(o["total_usd"])
    return BillResult(
        lines=lines,
        cost=cost,
        energy={"kwh": o["kwh"], "it_kw": o["it_kw"], "pue": v["pue"], "power_fraction": v["power_fraction"]},
        carbon={"operational_t": o["operational_t"], "embodied_t": o["embodied_t"],
                "total_t": o["operational_t"] + o["embodied_t"], "grid_g_per_kwh": v["grid_intensity"],
                "grid_region": ctx.grid_region, "convention": ctx.carbon_convention,
                "market_operational_t": o["co2"]["market_operational_t"],
                "market_total_t": o["co2"]["market_operational_t"] + o["embodied_t"],
                "renewable_matched_share": v["renewable_matched_share"],
                "full_to_model_card": o["co2"]["full_to_model_card"],
                "kg_per_gpu_hour": o["operational_t"] * 1000 / o["gpu_hours"]},
        storage={"dataset_tb": o["raw_bytes"] / 1e12, "tokenized_tb": o["tok_bytes"] / 1e12,
                 "checkpoint_tb": o["ckpt_bytes"] / 1e12, "checkpoints_kept": v["checkpoints_kept"],
                 "checkpoint_write_s": o["write_s"], "required_write_gb_s": required_bw,
                 "storage_class": ctx.storage_class, "months": o["months"]},
        reliability={"interruptions": r.interruptions, "goodput": solve_days / o["days"], "mtbf_hours": r.mtbf_hours,
                     "checkpoint_interval_min": r.checkpoint_interval_min, "restart_min": v["restart_minutes"],
                     "extra_days": o["days"] - solve_days, "extra_gpu_hours": (o["days"] - solve_days) * 24.0 * n_gpus,
                     "interruption_rate_per_gpu_hour": v["interruption_rate_per_gpu_hour"],
                     "failure_goodput": r.goodput, "pause_days": o["busy_days"] - solve_days,
                     "checkpoint_stall_s": v["checkpoint_stall_s"],
                     **{k: v[k] for k in realism.EFFECTS}},
        time={"wall_clock_days": o["days"], "gpu_hours": o["gpu_hours"], "failure_free_days": solve_days,
              "failure_free_gpu_hours": solve_days * 24.0 * n_gpus},
        params=P,
        notes=notes,
        ownership="owned" if on_prem else "cloud",
        owned_detail=owned_detail(v, o) if on_prem else None,
    )


from traincost.money.uncertainty import ranges, sample  # noqa: E402, F401 - the Monte Carlo, re-exported
