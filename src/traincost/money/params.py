"""The bill's assumptions: every one becomes a :class:`Param`, the user's value or the sourced catalog default with
its P10-P90 range (``resolve``), with the structural facts of the run in a :class:`Context`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.hardware.accelerator import Accelerator
from traincost.money import carbon, programme
from traincost.run import realism
from traincost.units import one_line


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
        return Param(
            name, v["value"], source or v.get("source") or node.get("source", ""), v.get("low"), v.get("high")
        )
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
            found = (
                {**grid_row, "source": f"{key} -> grid '{found['grid']}': {grid_row.get('source', '')}"}
                if grid_row
                else {"gco2e_per_kwh": d["value"], "source": f"{key}: grid not in the catalog, default used"}
            )
        if found is not None:
            v = found["gco2e_per_kwh"]
            # a known region: +-25% (data/defaults.yaml bill_assumptions.grid_region_band)
            band = _bill_assumption("grid_region_band")
            return (
                Param(
                    "grid_intensity",
                    v,
                    one_line(found.get("source", "")),
                    v * band["low"],
                    v * band["high"],
                    user=bool(sc.region),
                ),
                key,
            )
        if sc.region:
            known = sorted(set(g["regions"]) | {k for v in g["cloud_regions"].values() for k in v})
            raise InputError("region", f"unknown region '{sc.region}'; accepted: {', '.join(known)}")
    return Param(
        "grid_intensity", d["value"], one_line(d.get("source", "")), d["low"], d["high"]
    ), "default (US average)"


# presentation: how many characters of a catalog source a parameter's one-line source keeps
# node size the catalog's host power per node is stated for (8-accelerator HGX/DGX servers)
HOST_NODE_SIZE = 8.0


@dataclass(frozen=True)
class RunFacts:
    """What the bill needs to know about the run: cluster, model, data and the failure-free time."""

    acc: Accelerator
    n_gpus: int
    params_count: int
    vocab: int
    tokens: float
    solve_days: float
    solve_range: tuple[float, float] | None = None  # P10-P90 of solve_days; None: fixed


@dataclass(frozen=True)
class PriceFacts:
    """The accelerator-hour price the bill uses, where it comes from and how certain it is."""

    price: float | None
    source: str
    region: str | None = None
    user: bool = False
    band: tuple[float, float] | None = None  # the market's P10-P90, else a listed price's drift


def _bill_assumption(key: str) -> dict[str, Any]:
    return catalog.defaults()["bill_assumptions"][key]


def _time_params(sc, facts: RunFacts, quote: PriceFacts, on_prem: bool, add) -> None:
    """Failure-free days, the price, checkpoints, interruptions, pauses and restarts."""
    rel, sto = catalog.bill_data("reliability"), catalog.bill_data("storage")
    lo, hi = facts.solve_range or (None, None)
    add(
        Param(
            "solve_days",
            facts.solve_days,
            "performance model (failure-free wall-clock days)",
            lo,
            hi,
            user=facts.solve_range is None,
        )
    )
    if not on_prem:
        drift = _bill_assumption("listed_price_band")
        price = quote.price
        lo_p, hi_p = quote.band or (price * drift["low"], price * drift["high"])
        add(
            Param(
                "price",
                price,
                quote.source,
                None if quote.user else lo_p,
                None if quote.user else hi_p,
                user=quote.user,
            )
        )
    add(_p("checkpoint_bytes_per_param", sto["checkpoint"]["bytes_per_param"]))
    add(
        _p(
            "checkpoint_write_gb_s_per_node",
            sto["checkpoint"]["write_bandwidth_gb_s_per_node"],
            sc.checkpoint_write_gb_s,
        )
    )
    add(_p("checkpoint_stall_s", rel["checkpoint_write_seconds"], sc.checkpoint_stall_s))
    cls = realism.interruption_class(on_prem)
    add(
        _p(
            "interruption_rate_per_gpu_hour",
            rel["interruption_rate_by_class"][cls],
            sc.interruption_rate,
            source=f"{cls} cluster: " + one_line(rel["interruption_rate_by_class"][cls]["source"]),
        )
    )
    for eff in realism.EFFECTS:
        add(_p(eff, rel[eff], getattr(sc, eff, None)))
    add(_p("restart_minutes", rel["restart_minutes"], sc.restart_minutes))


def _host_param(sc, acc: Accelerator, pf: float, rated: float | None, host: dict) -> Param:
    if sc.host_w_per_node is not None:
        return Param("host_w_per_node", sc.host_w_per_node, "user", user=True)
    scale = (
        (rated / host["value"] * pf) if rated else acc.node_size / HOST_NODE_SIZE
    )  # per-server rating, else per 8 GPUs
    if rated:
        src = (
            f"{acc.id} server rated host power {rated} W x {pf:g} average fraction; "
            f"{one_line(host.get('source', ''))}"
        )
    else:
        src = f"{one_line(host.get('source', ''))} (scaled to {acc.node_size} accelerators per node)"
    return Param("host_w_per_node", host["value"] * scale, src, host["low"] * scale, host["high"] * scale)


def _power_params(sc, acc: Accelerator, on_prem: bool, add) -> tuple[float, float | None]:
    """Accelerator and host power, network share, PUE and TDP; returns (power fraction, rated host W)."""
    onp = catalog.bill_data("onprem")
    frac_node = onp["power"]["tdp_fraction"]["tpu" if acc.generation.startswith("tpu") else "gpu"]
    pf = add(
        _p(
            "power_fraction",
            {**frac_node, "source": onp["power"]["tdp_fraction"]["source"]},
            sc.power_fraction,
        )
    )
    host = onp["power"]["host_overhead_w_per_node"]
    rated = (host.get("by_accelerator_rated_max_w") or {}).get(acc.id)
    add(_host_param(sc, acc, pf, rated, host))
    add(_p("network_power_share", onp["power"]["network_switch_share"]))
    pue_node = onp["facility"]["pue"]
    add(_p("pue", {**pue_node["default" if on_prem else "hyperscale"], "source": pue_node["source"]}, sc.pue))
    tdp = acc.tdp_w
    fallback = _bill_assumption("tdp_w_fallback")
    add(
        Param(
            "tdp_w",
            tdp or float(fallback["value"]),
            acc.sources.get("tdp_w", "") if tdp else fallback["source"],
            user=True,
        )
    )
    return pf, rated


def _carbon_params(sc, quote: PriceFacts, on_prem: bool, add) -> str:
    """Grid intensity, renewable matching and embodied carbon; returns the grid region's key."""
    emb = catalog.bill_data("embodied")
    grid, grid_key = resolve_grid(sc, quote.region if not on_prem else None)
    add(grid)
    node = carbon.matched_share_node(catalog.bill_data("grid"), None if on_prem else sc.provider)
    add(_p("renewable_matched_share", node, sc.renewable_share))
    add(_p("embodied_kg_per_accelerator", emb["per_accelerator"]["default"], sc.embodied_kg_per_gpu))
    add(_p("embodied_kg_per_node_host", emb["per_node_host"]["default"]))
    add(_p("embodied_lifetime_years", emb["lifetime_years"]))
    return grid_key


