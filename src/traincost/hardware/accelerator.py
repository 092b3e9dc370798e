"""Accelerators as data: a typed record per accelerator, validated once when the catalog loads.

The numbers live in ``data/hardware.yaml`` (each with its source); a user can add their own
accelerators with a YAML file of the same shape (``--hardware-file``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from traincost.errors import InputError
from traincost.hardware.measured import validate_measured

DTYPES = ("bf16", "fp16", "fp8", "fp4", "tf32", "fp32")
# scalar sub-model constants a hardware file may override (read by parallel/kernels.py; data/kernels.yaml keys)
KERNEL_SCALARS = (
    "gemm_ramp_us",
    "hbm",
    "scale_up",
    "scale_out",
    "latency_up_us",
    "latency_out_us",
    "overlap_contention",
)
MAX_ID_CHARS = 100  # input limit: length of an accelerator id
SHOWN_ID_CHARS = 40  # presentation: how much of a refused id the error message shows
MAX_SPEC_NUMBER = 1e7  # input limit: largest datasheet number accepted (GB, TB/s, W, GB/s)
MAX_PEAK_TFLOPS = 1e6  # input limit: largest dense peak accepted, in TFLOP/s
MAX_DOMAIN = 65_536  # input limit: accelerators per node or scale-up domain (2^16)
MAX_POD = 262_144  # input limit: accelerators under one non-blocking pod (the largest cluster accepted)
MAX_OVERSUBSCRIPTION = 64.0  # input limit: network oversubscription ratio above a pod


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
    # scale-out fabric above the rail-optimised leaf/spine: accelerators per non-blocking pod and the
    # oversubscription of the tier above it (None / 1.0: one non-blocking fat tree, as NVIDIA's reference
    # architectures build it); traffic of a collective group spanning pods runs at 1/oversubscription
    pod_size: int | None = None
    oversubscription: float = 1.0

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


def _num(d: dict, key: str, where: str, required: bool = True, hi: float = MAX_SPEC_NUMBER) -> float | None:
    v = d.get(key)
    if v is None and not required:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= hi:  # NaN fails too
        raise InputError(f"{where}.{key}", f"must be a positive number up to {hi:g} (got {v!r})")
    return float(v)


def _whole(d: dict, key: str, where: str) -> int:
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not 1 <= v <= MAX_DOMAIN or v != int(v):
        raise InputError(
            f"{where}.{key}", f"must be a whole number of accelerators from 1 to {MAX_DOMAIN} (got {v!r})"
        )
    return int(v)


def _peaks(d: dict, where: str) -> dict[str, float | None]:
    """The dense peaks by precision: a bf16 or fp16 one required, known precisions only."""
    peaks = d.get("peak_tflops") or {}
    if not isinstance(peaks, dict) or not any(
        isinstance(peaks.get(k), int | float) for k in ("bf16", "fp16")
    ):
        raise InputError(f"{where}.peak_tflops", "must give a dense bf16 or fp16 peak in TFLOP/s")
    clean = {}
    for k, v in peaks.items():
        if k not in DTYPES:
            raise InputError(
                f"{where}.peak_tflops", f"unknown precision '{k}'; accepted: {', '.join(DTYPES)}"
            )
        if v is not None and (
            isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v <= MAX_PEAK_TFLOPS
        ):
            raise InputError(
                f"{where}.peak_tflops.{k}", f"must be a positive number up to 1e6 TFLOP/s or null (got {v!r})"
            )
        clean[k] = None if v is None else float(v)
    return clean


def accelerator_from_dict(d: dict[str, Any], origin: str = "hardware catalog") -> Accelerator:
    """Validate one catalog entry; errors name the entry and the field."""
    if not isinstance(d, dict) or "id" not in d:
        raise InputError(origin, "each accelerator must be a mapping with an 'id'")
    aid = str(d["id"]).lower()
    if not aid.strip() or len(aid) > MAX_ID_CHARS:
        raise InputError(
            origin,
            f"each accelerator's 'id' must be a name of 1 to {MAX_ID_CHARS} characters "
            f"(got {aid[:SHOWN_ID_CHARS]!r})",
        )
    where = f"{origin}: {aid}"
    for key, kind in (("sources", dict), ("aliases", list)):
        if d.get(key) is not None and not isinstance(d[key], kind):
            raise InputError(f"{where}.{key}", f"must be a {'mapping' if kind is dict else 'list'}")
    return Accelerator(
        id=aid,
        name=str(d.get("name", aid)),
        vendor=str(d.get("vendor", "")),
        generation=str(d.get("generation", "")),
        peak_tflops=_peaks(d, where),
        memory_gb=_num(d, "memory_gb", where),
        memory_bw_tbps=_num(d, "memory_bw_tbps", where),
        tdp_w=_num(d, "tdp_w", where, required=False),
        node_size=_whole(d, "node_size", where),
        scale_up_size=_whole(d, "scale_up_size", where),
        scale_up_bw_gbs=_num(d, "scale_up_bw_gbs", where, required=False),
        scale_out_bw_gbs=_num(d, "scale_out_bw_gbs", where, required=False),
        released=None if d.get("released") is None else str(d["released"]),
        aliases=tuple(str(a).lower() for a in d.get("aliases") or ()),
        sources={str(k): str(v) for k, v in (d.get("sources") or {}).items()},
        notes=str(d.get("notes") or ""),
        kernels=_kernels(d.get("kernels"), f"{where}.kernels"),
        measured=_measured(d.get("measured"), f"{where}.measured", origin),
        **_fabric(d.get("fabric"), f"{where}.fabric"),
    )


def _fabric(v: Any, where: str) -> dict[str, Any]:
    """Optional `fabric: {pod_size: N, oversubscription: r}` of a cluster whose network above a pod of N
    accelerators is oversubscribed r:1 (both required together)."""
    if v is None:
        return {}
    if not isinstance(v, dict) or set(v) != {"pod_size", "oversubscription"}:
        raise InputError(where, "must be a mapping with pod_size (accelerators) and oversubscription (>= 1)")
    pod, r = v["pod_size"], v["oversubscription"]
    if (
        isinstance(pod, bool)
        or not isinstance(pod, int | float)
        or not math.isfinite(pod)
        or pod != int(pod)
        or not 1 <= pod <= MAX_POD
    ):
        raise InputError(f"{where}.pod_size", f"must be a whole number from 1 to {MAX_POD} (got {pod!r})")
    if isinstance(r, bool) or not isinstance(r, int | float) or not 1 <= r <= MAX_OVERSUBSCRIPTION:
        raise InputError(
            f"{where}.oversubscription", f"must be a number from 1 to {MAX_OVERSUBSCRIPTION:g} (got {r!r})"
        )
    return {"pod_size": int(pod), "oversubscription": float(r)}


def _measured(d: Any, where: str, origin: str) -> dict | None:
    if d is None:
        return None
    m = validate_measured(d, where)
    return {**m, "provenance": {**m["provenance"], "file": origin}}


def _kernels(v: Any, where: str) -> dict[str, Any]:
    """Optional measured sub-model constants (e.g. from `traincost probe`); see parallel/kernels.py."""
    if v is None:
        return {}
    if not isinstance(v, dict):
        raise InputError(where, "must be a mapping of sub-model constants (gemm, hbm, scale_up, ...)")
    known = {*KERNEL_SCALARS, "gemm", "attention", "ref_gpu"}
    for k, x in v.items():
        if k not in known:
            raise InputError(where, f"unknown constant '{k}'; accepted: {', '.join(sorted(known))}")
        if k in KERNEL_SCALARS and (isinstance(x, bool) or not isinstance(x, int | float) or x < 0):
            raise InputError(f"{where}.{k}", f"must be a non-negative number (got {x!r})")
    return dict(v)
