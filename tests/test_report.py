"""Reports: one self-contained HTML file (opens offline) and Markdown with chart files beside it."""

from __future__ import annotations

import re
import subprocess
import sys

SCENARIO = """model: llama-3.1-70b
tokens: 1T
gpu: h100-sxm
gpus: 512
candidates:
  - model: llama-3.1-8b
  - model: llama-3.1-70b
"""


def tc(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "traincost", *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


def test_html_report_is_self_contained(tmp_path):
    (tmp_path / "s.yaml").write_text(SCENARIO)
    p = tc("report", "s.yaml", "-o", "report.html", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "report.html").read_text()
    for section in ("Question", "Answer", "Bill", "Charts", "Comparison", "Assumptions", "Layout and run"):
        assert f">{section}<" in page
    # cost breakdown, cost vs days, uncertainty, model sizes, and the candidates' time-cost chart
    assert page.count("<svg") == 5
    # nothing loaded from the network: no src/href to http(s), no external stylesheet or script
    assert not re.search(r"""(src|href)=["']https?://""", page)
    assert "<script" not in page and "<link" not in page
    assert "P10-P90" in page and "effective price" in page


def test_report_without_matplotlib(tmp_path):
    """Charts are our own inline SVG: a report needs no matplotlib (it is blocked from importing here)."""
    code = (
        "import sys; sys.modules['matplotlib'] = None; from traincost.cli import main; "
        "main(['report', '-o', 'r.html', '--model', 'llama-3.1-8b', '--gpus', '64', '--samples', '500'])"
    )
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert p.returncode == 0, p.stderr
    page = (tmp_path / "r.html").read_text()
    assert page.count("<svg") >= 3
    assert not re.search(r"\$[\d.,]+e[+-]", page)  # one money format: no $2.635e+05


def test_markdown_report_with_chart_files(tmp_path):
    p = tc("report", "-o", "r.md", "--model", "llama-3.1-8b", "--gpus", "64", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    md = (tmp_path / "r.md").read_text()
    charts = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert len(charts) >= 3
    for c in charts:
        assert (tmp_path / c).read_text().startswith("<svg")
    assert "| total |" in md


def test_report_bad_output(tmp_path):
    p = tc("report", "-o", "r.pdf", cwd=tmp_path)
    assert p.returncode == 2 and "output" in p.stderr and len(p.stderr.strip().splitlines()) == 1
