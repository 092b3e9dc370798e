"""`traincost estimate`: Scenario -> Model + Cluster -> Throughput -> Run -> Bill -> Estimate.

``estimate()`` is the Python API; the CLI and the web API call it and print what it returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.model.hf_config import from_hf_config
from traincost.money.costing import PriceFacts, RunFacts, make_bill, ranges, resolve
from traincost.money.sensitivity import drivers
from traincost.parallel import precision as precision_recipes
from traincost.parallel.plan import fmt_layout, search
from traincost.run import reliability as run
from traincost.run.feasibility import check_finishes
from traincost.schema import Scenario, make_scenario
from traincost.usecases import extras
from traincost.usecases.common import build_problem, cloud_price, picker
from traincost.usecases.estimate_result import Parts, assemble
from traincost.usecases.results import Assumption, Estimate

# z for the 90th percentile of a standard normal: a log-normal's P10-P90 are exp(-+Z90 * sigma)
Z90 = 1.2815515655446004
# Monte Carlo draws when the scenario names none: P10/P90 settle to about 1% (sampling error ~ 1/sqrt(n))
DEFAULT_SAMPLES = 10_000
# the budget percentile when none is given: the median, the answer itself
DEFAULT_PERCENTILE = 50.0


@dataclass(frozen=True)
class Throughput:
    """Steady throughput: the user's MFU, or the planner's best layout times the published-run realization."""

    mfu: float
    basis: str
    tokens_per_s: float
    best: Any = None
    realization: float = 1.0


def _as_scenario(scenario: Scenario | dict | None, kwargs: dict[str, Any]) -> Scenario:
    if isinstance(scenario, Scenario) and not kwargs:
        return scenario
    base = scenario.model_dump(exclude_none=True) if isinstance(scenario, Scenario) else (scenario or {})
    return make_scenario(base, **kwargs)


def _config_arch(scenario: Scenario, arch):
    if arch is not None or scenario.config is None:
        return arch
    try:
        return from_hf_config(
            scenario.config, name=str(scenario.config.get("_name_or_path") or "custom config")
        )
    except InputError as e:
        raise InputError("config", e.message) from None


def _planned(scenario: Scenario, prob, assumptions: list[Assumption], notes: list[str]) -> Throughput:
    res = search(prob, top=1)
    if res.best is None:
        raise InputError("gpus", res.why_not or "no layout fits")
    best = res.best
    real_cat = catalog.realization()
    if scenario.realization is not None:
        real = scenario.realization
    else:
        real = float(real_cat["value"])
        assumptions.append(
            Assumption(field="realization", value=real, source=" ".join(str(real_cat["source"]).split()))
        )
    mfu = best.mfu * real
    notes.append(
        f"MFU {mfu:.1%} = {best.mfu:.1%} predicted for the fastest layout that fits ({fmt_layout(best.layout)}, "
        f"{best.memory_gib['total']:.0f} GiB per GPU; `traincost plan` shows why) x {real:g}, the residual share "
        "of it that published training runs achieved beyond the modelled failures, restarts, checkpoint stalls, "
        "evaluation and input pauses (fitted leave-one-out: `traincost validate`). HFU is on the same basis."
    )
    if not prob.eff.calibrated:
        notes.append(
            f"The performance model is not calibrated for {prob.acc.generation} accelerators: treat it as a rough guide."
        )
    return Throughput(mfu, "planner", best.tokens_per_s * real, best, real)


def _throughput(
    scenario: Scenario, prob, peak: float, fl, assumptions: list[Assumption], notes: list[str]
) -> Throughput:
    """The planner's best layout, unless the user states an MFU."""
    if scenario.mfu is None:
        return _planned(scenario, prob, assumptions, notes)
    return Throughput(
        scenario.mfu, "user", run.tokens_per_second(prob.n_gpus, peak, scenario.mfu, fl.training)
    )


def _solve_range(scenario: Scenario, prob, solve_days: float) -> tuple[float, float] | None:
    """P10-P90 of the failure-free days. A given MFU or realization is the centre, not a certainty: steady
    throughput scatters around a layout's by the performance model's benchmark spread (failures, stalls and
    pauses are sampled in the bill); else the published-run realization's spread, if wider."""
    if scenario.mfu is not None or scenario.realization is not None:
        sigma = prob.eff.throughput_sigma
    else:
        sigma = max(float(catalog.realization().get("sigma", 0.0)), prob.eff.throughput_sigma)
    return (solve_days * math.exp(-Z90 * sigma), solve_days * math.exp(Z90 * sigma)) if sigma else None


def _price(
    scenario: Scenario, acc, assumptions: list[Assumption], notes: list[str], solve_days: float
) -> tuple:
    """(price, source, region, provider, pricing, band): the cloud price, or none for owned hardware alone."""
    if scenario.on_prem and not scenario.compare_ownership:
        return None, "owned hardware", None, None, None, None
    return cloud_price(scenario, acc, assumptions, notes, solve_days)


