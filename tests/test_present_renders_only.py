"""Reports do not re-enter the pipeline: the modules of present/ render results computed by the use cases
(traincost.usecases), so none of them imports the pipeline, a use case or a decision to compute numbers.
The web package is a front end like the CLI (it calls the use cases) and is not checked here."""

from __future__ import annotations

import ast
from pathlib import Path

PRESENT = Path(__file__).resolve().parents[1] / "src" / "traincost" / "present"
COMPUTING = ("traincost.pipeline", "traincost.usecases", "traincost.decide")
# known exception, to be removed: the Python API's HTML card draws its charts from usecases.report.chart_data
EXCEPTIONS = {"cards.py"}


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Imported module names, except those under `if TYPE_CHECKING:` (type hints only)."""
    skip = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            out += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


def offenders(root: Path = PRESENT) -> list[str]:
    bad = []
    for path in sorted(root.glob("*.py")):
        if path.name in EXCEPTIONS:
            continue
        for name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith(COMPUTING) or name in ("traincost.pipeline", "traincost.decide"):
                bad.append(f"{path.name}: {name}")
    return bad


def test_present_modules_only_render():
    assert not offenders(), offenders()


def test_the_check_finds_an_estimate_run_inside_a_renderer(tmp_path):
    (tmp_path / "renderer.py").write_text(
        "def figs(base):\n    from traincost.pipeline import estimate\n    return estimate(base)\n",
        encoding="utf-8",
    )
    (tmp_path / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from traincost.usecases.results import Estimate\n",
        encoding="utf-8",
    )
    assert offenders(tmp_path) == [
        "renderer.py: traincost.pipeline",
        "renderer.py: traincost.pipeline.estimate",
    ]
