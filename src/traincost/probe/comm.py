"""Collectives with torch.distributed across the sizes the layouts use: inside one node and, under
torchrun across nodes, between nodes. Nothing else goes over the network. Needs torch."""

from __future__ import annotations

import json
import os
import time
import warnings
from datetime import timedelta

import torch
import torch.distributed as dist

from traincost.probe.fit import COLLECTIVES, bus_bandwidth, spread, tier_groups
from traincost.probe.measure import Device, local_device

MIN_ESTIMATE_S = 1e-7  # algorithm setting: a first timing below 0.1 us is clock noise; floor it
MIN_BUDGET_S = 0.05  # algorithm setting: each collective size gets at least 50 ms past the deadline
INIT_TIMEOUT_S = 120  # algorithm setting: spawned ranks that have not met within two minutes give up


def _op(op: str, size: int, group, ranks: list[int], me: int, dev: Device):
    """A closure running one collective of `size` bytes (bf16 elements; fp32 on gloo) in `group`."""
    n = len(ranks)
    dtype = torch.float32 if dev.kind == "cpu" else torch.bfloat16
    numel = max(n, size // torch.tensor([], dtype=dtype).element_size() // n * n)
    d = dev.torch_device
    buf = torch.ones(numel, dtype=dtype, device=d)
    if op == "all_reduce":
        return lambda: dist.all_reduce(buf, group=group)
    if op == "all_gather":
        part = buf[: numel // n]
        return lambda: dist.all_gather_into_tensor(buf, part, group=group)
    if op == "reduce_scatter":
        out = torch.empty(numel // n, dtype=dtype, device=d)
        return lambda: dist.reduce_scatter_tensor(out, buf, group=group)
    if op == "all_to_all":
        out = torch.empty_like(buf)
        return lambda: dist.all_to_all_single(out, buf, group=group)
    # send/recv between the first two ranks of the group; the others idle
    pos = ranks.index(me)
    if pos == 0:
        return lambda: dist.send(buf, ranks[1], group=group)
    if pos == 1:
        return lambda: dist.recv(buf, ranks[0], group=group)
    return lambda: None


def _agree(flag: bool, dev: Device) -> bool:
    """True on every rank if any rank says True (a budget stop must be collective)."""
    t = torch.tensor([1.0 if flag else 0.0], device=dev.torch_device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def _agreed_max(values: list[float], dev: Device) -> list[float]:
    """Element-wise maximum over all ranks."""
    t = torch.tensor(
        values, dtype=torch.float64 if dev.kind == "cpu" else torch.float32, device=dev.torch_device
    )
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return [float(x) for x in t.tolist()]


def time_collective(fn, dev: Device, max_s: float, reps: int = 8) -> dict:
    """Like measure.time_it, but every rank makes the same number of calls (a collective deadlocks
    otherwise): the per-call estimate (max over ranks) and the time allowed (min over ranks) are agreed
    before the counts are derived from them."""
    fn()
    dev.sync()
    dist.barrier()
    t = time.perf_counter()
    fn()
    dev.sync()
    # every count below must be the same on every rank: derived from agreed values only
    est, neg_max_s = _agreed_max([time.perf_counter() - t, -max_s], dev)
    est, max_s = max(est, MIN_ESTIMATE_S), -neg_max_s
    n = int(min(reps, max(3, max_s / est)))
    inner = max(1, int(1e-3 / est)) if dev.kind != "cpu" else 1
    samples = []
    for _ in range(n):
        s = time.perf_counter()
        for _ in range(inner):
            fn()
        dev.sync()
        samples.append((time.perf_counter() - s) / inner)
    return spread(samples)


def measure_tier(tier: str, groups, sizes: list[int], deadline: float, dev: Device) -> dict:
    """Every op at every size (in the order given) inside this rank's group of the tier, until the deadline."""
    me = dist.get_rank()
    mine = next((g, r) for g, r in groups if me in r)
    group, ranks = mine
    n = len(ranks)
    out: dict[str, list] = {op: [] for op in COLLECTIVES}
    stopped = False
    for i, size in enumerate(sizes):
        for op in COLLECTIVES:
            # the smallest and largest sizes are always measured (a latency and a bandwidth to fit)
            if _agree(i >= 2 and time.time() > deadline, dev):
                stopped = True
                break
            left = max(deadline - time.time(), MIN_BUDGET_S)
            r = time_collective(_op(op, size, group, ranks, me, dev), dev, min(left, 2.0))
            dist.barrier()
            n_bytes = size // n * n if op != "send_recv" else size
            out[op].append(
                {
                    "bytes": n_bytes,
                    **r,
                    "bus_gbs": bus_bandwidth(op, n_bytes, n if op != "send_recv" else 2, r["median_s"]) / 1e9,
                }
            )
        if stopped:
            break
    return {"ranks": n, "ops": out, "complete": not stopped}


def run_collectives(sizes: list[int], deadline: float, local_world: int, dev: Device) -> dict:
    """Both tiers; the inter-node tier only when the ranks span more than one node."""
    world = dist.get_world_size()
    intra, inter = tier_groups(world, local_world)
    res = {"backend": dist.get_backend(), "world": world, "per_node": local_world}
    g_intra = [(dist.new_group(r), r) for r in intra]
    g_inter = [(dist.new_group(r), r) for r in inter]
    if local_world > 1:
        res["scale_up"] = measure_tier(
            "scale_up",
            g_intra,
            sizes,
            deadline if not inter else time.time() + (deadline - time.time()) / 2,
            dev,
        )
    if inter:
        res["scale_out"] = measure_tier("scale_out", g_inter, sizes, deadline, dev)
    return res


def worker(rank: int, world: int, port: int, sizes: list[int], deadline: float, out_path: str) -> None:
    """Entry point of a process spawned by `traincost probe --procs N` (one node, no torchrun)."""
    warnings.filterwarnings("ignore")
    dev = local_device(rank)
    backend = "gloo" if dev.kind == "cpu" else "nccl"
    dist.init_process_group(
        backend,
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world,
        timeout=timedelta(seconds=INIT_TIMEOUT_S),
    )
    try:
        res = run_collectives(sizes, deadline, world, dev)
        if rank == 0:
            with open(out_path, "w", encoding="utf-8") as f:
                json.dump(res, f)
    finally:
        dist.destroy_process_group()


def spawn(procs: int, sizes: list[int], deadline: float, out_path: str) -> dict:
    """Run the collectives in `procs` local processes (gloo on CPU, NCCL/RCCL on GPUs)."""
    import socket

    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    mp.spawn(worker, args=(procs, port, sizes, deadline, out_path), nprocs=procs, join=True)
    with open(out_path, encoding="utf-8") as f:
        return json.load(f)
