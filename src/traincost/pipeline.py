"""The pipeline: Scenario -> Model + Cluster -> Throughput -> Run -> Bill -> Estimate.

``estimate()`` is the Python API; the CLI and the web API call it and print what it returns.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict

from traincost import catalog
from traincost.errors import InputError
from traincost.money.costing import make_bill, ranges, resolve
from traincost.run import reliability as run
from traincost.schema import Scenario, make_scenario


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Assumption(_Out):
    field: str
    value: Any
    source: str


class ModelInfo(_Out):
    name: str
    display_name: str
    model_type: str
    params: int
    active_params: int
    embedding_params: int
    non_embedding_params: int
    layers: int
    hidden_size: int
    source: str


class FlopsInfo(_Out):
    per_token: float  # model FLOPs per token (fwd + bwd), the MFU numerator
    per_token_hardware: float  # with FlashAttention's recomputation
    six_n_per_token: float  # 6 x active parameters, for comparison
    forward_per_token: float
    total: float
    attention_share: float  # share of model FLOPs spent in attention scores/values
    causal: bool


class HardwareInfo(_Out):
    gpu: str
    name: str
    count: int
    precision: str
    peak_tflops: float
    memory_gb: float
    source: str


class ThroughputInfo(_Out):
    mfu: float
    mfu_basis: str  # "planner" (predicted for the best layout), "user" or "assumed"
    tokens_per_s: float
    tokens_per_s_per_gpu: float
    tflops_per_gpu: float
    hfu: float | None = None
    layout: dict | None = None  # the planner's layout when mfu_basis == "planner"
    step_time_s: float | None = None
    memory_gib: float | None = None
    global_batch: int | None = None
    framework: str | None = None  # training framework profile the layout was planned for


class TimeInfo(_Out):
    gpu_hours: float  # with failures, restarts and checkpoints
    wall_clock_days: float  # likewise
    failure_free_days: float
    failure_free_gpu_hours: float


class CostInfo(_Out):
    compute_usd: float  # cloud: accelerator-hours x price; owned: depreciation + maintenance
    energy_usd: float  # owned only (in the cloud it is inside the price)
    facility_usd: float  # owned only
    storage_usd: float
    staff_usd: float
    total_usd: float
    ownership: str  # cloud | owned
    capital_usd: float = 0.0  # owned: cost of capital on the average book value
    programme_usd: float = 0.0  # pilots, evaluation, data preparation, bring-up, idle reserved days, support, egress
    price_per_gpu_hour: float | None
    price_source: str
    provider: str | None = None
    pricing: str | None = None
    pilots_usd: float = 0.0  # pilot runs that fitted the CPT law (in total_usd)


class BillLine(_Out):
    category: str
    item: str
    quantity: float
    unit: str
    unit_price: float
    usd: float
    source: str


class Estimate(_Out):
    """Everything ``traincost estimate`` reports; ``to_dict()`` is the --json output."""

    model: ModelInfo
    tokens: float
    seq_len: int
    flops: FlopsInfo
    hardware: HardwareInfo
    throughput: ThroughputInfo
    time: TimeInfo
    cost: CostInfo
    bill: list[BillLine]
    energy: dict[str, float]
    carbon: dict[str, Any]
    storage: dict[str, Any]
    reliability: dict[str, float]
    comparison: dict[str, dict[str, float]] | None = None  # cloud vs owned, with --compare-ownership
    ownership: dict[str, Any] | None = None  # owned hardware: break-even utilization, buy for this run
    answer: dict[str, Any] | None = None  # the figure that is the answer (the median), and the budget at a percentile
    ranges: dict[str, Any] | None = None  # P10/P50/P90 of the headline figures (Monte Carlo)
    quality: dict[str, Any] | None = None  # expected loss from scaling laws (an estimate)
    serving: dict[str, Any] | None = None  # with --serve
    projection: dict[str, Any] | None = None  # with --year
    assumptions: list[Assumption]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _default(field: str) -> tuple[Any, str]:
    d = catalog.defaults()["scenario"][field]
    return d["value"], d.get("source") or d.get("why", "")


def _picker(req, assumptions: list[Assumption]):
    """A field's value from the request, or its documented default (recorded as an assumption)."""

    def pick(field: str) -> Any:
        v = getattr(req, field)
        if v is None:
            v, src = _default(field)
            assumptions.append(Assumption(field=field, value=v, source=src))
        return v

    return pick


