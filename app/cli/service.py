"""``compcalc openapi`` and ``compcalc serve``: the HTTP service's commands.

Both import what they run only when run, so that the other commands do not load the web
stack; the launcher itself is :mod:`app.cli.serve`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

__all__ = ["openapi", "serve"]


def openapi() -> None:
    """Print the OpenAPI document of the HTTP service (as committed in openapi.json)."""
    from app.main import openapi_document

    sys.stdout.write(openapi_document())


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to listen on (default COMPCALC_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None, typer.Option(min=1, max=65535, help="TCP port (default COMPCALC_PORT, 8000).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default COMPCALC_WORKERS, 1).")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level.")] = "info",
    access_log: Annotated[
        bool, typer.Option(help="Log every request (one line; COMPCALC_LOG_FORMAT json|text).")
    ] = True,
) -> None:
    """Serve the HTTP API (run `compcalc db upgrade` first: this does not migrate)."""
    from app.cli.logconfig import log_format
    from app.cli.serve import serve as run
    from app.settings import get_settings

    settings = get_settings()
    run(
        host or settings.host,
        port or settings.port,
        workers or settings.workers,
        log_level=log_level,
        access_log=access_log,
        log_format=log_format(settings),
    )
