"""The command line as a user runs it: a real subprocess of the installed entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

JSON_KEYS = [
    "model.name",
    "model.params",
    "model.active_params",
    "tokens",
    "flops.per_token",
    "flops.total",
    "hardware.gpu",
    "hardware.count",
    "throughput.mfu",
    "throughput.tokens_per_s",
    "time.gpu_hours",
    "time.wall_clock_days",
    "cost.total_usd",
]


def tc(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def dig(d, dotted):
    for k in dotted.split("."):
        d = d[k]
    return d


def test_estimate_without_arguments_answers_the_70b_question():
    p = tc("estimate", "--json")
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    for k in JSON_KEYS:
        dig(d, k)
    assert d["model"]["name"] == "llama-3.1-70b"
    assert d["tokens"] == 1e12
    assert d["hardware"]["gpu"] == "h100-sxm"
    assert {a["field"] for a in d["assumptions"]} >= {
        "model",
        "tokens",
        "seq_len",
        "gpu",
        "gpus",
        "global_batch",
        "price",
    }
    # MFU comes from the planner's best layout, not from a default
    assert d["throughput"]["mfu_basis"] == "planner" and d["throughput"]["layout"]["tp"] >= 1
    assert 0.25 < d["throughput"]["mfu"] < 0.6
    # 70.6B params x 1T tokens: 6ND = 4.23e23; with causal attention at 4096 a few % more
    assert 4.23e23 < d["flops"]["total"] < 4.5e23


def test_estimate_table_prints_every_default_as_an_assumption():
    p = tc("estimate", "--assumptions")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    for word in ("GPU-hours", "wall clock", "assumptions", "seq_len", "layout", "price", "Llama 3.1 70B"):
        assert word in out


def test_flags(tmp_path):
    p = tc(
        "estimate",
        "--model",
        "mixtral-8x7b",
        "--tokens",
        "500B",
        "--seq-len",
        "4096",
        "--gpu",
        "a100-80gb",
        "--gpus",
        "256",
        "--mfu",
        "0.4",
        "--price",
        "2",
        "--json",
    )
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["model"]["active_params"] < d["model"]["params"]
    assert d["throughput"]["mfu"] == 0.4
    assert d["cost"]["compute_usd"] == pytest.approx(
        d["time"]["gpu_hours"] * 2
    )  # GPU-hours include failure overhead
    assert d["time"]["gpu_hours"] > d["time"]["failure_free_gpu_hours"]
    # tokens/s = MFU x GPUs x peak / FLOPs per token (PaLM's MFU definition, solved for tokens/s)
    assert d["throughput"]["tokens_per_s"] == pytest.approx(0.4 * 256 * 312e12 / d["flops"]["per_token"])
    fields = {a["field"] for a in d["assumptions"]}
    assert not fields & {
        "model",
        "tokens",
        "gpu",
        "gpus",
        "mfu",
        "price",
        "global_batch",
    }  # given, or not needed


def test_scenario_file_and_flag_override(tmp_path):
    p = tc("init", "s.yaml", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    base = json.loads(tc("estimate", str(tmp_path / "s.yaml"), "--json").stdout)
    assert base["model"]["name"] == "llama-3.1-70b" and base["hardware"]["count"] == 512
    over = json.loads(tc("estimate", str(tmp_path / "s.yaml"), "--gpus", "1024", "--json").stdout)
    assert over["hardware"]["count"] == 1024
    # the planner re-plans for the bigger cluster: about half the days
    assert 0.45 <= over["time"]["wall_clock_days"] / base["time"]["wall_clock_days"] < 0.6
    fixed = [
        json.loads(tc("estimate", str(tmp_path / "s.yaml"), "--gpus", g, "--mfu", "0.4", "--json").stdout)
        for g in ("512", "1024")
    ]
    assert fixed[1]["time"]["failure_free_days"] == pytest.approx(fixed[0]["time"]["failure_free_days"] / 2)
    assert tc("init", "s.yaml", cwd=tmp_path).returncode == 2  # refuses to overwrite


def test_config_json_path(tmp_path):
    from traincost import catalog

    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(catalog.models()["qwen2.5-7b"].config))
    d = json.loads(tc("estimate", "--model", str(cfg), "--json").stdout)
    assert d["model"]["params"] == catalog.models()["qwen2.5-7b"].arch.params


@pytest.mark.parametrize(
    "args, field",
    [
        (["--tokens", "-5"], "tokens"),
        (["--tokens", "lots"], "tokens"),
        (["--model", "no-such-model"], "model"),
        (["--gpu", "no-such-gpu"], "gpu"),
        (["--gpus", "0"], "gpus"),
        (["--gpus", "2.5"], "gpus"),
        (["--mfu", "1.5"], "mfu"),
        (["--mfu", "0"], "mfu"),
        (["--price", "-1"], "price"),
        (["--seq-len", "abc"], "seq_len"),
        (["--precision", "int4"], "precision"),
        (["missing.yaml"], "scenario"),
        (["--nope"], "--nope"),
    ],
)
def test_bad_input_is_one_line_exit_2(args, field):
    p = tc("estimate", *args)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    assert "Traceback" not in p.stderr + p.stdout
    assert field in lines[0]


def test_bad_scenario_files(tmp_path):
    (tmp_path / "typo.yaml").write_text("tokns: 1T\n")
    (tmp_path / "bad.yaml").write_text("model: [unclosed\n")
    (tmp_path / "cfg.json").write_text("{not json")
    for args, frag in (
        (["typo.yaml"], "tokns: unknown field"),
        (["bad.yaml"], "not valid YAML"),
        (["--model", "cfg.json"], "not valid JSON"),
    ):
        p = tc("estimate", *args, cwd=tmp_path)
        assert p.returncode == 2 and frag in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr


def test_models_lists_catalog_with_params():
    d = json.loads(tc("models", "--json").stdout)
    ids = {m["id"]: m for m in d}
    assert ids["llama-2-70b"]["params"] == 68_976_648_192
    assert len(ids) >= 29
    table = tc("models").stdout
    assert "llama-3.1-405b" in table and "deepseek-v3" in table


def test_hardware_lists_catalog():
    d = json.loads(tc("hardware", "--json").stdout)
    ids = {a["id"] for a in d}
    assert {"a100-40gb", "a100-80gb", "h100-sxm", "h200"} <= ids


def test_hub_lookup_only_behind_the_flag(monkeypatch):
    """Without --hf-hub a repo id is not looked up (no network); with it, a failed lookup is one clear line."""
    p = tc("estimate", "--model", "meta-llama/Llama-3.1-8B")
    assert p.returncode == 2 and "cannot read config file" in p.stderr
    pytest.importorskip("huggingface_hub")
    import os

    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    p = subprocess.run(
        [sys.executable, "-m", "traincost", "estimate", "--model", "meta-llama/Llama-3.1-8B", "--hf-hub"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert p.returncode == 2 and "Hugging Face Hub" in p.stderr and len(p.stderr.strip().splitlines()) == 1, (
        p.stderr
    )
