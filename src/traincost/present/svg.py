"""Small, dependency-free SVG charts for reports, the Python API's HTML and the web page's server side.

Each function returns one self-contained ``<svg>`` element (inline styles, no fonts or scripts fetched) that
scales to its container. Money labels use :func:`traincost.units.usd`."""

from __future__ import annotations

import math
from html import escape
from typing import Any

from traincost.units import usd

# presentation (pixels of the viewBox; the charts scale to their container): every number below only places
# ink on the chart, none changes a figure
W = 640  # presentation: chart width (px)
H = 300  # presentation: chart height (px)
FONT = 11  # presentation: label font size (px)
SMALL = 10  # presentation: tick and bar label font size (px)
TINY = 9  # presentation: point label font size (px)
LINE = 14  # presentation: px between stacked labels, and from an axis to its tick labels
GAP = 6  # presentation: px between a label and what it labels
TOP = 30  # presentation: top margin, under the title
EDGE = 20  # presentation: plain side margin
AXIS = 70  # presentation: margin that holds an axis's tick labels
HEADROOM = 1.1  # presentation: the y axis ends 10% above the tallest value
LABEL_W = 170  # presentation: hbars label column
BAR_LABEL_W = 90  # presentation: hbars value column
BAR_ROW = 34  # presentation: hbars largest row height
BASELINE = 0.62  # presentation: a label's baseline sits at 62% of its row
MARK_FLIP = 0.7  # presentation: a histogram mark's label flips to the left past 70% of the width
PAD_X = (0.8, 1.25)  # presentation: a single x value is shown on a span from 0.8x to 1.25x of it
TICKS = 5  # presentation: five ticks (quarters) on a linear axis with few round steps
LOG_STEPS = (1, 2, 5)  # presentation: 1-2-5 ticks on a log axis
BOTTOM_HIST = 34  # presentation: histogram bottom margin (value labels)
BOTTOM_SCATTER = 44  # presentation: scatter bottom margin (ticks and axis title)
BOTTOM_BARS = 60  # presentation: bars bottom margin (labels and legend)
RIGHT_BARS = 60  # presentation: bars right margin (point labels)
SLOT_GAP = 0.2  # presentation: a bar starts 20% into its slot
SLOT_BAR = 0.6  # presentation: a bar fills 60% of its slot
BAR_MID = 0.3  # presentation: half the bar's width (SLOT_BAR / 2), where its labels and diamond sit
PT_SPAN = (0.1, 0.8)  # presentation: points use the middle 80% of the height, 10% above the axis
PT_PAD = 0.05  # presentation: a flat point series is drawn on a +-0.05 span
PAD_TEXT = 5  # presentation: a point's label sits 5 px right of and above it
DIAMOND = 8  # presentation: side of a point's diamond (px)
BLUE, LIGHT, RED, GREY = "#2f5d8a", "#9db4cc", "#a12a2a", "#66707a"
PALETTE = ("#2f5d8a", "#c44e52", "#55a868", "#8172b2", "#ccb974", "#64b5cd")


def _svg(body: str, title: str, h: int = H) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {W} {h}' role='img' "
        f"style='max-width:100%;height:auto;font:11px system-ui,sans-serif'><title>{escape(title)}</title>"
        f"<text x='8' y='16' font-weight='bold' font-size='13'>{escape(title)}</text>{body}</svg>"
    )


def _text(x: float, y: float, s: str, anchor: str = "start", color: str = "#1d232a", size: int = FONT) -> str:
    return f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{color}' font-size='{size}'>{escape(s)}</text>"


def hbars(items: list[tuple[str, float]], title: str, fmt=usd) -> str:
    """Horizontal bars with their value at the end (e.g. the cost breakdown)."""
    items = [(k, v) for k, v in items if v > 0]
    left, top = LABEL_W, TOP
    row = min(BAR_ROW, (H - top - 10) / max(len(items), 1))
    vmax = max((v for _, v in items), default=1.0)
    parts = []
    for i, (label, v) in enumerate(items):
        y = top + i * row
        bw = (W - left - BAR_LABEL_W) * v / vmax
        parts.append(_text(left - GAP, y + row * BASELINE, label, "end"))
        parts.append(
            f"<rect x='{left}' y='{y + 4:.1f}' width='{max(bw, 1):.1f}' height='{row - 8:.1f}' fill='{BLUE}'/>"
        )
        parts.append(_text(left + bw + 4, y + row * BASELINE, fmt(v)))
    return _svg("".join(parts), title, int(top + row * len(items) + FONT + 1))


