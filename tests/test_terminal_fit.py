"""The terminal output: the answer comes first, and at any width no number or name is cut.

Each check renders a command's text at 80, 100 and 170 columns and looks for the figures of its JSON
(formatted the way the text prints them) as whole strings; nothing may end in an ellipsis."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from traincost import catalog
from traincost.units import usd

WIDTHS = (80, 100, 170)


def render(fn, *args, width: int, **kw) -> str:
    buf = io.StringIO()
    fn(*args, Console(file=buf, width=width, highlight=False, color_system=None), **kw)
    return buf.getvalue()


@pytest.fixture(scope="module")
def est():
    import traincost

    return traincost.estimate(samples=2000)


@pytest.mark.parametrize("width", WIDTHS)
def test_estimate_first_line_and_nothing_cut(est, width):
    from traincost.present.terminal import print_estimate

    text = render(print_estimate, est, width=width)
    first = text.splitlines()[0]
    g = est.ranges
    # line 1: the total cost with its P10-P90, and the wall-clock days
    assert first.startswith(usd(est.answer["cost_usd"]))
    assert f"{usd(g['cost_usd']['p10'])}-{usd(g['cost_usd']['p90'])}" in first
    assert f"{est.answer['wall_clock_days']:,.1f} days" in first
    assert "…" not in text
    for b in est.bill:  # every bill amount, whole
        assert usd(b.usd) in text
    for k in ("p10", "p50", "p90"):
        assert usd(g["cost_usd"][k]) in text and f"{g['gpu_hours'][k]:,.0f}" in text
    assert f"{est.model.params:,}" in text and est.model.display_name in text
    # the citations are numbered references, printed whole below the tables
    price_src = " ".join(est.cost.price_source.split())
    assert price_src in " ".join(text.split())
    # the 29-row assumptions table is behind --assumptions
    assert "assumptions (defaults used" not in text
    full = render(print_estimate, est, width=width, assumptions=True)
    assert "assumptions (defaults used" in full and "seq_len" in full
    brief = render(print_estimate, est, width=width, brief=True)
    assert (
        brief.startswith(usd(est.answer["cost_usd"])) and "bill" not in brief and len(brief.splitlines()) <= 9
    )


@pytest.fixture(scope="module")
def compared():
    from traincost.decide.compare import expand, run_compare

    base = {"samples": 500}
    return run_compare(base, expand(base, models=["llama-3.1-8b", "llama-3.1-70b"]))


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_names_and_costs_whole(compared, width):
    from traincost.present.terminal import print_compare

    text = render(print_compare, compared, width=width)
    assert "…" not in text
    for c in compared["candidates"]:
        g = c["ranges"]
        assert re.search(rf"(^|\s){re.escape(c['label'])}\s", text, re.M)  # 8B and 70B can be told apart
        assert (
            f"{usd(c['answer']['cost_usd'])} ({usd(g['cost_usd']['p10'])}-{usd(g['cost_usd']['p90'])})"
            in text
        )
        assert f"{c['answer']['wall_clock_days']:,.1f} ({g['wall_clock_days']['p10']:,.1f}-" in text
    if width >= 170:  # wide enough for every column
        for c in compared["candidates"]:
            assert f"{c['quality']['loss']:.3f}" in text and f"{c['time']['gpu_hours']:,.0f}" in text


def test_identical_candidates_tie():
    from traincost.present.answer import compare_paragraph

    row = {
        "label": "x",
        "cost": {"total_usd": 1e6},
        "time": {"wall_clock_days": 10.0},
        "quality": {"loss": 2.0},
        "ranges": {"cost_usd": {"p10": 9e5, "p90": 1.2e6}},
    }
    res = {
        "candidates": [{**row, "label": p} for p in ("aws", "gcp", "azure")],
        "summary": {"pareto": ["aws"]},
    }
    head, body = compare_paragraph(res)
    assert "all 3 candidates tie" in head and "fastest: aws" not in head
    assert "Lowest expected loss: all 3 candidates tie." in body


@pytest.mark.parametrize("width", WIDTHS)
def test_prices_and_validate_whole(width):
    from traincost.present.terminal import print_prices, print_validation
    from traincost.trust.validation import run_published_validation, summarize_runs

    rows = sorted(catalog.prices(), key=lambda r: (r.accelerator, r.provider, r.date))
    text = render(print_prices, rows, width=width)
    assert "…" not in text
    for r in rows:
        assert r.date in text and r.accelerator in text and r.provider in text
        if r.on_demand is not None:
            assert usd(r.on_demand) in text
    rc = run_published_validation()
    out = {
        "runs": {
            "summary": summarize_runs(rc),
            "rows": [
                dict(
                    id=c.id,
                    metric=c.metric,
                    reported=c.reported,
                    p10=c.p10,
                    p50=c.p50,
                    p90=c.p90,
                    error_p50=c.error,
                    inside_p10_p90=c.inside,
                    gpus=c.gpus,
                    gpus_stated=c.gpus_stated,
                )
                for c in rc
            ],
        }
    }
    text = render(print_validation, out, width=width)
    assert "…" not in text
    for r in out["runs"]["rows"]:
        fmt = "{:,.0f}" if r["metric"] == "gpu_hours" else "{:,.1f}"
        assert re.search(rf"(^|\s){re.escape(r['id'])}\s", text, re.M)
        for k in ("reported", "p50"):
            assert fmt.format(r[k]) in text


def test_columns_respected_when_piped_and_brief():
    env = {**os.environ, "COLUMNS": "100"}
    p = subprocess.run(
        [sys.executable, "-m", "traincost", "estimate", "--samples", "1000"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert max(len(line) for line in p.stdout.splitlines()) <= 100
    d = json.loads(
        subprocess.run(
            [sys.executable, "-m", "traincost", "estimate", "--samples", "1000", "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        ).stdout
    )
    assert p.stdout.splitlines()[0].startswith(usd(d["answer"]["cost_usd"]))
    b = subprocess.run(
        [sys.executable, "-m", "traincost", "estimate", "--brief"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert b.returncode == 0 and "$" in b.stdout and "bill" not in b.stdout
    assert len(d["assumptions"]) > 20  # the JSON always has them