def _storage_staff_params(sc, add) -> tuple[str, str]:
    """Data and checkpoint storage, staff and the programme; returns (data kind, storage class)."""
    sto, staff = catalog.bill_data("storage"), catalog.bill_data("staff")
    kind = sc.data or "english"
    add(_p("bytes_per_token", sto["bytes_per_token"][kind], sc.bytes_per_token))
    add(_p("checkpoints_kept", sto["checkpoint"]["full_checkpoints_kept"], sc.checkpoints_kept))
    cls = sc.storage_class or "object"
    price_node = sto["prices"]["defaults"][
        "object_store_usd_per_gb_month" if cls == "object" else "parallel_fs_usd_per_gb_month"
    ]
    add(_p("storage_usd_per_gb_month", price_node, sc.storage_price))
    add(_p("evaluation_months", staff["evaluation_months"], sc.eval_months))
    add(_p("preparation_months", staff["preparation_months"], sc.prep_months))
    add(_p("engineers", staff["team_size"], sc.engineers))
    add(_p("engineer_cost_per_year", staff["loaded_cost_per_engineer_year_usd"], sc.engineer_cost))
    for prm in programme.params(sc, catalog.bill_data("programme"), lambda k, node, user: _p(k, node, user)):
        add(prm)
    return kind, cls


