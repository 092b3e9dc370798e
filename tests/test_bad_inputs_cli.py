"""A corpus of bad command-line inputs (issue 12): every command, every kind of bad value. Each must exit 2
with one line on stderr that names the field (or option), and never a traceback or an internal error.

The CLI runs in-process (``traincost.cli.main`` with an argv) so that the corpus takes seconds; a handful
of cases also run as real subprocesses."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from bad_configs import GEMMA2, LLAMA, QWEN_MOE  # noqa: E402
from traincost.cli import main


def _cfg(base: dict, **kw) -> str:
    return json.dumps({**base, **kw})


# name -> file content (bytes or str): written once into a folder; '{f:name}' in an argument is its path
FILES: dict[str, bytes | str] = {
    "binary.yaml": bytes(range(256)) * 4,
    "latin1.yaml": "model: caf\xe9\n".encode("latin-1"),
    "utf16.yaml": "model: llama-3.1-8b\n".encode("utf-16"),
    "big.yaml": b"# padding\n" * 300_000,  # 3 MB
    "list.yaml": "- a\n- b\n",
    "broken.yaml": "model: [unclosed\n",
    "unknown_field.yaml": "modle: llama-3.1-8b\n",
    "deep.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "bad_tokens.yaml": "tokens: lots\n",
    "bad_candidates.yaml": "candidates: 5\n",
    "cfg_binary.json": bytes(range(256)),
    "cfg_latin1.json": '{"model_type": "llama", "_name_or_path": "caf\xe9"}'.encode("latin-1"),
    "cfg_big.json": b" " * (2 * 1024 * 1024) + b"{}",
    "cfg_deep.json": "[" * 100_000 + "]" * 100_000,
    "cfg_list.json": "[1, 2]",
    "cfg_broken.json": '{"model_type": ',
    "cfg_bert.json": '{"model_type": "bert"}',
    "cfg_vocab0.json": _cfg(LLAMA, vocab_size=0),
    "cfg_ffn0.json": _cfg(LLAMA, intermediate_size=0),
    "cfg_nan.json": _cfg(LLAMA).replace('"hidden_size": 4096', '"hidden_size": NaN'),
    "cfg_inf.json": _cfg(LLAMA).replace('"hidden_size": 4096', '"hidden_size": 1e400'),
    "cfg_1e30.json": _cfg(LLAMA, intermediate_size=10**30),
    "cfg_lots.json": _cfg(LLAMA, max_position_embeddings="lots"),
    "cfg_layers.json": _cfg(LLAMA, num_hidden_layers=10**9),
    "cfg_moe_layers.json": _cfg(QWEN_MOE, num_hidden_layers=10**9),
    "cfg_experts.json": _cfg(QWEN_MOE, num_experts=10**6),
    "cfg_topk.json": _cfg(QWEN_MOE, num_experts_per_tok=61),
    "cfg_mlp_only.json": _cfg(QWEN_MOE, mlp_only_layers=[[1]]),
    "cfg_kv7.json": _cfg(LLAMA, num_key_value_heads=7),
    "cfg_heads33.json": _cfg(LLAMA, num_attention_heads=33, num_key_value_heads=33),
    "cfg_headdim0.json": _cfg(LLAMA, head_dim=0),
    "cfg_hidden_str.json": _cfg(LLAMA, hidden_size="4096"),
    "cfg_hidden_bool.json": _cfg(LLAMA, hidden_size=True),
    "cfg_hidden_frac.json": _cfg(LLAMA, hidden_size=4096.5),
    "cfg_hidden_neg.json": _cfg(LLAMA, hidden_size=-4096),
    "cfg_sw_abc.json": _cfg(GEMMA2, sliding_window="abc"),
    "cfg_missing.json": '{"model_type": "llama", "hidden_size": 64}',
    "hw_binary.yaml": bytes(range(256)),
    "hw_latin1.yaml": "accelerators:\n- id: caf\xe9\n".encode("latin-1"),
    "hw_notlist.yaml": "accelerators: 5\n",
    "hw_broken.yaml": "accelerators: [\n",
    "hw_big.yaml": b"#" * (2 * 1024 * 1024),
}
HW = """accelerators:
- id: mygpu
  name: My GPU
  peak_tflops: {{bf16: {bf16}}}
  memory_gb: 80
  memory_bw_tbps: 3.35
  node_size: {node_size}
  scale_up_size: 8
  scale_up_bw_gbs: 450
  scale_out_bw_gbs: 50
