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

from dataclasses import dataclass, replace

import numpy as np

from traincost.hardware.accelerator import Accelerator
from traincost.parallel import comm, compute, memory, schedule
from traincost.parallel.inputs import (
    GIB,
    OPTIMIZERS,
    RECOMPUTE,
    Efficiency,
    Evaluation,
    Layouts,
    ModelCosts,
    Training,
    Workload,
)

__all__ = [
    "GIB",
    "OPTIMIZERS",
    "RECOMPUTE",
    "Efficiency",
    "Evaluation",
    "Layouts",
    "ModelCosts",
    "Training",
    "Workload",
    "evaluate",
]

DEFAULT_TRAINING = Training()


# ----------------------------------------------------------------------------- the model


def _stage_params(m: ModelCosts, x, t, e, p, first: bool, last: bool):
    """Dense (sharded over DP x CP) and expert (over DP x CP / EP) parameters per GPU of a stage of x layers."""
    if m.n_moe:
        moe_x = _moe_layers(m, x)
        dense = (x * m.attn_params + (x - moe_x) * m.dense_mlp_params + moe_x * m.moe_shared_params) / t
        experts = moe_x * m.E * m.expert_params / (t * np.maximum(e, 1))
    else:
        dense = x * ((m.attn_params + m.dense_mlp_params) / t)
        experts = 0.0
    if first or last:
        head = (
            np.where(p > 1, m.emb_out_params, 0.0 if m.tied else m.emb_out_params) + m.final_norm_params
        ) / t
    if first:
        dense = dense + m.emb_in_params / t + np.where(p > 1, 0.0, head)
    if last:
        dense = dense + np.where(p > 1, head, 0.0)
    return dense, experts


def _moe_layers(m: ModelCosts, x):
    return np.minimum(x, np.ceil(x * m.n_moe / m.L)) if m.n_moe else np.zeros_like(x)


def _activation_bytes_per_token(m: ModelCosts, t, ri, s, c, train: Training, sib: float = 2.0):
    """Bytes per token of one dense and one MoE layer kept for backward (Korthikanti et al. 2022 Table 2):
    split over TP: Q, K, V, attention output, MLP intermediates; replicated on every TP rank unless sequence
    parallelism splits them: the two norms' inputs and outputs and the dropout masks (sbh(10 + 24/t + 5as/(ht))
    without SP, sbh·34/t with SP). FlashAttention keeps the fp32 log-sum-exp per head instead of the s x s
    scores. The inputs of the linear layers (the two norm outputs, the attention output, the FC2 input) are kept
    in the GEMM format, ``sib`` bytes per element: 2 in 16-bit, 1 with FP8 recipes (Transformer Engine keeps the
    quantized copy the weight-gradient GEMM reads; Megatron Core low-precision guide: "Activations ... are
    stored in 8 or 4 bits")."""
    h = m.h
    drop = 1.0 if train.dropout else 0.0
    replicated = 4.0 * h + 2.0 * sib * h + drop * 2.0 * h  # norm inputs (16-bit) and outputs (GEMM inputs)
    attn_split = 2 * (m.qdim + m.kdim + m.vdim) + sib * m.odim + (4 * m.H if train.flash_attention else 0)
    if m.mla:
        attn_split += 2 * (m.mla[0] + m.mla[1] + m.mla[2])
    no_flash = 0.0 if train.flash_attention else (2.0 + 3.0 * drop) * m.H * s / c
    inner = 2 * (2 if m.gated else 1)  # 16-bit FC1 outputs (gate and up, or the pre-activation)
    mlp_split = (inner + sib) * m.ffn
    moe_split = (
        (4 * m.E + 2 * 2 * m.k * h + m.k * (inner + sib) * m.fe + (inner + sib) * m.fs) if m.n_moe else 0.0
    )
    rep_div = t if train.sequence_parallel else 1.0
    attn_tok = replicated * t / rep_div + attn_split + no_flash * (ri != 1)
    return attn_tok + mlp_split, attn_tok + moe_split, rep_div


