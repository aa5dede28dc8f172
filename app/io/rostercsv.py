"""CSV rosters as spreadsheets save them: ``,`` or ``;``, decimal commas, a byte-order mark."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.engine import Employee, Measure

from .csvfile import RowCallback, csv_rows
from .numbers import parse_date, parse_number, parse_whole
from .rostermodel import (
    BALANCES,
    COLUMNS,
    MEASURES,
    REQUIRED_COLUMNS,
    Problems,
    Roster,
)

__all__ = ["parse_csv_roster"]


def parse_csv_roster(
    text: str, name: str = "<roster>", on_rows: RowCallback | None = None
) -> Roster:
    """Employees from CSV text; ``,`` or ``;`` separated (detected from the header)."""
    problems = Problems(name)
    decimal_comma, rows = csv_rows(text, name, problems, COLUMNS, REQUIRED_COLUMNS, on_rows)
    employees: list[Employee] = []
    lines: list[int] = []
    for row in rows:
        employee = _csv_employee(row.cells, row.row, problems, decimal_comma)
        if employee is not None:
            employees.append(employee)
            lines.append(row.row)
    problems.check()
    return Roster(name, employees, lambda index: lines[index])


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
