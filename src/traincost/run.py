"""Run stage: from FLOPs and throughput to tokens/s, GPU-hours and wall-clock time."""

from __future__ import annotations

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
