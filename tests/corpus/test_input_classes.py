"""Each class of bad value gets the same answer on every path it can arrive by.

The classes: decimals of absurd magnitude or exponent (``1e-400``, ``1e-30``), numbers
written with ``_`` or with digits other than ASCII (``1_000``, ``١٢٣``, ``１２３``), and control
characters in text (NUL, U+0001, CR, DEL, U+0085).  The paths: JSON and YAML bodies of a
calculation and of a payroll run, scheme documents as JSON and YAML, query and path
parameters, and the files the command line reads (roster and deals CSV, scheme YAML).  Over
HTTP each is a 422 naming the field (pointer or parameter) with a stable code, on the command
line exit 2 with ``file:line``; a negative zero is zero everywhere and is never printed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.services import keys
from app.settings import Settings
from tests.cli.conftest import Invoke, compcalc, write_file

__all__ = ["compcalc"]  # the command-line fixture, shared with tests/cli

JSON, YAML = "application/json", "application/yaml"
RUNS, CALCULATE, SCHEMES = "/v1/payroll-runs", "/v1/payroll/calculate", "/v1/schemes"
REF = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03"}

#: Decimals no amount, rate or FTE may be: (as written, why).
NUMBERS = [
    ("1e-400", "exponent far below any unit"),
    ("1e-30", "more than 20 digits after the point"),
    ("1_000", "an underscore is not a separator"),
    ("١٢٣", "Arabic-Indic digits"),
    ("１２３", "full-width digits"),
]
#: Text no identifier, name or parameter may hold.
CONTROLS = ["a\u0000b", "a\u0001b", "a\rb", "a\u007fb", "a\u0085b"]


def _employee(**fields: Any) -> dict[str, Any]:
    return {"id": "E-1", "department": "sales", "role": "rep", **fields}


def _refused(client: TestClient, path: str, media: str, body: str) -> list[dict[str, Any]]:
    runs = client.get(RUNS).json()["total"]
    response = client.post(path, content=body.encode(), headers={"content-type": media})
    assert response.status_code == 422, (path, response.text[:300])
    assert client.get(RUNS).json()["total"] == runs
    errors: list[dict[str, Any]] = response.json()["errors"]
    return errors


def _yaml_run(field: str, scalar: str) -> str:
    return (
        "scheme: {key: acme-sales, version: 1}\nperiod: 2027-03\nroster:\n"
        f"  - {{id: E-1, department: sales, role: rep, {field}: {scalar}}}\n"
    )


@pytest.mark.parametrize("path", [RUNS, CALCULATE])
@pytest.mark.parametrize(("written", "why"), NUMBERS)
def test_a_bad_decimal_in_a_json_body_names_its_field(
    client: TestClient, path: str, written: str, why: str
) -> None:
    credited = {**REF, "roster": [_employee(credited={"new_revenue": written})]}
    fte = {**REF, "roster": [_employee(fte=written)]}
    for body, pointer in (
        (credited, "/roster/0/credited/new_revenue"),
        (fte, "/roster/0/fte"),
    ):
        errors = _refused(client, path, JSON, json.dumps(body, ensure_ascii=False))
        assert [(e["pointer"], e["code"]) for e in errors] == [(pointer, "INVALID_NUMBER")], why


@pytest.mark.parametrize("path", [RUNS, CALCULATE])
@pytest.mark.parametrize("literal", ["1e-400", "1E-30", "-1e-25"])
def test_a_json_number_literal_of_absurd_exponent_is_refused(
    client: TestClient, path: str, literal: str
) -> None:
    body = json.dumps({**REF, "roster": [_employee(fte=7)]}).replace(
        '"fte": 7', f'"fte": {literal}'
    )
    errors = _refused(client, path, JSON, body)
    assert [(e["pointer"], e["code"]) for e in errors] == [("/roster/0/fte", "INVALID_NUMBER")]


@pytest.mark.parametrize("path", [RUNS, CALCULATE])
@pytest.mark.parametrize(("written", "why"), NUMBERS)
def test_a_bad_decimal_in_a_yaml_body_names_its_field(
    client: TestClient, path: str, written: str, why: str
) -> None:
    for scalar in (written, json.dumps(written)):  # plain and quoted
        errors = _refused(client, path, YAML, _yaml_run("fte", scalar))
        assert [(e["pointer"], e["code"]) for e in errors] == [
            ("/roster/0/fte", "INVALID_NUMBER")
        ], (why, scalar)


@pytest.mark.parametrize("path", [RUNS, CALCULATE])
@pytest.mark.parametrize("text", CONTROLS)
def test_a_control_character_in_body_text_names_its_field(
    client: TestClient, path: str, text: str
) -> None:
    for field in ("id", "name"):
        body = {**REF, "roster": [_employee(**{field: text})]}
        errors = _refused(client, path, JSON, json.dumps(body))
        assert [(e["pointer"], e["code"]) for e in errors] == [
            (f"/roster/0/{field}", "CONTROL_CHARACTER")
        ]
        # YAML's double-quoted escapes write the same character.
        escaped = json.dumps(text)  # \u0000, \r, ... are YAML escapes too
        errors = _refused(client, path, YAML, _yaml_run(field, escaped).replace("id: E-1, ", ""))
        assert ("/roster/0/" + field, "CONTROL_CHARACTER") in [
            (e["pointer"], e["code"]) for e in errors
        ]


def _scheme(acme: str, old: str, new: str) -> str:
    assert old in acme
    return acme.replace(old, new, 1).replace("key: acme-sales", "key: acme-other", 1)


@pytest.fixture(scope="module")
def acme() -> str:
    return (Path(__file__).resolve().parents[2] / "examples" / "acme.yaml").read_text("utf-8")


@pytest.mark.parametrize(("written", "why"), NUMBERS)
def test_a_bad_decimal_in_a_scheme_names_its_line(
    client: TestClient, acme: str, written: str, why: str
) -> None:
    text = _scheme(acme, "base: 45000 ", f"base: {json.dumps(written)} ")
    for media, body in ((YAML, text), (JSON, _as_json(text))):
        response = client.post(SCHEMES, content=body.encode(), headers={"content-type": media})
        assert response.status_code == 422, (why, response.text[:300])
        found = [(e["pointer"], e["code"]) for e in response.json()["errors"]]
        assert ("/departments/sales/roles/rep/base", "INVALID_NUMBER") in found, (why, found)
        if media == YAML:
            lines = [e["line"] for e in response.json()["errors"] if e["pointer"].endswith("base")]
            assert lines == [55]
    assert client.get(f"{SCHEMES}/acme-other").status_code == 404


@pytest.mark.parametrize("text", CONTROLS)
def test_a_control_character_in_a_scheme_name_is_refused(
    client: TestClient, acme: str, text: str
) -> None:
    body = _scheme(acme, "name: Acme sales organisation", f"name: {json.dumps(text)}")
    for media, payload in ((YAML, body), (JSON, _as_json(body))):
        response = client.post(SCHEMES, content=payload.encode(), headers={"content-type": media})
        assert response.status_code == 422
        found = [(e["pointer"], e["code"]) for e in response.json()["errors"]]
        assert ("/name", "CONTROL_CHARACTER") in found, found
    assert client.get(f"{SCHEMES}/acme-other").status_code == 404


def _as_json(yaml_text: str) -> str:
    import yaml

    data = yaml.safe_load(yaml_text)
    return json.dumps(data, default=str, ensure_ascii=False)


@pytest.mark.parametrize("text", CONTROLS)
@pytest.mark.parametrize(
    ("url", "parameter", "free_text"),
    [
        (RUNS + "?scheme={}", "scheme", True),
        (RUNS + "?group={}", "group", False),  # a pattern: the message quotes it
        ("/v1/audit?action={}", "action", True),
        ("/v1/audit?object_id={}", "object_id", True),
        (SCHEMES + "/{}", "key", False),
        (SCHEMES + "/{}/versions/1", "key", False),
        ("/v1/pay-groups/acme-sales/default/periods/{}", "period", False),
        ("/v1/pay-groups/{}/default/periods/2027-03", "scheme", True),
    ],
)
def test_a_control_character_in_a_parameter_names_it(
    client: TestClient, url: str, parameter: str, free_text: bool, text: str
) -> None:
    response = client.get(url.format(quote(text, safe="")))

    assert response.status_code == 422, response.text[:300]
    assert [(e["parameter"], e["code"]) for e in response.json()["errors"]] == [
        (parameter, "INVALID_PARAMETER")
    ]
    if free_text:
        assert "control character" in response.json()["errors"][0]["detail"]


def test_a_negative_zero_is_zero_and_never_printed(client: TestClient) -> None:
    body = {**REF, "roster": [_employee(credited={"new_revenue": "-0.00"}, unpaid_days=0)]}
    answer = client.post(CALCULATE, json=body)

    assert answer.status_code == 200, answer.text[:300]
    slip = answer.json()["payslips"][0]
    assert slip["credited"] == {"new_revenue": "0.00"}
    # 45 000 of base and no commission on nothing: the zero counts as zero revenue.
    assert slip["gross"] == "45000.00"
    assert re.search(r"-0(?:[.,]0+)?(?![0-9.,])", answer.text) is None  # no "-0.00" anywhere

    deal = {
        "id": "D-1",
        "date": "2027-03-10",
        "client_id": "C-1",
        "client_since": "2027-03-10",
        "credit": [{"employee_id": "E-1", "share": "1"}],
    }
    refusals = []
    for amount in ("-0.00", "0.00"):
        run = {**REF, "roster": [_employee()], "deals": [{**deal, "amount": amount}]}
        refusals.append([e["detail"] for e in _refused(client, CALCULATE, JSON, json.dumps(run))])
    assert refusals[0] == refusals[1]  # one rule: a deal of zero, however signed


ROSTER_HEADER = "id,name,department,role,fte,new_revenue"
DEALS_HEADER = "id,date,client_id,client_since,amount,refund_of,kind,credit"


@pytest.mark.parametrize(("written", "why"), NUMBERS)
def test_a_bad_decimal_in_a_csv_file_names_file_line_and_column(
    compcalc: Invoke, tmp_path: Path, written: str, why: str
) -> None:
    roster = write_file(tmp_path, "r.csv", f"{ROSTER_HEADER}\nE-1,A,sales,rep,1,{written}\n")
    run = compcalc("calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
                   "--period", "2027-03")  # fmt: skip
    assert (run.exit_code, run.stdout) == (2, ""), why
    assert run.stderr.startswith(f"{roster}:2: error "), run.stderr
    assert "new_revenue" in run.stderr

    roster = write_file(tmp_path, "ok.csv", f"{ROSTER_HEADER}\nE-1,A,sales,rep,1,\n")
    deals = write_file(
        tmp_path, "d.csv", f"{DEALS_HEADER}\nD-1,2027-03-10,C-1,2027-03-10,{written},,,E-1\n"
    )
    run = compcalc("calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
                   "--deals", deals, "--period", "2027-03")  # fmt: skip
    assert (run.exit_code, run.stdout) == (2, ""), why
    assert run.stderr.startswith(f"{deals}:2: error "), run.stderr
    assert "amount" in run.stderr


@pytest.mark.parametrize("text", CONTROLS[:2] + CONTROLS[3:])  # a CR ends a CSV line
def test_a_control_character_in_a_csv_file_names_file_line_and_column(
    compcalc: Invoke, tmp_path: Path, text: str
) -> None:
    roster = write_file(tmp_path, "r.csv", f"{ROSTER_HEADER}\nE-1,{text},sales,rep,1,\n")
    run = compcalc("calculate", "--scheme", "examples/acme.yaml", "--roster", roster,
                   "--period", "2027-03")  # fmt: skip
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.stderr.startswith(f"{roster}:2: error CONTROL_CHARACTER"), run.stderr


@pytest.mark.parametrize(("written", "why"), NUMBERS)
def test_a_bad_decimal_in_a_scheme_file_names_file_and_line(
    compcalc: Invoke, tmp_path: Path, acme: str, written: str, why: str
) -> None:
    path = write_file(tmp_path, "s.yaml", _scheme(acme, "base: 45000 ", f"base: {written} "))
    run = compcalc("validate", path)
    assert run.exit_code == 1, (why, run.stdout, run.stderr)  # the file breaks a rule
    assert run.stdout.startswith(f"{path}:55:15: error INVALID_NUMBER: "), (why, run.stdout)


def test_a_nul_is_refused_alike_on_both_databases(db_url: str) -> None:
    # PostgreSQL cannot store a NUL in text: it must never get one to refuse (a 503 then).
    app = create_app(Settings(database_url=db_url))
    secret = keys.create_key(app.state.database, "nul", ["admin"])[1]
    auth = {"Authorization": f"Bearer {secret}"}
    with TestClient(app, headers=auth, raise_server_exceptions=False) as client:
        answers = [
            client.get(RUNS, params={"scheme": "a\u0000b"}),
            client.get(f"{SCHEMES}/a%00b"),
            client.get("/v1/audit", params={"object_id": "\u0000"}),
            client.post("/v1/keys", json={"name": "a\u0000b", "scopes": ["payroll:read"]}),
            client.post(RUNS, json={**REF, "roster": [_employee(id="E\u00001")]}),
            client.post(
                SCHEMES,
                content=json.dumps({"key": "nul", "name": "a\u0000b"}).encode(),
                headers={"content-type": JSON},
            ),
        ]
    assert [a.status_code for a in answers] == [422] * len(answers), [a.text for a in answers]
    codes = [e["code"] for a in answers for e in a.json()["errors"]]
    assert "CONTROL_CHARACTER" in codes and "INVALID_PARAMETER" in codes
