"""Deals in: classification by the hand-off rule, exact splits, refunds and clawbacks.

A deal is credited in the period of its date.  Deals dated before the period are
history: they are not credited again, but a refund in the period finds its original
among them (classification, split and clawback window come from the original).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from .calendar import Period
from .dealcheck import deal_problems
from .dealtypes import Credit, CreditedDeal, Deal, DealCredits, add_months, allocate
from .findings import Finding, Problem
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
    problems = deal_problems(deals, employees, digits, period)
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
