"""Compute time of one transformer layer for one micro-batch on one accelerator.

* Every GEMM is a roofline: ``F / (peak * gemm * realisation) + ramp`` (the measured GEMM sub-model of
  ``parallel/kernels.py`` scaled by the fitted in-training realisation), or its HBM traffic at the achievable
  bandwidth, whichever is slower; and never shorter than the fitted host time per kernel (launch and eager
  dispatch run ahead of the GPU asynchronously, so they only show when kernels are shorter than they are).
* Attention runs at the measured FlashAttention/cuDNN efficiency for the model's head dim, sequence length and
  mask (scores q·k and context p·v: 2·(qdim + odim)·keys FLOPs per token forward; backward 2x, plus the
  forward recomputed inside FlashAttention's backward, 2.5x in all: Dao 2023).
* Element-wise work (norms, activations, rotary, residuals) is memory-bound at the achievable HBM bandwidth.
"""

from __future__ import annotations

import numpy as np

# bytes per token of one layer's memory-bound forward work (bf16, 2 B per value): 10 passes over the hidden
# state (norms and residual adds: reads + writes) per hidden element, 2 passes (rotary: read + write) over the
# q and k projections, and over the FFN hidden state 3 passes when gated (gate, up, product) else 2
ELEMENTWISE_BYTES_PER_HIDDEN = 20.0
GATED_FFN_BYTES = 6.0  # 3 bf16 passes over the FFN hidden state: gate, up, product
PLAIN_FFN_BYTES = 4.0  # 2 bf16 passes: activation read and write
# kernels launched per layer for that elementwise work (the floor of its time: launch overheads)
ELEMENTWISE_KERNELS = 8
# bytes per vocabulary entry per token of the fp32 cross-entropy: derivation in loss_time's docstring
LOSS_BYTES_PER_VOCAB_ENTRY = 30.0


def gemm_time(M, K, N, count, peak, bw, eff):
    """Seconds for ``count`` GEMMs of (M x K)·(K x N) in 16-bit storage. With a low-precision recipe (FP8,
    MXFP8, NVFP4: parallel/precision.py) the activation operands are quantized first: the input and, in
    backward, the output gradient, ``eff.quant_bytes`` bytes moved per element, memory-bound (Transformer
    Engine quantization kernels; weights are quantized once per step and left out). One third of it is charged
    to each of the forward and the two backward GEMMs."""
    flops = 2.0 * M * K * N
    compute = flops / (peak * eff.gemm * eff.compute_realisation) + eff.gemm_ramp_us * 1e-6
    memory = 2.0 * (M * K + K * N + M * N) / (bw * eff.hbm)
    t = np.maximum(np.maximum(compute, memory), eff.kernel_overhead_us * 1e-6)
    if eff.quant_bytes:
        t = t + eff.quant_bytes * (M * K + M * N) / 3.0 / (bw * eff.hbm)
    return count * t


def layer_gemms(m, T, t, e, peak, bw, eff):
    """Forward GEMM time of the attention projections, the dense MLP and the MoE block (T tokens)."""
    h = m.h
    g = lambda M, K, N, n=1: gemm_time(M, K, N, n, peak, bw, eff)  # noqa: E731
    if m.mla:
        qr, kvr, rope = m.mla
        q = (g(T, h, qr) + g(T, qr, m.qdim / t)) if qr else g(T, h, m.qdim / t)
        proj = q + g(T, h, kvr + rope) + g(T, kvr, (m.qdim - m.H * rope + m.odim) / t) + g(T, m.odim / t, h)
    else:
        proj = g(T, h, (m.qdim + m.kdim + m.vdim) / t) + g(T, m.odim / t, h)
    up = 2 if m.gated else 1
    mlp = g(T, h, up * m.ffn / t) + g(T, m.ffn / t, h)
    if not m.n_moe:
        return proj, mlp, 0.0
    n_local = m.E / np.maximum(e, 1)
    Me = T * m.k * np.maximum(e, 1) / m.E  # tokens per local expert (balanced routing)
    moe = g(T, h, m.E) + g(Me, h, up * m.fe / t, n_local) + g(Me, m.fe / t, h, n_local)
    if m.fs:
        moe = moe + g(T, h, up * m.fs / t) + g(T, m.fs / t, h)
    return proj, mlp, moe


def attention_time(m, T, t, keys_per_query, attn_peak, eff, flash: bool):
    """Forward and backward seconds of the attention kernels (scores and context) for T tokens."""
    flops = 2.0 * (m.qdim + m.odim) * keys_per_query * T / t
    fwd = flops / (attn_peak * eff.attention_fwd * eff.compute_realisation)
    bwd = (2.0 + (0.5 if flash else 0.0)) * flops / (attn_peak * eff.attention_bwd * eff.compute_realisation)
    return fwd, bwd


def elementwise_time(m, T, t, rep_div, bw, eff):
    """Memory-bound forward work of one layer: norms, residuals, activation function, rotary (bytes read and
    written, bf16), plus launch overheads of the ~8 kernels."""
    h = m.h
    per_ffn = GATED_FFN_BYTES if m.gated else PLAIN_FFN_BYTES
    nbytes = (
        (ELEMENTWISE_BYTES_PER_HIDDEN * h * t / rep_div + 4.0 * (m.qdim + m.kdim) + per_ffn * m.ffn) * T / t
    )
    return np.maximum(nbytes / (bw * eff.hbm), ELEMENTWISE_KERNELS * eff.kernel_overhead_us * 1e-6)


def loss_time(m, T, t, bw, eff):
    """Memory-bound cross-entropy on fp32 logits (V/t per token on each TP rank): the bf16 GEMM output read
    and upcast (2 + 4 bytes), log-softmax read and write (4 + 4), backward read and gradient write (4 + 4), the
    gradient cast to bf16 (4 + 2), plus the bf16 logits written by the GEMM (2): 30 bytes per vocabulary entry
    per token, counted from the passes PyTorch's cross_entropy makes over fp32 logits."""
    return LOSS_BYTES_PER_VOCAB_ENTRY * m.V / t * T / (bw * eff.hbm)
