"""The pipeline: Scenario -> Model + Cluster -> Throughput -> Run -> Bill -> Estimate.

``estimate()`` is the Python API; the CLI and the web API call it and print what it returns.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from . import bill, catalog, run
from .errors import InputError
from .schema import Scenario, make_scenario


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Assumption(_Out):
    field: str
    value: Any
    source: str


class ModelInfo(_Out):
    name: str
    display_name: str
    model_type: str
    params: int
    active_params: int
    embedding_params: int
    non_embedding_params: int
    layers: int
    hidden_size: int
    source: str


class FlopsInfo(_Out):
    per_token: float  # model FLOPs per token (fwd + bwd), the MFU numerator
    per_token_hardware: float  # with FlashAttention's recomputation
    six_n_per_token: float  # 6 x active parameters, for comparison
    forward_per_token: float
    total: float
    attention_share: float  # share of model FLOPs spent in attention scores/values
    causal: bool


class HardwareInfo(_Out):
    gpu: str
    name: str
    count: int
    precision: str
    peak_tflops: float
    memory_gb: float
    source: str


class ThroughputInfo(_Out):
    mfu: float
    mfu_basis: str  # "user" or "assumed"
    tokens_per_s: float
    tokens_per_s_per_gpu: float
    tflops_per_gpu: float


class TimeInfo(_Out):
    gpu_hours: float
    wall_clock_days: float


class CostInfo(_Out):
    compute_usd: float
    total_usd: float
    price_per_gpu_hour: float
    price_source: str


class Estimate(_Out):
    """Everything ``traincost estimate`` reports; ``to_dict()`` is the --json output."""

    model: ModelInfo
    tokens: float
    seq_len: int
    flops: FlopsInfo
    hardware: HardwareInfo
    throughput: ThroughputInfo
    time: TimeInfo
    cost: CostInfo
    assumptions: list[Assumption]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _default(field: str) -> tuple[Any, str]:
    d = catalog.defaults()["scenario"][field]
    return d["value"], d.get("source") or d.get("why", "")


def estimate(scenario: Scenario | dict | None = None, **kwargs: Any) -> Estimate:
    """Estimate a training run.

    >>> estimate(model="llama-3.1-8b", tokens="1T", gpu="h100-sxm", gpus=64, mfu=0.4, price=2.0)  # doctest: +SKIP

    Accepts a :class:`Scenario`, a dict with the same fields, or keyword arguments (which override
    the dict). Fields left out take the documented defaults, listed in ``result.assumptions``.
    Raises :class:`traincost.InputError` for bad input.
    """
    if not isinstance(scenario, Scenario) or kwargs:
        base = scenario.model_dump(exclude_none=True) if isinstance(scenario, Scenario) else (scenario or {})
        scenario = make_scenario(base, **kwargs)
    assumptions: list[Assumption] = []

    def pick(field: str) -> Any:
        v = getattr(scenario, field)
        if v is None:
            v, src = _default(field)
            assumptions.append(Assumption(field=field, value=v, source=src))
        return v

    model_ref, tokens, seq_len = pick("model"), float(pick("tokens")), int(pick("seq_len"))
    gpu_ref, n_gpus, precision = pick("gpu"), int(pick("gpus")), pick("precision")

    # Model
    arch, entry = catalog.resolve_model(model_ref)
    notes: list[str] = []
    if arch.max_position_embeddings and seq_len > arch.max_position_embeddings:
        raise InputError(
            "seq_len", f"{seq_len} is longer than {arch.name}'s maximum context of {arch.max_position_embeddings} tokens"
        )
    fl = arch.flops_per_token(seq_len, causal=True)

    # Cluster
    acc = catalog.resolve_accelerator(gpu_ref)
    train_dtype = acc.training_dtype(precision)
    if train_dtype != precision:
        notes.append(f"{acc.name} has no {precision} tensor cores; using its {train_dtype} peak.")
    peak = acc.peak_flops(train_dtype)

    # Throughput (until the performance model predicts it per layout: a stated MFU)
    if scenario.mfu is not None:
        mfu, basis = scenario.mfu, "user"
    else:
        d = catalog.defaults()["mfu"]
        mfu, basis = float(d["value"]), "assumed"
        assumptions.append(Assumption(field="mfu", value=mfu, source=" ".join(str(d["source"]).split())))
        notes.append(
            f"MFU {mfu:.0%} is an assumption (measured range {d['low']:.0%}-{d['high']:.0%} for ~70B models on "
            "H100), not a prediction for this layout; pass --mfu to use your own."
        )
    tps = run.tokens_per_second(n_gpus, peak, mfu, fl.training)

    # Run
    hours = run.gpu_hours(tokens, tps, n_gpus)
    days = run.wall_clock_days(tokens, tps)

    # Bill
    if scenario.price is not None:
        price, price_src = scenario.price, "user (--price)"
    else:
        p = catalog.default_price(acc.id)
        if p is None or p.on_demand is None:
            raise InputError("price", f"no catalog price for {acc.id}; pass --price in USD per GPU-hour")
        price = float(p.on_demand)
        where = f"{p.provider} {p.instance or ''} {p.region or ''}".replace("  ", " ").strip()
        price_src = f"{where} on-demand, observed {p.date}; {p.source}"
        assumptions.append(Assumption(field="price", value=price, source=price_src))
    compute = bill.compute_cost(hours, price)

    fwd = fl.breakdown
    return Estimate(
        model=ModelInfo(
            name=entry.id if entry else arch.name, display_name=entry.display_name if entry else arch.name,
            model_type=arch.model_type, params=arch.params, active_params=arch.active_params,
            embedding_params=arch.embedding_params, non_embedding_params=arch.non_embedding_params,
            layers=arch.num_layers, hidden_size=arch.hidden_size,
            source=entry.source if entry else f"config file {model_ref}",
        ),
        tokens=tokens,
        seq_len=seq_len,
        flops=FlopsInfo(
            per_token=fl.training, per_token_hardware=fl.hardware, six_n_per_token=fl.six_n,
            forward_per_token=fl.forward, total=fl.training * tokens,
            attention_share=fwd.attention_core / fwd.total, causal=True,
        ),
        hardware=HardwareInfo(
            gpu=acc.id, name=acc.name, count=n_gpus, precision=train_dtype, peak_tflops=peak / 1e12,
            memory_gb=acc.memory_gb, source=acc.sources.get("peak_tflops", ""),
        ),
        throughput=ThroughputInfo(
            mfu=mfu, mfu_basis=basis, tokens_per_s=tps, tokens_per_s_per_gpu=tps / n_gpus,
            tflops_per_gpu=mfu * peak / 1e12,
        ),
        time=TimeInfo(gpu_hours=hours, wall_clock_days=days),
        cost=CostInfo(compute_usd=compute, total_usd=compute, price_per_gpu_hour=price, price_source=price_src),
        assumptions=assumptions,
        notes=notes,
    )
