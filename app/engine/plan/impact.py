"""What a plan change does to people: the same roster's payroll under two scheme versions.

:func:`compare_payrolls` takes the two payrolls (computed by :func:`app.engine.calculate` from
the same roster, deals and period) and gives, per employee, the gross under each and the
difference, the lines that changed (summed per line code), the totals per role and per
department, and everyone whose pay falls (``PAY_CUT``). Every figure is a difference of the
exact payslips' amounts (each line is rounded once by the engine, the gross is their sum),
never of rounded totals.

:func:`comparable` refuses two versions that cannot be compared: of different schemes (keys)
or in different currencies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from ..money import format_fixed
from ..results import Line, Payroll, Payslip
from ..roster import Employee
from ..scheme import Scheme

__all__ = [
    "PAY_CUT",
    "EmployeeImpact",
    "GroupImpact",
    "Impact",
    "ImpactError",
    "LineChange",
    "comparable",
    "compare_payrolls",
    "roles_missing",
]

#: The marker of an employee whose gross under the new version is below the old one.
PAY_CUT: Final = "PAY_CUT"
_ZERO: Final = Decimal(0)


class ImpactError(ValueError):
    """Two payrolls (or versions) that cannot be compared; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


def comparable(old_key: str, old_currency: str, new_key: str, new_currency: str) -> None:
    """Raise :class:`ImpactError` unless both versions are of one scheme, in one currency."""
    if old_key != new_key:
        raise ImpactError(
            "SCHEME_MISMATCH",
            f"the versions are of different schemes: {old_key!r} (from) and {new_key!r} (to); "
            "an impact compares two versions of one scheme",
        )
    if old_currency != new_currency:
        raise ImpactError(
            "CURRENCY_MISMATCH",
            f"the versions pay in different currencies: {old_currency} (from) and "
            f"{new_currency} (to); an impact compares amounts in one currency",
        )


def _has(scheme: Scheme, employee: Employee) -> bool:
    department = scheme.departments.get(employee.department)
    return department is not None and employee.role in department.roles


def roles_missing(old: Scheme, new: Scheme, roster: Sequence[Employee]) -> list[ImpactError]:
    """One error per employee whose role only one of the versions has (a role the new
    version removed or added). A role neither has is the roster's own error, which the
    calculation reports as it always does."""
    errors = []
    for employee in roster:
        had, has = _has(old, employee), _has(new, employee)
        if had != has:
            version = "to" if had else "from"
            errors.append(
                ImpactError(
                    "ROLE_MISSING",
                    f"employee {employee.id!r}: the {version} version has no role "
                    f"{employee.role!r} in {employee.department}; an impact needs every "
                    "employee's role in both versions",
                )
            )
    return errors


@dataclass(frozen=True, slots=True)
class LineChange:
    """The amount of one line code (its lines summed) under each version."""

    code: str
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


@dataclass(frozen=True, slots=True)
class EmployeeImpact:
    employee_id: str
    name: str
    department: str
    role: str
    old: Decimal  # gross under the old version
    new: Decimal
    lines: tuple[LineChange, ...]  # only the codes whose amount changed

    @property
    def difference(self) -> Decimal:
        return self.new - self.old

    @property
    def cut(self) -> bool:
        return self.new < self.old


@dataclass(frozen=True, slots=True)
class GroupImpact:
    """The totals of a department (``role`` None) or of one role of it."""

    department: str
    role: str | None
    employees: int
    old: Decimal
    new: Decimal
    cuts: int

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


