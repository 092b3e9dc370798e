"""Timing kernels with PyTorch on the local device: GEMMs, attention, memory-bound kernels, launch
overhead and one transformer block. Imported only by `traincost probe` (needs torch)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from traincost.probe.fit import spread

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
TIMED_REPS = 15  # timing: samples per measurement (median, p10 and p90 need a dozen or more)
MIN_CALL_S = 1e-7  # timing: floor of a call's estimated duration (avoids dividing by zero)
SAMPLE_S_ACCELERATOR = 1e-3  # timing: a sample lasts at least ~1 ms on an accelerator (launch cost hidden)
SAMPLE_S_CPU = 2e-4  # timing: shorter samples on CPU, where there is no launch cost to hide
FP8_CAPABILITY = (8, 9)  # NVIDIA compute capability with FP8 tensor cores (Ada/Hopper and later)
MIN_SAMPLES = 3  # timing: samples taken even past the time budget
NORM_WIDTH = 4096  # memory kernels: RMSNorm row width (the hidden size of an 8B-class model)
ADAMW_LR = 1e-4  # memory kernels: any learning rate; the step's memory traffic does not depend on it
ADAMW_BYTES_PER_PARAM = 7 * 4  # memory kernels: AdamW reads p, g, m, v and writes p, m, v (7 fp32 arrays)
LAUNCH_BURST = 100  # launch overhead: tiny kernels issued back to back per call


@dataclass
class Device:
    kind: str  # "cuda" (NVIDIA), "rocm" (AMD through torch.cuda) or "cpu"
    torch_device: torch.device

    def sync(self) -> None:
        if self.kind != "cpu":
            torch.cuda.synchronize(self.torch_device)


def local_device(local_rank: int = 0) -> Device:
    if torch.cuda.is_available():
        torch.cuda.set_device(local_rank)
        return Device("rocm" if torch.version.hip else "cuda", torch.device("cuda", local_rank))
    return Device("cpu", torch.device("cpu"))


def time_it(
    fn: Callable[[], object], dev: Device, max_s: float, warmup: int = 2, reps: int = TIMED_REPS
) -> dict:
    """Run `fn` once (first call), `warmup` more times, then up to `reps` timed samples within `max_s`
    seconds. Short kernels are repeated inside a sample (at least ~1 ms on an accelerator) so that the
    launch and synchronisation do not dominate. Returns the per-call spread (median, p10, p90)."""
    t0 = time.perf_counter()
    fn()
    dev.sync()
    first = time.perf_counter() - t0
    for _ in range(warmup if first < max_s / 4 else 0):
        fn()
    dev.sync()
    est = max((time.perf_counter() - t0) / (1 + (warmup if first < max_s / 4 else 0)), MIN_CALL_S)
    inner = max(1, int(SAMPLE_S_ACCELERATOR / est)) if dev.kind != "cpu" else max(1, int(SAMPLE_S_CPU / est))
    samples: list[float] = []
    start = time.perf_counter()
    while len(samples) < reps and (len(samples) < MIN_SAMPLES or time.perf_counter() - start < max_s):
        s = time.perf_counter()
        for _ in range(inner):
            fn()
        dev.sync()
        samples.append((time.perf_counter() - s) / inner)
        if time.perf_counter() - start > max_s and samples:
            break
    return spread(samples)


def gemm_dtypes(dev: Device) -> list[str]:
    """Training precisions worth measuring here: bf16 (fp16 where there is no bf16) and fp8 on
    accelerators; fp32 and bf16 on CPU."""
    if dev.kind == "cpu":
        return ["bf16", "fp32"]
    out = ["bf16"] if torch.cuda.is_bf16_supported() else ["fp16"]
    if (
        hasattr(torch, "_scaled_mm")
        and hasattr(torch, "float8_e4m3fn")
        and (dev.kind == "rocm" or torch.cuda.get_device_capability(dev.torch_device) >= FP8_CAPABILITY)
    ):
        out.append("fp8")
    return out


def gemm(m: int, k: int, n: int, dtype: str, dev: Device, max_s: float) -> dict:
    """C = A.B for A (m x k), B (k x n); fp8 through torch._scaled_mm (per-tensor scales, bf16 output)."""
    d = dev.torch_device
    if dtype == "fp8":
        f8 = (
            torch.float8_e4m3fnuz
            if dev.kind == "rocm" and hasattr(torch, "float8_e4m3fnuz")
            else torch.float8_e4m3fn
        )
        a = torch.randn(m, k, device=d).to(f8)
        b = torch.randn(n, k, device=d).to(f8).t()  # column-major, as _scaled_mm requires
        one = torch.ones((), device=d)
        return time_it(
            lambda: torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16), dev, max_s
        )
    a = torch.randn(m, k, device=d, dtype=DTYPES[dtype])
    b = torch.randn(k, n, device=d, dtype=DTYPES[dtype])
    return time_it(lambda: torch.mm(a, b), dev, max_s)


def _qkv(b: int, hq: int, hkv: int, s: int, dh: int, dtype, dev: Device):
    d = dev.torch_device
    q = torch.randn(b, hq, s, dh, device=d, dtype=dtype, requires_grad=True)
    k = torch.randn(b, hkv, s, dh, device=d, dtype=dtype, requires_grad=True)
    v = torch.randn(b, hkv, s, dh, device=d, dtype=dtype, requires_grad=True)
    return q, k, v


def sdpa(q, k, v):
    """Causal scaled-dot-product attention with grouped KV heads."""
    if q.shape[1] != k.shape[1]:
        try:
            return F.scaled_dot_product_attention(q, k, v, is_causal=True, enable_gqa=True)
        except TypeError:  # torch < 2.5
            r = q.shape[1] // k.shape[1]
            k, v = k.repeat_interleave(r, 1), v.repeat_interleave(r, 1)
    return F.scaled_dot_product_attention(q, k, v, is_causal=True)


def attention_impls() -> dict[str, Callable]:
    """PyTorch SDPA, and FlashAttention when the flash_attn package is installed."""
    out: dict[str, Callable] = {"sdpa": sdpa}
    try:
        from flash_attn import flash_attn_func  # type: ignore[import-not-found]

        out["flash_attn"] = lambda q, k, v: flash_attn_func(
            q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), causal=True
        ).transpose(1, 2)
    except Exception:  # noqa: BLE001 - not installed or not built for this device
        pass
    return out


@dataclass(frozen=True)
class AttnShape:
    """One attention problem: batch, query heads, key/value heads, sequence, head dim, precision."""

    b: int
    hq: int
    hkv: int
    s: int
    dh: int
    dtype: str


def attention(impl: Callable, shape: AttnShape, dev: Device, max_s: float) -> dict[str, dict]:
    """Forward, and forward + backward, of causal attention; the backward is their difference."""
    sh = shape
    q, k, v = _qkv(sh.b, sh.hq, sh.hkv, sh.s, sh.dh, DTYPES[sh.dtype], dev)
    grad = torch.randn_like(q)

    def fwd():
        with torch.no_grad():
            impl(q, k, v)

    def fwd_bwd():
        q.grad = k.grad = v.grad = None
        impl(q, k, v).backward(grad)

    f = time_it(fwd, dev, max_s / 2)
    fb = time_it(fwd_bwd, dev, max_s / 2)
    bwd = {key: max(fb[key] - f["median_s"], 1e-9) for key in ("median_s", "p10_s", "p90_s")}
    return {"fwd": f, "bwd": {**bwd, "runs": fb["runs"]}}


def memory_kernels(numel: int, dev: Device, max_s: float) -> dict[str, tuple[float, dict]]:
    """Memory-bound kernels with their ideal traffic in bytes: a copy, RMSNorm, the SwiGLU activation
    (16-bit) and an AdamW step (fp32 parameter, gradient and two moments)."""
    d = dev.torch_device
    half = torch.bfloat16 if dev.kind == "cpu" or torch.cuda.is_bf16_supported() else torch.float16
    x = torch.randn(numel, device=d, dtype=half)
    y = torch.empty_like(x)
    rows = max(1, numel // NORM_WIDTH)
    xn = x[: rows * NORM_WIDTH].view(rows, NORM_WIDTH)
    w = torch.ones(NORM_WIDTH, device=d, dtype=half)
    g, u = x[: numel // 2], x[numel // 2 : 2 * (numel // 2)]
    p = torch.zeros(numel // 4, device=d, requires_grad=True)
    p.grad = torch.randn_like(p)
    fused = {"fused": True} if dev.kind != "cpu" else {"foreach": True}
    try:
        opt = torch.optim.AdamW([p], lr=ADAMW_LR, **fused)
    except (RuntimeError, TypeError):
        opt = torch.optim.AdamW([p], lr=ADAMW_LR)
    e = x.element_size()
    return {
        "copy": (2 * numel * e, time_it(lambda: y.copy_(x), dev, max_s / 4)),
        "rmsnorm": (
            2 * rows * NORM_WIDTH * e,
            time_it(lambda: F.rms_norm(xn, (NORM_WIDTH,), w), dev, max_s / 4),
        ),
        "swiglu": (3 * (numel // 2) * e, time_it(lambda: F.silu(g) * u, dev, max_s / 4)),
        "adamw": (ADAMW_BYTES_PER_PARAM * (numel // 4), time_it(opt.step, dev, max_s / 4)),
    }


def launch_overhead(dev: Device, max_s: float) -> dict:
    """Per-kernel cost of a tiny element-wise kernel issued back to back (launch + scheduling)."""
    x = torch.zeros(1, device=dev.torch_device)

    def burst():
        for _ in range(LAUNCH_BURST):
            x.add_(1.0)

    r = time_it(burst, dev, max_s)
    return {k: (v / LAUNCH_BURST if k != "runs" else v) for k, v in r.items()}
