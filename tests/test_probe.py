"""`traincost probe`: the fitting functions against independent values, the hardware-file mapping against
published measurements, and the whole CPU path (probe -> hardware file -> plan) end to end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from traincost import catalog
from traincost.errors import InputError
from traincost.hardware.measured import apply_measured, overrides
from traincost.parallel.efficiency import efficiency_for
from traincost.probe.fit import (
    bus_bandwidth,
    bus_factor,
    fit_gemm,
    fit_latency_bandwidth,
    parse_duration,
    tier_groups,
)
from traincost.probe.output import match_catalog

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _cli(*args, cwd=None, timeout=120, env_extra=None):
    env = {**os.environ, "PYTHONPATH": SRC, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
    )


# ------------------------------------------------------------------ fitting functions


def test_gemm_fit_recovers_a_known_rate_and_knee():
    # synthetic timings of a device that runs GEMMs at 312 TFLOP/s x F / (F + 20 GFLOP), with 2% noise
    rate, knee = 312e12, 20e9
    flops = np.geomspace(1e9, 2e12, 12)
    noise = 1 + 0.02 * np.sin(np.arange(12))
    t = flops / (rate * flops / (flops + knee)) * noise
    r, k = fit_gemm(flops, t)
    assert r == pytest.approx(rate, rel=0.03)
    assert k == pytest.approx(knee, rel=0.15)


def test_gemm_fit_without_a_plateau_keeps_the_best_rate_seen():
    # two noisy points where the larger GEMM ran slower per FLOP: no asymptote can be fitted
    r, k = fit_gemm([1e9, 4e9], [1e9 / 1.0e11, 4e9 / 0.98e11])
    assert (r, k) == (pytest.approx(1.0e11), 0.0)


def test_bus_bandwidth_follows_nccl_tests():
    # nccl-tests doc/PERFORMANCE.md: busbw = algbw x 2(n-1)/n (all-reduce), x (n-1)/n (all-gather,
    # reduce-scatter). NCCL's maintainer on 8 H100 (nccl-tests#212): "peak busBw of ~480GB/s (algbw ~275GB/s)"
    size = 8 * 2**30
    assert bus_bandwidth("all_reduce", size, 8, size / 275e9) / 1e9 == pytest.approx(480, rel=0.01)
    assert bus_factor("all_gather", 8) == pytest.approx(7 / 8)
    assert bus_factor("reduce_scatter", 4) == pytest.approx(3 / 4)
    assert bus_factor("all_reduce", 2) == pytest.approx(1.0)
    assert bus_factor("send_recv", 2) == 1.0


def test_latency_bandwidth_fit_recovers_alpha_and_beta():
    # an 8-GPU all-reduce with a 13 us floor (DGX H100 sample, 8 B in 13.03 us) and 480 GB/s bus bandwidth
    x = np.geomspace(8, 8 * 2**30, 16)
    t = 13e-6 + x / 480e9
    alpha, bw = fit_latency_bandwidth(x, t)
    assert alpha == pytest.approx(13e-6, rel=0.02)
    assert bw == pytest.approx(480e9, rel=0.02)


def test_budget_parsing_and_bad_budget():
    assert [parse_duration(x) for x in ("30s", "1m", "5m", "90", "1h")] == [30, 60, 300, 90, 3600]
    for bad in ("", "5x", "-1m", "0s"):
        with pytest.raises(InputError, match="budget"):
            parse_duration(bad)


def test_torchrun_tiers():
    # torchrun numbers ranks node by node; the cross-node groups hold one rank per node
    intra, inter = tier_groups(16, 8)
    assert intra == [list(range(8)), list(range(8, 16))]
    assert inter[0] == [0, 8] and inter[7] == [7, 15] and len(inter) == 8
    assert tier_groups(4, 4)[1] == []  # one node: no inter-node tier


@pytest.mark.parametrize(
    "name, want",
    [
        ("NVIDIA H100 80GB HBM3", "h100-sxm"),  # torch.cuda.get_device_name on an H100 SXM5
        ("NVIDIA H100 PCIe", "h100-pcie"),
        ("NVIDIA H100 NVL", "h100-nvl"),
        ("NVIDIA A100-SXM4-80GB", "a100-80gb"),
        ("NVIDIA A100-SXM4-40GB", "a100-40gb"),
        ("AMD Instinct MI300X", "mi300x"),
        ("NVIDIA H200", "h200"),
    ],
)
def test_device_names_match_the_catalog(name, want):
    assert match_catalog(name, catalog.accelerators()).id == want


def test_published_measurements_map_to_the_published_efficiencies():
    # ml-engineering MAMF table: H100 SXM bf16 794.5 TFLOP/s = 80.3% of 989; nccl-tests ring all-gather on
    # 8 H200 361.4 GB/s of 450 ("80-82% of the unidirectional spec"); both in shared/reference/microbench.md
    h100 = catalog.resolve_accelerator("h100-sxm")
    measured = {
        "provenance": {"device": "NVIDIA H100 80GB HBM3", "date": "2026-12-01"},
        "gemm": {"bf16": {"rate_tflops": 794.5, "knee_gflop": 5.0}},
        "collectives": {"tiers": {"scale_up": {"bus_gbs": 361.4, "latency_step_us": 3.0}}},
    }
    ov = overrides(h100, measured)
    assert ov["gemm"] == pytest.approx(0.803, abs=0.001)
    assert ov["scale_up"] == pytest.approx(0.80, abs=0.01)
    assert "hbm" not in ov and "scale_out" not in ov  # not measured: the catalog's constants stay
    import dataclasses

    eff = apply_measured(efficiency_for(h100), dataclasses.replace(h100, measured=measured))
    base = efficiency_for(h100)
    assert eff.hbm == base.hbm and eff.scale_out == base.scale_out
    assert "probe:" in eff.source and "scale_out" in eff.source.split("kept from the catalog")[1]


def test_bad_measured_section_is_a_one_line_error(tmp_path):
    f = tmp_path / "hw.yaml"
    entry = yaml.safe_load(Path(catalog._DATA / "hardware.yaml").read_text())["accelerators"][5]
    entry = {
        **entry,
        "id": "mine",
        "measured": {"provenance": {"device": "x"}, "gemm": {"bf16": {"rate_tflops": -1}}},
    }
    f.write_text(yaml.safe_dump({"accelerators": [entry]}))
    with pytest.raises(InputError, match=r"mine\.measured\.gemm\.bf16"):
        catalog.load_hardware_file(f)


# ------------------------------------------------------------------ the CLI


def test_probe_without_torch_is_a_clear_error():
    code = (
        "import sys; sys.modules['torch'] = None; from traincost.cli import main; "
        "main(['probe', '--budget', '5s', '-o', '/dev/null'])"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": SRC},
        timeout=60,
    )
    assert p.returncode == 2
    assert p.stderr.strip().splitlines() == ["error: probe: needs PyTorch: pip install 'traincost[probe]'"]


@pytest.mark.parametrize(
    "args, field",
    [
        (["--budget", "soon"], "budget"),
        (["--tp", "1,3"], "tp"),  # 3 does not divide Llama-3.1-8B's 32 heads
        (["--seq-len", "64"], "seq_len"),
        (["--base", "h1000"], "base"),
        (["--procs", "0"], "procs"),
    ],
)
def test_probe_bad_input_is_a_one_line_error(args, field):
    p = _cli("probe", "--model", "llama-3.1-8b", *args)
    assert p.returncode == 2
    assert p.stderr.startswith(f"error: {field}: ") and len(p.stderr.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    pytest.importorskip("torch")
    d = tmp_path_factory.mktemp("probe")
    p = _cli(
        "probe",
        "--model",
        "llama-3.1-8b",
        "--budget",
        "15s",
        "--procs",
        "2",
        "-o",
        "probe.yaml",
        "--report",
        "probe.md",
        cwd=d,
        timeout=90,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    return d, p


def test_cpu_probe_writes_a_valid_hardware_file_within_its_budget(probed):
    d, p = probed
    accs = catalog.load_hardware_file(d / "probe.yaml")
    (acc,) = accs.values()
    m = acc.measured
    assert acc.id.startswith("probed-cpu")
    # the budget limits: past it only the minimum set (a calibration GEMM and one model shape per precision,
    # attention and the block at sequence 128, two message sizes) and the process start-ups remain
    assert m["provenance"]["elapsed_s"] <= 15 + 15
    assert m["provenance"]["torch"] and m["provenance"]["comm"] == "gloo"
    assert m["gemm"]["bf16"]["rate_tflops"] > 0 and m["gemm"]["bf16"]["points"]
    # the GEMMs are Llama-3.1-8B's (HF config: hidden 4096, 32 heads and 8 KV heads of 128, MLP 14336,
    # SwiGLU) split over TP 1, 2, 4, 8: QKV 4096 x 6144/t, out 4096/t x 4096, up 4096 x 28672/t, down 14336/t x 4096
    want = (
        {(4096, 6144 // t) for t in (1, 2, 4, 8)}
        | {(4096 // t, 4096) for t in (1, 2, 4, 8)}
        | {(4096, 28672 // t) for t in (1, 2, 4, 8)}
        | {(14336 // t, 4096) for t in (1, 2, 4, 8)}
    )
    pts = [p for p in m["gemm"]["bf16"]["points"] if p["what"] != "calibration"]
    assert pts and all((p["k"], p["n"]) in want for p in pts)
    assert all(p["gflop"] == pytest.approx(2 * p["m"] * p["k"] * p["n"] / 1e9, rel=1e-5) for p in pts)
    assert m["attention"]["fwd_tflops"] > 0 and m["memory"]["kernels_gbs"] > 0
    assert m["collectives"]["tiers"]["scale_up"]["ranks"] == 2
    assert any("scale-out" in x for x in m["not_measured"])  # one node: said, and the catalog kept
    assert m["truncated"]  # 15 s cannot cover every llama-3.1-8b shape on a CPU: it says so
    assert m["block"]["measured"]["median_s"] > 0 and m["block"]["predicted_s"] > 0
    text = (d / "probe.yaml").read_text()
    assert socket.gethostname() not in text  # provenance is hostname-free
    report = (d / "probe.md").read_text()
    assert "predicted with the probe's numbers" in report and "measured:" in report


def test_plan_uses_the_probe_and_says_so(probed):
    d, _ = probed
    acc_id = next(iter(catalog.load_hardware_file(d / "probe.yaml")))
    plan = (
        "plan",
        "--hardware-file",
        "probe.yaml",
        "--gpu",
        acc_id,
        "--model",
        "llama-3.1-8b",
        "--gpus",
        "8",
    )
    p = _cli(*plan, "--json", cwd=d)
    assert p.returncode in (0, 1), p.stderr
    out = json.loads(p.stdout)
    assert out["gpu"] == acc_id
    assert out["calibration"]["source"].startswith("probe: probe.yaml")
    row = next(a for a in out["assumptions"] if a["field"] == "efficiency")
    assert "probe: probe.yaml" in row["source"] and "kept from the catalog" in row["source"]
    # the text output shows it too
    t = _cli(*plan, cwd=d)
    assert "probe: probe.yaml" in t.stdout.replace("\n", " ")


def test_collectives_do_not_deadlock_when_ranks_disagree_on_time_left(tmp_path):
    # under torchrun each rank has its own clock and start time: the counts of collective calls must still
    # match on every rank (a rank calling once more than the others hangs them all)
    pytest.importorskip("torch")
    script = tmp_path / "ranks.py"
    script.write_text(
        "import time, warnings\n"
        "warnings.filterwarnings('ignore')\n"
        "import torch.distributed as dist\n"
        "from traincost.probe import comm\n"
        "from traincost.probe.measure import local_device\n"
        "dev = local_device(0)\n"
        "dist.init_process_group('gloo')\n"
        "r = dist.get_rank()\n"
        # rank 1 is out of time at once, rank 0 has 30 s; 16 MiB on gloo takes long enough that the
        # number of timed repeats would differ if each rank derived it from its own time left
        "res = comm.run_collectives([1 << 15, 1 << 24], time.time() + (0.0 if r else 30.0), 2, dev)\n"
        "if r == 0:\n"
        "    print('ok', sorted(op for op, pts in res['scale_up']['ops'].items() if pts))\n"
    )
    torchrun = Path(sys.executable).parent / "torchrun"
    if not torchrun.exists():
        pytest.skip("torchrun not installed")
    p = subprocess.run(
        [str(torchrun), "--nproc-per-node", "2", "--master-port", "29631", str(script)],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "PYTHONPATH": SRC, "OMP_NUM_THREADS": "1"},
    )
    assert p.returncode == 0, p.stderr[-1500:]
    assert "ok ['all_gather', 'all_reduce', 'all_to_all', 'reduce_scatter', 'send_recv']" in p.stdout


def _synthetic_h100_raw() -> dict:
    """Raw probe results as an H100 would give them (GEMMs at 700 TFLOP/s x F/(F + 10 GFLOP); attention
    400/300 TFLOP/s; 8-GPU collectives at 360 GB/s bus bandwidth and 20 us), to exercise the GPU-side output
    on a CPU machine."""
    from traincost.probe.fit import ATTENTION_BWD_FACTOR, attention_flops, bus_factor

    def t(x):
        return {"median_s": x, "p10_s": x * 0.98, "p90_s": x * 1.03, "runs": 10}

    pts = []
    for m, k, n in (
        (512, 4096, 6144),
        (4096, 4096, 6144),
        (4096, 4096, 28672),
        (8192, 14336, 4096),
        (256, 4096, 4096),
    ):
        f = 2.0 * m * k * n
        pts.append(
            {"what": "x", "m": m, "k": k, "n": n, "gflop": f / 1e9, **t(f / (700e12 * f / (f + 10e9)))}
        )
    af = attention_flops(1, 32, 4096, 128)
    ops = {
        op: [{"bytes": b, **t(20e-6 + b * bus_factor(op, 8) / 360e9)} for b in (2**15, 2**20, 2**26, 2**30)]
        for op in ("all_reduce", "all_gather", "reduce_scatter")
    }
    return {
        "provenance": {
            "tool": "traincost probe",
            "date": "2026-12-01",
            "backend": "cuda",
            "torch": "2.13.0",
            "device": "NVIDIA H100 80GB HBM3",
            "model": "llama-3.1-8b",
            "seq_len": 4096,
            "budget_s": 300.0,
            "comm": "NCCL 2.27.7",
            "runtime": "CUDA 12.8",
        },
        "gemm": {"bf16": pts},
        "attention": {
            "impl": "sdpa",
            "dtype": "bf16",
            "batch": 1,
            "heads": 32,
            "kv_heads": 8,
            "head_dim": 128,
            "seq_len": 4096,
            "fwd": t(af / 400e12),
            "bwd": t(ATTENTION_BWD_FACTOR * af / 300e12),
        },
        "memory": {
            "copy": (2 * 2**29, t(2 * 2**29 / 3000e9)),
            "rmsnorm": (2**30, t(2**30 / 2000e9)),
            "swiglu": (3 * 2**28, t(3 * 2**28 / 2500e9)),
            "adamw": (7 * 4 * 2**26, t(7 * 4 * 2**26 / 2200e9)),
        },
        "kernel_overhead_s": 3e-6,
        "collectives": {
            "backend": "nccl",
            "world": 8,
            "per_node": 8,
            "scale_up": {"ranks": 8, "ops": ops, "complete": True},
        },
        "not_measured": ["scale-out (inter-node) tier: run on one node"],
        "truncated": [],
    }


def test_gpu_side_output_keeps_the_datasheet_and_maps_the_curves(tmp_path):
    from traincost.hardware.accelerator import accelerator_from_dict
    from traincost.probe import output as out
    from traincost.probe.predict import block_seconds

    measured = out.measured_section(_synthetic_h100_raw())
    assert measured["gemm"]["bf16"]["rate_tflops"] == pytest.approx(700, rel=1e-3)
    assert measured["gemm"]["bf16"]["knee_gflop"] == pytest.approx(10, rel=1e-2)
    assert measured["attention"]["fwd_tflops"] == pytest.approx(400) and measured["attention"][
        "bwd_tflops"
    ] == pytest.approx(300)
    assert measured["memory"]["kernels_gbs"] == pytest.approx(2200)  # median of norm, activation, optimizer
    up = measured["collectives"]["tiers"]["scale_up"]
    assert up["bus_gbs"] == pytest.approx(360, rel=1e-3) and up["latency_us"] == pytest.approx(20, rel=1e-2)
    base = out.match_catalog("NVIDIA H100 80GB HBM3", catalog.accelerators())
    entry = out.hardware_entry("probed-h100", base, measured, "NVIDIA H100 80GB HBM3", 8)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({"accelerators": [entry]}))
    acc = catalog.load_hardware_file(tmp_path / "p.yaml")["probed-h100"]
    assert (
        acc.peak_tflops == base.peak_tflops and acc.memory_bw_tbps == base.memory_bw_tbps
    )  # datasheet stays
    assert acc.peak_tflops["bf16"] == pytest.approx(989, rel=1e-3)  # H100 SXM dense BF16
    eff = efficiency_for(acc)
    assert eff.gemm == pytest.approx(700 / 989, rel=2e-3) and eff.scale_up == pytest.approx(
        360 / 450, rel=1e-3
    )
    assert eff.hbm == pytest.approx(2200 / (base.memory_bw_tbps * 1e3), rel=1e-3)
    assert eff.scale_out == efficiency_for(base).scale_out  # not measured: the catalog's
    # one Llama-3.1-8B layer at TP 1, 4096 tokens: GEMMs 6 x 4096 x 218.1M FLOPs (QKV 4096x6144, out 4096x4096,
    # up 4096x28672, down 14336x4096) at up to 700 TFLOP/s; attention 1.37e11 FLOPs forward at 400, 2.5x that
    # backward at 300 TFLOP/s: the model's block time lies between the GEMMs alone and everything + 25%
    gemm_s = 6 * 4096 * (4096 * 6144 + 4096 * 4096 + 4096 * 28672 + 14336 * 4096) / 700e12
    attn_s = 1.374e11 / 400e12 + 2.5 * 1.374e11 / 300e12
    pred = block_seconds(catalog.resolve_model("llama-3.1-8b")[0], acc, eff, 1, 1, 4096, "bf16")
    # the block runs at the measured rates slowed by the fitted in-training realisation, plus memory-bound work
    assert gemm_s < pred < (gemm_s + attn_s) / eff.compute_realisation * 1.25
    text = out.report(measured, acc, eff, base, efficiency_for(base), None)
    assert "catalog (h100-sxm)" in text and "not measured (catalog kept)" in text
    accelerator_from_dict(entry)  # the entry as written validates on its own


def test_probe_numbers_change_the_plan(tmp_path):
    # a printed assumption must change the result: halving the measured GEMM rate of a (synthetic) H100
    # probe slows the step, since GEMMs are most of an 8B model's step there
    from traincost.probe import output as out

    base = catalog.resolve_accelerator("h100-sxm")
    times = []
    for rate in (700.0, 350.0):
        measured = out.measured_section(_synthetic_h100_raw())
        measured["gemm"]["bf16"]["rate_tflops"] = rate
        entry = out.hardware_entry("probed-h100", base, measured, "NVIDIA H100 80GB HBM3", 8)
        (tmp_path / "hw.yaml").write_text(yaml.safe_dump({"accelerators": [entry]}))
        p = _cli(
            "plan",
            "--hardware-file",
            "hw.yaml",
            "--gpu",
            "probed-h100",
            "--model",
            "llama-3.1-8b",
            "--gpus",
            "8",
            "--tp",
            "1",
            "--pp",
            "1",
            "--dp",
            "8",
            "--json",
            cwd=tmp_path,
        )
        assert p.returncode == 0, p.stderr
        times.append(json.loads(p.stdout)["step_time_s"])
    assert times[1] > times[0] * 1.4
