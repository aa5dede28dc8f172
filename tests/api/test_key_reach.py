"""API keys limited to schemes (OWASP API1): another scheme's objects do not exist for them.

Two schemes, ``acme-sales`` and ``beta-sales``, each with versions and a run. A key holding
every scope but ``admin``, limited to ``acme-*``, calls every operation of the API on the
objects of ``beta-sales``: each answers 404 with the very body of a missing object (or 403
where the operation needs ``admin`` or would create ``beta-sales``), and nothing of
``beta-sales`` changes; so does every method on every route of the app. Its listings and
the audit trail show only ``acme-sales``, and on ``acme-sales`` it does everything.
"""

from __future__ import annotations

import contextvars
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app.db.session import Database
from app.main import create_app
from app.services import audit, keys, reach
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
        # The organisation policy: read by every scheme reader (the exceptions of other
        # schemes left out, tests/api/test_policy.py), replaced with admin only.
        "get_policy": ("GET", "/v1/policy", {}, {200}),
        "replace_policy": ("PUT", "/v1/policy", {"content": b"commission_order: strict\n",
                           "headers": {"content-type": YAML, "If-Match": '"policy.0"'}}, {403}),
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
        "get_payroll_run_payslips_pdf": ("GET", f"/v1/payroll-runs/{run}/payslips.pdf", {},
                                         {404}),
        "get_payroll_run_report": ("GET", f"/v1/payroll-runs/{run}/report", {}, {404}),
        "export_payroll_run_xlsx": ("GET", f"/v1/payroll-runs/{run}/export.xlsx", {}, {404}),
        "calculate_payroll": ("POST", "/v1/payroll/calculate", inline, {404}),
        "simulate": ("POST", "/v1/simulations", {"json": {
            "scheme": {"key": "beta-sales", "version": 1}, "runs": 1,
            "population": {"teams": {"sales": {"roles": {"head": {"headcount": 1}}}}}}},
                     {404}),
        "list_schemes": ("GET", "/v1/schemes?key=beta", {}, {200}),
        "create_scheme": ("POST", "/v1/schemes", scheme_yaml, {403}),
        # Checks a document the request carries; reads and stores nothing.
        "validate_scheme": ("POST", "/v1/schemes/validate", scheme_yaml, {200}),
        "get_scheme": ("GET", "/v1/schemes/beta-sales", {}, {404}),
        "get_effective_scheme_version": ("GET", "/v1/schemes/beta-sales/effective?on=2027-03-01",
                                         {}, {404}),
        "create_scheme_version": ("POST", "/v1/schemes/beta-sales/versions", scheme_yaml, {404}),
        "diff_scheme_versions": ("GET", "/v1/schemes/beta-sales/versions/1/diff/2", {}, {404}),
        "scheme_version_impact": ("GET", f"/v1/schemes/beta-sales/versions/1/impact/2?run={run}",
                                  {}, {404}),
        "get_scheme_version": ("GET", "/v1/schemes/beta-sales/versions/1", {}, {404}),
        "get_scheme_version_curves": ("GET", "/v1/schemes/beta-sales/versions/1/curves", {},
                                      {404}),
        # Draws a document the request carries; reads and stores nothing of any scheme.
        "calculate_curves": ("POST", "/v1/schemes/curves", scheme_yaml, {200}),
        "replace_scheme_version": ("PUT", "/v1/schemes/beta-sales/versions/2",
                                   {**scheme_yaml, "headers": {"content-type": YAML,
                                                               "If-Match": etag}}, {404}),
        "publish_scheme_version": ("POST", "/v1/schemes/beta-sales/versions/2/publish",
                                   {"headers": {"If-Match": etag}}, {404}),
    }  # fmt: skip


def _twin(world: World, path: str, request: dict[str, Any], key: str) -> tuple[str, dict[str, Any]]:
    """The same request naming objects that do not exist: scheme ``key`` for beta-sales, a
    random id for its run."""
    run = world.runs["beta-sales"]
    missing_run = str(uuid.uuid4())

    def swap(text: str) -> str:
        return text.replace("beta-sales", key).replace(run, missing_run)

    twin = dict(request)
    if "json" in request:
        twin["json"] = json.loads(swap(json.dumps(request["json"])))
    if "content" in request:
        twin["content"] = swap(request["content"].decode()).encode()
    return swap(path), twin


