"""Every option shows where it applies: --year, --serve, --kind and --region change the text output and the
report, not only the JSON; scenario files made for `compare` are understood by `estimate`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from traincost.units import usd

ENV = {**os.environ, "COLUMNS": "120"}


def tc(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env=ENV,
    )


OPTS = [
    "--year",
    "2027",
    "--serve",
    "1B",
    "--kind",
    "from-scratch",
    "--region",
    "france",
    "--samples",
    "1000",
]


def test_options_change_the_text():
    d = json.loads(tc("estimate", *OPTS, "--json").stdout)
    text = " ".join(tc("estimate", *OPTS, "--brief").stdout.split())
    plain = " ".join(tc("estimate", "--samples", "1000", "--brief").stdout.split())
    # --year: the projected total; --serve: the serving cost; --kind: from scratch; --region: the grid
    assert "Bought in 2027 instead of 2026" in text and usd(d["projection"]["total_usd"]) in text
    assert usd(d["serving"]["cost_usd"]) in text and "Serving 1B generated tokens a month" in text
    assert "pre-train from scratch" in text and "from scratch;" in text
    assert "france grid (56 g/kWh)" in text  # OWID 2023 French grid average (data/grid.yaml)
    for frag in ("2027", "Serving", "from scratch", "france"):
        assert frag not in plain


def test_options_change_the_report(tmp_path):
    p = tc("report", "-o", "r.html", *OPTS, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "r.html").read_text()
    for frag in ("cost in 2027", "serving", "from-scratch", "france", "Bought in 2027"):
        assert frag in page, frag


def test_estimate_reads_a_compare_file_and_says_how_to_compare(tmp_path):
    p = tc("init", "--example", "compare", cwd=tmp_path)
    assert p.returncode == 0 and (tmp_path / "compare.yaml").exists()
    text = (tmp_path / "compare.yaml").read_text()
    assert "candidates:" in text and "traincost compare compare.yaml" in text
    e = tc("estimate", "compare.yaml", "--brief", "--samples", "500", cwd=tmp_path)
    assert e.returncode == 0 and e.stdout.startswith("$")
    assert "traincost compare compare.yaml" in e.stderr
    c = tc("compare", "compare.yaml", "--samples", "300", "--json", cwd=tmp_path)
    assert c.returncode == 0, c.stderr
    assert len(json.loads(c.stdout)["candidates"]) == 4


@pytest.mark.parametrize("key, value", [("deadline", "40d"), ("budget", "2M")])
def test_compare_file_takes_deadline_and_budget(tmp_path, key, value):
    (tmp_path / "c.yaml").write_text(
        f"model: llama-3.1-8b\ntokens: 100B\n{key}: {value}\ncandidates:\n  - gpu: h100-sxm\n"
    )
    c = tc("compare", "c.yaml", "--samples", "300", "--json", cwd=tmp_path)
    assert c.returncode == 0, c.stderr
    assert json.loads(c.stdout)["mode"] == key
