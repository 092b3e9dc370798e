"""The `measured:` section of a hardware file (written by `traincost probe`): validation, and the mapping
of the measured curves onto the performance model's constants. No I/O, no torch.

Each measured number replaces the catalog's as a fraction of the same entry's datasheet figure, so the
datasheet stays the MFU denominator and the model's formulas are unchanged:
  gemm          = fitted large-GEMM rate / dense peak of the precision, gemm_ramp_us = fitted knee / rate (a fixed time per GEMM);
  attention_fwd = measured attention rate / bf16 peak (and the backward, in the model's FLOP count);
  hbm           = median bandwidth of the memory-bound training kernels / datasheet memory bandwidth;
  scale_up/out  = fitted bus bandwidth of the tier / per-direction link bandwidth, with its latency;
  kernel_overhead_us = measured cost of a tiny kernel.
Whatever the probe could not measure keeps the catalog's value, and the source string says which is which.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from traincost.errors import InputError

SECTIONS = (
    "provenance",
    "gemm",
    "attention",
    "memory",
    "kernel_overhead_us",
    "collectives",
    "block",
    "not_measured",
    "truncated",
    "report",
)


def _pos(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and v > 0


def validate_measured(d: Any, where: str) -> dict:
    """Check the shape and the numbers the model uses; errors name the entry and the field."""
    if not isinstance(d, dict):
        raise InputError(where, "must be a mapping (as written by traincost probe)")
    bad = [k for k in d if k not in SECTIONS]
    if bad:
        raise InputError(f"{where}.{bad[0]}", f"unknown section; accepted: {', '.join(SECTIONS)}")
    if not isinstance(d.get("provenance"), dict) or not d["provenance"].get("device"):
        raise InputError(f"{where}.provenance", "must name the probed device (and date, torch version)")
    for dt, g in (d.get("gemm") or {}).items():
        if (
            not isinstance(g, dict)
            or not _pos(g.get("rate_tflops"))
            or not isinstance(g.get("knee_gflop"), int | float)
        ):
            raise InputError(f"{where}.gemm.{dt}", "needs a positive rate_tflops and a knee_gflop")
    _check_numbers(d, where)
    return d


def _check_numbers(d: dict, where: str) -> None:
    """The attention, memory, collective and kernel-overhead numbers the model reads."""
    checks = [("attention", ("fwd_tflops", "bwd_tflops")), ("memory", ("kernels_gbs",))]
    for sec, keys in checks:
        for k in keys:
            if d.get(sec) and not _pos(d[sec].get(k)):
                raise InputError(f"{where}.{sec}.{k}", "must be a positive number")
    for tier, t in ((d.get("collectives") or {}).get("tiers") or {}).items():
        if tier not in ("scale_up", "scale_out"):
            raise InputError(f"{where}.collectives.tiers.{tier}", "accepted tiers: scale_up, scale_out")
        if not _pos(t.get("bus_gbs")) or not isinstance(t.get("latency_step_us"), int | float):
            raise InputError(
                f"{where}.collectives.tiers.{tier}", "needs a positive bus_gbs and a latency_step_us"
            )
    if "kernel_overhead_us" in d and not isinstance(d["kernel_overhead_us"], int | float):
        raise InputError(f"{where}.kernel_overhead_us", "must be a number")


def overrides(acc, measured: dict, dtype: str | None = None) -> dict[str, float]:
    """Efficiency fields the measurements replace, as fractions of `acc`'s datasheet numbers."""
    out: dict[str, float] = {}
    gemms = measured.get("gemm") or {}
    dt = dtype or acc.training_dtype("bf16")
    key = dt if dt in gemms else next((k for k in ("bf16", "fp16") if k in gemms), None)
    if key and acc.peak_tflops.get(key):
        out["gemm"] = gemms[key]["rate_tflops"] * 1e12 / acc.peak_flops(key)
        # rate(F) = R F / (F + knee) means t = F/R + knee/R: a fixed time knee/R per GEMM (Efficiency.gemm_ramp_us)
        out["gemm_ramp_us"] = float(gemms[key]["knee_gflop"]) / gemms[key]["rate_tflops"] * 1e3
    att = measured.get("attention")
    if att:
        peak = acc.peak_flops("bf16")
        out["attention_fwd"] = att["fwd_tflops"] * 1e12 / peak
        out["attention_bwd"] = att["bwd_tflops"] * 1e12 / peak
    mem = measured.get("memory")
    if mem:
        out["hbm"] = mem["kernels_gbs"] / (acc.memory_bw_tbps * 1e3)
    tiers = (measured.get("collectives") or {}).get("tiers") or {}
    for tier, bw, lat in (
        ("scale_up", acc.scale_up_bw_gbs, "latency_up_us"),
        ("scale_out", acc.scale_out_bw_gbs, "latency_out_us"),
    ):
        t = tiers.get(tier)
        if t and bw:
            out[tier] = t["bus_gbs"] / bw
            out[lat] = float(t["latency_step_us"])
    if isinstance(measured.get("kernel_overhead_us"), int | float):
        out["kernel_overhead_us"] = float(measured["kernel_overhead_us"])
    return out


def provenance_line(measured: dict) -> str:
    p = measured.get("provenance") or {}
    where = p.get("file", "hardware file")
    return f"probe: {where}, {p.get('device', '?')}, {p.get('date', '?')}"


def apply_measured(base, acc, dtype: str | None = None):
    """`base` (the catalog's Efficiency for the accelerator) with the probe's measurements in place."""
    m = acc.measured
    fields = {f.name for f in dataclasses.fields(base)}
    ov = {k: v for k, v in overrides(acc, m, dtype).items() if k in fields}
    kept = sorted(
        k
        for k in ("gemm", "attention_fwd", "hbm", "scale_up", "scale_out", "kernel_overhead_us")
        if k in fields and k not in ov
    )
    src = f"{provenance_line(m)}; measured: {', '.join(sorted(ov)) or 'nothing'}"
    if kept:
        whose = (
            f"{acc.generation} constants" if getattr(base, "calibrated", False) else "uncalibrated defaults"
        )
        src += f"; kept from the catalog ({whose}): {', '.join(kept)}"
    extra = {"source": src} if "source" in fields else {}
    if "pinned" in fields:  # the per-problem GEMM and attention tables must not replace what was measured
        extra["pinned"] = tuple(sorted(ov))
    if "calibrated" in fields:
        extra["calibrated"] = True
    return dataclasses.replace(base, **ov, **extra)
