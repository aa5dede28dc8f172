"""The 1C import layout: one row per employee and accrual type, codes from the scheme's
``exports.onec.accrual_codes``; and the scheme section itself (validation, hash)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook  # type: ignore[import-untyped]

from app.engine import Period, SchemeError, parse_scheme, scheme_hash
from app.engine.results import LINE_CODES
from app.engine.scheme import Exports, LineCode
from app.io.output.csvcells import EXCEL_RU
from app.io.output.onec import accrual_rows, correction_rows, onec_csv
from app.io.output.xlsx import onec_xlsx

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MARCH = Period(2027, 3)


def _line(code: str, amount: str) -> dict[str, Any]:
    return {"code": code, "amount": amount}


#: A hand-made payroll: a rep with base, two commission lines, a bonus and a clawback; a
#: client rep with a zero commission; codes: base ОКЛ, commission and bonus both ПРМ.
PAYSLIPS = [
    {"employee_id": "007", "name": "Анна Петрова", "lines": [
        _line("base", "45000.00"), _line("commission", "90000.00"),
        _line("commission", "44000.50"), _line("bonus", "15000.00"),
        _line("clawback", "-1200.00")]},
    {"employee_id": "C-1", "name": "Иван Козлов", "lines": [
        _line("base", "85000.00"), _line("commission", "0.00")]},
]  # fmt: skip
CODES = Exports.model_validate({"onec": {"accrual_codes": {"base": "ОКЛ", "commission": "ПРМ",
                                                           "bonus": "ПРМ"}}})  # fmt: skip


def test_one_row_per_employee_and_accrual_type() -> None:
    rows = accrual_rows(PAYSLIPS, MARCH, CODES)

    start, end = datetime.date(2027, 3, 1), datetime.date(2027, 3, 31)
    assert [(r.employee_id, r.name, r.code, r.amount, r.start, r.end) for r in rows] == [
        ("007", "Анна Петрова", "ОКЛ", Decimal("45000.00"), start, end),
        # 90 000.00 + 44 000.50 + 15 000.00: commission and bonus share ПРМ
        ("007", "Анна Петрова", "ПРМ", Decimal("149000.50"), start, end),
        # a line code without a configured accrual code keeps its own
        ("007", "Анна Петрова", "clawback", Decimal("-1200.00"), start, end),
        ("C-1", "Иван Козлов", "ОКЛ", Decimal("85000.00"), start, end),
        # the commission of 0.00 is no row: nothing to load
    ]


def test_without_codes_every_line_code_is_its_own_accrual_type() -> None:
    rows = accrual_rows(PAYSLIPS, MARCH, Exports())

    assert [(r.employee_id, r.code, r.amount) for r in rows] == [
        ("007", "base", Decimal("45000.00")),
        ("007", "commission", Decimal("134000.50")),
        ("007", "bonus", Decimal("15000.00")),
        ("007", "clawback", Decimal("-1200.00")),
        ("C-1", "base", Decimal("85000.00")),
    ]


def test_a_correction_loads_its_differences() -> None:
    change = {"employee_id": "007", "name": "Анна Петрова", "lines": [
        {"code": "commission", "original": "90000.00", "corrected": "93000.00",
         "difference": "3000.00"},
        {"code": "bonus", "original": "15000.00", "corrected": "0.00",
         "difference": "-15000.00"}]}  # fmt: skip
    rows = correction_rows([change], MARCH, CODES)

    # both are ПРМ: 3 000.00 − 15 000.00
    assert [(r.code, r.amount) for r in rows] == [("ПРМ", Decimal("-12000.00"))]


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_1c_csv_in_both_dialects(lang: str) -> None:
    rows = accrual_rows(PAYSLIPS, MARCH, CODES)
    default = list(csv.reader(io.StringIO(onec_csv(rows, lang), newline="")))
    ru_text = onec_csv(rows, lang, EXCEL_RU)
    assert ru_text.startswith("\ufeff")
    russian = list(csv.reader(io.StringIO(ru_text[1:], newline=""), delimiter=";"))

    headers = {
        "ru": ["Табельный номер", "ФИО", "Вид начисления", "Сумма", "Дата начала",
               "Дата окончания"],
        "en": ["Personnel number", "Full name", "Accrual type", "Amount", "Start date",
               "End date"],
    }  # fmt: skip
    assert default[0] == russian[0] == headers[lang]
    assert default[2] == ["007", "Анна Петрова", "ПРМ", "149000.50", "2027-03-01", "2027-03-31"]
    assert russian[2] == ["007", "Анна Петрова", "ПРМ", "149000,50", "01.03.2027", "31.03.2027"]
    assert default[3][3] == "-1200.00"  # an amount, not guarded text
    assert sum(Decimal(r[3]) for r in default[1:]) == Decimal("45000.00") + Decimal(
        "149000.50"
    ) - Decimal("1200.00") + Decimal("85000.00")


def test_the_1c_workbook() -> None:
    rows = accrual_rows(PAYSLIPS, MARCH, CODES)
    sheet = load_workbook(io.BytesIO(onec_xlsx(rows, 2, "ru")))["Начисления"]

    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == [
        "Табельный номер", "ФИО", "Вид начисления", "Сумма", "Дата начала", "Дата окончания"
    ]  # fmt: skip
    number, name, code, amount, start, end = sheet[3]
    # the personnel number stays text ("007", not 7); the amount a plain number for 1C
    assert (number.value, number.data_type) == ("007", "s")
    assert (name.value, code.value) == ("Анна Петрова", "ПРМ")
    assert amount.data_type == "n" and Decimal(str(amount.value)) == Decimal("149000.50")
    assert amount.number_format == "0.00"
    assert start.value == datetime.datetime(2027, 3, 1)
    assert end.value == datetime.datetime(2027, 3, 31)
    assert start.number_format == "DD.MM.YYYY"


# --- the scheme section -------------------------------------------------------------------------


def _acme(**extra: Any) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((EXAMPLES / "acme.yaml").read_text("utf-8"))
    return {**document, **extra}


def test_the_section_is_read_with_defaults() -> None:
    scheme = parse_scheme(_acme(exports={"onec": {"accrual_codes": {"base": "ОКЛ"}}}))

    assert scheme.exports.accrual_code("base") == "ОКЛ"
    assert scheme.exports.accrual_code("commission") == "commission"
    assert parse_scheme(_acme()).exports == Exports()


def test_an_unknown_line_code_is_a_located_error() -> None:
    with pytest.raises(SchemeError) as caught:
        parse_scheme(_acme(exports={"onec": {"accrual_codes": {"comission": "ПРМ", "bonus": ""}}}))

    found = {(f.code, f.path, f.hint) for f in caught.value.findings}
    assert ("INVALID_VALUE", ("exports", "onec", "accrual_codes", "comission"),
            "did you mean `commission`?") in found  # fmt: skip
    assert any(
        f.path == ("exports", "onec", "accrual_codes", "bonus") for f in caught.value.findings
    )


def test_the_hash_is_unchanged_without_codes_and_changes_with_them() -> None:
    plain = scheme_hash(parse_scheme(_acme()))

    assert scheme_hash(parse_scheme(_acme(exports={}))) == plain
    assert scheme_hash(parse_scheme(_acme(exports={"onec": {"accrual_codes": {}}}))) == plain
    coded = parse_scheme(_acme(exports={"onec": {"accrual_codes": {"base": "ОКЛ"}}}))
    assert scheme_hash(coded) != plain


def test_the_line_codes_are_the_payslips() -> None:
    assert {code.value for code in LineCode} == LINE_CODES
