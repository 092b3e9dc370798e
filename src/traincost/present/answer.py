"""The answer first: one paragraph per command (what, how much with P10-P90, how long, on what, and the one
assumption that matters most), as plain text. The terminal, the reports, the Python API's HTML card and the
web page all say the same thing, from these functions."""

from __future__ import annotations

from typing import Any

from traincost import catalog
from traincost.money.market import effective
from traincost.money.uncertainty import MEDIAN_PERCENTILE
from traincost.parallel.plan import fmt_layout
from traincost.units import human, usd

# presentation: a step-time component is named in the answer when it takes at least 1% of the step
MIN_SHARE_NAMED = 0.01


def _rng(q: dict[str, float], fmt) -> str:
    return f"P10-P90 {fmt(q['p10'])}-{fmt(q['p90'])}"


def _days(x: float) -> str:
    return f"{x:,.1f}"


def estimate_headline(r) -> str:
    """The first line: the answer (the median of the Monte Carlo) with its P10-P90, and the wall-clock days
    with theirs."""
    g = r.ranges
    a = r.answer or {}
    cost = a.get("cost_usd", g["cost_usd"]["p50"])
    days = a.get("wall_clock_days", g["wall_clock_days"]["p50"])
    return (
        f"{usd(cost)} ({_rng(g['cost_usd'], usd)}) and {_days(days)} days "
        f"({_rng(g['wall_clock_days'], _days)})"
    )


def answer_sentences(r) -> list[str]:
    """Which figure is the answer: the median, the point estimate explained, the budget at a percentile."""
    a = r.answer
    if not a:
        return []
    out = [
        f"Medians (P50) of the Monte Carlo; the point estimate, every input at its central value, is "
        f"{usd(a['point_estimate_usd'])}."
    ]
    if a["budget_percentile"] != MEDIAN_PERCENTILE:
        out.append(
            f"Budget at P{a['budget_percentile']:g}: {usd(a['budget_usd'])} "
            f"({a['days_at_percentile']:,.1f} days at that percentile)."
        )
    return out


def what(r) -> str:
    q = r.quality or {}
    verb = "continue pre-training" if q.get("kind") == "continued-pretraining" else "pre-train from scratch"
    return f"to {verb} {r.model.display_name} on {human(r.tokens)} tokens (seq {r.seq_len:,})"


def on_what(r) -> str:
    hw = f"{r.hardware.count:,} x {r.hardware.name}"
    if r.cost.ownership == "owned":
        return f"on {hw}, owned hardware (depreciation, power and facility)"
    c = r.cost
    how = (
        "your price"
        if c.price_source.startswith("user")
        else " ".join(x for x in (c.provider, c.pricing) if x)
    )
    return f"on {hw} in the cloud at {usd(c.price_per_gpu_hour)} per GPU-hour ({how})"


def top_driver(r) -> str:
    d = (r.ranges or {}).get("drivers") or []
    if not d:
        return ""
    x = d[0]
    lo, hi = sorted((x["cost_at_low"], x["cost_at_high"]))
    return f"The assumption that matters most is {x['label']}: across its P10-P90 the total moves from {usd(lo)} to {usd(hi)}."


def option_sentences(r) -> list[str]:
    """What --year, --serve, --kind, --region (and --framework) change, said in words."""
    out = []
    p = r.projection
    if p:
        lo, hi = sorted(p["range_factor"])
        out.append(
            f"Bought in {p['year']} instead of {p['base_year']}, compute costs x{p['factor']:.2f} "
            f"(x{lo:.2f}-x{hi:.2f}; price-performance doubles every {p['doubling_years']:g} years): "
            f"{usd(p['total_usd'])} in total."
        )
    s = r.serving
    if s:
        out.append(
            f"Serving {human(s['tokens_per_month'])} generated tokens a month for {s['months']:g} months on "
            f"{s['accelerator']} adds {usd(s['cost_usd'])} ({s['gpu_hours']:,.0f} GPU-hours), "
            f"{usd(r.cost.total_usd + s['cost_usd'])} with training."
        )
    q = r.quality
    if q:
        kind = "continued pre-training" if q["kind"] == "continued-pretraining" else "from scratch"
        out.append(
            f"Expected loss {q['loss']:.3f} nats/token ({kind}; a scaling-law estimate, not a benchmark)."
        )
    c = r.carbon
    market = (
        f"; market-based {c['market_total_t']:,.1f} tCO2e"
        if "market_total_t" in c and round(c["market_total_t"], 1) != round(c["total_t"], 1)
        else ""
    )
    out.append(
        f"{r.energy['kwh'] / 1000:,.0f} MWh and {c['total_t']:,.1f} tCO2e{' (location-based' + market + ')' if market else ''} "
        f"on the {c['grid_region']} grid ({c['grid_g_per_kwh']:.0f} g/kWh)."
    )
    fw = getattr(r.throughput, "framework", None)
    if fw and r.throughput.layout is not None:
        out.append(f"Layout planned for {fw} (--framework).")
    return out


