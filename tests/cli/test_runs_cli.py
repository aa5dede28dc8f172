"""``compcalc runs …``: payroll runs of a running service, for an operator without curl."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.cli import runs as runs_module
from app.main import create_app
from app.services import keys
from app.settings import Settings
from tests.support.localserver import start_service, stop_service

YAML = {"content-type": "application/yaml"}
REP = {"id": "E-1", "name": "Анна Петрова", "department": "sales", "role": "rep"}


def _roster(revenue: str) -> list[dict[str, Any]]:
    return [{**REP, "credited": {"new_revenue": revenue}}]


def _body(revenue: str, period: str = "2027-03", **rest: Any) -> dict[str, Any]:
    scheme = {"key": "acme-sales", "version": 1}
    return {"scheme": scheme, "period": period, "roster": _roster(revenue), **rest}


@dataclass
class Service:
    client: TestClient  # sends the admin key
    key: str


def _seed(client: httpx.Client | TestClient, repo_root: Path) -> None:
    yaml = (repo_root / "examples" / "acme.yaml").read_text("utf-8")
    created = client.post("/v1/schemes", content=yaml, headers=YAML)
    published = client.post(
        "/v1/schemes/acme-sales/versions/1/publish", headers={"If-Match": created.headers["ETag"]}
    )
    assert published.status_code == 200, published.text


@pytest.fixture
def service(
    tmp_path: Path, sqlite_template: Path, repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Service]:
    """An in-process service the commands reach through ``connect``; Acme published."""
    shutil.copyfile(sqlite_template, tmp_path / "runs.db")
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'runs.db'}"))
    secret = keys.create_key(app.state.database, "operator", ["admin"])[1]
    monkeypatch.setenv(runs_module.API_KEY_ENV, secret)

    def connect(base: str, key: str) -> TestClient:
        assert base == "http://compcalc.test"
        return TestClient(app, base_url=base, headers={"Authorization": f"Bearer {key}"})

    monkeypatch.setattr(runs_module, "connect", connect)
    monkeypatch.setenv(runs_module.API_URL_ENV, "http://compcalc.test")
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        _seed(client, repo_root)
        yield Service(client, secret)


def _runs(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["runs", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _create(service: Service, body: dict[str, Any]) -> dict[str, Any]:
    response = service.client.post("/v1/payroll-runs", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_list_filters_and_shows_who_created_each_run(service: Service) -> None:
    march = _create(service, _body("600000"))
    april = _create(service, _body("750000", "2027-04"))

    code, out, err = _runs("list")
    assert code == 0, err
    header, _, *rows = out.splitlines()
    assert header.split() == [
        "id", "period", "group", "scheme", "kind", "status", "total", "created", "by"
    ]  # fmt: skip
    # 45 000 + 90 000 = 135 000; 45 000 + 120 000 + 15 000 = 180 000 (newest first).
    assert [row.split("  ")[0] for row in rows] == [april["id"], march["id"]]
    assert "180 000.00" in rows[0] and "135 000.00" in rows[1]
    assert rows[0].rstrip().endswith("operator")
    assert err == "2 of 2 run(s)\n"

    code, out, _ = _runs("list", "--period", "2027-03", "--format", "json")
    assert code == 0
    assert [run["id"] for run in json.loads(out)["items"]] == [march["id"]]


def test_approve_show_and_period(service: Service) -> None:
    draft = _create(service, _body("600000"))
    other = _create(service, _body("600000"))

    code, out, err = _runs("approve", draft["id"], "--comment", "checked by HR")

    assert code == 0, err
    assert out == (
        f"approved run {draft['id']} (acme-sales / main / 2027-03, 135 000.00 RUB) by operator\n"
    )
    code, out, _ = _runs("show", other["id"])
    assert code == 0
    assert "status     superseded" in out.splitlines()
    code, out, _ = _runs("show", draft["id"])
    facts = dict(line.split("  ", 1) for line in out.split("\n\n")[0].splitlines())
    assert facts["status"].strip() == "approved"
    assert facts["approved"].strip().endswith("by operator: checked by HR")
    assert facts["total"].strip() == "135 000.00 RUB"
    assert out.split("\n\n")[1].splitlines()[2].split() == [
        "E-1", "Анна", "Петрова", "sales", "rep", "135", "000.00"
    ]  # fmt: skip

    code, out, _ = _runs("period", "acme-sales", "2027-03")
    assert code == 0
    assert "status           approved" in out.splitlines()
    assert "effective total  135 000.00" in out.splitlines()


def test_a_correction_shows_its_differences(service: Service) -> None:
    original = _create(service, _body("750000", "2027-04"))
    assert service.client.post(f"/v1/payroll-runs/{original['id']}/approve").status_code == 200
    # 700 000: commission 110 000 (−10 000) and no bonus (−15 000).
    correction = _create(
        service, _body("700000", "2027-04", kind="correction", corrects=original["id"])
    )

    code, out, _ = _runs("show", correction["id"])

    assert code == 0
    assert f"kind       correction of {original['id']}" in out.splitlines()
    table = out.split("\n\n")[1].splitlines()
    assert [line.split() for line in table[2:]] == [
        ["E-1", "commission", "120", "000.00", "110", "000.00", "-10", "000.00"],
        ["E-1", "bonus", "15", "000.00", "0.00", "-15", "000.00"],
        ["E-1", "gross", "180", "000.00", "155", "000.00", "-25", "000.00"],
    ]


def test_discard_and_the_services_refusals(service: Service) -> None:
    draft = _create(service, _body("600000"))

    code, out, _ = _runs("discard", draft["id"], "--reason", "wrong export")
    assert (code, out) == (0, f"discarded run {draft['id']}: wrong export\n")

    code, out, err = _runs("approve", draft["id"])
    assert (code, out) == (1, "")
    assert err.startswith("compcalc runs: 409 RUN_DISCARDED: ")
    code, _, err = _runs("discard", draft["id"], "--reason", "")
    assert code == 1
    assert "422 INVALID_BODY" in err and "/reason" in err
    code, _, err = _runs("show", "00000000-0000-4000-8000-000000000000")
    assert (code, err.split(":")[1].strip()) == (1, "404 RUN_NOT_FOUND")


def test_usage_errors_exit_2(service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = _runs("show", "not-a-run")
    assert (code, err) == (2, "compcalc runs: 'not-a-run' is not a run id\n")

    monkeypatch.delenv(runs_module.API_KEY_ENV)
    code, _, err = _runs("list")
    assert code == 2
    assert "COMPCALC_API_KEY" in err


def test_against_a_real_server(tmp_path: Path, sqlite_template: Path, repo_root: Path) -> None:
    """Over a socket with the real httpx client: nothing in-process."""
    shutil.copyfile(sqlite_template, tmp_path / "real.db")
    url = f"sqlite:///{tmp_path / 'real.db'}"
    with (tmp_path / "uvicorn.log").open("wb") as log:
        base, process = start_service(url, log=log)
    try:
        from app.db.session import Database

        database = Database(url)
        secret = keys.create_key(database, "operator", ["admin"])[1]
        database.dispose()
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {secret}"}) as client:
            _seed(client, repo_root)
            run = client.post("/v1/payroll-runs", json=_body("600000")).json()
        env = {runs_module.API_KEY_ENV: secret, runs_module.API_URL_ENV: base}
        approved = CliRunner().invoke(cli, ["runs", "approve", run["id"]], env=env)
        listed = CliRunner().invoke(cli, ["runs", "list", "--status", "approved"], env=env)
    finally:
        stop_service(process)

    assert approved.exit_code == 0, approved.stderr
    assert listed.stdout.splitlines()[2].startswith(run["id"])

    gone = CliRunner().invoke(cli, ["runs", "list"], env=env)  # the server has stopped
    assert gone.exit_code == 2
    assert f"cannot reach the service at {base}" in gone.stderr
