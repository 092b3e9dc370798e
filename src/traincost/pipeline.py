"""Compatibility: the use cases moved to ``traincost.usecases`` (one per module) and their results to
``traincost.usecases.results``; ``from traincost.pipeline import estimate`` keeps working."""

from __future__ import annotations

from traincost.usecases.audit import best_published_mfu, run_audit
from traincost.usecases.common import LAYOUT_FIELDS, build_problem
from traincost.usecases.estimate import estimate
from traincost.usecases.fit_cpt import run_fit_cpt
from traincost.usecases.plan import run_plan
from traincost.usecases.results import (
    Assumption,
    AuditOutput,
    BillLine,
    CostInfo,
    Estimate,
    FlopsInfo,
    HardwareInfo,
    ModelInfo,
    PlanOutput,
    ThroughputInfo,
    TimeInfo,
)

__all__ = [
    "LAYOUT_FIELDS",
    "Assumption",
    "AuditOutput",
    "BillLine",
    "CostInfo",
    "Estimate",
    "FlopsInfo",
    "HardwareInfo",
    "ModelInfo",
    "PlanOutput",
    "ThroughputInfo",
    "TimeInfo",
    "best_published_mfu",
    "build_problem",
    "estimate",
    "run_audit",
    "run_fit_cpt",
    "run_plan",
]
