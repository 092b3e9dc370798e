"""Write and execute examples/notebook.ipynb (the Python API, with real outputs).

Run from the repository root after any change that moves the numbers:
    python examples/build_notebook.py
Needs nbformat, nbclient and ipykernel (the test extra)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent

CELLS = [
    (
        "md",
        "# traincost in a notebook\n\nEvery command of the CLI is a function returning a typed result: "
        "`to_dict()` is the command's `--json`, `to_dataframe()` gives its table (pandas), `text()` its answer "
        "paragraph, and displaying it shows the answer-first card with the report's charts.",
    ),
    ("code", 'import traincost\n\nr = traincost.estimate(model="llama-3.1-8b", tokens="100B", gpus=64)\nr'),
    ("md", "The same answer as the first lines of `traincost estimate`:"),
    ("code", "print(r.text())"),
    ("md", "The bill, the P10/P50/P90 ranges and the inputs that move the total most, as DataFrames:"),
    ("code", 'r.to_dataframe("bill")[["item", "quantity", "unit", "usd"]]'),
    ("code", 'r.to_dataframe("ranges")'),
    ("code", 'r.to_dataframe("drivers")[["label", "cost_at_low", "cost_at_high"]]'),
    (
        "md",
        "Options show in the answer, not only in the numbers: buying in 2027, serving afterwards, a French grid.",
    ),
    (
        "code",
        'print(traincost.estimate(model="llama-3.1-8b", tokens="100B", gpus=64, year=2027, serve="1B",\n'
        '                         region="france").text())',
    ),
    ("md", "## Compare candidates\n\nThe card shows the cost-vs-days chart with the time-cost Pareto front."),
    (
        "code",
        'c = traincost.compare(models=["llama-3.1-8b", "llama-3.1-70b"], tokens="1T", gpus=512)\n'
        'c.to_dataframe()[["candidate", "days", "cost_usd", "cost_p10", "cost_p90", "expected_loss", "pareto"]]',
    ),
    ("code", "c"),
    ("md", "## Plan the parallel layout"),
    (
        "code",
        'p = traincost.plan(model="llama-3.1-70b", gpus=512)\nprint(p.text())\n'
        'p.to_dataframe()[["layout", "step_time_s", "mfu", "memory_gib", "fits"]]',
    ),
    ("md", '## Audit a claim\n\n"70B on 1T tokens in 80,000 GPU-hours for $160k": one verdict per figure.'),
    (
        "code",
        'a = traincost.audit(gpu_hours=80000, cost="160k")\nprint(a.text())\na.to_dataframe()[["figure", "verdict"]]',
    ),
    ("md", "## How far to trust it\n\nHeld-out errors against published runs:"),
    (
        "code",
        "v = traincost.validate()\nprint(v.text())\n"
        'v.to_dataframe()[["id", "metric", "reported", "p10", "p50", "p90", "error_p50"]].head(8)',
    ),
]


def build(path: Path = HERE / "notebook.ipynb") -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
        for kind, src in CELLS
    ]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    ).execute()
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(f"wrote {build()}")
