"""Decisions: comparisons, Pareto front, solving for a deadline or a budget, expected quality, serving
and price projections."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

import traincost
from traincost.decide import quality
from traincost.decide.compare import pareto_front, parse_deadline, parse_partners
from traincost.decide.serving import kv_bytes_per_token
from traincost.errors import InputError


def tc(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_epoch_law_values_from_the_reference():
    """science.md §1.2 [C]: Epoch fit 8B@16T = 2.0213, 70B@16T = 1.9295 (8e9 and 70e9 parameters)."""
    assert quality.chinchilla_loss(8e9, 16e12) == pytest.approx(2.0213, abs=1e-4)
    assert quality.chinchilla_loss(70e9, 16e12) == pytest.approx(1.9295, abs=1e-4)


def test_compute_optimal_ratio_matches_reference_table():
    """science.md §1.2 [C]: Epoch fit D_opt/N_opt = 21.6 at 1e21, 19.2 at 1e23, 17.1 at 1e25 FLOPs."""
    for c, ratio in ((1e21, 21.6), (1e23, 19.2), (1e25, 17.1)):
        n, d = quality.compute_optimal(c)
        assert d / n == pytest.approx(ratio, abs=0.1)
        assert 6 * n * d == pytest.approx(c)


def test_quality_in_estimate_is_labelled_an_estimate():
    r = traincost.estimate(model="llama-3.1-8b", price=2)
    q = r.quality
    assert q["kind"] == "continued-pretraining" and q["rough"] and "not a benchmark" in q["label"]
    assert q["base_pretraining_tokens"] == 15e12
    own = traincost.estimate(
        model="llama-3.1-8b", price=2, cpt_law="E=1.5,A=400,alpha=0.34,B=300,beta=0.3,ratio=0.5"
    )
    assert not own.quality["rough"] and own.quality["loss"] != q["loss"]


def test_pareto_front():
    assert pareto_front([(1, 5), (2, 2), (3, 3), (5, 1)]) == [True, True, False, True]


def test_parsers():
    assert parse_deadline("30d") == 30 and parse_deadline("6w") == 42 and parse_deadline("48h") == 2
    assert parse_partners("A:0.5,B:0.3,C:0.2") == {"A": 0.5, "B": 0.3, "C": 0.2}
    with pytest.raises(InputError, match="add up to 1"):
        parse_partners("A:0.5,B:0.3")


def test_compare_cli_json_8b_vs_70b():
    p = tc(
        "compare", "--models", "llama-3.1-8b,llama-3.1-70b", "--tokens", "1T", "--gpu", "h100-sxm", "--json"
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    small, big = d["candidates"]
    for c in (small, big):
        assert {"model", "time", "cost", "energy", "carbon", "ranges", "quality"} <= set(c)
        assert (
            c["from_scratch"]["tokens"] == 15e12
            and c["from_scratch"]["cost_usd"] > 4 * c["cost"]["total_usd"]
        )
        assert (
            c["from_scratch"]["gpu_hours"] > 10 * c["time"]["gpu_hours"]
        )  # 15x the tokens; fixed costs do not scale
    assert (
        big["cost"]["compute_usd"] > 4 * small["cost"]["compute_usd"]
    )  # ~8.7x the FLOPs; staff is a fixed cost
    assert big["quality"]["loss"] < small["quality"]["loss"]
    assert small["pareto"] and d["summary"]["best_expected_loss"] == "llama-3.1-70b"


def test_compare_serving_adds_inference_cost():
    d = json.loads(
        tc(
            "compare",
            "--models",
            "llama-3.1-8b,llama-3.1-70b",
            "--tokens",
            "1T",
            "--gpu",
            "h100-sxm",
            "--serve",
            "10B",
            "--months",
            "12",
            "--json",
        ).stdout
    )
    s8, s70 = (c["serving"] for c in d["candidates"])
    assert s70["cost_usd"] > 4 * s8["cost_usd"] > 0
    assert s70["gpus_per_replica"] >= 2  # 141 GB of bf16 weights do not fit one 80 GB GPU


def test_serving_kv_cache_and_decode_bound():
    """Llama 3.1 8B: 32 layers x 8 KV heads x 128 x (K+V) x 2 bytes = 131,072 bytes per token."""
    arch = traincost.catalog.models()["llama-3.1-8b"].arch
    assert kv_bytes_per_token(arch) == 32 * 8 * 128 * 2 * 2


def test_deadline_finds_smallest_cluster():
    d = json.loads(tc("compare", "--models", "llama-3.1-8b", "--deadline", "10d", "--json").stdout)
    c = d["candidates"][0]
    assert (
        c["ranges"]["wall_clock_days"]["p50"] <= 10 and c["hardware"]["count"] % 8 == 0
    )  # the median meets it
    smaller = traincost.estimate(model="llama-3.1-8b", gpus=c["hardware"]["count"] - 8, samples=2000)
    assert smaller.ranges["wall_clock_days"]["p50"] > 10


def test_budget_finds_most_tokens():
    d = json.loads(
        tc(
            "compare",
            "--models",
            "llama-3.1-8b,llama-3.1-70b",
            "--budget",
            "1M",
            "--engineers",
            "0",
            "--json",
        ).stdout
    )
    for c in d["candidates"]:
        assert (
            c["ranges"]["cost_usd"]["p50"] <= 1e6 * 1.001
        )  # solved at the median, the answer traincost gives
        assert c["ranges"]["cost_usd"]["p50"] > 0.9e6  # close to the budget: the most tokens it buys
    small, big = d["candidates"]
    assert small["tokens"] > 5 * big["tokens"]


def test_partners_split():
    d = json.loads(
        tc("compare", "--models", "llama-3.1-8b", "--partners", "A:0.5,B:0.3,C:0.2", "--json").stdout
    )
    c = d["candidates"][0]
    assert sum(v["cost_usd"] for v in c["partners"].values()) == pytest.approx(c["cost"]["total_usd"])


def test_compare_scenario_file_candidates_and_csv(tmp_path):
    (tmp_path / "s.yaml").write_text(
        "tokens: 500B\ngpu: h100-sxm\ncandidates:\n  - {model: llama-3.1-8b, gpus: 64}\n"
        "  - {model: llama-3.1-8b, gpus: 256}\n"
    )
    p = tc("compare", "s.yaml", "--csv", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert [r["gpus"] for r in rows] == ["64", "256"]
    assert float(rows[1]["wall_clock_days"]) < float(rows[0]["wall_clock_days"])


def test_compare_plot(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "c.png"
    p = tc("compare", "--models", "llama-3.2-1b,llama-3.1-8b", "--tokens", "100B", "--plot", str(out))
    assert p.returncode == 0, p.stderr
    assert out.stat().st_size > 10_000 and out.read_bytes()[:4] == b"\x89PNG"


def test_year_projection():
    r = traincost.estimate(year=2028, price=2)
    pr = r.projection
    assert pr["factor"] == pytest.approx(2 ** (-2 / 2.07))
    assert pr["compute_usd"] == pytest.approx(r.cost.compute_usd * pr["factor"])


@pytest.mark.parametrize(
    "args, field",
    [
        (["--deadline", "soon"], "deadline"),
        (["--budget", "lots"], "budget"),
        (["--partners", "A:0.7"], "partners"),
        ([], "models"),
        (["--models", "llama-3.1-8b", "--plot", "x.pdf"], "plot"),
    ],
)
def test_compare_bad_input(args, field):
    p = tc("compare", *args)
    assert p.returncode == 2 and field in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
