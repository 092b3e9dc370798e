"""Rich rendering of results for the terminal. Imported only by the commands that print tables.

Every command opens with its answer (present/answer.py); tables then fit the terminal without cutting a
number or a name (present/fit.py)."""

from __future__ import annotations

from rich.console import Console

from traincost.present import answer
from traincost.present.compare_terminal import print_compare
from traincost.present.estimate_terminal import print_answer, print_estimate, print_money_extras
from traincost.present.fit import Col, fit_table, paragraph
from traincost.present.keep import KEEP_20, KEEP_30, KEEP_40, KEEP_50, KEEP_60
from traincost.present.plan_terminal import print_plan
from traincost.present.validation_terminal import print_leave_one_out, print_validation
from traincost.units import human, usd

__all__ = [
    "print_answer",
    "print_audit",
    "print_compare",
    "print_estimate",
    "print_hardware",
    "print_leave_one_out",
    "print_models",
    "print_money_extras",
    "print_offers",
    "print_plan",
    "print_prices",
    "print_validation",
]


def print_prices(rows, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.prices_paragraph(rows))
    if brief:
        return

    def f(x):
        return "-" if x is None else usd(x)

    cols = [
        Col("accelerator"),
        Col("provider"),
        Col("instance", keep=KEEP_20),
        Col("region", keep=10),
        Col("on-demand", "right"),
        Col("1y", "right", keep=KEEP_40),
        Col("3y", "right", keep=KEEP_40),
        Col("spot", "right", keep=KEEP_30),
        Col("date"),
    ]
    data = [
        [
            r.accelerator,
            r.provider,
            r.instance or "-",
            r.region or "-",
            f(r.on_demand),
            f(r.reserved_1y),
            f(r.reserved_3y),
            f(r.spot),
            r.date,
        ]
        for r in rows
    ]
    con.print(fit_table(con, cols, data))
    con.print(f"[dim]{len(rows)} rows, USD per accelerator-hour; sources: `traincost prices --json`[/]")


def print_models(rows: list[dict], con: Console) -> None:
    cols = [
        Col("id"),
        Col("type", keep=KEEP_20),
        Col("params", "right"),
        Col("active", "right", keep=KEEP_40),
        Col("non-embedding", "right", keep=10),
        Col("layers", "right", keep=KEEP_30),
        Col("pre-trained on", "right", keep=KEEP_50),
    ]
    data = [
        [
            r["id"],
            r["model_type"],
            f"{r['params']:,}",
            human(r["active_params"]),
            human(r["non_embedding_params"]),
            str(r["layers"]),
            human(r["pretraining_tokens"]) if r["pretraining_tokens"] else "-",
        ]
        for r in rows
    ]
    con.print(fit_table(con, cols, data))
    con.print(
        f"[dim]{len(rows)} models; parameter counts are exact (equal to the Hugging Face classes built from each config)[/]"
    )


def print_hardware(accs, con: Console) -> None:
    def f(x, fmt="{:,.0f}"):
        return "-" if x is None else fmt.format(x)

    cols = [Col("id"), Col("name", wrap=True, keep=10)] + [
        Col(c, "right", keep=k)
        for c, k in (
            ("bf16 TFLOP/s", 100),
            ("fp8", KEEP_50),
            ("fp4", KEEP_40),
            ("HBM GB", 100),
            ("HBM TB/s", KEEP_60),
            ("TDP W", KEEP_40),
            ("scale-up", KEEP_30),
            ("up GB/s", KEEP_30),
            ("out GB/s", KEEP_20),
        )
    ]
    data = []
    for a in accs:
        bf = a.peak_tflops.get("bf16") or a.peak_tflops.get("fp16")
        data.append(
            [
                a.id,
                a.name,
                f(bf),
                f(a.peak_tflops.get("fp8")),
                f(a.peak_tflops.get("fp4")),
                f(a.memory_gb),
                f(a.memory_bw_tbps, "{:.2f}"),
                f(a.tdp_w),
                str(a.scale_up_size),
                f(a.scale_up_bw_gbs),
                f(a.scale_out_bw_gbs),
            ]
        )
    con.print(fit_table(con, cols, data))
    con.print(
        "[dim]dense peaks (no sparsity); bandwidths per accelerator per direction; sources: `traincost hardware --json`[/]"
    )


