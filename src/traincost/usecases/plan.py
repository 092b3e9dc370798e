"""`traincost plan`: search layouts (or evaluate the fixed one) for a model on a cluster."""

from __future__ import annotations

from traincost import catalog
from traincost.errors import InputError
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.layout_rules import check_layout_fits_model
from traincost.parallel.plan import search, suggest
from traincost.schema import PlanRequest, make_request
from traincost.usecases.common import LAYOUT_FIELDS, build_problem, picker
from traincost.usecases.results import Assumption, PlanOutput

# input limit: more alternatives than this are not worth printing or computing
MAX_TOP = 50
DEFAULT_TOP = 5  # presentation: the fastest layout and four alternatives


def _parse_top(top: int | str) -> int:
    try:
        top_n = int(str(top).strip())
    except (TypeError, ValueError):
        top_n = 0
    if not 1 <= top_n <= MAX_TOP:
        raise InputError("top", f"must be a whole number from 1 to {MAX_TOP} (got {top!r})")
    return top_n


def run_plan(flags: dict, top: int | str = DEFAULT_TOP) -> PlanOutput:
    """`traincost plan`: search layouts (or evaluate the fixed one) for a model on a cluster."""
    req = make_request(PlanRequest, flags)
    top_n = _parse_top(top)
    assumptions: list[Assumption] = []
    prob, entry, optimizer = build_problem(req, assumptions, picker(req, assumptions))
    fixed = {k: getattr(req, k) for k in LAYOUT_FIELDS if getattr(req, k) is not None}
    check_fixed(prob, fixed)
    res = search(prob, fixed, top=top_n)
    suggestions = (
        suggest(prob, catalog.accelerators(), efficiency_for) if res.best is None and res.evaluated else []
    )
    eff = prob.eff
    return PlanOutput(
        model=entry.id if entry else prob.arch.name,
        gpu=prob.acc.id,
        gpus=prob.n_gpus,
        seq_len=prob.seq_len,
        global_batch={"sequences": prob.global_batch, "tokens": prob.global_batch * prob.seq_len},
        precision=prob.recipe or prob.dtype,
        optimizer=optimizer,
        framework=prob.train.framework,
        best=res.best.to_dict() if res.best else None,
        alternatives=[r.to_dict() for r in res.top[1:]] if res.best else [r.to_dict() for r in res.top],
        search={"evaluated": res.evaluated, "fitting": res.fitting, "seconds": res.seconds, "fixed": fixed},
        calibration={"generation": prob.acc.generation, "calibrated": eff.calibrated, "source": eff.source},
        why_not=res.why_not,
        suggestions=suggestions,
        assumptions=assumptions,
    )


def check_fixed(prob, fixed: dict) -> None:
    """The layout sizes the user fixed must fit the cluster, the batch and the model."""
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
        raise InputError(
            "global_batch", f"{prob.global_batch} sequences must divide evenly over dp={fixed['dp']}"
        )
    if "micro_batch" in fixed and "dp" in fixed and (prob.global_batch // fixed["dp"]) % fixed["micro_batch"]:
        raise InputError(
            "micro_batch",
            f"must divide the per-replica batch of {prob.global_batch // fixed['dp']} sequences",
        )
    if fixed.get("ep", 1) > 1 and prob.arch.moe is None:
        raise InputError("ep", f"{prob.arch.name} has no experts; expert parallelism needs an MoE model")
    check_layout_fits_model(prob.arch, prob.seq_len, fixed)
