"""Payroll runs: stored from a published version, approved once, exported, replayable."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app import services
from app.api.inputs import EmployeeInput
from app.api.outputs import RunDetail, RunOut, RunPayslip
from app.db.session import Database
from app.engine import Period, calculate, parse_scheme
from app.io.output.payrollcsv import payroll_csv
from app.io.read.documents import parse_document

PROBLEM = "application/problem+json"
YAML = {"content-type": "application/yaml"}
Publish = Callable[..., dict[str, Any]]


def _run_body(
    roster: list[dict[str, Any]], period: str = "2027-03", **scheme: Any
) -> dict[str, Any]:
    return {
        "scheme": scheme or {"key": "acme-sales", "version": 1},
        "period": period,
        "roster": roster,
    }


@pytest.fixture
def run(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> dict[str, Any]:
    publish_acme()
    response = api.post("/v1/payroll-runs", json=_run_body(acme_roster))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/v1/payroll-runs/{created['id']}"
    return created


def test_a_run_stores_the_version_hash_and_result(run: dict[str, Any]) -> None:
    detail = RunDetail.model_validate(run)

    assert detail.id.version == 4  # random, never sequential
    assert (detail.status, detail.period, detail.scheme_key, detail.scheme_version) == (
        "draft",
        "2027-03",
        "acme-sales",
        1,
    )
    assert (detail.employees, detail.total, detail.currency) == (13, "1502627.38", "RUB")
    assert detail.scheme_hash == detail.result.scheme_hash
    assert detail.result.total == detail.total
    assert detail.approved_at is None


def test_get_returns_the_stored_bytes(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(f"/v1/payroll-runs/{run['id']}")

    assert response.status_code == 200
    assert response.json() == run


def test_recomputing_a_stored_run_gives_the_same_bytes(
    api: TestClient, db_url: str, acme_roster: list[dict[str, Any]], publish_acme: Publish
) -> None:
    publish_acme()
    deals = {
        "roster": [{"id": "E-17", "department": "sales", "role": "rep",
                    "balances": {"draw": "0.00", "clawback": "1234.56"}}],
        "deals": [{"id": "D-1", "date": "2027-03-03", "client_id": "C-1",
                   "client_since": "2027-02-01", "amount": "700000.10",
                   "credit": [{"employee_id": "E-17", "share": 1}]}],
    }  # fmt: skip
    ids = []
    for body in (_run_body(acme_roster), {**_run_body([]), **deals}):
        response = api.post("/v1/payroll-runs", json=body)
        assert response.status_code == 201, response.text
        ids.append(uuid.UUID(response.json()["id"]))

    database = Database(db_url)
    try:
        for run_id in ids:
            stored, again = services.recompute_run(database, run_id)
            assert again == stored  # byte for byte
            served = api.get(f"/v1/payroll-runs/{run_id}").json()["result"]
            assert json.loads(stored) == served
    finally:
        database.dispose()


def test_a_second_run_of_a_published_version_does_not_read_the_version_again(
    api: TestClient, run: dict[str, Any], acme_roster: list[dict[str, Any]]
) -> None:
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]).lower())

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        second = api.post("/v1/payroll-runs", json=_run_body(acme_roster))
    finally:
        event.remove(database.engine, "before_cursor_execute", record)

    assert second.status_code == 201, second.text
    assert second.json()["scheme_version"] == run["scheme_version"] == 1
    assert any(s.startswith("insert into payroll_run") for s in statements)  # it was stored
    # The version (read by the first run) is remembered: it can never change once published.
    assert not [s for s in statements if "from scheme_version" in s or "from scheme " in s]
    assert api.get(f"/v1/payroll-runs/{second.json()['id']}").json()["total"] == run["total"]


def test_a_run_needs_a_published_version(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers=YAML)

    response = api.post("/v1/payroll-runs", json=_run_body(acme_roster))

    assert response.status_code == 422
    assert response.json()["code"] == "VERSION_NOT_PUBLISHED"
    assert response.json()["errors"][0]["pointer"] == "/scheme"
    assert api.get("/v1/payroll-runs").json()["total"] == 0


def test_a_run_refuses_an_inline_scheme(api: TestClient, acme_roster: list[dict[str, Any]]) -> None:
    from app.api.examples import acme_scheme

    response = api.post(
        "/v1/payroll-runs", json={**_run_body(acme_roster), "scheme": acme_scheme()}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/scheme"


def test_a_run_by_effective_date_and_invalid_input(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> None:
    publish_acme()

    by_date = api.post(
        "/v1/payroll-runs", json=_run_body(acme_roster, key="acme-sales", on="2027-03-01")
    )
    bad = api.post(
        "/v1/payroll-runs",
        json=_run_body([{"id": "E-1", "department": "sales", "role": "boss"}]),
    )
    missing = api.post("/v1/payroll-runs", json=_run_body(acme_roster, key="nope", version=1))

    assert by_date.status_code == 201
    assert by_date.json()["scheme_version"] == 1
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/roster/0/role"
    assert missing.status_code == 404
    assert api.get("/v1/payroll-runs").json()["total"] == 1


def test_list_filters_and_pages(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> None:
    publish_acme()
    steady = [e for e in acme_roster if "start_date" not in e and "end_date" not in e]
    made = []
    for period in ("2027-02", "2027-03", "2027-03"):
        response = api.post("/v1/payroll-runs", json=_run_body(steady, period))
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
    api.post(f"/v1/payroll-runs/{made[1]}/approve")

    def ids(**params: Any) -> list[str]:
        page = api.get("/v1/payroll-runs", params=params).json()
        return [item["id"] for item in page["items"]]

    assert ids() == made[::-1]  # newest first
    assert ids(period="2027-03") == [made[2], made[1]]
    assert ids(status="approved") == [made[1]]
    # Approving made[1] superseded the other draft of its pay group and period, made[2].
    assert ids(scheme="acme-sales", status="draft") == [made[0]]
    assert ids(status="superseded") == [made[2]]
    assert ids(group="main", period="2027-03", kind="regular") == [made[2], made[1]]
    assert ids(group="other") == []
    assert ids(scheme="other") == []
    assert ids(limit=1, offset=1) == [made[1]]
    page = api.get("/v1/payroll-runs", params={"limit": 1}).json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 0)
    RunOut.model_validate(page["items"][0])
    assert "result" not in page["items"][0]
    bad = api.get("/v1/payroll-runs", params={"period": "March", "limit": 0})
    assert bad.status_code == 422
    assert {e["parameter"] for e in bad.json()["errors"]} == {"period", "limit"}


def test_approve_once_then_immutable(api: TestClient, run: dict[str, Any]) -> None:
    url = f"/v1/payroll-runs/{run['id']}"

    approved = api.post(f"{url}/approve")
    again = api.post(f"{url}/approve")

    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["approved_at"]
    assert (again.status_code, again.json()["code"]) == (409, "RUN_APPROVED")
    assert again.headers["content-type"] == PROBLEM
    stored = api.get(url).json()
    assert stored["status"] == "approved"
    assert stored["result"] == run["result"]


def test_payslip_of_one_employee(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(f"/v1/payroll-runs/{run['id']}/payslips/E-17")

    assert response.status_code == 200
    payslip = RunPayslip.model_validate(response.json())
    assert payslip.run.id == uuid.UUID(run["id"])
    assert payslip.payslip.gross == "194000.00"
    assert [line.explanation for line in payslip.payslip.lines] == [
        "45 000.00 (full period)",
        "new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00",
        "new_revenue attainment 136.67% ≥ 120%: 15 000.00",
    ]
    expected = next(s for s in run["result"]["payslips"] if s["employee_id"] == "E-17")
    assert response.json()["payslip"] == expected


def test_export_is_the_clis_csv(
    api: TestClient, run: dict[str, Any], acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    scheme = parse_scheme(parse_document(acme_yaml, "yaml").data)
    exact = json.loads(json.dumps(acme_roster), parse_float=Decimal)
    roster = [EmployeeInput.model_validate(e).to_engine() for e in exact]
    expected = payroll_csv(calculate(scheme, Period.parse("2027-03"), roster))

    export = api.get(f"/v1/payroll-runs/{run['id']}/export.csv")
    negotiated = api.get(f"/v1/payroll-runs/{run['id']}", headers={"accept": "text/csv"})

    assert export.status_code == 200
    assert export.headers["content-type"] == "text/csv; charset=utf-8"
    assert export.headers["content-disposition"] == (
        f'attachment; filename="payroll-run-{run["id"]}.csv"'
    )
    assert export.text == expected
    assert negotiated.text == expected
    assert "E-17,Анна Петрова,sales,rep,2,commission," in export.text


def test_unknown_runs_and_payslips(api: TestClient, run: dict[str, Any]) -> None:
    missing = uuid.uuid4()
    for method, path in (
        ("GET", f"/v1/payroll-runs/{missing}"),
        ("POST", f"/v1/payroll-runs/{missing}/approve"),
        ("GET", f"/v1/payroll-runs/{missing}/export.csv"),
        ("GET", f"/v1/payroll-runs/{missing}/payslips/E-17"),
        ("GET", f"/v1/payroll-runs/{run['id']}/payslips/E-99"),
    ):
        response = api.request(method, path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == PROBLEM
    assert api.get(f"/v1/payroll-runs/{missing}").json()["code"] == "RUN_NOT_FOUND"
    malformed = api.get("/v1/payroll-runs/42")
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["parameter"] == "run_id"
    refused = api.get(f"/v1/payroll-runs/{run['id']}", headers={"accept": "image/png"})
    assert refused.status_code == 406


def test_export_with_balances_deals_and_a_refund_is_the_clis_csv_byte_for_byte(
    api: TestClient, repo_root_session: Any, tmp_path: Any
) -> None:
    # One CSV writer: the HTTP export of the stored payslips and `compcalc calculate --format
    # csv` on the same inputs are the same bytes, including the balance_* rows (a draw
    # carried in and recovered, a clawback carried in) and a refund of an earlier deal.
    from typer.testing import CliRunner

    from app.cli import cli

    draws = (repo_root_session / "examples" / "acme-draws.yaml").read_text(encoding="utf-8")
    created = api.post("/v1/schemes", content=draws, headers=YAML)
    assert created.status_code == 201, created.text
    published = api.post(
        "/v1/schemes/acme-sales-draws/versions/1/publish",
        headers={"If-Match": created.headers["ETag"]},
    )
    assert published.status_code == 200, published.text
    roster = [
        {"id": "E-1", "name": "Кирилл Зайцев", "department": "sales", "role": "rep"},
        {"id": "E-2", "name": "=Ирина Белова", "department": "sales", "role": "rep",
         "credited": {"new_revenue": "500000"}, "balances": {"draw": "30000"}},
        {"id": "E-3", "name": "Вера Крылова", "department": "sales", "role": "rep",
         "credited": {"new_revenue": "900000"}, "balances": {"clawback": "5000"}},
        {"id": "C-1", "name": "Олег Титов", "department": "clients", "role": "rep",
         "credited": {"repeat_revenue": "800000"}},
    ]  # fmt: skip
    deals = [
        {"id": "D-1", "date": "2027-02-10", "client_id": "K-1", "client_since": "2027-02-01",
         "amount": "300000.00", "credit": [{"employee_id": "E-1", "share": "1",
                                            "commission": "45000.00"}]},
        {"id": "D-2", "date": "2027-03-04", "client_id": "K-2", "client_since": "2027-03-01",
         "amount": "400000.00", "credit": [{"employee_id": "E-1", "share": "1"}]},
        {"id": "D-3", "date": "2027-03-20", "client_id": "K-1", "client_since": "2027-02-01",
         "amount": "-100000.00", "refund_of": "D-1",
         "credit": [{"employee_id": "E-1", "share": "1"}]},
    ]  # fmt: skip
    body = {"scheme": {"key": "acme-sales-draws", "version": 1}, "period": "2027-03"}
    run = api.post("/v1/payroll-runs", json={**body, "roster": roster, "deals": deals})
    assert run.status_code == 201, run.text
    (tmp_path / "roster.json").write_text(json.dumps({"employees": roster}), encoding="utf-8")
    (tmp_path / "deals.json").write_text(json.dumps({"deals": deals}), encoding="utf-8")

    cli_run = CliRunner().invoke(
        cli,
        ["calculate", "--scheme", str(repo_root_session / "examples" / "acme-draws.yaml"),
         "--roster", str(tmp_path / "roster.json"), "--deals", str(tmp_path / "deals.json"),
         "--period", "2027-03", "--format", "csv"],
    )  # fmt: skip
    export = api.get(f"/v1/payroll-runs/{run.json()['id']}/export.csv")

    assert cli_run.exit_code == 0, cli_run.output
    assert export.content == cli_run.stdout_bytes  # CRLF rows (RFC 4180) from both
    rows = export.text.splitlines()
    assert any(r.startswith("E-2,'=Ирина Белова,sales,rep,,balance_draw,") for r in rows)
    assert any(r.startswith("E-3,Вера Крылова,sales,rep,,balance_clawback,") for r in rows)
    assert any(",commission_clawback," in r and r.startswith("E-1,") for r in rows)
