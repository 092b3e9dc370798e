"""Rich rendering of results for the terminal. Imported only by the commands that print tables.

Every command opens with its answer (present/answer.py); tables then fit the terminal without cutting a
number or a name (present/fit.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console

from traincost.parallel.plan import fmt_layout
from traincost.present import answer
from traincost.present.compare_terminal import print_compare
from traincost.present.cpt_terminal import print_quality
from traincost.present.fit import Col, Refs, fit_table, paragraph
from traincost.present.keep import KEEP_20, KEEP_30, KEEP_40, KEEP_50, KEEP_60
from traincost.present.validation_terminal import print_leave_one_out, print_validation
from traincost.units import human, usd

if TYPE_CHECKING:
    from traincost.usecases.results import Estimate

__all__ = [
    "print_answer",
    "print_audit",
    "print_compare",
    "print_estimate",
    "print_hardware",
    "print_leave_one_out",
    "print_models",
    "print_money_extras",
    "print_offers",
    "print_plan",
    "print_prices",
    "print_validation",
]

HUMAN_FROM = 1e4  # presentation: numbers from 10,000 up print as 12.3k, 4.5M
MIN_SHARE_SHOWN = 0.005  # presentation: time-breakdown parts under 0.5% of a step are left out
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


def _detail_rows(r: Estimate) -> list[list[str]]:
    m, hw, th, tm, rel = r.model, r.hardware, r.throughput, r.time, r.reliability
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
    st = r.storage
    rows += [
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
    rows.append(["[bold]total cost[/]", f"[bold]{usd(r.cost.total_usd)}[/]", "the bill"])
    return rows


def print_estimate(r: Estimate, con: Console, brief: bool = False, assumptions: bool = False) -> None:
    head, rest = answer.estimate_paragraph(r)
    paragraph(con, head, rest)
    if brief:
        return
    refs = Refs()
    con.print()
    if r.ranges:
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
    print_money_extras(r, con)
    if r.quality:
        print_quality(r.quality, con)
    d = (r.ranges or {}).get("drivers") or []
    if d:
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
    for n in r.notes:
        con.print(f"[yellow]note:[/] {n}")
    refs.print(con)


def print_prices(rows, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.prices_paragraph(rows))
    if brief:
        return

    def f(x):
        return "-" if x is None else usd(x)

    cols = [
        Col("accelerator"),
        Col("provider"),
        Col("instance", keep=KEEP_20),
        Col("region", keep=10),
        Col("on-demand", "right"),
        Col("1y", "right", keep=KEEP_40),
        Col("3y", "right", keep=KEEP_40),
        Col("spot", "right", keep=KEEP_30),
        Col("date"),
    ]
    data = [
        [
            r.accelerator,
            r.provider,
            r.instance or "-",
            r.region or "-",
            f(r.on_demand),
            f(r.reserved_1y),
            f(r.reserved_3y),
            f(r.spot),
            r.date,
        ]
        for r in rows
    ]
    con.print(fit_table(con, cols, data))
    con.print(f"[dim]{len(rows)} rows, USD per accelerator-hour; sources: `traincost prices --json`[/]")


def print_models(rows: list[dict], con: Console) -> None:
    cols = [
        Col("id"),
        Col("type", keep=KEEP_20),
        Col("params", "right"),
        Col("active", "right", keep=KEEP_40),
        Col("non-embedding", "right", keep=10),
        Col("layers", "right", keep=KEEP_30),
        Col("pre-trained on", "right", keep=KEEP_50),
    ]
    data = [
        [
            r["id"],
            r["model_type"],
            f"{r['params']:,}",
            human(r["active_params"]),
            human(r["non_embedding_params"]),
            str(r["layers"]),
            human(r["pretraining_tokens"]) if r["pretraining_tokens"] else "-",
        ]
        for r in rows
    ]
    con.print(fit_table(con, cols, data))
    con.print(
        f"[dim]{len(rows)} models; parameter counts are exact (equal to the Hugging Face classes built from each config)[/]"
    )


def print_hardware(accs, con: Console) -> None:
    def f(x, fmt="{:,.0f}"):
        return "-" if x is None else fmt.format(x)

    cols = [Col("id"), Col("name", wrap=True, keep=10)] + [
        Col(c, "right", keep=k)
        for c, k in (
            ("bf16 TFLOP/s", 100),
            ("fp8", KEEP_50),
            ("HBM GB", 100),
            ("HBM TB/s", KEEP_60),
            ("TDP W", KEEP_40),
            ("scale-up", KEEP_30),
            ("up GB/s", KEEP_30),
            ("out GB/s", KEEP_20),
        )
    ]
    data = []
    for a in accs:
        bf = a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16")
        data.append(
            [
                a.id,
                a.name,
                f(bf),
                f(a.peak_tflops.get("fp8")),
                f(a.memory_gb),
                f(a.memory_bw_tbps, "{:.2f}"),
                f(a.tdp_w),
                str(a.scale_up_size),
                f(a.scale_up_bw_gbs),
                f(a.scale_out_bw_gbs),
            ]
        )
    con.print(fit_table(con, cols, data))
    con.print(
        "[dim]dense peaks (no sparsity); bandwidths per accelerator per direction; sources: `traincost hardware --json`[/]"
    )


def print_plan(r, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.plan_paragraph(r))
    if brief:
        return
    con.print()
    con.print(
        f"[dim]{r.model} on {r.gpus:,} x {r.gpu}, seq {r.seq_len}, global batch {r.global_batch['sequences']:,} "
        f"sequences ({human(r.global_batch['tokens'])} tokens), {r.precision}, {r.optimizer}, "
        f"{getattr(r, 'framework', 'megatron-core')}[/]"
    )
    s = r.search or {}
    if s.get("fixed"):
        con.print(f"[dim]fixed: {s['fixed']}; evaluated {s['evaluated']:,} layout(s)[/]")
    else:
        con.print(
            f"[dim]searched {s.get('evaluated', 0):,} layouts in {s.get('seconds', 0) * 1000:.0f} ms; "
            f"{s.get('fitting', 0):,} fit in memory[/]"
        )
    chosen = r.best or (r.alternatives[0] if r.alternatives else None)
    if chosen is None:
        con.print(f"[red]{r.why_not}[/]")
        return
    if r.best is None:
        con.print(f"[red]{r.why_not}[/]")
        for sug in r.suggestions:
            con.print(f"[yellow]would fit:[/] {sug}")
    th, mem = chosen["throughput"], chosen["memory"]
    bd = mem["breakdown_gib"]
    tb = chosen["time_breakdown"]
    step = tb["step"]
    rows = [
        ["layout", fmt_layout(chosen["layout"]), f"{chosen['microbatches']} micro-batches per step"],
        ["step time", f"{chosen['step_time_s']:.3f} s", ""],
        ["throughput", f"{th['tokens_per_s']:,.0f} tok/s", f"{th['tokens_per_s_per_gpu']:,.0f} per GPU"],
        ["MFU / HFU", f"{th['mfu']:.1%} / {th['hfu']:.1%}", "model / hardware FLOPs over dense peak"],
        [
            "memory per GPU",
            f"{mem['total_gib']:.1f} GiB",
            f"of {bd['capacity']:.1f} GiB; "
            + ", ".join(f"{k} {v:.1f}" for k, v in bd.items() if k != "capacity"),
        ],
        [
            "time breakdown",
            "",
            ", ".join(
                f"{k} {v / step:.0%}" for k, v in tb.items() if k != "step" and v / step >= MIN_SHARE_SHOWN
            ),
        ],
    ]
    cols = [Col("quantity", style="cyan"), Col("value", "right"), Col("detail", style="dim", wrap=True)]
    con.print(fit_table(con, cols, rows, "best layout" if r.best else "closest layout (does not fit)"))
    if r.best and r.alternatives:
        data = [
            [
                fmt_layout(x["layout"]),
                f"{x['step_time_s']:.3f}",
                f"{x['throughput']['mfu']:.1%}",
                f"{x['memory']['total_gib']:.1f}",
            ]
            for x in r.alternatives
        ]
        con.print(
            fit_table(
                con,
                [Col("layout"), Col("step s", "right"), Col("MFU", "right"), Col("GiB", "right")],
                data,
                "runners-up",
            )
        )
    cal = r.calibration
    if not cal["calibrated"]:
        con.print(
            f"[yellow]note:[/] efficiency constants for {cal['generation']} are not calibrated ({cal['source']})."
        )
    for x in r.assumptions:
        con.print(f"[dim]assumed {x.field} = {x.value}: {x.source}[/]")


def print_audit(r, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.audit_paragraph(r))
    if brief:
        return
    con.print()
    claim = ", ".join(
        f"{k.replace('_', ' ')} {v:,.6g}" for k, v in r.claim.items() if isinstance(v, int | float)
    )
    con.print(f"claim: [bold]{r.model}[/] on {human(r.tokens)} tokens (seq {r.seq_len}) on {r.gpu}: {claim}")
    for v in getattr(r, "verdicts", None) or [{"figure": "claim", "verdict": r.verdict, "reason": r.reason}]:
        color = {"impossible": "red", "implausible": "yellow", "plausible": "green"}.get(
            v["verdict"], "white"
        )
        con.print(
            f"verdict on {v['figure'].replace('_', ' ')}: [bold {color}]{v['verdict'].upper()}[/]: {v['reason']}"
        )
    e, b = r.estimate, r.best_published_mfu
    rows = [
        ["training FLOPs", f"{r.flops_total:.3e}", "traincost's count per matmul, causal attention"],
        ["implied TFLOP/s per GPU", f"{r.implied['tflops_per_gpu']:,.0f}", "FLOPs / (GPU-hours x 3600)"],
        ["implied MFU", f"{r.implied['mfu']:.1%}", f"({r.implied['mfu_6nd']:.1%} with 6ND)"],
        ["best published MFU", f"{b['mfu']:.1%}", f"{b['scope']}: {b['row']} ({b['source']})"],
        [
            "traincost estimate",
            f"{e['gpu_hours_p50']:,.0f} GPU-h",
            f"P10-P90 {e['gpu_hours_p10']:,.0f}-{e['gpu_hours_p90']:,.0f} on {e['gpus']:,} GPUs; the claim is "
            f"{e['claim_vs_p50']:.0%} of the P50",
        ],
    ]
    if "price_per_gpu_hour" in r.implied:
        rows.append(
            [
                "implied price",
                f"{usd(r.implied['price_per_gpu_hour'])}/GPU-h",
                r.implied.get("price_basis", ""),
            ]
        )
    con.print(
        fit_table(
            con,
            [Col("quantity", style="cyan"), Col("value", "right"), Col("how", style="dim", wrap=True)],
            rows,
        )
    )


def print_offers(o: dict, con: Console) -> None:
    """What the same run costs at each provider and tier (`traincost prices --gpu --gpus --days`)."""
    con.print(
        f"\n[bold]{o['gpus']} x {o['gpu']} for {o['days']:g} days[/] ({o['gpu_hours']:,.0f} GPU-hours): "
        "compute at each training-sized offer (8+ GPUs per node)"
    )
    cols = [
        Col("provider"),
        Col("instance", keep=KEEP_30),
        Col("region", keep=KEEP_20),
        Col("tier", wrap=True),
        Col("$/GPU-h", "right"),
        Col("compute", "right"),
        Col("observed", keep=KEEP_40),
    ]
    rows = []
    for r in o["offers"]:
        why = "not in market" if r["tier"] == "spot" else "stale, not in market"
        tier = r["tier"] + ("" if r["counted_in_market"] else f" ({why})")
        rows.append(
            [
                r["provider"],
                r["instance"] or "-",
                r["region"] or "-",
                tier,
                usd(r["usd_per_gpu_hour"]),
                usd(r["compute_usd"]),
                r["date"],
            ]
        )
    con.print(fit_table(con, cols, rows))
    e = o.get("effective")
    if e:
        con.print(
            f"effective price ${e['usd_per_gpu_hour']:.2f}/GPU-h -> ${e['compute_usd'] / 1e6:,.2f}M "
            f"(P10 ${e['compute_usd_p10'] / 1e6:,.2f}M, P90 ${e['compute_usd_p90'] / 1e6:,.2f}M); {e['source']}"
        )


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
