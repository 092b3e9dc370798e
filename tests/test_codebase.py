"""The codebase keeps a shape a maintainer can own (issue 15): small functions and modules, and imports
that only flow down the pipeline (Scenario -> model + hardware -> parallel -> run -> money -> decide ->
trust -> present), with no private names taken from another module. Walks the source with ast: no import
of the package, so it runs in well under a second."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "traincost"
MAX_FUNCTION_LINES = 60  # issue 15: functions stay under ~60 lines
MAX_MODULE_LINES = 400  # issue 15: modules stay under ~400 lines

# stage -> stages (and top-level modules) it must not import: only downward imports are allowed
FORBIDDEN = {
    "model": ("parallel", "run", "money", "decide", "trust", "present", "usecases", "cli"),
    "hardware": ("parallel", "run", "money", "decide", "trust", "present", "usecases", "cli"),
    "parallel": ("run", "money", "decide", "trust", "present", "cli"),
    "run": ("money", "decide", "trust", "present", "cli"),
    "money": ("decide", "trust", "present", "cli"),
}
STAGES = (
    "model",
    "hardware",
    "parallel",
    "run",
    "money",
    "decide",
    "trust",
    "present",
    "usecases",
    "probe",
    "cli",
)
# catalog.py (the data layer) builds the typed records of the model and hardware stages, nothing else:
# model.hf_config is the reader that turns a config.json into the model.arch record
CATALOG_MAY_IMPORT = ("traincost.model.arch", "traincost.model.hf_config", "traincost.hardware.accelerator")


@cache
def _modules() -> dict[str, tuple[Path, ast.Module]]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        out[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return out


def _imports(tree: ast.Module) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) of every import, function-level ones included; `from traincost
    import x` counts as importing traincost.x."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [a.name for a in node.names]
            if node.module == "traincost":
                out += [(node.lineno, f"traincost.{n}", []) for n in names]
            else:
                out.append((node.lineno, node.module, names))
    return out


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "traincost" and parts[1] in STAGES else None


def _where(module: str, line: int) -> str:
    return f"{_modules()[module][0].relative_to(SRC)}:{line}"


def _long_functions(tree: ast.Module) -> list[tuple[int, str, int]]:
    """(line, name, length) of every function or method longer than MAX_FUNCTION_LINES, nested ones too."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                out.append((node.lineno, node.name, length))
    return out


def size_offenders() -> list[str]:
    out = []
    for mod, (path, tree) in _modules().items():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_MODULE_LINES:
            out.append(f"{path.relative_to(SRC)}: module of {n} lines")
        out += [
            f"{_where(mod, line)}: {name} has {length} lines" for line, name, length in _long_functions(tree)
        ]
    return out


def layering_offenders() -> list[str]:
    out = []
    for mod, (_, tree) in _modules().items():
        own = _stage(mod)
        for line, target, _names in _imports(tree):
            if not target.startswith("traincost."):
                continue
            if own in FORBIDDEN and _stage(target) in FORBIDDEN[own]:
                out.append(f"{_where(mod, line)}: {own}/ imports {target}")
            if mod == "traincost.catalog" and _stage(target) and not target.startswith(CATALOG_MAY_IMPORT):
                out.append(f"{_where(mod, line)}: catalog.py imports {target}")
    return out


def private_import_offenders() -> list[str]:
    out = []
    for mod, (_, tree) in _modules().items():
        for line, target, names in _imports(tree):
            if target == mod or not target.startswith("traincost"):
                continue
            out += [
                f"{_where(mod, line)}: imports {target}.{n}"
                for n in names
                if n.startswith("_") and not n.startswith("__")
            ]
    return out


def test_the_walk_sees_the_package():
    """The checks below would pass vacuously on an empty walk: the walk finds the stages and the imports
    between them (parallel/plan.py reads the model's ArchSpec)."""
    mods = _modules()
    assert {"traincost.catalog", "traincost.parallel.plan", "traincost.model.arch"} <= set(mods)
    plan_imports = {t for _, t, _ in _imports(mods["traincost.parallel.plan"][1])}
    assert "traincost.model.arch" in plan_imports


def test_the_checks_catch_what_they_forbid():
    """Each rule fails on the input that breaks it: a 61-line function, an upward import, a private import."""
    body = "    x = 1\n" * (MAX_FUNCTION_LINES - 1)
    assert _long_functions(ast.parse("def f():\n" + body)) == []  # exactly 60 lines: fine
    nested = (
        "class C:\n    def m(self):\n" + "    " + body.replace("\n", "\n    ").rstrip() + "\n        y = 2\n"
    )
    assert _long_functions(ast.parse(nested)) == [(2, "m", MAX_FUNCTION_LINES + 1)]
    up = _imports(ast.parse("def g():\n    from traincost.money import bill\n"))
    assert [_stage(t) for _, t, _ in up] == ["money"] and "money" in FORBIDDEN["parallel"]
    priv = _imports(ast.parse("from traincost.decide.compare import _split\n"))
    assert priv == [(1, "traincost.decide.compare", ["_split"])]
    assert _imports(ast.parse("from traincost import catalog\n")) == [(1, "traincost.catalog", [])]


def test_functions_and_modules_are_small():
    bad = size_offenders()
    assert not bad, "split these (functions <= 60 lines, modules <= 400):\n" + "\n".join(bad)


def test_imports_flow_down_the_pipeline():
    bad = layering_offenders()
    assert not bad, "upward imports (a stage may import only the stages before it):\n" + "\n".join(bad)


def test_no_private_names_imported_from_another_module():
    bad = private_import_offenders()
    assert not bad, "private names used across modules (make them public or move the code):\n" + "\n".join(
        bad
    )
