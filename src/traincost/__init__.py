"""traincost: what an LLM training run will cost, and why."""

from __future__ import annotations

from traincost.errors import InputError

__all__ = ["InputError", "Scenario", "estimate", "Estimate", "__version__"]
__version__ = "0.1.0"


def __getattr__(name: str):  # lazy: keep `import traincost` (and the CLI's start) light
    if name in ("estimate", "Estimate"):
        from traincost import pipeline as _e

        return getattr(_e, name)
    if name == "Scenario":
        from traincost.schema import Scenario

        return Scenario
    raise AttributeError(name)