def histogram(edges: list[float], counts: list[int], marks: dict[str, float], title: str, fmt=usd) -> str:
    """A histogram with labelled vertical marks (P10, P50, P90)."""
    pad_l, pad_r, top, bottom = EDGE, EDGE, TOP, BOTTOM_HIST
    lo, hi = edges[0], edges[-1]
    span = (hi - lo) or 1.0
    cmax = max(counts) or 1

    def x(v: float) -> float:
        return pad_l + (W - pad_l - pad_r) * (v - lo) / span

    parts = []
    for a, b, c in zip(edges, edges[1:], counts, strict=False):
        bh = (H - top - bottom) * c / cmax
        parts.append(
            f"<rect x='{x(a):.1f}' y='{H - bottom - bh:.1f}' width='{max(x(b) - x(a) - 1, 0.5):.1f}' "
            f"height='{bh:.1f}' fill='{LIGHT}'/>"
        )
    for i, (name, v) in enumerate(marks.items()):
        xv = x(min(max(v, lo), hi))
        parts.append(
            f"<line x1='{xv:.1f}' x2='{xv:.1f}' y1='{top + LINE * i + 4}' y2='{H - bottom}' stroke='{RED}' "
            "stroke-dasharray='4,3'/>"
        )
        anchor = "end" if xv > W * MARK_FLIP else "start"
        parts.append(
            _text(
                xv + (-4 if anchor == "end" else 4),
                top + LINE * i + FONT + 1,
                f"{name} {fmt(v)}",
                anchor,
                RED,
            )
        )
    parts.append(_text(pad_l, H - FONT - 1, fmt(lo)))
    parts.append(_text(W - pad_r, H - FONT - 1, fmt(hi), "end"))
    return _svg("".join(parts), title)


def _ticks(lo: float, hi: float, log: bool) -> list[float]:
    if log:
        a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
        return [m * 10.0**e for e in range(a, b + 1) for m in LOG_STEPS if lo <= m * 10.0**e <= hi] or [
            lo,
            hi,
        ]
    step = 10 ** math.floor(math.log10((hi - lo) or 1.0))
    return (
        [lo + i * (hi - lo) / 4 for i in range(TICKS)]
        if (hi - lo) / step < 3
        else [t * step for t in range(math.ceil(lo / step), math.floor(hi / step) + 1)]
    )


