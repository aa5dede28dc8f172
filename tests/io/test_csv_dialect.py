"""The CSV dialects: RFC 4180 (the default, as it always was) and excel-ru (byte order mark,
``;``, decimal comma), each read back by the csv module and compared with the JSON result."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Payroll, Period, calculate
from app.io import load_deals, load_roster, load_scheme
from app.io.output.csvcells import DEFAULT, DIALECTS, EXCEL_RU, csv_text
from app.io.output.payrollcsv import CSV_COLUMNS, differences_csv, payroll_csv, payslips_csv
from app.io.output.payrolljson import payroll_json

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOM = b"\xef\xbb\xbf"
_AMOUNTS = ("basis", "amount")


def _payroll(scheme: str, roster: str, deals: str | None = None) -> Payroll:
    loaded = load_scheme(str(EXAMPLES / scheme), max_bytes=10**6).scheme
    people = load_roster(EXAMPLES / roster, max_bytes=10**7).employees
    credited = () if deals is None else load_deals(EXAMPLES / deals, max_bytes=10**7).deals
    return calculate(loaded, Period(2027, 3), people, credited, check=False)


@pytest.fixture(scope="module", params=["acme", "draws"])
def payroll(request: pytest.FixtureRequest) -> Payroll:
    """examples/acme with its deals (commissions, overrides, bonuses, shares of deals) and
    examples/acme-draws (draws, recoveries, clawbacks and balances carried)."""
    if request.param == "acme":
        return _payroll("acme.yaml", "acme-roster.csv", "acme-deals.csv")
    return _payroll("acme-draws.yaml", "acme-draws-roster.csv")


def read_back(data: bytes, dialect: str) -> list[dict[str, str]]:
    """The rows of a CSV as a reader of ``dialect`` sees them, numbers with ``.`` again."""
    if dialect == "excel-ru":
        assert data.startswith(BOM)
        text, delimiter = data[len(BOM) :].decode("utf-8"), ";"
    else:
        assert not data.startswith(BOM)
        text, delimiter = data.decode("utf-8"), ","
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
    if dialect == "excel-ru":
        for row in rows:
            for column in (*_AMOUNTS, "rate", "line"):
                assert "." not in row[column], row  # every number has the decimal comma
                row[column] = row[column].replace(",", ".")
    return rows


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_every_amount_read_back_is_the_json_amount(payroll: Payroll, dialect: str) -> None:
    document = json.loads(payroll_json(payroll))
    rows = read_back(payroll_csv(payroll, DIALECTS[dialect]).encode(), dialect)

    expected: list[tuple[str, str, str, str]] = []
    for slip in document["payslips"]:
        for line in slip["lines"]:
            basis = line["basis"] or ""
            expected.append((slip["employee_id"], line["code"], basis, line["amount"]))
        expected.append((slip["employee_id"], "gross", "", slip["gross"]))
        for kind in slip["balances"]:
            expected.append((slip["employee_id"], f"balance_{kind}", "", slip["balances"][kind]))
    got = [(r["employee_id"], r["code"], r["basis"], r["amount"]) for r in rows]
    assert sorted(got) == sorted(expected)
    # the sum of the gross rows is the JSON total, to the kopeck
    gross = sum(Decimal(r["amount"]) for r in rows if r["code"] == "gross")
    assert gross == Decimal(document["total"])


def test_the_default_dialect_is_the_writer_without_one(payroll: Payroll) -> None:
    assert payroll_csv(payroll, DEFAULT) == payroll_csv(payroll)
    assert payroll_csv(payroll).startswith(",".join(CSV_COLUMNS) + "\r\n")


def test_excel_ru_has_a_bom_semicolons_crlf_and_decimal_commas() -> None:
    slip = {
        "employee_id": "E-1", "name": "Анна; Петрова", "department": "sales", "role": "rep",
        "balances": {},
        "lines": [{"code": "commission", "label": "Comma, kept", "measure": "new_revenue",
                   "basis": "820000.00", "rate": "0.15", "amount": "-1234.50",
                   "explanation": "1.5 stays text"}],
        "gross": "-1234.50",
    }  # fmt: skip
    data = payslips_csv([slip], EXCEL_RU).encode("utf-8")

    assert data[:3] == BOM
    lines = data[3:].decode().split("\r\n")
    assert lines[0] == ";".join(CSV_COLUMNS)
    # ';' in a cell is quoted, ',' is not; the numbers have a decimal comma, text keeps its '.'
    assert lines[1] == (
        'E-1;"Анна; Петрова";sales;rep;1;commission;Comma, kept;new_revenue;820000,00;0,15;'
        "-1234,50;1.5 stays text"
    )
    # the gross row's sum is text, guarded as every text cell starting with '-'
    assert lines[2] == (
        'E-1;"Анна; Петрова";sales;rep;;gross;Gross pay;;;;-1234,50;\'-1234.50 = -1234.50'
    )
    assert lines[3] == ""  # every row ends with CRLF


def test_text_that_looks_like_a_number_is_still_guarded_in_excel_ru() -> None:
    text = csv_text(
        [["-5", "-1234.50", "=1+1"], ["-5", "-1234.50", "x"]], numbers={1}, dialect=EXCEL_RU
    )

    assert text == "\ufeff'-5;-1234,50;'=1+1\r\n'-5;-1234,50;x\r\n"


def test_a_correction_in_excel_ru() -> None:
    change = {
        "employee_id": "E-1", "name": "Анна", "department": "sales", "role": "rep",
        "lines": [{"code": "commission", "original": "100.00", "corrected": "150.50",
                   "difference": "50.50"}],
        "gross": {"code": "gross", "original": "100.00", "corrected": "150.50",
                  "difference": "50.50"},
    }  # fmt: skip
    rows = differences_csv([change], EXCEL_RU)

    assert rows.startswith("\ufeffemployee_id;name;department;role;code;original;corrected;")
    assert "E-1;Анна;sales;rep;commission;100,00;150,50;50,50\r\n" in rows
