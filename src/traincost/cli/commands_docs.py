"""Commands that write or serve documents: report, serve."""

from __future__ import annotations

import click

from traincost.cli.base import check_output_path, cli
from traincost.cli.options import scenario_options
from traincost.errors import InputError

MAX_PORT = 65535  # TCP: ports are 16-bit, 0 is not listenable


@cli.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    default="report.html",
    show_default=True,
    help="report.html (one self-contained file) or report.md (charts as SVG files beside it).",
)
@scenario_options
def report(scenario, output, **flags) -> None:
    """Write a report of a scenario (and its candidates) to attach to a budget request."""
    from traincost.usecases.report import write_report

    check_output_path(output, "output", (".html", ".md"))
    path = write_report(scenario, output, {k: v for k, v in flags.items() if v is not None})
    click.echo(f"wrote {path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default="8000", show_default=True, help="Port to listen on.")
def serve(host, port) -> None:
    """Run the web calculator and its JSON API (OpenAPI at /openapi.json)."""
    try:
        port_n = int(port)
        if not 0 < port_n <= MAX_PORT:
            raise ValueError
    except ValueError:
        raise InputError("port", f"must be a TCP port from 1 to {MAX_PORT} (got {port!r})") from None
    _check_listen(host, port_n)
    try:
        import uvicorn

        from traincost.present.web.app import create_app
    except ImportError:
        raise InputError(
            "serve", "the web calculator needs its extra: pip install 'traincost[web]'"
        ) from None
    click.echo(f"traincost web calculator on http://{host}:{port_n}/ (Ctrl-C to stop)", err=True)
    uvicorn.run(create_app(), host=host, port=port_n, log_level="warning")


def _check_listen(host: str, port: int) -> None:
    """The address can be listened on, checked before the server starts (a clear line, exit 2)."""
    import socket

    try:
        family, kind, _, _, addr = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as e:
        raise InputError("host", f"cannot resolve {host!r} ({getattr(e, 'strerror', None) or e})") from None
    with socket.socket(family, kind) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as e:
            raise InputError("port", f"cannot listen on {host}:{port} ({e.strerror or e})") from None