def estimate(scenario: Scenario | dict | None = None, *, arch=None, **kwargs: Any) -> Estimate:
    """Estimate a training run.

    >>> estimate(model="llama-3.1-8b", tokens="1T", gpu="h100-sxm", gpus=64, mfu=0.4, price=2.0)  # doctest: +SKIP

    Accepts a :class:`Scenario`, a dict with the same fields, or keyword arguments (which override
    the dict). Fields left out take the documented defaults, listed in ``result.assumptions``.
    Raises :class:`traincost.InputError` for bad input. `arch` (an :class:`~traincost.model.arch.ArchSpec`)
    replaces the model lookup, for shapes that are neither in the catalog nor in a config file.
    """
    if not isinstance(scenario, Scenario) or kwargs:
        base = scenario.model_dump(exclude_none=True) if isinstance(scenario, Scenario) else (scenario or {})
        scenario = make_scenario(base, **kwargs)
    assumptions: list[Assumption] = []
    pick = _picker(scenario, assumptions)

    tokens = float(pick("tokens"))
    if arch is None and scenario.config is not None:
        from traincost.model.hf_config import from_hf_config

        try:
            arch = from_hf_config(scenario.config, name=str(scenario.config.get("_name_or_path") or "custom config"))
        except InputError as e:
            raise InputError("config", e.message) from None
    prob, entry, _optimizer = build_problem(scenario, assumptions, pick, plan=scenario.mfu is None, arch=arch)
    arch, acc, n_gpus, seq_len = prob.arch, prob.acc, prob.n_gpus, prob.seq_len
    notes: list[str] = []
    domain_tokens, tokens = tokens, _trained_tokens(scenario, tokens, notes)
    fl = arch.flops_per_token(seq_len, causal=True)
    train_dtype = prob.dtype
    if train_dtype != (scenario.precision or "bf16"):
        notes.append(f"{acc.name} has no {scenario.precision or 'bf16'} tensor cores; using its {train_dtype} peak.")
    peak = acc.peak_flops(train_dtype)

    # Throughput: the planner's best layout, unless the user states an MFU
    best = None
    if scenario.mfu is not None:
        mfu, basis = scenario.mfu, "user"
        tps = run.tokens_per_second(n_gpus, peak, mfu, fl.training)
    else:
        from traincost.parallel.plan import fmt_layout, search

        res = search(prob, top=1)
        if res.best is None:
            raise InputError("gpus", res.why_not or "no layout fits")
        best = res.best
        real_cat = catalog.realization()
        if scenario.realization is not None:
            real = scenario.realization
        else:
            real = float(real_cat["value"])
            assumptions.append(Assumption(field="realization", value=real, source=" ".join(str(real_cat["source"]).split())))
        mfu, basis, tps = best.mfu * real, "planner", best.tokens_per_s * real
        notes.append(
            f"MFU {mfu:.1%} = {best.mfu:.1%} predicted for the fastest layout that fits ({fmt_layout(best.layout)}, "
            f"{best.memory_gib['total']:.0f} GiB per GPU; `traincost plan` shows why) x {real:g}, the residual share "
            "of it that published training runs achieved beyond the modelled failures, restarts, checkpoint stalls, "
            "evaluation and input pauses (fitted leave-one-out: `traincost validate`). HFU is on the same basis."
        )
        if not prob.eff.calibrated:
            notes.append(f"The performance model is not calibrated for {acc.generation} accelerators: treat it as a rough guide.")

    # Run (failure-free) -> Bill (with failures, restarts and checkpoints)
    solve_days = run.wall_clock_days(tokens, tps)
    owned = bool(scenario.on_prem)
    price, price_src, price_region, provider, pricing, band = None, "owned hardware", None, None, None, None
    if not owned or scenario.compare_ownership:
        price, price_src, price_region, provider, pricing, band = _cloud_price(scenario, acc, assumptions, notes, solve_days)
    price_user = scenario.price is not None
    if scenario.mfu is not None:
        # a given MFU is the centre, not a certainty: steady throughput scatters around a layout's by the
        # performance model's benchmark spread (failures, stalls and pauses are sampled in the bill)
        sigma = prob.eff.throughput_sigma
    elif scenario.realization is not None:
        sigma = prob.eff.throughput_sigma  # the benchmark spread only
    else:
        sigma = max(float(catalog.realization().get("sigma", 0.0)), prob.eff.throughput_sigma)
    z90 = 1.2815515655446004
    solve_range = (solve_days * math.exp(-z90 * sigma), solve_days * math.exp(z90 * sigma)) if sigma else None

    def priced_for(own: bool):
        P, ctx = resolve(scenario, acc, n_gpus, arch.params, arch.vocab_size, tokens, solve_days, price, price_src,
                         price_region, own, solve_range=solve_range, price_user=price_user, price_band=band)
        return P, ctx, make_bill(P, ctx)

    P, ctx, priced = priced_for(owned)
    from traincost.run.feasibility import check_finishes

    check_finishes(priced.time, priced.reliability, n_gpus, user_rate=scenario.interruption_rate is not None)
    pct = scenario.budget_percentile if scenario.budget_percentile is not None else 50.0
    rng_out = ranges(P, ctx, n=scenario.samples or 10_000, seed=scenario.seed or 0, percentile=pct)
    from traincost.money.sensitivity import drivers

    rng_out["drivers"] = drivers(P, ctx)  # the assumption that matters most, for the answer

    pilots = _pilots(scenario, priced, peak, mfu, rng_out)
    comparison, ownership = None, None
    if scenario.compare_ownership:
        other = priced_for(not owned)[2]
        cloud, own = (other, priced) if owned else (priced, other)
        comparison = {"cloud": cloud.cost, "owned": own.cost}
        ownership = _ownership(own, price, pricing)
    elif owned:
        ownership = dict(priced.owned_detail or {})
    for prm in priced.params.values():
        if not prm.user and prm.name not in ("price", "solve_days"):
            rng = f" (range {prm.low:g}-{prm.high:g})" if prm.low is not None and prm.high is not None else ""
            assumptions.append(Assumption(field=prm.name, value=prm.value, source=f"{prm.source}{rng}"))
    notes.extend(priced.notes)
    if not owned:
        notes.append("Cloud price: energy, facility and hardware are inside the hourly price; they are not added again.")

    fwd = fl.breakdown
    return Estimate(
        model=ModelInfo(
            name=entry.id if entry else arch.name, display_name=entry.display_name if entry else arch.name,
            model_type=arch.model_type, params=arch.params, active_params=arch.active_params,
            embedding_params=arch.embedding_params, non_embedding_params=arch.non_embedding_params,
            layers=arch.num_layers, hidden_size=arch.hidden_size,
            source=entry.source if entry else "config file",
        ),
        tokens=tokens,
        seq_len=seq_len,
        flops=FlopsInfo(
            per_token=fl.training, per_token_hardware=fl.hardware, six_n_per_token=fl.six_n,
            forward_per_token=fl.forward, total=fl.training * tokens,
            attention_share=fwd.attention_core / fwd.total, causal=True,
        ),
        hardware=HardwareInfo(
            gpu=acc.id, name=acc.name, count=n_gpus, precision=train_dtype, peak_tflops=peak / 1e12,
            memory_gb=acc.memory_gb, source=acc.sources.get("peak_tflops", ""),
        ),
        throughput=ThroughputInfo(
            mfu=mfu, mfu_basis=basis, tokens_per_s=tps, tokens_per_s_per_gpu=tps / n_gpus,
            tflops_per_gpu=mfu * peak / 1e12, hfu=best.hfu * real if best else None,
            layout=best.layout if best else None, step_time_s=best.step_time_s if best else None,
            memory_gib=best.memory_gib["total"] if best else None, global_batch=prob.global_batch or None,
            framework=prob.train.framework if best else None,
        ),
        time=TimeInfo(**priced.time),
        cost=CostInfo(**{**priced.cost, "total_usd": priced.cost["total_usd"] + (pilots["usd"] if pilots else 0.0)},
                      pilots_usd=pilots["usd"] if pilots else 0.0, ownership=priced.ownership, price_per_gpu_hour=None if owned else price,
                      price_source=price_src if not owned else "owned hardware (see bill)", provider=provider,
                      pricing=pricing),
        bill=[BillLine(**vars(x)) for x in priced.lines] + ([BillLine(**pilots)] if pilots else []),
        energy=priced.energy, carbon=priced.carbon, storage=priced.storage, reliability=priced.reliability,
        comparison=comparison,
        ownership=ownership,
        answer=_answer(rng_out, priced),
        ranges=rng_out,
        quality=_quality(scenario, arch, entry, domain_tokens, assumptions),
        serving=_serving(scenario, arch, acc, price, assumptions),
        projection=_projection(scenario, priced, assumptions),
        assumptions=assumptions,
        notes=notes,
    )


