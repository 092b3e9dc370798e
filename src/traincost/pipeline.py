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
    price_per_gpu_hour: float | None
    price_source: str
    provider: str | None = None
    pricing: str | None = None


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
        from traincost.model.arch import from_hf_config

        try:
            arch = from_hf_config(scenario.config, name=str(scenario.config.get("_name_or_path") or "custom config"))
        except InputError as e:
            raise InputError("config", e.message) from None
    prob, entry, _optimizer = build_problem(scenario, assumptions, pick, plan=scenario.mfu is None, arch=arch)
    arch, acc, n_gpus, seq_len = prob.arch, prob.acc, prob.n_gpus, prob.seq_len
    notes: list[str] = []
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
            f"{best.memory_gib['total']:.0f} GiB per GPU; `traincost plan` shows why) x {real:g}, the share of it that "
            "published training runs achieved."
        )
        if not prob.eff.calibrated:
            notes.append(f"The performance model is not calibrated for {acc.generation} accelerators: treat it as a rough guide.")

    # Run (failure-free) -> Bill (with failures, restarts and checkpoints)
    solve_days = run.wall_clock_days(tokens, tps)
    owned = bool(scenario.on_prem)
    price, price_src, price_region, provider, pricing = None, "owned hardware", None, None, None
    if not owned or scenario.compare_ownership:
        price, price_src, price_region, provider, pricing = _cloud_price(scenario, acc, assumptions)
    price_user = scenario.price is not None
    if scenario.mfu is not None:
        sigma = 0.0  # a given MFU is taken as exact
    elif scenario.realization is not None:
        sigma = prob.eff.throughput_sigma  # the benchmark spread only
    else:
        sigma = max(float(catalog.realization().get("sigma", 0.0)), prob.eff.throughput_sigma)
    z90 = 1.2815515655446004
    solve_range = (solve_days * math.exp(-z90 * sigma), solve_days * math.exp(z90 * sigma)) if sigma else None

    def priced_for(own: bool):
        P, ctx = resolve(scenario, acc, n_gpus, arch.params, arch.vocab_size, tokens, solve_days, price, price_src,
                         price_region, own, solve_range=solve_range, price_user=price_user)
        return P, ctx, make_bill(P, ctx)

    P, ctx, priced = priced_for(owned)
    rng_out = ranges(P, ctx, n=scenario.samples or 10_000, seed=scenario.seed or 0)
    comparison = None
    if scenario.compare_ownership:
        other = priced_for(not owned)[2]
        cloud, own = (other, priced) if owned else (priced, other)
        comparison = {"cloud": cloud.cost, "owned": own.cost}
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
            tflops_per_gpu=mfu * peak / 1e12, hfu=best.hfu if best else None,
            layout=best.layout if best else None, step_time_s=best.step_time_s if best else None,
            memory_gib=best.memory_gib["total"] if best else None, global_batch=prob.global_batch or None,
            framework=prob.train.framework if best else None,
        ),
        time=TimeInfo(**priced.time),
        cost=CostInfo(**priced.cost, ownership=priced.ownership, price_per_gpu_hour=None if owned else price,
                      price_source=price_src if not owned else "owned hardware (see bill)", provider=provider,
                      pricing=pricing),
        bill=[BillLine(**vars(x)) for x in priced.lines],
        energy=priced.energy, carbon=priced.carbon, storage=priced.storage, reliability=priced.reliability,
        comparison=comparison,
        ranges=rng_out,
        quality=_quality(scenario, arch, entry, tokens),
        serving=_serving(scenario, arch, acc, price, assumptions),
        projection=_projection(scenario, priced, assumptions),
        assumptions=assumptions,
        notes=notes,
    )


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
    prob = Problem(arch, acc, n, seq_len, gb, catalog.efficiency(acc), train, dtype)
    return prob, entry, optimizer


def run_plan(flags: dict, top: int | str = 5) -> PlanOutput:
    """`traincost plan`: search layouts (or evaluate the fixed one) for a model on a cluster."""
    from traincost.parallel.plan import search, suggest
    from traincost.schema import PlanRequest, make_request

    req = make_request(PlanRequest, flags)
    try:
        top = max(1, min(int(top), 50))
    except (TypeError, ValueError):
        raise InputError("top", f"must be a whole number from 1 to 50 (got {top!r})") from None
    assumptions: list[Assumption] = []
    pick = _picker(req, assumptions)

    prob, entry, optimizer = build_problem(req, assumptions, pick)
    fixed = {k: getattr(req, k) for k in LAYOUT_FIELDS if getattr(req, k) is not None}
    _check_fixed(prob, fixed)
    res = search(prob, fixed, top=top)
    suggestions = suggest(prob, catalog.accelerators(), catalog.efficiency) if res.best is None and res.evaluated else []
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


