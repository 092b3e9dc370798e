"""Decisions: compare candidate runs side by side, mark the time-cost Pareto front, price continued
pre-training against training from scratch, split the bill among partners, and solve for a deadline
(smallest cluster that finishes in time) or a budget (most tokens it buys, best expected loss)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from traincost import catalog
from traincost.decide.compare_csv import CSV_COLUMNS, to_csv  # noqa: F401 - re-exported for the CLI
from traincost.decide.compare_inputs import (  # noqa: F401 - re-exported for the CLI and the API
    MAX_BUDGET_USD,
    MAX_DEADLINE_DAYS,
    check_modes,
    parse_budget,
    parse_deadline,
    parse_partners,
    parse_target_loss,
    split_list,
)
from traincost.decide.cpt_decision import decide
from traincost.decide.solvers import (  # noqa: F401 - re-exported for the CLI, the API and the tests
    BISECTION_RATIO,
    BISECTION_STEPS,
    MAX_GPUS,
    MIN_BUDGET_TOKENS,
    PROBE_SAMPLES,
    SEARCH_SAMPLES,
    solve_budget,
    solve_deadline,
    solve_target_loss,
)
from traincost.errors import InputError
from traincost.money import prices
from traincost.schema import Scenario, make_scenario
from traincost.usecases.estimate import estimate
from traincost.usecases.results import Estimate

MAX_CANDIDATES = (
    200  # input limit: a comparison answers in minutes, not hours (each candidate is an estimate)
)


def expand(
    base: dict,
    models=None,
    gpus_list=None,
    hardware=None,
    providers=None,
    candidates: list[dict] | None = None,
) -> list[dict]:
    """Candidate scenarios: the file's `candidates:` entries, or the product of the lists given."""
    if candidates:
        if not isinstance(candidates, list) or not all(isinstance(c, dict) for c in candidates):
            raise InputError(
                "candidates", "must be a list of mappings, each overriding fields of the scenario"
            )
        out = [{**base, **c} for c in candidates]
    else:
        dims = [("model", models), ("gpus", gpus_list), ("gpu", hardware), ("provider", providers)]
        keys = [k for k, v in dims if v]
        if not keys:
            raise InputError(
                "models",
                "give candidates: --models, --gpus-list, --hardware or --providers (comma-separated), "
                "or a scenario file with a 'candidates:' list",
            )
        out = [
            {**base, **dict(zip(keys, combo, strict=True))}
            for combo in itertools.product(*[v for _, v in dims if v])
        ]
    if len(out) > MAX_CANDIDATES:
        raise InputError("candidates", f"at most {MAX_CANDIDATES} candidates per comparison (got {len(out)})")
    return _one_price_rule(out)


def _one_price_rule(cands: list[dict]) -> list[dict]:
    """Accelerators compared under one provider and tier: with a tier but no provider, the first provider
    (aws, gcp, azure, then the others) that prices every candidate accelerator in that tier is used for all
    of them, so a difference in cost is not a difference in provider. Without a tier the effective market
    price is one rule already."""
    tiers = {c.get("pricing") for c in cands}
    if (
        len(tiers) != 1
        or next(iter(tiers)) in (None, "market")
        or any(c.get("provider") or c.get("price") for c in cands)
    ):
        return cands
    tier = next(iter(tiers))
    accs = [
        catalog.resolve_accelerator(c.get("gpu") or catalog.defaults()["scenario"]["gpu"]["value"])
        for c in cands
    ]
    if len({a.id for a in accs}) < 2:
        return cands
    order = sorted(
        prices.known_providers(),
        key=lambda p: (
            p not in prices.HYPERSCALERS,
            prices.HYPERSCALERS.index(p) if p in prices.HYPERSCALERS else 0,
            p,
        ),
    )
    for prov in order:
        if all(prices.rows_for(a, prov, tier) for a in accs):
            return [{**c, "provider": prov} for c in cands]
    raise InputError(
        "pricing",
        f"no provider has a {tier} price for every accelerator compared "
        f"({', '.join(sorted({a.id for a in accs}))}); drop --pricing to compare effective "
        "market prices, or give --provider",
    )


