"""The performance model's memory and time formulas against their published sources, and the
planner's behaviour."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from traincost import catalog
from traincost.parallel.efficiency import efficiency_for
from traincost.parallel.perf import RECOMPUTE, Layouts, Training
from traincost.parallel.plan import Problem, enumerate_layouts, evaluate_layouts, search
from traincost.trust.validation import (
    arch_from_row,
    run_memory_validation,
)

GPT_22B = {
    "kind": "gpt",
    "hidden": 6144,
    "layers": 48,
    "heads": 64,
    "ffn": 24576,
    "vocab": 51200,
    "learned_positions": 2048,
}


def one(prob, **kw):
    d = dict(tp=1, pp=1, dp=1, cp=1, ep=1, zero=0, micro_batch=1, recompute=0, interleave=1)
    d.update(kw)
    lay = Layouts.single(**d)
    return evaluate_layouts(prob, lay)


def problem(arch, n=8, seq=2048, gb=8, gpu="a100-80gb", **train):
    acc = catalog.resolve_accelerator(gpu)
    return Problem(arch, acc, n, seq, gb, efficiency_for(acc), Training(**train))


@pytest.mark.parametrize("d", [2, 8, 64])
def test_distributed_optimizer_bytes_per_param(d):
    """Megatron-LM docs (dist_optimizer.md): bf16 params + fp32 grads: 18 B/param, or 6 + 12/d with the
    distributed optimizer (ZeRO-1)."""
    arch = catalog.models()["llama-3.1-8b"].arch
    prob = problem(arch, n=d, gb=d, gpu="h200")
    for zero, per_param in ((0, 18.0), (1, 6.0 + 12.0 / d)):
        ev = one(prob, dp=d, zero=zero)
        states = ev.memory["weights"][0] + ev.memory["gradients"][0] + ev.memory["optimizer"][0]
        assert states == pytest.approx(per_param * arch.params, rel=1e-9)


def test_zero_stages_playbook_16_bytes():
    """Ultra-Scale Playbook: mixed precision without fp32 gradient accumulation is 16 B/param (7B: 112 GB),
    and ZeRO-1/2/3 divide the optimizer, then gradients, then weights by the DP degree."""
    arch = catalog.models()["llama-2-7b"].arch
    P, d = arch.params, 8
    prob = problem(arch, n=d, gb=d, gpu="h200", grad_bytes=2.0)
    expect = {0: 16 * P, 1: 4 * P + 12 * P / d, 2: 2 * P + 14 * P / d, 3: 16 * P / d}
    # ZeRO-3 also holds the gathered bf16 copy of the current and the prefetched layer
    layer = 4 * arch.hidden_size**2 + 3 * arch.hidden_size * arch.ffn + 2 * arch.hidden_size
    for z, bytes_ in expect.items():
        ev = one(prob, dp=d, zero=z)
        got = ev.memory["weights"][0] + ev.memory["gradients"][0] + ev.memory["optimizer"][0]
        assert got == pytest.approx(bytes_ + (2 * 2 * layer if z == 3 else 0), rel=1e-9)
    # the Playbook's 7B example: 16 B/param is 112 GB (7e9 x 16); Llama 2 7B's 6.74e9 parameters, within 4%
    ev = one(prob, dp=d, zero=0)
    states_gb = (ev.memory["weights"][0] + ev.memory["gradients"][0] + ev.memory["optimizer"][0]) / 1e9
    assert states_gb == pytest.approx(112, rel=0.04)


@pytest.mark.parametrize("t", [1, 2, 8])
def test_korthikanti_activation_formulas(t):
    """Korthikanti et al. 2022, Table 2, bytes per layer: sbh(10 + 24/t + 5as/(ht)) with tensor parallelism
    only; sbh·34/t with sequence parallelism and selective recomputation; 2sbh with full recomputation
    (no SP). Checked with GPT-3 style dropout and no FlashAttention, as in the paper."""
    arch = arch_from_row(GPT_22B, 2048, "gpt-22b")
    s, b, h, a, L, V = 2048, 2, 6144, 64, 48, 51200
    logits = (4 * s * b * h + 4 * s * b * V) / t
    base = problem(arch, n=t, gb=b, flash_attention=False, dropout=True, sequence_parallel=False)
    ev = one(base, tp=t, micro_batch=b)
    assert ev.memory["activations"][0] == pytest.approx(
        L * s * b * h * (10 + 24 / t + 5 * a * s / (h * t)) + logits, rel=1e-12
    )
    sp = problem(arch, n=t, gb=b, flash_attention=False, dropout=True, sequence_parallel=True)
    ev = one(sp, tp=t, micro_batch=b, recompute=RECOMPUTE.index("selective"))
    assert ev.memory["activations"][0] == pytest.approx(L * s * b * h * 34 / t + logits, rel=1e-12)
    ev = one(base, tp=t, micro_batch=b, recompute=RECOMPUTE.index("full"))
    per_layer_full = s * b * h * (10 + 24 / t + 5 * a * s / (h * t))  # one layer rebuilt during backward
    assert ev.memory["activations"][0] == pytest.approx(
        L * 2 * s * b * h + per_layer_full + logits, rel=1e-12
    )


def test_memory_matches_korthikanti_figure_1():
    """Per-GPU model states and activations of the 22B-1T runs (Korthikanti et al. 2022, Fig. 1), within 10%."""
    checks = run_memory_validation()
    assert len(checks) == 16
    assert max(abs(c.error) for c in checks) < 0.10


def test_search_ranks_fitting_layouts():
    arch = catalog.models()["llama-3.1-70b"].arch
    prob = problem(arch, n=1024, seq=4096, gb=1024, gpu="h100-sxm")
    r = search(prob, top=10)
    assert r.evaluated > 1000 and r.fitting > 0
    steps = [x.step_time_s for x in r.top]
    assert all(
        b >= a * 0.998 for a, b in zip(steps, steps[1:], strict=False)
    )  # ties within 0.1% go to simpler layouts
    assert all(x.fits and x.memory_gib["total"] <= x.memory_gib["capacity"] for x in r.top)
    lay = r.best.layout
    assert lay["tp"] * lay["pp"] * lay["dp"] * lay["cp"] == 1024


def test_enumeration_respects_the_model_shape():
    arch = catalog.models()["llama-3.1-70b"].arch  # 64 heads, 8 KV heads, 80 layers
    prob = problem(arch, n=512, seq=4096, gb=512, gpu="h100-sxm")
    lay = enumerate_layouts(prob)
    assert set(np.unique(lay.tp)) <= {1, 2, 4, 8}  # KV heads must split evenly over TP
    assert np.all(lay.tp * lay.pp * lay.dp * lay.cp == 512)
    assert np.all(512 % lay.dp == 0) and np.all(512 % (lay.dp * lay.micro_batch) == 0)
    v = lay.interleave > 1
    # interleaved chunks: every stage holds at least one layer per chunk; stages that do not divide 80 evenly
    # put fewer layers on the first and last stage (Megatron --decoder-first/last-pipeline-num-layers)
    from traincost.parallel.schedule import stage_layers

    first, mid, last, ok = stage_layers(80, lay.pp[v], lay.interleave[v])
    assert ok.all() and np.all(first + (lay.pp[v] - 2) * mid + last == 80)
    assert np.all(mid % lay.interleave[v] == 0) and np.all(first <= mid) and np.all(last <= mid)


def test_memory_grows_with_micro_batch_and_falls_with_recompute():
    arch = catalog.models()["llama-3.1-8b"].arch
    prob = problem(arch, n=8, seq=4096, gb=64, gpu="h100-sxm")
    m1 = one(prob, dp=8, micro_batch=1).memory["activations"][0]
    m4 = one(prob, dp=8, micro_batch=4).memory["activations"][0]
    mf = one(prob, dp=8, micro_batch=4, recompute=2).memory["activations"][0]
    assert m4 > 3 * m1 and mf < m4 / 5


def tc(*args):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=120
    )


def test_plan_cli_search_json():
    p = tc("plan", "--model", "llama-3.1-70b", "--gpu", "h100-sxm", "--gpus", "1024", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in ("tp", "pp", "dp", "cp", "ep", "zero", "micro_batch", "recompute"):
        assert k in d["layout"]
    assert d["search"]["evaluated"] > 1000 and d["search"]["seconds"] < 5
    assert 0.2 < d["throughput"]["mfu"] < 0.7 and d["memory"]["total_gib"] < 80
    assert set(d["time_breakdown"]) >= {"compute", "bubble", "tp_comm", "dp_comm", "optimizer", "step"}


def test_plan_cli_explicit_layout():
    p = tc(
        "plan",
        "--model",
        "llama-3.1-8b",
        "--gpu",
        "a100-80gb",
        "--gpus",
        "64",
        "--tp",
        "2",
        "--pp",
        "1",
        "--dp",
        "32",
        "--micro-batch",
        "2",
        "--global-batch",
        "512",
        "--seq-len",
        "4096",
        "--recompute",
        "selective",
        "--zero",
        "1",
        "--cp",
        "1",
        "--interleave",
        "1",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["search"]["evaluated"] == 1
    assert d["layout"] == {
        "tp": 2,
        "pp": 1,
        "dp": 32,
        "cp": 1,
        "ep": 1,
        "zero": 1,
        "micro_batch": 2,
        "recompute": "selective",
        "interleave": 1,
    }


def test_plan_cli_nothing_fits_says_why_and_what_would():
    p = tc("plan", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--gpus", "8")
    assert p.returncode == 2  # the same code in text and JSON modes (issue 12)
    assert "nothing fits" in p.stdout and "would fit" in p.stdout
    assert p.stderr.startswith("error: gpus: nothing fits") and len(p.stderr.strip().splitlines()) == 1
    p = tc("plan", "--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--gpus", "8", "--json")
    assert p.returncode == 2 and json.loads(p.stdout)["best"] is None


@pytest.mark.parametrize(
    "args, field",
    [
        (["--tp", "3", "--gpus", "8"], "tp"),
        (["--zero", "4"], "zero"),
        (["--recompute", "some"], "recompute"),
        (["--tp", "2", "--pp", "2", "--dp", "2", "--cp", "1", "--gpus", "16"], "dp"),
        (["--ep", "2", "--model", "llama-3.1-8b"], "ep"),
    ],
)
def test_plan_cli_bad_input(args, field):
    p = tc("plan", *args)
    assert p.returncode == 2 and field in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_user_hardware_file(tmp_path):
    """A user's own accelerator in YAML: a slower network gives a lower predicted MFU than the catalog H100."""
    f = tmp_path / "hw.yaml"
    f.write_text("""accelerators:
  - id: my-h100
    name: H100 with 100 Gb/s NICs
    generation: hopper
    peak_tflops: {bf16: 989.4}
    memory_gb: 80
    memory_bw_tbps: 3.35
    node_size: 8
    scale_up_size: 8
    scale_up_bw_gbs: 450
    scale_out_bw_gbs: 12.5
""")
    import traincost

    mine = traincost.estimate(hardware_file=str(f), gpu="my-h100", price=2)
    stock = traincost.estimate(gpu="h100-sxm", price=2)
    assert mine.hardware.gpu == "my-h100"
    assert mine.throughput.mfu < stock.throughput.mfu
    bad = tmp_path / "bad.yaml"
    bad.write_text("accelerators:\n  - id: x\n    peak_tflops: {bf16: -1}\n")
    with pytest.raises(traincost.InputError, match="peak_tflops"):
        traincost.estimate(hardware_file=str(bad), gpu="x", price=2)
