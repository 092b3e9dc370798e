"""Reports a person can attach to a budget request: one self-contained HTML file (inline styles and SVG
charts, nothing fetched from the network) or Markdown with the charts as image files beside it."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from traincost.errors import InputError
from traincost.parallel.plan import fmt_layout
from traincost.present.answer import estimate_text, quality_rows
from traincost.present.charts import compare_svg, estimate_svgs
from traincost.units import human, usd

if TYPE_CHECKING:  # the results are computed by traincost.usecases; this module only renders them
    from traincost.usecases.report import Report
    from traincost.usecases.results import Estimate

# ----------------------------------------------------------------------------- charts


def _figs(chart_data: dict[str, Any], compare: dict | None) -> dict[str, str]:
    """The report's charts as inline SVG (present/charts.py) from the use case's chart data: no matplotlib needed."""
    figs = estimate_svgs(chart_data)
    if compare:
        figs["candidates"] = compare_svg(compare)
    return figs


# ----------------------------------------------------------------------------- document


def _question(r: Estimate) -> str:
    kind = "continue pre-training" if (r.quality or {}).get("kind") == "continued-pretraining" else "train"
    return (
        f"What does it cost to {kind} {r.model.display_name} on {human(r.tokens)} tokens "
        f"on {r.hardware.count:,} x {r.hardware.name} ({'owned hardware' if r.cost.ownership == 'owned' else 'cloud'})?"
    )


def _answer(r: Estimate) -> str:
    return estimate_text(r)  # the same paragraph as the terminal's first lines


def _option_rows(r: Estimate) -> list[list[str]]:
    """Rows for the options that change the answer: --year, --serve, --kind, --region (and --framework)."""
    rows = []
    if r.projection:
        p = r.projection
        lo, hi = sorted(p["range_factor"])
        rows.append(
            [
                f"cost in {p['year']}",
                f"{usd(p['total_usd'])}: compute x{p['factor']:.2f} (x{lo:.2f}-x{hi:.2f}) "
                f"from {p['base_year']} prices; {p['note']}",
            ]
        )
    if r.serving:
        s = r.serving
        rows.append(
            [
                "serving",
                f"{usd(s['cost_usd'])} for {human(s['tokens_per_month'])} generated tokens a month x "
                f"{s['months']:g} months on {s['accelerator']} ({s['gpu_hours']:,.0f} GPU-hours at "
                f"{usd(s['price_per_gpu_hour'])})",
            ]
        )
    if r.quality:
        q = r.quality
        rows.append(
            ["kind and expected loss", f"{q['kind']}: loss {q['loss']:.3f} nats/token ({q['label']})"]
        )
    c = r.carbon
    rows.append(
        [
            "grid region",
            f"{c['grid_region']}: {c['grid_g_per_kwh']:.0f} gCO2e/kWh; {c['total_t']:,.1f} tCO2e in total",
        ]
    )
    fw = getattr(r.throughput, "framework", None)
    if fw:
        rows.append(
            ["framework", f"{fw}: the layouts, memory and overlap of that framework (data/frameworks.yaml)"]
        )
    return rows


Table = tuple[str, list[str], list[list[str]]]


def _answer_table(r: Estimate) -> Table:
    g = r.ranges
    rows = (
        ("GPU-hours", "gpu_hours", r.time.gpu_hours, "{:,.0f}".format),
        ("wall clock, days", "wall_clock_days", r.time.wall_clock_days, "{:,.1f}".format),
        ("total cost", "cost_usd", r.cost.total_usd, usd),
        ("energy, MWh", "energy_kwh", r.energy["kwh"], lambda x: f"{x / 1000:,.0f}"),
        ("CO2e, t", "co2_t", r.carbon["total_t"], "{:,.1f}".format),
    )
    return (
        "Answer",
        ["figure", "P10", "P50", "P90", "point estimate"],
        [
            [label, f(g[key]["p10"]), f(g[key]["p50"]), f(g[key]["p90"]), f(point)]
            for label, key, point, f in rows
        ],
    )


def _bill_table(r: Estimate) -> Table:
    return (
        "Bill",
        ["item", "quantity", "unit price", "USD", "source"],
        [
            [
                b.item,
                f"{b.quantity:,.2f} {b.unit}" if b.quantity < 10 else f"{b.quantity:,.0f} {b.unit}",
                "-" if not b.unit_price else usd(b.unit_price),
                usd(b.usd),
                b.source,
            ]
            for b in r.bill
        ]
        + [["total", "", "", usd(r.cost.total_usd), ""]],
    )


def _layout_table(r: Estimate) -> Table:
    th = r.throughput
    lay_rows = [
        [
            "model",
            f"{r.model.display_name}: {r.model.params:,} parameters ({human(r.model.active_params)} active), {r.model.layers} layers",
        ],
        [
            "FLOPs",
            f"{r.flops.per_token:.3e} per token (6N = {r.flops.six_n_per_token:.3e}); {r.flops.total:.3e} in total",
        ],
        ["layout", fmt_layout(th.layout)],
        [
            "throughput",
            f"{th.tokens_per_s:,.0f} tokens/s ({th.tokens_per_s_per_gpu:,.0f} per GPU), MFU {th.mfu:.1%}",
        ],
    ]
    if th.step_time_s:
        lay_rows.append(
            [
                "step",
                f"{th.step_time_s:.2f} s per step of {th.global_batch:,} sequences; {th.memory_gib:.0f} GiB per GPU",
            ]
        )
    rel = r.reliability
    lay_rows.append(
        [
            "failures",
            f"{rel['interruptions']:.1f} interruptions expected, goodput {rel['goodput']:.1%}, "
            f"checkpoint every {rel['checkpoint_interval_min']:.0f} min",
        ]
    )
    return ("Layout and run", ["", ""], lay_rows + _option_rows(r))


def _compare_table(compare: dict) -> Table:
    rows = []
    for c in compare["candidates"]:
        if "cost" not in c:
            rows.append([c["label"], "infeasible", "", "", "", ""])
            continue
        cg = c["ranges"]
        rows.append(
            [
                c["label"],
                fmt_layout(c["throughput"].get("layout")),
                f"{c['time']['wall_clock_days']:,.1f} ({cg['wall_clock_days']['p10']:,.1f}-{cg['wall_clock_days']['p90']:,.1f})",
                f"{usd(c['cost']['total_usd'])} ({usd(cg['cost_usd']['p10'])}-{usd(cg['cost_usd']['p90'])})",
                f"{c['quality']['loss']:.3f}",
                "yes" if c.get("pareto") else "",
            ]
        )
    return (
        "Comparison",
        ["candidate", "layout", "days (P10-P90)", "cost (P10-P90)", "expected loss", "Pareto"],
        rows,
    )


def _tables(r: Estimate, compare: dict | None) -> list[Table]:
    out = [_answer_table(r), _bill_table(r), _layout_table(r)]
    if r.quality:
        out.append(_quality_table(r.quality))
    if compare:
        out.append(_compare_table(compare))
    out.append(
        (
            "Assumptions",
            ["field", "value", "source"],
            [
                [a.field, human(a.value) if a.field == "tokens" else str(a.value), a.source]
                for a in r.assumptions
            ],
        )
    )
    return out


def _quality_table(q: dict) -> Table:
    """Expected quality (docs/cpt.md): CPT losses with P10-P90, or the from-scratch loss; never benchmark scores."""
    rows = quality_rows(q)
    if q["kind"] != "from-scratch":
        rows.append(
            [
                f"{human(q['domain_tokens'])} domain + {human(q['replay_tokens']) if q['replay_tokens'] else '0'} replay "
                f"tokens on a {human(q['base_pretraining_tokens'])}-token base; domain {q['domain']}, schedule "
                f"{q['schedule']}",
                "",
                "",
                "",
            ]
        )
    return (f"Expected quality ({q['label']}; nats/token)", ["loss", "P10", "P50", "P90"], rows)


CSS = """body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d232a;max-width:980px;margin:24px auto;padding:0 16px}
h1{color:#2f5d8a;margin-bottom:4px}h2{margin-top:28px;border-bottom:1px solid #d9dee3}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e7eb;padding:4px 6px;text-align:left;vertical-align:top}
.answer{font-size:17px;background:#f3f6f9;border-left:4px solid #2f5d8a;padding:10px 14px}.muted{color:#66707a;font-size:12px}
figure{margin:14px 0}svg{max-width:100%;height:auto}"""


def render_html(r: Estimate, compare: dict | None, figs: dict[str, Any]) -> str:
    e = html.escape
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>traincost report: {e(r.model.display_name)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>traincost report</h1>",
        f"<p class='muted'>traincost {e(__import__('traincost').__version__)}; every number "
        "traces to a formula in docs/method.md and a sourced input listed under Assumptions.</p>",
        f"<h2>Question</h2><p>{e(_question(r))}</p>",
        f"<h2>Answer</h2><p class='answer'>{e(_answer(r))}</p>",
    ]
    for title, head, rows in _tables(r, compare):
        if title != "Answer":
            parts.append(f"<h2>{e(title)}</h2>")
        parts.append(
            "<table>" + ("<tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" if any(head) else "")
        )
        parts += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        parts.append("</table>")
        if title == "Bill":
            parts.append("<h2>Charts</h2>")
            parts += [f"<figure>{f}</figure>" for f in figs.values()]
    if r.notes:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in r.notes) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_markdown(r: Estimate, compare: dict | None, figs: dict[str, Any], out: Path) -> str:
    assets = out.parent / (out.stem + "_files")
    assets.mkdir(parents=True, exist_ok=True)
    lines = [
        "# traincost report",
        "",
        "## Question",
        "",
        _question(r),
        "",
        "## Answer",
        "",
        f"**{_answer(r)}**",
        "",
    ]

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
                p = assets / f"{name}.svg"
                p.write_text(fig, encoding="utf-8")
                lines += [f"![{name.replace('_', ' ')}]({assets.name}/{p.name})", ""]
    if r.notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in r.notes] + [""]
    return "\n".join(lines)


def render_report_html(rep: Report) -> str:
    """The HTML report of a computed :class:`~traincost.usecases.report.Report` (the web download)."""
    return render_html(rep.estimate, rep.compare, _figs(rep.charts, rep.compare))


def write_document(rep: Report, path: Path) -> Path:
    """Write a computed report to `path`: one HTML file, or Markdown with the charts as SVG files beside it."""
    figs = _figs(rep.charts, rep.compare)
    try:
        if path.suffix.lower() == ".md":
            text = render_markdown(rep.estimate, rep.compare, figs, path)
        else:
            text = render_html(rep.estimate, rep.compare, figs)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError("output", f"cannot write '{path}': {err.strerror or err}") from None
    return path