def _server_param(sc, acc: Accelerator, onp: dict) -> Param:
    srv = onp["servers"].get(acc.id)
    if sc.server_price is not None:
        return Param("server_price", sc.server_price, "user", user=True)
    if srv is None:
        raise InputError(
            "server_price",
            f"no purchase price for {acc.id} servers in the catalog; pass --server-price (USD per node)",
        )
    node = srv["default"]["node_price_usd"]
    return Param(
        "server_price",
        node["value"],
        f"{one_line(srv['default'].get('source', ''))} ({srv['default'].get('date', '')})",
        node.get("low"),
        node.get("high"),
    )


def _owned_params(
    sc, acc: Accelerator, method: str, facility: str, power: tuple[float, float | None], P, add
) -> None:
    """Servers, network and storage capital, ownership economics, utilization, maintenance, power and facility."""
    onp = catalog.bill_data("onprem")
    pf, rated = power
    add(_server_param(sc, acc, onp))
    add(_p("network_capex_share", onp["cluster"]["network_share"]))
    add(_p("storage_capex_share", onp["cluster"]["storage_share"]))
    dep, own = onp["depreciation"], onp["ownership"]
    add(_p("lifetime_years", own["economic_life_years"], sc.lifetime_years))
    add(_p("resale_fraction", own["resale_fraction"], getattr(sc, "resale_fraction", None)))
    add(_p("used_market_discount", own["used_market_discount"]))
    add(_p("cost_of_capital", own["cost_of_capital"], getattr(sc, "cost_of_capital", None)))
    add(_p("ops_gpus_per_engineer", own["ops_gpus_per_engineer"], getattr(sc, "ops_gpus_per_engineer", None)))
    add(
        _p(
            "software_usd_per_gpu_year",
            own["software_usd_per_gpu_year"],
            getattr(sc, "software_per_gpu_year", None),
        )
    )
    rated_w = rated or (
        P["host_w_per_node"].value / pf
    )  # a server's rated host power, for the contracted peak
    add(
        Param(
            "host_rated_w",
            rated_w,
            f"{acc.id} server rated host power (contracted peak); "
            f"{one_line(own['colocation_basis']['source'])}",
            user=True,
        )
    )
    if method == "epoch":
        add(
            _p(
                "hardware_progress_rate_per_year",
                dep["hardware_progress"]["rate_per_year"],
                source=dep["hardware_progress"].get("source"),
            )
        )
    add(_p("utilization", _bill_assumption("owned_utilization"), sc.utilization))
    fac = onp["facility"]
    add(_p("maintenance_share_per_year", fac["maintenance_share_per_year"], sc.maintenance_share))
    add(_p("electricity_usd_per_kwh", onp["electricity"]["default"], sc.electricity_price))
    if facility == "build":
        add(_p("facility_build_usd_per_mw", fac["build_cost_usd_per_mw"]))
        add(_p("facility_lifetime_years", fac["lifetime_years"]))
    else:
        add(_p("colocation_usd_per_kw_month", fac["colocation_usd_per_kw_month"]))


def resolve(sc, facts: RunFacts, quote: PriceFacts, on_prem: bool) -> tuple[dict[str, Param], Context]:
    """Every bill assumption as a :class:`Param` (the user's value or the sourced default with its range), in
    the order the bill prints them, and the bill's structural :class:`Context`."""
    P: dict[str, Param] = {}

    def add(p: Param) -> Any:
        P[p.name] = p
        return p.value

    acc = facts.acc
    _time_params(sc, facts, quote, on_prem, add)
    power = _power_params(sc, acc, on_prem, add)
    grid_key = _carbon_params(sc, quote, on_prem, add)
    kind, cls = _storage_staff_params(sc, add)
    facility, method = sc.facility or "colo", sc.depreciation or "straight-line"
    if on_prem:
        _owned_params(sc, acc, method, facility, power, P, add)
    ctx = Context(
        acc=acc,
        n_gpus=facts.n_gpus,
        nodes=math.ceil(facts.n_gpus / acc.node_size),
        params_count=facts.params_count,
        vocab=facts.vocab,
        tokens=facts.tokens,
        on_prem=on_prem,
        facility=facility,
        depreciation=method,
        storage_class=cls,
        data_kind=kind,
        price_source=quote.source,
        grid_region=grid_key,
        carbon_convention=sc.carbon_convention or "full",
    )
    return P, ctx
