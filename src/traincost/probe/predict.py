"""What the performance model predicts for the probe's end-to-end check: the forward + backward compute
time of one transformer block at a TP size, micro-batch and sequence length on one accelerator
(communication excluded, as the probe runs the block on one device). No torch."""

from __future__ import annotations

import dataclasses

from traincost.model.arch import ArchSpec


def block_seconds(arch: ArchSpec, acc, eff, tp: int, micro_batch: int, seq_len: int, dtype: str) -> float:
    """The model's compute time of one dense layer, forward + backward, no recomputation: the step's
    compute time with two layers minus that with one (which cancels the output layer and optimizer)."""
    from traincost.parallel.perf import Layouts, ModelCosts, Workload, evaluate

    m = ModelCosts.from_arch(arch)
    lay = Layouts.single(
        tp=tp, pp=1, dp=1, cp=1, ep=1, zero=0, micro_batch=micro_batch, recompute=0, interleave=1
    )
    kq = arch.keys_per_query(seq_len, causal=True)

    def compute(layers: int) -> float:
        mc = dataclasses.replace(m, L=layers, n_moe=0)
        ev = evaluate(mc, acc, lay, Workload(seq_len, micro_batch, 1.0, 1.0, kq, dtype), eff)
        return float(ev.time["compute"][0])

    return compute(2) - compute(1)
