"""What every use case shares: documented defaults, the planning problem, the cloud price."""

from __future__ import annotations

import math
from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.money import market, prices
from traincost.parallel import frameworks
from traincost.parallel import precision as precision_recipes
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.plan import Problem
from traincost.usecases.results import Assumption

LAYOUT_FIELDS = ("tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute", "interleave")


def scenario_default(field: str) -> tuple[Any, str]:
    """A scenario field's documented default (data/defaults.yaml) and its source."""
    d = catalog.defaults()["scenario"][field]
    return d["value"], d.get("source") or d.get("why", "")


def picker(req, assumptions: list[Assumption]):
    """A field's value from the request, or its documented default (recorded as an assumption)."""

    def pick(field: str) -> Any:
        v = getattr(req, field)
        if v is None:
            v, src = scenario_default(field)
            assumptions.append(Assumption(field=field, value=v, source=src))
        return v

    return pick


def global_batch(req, n_gpus: int, seq_len: int, assumptions: list[Assumption]) -> int:
    """Sequences per optimizer step: the user's, or the catalog's tokens-per-GPU rule rounded to a power of two."""
    if req.global_batch is not None:
        return req.global_batch
    if req.global_batch_tokens is not None:
        b = int(round(req.global_batch_tokens / seq_len))
        if b < 1:
            raise InputError("global_batch_tokens", f"must be at least one sequence ({seq_len} tokens)")
        return b
    d = catalog.defaults()["global_batch"]
    tokens = max(float(d["min_tokens"]), float(d["tokens_per_gpu"]) * n_gpus)
    b = 1 << max(0, round(math.log2(tokens / seq_len)))
    if b % n_gpus and n_gpus % b:  # e.g. 440 GPUs: a multiple of the GPU count, so every layout can split it
        b = math.ceil(b / n_gpus) * n_gpus
    assumptions.append(
        Assumption(field="global_batch", value=b, source=f"{b * seq_len / 1e6:.1f}M tokens; {d['source']}")
    )
    return b


def _resolve_arch(req, pick, arch, seq_len: int):
    hub = bool(getattr(req, "hf_hub", False))
    arch, entry = (arch, None) if arch is not None else catalog.resolve_model(pick("model"), hub=hub)
    if arch.max_position_embeddings and seq_len > arch.max_position_embeddings:
        raise InputError(
            "seq_len",
            f"{seq_len} is longer than {arch.name}'s maximum context of {arch.max_position_embeddings} tokens",
        )
    return arch, entry


def build_problem(req, assumptions: list[Assumption], pick, plan: bool = True, arch=None):
    """Resolve model, accelerator, cluster, batch and training settings into a planning Problem."""
    gpu_ref, n = pick("gpu"), int(pick("gpus"))
    seq_len, precision = int(pick("seq_len")), pick("precision")
    optimizer = req.optimizer or catalog.defaults()["optimizer"]["value"]
    arch, entry = _resolve_arch(req, pick, arch, seq_len)
    extra = catalog.load_hardware_file(req.hardware_file) if req.hardware_file else None
    acc = catalog.resolve_accelerator(gpu_ref, extra)
    dtype, recipe = precision_recipes.gemm_format(precision, acc)  # refuses a format the part lacks
    acc.peak_flops(dtype)  # raises if the part has no such precision
    gb = global_batch(req, n, seq_len, assumptions) if plan else 0  # the batch matters only to the planner
    train = frameworks.training(getattr(req, "framework", None), optimizer)
    if getattr(req, "framework", None) is None:
        assumptions.append(
            Assumption(
                field="framework",
                value=train.framework,
                source=frameworks.resolve(None)[1]["name"] + " (data/frameworks.yaml default)",
            )
        )
    prob = Problem(arch, acc, n, seq_len, gb, efficiency_for(acc), train, dtype, recipe)
    if acc.pod_size and acc.oversubscription > 1:  # the cluster's network above a pod (hardware file)
        assumptions.append(
            Assumption(
                field="fabric",
                value=f"{acc.pod_size:,}-GPU non-blocking pods, {acc.oversubscription:g}:1 above",
                source=f"{acc.id} in the hardware file (parallel/comm.py tier)",
            )
        )
    if acc.measured:  # say which numbers came from `traincost probe`
        assumptions.append(Assumption(field="efficiency", value="measured", source=prob.eff.source))
    return prob, entry, optimizer


def cloud_price(
    sc, acc, assumptions: list[Assumption], notes: list[str] | None = None, days: float | None = None
):
    """USD per accelerator-hour: the user's --price; without provider and tier, the effective market price
    (money/market.py) with its band; else the offer a buyer would take (money/prices.py)."""
    if sc.price is not None:
        return sc.price, "user (--price)", None, sc.provider, sc.pricing or "user", None
    if sc.provider is None and sc.pricing in (None, "market"):
        m = market.effective(acc, days)
        if m is None:
            raise InputError(
                "price", f"no price for {acc.id} or any comparable accelerator in the catalog; pass --price"
            )
        assumptions.append(Assumption(field="price", value=round(m.value, 4), source=m.source))
        if m.estimated_from and notes is not None:
            notes.append(f"Price is an ESTIMATE: {m.source}.")
        return m.value, m.source, None, None, "market", (m.low, m.high)
    if sc.pricing == "market":
        raise InputError(
            "pricing",
            "market is the effective price across providers; drop --provider, or choose a tier "
            "(on-demand, capacity-block, contract, 1y, 3y, spot)",
        )
    ch = prices.select(acc, sc.provider, sc.pricing, sc.region)
    if ch.note and notes is not None:
        notes.append(f"Price: {ch.note}.")
    assumptions.append(Assumption(field="price", value=ch.value, source=ch.source))
    return ch.value, ch.source, ch.row.region, ch.provider, ch.tier, None
