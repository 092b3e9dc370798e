"""Reports a person can attach to a budget request: one self-contained HTML file (inline styles and SVG
charts, nothing fetched from the network) or Markdown with the charts as image files beside it."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

from traincost import catalog
from traincost.errors import InputError
from traincost.parallel.plan import fmt_layout
from traincost.pipeline import Estimate, estimate
from traincost.units import human, usd

# ----------------------------------------------------------------------------- charts


def _figs(r: Estimate, base: dict, compare: dict | None) -> dict[str, Any]:
    from traincost.present.plots import _mpl, cluster_sweep

    plt = _mpl()
    figs: dict[str, Any] = {}

    # 1. cost breakdown
    cats: dict[str, float] = {}
    for line in r.bill:
        cats[line.category] = cats.get(line.category, 0.0) + line.usd
    cats = {k: v for k, v in cats.items() if v > 0}
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.barh(list(cats), [v / 1e6 for v in cats.values()], color="#2f5d8a")
    for i, v in enumerate(cats.values()):
        ax.text(v / 1e6, i, " " + usd(v), va="center", fontsize=8)
    ax.set_xlabel("USD millions")
    ax.set_title("cost breakdown")
    ax.margins(x=0.25)
    fig.tight_layout()
    figs["cost_breakdown"] = fig

    # 2. cost vs days across cluster sizes
    fig, ax = plt.subplots(figsize=(6, 3.4))
    models = [r.model.name] if not compare else list(dict.fromkeys(c["model"]["name"] for c in compare["candidates"] if "cost" in c))
    sweep_base = {k: v for k, v in base.items() if k not in ("gpus", "model", "candidates")}
    for m in models[:4]:
        pts = cluster_sweep(sweep_base, m, r.hardware.gpu)
        if pts:
            ax.plot([p["days"] for p in pts], [p["cost"] / 1e6 for p in pts], marker="o", label=m)
            for p in pts:
                ax.annotate(str(p["gpus"]), (p["days"], p["cost"] / 1e6), fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("wall-clock days (log); labels: GPUs")
    ax.set_ylabel("total cost, $M")
    ax.set_title(f"cost vs time across cluster sizes ({r.hardware.gpu})")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    figs["cost_vs_days"] = fig

    # 3. uncertainty of the total cost
    hist = r.ranges["cost_histogram"]
    edges, counts = hist["edges"], hist["counts"]
    fig, ax = plt.subplots(figsize=(6, 2.8))
    ax.bar([e / 1e6 for e in edges[:-1]], counts, width=[(b - a) / 1e6 for a, b in zip(edges, edges[1:], strict=False)],
           align="edge", color="#9db4cc")
    for k in ("p10", "p50", "p90"):
        x = r.ranges["cost_usd"][k] / 1e6
        ax.axvline(x, color="#a12a2a", linestyle="--", linewidth=1)
        ax.text(x, max(counts) * (0.95 if k != "p50" else 0.8), f" {k.upper()} {usd(x * 1e6)}", fontsize=7, color="#a12a2a")
    ax.set_xlabel("total cost, $M")
    ax.set_ylabel("samples")
    ax.set_title(f"uncertainty of the total cost ({r.ranges['samples']:,} Monte Carlo samples)")
    fig.tight_layout()
    figs["uncertainty"] = fig

    # 4. model-size comparison: the candidates, or the model's family in the catalog
    rows = []
    if compare:
        rows = [(c["label"], c["cost"]["total_usd"], c["quality"]["loss"]) for c in compare["candidates"] if "cost" in c]
    else:
        entry = catalog.models().get(r.model.name)
        fam = [m for m in catalog.models().values() if entry and m.family == entry.family]
        for m in sorted(fam, key=lambda m: m.arch.params)[:5]:
            try:
                e = estimate({**sweep_base, "model": m.id, "gpus": r.hardware.count, "samples": 200})
            except InputError:
                continue
            rows.append((m.id, e.cost.total_usd, e.quality["loss"]))
    if len(rows) > 1:
        fig, ax = plt.subplots(figsize=(6, 3.2))
        x = range(len(rows))
        ax.bar(x, [c / 1e6 for _, c, _ in rows], color="#2f5d8a", alpha=0.85)
        ax.set_xticks(list(x))
        ax.set_xticklabels([n for n, _, _ in rows], rotation=15, ha="right", fontsize=8)
        ax.set_ylabel("total cost, $M")
        ax2 = ax.twinx()
        ax2.plot(list(x), [q for _, _, q in rows], "D", color="#c44e52")
        ax2.set_ylabel("expected loss (estimate)", color="#c44e52")
        ax.set_title("model sizes: cost and expected loss")
        fig.tight_layout()
        figs["model_sizes"] = fig
    return figs


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


# ----------------------------------------------------------------------------- document


def _question(r: Estimate) -> str:
    kind = "continue pre-training" if (r.quality or {}).get("kind") == "continued-pretraining" else "train"
    return (f"What does it cost to {kind} {r.model.display_name} on {human(r.tokens)} tokens "
            f"on {r.hardware.count:,} x {r.hardware.name} ({'owned hardware' if r.cost.ownership == 'owned' else 'cloud'})?")


def _answer(r: Estimate) -> str:
    g = r.ranges
    a = r.answer or {"cost_usd": r.cost.total_usd, "wall_clock_days": r.time.wall_clock_days,
                     "gpu_hours": r.time.gpu_hours, "budget_percentile": 50}
    budget = (f" Budget at P{a['budget_percentile']:g}: {usd(a['budget_usd'])}." if a["budget_percentile"] != 50 else "")
    market = (f" (market-based {r.carbon['market_total_t']:,.1f})" if "market_total_t" in r.carbon else "")
    return (f"About {usd(a['cost_usd'])} (the median; P10-P90 {usd(g['cost_usd']['p10'])}-{usd(g['cost_usd']['p90'])}; "
            f"point estimate {usd(r.cost.total_usd)}) and "
            f"{a['wall_clock_days']:,.1f} days (P10-P90 {g['wall_clock_days']['p10']:,.1f}-{g['wall_clock_days']['p90']:,.1f}), "
            f"{a['gpu_hours']:,.0f} GPU-hours at {r.throughput.mfu:.1%} MFU; {r.energy['kwh'] / 1000:,.0f} MWh and "
            f"{r.carbon['total_t']:,.1f} tCO2e{market}.{budget}")


def _tables(r: Estimate, compare: dict | None) -> list[tuple[str, list[str], list[list[str]]]]:
    g = r.ranges
    out = []
    out.append(("Answer", ["figure", "P10", "P50", "P90", "point estimate"], [
        ["GPU-hours", f"{g['gpu_hours']['p10']:,.0f}", f"{g['gpu_hours']['p50']:,.0f}", f"{g['gpu_hours']['p90']:,.0f}", f"{r.time.gpu_hours:,.0f}"],
        ["wall clock, days", f"{g['wall_clock_days']['p10']:,.1f}", f"{g['wall_clock_days']['p50']:,.1f}", f"{g['wall_clock_days']['p90']:,.1f}", f"{r.time.wall_clock_days:,.1f}"],
        ["total cost", usd(g["cost_usd"]["p10"]), usd(g["cost_usd"]["p50"]), usd(g["cost_usd"]["p90"]), usd(r.cost.total_usd)],
        ["energy, MWh", f"{g['energy_kwh']['p10'] / 1000:,.0f}", f"{g['energy_kwh']['p50'] / 1000:,.0f}", f"{g['energy_kwh']['p90'] / 1000:,.0f}", f"{r.energy['kwh'] / 1000:,.0f}"],
        ["CO2e, t", f"{g['co2_t']['p10']:,.1f}", f"{g['co2_t']['p50']:,.1f}", f"{g['co2_t']['p90']:,.1f}", f"{r.carbon['total_t']:,.1f}"],
    ]))
    out.append(("Bill", ["item", "quantity", "unit price", "USD", "source"], [
        [b.item, f"{b.quantity:,.2f} {b.unit}" if b.quantity < 10 else f"{b.quantity:,.0f} {b.unit}",
         "-" if not b.unit_price else f"${b.unit_price:,.4g}", usd(b.usd), b.source] for b in r.bill
    ] + [["total", "", "", usd(r.cost.total_usd), ""]]))
    th = r.throughput
    lay_rows = [["model", f"{r.model.display_name}: {r.model.params:,} parameters ({human(r.model.active_params)} active), {r.model.layers} layers"],
                ["FLOPs", f"{r.flops.per_token:.3e} per token (6N = {r.flops.six_n_per_token:.3e}); {r.flops.total:.3e} in total"],
                ["layout", fmt_layout(th.layout)],
                ["throughput", f"{th.tokens_per_s:,.0f} tokens/s ({th.tokens_per_s_per_gpu:,.0f} per GPU), MFU {th.mfu:.1%}"]]
    if th.step_time_s:
        lay_rows.append(["step", f"{th.step_time_s:.2f} s per step of {th.global_batch:,} sequences; {th.memory_gib:.0f} GiB per GPU"])
    rel = r.reliability
    lay_rows.append(["failures", f"{rel['interruptions']:.1f} interruptions expected, goodput {rel['goodput']:.1%}, "
                                 f"checkpoint every {rel['checkpoint_interval_min']:.0f} min"])
    out.append(("Layout and run", ["", ""], lay_rows))
    if compare:
        rows = []
        for c in compare["candidates"]:
            if "cost" not in c:
                rows.append([c["label"], "infeasible", "", "", "", ""])
                continue
            cg = c["ranges"]
            rows.append([c["label"], fmt_layout(c["throughput"].get("layout")),
                         f"{c['time']['wall_clock_days']:,.1f} ({cg['wall_clock_days']['p10']:,.1f}-{cg['wall_clock_days']['p90']:,.1f})",
                         f"{usd(c['cost']['total_usd'])} ({usd(cg['cost_usd']['p10'])}-{usd(cg['cost_usd']['p90'])})",
                         f"{c['quality']['loss']:.3f}", "yes" if c.get("pareto") else ""])
        out.append(("Comparison", ["candidate", "layout", "days (P10-P90)", "cost (P10-P90)", "expected loss", "Pareto"], rows))
    out.append(("Assumptions", ["field", "value", "source"],
                [[a.field, str(a.value), a.source] for a in r.assumptions]))
    return out


CSS = """body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d232a;max-width:980px;margin:24px auto;padding:0 16px}
h1{color:#2f5d8a;margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #d9dee3}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e7eb;padding:4px 6px;text-align:left;vertical-align:top}
.answer{font-size:17px;background:#f3f6f9;border-left:4px solid #2f5d8a;padding:10px 14px}.muted{color:#66707a;font-size:12px}
figure{margin:14px 0}svg{max-width:100%;height:auto}"""


def render_html(r: Estimate, compare: dict | None, figs: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>traincost report: {e(r.model.display_name)}</title>",
             f"<style>{CSS}</style></head><body>",
             "<h1>traincost report</h1>", f"<p class='muted'>traincost {e(__import__('traincost').__version__)}; every number "
             "traces to a formula in docs/method.md and a sourced input listed under Assumptions.</p>",
             f"<h2>Question</h2><p>{e(_question(r))}</p>", f"<h2>Answer</h2><p class='answer'>{e(_answer(r))}</p>"]
    for title, head, rows in _tables(r, compare):
        if title != "Answer":
            parts.append(f"<h2>{e(title)}</h2>")
        parts.append("<table>" + ("<tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" if any(head) else ""))
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
        if title == "Bill":
            parts.append("<h2>Charts</h2>")
            parts += [f"<figure>{_svg(f)}</figure>" for f in figs.values()]
    if r.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in r.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(r: Estimate, compare: dict | None, figs: dict[str, Any], out: Path) -> str:
    assets = out.parent / (out.stem + "_files")
    assets.mkdir(parents=True, exist_ok=True)
    lines = ["# traincost report", "", "## Question", "", _question(r), "", "## Answer", "", f"**{_answer(r)}**", ""]

    def cell(x: str) -> str:
        return str(x).replace("|", "\\|").replace("\n", " ")

    for title, head, rows in _tables(r, compare):
        if title != "Answer":
            lines += [f"## {title}", ""]
        head = head if any(head) else ["", ""]
        lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
        lines.append("")
        if title == "Bill":
            lines += ["## Charts", ""]
            for name, fig in figs.items():
                p = assets / f"{name}.png"
                fig.savefig(p, dpi=110)
                lines += [f"![{name.replace('_', ' ')}]({assets.name}/{p.name})", ""]
    if r.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in r.notes] + [""]
    return "\n".join(lines)


def write_report(scenario_path: str | None, out: str, overrides: dict | None = None) -> Path:
    from traincost.files import read_scenario_file

    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm", ".md"):
        raise InputError("output", f"must end in .html or .md (got {out!r})")
    data = read_scenario_file(scenario_path) if scenario_path else {}
    cands = data.pop("candidates", None)
    base = {**data, **(overrides or {})}
    r = estimate(base)
    compare = None
    if cands:
        from traincost.decide.compare import expand, run_compare

        compare = run_compare(base, expand(base, candidates=cands))
    figs = _figs(r, base, compare)
    try:
        if path.suffix.lower() == ".md":
            text = render_markdown(r, compare, figs, path)
        else:
            text = render_html(r, compare, figs)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError("output", f"cannot write '{out}': {err.strerror or err}") from None
    finally:
        import matplotlib.pyplot as plt

        for f in figs.values():
            plt.close(f)
    return path