def _answer(rng: dict[str, Any], priced) -> dict[str, Any]:
    """The answer is the median (P50) of the Monte Carlo: half the outcomes cost less, half more. The point
    estimate (every input at its central value) sits below it because costs are convex in the uncertain
    inputs (failures, right-skewed price and throughput ranges) and is shown for reference only."""
    at = rng["at_percentile"]
    return {"basis": "median (P50) of the Monte Carlo", "cost_usd": rng["cost_usd"]["p50"],
            "wall_clock_days": rng["wall_clock_days"]["p50"], "gpu_hours": rng["gpu_hours"]["p50"],
            "point_estimate_usd": priced.cost["total_usd"],
            "point_estimate_note": "every input at its central value; below the median because costs grow faster than "
                                   "linearly with the uncertain inputs (failures, skewed price and throughput ranges)",
            "budget_percentile": at["percentile"], "budget_usd": at["cost_usd"],
            "days_at_percentile": at["wall_clock_days"]}


def _ownership(own, cloud_price: float, pricing: str | None) -> dict[str, Any]:
    """Owned vs rented per useful accelerator-hour, and the utilization at which they break even."""
    from traincost.money.ownership import break_even_utilization

    d = dict(own.owned_detail or {})
    u = break_even_utilization(d["fixed_usd_per_gpu_year"], d["energy_usd_per_gpu_hour"], cloud_price)
    hours = own.time["gpu_hours"]
    owned_hw = own.cost["compute_usd"] + own.cost["energy_usd"] + own.cost["facility_usd"]
    d.update(cloud_usd_per_gpu_hour=cloud_price, cloud_pricing=pricing,
             owned_usd_per_gpu_hour=owned_hw / hours if hours else None,
             break_even_utilization=None if math.isinf(u) else u)
    return d


