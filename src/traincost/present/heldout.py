"""Terminal table of the performance model's out-of-sample accuracy (`traincost validate --throughput`)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def print_heldout(out: dict, con: Console) -> None:
    """Per generation and per source: leave-one-source-out (held-out) median |error| next to the in-sample one."""
    h = out["held_out"]
    t = Table(
        title="throughput accuracy out of sample: leave-one-source-out vs in-sample, median |error|",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for col in ("generation", "source", "rows", "held out", "in sample"):
        t.add_column(col, justify="left" if col in ("generation", "source") else "right", no_wrap=True)
    for gen, g in h["by_generation"].items():
        t.add_row(
            f"[bold]{gen}[/]",
            "all",
            str(g["rows"]),
            _pct(g["median_abs_error"]),
            _pct(g["in_sample_median_abs_error"]),
        )
        for src, d in g["by_source"].items():
            t.add_row(
                "", src, str(d["rows"]), _pct(d["median_abs_error"]), _pct(d["in_sample_median_abs_error"])
            )
    con.print(t)
    con.print(
        f"[bold]held out:[/] median abs error {_pct(h['median_abs_error'])} (worst source {h['worst_source']}: "
        f"{_pct(h['worst_source_median_abs_error'])}); in sample {_pct(out['in_sample']['median_abs_error'])}; "
        f"measured rows predicted not to fit in memory: {out['false_oom']}"
    )
    con.print(
        "[dim]held out = each source predicted with constants fitted without it (data/heldout.yaml, "
        "scripts/calibrate.py); a generation with one source (Blackwell) is predicted with the borrowed Hopper fit "
        "made without that source[/]"
    )