def label(c: dict, varying: list[str]) -> str:
    named = ("replay", "domain", "schedule", "base_tokens")  # CPT inputs read better with their name
    return " ".join(f"{k}={c.get(k)}" if k in named else str(c.get(k)) for k in varying) or str(
        c.get("model")
    )


def pareto_front(points: list[tuple[float, float]]) -> list[bool]:
    """Non-dominated points (lower is better in both coordinates)."""
    out = []
    for i, (a, b) in enumerate(points):
        dominated = any((x <= a and y <= b) and (x < a or y < b) for j, (x, y) in enumerate(points) if j != i)
        out.append(not dominated)
    return out


def check_candidates(scenarios: list[Scenario]) -> None:
    """Every candidate names a model, accelerator and provider that exist, before any work: a typo is an input
    error (exit 2 / 422), not a row of the table."""
    for i, sc in enumerate(scenarios):
        try:
            if sc.model is not None:
                catalog.resolve_model(sc.model, hub=bool(sc.hf_hub))
            extra = catalog.load_hardware_file(sc.hardware_file) if sc.hardware_file else None
            acc = catalog.resolve_accelerator(sc.gpu or catalog.defaults()["scenario"]["gpu"]["value"], extra)
            if sc.provider is not None and sc.price is None:
                catalog.select_price(acc.id, sc.provider, sc.pricing or "on-demand")
        except InputError as e:
            raise InputError(e.field, f"candidate {i + 1}: {e.message}") from None


def _nothing_feasible(rows: list[dict], deadline_days: float | None, budget_usd: float | None) -> InputError:
    if budget_usd is not None:
        return InputError(
            "budget",
            f"no candidate trains even 100M tokens within ${budget_usd:,.0f}; raise the budget "
            "or choose smaller models or cheaper accelerators",
        )
    if deadline_days is not None:
        return InputError(
            "deadline",
            f"no candidate finishes within {deadline_days:g} days on up to {MAX_GPUS:,} "
            "accelerators; allow more time or choose smaller models",
        )
    first = next(
        (r["solve"]["error"] for r in rows if r.get("solve", {}).get("error")),
        "no candidate can be estimated",
    )
    field, _, msg = first.partition(": ")
    return InputError(field if msg else "candidates", f"no candidate can run: {msg or first}")


@dataclass(frozen=True)
class Mode:
    """What a comparison solves for each candidate: nothing (an estimate), a deadline, a budget or a target loss."""

    deadline_days: float | None = None
    budget_usd: float | None = None
    target_loss: float | None = None
    shares: dict[str, float] | None = None

    @property
    def name(self) -> str:
        if self.deadline_days is not None:
            return "deadline"
        if self.budget_usd is not None:
            return "budget"
        return "target-loss" if self.target_loss is not None else "compare"


def parse_mode(
    deadline: str | None, budget: str | None, partners: str | None, target_loss: str | None
) -> Mode:
    """The comparison's mode from the CLI/API strings, checked in the order the flags are documented."""
    check_modes(deadline, budget)
    target = parse_target_loss(target_loss) if target_loss is not None else None
    deadline_days = parse_deadline(deadline) if deadline else None
    budget_usd = parse_budget(budget) if budget else None
    shares = parse_partners(partners) if partners else None
    return Mode(deadline_days=deadline_days, budget_usd=budget_usd, target_loss=target, shares=shares)


VARYING_FIELDS = (
    "model",
    "gpu",
    "gpus",
    "provider",
    "pricing",
    "tokens",
    "seq_len",
    "replay",
    "domain",
    "schedule",
    "base_tokens",
)


