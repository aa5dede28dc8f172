"""The service's launcher (app/cli/serve.py): every worker's connections get TCP_NODELAY, and
on Linux connections are spread over the workers."""

from __future__ import annotations

import asyncio
import os
import pickle
import shutil
import socket
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.cli.serve import APP, TcpConfig, WorkerListeners, _bind_balanced, balanced
from tests.support.localserver import running_service

linux_only = pytest.mark.skipif(not balanced(), reason="SO_REUSEPORT spreads connections on Linux")


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


@linux_only
def test_each_worker_unpickles_a_listening_socket_of_its_own() -> None:
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(("127.0.0.1", 0))
    listeners = WorkerListeners(socket.AF_INET, holder.getsockname())
    assert listeners == []  # the parent accepts nothing

    # What multiprocessing's spawn does for each worker: pickle in the parent, load in the child.
    first, second = (pickle.loads(pickle.dumps(listeners)) for _ in range(2))
    try:
        assert len(first) == len(second) == 1
        assert first[0].fileno() != second[0].fileno()
        for sock in (first[0], second[0]):
            assert sock.getsockname() == holder.getsockname()
            assert sock.proto == socket.IPPROTO_TCP
            assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        first[0].listen()
        second[0].listen()  # both listen on the same address at once
        second[0].close()  # (a connection to the address could go to either)
        assert _nodelay_of_an_accepted_connection(first[0]) != 0
    finally:
        for sock in (*first, *second, holder):
            sock.close()


_ESTABLISHED, _LISTEN = "01", "0A"  # TCP states as /proc/net/tcp writes them


def _owners(port: int, pids: list[int], state: str = _ESTABLISHED) -> dict[int, int]:
    """How many sockets on local ``port`` in ``state`` each process in ``pids`` holds (/proc)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == state:
                inodes.add(fields[9])
    counts = {}
    for pid in pids:
        held = 0
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts[pid] = held
    return counts


@linux_only
@pytest.mark.slow  # a real two-worker service under a burst of connections
def test_connections_opened_at_once_are_spread_over_the_workers(
    sqlite_template: Path, tmp_path: Path
) -> None:
    database = tmp_path / "compcalc.db"
    shutil.copyfile(sqlite_template, database)
    with running_service(f"sqlite:///{database}", workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        parent = next(
            pid
            for pid in map(int, filter(str.isdigit, os.listdir("/proc")))
            if f"--port\0{port}\0".encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
        )
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        workers = [  # (multiprocessing's resource tracker is a child too)
            int(pid)
            for pid in children
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        # /readyz answered when the first worker was up: wait for the second to listen too.
        deadline = time.monotonic() + 30
        while not all(_owners(port, workers, _LISTEN).values()):
            assert time.monotonic() < deadline, "a worker never listened"
            time.sleep(0.1)
        connections = []
        try:
            for _ in range(32):  # a client's pool opening its keep-alive connections
                conn = socket.create_connection(("127.0.0.1", port))
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert conn.recv(4096).startswith(b"HTTP/1.1 200")
                connections.append(conn)
            counts = _owners(port, workers)
        finally:
            for conn in connections:
                conn.close()
    assert len(workers) == 2
    assert sum(counts.values()) == 32
    # With one shared socket, all 32 went to one worker.  Spread by a hash of the client's
    # port, both get some: all 32 on one side has a chance of 2 in 2^32.
    assert all(count > 0 for count in counts.values()), counts


@linux_only
def test_a_port_another_server_listens_on_is_refused_not_shared() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # even one that shares
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        config = TcpConfig(APP, factory=True, host="127.0.0.1", port=port, workers=2)

        with pytest.raises(SystemExit) as exit_:
            _bind_balanced(config)

    assert exit_.value.code == 3  # uvicorn's STARTUP_FAILURE: the supervisor does not retry


@linux_only
def test_the_parent_holds_the_address_without_listening() -> None:
    config = TcpConfig(APP, factory=True, host="127.0.0.1", port=0, workers=2)
    holder, listeners = _bind_balanced(config)
    try:
        assert listeners.address == holder.getsockname() and listeners.address[1] != 0
        assert holder.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) == 0
    finally:
        holder.close()
