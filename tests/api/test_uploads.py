"""Roster, deals and balances files sent to the payroll operations as the command line reads
them: a ``text/csv`` roster, a ``multipart/form-data`` upload, the JSON files' wrappers, the
``;``/decimal-comma/BOM spreadsheet files, and each bad file's 422 at its file, row, column."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app import services
from app.api.examples import acme_scheme
from app.db.models import PayrollRun
from app.main import create_app
from app.services.keys import create_key
from app.settings import Settings

CALCULATE = "/v1/payroll/calculate"
RUNS = "/v1/payroll-runs"
PROBLEM = "application/problem+json"
STORED = {"scheme": "acme-sales", "version": "1", "period": "2027-03"}
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _file(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


@pytest.fixture
def stored(api: TestClient, publish_acme: Callable[..., dict[str, Any]]) -> TestClient:
    """A client of a database holding the published Acme scheme, version 1."""
    assert publish_acme()["version"] == 1
    return api


def _json(client: TestClient, roster: Any, deals: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}
    body["roster"] = roster
    if deals is not None:
        body["deals"] = deals
    response = client.post(CALCULATE, json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _slip(result: dict[str, Any], employee_id: str) -> dict[str, Any]:
    slip: dict[str, Any] = next(s for s in result["payslips"] if s["employee_id"] == employee_id)
    return slip


# --- what is accepted --------------------------------------------------------------------


def test_a_csv_roster_body_is_the_json_roster(
    stored: TestClient, acme_roster: list[dict[str, Any]]
) -> None:
    """examples/acme-roster.csv and acme-roster.json are the same roster: the same payroll."""
    response = stored.post(
        CALCULATE,
        params=STORED,
        content=_file("acme-roster.csv"),
        headers={"content-type": "text/csv"},
    )

    assert response.status_code == 200, response.text
    assert response.json() == _json(stored, acme_roster)
    assert response.json()["total"] == "1502627.38"  # the total of test_payroll's Acme roster
    anna = _slip(response.json(), "E-17")  # 820 000 new revenue: 45 000 + 134 000 + 15 000
    assert anna["gross"] == "194000.00"


def test_a_form_with_roster_deals_and_balances(stored: TestClient) -> None:
    roster = _file("acme-roster.csv")
    deals = _file("acme-deals.csv")
    balances = b"id,department,role,balance_clawback,balance_draw\nE-17,sales,rep,1000.00,\n"
    files = {
        "roster": ("acme-roster.csv", roster, "text/csv"),
        "deals": ("acme-deals.csv", deals, "text/csv"),
        "balances": ("balances.csv", balances, "text/csv"),
    }
    response = stored.post(CALCULATE, data=STORED, files=files)
    assert response.status_code == 200, response.text

    without = stored.post(CALCULATE, data=STORED, files={k: files[k] for k in ("roster", "deals")})
    assert without.status_code == 200, without.text
    # The deals are credited: the form's payroll differs from the roster's alone.
    alone = stored.post(CALCULATE, data=STORED, files={"roster": files["roster"]})
    assert without.json()["payslips"] != alone.json()["payslips"]
    # E-17 owes a 1 000.00 clawback: recovered from this period's pay, so gross is 1 000 less
    # (or what the scheme recovers of it is named on the payslip).
    anna, before = _slip(response.json(), "E-17"), _slip(without.json(), "E-17")
    assert anna["balances"] != before["balances"] or anna["gross"] != before["gross"]
    others = [s for s in response.json()["payslips"] if s["employee_id"] != "E-17"]
    assert others == [s for s in without.json()["payslips"] if s["employee_id"] != "E-17"]


def test_the_json_files_as_they_are(stored: TestClient) -> None:
    """The JSON roster and deals files, wrappers and all: in a JSON body and in a form."""
    import json

    roster = json.loads(_file("acme-roster.json"))
    deals = json.loads(_file("acme-deals.json"))
    assert set(roster) == {"employees"}
    wrapped = _json(stored, roster, deals)
    assert wrapped == _json(
        stored, roster["employees"], deals["deals"] if isinstance(deals, dict) else deals
    )

    files = {
        "roster": ("acme-roster.json", _file("acme-roster.json"), "application/json"),
        "deals": ("acme-deals.json", _file("acme-deals.json"), "application/json"),
    }
    response = stored.post(CALCULATE, data=STORED, files=files)
    assert response.status_code == 200, response.text
    assert response.json() == wrapped


def test_a_problem_in_a_wrapped_roster_points_into_the_wrapper(client: TestClient) -> None:
    body = {
        "scheme": acme_scheme(),
        "period": "2027-03",
        "roster": {"employees": [{"id": "E-1", "department": "sales", "role": "rep", "fte": "2"}]},
    }
    response = client.post(CALCULATE, json=body)

    assert response.status_code == 422
    pointers = [e["pointer"] for e in response.json()["errors"]]
    assert pointers and all(p.startswith("/roster/employees/0") for p in pointers), pointers


def test_a_russian_excel_file(stored: TestClient) -> None:
    """';', decimal commas, a space between thousands, a byte-order mark: the CLI's rules."""
    excel = (
        "\ufeffid;name;department;role;fte;unpaid_days;new_revenue\r\n"
        "E-13;Борис Волков;sales;rep;1;;600 000,00\r\n"
        "E-17;Анна Белова;sales;rep;0,5;;820 000,00\r\n"
    ).encode()
    plain = (
        "id,name,department,role,fte,unpaid_days,new_revenue\n"
        "E-13,Борис Волков,sales,rep,1,,600000.00\n"
        "E-17,Анна Белова,sales,rep,0.5,,820000.00\n"
    ).encode()
    csv = {"content-type": "text/csv"}
    first = stored.post(CALCULATE, params=STORED, content=excel, headers=csv)
    second = stored.post(CALCULATE, params=STORED, content=plain, headers=csv)

    assert first.status_code == 200, first.text
    assert first.json() == second.json()
    # "0,5" is half time: half of a rep's 45 000.00 base (test_payroll's E-17).
    assert _slip(first.json(), "E-17")["lines"][0]["amount"] == "22500.00"


