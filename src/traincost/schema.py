"""User-facing inputs: one validated schema shared by the CLI flags, scenario files, the Python API
and the web API, so all of them accept the same things and report the same errors."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from traincost.errors import InputError
from traincost.units import parse_count

Precision = Literal["bf16", "fp16", "fp8"]
Optimizer = Literal["adamw", "adamw8bit", "sgd", "lion", "adafactor"]
RecomputeName = Literal["none", "selective", "full"]
Pricing = Literal["on-demand", "1y", "3y", "spot"]
Depreciation = Literal["straight-line", "epoch"]
Facility = Literal["colo", "build"]
DataKind = Literal["english", "code", "multilingual"]
StorageClass = Literal["object", "pfs"]
RunKind = Literal["continued-pretraining", "from-scratch"]


def _number(v, what: str, lo: float = 0.0, strict: bool = False, hi: float = 1e15):
    if v is None:
        return v
    if isinstance(v, bool):
        raise ValueError(f"must be {what} (got {v!r})")
    try:
        x = parse_count(v) if isinstance(v, str) and v.strip()[-1:].isalpha() else float(str(v).replace(",", "").lstrip("$"))
    except (TypeError, ValueError):
        raise ValueError(f"must be {what} (got {v!r})") from None
    if x != x or x in (float("inf"), float("-inf")) or x < lo or (strict and x <= lo):
        raise ValueError(f"must be {what} (got {v!r})")
    if x > hi:
        raise ValueError(f"must be {what}, at most {hi:g} (got {v!r})")
    return x


def _positive_int(v, what: str, lo: int = 1, hi: int = 10_000_000):
    if v is None:
        return v
    try:
        x = parse_count(v) if not (isinstance(v, int | float | str) and str(v).strip() == "0") else 0
    except ValueError:
        raise ValueError(f"must be {what} (got {v!r})") from None
    if x != int(x) or not lo <= x <= hi:
        raise ValueError(f"must be {what} (got {v!r})")
    return int(x)


class RunFields(BaseModel):
    """The fields every request shares: a model on a cluster of accelerators, with their validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str | None = None
    seq_len: int | None = None
    gpu: str | None = None
    gpus: int | None = None
    precision: Precision | None = None

    @field_validator("framework", mode="before", check_fields=False)
    @classmethod
    def _framework(cls, v):
        if v is None:
            return v
        from traincost.errors import InputError
        from traincost.parallel.frameworks import resolve

        try:
            return resolve(str(v))[0]
        except InputError as e:
            raise ValueError(e.message if hasattr(e, "message") else str(e)) from None

    @field_validator("model", "gpu", mode="before")
    @classmethod
    def _nonempty(cls, v):
        if v is not None and (not isinstance(v, str) or not v.strip()):
            raise ValueError("must be a non-empty name")
        return v

    @field_validator("seq_len", mode="before")
    @classmethod
    def _seq_len(cls, v):
        if v is None:
            return v
        try:
            # context lengths are powers of two: "8K" means 8192 here
            x = parse_count(v[:-1]) * 1024 if isinstance(v, str) and v.strip()[-1:] in "kK" else parse_count(v)
        except ValueError:
            raise ValueError(f"must be a positive whole number of tokens such as 4096 or 8K (got {v!r})") from None
        if x != int(x) or x > 10_000_000:
            raise ValueError(f"must be a positive whole number of tokens up to 10M (got {v!r})")
        return int(x)

    @field_validator("gpus", mode="before")
    @classmethod
    def _gpus(cls, v):
        if v is None:
            return v
        try:
            x = parse_count(v)
        except ValueError:
            raise ValueError(f"must be a whole number of accelerators, at least 1 (got {v!r})") from None
        if x != int(x) or x > 10_000_000:
            raise ValueError(f"must be a whole number of accelerators, at least 1 (got {v!r})")
        return int(x)