"""
FILES.update(
    {
        "hw_node_half.yaml": HW.format(bf16=989, node_size=0.5),
        "hw_node_inf.yaml": HW.format(bf16=989, node_size=".inf"),
        "hw_bf16_nan.yaml": HW.format(bf16=".nan", node_size=8),
        "hw_bf16_neg.yaml": HW.format(bf16=-1, node_size=8),
        "hw_node_zero.yaml": HW.format(bf16=989, node_size=0),
    }
)

E = ["estimate", "--model", "llama-3.1-8b", "--gpus", "64"]
BAD_VALUES = {  # flag -> bad values (the field is the flag's name)
    "tokens": ["-5", "0", "abc", "nan", "inf", "1e400", "1e30", "1X", "--"],
    "seq-len": ["0", "-1", "1.5", "abc", "1e400", "20M", "nan"],
    "gpus": ["0", "-8", "1.5", "abc", "1000000", "nan", "inf", "1e30"],
    "mfu": ["0", "1.5", "-0.1", "abc", "nan", "inf", "150%"],
    "price": ["0", "-1", "abc", "nan", "inf", "1e400", "1e7"],
    "precision": ["fp4", "BF16x", "int8"],
    "gpu": ["tpu-v9", " ", "x" * 300],
    "global-batch": ["0", "-1", "1.5", "abc", "1e30"],
    "global-batch-tokens": ["0", "abc", "1e13", "nan"],
    "optimizer": ["adam", "sgd2"],
    "realization": ["0", "1.5", "nan", "abc"],
    "kind": ["scratch"],
    "cpt-law": ["E=inf", "E=nan", "X=1", "E=-1", "garbage", "ratio=2", "E=1e400"],
    "serve": ["0", "-1", "1e20", "abc"],
    "months": ["0", "-1", "1e5", "nan"],
    "serve-price": ["0", "inf"],
    "year": ["2019", "2041", "2030.5", "abc"],
    "samples": ["10", "1e9", "1.5", "abc"],
    "seed": ["-1", "1.5", "1e12"],
    "provider": ["nope"],
    "pricing": ["monthly"],
    "region": ["nowhere"],
    "grid-intensity": ["-1", "nan", "1e400"],
    "pue": ["0.5", "4", "nan"],
    "power-fraction": ["0", "2"],
    "host-w-per-node": ["-1"],
    "electricity-price": ["-1", "inf"],
    "server-price": ["-1"],
    "lifetime-years": ["0", "-3"],
    "depreciation": ["linear"],
    "utilization": ["0", "2"],
    "facility": ["home"],
    "maintenance-share": ["2", "-0.1"],
    "data": ["klingon"],
    "bytes-per-token": ["0"],
    "storage-class": ["tape"],
    "storage-price": ["-1"],
    "checkpoints-kept": ["-1"],
    "checkpoint-stall-s": ["0"],
    "checkpoint-write-gb-s": ["0"],
    "interruption-rate": ["2", "nan"],
    "restart-minutes": ["-1"],
    "engineers": ["-1", "nan"],
    "engineer-cost": ["-1"],
    "prep-months": ["-1", "1e5"],
    "eval-months": ["-1"],
    "embodied-kg-per-gpu": ["-1"],
}
CASES: list[tuple[list[str], str]] = []
for flag, values in BAD_VALUES.items():
    for v in values:
        CASES.append(([*E, f"--{flag}", v], flag.replace("-", "_")))
CASES += [([*E, "--serve", "1e9", "--serve-gpu", "nope"], "serve_gpu")]

CFG_KEYS = {  # config file -> the config.json field its message names
    "cfg_bert.json": "model_type",
    "cfg_vocab0.json": "vocab_size",
    "cfg_ffn0.json": "intermediate_size",
    "cfg_nan.json": "hidden_size",
    "cfg_inf.json": "hidden_size",
    "cfg_1e30.json": "intermediate_size",
    "cfg_lots.json": "max_position_embeddings",
    "cfg_layers.json": "num_hidden_layers",
    "cfg_moe_layers.json": "num_hidden_layers",
    "cfg_experts.json": "num_experts",
    "cfg_topk.json": "num_experts_per_tok",
    "cfg_mlp_only.json": "mlp_only_layers",
    "cfg_kv7.json": "num_key_value_heads",
    "cfg_heads33.json": "num_attention_heads",
    "cfg_headdim0.json": "head_dim",
    "cfg_hidden_str.json": "hidden_size",
    "cfg_hidden_bool.json": "hidden_size",
    "cfg_hidden_frac.json": "hidden_size",
    "cfg_hidden_neg.json": "hidden_size",
    "cfg_sw_abc.json": "sliding_window",
    "cfg_missing.json": "num_hidden_layers",
}
MODEL_REFS = {  # --model value -> field named
    "gpt-9": "model",
    "x" * 300: "model",
    "a/" * 3000: "model",
    "/nonexistent/config.json": "model",
    ".": "model",
    "{f:binary.yaml}": "model",
    "pyproject.toml": "model",
    "con\x00fig.json": "model",
    **{f"{{f:{n}}}": key for n, key in CFG_KEYS.items()},
    **{
        f"{{f:{n}}}": "model"
        for n in (
            "cfg_binary.json",
            "cfg_latin1.json",
            "cfg_big.json",
            "cfg_deep.json",
            "cfg_list.json",
            "cfg_broken.json",
        )
    },
    "/dev/zero": "model",
}
for ref, field in MODEL_REFS.items():
    CASES.append((["estimate", "--gpus", "64", "--model", ref], field))
for n in ("cfg_layers.json", "cfg_experts.json", "cfg_kv7.json", "cfg_vocab0.json"):
    CASES.append((["plan", "--gpus", "64", "--model", f"{{f:{n}}}"], CFG_KEYS[n]))
    CASES.append((["audit", "--gpu-hours", "1000", "--model", f"{{f:{n}}}"], CFG_KEYS[n]))

for n in ("binary.yaml", "latin1.yaml", "utf16.yaml", "big.yaml", "list.yaml", "broken.yaml", "deep.yaml"):
    CASES.append((["estimate", f"{{f:{n}}}"], "scenario"))
    CASES.append((["compare", f"{{f:{n}}}", "--models", "llama-3.1-8b"], "scenario"))
CASES += [
    (["estimate", "{f:unknown_field.yaml}"], "modle"),
    (["estimate", "{f:bad_tokens.yaml}"], "tokens"),
    (["estimate", "/nonexistent/scenario.yaml"], "scenario"),
    (["estimate", "{dir}"], "scenario"),
    (["estimate", "/dev/zero"], "scenario"),
    (["report", "{f:binary.yaml}", "-o", "{dir}/r.html"], "scenario"),
]
for n in (
    "hw_binary.yaml",
    "hw_latin1.yaml",
    "hw_notlist.yaml",
    "hw_broken.yaml",
    "hw_big.yaml",
    "hw_node_half.yaml",
    "hw_node_inf.yaml",
    "hw_bf16_nan.yaml",
    "hw_bf16_neg.yaml",
    "hw_node_zero.yaml",
):
    CASES.append(
        (
            [*E, "--gpu", "mygpu", "--hardware-file", f"{{f:{n}}}"],
            "hardware_file" if "node" not in n and "bf16" not in n else "mygpu",
        )
    )
CASES += [
    ([*E, "--hardware-file", "/nonexistent.yaml"], "hardware_file"),
    ([*E, "--hardware-file", "/dev/zero"], "hardware_file"),
]

P = ["plan", "--model", "llama-3.1-70b", "--gpus", "512"]
CASES += [
    ([*P, "--tp", "128"], "tp"),
    ([*P, "--tp", "3"], "tp"),
    ([*P, "--tp", "16"], "tp"),
    ([*P, "--tp", "0"], "tp"),
    ([*P, "--tp", "abc"], "tp"),
    ([*P, "--tp", "1e9"], "tp"),
    (["plan", "--model", "mixtral-8x7b", "--gpus", "64", "--ep", "16"], "ep"),
    (["plan", "--model", "mixtral-8x7b", "--gpus", "64", "--ep", "3"], "ep"),
    (["plan", "--model", "qwen2-57b-a14b", "--gpus", "64", "--ep", "128"], "ep"),
    ([*P, "--ep", "2"], "ep"),
    ([*P, "--pp", "0"], "pp"),
    ([*P, "--pp", "128"], "pp"),
    ([*P, "--pp", "2", "--interleave", "64"], "pp"),
    ([*P, "--cp", "3"], "cp"),
    ([*P, "--cp", "0"], "cp"),
    ([*P, "--zero", "4"], "zero"),
    ([*P, "--zero", "-1"], "zero"),
    ([*P, "--micro-batch", "0"], "micro_batch"),
    ([*P, "--recompute", "some"], "recompute"),
    ([*E, "--gpus", "262144", "--interruption-rate", "0.01"], "interruption_rate"),
    ([*P, "--interleave", "0"], "interleave"),
    ([*P, "--interleave", "2000"], "interleave"),
    ([*P, "--top", "0"], "top"),
    ([*P, "--top", "-1"], "top"),
    ([*P, "--top", "abc"], "top"),
    ([*P, "--top", "51"], "top"),
    ([*P, "--top", "1.5"], "top"),
    (["plan", "--gpus", "1000000"], "gpus"),
    (["plan", "--model", "gpt-9"], "model"),
    (["plan", "--gpu", "nope"], "gpu"),
    (["plan", "--precision", "fp4"], "precision"),
    (["plan", "--optimizer", "adam"], "optimizer"),
    ([*P, "--tp", "2", "--pp", "2", "--dp", "2", "--cp", "1"], "dp"),
    (["plan", "--model", "llama-3.1-405b", "--gpus", "8"], "gpus"),
    (["plan", "--model", "llama-3.1-405b", "--gpus", "8", "--json"], "gpus"),
    (["plan", "--seq-len", "1000000"], "seq_len"),
]

C = ["compare", "--models", "llama-3.1-8b,llama-3.1-70b"]
CASES += [
    ([*C, "--deadline", "30d", "--budget", "1M"], "budget"),
    ([*C, "--deadline", "abc"], "deadline"),
    ([*C, "--deadline", "0"], "deadline"),
    ([*C, "--deadline", "-5d"], "deadline"),
    ([*C, "--deadline", "1e9d"], "deadline"),
    ([*C, "--budget", "abc"], "budget"),
    ([*C, "--budget", "0"], "budget"),
    ([*C, "--budget", "nan"], "budget"),
    ([*C, "--budget", "1"], "budget"),
    ([*C, "--budget", "1e20"], "budget"),
    ([*C, "--partners", "A:0.5"], "partners"),
    ([*C, "--partners", "A:nan,B:1"], "partners"),
    ([*C, "--partners", "A:x"], "partners"),
    ([*C, "--partners", ":1"], "partners"),
    ([*C, "--partners", "A:2,B:-1"], "partners"),
    (["compare", "--models", "llama-3-8b,gpt-9"], "model"),
    (["compare", "--models", "llama-3.1-8b,x" + "y" * 300], "model"),
    (["compare", "--models", ","], "models"),
    (["compare"], "models"),
    (["compare", "--gpus-list", "0,8"], "gpus"),
    (["compare", "--gpus-list", "abc"], "gpus"),
    (["compare", "--gpus-list", "8,1000000"], "gpus"),
    (["compare", "--hardware", "h100-sxm,nope"], "gpu"),
    (["compare", "--providers", "aws,nope"], "provider"),
    (["compare", "--gpus-list", ",".join(str(8 * i) for i in range(1, 202))], "candidates"),
    ([*C, "--plot", "{dir}/missing/chart.png"], "plot"),
    ([*C, "--plot", "{dir}/chart.pdf"], "plot"),
    ([*C, "--tokens", "-1"], "tokens"),
    ([*C, "--gpus", "0"], "gpus"),
    (["compare", "{f:bad_candidates.yaml}"], "candidates"),
    (["compare", "--models", "llama-3.1-405b", "--gpus", "8"], "gpus"),
]

A = ["audit", "--model", "llama-2-70b"]
CASES += [
    (A, "claim"),
    ([*A, "--gpu-hours", "1000", "--days", "3"], "claim"),
    ([*A, "--days", "3"], "gpus"),
    ([*A, "--cost", "5e-324"], "cost"),
    ([*A, "--gpu-hours", "0"], "gpu_hours"),
    ([*A, "--gpu-hours", "-1"], "gpu_hours"),
    ([*A, "--gpu-hours", "nan"], "gpu_hours"),
    ([*A, "--gpu-hours", "abc"], "gpu_hours"),
    ([*A, "--gpu-hours", "1e400"], "gpu_hours"),
    ([*A, "--days", "0", "--gpus", "8"], "days"),
    ([*A, "--cost", "abc", "--price", "2"], "cost"),
    ([*A, "--cost", "1000", "--price", "0"], "price"),
    (["audit", "--model", "gpt-9", "--gpu-hours", "1000"], "model"),
    ([*A, "--tokens", "0", "--gpu-hours", "1000"], "tokens"),
    ([*A, "--gpu", "nope", "--gpu-hours", "1000"], "gpu"),
    ([*A, "--gpus", "1000000", "--days", "3"], "gpus"),
    ([*A, "--seq-len", "0", "--gpu-hours", "1000"], "seq_len"),
    ([*A, "--precision", "fp4", "--gpu-hours", "1000"], "precision"),
]
CASES += [
    (["validate", "--bogus"], "--bogus"),
    (["validate", "extra"], "extra"),
    (["prices", "--gpu", "nope"], "gpu"),
    (["prices", "--provider", "nope"], "provider"),
    (["prices", "--bogus"], "--bogus"),
    (["models", "--bogus"], "--bogus"),
    (["models", "extra"], "extra"),
    (["hardware", "--bogus"], "--bogus"),
    (["hardware", "extra"], "extra"),
    (["init", "{f:list.yaml}"], "path"),
    (["init", "{dir}/missing/s.yaml"], "path"),
    (["init", "{dir}"], "path"),
    (["report", "-o", "{dir}/r.pdf"], "output"),
    (["report", "-o", "{dir}/missing/r.html"], "output"),
    (["report", "/nonexistent.yaml", "-o", "{dir}/r.html"], "scenario"),
    (["report", "--gpus", "0", "-o", "{dir}/r.html"], "gpus"),
    (["report", "--model", "gpt-9", "-o", "{dir}/r.html"], "model"),
    (["serve", "--port", "0"], "port"),
    (["serve", "--port", "70000"], "port"),
    (["serve", "--port", "abc"], "port"),
    (["serve", "--port", "-1"], "port"),
    (["serve", "--bogus"], "--bogus"),
    (["nosuchcommand"], "nosuchcommand"),
    (["estimate", "--bogus", "1"], "--bogus"),
    (["estimate", "--tokens"], "--tokens"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bad")
    for name, content in FILES.items():
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    return d


def _expand(args: list[str], d: Path) -> list[str]:
    out = []
    for a in args:
        if a.startswith("{f:"):
            a = str(d / a[3:-1])
        out.append(a.replace("{dir}", str(d)))
    return out


def run_cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # a numeric warning would be a second stderr line
        try:
            main(args)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def test_corpus_is_large_enough():
    assert len(CASES) >= 200
    assert {a[0] for a, _ in CASES} >= {
        "estimate",
        "plan",
        "compare",
        "audit",
        "validate",
        "prices",
        "models",
        "hardware",
        "init",
        "report",
        "serve",
    }


@pytest.mark.parametrize("args, field", CASES, ids=[" ".join(a)[:80] for a, _ in CASES])
def test_bad_input_exits_2_naming_the_field(files, args, field, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])  # so that 'pyproject.toml' is a real file
    t0 = time.perf_counter()
    code, _out, err = run_cli(_expand(args, files))
    took = time.perf_counter() - t0
    line = err.strip()
    assert code == 2, (code, err)
    assert line.startswith("error: ") and "\n" not in line, err
    assert "internal error" not in line and "Traceback" not in line, err
    assert field.lower() in line.lower(), (field, line)
    assert took < 20, took  # refused quickly (a 3 MB YAML, /dev/zero, 10^9 layers)


@pytest.mark.parametrize(
    "args, field",
    [
        (["estimate", "--gpus", "1000000"], "gpus"),
        (["estimate", "/dev/zero"], "scenario"),
        (["plan", "--model", "llama-3.1-70b", "--tp", "128"], "tp"),
        (["compare", "--models", "llama-3-8b,gpt-9"], "model"),
        (["audit", "--model", "llama-2-70b"], "claim"),
    ],
)
def test_real_subprocess(args, field):
    p = subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 2 and p.stderr.startswith("error: ") and field in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


def test_limits_state_their_bounds(files):
    _, _, err = run_cli(["estimate", "--gpus", "1000000"])
    assert "262,144" in err
    _, _, err = run_cli(["estimate", "--model", str(files / "cfg_layers.json")])
    assert "num_hidden_layers" in err and "1,024" in err
    _, _, err = run_cli(["estimate", "--model", str(files / "cfg_experts.json")])
    assert "num_experts" in err and "4,096" in err
    _, _, err = run_cli(["plan", "--model", "llama-3.1-70b", "--gpus", "512", "--tp", "128"])
    assert "64 attention heads and 8 KV heads" in err and "1, 2, 4, 8" in err
    _, _, err = run_cli(["plan", "--gpus", "64", "--top", "0"])
    assert "from 1 to 50" in err


def test_serve_on_a_port_in_use_is_an_input_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        code, _, err = run_cli(["serve", "--host", "127.0.0.1", "--port", str(s.getsockname()[1])])
    assert (
        code == 2 and err.startswith("error: port: cannot listen on 127.0.0.1:") and "\n" not in err.strip()
    ), err


def test_hf_hub_offline_fails_fast_without_network(monkeypatch):
    """--hf-hub with no network: one line in seconds (it took 26 s). No connection is attempted in the test:
    the probe's socket call is replaced by one that fails the way an offline machine does."""
    import socket

    calls = []

    def offline(addr, timeout=None):
        calls.append((addr, timeout))
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", offline)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    t0 = time.perf_counter()
    code, _, err = run_cli(["estimate", "--model", "meta-llama/Llama-3.1-8B", "--hf-hub"])
    assert (
        code == 2
        and err.startswith("error: hf_hub: cannot reach the Hugging Face Hub")
        and "\n" not in err.strip()
    )
    assert time.perf_counter() - t0 < 5 and calls and calls[0][1] <= 3
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    calls.clear()
    code, _, err = run_cli(["estimate", "--model", "meta-llama/Llama-3.1-8B", "--hf-hub"])
    assert code == 2 and "HF_HUB_OFFLINE" in err and not calls
