"""A run's exports for spreadsheets and 1C: the CSV dialects, the workbook, the 1C layout."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook  # type: ignore[import-untyped]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Publish = Callable[..., dict[str, Any]]
CODES = "\nexports:\n  onec:\n    accrual_codes: {base: ОКЛ, commission: ПРМ, bonus: ПРМ}\n"


def _run(api: TestClient, roster: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-03", "roster": roster}
    response = api.post("/v1/payroll-runs", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.fixture
def run(
    api: TestClient, publish_acme: Publish, acme_roster: list[dict[str, Any]]
) -> dict[str, Any]:
    publish_acme()
    return _run(api, acme_roster)


def _lines(run: dict[str, Any]) -> list[tuple[str, str, Decimal]]:
    return [
        (slip["employee_id"], line["code"], Decimal(line["amount"]))
        for slip in run["result"]["payslips"]
        for line in slip["lines"]
    ]


def test_excel_ru_csv_has_every_amount_of_the_run(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(f"/v1/payroll-runs/{run['id']}/export.csv?dialect=excel-ru")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content[:3] == b"\xef\xbb\xbf"
    rows = list(
        csv.DictReader(io.StringIO(response.content[3:].decode(), newline=""), delimiter=";")
    )
    got = [
        (r["employee_id"], r["code"], Decimal(r["amount"].replace(",", ".")))
        for r in rows
        if r["line"]
    ]
    assert got == _lines(run)
    default = api.get(f"/v1/payroll-runs/{run['id']}/export.csv?dialect=rfc4180")
    assert default.text == api.get(f"/v1/payroll-runs/{run['id']}/export.csv").text
    assert "content-language" not in default.headers  # the lines layout's headers are codes


def test_the_workbook_in_russian(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/export.xlsx", headers={"accept-language": "ru-RU,ru;q=0.9"}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-language"] == "ru"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="payroll-run-{run["id"]}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    lines = book["Начисления"]
    assert lines.freeze_panes == "A2"
    got = [
        (row[0].value, row[5].value, Decimal(str(row[10].value)))
        for row in lines.iter_rows(min_row=2)
    ]
    assert got == _lines(run)
    *_, total = book["Сотрудники"].iter_rows(min_row=2)
    assert Decimal(str(total[5].value)) == Decimal(run["total"]) == Decimal("1502627.38")


def test_an_unknown_language_is_english(api: TestClient, run: dict[str, Any]) -> None:
    response = api.get(
        f"/v1/payroll-runs/{run['id']}/export.xlsx", headers={"accept-language": "de"}
    )

    assert response.headers["content-language"] == "en"
    assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Lines"


def test_the_1c_layout_with_the_schemes_codes(
    api: TestClient, publish_acme: Publish, acme_yaml: str, acme_roster: list[dict[str, Any]]
) -> None:
    publish_acme(acme_yaml + CODES)
    run = _run(api, acme_roster)
    anna = next(s for s in run["result"]["payslips"] if s["employee_id"] == "E-17")
    # E-17: base 45 000.00, commission 134 000.00 and bonus 15 000.00 (both ПРМ)
    assert [(line["code"], line["amount"]) for line in anna["lines"]] == [
        ("base", "45000.00"), ("commission", "134000.00"), ("bonus", "15000.00")
    ]  # fmt: skip

    text = api.get(
        f"/v1/payroll-runs/{run['id']}/export.csv?layout=1c&dialect=excel-ru",
        headers={"accept-language": "ru"},
    )
    assert text.headers["content-language"] == "ru"
    assert text.headers["content-disposition"].endswith('-1c.csv"')
    rows = list(csv.reader(io.StringIO(text.text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows[0] == [
        "Табельный номер", "ФИО", "Вид начисления", "Сумма", "Дата начала", "Дата окончания"
    ]  # fmt: skip
    assert [r for r in rows if r[0] == "E-17"] == [
        ["E-17", "Анна Петрова", "ОКЛ", "45000,00", "01.03.2027", "31.03.2027"],
        ["E-17", "Анна Петрова", "ПРМ", "149000,00", "01.03.2027", "31.03.2027"],
    ]
    # every employee's rows sum to their gross
    for slip in run["result"]["payslips"]:
        mine = [Decimal(r[3].replace(",", ".")) for r in rows[1:] if r[0] == slip["employee_id"]]
        assert sum(mine) == Decimal(slip["gross"])

    book = api.get(f"/v1/payroll-runs/{run['id']}/export.xlsx?layout=1c")
    sheet = load_workbook(io.BytesIO(book.content))["Accruals"]
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2) if row[0].value == "E-17"]
    assert [(r[2], Decimal(str(r[3]))) for r in cells] == [
        ("ОКЛ", Decimal("45000.00")), ("ПРМ", Decimal("149000.00"))
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("export.csv?dialect=excel", "dialect"),
        ("export.csv?layout=sap", "layout"),
        ("export.xlsx?layout=1C", "layout"),
    ],
)
def test_bad_dialects_and_layouts_are_422(
    api: TestClient, run: dict[str, Any], path: str, parameter: str
) -> None:
    response = api.get(f"/v1/payroll-runs/{run['id']}/{path}")

    assert response.status_code == 422
    text = response.text
    assert parameter in text
    allowed = ("rfc4180", "excel-ru") if parameter == "dialect" else ("lines", "1c")
    assert all(value in text for value in allowed), text


def test_a_correction_exports_its_differences(
    api: TestClient, publish_acme: Publish, acme_yaml: str
) -> None:
    publish_acme(acme_yaml + CODES)
    rep = {"id": "E-1", "name": "Анна Петрова", "department": "sales", "role": "rep",
           "credited": {"new_revenue": "750000"}}  # fmt: skip
    body = {"scheme": {"key": "acme-sales", "version": 1}, "period": "2027-04", "roster": [rep]}
    original = api.post("/v1/payroll-runs", json=body).json()
    assert api.post(f"/v1/payroll-runs/{original['id']}/approve").status_code == 200
    # half time: the base 45 000.00 becomes 22 500.00 (tests/api/test_periods.py)
    half = {**body, "roster": [{**rep, "fte": "0.5"}], "kind": "correction",
            "corrects": original["id"]}  # fmt: skip
    correction = api.post("/v1/payroll-runs", json=half).json()
    assert correction["total"] == "-22500.00"

    onec = api.get(f"/v1/payroll-runs/{correction['id']}/export.csv?layout=1c")
    assert onec.text.splitlines()[1:] == ["E-1,Анна Петрова,ОКЛ,-22500.00,2027-04-01,2027-04-30"]
    book = load_workbook(
        io.BytesIO(api.get(f"/v1/payroll-runs/{correction['id']}/export.xlsx").content)
    )
    assert book.sheetnames == ["Differences"]
    rows = [[c.value for c in row] for row in book["Differences"].iter_rows(min_row=2)]
    assert [(r[4], *(Decimal(str(v)) for v in r[5:8])) for r in rows] == [
        ("base", Decimal("45000.00"), Decimal("22500.00"), Decimal("-22500.00")),
        ("gross", Decimal("180000.00"), Decimal("157500.00"), Decimal("-22500.00")),
    ]
