"""Deal input problems: every one at once, each naming its deal and column."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Final

from .calendar import Period
from .dealtypes import EARLIEST, LATEST, Credit, Deal
from .findings import Problem
from .money import EXACT, MAX_AMOUNT, decimal_places, format_decimal, quantum

__all__ = ["DealCheck", "deal_problems", "plain_split"]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)


def deal_problems(
    deals: Sequence[Deal],
    employees: set[str],
    digits: int,
    period: Period,
) -> list[Problem]:
    """Every problem of ``deals``, in deal order, then REFUND_EXCEEDS."""
    originals = {deal.id: deal for deal in deals}  # each id's (last) deal, as refunds see them
    check = DealCheck(employees, digits, period, originals)
    seen: set[str] | None = set() if len(originals) < len(deals) else None  # ids twice?
    refunds: list[Deal] = []
    for index, deal in enumerate(deals):
        if deal.refund_of is not None:
            refunds.append(deal)
        if seen is not None:
            if deal.id in seen:
                check.passes(index, deal, duplicate=True)
                continue
            seen.add(deal.id)
        check.passes(index, deal)
    if refunds:
        _refunds_exceeding(deals, refunds, originals, check.problems)
    return check.problems


class DealCheck:
    """The check of one deal after another, in order (:meth:`passes`); what it found in
    :attr:`problems`.

    ``originals`` maps ids to deals: it must hold (at least) every deal that a refund names.
    """

    def __init__(
        self, employees: set[str], digits: int, period: Period, originals: Mapping[str, Deal]
    ) -> None:
        self.employees = employees
        self.digits = digits
        self.period = period
        self.originals = originals
        self.problems: list[Problem] = []
        #: Splits already found in range and summing to 1.
        self.fine_shares: set[tuple[Decimal, ...]] = set()
        self._step = quantum(digits)
        self._first, self._last = period.first_day, period.last_day

    def passes(self, index: int, deal: Deal, duplicate: bool = False) -> bool:
        """Whether ``deal`` has no problem of its own; its problems are added if it has.

        A deal that is plainly fine (dates in range, a sane amount, shares known to be fine,
        credited to people on the payroll, no refund_of) is passed over without building any
        message; any other deal goes through :func:`_problems_of`.
        """
        if not duplicate:
            try:
                if _plainly_fine(
                    deal,
                    self.employees,
                    self.originals,
                    self.fine_shares,
                    self._first,
                    self._last,
                    self._step,
                ):
                    return True
            except (ArithmeticError, TypeError):  # a signalling NaN: the full check reports it
                pass
        before = len(self.problems)
        _problems_of(
            index,
            deal,
            self.employees,
            self.digits,
            self.period,
            self.originals,
            duplicate,
            self.problems,
        )
        return len(self.problems) == before


def plain_split(
    credit: tuple[Credit, ...],
    employees: set[str] | None,
    fine_shares: set[tuple[Decimal, ...]],
) -> tuple[Decimal, ...] | None:
    """The shares of a split if they are fine (in range, adding up to 1), no credit carries
    a commission and (unless ``employees`` is None) everyone in it is on the payroll."""
    for c in credit:
        if c.commission is not None or (employees is not None and c.employee_id not in employees):
            return None
    shares = tuple([c.share for c in credit])
    return shares if shares in fine_shares or _shares_fine(shares, fine_shares) else None


def _plainly_fine(
    deal: Deal,
    employees: set[str],
    originals: Mapping[str, Deal],
    fine_shares: set[tuple[Decimal, ...]],
    first: dt.date,
    last: dt.date,
    step: Decimal,
) -> bool:
    """Whether ``deal`` certainly has no problem, decided without building any message.

    Dates in range, a non-zero amount with the currency's decimals, a refund that is
    negative and comes after a sale, shares known to be fine, and (for a deal credited
    by its own split in the period) everyone in it on the payroll.
    """
    day = deal.date
    amount = deal.amount
    credit = deal.credit
    if not (
        EARLIEST <= deal.client_since <= day <= LATEST
        and amount.is_finite()
        and amount
        and -MAX_AMOUNT <= amount <= MAX_AMOUNT
        and EXACT.quantize(amount, step) == amount
        and credit
    ):
        return False
    credited_now = first <= day <= last
    if deal.refund_of is not None:
        if amount > _ZERO:
            return False  # REFUND_SIGN
        original = originals.get(deal.refund_of)
        if original is not None:  # credited by the original's split: its own names anybody
            if original.date > day or not original.amount >= _ZERO:
                return False
            credited_now = False
    if len(credit) == 1:
        only = credit[0]
        return (
            only.share == _ONE
            and only.commission is None
            and (not credited_now or only.employee_id in employees)
        )
    return plain_split(credit, employees if credited_now else None, fine_shares) is not None


def _shares_fine(shares: tuple[Decimal, ...], fine: set[tuple[Decimal, ...]]) -> bool:
    """Each share in (0, 1] and all adding up to exactly 1; remembered in ``fine``."""
    if (
        all(share.is_finite() and _ZERO < share <= _ONE for share in shares)
        and sum(shares, _ZERO) == _ONE
    ):
        fine.add(shares)
        return True
    return False


def _problems_of(
    index: int,
    deal: Deal,
    employees: set[str],
    digits: int,
    period: Period,
    originals: Mapping[str, Deal],
    duplicate: bool,
    problems: list[Problem],
) -> None:
    """Every problem of one deal, in a fixed order."""
    where = f"deal {deal.id!r}"

    def bad(code: str, message: str, column: str) -> None:
        problems.append(Problem(code, message, index, column, "deals"))

    if duplicate:
        bad("DUPLICATE_DEAL", f"{where} appears twice", "id")
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
    if not amount.is_finite() or amount == 0 or abs(amount) > MAX_AMOUNT:
        bad(
            "INVALID_AMOUNT",
            f"{where}: amount {format_decimal(amount)} must be a non-zero number up to 10^13 in "
            "absolute value",
            "amount",
        )
    elif decimal_places(amount) > digits:
        bad(
            "PRECISION",
            f"{where}: amount {format_decimal(amount)} has more than {digits} decimals",
            "amount",
        )
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
    if deal.refund_of is not None and amount.is_finite() and amount > 0:
        bad(
            "REFUND_SIGN",
            f"{where} refunds {deal.refund_of!r} but its amount {format_decimal(amount)} is "
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
        amount.is_finite() and amount < 0 and original is not None
    )
    for credit in deal.credit:
        if credited_now and credit.employee_id not in employees:
            bad(
                "UNKNOWN_EMPLOYEE",
                f"{where} is credited to {credit.employee_id!r}, who is not in the roster",
                "credit",
            )
        if not (credit.share.is_finite() and _ZERO < credit.share <= _ONE):
            bad(
                "SHARE_RANGE",
                f"{where}: share {format_decimal(credit.share)} of {credit.employee_id!r} is "
                "outside (0, 1]",
                "credit",
            )
        if credit.share.is_finite():
            total += credit.share
    if deal.credit and total != _ONE:
        bad(
            "SHARES_SUM",
            f"{where}: shares add up to {format_decimal(total)}, not exactly 1",
            "credit",
        )
    for position, credit in enumerate(deal.credit):
        if credit.commission is not None:
            problem = _commission_problem(deal, credit.commission, digits, period)
            if problem:
                column = f"credit.{position}.commission"
                bad(
                    "INVALID_COMMISSION",
                    f"{where}: commission of {credit.employee_id!r} {problem}",
                    column,
                )


def _commission_problem(deal: Deal, paid: Decimal, digits: int, period: Period) -> str:
    """What is wrong with the commission paid on a deal, as a phrase; "" when nothing."""
    if deal.refund_of is not None or (deal.amount.is_finite() and deal.amount < 0):
        return (
            "on a refund: the commission paid goes on the credit of the deal refunded, "
            "which the refund takes it back from"
        )
    if deal.date >= period.first_day:
        return (
            "on a deal dated in this period or later: its commission is computed here; "
            "a credit carries what an earlier period paid"
        )
    if not paid.is_finite() or paid < 0 or paid > MAX_AMOUNT:
        return f"{format_decimal(paid)} must be an amount from 0 to 10^13, not negative"
    if decimal_places(paid) > digits:
        return f"{format_decimal(paid)} has more than {digits} decimals"
    return ""


def _refunds_exceeding(
    deals: Sequence[Deal],
    refunds: Sequence[Deal],
    originals: Mapping[str, Deal],
    problems: list[Problem],
) -> None:
    """REFUND_EXCEEDS for each sale refunded more than its amount, in deal order."""
    refunded: dict[str, Decimal] = defaultdict(Decimal)
    for deal in refunds:  # (a non-finite amount is INVALID_AMOUNT already)
        if deal.refund_of is not None and deal.refund_of in originals and deal.amount.is_finite():
            refunded[deal.refund_of] -= deal.amount
    if len(originals) == len(deals):  # ids unique: only the sales known to be exceeded
        exceeded = {
            deal_id
            for deal_id, total in refunded.items()
            if originals[deal_id].amount.is_finite() and total > originals[deal_id].amount > 0
        }
        if not exceeded:  # the usual case: no need to look for the sales by position
            return
    else:  # an id twice: each deal of a refunded id is compared below
        exceeded = set(refunded)
    for index, deal in enumerate(deals):
        if (
            deal.id in exceeded
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
