"""User-facing inputs: one validated schema shared by the CLI flags, scenario files, the Python API
and the web API, so all of them accept the same things and report the same errors.

``bounds`` holds the field types and their limits, ``scenario`` the Scenario, ``requests`` the plan and
audit requests and ``make_request``; everything public is re-exported here."""

from __future__ import annotations

from traincost.schema.bounds import (
    MAX_GPUS,
    MAX_NAME,
    MAX_SEQ_LEN,
    MIN_CLAIM,
    BatchTokens,
    Claim,
    CptKey,
    DataKind,
    Depreciation,
    Duration,
    Facility,
    Fraction,
    Framework,
    Gpus,
    LawValue,
    Months,
    Name,
    NonNeg,
    Optimizer,
    PathText,
    Positive,
    Precision,
    Price,
    Pricing,
    Pue,
    RecomputeName,
    RunFields,
    RunKind,
    Schedule,
    SeqLen,
    Sequences,
    Share,
    StorageClass,
    Tokens,
)
from traincost.schema.requests import AuditRequest, PlanRequest, first_error, make_request, make_scenario
from traincost.schema.scenario import Scenario

__all__ = ["MAX_GPUS", "MAX_NAME", "MAX_SEQ_LEN", "MIN_CLAIM", "AuditRequest", "BatchTokens", "Claim", "CptKey",
           "DataKind", "Depreciation", "Duration", "Facility", "Fraction", "Framework", "Gpus", "LawValue", "Months",
           "Name", "NonNeg", "Optimizer", "PathText", "PlanRequest", "Positive", "Precision", "Price", "Pricing", "Pue",
           "RecomputeName", "RunFields", "RunKind", "Schedule", "Scenario", "SeqLen", "Sequences", "Share",
           "StorageClass", "Tokens", "first_error", "make_request", "make_scenario"]
