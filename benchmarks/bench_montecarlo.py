"""Monte Carlo speed: 10,000 joint samples of every uncertain input of a full bill.

    python benchmarks/bench_montecarlo.py

Target (issue #5): 10,000 samples in well under a second.
"""

from __future__ import annotations

import statistics
import time

import traincost
from traincost import catalog
from traincost.money import costing


def main() -> None:
    r = traincost.estimate()
    acc = catalog.resolve_accelerator("h100-sxm")
    arch = catalog.models()["llama-3.1-70b"].arch
    sc = traincost.Scenario()
    P, ctx = costing.resolve(
        sc,
        acc,
        512,
        arch.params,
        arch.vocab_size,
        1e12,
        r.time.failure_free_days,
        6.88,
        "bench",
        "us-east-1",
        False,
        solve_range=(r.time.failure_free_days * 0.7, r.time.failure_free_days * 1.4),
    )
    for n in (10_000, 100_000):
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            costing.ranges(P, ctx, n=n, seed=0)
            times.append(time.perf_counter() - t0)
        print(f"{n:7,d} samples: {statistics.median(times) * 1000:7.1f} ms")
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        traincost.estimate()
        times.append(time.perf_counter() - t0)
    print(
        f"whole estimate (planner search + bill + 10,000-sample ranges): {statistics.median(times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
