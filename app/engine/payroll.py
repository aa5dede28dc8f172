"""Inputs and results of a payroll calculation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .calendar import Period
from .dealtypes import CreditedDeal
from .findings import Finding

if TYPE_CHECKING:
    from .report import PayrollReport
from .scheme import Measure

__all__ = ["BALANCE_KINDS", "LINE_CODES", "Employee", "Line", "Payroll", "Payslip"]

#: Balances carried between periods: an unrecovered clawback, an unrecovered draw.
BALANCE_KINDS = frozenset({"clawback", "draw"})
#: The codes of the lines a payslip may have (``Line.code``).
LINE_CODES = frozenset(
    {"base", "commission", "commission_clawback", "override", "bonus", "clawback", "draw",
     "draw_recovery"}
)  # fmt: skip


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


# Results are plain (not frozen) slotted dataclasses: a frozen dataclass assigns every
# field through object.__setattr__, which makes construction ~7× slower, and a payroll
# builds hundreds of thousands of them.  Treat them as read-only.
@dataclass(slots=True)
class Line:
    """One payslip line: rounded once, with the numbers that produced it."""

    code: str  # one of LINE_CODES
    label: str
    amount: Decimal
    explanation: str
    measure: Measure | None = None
    basis: Decimal | None = None  # the amount the rate applies to, where one does
    rate: Decimal | None = None  # the rate, where a single one applies
    deals: tuple[CreditedDeal, ...] = ()  # the deals behind a commission line
    # On a commission_clawback line: what each of ``deals`` takes back (see attribution).
    paid: tuple[Decimal, ...] = ()


@dataclass(slots=True)
class Payslip:
    employee_id: str
    name: str
    department: str
    role: str
    lines: tuple[Line, ...]
    gross: Decimal  # exactly the sum of the lines' amounts
    proration: str  # "1" or e.g. "0.5 × 17/22"
    fte_gross: Decimal | None = None  # gross scaled to a full period and full time
    balances: Mapping[str, Decimal] = field(default_factory=dict)  # carried to next period
    credited: Mapping[Measure, Decimal] = field(default_factory=dict)  # roster + deals


@dataclass(slots=True)
class Payroll:
    scheme_key: str
    scheme_hash: str
    engine_version: str
    period: Period
    currency: str
    minor_units: int
    payslips: tuple[Payslip, ...]
    findings: tuple[Finding, ...] = ()
    report: PayrollReport | None = None
    credited_deals: int = 0

    @property
    def total(self) -> Decimal:
        return sum((p.gross for p in self.payslips), Decimal(0))

    def payslip(self, employee_id: str) -> Payslip:
        for slip in self.payslips:
            if slip.employee_id == employee_id:
                return slip
        raise KeyError(employee_id)
