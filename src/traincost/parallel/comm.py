"""Collective communication time on the network tier a group crosses.

NCCL bus-bandwidth convention (nccl-tests PERFORMANCE.md): all-gather / reduce-scatter move (n-1)/n of the
buffer per rank, all-reduce 2(n-1)/n, all-to-all (n-1)/n; plus a latency per ring/tree step (log2(n) + 1
steps). Bandwidths are the link (NVLink domain) or NIC (scale-out) rates times the measured bus-bandwidth
fractions of ``data/kernels.yaml``; ranks are numbered TP fastest, then CP, then DP/EP, then PP, as
Megatron-LM orders them.
"""

from __future__ import annotations

import numpy as np

from traincost import catalog
from traincost.hardware.accelerator import Accelerator

# link bandwidths (GB/s per direction) for an accelerator that gives none: data/kernels.yaml link_fallbacks
_FALLBACK = catalog.kernels_table()["link_fallbacks"]


def collective(size_bytes, n, bw, latency_s, kind: str):
    """Seconds for one collective of ``size_bytes`` (per rank) over ``n`` ranks at bus bandwidth ``bw``."""
    n = np.asarray(n, dtype=np.float64)
    frac = np.where(n > 1, (n - 1) / np.maximum(n, 1), 0.0)
    factor = 2.0 if kind == "all_reduce" else 1.0
    steps = np.where(n > 1, np.log2(np.maximum(n, 2)) + 1, 0.0)
    return np.where(n > 1, factor * frac * size_bytes / bw + steps * latency_s, 0.0)


def tier(group, stride, acc: Accelerator, eff):
    """Bus bandwidth and per-step latency of a group of ``group`` ranks spaced ``stride`` apart. Inside one
    scale-up domain: the NVLink-class links; otherwise the NICs, where the members that share a node combine
    their NICs (hierarchical collectives). The scale-out fabric is one non-blocking fat tree (NVIDIA's
    reference architectures: "full non-blocking fat tree topology", rail-optimised, leaf/spine and a
    super-spine for large clusters); a cluster whose tier above ``acc.pod_size`` accelerators is oversubscribed
    r:1 runs a group that spans pods at 1/r of the NIC rate (the ring's slowest link)."""
    up_bw = (acc.scale_up_bw_gbs or _FALLBACK["scale_up_bw_gbs"]) * 1e9 * eff.scale_up
    out_bw = (acc.scale_out_bw_gbs or _FALLBACK["scale_out_bw_gbs"]) * 1e9 * eff.scale_out
    span = group * stride
    inside = span <= acc.scale_up_size
    per_node = np.clip(acc.node_size // np.maximum(stride, 1), 1, None)
    per_node = np.minimum(per_node, group)
    if acc.pod_size and acc.oversubscription > 1:
        out_bw = np.where(span > acc.pod_size, out_bw / acc.oversubscription, out_bw)
    bw = np.where(inside, up_bw, np.minimum(up_bw, out_bw * per_node))
    lat = np.where(inside, eff.latency_up_us, eff.latency_out_us) * 1e-6
    return bw, lat
