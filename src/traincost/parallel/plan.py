"""Layout planner: enumerate TP x PP x DP x CP x EP x ZeRO x micro-batch x recomputation x
interleaving for a cluster and a global batch, drop what does not fit in memory, rank by step time.

Enumeration and evaluation are NumPy array operations over all candidate layouts at once.
"""

from __future__ import annotations

import time as _time
from dataclasses import dataclass, replace

import numpy as np

from traincost.errors import InputError
from traincost.hardware.accelerator import Accelerator
from traincost.model.arch import ArchSpec
from traincost.parallel import frameworks, precision, schedule
from traincost.parallel.kernels import attention_efficiency
from traincost.parallel.perf import (
    GIB,
    RECOMPUTE,
    Efficiency,
    Evaluation,
    Layouts,
    ModelCosts,
    Training,
    Workload,
    evaluate,
)

MAX_TP_CP = 64  # search limit: TP and CP degrees beyond 64 (a few NVLink domains) are not enumerated
MAX_MICRO_BATCH = 64  # search limit: micro-batches of more than 64 sequences are not enumerated
INTERLEAVE_CHOICES = (1, 2, 4, 8)  # virtual pipeline stages tried (Megatron's usual range)
TIE_WEIGHT_ZERO = 0.1  # ranking: a ZeRO stage weighs a tenth of a parallel dimension when step times tie
TIE_WEIGHT_RECOMPUTE = 0.01  # ranking: recomputation weighs least when step times tie
TIE_LOG_RESOLUTION = 1000  # ranking: step times within 0.1% (log-scale) count as a tie
DEFAULT_TOP = 5  # layouts kept by search() by default
SUGGEST_MULTIPLIERS = (2, 4, 8, 16)  # suggest(): cluster sizes tried, as multiples of the current one


@dataclass(frozen=True)
class Problem:
    """What is being planned: a model on a cluster with a global batch."""

    arch: ArchSpec
    acc: Accelerator
    n_gpus: int
    seq_len: int
    global_batch: int  # sequences per optimizer step
    eff: Efficiency
    train: Training = Training()
    dtype: str = "bf16"  # the GEMM format (a peak_tflops key)
    recipe: str = ""  # the precision recipe (data/precision.yaml); "" = the dtype's default recipe


def _pow2_upto(n: int) -> list[int]:
    out, x = [], 1
    while x <= n:
        out.append(x)
        x *= 2
    return out


