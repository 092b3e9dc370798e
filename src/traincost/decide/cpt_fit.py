"""Fit the CPT law on pilot runs (`traincost fit-cpt pilots.csv`), and what the pilots cost.

Least squares without SciPy: Levenberg-Marquardt with a finite-difference Jacobian, positive
coefficients fitted in log space. Intervals: a seeded bootstrap over the pilot rows (refit on rows drawn
with replacement), P10 and P90 of the refitted coefficients; the fitted value is the fit on all rows.
The D-CPT paper fits its law the same way in spirit (small pilot runs, ~1% of the target's cost;
Que et al. 2024, arXiv 2406.01375), with L-BFGS on a Huber loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from traincost.decide import cpt
from traincost.decide.quality import TRAIN_FLOPS_PER_PARAM_TOKEN
from traincost.errors import InputError
from traincost.units import PERCENTILES, parse_count

COLUMNS = ("params", "domain_tokens", "replay", "domain_loss", "general_loss")
OPTIONAL = ("base_tokens",)
# Levenberg-Marquardt settings (algorithm, not data): iteration cap, damping beyond which no step helps,
# and the relative change of the squared residual that counts as converged
LM_ITERS = 200  # algorithm setting: iteration cap
LM_MAX_DAMPING = 1e10  # algorithm setting: damping beyond which no step helps
LM_REL_TOL = 1e-14  # algorithm setting: relative change of the squared residual that counts as converged
# bootstrap refits for the P10/P90 of fitted coefficients (algorithm setting: enough for stable deciles)
BOOTSTRAP_FITS = 200
FREE_SIGNED = {"E", "E_general", "c_mix"}  # fitted as they are; the others in log space (positive)


def least_squares(
    fun: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, iters: int = LM_ITERS
) -> np.ndarray:
    """Levenberg-Marquardt: minimise sum(fun(x)^2) from x0."""
    x = np.asarray(x0, dtype=float).copy()
    r = fun(x)
    lam = 1e-3
    for _ in range(iters):
        h = 1e-6 * np.maximum(1.0, np.abs(x))
        J = np.stack([(fun(x + h[i] * np.eye(len(x))[i]) - r) / h[i] for i in range(len(x))], axis=1)
        g, H = J.T @ r, J.T @ J
        step = np.linalg.solve(H + lam * np.diag(np.diag(H) + 1e-12), -g)
        r_new = fun(x + step)
        if np.all(np.isfinite(r_new)) and r_new @ r_new < r @ r:
            x, lam = x + step, lam / 3
            if np.abs(r @ r - r_new @ r_new) < LM_REL_TOL * (1 + r @ r):
                r = r_new
                break
            r = r_new
        else:
            lam *= 4
            if lam > LM_MAX_DAMPING:
                break
    return x


@dataclass(frozen=True)
class Row:
    params: float
    domain_tokens: float
    replay: float
    domain_loss: float
    general_loss: float
    base_tokens: float


def _inputs(row: Row, domain: str, schedule: str) -> cpt.CptInputs:
    return cpt.CptInputs(row.params, row.domain_tokens, row.replay, row.base_tokens, domain, schedule)


def _free(rows: Sequence[Row]) -> tuple[list[str], list[str]]:
    """Which coefficients the pilots can identify: offsets and amplitudes always, the replay terms only
    when the replay share varies, the token exponent of forgetting only with 3+ domain-token counts spanning
    a factor of 4 or more."""
    vary_r = len({r.replay for r in rows}) > 1
    toks = [r.domain_tokens for r in rows]
    vary_d = len(set(toks)) > 2 and max(toks) >= 4 * min(toks)
    dom = ["E", "transfer"] + (["c_mix"] if vary_r else [])
    gen = ["E_general", "forgetting"] + (["replay_b"] if vary_r else []) + (["phi"] if vary_d else [])
    return dom, gen


def _fit_once(
    rows: Sequence[Row], names: list[str], target: str, base: dict, domain: str, schedule: str
) -> dict:
    def unpack(x):
        return {k: (v if k in FREE_SIGNED else float(np.exp(v))) for k, v in zip(names, x, strict=True)}

    def residuals(x):
        c = {**base, **unpack(x)}
        out = []
        for row in rows:
            inp = _inputs(row, domain, schedule)
            if target == "domain":
                out.append(cpt.domain_losses(c, inp)[1] - row.domain_loss)
            else:
                out.append(cpt.general_base(c, inp) + cpt.general_change(c, inp) - row.general_loss)
        return np.asarray(out, dtype=float)

    x0 = np.array([base[k] if k in FREE_SIGNED else np.log(max(base[k], 1e-9)) for k in names])
    return unpack(least_squares(residuals, x0))


def fit_pilots(
    rows: Sequence[Row],
    domain: str = "general",
    schedule: str = "rewarm-decay",
    boot: int = BOOTSTRAP_FITS,
    seed: int = 0,
) -> dict[str, Any]:
    """Coefficients [P10, fit, P90] for the scenario's `cpt_coefficients`, and the fit's residuals."""
    dom, gen = _free(rows)
    if len(rows) < len(dom) + 1 or len(rows) < len(gen) + 1:
        raise InputError(
            "pilots",
            f"need at least {max(len(dom), len(gen)) + 1} pilot runs to fit "
            f"{', '.join(dom + gen)} (got {len(rows)})",
        )
    P = cpt.params_for(_inputs(rows[0], domain, schedule))
    base = {k: float(p.value) for k, p in P.items()}
    base["E_general"] = base["E"]
    full = {
        **_fit_once(rows, dom, "domain", base, domain, schedule),
        **_fit_once(rows, gen, "general", base, domain, schedule),
    }
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(boot):
        pick = [rows[i] for i in rng.integers(0, len(rows), len(rows))]
        if len({r.params for r in pick}) < 2 and len({r.domain_tokens for r in pick}) < 2:
            continue
        draws.append(
            {
                **_fit_once(pick, dom, "domain", {**base, **full}, domain, schedule),
                **_fit_once(pick, gen, "general", {**base, **full}, domain, schedule),
            }
        )
    out = {}
    for k, v in full.items():
        vals = np.array([d[k] for d in draws]) if draws else np.array([v])
        lo, hi = np.percentile(vals, PERCENTILES[::2])
        out[k] = [float(min(lo, v)), float(v), float(max(hi, v))]
    c = {**base, **full}
    res_d = [cpt.domain_losses(c, _inputs(r, domain, schedule))[1] - r.domain_loss for r in rows]
    res_g = [
        cpt.general_base(c, _inputs(r, domain, schedule))
        + cpt.general_change(c, _inputs(r, domain, schedule))
        - r.general_loss
        for r in rows
    ]
    return {
        "coefficients": out,
        "fitted": {"domain": dom, "general": gen},
        "bootstrap": len(draws),
        "rms_domain": float(np.sqrt(np.mean(np.square(res_d)))),
        "rms_general": float(np.sqrt(np.mean(np.square(res_g)))),
    }


def parse_rows(records: Sequence[dict], base_tokens: float | None) -> list[Row]:
    """Validate pilot records (from the CSV) into rows; one-line errors naming the column."""
    rows = []
    for i, rec in enumerate(records, start=2):
        missing = [c for c in COLUMNS if not str(rec.get(c) or "").strip()]
        if missing:
            raise InputError(
                "pilots", f"line {i}: missing {', '.join(missing)}; columns: {', '.join(COLUMNS + OPTIONAL)}"
            )
        try:
            v = {
                c: float(parse_count(str(rec[c])))
                if c in ("params", "domain_tokens", "base_tokens")
                else float(rec[c])
                for c in COLUMNS + OPTIONAL
                if str(rec.get(c) or "").strip()
            }
        except ValueError as e:
            raise InputError("pilots", f"line {i}: not a number ({e})") from None
        bt = v.get("base_tokens", base_tokens)
        if not bt:
            raise InputError("base_tokens", f"line {i}: give a base_tokens column or --base-tokens")
        if (
            not 0 <= v["replay"] < 1
            or v["params"] <= 0
            or v["domain_tokens"] <= 0
            or min(v["domain_loss"], v["general_loss"]) <= 0
        ):
            raise InputError(
                "pilots",
                f"line {i}: params and domain_tokens must be positive, replay in [0, 1), losses positive",
            )
        rows.append(
            Row(v["params"], v["domain_tokens"], v["replay"], v["domain_loss"], v["general_loss"], float(bt))
        )
    return rows


def pilot_flops(pilots: Sequence[dict]) -> float:
    """Training FLOPs of the pilot runs: 6·N·D per run (Kaplan et al. 2020), D the trained tokens
    (domain tokens plus the replay on top, the same convention as the main run)."""
    return float(
        sum(
            TRAIN_FLOPS_PER_PARAM_TOKEN
            * float(p["params"])
            * float(p["domain_tokens"])
            / (1.0 - float(p.get("replay") or 0.0))
            for p in pilots
        )
    )


def pilots_line(
    pilots: Sequence[dict], peak_flops: float, mfu: float, usd_per_gpu_hour: float
) -> dict[str, Any]:
    """The pilots' bill line: their FLOPs at the main run's accelerator and MFU, priced per GPU-hour
    like the main run (small pilots reach a lower MFU in practice: this is a floor)."""
    gpu_hours = pilot_flops(pilots) / (peak_flops * mfu * 3600.0)
    return {
        "category": "pilots",
        "item": f"{len(pilots)} pilot runs to fit the CPT law (6ND FLOPs at the run's MFU {mfu:.1%})",
        "quantity": gpu_hours,
        "unit": "GPU-h",
        "unit_price": usd_per_gpu_hour,
        "usd": gpu_hours * usd_per_gpu_hour,
        "source": "traincost fit-cpt pilots; FLOPs 6·N·D (Kaplan et al. 2020) over the pilots' params and trained tokens",
    }