class Scenario(RunFields):
    """A training run to estimate. Every field is optional; what is left out comes from the
    documented defaults (``data/defaults.yaml``) and is reported as an assumption."""

    config: dict[str, Any] | None = None  # an inline Hugging Face config.json (instead of `model`)
    tokens: float | None = None
    mfu: float | None = None
    price: float | None = None
    global_batch: int | None = None
    global_batch_tokens: float | None = None
    optimizer: Optimizer | None = None
    framework: str | None = None  # training framework profile (data/frameworks.yaml)
    hardware_file: str | None = None
    hf_hub: bool | None = None  # look `model` up on the Hugging Face Hub (the only network access)
    # --- the bill (issue: cloud vs owned, energy, carbon, storage, failures, people)
    provider: str | None = None
    pricing: Pricing | None = None
    on_prem: bool | None = None
    compare_ownership: bool | None = None
    region: str | None = None
    grid_intensity: float | None = None  # gCO2e/kWh
    pue: float | None = None
    power_fraction: float | None = None  # average accelerator draw / TDP
    host_w_per_node: float | None = None
    electricity_price: float | None = None  # USD/kWh (owned hardware)
    server_price: float | None = None  # USD per node (owned hardware)
    lifetime_years: float | None = None
    depreciation: Depreciation | None = None
    utilization: float | None = None  # share of the owned cluster's life it is busy
    facility: Facility | None = None
    maintenance_share: float | None = None  # of capex per year
    data: DataKind | None = None
    bytes_per_token: float | None = None
    storage_class: StorageClass | None = None
    storage_price: float | None = None  # USD per GB-month
    checkpoints_kept: float | None = None
    checkpoint_stall_s: float | None = None
    checkpoint_write_gb_s: float | None = None  # per node
    interruption_rate: float | None = None  # per accelerator-hour
    restart_minutes: float | None = None
    engineers: float | None = None
    engineer_cost: float | None = None  # loaded USD per engineer-year
    prep_months: float | None = None
    eval_months: float | None = None
    embodied_kg_per_gpu: float | None = None
    realization: float | None = None  # share of the best layout's throughput a real run achieves
    # --- decisions
    kind: RunKind | None = None  # continued-pretraining (default for catalog models) or from-scratch
    cpt_law: dict[str, float] | None = None  # D-CPT law coefficients fitted on pilot runs
    serve: float | None = None  # generated tokens per month to serve after training
    months: float | None = None  # months of serving
    serve_gpu: str | None = None
    serve_price: float | None = None
    year: int | None = None  # project the cost to this year with the price-performance trend

    @field_validator("serve", mode="before")
    @classmethod
    def _serve(cls, v):
        if v is None:
            return v
        x = parse_count(v)
        if x > 1e16:
            raise ValueError(f"must be at most 1e16 tokens per month (got {v!r})")
        return x

    @field_validator("months", "serve_price", mode="before")
    @classmethod
    def _months(cls, v):
        return _number(v, "a positive number", lo=0.0, strict=True, hi=1e4)

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, v):
        return _positive_int(v, "a year from 2020 to 2040", lo=2020, hi=2040)

    @field_validator("cpt_law", mode="before")
    @classmethod
    def _law(cls, v):
        if v is None:
            return v
        if isinstance(v, str):  # "E=1.9,A=400,alpha=0.34,B=2000,beta=0.36,ratio=0.5"
            try:
                v = {k.strip(): float(x) for k, x in (part.split("=") for part in v.split(",") if part.strip())}
            except ValueError:
                raise ValueError("must look like E=1.9,A=400,alpha=0.34,B=2000,beta=0.36 (optional C, gamma, eta, epsilon, ratio)") from None
        allowed = {"E", "A", "alpha", "B", "beta", "eta", "C", "gamma", "epsilon", "ratio"}
        if not isinstance(v, dict) or not v or set(v) - allowed:
            raise ValueError(f"coefficients must be among {', '.join(sorted(allowed))}")
        if any(not isinstance(x, int | float) or x != x or x < 0 for x in v.values()):
            raise ValueError("coefficients must be numbers, 0 or more")
        if "ratio" in v and not 0 < v["ratio"] <= 1:
            raise ValueError("ratio (the domain share of the mixture) must be in (0, 1]")
        return {k: float(x) for k, x in v.items()}
    samples: int | None = None  # Monte Carlo samples for the ranges
    seed: int | None = None

    @field_validator("samples", mode="before")
    @classmethod
    def _samples(cls, v):
        return _positive_int(v, "a whole number of Monte Carlo samples from 100 to 200,000", lo=100, hi=200_000)

    @field_validator("seed", mode="before")
    @classmethod
    def _seed(cls, v):
        return _positive_int(v, "a whole number, 0 or more", lo=0, hi=2**32 - 1)

    @field_validator("grid_intensity", "host_w_per_node", "electricity_price", "server_price", "storage_price",
                     "checkpoints_kept", "engineers", "engineer_cost", "embodied_kg_per_gpu", mode="before")
    @classmethod
    def _nonneg(cls, v):
        return _number(v, "a number, 0 or more", lo=0.0, hi=1e9)

    @field_validator("interruption_rate", mode="before")
    @classmethod
    def _rate(cls, v):
        return _number(v, "a rate per accelerator-hour from 0 to 1", lo=0.0, hi=1.0)

    @field_validator("restart_minutes", "prep_months", "eval_months", mode="before")
    @classmethod
    def _durations(cls, v):
        return _number(v, "a duration, 0 or more", lo=0.0, hi=1e4)

    @field_validator("maintenance_share", mode="before")
    @classmethod
    def _share(cls, v):
        return _number(v, "a share of capex per year from 0 to 1", lo=0.0, hi=1.0)

    @field_validator("lifetime_years", "bytes_per_token", "checkpoint_stall_s", "checkpoint_write_gb_s", mode="before")
    @classmethod
    def _pos(cls, v):
        return _number(v, "a positive number", lo=0.0, strict=True, hi=1e6)

    @field_validator("power_fraction", "utilization", "realization", mode="before")
    @classmethod
    def _frac(cls, v):
        x = _number(v, "a fraction in (0, 1]", lo=0.0, strict=True)
        if x is not None and x > 1:
            raise ValueError(f"must be a fraction in (0, 1] (got {v!r})")
        return x

    @field_validator("pue", mode="before")
    @classmethod
    def _pue(cls, v):
        x = _number(v, "a PUE of at least 1.0, such as 1.1 or 1.4", lo=1.0)
        if x is not None and x > 3:
            raise ValueError(f"must be a PUE between 1.0 and 3.0 (got {v!r})")
        return x

    @field_validator("tokens", mode="before")
    @classmethod
    def _tokens(cls, v):
        if v is None:
            return v
        x = parse_count(v)
        if x > 1e16:
            raise ValueError(f"must be at most 1e16 tokens (got {v!r})")
        return x

    @field_validator("global_batch", mode="before")
    @classmethod
    def _gb(cls, v):
        return _positive_int(v, "a whole number of sequences, at least 1")

    @field_validator("global_batch_tokens", mode="before")
    @classmethod
    def _gbt(cls, v):
        if v is None:
            return v
        x = parse_count(v)
        if x > 1e12:
            raise ValueError(f"must be at most 1e12 tokens (got {v!r})")
        return x

    @field_validator("mfu", mode="before")
    @classmethod
    def _mfu(cls, v):
        if v is None:
            return v
        try:
            x = float(v.rstrip("%")) / 100 if isinstance(v, str) and v.strip().endswith("%") else float(v)
        except (TypeError, ValueError):
            raise ValueError(f"must be a fraction in (0, 1], such as 0.4 or 40% (got {v!r})") from None
        if not 0 < x <= 1:
            raise ValueError(f"must be a fraction in (0, 1], such as 0.4 or 40% (got {v!r})")
        return x

    @field_validator("price", mode="before")
    @classmethod
    def _price(cls, v):
        if v is None:
            return v
        try:
            x = float(str(v).lstrip("$")) if isinstance(v, str) else float(v)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"must be a positive price in USD per GPU-hour, such as 2.5 (got {v!r})") from None
        if not x > 0 or x != x or x > 1e6:
            raise ValueError(f"must be a positive price in USD per GPU-hour, such as 2.5 (got {v!r})")
        return x


