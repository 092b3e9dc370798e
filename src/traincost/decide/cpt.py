"""What continued pre-training (CPT) buys: domain loss, general-loss change and their ranges.

Loss estimates in nats per token, never benchmark scores. The law (docs/cpt.md has the derivation):

* Size and data terms: the Chinchilla form with Epoch AI's refit (Besiroglu et al. 2024, arXiv 2404.10102),
  written around the middle of its data so the uncertainty of A and B is not inflated by their correlation
  with alpha and beta:  L(N, D) = E + A_ref·(1e9/N)^alpha + B_ref·(1e11/D)^beta.
  The D-CPT law (Que et al. 2024, arXiv 2406.01375) requires this form at a fixed mixture ("consistency").
* Transfer from pre-training (Hernandez et al. 2021, arXiv 2102.01293: pre-training "effectively
  multiplies the fine-tuning dataset size", with the transferred data growing as N^0.38): every base
  (or replayed general) token is worth w·(N/1e9)^tau domain tokens, so
  D_eff = w·(N/1e9)^tau·(D_base + D_replay) + s_gain·D_domain.
  Base domain loss: L_d0 = L(N, w_N·D_base); after CPT: L_d = L(N, D_eff) + c_mix·replay.
  More base tokens give a smaller gain for the same domain tokens; gains diminish as D_eff^-beta.
* Mixture penalty c_mix·replay: the domain loss a replay share costs beyond its data, fitted to
  Ibrahim et al. 2024 (arXiv 2403.08763) Table 2, English->German (the D-CPT law's C/(r+eps)^gamma term
  has the same role).
* Forgetting (Bethune et al. 2025, arXiv 2502.06042 form: grows with fine-tuning tokens, falls with the
  injected share p as (1+b·p)^-psi and with model size):
  dL_g = s_forget·F·(D_domain/1e11)^phi·(N/405e6)^-nu·(1 + b·replay)^-psi - [G(D_base) - G(D_base + D_replay)],
  G(D) = B_ref·(1e11/D)^beta, the general data term: replayed tokens also continue general training.
  F, b, psi fitted to Ibrahim et al. Table 2 (405M, Pile->SlimPajama and Pile->German).

Coefficients, ranges and sources live in ``data/cpt.yaml``; each is drawn from a split log-normal with
its P10/P50/P90 (the same sampler as the bill), and every candidate uses the same draws (common random
numbers) so that differences between candidates have their own, narrower intervals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from traincost import catalog
from traincost.decide.quality import EPOCH_SOURCE, TRAIN_FLOPS_PER_PARAM_TOKEN, CptLaw, compute_optimal
from traincost.errors import InputError
from traincost.money.costing import Param, sample
from traincost.units import PERCENTILES

# reference points of the law's terms (data/cpt.yaml): A_ref is the size term at N = 1e9 parameters,
# B_ref the data term at D = 1e11 tokens (where the Epoch refit is best determined), and forgetting is
# given at 405M parameters, the model of Ibrahim et al. 2024 (arXiv 2403.08763) Table 2
N_REF = 1e9  # parameters where A_ref is given
D_REF = 1e11  # tokens where B_ref is given
N_FORGET = 405e6  # parameters where forgetting is given (Ibrahim et al. 2024 Table 2 model)
# Monte Carlo draws of the coefficients for the quality block (default of cpt_quality / scratch_quality)
QUALITY_DRAWS = 4000
# fixed tag of the coefficient random streams (any constant; keeps them apart from the bill's streams)
STREAM_TAG = 13
DRAWS = 2000  # coefficient draws per candidate: the same for every run, so medians agree between commands
LAW_KEYS = ("E", "A_ref", "alpha", "B_ref", "beta", "tau", "phi", "nu", "replay_b", "replay_psi")
DOMAIN_KEYS = ("transfer", "forgetting", "c_mix")
CANNOT = (
    "benchmark scores (accuracy on MMLU, HumanEval, LegalBench...): the law predicts validation loss only, "
    "and published CPT runs show benchmark changes that loss does not express (Llama 3's annealing gain "
    "vanishing at 405B; Swallow and DeepSeek-Coder-V2 general-benchmark drops); tokenizer changes; "
    "instruction-tuned or MoE bases; overlap between your domain data and the base model's data"
)


@dataclass(frozen=True)
class CptInputs:
    """One candidate's CPT: active parameters, domain tokens, replay share, base tokens, domain, schedule."""

    n_params: float
    domain_tokens: float
    replay: float
    base_tokens: float
    domain: str
    schedule: str
    domain_loss: float | None = None  # the base model's measured loss on the domain, if known

    @property
    def replay_tokens(self) -> float:
        """Convention: --tokens counts domain tokens; replay is a share of the trained tokens on top."""
        return self.domain_tokens * self.replay / (1.0 - self.replay)

    @property
    def trained_tokens(self) -> float:
        return self.domain_tokens / (1.0 - self.replay)


