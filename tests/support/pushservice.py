"""A real ``compcalc serve`` on SQLite with an API key for ``compcalc push`` (tests/cli, tests/ci).

The database is a copy of the migrated template; the key is made by ``compcalc keys create``,
the command docs/ci.md tells an operator to run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.localserver import start_service, stop_service

__all__ = ["PushService", "push_service"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PushService:
    base: str
    key: str  # schemes:write and schemes:publish
    database_url: str

    def client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base, headers={"Authorization": f"Bearer {self.key}"}, timeout=30
        )


@contextmanager
def push_service(directory: Path, template: Path) -> Iterator[PushService]:
    """The service on a free port of 127.0.0.1, its database and log in ``directory``."""
    shutil.copyfile(template, directory / "push.db")
    url = f"sqlite:///{directory / 'push.db'}"
    created = subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "create", "--name", "ci",
         "--scope", "schemes:write", "--scope", "schemes:publish", "--url", url],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    secret = created.stdout.strip()
    assert secret.startswith("cck_"), created.stdout
    with (directory / "uvicorn.log").open("wb") as log:
        base, process = start_service(url, log=log)
    try:
        yield PushService(base, secret, url)
    finally:
        stop_service(process)
