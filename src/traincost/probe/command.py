"""The `traincost probe` click command. torch is imported only when it runs."""

from __future__ import annotations

import dataclasses
import os
import sys
import time

import click

from traincost.errors import InputError


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
    "--tp", "tp", default="1,2,4,8", show_default=True, help="Candidate tensor-parallel sizes, comma-separated."
)
@click.option("--block-tp", "block_tp", type=int,
              help="TP size of the end-to-end block check (default: 1 on GPUs, the largest --tp on CPU).")
@click.option("--budget", default="5m", show_default=True, help="Total time to spend, e.g. 30s, 1m, 5m.")
@click.option("--procs", type=int, help="Local processes for the collectives (default: the GPUs here, 2 on CPU).")
@click.option("-o", "--output", "output", default="probe.yaml", show_default=True, help="Hardware file to write.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the report (markdown) here.")
@click.option("--id", "acc_id", help="Accelerator id in the file (default: probed-<device name>).")
@click.option(
    "--base", help="Catalog accelerator whose datasheet the file keeps (default: matched from the device name)."
)
def probe(model, seq_len, micro_batches, tp, block_tp, budget, procs, output, report_path, acc_id, base) -> None:
    """Measure this machine (GEMM, attention, memory, collectives, one block) and write a hardware file."""
    t0 = time.time()
    from traincost import catalog
    from traincost.probe.fit import parse_duration

    budget_s = parse_duration(budget)
    arch, entry = catalog.resolve_model(model)
    seq = seq_len or int(catalog.defaults()["scenario"]["seq_len"]["value"])
    if seq < 128:
        raise InputError("seq_len", f"must be at least 128 tokens (got {seq})")
    try:
        base_acc = catalog.resolve_accelerator(base) if base else None
    except InputError as e:
        raise InputError("base", e.message) from None
    mbs, tps = _ints(micro_batches, "micro_batches"), _ints(tp, "tp")
    heads = arch.attention.num_heads
    for field, vals in (("tp", tps), ("block_tp", [block_tp] if block_tp else [])):
        bad = [t for t in vals if heads % t]
        if bad:
            raise InputError(field, f"{bad[0]} does not divide {arch.name}'s {heads} attention heads")
    if procs is not None and procs < 1:
        raise InputError("procs", f"must be at least 1 (got {procs})")
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

        warnings.filterwarnings("ignore", category=FutureWarning)  # one-line output: torch's deprecation notes

        dist.init_process_group("gloo" if dev.kind == "cpu" else "nccl")
    n_local = torch.cuda.device_count() if dev.kind != "cpu" else 2
    if procs and dev.kind != "cpu" and procs > n_local:
        raise InputError("procs", f"{procs} processes need {procs} GPUs; this machine has {n_local}")
    opts = run.Options(arch=arch, seq_len=seq, micro_batches=mbs, tps=tp_sizes(arch, tps),
                       block_tp=tp_sizes(arch, [block_tp or (1 if dev.kind != "cpu" else max(tps))])[0],
                       budget_s=budget_s, procs=procs if procs is not None else n_local, t0=t0)
    raw = run.probe(opts, dev, log=lambda s: click.echo(s, err=True) if rank == 0 else None)
    if rank != 0:
        return
    text = write(raw, arch, opts, output, acc_id, base_acc, entry.id if entry else arch.name)
    click.echo(text)
    if report_path:
        with open(report_path, "w", encoding="utf-8") as f:
            f.write(text)
    click.echo(f"wrote {output}" + (f" and {report_path}" if report_path else ""), err=True)


def write(raw: dict, arch, opts, output: str, acc_id: str | None, base_acc, model_id: str) -> str:
    """Build the hardware file from the raw results, predict the block, write the YAML; returns the report."""
    import yaml

    from traincost import catalog
    from traincost.hardware.accelerator import accelerator_from_dict
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
    eff = catalog.efficiency(acc)
    base_eff = catalog.efficiency(base_acc) if base_acc else catalog.efficiency(dataclasses.replace(acc, measured=None))
    b = measured.get("block")
    if b:
        dt = acc.training_dtype("bf16")
        b["predicted_s"] = block_seconds(arch, acc, eff, b["tp"], b["micro_batch"], b["seq_len"], dt)
        ref = base_acc or dataclasses.replace(acc, measured=None)
        b["catalog_predicted_s"] = block_seconds(arch, ref, base_eff, b["tp"], b["micro_batch"], b["seq_len"], dt)
    text = out.report(measured, acc, eff, base_acc, base_eff, b)
    doc = {"accelerators": [_round(entry)]}
    header = (
        f"# Written by `traincost probe --model {model_id}` on {name}, {measured['provenance']['date']}.\n"
        f"# Use: traincost plan --hardware-file {os.path.basename(output)} --gpu {aid} ...\n"
    )
    with open(output, "w", encoding="utf-8") as f:
        f.write(header + yaml.safe_dump(doc, sort_keys=False, width=110))
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(probe())
