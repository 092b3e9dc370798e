"""The whole programme around the main run (docs/bill.md, "Programme"): pilot runs and ablations,
evaluation compute, data preparation, cluster bring-up, reserved-but-idle days, support plan, egress.
Each is a bill line with a source (data/programme.yaml), overridable, and removable (0, or --no-programme).

Formulas (n accelerators, H main-run accelerator-hours, p the price per accelerator-hour: the cloud price,
or the owned cluster's cost per accelerator-hour):

* pilots = pilot_share x H x p; evaluation = eval_compute_share x H x p;
* data preparation = raw TB x vCPU-hours per TB x USD per vCPU-hour;
* bring-up = bringup_days x 24 x n x p;
* reserved-but-idle (cloud) = (ceil((run days + bring-up) / g) x g - run days - bring-up) x 24 x n x p;
* support (cloud) = support_share x cloud compute; egress (cloud) = (weights + one checkpoint) GB x USD/GB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from traincost.money import bill
from traincost.units import one_line

FIELDS = {  # catalog key -> Scenario field of its override
    "pilot_share": "pilot_share",
    "eval_compute_share": "eval_compute_share",
    "dataprep_vcpu_hours_per_tb": "dataprep_vcpu_hours_per_tb",
    "vcpu_hour_usd": "vcpu_hour_usd",
    "bringup_days": "bringup_days",
    "reservation_granularity_days": "reservation_granularity_days",
    "support_share": "support_share",
    "egress_usd_per_gb": "egress_price",
}


def params(sc, catalog_node: dict[str, Any], make) -> list:
    """Params for the programme: the user's values, the catalog's, or all zero with --no-programme."""
    off = bool(getattr(sc, "no_programme", None))
    out = []
    for key, fld in FIELDS.items():
        user = getattr(sc, fld, None)
        if off and user is None:
            user = 0.0  # a granularity of 0 reserves exactly the days used
        out.append(make(key, catalog_node[key], user))
    return out


@dataclass(frozen=True)
class MainRun:
    """What the programme lines scale with: the main run's size, length, price and data (floats or arrays)."""

    n_gpus: int
    on_prem: bool
    days: Any
    gpu_hours: Any
    unit_price: Any  # USD per accelerator-hour: the cloud price, or the owned cluster's cost per hour
    compute_usd: Any
    raw_tb: Any
    weights_gb: float
    ckpt_gb: float


def compute(v: dict[str, Any], run: MainRun) -> dict[str, Any]:
    """USD of each programme line (floats or NumPy arrays)."""
    n_gpus, on_prem, days, gpu_hours, unit_price = (
        run.n_gpus,
        run.on_prem,
        run.days,
        run.gpu_hours,
        run.unit_price,
    )
    compute_usd, raw_tb, weights_gb, ckpt_gb = run.compute_usd, run.raw_tb, run.weights_gb, run.ckpt_gb
    pilots = v["pilot_share"] * gpu_hours * unit_price
    evals = v["eval_compute_share"] * gpu_hours * unit_price
    dataprep = raw_tb * v["dataprep_vcpu_hours_per_tb"] * v["vcpu_hour_usd"]
    bringup = v["bringup_days"] * 24.0 * n_gpus * unit_price
    zero = 0.0 * days
    if on_prem:
        idle_days, idle, support, egress = zero, zero, zero, zero
    else:
        g = np.maximum(v["reservation_granularity_days"], 1e-9)
        held = days + v["bringup_days"]
        with np.errstate(
            invalid="ignore"
        ):  # a run that never finishes (held = inf) is refused by run.feasibility
            idle_days = np.where(
                v["reservation_granularity_days"] > 0, np.ceil(held / g - 1e-9) * g - held, 0.0
            )
        idle = idle_days * 24.0 * n_gpus * unit_price
        support = v["support_share"] * compute_usd
        egress = (weights_gb + ckpt_gb) * v["egress_usd_per_gb"]
    items = {
        "pilots_usd": pilots,
        "evaluation_usd": evals,
        "dataprep_usd": dataprep,
        "bringup_usd": bringup,
        "idle_reserved_usd": idle,
        "support_usd": support,
        "egress_usd": egress,
    }
    items["programme_usd"] = sum(items.values())
    items["idle_days"] = idle_days
    return items


def lines(
    v: dict[str, Any], P: dict[str, Any], o: dict[str, Any], on_prem: bool, unit_price: float
) -> list[bill.Line]:
    """The programme's bill lines (point estimate); sources from the resolved parameters `P`."""
    L = bill.Line

    def src(k: str) -> str:
        return one_line(P[k].source)

    gh = o["gpu_hours"]
    out = [
        L(
            "programme",
            f"pilot runs and ablations ({v['pilot_share']:.0%} of the run)",
            v["pilot_share"] * gh,
            "GPU-h",
            unit_price,
            o["pilots_usd"],
            src("pilot_share"),
        ),
        L(
            "programme",
            f"evaluation compute ({v['eval_compute_share']:.1%} of the run)",
            v["eval_compute_share"] * gh,
            "GPU-h",
            unit_price,
            o["evaluation_usd"],
            src("eval_compute_share"),
        ),
        L(
            "programme",
            f"data preparation of {o['raw_bytes'] / 1e12:.1f} TB (clean, dedup, tokenize)",
            o["raw_bytes"] / 1e12 * v["dataprep_vcpu_hours_per_tb"],
            "vCPU-h",
            v["vcpu_hour_usd"],
            o["dataprep_usd"],
            src("dataprep_vcpu_hours_per_tb"),
        ),
        L(
            "programme",
            f"cluster bring-up and burn-in ({v['bringup_days']:g} days)",
            v["bringup_days"] * 24 * o["n_gpus"],
            "GPU-h",
            unit_price,
            o["bringup_usd"],
            src("bringup_days"),
        ),
    ]
    if not on_prem:
        out += _cloud_lines(v, o, unit_price, src)
    return out


def _cloud_lines(v: dict[str, Any], o: dict[str, Any], unit_price: float, src) -> list[bill.Line]:
    """The programme lines only a cloud run pays: reserved-but-idle days, the support plan and egress."""
    L = bill.Line
    return [
        L(
            "programme",
            f"reserved-but-idle days ({o['idle_days']:.1f}; reserved in {v['reservation_granularity_days']:g}-day "
            "blocks)",
            o["idle_days"] * 24 * o["n_gpus"],
            "GPU-h",
            unit_price,
            o["idle_reserved_usd"],
            src("reservation_granularity_days"),
        ),
        L(
            "programme",
            f"support plan ({v['support_share']:.0%} of cloud compute)",
            o["compute_usd"],
            "USD",
            v["support_share"],
            o["support_usd"],
            src("support_share"),
        ),
        L(
            "programme",
            "egress (final weights + one checkpoint)",
            o["egress_gb"],
            "GB",
            v["egress_usd_per_gb"],
            o["egress_usd"],
            src("egress_usd_per_gb"),
        ),
    ]
