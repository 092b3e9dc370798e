"""The Python API: one function per command, each returning a typed result with ``to_dict()`` (the
command's --json), ``to_dataframe()`` where the result is a table (pandas is optional), ``text()`` (the
terminal's answer paragraph) and ``_repr_html_()`` for Jupyter (the report's answer-first card and charts).

>>> import traincost
>>> r = traincost.estimate(model="llama-3.1-8b", tokens="100B", gpus=64)  # doctest: +SKIP
>>> r.cost.total_usd, r.to_dataframe("bill")                                # doctest: +SKIP
"""

from __future__ import annotations

import json
from typing import Any

from traincost.decide.compare import expand, parse_budget, parse_deadline, parse_partners, run_compare
from traincost.errors import InputError
from traincost.present import exports
from traincost.present.answer import (
    audit_paragraph,
    compare_paragraph,
    estimate_text,
    plan_paragraph,
    validate_paragraph,
)
from traincost.present.cards import audit_card, compare_card, estimate_card, plan_card, validate_card
from traincost.present.exports import compare_rows, estimate_csv, plan_rows
from traincost.trust.summary import validation_report
from traincost.usecases.audit import run_audit
from traincost.usecases.estimate import estimate as run_estimate
from traincost.usecases.plan import DEFAULT_TOP, run_plan
from traincost.usecases.results import AuditOutput, Estimate, PlanOutput


def _frame(rows: list[dict[str, Any]]):
    try:
        import pandas as pd
    except ImportError:
        raise InputError("to_dataframe", "needs pandas: pip install pandas (or use to_dict())") from None
    return pd.DataFrame(rows)


class EstimateResult(Estimate):
    """The result of :func:`estimate` (every field of :class:`traincost.usecases.results.Estimate`)."""

    def text(self) -> str:
        return estimate_text(self)

    def to_dataframe(self, table: str = "bill"):
        """bill (default), ranges, assumptions or drivers (what moves the total most) as a DataFrame."""
        tables = {
            "bill": exports.bill_rows,
            "ranges": exports.ranges_rows,
            "assumptions": exports.assumption_rows,
            "drivers": lambda r: r.ranges.get("drivers", []),
        }
        if table not in tables:
            raise InputError("table", f"must be one of {', '.join(tables)} (got {table!r})")
        return _frame(tables[table](self))

    def to_csv(self, table: str = "bill") -> str:
        return estimate_csv(self, table)

    def _repr_html_(self) -> str:
        return estimate_card(self)


class PlanResult(PlanOutput):
    """The result of :func:`plan`: the fastest layout that fits and the runners-up."""

    def text(self) -> str:
        head, body = plan_paragraph(self)
        return " ".join([head, *body])

    def to_dataframe(self):
        return _frame(plan_rows(self))

    def _repr_html_(self) -> str:
        return plan_card(self)


class AuditResult(AuditOutput):
    """The result of :func:`audit`: one verdict per claimed figure."""

    def text(self) -> str:
        head, body = audit_paragraph(self)
        return " ".join([head, *body])

    def to_dataframe(self):
        return _frame(self.verdicts)

    def _repr_html_(self) -> str:
        return audit_card(self)


class CompareResult:
    """The result of :func:`compare`: ``candidates`` (one estimate per candidate, as dicts) and ``summary``."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data
        self.candidates: list[dict[str, Any]] = data["candidates"]
        self.summary: dict[str, Any] = data["summary"]
        self.mode: str = data["mode"]

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(self._data, default=float))

    def text(self) -> str:
        head, body = compare_paragraph(self._data)
        return " ".join([head, *body])

    def to_dataframe(self):
        return _frame(compare_rows(self._data))

    def _repr_html_(self) -> str:
        return compare_card(self._data)


class ValidationResult:
    """The result of :func:`validate`: ``sections`` (runs, throughput, memory), each with rows and a summary."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.sections = data

    def to_dict(self) -> dict[str, Any]:
        return self.sections

    def text(self) -> str:
        head, body = validate_paragraph(self.sections)
        return " ".join([head, *body])

    def to_dataframe(self, section: str = "runs"):
        if section not in self.sections:
            raise InputError("section", f"must be one of {', '.join(self.sections)} (got {section!r})")
        return _frame(self.sections[section]["rows"])

    def _repr_html_(self) -> str:
        return validate_card(self.sections)


def _as(cls, obj):
    return cls(**{k: getattr(obj, k) for k in type(obj).model_fields})


def estimate(scenario=None, **kwargs: Any) -> EstimateResult:
    """Estimate a training run: the same fields as `traincost estimate` (a Scenario, a dict and/or keywords)."""
    return _as(EstimateResult, run_estimate(scenario, **kwargs))


def plan(top: int = DEFAULT_TOP, **kwargs: Any) -> PlanResult:
    """Search parallel layouts (or evaluate the one given): the fields of `traincost plan`."""
    return _as(PlanResult, run_plan(kwargs, top=top))


def audit(**kwargs: Any) -> AuditResult:
    """Check a claim: any of gpu_hours, days (with gpus) and cost (price optional)."""
    return _as(AuditResult, run_audit(kwargs))


def compare(
    scenario: dict | None = None,
    *,
    candidates: list[dict] | None = None,
    deadline: str | None = None,
    budget: str | None = None,
    partners: str | None = None,
    **kwargs: Any,
) -> CompareResult:
    """Compare candidate runs: lists to combine (keywords models, gpus_list, hardware, providers) or explicit
    `candidates` overriding the base scenario; optional deadline, budget and partners as in the CLI; other
    keywords are scenario fields."""
    models, gpus_list, hardware, providers = (
        kwargs.pop(k, None) for k in ("models", "gpus_list", "hardware", "providers")
    )
    for value, parse in ((deadline, parse_deadline), (budget, parse_budget), (partners, parse_partners)):
        if value is not None:
            parse(str(value))
    base = {**(scenario or {}), **kwargs}
    cands = expand(base, models, gpus_list, hardware, providers, candidates)
    return CompareResult(run_compare(base, cands, deadline, budget, partners))


def validate(runs: bool = True, throughput: bool = False, memory: bool = False) -> ValidationResult:
    """traincost's predictions vs published runs (and, optionally, throughput and memory measurements)."""
    return ValidationResult(validation_report(runs, throughput, memory))
