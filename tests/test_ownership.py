"""Owned hardware as a finance team counts it (issue 11, point 4)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import traincost
from traincost.money import ownership


def _v(**kw):
    base = dict(
        server_price=30_000.0,
        network_capex_share=0.0,
        storage_capex_share=0.0,
        lifetime_years=3.0,
        cost_of_capital=0.0,
        resale_fraction=0.0,
        utilization=6100 / 8766,
        maintenance_share_per_year=0.0,
        colocation_usd_per_kw_month=0.0,
        ops_gpus_per_engineer=1e9,
        engineer_cost_per_year=0.0,
        software_usd_per_gpu_year=0.0,
        pue=1.0,
        electricity_usd_per_kwh=0.0,
    )
    return {**base, **kw}


@pytest.mark.parametrize("life, per_hour", [(3, 1.64), (5, 0.98)])
def test_depreciation_per_hour_matches_a_published_example(life, per_hour):
    """computetape.com, 'How fast does an H100 depreciate?': a $30,000 accelerator straight-line over 3 years
    at ~70% utilization (about 6,100 productive hours a year) costs ~$1.64 an hour, over 5 years ~$0.98."""
    o = ownership.owned(_v(lifetime_years=life), 1, 1, 0.0, 0.0, 6100.0, "straight-line", "colo")
    assert o.depreciation_usd / 6100.0 == pytest.approx(per_hour, abs=0.01)


def test_cost_of_capital_and_resale_move_the_owned_cost():
    plain = ownership.owned(_v(), 1, 1, 0.0, 0.0, 6100.0, "straight-line", "colo")
    financed = ownership.owned(
        _v(cost_of_capital=0.1, resale_fraction=0.25), 1, 1, 0.0, 0.0, 6100.0, "straight-line", "colo"
    )
    # capital: 10% of (30,000 + 7,500) / 2 per year; depreciation on 22,500 instead of 30,000
    assert financed.capital_usd == pytest.approx(0.1 * 18_750)
    assert financed.depreciation_usd == pytest.approx(plain.depreciation_usd * 0.75)


def test_colocation_is_billed_on_the_contracted_peak():
    """DGX H100: 'Maximum Power Consumption: Up to 10.2 kW' = 8 x 700 W + 4.6 kW host; a colocation
    contract is sized on it, not on the ~7.7 kW average draw."""
    assert ownership.peak_kw(8, 700, 8, 4600, 0.0) == pytest.approx(10.2)


def test_break_even_utilization():
    # fixed $8,766 per GPU-year, no energy: break-even at $2/h is 50%, at $1/h 100%
    assert ownership.break_even_utilization(8766.0, 0.0, 2.0) == pytest.approx(0.5)
    assert ownership.break_even_utilization(8766.0, 0.0, 1.0) == pytest.approx(1.0)
    assert ownership.break_even_utilization(8766.0, 1.0, 0.5) == float("inf")


def tc(*args):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=120
    )


def test_on_prem_json_has_capital_and_compare_has_break_even():
    d = json.loads(tc("estimate", "--on-prem", "--json").stdout)
    assert d["cost"]["capital_usd"] > 0
    assert d["cost"]["total_usd"] == pytest.approx(sum(x["usd"] for x in d["bill"]))
    c = json.loads(tc("estimate", "--compare-ownership", "--json").stdout)
    be = c["ownership"]["break_even_utilization"]
    assert 0 < be < 1
    listed = traincost.estimate(compare_ownership=True, provider="aws", pricing="on-demand", samples=200)
    assert listed.ownership["break_even_utilization"] < be  # owning pays off sooner against list prices
    assert c["ownership"]["buy_for_run"]["total_usd"] > c["comparison"]["owned"]["compute_usd"]


def test_ownership_inputs_change_the_result():
    a = traincost.estimate(on_prem=True, samples=200)
    b = traincost.estimate(
        on_prem=True, samples=200, cost_of_capital=0, resale_fraction=0.5, lifetime_years=3
    )
    assert a.cost.capital_usd > 0 and b.cost.capital_usd == 0
    assert b.cost.total_usd != a.cost.total_usd
