"""The `traincost` command group and what its commands share (the console, output-path checks)."""

from __future__ import annotations

from pathlib import Path

import click

from traincost.errors import InputError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="traincost")
def cli() -> None:
    """traincost: what an LLM training run will cost, and why.

    Start with `traincost estimate` (70B model, 1T tokens of continued pre-training on H100s).
    """


def console(stderr: bool = False):
    """The terminal's console (rich is imported only when a command prints)."""
    from traincost.present.fit import console as make_console  # deferred: rich is slow to import

    return make_console(stderr)  # the terminal's width; when piped, $COLUMNS (else 170)


def check_output_path(path: str, field: str, suffixes: tuple[str, ...]) -> None:
    """An output file's name and folder are checked before any work is done."""
    if not path.lower().endswith(suffixes):
        raise InputError(field, f"must end in {' or '.join(suffixes)} (got {path!r})")
    folder = Path(path).parent
    if not folder.is_dir():
        raise InputError(field, f"the folder '{folder}' does not exist (got {path!r})")
