"""SVG rendering of the report's charts (present/svg.py, no matplotlib); the data behind them is computed by
usecases/report.py (`chart_data`).

The report, the Python API's HTML card and the web page draw the same four charts: the cost breakdown,
cost vs days across cluster sizes, the uncertainty of the total cost, and model sizes (cost and expected
loss); a comparison adds its time-cost chart with the Pareto front."""

from __future__ import annotations

from typing import Any

from traincost.present import svg


def estimate_svgs(data: dict[str, Any]) -> dict[str, str]:
    """SVG charts from :func:`traincost.usecases.report.chart_data`."""
    figs = {"cost_breakdown": svg.hbars(list(data["categories"].items()), "cost breakdown")}
    if data.get("sweep"):
        series = [
            {"name": m, "line": True, "points": [(p["days"], p["cost"], str(p["gpus"])) for p in pts]}
            for m, pts in data["sweep"].items()
            if pts
        ]
        figs["cost_vs_days"] = svg.scatter(
            series,
            f"cost vs time across cluster sizes ({data['gpu']}; labels: GPUs)",
            "wall-clock days (log)",
            "total cost",
            xlog=True,
        )
    h = data["histogram"]
    figs["uncertainty"] = svg.histogram(
        h["edges"],
        h["counts"],
        data["marks"],
        f"uncertainty of the total cost ({data['samples']:,} Monte Carlo samples)",
    )
    if len(data["model_sizes"]) > 1:
        figs["model_sizes"] = svg.bars_and_points(
            data["model_sizes"],
            "model sizes: cost and expected loss",
            "total cost",
            "expected loss (estimate)",
        )
    return figs


def compare_svg(res: dict[str, Any]) -> str:
    """Days vs cost of each candidate, with the time-cost Pareto front."""
    ok = [c for c in res["candidates"] if "cost" in c]
    series = [
        {"name": c["label"], "points": [(c["time"]["wall_clock_days"], c["cost"]["total_usd"], "")]}
        for c in ok
    ]
    front = [(c["time"]["wall_clock_days"], c["cost"]["total_usd"]) for c in ok if c.get("pareto")]
    return svg.scatter(
        series,
        "candidates: cost vs days (dashed: Pareto front)",
        "wall-clock days",
        "total cost",
        front=front,
    )
