"""examples/notebook.ipynb holds real outputs of the current code (regenerate: python examples/build_notebook.py)."""

from __future__ import annotations

import json
from pathlib import Path

import traincost

NB = Path(__file__).resolve().parents[1] / "examples" / "notebook.ipynb"


def _cells():
    return [c for c in json.loads(NB.read_text())["cells"] if c["cell_type"] == "code"]


def test_notebook_is_executed_without_errors():
    cells = _cells()
    assert cells and all(c["outputs"] for c in cells)
    assert not [o for c in cells for o in c["outputs"] if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in cells for o in c["outputs"])
    assert html.count("<svg") >= 4  # the estimate's charts and the comparison's time-cost chart


def test_notebook_outputs_are_the_current_code():
    printed = [
        ("".join(o["text"])).strip()
        for c in _cells()
        for o in c["outputs"]
        if o["output_type"] == "stream" and o["name"] == "stdout"
    ]
    now = traincost.estimate(model="llama-3.1-8b", tokens="100B", gpus=64).text()
    assert printed[0] == now, "stale notebook: run python examples/build_notebook.py"
    assert printed[2].startswith(traincost.plan(model="llama-3.1-70b", gpus=512).text().split(":")[0])
