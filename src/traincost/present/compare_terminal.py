"""Terminal output of `traincost compare`: the candidates table, the CPT decision and the partners' split."""

from __future__ import annotations

from rich.console import Console

from traincost.parallel.plan import fmt_layout
from traincost.present import answer
from traincost.present.cpt_terminal import print_cpt_decision
from traincost.present.fit import Col, fit_table, paragraph
from traincost.present.keep import KEEP_20, KEEP_30, KEEP_40, KEEP_45, KEEP_50, KEEP_60, KEEP_70
from traincost.units import human, usd

TITLES = {
    "compare": "candidates",
    "deadline": "smallest cluster that meets the deadline",
    "budget": "most tokens within the budget",
    "target-loss": "fewest domain tokens reaching the target domain loss (P50)",
}


def _columns(mode: str, serve: bool, scratch: bool) -> list[Col]:
    cols = [
        Col("candidate"),
        Col("GPUs", "right"),
        Col("layout", wrap=True, keep=10),
        Col("days (P10-P90)", "right"),
        Col("GPU-hours", "right", keep=KEEP_40),
        Col("cost (P10-P90)", "right"),
        Col("MWh", "right", keep=KEEP_20),
        Col("tCO2e", "right", keep=KEEP_30),
        Col("loss", "right", keep=KEEP_50),
    ]
    if mode in ("budget", "target-loss"):
        cols.insert(1, Col("tokens", "right"))
    if serve:
        cols.append(Col("serving", "right", keep=KEEP_60))
    if scratch:
        cols.append(Col("from scratch", "right", keep=KEEP_45))
    cols.append(Col("Pareto", "right", keep=KEEP_70))
    return cols


def _infeasible(r: dict, cols: list[Col]) -> list[str]:
    err = (r.get("solve") or {}).get("error") or "infeasible"
    cells = ["-"] * len(cols)
    cells[0], cells[[c.header for c in cols].index("layout")] = r["label"], f"[red]{err}[/]"
    return cells


def _cells(r: dict, mode: str, serve: bool, scratch: bool) -> list[str]:
    g = r["ranges"]
    cells = [
        r["label"],
        f"{r['hardware']['count']:,}",
        fmt_layout(r["throughput"].get("layout")),
        f"{answer.median_days(r):,.1f} ({g['wall_clock_days']['p10']:,.1f}-{g['wall_clock_days']['p90']:,.1f})",
        f"{r['time']['gpu_hours']:,.0f}",
        f"{usd(answer.median_cost(r))} ({usd(g['cost_usd']['p10'])}-{usd(g['cost_usd']['p90'])})",
        f"{r['energy']['kwh'] / 1000:,.0f}",
        f"{r['carbon']['total_t']:,.1f}",
        f"{r['quality']['loss']:.3f}",
    ]
    if mode in ("budget", "target-loss"):
        cells.insert(1, human(r["tokens"]))
    if serve:
        cells.append(usd(r["serving"]["cost_usd"]) if r.get("serving") else "-")
    if scratch:
        fs = r.get("from_scratch")
        cells.append(f"{usd(fs['cost_usd'])} ({human(fs['tokens'])} tok)" if fs else "-")
    cells.append("[green]*[/]" if r.get("pareto") else "")
    return cells


def print_compare(res: dict, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.compare_paragraph(res))
    if brief:
        return
    con.print()
    rows = res["candidates"]
    serve = any(r.get("serving") for r in rows)
    scratch = any(r.get("from_scratch") for r in rows)
    mode = res["mode"]
    cols = _columns(mode, serve, scratch)
    data = [_cells(r, mode, serve, scratch) if "cost" in r else _infeasible(r, cols) for r in rows]
    con.print(fit_table(con, cols, data, TITLES.get(mode, mode)))
    print_cpt_decision(res, con)
    q = next((r["quality"] for r in rows if r.get("quality")), None)
    if q:
        con.print(
            f"[dim]loss: {q['label']} ({q['law']}{', rough defaults' if q['rough'] else ''}); compute-optimal is "
            f"~{q['compute_optimal_tokens_per_param']:.0f} tokens per parameter (Epoch AI refit of Chinchilla).[/]"
        )
    for r in rows:
        if r.get("partners"):
            parts = ", ".join(f"{k} {usd(v['cost_usd'])}" for k, v in r["partners"].items())
            con.print(f"[dim]{r['label']} split:[/] {parts}")
