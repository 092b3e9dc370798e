"""Turn the estimate's pieces (problem, throughput, priced bill) into the typed :class:`Estimate`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from traincost.usecases import extras
from traincost.usecases.results import (
    BillLine,
    CostInfo,
    Estimate,
    FlopsInfo,
    HardwareInfo,
    ModelInfo,
    ThroughputInfo,
    TimeInfo,
)


def _model_info(arch, entry) -> ModelInfo:
    return ModelInfo(
        name=entry.id if entry else arch.name,
        display_name=entry.display_name if entry else arch.name,
        model_type=arch.model_type,
        params=arch.params,
        active_params=arch.active_params,
        embedding_params=arch.embedding_params,
        non_embedding_params=arch.non_embedding_params,
        layers=arch.num_layers,
        hidden_size=arch.hidden_size,
        source=entry.source if entry else "config file",
    )


def _flops_info(fl, tokens: float) -> FlopsInfo:
    fwd = fl.breakdown
    return FlopsInfo(
        per_token=fl.training,
        per_token_hardware=fl.hardware,
        six_n_per_token=fl.six_n,
        forward_per_token=fl.forward,
        total=fl.training * tokens,
        attention_share=fwd.attention_core / fwd.total,
        causal=True,
    )


def _throughput_info(prob, thr, peak: float) -> ThroughputInfo:
    best = thr.best
    return ThroughputInfo(
        mfu=thr.mfu,
        mfu_basis=thr.basis,
        tokens_per_s=thr.tokens_per_s,
        tokens_per_s_per_gpu=thr.tokens_per_s / prob.n_gpus,
        tflops_per_gpu=thr.mfu * peak / 1e12,
        hfu=best.hfu * thr.realization if best else None,
        layout=best.layout if best else None,
        step_time_s=best.step_time_s if best else None,
        memory_gib=best.memory_gib["total"] if best else None,
        global_batch=prob.global_batch or None,
        framework=prob.train.framework if best else None,
    )


def _cost_info(priced, pilots: dict | None, quote: tuple) -> CostInfo:
    price, price_src, provider, pricing = quote
    owned = priced.ownership == "owned"
    pilots_usd = pilots["usd"] if pilots else 0.0
    return CostInfo(
        **{**priced.cost, "total_usd": priced.cost["total_usd"] + pilots_usd},
        pilots_usd=pilots_usd,
        ownership=priced.ownership,
        price_per_gpu_hour=None if owned else price,
        price_source=price_src if not owned else "owned hardware (see bill)",
        provider=provider,
        pricing=pricing,
    )


@dataclass(frozen=True)
class Parts:
    """The computed pieces of an estimate: trained tokens, FLOPs, peak, throughput, the priced bill, the pilots'
    line, the quote (price, source, provider, pricing) and the Monte Carlo ranges."""

    tokens: float
    fl: Any
    peak: float
    thr: Any
    priced: Any
    pilots: dict | None
    quote: tuple
    rng_out: dict[str, Any]


def assemble(prob, entry, parts: Parts, **rest: Any) -> Estimate:
    """The Estimate; `rest` carries comparison, ownership, quality, serving, projection, assumptions, notes."""
    acc = prob.acc
    tokens, fl, peak, thr, priced, pilots = (
        parts.tokens,
        parts.fl,
        parts.peak,
        parts.thr,
        parts.priced,
        parts.pilots,
    )
    quote, rng_out = parts.quote, parts.rng_out
    return Estimate(
        model=_model_info(prob.arch, entry),
        tokens=tokens,
        seq_len=prob.seq_len,
        flops=_flops_info(fl, tokens),
        hardware=HardwareInfo(
            gpu=acc.id,
            name=acc.name,
            count=prob.n_gpus,
            precision=prob.dtype,
            recipe=prob.recipe or prob.dtype,
            peak_tflops=peak / 1e12,
            memory_gb=acc.memory_gb,
            source=acc.sources.get("peak_tflops", ""),
        ),
        throughput=_throughput_info(prob, thr, peak),
        time=TimeInfo(**priced.time),
        cost=_cost_info(priced, pilots, quote),
        bill=[BillLine(**vars(x)) for x in priced.lines] + ([BillLine(**pilots)] if pilots else []),
        energy=priced.energy,
        carbon=priced.carbon,
        storage=priced.storage,
        reliability=priced.reliability,
        answer=extras.answer(rng_out, priced),
        ranges=rng_out,
        **rest,
    )
