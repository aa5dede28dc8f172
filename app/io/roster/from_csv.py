"""CSV rosters as spreadsheets save them: ``,`` or ``;``, decimal commas, a byte-order mark."""

from __future__ import annotations

from decimal import Decimal

from app.engine import Employee, Measure
from app.io.read.csvfile import CsvFields, RowCallback, csv_records, csv_rows
from app.io.read.numbers import parse_whole
from app.io.read.problems import Problems

from .model import BALANCES, COLUMNS, MEASURES, REQUIRED_COLUMNS, Roster, RosterError

__all__ = ["parse_csv_roster"]


def parse_csv_roster(
    text: str, name: str = "<roster>", on_rows: RowCallback | None = None
) -> Roster:
    """Employees from CSV text; ``,`` or ``;`` separated (detected from the header)."""
    problems = Problems(name, RosterError)
    decimal_comma, rows = csv_rows(text, name, problems, COLUMNS, REQUIRED_COLUMNS, on_rows)
    employees, lines = csv_records(rows, _csv_employee, problems, decimal_comma, REQUIRED_COLUMNS)
    problems.check()
    return Roster(name, employees, lambda index: lines[index])


def _csv_employee(fields: CsvFields) -> Employee | None:
    values, number = fields.values, fields.number
    fte = number("fte")
    unpaid = 0
    if values.get("unpaid_days"):
        try:
            unpaid = parse_whole(values["unpaid_days"])
        except ValueError as exc:
            fields.add("unpaid_days", "INVALID_NUMBER", f"unpaid_days {exc}")
    start, end = fields.day("start_date"), fields.day("end_date")
    credited = {Measure(m): amount for m in MEASURES if (amount := number(m)) is not None}
    balances = {
        column.removeprefix("balance_"): amount
        for column in BALANCES
        if (amount := number(column)) is not None
    }
    if fields.failed:
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
        jurisdiction=values.get("jurisdiction", "").strip() or None,
    )