def first_error(e: ValidationError, model_cls=None) -> InputError:
    """Turn pydantic's error list into one line naming the field and what is accepted."""
    err = e.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ())) or "input"
    msg = err.get("msg", "invalid value")
    if err.get("type") == "extra_forbidden":
        msg = f"unknown field; accepted: {', '.join((model_cls or Scenario).model_fields)}"
    elif err.get("type") == "literal_error":
        msg = f"{msg} (got {err.get('input')!r})"
    elif msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return InputError(field, msg)


def make_scenario(data: dict | None = None, /, **overrides) -> Scenario:
    """Validate a dict (from flags, a file or a request) into a Scenario; raises InputError."""
    return make_request(Scenario, data, **overrides)


class PlanRequest(RunFields):
    """Inputs of `traincost plan`: a model on a cluster, optionally with parts of the layout fixed."""

    global_batch: int | None = None
    global_batch_tokens: float | None = None
    optimizer: Optimizer | None = None
    framework: str | None = None  # training framework profile (data/frameworks.yaml)
    hardware_file: str | None = None
    tp: int | None = None
    pp: int | None = None
    dp: int | None = None
    cp: int | None = None
    ep: int | None = None
    zero: int | None = None
    micro_batch: int | None = None
    recompute: RecomputeName | None = None
    interleave: int | None = None

    _gbt = field_validator("global_batch_tokens", mode="before")(Scenario._gbt.__func__)

    @field_validator("global_batch", "tp", "pp", "dp", "cp", "ep", "micro_batch", "interleave", mode="before")
    @classmethod
    def _sizes(cls, v):
        return _positive_int(v, "a whole number, at least 1")

    @field_validator("zero", mode="before")
    @classmethod
    def _zero(cls, v):
        return _positive_int(v, "a ZeRO stage: 0, 1, 2 or 3", lo=0, hi=3)


def make_request(model_cls, data: dict | None = None, /, **overrides):
    """Validate a dict into any of the input models; raises InputError naming the field."""
    merged = {**(data or {}), **{k: v for k, v in overrides.items() if v is not None}}
    merged = {k.replace("-", "_"): v for k, v in merged.items()}
    try:
        return model_cls(**merged)
    except ValidationError as e:
        raise first_error(e, model_cls) from None


class AuditRequest(RunFields):
    """A published or proposed claim to check: a model, tokens and hardware, and one of GPU-hours, days on
    a number of GPUs, or a cost at a price per GPU-hour."""

    tokens: float | None = None
    gpu_hours: float | None = None
    days: float | None = None
    cost: float | None = None
    price: float | None = None

    _tokens = field_validator("tokens", mode="before")(Scenario._tokens.__func__)
    _price = field_validator("price", mode="before")(Scenario._price.__func__)

    @field_validator("gpu_hours", "days", "cost", mode="before")
    @classmethod
    def _claim(cls, v):
        return _number(v, "a positive number such as 80000, 80k or 1.5e6", lo=0.0, strict=True, hi=1e13)
