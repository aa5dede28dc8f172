"""The payroll workbook: read back with openpyxl, every amount a numeric cell equal to the JSON
result, the currency's number format, the header row frozen, headers in the reader's language."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from app.engine import Payroll
from app.io.output.payrolljson import payroll_document, payroll_json, slip_json
from app.io.output.xlsx import amount_format, exact_number, payroll_xlsx
from tests.io.test_csv_dialect import payroll

__all__ = ["payroll"]  # the fixture: examples/acme with its deals, examples/acme-draws


def _workbook(payroll: Payroll, lang: str) -> Any:
    documents = [slip_json(slip, payroll.minor_units) for slip in payroll.payslips]
    data = payroll_xlsx(payroll_document(payroll, []), documents, lang)
    return load_workbook(io.BytesIO(data))


def _amount(cell: Any) -> Decimal:
    """The exact amount of a numeric cell (never text)."""
    assert cell.data_type == "n" and isinstance(cell.value, (int, float)), cell
    return Decimal(str(cell.value))


def _rows(sheet: Any) -> list[tuple[Any, ...]]:
    return list(sheet.iter_rows(min_row=2))


def test_every_amount_is_a_number_equal_to_the_json_result(payroll: Payroll) -> None:
    document = json.loads(payroll_json(payroll))
    book = _workbook(payroll, "en")
    lines, employees = book["Lines"], book["Employees"]

    expected_lines = [
        (slip["employee_id"], line["code"], line["basis"], line["amount"])
        for slip in document["payslips"]
        for line in slip["lines"]
    ]
    got_lines = [
        (row[0].value, row[5].value, None if row[8].value is None else str(_amount(row[8])),
         str(_amount(row[10])))
        for row in _rows(lines)
    ]  # fmt: skip
    # Decimal(str(cell)) is the amount itself: "45000.00" and 45000.0 are equal decimals
    assert [(e, c, None if b is None else Decimal(b), Decimal(a)) for e, c, b, a in got_lines] == [
        (e, c, None if b is None else Decimal(b), Decimal(a)) for e, c, b, a in expected_lines
    ]

    *people, total = _rows(employees)
    assert [(row[0].value, _amount(row[5])) for row in people] == [
        (slip["employee_id"], Decimal(slip["gross"])) for slip in document["payslips"]
    ]
    for row, slip in zip(people, document["payslips"], strict=True):
        for cell, kind in ((row[7], "draw"), (row[8], "clawback")):
            carried = slip["balances"].get(kind)
            assert (None if cell.value is None else _amount(cell)) == (
                None if carried is None else Decimal(carried)
            )
    assert (total[0].value, _amount(total[5])) == ("Total", Decimal(document["total"]))


def test_the_department_report_sheet_is_the_json_report(payroll: Payroll) -> None:
    report = json.loads(payroll_json(payroll))["report"]
    sheet = _workbook(payroll, "en")["Departments"]

    got = [
        (row[0].value, row[1].value, row[2].value, *[_amount(c) for c in row[3:5]],
         None if row[5].value is None else _amount(row[5]), *[_amount(c) for c in row[6:10]])
        for row in _rows(sheet)
    ]  # fmt: skip
    assert got == [
        (d["department"], d["kind"], d["employees"], Decimal(d["revenue"]), Decimal(d["payroll"]),
         None if d["payroll_share"] is None else Decimal(d["payroll_share"]),
         *[Decimal(d[k]) for k in ("mean", "median", "min", "max")])
        for d in report["departments"]
    ]  # fmt: skip
    assert got  # both examples have departments


def test_number_formats_frozen_header_and_widths(payroll: Payroll) -> None:
    book = _workbook(payroll, "ru")

    assert book.sheetnames[:3] == ["Начисления", "Сотрудники", "Подразделения"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        widths = [sheet.column_dimensions[c].width for c in ("A", "B")]
        assert all(6 <= w <= 60 for w in widths)
    lines = book["Начисления"]
    assert lines["K1"].value == "Сумма"
    assert lines["K2"].number_format == '#,##0.00 "₽"'
    assert lines["E2"].number_format == "0"  # the line number
    # the explanation column is as wide as its longest text allows (at most 60)
    assert lines.column_dimensions["L"].width == 60
    english = _workbook(payroll, "en")["Lines"]
    assert english["K2"].number_format == '#,##0.00 "RUB"'


@pytest.mark.parametrize(
    ("currency", "digits", "lang", "pattern"),
    [
        ("RUB", 2, "ru", '#,##0.00 "₽"'),
        ("RUB", 2, "en", '#,##0.00 "RUB"'),
        ("JPY", 0, "en", '#,##0 "JPY"'),
        ("KWD", 3, "en", '#,##0.000 "KWD"'),
    ],
)
def test_amount_format_has_the_currencys_digits(
    currency: str, digits: int, lang: str, pattern: str
) -> None:
    assert amount_format(currency, digits, lang) == pattern


@pytest.mark.parametrize(
    "text",
    ["0.00", "-1234.50", "9999999999999.99", "0.001", "1502627.38", "12345678901.234"],
)
def test_payroll_amounts_read_back_exactly(text: str) -> None:
    value = exact_number(text)
    assert isinstance(value, float)
    assert Decimal(str(value)) == Decimal(text)


def test_an_amount_a_double_cannot_hold_stays_text() -> None:
    # 17 significant digits: the nearest double is 1234567890123456.8
    assert exact_number("1234567890123456.7") == "1234567890123456.7"
    assert exact_number(None) is None


def test_text_cells_are_never_formulas() -> None:
    slip: dict[str, Any] = {
        "employee_id": "=1+1", "name": "@SUM(A1)", "department": "sales", "role": "rep",
        "proration": "1", "fte_gross": None, "balances": {},
        "lines": [{"code": "base", "label": "+7", "measure": None, "basis": None,
                   "rate": None, "amount": "10.00", "explanation": "=HYPERLINK(\"x\")"}],
        "gross": "10.00",
    }  # fmt: skip
    envelope = {"currency": "RUB", "minor_units": 2, "total": "10.00", "report": {}}
    book = load_workbook(io.BytesIO(payroll_xlsx(envelope, [slip], "en")))

    row = book["Lines"][2]
    assert [(c.value, c.data_type) for c in (row[0], row[1], row[6], row[11])] == [
        ("=1+1", "s"), ("@SUM(A1)", "s"), ("+7", "s"), ('=HYPERLINK("x")', "s")
    ]  # fmt: skip
    assert _amount(row[10]) == Decimal("10.00")
