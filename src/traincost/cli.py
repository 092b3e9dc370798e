"""Command-line interface. Heavy imports happen inside the commands that need them."""

from __future__ import annotations

import json
import os
import sys

import click

from traincost.errors import InputError

COMPARE_FILE_KEYS = ("candidates", "deadline", "budget", "partners")  # scenario-file keys only `compare` uses


# The bill's assumptions, each overridable (flag, help). Values are validated by the shared schema.
BILL_OPTIONS = [
    ("--provider", "Cloud provider of the price (see `traincost prices`)."),
    ("--pricing", "on-demand (default), 1y, 3y or spot."),
    ("--region", "Grid region or cloud region for carbon (e.g. france, us-east-1)."),
    ("--grid-intensity", "Grid carbon intensity, gCO2e/kWh."),
    ("--pue", "Power usage effectiveness of the datacenter."),
    ("--power-fraction", "Average accelerator power as a fraction of TDP."),
    ("--host-w-per-node", "Host power per node (CPUs, memory, NICs, fans), W."),
    ("--electricity-price", "USD per kWh (owned hardware)."),
    ("--server-price", "USD per server node (owned hardware)."),
    ("--lifetime-years", "Economic life of owned hardware, years (default 4)."),
    ("--depreciation", "straight-line (default) or epoch (hardware-progress rate)."),
    ("--utilization", "Share of the owned cluster's life it is busy, (0, 1]."),
    ("--facility", "colo (default) or build."),
    ("--maintenance-share", "Maintenance per year as a share of capex."),
    ("--data", "english (default), code or multilingual: bytes per token of the dataset."),
    ("--bytes-per-token", "Raw dataset bytes per token."),
    ("--storage-class", "object (default) or pfs (parallel file system)."),
    ("--storage-price", "USD per GB-month."),
    ("--checkpoints-kept", "Full checkpoints kept."),
    ("--checkpoint-stall-s", "Seconds training is blocked per checkpoint (Daly's checkpoint cost)."),
    ("--evaluation-pause-share", "Share of training time paused for in-run evaluation."),
    ("--input-stall-share", "Share of training time waiting on the input pipeline."),
    ("--batch-warmup-share", "Extra time from a batch-size ramp, as a share."),
    ("--checkpoint-write-gb-s", "Checkpoint write bandwidth per node, GB/s."),
    ("--interruption-rate", "Unplanned interruptions per accelerator-hour."),
    ("--restart-minutes", "Minutes lost per interruption (detect, replace, reload)."),
    ("--engineers", "Engineers on the run (0 leaves staff out)."),
    ("--engineer-cost", "Loaded USD per engineer-year."),
    ("--prep-months", "Team months before the run."),
    ("--eval-months", "Team months after the run."),
    ("--embodied-kg-per-gpu", "Embodied carbon per accelerator, kgCO2e."),
    ("--carbon-convention", "full (default: accelerators, hosts, network, PUE) or model-card (GPU TDP x PUE only)."),
    ("--renewable-share", "Share of the electricity matched by renewable purchases (market-based CO2)."),
    ("--cost-of-capital", "Owned hardware: cost of capital per year (default 0.10)."),
    ("--resale-fraction", "Owned hardware: share of capex recovered at the end of its economic life."),
    ("--ops-gpus-per-engineer", "Owned hardware: accelerators per operations engineer."),
    ("--software-per-gpu-year", "Owned hardware: software licences, USD per accelerator-year."),
    ("--pilot-share", "Pilot runs and ablations, share of the run's GPU-hours (0 removes the line)."),
    ("--eval-compute-share", "Evaluation compute, share of the run's GPU-hours."),
    ("--dataprep-vcpu-hours-per-tb", "Data preparation, vCPU-hours per TB of raw text."),
    ("--vcpu-hour-usd", "USD per vCPU-hour for data preparation."),
    ("--bringup-days", "Days the cluster is paid for before training (burn-in)."),
    ("--reservation-granularity-days", "Rented cluster reserved in blocks of this many days (1: on-demand)."),
    ("--support-share", "Cloud support plan, share of cloud compute."),
    ("--egress-price", "USD per GB of egress (final weights + a checkpoint)."),
    ("--budget-percentile", "Budget at this percentile of the cost (e.g. 80); --deadline/--budget solve at it (default 50)."),
]


