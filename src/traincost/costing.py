"""Assemble the whole bill of a run: resolve every bill assumption (the user's value, or the sourced
catalog default with its range), then price compute (cloud or owned), energy, carbon, storage,
failures and staff with the formulas in ``bill`` and ``run``.

Every number used is recorded as a :class:`Param` with its source, so the report can show the
quantity, unit price and source of each line, and the Monte Carlo step can reuse the ranges.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import bill, catalog, run
from .errors import InputError
from .hardware import Accelerator


@dataclass(frozen=True)
class Param:
    name: str
    value: Any
    source: str
    low: float | None = None
    high: float | None = None
    user: bool = False


def _node(d: dict, *path: str) -> dict:
    for p in path:
        d = d[p]
    return d


def _p(name: str, node: dict, user: Any = None, source: str | None = None, key: str = "value") -> Param:
    """A parameter from a catalog node {value, low, high, source}, or the user's value."""
    if user is not None:
        return Param(name, user, "user", user=True)
    v = node[key] if isinstance(node, dict) else node
    if isinstance(v, dict):
        return Param(name, v["value"], source or v.get("source") or node.get("source", ""), v.get("low"), v.get("high"))
    src = source or (node.get("source", "") if isinstance(node, dict) else "")
    return Param(name, v, src, node.get("low") if isinstance(node, dict) else None,
                 node.get("high") if isinstance(node, dict) else None)


def _short(src: str, n: int = 160) -> str:
    src = " ".join(str(src).split())
    return src if len(src) <= n else src[: n - 1] + "…"


@dataclass
class BillResult:
    lines: list[bill.Line]
    cost: dict[str, float]
    energy: dict[str, float]
    carbon: dict[str, float]
    storage: dict[str, float]
    reliability: dict[str, float]
    time: dict[str, float]
    params: list[Param] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ownership: str = "cloud"


def resolve_grid(sc, acc_region: str | None) -> tuple[Param, str]:
    """Grid carbon intensity: the user's value, a grid region key, a cloud region id, the price row's
    region, or the stated default."""
    g = catalog.bill_data("grid")
    if sc.grid_intensity is not None:
        return Param("grid_intensity", sc.grid_intensity, "user", user=True), "user value"
    key = (sc.region or acc_region or "").strip().lower()
    if key:
        if key in g["regions"]:
            r = g["regions"][key]
            return Param("grid_intensity", r["gco2e_per_kwh"], _short(r.get("source", "")),
                         g["default"]["low"], g["default"]["high"], user=bool(sc.region)), key
        for _prov, regions in g["cloud_regions"].items():
            if key in regions:
                r = regions[key]
                return Param("grid_intensity", r["gco2e_per_kwh"], _short(r.get("source", "")),
                             g["default"]["low"], g["default"]["high"], user=bool(sc.region)), key
        if sc.region:
            known = sorted(set(g["regions"]) | {k for v in g["cloud_regions"].values() for k in v})
            raise InputError("region", f"unknown region '{sc.region}'; accepted: {', '.join(known)}")
    d = g["default"]
    return Param("grid_intensity", d["value"], _short(d.get("source", "")), d["low"], d["high"]), "default (US average)"