def _unnamed(text: str) -> Any:
    """A problem document with the scheme keys and run ids it names replaced by KEY and ID."""
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", text)
    return json.loads(re.sub(r"(beta-sales|acme-gone|gamma-sales)", "KEY", text))


def _send(
    world: World, key: dict[str, str], method: str, path: str, request: dict[str, Any]
) -> Any:
    headers = {**key, **request.get("headers", {})}
    rest = {k: v for k, v in request.items() if k != "headers"}
    return world.client.request(method, path, headers=headers, **rest)


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
        answer = _send(world, limited, method, path, request)
        assert answer.status_code in allowed, (operation, answer.status_code, answer.text[:300])
        if answer.status_code == 200 and operation.startswith("list_"):
            assert "beta-sales" not in answer.text, operation
        if answer.status_code in (403, 404):
            # A missing object answers alike: acme-gone is within the key's reach and does
            # not exist; creating a scheme is refused for gamma-sales as for beta-sales.
            missing = "gamma-sales" if operation == "create_scheme" else "acme-gone"
            twin = _send(world, limited, method, *_twin(world, path, request, missing))
            assert twin.status_code == answer.status_code, (operation, twin.text[:300])
            assert twin.headers["content-type"] == answer.headers["content-type"], operation
            assert _unnamed(twin.text) == _unnamed(answer.text), operation

    assert world.state() == before  # nothing of beta-sales changed


def _routes(routes: Iterable[Any]) -> Iterator[Any]:
    """Every route of the app, also those of included routers (see tests/api/test_security)."""
    for route in routes:
        nested = getattr(route, "effective_route_contexts", None)
        if nested is not None:
            yield from _routes(nested())
        elif not isinstance(route, Mount):  # /static: the docs' own JS and CSS
            yield route


def test_every_route_of_the_app_hides_another_schemes_objects(world: World) -> None:
    """Each route and method of the app, its path filled with beta-sales' objects and the
    body empty: 404 (403 for admin), 422 where the empty body is refused before any lookup,
    405 for a method no route of the path serves; a listing never shows beta-sales."""
    limited = _limited(world, "acme-*")
    run = world.runs["beta-sales"]
    params = {"key": "beta-sales", "scheme": "beta-sales", "version": "2", "old": "1",
              "new": "2", "run_id": run, "employee_id": "E-1", "key_id": str(uuid.uuid4()),
              "group": "main", "period": "2027-03"}  # fmt: skip
    routes = list(_routes(world.client.app.routes))  # type: ignore[attr-defined]
    served: dict[str, set[str]] = {}
    for route in routes:
        served.setdefault(route.path, set()).update(route.methods or {"GET"})
    before = world.state()
    checked = 0

    for template, methods in sorted(served.items()):
        path = re.sub(r"{(\w+)}", lambda m: params[m[1]], template)
        names_beta = "{" in template and "key_id" not in template
        # /v1/schemes/validate is also /v1/schemes/{key}: a scheme 'validate', not stored.
        elsewhere = {m for r in routes if r.path_regex.match(path) for m in r.methods or ()}
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            headers = {**limited, "If-Match": world.etags["beta-sales"]}
            answer = world.client.request(
                method, path, headers=headers, json={}, params={"on": "2027-03-01"}
            )
            where = (method, template, answer.status_code, answer.text[:200])
            if method not in methods:
                assert answer.status_code == (404 if method in elsewhere else 405), where
            elif names_beta:
                assert answer.status_code in ({404, 422} if method != "GET" else {404}), where
                if answer.status_code == 422:  # the empty body, refused whoever asks
                    assert answer.json()["code"] != "RUN_NOT_FOUND", where
            else:
                assert answer.status_code in {200, 403, 404, 422}, where
                assert "beta-sales" not in answer.text and run not in answer.text, where
            checked += 1

    assert checked > 60  # every path × five methods
    assert world.state() == before