def data_term(c: dict, d):
    """B_ref·(1e11/D)^beta, the Chinchilla data term around the middle of its data."""
    return c["B_ref"] * (D_REF / np.maximum(d, 1.0)) ** c["beta"]


def size_term(c: dict, n):
    return c["A_ref"] * (N_REF / n) ** c["alpha"]


def transfer_share(c: dict, n):
    """Domain tokens one base token is worth: w·(N/1e9)^tau (Hernandez et al. 2021: D_T grows as N^0.38)."""
    return c["transfer"] * (n / N_REF) ** c["tau"]


def domain_losses(c: dict, x: CptInputs):
    """(base domain loss, domain loss after CPT) on the law's scale."""
    w = transfer_share(c, x.n_params)
    base = c["E"] + size_term(c, x.n_params) + data_term(c, w * x.base_tokens)
    d_eff = w * (x.base_tokens + x.replay_tokens) + c["s_gain"] * x.domain_tokens
    after = c["E"] + size_term(c, x.n_params) + data_term(c, d_eff) + c["c_mix"] * x.replay
    return base, after


def general_change(c: dict, x: CptInputs):
    """Change of the general (pre-training distribution) loss: forgetting minus what replay adds."""
    forget = (
        c["s_forget"]
        * c["forgetting"]
        * (max(x.domain_tokens, 1.0) / D_REF) ** c["phi"]
        * (x.n_params / N_FORGET) ** (-c["nu"])
        / (1.0 + c["replay_b"] * x.replay) ** c["replay_psi"]
    )
    replay_gain = data_term(c, x.base_tokens) - data_term(c, x.base_tokens + x.replay_tokens)
    return forget - replay_gain


def general_base(c: dict, x: CptInputs):
    """The base model's general loss; E_general (fitted on pilots) is the general corpus' own offset."""
    return c.get("E_general", c["E"]) + size_term(c, x.n_params) + data_term(c, x.base_tokens)


def _solve_transfer(c: dict, x: CptInputs):
    """The transfer share that makes the law's base domain loss exceed the base general loss by the measured
    gap (domain loss − the Epoch-law general loss of the same model): the measured distance of the domain."""
    gap = x.domain_loss - float(np.median(np.asarray(general_base(c, x))))
    if gap <= 0:
        raise InputError(
            "domain_loss",
            f"must be above the base model's general loss on the law's scale "
            f"({x.domain_loss - gap:.3f} nats) for a domain to gain from CPT",
        )
    target = gap + data_term(c, x.base_tokens)  # the data term the domain must have
    w_n = D_REF * (target / c["B_ref"]) ** (-1.0 / c["beta"]) / x.base_tokens
    return w_n / (x.n_params / N_REF) ** c["tau"]


# ----------------------------------------------------------------------------- coefficients and draws


def _param(name: str, node: dict, override: Any = None):
    if override is not None:
        if isinstance(override, list | tuple):  # [low, value, high] from `fit-cpt`
            lo, v, hi = (float(t) for t in override)
            return Param(name, v, "fitted on your pilots (traincost fit-cpt)", lo, hi)
        return Param(name, float(override), "user", user=True)
    return Param(name, float(node["value"]), str(node.get("source", "")), node.get("low"), node.get("high"))


