"""JSON rosters: ``{"employees": [...]}`` or a bare list, each employee checked field by field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Final

from app.engine import Employee, Measure, to_decimal

from .csvfile import PROGRESS_EVERY
from .documents import DocumentError, json_positions, parse_document
from .numbers import parse_date
from .progress import NO_PROGRESS, Steps
from .rostermodel import MEASURES, Problems, Roster, RosterError, RowProblem

__all__ = ["FIELDS", "Report", "employee_from_json", "parse_json_roster"]

#: ``report(column, code, message)``
Report = Callable[[str | None, str, str], None]

FIELDS: Final = (
    "id", "name", "department", "role", "start_date", "end_date", "fte", "unpaid_days",
    "credited", "balances",
)  # fmt: skip
_TEXT: Final = ("id", "name", "department", "role")


def _text(item: dict[str, object], key: str, report: Report) -> str:
    value = item.get(key)
    if value is None:
        if key != "name":
            report(key, "MISSING_VALUE", f"{key} is missing")
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and key == "id":
        return str(value)
    if not isinstance(value, str) or (not value.strip() and key != "name"):
        report(key, "INVALID_TYPE", f"{key} must be a non-empty string")
        return ""
    return value.strip()


def _date(item: dict[str, object], key: str, report: Report) -> date | None:
    value = item.get(key)
    if value is None:
        return None
    try:
        if not isinstance(value, str):
            raise ValueError(f"{value!r} is not a date written YYYY-MM-DD")
        return parse_date(value)
    except ValueError as exc:
        report(key, "INVALID_DATE", f"{key} {exc}")
        return None


def _number(value: object, column: str, report: Report) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError as exc:
        report(column, "INVALID_NUMBER", f"{column}: {exc}")
        return None


def _credited(value: object, report: Report) -> dict[Measure, Decimal]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        report("credited", "INVALID_TYPE", 'credited must be an object {"new_revenue": ...}')
        return {}
    credited: dict[Measure, Decimal] = {}
    known = ", ".join(m.value for m in Measure)
    for key, amount in value.items():
        column = f"credited.{key}"
        try:
            measure = Measure(key)
        except ValueError:
            report(column, "UNKNOWN_MEASURE", f"{key!r} is not a measure ({known})")
            continue
        if amount is None:
            continue  # like an empty CSV cell: not credited
        number = _number(amount, column, report)
        if number is not None:
            credited[measure] = number
    return credited


def _balances(value: object, report: Report) -> dict[str, Decimal]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        report("balances", "INVALID_TYPE", 'balances must be an object {"clawback": ...}')
        return {}
    balances: dict[str, Decimal] = {}
    for key, amount in value.items():
        number = None if amount is None else _number(amount, f"balances.{key}", report)
        if number is not None:
            balances[str(key)] = number
    return balances


def employee_from_json(item: object, report: Report) -> Employee | None:
    """An :class:`Employee` from one JSON object, or None after reporting its problems."""
    if not isinstance(item, dict):
        report(None, "INVALID_TYPE", "each employee must be an object")
        return None
    problems: list[str] = []

    def tracked(column: str | None, code: str, message: str) -> None:
        problems.append(code)
        report(column, code, message)

    for key in item:
        if key not in FIELDS:
            tracked(key, "UNKNOWN_KEY", f"unknown key {key!r}; the keys are {', '.join(FIELDS)}")
    texts = {key: _text(item, key, tracked) for key in _TEXT}
    start, end = _date(item, "start_date", tracked), _date(item, "end_date", tracked)
    fte = Decimal(1) if item.get("fte") is None else _number(item["fte"], "fte", tracked)
    unpaid = item.get("unpaid_days", 0)
    if unpaid is None:
        unpaid = 0
    if not isinstance(unpaid, int) or isinstance(unpaid, bool):
        tracked("unpaid_days", "INVALID_NUMBER", "unpaid_days must be a whole number of days")
        unpaid = 0
    credited = _credited(item.get("credited"), tracked)
    balances = _balances(item.get("balances"), tracked)
    if problems or fte is None:
        return None
    return Employee(
        id=texts["id"],
        department=texts["department"],
        role=texts["role"],
        name=texts["name"],
        start_date=start,
        end_date=end,
        fte=fte,
        unpaid_days=unpaid,
        credited=credited,
        balances=balances,
    )


def parse_json_roster(text: str, name: str = "<roster>", progress: Steps = NO_PROGRESS) -> Roster:
    """Employees from ``{"employees": [...]}`` or a bare list of employee objects."""
    try:
        data = parse_document(text, "json", name=name, positions=False).data
    except DocumentError as exc:
        problem = RowProblem(exc.line, None, exc.code, exc.message)
        raise RosterError(name, [problem]) from None
    problems = Problems(name)
    prefix: tuple[str, ...] = ()
    if (
        isinstance(data, dict)
        and set(data) <= {"employees"}
        and isinstance(data.get("employees"), list)
    ):
        items, prefix = data["employees"], ("employees",)
    elif isinstance(data, list):
        items = data
    else:
        message = 'expected a list of employees, or an object {"employees": [...]}'
        raise RosterError(name, [RowProblem(1, None, "NOT_A_ROSTER", message)])

    @cache
    def positions() -> dict[tuple[str | int, ...], tuple[int, int]]:
        # Computed only when a problem is reported.  JSON has no aliases, so a value per
        # character bounds the work; the default cap is for YAML.
        return json_positions(text, max_nodes=len(text) + 1).values

    def row(index: int) -> int | None:
        found = positions().get((*prefix, index))
        return None if found is None else found[0]

    def reporter(index: int) -> Report:
        def report(column: str | None, code: str, message: str) -> None:
            problems.add(row(index), column, code, message)

        return report

    employees: list[Employee] = []
    update = progress.step(f"Reading {name}", len(items))
    for index, item in enumerate(items):
        employee = employee_from_json(item, reporter(index))
        if employee is not None:
            employees.append(employee)
        if index % PROGRESS_EVERY == PROGRESS_EVERY - 1:
            update(index + 1)
    problems.check()
    return Roster(name, employees, row, _json_column)


def _json_column(name: str) -> str:
    if name in MEASURES:
        return f"credited.{name}"
    if name.startswith("balance_"):
        return f"balances.{name.removeprefix('balance_')}"
    return name
