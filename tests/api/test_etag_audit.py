"""Drafts change only with the ETag they were read at; every write leaves an audit event."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.db.session import Database
from app.services import keys

YAML = {"content-type": "application/yaml"}
VERSION = "/v1/schemes/acme-sales/versions/1"


def _database(api: TestClient) -> Database:
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    return database


@pytest.fixture
def draft(api: TestClient, acme_yaml: str) -> str:
    created = api.post("/v1/schemes", content=acme_yaml, headers=YAML)
    assert created.status_code == 201
    etag: str = created.headers["ETag"]
    return etag


def test_a_version_is_served_with_its_etag(api: TestClient, draft: str) -> None:
    assert draft == '"1.1"'
    assert api.get(VERSION).headers["ETag"] == draft


def test_changing_a_draft_needs_if_match(api: TestClient, draft: str, acme_yaml: str) -> None:
    put = api.put(VERSION, content=acme_yaml, headers=YAML)
    publish = api.post(f"{VERSION}/publish")

    assert (put.status_code, publish.status_code) == (428, 428)
    assert put.json()["code"] == publish.json()["code"] == "IF_MATCH_REQUIRED"


@pytest.mark.parametrize("stale", ['"1.0"', '"2.1"', 'W/"1.1"', "*", "garbage"])
def test_a_stale_or_foreign_etag_is_refused(
    api: TestClient, draft: str, acme_yaml: str, stale: str
) -> None:
    response = api.put(VERSION, content=acme_yaml, headers={**YAML, "If-Match": stale})

    assert response.status_code == 412
    assert response.json()["code"] == "STALE_ETAG"


def test_two_editors_with_one_etag_cannot_both_write(
    api: TestClient, draft: str, acme_yaml: str
) -> None:
    mine = acme_yaml.replace("base: 45000 ", "base: 46000 ")
    theirs = acme_yaml.replace("base: 45000 ", "base: 47000 ")

    first = api.put(VERSION, content=mine, headers={**YAML, "If-Match": draft})
    second = api.put(VERSION, content=theirs, headers={**YAML, "If-Match": draft})
    publish_old = api.post(f"{VERSION}/publish", headers={"If-Match": draft})

    assert (first.status_code, second.status_code, publish_old.status_code) == (200, 412, 412)
    assert api.get(VERSION, headers={"accept": "application/yaml"}).text == mine
    published = api.post(f"{VERSION}/publish", headers={"If-Match": first.headers["ETag"]})
    assert published.status_code == 200 and published.json()["status"] == "published"


def test_every_write_is_in_the_audit_trail(
    api: TestClient, draft: str, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    changed = acme_yaml.replace("base: 45000 ", "base: 46000 ")
    put = api.put(VERSION, content=changed, headers={**YAML, "If-Match": draft})
    api.post(f"{VERSION}/publish", headers={"If-Match": put.headers["ETag"]})
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}
    run = api.post("/v1/payroll-runs", json={**body, "roster": acme_roster}).json()
    api.post(f"/v1/payroll-runs/{run['id']}/approve")

    page = api.get("/v1/audit").json()
    events = [(e["action"], e["object_id"], e["key_name"]) for e in reversed(page["items"])]
    assert events == [
        ("key.create", events[0][1], "cli"),
        ("scheme.create", "acme-sales/1", "test admin"),
        ("scheme_version.replace", "acme-sales/1", "test admin"),
        ("scheme_version.publish", "acme-sales/1", "test admin"),
        ("payroll_run.create", run["id"], "test admin"),
        ("payroll_run.approve", run["id"], "test admin"),
    ]
    replace = page["items"][3]
    assert replace["before_hash"] != replace["after_hash"]
    assert replace["after_hash"] == put.json()["content_hash"]
    approve = page["items"][0]
    assert approve["before_hash"].startswith("sha256:") and approve["key_id"]

    filtered = api.get("/v1/audit", params={"action": "payroll_run.approve"}).json()
    assert filtered["total"] == 1 and filtered["items"][0]["object_id"] == run["id"]
    assert api.get("/v1/audit", params={"limit": 501}).status_code == 422


def test_the_audit_trail_is_admin_only(api: TestClient) -> None:
    _, secret = keys.create_key(_database(api), "reader", ["payroll:read", "schemes:read"])

    response = TestClient(api.app).get("/v1/audit", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 403


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_event SET key_name = 'x'", "DELETE FROM audit_event"]
)
def test_the_database_refuses_to_rewrite_history(api: TestClient, statement: str) -> None:
    database = _database(api)
    assert api.get("/v1/audit").json()["total"] == 1

    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))

    assert api.get("/v1/audit").json()["items"][0]["key_name"] == "cli"
