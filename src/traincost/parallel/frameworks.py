"""Training frameworks as an input: a profile (``data/frameworks.yaml``) gives the bytes each parameter
occupies, what overlaps, the attention kernel and which layout options the planner may search."""

from __future__ import annotations

from dataclasses import dataclass, replace

from traincost.errors import InputError
from traincost.parallel.memory import Overhead
from traincost.parallel.perf import OPTIMIZERS, Training


@dataclass(frozen=True)
class Options:
    """Layout options a framework offers to the planner."""

    zero: tuple[int, ...] = (0, 1, 3)
    tp: bool = True
    pp: bool = True
    cp: bool = True
    ep: bool = True
    interleave: bool = True
    uneven_stages: bool = True


def names() -> list[str]:
    from traincost import catalog

    return sorted(catalog.frameworks()["frameworks"])


def resolve(name: str | None) -> tuple[str, dict]:
    """Framework id and profile for a name or alias; the catalog default when None."""
    from traincost import catalog

    tab = catalog.frameworks()
    key = (name or tab["default"]).strip().lower()
    for fid, prof in tab["frameworks"].items():
        if key == fid or key in (prof.get("aliases") or []):
            return fid, prof
    raise InputError(
        "framework", f"unknown framework '{name}'; accepted: {', '.join(sorted(tab['frameworks']))}"
    )


def overhead() -> Overhead:
    from traincost import catalog

    ov = catalog.kernels_table()["memory_overhead"]
    return Overhead(**{k: float(ov[k]) for k in Overhead.__dataclass_fields__})


def training(name: str | None = None, optimizer: str = "adamw", **overrides) -> Training:
    """Training settings of a framework for an optimizer (bytes of optimizer state from perf.OPTIMIZERS,
    which count the fp32 master copy; a framework whose stored weights are the master copy keeps the rest)."""
    fid, p = resolve(name)
    opt = OPTIMIZERS[optimizer]
    opt_bytes = opt - 4.0 if p.get("master_in_weights") else opt
    t = Training(
        weight_bytes=float(p["weight_bytes"]),
        grad_bytes=float(p["grad_bytes"]),
        optimizer_bytes=opt_bytes,
        grad_reduce_bytes=float(p["grad_reduce_bytes"]),
        gathered_bytes=float(p["gathered_bytes"]),
        attention_kernel=str(p["attention"]),
        sequence_parallel=bool(p["sequence_parallel"]),
        tp_comm_overlap=bool(p["tp_comm_overlap"]),
        dp_overlap=bool(p["dp_overlap"]),
        grad_sync_after_flush=bool(p["grad_sync_after_flush"]),
        overhead=overhead(),
        framework=fid,
        master_in_weights=bool(p.get("master_in_weights")),
    )
    return replace(t, **overrides) if overrides else t


def options(name: str | None) -> Options:
    fid, p = resolve(name)
    return Options(
        zero=tuple(int(z) for z in p["zero"]),
        tp=bool(p["tp"]),
        pp=bool(p["pp"]),
        cp=bool(p["cp"]),
        ep=bool(p["ep"]),
        interleave=bool(p["interleave"]),
        uneven_stages=bool(p["uneven_stages"]),
    )
