"""The web calculator: API tests against the real app, a browser test against a real server in headless
Chromium, and property-based tests generated from the OpenAPI document."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

fastapi = pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from traincost.present.web.app import MAX_CANDIDATES, create_app  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "out"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def test_openapi_lists_the_api(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/estimate", "/api/plan", "/api/compare", "/api/audit"} <= set(spec["paths"])


def test_estimate(client):
    r = client.post(
        "/api/estimate", json={"model": "llama-3.1-70b", "tokens": "1T", "gpu": "h100-sxm", "gpus": 512}
    )
    assert r.status_code == 200
    d = r.json()
    assert d["time"]["gpu_hours"] > 0 and d["ranges"]["cost_usd"]["p10"] < d["ranges"]["cost_usd"]["p90"]
    # same schema and numbers as the Python API / CLI
    import traincost

    assert d["time"]["gpu_hours"] == pytest.approx(traincost.estimate(gpus=512).time.gpu_hours)


def test_estimate_with_inline_config(client):
    import traincost

    cfg = traincost.catalog.models()["qwen2.5-0.5b"].config
    d = client.post("/api/estimate", json={"config": cfg, "tokens": "10B", "gpus": 8}).json()
    assert d["model"]["params"] == traincost.catalog.models()["qwen2.5-0.5b"].arch.params


@pytest.mark.parametrize(
    "body, field",
    [
        ({"model": "llama-3.1-70b", "tokens": "-5"}, "tokens"),
        ({"model": "no-such-model"}, "model"),
        ({"gpu": "no-such-gpu"}, "gpu"),
        ({"gpus": 0}, "gpus"),
        ({"mfu": 1.5}, "mfu"),
        ({"tokns": "1T"}, "tokns"),
        ({"model": "/etc/passwd"}, "model"),
        ({"model": "../models/x.json"}, "model"),
        ({"hardware_file": "/etc/hosts"}, "hardware_file"),
        ({"samples": 10_000_000}, "samples"),
        ({"config": {"model_type": "bert"}}, "config"),
    ],
)
def test_bad_input_is_422_with_field(client, body, field):
    r = client.post("/api/estimate", json=body)
    assert r.status_code == 422
    assert field in r.json()["error"]


def test_plan_compare_audit(client):
    p = client.post("/api/plan", json={"model": "llama-3.1-8b", "gpus": 64}).json()
    assert p["layout"]["tp"] >= 1 and p["search"]["evaluated"] > 100
    c = client.post(
        "/api/compare", json={"models": ["llama-3.1-8b", "llama-3.1-70b"], "scenario": {"tokens": "1T"}}
    ).json()
    assert (
        len(c["candidates"]) == 2
        and c["candidates"][0]["quality"]["loss"] > c["candidates"][1]["quality"]["loss"]
    )
    a = client.post(
        "/api/audit", json={"model": "llama-2-70b", "tokens": "1T", "gpu": "h100-sxm", "gpu_hours": 80000}
    ).json()
    assert a["verdict"] == "impossible"


def test_limits(client):
    r = client.post("/api/compare", json={"models": [f"m{i}" for i in range(MAX_CANDIDATES + 1)]})
    assert r.status_code == 422
    big = "x" * (300 * 1024)
    r = client.post(
        "/api/estimate", content=json.dumps({"model": big}), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


def test_page_and_assets_are_local(client):
    page = client.get("/").text
    assert "<form" in page
    for line in page.splitlines():
        if "src=" in line or "href=" in line:
            assert "http://" not in line and "https://" not in line  # nothing from a CDN
    assert client.get("/static/app.js").status_code == 200


# ----------------------------------------------------------------------------- a real server and browser


def test_browser_fills_the_form_and_reads_the_answer(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(server + "/")
    page.wait_for_selector("#answer:not([hidden])", timeout=30_000)
    page.select_option("#model", "llama-3.1-8b")
    page.fill("#tokens", "500B")
    page.fill("#gpus", "64")
    page.fill("#price", "2.5")
    page.click("#go")
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('500B tokens on 64')", timeout=30_000
    )
    cost = page.text_content("#cost")
    assert cost.startswith("$")
    assert "model=llama-3.1-8b" in page.url and "gpus=64" in page.url  # the URL holds the inputs
    expected = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                server + "/api/estimate",
                json.dumps(
                    {
                        "model": "llama-3.1-8b",
                        "tokens": "500B",
                        "gpus": 64,
                        "price": "2.5",
                        "pricing": "on-demand",
                        "seq_len": "4096",
                        "gpu": "h100-sxm",
                    }
                ).encode(),
                {"content-type": "application/json"},
            )
        ).read()
    )
    # the card shows the answer (the median); the bill's total is the point estimate; both match the API
    assert (
        abs(
            float(cost.strip("$kM").replace(",", ""))
            - expected["answer"]["cost_usd"] / (1e6 if "M" in cost else 1e3)
        )
        < 0.1
    )
    total = page.text_content("#total")
    assert (
        abs(
            float(total.strip("$kM").replace(",", ""))
            - expected["cost"]["total_usd"] / (1e6 if "M" in total else 1e3)
        )
        < 0.1
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "web-calculator.png"), full_page=True)
    # a shared URL restores the inputs
    page.goto(page.url)
    page.wait_for_selector("#answer:not([hidden])", timeout=30_000)
    assert page.input_value("#gpus") == "64" and page.input_value("#tokens") == "500B"


def test_browser_accepts_every_count_greys_stale_answers_and_flags_unknown_links(server, browser):
    """Issue 12: 8, 64 and 512 accelerators pass the browser's own validation (no step=8 trap); after an
    error the old answer is greyed out; a link with an unknown model says so instead of guessing."""
    page = browser.new_page()
    page.goto(server + "/")
    page.wait_for_selector("#answer:not([hidden])", timeout=30_000)
    for n in ("8", "64", "512", "1000"):
        page.fill("#gpus", n)
        assert page.eval_on_selector("#gpus", "el => el.checkValidity()"), n
    page.fill("#gpus", "64")
    page.click("#go")
    page.wait_for_function("document.querySelector('#status').textContent.includes('on 64')", timeout=30_000)
    cleared = "el => el.hidden || el.classList.contains('stale')"  # cleared or greyed: no stale numbers
    assert not page.eval_on_selector("#answer", cleared)
    page.fill("#tokens", "-5")
    page.wait_for_selector("#status.error", timeout=30_000)
    assert "tokens" in page.text_content("#status")
    assert page.eval_on_selector("#answer", cleared)
    page.goto(server + "/?model=gpt-9&gpus=64")
    page.wait_for_selector("#status.error", timeout=30_000)
    assert "unknown model 'gpt-9'" in page.text_content("#status")


# ----------------------------------------------------------------------------- property-based API tests


def test_openapi_fuzz_no_server_errors(server):
    """schemathesis generates requests from /openapi.json, schema-valid and schema-invalid, with a fixed seed
    (derandomize) and a bounded number of examples: no response may be a 5xx, and every refusal is one line
    naming the field."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis.errors import Unsatisfiable
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_url(server + "/openapi.json")
    failures = []
    for op in schema.get_all_operations():
        operation = op.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, failures)
            except (
                Unsatisfiable
            ):  # no invalid input exists for an operation without parameters (GET /api/catalog)
                assert mode is GenerationMode.NEGATIVE
    assert not failures, failures


def _fuzz(operation, mode, failures: list) -> None:
    from hypothesis import HealthCheck, given, settings

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        resp = case.call(timeout=60)
        if resp.status_code >= 500 and resp.status_code != 503:
            failures.append(
                (case.operation.label, mode.value, resp.status_code, resp.text[:600], str(case.body)[:600])
            )
        elif resp.status_code in (413, 422):
            err = resp.json().get("error", "")
            if not err or "\n" in err or "Traceback" in err or ":" not in err:
                failures.append((case.operation.label, mode.value, resp.status_code, resp.text[:200]))

    check()
