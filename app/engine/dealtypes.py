"""Deals, their credits, and the two pieces of arithmetic they need: months and splits."""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from .findings import Finding
from .scheme import Measure

__all__ = [
    "EARLIEST",
    "LATEST",
    "Credit",
    "CreditedDeal",
    "Deal",
    "DealCredits",
    "add_months",
    "allocate",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
EARLIEST: Final = dt.date(1990, 1, 1)
LATEST: Final = dt.date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Credit:
    employee_id: str
    share: Decimal


@dataclass(frozen=True, slots=True)
class Deal:
    """A payment from a client; a negative amount is a refund or credit note."""

    id: str
    date: dt.date
    client_id: str
    client_since: dt.date
    amount: Decimal
    credit: tuple[Credit, ...]
    refund_of: str | None = None
    kind: Measure | None = None


@dataclass(slots=True)  # not frozen: built once per credited part (see payroll.Line)
class CreditedDeal:
    """One deal's part credited to one employee: what the payslip's explanation lists."""

    deal_id: str
    date: dt.date
    client_id: str
    measure: Measure
    share: Decimal
    amount: Decimal
    note: str = ""


@dataclass(slots=True)
class DealCredits:
    """What the period's deals credit, per employee and measure."""

    totals: dict[str, dict[Measure, Decimal]] = field(default_factory=dict)
    lines: dict[str, list[CreditedDeal]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    credited_deals: int = 0


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def allocate(amount: Decimal, shares: Sequence[Decimal], digits: int) -> list[Decimal]:
    """Split ``amount`` by ``shares`` (summing to 1) to the minor unit, largest remainder.

    The parts always add up to ``amount`` and each differs from its exact share by less
    than one minor unit; ties go to the earlier share.
    """
    if len(shares) == 1:
        return [amount]
    scale = 10**digits
    units = int(amount.scaleb(digits))
    sign = -1 if units < 0 else 1
    units = abs(units)
    exact = [share * units for share in shares]
    floors = [int(value) for value in exact]  # shares ≥ 0, so int() is floor
    left = units - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(sign * part) / scale for part in floors]