def params_for(x: CptInputs, overrides: dict | None = None) -> dict:
    """Every coefficient of the law as a Param (value, P10, P90, source) for this domain and schedule."""
    cat = catalog.cpt()
    ov = overrides or {}
    if x.domain not in cat["domains"]:
        raise InputError("domain", f"unknown domain {x.domain!r}; accepted: {', '.join(cat['domains'])}")
    if x.schedule not in cat["schedules"]:
        raise InputError(
            "schedule", f"unknown schedule {x.schedule!r}; accepted: {', '.join(cat['schedules'])}"
        )
    P = {k: _param(k, cat["coefficients"][k], ov.get(k)) for k in LAW_KEYS}
    dom, sch = cat["domains"][x.domain], cat["schedules"][x.schedule]
    P.update({k: _param(k, dom[k], ov.get(k)) for k in DOMAIN_KEYS})
    P["s_gain"] = _param("s_gain", sch["gain"], ov.get("s_gain"))
    P["s_forget"] = _param("s_forget", sch["forgetting"], ov.get("s_forget"))
    if "E_general" in ov:
        P["E_general"] = _param("E_general", {}, ov["E_general"])
    unknown = set(ov) - set(P)
    if unknown:
        raise InputError(
            "cpt_coefficients", f"unknown coefficient {sorted(unknown)[0]!r}; accepted: {', '.join(P)}"
        )
    return P


ALL_KEYS = (*LAW_KEYS, *DOMAIN_KEYS, "s_gain", "s_forget", "E_general")


def draw(P: dict, n: int, seed: int) -> dict:
    """`n` draws of the coefficients (split log-normal through each P10/P50/P90, the bill's sampler). Each
    coefficient has its own random stream, so two candidates share the draws of every coefficient they
    share whatever else differs (common random numbers for paired differences)."""
    return {
        k: sample({k: p}, n, np.random.default_rng([seed, STREAM_TAG, ALL_KEYS.index(k)]))[k]
        for k, p in P.items()
    }


def _q(x) -> dict[str, float]:
    p10, p50, p90 = np.percentile(np.atleast_1d(np.asarray(x, dtype=float)), PERCENTILES)
    return {"p10": float(p10), "p50": float(p50), "p90": float(p90)}


def simulate(
    x: CptInputs, overrides: dict | None = None, n: int = QUALITY_DRAWS, seed: int = 0
) -> dict[str, np.ndarray]:
    """Arrays of the losses over `n` draws of the coefficients (the same draws for every candidate)."""
    P = params_for(x, overrides)
    c = draw(P, n, seed)
    if x.domain_loss is not None and (overrides or {}).get("transfer") is None:
        c["transfer"] = _solve_transfer(c, x)
    base, after = domain_losses(c, x)
    shift = (x.domain_loss - base) if x.domain_loss is not None else 0.0  # report on the user's scale
    dg = general_change(c, x)
    g0 = general_base(c, x)
    one = np.ones(n)
    return {
        "base_domain_loss": (base + shift) * one,
        "domain_loss": (after + shift) * one,
        "domain_gain": (base - after) * one,
        "general_loss": (g0 + dg) * one,
        "general_loss_change": dg * one,
        "base_general_loss": g0 * one,
    }


def cpt_quality(
    x: CptInputs, overrides: dict | None = None, n: int = QUALITY_DRAWS, seed: int = 0
) -> dict[str, Any]:
    """The `quality` block of a CPT estimate: P10/P50/P90 of each loss, the inputs and the sources."""
    if not 0 <= x.replay < 1:
        raise InputError("replay", f"must be a share of the trained tokens in [0, 1) (got {x.replay!r})")
    s = simulate(x, overrides, n, seed)
    P = params_for(x, overrides)
    cat = catalog.cpt()
    out = {k: _q(v) for k, v in s.items()}
    return {
        "loss": out["domain_loss"]["p50"],
        "kind": "continued-pretraining",
        "law": "traincost-cpt",
        **out,
        "domain": x.domain,
        "schedule": x.schedule,
        "replay": x.replay,
        "domain_tokens": x.domain_tokens,
        "replay_tokens": x.replay_tokens,
        "trained_tokens": x.trained_tokens,
        "base_pretraining_tokens": x.base_tokens,
        "measured_base_domain_loss": x.domain_loss,
        "loss_general": out["general_loss"]["p50"],
        "tokens_per_param": (x.base_tokens + x.trained_tokens) / x.n_params,
        "compute_optimal_tokens_per_param": _opt_ratio(
            TRAIN_FLOPS_PER_PARAM_TOKEN * x.n_params * (x.base_tokens + x.trained_tokens)
        ),
        "rough": not overrides,
        "samples": n,
        "seed": seed,
        "coefficients": {
            k: {"value": p.value, "p10": p.low, "p90": p.high, "source": p.source} for k, p in P.items()
        },
        "source": cat["source"],
        "cannot_predict": CANNOT,
        "label": "loss estimate from published scaling laws, not a benchmark score",
    }