def _solve(sc: Scenario, mode: Mode) -> tuple[Estimate | None, dict[str, Any]]:
    """One candidate's estimate, or what its deadline, budget or target loss solves to."""
    try:
        if mode.deadline_days is not None:
            r, g = solve_deadline(sc, mode.deadline_days)
            return r, {"deadline_days": mode.deadline_days, "gpus": g, "feasible": r is not None}
        if mode.budget_usd is not None:
            r, t = solve_budget(sc, mode.budget_usd)
            return r, {"budget_usd": mode.budget_usd, "tokens": t, "feasible": r is not None}
        if mode.target_loss is not None:
            return solve_target_loss(sc, mode.target_loss)
        return estimate(sc), {}
    except InputError as e:
        return None, {"feasible": False, "error": str(e)}


def _row(i: int, sc: Scenario, cand: dict, varying: list[str], mode: Mode) -> dict[str, Any]:
    r, solved = _solve(sc, mode)
    entry: dict[str, Any] = r.to_dict() if r is not None else {"feasible": False}
    entry["label"] = label(cand, varying) or f"candidate {i + 1}"
    entry["scenario"] = {k: v for k, v in cand.items() if v is not None}
    if solved:
        entry["solve"] = solved
    if r is not None:
        entry["from_scratch"] = _from_scratch(sc, r)
        if mode.shares:
            entry["partners"] = {
                k: {"share": v, "cost_usd": r.cost.total_usd * v} for k, v in mode.shares.items()
            }
    return entry


def _summary(rows: list[dict[str, Any]], ok: list[dict[str, Any]], seed: int) -> dict[str, Any]:
    front = pareto_front([(r["time"]["wall_clock_days"], r["cost"]["total_usd"]) for r in ok])
    for r, f in zip(ok, front, strict=True):
        r["pareto"] = f
    verdict = decide(rows, seed)
    cheapest = min(ok, key=lambda r: r["cost"]["total_usd"], default=None)
    fastest = min(ok, key=lambda r: r["time"]["wall_clock_days"], default=None)
    return {
        "cheapest": cheapest["label"] if cheapest else None,
        "fastest": fastest["label"] if fastest else None,
        "best_expected_loss": verdict["best_expected_loss"],  # None on a tie: see quality_verdict
        "pareto": [r["label"] for r in ok if r.get("pareto")],
        "quality_verdict": verdict,
    }


def run_compare(
    base: dict,
    candidates: list[dict],
    deadline: str | None = None,
    budget: str | None = None,
    partners: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    target_loss: str | None = None,
) -> dict[str, Any]:
    """Estimate (or solve the deadline, budget or target loss for) every candidate. Raises InputError when a
    candidate names something unknown, and when no candidate is feasible at all."""
    mode = parse_mode(deadline, budget, partners, target_loss)
    scenarios = [make_scenario(c) for c in candidates]
    check_candidates(scenarios)
    varying = [k for k in VARYING_FIELDS if len({str(c.get(k)) for c in candidates}) > 1]
    rows: list[dict[str, Any]] = []
    for i, sc in enumerate(scenarios):
        rows.append(_row(i, sc, candidates[i], varying, mode))
        if progress:
            progress(i + 1, len(scenarios))
    ok = [r for r in rows if "cost" in r]
    if not ok:
        raise _nothing_feasible(rows, mode.deadline_days, mode.budget_usd)
    summary = _summary(rows, ok, scenarios[0].seed or 0 if scenarios else 0)
    return {"candidates": rows, "varying": varying, "summary": summary, "mode": mode.name}


def _from_scratch(sc: Scenario, r: Estimate) -> dict[str, Any] | None:
    """What training the same model from scratch on its original token count would cost on the same
    cluster (the value of starting from a checkpoint)."""
    pre = r.quality.get("base_pretraining_tokens") if r.quality else None
    if not pre or (sc.kind == "from-scratch"):
        return None
    s = estimate(sc, tokens=pre, kind="from-scratch", samples=PROBE_SAMPLES)
    return {
        "tokens": pre,
        "cost_usd": s.cost.total_usd,
        "gpu_hours": s.time.gpu_hours,
        "wall_clock_days": s.time.wall_clock_days,
        "ratio_to_cpt": s.cost.total_usd / r.cost.total_usd,
    }
