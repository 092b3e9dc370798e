"""Parsing of human quantities ("1T", "500B", "1.5e12", "2,000,000,000") and their display."""

from __future__ import annotations

import math
import re

_SUFFIX = {"": 1.0, "K": 1e3, "M": 1e6, "B": 1e9, "G": 1e9, "T": 1e12, "P": 1e15}
_NUM = re.compile(r"^\s*([+-]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([kKmMbBgGtTpP]?)\s*$")

# standard normal 90th percentile (Phi^-1(0.9)): a P10/P90 pair is value -/+ Z90 sigma
Z90 = 1.2815515655446004
# the percentiles every range reports: P10, P50 (median), P90
PERCENTILES = (10, 50, 90)
# money display switches from $1,234.56 to $12.3k at ten thousand dollars (presentation)
USD_K_FROM = 1e4

ACCEPTED_COUNT = "a positive number such as 1T, 500B, 1.5e12 or 2,000,000,000"


def parse_count(value: object) -> float:
    """Parse a (large) positive count such as a token count.

    Accepts numbers and strings with an optional K/M/B(G)/T/P suffix, thousands separators and
    scientific notation. Raises ``ValueError`` with a message that says what is accepted.
    """
    if isinstance(value, bool):
        raise ValueError(f"must be {ACCEPTED_COUNT} (got {value!r})")
    if isinstance(value, int | float):
        x = float(value)
    elif isinstance(value, str):
        m = _NUM.match(value)
        if not m:
            raise ValueError(f"must be {ACCEPTED_COUNT} (got {value!r})")
        x = float(m.group(1).replace(",", "").replace("_", "")) * _SUFFIX[m.group(2).upper()]
    else:
        raise ValueError(f"must be {ACCEPTED_COUNT} (got {value!r})")
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"must be {ACCEPTED_COUNT} (got {value!r})")
    return x


_DURATION = re.compile(r"^\s*((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$")


def parse_duration(value: object, units: dict[str, float]) -> float:
    """Parse a positive duration such as '30s', '6w' or '90': a number and one of `units` (suffix -> factor
    to the caller's unit; '' for a bare number). The one duration parser: each caller names its units (so
    'm' is minutes for a probe budget, months for a deadline). Raises ``ValueError``."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    m = _DURATION.match(str(value).lower())
    if not m or m.group(2) not in units:
        raise ValueError(f"not a duration: {value!r}")
    x = float(m.group(1)) * units[m.group(2)]
    if not math.isfinite(x) or x <= 0:
        raise ValueError(f"not a positive duration: {value!r}")
    return x


def parse_share(value: object) -> float:
    """Parse a share given as a fraction or a percentage: 0.4, "0.4", "40%" -> 0.4. The one share parser
    (schema's MFU takes it; any share field can). Raises ``ValueError``; the caller checks the range."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a share: {value!r}")
    text = str(value).strip()
    try:
        x = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"not a share: {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"not a share: {value!r}")
    return x


def human(x: float, digits: int = 3) -> str:
    """1.72e12 -> '1.72T'; 68976648192 -> '69.0B'."""
    for suffix, scale in (("P", 1e15), ("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(x) >= scale:
            return f"{x / scale:.{digits}g}{suffix}"
    return f"{x:.{digits}g}"


def usd(x: float) -> str:
    """The one money format: $2.37M, $366.0k, $235.13, $0.023 (prices under a dollar keep 4 significant
    digits), -$1.20k."""
    if x < 0:
        return "-" + usd(-x)
    if 0 < x < 1:
        return f"${x:.4g}"
    if x >= 1e6:
        return f"${x / 1e6:,.2f}M"
    if x >= USD_K_FROM:
        return f"${x / 1e3:,.1f}k"
    return f"${x:,.2f}"


def one_line(text: str) -> str:
    """A source or note on one line, whole: the terminal abbreviates long sources as numbered references, so
    nothing is cut."""
    return " ".join(str(text).split())
