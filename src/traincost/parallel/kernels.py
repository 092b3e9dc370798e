"""Sub-models of the performance model, each anchored on a public micro-benchmark
(``data/kernels.yaml``), not fitted on end-to-end training throughput.

* GEMM: a GEMM of F FLOP takes ``F / (peak * gemm[dtype]) + ramp`` (or its HBM traffic at the achievable
  bandwidth, whichever is slower). ``gemm`` is the maximum achievable matmul FLOPS fraction (MAMF / theory,
  stas00/ml-engineering); ``ramp`` is fitted to a cuBLASLt GEMM-vs-shape table (Azure AI benchmarking guide).
* Collectives: NCCL bus bandwidth as a fraction of the link (NVLink domain) or NIC (scale-out) bandwidth, and a
  latency per ring/tree step, from nccl-tests figures.
* Attention: FlashAttention-2/3 and cuDNN forward+backward TFLOP/s vs head dim, sequence length and causal
  masking, from the FlashAttention papers' benchmark charts, interpolated in log2(seq) and head dim.
* Memory-bound work: the achievable fraction of HBM bandwidth.

A hardware file can override any constant of an accelerator under ``kernels:`` (the ``traincost probe``
interface): ``gemm: {bf16: 0.8}``, ``gemm_ramp_us``, ``hbm``, ``scale_up``, ``scale_out``,
``latency_up_us``, ``latency_out_us``, ``overlap_contention``, and ``attention: {kernel: {head_dim:
{causal|full: [[seq, TFLOP/s], ...]}}}`` with ``ref_gpu: {bf16_tflops: ...}`` (default: the accelerator's
own BF16 peak).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# the scalar keys a hardware file may override (validated with the hardware file)
from traincost.hardware.accelerator import KERNEL_SCALARS as SCALARS

ATTENTION_FALLBACK = ("cudnn", "fa3", "fa2")  # a kernel the generation lacks falls back to the first it has


@dataclass(frozen=True)
class Kernels:
    """Measured sub-model constants of one accelerator (see ``data/kernels.yaml`` for each source)."""

    gemm: dict[str, float]  # dtype -> achievable fraction of the dense peak
    gemm_ramp_us: float
    hbm: float
    scale_up: float
    scale_out: float
    latency_up_us: float
    latency_out_us: float
    overlap_contention: float
    ref_tflops: float  # BF16 peak of the GPU the attention table was measured on
    attention: dict = field(default_factory=dict)  # kernel -> head_dim -> causal|full -> [[seq, TFLOP/s]]
    generation: str = ""
    borrowed: bool = False
    sources: dict = field(default_factory=dict)

    def gemm_fraction(self, dtype: str) -> float:
        return float(self.gemm.get(dtype) or self.gemm.get("bf16") or next(iter(self.gemm.values())))


def kernels_from_table(table: dict, generation: str, overrides: dict | None = None) -> Kernels:
    """The generation's sub-models (or the borrowed generation's), with an accelerator's overrides on top."""
    gens = table["generations"]
    borrowed = generation not in gens
    row = dict(gens[table["borrow"] if borrowed else generation])
    ov = dict(overrides or {})
    if "gemm" in ov:
        row["gemm"] = {**row["gemm"], **ov.pop("gemm")}
    if "ref_gpu" in ov:
        row["ref_gpu"] = {**row["ref_gpu"], **ov.pop("ref_gpu")}
    row.update(ov)
    return Kernels(
        gemm={k: float(v) for k, v in row["gemm"].items()},
        **{k: float(row[k]) for k in SCALARS},
        ref_tflops=float(row["ref_gpu"]["bf16_tflops"]),
        attention=row.get("attention") or {},
        generation=generation,
        borrowed=borrowed,
        sources=row.get("sources") or {},
    )


def _interp_seq(points: list, seq: float) -> float:
    """Linear interpolation in log2(seq) between the measured points, clamped at both ends."""
    pts = sorted((float(s), float(v)) for s, v in points)
    x = math.log2(max(seq, 1.0))
    xs = [math.log2(s) for s, _ in pts]
    if x <= xs[0]:
        return pts[0][1]
    if x >= xs[-1]:
        return pts[-1][1]
    for (x0, (_, y0)), (x1, (_, y1)) in zip(
        zip(xs, pts, strict=True), zip(xs[1:], pts[1:], strict=True), strict=True
    ):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return pts[-1][1]


def attention_tflops(k: Kernels, kernel: str, head_dim: int, seq: float, causal: bool) -> float:
    """Measured forward+backward TFLOP/s of an attention kernel at this head dim, sequence length and mask
    (FlashAttention papers' charts), linearly interpolated between the tabulated head dims."""
    tables = k.attention
    if kernel not in tables:
        kernel = next((x for x in ATTENTION_FALLBACK if x in tables), None)
        if kernel is None:
            raise KeyError("no attention table")
    by_dim = {int(d): v for d, v in tables[kernel].items()}
    dims = sorted(by_dim)
    mask = "causal" if causal else "full"

    def at(d: int) -> float:
        return _interp_seq(by_dim[d][mask], seq)

    if head_dim <= dims[0]:
        return at(dims[0])
    if head_dim >= dims[-1]:
        return at(dims[-1])
    lo = max(d for d in dims if d <= head_dim)
    hi = min(d for d in dims if d >= head_dim)
    if lo == hi:
        return at(lo)
    w = (head_dim - lo) / (hi - lo)
    return at(lo) * (1 - w) + at(hi) * w


def attention_efficiency(k: Kernels, kernel: str, head_dim: int, seq: float, causal: bool) -> float:
    """Fraction of the BF16 peak the attention kernel reaches (forward and backward alike)."""
    return attention_tflops(k, kernel, head_dim, seq, causal) / k.ref_tflops