def _opt_ratio(flops: float) -> float:
    n_opt, d_opt = compute_optimal(flops)
    return d_opt / n_opt


def scratch_quality(n_params: float, tokens: float, n: int = QUALITY_DRAWS, seed: int = 0) -> dict[str, Any]:
    """From-scratch training: the Epoch law L(N, D) with its coefficient ranges; no domain, no forgetting."""
    cat = catalog.cpt()
    P = {k: _param(k, cat["coefficients"][k]) for k in ("E", "A_ref", "alpha", "B_ref", "beta")}
    c = draw(P, n, seed)
    loss = c["E"] + size_term(c, n_params) + data_term(c, tokens)
    q = _q(loss * np.ones(n))
    return {
        "loss": q["p50"],
        "kind": "from-scratch",
        "law": "epoch-chinchilla",
        "general_loss": q,
        "domain_loss": None,
        "general_loss_change": None,
        "domain_gain": None,
        "loss_general": None,
        "tokens_per_param": tokens / n_params,
        "compute_optimal_tokens_per_param": _opt_ratio(TRAIN_FLOPS_PER_PARAM_TOKEN * n_params * tokens),
        "rough": False,
        "samples": n,
        "seed": seed,
        "source": EPOCH_SOURCE,
        "cannot_predict": CANNOT,
        "label": "loss estimate from a published scaling law, not a benchmark score",
    }


def quality_for(
    sc, n_params: float, catalog_base_tokens: float | None, domain_tokens: float, note: Any = None
) -> dict[str, Any]:
    """The `quality` block of an estimate from a scenario: CPT (with its inputs' defaults reported through
    `note(field, value, source)`) or from-scratch training."""
    note = note or (lambda *_: None)
    base = sc.base_tokens or catalog_base_tokens
    kind = sc.kind or ("continued-pretraining" if base else "from-scratch")
    n, seed = DRAWS, sc.seed or 0
    if kind == "from-scratch":
        return scratch_quality(n_params, domain_tokens, n, seed)
    if not base:
        raise InputError(
            "base_tokens",
            "continued pre-training needs the base model's pre-training tokens: "
            "give --base-tokens (this model's catalog entry has none)",
        )
    dflt = catalog.defaults()["scenario"]
    picked = {}
    for f in ("domain", "schedule", "replay"):
        picked[f] = getattr(sc, f)
        if picked[f] is None:
            picked[f] = dflt[f]["value"]
            note(f, picked[f], dflt[f]["why"])
    x = CptInputs(
        n_params,
        domain_tokens,
        float(picked["replay"]),
        float(base),
        picked["domain"],
        picked["schedule"],
        sc.domain_loss,
    )
    q = cpt_quality(x, sc.cpt_coefficients, n, seed)
    q["rough"] = not (sc.cpt_coefficients or sc.domain_loss)
    if sc.cpt_law:  # the user's own D-CPT law fit (Que et al. form) gives the domain loss
        law = CptLaw(**{**sc.cpt_law, "ratio": sc.cpt_law.get("ratio", 1.0 - x.replay)}, rough=False)
        q["loss"] = q["domain_loss_dcpt"] = law.loss(n_params, domain_tokens)
        q["rough"] = False
    return q
