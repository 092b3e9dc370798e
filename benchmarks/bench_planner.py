"""Planner speed: layouts evaluated per second (one core) and the latency of a full search.

    python benchmarks/bench_planner.py

Targets (issue #3): over 1,000,000 layouts/s on one core; a full search for llama-3.1-70b on
1,024 H100s well under a second. For reference, Calculon evaluates ~130 layouts/s per core and
llm-analysis ~3,000 (shared/reference/anchors.md).
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from traincost import catalog  # noqa: E402
from traincost.parallel.efficiency import efficiency_for  # noqa: E402
from traincost.parallel.perf import Layouts  # noqa: E402
from traincost.parallel.plan import Problem, enumerate_layouts, evaluate_layouts, search  # noqa: E402


def problem(model: str, gpu: str, n: int, seq: int = 4096, batch_tokens: int = 4 * 1024 * 1024) -> Problem:
    arch = catalog.models()[model].arch
    acc = catalog.resolve_accelerator(gpu)
    return Problem(arch, acc, n, seq, batch_tokens // seq, efficiency_for(acc))


def bench_eval_rate(prob: Problem, target: int = 1_000_000, repeats: int = 5) -> float:
    base = enumerate_layouts(prob)
    reps = max(1, target // len(base))
    big = Layouts(**{k: np.tile(getattr(base, k), reps) for k in base.__dataclass_fields__})
    evaluate_layouts(prob, big.take(slice(0, 1000)))  # warm up
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        evaluate_layouts(prob, big)
        times.append(time.perf_counter() - t0)
    return len(big) / statistics.median(times), len(big)


def bench_search(prob: Problem, repeats: int = 10) -> tuple[float, int]:
    search(prob)
    times, n = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = search(prob)
        times.append(time.perf_counter() - t0)
        n = r.evaluated
    return statistics.median(times), n


def main() -> None:
    for model, gpu, n in (
        ("llama-3.1-70b", "h100-sxm", 1024),
        ("llama-3.1-8b", "h100-sxm", 64),
        ("mixtral-8x22b", "h100-sxm", 512),
        ("llama-3.1-405b", "h100-sxm", 16384),
    ):
        prob = problem(model, gpu, n)
        rate, size = bench_eval_rate(prob)
        lat, evaluated = bench_search(prob)
        print(
            f"{model:16s} {n:6d} x {gpu}: evaluate {rate / 1e6:5.2f} M layouts/s (batch of {size:,}); "
            f"full search {lat * 1000:6.1f} ms over {evaluated:,} layouts"
        )


if __name__ == "__main__":
    main()
