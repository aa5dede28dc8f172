"""Start the HTTP service: uvicorn serving ``app.main:create_app`` with N worker processes.

Why not ``uvicorn --workers N`` itself: in its multi-process mode uvicorn binds the listening
socket as ``socket.socket(family)``, whose protocol number reads 0, and asyncio only turns on
``TCP_NODELAY`` for connections whose socket says ``IPPROTO_TCP``.  So with two or more
workers every connection kept Nagle's algorithm, and a response written as headers then body
waited for the client's delayed acknowledgement: 44 ms for each ``/healthz`` with two
workers, against 0.8 ms once their connections have it (docs/reliability.md, "Load").
:func:`serve` gives uvicorn a listening socket that names its protocol, so every worker's
connections get ``TCP_NODELAY``.

It also sets up what makes the running service visible (docs/operations.md): the logs, in
JSON lines or text, in every worker (:mod:`app.cli.logconfig`), and with two or more workers
a fresh directory in which they share their metrics (:func:`metrics_directory`).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import uvicorn
from uvicorn.supervisors import Multiprocess

from app.cli.logconfig import LogFormat, log_config

__all__ = [
    "MULTIPROC_ENV",
    "TcpConfig",
    "WorkerListeners",
    "balanced",
    "metrics_directory",
    "serve",
]

APP = "app.main:create_app"
#: Where prometheus-client's multiprocess mode keeps each process's values (app/api/metrics.py).
MULTIPROC_ENV: Final = "PROMETHEUS_MULTIPROC_DIR"


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration, with a listening TCP socket that says it is TCP."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            tcp.set_inheritable(True)
            return tcp
        return sock


class WorkerListeners(list[socket.socket]):
    """The sockets uvicorn hands each worker process: one listening socket of its own.

    uvicorn starts its workers with multiprocessing's *spawn*, which pickles the sockets it
    passes them.  This list pickles as its address alone, and unpickles (in each worker, once)
    as a new socket bound to that address with ``SO_REUSEPORT``: each worker then listens on
    its own socket and the kernel spreads new connections over them by their addresses.  It
    is empty in the parent, which never accepts anything.
    """

    def __init__(self, family: socket.AddressFamily, address: tuple[Any, ...]) -> None:
        super().__init__()
        self.family, self.address = family, address

    def __reduce__(self) -> tuple[Any, ...]:
        return (_worker_sockets, (self.family, self.address))


def _reuse_port_socket(family: socket.AddressFamily, address: tuple[Any, ...]) -> socket.socket:
    """A TCP socket bound to ``address`` that other such sockets may bind too."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _worker_sockets(family: socket.AddressFamily, address: tuple[Any, ...]) -> list[socket.socket]:
    return [_reuse_port_socket(family, address)]


def balanced() -> bool:
    """Whether workers get a listening socket each: Linux spreads connections over a
    ``SO_REUSEPORT`` group; elsewhere (macOS, Windows) they share one socket."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _bind_balanced(config: uvicorn.Config) -> tuple[socket.socket, WorkerListeners]:
    """The parent's socket holding the address (bound, never listening: connections only go
    to listening sockets) and the workers' listeners for it.  Port 0 becomes a free port."""
    family = socket.AF_INET6 if config.host and ":" in config.host else socket.AF_INET
    try:
        if config.port:  # taken by another server, even one that shares its port: refuse
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                probe.bind((config.host, config.port))
        holder = _reuse_port_socket(family, (config.host, config.port))
    except OSError as exc:
        uvicorn.config.logger.error(exc)
        raise SystemExit(uvicorn.config.STARTUP_FAILURE) from None
    address = holder.getsockname()
    uvicorn.config.logger.info(
        "Uvicorn running on http://%s:%d, %d workers (Press CTRL+C to quit)",
        config.host,
        address[1],
        config.workers,
    )
    return holder, WorkerListeners(family, address)


@contextmanager
def metrics_directory(workers: int) -> Iterator[str | None]:
    """The directory the workers share their metrics in, set as ``PROMETHEUS_MULTIPROC_DIR``
    for them to inherit; None (and no multiprocess mode) for a single worker.

    Made fresh in the temporary directory for each start, and removed at the end: values
    left from an earlier run would otherwise be added to this one's.  A directory already set
    in the environment (a mounted volume, say) is used instead, emptied of its metric files
    first, and kept.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        yield given
        return
    if workers < 2:
        yield None
        return
    made = tempfile.mkdtemp(prefix="compcalc-metrics-")
    os.environ[MULTIPROC_ENV] = made
    try:
        yield made
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(made, ignore_errors=True)


def serve(
    host: str,
    port: int,
    workers: int,
    *,
    log_level: str = "info",
    access_log: bool = True,
    log_format: LogFormat = "text",
) -> None:
    """Serve until interrupted with ``workers`` processes: on Linux each listens on a socket
    of its own (:class:`WorkerListeners`), elsewhere they share one.  Each request is logged
    once, by the service (``access_log``), in ``log_format``; uvicorn's access log is off."""
    with metrics_directory(workers):
        config = TcpConfig(
            APP,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=log_level,
            log_config=log_config(log_format, log_level, access_log),
            access_log=False,
        )
        if workers > 1 and balanced():
            holder, listeners = _bind_balanced(config)
            try:
                Multiprocess(config, sockets=listeners).run()
            finally:
                holder.close()
        elif workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.Server(config).run()
