"""`traincost audit`: what a claimed training figure implies, and whether it is plausible."""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.parallel import precision
from traincost.schema import AuditRequest, make_request
from traincost.trust.audit import judge, worst
from traincost.usecases.common import scenario_default
from traincost.usecases.estimate import estimate
from traincost.usecases.results import AuditOutput

# model FLOPs per token per active parameter (forward 2 + backward 4), the "6ND" rule of Kaplan et al. 2020
SIX_N = 6.0


def best_published_mfu(acc) -> dict[str, Any]:
    """The highest MFU any public measurement in traincost's data reports for this accelerator
    generation (16-bit), with the row it comes from."""
    rows = [
        r
        for r in catalog.measurements()["rows"]
        if (r.get("measured") or {}).get("mfu") and (r.get("precision") or "bf16") != "fp8"
    ]
    gen_of = {a.id: a.generation for a in catalog.accelerators().values()}
    same = [r for r in rows if gen_of.get(r["hardware"]) == acc.generation]
    pool = same or rows
    best = max(pool, key=lambda r: r["measured"]["mfu"])
    return {
        "mfu": float(best["measured"]["mfu"]),
        "row": best["id"],
        "source": best["source"],
        "scope": acc.generation if same else "any accelerator (none measured for this generation)",
    }


def _check_claim(req) -> None:
    if req.gpu_hours is None and req.days is None and req.cost is None:
        raise InputError(
            "claim", "give --gpu-hours H, --days D with --gpus N, or --cost USD (any combination)"
        )
    if req.days is not None and req.gpus is None:
        raise InputError("gpus", "--days needs --gpus (the number of accelerators the claim assumes)")


def _estimate_for(est, gpus: int, hours: float) -> dict[str, Any]:
    rg = est.ranges["gpu_hours"]
    return {
        "gpus": gpus,
        "gpu_hours": est.time.gpu_hours,
        "gpu_hours_p10": rg["p10"],
        "gpu_hours_p50": rg["p50"],
        "gpu_hours_p90": rg["p90"],
        "mfu": est.throughput.mfu,
        "layout": est.throughput.layout,
        "claim_vs_p50": hours / rg["p50"],
    }


def run_audit(flags: dict) -> AuditOutput:
    """`traincost audit`: what each claimed figure (GPU-hours, days x GPUs, cost) implies about FLOP/s per GPU,
    MFU and price per GPU-hour, with one verdict per figure."""
    req = make_request(AuditRequest, flags)
    _check_claim(req)
    model_ref = req.model or scenario_default("model")[0]
    tokens = req.tokens or float(scenario_default("tokens")[0])
    seq_len = req.seq_len or int(scenario_default("seq_len")[0])
    arch, entry = catalog.resolve_model(model_ref)
    acc = catalog.resolve_accelerator(req.gpu or scenario_default("gpu")[0])
    dtype = precision.gemm_format(req.precision, acc)[0]
    peak = acc.peak_flops(dtype)
    flops = arch.flops_per_token(seq_len, causal=True).training * tokens
    best = best_published_mfu(acc)

    claim, hours, verdicts = judge(req, acc, dtype, peak, flops, best)
    top = worst(verdicts)
    mfu = flops / (hours * 3600.0 * peak)
    gpus = req.gpus or int(scenario_default("gpus")[0])
    est = estimate(
        model=model_ref,
        tokens=tokens,
        seq_len=seq_len,
        gpu=acc.id,
        gpus=gpus,
        precision=req.precision,
        price=req.price or 1.0,
        engineers=0,
    )
    implied = {
        "mfu": mfu,
        "tflops_per_gpu": mfu * peak / 1e12,
        "mfu_6nd": SIX_N * arch.active_params * tokens / (hours * 3600.0 * peak),
        "gpu_hours": hours,
    }
    if "price_per_gpu_hour_implied" in claim:
        implied["price_per_gpu_hour"] = claim["price_per_gpu_hour_implied"]
    return AuditOutput(
        model=entry.id if entry else arch.name,
        tokens=tokens,
        seq_len=seq_len,
        gpu=acc.id,
        claim=claim,
        flops_total=flops,
        implied=implied,
        verdict=top["verdict"],
        reason=top["reason"],
        best_published_mfu=best,
        verdicts=verdicts,
        estimate=_estimate_for(est, gpus, hours),
    )
