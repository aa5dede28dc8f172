"""The service's launcher: every worker's connections get TCP_NODELAY (app/serve.py)."""

from __future__ import annotations

import asyncio
import socket

from typer.testing import CliRunner

from app.cli import cli
from app.serve import APP, TcpConfig


def _nodelay_of_an_accepted_connection(listening: socket.socket) -> int:
    """Accept one connection on ``listening`` through asyncio, as a uvicorn worker does."""

    async def main() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        async def on_connect(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listening)
        async with server:
            host, port = listening.getsockname()[:2]
            _, writer = await asyncio.open_connection(host, port)
            value = await asyncio.wait_for(accepted, 10)
            writer.close()
            return value

    return asyncio.run(main())


def test_the_listening_socket_of_several_workers_gives_connections_tcp_nodelay() -> None:
    config = TcpConfig(APP, factory=True, host="127.0.0.1", port=0, workers=2)
    listening = config.bind_socket()  # what the workers share

    assert listening.proto == socket.IPPROTO_TCP
    assert listening.get_inheritable()
    # Without it, Nagle's algorithm holds a response's body until the client acknowledges
    # its headers: 40 ms a request with delayed acknowledgements.
    assert _nodelay_of_an_accepted_connection(listening) != 0


def test_serve_is_a_command_with_the_settings_as_defaults() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])

    assert result.exit_code == 0
    for option in ("--host", "--port", "--workers", "--log-level", "--no-access-log"):
        assert option in result.stdout
    assert "COMPCALC_WORKERS" in result.stdout
