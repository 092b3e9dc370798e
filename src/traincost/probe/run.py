"""`traincost probe`: the measurement schedule under a time budget. Needs torch (imported by the caller
only when the command runs). Phases run in a fixed order, each until its share of the budget (counted
from the command's start) is spent; what a phase could not finish is listed in `truncated`."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field

import torch

from traincost.model.arch import ArchSpec
from traincost.probe import block as blk
from traincost.probe import measure as ms
from traincost.probe.fit import log_sizes, spread_order
from traincost.probe.shapes import message_sizes, model_gemms, tp_sizes

# cumulative share of the budget at which each phase must end
PHASES = {
    "overhead": 0.02,
    "memory": 0.08,
    "gemm": 0.33,
    "attention": 0.43,
    "block": 0.58,
    "collectives": 0.95,
}

# Algorithm settings of the probe's time budget (they decide how long each measurement runs, not its result)
MIN_MEASURE_S = 0.05  # algorithm setting: the shortest budget one measurement gets (s)
STOP_BELOW_S = 0.02  # algorithm setting: no further GEMM shape starts with less than 20 ms of its share left
FIRST_DTYPE_SHARE = 0.6  # algorithm setting: the first (training) precision gets 60% of the GEMM phase
CALIBRATION_GEMM = (256, 1024, 1024)  # algorithm setting: M, K, N of the first GEMM (fast everywhere)
MIN_SLICES = 6  # algorithm setting: a GEMM shape gets at most 1/6 of the phase
REPEAT_FACTOR = 5  # algorithm setting: a GEMM measurement takes ~5x one GEMM (warm-up and repeats)
MIN_GEMM_ROWS = 64  # algorithm setting: a GEMM's token count (M) is not shrunk below 64
ERROR_CHARS = 80  # presentation: an error message is cut to 80 characters in `not_measured`
SEQ_START = 128  # algorithm setting: attention and the block are always measured at sequence 128
GROW_FACTOR = (
    6  # algorithm setting: a longer sequence is tried if 6x its estimated time fits (warm-up, repeats)
)
TINY_ATTENTION_S = 0.2  # algorithm setting: budget of the sequence-128 attention measurement (s)
TINY_BLOCK_S = 0.3  # algorithm setting: least budget of the sequence-128 block measurement (s)
MIN_BLOCK_S = 0.1  # algorithm setting: least budget of the longer block measurement (s)
MIN_MEMORY_S = 0.2  # algorithm setting: least budget of the memory-bound kernels (s)
MEMORY_NUMEL_GPU = 256 * 2**20  # algorithm setting: 256 Mi elements, far beyond any GPU cache
MEMORY_NUMEL_CPU = 8 * 2**20  # algorithm setting: 8 Mi elements, beyond a CPU's last-level cache, quick
SMALLEST_MESSAGE = 32 * 1024  # algorithm setting: collectives from 32 KiB (latency-bound)
LARGEST_MESSAGE_GPU = 1 << 30  # algorithm setting: to 1 GiB on GPUs (bandwidth-bound)
LARGEST_MESSAGE_CPU = 1 << 24  # algorithm setting: to 16 MiB on CPUs (gloo is slow)
MAX_SIZES_GPU = 12  # algorithm setting: message sizes measured on GPUs (8 on CPUs)


@dataclass
class Options:
    arch: ArchSpec
    seq_len: int
    micro_batches: list[int]
    tps: list[int]
    block_tp: int
    budget_s: float
    procs: int
    t0: float = field(default_factory=time.time)

    def end(self, phase: str) -> float:
        return self.t0 + PHASES[phase] * self.budget_s

    def left(self, phase: str) -> float:
        return self.end(phase) - time.time()


def provenance(dev: ms.Device, opts: Options) -> dict:
    """Where every number comes from; no host name, no user name."""
    p = {
        "tool": "traincost probe",
        "date": _dt.date.today().isoformat(),
        "backend": dev.kind,
        "torch": torch.__version__,
        "model": opts.arch.name,
        "seq_len": opts.seq_len,
        "budget_s": opts.budget_s,
    }
    if dev.kind == "cpu":
        p["device"] = _cpu_model()
        p["cpu_threads"] = torch.get_num_threads()
        p["comm"] = "gloo"
        with contextlib.suppress(ValueError, OSError, AttributeError):
            p["memory_gb"] = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9
    else:
        props = torch.cuda.get_device_properties(dev.torch_device)
        p["device"] = torch.cuda.get_device_name(dev.torch_device)
        p["memory_gb"] = props.total_memory / 1e9
        p["runtime"] = f"HIP {torch.version.hip}" if torch.version.hip else f"CUDA {torch.version.cuda}"
        p["multiprocessors"] = props.multi_processor_count
        driver = _nvidia_driver() if not torch.version.hip else None
        if driver:
            p["driver"] = driver
        try:
            v = torch.cuda.nccl.version()
            p["comm"] = ("RCCL " if torch.version.hip else "NCCL ") + ".".join(
                map(str, v if isinstance(v, tuple) else (v,))
            )
        except Exception:  # noqa: BLE001 - no NCCL in this build
            p["comm"] = "unknown"
    return p


def _nvidia_driver() -> str | None:
    """The NVIDIA driver version from the local nvidia-smi, if there is one (no network)."""
    import shutil
    import subprocess

    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = (
            subprocess.run(
                [exe, "--query-gpu=driver_version", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=10,
            )
            .stdout.strip()
            .splitlines()
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out[0].strip() if out else None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return "CPU " + line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "CPU " + (platform.processor() or platform.machine())


def _shrink(size: int, est_s: float, cap_s: float, floor: int) -> int:
    """Halve a size (tokens, sequence) until the estimated time fits the cap (time ∝ size)."""
    while size > floor and est_s > cap_s:
        size, est_s = size // 2, est_s / 2
    return max(size, floor)


def _gemm_point(what: str, m: int, k: int, n: int, r: dict, m_model: int | None = None) -> dict:
    fl = 2.0 * m * k * n
    return {
        "what": what,
        "m": m,
        "k": k,
        "n": n,
        "gflop": fl / 1e9,
        **r,
        "tflops": fl / r["median_s"] / 1e12,
        **({"m_model": m_model} if m_model and m_model != m else {}),
    }


def run_gemms(opts: Options, dev: ms.Device, raw: dict) -> None:
    """The model's GEMM shapes in each precision, widest spread of sizes first. A calibration GEMM and
    one model shape per precision are always measured; the rest until the phase's share is spent."""
    dtypes = ms.gemm_dtypes(dev)
    shapes = spread_order(
        model_gemms(opts.arch, opts.tps, opts.micro_batches, opts.seq_len), key=lambda g: g.flops
    )
    span = opts.end("gemm") - time.time()
    raw["gemm"] = {}
    for i, dt in enumerate(dtypes):
        share = FIRST_DTYPE_SHARE if i == 0 and len(dtypes) > 1 else 1.0 / (len(dtypes) - i)
        stop = time.time() + (opts.end("gemm") - time.time()) * share
        try:
            cal = ms.gemm(*CALIBRATION_GEMM, dt, dev, MIN_MEASURE_S)
        except Exception as e:  # noqa: BLE001 - the precision is not supported here
            raw["not_measured"].append(f"GEMM {dt}: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
            continue
        pts = [_gemm_point("calibration", *CALIBRATION_GEMM, cal)]
        rate = pts[0]["tflops"] * 1e12
        for j, g in enumerate(shapes):
            left = stop - time.time()
            if left <= STOP_BELOW_S and j >= 1:
                break
            cap = max(MIN_MEASURE_S, min(left, span / max(MIN_SLICES, len(shapes))))
            m = _shrink(g.m, g.flops / rate * REPEAT_FACTOR, cap, MIN_GEMM_ROWS)
            try:
                pts.append(_gemm_point(g.what, m, g.k, g.n, ms.gemm(m, g.k, g.n, dt, dev, cap), g.m))
            except RuntimeError as e:  # e.g. fp8 GEMMs need dimensions divisible by 16
                raw["not_measured"].append(
                    f"GEMM {dt} {g.what} ({m}x{g.k}x{g.n}): {str(e).splitlines()[0][:ERROR_CHARS]}"
                )
                continue
            rate = max(rate * 0.5, pts[-1]["tflops"] * 1e12)
        raw["gemm"][dt] = pts
        if len(pts) - 1 < len(shapes):
            raw["truncated"].append(
                f"GEMM {dt}: {len(pts) - 1} of {len(shapes)} shapes measured within the budget"
            )
        if any("m_model" in p for p in pts):
            raw["truncated"].append(f"GEMM {dt}: token count (M) reduced on some shapes to fit the budget")


def _grow(seq_len: int, t128: float, power: int, left: float) -> int:
    """The longest sequence (128 x 2^k, or the full one) whose estimated time (t128 x (s/128)^power,
    x6 for warm-up and repeats) fits in `left` seconds."""
    s = SEQ_START
    while s * 2 <= seq_len and t128 * (s * 2 / SEQ_START) ** power * GROW_FACTOR < left:
        s *= 2
    if s < seq_len and t128 * (seq_len / SEQ_START) ** power * GROW_FACTOR < left:
        s = seq_len
    return s


def run_attention(opts: Options, dev: ms.Device, raw: dict) -> None:
    """Causal attention at the block's per-GPU heads, every implementation installed; sequence 128 is
    always measured, longer ones (up to --seq-len) as the budget allows."""
    a = opts.arch.attention
    hq, hkv = a.num_heads // opts.block_tp, max(1, a.num_kv_heads // opts.block_tp)
    dt = "bf16" if dev.kind == "cpu" or torch.cuda.is_bf16_supported() else "fp16"
    best, every = None, {}
    for name, impl in ms.attention_impls().items():
        tiny = ms.attention(impl, ms.AttnShape(1, hq, hkv, SEQ_START, a.head_dim, dt), dev, TINY_ATTENTION_S)
        left = opts.left("attention")
        s = _grow(opts.seq_len, tiny["fwd"]["median_s"] + tiny["bwd"]["median_s"], 2, left)
        r = (
            tiny
            if s == SEQ_START
            else ms.attention(
                impl, ms.AttnShape(1, hq, hkv, s, a.head_dim, dt), dev, max(MIN_MEASURE_S, left / 2)
            )
        )
        row = {
            "impl": name,
            "dtype": dt,
            "batch": 1,
            "heads": hq,
            "kv_heads": hkv,
            "head_dim": a.head_dim,
            "v_head_dim": a.v_head_dim,
            "seq_len": s,
            **r,
        }
        every[name] = {
            "seq_len": s,
            "fwd_ms": r["fwd"]["median_s"] * 1e3,
            "bwd_ms": r["bwd"]["median_s"] * 1e3,
        }
        if s < opts.seq_len:
            raw["truncated"].append(
                f"attention {name}: sequence {s} instead of {opts.seq_len} to fit the budget"
            )
        total = r["fwd"]["median_s"] + r["bwd"]["median_s"]
        if (
            best is None
            or total / s**2 < (best["fwd"]["median_s"] + best["bwd"]["median_s"]) / best["seq_len"] ** 2
        ):
            best = row
    if best:
        raw["attention"] = {**best, "all": every}


def run_memory(opts: Options, dev: ms.Device, raw: dict) -> None:
    numel = MEMORY_NUMEL_GPU if dev.kind != "cpu" else MEMORY_NUMEL_CPU
    raw["memory"] = ms.memory_kernels(numel, dev, max(MIN_MEMORY_S, opts.left("memory")))


def run_block(opts: Options, dev: ms.Device, raw: dict) -> None:
    arch = opts.arch
    if arch.moe is not None:
        raw["not_measured"].append("block: the end-to-end check covers dense blocks; this model is MoE")
        return
    dt = "bf16" if dev.kind == "cpu" or torch.cuda.is_bf16_supported() else "fp16"
    attn = ms.attention_impls().get((raw.get("attention") or {}).get("impl", "sdpa"), ms.sdpa)
    tiny = blk.block_time(
        arch, opts.block_tp, 1, SEQ_START, dt, dev, max(TINY_BLOCK_S, opts.left("block") / 3), attn
    )  # always
    s = _grow(opts.seq_len, tiny["median_s"], 1, opts.left("block"))  # GEMM-dominated: time ~ s
    r = (
        tiny
        if s == SEQ_START
        else blk.block_time(
            arch, opts.block_tp, 1, s, dt, dev, max(MIN_BLOCK_S, opts.left("block") / 2), attn
        )
    )
    raw["block"] = {
        "tp": opts.block_tp,
        "micro_batch": 1,
        "seq_len": s,
        "dtype": dt,
        "measured": r,
        "attention": (raw.get("attention") or {}).get("impl", "sdpa"),
    }
    if s < opts.seq_len:
        raw["truncated"].append(f"block: sequence {s} instead of {opts.seq_len} to fit the budget")


def run_collectives(opts: Options, dev: ms.Device, raw: dict) -> None:
    from traincost.probe import comm

    hi = LARGEST_MESSAGE_GPU if dev.kind != "cpu" else LARGEST_MESSAGE_CPU
    sizes = spread_order(
        log_sizes(
            SMALLEST_MESSAGE, hi, 4, message_sizes(opts.arch, opts.tps, opts.micro_batches, opts.seq_len)
        ),
        key=lambda x: x,
    )
    sizes = sizes[
        : 8 if dev.kind == "cpu" else MAX_SIZES_GPU
    ]  # smallest, largest, then between: any prefix spans the range
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world > 1:  # under torchrun: this process is one rank
        raw["collectives"] = comm.run_collectives(
            sizes, opts.end("collectives"), int(os.environ.get("LOCAL_WORLD_SIZE", world)), dev
        )
    elif opts.procs > 1:
        if dev.kind != "cpu":
            torch.cuda.empty_cache()  # the spawned ranks need the memory this process cached
        with tempfile.TemporaryDirectory() as d:
            raw["collectives"] = comm.spawn(
                opts.procs, sizes, opts.end("collectives"), os.path.join(d, "c.json")
            )
    else:
        raw["not_measured"].append("collectives: one process only (use --procs N or torchrun); catalog kept")
        return
    c = raw["collectives"]
    if "scale_out" not in c:
        raw["not_measured"].append(
            "scale-out (inter-node) tier: run on one node; the catalog's numbers are kept "
            "(launch with torchrun on two nodes to measure it)"
        )
    for tier in ("scale_up", "scale_out"):
        if tier in c and not c[tier]["complete"]:
            raw["truncated"].append(f"collectives {tier}: stopped at the budget before the largest sizes")


def probe(opts: Options, dev: ms.Device, log=lambda s: None) -> dict:
    """Every phase in order; returns the raw results (see output.measured_section)."""
    raw: dict = {"provenance": provenance(dev, opts), "not_measured": [], "truncated": []}
    if dev.kind == "cpu":
        raw["not_measured"].append("GEMM fp8/fp16: not a CPU training precision here")
    steps = [
        (
            "overhead",
            lambda: raw.__setitem__(
                "kernel_overhead_s",
                ms.launch_overhead(dev, max(MIN_MEASURE_S, opts.left("overhead")))["median_s"],
            ),
        ),
        ("memory", lambda: run_memory(opts, dev, raw)),
        ("gemm", lambda: run_gemms(opts, dev, raw)),
        ("attention", lambda: run_attention(opts, dev, raw)),
        ("block", lambda: run_block(opts, dev, raw)),
        ("collectives", lambda: run_collectives(opts, dev, raw)),
    ]
    for name, fn in steps:
        log(
            f"probe: {name} at {time.time() - opts.t0:.0f}s ({max(opts.end(name) - time.time(), 0):.0f}s left for it)"
        )
        fn()
    raw["provenance"]["elapsed_s"] = round(time.time() - opts.t0, 1)
    return raw


__all__ = ["Options", "probe", "tp_sizes"]