def _recipe_note(r) -> str:
    """Which recipe the GEMMs ran in, and that MFU is then of that format's peak (16-bit runs say nothing)."""
    hw = getattr(r, "hardware", None)
    recipe = getattr(hw, "recipe", "") if hw else ""
    if not recipe or recipe in ("bf16", "fp16"):
        return ""
    return f"; {recipe} GEMMs, MFU of the dense {hw.precision} peak"


def estimate_paragraph(r) -> tuple[str, list[str]]:
    """(headline, sentences): the answer of `traincost estimate`."""
    th = r.throughput
    basis = {"planner": "predicted", "user": "given", "assumed": "assumed"}[th.mfu_basis]
    w = what(r)
    gpu_hours = (r.answer or {}).get("gpu_hours", r.time.gpu_hours)
    body = [
        f"{w[0].upper()}{w[1:]} {on_what(r)}:",
        f"{gpu_hours:,.0f} GPU-hours at {th.mfu:.1%} MFU ({basis}{_recipe_note(r)}).",
        *answer_sentences(r),
        top_driver(r),
    ]
    return estimate_headline(r), body + option_sentences(r)


def estimate_text(r) -> str:
    head, rest = estimate_paragraph(r)
    return head + " " + " ".join(s for s in rest if s)


# ----------------------------------------------------------------------------- other commands


def _ties(rows: list[dict], key, fmt) -> list[str]:
    """Labels of the rows that share the best value as printed (identical rows tie)."""
    best = min(key(r) for r in rows)
    return [r["label"] for r in rows if fmt(key(r)) == fmt(best)]


def _who(labels: list[str], n: int) -> str:
    if len(labels) == 1:
        return labels[0]
    if len(labels) == n:
        return "both candidates tie" if n == 2 else f"all {n} candidates tie"
    return " and ".join([", ".join(labels[:-1]), labels[-1]]) + " tie"


def median_cost(r: dict[str, Any]) -> float:
    """A candidate's answer: the median cost (the point estimate where no Monte Carlo ran)."""
    return (r.get("answer") or {}).get("cost_usd", r["cost"]["total_usd"])


def median_days(r: dict[str, Any]) -> float:
    return (r.get("answer") or {}).get("wall_clock_days", r["time"]["wall_clock_days"])


def compare_paragraph(res: dict[str, Any]) -> tuple[str, list[str]]:
    ok = [r for r in res["candidates"] if "cost" in r]
    n = len(res["candidates"])
    if not ok:
        return f"None of the {n} candidates is feasible.", []
    cheap = _ties(ok, median_cost, usd)
    fast = _ties(ok, median_days, _days)
    loss = _ties(ok, lambda r: r["quality"]["loss"], lambda x: f"{x:.3f}")
    c0 = next(r for r in ok if r["label"] == cheap[0])
    f0 = next(r for r in ok if r["label"] == fast[0])
    head = (
        f"Cheapest: {_who(cheap, len(ok))} at {usd(median_cost(c0))} "
        f"({_rng(c0['ranges']['cost_usd'], usd)}); fastest: {_who(fast, len(ok))} at "
        f"{_days(median_days(f0))} days (medians)."
    )
    verdict = res["summary"].get("quality_verdict") or {}
    if verdict.get("indistinguishable_loss"):
        loss_line = f"Expected loss: indistinguishable among {', '.join(verdict['indistinguishable_loss'])} (overlapping P10-P90)."
    elif len(loss) < len(ok) and res["summary"].get("best_expected_loss"):
        loss_line = f"Lowest expected loss: {res['summary']['best_expected_loss']}."
    else:
        loss_line = f"Lowest expected loss: {_who(loss, len(ok))}."
    body = [loss_line, f"Time-cost Pareto front: {', '.join(res['summary']['pareto'])}."]
    d = ((c0.get("ranges") or {}).get("drivers") or [None])[0]
    if d:
        lo, hi = sorted((d["cost_at_low"], d["cost_at_high"]))
        body.append(
            f"The assumption that matters most (for {c0['label']}) is {d['label']}: {usd(lo)} to {usd(hi)} "
            "across its P10-P90."
        )
    if len(ok) < n:
        body.append(f"{n - len(ok)} of {n} candidates are infeasible.")
    return head, body


def plan_paragraph(r) -> tuple[str, list[str]]:
    chosen = r.best or (r.alternatives[0] if r.alternatives else None)
    if chosen is None:
        return f"No layout of {r.model} fits on {r.gpus:,} x {r.gpu}.", [r.why_not or ""]
    th, mem = chosen["throughput"], chosen["memory"]
    tb = chosen["time_breakdown"]
    worst = max((k for k in tb if k not in ("step", "compute")), key=lambda k: tb[k], default=None)
    fits = "fastest layout that fits" if r.best else "closest layout (it does NOT fit)"
    head = f"{fmt_layout(chosen['layout'])}: {th['tokens_per_s']:,.0f} tokens/s at {th['mfu']:.1%} MFU"
    body = [
        f"The {fits} for {r.model} on {r.gpus:,} x {r.gpu} (seq {r.seq_len:,}, "
        f"{human(r.global_batch['tokens'])} tokens per batch):",
        f"{chosen['step_time_s']:.2f} s per step, {mem['total_gib']:.1f} of {mem['breakdown_gib']['capacity']:.1f} GiB per GPU.",
    ]
    if worst and tb[worst] / tb["step"] >= MIN_SHARE_NAMED:
        body.append(
            f"Beyond compute, most step time goes to {worst.replace('_', ' ')} ({tb[worst] / tb['step']:.0%})."
        )
    return head, body


