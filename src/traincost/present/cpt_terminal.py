"""Terminal output of the CPT decision (docs/cpt.md): what each candidate buys, ties and dominated
candidates, the expected-quality block of an estimate, and the `fit-cpt` result."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from traincost.present.answer import quality_rows
from traincost.present.fit import Col, fit_table
from traincost.units import human, usd


def loss_verdict(s: dict) -> str:
    v = s.get("quality_verdict") or {}
    if v.get("indistinguishable_loss"):
        return f"expected loss: [bold]indistinguishable[/] among the lowest ({', '.join(v['indistinguishable_loss'])})"
    return f"lowest expected loss: [bold]{s.get('best_expected_loss')}[/]"


def _pq(q: dict | None, fmt: str = "{:.3f}", signed: bool = False) -> str:
    if not q:
        return "-"
    f = (lambda x: f"{x:+.3f}") if signed else fmt.format
    return f"{f(q['p50'])} ({f(q['p10'])} .. {f(q['p90'])})"


# presentation: the console width below which a column is dropped (fit_table's keep=), narrowest kept longest
KEEP_DAYS = 70  # presentation: drop rank (present/keep.py)
KEEP_COST_P80 = 60  # presentation: drop rank
KEEP_PER_GAIN = 80  # presentation: drop rank
KEEP_SERVING = 50  # presentation: drop rank
KEEP_DOMINATED = 40  # presentation: drop rank


def _decision_columns(scratch: bool) -> list:
    cols = [
        Col("candidate"),
        Col("cost P50", "right"),
        Col("cost P80", "right", keep=KEEP_COST_P80),
        Col("days", "right", keep=KEEP_DAYS),
    ]
    if scratch:
        cols.append(Col("loss (from scratch)", "right", wrap=True))
    else:
        cols += [
            Col("domain loss", "right", wrap=True),
            Col("domain gain", "right", wrap=True),
            Col("general-loss change", "right", wrap=True),
            Col("$ per 0.01 nat", "right", keep=KEEP_PER_GAIN),
        ]
    return cols + [
        Col("serving", "right", keep=KEEP_SERVING),
        Col("dominated by", wrap=True, keep=KEEP_DOMINATED),
    ]


def _decision_cells(r: dict, scratch: bool) -> list[str]:
    d, q = r["decision"], r["quality"]
    cells = [
        r["label"],
        usd(d["cost_usd_p50"]),
        usd(d["cost_usd_p80"]) if d.get("cost_usd_p80") else "-",
        f"{d['wall_clock_days']:,.1f}",
    ]
    if scratch:
        cells.append(_pq(q.get("general_loss")))
    else:
        per = d.get("cost_per_domain_gain_usd")
        cells += [
            _pq(q.get("domain_loss")),
            _pq(d.get("domain_gain"), signed=True),
            _pq(d.get("general_loss_change"), signed=True),
            usd(per / 100) if per else "no gain",
        ]
    return cells + [
        usd(d["serving_usd"]) if d.get("serving_usd") else "-",
        ", ".join(d["dominated_by"]) or "-",
    ]


def _decision_verdicts(res: dict, rows: list[dict], con: Console) -> None:
    v = res["summary"].get("quality_verdict") or {}
    for lab, diff in (v.get("loss_difference_vs_lowest") or {}).items():
        same = diff["p10"] <= 0 <= diff["p90"]
        con.print(
            f"  {lab} vs {v['lowest_median_loss']}: domain loss {diff['p50']:+.3f} nats (P10 to P90 {diff['p10']:+.3f} "
            f"to {diff['p90']:+.3f}, same coefficient draws): "
            + ("[bold]indistinguishable[/]" if same else "distinguishable")
        )
    if v.get("dominated"):
        con.print(
            f"  dominated (another costs less, training + serving, and is not worse on either loss): "
            f"[bold]{', '.join(v['dominated'])}[/]"
        )
    per = [r for r in rows if r["decision"].get("cost_per_domain_gain_usd")]
    if len(per) > 1:
        best = min(per, key=lambda r: r["decision"]["cost_per_domain_gain_usd"])
        con.print(
            f"  lowest cost per unit of domain gain: [bold]{best['label']}[/] (training cost P50 / domain gain P50)"
        )


def print_cpt_decision(res: dict, con: Console) -> None:
    """What each candidate buys: cost (P50, P80), time, domain loss and gain, general-loss change (P10-P90),
    serving, cost per 0.01 nat of domain gain, and which candidates are dominated."""
    rows = [r for r in res["candidates"] if r.get("decision")]
    if not rows:
        return
    scratch = all((r.get("quality") or {}).get("kind") == "from-scratch" for r in rows)
    title = "what each candidate buys (losses in nats/token: P50 (P10..P90))"
    con.print(fit_table(con, _decision_columns(scratch), [_decision_cells(r, scratch) for r in rows], title))
    _decision_verdicts(res, rows, con)
    con.print(
        f"[dim]Not predictable from the law: {rows[0]['quality'].get('cannot_predict', '')}. docs/cpt.md has the method.[/]"
    )


def _print_ranges(con: Console, title: str, columns: tuple[str, ...], rows) -> None:
    """A table of labels with their P10, central and P90 figures: the first column left, the rest right."""
    t = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, col in enumerate(columns):
        t.add_column(col, justify="right" if i else "left", no_wrap=True)
    for row in rows:
        t.add_row(*row)
    con.print(t)


def print_cpt_fit(res: dict, con: Console) -> None:
    _print_ranges(
        con,
        f"CPT law fitted on {res['pilots']} pilot runs (P10, fit, P90 from {res['bootstrap']} bootstrap refits)",
        ("coefficient", "P10", "fit", "P90"),
        [(k, f"{lo:.4g}", f"{v:.4g}", f"{hi:.4g}") for k, (lo, v, hi) in res["coefficients"].items()],
    )
    con.print(
        f"rms residual: domain loss {res['rms_domain']:.4f}, general loss {res['rms_general']:.4f} nats (in sample)"
    )
    con.print(
        f"wrote {res['output']}; use it: traincost compare {res['output']} --models ... (the pilots become a bill line)"
    )


def print_quality(q: dict, con: Console) -> None:
    """The expected-quality block of an estimate: CPT losses with ranges, or the from-scratch loss."""
    _print_ranges(
        con, f"expected quality ({q['label']})", ("loss, nats/token", "P10", "P50", "P90"), quality_rows(q)
    )
    if q["kind"] != "from-scratch":
        con.print(
            f"[dim]CPT: {human(q['domain_tokens'])} domain tokens ({q['domain']}) + {human(q['replay_tokens']) if q['replay_tokens'] else '0'} "
            f"replay ({q['replay']:.0%}) = {human(q['trained_tokens'])} trained, on a base of {human(q['base_pretraining_tokens'])} "
            f"tokens; schedule {q['schedule']}. Not predictable: benchmark scores (see docs/cpt.md).[/]"
        )
    else:
        con.print(
            "[dim]From scratch: the Epoch AI refit of Chinchilla; no base model, no domain gain or forgetting.[/]"
        )
