"""POST /v1/payroll/calculate: what-if payrolls, exact numbers, every error located."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from app.api.examples import acme_scheme, calculate_examples
from app.api.outputs import PayrollResult
from app.db.session import Database
from app.engine import Period, calculate, parse_scheme
from app.io.output.payrolljson import payroll_json
from app.io.read.documents import parse_document

PROBLEM = "application/problem+json"
URL = "/v1/payroll/calculate"


def _body(roster: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"scheme": acme_scheme(), "period": "2027-03", "roster": roster, **extra}


def _slip(result: dict[str, Any], employee_id: str) -> dict[str, Any]:
    slip: dict[str, Any] = next(s for s in result["payslips"] if s["employee_id"] == employee_id)
    return slip


def test_calculates_the_acme_roster(client: TestClient, acme_roster: list[dict[str, Any]]) -> None:
    response = client.post(URL, json=_body(acme_roster))

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    result = PayrollResult.model_validate(response.json())
    assert (result.period, result.currency, result.minor_units) == ("2027-03", "RUB", 2)
    assert result.total == "1502627.38"
    assert len(result.payslips) == 13
    anna = _slip(response.json(), "E-17")  # 820 000 of new revenue: accelerator and bonus
    assert [(line["code"], line["amount"]) for line in anna["lines"]] == [
        ("base", "45000.00"),
        ("commission", "134000.00"),
        ("bonus", "15000.00"),
    ]
    assert anna["gross"] == "194000.00"
    assert anna["lines"][1]["explanation"] == (
        "new_revenue 820 000.00: 600 000.00 × 15% + 220 000.00 × 20% = 134 000.00"
    )
    maria = _slip(response.json(), "E-16")  # hired on 10 March: 16 of 22 working days
    assert maria["proration"] == "16/22 working days"
    assert maria["lines"][0]["amount"] == "32727.27"
    assert [d.department for d in result.report.departments] == [
        "sales",
        "clients",
        "development",
    ]
    assert result.scheme_hash.startswith("sha256:")


def test_the_result_is_the_clis_json_document(
    client: TestClient, acme_roster: list[dict[str, Any]], acme_yaml: str
) -> None:
    """Same members and values as `compcalc calculate --format json`, only more compact."""
    response = client.post(URL, json=_body(acme_roster))
    scheme = parse_scheme(parse_document(acme_yaml, "yaml").data)
    from app.api.inputs import EmployeeInput

    exact = json.loads(json.dumps(acme_roster), parse_float=Decimal)
    roster = [EmployeeInput.model_validate(e).to_engine() for e in exact]
    expected = json.loads(payroll_json(calculate(scheme, Period.parse("2027-03"), roster)))

    assert response.json() == expected
    assert list(response.json()) == list(expected)  # the same order of members too
    assert list(response.json()["payslips"][0]) == list(expected["payslips"][0])


@pytest.fixture
def deals_result(client: TestClient) -> dict[str, Any]:
    response = client.post(URL, json=calculate_examples()["acme-deals"]["value"])
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def test_deals_are_classified_split_and_refunded(deals_result: dict[str, Any]) -> None:
    anna, boris = _slip(deals_result, "E-17"), _slip(deals_result, "E-13")
    sergey = _slip(deals_result, "E-22")

    assert anna["credited"] == {"new_revenue": "400000.00"}  # 450 000 − 50 000 refunded
    assert boris["credited"] == {"new_revenue": "300000.00"}  # 40% of 750 000
    assert sergey["credited"] == {"repeat_revenue": "2600000.00"}  # an old client
    deals = anna["lines"][1]["deals"]
    assert [(d["deal_id"], d["share"], d["amount"]) for d in deals] == [
        ("D-1", "0.6", "450000.00"),
        ("D-3", "1", "-50000.00"),
    ]
    assert anna["lines"][1]["amount"] == "60000.00"  # 15% × 400 000
    assert anna["gross"] == "105000.00"


def test_a_yaml_request_body(client: TestClient, acme_roster: list[dict[str, Any]]) -> None:
    body = json.dumps(_body(acme_roster), ensure_ascii=False)  # JSON is YAML

    response = client.post(URL, content=body.encode(), headers={"content-type": "application/yaml"})

    assert response.status_code == 200
    assert response.json()["total"] == "1502627.38"


def test_amounts_come_back_as_strings_with_the_currencys_digits(client: TestClient) -> None:
    scheme = copy.deepcopy(acme_scheme())
    scheme["currency"] = "KWD"
    roster = [{"id": "K-1", "department": "sales", "role": "rep",
               "credited": {"new_revenue": "600000.125"}}]  # fmt: skip

    response = client.post(URL, json={"scheme": scheme, "period": "2027-03", "roster": roster})

    assert response.status_code == 200
    slip = _slip(response.json(), "K-1")
    assert slip["lines"][0]["amount"] == "45000.000"
    assert slip["credited"] == {"new_revenue": "600000.125"}
    # 600 000 × 15% + 0.125 × 20% = 90 000.025
    assert slip["lines"][1]["amount"] == "90000.025"


def test_a_json_number_with_too_many_decimals_is_refused_not_rounded(client: TestClient) -> None:
    body = json.dumps(_body([{"id": "E-1", "department": "sales", "role": "rep",
                              "credited": {"new_revenue": 0}}]))  # fmt: skip
    body = body.replace('"new_revenue": 0', '"new_revenue": 820000.005')

    response = client.post(URL, content=body, headers={"content-type": "application/json"})

    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["pointer"], error["code"]) == ("/roster/0/credited/new_revenue", "PRECISION")


# --- stored schemes -----------------------------------------------------------------------------


def test_a_stored_version_by_number_or_date(
    api: TestClient, publish_acme: Callable[..., dict[str, Any]], acme_roster: list[dict[str, Any]]
) -> None:
    publish_acme()
    inline = api.post(URL, json=_body(acme_roster)).json()

    by_version = api.post(
        URL, json={**_body(acme_roster), "scheme": {"key": "acme-sales", "version": 1}}
    )
    by_date = api.post(
        URL, json={**_body(acme_roster), "scheme": {"key": "acme-sales", "on": "2027-03-15"}}
    )

    assert by_version.status_code == by_date.status_code == 200
    assert by_version.json() == inline == by_date.json()


def test_a_published_version_is_read_once_a_draft_every_time(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    created = api.post(
        "/v1/schemes", content=acme_yaml, headers={"content-type": "application/yaml"}
    )
    body = {**_body(acme_roster), "scheme": {"key": "acme-sales", "version": 1}}
    database: Database = api.app.state.database  # type: ignore[attr-defined]
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        assert api.post(URL, json=body).status_code == 200  # a draft: read from the database
        assert api.post(URL, json=body).status_code == 200  # ... every time: it may change
        drafts = len(statements)
        published = api.post(
            "/v1/schemes/acme-sales/versions/1/publish",
            headers={"If-Match": created.headers["ETag"]},
        )
        assert published.status_code == 200
        statements.clear()
        first = api.post(URL, json=body)
        read = len(statements)
        second = api.post(URL, json=body)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)

    assert drafts >= 2 and read >= 1
    assert len(statements) == read  # the published version, once read, is not read again
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json() == api.post(URL, json=_body(acme_roster)).json()


def test_a_draft_version_can_be_previewed(
    api: TestClient, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    api.post("/v1/schemes", content=acme_yaml, headers={"content-type": "application/yaml"})

    response = api.post(
        URL, json={**_body(acme_roster), "scheme": {"key": "acme-sales", "version": 1}}
    )

    assert response.status_code == 200


def test_unknown_stored_schemes_are_404(api: TestClient, acme_roster: list[dict[str, Any]]) -> None:
    for ref, code in (
        ({"key": "nope", "version": 1}, "SCHEME_NOT_FOUND"),
        ({"key": "nope", "on": "2027-03-01"}, "SCHEME_NOT_FOUND"),
    ):
        response = api.post(URL, json={**_body(acme_roster), "scheme": ref})
        assert response.status_code == 404
        assert response.json()["code"] == code


# --- invalid input ------------------------------------------------------------------------------


def _problem(client: TestClient, body: object) -> dict[str, Any]:
    response = client.post(URL, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    return problem


def test_invalid_fields_are_listed_with_pointers(client: TestClient) -> None:
    problem = _problem(
        client,
        {
            "scheme": acme_scheme(),
            "period": "2027-13",
            "roster": [
                {"id": "E-1", "department": "sales", "role": "rep", "fte": "half", "nickname": "x"}
            ],
            "extra": True,
        },
    )

    assert problem["code"] == "INVALID_BODY"
    assert {(e["pointer"], e["code"]) for e in problem["errors"]} == {
        ("/period", "VALUE_ERROR"),
        ("/roster/0/fte", "INVALID_NUMBER"),
        ("/roster/0/nickname", "EXTRA_FORBIDDEN"),
        ("/extra", "EXTRA_FORBIDDEN"),
    }
    period = next(e for e in problem["errors"] if e["pointer"] == "/period")
    assert period["detail"] == "period '2027-13' has month 13; months are 01 to 12"
    assert "Acme sales organisation" not in json.dumps(problem)  # the body is not echoed


def test_roster_problems_point_at_the_employee(client: TestClient) -> None:
    roster: list[dict[str, Any]] = [
        {"id": "E-1", "department": "sales", "role": "rep", "credited": {"new_revenue": 1}},
        {"id": "E-1", "department": "sales", "role": "rep", "credited": {"new_revenue": 1}},
        {"id": "E-2", "department": "marketing", "role": "rep"},
        {"id": "E-3", "department": "sales", "role": "rep", "fte": 2,
         "credited": {"new_revenue": 1}},
        {"id": "E-4", "department": "sales", "role": "rep"},
        {"id": "E-5", "department": "sales", "role": "rep", "credited": {"new_revenue": 1},
         "balances": {"draw": "-5.00"}},
    ]  # fmt: skip

    problem = _problem(client, _body(roster))

    assert problem["code"] == "INVALID_INPUT"
    assert {(e["pointer"], e["code"]) for e in problem["errors"]} == {
        ("/roster/1/id", "DUPLICATE_EMPLOYEE"),
        ("/roster/2/department", "UNKNOWN_DEPARTMENT"),
        ("/roster/3/fte", "FTE_RANGE"),
        ("/roster/4/credited/new_revenue", "MISSING_MEASURE"),
        ("/roster/5/balances/draw", "NEGATIVE_BALANCE"),
    }


def test_deal_problems_point_at_the_deal(client: TestClient) -> None:
    body = _body(
        [{"id": "E-1", "department": "sales", "role": "rep"}],
        deals=[
            {"id": "D-1", "date": "2027-03-02", "client_id": "C", "client_since": "2027-03-01",
             "amount": "100.00", "credit": [{"employee_id": "E-1", "share": "0.5"}]},
            {"id": "D-2", "date": "2027-03-02", "client_id": "C", "client_since": "2027-03-01",
             "amount": "100.00", "credit": [{"employee_id": "E-9", "share": 1}]},
        ],
    )  # fmt: skip

    problem = _problem(client, body)

    assert {(e["pointer"], e["code"]) for e in problem["errors"]} == {
        ("/deals/0/credit", "SHARES_SUM"),
        ("/deals/1/credit", "UNKNOWN_EMPLOYEE"),
    }


def test_a_refund_takes_back_the_commission_paid_and_a_bad_one_points_at_it(
    client: TestClient,
) -> None:
    sale = {
        "id": "D-1",
        "date": "2027-02-10",
        "client_id": "C",
        "client_since": "2027-02-01",
        "amount": "700000.00",
        "credit": [{"employee_id": "E-1", "share": 1, "commission": "110000.00"}],
    }
    refund = {"id": "R-1", "date": "2027-03-05", "client_id": "C", "client_since": "2027-02-01",
              "amount": "-350000.00", "refund_of": "D-1",
              "credit": [{"employee_id": "E-1", "share": 1}]}  # fmt: skip
    roster = [{"id": "E-1", "department": "sales", "role": "rep", "credited": {"new_revenue": 0}}]

    response = client.post(URL, json=_body(roster, deals=[sale, refund]))
    late = client.post(URL, json=_body(roster, deals=[{**sale, "date": "2027-03-01"}]))

    assert response.status_code == 200, response.text
    lines = {line["code"]: line for line in _slip(response.json(), "E-1")["lines"]}
    assert lines["commission_clawback"]["amount"] == "-55000.00"  # half of the 110 000 paid
    assert lines["commission_clawback"]["deals"][0]["commission"] == "-55000.00"
    assert _slip(response.json(), "E-1")["balances"]["clawback"] == "55000.00"
    assert late.status_code == 422
    assert [(e["pointer"], e["code"]) for e in late.json()["errors"]] == [
        ("/deals/0/credit/0/commission", "INVALID_COMMISSION")
    ]


def test_an_empty_roster_is_refused(client: TestClient) -> None:
    problem = _problem(client, _body([]))

    assert problem["errors"] == [
        {"pointer": "/roster", "detail": "the roster has no employees", "code": "EMPTY_ROSTER"}
    ]


def test_inline_scheme_errors_point_into_the_scheme(
    client: TestClient, acme_roster: list[dict[str, Any]]
) -> None:
    scheme = copy.deepcopy(acme_scheme())
    scheme["departments"]["sales"]["roles"]["rep"]["comission"] = []

    problem = _problem(client, {"scheme": scheme, "period": "2027-03", "roster": acme_roster})

    assert problem["code"] == "INVALID_SCHEME"
    (error,) = problem["errors"]
    assert (error["pointer"], error["code"]) == (
        "/scheme/departments/sales/roles/rep/comission",
        "UNKNOWN_KEY",
    )


def test_a_scheme_reference_must_be_complete(
    client: TestClient, acme_roster: list[dict[str, Any]]
) -> None:
    problem = _problem(client, {"scheme": "acme-sales", "period": "2027-03", "roster": acme_roster})

    assert problem["errors"][0]["pointer"] == "/scheme"
    problem = _problem(
        client, {"scheme": {"key": "acme-sales", "version": 0}, "period": "2027-03", "roster": []}
    )
    assert problem["errors"][0]["pointer"] == "/scheme/version"


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"scheme": ', "application/json", 422, "SYNTAX"),
        (b'{"period": NaN}', "application/json", 422, "INVALID_NUMBER"),
        (b'{"period": "a", "period": "b"}', "application/json", 422, "DUPLICATE_KEY"),
        (b"\xff\xfe{}", "application/json", 422, "ENCODING"),
        (b"", "application/json", 422, "EMPTY_BODY"),
        (b"[1, 2]", "application/json", 422, "INVALID_BODY"),
        (b"period: 2027-03", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
def test_unreadable_bodies(
    client: TestClient, content: bytes, content_type: str, status: int, code: str
) -> None:
    response = client.post(URL, content=content, headers={"content-type": content_type})

    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code
    assert response.json()["status"] == status


def test_a_body_over_the_limit_is_refused(tmp_path: Any, sqlite_template: Any) -> None:
    import shutil

    from app.main import create_app
    from app.services.keys import create_key
    from app.settings import Settings

    shutil.copyfile(sqlite_template, tmp_path / "x.db")
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", max_body_bytes=1000)
    app = create_app(settings)
    with TestClient(app) as small:
        secret = create_key(app.state.database, "test", ["payroll:calculate"])[1]
        small.headers["Authorization"] = "Bearer " + secret
        response = small.post(URL, json=_body([{"id": "E-1"} for _ in range(100)]))

    assert response.status_code == 413
    assert response.json()["code"] == "BODY_TOO_LARGE"
    assert "COMPCALC_MAX_BODY_BYTES" in response.json()["detail"]


def test_every_swagger_example_executes(
    api: TestClient, publish_acme: Callable[..., dict[str, Any]]
) -> None:
    from app.api.examples import run_examples

    publish_acme()
    for name, example in calculate_examples().items():
        response = api.post(URL, json=example["value"])
        assert response.status_code == 200, (name, response.text)
    created: list[str] = []
    for name, example in run_examples().items():
        body = example["value"]
        if body.get("kind") == "correction":  # corrects the run approved first: its id in
            approved = api.post(f"/v1/payroll-runs/{created[0]}/approve")
            assert approved.status_code == 200, approved.text
            body = {**body, "corrects": created[0]}
        response = api.post("/v1/payroll-runs", json=body)
        assert response.status_code == 201, (name, response.text)
        created.append(response.json()["id"])


def test_parsed_schemes_are_cached_by_exact_content(client: TestClient) -> None:
    """A cached scheme is never served for a document that differs only in a value's type."""
    roster = [{"id": "E-1", "department": "sales", "role": "rep", "credited": {"new_revenue": 0}}]
    good = copy.deepcopy(acme_scheme())
    good["name"] = "5"
    bad = copy.deepcopy(acme_scheme())
    bad["name"] = 5  # a number where text is required

    first = client.post(URL, json={"scheme": good, "period": "2027-03", "roster": roster})
    second = client.post(URL, json={"scheme": bad, "period": "2027-03", "roster": roster})

    assert first.status_code == 200
    assert second.status_code == 422
    assert second.json()["errors"][0]["pointer"] == "/scheme/name"


