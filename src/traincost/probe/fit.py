"""Turn timings into the numbers the performance model uses. Pure functions, no torch.

Conventions:
* timings are summarised by their median and the 10th/90th percentiles (spread);
* collectives use the nccl-tests bus-bandwidth convention (NVIDIA/nccl-tests, doc/PERFORMANCE.md):
  busbw = algbw x 2(n-1)/n for all-reduce, x (n-1)/n for all-gather, reduce-scatter and all-to-all,
  x 1 for send/recv, where algbw = bytes / time and `bytes` is the full buffer (all-gather: the output,
  reduce-scatter: the input);
* GEMM throughput follows the performance model's size-dependent efficiency
  rate(F) = R x F / (F + knee), F the FLOPs of one GEMM, so 1/rate = 1/R + (knee/R) x 1/F is a straight
  line in 1/F: a least-squares line gives R (the large-GEMM rate) and the knee (FLOPs at half of R).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from traincost.errors import InputError
from traincost.units import PERCENTILES
from traincost.units import parse_duration as parse_duration_in

# algorithm setting: a fitted plateau more than 1.5x the best rate measured is an extrapolation, not a knee
MAX_PLATEAU_OVER_BEST = 1.5
COLLECTIVES = ("all_reduce", "all_gather", "reduce_scatter", "all_to_all", "send_recv")


def parse_duration(text: str, field: str = "budget") -> float:
    """'30s', '1m', '5m', '1h', '90' (seconds) -> seconds."""
    try:
        return parse_duration_in(text, {"": 1, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600})
    except ValueError:
        raise InputError(field, f"must be a duration such as 30s, 1m or 5m (got {text!r})") from None


def spread(samples: Sequence[float]) -> dict[str, float]:
    """Median and 10th/90th percentiles of repeated timings (seconds), and how many there were."""
    a = np.asarray(samples, dtype=np.float64)
    if a.size == 0:
        raise ValueError("no timings")
    p10, med, p90 = np.percentile(a, PERCENTILES)
    return {"median_s": float(med), "p10_s": float(p10), "p90_s": float(p90), "runs": int(a.size)}


def bus_factor(op: str, n: int) -> float:
    """busbw / algbw for a collective over n ranks (nccl-tests doc/PERFORMANCE.md)."""
    if op not in COLLECTIVES:
        raise ValueError(op)
    if op == "send_recv":
        return 1.0
    if n < 2:
        return 0.0
    return (2.0 if op == "all_reduce" else 1.0) * (n - 1) / n


def bus_bandwidth(op: str, size_bytes: float, n: int, seconds: float) -> float:
    """Bus bandwidth in bytes/s of one collective of `size_bytes` over n ranks that took `seconds`."""
    return size_bytes / seconds * bus_factor(op, n)


def fit_latency_bandwidth(bus_bytes: Sequence[float], seconds: Sequence[float]) -> tuple[float, float]:
    """Fit t = alpha + bytes / B (the alpha-beta model) by least squares on relative error, so that small
    messages fix the latency alpha and large ones the bandwidth B. Returns (alpha seconds, B bytes/s)."""
    x = np.asarray(bus_bytes, dtype=np.float64)
    t = np.asarray(seconds, dtype=np.float64)
    if x.size < 2 or np.ptp(x) == 0:
        return 0.0, float(np.max(x / t))
    A = np.stack([np.ones_like(x), x], axis=1) / t[:, None]
    (alpha, inv_b), *_ = np.linalg.lstsq(A, np.ones_like(t), rcond=None)
    if inv_b <= 0:  # no bandwidth term resolved: the best rate seen
        return max(float(np.min(t)), 0.0), float(np.max(x / t))
    return max(float(alpha), 0.0), float(1.0 / inv_b)


def fit_gemm(flops: Sequence[float], seconds: Sequence[float]) -> tuple[float, float]:
    """Fit rate(F) = R F / (F + knee) to GEMM timings. Returns (R FLOP/s, knee FLOPs)."""
    f = np.asarray(flops, dtype=np.float64)
    t = np.asarray(seconds, dtype=np.float64)
    inv_rate = t / f
    if f.size < 2 or np.ptp(f) == 0:
        return float(np.max(f / t)), 0.0
    A = np.stack([np.ones_like(f), 1.0 / f], axis=1)
    w = 1.0 / inv_rate  # relative error: each point counts alike
    (a, b), *_ = np.linalg.lstsq(A * w[:, None], inv_rate * w, rcond=None)
    best = float(np.max(f / t))
    if (
        a <= 0 or b < 0 or 1.0 / a > MAX_PLATEAU_OVER_BEST * best
    ):  # no plateau in the sizes measured: the best rate seen, no knee
        return best, 0.0
    return float(1.0 / a), float(b / a)


def attention_flops(
    batch: int, heads: int, seq_len: int, head_dim: int, v_head_dim: int | None = None
) -> float:
    """Forward FLOPs of causal attention as the performance model counts them: scores (q.k) and context
    (p.v), 2 FLOPs per multiply-add, each query attending (s+1)/2 keys on average."""
    v = head_dim if v_head_dim is None else v_head_dim
    return 2.0 * heads * (head_dim + v) * (seq_len + 1) / 2 * seq_len * batch


# the performance model charges the backward 2x the forward FLOPs plus 0.5x for FlashAttention's
# recomputation of the scores (parallel/perf.py)
ATTENTION_BWD_FACTOR = 2.5


def tier_groups(world: int, local_world: int) -> tuple[list[list[int]], list[list[int]]]:
    """Rank groups for the two network tiers when `world` ranks run `local_world` per node (torchrun
    numbers ranks node by node): inside each node, and across nodes (the ranks with the same local
    rank, one per node, as data-parallel groups are laid out)."""
    if local_world < 1 or world % local_world:
        raise InputError("procs", f"{world} ranks do not split into nodes of {local_world}")
    nodes = world // local_world
    intra = [list(range(i * local_world, (i + 1) * local_world)) for i in range(nodes)]
    inter = [list(range(j, world, local_world)) for j in range(local_world)] if nodes > 1 else []
    return intra, inter


def log_sizes(lo: int, hi: int, step: int = 4, extra: Sequence[int] = ()) -> list[int]:
    """Message sizes from lo to hi bytes, x`step` apart, plus the sizes a layout actually moves."""
    out, s = set(), lo
    while s <= hi:
        out.add(int(s))
        s *= step
    out.update(int(x) for x in extra if lo <= x <= hi)
    return sorted(out)


def spread_order(items: list, key) -> list:
    """Items reordered so that any prefix covers the range of `key` (smallest, largest, middle, ...):
    when the budget cuts the list short, the measured points still span the sizes."""
    s = sorted(items, key=key)
    out, seen = [], set()
    n = len(s)
    for depth in range(int(math.log2(max(n, 1))) + 2):
        k = 2**depth
        for i in range(k + 1):
            j = min(n - 1, round(i * (n - 1) / k)) if n else 0
            if n and j not in seen:
                seen.add(j)
                out.append(s[j])
    out += [x for i, x in enumerate(s) if i not in seen]
    return out


def fit_tier(ops: dict[str, list[dict]], ranks: int) -> dict:
    """Per collective of one tier: the alpha-beta fit on bus bytes (bytes x bus factor). The tier's bus
    bandwidth and latency are the medians over all-reduce, all-gather and reduce-scatter (the collectives
    tensor and data parallelism issue); the latency is also given per ring/tree step, log2(n) + 1 steps,
    as the performance model charges it."""
    per_op = {}
    for op, pts in ops.items():
        if not pts:
            continue
        n = 2 if op == "send_recv" else ranks
        x = [p["bytes"] * bus_factor(op, n) for p in pts]
        alpha, bw = fit_latency_bandwidth(x, [p["median_s"] for p in pts])
        per_op[op] = {"latency_us": alpha * 1e6, "bus_gbs": bw / 1e9, "points": len(pts)}
    main = [per_op[o] for o in ("all_reduce", "all_gather", "reduce_scatter") if o in per_op]
    if not main:
        return {"ops": per_op}
    lat = float(np.median([o["latency_us"] for o in main]))
    return {
        "bus_gbs": float(np.median([o["bus_gbs"] for o in main])),
        "latency_us": lat,
        "latency_step_us": lat / (math.log2(max(ranks, 2)) + 1),
        "ops": per_op,
    }
