"""The CLI's option tables: scenario fields, bill assumptions, plan and audit flags (one name everywhere:
a flag's destination is the schema field of the same name)."""

from __future__ import annotations

import click

COMPARE_FILE_KEYS = ("candidates", "deadline", "budget", "partners")  # scenario-file keys only `compare` uses
# --precision: the training precision and its recipe (data/precision.yaml)
PRECISION_HELP = (
    "bf16 (default), fp16, fp8 (= fp8-delayed), fp8-tensorwise (= fp8-current), fp8-blockwise, "
    "mxfp8, nvfp4 or mxfp4 (the last three on Blackwell)."
)

BRIEF = click.option("--brief", is_flag=True, help="Print only the answer (one paragraph).")


def options(specs):
    """A decorator adding `(flag, help)` options; the destination is the flag's name with underscores."""

    def deco(f):
        for flag, help_ in reversed(specs):
            f = click.option(flag, flag[2:].replace("-", "_"), help=help_)(f)
        return f

    return deco


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
    (
        "--carbon-convention",
        "full (default: accelerators, hosts, network, PUE) or model-card (GPU TDP x PUE only).",
    ),
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
    (
        "--budget-percentile",
        "Budget at this percentile of the cost (e.g. 80); --deadline/--budget solve at it (default 50).",
    ),
]


def bill_options(f):
    f = options(BILL_OPTIONS)(f)
    f = click.option(
        "--hf-hub",
        "hf_hub",
        is_flag=True,
        default=None,
        help="Look --model up on the Hugging Face Hub (e.g. meta-llama/Llama-3.1-8B): the only network access.",
    )(f)
    f = click.option(
        "--compare-ownership",
        "compare_ownership",
        is_flag=True,
        default=None,
        help="Show cloud and owned hardware side by side.",
    )(f)
    f = click.option(
        "--no-programme",
        "no_programme",
        is_flag=True,
        default=None,
        help="Leave out pilots, evaluation, data preparation, bring-up, idle days, support and egress.",
    )(f)
    f = click.option(
        "--on-prem",
        "on_prem",
        is_flag=True,
        default=None,
        help="Price owned hardware (TCO) instead of cloud rental.",
    )(f)
    return f


PLAN_OPTIONS = [
    ("--model", "Catalog name or path to a config.json (default: llama-3.1-70b)."),
    ("--gpu", "Accelerator id (default: h100-sxm)."),
    ("--gpus", "Number of accelerators (default: 512)."),
    ("--global-batch", "Global batch in sequences."),
    ("--global-batch-tokens", "Global batch in tokens (e.g. 4M)."),
    ("--seq-len", "Sequence length in tokens (default 4096)."),
    ("--precision", PRECISION_HELP),
    ("--optimizer", "adamw (default), adamw8bit, sgd, lion, adafactor."),
    (
        "--framework",
        "megatron-core (default; also NeMo), megatron-deepspeed, deepspeed or fsdp (torchtitan).",
    ),
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
    ("--precision", PRECISION_HELP),
    ("--gpu-hours", "Claimed accelerator-hours."),
    ("--days", "Claimed wall-clock days (with --gpus)."),
    ("--gpus", "Accelerators the claim assumes."),
    (
        "--cost",
        "Claimed cost in USD: next to --gpu-hours or --days it implies a price; alone, it buys hours at --price.",
    ),
    (
        "--price",
        "USD per GPU-hour the claim assumes (default: traincost's default price, stated in the output).",
    ),
]


SCENARIO_OPTIONS = [  # (flag, Scenario field, help) of the scenario fields as flags
    ("--model", "model", "Catalog name (see `traincost models`) or path to a Hugging Face config.json."),
    ("--tokens", "tokens", "Training tokens: 1T, 500B, 1.5e12, 2,000,000,000."),
    ("--seq-len", "seq_len", "Sequence length in tokens (default 4096)."),
    ("--gpu", "gpu", "Accelerator id (see `traincost hardware`)."),
    ("--gpus", "gpus", "Number of accelerators."),
    ("--mfu", "mfu", "Model FLOPs utilization in (0, 1]; default: predicted by the layout planner."),
    ("--price", "price", "USD per GPU-hour; default: the catalog's dated price."),
    ("--precision", "precision", PRECISION_HELP),
    ("--global-batch", "global_batch", "Global batch in sequences (for the layout planner)."),
    ("--global-batch-tokens", "global_batch_tokens", "Global batch in tokens, e.g. 4M."),
    ("--optimizer", "optimizer", "adamw (default), adamw8bit, sgd, lion, adafactor."),
    (
        "--framework",
        "framework",
        "megatron-core (default; also NeMo), megatron-deepspeed, deepspeed or fsdp.",
    ),
    ("--hardware-file", "hardware_file", "Your own accelerators, in the shape of data/hardware.yaml."),
    (
        "--realization",
        "realization",
        "Share of the best layout's throughput a real run achieves (default: fitted).",
    ),
    ("--kind", "kind", "continued-pretraining (default for catalog models) or from-scratch."),
    (
        "--cpt-law",
        "cpt_law",
        "D-CPT law coefficients from pilot runs: E=..,A=..,alpha=..,B=..,beta=..[,ratio=..].",
    ),
    (
        "--base-tokens",
        "base_tokens",
        "The base model's pre-training tokens (default: the model catalog, e.g. 15T for Llama 3.1).",
    ),
    (
        "--replay",
        "replay",
        "Share of the trained tokens that is general (replay) data, on top of --tokens: trained = tokens/(1-replay).",
    ),
    ("--schedule", "schedule", "CPT learning-rate schedule: rewarm-decay (default), wsd or constant."),
    (
        "--domain",
        "domain",
        "Domain of the CPT data: specialist (default), finance, law, medicine, code, math, new-language, general.",
    ),
    (
        "--domain-loss",
        "domain_loss",
        "The base model's measured loss on your domain (nats/token): sets the domain's distance.",
    ),
    ("--serve", "serve", "Generated tokens per month to serve after training (adds the serving cost)."),
    ("--months", "months", "Months of serving (default 12)."),
    ("--serve-gpu", "serve_gpu", "Accelerator for serving (default: the training one)."),
    ("--serve-price", "serve_price", "USD per GPU-hour for serving."),
    ("--year", "year", "Project the compute cost to this year (price-performance trend)."),
    ("--samples", "samples", "Monte Carlo samples for the ranges (default 10,000)."),
    ("--seed", "seed", "Monte Carlo seed (default 0)."),
]


def scenario_options(f):
    """The scenario fields as flags (the same names as in scenario files and the API)."""
    f = bill_options(f)
    for flag, dest, help_ in reversed(SCENARIO_OPTIONS):
        f = click.option(flag, dest, help=help_)(f)
    return f
