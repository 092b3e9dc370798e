"""Carbon: market-based beside location-based, host power counted, the model-card convention (issue 11, point 8)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import traincost


def test_model_card_convention_reproduces_llama2_card():
    """Llama 2 model card: 3,311,616 A100-80GB GPU-hours at 'Power Consumption (W) 400' (peak power per GPU,
    adjusted for PUE) emitted 539.00 tCO2eq: 0.1628 kg per GPU-hour at the implied 407 g/kWh."""
    r = traincost.estimate(
        model="llama-2-70b",
        gpu="a100-80gb",
        gpus=2048,
        mfu=0.4,
        samples=200,
        pue=1.0,
        grid_intensity=407,
        carbon_convention="model-card",
    )
    assert r.carbon["kg_per_gpu_hour"] == pytest.approx(539.00e3 / 3_311_616, rel=0.01)


def test_host_power_makes_co2_per_gpu_hour_about_1_4x_model_cards():
    full = traincost.estimate(mfu=0.4, samples=200)
    card = traincost.estimate(mfu=0.4, samples=200, carbon_convention="model-card")
    ratio = full.carbon["operational_t"] / card.carbon["operational_t"]
    assert 1.3 < ratio < 1.55 and full.carbon["full_to_model_card"] == pytest.approx(ratio, rel=1e-6)


def test_market_based_line_beside_location_based():
    aws = traincost.estimate(mfu=0.4, samples=200, provider="aws", pricing="on-demand")
    assert aws.carbon["market_operational_t"] == pytest.approx(0.0, abs=1e-9)  # Amazon: 100% matched in 2023
    assert aws.carbon["market_total_t"] == pytest.approx(aws.carbon["embodied_t"])
    none = traincost.estimate(mfu=0.4, samples=200, renewable_share=0)
    assert none.carbon["market_total_t"] == pytest.approx(none.carbon["total_t"])
    half = traincost.estimate(mfu=0.4, samples=200, renewable_share=0.5)
    assert half.carbon["market_operational_t"] == pytest.approx(0.5 * half.carbon["operational_t"])
    out = subprocess.run(
        [sys.executable, "-m", "traincost", "estimate"], capture_output=True, text=True, timeout=120
    )
    assert "market-based" in out.stdout and "host power counted" in out.stdout
