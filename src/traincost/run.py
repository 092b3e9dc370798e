"""Run stage: from throughput to tokens/s, GPU-hours and wall-clock time, and what failures,
restarts and checkpoints add to it."""

from __future__ import annotations

import math
from dataclasses import dataclass

SECONDS_PER_HOUR = 3600.0
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


def young_daly_interval(checkpoint_s: float, mtbf_s: float) -> float:
    """Optimal time between checkpoints. Young (1974): sqrt(2·δ·M); Daly (2006) refines it to
    sqrt(2·δ·M)·(1 + sqrt(δ/(2M))/3 + δ/(18M)) - δ for δ < 2M, and M otherwise (the form used by
    LLNL SCR's scr_ckpt_interval.py)."""
    d, m = checkpoint_s, mtbf_s
    if d >= 2 * m:
        return m
    return math.sqrt(2 * d * m) * (1 + math.sqrt(d / (2 * m)) / 3 + d / (18 * m)) - d


def daly_wall_time(solve_s: float, mtbf_s: float, checkpoint_s: float, restart_s: float, interval_s: float) -> float:
    """Expected wall-clock time of a job needing `solve_s` of failure-free compute, checkpointing every
    `interval_s` (each checkpoint stalling `checkpoint_s`), with exponentially distributed failures of
    mean `mtbf_s` and `restart_s` to restart after each (Daly 2006, eq. 13):
    T_w = M·e^{R/M}·(e^{(τ+δ)/M} - 1)·T_s/τ."""
    m, t, d, r = mtbf_s, interval_s, checkpoint_s, restart_s
    return m * math.exp(r / m) * math.expm1((t + d) / m) * solve_s / t


@dataclass(frozen=True)
class Reliability:
    """Failures and checkpoints of one run."""

    interruptions: float  # expected number of unplanned interruptions
    mtbf_hours: float  # of the whole job
    checkpoint_interval_min: float
    checkpoint_write_s: float
    restart_min: float
    goodput: float  # failure-free time / wall-clock time
    wall_clock_days: float  # with checkpoints, failures and restarts
    extra_days: float
    extra_gpu_hours: float


def reliability(
    solve_days: float, n_gpus: int, rate_per_gpu_hour: float, checkpoint_write_s: float, restart_min: float,
    interval_min: float | None = None,
) -> Reliability:
    """Expected overhead of failures for a run of `solve_days` failure-free days on `n_gpus`, whose
    interruption rate grows linearly with the number of accelerators (Llama 3: 419 unexpected
    interruptions in 54 days on 16,384 H100; Dubey et al. 2024, Sec. 3.3.4)."""
    solve_s = solve_days * HOURS_PER_DAY * SECONDS_PER_HOUR
    mtbf_s = SECONDS_PER_HOUR / (rate_per_gpu_hour * n_gpus) if rate_per_gpu_hour > 0 else float("inf")
    restart_s = restart_min * 60.0
    if math.isinf(mtbf_s):
        tau = interval_min * 60.0 if interval_min else max(solve_s, 1.0)
        wall = solve_s * (1 + checkpoint_write_s / tau)
        interruptions = 0.0
    else:
        tau = interval_min * 60.0 if interval_min else young_daly_interval(checkpoint_write_s, mtbf_s)
        tau = max(tau, 1.0)
        wall = daly_wall_time(solve_s, mtbf_s, checkpoint_write_s, restart_s, tau)
        interruptions = wall / mtbf_s
    days = wall / SECONDS_PER_HOUR / HOURS_PER_DAY
    return Reliability(
        interruptions=interruptions, mtbf_hours=mtbf_s / SECONDS_PER_HOUR, checkpoint_interval_min=tau / 60.0,
        checkpoint_write_s=checkpoint_write_s, restart_min=restart_min, goodput=solve_s / wall,
        wall_clock_days=days, extra_days=days - solve_days, extra_gpu_hours=(days - solve_days) * HOURS_PER_DAY * n_gpus,
    )
