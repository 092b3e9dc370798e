"""A corpus of bad web API requests (issue 12), over every endpoint: each must answer 422 (or 413) with an
`error` line that starts with the field it is about, and never a 5xx; the server keeps answering after
the ones that would have been expensive (10^9 layers, 10^6 experts, a million GPUs)."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from bad_configs import GEMMA2, LLAMA, QWEN_MOE  # noqa: E402
from traincost.present.web.app import create_app  # noqa: E402

CASES: list[tuple[str, dict | str, str]] = []  # (path, JSON body or raw text, field the error starts with)

VALUES = {
    "tokens": ["-5", 0, "abc", -1e9, 1e30, [1], {"a": 1}, True, ""],
    "seq_len": [0, -1, 1.5, "abc", 10**9],
    "gpus": [0, -8, 1.5, "abc", 1_000_000, 10**30, True, [8]],
    "mfu": [0, 1.5, -0.1, "abc", "150%"],
    "price": [0, -1, "abc", 1e7],
    "precision": ["fp4", 16],
    "gpu": ["tpu-v9", "", "x" * 300, 5],
    "model": ["gpt-9", "", "x" * 300, 7, "../config.json", ".", "pyproject.toml"],
    "global_batch": [0, 1.5, 10**30],
    "global_batch_tokens": [0, 1e13],
    "optimizer": ["adam"],
    "samples": [10, 10_000_000, 20_001],
    "seed": [-1, 2**40],
    "cpt_law": [{}, {"X": 1}, {"E": -1}, "E=inf", {"ratio": 2}, {"E": "abc"}],
    "year": [2019, 2041],
    "months": [0, -1],
    "serve": [0, 1e20],
    "pue": [0.5, 4],
    "utilization": [0, 2],
    "interruption_rate": [2],
    "engineers": [-1],
    "pricing": ["monthly"],
    "provider": ["nope"],
    "region": ["nowhere"],
    "hardware_file": ["/etc/hosts", "hw.yaml"],
    "hf_hub": [True],
    "tokns": ["1T"],
}
for field, values in VALUES.items():
    for v in values:
        CASES.append(("/api/estimate", {field: v}, field))

CONFIGS = {  # inline config -> the config field its message names
    "vocab_size": {**LLAMA, "vocab_size": 0},
    "intermediate_size": {**LLAMA, "intermediate_size": 0},
    "num_hidden_layers": {**LLAMA, "num_hidden_layers": 10**9},
    "num_experts": {**QWEN_MOE, "num_experts": 10**6},
    "num_key_value_heads": {**LLAMA, "num_key_value_heads": 7},
    "num_attention_heads": {**LLAMA, "num_attention_heads": 33, "num_key_value_heads": 33},
    "head_dim": {**LLAMA, "head_dim": 0},
    "max_position_embeddings": {**LLAMA, "max_position_embeddings": "lots"},
    "sliding_window": {**GEMMA2, "sliding_window": "abc"},
    "model_type": {"model_type": "bert"},
    "hidden_size": {**LLAMA, "hidden_size": 1.5},
    "num_experts_per_tok": {**QWEN_MOE, "num_experts_per_tok": 0},
}
for cfg in CONFIGS.values():
    CASES.append(("/api/estimate", {"config": cfg, "gpus": 8}, "config"))
# numbers JSON cannot carry but Python's parser accepts: NaN, Infinity, 1e400
for raw, field in [
    ('{"config": ' + json.dumps(LLAMA).replace("4096", "NaN", 1) + "}", "config"),
    ('{"config": ' + json.dumps(LLAMA).replace("4096", "1e400", 1) + "}", "config"),
    ('{"tokens": NaN}', "tokens"),
    ('{"tokens": Infinity}', "tokens"),
    ('{"gpus": 1e400}', "gpus"),
    ('{"mfu": NaN}', "mfu"),
    ('{"price": -Infinity}', "price"),
    ('{"cpt_law": {"E": Infinity}}', "cpt_law"),
    ('{"model": "\\ud800"}', "model"),
    ("[" * 100_000 + "]" * 100_000, "body"),
    ('{"tokens": ', "body"),
    ('{"model": "llama-3.1-8b"', "body"),
    ("not json", "body"),
]:
    CASES.append(("/api/estimate", raw, field))

PLAN = {"model": "llama-3.1-70b", "gpus": 512}
for body, field in [
    ({"tp": 128}, "tp"),
    ({"tp": 3}, "tp"),
    ({"tp": 0}, "tp"),
    ({"pp": 128}, "pp"),
    ({"pp": 0}, "pp"),
    ({"cp": 3}, "cp"),
    ({"ep": 2}, "ep"),
    ({"zero": 4}, "zero"),
    ({"zero": -1}, "zero"),
    ({"micro_batch": 0}, "micro_batch"),
    ({"recompute": "some"}, "recompute"),
    ({"interleave": 0}, "interleave"),
    ({"interleave": 5000}, "interleave"),
    ({"gpus": 1_000_000}, "gpus"),
    ({"model": "gpt-9"}, "model"),
    ({"model": "CONFIG.JSON"}, "model"),
    ({"hardware_file": "/etc/hosts"}, "hardware_file"),
    ({"top": 5}, "top"),
    ({"tp": 2, "pp": 2, "dp": 2, "cp": 1}, "dp"),
]:
    CASES.append(("/api/plan", {**PLAN, **body}, field))
for body, field in [
    ({"model": "mixtral-8x7b", "gpus": 64, "ep": 16}, "ep"),
    ({"model": "mixtral-8x7b", "gpus": 64, "ep": 3}, "ep"),
]:
    CASES.append(("/api/plan", body, field))

AUD = {"model": "llama-2-70b"}
for body, field in [
    ({}, "claim"),
    ({"gpu_hours": 1000, "days": 3}, "gpus"),
    ({"days": 3}, "gpus"),
    ({"cost": 5e-324}, "cost"),
    ({"gpu_hours": 0}, "gpu_hours"),
    ({"gpu_hours": -1}, "gpu_hours"),
    ({"gpu_hours": "abc"}, "gpu_hours"),
    ({"gpu_hours": 1e20}, "gpu_hours"),
    ({"days": 0, "gpus": 8}, "days"),
    ({"cost": 1000, "price": 0}, "price"),
    ({"model": "gpt-9", "gpu_hours": 1000}, "model"),
    ({"model": "..", "gpu_hours": 1000}, "model"),
    ({"gpu": "nope", "gpu_hours": 1000}, "gpu"),
    ({"tokens": 0, "gpu_hours": 1000}, "tokens"),
    ({"config": LLAMA, "gpu_hours": 1000}, "config"),
]:
    CASES.append(("/api/audit", {**AUD, **body}, field))

M2 = ["llama-3.1-8b", "llama-3.1-70b"]
for body, field in [
    ({"models": M2, "deadline": "30d", "budget": "1M"}, "budget"),
    ({"models": M2, "deadline": "abc"}, "deadline"),
    ({"models": M2, "deadline": "0"}, "deadline"),
    ({"models": M2, "budget": "abc"}, "budget"),
    ({"models": M2, "budget": "1"}, "budget"),
    ({"models": M2, "partners": "A:0.5"}, "partners"),
    ({"models": M2, "partners": "A:x"}, "partners"),
    ({"models": ["llama-3-8b", "gpt-9"]}, "models"),
    ({"models": []}, "models"),
    ({}, "models"),
    ({"models": ["m"] * 21}, "models"),
    ({"gpus_list": [0, 8]}, "gpus_list"),
    ({"gpus_list": [8, 1_000_000]}, "gpus_list"),
    ({"hardware": ["nope"]}, "gpu"),
    ({"providers": ["nope"]}, "provider"),
    ({"candidates": [{"model": "gpt-9"}]}, "candidates"),
    ({"candidates": [{"model": "pyproject.toml"}]}, "candidates"),
    ({"candidates": [{"hardware_file": "/etc/hosts"}]}, "candidates"),
    ({"candidates": [{"gpus": 0}]}, "candidates"),
    ({"candidates": [{}] * 21}, "candidates"),
    ({"candidates": [5]}, "candidates"),
    ({"models": M2, "scenario": {"tokens": -1}}, "scenario"),
    ({"models": M2, "scenario": {"model": "/etc/passwd"}}, "scenario"),
    ({"models": M2, "gpus_list": [8 * i for i in range(1, 12)]}, "candidates"),
    ({"models": ["llama-3.1-405b"], "scenario": {"gpus": 8}}, "gpus"),
    ({"models": M2, "extra": 1}, "extra"),
    ({"models": M2, "scenario": {"gpus": 262144, "interruption_rate": 0.01}}, "interruption_rate"),
]:
    CASES.append(("/api/compare", body, field))


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app()) as c:
        yield c


def test_corpus_is_large_enough():
    assert len(CASES) >= 100
    assert {p for p, _, _ in CASES} == {"/api/estimate", "/api/plan", "/api/audit", "/api/compare"}


@pytest.mark.parametrize("path, body, field", CASES, ids=[f"{p} {str(b)[:60]}" for p, b, _ in CASES])
def test_bad_request_is_422_naming_the_field(client, path, body, field):
    t0 = time.perf_counter()
    if isinstance(body, str):
        r = client.post(
            path, content=body.encode("utf-8", "surrogatepass"), headers={"content-type": "application/json"}
        )
    else:
        r = client.post(path, json=body)
    took = time.perf_counter() - t0
    assert r.status_code == 422, (r.status_code, r.text[:300])
    err = r.json()["error"]
    assert err.split(":")[0].split(".")[0] == field or err.startswith(field), (field, err)
    assert "\n" not in err and "Traceback" not in err and "internal error" not in err, err
    assert took < 15, took


def test_the_server_keeps_answering_after_the_expensive_ones(client):
    t0 = time.perf_counter()
    for cfg in (CONFIGS["num_hidden_layers"], CONFIGS["num_experts"]):
        assert client.post("/api/estimate", json={"config": cfg}).status_code == 422
    assert client.post("/api/estimate", json={"gpus": 1_000_000}).status_code == 422
    assert time.perf_counter() - t0 < 5
    assert client.get("/healthz").json()["status"] == "ok"
    r = client.post("/api/estimate", json={"model": "llama-3.1-8b", "gpus": 64, "mfu": 0.4, "price": 2})
    assert r.status_code == 200 and r.json()["hardware"]["count"] == 64


def test_openapi_states_the_enforced_bounds(client):
    """The schema publishes the constraints the server enforces (issue 12: price 0, cpt_law {} and interleave 0
    were schema-valid but refused)."""
    comps = client.get("/openapi.json").json()["components"]["schemas"]

    def prop(model, name):
        p = comps[model]["properties"][name]
        return next((x for x in p.get("anyOf", [p]) if x.get("type") != "null"), p)

    assert prop("WebScenario", "price")["exclusiveMinimum"] == 0
    assert prop("WebScenario", "gpus")["maximum"] == 262_144 and prop("WebScenario", "gpus")["minimum"] == 1
    assert prop("WebScenario", "samples")["maximum"] == 20_000
    assert prop("WebScenario", "cpt_law")["minProperties"] == 1
    assert prop("WebScenario", "model")["maxLength"] == 200
    assert prop("WebPlanRequest", "interleave")["minimum"] == 1
    assert prop("WebPlanRequest", "zero")["maximum"] == 3
    assert prop("CompareRequest", "models")["maxItems"] == 20


def test_control_characters_in_a_value_stay_escaped_on_one_line(client):
    """A name with a line break or control characters (schemathesis generated one) is echoed escaped:
    the error stays one line."""
    for path in ("/api/plan", "/api/estimate"):
        r = client.post(path, json={"gpu": "a\nb\x13c"})
        assert r.status_code == 422
        err = r.json()["error"]
        assert err.startswith("gpu") and "\n" not in err and "\\n" in err and "\\x13" in err
