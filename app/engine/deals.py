"""Deals in: classification by the hand-off rule, exact splits, refunds and clawbacks.

A deal is credited in the period of its date.  Deals dated before the period are
history: they are not credited again, but a refund in the period finds its original
among them (classification, split and clawback window come from the original).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from .calendar import Period
from .findings import Finding, Problem
from .money import MAX_AMOUNT, decimal_places
from .scheme import Measure, Scheme

__all__ = [
    "Credit",
    "CreditedDeal",
    "Deal",
    "DealCredits",
    "add_months",
    "allocate",
    "credit_deals",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_EARLIEST: Final = dt.date(1990, 1, 1)
_LATEST: Final = dt.date(2100, 12, 31)


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


def _problems(
    deals: Sequence[Deal], employees: set[str], digits: int, period: Period
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    originals = {deal.id: deal for deal in deals}
    for index, deal in enumerate(deals):
        where = f"deal {deal.id!r}"

        def bad(code: str, message: str, column: str, index: int = index) -> None:
            problems.append(Problem(code, message, index, column, "deals"))

        if deal.id in seen:
            bad("DUPLICATE_DEAL", f"{where} appears twice", "id")
        seen.add(deal.id)
        for name, day in (("date", deal.date), ("client_since", deal.client_since)):
            if not _EARLIEST <= day <= _LATEST:
                bad("DATE_RANGE", f"{where}: {name} {day} is outside {_EARLIEST}..{_LATEST}", name)
        if deal.client_since > deal.date:
            bad(
                "DATE_RANGE",
                f"{where}: client_since {deal.client_since} is after the deal date {deal.date}",
                "client_since",
            )
        amount = deal.amount
        if not amount.is_finite() or amount == 0 or abs(amount) > MAX_AMOUNT:
            bad(
                "INVALID_AMOUNT",
                f"{where}: amount {amount} must be a non-zero number up to 10^13 in absolute value",
                "amount",
            )
        elif decimal_places(amount) > digits:
            bad("PRECISION", f"{where}: amount {amount} has more than {digits} decimals", "amount")
        original = originals.get(deal.refund_of) if deal.refund_of is not None else None
        if original is not None and original.date > deal.date:
            bad(
                "DATE_RANGE",
                f"{where} is dated {deal.date}, before the deal {original.id!r} it refunds "
                f"({original.date})",
                "date",
            )
        if original is not None and original.amount < 0:
            bad(
                "REFUND_SIGN",
                f"{where} refunds {original.id!r}, which is itself a refund; refund_of names "
                "the sale that is refunded",
                "refund_of",
            )
        if deal.refund_of is not None and amount > 0:
            bad(
                "REFUND_SIGN",
                f"{where} refunds {deal.refund_of!r} but its amount {amount} is "
                "positive; a refund or credit note is a negative amount",
                "amount",
            )
        if not deal.credit:
            bad("NO_CREDIT", f"{where} credits nobody", "credit")
        total = _ZERO
        # History (deals before the period) may name people who have left since: only the
        # deals credited now by their own credit must name employees of this payroll (a
        # refund of a known deal is credited by the original's split).
        credited_now = period.first_day <= deal.date <= period.last_day and not (
            amount < 0 and original is not None
        )
        for credit in deal.credit:
            if credited_now and credit.employee_id not in employees:
                bad(
                    "UNKNOWN_EMPLOYEE",
                    f"{where} is credited to {credit.employee_id!r}, who is not in the roster",
                    "credit",
                )
            if not _ZERO < credit.share <= _ONE:
                bad(
                    "SHARE_RANGE",
                    f"{where}: share {credit.share} of {credit.employee_id!r} is outside (0, 1]",
                    "credit",
                )
            total += credit.share
        if deal.credit and total != _ONE:
            bad("SHARES_SUM", f"{where}: shares add up to {total}, not exactly 1", "credit")
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        if deal.refund_of in originals:
            refunded[deal.refund_of] -= deal.amount
    for index, deal in enumerate(deals):
        if deal.id in refunded and deal.amount > 0 and refunded[deal.id] > deal.amount:
            problems.append(
                Problem(
                    "REFUND_EXCEEDS",
                    f"deal {deal.id!r} of {deal.amount} is refunded {refunded[deal.id]} in total, "
                    "more than was paid",
                    index,
                    "amount",
                    "deals",
                )
            )
    return problems


class _Classifier:
    """Measure(s) of each positive deal: hand-off window, key-account growth, overrides."""

    def __init__(self, scheme: Scheme, deals: Sequence[Deal], digits: int) -> None:
        self.months = scheme.handoff.new_client_months
        self.digits = digits
        accounts = scheme.key_accounts
        key_clients = set(accounts.client_ids) | set(accounts.baseline)
        self.parts: dict[str, list[tuple[Measure, Decimal]]] = {}
        running: dict[tuple[str, int, int], Decimal] = defaultdict(Decimal)
        ordered = sorted(
            (d for d in deals if d.amount > 0 and d.client_id in key_clients and d.kind is None),
            key=lambda d: (d.date, d.id),
        )
        for deal in ordered:
            month = (deal.client_id, deal.date.year, deal.date.month)
            before = running[month]
            running[month] = after = before + deal.amount
            baseline = accounts.baseline.get(deal.client_id, _ZERO)
            growth = after - max(before, baseline) if after > baseline else _ZERO
            rest = deal.amount - growth
            parts = []
            if rest:
                parts.append((self.by_age(deal), rest))
            if growth:
                parts.append((Measure.GROWTH_REVENUE, growth))
            self.parts[deal.id] = parts

    def by_age(self, deal: Deal) -> Measure:
        if deal.date < add_months(deal.client_since, self.months):
            return Measure.NEW_REVENUE
        return Measure.REPEAT_REVENUE

    def classify(self, deal: Deal) -> list[tuple[Measure, Decimal]]:
        if deal.kind is not None:
            return [(deal.kind, deal.amount)]
        parts = self.parts.get(deal.id)
        if parts is not None:
            return parts
        return [(self.by_age(deal), deal.amount)]


def credit_deals(
    scheme: Scheme, period: Period, deals: Sequence[Deal], employees: set[str]
) -> tuple[DealCredits, list[Problem]]:
    """Credit the period's deals to employees; every problem of the deals at once."""
    digits = scheme.minor_units
    problems = _problems(deals, employees, digits, period)
    result = DealCredits()
    if problems:
        return result, problems
    classifier = _Classifier(scheme, deals, digits)
    originals = {deal.id: deal for deal in deals}
    window = scheme.clawback.window_days
    first, last = period.first_day, period.last_day
    earlier = _refunded_before(deals, originals, window)
    for index, deal in enumerate(deals):
        if not first <= deal.date <= last:
            continue
        source, note = deal, ""
        if deal.amount < 0:
            original = originals.get(deal.refund_of) if deal.refund_of else None
            if scheme.clawback.recover == "none":
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "REFUND_NOT_RECOVERED",
                        "the scheme's clawback policy is 'none': the refund takes nothing back",
                    )
                )
                continue
            if original is None:
                what = (
                    f"refunds unknown deal {deal.refund_of!r}"
                    if deal.refund_of
                    else "is a credit note without refund_of"
                )
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "REFUND_UNKNOWN_ORIGINAL",
                        f"{what}: credited by its own credit list and classified by its own date",
                    )
                )
                note = "refund of an unknown deal"
            elif (deal.date - original.date).days > window:
                days = (deal.date - original.date).days
                result.findings.append(
                    _finding(
                        index,
                        deal,
                        "CLAWBACK_WINDOW",
                        f"refund of {original.id!r} comes {days} days after the deal, outside the "
                        f"{window}-day clawback window: not taken back",
                    )
                )
                continue
            else:
                source, note = original, f"refund of {original.id}"
                gone = [c.employee_id for c in original.credit if c.employee_id not in employees]
                if gone:
                    result.findings.append(
                        _finding(
                            index,
                            deal,
                            "REFUND_NOT_RECOVERED",
                            f"refund of {original.id!r}: {', '.join(map(repr, gone))} "
                            f"{'is' if len(gone) == 1 else 'are'} not on this payroll; "
                            "that part of the refund is not taken back",
                        )
                    )
        before = earlier.get(deal.id, _ZERO) if source is not deal else None
        _credit(result, deal, source, classifier, digits, note, employees, before)
    return result, []