def _record_params(priced, assumptions: list[Assumption]) -> None:
    for prm in priced.params.values():
        if not prm.user and prm.name not in ("price", "solve_days"):
            rng = f" (range {prm.low:g}-{prm.high:g})" if prm.low is not None and prm.high is not None else ""
            assumptions.append(Assumption(field=prm.name, value=prm.value, source=f"{prm.source}{rng}"))


def _compare_ownership(scenario: Scenario, priced, price_for, price, pricing) -> tuple:
    owned = bool(scenario.on_prem)
    if scenario.compare_ownership:
        other = price_for(not owned)[2]
        cloud, own = (other, priced) if owned else (priced, other)
        return {"cloud": cloud.cost, "owned": own.cost}, extras.ownership(own, price, pricing)
    if owned:
        return None, dict(priced.owned_detail or {})
    return None, None


CLOUD_NOTE = (
    "Cloud price: energy, facility and hardware are inside the hourly price; they are not added again."
)


def _precision_note(scenario: Scenario, prob, notes: list[str]) -> None:
    wanted = precision_recipes.recipe(scenario.precision).gemm_dtype
    if prob.dtype != wanted:
        notes.append(f"{prob.acc.name} has no {wanted} tensor cores; using its {prob.dtype} peak.")


def _run_facts(scenario: Scenario, prob, tokens: float, solve_days: float) -> RunFacts:
    return RunFacts(
        prob.acc,
        prob.n_gpus,
        prob.arch.params,
        prob.arch.vocab_size,
        tokens,
        solve_days,
        _solve_range(scenario, prob, solve_days),
    )


def _ranges(scenario: Scenario, P, ctx) -> dict:
    pct = scenario.budget_percentile if scenario.budget_percentile is not None else DEFAULT_PERCENTILE
    rng_out = ranges(P, ctx, n=scenario.samples or DEFAULT_SAMPLES, seed=scenario.seed or 0, percentile=pct)
    rng_out["drivers"] = drivers(P, ctx)  # the assumption that matters most, for the answer
    return rng_out


def estimate(scenario: Scenario | dict | None = None, *, arch=None, **kwargs: Any) -> Estimate:
    """Estimate a training run.

    >>> estimate(model="llama-3.1-8b", tokens="1T", gpu="h100-sxm", gpus=64, mfu=0.4, price=2.0)  # doctest: +SKIP

    Accepts a :class:`Scenario`, a dict with the same fields, or keyword arguments (which override
    the dict). Fields left out take the documented defaults, listed in ``result.assumptions``.
    Raises :class:`traincost.InputError` for bad input. `arch` (an :class:`~traincost.model.arch.ArchSpec`)
    replaces the model lookup, for shapes that are neither in the catalog nor in a config file.
    """
    scenario = _as_scenario(scenario, kwargs)
    assumptions: list[Assumption] = []
    pick = picker(scenario, assumptions)
    tokens = float(pick("tokens"))
    arch = _config_arch(scenario, arch)
    prob, entry, _optimizer = build_problem(scenario, assumptions, pick, plan=scenario.mfu is None, arch=arch)
    notes: list[str] = []
    domain_tokens, tokens = tokens, extras.trained_tokens(scenario, tokens, notes)
    fl = prob.arch.flops_per_token(prob.seq_len, causal=True)
    _precision_note(scenario, prob, notes)
    peak = prob.acc.peak_flops(prob.dtype)
    thr = _throughput(scenario, prob, peak, fl, assumptions, notes)
    solve_days = run.wall_clock_days(tokens, thr.tokens_per_s)
    price, price_src, region, provider, pricing, band = _price(
        scenario, prob.acc, assumptions, notes, solve_days
    )
    facts = _run_facts(scenario, prob, tokens, solve_days)
    quote = PriceFacts(price, price_src, region, user=scenario.price is not None, band=band)

    def priced_for(own: bool):
        P, ctx = resolve(scenario, facts, quote, own)
        return P, ctx, make_bill(P, ctx)

    owned = bool(scenario.on_prem)
    P, ctx, priced = priced_for(owned)
    check_finishes(
        priced.time, priced.reliability, prob.n_gpus, user_rate=scenario.interruption_rate is not None
    )
    rng_out = _ranges(scenario, P, ctx)
    pilots = extras.pilots(scenario, priced, peak, thr.mfu, rng_out)
    comparison, ownership = _compare_ownership(scenario, priced, priced_for, price, pricing)
    _record_params(priced, assumptions)
    notes.extend(priced.notes)
    if not owned:
        notes.append(CLOUD_NOTE)
    parts = Parts(tokens, fl, peak, thr, priced, pilots, (price, price_src, provider, pricing), rng_out)
    return assemble(
        prob,
        entry,
        parts,
        comparison=comparison,
        ownership=ownership,
        quality=extras.quality(scenario, prob.arch, entry, domain_tokens, assumptions),
        serving=extras.serving(scenario, prob.arch, prob.acc, price, assumptions),
        projection=extras.projection(scenario, priced, assumptions),
        assumptions=assumptions,
        notes=notes,
    )
