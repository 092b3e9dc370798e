"""Exports: --csv for the bill, the ranges and the plan's layouts; XLSX of the same rows."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest


def tc(*args):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=120
    )


def test_bill_csv_adds_up_and_keeps_full_precision():
    p = tc(
        "estimate",
        "--model",
        "llama-3.1-8b",
        "--tokens",
        "100B",
        "--gpus",
        "64",
        "--price",
        "2.5",
        "--csv",
        "bill",
    )
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    total = float(rows[-1]["usd"])
    assert rows[-1]["item"] == "total" and sum(float(r["usd"]) for r in rows[:-1]) == pytest.approx(total)
    gpu = next(r for r in rows if r["category"] == "compute")
    assert float(gpu["usd"]) == pytest.approx(float(gpu["quantity"]) * 2.5)  # GPU-hours x the given price


def test_ranges_and_plan_csv():
    rows = list(csv.DictReader(io.StringIO(tc("estimate", "--csv", "ranges", "--samples", "500").stdout)))
    assert [r["figure"] for r in rows] == [
        "gpu_hours",
        "wall_clock_days",
        "total_cost_usd",
        "energy_kwh",
        "co2e_t",
    ]
    assert all(float(r["p10"]) <= float(r["p50"]) <= float(r["p90"]) for r in rows)
    plan = list(
        csv.DictReader(io.StringIO(tc("plan", "--model", "llama-3.1-8b", "--gpus", "64", "--csv").stdout))
    )
    assert plan and all(int(r["tp"]) * int(r["pp"]) * int(r["dp"]) * int(r["cp"]) == 64 for r in plan)
    assert {"mem_weights_gib", "time_compute_s"} <= set(plan[0])


def test_xlsx_workbook():
    openpyxl = pytest.importorskip("openpyxl")
    import traincost
    from traincost.present.exports import bill_rows, ranges_rows, to_xlsx

    r = traincost.estimate(samples=500)
    data = to_xlsx({"bill": bill_rows(r), "ranges": ranges_rows(r)})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["bill", "ranges"]
    ws = wb["bill"]
    header = [c.value for c in ws[1]]
    last = [c.value for c in ws[ws.max_row]]
    assert last[header.index("usd")] == pytest.approx(r.cost.total_usd)
