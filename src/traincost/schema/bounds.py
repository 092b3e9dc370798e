"""Bounds and parsers: the types every input field uses, with their limits stated once, and the fields every
request shares (RunFields)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from traincost.errors import InputError
from traincost.parallel.frameworks import resolve as resolve_framework
from traincost.units import parse_count, parse_share

# training precisions and recipes (data/precision.yaml; a test keeps the two lists equal)
Precision = Literal[
    "bf16",
    "fp16",
    "fp8",
    "fp8-delayed",
    "fp8-tensorwise",
    "fp8-current",
    "fp8-blockwise",
    "mxfp8",
    "nvfp4",
    "mxfp4",
]
Optimizer = Literal["adamw", "adamw8bit", "sgd", "lion", "adafactor"]
RecomputeName = Literal["none", "selective", "full"]
Framework = Literal[
    "megatron-core", "megatron-deepspeed", "deepspeed", "fsdp"
]  # data/frameworks.yaml (aliases map here)
Pricing = Literal["on-demand", "1y", "3y", "spot", "capacity-block", "contract", "market"]
Depreciation = Literal["straight-line", "epoch"]
Facility = Literal["colo", "build"]
DataKind = Literal["english", "code", "multilingual"]
StorageClass = Literal["object", "pfs"]
RunKind = Literal["continued-pretraining", "from-scratch"]
Schedule = Literal["rewarm-decay", "wsd", "constant"]
CptKey = Literal["E", "A", "alpha", "B", "beta", "eta", "C", "gamma", "epsilon", "ratio"]

# Bounds on every number, stated here once: the before-validators below parse "1T", "8K", "40%" and
# "$2.5" and say what is accepted; these constraints are then checked by pydantic and published in the
# OpenAPI document, so the web schema states exactly what the server enforces.
MAX_GPUS = 262_144  # 2^18; the largest training clusters built by 2026 hold ~200k accelerators
MAX_SEQ_LEN = 10_000_000  # input limit: 10M tokens, above the longest published context windows
MAX_NAME = 200  # input limit: characters in a catalog name, provider or region
MAX_PATH = 4096  # input limit: characters in a path (Linux PATH_MAX)
MAX_SEQUENCES = 10_000_000  # input limit: sequences in a global batch or micro-batch
MAX_TOKENS = 1e16  # input limit: 10 quadrillion tokens, ~500x the largest published training sets
MAX_FIGURE = 1e13  # input limit: the largest claimed GPU-hours, days or USD (and $10T budgets)
MAX_DURATION = 1e4  # input limit: months or minutes of a duration, and USD per GPU-hour of serving
MAX_LARGE = 1e7  # input limit: programme and ownership quantities (vCPU-hours, days, USD)
MAX_REPLAY = 0.95  # input limit: replay share of the trained tokens (at 1 no domain tokens are trained)
MAX_LOSS = (
    20.0  # input limit: nats per token, above a language model's loss at initialisation (ln 50k ~ 10.8)
)
MIN_YEAR = (
    2020  # input limit: the price-performance trend (data/defaults.yaml projection) is observed to ~2020
)
MAX_YEAR = 2040  # input limit: extrapolating the trend further than ~15 years is not an estimate
MAX_GRANULARITY_DAYS = 3650  # input limit: reservation blocks of up to ten years
MAX_SAMPLES = 200_000  # input limit: Monte Carlo samples (memory: ~50 parameters x 8 bytes each)
MIN_SAMPLES = 100  # below it P10/P90 are not estimable
MAX_SEED = 2**32 - 1  # NumPy seeds are 32-bit
MAX_PERCENTILE = 99  # input limit: budget percentile in [1, 99]
MAX_PILOTS = 1000  # input limit: pilot runs in a scenario
MAX_PILOT_PARAMS = 1e13  # input limit: 10T parameters per pilot model
MAX_PAUSE_SHARE = 0.5  # input limit: a pause share of more than half the time is not training
MAX_PROGRAMME_SHARE = 10.0  # input limit: programme shares of the run's GPU-hours or cloud compute
MAX_PUE = 3.0  # input limit: PUE above the worst surveyed datacenters (Uptime Institute: ~2.5)
MAX_INTERLEAVE = 1024  # input limit: virtual pipeline stages per GPU


def between(lo: float | None = None, hi: float | None = None, *, gt: float | None = None) -> Any:
    return Field(ge=lo, le=hi, gt=gt)


Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
PathText = Annotated[str, Field(min_length=1, max_length=MAX_PATH)]
Gpus = Annotated[int, between(1, MAX_GPUS)]
SeqLen = Annotated[int, between(1, MAX_SEQ_LEN)]
Sequences = Annotated[int, between(1, MAX_SEQUENCES)]
Tokens = Annotated[float, between(gt=0, hi=MAX_TOKENS)]
BatchTokens = Annotated[float, between(gt=0, hi=1e12)]
Fraction = Annotated[float, between(gt=0, hi=1)]
Share = Annotated[float, between(0, 1)]
NonNeg = Annotated[float, between(0, 1e9)]
Positive = Annotated[float, between(gt=0, hi=1e6)]
Duration = Annotated[float, between(0, MAX_DURATION)]
Months = Annotated[float, between(gt=0, hi=MAX_DURATION)]
Price = Annotated[float, between(gt=0, hi=1e6)]
MIN_CLAIM = 1e-6  # smallest claimed figure: below it a claim divides to zero hours (a denormal, not a claim)
Claim = Annotated[float, between(MIN_CLAIM, MAX_FIGURE)]
Pue = Annotated[float, between(1, MAX_PUE)]
LawValue = Annotated[float, between(0, 1e9)]


MAX_RATIO = (
    10  # a field bounded at 10 or less is a ratio (a share, a fraction, a multiple): "25%" is 0.25 there
)


def number(v, what: str, lo: float = 0.0, strict: bool = False, hi: float = 1e15, ratio: bool | None = None):
    """The one number parser of the schema: 1.5e12, "2,000", "1T" (units.parse_count), "$2.5", and "25%"
    (units.parse_share) where the field is a ratio (`ratio`, by default an upper bound of at most MAX_RATIO);
    then the bounds."""
    if v is None:
        return v
    if isinstance(v, bool):
        raise ValueError(f"must be {what} (got {v!r})")
    text = v.strip() if isinstance(v, str) else None
    try:
        if text is not None and text.endswith("%") and (hi <= MAX_RATIO if ratio is None else ratio):
            x = parse_share(text)
        elif text is not None and text[-1:].isalpha():
            x = parse_count(text)
        else:
            x = float(str(v).replace(",", "").lstrip("$"))
    except (TypeError, ValueError):
        raise ValueError(f"must be {what} (got {v!r})") from None
    if x != x or x in (float("inf"), float("-inf")) or x < lo or (strict and x <= lo):
        raise ValueError(f"must be {what} (got {v!r})")
    if x > hi:
        raise ValueError(f"must be {what}, at most {hi:g} (got {v!r})")
    return x


def field_check(fields: tuple[str, ...], check, *args, check_fields: bool | None = None, **kw) -> Any:
    """A before-validator of fields that returns check(v, *args, **kw): one factory for the many
    validators of the same shape (a number or a whole number within bounds)."""

    def validate(cls, v):
        return check(v, *args, **kw)

    return field_validator(*fields, mode="before", check_fields=check_fields)(validate)


def bounded(v, what: str, cap: float, over: str, lo: float = 0.0, strict: bool = False):
    """number(v, what, lo, strict), and at most cap, with its own message (`must be {over}`) above it."""
    x = number(v, what, lo=lo, strict=strict, ratio=cap <= MAX_RATIO)
    if x is not None and x > cap:
        raise ValueError(f"must be {over} (got {v!r})")
    return x


def parsed(v, what: str, parse, ok, errors: tuple = (TypeError, ValueError)):
    """parse(v), which must not raise one of errors and must pass ok; else `must be {what}`. None passes."""
    if v is None:
        return v
    try:
        x = parse(v)
    except errors:
        raise ValueError(f"must be {what} (got {v!r})") from None
    if not ok(x):
        raise ValueError(f"must be {what} (got {v!r})")
    return x


def capped_count(v, hi: float, what: str):
    """A count such as 2T or 1.5e12, at most hi; None passes (the field is optional)."""
    if v is None:
        return v
    x = parse_count(v)
    if x > hi:
        raise ValueError(f"must be at most {what} (got {v!r})")
    return x


def positive_int(v, what: str, lo: int = 1, hi: int = MAX_SEQUENCES):
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

    model: PathText | None = None  # a catalog name, or (CLI and Python API only) a path to a config.json
    seq_len: SeqLen | None = None
    gpu: Name | None = None
    gpus: Gpus | None = None
    precision: Precision | None = None

    @field_validator("framework", mode="before", check_fields=False)
    @classmethod
    def _framework(cls, v):
        if v is None:
            return v
        try:
            return resolve_framework(str(v))[0]
        except InputError as e:
            raise ValueError(e.message if hasattr(e, "message") else str(e)) from None

    @field_validator("model", "gpu", mode="before")
    @classmethod
    def _nonempty(cls, v, info: ValidationInfo):
        if v is not None and (not isinstance(v, str) or not v.strip()):
            raise ValueError("must be a non-empty name")
        limit = MAX_NAME if info.field_name == "gpu" else MAX_PATH
        if v is not None and len(v) > limit:
            raise ValueError(f"must be a name of at most {limit} characters (got {len(v):,})")
        return v

    @field_validator("seq_len", mode="before")
    @classmethod
    def _seq_len(cls, v):
        if v is None:
            return v
        try:
            # context lengths are powers of two: "8K" means 8192 here
            x = (
                parse_count(v[:-1]) * 1024
                if isinstance(v, str) and v.strip()[-1:] in "kK"
                else parse_count(v)
            )
        except ValueError:
            raise ValueError(
                f"must be a positive whole number of tokens such as 4096 or 8K (got {v!r})"
            ) from None
        if x != int(x) or x > MAX_SEQ_LEN:
            raise ValueError(f"must be a positive whole number of tokens up to 10M (got {v!r})")
        return int(x)

    @field_validator("gpus", mode="before")
    @classmethod
    def _gpus(cls, v):
        if v is None:
            return v
        what = f"a whole number of accelerators from 1 to {MAX_GPUS:,}"
        try:
            x = parse_count(v)
        except ValueError:
            raise ValueError(f"must be {what} (got {v!r})") from None
        if x != int(x) or x > MAX_GPUS:
            raise ValueError(f"must be {what} (got {v!r})")
        return int(x)