def print_audit(r, con: Console, brief: bool = False) -> None:
    paragraph(con, *answer.audit_paragraph(r))
    if brief:
        return
    con.print()
    claim = ", ".join(
        f"{k.replace('_', ' ')} {v:,.6g}" for k, v in r.claim.items() if isinstance(v, int | float)
    )
    con.print(f"claim: [bold]{r.model}[/] on {human(r.tokens)} tokens (seq {r.seq_len}) on {r.gpu}: {claim}")
    for v in getattr(r, "verdicts", None) or [{"figure": "claim", "verdict": r.verdict, "reason": r.reason}]:
        color = {"impossible": "red", "implausible": "yellow", "plausible": "green"}.get(
            v["verdict"], "white"
        )
        con.print(
            f"verdict on {v['figure'].replace('_', ' ')}: [bold {color}]{v['verdict'].upper()}[/]: {v['reason']}"
        )
    e, b = r.estimate, r.best_published_mfu
    rows = [
        ["training FLOPs", f"{r.flops_total:.3e}", "traincost's count per matmul, causal attention"],
        ["implied TFLOP/s per GPU", f"{r.implied['tflops_per_gpu']:,.0f}", "FLOPs / (GPU-hours x 3600)"],
        ["implied MFU", f"{r.implied['mfu']:.1%}", f"({r.implied['mfu_6nd']:.1%} with 6ND)"],
        ["best published MFU", f"{b['mfu']:.1%}", f"{b['scope']}: {b['row']} ({b['source']})"],
        [
            "traincost estimate",
            f"{e['gpu_hours_p50']:,.0f} GPU-h",
            f"P10-P90 {e['gpu_hours_p10']:,.0f}-{e['gpu_hours_p90']:,.0f} on {e['gpus']:,} GPUs; the claim is "
            f"{e['claim_vs_p50']:.0%} of the P50",
        ],
    ]
    if "price_per_gpu_hour" in r.implied:
        rows.append(
            [
                "implied price",
                f"{usd(r.implied['price_per_gpu_hour'])}/GPU-h",
                r.implied.get("price_basis", ""),
            ]
        )
    con.print(
        fit_table(
            con,
            [Col("quantity", style="cyan"), Col("value", "right"), Col("how", style="dim", wrap=True)],
            rows,
        )
    )


def print_offers(o: dict, con: Console) -> None:
    """What the same run costs at each provider and tier (`traincost prices --gpu --gpus --days`)."""
    con.print(
        f"\n[bold]{o['gpus']} x {o['gpu']} for {o['days']:g} days[/] ({o['gpu_hours']:,.0f} GPU-hours): "
        "compute at each training-sized offer (8+ GPUs per node)"
    )
    cols = [
        Col("provider"),
        Col("instance", keep=KEEP_30),
        Col("region", keep=KEEP_20),
        Col("tier", wrap=True),
        Col("$/GPU-h", "right"),
        Col("compute", "right"),
        Col("observed", keep=KEEP_40),
    ]
    rows = []
    for r in o["offers"]:
        why = "not in market" if r["tier"] == "spot" else "stale, not in market"
        tier = r["tier"] + ("" if r["counted_in_market"] else f" ({why})")
        rows.append(
            [
                r["provider"],
                r["instance"] or "-",
                r["region"] or "-",
                tier,
                usd(r["usd_per_gpu_hour"]),
                usd(r["compute_usd"]),
                r["date"],
            ]
        )
    con.print(fit_table(con, cols, rows))
    e = o.get("effective")
    if e:
        con.print(
            f"effective price ${e['usd_per_gpu_hour']:.2f}/GPU-h -> ${e['compute_usd'] / 1e6:,.2f}M "
            f"(P10 ${e['compute_usd_p10'] / 1e6:,.2f}M, P90 ${e['compute_usd_p90'] / 1e6:,.2f}M); {e['source']}"
        )
