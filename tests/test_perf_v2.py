"""Performance model v2: sub-models against their own micro-benchmarks, held-out accuracy, one memory model,
pipeline schedules with uneven stages, framework profiles."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from traincost import catalog
from traincost.parallel import comm, frameworks, schedule
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.kernels import attention_tflops, kernels_from_table
from traincost.parallel.perf import Layouts
from traincost.parallel.plan import Problem, enumerate_layouts, evaluate_layouts, search
from traincost.trust import heldout


def tc(*args):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=300
    )


# ------------------------------------------------------------------ sub-models against their sources

# Azure/AI-benchmarking-guide@8fd0c6e, cuBLASLt GEMM TFLOP/s (shared/reference/microbench.md 1.2)
AZURE = {
    "a100-80gb": (
        "fp16",
        {
            (1024, 2145, 1024): 132.8,
            (2048,) * 3: 221.8,
            (4096,) * 3: 228.0,
            (8192,) * 3: 253.7,
            (16384,) * 3: 256.5,
            (6144, 12288, 12288): 250.8,
        },
    ),
    "h100-sxm": (
        "fp8",
        {
            (1024, 2145, 1024): 410.7,
            (2048,) * 3: 1011.3,
            (4096,) * 3: 1216.9,
            (8192,) * 3: 1290.1,
            (16384,) * 3: 1377.3,
            (32768,) * 3: 1382.2,
            (6144, 12288, 12288): 1351.4,
        },
    ),
}


@pytest.mark.parametrize("gpu", sorted(AZURE))
def test_gemm_submodel_reproduces_the_azure_shape_table(gpu):
    """GEMM time F/(peak * MAMF fraction) + ramp against a second, independent GEMM benchmark (Azure's
    cuBLASLt sweep): within 14% on every compute-bound shape (the memory-bound 802816x192x768 is left out)."""
    acc = catalog.resolve_accelerator(gpu)
    k = kernels_from_table(catalog.kernels_table(), acc.generation)
    dtype, table = AZURE[gpu]
    peak = acc.peak_flops(dtype)
    for (m, n, kk), measured in table.items():
        f = 2.0 * m * n * kk
        pred = f / (f / (peak * k.gemm_fraction(dtype)) + k.gemm_ramp_us * 1e-6) / 1e12
        assert abs(pred / measured - 1) < 0.14, (m, n, kk, pred, measured)


def test_attention_submodel_reads_the_flashattention_charts():
    """FA2 on H100, d128 causal, seq 4096: 294 TFLOP/s (flash2_h100_fwd_bwd_benchmark.png); between tabulated
    sequence lengths and head dims it interpolates (log2 seq, linear head dim)."""
    k = kernels_from_table(catalog.kernels_table(), "hopper")
    assert attention_tflops(k, "fa2", 128, 4096, True) == pytest.approx(294)
    assert attention_tflops(k, "fa2", 128, 2896, True) == pytest.approx((265 + 294) / 2, rel=0.01)
    assert attention_tflops(k, "fa2", 96, 4096, True) == pytest.approx((257 + 294) / 2)
    a = kernels_from_table(catalog.kernels_table(), "ampere")
    assert attention_tflops(a, "fa2", 64, 16384, False) == 176
    assert attention_tflops(a, "cudnn", 64, 16384, False) == 176  # no cuDNN table on Ampere: FA2


def test_flashattention1_table_reads_the_fa1_bars_of_the_fa2_charts():
    """The FA2 paper's charts also plot FlashAttention-1: A100 d64 non-causal 91 (seq 512) to 110 TFLOP/s (16k),
    H100 d128 non-causal 127 to 139 (microbench.md section 3.1). The `fa1` tables (the older kernel llm-foundry's
    benchmark tables ran) meet those bars at both ends."""
    a = kernels_from_table(catalog.kernels_table(), "ampere")
    h = kernels_from_table(catalog.kernels_table(), "hopper")
    assert attention_tflops(a, "fa1", 64, 512, False) == 91
    assert attention_tflops(a, "fa1", 64, 16384, False) == 110
    assert attention_tflops(h, "fa1", 128, 512, False) == 127
    assert attention_tflops(h, "fa1", 128, 16384, False) == 139


@pytest.mark.parametrize("kind, measured", [("all_gather", 361.4), ("reduce_scatter", 362.9)])
def test_collective_submodel_matches_nccl_tests_on_8_h200(kind, measured):
    """8 x H200, 16 GiB, nccl-tests busbw (ml-engineering network/README.md): all-gather 361.4, reduce-scatter
    362.9 GB/s. The model's bus bandwidth at that size, within 3%."""
    acc = catalog.resolve_accelerator("h200")
    eff = efficiency_for(acc)
    bw, lat = comm.tier(np.array([8.0]), 1.0, acc, eff)
    size = 16 * 2**30
    secs = float(comm.collective(size, 8, bw, lat, kind)[0])
    busbw = size * 7 / 8 / secs / 1e9
    assert busbw == pytest.approx(measured, rel=0.03)


