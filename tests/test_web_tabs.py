"""The web calculator in headless Chromium: every tab works, downloads arrive, the console stays clean, no
request leaves the machine, and nothing overflows at 1280 or 390 pixels wide."""

from __future__ import annotations

import csv
import io
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
ARTIFACTS = Path(__file__).resolve().parents[1] / "out"


def _page(browser, server, width: int):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((server, "blob:", "data:")) else problems.append(f"external: {r.url}")
        ),
    )
    return ctx, page, problems


def _no_overflow(page) -> None:
    sw, iw = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sw <= iw, f"page is {sw}px wide in a {iw}px window"


def test_every_tab_and_download(browser, server):
    ctx, page, problems = _page(browser, server, 1280)
    page.goto(server + "/?model=llama-3.1-8b&tokens=100B&gpus=64&samples=2000")
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    headline = page.text_content("#headline")
    assert headline.startswith("$") and "days" in headline and "P10-P90" in headline
    assert page.text_content("#headline").startswith(page.text_content("#cost"))
    # options show on the page: --year and --serve change the answer, not only the JSON
    page.fill("#year", "2027")
    page.fill("#serve", "1B")
    page.wait_for_function(
        "document.querySelector('#paragraph').textContent.includes('Bought in 2027')", timeout=60_000
    )
    assert "Serving 1B" in page.text_content("#paragraph") and "year=2027" in page.url
    # downloads: the bill as CSV and XLSX, the report as HTML
    with page.expect_download() as d:
        page.click("#dl-csv")
    rows = list(csv.DictReader(io.StringIO(Path(d.value.path()).read_text())))
    assert rows[-1]["item"] == "total" and sum(float(r["usd"]) for r in rows[:-1]) == pytest.approx(
        float(rows[-1]["usd"])
    )
    with page.expect_download() as d:
        page.click("#dl-xlsx")
    assert Path(d.value.path()).read_bytes()[:2] == b"PK" and d.value.suggested_filename.endswith(".xlsx")
    with page.expect_download(timeout=60_000) as d:
        page.click("#dl-report")
    report = Path(d.value.path()).read_text()
    assert "<svg" in report and "Bought in 2027" in report
    # compare: two candidates by default, add a third; the chart marks the Pareto front
    page.click("[data-tab=compare]")
    page.wait_for_selector("#cmp-out:not([hidden])", timeout=60_000)
    page.click("#cmp-add")
    page.select_option("#cmp-rows tbody tr:nth-child(3) .c-gpu", "h200")
    page.click("#cmp-go")
    page.wait_for_function("document.querySelectorAll('#cmp-table tbody tr').length === 3", timeout=60_000)
    assert page.locator("#cmp-chart circle").count() == 3 and "Cheapest:" in page.text_content(
        "#cmp-headline"
    )
    assert "tab=compare" in page.url
    # plan: layouts with memory and time breakdown
    page.click("[data-tab=plan]")
    page.wait_for_selector("#plan-out:not([hidden])", timeout=60_000)
    assert (
        page.text_content("#plan-headline").startswith("TP") and page.locator("#plan-mem rect").count() >= 3
    )
    # audit: paste the seed claim, read its numbers, one verdict per figure
    page.click("[data-tab=audit]")
    page.fill(
        "#audit-text",
        "Continued pre-training of a 70B model on 1T tokens took 80,000 GPU-hours and cost $160k.",
    )
    page.click("#audit-parse")
    assert page.input_value("#audit-gpu_hours") == "80,000" and page.input_value("#audit-cost") == "160k"
    page.select_option("#model", "llama-3.1-70b")
    page.fill("#tokens", "1T")
    page.click("#audit-go")
    page.wait_for_selector("#audit-out:not([hidden])", timeout=60_000)
    assert page.text_content("#audit-headline").startswith("gpu hours: IMPOSSIBLE; cost:")
    assert page.locator("#audit-table tbody tr").count() == 2
    assert not problems, problems
    ctx.close()


def test_custom_config_upload_is_kept_in_the_url(browser, server, tmp_path):
    import json

    from traincost import catalog

    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps(catalog.models()["qwen2.5-0.5b"].config))
    ctx, page, problems = _page(browser, server, 1280)
    page.goto(server + "/?model=llama-3.1-8b&tokens=10B&gpus=8&samples=1000")
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    page.select_option("#model", "__custom__")
    page.set_input_files("#config-file", str(cfg))
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('on 8')"
        " && location.search.includes('config=')",
        timeout=60_000,
    )
    params = catalog.models()["qwen2.5-0.5b"].arch.params
    page.goto(page.url)  # the shared link restores the config
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    assert page.input_value("#model") == "__custom__" and "qwen2" in page.input_value("#config")
    d = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                server + "/api/estimate",
                json.dumps(
                    {"config": json.loads(cfg.read_text()), "tokens": "10B", "gpus": 8, "samples": 1000}
                ).encode(),
                {"content-type": "application/json"},
            )
        ).read()
    )
    assert d["model"]["params"] == params and page.text_content("#headline").startswith(
        page.text_content("#cost")
    )
    # an unknown model in a link says so
    page.goto(server + "/?model=no-such-model&samples=500")
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes(\"unknown model 'no-such-model'\")",
        timeout=60_000,
    )
    assert not problems, problems
    ctx.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_overflows(browser, server, width):
    ctx, page, problems = _page(browser, server, width)
    page.goto(server + "/?model=llama-3.1-70b&samples=1000&serve=1B&year=2027")
    page.wait_for_selector("#answer:not([hidden])", timeout=60_000)
    _no_overflow(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-estimate-{width}.png"), full_page=True)
    for tab, ready in (("compare", "#cmp-out:not([hidden])"), ("plan", "#plan-out:not([hidden])")):
        page.click(f"[data-tab={tab}]")
        page.wait_for_selector(ready, timeout=60_000)
        _no_overflow(page)
        page.screenshot(path=str(ARTIFACTS / f"web-{tab}-{width}.png"), full_page=True)
    page.click("[data-tab=audit]")
    _no_overflow(page)
    assert not problems, problems
    ctx.close()


def test_downloads_refuse_server_files():
    """The export endpoints take the same validated requests as the API: no path reaches the server's disk."""
    from fastapi.testclient import TestClient

    from traincost.present.web.app import create_app

    c = TestClient(create_app())
    for url, body in (
        ("/api/export/bill.csv", {"model": "/etc/passwd"}),
        ("/api/export/bill.xlsx", {"hardware_file": "/etc/hosts"}),
        ("/api/export/report.html", {"scenario": {"model": "../x.json"}}),
        ("/api/export/report.html", {"candidates": [{"model": "/etc/passwd"}]}),
    ):
        r = c.post(url, json=body)
        assert r.status_code == 422, (url, r.status_code)
        assert "model" in r.json()["error"] or "hardware_file" in r.json()["error"]
    r = c.post("/api/export/bill.csv", json={"model": "llama-3.1-8b", "gpus": 64, "samples": 500})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
