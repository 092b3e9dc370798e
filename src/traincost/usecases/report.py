"""`traincost report` (and the web's report download, the charts of the API's HTML card): every number a
report shows is computed here (the estimate, the comparison, the cluster-size sweep and the model-size
chart) and handed to ``present`` as plain data for rendering; nothing in ``present`` runs an estimate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from traincost import catalog
from traincost.decide.compare import expand, run_compare
from traincost.errors import InputError
from traincost.files import read_scenario_file
from traincost.present import documents
from traincost.usecases.estimate import estimate
from traincost.usecases.results import Estimate

CLUSTER_SWEEP = (
    64,
    128,
    256,
    512,
    1024,
    2048,
)  # presentation: cluster sizes of the cost-vs-days chart (whole nodes)
# presentation: Monte Carlo draws per chart point; the charts plot the point estimate and the P10-P90 of days,
# which settle within a few per cent at these counts, and fewer draws keep a report fast
SWEEP_SAMPLES = 500
MODEL_SIZE_SAMPLES = (
    200  # presentation: draws per model of the model-size chart (it plots the point estimate)
)
SWEEP_MAX_MODELS = 4  # presentation: lines on the cost-vs-days chart
MODEL_SIZE_MAX = 5  # presentation: the smallest models of the family on the model-size chart


@dataclass(frozen=True)
class Report:
    """What a report shows: the estimate of the base scenario, its comparison (if any) and the chart data."""

    estimate: Estimate
    compare: dict[str, Any] | None
    charts: dict[str, Any]


def cluster_sweep(base: dict, model: str, gpu: str | None) -> list[dict[str, float]]:
    """Cost vs days of one model as the cluster grows (whole nodes, powers of two)."""
    out = []
    for n in CLUSTER_SWEEP:
        try:
            r = estimate(
                {**base, "model": model, **({"gpu": gpu} if gpu else {}), "gpus": n, "samples": SWEEP_SAMPLES}
            )
        except InputError:
            continue
        out.append(
            {
                "gpus": n,
                "days": r.time.wall_clock_days,
                "cost": r.cost.total_usd,
                "days_p10": r.ranges["wall_clock_days"]["p10"],
                "days_p90": r.ranges["wall_clock_days"]["p90"],
            }
        )
    return out


def compare_sweeps(res: dict[str, Any], base: dict) -> dict[tuple[str, str], list[dict[str, float]]]:
    """The cluster-size sweep of each (model, accelerator) among a comparison's feasible candidates."""
    out: dict[tuple[str, str], list[dict[str, float]]] = {}
    sweep_base = {k: v for k, v in base.items() if k not in ("gpus",)}
    for r in res["candidates"]:
        key = (r["model"]["name"], r["hardware"]["gpu"]) if "cost" in r else None
        if key is not None and key not in out:
            out[key] = cluster_sweep(sweep_base, *key)
    return out


def _model_sizes(r: Estimate, sweep_base: dict) -> list[tuple[str, float, float]]:
    """Cost and expected loss of the smallest models of the estimate's family, on the same cluster."""
    entry = catalog.models().get(r.model.name)
    fam = [m for m in catalog.models().values() if entry and m.family == entry.family]
    rows = []
    for m in sorted(fam, key=lambda m: m.arch.params)[:MODEL_SIZE_MAX]:
        try:
            e = estimate(
                {**sweep_base, "model": m.id, "gpus": r.hardware.count, "samples": MODEL_SIZE_SAMPLES}
            )
        except InputError:
            continue
        rows.append((m.id, e.cost.total_usd, e.quality["loss"]))
    return rows


def chart_data(r: Estimate, base: dict, compare: dict | None = None, sweep: bool = True) -> dict[str, Any]:
    """Numbers for the charts of an estimate `r` of scenario `base` (and its comparison)."""
    cats: dict[str, float] = {}
    for line in r.bill:
        cats[line.category] = cats.get(line.category, 0.0) + line.usd
    out: dict[str, Any] = {
        "categories": {k: v for k, v in cats.items() if v > 0},
        "histogram": r.ranges["cost_histogram"],
        "marks": {k.upper(): r.ranges["cost_usd"][k] for k in ("p10", "p50", "p90")},
        "samples": r.ranges["samples"],
        "gpu": r.hardware.gpu,
    }
    sweep_base = {k: v for k, v in base.items() if k not in ("gpus", "model", "candidates", "config")}
    if sweep:
        models = (
            [r.model.name]
            if not compare
            else list(dict.fromkeys(c["model"]["name"] for c in compare["candidates"] if "cost" in c))
        )
        if base.get("config") is not None and not compare:
            models = []  # a custom config: no catalog name to sweep
        out["sweep"] = {m: cluster_sweep(sweep_base, m, r.hardware.gpu) for m in models[:SWEEP_MAX_MODELS]}
    rows: list[tuple[str, float, float]] = []
    if compare:
        rows = [
            (c["label"], c["cost"]["total_usd"], c["quality"]["loss"])
            for c in compare["candidates"]
            if "cost" in c
        ]
    elif sweep:
        rows = _model_sizes(r, sweep_base)
    out["model_sizes"] = rows
    return out


def build_report(base: dict, candidates: list[dict] | None = None) -> Report:
    """The estimate of `base`, the comparison of its (complete) candidate scenarios and the chart data."""
    r = estimate(base)
    compare = run_compare(base, candidates) if candidates else None
    return Report(r, compare, chart_data(r, base, compare))


def report_html(base: dict, candidates: list[dict] | None = None) -> str:
    """The HTML report of scenario `base` (and its candidates) as a string (for the web download)."""
    return documents.render_report_html(build_report(base, candidates))


def write_report(scenario_path: str | None, out: str, overrides: dict | None = None) -> Path:
    """`traincost report`: read the scenario file, compute the report and write it as HTML or Markdown."""
    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm", ".md"):
        raise InputError("output", f"must end in .html or .md (got {out!r})")
    data = read_scenario_file(scenario_path) if scenario_path else {}
    cands = data.pop("candidates", None)
    base = {**data, **(overrides or {})}
    return documents.write_document(
        build_report(base, expand(base, candidates=cands) if cands else None), path
    )
