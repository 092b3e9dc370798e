"""HTML cards for Jupyter (the Python API's ``_repr_html_``): the answer first, then the key figures and the
report's charts (inline SVG). Self-contained: inline styles, nothing fetched."""

from __future__ import annotations

from html import escape
from typing import Any

from traincost.present import answer
from traincost.present.charts import compare_svg, estimate_svgs
from traincost.present.exports import compare_rows, plan_rows, ranges_rows
from traincost.present.svg import hbars
from traincost.units import usd
from traincost.usecases.report import chart_data

# presentation: numbers below ten thousand keep 4 significant digits, larger ones are printed whole
PLAIN_DIGITS_BELOW = 1e4
# presentation: a bill line's source is cut to this many characters in the card
SOURCE_CHARS = 120

STYLE = (
    "font:14px/1.45 system-ui,sans-serif;color:#1d232a;max-width:980px;border:1px solid #d9dee3;"
    "border-radius:6px;padding:12px 16px"
)
HEAD = "font-size:17px;font-weight:600;color:#2f5d8a;margin:0 0 6px"


def _card(head: str, body: list[str], extra: str = "") -> str:
    text = " ".join(s for s in body if s)
    return (
        f"<div class='traincost-card' style='{STYLE}'><p style='{HEAD}'>{escape(head)}</p>"
        f"<p style='margin:0 0 8px'>{escape(text)}</p>{extra}</div>"
    )


def table(rows: list[dict[str, Any]], fmt=None, cols: list[str] | None = None) -> str:
    if not rows:
        return ""
    cols = cols or list(rows[0])
    fmt = fmt or {}
    td = "style='border-bottom:1px solid #e3e7eb;padding:3px 6px;text-align:left;vertical-align:top'"
    head = "".join(f"<th {td}>{escape(c)}</th>" for c in cols)
    body = "".join(
        "<tr>" + "".join(f"<td {td}>{escape(fmt.get(c, _plain)(r.get(c)))}</td>" for c in cols) + "</tr>"
        for r in rows
    )
    return (
        f"<table style='border-collapse:collapse;font-size:13px;margin:6px 0'><tr>{head}</tr>{body}</table>"
    )


def _plain(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < PLAIN_DIGITS_BELOW else f"{v:,.0f}"
    return str(v)


def estimate_card(r, base: dict | None = None, charts: bool = True) -> str:
    head, body = answer.estimate_paragraph(r)
    rows = []
    for x in ranges_rows(r):
        f = usd if x["figure"] == "total_cost_usd" else _plain
        rows.append(
            {"figure": x["figure"].replace("_", " "), **{k: f(x[k]) for k in ("p10", "p50", "p90", "point")}}
        )
    bill = [{"item": b.item, "USD": usd(b.usd), "source": b.source[:SOURCE_CHARS]} for b in r.bill]
    extra = table(rows) + table(bill)
    if charts:
        figs = estimate_svgs(
            chart_data(r, base or {"model": r.model.name, "tokens": r.tokens, "gpu": r.hardware.gpu})
        )
        extra += "".join(f"<figure style='margin:8px 0'>{f}</figure>" for f in figs.values())
    return _card(head, body, extra)


def compare_card(res: dict[str, Any]) -> str:
    head, body = answer.compare_paragraph(res)
    money = {k: (lambda v: "" if v is None else usd(v)) for k in ("cost_usd", "cost_p10", "cost_p90")}
    cols = ["candidate", "gpus", "days", "cost_usd", "cost_p10", "cost_p90", "expected_loss", "pareto"]
    return _card(head, body, table(compare_rows(res), money, cols) + f"<figure>{compare_svg(res)}</figure>")


def plan_card(p) -> str:
    head, body = answer.plan_paragraph(p)
    rows = plan_rows(p)
    extra = table(rows, cols=["rank", "layout", "step_time_s", "tokens_per_s", "mfu", "memory_gib", "fits"])
    chosen = p.best or (p.alternatives[0] if p.alternatives else None)
    if chosen:
        gib = lambda v: f"{v:.1f} GiB"  # noqa: E731
        mem = [(k, v) for k, v in chosen["memory"]["breakdown_gib"].items() if k != "capacity"]
        tb = [(k, v) for k, v in chosen["time_breakdown"].items() if k != "step"]
        extra += f"<figure>{hbars(mem, 'memory per GPU', gib)}</figure>"
        extra += f"<figure>{hbars(tb, 'step time breakdown', lambda v: f'{v:.3f} s')}</figure>"
    return _card(head, body, extra)


def audit_card(a) -> str:
    head, body = answer.audit_paragraph(a)
    return _card(head, body, table(a.verdicts, cols=["figure", "verdict", "reason"]))


def validate_card(out: dict[str, Any]) -> str:
    head, body = answer.validate_paragraph(out)
    extra = ""
    for name in ("runs", "throughput", "memory"):
        if name in out:
            extra += f"<h4>{name}</h4>" + table(out[name]["rows"])
    return _card(head, body, extra)
