"""Load benchmark: a mixed workload against two uvicorn workers on PostgreSQL.

A measurement script, not a test: it prints figures and asserts nothing.

    .venv/bin/python bench/load.py                      # 15 s per phase (docs: --seconds 30)
    .venv/bin/python bench/load.py --seconds 30 --postgres postgresql+psycopg://postgres@127.0.0.1/test

A fresh database is created on the PostgreSQL server (dropped at the end), migrated, given an
admin key and the published Acme scheme; uvicorn serves it with two workers on 127.0.0.1. The
workload mixes, per request: 50% what-if calculations (one employee), 25% payroll runs created
(the 13-employee Acme roster, each with its own Idempotency-Key), 25% reads of a stored run.

1. Saturation: 16 closed-loop clients for the given time → the maximum throughput.
2. Target load: requests sent at 80% of that rate on a fixed schedule (open loop; latency
   counted from the scheduled time, so queueing is included) → requests/s, p50, p99, errors.

The requests are sent from one asyncio event loop over raw keep-alive HTTP/1.1 connections
(:class:`Connection`), so the generator takes little of the two cores it shares with the
service.
"""

from __future__ import annotations

import os
import sys

# Run as ``python bench/load.py``, this file's folder is first on sys.path, where bench/http.py
# would shadow the standard library's http package that httpx imports.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from contextlib import AbstractContextManager, contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import httpx  # noqa: E402

from tests.support.localserver import database_url, running_service, scratch_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Result:
    seconds: float
    latencies: list[float]
    errors: int
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies) or [float("nan")]
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(kind, []).append(seconds)
        self.errors += not ok

    def kinds(self) -> str:
        """p50 / p99 of each kind of request."""
        parts = []
        for kind, latencies in sorted(self.by_kind.items()):
            one = Result(self.seconds, latencies, 0)
            parts.append(
                f"{kind} p50 {one.percentile(0.5):.1f} / p99 {one.percentile(0.99):.1f} ms"
            )
        return "; ".join(parts)


@contextmanager
def database(server: str) -> Iterator[str]:
    with scratch_database(server, "compcalc_load") as name:
        yield database_url(server, name)


