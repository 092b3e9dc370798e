"""Rich tables of a layout plan for the terminal: the best (or closest) layout and the runners-up."""

from __future__ import annotations

from rich.console import Console

from traincost.parallel.plan import fmt_layout
from traincost.present import answer
from traincost.present.fit import Col, fit_table, paragraph
from traincost.units import human

MIN_SHARE_SHOWN = 0.005  # presentation: time-breakdown parts under 0.5% of a step are left out


def _print_header(r, con: Console) -> None:
    """The run planned and how wide the search was."""
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


def _layout_rows(chosen: dict) -> list[list[str]]:
    th, mem = chosen["throughput"], chosen["memory"]
    bd = mem["breakdown_gib"]
    tb = chosen["time_breakdown"]
    step = tb["step"]
    return [
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


def _print_runners_up(alternatives: list[dict], con: Console) -> None:
    data = [
        [
            fmt_layout(x["layout"]),
            f"{x['step_time_s']:.3f}",
            f"{x['throughput']['mfu']:.1%}",
            f"{x['memory']['total_gib']:.1f}",
        ]
        for x in alternatives
    ]
    con.print(
        fit_table(
            con,
            [Col("layout"), Col("step s", "right"), Col("MFU", "right"), Col("GiB", "right")],
            data,
            "runners-up",
        )
    )


def print_plan(r, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.plan_paragraph(r))
    if brief:
        return
    con.print()
    _print_header(r, con)
    chosen = r.best or (r.alternatives[0] if r.alternatives else None)
    if chosen is None:
        con.print(f"[red]{r.why_not}[/]")
        return
    if r.best is None:
        con.print(f"[red]{r.why_not}[/]")
        for sug in r.suggestions:
            con.print(f"[yellow]would fit:[/] {sug}")
    cols = [Col("quantity", style="cyan"), Col("value", "right"), Col("detail", style="dim", wrap=True)]
    con.print(
        fit_table(
            con, cols, _layout_rows(chosen), "best layout" if r.best else "closest layout (does not fit)"
        )
    )
    if r.best and r.alternatives:
        _print_runners_up(r.alternatives, con)
    cal = r.calibration
    if not cal["calibrated"]:
        con.print(
            f"[yellow]note:[/] efficiency constants for {cal['generation']} are not calibrated ({cal['source']})."
        )
    for x in r.assumptions:
        con.print(f"[dim]assumed {x.field} = {x.value}: {x.source}[/]")
