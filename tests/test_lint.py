"""Style is part of the test suite, so CI runs it with the tests."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


PATHS = [d for d in ("src", "tests", "benchmarks", "scripts", "examples") if (ROOT / d).is_dir()]


def _ruff() -> str:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff not installed (pip install -e '.[test]')")
    return ruff


def test_ruff_clean():
    """Lint with the project's rules (pyproject.toml), complexity and argument counts included."""
    p = subprocess.run([_ruff(), "check", *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_ruff_format_clean():
    """The code is formatted as `ruff format` writes it."""
    p = subprocess.run([_ruff(), "format", "--check", *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
