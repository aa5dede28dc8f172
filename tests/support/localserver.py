"""Run the service on this machine: a free port, a scratch PostgreSQL database, uvicorn.

Used by the benchmarks in ``bench/`` and by the tests that need a real server process
(browser, reliability).  Nothing here runs at import time.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx
from sqlalchemy import create_engine, make_url

__all__ = [
    "ServiceDidNotStart",
    "database_url",
    "free_port",
    "running_service",
    "scratch_database",
    "start_service",
    "stop_service",
]

ROOT = Path(__file__).resolve().parents[2]


class ServiceDidNotStart(RuntimeError):
    """uvicorn exited, or /readyz did not answer 200 in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def database_url(server: str, name: str) -> str:
    """``server``'s URL pointing at database ``name`` (password kept)."""
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@contextmanager
def scratch_database(server: str, prefix: str, template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on ``server`` (a copy of ``template`` if given), dropped on
    exit even while still in use; yields its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = "" if template is None else f' TEMPLATE "{template}"'
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        yield name
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def start_service(
    url: str,
    *,
    workers: int = 1,
    log: IO[bytes] | None = None,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = 30,
) -> tuple[str, subprocess.Popen[bytes]]:
    """Start uvicorn on a free port serving database ``url``; return its base URL and process
    once /readyz answers 200.  Raises :class:`ServiceDidNotStart` (the process is stopped)."""
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", *args]  # fmt: skip
    environment = {**os.environ, "COMPCALC_DATABASE_URL": url, **(env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_service(process)
            raise ServiceDidNotStart(f"uvicorn did not start on {base}")
        time.sleep(0.1)


def stop_service(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Terminate, then kill if it does not exit within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_service(
    url: str,
    *,
    workers: int = 1,
    log: IO[bytes] | None = None,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[str]:
    """:func:`start_service` for the length of a ``with`` block; yields the base URL."""
    base, process = start_service(url, workers=workers, log=log, env=env, args=args)
    try:
        yield base
    finally:
        stop_service(process)
