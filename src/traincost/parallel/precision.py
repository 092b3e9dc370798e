"""Training precisions as recipes (``data/precision.yaml``): in which format the transformer layers' GEMMs
run and what quantizing their inputs costs in HBM traffic.

Bytes per quantized input element (activation or output gradient of a linear layer)::

    2 * read_passes + copies * (bits + scale_bits / block) / 8

(BF16 reads, then the quantized copies with their scaling factors; Transformer Engine's recipe pages for
delayed, current/tensorwise, blockwise, MXFP8 and NVFP4 scaling). Attention, the LM head, norms and the
optimizer stay in BF16/FP32 in every recipe; NVFP4 keeps the last transformer layers in BF16 as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from traincost.errors import InputError

BF16_BYTES = 2.0  # bytes of one BF16 element read by the quantization kernel


@dataclass(frozen=True)
class Recipe:
    name: str
    gemm_dtype: str
    quant_bytes: float  # bytes moved per quantized GEMM input element (0: no quantization)
    bf16_layers_at_end: int
    saved_input_bytes: float  # bytes per element of a saved linear-layer input (its quantized copy)
    hardware: tuple[str, ...]
    source: str


def _table() -> dict:
    from traincost import catalog

    return catalog.precision_table()["recipes"]


def names() -> list[str]:
    """Every precision name a user may give (recipes and their aliases)."""
    out = []
    for rid, r in _table().items():
        out += [rid, *(r.get("aliases") or [])]
    return out


def _element_bytes(r: dict) -> float:
    """Bytes of one quantized element with its share of the scaling factors: (bits + scale_bits / block) / 8."""
    block = float(r.get("block") or 0)
    return (float(r["bits"]) + (float(r["scale_bits"]) / block if block else 0.0)) / 8.0


def _quant_bytes(r: dict, generation: str) -> float:
    """Bytes moved to quantize one GEMM input element: the BF16 reads, then the quantized copies."""
    if not r.get("bits"):
        return 0.0
    copies = r.get("copies_blackwell", r["copies"]) if generation == "blackwell" else r["copies"]
    return BF16_BYTES * float(r["read_passes"]) + float(copies) * _element_bytes(r)


def _saved_bytes(r: dict) -> float:
    """Bytes per element of a linear-layer input kept for backward: 16-bit, or the quantized copy (one
    direction, with its scales)."""
    return _element_bytes(r) if r.get("bits") else BF16_BYTES


def recipe(name: str | None, generation: str = "") -> Recipe:
    """The recipe of a precision name or alias (default bf16), with its quantization traffic on a
    generation."""
    key = (name or "bf16").strip().lower()
    for rid, r in _table().items():
        if key == rid or key in (r.get("aliases") or []):
            return Recipe(
                name=rid,
                gemm_dtype=str(r["gemm_dtype"]),
                quant_bytes=_quant_bytes(r, generation),
                bf16_layers_at_end=int(r.get("bf16_layers_at_end") or 0),
                saved_input_bytes=_saved_bytes(r),
                hardware=tuple(r.get("hardware") or ()),
                source=str(r["source"]),
            )
    raise InputError("precision", f"unknown precision '{name}'; accepted: {', '.join(names())}")


def for_accelerator(name: str | None, acc) -> Recipe:
    """The recipe, refused on an accelerator whose tensor cores lack its format."""
    r = recipe(name, acc.generation)
    if r.hardware and acc.generation not in r.hardware:
        raise InputError(
            "precision",
            f"{r.name} needs {', '.join(r.hardware)} tensor cores; {acc.id} is {acc.generation} "
            "(use bf16, or fp8 on Hopper and later)",
        )
    return r


def gemm_format(name: str | None, acc) -> tuple[str, str]:
    """(the peak_tflops key the GEMMs run at on this accelerator, the recipe name) for a precision name;
    16-bit falls back to FP16 on parts without BF16 (V100)."""
    r = for_accelerator(name, acc)
    return acc.training_dtype(r.gemm_dtype), r.name
