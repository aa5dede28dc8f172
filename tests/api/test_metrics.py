"""Seeing it run: GET /metrics, the request id, the request log line (docs/operations.md).

The metrics live once per process, so every test compares a value before and after what it
does (:func:`_value`) instead of expecting a fresh count.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from app.api import logs, metrics
from app.cli.logconfig import JsonFormatter, log_config, log_format
from app.main import create_app
from app.settings import Settings
from tests.api.conftest import admin_key

TOKEN = "metrics-token-0123456789abcdef"
RUN_ROUTE = "/v1/payroll-runs/{run_id}"
Publish = Callable[..., dict[str, Any]]


def _value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def _requests(route: str, method: str = "GET", status: str = "200") -> float:
    return _value("compcalc_http_requests_total", route=route, method=method, status=status)


@pytest.fixture
def tokened(tmp_path: Path, sqlite_template: Path) -> Iterator[TestClient]:
    """A client (sending nothing) of an app whose metrics token is set."""
    path = tmp_path / "metrics.db"
    path.write_bytes(sqlite_template.read_bytes())
    app = create_app(Settings(database_url=f"sqlite:///{path}", metrics_token=SecretStr(TOKEN)))
    with TestClient(app) as client:
        yield client


# --- access -----------------------------------------------------------------------------------


def test_metrics_answer_an_admin_key_in_the_prometheus_text_format(client: TestClient) -> None:
    response = client.get("/metrics")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = response.text
    for name, kind in [
        ("compcalc_http_requests_total", "counter"),
        ("compcalc_http_request_duration_seconds", "histogram"),
        ("compcalc_http_requests_in_progress", "gauge"),
        ("compcalc_http_problems_total", "counter"),
        ("compcalc_payroll_runs_created_total", "counter"),
        ("compcalc_payroll_runs_approved_total", "counter"),
        ("compcalc_payslips_computed_total", "counter"),
        ("compcalc_db_connections_in_use", "gauge"),
        ("compcalc_db_connections_max", "gauge"),
    ]:
        base = name.removesuffix("_total")
        assert f"# TYPE {base} {kind}" in text or f"# TYPE {name} {kind}" in text, name
    assert "_created" not in text.replace("runs_created", "")  # no *_created series


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "CREDENTIALS_MISSING"),
        ({"Authorization": "Bearer metrics-token-0123456789abcdeX"}, 401, "CREDENTIALS_INVALID"),
        ({"Authorization": f"Basic {TOKEN}"}, 401, "CREDENTIALS_MISSING"),
    ],
)
def test_metrics_refuse_anything_but_a_key_or_the_token(
    tokened: TestClient, headers: dict[str, str], status: int, code: str
) -> None:
    response = tokened.get("/metrics", headers=headers)

    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.headers["www-authenticate"] == 'Bearer realm="compcalc"'


def test_the_metrics_token_reads_metrics_and_nothing_else(tokened: TestClient) -> None:
    bearer = {"Authorization": f"Bearer {TOKEN}"}

    assert tokened.get("/metrics", headers=bearer).status_code == 200
    assert tokened.get("/v1/keys", headers=bearer).status_code == 401
    assert tokened.get("/v1/payroll-runs", headers=bearer).status_code == 401


def test_a_key_without_admin_may_not_read_metrics(tokened: TestClient) -> None:
    secret = admin_key(tokened.app.state.database, ("payroll:read",))  # type: ignore[attr-defined]

    response = tokened.get("/metrics", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 403
    assert response.json()["code"] == "SCOPE_MISSING"


def test_without_a_token_set_only_admin_keys_read_metrics(client: TestClient) -> None:
    bare = TestClient(client.app)

    assert bare.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401
    assert client.get("/metrics").status_code == 200


def test_the_metrics_token_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPCALC_METRICS_TOKEN", "")  # what compose passes when unset
    assert Settings().metrics_token is None
    monkeypatch.setenv("COMPCALC_METRICS_TOKEN", TOKEN)
    token = Settings().metrics_token
    assert token is not None and token.get_secret_value() == TOKEN
    assert TOKEN not in repr(Settings())
    monkeypatch.setenv("COMPCALC_METRICS_TOKEN", "short")
    with pytest.raises(ValidationError):
        Settings()


def test_metrics_are_in_the_openapi_document_and_need_a_key(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/metrics"]["get"]

    assert operation["operationId"] == "metrics"
    assert operation["security"] == [{"ApiKey": []}]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert {"401", "403", "429"} <= set(operation["responses"])


# --- what is counted --------------------------------------------------------------------------


def test_requests_are_counted_by_route_template_never_by_raw_path(client: TestClient) -> None:
    run_id = str(uuid.uuid4())
    before = _requests(RUN_ROUTE, status="404")
    latency = _value("compcalc_http_request_duration_seconds_count", route=RUN_ROUTE, method="GET")

    assert client.get(f"/v1/payroll-runs/{run_id}").status_code == 404
    assert client.get(f"/v1/payroll-runs/{uuid.uuid4()}").status_code == 404

    assert _requests(RUN_ROUTE, status="404") == before + 2
    assert (
        _value("compcalc_http_request_duration_seconds_count", route=RUN_ROUTE, method="GET")
        == latency + 2
    )
    assert run_id not in client.get("/metrics").text


def test_paths_that_match_no_route_share_one_label(client: TestClient) -> None:
    made_up = f"/v1/{uuid.uuid4().hex}"
    before = _requests(metrics.UNMATCHED, status="404")

    assert client.get(made_up).status_code == 404

    assert _requests(metrics.UNMATCHED, status="404") == before + 1
    assert made_up not in client.get("/metrics").text


def test_routes_outside_fastapis_own_are_named_by_their_template(client: TestClient) -> None:
    static, spec = _requests("/static/{path}"), _requests("/openapi.json")

    assert client.get("/static/redoc/VERSION").status_code == 200
    assert client.get("/openapi.json").status_code == 200

    assert (_requests("/static/{path}"), _requests("/openapi.json")) == (static + 1, spec + 1)


def test_unknown_methods_share_one_label(client: TestClient) -> None:
    before = _requests("/healthz", method="OTHER", status="405")

    assert client.request("BREW", "/healthz").status_code == 405

    assert _requests("/healthz", method="OTHER", status="405") == before + 1


def test_latency_lands_in_a_bucket(client: TestClient) -> None:
    name = "compcalc_http_request_duration_seconds_bucket"
    before = _value(name, route="/healthz", method="GET", le="60.0")

    client.get("/healthz")

    assert _value(name, route="/healthz", method="GET", le="60.0") == before + 1


def test_problems_are_counted_by_status_and_code(client: TestClient) -> None:
    missing = _value("compcalc_http_problems_total", status="401", code="CREDENTIALS_MISSING")
    found = client.get(f"/v1/payroll-runs/{uuid.uuid4()}").json()["code"]
    not_found = _value("compcalc_http_problems_total", status="404", code=found)

    TestClient(client.app).get("/v1/schemes")
    client.get(f"/v1/payroll-runs/{uuid.uuid4()}")

    assert (
        _value("compcalc_http_problems_total", status="401", code="CREDENTIALS_MISSING")
        == missing + 1
    )
    assert _value("compcalc_http_problems_total", status="404", code=found) == not_found + 1


def test_runs_created_and_approved_are_counted_once_replays_not(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> None:
    publish_acme()
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}
    body["roster"] = acme_roster  # type: ignore[assignment]
    once = {"Idempotency-Key": str(uuid.uuid4())}
    created = _value("compcalc_payroll_runs_created_total")
    approved = _value("compcalc_payroll_runs_approved_total")

    first = api.post("/v1/payroll-runs", json=body, headers=once)
    replay = api.post("/v1/payroll-runs", json=body, headers=once)
    assert (first.status_code, replay.status_code) == (201, 201), first.text
    assert replay.headers["idempotency-replayed"] == "true"
    assert _value("compcalc_payroll_runs_created_total") == created + 1

    run = first.json()["id"]
    again = {"Idempotency-Key": str(uuid.uuid4())}
    assert api.post(f"/v1/payroll-runs/{run}/approve", headers=again).status_code == 200
    assert api.post(f"/v1/payroll-runs/{run}/approve", headers=again).status_code == 200
    assert api.post(f"/v1/payroll-runs/{run}/approve").status_code == 409
    assert _value("compcalc_payroll_runs_approved_total") == approved + 1


def _payslip_app(client: TestClient) -> TestClient:
    """The client's app with a route that says it computes payslips, as the payroll routes do
    (metrics.note_payslips), and answers ?status=..., replayed or not."""
    app: FastAPI = client.app  # type: ignore[assignment]

    @app.post("/test/payslips")
    def payslips(request: Request, status: int = 200, replayed: bool = False) -> Response:
        metrics.note_payslips(request, 13)
        headers = {"Idempotency-Replayed": "true"} if replayed else {}
        return Response(status_code=status, headers=headers)

    return client


def test_payslips_are_counted_when_the_response_is_a_success(client: TestClient) -> None:
    payslip_client = _payslip_app(client)
    before = _value("compcalc_payslips_computed_total", route="/test/payslips")

    for query in ("status=201", "status=422", "status=200&replayed=true", "status=200"):
        payslip_client.post(f"/test/payslips?{query}")

    assert _value("compcalc_payslips_computed_total", route="/test/payslips") == before + 26


def test_connections_in_use_follow_the_pool(client: TestClient) -> None:
    database = client.app.state.database  # type: ignore[attr-defined]
    idle = _value("compcalc_db_connections_in_use")

    with database.engine.connect():
        assert _value("compcalc_db_connections_in_use") == idle + 1
        held = client.get("/metrics").text
    assert _value("compcalc_db_connections_in_use") == idle
    assert re.search(r"^compcalc_db_connections_in_use [1-9]", held, re.M), held
    assert _value("compcalc_db_connections_max") == 15  # SQLite's QueuePool: 5 + 10


# --- request id -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("req-7f3a/2027-03:retry=2", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("two words", False),
        ("tab\there", False),
        ("é-not-ascii", False),
        ("", False),
    ],
)
def test_a_sane_request_id_is_kept_and_any_other_replaced(sent: str, kept: bool) -> None:
    chosen = logs.request_id(sent)

    assert (chosen == sent) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", chosen)


def test_every_response_carries_the_request_id(client: TestClient) -> None:
    echoed = client.get("/healthz", headers={"X-Request-ID": "hr-42"})
    made = client.get("/healthz")
    replaced = client.get("/healthz", headers={"X-Request-ID": "y" * 200})
    problem = TestClient(client.app).get("/v1/schemes", headers={"X-Request-ID": "hr-43"})

    assert echoed.headers["x-request-id"] == "hr-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["x-request-id"])
    assert problem.status_code == 401 and problem.headers["x-request-id"] == "hr-43"
    assert made.headers["x-request-id"] != client.get("/healthz").headers["x-request-id"]


def _failing_app(client: TestClient) -> TestClient:
    app: FastAPI = client.app  # type: ignore[assignment]

    @app.get("/test/fails")
    def fails() -> None:
        raise RuntimeError("boom")

    return TestClient(app, raise_server_exceptions=False)


def test_an_unexpected_error_is_counted_logged_and_carries_the_request_id(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    failing = _failing_app(client)
    before = _requests("/test/fails", status="500")
    internal = _value("compcalc_http_problems_total", status="500", code="INTERNAL")

    with caplog.at_level(logging.INFO):
        response = failing.get("/test/fails", headers={"X-Request-ID": "hr-500"})

    assert response.status_code == 500 and response.headers["x-request-id"] == "hr-500"
    assert _requests("/test/fails", status="500") == before + 1
    assert _value("compcalc_http_problems_total", status="500", code="INTERNAL") == internal + 1
    (error,) = [r for r in caplog.records if r.name == "compcalc.api"]
    assert error.request_id == "hr-500"  # type: ignore[attr-defined]
    (line,) = [r for r in caplog.records if r.name == logs.REQUEST_LOGGER]
    assert line.fields["status"] == 500 and line.fields["code"] == "INTERNAL"  # type: ignore[attr-defined]


# --- the request line -------------------------------------------------------------------------


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [r.fields for r in caplog.records if r.name == logs.REQUEST_LOGGER]  # type: ignore[attr-defined]


def test_each_request_is_one_line_with_the_key_id_and_nothing_of_the_payroll(
    api: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    (admin,) = [k for k in api.get("/v1/keys").json() if "admin" in k["scopes"]]
    run_id = str(uuid.uuid4())
    secret = api.headers["Authorization"].removeprefix("Bearer ")

    with caplog.at_level(logging.INFO, logger=logs.REQUEST_LOGGER):
        api.get(
            f"/v1/payroll-runs/{run_id}?api_key=cck_SECRETVALUE&period=2027-03",
            headers={"X-Request-ID": "hr-1"},
        )

    (line,) = _lines(caplog)
    assert set(line) == {
        "request_id", "key_id", "route", "method", "status", "duration_ms", "code",
    }  # fmt: skip
    assert line["request_id"] == "hr-1" and line["key_id"] == admin["id"]
    assert (line["route"], line["method"], line["status"]) == (RUN_ROUTE, "GET", 404)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    written = caplog.text + json.dumps(line)
    for leak in (run_id, "cck_SECRETVALUE", "2027-03", "api_key", secret):
        assert leak not in written


def test_a_request_without_a_key_logs_no_key_and_a_success_no_code(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=logs.REQUEST_LOGGER):
        TestClient(client.app).get("/healthz")

    (line,) = _lines(caplog)
    assert line["key_id"] is None and "code" not in line and line["status"] == 200


def test_the_json_formatter_writes_one_object_a_line() -> None:
    record = logging.LogRecord("compcalc.access", logging.INFO, __file__, 1, "%s", ("GET",), None)
    record.request_id = "hr-1"
    record.fields = {"route": "/healthz", "status": 200, "message": "not this"}
    try:
        raise ValueError("broken")
    except ValueError:
        failed = logging.LogRecord("compcalc.api", logging.ERROR, __file__, 1, "x", (), None)
        failed.exc_info = sys.exc_info()

    line = JsonFormatter().format(record)
    error = json.loads(JsonFormatter().format(failed))

    assert "\n" not in line
    parsed = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed.pop("time"))
    assert parsed == {
        "level": "info",
        "logger": "compcalc.access",
        "message": "GET",
        "request_id": "hr-1",
        "route": "/healthz",
        "status": 200,
    }
    assert "ValueError: broken" in error["exception"] and "request_id" not in error


def test_the_log_format_is_json_in_production_and_text_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COMPCALC_LOG_FORMAT", raising=False)
    assert log_format(Settings(environment="development")) == "text"
    assert log_format(Settings(environment="production")) == "json"
    monkeypatch.setenv("COMPCALC_LOG_FORMAT", "text")
    assert log_format(Settings(environment="production")) == "text"
    monkeypatch.setenv("COMPCALC_LOG_FORMAT", "xml")
    with pytest.raises(ValidationError):
        Settings()


def test_the_log_config_replaces_uvicorns_access_log_by_the_request_line() -> None:
    config = log_config("json", "info")
    quiet = log_config("text", "warning", access_log=False)

    assert config["formatters"]["default"]["()"] == "app.cli.logconfig.JsonFormatter"
    assert config["loggers"]["uvicorn.access"]["handlers"] == []
    assert config["loggers"]["compcalc.access"] == {
        "handlers": ["access"],
        "level": "INFO",
        "propagate": False,
    }
    assert quiet["formatters"]["default"]["()"] == "uvicorn.logging.DefaultFormatter"
    assert quiet["loggers"]["compcalc.access"]["level"] == "CRITICAL"
    assert quiet["loggers"]["compcalc"]["level"] == "WARNING"


# --- several workers --------------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import sys
    from fastapi.testclient import TestClient
    from app.main import create_app
    from app.settings import Settings

    app = create_app(Settings(database_url=sys.argv[1], metrics_token=sys.argv[2]))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        if sys.argv[3] == "scrape":
            response = client.get("/metrics", headers={"Authorization": "Bearer " + sys.argv[2]})
            sys.stdout.write(response.text)
    """
)


