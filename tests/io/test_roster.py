"""Rosters from CSV and JSON: exact numbers, locales, and every problem with its row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.engine import Employee, InputError, Measure, Period, parse_scheme, validate_roster
from app.io.read.documents import load_document
from app.io.read.numbers import parse_number
from app.io.read.problems import MAX_PROBLEMS
from app.io.roster.load import (
    RosterError,
    load_roster,
    parse_csv_roster,
    parse_json_roster,
    roster_error,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def problems(text: str, json_format: bool = False) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(RosterError) as caught:
        (parse_json_roster if json_format else parse_csv_roster)(text, "r")
    return [(p.row, p.column, p.code) for p in caught.value.problems]


def test_acme_csv_roster_is_read_exactly() -> None:
    roster = load_roster(EXAMPLES / "acme-roster.csv", max_bytes=10_000)

    by_id = {e.id: e for e in roster.employees}
    assert len(by_id) == 13
    assert by_id["E-17"] == Employee(
        id="E-17",
        department="sales",
        role="rep",
        name="Анна Петрова",
        credited={Measure.NEW_REVENUE: Decimal("820000.00")},
    )
    assert by_id["E-14"].unpaid_days == 2
    assert by_id["E-14"].credited[Measure.NEW_REVENUE] == Decimal("540000.50")
    assert by_id["E-16"].start_date == date(2027, 3, 10)
    assert by_id["E-25"].end_date == date(2027, 3, 19)
    assert by_id["E-24"].fte == Decimal("0.5")
    assert by_id["E-11"].credited == {}  # empty cells: not credited
    assert [roster.row(i) for i in range(3)] == [2, 3, 4]


def test_json_roster_holds_the_same_employees() -> None:
    csv_roster = load_roster(EXAMPLES / "acme-roster.csv", max_bytes=10_000)
    json_roster = load_roster(EXAMPLES / "acme-roster.json", max_bytes=100_000)

    assert json_roster.employees == csv_roster.employees
    assert json_roster.row(0) == 3  # the line where the first employee object starts
    assert json_roster.column("new_revenue") == "credited.new_revenue"


def test_bare_json_list_and_numbers() -> None:
    roster = parse_json_roster(
        '[{"id": 7, "department": "sales", "role": "rep", "fte": 0.5,\n'
        '  "credited": {"new_revenue": 1234.5}, "balances": {"draw": "100.00"}}]'
    )

    (employee,) = roster.employees
    assert employee.id == "7"
    assert employee.fte == Decimal("0.5")
    assert employee.credited == {Measure.NEW_REVENUE: Decimal("1234.5")}
    assert employee.balances == {"draw": Decimal("100.00")}


@pytest.mark.parametrize(
    ("raw", "comma", "value"),
    [
        ("1234.56", False, "1234.56"),
        ("1 234.56", False, "1234.56"),
        ("1\u00a0234\u00a0567,89", True, "1234567.89"),
        ("1\u202f234,5", True, "1234.5"),
        ("1234,56", True, "1234.56"),
        ("0,5", True, "0.5"),
        ("-100", False, "-100"),
        (" 42 ", False, "42"),
    ],
)
def test_numbers_as_spreadsheets_write_them(raw: str, comma: bool, value: str) -> None:
    assert parse_number(raw, decimal_comma=comma) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "comma", "reason"),
    [
        ("1,234.56", True, "mixes ',' and '.'"),
        ("1.234,56", True, "mixes ',' and '.'"),
        ("1,234.56", False, "mixes ',' and '.'"),
        ("1234,56", False, "ambiguous in a ','-separated file"),
        ("1,2,3", True, "more than one decimal comma"),
        ("12 34", True, "spaces may only group thousands"),
        ("1.234.567", True, "is not a number"),
        ("1e5", False, "is not a number"),
        ("NaN", False, "is not a number"),
        ("12 RUB", False, "spaces may only group thousands"),
    ],
)
def test_ambiguous_or_foreign_numbers_are_refused(raw: str, comma: bool, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace(".", r"\.").replace("(", r"\(")):
        parse_number(raw, decimal_comma=comma)


def test_semicolon_file_with_decimal_commas() -> None:
    roster = parse_csv_roster("id;department;role;fte;new_revenue\nE-1;sales;rep;0,5;1 234,56\n")

    (employee,) = roster.employees
    assert employee.fte == Decimal("0.5")
    assert employee.credited == {Measure.NEW_REVENUE: Decimal("1234.56")}


def test_quoted_cells_and_crlf_lines_keep_row_numbers() -> None:
    text = (
        "id,name,department,role,new_revenue\r\n"
        'E-1,"Petrova, Anna",sales,rep,1\r\n'
        "\r\n"
        'E-2,"two\r\nlines",sales,rep,2\r\n'
        "E-3,C,sales,rep,x\r\n"
    )

    # A line break inside a quoted cell is a control character in a name (refused), and the
    # rows after it keep the numbers of the file lines they start on.
    assert problems(text) == [
        (4, "name", "CONTROL_CHARACTER"),
        (6, "new_revenue", "INVALID_NUMBER"),
    ]
    roster = parse_csv_roster(text.replace(",x\r\n", ",3\r\n").replace('"two\r\nlines"', "B"))
    assert roster.employees[0].name == "Petrova, Anna"
    assert [roster.row(i) for i in range(3)] == [2, 4, 5]


def test_header_problems_are_reported_together() -> None:
    assert problems("id,name,role,role,salary\nE-1,A,rep,rep,1\n") == [
        (1, "role", "DUPLICATE_COLUMN"),
        (1, "salary", "UNKNOWN_COLUMN"),
        (1, "department", "MISSING_COLUMN"),
    ]


def test_every_row_problem_is_collected() -> None:
    text = (
        "id,department,role,start_date,fte,unpaid_days,new_revenue\n"
        ",sales,rep,,,,1\n"
        "E-2,sales,rep,10.03.2027,,,1\n"
        "E-3,sales,rep,,1.0.0,1.5,1\n"
        "E-4,sales,rep,,\n"
    )

    assert problems(text) == [
        (2, "id", "MISSING_VALUE"),
        (3, "start_date", "INVALID_DATE"),
        (4, "fte", "INVALID_NUMBER"),
        (4, "unpaid_days", "INVALID_NUMBER"),
        (5, "unpaid_days", "RAGGED_ROW"),
    ]


def test_problems_are_capped() -> None:
    text = "id,department,role,new_revenue\n" + "E,sales,rep,x\n" * (MAX_PROBLEMS + 5)

    with pytest.raises(RosterError) as caught:
        parse_csv_roster(text, "r.csv")

    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.omitted == 5
    assert caught.value.lines()[-1] == "r.csv: ... and 5 more problems"


def test_json_roster_problems() -> None:
    text = (
        '{"employees": [\n'
        '  {"id": "E-1", "department": "sales"},\n'
        '  {"id": "E-2", "department": "sales", "role": "rep", "salary": 1,\n'
        '   "start_date": "2027/03/01", "credited": {"new_revenue": "abc"}},\n'
        '  "E-3"\n'
        "]}"
    )

    assert problems(text, json_format=True) == [
        (2, "role", "MISSING_VALUE"),
        (3, "salary", "UNKNOWN_KEY"),
        (3, "start_date", "INVALID_DATE"),
        (3, "credited.new_revenue", "INVALID_NUMBER"),
        (5, None, "INVALID_TYPE"),
    ]
    assert problems('{"staff": []}', json_format=True) == [(1, None, "NOT_A_ROSTER")]
    assert problems('{"employees": [}', json_format=True) == [(1, None, "SYNTAX")]


def test_engine_problems_map_back_to_rows() -> None:
    scheme = parse_scheme(load_document(EXAMPLES / "acme.yaml", max_bytes=100_000).data)
    roster = parse_csv_roster(
        "id,department,role,fte,new_revenue,balance_draw\n"
        "E-1,sales,rep,,1,\n"
        "E-2,sales,rep,2,1,\n"
        "E-1,sales,rep,,1.005,-5\n",
        "r.csv",
    )

    error = roster_error(
        roster, InputError(validate_roster(scheme, Period(2027, 3), roster.employees))
    )

    assert [(p.row, p.column, p.code) for p in error.problems] == [
        (3, "fte", "FTE_RANGE"),
        (4, "id", "DUPLICATE_EMPLOYEE"),
        (4, "new_revenue", "PRECISION"),
        (4, "balance_draw", "NEGATIVE_BALANCE"),
    ]
    assert error.problems[1].message.endswith("(first at line 2)")


def test_size_limit_encoding_and_format(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("id,department,role\n", encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load_roster(path, max_bytes=5)
    assert caught.value.problems[0].code == "TOO_LARGE"

    path.write_bytes(b"id,department,role\nE-\xff,sales,rep\n")
    with pytest.raises(RosterError) as caught:
        load_roster(path, max_bytes=100)
    assert [(p.row, p.code) for p in caught.value.problems] == [(2, "ENCODING")]

    with pytest.raises(RosterError) as caught:
        load_roster(tmp_path / "r.txt", max_bytes=100)
    assert caught.value.problems[0].code == "UNSUPPORTED_FORMAT"