def make_bill(sc, acc: Accelerator, n_gpus: int, params_count: int, vocab: int, tokens: float,
              solve_days: float, price: float | None, price_source: str, price_region: str | None,
              on_prem: bool) -> BillResult:
    """Price one run. `solve_days` is the failure-free wall-clock time from the performance model."""
    onp, rel, sto, emb, staff = (catalog.bill_data(k) for k in ("onprem", "reliability", "storage", "embodied", "staff"))
    P: list[Param] = []
    notes: list[str] = []

    def use(p: Param) -> Any:
        P.append(p)
        return p.value

    node_size = acc.node_size
    nodes = math.ceil(n_gpus / node_size)

    # ---------------- reliability: failures, restarts, checkpoints (Young/Daly)
    ckpt_bpp = use(_p("checkpoint_bytes_per_param", sto["checkpoint"]["bytes_per_param"]))
    ckpt_bytes = params_count * ckpt_bpp
    write_bw = use(_p("checkpoint_write_gb_s_per_node", sto["checkpoint"]["write_bandwidth_gb_s_per_node"],
                      sc.checkpoint_write_gb_s))
    write_s = ckpt_bytes / (write_bw * 1e9 * nodes)
    stall_target = use(_p("checkpoint_stall_s", rel["checkpoint_write_seconds"], sc.checkpoint_stall_s))
    required_bw = ckpt_bytes / stall_target / 1e9
    if write_s > stall_target:
        notes.append(f"A checkpoint ({ckpt_bytes / 1e12:.2f} TB) takes {write_s:.0f} s at {write_bw:g} GB/s per node, "
                     f"above the {stall_target:g} s target: needs {required_bw:,.0f} GB/s in aggregate.")
    delta = write_s
    rate = use(_p("interruption_rate_per_gpu_hour", rel["interruption_rate_per_gpu_hour"], sc.interruption_rate))
    restart = use(_p("restart_minutes", rel["restart_minutes"], sc.restart_minutes))
    r = run.reliability(solve_days, n_gpus, rate, delta, restart)
    days = r.wall_clock_days
    hours = days * 24.0
    gpu_hours = hours * n_gpus

    # ---------------- energy
    frac_node = onp["power"]["tdp_fraction"]["tpu" if acc.generation.startswith("tpu") else "gpu"]
    power_fraction = use(_p("power_fraction", {**frac_node, "source": onp["power"]["tdp_fraction"]["source"]}, sc.power_fraction))
    host = onp["power"]["host_overhead_w_per_node"]
    rated = (host.get("by_accelerator_rated_max_w") or {}).get(acc.id)
    if rated is not None and sc.host_w_per_node is None:
        # this server's rated host power (system max minus accelerator TDPs), at the same average fraction
        host = {**host, "value": rated * power_fraction, "source": f"{acc.id} server: rated host {rated} W x "
                f"{power_fraction:g} average fraction; {_short(host.get('source', ''), 120)}"}
    host_w = use(_p("host_w_per_node", host, sc.host_w_per_node))
    if sc.host_w_per_node is None and rated is None:
        host_w = host_w * node_size / 8.0  # the catalog value is for an 8-accelerator node
    net_share = use(_p("network_power_share", onp["power"]["network_switch_share"]))
    pue_node = onp["facility"]["pue"]
    pue_key = "hyperscale" if not on_prem else "default"
    pue = use(_p("pue", {**pue_node[pue_key], "source": pue_node["source"]}, sc.pue))
    tdp = acc.tdp_w or 700.0
    if acc.tdp_w is None:
        notes.append(f"{acc.id} has no published TDP; energy assumes 700 W per accelerator.")
    it_kw = bill.cluster_power_kw(n_gpus, tdp, power_fraction, node_size, host_w, net_share)
    kwh = bill.energy_kwh(it_kw, hours, pue)

    # ---------------- carbon
    grid, grid_key = resolve_grid(sc, price_region if not on_prem else None)
    use(grid)
    op_t = bill.operational_co2_t(kwh, grid.value)
    per_acc = emb["per_accelerator"]
    by_acc = per_acc.get("by_accelerator", {}).get(acc.id, {})
    per_gpu_kg = use(_p("embodied_kg_per_accelerator", per_acc["default"], sc.embodied_kg_per_gpu,
                        source=_short(per_acc["default"].get("source", "")) + (
                            f" ({acc.id} die+HBM floor {by_acc['die_plus_hbm_kgco2e']} kg)" if by_acc.get("die_plus_hbm_kgco2e") else "")))
    per_node_kg = use(_p("embodied_kg_per_node_host", emb["per_node_host"]["default"]))
    emb_life = use(_p("embodied_lifetime_years", emb["lifetime_years"]))
    emb_t = bill.embodied_co2_t(n_gpus, per_gpu_kg, node_size, per_node_kg, hours, emb_life)

    # ---------------- storage
    kind = sc.data or "english"
    bpt = use(_p("bytes_per_token", sto["bytes_per_token"][kind], sc.bytes_per_token))
    raw_bytes = bill.dataset_bytes(tokens, bpt)
    tok_bytes = bill.dataset_bytes(tokens, bill.token_id_bytes(vocab))
    kept = use(_p("checkpoints_kept", sto["checkpoint"]["full_checkpoints_kept"], sc.checkpoints_kept))
    cls = sc.storage_class or "object"
    price_node = sto["prices"]["defaults"]["object_store_usd_per_gb_month" if cls == "object" else "parallel_fs_usd_per_gb_month"]
    gb_month = use(_p("storage_usd_per_gb_month", price_node, sc.storage_price))
    staff_node = staff
    eval_months = use(_p("evaluation_months", staff_node["evaluation_months"], sc.eval_months))
    prep_months = use(_p("preparation_months", staff_node["preparation_months"], sc.prep_months))
    months = days / bill.DAYS_PER_MONTH + eval_months
    data_gb = (raw_bytes + tok_bytes) / 1e9
    ckpt_gb = kept * ckpt_bytes / 1e9
    storage_usd_data = bill.storage_cost(data_gb, months, gb_month)
    storage_usd_ckpt = bill.storage_cost(ckpt_gb, months, gb_month)

    # ---------------- staff
    engineers = use(_p("engineers", staff_node["team_size"], sc.engineers))
    eng_cost = use(_p("engineer_cost_per_year", staff_node["loaded_cost_per_engineer_year_usd"], sc.engineer_cost))
    staff_days = days + (prep_months + eval_months) * bill.DAYS_PER_MONTH
    staff_usd = bill.staff_cost(engineers, eng_cost, staff_days)

    lines: list[bill.Line] = []
    cost = dict(compute_usd=0.0, energy_usd=0.0, facility_usd=0.0, storage_usd=storage_usd_data + storage_usd_ckpt,
                staff_usd=staff_usd)
    if not on_prem:
        assert price is not None
        cost["compute_usd"] = bill.compute_cost(gpu_hours, price)
        lines.append(bill.Line("compute", f"{acc.id} accelerator-hours (with failure overhead)", gpu_hours, "GPU-h",
                               price, cost["compute_usd"], price_source))
        lines.append(bill.Line("energy", "electricity, facility and hardware", kwh, "kWh", 0.0, 0.0,
                               "included in the cloud price (not counted twice)"))
    else:
        srv = onp["servers"].get(acc.id)
        if srv is None and sc.server_price is None:
            raise InputError("server_price", f"no purchase price for {acc.id} servers in the catalog; pass --server-price (USD per node)")
        node_price = use(_p("server_price", srv["default"]["node_price_usd"] if srv else {}, sc.server_price,
                            source=_short(srv["default"].get("source", "")) + f" ({srv['default'].get('date', '')})" if srv else None))
        netw = use(_p("network_capex_share", onp["cluster"]["network_share"]))
        stor = use(_p("storage_capex_share", onp["cluster"]["storage_share"]))
        dep = onp["depreciation"]
        method = sc.depreciation or "straight-line"
        life = use(_p("lifetime_years", dep["straight_line_years"], sc.lifetime_years))
        epoch_rate = use(_p("hardware_progress_rate_per_year", dep["hardware_progress"]["rate_per_year"],
                            source=dep["hardware_progress"].get("source"))) if method == "epoch" else None
        util = use(_p("utilization", {"value": 0.8, "low": 0.6, "high": 0.95,
                                      "source": "assumption: share of the cluster's life it is busy with useful jobs"},
                      sc.utilization))
        fac = onp["facility"]
        maint = use(_p("maintenance_share_per_year", fac["maintenance_share_per_year"], sc.maintenance_share))
        elec = use(_p("electricity_usd_per_kwh", onp["electricity"]["default"], sc.electricity_price))
        facility = sc.facility or "colo"
        build = use(_p("facility_build_usd_per_mw", fac["build_cost_usd_per_mw"])) if facility == "build" else 0.0
        flife = use(_p("facility_lifetime_years", fac["lifetime_years"])) if facility == "build" else 1.0
        colo = use(_p("colocation_usd_per_kw_month", fac["colocation_usd_per_kw_month"])) if facility == "colo" else 0.0
        own = bill.owned_cluster(n_gpus, node_size, node_price, netw, stor, hours, life, util, method, maint,
                                 it_kw, pue, elec, facility, build, flife, colo, epoch_rate)
        cost.update(compute_usd=own.depreciation_usd + own.maintenance_usd, energy_usd=own.energy_usd,
                    facility_usd=own.facility_usd)
        share = own.depreciation_usd / own.capex_usd
        lines.append(bill.Line("compute", f"cluster depreciation ({method}, {share:.2%} of ${own.capex_usd / 1e6:,.1f}M capex)",
                               nodes, "nodes", own.depreciation_usd / nodes, own.depreciation_usd,
                               f"server ${node_price:,.0f}/node; network {netw:.0%} and storage {stor:.0%} of capex; "
                               f"{life:g}-year life at {util:.0%} utilization"))
        lines.append(bill.Line("compute", "maintenance and support", own.capex_usd, "USD capex", maint * hours / bill.HOURS_PER_YEAR / util,
                               own.maintenance_usd, f"{maint:.0%} of capex per year"))
        lines.append(bill.Line("energy", "electricity", kwh, "kWh", elec, own.energy_usd,
                               f"IT {it_kw:,.0f} kW x PUE {pue:.2f}"))
        fac_desc = (f"colocation ${colo:,.0f}/kW-month" if facility == "colo" else f"build ${build / 1e6:.1f}M/MW over {flife:g} years")
        lines.append(bill.Line("facility", f"datacenter ({facility})", it_kw, "kW IT", own.facility_usd / it_kw if it_kw else 0,
                               own.facility_usd, fac_desc))
    lines.append(bill.Line("storage", f"dataset ({kind}: raw {bpt:g} B/token + token ids)", data_gb * months, "GB-month",
                           gb_month, storage_usd_data, f"{cls} storage; {months:.1f} months (run + evaluation)"))
    lines.append(bill.Line("storage", f"checkpoints ({kept:g} kept x {ckpt_bytes / 1e12:.2f} TB)", ckpt_gb * months, "GB-month",
                           gb_month, storage_usd_ckpt, f"{ckpt_bpp:g} B/param (weights + optimizer state)"))
    lines.append(bill.Line("staff", f"{engineers:g} engineers x {staff_days:.0f} days (incl. preparation and evaluation)",
                           engineers * staff_days / 365.25, "engineer-years", eng_cost, staff_usd,
                           "loaded cost per engineer-year; set --engineers 0 to leave staff out"))
    cost["total_usd"] = sum(v for k, v in cost.items())

    return BillResult(
        lines=lines,
        cost=cost,
        energy={"kwh": kwh, "it_kw": it_kw, "pue": pue, "power_fraction": power_fraction},
        carbon={"operational_t": op_t, "embodied_t": emb_t, "total_t": op_t + emb_t, "grid_g_per_kwh": grid.value,
                "grid_region": grid_key},
        storage={"dataset_tb": raw_bytes / 1e12, "tokenized_tb": tok_bytes / 1e12, "checkpoint_tb": ckpt_bytes / 1e12,
                 "checkpoints_kept": kept, "checkpoint_write_s": write_s, "required_write_gb_s": required_bw,
                 "storage_class": cls, "months": months},
        reliability={"interruptions": r.interruptions, "goodput": r.goodput, "mtbf_hours": r.mtbf_hours,
                     "checkpoint_interval_min": r.checkpoint_interval_min, "restart_min": restart,
                     "extra_days": r.extra_days, "extra_gpu_hours": r.extra_gpu_hours,
                     "interruption_rate_per_gpu_hour": rate},
        time={"wall_clock_days": days, "gpu_hours": gpu_hours, "failure_free_days": solve_days,
              "failure_free_gpu_hours": solve_days * 24.0 * n_gpus},
        params=P,
        notes=notes,
        ownership="owned" if on_prem else "cloud",
    )
