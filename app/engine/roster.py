"""The roster: its rows (:class:`Employee`) and their validation, every problem of the
calculation input at once, each naming its employee."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Final

from .calendar import Period, WorkCalendar
from .findings import Problem
from .money import MAX_AMOUNT, decimal_places, format_decimal
from .results import BALANCE_KINDS
from .scheme import Measure, Role, Scheme

__all__ = ["Employee", "role_measures", "validate_roster", "work_calendar"]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


@dataclass(frozen=True, slots=True)
class Employee:
    """One roster row: who, where, for how long, and what revenue they were credited."""

    id: str
    department: str
    role: str
    name: str = ""
    start_date: date | None = None
    end_date: date | None = None
    fte: Decimal = Decimal(1)
    unpaid_days: int = 0
    credited: Mapping[Measure, Decimal] = field(default_factory=dict)
    balances: Mapping[str, Decimal] = field(default_factory=dict)  # owed by the employee
    jurisdiction: str | None = None  # whose minimum wage applies (the scheme's general one)


def work_calendar(scheme: Scheme) -> WorkCalendar:
    """The scheme's working days: its country's production calendar, if it names one, and
    the days it lists."""
    spec = scheme.calendar
    country = None if spec.country is None else spec.country.value
    return WorkCalendar(frozenset(spec.holidays), frozenset(spec.working_weekends), country)


def role_measures(role: Role) -> set[Measure]:
    """Measures an employee in ``role`` must be credited with (zero is a value)."""
    needed = {rule.measure for rule in role.commission}
    needed.update(role.target)
    return needed


def _amount_problems(
    index: int, emp: Employee, what: str, values: Mapping[Any, Decimal], digits: int
) -> list[Problem]:
    problems = []
    for name, amount in values.items():
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -digits and 0 <= amount <= MAX_AMOUNT:
            continue  # the common case, decided without building any message
        where = f"employee {emp.id!r}: {what}{name}"
        column = f"{what}{name}"
        if not amount.is_finite():
            problems.append(Problem("INVALID_NUMBER", f"{where} is not a number", index, column))
        elif amount < 0:
            code = "NEGATIVE_BALANCE" if what else "NEGATIVE_CREDIT"
            problems.append(
                Problem(code, f"{where} {format_decimal(amount)} is negative", index, column)
            )
        elif amount > MAX_AMOUNT:
            problems.append(
                Problem(
                    "AMOUNT_TOO_LARGE",
                    f"{where} {format_decimal(amount)} exceeds 10^13",
                    index,
                    column,
                )
            )
        else:
            if decimal_places(amount) > digits:
                message = f"{where} {format_decimal(amount)} has more than {digits} decimals"
                problems.append(Problem("PRECISION", message, index, column))
    return problems


def validate_roster(
    scheme: Scheme, period: Period, roster: Sequence[Employee], *, with_deals: bool = False
) -> list[Problem]:
    """Every problem of the roster against the scheme, each naming its employee.

    ``with_deals``: deals credit the employees too, so a measure missing from the roster
    is not an error (it is whatever the deals credit, possibly zero).
    """
    if not roster:
        return [Problem("EMPTY_ROSTER", "the roster has no employees")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    measures: dict[tuple[str, str], frozenset[Measure]] = {}
    cal = work_calendar(scheme)
    if period.first_day < scheme.effective_from or (
        scheme.effective_to is not None and period.last_day > scheme.effective_to
    ):
        until = f" to {scheme.effective_to}" if scheme.effective_to else ""
        return [
            Problem(
                "PERIOD_NOT_EFFECTIVE",
                f"{period} is not wholly inside the scheme's effective dates "
                f"({scheme.effective_from}{until}); a scheme applies from its effective date, "
                "never backwards",
            )
        ]
    if cal.working_days(period) == 0:
        return [
            Problem(
                "NO_WORKING_DAYS",
                f"{period} has no working days in the scheme's calendar; base pay cannot be "
                "prorated over it",
            )
        ]
    first_day, last_day = period.first_day, period.last_day
    period_days = cal.working_days(period)
    for index, emp in enumerate(roster):
        if emp.id in seen:
            problems.append(
                Problem(
                    "DUPLICATE_EMPLOYEE",
                    f"employee {emp.id!r} appears twice in the roster",
                    index,
                    "id",
                )
            )
        seen.setdefault(emp.id, index)
        dept = scheme.departments.get(emp.department)
        if dept is None:
            known = ", ".join(scheme.departments)
            problems.append(
                Problem(
                    "UNKNOWN_DEPARTMENT",
                    f"employee {emp.id!r}: department {emp.department!r} is not in the scheme "
                    f"({known})",
                    index,
                    "department",
                )
            )
            continue
        role = dept.roles.get(emp.role)
        if role is None:
            known = ", ".join(dept.roles)
            problems.append(
                Problem(
                    "UNKNOWN_ROLE",
                    f"employee {emp.id!r}: role {emp.role!r} is not a role of "
                    f"{emp.department} ({known})",
                    index,
                    "role",
                )
            )
            continue
        key = (emp.department, emp.role)
        needed = measures.get(key)
        if needed is None:
            needed = measures[key] = frozenset(role_measures(role))
        missing = set() if with_deals else needed.difference(emp.credited)
        for measure in sorted(missing) if missing else ():
            problems.append(
                Problem(
                    "MISSING_MEASURE",
                    f"employee {emp.id!r}: {measure} is required for {emp.department}.{emp.role}",
                    index,
                    measure,
                )
            )
        problems.extend(_amount_problems(index, emp, "", emp.credited, scheme.minor_units))
        if emp.balances:
            problems.extend(
                _amount_problems(index, emp, "balance_", emp.balances, scheme.minor_units)
            )
        for kind in sorted(set(emp.balances) - BALANCE_KINDS) if emp.balances else ():
            problems.append(
                Problem(
                    "UNKNOWN_BALANCE",
                    f"employee {emp.id!r}: balance {kind!r} is not one of "
                    f"{', '.join(sorted(BALANCE_KINDS))}",
                    index,
                    f"balance_{kind}",
                )
            )
        if not _ZERO < emp.fte <= _ONE:
            problems.append(
                Problem(
                    "FTE_RANGE",
                    f"employee {emp.id!r}: fte {format_decimal(emp.fte)} is outside (0, 1]",
                    index,
                    "fte",
                )
            )
        if emp.start_date and emp.end_date and emp.end_date < emp.start_date:
            problems.append(
                Problem(
                    "INVALID_DATES",
                    f"employee {emp.id!r}: end_date {emp.end_date} is before start_date "
                    f"{emp.start_date}",
                    index,
                    "end_date",
                )
            )
            continue
        if (emp.start_date and emp.start_date > last_day) or (
            emp.end_date and emp.end_date < first_day
        ):
            problems.append(
                Problem(
                    "NOT_EMPLOYED",
                    f"employee {emp.id!r} is not employed in {period} "
                    f"(start_date {emp.start_date}, end_date {emp.end_date})",
                    index,
                    "start_date" if emp.start_date and emp.start_date > last_day else "end_date",
                )
            )
            continue
        if not emp.unpaid_days and emp.start_date is None and emp.end_date is None:
            continue
        available = (
            period_days
            if emp.start_date is None and emp.end_date is None
            else cal.working_days(period, emp.start_date, emp.end_date)
        )
        if not 0 <= emp.unpaid_days <= available:
            problems.append(
                Problem(
                    "UNPAID_DAYS",
                    f"employee {emp.id!r}: unpaid_days {emp.unpaid_days} is outside 0..{available} "
                    f"(working days employed in {period})",
                    index,
                    "unpaid_days",
                )
            )
    return problems
