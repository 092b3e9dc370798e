"""Rich rendering of results for the terminal. Imported only by the commands that print tables."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from .pipeline import Estimate
from .units import human


def usd(x: float) -> str:
    if x >= 1e6:
        return f"${x / 1e6:,.2f}M"
    if x >= 1e4:
        return f"${x / 1e3:,.1f}k"
    return f"${x:,.2f}"


def print_estimate(r: Estimate, con: Console) -> None:
    m, hw, th = r.model, r.hardware, r.throughput
    con.print(
        f"[bold]{m.display_name}[/] on [bold]{human(r.tokens)}[/] tokens (seq {r.seq_len}), "
        f"[bold]{hw.count:,} x {hw.name}[/]"
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
    basis = "assumed" if th.mfu_basis == "assumed" else "given"
    t.add_row("MFU", f"{th.mfu:.1%}", f"{basis}; {th.tflops_per_gpu:.0f} of {hw.peak_tflops:.0f} dense {hw.precision} TFLOP/s per GPU")
    t.add_row("throughput", f"{th.tokens_per_s:,.0f} tok/s", f"{th.tokens_per_s_per_gpu:,.0f} tokens/s per GPU")
    t.add_row("GPU-hours", f"{r.time.gpu_hours:,.0f}", "tokens / throughput x GPUs")
    t.add_row("wall clock", f"{r.time.wall_clock_days:,.1f} days", "no failures, restarts or checkpoints yet")
    t.add_row("compute cost", usd(r.cost.compute_usd), f"at ${r.cost.price_per_gpu_hour:.2f} per GPU-hour")
    t.add_row("[bold]total[/]", f"[bold]{usd(r.cost.total_usd)}[/]", "compute only")
    con.print(t)
    if r.assumptions:
        a = Table(title="assumptions (defaults used; override with flags or a scenario file)", box=box.SIMPLE,
                  title_justify="left", title_style="bold", show_header=False, pad_edge=False)
        a.add_column("field", style="yellow", no_wrap=True)
        a.add_column("value", no_wrap=True)
        a.add_column("source", style="dim")
        for x in r.assumptions:
            v = human(x.value) if x.field == "tokens" else x.value
            a.add_row(x.field, str(v), x.source)
        con.print(a)
    for n in r.notes:
        con.print(f"[yellow]note:[/] {n}")


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
