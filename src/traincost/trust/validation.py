"""Check the performance model against published throughput measurements.

Each measurement (``data/measurements/throughput.yaml``) names a model shape, a cluster, a global
batch and the layout it ran (what the source states). traincost predicts the throughput of that
layout (searching only what the source leaves unstated, such as the micro-batch) and compares
tokens per second per GPU, the one quantity every source's FLOP convention agrees on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from traincost.hardware.accelerator import Accelerator
from traincost.model.arch import ArchSpec, Attention
from traincost.model.hf_config import from_hf_config
from traincost.parallel import precision
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.perf import Efficiency, Training
from traincost.parallel.plan import Problem, search
from traincost.trust.runs import (  # noqa: F401 - re-exported: the published-runs checks lived here
    GPUS_WHEN_UNSTATED,
    HELD_OUT_MARKERS,
    RunCheck,
    check_run,
    held_out,
    leave_one_out,
    published_runs,
    residual_fit,
    run_published_validation,
    summarize_runs,
)

# FLOPs per token the publications count their TFLOP/s with (coefficient, attention divisor, vocab divisor):
# Narayanan et al. 2021 (arXiv 2104.04473) eq. 3, with recomputation: 96 B s l h^2 (1 + s/(6h) + V/(16 l h))
MEGATRON_RECOMPUTE = (96, 6, 16)
# Korthikanti et al. 2022 (arXiv 2205.05198) / Megatron-LM, model FLOPs: 72 B s l h^2 (1 + s/(6h) + V/(12 l h))
MEGATRON_MODEL = (72, 6, 12)
# 6N + 12 L h s per token (PaLM, Chowdhery et al. 2022, appendix B; llm-foundry), full attention
PALM_PARAM = 6  # PaLM appendix B: FLOPs per parameter per token
PALM_ATTN = 12  # PaLM appendix B: attention FLOPs per layer, hidden unit and context token
# presentation: the error bands the throughput summary reports (share of rows within 10% and within 20%)
WITHIN_BANDS = (0.10, 0.20)


def arch_from_row(model: dict, seq_len: int, name: str) -> ArchSpec:
    """The architecture a measurement ran: GPT-2/3 style (MHA, GeLU MLP, biases, LayerNorm, learned
    positions, tied embeddings) or a Hugging Face config given inline."""
    if model.get("config"):
        return from_hf_config(model["config"], name=name)
    if model.get("catalog"):  # a model of traincost's catalog (its Hugging Face config)
        from traincost import catalog

        return catalog.models()[model["catalog"]].arch
    h, H = int(model["hidden"]), int(model["heads"])
    kv = int(model.get("kv_heads") or H)
    shared = dict(name=name, vocab_size=int(model["vocab"]), hidden_size=h, num_layers=int(model["layers"]))
    if model.get("kind", "gpt") == "gpt":
        return ArchSpec(
            model_type="gpt2",
            **shared,
            attention=Attention("mha", H, kv, h // H, h // H, qkv_bias=True, o_bias=True),
            ffn=int(model.get("ffn") or 4 * h),
            gated_mlp=False,
            mlp_bias=True,
            norm="layer",
            norms_per_layer=2,
            tie_embeddings=bool(model.get("tied", True)),
            learned_positions=int(model.get("learned_positions") or 0),
        )
    return ArchSpec(
        model_type="llama",
        **shared,
        attention=Attention("mha", H, kv, h // H, h // H),
        ffn=int(model["ffn"]),
        gated_mlp=True,
        tie_embeddings=bool(model.get("tied", False)),
    )


def measured_tokens_per_s_per_gpu(row: dict, arch: ArchSpec) -> float | None:
    """Tokens/s/GPU as measured; derived from reported TFLOP/s with the source's own FLOP formula
    when the source gives no token rate."""
    m = row.get("measured") or {}
    if m.get("tokens_per_s_per_gpu"):
        return float(m["tokens_per_s_per_gpu"])
    if m.get("iteration_s") and row.get("global_batch_tokens"):
        return float(row["global_batch_tokens"]) / float(m["iteration_s"]) / int(row["gpus"])
    tf = m.get("tflops_per_gpu")
    if not tf:
        return None
    s, L, h, V = row["seq_len"], arch.num_layers, arch.hidden_size, arch.vocab_size
    conv = (row.get("flops_formula") or "").lower()
    if conv == "megatron-recompute":  # Narayanan et al. 2021: 96·B·s·l·h²(1 + s/(6h) + V/(16·l·h)) per batch
        c, a, v = MEGATRON_RECOMPUTE
        per_token = c * L * h * h * (1 + s / (a * h) + V / (v * L * h))
    elif (
        conv == "megatron-model"
    ):  # Korthikanti et al. 2022 / Megatron-LM: 72·B·s·l·h²(1 + s/(6h) + V/(12·l·h))
        c, a, v = MEGATRON_MODEL
        per_token = c * L * h * h * (1 + s / (a * h) + V / (v * L * h))
    else:  # 6N + 12·L·h·s (llm-foundry, PaLM with full attention)
        per_token = PALM_PARAM * arch.params + PALM_ATTN * L * h * s
    return float(tf) * 1e12 / per_token


@dataclass(frozen=True)
class Check:
    id: str
    source: str
    hardware: str
    gpus: int
    seq_len: int
    measured: float  # tokens/s/GPU
    predicted: float
    layout: dict | None
    note: str = ""

    @property
    def error(self) -> float:
        return self.predicted / self.measured - 1.0


def check_row(row: dict, acc: Accelerator, eff: Efficiency, train: Training | None = None) -> Check | None:
    seq = int(row["seq_len"])
    arch = arch_from_row(row["model"], seq, row["id"])
    meas = measured_tokens_per_s_per_gpu(row, arch)
    if not meas:
        return None
    lay = dict(row.get("layout") or {})
    fixed = {
        k: lay.get(k)
        for k in ("tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute", "interleave")
    }
    fixed = {k: v for k, v in fixed.items() if v is not None}
    gbt = row.get("global_batch_tokens")
    gb = int(row.get("global_batch") or round(float(gbt) / seq))
    dtype, recipe = precision.gemm_format(row_precision(row), acc)
    prob = Problem(arch, acc, int(row["gpus"]), seq, gb, eff, train or Training(), dtype, recipe)
    res = search(prob, fixed, top=1)
    best = res.best
    measured = functools.partial(Check, row["id"], row["source"], acc.id, int(row["gpus"]), seq, meas)
    if best is not None:
        return measured(best.tokens_per_s_per_gpu, best.layout, "")
    # the source ran it, so it fits; our memory model disagrees: report the fastest layout regardless
    from traincost.parallel.plan import enumerate_layouts, evaluate_layouts

    lay_all = enumerate_layouts(prob, fixed)
    if len(lay_all) == 0:
        return measured(float("nan"), None, "no layout matches the stated one")
    ev = evaluate_layouts(prob, lay_all)
    i = int(np.argmin(ev.time["step"]))
    pred = float(ev.tokens_per_s[i]) / int(row["gpus"])
    return measured(
        pred, lay_all.row(i), f"predicted out of memory ({float(ev.memory['total'][i]) / 1024**3:.0f} GiB)"
    )


def summarize(checks: list[Check]) -> dict:
    errs = np.array([abs(c.error) for c in checks if np.isfinite(c.predicted)])
    signed = np.array([c.error for c in checks if np.isfinite(c.predicted)])
    if len(errs) == 0:
        return {"rows": 0}
    return {
        "rows": int(len(errs)),
        "median_abs_error": float(np.median(errs)),
        "mean_abs_error": float(np.mean(errs)),
        "worst_abs_error": float(np.max(errs)),
        "median_signed_error": float(np.median(signed)),
        "within_10pct": float(np.mean(errs <= WITHIN_BANDS[0])),
        "within_20pct": float(np.mean(errs <= WITHIN_BANDS[1])),
    }


# What each source's software did, as the source documents it (not fitted): a framework profile
# (data/frameworks.yaml) and what the source's version did differently.
FRAMEWORKS: dict[str, tuple[str, dict]] = {
    # llm-foundry MPT benchmarks: PyTorch FSDP (FULL_SHARD, mixed precision DEFAULT = sharded fp32 params),
    # FlashAttention, no dropout, no TP
    "llm-foundry": ("fsdp", {"sequence_parallel": False}),
    # Megatron-Core r0.8 on H100: Transformer Engine fused attention, sequence parallelism, and the README's
    # "fine-grained overlapping of data-parallel ..., tensor-parallel (--tp-comm-overlap) and pipeline-parallel communication"
    "megatron-core-h100": ("megatron-core", {}),
    # Megatron-LM 2021 (PTD-P): no FlashAttention (2022), no sequence parallelism, GPT-3 dropout; its local DDP
    # all-reduced gradients after the backward (--overlap-grad-reduce came with Megatron-Core in 2023)
    "narayanan2021": (
        "megatron-core",
        {
            "flash_attention": False,
            "sequence_parallel": False,
            "dropout": True,
            "tp_comm_overlap": False,
            "dp_overlap": False,
        },
    ),
    # Korthikanti et al. 2022: Megatron without FlashAttention; SP per row; dropout
    "korthikanti2022": (
        "megatron-core",
        {"flash_attention": False, "dropout": True, "tp_comm_overlap": False, "dp_overlap": False},
    ),
    "korthikanti2022-abstract": (
        "megatron-core",
        {"flash_attention": False, "dropout": True, "tp_comm_overlap": False, "dp_overlap": False},
    ),
    # TinyLlama: lit-gpt with FSDP, FlashAttention-2, no dropout
    "tinyllama": ("fsdp", {"sequence_parallel": False}),
    # NeMo / Megatron-Bridge: Megatron-Core with Transformer Engine
    "nemo-24.07-h100": ("megatron-core", {}),
    "megatron-bridge": ("megatron-core", {}),
    # NeMo AutoModel: PyTorch FSDP2 with SDPA
    "nemo-automodel-h100": ("fsdp", {}),
}


def row_precision(row: dict) -> str:
    """A measurement's precision recipe (data/precision.yaml); '16bit' (fp16 or bf16 unstated) = bf16."""
    p = row.get("precision")
    return "bf16" if p in (None, "16bit") else str(p)


