"""The Scenario: a training run to estimate, every field optional and validated with one message per field."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from traincost.schema.bill_checks import BillChecks
from traincost.schema.bounds import (
    MAX_DURATION,
    MAX_GRANULARITY_DAYS,
    MAX_LARGE,
    MAX_LOSS,
    MAX_PAUSE_SHARE,
    MAX_PERCENTILE,
    MAX_PILOT_PARAMS,
    MAX_PILOTS,
    MAX_PROGRAMME_SHARE,
    MAX_REPLAY,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_TOKENS,
    MAX_YEAR,
    MIN_SAMPLES,
    MIN_YEAR,
    BatchTokens,
    CptKey,
    DataKind,
    Depreciation,
    Duration,
    Facility,
    Fraction,
    Framework,
    LawValue,
    Months,
    Name,
    NonNeg,
    Optimizer,
    PathText,
    Positive,
    Price,
    Pricing,
    Pue,
    RunKind,
    Schedule,
    Sequences,
    Share,
    StorageClass,
    Tokens,
    between,
    bounded,
    capped_count,
    field_check,
    number,
    parsed,
    positive_int,
)


class Scenario(BillChecks):
    """A training run to estimate. Every field is optional; what is left out comes from the
    documented defaults (``data/defaults.yaml``) and is reported as an assumption."""

    config: dict[str, Any] | None = None  # an inline Hugging Face config.json (instead of `model`)
    tokens: Tokens | None = None
    mfu: Fraction | None = None
    price: Price | None = None
    global_batch: Sequences | None = None
    global_batch_tokens: BatchTokens | None = None
    optimizer: Optimizer | None = None
    framework: Framework | None = None  # training framework profile (data/frameworks.yaml)
    hardware_file: PathText | None = None
    hf_hub: bool | None = None  # look `model` up on the Hugging Face Hub (the only network access)
    # --- the bill (issue: cloud vs owned, energy, carbon, storage, failures, people)
    provider: Name | None = None
    pricing: Pricing | None = None
    on_prem: bool | None = None
    compare_ownership: bool | None = None
    region: Name | None = None
    grid_intensity: NonNeg | None = None  # gCO2e/kWh
    pue: Pue | None = None
    power_fraction: Fraction | None = None  # average accelerator draw / TDP
    host_w_per_node: NonNeg | None = None
    electricity_price: NonNeg | None = None  # USD/kWh (owned hardware)
    server_price: NonNeg | None = None  # USD per node (owned hardware)
    lifetime_years: Positive | None = None
    depreciation: Depreciation | None = None
    utilization: Fraction | None = None  # share of the owned cluster's life it is busy
    facility: Facility | None = None
    maintenance_share: Share | None = None  # of capex per year
    data: DataKind | None = None
    bytes_per_token: Positive | None = None
    storage_class: StorageClass | None = None
    storage_price: NonNeg | None = None  # USD per GB-month
    checkpoints_kept: NonNeg | None = None
    checkpoint_stall_s: Positive | None = None
    checkpoint_write_gb_s: Positive | None = None  # per node
    interruption_rate: Share | None = None  # per accelerator-hour
    restart_minutes: Duration | None = None
    engineers: NonNeg | None = None
    engineer_cost: NonNeg | None = None  # loaded USD per engineer-year
    prep_months: Duration | None = None
    eval_months: Duration | None = None
    # --- ownership
    cost_of_capital: Share | None = None  # per year
    resale_fraction: Share | None = None  # of capex, at the end of the economic life
    ops_gpus_per_engineer: Annotated[float, between(gt=0, hi=MAX_LARGE)] | None = None
    software_per_gpu_year: Annotated[float, between(0, MAX_LARGE)] | None = None  # USD
    # --- carbon and whole-run realism
    carbon_convention: Literal["full", "model-card"] | None = None  # model-card: GPU TDP only, no host
    renewable_share: Share | None = None  # share of electricity matched by renewable purchases (market-based)
    evaluation_pause_share: Annotated[float, between(0, MAX_PAUSE_SHARE)] | None = None
    input_stall_share: Annotated[float, between(0, MAX_PAUSE_SHARE)] | None = None
    batch_warmup_share: Annotated[float, between(0, MAX_PAUSE_SHARE)] | None = None
    budget_percentile: Annotated[float, between(1, MAX_PERCENTILE)] | None = (
        None  # the budget (and solves) at this percentile
    )
    # --- the programme around the run
    no_programme: bool | None = None  # leave every programme line out
    pilot_share: Annotated[float, between(0, MAX_PROGRAMME_SHARE)] | None = (
        None  # of the main run's accelerator-hours
    )
    eval_compute_share: Annotated[float, between(0, MAX_PROGRAMME_SHARE)] | None = None
    dataprep_vcpu_hours_per_tb: Annotated[float, between(0, MAX_LARGE)] | None = None
    vcpu_hour_usd: Annotated[float, between(0, MAX_LARGE)] | None = None
    bringup_days: Annotated[float, between(0, MAX_LARGE)] | None = None
    reservation_granularity_days: Annotated[float, between(gt=0, hi=MAX_GRANULARITY_DAYS)] | None = None
    support_share: Annotated[float, between(0, MAX_PROGRAMME_SHARE)] | None = None  # of cloud compute
    egress_price: Annotated[float, between(0, MAX_LARGE)] | None = None  # USD per GB
    embodied_kg_per_gpu: NonNeg | None = None
    realization: Fraction | None = None  # share of the best layout's throughput a real run achieves
    # --- decisions
    kind: RunKind | None = None  # continued-pretraining (default for catalog models) or from-scratch
    cpt_law: Annotated[dict[CptKey, LawValue], Field(min_length=1)] | None = None  # D-CPT law coefficients
    # --- continued pre-training quality (decide/cpt.py, data/cpt.yaml)
    base_tokens: float | None = None  # the base model's pre-training tokens (default: the model catalog)
    replay: float | None = (
        None  # share of the trained tokens that is general (replay) data, on top of --tokens
    )
    schedule: Schedule | None = None  # learning-rate schedule of the CPT run
    domain: str | None = None  # a named domain of data/cpt.yaml
    domain_loss: float | None = None  # the base model's measured loss on the domain, nats/token
    cpt_coefficients: dict[str, float | list[float]] | None = (
        None  # overrides, or [P10, value, P90] from fit-cpt
    )
    pilots: list[dict[str, float]] | None = None  # pilot runs (params, domain_tokens, replay): a bill line

    _base_tokens = field_check(
        ("base_tokens",),
        number,
        "a positive number of tokens such as 15T",
        lo=0.0,
        strict=True,
        hi=MAX_TOKENS,
    )

    _replay = field_check(
        ("replay",),
        bounded,
        "a share of the trained tokens in [0, 0.95], such as 0.25",
        MAX_REPLAY,
        "a share of the trained tokens in [0, 0.95], such as 0.25",
    )

    _domain_loss = field_check(
        ("domain_loss",), number, "a loss in nats per token, such as 2.1", lo=0.0, strict=True, hi=MAX_LOSS
    )

    @field_validator("cpt_coefficients", mode="before")
    @classmethod
    def _coefs(cls, v):
        if v is None:
            return v
        if not isinstance(v, dict) or not v:
            raise ValueError(
                "must be a mapping of coefficient names (data/cpt.yaml) to a number or [P10, value, P90]"
            )
        for k, x in v.items():
            xs = x if isinstance(x, list) else [x]
            if len(xs) not in (1, 3) or any(
                isinstance(t, bool) or not isinstance(t, int | float) or t != t for t in xs
            ):
                raise ValueError(f"{k}: must be a number or [P10, value, P90]")
            if len(xs) == 3 and not xs[0] <= xs[1] <= xs[2]:
                raise ValueError(f"{k}: [P10, value, P90] must be in increasing order")
        return v

    @field_validator("pilots", mode="before")
    @classmethod
    def _pilots(cls, v):
        if v is None:
            return v
        if not isinstance(v, list) or len(v) > MAX_PILOTS:
            raise ValueError(
                f"must be a list (at most {MAX_PILOTS}) of runs with params, domain_tokens and replay"
            )
        out = []
        for run in v:
            if not isinstance(run, dict):
                raise ValueError("each pilot must be a mapping with params, domain_tokens and replay")
            p = number(run.get("params"), "positive params", lo=0.0, strict=True, hi=MAX_PILOT_PARAMS)
            d = number(run.get("domain_tokens"), "positive domain_tokens", lo=0.0, strict=True, hi=1e15)
            r = number(run.get("replay", 0.0), "a replay share in [0, 0.95]", lo=0.0, hi=MAX_REPLAY)
            if p is None or d is None:
                raise ValueError("each pilot needs params and domain_tokens")
            out.append({"params": p, "domain_tokens": d, "replay": r})
        return out

    serve: Tokens | None = None  # generated tokens per month to serve after training
    months: Months | None = None  # months of serving
    serve_gpu: Name | None = None
    serve_price: Months | None = None  # USD per GPU-hour, at most 1e4
    year: Annotated[int, between(MIN_YEAR, MAX_YEAR)] | None = (
        None  # project the cost with the price-performance trend
    )

    _serve = field_check(("serve",), capped_count, MAX_TOKENS, "1e16 tokens per month")

    _months = field_check(
        ("months", "serve_price"), number, "a positive number", lo=0.0, strict=True, hi=MAX_DURATION
    )

    _year = field_check(("year",), positive_int, "a year from 2020 to 2040", lo=MIN_YEAR, hi=MAX_YEAR)

    @field_validator("cpt_law", mode="before")
    @classmethod
    def _law(cls, v):
        if v is None:
            return v
        if isinstance(v, str):  # "E=1.9,A=400,alpha=0.34,B=2000,beta=0.36,ratio=0.5"
            try:
                v = {
                    k.strip(): float(x) for k, x in (part.split("=") for part in v.split(",") if part.strip())
                }
            except ValueError:
                raise ValueError(
                    "must look like E=1.9,A=400,alpha=0.34,B=2000,beta=0.36 (optional C, gamma, eta, epsilon, ratio)"
                ) from None
        allowed = {"E", "A", "alpha", "B", "beta", "eta", "C", "gamma", "epsilon", "ratio"}
        if not isinstance(v, dict) or not v or set(v) - allowed:
            raise ValueError(f"coefficients must be among {', '.join(sorted(allowed))}")
        if any(
            isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or not 0 <= x <= 1e9
            for x in v.values()
        ):
            raise ValueError("coefficients must be finite numbers from 0 to 1e9")
        if "ratio" in v and not 0 < v["ratio"] <= 1:
            raise ValueError("ratio (the domain share of the mixture) must be in (0, 1]")
        return {k: float(x) for k, x in v.items()}

    samples: Annotated[int, between(MIN_SAMPLES, MAX_SAMPLES)] | None = (
        None  # Monte Carlo samples for the ranges
    )
    seed: Annotated[int, between(0, MAX_SEED)] | None = None

    _samples = field_check(
        ("samples",),
        positive_int,
        "a whole number of Monte Carlo samples from 100 to 200,000",
        lo=MIN_SAMPLES,
        hi=MAX_SAMPLES,
    )

    _seed = field_check(("seed",), positive_int, "a whole number, 0 or more", lo=0, hi=MAX_SEED)

    _tokens = field_check(("tokens",), capped_count, MAX_TOKENS, "1e16 tokens")

    _gb = field_check(("global_batch",), positive_int, "a whole number of sequences from 1 to 10,000,000")

    @field_validator("global_batch_tokens", mode="before")
    @classmethod
    def _gbt(cls, v):
        return capped_count(v, 1e12, "1e12 tokens")

    _mfu = field_check(
        ("mfu",),
        parsed,
        "a fraction in (0, 1], such as 0.4 or 40%",
        lambda v: float(v.rstrip("%")) / 100 if isinstance(v, str) and v.strip().endswith("%") else float(v),
        lambda x: 0 < x <= 1,
    )

    _price = field_check(
        ("price",),
        parsed,
        "a positive price in USD per GPU-hour, such as 2.5",
        lambda v: float(str(v).lstrip("$")) if isinstance(v, str) else float(v),
        lambda x: x > 0 and x == x and x <= 1e6,
        errors=(TypeError, ValueError, OverflowError),
    )