# ============================================================================ planning


class PlanOutput(_Out):
    """What `traincost plan` reports; ``to_dict()`` is its --json output."""

    model: str
    gpu: str
    gpus: int
    seq_len: int
    global_batch: dict
    precision: str
    optimizer: str
    best: dict | None
    framework: str = "megatron-core"
    alternatives: list[dict]
    search: dict | None
    calibration: dict
    why_not: str | None = None
    suggestions: list[str] = []
    assumptions: list[Assumption] = []

    @property
    def fits(self) -> bool:
        return self.best is not None and self.best["memory"]["fits"]

    def to_dict(self) -> dict[str, Any]:
        d = self.model_dump(mode="json")
        chosen = self.best or (self.alternatives[0] if self.alternatives else None)
        if chosen:  # the chosen layout's fields at the top level, as the plan contract names them
            d.update({k: chosen[k] for k in ("layout", "step_time_s", "throughput", "memory", "time_breakdown")})
        return d


LAYOUT_FIELDS = ("tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute", "interleave")


def _global_batch(req, n_gpus: int, seq_len: int, assumptions: list[Assumption]) -> int:
    if req.global_batch is not None:
        return req.global_batch
    if req.global_batch_tokens is not None:
        b = int(round(req.global_batch_tokens / seq_len))
        if b < 1:
            raise InputError("global_batch_tokens", f"must be at least one sequence ({seq_len} tokens)")
        return b
    d = catalog.defaults()["global_batch"]
    tokens = max(float(d["min_tokens"]), float(d["tokens_per_gpu"]) * n_gpus)
    b = 1 << max(0, round(math.log2(tokens / seq_len)))
    if b % n_gpus and n_gpus % b:  # e.g. 440 GPUs: a multiple of the GPU count, so every layout can split it
        b = math.ceil(b / n_gpus) * n_gpus
    assumptions.append(Assumption(field="global_batch", value=b, source=f"{b * seq_len / 1e6:.1f}M tokens; {d['source']}"))
    return b


