"""Tables as rows of plain values, and their CSV and XLSX files: the bill, the ranges, the plan's layouts,
the comparison, the audit's verdicts. The same rows feed `--csv`, the web downloads and `to_dataframe()`."""

from __future__ import annotations

import csv
import io
from typing import Any

from traincost.errors import InputError
from traincost.parallel.plan import fmt_layout

XLSX_SHEET_NAME_MAX = 31  # Excel's limit on a worksheet name's length


def bill_rows(r) -> list[dict[str, Any]]:
    rows = [
        {
            "category": b.category,
            "item": b.item,
            "quantity": b.quantity,
            "unit": b.unit,
            "unit_price_usd": b.unit_price,
            "usd": b.usd,
            "source": b.source,
        }
        for b in r.bill
    ]
    rows.append(
        {
            "category": "total",
            "item": "total",
            "quantity": None,
            "unit": "",
            "unit_price_usd": None,
            "usd": r.cost.total_usd,
            "source": "",
        }
    )
    return rows


def ranges_rows(r) -> list[dict[str, Any]]:
    g, out = r.ranges, []
    for label, key, point in (
        ("gpu_hours", "gpu_hours", r.time.gpu_hours),
        ("wall_clock_days", "wall_clock_days", r.time.wall_clock_days),
        ("total_cost_usd", "cost_usd", r.cost.total_usd),
        ("energy_kwh", "energy_kwh", r.energy["kwh"]),
        ("co2e_t", "co2_t", r.carbon["total_t"]),
    ):
        out.append(
            {
                "figure": label,
                "p10": g[key]["p10"],
                "p50": g[key]["p50"],
                "p90": g[key]["p90"],
                "point": point,
            }
        )
    return out


def assumption_rows(r) -> list[dict[str, Any]]:
    return [{"field": a.field, "value": a.value, "source": a.source} for a in r.assumptions]


def plan_rows(p) -> list[dict[str, Any]]:
    """The chosen layout and the runners-up, with their memory and step-time breakdowns."""
    chosen = ([p.best] if p.best else []) + list(p.alternatives)
    out = []
    for i, x in enumerate(chosen):
        row = {
            "rank": i + 1,
            "layout": fmt_layout(x["layout"]),
            **{k: x["layout"].get(k) for k in x["layout"]},
            "step_time_s": x["step_time_s"],
            "tokens_per_s": x["throughput"]["tokens_per_s"],
            "mfu": x["throughput"]["mfu"],
            "memory_gib": x["memory"]["total_gib"],
            "fits": x["memory"]["fits"],
        }
        row.update({f"mem_{k}_gib": v for k, v in x["memory"]["breakdown_gib"].items()})
        row.update({f"time_{k}_s": v for k, v in x["time_breakdown"].items()})
        out.append(row)
    return out


def compare_rows(res: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for c in res["candidates"]:
        if "cost" not in c:
            out.append({"candidate": c["label"], "feasible": False})
            continue
        g = c["ranges"]
        out.append(
            {
                "candidate": c["label"],
                "feasible": True,
                "model": c["model"]["name"],
                "gpu": c["hardware"]["gpu"],
                "gpus": c["hardware"]["count"],
                "tokens": c["tokens"],
                "days": c["time"]["wall_clock_days"],
                "days_p10": g["wall_clock_days"]["p10"],
                "days_p90": g["wall_clock_days"]["p90"],
                "gpu_hours": c["time"]["gpu_hours"],
                "cost_usd": c["cost"]["total_usd"],
                "cost_p10": g["cost_usd"]["p10"],
                "cost_p90": g["cost_usd"]["p90"],
                "mwh": c["energy"]["kwh"] / 1000,
                "co2e_t": c["carbon"]["total_t"],
                "expected_loss": c["quality"]["loss"],
                "pareto": bool(c.get("pareto")),
            }
        )
    return out


def to_csv(rows: list[dict[str, Any]]) -> str:
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r if k not in keys]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=keys, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def estimate_csv(r, table: str = "bill") -> str:
    """One table of an estimate as CSV: bill, ranges or assumptions."""
    tables = {"bill": bill_rows, "ranges": ranges_rows, "assumptions": assumption_rows}
    if table not in tables:
        raise InputError("csv", f"must be one of {', '.join(tables)} (got {table!r})")
    return to_csv(tables[table](r))


def to_xlsx(sheets: dict[str, list[dict[str, Any]]]) -> bytes:
    """An Excel workbook with one sheet per table (needs openpyxl: pip install 'traincost[xlsx]')."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputError(
            "xlsx", "Excel export needs openpyxl: pip install 'traincost[xlsx]' (or download the CSV)"
        ) from None
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:XLSX_SHEET_NAME_MAX])
        keys: list[str] = []
        for r in rows:
            keys += [k for k in r if k not in keys]
        ws.append(keys)
        for r in rows:
            ws.append([r.get(k) if not isinstance(r.get(k), dict | list) else str(r.get(k)) for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