def bill_options(f):
    f = options(BILL_OPTIONS)(f)
    f = click.option("--hf-hub", "hf_hub", is_flag=True, default=None,
                     help="Look --model up on the Hugging Face Hub (e.g. meta-llama/Llama-3.1-8B): the only network access.")(f)
    f = click.option("--compare-ownership", "compare_ownership", is_flag=True, default=None,
                     help="Show cloud and owned hardware side by side.")(f)
    f = click.option("--no-programme", "no_programme", is_flag=True, default=None,
                     help="Leave out pilots, evaluation, data preparation, bring-up, idle days, support and egress.")(f)
    f = click.option("--on-prem", "on_prem", is_flag=True, default=None,
                     help="Price owned hardware (TCO) instead of cloud rental.")(f)
    return f


def _console(stderr: bool = False):
    from traincost.present.fit import console

    return console(stderr)  # the terminal's width; when piped, $COLUMNS (else 170)


BRIEF = click.option("--brief", is_flag=True, help="Print only the answer (one paragraph).")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="traincost")
def cli() -> None:
    """traincost: what an LLM training run will cost, and why.

    Start with `traincost estimate` (70B model, 1T tokens of continued pre-training on H100s).
    """


def options(specs):
    """A decorator adding `(flag, help)` options; the destination is the flag's name with underscores."""

    def deco(f):
        for flag, help_ in reversed(specs):
            f = click.option(flag, flag[2:].replace("-", "_"), help=help_)(f)
        return f

    return deco


PLAN_OPTIONS = [
    ("--model", "Catalog name or path to a config.json (default: llama-3.1-70b)."),
    ("--gpu", "Accelerator id (default: h100-sxm)."),
    ("--gpus", "Number of accelerators (default: 512)."),
    ("--global-batch", "Global batch in sequences."),
    ("--global-batch-tokens", "Global batch in tokens (e.g. 4M)."),
    ("--seq-len", "Sequence length in tokens (default 4096)."),
    ("--precision", "bf16 (default), fp16 or fp8."),
    ("--optimizer", "adamw (default), adamw8bit, sgd, lion, adafactor."),
    ("--framework", "megatron-core (default; also NeMo), megatron-deepspeed, deepspeed or fsdp (torchtitan)."),
    ("--hardware-file", "Your own accelerators, in the shape of data/hardware.yaml."),
    ("--tp", "Tensor-parallel size (fixes it; omit to search)."),
    ("--pp", "Pipeline-parallel size."),
    ("--dp", "Data-parallel size."),
    ("--cp", "Context-parallel size."),
    ("--ep", "Expert-parallel size (MoE)."),
    ("--zero", "ZeRO stage 0-3 (3 = FSDP full sharding)."),
    ("--micro-batch", "Micro-batch size in sequences."),
    ("--recompute", "none, selective or full activation recomputation."),
    ("--interleave", "Virtual pipeline stages per GPU (interleaved 1F1B)."),
]

AUDIT_OPTIONS = [
    ("--model", "Catalog name or config.json path (default: llama-3.1-70b)."),
    ("--tokens", "Training tokens of the claim (default 1T)."),
    ("--seq-len", "Sequence length (default 4096)."),
    ("--gpu", "Accelerator of the claim (default h100-sxm)."),
    ("--precision", "bf16 (default), fp16 or fp8."),
    ("--gpu-hours", "Claimed accelerator-hours."),
    ("--days", "Claimed wall-clock days (with --gpus)."),
    ("--gpus", "Accelerators the claim assumes."),
    ("--cost", "Claimed cost in USD: next to --gpu-hours or --days it implies a price; alone, it buys hours at --price."),
    ("--price", "USD per GPU-hour the claim assumes (default: traincost's default price, stated in the output)."),
]


