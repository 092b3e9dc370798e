"""Run stage: from throughput to tokens/s, GPU-hours and wall-clock time, and what failures,
restarts and checkpoints add to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

SECONDS_PER_HOUR = 3600.0
# Daly (2006), "A higher order estimate of the optimum checkpoint interval": coefficient of the third-order term delta/(18 M) of the optimal checkpoint interval
DALY_THIRD_ORDER = 18
HOURS_PER_DAY = 24.0


def tokens_per_second(n_gpus: int, peak_flops: float, mfu: float, model_flops_per_token: float) -> float:
    """Cluster throughput: MFU = (tokens/s x model FLOPs per token) / (GPUs x peak FLOP/s)
    (Chowdhery et al. 2022, PaLM, Appendix B), solved for tokens/s."""
    return mfu * n_gpus * peak_flops / model_flops_per_token


def gpu_hours(tokens: float, tokens_per_s: float, n_gpus: int) -> float:
    return tokens / tokens_per_s * n_gpus / SECONDS_PER_HOUR


def wall_clock_days(tokens: float, tokens_per_s: float) -> float:
    return tokens / tokens_per_s / SECONDS_PER_HOUR / HOURS_PER_DAY


# ----------------------------------------------------------------------------- reliability


def young_daly_interval(checkpoint_s, mtbf_s):
    """Optimal time between checkpoints. Young (1974): sqrt(2·δ·M); Daly (2006) refines it to
    sqrt(2·δ·M)·(1 + sqrt(δ/(2M))/3 + δ/(18M)) - δ for δ < 2M, and M otherwise (the form used by
    LLNL SCR's scr_ckpt_interval.py). Works on floats and NumPy arrays."""
    d, m = np.asarray(checkpoint_s, dtype=float), np.asarray(mtbf_s, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.sqrt(2 * d * m) * (1 + np.sqrt(d / (2 * m)) / 3 + d / (DALY_THIRD_ORDER * m)) - d
    out = np.where(d >= 2 * m, m, tau)
    return float(out) if out.ndim == 0 else out


def daly_wall_time(solve_s, mtbf_s, checkpoint_s, restart_s, interval_s):
    """Expected wall-clock time of a job needing `solve_s` of failure-free compute, checkpointing every
    `interval_s` (each checkpoint stalling `checkpoint_s`), with exponentially distributed failures of
    mean `mtbf_s` and `restart_s` to restart after each (Daly 2006, eq. 13):
    T_w = M·e^{R/M}·(e^{(τ+δ)/M} - 1)·T_s/τ."""
    m, t, d, r = mtbf_s, interval_s, checkpoint_s, restart_s
    out = m * np.exp(r / m) * np.expm1((t + d) / m) * solve_s / t
    return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True)
class Reliability:
    """Failures and checkpoints of one run (floats, or arrays when sampled)."""

    interruptions: Any  # expected number of unplanned interruptions
    mtbf_hours: Any  # of the whole job
    checkpoint_interval_min: Any
    checkpoint_write_s: Any
    restart_min: Any
    goodput: Any  # failure-free time / wall-clock time
    wall_clock_days: Any  # with checkpoints, failures and restarts
    extra_days: Any
    extra_gpu_hours: Any


def reliability(solve_days, n_gpus, rate_per_gpu_hour, checkpoint_write_s, restart_min) -> Reliability:
    """Expected overhead of failures for a run of `solve_days` failure-free days on `n_gpus`, whose
    interruption rate grows linearly with the number of accelerators (Llama 3: 419 unexpected
    interruptions in 54 days on 16,384 H100; Dubey et al. 2024, Sec. 3.3.4). Vectorised: any argument
    may be a NumPy array (Monte Carlo)."""
    solve_s = np.asarray(solve_days, dtype=float) * HOURS_PER_DAY * SECONDS_PER_HOUR
    rate = np.asarray(rate_per_gpu_hour, dtype=float)
    delta = np.maximum(np.asarray(checkpoint_write_s, dtype=float), 1e-3)
    restart_s = np.asarray(restart_min, dtype=float) * 60.0
    safe_rate = np.where(rate > 0, rate, 1.0)
    mtbf_s = np.where(rate > 0, SECONDS_PER_HOUR / (safe_rate * n_gpus), np.inf)
    finite_m = np.where(np.isfinite(mtbf_s), mtbf_s, 1.0)
    tau = np.maximum(young_daly_interval(delta, finite_m), 1.0)
    with np.errstate(over="ignore", invalid="ignore"):  # the no-failure lanes are replaced below
        wall_fail = daly_wall_time(solve_s, finite_m, delta, restart_s, tau)
    # without failures one checkpoint at the end is all a run needs
    wall = np.where(np.isfinite(mtbf_s), wall_fail, solve_s + delta)
    tau = np.where(np.isfinite(mtbf_s), tau, solve_s)
    interruptions = np.where(np.isfinite(mtbf_s), wall / finite_m, 0.0)
    days = wall / SECONDS_PER_HOUR / HOURS_PER_DAY
    solve_d = solve_s / SECONDS_PER_HOUR / HOURS_PER_DAY

    def out(x):
        x = np.asarray(x, dtype=float)
        return float(x) if x.ndim == 0 else x

    return Reliability(
        interruptions=out(interruptions),
        mtbf_hours=out(mtbf_s / SECONDS_PER_HOUR),
        checkpoint_interval_min=out(tau / 60.0),
        checkpoint_write_s=out(delta),
        restart_min=out(np.asarray(restart_min, dtype=float)),
        goodput=out(solve_s / wall),
        wall_clock_days=out(days),
        extra_days=out(days - solve_d),
        extra_gpu_hours=out((days - solve_d) * HOURS_PER_DAY * n_gpus),
    )
