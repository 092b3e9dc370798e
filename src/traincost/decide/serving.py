"""Serving cost: what running a trained model costs per month, so a model's size is priced over its life.

Per replica (the fewest accelerators whose memory holds the weights and the KV cache of a full batch):

* prefill (prompt tokens) is compute-bound: 2 x active parameters FLOPs per token at a stated share of
  peak (Kaplan et al. 2020: forward ≈ 2N FLOPs per token);
* decode (generated tokens) is memory-bandwidth-bound at small batch: each step reads the weights once
  and every sequence's KV cache; a step produces one token per sequence of the batch (Pope et al. 2022,
  "Efficiently Scaling Transformer Inference", memory-bound decode). The step time is the larger of that
  memory time and the compute time 2·N·batch / (peak x efficiency).

Accelerator-hours = (prefill time + decode time) for the month's tokens, divided by the utilization the
service keeps (traffic is not flat).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from traincost import catalog
from traincost.hardware.accelerator import Accelerator
from traincost.model.arch import ArchSpec

# every default is an assumption with its reasoning in data/defaults.yaml (serving)
_DFLT = {k: v["value"] for k, v in catalog.defaults()["serving"].items()}


@dataclass(frozen=True)
class ServingAssumptions:
    batch: int = int(_DFLT["batch"])  # concurrent sequences per replica
    context: int = int(
        _DFLT["context"]
    )  # tokens of context per sequence (prompt + generated), KV cache sized for it
    input_per_output: float = float(_DFLT["input_per_output"])  # prompt tokens per generated token
    weight_bytes: float = float(_DFLT["weight_bytes"])  # bf16 weights (1.0 for FP8 serving)
    kv_bytes: float = float(_DFLT["kv_bytes"])  # bf16 KV cache
    prefill_efficiency: float = float(_DFLT["prefill_efficiency"])  # share of dense peak in prefill
    hbm_efficiency: float = float(_DFLT["hbm_efficiency"])  # share of HBM bandwidth in decode
    utilization: float = float(_DFLT["utilization"])  # average load over the month
    memory_headroom: float = float(_DFLT["memory_headroom"])  # share of HBM usable for weights + KV cache


def kv_bytes_per_token(a: ArchSpec, bytes_per_value: float = 2.0) -> float:
    """KV cache per token: keys and values of every layer (GQA: KV heads only; MLA caches the compressed
    latent and the rotary key)."""
    at = a.attention
    if at.kind == "mla":
        per_layer = at.kv_lora_rank + at.qk_rope_head_dim
    else:
        per_layer = at.num_kv_heads * (at.head_dim + at.v_head_dim)
    return a.num_layers * per_layer * bytes_per_value


@dataclass(frozen=True)
class Serving:
    tokens_per_month: float  # generated tokens
    months: float
    gpus_per_replica: int
    decode_tokens_per_s_per_gpu: float
    prefill_tokens_per_s_per_gpu: float
    gpu_hours: float
    price_per_gpu_hour: float
    cost_usd: float
    accelerator: str
    assumptions: ServingAssumptions

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "assumptions"}
        d["assumptions"] = vars(self.assumptions)
        return d


def serving_cost(
    a: ArchSpec,
    acc: Accelerator,
    tokens_per_month: float,
    months: float,
    price_per_gpu_hour: float,
    s: ServingAssumptions = ServingAssumptions(),
) -> Serving:
    weights = a.params * s.weight_bytes
    kv = kv_bytes_per_token(a, s.kv_bytes) * s.context * s.batch
    usable = acc.memory_gb * 1e9 * s.memory_headroom
    g = max(1, math.ceil((weights + kv) / usable))
    g = 1 << (g - 1).bit_length()  # tensor-parallel groups come in powers of two
    peak = acc.peak_flops("bf16") * g
    bw = acc.memory_bw_tbps * 1e12 * g * s.hbm_efficiency
    flops_token = 2.0 * a.active_params
    # decode: one step reads the weights once and the batch's KV cache (half full on average)
    step_mem = (weights + kv / 2) / bw
    step_compute = flops_token * s.batch / (peak * s.prefill_efficiency)
    decode_tps = s.batch / max(step_mem, step_compute)
    prefill_tps = peak * s.prefill_efficiency / flops_token
    out_tokens = tokens_per_month * months
    busy_s = out_tokens / decode_tps + out_tokens * s.input_per_output / prefill_tps
    gpu_hours = busy_s / 3600.0 * g / s.utilization
    return Serving(
        tokens_per_month=tokens_per_month,
        months=months,
        gpus_per_replica=g,
        decode_tokens_per_s_per_gpu=decode_tps / g,
        prefill_tokens_per_s_per_gpu=prefill_tps / g,
        gpu_hours=gpu_hours,
        price_per_gpu_hour=price_per_gpu_hour,
        cost_usd=gpu_hours * price_per_gpu_hour,
        accelerator=acc.id,
        assumptions=s,
    )