# The attention kernel a source's runs used where it differs from its framework profile's, per generation.
# llm-foundry's tables predate its FlashAttention-2 support: the A100 tables ran its benchmark script's defaults
# of the time, `--attn_impl triton` on the mosaicml/pytorch:1.13.1 image (mosaicml/llm-foundry
# scripts/train/benchmarking/submit_benchmarks.py@12a6319; the README's "TODO: Update tables with torch 2.0");
# the H100 tables ran llm-foundry v0.2.0 on torch 2.0.1 (scripts/train/benchmarking/h100_benchmarks.sh@11663ba:
# GIT_COMMIT=v0.2.0), before FlashAttention-2 (llm-foundry issue #464, 2023-07-17: "FlashAttention V2 just got
# released ... will upgrade as soon as we've finished testing"), when `attn_impl: flash` meant flash-attn 1.0.x
# (setup.py extra 'gpu': flash-attn==1.0.9, PR #1023) and `triton` the Triton FlashAttention, "slightly slower
# than CUDA [FlashAttention-1] forward + backward" (flash-attention flash_attn_triton.py). Both run at
# FlashAttention-1 speed (data/kernels.yaml `fa1`).
ATTENTION_KERNEL: dict[tuple[str, str], str] = {
    ("llm-foundry", "ampere"): "fa1",
    ("llm-foundry", "hopper"): "fa1",
}