def build_problem(req, assumptions: list[Assumption], pick, plan: bool = True, arch=None):
    """Resolve model, accelerator, cluster, batch and training settings into a planning Problem."""
    from traincost.parallel import frameworks
    from traincost.parallel.efficiency import efficiency_for
    from traincost.parallel.plan import Problem

    gpu_ref, n = pick("gpu"), int(pick("gpus"))
    seq_len, precision = int(pick("seq_len")), pick("precision")
    optimizer = req.optimizer or catalog.defaults()["optimizer"]["value"]
    hub = bool(getattr(req, "hf_hub", False))
    arch, entry = (arch, None) if arch is not None else catalog.resolve_model(pick("model"), hub=hub)
    if arch.max_position_embeddings and seq_len > arch.max_position_embeddings:
        raise InputError(
            "seq_len", f"{seq_len} is longer than {arch.name}'s maximum context of {arch.max_position_embeddings} tokens"
        )
    extra = catalog.load_hardware_file(req.hardware_file) if req.hardware_file else None
    acc = catalog.resolve_accelerator(gpu_ref, extra)
    dtype = acc.training_dtype(precision)
    acc.peak_flops(dtype)  # raises if the part has no such precision
    gb = _global_batch(req, n, seq_len, assumptions) if plan else 0  # the batch matters only to the planner
    train = frameworks.training(getattr(req, "framework", None), optimizer)
    if getattr(req, "framework", None) is None:
        assumptions.append(Assumption(field="framework", value=train.framework,
                                      source=frameworks.resolve(None)[1]["name"] + " (data/frameworks.yaml default)"))
    prob = Problem(arch, acc, n, seq_len, gb, efficiency_for(acc), train, dtype)
    if acc.measured:  # say which numbers came from `traincost probe`
        assumptions.append(Assumption(field="efficiency", value="measured", source=prob.eff.source))
    return prob, entry, optimizer


def run_plan(flags: dict, top: int | str = 5) -> PlanOutput:
    """`traincost plan`: search layouts (or evaluate the fixed one) for a model on a cluster."""
    from traincost.parallel.efficiency import efficiency_for
    from traincost.parallel.plan import search, suggest
    from traincost.schema import PlanRequest, make_request

    req = make_request(PlanRequest, flags)
    try:
        top_n = int(str(top).strip())
    except (TypeError, ValueError):
        top_n = 0
    if not 1 <= top_n <= 50:
        raise InputError("top", f"must be a whole number from 1 to 50 (got {top!r})")
    top = top_n
    assumptions: list[Assumption] = []
    pick = _picker(req, assumptions)

    prob, entry, optimizer = build_problem(req, assumptions, pick)
    fixed = {k: getattr(req, k) for k in LAYOUT_FIELDS if getattr(req, k) is not None}
    _check_fixed(prob, fixed)
    res = search(prob, fixed, top=top)
    suggestions = suggest(prob, catalog.accelerators(), efficiency_for) if res.best is None and res.evaluated else []
    eff = prob.eff
    return PlanOutput(
        model=entry.id if entry else prob.arch.name, gpu=prob.acc.id, gpus=prob.n_gpus, seq_len=prob.seq_len,
        global_batch={"sequences": prob.global_batch, "tokens": prob.global_batch * prob.seq_len},
        precision=prob.dtype, optimizer=optimizer, framework=prob.train.framework,
        best=res.best.to_dict() if res.best else None,
        alternatives=[r.to_dict() for r in res.top[1:]] if res.best else [r.to_dict() for r in res.top],
        search={"evaluated": res.evaluated, "fitting": res.fitting, "seconds": res.seconds, "fixed": fixed},
        calibration={"generation": prob.acc.generation, "calibrated": eff.calibrated, "source": eff.source},
        why_not=res.why_not, suggestions=suggestions, assumptions=assumptions,
    )


