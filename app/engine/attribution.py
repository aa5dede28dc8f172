"""Which deal earned which part of a commission line: what ``recover: paid_commission`` needs.

A commission line's amount is shared among the deal parts it was computed from, in
proportion to their credited amounts, to the minor unit by the largest-remainder method
(the parts add up to the line's amount).  An amount typed into the roster for the same
measure takes its share too, and is not listed.  Refunds among the parts, and a line that
pays nothing or takes back, attribute nothing: each deal's commission is then zero.

A later period that refunds a deal receives this figure back on the deal's credit
(``Credit.commission``) and takes back the refunded fraction of it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from .dealtypes import apportion
from .money import EXACT, to_units
from .results import Line

__all__ = ["commission_by_deal", "take_back"]

_ZERO: Final = Decimal(0)


def commission_by_deal(line: Line, digits: int) -> list[Decimal]:
    """The commission each deal of ``line`` earned (or, on a ``commission_clawback`` line,
    what each refund takes back), in the order of ``line.deals``."""
    if line.paid:
        return list(line.paid)
    if not line.deals:
        return []
    zero = _ZERO.scaleb(-digits)
    if line.amount <= 0:
        return [zero] * len(line.deals)
    amounts = [to_units(deal.amount, digits) for deal in line.deals]
    weights = [max(units, 0) for units in amounts]
    typed = 0 if line.basis is None else to_units(line.basis, digits) - sum(amounts)
    weights.append(max(typed, 0))
    if not any(weights):
        return [zero] * len(line.deals)
    return apportion(line.amount, weights, digits)[:-1]


def take_back(
    paid: Decimal, deal: Decimal, before: Decimal, after: Decimal, digits: int
) -> Decimal:
    """What a refund takes back of the commission ``paid`` on a deal of amount ``deal``:
    the share of ``paid`` refunded by the end of this refund (``after``, the magnitude of
    all refunds of the deal so far) less the share refunded before it (``before``), each
    rounded half up to the minor unit.  The pieces of a full refund take back exactly
    ``paid``.  Negative (it is taken back)."""
    whole, cents = to_units(deal, digits), to_units(paid, digits)

    def share(refunded: Decimal) -> int:
        quotient, remainder = divmod(cents * to_units(refunded, digits), whole)
        return quotient + (1 if 2 * remainder >= whole else 0)

    return Decimal(share(before) - share(after)).scaleb(-digits, EXACT)