def _refunded_before(
    deals: Sequence[Deal], originals: Mapping[str, Deal], window: int
) -> dict[str, Decimal]:
    """For each refund taken back, what earlier refunds already took of the same deal.

    A deal refunded in pieces is split cumulatively (see :func:`_credit`), so that its
    refunds give back exactly what each person was credited, kopeck for kopeck.
    """
    taken: dict[str, Decimal] = {}
    so_far: dict[str, Decimal] = defaultdict(Decimal)
    refunds = sorted(
        (d for d in deals if d.amount < 0 and d.refund_of in originals),
        key=lambda d: (d.date, d.id),
    )
    for refund in refunds:
        original = originals[refund.refund_of or ""]
        if (refund.date - original.date).days > window or original.amount <= 0:
            continue
        taken[refund.id] = so_far[original.id]
        so_far[original.id] += refund.amount
    return taken


def _finding(index: int, deal: Deal, code: str, message: str) -> Finding:
    return Finding(
        code, "warning", ("deals", index), f"deal {deal.id!r}: {message}", {"deal_id": deal.id}
    )


def _split(
    amount: Decimal,
    parts: list[tuple[Measure, Decimal]],
    shares: list[Decimal],
    digits: int,
) -> list[tuple[Measure, list[Decimal]]]:
    """``amount`` over ``parts``' measures in proportion, then over the credit shares."""
    if len(parts) > 1:
        whole = sum((value for _, value in parts), _ZERO)
        by_measure = allocate(amount, [value / whole for _, value in parts], digits)
    else:
        by_measure = [amount]
    return [
        (measure, allocate(by_measure[i], shares, digits)) for i, (measure, _) in enumerate(parts)
    ]