def _check_fixed(prob, fixed: dict) -> None:
    n = prob.n_gpus
    dims = {k: fixed[k] for k in ("tp", "pp", "dp", "cp") if k in fixed}
    prod = 1
    for v in dims.values():
        prod *= v
    if len(dims) == 4 and prod != n:
        raise InputError("dp", f"tp x pp x dp x cp = {prod} must equal the number of GPUs ({n})")
    if prod and n % prod:
        raise InputError(next(iter(dims)), f"the fixed sizes {dims} must divide the number of GPUs ({n})")
    if "dp" in fixed and prob.global_batch % fixed["dp"]:
        raise InputError("global_batch", f"{prob.global_batch} sequences must divide evenly over dp={fixed['dp']}")
    if "micro_batch" in fixed and "dp" in fixed and (prob.global_batch // fixed["dp"]) % fixed["micro_batch"]:
        raise InputError("micro_batch", f"must divide the per-replica batch of {prob.global_batch // fixed['dp']} sequences")
    if fixed.get("ep", 1) > 1 and prob.arch.moe is None:
        raise InputError("ep", f"{prob.arch.name} has no experts; expert parallelism needs an MoE model")
    from traincost.parallel.layout_rules import check_layout_fits_model

    check_layout_fits_model(prob.arch, prob.seq_len, fixed)


def _cloud_price(sc, acc, assumptions: list[Assumption], notes: list[str] | None = None, days: float | None = None):
    """USD per accelerator-hour: the user's --price; without provider and tier, the effective market price
    (money/market.py) with its band; else the offer a buyer would take (money/prices.py)."""
    from traincost.money import market, prices

    if sc.price is not None:
        return sc.price, "user (--price)", None, sc.provider, sc.pricing or "user", None
    if sc.provider is None and sc.pricing in (None, "market"):
        m = market.effective(acc, days)
        if m is None:
            raise InputError("price", f"no price for {acc.id} or any comparable accelerator in the catalog; pass --price")
        assumptions.append(Assumption(field="price", value=round(m.value, 4), source=m.source))
        if m.estimated_from and notes is not None:
            notes.append(f"Price is an ESTIMATE: {m.source}.")
        return m.value, m.source, None, None, "market", (m.low, m.high)
    if sc.pricing == "market":
        raise InputError("pricing", "market is the effective price across providers; drop --provider, or choose a tier "
                                    "(on-demand, capacity-block, contract, 1y, 3y, spot)")
    ch = prices.select(acc, sc.provider, sc.pricing, sc.region)
    if ch.note and notes is not None:
        notes.append(f"Price: {ch.note}.")
    assumptions.append(Assumption(field="price", value=ch.value, source=ch.source))
    return ch.value, ch.source, ch.row.region, ch.provider, ch.tier, None


# ============================================================================ audit


class AuditOutput(_Out):
    model: str
    tokens: float
    seq_len: int
    gpu: str
    claim: dict[str, Any]
    flops_total: float
    implied: dict[str, float]
    verdict: str  # impossible | implausible | plausible
    reason: str
    best_published_mfu: dict[str, Any]
    estimate: dict[str, Any]
    verdicts: list[dict[str, Any]] = []  # one per claimed figure (GPU-hours, days x GPUs, cost)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def best_published_mfu(acc) -> dict[str, Any]:
    """The highest MFU any public measurement in traincost's data reports for this accelerator
    generation (16-bit), with the row it comes from."""
    rows = [r for r in catalog.measurements()["rows"] if (r.get("measured") or {}).get("mfu")
            and (r.get("precision") or "bf16") != "fp8"]
    gen_of = {a.id: a.generation for a in catalog.accelerators().values()}
    same = [r for r in rows if gen_of.get(r["hardware"]) == acc.generation]
    pool = same or rows
    best = max(pool, key=lambda r: r["measured"]["mfu"])
    return {"mfu": float(best["measured"]["mfu"]), "row": best["id"], "source": best["source"],
            "scope": acc.generation if same else "any accelerator (none measured for this generation)"}


def run_audit(flags: dict) -> AuditOutput:
    """`traincost audit`: what each claimed figure (GPU-hours, days x GPUs, cost) implies about FLOP/s per GPU,
    MFU and price per GPU-hour, with one verdict per figure."""
    from traincost.schema import AuditRequest, make_request
    from traincost.trust.audit import judge, worst

    req = make_request(AuditRequest, flags)
    if req.gpu_hours is None and req.days is None and req.cost is None:
        raise InputError("claim", "give --gpu-hours H, --days D with --gpus N, or --cost USD (any combination)")
    if req.days is not None and req.gpus is None:
        raise InputError("gpus", "--days needs --gpus (the number of accelerators the claim assumes)")
    model_ref = req.model or _default("model")[0]
    tokens = req.tokens or float(_default("tokens")[0])
    seq_len = req.seq_len or int(_default("seq_len")[0])
    arch, entry = catalog.resolve_model(model_ref)
    acc = catalog.resolve_accelerator(req.gpu or _default("gpu")[0])
    dtype = acc.training_dtype(req.precision or "bf16")
    peak = acc.peak_flops(dtype)
    flops = arch.flops_per_token(seq_len, causal=True).training * tokens
    best = best_published_mfu(acc)

    claim, hours, verdicts = judge(req, acc, dtype, peak, flops, best)
    top = worst(verdicts)
    mfu = flops / (hours * 3600.0 * peak)
    gpus = req.gpus or int(_default("gpus")[0])
    est = estimate(model=model_ref, tokens=tokens, seq_len=seq_len, gpu=acc.id, gpus=gpus, precision=req.precision,
                   price=req.price or 1.0, engineers=0)
    rg = est.ranges["gpu_hours"]
    implied = {"mfu": mfu, "tflops_per_gpu": mfu * peak / 1e12, "mfu_6nd": 6.0 * arch.active_params * tokens / (hours * 3600.0 * peak),
               "gpu_hours": hours}
    if "price_per_gpu_hour_implied" in claim:
        implied["price_per_gpu_hour"] = claim["price_per_gpu_hour_implied"]
    return AuditOutput(
        model=entry.id if entry else arch.name, tokens=tokens, seq_len=seq_len, gpu=acc.id, claim=claim, flops_total=flops,
        implied=implied, verdict=top["verdict"], reason=top["reason"], best_published_mfu=best, verdicts=verdicts,
        estimate={"gpus": gpus, "gpu_hours": est.time.gpu_hours, "gpu_hours_p10": rg["p10"], "gpu_hours_p50": rg["p50"],
                  "gpu_hours_p90": rg["p90"], "mfu": est.throughput.mfu, "layout": est.throughput.layout,
                  "claim_vs_p50": hours / rg["p50"]},
    )


def _trained_tokens(sc, tokens: float, notes: list[str]) -> float:
    """--tokens counts domain tokens; a replay share of general data comes on top and costs compute."""
    if sc.replay and sc.kind == "from-scratch":
        notes.append("Replay applies to continued pre-training only; --replay is ignored for --kind from-scratch.")
    if not sc.replay or sc.kind == "from-scratch":
        return tokens
    trained = tokens / (1.0 - sc.replay)
    notes.append(f"Replay: {sc.replay:.0%} of the trained tokens are general data, so {trained:.4g} tokens are trained "
                 f"for {tokens:.4g} domain tokens (trained = domain / (1 - replay)).")
    return trained


def _quality(sc, arch, entry, domain_tokens: float, assumptions: list[Assumption]) -> dict[str, Any]:
    from traincost.decide.cpt import quality_for

    pre = entry.pretraining_tokens if entry else None
    if sc.base_tokens is None and pre and sc.kind != "from-scratch":
        assumptions.append(Assumption(field="base_tokens", value=pre, source=entry.pretraining_tokens_source))

    def note(field: str, value: Any, source: str) -> None:
        assumptions.append(Assumption(field=field, value=value, source=source))

    return quality_for(sc, arch.active_params, pre, domain_tokens, note)


def _pilots(sc, priced, peak: float, mfu: float, rng_out: dict) -> dict[str, Any] | None:
    """The pilot runs' bill line (scenario `pilots:`, written by `traincost fit-cpt`), added to the total."""
    if not sc.pilots:
        return None
    from traincost.decide.cpt_fit import pilots_line

    hours = priced.time["gpu_hours"]
    per_hour = priced.cost["compute_usd"] / hours if hours else 0.0
    line = pilots_line(sc.pilots, peak, mfu, per_hour)
    for q in rng_out["cost_usd"]:
        rng_out["cost_usd"][q] += line["usd"]
    return line


def _serving(sc, arch, acc, train_price: float | None, assumptions: list[Assumption]) -> dict[str, Any] | None:
    if not sc.serve:
        return None
    from traincost.decide.serving import serving_cost

    try:
        s_acc = catalog.resolve_accelerator(sc.serve_gpu) if sc.serve_gpu else acc
    except InputError as e:
        raise InputError("serve_gpu", e.message) from None
    if sc.serve_price is not None:
        price = sc.serve_price
    elif s_acc.id == acc.id and train_price is not None:
        price = train_price
    else:
        from traincost.money import market, prices

        if sc.provider is None and sc.pricing in (None, "market"):
            m = market.effective(s_acc)
            if m is None:
                raise InputError("serve_price", f"no price for {s_acc.id} in the catalog; pass --serve-price")
            price = m.value
        else:
            price = prices.select(s_acc, sc.provider, sc.pricing).value
    months = sc.months or 12.0
    if sc.months is None:
        assumptions.append(Assumption(field="months", value=months, source="assumption: one year of serving"))
    return serving_cost(arch, s_acc, sc.serve, months, price).to_dict()


def _projection(sc, priced, assumptions: list[Assumption]) -> dict[str, Any] | None:
    """Cost of the same run bought in a later year: compute gets cheaper with ML-hardware price-performance,
    which doubles every ~2.1 years (Epoch AI, 'Trends in GPU price-performance': ML GPUs 2.07 years, 90% CI
    1.54-3.13)."""
    if not sc.year:
        return None
    base_year = 2026
    doubling = 2.07
    years = sc.year - base_year
    factor = 2.0 ** (-years / doubling)
    compute = priced.cost["compute_usd"] * factor
    total = priced.cost["total_usd"] - priced.cost["compute_usd"] + compute
    src = ("Epoch AI, Trends in GPU price-performance (ML GPUs: FLOP/s per $ doubles every 2.07 years, 90% CI "
           "1.54-3.13); prices in the catalog are 2026 observations")
    assumptions.append(Assumption(field="price_performance_doubling_years", value=doubling, source=src))
    return {"year": sc.year, "base_year": base_year, "doubling_years": doubling, "factor": factor,
            "compute_usd": compute, "total_usd": total,
            "range_factor": [2.0 ** (-years / 1.54), 2.0 ** (-years / 3.13)] if years >= 0 else
                            [2.0 ** (-years / 3.13), 2.0 ** (-years / 1.54)],
            "note": "only compute (the accelerator-hour price or hardware) is projected; energy, storage and staff are not"}


def run_fit_cpt(path: str, base_tokens: str | None, domain: str, schedule: str, output: str,
                force: bool = False) -> dict[str, Any]:
    """`traincost fit-cpt`: fit the CPT law on pilot runs and write a scenario with the coefficients
    (P10, fit, P90) and the pilots (their cost becomes a bill line)."""
    from traincost.decide.cpt_fit import fit_pilots, parse_rows
    from traincost.files import read_csv_records, write_yaml
    from traincost.schema import make_scenario

    sc = make_scenario(base_tokens=base_tokens, domain=domain, schedule=schedule)
    rows = parse_rows(read_csv_records(path), sc.base_tokens)
    fit = fit_pilots(rows, domain=domain, schedule=schedule)
    scenario = {"domain": domain, "schedule": schedule, "cpt_coefficients": fit["coefficients"],
                "pilots": [{"params": r.params, "domain_tokens": r.domain_tokens, "replay": r.replay} for r in rows]}
    make_scenario(scenario)  # what we write must read back
    header = (f"# CPT law fitted by `traincost fit-cpt {path}` on {len(rows)} pilot runs; coefficients are\n"
              f"# [P10, fit, P90] ({fit['bootstrap']} bootstrap refits). Use: traincost compare {output} --models ...\n")
    write_yaml(output, scenario, header, force)
    return {**fit, "pilots": len(rows), "output": output}