def service(url: str, workers: int) -> AbstractContextManager[str]:
    return running_service(url, workers=workers, args=("--no-access-log",))


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken directly over asyncio streams.

    The load generator shares the two cores with the workers and PostgreSQL, so it must cost
    little per request: no HTTP client library and no threads (whose turns at the GIL were
    counted as the service's latency), only one event loop writing requests and reading
    ``Content-Length`` bodies (the service never answers chunked).
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        reader, writer = await asyncio.open_connection(host, port)
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def request(self, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
        """Send ``head`` (the request line and headers, without the blank line) and ``body``;
        return the status code and the response body."""
        length = f"Content-Length: {len(body)}\r\n\r\n".encode() if body else b"\r\n"
        self.writer.write(head + length + body)
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header[9:12])
        size = 0
        for line in header.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                size = int(value)
            elif name.strip().lower() == b"transfer-encoding":
                raise RuntimeError("a chunked response: not expected from the service")
        return status, await self.reader.readexactly(size) if size else b""

    def close(self) -> None:
        self.writer.close()


class Workload:
    """The three kinds of request, chosen at random in a 2:1:1 mix."""

    def __init__(self, client: httpx.Client, key: str) -> None:
        acme = json.loads((ROOT / "examples" / "acme-roster.json").read_text("utf-8"))
        run_body = {
            "scheme": {"key": "acme-sales", "version": 1},
            "period": "2027-03",
            "roster": acme["employees"],
        }
        created = client.post("/v1/payroll-runs", json=run_body)
        assert created.status_code == 201, created.text
        self.run_ids = [created.json()["id"]]
        self.auth = f"Authorization: Bearer {key}\r\nHost: {client.base_url.host}\r\n"
        self.run_body = json.dumps(run_body).encode()
        self.calc_body = json.dumps({**run_body, "roster": acme["employees"][:1]}).encode()

    def _post(self, path: str, extra: str = "") -> bytes:
        return (
            f"POST {path} HTTP/1.1\r\n{self.auth}Content-Type: application/json\r\n{extra}"
        ).encode()

    @staticmethod
    def choose(rng: random.Random) -> str:
        kind = rng.random()
        return "calculate" if kind < 0.5 else "create" if kind < 0.75 else "read"

    async def request(self, connection: Connection, kind: str, rng: random.Random) -> bool:
        """Send one request of ``kind``; True when it answered as expected."""
        if kind == "calculate":
            status, _ = await connection.request(
                self._post("/v1/payroll/calculate"), self.calc_body
            )
            return status == 200
        if kind == "create":
            extra = f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
            status, body = await connection.request(
                self._post("/v1/payroll-runs", extra), self.run_body
            )
            if status == 201:
                self.run_ids.append(json.loads(body)["id"])
            return status == 201
        run_id = rng.choice(self.run_ids)
        status, _ = await connection.request(
            f"GET /v1/payroll-runs/{run_id} HTTP/1.1\r\n{self.auth}".encode()
        )
        return status == 200


class Generator:
    """Connections to the service and the two ways of loading it."""

    def __init__(self, base: str, work: Workload) -> None:
        url = httpx.URL(base)
        self.host, self.port = url.host, url.port or 80
        self.work = work

    async def _attempt(
        self, connection: Connection, kind: str, rng: random.Random
    ) -> tuple[bool, bool]:
        """(answered as expected, connection still usable)"""
        try:
            return await self.work.request(connection, kind, rng), True
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            connection.close()
            return False, False

    async def closed_loop(self, seconds: float, clients: int) -> Result:
        result = Result(0.0, [], 0)
        deadline = time.perf_counter() + seconds

        async def run(seed: int) -> None:
            rng = random.Random(seed)
            connection = await Connection.open(self.host, self.port)
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                kind = self.work.choose(rng)
                ok, usable = await self._attempt(connection, kind, rng)
                result.add(kind, time.perf_counter() - began, ok)
                if not usable:
                    connection = await Connection.open(self.host, self.port)
            connection.close()

        start = time.perf_counter()
        await asyncio.gather(*(run(i) for i in range(clients)))
        result.seconds = time.perf_counter() - start
        return result

    async def open_loop(self, seconds: float, rate: float, connections: int = 64) -> Result:
        """Requests on a fixed schedule at ``rate``/s; latency from the scheduled instant.

        The connections are opened before the schedule starts, so the figures are the
        service's, not the cost of connecting; a request whose instant comes while every
        connection is busy waits for one, and that wait is counted.
        """
        result = Result(0.0, [], 0)
        idle: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(connections):
            idle.put_nowait(await Connection.open(self.host, self.port))
        rng = random.Random(1)
        total = int(seconds * rate)
        start = time.perf_counter() + 0.2

        async def one(index: int) -> None:
            scheduled = start + index / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            kind = self.work.choose(rng)
            connection = await idle.get()
            ok, usable = await self._attempt(connection, kind, rng)
            result.add(kind, time.perf_counter() - scheduled, ok)
            idle.put_nowait(connection if usable else await Connection.open(self.host, self.port))

        await asyncio.gather(*(one(i) for i in range(total)))
        while not idle.empty():
            idle.get_nowait().close()
        result.seconds = time.perf_counter() - start
        return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="per phase (default 15)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--fraction", type=float, default=0.8, help="target load as a share of the maximum"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("COMPCALC_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
        help="PostgreSQL server URL; a scratch database is created on it and dropped",
    )
    args = parser.parse_args(argv)

    from app.db import migrate
    from app.db.session import Database
    from app.services.keys import create_key

    with database(args.postgres) as url:
        migrate.upgrade(url)
        db = Database(url)
        try:
            key = create_key(db, "load", ["admin"])[1]
        finally:
            db.dispose()
        with service(url, args.workers) as base:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                yaml = (ROOT / "examples" / "acme.yaml").read_text("utf-8")
                created = client.post(
                    "/v1/schemes", content=yaml, headers={"content-type": "application/yaml"}
                )
                client.post(
                    "/v1/schemes/acme-sales/versions/1/publish",
                    headers={"If-Match": created.headers["ETag"]},
                )
                work = Workload(client, key)
            load = Generator(base, work)
            asyncio.run(load.closed_loop(min(3.0, args.seconds), 16))  # warm-up
            peak = asyncio.run(load.closed_loop(args.seconds, 16))
            target = asyncio.run(load.open_loop(args.seconds, args.fraction * peak.rate))
    print(f"workers={args.workers} mix=50% calculate / 25% create run / 25% read run")
    share = f"{args.fraction:.0%} of max (open loop)"
    for name, result in (("saturation (16 clients)", peak), (share, target)):
        print(
            f"{name:26} {result.rate:7.1f} req/s  p50 {result.percentile(0.5):6.1f} ms  "
            f"p99 {result.percentile(0.99):6.1f} ms  errors {result.errors}"
        )
        print(f"{'':26} {result.kinds()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
