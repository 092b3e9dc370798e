"""The comparison's inputs as the CLI, files and API give them: lists, a deadline, a budget, partners' shares
and a target loss, each parsed once with one message naming the field."""

from __future__ import annotations

import re

from traincost.errors import InputError
from traincost.money.bill import DAYS_PER_MONTH
from traincost.units import parse_count

MAX_DEADLINE_DAYS = 36525  # input limit: 100 Julian years
DAYS_PER_WEEK = 7.0  # calendar
MAX_BUDGET_USD = 1e13  # input limit: $10T, above any training budget
MAX_PARTNERS = 100  # input limit: partners sharing one bill
MAX_TARGET_LOSS = 20  # input limit: nats per token, above any language model's loss at initialisation


def split_list(v: str | None) -> list[str] | None:
    """A comma-separated CLI value as a list of its non-empty items (None when nothing is given)."""
    if v is None:
        return None
    items = [x.strip() for x in str(v).split(",") if x.strip()]
    return items or None


def parse_deadline(v: str) -> float:
    """'30d', '6w', '3m' (months of 30.4 days), '720h' or a number of days."""
    m = re.fullmatch(r"\s*([0-9]*\.?[0-9]+)\s*([hdwm]?)\s*", str(v).lower()[:100])
    if not m:
        raise InputError("deadline", f"must be a duration such as 30d, 6w, 3m or 720h (got {v!r})")
    x = (
        float(m.group(1))
        * {"": 1.0, "d": 1.0, "h": 1 / 24, "w": DAYS_PER_WEEK, "m": DAYS_PER_MONTH}[m.group(2)]
    )
    if not 0 < x <= MAX_DEADLINE_DAYS:
        raise InputError("deadline", f"must be a positive duration of at most 100 years (got {v!r})")
    return x


def parse_budget(v: str) -> float:
    try:
        x = parse_count(str(v).replace("$", "").strip())
    except ValueError:
        raise InputError(
            "budget", f"must be an amount in USD such as 500k, 2M or 750000 (got {v!r})"
        ) from None
    if x > MAX_BUDGET_USD:
        raise InputError("budget", f"must be at most $10T (got {v!r})")
    return x


def parse_partners(v: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in str(v).split(","):
        if not part.strip():
            continue
        name, _, share = part.partition(":")
        try:
            x = float(share)
        except ValueError:
            raise InputError("partners", f"must look like A:0.5,B:0.3,C:0.2 (got {v!r})") from None
        if not name.strip() or not 0 < x <= 1:  # NaN fails too
            raise InputError("partners", f"each partner needs a name and a share in (0, 1] (got {part!r})")
        if len(out) >= MAX_PARTNERS:
            raise InputError("partners", f"at most {MAX_PARTNERS} partners")
        out[name.strip()] = x
    total = sum(out.values())
    if not out or abs(total - 1.0) > 1e-6:
        raise InputError("partners", f"shares must add up to 1 (they add up to {total:g})")
    return out


def parse_target_loss(v: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        x = -1.0
    if not 0 < x < MAX_TARGET_LOSS:
        raise InputError("target_loss", f"must be a domain loss in nats per token, such as 2.05 (got {v!r})")
    return x


def check_modes(deadline: str | None, budget: str | None) -> None:
    """--deadline solves for the cluster size and --budget for the tokens: one question at a time."""
    if deadline is not None and budget is not None:
        raise InputError(
            "budget",
            "give --deadline (smallest cluster that finishes in time) or --budget (most tokens "
            "it buys), not both",
        )