def test_hardware_file_overrides_a_submodel(tmp_path):
    """The `traincost probe` interface: an accelerator's `kernels:` mapping replaces the measured constants."""
    import traincost

    f = tmp_path / "hw.yaml"
    f.write_text("""accelerators:
  - id: slow-h100
    generation: hopper
    peak_tflops: {bf16: 989.4}
    memory_gb: 80
    memory_bw_tbps: 3.35
    node_size: 8
    scale_up_size: 8
    scale_up_bw_gbs: 450
    scale_out_bw_gbs: 50
    kernels: {gemm: {bf16: 0.5}, hbm: 0.6}
""")
    mine = traincost.estimate(hardware_file=str(f), gpu="slow-h100", price=2)
    stock = traincost.estimate(gpu="h100-sxm", price=2)
    assert mine.throughput.mfu < 0.8 * stock.throughput.mfu
    bad = tmp_path / "bad.yaml"
    bad.write_text(f.read_text().replace("hbm: 0.6", "hbm_typo: 0.6"))
    with pytest.raises(traincost.InputError, match="kernels"):
        traincost.estimate(hardware_file=str(bad), gpu="slow-h100", price=2)


# ------------------------------------------------------------------ accuracy out of sample


@pytest.fixture(scope="module")
def held_out_report():
    return heldout.report()


def test_held_out_errors(held_out_report):
    """Leave-one-source-out median |error| of tokens/s/GPU (data/heldout.yaml, regenerated by
    scripts/calibrate.py). These are the real figures, not the issue's targets (<=10% per generation, no
    source > 20%), which are not all met: see docs/performance.md."""
    h = held_out_report["held_out"]
    g = h["by_generation"]
    # the targets: <= 10% per generation, no source worse than 20%
    assert all(v["median_abs_error"] <= 0.10 for v in g.values()), {
        k: v["median_abs_error"] for k, v in g.items()
    }
    assert h["worst_source_median_abs_error"] <= 0.20
    assert all(s["median_abs_error"] <= 0.20 for v in g.values() for s in v["by_source"].values())
    # the figures themselves (docs/performance.md section 6)
    assert g["ampere"]["median_abs_error"] == pytest.approx(0.054, abs=0.01)
    assert g["hopper"]["median_abs_error"] == pytest.approx(0.073, abs=0.01)
    assert g["blackwell"]["median_abs_error"] == pytest.approx(0.079, abs=0.01)  # Hopper constants, blind
    assert g["blackwell"]["rows"] >= 21
    assert h["median_abs_error"] == pytest.approx(0.062, abs=0.01)
    for src, limit in (
        ("korthikanti2022", 0.07),
        ("narayanan2021", 0.05),
        ("nemo-24.07-h100", 0.05),
        ("tinyllama", 0.07),
        ("nemo-automodel-h100", 0.07),
        ("megatron-core-h100", 0.13),
        ("megatron-bridge", 0.10),
        ("llm-foundry", 0.07),
    ):
        assert h["by_source"][src]["median_abs_error"] < limit, src
    # held out is worse than in sample, as it must be
    assert h["median_abs_error"] > held_out_report["in_sample"]["median_abs_error"]


def test_every_measured_row_fits_in_memory(held_out_report):
    """Every measured run really ran: the memory model must not call any of them out of memory."""
    assert held_out_report["false_oom"] == 0
    assert len(held_out_report["rows"]) >= 240


def test_loso_file_matches_a_fresh_deterministic_refit():
    """data/heldout.yaml is what scripts/calibrate.py computes: refit Hopper without llm-foundry (the 18 rows of
    the four other Hopper sources) and get the same constants, bit for bit, twice."""
    from traincost.trust.validation import throughput_rows

    rows = [
        r
        for r in throughput_rows()
        if r["source"] != "llm-foundry" and catalog.resolve_accelerator(r["hardware"]).generation == "hopper"
    ]
    stored = catalog.heldout_fits()
    prepared = heldout.prepare(rows)
    a, _ = heldout.fit(prepared, stored["iters"])
    b, _ = heldout.fit(prepared, stored["iters"])
    assert a == b
    assert a == stored["generations"]["hopper"]["llm-foundry"]["constants"]


def test_at_most_four_fitted_constants_per_generation():
    tab = catalog.efficiency_table()["generations"]
    for gen, row in tab.items():
        fitted = [k for k in heldout.FITTED if k in row]
        assert 1 <= len(fitted) <= 4, gen