def scatter(
    series: list[dict[str, Any]],
    title: str,
    xlabel: str,
    ylabel: str,
    xlog: bool = False,
    fx=lambda v: f"{v:,.3g}",
    fy=usd,
    front: list[tuple[float, float]] | None = None,
) -> str:
    """Points (and lines) per series: [{name, points: [(x, y, label)], line: bool}]; an optional Pareto front
    drawn as a step line."""
    pts = [(x, y) for s in series for x, y, _ in s["points"]]
    if not pts:
        return _svg(_text(W / 2, H / 2, "no data", "middle", GREY), title)
    pad_l, pad_r, top, bottom = AXIS, EDGE, TOP, BOTTOM_SCATTER
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1 = min(xs), max(xs)
    y0, y1 = 0.0, max(ys) * HEADROOM or 1.0
    if x0 == x1:
        x0, x1 = x0 * PAD_X[0], x1 * PAD_X[1] if x1 else 1.0
    tx = (lambda v: math.log10(v)) if xlog else (lambda v: v)

    def X(v: float) -> float:
        return pad_l + (W - pad_l - pad_r) * (tx(v) - tx(x0)) / ((tx(x1) - tx(x0)) or 1.0)

    def Y(v: float) -> float:
        return H - bottom - (H - top - bottom) * (v - y0) / ((y1 - y0) or 1.0)

    parts = [
        f"<line x1='{pad_l}' x2='{W - pad_r}' y1='{H - bottom}' y2='{H - bottom}' stroke='{GREY}'/>",
        f"<line x1='{pad_l}' x2='{pad_l}' y1='{top}' y2='{H - bottom}' stroke='{GREY}'/>",
    ]
    for t in _ticks(x0, x1, xlog):
        parts.append(_text(X(t), H - bottom + LINE, fx(t), "middle", GREY, SMALL))
    for i in range(TICKS):
        v = y0 + (y1 - y0) * i / 4
        parts.append(_text(pad_l - 4, Y(v) + 3, fy(v), "end", GREY, SMALL))
    parts.append(_text((W + pad_l) / 2, H - 8, xlabel, "middle", GREY))
    parts.append(
        f"<text transform='translate(12 {(H - bottom + top) / 2:.0f}) rotate(-90)' text-anchor='middle' "
        f"fill='{GREY}' font-size='11'>{escape(ylabel)}</text>"
    )
    if front:
        f = sorted(front)
        d = " ".join(f"{'M' if i == 0 else 'L'}{X(x):.1f},{Y(y):.1f}" for i, (x, y) in enumerate(f))
        parts.append(f"<path d='{d}' fill='none' stroke='{RED}' stroke-width='1.5' stroke-dasharray='5,3'/>")
    for k, s in enumerate(series):
        color = PALETTE[k % len(PALETTE)]
        sp = sorted(s["points"])
        if s.get("line") and len(sp) > 1:
            d = " ".join(f"{'M' if i == 0 else 'L'}{X(x):.1f},{Y(y):.1f}" for i, (x, y, _) in enumerate(sp))
            parts.append(f"<path d='{d}' fill='none' stroke='{color}' stroke-width='1.5'/>")
        for x, y, lab in sp:
            parts.append(f"<circle cx='{X(x):.1f}' cy='{Y(y):.1f}' r='3.5' fill='{color}'/>")
            if lab:
                parts.append(_text(X(x) + PAD_TEXT, Y(y) - PAD_TEXT, str(lab), "start", color, TINY))
        parts.append(_text(W - pad_r, top + 4 + LINE * k, f"● {s['name']}", "end", color))
    return _svg("".join(parts), title)


def bars_and_points(items: list[tuple[str, float, float]], title: str, ylabel: str, plabel: str) -> str:
    """Vertical bars (e.g. cost) with a second quantity as points on its own scale (e.g. expected loss)."""
    pad_l, pad_r, top, bottom = AXIS, RIGHT_BARS, TOP, BOTTOM_BARS
    n = max(len(items), 1)
    vmax = max((v for _, v, _ in items), default=1.0) * HEADROOM or 1.0
    ps = [p for _, _, p in items]
    plo, phi = (min(ps), max(ps)) if ps else (0.0, 1.0)
    if plo == phi:
        plo, phi = plo - PT_PAD, phi + PT_PAD
    slot = (W - pad_l - pad_r) / n
    parts = [f"<line x1='{pad_l}' x2='{W - pad_r}' y1='{H - bottom}' y2='{H - bottom}' stroke='{GREY}'/>"]
    for i, (label, v, p) in enumerate(items):
        bh = (H - top - bottom) * v / vmax
        x = pad_l + slot * i + slot * SLOT_GAP
        parts.append(
            f"<rect x='{x:.1f}' y='{H - bottom - bh:.1f}' width='{slot * SLOT_BAR:.1f}' height='{bh:.1f}' fill='{BLUE}' opacity='0.85'/>"
        )
        parts.append(_text(x + slot * BAR_MID, H - bottom - bh - 4, usd(v), "middle", "#1d232a", SMALL))
        py = H - bottom - (H - top - bottom) * (PT_SPAN[0] + PT_SPAN[1] * (p - plo) / (phi - plo))
        parts.append(
            f"<rect x='{x + slot * BAR_MID - 4:.1f}' y='{py - 4:.1f}' width='8' height='8' fill='{RED}' "
            f"transform='rotate(45 {x + slot * BAR_MID:.1f} {py:.1f})'/>"
        )
        parts.append(_text(x + slot * BAR_MID + DIAMOND, py + 3, f"{p:.3f}", "start", RED, SMALL))
        parts.append(_text(x + slot * BAR_MID, H - bottom + LINE, label, "middle", "#1d232a", SMALL))
    parts.append(_text(pad_l, H - 10, f"bars: {ylabel}; diamonds: {plabel}", "start", GREY))
    return _svg("".join(parts), title)
