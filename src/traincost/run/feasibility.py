"""Runs that never finish: when interruptions come faster than a checkpoint and a restart take, Daly's
expected wall time (Daly 2006, eq. 13, in :mod:`traincost.run.reliability`) grows without bound and a
cost would be infinite. That is an answer about the input (too many accelerators for the interruption
rate), so it is reported as an input error naming the field, never as an infinite or NaN number."""

from __future__ import annotations

import math

from traincost.errors import InputError

MAX_NONFINISHING_SHARE = 0.10  # the P90 needs at least 90% of the Monte Carlo draws to finish


def never_finishes(
    field: str, n_gpus: int, rate: float, mtbf_hours: float, share: float | None = None
) -> InputError:
    where = f"in {share:.0%} of the Monte Carlo draws " if share is not None else ""
    every = f"every {mtbf_hours * 60:.2g} min" if math.isfinite(mtbf_hours) else "constantly"
    return InputError(
        field,
        f"{where}the run never finishes: at {rate:g} interruptions per accelerator-hour, "
        f"{n_gpus:,} accelerators are interrupted {every}, faster than a checkpoint and a restart "
        "take; use fewer accelerators, a lower --interruption-rate or a shorter --restart-minutes",
    )


def check_finishes(time: dict, reliability: dict, n_gpus: int, user_rate: bool) -> None:
    """Raise when the point estimate's wall-clock time is not a finite number."""
    if not all(math.isfinite(float(time[k])) for k in ("wall_clock_days", "gpu_hours")):
        raise never_finishes(
            "interruption_rate" if user_rate else "gpus",
            n_gpus,
            float(reliability["interruption_rate_per_gpu_hour"]),
            float(reliability["mtbf_hours"]),
        )
