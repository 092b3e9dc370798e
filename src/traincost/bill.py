"""Bill stage: what the run costs."""

from __future__ import annotations


def compute_cost(gpu_hours: float, price_per_gpu_hour: float) -> float:
    """Rented compute: accelerator-hours x price per accelerator-hour."""
    return gpu_hours * price_per_gpu_hour
