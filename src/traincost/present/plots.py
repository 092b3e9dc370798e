"""Charts for comparisons and reports (matplotlib, imported only when a chart is asked for)."""

from __future__ import annotations

from typing import Any

from traincost.errors import InputError

# presentation: figure size (inches), resolution, label sizes, offsets and transparency of the comparison chart
FIGSIZE = (12, 4.8)  # presentation: inches, two panels side by side
DPI = 120  # presentation: a sharp PNG of ~1440 x 576 pixels
LABEL_FONT = 7  # presentation: the GPU-count labels on the sweep lines
TICK_ROTATION = 20  # presentation: degrees, so long candidate labels do not overlap
GRID_ALPHA = 0.3  # presentation: a light grid
BAR_ALPHA = 0.8  # presentation: bars slightly transparent under the loss markers


def _mpl():
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the install
        raise InputError("plot", "charts need matplotlib: pip install 'traincost[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def compare_plots(
    res: dict[str, Any], sweeps: dict[tuple[str, str], list[dict[str, float]]], path: str
) -> None:
    """Two panels: cost vs days across cluster sizes for each candidate (model, accelerator), from
    `sweeps` (traincost.usecases.report.compare_sweeps); cost and expected loss across the candidates."""
    plt = _mpl()
    ok = [r for r in res["candidates"] if "cost" in r]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=FIGSIZE)
    for key, pts in sweeps.items():
        if pts:
            ax1.plot(
                [p["days"] for p in pts],
                [p["cost"] / 1e6 for p in pts],
                marker="o",
                label=f"{key[0]} on {key[1]}",
            )
            for p in pts:
                ax1.annotate(
                    str(p["gpus"]),
                    (p["days"], p["cost"] / 1e6),
                    fontsize=LABEL_FONT,
                    xytext=(3, 3),
                    textcoords="offset points",
                )
    ax1.set_xscale("log")
    ax1.set_xlabel("wall-clock days (log)")
    ax1.set_ylabel("total cost, $M")
    ax1.set_title("cost vs time across cluster sizes (labels: GPUs)")
    ax1.legend(fontsize=8)
    ax1.grid(alpha=GRID_ALPHA)
    labels = [r["label"] for r in ok]
    costs = [r["cost"]["total_usd"] / 1e6 for r in ok]
    lo = [c - r["ranges"]["cost_usd"]["p10"] / 1e6 for c, r in zip(costs, ok, strict=True)]
    hi = [r["ranges"]["cost_usd"]["p90"] / 1e6 - c for c, r in zip(costs, ok, strict=True)]
    x = range(len(ok))
    ax2.bar(
        x,
        costs,
        yerr=[[max(v, 0) for v in lo], [max(v, 0) for v in hi]],
        color="#4C72B0",
        alpha=BAR_ALPHA,
        capsize=3,
    )
    ax2.set_xticks(list(x))
    ax2.set_xticklabels(labels, rotation=TICK_ROTATION, ha="right", fontsize=8)
    ax2.set_ylabel("total cost, $M (bars: P10-P90)")
    ax3 = ax2.twinx()
    ax3.plot(list(x), [r["quality"]["loss"] for r in ok], color="#C44E52", marker="D", linestyle="none")
    ax3.set_ylabel("expected loss, nats/token (estimate)", color="#C44E52")
    ax2.set_title("cost and expected loss by candidate")
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
