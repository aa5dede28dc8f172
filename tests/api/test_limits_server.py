"""Hostile bodies against a real one-worker server: refused, and /healthz answers meanwhile.

Bodies of millions of tiny values are refused while they are decoded, a roster at the
employee limit is validated a chunk at a time, and a thread asking ``GET /healthz`` back to
back gets its answers while the body is being worked on, not only after.  The figures (CPU
per body, the slowest /healthz) are measured by ``bench/limits.py``, not asserted here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from app.db import migrate
from app.db.session import Database
from app.services import keys
from tests.support.localserver import running_service

pytestmark = pytest.mark.slow

STORED = '"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"'


def _roster(count: int) -> str:
    return "{" + STORED + ', "roster": [' + ",".join(["{}"] * count) + "]}"


CASES = [
    ("6M empty employees", "/v1/payroll-runs", _roster(6_000_000), "TOO_MANY_VALUES"),
    ("20 MiB of empty arrays", "/v1/payroll/calculate",
     "[" + ",".join(["[]"] * 6_900_000) + "]", "TOO_MANY_VALUES"),
    ("100 000 empty employees", "/v1/payroll-runs", _roster(100_000), "INVALID_BODY"),
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    path = tmp_path_factory.mktemp("limits") / "limits.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    database = Database(url)
    secret = keys.create_key(database, "limits", ["admin"])[1]
    database.dispose()
    with running_service(url, args=("--no-access-log",)) as base:
        yield base, secret


class _Poller(threading.Thread):
    """Asks /healthz back to back; records when each answer came and its status."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.stop = threading.Event()
        self.answers: list[tuple[float, int]] = []

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=600) as client:
            while not self.stop.is_set():
                status = client.get("/healthz").status_code
                self.answers.append((time.monotonic(), status))


@pytest.mark.parametrize(("name", "path", "body", "code"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_body_is_refused_while_healthz_answers(
    server: tuple[str, str], name: str, path: str, body: str, code: str
) -> None:
    base, secret = server
    data = body.encode()
    headers = {"Authorization": f"Bearer {secret}", "content-type": "application/json"}
    poller = _Poller(base)
    with httpx.Client(base_url=base, timeout=600) as client:
        poller.start()
        while not poller.answers:  # the poller is connected and answered once
            time.sleep(0.01)
        sent = time.monotonic()
        response = client.post(path, content=data, headers=headers)
        answered = time.monotonic()
        poller.stop.set()
        poller.join()

    assert response.status_code == 422, response.text[:300]
    assert response.json()["code"] == code
    assert len(response.content) <= 64 * 1024
    assert {status for _, status in poller.answers} == {200}
    during = [at for at, _ in poller.answers if sent < at < answered]
    assert during, f"/healthz got no answer while {name} was worked on"


def test_the_server_still_answers_after_the_hostile_bodies(server: tuple[str, str]) -> None:
    assert httpx.get(f"{server[0]}/readyz", timeout=10).status_code == 200