def scenario_options(f):
    """The scenario fields as flags (the same names as in scenario files and the API)."""
    opts = [
        ("--model", "model", "Catalog name (see `traincost models`) or path to a Hugging Face config.json."),
        ("--tokens", "tokens", "Training tokens: 1T, 500B, 1.5e12, 2,000,000,000."),
        ("--seq-len", "seq_len", "Sequence length in tokens (default 4096)."),
        ("--gpu", "gpu", "Accelerator id (see `traincost hardware`)."),
        ("--gpus", "gpus", "Number of accelerators."),
        ("--mfu", "mfu", "Model FLOPs utilization in (0, 1]; default: predicted by the layout planner."),
        ("--price", "price", "USD per GPU-hour; default: the catalog's dated price."),
        ("--precision", "precision", "bf16 (default), fp16 or fp8."),
        ("--global-batch", "global_batch", "Global batch in sequences (for the layout planner)."),
        ("--global-batch-tokens", "global_batch_tokens", "Global batch in tokens, e.g. 4M."),
        ("--optimizer", "optimizer", "adamw (default), adamw8bit, sgd, lion, adafactor."),
        ("--framework", "framework", "megatron-core (default; also NeMo), megatron-deepspeed, deepspeed or fsdp."),
        ("--hardware-file", "hardware_file", "Your own accelerators, in the shape of data/hardware.yaml."),
        ("--realization", "realization", "Share of the best layout's throughput a real run achieves (default: fitted)."),
        ("--kind", "kind", "continued-pretraining (default for catalog models) or from-scratch."),
        ("--cpt-law", "cpt_law", "D-CPT law coefficients from pilot runs: E=..,A=..,alpha=..,B=..,beta=..[,ratio=..]."),
        ("--base-tokens", "base_tokens", "The base model's pre-training tokens (default: the model catalog, e.g. 15T for Llama 3.1)."),
        ("--replay", "replay", "Share of the trained tokens that is general (replay) data, on top of --tokens: trained = tokens/(1-replay)."),
        ("--schedule", "schedule", "CPT learning-rate schedule: rewarm-decay (default), wsd or constant."),
        ("--domain", "domain", "Domain of the CPT data: specialist (default), finance, law, medicine, code, math, new-language, general."),
        ("--domain-loss", "domain_loss", "The base model's measured loss on your domain (nats/token): sets the domain's distance."),
        ("--serve", "serve", "Generated tokens per month to serve after training (adds the serving cost)."),
        ("--months", "months", "Months of serving (default 12)."),
        ("--serve-gpu", "serve_gpu", "Accelerator for serving (default: the training one)."),
        ("--serve-price", "serve_price", "USD per GPU-hour for serving."),
        ("--year", "year", "Project the compute cost to this year (price-performance trend)."),
        ("--samples", "samples", "Monte Carlo samples for the ranges (default 10,000)."),
        ("--seed", "seed", "Monte Carlo seed (default 0)."),
    ]
    f = bill_options(f)
    for flag, dest, help_ in reversed(opts):
        f = click.option(flag, dest, help=help_)(f)
    return f


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@scenario_options
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
@click.option("--assumptions", "show_assumptions", is_flag=True, help="Also list every default assumed, with its source.")
@click.option("--csv", "csv_table", type=click.Choice(["bill", "ranges", "assumptions"]),
              help="Print one table as CSV: the bill, the P10/P50/P90 ranges or the assumptions.")
