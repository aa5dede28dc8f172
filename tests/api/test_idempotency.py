"""Idempotency-Key: a retried write happens once and gets the first answer again."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.db.session import Database
from app.services import idempotency, keys

Publish = Callable[..., dict[str, Any]]
RUNS = "/v1/payroll-runs"


def _database(api: TestClient) -> Database:
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    return database


def _body(roster: list[dict[str, Any]]) -> dict[str, Any]:
    return {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03", "roster": roster}


def _runs(api: TestClient) -> int:
    total: int = api.get(RUNS).json()["total"]
    return total


@pytest.fixture
def published(publish_acme: Publish) -> dict[str, Any]:
    return publish_acme()


def test_a_retried_run_is_stored_once_and_answered_the_same(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    headers = {"Idempotency-Key": "run-2027-03"}

    first = api.post(RUNS, json=_body(acme_roster), headers=headers)
    again = api.post(RUNS, json=_body(acme_roster), headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert _runs(api) == 1


def test_without_the_header_each_call_stores_a_run(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    for _ in range(2):
        assert api.post(RUNS, json=_body(acme_roster)).status_code == 201

    assert _runs(api) == 2


def test_the_same_key_with_another_body_is_refused(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert api.post(RUNS, json=_body(acme_roster), headers=headers).status_code == 201

    other = api.post(RUNS, json=_body(acme_roster[:3]), headers=headers)

    assert other.status_code == 422
    assert other.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _runs(api) == 1


def test_keys_belong_to_one_credential(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    _, other = keys.create_key(_database(api), "second", ["payroll:write", "payroll:read"])
    headers = {"Idempotency-Key": "shared-name"}

    api.post(RUNS, json=_body(acme_roster), headers=headers)
    second = api.post(
        RUNS, json=_body(acme_roster), headers={**headers, "Authorization": f"Bearer {other}"}
    )

    assert second.status_code == 201 and "idempotency-replayed" not in second.headers
    assert _runs(api) == 2


def _claim(api: TestClient, body: bytes, lease: timedelta) -> None:
    """Hold ``k-busy`` as a request that is still running (or died), for POST /v1/payroll-runs."""
    digest = hashlib.sha256()
    for part in ("POST", RUNS, "application/json"):
        digest.update(part.encode() + b"\x00")
    digest.update(body)
    database = _database(api)
    (admin,) = [key for key in keys.list_keys(database) if key.name == "test admin"]
    request = idempotency.Once(admin.id, "k-busy", digest.hexdigest(), lease, timedelta(hours=24))
    idempotency.begin(database, request)


def test_a_retry_while_the_first_is_running_gets_409(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    body = json.dumps(_body(acme_roster)).encode()
    _claim(api, body, timedelta(minutes=5))

    response = api.post(
        RUNS,
        content=body,
        headers={"Idempotency-Key": "k-busy", "content-type": "application/json"},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "IDEMPOTENT_REQUEST_IN_PROGRESS"
    assert _runs(api) == 0


def test_a_claim_whose_holder_died_is_taken_over_once_its_lease_ends(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    body = json.dumps(_body(acme_roster)).encode()
    _claim(api, body, timedelta(seconds=-1))  # the lease already ran out
    headers = {"Idempotency-Key": "k-busy", "content-type": "application/json"}

    first = api.post(RUNS, content=body, headers=headers)
    again = api.post(RUNS, content=body, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["idempotency-replayed"] == "true"
    assert _runs(api) == 1


def test_a_failed_write_is_not_stored_so_a_fixed_retry_can_run(
    api: TestClient, acme_roster: list[dict[str, Any]], publish_acme: Publish
) -> None:
    headers = {"Idempotency-Key": "early"}

    before = api.post(RUNS, json=_body(acme_roster), headers=headers)  # nothing published yet
    assert before.status_code == 404
    publish_acme()
    after = api.post(RUNS, json=_body(acme_roster), headers=headers)

    assert after.status_code == 201 and "idempotency-replayed" not in after.headers


def test_approve_and_publish_replay_their_first_answer(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    created = api.post("/v1/schemes", content=acme_yaml, headers={"content-type": "text/yaml"})
    publish = {"If-Match": created.headers["ETag"], "Idempotency-Key": "pub-1"}
    url = "/v1/schemes/acme-sales/versions/1/publish"
    first = api.post(url, headers=publish)
    again = api.post(url, headers=publish)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == first.content and again.headers["idempotency-replayed"] == "true"
    assert api.post(url, headers={"If-Match": created.headers["ETag"]}).status_code == 409

    run = api.post(RUNS, json=_body(acme_roster)).json()
    approve = f"{RUNS}/{run['id']}/approve"
    answers = [api.post(approve, headers={"Idempotency-Key": "ok-1"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[1].json() == answers[0].json() and answers[0].json()["status"] == "approved"
    assert api.post(approve).status_code == 409


def test_an_old_stored_answer_expires(
    api: TestClient, published: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    headers = {"Idempotency-Key": "old"}
    api.post(RUNS, json=_body(acme_roster), headers=headers)
    long_ago = datetime.now(UTC) - timedelta(hours=25)
    with _database(api).engine.begin() as connection:
        connection.execute(text("UPDATE idempotency_record SET created_at = :t"), {"t": long_ago})

    again = api.post(RUNS, json=_body(acme_roster), headers=headers)

    assert again.status_code == 201 and "idempotency-replayed" not in again.headers
    assert _runs(api) == 2