def _cloud_price(sc, acc, assumptions: list[Assumption]):
    """USD per accelerator-hour: the user's --price, or the catalog row for provider and pricing."""
    pricing = sc.pricing or "on-demand"
    if sc.price is not None:
        return sc.price, "user (--price)", None, sc.provider, pricing
    row, value = catalog.select_price(acc.id, sc.provider, pricing)
    where = f"{row.provider} {row.instance or ''} {row.region or ''}".replace("  ", " ").strip()
    src = f"{where} {pricing}, observed {row.date}; {row.source}"
    assumptions.append(Assumption(field="price", value=value, source=src))
    return value, src, row.region, row.provider, pricing


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
    """`traincost audit`: what a claimed GPU-hours / days / cost implies about FLOP/s per GPU and MFU."""
    from traincost.schema import AuditRequest, make_request

    req = make_request(AuditRequest, flags)
    ways = [req.gpu_hours is not None, req.days is not None, req.cost is not None]
    if sum(ways) != 1:
        raise InputError("claim", "give exactly one of --gpu-hours H, --days D with --gpus N, or --cost USD with --price P")
    if req.days is not None and req.gpus is None:
        raise InputError("gpus", "--days needs --gpus (the number of accelerators the claim assumes)")
    if req.cost is not None and req.price is None:
        raise InputError("price", "--cost needs --price (USD per GPU-hour the claim assumes)")
    model_ref = req.model or _default("model")[0]
    tokens = req.tokens or float(_default("tokens")[0])
    seq_len = req.seq_len or int(_default("seq_len")[0])
    arch, entry = catalog.resolve_model(model_ref)
    acc = catalog.resolve_accelerator(req.gpu or _default("gpu")[0])
    dtype = acc.training_dtype(req.precision or "bf16")
    peak = acc.peak_flops(dtype)
    if req.gpu_hours is not None:
        hours, claim = req.gpu_hours, {"gpu_hours": req.gpu_hours}
    elif req.days is not None:
        hours, claim = req.days * 24 * req.gpus, {"days": req.days, "gpus": req.gpus}
    else:
        hours, claim = req.cost / req.price, {"cost_usd": req.cost, "price_per_gpu_hour": req.price}
    if req.gpu_hours is None:
        claim["gpu_hours_implied"] = hours
    flops = arch.flops_per_token(seq_len, causal=True).training * tokens
    six_nd = 6.0 * arch.active_params * tokens
    mfu = flops / (hours * 3600.0 * peak)
    best = best_published_mfu(acc)
    if mfu > 1.0:
        verdict, reason = "impossible", f"it needs {mfu:.0%} of the {acc.id}'s dense {dtype} peak; no hardware exceeds 100%"
    elif mfu > best["mfu"]:
        verdict, reason = "implausible", (f"{mfu:.0%} MFU is above the best published {best['mfu']:.0%} "
                                          f"for {best['scope']} ({best['row']})")
    else:
        verdict, reason = "plausible", f"{mfu:.0%} MFU is within what has been measured (best published {best['mfu']:.0%})"
    gpus = req.gpus or int(_default("gpus")[0])
    est = estimate(model=model_ref, tokens=tokens, seq_len=seq_len, gpu=acc.id, gpus=gpus, precision=req.precision,
                   price=req.price or 1.0, engineers=0)
    rg = est.ranges["gpu_hours"]
    return AuditOutput(
        model=entry.id if entry else arch.name, tokens=tokens, seq_len=seq_len, gpu=acc.id, claim=claim, flops_total=flops,
        implied={"mfu": mfu, "tflops_per_gpu": mfu * peak / 1e12, "mfu_6nd": six_nd / (hours * 3600.0 * peak),
                 "gpu_hours": hours},
        verdict=verdict, reason=reason, best_published_mfu=best,
        estimate={"gpus": gpus, "gpu_hours": est.time.gpu_hours, "gpu_hours_p10": rg["p10"], "gpu_hours_p50": rg["p50"],
                  "gpu_hours_p90": rg["p90"], "mfu": est.throughput.mfu, "layout": est.throughput.layout,
                  "claim_vs_p50": hours / rg["p50"]},
    )


def _quality(sc, arch, entry, tokens: float) -> dict[str, Any]:
    from traincost.decide.quality import CptLaw, expected_quality

    pre = entry.pretraining_tokens if entry else None
    kind = sc.kind or ("continued-pretraining" if pre else "from-scratch")
    law = CptLaw(**sc.cpt_law, rough=False) if sc.cpt_law else None
    q = expected_quality(arch.active_params, tokens, kind, pre, law).to_dict()
    q["base_pretraining_tokens"] = pre
    return q


def _serving(sc, arch, acc, train_price: float | None, assumptions: list[Assumption]) -> dict[str, Any] | None:
    if not sc.serve:
        return None
    from traincost.decide.serving import serving_cost

    s_acc = catalog.resolve_accelerator(sc.serve_gpu) if sc.serve_gpu else acc
    if sc.serve_price is not None:
        price = sc.serve_price
    elif s_acc.id == acc.id and train_price is not None:
        price = train_price
    else:
        _row, price = catalog.select_price(s_acc.id, sc.provider, sc.pricing or "on-demand")
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