# --- a run from an upload ----------------------------------------------------------------


def test_a_run_from_an_upload_is_stored_and_replayed_as_from_json(
    stored: TestClient, acme_roster: list[dict[str, Any]]
) -> None:
    key = str(uuid.uuid4())
    files = {"roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv")}
    form = {**STORED, "group": "uploads"}
    created = stored.post(RUNS, data=form, files=files, headers={"Idempotency-Key": key})
    assert created.status_code == 201, created.text

    # A retry draws another multipart boundary: the same upload, the first answer again.
    again = stored.post(RUNS, data=form, files=files, headers={"Idempotency-Key": key})
    assert again.status_code == 201
    assert again.headers["Idempotency-Replayed"] == "true"
    assert again.json() == created.json()
    # Another file under the same key is another request.
    other = {"roster": ("r.csv", _file("small-company-roster.csv"), "text/csv")}
    refused = stored.post(RUNS, data=form, files=other, headers={"Idempotency-Key": key})
    assert refused.status_code == 422
    assert refused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"

    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}
    from_json = stored.post(RUNS, json={**body, "group": "json", "roster": acme_roster})
    assert from_json.status_code == 201, from_json.text
    stored_run = stored.get(created.headers["Location"])
    assert stored_run.status_code == 200
    assert stored_run.json()["result"] == from_json.json()["result"]
    # Stored as the JSON body's inputs are, and computed again from them to the same bytes.
    database = stored.app.state.database  # type: ignore[attr-defined]
    run_ids = [uuid.UUID(r.json()["id"]) for r in (created, from_json)]
    with database.engine.connect() as connection:
        inputs = [
            connection.execute(
                select(PayrollRun.inputs).where(PayrollRun.id == run_id)
            ).scalar_one()
            for run_id in run_ids
        ]
    assert inputs[0] == inputs[1]
    kept, recomputed = services.recompute_run(database, run_ids[0])
    assert recomputed == kept


