"""Memory per accelerator: one function gives the breakdown, and the total is its sum.

* Model states under ZeRO-0/1/2/3 (Rajbhandari et al. 2020): weights, gradients and optimizer state, each
  divided by the sharding group its stage shards (ZeRO-1: optimizer; 2: + gradients; 3/FSDP: + weights).
  Expert parameters shard over the expert-data-parallel group (DP x CP / EP), the rest over DP x CP (Megatron
  shards the distributed optimizer over DP x CP). Bytes per parameter come from the framework profile
  (``data/frameworks.yaml``): Megatron keeps bf16 weights + fp32 main gradients + fp32 master and moments
  (18 B); FSDP keeps the sharded fp32 parameter as the master (16 B) plus the gathered bf16 layers.
* Activations of each pipeline stage times its micro-batches in flight (``schedule.in_flight``).
* Fixed overhead (``data/kernels.yaml`` ``memory_overhead``): the CUDA context and one set of NCCL buffers per
  communicator in use, more for all-to-all (EP).

The breakdown reported is that of the stage with the highest total, so the parts always add up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from traincost import catalog

GIB = 1024**3
# CUDA context and NCCL buffers per accelerator, with their sources: data/kernels.yaml memory_overhead
_OVERHEAD = catalog.kernels_table()["memory_overhead"]


@dataclass(frozen=True)
class Overhead:
    """Memory outside the tensors the model allocates (sourced in data/kernels.yaml)."""

    cuda_context_gib: float = float(_OVERHEAD["cuda_context_gib"])
    nccl_per_communicator_gib: float = float(_OVERHEAD["nccl_per_communicator_gib"])
    nccl_all_to_all_gib: float = float(_OVERHEAD["nccl_all_to_all_gib"])


def shard_divisors(shard, zero) -> tuple:
    """What ZeRO stage ``zero`` divides by ``shard``: weights (3), gradients (2+), optimizer state (1+)."""
    one = np.ones_like(shard)
    return (np.where(zero >= 3, shard, one), np.where(zero >= 2, shard, one), np.where(zero >= 1, shard, one))


def states(params, divs: tuple, W: float, G: float, Opt: float) -> dict[str, np.ndarray]:
    """Weights, gradients and optimizer bytes of ``params`` parameters with the sharding divisors of
    ``shard_divisors`` (Rajbhandari et al. 2020, Fig. 1)."""
    return {
        "weights": W * params / divs[0],
        "gradients": G * params / divs[1],
        "optimizer": Opt * params / divs[2],
    }


def fixed_overhead(ov: Overhead, t, p, d, c, e) -> np.ndarray:
    """CUDA context plus NCCL buffers: one set per communicator that has more than one rank (nccl#864:
    ~1.6 GB with one communicator, growing with each; nccl#1685: all-to-all adds ~3.3 GB on 8 H100)."""
    comms = sum((np.asarray(x) > 1).astype(np.float64) for x in (t, p, d * c, c))
    a2a = np.where(np.asarray(e) > 1, ov.nccl_all_to_all_gib, 0.0)
    return (ov.cuda_context_gib + ov.nccl_per_communicator_gib * comms + a2a) * GIB


def peak_memory(stages: list[dict], overhead: np.ndarray, fragmentation: float) -> dict[str, np.ndarray]:
    """``stages``: per candidate stage a dict of weights, gradients, optimizer, gathered (ZeRO-3 buffers) and
    activations (bytes, arrays). Returns the breakdown of the stage with the highest total; 'total' is the
    sum of the other entries."""
    totals = []
    for st in stages:
        live = st["weights"] + st["gradients"] + st["optimizer"] + st["gathered"] + st["activations"]
        totals.append(live * (1.0 + fragmentation) + overhead)
    idx = np.argmax(np.vstack(totals), axis=0)
    pick = lambda key: np.choose(idx, [st[key] for st in stages])  # noqa: E731
    out = {k: pick(k) for k in ("weights", "gradients", "optimizer", "activations")}
    out["weights"] = out["weights"] + pick("gathered")
    live = out["weights"] + out["gradients"] + out["optimizer"] + out["activations"]
    out["overhead"] = overhead + live * fragmentation
    out["total"] = live + out["overhead"]
    return out
