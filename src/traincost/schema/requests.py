"""The other requests (plan, audit) and turning any input dict into a validated request, or one InputError."""

from __future__ import annotations

from typing import Annotated

from pydantic import ValidationError, field_validator

from traincost.errors import InputError
from traincost.schema.bounds import (
    MAX_FIGURE,
    MAX_GPUS,
    MAX_INTERLEAVE,
    MAX_TOKENS,
    BatchTokens,
    Claim,
    Framework,
    Gpus,
    Optimizer,
    PathText,
    Price,
    RecomputeName,
    RunFields,
    Sequences,
    Tokens,
    between,
    capped_count,
    field_check,
    number,
    positive_int,
)
from traincost.schema.scenario import Scenario


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
        msg = msg[len("Value error, ") :]
    return InputError(field, msg)


def make_scenario(data: dict | None = None, /, **overrides) -> Scenario:
    """Validate a dict (from flags, a file or a request) into a Scenario; raises InputError."""
    return make_request(Scenario, data, **overrides)


class PlanRequest(RunFields):
    """Inputs of `traincost plan`: a model on a cluster, optionally with parts of the layout fixed."""

    global_batch: Sequences | None = None
    global_batch_tokens: BatchTokens | None = None
    optimizer: Optimizer | None = None
    framework: Framework | None = None  # training framework profile (data/frameworks.yaml)
    hardware_file: PathText | None = None
    tp: Gpus | None = None
    pp: Gpus | None = None
    dp: Gpus | None = None
    cp: Gpus | None = None
    ep: Gpus | None = None
    zero: Annotated[int, between(0, 3)] | None = None
    micro_batch: Sequences | None = None
    recompute: RecomputeName | None = None
    interleave: Annotated[int, between(1, MAX_INTERLEAVE)] | None = None

    _gbt = field_validator("global_batch_tokens", mode="before")(Scenario._gbt.__func__)

    _sizes = field_check(("global_batch", "micro_batch"), positive_int, "a whole number from 1 to 10,000,000")

    _parallel = field_check(
        ("tp", "pp", "dp", "cp", "ep"), positive_int, f"a whole number from 1 to {MAX_GPUS:,}", hi=MAX_GPUS
    )

    _interleave = field_check(
        ("interleave",),
        positive_int,
        f"a whole number of virtual stages from 1 to {MAX_INTERLEAVE}",
        hi=MAX_INTERLEAVE,
    )

    _zero = field_check(("zero",), positive_int, "a ZeRO stage: 0, 1, 2 or 3", lo=0, hi=3)


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

    tokens: Tokens | None = None
    gpu_hours: Claim | None = None
    days: Claim | None = None
    cost: Claim | None = None
    price: Price | None = None

    _tokens = field_check(("tokens",), capped_count, MAX_TOKENS, "1e16 tokens")
    _price = field_validator("price", mode="before")(Scenario._price.__func__)

    @field_validator("gpu_hours", "days", "cost", mode="before")
    @classmethod
    def _claim(cls, v):
        return number(v, "a positive number such as 80000, 80k or 1.5e6", lo=0.0, strict=True, hi=MAX_FIGURE)
