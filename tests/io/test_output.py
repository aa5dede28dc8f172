"""Payroll output and reports: exact amounts, safe CSV cells, atomic files, annotations."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Credit, Deal, Employee, Measure, Payroll, Period, calculate, parse_scheme
from app.io.output.payrollcsv import payroll_csv
from app.io.output.payrolljson import payroll_json
from app.io.output.tables import Column, plain_table
from app.io.output.text import explain_text, money, payroll_table
from app.io.read.documents import load_document
from app.io.read.files import atomic_write
from app.io.roster.balances import balances_csv, balances_json
from app.io.schemes.formats import github_report, json_report, text_report
from app.io.schemes.validation import validate_file

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


@pytest.fixture(scope="module")
def refund_payroll() -> Payroll:
    """April 2027: E-1's March deal of 800 000 (commission 130 000) is refunded in full, so
    the commission line takes back 130 000 and the clawback line carries it; E-2 owes a
    draw balance of 500 that acme has no draw to recover from (carried as it is)."""
    scheme = parse_scheme(load_document(EXAMPLES / "acme.yaml", max_bytes=100_000).data)
    roster = [
        Employee("E-1", "sales", "rep"),
        Employee("E-2", "sales", "rep", balances={"draw": Decimal(500), "clawback": Decimal(0)}),
    ]
    since = date(2027, 3, 1)
    deals = [
        Deal("D-1", date(2027, 3, 10), "C-7", since, Decimal(800000), (Credit("E-1", Decimal(1)),)),
        Deal("R-1", date(2027, 4, 20), "C-7", since, Decimal(-800000), (Credit("E-1", Decimal(1)),),
             "D-1"),
    ]  # fmt: skip
    return calculate(scheme, Period(2027, 4), roster, deals, check=False)


def test_csv_carries_balances_as_rows_after_the_gross(refund_payroll: Payroll) -> None:
    rows = list(csv.DictReader(io.StringIO(payroll_csv(refund_payroll))))

    assert [(r["employee_id"], r["line"], r["code"], r["amount"]) for r in rows] == [
        ("E-1", "1", "base", "45000.00"),
        ("E-1", "2", "commission", "-130000.00"),
        ("E-1", "3", "clawback", "130000.00"),
        ("E-1", "", "gross", "45000.00"),
        ("E-1", "", "balance_clawback", "130000.00"),
        ("E-2", "1", "base", "45000.00"),
        ("E-2", "2", "commission", "0.00"),
        ("E-2", "", "gross", "45000.00"),
        ("E-2", "", "balance_draw", "500.00"),
        ("E-2", "", "balance_clawback", "0.00"),
    ]
    assert rows[4]["explanation"] == (
        "owed to the employer after this period: balance_clawback of the next roster"
    )


def test_explain_writes_negative_lines_as_subtractions(refund_payroll: Payroll) -> None:
    text = explain_text(refund_payroll, refund_payroll.payslips[0], 22)

    assert "Gross = 45 000.00 − 130 000.00 + 130 000.00 = 45 000.00" in text
    assert "Balances carried to the next period: clawback 130 000.00" in text
    row = "      R-1   2027-04-20  C-7     new_revenue      1  -800 000.00        0.00  " + (
        "refund of D-1"
    )
    assert row in text  # a line that takes back attributes no commission to its deals


def test_balances_roster_files(refund_payroll: Payroll) -> None:
    assert balances_csv(refund_payroll) == (
        "id,department,role,balance_draw,balance_clawback\r\n"
        "E-1,sales,rep,,130000.00\r\n"
        "E-2,sales,rep,500.00,0.00\r\n"
    )
    assert json.loads(balances_json(refund_payroll))["employees"] == [
        {"id": "E-1", "department": "sales", "role": "rep", "balances": {"clawback": "130000.00"}},
        {"id": "E-2", "department": "sales", "role": "rep",
         "balances": {"clawback": "0.00", "draw": "500.00"}},
    ]  # fmt: skip
    table = payroll_table(refund_payroll)
    assert "Gross  Carried draw  Carried clawback" in table
