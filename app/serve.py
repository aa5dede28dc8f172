"""Start the HTTP service: uvicorn serving ``app.main:create_app`` with N worker processes.

Why not ``uvicorn --workers N`` itself: in its multi-process mode uvicorn binds the listening
socket as ``socket.socket(family)``, whose protocol number reads 0, and asyncio only turns on
``TCP_NODELAY`` for connections whose socket says ``IPPROTO_TCP``.  So with two or more
workers every connection kept Nagle's algorithm, and a response written as headers then body
waited for the client's delayed acknowledgement: 44 ms for each ``/healthz`` with two
workers, against 1 ms with one (docs/reliability.md, "Load").  :func:`serve` gives uvicorn a
listening socket that names its protocol, so every worker's connections get ``TCP_NODELAY``.
"""

from __future__ import annotations

import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["TcpConfig", "serve"]

APP = "app.main:create_app"


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration, with a listening TCP socket that says it is TCP."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto == 0:
            tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, sock.detach())
            tcp.set_inheritable(True)
            return tcp
        return sock


def serve(
    host: str, port: int, workers: int, *, log_level: str = "info", access_log: bool = True
) -> None:
    """Serve until interrupted; ``workers`` processes share one listening socket."""
    config = TcpConfig(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
    )
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()
