"""What the use cases return: typed, frozen results, each with one ``to_dict`` (the --json output)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


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
    recipe: str = ""  # the precision recipe (data/precision.yaml), e.g. fp8-tensorwise


class ThroughputInfo(_Out):
    mfu: float
    mfu_basis: str  # "planner" (predicted for the best layout), "user" or "assumed"
    tokens_per_s: float
    tokens_per_s_per_gpu: float
    tflops_per_gpu: float
    hfu: float | None = None
    layout: dict | None = None  # the planner's layout when mfu_basis == "planner"
    step_time_s: float | None = None
    memory_gib: float | None = None
    global_batch: int | None = None
    framework: str | None = None  # training framework profile the layout was planned for


class TimeInfo(_Out):
    gpu_hours: float  # with failures, restarts and checkpoints
    wall_clock_days: float  # likewise
    failure_free_days: float
    failure_free_gpu_hours: float


class CostInfo(_Out):
    compute_usd: float  # cloud: accelerator-hours x price; owned: depreciation + maintenance
    energy_usd: float  # owned only (in the cloud it is inside the price)
    facility_usd: float  # owned only
    storage_usd: float
    staff_usd: float
    total_usd: float
    ownership: str  # cloud | owned
    capital_usd: float = 0.0  # owned: cost of capital on the average book value
    programme_usd: float = (
        0.0  # pilots, evaluation, data preparation, bring-up, idle reserved days, support, egress
    )
    price_per_gpu_hour: float | None
    price_source: str
    provider: str | None = None
    pricing: str | None = None
    pilots_usd: float = 0.0  # pilot runs that fitted the CPT law (in total_usd)


class BillLine(_Out):
    category: str
    item: str
    quantity: float
    unit: str
    unit_price: float
    usd: float
    source: str


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
    bill: list[BillLine]
    energy: dict[str, float]
    carbon: dict[str, Any]
    storage: dict[str, Any]
    reliability: dict[str, float]
    comparison: dict[str, dict[str, float]] | None = None  # cloud vs owned, with --compare-ownership
    ownership: dict[str, Any] | None = None  # owned hardware: break-even utilization, buy for this run
    answer: dict[str, Any] | None = (
        None  # the figure that is the answer (the median), and the budget at a percentile
    )
    ranges: dict[str, Any] | None = None  # P10/P50/P90 of the headline figures (Monte Carlo)
    quality: dict[str, Any] | None = None  # expected loss from scaling laws (an estimate)
    serving: dict[str, Any] | None = None  # with --serve
    projection: dict[str, Any] | None = None  # with --year
    assumptions: list[Assumption]
    notes: list[str]


class PlanOutput(_Out):
    """What `traincost plan` reports; ``to_dict()`` is its --json output."""

    model: str
    gpu: str
    gpus: int
    seq_len: int
    global_batch: dict
    precision: str
    optimizer: str
    best: dict | None
    framework: str = "megatron-core"
    alternatives: list[dict]
    search: dict | None
    calibration: dict
    why_not: str | None = None
    suggestions: list[str] = []
    assumptions: list[Assumption] = []

    @property
    def fits(self) -> bool:
        return self.best is not None and self.best["memory"]["fits"]

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        chosen = self.best or (self.alternatives[0] if self.alternatives else None)
        if chosen:  # the chosen layout's fields at the top level, as the plan contract names them
            d.update(
                {k: chosen[k] for k in ("layout", "step_time_s", "throughput", "memory", "time_breakdown")}
            )
        return d


class AuditOutput(_Out):
    model: str
    tokens: float
    seq_len: int
    gpu: str
    claim: dict[str, Any]
    flops_total: float
    implied: dict[str, float]
    verdict: str  # impossible | implausible | plausible
    reason: str
    best_published_mfu: dict[str, Any]
    estimate: dict[str, Any]
    verdicts: list[dict[str, Any]] = []  # one per claimed figure (GPU-hours, days x GPUs, cost)