def test_validate_cli_prints_held_out_next_to_in_sample():
    p = tc("validate", "--throughput", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert {"median_abs_error", "worst_source", "by_source", "by_generation"} <= set(d["held_out"])
    assert "median_abs_error" in d["in_sample"] and d["false_oom"] == 0
    assert d["held_out"]["median_abs_error"] > d["in_sample"]["median_abs_error"]
    p = tc("validate", "--throughput")
    assert "leave-one-source-out" in p.stdout and "held out" in p.stdout


# ------------------------------------------------------------------ one memory model


def test_memory_breakdown_adds_up_to_the_total_for_moe():
    """Mixtral 8x7B, EP8 ZeRO-1 (the issue's example: parts 51.4 GiB vs total 58.3 before): the parts of the
    peak stage sum to the total."""
    arch = catalog.models()["mixtral-8x7b"].arch
    acc = catalog.resolve_accelerator("h100-sxm")
    prob = Problem(arch, acc, 64, 4096, 256, efficiency_for(acc), frameworks.training())
    lay = Layouts.single(tp=1, pp=1, dp=64, cp=1, ep=8, zero=1, micro_batch=1, recompute=2, interleave=1)
    ev = evaluate_layouts(prob, lay)
    parts = sum(ev.memory[k][0] for k in ("weights", "gradients", "optimizer", "activations", "overhead"))
    assert parts == pytest.approx(ev.memory["total"][0], rel=1e-12)
    lay4 = Layouts.single(tp=2, pp=4, dp=8, cp=1, ep=8, zero=1, micro_batch=1, recompute=0, interleave=1)
    ev = evaluate_layouts(Problem(arch, acc, 64, 4096, 256, efficiency_for(acc), frameworks.training()), lay4)
    parts = sum(ev.memory[k][0] for k in ("weights", "gradients", "optimizer", "activations", "overhead"))
    assert parts == pytest.approx(ev.memory["total"][0], rel=1e-12)


@pytest.mark.parametrize(
    "fw, bytes_per_param", [("megatron-core", 18.0), ("deepspeed", 16.0), ("fsdp", 16.0)]
)
def test_framework_bytes_per_parameter(fw, bytes_per_param):
    """Megatron dist_optimizer.md: 18 B/param (bf16 weights, fp32 grads, fp32 master + moments); ZeRO paper:
    16 B (2 + 2 + 12); FSDP2 with fp32 sharded parameters: 4 + 4 + 8 = 16 B, all sharded at ZeRO-3."""
    arch = catalog.models()["llama-3.1-8b"].arch
    acc = catalog.resolve_accelerator("h100-sxm")
    d = 8
    prob = Problem(arch, acc, d, 4096, d, efficiency_for(acc), frameworks.training(fw))
    ev = evaluate_layouts(
        prob,
        Layouts.single(
            tp=1,
            pp=1,
            dp=d,
            cp=1,
            ep=1,
            zero=3 if fw != "megatron-core" else 0,
            micro_batch=1,
            recompute=2,
            interleave=1,
        ),
    )
    states = ev.memory["weights"][0] + ev.memory["gradients"][0] + ev.memory["optimizer"][0]
    gathered = 0.0 if fw == "megatron-core" else states - bytes_per_param * arch.params / d
    expect = bytes_per_param * arch.params / (1 if fw == "megatron-core" else d)
    assert states - gathered == pytest.approx(expect, rel=1e-9)


def test_overhead_is_the_sourced_context_and_nccl_buffers():
    """0.7 GiB CUDA context + 0.9 GiB per NCCL communicator (nccl#864) + 3.3 GiB for all-to-all (nccl#1685)."""
    from traincost.parallel.memory import fixed_overhead

    ov = frameworks.overhead()
    one = np.array([1.0])
    got = fixed_overhead(ov, one * 8, one * 4, one * 16, one, one * 8) / 2**30
    assert got[0] == pytest.approx(0.7 + 0.9 * 3 + 3.3)


# ------------------------------------------------------------------ pipeline schedules


def test_uneven_stages_126_layers_on_16_stages():
    """126 layers on PP16: 8 per middle stage, 7 on the first and the last (Megatron-LM
    --decoder-first/last-pipeline-num-layers); interleaving by 2 or 4 keeps every chunk non-empty, by 8 it
    cannot (7 layers on the first stage)."""
    p, v = np.array([16, 16, 16, 4, 16]), np.array([1, 2, 4, 1, 8])
    first, mid, last, ok = schedule.stage_layers(126, p, v)
    assert list(first[:3]) == [7, 7, 7] and list(mid[:3]) == [8, 8, 8] and list(last[:3]) == [7, 7, 7]
    assert ok[:4].all() and not ok[4] and first[0] + 14 * mid[0] + last[0] == 126
    assert (first[3], mid[3], last[3]) == (31, 32, 31)


def test_in_flight_micro_batches():
    """1F1B: stage i of p holds p - i micro-batches; interleaved: p(1 + (p-1)/(pv)) on stage 0
    (Korthikanti et al. 2022)."""
    p, v, m = np.array([8, 8]), np.array([1, 4]), np.array([64.0, 64.0])
    assert schedule.in_flight(p, v, m, 0).tolist() == [8.0, pytest.approx(8 * (1 + 7 / 32))]
    assert schedule.in_flight(p, v, m, 7)[0] == 1.0


def test_405b_class_model_interleaves_on_pp16_without_needless_recompute():
    """A dense model whose 126 layers do not divide 16 stages can be interleaved, and the plan does not
    recompute more than memory requires."""
    arch = catalog.models()["llama-3.1-405b"].arch
    acc = catalog.resolve_accelerator("h100-sxm")
    prob = Problem(arch, acc, 8192, 8192, 2048, efficiency_for(acc), frameworks.training(), "bf16")
    fixed = {"tp": 8, "pp": 16}
    lay = enumerate_layouts(prob, fixed)
    assert (lay.interleave > 1).any()
    r = search(prob, fixed, top=1)
    assert r.best is not None and r.best.layout["interleave"] > 1
    if r.best.layout["recompute"] != "none":  # then no layout without recomputation fits
        none = search(prob, {**fixed, "recompute": "none"}, top=1)
        assert none.best is None


# ------------------------------------------------------------------ frameworks


def test_plan_step_time_for_every_framework():
    out = {}
    for fw in ("megatron-core", "megatron-deepspeed", "deepspeed", "fsdp"):
        p = tc("plan", "--model", "llama-3.1-8b", "--gpus", "64", "--framework", fw, "--json")
        assert p.returncode == 0, p.stderr
        out[fw] = json.loads(p.stdout)
        assert out[fw]["step_time_s"] > 0
    assert out["deepspeed"]["layout"]["tp"] == 1 and out["deepspeed"]["layout"]["pp"] == 1
    assert len({round(d["step_time_s"], 3) for d in out.values()}) >= 3
    p = tc("plan", "--framework", "jax")
    assert p.returncode == 2 and "framework" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_framework_options_limit_the_search():
    """DeepSpeed's pipeline engine runs 1F1B only and refuses ZeRO-2/3 with PP; FSDP has no ZeRO-1."""
    arch = catalog.models()["llama-3.1-70b"].arch
    acc = catalog.resolve_accelerator("h100-sxm")
    for fw, check in (
        ("megatron-deepspeed", lambda lay: (lay.interleave == 1).all() and (lay.zero <= 1).all()),
        ("fsdp", lambda lay: not (lay.zero == 1).any()),
        ("deepspeed", lambda lay: (lay.tp == 1).all() and (lay.pp == 1).all()),
    ):
        prob = Problem(arch, acc, 256, 4096, 256, efficiency_for(acc), frameworks.training(fw))
        lay = enumerate_layouts(prob)
        assert len(lay) and check(lay), fw
    mc = enumerate_layouts(Problem(arch, acc, 256, 4096, 256, efficiency_for(acc), frameworks.training()))
    assert (mc.interleave > 1).any()


def test_grad_sync_after_flush_is_slower_with_pipelines():
    """DeepSpeed reduces gradients after the pipeline flush; Megatron overlaps it with the last backward."""
    arch = catalog.models()["llama-3.1-70b"].arch
    acc = catalog.resolve_accelerator("h100-sxm")
    lay = Layouts.single(tp=8, pp=4, dp=8, cp=1, ep=1, zero=1, micro_batch=1, recompute=0, interleave=1)
    base = frameworks.training()
    from dataclasses import replace

    a = evaluate_layouts(Problem(arch, acc, 256, 4096, 256, efficiency_for(acc), base), lay)
    b = evaluate_layouts(
        Problem(arch, acc, 256, 4096, 256, efficiency_for(acc), replace(base, grad_sync_after_flush=True)),
        lay,
    )
    assert b.time["dp_comm"][0] > a.time["dp_comm"][0]


def test_narayanan_tflops_convert_with_the_papers_recompute_count():
    """Narayanan et al. 2021 count the recomputation forward in their TFLOP/s (eq. 3) and estimate training time
    as 8TP/(nX) (eq. 4): tokens/s per GPU = X / (8P). For the 1T row, 163 TFLOP/s and P = 1008.0B give 20.2
    tokens/s/GPU; counting the TFLOP/s as model FLOPs (6P) would claim 27."""
    from traincost.trust.validation import arch_from_row, measured_tokens_per_s_per_gpu, throughput_rows

    row = next(r for r in throughput_rows() if r["id"] == "narayanan2021-a100-1008b-g3072")
    tokens = measured_tokens_per_s_per_gpu(row, arch_from_row(row["model"], 2048, row["id"]))
    assert tokens == pytest.approx(163e12 / (8 * 1008.0e9), rel=0.02)
