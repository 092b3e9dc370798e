"""Fit the end-to-end constants of the performance model and measure its accuracy out of sample.

Only the constants that no micro-benchmark gives are fitted, per accelerator generation (at most 4):
``compute_realisation`` (in-training GEMM/attention speed relative to the isolated benchmark),
``kernel_overhead_us`` (launch and synchronisation per kernel), ``dp_overlap`` and ``tp_overlap`` (share of
data-parallel / tensor-parallel communication hidden behind compute). A constant is fitted only when some row
of the generation depends on it.

Objective: mean absolute log error of tokens/s/GPU, each source weighted equally within a generation.
Optimiser: Nelder-Mead from a fixed start in a bounded (logit) parameterisation, deterministic: the same rows
give the same constants bit for bit.

Leave-one-source-out (LOSO): for every source of a generation, fit again without it and predict its rows.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass, replace

import numpy as np

from traincost import catalog
from traincost.parallel import precision
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.perf import Efficiency
from traincost.parallel.plan import Problem, enumerate_layouts, evaluate_layouts
from traincost.trust.validation import (
    arch_from_row,
    measured_tokens_per_s_per_gpu,
    row_precision,
    throughput_rows,
    training_for,
)

# name: (low, high, log scale) -- bounds that keep each constant physical
FITTED = {
    "compute_realisation": (0.3, 1.0, False),
    "kernel_overhead_us": (0.5, 60.0, True),
    "dp_overlap": (0.0, 1.0, False),
    "tp_overlap": (0.0, 1.0, False),
}
# algorithm setting: where the search starts (mid-range values inside FITTED; the fit moves them)
START = {"compute_realisation": 0.8, "kernel_overhead_us": 5.0, "dp_overlap": 0.5, "tp_overlap": 0.5}

# algorithm settings of the fit (Nelder-Mead on logit-scaled constants): a first pass with wide simplex steps,
# a second with narrow ones, 200 iterations each; the logit is kept inside (1e-4, 1 - 1e-4) and its argument
# inside +-30 so exp() stays finite
STEP_WIDE = 0.8  # algorithm setting
STEP_NARROW = 0.3  # algorithm setting
FIT_ITERS = 200  # algorithm setting
LOGIT_EDGE = 1e-4  # algorithm setting
LOGIT_CLIP = 30  # algorithm setting
OBJECTIVE_DIGITS = 6  # presentation: the objective written to data/heldout.yaml


@dataclass
class Prepared:
    """A measurement with its candidate layouts enumerated once (they do not depend on the constants)."""

    row: dict
    prob: Problem
    lay: object
    measured: float


def prepare(rows: list[dict]) -> list[Prepared]:
    out = []
    for r in rows:
        seq = int(r["seq_len"])
        arch = arch_from_row(r["model"], seq, r["id"])
        meas = measured_tokens_per_s_per_gpu(r, arch)
        if not meas:
            continue
        acc = catalog.resolve_accelerator(r["hardware"])
        lay = dict(r.get("layout") or {})
        fixed = {
            k: lay[k]
            for k in ("tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute", "interleave")
            if lay.get(k) is not None
        }
        gb = int(r.get("global_batch") or round(float(r["global_batch_tokens"]) / seq))
        dtype, recipe = precision.gemm_format(row_precision(r), acc)
        prob = Problem(
            arch,
            acc,
            int(r["gpus"]),
            seq,
            gb,
            efficiency_for(acc),
            training_for(r),
            dtype,
            recipe,
        )
        layouts = enumerate_layouts(prob, fixed)
        if len(layouts):
            out.append(Prepared(r, prob, layouts, float(meas)))
    return out


def predict(pr: Prepared, eff: Efficiency) -> tuple[float, bool]:
    """Tokens/s/GPU of the fastest layout that fits (the fastest overall if none does) and whether one fit."""
    ev = evaluate_layouts(replace(pr.prob, eff=eff), pr.lay)
    step = np.where(ev.fits, ev.time["step"], np.inf)
    fits = bool(np.isfinite(step).any())
    i = int(np.argmin(step)) if fits else int(np.argmin(ev.time["step"]))
    return float(ev.tokens_per_s[i]) / pr.prob.n_gpus, fits


def free_params(prepared: list[Prepared]) -> list[str]:
    """The fitted constants some row depends on."""
    names = ["compute_realisation", "kernel_overhead_us"]
    if any(p.prob.train.dp_overlap and p.prob.n_gpus > 1 for p in prepared):
        names.append("dp_overlap")
    if any(p.prob.train.tp_comm_overlap and (p.row.get("layout") or {}).get("tp", 1) != 1 for p in prepared):
        names.append("tp_overlap")
    return names


def _to_x(vals: dict, names: list[str]) -> np.ndarray:
    out = []
    for k in names:
        lo, hi, log = FITTED[k]
        u = (math.log(vals[k] / lo) / math.log(hi / lo)) if log else (vals[k] - lo) / (hi - lo)
        u = min(max(u, LOGIT_EDGE), 1 - LOGIT_EDGE)
        out.append(math.log(u / (1 - u)))
    return np.array(out)


def _from_x(x: np.ndarray, names: list[str]) -> dict:
    out = {}
    for xi, k in zip(x, names, strict=True):
        lo, hi, log = FITTED[k]
        u = 1 / (1 + math.exp(-float(np.clip(xi, -LOGIT_CLIP, LOGIT_CLIP))))
        out[k] = math.exp(math.log(lo) + u * math.log(hi / lo)) if log else lo + u * (hi - lo)
    return out


def with_constants(eff: Efficiency, consts: dict) -> Efficiency:
    """The constants given, and the uninformed defaults (data/efficiency.yaml `default`) for every other fitted
    one, so that no prediction depends on a fit that saw the rows being predicted."""
    default = catalog.efficiency_table()["default"]
    return replace(eff, **({k: float(default[k]) for k in FITTED} | consts))


def objective(prepared: list[Prepared], consts: dict) -> float:
    per_source: dict[str, list[float]] = collections.defaultdict(list)
    for pr in prepared:
        pred, _ = predict(pr, with_constants(pr.prob.eff, consts))
        err = abs(math.log(pred / pr.measured)) if pred > 0 and np.isfinite(pred) else 3.0
        per_source[pr.row["source"]].append(err)
    return float(np.mean([np.mean(v) for v in per_source.values()]))


def nelder_mead(f, x0: np.ndarray, step: float = STEP_WIDE, iters: int = FIT_ITERS, tol: float = 1e-6):
    """Plain Nelder-Mead (no randomness): the same f and x0 give the same result."""
    n = len(x0)
    pts = [x0] + [x0 + step * np.eye(n)[i] for i in range(n)]
    vals = [f(p) for p in pts]
    for _ in range(iters):
        order = np.argsort(vals, kind="stable")
        pts, vals = [pts[i] for i in order], [vals[i] for i in order]
        if abs(vals[-1] - vals[0]) < tol:
            break
        centroid = np.mean(pts[:-1], axis=0)
        xr = centroid + (centroid - pts[-1])
        fr = f(xr)
        if fr < vals[0]:
            xe = centroid + 2 * (centroid - pts[-1])
            fe = f(xe)
            pts[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            pts[-1], vals[-1] = xr, fr
        else:
            xc = centroid + 0.5 * (pts[-1] - centroid)
            fc = f(xc)
            if fc < vals[-1]:
                pts[-1], vals[-1] = xc, fc
            else:
                pts = [pts[0]] + [pts[0] + 0.5 * (p - pts[0]) for p in pts[1:]]
                vals = [vals[0]] + [f(p) for p in pts[1:]]
    i = int(np.argmin(vals))
    return pts[i], vals[i]


def fit(prepared: list[Prepared], iters: int = FIT_ITERS) -> tuple[dict, float]:
    """Fitted constants (rounded to 4 significant digits, so that what is written is what was scored) and the
    objective there."""
    names = free_params(prepared)
    x, _ = nelder_mead(lambda x: objective(prepared, _from_x(x, names)), _to_x(START, names), iters=iters)
    x, _ = nelder_mead(lambda x: objective(prepared, _from_x(x, names)), x, step=STEP_NARROW, iters=iters)
    consts = {k: float(f"{v:.4g}") for k, v in _from_x(x, names).items()}
    return consts, objective(prepared, consts)


def errors(prepared: list[Prepared], consts: dict) -> list[dict]:
    out = []
    for pr in prepared:
        pred, fits = predict(pr, with_constants(pr.prob.eff, consts))
        out.append(
            {
                "id": pr.row["id"],
                "source": pr.row["source"],
                "generation": pr.prob.acc.generation,
                "measured": pr.measured,
                "predicted": pred,
                "error": pred / pr.measured - 1.0,
                "fits": fits,
            }
        )
    return out


def loso(prepared: list[Prepared], iters: int = FIT_ITERS) -> dict[str, dict]:
    """For each source: the constants fitted without it (on the same generation's other sources)."""
    out = {}
    for src in sorted({p.row["source"] for p in prepared}):
        rest = [p for p in prepared if p.row["source"] != src]
        if not rest:
            continue
        consts, obj = fit(rest, iters)
        out[src] = {"constants": consts, "objective": round(obj, OBJECTIVE_DIGITS)}
    return out


def _med(xs: list[float]) -> float | None:
    return float(np.median(xs)) if xs else None


def _score_row(pr, fits_by_gen: dict) -> dict:
    gen, src = pr.prob.acc.generation, pr.row["source"]
    ins, fits = predict(pr, pr.prob.eff)
    loso_fit = (fits_by_gen.get(gen) or {}).get(src)
    held = predict(pr, with_constants(pr.prob.eff, loso_fit["constants"]))[0] if loso_fit else None
    return {
        "id": pr.row["id"],
        "source": src,
        "generation": gen,
        "measured": pr.measured,
        "predicted_in_sample": ins,
        "error_in_sample": ins / pr.measured - 1.0,
        "predicted_held_out": held,
        "error_held_out": None if held is None else held / pr.measured - 1.0,
        "fits": fits,
    }


def _summary(rs: list[dict]) -> dict:
    return {
        "rows": len(rs),
        "median_abs_error": _med([abs(r["error_held_out"]) for r in rs if r["error_held_out"] is not None]),
        "in_sample_median_abs_error": _med([abs(r["error_in_sample"]) for r in rs]),
    }


def _by_source(out_rows: list[dict]) -> dict:
    return {
        s: _summary([r for r in out_rows if r["source"] == s])
        | {"generations": sorted({r["generation"] for r in out_rows if r["source"] == s})}
        for s in sorted({r["source"] for r in out_rows})
    }


def _by_generation(out_rows: list[dict]) -> dict:
    by_gen = {}
    for gen in sorted({r["generation"] for r in out_rows}):
        rs = [r for r in out_rows if r["generation"] == gen]
        by_gen[gen] = _summary(rs) | {
            "by_source": {
                s: _summary([r for r in rs if r["source"] == s]) for s in sorted({r["source"] for r in rs})
            }
        }
    return by_gen


def report(rows: list[dict] | None = None) -> dict:
    """Held-out (leave-one-source-out, constants from data/heldout.yaml) and in-sample (data/efficiency.yaml)
    errors of tokens/s/GPU, per source and per generation, and the rows the memory model says would not fit."""
    prepared = prepare(throughput_rows() if rows is None else rows)
    fits_by_gen = catalog.heldout_fits().get("generations") or {}
    out_rows = [_score_row(pr, fits_by_gen) for pr in prepared]
    false_oom = [r["id"] for r in out_rows if not r["fits"]]
    by_source = _by_source(out_rows)
    scored = {s: d["median_abs_error"] for s, d in by_source.items() if d["median_abs_error"] is not None}
    worst = max(scored, key=scored.get) if scored else None
    held_all = [abs(r["error_held_out"]) for r in out_rows if r["error_held_out"] is not None]
    in_all = [abs(r["error_in_sample"]) for r in out_rows]
    return {
        "held_out": {
            "median_abs_error": _med(held_all),
            "worst_source": worst,
            "worst_source_median_abs_error": scored.get(worst),
            "by_source": by_source,
            "by_generation": _by_generation(out_rows),
            "method": "leave-one-source-out: constants fitted without the source "
            "(data/heldout.yaml, scripts/calibrate.py), then its rows predicted",
        },
        "in_sample": {"median_abs_error": _med(in_all)},
        "false_oom": len(false_oom),
        "false_oom_rows": false_oom,
        "rows": out_rows,
    }