@dataclass(frozen=True)
class _Shape:
    """The layout columns as float arrays and the per-step quantities derived from them."""

    t: np.ndarray
    p: np.ndarray
    d: np.ndarray
    c: np.ndarray
    e: np.ndarray
    b: np.ndarray
    v: np.ndarray
    zi: np.ndarray
    ri: np.ndarray
    s: float
    B: float
    n_gpu: np.ndarray
    mb_count: np.ndarray  # micro-batches per step per data-parallel replica
    T: np.ndarray  # tokens per micro-batch on one GPU (before tensor parallel splits)
    stages: tuple  # layers of the first, a middle and the last stage
    D: np.ndarray  # data-parallel shard group (Megatron shards the optimizer over DP x CP)
    D_exp: np.ndarray


def _shape(m: ModelCosts, lay: Layouts, work: Workload) -> _Shape:
    f64 = np.float64
    t, p, d, c = (getattr(lay, k).astype(f64) for k in ("tp", "pp", "dp", "cp"))
    e, b, v = (getattr(lay, k).astype(f64) for k in ("ep", "micro_batch", "interleave"))
    s, B = float(work.seq_len), float(work.global_batch)
    L1, Lm, Ln, _ = schedule.stage_layers(m.L, lay.pp, lay.interleave)
    D = d * c
    return _Shape(
        t=t,
        p=p,
        d=d,
        c=c,
        e=e,
        b=b,
        v=v,
        zi=lay.zero,
        ri=lay.recompute,
        s=s,
        B=B,
        n_gpu=t * p * d * c,
        mb_count=B / (d * b),
        T=b * s / c,
        stages=(L1, Lm, Ln),
        D=D,
        D_exp=np.maximum(D / np.maximum(e, 1), 1),
    )


def evaluate(
    m: ModelCosts,
    acc: Accelerator,
    lay: Layouts,
    work: Workload,
    eff: Efficiency,
    train: Training = DEFAULT_TRAINING,
) -> Evaluation:
    """Memory (parallel/memory.py), compute (parallel/compute.py), communication (parallel/comm.py) and the
    pipeline schedule (parallel/schedule.py) of every layout, as arrays."""
    sh = _shape(m, lay, work)
    peak = acc.peak_flops(work.dtype)  # GEMMs run in the training precision (FP8 GEMMs with FP8 training)
    act_dense, act_moe, rep_div = _activation_bytes_per_token(
        m, sh.t, sh.ri, sh.s, sh.c, train, eff.saved_input_bytes
    )
    mem, params = _memory(m, sh, train, act_dense, act_moe, rep_div)
    capacity = acc.memory_gb * 1e9 * (1.0 - train.reserve)
    fits = mem["total"] <= capacity
    p_stage = np.maximum(np.maximum(params[0], params[1]), params[2])
    per_mb = _per_microbatch(m, acc, sh, eff, train, work, rep_div)
    time, tps = _step(m, acc, sh, eff, train, per_mb, p_stage)
    return Evaluation(
        memory=mem,
        time=time,
        fits=fits,
        capacity_bytes=capacity,
        microbatches=sh.mb_count,
        tokens_per_s=tps,
        mfu=tps * work.model_flops_per_token / (sh.n_gpu * peak),
        hfu=tps * work.hardware_flops_per_token / (sh.n_gpu * peak),
        extras={"n_gpus": sh.n_gpu, "params_per_gpu": p_stage},
    )


