"""Charts for comparisons and reports (matplotlib, imported only when a chart is asked for)."""

from __future__ import annotations

from typing import Any

CLUSTER_SWEEP = (64, 128, 256, 512, 1024, 2048)


def _mpl():
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - depends on the install
        from traincost.errors import InputError

        raise InputError("plot", "charts need matplotlib: pip install 'traincost[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def cluster_sweep(base: dict, model: str, gpu: str | None) -> list[dict[str, float]]:
    """Cost vs days of one model as the cluster grows (whole nodes, powers of two)."""
    from traincost.errors import InputError
    from traincost.pipeline import estimate

    out = []
    for n in CLUSTER_SWEEP:
        try:
            r = estimate({**base, "model": model, **({"gpu": gpu} if gpu else {}), "gpus": n, "samples": 500})
        except InputError:
            continue
        out.append({"gpus": n, "days": r.time.wall_clock_days, "cost": r.cost.total_usd,
                    "days_p10": r.ranges["wall_clock_days"]["p10"], "days_p90": r.ranges["wall_clock_days"]["p90"]})
    return out


def compare_plots(res: dict[str, Any], base: dict, path: str) -> None:
    """Two panels: cost vs days across cluster sizes for each candidate model; cost and expected loss
    across the candidates."""
    plt = _mpl()
    ok = [r for r in res["candidates"] if "cost" in r]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    seen = set()
    for r in ok:
        key = (r["model"]["name"], r["hardware"]["gpu"])
        if key in seen:
            continue
        seen.add(key)
        pts = cluster_sweep({k: v for k, v in base.items() if k not in ("gpus",)}, *key)
        if pts:
            ax1.plot([p["days"] for p in pts], [p["cost"] / 1e6 for p in pts], marker="o", label=f"{key[0]} on {key[1]}")
            for p in pts:
                ax1.annotate(str(p["gpus"]), (p["days"], p["cost"] / 1e6), fontsize=7, xytext=(3, 3),
                             textcoords="offset points")
    ax1.set_xscale("log")
    ax1.set_xlabel("wall-clock days (log)")
    ax1.set_ylabel("total cost, $M")
    ax1.set_title("cost vs time across cluster sizes (labels: GPUs)")
    ax1.legend(fontsize=8)
    ax1.grid(alpha=0.3)
    labels = [r["label"] for r in ok]
    costs = [r["cost"]["total_usd"] / 1e6 for r in ok]
    lo = [c - r["ranges"]["cost_usd"]["p10"] / 1e6 for c, r in zip(costs, ok, strict=True)]
    hi = [r["ranges"]["cost_usd"]["p90"] / 1e6 - c for c, r in zip(costs, ok, strict=True)]
    x = range(len(ok))
    ax2.bar(x, costs, yerr=[[max(v, 0) for v in lo], [max(v, 0) for v in hi]], color="#4C72B0", alpha=0.8, capsize=3)
    ax2.set_xticks(list(x))
    ax2.set_xticklabels(labels, rotation=20, ha="right", fontsize=8)
    ax2.set_ylabel("total cost, $M (bars: P10-P90)")
    ax3 = ax2.twinx()
    ax3.plot(list(x), [r["quality"]["loss"] for r in ok], color="#C44E52", marker="D", linestyle="none")
    ax3.set_ylabel("expected loss, nats/token (estimate)", color="#C44E52")
    ax2.set_title("cost and expected loss by candidate")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