def training_for(row: dict) -> Training:
    from traincost import catalog
    from traincost.parallel import frameworks

    fw, kw = FRAMEWORKS.get(row["source"], (row.get("framework") or "megatron-core", {}))
    kw = dict(kw)
    gen = catalog.resolve_accelerator(row["hardware"]).generation
    if (row["source"], gen) in ATTENTION_KERNEL:
        kw["attention_kernel"] = ATTENTION_KERNEL[(row["source"], gen)]
    sp = (row.get("layout") or {}).get("sp")
    if sp is not None:
        kw["sequence_parallel"] = bool(sp)
    return frameworks.training(fw, **kw)


def throughput_rows() -> list[dict]:
    from traincost import catalog

    return [r for r in catalog.measurements()["rows"] if _usable(r)]


def _usable(row: dict) -> bool:
    lay = row.get("layout") or {}
    return (
        bool(row.get("gpus"))
        and (row.get("global_batch_tokens") or row.get("global_batch"))
        and lay.get("tp") is not None
    )


def run_throughput_validation(rows: list[dict] | None = None, eff_for=None) -> list[Check]:
    from traincost import catalog

    rows = throughput_rows() if rows is None else rows
    eff_for = eff_for or efficiency_for
    out = []
    for r in rows:
        acc = catalog.resolve_accelerator(r["hardware"])
        c = check_row(r, acc, eff_for(acc), training_for(r))
        if c is not None:
            out.append(c)
    return out


