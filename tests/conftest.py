"""Shared test setup.

In CI (the environment variable CI is set, as `.ci/run` is run) a skipped test is a failure: the
reference implementations (torch, transformers), the browser (Chromium) and the web stack must be there,
or the suite would stay green while checking nothing.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where every reference library must be installed: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped:
        report.outcome = "failed"
        report.longrepr = (
            f"module skipped in CI, where every reference library must be installed: {report.longrepr}"
        )


@pytest.fixture(scope="module")
def server():
    """A real `traincost serve` on a free loopback port (tests/live_server.py)."""
    from live_server import live_server

    with live_server() as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (tests/live_server.py)."""
    from live_server import launch_chromium

    with launch_chromium() as b:
        yield b
