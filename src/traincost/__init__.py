"""traincost: what an LLM training run will cost, and why."""

from __future__ import annotations

from traincost.errors import InputError

__all__ = [
    "InputError",
    "Scenario",
    "estimate",
    "plan",
    "compare",
    "audit",
    "validate",
    "Estimate",
    "__version__",
]
_API = (
    "estimate",
    "plan",
    "compare",
    "audit",
    "validate",
    "EstimateResult",
    "PlanResult",
    "CompareResult",
    "AuditResult",
    "ValidationResult",
)
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: keep `import traincost` (and the CLI's start) light
    if (
        name in _API
    ):  # the Python API (traincost/api.py): typed results with to_dict, to_dataframe, _repr_html_
        from traincost import api as _api

        return getattr(_api, name)
    if name == "Estimate":
        from traincost.usecases import results as _e

        return _e.Estimate
    if name == "catalog":
        import importlib

        return importlib.import_module("traincost.catalog")
    if name == "Scenario":
        from traincost.schema import Scenario

        return Scenario
    raise AttributeError(name)
