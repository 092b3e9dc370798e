"""The data behind the report's charts (one place), and their SVG rendering (present/svg.py, no matplotlib).

The report, the Python API's HTML card and the web page draw the same four charts: the cost breakdown,
cost vs days across cluster sizes, the uncertainty of the total cost, and model sizes (cost and expected
loss); a comparison adds its time-cost chart with the Pareto front."""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.present import svg

# presentation: the model-size sweep shows the 5 smallest models of the family, 200 Monte Carlo draws each
# (the chart plots the point-estimate total and the loss, which do not depend on the draws; fewer draws keep it fast)
SWEEP_MODELS = 5
SWEEP_SAMPLES = 200  # presentation: draws per sweep point


def chart_data(r, base: dict, compare: dict | None = None, sweep: bool = True) -> dict[str, Any]:
    """Numbers for the charts of an estimate `r` of scenario `base` (and its comparison)."""
    from traincost.pipeline import estimate
    from traincost.present.plots import cluster_sweep

    cats: dict[str, float] = {}
    for line in r.bill:
        cats[line.category] = cats.get(line.category, 0.0) + line.usd
    out: dict[str, Any] = {"categories": {k: v for k, v in cats.items() if v > 0}, "histogram": r.ranges["cost_histogram"],
                           "marks": {k.upper(): r.ranges["cost_usd"][k] for k in ("p10", "p50", "p90")},
                           "samples": r.ranges["samples"], "gpu": r.hardware.gpu}
    sweep_base = {k: v for k, v in base.items() if k not in ("gpus", "model", "candidates", "config")}
    if sweep:
        models = [r.model.name] if not compare else list(dict.fromkeys(
            c["model"]["name"] for c in compare["candidates"] if "cost" in c))
        if base.get("config") is not None and not compare:
            models = []  # a custom config: no catalog name to sweep
        out["sweep"] = {m: cluster_sweep(sweep_base, m, r.hardware.gpu) for m in models[:4]}
    rows: list[tuple[str, float, float]] = []
    if compare:
        rows = [(c["label"], c["cost"]["total_usd"], c["quality"]["loss"]) for c in compare["candidates"] if "cost" in c]
    elif sweep:
        entry = catalog.models().get(r.model.name)
        fam = [m for m in catalog.models().values() if entry and m.family == entry.family]
        for m in sorted(fam, key=lambda m: m.arch.params)[:SWEEP_MODELS]:
            try:
                e = estimate({**sweep_base, "model": m.id, "gpus": r.hardware.count, "samples": SWEEP_SAMPLES})
            except InputError:
                continue
            rows.append((m.id, e.cost.total_usd, e.quality["loss"]))
    out["model_sizes"] = rows
    return out


def estimate_svgs(data: dict[str, Any]) -> dict[str, str]:
    """SVG charts from :func:`chart_data`."""
    figs = {"cost_breakdown": svg.hbars(list(data["categories"].items()), "cost breakdown")}
    if data.get("sweep"):
        series = [{"name": m, "line": True, "points": [(p["days"], p["cost"], str(p["gpus"])) for p in pts]}
                  for m, pts in data["sweep"].items() if pts]
        figs["cost_vs_days"] = svg.scatter(series, f"cost vs time across cluster sizes ({data['gpu']}; labels: GPUs)",
                                           "wall-clock days (log)", "total cost", xlog=True)
    h = data["histogram"]
    figs["uncertainty"] = svg.histogram(h["edges"], h["counts"], data["marks"],
                                        f"uncertainty of the total cost ({data['samples']:,} Monte Carlo samples)")
    if len(data["model_sizes"]) > 1:
        figs["model_sizes"] = svg.bars_and_points(data["model_sizes"], "model sizes: cost and expected loss",
                                                  "total cost", "expected loss (estimate)")
    return figs


def compare_svg(res: dict[str, Any]) -> str:
    """Days vs cost of each candidate, with the time-cost Pareto front."""
    ok = [c for c in res["candidates"] if "cost" in c]
    series = [{"name": c["label"], "points": [(c["time"]["wall_clock_days"], c["cost"]["total_usd"], "")]} for c in ok]
    front = [(c["time"]["wall_clock_days"], c["cost"]["total_usd"]) for c in ok if c.get("pareto")]
    return svg.scatter(series, "candidates: cost vs days (dashed: Pareto front)", "wall-clock days", "total cost",
                       front=front)
