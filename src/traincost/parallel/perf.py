"""Performance model: memory per accelerator and step time of parallel training layouts, evaluated
for many layouts at once with NumPy arrays.

A layout is (TP, PP, DP, CP, EP, ZeRO stage, micro-batch, recomputation, interleaving). For each one
this module computes, per accelerator of the most loaded pipeline stage:

* memory: weights, gradients and optimizer states under ZeRO-0/1/2/3 (Rajbhandari et al. 2020),
  activations after Korthikanti et al. 2022 (sequence parallelism, selective/full recomputation,
  FlashAttention, 1F1B and interleaved in-flight micro-batches, the logits/loss peak), and a stated
  framework overhead;
* time: every GEMM as a roofline (dense peak x a size-dependent efficiency, or HBM bandwidth when
  memory-bound), FlashAttention kernels, memory-bound element-wise work, recomputation, the optimizer
  step; TP/SP, CP, EP, PP and DP/ZeRO collectives on the network tier they cross (NCCL bus-bandwidth
  convention: all-gather/reduce-scatter move (n-1)/n of the data, all-reduce twice that), with
  overlap where the frameworks overlap; the pipeline bubble (p-1)/(v·m) (Narayanan et al. 2021).

The efficiency constants are per accelerator generation, fitted on public measurements only
(``data/efficiency.yaml``; ``traincost validate --throughput`` shows the fit).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from traincost.hardware.accelerator import Accelerator
from traincost.model.arch import ArchSpec

GIB = 1024**3
RECOMPUTE = ("none", "selective", "full")


# ----------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Efficiency:
    """Achievable fractions of the datasheet numbers, per accelerator generation (fitted)."""

    gemm: float = 0.75  # large-GEMM fraction of dense peak
    gemm_knee_gflop: float = 2.0  # GEMM size (GFLOP) at which efficiency is half of `gemm`
    attention_fwd: float = 0.55  # FlashAttention forward, fraction of peak
    attention_bwd: float = 0.45
    hbm: float = 0.80  # achievable fraction of HBM bandwidth
    scale_up: float = 0.75  # achievable NCCL bus bandwidth / link bandwidth, inside a node
    scale_out: float = 0.80  # same, across nodes
    latency_up_us: float = 10.0
    latency_out_us: float = 25.0
    dp_overlap: float = 0.8  # share of the data-parallel communication hidden behind compute
    kernel_overhead_us: float = 4.0  # per kernel launch / synchronisation, per layer op
    tp_overlap: float = 0.6  # share of TP communication hidden when the framework overlaps it
    overlap_contention: float = 0.1  # compute slowdown per unit of communication hidden behind it (SMs used by NCCL)
    throughput_sigma: float = 0.30  # log-space spread of measured/predicted throughput (from validation)
    calibrated: bool = False
    source: str = "uncalibrated defaults"


@dataclass(frozen=True)
class Training:
    """Numeric formats and framework settings that memory and time depend on."""

    weight_bytes: float = 2.0  # bf16 weights
    grad_bytes: float = 4.0  # fp32 main gradients (Megatron default)
    optimizer_bytes: float = 12.0  # AdamW: fp32 master weights + two fp32 moments
    grad_reduce_bytes: float = 4.0  # gradient reduction in fp32 (Megatron default)
    flash_attention: bool = True
    sequence_parallel: bool = True  # Megatron SP: norms/dropout split over TP ranks (Korthikanti et al. 2022)
    dropout: bool = False  # dropout masks stored for backward (GPT-3-era recipes used dropout; modern LLMs do not)
    tp_comm_overlap: bool = False  # framework overlaps TP collectives with GEMMs (Megatron-Core --tp-comm-overlap)
    overhead_gib: float = 3.0  # CUDA context, NCCL buffers, cuBLAS workspaces
    fragmentation: float = 0.08  # allocator fragmentation on top of live tensors
    reserve: float = 0.0  # share of HBM kept free


OPTIMIZERS: dict[str, float] = {
    # bytes of optimizer state per parameter, including the fp32 master copy
    "adamw": 12.0,  # fp32 master + m + v (Rajbhandari et al. 2020, K = 12)
    "adamw8bit": 6.0,  # fp32 master + 8-bit m + v (Dettmers et al. 2022)
    "sgd": 8.0,  # fp32 master + momentum
    "lion": 8.0,  # fp32 master + momentum (Chen et al. 2023)
    "adafactor": 4.5,  # fp32 master + factored second moment (Shazeer & Stern 2018), ~0.5 B/param for factors
}


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
            h=a.hidden_size, V=a.vocab_size, L=a.num_layers, n_moe=a.num_moe_layers, H=at.num_heads,
            qdim=at.num_heads * at.head_dim,
            kdim=(at.num_heads if at.kind == "mla" else at.num_kv_heads) * at.head_dim,
            vdim=(at.num_heads if at.kind == "mla" else at.num_kv_heads) * at.v_head_dim,
            odim=at.num_heads * at.v_head_dim, ffn=a.ffn, gated=a.gated_mlp,
            E=moe.num_experts if moe else 0, k=moe.top_k if moe else 0, fe=moe.expert_ffn if moe else 0,
            fs=moe.shared_ffn if moe else 0,
            attn_params=a.attention_params() + a.layer_norm_params(),
            dense_mlp_params=a.mlp_params(),
            moe_shared_params=(a.moe_params() - moe.num_experts * a.expert_params()) if moe else 0,
            expert_params=a.expert_params() if moe else 0,
            emb_in_params=a.vocab_size * a.hidden_size + a.learned_positions * a.hidden_size,
            emb_out_params=a.vocab_size * a.hidden_size, tied=a.tie_embeddings,
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


# ----------------------------------------------------------------------------- helpers


def _gemm_time(M, K, N, count, peak, bw, eff: Efficiency):
    """Roofline for `count` GEMMs of (M x K)·(K x N) in bf16: compute at a size-dependent share of
    peak, or memory traffic at the achievable HBM bandwidth, whichever is slower."""
    flops = 2.0 * M * K * N
    knee = eff.gemm_knee_gflop * 1e9
    compute = flops / (peak * eff.gemm * flops / (flops + knee))
    memory = 2.0 * (M * K + K * N + M * N) / (bw * eff.hbm)
    return count * (np.maximum(compute, memory) + eff.kernel_overhead_us * 1e-6)


def _collective(size_bytes, n, bw, latency_s, kind: str):
    """NCCL bus-bandwidth convention: all-gather / reduce-scatter move (n-1)/n of the buffer per rank,
    all-reduce 2(n-1)/n, all-to-all (n-1)/n; plus a latency per ring step."""
    n = np.asarray(n, dtype=np.float64)
    frac = np.where(n > 1, (n - 1) / np.maximum(n, 1), 0.0)
    factor = 2.0 if kind == "all_reduce" else 1.0
    steps = np.where(n > 1, np.log2(np.maximum(n, 2)) + 1, 0.0)  # tree/ring latency, log-scaled
    return np.where(n > 1, factor * frac * size_bytes / bw + steps * latency_s, 0.0)


def _tier_bw(group, stride, acc: Accelerator, eff: Efficiency):
    """Bus bandwidth and latency of a communication group of `group` ranks spaced `stride` apart
    (ranks are numbered TP fastest, then CP, then DP/EP, then PP, as Megatron-LM orders them). A group
    inside one scale-up domain uses NVLink-class links; otherwise the per-accelerator NICs, where the
    members that share a node combine their NICs (hierarchical collectives)."""
    up_bw = (acc.scale_up_bw_gbs or 16.0) * 1e9 * eff.scale_up
    out_bw = (acc.scale_out_bw_gbs or 12.5) * 1e9 * eff.scale_out
    span = group * stride
    inside = span <= acc.scale_up_size
    per_node = np.clip(acc.node_size // np.maximum(stride, 1), 1, None)
    per_node = np.minimum(per_node, group)
    bw = np.where(inside, up_bw, np.minimum(up_bw, out_bw * per_node))
    lat = np.where(inside, eff.latency_up_us, eff.latency_out_us) * 1e-6
    return bw, lat


# ----------------------------------------------------------------------------- the model


def evaluate(
    m: ModelCosts,
    acc: Accelerator,
    lay: Layouts,
    seq_len: int,
    global_batch: int,
    model_flops_per_token: float,
    hardware_flops_per_token: float,
    keys_per_query: float,
    eff: Efficiency,
    train: Training = Training(),
    dtype: str = "bf16",
) -> Evaluation:
    f64 = np.float64
    t, p, d, c = (getattr(lay, k).astype(f64) for k in ("tp", "pp", "dp", "cp"))
    e, z, b, r, v = (getattr(lay, k).astype(f64) for k in ("ep", "zero", "micro_batch", "recompute", "interleave"))
    zi, ri = lay.zero, lay.recompute
    s, B = float(seq_len), float(global_batch)
    peak = acc.peak_flops(dtype)  # GEMMs run in the training precision (FP8 GEMMs with FP8 training)
    attn_peak = acc.peak_flops("bf16")  # attention kernels and the MFU denominator of 16-bit runs stay 16-bit
    bw = acc.memory_bw_tbps * 1e12
    n_gpu = t * p * d * c

    mb_count = B / (d * b)  # micro-batches per step per data-parallel replica
    T = b * s / c  # tokens per micro-batch on one GPU (before tensor parallel splits)
    Ls = np.ceil(m.L / p)  # layers on the most loaded stage
    moe_s = np.minimum(Ls, np.ceil(m.n_moe / p)) if m.n_moe else np.zeros_like(p)
    dense_s = Ls - moe_s

    # ---------------- parameters per GPU (most loaded stage), split into sharding groups
    layer_p = (Ls * m.attn_params + dense_s * m.dense_mlp_params + moe_s * m.moe_shared_params) / t
    expert_p = moe_s * m.E * m.expert_params / (t * np.maximum(e, 1))
    emb_first = m.emb_in_params / t
    emb_last = np.where(p > 1, m.emb_out_params, 0.0 if m.tied else m.emb_out_params) / t + m.final_norm_params / t
    p_first = layer_p + emb_first + np.where(p > 1, 0.0, emb_last)
    p_last = layer_p + np.where(p > 1, emb_last, 0.0)
    D = d * c  # data-parallel shard group (Megatron shards the optimizer over DP x CP)
    D_exp = np.maximum(D / np.maximum(e, 1), 1)

    W, G, OPT = train.weight_bytes, train.grad_bytes, train.optimizer_bytes

    def states(params, shard):
        full = (W + G + OPT) * params
        return np.select(
            [zi == 0, zi == 1, zi == 2],
            [full, (W + G) * params + OPT * params / shard, W * params + (G + OPT) * params / shard],
            (W + G + OPT) * params / shard,
        )

    layer_unsharded = (m.attn_params + max(m.dense_mlp_params, m.moe_shared_params + m.E * m.expert_params)) / t
    zero3_buffers = np.where(zi == 3, 2 * W * layer_unsharded, 0.0)  # current + prefetched layer
    st_first = states(p_first, D) + states(expert_p, D_exp) + zero3_buffers
    st_last = states(p_last, D) + states(expert_p, D_exp) + zero3_buffers
    # split for the breakdown (first stage, which is the one reported)
    P_first_total = p_first + expert_p

    # ---------------- activations (bytes per token of one layer, before TP/SP division)
    h = m.h
    # Split over TP ranks: Q, K, V, attention output, MLP intermediates. Replicated on every TP rank
    # unless sequence parallelism splits them: the two norms' inputs and outputs and the dropout masks
    # (Korthikanti et al. 2022: sbh·(10 + 24/t + 5as/(ht)) without SP, sbh·34/t with SP).
    drop = 1.0 if train.dropout else 0.0
    replicated = 8.0 * h + drop * 2.0 * h
    # Q K V, attention output; FlashAttention also keeps the fp32 log-sum-exp per head
    attn_split = 2 * (m.qdim + m.kdim + m.vdim + m.odim) + (4 * m.H if train.flash_attention else 0)
    if m.mla:
        attn_split += 2 * (m.mla[0] + m.mla[1] + m.mla[2])
    no_flash = 0.0 if train.flash_attention else (2.0 + 3.0 * drop) * m.H * s / c  # softmax (+dropout) s x s per head
    mlp_split = 2 * (3 if m.gated else 2) * m.ffn
    moe_split = (4 * m.E + 2 * 2 * m.k * h + 2 * m.k * (3 if m.gated else 2) * m.fe
                 + 2 * (3 if m.gated else 2) * m.fs) if m.n_moe else 0.0
    rep_div = t if train.sequence_parallel else 1.0
    attn_tok = replicated * t / rep_div + attn_split + no_flash * (ri != 1)  # x 1/t below; selective drops s^2
    act_dense = attn_tok + mlp_split
    act_moe = attn_tok + moe_split
    stored_per_token = np.where(
        ri == 2, 2.0 * h * Ls * t / rep_div, dense_s * act_dense + moe_s * act_moe
    )  # full recompute keeps only each layer's input
    working = np.where(ri == 2, np.maximum(act_dense, act_moe if m.n_moe else 0.0), 0.0)  # one layer rebuilt
    inflight = np.where(
        p > 1, np.where(v > 1, p * (1 + (p - 1) / (p * v)), np.minimum(mb_count, p)), 1.0
    )
    tokens_gpu = T / t  # sequence parallel: every activation is split over TP
    act_first = (stored_per_token * inflight + working) * tokens_gpu
    logits = (4.0 * h + 4.0 * m.V) * tokens_gpu  # Megatron: 4·s·b·h·(1 + V/h) / t
    act_last = (stored_per_token * np.minimum(inflight, 1.0) + working) * tokens_gpu + logits
    act_first = act_first + np.where(p > 1, 0.0, logits)

    frag = 1.0 + train.fragmentation
    overhead = train.overhead_gib * GIB
    total_first = (st_first + act_first) * frag + overhead
    total_last = (st_last + act_last) * frag + overhead
    total = np.maximum(total_first, np.where(p > 1, total_last, 0.0))
    capacity = acc.memory_gb * 1e9 * (1.0 - train.reserve)
    fits = total <= capacity

    # ---------------- compute time per micro-batch, one layer
    M = T
    qkv = m.qdim + m.kdim + m.vdim
    if m.mla:
        qr, kvr, rope = m.mla
        q = (_gemm_time(M, h, qr, 1, peak, bw, eff) + _gemm_time(M, qr, m.qdim / t, 1, peak, bw, eff)) if qr else \
            _gemm_time(M, h, m.qdim / t, 1, peak, bw, eff)
        proj = (q + _gemm_time(M, h, kvr + rope, 1, peak, bw, eff)
                + _gemm_time(M, kvr, (m.qdim - m.H * rope + m.odim) / t, 1, peak, bw, eff)
                + _gemm_time(M, m.odim / t, h, 1, peak, bw, eff))
    else:
        proj = _gemm_time(M, h, qkv / t, 1, peak, bw, eff) + _gemm_time(M, m.odim / t, h, 1, peak, bw, eff)
    if m.gated:
        mlp = _gemm_time(M, h, 2 * m.ffn / t, 1, peak, bw, eff) + _gemm_time(M, m.ffn / t, h, 1, peak, bw, eff)
    else:
        mlp = _gemm_time(M, h, m.ffn / t, 1, peak, bw, eff) + _gemm_time(M, m.ffn / t, h, 1, peak, bw, eff)
    if m.n_moe:
        n_local = m.E / np.maximum(e, 1)
        Me = T * m.k * np.maximum(e, 1) / m.E  # tokens per local expert (balanced routing)
        up = 2 * m.fe if m.gated else m.fe
        moe = (_gemm_time(M, h, m.E, 1, peak, bw, eff)
               + _gemm_time(Me, h, up / t, n_local, peak, bw, eff) + _gemm_time(Me, m.fe / t, h, n_local, peak, bw, eff))
        if m.fs:
            moe = moe + _gemm_time(M, h, (2 if m.gated else 1) * m.fs / t, 1, peak, bw, eff) + _gemm_time(M, m.fs / t, h, 1, peak, bw, eff)
    else:
        moe = 0.0
    attn_flops = 2.0 * (m.qdim + m.odim) * keys_per_query * T / t  # scores (q·k) + context (p·v)
    attn_fwd = attn_flops / (attn_peak * eff.attention_fwd)
    attn_bwd = (2.0 + (0.5 if train.flash_attention else 0.0)) * attn_flops / (attn_peak * eff.attention_bwd)
    elem_bytes = (20.0 * h * t / rep_div + 4.0 * (m.qdim + m.kdim) + (6.0 if m.gated else 4.0) * m.ffn) * T / t
    elem_fwd = elem_bytes / (bw * eff.hbm) + 8 * eff.kernel_overhead_us * 1e-6

    fwd_dense = proj + mlp + attn_fwd + elem_fwd
    fwd_moe = proj + moe + attn_fwd + elem_fwd
    bwd_dense = 2 * (proj + mlp) + attn_bwd + 2 * elem_fwd
    bwd_moe = 2 * (proj + moe) + attn_bwd + 2 * elem_fwd
    rec_dense = np.where(ri == 2, fwd_dense, np.where((ri == 1) & (not train.flash_attention), attn_fwd, 0.0))
    rec_moe = np.where(ri == 2, fwd_moe, np.where((ri == 1) & (not train.flash_attention), attn_fwd, 0.0))

    # ---------------- communication inside a micro-batch, one layer
    tp_bw, tp_lat = _tier_bw(t, 1.0, acc, eff)
    act_bytes = 2.0 * T * h  # bf16 activations entering/leaving a TP region (full sequence)
    # SP: 2 all-gathers + 2 reduce-scatters forward, the same backward (+ the recomputed forward);
    # without SP: 2 all-reduces forward and 2 backward, the same volume
    if train.sequence_parallel:
        tp_comm = (8 + np.where(ri == 2, 4, 0)) * _collective(act_bytes, t, tp_bw, tp_lat, "all_gather")
    else:
        tp_comm = (4 + np.where(ri == 2, 2, 0)) * _collective(act_bytes, t, tp_bw, tp_lat, "all_reduce")
    if train.tp_comm_overlap:
        tp_comm = tp_comm * (1.0 - eff.tp_overlap)
    cp_bw, cp_lat = _tier_bw(c, t, acc, eff)
    kv_bytes = 2.0 * 2.0 * T * m.kdim / t  # K and V of the local chunk, bf16
    cp_fwd = np.where(c > 1, (c - 1) * (kv_bytes / cp_bw + cp_lat), 0.0)
    cp_comm = np.maximum(cp_fwd - attn_fwd, 0.0) + np.maximum(2 * cp_fwd - attn_bwd, 0.0)  # ring overlaps with attention
    # each ring step is its own attention kernel whose partial output is merged (read/write the fp32 output and stats)
    cp_merge = np.where(c > 1, (c - 1) * (3 * (3.0 * 4.0 * T * m.odim / t) / (bw * eff.hbm) + 3 * eff.kernel_overhead_us * 1e-6), 0.0)
    cp_comm = cp_comm + cp_merge
    if m.n_moe:
        ep_bw, ep_lat = _tier_bw(e, t * c, acc, eff)
        a2a = _collective(2.0 * T * m.k * h / t, e, ep_bw, ep_lat, "all_to_all")
        ep_comm = (4 + np.where(ri == 2, 2, 0)) * a2a
    else:
        ep_comm = 0.0

    compute_dense = fwd_dense + bwd_dense + rec_dense
    compute_moe = fwd_moe + bwd_moe + rec_moe
    layers_compute = dense_s * compute_dense + moe_s * compute_moe
    layers_comm = Ls * (tp_comm + cp_comm) + moe_s * ep_comm
    logits_time = 3 * _gemm_time(M, h, m.V / t, 1, peak, bw, eff)  # output layer fwd + 2 bwd GEMMs

    # ZeRO-3 / FSDP: parameters gathered for forward and backward (and recompute), gradients
    # reduce-scattered, every micro-batch; overlapped with compute as far as it goes
    dp_bw, dp_lat = _tier_bw(D, t, acc, eff)
    p_stage = np.maximum(p_first, p_last) + expert_p
    gathers = 2 + np.where(ri == 2, 1, 0)
    z3_comm = np.where(
        zi == 3,
        gathers * _collective(W * p_stage, D, dp_bw, dp_lat, "all_gather")
        + _collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "reduce_scatter"),
        0.0,
    )
    mb_compute = layers_compute + logits_time
    z3_hidden = np.minimum(z3_comm, eff.dp_overlap * mb_compute)
    z3_exposed = z3_comm - z3_hidden + eff.overlap_contention * z3_hidden
    t_mb = mb_compute + layers_comm + z3_exposed

    # pipeline: point-to-point sends and the bubble
    pp_bw, pp_lat = _tier_bw(p, t * c * d, acc, eff)
    p2p = np.where(p > 1, 2.0 * v * (act_bytes / t / pp_bw + pp_lat), 0.0)
    t_pipe = (mb_count + (p - 1) / v) * (t_mb + p2p)
    bubble = (p - 1) / v * (t_mb + p2p)

    # data parallel gradient sync once per step (ZeRO-0/1/2), overlapped with the last backward
    grad_sync = np.where(
        zi == 0,
        _collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "all_reduce"),
        _collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "reduce_scatter")
        + _collective(W * p_stage, D, dp_bw, dp_lat, "all_gather"),
    )
    grad_sync = np.where(zi == 3, 0.0, grad_sync)
    dp_hidden = np.minimum(grad_sync, eff.dp_overlap * t_mb)
    dp_exposed = grad_sync - dp_hidden + eff.overlap_contention * dp_hidden

    # optimizer step: memory-bound; reads gradients and optimizer state (master weights + moments),
    # writes the optimizer state and the bf16 weights
    shard = np.where(zi >= 1, D, 1.0)
    opt = (p_stage / shard) * (G + 2 * OPT + W) / (bw * eff.hbm)

    step = t_pipe + dp_exposed + opt
    tokens = B * s
    tps = tokens / step
    mfu = tps * model_flops_per_token / (n_gpu * peak)
    hfu = tps * hardware_flops_per_token / (n_gpu * peak)

    mbc = mb_count
    time = {
        "step": step,
        "compute": mbc * (mb_compute - (dense_s * rec_dense + moe_s * rec_moe)),
        "recompute": mbc * (dense_s * rec_dense + moe_s * rec_moe),
        "tp_comm": mbc * Ls * tp_comm,
        "cp_comm": mbc * Ls * cp_comm,
        "ep_comm": mbc * moe_s * ep_comm if m.n_moe else np.zeros_like(step),
        "pp_comm": mbc * p2p,
        "bubble": bubble,
        "dp_comm": dp_exposed + mbc * z3_exposed,
        "optimizer": opt,
    }
    memory = {
        "total": total,
        "weights": W * P_first_total / np.where(zi == 3, D, 1.0),
        "gradients": G * P_first_total / np.where(zi >= 2, D, 1.0),
        "optimizer": OPT * P_first_total / np.where(zi >= 1, D, 1.0),
        "activations": act_first,
        "overhead": overhead + (st_first + act_first) * train.fragmentation,
    }
    return Evaluation(
        memory=memory, time=time, fits=fits, capacity_bytes=capacity, microbatches=mb_count,
        tokens_per_s=tps, mfu=mfu, hfu=hfu, extras={"n_gpus": n_gpu, "params_per_gpu": p_stage},
    )
