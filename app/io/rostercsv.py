"""CSV rosters as spreadsheets save them: ``,`` or ``;``, decimal commas, a byte-order mark."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from app.engine import Employee, Measure

from .numbers import parse_date, parse_number, parse_whole
from .rostermodel import (
    BALANCES,
    COLUMNS,
    MEASURES,
    REQUIRED_COLUMNS,
    Problems,
    Roster,
    RosterError,
    RowProblem,
)

__all__ = ["parse_csv_roster"]


def _separator(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _header(row: list[str], problems: Problems) -> list[str]:
    names = [cell.strip().lower() for cell in row]
    for index, column in enumerate(names):
        if column not in COLUMNS:
            problems.add(
                1,
                column or f"#{index + 1}",
                "UNKNOWN_COLUMN",
                f"unknown column {column!r}; the columns are {', '.join(COLUMNS)}",
            )
        elif column in names[:index]:
            problems.add(1, column, "DUPLICATE_COLUMN", f"column {column!r} appears twice")
    for column in REQUIRED_COLUMNS:
        if column not in names:
            problems.add(1, column, "MISSING_COLUMN", f"required column {column!r} is missing")
    problems.check()
    return names


def parse_csv_roster(text: str, name: str = "<roster>") -> Roster:
    """Employees from CSV text; ``,`` or ``;`` separated (detected from the header)."""
    problems = Problems(name)
    if not text.strip():
        raise RosterError(name, [RowProblem(None, None, "EMPTY_FILE", "the file is empty")])
    decimal_comma = _separator(text.split("\n", 1)[0]) == ";"
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=";" if decimal_comma else ",", strict=True
    )
    employees: list[Employee] = []
    rows: list[int] = []
    try:
        header = _header(next(reader), problems)
        last = reader.line_num
        for cells in reader:
            row, last = last + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, and the ";;;;" rows spreadsheets leave at the end
            if len(cells) != len(header):
                problems.add(
                    row,
                    None,
                    "RAGGED_ROW",
                    f"the row has {len(cells)} fields but the header has {len(header)}",
                )
                continue
            cells_by_name = dict(zip(header, cells, strict=True))
            employee = _csv_employee(cells_by_name, row, problems, decimal_comma)
            if employee is not None:
                employees.append(employee)
                rows.append(row)
    except csv.Error as exc:
        problems.add(reader.line_num, None, "SYNTAX", f"the CSV cannot be read: {exc}")
    problems.check()
    return Roster(name, employees, lambda index: rows[index])


def _csv_employee(
    cells: dict[str, str], row: int, problems: Problems, decimal_comma: bool
) -> Employee | None:
    before = len(problems.found) + problems.omitted
    values = {key: value.strip() for key, value in cells.items()}
    for column in REQUIRED_COLUMNS:
        if not values[column]:
            problems.add(row, column, "MISSING_VALUE", f"{column} is empty")

    def number(column: str) -> Decimal | None:
        raw = values.get(column, "")
        if not raw:
            return None
        try:
            return parse_number(raw, decimal_comma=decimal_comma)
        except ValueError as exc:
            problems.add(row, column, "INVALID_NUMBER", f"{column} {exc}")
            return None

    def day(column: str) -> date | None:
        raw = values.get(column, "")
        try:
            return parse_date(raw) if raw else None
        except ValueError as exc:
            problems.add(row, column, "INVALID_DATE", f"{column} {exc}")
            return None

    fte = number("fte")
    unpaid = 0
    if values.get("unpaid_days"):
        try:
            unpaid = parse_whole(values["unpaid_days"])
        except ValueError as exc:
            problems.add(row, "unpaid_days", "INVALID_NUMBER", f"unpaid_days {exc}")
    start, end = day("start_date"), day("end_date")
    credited = {Measure(m): amount for m in MEASURES if (amount := number(m)) is not None}
    balances = {
        column.removeprefix("balance_"): amount
        for column in BALANCES
        if (amount := number(column)) is not None
    }
    if len(problems.found) + problems.omitted > before:
        return None
    return Employee(
        id=values["id"],
        department=values["department"],
        role=values["role"],
        name=values.get("name", ""),
        start_date=start,
        end_date=end,
        fte=Decimal(1) if fte is None else fte,
        unpaid_days=unpaid,
        credited=credited,
        balances=balances,
    )