def test_a_hidden_run_answers_exactly_as_a_missing_one(world: World) -> None:
    limited = _limited(world, "acme-sales")
    hidden_run, missing_run = world.runs["beta-sales"], str(uuid.uuid4())

    for hidden, missing in (
        (f"/v1/payroll-runs/{hidden_run}", f"/v1/payroll-runs/{missing_run}"),
        (f"/v1/payroll-runs/{hidden_run}/export.csv", f"/v1/payroll-runs/{missing_run}/export.csv"),
        ("/v1/schemes/beta-sales", "/v1/schemes/acme-sales-2"),  # within reach, not stored
    ):
        one = world.client.get(hidden, headers=limited)
        other = world.client.get(missing, headers=limited)

        assert (one.status_code, other.status_code) == (404, 404)
        per_answer = {"x-request-id", "content-length"}
        assert one.headers.keys() == other.headers.keys()
        assert [(k, v) for k, v in one.headers.items() if k not in per_answer] == [
            (k, v) for k, v in other.headers.items() if k not in per_answer
        ]
        body = one.json()
        assert body["code"] in {"RUN_NOT_FOUND", "SCHEME_NOT_FOUND"}
        unnamed = [
            r.text.replace(hidden_run, "ID").replace(missing_run, "ID")
            .replace("beta-sales", "KEY").replace("acme-sales-2", "KEY")
            for r in (one, other)
        ]  # fmt: skip
        assert unnamed[0] == unnamed[1]  # byte for byte, but for the id or key
    assert world.client.get(f"/v1/payroll-runs/{hidden_run}", headers=world.admin).is_success


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
        (["*"], {"acme-sales", "beta-sales"}),
        (["acme"], set()),  # a key, not a prefix
        (["acme_sales", "beta.sales"], set()),  # '_' and '.' are themselves, not wildcards
    ],
)
def test_a_limit_is_keys_or_globs(world: World, patterns: list[str], reached: set[str]) -> None:
    limited = _limited(world, *patterns)
    seen = {
        key
        for key in ("acme-sales", "beta-sales")
        if world.client.get(f"/v1/schemes/{key}", headers=limited).status_code == 200
    }
    listed = world.client.get("/v1/schemes", headers=limited).json()
    runs = world.client.get("/v1/payroll-runs", headers=limited).json()

    assert seen == reached
    # The listings match in SQL what a lookup matches in Python: the same schemes.
    assert {s["key"] for s in listed["items"]} == reached and listed["total"] == len(reached)
    assert {r["id"] for r in runs["items"]} == {world.runs[k] for k in reached}


def test_a_limited_key_does_everything_on_its_own_schemes(world: World) -> None:
    limited = _limited(world, "acme-sales")
    client = world.client

    def ok(method: str, path: str, status: int = 200, **request: Any) -> Any:
        headers = {**limited, **request.pop("headers", {})}
        answer = client.request(method, path, headers=headers, **request)
        assert answer.status_code == status, (method, path, answer.text[:300])
        return answer

    assert ok("GET", "/v1/schemes/acme-sales").json()["key"] == "acme-sales"
    ok("GET", "/v1/schemes/acme-sales/versions/1")
    ok("GET", "/v1/schemes/acme-sales/versions/1/diff/2")
    ok("GET", "/v1/schemes/acme-sales/effective", params={"on": "2027-03-01"})
    for scheme in ({"key": "acme-sales", "version": 1}, {"key": "acme-sales", "on": "2027-03-01"}):
        body = {"scheme": scheme, "period": "2027-03", "roster": ROSTER}
        assert ok("POST", "/v1/payroll/calculate", json=body).json()["payslips"]
    run_id = ok("POST", "/v1/payroll-runs", 201, json=_run_body("acme-sales")).json()["id"]
    listed = ok("GET", "/v1/payroll-runs", params={"scheme": "acme-sales"}).json()
    assert {r["id"] for r in listed["items"]} == {run_id, world.runs["acme-sales"]}
    ok("GET", f"/v1/payroll-runs/{run_id}")
    ok("GET", f"/v1/payroll-runs/{run_id}/payslips/E-1")
    ok("GET", f"/v1/payroll-runs/{run_id}/export.csv")
    ok("POST", f"/v1/payroll-runs/{world.runs['acme-sales']}/discard", json={"reason": "twice"})
    ok("POST", f"/v1/payroll-runs/{run_id}/approve")
    period = ok("GET", "/v1/pay-groups/acme-sales/main/periods/2027-03").json()
    assert period["status"] == "approved" and period["total"] is not None
    etag = world.etags["acme-sales"]
    ok("PUT", "/v1/schemes/acme-sales/versions/2", content=_scheme("acme-sales").encode(),
       headers={"content-type": YAML, "If-Match": etag})  # fmt: skip
    etag = ok("GET", "/v1/schemes/acme-sales/versions/2").headers["ETag"]
    ok("POST", "/v1/schemes/acme-sales/versions/2/publish", headers={"If-Match": etag})
    ok("POST", "/v1/schemes/acme-sales/versions", 201, content=_scheme("acme-sales").encode(),
       headers={"content-type": YAML})  # fmt: skip
    limited_too = _limited(world, "acme-*")
    created = client.post(
        "/v1/schemes",
        content=_scheme("acme-new").encode(),
        headers={**limited_too, "content-type": YAML},
    )
    assert created.status_code == 201, created.text  # a new scheme its limit covers
    other = client.post(
        "/v1/schemes",
        content=_scheme("acme-sales-2").encode(),
        headers={**limited, "content-type": YAML},
    )
    assert other.status_code == 403 and other.json()["code"] == "SCHEME_NOT_IN_REACH"
    assert other.json()["detail"] == (
        "this API key reaches only the schemes acme-sales, not 'acme-sales-2'"
    )


