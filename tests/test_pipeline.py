"""The Python API and the arithmetic of the pipeline, checked against published figures."""

from __future__ import annotations

import pytest

import traincost
from traincost import catalog
from traincost.errors import InputError
from traincost.run import reliability as run


def test_api_returns_typed_result():
    r = traincost.estimate(model="llama-3.1-8b", tokens="1T", gpu="h100-sxm", gpus=64, mfu=0.4, price=2.0)
    assert isinstance(r, traincost.Estimate)
    assert r.model.params == 8_030_261_248
    assert r.to_dict()["time"]["gpu_hours"] == r.time.gpu_hours


def test_api_accepts_a_dict_and_keyword_overrides():
    r = traincost.estimate({"model": "llama-2-7b", "gpus": 8}, gpus=16)
    assert r.hardware.count == 16


def test_api_bad_input_raises_input_error():
    with pytest.raises(InputError, match="tokens"):
        traincost.estimate(tokens="-5")
    with pytest.raises(InputError, match="seq_len"):
        traincost.estimate(model="llama-2-7b", seq_len=8192)  # Llama 2 has a 4096-token context


def test_gpu_hours_arithmetic_matches_worked_example():
    """science.md §7: C = 6·70e9·1e12 = 4.2e23 FLOP at 40% MFU on H100 SXM (989e12) -> 294,911 GPU-hours."""
    tps = run.tokens_per_second(1, 989e12, 0.40, 6 * 70e9)
    assert run.gpu_hours(1e12, tps, 1) == pytest.approx(294_911, abs=1)


def test_llama2_70b_model_card_implies_a_plausible_mfu():
    """Llama 2 model card: 1,720,320 A100-80GB GPU-hours for 70B on 2T tokens (seq 4096). The MFU this
    implies under our FLOP count must be a realistic A100 figure (35-60%); an article's 60-80k GPU-hours
    for 70B x 1T would imply more than 100% of peak."""
    arch = catalog.models()["llama-2-70b"].arch
    flops = arch.flops_per_token(4096).training * 2e12
    implied = flops / (1_720_320 * 3600 * 312e12)
    assert 0.35 < implied < 0.60
    article = arch.flops_per_token(4096).training * 1e12 / (80_000 * 3600 * 989e12)
    assert article > 1.0


def test_default_mfu_is_predicted_by_the_planner():
    r = traincost.estimate()
    assert r.throughput.mfu_basis == "planner"
    assert 0.25 < r.throughput.mfu < 0.6  # never 100%: a predicted, layout-specific figure
    assert r.throughput.layout is not None and r.throughput.memory_gib <= 80
    assert any("predicted for the fastest layout" in n for n in r.notes)


def test_user_mfu_overrides_the_planner():
    r = traincost.estimate(mfu=0.3)
    assert r.throughput.mfu == 0.3 and r.throughput.mfu_basis == "user" and r.throughput.layout is None