def test_a_payslip_below_the_minimum_wage_is_topped_up(client: TestClient) -> None:
    scheme = copy.deepcopy(acme_scheme())
    scheme["effective_from"] = "2026-01-01"
    scheme["minimum_wage"] = [
        {"from": "2026-01-01", "amount": 27093},
        {"from": "2026-01-01", "amount": 50000, "jurisdiction": "RU-MOW"},  # illustrative
    ]
    roster = [
        {"id": "A", "department": "sales", "role": "rep", "credited": {"new_revenue": 0}},
        {"id": "M", "department": "sales", "role": "rep", "jurisdiction": "RU-MOW",
         "credited": {"new_revenue": 0}},
    ]  # fmt: skip

    response = client.post(URL, json={"scheme": scheme, "period": "2026-04", "roster": roster})

    assert response.status_code == 200, response.text
    result = response.json()
    # acme's sales base 45 000 is above 27 093: no line
    assert [line["code"] for line in _slip(result, "A")["lines"]] == ["base", "commission"]
    # RU-MOW's 50 000: 50 000.00 − 45 000.00 = 5 000.00, the last line
    moscow = _slip(result, "M")
    assert moscow["lines"][-1]["code"] == "minimum_wage_topup"
    assert moscow["lines"][-1]["amount"] == "5000.00"
    assert moscow["lines"][-1]["explanation"] == (
        "minimum wage (RU-MOW) 50 000.00 × proration 1 = 50 000.00; "
        "pay 45 000.00 before → top-up 5 000.00"
    )
    assert moscow["gross"] == "50000.00"
    # the sales rep's base 45 000 is below RU-MOW's 50 000 (the other bases are not)
    below = {f["path"] for f in result["findings"] if f["code"] == "BELOW_MINIMUM_WAGE"}
    assert "departments.sales.roles.rep.base" in below