def _events(world: World, patterns: tuple[str, ...] | None) -> tuple[set[tuple[str, str]], int]:
    """What the audit service lists to a caller of that reach (its objects, and its total)."""
    database = world.client.app.state.database  # type: ignore[attr-defined]
    none = {"action": None, "object_id": None, "key_id": None}

    def listed() -> tuple[list[audit.EventView], int]:
        reach.enter(reach.Reach(patterns))
        return audit.list_events(database, none, None, 500, 0)

    events, total = contextvars.copy_context().run(listed)  # the reach stays in that context
    return {(e.object_type, e.object_id) for e in events}, total


def test_the_audit_trail_shows_a_limited_caller_only_its_schemes_events(world: World) -> None:
    """GET /v1/audit needs admin, and an admin key is never limited; the audit service still
    keeps to the caller's reach, as every other lookup does."""
    _limited(world, "acme-*")  # one more event, about a key
    everything, total = _events(world, None)
    acme, acme_total = _events(world, ("acme-*",))
    beta, _ = _events(world, ("beta-sales", "gamma-*"))

    assert acme == {("scheme_version", "acme-sales/1"), ("scheme_version", "acme-sales/2"),
                    ("payroll_run", world.runs["acme-sales"])}  # fmt: skip
    assert acme_total == 4  # acme-sales/1 created and published, /2 created, a run created
    assert beta == {(t, i.replace("acme", "beta")) for t, i in acme if t != "payroll_run"} | {
        ("payroll_run", world.runs["beta-sales"])
    }
    assert _events(world, ("acme",))[0] == set()  # a key, not a prefix
    assert any(t == "api_key" for t, _ in everything) and total == 2 * 4 + 2  # + two keys
    assert _events(world, ("*",))[0] == {e for e in everything if e[0] != "api_key"}


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
        assert answer.json()["code"] == code
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
    malformed = compcalc("keys", "create", "--name", "hr", "--scope", "payroll:read",
                         "--scheme", "acme-*", "--scheme", "Acme/Sales", "--url", url)  # fmt: skip

    assert created.exit_code == 0, created.stderr
    assert "(hr: payroll:read on acme-* beta-sales)" in created.stderr
    assert "hr  payroll:read on acme-* beta-sales  active" in listed.stdout
    database = Database(url)
    try:
        principal = keys.authenticate(database, created.stdout.strip())
    finally:
        database.dispose()
    assert principal is not None and principal.reach == reach.Reach(("acme-*", "beta-sales"))
    assert refused.exit_code == 2 and "cannot be limited to schemes" in refused.stderr
    assert malformed.exit_code == 2
    assert malformed.stderr == (
        "compcalc keys: 'Acme/Sales' is not a scheme key or glob (a-z, 0-9, '.', '_', '-' and "
        "'*', at most 64 characters)\n"
    )