def estimate(scenario, as_json, brief, show_assumptions, csv_table, **flags) -> None:
    """Estimate FLOPs, time and cost of a training run (flags override the SCENARIO file)."""
    from traincost.files import read_scenario_file
    from traincost.pipeline import estimate as run_estimate

    data = read_scenario_file(scenario) if scenario else {}
    compare_keys = [k for k in COMPARE_FILE_KEYS if data.pop(k, None) is not None]
    if compare_keys:  # a comparison file: estimate its base scenario, and say how to compare
        click.echo(f"note: {scenario} also has {', '.join(compare_keys)}: this is the estimate of its base scenario; "
                   f"compare the candidates with: traincost compare {scenario}", err=True)
    result = run_estimate(data, **{k: v for k, v in flags.items() if v is not None})
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif csv_table:
        from traincost.present.exports import estimate_csv

        click.echo(estimate_csv(result, csv_table), nl=False)
    else:
        from traincost.present.terminal import print_estimate

        print_estimate(result, _console(), brief=brief, assumptions=show_assumptions)


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("--models", help="Candidate models, comma-separated (e.g. llama-3.1-8b,llama-3.1-70b).")
@click.option("--gpus-list", "gpus_list", help="Candidate cluster sizes, comma-separated.")
@click.option("--hardware", help="Candidate accelerators, comma-separated.")
@click.option("--providers", help="Candidate cloud providers, comma-separated.")
@click.option("--deadline", help="Find the smallest cluster (whole nodes) that finishes within it, e.g. 30d.")
@click.option("--budget", help="Find the most tokens each candidate buys within it, e.g. 500k.")
@click.option("--partners", help="Split each bill among partners, e.g. A:0.5,B:0.3,C:0.2.")
@click.option("--target-loss", "target_loss", help="Find the cheapest (model, domain tokens) reaching this domain loss (P50).")
@scenario_options
@click.option("--csv", "as_csv", is_flag=True, help="Print the comparison as CSV.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write charts to this .png or .svg file.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
def compare(scenario, models, gpus_list, hardware, providers, deadline, budget, partners, target_loss, as_csv, plot,
            as_json, brief, **flags) -> None:
    """Compare candidate runs side by side: cost, days, energy, CO2, expected loss; the Pareto front."""
    from traincost.decide.compare import (
        _split,
        check_modes,
        expand,
        parse_budget,
        parse_deadline,
        parse_partners,
        parse_target_loss,
        run_compare,
        to_csv,
    )
    from traincost.files import read_scenario_file

    if plot:
        _check_output_path(plot, "plot", (".png", ".svg"))
    data = read_scenario_file(scenario) if scenario else {}
    file_candidates = data.pop("candidates", None)
    deadline, budget, partners = (flag if flag is not None else data.pop(k, None)
                                  for k, flag in (("deadline", deadline), ("budget", budget), ("partners", partners)))
    for k in ("deadline", "budget", "partners"):
        data.pop(k, None)  # a flag overrides the file
    check_modes(deadline, budget)
    for value, parse in ((deadline, parse_deadline), (budget, parse_budget), (partners, parse_partners),
                         (target_loss, parse_target_loss)):
        if value is not None:
            parse(str(value))  # bad input fails before any work
    base = {**data, **{k: v for k, v in flags.items() if v is not None}}
    cands = expand(base, _split(models), _split(gpus_list), _split(hardware), _split(providers), file_candidates)
    from rich.progress import Progress

    with Progress(console=_console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("estimating candidates", total=len(cands))
        result = run_compare(base, cands, deadline, budget, partners,
                             progress=lambda i, n: bar.update(task, completed=i), target_loss=target_loss)
    if plot:
        from traincost.present.plots import compare_plots

        compare_plots(result, base, plot)
    if as_json:
        click.echo(json.dumps(result, indent=2, default=float))
    elif as_csv:
        click.echo(to_csv(result), nl=False)
    else:
        from traincost.present.terminal import print_compare

        print_compare(result, _console(), brief=brief)
        if plot:
            click.echo(f"wrote {plot}")


@cli.command("fit-cpt")
@click.argument("pilots", type=click.Path(dir_okay=False))
@click.option("--base-tokens", "base_tokens", help="Pre-training tokens of the pilots' base models (or a base_tokens column).")
@click.option("--domain", default="specialist", show_default=True, help="Domain whose defaults the fit starts from.")
@click.option("--schedule", default="rewarm-decay", show_default=True, help="The pilots' learning-rate schedule.")
@click.option("-o", "--output", "output", default="cpt-fit.yaml", show_default=True, help="Scenario file to write.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON.")
def fit_cpt(pilots, base_tokens, domain, schedule, output, force, as_json) -> None:
    """Fit the CPT law on pilot runs (CSV: params, domain_tokens, replay, domain_loss, general_loss
    [, base_tokens]) and write the coefficients, with P10-P90 intervals, and the pilots to a scenario."""
    from traincost.pipeline import run_fit_cpt

    result = run_fit_cpt(pilots, base_tokens, domain, schedule, output, force)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        from traincost.present.cpt_terminal import print_cpt_fit

        print_cpt_fit(result, _console())


@cli.command()
@options(PLAN_OPTIONS)
@click.option("--top", default="5", show_default=True, help="How many layouts to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
@click.option("--csv", "as_csv", is_flag=True, help="Print the layouts (memory and step-time breakdowns) as CSV.")
def plan(as_json, top, brief, as_csv, **flags) -> None:
    """Find the fastest parallel layout that fits in memory (or evaluate the one you give)."""
    from traincost.pipeline import run_plan

    result = run_plan({k: v for k, v in flags.items() if v is not None}, top=top)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    elif as_csv:
        from traincost.present.exports import plan_rows, to_csv

        click.echo(to_csv(plan_rows(result)), nl=False)
    else:
        from traincost.present.terminal import print_plan

        print_plan(result, _console(), brief=brief)
    if not result.fits:  # the output says why and what would fit; the exit code is 2 in both modes
        raise InputError("gpus", result.why_not or "no layout fits")


@cli.command()
@options(AUDIT_OPTIONS)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@BRIEF
def audit(as_json, brief, **flags) -> None:
    """Check a published or proposed claim: the FLOP/s and MFU it implies, and a verdict."""
    from traincost.pipeline import run_audit

    result = run_audit({k: v for k, v in flags.items() if v is not None})
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2))
    else:
        from traincost.present.terminal import print_audit

        print_audit(result, _console(), brief=brief)


@cli.command()
@click.option("--runs", is_flag=True, help="Published training runs (GPU-hours, days) with P10/P50/P90.")
@click.option("--throughput", is_flag=True, help="Throughput measurements (Megatron-LM, llm-foundry, Korthikanti et al.).")
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

    print_validation(out, _console(), brief=brief)
    if "held_out" in out and not brief:
        from traincost.present.heldout import print_heldout

        print_heldout(out, _console())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the catalog as JSON.")
def models(as_json) -> None:
    """List the built-in model catalog with parameter counts."""
    from traincost import catalog

    rows = []
    for m in catalog.models().values():
        a = m.arch
        rows.append(dict(id=m.id, name=m.display_name, model_type=a.model_type, params=a.params,
                         active_params=a.active_params, non_embedding_params=a.non_embedding_params,
                         layers=a.num_layers, pretraining_tokens=m.pretraining_tokens, source=m.source))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from traincost.present.terminal import print_models

    print_models(rows, _console())


@cli.command()
@click.option("--gpu", help="Only this accelerator.")
@click.option("--provider", help="Only this provider.")
@click.option("--gpus", help="With --gpu: price a run on this many accelerators at every provider and tier (default 512).")
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

    print_prices(rows, _console(), brief=brief)
    if offers and not brief:
        from traincost.present.terminal import print_offers

        print_offers(offers, _console())


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

    print_hardware(accs, _console())


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option("--example", type=click.Choice(["estimate", "compare"]), default="estimate", show_default=True,
              help="estimate: one scenario; compare: a base scenario with a documented candidates: list.")
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


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", default="report.html", show_default=True,
              help="report.html (one self-contained file) or report.md (charts as SVG files beside it).")
