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


# NVFP4 on Blackwell, same layout both sides. Megatron-Bridge performance summary 26.04.01 (NVIDIA-NeMo/
# Megatron-Bridge docs/performance-summary.md), Llama 3 70B, 64 GPUs, GBS 256, MBS 1, tokens/s/GPU:
# GB300 TP1 PP4 VP5: MXFP8 4864, NVFP4 7296; GB200 TP2 PP4 VP5: MXFP8 3712, NVFP4 4864.
MEGATRON_BRIDGE_FP4 = [
    ("gb300", dict(tp=1, pp=4, cp=1, interleave=5, micro_batch=1), 7296 / 4864),
    ("gb200", dict(tp=2, pp=4, cp=1, interleave=5, micro_batch=1), 4864 / 3712),
]


@pytest.mark.parametrize("gpu,layout,measured", MEGATRON_BRIDGE_FP4)
def test_nvfp4_over_mxfp8_matches_megatron_bridge_within_10pct(gpu, layout, measured):
    args = (gpu, 64, "llama-3-70b", 8192, 256, layout)
    nvfp4 = _tokens_per_s(*args, "nvfp4", "megatron-core")
    mxfp8 = _tokens_per_s(*args, "mxfp8", "megatron-core")
    assert nvfp4 / mxfp8 == pytest.approx(measured, rel=0.10)


def test_nvfp4_over_bf16_matches_the_dgx_station_playbook_within_10pct():
    # NVIDIA "NVFP4 Pretraining with Megatron Bridge" (build.nvidia.com/station/nvfp4-pretraining): Llama 3.1 8B
    # on one GB300, seq 8192: BF16 9.05 s per step, NVFP4 (last 4 layers BF16) 5.39 s -> 1.68x
    args = ("gb300", 1, "llama-3.1-8b", 8192, 8, dict(tp=1, pp=1, dp=1, cp=1))
    ratio = _tokens_per_s(*args, "nvfp4", "megatron-core") / _tokens_per_s(*args, "bf16", "megatron-core")
    assert ratio == pytest.approx(9.05 / 5.39, rel=0.10)


def test_fp8_runs_on_amd_and_gaudi_but_mx_formats_need_blackwell_or_cdna4():
    from traincost import catalog

    for gpu in ("mi300x", "gaudi3"):
        assert precision.gemm_format("fp8", catalog.resolve_accelerator(gpu)) == ("fp8", "fp8-delayed")
    assert precision.gemm_format("mxfp8", catalog.resolve_accelerator("mi355x")) == ("fp8", "mxfp8")
    with pytest.raises(InputError, match="nvfp4 needs blackwell"):
        precision.gemm_format("nvfp4", catalog.resolve_accelerator("mi355x"))