@dataclass(frozen=True)
class MemoryCheck:
    id: str
    part: str  # weights_optimizer | activations
    measured_gib: float
    predicted_gib: float

    @property
    def error(self) -> float:
        return self.predicted_gib / self.measured_gib - 1.0


def run_memory_validation() -> list[MemoryCheck]:
    """Korthikanti et al. 2022 Fig. 1: model states and activations per GPU, predicted for the same layout."""
    from traincost import catalog
    from traincost.parallel.perf import GIB, RECOMPUTE, Layouts
    from traincost.parallel.plan import evaluate_layouts

    out = []
    for r in catalog.measurements().get("memory_rows", []):
        lay = r["layout"]
        seq = int(r["seq_len"])
        arch = arch_from_row(r["model"], seq, r["id"])
        acc = catalog.resolve_accelerator(r["hardware"])
        mb = int(r.get("micro_batch") or lay.get("micro_batch") or 1)
        # the figure counts the steady state of the schedule: enough micro-batches per step that the first stage
        # holds its full warm-up, p(1 + (p-1)/(pv)) (the paper's runs use global batches of 64 and more)
        gb = mb * int(lay.get("dp") or 1) * 8 * int(lay.get("pp") or 1)
        prob = Problem(arch, acc, int(r["gpus"]), seq, gb, efficiency_for(acc), training_for(r))
        one = Layouts.single(
            tp=int(lay["tp"]),
            pp=int(lay["pp"]),
            dp=int(lay["dp"]),
            cp=int(lay.get("cp") or 1),
            ep=1,
            zero=int(lay.get("zero") or 0),
            micro_batch=mb,
            recompute=RECOMPUTE.index(lay.get("recompute") or "none"),
            interleave=int(lay.get("interleave") or 1),
        )
        ev = evaluate_layouts(prob, one)
        m = r["measured"]
        states = float(ev.memory["weights"][0] + ev.memory["gradients"][0] + ev.memory["optimizer"][0]) / GIB
        acts = float(ev.memory["activations"][0]) / GIB
        if m.get("weights_optimizer_gib"):
            out.append(MemoryCheck(r["id"], "weights_optimizer", float(m["weights_optimizer_gib"]), states))
        if m.get("activations_gib"):
            out.append(MemoryCheck(r["id"], "activations", float(m["activations_gib"]), acts))
    return out
