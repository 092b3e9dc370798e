"""Command-line interface: the `traincost` group, its commands (commands_*.py) and ``main``, the entry point.
Heavy imports happen inside the commands that need them."""

from __future__ import annotations

import os
import sys

import click

from traincost.cli import commands_docs, commands_info, commands_run  # noqa: F401 - registers the commands
from traincost.cli.base import cli
from traincost.errors import InputError
from traincost.probe.command import probe  # click only; torch is imported when the command runs

__all__ = ["cli", "main"]


cli.add_command(probe, name="probe")


def _fail(msg: str, code: int = 2) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="traincost", standalone_mode=False)
    except InputError as e:
        _fail(str(e))
    except click.UsageError as e:
        _fail(e.format_message().replace("\n", " "))
    except click.exceptions.Abort:
        _fail("aborted", 1)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as e:  # noqa: BLE001 - a bug, reported in one line; set TRAINCOST_DEBUG=1 for the traceback
        if os.environ.get("TRAINCOST_DEBUG"):
            raise
        _fail(
            f"internal error ({type(e).__name__}: {e}); please report it (TRAINCOST_DEBUG=1 shows the traceback)",
            1,
        )


if __name__ == "__main__":
    main()