@scenario_options
def report(scenario, output, **flags) -> None:
    """Write a report of a scenario (and its candidates) to attach to a budget request."""
    from traincost.present.documents import write_report

    _check_output_path(output, "output", (".html", ".md"))
    path = write_report(scenario, output, {k: v for k, v in flags.items() if v is not None})
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default="8000", show_default=True, help="Port to listen on.")
def serve(host, port) -> None:
    """Run the web calculator and its JSON API (OpenAPI at /openapi.json)."""
    try:
        port_n = int(port)
        if not 0 < port_n < 65536:
            raise ValueError
    except ValueError:
        raise InputError("port", f"must be a TCP port from 1 to 65535 (got {port!r})") from None
    _check_listen(host, port_n)
    try:
        import uvicorn

        from traincost.present.web.app import create_app
    except ImportError:
        raise InputError("serve", "the web calculator needs its extra: pip install 'traincost[web]'") from None
    click.echo(f"traincost web calculator on http://{host}:{port_n}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(create_app(), host=host, port=port_n, log_level="warning")


def _check_listen(host: str, port: int) -> None:
    """The address can be listened on, checked before the server starts (a clear line, exit 2)."""
    import socket

    try:
        family, kind, _, _, addr = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as e:
        raise InputError("host", f"cannot resolve {host!r} ({getattr(e, 'strerror', None) or e})") from None
    with socket.socket(family, kind) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise InputError("port", f"cannot listen on {host}:{port} ({e.strerror or e})") from None


def _check_output_path(path: str, field: str, suffixes: tuple[str, ...]) -> None:
    """An output file's name and folder are checked before any work is done."""
    from pathlib import Path

    if not path.lower().endswith(suffixes):
        raise InputError(field, f"must end in {' or '.join(suffixes)} (got {path!r})")
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError(field, f"the folder '{folder}' does not exist (got {path!r})")


def _probe_command():
    from traincost.probe.command import probe  # click only; torch is imported when the command runs

    return probe


cli.add_command(_probe_command(), name="probe")


def _fail(msg: str, code: int = 2) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="traincost", standalone_mode=False)
    except InputError as e:
        _fail(str(e))
    except click.UsageError as e:
        _fail(e.format_message().replace("\n", " "))
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # noqa: BLE001 - a bug, reported in one line; set TRAINCOST_DEBUG=1 for the traceback
        if os.environ.get("TRAINCOST_DEBUG"):
            raise
        _fail(f"internal error ({type(e).__name__}: {e}); please report it (TRAINCOST_DEBUG=1 shows the traceback)", 1)


if __name__ == "__main__":
    main()
