"""Deal input problems: every one at once, each naming its deal and column."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from .calendar import Period
from .dealtypes import EARLIEST, LATEST, Deal
from .findings import Problem
from .money import MAX_AMOUNT, decimal_places

__all__ = ["deal_problems"]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


def deal_problems(
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
            if not EARLIEST <= day <= LATEST:
                bad("DATE_RANGE", f"{where}: {name} {day} is outside {EARLIEST}..{LATEST}", name)
        if deal.client_since > deal.date:
            bad(
                "DATE_RANGE",
                f"{where}: client_since {deal.client_since} is after the deal date {deal.date}",
                "client_since",
            )
        amount = deal.amount
        finite = amount.is_finite()  # NaN compares by raising: test it before comparing
        if not finite or amount == 0 or abs(amount) > MAX_AMOUNT:
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
        if original is not None and original.amount.is_finite() and original.amount < 0:
            bad(
                "REFUND_SIGN",
                f"{where} refunds {original.id!r}, which is itself a refund; refund_of names "
                "the sale that is refunded",
                "refund_of",
            )
        if deal.refund_of is not None and finite and amount > 0:
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
            finite and amount < 0 and original is not None
        )
        for credit in deal.credit:
            if credited_now and credit.employee_id not in employees:
                bad(
                    "UNKNOWN_EMPLOYEE",
                    f"{where} is credited to {credit.employee_id!r}, who is not in the roster",
                    "credit",
                )
            if not credit.share.is_finite() or not _ZERO < credit.share <= _ONE:
                bad(
                    "SHARE_RANGE",
                    f"{where}: share {credit.share} of {credit.employee_id!r} is outside (0, 1]",
                    "credit",
                )
            if credit.share.is_finite():
                total += credit.share
        if deal.credit and total != _ONE:
            bad("SHARES_SUM", f"{where}: shares add up to {total}, not exactly 1", "credit")
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for deal in deals:
        if deal.refund_of in originals and deal.amount.is_finite():
            refunded[deal.refund_of] -= deal.amount
    for index, deal in enumerate(deals):
        if (
            deal.id in refunded
            and deal.amount.is_finite()
            and deal.amount > 0
            and refunded[deal.id] > deal.amount
        ):
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
