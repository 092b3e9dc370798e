"""The efficiency constants of an accelerator, built from the raw catalog tables: the measured sub-models of
its generation (data/kernels.yaml, with the accelerator's own `kernels:` overrides from a hardware file), the
end-to-end constants fitted for its generation (data/efficiency.yaml, or the borrowed generation's) and, for
a hardware file written by `traincost probe`, its measurements (hardware/measured.py)."""

from __future__ import annotations

from traincost import catalog
from traincost.hardware.accelerator import Accelerator
from traincost.hardware.measured import apply_measured
from traincost.parallel.inputs import Efficiency
from traincost.parallel.kernels import kernels_from_table


def _fitted_row(generation: str) -> dict:
    """The fitted end-to-end constants of a generation; an unknown one borrows a calibrated generation's
    constants with the stated uncalibrated overrides."""
    tab = catalog.efficiency_table()
    gens = tab.get("generations") or {}
    if generation in gens:
        return {**tab["default"], **gens[generation]}
    unc = tab.get("uncalibrated") or {}
    borrowed = gens.get(unc.get("borrow"), {})
    return {
        **tab["default"],
        **borrowed,
        **{k: v for k, v in unc.items() if k != "borrow"},
        "calibrated": False,
    }


def efficiency_for(acc: Accelerator) -> Efficiency:
    """Efficiency constants of an accelerator: measured sub-models, fitted end-to-end constants, and the
    probe's measurements where the hardware file has them (they replace the catalog's)."""
    row = _fitted_row(acc.generation)
    k = kernels_from_table(catalog.kernels_table(), acc.generation, acc.kernels)
    measured = {
        "gemm": k.gemm_fraction("bf16"),
        "gemm_ramp_us": k.gemm_ramp_us,
        "hbm": k.hbm,
        "scale_up": k.scale_up,
        "scale_out": k.scale_out,
        "latency_up_us": k.latency_up_us,
        "latency_out_us": k.latency_out_us,
        "overlap_contention": k.overlap_contention,
    }
    fields = Efficiency.__dataclass_fields__
    fitted = {k2: v for k2, v in row.items() if k2 in fields and k2 not in measured}
    eff = Efficiency(**fitted, **measured, kernels=k)
    if acc.measured:  # a hardware file written by `traincost probe`: its measurements replace the catalog's
        eff = apply_measured(eff, acc)
    return eff
