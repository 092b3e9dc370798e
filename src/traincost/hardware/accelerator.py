"""Accelerators as data: a typed record per accelerator, validated once when the catalog loads.

The numbers live in ``data/hardware.yaml`` (each with its source); a user can add their own
accelerators with a YAML file of the same shape (``--hardware-file``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from traincost.errors import InputError

DTYPES = ("bf16", "fp16", "fp8", "tf32", "fp32")


@dataclass(frozen=True)
class Accelerator:
    id: str
    name: str
    vendor: str
    generation: str
    peak_tflops: dict[str, float | None]  # dense, per accelerator
    memory_gb: float
    memory_bw_tbps: float
    tdp_w: float | None
    node_size: int
    scale_up_size: int
    scale_up_bw_gbs: float | None  # per direction, per accelerator
    scale_out_bw_gbs: float | None  # per direction, per accelerator
    released: str | None = None
    aliases: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    measured: dict | None = None  # curves measured by `traincost probe` (hardware/measured.py)
    kernels: dict[str, Any] = field(default_factory=dict)  # sub-model overrides (data/kernels.yaml keys)

    def peak_flops(self, dtype: str = "bf16") -> float:
        """Dense peak FLOP/s for a training precision. BF16 falls back to FP16 on parts without BF16
        (V100), since mixed-precision training then runs in FP16."""
        v = self.peak_tflops.get(dtype)
        if v is None and dtype == "bf16":
            v = self.peak_tflops.get("fp16")
        if v is None:
            have = ", ".join(k for k, x in self.peak_tflops.items() if x)
            raise InputError("precision", f"{self.id} has no published dense {dtype} peak; it has: {have}")
        return float(v) * 1e12

    def training_dtype(self, dtype: str = "bf16") -> str:
        return "fp16" if dtype == "bf16" and self.peak_tflops.get("bf16") is None else dtype


def accelerator_from_dict(d: dict[str, Any], origin: str = "hardware catalog") -> Accelerator:
    """Validate one catalog entry; errors name the entry and the field."""
    if not isinstance(d, dict) or "id" not in d:
        raise InputError(origin, "each accelerator must be a mapping with an 'id'")
    aid = str(d["id"]).lower()
    if not aid.strip() or len(aid) > 100:
        raise InputError(origin, f"each accelerator's 'id' must be a name of 1 to 100 characters (got {aid[:40]!r})")

    def num(key: str, required: bool = True, hi: float = 1e7) -> float | None:
        v = d.get(key)
        if v is None and not required:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= hi:  # NaN fails too
            raise InputError(f"{origin}: {aid}.{key}", f"must be a positive number up to {hi:g} (got {v!r})")
        return float(v)

    def whole(key: str) -> int:
        v = d.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float) or not 1 <= v <= 65536 or v != int(v):
            raise InputError(f"{origin}: {aid}.{key}", f"must be a whole number of accelerators from 1 to 65536 (got {v!r})")
        return int(v)

    for key, kind in (("sources", dict), ("aliases", list)):
        if d.get(key) is not None and not isinstance(d[key], kind):
            raise InputError(f"{origin}: {aid}.{key}", f"must be a {'mapping' if kind is dict else 'list'}")
    peaks = d.get("peak_tflops") or {}
    if not isinstance(peaks, dict) or not any(isinstance(peaks.get(k), int | float) for k in ("bf16", "fp16")):
        raise InputError(f"{origin}: {aid}.peak_tflops", "must give a dense bf16 or fp16 peak in TFLOP/s")
    clean = {}
    for k, v in peaks.items():
        if k not in DTYPES:
            raise InputError(f"{origin}: {aid}.peak_tflops", f"unknown precision '{k}'; accepted: {', '.join(DTYPES)}")
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= 1e6):
            raise InputError(f"{origin}: {aid}.peak_tflops.{k}", f"must be a positive number up to 1e6 TFLOP/s or null (got {v!r})")
        clean[k] = None if v is None else float(v)
    return Accelerator(
        id=aid,
        name=str(d.get("name", aid)),
        vendor=str(d.get("vendor", "")),
        generation=str(d.get("generation", "")),
        peak_tflops=clean,
        memory_gb=num("memory_gb"),
        memory_bw_tbps=num("memory_bw_tbps"),
        tdp_w=num("tdp_w", required=False),
        node_size=whole("node_size"),
        scale_up_size=whole("scale_up_size"),
        scale_up_bw_gbs=num("scale_up_bw_gbs", required=False),
        scale_out_bw_gbs=num("scale_out_bw_gbs", required=False),
        released=None if d.get("released") is None else str(d["released"]),
        aliases=tuple(str(a).lower() for a in d.get("aliases") or ()),
        sources={str(k): str(v) for k, v in (d.get("sources") or {}).items()},
        notes=str(d.get("notes") or ""),
        kernels=_kernels(d.get("kernels"), f"{origin}: {aid}.kernels"),
        measured=_measured(d.get("measured"), f"{origin}: {aid}.measured", origin),
    )


def _measured(d: Any, where: str, origin: str) -> dict | None:
    if d is None:
        return None
    from traincost.hardware.measured import validate_measured

    m = validate_measured(d, where)
    return {**m, "provenance": {**m["provenance"], "file": origin}}


def _kernels(v: Any, where: str) -> dict[str, Any]:
    """Optional measured sub-model constants (e.g. from `traincost probe`); see parallel/kernels.py."""
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise InputError(where, "must be a mapping of sub-model constants (gemm, hbm, scale_up, ...)")
    from traincost.parallel.kernels import SCALARS

    known = {*SCALARS, "gemm", "attention", "ref_gpu"}
    for k, x in v.items():
        if k not in known:
            raise InputError(where, f"unknown constant '{k}'; accepted: {', '.join(sorted(known))}")
        if k in SCALARS and (isinstance(x, bool) or not isinstance(x, int | float) or x < 0):
            raise InputError(f"{where}.{k}", f"must be a non-negative number (got {x!r})")
    return dict(v)