def test_a_run_from_a_csv_body(stored: TestClient) -> None:
    response = stored.post(
        RUNS,
        params={**STORED, "group": "csv"},
        content=_file("acme-roster.csv"),
        headers={"content-type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    assert response.json()["result"]["total"] == "1502627.38"


# --- bad input ---------------------------------------------------------------------------

HEADER = "id,name,department,role,fte,new_revenue\n"


@pytest.mark.parametrize(
    ("content", "code", "row", "column"),
    [
        (b"id,name,department,role,salary\nE-1,A,sales,rep,1\n", "UNKNOWN_COLUMN", 1, "salary"),
        ((HEADER + "E-1,A,sales,rep,1\n").encode(), "RAGGED_ROW", 2, "new_revenue"),
        (
            (HEADER + 'E-1,A,sales,rep,1,\nE-2,B,sales,rep,"0,5",\n').encode(),
            "INVALID_NUMBER",
            3,
            "fte",
        ),
        ((HEADER + "E-1,Ren\xe9,sales,rep,1,\n").encode("latin-1"), "ENCODING", 2, 8),
    ],
    # "E-1,Ren" is 7 characters: the byte of "é" in Latin-1 is the 8th of line 2.
    ids=["wrong-column", "ragged-row", "wrong-locale", "not-utf8"],
)
def test_a_bad_file_is_422_at_its_file_row_and_column(
    stored: TestClient, content: bytes, code: str, row: int, column: str | int
) -> None:
    files = {"roster": ("roster.csv", content, "text/csv")}
    response = stored.post(CALCULATE, data=STORED, files=files)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "INVALID_UPLOAD"
    (error,) = problem["errors"]
    assert (error["file"], error["code"], error["row"], error["column"]) == (
        "roster",
        code,
        row,
        column,
    )
    # The detail says it as `compcalc calculate --roster roster.csv` does.
    assert f"roster.csv:{row}: error {code}: " in problem["detail"]


def test_a_bad_deals_file_and_an_unknown_balance_are_at_their_files(stored: TestClient) -> None:
    deals = b"id,date,client_id,client_since,amount,credit\nD-1,2027-03-40,C-1,2027-03-01,10,E-13\n"
    balances = b"id,department,role,balance_draw\nE-99,sales,rep,100\n"
    files = {
        "roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv"),
        "deals": ("deals.csv", deals, "text/csv"),
        "balances": ("balances.csv", balances, "text/csv"),
    }
    response = stored.post(CALCULATE, data=STORED, files=files)

    assert response.status_code == 422, response.text
    located = {(e["file"], e["row"], e["column"], e["code"]) for e in response.json()["errors"]}
    assert located == {
        ("deals", 2, "date", "INVALID_DATE"),
        ("balances", 2, "id", "UNKNOWN_EMPLOYEE"),
    }


def test_the_engines_problems_are_at_the_rows_of_the_file(stored: TestClient) -> None:
    roster = HEADER + "E-1,A,sales,rep,1,1000\nE-2,B,sales,nobody,1,\n"
    response = stored.post(
        CALCULATE, params=STORED, content=roster.encode(), headers={"content-type": "text/csv"}
    )

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["file"], e["row"], e["column"]) for e in errors] == [("roster", 3, "role")]


def test_bad_fields_of_a_form(stored: TestClient) -> None:
    files = {"roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv")}
    no_period = stored.post(CALCULATE, data={"scheme": "acme-sales", "version": "1"}, files=files)
    assert no_period.status_code == 422
    assert [e.get("parameter") for e in no_period.json()["errors"]] == ["period"]

    unknown = stored.post(CALCULATE, data={**STORED, "colour": "red"}, files=files)
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["parameter"] == "colour"

    both = stored.post(CALCULATE, data={**STORED, "on": "2027-03-31"}, files=files)
    assert both.status_code == 422
    assert both.json()["errors"][0]["parameter"] == "on"

    no_roster = stored.post(CALCULATE, data=STORED, files={"deals": files["roster"]})
    assert no_roster.status_code == 422
    assert no_roster.json()["code"] == "MISSING_FIELD"


def test_another_media_type_is_415_naming_the_accepted_ones(client: TestClient) -> None:
    response = client.post(CALCULATE, content=b"x", headers={"content-type": "text/plain"})

    assert response.status_code == 415
    assert "text/csv" in response.json()["detail"]
    assert "multipart/form-data" in response.json()["detail"]


