"""Races against two real worker processes on PostgreSQL: each write happens exactly once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from .conftest import REPO_ROOT, Service

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

VERSION = "/v1/schemes/acme-sales/versions/1"


def _race(
    service: Service, count: int, call: Callable[[httpx.Client], httpx.Response]
) -> list[httpx.Response]:
    """``count`` threads, each with its own connection, released at the same instant."""
    barrier = threading.Barrier(count)

    def one(_: int) -> httpx.Response:
        with service.client() as client:
            client.get("/healthz")  # connect before the start line
            barrier.wait()
            return call(client)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _publish(service: Service) -> None:
    with service.client() as client:
        etag = client.get(VERSION).headers["ETag"]
        assert client.post(f"{VERSION}/publish", headers={"If-Match": etag}).status_code == 200


def _run_body() -> dict[str, Any]:
    roster = json.loads((REPO_ROOT / "examples" / "acme-roster.json").read_text("utf-8"))
    return {
        "scheme": {"key": "acme-sales", "version": 1},
        "period": "2027-03",
        "roster": roster["employees"],
    }


def test_fifty_retries_of_one_run_store_it_once(service: Service) -> None:
    _publish(service)
    body = _run_body()

    def post(client: httpx.Client) -> httpx.Response:
        # A client that meets "still in progress" (409) waits and retries, as documented.
        for _ in range(200):
            response = client.post(
                "/v1/payroll-runs", json=body, headers={"Idempotency-Key": "march-run"}
            )
            if response.status_code != 409:
                return response
            time.sleep(0.05)
        return response

    responses = _race(service, 50, post)

    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("idempotency-replayed") == "true" for r in responses) == 49
    with service.client() as client:
        runs = client.get("/v1/payroll-runs").json()
    assert runs["total"] == 1
    assert runs["items"][0]["id"] == responses[0].json()["id"]


def test_twenty_concurrent_approvals_have_one_winner(service: Service) -> None:
    _publish(service)
    with service.client() as client:
        run = client.post("/v1/payroll-runs", json=_run_body()).json()

    responses = _race(service, 20, lambda c: c.post(f"/v1/payroll-runs/{run['id']}/approve"))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19
    with service.client() as client:
        audit = client.get("/v1/audit", params={"action": "payroll_run.approve"}).json()
    assert audit["total"] == 1


def test_twenty_drafts_of_one_pay_group_approved_in_parallel_have_one_winner(
    service: Service,
) -> None:
    _publish(service)
    with service.client() as client:
        drafts = [client.post("/v1/payroll-runs", json=_run_body()).json()["id"] for _ in range(20)]
    start = iter(drafts)
    lock = threading.Lock()

    def approve(client: httpx.Client) -> httpx.Response:
        with lock:
            run_id = next(start)
        return client.post(f"/v1/payroll-runs/{run_id}/approve")

    responses = _race(service, 20, approve)

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19
    (winner,) = [r.json()["id"] for r in responses if r.status_code == 200]
    codes = {r.json()["code"] for r in responses if r.status_code == 409}
    assert codes <= {"PERIOD_APPROVED", "RUN_SUPERSEDED"}
    assert all(
        winner in r.json()["detail"] for r in responses if r.json().get("code") == "PERIOD_APPROVED"
    )
    with service.client() as client:
        runs = client.get("/v1/payroll-runs", params={"limit": 50}).json()["items"]
    statuses_stored = sorted(r["status"] for r in runs)
    assert statuses_stored == ["approved"] + ["superseded"] * 19
    assert [r["id"] for r in runs if r["status"] == "approved"] == [winner]


def test_twenty_concurrent_edits_with_one_etag_have_one_winner(service: Service) -> None:
    with service.client() as client:
        etag = client.get(VERSION).headers["ETag"]
    yaml = (REPO_ROOT / "examples" / "acme.yaml").read_text("utf-8")
    headers = {"If-Match": etag, "content-type": "application/yaml"}

    responses = _race(service, 20, lambda c: c.put(VERSION, content=yaml, headers=headers))

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 19
    with service.client() as client:
        assert client.get(VERSION).headers["ETag"] == '"1.2"'
