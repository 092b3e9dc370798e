"""Commands that list and check the data: validate, models, prices, hardware, init."""

from __future__ import annotations

import json

import click

from traincost.cli.base import cli, console
from traincost.cli.options import BRIEF
from traincost.errors import InputError


@cli.command()
@click.option("--runs", is_flag=True, help="Published training runs (GPU-hours, days) with P10/P50/P90.")
@click.option(
    "--throughput",
    is_flag=True,
    help="Throughput measurements (Megatron-LM, llm-foundry, Korthikanti et al.).",
)
@click.option("--memory", is_flag=True, help="Per-GPU memory measurements (Korthikanti et al. 2022, Fig. 1).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
def validate(runs, throughput, memory, as_json, brief) -> None:
    """Compare traincost's predictions with published runs and measurements, row by row
    (default: published runs; --throughput and --memory check the performance model)."""
    from traincost.trust.summary import validation_report

    out = validation_report(runs or not (throughput or memory), throughput, memory)
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    from traincost.present.terminal import print_validation

    print_validation(out, console(), brief=brief)
    if "held_out" in out and not brief:
        from traincost.present.heldout import print_heldout

        print_heldout(out, console())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
def models(as_json) -> None:
    """List the built-in model catalog with parameter counts."""
    from traincost import catalog

    rows = []
    for m in catalog.models().values():
        a = m.arch
        rows.append(
            dict(
                id=m.id,
                name=m.display_name,
                model_type=a.model_type,
                params=a.params,
                active_params=a.active_params,
                non_embedding_params=a.non_embedding_params,
                layers=a.num_layers,
                pretraining_tokens=m.pretraining_tokens,
                source=m.source,
            )
        )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from traincost.present.terminal import print_models

    print_models(rows, console())


@cli.command()
@click.option("--gpu", help="Only this accelerator.")
@click.option("--provider", help="Only this provider.")
@click.option(
    "--gpus",
    help="With --gpu: price a run on this many accelerators at every provider and tier (default 512).",
)
@click.option("--days", help="With --gpu: the run's wall-clock days (default 30).")
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
@BRIEF
def prices(gpu, provider, gpus, days, as_json, brief) -> None:
    """List the dated cloud price catalog (USD per accelerator-hour, with sources); with --gpu, what the same
    run costs at each provider and tier, and the effective market price."""
    from dataclasses import asdict

    from traincost import catalog

    rows = list(catalog.prices())
    if gpu:
        acc = catalog.resolve_accelerator(gpu)
        rows = [r for r in rows if r.accelerator == acc.id]
    if provider:
        known = sorted({r.provider for r in catalog.prices()})
        if provider.lower() not in known:
            raise InputError("provider", f"unknown provider '{provider}'; accepted: {', '.join(known)}")
        rows = [r for r in rows if r.provider == provider.lower()]
    rows.sort(key=lambda r: (r.accelerator, r.provider, r.date))
    offers = None
    if gpu and (gpus or days):
        from traincost.money.offers import run_offers

        offers = run_offers(acc, gpus, days, provider)
    elif gpus or days:
        raise InputError("gpu", "--gpus and --days price a run: give the accelerator with --gpu")
    if as_json:
        out = [asdict(r) for r in rows]
        click.echo(json.dumps({"rows": out, "run": offers} if offers else out, indent=2))
        return
    from traincost.present.terminal import print_prices

    print_prices(rows, console(), brief=brief)
    if offers and not brief:
        from traincost.present.terminal import print_offers

        print_offers(offers, console())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
def hardware(as_json) -> None:
    """List the accelerator catalog (dense peak FLOP/s, memory, interconnect)."""
    from dataclasses import asdict

    from traincost import catalog

    accs = list(catalog.accelerators().values())
    if as_json:
        click.echo(json.dumps([asdict(a) for a in accs], indent=2))
        return
    from traincost.present.terminal import print_hardware

    print_hardware(accs, console())


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--example",
    type=click.Choice(["estimate", "compare"]),
    default="estimate",
    show_default=True,
    help="estimate: one scenario; compare: a base scenario with a documented candidates: list.",
)
def init(path, force, example) -> None:
    """Write an annotated example scenario file (default: scenario.yaml, or compare.yaml with --example compare)."""
    from pathlib import Path

    from traincost.files import COMPARE_EXAMPLE, EXAMPLE

    path = path or ("compare.yaml" if example == "compare" else "scenario.yaml")
    text = COMPARE_EXAMPLE if example == "compare" else EXAMPLE
    run = "compare" if example == "compare" else "estimate"

    p = Path(path)
    if p.exists() and not force:
        raise InputError("path", f"'{path}' exists; pass --force to overwrite it")
    try:
        p.write_text(text.format(name=path), encoding="utf-8")
    except OSError as e:
        raise InputError("path", f"cannot write '{path}': {e.strerror or e}") from None
    click.echo(f"wrote {path}; run: traincost {run} {path}")
