"""Commands that run the model: estimate, compare, fit-cpt, plan, audit."""

from __future__ import annotations

import json

import click

from traincost.cli.base import check_output_path, cli, console
from traincost.cli.options import (
    AUDIT_OPTIONS,
    BRIEF,
    COMPARE_FILE_KEYS,
    PLAN_OPTIONS,
    options,
    scenario_options,
)
from traincost.errors import InputError


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@scenario_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
@click.option(
    "--assumptions",
    "show_assumptions",
    is_flag=True,
    help="Also list every default assumed, with its source.",
)
@click.option(
    "--csv",
    "csv_table",
    type=click.Choice(["bill", "ranges", "assumptions"]),
    help="Print one table as CSV: the bill, the P10/P50/P90 ranges or the assumptions.",
)
def estimate(scenario, as_json, brief, show_assumptions, csv_table, **flags) -> None:
    """Estimate FLOPs, time and cost of a training run (flags override the SCENARIO file)."""
    from traincost.files import read_scenario_file
    from traincost.usecases.estimate import estimate as run_estimate

    data = read_scenario_file(scenario) if scenario else {}
    compare_keys = [k for k in COMPARE_FILE_KEYS if data.pop(k, None) is not None]
    if compare_keys:  # a comparison file: estimate its base scenario, and say how to compare
        click.echo(
            f"note: {scenario} also has {', '.join(compare_keys)}: this is the estimate of its base scenario; "
            f"compare the candidates with: traincost compare {scenario}",
            err=True,
        )
    result = run_estimate(data, **{k: v for k, v in flags.items() if v is not None})
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif csv_table:
        from traincost.present.exports import estimate_csv

        click.echo(estimate_csv(result, csv_table), nl=False)
    else:
        from traincost.present.terminal import print_estimate

        print_estimate(result, console(), brief=brief, assumptions=show_assumptions)


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--models", help="Candidate models, comma-separated (e.g. llama-3.1-8b,llama-3.1-70b).")
@click.option("--gpus-list", "gpus_list", help="Candidate cluster sizes, comma-separated.")
@click.option("--hardware", help="Candidate accelerators, comma-separated.")
@click.option("--providers", help="Candidate cloud providers, comma-separated.")
@click.option("--deadline", help="Find the smallest cluster (whole nodes) that finishes within it, e.g. 30d.")
@click.option("--budget", help="Find the most tokens each candidate buys within it, e.g. 500k.")
@click.option("--partners", help="Split each bill among partners, e.g. A:0.5,B:0.3,C:0.2.")
@click.option(
    "--target-loss",
    "target_loss",
    help="Find the cheapest (model, domain tokens) reaching this domain loss (P50).",
)
@scenario_options
@click.option("--csv", "as_csv", is_flag=True, help="Print the comparison as CSV.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write charts to this .png or .svg file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
def compare(scenario, as_csv, plot, as_json, brief, **flags) -> None:
    """Compare candidate runs side by side: cost, days, energy, CO2, expected loss; the Pareto front."""
    from traincost.decide.compare import to_csv

    if plot:
        check_output_path(plot, "plot", (".png", ".svg"))
    lists = {k: flags.pop(k) for k in ("models", "gpus_list", "hardware", "providers")}
    asked = {k: flags.pop(k) for k in ("deadline", "budget", "partners", "target_loss")}
    base, cands, modes = _compare_inputs(scenario, lists, asked, flags)
    result = _run_with_progress(base, cands, modes)
    if plot:
        from traincost.present.plots import compare_plots
        from traincost.usecases.report import compare_sweeps

        compare_plots(result, compare_sweeps(result, base), plot)
    if as_json:
        click.echo(json.dumps(result, indent=2, default=float))
    elif as_csv:
        click.echo(to_csv(result), nl=False)
    else:
        from traincost.present.terminal import print_compare

        print_compare(result, console(), brief=brief)
        if plot:
            click.echo(f"wrote {plot}")


def _compare_inputs(scenario, lists: dict, asked: dict, flags: dict) -> tuple[dict, list[dict], dict]:
    """The base scenario, the candidates and the solve modes (flags override the file); bad input fails
    before any work."""
    from traincost.decide.compare import (
        check_modes,
        expand,
        parse_budget,
        parse_deadline,
        parse_partners,
        parse_target_loss,
        split_list,
    )
    from traincost.files import read_scenario_file

    data = read_scenario_file(scenario) if scenario else {}
    file_candidates = data.pop("candidates", None)
    modes = {
        k: asked[k] if asked[k] is not None else data.pop(k, None) for k in ("deadline", "budget", "partners")
    }
    for k in ("deadline", "budget", "partners"):
        data.pop(k, None)  # a flag overrides the file
    modes["target_loss"] = asked["target_loss"]
    check_modes(modes["deadline"], modes["budget"])
    for k, parse in (
        ("deadline", parse_deadline),
        ("budget", parse_budget),
        ("partners", parse_partners),
        ("target_loss", parse_target_loss),
    ):
        if modes[k] is not None:
            parse(str(modes[k]))
    base = {**data, **{k: v for k, v in flags.items() if v is not None}}
    cands = expand(
        base,
        *(split_list(lists[k]) for k in ("models", "gpus_list", "hardware", "providers")),
        file_candidates,
    )
    return base, cands, modes


def _run_with_progress(base: dict, cands: list[dict], modes: dict) -> dict:
    import sys

    from rich.progress import Progress

    from traincost.decide.compare import run_compare

    with Progress(console=console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("estimating candidates", total=len(cands))
        return run_compare(
            base,
            cands,
            modes["deadline"],
            modes["budget"],
            modes["partners"],
            progress=lambda i, n: bar.update(task, completed=i),
            target_loss=modes["target_loss"],
        )


@cli.command("fit-cpt")
@click.argument("pilots", type=click.Path(dir_okay=False))
@click.option(
    "--base-tokens",
    "base_tokens",
    help="Pre-training tokens of the pilots' base models (or a base_tokens column).",
)
@click.option(
    "--domain", default="specialist", show_default=True, help="Domain whose defaults the fit starts from."
)
@click.option(
    "--schedule", default="rewarm-decay", show_default=True, help="The pilots' learning-rate schedule."
)
@click.option(
    "-o", "--output", "output", default="cpt-fit.yaml", show_default=True, help="Scenario file to write."
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON.")
def fit_cpt(pilots, base_tokens, domain, schedule, output, force, as_json) -> None:
    """Fit the CPT law on pilot runs (CSV: params, domain_tokens, replay, domain_loss, general_loss
    [, base_tokens]) and write the coefficients, with P10-P90 intervals, and the pilots to a scenario."""
    from traincost.usecases.fit_cpt import run_fit_cpt

    result = run_fit_cpt(pilots, base_tokens, domain, schedule, output, force)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        from traincost.present.cpt_terminal import print_cpt_fit

        print_cpt_fit(result, console())


@cli.command()
@options(PLAN_OPTIONS)
@click.option("--top", default="5", show_default=True, help="How many layouts to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
@click.option(
    "--csv", "as_csv", is_flag=True, help="Print the layouts (memory and step-time breakdowns) as CSV."
)
def plan(as_json, top, brief, as_csv, **flags) -> None:
    """Find the fastest parallel layout that fits in memory (or evaluate the one you give)."""
    from traincost.usecases.plan import run_plan

    result = run_plan({k: v for k, v in flags.items() if v is not None}, top=top)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif as_csv:
        from traincost.present.exports import plan_rows, to_csv

        click.echo(to_csv(plan_rows(result)), nl=False)
    else:
        from traincost.present.terminal import print_plan

        print_plan(result, console(), brief=brief)
    if not result.fits:  # the output says why and what would fit; the exit code is 2 in both modes
        raise InputError("gpus", result.why_not or "no layout fits")


@cli.command()
@options(AUDIT_OPTIONS)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
def audit(as_json, brief, **flags) -> None:
    """Check a published or proposed claim: the FLOP/s and MFU it implies, and a verdict."""
    from traincost.usecases.audit import run_audit

    result = run_audit({k: v for k, v in flags.items() if v is not None})
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        from traincost.present.terminal import print_audit

        print_audit(result, console(), brief=brief)
