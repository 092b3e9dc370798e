"""Whole-run realism: what separates a run's steady-state throughput from its wall clock (docs/bill.md,
"Whole-run realism").

wall clock = Daly(steady days / (1 - evaluation - input stalls - batch warm-up), failures, restarts,
checkpoint stalls), where steady days = tokens / (best-layout throughput x residual). The residual is
fitted leave-one-out on published runs (scripts/calibrate_runs.py, data/realization.yaml) after these
modelled effects, so it only carries what they do not explain.
"""

from __future__ import annotations

from typing import Any

import numpy as np

# input guard: pauses are capped at 90% of the wall-clock time, so steady = paused x (1 - lost) stays finite
MAX_LOST_SHARE = 0.9
EFFECTS = ("evaluation_pause_share", "input_stall_share", "batch_warmup_share")


def paused_days(steady_days, eval_share, input_share, warmup_share) -> Any:
    """Days of cluster time once the pauses outside training steps are added: each is a share of the
    wall-clock time (not of the steady time), so steady = paused x (1 - sum of shares)."""
    lost = np.minimum(
        np.asarray(eval_share) + np.asarray(input_share) + np.asarray(warmup_share), MAX_LOST_SHARE
    )
    out = np.asarray(steady_days, dtype=float) / (1.0 - lost)
    return float(out) if out.ndim == 0 else out


def interruption_class(on_prem: bool) -> str:
    """Failure-rate class: an owned, operated fleet, or a rented cluster (data/reliability.yaml)."""
    return "owned" if on_prem else "rented"