def _memory(m: ModelCosts, sh: _Shape, train: Training, act_dense, act_moe, rep_div):
    """Memory per accelerator of the first, a middle and the last stage, and their parameters per GPU."""
    t, p, v, zi, ri, D, D_exp = sh.t, sh.p, sh.v, sh.zi, sh.ri, sh.D, sh.D_exp
    W, G, Opt = train.weight_bytes, train.grad_bytes, train.optimizer_bytes
    tokens_gpu = sh.T / t  # sequence parallel: every activation is split over TP
    working = np.where(ri == 2, np.maximum(act_dense, act_moe if m.n_moe else 0.0), 0.0)  # one layer rebuilt
    logits = (4.0 * m.h + 4.0 * m.V) * tokens_gpu  # Megatron: 4·s·b·h·(1 + V/h) / t
    layer_unsharded = (
        m.attn_params
        + max(m.dense_mlp_params, m.moe_shared_params)
        + (m.E * m.expert_params if m.n_moe else 0) / np.maximum(sh.e, 1)
    ) / t
    gathered = np.where(
        zi == 3, 2 * train.gathered_bytes * layer_unsharded, 0.0
    )  # current + prefetched layer
    divs = memory.shard_divisors(D, zi)
    divs_exp = memory.shard_divisors(D_exp, zi) if m.n_moe else None
    L1, Lm, Ln = sh.stages
    stages, params = [], []
    for x, idx, first, last in ((L1, 0.0, True, False), (Lm, 1.0, False, False), (Ln, p - 1, False, True)):
        dense_p, exp_p = _stage_params(m, x, t, sh.e, p, first, last)
        moe_x = _moe_layers(m, x)
        kept = (x - moe_x) * act_dense + moe_x * act_moe if m.n_moe else x * act_dense
        stored = np.where(ri == 2, (2.0 * m.h * t / rep_div) * x, kept)
        act = (stored * schedule.in_flight(p, v, sh.mb_count, idx) + working) * tokens_gpu
        if last:
            act = act + np.where(p > 1, logits, 0.0)
        elif first:
            act = act + np.where(p > 1, 0.0, logits)
        st = memory.states(dense_p, divs, W, G, Opt)
        if m.n_moe:
            sx = memory.states(exp_p, divs_exp, W, G, Opt)
            st = {k: st[k] + sx[k] for k in st}
        if train.master_in_weights:
            st["weights"] = np.where(
                zi == 2,
                W * dense_p / D
                + train.gathered_bytes * dense_p
                + (W * exp_p / D_exp + train.gathered_bytes * exp_p if m.n_moe else 0.0),
                st["weights"],
            )
        stages.append(st | {"gathered": gathered, "activations": act})
        params.append(dense_p + exp_p)
    overhead = memory.fixed_overhead(train.overhead, t, p, sh.d, sh.c, sh.e)
    return memory.peak_memory(stages, overhead, train.fragmentation), params


def _per_microbatch(
    m: ModelCosts, acc: Accelerator, sh: _Shape, eff: Efficiency, train: Training, work: Workload, rep_div
) -> dict:
    """Compute and communication of the slowest pipeline stage for one micro-batch, by part."""
    t, p, e, ri, T = sh.t, sh.p, sh.e, sh.ri, sh.T
    peak = acc.peak_flops(work.dtype)
    attn_peak = acc.peak_flops("bf16")  # attention kernels and the MFU denominator of 16-bit runs stay 16-bit
    bw = acc.memory_bw_tbps * 1e12
    proj, mlp, moe = compute.layer_gemms(m, T, t, e, peak, bw, eff)
    high = replace(eff, gemm=eff.gemm_high, quant_bytes=0.0)  # 16-bit GEMMs: LM head, BF16-kept layers
    if eff.bf16_layers and eff.quant_bytes:  # the recipe keeps some layers in BF16: averaged over the layers
        w = min(eff.bf16_layers, m.L) / m.L
        hp, hm, hmoe = compute.layer_gemms(m, T, t, e, attn_peak, bw, high)
        proj, mlp, moe = ((1 - w) * lo + w * hi for lo, hi in ((proj, hp), (mlp, hm), (moe, hmoe)))
    attn_fwd, attn_bwd = compute.attention_time(
        m, T, t, work.keys_per_query, attn_peak, eff, train.flash_attention
    )
    elem = compute.elementwise_time(m, T, t, rep_div, bw, eff)
    fwd_d, fwd_m = proj + mlp + attn_fwd + elem, proj + moe + attn_fwd + elem
    bwd_d, bwd_m = 2 * (proj + mlp) + attn_bwd + 2 * elem, 2 * (proj + moe) + attn_bwd + 2 * elem
    sel = np.where((ri == 1) & (not train.flash_attention), attn_fwd, 0.0)
    rec_d, rec_m = np.where(ri == 2, fwd_d, sel), np.where(ri == 2, fwd_m, sel)
    tp_c, cp_c, ep_c = _layer_comm(m, acc, eff, train, sh, attn_fwd, attn_bwd)
    logits_time = (
        3 * compute.gemm_time(T, m.h, m.V / t, 1, attn_peak, bw, high)  # output layer fwd + 2 bwd, 16-bit
        + compute.loss_time(m, T, t, bw, eff)
    )

    # the slowest stage sets the pace: first (embedding), a middle one, or the last (LM head and loss)
    per_layer_d = fwd_d + bwd_d + rec_d + tp_c + cp_c
    per_layer_m = fwd_m + bwd_m + rec_m + tp_c + cp_c + ep_c
    L1, Lm, Ln = sh.stages
    heads = (p == 1, False, p > 1)
    totals = []
    for x, head in zip((L1, Lm, Ln), heads, strict=True):
        moe_x = _moe_layers(m, x)
        tot = (x - moe_x) * per_layer_d + moe_x * per_layer_m if m.n_moe else x * per_layer_d
        totals.append(tot + np.where(head, logits_time, 0.0))
    slow = np.argmax(np.vstack(totals), axis=0)
    x = np.choose(slow, (L1, Lm, Ln))
    head = np.choose(slow, (p == 1, np.zeros_like(p, dtype=bool), p > 1))
    moe_x = _moe_layers(m, x)
    dense_x = x - moe_x
    return {
        "compute": dense_x * (fwd_d + bwd_d) + moe_x * (fwd_m + bwd_m) + np.where(head, logits_time, 0.0),
        "recompute": dense_x * rec_d + moe_x * rec_m,
        "tp_comm": x * tp_c,
        "cp_comm": x * cp_c,
        "ep_comm": moe_x * ep_c,
    }