def test_with_a_shared_directory_a_scrape_counts_every_worker(
    tmp_path: Path, sqlite_template: Path, repo_root: Path
) -> None:
    database = tmp_path / "workers.db"
    database.write_bytes(sqlite_template.read_bytes())
    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {**os.environ, metrics.MULTIPROC_ENV: str(shared)}

    def worker(mode: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", _WORKER, f"sqlite:///{database}", TOKEN, mode],
            cwd=repo_root, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout

    worker("serve")  # another worker answered one /healthz, and stopped
    text = worker("scrape")

    assert 'compcalc_http_requests_total{method="GET",route="/healthz",status="200"} 2.0' in text
    assert "compcalc_db_connections_in_use 0.0" in text
    # A stopped worker removes its live gauges; its counters stay.
    assert not list(shared.glob("gauge_live*"))
    assert list(shared.glob("counter_*.db"))


def test_a_starting_worker_forgets_the_gauges_of_dead_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f"gauge_livesum_{int(dead.stdout)}.db"
    mine = tmp_path / f"gauge_livesum_{os.getpid()}.db"
    kept = tmp_path / f"counter_{int(dead.stdout)}.db"
    for file in (stale, mine, kept):
        file.write_bytes(b"")
    monkeypatch.setenv(metrics.MULTIPROC_ENV, str(tmp_path))

    metrics.worker_started()
    assert (stale.exists(), mine.exists(), kept.exists()) == (False, True, True)
    metrics.worker_stopped()
    assert (mine.exists(), kept.exists()) == (False, True)
