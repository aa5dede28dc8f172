"""Payroll output and reports: exact amounts, safe CSV cells, atomic files, annotations."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Employee, Measure, Payroll, Period, calculate, parse_scheme
from app.io.documents import load_document
from app.io.files import atomic_write
from app.io.output import explain_text, money, payroll_csv, payroll_table
from app.io.payrolljson import payroll_json
from app.io.reports import github_report, json_report, text_report
from app.io.tables import Column, plain_table
from app.io.validation import validate_file

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def small_payroll() -> Payroll:
    scheme = parse_scheme(load_document(EXAMPLES / "acme.yaml", max_bytes=100_000).data)
    roster = [
        Employee(
            "=cmd", "sales", "rep", "@SUM(A1)", credited={Measure.NEW_REVENUE: Decimal(600000)}
        ),
        Employee("C-1", "clients", "rep", "+7 999", credited={Measure.REPEAT_REVENUE: Decimal(1)}),
    ]
    return calculate(scheme, Period(2027, 3), roster, check=False)


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [(Decimal(134000), 2, "134000.00"), (Decimal("0.5"), 0, "0"), (Decimal("1.5"), 3, "1.500")],
)
def test_money_has_exactly_the_minor_digits(value: Decimal, digits: int, text: str) -> None:
    assert money(value, digits) == text


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(small_payroll: Payroll) -> None:
    rows = list(csv.DictReader(io.StringIO(payroll_csv(small_payroll))))

    assert {r["employee_id"] for r in rows} == {"'=cmd", "C-1"}
    assert {r["name"] for r in rows} == {"'@SUM(A1)", "'+7 999"}
    assert rows[0]["amount"] == "45000.00"


def test_json_amounts_are_strings_and_the_document_is_deterministic(
    small_payroll: Payroll,
) -> None:
    text = payroll_json(small_payroll)
    document = json.loads(text)

    assert text == payroll_json(small_payroll)
    first = document["payslips"][0]
    assert first["credited"] == {"new_revenue": "600000.00"}
    assert first["balances"] == {}
    assert [line["amount"] for line in first["lines"]] == ["45000.00", "90000.00"]
    assert first["lines"][1]["rate"] == "0.15"
    assert document["total"] == money(small_payroll.total, 2)


def test_plain_table_aligns_columns() -> None:
    text = plain_table(
        [Column("Name"), Column("Amount", "right")],
        [["Anna", "1.00"], ["Bo", "100.00"]],
        ["Total", "101.00"],
    )

    assert text.splitlines() == [
        "Name   Amount",
        "-----  ------",
        "Anna     1.00",
        "Bo     100.00",
        "-----  ------",
        "Total  101.00",
    ]


def test_table_and_explain_are_text_for_people(small_payroll: Payroll) -> None:
    table = payroll_table(small_payroll)
    explained = explain_text(small_payroll, small_payroll.payslips[0], 22)

    assert "135 000.00" in table
    assert explained.splitlines()[3:5] == [
        " 1. Base salary                 45 000.00",
        "    45 000.00 (full period)",
    ]


def test_atomic_write_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    os.chmod(target, 0o640)

    atomic_write(target, "new\n")

    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_atomic_write_leaves_nothing_behind_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")

    def broken(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="No space left"):
        atomic_write(target, "new\n")

    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_reports_of_a_file_with_findings() -> None:
    report = validate_file(str(EXAMPLES / "invalid" / "BASE_GAP.yaml"), max_bytes=100_000)

    text = text_report([report])
    github = github_report([report])
    document = json.loads(json_report([report]))

    assert text.splitlines()[-1] == "1 file, 1 error, 0 warnings"
    assert github.startswith(
        f"::error file={EXAMPLES}/invalid/BASE_GAP.yaml,line=54,col=15,title=BASE_GAP::"
    )
    assert "%2C" not in github.split("::")[2]  # commas are escaped in properties only
    finding = document["files"][0]["findings"][0]
    assert (finding["code"], finding["line"], finding["column"]) == ("BASE_GAP", 54, 15)
    assert finding["pointer"] == "/departments/sales/roles/rep/base"
    assert document["summary"]["exit_code"] == 1