def _credit(
    result: DealCredits,
    deal: Deal,
    source: Deal,
    classifier: _Classifier,
    digits: int,
    note: str,
    employees: set[str],
    before: Decimal | None = None,
) -> None:
    """Credit ``deal``'s amount by ``source``'s classification and split (the parts of
    people no longer on the payroll are left out).

    A refund (``before`` is what earlier refunds of the same deal took back) is split
    cumulatively: its parts are the split of everything refunded so far minus the split of
    what was refunded before it.  Splitting each piece on its own would round each piece's
    ties the same way and could take back a kopeck more from one person than they got.
    """
    result.credited_deals += 1
    parts = classifier.classify(source)
    shares = [credit.share for credit in source.credit]
    split = _split(deal.amount if before is None else before + deal.amount, parts, shares, digits)
    if before:
        earlier = _split(before, parts, shares, digits)
        split = [
            (measure, [now - then for now, then in zip(amounts, earlier[i][1], strict=True)])
            for i, (measure, amounts) in enumerate(split)
        ]
    for measure, amounts in split:
        for credit, part in zip(source.credit, amounts, strict=True):
            if credit.employee_id not in employees:
                continue
            totals = result.totals.setdefault(credit.employee_id, {})
            totals[measure] = totals.get(measure, _ZERO) + part
            result.lines.setdefault(credit.employee_id, []).append(
                CreditedDeal(deal.id, deal.date, deal.client_id, measure, credit.share, part, note)
            )


def credited_for(credits: DealCredits, employee_id: str) -> Mapping[Measure, Decimal]:
    return credits.totals.get(employee_id, {})
