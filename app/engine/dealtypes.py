"""Deals, their credits, and the two pieces of arithmetic they need: months and splits."""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, Inexact
from functools import lru_cache
from typing import Final, NamedTuple

from .findings import Finding
from .money import EXACT, quantum, to_units
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
    "apportion",
    "splitter",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
EARLIEST: Final = dt.date(1990, 1, 1)
LATEST: Final = dt.date(2100, 12, 31)


@dataclass(frozen=True, slots=True)
class Credit:
    """Who a deal credits, with what share; on a deal of an earlier period, optionally the
    commission that period paid this employee on it (what ``recover: paid_commission`` takes
    back, in proportion, when the deal is refunded)."""

    employee_id: str
    share: Decimal
    commission: Decimal | None = None


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


class CreditedDeal(NamedTuple):
    """One deal's part credited to one employee: what the payslip's explanation lists.

    A named tuple: one is built per credited part (a million deals make about 1.5 million),
    and the crediting loop builds it as a tuple, without a Python-level ``__init__``.
    """

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
    #: Per employee and measure (the keys of ``totals``), the parts credited, in deal order:
    #: the deals behind a commission line on that measure.
    lines: dict[str, dict[Measure, list[CreditedDeal]]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    credited_deals: int = 0
    #: Refund parts left out of the commission base (their commission paid is taken back).
    excluded: dict[str, dict[Measure, Decimal]] = field(default_factory=dict)
    #: Per employee, each refund part taken back at the commission paid, and how much.
    recovered: dict[str, list[tuple[CreditedDeal, Decimal]]] = field(default_factory=dict)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def allocate(amount: Decimal, shares: Sequence[Decimal], digits: int) -> list[Decimal]:
    """Split ``amount`` by ``shares`` (summing to 1) to the minor unit, largest remainder.

    The parts always add up to ``amount`` and each differs from its exact share by less
    than one minor unit; ties go to the earlier share.  A negative amount is split as the
    mirror image of the positive one.  Exact in any decimal context.
    """
    return splitter(tuple(shares), digits)(amount)


@lru_cache(maxsize=256)
def splitter(shares: tuple[Decimal, ...], digits: int) -> Callable[[Decimal], list[Decimal]]:
    """:func:`allocate` by ``shares``, prepared once for the many deals split the same way."""
    if len(shares) == 1:
        return lambda amount: [amount]
    weights = _weights(shares)
    total = sum(weights)
    step = quantum(digits)
    units, decimal = EXACT.scaleb, EXACT.multiply  # (context methods: exact in any context)

    def by_weights(amount: Decimal) -> list[Decimal]:
        size = int(units(amount, digits))
        return [decimal(Decimal(part), step) for part in _largest_remainder(size, weights, total)]

    if len(shares) == 2:
        first_share = shares[0]

        def between_two(amount: Decimal) -> list[Decimal]:
            # The two remainders add up to 0 or to 1 unit: the first part takes the unit
            # when its remainder is at least half of it (the larger one, or a tie): its
            # exact share rounded half away from zero.  The second part is the rest.
            try:
                product = _STRICT.multiply(amount, first_share)
            except Inexact:  # a share of some 40 digits: by whole-number weights
                return by_weights(amount)
            first = product.quantize(step, ROUND_HALF_UP, EXACT)
            return [first, EXACT.subtract(amount, first)]

        return between_two
    if len(shares) == 3:
        w0, w1, w2 = weights

        def among_three(amount: Decimal) -> list[Decimal]:
            # _largest_remainder unrolled: 0, 1 or 2 units are left over.
            size = int(units(amount, digits))
            sign = -1 if size < 0 else 1
            size *= sign
            q0, r0 = divmod(size * w0, total)
            q1, r1 = divmod(size * w1, total)
            q2, r2 = divmod(size * w2, total)
            left = size - q0 - q1 - q2
            if left == 1:  # to the largest remainder, the earliest of a tie
                if r0 >= r1 and r0 >= r2:
                    q0 += 1
                elif r1 >= r2:
                    q1 += 1
                else:
                    q2 += 1
            elif left == 2:  # to all but the smallest remainder, the latest of a tie
                if r2 <= r0 and r2 <= r1:
                    q0, q1 = q0 + 1, q1 + 1
                elif r1 <= r0:
                    q0, q2 = q0 + 1, q2 + 1
                else:
                    q1, q2 = q1 + 1, q2 + 1
            return [
                decimal(Decimal(sign * q0), step),
                decimal(Decimal(sign * q1), step),
                decimal(Decimal(sign * q2), step),
            ]

        return among_three
    return by_weights


def apportion(amount: Decimal, weights: Sequence[int], digits: int) -> list[Decimal]:
    """``amount`` shared in proportion to whole-number ``weights`` (not all zero), to the
    minor unit by the largest-remainder method: the parts add up to ``amount``."""
    parts = _largest_remainder(to_units(amount, digits), weights, sum(weights))
    return [Decimal(part).scaleb(-digits, EXACT) for part in parts]


# Multiplies exactly or raises Inexact: allocate's two-way shortcut needs an exact product.
_STRICT: Final = EXACT.copy()
_STRICT.traps[Inexact] = True


def _weights(shares: tuple[Decimal, ...]) -> tuple[int, ...]:
    """Shares as whole numbers over a common denominator: (0.5, 0.25, 0.25) → (2, 1, 1)."""
    ratios = [share.as_integer_ratio() for share in shares]
    denominator = math.lcm(*(den for _, den in ratios))
    return tuple(num * (denominator // den) for num, den in ratios)


def _largest_remainder(units: int, weights: Sequence[int], total: int) -> list[int]:
    """``units × weight / total`` for each weight (``total`` is their sum), in whole units.

    Integer arithmetic: every part gets the floor of its exact value and the units left
    over go to the largest remainders, ties to the earlier weight (``sorted`` is stable,
    also with ``reverse``).  The parts add up to ``units``; negative ``units`` mirror.
    """
    size = -units if units < 0 else units
    floors = []
    remainders = []
    for weight in weights:
        whole, remainder = divmod(size * weight, total)
        floors.append(whole)
        remainders.append(remainder)
    left = size - sum(floors)
    if left:
        order = sorted(range(len(floors)), key=remainders.__getitem__, reverse=True)
        for i in order[:left]:
            floors[i] += 1
    return floors if units >= 0 else [-part for part in floors]
