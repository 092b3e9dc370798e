"""One answer: the median is the answer, the budget at a chosen percentile, solves at that percentile, and
the defaults' `why` texts agree with what the tool prints (issue 11, point 7)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import traincost
from traincost import catalog


@pytest.fixture(scope="module")
def default():
    return traincost.estimate(samples=4000)


def test_the_answer_is_the_median(default):
    a = default.answer
    assert a["cost_usd"] == default.ranges["cost_usd"]["p50"]
    assert a["wall_clock_days"] == default.ranges["wall_clock_days"]["p50"]
    assert "median" in a["basis"]


def test_budget_percentile_is_a_higher_budget(default):
    p80 = traincost.estimate(samples=4000, budget_percentile=80)
    assert p80.answer["budget_usd"] > default.answer["cost_usd"]
    assert p80.answer["budget_usd"] < p80.ranges["cost_usd"]["p90"]
    out = subprocess.run(
        [sys.executable, "-m", "traincost", "estimate", "--budget-percentile", "80"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert "Budget at P80" in out and "Medians (P50)" in out


def test_deadline_solves_at_the_percentile():
    from traincost.decide.compare import solve_deadline
    from traincost.schema import make_scenario

    r50, g50 = solve_deadline(make_scenario({"model": "llama-3.1-8b"}), 10)
    r80, g80 = solve_deadline(make_scenario({"model": "llama-3.1-8b", "budget_percentile": 80}), 10)
    assert r50.ranges["wall_clock_days"]["p50"] <= 10
    assert (
        r80.answer["days_at_percentile"] <= 10 and g80 >= g50
    )  # a surer deadline needs at least as many GPUs


def test_hfu_is_on_the_realised_basis(default):
    th = default.throughput
    assert th.hfu >= th.mfu  # hardware FLOPs include recomputation; both carry the same realised share
    assert th.hfu / th.mfu < 1.5


def test_why_texts_agree_with_the_output(default):
    sc = catalog.defaults()["scenario"]
    weeks = re.search(r"about (\d+)-(\d+) weeks", sc["gpus"]["why"])
    lo, hi = (int(x) * 7 for x in weeks.groups())
    assert lo <= default.answer["wall_clock_days"] <= hi
    assert "64 nodes of 8" in sc["gpus"]["why"] and sc["gpus"]["value"] == 64 * 8
    assert "70B" in sc["model"]["why"] and round(default.model.params / 1e9) == 71
    assert "1T" in sc["tokens"]["why"] and default.tokens == 1e12