def _layer_comm(
    m: ModelCosts, acc: Accelerator, eff: Efficiency, train: Training, sh: _Shape, attn_fwd, attn_bwd
):
    """TP/SP, CP and EP communication of one layer and one micro-batch (exposed part)."""
    T, t, c, e, ri = sh.T, sh.t, sh.c, sh.e, sh.ri
    bw = acc.memory_bw_tbps * 1e12
    tp_bw, tp_lat = comm.tier(t, 1.0, acc, eff)
    act_bytes = 2.0 * T * m.h  # bf16 activations entering/leaving a TP region (full sequence)
    # SP: 2 all-gathers + 2 reduce-scatters forward, the same backward (+ the recomputed forward);
    # without SP: 2 all-reduces forward and 2 backward, the same volume
    if train.sequence_parallel:
        tp_c = (8 + np.where(ri == 2, 4, 0)) * comm.collective(act_bytes, t, tp_bw, tp_lat, "all_gather")
    else:
        tp_c = (4 + np.where(ri == 2, 2, 0)) * comm.collective(act_bytes, t, tp_bw, tp_lat, "all_reduce")
    if train.tp_comm_overlap:
        tp_c = tp_c * (1.0 - eff.tp_overlap) + eff.overlap_contention * tp_c * eff.tp_overlap
    cp_bw, cp_lat = comm.tier(c, t, acc, eff)
    kv_bytes = 2.0 * 2.0 * T * m.kdim / t  # K and V of the local chunk, bf16
    cp_fwd = np.where(c > 1, (c - 1) * (kv_bytes / cp_bw + cp_lat), 0.0)
    cp_c = np.maximum(cp_fwd - attn_fwd, 0.0) + np.maximum(
        2 * cp_fwd - attn_bwd, 0.0
    )  # ring overlaps attention
    # each ring step is its own attention kernel whose partial output is merged (fp32 output and stats)
    cp_c = cp_c + np.where(
        c > 1,
        (c - 1) * (3 * (3.0 * 4.0 * T * m.odim / t) / (bw * eff.hbm) + 3 * eff.kernel_overhead_us * 1e-6),
        0.0,
    )
    if m.n_moe:
        ep_bw, ep_lat = comm.tier(e, t * c, acc, eff)
        ep_c = (4 + np.where(ri == 2, 2, 0)) * comm.collective(
            2.0 * T * m.k * m.h / t, e, ep_bw, ep_lat, "all_to_all"
        )
    else:
        ep_c = np.zeros_like(t)
    return tp_c, cp_c, ep_c


