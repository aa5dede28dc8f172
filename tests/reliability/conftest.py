"""A real service for the reliability tests: two uvicorn worker processes on 127.0.0.1 serving
a fresh PostgreSQL database, started by the test and stopped at its end.

These tests need PostgreSQL (``COMPCALC_TEST_POSTGRES_URL``): without it they are skipped,
except under CI, where a missing PostgreSQL fails the run (see tests/conftest.py).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, make_url

from app.db.session import Database
from app.services import keys

REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Service:
    base: str
    key: str
    database_url: str
    process: subprocess.Popen[bytes]

    def client(self, timeout: float = 60) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.key}"}
        return httpx.Client(base_url=self.base, headers=headers, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(url: str, log: Path, workers: int = 2, **env: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning"]  # fmt: skip
    environment = {**os.environ, "COMPCALC_DATABASE_URL": url, **env}
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return base, process
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail("uvicorn did not start: " + log.read_text())
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the latest migration, dropped after the test."""
    name = f"compcalc_rel_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
        yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def service(postgres_url: str, tmp_path: Path) -> Iterator[Service]:
    """Two workers on the database, which holds a published Acme scheme and an admin key."""
    database = Database(postgres_url)
    try:
        secret = keys.create_key(database, "reliability", ["admin"])[1]
    finally:
        database.dispose()
    base, process = start(postgres_url, tmp_path / "uvicorn.log")
    running = Service(base, secret, postgres_url, process)
    try:
        with running.client() as client:
            yaml = (REPO_ROOT / "examples" / "acme.yaml").read_text("utf-8")
            created = client.post(
                "/v1/schemes", content=yaml, headers={"content-type": "application/yaml"}
            )
            assert created.status_code == 201, created.text
        yield running
    finally:
        stop(process)
