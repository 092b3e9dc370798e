"""`audit` takes any combination of claimed figures and gives one verdict per figure."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def tc(*args):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=120
    )


def test_seed_claim_80k_gpu_hours_and_160k_dollars():
    """The seed article: 70B x 1T tokens in 80,000 GPU-hours for $160k. 6ND alone needs
    6 x 70.55e9 x 1e12 / (80,000 x 3600 x 989.4e12) = 149% of the H100's dense BF16 peak; $160k / 80,000 h
    = $2.00 per GPU-hour."""
    d = json.loads(tc("audit", "--gpu-hours", "80000", "--cost", "160k", "--json").stdout)
    by = {v["figure"]: v for v in d["verdicts"]}
    assert set(by) == {"gpu_hours", "cost"}
    assert by["gpu_hours"]["verdict"] == "impossible"
    assert d["implied"]["mfu_6nd"] == pytest.approx(
        6 * 70_553_706_496 * 1e12 / (80_000 * 3600 * 989.4e12), rel=1e-6
    )
    assert by["cost"]["price_per_gpu_hour"] == pytest.approx(2.00)
    text = tc("audit", "--gpu-hours", "80000", "--cost", "160k").stdout
    assert text.splitlines()[0].startswith("gpu hours: IMPOSSIBLE; cost:") and "$2.00 per GPU-hour" in text


def test_cost_alone_uses_the_effective_market_price_and_says_so():
    """A cost with no hours is converted at the price `traincost estimate` would use (the effective market
    price, between the catalog's cheapest and dearest H100 offers), and the output says which."""
    from traincost import catalog

    offers = [p.on_demand for p in catalog.prices() if p.accelerator == "h100-sxm" and p.on_demand]
    p = tc("audit", "--cost", "160k", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    price = d["claim"]["price_per_gpu_hour"]
    assert min(offers) <= price <= max(offers) and "effective market price" in d["claim"]["price_basis"]
    assert d["implied"]["gpu_hours"] == pytest.approx(160_000 / price)
    assert d["verdict"] == "impossible"  # under 100k GPU-hours for 70B x 1T
    assert "effective market price" in " ".join(tc("audit", "--cost", "160k").stdout.split())


def test_days_and_cost_at_a_price_two_verdicts():
    d = json.loads(
        tc("audit", "--days", "30", "--gpus", "512", "--cost", "3M", "--price", "6", "--json").stdout
    )
    by = {v["figure"]: v for v in d["verdicts"]}
    assert by["days"]["gpu_hours"] == 30 * 24 * 512 and by["cost"]["gpu_hours"] == pytest.approx(3e6 / 6)
    assert by["days"]["verdict"] == by["cost"]["verdict"] == "plausible"