def test_an_upload_over_the_body_limit_is_413(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "x.db")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", max_body_bytes=1000)
    app = create_app(settings)
    with TestClient(app) as small:
        secret = create_key(app.state.database, "test", ["payroll:calculate"])[1]
        small.headers["Authorization"] = "Bearer " + secret
        files = {"roster": ("acme-roster.csv", _file("acme-roster.csv") * 3, "text/csv")}
        response = small.post(CALCULATE, data=STORED, files=files)

    assert response.status_code == 413
    assert response.json()["code"] == "BODY_TOO_LARGE"
    assert "COMPCALC_MAX_BODY_BYTES" in response.json()["detail"]


def test_the_problem_and_the_docs_in_russian(stored: TestClient) -> None:
    files = {"roster": ("roster.csv", HEADER.encode() + b"E-1,A,sales,rep,x,\n", "text/csv")}
    response = stored.post(CALCULATE, data=STORED, files=files, headers={"Accept-Language": "ru"})

    assert response.status_code == 422
    assert response.json()["detail"].startswith(
        "ошибок в загруженных файлах: 1; roster.csv:2: error INVALID_NUMBER: "
    )
    document = stored.get("/openapi.json", params={"lang": "ru"}).json()
    for path in (CALCULATE, RUNS):
        description = document["paths"][path]["post"]["description"]
        assert "Файлы в том виде, в каком их читает командная строка" in description, path


def test_fields_a_browser_leaves_empty_are_not_given(stored: TestClient) -> None:
    """Swagger UI sends every field of its form: an empty text, and a file of no bytes
    named "blob" for each file left unchosen."""
    files = {
        "roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv"),
        "deals": ("blob", b"", "application/octet-stream"),
        "balances": ("blob", b"", "application/octet-stream"),
    }
    response = stored.post(CALCULATE, data={**STORED, "on": ""}, files=files)

    assert response.status_code == 200, response.text
    assert response.json()["total"] == "1502627.38"
    empty = stored.post(CALCULATE, data=STORED, files={"roster": ("r.csv", b"", "text/csv")})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["code"] == "EMPTY_FILE"


def test_a_what_if_with_the_scheme_file_too(client: TestClient, acme_yaml: str) -> None:
    """As `compcalc calculate --scheme examples/acme.yaml --roster …`: nothing stored."""
    files = {
        "scheme": ("acme.yaml", acme_yaml.encode(), "application/yaml"),
        "roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv"),
    }
    response = client.post(CALCULATE, data={"period": "2027-03"}, files=files)

    assert response.status_code == 200, response.text
    assert response.json()["total"] == "1502627.38"
    run = client.post(RUNS, data={"period": "2027-03"}, files=files)
    assert run.status_code == 422
    assert run.json()["errors"][0]["parameter"] == "scheme"


def test_the_query_of_a_csv_body_is_refused_with_a_json_body(client: TestClient) -> None:
    body = {"scheme": acme_scheme(), "period": "2027-03", "roster": []}
    response = client.post(CALCULATE, json=body, params={"version": "0"})

    assert response.status_code == 422
    assert [e["parameter"] for e in response.json()["errors"]] == ["version"]


def test_a_bad_balance_of_the_balances_file_is_at_its_row(stored: TestClient) -> None:
    """The engine refuses a balance with more decimals than roubles have: at the row of the
    balances file that gave it, not at the employee's roster row."""
    balances = b"id,department,role,balance_draw\nE-13,sales,rep,10\nE-17,sales,rep,100.001\n"
    files = {
        "roster": ("acme-roster.csv", _file("acme-roster.csv"), "text/csv"),
        "balances": ("balances.csv", balances, "text/csv"),
    }
    response = stored.post(CALCULATE, data=STORED, files=files)

    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["file"], e["row"], e["column"]) for e in errors] == [("balances", 3, "balance_draw")]
    assert "balances.csv:3: error " in response.json()["detail"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [({"colour": "red"}, "colour"), ({"version": "١"}, "version")],  # an Arabic-Indic 1
)
def test_bad_query_parameters_of_a_csv_body(
    stored: TestClient, query: dict[str, str], parameter: str
) -> None:
    response = stored.post(
        CALCULATE,
        params={**STORED, **query},
        content=_file("acme-roster.csv"),
        headers={"content-type": "text/csv"},
    )

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["parameter"] == parameter
