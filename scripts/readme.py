"""Regenerate the real outputs in README.md and docs/usage.md: every fenced block right after a `<!-- run: COMMAND -->` marker
is replaced by `$ COMMAND` and what COMMAND prints now (run by bash from the repository root, with the
repository's .venv/bin first on PATH and COLUMNS=100 unless the command sets it).

    python scripts/readme.py            # rewrite README.md
    python scripts/readme.py --check    # exit 1 if an output differs (slow: runs every command)
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "docs" / "usage.md"]  # files whose `<!-- run: -->` blocks are regenerated
BLOCK = re.compile(r"(<!-- run: (?P<cmd>.+?) -->\n)```text\n.*?```\n", re.S)


def run(cmd: str) -> str:
    env = {
        **os.environ,
        "COLUMNS": "100",
        "PATH": f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    p = subprocess.run(
        ["bash", "-c", cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    out = p.stdout.rstrip()
    lines = [line.rstrip() for line in out.splitlines()]
    return "\n".join(lines)


def render(text: str) -> str:
    def rep(m: re.Match) -> str:
        cmd = m.group("cmd")
        shown = cmd.split(" # ")[0].strip()
        return f"{m.group(1)}```text\n$ {shown}\n{run(shown)}\n```\n"

    return BLOCK.sub(rep, text)


def main() -> int:
    stale = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            stale.append(doc.name)
            if "--check" not in sys.argv:
                doc.write_text(new, encoding="utf-8")
    if "--check" in sys.argv and stale:
        print(f"outputs are stale in {', '.join(stale)}: run python scripts/readme.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