def audit_paragraph(r) -> tuple[str, list[str]]:
    verdicts = getattr(r, "verdicts", None) or [
        {"figure": next(iter(r.claim)), "verdict": r.verdict, "reason": r.reason}
    ]
    head = "; ".join(f"{v['figure'].replace('_', ' ')}: {v['verdict'].upper()}" for v in verdicts)
    e = r.estimate
    body = [f"{v['reason'][0].upper()}{v['reason'][1:]}." for v in verdicts]
    body.append(
        f"traincost expects {e['gpu_hours_p50']:,.0f} GPU-hours (P10-P90 {e['gpu_hours_p10']:,.0f}-"
        f"{e['gpu_hours_p90']:,.0f}) for {r.model} on {human(r.tokens)} tokens on {e['gpus']:,} x {r.gpu}."
    )
    return head, body


def validate_paragraph(out: dict) -> tuple[str, list[str]]:
    """Out-of-sample figures first (leave-one-out on runs, leave-one-source-out on throughput), in-sample
    beside them."""
    parts, body = [], []
    if "runs" in out:
        loo, s = out["runs"].get("leave_one_out"), out["runs"]["summary"]
        if loo:
            parts.append(
                f"published runs, held out (leave-one-out): median |P50 error| {loo['median_abs_error']:.1%}, "
                f"{loo['coverage_p10_p90']:.0%} inside P10-P90 over {loo['runs']} runs"
            )
        body.append(
            f"In sample (residual fitted on all runs): {s['median_abs_error_p50']:.1%}, "
            f"{s['coverage_p10_p90']:.0%} inside P10-P90."
        )
    if "held_out" in out:
        h = out["held_out"]
        parts.append(
            f"throughput, held out (leave-one-source-out): median error {h['median_abs_error']:.1%}, "
            f"worst source {h['worst_source']}"
        )
        body.append(
            f"Throughput in sample: {out['in_sample']['median_abs_error']:.1%}; "
            f"{out.get('false_oom', 0)} measured runs predicted out of memory."
        )
    elif "throughput" in out:
        s = out["throughput"]["summary"]
        parts.append(
            f"throughput (in sample): median error {s['median_abs_error']:.1%} over {s['rows']} measurements"
        )
    if "memory" in out:
        s = out["memory"]["summary"]
        parts.append(f"memory: median error {s['median_abs_error']:.1%} over {s['rows']} measurements")
    return "traincost vs published numbers: " + "; ".join(parts) + ".", body


def prices_paragraph(rows) -> tuple[str, list[str]]:
    if not rows:
        return "No prices match.", []
    dates = sorted(r.date for r in rows)
    accs = sorted({r.accelerator for r in rows})
    provs = sorted({r.provider for r in rows})
    od = [r for r in rows if r.on_demand is not None]
    head = (
        f"{len(rows)} dated prices for {len(accs)} accelerator(s) from {len(provs)} provider(s), "
        f"observed {dates[0]} to {dates[-1]}."
    )
    body = []
    if od:
        c = min(od, key=lambda r: r.on_demand)
        body.append(f"Cheapest on-demand: {c.accelerator} at {usd(c.on_demand)} per GPU-hour ({c.provider}).")
    if len(accs) == 1:
        m = effective(catalog.accelerators()[accs[0]])
        if m is not None:
            body.append(
                f"Without --price, `traincost estimate` uses the effective market price for {accs[0]}: "
                f"{usd(m.value)} per GPU-hour (P10-P90 {usd(m.low)}-{usd(m.high)}; median of the providers' "
                "best training-cluster offers)."
            )
    else:
        body.append(
            "Without --price, `traincost estimate` uses each accelerator's effective market price "
            "(`traincost prices --gpu ID` shows it)."
        )
    return head, body


QUALITY_ROWS_CPT = (
    ("base model on the domain", "base_domain_loss"),
    ("domain loss after CPT", "domain_loss"),
    ("domain gain", "domain_gain"),
    ("general-loss change (forgetting)", "general_loss_change"),
)
SIGNED_LOSSES = ("domain_gain", "general_loss_change")  # changes print with their sign


def quality_rows(q: dict[str, Any]) -> list[list[str]]:
    """Rows [name, P10, P50, P90] of the expected-quality block (docs/cpt.md): the CPT losses, or the loss
    after training from scratch; the terminal and the reports show the same rows."""
    keys = (
        [("loss after training from scratch", "general_loss")]
        if q["kind"] == "from-scratch"
        else QUALITY_ROWS_CPT
    )
    rows = []
    for name, key in keys:
        v = q.get(key) or {}
        if v:
            fmt = "{:+.3f}" if key in SIGNED_LOSSES else "{:.3f}"
            rows.append([name, *(fmt.format(v[p]) for p in ("p10", "p50", "p90"))])
    return rows
