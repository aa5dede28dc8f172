"""A real service for the reliability tests: two uvicorn worker processes on 127.0.0.1 serving
a fresh PostgreSQL database, started by the test and stopped at its end.

These tests need PostgreSQL (``COMPCALC_TEST_POSTGRES_URL``): without it they are skipped,
except under CI, where a missing PostgreSQL fails the run (see tests/conftest.py).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.db.session import Database
from app.services import keys
from tests.support.localserver import (
    ServiceDidNotStart,
    database_url,
    scratch_database,
    start_service,
    stop_service,
)

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


def start(url: str, log: Path, workers: int = 2, **env: str) -> tuple[str, subprocess.Popen[bytes]]:
    """The service with ``workers`` processes on ``url``; the test fails with its log if it
    does not start."""
    with log.open("ab") as out:
        try:
            return start_service(url, workers=workers, log=out, env=env)
        except ServiceDidNotStart as exc:
            pytest.fail(f"{exc}: {log.read_text()}")


stop = stop_service


@pytest.fixture
def postgres_url(postgres_server: str, postgres_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the latest migration, dropped after the test."""
    with scratch_database(postgres_server, "compcalc_rel", postgres_template) as name:
        yield database_url(postgres_server, name)


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
