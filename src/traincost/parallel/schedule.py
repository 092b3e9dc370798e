"""Pipeline schedules: how layers split over stages, how many micro-batches each stage holds in flight,
and the bubble.

* Stage split: even when the layers divide the stages (and the interleaved chunks); otherwise the middle
  stages take ``ceil(L/p)`` layers (rounded up to a multiple of the interleaving degree ``v``) and the first
  and last stages share the remainder, as Megatron-LM's ``--decoder-first-pipeline-num-layers`` /
  ``--decoder-last-pipeline-num-layers`` (and ``--pipeline-model-parallel-layout``) allow, which also leaves
  room for the embedding on the first stage and the LM head and loss on the last.
* In flight (1F1B, Narayanan et al. 2021): stage ``i`` of ``p`` holds ``min(m, p - i)`` micro-batches; with
  ``v`` interleaved chunks Megatron-LM warms up ``2(p - i - 1) + (v - 1)p`` chunks, i.e.
  ``(2(p - i - 1) + (v - 1)p + 1) / v`` stage-sized micro-batches (``p(1 + (p-1)/(pv))`` on stage 0,
  Korthikanti et al. 2022).
* Bubble: ``(p - 1)/v`` micro-batch times of the slowest stage (Narayanan et al. 2021).
"""

from __future__ import annotations

import numpy as np


def stage_layers(L: int, p: np.ndarray, v: np.ndarray):
    """Layers on the first, a middle and the last stage, and whether the split is valid (every stage and
    every interleaved chunk gets at least one layer)."""
    p = p.astype(np.float64)
    v = v.astype(np.float64)
    even = np.mod(L, p * v) == 0
    mid_u = v * np.ceil(np.ceil(L / p) / v)
    rem = L - (p - 2) * mid_u  # layers left for the first and last stages
    first_u = np.floor(rem / 2)
    last_u = rem - first_u
    two = p == 2
    first_u = np.where(two, np.floor(L / 2), first_u)
    last_u = np.where(two, L - np.floor(L / 2), last_u)
    mid_u = np.where(two, last_u, mid_u)
    first = np.where(even, L / p, first_u)
    mid = np.where(even, L / p, mid_u)
    last = np.where(even, L / p, last_u)
    one = p == 1
    first, mid, last = (np.where(one, float(L), x) for x in (first, mid, last))
    valid = one | (np.minimum(first, last) >= v) & (p <= L)
    return first, mid, last, valid


def in_flight(p: np.ndarray, v: np.ndarray, m: np.ndarray, stage: np.ndarray | float) -> np.ndarray:
    """Micro-batches of activations (in units of the whole stage) that stage ``stage`` holds at its peak."""
    p = p.astype(np.float64)
    v = v.astype(np.float64)
    i = np.asarray(stage, dtype=np.float64)
    plain = np.minimum(m, p - i)
    inter = (2 * (p - i - 1) + (v - 1) * p + 1) / v
    return np.where(p > 1, np.where(v > 1, np.minimum(inter, m * 1.0), plain), 1.0)


def pipeline_time(m: np.ndarray, p: np.ndarray, v: np.ndarray, t_stage: np.ndarray):
    """Step time of the pipeline and its bubble: (m + (p-1)/v) micro-batch times of the slowest stage."""
    bubble = (p - 1) / v * t_stage
    return m * t_stage + bubble, bubble