def _by_code(lines: Iterable[Line]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for line in lines:
        sums[line.code] = sums.get(line.code, _ZERO) + line.amount
    return sums


def _employee(old: Payslip, new: Payslip) -> EmployeeImpact:
    before, after = _by_code(old.lines), _by_code(new.lines)
    codes = [*before, *(code for code in after if code not in before)]
    changed = tuple(
        LineChange(code, before.get(code, _ZERO), after.get(code, _ZERO))
        for code in codes
        if before.get(code, _ZERO) != after.get(code, _ZERO)
    )
    return EmployeeImpact(
        old.employee_id, old.name, old.department, old.role, old.gross, new.gross, changed
    )


def _groups(employees: Iterable[EmployeeImpact], by_role: bool) -> tuple[GroupImpact, ...]:
    totals: dict[tuple[str, str | None], list[Any]] = {}
    for person in employees:
        key = (person.department, person.role if by_role else None)
        entry = totals.setdefault(key, [0, _ZERO, _ZERO, 0])
        entry[0] += 1
        entry[1] += person.old
        entry[2] += person.new
        entry[3] += int(person.cut)
    return tuple(
        GroupImpact(d, r, n, old, new, cuts) for (d, r), (n, old, new, cuts) in totals.items()
    )


def _money(value: Decimal, digits: int) -> str:
    return format_fixed(value, digits)


@dataclass(frozen=True, slots=True)
class Impact:
    """Everything :func:`compare_payrolls` found, in the roster's order."""

    scheme_key: str
    period: str
    currency: str
    minor_units: int
    old_hash: str
    new_hash: str
    employees: tuple[EmployeeImpact, ...]
    roles: tuple[GroupImpact, ...]
    departments: tuple[GroupImpact, ...]

    @property
    def old_total(self) -> Decimal:
        return sum((e.old for e in self.employees), _ZERO)

    @property
    def new_total(self) -> Decimal:
        return sum((e.new for e in self.employees), _ZERO)

    @property
    def difference(self) -> Decimal:
        return self.new_total - self.old_total

    @property
    def cuts(self) -> tuple[EmployeeImpact, ...]:
        return tuple(e for e in self.employees if e.cut)

    def as_dict(self) -> dict[str, Any]:
        """The impact as JSON values: amounts are strings with the currency's minor digits."""
        digits = self.minor_units

        def group(g: GroupImpact) -> dict[str, Any]:
            found: dict[str, Any] = {"department": g.department}
            if g.role is not None:
                found["role"] = g.role
            return found | {
                "employees": g.employees,
                "old": _money(g.old, digits),
                "new": _money(g.new, digits),
                "difference": _money(g.difference, digits),
                "cuts": g.cuts,
            }

        return {
            "scheme_key": self.scheme_key,
            "period": self.period,
            "currency": self.currency,
            "minor_units": digits,
            "from_hash": self.old_hash,
            "to_hash": self.new_hash,
            "employees": [
                {
                    "employee_id": e.employee_id,
                    "name": e.name,
                    "department": e.department,
                    "role": e.role,
                    "old": _money(e.old, digits),
                    "new": _money(e.new, digits),
                    "difference": _money(e.difference, digits),
                    "pay_cut": e.cut,
                    "lines": [
                        {
                            "code": c.code,
                            "old": _money(c.old, digits),
                            "new": _money(c.new, digits),
                            "difference": _money(c.difference, digits),
                        }
                        for c in e.lines
                    ],
                }
                for e in self.employees
            ],
            "roles": [group(g) for g in self.roles],
            "departments": [group(g) for g in self.departments],
            "cuts": [
                {
                    "code": PAY_CUT,
                    "employee_id": e.employee_id,
                    "department": e.department,
                    "role": e.role,
                    "amount": _money(-e.difference, digits),
                }
                for e in self.cuts
            ],
            "total": {
                "employees": len(self.employees),
                "old": _money(self.old_total, digits),
                "new": _money(self.new_total, digits),
                "difference": _money(self.difference, digits),
                "cuts": len(self.cuts),
            },
        }


def compare_payrolls(old: Payroll, new: Payroll) -> Impact:
    """The impact of going from ``old`` to ``new``: two payrolls of one roster and period."""
    comparable(old.scheme_key, old.currency, new.scheme_key, new.currency)
    if old.period != new.period:
        raise ImpactError(
            "PERIOD_MISMATCH", f"the payrolls are of different periods: {old.period}, {new.period}"
        )
    after = {slip.employee_id: slip for slip in new.payslips}
    if len(after) != len(new.payslips) or set(after) != {s.employee_id for s in old.payslips}:
        raise ImpactError("ROSTER_MISMATCH", "the payrolls are not of the same roster")
    employees = tuple(_employee(slip, after[slip.employee_id]) for slip in old.payslips)
    return Impact(
        old.scheme_key,
        str(old.period),
        old.currency,
        old.minor_units,
        old.scheme_hash,
        new.scheme_hash,
        employees,
        _groups(employees, by_role=True),
        _groups(employees, by_role=False),
    )
