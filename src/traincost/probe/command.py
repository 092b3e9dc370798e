"""The `traincost probe` click command. torch is imported only when it runs."""

from __future__ import annotations

import dataclasses
import os
import sys
import time

import click

from traincost.errors import InputError

MIN_SEQ_LEN = 128  # input limit: the probe's attention and GEMM shapes need at least 128 tokens
CPU_PROCS = 2  # on CPU the collectives run between two local processes (the --procs default there)
YAML_WIDTH = 110  # presentation: line width of the written hardware file (the project's line length)


def _ints(text: str, field: str) -> list[int]:
    try:
        out = [int(x) for x in str(text).split(",") if x.strip()]
    except ValueError:
        out = []
    if not out or min(out) < 1:
        raise InputError(field, f"must be positive whole numbers, comma-separated (got {text!r})")
    return out


def _round(x):
    """Plain YAML-safe values, floats to 6 significant digits."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, str):
        return str(x)  # e.g. torch's TorchVersion
    if isinstance(x, int):
        return int(x)
    if hasattr(x, "item") and not isinstance(x, dict | list | tuple):
        x = x.item()
    if isinstance(x, float):
        return float(f"{x:.6g}")
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_round(v) for v in x]
    return x


@click.command()
@click.option(
    "--model",
    default="llama-3.1-8b",
    show_default=True,
    help="Model whose shapes to measure (catalog id or config.json).",
)
@click.option("--seq-len", "seq_len", type=int, help="Sequence length (default: the catalog default, 4096).")
@click.option("--micro-batches", default="1,2", show_default=True, help="Micro-batch sizes, comma-separated.")
@click.option(
    "--tp",
    "tp",
    default="1,2,4,8",
    show_default=True,
    help="Candidate tensor-parallel sizes, comma-separated.",
)
@click.option(
    "--block-tp",
    "block_tp",
    type=int,
    help="TP size of the end-to-end block check (default: 1 on GPUs, the largest --tp on CPU).",
)
@click.option("--budget", default="5m", show_default=True, help="Total time to spend, e.g. 30s, 1m, 5m.")
@click.option(
    "--procs", type=int, help="Local processes for the collectives (default: the GPUs here, 2 on CPU)."
)
@click.option(
    "-o", "--output", "output", default="probe.yaml", show_default=True, help="Hardware file to write."
)
@click.option(
    "--report", "report_path", type=click.Path(dir_okay=False), help="Also write the report (markdown) here."
)
@click.option("--id", "acc_id", help="Accelerator id in the file (default: probed-<device name>).")
@click.option(
    "--base",
    help="Catalog accelerator whose datasheet the file keeps (default: matched from the device name).",
)
def probe(**options) -> None:
    """Measure this machine (GEMM, attention, memory, collectives, one block) and write a hardware file."""
    _probe(ProbeArgs(**options), time.time())


@dataclasses.dataclass(frozen=True)
class ProbeArgs:
    """The `traincost probe` options, as given on the command line."""

    model: str
    seq_len: int | None
    micro_batches: str
    tp: str
    block_tp: int | None
    budget: str
    procs: int | None
    output: str
    report_path: str | None
    acc_id: str | None
    base: str | None


def _check(a: ProbeArgs, arch, seq: int, tps: list[int]) -> None:
    """Reject a sequence, TP size or process count the probe cannot run, naming the option."""
    if seq < MIN_SEQ_LEN:
        raise InputError("seq_len", f"must be at least {MIN_SEQ_LEN} tokens (got {seq})")
    heads = arch.attention.num_heads
    for field, vals in (("tp", tps), ("block_tp", [a.block_tp] if a.block_tp else [])):
        bad = [t for t in vals if heads % t]
        if bad:
            raise InputError(field, f"{bad[0]} does not divide {arch.name}'s {heads} attention heads")
    if a.procs is not None and a.procs < 1:
        raise InputError("procs", f"must be at least 1 (got {a.procs})")


def _probe(a: ProbeArgs, t0: float) -> None:
    from traincost import catalog
    from traincost.probe.fit import parse_duration

    budget_s = parse_duration(a.budget)
    arch, entry = catalog.resolve_model(a.model)
    seq = a.seq_len or int(catalog.defaults()["scenario"]["seq_len"]["value"])
    try:
        base_acc = catalog.resolve_accelerator(a.base) if a.base else None
    except InputError as e:
        raise InputError("base", e.message) from None
    mbs, tps = _ints(a.micro_batches, "micro_batches"), _ints(a.tp, "tp")
    _check(a, arch, seq, tps)
    try:
        import torch
    except ImportError:
        raise InputError("probe", "needs PyTorch: pip install 'traincost[probe]'") from None
    from traincost.probe import measure, run
    from traincost.probe.shapes import tp_sizes

    rank, local_rank = int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0"))
    dev = measure.local_device(local_rank)
    if int(os.environ.get("WORLD_SIZE", "1")) > 1:  # under torchrun: every rank probes, rank 0 writes
        import warnings

        import torch.distributed as dist

        warnings.filterwarnings(
            "ignore", category=FutureWarning
        )  # one-line output: torch's deprecation notes

        dist.init_process_group("gloo" if dev.kind == "cpu" else "nccl")
    n_local = torch.cuda.device_count() if dev.kind != "cpu" else CPU_PROCS
    procs = a.procs
    if procs and dev.kind != "cpu" and procs > n_local:
        raise InputError("procs", f"{procs} processes need {procs} GPUs; this machine has {n_local}")
    opts = run.Options(
        arch=arch,
        seq_len=seq,
        micro_batches=mbs,
        tps=tp_sizes(arch, tps),
        block_tp=tp_sizes(arch, [a.block_tp or (1 if dev.kind != "cpu" else max(tps))])[0],
        budget_s=budget_s,
        procs=procs if procs is not None else n_local,
        t0=t0,
    )
    raw = run.probe(opts, dev, log=lambda s: click.echo(s, err=True) if rank == 0 else None)
    if rank != 0:
        return
    text = write(raw, arch, opts, a.output, a.acc_id, base_acc, entry.id if entry else arch.name)
    click.echo(text)
    if a.report_path:
        with open(a.report_path, "w", encoding="utf-8") as f:
            f.write(text)
    click.echo(f"wrote {a.output}" + (f" and {a.report_path}" if a.report_path else ""), err=True)


def write(raw: dict, arch, opts, output: str, acc_id: str | None, base_acc, model_id: str) -> str:
    """Build the hardware file from the raw results, predict the block, write the YAML; returns the report."""
    import yaml

    from traincost import catalog
    from traincost.hardware.accelerator import accelerator_from_dict
    from traincost.parallel.efficiency import efficiency_for
    from traincost.probe import output as out
    from traincost.probe.predict import block_seconds

    measured = out.measured_section(raw)
    name = measured["provenance"]["device"]
    if base_acc is None and raw["provenance"]["backend"] != "cpu":
        base_acc = out.match_catalog(name, catalog.accelerators())
        if base_acc is None:
            measured["not_measured"].append(f"datasheet: no catalog entry matches '{name}' (pass --base)")
    aid = (acc_id or f"probed-{out.slug(name)}").lower()
    entry = out.hardware_entry(aid, base_acc, measured, name, max(opts.procs, 1))
    acc = accelerator_from_dict(_round(entry), origin=output)
    eff = efficiency_for(acc)
    base_eff = (
        efficiency_for(base_acc) if base_acc else efficiency_for(dataclasses.replace(acc, measured=None))
    )
    b = measured.get("block")
    if b:
        dt = acc.training_dtype("bf16")
        b["predicted_s"] = block_seconds(arch, acc, eff, b["tp"], b["micro_batch"], b["seq_len"], dt)
        ref = base_acc or dataclasses.replace(acc, measured=None)
        b["catalog_predicted_s"] = block_seconds(
            arch, ref, base_eff, b["tp"], b["micro_batch"], b["seq_len"], dt
        )
    text = out.report(measured, acc, eff, base_acc, base_eff, b)
    doc = {"accelerators": [_round(entry)]}
    header = (
        f"# Written by `traincost probe --model {model_id}` on {name}, {measured['provenance']['date']}.\n"
        f"# Use: traincost plan --hardware-file {os.path.basename(output)} --gpu {aid} ...\n"
    )
    with open(output, "w", encoding="utf-8") as f:
        f.write(header + yaml.safe_dump(doc, sort_keys=False, width=YAML_WIDTH))
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(probe())
