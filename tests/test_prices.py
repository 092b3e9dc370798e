"""Price selection a buyer would make: tiers stay with the provider and a training-sized shape, missing
tiers say so, every catalog region answers (issue 11, point 1)."""

from __future__ import annotations

import contextlib

import pytest

import traincost
from traincost import catalog
from traincost.errors import InputError
from traincost.money import prices


def _accs_with_prices():
    accs = catalog.accelerators()
    return sorted({p.accelerator for p in catalog.prices() if p.accelerator in accs})


def test_commitments_are_cheaper_than_on_demand_at_every_provider():
    """A 1-year commitment never costs more than on-demand, nor a 3-year one more than a 1-year one, at the
    same provider (the bug was --pricing 1y falling back to another provider's row above on-demand)."""
    checked = 0
    for acc_id in _accs_with_prices():
        acc = catalog.accelerators()[acc_id]
        for prov in {r.provider for r in prices.rows_for(acc)}:
            got = {}
            for tier in ("on-demand", "1y", "3y"):
                with contextlib.suppress(InputError):
                    got[tier] = prices.select(acc, prov, tier).value
            seq = [got[t] for t in ("on-demand", "1y", "3y") if t in got]
            assert seq == sorted(seq, reverse=True), (acc_id, prov, got)
            checked += len(seq) > 1
    assert checked >= 3


@pytest.mark.parametrize(
    "kw",
    [
        dict(pricing="spot"),
        dict(pricing="1y"),
        dict(provider="lambda"),
        dict(provider="gcp"),
        dict(provider="gcp", pricing="3y"),
        dict(pricing="capacity-block"),
        dict(provider="runpod"),
    ],
)
def test_no_tier_or_provider_changes_provider_or_shape_silently(kw):
    acc = catalog.resolve_accelerator("h100-sxm")
    try:
        ch = prices.select(acc, kw.get("provider"), kw.get("pricing"))
    except InputError as e:  # a missing tier or shape says so and names the alternatives
        assert "providers with" in e.message
        return
    assert (ch.row.accelerators_per_instance or 1) >= 8  # never a 1-GPU shape for a 512-GPU job
    assert ch.provider == (kw.get("provider") or prices.default_provider(acc))
    assert ch.tier == kw.get("pricing", "on-demand")


def test_provider_picks_the_training_node_row():
    """prices.yaml: Lambda's 8-GPU H100 row (2026-09-25, $3.99) wins over its 1-GPU row ($4.29)."""
    ch = prices.select(catalog.resolve_accelerator("h100-sxm"), "lambda")
    assert ch.row.accelerators_per_instance == 8 and ch.value == pytest.approx(3.99)


def test_single_gpu_only_provider_is_refused_with_alternatives():
    with pytest.raises(InputError, match="too small for a multi-node run"):
        prices.select(catalog.resolve_accelerator("h100-sxm"), "runpod")


def _catalog_regions():
    g = catalog.bill_data("grid")
    return sorted({k for regions in g["cloud_regions"].values() for k in regions})


def test_the_catalog_has_51_cloud_regions():
    assert len(_catalog_regions()) == 51


@pytest.mark.parametrize("region", _catalog_regions())
def test_every_catalog_region_answers(region):
    r = traincost.estimate(mfu=0.4, region=region, samples=200)
    assert r.carbon["grid_g_per_kwh"] > 0 and r.cost.total_usd > 0
    assert r.carbon["grid_region"] == region


def test_region_with_a_regional_price_uses_it():
    """GCP prices H100 (a3-megagpu-8g) in us-east4: asking for that region takes that row."""
    ch = prices.select(catalog.resolve_accelerator("h100-sxm"), "gcp", "on-demand", "us-east4")
    assert ch.row.region == "us-east4" and ch.note is None
    other = prices.select(catalog.resolve_accelerator("h100-sxm"), "aws", "on-demand", "eu-west-1")
    assert other.note and "eu-west-1" in other.note
