"""Rich rendering of results for the terminal. Imported only by the commands that print tables."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from traincost.parallel.plan import fmt_layout
from traincost.pipeline import Estimate
from traincost.units import human, usd


def print_estimate(r: Estimate, con: Console) -> None:
    m, hw, th, tm = r.model, r.hardware, r.throughput, r.time
    con.print(
        f"[bold]{m.display_name}[/] on [bold]{human(r.tokens)}[/] tokens (seq {r.seq_len}), "
        f"[bold]{hw.count:,} x {hw.name}[/], {'owned hardware' if r.cost.ownership == 'owned' else 'cloud'}"
    )
    t = Table(box=box.SIMPLE_HEAD, show_header=True, pad_edge=False)
    t.add_column("quantity", style="cyan", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("how", style="dim")
    active = f", {human(m.active_params)} active" if m.active_params != m.params else ""
    t.add_row("parameters", f"{m.params:,}", f"{human(m.params)} total{active}; {m.layers} layers, d={m.hidden_size}")
    t.add_row("FLOPs per token", f"{r.flops.per_token:.3e}",
              f"fwd+bwd, counted per matmul; 6N = {r.flops.six_n_per_token:.3e}; attention {r.flops.attention_share:.1%}")
    t.add_row("total FLOPs", f"{r.flops.total:.3e}", "FLOPs per token x tokens")
    basis = {"assumed": "assumed", "user": "given", "planner": "predicted"}[th.mfu_basis]
    t.add_row("MFU", f"{th.mfu:.1%}", f"{basis}; {th.tflops_per_gpu:.0f} of {hw.peak_tflops:.0f} dense {hw.precision} TFLOP/s per GPU")
    if th.layout:
        t.add_row("layout", fmt_layout(th.layout),
                  f"fastest that fits ({th.framework}); step {th.step_time_s:.2f} s, {th.memory_gib:.0f} GiB per GPU, "
                  f"batch {th.global_batch:,} seq")
    t.add_row("throughput", f"{th.tokens_per_s:,.0f} tok/s", f"{th.tokens_per_s_per_gpu:,.0f} tokens/s per GPU")
    rel = r.reliability
    t.add_row("GPU-hours", f"{tm.gpu_hours:,.0f}", f"{tm.failure_free_gpu_hours:,.0f} failure-free + {rel['extra_gpu_hours']:,.0f} lost to failures and checkpoints")
    t.add_row("wall clock", f"{tm.wall_clock_days:,.1f} days",
              f"goodput {rel['goodput']:.1%}: {rel['interruptions']:.1f} interruptions expected, checkpoint every {rel['checkpoint_interval_min']:.0f} min")
    t.add_row("energy", f"{r.energy['kwh'] / 1000:,.0f} MWh", f"IT {r.energy['it_kw']:,.0f} kW x PUE {r.energy['pue']:.2f}")
    t.add_row("carbon", f"{r.carbon['total_t']:,.1f} tCO2e",
              f"{r.carbon['operational_t']:,.1f} operational ({r.carbon['grid_g_per_kwh']:.0f} g/kWh, {r.carbon['grid_region']}) + {r.carbon['embodied_t']:,.1f} embodied")
    st = r.storage
    t.add_row("storage", f"{st['dataset_tb'] + st['tokenized_tb'] + st['checkpoint_tb'] * st['checkpoints_kept']:,.1f} TB",
              f"dataset {st['dataset_tb']:.1f} TB raw + {st['tokenized_tb']:.1f} TB tokens; checkpoint {st['checkpoint_tb']:.2f} TB x {st['checkpoints_kept']:g}")
    t.add_row("[bold]total cost[/]", f"[bold]{usd(r.cost.total_usd)}[/]", "the bill below")
    con.print(t)
    if r.ranges:
        g = r.ranges
        u = Table(title=f"ranges (Monte Carlo, {g['samples']:,} samples, seed {g['seed']})", title_justify="left",
                  title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("figure", "P10", "P50", "P90", "point estimate"):
            u.add_column(col, justify="left" if col == "figure" else "right", no_wrap=True)
        rows = (("GPU-hours", "gpu_hours", tm.gpu_hours, "{:,.0f}"), ("wall clock, days", "wall_clock_days", tm.wall_clock_days, "{:,.1f}"),
                ("total cost", "cost_usd", r.cost.total_usd, None), ("energy, MWh", "energy_kwh", r.energy["kwh"], "mwh"),
                ("CO2e, t", "co2_t", r.carbon["total_t"], "{:,.1f}"))
        for label, key, point, fmt in rows:
            q = g[key]
            f = usd if fmt is None else ((lambda x: f"{x / 1000:,.0f}") if fmt == "mwh" else fmt.format)
            u.add_row(label, f(q["p10"]), f(q["p50"]), f(q["p90"]), f(point))
        con.print(u)
        con.print("[dim]P50 is the median of the samples; the point estimate takes every input at its central value. "
                  "They differ where the model is not linear (failures, fixed costs).[/]")

    b = Table(title="bill", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("item", "quantity", "unit price", "USD", "source"):
        b.add_column(col, justify="right" if col in ("quantity", "unit price", "USD") else "left",
                     no_wrap=col != "source", style="dim" if col == "source" else None)
    for line in r.bill:
        qty = f"{line.quantity:,.0f} {line.unit}" if line.quantity >= 10 else f"{line.quantity:,.2f} {line.unit}"
        up = "-" if line.unit_price == 0 else (f"${line.unit_price:,.4f}" if line.unit_price < 1 else f"${line.unit_price:,.2f}")
        b.add_row(line.item, qty, up, usd(line.usd), _clip(line.source, 90))
    b.add_row("[bold]total[/]", "", "", f"[bold]{usd(r.cost.total_usd)}[/]", "")
    con.print(b)
    if r.comparison:
        c = Table(title="cloud vs owned hardware", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        c.add_column("cost", no_wrap=True)
        c.add_column("cloud", justify="right")
        c.add_column("owned", justify="right")
        for k in ("compute_usd", "energy_usd", "facility_usd", "storage_usd", "staff_usd", "total_usd"):
            label = k.replace("_usd", "")
            c.add_row(label, usd(r.comparison["cloud"][k]), usd(r.comparison["owned"][k]))
        con.print(c)
    if r.assumptions:
        a = Table(title="assumptions (defaults used; override with flags or a scenario file)", box=box.SIMPLE,
                  title_justify="left", title_style="bold", show_header=False, pad_edge=False)
        a.add_column("field", style="yellow", no_wrap=True)
        a.add_column("value", no_wrap=True)
        a.add_column("source", style="dim")
        for x in r.assumptions:
            v = human(x.value) if x.field == "tokens" else (f"{x.value:g}" if isinstance(x.value, float) else x.value)
            a.add_row(x.field, str(v), _clip(x.source, 150))
        con.print(a)
    for n in r.notes:
        con.print(f"[yellow]note:[/] {n}")


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def print_prices(rows, con: Console) -> None:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col in ("accelerator", "provider", "instance", "region", "on-demand", "1y", "3y", "spot", "date"):
        t.add_column(col, justify="right" if col in ("on-demand", "1y", "3y", "spot") else "left", no_wrap=True)

    def f(x):
        return "-" if x is None else f"${x:,.2f}"

    for r in rows:
        t.add_row(r.accelerator, r.provider, r.instance or "-", r.region or "-", f(r.on_demand), f(r.reserved_1y),
                  f(r.reserved_3y), f(r.spot), r.date)
    con.print(t)
    con.print(f"[dim]{len(rows)} rows, USD per accelerator-hour; sources: `traincost prices --json`[/]")


def print_models(rows: list[dict], con: Console) -> None:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col, j in (("id", "left"), ("type", "left"), ("params", "right"), ("active", "right"),
                   ("non-embedding", "right"), ("layers", "right"), ("pre-trained on", "right")):
        t.add_column(col, justify=j, no_wrap=True)
    for r in rows:
        pt = human(r["pretraining_tokens"]) if r["pretraining_tokens"] else "-"
        t.add_row(r["id"], r["model_type"], f"{r['params']:,}", human(r["active_params"]),
                  human(r["non_embedding_params"]), str(r["layers"]), pt)
    con.print(t)
    con.print(f"[dim]{len(rows)} models; parameter counts are exact (equal to the Hugging Face classes built from each config)[/]")


def print_hardware(accs, con: Console) -> None:
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("id", no_wrap=True)
    t.add_column("name", max_width=30)
    for col in ("bf16 TFLOP/s", "fp8", "HBM GB", "HBM TB/s", "TDP W", "scale-up", "up GB/s", "out GB/s"):
        t.add_column(col, justify="right", no_wrap=True, min_width=len(col))

    def f(x, fmt="{:,.0f}"):
        return "-" if x is None else fmt.format(x)

    for a in accs:
        bf = a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16")
        t.add_row(a.id, a.name, f(bf), f(a.peak_tflops.get("fp8")), f(a.memory_gb), f(a.memory_bw_tbps, "{:.2f}"),
                  f(a.tdp_w), str(a.scale_up_size), f(a.scale_up_bw_gbs), f(a.scale_out_bw_gbs))
    con.print(t)
    con.print("[dim]dense peaks (no sparsity); bandwidths per accelerator per direction; sources: `traincost hardware --json`[/]")


def print_plan(r, con: Console) -> None:
    con.print(f"[bold]{r.model}[/] on [bold]{r.gpus:,} x {r.gpu}[/], seq {r.seq_len}, global batch "
              f"{r.global_batch['sequences']:,} sequences ({human(r.global_batch['tokens'])} tokens), {r.precision}, {r.optimizer}, "
              f"{getattr(r, 'framework', 'megatron-core')}")
    s = r.search or {}
    if s.get("fixed"):
        con.print(f"[dim]fixed: {s['fixed']}; evaluated {s['evaluated']:,} layout(s)[/]")
    else:
        con.print(f"[dim]searched {s.get('evaluated', 0):,} layouts in {s.get('seconds', 0) * 1000:.0f} ms; "
                  f"{s.get('fitting', 0):,} fit in memory[/]")
    chosen = r.best or (r.alternatives[0] if r.alternatives else None)
    if chosen is None:
        con.print(f"[red]{r.why_not}[/]")
        return
    if r.best is None:
        con.print(f"[red]{r.why_not}[/]")
        for sug in r.suggestions:
            con.print(f"[yellow]would fit:[/] {sug}")
    th, mem = chosen["throughput"], chosen["memory"]
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="best layout" if r.best else "closest layout (does not fit)",
              title_justify="left", title_style="bold")
    t.add_column("quantity", style="cyan", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("detail", style="dim")
    t.add_row("layout", fmt_layout(chosen["layout"]), f"{chosen['microbatches']} micro-batches per step")
    t.add_row("step time", f"{chosen['step_time_s']:.3f} s", "")
    t.add_row("throughput", f"{th['tokens_per_s']:,.0f} tok/s", f"{th['tokens_per_s_per_gpu']:,.0f} per GPU")
    t.add_row("MFU / HFU", f"{th['mfu']:.1%} / {th['hfu']:.1%}", "model / hardware FLOPs over dense peak")
    bd = mem["breakdown_gib"]
    parts = ", ".join(f"{k} {v:.1f}" for k, v in bd.items() if k != "capacity")
    t.add_row("memory per GPU", f"{mem['total_gib']:.1f} GiB", f"of {bd['capacity']:.1f} GiB; {parts}")
    tb = chosen["time_breakdown"]
    step = tb["step"]
    parts = ", ".join(f"{k} {v / step:.0%}" for k, v in tb.items() if k != "step" and v / step >= 0.005)
    t.add_row("time breakdown", "", parts)
    con.print(t)
    if r.best and r.alternatives:
        a = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="runners-up", title_justify="left", title_style="bold")
        for col in ("layout", "step s", "MFU", "GiB"):
            a.add_column(col, justify="left" if col == "layout" else "right", no_wrap=True)
        for x in r.alternatives:
            a.add_row(fmt_layout(x["layout"]), f"{x['step_time_s']:.3f}", f"{x['throughput']['mfu']:.1%}",
                      f"{x['memory']['total_gib']:.1f}")
        con.print(a)
    cal = r.calibration
    if not cal["calibrated"]:
        con.print(f"[yellow]note:[/] efficiency constants for {cal['generation']} are not calibrated ({cal['source']}).")
    for x in r.assumptions:
        con.print(f"[dim]assumed {x.field} = {x.value}: {x.source}[/]")


def print_audit(r, con: Console) -> None:
    color = {"impossible": "red", "implausible": "yellow", "plausible": "green"}[r.verdict]
    claim = ", ".join(f"{k.replace('_', ' ')} {v:,.6g}" for k, v in r.claim.items())
    con.print(f"claim: [bold]{r.model}[/] on {human(r.tokens)} tokens (seq {r.seq_len}) on {r.gpu}: {claim}")
    con.print(f"verdict: [bold {color}]{r.verdict.upper()}[/]: {r.reason}")
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("quantity", style="cyan", no_wrap=True)
    t.add_column("value", justify="right", no_wrap=True)
    t.add_column("how", style="dim")
    t.add_row("training FLOPs", f"{r.flops_total:.3e}", "traincost's count per matmul, causal attention")
    t.add_row("implied TFLOP/s per GPU", f"{r.implied['tflops_per_gpu']:,.0f}", "FLOPs / (GPU-hours x 3600)")
    t.add_row("implied MFU", f"{r.implied['mfu']:.1%}", f"({r.implied['mfu_6nd']:.1%} with 6ND)")
    b = r.best_published_mfu
    t.add_row("best published MFU", f"{b['mfu']:.1%}", f"{b['scope']}: {b['row']} ({b['source']})")
    e = r.estimate
    t.add_row("traincost estimate", f"{e['gpu_hours_p50']:,.0f} GPU-h",
              f"P10-P90 {e['gpu_hours_p10']:,.0f}-{e['gpu_hours_p90']:,.0f} on {e['gpus']:,} GPUs; the claim is "
              f"{e['claim_vs_p50']:.0%} of the P50")
    con.print(t)


def print_validation(out: dict, con: Console) -> None:
    if "runs" in out:
        t = Table(title="published runs: traincost's P10/P50/P90 vs reported", title_justify="left", title_style="bold",
                  box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("run", "metric", "reported", "P10", "P50", "P90", "P50 error", "in P10-P90", "GPUs"):
            t.add_column(col, justify="left" if col in ("run", "metric") else "right", no_wrap=True)
        for r in out["runs"]["rows"]:
            err = r["error_p50"]
            color = "green" if abs(err) <= 0.20 else ("yellow" if abs(err) <= 0.5 else "red")
            fmt = "{:,.0f}" if r["metric"] == "gpu_hours" else "{:,.1f}"
            t.add_row(r["id"], r["metric"].replace("_", " "), fmt.format(r["reported"]), fmt.format(r["p10"]),
                      fmt.format(r["p50"]), fmt.format(r["p90"]), f"[{color}]{err:+.0%}[/]", "yes" if r["inside_p10_p90"] else "[red]no[/]",
                      f"{r['gpus']:,}" + ("" if r["gpus_stated"] else "*"))
        con.print(t)
        s = out["runs"]["summary"]
        con.print(f"[bold]runs:[/] {s['runs']}, median |P50 error| {s['median_abs_error_p50']:.1%}, "
                  f"reported value inside P10-P90 for {s['coverage_p10_p90']:.0%} "
                  "[dim](* GPU count not published: 1,024 assumed)[/]")
    if "throughput" in out:
        t = Table(title="throughput: predicted vs measured tokens/s per GPU", title_justify="left", title_style="bold",
                  box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("row", "GPUs", "seq", "measured", "predicted", "error", "layout (searched where unstated)"):
            t.add_column(col, justify="left" if col in ("row", "layout (searched where unstated)") else "right",
                         no_wrap=col != "layout (searched where unstated)")
        for r in out["throughput"]["rows"]:
            err = r["error"]
            color = "green" if abs(err) <= 0.10 else ("yellow" if abs(err) <= 0.25 else "red")
            t.add_row(r["id"], f"{r['gpus']:,}", str(r["seq_len"]), f"{r['measured_tokens_per_s_per_gpu']:,.0f}",
                      f"{r['predicted_tokens_per_s_per_gpu']:,.0f}", f"[{color}]{err:+.1%}[/]",
                      (fmt_layout(r["layout"]) if r["layout"] else "-") + (f" ({r['note']})" if r["note"] else ""))
        con.print(t)
        s = out["throughput"]["summary"]
        con.print(f"[bold]throughput:[/] {s['rows']} rows, median abs error {s['median_abs_error']:.1%}, "
                  f"mean {s['mean_abs_error']:.1%}, worst {s['worst_abs_error']:.1%}; within 10%: {s['within_10pct']:.0%}, "
                  f"within 20%: {s['within_20pct']:.0%}")
    if "memory" in out:
        t = Table(title="memory per GPU: predicted vs measured (Korthikanti et al. 2022, Fig. 1)", title_justify="left",
                  title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
        for col in ("row", "part", "measured GiB", "predicted GiB", "error"):
            t.add_column(col, justify="left" if col in ("row", "part") else "right", no_wrap=True)
        for r in out["memory"]["rows"]:
            t.add_row(r["id"], r["part"], f"{r['measured_gib']:.1f}", f"{r['predicted_gib']:.1f}", f"{r['error']:+.1%}")
        con.print(t)
        s = out["memory"]["summary"]
        con.print(f"[bold]memory:[/] {s['rows']} rows, median abs error {s['median_abs_error']:.1%}, worst {s['worst_abs_error']:.1%}")


def print_compare(res: dict, con: Console) -> None:
    rows = res["candidates"]
    serve = any(r.get("serving") for r in rows)
    scratch = any(r.get("from_scratch") for r in rows)
    mode = res["mode"]
    title = {"compare": "candidates", "deadline": "smallest cluster that meets the deadline",
             "budget": "most tokens within the budget"}[mode]
    t = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    cols = ["candidate", "GPUs", "layout", "days (P10-P90)", "GPU-hours", "cost (P10-P90)", "MWh", "tCO2e", "loss"]
    if mode == "budget":
        cols.insert(1, "tokens")
    if serve:
        cols.append("serving")
    if scratch:
        cols.append("from scratch")
    cols.append("Pareto")
    for c in cols:
        if c == "layout":
            t.add_column(c, min_width=16, max_width=26, overflow="fold")
        else:
            t.add_column(c, justify="left" if c == "candidate" else "right", no_wrap=True)
    for r in rows:
        if "cost" not in r:
            err = (r.get("solve") or {}).get("error") or "infeasible"
            t.add_row(r["label"], *(["-"] * (len(cols) - 2)), f"[red]{_clip(err, 40)}[/]")
            continue
        g = r["ranges"]
        lay = r["throughput"].get("layout")
        cells = [
            r["label"], f"{r['hardware']['count']:,}", fmt_layout(lay),
            f"{r['time']['wall_clock_days']:,.1f} ({g['wall_clock_days']['p10']:,.1f}-{g['wall_clock_days']['p90']:,.1f})",
            f"{r['time']['gpu_hours']:,.0f}",
            f"{usd(r['cost']['total_usd'])} ({usd(g['cost_usd']['p10'])}-{usd(g['cost_usd']['p90'])})",
            f"{r['energy']['kwh'] / 1000:,.0f}", f"{r['carbon']['total_t']:,.1f}", f"{r['quality']['loss']:.3f}",
        ]
        if mode == "budget":
            cells.insert(1, human(r["tokens"]))
        if serve:
            cells.append(usd(r["serving"]["cost_usd"]) if r.get("serving") else "-")
        if scratch:
            fs = r.get("from_scratch")
            cells.append(f"{usd(fs['cost_usd'])} ({human(fs['tokens'])} tok)" if fs else "-")
        cells.append("[green]*[/]" if r.get("pareto") else "")
        t.add_row(*cells)
    con.print(t)
    s = res["summary"]
    con.print(f"cheapest: [bold]{s['cheapest']}[/]; fastest: [bold]{s['fastest']}[/]; lowest expected loss: "
              f"[bold]{s['best_expected_loss']}[/]; time-cost Pareto front (*): {', '.join(s['pareto'])}")
    q = next((r["quality"] for r in rows if r.get("quality")), None)
    if q:
        con.print(f"[dim]loss: {q['label']} ({q['law']}{', rough defaults' if q['rough'] else ''}); compute-optimal is "
                  f"~{q['compute_optimal_tokens_per_param']:.0f} tokens per parameter (Epoch AI refit of Chinchilla).[/]")
    for r in rows:
        if r.get("partners"):
            parts = ", ".join(f"{k} {usd(v['cost_usd'])}" for k, v in r["partners"].items())
            con.print(f"[dim]{r['label']} split:[/] {parts}")
