#!/usr/bin/env bash
# Install what the tests need and run them: the README's test command, and exactly what CI runs.
# The browser test needs Chromium: installed from Debian's packages when this runs as root with apt-get
# (otherwise that one test is skipped, except in CI where it must run).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1 \
    || echo "could not install chromium: the browser test needs it" >&2
fi
python3 -m venv .venv
.venv/bin/pip install -q -e '.[test]'
exec .venv/bin/python -m pytest -q