def _step(
    m: ModelCosts, acc: Accelerator, sh: _Shape, eff: Efficiency, train: Training, per_mb: dict, p_stage
):
    """Data-parallel sharding traffic, the pipeline schedule, gradient sync and the optimizer step."""
    t, p, d, c, v, zi, D, mbc, T = sh.t, sh.p, sh.d, sh.c, sh.v, sh.zi, sh.D, sh.mb_count, sh.T
    W, G, Opt = train.weight_bytes, train.grad_bytes, train.optimizer_bytes
    bw = acc.memory_bw_tbps * 1e12
    mb_compute = per_mb["compute"] + per_mb["recompute"]
    dp_bw, dp_lat = comm.tier(D, t, acc, eff)
    overlap = eff.dp_overlap if train.dp_overlap else 0.0
    # ZeRO-3 / FSDP: parameters gathered for forward and for backward, gradients reduce-scattered, every
    # micro-batch; overlapped with compute as far as it goes. A recomputed layer runs its forward again inside
    # its backward, on the parameters the backward gathered (PyTorch FSDP: the pre-backward hook of the wrapped
    # block gathers once; activation checkpointing is applied inside each wrapped block, as torchtitan and
    # Megatron-FSDP do), so recomputation adds no gather
    gathers = 2.0
    z3 = np.where(
        zi == 3,
        gathers * comm.collective(train.gathered_bytes * p_stage, D, dp_bw, dp_lat, "all_gather")
        + comm.collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "reduce_scatter"),
        0.0,
    )
    z3_hidden = np.minimum(z3, overlap * mb_compute)
    z3_exposed = z3 - z3_hidden + eff.overlap_contention * z3_hidden
    layer_comm = per_mb["tp_comm"] + per_mb["cp_comm"] + per_mb["ep_comm"]
    t_mb = mb_compute + layer_comm + z3_exposed
    pp_bw, pp_lat = comm.tier(p, t * c * d, acc, eff)
    p2p = np.where(p > 1, 2.0 * v * (2.0 * T * m.h / t / pp_bw + pp_lat), 0.0)
    t_pipe, bubble = schedule.pipeline_time(mbc, p, v, t_mb + p2p)
    # gradient sync once per step (ZeRO-0/1/2), overlapped with the last backward unless after the flush
    grad_sync = np.where(
        zi == 0,
        comm.collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "all_reduce"),
        comm.collective(train.grad_reduce_bytes * p_stage, D, dp_bw, dp_lat, "reduce_scatter")
        + comm.collective(train.gathered_bytes * p_stage, D, dp_bw, dp_lat, "all_gather"),
    )
    grad_sync = np.where(zi == 3, 0.0, grad_sync)
    can_hide = overlap * np.where((p > 1) & train.grad_sync_after_flush, 0.0, 1.0)
    dp_hidden = np.minimum(grad_sync, can_hide * t_mb)
    dp_exposed = grad_sync - dp_hidden + eff.overlap_contention * dp_hidden
    # optimizer step: memory-bound; reads gradients and optimizer state, writes the state and the weights
    shard = np.where(zi >= 1, D, 1.0)
    opt = (p_stage / shard) * (G + 2 * Opt + W) / (bw * eff.hbm)
    step = t_pipe + dp_exposed + opt
    tps = sh.B * sh.s / step
    time = {
        "step": step,
        "compute": mbc * per_mb["compute"],
        "recompute": mbc * per_mb["recompute"],
        "tp_comm": mbc * per_mb["tp_comm"],
        "cp_comm": mbc * per_mb["cp_comm"],
        "ep_comm": mbc * per_mb["ep_comm"],
        "pp_comm": mbc * p2p,
        "bubble": bubble,
        "dp_comm": dp_exposed + mbc * z3_exposed,
        "optimizer": opt,
    }
    return time, tps
