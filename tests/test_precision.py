"""Training precisions as recipes (data/precision.yaml, parallel/precision.py): whole-step speed-ups
against published measurements that the performance model was not fitted on (same layout both sides)."""

from __future__ import annotations

import typing

import pytest

from traincost.errors import InputError
from traincost.parallel import precision
from traincost.schema.bounds import Precision
from traincost.trust import heldout


def _tokens_per_s(hw, gpus, model, seq, batch, layout, prec, framework) -> float:
    row = {
        "id": f"{model}-{prec}",
        "source": "check",
        "hardware": hw,
        "gpus": gpus,
        "model": {"catalog": model},
        "seq_len": seq,
        "global_batch": batch,
        "layout": layout,
        "precision": prec,
        "framework": framework,
        "measured": {"tokens_per_s_per_gpu": 1.0},
    }
    (prepared,) = heldout.prepare([row])
    return heldout.predict(prepared, prepared.prob.eff)[0]


def test_every_precision_name_is_accepted_by_the_schema():
    assert set(typing.get_args(Precision)) == set(precision.names())


# pytorch/torchtitan@b5bcd76 benchmarks/asyncTP_llama3_h100_2025-06_torchtitan.md, vanilla TP, tokens/s:
# Llama 3 70B on 256 H100 (FSDP32 TP8, local batch 16): BF16 597.3, FP8 tensorwise 809.8;
# Llama 3 8B on 64 H100 (FSDP8 TP8, local batch 12): BF16 4378, FP8 tensorwise 5078.1
TORCHTITAN = [
    (
        "llama-3-70b",
        256,
        512,
        dict(tp=8, pp=1, dp=32, cp=1, zero=3, recompute="full", micro_batch=16),
        809.8 / 597.3,
    ),
    ("llama-3.1-8b", 64, 96, dict(tp=8, pp=1, dp=8, cp=1, zero=3, micro_batch=12), 5078.1 / 4378),
]


@pytest.mark.parametrize("model,gpus,batch,layout,measured", TORCHTITAN)
def test_fp8_tensorwise_speedup_matches_torchtitan_within_10pct(model, gpus, batch, layout, measured):
    args = ("h100-sxm", gpus, model, 8192, batch, layout)
    bf16 = _tokens_per_s(*args, "bf16", "fsdp")
    fp8 = _tokens_per_s(*args, "fp8-tensorwise", "fsdp")
    assert fp8 / bf16 == pytest.approx(measured, rel=0.10)


def test_fp8_whole_step_speedup_inside_megatron_bridge_range():
    # Megatron-Bridge performance guide: FP8 on the transformer block's linear layers, "typically achieving a
    # speedup of 1.2-1.5X" over BF16 (Llama 3 70B, 64 H100, the NeMo 24.07 layout TP4 PP4 VP5)
    lay = dict(tp=4, pp=4, cp=1, interleave=5, micro_batch=1)
    args = ("h100-sxm", 64, "llama-3-70b", 8192, 128, lay)
    ratio = _tokens_per_s(*args, "fp8-delayed", "megatron-core") / _tokens_per_s(
        *args, "bf16", "megatron-core"
    )
    assert 1.2 <= ratio <= 1.5


def test_current_scaling_reads_the_tensor_twice():
    # Transformer Engine FP8 current scaling computes the amax of the tensor it quantizes before the cast,
    # delayed scaling takes the scale from history (one fused cast-transpose pass): on Hopper the cast
    # moves 2 (read) + 1 + 1 (FP8 and its transposed copy) bytes per element, current scaling 2 more
    assert precision.recipe("fp8-delayed", "hopper").quant_bytes == 4.0
    assert precision.recipe("fp8-current", "hopper").quant_bytes == 6.0
    # Blackwell reads tensor-wise FP8 in either layout: no transposed copy
    assert precision.recipe("fp8-delayed", "blackwell").quant_bytes == 3.0


def test_mx_and_fp4_formats_are_refused_on_hopper():
    from traincost import catalog

    h100 = catalog.resolve_accelerator("h100-sxm")
    for name in ("mxfp8", "nvfp4", "mxfp4"):
        with pytest.raises(InputError, match="precision"):
            precision.for_accelerator(name, h100)
