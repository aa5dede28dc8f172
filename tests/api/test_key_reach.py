"""API keys limited to schemes (OWASP API1): another scheme's objects do not exist for them.

Two schemes, ``acme-sales`` and ``beta-sales``, each with versions and a run. A key holding
every scope but ``admin``, limited to ``acme-*``, calls every operation of the API on the
objects of ``beta-sales``: each answers 404 as for a missing object (or 403 where the
operation needs ``admin`` or would create ``beta-sales``), and nothing of ``beta-sales``
changes. Its listings show only ``acme-sales``, and on ``acme-sales`` it does everything.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.services import keys
from app.settings import Settings
from tests.cli.conftest import Invoke, compcalc

__all__ = ["compcalc"]  # the command-line fixture, shared with tests/cli

YAML = "application/yaml"
ROOT = Path(__file__).resolve().parents[2]
EVERY_SCOPE_BUT_ADMIN = [s for s in keys.SCOPES if s != keys.ADMIN]
ROSTER = [{"id": "E-1", "department": "sales", "role": "rep", "credited": {"new_revenue": 1}}]


def _scheme(key: str) -> str:
    text = (ROOT / "examples" / "acme.yaml").read_text("utf-8")
    return text.replace("key: acme-sales", f"key: {key}", 1)


def _run_body(key: str) -> dict[str, Any]:
    return {"scheme": {"key": key, "version": 1}, "period": "2027-03", "roster": ROSTER}


class World:
    """The two schemes and their runs, made with an unlimited admin key."""

    def __init__(self, client: TestClient, admin: str) -> None:
        self.client = client
        self.admin = {"Authorization": f"Bearer {admin}"}
        self.runs: dict[str, str] = {}
        self.etags: dict[str, str] = {}
        for key in ("acme-sales", "beta-sales"):
            created = self.post("/v1/schemes", _scheme(key), YAML)
            assert created.status_code == 201, created.text
            published = client.post(
                f"/v1/schemes/{key}/versions/1/publish",
                headers={**self.admin, "If-Match": created.headers["ETag"]},
            )
            assert published.status_code == 200, published.text
            second = self.post(f"/v1/schemes/{key}/versions", _scheme(key), YAML)
            assert second.status_code == 201, second.text
            self.etags[key] = second.headers["ETag"]
            run = client.post("/v1/payroll-runs", json=_run_body(key), headers=self.admin)
            assert run.status_code == 201, run.text
            self.runs[key] = run.json()["id"]

    def post(self, path: str, body: str, media: str) -> Any:
        headers = {**self.admin, "content-type": media}
        return self.client.post(path, content=body.encode(), headers=headers)

    def state(self) -> str:
        """Everything of beta-sales an admin sees, to compare before and after."""
        parts = [
            self.client.get("/v1/schemes/beta-sales", headers=self.admin).text,
            self.client.get(f"/v1/payroll-runs/{self.runs['beta-sales']}", headers=self.admin).text,
            self.client.get("/v1/schemes/beta-sales/versions/2", headers=self.admin).text,
        ]
        return "\n".join(parts)


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    app = create_app(Settings(database_url=db_url))
    admin = keys.create_key(app.state.database, "admin", [keys.ADMIN])[1]
    with TestClient(app, raise_server_exceptions=False) as client:
        yield World(client, admin)


def _limited(world: World, *patterns: str) -> dict[str, str]:
    created = world.client.post(
        "/v1/keys",
        json={"name": "hr-acme", "scopes": EVERY_SCOPE_BUT_ADMIN, "schemes": list(patterns)},
        headers=world.admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["schemes"] == list(patterns)
    return {"Authorization": f"Bearer {created.json()['key']}"}


def _calls(world: World) -> dict[str, tuple[str, str, dict[str, Any], set[int]]]:
    """Per operation: the method, path and request that name beta-sales, and the answers
    allowed. Every operation of the API is here (a test checks it)."""
    run, etag = world.runs["beta-sales"], world.etags["beta-sales"]
    scheme_yaml = {"content": _scheme("beta-sales").encode(), "headers": {"content-type": YAML}}
    inline = {"json": {"scheme": {"key": "beta-sales", "version": 1}, "period": "2027-03",
                       "roster": ROSTER}}  # fmt: skip
    return {
        "health": ("GET", "/healthz", {}, {200}),
        "readiness": ("GET", "/readyz", {}, {200}),
        "metrics": ("GET", "/metrics", {}, {403}),
        "list_audit_events": ("GET", "/v1/audit", {}, {403}),
        "list_api_keys": ("GET", "/v1/keys", {}, {403}),
        "create_api_key": ("POST", "/v1/keys", {"json": {"name": "x", "scopes": ["admin"]}},
                           {403}),
        "revoke_api_key": ("POST", f"/v1/keys/{uuid.uuid4()}/revoke", {}, {403}),
        "get_pay_group_period": ("GET", "/v1/pay-groups/beta-sales/main/periods/2027-03", {},
                                 {404}),
        "list_payroll_runs": ("GET", "/v1/payroll-runs?scheme=beta-sales", {}, {200}),
        "create_payroll_run": ("POST", "/v1/payroll-runs", inline, {404}),
        "get_payroll_run": ("GET", f"/v1/payroll-runs/{run}", {}, {404}),
        "approve_payroll_run": ("POST", f"/v1/payroll-runs/{run}/approve", {}, {404}),
        "discard_payroll_run": ("POST", f"/v1/payroll-runs/{run}/discard",
                                {"json": {"reason": "not ours"}}, {404}),
        "export_payroll_run_csv": ("GET", f"/v1/payroll-runs/{run}/export.csv", {}, {404}),
        "get_payroll_run_payslip": ("GET", f"/v1/payroll-runs/{run}/payslips/E-1", {}, {404}),
        "calculate_payroll": ("POST", "/v1/payroll/calculate", inline, {404}),
        "list_schemes": ("GET", "/v1/schemes?key=beta", {}, {200}),
        "create_scheme": ("POST", "/v1/schemes", scheme_yaml, {403}),
        # Checks a document the request carries; reads and stores nothing.
        "validate_scheme": ("POST", "/v1/schemes/validate", scheme_yaml, {200}),
        "get_scheme": ("GET", "/v1/schemes/beta-sales", {}, {404}),
        "get_effective_scheme_version": ("GET", "/v1/schemes/beta-sales/effective?on=2027-03-01",
                                         {}, {404}),
        "create_scheme_version": ("POST", "/v1/schemes/beta-sales/versions", scheme_yaml, {404}),
        "diff_scheme_versions": ("GET", "/v1/schemes/beta-sales/versions/1/diff/2", {}, {404}),
        "get_scheme_version": ("GET", "/v1/schemes/beta-sales/versions/1", {}, {404}),
        "replace_scheme_version": ("PUT", "/v1/schemes/beta-sales/versions/2",
                                   {**scheme_yaml, "headers": {"content-type": YAML,
                                                               "If-Match": etag}}, {404}),
        "publish_scheme_version": ("POST", "/v1/schemes/beta-sales/versions/2/publish",
                                   {"headers": {"If-Match": etag}}, {404}),
    }  # fmt: skip


def test_every_operation_on_another_schemes_objects_answers_as_if_they_did_not_exist(
    world: World,
) -> None:
    limited = _limited(world, "acme-*")
    operations = {
        op["operationId"]
        for path in world.client.app.openapi()["paths"].values()  # type: ignore[attr-defined]
        for op in path.values()
    }
    calls = _calls(world)
    assert set(calls) == operations, "a new operation: say here what it answers"
    before = world.state()

    for operation, (method, path, request, allowed) in calls.items():
        headers = {**limited, **request.get("headers", {})}
        rest = {k: v for k, v in request.items() if k != "headers"}
        answer = world.client.request(method, path, headers=headers, **rest)
        assert answer.status_code in allowed, (operation, answer.status_code, answer.text[:300])
        if answer.status_code == 200 and operation.startswith("list_"):
            assert "beta-sales" not in answer.text, operation

    assert world.state() == before  # nothing of beta-sales changed


def test_a_hidden_object_answers_exactly_as_a_missing_one(world: World) -> None:
    limited = _limited(world, "acme-sales")
    hidden_run, missing_run = world.runs["beta-sales"], str(uuid.uuid4())

    for hidden, missing in (
        (f"/v1/payroll-runs/{hidden_run}", f"/v1/payroll-runs/{missing_run}"),
        (f"/v1/payroll-runs/{hidden_run}/export.csv", f"/v1/payroll-runs/{missing_run}/export.csv"),
        ("/v1/schemes/beta-sales", "/v1/schemes/gamma-sales"),
        ("/v1/schemes/beta-sales/versions/1", "/v1/schemes/gamma-sales/versions/1"),
    ):
        one = world.client.get(hidden, headers=limited)
        other = world.client.get(missing, headers=limited)
        assert (one.status_code, other.status_code) == (404, 404)
        assert one.headers["content-type"] == other.headers["content-type"]
        unnamed = [
            json.loads(r.text.replace(hidden_run, "ID").replace(missing_run, "ID")
                       .replace("beta-sales", "KEY").replace("gamma-sales", "KEY"))
            for r in (one, other)
        ]  # fmt: skip
        assert unnamed[0] == unnamed[1]


def test_listings_count_only_what_the_key_reaches(world: World) -> None:
    limited = _limited(world, "acme-*")

    schemes = world.client.get("/v1/schemes", headers=limited).json()
    runs = world.client.get("/v1/payroll-runs", headers=limited).json()
    everything = world.client.get("/v1/payroll-runs", headers=world.admin).json()

    assert [s["key"] for s in schemes["items"]] == ["acme-sales"] and schemes["total"] == 1
    assert [r["id"] for r in runs["items"]] == [world.runs["acme-sales"]] and runs["total"] == 1
    assert everything["total"] == 2


@pytest.mark.parametrize(
    ("patterns", "reached"),
    [
        (["acme-sales"], {"acme-sales"}),
        (["acme-*"], {"acme-sales"}),
        (["*-sales"], {"acme-sales", "beta-sales"}),
        (["beta-*", "acme-sales"], {"acme-sales", "beta-sales"}),
        (["acme"], set()),  # a key, not a prefix
    ],
)
def test_a_limit_is_keys_or_globs(world: World, patterns: list[str], reached: set[str]) -> None:
    limited = _limited(world, *patterns)
    seen = {
        key
        for key in ("acme-sales", "beta-sales")
        if world.client.get(f"/v1/schemes/{key}", headers=limited).status_code == 200
    }
    assert seen == reached


def test_a_limited_key_does_everything_on_its_own_schemes(world: World) -> None:
    limited = _limited(world, "acme-sales")
    client = world.client

    run = client.post("/v1/payroll-runs", json=_run_body("acme-sales"), headers=limited)
    assert run.status_code == 201, run.text
    run_id = run.json()["id"]
    assert client.get(f"/v1/payroll-runs/{run_id}", headers=limited).status_code == 200
    assert client.get(f"/v1/payroll-runs/{run_id}/export.csv", headers=limited).status_code == 200
    approved = client.post(f"/v1/payroll-runs/{run_id}/approve", headers=limited)
    assert approved.status_code == 200, approved.text
    period = client.get("/v1/pay-groups/acme-sales/main/periods/2027-03", headers=limited)
    assert period.status_code == 200 and period.json()["total"] is not None
    etag = world.etags["acme-sales"]
    published = client.post(
        "/v1/schemes/acme-sales/versions/2/publish", headers={**limited, "If-Match": etag}
    )
    assert published.status_code == 200, published.text
    other = client.post(
        "/v1/schemes",
        content=_scheme("acme-sales-2").encode(),
        headers={**limited, "content-type": YAML},
    )
    assert other.status_code == 403 and other.json()["code"] == "SCHEME_NOT_IN_REACH"


@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        ({"scopes": ["admin"], "schemes": ["acme-sales"]}, "ADMIN_KEY_LIMITED"),
        ({"scopes": ["payroll:read"], "schemes": ["Acme"]}, None),
        ({"scopes": ["payroll:read"], "schemes": []}, None),
        ({"scopes": ["payroll:read"], "schemes": [f"s{n}" for n in range(21)]}, None),
    ],
)
def test_a_limit_that_cannot_be_is_refused(
    world: World, request_body: dict[str, Any], code: str | None
) -> None:
    answer = world.client.post("/v1/keys", json={"name": "x", **request_body}, headers=world.admin)

    assert answer.status_code == 422, answer.text
    pointers = [e["pointer"] for e in answer.json()["errors"]]
    assert any(p.startswith("/schemes") for p in pointers), pointers
    if code is not None:
        assert code in [e["code"] for e in answer.json()["errors"]]


def test_the_command_line_creates_and_lists_a_limited_key(
    compcalc: Invoke, tmp_path: Path, sqlite_template: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    (tmp_path / "keys.db").write_bytes(sqlite_template.read_bytes())

    created = compcalc("keys", "create", "--name", "hr", "--scope", "payroll:read",
                       "--scheme", "acme-*", "--scheme", "beta-sales", "--url", url)  # fmt: skip
    listed = compcalc("keys", "list", "--url", url)
    refused = compcalc("keys", "create", "--name", "boss", "--scope", "admin",
                       "--scheme", "acme-*", "--url", url)  # fmt: skip

    assert created.exit_code == 0, created.stderr
    assert "(hr: payroll:read on acme-* beta-sales)" in created.stderr
    assert "hr  payroll:read on acme-* beta-sales  active" in listed.stdout
    assert refused.exit_code == 2 and "cannot be limited to schemes" in refused.stderr
