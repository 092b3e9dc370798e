"""Inputs and results of the performance model (parallel/perf.py): the efficiency constants of an
accelerator, the training settings, the per-layer sizes of a model, the layouts evaluated at once (column
arrays) and the per-layout results."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from traincost.model.arch import ArchSpec
from traincost.parallel.memory import Overhead

GIB = 1024**3
RECOMPUTE = ("none", "selective", "full")

# Uncalibrated defaults of Efficiency: every field is filled from data/kernels.yaml and data/efficiency.yaml
# by parallel/efficiency.py (efficiency_for); these apply only to an Efficiency() built by hand.
GEMM_FRACTION = 0.80  # assumption: achievable share of dense peak for large GEMMs (MAMF / theory)
GEMM_RAMP_US = 20.0  # assumption: fixed time per GEMM (tail effects), order of the GEMM-vs-shape tables
ATTENTION_FRACTION = 0.45  # assumption: attention kernel, fraction of the BF16 peak (attention tables' order)
HBM_FRACTION = 0.80  # assumption: achievable fraction of HBM bandwidth (STREAM-like copy kernels)
SCALE_UP_FRACTION = 0.80  # assumption: NCCL bus bandwidth / link bandwidth inside the NVLink domain
SCALE_OUT_FRACTION = 0.94  # assumption: NCCL bus bandwidth / NIC bandwidth across nodes
LATENCY_UP_US = 3.3  # assumption: per-collective latency inside the NVLink domain (nccl-tests order)
LATENCY_OUT_US = 9.4  # assumption: per-collective latency across nodes (nccl-tests order)
OVERLAP_CONTENTION = 0.12  # assumption: compute slowdown per unit of hidden communication (SMs used by NCCL)
COMPUTE_REALISATION = 0.9  # assumption: in-training GEMM/attention speed relative to the micro-benchmark
DP_OVERLAP = 0.8  # assumption: share of the data-parallel communication hidden behind compute
TP_OVERLAP = 0.6  # assumption: share of TP communication hidden when the framework overlaps it
THROUGHPUT_SIGMA = 0.30  # assumption: log-space spread of measured/predicted throughput before validation

OPTIMIZERS: dict[str, float] = {
    # bytes of optimizer state per parameter, including the fp32 master copy
    "adamw": 12.0,  # fp32 master + m + v (Rajbhandari et al. 2020, K = 12)
    "adamw8bit": 6.0,  # fp32 master + 8-bit m + v (Dettmers et al. 2022)
    "sgd": 8.0,  # fp32 master + momentum
    "lion": 8.0,  # fp32 master + momentum (Chen et al. 2023)
    "adafactor": 4.5,  # fp32 master + factored second moment (Shazeer & Stern 2018), ~0.5 B/param for factors
}


@dataclass(frozen=True)
class Efficiency:
    """Achievable fractions of the datasheet numbers for one accelerator.

    Measured sub-models (``data/kernels.yaml``, each from its own public micro-benchmark, overridable per
    accelerator in a hardware file): gemm (MAMF fraction, per dtype), gemm_ramp_us, attention_fwd/bwd (set
    per problem from the attention tables), hbm, scale_up, scale_out, latency_up_us, latency_out_us,
    overlap_contention. Fitted end-to-end per generation (``data/efficiency.yaml``, at most 4):
    compute_realisation, kernel_overhead_us, dp_overlap, tp_overlap."""

    gemm: float = GEMM_FRACTION  # achievable share of dense peak for large GEMMs (MAMF / theory)
    gemm_ramp_us: float = GEMM_RAMP_US  # fixed time per GEMM (tail effects), from GEMM-vs-shape tables
    attention_fwd: float = (
        ATTENTION_FRACTION  # attention kernel, fraction of the BF16 peak (from the attention tables)
    )
    attention_bwd: float = ATTENTION_FRACTION
    hbm: float = HBM_FRACTION  # achievable fraction of HBM bandwidth
    scale_up: float = (
        SCALE_UP_FRACTION  # achievable NCCL bus bandwidth / link bandwidth, inside the NVLink domain
    )
    scale_out: float = SCALE_OUT_FRACTION  # same, across nodes (per NIC)
    latency_up_us: float = LATENCY_UP_US
    latency_out_us: float = LATENCY_OUT_US
    overlap_contention: float = (
        OVERLAP_CONTENTION  # compute slowdown per unit of communication hidden behind it (SMs used by NCCL)
    )
    # fitted end-to-end
    compute_realisation: float = (
        COMPUTE_REALISATION  # in-training GEMM/attention speed relative to the isolated micro-benchmark
    )
    kernel_overhead_us: float = 4.0  # per kernel launch / synchronisation
    dp_overlap: float = DP_OVERLAP  # share of the data-parallel communication hidden behind compute
    tp_overlap: float = TP_OVERLAP  # share of TP communication hidden when the framework overlaps it
    throughput_sigma: float = (
        THROUGHPUT_SIGMA  # log-space spread of measured/predicted throughput (from validation)
    )
    calibrated: bool = False
    source: str = "uncalibrated defaults"
    kernels: object = None  # parallel.kernels.Kernels the sub-model constants came from (attention tables)
    quant_bytes: float = (
        0.0  # bytes moved per quantized GEMM input element (parallel/precision.py; 0 = 16-bit)
    )
    gemm_high: float = (
        GEMM_FRACTION  # achievable GEMM fraction of the 16-bit layers (LM head, BF16-kept layers)
    )
    bf16_layers: int = 0  # transformer layers a low-precision recipe keeps in BF16 (NVFP4)
    saved_input_bytes: float = 2.0  # bytes per element of the linear-layer inputs kept for backward
    pinned: tuple = ()  # fields measured on the user's machine (`traincost probe`): per-problem tables keep them


@dataclass(frozen=True)
class Training:
    """Numeric formats and framework settings that memory and time depend on (see data/frameworks.yaml)."""

    weight_bytes: float = 2.0  # bf16 weights
    grad_bytes: float = 4.0  # fp32 main gradients (Megatron default)
    optimizer_bytes: float = OPTIMIZERS["adamw"]  # AdamW: fp32 master weights + two fp32 moments
    grad_reduce_bytes: float = 4.0  # gradient reduction in fp32 (Megatron default)
    gathered_bytes: float = 2.0  # bf16 copy of a layer gathered under ZeRO-3 / FSDP
    master_in_weights: bool = False  # FSDP: the sharded fp32 parameters are the master copy; at ZeRO-2
    # (SHARD_GRAD_OP, reshard_after_forward=False) the gathered 16-bit parameters stay between forward and backward
    flash_attention: bool = True
    attention_kernel: str = "cudnn"  # data/kernels.yaml attention table
    sequence_parallel: bool = True  # Megatron SP: norms/dropout split over TP ranks (Korthikanti et al. 2022)
    dropout: bool = (
        False  # dropout masks stored for backward (GPT-3-era recipes used dropout; modern LLMs do not)
    )
    tp_comm_overlap: bool = (
        False  # framework overlaps TP collectives with GEMMs (Megatron-Core --tp-comm-overlap)
    )
    dp_overlap: bool = True  # framework overlaps gradient reduce-scatter / parameter all-gather with compute
    grad_sync_after_flush: bool = False  # with PP, gradients are reduced after the pipeline flush (DeepSpeed)
    overhead: Overhead = Overhead()  # CUDA context and NCCL buffers (data/kernels.yaml)
    fragmentation: float = (
        0.0  # allocator slack on top of live tensors (none assumed; see docs/performance.md)
    )
    reserve: float = 0.0  # share of HBM kept free
    framework: str = "megatron-core"


@dataclass(frozen=True)
class ModelCosts:
    """Per-layer sizes of a model, the scalars the vectorised formulas need."""

    h: int
    V: int
    L: int
    n_moe: int
    H: int
    qdim: int
    kdim: int
    vdim: int
    odim: int
    ffn: int
    gated: bool
    E: int
    k: int
    fe: int
    fs: int
    attn_params: int  # per layer, with norms
    dense_mlp_params: int
    moe_shared_params: int  # router + shared experts (+ gate), per MoE layer
    expert_params: int  # one routed expert
    emb_in_params: int
    emb_out_params: int  # output projection (counted on the last stage even when tied, if PP > 1)
    tied: bool
    final_norm_params: int
    mla: tuple[int, int, int] | None  # (q_lora_rank, kv_lora_rank, rope head dim) for MLA
    kv_heads: int

    @classmethod
    def from_arch(cls, a: ArchSpec) -> ModelCosts:
        at = a.attention
        moe = a.moe
        return cls(
            h=a.hidden_size,
            V=a.vocab_size,
            L=a.num_layers,
            n_moe=a.num_moe_layers,
            H=at.num_heads,
            qdim=at.num_heads * at.head_dim,
            kdim=(at.num_heads if at.kind == "mla" else at.num_kv_heads) * at.head_dim,
            vdim=(at.num_heads if at.kind == "mla" else at.num_kv_heads) * at.v_head_dim,
            odim=at.num_heads * at.v_head_dim,
            ffn=a.ffn,
            gated=a.gated_mlp,
            E=moe.num_experts if moe else 0,
            k=moe.top_k if moe else 0,
            fe=moe.expert_ffn if moe else 0,
            fs=moe.shared_ffn if moe else 0,
            attn_params=a.attention_params() + a.layer_norm_params(),
            dense_mlp_params=a.mlp_params(),
            moe_shared_params=(a.moe_params() - moe.num_experts * a.expert_params()) if moe else 0,
            expert_params=a.expert_params() if moe else 0,
            emb_in_params=a.vocab_size * a.hidden_size + a.learned_positions * a.hidden_size,
            emb_out_params=a.vocab_size * a.hidden_size,
            tied=a.tie_embeddings,
            final_norm_params=a.hidden_size * (2 if a.norm == "layer" else 1),
            mla=((at.q_lora_rank or 0), at.kv_lora_rank, at.qk_rope_head_dim) if at.kind == "mla" else None,
            kv_heads=at.num_kv_heads,
        )


@dataclass
class Layouts:
    """Column arrays, one entry per layout."""

    tp: np.ndarray
    pp: np.ndarray
    dp: np.ndarray
    cp: np.ndarray
    ep: np.ndarray
    zero: np.ndarray
    micro_batch: np.ndarray
    recompute: np.ndarray  # index into RECOMPUTE
    interleave: np.ndarray

    def __len__(self) -> int:
        return len(self.tp)

    @classmethod
    def single(cls, **kw: int) -> Layouts:
        return cls(**{k: np.array([v], dtype=np.int64) for k, v in kw.items()})

    def take(self, idx) -> Layouts:
        return Layouts(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})

    def row(self, i: int) -> dict:
        d = {k: int(getattr(self, k)[i]) for k in self.__dataclass_fields__}
        d["recompute"] = RECOMPUTE[d["recompute"]]
        return d


@dataclass
class Evaluation:
    """Per-layout results (arrays aligned with the Layouts)."""

    memory: dict[str, np.ndarray]  # bytes per accelerator, by part; 'total' is the peak
    time: dict[str, np.ndarray]  # seconds per step, by part; 'step' is the total
    fits: np.ndarray
    capacity_bytes: float
    microbatches: np.ndarray
    tokens_per_s: np.ndarray
    mfu: np.ndarray
    hfu: np.ndarray
    extras: dict[str, np.ndarray] = field(default_factory=dict)


@dataclass(frozen=True)
class Workload:
    """What one step processes: sequence length, global batch (sequences), the FLOPs per token counted for
    MFU (model) and HFU (hardware, with recomputation), attention keys per query, the GEMM precision."""

    seq_len: int
    global_batch: int
    model_flops_per_token: float
    hardware_flops_per_token: float
    keys_per_query: float
    dtype: str = "bf16"
