"""Rich tables of an estimate for the terminal: ranges, bill, how the answer is built, drivers, assumptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from traincost.parallel.plan import fmt_layout
from traincost.present import answer
from traincost.present.cpt_terminal import print_quality
from traincost.present.fit import Col, Refs, fit_table, paragraph
from traincost.present.keep import KEEP_20, KEEP_30
from traincost.units import human, usd

if TYPE_CHECKING:
    from traincost.usecases.results import Estimate

HUMAN_FROM = 1e4  # presentation: numbers from 10,000 up print as 12.3k, 4.5M
MEDIAN = 50  # the percentile that is the answer itself


def _qty(q: float, unit: str) -> str:
    return f"{q:,.0f} {unit}" if q >= 10 else f"{q:,.2f} {unit}"


def _num(x: float) -> str:
    return human(x) if abs(x) >= HUMAN_FROM else f"{x:,.3g}"


def _ranges_rows(r: Estimate) -> list[list[str]]:
    g, tm = r.ranges, r.time
    rows = (
        ("GPU-hours", "gpu_hours", tm.gpu_hours, "{:,.0f}".format),
        ("wall clock, days", "wall_clock_days", tm.wall_clock_days, "{:,.1f}".format),
        ("total cost", "cost_usd", r.cost.total_usd, usd),
        ("energy, MWh", "energy_kwh", r.energy["kwh"], lambda x: f"{x / 1000:,.0f}"),
        ("CO2e, t", "co2_t", r.carbon["total_t"], "{:,.1f}".format),
    )
    return [
        [label, f(g[key]["p10"]), f(g[key]["p50"]), f(g[key]["p90"]), f(point)]
        for label, key, point, f in rows
    ]


def _model_rows(r: Estimate) -> list[list[str]]:
    """Parameters, FLOPs, MFU and the layout: what one step of the run is."""
    m, hw, th = r.model, r.hardware, r.throughput
    active = f", {human(m.active_params)} active" if m.active_params != m.params else ""
    basis = {"assumed": "assumed", "user": "given", "planner": "predicted"}[th.mfu_basis]
    rows = [
        [
            "parameters",
            f"{m.params:,}",
            f"{human(m.params)} total{active}; {m.layers} layers, d={m.hidden_size}",
        ],
        [
            "FLOPs per token",
            f"{r.flops.per_token:.3e}",
            f"fwd+bwd, counted per matmul; 6N = {r.flops.six_n_per_token:.3e}; attention {r.flops.attention_share:.1%}",
        ],
        ["total FLOPs", f"{r.flops.total:.3e}", "FLOPs per token x tokens"],
        [
            "MFU",
            f"{th.mfu:.1%}",
            f"{basis}; {th.tflops_per_gpu:.0f} of {hw.peak_tflops:.0f} dense {hw.precision} TFLOP/s per GPU",
        ],
    ]
    if th.layout:
        rows.append(
            [
                "layout",
                fmt_layout(th.layout),
                f"fastest that fits ({th.framework}); step {th.step_time_s:.2f} s, {th.memory_gib:.0f} GiB per GPU, batch {th.global_batch:,} seq",
            ]
        )
    return rows


def _run_rows(r: Estimate) -> list[list[str]]:
    """Throughput, GPU-hours, wall clock, energy, carbon and storage of the whole run."""
    th, tm, rel, st = r.throughput, r.time, r.reliability, r.storage
    return [
        ["throughput", f"{th.tokens_per_s:,.0f} tok/s", f"{th.tokens_per_s_per_gpu:,.0f} tokens/s per GPU"],
        [
            "GPU-hours",
            f"{tm.gpu_hours:,.0f}",
            f"{tm.failure_free_gpu_hours:,.0f} failure-free + "
            f"{rel['extra_gpu_hours']:,.0f} lost to failures and checkpoints",
        ],
        [
            "wall clock",
            f"{tm.wall_clock_days:,.1f} days",
            f"goodput {rel['goodput']:.1%}: {rel['interruptions']:.1f} "
            f"interruptions expected, checkpoint every {rel['checkpoint_interval_min']:.0f} min",
        ],
        [
            "energy",
            f"{r.energy['kwh'] / 1000:,.0f} MWh",
            f"IT {r.energy['it_kw']:,.0f} kW x PUE {r.energy['pue']:.2f}",
        ],
        [
            "carbon",
            f"{r.carbon['total_t']:,.1f} tCO2e",
            f"{r.carbon['operational_t']:,.1f} operational "
            f"({r.carbon['grid_g_per_kwh']:.0f} g/kWh, {r.carbon['grid_region']}) + {r.carbon['embodied_t']:,.1f} embodied",
        ],
        [
            "storage",
            f"{st['dataset_tb'] + st['tokenized_tb'] + st['checkpoint_tb'] * st['checkpoints_kept']:,.1f} TB",
            f"dataset {st['dataset_tb']:.1f} TB raw + {st['tokenized_tb']:.1f} TB tokens; checkpoint "
            f"{st['checkpoint_tb']:.2f} TB x {st['checkpoints_kept']:g}",
        ],
    ]


def _option_rows(r: Estimate) -> list[list[str]]:
    """Rows of the options asked for: a price projection, serving, expected loss."""
    rows = []
    if r.projection:
        p = r.projection
        rows.append([f"cost in {p['year']}", usd(p["total_usd"]), f"compute x{p['factor']:.2f}; {p['note']}"])
    if r.serving:
        s = r.serving
        rows.append(
            [
                "serving",
                usd(s["cost_usd"]),
                f"{human(s['tokens_per_month'])} tokens/month x {s['months']:g} months, "
                f"{s['gpu_hours']:,.0f} GPU-h on {s['accelerator']}",
            ]
        )
    if r.quality:
        q = r.quality
        rows.append(["expected loss", f"{q['loss']:.3f}", f"{q['kind']}; {q['label']}"])
    return rows


def _detail_rows(r: Estimate) -> list[list[str]]:
    return [
        *_model_rows(r),
        *_run_rows(r),
        *_option_rows(r),
        ["[bold]total cost[/]", f"[bold]{usd(r.cost.total_usd)}[/]", "the bill"],
    ]


def _print_ranges(r: Estimate, con: Console) -> None:
    g = r.ranges
    cols = [
        Col("figure"),
        Col("P10", "right"),
        Col("P50", "right"),
        Col("P90", "right"),
        Col("point estimate", "right"),
    ]
    con.print(
        fit_table(
            con,
            cols,
            _ranges_rows(r),
            f"ranges (Monte Carlo, {g['samples']:,} samples, seed {g['seed']})",
        )
    )
    con.print(
        "[dim]P50 is the median of the samples; the point estimate takes every input at its central value. "
        "They differ where the model is not linear (failures, fixed costs).[/]"
    )


def _print_bill(r: Estimate, con: Console, refs: Refs) -> None:
    cols = [
        Col("item", wrap=True),
        Col("quantity", "right"),
        Col("unit price", "right", keep=KEEP_20),
        Col("USD", "right"),
        Col("source", style="dim", source=True, keep=KEEP_30),
    ]
    rows = [
        [
            b.item,
            _qty(b.quantity, b.unit),
            "-" if b.unit_price == 0 else usd(b.unit_price),
            usd(b.usd),
            b.source,
        ]
        for b in r.bill
    ]
    rows.append(["[bold]total[/]", "", "", f"[bold]{usd(r.cost.total_usd)}[/]", ""])
    con.print(fit_table(con, cols, rows, "bill", refs))


def _print_comparison(r: Estimate, con: Console) -> None:
    rows = [
        [k.replace("_usd", ""), usd(r.comparison["cloud"][k]), usd(r.comparison["owned"][k])]
        for k in ("compute_usd", "energy_usd", "facility_usd", "storage_usd", "staff_usd", "total_usd")
    ]
    con.print(
        fit_table(
            con,
            [Col("cost"), Col("cloud", "right"), Col("owned", "right")],
            rows,
            "cloud vs owned hardware",
        )
    )


def _print_drivers(d: list[dict], con: Console) -> None:
    rows = [
        [
            x["label"],
            f"{_num(x['low'])}-{_num(x['high'])}{' days' if x['name'] == 'solve_days' else ''}",
            usd(min(x["cost_at_low"], x["cost_at_high"])),
            usd(max(x["cost_at_low"], x["cost_at_high"])),
            usd(x["swing_usd"]),
        ]
        for x in d
    ]
    cols = [
        Col("input", wrap=True),
        Col("P10-P90", "right", keep=KEEP_20),
        Col("total at low", "right"),
        Col("total at high", "right"),
        Col("swing", "right"),
    ]
    con.print(fit_table(con, cols, rows, "what moves the total most (one input at a time)"))


def _print_assumptions(r: Estimate, con: Console, refs: Refs, assumptions: bool) -> None:
    if r.assumptions and assumptions:
        rows = [
            [
                x.field,
                human(x.value)
                if x.field == "tokens"
                else (f"{x.value:g}" if isinstance(x.value, float) else str(x.value)),
                x.source,
            ]
            for x in r.assumptions
        ]
        cols = [Col("field", style="yellow"), Col("value"), Col("source", style="dim", source=True)]
        con.print(
            fit_table(
                con, cols, rows, "assumptions (defaults used; override with flags or a scenario file)", refs
            )
        )
    elif r.assumptions:
        con.print(
            f"[dim]{len(r.assumptions)} defaults were assumed: `--assumptions` lists them with sources "
            "(`--json` always has them).[/]"
        )


def print_estimate(r: Estimate, con: Console, brief: bool = False, assumptions: bool = False) -> None:
    head, rest = answer.estimate_paragraph(r)
    paragraph(con, head, rest)
    if brief:
        return
    refs = Refs()
    con.print()
    if r.ranges:
        _print_ranges(r, con)
    _print_bill(r, con, refs)
    con.print(
        fit_table(
            con,
            [
                Col("quantity", style="cyan"),
                Col("value", "right"),
                Col("how", style="dim", wrap=True, keep=10),
            ],
            _detail_rows(r),
            "how the answer is built",
        )
    )
    if r.comparison:
        _print_comparison(r, con)
    print_money_extras(r, con)
    if r.quality:
        print_quality(r.quality, con)
    d = (r.ranges or {}).get("drivers") or []
    if d:
        _print_drivers(d, con)
    _print_assumptions(r, con, refs, assumptions)
    for n in r.notes:
        con.print(f"[yellow]note:[/] {n}")
    refs.print(con)


def print_money_extras(r: Estimate, con: Console) -> None:
    """Carbon lines and ownership economics (break-even utilization, buy for this run); issue 11."""
    c = r.carbon
    if "market_total_t" in c:
        conv = (
            "model-card convention: accelerator TDP x PUE only"
            if c["convention"] == "model-card"
            else f"host power counted: {c['kg_per_gpu_hour']:.2f} kgCO2e per GPU-hour, {c['full_to_model_card']:.2f}x model "
            "cards that count GPU TDP only (--carbon-convention model-card)"
        )
        con.print(
            f"carbon: location-based {c['total_t']:,.1f} tCO2e; market-based {c['market_total_t']:,.1f} tCO2e "
            f"({c['renewable_matched_share']:.0%} of the electricity matched by renewable purchases); {conv}"
        )
    o = r.ownership
    if o and o.get("buy_for_run"):
        b = o["buy_for_run"]
        if "break_even_utilization" in o:
            be = o["break_even_utilization"]
            be_s = (
                "never (the cloud price is below the electricity alone)"
                if be is None
                else (
                    f"{be:.0%}" + (" (above 100%: renting is cheaper at any utilization)" if be > 1 else "")
                )
            )
            con.print(
                f"owned ${o['owned_usd_per_gpu_hour']:.2f} per GPU-hour at {o['utilization']:.0%} utilization vs cloud "
                f"${o['cloud_usd_per_gpu_hour']:.2f} ({o['cloud_pricing']}); [bold]break-even utilization {be_s}[/] "
                f"over a {o['economic_life_years']:g}-year life at {o['cost_of_capital']:.0%} cost of capital"
            )
        con.print(
            f"buy for this run and sell after: {usd(b['total_usd'])} (capex {usd(b['capex_usd'])} - resale "
            f"{usd(b['resale_after_run_usd'])} + capital, colocation, operations and electricity for the run)"
        )


def print_answer(r: Estimate, con: Console) -> None:
    """Which figure is the answer (the median) and the budget at a chosen percentile (issue 11)."""
    a = r.answer
    if not a:
        return
    con.print(
        f"[bold]answer: {usd(a['cost_usd'])}[/], {a['wall_clock_days']:,.1f} days, {a['gpu_hours']:,.0f} GPU-hours: "
        f"the median (P50) of the Monte Carlo, half the outcomes cost less. The point estimate "
        f"({usd(a['point_estimate_usd'])}) takes {a['point_estimate_note']}."
    )
    if a["budget_percentile"] != MEDIAN:
        con.print(
            f"[bold]budget at P{a['budget_percentile']:g}: {usd(a['budget_usd'])}[/] "
            f"({a['days_at_percentile']:,.1f} days at that percentile; --budget-percentile)"
        )
