"""Terminal output of `traincost validate`: published runs, throughput and memory, predicted vs reported."""

from __future__ import annotations

from rich.console import Console

from traincost.parallel.plan import fmt_layout
from traincost.present import answer
from traincost.present.fit import Col, fit_table, paragraph
from traincost.present.keep import KEEP_20, KEEP_30, KEEP_40, KEEP_50, KEEP_60

# presentation: error colours; green within the first bound, yellow within the second, else red
RUN_OK = 0.2  # presentation: published runs (P50 error of GPU-hours or days), green up to 20%
RUN_WARN = 0.5  # presentation: yellow up to 50%
THROUGHPUT_OK = 0.1  # presentation: tokens/s per GPU, green up to 10%
THROUGHPUT_WARN = 0.25  # presentation: yellow up to 25%


def _pct_color(err: float, ok: float, warn: float, fmt: str) -> str:
    color = "green" if abs(err) <= ok else ("yellow" if abs(err) <= warn else "red")
    return f"[{color}]{err:{fmt}}[/]"


def _runs(runs: dict, con: Console) -> None:
    cols = [
        Col("run"),
        Col("metric", keep=KEEP_30),
        Col("reported", "right"),
        Col("P10", "right", keep=KEEP_60),
        Col("P50", "right"),
        Col("P90", "right", keep=KEEP_60),
        Col("P50 error", "right"),
        Col("in P10-P90", "right", keep=KEEP_50),
        Col("GPUs", "right", keep=KEEP_40),
    ]
    data = []
    for r in runs["rows"]:
        fmt = "{:,.0f}" if r["metric"] == "gpu_hours" else "{:,.1f}"
        data.append(
            [
                r["id"],
                r["metric"].replace("_", " "),
                fmt.format(r["reported"]),
                fmt.format(r["p10"]),
                fmt.format(r["p50"]),
                fmt.format(r["p90"]),
                _pct_color(r["error_p50"], RUN_OK, RUN_WARN, "+.0%"),
                "yes" if r["inside_p10_p90"] else "[red]no[/]",
                f"{r['gpus']:,}" + ("" if r["gpus_stated"] else "*"),
            ]
        )
    con.print(fit_table(con, cols, data, "published runs: traincost's P10/P50/P90 vs reported"))
    s = runs["summary"]
    con.print(
        f"[bold]runs:[/] {s['runs']}, median |P50 error| {s['median_abs_error_p50']:.1%}, "
        f"reported value inside P10-P90 for {s['coverage_p10_p90']:.0%} "
        "[dim](* GPU count not published: 1,024 assumed)[/]"
    )
    print_leave_one_out(runs.get("leave_one_out"), con)


def _throughput(thr: dict, con: Console) -> None:
    cols = [
        Col("row"),
        Col("GPUs", "right"),
        Col("seq", "right", keep=KEEP_40),
        Col("measured", "right"),
        Col("predicted", "right"),
        Col("error", "right"),
        Col("layout (searched where unstated)", wrap=True, keep=KEEP_20),
    ]
    data = [
        [
            r["id"],
            f"{r['gpus']:,}",
            str(r["seq_len"]),
            f"{r['measured_tokens_per_s_per_gpu']:,.0f}",
            f"{r['predicted_tokens_per_s_per_gpu']:,.0f}",
            _pct_color(r["error"], THROUGHPUT_OK, THROUGHPUT_WARN, "+.1%"),
            (fmt_layout(r["layout"]) if r["layout"] else "-") + (f" ({r['note']})" if r["note"] else ""),
        ]
        for r in thr["rows"]
    ]
    con.print(fit_table(con, cols, data, "throughput: predicted vs measured tokens/s per GPU"))
    s = thr["summary"]
    con.print(
        f"[bold]throughput:[/] {s['rows']} rows, median abs error {s['median_abs_error']:.1%}, "
        f"mean {s['mean_abs_error']:.1%}, worst {s['worst_abs_error']:.1%}; within 10%: {s['within_10pct']:.0%}, "
        f"within 20%: {s['within_20pct']:.0%}"
    )


def _memory(mem: dict, con: Console) -> None:
    cols = [
        Col("row"),
        Col("part"),
        Col("measured GiB", "right"),
        Col("predicted GiB", "right"),
        Col("error", "right"),
    ]
    data = [
        [r["id"], r["part"], f"{r['measured_gib']:.1f}", f"{r['predicted_gib']:.1f}", f"{r['error']:+.1%}"]
        for r in mem["rows"]
    ]
    con.print(
        fit_table(con, cols, data, "memory per GPU: predicted vs measured (Korthikanti et al. 2022, Fig. 1)")
    )
    s = mem["summary"]
    con.print(
        f"[bold]memory:[/] {s['rows']} rows, median abs error {s['median_abs_error']:.1%}, worst {s['worst_abs_error']:.1%}"
    )


def print_validation(out: dict, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.validate_paragraph(out))
    if brief:
        return
    con.print()
    if "runs" in out:
        _runs(out["runs"], con)
    if "throughput" in out:
        _throughput(out["throughput"], con)
    if "memory" in out:
        _memory(out["memory"], con)


def print_leave_one_out(loo: dict | None, con: Console) -> None:
    """Out-of-sample accuracy: each run predicted with the residual fitted on the other runs (issue 11)."""
    if not loo:
        return
    con.print(
        f"[bold]leave-one-out (held-out accuracy):[/] median |P50 error| {loo['median_abs_error']:.1%}, "
        f"reported value inside P10-P90 for {loo['coverage_p10_p90']:.0%} of {loo['runs']} runs "
        f"[dim](residual fitted on the other runs, never on held-out sources; the table above is in-sample)[/]"
    )