def _divisors(n: int) -> list[int]:
    small = [i for i in range(1, int(n**0.5) + 1) if n % i == 0]
    return sorted(set(small + [n // i for i in small]))


def _base_combos(prob: Problem, fixed: dict, opt) -> list[tuple[int, int, int, int, int]]:
    """(tp, pp, dp, cp, ep) that divide the cluster and the batch and that the model's shape allows."""
    a, n, B, s = prob.arch, prob.n_gpus, prob.global_batch, prob.seq_len
    H, kv = (
        a.attention.num_heads,
        (a.attention.num_heads if a.attention.kind == "mla" else a.attention.num_kv_heads),
    )
    tps = [
        t for t in _pow2_upto(min(n, MAX_TP_CP)) if H % t == 0 and kv % t == 0
    ]  # Megatron: query groups % TP == 0
    tps = tps if opt.tp else [1]
    cps = [c for c in _pow2_upto(min(n, MAX_TP_CP)) if s % (2 * c) == 0 or c == 1] if opt.cp else [1]
    combos = []
    for t in [fixed["tp"]] if "tp" in fixed else tps:
        for c in [fixed["cp"]] if "cp" in fixed else cps:
            if n % (t * c):
                continue
            for p in [fixed["pp"]] if "pp" in fixed else (_divisors(n // (t * c)) if opt.pp else [1]):
                if p > a.num_layers or n % (t * c * p):
                    continue
                d = n // (t * c * p)
                if ("dp" in fixed and fixed["dp"] != d) or B % d:
                    continue
                combos.extend((t, p, d, c, ep) for ep in _expert_degrees(prob, fixed, opt, d * c))
    return combos


def _expert_degrees(prob: Problem, fixed: dict, opt, dc: int) -> list[int]:
    """EP degrees for a DP x CP group of dc ranks (expert ranks come out of the DP x CP ranks)."""
    a = prob.arch
    eps = [1]
    if a.moe is not None and a.num_moe_layers > 0:
        eps = [x for x in _divisors(a.moe.num_experts) if dc % x == 0] if opt.ep else [1]
    if "ep" in fixed:
        eps = [fixed["ep"]] if dc % fixed["ep"] == 0 else []
    return eps


def enumerate_layouts(prob: Problem, fixed: dict | None = None) -> Layouts:
    """Every layout that divides the cluster and the batch evenly and that the model's shape allows.
    `fixed` pins any of tp, pp, dp, cp, ep, zero, micro_batch, recompute (name), interleave."""
    fixed = {k: v for k, v in (fixed or {}).items() if v is not None}
    a, B = prob.arch, prob.global_batch
    opt = frameworks.options(prob.train.framework)
    combos = _base_combos(prob, fixed, opt)
    if not combos:
        return Layouts(*(np.zeros(0, dtype=np.int64) for _ in Layouts.__dataclass_fields__))
    base = np.array(combos, dtype=np.int64)  # (k, 5)

    zeros = [fixed["zero"]] if "zero" in fixed else list(opt.zero)
    if "recompute" in fixed:
        recs = [RECOMPUTE.index(fixed["recompute"])]
    else:  # with FlashAttention, selective recomputation equals none (FlashAttention already recomputes)
        recs = [0, 2] if prob.train.flash_attention else [0, 1, 2]
    mbs = [fixed["micro_batch"]] if "micro_batch" in fixed else _pow2_upto(min(B, MAX_MICRO_BATCH))
    vs = (
        [fixed["interleave"]]
        if "interleave" in fixed
        else (list(INTERLEAVE_CHOICES) if opt.interleave else [1])
    )

    axes = (np.arange(len(base)), zeros, mbs, recs, vs)
    grid = np.array(np.meshgrid(*axes, indexing="ij")).reshape(len(axes), -1)
    bi = grid[0]
    tp, pp, dp, cp, ep = (base[bi, j] for j in range(base.shape[1]))
    zero, mb, rec, v = grid[1], grid[2], grid[3], grid[4]
    local = B // dp
    m = np.where(local % mb == 0, local // np.maximum(mb, 1), 0)
    ok = (local % mb == 0) & (m >= 1)
    # interleaving needs whole micro-batch rounds; stages need not divide the layers when the framework sets the
    # first/last stage sizes (schedule.stage_layers), otherwise every stage (and chunk) holds the same count
    _, _, _, split_ok = schedule.stage_layers(a.num_layers, pp, v)
    even = a.num_layers % (pp * v) == 0
    ok &= (v == 1) | ((pp > 1) & (m % pp == 0))
    ok &= split_ok & (even | opt.uneven_stages)
    ok &= (zero == 0) | (dp * cp > 1)  # sharding needs a data-parallel group
    idx = np.nonzero(ok)[0]
    return Layouts(tp[idx], pp[idx], dp[idx], cp[idx], ep[idx], zero[idx], mb[idx], rec[idx], v[idx])


def evaluate_layouts(prob: Problem, lay: Layouts) -> Evaluation:
    a = prob.arch
    k_full = a.keys_per_query(prob.seq_len, causal=True)
    # sliding-window layers attend fewer keys: average over layers
    k_slide = a.keys_per_query(prob.seq_len, causal=True, sliding=True)
    kq = (k_full * (a.num_layers - a.num_sliding_layers) + k_slide * a.num_sliding_layers) / a.num_layers
    model = a.flops_per_token(prob.seq_len, causal=True).training
    hw = np.array(
        [
            a.flops_per_token(
                prob.seq_len, causal=True, recompute=r, flash_attention=prob.train.flash_attention
            ).hardware
            for r in RECOMPUTE
        ]
    )[lay.recompute]
    work = Workload(prob.seq_len, prob.global_batch, model, hw, kq, prob.dtype)
    return evaluate(ModelCosts.from_arch(a), prob.acc, lay, work, problem_efficiency(prob), prob.train)


def problem_efficiency(prob: Problem) -> Efficiency:
    """The accelerator's constants for this problem: the GEMM fraction of the training dtype and the measured
    attention-kernel efficiency at the model's head dim and sequence length (causal)."""
    k = prob.eff.kernels
    rec = precision.recipe(prob.recipe or prob.dtype, prob.acc.generation)
    quant = {
        "quant_bytes": rec.quant_bytes,
        "bf16_layers": rec.bf16_layers_at_end,
        "saved_input_bytes": rec.saved_input_bytes,
    }
    if k is None:
        return replace(prob.eff, gemm_high=prob.eff.gemm, **quant)
    # no FP4 GEMM sweep is published (MAMF covers BF16 and FP8): FP4 GEMMs take the FP8 fraction
    frac_dtype = "fp8" if prob.dtype == "fp4" and "fp4" not in k.gemm else prob.dtype
    upd = {"gemm": k.gemm_fraction(frac_dtype), "gemm_high": k.gemm_fraction("bf16")}
    kernel = prob.train.attention_kernel if prob.train.flash_attention else "standard"
    try:
        ae = attention_efficiency(k, kernel, prob.arch.attention.head_dim, prob.seq_len, causal=True)
        upd.update(attention_fwd=ae, attention_bwd=ae)
    except KeyError:
        pass
    keep = set(prob.eff.pinned)  # measured by `traincost probe` on the user's machine
    if "gemm" in keep and prob.dtype not in ("bf16", "fp16"):
        keep.discard("gemm")  # the probe's GEMM curve is 16-bit; other dtypes keep the catalog's fraction
    if "gemm" in prob.eff.pinned:
        upd["gemm_high"] = prob.eff.gemm  # the probe's measured 16-bit fraction
    return replace(prob.eff, **{f: v for f, v in upd.items() if f not in keep}, **quant)


@dataclass(frozen=True)
class LayoutResult:
    layout: dict
    step_time_s: float
    tokens_per_s: float
    tokens_per_s_per_gpu: float
    mfu: float
    hfu: float
    memory_gib: dict[str, float]
    time_breakdown_s: dict[str, float]
    fits: bool
    microbatches: int

    def to_dict(self) -> dict:
        return {
            "layout": self.layout,
            "step_time_s": self.step_time_s,
            "throughput": {
                "tokens_per_s": self.tokens_per_s,
                "tokens_per_s_per_gpu": self.tokens_per_s_per_gpu,
                "mfu": self.mfu,
                "hfu": self.hfu,
            },
            "memory": {
                "total_gib": self.memory_gib["total"],
                "fits": self.fits,
                "breakdown_gib": {k: v for k, v in self.memory_gib.items() if k != "total"},
            },
            "time_breakdown": self.time_breakdown_s,
            "microbatches": self.microbatches,
        }


def result_row(ev: Evaluation, lay: Layouts, i: int, capacity: float) -> LayoutResult:
    n = int(ev.extras["n_gpus"][i])
    mem = {k: float(v[i]) / GIB for k, v in ev.memory.items()}
    mem["capacity"] = capacity / GIB
    return LayoutResult(
        layout=lay.row(i),
        step_time_s=float(ev.time["step"][i]),
        tokens_per_s=float(ev.tokens_per_s[i]),
        tokens_per_s_per_gpu=float(ev.tokens_per_s[i]) / n,
        mfu=float(ev.mfu[i]),
        hfu=float(ev.hfu[i]),
        memory_gib=mem,
        time_breakdown_s={k: float(v[i]) for k, v in ev.time.items()},
        fits=bool(ev.fits[i]),
        microbatches=int(round(float(ev.microbatches[i]))),
    )


@dataclass(frozen=True)
class SearchResult:
    best: LayoutResult | None
    top: list[LayoutResult]
    evaluated: int
    fitting: int
    seconds: float
    why_not: str | None = None


def search(prob: Problem, fixed: dict | None = None, top: int = DEFAULT_TOP) -> SearchResult:
    t0 = _time.perf_counter()
    lay = enumerate_layouts(prob, fixed)
    if len(lay) == 0:
        return SearchResult(None, [], 0, 0, _time.perf_counter() - t0, why_not=_no_layout_reason(prob, fixed))
    ev = evaluate_layouts(prob, lay)
    step = np.where(ev.fits, ev.time["step"], np.inf)
    n_fit = int(ev.fits.sum())
    # ties (within 0.1%) go to the simpler layout: fewer parallel dimensions, no interleaving, less sharding
    simpler = (
        (lay.tp > 1).astype(int)
        + (lay.pp > 1)
        + (lay.cp > 1)
        + (lay.ep > 1)
        + (lay.interleave > 1)
        + lay.zero * TIE_WEIGHT_ZERO
        + lay.recompute * TIE_WEIGHT_RECOMPUTE
    )
    order = np.lexsort((simpler, np.round(np.log(step) * TIE_LOG_RESOLUTION)))[: max(top, 1)]
    seconds = _time.perf_counter() - t0
    if n_fit == 0:
        i = int(np.argmin(ev.memory["total"]))
        closest = result_row(ev, lay, i, ev.capacity_bytes)
        return SearchResult(None, [closest], len(lay), 0, seconds, why_not=_why_no_fit(prob, closest))
    rows = [result_row(ev, lay, int(i), ev.capacity_bytes) for i in order if np.isfinite(step[i])]
    return SearchResult(rows[0], rows, len(lay), n_fit, seconds)


def _no_layout_reason(prob: Problem, fixed: dict | None) -> str:
    a = prob.arch
    return (
        f"no layout divides {prob.n_gpus} GPUs and a global batch of {prob.global_batch} sequences evenly"
        f" with {a.attention.num_heads} heads and {a.num_layers} layers"
        + (f" under the fixed settings {fixed}" if fixed else "")
        + "; use a GPU count and batch that are multiples of 8 (or powers of two)"
    )


def _why_no_fit(prob: Problem, closest: LayoutResult) -> str:
    need, cap = closest.memory_gib["total"], closest.memory_gib["capacity"]
    return (
        f"nothing fits in {prob.acc.memory_gb:g} GB: the leanest layout ({fmt_layout(closest.layout)}) needs "
        f"{need:.1f} GiB per GPU of {cap:.1f} GiB; try more GPUs, full recomputation, a smaller micro-batch "
        f"or an accelerator with more memory"
    )


def fmt_layout(x: dict | None) -> str:
    """TP2 PP4 DP64 ZeRO-1 mb1 recompute none v2; 'given MFU' when no layout was planned."""
    if not x:
        return "given MFU"
    parts = [f"TP{x['tp']}", f"PP{x['pp']}", f"DP{x['dp']}"]
    if x["cp"] > 1:
        parts.append(f"CP{x['cp']}")
    if x["ep"] > 1:
        parts.append(f"EP{x['ep']}")
    parts += [f"ZeRO-{x['zero']}", f"mb{x['micro_batch']}", f"recompute {x['recompute']}"]
    if x["interleave"] > 1:
        parts.append(f"v{x['interleave']}")
    return " ".join(parts)


def suggest(prob: Problem, accelerators: dict[str, Accelerator], efficiency_for) -> list[str]:
    """What would fit when nothing does: more GPUs (whole nodes, doubling) or a larger-memory part."""
    out = []
    n = prob.n_gpus
    for mult in SUGGEST_MULTIPLIERS:
        p2 = replace(prob, n_gpus=n * mult, global_batch=max(prob.global_batch, n * mult // 8 or 1))
        r = search(p2, top=1)
        if r.best:
            out.append(
                f"{n * mult} x {prob.acc.id} fits ({fmt_layout(r.best.layout)}, "
                f"{r.best.memory_gib['total']:.0f} GiB per GPU)"
            )
            break
    bigger = sorted(
        (a for a in accelerators.values() if a.memory_gb > prob.acc.memory_gb), key=lambda a: a.memory_gb
    )
    for a in bigger:
        try:
            p2 = replace(prob, acc=a, eff=efficiency_for(a))
            r = search(p2, top=1)
        except InputError:
            continue
        if r.best:
            out.append(f"{n} x {a.id} ({a.memory_gb:g} GB) fits ({fmt_layout(r.best.layout)})")
            break
    return out
