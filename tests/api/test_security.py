"""Who may call what: every route but the probes and the docs wants a key with a scope."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text, update
from starlette.routing import Mount

from app.api.security import KeyCache, RateLimiter
from app.db.models import ApiKey
from app.db.session import Database
from app.main import create_app
from app.services import keys
from app.settings import Settings

PROBLEM = "application/problem+json"
OPEN = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
PARAMS = {
    "key": "acme-sales",
    "version": "1",
    "old": "1",
    "new": "2",
    "run_id": str(uuid.uuid4()),
    "employee_id": "E-1",
    "key_id": str(uuid.uuid4()),
    "scheme": "acme-sales",
    "group": "main",
    "period": "2027-03",
}


def _database(api: TestClient) -> Database:
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    return database


def _bare(api: TestClient) -> TestClient:
    """A client of the same app that sends no credential."""
    return TestClient(api.app)


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route of the app, including those of included routers (FastAPI ≥ 0.16x keeps
    them behind an ``_IncludedRouter`` that lists its effective routes)."""
    for route in routes:
        nested = getattr(route, "effective_route_contexts", None)
        if nested is not None:
            yield from _routes(nested())
        else:
            yield route


def test_every_route_but_the_open_ones_refuses_a_request_without_a_key(api: TestClient) -> None:
    bare = _bare(api)
    answered_open, refused = set(), set()
    for route in _routes(api.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            assert route.path == "/static", route.path  # the docs' own JS and CSS
            continue
        path = re.sub(r"{(\w+)}", lambda m: PARAMS[m[1]], route.path)
        for method in sorted(getattr(route, "methods", None) or {"GET"}):
            if method == "HEAD":
                continue
            response = bare.request(method, path, json={})
            if route.path in OPEN:
                assert response.status_code < 400, (method, route.path)
                answered_open.add(route.path)
                continue
            assert response.status_code == 401, (method, route.path, response.text)
            assert response.headers["www-authenticate"] == 'Bearer realm="compcalc"'
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["code"] == "CREDENTIALS_MISSING"
            refused.add((method, route.path))
    assert answered_open == OPEN
    assert len(refused) == 33  # every operation of /v1 and /metrics (see test_contract.OPERATIONS)


@pytest.mark.parametrize(
    "header",
    ["Bearer cck_not-a-key", "Bearer ", "Basic dXNlcjpwYXNz", "cck_without_scheme"],
)
def test_an_unknown_or_malformed_credential_is_refused(api: TestClient, header: str) -> None:
    response = _bare(api).get("/v1/schemes", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] in {"CREDENTIALS_MISSING", "CREDENTIALS_INVALID"}
    assert "cck_not-a-key" not in response.text and "dXNlcjpwYXNz" not in response.text


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_revoked_or_expired_key_is_refused(api: TestClient) -> None:
    clock = _Clock()
    api.app.state.key_cache = KeyCache(5, clock=clock)  # type: ignore[attr-defined]
    database = _database(api)
    reader, secret = keys.create_key(database, "reader", ["schemes:read"])
    soon = datetime.now(UTC) + timedelta(hours=1)
    old, expired = keys.create_key(database, "old", ["schemes:read"], expires_at=soon)
    with database.session() as session, session.begin():  # the hour has passed
        past = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(update(ApiKey).where(ApiKey.id == old.id).values(expires_at=past))
    bare = _bare(api)
    headers = {"Authorization": f"Bearer {secret}"}

    assert bare.get("/v1/schemes", headers=headers).is_success
    keys.revoke_key(database, reader.id)  # as `compcalc keys revoke` does, in another process

    clock.now += 4.9  # this worker still remembers the key it verified...
    assert bare.get("/v1/schemes", headers=headers).is_success
    clock.now += 0.2  # ...for COMPCALC_KEY_CACHE_SECONDS (5 s here), then reads it again
    for token in (secret, expired):
        response = bare.get("/v1/schemes", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.json()["code"] == "CREDENTIALS_INVALID"


def test_the_key_cache_forgets_stale_and_expired_keys_and_keeps_no_secret() -> None:
    clock = _Clock()
    cache = KeyCache(5, clock=clock)
    fresh = keys.Principal(uuid.uuid4(), "hr", frozenset({"payroll:read"}))
    past = datetime.now(UTC) - timedelta(seconds=1)
    lapsed = keys.Principal(uuid.uuid4(), "old", frozenset({"payroll:read"}), past)

    cache.put("cck_fresh", fresh)
    cache.put("cck_lapsed", lapsed)

    assert cache.get("cck_fresh") is fresh
    assert cache.get("cck_lapsed") is None  # the key's own expiry wins over the cache time
    assert cache.get("cck_unknown") is None
    assert "cck_fresh" not in repr(vars(cache)) and "cck_fresh" not in repr(cache._entries)
    clock.now += 5
    assert cache.get("cck_fresh") is None
    cache.put("cck_fresh", fresh)
    cache.clear()
    assert cache.get("cck_fresh") is None

    off = KeyCache(0, clock=clock)
    off.put("cck_fresh", fresh)
    assert off.get("cck_fresh") is None  # 0: every request reads the key

    full = KeyCache(5, clock=clock)
    for n in range(KeyCache.MAX_KEYS):
        full.put(f"cck_{n}", fresh)
    full.put("cck_one_more", fresh)  # starts afresh rather than growing without bound
    assert full.get("cck_0") is None and full.get("cck_one_more") is fresh


# (scopes of the key, method, path, expected status)
SCOPE_CASES = [
    ("schemes:read", "GET", "/v1/schemes", 200),
    ("schemes:read", "POST", "/v1/schemes", 403),
    ("schemes:write", "GET", "/v1/schemes", 200),
    ("schemes:write", "POST", "/v1/schemes/acme-sales/versions/1/publish", 403),
    ("payroll:read", "GET", "/v1/payroll-runs", 200),
    ("payroll:read", "POST", "/v1/payroll/calculate", 403),
    ("payroll:read", "POST", "/v1/payroll-runs", 403),
    ("payroll:calculate", "GET", "/v1/payroll-runs", 403),
    ("payroll:write", "POST", f"/v1/payroll-runs/{uuid.uuid4()}/approve", 403),
    ("payroll:approve", "POST", f"/v1/payroll-runs/{uuid.uuid4()}/approve", 404),
    ("payroll:approve payroll:read", "GET", "/v1/audit", 403),
    ("schemes:publish", "GET", "/v1/keys", 403),
    ("admin", "GET", "/v1/audit", 200),
]


@pytest.mark.parametrize(("scopes", "method", "path", "status"), SCOPE_CASES)
def test_a_key_may_do_what_its_scopes_allow(
    api: TestClient, scopes: str, method: str, path: str, status: int
) -> None:
    _, secret = keys.create_key(_database(api), "scoped", scopes.split())

    response = _bare(api).request(method, path, headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["code"] == "SCOPE_MISSING"


def test_keys_are_managed_through_the_admin_api(api: TestClient) -> None:
    created = api.post("/v1/keys", json={"name": "hr-system", "scopes": ["payroll:read"]})
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    secret = body["key"]
    assert secret.startswith("cck_") and len(secret) == 47 and body["prefix"] == secret[:12]
    headers = {"Authorization": f"Bearer {secret}"}
    assert _bare(api).get("/v1/payroll-runs", headers=headers).status_code == 200

    listed = api.get("/v1/keys")
    assert secret not in listed.text
    assert {k["name"]: k["scopes"] for k in listed.json()}["hr-system"] == ["payroll:read"]
    with _database(api).engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM api_key")).all()
    assert not any(secret in str(value) for row in stored for value in row)

    revoked = api.post(f"/v1/keys/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert _bare(api).get("/v1/payroll-runs", headers=headers).status_code == 401
    assert api.post(f"/v1/keys/{uuid.uuid4()}/revoke").status_code == 404


def test_unknown_scopes_are_refused(api: TestClient) -> None:
    response = api.post("/v1/keys", json={"name": "x", "scopes": ["root"]})

    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_SCOPES"


def test_the_rate_limit_answers_429_with_retry_after(api: TestClient) -> None:
    api.app.state.rate_limiter.per_minute = 3  # type: ignore[attr-defined]

    statuses = [api.get("/v1/schemes").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    limited = api.get("/v1/schemes")
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["code"] == "RATE_LIMITED"


def test_the_rate_limit_is_one_limit_per_key_across_workers_and_restarts_each_minute(
    api: TestClient, db_url: str
) -> None:
    clock = _Clock()
    clock.now = 60 * 29_000_000 + 50.0  # ten seconds before a minute ends
    other_app = create_app(Settings(database_url=db_url, rate_limit_per_minute=3))
    for app in (api.app, other_app):  # two worker processes of one service
        app.state.rate_limiter = RateLimiter(3, clock=clock)  # type: ignore[attr-defined]
    with TestClient(other_app, headers=dict(api.headers)) as other:
        statuses = [client.get("/v1/schemes").status_code for client in (api, other, api, other)]
        assert statuses == [200, 200, 200, 429]  # 3 a minute in all, not 3 per worker
        limited = other.get("/v1/schemes")
        assert limited.headers["retry-after"] == "10"

        clock.now += 10  # a new minute: the count starts again, for both workers
        assert [api.get("/v1/schemes").status_code, other.get("/v1/schemes").status_code] == [
            200,
            200,
        ]
    with _database(api).engine.connect() as connection:
        minutes = connection.execute(text("SELECT minute, count FROM rate_window")).all()
    assert minutes == [(29_000_001, 2)]  # the earlier minute's count is gone


def test_swagger_ui_offers_the_bearer_key(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    calculate = document["paths"]["/v1/payroll/calculate"]["post"]
    assert calculate["security"] == [{"ApiKey": []}]
    assert {"401", "403", "429"} <= set(calculate["responses"])
    assert "security" not in document["paths"]["/healthz"]["get"]


def test_a_body_that_is_not_utf8_json_is_an_unparseable_body_problem(api: TestClient) -> None:
    # FastAPI's own body parsing answers 400 here; the service answers the 422 that every
    # operation documents, as its own body readers do (found by schemathesis: b"\xff")
    response = api.post("/v1/keys", content=b"\xff", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["type"], body["code"]) == (
        "urn:compcalc:problem:unparseable-body",
        "UNPARSEABLE_BODY",
    )


def test_a_key_that_would_be_born_expired_is_refused(api: TestClient) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    response = api.post(
        "/v1/keys", json={"name": "late", "scopes": ["schemes:read"], "expires_at": past}
    )

    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "EXPIRY_IN_PAST"
    assert [e["pointer"] for e in problem["errors"]] == ["/expires_at"]
    assert "late" not in [k["name"] for k in api.get("/v1/keys").json()]


def test_the_last_active_admin_key_cannot_be_revoked(api: TestClient) -> None:
    (admin,) = [k for k in api.get("/v1/keys").json() if "admin" in k["scopes"]]

    refused = api.post(f"/v1/keys/{admin['id']}/revoke")
    second = api.post("/v1/keys", json={"name": "second admin", "scopes": ["admin"]})
    revoked = api.post(f"/v1/keys/{admin['id']}/revoke", headers={
        "Authorization": f"Bearer {second.json()['key']}"})  # fmt: skip
    last = api.post(f"/v1/keys/{second.json()['id']}/revoke", headers={
        "Authorization": f"Bearer {second.json()['key']}"})  # fmt: skip

    assert refused.status_code == 409 and refused.json()["code"] == "LAST_ADMIN_KEY"
    assert second.status_code == 201, second.text
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert last.status_code == 409 and last.json()["code"] == "LAST_ADMIN_KEY"
