"""Faults: a worker killed mid-write leaves nothing half-stored; a database outage answers 503
and heals by itself."""

from __future__ import annotations

import contextlib
import json
import select
import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, make_url, text

from app.db.session import Database
from app.services import keys

from .conftest import REPO_ROOT, start, stop

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PUBLISH_HEADERS = {"content-type": "application/yaml"}


def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def _seed(base: str, key: str) -> None:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
        yaml = (REPO_ROOT / "examples" / "acme.yaml").read_text("utf-8")
        created = client.post("/v1/schemes", content=yaml, headers=PUBLISH_HEADERS)
        etag = created.headers["ETag"]
        published = client.post(
            "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": etag}
        )
        assert published.status_code == 200


def _big_run(employees: int) -> dict[str, Any]:
    acme = json.loads((REPO_ROOT / "examples" / "acme-roster.json").read_text("utf-8"))
    roster = acme["employees"]
    big = [{**roster[n % len(roster)], "id": f"E-{n:06d}"} for n in range(employees)]
    for employee in big:
        employee.pop("name", None)
    return {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03", "roster": big}


def _key(url: str) -> str:
    database = Database(url)
    try:
        return keys.create_key(database, "faults", ["admin"])[1]
    finally:
        database.dispose()


def test_a_worker_killed_while_storing_a_run_leaves_no_partial_run(
    postgres_url: str, tmp_path: Path
) -> None:
    key = _key(postgres_url)
    lease = {"COMPCALC_IDEMPOTENCY_LEASE_SECONDS": "3"}
    base, process = start(postgres_url, tmp_path / "first.log", workers=1, **lease)
    body = _big_run(50_000)
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": "big-march"}
    try:
        _seed(base, key)

        def send() -> None:
            with contextlib.suppress(httpx.TransportError):  # the worker dies under it
                httpx.post(f"{base}/v1/payroll-runs", json=body, headers=headers, timeout=120)

        sender = threading.Thread(target=send)
        sender.start()
        deadline = time.monotonic() + 60
        while _count(postgres_url, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                     "AND query ILIKE 'INSERT INTO payslip%'") == 0:  # fmt: skip
            assert time.monotonic() < deadline, "the run never started storing its payslips"
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        sender.join()
    finally:
        stop(process)

    # PostgreSQL rolls back the dead connection's transaction: no run, no payslip of it.
    time.sleep(0.5)
    assert _count(postgres_url, "SELECT count(*) FROM payroll_run") == 0
    assert _count(postgres_url, "SELECT count(*) FROM payslip") == 0
    assert (
        _count(postgres_url, "SELECT count(*) FROM idempotency_record WHERE state = 'pending'") == 1
    )

    base, process = start(postgres_url, tmp_path / "second.log", workers=1, **lease)
    try:
        statuses = []
        for _ in range(60):  # 409 until the dead holder's lease ends, then it runs once
            response = httpx.post(
                f"{base}/v1/payroll-runs", json=body, headers=headers, timeout=120
            )
            statuses.append(response.status_code)
            if response.status_code != 409:
                break
            time.sleep(0.5)
        again = httpx.post(f"{base}/v1/payroll-runs", json=body, headers=headers, timeout=120)
    finally:
        stop(process)

    assert statuses[-1] == 201 and set(statuses[:-1]) <= {409}
    assert again.status_code == 201 and again.headers["idempotency-replayed"] == "true"
    assert again.json()["id"] == response.json()["id"]
    assert _count(postgres_url, "SELECT count(*) FROM payroll_run") == 1
    assert _count(postgres_url, "SELECT count(*) FROM payslip") == 50_000


class Proxy:
    """A TCP relay to PostgreSQL that the test can cut (a database outage) and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.server.getsockname()[1]
        self.up = True
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                ready, _, _ = select.select([a, b], [], [], 1)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except OSError:
            return
        finally:
            a.close()
            b.close()

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for a, b in self.pairs:
                for s in (a, b):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)
            self.pairs.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.server.close()


@pytest.fixture
def proxy(postgres_url: str) -> Iterator[Proxy]:
    url = make_url(postgres_url)
    relay = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield relay
    relay.close()


def test_a_database_outage_answers_503_and_heals_without_a_restart(
    postgres_url: str, proxy: Proxy, tmp_path: Path
) -> None:
    key = _key(postgres_url)
    via_proxy = make_url(postgres_url).set(host="127.0.0.1", port=proxy.port)
    url = via_proxy.render_as_string(hide_password=False)
    base, process = start(url, tmp_path / "service.log", workers=2)
    auth = {"Authorization": f"Bearer {key}"}
    try:
        _seed(base, key)
        body = _big_run(3)
        assert httpx.post(f"{base}/v1/payroll-runs", json=body, headers=auth).status_code == 201

        proxy.cut()
        ready = httpx.get(f"{base}/readyz", timeout=30)
        write = httpx.post(f"{base}/v1/payroll-runs", json=body, headers=auth, timeout=30)
        health = httpx.get(f"{base}/healthz")

        assert ready.status_code == 503 and ready.json()["code"] == "DATABASE_UNREACHABLE"
        assert write.status_code == 503
        assert write.headers["content-type"] == "application/problem+json"
        assert write.json()["code"] == "DATABASE_UNAVAILABLE"
        assert "127.0.0.1" not in write.text and "postgres" not in write.text
        assert health.status_code == 200

        proxy.restore()
        answers = [httpx.get(f"{base}/readyz", timeout=30).status_code for _ in range(4)]
        again = httpx.post(f"{base}/v1/payroll-runs", json=body, headers=auth, timeout=30)
    finally:
        stop(process)

    assert answers == [200] * 4
    assert again.status_code == 201
    assert _count(postgres_url, "SELECT count(*) FROM payroll_run") == 2
