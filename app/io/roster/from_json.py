"""JSON rosters: ``{"employees": [...]}`` or a bare list, each employee checked field by field."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from app.engine import Employee, Measure
from app.io.output.progress import NO_PROGRESS, Steps
from app.io.read.records import (
    Report,
    json_date,
    json_number,
    json_object,
    json_records,
    json_text,
)

from .model import MEASURES, Roster, RosterError

__all__ = ["FIELDS", "Report", "employee_from_json", "parse_json_roster"]

FIELDS: Final = (
    "id", "name", "department", "role", "start_date", "end_date", "fte", "unpaid_days",
    "jurisdiction", "credited", "balances",
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
    if not json_text(value, key, report):
        return ""
    return value.strip()


def _jurisdiction(value: object, report: Report) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        report("jurisdiction", "INVALID_TYPE", "jurisdiction must be a string, e.g. RU-MOW")
        return None
    if not json_text(value, "jurisdiction", report):
        return None
    return value.strip() or None


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
        number = json_number(amount, column, report)
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
        number = None if amount is None else json_number(amount, f"balances.{key}", report)
        if number is not None:
            balances[str(key)] = number
    return balances


def employee_from_json(item: object, report: Report) -> Employee | None:
    """An :class:`Employee` from one JSON object, or None after reporting its problems."""
    found = json_object(item, "employee", FIELDS, report)
    if found is None:
        return None
    item, tracked = found
    texts = {key: _text(item, key, tracked) for key in _TEXT}
    start = json_date(item, "start_date", tracked, required=False)
    end = json_date(item, "end_date", tracked, required=False)
    fte = Decimal(1) if item.get("fte") is None else json_number(item["fte"], "fte", tracked)
    unpaid = item.get("unpaid_days", 0)
    if unpaid is None:
        unpaid = 0
    if not isinstance(unpaid, int) or isinstance(unpaid, bool):
        tracked("unpaid_days", "INVALID_NUMBER", "unpaid_days must be a whole number of days")
        unpaid = 0
    credited = _credited(item.get("credited"), tracked)
    balances = _balances(item.get("balances"), tracked)
    jurisdiction = _jurisdiction(item.get("jurisdiction"), tracked)
    if tracked.codes or fte is None:
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
        jurisdiction=jurisdiction,
    )


def parse_json_roster(text: str, name: str = "<roster>", progress: Steps = NO_PROGRESS) -> Roster:
    """Employees from ``{"employees": [...]}`` or a bare list of employee objects."""
    employees, _, row = json_records(
        text, name, "employees", "NOT_A_ROSTER", employee_from_json, progress, RosterError
    )
    return Roster(name, employees, row, _json_column)


def _json_column(name: str) -> str:
    if name in MEASURES:
        return f"credited.{name}"
    if name.startswith("balance_"):
        return f"balances.{name.removeprefix('balance_')}"
    return name
