"""CSV export of a comparison: one row per candidate, the columns of `traincost compare --csv`."""

from __future__ import annotations

import csv
import io
from typing import Any

from traincost.parallel.plan import fmt_layout

CSV_COLUMNS = [
    "label",
    "model",
    "gpu",
    "gpus",
    "provider",
    "layout",
    "wall_clock_days",
    "days_p10",
    "days_p90",
    "gpu_hours",
    "cost_usd",
    "cost_p10",
    "cost_p90",
    "energy_mwh",
    "co2_t",
    "loss",
    "tokens_per_param",
    "serving_cost_usd",
    "from_scratch_cost_usd",
    "pareto",
    "domain_loss_p10",
    "domain_loss_p90",
    "domain_gain_p50",
    "general_loss_change_p50",
    "cost_per_domain_gain_usd",
]


def to_csv(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for r in result["candidates"]:
        if "cost" not in r:
            w.writerow([r["label"]] + [""] * (len(CSV_COLUMNS) - 1))
            continue
        lay = r["throughput"].get("layout")
        w.writerow(
            [
                r["label"],
                r["model"]["name"],
                r["hardware"]["gpu"],
                r["hardware"]["count"],
                r["cost"].get("provider") or "",
                fmt_layout(lay) if lay else "",
                f"{r['time']['wall_clock_days']:.3f}",
                f"{r['ranges']['wall_clock_days']['p10']:.3f}",
                f"{r['ranges']['wall_clock_days']['p90']:.3f}",
                f"{r['time']['gpu_hours']:.0f}",
                f"{r['cost']['total_usd']:.0f}",
                f"{r['ranges']['cost_usd']['p10']:.0f}",
                f"{r['ranges']['cost_usd']['p90']:.0f}",
                f"{r['energy']['kwh'] / 1000:.1f}",
                f"{r['carbon']['total_t']:.2f}",
                f"{r['quality']['loss']:.4f}",
                f"{r['quality']['tokens_per_param']:.1f}",
                f"{r['serving']['cost_usd']:.0f}" if r.get("serving") else "",
                f"{r['from_scratch']['cost_usd']:.0f}" if r.get("from_scratch") else "",
                r.get("pareto", False),
                *_cpt_cells(r),
            ]
        )
    return buf.getvalue()


def _cpt_cells(r: dict[str, Any]) -> list[str]:
    q, d = r.get("quality") or {}, r.get("decision") or {}

    def f(x, fmt="{:.4f}"):
        return fmt.format(x) if x is not None else ""

    dl, g, gc = q.get("domain_loss") or {}, q.get("domain_gain") or {}, q.get("general_loss_change") or {}
    return [
        f(dl.get("p10")),
        f(dl.get("p90")),
        f(g.get("p50")),
        f(gc.get("p50")),
        f(d.get("cost_per_domain_gain_usd"), "{:.0f}"),
    ]
